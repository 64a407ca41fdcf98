//! Just enough HTTP/1.1 for the tasks' checks on loopback: one request per
//! connection, the whole answer read until the server closes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use crate::sh::Fail;

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// The first header of that name, or "".
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Sends `method path` to `addr`. `Host` is the address unless `headers`
/// name one.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Reply, Fail> {
    let fail = |e: std::io::Error| Fail(format!("{method} http://{addr}{path}: {e}"));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(fail)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .map_err(fail)?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "DELETE") {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    head.push_str(body);
    stream.write_all(head.as_bytes()).map_err(fail)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(fail)?;
    parse(&String::from_utf8_lossy(&raw))
        .ok_or_else(|| Fail(format!("{method} http://{addr}{path}: not an HTTP answer")))
}

fn parse(raw: &str) -> Option<Reply> {
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect::<Vec<_>>();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        unchunk(body)?
    } else {
        body.to_owned()
    };
    Some(Reply {
        status,
        headers,
        body,
    })
}

fn unchunk(mut rest: &str) -> Option<String> {
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n")?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.push_str(after.get(..size)?);
        rest = after.get(size + 2..)?;
    }
}

/// A loopback address nothing listens on at the moment of asking.
pub fn free_loopback_addr() -> Result<SocketAddr, Fail> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|e| Fail(format!("no free loopback port: {e}")))
}

/// The string value of `"key":"…"` in a JSON text (no escapes in it).
pub fn json_string<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let after = &json[json.find(&format!("\"{key}\""))? + key.len() + 2..];
    let value = after.trim_start().strip_prefix(':')?.trim_start();
    let value = value.strip_prefix('"')?;
    Some(&value[..value.find('"')?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_chunked_answers() {
        let plain = parse("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nAccess-Control-Allow-Origin: https://a\r\n\r\n{\"error\":\"no\"}").unwrap();
        assert_eq!(plain.status, 403);
        assert_eq!(plain.header("access-control-allow-origin"), "https://a");
        assert_eq!(plain.header("vary"), "");
        assert_eq!(plain.body, "{\"error\":\"no\"}");
        let chunked = parse(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(chunked.body, "{\"a\":1}");
        assert!(parse("garbage").is_none());
    }

    #[test]
    fn finds_a_json_string() {
        let json = r#"{"UserAuthId": "83925194-766f", "jwt":"x.y.z"}"#;
        assert_eq!(json_string(json, "UserAuthId"), Some("83925194-766f"));
        assert_eq!(json_string(json, "jwt"), Some("x.y.z"));
        assert_eq!(json_string(json, "id"), None);
    }
}
