//! Installs what the project needs, idempotently: a second call on the same
//! machine only asks each tool its version.

use std::path::Path;
use std::process::Command;

use crate::sh::{self, Fail};
use crate::target::Target;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const WASM_OPT: &str = "node_modules/.bin/wasm-opt";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const NGINX: &str = "/usr/sbin/nginx";
const WRK: &str = "/usr/bin/wrk";
pub const PROMTOOL: &str = "/usr/bin/promtool";
pub const PROMETHEUS: &str = "/usr/bin/prometheus";
/// Installed without their recommended packages: Prometheus recommends two
/// dozen more (node-exporter, which starts a service of its own on port
/// 9100, smartmontools, ipmitool, nvme-cli, …) where it needs eleven to run.
const WITHOUT_RECOMMENDS: &[&str] = &["prometheus"];
/// cargo's own words from the locked wasm-bindgen-cli install, in the target directory.
pub const INSTALL_LOG: &str = "xtask-wasm-bindgen-install.log";

/// The wasm target, wasm-bindgen-cli at the Cargo.lock version, and the npm
/// packages (wasm-opt from binaryen; playwright-core for the e2e checks).
pub fn ensure_build_tools(target: &Target) -> Result<(), Fail> {
    ensure_wasm_target()?;
    ensure_bundle_toolchain()?;
    ensure_wasm_bindgen(target)?;
    ensure_npm_packages()
}

/// Chromium and ChromeDriver from Debian, for the browser tests, nginx for
/// the check of its configuration, and Prometheus (promtool) for the check
/// of the alerting rules.
pub fn ensure_test_tools() -> Result<(), Fail> {
    ensure_debian_packages(&[
        (CHROMIUM, "chromium"),
        (CHROMEDRIVER, "chromium-driver"),
        (NGINX, "nginx"),
        (PROMTOOL, "prometheus"),
    ])
}

/// Prometheus alone (promtool, and the server for the live check), for
/// `cargo xtask prometheus`.
pub fn ensure_prometheus() -> Result<(), Fail> {
    ensure_debian_packages(&[(PROMTOOL, "prometheus")])
}

/// What the gateway benchmark needs: nginx to compare with and the load
/// generator (not Chromium).
pub fn ensure_bench_tools() -> Result<(), Fail> {
    ensure_debian_packages(&[(NGINX, "nginx"), (WRK, "wrk")])
}

/// Installs the Debian packages whose program (the first of each pair) is
/// missing. The package scripts of nginx and prometheus may start the
/// system's service (nginx on port 80, Prometheus on 9090) where a service
/// manager runs; the tasks start their own.
fn ensure_debian_packages(wanted: &[(&str, &str)]) -> Result<(), Fail> {
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(program, _)| !Path::new(program).exists())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    say(&format!(
        "missing: installing Debian's {}",
        missing.join(", ")
    ));
    let as_root = sh::output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let apt = |args: &[&str]| {
        let mut cmd = if as_root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        sh::run(&mut cmd, &format!("apt-get {}", args.join(" ")))
    };
    apt(&["update", "-q"])?;
    let (lean, full): (Vec<&str>, Vec<&str>) = missing
        .iter()
        .partition(|package| WITHOUT_RECOMMENDS.contains(package));
    for (packages, flags) in [
        (full, &["install", "-y", "-q"][..]),
        (
            lean,
            &["install", "-y", "-q", "--no-install-recommends"][..],
        ),
    ] {
        if !packages.is_empty() {
            let mut install = flags.to_vec();
            install.extend(&packages);
            apt(&install)?;
        }
    }
    Ok(())
}

fn ensure_wasm_target() -> Result<(), Fail> {
    let installed = sh::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or_else(|| {
            Fail("rustup is needed to add the wasm32 target (https://rustup.rs)".into())
        })?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    say("adding the wasm32-unknown-unknown target");
    sh::run(
        Command::new("rustup").args(["target", "add", WASM_TARGET]),
        "rustup target add",
    )
}

/// The pinned nightly that builds the release bundle, with the standard
/// library's source (see [`crate::bundle::TOOLCHAIN`]). It comes from
/// rustup's own server; no wasm32 standard library is needed, as the build
/// compiles one.
fn ensure_bundle_toolchain() -> Result<(), Fail> {
    let toolchain = crate::bundle::TOOLCHAIN;
    let has_source = sh::output(Command::new("rustup").args([
        "component",
        "list",
        "--installed",
        "--toolchain",
        toolchain,
    ]))
    .is_some_and(|list| list.lines().any(|l| l.starts_with("rust-src")));
    if has_source {
        return Ok(());
    }
    say(&format!(
        "installing Rust {toolchain} with its source, for the release bundle (about 20 s)"
    ));
    sh::run(
        Command::new("rustup").args([
            "toolchain",
            "install",
            toolchain,
            "--profile",
            "minimal",
            "--component",
            "rust-src",
        ]),
        "rustup toolchain install",
    )
}

fn ensure_wasm_bindgen(target: &Target) -> Result<(), Fail> {
    let wanted = locked_version("wasm-bindgen")?;
    let have = |bin: &str| {
        sh::output(Command::new(bin).arg("--version"))
            .is_some_and(|v| v.split_whitespace().nth(1) == Some(wanted.as_str()))
    };
    if have("wasm-bindgen") && have("wasm-bindgen-test-runner") {
        return Ok(());
    }
    let log = target.log(INSTALL_LOG);
    say(&format!(
        "installing wasm-bindgen-cli {wanted} (the version in Cargo.lock; takes a few minutes once; cargo's output goes to {})",
        log.display()
    ));
    let install = |locked: bool| {
        let mut args = vec![
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
            "--force",
        ];
        if locked {
            args.push("--locked");
        }
        args
    };
    // Its own lock file can name a dependency version the registry no longer
    // serves; then the newest compatible versions are the next best thing.
    // cargo's long resolution error would only alarm a newcomer: it goes to
    // the log, and one line says what happens next.
    let locked = sh::run_logged(
        &mut sh::cargo_command(&install(true)),
        "cargo install --locked wasm-bindgen-cli",
        &log,
    );
    locked.or_else(|_| {
        say(&format!(
            "the locked install did not work out (cargo's reasons: {}); installing with freshly resolved dependencies instead",
            log.display()
        ));
        let args = install(false);
        sh::cargo(&args)
    })
}

fn ensure_npm_packages() -> Result<(), Fail> {
    let lock = Path::new("package-lock.json");
    let installed = Path::new("node_modules/.package-lock.json");
    let fresh = match (modified(lock), modified(installed)) {
        (Some(want), Some(have)) => have >= want && Path::new(WASM_OPT).exists(),
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    say("installing the npm packages (binaryen for wasm-opt, playwright-core)");
    sh::run(
        Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]),
        "npm ci (needs Node.js and npm)",
    )
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}

/// The version of `package` recorded in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String, Fail> {
    let lock = std::fs::read_to_string("Cargo.lock")
        .map_err(|e| Fail(format!("cannot read Cargo.lock: {e}")))?;
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == name_line {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(version.to_string());
            }
        }
    }
    Err(Fail(format!("Cargo.lock has no {package}")))
}

pub fn say(what: &str) {
    eprintln!("xtask: {what}");
}
