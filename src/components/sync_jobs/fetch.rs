//! What the card asks CipherTrust Manager: the page shown, the count of
//! each status, and the failures of every source.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use keywatch_core::api::http::Fingerprint;

use crate::api::cckm;
use crate::api::error::ApiError;
use crate::api::{CckmConfig, Fetch, Reply, Transport};
use crate::clock::now_ms;
use crate::model::sync_job::{Source, SyncJob, SyncJobFilter, SyncStatus};
use crate::model::timestamp::Timestamp;
use crate::state::polled::Cadence;
use crate::state::row_window::WINDOW_FROM;
use crate::state::sync_view::STATUSES;

/// A page as shown: the server's page, ordered, and whether the server did it.
#[derive(Clone, Debug)]
pub struct ShownPage {
    /// Each job shared with its row, so that a render clones pointers.
    pub jobs: Rc<Vec<Rc<SyncJob>>>,
    pub skip: u64,
    pub total: u64,
    /// Jobs on the server's page before several statuses were filtered here.
    pub page_size: usize,
    /// `Some(true)`: the server ordered the page; `Some(false)`: it was
    /// ordered here, within the page only; `None`: no order was asked for.
    pub server_sorted: Option<bool>,
    /// When the page arrived: the timeline's "now", so that it is drawn
    /// again when a page arrives, not at every render (a keystroke in
    /// "Find in this page" would move each of its marks).
    pub received: Timestamp,
}

/// Equal when the server's page is: a poll that brings the same page keeps
/// the one shown, and renders nothing, whenever it arrived.
impl PartialEq for ShownPage {
    fn eq(&self, other: &Self) -> bool {
        let ShownPage {
            jobs,
            skip,
            total,
            page_size,
            server_sorted,
            received: _,
        } = self;
        (Rc::ptr_eq(jobs, &other.jobs) || *jobs == other.jobs)
            && *skip == other.skip
            && *total == other.total
            && *page_size == other.page_size
            && *server_sorted == other.server_sorted
    }
}

thread_local! {
    /// The last long page read, the fingerprint of its reply and the filter
    /// it was read for. A poll whose reply is the same again keeps the page
    /// without reading it: for 10,000 jobs, about 1 ms of hashing against
    /// some 150 ms of decoding, every poll, while nothing changes. Only a
    /// page of more than [`WINDOW_FROM`] jobs, none of them running (whose
    /// order and timeline move with the clock), is kept here; any other
    /// page read lets it go.
    static LAST_LONG: RefCell<Option<(Fingerprint, SyncJobFilter, ShownPage)>> =
        const { RefCell::new(None) };
}

/// The longest a page's reading holds the main thread at a time, in ms:
/// under the 50 ms of a long task, with room for the rest of its task.
const SLICE_MS: f64 = 30.0;

pub async fn fetch_page(
    cfg: CckmConfig,
    filter: SyncJobFilter,
) -> Result<Reply<ShownPage>, ApiError> {
    let unfiltered = SyncJobFilter {
        statuses: if filter.filters_the_page() {
            Vec::new()
        } else {
            filter.statuses.clone()
        },
        ..filter.clone()
    };
    // A long page is read in slices of about SLICE_MS, each a task of its
    // own: frames and keys are answered between them (a 10,000-job reply
    // was one task of 120-160 ms). A short page is one slice. The clock
    // starts with the request, so a long page's first pause ends the task
    // that read the body and found the jobs: counted from the first step,
    // that task ran 54-60 ms.
    let slice_began = Cell::new(now_ms());
    let pause = || {
        let due = now_ms() - slice_began.get() >= SLICE_MS;
        let slice_began = &slice_began;
        async move {
            if due {
                gloo_timers::future::TimeoutFuture::new(0).await;
                slice_began.set(now_ms());
            }
        }
    };
    let resp = Fetch
        .send(&cckm::sync_jobs_request(&cfg, &unfiltered))
        .await?;
    let print = resp.fingerprint();
    let now = Timestamp::from_unix_millis(now_ms() as i64);
    let known = LAST_LONG.with(|last| {
        last.borrow()
            .as_ref()
            .filter(|(was, read_for, _)| *was == print && *read_for == filter)
            .map(|(_, _, page)| page.clone())
    });
    if let Some(page) = known {
        return Ok(Reply {
            value: ShownPage {
                received: now,
                ..page
            },
            content_language: resp.content_language,
        });
    }
    let reply = cckm::read_sync_jobs_in_steps(&resp, &unfiltered, pause).await?;
    // The reply's text (7 MB for 10,000 jobs) goes before the page is built:
    // its memory is what the page's vectors take next.
    drop(resp);
    let reply = reply.map(|page| {
        let page_size = page.jobs.len();
        let page = filter.apply_client_side(page);
        let mut jobs = page.jobs;
        let server_sorted = filter.sort.map(|order| {
            let sent = filter.source.sorts() && order.key.wire_field().is_some();
            let honoured = sent && order.holds(&jobs, now);
            if !honoured {
                order.apply(&mut jobs, now);
            }
            honoured
        });
        ShownPage {
            jobs: Rc::new(jobs.into_iter().map(Rc::new).collect()),
            skip: page.skip,
            total: page.total,
            page_size,
            server_sorted,
            received: now,
        }
    });
    let page = &reply.value;
    let keep = page.page_size > WINDOW_FROM && cadence(page) == Cadence::Normal;
    LAST_LONG.with(|last| {
        *last.borrow_mut() = keep.then(|| (print, filter, page.clone()));
    });
    Ok(reply)
}

pub fn cadence(page: &ShownPage) -> Cadence {
    if page
        .jobs
        .iter()
        .any(|j| j.overall_status == SyncStatus::InProgress)
    {
        Cadence::Fast
    } else {
        Cadence::Normal
    }
}

/// Totals of several lists, in order; `None` for a list the server does
/// not have (HTTP 404: an older CipherTrust Manager without that family).
pub type Totals = Vec<Option<u64>>;

/// What a count asks: each status of the list's filter (statuses, page and
/// order aside), or each source's failed jobs. The requests are built when
/// the count runs, not at every render.
#[derive(Clone, Debug, PartialEq)]
pub enum Count {
    EachStatus(SyncJobFilter),
    FailedEachSource,
}

impl Count {
    /// Each status of `filter`, which keeps its source, containers and id:
    /// turning a page, sorting or choosing statuses asks nothing again.
    pub fn of_statuses(filter: &SyncJobFilter) -> Count {
        Count::EachStatus(SyncJobFilter {
            statuses: Vec::new(),
            skip: 0,
            sort: None,
            ..filter.clone()
        })
    }

    fn filters(self) -> Vec<SyncJobFilter> {
        match self {
            Count::EachStatus(filter) => STATUSES
                .iter()
                .map(|status| SyncJobFilter {
                    statuses: vec![status.clone()],
                    ..filter.clone()
                })
                .collect(),
            Count::FailedEachSource => Source::ALL
                .into_iter()
                .map(|source| SyncJobFilter {
                    source,
                    statuses: vec![SyncStatus::Failed],
                    ..SyncJobFilter::default()
                })
                .collect(),
        }
    }
}

/// How many jobs each of the count's filters finds: one request of one job per filter, read
/// for its total, one after another on purpose. Asked at once, they took
/// four of the six connections a browser opens to one origin, and the other
/// cards' first requests queued behind them (every card filled 415 → 475 ms
/// in `cargo xtask bench render`). An error other than 404 ends the round.
pub async fn fetch_totals(cfg: CckmConfig, count: Count) -> Result<Reply<Totals>, ApiError> {
    let mut totals = Vec::new();
    let mut language = None;
    for filter in count.filters() {
        let one = SyncJobFilter { limit: 1, ..filter };
        match cckm::sync_jobs(&Fetch, &cfg, &one).await {
            Ok(reply) => {
                language = reply.content_language;
                totals.push(Some(reply.value.total));
            }
            Err(error) if error.is_service_missing() => totals.push(None),
            Err(error) => return Err(error),
        }
    }
    Ok(Reply {
        value: totals,
        content_language: language,
    })
}
