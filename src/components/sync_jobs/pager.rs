//! Where the page is in the list, the buttons to move, and the export.

use yew::prelude::*;

use super::fetch::ShownPage;
use crate::lang::Language;
use crate::state::sync_view::{page_range, Nav, SyncView, SyncViewAction};
use crate::text::{Message, Text};

pub fn view(
    page: &ShownPage,
    limit: u32,
    dispatch: UseReducerDispatcher<SyncView>,
    export: Callback<MouseEvent>,
    lang: Language,
) -> Html {
    let total = page.total;
    let nav = |nav: Nav| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(SyncViewAction::Navigate { nav, total }))
    };
    let range = page_range(page.skip, page.jobs.len());
    let at_end = page.skip + u64::from(limit) >= total;
    html! {
        <div class="kw-pager" data-kw="pager">
            <span data-kw="range">
                { range.map(|(first, last)| Message::PageRange { first, last, total }.get(lang)).unwrap_or_default() }
            </span>
            <button type="button" class="kw-button kw-secondary" onclick={nav(Nav::First)} disabled={page.skip == 0} data-kw="first">
                <span aria-hidden="true">{ "«" }</span><span class="kw-visually-hidden">{ Text::FirstPage.get(lang) }</span>
            </button>
            <button type="button" class="kw-button kw-secondary" onclick={nav(Nav::Previous)} disabled={page.skip == 0} data-kw="previous">
                <span aria-hidden="true">{ "‹" }</span><span class="kw-visually-hidden">{ Text::PreviousPage.get(lang) }</span>
            </button>
            <button type="button" class="kw-button kw-secondary" onclick={nav(Nav::Next)} disabled={at_end} data-kw="next">
                <span aria-hidden="true">{ "›" }</span><span class="kw-visually-hidden">{ Text::NextPage.get(lang) }</span>
            </button>
            <button type="button" class="kw-button kw-secondary" onclick={nav(Nav::Last)} disabled={at_end} data-kw="last">
                <span aria-hidden="true">{ "»" }</span><span class="kw-visually-hidden">{ Text::LastPage.get(lang) }</span>
            </button>
            <button type="button" class="kw-button kw-secondary" onclick={export} disabled={page.jobs.is_empty()} data-kw="export">
                { Text::ExportCsv.get(lang) }
            </button>
        </div>
    }
}
