//! What a card knows about one polled endpoint: first load, a reading, or a
//! failure that keeps the last good reading visible as stale; and when to
//! ask next. One failure counter, here, for the card and for the schedule.

use std::rc::Rc;

use crate::api::error::ApiError;

/// One value as the panel saw it.
#[derive(Debug, PartialEq)]
pub struct Reading<T> {
    pub value: Rc<T>,
    /// The server's `Content-Language`, so its text is marked up as such.
    pub content_language: Option<String>,
    /// When the panel first saw this value (ms since the Unix epoch). A
    /// later check that brings the same value leaves it, and the card, alone.
    pub since_ms: f64,
}

// Cloning a reading shares its value.
impl<T> Clone for Reading<T> {
    fn clone(&self) -> Self {
        Self {
            value: self.value.clone(),
            content_language: self.content_language.clone(),
            since_ms: self.since_ms,
        }
    }
}

#[derive(Debug, PartialEq)]
pub enum Phase<T> {
    /// Nothing has come back yet.
    Loading,
    Loaded(Reading<T>),
    Failed {
        error: ApiError,
        /// The last good reading, shown as stale beside the error.
        stale: Option<Reading<T>>,
    },
}

#[derive(Debug, PartialEq)]
pub struct Polled<T> {
    pub phase: Phase<T>,
    /// The value before the current one, when it changed: a restore's
    /// previous phase, a backup that was running.
    pub prior: Option<Rc<T>>,
    /// Failures in a row: for backing off and for saying "still failing".
    pub failures: u32,
}

impl<T> Default for Polled<T> {
    fn default() -> Self {
        Self {
            phase: Phase::Loading,
            prior: None,
            failures: 0,
        }
    }
}

pub enum PollAction<T> {
    Succeeded {
        value: T,
        content_language: Option<String>,
        at_ms: f64,
    },
    Failed(ApiError),
}

impl<T: PartialEq> Polled<T> {
    /// The state after `action`; `None` when nothing a person could see
    /// changed (the same value again), so nothing is rendered.
    pub fn next(&self, action: PollAction<T>) -> Option<Self> {
        match action {
            PollAction::Succeeded {
                value,
                content_language,
                at_ms,
            } => {
                let last = self.last_reading();
                let same = last
                    .is_some_and(|r| *r.value == value && r.content_language == content_language);
                if same && self.failures == 0 {
                    return None;
                }
                let reading = match last {
                    Some(r) if same => r.clone(),
                    _ => Reading {
                        value: Rc::new(value),
                        content_language,
                        since_ms: at_ms,
                    },
                };
                let prior = match last {
                    Some(r) if !Rc::ptr_eq(&r.value, &reading.value) => Some(r.value.clone()),
                    _ => self.prior.clone(),
                };
                Some(Self {
                    phase: Phase::Loaded(reading),
                    prior,
                    failures: 0,
                })
            }
            PollAction::Failed(error) => Some(Self {
                phase: Phase::Failed {
                    error,
                    stale: self.last_reading().cloned(),
                },
                prior: self.prior.clone(),
                failures: self.failures.saturating_add(1),
            }),
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

/// How soon a card wants to look again, given what it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// Every `pollSeconds`.
    Normal,
    /// Something is under way: every [`FAST_MS`] (or sooner, if the base
    /// interval is shorter).
    Fast,
    /// Nothing more can change: only a refresh asks again.
    Stop,
}

/// The interval while something is in progress.
pub const FAST_MS: u32 = 5_000;
/// Back-off never waits longer than this, unless the base interval is longer.
pub const BACKOFF_CAP_MS: u32 = 5 * 60_000;

/// How long to wait before the next check. After failures the wait doubles
/// each time from the base interval, up to [`BACKOFF_CAP_MS`], spread by
/// ±20 % with `jitter` (0 to 1) so that many panels do not retry in step.
/// `None`: wait for a refresh.
pub fn next_delay_ms(base_ms: u32, cadence: Cadence, failures: u32, jitter: f64) -> Option<u32> {
    if failures == 0 {
        return match cadence {
            Cadence::Normal => Some(base_ms),
            Cadence::Fast => Some(base_ms.min(FAST_MS)),
            Cadence::Stop => None,
        };
    }
    let doubled = u64::from(base_ms) << failures.min(20);
    let cap = u64::from(BACKOFF_CAP_MS.max(base_ms));
    let nominal = doubled.min(cap) as f64;
    let spread = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    Some((nominal * spread).round().clamp(1.0, f64::from(u32::MAX)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(v: u8, at: f64) -> PollAction<u8> {
        PollAction::Succeeded {
            value: v,
            content_language: Some("en".into()),
            at_ms: at,
        }
    }

    fn timeout() -> ApiError {
        ApiError::Timeout { after_ms: 10_000 }
    }

    fn apply(s: Polled<u8>, action: PollAction<u8>) -> Polled<u8> {
        s.next(action).unwrap_or(s)
    }

    fn value(s: &Polled<u8>) -> Option<u8> {
        s.last_reading().map(|r| *r.value)
    }

    #[test]
    fn first_load_then_a_reading() {
        let s = Polled::<u8>::default();
        assert_eq!(s.phase, Phase::Loading);
        let s = apply(s, ok(1, 10.0));
        assert_eq!(value(&s), Some(1));
        assert_eq!(s.last_reading().map(|r| r.since_ms), Some(10.0));
        assert_eq!(s.prior, None);
    }

    #[test]
    fn the_same_value_again_changes_nothing_to_render() {
        let s = apply(Polled::default(), ok(1, 10.0));
        assert_eq!(s.next(ok(1, 20.0)), None);
        // Another language is news, though the value is the same.
        let other_language = PollAction::Succeeded {
            value: 1,
            content_language: Some("de".into()),
            at_ms: 30.0,
        };
        assert!(s.next(other_language).is_some());
    }

    #[test]
    fn a_new_value_remembers_the_one_before() {
        let s = apply(apply(Polled::default(), ok(2, 10.0)), ok(5, 20.0));
        assert_eq!(value(&s), Some(5));
        assert_eq!(s.prior.as_deref(), Some(&2));
        assert_eq!(s.last_reading().map(|r| r.since_ms), Some(20.0));
        // A failure and a recovery to the same value keep both.
        let s = apply(apply(s, PollAction::Failed(timeout())), ok(5, 40.0));
        assert_eq!(s.prior.as_deref(), Some(&2));
        assert_eq!(s.last_reading().map(|r| r.since_ms), Some(20.0));
    }

    #[test]
    fn a_failure_keeps_the_last_good_reading_as_stale() {
        let s = apply(
            apply(Polled::default(), ok(1, 10.0)),
            PollAction::Failed(timeout()),
        );
        assert_eq!(s.error(), Some(&timeout()));
        assert_eq!(value(&s), Some(1));
        assert_eq!(s.failures, 1);
        let s = apply(s, PollAction::Failed(timeout()));
        assert_eq!(value(&s), Some(1));
        assert_eq!(s.failures, 2);
    }

    #[test]
    fn recovery_clears_the_error_and_the_failure_count() {
        let s = apply(Polled::default(), PollAction::Failed(timeout()));
        assert_eq!(s.last_reading(), None);
        let s = apply(s, ok(2, 9.0));
        assert_eq!(s.error(), None);
        assert_eq!(s.failures, 0);
        assert_eq!(value(&s), Some(2));
    }

    #[test]
    fn recovery_to_the_same_value_is_rendered() {
        let s = apply(
            apply(Polled::default(), ok(1, 1.0)),
            PollAction::Failed(timeout()),
        );
        let recovered = s.next(ok(1, 2.0));
        assert!(recovered.is_some_and(|r| r.error().is_none() && r.failures == 0));
    }

    #[test]
    fn cadence_sets_the_interval_while_all_is_well() {
        assert_eq!(next_delay_ms(15_000, Cadence::Normal, 0, 0.3), Some(15_000));
        assert_eq!(next_delay_ms(15_000, Cadence::Fast, 0, 0.3), Some(5_000));
        assert_eq!(next_delay_ms(2_000, Cadence::Fast, 0, 0.3), Some(2_000));
        assert_eq!(next_delay_ms(15_000, Cadence::Stop, 0, 0.3), None);
    }

    #[test]
    fn backs_off_exponentially_with_jitter_up_to_a_cap() {
        let mid = |failures| next_delay_ms(15_000, Cadence::Normal, failures, 0.5);
        assert_eq!(mid(1), Some(30_000));
        assert_eq!(mid(2), Some(60_000));
        assert_eq!(mid(3), Some(120_000));
        assert_eq!(mid(5), Some(BACKOFF_CAP_MS));
        assert_eq!(mid(500), Some(BACKOFF_CAP_MS));
        // A failing card asks again even when it had nothing more to wait for.
        assert_eq!(next_delay_ms(15_000, Cadence::Stop, 1, 0.5), Some(30_000));
        // Jitter spreads retries by ±20 %.
        assert_eq!(next_delay_ms(15_000, Cadence::Normal, 1, 0.0), Some(24_000));
        assert_eq!(next_delay_ms(15_000, Cadence::Normal, 1, 1.0), Some(36_000));
        // Never sooner than the base interval's cap allows for a long base.
        assert_eq!(
            next_delay_ms(3_600_000, Cadence::Normal, 3, 0.5),
            Some(3_600_000)
        );
    }
}
