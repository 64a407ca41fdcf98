//! When accepting a connection fails (usually: out of file descriptors),
//! wait longer each time, and say so once per interval instead of in a loop.

use std::time::{Duration, Instant};

const FIRST_PAUSE: Duration = Duration::from_millis(10);
const LONGEST_PAUSE: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct AcceptBackoff {
    pause: Duration,
    log_interval: Duration,
    last_logged: Option<Instant>,
    unlogged: u64,
}

impl AcceptBackoff {
    pub fn new(log_interval: Duration) -> Self {
        AcceptBackoff {
            pause: FIRST_PAUSE,
            log_interval,
            last_logged: None,
            unlogged: 0,
        }
    }

    /// How long to wait before accepting again; logs when the interval allows.
    pub fn failed(&mut self, error: &std::io::Error, now: Instant) -> Duration {
        let due = self
            .last_logged
            .is_none_or(|at| now.duration_since(at) >= self.log_interval);
        if due {
            tracing::warn!(
                %error,
                failures_since_last_said = self.unlogged,
                "accepting connections failed; backing off (out of file descriptors? see max_connections and ulimit -n)"
            );
            self.last_logged = Some(now);
            self.unlogged = 0;
        } else {
            self.unlogged += 1;
        }
        let pause = self.pause;
        self.pause = (self.pause * 2).min(LONGEST_PAUSE);
        pause
    }

    /// Back to short pauses; the log interval keeps running, so a condition
    /// that comes and goes is still said once per interval.
    pub fn succeeded(&mut self) {
        self.pause = FIRST_PAUSE;
    }
}

/// EMFILE or ENFILE.
pub fn out_of_descriptors(error: &std::io::Error) -> bool {
    matches!(error.raw_os_error(), Some(23 | 24))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_to_a_second_and_the_log_speaks_once_per_interval() {
        let mut backoff = AcceptBackoff::new(Duration::from_secs(10));
        let error = std::io::Error::from_raw_os_error(24);
        assert!(out_of_descriptors(&error));
        let start = Instant::now();
        let mut waited = Duration::ZERO;
        let mut pauses = Vec::new();
        while waited < Duration::from_secs(5) {
            let pause = backoff.failed(&error, start + waited);
            pauses.push(pause);
            waited += pause;
        }
        assert_eq!(pauses[0], FIRST_PAUSE);
        assert!(pauses.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(*pauses.last().unwrap(), LONGEST_PAUSE);
        // 5 s of failures: far fewer attempts than the old 50 ms loop's 100.
        assert!(pauses.len() < 15, "{pauses:?}");
        assert_eq!(backoff.unlogged as usize, pauses.len() - 1);
        backoff.failed(&error, start + Duration::from_secs(11));
        assert_eq!(backoff.unlogged, 0, "logged again after the interval");
        backoff.succeeded();
        assert_eq!(backoff.failed(&error, start), FIRST_PAUSE);
    }
}
