//! The binary's own output, stdout and stderr at `RUST_LOG=trace`: the
//! service account's credentials from the environment are never printed, by
//! the proxy or by the simulator, at startup, while signing in, or when the
//! configuration is refused. The demo prints its sign-in on stdout on
//! purpose, and only there.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::tls::tls_upstream_with;
use common::Reply;
use keywatch_gateway::config::DemoOptions;
use reqwest::StatusCode;
use serde_json::json;

const BINARY: &str = env!("CARGO_BIN_EXE_keywatch-gateway");
const SERVICE_USER: &str = "svc-keywatch-ro";
const SERVICE_PASSWORD: &str = "svc-env-pw-T5g9Nc3v";
const DEMO_USER: &str = "demo-operator";
const DEMO_PASSWORD: &str = "demo-cli-pw-P8k2Js6w";

/// The service account's variables, as an operator would export them.
fn service_env(command: &mut Command) -> &mut Command {
    command
        .env("RUST_LOG", "trace")
        .env("KEYWATCH_GKLM_USER", SERVICE_USER)
        .env("KEYWATCH_GKLM_PASSWORD", SERVICE_PASSWORD)
        .env("KEYWATCH_CIPHERTRUST_USER", SERVICE_USER)
        .env("KEYWATCH_CIPHERTRUST_PASSWORD", SERVICE_PASSWORD)
}

/// A running gateway process, its stdout read line by line and its stderr
/// collected whole.
struct Process {
    child: Child,
    stdout: mpsc::Receiver<String>,
    read: Vec<String>,
    stderr: std::thread::JoinHandle<String>,
}

impl Process {
    fn start(command: &mut Command) -> Process {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (lines, stdout) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut err = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            text
        });
        Process {
            child,
            stdout,
            read: Vec::new(),
            stderr,
        }
    }

    fn line(&mut self) -> String {
        let line = self
            .stdout
            .recv_timeout(Duration::from_secs(10))
            .expect("the gateway printed a line");
        self.read.push(line.clone());
        line
    }

    /// The `http://addr` from "… listening on http://addr/".
    fn base_url(&mut self) -> String {
        let line = self.line();
        let (_, url) = line.split_once("listening on ").expect(&line);
        url.trim_end_matches('/').to_string()
    }

    /// Stops it and returns everything it wrote.
    fn stop(mut self) -> (String, String) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.read.extend(self.stdout.iter());
        (self.read.join("\n"), self.stderr.join().unwrap())
    }
}

fn assert_never_printed(output: &str, secrets: &[&str]) {
    for secret in secrets {
        if let Some(line) = output.lines().find(|line| line.contains(secret)) {
            panic!("{secret} was printed:\n{line}");
        }
    }
}

#[tokio::test]
async fn proxy_never_prints_the_service_accounts_credentials() {
    let upstream = tls_upstream_with(DemoOptions {
        time_scale: 0.0,
        user: SERVICE_USER.into(),
        password: SERVICE_PASSWORD.into(),
        ..DemoOptions::default()
    })
    .await;
    let config = std::env::temp_dir().join(format!("keywatch-proxy-{}.toml", std::process::id()));
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\ngklm_base_url = \"{base}/SKLM/rest/v1\"\nciphertrust_base_url = \"{base}/api/v1\"\n[tls]\nca_bundle = \"{ca}\"\n[auth]\nmode = \"service-account\"\n",
            base = upstream.base,
            ca = upstream.ca_file.display()
        ),
    )
    .unwrap();
    let mut process = Process::start(service_env(
        Command::new(BINARY)
            .arg("proxy")
            .arg("--config")
            .arg(&config),
    ));
    let base = process.base_url();
    let http = common::client();
    for path in [
        "/healthz",
        "/SKLM/rest/v1/ckms/backups/isrunning",
        "/api/v1/cckm/aws/synchronization-jobs",
    ] {
        let response = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    let (stdout, stderr) = process.stop();
    let _ = std::fs::remove_file(&config);
    let seen = upstream.seen();
    upstream.server.shut_down().await;

    assert!(stderr.contains("forwarding read-only requests"), "{stderr}");
    assert!(stderr.contains("signed in to GKLM as the service account"));
    assert!(stderr.contains("signed in to CipherTrust as the service account"));
    let mut secrets = vec![SERVICE_USER, SERVICE_PASSWORD];
    secrets.extend(seen.user_auth_ids.iter().map(String::as_str));
    secrets.extend(seen.jwts.iter().map(String::as_str));
    secrets.extend(seen.refresh_tokens.iter().map(String::as_str));
    assert_eq!(secrets.len(), 5, "{seen:?}");
    assert_never_printed(&stdout, &secrets);
    assert_never_printed(&stderr, &secrets);
}

#[tokio::test]
async fn demo_prints_its_own_sign_in_on_stdout_only() {
    let mut process = Process::start(
        service_env(&mut Command::new(BINARY))
            .args(["demo", "--listen", "127.0.0.1:0", "--time-scale", "0"])
            .args(["--dist", "no-such-bundle-dir"])
            .args(["--user", DEMO_USER, "--password", DEMO_PASSWORD]),
    );
    let base = process.base_url();
    let sign_in = process.line();
    assert_eq!(
        sign_in,
        format!("demo sign-in: user {DEMO_USER}, password {DEMO_PASSWORD} (GKLM and CipherTrust)")
    );
    let http = common::client();
    let login = http
        .post(format!("{base}/SKLM/rest/v1/ckms/login"))
        .body(json!({"userid": DEMO_USER, "password": DEMO_PASSWORD}).to_string())
        .send()
        .await
        .unwrap();
    let login = Reply::from(login).await;
    assert_eq!(login.status, StatusCode::OK, "{:?}", login.body);
    let id = login.body["UserAuthId"].as_str().unwrap().to_string();
    let token = http
        .post(format!("{base}/api/v1/auth/tokens"))
        .body(json!({"username": DEMO_USER, "password": DEMO_PASSWORD}).to_string())
        .send()
        .await
        .unwrap();
    let token = Reply::from(token).await;
    assert_eq!(token.status, StatusCode::OK, "{:?}", token.body);
    let jwt = token.body["jwt"].as_str().unwrap().to_string();
    let (stdout, stderr) = process.stop();

    assert!(
        stderr.contains("/SKLM/rest/v1/ckms/login"),
        "the requests were logged: {stderr}"
    );
    assert_never_printed(&stdout, &[SERVICE_PASSWORD, &id, &jwt]);
    let password_lines: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains(DEMO_PASSWORD))
        .collect();
    assert_eq!(password_lines, [sign_in.as_str()]);
    assert_never_printed(&stderr, &[DEMO_PASSWORD, SERVICE_PASSWORD, &id, &jwt]);
}

#[test]
fn a_refused_configuration_is_not_echoed() {
    let config = std::env::temp_dir().join(format!("keywatch-bad-{}.toml", std::process::id()));
    let urls =
        "gklm_base_url = \"https://g/SKLM/rest/v1\"\nciphertrust_base_url = \"https://c/api/v1\"\n";
    for text in [
        format!("listen = \"127.0.0.1:0\"\n{urls}ciphertrust_password = \"Sekr1t-in-the-file\"\n"),
        format!("listen = \"127.0.0.1:0\"\n{urls}cache_seconds = \"Sekr1t-as-a-number\"\n"),
        format!("listen = \"127.0.0.1:0\"\n{urls}")
            .replace("https://g/", "https://svc:Sekr1t-in-the-url@g/"),
    ] {
        std::fs::write(&config, &text).unwrap();
        let mut process = Process::start(service_env(
            Command::new(BINARY)
                .arg("proxy")
                .arg("--config")
                .arg(&config),
        ));
        // Refused at once; should it start after all, it is stopped and fails below.
        let mut exited = None;
        for _ in 0..100 {
            exited = process.child.try_wait().unwrap();
            if exited.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let (stdout, stderr) = process.stop();
        assert_never_printed(&stdout, &["Sekr1t", SERVICE_PASSWORD]);
        assert_never_printed(&stderr, &["Sekr1t", SERVICE_PASSWORD]);
        assert!(
            exited.is_some_and(|status| !status.success()),
            "{text} was accepted: {stderr}"
        );
        assert!(stderr.contains("keywatch-gateway: "), "{stderr}");
    }
    let _ = std::fs::remove_file(&config);
}

#[tokio::test]
async fn metrics_on_their_own_address_ask_for_the_token_and_leave_the_listen_address() {
    let upstream = tls_upstream_with(DemoOptions {
        time_scale: 0.0,
        ..DemoOptions::default()
    })
    .await;
    let config = std::env::temp_dir().join(format!("keywatch-metrics-{}.toml", std::process::id()));
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\nmetrics_listen = \"127.0.0.1:0\"\nmetrics_token_env = \"KW_TEST_METRICS_TOKEN\"\ngklm_base_url = \"{base}/SKLM/rest/v1\"\nciphertrust_base_url = \"{base}/api/v1\"\n[tls]\nca_bundle = \"{ca}\"\n",
            base = upstream.base,
            ca = upstream.ca_file.display()
        ),
    )
    .unwrap();
    let mut process = Process::start(
        Command::new(BINARY)
            .arg("proxy")
            .arg("--config")
            .arg(&config)
            .env("KW_TEST_METRICS_TOKEN", "metrics-secret-8d1f"),
    );
    let line = process.line();
    let metrics = line
        .strip_prefix("metrics on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let base = process.base_url();
    let http = common::client();
    let refused = http.get(&metrics).send().await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED);
    let answered = http
        .get(&metrics)
        .bearer_auth("metrics-secret-8d1f")
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), reqwest::StatusCode::OK);
    let text = answered.text().await.unwrap();
    assert!(
        text.contains("keywatch_gateway_cache_hits_total 0") && text.ends_with("# EOF\n"),
        "{text}"
    );
    assert!(!text.contains("metrics-secret-8d1f"));
    let elsewhere = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_ne!(elsewhere.status(), reqwest::StatusCode::OK);
    assert!(!elsewhere.text().await.unwrap().contains("keywatch_"));
    let (stdout, stderr) = process.stop();
    assert_never_printed(&stdout, &["metrics-secret-8d1f"]);
    assert_never_printed(&stderr, &["metrics-secret-8d1f"]);
    let _ = std::fs::remove_file(&config);
}
