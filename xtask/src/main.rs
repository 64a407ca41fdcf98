//! The project's tasks: `cargo xtask run` and `cargo xtask test` (see README).
//!
//! Plain std on purpose, but for brotli and gzip (dist/'s precompressed
//! copies): the task runner must build quickly on a fresh machine, before
//! anything else is installed.

mod bundle;
mod gateway_bench;
mod hosts;
mod http;
mod nginx;
mod package;
mod precompress;
mod prometheus;
mod setup;
mod sh;
mod snippet_names;
mod target;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use sh::{cargo, Fail};
use target::Target;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  run  [--listen ADDR]   install what is missing, build the bundle into dist/,
                         start the gateway's simulator (default 127.0.0.1:8080)
  test [--no-lint]       install what is missing, then run every test: lints,
                         native tests, browser tests, end-to-end checks
  dist                   build the release bundle into dist/ (also an npm
                         package: package.json, types) and print its size
  hosts                  build the bundle, then install keywatch from dist/
                         into the console apps in e2e/hosts/, type-check and
                         build them (a step of `test`)
  nginx                  check deploy/nginx/keywatch.conf in front of the
                         simulator (a step of `test`)
  prometheus             check deploy/prometheus/ (the alerting rules, the
                         example configuration) with promtool, run the
                         rules' unit tests, then have Debian's Prometheus
                         scrape a gateway watching the simulator until the
                         backup-failed alert fires and clears (steps of `test`)
  bench [bundle|render|gateway] [--listen ADDR]
                         not a test: the bundle's sizes against its budget;
                         the panel in headless Chromium beside two plain-JavaScript
                         baselines (render: loading, the sync-job table, find,
                         scrolling, idle polling, memory); the gateway against nginx with
                         wrk (all, or the one named); prints tables and writes
                         them in the target dir. render serves its pages at
                         ADDR (default 127.0.0.1:8919)
  setup                  install what is missing and nothing else
  paths                  print where cargo builds (CARGO_TARGET_DIR is honoured)
";

/// Where the browser tests and the end-to-end checks find the simulator.
/// The browser tests read it at compile time (`KEYWATCH_TEST_GATEWAY`), so
/// `wasm-pack test` finds the same address when a gateway runs there.
const TEST_GATEWAY: &str = "127.0.0.1:8917";
/// In the target directory.
const GATEWAY_LOG: &str = "keywatch-gateway-test.log";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!("xtask: cannot enter the project folder: {e}");
        return ExitCode::FAILURE;
    }
    let started = Instant::now();
    let task = args.first().map(String::as_str);
    if matches!(task, Some("-h" | "--help" | "help")) {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if !matches!(
        task,
        Some(
            "run"
                | "test"
                | "dist"
                | "hosts"
                | "nginx"
                | "prometheus"
                | "bench"
                | "setup"
                | "paths"
        )
    ) {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    }
    let result = Target::ask_cargo().and_then(|target| match task {
        Some("run") => run(&target, &args[1..]),
        Some("test") => test(&target, &args[1..]),
        Some("dist") => {
            setup::ensure_build_tools(&target).and_then(|()| bundle::build(&target).map(|_| ()))
        }
        Some("hosts") => setup::ensure_build_tools(&target)
            .and_then(|()| bundle::build(&target))
            .and_then(|_| hosts::build_all())
            .map(|_| ()),
        Some("nginx") => setup::ensure_test_tools()
            .and_then(|()| cargo(&["build", "-p", "keywatch-gateway"]))
            .and_then(|()| nginx::check(&target)),
        Some("prometheus") => setup::ensure_prometheus()
            .and_then(|()| prometheus::check_rules())
            .and_then(|()| cargo(&["build", "-p", "keywatch-gateway"]))
            .and_then(|()| prometheus::live_check(&target)),
        Some("bench") => bench(&target, &args[1..]),
        Some("setup") => {
            setup::ensure_build_tools(&target).and_then(|()| setup::ensure_test_tools())
        }
        _ => {
            paths(&target);
            Ok(())
        }
    });
    match result {
        Ok(()) => {
            eprintln!("xtask: done in {:.1} s", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(Fail(msg)) => {
            eprintln!("xtask: FAILED: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

fn option_value(args: &[String], name: &str) -> Result<Option<String>, Fail> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .cloned()
            .map(Some)
            .ok_or_else(|| Fail(format!("{name} needs a value"))),
    }
}

/// What the other tasks read and write, one `name: path` a line.
fn paths(target: &Target) {
    println!("target: {}", target.dir().display());
    println!("widget wasm: {}", target.widget_wasm().display());
    println!("gateway (release): {}", target.gateway("release").display());
    println!("gateway (debug): {}", target.gateway("debug").display());
    println!("test gateway log: {}", target.log(GATEWAY_LOG).display());
    println!(
        "wasm-bindgen install log: {}",
        target.log(setup::INSTALL_LOG).display()
    );
}

fn run(target: &Target, args: &[String]) -> Result<(), Fail> {
    let listen = option_value(args, "--listen")?.unwrap_or_else(|| "127.0.0.1:8080".into());
    listen.parse::<SocketAddr>().map_err(|_| {
        Fail(format!(
            "--listen {listen}: not an address like 127.0.0.1:8080"
        ))
    })?;
    setup::ensure_build_tools(target)?;
    bundle::build(target)?;
    cargo(&["build", "--release", "-p", "keywatch-gateway"])?;
    let gateway = target.gateway("release");
    eprintln!("xtask: starting the gateway's simulator; stop it with Ctrl-C");
    sh::run(
        sh::command(&gateway).args(["demo", "--listen", &listen, "--dist", "dist"]),
        "the gateway",
    )
}

fn test(target: &Target, args: &[String]) -> Result<(), Fail> {
    let lint = !args.iter().any(|a| a == "--no-lint");
    setup::ensure_build_tools(target)?;
    setup::ensure_test_tools()?;

    if lint {
        step("lint: cargo fmt --check, clippy on the native and wasm32 targets");
        cargo(&["fmt", "--all", "--check"])?;
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])?;
        cargo(&[
            "clippy",
            "-p",
            "keywatch",
            "-p",
            "keywatch-core",
            "--all-targets",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ])?;
    }

    step("native tests of every crate");
    cargo(&["test", "--workspace"])?;

    step("nginx with deploy/nginx/keywatch.conf, in front of the simulator");
    cargo(&["build", "-p", "keywatch-gateway"])?;
    nginx::check(target)?;

    step(
        "promtool: deploy/prometheus/keywatch.rules.yml, its unit tests, the example configuration",
    );
    prometheus::check_rules()?;
    step("a real Prometheus scrapes a gateway watching the simulator: the backup-failed alert fires, then clears");
    prometheus::live_check(target)?;

    step("release bundle for the end-to-end checks, within its budget");
    bundle::build(target)?;
    bundle::check_budget()?;

    step("console apps (e2e/hosts/): keywatch installed from dist/, type-checked, built");
    let apps = hosts::build_all()?;

    step("browser tests in headless Chromium, against the simulator");
    cargo(&["build", "-p", "keywatch-gateway"])?;
    let log = target.log(GATEWAY_LOG);
    let gateway = sh::Background::start(
        sh::command(&target.gateway("debug")).args([
            "demo",
            "--listen",
            TEST_GATEWAY,
            "--dist",
            "dist",
        ]),
        "the gateway",
        TEST_GATEWAY,
        &log,
    )?;
    eprintln!(
        "xtask: the simulator listens on {TEST_GATEWAY}; its log is {}",
        log.display()
    );
    let base = format!("http://{TEST_GATEWAY}");
    sh::run(
        sh::cargo_command(&[
            "test",
            "-p",
            "keywatch",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "*",
        ])
        .env("KEYWATCH_TEST_GATEWAY", &base)
        // The runner's limit is for a whole test file, and the polling
        // tests wait on real timers: give them minutes, not 20 s.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "300"),
        "the browser tests",
    )?;

    step("end-to-end checks of the built page in headless Chromium");
    sh::run(
        sh::command(Path::new("node"))
            .args(["--test", "--test-concurrency=1", "e2e/"])
            .env("KEYWATCH_E2E_URL", format!("{base}/")),
        "the end-to-end checks",
    )?;
    drop(gateway);
    for (app, took) in apps {
        eprintln!(
            "xtask: {app}: install, type check and build took {:.1} s (its browser check is timed by e2e/hosts.test.mjs)",
            took.as_secs_f64()
        );
    }
    Ok(())
}

/// Where `cargo xtask bench render` runs its own simulator, unless `--listen` says.
const BENCH_GATEWAY: &str = "127.0.0.1:8919";

fn bench(target: &Target, args: &[String]) -> Result<(), Fail> {
    let listen = option_value(args, "--listen")?.unwrap_or_else(|| BENCH_GATEWAY.into());
    listen.parse::<SocketAddr>().map_err(|_| {
        Fail(format!(
            "--listen {listen}: not an address like {BENCH_GATEWAY}"
        ))
    })?;
    let named: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--listen" && *a != listen)
        .collect();
    let (size, render, gateway) = match named.as_slice() {
        [] => (true, true, true),
        ["bundle"] => (true, false, false),
        ["render"] => (false, true, false),
        ["gateway"] => (false, false, true),
        [other, ..] => {
            return Err(Fail(format!(
                "bench {other}: say `bundle`, `render`, `gateway`, or nothing for all"
            )))
        }
    };
    if size {
        bench_bundle(target)?;
    }
    if render {
        bench_render(target, &listen)?;
    }
    if gateway {
        setup::ensure_bench_tools()?;
        cargo(&["build", "--release", "-p", "keywatch-gateway"])?;
        step("gateway: the simulator, keywatch-gateway proxy and nginx under wrk");
        gateway_bench::run(target)?;
    }
    Ok(())
}

/// The bundle's files raw, gzip -9 and brotli against the budget, printed
/// and written to `bench-bundle.txt` in the target directory.
fn bench_bundle(target: &Target) -> Result<(), Fail> {
    setup::ensure_build_tools(target)?;
    bundle::build(target)?;
    step("bundle: raw, gzip -9 and brotli against the budget");
    let table = bundle::bench_table()?;
    println!("{table}");
    let out = target.log("bench-bundle.txt");
    std::fs::write(&out, format!("{table}\n"))
        .map_err(|e| Fail(format!("cannot write {}: {e}", out.display())))
}

/// The rendering benchmark's pages (bench/pages/) with the panel's own
/// stylesheet beside them, for the baseline, in a folder of the target dir
/// that the gateway serves at `/portal/`.
fn bench_pages(target: &Target) -> Result<PathBuf, Fail> {
    let dir = target.log("bench-pages");
    let copy = bundle::copy;
    std::fs::create_dir_all(&dir)
        .map_err(|e| Fail(format!("cannot make {}: {e}", dir.display())))?;
    let pages = std::fs::read_dir("bench/pages")
        .map_err(|e| Fail(format!("cannot read bench/pages: {e}")))?;
    for page in pages.flatten() {
        copy(&page.path(), &dir.join(page.file_name()))?;
    }
    copy(
        Path::new("src/embed/keywatch.css"),
        &dir.join("keywatch.css"),
    )?;
    Ok(dir)
}

fn bench_render(target: &Target, listen: &str) -> Result<(), Fail> {
    setup::ensure_build_tools(target)?;
    setup::ensure_test_tools()?;
    bundle::build(target)?;
    cargo(&["build", "--release", "-p", "keywatch-gateway"])?;
    let pages = bench_pages(target)?;
    let gateway = sh::Background::start(
        // The clock stopped, moved only by the benchmark: the pages it
        // compares are shown the same jobs (a job started between two loads
        // moved every row of one of them down by one).
        sh::command(&target.gateway("release"))
            .args([
                "demo",
                "--listen",
                listen,
                "--dist",
                "dist",
                "--time-scale",
                "0",
                "--portal",
            ])
            .arg(&pages),
        "the gateway",
        listen,
        &target.log("keywatch-gateway-bench.log"),
    )?;
    step("render: loading, the sync-job table, find and scrolling beside two plain-JavaScript pages (every row, windowed), idle polling, memory");
    sh::run(
        sh::command(Path::new("node"))
            .arg("bench/render.mjs")
            .env("KEYWATCH_E2E_URL", format!("http://{listen}/"))
            .env("KEYWATCH_BENCH_OUT", target.log("bench-render-table.txt")),
        "the rendering benchmark",
    )?;
    drop(gateway);
    Ok(())
}

fn step(what: &str) {
    eprintln!("\nxtask: ── {what}");
}
