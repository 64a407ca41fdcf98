use std::future::Future;

use futures::future::{AbortHandle, Abortable};
use yew::prelude::*;

use crate::api::error::ApiError;
use crate::api::Reply;
use crate::clock::now_ms;
use crate::state::polled::{next_delay_ms, PollAction, Polled, Reading};

/// Polls `fetch(input)` now and then every `every_ms`, backing off after
/// failures. A new `input` (another server, a new session) starts over.
/// Unmounting aborts the request under way: dropping its future aborts the
/// browser's fetch. Polling pauses on "sign-in needed" until `input` changes,
/// since asking again with the same credential cannot succeed.
#[hook]
pub fn use_poll<I, T, F, Fut>(input: I, every_ms: u32, fetch: F) -> UseReducerHandle<Polled<T>>
where
    I: PartialEq + Clone + 'static,
    T: Clone + 'static,
    F: Fn(I) -> Fut + 'static,
    Fut: Future<Output = Result<Reply<T>, ApiError>> + 'static,
{
    let state = use_reducer(Polled::<T>::default);
    let dispatcher = state.dispatcher();
    use_effect_with(input, move |input| {
        let input = input.clone();
        let (stop, registration) = AbortHandle::new_pair();
        let polling = async move {
            let mut failures = 0u32;
            loop {
                dispatcher.dispatch(PollAction::Started);
                match fetch(input.clone()).await {
                    Ok(reply) => {
                        failures = 0;
                        dispatcher.dispatch(PollAction::Succeeded(Reading {
                            value: reply.value,
                            content_language: reply.content_language,
                            at_ms: now_ms(),
                        }));
                    }
                    Err(error) => {
                        failures = failures.saturating_add(1);
                        let give_up = error.is_sign_in_needed();
                        dispatcher.dispatch(PollAction::Failed {
                            error,
                            at_ms: now_ms(),
                        });
                        if give_up {
                            break;
                        }
                    }
                }
                gloo_timers::future::TimeoutFuture::new(next_delay_ms(every_ms, failures)).await;
            }
        };
        yew::platform::spawn_local(async move {
            let _ = Abortable::new(polling, registration).await;
        });
        move || stop.abort()
    });
    state
}
