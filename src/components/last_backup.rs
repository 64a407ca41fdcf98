//! "Last backup": how long ago the last backup was made against the
//! operator's limit, the result of GKLM's most recent backup task, and
//! whether keys wait for the next one.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::api::read::if_served;
use crate::api::{gklm, Fetch, GklmConfig};
use crate::clock::{exact_time, hours_ago, iso_time, now_ms};
use crate::components::backup_history::{backup_history, FIRST_LINES};
use crate::components::card::{pill, placeholder, server_says, CardFrame, FrameParts};
use crate::components::gklm_card::{headline, GklmCardProps};
use crate::hooks::{
    telling_sign_in, use_announce, use_poll, use_render_count, use_status, use_unique_id,
    PollSignals,
};
use crate::lang::Language;
use crate::model::backup::{BackupNeed, BackupResult};
use crate::model::backup_history::BackupRecord;
use crate::model::backup_info::{BackupAge, BackupInfo};
use crate::state::polled::Cadence;
use crate::state::status::StatusPart;
use crate::text::{Message, Text};
use crate::verdict::{self, Verdict};

/// How often the age is counted again between checks.
const AGE_TICK_MS: u32 = 30_000;

#[component]
pub fn LastBackup(props: &GklmCardProps) -> Html {
    let renders = use_render_count();
    let heading_id = use_unique_id("card");
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
        backup_ended.clone(),
        telling_sign_in(
            props.on_sign_in_needed.clone(),
            |cfg: GklmConfig| async move { gklm::backup_need(&Fetch, &cfg).await },
        ),
    );
    // A server before 4.2.1 has no /backupInfo: asked once, then not again.
    let info = use_poll(
        props.gklm.clone(),
        props.every_ms,
        |info: &Option<BackupInfo>| match info {
            Some(_) => Cadence::Normal,
            None => Cadence::Stop,
        },
        backup_ended.clone(),
        telling_sign_in(
            props.on_sign_in_needed.clone(),
            |cfg: GklmConfig| async move { if_served(gklm::backup_info(&Fetch, &cfg).await) },
        ),
    );
    let history = use_poll(
        props.gklm.clone(),
        props.every_ms,
        |records: &Option<Vec<BackupRecord>>| match records {
            Some(_) => Cadence::Normal,
            None => Cadence::Stop,
        },
        backup_ended,
        telling_sign_in(
            props.on_sign_in_needed.clone(),
            |cfg: GklmConfig| async move { if_served(gklm::backup_history(&Fetch, &cfg).await) },
        ),
    );
    use_age_tick();
    let history_lines = use_state_eq(|| FIRST_LINES);

    let frame = FrameParts::of(&result, props.gklm.is_none(), lang);
    let result_verdict = frame.reading.map(|r| verdict::backup_result(&r.value));
    let info_frame = FrameParts::of(&info, props.gklm.is_none(), lang);
    let now = now_ms();
    let last = info_frame
        .reading
        .map(|r| r.value.as_ref().as_ref().and_then(BackupInfo::last_backup));
    let age = last.map(|last| BackupAge::of(last, now as i64, props.backup_max_age_hours));
    let age_verdict = age.and_then(verdict::backup_age);
    let verdict = match (result_verdict, age_verdict) {
        (Some(result), Some(age)) => Some(verdict::worse(result, age)),
        (result, age) => result.or(age),
    };
    use_announce(headline(Text::LastBackup, &frame, verdict, lang));
    use_status(result_verdict.map(|v| StatusPart::BackupResult(v.state)));
    use_status(age.map(|age| {
        StatusPart::BackupAge {
            at: last
                .flatten()
                .flatten()
                .map(|at| iso_time(at.unix_millis() as f64)),
            hours: age.hours(),
        }
    }));

    let state = frame
        .state
        .or(verdict.map(|v| v.state))
        .unwrap_or("loading");
    let age_line = match (frame.state, age, age_verdict) {
        (Some("sign-in"), _, _) => Html::default(),
        (_, Some(age), Some(v)) => {
            let at = last.flatten().flatten().map(|at| at.unix_millis() as f64);
            age_line(v, age, at, now, props.backup_max_age_hours, lang)
        }
        (_, Some(BackupAge::Unknown), None) => html! {
            <p class="kw-muted" data-kw="backup-age" data-state="backup-age-unknown">
                { Text::BackupAgeUnknown.get(lang) }
            </p>
        },
        _ => Html::default(),
    };
    let content = match (frame.reading, result_verdict) {
        (Some(reading), Some(v)) => {
            let code = match &*reading.value {
                BackupResult::Unrecognised { code, .. } => Some(code.clone()),
                _ => None,
            };
            html! {
                <>
                    { age_line }
                    { pill(v.tone, v.label.get(lang), code) }
                    { server_says(lang, reading.value.status(), reading.content_language.as_deref()) }
                </>
            }
        }
        _ => html! { <>{ age_line }{ placeholder(state, lang) }</> },
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

    let history_table = match (frame.state, history.state.last_reading()) {
        (Some("sign-in"), _) | (_, None) => Html::default(),
        (_, Some(reading)) => match reading.value.as_ref() {
            Some(records) => backup_history(records, &history_lines, lang),
            None => Html::default(),
        },
    };
    CardFrame {
        name: "last-backup",
        title: Text::LastBackup,
        state,
        lang,
        renders,
        status: frame.status(&result.checked),
        heading_id,
    }
    .with(html! {
        <>
            { content }
            { need_line }
            { history_table }
        </>
    })
}

/// Renders the card again now and then, so that the age and its verdict
/// move on between checks.
#[hook]
fn use_age_tick() {
    let tick = use_force_update();
    use_effect_with((), move |_| {
        let interval = Interval::new(AGE_TICK_MS, move || tick.force_update());
        move || drop(interval)
    });
}

/// "✓ Last backup 3 hr. ago · within the limit of 24 h", the exact date on
/// hover and, for screen readers, in the text.
fn age_line(
    v: Verdict,
    age: BackupAge,
    at: Option<f64>,
    now: f64,
    limit_hours: u32,
    lang: Language,
) -> Html {
    let limit = match age {
        BackupAge::Recent { .. } => Message::BackupWithinLimit { hours: limit_hours }.get(lang),
        BackupAge::Old { .. } => Message::BackupOlderThan { hours: limit_hours }.get(lang),
        BackupAge::Overdue { .. } => Message::BackupOlderThan {
            hours: limit_hours.saturating_mul(2),
        }
        .get(lang),
        BackupAge::Never | BackupAge::Unknown => String::new(),
    };
    html! {
        <p class={classes!("kw-backup-age", v.tone.class())} data-kw="backup-age" data-state={v.state}>
            <span class="kw-icon" aria-hidden="true">{ v.tone.icon() }</span>
            if let Some(at) = at {
                <time datetime={iso_time(at)} title={exact_time(at, lang)}>
                    { v.label.get(lang) }{ " " }{ hours_ago(at, now, lang) }
                </time>
                <span class="kw-visually-hidden">{ " (" }{ exact_time(at, lang) }{ ")" }</span>
                <span class="kw-muted">{ " · " }{ limit }</span>
            } else {
                { v.label.get(lang) }
            }
        </p>
    }
}
