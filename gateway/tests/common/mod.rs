#![allow(dead_code)]

use std::net::SocketAddr;

use keywatch_gateway::config::DemoOptions;
use keywatch_gateway::server::RunningServer;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;

pub mod tls;

pub const GKLM: &str = "/SKLM/rest/v1";

/// A simulator on a free loopback port, with its clock stopped.
pub async fn start_demo() -> Demo {
    start_demo_with(DemoOptions {
        time_scale: 0.0,
        dist: std::path::PathBuf::from("no-such-bundle-dir"),
        ..DemoOptions::default()
    })
    .await
}

pub async fn start_demo_with(options: DemoOptions) -> Demo {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = keywatch_gateway::spawn_demo(listener, &options, None).unwrap();
    Demo {
        addr: server.addr,
        server,
        http: client(),
    }
}

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().unwrap()
}

pub struct Demo {
    pub addr: SocketAddr,
    pub server: RunningServer,
    pub http: reqwest::Client,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub async fn from(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl Demo {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str, auth: Option<&str>) -> Reply {
        let mut request = self.http.get(self.url(path));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        Reply::from(request.send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        let response = self
            .http
            .post(self.url(path))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        Reply::from(response).await
    }

    /// Signs in to the simulated GKLM; returns the Authorization header value.
    pub async fn gklm_sign_in(&self) -> String {
        let reply = self
            .post(
                &format!("{GKLM}/ckms/login"),
                serde_json::json!({"userid": "kwdemo", "password": "kwdemo"}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let id = reply.body["UserAuthId"].as_str().unwrap().to_string();
        format!("SKLMAuth userAuthId={id}")
    }

    pub async fn sim(&self, path: &str, body: Value) {
        let reply = self.post(&format!("/_sim{path}"), body).await;
        assert_eq!(
            reply.status,
            StatusCode::NO_CONTENT,
            "{path}: {:?}",
            reply.body
        );
    }

    pub async fn advance(&self, seconds: u64) {
        self.sim("/clock", serde_json::json!({"advance_seconds": seconds}))
            .await;
    }
}

impl Demo {
    /// Signs in to the simulated CipherTrust; returns the token answer.
    pub async fn cckm_tokens(&self, body: Value) -> Reply {
        self.post("/api/v1/auth/tokens", body).await
    }

    pub async fn cckm_bearer(&self) -> String {
        let reply = self
            .cckm_tokens(serde_json::json!({"grant_type": "password", "username": "kwdemo", "password": "kwdemo"}))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        format!("Bearer {}", reply.body["jwt"].as_str().unwrap())
    }

    /// A CipherTrust list read with `bearer`: it must answer 200 with JSON.
    pub async fn cckm_list(&self, bearer: &str, path_and_query: &str) -> Value {
        let reply = self.get(path_and_query, Some(bearer)).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{path_and_query}: {:?}",
            reply.body
        );
        assert_eq!(reply.header("content-type"), "application/json");
        reply.body
    }
}
