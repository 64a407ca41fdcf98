//! GKLM's status services in the simulator: the documented fields (read
//! back with keywatch-core's own readers), in English and German, under
//! 4.x's and 5.x's prefix, behind a session, reached by fault injection, and
//! the scenarios `/_sim/gklm` and `/_sim/cluster` pin.

mod common;

use common::{start_demo, Demo};
use keywatch_core::api::{gklm, HttpResponse};
use keywatch_core::model::backup_history::newest_first;
use keywatch_core::model::multimaster::AgentReading;
use keywatch_core::model::timestamp::Timestamp;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PREFIXES: [&str; 2] = ["/SKLM/rest/v1", "/GKLM/rest/v1"];

/// Every new service, below the prefix.
const SERVICES: [&str; 10] = [
    "/ckms/backups",
    "/ckms/notification",
    "/ckms/config/nodes/isNodeIsolatedFromCluster",
    "/ckms/nodes",
    "/ckms/multimaster/agentstatus",
    "/ckms/config/nodes/getClusterName",
    "/ckms/versionInfo",
    "/systemDetails",
    "/health",
    "/ckms/nodes/allNodeStatus",
];

struct Answer {
    status: StatusCode,
    language: String,
    body: Value,
    raw: HttpResponse,
}

async fn get(demo: &Demo, path: &str, auth: &str, language: &str) -> Answer {
    let response = demo
        .http
        .get(demo.url(path))
        .header("Authorization", auth)
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let language = header("content-language").unwrap_or_default();
    let content_type = header("content-type");
    let text = response.text().await.unwrap();
    Answer {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        raw: HttpResponse {
            status: status.as_u16(),
            content_type,
            content_language: Some(language.clone()),
            body: text,
        },
        language,
    }
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn each_service_answers_with_ibms_field_names_under_both_prefixes_in_en_and_de() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    for prefix in PREFIXES {
        for language in ["en", "de"] {
            let at = |path: &str| format!("{prefix}{path}");
            let backups = get(&demo, &at("/ckms/backups"), &auth, language).await;
            assert_eq!(backups.status, StatusCode::OK);
            assert_eq!(backups.language, language);
            let files = backups.body.as_array().unwrap();
            assert_eq!(files.len(), 3, "{prefix} {language}");
            for file in files {
                assert_eq!(
                    keys(file),
                    [
                        "backupFilePath",
                        "description",
                        "productHomeDir",
                        "status",
                        "timestamp"
                    ]
                );
            }
            let status = files[0]["status"].as_str().unwrap();
            match language {
                "de" => assert_eq!(status, "Sicherungsdatei gefunden"),
                _ => assert_eq!(status, "Backup file found"),
            }
            let records = gklm::read_backup_history(&backups.raw).unwrap().value;
            assert!(records.iter().all(|r| r.time.is_some()), "{records:?}");

            let events = get(&demo, &at("/ckms/notification"), &auth, language).await;
            assert_eq!(events.status, StatusCode::OK);
            assert_eq!(events.language, language);
            let read = gklm::read_notification_events(&events.raw).unwrap().value;
            assert!(read.len() >= 4, "{read:?}");
            assert_eq!(
                read[0].event_type.as_deref(),
                Some("CERTIFICATE_EXPIRY_IN_30DAYS")
            );
            assert!(read.iter().all(|e| e.id.is_some() && e.time.is_some()));
            let message = read[0].message.as_deref().unwrap();
            if language == "de" {
                assert!(
                    message.contains("läuft innerhalb von 30 Tagen ab"),
                    "{message}"
                );
            } else {
                assert!(message.contains("expires within 30 days"), "{message}");
            }

            let isolation = get(
                &demo,
                &at("/ckms/config/nodes/isNodeIsolatedFromCluster"),
                &auth,
                language,
            )
            .await;
            assert_eq!(
                isolation.body,
                json!({"nodeIsolatedFromCluster": "false", "multimasterRole": "PRIMARY"})
            );
            assert_eq!(isolation.language, language);

            let nodes = get(&demo, &at("/ckms/nodes"), &auth, language).await;
            let masters = gklm::read_cluster_masters(&nodes.raw).unwrap().value;
            assert_eq!(masters.len(), 2);
            assert_eq!(
                keys(&nodes.body[0]),
                [
                    "adminPort",
                    "clusterName",
                    "httpPort",
                    "instanceId",
                    "ipHostname",
                    "name",
                    "tcpPort"
                ]
            );

            let agent = get(&demo, &at("/ckms/multimaster/agentstatus"), &auth, language).await;
            assert_eq!(
                keys(&agent.body),
                ["Agent Last Available Time", "Agent Status", "Agent Version"]
            );
            let agent = gklm::read_agent_status(&agent.raw).unwrap().value;
            assert_eq!(agent.reading(), AgentReading::Running);
            assert!(agent.last_available.is_some());

            let name = get(
                &demo,
                &at("/ckms/config/nodes/getClusterName"),
                &auth,
                language,
            )
            .await;
            assert_eq!(
                gklm::read_cluster_name(&name.raw).unwrap().value.as_deref(),
                Some("kwcluster")
            );

            let version = get(&demo, &at("/ckms/versionInfo"), &auth, language).await;
            let version = gklm::read_version_info(&version.raw).unwrap().value;
            assert_eq!(version.version(), Some("5.0.0.0"));
            assert!(version.build().is_some());

            let details = get(&demo, &at("/systemDetails"), &auth, language).await;
            assert_eq!(
                keys(&details.body),
                [
                    "IPAddr",
                    "KMIPConfigured",
                    "KMIPStatus",
                    "KMIPTLSport",
                    "TCPTransportsInitialized",
                    "TCPport",
                    "TLSConfigured",
                    "TLSTransportsInitialized",
                    "TLSport",
                    "keyStoreInitialized"
                ]
            );
            let details = gklm::read_system_details(&details.raw).unwrap().value;
            assert_eq!(details.key_store_initialized, Some(true));
            assert!(details.not_ready().is_empty());

            let health = get(&demo, &at("/health"), &auth, language).await;
            assert_eq!(health.body, json!({"overall": true}));
            assert_eq!(health.language, language);
        }
    }
}

#[tokio::test]
async fn every_service_wants_a_live_session_under_both_prefixes() {
    let demo = start_demo().await;
    for prefix in PREFIXES {
        for service in SERVICES {
            let path = format!("{prefix}{service}");
            let none = demo.get(&path, None).await;
            assert_eq!(none.status, StatusCode::BAD_REQUEST, "{path}");
            assert_eq!(none.body["code"], "CTGKM6002E");
            let unknown = demo
                .get(&path, Some("SKLMAuth userAuthId=never-issued"))
                .await;
            assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{path}");
            assert_eq!(unknown.body["code"], "CTGKM6004E");
        }
    }
}

#[tokio::test]
async fn fault_injection_reaches_every_service_under_both_prefixes() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    for prefix in PREFIXES {
        for service in SERVICES {
            let path = format!("{prefix}{service}");
            demo.sim(
                "/faults",
                json!({"route": path, "kind": "status", "status": 503, "times": 1}),
            )
            .await;
            let faulted = demo.get(&path, Some(&auth)).await;
            assert_eq!(faulted.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
            assert_eq!(faulted.body["code"], "CTGKM9999E", "{path}");
            let after = demo.get(&path, Some(&auth)).await;
            assert_eq!(after.status, StatusCode::OK, "{path}: once only");
        }
    }
}

/// `backupInfo`'s date as a time.
async fn last_backup(demo: &Demo, auth: &str) -> Option<Timestamp> {
    let info = get(demo, "/SKLM/rest/v1/backupInfo", auth, "en").await;
    gklm::read_backup_info(&info.raw)
        .unwrap()
        .value
        .last_backup()
        .unwrap()
}

/// The backup files, newest first.
async fn history(
    demo: &Demo,
    auth: &str,
) -> Vec<keywatch_core::model::backup_history::BackupRecord> {
    let answer = get(demo, "/SKLM/rest/v1/ckms/backups", auth, "en").await;
    newest_first(&gklm::read_backup_history(&answer.raw).unwrap().value)
}

#[tokio::test]
async fn the_backup_history_agrees_with_backup_info_and_the_last_result() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    let before = history(&demo, &auth).await;
    assert_eq!(before.len(), 3);
    let newest = before[0].time;
    assert!(newest.is_some());
    assert_eq!(newest, last_backup(&demo, &auth).await);

    // A backup succeeds now: one more file, the newest, as backupInfo says.
    demo.sim("/backup", json!({"result": "0"})).await;
    let after = history(&demo, &auth).await;
    assert_eq!(after.len(), 4);
    assert!(after[0].time > newest);
    assert_eq!(after[0].time, last_backup(&demo, &auth).await);
    let result = demo
        .get("/SKLM/rest/v1/ckms/backups/result", Some(&auth))
        .await;
    assert_eq!(result.body["code"], "0");

    // A failed backup adds no file.
    demo.sim("/backup", json!({"result": "1"})).await;
    assert_eq!(history(&demo, &auth).await.len(), 4);

    demo.sim("/backup", json!({"never_backed_up": true})).await;
    assert!(history(&demo, &auth).await.is_empty());
    assert_eq!(last_backup(&demo, &auth).await, None);

    demo.sim("/backup", json!({"last_backup_seconds_ago": 3600}))
        .await;
    let pinned = history(&demo, &auth).await;
    assert_eq!(
        pinned.len(),
        4,
        "the three older files and the pinned one; the file made after it is gone"
    );
    assert!(pinned[0].time < after[0].time);
    assert_eq!(pinned[0].time, last_backup(&demo, &auth).await);
}

#[tokio::test]
async fn a_three_master_cluster_with_one_isolated_master_and_the_agent_down() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    demo.sim("/cluster", json!({"masters": 3, "unreachable": 1}))
        .await;
    demo.sim("/gklm", json!({"isolated": true, "agent_running": false}))
        .await;
    let sklm = |path: &str| format!("/SKLM/rest/v1{path}");

    let isolation = get(
        &demo,
        &sklm("/ckms/config/nodes/isNodeIsolatedFromCluster"),
        &auth,
        "en",
    )
    .await;
    assert_eq!(isolation.body["nodeIsolatedFromCluster"], "true");
    let read = gklm::read_node_isolation(&isolation.raw).unwrap().value;
    assert_eq!(read.isolated, Some(true));

    let nodes = get(&demo, &sklm("/ckms/nodes"), &auth, "en").await;
    assert_eq!(nodes.body.as_array().map(Vec::len), Some(3));
    let status = get(&demo, &sklm("/ckms/nodes/allNodeStatus"), &auth, "en").await;
    let masters = gklm::read_master_status(&status.raw).unwrap().value;
    assert_eq!(masters.len(), 3);
    let unreachable = masters
        .iter()
        .filter(|m| m.state() == keywatch_core::model::cluster::MasterState::Unreachable)
        .count();
    assert_eq!(unreachable, 1);
    // The same masters, by address, in both lists.
    for (node, master) in nodes.body.as_array().unwrap().iter().zip(&masters) {
        assert_eq!(node["ipHostname"].as_str(), Some(master.node_ip.as_str()));
    }

    let agent = get(&demo, &sklm("/ckms/multimaster/agentstatus"), &auth, "en").await;
    assert_eq!(agent.body["Agent Status"], "Stopped");
    let before = gklm::read_agent_status(&agent.raw).unwrap().value;
    assert_eq!(before.reading(), AgentReading::Stopped);
    // Its last available time stays where it stopped as time goes on.
    demo.advance(600).await;
    let later = get(&demo, &sklm("/ckms/multimaster/agentstatus"), &auth, "en").await;
    assert_eq!(
        later.body["Agent Last Available Time"],
        agent.body["Agent Last Available Time"]
    );

    let health = get(&demo, &sklm("/health"), &auth, "en").await;
    let health = gklm::read_health(&health.raw).unwrap().value;
    assert_eq!(health.overall, Some(false));
    assert_eq!(health.unhealthy().len(), 1);

    let state = demo.get("/_sim/state", None).await;
    assert_eq!(
        state.body["gklm"],
        json!({"version": "5.x", "standalone": false, "isolated": true, "agent_running": false})
    );
    // Reset brings back a connected master with its agent running.
    demo.sim("/reset", json!({})).await;
    let agent = get(&demo, &sklm("/ckms/multimaster/agentstatus"), &auth, "en").await;
    assert_eq!(agent.body["Agent Status"], "Running");
}

#[tokio::test]
async fn a_standalone_server_lists_no_masters_and_is_not_isolated() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    demo.sim("/gklm", json!({"standalone": true})).await;
    let gklm5 = |path: &str| format!("/GKLM/rest/v1{path}");
    for list in ["/ckms/nodes", "/ckms/nodes/allNodeStatus"] {
        let answer = get(&demo, &gklm5(list), &auth, "en").await;
        assert_eq!(answer.status, StatusCode::OK, "{list}");
        assert_eq!(answer.body, json!([]), "{list}");
    }
    let isolation = get(
        &demo,
        &gklm5("/ckms/config/nodes/isNodeIsolatedFromCluster"),
        &auth,
        "en",
    )
    .await;
    assert_eq!(
        isolation.body,
        json!({"nodeIsolatedFromCluster": "false", "multimasterRole": ""})
    );
    let name = get(
        &demo,
        &gklm5("/ckms/config/nodes/getClusterName"),
        &auth,
        "en",
    )
    .await;
    assert_eq!(gklm::read_cluster_name(&name.raw).unwrap().value, None);
    let agent = get(&demo, &gklm5("/ckms/multimaster/agentstatus"), &auth, "en").await;
    let agent = gklm::read_agent_status(&agent.raw).unwrap().value;
    assert_eq!(agent.reading(), AgentReading::Unknown);
    // A stopped agent means nothing without a cluster.
    demo.sim("/gklm", json!({"agent_running": false})).await;
    let health = get(&demo, &gklm5("/health"), &auth, "en").await;
    assert_eq!(health.body, json!({"overall": true}));

    let refused = demo.post("/_sim/gklm", json!({"isolated": true})).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn releases_answer_404_for_the_services_they_do_not_have() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    let missing_in_4_2 = [
        "/ckms/backups",
        "/ckms/notification/status",
        "/ckms/notification",
        "/backupInfo",
        "/ckms/config/nodes/isNodeIsolatedFromCluster",
        "/ckms/nodes",
        "/ckms/multimaster/agentstatus",
        "/ckms/config/nodes/getClusterName",
    ];
    let always = [
        "/ckms/backups/result",
        "/ckms/backups/isrunning",
        "/ckms/nodes/allNodeStatus",
        "/ckms/versionInfo",
        "/systemDetails",
        "/health",
    ];
    for (version, missing, release) in [
        ("4.2", &missing_in_4_2[..], "4.2.0.0"),
        (
            "4.2.1",
            &["/ckms/notification", "/ckms/config/nodes/getClusterName"][..],
            "4.2.1.0",
        ),
        ("5.x", &[][..], "5.0.0.0"),
    ] {
        demo.sim("/gklm", json!({"version": version})).await;
        for prefix in PREFIXES {
            for service in missing_in_4_2.iter().chain(&always) {
                let path = format!("{prefix}{service}");
                let answer = get(&demo, &path, &auth, "en").await;
                if missing.contains(service) {
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{version} {path}");
                    // Before any session check, as the application never sees it.
                    assert_eq!(demo.get(&path, None).await.status, StatusCode::NOT_FOUND);
                    let err = gklm::read_backup_history(&answer.raw).unwrap_err();
                    assert!(err.is_service_missing(), "{err:?}");
                } else {
                    assert_eq!(answer.status, StatusCode::OK, "{version} {path}");
                }
            }
            let info = get(&demo, &format!("{prefix}/ckms/versionInfo"), &auth, "en").await;
            assert_eq!(info.body["version"], release);
        }
    }
    let bad = demo.post("/_sim/gklm", json!({"version": "3.0"})).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let empty = demo.post("/_sim/gklm", json!({})).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    let unknown = demo.post("/_sim/gklm", json!({"colour": "red"})).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}
