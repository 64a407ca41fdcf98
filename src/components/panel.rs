//! The whole panel: a refresh control, sign-in and sign-out where a server
//! asks for them, the cards the configuration names, and one live region.

use futures::future::{AbortHandle, Abortable};
use yew::prelude::*;

use crate::api::error::ApiError;
use crate::api::gklm;
use crate::components::backup_activity::BackupActivity;
use crate::components::gklm_card::GklmCardProps;
use crate::components::last_backup::LastBackup;
use crate::components::notifications::Notifications;
use crate::components::restore::Restore;
use crate::components::sign_in::SignIn;
use crate::config::{CardKind, PanelConfig};
use crate::hooks::{Announcement, Announcer, PollSignals};
use crate::state::session::{Session, SessionAction, SessionStatus};
use crate::text::Text;

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    /// Where the servers are and how the panel behaves.
    pub config: PanelConfig,
}

#[component]
pub fn Panel(props: &PanelProps) -> Html {
    let config = &props.config;
    let lang = config.language;
    let gklm_session = {
        let initial = config.gklm_auth_id.clone();
        use_reducer_eq(move || Session::new(initial))
    };
    let signals = use_memo((), |_| PollSignals::default());
    let live = use_state_eq(|| None::<Announcement>);
    // The sign-in or sign-out under way; aborted when the panel goes away.
    let task = use_mut_ref(|| None::<AbortHandle>);
    {
        let task = task.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(task) = task.borrow_mut().take() {
                    task.abort();
                }
            }
        });
    }
    let run = {
        let task = task.clone();
        move |work: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>| {
            let (handle, registration) = AbortHandle::new_pair();
            if let Some(previous) = task.borrow_mut().replace(handle) {
                previous.abort();
            }
            yew::platform::spawn_local(async move {
                let _ = Abortable::new(work, registration).await;
            });
        }
    };

    let announcer = {
        let live = live.clone();
        use_memo((), move |_| {
            Announcer(Callback::from(move |a| live.set(Some(a))))
        })
    };
    let on_gklm_sign_in_needed = use_callback(
        gklm_session.dispatcher(),
        |(credential, error): (Option<String>, ApiError), session| {
            session.dispatch(SessionAction::Rejected { credential, error })
        },
    );
    let on_gklm_sign_in = {
        let run = run.clone();
        use_callback(
            (gklm_session.dispatcher(), config.gklm(None)),
            move |(user, password): (String, String), (session, cfg)| {
                let Some(cfg) = cfg.clone() else { return };
                let session = session.clone();
                session.dispatch(SessionAction::SignInStarted);
                run(Box::pin(async move {
                    session.dispatch(match gklm::login(&cfg, &user, &password).await {
                        Ok(auth_id) => SessionAction::SignedIn(auth_id),
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
    let on_refresh = {
        let signals = signals.clone();
        Callback::from(move |_: MouseEvent| signals.refresh.fire())
    };

    let every_ms = config.poll_seconds.saturating_mul(1000);
    let waiting = gklm_session.needs_sign_in();
    let gklm = (!waiting)
        .then(|| config.gklm(gklm_session.credential().map(String::from)))
        .flatten();
    let cards = config.cards();
    let shows_gklm = cards.iter().any(|c| c.is_gklm());
    let signed_in =
        gklm_session.status == SessionStatus::SignedIn && gklm_session.credential().is_some();

    let card = |kind: CardKind| {
        let props = GklmCardProps {
            gklm: gklm.clone(),
            lang,
            every_ms,
            on_sign_in_needed: on_gklm_sign_in_needed.clone(),
        };
        match kind {
            CardKind::LastBackup => html! { <LastBackup key="last-backup" ..props /> },
            CardKind::BackupActivity => html! { <BackupActivity key="backup-activity" ..props /> },
            CardKind::Restore => html! { <Restore key="restore" ..props /> },
            CardKind::Notifications => html! { <Notifications key="notifications" ..props /> },
            CardKind::SyncJobs => html! {
                <section key="sync-jobs" class="kw-card" data-kw="sync-jobs" data-state="unavailable">
                    <p class="kw-muted">{ Text::SyncJobsPending.get(lang) }</p>
                </section>
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
        <div class="kw-panel" lang={lang.tag()} data-kw="panel" data-theme={config.theme.key()}>
            <header class="kw-panel-head">
                <h2 class="kw-panel-title">{ Text::PanelTitle.get(lang) }</h2>
                <div class="kw-panel-actions">
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
            if shows_gklm && waiting {
                <SignIn
                    title={Text::SignInToGklm.get(lang)}
                    status={gklm_session.status.clone()}
                    {lang}
                    on_sign_in={on_gklm_sign_in}
                />
            }
            if cards.is_empty() {
                <p class="kw-muted">{ Text::NoCardsConfigured.get(lang) }</p>
            }
            <div class="kw-cards">
                { for cards.into_iter().map(card) }
            </div>
        </div>
        </ContextProvider<Announcer>>
        </ContextProvider<PollSignals>>
    }
}
