//! The whole panel: sign-in where a server asks for it, and the cards.

use yew::prelude::*;

use crate::api::error::ApiError;
use crate::api::gklm;
use crate::components::last_backup::LastBackup;
use crate::components::sign_in::SignIn;
use crate::config::PanelConfig;
use crate::state::session::{Session, SessionAction};
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
        use_reducer(move || Session::new(initial))
    };

    let on_gklm_sign_in_needed = {
        let session = gklm_session.dispatcher();
        Callback::from(move |(credential, error): (Option<String>, ApiError)| {
            session.dispatch(SessionAction::Rejected { credential, error })
        })
    };
    let on_gklm_sign_in = {
        let session = gklm_session.dispatcher();
        let cfg = config.gklm(None);
        Callback::from(move |(user, password): (String, String)| {
            let Some(cfg) = cfg.clone() else { return };
            let session = session.clone();
            session.dispatch(SessionAction::SignInStarted);
            yew::platform::spawn_local(async move {
                session.dispatch(match gklm::login(&cfg, &user, &password).await {
                    Ok(auth_id) => SessionAction::SignedIn(auth_id),
                    Err(error) => SessionAction::SignInFailed(error),
                });
            });
        })
    };

    let every_ms = config.poll_seconds.saturating_mul(1000);
    let gklm = config.gklm(gklm_session.credential().map(String::from));
    html! {
        <div class="kw-panel" lang={lang.tag()} data-kw="panel">
            <header class="kw-panel-head">
                <h2 class="kw-panel-title">{ Text::PanelTitle.get(lang) }</h2>
            </header>
            if let Some(gklm) = gklm {
                if gklm_session.needs_sign_in() {
                    <SignIn
                        title={Text::SignInToGklm.get(lang)}
                        status={gklm_session.status.clone()}
                        {lang}
                        on_sign_in={on_gklm_sign_in}
                    />
                }
                <div class="kw-cards">
                    <LastBackup {gklm} {every_ms} on_sign_in_needed={on_gklm_sign_in_needed} />
                </div>
            }
        </div>
    }
}
