//! Finding 1 of issue 7 (slowloris): a half-sent head, a silent connection,
//! an idle kept-alive connection and a trickled body are all cut within
//! their limits; beyond the connection cap newcomers are refused while idle
//! connections make room for `/healthz`; and when descriptors run out,
//! accepting backs off and says so once, not every 50 ms.
//!
//! Raw sockets on 127.0.0.1, every wait bounded.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{start_demo_with, Demo, GKLM};
use keywatch_gateway::config::{ConnectionLimits, DemoOptions};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// No test waits longer than this for anything.
const PATIENCE: Duration = Duration::from_secs(10);

async fn demo(limits: ConnectionLimits) -> Demo {
    start_demo_with(DemoOptions {
        time_scale: 0.0,
        dist: "no-such-bundle-dir".into(),
        connections: limits,
        ..DemoOptions::default()
    })
    .await
}

fn limits(header: f64, idle: f64, body: f64, max: usize) -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout_seconds: header,
        idle_timeout_seconds: idle,
        request_body_timeout_seconds: body,
        max_connections: max,
        ..ConnectionLimits::default()
    }
}

/// Reads until the server closes; what it sent and when it closed. Panics
/// when it is still open after [`PATIENCE`].
async fn until_closed(stream: &mut TcpStream) -> (String, Instant) {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                return (String::from_utf8_lossy(&seen).into(), Instant::now())
            }
            Ok(Ok(n)) => seen.extend_from_slice(&buffer[..n]),
            Err(_) => panic!(
                "still open after {PATIENCE:?}; got {:?}",
                String::from_utf8_lossy(&seen)
            ),
        }
    }
}

/// Reads one whole response head and body of a `Content-Length` answer.
async fn one_response(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut buffer))
            .await
            .expect("an answer in time")
            .unwrap();
        assert!(n > 0, "closed before answering");
        seen.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&seen).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            if body.len() >= length {
                return text;
            }
        }
    }
}

fn head(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
}

#[tokio::test]
async fn a_half_sent_head_and_a_silent_connection_are_cut_within_the_header_timeout() {
    let demo = demo(limits(1.0, 30.0, 30.0, 64)).await;
    let mut half = TcpStream::connect(demo.addr).await.unwrap();
    let mut silent = TcpStream::connect(demo.addr).await.unwrap();
    let opened = Instant::now();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    for stream in [&mut half, &mut silent] {
        let (answer, closed) = until_closed(stream).await;
        let took = closed - opened;
        assert!(
            took >= Duration::from_millis(900) && took < Duration::from_secs(3),
            "closed after {took:?}"
        );
        assert!(!answer.contains("200 OK"), "{answer}");
    }
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_cut_within_the_idle_timeout() {
    let demo = demo(limits(5.0, 1.0, 5.0, 64)).await;
    let mut stream = TcpStream::connect(demo.addr).await.unwrap();
    stream.write_all(head("/healthz").as_bytes()).await.unwrap();
    assert!(one_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    let answered = Instant::now();
    // Still usable while it is not idle for too long.
    tokio::time::sleep(Duration::from_millis(400)).await;
    stream.write_all(head("/healthz").as_bytes()).await.unwrap();
    assert!(one_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    let (_, closed) = until_closed(&mut stream).await;
    let idle = closed - answered;
    assert!(
        idle >= Duration::from_millis(1300) && idle < Duration::from_secs(4),
        "closed {idle:?} after the first answer"
    );
}

#[tokio::test]
async fn a_trickled_body_gets_408_within_the_body_timeout() {
    let demo = demo(limits(5.0, 30.0, 1.0, 64)).await;
    let mut stream = TcpStream::connect(demo.addr).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(
            format!("POST {GKLM}/ckms/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"userid\"")
                .as_bytes(),
        )
        .await
        .unwrap();
    let (answer, closed) = until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let took = closed - started;
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
}

#[tokio::test]
async fn beyond_the_cap_newcomers_are_refused_while_healthz_still_answers() {
    const CAP: usize = 4;
    let demo = demo(limits(5.0, 30.0, 5.0, CAP)).await;
    let healthz = || async {
        let mut stream = TcpStream::connect(demo.addr).await.unwrap();
        stream.write_all(head("/healthz").as_bytes()).await.unwrap();
        one_response(&mut stream).await
    };

    // Many idle and half-open connections, as from a slowloris client:
    // the gateway never holds more than the cap, and /healthz gets in.
    let mut idle = Vec::new();
    for n in 0..40 {
        let mut stream = TcpStream::connect(demo.addr).await.unwrap();
        if n % 2 == 0 {
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\n")
                .await
                .unwrap();
        }
        idle.push(stream);
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(demo.server.open_connections() <= CAP + 1);
    }
    assert!(healthz().await.starts_with("HTTP/1.1 200"));
    let mut still_open = 0;
    for stream in &mut idle {
        let mut byte = [0u8; 1];
        if let Err(_) | Ok(Ok(1..)) =
            tokio::time::timeout(Duration::from_millis(20), stream.read(&mut byte)).await
        {
            still_open += 1;
        }
    }
    assert!(
        still_open <= CAP,
        "{still_open} idle connections still open"
    );
    drop(idle);

    // Every connection busy with a request under way: a newcomer gets 503.
    let auth = demo.gklm_sign_in().await;
    let result = format!("{GKLM}/ckms/backups/result");
    demo.sim(
        "/faults",
        json!({"route": result, "kind": "latency", "ms": 1500, "times": CAP}),
    )
    .await;
    let mut busy = Vec::new();
    for _ in 0..CAP {
        let mut stream = TcpStream::connect(demo.addr).await.unwrap();
        stream
            .write_all(
                format!(
                    "GET {result} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n\r\n"
                )
                .as_bytes(),
            )
            .await
            .unwrap();
        busy.push(stream);
        // Under way before the next arrives: a connection whose head is
        // not read yet is idle, and the next one could close it.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut newcomer = TcpStream::connect(demo.addr).await.unwrap();
    let _ = newcomer.write_all(head("/healthz").as_bytes()).await;
    let (refused, _) = until_closed(&mut newcomer).await;
    assert!(
        refused.is_empty() || refused.starts_with("HTTP/1.1 503"),
        "{refused}"
    );
    assert!(!refused.contains("\"ok\""), "{refused}");
    for stream in &mut busy {
        assert!(one_response(stream).await.starts_with("HTTP/1.1 200"));
    }
    // Their requests done, the busy connections are idle and make room.
    assert!(healthz().await.starts_with("HTTP/1.1 200"));
}

/// The binary itself, its descriptors limited with `prlimit`: a flood of
/// connections makes `accept` fail with EMFILE.
#[tokio::test]
async fn out_of_descriptors_accept_backs_off_and_says_so_once() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("prlimit (util-linux) is not installed: skipped");
        return;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_keywatch-gateway"))
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--time-scale",
            "0",
            "--dist",
            "no-such-bundle-dir",
            // Above the descriptor limit on purpose, so that accept fails.
            "--max-connections",
            "1000",
            "--header-read-timeout",
            "1",
        ])
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let first = BufReader::new(stdout).lines().next().unwrap().unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let (lines, logged) = mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let limited = Command::new("prlimit")
        .arg(format!("--pid={}", child.id()))
        .arg("--nofile=40:40")
        .status()
        .unwrap();
    assert!(limited.success());

    let mut flood = Vec::new();
    for _ in 0..80 {
        flood.push(TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let said: Vec<String> = logged
        .try_iter()
        .filter(|line| line.to_ascii_lowercase().contains("accept"))
        .collect();
    assert!(!said.is_empty(), "the failure is said at least once");
    assert!(said.len() <= 2, "said {} times: {said:#?}", said.len());
    drop(flood);

    // The held connections time out, descriptors come back, /healthz answers.
    let deadline = Instant::now() + PATIENCE;
    let answered = loop {
        assert!(Instant::now() < deadline, "/healthz did not answer again");
        if let Ok(Ok(mut stream)) =
            tokio::time::timeout(Duration::from_secs(1), TcpStream::connect(&addr)).await
        {
            if stream.write_all(head("/healthz").as_bytes()).await.is_ok() {
                let mut buffer = [0u8; 256];
                if let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buffer)).await
                {
                    if n > 0 {
                        break String::from_utf8_lossy(&buffer[..n]).into_owned();
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    let _ = child.kill();
    let _ = child.wait();
}
