mod common;

use common::{start_demo, GKLM};
use reqwest::StatusCode;
use serde_json::json;

const SEED_EVENT: &str = "NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062";
const PHASES: [&str; 8] = [
    "IDLE",
    "INITIALIZE",
    "CREATE_TEMP_DIR",
    "RESTORE_CONFIG_FILES",
    "RESTORE_KEYSTORES",
    "RESTORE_DATABASES",
    "CLEANUP",
    "COMPLETED",
];

#[tokio::test]
async fn restore_progress_is_idle_at_first_on_both_paths() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    for path in ["/ckms/backupRestore/progress", "/ckms/restore/progress"] {
        let reply = demo.get(&format!("{GKLM}{path}"), Some(&auth)).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, json!({"code": "0", "status": "IDLE"}));
        assert_eq!(reply.header("content-language"), "en");
    }
    demo.sim("/restore", json!({"phase": 7})).await;
    let reply = demo
        .get(&format!("{GKLM}/ckms/restore/progress"), Some(&auth))
        .await;
    assert_eq!(reply.body, json!({"code": "7", "status": "COMPLETED"}));
}

#[tokio::test]
async fn restores_walk_their_phases_forward_as_the_clock_moves() {
    let demo = start_demo().await;
    let mut seen = std::collections::BTreeSet::new();
    let mut last = 0u8;
    let mut auth = demo.gklm_sign_in().await;
    for _ in 0..(6 * 3600 / 5) {
        demo.advance(5).await;
        if demo
            .get(&format!("{GKLM}/ckms/restore/progress"), Some(&auth))
            .await
            .status
            != StatusCode::OK
        {
            auth = demo.gklm_sign_in().await;
        }
        let reply = demo
            .get(&format!("{GKLM}/ckms/backupRestore/progress"), Some(&auth))
            .await;
        let code: u8 = reply.body["code"].as_str().unwrap().parse().unwrap();
        assert_eq!(reply.body["status"], PHASES[usize::from(code)]);
        assert!(code == 0 || code >= last, "went back from {last} to {code}");
        last = code;
        seen.insert(code);
        if seen.contains(&1) && seen.contains(&5) && seen.contains(&7) {
            break;
        }
    }
    assert!(
        seen.contains(&1) && seen.contains(&5) && seen.contains(&7),
        "{seen:?}"
    );
}

#[tokio::test]
async fn notification_status_of_ibms_example_event_and_404_for_unknown() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    let reply = demo
        .get(
            &format!("{GKLM}/ckms/notification/status/{SEED_EVENT}"),
            Some(&auth),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.body,
        json!([{"eventUUID": SEED_EVENT, "tenantId": "0", "channelType": "email", "delivered": "0", "numberOfTries": "1"}])
    );

    let missing = demo
        .get(
            &format!("{GKLM}/ckms/notification/status/NOT_EVENT-0000000-nope"),
            Some(&auth),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body["code"].as_str().unwrap().starts_with("CTGKM"));
    assert!(missing.body["message"]
        .as_str()
        .unwrap()
        .contains("NOT_EVENT-0000000-nope"));
}

#[tokio::test]
async fn known_events_are_listed_and_their_deliveries_move_on() {
    let demo = start_demo().await;
    let events = demo.get("/_sim/events", None).await.body;
    let events: Vec<String> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    assert_eq!(events[0], SEED_EVENT);
    assert!(events.len() > 1);

    demo.advance(3600).await;
    let auth = demo.gklm_sign_in().await;
    let reply = demo
        .get(
            &format!("{GKLM}/ckms/notification/status/{SEED_EVENT}"),
            Some(&auth),
        )
        .await;
    let tries: u32 = reply.body[0]["numberOfTries"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        tries > 1 || reply.body[0]["delivered"] == "1",
        "{}",
        reply.body
    );

    let later = demo.get("/_sim/events", None).await.body;
    assert!(
        later["events"].as_array().unwrap().len() > events.len(),
        "new events arrived"
    );
    let newest = later["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let encoded = newest.replace('-', "%2D");
    let reply = demo
        .get(
            &format!("{GKLM}/ckms/notification/status/{encoded}"),
            Some(&auth),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "percent-encoded UUID");
    assert_eq!(reply.body[0]["eventUUID"], newest.as_str());
}
