//! What a card knows about one polled endpoint: first load, a reading, or a
//! failure that keeps the last good reading visible as stale; and when to
//! ask next. One failure counter, here, for the card and for the schedule.

use std::any::Any;
use std::rc::Rc;

use crate::api::error::ApiError;

/// One value as the panel saw it.
#[derive(Debug, PartialEq)]
pub struct Reading<T: ?Sized> {
    pub value: Rc<T>,
    /// The server's `Content-Language`, so its text is marked up as such.
    pub content_language: Option<String>,
    /// When the panel first saw this value (ms since the Unix epoch). A
    /// later check that brings the same value leaves it, and the card, alone.
    pub since_ms: f64,
}

// Cloning a reading shares its value.
impl<T: ?Sized> Clone for Reading<T> {
    fn clone(&self) -> Self {
        Self {
            value: self.value.clone(),
            content_language: self.content_language.clone(),
            since_ms: self.since_ms,
        }
    }
}

#[derive(Debug, PartialEq)]
pub enum Phase<T: ?Sized> {
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
pub struct Polled<T: ?Sized> {
    pub phase: Phase<T>,
    /// The value before the current one, when it changed: a restore's
    /// previous phase, a backup that was running.
    pub prior: Option<Rc<T>>,
    /// Failures in a row: for backing off and for saying "still failing".
    pub failures: u32,
}

impl<T: ?Sized> Default for Polled<T> {
    fn default() -> Self {
        Self {
            phase: Phase::Loading,
            prior: None,
            failures: 0,
        }
    }
}

pub enum PollAction<T: ?Sized> {
    Succeeded {
        value: Rc<T>,
        content_language: Option<String>,
        at_ms: f64,
    },
    Failed(ApiError),
}

impl<T: PartialEq> Polled<T> {
    /// The state after `action`; `None` when nothing a person could see
    /// changed (the same value again), so nothing is rendered.
    pub fn next(&self, action: PollAction<T>) -> Option<Self> {
        self.next_by(action, T::eq)
    }
}

impl<T: ?Sized> Polled<T> {
    /// [`Polled::next`], with values compared by `same`: the polling
    /// engine holds every card's value with its type hidden.
    pub fn next_by(&self, action: PollAction<T>, same: impl Fn(&T, &T) -> bool) -> Option<Self> {
        match action {
            PollAction::Succeeded {
                value,
                content_language,
                at_ms,
            } => {
                let last = self.last_reading();
                let same = last.is_some_and(|r| {
                    same(&r.value, &value) && r.content_language == content_language
                });
                if same && self.failures == 0 {
                    return None;
                }
                let reading = match last {
                    Some(r) if same => r.clone(),
                    _ => Reading {
                        value,
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

impl Polled<dyn Any> {
    /// The same state with its value's type named again: the engine holds
    /// `T`, so a value that is not one cannot be there (it would read as
    /// loading).
    pub fn typed<T: 'static>(&self) -> Polled<T> {
        let value = |v: &Rc<dyn Any>| v.clone().downcast::<T>().ok();
        let reading = |r: &Reading<dyn Any>| {
            value(&r.value).map(|value| Reading {
                value,
                content_language: r.content_language.clone(),
                since_ms: r.since_ms,
            })
        };
        let phase = match &self.phase {
            Phase::Loading => Phase::Loading,
            Phase::Loaded(r) => reading(r).map_or(Phase::Loading, Phase::Loaded),
            Phase::Failed { error, stale } => Phase::Failed {
                error: error.clone(),
                stale: stale.as_ref().and_then(reading),
            },
        };
        Polled {
            phase,
            prior: self.prior.as_ref().and_then(value),
            failures: self.failures,
        }
    }
}

pub use keywatch_core::schedule::{next_delay_ms, Cadence, BACKOFF_CAP_MS, FAST_MS};

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(v: u8, at: f64) -> PollAction<u8> {
        PollAction::Succeeded {
            value: Rc::new(v),
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
            value: Rc::new(1),
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
    fn the_engine_s_hidden_type_comes_back_as_it_went_in() {
        let same = |a: &dyn Any, b: &dyn Any| a.downcast_ref::<u8>() == b.downcast_ref::<u8>();
        let hidden = |v: u8| PollAction::<dyn Any>::Succeeded {
            value: Rc::new(v),
            content_language: None,
            at_ms: 1.0,
        };
        let s = Polled::<dyn Any>::default()
            .next_by(hidden(2), same)
            .and_then(|s| s.next_by(hidden(7), same))
            .unwrap();
        assert!(s.next_by(hidden(7), same).is_none(), "the same value");
        let failed = s.next_by(PollAction::Failed(timeout()), same).unwrap();
        let typed = failed.typed::<u8>();
        assert_eq!(value(&typed), Some(7));
        assert_eq!(typed.prior.as_deref(), Some(&2));
        assert_eq!((typed.error(), typed.failures), (Some(&timeout()), 1));
        assert_eq!(s.typed::<u16>().phase, Phase::Loading, "not the type held");
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
}
