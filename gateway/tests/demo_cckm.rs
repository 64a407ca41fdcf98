mod common;

use common::start_demo;
use reqwest::StatusCode;
use serde_json::{json, Value};

const AWS_JOBS: &str = "/api/v1/cckm/aws/synchronization-jobs";

#[tokio::test]
async fn password_grant_gives_a_five_minute_jwt_and_a_refresh_token() {
    let demo = start_demo().await;
    let reply = demo
        .cckm_tokens(json!({"grant_type": "password", "username": "kwdemo", "password": "kwdemo"}))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["duration"], 300);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["jwt"].as_str().unwrap().split('.').count(), 3);
    assert!(reply.body["refresh_token"].as_str().unwrap().len() >= 32);

    let wrong = demo
        .cckm_tokens(json!({"grant_type": "password", "username": "kwdemo", "password": "x"}))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.body["codeDesc"],
        "NCERRUnauthorized: Invalid user credentials"
    );
    assert!(wrong.body.get("message").is_none());
}

#[tokio::test]
async fn jwt_expires_after_300_simulated_seconds_and_refresh_renews_it() {
    let demo = start_demo().await;
    let tokens = demo
        .cckm_tokens(json!({"grant_type": "password", "username": "kwdemo", "password": "kwdemo"}))
        .await
        .body;
    let bearer = format!("Bearer {}", tokens["jwt"].as_str().unwrap());
    assert_eq!(
        demo.get(AWS_JOBS, Some(&bearer)).await.status,
        StatusCode::OK
    );
    demo.advance(350).await;
    let expired = demo.get(AWS_JOBS, Some(&bearer)).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        expired.body["codeDesc"],
        "NCERRUnauthorized: Unauthorized: Bearer token malformed: Token is expired by 50s"
    );
    assert!(expired.body["code"].is_number());
    assert!(expired.body.get("message").is_none());

    let renewed = demo
        .cckm_tokens(
            json!({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(renewed.status, StatusCode::OK);
    let bearer = format!("Bearer {}", renewed.body["jwt"].as_str().unwrap());
    assert_eq!(
        demo.get(AWS_JOBS, Some(&bearer)).await.status,
        StatusCode::OK
    );

    let bogus = demo
        .cckm_tokens(json!({"grant_type": "refresh_token", "refresh_token": "nope"}))
        .await;
    assert_eq!(bogus.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn missing_or_malformed_bearer_is_401_with_a_cckm_body() {
    let demo = start_demo().await;
    for auth in [
        None,
        Some("Bearer"),
        Some("Basic a2s6a3c="),
        Some("Bearer not-a-jwt"),
        Some("Bearer a.b.c"),
    ] {
        let reply = demo.get(AWS_JOBS, auth).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert!(reply.body["code"].is_number(), "{auth:?}");
        assert!(reply.body["codeDesc"]
            .as_str()
            .unwrap()
            .starts_with("NCERRUnauthorized: Unauthorized"));
        assert!(reply.body.get("message").is_none());
    }
}

#[tokio::test]
async fn job_list_has_the_seed_envelope_and_job_shape_newest_first() {
    let demo = start_demo().await;
    let bearer = demo.cckm_bearer().await;
    let body = demo.cckm_list(&bearer, AWS_JOBS).await;
    assert_eq!(body["skip"], 0);
    assert_eq!(body["limit"], 10);
    let total = body["total"].as_u64().unwrap();
    let jobs = body["resources"].as_array().unwrap();
    assert!(total >= 2 && jobs.len() as u64 == total.min(10));
    let created: Vec<&str> = jobs
        .iter()
        .map(|j| j["createdAt"].as_str().unwrap())
        .collect();
    assert!(
        created.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {created:?}"
    );
    for job in jobs {
        for field in [
            "id",
            "uri",
            "account",
            "application",
            "devAccount",
            "createdAt",
            "updatedAt",
            "overall_status",
            "detailed_status",
            "cloud",
            "kms",
            "abort",
        ] {
            assert!(job.get(field).is_some(), "{field} missing in {job}");
        }
        assert_eq!(job["cloud"], "aws");
        let ended = job["overall_status"] != "in_progress";
        assert_eq!(job.get("completed_at").is_some(), ended, "{job}");
        assert!(job["createdAt"].as_str().unwrap().ends_with('Z'));
        for (key, _) in job["detailed_status"].as_object().unwrap() {
            assert_eq!(key.split('/').count(), 2, "{key}");
        }
    }
}

#[tokio::test]
async fn filters_and_paging_keep_a_correct_total() {
    let demo = start_demo().await;
    demo.sim("/scenario", json!({"name": "many-jobs"})).await;
    let bearer = demo.cckm_bearer().await;
    let all = demo
        .cckm_list(&bearer, &format!("{AWS_JOBS}?skip=0&limit=10"))
        .await;
    assert_eq!(all["total"], 10_000);

    let page = demo
        .cckm_list(&bearer, &format!("{AWS_JOBS}?skip=9995&limit=10"))
        .await;
    assert_eq!(page["total"], 10_000);
    assert_eq!(page["resources"].as_array().unwrap().len(), 5);

    let failed = demo
        .cckm_list(
            &bearer,
            &format!("{AWS_JOBS}?overall_status=failed&limit=50"),
        )
        .await;
    let failed_total = failed["total"].as_u64().unwrap();
    assert!(failed_total > 0 && failed_total < 10_000);
    assert!(failed["resources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|j| j["overall_status"] == "failed"));

    let two_kms = demo
        .cckm_list(
            &bearer,
            &format!("{AWS_JOBS}?kms=kms-prod&kms=kms-audit&limit=100"),
        )
        .await;
    let one_kms = demo
        .cckm_list(&bearer, &format!("{AWS_JOBS}?kms=kms-prod&limit=100"))
        .await;
    assert!(two_kms["total"].as_u64() > one_kms["total"].as_u64());
    for job in two_kms["resources"].as_array().unwrap() {
        let kms: Vec<&str> = job["kms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert!(
            kms.contains(&"kms-prod") || kms.contains(&"kms-audit"),
            "{kms:?}"
        );
    }

    let first_id = all["resources"][0]["id"].as_str().unwrap().to_string();
    let by_id = demo
        .cckm_list(&bearer, &format!("{AWS_JOBS}?id={first_id}"))
        .await;
    assert_eq!(by_id["total"], 1);
    assert_eq!(by_id["resources"][0]["id"], first_id.as_str());

    let bad = demo
        .get(&format!("{AWS_JOBS}?limit=-3"), Some(&bearer))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body["codeDesc"].is_string());
}

#[tokio::test]
async fn one_job_by_id_and_404_for_an_unknown_one() {
    let demo = start_demo().await;
    let bearer = demo.cckm_bearer().await;
    let listed = demo.cckm_list(&bearer, AWS_JOBS).await;
    let id = listed["resources"][0]["id"].as_str().unwrap();
    let one = demo.get(&format!("{AWS_JOBS}/{id}"), Some(&bearer)).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body, listed["resources"][0]);

    let missing = demo
        .get(&format!("{AWS_JOBS}/no-such-job"), Some(&bearer))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // Word for word what Thales' own test fakes send.
    assert_eq!(
        missing.body,
        json!({"code": 16, "codeDesc": "NCERRResourceNotFound: Resource not found"})
    );
}

#[tokio::test]
async fn jobs_start_progress_and_end_as_the_clock_moves() {
    let demo = start_demo().await;
    demo.sim("/scenario", json!({"name": "failing"})).await;
    let mut statuses = std::collections::BTreeSet::new();
    let mut seen_running = false;
    let mut seen_without_regions = false;
    for _ in 0..60 {
        demo.advance(60).await;
        let bearer = demo.cckm_bearer().await;
        let body = demo
            .cckm_list(&bearer, &format!("{AWS_JOBS}?limit=5"))
            .await;
        for job in body["resources"].as_array().unwrap() {
            statuses.insert(job["overall_status"].as_str().unwrap().to_string());
            seen_running |= job["overall_status"] == "in_progress";
            seen_without_regions |= job.get("regions").is_none();
        }
    }
    assert!(seen_running);
    assert!(seen_without_regions);
    for status in ["completed", "failed", "aborted"] {
        assert!(statuses.contains(status), "{status} in {statuses:?}");
    }
}

#[tokio::test]
async fn same_seed_same_jobs() {
    let first = start_demo().await;
    let second = start_demo().await;
    let mut ids = Vec::new();
    for demo in [&first, &second] {
        demo.advance(900).await;
        let bearer = demo.cckm_bearer().await;
        let body = demo.cckm_list(&bearer, &format!("{AWS_JOBS}?limit=50")).await;
        let summary: Vec<(Value, Value)> = body["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| (j["id"].clone(), j["overall_status"].clone()))
            .collect();
        ids.push(summary);
    }
    assert_eq!(ids[0], ids[1]);
}
