//! What the sync-job list shows: source, filters, page, size, sort and the
//! expanded job. Pure transitions (as patternfly-yew's `PaginationState`),
//! and the same view written to and read from a URL query, so a view can be
//! shared. Only view state ever goes into a URL: never a server or a credential.

use std::rc::Rc;

use yew::Reducible;

use crate::model::percent::percent_encode;
use crate::model::sync_job::{
    SortKey, SortOrder, Source, SyncJobFilter, SyncStatus, DEFAULT_LIMIT,
};

/// The page sizes offered.
pub const PAGE_SIZES: [u32; 6] = [10, 25, 50, 100, 1000, 10_000];

/// The statuses a person can filter by.
pub const STATUSES: [SyncStatus; 4] = [
    SyncStatus::Completed,
    SyncStatus::Failed,
    SyncStatus::InProgress,
    SyncStatus::Aborted,
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncView {
    /// What is asked of the server (source, filters, page, sort).
    pub filter: SyncJobFilter,
    /// The job whose detail is open.
    pub expanded: Option<String>,
}

/// Moving between pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    First,
    Previous,
    Next,
    Last,
}

pub enum SyncViewAction {
    Source(Source),
    ToggleStatus(SyncStatus),
    /// Container names, as typed: comma-separated.
    Containers(String),
    JobId(String),
    ClearFilters,
    Navigate {
        nav: Nav,
        total: u64,
    },
    PageSize(u32),
    Sort(SortKey),
    /// Opens a job's detail, or closes it when it is open.
    Toggle(String),
    /// Opens a job's detail, open or not (the timeline's marks).
    Open(String),
    /// A whole view, from the URL (the back button, a shared link).
    Replace(SyncView),
}

impl SyncView {
    pub fn next(&self, action: SyncViewAction) -> Self {
        let mut next = self.clone();
        let f = &mut next.filter;
        match action {
            SyncViewAction::Source(source) if source != f.source => {
                // Container names belong to one source.
                f.source = source;
                f.containers.clear();
                f.id = None;
                f.skip = 0;
                next.expanded = None;
            }
            SyncViewAction::Source(_) => {}
            SyncViewAction::ToggleStatus(status) => {
                if let Some(at) = f.statuses.iter().position(|s| *s == status) {
                    f.statuses.remove(at);
                } else {
                    f.statuses.push(status);
                    f.statuses
                        .sort_by_key(|s| STATUSES.iter().position(|k| k == s));
                }
                f.skip = 0;
            }
            SyncViewAction::Containers(text) => {
                let mut names: Vec<String> = Vec::new();
                for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    if !names.iter().any(|n| n == name) {
                        names.push(name.to_owned());
                    }
                }
                if names != f.containers {
                    f.containers = names;
                    f.skip = 0;
                }
            }
            SyncViewAction::JobId(text) => {
                let id = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
                if id != f.id {
                    f.id = id;
                    f.skip = 0;
                }
            }
            SyncViewAction::ClearFilters => {
                f.statuses.clear();
                f.containers.clear();
                f.id = None;
                f.skip = 0;
            }
            SyncViewAction::Navigate { nav, total } => {
                let limit = u64::from(f.limit.max(1));
                let last = total.saturating_sub(1) / limit * limit;
                f.skip = match nav {
                    Nav::First => 0,
                    Nav::Previous => f.skip.saturating_sub(limit).min(last),
                    Nav::Next if f.skip.saturating_add(limit) < total => f.skip + limit,
                    Nav::Next => f.skip,
                    Nav::Last => last,
                };
            }
            SyncViewAction::PageSize(size) if PAGE_SIZES.contains(&size) => {
                // The first row in view stays in view.
                f.skip = f.skip / u64::from(size) * u64::from(size);
                f.limit = size;
            }
            SyncViewAction::PageSize(_) => {}
            SyncViewAction::Sort(key) => {
                f.sort = Some(match f.sort {
                    Some(order) if order.key == key => SortOrder {
                        key,
                        descending: !order.descending,
                    },
                    _ => SortOrder {
                        key,
                        descending: key != SortKey::Status,
                    },
                });
                f.skip = 0;
            }
            SyncViewAction::Toggle(id) => {
                next.expanded = if next.expanded.as_deref() == Some(id.as_str()) {
                    None
                } else {
                    Some(id)
                };
            }
            SyncViewAction::Open(id) => next.expanded = Some(id),
            SyncViewAction::Replace(view) => return view,
        }
        next
    }

    /// True when a filter narrows the list (what "clear filters" undoes).
    pub fn is_filtered(&self) -> bool {
        let f = &self.filter;
        !f.statuses.is_empty() || !f.containers.is_empty() || f.id.is_some()
    }

    /// The view as a URL query (`source=azure&status=failed&…`), defaults left out.
    pub fn to_url_query(&self) -> String {
        let f = &self.filter;
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if f.source != Source::default() {
            pairs.push(("source", f.source.key().to_owned()));
        }
        for status in &f.statuses {
            pairs.push(("status", status.as_wire().to_owned()));
        }
        for name in &f.containers {
            pairs.push(("container", name.clone()));
        }
        if let Some(id) = &f.id {
            pairs.push(("id", id.clone()));
        }
        if f.skip > 0 {
            pairs.push(("skip", f.skip.to_string()));
        }
        if f.limit != DEFAULT_LIMIT {
            pairs.push(("limit", f.limit.to_string()));
        }
        if let Some(order) = f.sort {
            let sign = if order.descending { "-" } else { "" };
            pairs.push(("sort", format!("{sign}{}", order.key.key())));
        }
        if let Some(job) = &self.expanded {
            pairs.push(("job", job.clone()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads a view from a URL query. A value that is not valid is left
    /// out, and named in the second list (`key=value`) so the page can say
    /// so. Unknown keys are ignored silently: the page may carry others.
    pub fn from_url_query(query: &str) -> (SyncView, Vec<String>) {
        let mut view = SyncView::default();
        let mut ignored = Vec::new();
        let query = query.trim_start_matches(['?', '#']);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(raw);
            let f = &mut view.filter;
            let ok = match key {
                // `cloud` is the name links made before other sources came.
                "source" | "cloud" => Source::from_key(&value).map(|c| f.source = c).is_some(),
                "status" => STATUSES
                    .iter()
                    .find(|s| s.as_wire() == value)
                    .map(|s| {
                        if !f.statuses.contains(s) {
                            f.statuses.push(s.clone());
                        }
                    })
                    .is_some(),
                "container" => valid_text(&value).map(|v| f.containers.push(v)).is_some(),
                "id" => valid_text(&value).map(|v| f.id = Some(v)).is_some(),
                "skip" => value.parse::<u64>().ok().map(|n| f.skip = n).is_some(),
                "limit" => value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| PAGE_SIZES.contains(n))
                    .map(|n| f.limit = n)
                    .is_some(),
                "sort" => {
                    let (descending, name) = match value.strip_prefix('-') {
                        Some(name) => (true, name),
                        None => (false, value.as_str()),
                    };
                    SortKey::from_key(name)
                        .map(|key| f.sort = Some(SortOrder { key, descending }))
                        .is_some()
                }
                "job" => valid_text(&value)
                    .map(|v| view.expanded = Some(v))
                    .is_some(),
                _ => true,
            };
            if !ok {
                ignored.push(format!("{key}={value}"));
            }
        }
        // Paging is in whole pages.
        let limit = u64::from(view.filter.limit);
        if view.filter.skip % limit != 0 {
            ignored.push(format!("skip={}", view.filter.skip));
            view.filter.skip = view.filter.skip / limit * limit;
        }
        (view, ignored)
    }
}

impl Reducible for SyncView {
    type Action = SyncViewAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let next = self.next(action);
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

/// Text from a URL: not empty, no control characters, at most 200 characters.
fn valid_text(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty() && value.chars().count() <= 200 && !value.chars().any(char::is_control))
        .then(|| value.to_owned())
}

/// `%XX` and `+` decoded; a broken escape is kept as it is.
fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|c| (*c as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The rows on the page, counting from one: `(21, 40)` of a total.
pub fn page_range(skip: u64, shown: usize) -> Option<(u64, u64)> {
    (shown > 0).then(|| (skip + 1, skip + shown as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> SyncView {
        SyncView::default()
    }

    fn go(v: &SyncView, nav: Nav, total: u64) -> u64 {
        v.next(SyncViewAction::Navigate { nav, total }).filter.skip
    }

    #[test]
    fn paging_stays_within_the_list() {
        let mut v = view();
        v.filter.limit = 20;
        assert_eq!(go(&v, Nav::Next, 2_318), 20);
        assert_eq!(go(&v, Nav::Previous, 2_318), 0);
        assert_eq!(go(&v, Nav::Last, 2_318), 2_300);
        v.filter.skip = 2_300;
        assert_eq!(go(&v, Nav::Next, 2_318), 2_300, "no page after the last");
        assert_eq!(go(&v, Nav::First, 2_318), 0);
        // Exactly full pages: the last page starts at 40, not 60.
        assert_eq!(go(&v, Nav::Last, 60), 40);
        // An empty list has one empty page.
        assert_eq!(go(&v, Nav::Last, 0), 0);
        assert_eq!(
            go(&v, Nav::Next, 0),
            2_300,
            "next does nothing past the end"
        );
        // Past the end (the list shrank): previous lands on the last page.
        v.filter.skip = 500;
        assert_eq!(go(&v, Nav::Previous, 45), 40);
    }

    #[test]
    fn a_new_page_size_keeps_the_first_row_in_view() {
        let mut v = view();
        v.filter.limit = 25;
        v.filter.skip = 75;
        let v = v.next(SyncViewAction::PageSize(50));
        assert_eq!((v.filter.skip, v.filter.limit), (50, 50));
        let same = v.next(SyncViewAction::PageSize(7));
        assert_eq!(same, v, "only the offered sizes");
    }

    #[test]
    fn filters_reset_the_page_and_clear_resets_them_all() {
        let mut v = view();
        v.filter.skip = 40;
        let v = v.next(SyncViewAction::ToggleStatus(SyncStatus::Failed));
        assert_eq!(v.filter.statuses, [SyncStatus::Failed]);
        assert_eq!(v.filter.skip, 0);
        let v = v
            .next(SyncViewAction::ToggleStatus(SyncStatus::Completed))
            .next(SyncViewAction::Containers(" kms-a, kms-b ,kms-a,".into()))
            .next(SyncViewAction::JobId("  ".into()));
        assert_eq!(
            v.filter.statuses,
            [SyncStatus::Completed, SyncStatus::Failed]
        );
        assert_eq!(v.filter.containers, ["kms-a", "kms-b"]);
        assert_eq!(v.filter.id, None);
        assert!(v.is_filtered());
        let v = v.next(SyncViewAction::ToggleStatus(SyncStatus::Failed));
        assert_eq!(v.filter.statuses, [SyncStatus::Completed]);
        let cleared = v.next(SyncViewAction::ClearFilters);
        assert!(!cleared.is_filtered());
        assert_eq!(cleared.filter.limit, v.filter.limit);
    }

    #[test]
    fn another_source_forgets_the_containers_of_the_last() {
        let v = view()
            .next(SyncViewAction::Containers("kms-a".into()))
            .next(SyncViewAction::ToggleStatus(SyncStatus::Failed))
            .next(SyncViewAction::Toggle("job-1".into()))
            .next(SyncViewAction::Source(Source::Azure));
        assert_eq!(v.filter.source, Source::Azure);
        assert!(v.filter.containers.is_empty());
        assert_eq!(v.filter.statuses, [SyncStatus::Failed]);
        assert_eq!(v.expanded, None);
    }

    #[test]
    fn sorting_toggles_the_direction_of_the_same_key() {
        let v = view().next(SyncViewAction::Sort(SortKey::Started));
        assert_eq!(
            v.filter.sort,
            Some(SortOrder {
                key: SortKey::Started,
                descending: true
            })
        );
        let v = v.next(SyncViewAction::Sort(SortKey::Started));
        assert_eq!(v.filter.sort.map(|s| s.descending), Some(false));
        let v = v.next(SyncViewAction::Sort(SortKey::Status));
        assert_eq!(
            v.filter.sort,
            Some(SortOrder {
                key: SortKey::Status,
                descending: false
            })
        );
    }

    #[test]
    fn a_job_opens_and_closes() {
        let v = view().next(SyncViewAction::Toggle("a".into()));
        assert_eq!(v.expanded.as_deref(), Some("a"));
        let v = v.next(SyncViewAction::Toggle("b".into()));
        assert_eq!(v.expanded.as_deref(), Some("b"));
        assert_eq!(v.next(SyncViewAction::Toggle("b".into())).expanded, None);
        // The timeline opens a job and never closes it.
        let v = v.next(SyncViewAction::Open("b".into()));
        assert_eq!(v.expanded.as_deref(), Some("b"));
        assert_eq!(
            v.next(SyncViewAction::Open("c".into())).expanded.as_deref(),
            Some("c")
        );
    }

    #[test]
    fn the_url_round_trips_every_part_of_the_view() {
        let v = view()
            .next(SyncViewAction::Source(Source::Google))
            .next(SyncViewAction::ToggleStatus(SyncStatus::Failed))
            .next(SyncViewAction::ToggleStatus(SyncStatus::Aborted))
            .next(SyncViewAction::Containers("ring one, ring&2".into()))
            .next(SyncViewAction::PageSize(25))
            .next(SyncViewAction::Sort(SortKey::Duration))
            .next(SyncViewAction::Navigate {
                nav: Nav::Next,
                total: 100,
            })
            .next(SyncViewAction::Toggle("job/1".into()));
        let query = v.to_url_query();
        assert_eq!(
            query,
            "source=google&status=failed&status=aborted&container=ring%20one&container=ring%262&skip=25&limit=25&sort=-duration&job=job%2F1"
        );
        assert_eq!(SyncView::from_url_query(&query), (v, vec![]));
        // A link from before the other sources names the cloud.
        let old = SyncView::from_url_query("cloud=azure").0;
        assert_eq!(old.filter.source, Source::Azure);
        let sfdc = view().next(SyncViewAction::Source(Source::Salesforce));
        assert_eq!(sfdc.to_url_query(), "source=sfdc");
        assert_eq!(SyncView::from_url_query("source=sfdc").0, sfdc);
        assert_eq!(view().to_url_query(), "");
        assert_eq!(SyncView::from_url_query(""), (view(), vec![]));
    }

    #[test]
    fn invalid_url_values_are_ignored_and_named() {
        let (v, ignored) = SyncView::from_url_query(
            "?source=ekm&status=exploded&limit=7&skip=abc&sort=-name&job=&utm_source=x&status=failed",
        );
        assert_eq!(v.filter.source, Source::Aws);
        assert_eq!(v.filter.statuses, [SyncStatus::Failed]);
        assert_eq!(v.filter.limit, DEFAULT_LIMIT);
        assert_eq!(
            ignored,
            [
                "source=ekm",
                "status=exploded",
                "limit=7",
                "skip=abc",
                "sort=-name",
                "job="
            ]
        );
        let (v, ignored) = SyncView::from_url_query("skip=15");
        assert_eq!(v.filter.skip, 10);
        assert_eq!(ignored, ["skip=15"]);
        // Configuration is not view state: it is never read from a URL.
        let (v, ignored) = SyncView::from_url_query("cckmUrl=https%3A%2F%2Fevil&cckmToken=x");
        assert_eq!((v, ignored), (view(), vec![]));
    }

    #[test]
    fn page_ranges_count_from_one() {
        assert_eq!(page_range(20, 20), Some((21, 40)));
        assert_eq!(page_range(0, 0), None);
        assert_eq!(page_range(2_300, 18), Some((2_301, 2_318)));
    }
}
