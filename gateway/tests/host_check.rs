//! Finding 3 of issue 7 (DNS rebinding): a request under a host name the
//! gateway was not configured for is refused with 421 in both modes, before
//! any upstream work; the loopback names, the listen address and the
//! configured names still work.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use common::tls::{start_proxy, tls_upstream};
use common::{start_demo_with, GKLM};
use keywatch_gateway::config::{DemoOptions, ServiceCredentials};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const REBIND: &str = "rebind.evil.example";

/// A client that reaches `addr` under `name`, as `curl --resolve` does.
fn client_for(name: &str, addr: SocketAddr) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .resolve(name, addr)
        .build()
        .unwrap()
}

async fn status_as(name: &str, addr: SocketAddr, path: &str, auth: Option<&str>) -> StatusCode {
    let mut request = client_for(name, addr).get(format!("http://{name}:{}{path}", addr.port()));
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    request.send().await.unwrap().status()
}

/// The raw answer's status line to `request`, sent as written.
async fn raw_status(addr: SocketAddr, request: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buffer = [0u8; 512];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buffer))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&buffer[..n])
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn the_demo_refuses_a_foreign_host_and_answers_its_own_names() {
    let demo = start_demo_with(DemoOptions {
        time_scale: 0.0,
        dist: "no-such-bundle-dir".into(),
        allowed_hosts: vec!["panel.test".into()],
        ..DemoOptions::default()
    })
    .await;
    let addr = demo.addr;
    let auth = demo.gklm_sign_in().await;
    let result = format!("{GKLM}/ckms/backups/result");
    assert_eq!(
        status_as(REBIND, addr, &result, Some(&auth)).await,
        StatusCode::MISDIRECTED_REQUEST
    );
    assert_eq!(
        status_as(REBIND, addr, "/_sim/state", None).await,
        StatusCode::MISDIRECTED_REQUEST
    );
    for name in ["localhost", "panel.test"] {
        assert_eq!(
            status_as(name, addr, &result, Some(&auth)).await,
            StatusCode::OK,
            "{name}"
        );
    }
    assert_eq!(demo.get(&result, Some(&auth)).await.status, StatusCode::OK);
    let port = addr.port();
    for (host, expected) in [
        (format!("127.0.0.1:{port}"), "200"),
        (format!("[::1]:{port}"), "200"),
        ("localhost".to_string(), "200"),
        (format!("{REBIND}:{port}"), "421"),
        (format!("127.0.0.1.{REBIND}"), "421"),
    ] {
        let line = raw_status(
            addr,
            &format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert!(line.contains(expected), "{host}: {line}");
    }
    // The authority of an absolute-form target counts, not the Host beside it.
    let line = raw_status(
        addr,
        &format!(
            "GET http://{REBIND}/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ),
    )
    .await;
    assert!(line.contains("421"), "{line}");
    let line = raw_status(addr, "GET /healthz HTTP/1.0\r\n\r\n").await;
    assert!(line.contains("400"), "no Host at all: {line}");
}

#[tokio::test]
async fn the_proxy_refuses_a_foreign_host_before_any_upstream_work_in_both_modes() {
    let upstream = tls_upstream().await;
    let service = ServiceCredentials {
        gklm_user: "kwdemo".into(),
        gklm_password: "kwdemo".into(),
        ciphertrust_user: "kwdemo".into(),
        ciphertrust_password: "kwdemo".into(),
    };
    let pass_through = start_proxy(&upstream, "", None).await;
    let service_account = start_proxy(&upstream, "", Some(service)).await;
    let result = "/SKLM/rest/v1/ckms/backups/result";
    let jobs = "/api/v1/cckm/aws/synchronization-jobs";
    for proxy in [&pass_through, &service_account] {
        for path in [result, jobs, "/healthz"] {
            assert_eq!(
                status_as(REBIND, proxy.addr, path, Some("SKLMAuth userAuthId=x")).await,
                StatusCode::MISDIRECTED_REQUEST,
                "{path}"
            );
        }
        let login = client_for(REBIND, proxy.addr)
            .post(format!(
                "http://{REBIND}:{}/SKLM/rest/v1/ckms/login",
                proxy.addr.port()
            ))
            .header("Content-Type", "application/json")
            .body(r#"{"userid":"kwdemo","password":"kwdemo"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::MISDIRECTED_REQUEST);
    }
    assert_eq!(
        upstream.hits.load(Ordering::SeqCst),
        0,
        "nothing reached upstream, not even the service account's sign-in"
    );
    assert_eq!(
        status_as("localhost", service_account.addr, result, None).await,
        StatusCode::OK
    );
    assert_eq!(
        service_account.get(result, None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_proxy_answers_configured_host_names() {
    let upstream = tls_upstream().await;
    let proxy = start_proxy(
        &upstream,
        "allowed_hosts = [\"keywatch.ops.example\"]",
        None,
    )
    .await;
    assert_eq!(
        status_as("keywatch.ops.example", proxy.addr, "/healthz", None).await,
        StatusCode::OK
    );
    assert_eq!(
        status_as("ops.example", proxy.addr, "/healthz", None).await,
        StatusCode::MISDIRECTED_REQUEST
    );
}
