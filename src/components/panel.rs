//! The whole panel: a refresh control, sign-in and sign-out where a server
//! asks for them, the cards the configuration names, and one live region.

use yew::prelude::*;

use crate::components::backup_activity::BackupActivity;
use crate::components::cluster::Cluster;
use crate::components::gklm_card::GklmCardProps;
use crate::components::last_backup::LastBackup;
use crate::components::notifications::Notifications;
use crate::components::restore::Restore;
use crate::components::sign_in::SignIn;
use crate::components::sync_jobs::SyncJobs;
use crate::config::{CardKind, PanelConfig};
use crate::hooks::{
    use_auth_required, use_cckm_session, use_events, use_gklm_session, use_relayed_pulse,
    use_status_board, Announcement, Announcer, PollSignals, Pulse, StatusBoard,
};
use crate::host::{PanelEvent, TokenProvider};
use crate::state::session::SessionStatus;
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

#[component]
pub fn Panel(props: &PanelProps) -> Html {
    let config = &props.config;
    let lang = config.language;
    let events = use_events(&props.on_event);
    let provider = props.token_provider.clone();
    let gklm = use_gklm_session(config, provider.clone(), events.clone());
    let cckm = use_cckm_session(config, provider, events.clone());
    let (gklm_session, cckm_session) = (&gklm.session, &cckm.session);
    let signals = use_memo((), |_| PollSignals::default());
    use_relayed_pulse(props.refresh.clone(), signals.refresh.clone());
    let board = use_status_board(events.clone());
    use_auth_required(
        events,
        gklm_session.shows_form() && config.gklm_url.is_some(),
        cckm_session.shows_form() && config.cckm_url.is_some(),
    );
    let live = use_state_eq(|| None::<Announcement>);
    let announcer = {
        let live = live.clone();
        use_memo((), move |_| {
            Announcer(Callback::from(move |a| live.set(Some(a))))
        })
    };
    let on_refresh = {
        let signals = signals.clone();
        Callback::from(move |_: MouseEvent| signals.refresh.fire())
    };

    let every_ms = config.poll_seconds.saturating_mul(1000);
    let asks_host = props.token_provider.is_some();
    let waiting = gklm_session.cards_wait(config.gklm_auth_id.is_some(), asks_host);
    let gklm_form = gklm_session.shows_form();
    let cckm_form = cckm_session.shows_form();
    let gklm_config = (!waiting)
        .then(|| config.gklm(gklm_session.credential().map(String::from)))
        .flatten();
    let cards = config.cards();
    let shows_gklm = cards.iter().any(|c| c.is_gklm());
    let signed_in =
        gklm_session.status == SessionStatus::SignedIn && gklm_session.credential().is_some();
    let cckm_waiting = cckm_session.cards_wait(config.cckm_token.is_some(), asks_host);
    let cckm_config = (!cckm_waiting)
        .then(|| config.cckm(cckm_session.credential().map(String::from)))
        .flatten();
    let shows_cckm = cards.contains(&CardKind::SyncJobs);
    let cckm_signed_in =
        cckm_session.status == SessionStatus::SignedIn && cckm_session.credential().is_some();
    let view_in_address = props.view_in_address;

    let card = |kind: CardKind| {
        let gklm_props = GklmCardProps {
            gklm: gklm_config.clone(),
            lang,
            every_ms,
            on_sign_in_needed: gklm.on_sign_in_needed.clone(),
            backup_max_age_hours: config.backup_max_age_hours,
        };
        match kind {
            CardKind::LastBackup => html! { <LastBackup key="last-backup" ..gklm_props /> },
            CardKind::BackupActivity => {
                html! { <BackupActivity key="backup-activity" ..gklm_props /> }
            }
            CardKind::Restore => html! { <Restore key="restore" ..gklm_props /> },
            CardKind::Notifications => html! { <Notifications key="notifications" ..gklm_props /> },
            CardKind::Cluster => html! { <Cluster key="cluster" ..gklm_props /> },
            CardKind::SyncJobs => html! {
                <SyncJobs key="sync-jobs" cckm={cckm_config.clone()} {lang} {every_ms}
                    on_sign_in_needed={cckm.on_sign_in_needed.clone()}
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
        <ContextProvider<StatusBoard> context={board}>
        <div class="kw-panel" lang={lang.tag()} data-kw="panel" data-theme={config.theme.key()}>
            <header class="kw-panel-head">
                <h2 class="kw-panel-title">{ Text::PanelTitle.get(lang) }</h2>
                <div class="kw-panel-actions">
                    if cckm_signed_in && shows_cckm {
                        <button type="button" class="kw-button kw-secondary" data-kw="sign-out-cckm" onclick={cckm.on_sign_out.clone()}>
                            { Text::SignOutOfCckm.get(lang) }
                        </button>
                    }
                    if signed_in && shows_gklm {
                        <button type="button" class="kw-button kw-secondary" data-kw="sign-out-gklm" onclick={gklm.on_sign_out.clone()}>
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
                    on_sign_in={gklm.on_sign_in.clone()}
                />
            }
            if shows_cckm && cckm_form {
                <SignIn
                    name="sign-in-cckm"
                    title={Text::SignInToCckm.get(lang)}
                    status={cckm_session.status.clone()}
                    user_label={Text::Username}
                    signed_out={Text::SignedOutCckm}
                    domain={AttrValue::from(config.cckm_domain.clone().unwrap_or_default())}
                    {lang}
                    on_sign_in={cckm.on_sign_in.clone()}
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
