//! `GET /ckms/backups/need` in the simulated world and under a pin, and the
//! panel's sign-out: `DELETE /ckms/logout`, cross-origin as the browser
//! tests call it.

mod common;

use common::{start_demo, Demo, GKLM};
use reqwest::StatusCode;
use serde_json::{json, Value};

const ALL_BACKED_UP: &str = "CTGKM1304I All keys and certificates have been backed up.";
const KEYS_WAITING: &str =
    "CTGKM1305I There are keys and certificates which have not been backed up. Make a backup.";

async fn need(demo: &Demo, auth: &str) -> Value {
    let reply = demo
        .get(&format!("{GKLM}/ckms/backups/need"), Some(auth))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body
}

#[tokio::test]
async fn keys_wait_until_a_pinned_or_simulated_backup_succeeds() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    assert_eq!(
        need(&demo, &auth).await,
        json!({"code": "CTGKM1305I", "status": KEYS_WAITING}),
        "no backup since the server started"
    );

    demo.sim("/backup", json!({"all_backed_up": true})).await;
    assert_eq!(
        need(&demo, &auth).await,
        json!({"code": "CTGKM1304I", "status": ALL_BACKED_UP})
    );
    let german = demo
        .http
        .get(demo.url(&format!("{GKLM}/ckms/backups/need")))
        .header("Authorization", &auth)
        .header("Accept-Language", "de-DE,de;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(german.headers()["content-language"], "de");
    let german = common::Reply::from(german).await.body;
    assert_eq!(
        german["status"],
        "CTGKM1304I Alle Schlüssel und Zertifikate wurden gesichert."
    );
    demo.sim("/backup", json!({"all_backed_up": false})).await;
    assert_eq!(need(&demo, &auth).await["code"], "CTGKM1305I");
    // A pinned result alone implies the keys, as a finished backup would.
    demo.sim("/backup", json!({"result": "2"})).await;
    assert_eq!(need(&demo, &auth).await["code"], "CTGKM1304I");
    demo.sim("/backup", json!({"result": "1"})).await;
    assert_eq!(need(&demo, &auth).await["code"], "CTGKM1305I");
    let state = demo.get("/_sim/state", None).await;
    assert_eq!(state.body["backup"]["all_backed_up"], false);

    demo.sim("/reset", json!({})).await;
    let mut seen = Vec::new();
    for _ in 0..(2 * 86_400 / 60) {
        demo.advance(60).await;
        let auth = demo.gklm_sign_in().await;
        let code = need(&demo, &auth).await["code"]
            .as_str()
            .unwrap()
            .to_string();
        if seen.last() != Some(&code) {
            seen.push(code);
        }
        if seen.len() >= 3 {
            break;
        }
    }
    assert_eq!(
        seen,
        ["CTGKM1305I", "CTGKM1304I", "CTGKM1305I"],
        "backed up after a backup, waiting again later"
    );
}

#[tokio::test]
async fn need_wants_a_live_session_like_every_read() {
    let demo = start_demo().await;
    let path = format!("{GKLM}/ckms/backups/need");
    assert_eq!(demo.get(&path, None).await.body["code"], "CTGKM6002E");
    let unknown = demo.get(&path, Some("SKLMAuth userAuthId=nobody")).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.body["code"], "CTGKM6004E");
}

#[tokio::test]
async fn logout_ends_the_session_and_works_cross_origin() {
    let demo = start_demo().await;
    let auth = demo.gklm_sign_in().await;
    let id = auth.trim_start_matches("SKLMAuth userAuthId=").to_string();
    let logout = demo.url(&format!("{GKLM}/ckms/logout"));
    let origin = "http://127.0.0.1:40123";

    let preflight = demo
        .http
        .request(reqwest::Method::OPTIONS, &logout)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "DELETE")
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("DELETE"), "{methods}");
    let allowed = headers["access-control-allow-headers"].to_str().unwrap();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );

    let signed_out = demo
        .http
        .delete(&logout)
        .header("Origin", origin)
        .header("Authorization", &auth)
        .header("Content-Type", "application/json")
        .body(json!({"userAuthId": id}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::OK);
    assert_eq!(signed_out.headers()["access-control-allow-origin"], "*");
    let body = common::Reply::from(signed_out).await.body;
    assert!(body["status"].as_str().unwrap().starts_with("CTGKM6005I"));

    let after = demo
        .get(&format!("{GKLM}/ckms/backups/result"), Some(&auth))
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.body["code"], "CTGKM6004E");
    let again = demo
        .http
        .delete(&logout)
        .header("Authorization", &auth)
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
}
