mod common;

use common::{start_demo, start_demo_with, GKLM};
use keywatch_gateway::config::DemoOptions;
use reqwest::StatusCode;

#[tokio::test]
async fn without_a_bundle_the_root_says_to_build_it() {
    let demo = start_demo().await;
    let reply = demo.get("/", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("text/plain"));
    assert!(reply.body.as_str().unwrap().contains("bundle"));
    assert_eq!(
        demo.get("/app.js", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn serves_the_bundle_with_the_right_content_types() {
    let dist = std::env::temp_dir().join(format!("keywatch-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>keywatch</title>",
    )
    .unwrap();
    std::fs::write(dist.join("keywatch_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dist.join("keywatch.js"), "export default 1;").unwrap();
    let demo = start_demo_with(DemoOptions {
        dist: dist.clone(),
        time_scale: 0.0,
        ..DemoOptions::default()
    })
    .await;
    let index = demo.get("/", None).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.header("content-type").starts_with("text/html"));
    assert!(index.body.as_str().unwrap().contains("<title>keywatch"));
    assert_eq!(
        demo.get("/keywatch_bg.wasm", None)
            .await
            .header("content-type"),
        "application/wasm"
    );
    assert!(demo
        .get("/keywatch.js", None)
        .await
        .header("content-type")
        .contains("javascript"));
    let _ = std::fs::remove_dir_all(dist);
}

#[tokio::test]
async fn cors_lets_any_origin_read_with_an_authorization_header() {
    let demo = start_demo().await;
    let preflight = demo
        .http
        .request(
            reqwest::Method::OPTIONS,
            demo.url(&format!("{GKLM}/ckms/backups/result")),
        )
        .header("Origin", "http://localhost:9000")
        .header("Access-Control-Request-Method", "GET")
        .header(
            "Access-Control-Request-Headers",
            "authorization,accept-language",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    let allowed = headers["access-control-allow-headers"].to_str().unwrap();
    for name in ["authorization", "content-type", "accept", "accept-language"] {
        assert!(allowed.contains(name), "{name} in {allowed}");
    }
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("GET") && methods.contains("POST"));
    assert!(headers.get("access-control-allow-credentials").is_none());

    let response = demo
        .http
        .get(demo.url(&format!("{GKLM}/ckms/backups/result")))
        .header("Origin", "http://localhost:9000")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        response.headers()["access-control-expose-headers"],
        "content-language"
    );
}

#[tokio::test]
async fn shuts_down_gracefully() {
    let demo = start_demo().await;
    let addr = demo.addr;
    assert_eq!(demo.get("/healthz", None).await.status, StatusCode::OK);
    demo.server.shut_down().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
