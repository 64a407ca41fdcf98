//! The whole panel: a refresh control, sign-in and sign-out where a server
//! asks for them, the cards the configuration names, and one live region.

use futures::future::{AbortHandle, Abortable};
use yew::prelude::*;

use crate::api::cckm::{self, CckmTokens};
use crate::api::error::{ApiError, Server};
use crate::api::gklm;
use crate::components::backup_activity::BackupActivity;
use crate::components::gklm_card::GklmCardProps;
use crate::components::last_backup::LastBackup;
use crate::components::notifications::Notifications;
use crate::components::restore::Restore;
use crate::components::sign_in::SignIn;
use crate::components::sync_jobs::SyncJobs;
use crate::config::{CardKind, PanelConfig};
use crate::hooks::{Announcement, Announcer, PollSignals, Pulse, StatusBoard};
use crate::host::{PanelEvent, TokenProvider};
use crate::model::jwt;
use crate::state::session::{Session, SessionAction, SessionStatus};
use crate::state::status::StatusSummary;
use crate::text::Text;

#[derive(Properties, PartialEq, Clone)]
pub struct PanelProps {
    /// Where the servers are and how the panel behaves.
    pub config: PanelConfig,
    /// Keep the sync-job view in the page's address (the standalone page).
    #[prop_or_default]
    pub view_in_address: bool,
    /// Where the panel tells its host what happened: a sign-in needed, a new
    /// summary, an error.
    #[prop_or_default]
    pub on_event: Callback<PanelEvent>,
    /// The host's source of credentials, asked before any form is shown.
    #[prop_or_default]
    pub token_provider: Option<TokenProvider>,
    /// Fired by the host to check every card now.
    #[prop_or_default]
    pub refresh: Option<Pulse>,
}

/// CipherTrust Manager's default token lifetime, for a token that does not
/// say when it expires.
const DEFAULT_TOKEN_LIFETIME_S: u64 = 300;

/// When to refresh a CipherTrust token: at four fifths of its life, and
/// not sooner than in 5 s.
pub fn refresh_after_ms(duration_s: u64) -> u32 {
    let ms = duration_s.saturating_mul(800).max(5_000);
    u32::try_from(ms).unwrap_or(u32::MAX)
}

#[component]
pub fn Panel(props: &PanelProps) -> Html {
    let config = &props.config;
    let lang = config.language;
    let gklm_session = {
        let initial = config.gklm_auth_id.clone();
        use_reducer_eq(move || Session::new(initial))
    };
    let cckm_session = {
        let initial = config.cckm_token.clone();
        use_reducer_eq(move || Session::new(initial))
    };
    // The refresh token and lifetime from the last CipherTrust sign-in, in
    // memory only; a token the host gave is used as it is.
    let cckm_tokens = use_mut_ref(|| None::<CckmTokens>);
    let cckm_task = use_mut_ref(|| None::<AbortHandle>);
    let signals = use_memo((), |_| PollSignals::default());
    // The host's refresh pulse, passed on to every card.
    use_effect_with(
        (props.refresh.clone(), signals.clone()),
        |(pulse, signals)| {
            let handle = pulse.clone().map(|pulse| {
                let refresh = signals.refresh.clone();
                let (handle, registration) = AbortHandle::new_pair();
                yew::platform::spawn_local(async move {
                    let _ = Abortable::new(
                        async move {
                            loop {
                                pulse.next().await;
                                refresh.fire();
                            }
                        },
                        registration,
                    )
                    .await;
                });
                handle
            });
            move || {
                if let Some(handle) = handle {
                    handle.abort();
                }
            }
        },
    );
    // The latest event sink, for callbacks made once.
    let events = use_mut_ref(Callback::<PanelEvent>::noop);
    *events.borrow_mut() = props.on_event.clone();
    let board = {
        let events = events.clone();
        use_memo((), move |_| {
            let summary = std::cell::RefCell::new(StatusSummary::default());
            StatusBoard(Callback::from(move |part| {
                let changed = summary.borrow_mut().apply(part);
                if changed {
                    let now = summary.borrow().clone();
                    events.borrow().emit(PanelEvent::Status(now));
                }
            }))
        })
    };
    let live = use_state_eq(|| None::<Announcement>);
    // The sign-in or sign-out under way; aborted when the panel goes away.
    let task = use_mut_ref(|| None::<AbortHandle>);
    {
        let tasks = [task.clone(), cckm_task.clone()];
        use_effect_with((), move |_| {
            move || {
                for task in tasks {
                    if let Some(task) = task.borrow_mut().take() {
                        task.abort();
                    }
                }
            }
        });
    }
    let run = runner(task.clone());
    let run_cckm = runner(cckm_task.clone());

    let announcer = {
        let live = live.clone();
        use_memo((), move |_| {
            Announcer(Callback::from(move |a| live.set(Some(a))))
        })
    };
    let provider = props.token_provider.clone();
    let ask_gklm = asker(
        provider.clone(),
        Server::Gklm,
        gklm_session.dispatcher(),
        run.clone(),
        events.clone(),
    );
    let ask_cckm = asker(
        provider.clone(),
        Server::Cckm,
        cckm_session.dispatcher(),
        run_cckm.clone(),
        events.clone(),
    );
    // At start, the host's provider is asked for what the host did not give.
    {
        let (ask_gklm, ask_cckm) = (ask_gklm.clone(), ask_cckm.clone());
        let wanted = (
            config.gklm_url.is_some() && config.gklm_auth_id.is_none(),
            config.cckm_url.is_some() && config.cckm_token.is_none(),
        );
        use_effect_with(provider.clone(), move |provider| {
            if provider.is_some() {
                if wanted.0 {
                    ask_gklm(None);
                }
                if wanted.1 {
                    ask_cckm(None);
                }
            }
        });
    }
    // A credential the host changes applies at once.
    {
        let (gklm, cckm) = (gklm_session.dispatcher(), cckm_session.dispatcher());
        use_effect_with(
            (config.gklm_auth_id.clone(), config.cckm_token.clone()),
            move |(gklm_auth_id, cckm_token)| {
                if let Some(id) = gklm_auth_id {
                    gklm.dispatch(SessionAction::SignedIn(id.clone()));
                }
                if let Some(token) = cckm_token {
                    cckm.dispatch(SessionAction::SignedIn(token.clone()));
                }
            },
        );
    }
    // The credential the provider was last asked to replace: the cards are
    // refused together, and one answer serves them all.
    let gklm_asked_for = use_mut_ref(|| None::<Option<String>>);
    let on_gklm_sign_in_needed = {
        let ask = ask_gklm.clone();
        use_callback(
            (gklm_session.dispatcher(), provider.is_some()),
            move |(credential, error): (Option<String>, ApiError), (session, has_provider)| {
                if *has_provider {
                    let again = gklm_asked_for.borrow().as_ref() == Some(&credential);
                    if !again {
                        *gklm_asked_for.borrow_mut() = Some(credential.clone());
                        ask(credential);
                        return;
                    }
                }
                session.dispatch(SessionAction::Rejected { credential, error })
            },
        )
    };
    // The GKLM session this panel signed in for (not one the host gave).
    let own_gklm = use_mut_ref(|| None::<crate::api::GklmConfig>);
    {
        let mut own = own_gklm.borrow_mut();
        if own.as_ref().and_then(|c| c.auth_id.as_deref()) != gklm_session.credential() {
            *own = None;
        }
    }
    let on_gklm_sign_in = {
        let run = run.clone();
        let own = own_gklm.clone();
        use_callback(
            (gklm_session.dispatcher(), config.gklm(None)),
            move |(user, password): (String, String), (session, cfg)| {
                let Some(cfg) = cfg.clone() else { return };
                let (session, own) = (session.clone(), own.clone());
                session.dispatch(SessionAction::SignInStarted);
                run(Box::pin(async move {
                    session.dispatch(match gklm::login(&cfg, &user, &password).await {
                        Ok(auth_id) => {
                            *own.borrow_mut() = Some(crate::api::GklmConfig {
                                auth_id: Some(auth_id.clone()),
                                ..cfg
                            });
                            SessionAction::SignedIn(auth_id)
                        }
                        Err(error) => SessionAction::SignInFailed(error),
                    });
                }));
            },
        )
    };
    let on_gklm_sign_out = {
        let held = config.gklm(gklm_session.credential().map(String::from));
        let session = gklm_session.dispatcher();
        Callback::from(move |_: MouseEvent| {
            session.dispatch(SessionAction::SignOut);
            if let Some(cfg) = held.clone() {
                // The session is forgotten at once; the server is told after.
                run(Box::pin(async move {
                    let _ = gklm::logout(&cfg).await;
                }));
            }
        })
    };
    let refresh_cckm = {
        let (tokens, session, run) = (
            cckm_tokens.clone(),
            cckm_session.dispatcher(),
            run_cckm.clone(),
        );
        let cfg = config.cckm(None);
        move || -> bool {
            let refresh_token = tokens
                .borrow()
                .as_ref()
                .and_then(|t| t.refresh_token.clone());
            let (Some(refresh_token), Some(cfg)) = (refresh_token, cfg.clone()) else {
                return false;
            };
            let (tokens, session) = (tokens.clone(), session.clone());
            run(Box::pin(async move {
                match cckm::refresh(&cfg, &refresh_token).await {
                    Ok(fresh) => {
                        let jwt = fresh.jwt.clone();
                        let kept = fresh.refresh_token.clone().or(Some(refresh_token));
                        *tokens.borrow_mut() = Some(CckmTokens {
                            refresh_token: kept,
                            ..fresh
                        });
                        session.dispatch(SessionAction::SignedIn(jwt));
                    }
                    Err(error) => {
                        *tokens.borrow_mut() = None;
                        session.dispatch(SessionAction::SignInFailed(error));
                    }
                }
            }));
            true
        }
    };
    // Before the token expires, a fresh one: from CipherTrust for a token the
    // panel signed in for, from the host's provider for one it gave.
    {
        let refresh = refresh_cckm.clone();
        let ask = ask_cckm.clone();
        let own = cckm_tokens.borrow().as_ref().and_then(|t| t.duration_s);
        let credential = cckm_session.credential().map(String::from);
        let from_host = provider.is_some() && own.is_none();
        let lifetime = own.or_else(|| {
            let token = credential.as_deref().filter(|_| from_host)?;
            let now_s = crate::clock::now_ms() / 1000.0;
            Some(jwt::lifetime_s(token, now_s).unwrap_or(DEFAULT_TOKEN_LIFETIME_S))
        });
        use_effect_with((credential, lifetime), move |(credential, lifetime)| {
            let timer = match (credential.clone(), lifetime) {
                (Some(credential), Some(lifetime)) => Some(gloo_timers::callback::Timeout::new(
                    refresh_after_ms(*lifetime),
                    move || {
                        if from_host {
                            ask(Some(credential));
                        } else {
                            refresh();
                        }
                    },
                )),
                _ => None,
            };
            move || drop(timer)
        });
    }
    // The token a refresh is under way for: the list and its counts are
    // refused together, and one refresh answers both.
    let refreshing_for = use_mut_ref(|| None::<Option<String>>);
    let on_cckm_sign_in_needed = {
        let refresh = refresh_cckm.clone();
        let ask = ask_cckm.clone();
        use_callback(
            (cckm_session.clone(), provider.is_some()),
            move |(credential, error): (Option<String>, ApiError), (session, has_provider)| {
                let current = credential.as_deref() == session.credential();
                if current && refreshing_for.borrow().as_ref() == Some(&credential) {
                    return;
                }
                // A refused token is refreshed first, when it can be; else
                // the host's provider is asked once for this token.
                if current && credential.is_some() && refresh() {
                    *refreshing_for.borrow_mut() = Some(credential);
                } else if current && *has_provider {
                    *refreshing_for.borrow_mut() = Some(credential.clone());
                    ask(credential);
                } else {
                    session.dispatch(SessionAction::Rejected { credential, error });
                }
            },
        )
    };
    let on_cckm_sign_in = {
        let (tokens, run) = (cckm_tokens.clone(), run_cckm.clone());
        use_callback(
            (cckm_session.dispatcher(), config.cckm(None)),
            move |(user, password): (String, String), (session, cfg)| {
                let Some(cfg) = cfg.clone() else { return };
                let (session, tokens) = (session.clone(), tokens.clone());
                session.dispatch(SessionAction::SignInStarted);
                run(Box::pin(async move {
                    match cckm::sign_in(&cfg, &user, &password).await {
                        Ok(fresh) => {
                            let jwt = fresh.jwt.clone();
                            *tokens.borrow_mut() = Some(fresh);
                            session.dispatch(SessionAction::SignedIn(jwt));
                        }
                        Err(error) => session.dispatch(SessionAction::SignInFailed(error)),
                    }
                }));
            },
        )
    };
    let on_cckm_sign_out = {
        let (tokens, session) = (cckm_tokens.clone(), cckm_session.dispatcher());
        Callback::from(move |_: MouseEvent| {
            *tokens.borrow_mut() = None;
            session.dispatch(SessionAction::SignOut);
        })
    };
    let on_refresh = {
        let signals = signals.clone();
        Callback::from(move |_: MouseEvent| signals.refresh.fire())
    };

    // The host hears when a form asks the person to sign in.
    {
        let events = events.clone();
        let wants = (
            gklm_session.shows_form() && config.gklm_url.is_some(),
            cckm_session.shows_form() && config.cckm_url.is_some(),
        );
        use_effect_with(wants, move |(gklm, cckm)| {
            for (wanted, server) in [(gklm, Server::Gklm), (cckm, Server::Cckm)] {
                if *wanted {
                    events.borrow().emit(PanelEvent::AuthRequired(server));
                }
            }
        });
    }
    // A GKLM session the panel signed in for is ended when the panel goes.
    {
        let own_gklm = own_gklm.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(cfg) = own_gklm.borrow_mut().take() {
                    yew::platform::spawn_local(async move {
                        let _ = gklm::logout(&cfg).await;
                    });
                }
            }
        });
    }

    let every_ms = config.poll_seconds.saturating_mul(1000);
    let waiting = gklm_session.needs_sign_in();
    let gklm_form = gklm_session.shows_form();
    let cckm_form = cckm_session.shows_form();
    let gklm = (!waiting)
        .then(|| config.gklm(gklm_session.credential().map(String::from)))
        .flatten();
    let cards = config.cards();
    let shows_gklm = cards.iter().any(|c| c.is_gklm());
    let signed_in =
        gklm_session.status == SessionStatus::SignedIn && gklm_session.credential().is_some();
    let cckm_waiting = cckm_session.needs_sign_in();
    let cckm = (!cckm_waiting)
        .then(|| config.cckm(cckm_session.credential().map(String::from)))
        .flatten();
    let shows_cckm = cards.contains(&CardKind::SyncJobs);
    let cckm_signed_in =
        cckm_session.status == SessionStatus::SignedIn && cckm_session.credential().is_some();
    let view_in_address = props.view_in_address;

    let card = |kind: CardKind| {
        let gklm_props = GklmCardProps {
            gklm: gklm.clone(),
            lang,
            every_ms,
            on_sign_in_needed: on_gklm_sign_in_needed.clone(),
        };
        match kind {
            CardKind::LastBackup => html! { <LastBackup key="last-backup" ..gklm_props /> },
            CardKind::BackupActivity => {
                html! { <BackupActivity key="backup-activity" ..gklm_props /> }
            }
            CardKind::Restore => html! { <Restore key="restore" ..gklm_props /> },
            CardKind::Notifications => html! { <Notifications key="notifications" ..gklm_props /> },
            CardKind::SyncJobs => html! {
                <SyncJobs key="sync-jobs" cckm={cckm.clone()} {lang} {every_ms}
                    on_sign_in_needed={on_cckm_sign_in_needed.clone()}
                    {view_in_address} />
            },
        }
    };
    let (polite, assertive) = match &*live {
        Some(a) if a.urgent => (String::new(), a.text.clone()),
        Some(a) => (a.text.clone(), String::new()),
        None => (String::new(), String::new()),
    };

    html! {
        <ContextProvider<PollSignals> context={(*signals).clone()}>
        <ContextProvider<Announcer> context={(*announcer).clone()}>
        <ContextProvider<StatusBoard> context={(*board).clone()}>
        <div class="kw-panel" lang={lang.tag()} data-kw="panel" data-theme={config.theme.key()}>
            <header class="kw-panel-head">
                <h2 class="kw-panel-title">{ Text::PanelTitle.get(lang) }</h2>
                <div class="kw-panel-actions">
                    if cckm_signed_in && shows_cckm {
                        <button type="button" class="kw-button kw-secondary" data-kw="sign-out-cckm" onclick={on_cckm_sign_out}>
                            { Text::SignOutOfCckm.get(lang) }
                        </button>
                    }
                    if signed_in && shows_gklm {
                        <button type="button" class="kw-button kw-secondary" data-kw="sign-out-gklm" onclick={on_gklm_sign_out}>
                            { Text::SignOutOfGklm.get(lang) }
                        </button>
                    }
                    <button type="button" class="kw-button" data-kw="refresh" onclick={on_refresh}>
                        <span class="kw-icon" aria-hidden="true">{ "↻" }</span>
                        { Text::RefreshAll.get(lang) }
                    </button>
                </div>
            </header>
            <div class="kw-visually-hidden" aria-live="polite" data-kw="live">{ polite }</div>
            <div class="kw-visually-hidden" aria-live="assertive" data-kw="live-urgent">{ assertive }</div>
            if shows_gklm && gklm_form {
                <SignIn
                    title={Text::SignInToGklm.get(lang)}
                    status={gklm_session.status.clone()}
                    {lang}
                    on_sign_in={on_gklm_sign_in}
                />
            }
            if shows_cckm && cckm_form {
                <SignIn
                    name="sign-in-cckm"
                    title={Text::SignInToCckm.get(lang)}
                    status={cckm_session.status.clone()}
                    user_label={Text::Username}
                    signed_out={Text::SignedOutCckm}
                    {lang}
                    on_sign_in={on_cckm_sign_in}
                />
            }
            if cards.is_empty() {
                <p class="kw-muted">{ Text::NoCardsConfigured.get(lang) }</p>
            }
            <div class="kw-cards">
                { for cards.into_iter().map(card) }
            </div>
        </div>
        </ContextProvider<StatusBoard>>
        </ContextProvider<Announcer>>
        </ContextProvider<PollSignals>>
    }
}

type Task = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;
type Slot<T> = std::rc::Rc<std::cell::RefCell<T>>;

/// Asks the host's token provider (if there is one) for `server`'s
/// credential, in place of `refused`; says whether it asked.
fn asker(
    provider: Option<TokenProvider>,
    server: Server,
    session: UseReducerDispatcher<Session>,
    run: impl Fn(Task) + Clone + 'static,
    events: Slot<Callback<PanelEvent>>,
) -> impl Fn(Option<String>) -> bool + Clone {
    move |refused: Option<String>| {
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
            let said = error.describe(crate::lang::Language::En);
            events.borrow().emit(PanelEvent::Error(said));
            session.dispatch(SessionAction::SignInFailed(error));
        }));
        true
    }
}

/// Runs one task at a time in `slot`: a new one aborts the one before, and
/// the panel aborts the last when it goes away.
fn runner(slot: std::rc::Rc<std::cell::RefCell<Option<AbortHandle>>>) -> impl Fn(Task) + Clone {
    move |work: Task| {
        let (handle, registration) = AbortHandle::new_pair();
        if let Some(previous) = slot.borrow_mut().replace(handle) {
            previous.abort();
        }
        yew::platform::spawn_local(async move {
            let _ = Abortable::new(work, registration).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::refresh_after_ms;

    #[test]
    fn tokens_are_refreshed_at_four_fifths_of_their_life() {
        assert_eq!(refresh_after_ms(300), 240_000);
        assert_eq!(refresh_after_ms(1), 5_000, "never in a rush");
        assert_eq!(refresh_after_ms(u64::MAX), u32::MAX);
    }
}
