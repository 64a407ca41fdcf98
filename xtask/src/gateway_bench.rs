//! The gateway benchmark (part of `cargo xtask bench`; not a test): one
//! load generator, Debian's `wrk`, against the simulator directly, against
//! `keywatch-gateway proxy` in front of it and against nginx with
//! `deploy/nginx/keywatch.conf` in front of it, all started here on
//! loopback; then the requests that reach the simulator while many clients
//! poll one endpoint through each proxy. Medians over repeated runs, with
//! min and max, printed and written to `bench-gateway-table.txt` in the
//! target directory.

use std::fs;
use std::net::SocketAddr;
use std::process::Command;

use crate::http::{self, json_string};
use crate::nginx::Nginx;
use crate::setup::say;
use crate::sh::{self, Background, Fail};
use crate::target::Target;

/// The endpoint every run asks: small, and what the panel asks most.
const ENDPOINT: &str = "/SKLM/rest/v1/ckms/backups/result";
/// Connections for the throughput and latency runs.
const CONNECTIONS: usize = 100;
/// Clients polling through each proxy, for the upstream count.
const POLLERS: [usize; 2] = [10, 1000];
pub const TABLE: &str = "bench-gateway-table.txt";
/// Before each measured run, not counted: nginx's first requests for an
/// answer it has not cached wait on its cache lock, which it looks at every
/// 500 ms, and with 100 connections arriving at once that alone put its p99
/// over the next seconds at 400 ms. The steady state is what is compared.
const WARM_UP_SECONDS: u64 = 1;

/// Repeated runs and seconds per run, from `KEYWATCH_BENCH_RUNS` and
/// `KEYWATCH_BENCH_SECONDS` (5 and 5 when unset).
struct Plan {
    runs: usize,
    seconds: u64,
}

impl Plan {
    fn from_env() -> Plan {
        let number = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|&n| n > 0)
                .unwrap_or(default)
        };
        Plan {
            runs: number("KEYWATCH_BENCH_RUNS", 5) as usize,
            seconds: number("KEYWATCH_BENCH_SECONDS", 5),
        }
    }
}

pub fn run(target: &Target) -> Result<(), Fail> {
    let plan = Plan::from_env();
    let quiet = |cmd: &mut Command| {
        cmd.env("RUST_LOG", "warn");
    };
    let sim = http::free_loopback_addr()?;
    let mut simulator = sh::command(&target.gateway("release"));
    simulator.args([
        "demo",
        "--listen",
        &sim.to_string(),
        "--time-scale",
        "0",
        "--max-connections",
        "4096",
    ]);
    quiet(&mut simulator);
    let _simulator = Background::start(
        &mut simulator,
        "the simulator",
        &sim.to_string(),
        &target.log("bench-gateway-simulator.log"),
    )?;

    let proxy = http::free_loopback_addr()?;
    let config = target.log("bench-gateway-proxy.toml");
    fs::write(&config, proxy_config(proxy, sim))
        .map_err(|e| Fail(format!("cannot write {}: {e}", config.display())))?;
    let mut gateway = sh::command(&target.gateway("release"));
    gateway.arg("proxy").arg("--config").arg(&config);
    quiet(&mut gateway);
    let _gateway = Background::start(
        &mut gateway,
        "keywatch-gateway proxy",
        &proxy.to_string(),
        &target.log("bench-gateway-proxy.log"),
    )?;

    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let nginx = Nginx::start(
        http::free_loopback_addr()?,
        sim,
        workers,
        target.log("bench-gateway-nginx"),
    )?;

    let signed_in = http::request(
        sim,
        "POST",
        "/SKLM/rest/v1/ckms/login",
        &[("Content-Type", "application/json")],
        Some(r#"{"userid":"kwdemo","password":"kwdemo"}"#),
    )?;
    let id = json_string(&signed_in.body, "UserAuthId")
        .ok_or_else(|| Fail(format!("the simulator did not sign in: {}", signed_in.body)))?;
    let auth = format!("Authorization: SKLMAuth userAuthId={id}");

    let targets = [
        ("simulator directly", sim),
        ("keywatch-gateway proxy", proxy),
        ("nginx, deploy/nginx/keywatch.conf", nginx.addr),
    ];
    say(&format!(
        "gateway benchmark: {} runs of {} s for each of {} targets, then the upstream count ({} × {} runs); about {} s",
        plan.runs,
        plan.seconds,
        targets.len(),
        targets.len() - 1,
        POLLERS.len(),
        (plan.seconds + WARM_UP_SECONDS) as usize
            * plan.runs
            * (targets.len() + (targets.len() - 1) * POLLERS.len())
    ));

    // Round by round, each target once, so that a change in the machine's
    // load during the benchmark falls on all of them alike.
    let mut load: Vec<Vec<Wrk>> = vec![Vec::new(); targets.len()];
    for _ in 0..plan.runs {
        for (i, (_, addr)) in targets.iter().enumerate() {
            wrk(*addr, &auth, CONNECTIONS, WARM_UP_SECONDS)?;
            load[i].push(wrk(*addr, &auth, CONNECTIONS, plan.seconds)?);
        }
    }
    let proxies = &targets[1..];
    let mut polls: Vec<Vec<Polled>> = vec![Vec::new(); proxies.len() * POLLERS.len()];
    for _ in 0..plan.runs {
        for (p, (_, addr)) in proxies.iter().enumerate() {
            for (c, &clients) in POLLERS.iter().enumerate() {
                wrk(*addr, &auth, clients, WARM_UP_SECONDS)?;
                http::request(sim, "DELETE", "/_sim/hits", &[], None)?;
                let run = wrk(*addr, &auth, clients, plan.seconds)?;
                let hits = http::request(sim, "GET", "/_sim/hits", &[], None)?;
                polls[p * POLLERS.len() + c].push(Polled {
                    upstream: upstream_count(&hits.body, ENDPOINT),
                    run,
                });
            }
        }
    }

    let table = render(&plan, workers, &targets, &load, proxies, &polls);
    println!("{table}");
    let out = target.log(TABLE);
    fs::write(&out, &table).map_err(|e| Fail(format!("cannot write {}: {e}", out.display())))?;
    say(&format!("the table is in {}", out.display()));
    Ok(())
}

fn proxy_config(listen: SocketAddr, sim: SocketAddr) -> String {
    format!(
        r#"# Written by cargo xtask bench: the proxy in front of the simulator.
listen = "{listen}"
gklm_base_url = "http://{sim}/SKLM/rest/v1"
ciphertrust_base_url = "http://{sim}/api/v1"
allowed_origins = ["https://ops.example.internal"]
cache_seconds = 2

[connections]
max_connections = 4096
"#
    )
}

/// What one wrk run measured.
#[derive(Debug, Clone, Default, PartialEq)]
struct Wrk {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    /// Non-2xx answers and socket errors together.
    failed: u64,
}

#[derive(Debug, Clone)]
struct Polled {
    run: Wrk,
    upstream: u64,
}

fn wrk(addr: SocketAddr, auth: &str, connections: usize, seconds: u64) -> Result<Wrk, Fail> {
    let threads = connections.min(2).to_string();
    let out = Command::new("wrk")
        .args([
            "-t",
            &threads,
            "-c",
            &connections.to_string(),
            "-d",
            &format!("{seconds}s"),
            "--timeout",
            "10s",
            "--latency",
            "-H",
            auth,
        ])
        .arg(format!("http://{addr}{ENDPOINT}"))
        .output()
        .map_err(|e| Fail(format!("could not start wrk: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(Fail(format!(
            "wrk failed ({}): {text}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    parse_wrk(&text).ok_or_else(|| Fail(format!("cannot read wrk's report:\n{text}")))
}

fn parse_wrk(text: &str) -> Option<Wrk> {
    let mut run = Wrk::default();
    let mut seen = (false, false, false);
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", value] => {
                run.p50_ms = duration_ms(value)?;
                seen.0 = true;
            }
            ["99%", value] => {
                run.p99_ms = duration_ms(value)?;
                seen.1 = true;
            }
            ["Requests/sec:", value] => {
                run.requests_per_second = value.parse().ok()?;
                seen.2 = true;
            }
            [count, "requests", "in", ..] => run.requests = count.parse().ok()?,
            ["Non-2xx", "or", "3xx", "responses:", count] => {
                run.failed += count.parse::<u64>().ok()?;
            }
            ["Socket", "errors:", rest @ ..] => {
                // connect 0, read 0, write 0, timeout 0
                run.failed += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    (seen == (true, true, true)).then_some(run)
}

/// wrk's `845.00us`, `1.20ms`, `2.01s`, `1.5m` in milliseconds.
fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        _ => return None,
    };
    Some(number * factor)
}

/// `count` of `path` in the simulator's `/_sim/hits`.
fn upstream_count(hits: &str, path: &str) -> u64 {
    let Some(at) = hits.find(&format!("\"{path}\"")) else {
        return 0;
    };
    let rest = &hits[at..];
    let Some(count) = rest.find("\"count\":") else {
        return 0;
    };
    rest[count + 8..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

/// Median, min and max.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

fn spread(values: impl IntoIterator<Item = f64>) -> Spread {
    let mut sorted: Vec<f64> = values.into_iter().collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return Spread {
            median: f64::NAN,
            min: f64::NAN,
            max: f64::NAN,
        };
    }
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    Spread {
        median,
        min: sorted[0],
        max: sorted[n - 1],
    }
}

fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 && c.is_ascii_digit() {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn cell(s: Spread, show: fn(f64) -> String) -> String {
    format!("{} ({}–{})", show(s.median), show(s.min), show(s.max))
}

fn ms(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.1}")
    }
}

fn per_second(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2}")
    } else {
        thousands(value)
    }
}

fn render(
    plan: &Plan,
    workers: usize,
    targets: &[(&str, SocketAddr)],
    load: &[Vec<Wrk>],
    proxies: &[(&str, SocketAddr)],
    polls: &[Vec<Polled>],
) -> String {
    let mut lines = vec![
        format!(
            "keywatch gateway benchmark: wrk, {} runs of {} s each after {} s of warm-up (median (min–max))",
            plan.runs, plan.seconds, WARM_UP_SECONDS
        ),
        format!(
            "GET {ENDPOINT}, one signed-in identity, simulator clock stopped; wrk, servers and simulator share this machine's {workers} cores on loopback; nginx with {workers} workers, the gateway on {workers} threads; both proxies keep answers 2 s"
        ),
        String::new(),
        format!("{CONNECTIONS} connections"),
        "| target | req/s | p50 ms | p99 ms | failed |".to_owned(),
        "| --- | ---: | ---: | ---: | ---: |".to_owned(),
    ];
    for ((name, _), runs) in targets.iter().zip(load) {
        lines.push(format!(
            "| {name} | {} | {} | {} | {} |",
            cell(
                spread(runs.iter().map(|r| r.requests_per_second)),
                thousands
            ),
            cell(spread(runs.iter().map(|r| r.p50_ms)), ms),
            cell(spread(runs.iter().map(|r| r.p99_ms)), ms),
            runs.iter().map(|r| r.failed).sum::<u64>(),
        ));
    }
    lines.push(String::new());
    lines.push(
        "Upstream requests while clients poll through each proxy (each connection asks again as soon as it is answered)"
            .to_owned(),
    );
    lines.push("| proxy | clients | client req/s | upstream req/s | p99 ms | failed |".to_owned());
    lines.push("| --- | ---: | ---: | ---: | ---: | ---: |".to_owned());
    for (p, (name, _)) in proxies.iter().enumerate() {
        for (c, clients) in POLLERS.iter().enumerate() {
            let runs = &polls[p * POLLERS.len() + c];
            let seconds = plan.seconds as f64;
            lines.push(format!(
                "| {name} | {} | {} | {} | {} | {} |",
                thousands(*clients as f64),
                cell(
                    spread(runs.iter().map(|r| r.run.requests_per_second)),
                    thousands
                ),
                cell(
                    spread(runs.iter().map(|r| r.upstream as f64 / seconds)),
                    per_second
                ),
                cell(spread(runs.iter().map(|r| r.run.p99_ms)), ms),
                runs.iter().map(|r| r.run.failed).sum::<u64>(),
            ));
        }
    }
    lines.push(String::new());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 5s test @ http://127.0.0.1:18931/SKLM/rest/v1/ckms/backups/result
  2 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10ms  600.00us  20.00ms   90.00%
    Req/Sec    45.00k     3.00k   50.00k    70.00%
  Latency Distribution
     50%  845.00us
     75%    1.20ms
     90%    1.80ms
     99%    4.50ms
  452345 requests in 5.00s, 100.00MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:  90469.00
Transfer/sec:     20.00MB
";

    #[test]
    fn reads_wrks_report() {
        let run = parse_wrk(REPORT).unwrap();
        assert_eq!(run.requests_per_second, 90469.0);
        assert!((run.p50_ms - 0.845).abs() < 1e-9);
        assert_eq!(run.p99_ms, 4.5);
        assert_eq!(run.requests, 452345);
        assert_eq!(run.failed, 12);
        assert!(parse_wrk("unable to connect to 127.0.0.1:1").is_none());
        assert_eq!(duration_ms("2.5s"), Some(2500.0));
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        let odd = spread([3.0, 1.0, 2.0]);
        assert_eq!((odd.median, odd.min, odd.max), (2.0, 1.0, 3.0));
        assert_eq!(spread([4.0, 1.0, 2.0, 3.0]).median, 2.5);
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
    }

    #[test]
    fn counts_the_simulators_hits_for_one_path() {
        let hits = r#"{"/SKLM/rest/v1/ckms/backups/need":{"count":9},"/SKLM/rest/v1/ckms/backups/result":{"count":3,"in_flight":0}}"#;
        assert_eq!(upstream_count(hits, ENDPOINT), 3);
        assert_eq!(upstream_count("{}", ENDPOINT), 0);
    }
}
