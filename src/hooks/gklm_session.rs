//! The GKLM session: the host's, the token provider's, or one the person
//! signs in for through the form (ended on the server when the panel goes).

use yew::prelude::*;

use crate::api::error::{ApiError, Server};
use crate::api::{gklm, Fetch, GklmConfig};
use crate::config::PanelConfig;
use crate::hooks::host::{use_server_session, Events};
use crate::host::TokenProvider;
use crate::state::session::{Session, SessionAction};

/// A server's session and what the panel's controls do with it.
pub struct SessionControls {
    pub session: UseReducerHandle<Session>,
    /// The form was sent: user, password and domain.
    pub on_sign_in: Callback<crate::components::sign_in::Typed>,
    /// A card was refused for want of a (new) sign-in, with the credential
    /// it used.
    pub on_sign_in_needed: Callback<(Option<String>, ApiError)>,
    pub on_sign_out: Callback<MouseEvent>,
}

#[hook]
pub fn use_gklm_session(
    config: &PanelConfig,
    provider: Option<TokenProvider>,
    events: Events,
) -> SessionControls {
    let (session, run, ask) = use_server_session(
        Server::Gklm,
        config.gklm_url.is_some(),
        config.gklm_auth_id.clone(),
        provider.clone(),
        events,
    );
    // The credential the provider was last asked to replace: the cards are
    // refused together, and one answer serves them all.
    let asked_for = use_mut_ref(|| None::<Option<String>>);
    let on_sign_in_needed = use_callback(
        (session.dispatcher(), provider.is_some()),
        move |(credential, error): (Option<String>, ApiError), (session, has_provider)| {
            if *has_provider {
                let again = asked_for.borrow().as_ref() == Some(&credential);
                if !again {
                    *asked_for.borrow_mut() = Some(credential.clone());
                    ask(credential);
                    return;
                }
            }
            session.dispatch(SessionAction::Rejected { credential, error })
        },
    );
    // The session this panel signed in for (not one the host gave).
    let own = use_mut_ref(|| None::<GklmConfig>);
    {
        let mut own = own.borrow_mut();
        if own.as_ref().and_then(|c| c.auth_id.as_deref()) != session.credential() {
            *own = None;
        }
    }
    let on_sign_in = {
        let (run, own) = (run.clone(), own.clone());
        use_callback(
            (session.dispatcher(), config.gklm(None)),
            move |(user, password, _): crate::components::sign_in::Typed, (session, cfg)| {
                let Some(cfg) = cfg.clone() else { return };
                let (session, own) = (session.clone(), own.clone());
                session.dispatch(SessionAction::SignInStarted);
                run(Box::pin(async move {
                    session.dispatch(match gklm::login(&Fetch, &cfg, &user, &password).await {
                        Ok(auth_id) => {
                            *own.borrow_mut() = Some(GklmConfig {
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
    let on_sign_out = {
        let held = config.gklm(session.credential().map(String::from));
        let session = session.dispatcher();
        Callback::from(move |_: MouseEvent| {
            session.dispatch(SessionAction::SignOut);
            if let Some(cfg) = held.clone() {
                // The session is forgotten at once; the server is told after.
                run(Box::pin(async move {
                    let _ = gklm::logout(&Fetch, &cfg).await;
                }));
            }
        })
    };
    // When the panel goes, the session it signed in for is ended.
    use_effect_with((), move |_| {
        move || {
            if let Some(cfg) = own.borrow_mut().take() {
                yew::platform::spawn_local(async move {
                    let _ = gklm::logout(&Fetch, &cfg).await;
                });
            }
        }
    });
    SessionControls {
        session,
        on_sign_in,
        on_sign_in_needed,
        on_sign_out,
    }
}
