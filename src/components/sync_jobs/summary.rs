//! How many jobs of each status the list holds, for its current filter.

use yew::prelude::*;

use super::status_badge;
use crate::lang::Language;
use crate::state::sync_view::STATUSES;
use crate::text::{Message, Text};

/// `counts` in the order of [`STATUSES`]; a status without one is left out.
pub fn view(counts: &[Option<u64>], lang: Language) -> Html {
    let items = STATUSES.iter().zip(counts).filter_map(|(status, n)| {
        let n = (*n)?;
        Some(html! {
            <li data-status={status.as_wire().to_owned()}>
                { status_badge(status, lang) }
                <span class="kw-count" data-kw="count">{ Message::Count { n }.get(lang) }</span>
            </li>
        })
    });
    html! { <ul class="kw-summary" aria-label={Text::SummaryFor.get(lang)} data-kw="summary">{ for items }</ul> }
}
