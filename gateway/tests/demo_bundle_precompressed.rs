//! The bundle as the dist step leaves it (each file with `.br` and `.gz`
//! copies), served over real HTTP: the encoding a browser asks for, bytes
//! that decode to the file, and cache headers that let it keep them.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::{start_demo_with, Demo};
use keywatch_gateway::config::DemoOptions;
use reqwest::StatusCode;

const SNIPPET: &str = "snippets/keywatch.0123456789abcdef/src/embed/element.js";

struct Dist(PathBuf);

impl Drop for Dist {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A dist/ with the files a host page loads, each compressible, and their copies.
fn dist(name: &str) -> Dist {
    let dir = std::env::temp_dir().join(format!("keywatch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files: [(&str, Vec<u8>); 4] = [
        (
            "index.html",
            "<!doctype html><title>keywatch</title>\n"
                .repeat(40)
                .into_bytes(),
        ),
        (
            "keywatch.js",
            format!("import {{ defineElement }} from './{SNIPPET}';\n")
                .repeat(60)
                .into_bytes(),
        ),
        (
            "keywatch_bg.wasm",
            (0..30_000u32).map(|i| (i * 7 % 251) as u8).collect(),
        ),
        (SNIPPET, "export class Panel {}\n".repeat(80).into_bytes()),
    ];
    for (path, bytes) in files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &bytes).unwrap();
        std::fs::write(with_suffix(&file, "br"), brotli(&bytes)).unwrap();
        std::fs::write(with_suffix(&file, "gz"), gzip(&bytes)).unwrap();
    }
    Dist(dir)
}

fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}.{suffix}", file.display()))
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).unwrap();
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "br" => brotli::Decompressor::new(body, 4096)
            .read_to_end(&mut out)
            .unwrap(),
        "gzip" => flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .unwrap(),
        "" => return body.to_vec(),
        other => panic!("unexpected Content-Encoding {other}"),
    };
    out
}

async fn serve(dist: &Dist) -> Demo {
    start_demo_with(DemoOptions {
        dist: dist.0.clone(),
        time_scale: 0.0,
        ..DemoOptions::default()
    })
    .await
}

struct Fetched {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Fetched {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn fetch(demo: &Demo, path: &str, headers: &[(&str, &str)]) -> Fetched {
    let mut request = demo.http.get(demo.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    Fetched {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.bytes().await.unwrap().to_vec(),
    }
}

#[tokio::test]
async fn each_file_comes_in_the_encoding_asked_for_and_decodes_to_the_file() {
    let dist = dist("precompressed");
    let demo = serve(&dist).await;
    for (path, file, content_type) in [
        ("/keywatch.js", "keywatch.js", "javascript"),
        ("/keywatch_bg.wasm", "keywatch_bg.wasm", "application/wasm"),
        (&format!("/{SNIPPET}"), SNIPPET, "javascript"),
        ("/", "index.html", "text/html"),
    ] {
        let original = std::fs::read(dist.0.join(file)).unwrap();
        for (accept, encoding) in [
            ("br, gzip", "br"),
            ("gzip, deflate, br;q=0", "gzip"),
            ("gzip", "gzip"),
            ("identity", ""),
        ] {
            let reply = fetch(&demo, path, &[("Accept-Encoding", accept)]).await;
            assert_eq!(reply.status, StatusCode::OK, "{path} {accept}");
            assert_eq!(
                reply.header("content-encoding"),
                encoding,
                "{path} {accept}"
            );
            assert!(
                reply.header("content-type").contains(content_type),
                "{path} {accept}: {}",
                reply.header("content-type")
            );
            assert!(
                reply
                    .header("vary")
                    .to_ascii_lowercase()
                    .contains("accept-encoding"),
                "{path} {accept}: Vary {:?}",
                reply.header("vary")
            );
            if !encoding.is_empty() {
                assert!(reply.body.len() < original.len(), "{path} {accept}");
            }
            assert_eq!(decode(encoding, &reply.body), original, "{path} {accept}");
        }
        let plain = fetch(&demo, path, &[]).await;
        assert_eq!(plain.header("content-encoding"), "", "{path}");
        assert_eq!(plain.body, original, "{path}");
    }
}

#[tokio::test]
async fn only_the_content_named_snippet_is_kept_for_good() {
    let dist = dist("cache-control");
    let demo = serve(&dist).await;
    let snippet = fetch(&demo, &format!("/{SNIPPET}"), &[("Accept-Encoding", "br")]).await;
    assert_eq!(
        snippet.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    for path in ["/", "/index.html", "/keywatch.js", "/keywatch_bg.wasm"] {
        let reply = fetch(&demo, path, &[("Accept-Encoding", "br")]).await;
        assert_eq!(reply.header("cache-control"), "no-cache", "{path}");
        assert!(reply.header("etag").starts_with('"'), "{path}");
        assert!(!reply.header("last-modified").is_empty(), "{path}");
    }
}

#[tokio::test]
async fn an_unchanged_file_is_answered_without_a_body() {
    let dist = dist("revalidate");
    let demo = serve(&dist).await;
    let br = fetch(&demo, "/keywatch.js", &[("Accept-Encoding", "br")]).await;
    let gz = fetch(&demo, "/keywatch.js", &[("Accept-Encoding", "gzip")]).await;
    let tag = br.header("etag").to_owned();
    assert_ne!(tag, gz.header("etag"), "each encoding has its own tag");

    let again = fetch(
        &demo,
        "/keywatch.js",
        &[("Accept-Encoding", "br"), ("If-None-Match", &tag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), tag);
    assert_eq!(again.header("cache-control"), "no-cache");
    assert!(again.header("vary").contains("accept-encoding"));

    // The tag of the brotli copy does not stand for the gzip one.
    let other = fetch(
        &demo,
        "/keywatch.js",
        &[("Accept-Encoding", "gzip"), ("If-None-Match", &tag)],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(decode("gzip", &other.body), decode("br", &br.body));

    // A tag that no longer matches wins over a date that still would.
    let stale = fetch(
        &demo,
        "/keywatch.js",
        &[
            ("Accept-Encoding", "br"),
            ("If-None-Match", "\"0-0.0\""),
            ("If-Modified-Since", br.header("last-modified")),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::OK);

    let wasm = fetch(&demo, "/keywatch_bg.wasm", &[]).await;
    let by_date = fetch(
        &demo,
        "/keywatch_bg.wasm",
        &[("If-Modified-Since", wasm.header("last-modified"))],
    )
    .await;
    assert_eq!(by_date.status, StatusCode::NOT_MODIFIED);
    assert_eq!(by_date.header("cache-control"), "no-cache");

    // A file written anew gets a new tag.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let changed = "export default 2;\n".repeat(50);
    std::fs::write(dist.0.join("keywatch.js"), &changed).unwrap();
    std::fs::write(dist.0.join("keywatch.js.br"), brotli(changed.as_bytes())).unwrap();
    let fresh = fetch(
        &demo,
        "/keywatch.js",
        &[("Accept-Encoding", "br"), ("If-None-Match", &tag)],
    )
    .await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_ne!(fresh.header("etag"), tag);
    assert_eq!(decode("br", &fresh.body), changed.as_bytes());
}

#[tokio::test]
async fn a_missing_file_is_still_a_plain_404() {
    let dist = dist("missing");
    let demo = serve(&dist).await;
    let reply = fetch(&demo, "/nothing.js", &[("Accept-Encoding", "br")]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.header("cache-control"), "");
    assert_eq!(reply.header("etag"), "");
}
