use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Simulated time in milliseconds since the world began, running at
/// `scale` times real time, plus whatever tests advanced it by.
#[derive(Debug)]
pub struct SimClock {
    started: Instant,
    scale: f64,
    advanced_ms: i64,
    /// Wall-clock time (Unix ms) that simulated time 0 corresponds to, so the
    /// timestamps a person sees look current.
    epoch_unix_ms: i64,
}

impl SimClock {
    pub fn new(scale: f64) -> Self {
        SimClock {
            started: Instant::now(),
            scale: if scale.is_finite() && scale >= 0.0 {
                scale
            } else {
                1.0
            },
            advanced_ms: 0,
            epoch_unix_ms: wall_clock_unix_ms(),
        }
    }

    pub fn now_ms(&self) -> i64 {
        let real_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        (real_ms * self.scale) as i64 + self.advanced_ms
    }

    pub fn advance(&mut self, seconds: u64) {
        self.advanced_ms = self
            .advanced_ms
            .saturating_add((seconds as i64).saturating_mul(1000));
    }

    pub fn restart(&mut self) {
        self.started = Instant::now();
        self.advanced_ms = 0;
        self.epoch_unix_ms = wall_clock_unix_ms();
    }

    pub fn unix_ms(&self, sim_ms: i64) -> i64 {
        self.epoch_unix_ms + sim_ms
    }

    /// Wall-clock time (Unix ms) for a simulated moment, with every advance
    /// of the clock counted as time that has passed: a backup made before a
    /// test moves the clock on by a day is a day older to a browser, which
    /// counts ages with its own clock.
    pub fn unix_ms_aged(&self, sim_ms: i64) -> i64 {
        self.epoch_unix_ms - self.advanced_ms + sim_ms
    }
}

fn wall_clock_unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `2020-11-05T06:39:45.726289Z`, the shape CipherTrust uses.
pub fn rfc3339_micros(unix_ms: i64, extra_micros: u32) -> String {
    let secs = unix_ms.div_euclid(1000);
    let micros = unix_ms.rem_euclid(1000) * 1000 + i64::from(extra_micros % 1000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// `2021-05-05T08:36:36.676642246Z`: nine fraction digits, as Google's
/// jobs show them (the micros of [`rfc3339_micros`], then `extra_nanos`).
pub fn rfc3339_nanos(unix_ms: i64, extra_micros: u32, extra_nanos: u32) -> String {
    let micros = rfc3339_micros(unix_ms, extra_micros);
    let stem = micros.strip_suffix('Z').unwrap_or(&micros);
    format!("{stem}{:03}Z", extra_nanos % 1000)
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_seed() {
        // 2020-11-05T06:39:45.726Z
        assert_eq!(
            rfc3339_micros(1_604_558_385_726, 289),
            "2020-11-05T06:39:45.726289Z"
        );
        assert_eq!(rfc3339_micros(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            rfc3339_micros(951_782_400_000, 0),
            "2000-02-29T00:00:00.000000Z"
        );
    }

    #[test]
    fn frozen_clock_moves_only_when_advanced() {
        let mut clock = SimClock::new(0.0);
        assert_eq!(clock.now_ms(), 0);
        clock.advance(90);
        assert_eq!(clock.now_ms(), 90_000);
        clock.restart();
        assert_eq!(clock.now_ms(), 0);
    }
}
