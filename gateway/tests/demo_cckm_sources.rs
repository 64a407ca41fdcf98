//! The simulated CipherTrust Manager's nine synchronization-job families,
//! its domains, its refresh tokens and its errors, as Thales' own code and
//! pages describe them.

mod common;

use common::{start_demo, Demo};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Every family: its list below `/api/v1`, the field (and filter) its jobs
/// carry their containers under, whether its list honours `sort`.
const FAMILIES: [(&str, &str, bool); 9] = [
    ("cckm/aws/synchronization-jobs", "kms", false),
    (
        "cckm/aws/custom-key-stores/synchronization-jobs",
        "kms",
        false,
    ),
    ("cckm/azure/synchronization-jobs", "key_vaults", false),
    (
        "cckm/azure/secrets/synchronization-jobs",
        "key_vaults",
        false,
    ),
    (
        "cckm/azure/certificates/synchronization-jobs",
        "key_vaults",
        false,
    ),
    ("cckm/google/synchronization-jobs", "key_rings", true),
    ("cckm/oci/synchronization-jobs", "vaults", false),
    ("cckm/sfdc/keys/synchronization-jobs", "organizations", true),
    ("cckm/sap/synchronization-jobs", "groups", false),
];

const CONTAINER_FIELDS: [&str; 6] = [
    "kms",
    "key_vaults",
    "key_rings",
    "vaults",
    "organizations",
    "groups",
];

async fn bearer(demo: &Demo, body: Value) -> String {
    let reply = demo.cckm_tokens(body).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    format!("Bearer {}", reply.body["jwt"].as_str().unwrap())
}

fn password(extra: Value) -> Value {
    let mut body = json!({"grant_type": "password", "username": "kwdemo", "password": "kwdemo"});
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

fn jobs(body: &Value) -> &Vec<Value> {
    body["resources"].as_array().unwrap()
}

fn containers<'a>(job: &'a Value, field: &str) -> Vec<&'a str> {
    job[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} in {job}"))
        .iter()
        .map(|name| name.as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn each_family_lists_its_jobs_with_its_own_container_field_and_filter() {
    let demo = start_demo().await;
    let bearer = demo.cckm_bearer().await;
    for (family, field, _) in FAMILIES {
        let path = format!("/api/v1/{family}");
        let body = demo.cckm_list(&bearer, &path).await;
        let found = jobs(&body);
        assert!(!found.is_empty(), "{family}");
        assert_eq!(body["total"].as_u64(), Some(found.len() as u64));
        for job in found {
            let names = containers(job, field);
            assert!(!names.is_empty(), "{family}: {job}");
            assert!(
                names.iter().all(|n| !n.starts_with("sales-")),
                "{family}: {job}"
            );
            for other in CONTAINER_FIELDS {
                assert_eq!(job.get(other).is_some(), other == field, "{family}: {job}");
            }
        }
        // Its own filter narrows the list; another family's is ignored.
        let name = containers(&found[0], field)[0];
        let filtered = demo
            .cckm_list(&bearer, &format!("{path}?{field}={name}"))
            .await;
        let filtered_jobs = jobs(&filtered);
        assert!(!filtered_jobs.is_empty(), "{family}");
        assert!(filtered_jobs
            .iter()
            .all(|job| containers(job, field).contains(&name)));
        let other = if field == "groups" { "kms" } else { "groups" };
        let ignored = demo
            .cckm_list(&bearer, &format!("{path}?{other}=nothing"))
            .await;
        assert_eq!(ignored["total"], body["total"], "{family}");

        let id = found[0]["id"].as_str().unwrap();
        let one = demo.get(&format!("{path}/{id}"), Some(&bearer)).await;
        assert_eq!(one.status, StatusCode::OK, "{family}");
        assert_eq!(one.body, found[0]);
    }
}

#[tokio::test]
async fn plausible_names_per_family_and_googles_whole_key_ring_names() {
    let demo = start_demo().await;
    let bearer = demo.cckm_bearer().await;
    let all_names = |body: &Value, field: &str| -> Vec<String> {
        jobs(body)
            .iter()
            .flat_map(|job| containers(job, field))
            .map(str::to_string)
            .collect()
    };
    let cks = demo
        .cckm_list(
            &bearer,
            "/api/v1/cckm/aws/custom-key-stores/synchronization-jobs",
        )
        .await;
    let names = all_names(&cks, "kms");
    assert!(!names.is_empty());
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("cks-") || n.starts_with("xks-")),
        "{names:?}"
    );
    let sfdc = demo
        .cckm_list(&bearer, "/api/v1/cckm/sfdc/keys/synchronization-jobs")
        .await;
    let names = all_names(&sfdc, "organizations");
    assert!(!names.is_empty());
    assert!(
        names.iter().all(|n| n.starts_with("00D") && n.len() == 18),
        "{names:?}"
    );
    let sap = demo
        .cckm_list(&bearer, "/api/v1/cckm/sap/synchronization-jobs")
        .await;
    let names = all_names(&sap, "groups");
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n.starts_with("sap-")), "{names:?}");

    let google = demo
        .cckm_list(&bearer, "/api/v1/cckm/google/synchronization-jobs")
        .await;
    let found = jobs(&google);
    assert!(!found.is_empty());
    for job in found {
        let created = job["createdAt"].as_str().unwrap();
        assert_eq!(
            created.rsplit('.').next().map(str::len),
            Some(10),
            "nine digits and Z: {created}"
        );
        let details = job["detailed_status"].as_object().unwrap();
        assert!(!details.is_empty());
        for (key, text) in details {
            assert!(key.starts_with("projects/"), "{key}");
            assert!(key.contains("/locations/"), "{key}");
            assert!(key.contains("/keyRings/"), "{key}");
            if job["overall_status"] == "completed" {
                assert_eq!(text, "key ring synchronized successfully");
            }
        }
    }
}

#[tokio::test]
async fn a_token_sees_only_its_domains_jobs() {
    let demo = start_demo().await;
    let root = demo.cckm_bearer().await;
    // The demo user is defined in root: `domain` alone is enough.
    let sales = bearer(&demo, password(json!({"domain": "sales"}))).await;
    let sales_too = bearer(
        &demo,
        password(json!({"domain": "sales", "auth_domain": "root"})),
    )
    .await;
    for (family, field, _) in FAMILIES {
        let path = format!("/api/v1/{family}");
        let root_jobs = demo.cckm_list(&root, &path).await;
        let sales_jobs = demo.cckm_list(&sales, &path).await;
        assert_eq!(demo.cckm_list(&sales_too, &path).await, sales_jobs);
        let (root_found, sales_found) = (jobs(&root_jobs), jobs(&sales_jobs));
        assert!(
            !root_found.is_empty() && !sales_found.is_empty(),
            "{family}"
        );
        assert!(
            sales_found.iter().all(|job| containers(job, field)
                .iter()
                .all(|n| n.starts_with("sales-"))),
            "{family}: {sales_jobs}"
        );
        assert!(
            root_found.iter().all(|job| containers(job, field)
                .iter()
                .all(|n| !n.starts_with("sales-"))),
            "{family}"
        );
        // A job of the other domain is not found.
        let root_id = root_found[0]["id"].as_str().unwrap();
        let sales_id = sales_found[0]["id"].as_str().unwrap();
        for (token, id, status) in [
            (&sales, root_id, StatusCode::NOT_FOUND),
            (&root, sales_id, StatusCode::NOT_FOUND),
            (&sales, sales_id, StatusCode::OK),
            (&root, root_id, StatusCode::OK),
        ] {
            let reply = demo.get(&format!("{path}/{id}"), Some(token)).await;
            assert_eq!(reply.status, status, "{family} {id}");
        }
        let by_id = demo
            .cckm_list(&sales, &format!("{path}?id={root_id}"))
            .await;
        assert_eq!(by_id["total"], 0);
    }

    // A refreshed token stays in its domain.
    let tokens = demo
        .cckm_tokens(password(json!({"domain": "sales"})))
        .await
        .body;
    let refreshed = bearer(
        &demo,
        json!({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}),
    )
    .await;
    let body = demo
        .cckm_list(&refreshed, "/api/v1/cckm/aws/synchronization-jobs")
        .await;
    let found = jobs(&body);
    assert!(!found.is_empty());
    assert!(found.iter().all(|job| containers(job, "kms")
        .iter()
        .all(|n| n.starts_with("sales-"))));
}

#[tokio::test]
async fn an_unknown_domain_or_a_domain_the_user_is_not_in_is_refused() {
    let demo = start_demo().await;
    for extra in [
        json!({"domain": "marketing"}),
        json!({"domain": "root", "auth_domain": "marketing"}),
        json!({"domain": "sales", "auth_domain": "sales"}),
    ] {
        let reply = demo.cckm_tokens(password(extra.clone())).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{extra}");
        assert!(reply.body["code"].is_number(), "{extra}");
        assert!(
            reply.body["codeDesc"]
                .as_str()
                .unwrap()
                .starts_with("NCERRUnauthorized: "),
            "{extra}"
        );
        assert!(reply.body.get("message").is_none());
        assert!(reply.body.get("jwt").is_none());
    }
    // A blank domain is the root domain.
    let root = bearer(&demo, password(json!({"domain": "", "auth_domain": ""}))).await;
    let body = demo
        .cckm_list(&root, "/api/v1/cckm/aws/synchronization-jobs")
        .await;
    assert!(!jobs(&body).is_empty());
}

#[tokio::test]
async fn a_new_refresh_token_only_when_asked_and_then_the_old_one_stops() {
    let demo = start_demo().await;
    let first = demo.cckm_tokens(password(json!({}))).await.body;
    let old = first["refresh_token"].as_str().unwrap().to_string();
    let refresh = |token: &str, renew: Option<bool>| {
        let mut body = json!({"grant_type": "refresh_token", "refresh_token": token});
        if let Some(renew) = renew {
            body["renew_refresh_token"] = json!(renew);
        }
        body
    };

    for renew in [None, Some(false)] {
        let kept = demo.cckm_tokens(refresh(&old, renew)).await;
        assert_eq!(kept.status, StatusCode::OK, "{renew:?}");
        assert!(kept.body["jwt"].is_string());
        assert!(
            kept.body.get("refresh_token").is_none(),
            "{renew:?}: {}",
            kept.body
        );
    }

    let renewed = demo.cckm_tokens(refresh(&old, Some(true))).await;
    assert_eq!(renewed.status, StatusCode::OK);
    let new = renewed.body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert!(new.len() >= 32);
    let bearer = format!("Bearer {}", renewed.body["jwt"].as_str().unwrap());
    demo.cckm_list(&bearer, "/api/v1/cckm/sap/synchronization-jobs")
        .await;

    let stale = demo.cckm_tokens(refresh(&old, None)).await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    assert!(stale.body["codeDesc"]
        .as_str()
        .unwrap()
        .starts_with("NCERRUnauthorized: "));
    let fresh = demo.cckm_tokens(refresh(&new, None)).await;
    assert_eq!(fresh.status, StatusCode::OK);
}

fn created(body: &Value) -> Vec<String> {
    jobs(body)
        .iter()
        .map(|job| job["createdAt"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn sort_is_ignored_on_aws_and_honoured_on_salesforce() {
    let demo = start_demo().await;
    // Several jobs in every family: an hour of the busy world.
    demo.advance(3600).await;
    let bearer = demo.cckm_bearer().await;
    for (family, _, sorts) in FAMILIES {
        let path = format!("/api/v1/{family}");
        let default = demo.cckm_list(&bearer, &format!("{path}?limit=50")).await;
        let newest_first = created(&default);
        assert!(newest_first.len() >= 3, "{family}: {newest_first:?}");
        assert!(
            newest_first.windows(2).all(|w| w[0] >= w[1]),
            "{family}: {newest_first:?}"
        );
        let ascending = demo
            .cckm_list(&bearer, &format!("{path}?limit=50&sort=createdAt"))
            .await;
        let bogus = demo
            .get(&format!("{path}?limit=50&sort=name"), Some(&bearer))
            .await;
        if sorts {
            let oldest_first = created(&ascending);
            assert_eq!(oldest_first.len(), newest_first.len(), "{family}");
            assert!(
                oldest_first.windows(2).all(|w| w[0] <= w[1]),
                "{family}: {oldest_first:?}"
            );
            assert_ne!(oldest_first, newest_first, "{family}");
            assert_eq!(bogus.status, StatusCode::BAD_REQUEST, "{family}");
            assert!(bogus.body["codeDesc"]
                .as_str()
                .unwrap()
                .starts_with("NCERRInvalidParamValue: sort must be"));
        } else {
            // Not a parameter of this list: ignored, whatever its value.
            assert_eq!(ascending, default, "{family}");
            assert_eq!(bogus.status, StatusCode::OK, "{family}");
            assert_eq!(bogus.body, default, "{family}");
        }
    }
}

#[tokio::test]
async fn faults_reach_every_family_in_thales_error_shape() {
    let demo = start_demo().await;
    let bearer = demo.cckm_bearer().await;
    for (family, _, _) in FAMILIES {
        let path = format!("/api/v1/{family}");
        demo.sim(
            "/faults",
            json!({"route": path, "kind": "status", "status": 500, "times": 1}),
        )
        .await;
        let reply = demo.get(&path, Some(&bearer)).await;
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR, "{family}");
        assert_eq!(
            reply.body,
            json!({
                "code": 14,
                "codeDesc": "NCERRInternalServerError: 500 Internal Server Error (simulated fault)"
            }),
            "{family}"
        );
        assert_eq!(
            demo.get(&path, Some(&bearer)).await.status,
            StatusCode::OK,
            "{family}: the fault was for one request"
        );
        let one = format!("{path}/no-such-job");
        demo.sim(
            "/faults",
            json!({"route": one, "kind": "expired-session", "times": 1}),
        )
        .await;
        let reply = demo.get(&one, Some(&bearer)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{family}");
        assert!(reply.body.get("message").is_none());
        let missing = demo.get(&one, Some(&bearer)).await;
        assert_eq!(
            missing.body,
            json!({"code": 16, "codeDesc": "NCERRResourceNotFound: Resource not found"}),
            "{family}"
        );
    }
    // Neighbours of the families are not served at all.
    for path in [
        "/api/v1/cckm/azure/secrets",
        "/api/v1/cckm/sfdc/synchronization-jobs",
        "/api/v1/cckm/aws/custom-key-stores",
        "/api/v1/cckm/ibm/synchronization-jobs",
    ] {
        assert_eq!(
            demo.get(path, Some(&bearer)).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
