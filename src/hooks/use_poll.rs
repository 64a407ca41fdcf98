//! The one polling engine every card uses.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use futures::future::{self, AbortHandle, Abortable, FutureExt, LocalBoxFuture};
use yew::prelude::*;

use super::pulse::Pulse;
use super::visibility::{page_hidden, visibility_change};
use crate::api::error::ApiError;
use crate::api::Reply;
use crate::clock::now_ms;
use crate::state::polled::{next_delay_ms, Cadence, Phase, PollAction, Polled};

/// When the last check succeeded, shared with the age label so that a check
/// bringing the same value re-renders nothing but that label.
#[derive(Clone, Debug, Default)]
pub struct CheckedAt(Rc<Cell<f64>>);

impl CheckedAt {
    /// A moment that does not move, such as when a run was seen ending.
    pub fn fixed(at_ms: f64) -> Self {
        CheckedAt(Rc::new(Cell::new(at_ms)))
    }

    /// Milliseconds since the Unix epoch; `None` before the first success.
    pub fn get(&self) -> Option<f64> {
        let at = self.0.get();
        (at > 0.0).then_some(at)
    }
}

impl PartialEq for CheckedAt {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// What the panel gives every card's polling: pulses that mean "check now".
#[derive(Clone, Default, PartialEq)]
pub struct PollSignals {
    /// The panel's refresh control: every card.
    pub refresh: Pulse,
    /// A backup run was seen ending: the last backup's result is news.
    pub backup_ended: Pulse,
}

/// A card's polled endpoint, as rendered.
pub struct Polling<T> {
    pub state: Rc<Polled<T>>,
    pub checked: CheckedAt,
}

/// Polls `fetch(input)` now, then again after the delay the state asks for
/// ([`next_delay_ms`]): every `every_ms`, sooner while `cadence` says
/// something is under way, never again when it says nothing can change, and
/// backing off after failures.
///
/// - `input: None` pauses (no server, no sign-in yet). A new input (another
///   server, a new session) starts over with no failures counted.
/// - One request at a time: the next is only planned when the last is done.
/// - While the page is hidden nothing is asked; when it is shown again the
///   card asks at once. A panel refresh or `wake` asks at once too.
/// - "Sign-in needed" ends polling until the input changes: the same
///   credential cannot succeed.
/// - Unmounting, or a new input, aborts the request under way.
/// - A check that brings the same value re-renders nothing.
#[hook]
pub fn use_poll<I, T, F, Fut>(
    input: Option<I>,
    every_ms: u32,
    cadence: fn(&T) -> Cadence,
    wake: Option<Pulse>,
    fetch: F,
) -> Polling<T>
where
    I: PartialEq + Clone + 'static,
    T: PartialEq + 'static,
    F: Fn(I) -> Fut + 'static,
    Fut: Future<Output = Result<Reply<T>, ApiError>> + 'static,
{
    let cell = use_mut_ref(|| Rc::new(Polled::<T>::default()));
    let checked = (*use_memo((), |_| CheckedAt::default())).clone();
    let rerender = use_force_update();
    let refresh = use_context::<PollSignals>().map(|s| s.refresh);

    {
        let cell = cell.clone();
        let checked = checked.clone();
        use_effect_with((input, every_ms), move |(input, every_ms)| {
            let apply = move |action: Option<PollAction<T>>| {
                let next = match action {
                    Some(action) => cell.borrow().next(action),
                    None if cell.borrow().phase != Phase::Loading => Some(Polled::default()),
                    None => None,
                };
                if let Some(next) = next {
                    *cell.borrow_mut() = Rc::new(next);
                    rerender.force_update();
                }
                cell.borrow().clone()
            };
            apply(None);
            checked.0.set(0.0);
            let stop = input.clone().map(|input| {
                let (stop, registration) = AbortHandle::new_pair();
                let check = checker(input, cadence, Rc::new(fetch), Rc::new(apply), checked);
                let polling = poll_loop(check, *every_ms, refresh, wake);
                yew::platform::spawn_local(async move {
                    let _ = Abortable::new(polling, registration).await;
                });
                stop
            });
            move || {
                if let Some(stop) = stop {
                    stop.abort();
                }
            }
        });
    }

    let state = cell.borrow().clone();
    Polling { state, checked }
}

/// What one check leaves for planning the next.
enum Checked {
    /// Sign-in is needed: the same input cannot succeed.
    Stop,
    Next {
        pace: Cadence,
        failures: u32,
    },
}

/// One check of a card's endpoint, with the card's types hidden: only this
/// is compiled once per card, the loop around it once for all cards.
type Check = Box<dyn Fn() -> LocalBoxFuture<'static, Checked>>;

fn checker<I, T, F, Fut>(
    input: I,
    cadence: fn(&T) -> Cadence,
    fetch: Rc<F>,
    apply: Rc<impl Fn(Option<PollAction<T>>) -> Rc<Polled<T>> + 'static>,
    checked: CheckedAt,
) -> Check
where
    I: Clone + 'static,
    T: PartialEq + 'static,
    F: Fn(I) -> Fut + 'static,
    Fut: Future<Output = Result<Reply<T>, ApiError>> + 'static,
{
    Box::new(move || {
        let (fetch, apply, checked) = (fetch.clone(), apply.clone(), checked.clone());
        let asked = fetch(input.clone());
        async move {
            let action = match asked.await {
                Ok(reply) => {
                    let at_ms = now_ms();
                    checked.0.set(at_ms);
                    PollAction::Succeeded {
                        value: reply.value,
                        content_language: reply.content_language,
                        at_ms,
                    }
                }
                Err(error) if error.is_sign_in_needed() => {
                    apply(Some(PollAction::Failed(error)));
                    return Checked::Stop;
                }
                Err(error) => PollAction::Failed(error),
            };
            let state = apply(Some(action));
            let pace = match &state.phase {
                Phase::Loaded(reading) => cadence(&reading.value),
                _ => Cadence::Normal,
            };
            Checked::Next {
                pace,
                failures: state.failures,
            }
        }
        .boxed_local()
    })
}

async fn poll_loop(check: Check, every_ms: u32, refresh: Option<Pulse>, wake: Option<Pulse>) {
    loop {
        if page_hidden() {
            visibility_change().await;
            continue;
        }
        let Checked::Next { pace, failures } = check().await else {
            return;
        };
        let delay = next_delay_ms(every_ms, pace, failures, random_unit());

        let mut waits: Vec<LocalBoxFuture<'static, ()>> = vec![visibility_change().boxed_local()];
        if let Some(ms) = delay {
            waits.push(gloo_timers::future::TimeoutFuture::new(ms).boxed_local());
        }
        for pulse in [&refresh, &wake].into_iter().flatten() {
            waits.push(pulse.next().boxed_local());
        }
        future::select_all(waits).await;
    }
}

/// A number from 0 to 1 for jitter.
fn random_unit() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Math::random()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.5
    }
}
