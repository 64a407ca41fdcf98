//! Service-account mode in a CipherTrust domain: the gateway signs in to the
//! configured domain, and refreshes asking for a new refresh token, which
//! it then uses.

mod common;

use common::tls::{proxy_config, spawn_proxy, tls_upstream, upstream_sim};
use keywatch_gateway::config::{AuthMode, ServiceCredentials};
use reqwest::StatusCode;
use serde_json::{json, Value};

const AWS_JOBS: &str = "/api/v1/cckm/aws/synchronization-jobs";
const SFDC_JOBS: &str = "/api/v1/cckm/sfdc/keys/synchronization-jobs";

fn credentials() -> ServiceCredentials {
    ServiceCredentials {
        gklm_user: "kwdemo".into(),
        gklm_password: "kwdemo".into(),
        ciphertrust_user: "kwdemo".into(),
        ciphertrust_password: "kwdemo".into(),
    }
}

/// Every container name of every job on the page, under `field`.
fn names(body: &Value, field: &str) -> Vec<String> {
    body["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|job| job[field].as_array().unwrap().clone())
        .map(|name| name.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_service_account_in_the_sales_domain_lists_only_sales_jobs_and_renews_its_refresh_token()
{
    let upstream = tls_upstream().await;
    let mut config = proxy_config(&upstream.base, &upstream.ca_file, "cache_seconds = 0", true);
    match &mut config.auth {
        AuthMode::ServiceAccount {
            ciphertrust_domain, ..
        } => *ciphertrust_domain = "sales".into(),
        AuthMode::PassThrough => unreachable!("service-account mode"),
    }
    let proxy = spawn_proxy(&config, Some(credentials())).await;

    let listed = |path: &'static str, field: &'static str| {
        let proxy = &proxy;
        async move {
            let reply = proxy.get(path, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}: {:?}", reply.body);
            let names = names(&reply.body, field);
            assert!(!names.is_empty(), "{path}");
            names
        }
    };
    for (path, field) in [(AWS_JOBS, "kms"), (SFDC_JOBS, "organizations")] {
        let names = listed(path, field).await;
        assert!(
            names.iter().all(|n| n.starts_with("sales-")),
            "{path}: {names:?}"
        );
    }
    assert_eq!(upstream.seen().grants, ["password"]);

    // The JWT runs out upstream: the gateway refreshes, asking for a new
    // refresh token; the simulator revokes the old one.
    upstream_sim(&upstream, "/clock", json!({"advance_seconds": 350})).await;
    let names = listed(AWS_JOBS, "kms").await;
    assert!(names.iter().all(|n| n.starts_with("sales-")), "{names:?}");
    let seen = upstream.seen();
    assert_eq!(seen.grants, ["password", "refresh_token"]);
    assert_eq!(
        seen.refresh_tokens.len(),
        2,
        "a new refresh token came back"
    );

    // Again: only the new refresh token works now, and it is the one used
    // (the old one would fail and end in a password sign-in).
    upstream_sim(&upstream, "/clock", json!({"advance_seconds": 350})).await;
    let names = listed(SFDC_JOBS, "organizations").await;
    assert!(names.iter().all(|n| n.starts_with("sales-")), "{names:?}");
    let seen = upstream.seen();
    assert_eq!(seen.grants, ["password", "refresh_token", "refresh_token"]);
    assert_eq!(seen.refresh_tokens.len(), 3);
}

#[tokio::test]
async fn without_a_domain_the_service_account_is_in_root() {
    let upstream = tls_upstream().await;
    let config = proxy_config(&upstream.base, &upstream.ca_file, "cache_seconds = 0", true);
    let proxy = spawn_proxy(&config, Some(credentials())).await;
    let reply = proxy.get(AWS_JOBS, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let names = names(&reply.body, "kms");
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| !n.starts_with("sales-")), "{names:?}");
}

#[tokio::test]
async fn a_domain_the_upstream_does_not_know_is_a_failed_sign_in_that_shows_no_credential() {
    let upstream = tls_upstream().await;
    let mut config = proxy_config(&upstream.base, &upstream.ca_file, "cache_seconds = 0", true);
    if let AuthMode::ServiceAccount {
        ciphertrust_domain, ..
    } = &mut config.auth
    {
        *ciphertrust_domain = "marketing".into();
    }
    let proxy = spawn_proxy(&config, Some(credentials())).await;
    let reply = proxy.get(AWS_JOBS, None).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY);
    let text = reply.body.to_string();
    assert!(!text.contains("kwdemo"), "{text}");
    assert!(upstream.seen().jwts.is_empty());
}
