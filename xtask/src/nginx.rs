//! nginx with the shipped `deploy/nginx/keywatch.conf`, on loopback in front
//! of the simulator: for the test command's check that it forwards what the
//! panel reads and refuses the rest, and for the gateway benchmark.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::http::{self, json_string, Reply};
use crate::sh::{self, Background, Fail};
use crate::target::Target;

pub const CONF: &str = "deploy/nginx/keywatch.conf";
/// Every CCKM job family's list, below `/api/v1` (keywatch-core's
/// `Source::path`, written out so that the check does not follow a change
/// there silently).
const FAMILIES: [&str; 9] = [
    "cckm/aws/synchronization-jobs",
    "cckm/aws/custom-key-stores/synchronization-jobs",
    "cckm/azure/synchronization-jobs",
    "cckm/azure/secrets/synchronization-jobs",
    "cckm/azure/certificates/synchronization-jobs",
    "cckm/google/synchronization-jobs",
    "cckm/oci/synchronization-jobs",
    "cckm/sfdc/keys/synchronization-jobs",
    "cckm/sap/synchronization-jobs",
];
/// The one origin the shipped configuration lists.
const LISTED_ORIGIN: &str = "https://ops.example.internal";

/// nginx running in a folder of its own (configuration, pid, logs, cache),
/// stopped when dropped.
pub struct Nginx {
    _process: Background,
    pub addr: SocketAddr,
    pub dir: PathBuf,
}

impl Nginx {
    /// Starts nginx on `listen` with the shipped configuration, both key
    /// managers being the simulator at `upstream`.
    pub fn start(
        listen: SocketAddr,
        upstream: SocketAddr,
        workers: usize,
        dir: PathBuf,
    ) -> Result<Nginx, Fail> {
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)
            .map_err(|e| Fail(format!("cannot create {}: {e}", dir.display())))?;
        let shipped =
            fs::read_to_string(CONF).map_err(|e| Fail(format!("cannot read {CONF}: {e}")))?;
        let site = on_loopback(&shipped, listen, upstream, &dir.join("cache"))?;
        let write = |name: &str, text: &str| {
            fs::write(dir.join(name), text)
                .map_err(|e| Fail(format!("cannot write {}: {e}", dir.join(name).display())))
        };
        write("keywatch.conf", &site)?;
        write("nginx.conf", &main_conf(&dir, workers))?;
        let error_log = dir.join("error.log");
        let process = Background::start(
            Command::new("nginx")
                .arg("-p")
                .arg(&dir)
                .arg("-c")
                .arg(dir.join("nginx.conf"))
                .arg("-e")
                .arg(&error_log),
            "nginx",
            &listen.to_string(),
            &dir.join("nginx.out"),
        )?
        .ended_gently();
        Ok(Nginx {
            _process: process,
            addr: listen,
            dir,
        })
    }
}

/// The shipped configuration pointed at loopback: its address, both
/// upstreams the simulator over plain HTTP, its cache folder. Each text
/// replaced must be there, so that the check follows the file.
pub fn on_loopback(
    shipped: &str,
    listen: SocketAddr,
    upstream: SocketAddr,
    cache: &Path,
) -> Result<String, Fail> {
    let upstream = upstream.to_string();
    let replacements = [
        ("127.0.0.1:8081", listen.to_string()),
        ("gklm.example.internal:9443", upstream.clone()),
        ("ciphertrust.example.internal:443", upstream),
        ("gklm.example.internal", "127.0.0.1".to_owned()),
        ("ciphertrust.example.internal", "127.0.0.1".to_owned()),
        ("proxy_pass https://", "proxy_pass http://".to_owned()),
        ("/var/cache/nginx/keywatch", cache.display().to_string()),
    ];
    let mut conf = shipped.to_owned();
    for (from, to) in replacements {
        if !conf.contains(from) {
            return Err(Fail(format!(
                "{CONF} no longer holds `{from}`, which the nginx check replaces to reach the simulator: update xtask/src/nginx.rs"
            )));
        }
        conf = conf.replace(from, &to);
    }
    Ok(conf)
}

/// Everything outside the http {} block, and the temporary folders nginx
/// would otherwise want under /var/lib/nginx.
fn main_conf(dir: &Path, workers: usize) -> String {
    let d = dir.display();
    format!(
        "daemon off;
worker_processes {workers};
worker_rlimit_nofile 8192;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {d}/keywatch.conf;
}}
"
    )
}

/// The test command's check: nginx with the shipped configuration, in front
/// of a simulator of its own, forwards the panel's reads, sign-in and
/// sign-out, and nothing else reaches the simulator.
pub fn check(target: &Target) -> Result<(), Fail> {
    let sim = http::free_loopback_addr()?;
    let _simulator = Background::start(
        sh::command(&target.gateway("debug")).args([
            "demo",
            "--listen",
            &sim.to_string(),
            "--time-scale",
            "0",
        ]),
        "the simulator",
        &sim.to_string(),
        &target.log("nginx-check-simulator.log"),
    )?;
    let nginx = Nginx::start(
        http::free_loopback_addr()?,
        sim,
        1,
        target.log("nginx-check"),
    )?;
    let mut checks = Checks {
        nginx: nginx.addr,
        wrong: Vec::new(),
    };
    let hits = |what: &str| -> Result<String, Fail> {
        http::request(sim, what, "/_sim/hits", &[], None).map(|reply| reply.body)
    };

    hits("DELETE")?;
    checks.refusals();
    let reached = hits("GET")?;
    if reached.trim() != "{}" {
        checks
            .wrong
            .push(format!("refused requests reached the simulator: {reached}"));
    }

    let forwarded = checks.forwarded();
    let reached = hits("GET")?;
    for path in forwarded {
        if !reached.contains(&format!("\"{path}\"")) {
            checks
                .wrong
                .push(format!("{path} did not reach the simulator"));
        }
    }
    let need = json_object(&reached, "/SKLM/rest/v1/ckms/backups/need");
    if json_number(need, "count") != Some(1) {
        checks.wrong.push(format!(
            "two identical reads in a row should cost one upstream request: {need}"
        ));
    }

    if checks.wrong.is_empty() {
        eprintln!("xtask: nginx with {CONF} forwards the panel's calls and refuses the rest");
        return Ok(());
    }
    Err(Fail(format!(
        "nginx with {CONF} does not behave as the gateway does (its log: {}):\n  {}",
        nginx.dir.join("error.log").display(),
        checks.wrong.join("\n  ")
    )))
}

struct Checks {
    nginx: SocketAddr,
    wrong: Vec<String>,
}

impl Checks {
    fn expect(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
        status: u16,
    ) -> Option<Reply> {
        match http::request(self.nginx, method, path, headers, body) {
            Ok(reply) if reply.status == status => Some(reply),
            Ok(reply) => {
                self.wrong.push(format!(
                    "{method} {path}: {} where {status} was expected ({})",
                    reply.status,
                    reply.body.trim()
                ));
                None
            }
            Err(Fail(problem)) => {
                self.wrong.push(problem);
                None
            }
        }
    }

    /// What the gateway's allowlist refuses; none of it may reach the simulator.
    fn refusals(&mut self) {
        const JSON: (&str, &str) = ("Content-Type", "application/json");
        for path in [
            "/",
            "/_sim/reset",
            "/_sim/hits",
            "/SKLM/rest/v1/ckms/restore",
            "/SKLM/rest/v1/ckms/backups/result/",
            "/SKLM/rest/v1/ckms//backups/result",
            "/SKLM/rest/v1/ckms/backups/../../admin",
            "/SKLM/rest/v1/ckms/backups/%2e%2e/result",
            "/SKLM/rest/v1/ckms/notification/status/..%2f..%2fadmin",
            "/SKLM/rest/v1/ckms/notification/status/a%5cb",
            "/SKLM/rest/v1/ckms/notification/status/%252e%252e",
            "/SKLM/rest/v1/ckms/notification/status/.hidden",
            "/SKLM/rest/v1/ckms/config/nodes/joinBackTheCluster",
            "/GKLM/rest/v1/ckms/config/nodes/joinBackTheCluster",
            "/GKLM/rest/v1/ckms/config/nodes",
            "/SKLM/rest/v1/backupInfo/x",
            "/SKLM/rest/v1/ckms/nodes/x",
            "/GKLM/rest/v1/ckms/backups/x",
            "/GKLM/rest/v1/ckms/backups/%2e%2e/result",
            "/SKLM/rest/v1/ckms/notification/x",
            "/SKLM/rest/v1/systemDetails/KMIP",
            "/GKLM/rest/v1/health/x",
            "/GKLM/rest/v1/ckms/multimaster/agentstatus/x",
            "/gklm/rest/v1/health",
            "/GKLM/rest/v2/health",
            "/api/v1/cckm/aws/keys",
            "/api/v1/cckm/azure/synchronization-jobs/x/cancel",
            "/api/v1/cckm/other/synchronization-jobs",
            "/api/v1/cckm/azure/secrets",
            "/api/v1/cckm/azure/keys/synchronization-jobs",
            "/api/v1/cckm/sfdc/synchronization-jobs",
            "/api/v1/cckm/sfdc/keys/synchronization-jobs/x/cancel",
            "/api/v1/cckm/aws/custom-key-stores",
            "/api/v1/cckm/aws/custom-key-stores/synchronization-jobs/",
            "/api/v1/cckm/sap/synchronization-jobs/%2e%2e",
            "/api/v1/cckm/google/update-all-versions-jobs",
            "/api/v1/ckms/logout",
            "/http://evil.example/",
        ] {
            self.expect("GET", path, &[], None, 403);
        }
        for (method, path) in [
            ("DELETE", "/SKLM/rest/v1/ckms/backups/result"),
            ("HEAD", "/SKLM/rest/v1/ckms/backups/result"),
            ("POST", "/SKLM/rest/v1/ckms/backups"),
            ("POST", "/GKLM/rest/v1/ckms/backups"),
            ("DELETE", "/GKLM/rest/v1/ckms/nodes"),
            ("POST", "/api/v1/cckm/aws/synchronization-jobs"),
            ("POST", "/api/v1/cckm/sfdc/keys/synchronization-jobs"),
            (
                "PUT",
                "/api/v1/cckm/aws/custom-key-stores/synchronization-jobs/x",
            ),
            ("PUT", "/SKLM/rest/v1/ckms/login"),
            ("GET", "/SKLM/rest/v1/ckms/login"),
            ("GET", "/SKLM/rest/v1/ckms/logout"),
            ("POST", "/SKLM/rest/v1/ckms/logout"),
            ("DELETE", "/api/v1/auth/tokens"),
        ] {
            self.expect(method, path, &[JSON], Some("{}"), 405);
        }
        let login = "/SKLM/rest/v1/ckms/login";
        let credentials = r#"{"userid":"kwdemo","password":"kwdemo"}"#;
        self.expect(
            "POST",
            login,
            &[("Content-Type", "text/plain")],
            Some(credentials),
            415,
        );
        self.expect(
            "POST",
            login,
            &[JSON, ("Origin", "https://evil.example")],
            Some(credentials),
            403,
        );
        self.expect("POST", login, &[JSON], Some(&"x".repeat(20 * 1024)), 413);
        self.expect(
            "GET",
            "/SKLM/rest/v1/ckms/backups/result",
            &[("Host", "evil.example")],
            None,
            421,
        );
        let preflight = |method| {
            [
                ("Origin", LISTED_ORIGIN),
                ("Access-Control-Request-Method", method),
            ]
        };
        self.expect(
            "OPTIONS",
            "/SKLM/rest/v1/ckms/backups/result",
            &preflight("DELETE"),
            None,
            405,
        );
        self.expect(
            "OPTIONS",
            "/SKLM/rest/v1/ckms/backups/result",
            &[],
            None,
            405,
        );
        self.expect("OPTIONS", "/_sim/reset", &preflight("GET"), None, 403);
    }

    /// The panel's calls, with CORS for the listed origin only. Returns the
    /// simulator paths they must have reached.
    fn forwarded(&mut self) -> Vec<&'static str> {
        const JSON: (&str, &str) = ("Content-Type", "application/json");
        let origin = ("Origin", LISTED_ORIGIN);
        let signed_in = self.expect(
            "POST",
            "/SKLM/rest/v1/ckms/login",
            &[JSON, origin],
            Some(r#"{"userid":"kwdemo","password":"kwdemo"}"#),
            200,
        );
        let id = signed_in
            .as_ref()
            .and_then(|r| json_string(&r.body, "UserAuthId"))
            .unwrap_or("none");
        // 5.x's prefix signs in too (a second session, not used further).
        self.expect(
            "POST",
            "/GKLM/rest/v1/ckms/login",
            &[JSON, origin],
            Some(r#"{"userid":"kwdemo","password":"kwdemo"}"#),
            200,
        );
        let gklm = format!("SKLMAuth userAuthId={id}");
        let reads = [
            "/SKLM/rest/v1/ckms/backups/result",
            "/SKLM/rest/v1/ckms/backups/isrunning",
            "/SKLM/rest/v1/ckms/backups/need",
            "/SKLM/rest/v1/ckms/backupRestore/progress",
            "/SKLM/rest/v1/ckms/restore/progress",
            "/SKLM/rest/v1/ckms/notification/status",
            "/SKLM/rest/v1/backupInfo",
            "/SKLM/rest/v1/ckms/nodes/allNodeStatus",
            "/SKLM/rest/v1/ckms/backups",
            "/SKLM/rest/v1/ckms/config/nodes/isNodeIsolatedFromCluster",
            "/SKLM/rest/v1/ckms/nodes",
            "/SKLM/rest/v1/ckms/multimaster/agentstatus",
            // 5.x's prefix, to the upstream's own: these reach the
            // simulator as /SKLM/rest/v1/… only this way.
            "/GKLM/rest/v1/ckms/notification",
            "/GKLM/rest/v1/ckms/config/nodes/getClusterName",
            "/GKLM/rest/v1/ckms/versionInfo",
            "/GKLM/rest/v1/systemDetails",
            "/GKLM/rest/v1/health",
        ];
        for path in reads {
            self.expect("GET", path, &[("Authorization", &gklm)], None, 200);
        }
        // Within the 2 s the answer is shared: this one stays in nginx.
        self.expect(
            "GET",
            "/SKLM/rest/v1/ckms/backups/need",
            &[("Authorization", &gklm)],
            None,
            200,
        );
        // An unknown event: the simulator's 404, forwarded.
        let event = "/SKLM/rest/v1/ckms/notification/status/NOT_EVENT-fed6658-f11fba8a";
        self.expect("GET", event, &[("Authorization", &gklm)], None, 404);

        let read = "/SKLM/rest/v1/ckms/backups/isrunning";
        let auth = ("Authorization", gklm.as_str());
        if let Some(reply) = self.expect("GET", read, &[origin, auth], None, 200) {
            if reply.header("Access-Control-Allow-Origin") != LISTED_ORIGIN
                || reply.header("Access-Control-Expose-Headers") != "Content-Language"
            {
                self.wrong
                    .push(format!("GET {read} from {LISTED_ORIGIN}: no CORS headers"));
            }
        }
        if let Some(reply) = self.expect(
            "GET",
            read,
            &[("Origin", "https://evil.example"), auth],
            None,
            200,
        ) {
            if !reply.header("Access-Control-Allow-Origin").is_empty() {
                self.wrong
                    .push(format!("GET {read}: CORS headers for an unlisted origin"));
            }
        }
        let preflight = [
            origin,
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization"),
        ];
        if let Some(reply) = self.expect("OPTIONS", read, &preflight, None, 204) {
            if reply.header("Access-Control-Allow-Origin") != LISTED_ORIGIN
                || !reply
                    .header("Access-Control-Allow-Headers")
                    .contains("authorization")
            {
                self.wrong
                    .push(format!("preflight for GET {read}: not allowed"));
            }
        }

        let tokens = self.expect(
            "POST",
            "/api/v1/auth/tokens",
            &[JSON, origin],
            Some(r#"{"grant_type":"password","username":"kwdemo","password":"kwdemo"}"#),
            200,
        );
        let jwt = tokens
            .as_ref()
            .and_then(|r| json_string(&r.body, "jwt"))
            .unwrap_or("none");
        let bearer = format!("Bearer {jwt}");
        let list = self.expect(
            "GET",
            "/api/v1/cckm/aws/synchronization-jobs?limit=2&skip=0",
            &[("Authorization", &bearer)],
            None,
            200,
        );
        let job = list
            .as_ref()
            .and_then(|r| json_string(&r.body, "id"))
            .unwrap_or("none")
            .to_owned();
        self.expect(
            "GET",
            &format!("/api/v1/cckm/aws/synchronization-jobs/{job}"),
            &[("Authorization", &bearer)],
            None,
            200,
        );
        for family in FAMILIES {
            self.expect(
                "GET",
                &format!("/api/v1/{family}"),
                &[("Authorization", &bearer)],
                None,
                200,
            );
        }
        // One job of a family with a longer path: the simulator's 404 for
        // an unknown id, forwarded.
        self.expect(
            "GET",
            "/api/v1/cckm/sfdc/keys/synchronization-jobs/no-such-job",
            &[("Authorization", &bearer)],
            None,
            404,
        );
        self.expect(
            "DELETE",
            "/SKLM/rest/v1/ckms/logout",
            &[JSON, origin, ("Authorization", &gklm)],
            None,
            200,
        );
        self.expect("GET", "/healthz", &[], None, 200);
        vec![
            "/SKLM/rest/v1/ckms/login",
            "/SKLM/rest/v1/ckms/backups/result",
            "/SKLM/rest/v1/ckms/backups/isrunning",
            "/SKLM/rest/v1/ckms/backups/need",
            "/SKLM/rest/v1/ckms/backupRestore/progress",
            "/SKLM/rest/v1/ckms/restore/progress",
            "/SKLM/rest/v1/ckms/notification/status/NOT_EVENT-fed6658-f11fba8a",
            "/SKLM/rest/v1/ckms/notification/status",
            "/SKLM/rest/v1/backupInfo",
            "/SKLM/rest/v1/ckms/nodes/allNodeStatus",
            "/SKLM/rest/v1/ckms/backups",
            "/SKLM/rest/v1/ckms/config/nodes/isNodeIsolatedFromCluster",
            "/SKLM/rest/v1/ckms/nodes",
            "/SKLM/rest/v1/ckms/multimaster/agentstatus",
            "/SKLM/rest/v1/ckms/notification",
            "/SKLM/rest/v1/ckms/config/nodes/getClusterName",
            "/SKLM/rest/v1/ckms/versionInfo",
            "/SKLM/rest/v1/systemDetails",
            "/SKLM/rest/v1/health",
            "/api/v1/auth/tokens",
            "/api/v1/cckm/aws/synchronization-jobs",
            "/api/v1/cckm/aws/custom-key-stores/synchronization-jobs",
            "/api/v1/cckm/azure/synchronization-jobs",
            "/api/v1/cckm/azure/secrets/synchronization-jobs",
            "/api/v1/cckm/azure/certificates/synchronization-jobs",
            "/api/v1/cckm/google/synchronization-jobs",
            "/api/v1/cckm/oci/synchronization-jobs",
            "/api/v1/cckm/sfdc/keys/synchronization-jobs",
            "/api/v1/cckm/sfdc/keys/synchronization-jobs/no-such-job",
            "/api/v1/cckm/sap/synchronization-jobs",
            "/SKLM/rest/v1/ckms/logout",
        ]
    }
}

/// The text of the JSON object under `"key":` (no nested objects in it).
fn json_object<'a>(json: &'a str, key: &str) -> &'a str {
    let Some(at) = json.find(&format!("\"{key}\"")) else {
        return "";
    };
    let rest = &json[at..];
    match (rest.find('{'), rest.find('}')) {
        (Some(open), Some(close)) if open < close => &rest[open..=close],
        _ => "",
    }
}

fn json_number(json: &str, key: &str) -> Option<u64> {
    let after = &json[json.find(&format!("\"{key}\""))? + key.len() + 2..];
    let digits: String = after
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_configuration_is_pointed_at_loopback() {
        let shipped =
            fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(CONF))
                .unwrap();
        let conf = on_loopback(
            &shipped,
            "127.0.0.1:18931".parse().unwrap(),
            "127.0.0.1:18930".parse().unwrap(),
            Path::new("/tmp/kw/cache"),
        )
        .unwrap();
        for gone in [
            "gklm.example.internal",
            "ciphertrust.example.internal",
            "proxy_pass https://",
            "8081",
            "/var/cache",
        ] {
            assert!(!conf.contains(gone), "{gone} is still there");
        }
        assert!(conf.contains("listen 127.0.0.1:18931 default_server;"));
        assert!(conf.contains("server 127.0.0.1:18930;"));
        assert!(conf.contains("proxy_cache_path /tmp/kw/cache "));
        assert!(on_loopback(
            "listen 127.0.0.1:9999;",
            "127.0.0.1:1".parse().unwrap(),
            "127.0.0.1:2".parse().unwrap(),
            Path::new("/c")
        )
        .is_err());
    }

    #[test]
    fn the_shipped_configuration_names_every_job_family_and_no_other() {
        let shipped =
            fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(CONF))
                .unwrap();
        let lists: Vec<&str> = shipped
            .lines()
            .filter(|line| line.contains("location ~ ^/api/v1/cckm/"))
            .collect();
        assert_eq!(lists.len(), 2, "{lists:?}");
        for line in lists {
            let open = line.find('>').unwrap() + 1;
            let families = &line[open..line[open..].find(')').unwrap() + open];
            let families = families.trim_start_matches('(');
            let named: Vec<String> = families
                .split('|')
                .map(|f| format!("cckm/{f}/synchronization-jobs"))
                .collect();
            assert_eq!(named, FAMILIES, "{line}");
        }
    }

    #[test]
    fn reads_the_simulators_hit_counts() {
        let hits = r#"{"/a":{"count":3,"in_flight":0,"max_in_flight":1,"queries":[]},"/b":{"count":12,"in_flight":0}}"#;
        assert_eq!(json_number(json_object(hits, "/a"), "count"), Some(3));
        assert_eq!(json_number(json_object(hits, "/b"), "count"), Some(12));
        assert_eq!(json_object(hits, "/c"), "");
    }
}
