//! The last backups GKLM lists (`/ckms/backups`), newest first: date, age,
//! description and file name, a few lines with more on demand; a list, not
//! a table, so that it reads at 320 px as at 1280.

use yew::prelude::*;

use crate::clock::{exact_time, hours_ago, iso_time, now_ms};
use crate::lang::Language;
use crate::model::backup_history::{newest_first, BackupRecord};
use crate::text::Text;

/// Lines shown before "Show more", and how many more each press adds.
pub const FIRST_LINES: usize = 3;
const MORE_LINES: usize = 10;

/// The list, its first `shown` lines; "Show more" adds to `shown`, which the
/// card holds (a function, not a component of its own: each component type
/// costs the bundle its own copy of Yew's machinery).
pub fn backup_history(
    records: &[BackupRecord],
    shown: &UseStateHandle<usize>,
    lang: Language,
) -> Html {
    let sorted = newest_first(records);
    if sorted.is_empty() {
        return Html::default();
    }
    let now = now_ms();
    let more = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(*shown + MORE_LINES))
    };
    let lines = sorted.iter().take(**shown).enumerate().map(|(i, record)| {
        let at = record.time.map(|t| t.unix_millis() as f64);
        let said = [
            at.map(|at| hours_ago(at, now, lang)),
            record.description.clone(),
        ];
        html! {
            <li key={i} data-kw="backup-file">
                if let Some(at) = at {
                    <time datetime={iso_time(at)}>{ exact_time(at, lang) }</time>
                } else {
                    { record.timestamp_raw.clone().unwrap_or_default() }
                }
                { for said.into_iter().flatten().map(|part| html! { <>{ " · " }{ part }</> }) }
                <span class="kw-muted kw-file" title={record.backup_file_path.clone()}>
                    { record.file_name().unwrap_or_default().to_owned() }
                </span>
            </li>
        }
    });
    html! {
        <section data-kw="backup-history" aria-label={Text::RecentBackups.get(lang)}>
            <h4 class="kw-caption">{ Text::RecentBackups.get(lang) }</h4>
            <ul class="kw-history">{ for lines }</ul>
            if sorted.len() > **shown {
                <button type="button" class="kw-link" data-kw="more-backups" onclick={more}>
                    { Text::ShowMore.get(lang) }
                </button>
            }
        </section>
    }
}
