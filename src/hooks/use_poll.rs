//! The one polling engine every card uses.

use std::any::Any;
use std::cell::{Cell, RefCell};
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
pub struct Polling<T: ?Sized> {
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
///
/// Only this typing layer is compiled once per card: the engine beneath
/// holds every card's input and value with its type hidden.
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
    let input = input.map(|value| Input {
        value: Rc::new(value),
        same: same::<I>,
    });
    let fetch: Fetcher = Rc::new(move |input: &dyn Any| {
        let asked = input.downcast_ref::<I>().cloned().map(&fetch);
        async move {
            let reply = match asked {
                Some(asked) => asked.await?,
                None => {
                    return Err(ApiError::Network {
                        detail: String::new(),
                    })
                }
            };
            Ok(Reply {
                value: Rc::new(reply.value) as Rc<dyn Any>,
                content_language: reply.content_language,
            })
        }
        .boxed_local()
    });
    let pace: Pace =
        Rc::new(move |v: &dyn Any| v.downcast_ref::<T>().map_or(Cadence::Normal, cadence));
    let hidden = use_poll_hidden(input, every_ms, pace, same::<T>, wake, fetch);
    Polling {
        state: Rc::new(hidden.state.typed()),
        checked: hidden.checked,
    }
}

/// A card's input with its type hidden, compared as its type compares.
#[derive(Clone)]
struct Input {
    value: Rc<dyn Any>,
    same: Same,
}

impl PartialEq for Input {
    fn eq(&self, other: &Self) -> bool {
        (self.same)(&*self.value, &*other.value)
    }
}

type Same = fn(&dyn Any, &dyn Any) -> bool;
type Pace = Rc<dyn Fn(&dyn Any) -> Cadence>;
type Fetcher =
    Rc<dyn Fn(&dyn Any) -> LocalBoxFuture<'static, Result<Reply<Rc<dyn Any>>, ApiError>>>;

fn same<T: PartialEq + 'static>(a: &dyn Any, b: &dyn Any) -> bool {
    a.downcast_ref::<T>() == b.downcast_ref::<T>()
}

#[hook]
fn use_poll_hidden(
    input: Option<Input>,
    every_ms: u32,
    cadence: Pace,
    same: Same,
    wake: Option<Pulse>,
    fetch: Fetcher,
) -> Polling<dyn Any> {
    let cell = use_mut_ref(|| Rc::new(Polled::<dyn Any>::default()));
    let checked = (*use_memo((), |_| CheckedAt::default())).clone();
    let rerender = use_force_update();
    let refresh = use_context::<PollSignals>().map(|s| s.refresh);
    let running = use_mut_ref(|| None::<Running>);

    // Started while rendering, not in an effect: when a first render takes
    // more than 16 ms, yew lets the browser lay out and paint it before it
    // runs the effects, and the first request would wait for that.
    let deps = (input, every_ms);
    let started = matches!(&*running.borrow(), Some(r) if r.deps == deps);
    if !started {
        stop_running(&running);
        // A new input starts over: nothing of the old one shown, no
        // failures counted. This render shows it; no other is needed.
        if !matches!(cell.borrow().phase, Phase::Loading) {
            *cell.borrow_mut() = Rc::new(Polled::default());
        }
        checked.0.set(0.0);
        let stop = deps.0.as_ref().map(|input| {
            let cell = cell.clone();
            let apply: Apply = Rc::new(move |action| {
                let next = cell.borrow().next_by(action, same);
                if let Some(next) = next {
                    *cell.borrow_mut() = Rc::new(next);
                    rerender.force_update();
                }
                cell.borrow().clone()
            });
            let (stop, registration) = AbortHandle::new_pair();
            let check = checker(input.value.clone(), cadence, fetch, apply, checked.clone());
            let polling = poll_loop(check, every_ms, refresh, wake);
            start_now(async move {
                let _ = Abortable::new(polling, registration).await;
            });
            stop
        });
        *running.borrow_mut() = Some(Running { deps, stop });
    }
    // Unmounting stops the loop and the request under way.
    use_effect_with((), move |_| {
        move || {
            stop_running(&running);
        }
    });

    let state = cell.borrow().clone();
    Polling { state, checked }
}

/// Runs `task` at once up to its first wait, then leaves it to the
/// executor: a card's first request leaves during the card's own render,
/// not after the whole panel's first render (some 30 ms of five cards).
/// The executor polls it again straight away with a waker that wakes it,
/// and every future inside keeps the waker it was last polled with.
fn start_now(task: impl Future<Output = ()> + 'static) {
    let mut task = Box::pin(task);
    let mut now = std::task::Context::from_waker(futures::task::noop_waker_ref());
    if task.as_mut().poll(&mut now).is_pending() {
        yew::platform::spawn_local(task);
    }
}

/// The loop under way, and what it was started for.
struct Running {
    deps: (Option<Input>, u32),
    stop: Option<AbortHandle>,
}

fn stop_running(running: &RefCell<Option<Running>>) {
    let last = running.borrow_mut().take();
    if let Some(Running {
        stop: Some(stop), ..
    }) = last
    {
        stop.abort();
    }
}

type Apply = Rc<dyn Fn(PollAction<dyn Any>) -> Rc<Polled<dyn Any>>>;

/// What one check leaves for planning the next.
enum Checked {
    /// Sign-in is needed: the same input cannot succeed.
    Stop,
    Next {
        pace: Cadence,
        failures: u32,
    },
}

/// One check of a card's endpoint.
type Check = Box<dyn Fn() -> LocalBoxFuture<'static, Checked>>;

fn checker(
    input: Rc<dyn Any>,
    cadence: Pace,
    fetch: Fetcher,
    apply: Apply,
    checked: CheckedAt,
) -> Check {
    Box::new(move || {
        let (cadence, apply, checked) = (cadence.clone(), apply.clone(), checked.clone());
        let asked = fetch(&*input);
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
                    apply(PollAction::Failed(error));
                    return Checked::Stop;
                }
                Err(error) => PollAction::Failed(error),
            };
            let state = apply(action);
            let pace = match &state.phase {
                Phase::Loaded(reading) => cadence(&*reading.value),
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
