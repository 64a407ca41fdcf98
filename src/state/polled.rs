//! What a card knows about one polled endpoint: first load, a fresh reading,
//! or a failure that keeps the last good reading visible as stale.

use std::rc::Rc;

use yew::Reducible;

use crate::api::error::ApiError;

/// One successful reading, with when it was taken.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading<T> {
    pub value: T,
    /// The server's `Content-Language`, so its text is marked up as such.
    pub content_language: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub at_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Phase<T> {
    /// Nothing has come back yet.
    Loading,
    Loaded(Reading<T>),
    Failed {
        error: ApiError,
        at_ms: f64,
        /// The last good reading, shown as stale beside the error.
        stale: Option<Reading<T>>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Polled<T> {
    pub phase: Phase<T>,
    /// A request is under way (first load or a refresh).
    pub in_flight: bool,
    /// Failures in a row, for backing off and for saying "still failing".
    pub failures: u32,
}

impl<T> Default for Polled<T> {
    fn default() -> Self {
        Self {
            phase: Phase::Loading,
            in_flight: false,
            failures: 0,
        }
    }
}

pub enum PollAction<T> {
    Started,
    Succeeded(Reading<T>),
    Failed { error: ApiError, at_ms: f64 },
}

impl<T: Clone> Polled<T> {
    pub fn next(&self, action: PollAction<T>) -> Self {
        match action {
            PollAction::Started => Self {
                in_flight: true,
                ..self.clone()
            },
            PollAction::Succeeded(reading) => Self {
                phase: Phase::Loaded(reading),
                in_flight: false,
                failures: 0,
            },
            PollAction::Failed { error, at_ms } => Self {
                phase: Phase::Failed {
                    error,
                    at_ms,
                    stale: self.last_reading().cloned(),
                },
                in_flight: false,
                failures: self.failures.saturating_add(1),
            },
        }
    }

    pub fn last_reading(&self) -> Option<&Reading<T>> {
        match &self.phase {
            Phase::Loading => None,
            Phase::Loaded(reading) => Some(reading),
            Phase::Failed { stale, .. } => stale.as_ref(),
        }
    }

    pub fn error(&self) -> Option<&ApiError> {
        match &self.phase {
            Phase::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl<T: Clone> Reducible for Polled<T> {
    type Action = PollAction<T>;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        Rc::new(self.next(action))
    }
}

/// How long to wait before the next poll: the configured interval while all
/// is well, doubling after each failure in a row up to four times it, so a
/// struggling server is not hammered and a recovered one is seen soon.
pub fn next_delay_ms(interval_ms: u32, failures: u32) -> u32 {
    let factor = 1u32 << failures.min(2);
    interval_ms.saturating_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(v: u8, at: f64) -> Reading<u8> {
        Reading {
            value: v,
            content_language: Some("en".into()),
            at_ms: at,
        }
    }

    fn timeout() -> ApiError {
        ApiError::Timeout { after_ms: 10_000 }
    }

    #[test]
    fn first_load_then_success() {
        let s = Polled::<u8>::default();
        assert_eq!(s.phase, Phase::Loading);
        let s = s.next(PollAction::Started);
        assert!(s.in_flight);
        assert_eq!(s.phase, Phase::Loading);
        let s = s.next(PollAction::Succeeded(reading(1, 10.0)));
        assert!(!s.in_flight);
        assert_eq!(s.phase, Phase::Loaded(reading(1, 10.0)));
    }

    #[test]
    fn a_failure_keeps_the_last_good_reading_as_stale() {
        let s = Polled::default()
            .next(PollAction::Succeeded(reading(1, 10.0)))
            .next(PollAction::Started)
            .next(PollAction::Failed {
                error: timeout(),
                at_ms: 20.0,
            });
        assert_eq!(s.error(), Some(&timeout()));
        assert_eq!(s.last_reading(), Some(&reading(1, 10.0)));
        assert_eq!(s.failures, 1);
        // A second failure still remembers the same good reading.
        let s = s.next(PollAction::Failed {
            error: timeout(),
            at_ms: 30.0,
        });
        assert_eq!(s.last_reading(), Some(&reading(1, 10.0)));
        assert_eq!(s.failures, 2);
    }

    #[test]
    fn recovery_clears_the_error_and_the_failure_count() {
        let s = Polled::default()
            .next(PollAction::Failed {
                error: timeout(),
                at_ms: 5.0,
            })
            .next(PollAction::Succeeded(reading(2, 9.0)));
        assert_eq!(s.error(), None);
        assert_eq!(s.failures, 0);
        assert_eq!(s.last_reading(), Some(&reading(2, 9.0)));
    }

    #[test]
    fn a_failure_before_any_reading_has_nothing_stale() {
        let s = Polled::<u8>::default().next(PollAction::Failed {
            error: timeout(),
            at_ms: 1.0,
        });
        assert_eq!(s.last_reading(), None);
    }

    #[test]
    fn backs_off_after_failures_and_caps_at_four_times() {
        assert_eq!(next_delay_ms(15_000, 0), 15_000);
        assert_eq!(next_delay_ms(15_000, 1), 30_000);
        assert_eq!(next_delay_ms(15_000, 2), 60_000);
        assert_eq!(next_delay_ms(15_000, 50), 60_000);
        assert_eq!(next_delay_ms(u32::MAX, 3), u32::MAX);
    }
}
