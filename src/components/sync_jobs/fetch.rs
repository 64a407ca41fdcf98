//! What the card asks CipherTrust Manager: the page shown, the count of
//! each status, and the failures of every source.

use std::rc::Rc;

use crate::api::cckm;
use crate::api::error::ApiError;
use crate::api::{CckmConfig, Fetch, Reply};
use crate::clock::now_ms;
use crate::model::sync_job::{Source, SyncJob, SyncJobFilter, SyncStatus};
use crate::model::timestamp::Timestamp;
use crate::state::polled::Cadence;
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
        *jobs == other.jobs
            && *skip == other.skip
            && *total == other.total
            && *page_size == other.page_size
            && *server_sorted == other.server_sorted
    }
}

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
    let reply = cckm::sync_jobs(&Fetch, &cfg, &unfiltered).await?;
    let now = Timestamp::from_unix_millis(now_ms() as i64);
    Ok(reply.map(|page| {
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
    }))
}

/// How many jobs of each status the current filter (statuses aside) has:
/// one small request per status, read for its total. One after another on
/// purpose: asked at once, they took four of the six connections a browser
/// opens to one origin, and the other cards' first requests queued behind
/// them (every card filled 415 → 475 ms in `cargo xtask bench render`).
pub async fn fetch_counts(
    cfg: CckmConfig,
    filter: SyncJobFilter,
) -> Result<Reply<Vec<(SyncStatus, u64)>>, ApiError> {
    let mut counts = Vec::new();
    let mut language = None;
    for status in STATUSES {
        let one = SyncJobFilter {
            statuses: vec![status.clone()],
            skip: 0,
            limit: 1,
            sort: None,
            ..filter.clone()
        };
        let reply = cckm::sync_jobs(&Fetch, &cfg, &one).await?;
        language = reply.content_language;
        counts.push((status, reply.value.total));
    }
    Ok(Reply {
        value: counts,
        content_language: language,
    })
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

/// Each source's failed jobs, `None` for a source the server does not have
/// (HTTP 404: an older CipherTrust Manager).
pub type SourceFailures = Vec<(Source, Option<u64>)>;

/// How many failed jobs each source holds: one small request per source,
/// one after another, read for its total. Another error ends the round.
pub async fn fetch_source_failures(cfg: CckmConfig) -> Result<Reply<Rc<SourceFailures>>, ApiError> {
    let mut counts = Vec::new();
    let mut language = None;
    for source in Source::ALL {
        let one = SyncJobFilter {
            source,
            statuses: vec![SyncStatus::Failed],
            limit: 1,
            ..SyncJobFilter::default()
        };
        match cckm::sync_jobs(&Fetch, &cfg, &one).await {
            Ok(reply) => {
                language = reply.content_language;
                counts.push((source, Some(reply.value.total)));
            }
            Err(error) if error.is_service_missing() => counts.push((source, None)),
            Err(error) => return Err(error),
        }
    }
    Ok(Reply {
        value: Rc::new(counts),
        content_language: language,
    })
}
