//! The `Host` names the gateway answers to. Against DNS rebinding: a page on
//! a name the attacker controls, re-pointed at the gateway's address, is
//! same-origin to itself, so CORS never applies; only its `Host` gives it away.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    name: String,
    /// `None` matches any port.
    port: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct HostAllowlist {
    entries: Vec<Entry>,
    /// Listening on every address: any IP literal is the machine itself
    /// (a rebinding page always arrives under a name, never an address).
    any_address: bool,
}

impl HostAllowlist {
    /// `localhost`, the loopback addresses and the listen address, each
    /// with any port, plus `extra`. On an unspecified listen address
    /// (`0.0.0.0`, `[::]`) every IP literal and the machine's host name too.
    pub fn new(listen: SocketAddr, extra: &[String]) -> Result<Self, String> {
        let mut entries: Vec<Entry> = ["localhost", "127.0.0.1", "[::1]"]
            .into_iter()
            .map(|name| Entry {
                name: name.to_string(),
                port: None,
            })
            .collect();
        let any_address = listen.ip().is_unspecified();
        if any_address {
            if let Some(name) = machine_name() {
                entries.push(Entry { name, port: None });
            }
        } else {
            entries.push(Entry {
                name: ip_name(listen.ip()),
                port: None,
            });
        }
        for text in extra {
            let entry = parse(text).ok_or_else(|| {
                format!("allowed host {text:?} is not a host name with an optional :port")
            })?;
            entries.push(entry);
        }
        Ok(HostAllowlist {
            entries,
            any_address,
        })
    }

    pub fn allows(&self, host: &str) -> bool {
        let Some(asked) = parse(host) else {
            return false;
        };
        if self.any_address && is_ip_literal(&asked.name) {
            return true;
        }
        self.entries.iter().any(|entry| {
            entry.name == asked.name && entry.port.is_none_or(|port| Some(port) == asked.port)
        })
    }
}

/// `name`, `name:port`, `1.2.3.4:port`, `[::1]:port`, lower-cased, with a
/// trailing dot dropped; `None` for anything else.
fn parse(text: &str) -> Option<Entry> {
    let text = text.trim().to_ascii_lowercase();
    let (name, port) = if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        inside.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?.parse::<u16>().ok()?),
        };
        (format!("[{inside}]"), port)
    } else {
        let (name, port) = match text.rsplit_once(':') {
            Some((name, port)) => (name, Some(port.parse::<u16>().ok()?)),
            None => (text.as_str(), None),
        };
        let name = name.strip_suffix('.').unwrap_or(name);
        let valid = !name.is_empty()
            && name.len() <= 253
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
        if !valid {
            return None;
        }
        (name.to_string(), port)
    };
    Some(Entry { name, port })
}

fn is_ip_literal(name: &str) -> bool {
    name.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok()
}

fn ip_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

fn machine_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())?;
    parse(name.trim()).map(|entry| entry.name)
}

impl HostAllowlist {
    /// 421 for a request for any other name, 400 for one with no name;
    /// `None` when the request may go on. The authority of an
    /// absolute-form target counts as the `Host` (RFC 9112).
    pub fn refusal(&self, request: &Request) -> Option<Response> {
        let asked = match request.uri().authority() {
            Some(authority) => Some(authority.as_str()),
            None => request
                .headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok()),
        };
        match asked {
            Some(host) if self.allows(host) => None,
            Some(_) => {
                tracing::debug!("refused a request for a host name not configured");
                Some(
                    (
                        StatusCode::MISDIRECTED_REQUEST,
                        Json(json!({"error": "this gateway does not answer to that host name; see allowed_hosts"})),
                    )
                        .into_response(),
                )
            }
            None => Some(
                (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": "a Host header is required"})),
                )
                    .into_response(),
            ),
        }
    }
}

/// Answers 421 to a request for any other name, before anything else runs.
pub async fn refuse_foreign_hosts(
    State(hosts): State<Arc<HostAllowlist>>,
    request: Request,
    next: Next,
) -> Response {
    match hosts.refusal(&request) {
        Some(refused) => refused,
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(listen: &str, extra: &[&str]) -> HostAllowlist {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        HostAllowlist::new(listen.parse().unwrap(), &extra).unwrap()
    }

    #[test]
    fn loopback_names_and_the_listen_address_with_any_port() {
        let hosts = on("127.0.0.1:8917", &[]);
        for host in [
            "127.0.0.1:8917",
            "127.0.0.1",
            "localhost:8080",
            "LOCALHOST",
            "localhost.",
            "[::1]:8917",
            "[::1]",
        ] {
            assert!(hosts.allows(host), "{host}");
        }
        for host in [
            "rebind.evil.example:8917",
            "evil.example",
            "127.0.0.2",
            "localhost.evil.example",
            "10.0.0.5:8917",
            "",
            "[::1",
            "localhost:x",
            "user@localhost",
        ] {
            assert!(!hosts.allows(host), "{host}");
        }
        let lan = on("10.0.0.5:8081", &[]);
        assert!(lan.allows("10.0.0.5:8081") && !lan.allows("10.0.0.6"));
    }

    #[test]
    fn configured_names_with_or_without_a_port() {
        let hosts = on(
            "127.0.0.1:8081",
            &["ops.example.internal", "gw.example:8443"],
        );
        assert!(hosts.allows("ops.example.internal"));
        assert!(hosts.allows("OPS.example.internal:443"));
        assert!(hosts.allows("gw.example:8443"));
        assert!(!hosts.allows("gw.example:8444"));
        assert!(!hosts.allows("gw.example"));
        for bad in [
            "*",
            "https://x.example",
            "x.example/path",
            "x.example:99999",
        ] {
            assert!(
                HostAllowlist::new("127.0.0.1:1".parse().unwrap(), &[bad.to_string()]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_address_when_listening_on_all_of_them_but_never_a_foreign_name() {
        let hosts = on("0.0.0.0:8080", &[]);
        assert!(hosts.allows("192.168.1.20:8080"));
        assert!(hosts.allows("[fe80::1]:8080"));
        assert!(hosts.allows("localhost:8080"));
        assert!(!hosts.allows("rebind.evil.example:8080"));
    }
}
