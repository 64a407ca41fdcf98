mod common;

use std::time::{Duration, Instant};

use common::{start_demo, Demo, GKLM};
use reqwest::StatusCode;
use serde_json::json;

const RESULT: &str = "/SKLM/rest/v1/ckms/backups/result";
const AWS_JOBS: &str = "/api/v1/cckm/aws/synchronization-jobs";

async fn fault(demo: &Demo, spec: serde_json::Value) {
    demo.sim("/faults", spec).await;
}

#[tokio::test]
async fn status_fault_gives_each_server_its_own_error_body_then_clears_itself() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    fault(
        &demo,
        json!({"route": RESULT, "kind": "status", "status": 503, "times": 2}),
    )
    .await;
    for _ in 0..2 {
        let reply = demo.get(RESULT, Some(&auth)).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(reply.body["code"], "CTGKM9999E");
        assert!(reply.body["message"].is_string());
        assert_eq!(reply.header("content-type"), "application/json");
    }
    assert_eq!(demo.get(RESULT, Some(&auth)).await.status, StatusCode::OK);

    fault(
        &demo,
        json!({"route": AWS_JOBS, "kind": "status", "status": 500}),
    )
    .await;
    let reply = demo.get(AWS_JOBS, None).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    // Thales' shape: a number, the code word and sentence, no message.
    assert_eq!(reply.body["code"], 14);
    assert_eq!(
        reply.body["codeDesc"],
        "NCERRInternalServerError: 500 Internal Server Error (simulated fault)"
    );
    assert!(reply.body.get("message").is_none());
}

#[tokio::test]
async fn html_fault_sends_an_nginx_page() {
    let demo = start_demo().await;
    fault(
        &demo,
        json!({"route": RESULT, "kind": "html", "status": 502}),
    )
    .await;
    let reply = demo.get(RESULT, None).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY);
    assert_eq!(reply.header("content-type"), "text/html");
    assert!(reply
        .body
        .as_str()
        .unwrap()
        .contains("<center>nginx</center>"));
}

#[tokio::test]
async fn malformed_fault_sends_truncated_json() {
    let demo = start_demo().await;
    fault(&demo, json!({"route": RESULT, "kind": "malformed"})).await;
    let response = demo.http.get(demo.url(RESULT)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let bytes = response.bytes().await.unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_err());
}

#[tokio::test]
async fn latency_fault_delays_then_answers_normally() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    fault(
        &demo,
        json!({"route": RESULT, "kind": "latency", "ms": 300, "times": 1}),
    )
    .await;
    let started = Instant::now();
    let reply = demo.get(RESULT, Some(&auth)).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["code"], "-1");
}

#[tokio::test]
async fn drop_fault_closes_the_connection_without_an_answer() {
    let demo = start_demo().await;
    fault(&demo, json!({"route": RESULT, "kind": "drop", "times": 1})).await;
    let error = demo.http.get(demo.url(RESULT)).send().await.unwrap_err();
    assert!(!error.is_status(), "{error}");
    assert_eq!(
        demo.get(RESULT, None).await.status,
        StatusCode::BAD_REQUEST,
        "then normal again"
    );
}

#[tokio::test]
async fn expired_session_fault_speaks_each_servers_language() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    fault(&demo, json!({"route": RESULT, "kind": "expired-session"})).await;
    let reply = demo.get(RESULT, Some(&auth)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["code"], "CTGKM6004E");

    fault(&demo, json!({"route": AWS_JOBS, "kind": "expired-session"})).await;
    let reply = demo.get(AWS_JOBS, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.body["codeDesc"]
        .as_str()
        .unwrap()
        .starts_with("NCERRUnauthorized: "));
    assert!(reply.body["codeDesc"]
        .as_str()
        .unwrap()
        .contains("Token is expired by 50s"));
    assert!(reply.body.get("message").is_none());
}

#[tokio::test]
async fn huge_fault_sends_twenty_mebibytes_of_valid_json() {
    let demo = start_demo().await;
    fault(&demo, json!({"route": RESULT, "kind": "huge", "times": 1})).await;
    let bytes = demo
        .http
        .get(demo.url(RESULT))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(bytes.len() >= 20 * 1024 * 1024);
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(value["code"], "0");
}

#[tokio::test]
async fn faults_stay_until_cleared_and_reset_clears_them_too() {
    let demo = start_demo().await;
    fault(
        &demo,
        json!({"route": RESULT, "kind": "status", "status": 500}),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(
            demo.get(RESULT, None).await.status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
    let cleared = demo
        .http
        .delete(demo.url("/_sim/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    assert_eq!(demo.get(RESULT, None).await.status, StatusCode::BAD_REQUEST);

    fault(
        &demo,
        json!({"route": RESULT, "kind": "status", "status": 500}),
    )
    .await;
    demo.sim("/reset", json!({})).await;
    assert_eq!(demo.get(RESULT, None).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn fault_route_is_the_exact_path() {
    let demo = start_demo().await;
    fault(
        &demo,
        json!({"route": RESULT, "kind": "status", "status": 500}),
    )
    .await;
    let other = demo
        .get(&format!("{GKLM}/ckms/backups/isrunning"), None)
        .await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
    let with_query = demo.get(&format!("{RESULT}?x=1"), None).await;
    assert_eq!(with_query.status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn nonsense_control_requests_are_refused() {
    let demo = start_demo().await;
    for (path, body) in [
        ("/_sim/faults", json!({"route": RESULT, "kind": "explode"})),
        (
            "/_sim/faults",
            json!({"route": RESULT, "kind": "status", "status": 42}),
        ),
        ("/_sim/scenario", json!({"name": "apocalypse"})),
        ("/_sim/clock", json!({"advance_seconds": -5})),
    ] {
        let reply = demo.post(path, body.clone()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path} {body}");
        assert!(reply.body["error"].is_string());
    }
}

#[tokio::test]
async fn every_scenario_can_be_chosen() {
    let demo = start_demo().await;
    for name in ["quiet", "busy", "failing", "many-jobs"] {
        demo.sim("/scenario", json!({"name": name})).await;
        let state = demo.get("/_sim/state", None).await;
        assert_eq!(state.body["scenario"], name);
    }
}

#[tokio::test]
async fn clock_advances_simulated_time() {
    let demo = start_demo().await;
    demo.advance(125).await;
    let state = demo.get("/_sim/state", None).await;
    assert_eq!(state.body["sim_seconds"], 125);
}
