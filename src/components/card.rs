//! The frame every status card shares: title, state, error line, and how
//! old its data is.

use yew::prelude::*;

use crate::components::age::Age;
use crate::hooks::{CheckedAt, Polling};
use crate::lang::Language;
use crate::state::polled::{Phase, Reading};
use crate::text::{Message, Text};
use crate::verdict::Tone;

/// What a card's frame shows beside its content.
pub struct CardFrame {
    /// Stable name for hosts and tests (`data-kw`).
    pub name: &'static str,
    /// The heading a person reads.
    pub title: Text,
    /// What the card shows now (`data-state`): a verdict's name, `loading`,
    /// `sign-in` or `error`.
    pub state: &'static str,
    pub lang: Language,
    /// How many times the card has rendered (`data-renders`).
    pub renders: u32,
    /// The error, staleness and age of what the card shows.
    pub status: FrameStatus,
    /// The heading's id, from the card's `use_unique_id("card")`.
    pub heading_id: AttrValue,
}

impl CardFrame {
    /// The card: this frame around `children`. A function, not a component
    /// of its own: each component type is a copy of Yew's lifecycle, and
    /// the frame has no state.
    pub fn with(self, children: Html) -> Html {
        let CardFrame {
            name,
            title,
            state,
            lang,
            renders,
            status,
            heading_id,
        } = self;
        html! {
            <section
                class={classes!("kw-card", status.error.is_some().then_some("kw-card-failed"))}
                data-kw={name}
                data-state={state}
                data-renders={renders.to_string()}
                aria-labelledby={heading_id.clone()}
            >
                <header class="kw-card-head">
                    <h3 class="kw-card-title" id={heading_id}>{ title.get(lang) }</h3>
                </header>
                if let Some(error) = &status.error {
                    <p class="kw-error" data-kw="error">
                        <span class="kw-icon" aria-hidden="true">{ Tone::Bad.icon() }</span>
                        { error.clone() }
                    </p>
                }
                <div class={classes!("kw-card-body", status.stale.then_some("kw-stale"))}>
                    { children }
                </div>
                <footer class="kw-card-foot">
                    if status.stale {
                        <span class="kw-stale-mark" data-kw="stale">{ Text::Stale.get(lang) }</span>
                    }
                    if let Some(checked) = &status.checked {
                        <Age checked={checked.clone()} seen={checked.get().map(f64::to_bits)} {lang} />
                    }
                    if status.failures > 0 {
                        <span data-kw="failures">{ Message::FailedChecks { count: status.failures }.get(lang) }</span>
                    }
                </footer>
            </section>
        }
    }
}

/// What the frame says beside a card's content.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameStatus {
    /// What went wrong, as a sentence a person can act on.
    pub error: Option<String>,
    /// Failed checks in a row.
    pub failures: u32,
    /// The content is the last good reading, from before the error.
    pub stale: bool,
    /// When the data was last confirmed; no age is shown without it.
    pub checked: Option<CheckedAt>,
}

/// What a card's frame says about its polled endpoint.
pub struct FrameParts<'a, T> {
    /// `loading`, `sign-in`, `error`, or `None` when a reading decides.
    pub state: Option<&'static str>,
    /// The reading to show: fresh, or stale beside an error.
    pub reading: Option<&'a Reading<T>>,
    pub error: Option<String>,
    pub stale: bool,
    pub failures: u32,
}

impl<T> FrameParts<'_, T> {
    /// The frame's status, with the age of `checked` unless the card waits
    /// for a sign-in.
    pub fn status(&self, checked: &CheckedAt) -> FrameStatus {
        FrameStatus {
            error: self.error.clone(),
            failures: self.failures,
            stale: self.stale,
            checked: (self.state != Some("sign-in")).then(|| checked.clone()),
        }
    }
}

impl<'a, T: PartialEq> FrameParts<'a, T> {
    pub fn of(polling: &'a Polling<T>, waiting_for_sign_in: bool, lang: Language) -> Self {
        let state = &polling.state;
        let awaiting = waiting_for_sign_in || state.error().is_some_and(|e| e.is_sign_in_needed());
        if awaiting {
            return FrameParts {
                state: Some("sign-in"),
                reading: None,
                error: None,
                stale: false,
                failures: 0,
            };
        }
        match &state.phase {
            Phase::Loading => FrameParts {
                state: Some("loading"),
                reading: None,
                error: None,
                stale: false,
                failures: 0,
            },
            Phase::Loaded(reading) => FrameParts {
                state: None,
                reading: Some(reading),
                error: None,
                stale: false,
                failures: 0,
            },
            Phase::Failed { error, stale } => FrameParts {
                state: Some("error"),
                reading: stale.as_ref(),
                error: Some(error.describe(lang)),
                stale: stale.is_some(),
                failures: state.failures,
            },
        }
    }
}

/// A verdict as a pill: icon, word, and the tone's colour.
pub fn pill(tone: Tone, label: &str, extra: Option<String>) -> Html {
    html! {
        <p class={classes!("kw-verdict", tone.class())} data-kw="verdict">
            <span class="kw-icon" aria-hidden="true">{ tone.icon() }</span>
            { label.to_owned() }
            if let Some(extra) = extra {
                { format!(" ({extra})") }
            }
        </p>
    }
}

/// The server's own words, marked with the language it answered in.
pub fn server_says(lang: Language, text: &str, content_language: Option<&str>) -> Html {
    html! {
        <p class="kw-server-text">
            <span class="kw-label">{ Text::ServerSays.get(lang) }{ ": " }</span>
            <span data-kw="server-status" lang={content_language.map(str::to_owned)}>
                { text.to_owned() }
            </span>
        </p>
    }
}

/// The card's content while it loads or waits for a sign-in.
pub fn placeholder(state: &str, lang: Language) -> Html {
    let text = if state == "sign-in" {
        Text::AwaitingGklmSignIn
    } else {
        Text::Loading
    };
    html! { <p class="kw-muted">{ text.get(lang) }</p> }
}
