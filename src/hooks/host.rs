//! The panel's ties to its host: the host's refresh pulse, the summary it
//! hears, the sign-ins it is told about, and its token provider.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::{AbortHandle, Abortable};
use yew::prelude::*;

use crate::api::error::{ApiError, Server};
use crate::hooks::tasks::{use_task_slot, Run};
use crate::hooks::{Pulse, StatusBoard};
use crate::host::{PanelEvent, TokenProvider};
use crate::lang::Language;
use crate::state::session::{Session, SessionAction};
use crate::state::status::StatusSummary;

/// The host's event sink as it is now, for callbacks made once.
pub type Events = Rc<RefCell<Callback<PanelEvent>>>;

#[hook]
pub fn use_events(on_event: &Callback<PanelEvent>) -> Events {
    let events = use_mut_ref(Callback::<PanelEvent>::noop);
    *events.borrow_mut() = on_event.clone();
    events
}

/// Passes every fire of the host's pulse (if any) on to `to`.
#[hook]
pub fn use_relayed_pulse(from: Option<Pulse>, to: Pulse) {
    use_effect_with((from, to), |(from, to)| {
        let handle = from.clone().map(|from| {
            let to = to.clone();
            let (handle, registration) = AbortHandle::new_pair();
            yew::platform::spawn_local(async move {
                let relay = async move {
                    loop {
                        from.next().await;
                        to.fire();
                    }
                };
                let _ = Abortable::new(relay, registration).await;
            });
            handle
        });
        move || {
            if let Some(handle) = handle {
                handle.abort();
            }
        }
    });
}

/// What cards report their part of the summary to; the host hears the
/// summary whenever it changes.
#[hook]
pub fn use_status_board(events: Events) -> StatusBoard {
    (*use_memo((), move |_| {
        let summary = RefCell::new(StatusSummary::default());
        StatusBoard(Callback::from(move |part| {
            let changed = summary.borrow_mut().apply(part);
            if changed {
                let now = summary.borrow().clone();
                events.borrow().emit(PanelEvent::Status(now));
            }
        }))
    }))
    .clone()
}

/// Tells the host when a sign-in form appears for a server.
#[hook]
pub fn use_auth_required(events: Events, gklm_form: bool, cckm_form: bool) {
    use_effect_with((gklm_form, cckm_form), move |(gklm, cckm)| {
        for (shown, server) in [(gklm, Server::Gklm), (cckm, Server::Cckm)] {
            if *shown {
                events.borrow().emit(PanelEvent::AuthRequired(server));
            }
        }
    });
}

/// Asks the host's token provider (if there is one) for `server`'s
/// credential, in place of `refused`; says whether it asked. A failure is
/// told to the host and leaves the sign-in form to the person.
fn asker(
    provider: Option<TokenProvider>,
    server: Server,
    session: UseReducerDispatcher<Session>,
    run: Run,
    events: Events,
) -> Ask {
    Rc::new(move |refused: Option<String>| {
        let Some(provider) = provider.clone() else {
            return false;
        };
        let (session, events) = (session.clone(), events.clone());
        session.dispatch(SessionAction::AskingHost);
        run(Box::pin(async move {
            let detail = match provider.token(server).await {
                Ok(token) if token.trim().is_empty() => "an empty credential".to_owned(),
                Ok(token) if Some(&token) == refused.as_ref() => {
                    "the credential the server just refused".to_owned()
                }
                Ok(token) => {
                    session.dispatch(SessionAction::SignedIn(token));
                    return;
                }
                Err(detail) => detail,
            };
            let error = ApiError::TokenProvider { server, detail };
            // For the host's developers: in English, as configuration errors are.
            events
                .borrow()
                .emit(PanelEvent::Error(error.describe(Language::En)));
            session.dispatch(SessionAction::SignInFailed(error));
        }));
        true
    })
}

/// Asks the host's token provider in place of a refused credential (`None`:
/// at start); says whether there was a provider to ask.
pub type Ask = Rc<dyn Fn(Option<String>) -> bool>;

/// A server's session with its task slot and its way to ask the host's
/// provider. The credential the host gives is applied whenever it changes;
/// without one, the provider is asked, at start and for a new provider.
#[hook]
pub fn use_server_session(
    server: Server,
    configured: bool,
    given: Option<String>,
    provider: Option<TokenProvider>,
    events: Events,
) -> (UseReducerHandle<Session>, Run, Ask) {
    let session = {
        let initial = given.clone();
        use_reducer_eq(move || Session::new(initial))
    };
    let run = use_task_slot();
    let ask = asker(
        provider.clone(),
        server,
        session.dispatcher(),
        run.clone(),
        events,
    );
    let wanted = configured && given.is_none();
    {
        let session = session.dispatcher();
        use_effect_with(given, move |given| {
            if let Some(credential) = given {
                session.dispatch(SessionAction::SignedIn(credential.clone()));
            }
        });
    }
    {
        // Also when the server is configured after the provider was given:
        // the cards wait for this ask (Session::cards_wait).
        let ask = ask.clone();
        use_effect_with((provider, wanted), move |(provider, wanted)| {
            if provider.is_some() && *wanted {
                ask(None);
            }
        });
    }
    (session, run, ask)
}
