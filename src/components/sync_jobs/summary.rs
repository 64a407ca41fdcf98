//! How many jobs of each status the list holds, for its current filter.

use yew::prelude::*;

use super::status_badge;
use crate::lang::Language;
use crate::model::sync_job::SyncStatus;
use crate::text::{Message, Text};

pub fn view(counts: &[(SyncStatus, u64)], lang: Language) -> Html {
    let items = counts.iter().map(|(status, n)| {
        html! {
            <li data-status={status.as_wire().to_owned()}>
                { status_badge(status, lang) }
                <span class="kw-count" data-kw="count">{ Message::Count { n: *n }.get(lang) }</span>
            </li>
        }
    });
    html! { <ul class="kw-summary" aria-label={Text::SummaryFor.get(lang)} data-kw="summary">{ for items }</ul> }
}
