//! "Last backup": the result of GKLM's most recent backup task, and whether
//! keys wait for the next one.

use yew::prelude::*;

use crate::api::gklm;
use crate::api::{Fetch, GklmConfig};
use crate::components::card::{pill, placeholder, server_says, CardFrame, FrameParts};
use crate::components::gklm_card::{headline, GklmCardProps};
use crate::hooks::{
    telling_sign_in, use_announce, use_poll, use_render_count, use_status, PollSignals,
};
use crate::model::backup::{BackupNeed, BackupResult};
use crate::state::polled::Cadence;
use crate::state::status::StatusPart;
use crate::text::Text;
use crate::verdict;

#[component]
pub fn LastBackup(props: &GklmCardProps) -> Html {
    let renders = use_render_count();
    let lang = props.lang;
    let backup_ended = use_context::<PollSignals>().map(|s| s.backup_ended);
    let result = use_poll(
        props.gklm.clone(),
        props.every_ms,
        |_: &BackupResult| Cadence::Normal,
        backup_ended.clone(),
        telling_sign_in(
            props.on_sign_in_needed.clone(),
            |cfg: GklmConfig| async move { gklm::backup_result(&Fetch, &cfg).await },
        ),
    );
    let need = use_poll(
        props.gklm.clone(),
        props.every_ms,
        |_: &BackupNeed| Cadence::Normal,
        backup_ended,
        telling_sign_in(
            props.on_sign_in_needed.clone(),
            |cfg: GklmConfig| async move { gklm::backup_need(&Fetch, &cfg).await },
        ),
    );

    let frame = FrameParts::of(&result, props.gklm.is_none(), lang);
    let verdict = frame.reading.map(|r| verdict::backup_result(&r.value));
    use_announce(headline(Text::LastBackup, &frame, verdict, lang));
    use_status(verdict.map(|v| StatusPart::BackupResult(v.state)));

    let state = frame
        .state
        .or(verdict.map(|v| v.state))
        .unwrap_or("loading");
    let content = match (frame.reading, verdict) {
        (Some(reading), Some(v)) => {
            let code = match &*reading.value {
                BackupResult::Unrecognised { code, .. } => Some(code.clone()),
                _ => None,
            };
            html! {
                <>
                    { pill(v.tone, v.label.get(lang), code) }
                    { server_says(lang, reading.value.status(), reading.content_language.as_deref()) }
                </>
            }
        }
        _ => placeholder(state, lang),
    };
    let need_line = match (
        FrameParts::of(&need, props.gklm.is_none(), lang),
        frame.state,
    ) {
        (_, Some("sign-in")) => Html::default(),
        (need_frame, _) => match (need_frame.reading, need_frame.error) {
            (Some(reading), _) => {
                let v = verdict::backup_need(&reading.value);
                html! {
                    <p class={classes!("kw-need", v.tone.class())} data-kw="backup-need" data-state={v.state}
                        title={reading.value.status().to_owned()}>
                        <span class="kw-icon" aria-hidden="true">{ v.tone.icon() }</span>
                        { v.label.get(lang) }
                    </p>
                }
            }
            (None, Some(error)) => html! {
                <p class="kw-need kw-muted" data-kw="backup-need" data-state="error">
                    { Text::KeysBackupNeedUnknown.get(lang) }{ " " }{ error }
                </p>
            },
            (None, None) => Html::default(),
        },
    };

    html! {
        <CardFrame
            name="last-backup"
            title={Text::LastBackup}
            {state}
            {lang}
            {renders}
            status={frame.status(&result.checked)}
        >
            { content }
            { need_line }
        </CardFrame>
    }
}
