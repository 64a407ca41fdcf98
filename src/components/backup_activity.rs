//! "Backup activity": whether a backup runs now, and when the panel saw the
//! last run end (GKLM's result carries no time).

use yew::prelude::*;

use crate::api::gklm;
use crate::api::{Fetch, GklmConfig};
use crate::components::age::Age;
use crate::components::card::{pill, placeholder, server_says, CardFrame, FrameParts};
use crate::components::gklm_card::{headline, GklmCardProps};
use crate::hooks::{
    telling_sign_in, use_announce, use_poll, use_render_count, use_status, use_unique_id,
    CheckedAt, PollSignals,
};
use crate::model::backup::BackupActivity as Activity;
use crate::state::polled::Cadence;
use crate::state::status::StatusPart;
use crate::text::Text;
use crate::verdict;

fn cadence(activity: &Activity) -> Cadence {
    if activity.is_running() {
        Cadence::Fast
    } else {
        Cadence::Normal
    }
}

#[component]
pub fn BackupActivity(props: &GklmCardProps) -> Html {
    let renders = use_render_count();
    let heading_id = use_unique_id("card");
    let lang = props.lang;
    let signals = use_context::<PollSignals>();
    let activity = use_poll(
        props.gklm.clone(),
        props.every_ms,
        cadence,
        None,
        telling_sign_in(
            props.on_sign_in_needed.clone(),
            |cfg: GklmConfig| async move { gklm::backup_activity(&Fetch, &cfg).await },
        ),
    );

    let frame = FrameParts::of(&activity, props.gklm.is_none(), lang);
    // A run ended when the panel saw it running and then not: at the time
    // of the first reading that said so.
    let ended_at = frame.reading.and_then(|reading| {
        let was_running = activity
            .state
            .prior
            .as_deref()
            .is_some_and(Activity::is_running);
        (was_running && !reading.value.is_running()).then_some(reading.since_ms)
    });
    {
        let backup_ended = signals.map(|s| s.backup_ended);
        use_effect_with(ended_at.map(f64::to_bits), move |ended| {
            if ended.is_some() {
                if let Some(pulse) = backup_ended {
                    pulse.fire();
                }
            }
        });
    }
    let verdict = frame.reading.map(|r| verdict::backup_activity(&r.value));
    use_announce(headline(Text::BackupActivity, &frame, verdict, lang));
    use_status(verdict.map(|v| StatusPart::BackupRunning(v.state == "running")));

    let state = frame
        .state
        .or(verdict.map(|v| v.state))
        .unwrap_or("loading");
    let content = match (frame.reading, verdict) {
        (Some(reading), Some(v)) => {
            let code = match &*reading.value {
                Activity::Unrecognised { code, .. } => Some(code.clone()),
                _ => None,
            };
            html! {
                <>
                    { pill(v.tone, v.label.get(lang), code) }
                    { server_says(lang, reading.value.status(), reading.content_language.as_deref()) }
                    if let Some(at) = ended_at {
                        <p class="kw-muted" data-kw="run-ended">
                            <Age checked={CheckedAt::fixed(at)} label={Text::RunEndSeen} {lang} />
                        </p>
                    }
                </>
            }
        }
        _ => placeholder(state, lang),
    };

    CardFrame {
        name: "backup-activity",
        title: Text::BackupActivity,
        state,
        lang,
        renders,
        status: frame.status(&activity.checked),
        heading_id,
    }
    .with(content)
}
