//! Prometheus and the shipped alerting rules (`deploy/prometheus/`): promtool's
//! checks and unit tests, for the test command and `cargo xtask prometheus`,
//! and a live check of a rule firing against the gateway's watcher.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::http::{self, json_string};
use crate::setup::{PROMETHEUS, PROMTOOL};
use crate::sh::{self, Background, Fail};
use crate::target::Target;

pub const RULES: &str = "deploy/prometheus/keywatch.rules.yml";
pub const CONFIG: &str = "deploy/prometheus/prometheus.yml";
pub const RULE_TESTS: &str = "deploy/prometheus/keywatch.rules.test.yml";
/// The alert the live check makes fire and clear.
const BACKUP_FAILED: &str = "KeywatchGklmBackupFailed";

/// promtool's syntax checks of the rules and of the example configuration
/// (which loads the rules again, by their path relative to it), then the
/// rules' unit tests.
pub fn check_rules() -> Result<(), Fail> {
    let started = Instant::now();
    let checks: [(&[&str], &str); 3] = [
        (
            &["check", "rules", RULES],
            "fix the rule it names (PromQL or YAML)",
        ),
        (
            &["check", "config", CONFIG],
            "fix the example configuration; rule_files is relative to it",
        ),
        (
            &["test", "rules", RULE_TESTS],
            "an alert no longer does what its test says: fix the rule or, when the change is meant, the test",
        ),
    ];
    for (args, advice) in checks {
        let what = format!("promtool {}", args.join(" "));
        let out = Command::new(PROMTOOL).args(args).output().map_err(|e| {
            Fail(format!(
                "could not start {PROMTOOL} ({e}): `cargo xtask setup` installs Debian's prometheus"
            ))
        })?;
        if !out.status.success() {
            let said: Vec<String> = [&out.stdout, &out.stderr]
                .into_iter()
                .map(|text| String::from_utf8_lossy(text).trim_end().to_owned())
                .filter(|text| !text.is_empty())
                .collect();
            return Err(Fail(format!(
                "{what} failed ({}): {advice}\n{}",
                out.status,
                said.join("\n")
            )));
        }
    }
    eprintln!(
        "xtask: promtool: {RULES} and {CONFIG} are valid and every test in {RULE_TESTS} passes ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The shipped rules with every `for:` made `0s`, so that the live check
/// sees an alert fire within seconds; the expressions stay as shipped.
fn without_for(rules: &str) -> Result<String, Fail> {
    if !rules.contains(&format!("alert: {BACKUP_FAILED}")) {
        return Err(Fail(format!(
            "{RULES} has no alert {BACKUP_FAILED}, which the live check makes fire: update xtask/src/prometheus.rs"
        )));
    }
    let mut changed = 0;
    let mut out = String::with_capacity(rules.len());
    for line in rules.lines() {
        let indent = line.len() - line.trim_start().len();
        if line.trim_start().starts_with("for:") {
            out.push_str(&line[..indent]);
            out.push_str("for: 0s");
            changed += 1;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    if changed == 0 {
        return Err(Fail(format!(
            "{RULES} has no `for:` line, which the live check shortens: update xtask/src/prometheus.rs"
        )));
    }
    Ok(out)
}

/// Prometheus' own configuration for the live check: every second, the
/// proxy's /metrics, the rules beside it.
fn live_config(proxy: SocketAddr) -> String {
    format!(
        "global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - keywatch.rules.yml
scrape_configs:
  - job_name: keywatch
    metrics_path: /metrics
    static_configs:
      - targets: [\"{proxy}\"]
"
    )
}

/// The proxy's configuration for the live check: both servers the simulator
/// at `sim`, signed in to as a service account, watched every second.
fn proxy_config(listen: SocketAddr, sim: SocketAddr) -> String {
    format!(
        "listen = \"{listen}\"
gklm_base_url = \"http://{sim}/SKLM/rest/v1\"
ciphertrust_base_url = \"http://{sim}/api/v1\"
auth = {{ mode = \"service-account\" }}

[watch]
interval_seconds = 1
"
    )
}

/// The objects of the `"alerts": [...]` array in Prometheus' answer to
/// `GET /api/v1/alerts`, each as its JSON text.
fn alert_objects(json: &str) -> Vec<&str> {
    let Some(at) = json.find("\"alerts\"") else {
        return Vec::new();
    };
    let rest = &json[at..];
    let Some(open) = rest.find('[') else {
        return Vec::new();
    };
    let mut objects = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, 0);
    for (i, c) in rest.char_indices().skip(open + 1) {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => {
                if depth == 0 {
                    start = i;
                }
                depth += 1;
            }
            '}' | ']' if depth == 0 => break,
            '}' | ']' => {
                depth -= 1;
                if depth == 0 && c == '}' {
                    objects.push(&rest[start..=i]);
                }
            }
            _ => {}
        }
    }
    objects
}

/// The active (pending or firing) alert of that name, as its JSON text.
fn active_alert<'a>(alerts_json: &'a str, name: &str) -> Option<&'a str> {
    let label = format!("\"alertname\":\"{name}\"");
    alert_objects(alerts_json)
        .into_iter()
        .find(|alert| alert.contains(&label))
}

/// Asks `what` every 250 ms until it answers `Some`, for at most `limit`.
fn poll<T>(
    limit: Duration,
    waiting_for: &str,
    mut what: impl FnMut() -> Option<T>,
) -> Result<(T, Duration), Fail> {
    let started = Instant::now();
    loop {
        if let Some(found) = what() {
            return Ok((found, started.elapsed()));
        }
        if started.elapsed() >= limit {
            return Err(Fail(format!(
                "waited {} s for {waiting_for}",
                limit.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Runs the debug gateway's simulator, a proxy that watches it and Debian's
/// Prometheus with the shipped rules, pins the simulator's last backup to
/// failed and back, and checks that the backup-failed alert fires and clears.
///
/// What it expects of the gateway (`keywatch-gateway proxy`), which its
/// watcher is to provide:
/// - a `[watch]` section in the proxy's TOML with `interval_seconds`, which
///   starts a watcher that reads both servers with the service account's
///   credentials (`auth = { mode = "service-account" }`, from the default
///   variables `KEYWATCH_GKLM_USER`, `KEYWATCH_GKLM_PASSWORD`,
///   `KEYWATCH_CIPHERTRUST_USER`, `KEYWATCH_CIPHERTRUST_PASSWORD`);
/// - `GET /metrics` on the proxy's listen address, with no token, answering
///   the Prometheus text format with the metric contract of
///   `deploy/prometheus/keywatch.rules.yml`, among them
///   `keywatch_gklm_backup_result{result="failed"}` 1 within a few rounds of
///   the server's `backups/result` saying 1, and 0 again after it says 0.
///
/// The rules are copied with every `for:` made 0 s (the expressions as
/// shipped), so that 60 s are enough for each change.
pub fn live_check(target: &Target) -> Result<(), Fail> {
    for program in [PROMETHEUS, PROMTOOL] {
        if !Path::new(program).exists() {
            return Err(Fail(format!(
                "{program} is missing: `cargo xtask setup` installs Debian's prometheus"
            )));
        }
    }
    let dir = target.log("prometheus-live");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| Fail(format!("cannot create {}: {e}", dir.display())))?;
    let write = |name: &str, text: &str| -> Result<PathBuf, Fail> {
        let path = dir.join(name);
        fs::write(&path, text)
            .map_err(|e| Fail(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    };
    let shipped =
        fs::read_to_string(RULES).map_err(|e| Fail(format!("cannot read {RULES}: {e}")))?;
    write("keywatch.rules.yml", &without_for(&shipped)?)?;

    // (a) The simulator, its clock stopped: only the pins change it.
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
        &dir.join("simulator.log"),
    )?;

    // (b) The proxy in front of it, watching both servers every second.
    let proxy = http::free_loopback_addr()?;
    let proxy_toml = write("keywatch-gateway.toml", &proxy_config(proxy, sim))?;
    let mut proxy_command = sh::command(&target.gateway("debug"));
    proxy_command.arg("proxy").arg("--config").arg(&proxy_toml);
    for variable in [
        "KEYWATCH_GKLM_USER",
        "KEYWATCH_GKLM_PASSWORD",
        "KEYWATCH_CIPHERTRUST_USER",
        "KEYWATCH_CIPHERTRUST_PASSWORD",
    ] {
        proxy_command.env(variable, "kwdemo");
    }
    let _proxy = Background::start(
        &mut proxy_command,
        "the proxy",
        &proxy.to_string(),
        &dir.join("proxy.log"),
    )?;

    // (c) Prometheus scraping it with the rules.
    let prom = http::free_loopback_addr()?;
    let prom_config = write("prometheus.yml", &live_config(proxy))?;
    let prom_log = dir.join("prometheus.log");
    let _prometheus = Background::start(
        Command::new(PROMETHEUS)
            .arg(format!("--config.file={}", prom_config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={prom}")),
        "Prometheus",
        &prom.to_string(),
        &prom_log,
    )?
    .ended_gently();

    let limit = Duration::from_secs(60);
    let seen = |what: &str| {
        format!(
            "{what} (logs: {}, {}, {})",
            dir.join("simulator.log").display(),
            dir.join("proxy.log").display(),
            prom_log.display()
        )
    };
    let get = |path: &str| {
        http::request(prom, "GET", path, &[], None)
            .ok()
            .filter(|reply| reply.status == 200)
            .map(|reply| reply.body)
    };
    let alerts = || get("/api/v1/alerts");
    let pin = |result: u8| -> Result<(), Fail> {
        let body = format!("{{\"result\": {result}}}");
        let reply = http::request(
            sim,
            "POST",
            "/_sim/backup",
            &[("Content-Type", "application/json")],
            Some(&body),
        )?;
        if reply.status != 204 {
            return Err(Fail(format!(
                "POST /_sim/backup {body}: {} ({})",
                reply.status,
                reply.body.trim()
            )));
        }
        Ok(())
    };

    let (_, first_data) = poll(
        limit,
        &seen("Prometheus to hold keywatch_gklm_backup_result from the proxy"),
        || {
            get("/api/v1/query?query=keywatch_gklm_backup_result")
                .filter(|body| body.contains("\"result\":[{"))
        },
    )?;
    eprintln!(
        "xtask: Prometheus holds the watcher's backup result after {:.1} s",
        first_data.as_secs_f64()
    );

    pin(1)?;
    let (alert, to_fire) = poll(limit, &seen(&format!("{BACKUP_FAILED} to fire")), || {
        alerts().and_then(|body| {
            active_alert(&body, BACKUP_FAILED)
                .filter(|alert| json_string(alert, "state") == Some("firing"))
                .map(str::to_owned)
        })
    })?;
    eprintln!(
        "xtask: {BACKUP_FAILED} fired {:.1} s after the last backup was pinned to failed:\n  {alert}",
        to_fire.as_secs_f64()
    );

    pin(0)?;
    let (_, to_clear) = poll(limit, &seen(&format!("{BACKUP_FAILED} to clear")), || {
        alerts().filter(|body| active_alert(body, BACKUP_FAILED).is_none())
    })?;
    eprintln!(
        "xtask: {BACKUP_FAILED} cleared {:.1} s after the last backup was pinned to succeeded",
        to_clear.as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped_rules() -> String {
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(RULES)).unwrap()
    }

    #[test]
    fn the_live_copy_of_the_rules_keeps_every_expression() {
        let shipped = shipped_rules();
        let copy = without_for(&shipped).unwrap();
        let lines = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.trim_start().starts_with("for:"))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(lines(&shipped), lines(&copy));
        assert!(copy.contains("        for: 0s\n"));
        assert!(!copy.contains("for: 2m"));
        assert!(shipped.contains("for: 2m"));
        assert!(without_for("alert: KeywatchGklmBackupFailed\nexpr: x\n").is_err());
        assert!(without_for("for: 1m\n").is_err());
    }

    #[test]
    fn finds_an_alert_in_prometheus_answer() {
        let body = r#"{"status":"success","data":{"alerts":[{"labels":{"alertname":"KeywatchUpstreamDown","upstream":"gklm"},"annotations":{"summary":"a \"quoted\" } brace"},"state":"pending","activeAt":"2024-01-01T00:00:00Z","value":"0e+00"},{"labels":{"alertname":"KeywatchGklmBackupFailed","result":"failed"},"annotations":{"summary":"The last GKLM backup failed"},"state":"firing","value":"1e+00"}]}}"#;
        assert_eq!(alert_objects(body).len(), 2);
        let down = active_alert(body, "KeywatchUpstreamDown").unwrap();
        assert_eq!(json_string(down, "state"), Some("pending"));
        let failed = active_alert(body, BACKUP_FAILED).unwrap();
        assert!(failed.starts_with("{\"labels\""));
        assert!(failed.ends_with("\"value\":\"1e+00\"}"));
        assert_eq!(json_string(failed, "state"), Some("firing"));
        assert!(active_alert(r#"{"data":{"alerts":[]}}"#, BACKUP_FAILED).is_none());
        assert!(active_alert("", BACKUP_FAILED).is_none());
    }

    #[test]
    fn the_live_configurations_point_at_loopback() {
        let sim: SocketAddr = "127.0.0.1:18940".parse().unwrap();
        let proxy: SocketAddr = "127.0.0.1:18941".parse().unwrap();
        let toml = proxy_config(proxy, sim);
        assert!(toml.contains("gklm_base_url = \"http://127.0.0.1:18940/SKLM/rest/v1\""));
        assert!(toml.contains("ciphertrust_base_url = \"http://127.0.0.1:18940/api/v1\""));
        assert!(toml.contains("[watch]\ninterval_seconds = 1\n"));
        assert!(live_config(proxy).contains("targets: [\"127.0.0.1:18941\"]"));
    }
}
