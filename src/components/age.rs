//! "Updated 12 sec. ago", with the exact time on hover, in the panel's
//! language. It re-renders itself every second; nothing else does.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::clock::{exact_time, iso_time, now_ms, time_ago};
use crate::hooks::CheckedAt;
use crate::lang::Language;
use crate::text::Text;

#[derive(Properties, PartialEq)]
pub struct AgeProps {
    /// When the data was last confirmed.
    pub checked: CheckedAt,
    /// The moment as the parent saw it when it rendered: a new value makes
    /// the label catch up at once rather than at its next tick.
    #[prop_or_default]
    pub seen: Option<u64>,
    /// The words before the age.
    #[prop_or(Text::Updated)]
    pub label: Text,
    pub lang: Language,
}

#[component]
pub fn Age(props: &AgeProps) -> Html {
    let tick = use_force_update();
    use_effect_with((), move |_| {
        let interval = Interval::new(1_000, move || tick.force_update());
        move || drop(interval)
    });
    let Some(at) = props.checked.get() else {
        return Html::default();
    };
    let lang = props.lang;
    html! {
        <time class="kw-age" data-kw="age" datetime={iso_time(at)} title={exact_time(at, lang)}>
            { props.label.get(lang) }{ " " }{ time_ago(at, now_ms(), lang) }
        </time>
    }
}
