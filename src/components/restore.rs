//! "Restore": the eight phases of a GKLM restore as a stepper, the current
//! one highlighted; phases passed between two checks shown as passed.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::api::gklm::{self, RestorePath};
use crate::api::{Fetch, GklmConfig};
use crate::components::card::{pill, placeholder, server_says, CardFrame, FrameParts};
use crate::components::gklm_card::{headline, GklmCardProps};
use crate::hooks::{
    telling_sign_in, use_announce, use_poll, use_render_count, use_status, use_unique_id,
};
use crate::lang::Language;
use crate::model::restore::{phase_states, RestorePhase, RestoreProgress};
use crate::state::polled::Cadence;
use crate::state::status::StatusPart;
use crate::text::Text;
use crate::verdict;

fn cadence(progress: &RestoreProgress) -> Cadence {
    match progress.phase {
        Some(RestorePhase::Idle | RestorePhase::Completed) => Cadence::Normal,
        // Under way, or a phase this panel does not know: keep a close eye.
        _ => Cadence::Fast,
    }
}

#[component]
pub fn Restore(props: &GklmCardProps) -> Html {
    let renders = use_render_count();
    let heading_id = use_unique_id("card");
    let lang = props.lang;
    // Where this server answers, learnt once (see `gklm::restore_progress`).
    let path = use_memo(props.gklm.as_ref().map(|c| c.base_url.clone()), |_| {
        Rc::new(Cell::new(RestorePath::Documented))
    });
    let progress = {
        let path = (*path).clone();
        use_poll(
            props.gklm.clone(),
            props.every_ms,
            cadence,
            None,
            telling_sign_in(props.on_sign_in_needed.clone(), move |cfg: GklmConfig| {
                let path = path.clone();
                async move { gklm::restore_progress(&Fetch, &cfg, &path).await }
            }),
        )
    };

    let frame = FrameParts::of(&progress, props.gklm.is_none(), lang);
    let verdict = frame.reading.map(|r| verdict::restore(&r.value));
    use_announce(headline(Text::Restore, &frame, verdict, lang));
    use_status(
        frame
            .reading
            .zip(verdict)
            .map(|(r, v)| StatusPart::Restore {
                phase: r.value.code.clone(),
                state: v.state,
            }),
    );

    let state = frame
        .state
        .or(verdict.map(|v| v.state))
        .unwrap_or("loading");
    let content = match (frame.reading, verdict) {
        (Some(reading), Some(v)) => {
            let current = &*reading.value;
            let unknown = current.phase.is_none().then(|| current.code.clone());
            let steps = match current.phase {
                Some(RestorePhase::Idle) => Html::default(),
                _ => stepper(progress.state.prior.as_deref(), current, lang),
            };
            html! {
                <>
                    { pill(v.tone, v.label.get(lang), unknown) }
                    { steps }
                    if current.phase == Some(RestorePhase::Completed) {
                        <p class="kw-muted">{ Text::RestoreCompletedNote.get(lang) }</p>
                    }
                    { server_says(lang, &current.status, reading.content_language.as_deref()) }
                </>
            }
        }
        _ => placeholder(state, lang),
    };

    CardFrame {
        name: "restore",
        title: Text::Restore,
        state,
        lang,
        renders,
        status: frame.status(&progress.checked),
        heading_id,
    }
    .with(content)
}

fn stepper(previous: Option<&RestoreProgress>, current: &RestoreProgress, lang: Language) -> Html {
    let steps = phase_states(previous, current)
        .into_iter()
        .map(|(phase, step)| {
            let (tone, word, name) = verdict::phase_state(step);
            let is_current = name == "current";
            html! {
                <li class={classes!("kw-step", tone.class())} data-phase={phase.code().to_string()}
                    data-step={name} aria-current={is_current.then_some("step")}>
                    <span class="kw-step-mark" aria-hidden="true">{ tone.icon() }</span>
                    <span class="kw-step-label">{ verdict::step_text(phase).get(lang) }</span>
                    <span class="kw-step-state">{ word.get(lang) }</span>
                </li>
            }
        });
    html! {
        <ol class="kw-steps" aria-label={Text::RestorePhases.get(lang)} data-kw="restore-steps">
            { for steps }
        </ol>
    }
}
