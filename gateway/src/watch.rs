//! The watcher: in service-account mode with a `[watch]` section, the
//! gateway reads what the panel reads, every `interval_seconds`, and keeps
//! what it saw in `/metrics`, so that a failure reaches someone who is not
//! looking at a panel.
//!
//! It reads exactly as the panel does: the requests and readers are
//! `keywatch-core`'s, the schedule and back-off are the core's, and every
//! request goes through the gateway's own routes (the allowlist, the answer
//! cache, the coalescing of equal reads, the service account's sign-in), as
//! a browser's would.

use std::cell::Cell;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{header, HeaderValue, Request};
use axum::Router;
use http_body_util::BodyExt;
use keywatch_core::api::gklm::{self, RestorePath};
use keywatch_core::api::http::{HttpRequest, HttpResponse, Transport, MAX_BODY_BYTES};
use keywatch_core::api::read::if_served;
use keywatch_core::api::{cckm, ApiError, CckmConfig, GklmConfig, Reply};
use keywatch_core::model::notification::DeliveryReading;
use keywatch_core::model::restore::RestorePhase;
use keywatch_core::model::sync_job::{Source, SyncJobFilter};
use keywatch_core::schedule::{next_delay_ms, Cadence};
use tower::ServiceExt;

use crate::metrics::{Upstream, WatchedMetrics};

/// `[watch]` in the proxy's configuration.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WatchConfig {
    /// Seconds between two rounds of reads of each server, spread by ±10 %
    /// so that gateways started together do not read in step.
    pub interval_seconds: f64,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            interval_seconds: 60.0,
        }
    }
}

impl WatchConfig {
    pub fn validate(&self) -> Result<(), String> {
        if !(self.interval_seconds.is_finite() && (0.1..=86_400.0).contains(&self.interval_seconds))
        {
            return Err("watch.interval_seconds must be from 0.1 to 86400".into());
        }
        Ok(())
    }

    fn interval_ms(&self) -> u32 {
        (self.interval_seconds * 1000.0).round() as u32
    }
}

/// Requests handed to the gateway's own routes, as if a browser on the
/// gateway's own host had sent them.
pub struct RouterTransport {
    router: Router,
    host: HeaderValue,
}

impl RouterTransport {
    /// `localhost` passes the gateway's `Host` check whatever its address.
    pub fn new(router: Router) -> Self {
        RouterTransport {
            router,
            host: HeaderValue::from_static("localhost"),
        }
    }

    fn request(&self, req: &HttpRequest) -> Result<Request<Body>, ApiError> {
        let url = reqwest::Url::parse(&req.url).map_err(|e| ApiError::Network {
            detail: format!("not a URL: {e}"),
        })?;
        let mut path = url.path().to_owned();
        if let Some(query) = url.query() {
            path.push('?');
            path.push_str(query);
        }
        let mut builder = Request::builder()
            .method(req.method.as_str())
            .uri(path)
            .header(header::HOST, self.host.clone());
        for (name, value) in &req.headers {
            builder = builder.header(name, value);
        }
        let body = req.body.clone().map_or_else(Body::empty, Body::from);
        builder.body(body).map_err(|e| ApiError::Network {
            detail: e.to_string(),
        })
    }
}

impl Transport for RouterTransport {
    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, ApiError> {
        let request = self.request(req)?;
        let timeout = Duration::from_millis(u64::from(req.timeout_ms));
        let answer = async {
            let response = match self.router.clone().oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let (parts, body) = response.into_parts();
            let text = |name| {
                parts
                    .headers
                    .get(name)
                    .and_then(|v: &HeaderValue| v.to_str().ok())
                    .map(str::to_owned)
            };
            let limited = http_body_util::Limited::new(body, MAX_BODY_BYTES);
            let bytes = match limited.collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                    return Err(ApiError::TooLarge {
                        limit_bytes: MAX_BODY_BYTES,
                    })
                }
                Err(error) => {
                    return Err(ApiError::Network {
                        detail: error.to_string(),
                    })
                }
            };
            Ok(HttpResponse {
                status: parts.status.as_u16(),
                content_type: text(header::CONTENT_TYPE),
                content_language: text(header::CONTENT_LANGUAGE),
                body: String::from_utf8_lossy(&bytes).into_owned(),
            })
        };
        tokio::time::timeout(timeout, answer)
            .await
            .unwrap_or(Err(ApiError::Timeout {
                after_ms: req.timeout_ms,
            }))
    }
}

/// When the current restore phase was first seen: a phase seen again keeps
/// its start, a new one starts now.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct PhaseClock {
    seen: Option<(Option<RestorePhase>, f64)>,
}

impl PhaseClock {
    /// The phase now seen at `now` (Unix seconds); returns since when it has been.
    pub fn saw(&mut self, phase: Option<RestorePhase>, now: f64) -> f64 {
        match self.seen {
            Some((current, since)) if current == phase => since,
            _ => {
                self.seen = Some((phase, now));
                now
            }
        }
    }
}

/// When the last successful backup was seen, for servers that do not say
/// when it was made: the first time the watcher saw a success after
/// anything else. A success seen at the watcher's start counts from then.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct SuccessClock {
    last_success: Option<f64>,
    succeeded_last_time: bool,
}

impl SuccessClock {
    /// Returns the time of the last success seen, if any.
    pub fn saw(&mut self, succeeded: bool, now: f64) -> Option<f64> {
        if succeeded && !self.succeeded_last_time {
            self.last_success = Some(now);
        }
        self.succeeded_last_time = succeeded;
        self.last_success
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A number from 0 to 1 that differs from one call to the next, for jitter.
fn jitter() -> f64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    // A multiplicative hash spreads neighbouring instants apart.
    f64::from(nanos.wrapping_mul(2_654_435_761)) / f64::from(u32::MAX)
}

/// The wait before the next round: the core's schedule (back-off after
/// failures), with ±10 % of jitter on a normal round.
fn wait_after(config: &WatchConfig, cadence: Cadence, failures: u32) -> Duration {
    let base = config.interval_ms();
    let ms = next_delay_ms(base, cadence, failures, jitter()).unwrap_or(base);
    let ms = if failures == 0 {
        f64::from(ms) * (0.9 + 0.2 * jitter())
    } else {
        f64::from(ms)
    };
    Duration::from_millis(ms.round() as u64)
}

/// Reads one server again and again until the process ends.
struct Reader<'a> {
    transport: &'a RouterTransport,
    metrics: &'a WatchedMetrics,
    upstream: Upstream,
    /// Whether every read of this round got a usable answer.
    all_answered: bool,
}

impl Reader<'_> {
    async fn read<T>(
        &mut self,
        call: impl std::future::Future<Output = Result<T, ApiError>>,
    ) -> Option<T> {
        let started = Instant::now();
        let result = call.await;
        self.metrics
            .read_took(self.upstream, started.elapsed().as_secs_f64());
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                tracing::info!(upstream = self.upstream.label(), error = ?error, "watch: a read failed");
                self.all_answered = false;
                None
            }
        }
    }

    /// A read of a service that older servers do not have: their 404 is
    /// `None` and leaves the server up.
    async fn read_if_served<T>(
        &mut self,
        call: impl std::future::Future<Output = Result<Reply<T>, ApiError>>,
    ) -> Option<T> {
        self.read(async { if_served(call.await) })
            .await
            .and_then(|reply| reply.value)
    }

    fn end_round(&mut self) -> bool {
        let up = self.all_answered;
        self.metrics.upstream_up(self.upstream, up);
        self.all_answered = true;
        up
    }
}

async fn watch_gklm(transport: &RouterTransport, metrics: &WatchedMetrics, config: WatchConfig) {
    let cfg = GklmConfig::new("http://localhost/SKLM/rest/v1");
    let restore_path = Cell::new(RestorePath::default());
    let mut phase_clock = PhaseClock::default();
    let mut success_clock = SuccessClock::default();
    let mut failures = 0u32;
    let mut reader = Reader {
        transport,
        metrics,
        upstream: Upstream::Gklm,
        all_answered: true,
    };
    loop {
        let mut cadence = Cadence::Normal;
        let now = unix_now();
        // The server's own date (GKLM 4.2.1 and later) wins over the watcher's.
        let said = reader
            .read_if_served(gklm::backup_info(reader.transport, &cfg))
            .await
            .and_then(|info| info.last_backup());
        if let Some(last) = said {
            metrics.last_successful_backup(last.map_or(0.0, |at| at.unix_millis() as f64 / 1000.0));
        }
        if let Some(reply) = reader
            .read(gklm::backup_result(reader.transport, &cfg))
            .await
        {
            metrics.backup_result(&reply.value);
            let succeeded = matches!(
                reply.value,
                keywatch_core::model::BackupResult::Succeeded { .. }
                    | keywatch_core::model::BackupResult::SucceededWithWarning { .. }
            );
            match success_clock.saw(succeeded, now) {
                Some(at) if said.is_none() => metrics.last_successful_backup(at),
                _ => {}
            }
        }
        if let Some(reply) = reader
            .read(gklm::backup_activity(reader.transport, &cfg))
            .await
        {
            if matches!(
                reply.value,
                keywatch_core::model::BackupActivity::Running { .. }
            ) {
                cadence = Cadence::Fast;
            }
            metrics.backup_activity(&reply.value);
        }
        if let Some(reply) = reader.read(gklm::backup_need(reader.transport, &cfg)).await {
            metrics.backup_need(&reply.value);
        }
        if let Some(reply) = reader
            .read(gklm::restore_progress(
                reader.transport,
                &cfg,
                &restore_path,
            ))
            .await
        {
            let phase = reply.value.phase;
            if !matches!(
                phase,
                Some(RestorePhase::Idle | RestorePhase::Completed) | None
            ) {
                cadence = Cadence::Fast;
            }
            metrics.restore_phase(phase, phase_clock.saw(phase, now));
        }
        if let Some(reply) = reader
            .read(gklm::notification_statuses(reader.transport, &cfg))
            .await
        {
            let undelivered = reply
                .value
                .iter()
                .filter(|row| row.delivered != DeliveryReading::Delivered)
                .count();
            metrics.notifications_undelivered(undelivered);
        }
        // A server that is not in a cluster may not have the service.
        let masters = reader
            .read_if_served(gklm::master_status(reader.transport, &cfg))
            .await
            .unwrap_or_default();
        metrics.cluster_masters(&masters);
        failures = if reader.end_round() {
            0
        } else {
            failures.saturating_add(1)
        };
        tokio::time::sleep(wait_after(&config, cadence, failures)).await;
    }
}

async fn watch_ciphertrust(
    transport: &RouterTransport,
    metrics: &WatchedMetrics,
    config: WatchConfig,
) {
    let cfg = CckmConfig::new("http://localhost/api/v1");
    let mut failures = 0u32;
    let mut reader = Reader {
        transport,
        metrics,
        upstream: Upstream::CipherTrust,
        all_answered: true,
    };
    loop {
        for source in Source::ALL {
            let filter = SyncJobFilter {
                source,
                ..SyncJobFilter::default()
            };
            // An older CipherTrust Manager without this family answers 404:
            // skipped quietly, the server still up.
            if let Some(page) = reader
                .read_if_served(cckm::sync_jobs(reader.transport, &cfg, &filter))
                .await
            {
                metrics.sync_jobs(source, &page);
            }
        }
        failures = if reader.end_round() {
            0
        } else {
            failures.saturating_add(1)
        };
        tokio::time::sleep(wait_after(&config, Cadence::Normal, failures)).await;
    }
}

/// Starts the watcher on a thread of its own (its reads hold per-server
/// state that stays on one thread), reading both servers until the process
/// ends.
pub fn spawn(router: Router, config: WatchConfig, metrics: WatchedMetrics) -> Result<(), String> {
    let transport = RouterTransport::new(router);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the watcher: {e}"))?;
    std::thread::Builder::new()
        .name("keywatch-watch".into())
        .spawn(move || {
            runtime.block_on(async {
                tokio::join!(
                    watch_gklm(&transport, &metrics, config),
                    watch_ciphertrust(&transport, &metrics, config)
                );
            });
        })
        .map_err(|e| format!("cannot start the watcher: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phase_keeps_its_start_until_another_begins() {
        let mut clock = PhaseClock::default();
        let restoring = Some(RestorePhase::RestoreKeystores);
        assert_eq!(clock.saw(restoring, 100.0), 100.0);
        assert_eq!(clock.saw(restoring, 160.0), 100.0);
        assert_eq!(clock.saw(Some(RestorePhase::Cleanup), 220.0), 220.0);
        assert_eq!(
            clock.saw(None, 230.0),
            230.0,
            "an unknown code is a phase too"
        );
        assert_eq!(clock.saw(None, 240.0), 230.0);
    }

    #[test]
    fn a_success_counts_from_when_it_was_first_seen() {
        let mut clock = SuccessClock::default();
        assert_eq!(clock.saw(false, 10.0), None, "nothing succeeded yet");
        assert_eq!(clock.saw(true, 20.0), Some(20.0));
        assert_eq!(clock.saw(true, 80.0), Some(20.0), "the same success");
        assert_eq!(
            clock.saw(false, 90.0),
            Some(20.0),
            "a failure keeps the last success"
        );
        assert_eq!(clock.saw(true, 120.0), Some(120.0), "a new success");
    }

    #[test]
    fn rounds_come_at_the_interval_with_jitter_and_back_off_when_failing() {
        let config = WatchConfig {
            interval_seconds: 60.0,
        };
        for _ in 0..50 {
            let wait = wait_after(&config, Cadence::Normal, 0).as_secs_f64();
            assert!((54.0..=66.0).contains(&wait), "{wait}");
            let fast = wait_after(&config, Cadence::Fast, 0).as_secs_f64();
            assert!((4.5..=5.5).contains(&fast), "{fast}");
            let failing = wait_after(&config, Cadence::Normal, 2).as_secs_f64();
            assert!((192.0..=288.0).contains(&failing), "{failing}");
        }
    }

    #[test]
    fn the_interval_is_checked() {
        for bad in [0.0, -1.0, f64::NAN, 100_000.0] {
            let config = WatchConfig {
                interval_seconds: bad,
            };
            assert!(config.validate().is_err(), "{bad}");
        }
        assert!(WatchConfig::default().validate().is_ok());
    }
}
