//! The last backups GKLM lists (`/ckms/backups`), newest first: date, age,
//! description and file name, a few lines with more on demand.

use yew::prelude::*;

use crate::clock::{exact_time, hours_ago, iso_time, now_ms};
use crate::lang::Language;
use crate::model::backup_history::{newest_first, BackupRecord};
use crate::text::Text;

/// Lines shown before "Show more", and how many more each press adds.
const FIRST_LINES: usize = 3;
const MORE_LINES: usize = 10;

#[derive(Properties, PartialEq)]
pub struct BackupHistoryProps {
    /// As the server listed them; `None` for a server without the list.
    pub records: std::rc::Rc<Option<Vec<BackupRecord>>>,
    pub lang: Language,
}

#[component]
pub fn BackupHistory(props: &BackupHistoryProps) -> Html {
    let lang = props.lang;
    let shown = use_state_eq(|| FIRST_LINES);
    let sorted = use_memo(props.records.clone(), |records| {
        records
            .as_ref()
            .as_ref()
            .map(|r| newest_first(r))
            .unwrap_or_default()
    });
    if sorted.is_empty() {
        return Html::default();
    }
    let now = now_ms();
    let more = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(*shown + MORE_LINES))
    };
    let rows = sorted.iter().take(*shown).enumerate().map(|(i, record)| {
        let at = record.time.map(|t| t.unix_millis() as f64);
        html! {
            <tr key={i} data-kw="backup-file">
                <td>
                    if let Some(at) = at {
                        <time datetime={iso_time(at)}>{ exact_time(at, lang) }</time>
                    } else {
                        { record.timestamp_raw.clone().unwrap_or_default() }
                    }
                </td>
                <td>{ at.map(|at| hours_ago(at, now, lang)).unwrap_or_default() }</td>
                <td>{ record.description.clone().unwrap_or_default() }</td>
                <td class="kw-file" title={record.backup_file_path.clone()}>
                    { record.file_name().unwrap_or_default().to_owned() }
                </td>
            </tr>
        }
    });
    html! {
        <div class="kw-table-wrap" data-kw="backup-history">
            <table class="kw-table">
                <caption class="kw-caption">{ Text::RecentBackups.get(lang) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ Text::DateColumn.get(lang) }</th>
                        <th scope="col">{ Text::AgeColumn.get(lang) }</th>
                        <th scope="col">{ Text::DescriptionColumn.get(lang) }</th>
                        <th scope="col">{ Text::FileColumn.get(lang) }</th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
            if sorted.len() > *shown {
                <button type="button" class="kw-link" data-kw="more-backups" onclick={more}>
                    { Text::ShowMore.get(lang) }
                </button>
            }
        </div>
    }
}
