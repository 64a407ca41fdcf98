//! The CipherTrust Manager session: the host's token, the token provider's
//! (asked again before it expires), or one the person signs in for (its
//! refresh token kept in memory and used before the token expires).

use yew::prelude::*;

use crate::api::cckm::{self, CckmTokens};
use crate::api::error::{ApiError, Server};
use crate::api::Fetch;
use crate::config::PanelConfig;
use crate::hooks::gklm_session::SessionControls;
use crate::hooks::host::{use_server_session, Events};
use crate::host::TokenProvider;
use crate::model::jwt;
use crate::state::session::SessionAction;

/// CipherTrust Manager's default token lifetime, for a token that does not
/// say when it expires.
const DEFAULT_TOKEN_LIFETIME_S: u64 = 300;

/// When to refresh a CipherTrust token: at four fifths of its life, and
/// not sooner than in 5 s.
pub fn refresh_after_ms(duration_s: u64) -> u32 {
    let ms = duration_s.saturating_mul(800).max(5_000);
    u32::try_from(ms).unwrap_or(u32::MAX)
}

#[hook]
pub fn use_cckm_session(
    config: &PanelConfig,
    provider: Option<TokenProvider>,
    events: Events,
) -> SessionControls {
    let (session, run, ask) = use_server_session(
        Server::Cckm,
        config.cckm_url.is_some(),
        config.cckm_token.clone(),
        provider.clone(),
        events,
    );
    // The refresh token and lifetime from the last sign-in, in memory only;
    // a token the host gave is used as it is.
    let tokens = use_mut_ref(|| None::<CckmTokens>);
    let refresh = {
        let (tokens, session, run) = (tokens.clone(), session.dispatcher(), run.clone());
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
                match cckm::refresh(&Fetch, &cfg, &refresh_token).await {
                    // A server that sent no new refresh token leaves the
                    // old one in the tokens (`cckm::refresh`).
                    Ok(fresh) => {
                        let jwt = fresh.jwt.clone();
                        *tokens.borrow_mut() = Some(fresh);
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
        let (refresh, ask) = (refresh.clone(), ask.clone());
        let own = tokens.borrow().as_ref().and_then(|t| t.duration_s);
        let credential = session.credential().map(String::from);
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
    let on_sign_in_needed = use_callback(
        (session.clone(), provider.is_some()),
        move |(credential, error): (Option<String>, ApiError), (session, has_provider)| {
            let current = credential.as_deref() == session.credential();
            if current && refreshing_for.borrow().as_ref() == Some(&credential) {
                return;
            }
            // A refused token is refreshed first, when it can be; else the
            // host's provider is asked once for this token.
            if current && credential.is_some() && refresh() {
                *refreshing_for.borrow_mut() = Some(credential);
            } else if current && *has_provider {
                *refreshing_for.borrow_mut() = Some(credential.clone());
                ask(credential);
            } else {
                session.dispatch(SessionAction::Rejected { credential, error });
            }
        },
    );
    let on_sign_in = {
        let tokens = tokens.clone();
        use_callback(
            (session.dispatcher(), config.cckm(None)),
            move |(user, password, domain): crate::components::sign_in::Typed, (session, cfg)| {
                let Some(cfg) = cfg.clone() else { return };
                let (session, tokens) = (session.clone(), tokens.clone());
                session.dispatch(SessionAction::SignInStarted);
                run(Box::pin(async move {
                    match cckm::sign_in(
                        &Fetch,
                        &cfg,
                        &user,
                        &password,
                        &cckm::SignInDomain::new(&domain, ""),
                    )
                    .await
                    {
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
    let on_sign_out = {
        let dispatcher = session.dispatcher();
        Callback::from(move |_: MouseEvent| {
            *tokens.borrow_mut() = None;
            dispatcher.dispatch(SessionAction::SignOut);
        })
    };
    SessionControls {
        session,
        on_sign_in,
        on_sign_in_needed,
        on_sign_out,
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
