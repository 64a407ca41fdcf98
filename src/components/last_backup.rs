//! "Last backup": the result of GKLM's most recent backup task.

use yew::prelude::*;

use crate::api::config::GklmConfig;
use crate::api::error::ApiError;
use crate::api::gklm;
use crate::components::card::{awaiting_sign_in, error_and_footer, CardFrame};
use crate::hooks::{tell_if_sign_in_needed, use_poll};
use crate::model::backup::BackupResult;
use crate::state::polled::{Phase, Reading};
use crate::text::Text;
use crate::verdict;

#[derive(Properties, PartialEq)]
pub struct LastBackupProps {
    /// Where and how to ask GKLM, with the session in use.
    pub gklm: GklmConfig,
    /// Milliseconds between two checks while all is well.
    pub every_ms: u32,
    /// Told when GKLM wants a sign-in, with the credential it refused.
    #[prop_or_default]
    pub on_sign_in_needed: Callback<(Option<String>, ApiError)>,
}

#[component]
pub fn LastBackup(props: &LastBackupProps) -> Html {
    let lang = props.gklm.language;
    let on_sign_in_needed = props.on_sign_in_needed.clone();
    let polled = use_poll(
        props.gklm.clone(),
        props.every_ms,
        move |cfg: GklmConfig| {
            let on_sign_in_needed = on_sign_in_needed.clone();
            async move {
                let reply = gklm::backup_result(&cfg).await;
                tell_if_sign_in_needed(&reply, cfg.auth_id, &on_sign_in_needed);
                reply
            }
        },
    );

    let (error, footer) = error_and_footer(&polled, lang);
    let (state, content) = match &polled.phase {
        _ if awaiting_sign_in(&polled) => (
            "sign-in",
            html! { <p class="kw-muted">{ Text::AwaitingGklmSignIn.get(lang) }</p> },
        ),
        Phase::Loading => (
            "loading",
            html! { <p class="kw-muted">{ Text::Loading.get(lang) }</p> },
        ),
        Phase::Loaded(reading) => (
            verdict::backup_result(&reading.value).state,
            result(reading, lang),
        ),
        Phase::Failed { stale, .. } => (
            "error",
            stale.as_ref().map(|r| result(r, lang)).unwrap_or_default(),
        ),
    };
    html! {
        <CardFrame
            name="last-backup"
            title={Text::LastBackup.get(lang)}
            {state}
            busy={polled.in_flight}
            {error}
            {footer}
        >
            { content }
        </CardFrame>
    }
}

fn result(reading: &Reading<BackupResult>, lang: crate::lang::Language) -> Html {
    let v = verdict::backup_result(&reading.value);
    let code = match &reading.value {
        BackupResult::Unrecognised { code, .. } => Some(code.clone()),
        _ => None,
    };
    html! {
        <>
            <p class={classes!("kw-verdict", v.tone.class())} data-kw="verdict">
                { v.label.get(lang) }
                if let Some(code) = code {
                    { format!(" ({code})") }
                }
            </p>
            <p class="kw-server-text">
                <span class="kw-label">{ Text::ServerSays.get(lang) }{ ": " }</span>
                <span data-kw="server-status" lang={reading.content_language.clone()}>
                    { reading.value.status().to_string() }
                </span>
            </p>
        </>
    }
}
