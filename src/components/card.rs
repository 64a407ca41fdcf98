//! The frame every status card shares: title, state, busy mark, error line,
//! and when it was last checked.

use yew::prelude::*;

use crate::clock::clock_time;
use crate::lang::Language;
use crate::state::polled::{Phase, Polled};
use crate::text::Text;

#[derive(Properties, PartialEq)]
pub struct CardFrameProps {
    /// Stable name for hosts and tests (`data-kw`).
    pub name: AttrValue,
    /// The heading a person reads.
    pub title: AttrValue,
    /// What the card shows now (`data-state`): a verdict's name, `loading` or `error`.
    pub state: AttrValue,
    /// A request is under way.
    #[prop_or_default]
    pub busy: bool,
    /// What went wrong, as a sentence a person can act on.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// The line at the bottom: when this was checked, or how stale it is.
    #[prop_or_default]
    pub footer: Option<AttrValue>,
    /// The card's content.
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn CardFrame(props: &CardFrameProps) -> Html {
    html! {
        <section
            class={classes!("kw-card", props.error.is_some().then_some("kw-card-failed"))}
            data-kw={props.name.clone()}
            data-state={props.state.clone()}
            aria-label={props.title.clone()}
            aria-busy={props.busy.to_string()}
        >
            <header class="kw-card-head">
                <h3 class="kw-card-title">{ props.title.clone() }</h3>
                if props.busy {
                    <span class="kw-busy" aria-hidden="true"></span>
                }
            </header>
            <div class="kw-card-body" aria-live="polite">
                if let Some(error) = &props.error {
                    <p class="kw-error" role="alert" data-kw="error">{ error.clone() }</p>
                }
                { props.children.clone() }
            </div>
            if let Some(footer) = &props.footer {
                <footer class="kw-card-foot">{ footer.clone() }</footer>
            }
        </section>
    }
}

/// True when the server wants a sign-in first: the card waits quietly, and
/// the panel's sign-in form says why.
pub fn awaiting_sign_in<T: Clone>(polled: &Polled<T>) -> bool {
    polled.error().is_some_and(|e| e.is_sign_in_needed())
}

/// The error sentence and footer line for a polled card, in `lang`.
pub fn error_and_footer<T: Clone>(
    polled: &Polled<T>,
    lang: Language,
) -> (Option<AttrValue>, Option<AttrValue>) {
    let checked = |at_ms: f64| format!("{} {}", Text::CheckedAt.get(lang), clock_time(at_ms));
    if awaiting_sign_in(polled) {
        return (None, None);
    }
    match &polled.phase {
        Phase::Loading => (None, None),
        Phase::Loaded(reading) => (None, Some(checked(reading.at_ms).into())),
        Phase::Failed { error, stale, .. } => {
            let footer = match stale {
                Some(reading) => format!(
                    "{} {}. {} {}",
                    Text::StaleFrom.get(lang),
                    clock_time(reading.at_ms),
                    Text::StillFailing.get(lang),
                    polled.failures
                ),
                None => format!("{} {}", Text::StillFailing.get(lang), polled.failures),
            };
            (Some(error.describe(lang).into()), Some(footer.into()))
        }
    }
}
