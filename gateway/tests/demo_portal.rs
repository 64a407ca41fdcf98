//! The example admin console at `/portal/`: served from its directory under
//! a strict Content-Security-Policy, and nothing else under that path.

mod common;

use std::path::PathBuf;

use keywatch_gateway::config::DemoOptions;
use reqwest::StatusCode;

use common::{start_demo_with, Reply};

fn portal_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/portal")
}

#[tokio::test]
async fn the_portal_is_served_under_a_strict_csp() {
    let demo = start_demo_with(DemoOptions {
        time_scale: 0.0,
        dist: PathBuf::from("no-such-bundle-dir"),
        portal: portal_dir(),
        ..DemoOptions::default()
    })
    .await;
    let base = format!("http://{}", demo.addr);
    for (path, file, kind) in [
        ("/portal/", "index.html", "text/html"),
        ("/portal/portal.js", "portal.js", "javascript"),
        ("/portal/portal.css", "portal.css", "text/css"),
    ] {
        let reply = Reply::from(demo.http.get(format!("{base}{path}")).send().await.unwrap()).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(
            reply.header("content-type").contains(kind),
            "{path}: {}",
            reply.header("content-type")
        );
        let csp = reply.header("content-security-policy");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{path}: {csp}"
        );
        assert!(csp.contains("style-src 'self';"), "{path}: {csp}");
        assert!(
            !csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
        let on_disk = std::fs::read_to_string(portal_dir().join(file)).unwrap();
        assert_eq!(reply.body.as_str(), Some(on_disk.as_str()), "{path}");
    }
    let missing = demo
        .http
        .get(format!("{base}/portal/%2e%2e/%2e%2e/Cargo.toml"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let missing = demo
        .http
        .get(format!("{base}/portal/nothing.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
