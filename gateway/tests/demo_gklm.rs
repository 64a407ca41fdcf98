mod common;

use common::{start_demo, start_demo_with, Demo, GKLM};
use keywatch_gateway::config::DemoOptions;
use reqwest::StatusCode;
use serde_json::json;

const NOT_AUTHENTICATED: &str = "CTGKM6004E User is not authenticated or has already logged out.";
const BAD_REQUEST: &str =
    "CTGKM6002E Bad Request: Invalid user authentication ID or invalid request format.";

#[tokio::test]
async fn login_gives_a_user_auth_id_and_rejects_a_wrong_password() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    assert!(auth.len() > "SKLMAuth userAuthId=".len() + 8);

    let wrong = demo
        .post(
            &format!("{GKLM}/ckms/login"),
            json!({"userid": "kwdemo", "password": "nope"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.body,
        json!({"code": "CTGKM6003E", "message": "CTGKM6003E Authentication Failure: Incorrect userid or password."})
    );
    assert_eq!(wrong.header("content-type"), "application/json");

    let garbled = demo
        .post(&format!("{GKLM}/ckms/login"), json!({"user": "kwdemo"}))
        .await;
    assert_eq!(garbled.status, StatusCode::BAD_REQUEST);
    assert_eq!(garbled.body["code"], "CTGKM6002E");
}

#[tokio::test]
async fn flags_change_the_demo_credentials() {
    let demo = start_demo_with(DemoOptions {
        user: "alice".into(),
        password: "s3cret".into(),
        time_scale: 0.0,
        ..DemoOptions::default()
    })
    .await;
    let login = format!("{GKLM}/ckms/login");
    let old = demo
        .post(&login, json!({"userid": "kwdemo", "password": "kwdemo"}))
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = demo
        .post(&login, json!({"userid": "alice", "password": "s3cret"}))
        .await;
    assert_eq!(new.status, StatusCode::OK);
}

#[tokio::test]
async fn every_read_endpoint_wants_a_well_formed_live_session() {
    let demo = start_demo().await;
    for path in [
        "/ckms/backups/result",
        "/ckms/backups/isrunning",
        "/ckms/backupRestore/progress",
        "/ckms/restore/progress",
        "/ckms/notification/status/NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062",
    ] {
        let path = format!("{GKLM}{path}");
        for malformed in [
            None,
            Some("Bearer abc"),
            Some("SKLMAuth abc"),
            Some("SKLMAuth userAuthId="),
        ] {
            let reply = demo.get(&path, malformed).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{path} {malformed:?}"
            );
            assert_eq!(
                reply.body,
                json!({"code": "CTGKM6002E", "message": BAD_REQUEST})
            );
            assert_eq!(reply.header("content-language"), "en");
        }
        let unknown = demo
            .get(&path, Some("SKLMAuth userAuthId=never-issued"))
            .await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            unknown.body,
            json!({"code": "CTGKM6004E", "message": NOT_AUTHENTICATED})
        );
    }
}

#[tokio::test]
async fn session_expires_after_fifteen_idle_minutes_of_simulated_time() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    let path = format!("{GKLM}/ckms/backups/result");
    demo.advance(14 * 60).await;
    assert_eq!(demo.get(&path, Some(&auth)).await.status, StatusCode::OK);
    demo.advance(14 * 60).await;
    assert_eq!(
        demo.get(&path, Some(&auth)).await.status,
        StatusCode::OK,
        "use keeps it alive"
    );
    demo.advance(15 * 60 + 1).await;
    let expired = demo.get(&path, Some(&auth)).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(expired.body["code"], "CTGKM6004E");
}

#[tokio::test]
async fn backup_result_starts_unknown_and_answers_in_german_when_asked() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    let path = format!("{GKLM}/ckms/backups/result");
    let reply = demo.get(&path, Some(&auth)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["code"], "-1");
    assert!(reply.body["status"]
        .as_str()
        .unwrap()
        .contains("not been run"));
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.header("content-language"), "en");

    let german = demo
        .http
        .get(demo.url(&path))
        .header("Authorization", &auth)
        .header("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    let german = common::Reply::from(german).await;
    assert_eq!(german.header("content-language"), "de");
    assert_eq!(german.body["code"], "-1");
    assert!(german.body["status"]
        .as_str()
        .unwrap()
        .contains("Serverstart"));

    let error = demo
        .http
        .get(demo.url(&path))
        .header("Accept-Language", "de")
        .send()
        .await
        .unwrap();
    let error = common::Reply::from(error).await;
    assert_eq!(error.header("content-language"), "de");
    assert!(error.body["message"]
        .as_str()
        .unwrap()
        .starts_with("CTGKM6002E Ungültige Anforderung"));
}

async fn backup_state(demo: &Demo, auth: &str) -> (String, String) {
    let result = demo
        .get(&format!("{GKLM}/ckms/backups/result"), Some(auth))
        .await;
    let running = demo
        .get(&format!("{GKLM}/ckms/backups/isrunning"), Some(auth))
        .await;
    (
        result.body["code"].as_str().unwrap().to_string(),
        running.body["code"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn pinned_backup_shows_every_result_and_inverted_running_codes() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    let expected = [
        ("-1", "CTGKM3292I"),
        ("0", "Operation succeeded"),
        ("1", "CTGKM3293E"),
        ("2", "CTGKM3294W"),
    ];
    for (code, status_start) in expected {
        demo.sim("/backup", json!({"result": code, "running": false}))
            .await;
        let reply = demo
            .get(&format!("{GKLM}/ckms/backups/result"), Some(&auth))
            .await;
        assert_eq!(reply.body["code"], code);
        assert!(reply.body["status"]
            .as_str()
            .unwrap()
            .starts_with(status_start));
    }
    demo.sim("/backup", json!({"result": "0", "running": true}))
        .await;
    let running = demo
        .get(&format!("{GKLM}/ckms/backups/isrunning"), Some(&auth))
        .await;
    assert_eq!(
        running.body,
        json!({"code": "0", "status": "CTGKM3290I Backup process is running."})
    );
    demo.sim("/backup", json!({"running": false})).await;
    let idle = demo
        .get(&format!("{GKLM}/ckms/backups/isrunning"), Some(&auth))
        .await;
    assert_eq!(
        idle.body,
        json!({"code": "1", "status": "CTGKM3291I Backup process is not running."})
    );

    demo.advance(6 * 3600).await;
    let auth = demo.gklm_sign_in().await;
    assert_eq!(
        backup_state(&demo, &auth).await,
        ("0".into(), "1".into()),
        "pin holds"
    );
    demo.sim("/reset", json!({})).await;
    assert_eq!(
        backup_state(&demo, &auth).await,
        ("-1".into(), "1".into()),
        "reset unpins"
    );
}

#[tokio::test]
async fn backup_pin_rejects_unknown_codes() {
    let demo = start_demo().await;
    let reply = demo.post("/_sim/backup", json!({"result": "7"})).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = demo.post("/_sim/backup", json!({})).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn living_backups_run_and_finish_as_the_clock_moves() {
    let demo = start_demo().await;
    let mut auth = demo.gklm_sign_in().await;
    let mut seen_running = false;
    let mut results = std::collections::BTreeSet::new();
    for _ in 0..(4 * 3600 / 20) {
        demo.advance(20).await;
        if demo
            .get(&format!("{GKLM}/ckms/backups/result"), Some(&auth))
            .await
            .status
            != StatusCode::OK
        {
            auth = demo.gklm_sign_in().await;
        }
        let (result, running) = backup_state(&demo, &auth).await;
        seen_running |= running == "0";
        results.insert(result);
    }
    assert!(seen_running, "a backup ran");
    assert!(results.contains("0"), "one succeeded: {results:?}");
    assert!(results.len() >= 3, "several outcomes: {results:?}");
}

#[tokio::test]
async fn healthz_answers() {
    let demo = start_demo().await;
    let reply = demo.get("/healthz", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["status"], "ok");
}
