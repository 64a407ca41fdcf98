//! Prometheus and the shipped alerting rules (`deploy/prometheus/`): promtool's
//! checks and unit tests, for the test command and `cargo xtask prometheus`.

use std::process::Command;
use std::time::Instant;

use crate::setup::PROMTOOL;
use crate::sh::Fail;

pub const RULES: &str = "deploy/prometheus/keywatch.rules.yml";
pub const CONFIG: &str = "deploy/prometheus/prometheus.yml";
pub const RULE_TESTS: &str = "deploy/prometheus/keywatch.rules.test.yml";

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
