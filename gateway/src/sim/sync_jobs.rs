use std::collections::VecDeque;

use serde_json::{json, Map, Value};

use super::rng::SimRng;
use super::scenario::Rates;

/// A cloud CipherTrust CCKM synchronizes keys with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    Aws,
    Azure,
    Google,
    Oci,
}

pub const CLOUDS: [Cloud; 4] = [Cloud::Aws, Cloud::Azure, Cloud::Google, Cloud::Oci];

impl Cloud {
    pub fn parse(name: &str) -> Option<Cloud> {
        CLOUDS.into_iter().find(|c| c.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Cloud::Aws => "aws",
            Cloud::Azure => "azure",
            Cloud::Google => "google",
            Cloud::Oci => "oci",
        }
    }

    /// What the job synchronizes, by the field and filter name CCKM uses.
    pub fn container_field(self) -> &'static str {
        match self {
            Cloud::Aws => "kms",
            Cloud::Azure => "key_vaults",
            Cloud::Google => "key_rings",
            Cloud::Oci => "vaults",
        }
    }

    fn containers(self) -> &'static [&'static str] {
        match self {
            Cloud::Aws => &["kms", "kms-prod", "kms-audit"],
            Cloud::Azure => &["kv-prod-weu", "kv-dev-weu", "kv-backup"],
            Cloud::Google => &["ring-prod", "ring-dev"],
            Cloud::Oci => &["vault-prod", "vault-dr"],
        }
    }

    fn accounts(self) -> &'static [&'static str] {
        match self {
            Cloud::Aws => &["123456789012", "210987654321"],
            Cloud::Azure => &["3f2b8c1e-prod", "9a7d4e20-dev"],
            Cloud::Google => &["keywatch-prod", "keywatch-staging"],
            Cloud::Oci => &["ocid1.tenancy.oc1..aaaakw"],
        }
    }

    fn regions(self) -> &'static [&'static str] {
        match self {
            Cloud::Aws => &[
                "us-east-1",
                "us-east-2",
                "us-west-2",
                "eu-west-1",
                "eu-central-1",
                "ap-south-1",
                "ap-northeast-1",
                "sa-east-1",
            ],
            Cloud::Azure => &["eastus", "westeurope", "northeurope", "germanywestcentral"],
            Cloud::Google => &["us-central1", "europe-west1", "europe-west3", "asia-east1"],
            Cloud::Oci => &["eu-frankfurt-1", "us-ashburn-1", "uk-london-1"],
        }
    }

    fn region_failure(self) -> &'static str {
        match self {
            Cloud::Aws => "failed to synchronize region: AccessDeniedException: User is not authorized to perform: kms:ListKeys",
            Cloud::Azure => "failed to synchronize region: Forbidden: The user, group or application does not have keys list permission",
            Cloud::Google => "failed to synchronize region: googleapi: Error 403: Permission 'cloudkms.cryptoKeys.list' denied",
            Cloud::Oci => "failed to synchronize region: NotAuthorizedOrNotFound: Authorization failed or requested resource not found",
        }
    }
}

pub const REGION_DONE: &str = "region synchronized successfully";
pub const IN_PROGRESS: &str = "in_progress";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    InProgress,
    Completed,
    Failed,
    Aborted,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::InProgress => "in_progress",
            JobStatus::Completed => "completed",
            JobStatus::Failed => "failed",
            JobStatus::Aborted => "aborted",
        }
    }
}

/// One synchronization job, shaped like CipherTrust's.
#[derive(Debug, Clone)]
pub struct SyncJob {
    pub id: String,
    pub cloud: Cloud,
    pub account_id: &'static str,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub completed_ms: Option<i64>,
    pub status: JobStatus,
    /// Regions started so far, in order, with their text.
    pub detailed: Vec<(String, String)>,
    pub targets: Vec<&'static str>,
    /// Whether the job was started with an explicit region list (shown as `regions`).
    pub regions_listed: bool,
    pub containers: Vec<&'static str>,
    pub abort: bool,
    micros: u32,
    abort_at_region: Option<usize>,
    next_step_ms: i64,
}

impl SyncJob {
    pub fn to_json(&self, unix_ms: impl Fn(i64) -> i64) -> Value {
        use super::clock::rfc3339_micros;
        let mut job = Map::new();
        let time = |ms: i64, extra: u32| Value::String(rfc3339_micros(unix_ms(ms), extra));
        job.insert("id".into(), json!(self.id));
        job.insert(
            "uri".into(),
            json!(format!("kylo:kylo:cckm:synchronize:{}", self.id)),
        );
        job.insert("account".into(), json!("kylo:kylo:admin:accounts:kylo"));
        job.insert(
            "application".into(),
            json!("ncryptify:gemalto:admin:apps:kylo"),
        );
        job.insert(
            "devAccount".into(),
            json!("ncryptify:gemalto:admin:accounts:gemalto"),
        );
        job.insert("createdAt".into(), time(self.created_ms, self.micros));
        job.insert(
            "updatedAt".into(),
            time(self.updated_ms, self.micros / 7 + 152),
        );
        if let Some(done) = self.completed_ms {
            job.insert("completed_at".into(), time(done, self.micros / 7));
        }
        job.insert("overall_status".into(), json!(self.status.as_str()));
        let detailed: Map<String, Value> = self
            .detailed
            .iter()
            .map(|(region, text)| (format!("{}/{region}", self.account_id), json!(text)))
            .collect();
        job.insert("detailed_status".into(), Value::Object(detailed));
        job.insert("cloud".into(), json!(self.cloud.name()));
        if self.regions_listed {
            job.insert("regions".into(), json!(self.targets));
        }
        job.insert(self.cloud.container_field().into(), json!(self.containers));
        job.insert("abort".into(), json!(self.abort));
        Value::Object(job)
    }

    pub fn is_active(&self) -> bool {
        self.status == JobStatus::InProgress
    }
}

/// Jobs beyond this many are forgotten, oldest first.
const JOBS_KEPT: usize = 20_000;

/// One cloud's synchronization jobs, oldest first.
#[derive(Debug, Clone)]
pub struct CloudSync {
    cloud: Cloud,
    rng: SimRng,
    rates: Rates,
    jobs: VecDeque<SyncJob>,
    next_job_ms: i64,
}

impl CloudSync {
    pub fn new(seed: u64, cloud: Cloud, rates: Rates) -> Self {
        let mut sync = CloudSync {
            cloud,
            rng: SimRng::new(seed, 20 + cloud as u64),
            rates,
            jobs: VecDeque::new(),
            next_job_ms: 0,
        };
        let history = if cloud == Cloud::Aws {
            rates.history_jobs
        } else {
            rates.history_jobs.min(4)
        };
        for ago in (1..=history as i64).rev() {
            let created = -ago * 400_000 + sync.rng.between(0, 200) as i64 * 1000;
            let mut job = sync.new_job(created);
            while job.is_active() {
                let at = job.next_step_ms;
                sync.step_job_in_place(&mut job, at);
            }
            sync.jobs.push_back(job);
        }
        sync.next_job_ms = sync.gap_ms(rates.sync_gap_s) / 4;
        sync
    }

    pub fn cloud(&self) -> Cloud {
        self.cloud
    }

    /// Latest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &SyncJob> {
        self.jobs.iter().rev()
    }

    pub fn find(&self, id: &str) -> Option<&SyncJob> {
        self.jobs.iter().find(|job| job.id == id)
    }

    pub fn advance_to(&mut self, now_ms: i64) {
        loop {
            let next_step = self
                .jobs
                .iter()
                .enumerate()
                .filter(|(_, job)| job.is_active())
                .map(|(index, job)| (job.next_step_ms, index))
                .min();
            match next_step {
                Some((at, index)) if at <= now_ms && at < self.next_job_ms => {
                    let mut job = self.jobs[index].clone();
                    self.step_job_in_place(&mut job, at);
                    self.jobs[index] = job;
                }
                _ if self.next_job_ms <= now_ms => {
                    let at = self.next_job_ms;
                    let job = self.new_job(at);
                    self.jobs.push_back(job);
                    self.forget_oldest();
                    self.next_job_ms = at + self.gap_ms(self.rates.sync_gap_s);
                }
                _ => return,
            }
        }
    }

    fn forget_oldest(&mut self) {
        while self.jobs.len() > JOBS_KEPT && self.jobs.front().is_some_and(|job| !job.is_active()) {
            self.jobs.pop_front();
        }
    }

    fn new_job(&mut self, at: i64) -> SyncJob {
        let cloud = self.cloud;
        let all_regions = cloud.regions();
        let first = self.rng.between(0, all_regions.len() as u64 - 1) as usize;
        let count = self.rng.between(1, 3.min(all_regions.len() as u64)) as usize;
        let targets: Vec<&'static str> = (0..count)
            .map(|i| all_regions[(first + i) % all_regions.len()])
            .collect();
        let mut containers = vec![self.rng.pick(cloud.containers())];
        if self.rng.percent(25) {
            let other = self.rng.pick(cloud.containers());
            if !containers.contains(&other) {
                containers.push(other);
            }
        }
        let abort_at_region = self
            .rng
            .percent(self.rates.abort_percent)
            .then(|| self.rng.between(0, targets.len() as u64 - 1) as usize);
        let first_region = targets[0].to_string();
        let account_id: &'static str = self.rng.pick(cloud.accounts());
        SyncJob {
            id: self.rng.uuid(),
            cloud,
            account_id,
            created_ms: at,
            updated_ms: at,
            completed_ms: None,
            status: JobStatus::InProgress,
            detailed: vec![(first_region, IN_PROGRESS.to_string())],
            regions_listed: self.rng.percent(70),
            targets,
            containers,
            abort: false,
            micros: self.rng.between(0, 999) as u32,
            abort_at_region,
            next_step_ms: at + self.gap_ms(self.rates.region_step_s),
        }
    }

    fn step_job_in_place(&mut self, job: &mut SyncJob, at: i64) {
        job.updated_ms = at;
        let current = job.detailed.len() - 1;
        if job.abort {
            // Cancelled: the region under way stays "in_progress", as in CCKM.
            job.status = JobStatus::Aborted;
            job.completed_ms = Some(at);
            return;
        }
        if job.abort_at_region == Some(current) {
            job.abort = true;
            job.next_step_ms = at + self.gap_ms((1, 3));
            return;
        }
        let failed = self.rng.percent(self.rates.region_fail_percent);
        job.detailed[current].1 = if failed {
            job.cloud.region_failure().to_string()
        } else {
            REGION_DONE.to_string()
        };
        if let Some(next) = job.targets.get(current + 1) {
            job.detailed
                .push((next.to_string(), IN_PROGRESS.to_string()));
            job.next_step_ms = at + self.gap_ms(self.rates.region_step_s);
            return;
        }
        let any_failed = job.detailed.iter().any(|(_, text)| text != REGION_DONE);
        job.status = if any_failed {
            JobStatus::Failed
        } else {
            JobStatus::Completed
        };
        job.completed_ms = Some(at);
    }

    fn gap_ms(&mut self, range: (u64, u64)) -> i64 {
        self.rng.between(range.0, range.1) as i64 * 1000
    }
}

/// The filters and page CCKM's list endpoint takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncJobQuery {
    pub id: Option<String>,
    pub overall_status: Option<String>,
    /// Any of these (`kms` for AWS, `key_vaults`, `key_rings`, `vaults`).
    pub containers: Vec<String>,
    pub skip: usize,
    pub limit: usize,
    /// `sort`: `createdAt` or `overall_status`, `-` first for descending;
    /// `None` is newest first.
    pub sort: Option<JobSort>,
}

/// An order the simulated list honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSort {
    pub by_status: bool,
    pub descending: bool,
}

impl JobSort {
    /// Reads `createdAt`, `-createdAt`, `overall_status` or `-overall_status`.
    pub fn parse(raw: &str) -> Option<JobSort> {
        let (descending, field) = match raw.trim().strip_prefix('-') {
            Some(field) => (true, field),
            None => (false, raw.trim()),
        };
        let by_status = match field {
            "createdAt" => false,
            "overall_status" => true,
            _ => return None,
        };
        Some(JobSort {
            by_status,
            descending,
        })
    }
}

pub const DEFAULT_LIMIT: usize = 10;

impl SyncJobQuery {
    pub fn matches(&self, job: &SyncJob) -> bool {
        self.id.as_ref().is_none_or(|id| &job.id == id)
            && self
                .overall_status
                .as_ref()
                .is_none_or(|status| job.status.as_str() == status)
            && (self.containers.is_empty()
                || job
                    .containers
                    .iter()
                    .any(|c| self.containers.iter().any(|wanted| wanted == c)))
    }
}

/// `(total, page)` for a query, latest jobs first.
pub fn page<'a>(sync: &'a CloudSync, query: &SyncJobQuery) -> (usize, Vec<&'a SyncJob>) {
    let mut matching: Vec<&SyncJob> = sync
        .newest_first()
        .filter(|job| query.matches(job))
        .collect();
    if let Some(sort) = query.sort {
        // Stable: ties keep newest first.
        matching.sort_by(|a, b| {
            let order = if sort.by_status {
                a.status.as_str().cmp(b.status.as_str())
            } else {
                a.created_ms.cmp(&b.created_ms)
            };
            if sort.descending {
                order.reverse()
            } else {
                order
            }
        });
    }
    let total = matching.len();
    let page = matching
        .into_iter()
        .skip(query.skip)
        .take(query.limit)
        .collect();
    (total, page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Scenario;

    fn query() -> SyncJobQuery {
        SyncJobQuery {
            limit: DEFAULT_LIMIT,
            ..SyncJobQuery::default()
        }
    }

    #[test]
    fn history_is_finished_and_newest_first() {
        let sync = CloudSync::new(1, Cloud::Aws, Scenario::Busy.rates());
        let jobs: Vec<&SyncJob> = sync.newest_first().collect();
        assert_eq!(jobs.len(), 6);
        assert!(jobs
            .iter()
            .all(|job| !job.is_active() && job.completed_ms.is_some()));
        assert!(jobs.windows(2).all(|w| w[0].created_ms >= w[1].created_ms));
    }

    #[test]
    fn jobs_progress_region_by_region_and_end_every_way() {
        let mut sync = CloudSync::new(2, Cloud::Aws, Scenario::Failing.rates());
        let mut seen_partial = false;
        for second in 0..4 * 3600 {
            sync.advance_to(second * 1000);
            seen_partial |= sync.newest_first().any(|job| {
                job.is_active()
                    && job.detailed.len() > 1
                    && job.detailed[..job.detailed.len() - 1]
                        .iter()
                        .all(|(_, text)| text != IN_PROGRESS)
            });
        }
        assert!(seen_partial, "a job was seen between regions");
        let statuses: std::collections::BTreeSet<&str> =
            sync.newest_first().map(|job| job.status.as_str()).collect();
        for status in ["completed", "failed", "aborted"] {
            assert!(statuses.contains(status), "{status} in {statuses:?}");
        }
        for job in sync.newest_first() {
            assert_eq!(job.completed_ms.is_some(), !job.is_active());
            if job.status == JobStatus::Aborted {
                assert!(job.abort);
                assert_eq!(
                    job.detailed.last().map(|(_, t)| t.as_str()),
                    Some(IN_PROGRESS)
                );
            }
            if job.status == JobStatus::Completed {
                assert!(job.detailed.iter().all(|(_, t)| t == REGION_DONE));
                assert_eq!(job.detailed.len(), job.targets.len());
            }
        }
    }

    #[test]
    fn same_seed_same_jobs_whatever_the_polling() {
        let mut coarse = CloudSync::new(5, Cloud::Azure, Scenario::Busy.rates());
        let mut fine = CloudSync::new(5, Cloud::Azure, Scenario::Busy.rates());
        for second in 0..3000 {
            fine.advance_to(second * 1000);
        }
        coarse.advance_to(2_999_000);
        let ids = |s: &CloudSync| -> Vec<(String, &'static str, usize)> {
            s.newest_first()
                .map(|j| (j.id.clone(), j.status.as_str(), j.detailed.len()))
                .collect()
        };
        assert_eq!(ids(&coarse), ids(&fine));
    }

    #[test]
    fn honours_sort_by_start_and_by_status() {
        assert_eq!(
            JobSort::parse("-createdAt"),
            Some(JobSort {
                by_status: false,
                descending: true
            })
        );
        assert_eq!(
            JobSort::parse("overall_status"),
            Some(JobSort {
                by_status: true,
                descending: false
            })
        );
        assert_eq!(JobSort::parse("name"), None);
        let sync = CloudSync::new(7, Cloud::Aws, Scenario::Busy.rates());
        let mut q = query();
        q.limit = 50;
        q.sort = JobSort::parse("createdAt");
        let (_, oldest_first) = page(&sync, &q);
        assert!(oldest_first.len() > 2);
        assert!(oldest_first
            .windows(2)
            .all(|w| w[0].created_ms <= w[1].created_ms));
        q.sort = JobSort::parse("-overall_status");
        let (_, by_status) = page(&sync, &q);
        assert!(by_status
            .windows(2)
            .all(|w| w[0].status.as_str() >= w[1].status.as_str()));
    }

    #[test]
    fn filters_count_the_total_before_paging() {
        let sync = CloudSync::new(1, Cloud::Aws, Scenario::ManyJobs.rates());
        let (total, jobs) = page(&sync, &query());
        assert_eq!(total, 10_000);
        assert_eq!(jobs.len(), 10);
        let completed = SyncJobQuery {
            overall_status: Some("completed".into()),
            skip: 5,
            ..query()
        };
        let (completed_total, jobs) = page(&sync, &completed);
        assert!(completed_total < total && completed_total > 0);
        assert!(jobs.iter().all(|job| job.status == JobStatus::Completed));
        let audit = SyncJobQuery {
            containers: vec!["kms-audit".into()],
            ..query()
        };
        let (_, jobs) = page(&sync, &audit);
        assert!(jobs.iter().all(|job| job.containers.contains(&"kms-audit")));
        let past_the_end = SyncJobQuery {
            skip: 20_000,
            ..query()
        };
        let (total, jobs) = page(&sync, &past_the_end);
        assert_eq!((total, jobs.len()), (10_000, 0));
    }

    #[test]
    fn json_has_the_seed_shape() {
        let sync = CloudSync::new(1, Cloud::Aws, Scenario::Busy.rates());
        let job = sync
            .newest_first()
            .next()
            .unwrap()
            .to_json(|ms| 1_604_558_385_000 + ms);
        for field in [
            "id",
            "uri",
            "account",
            "application",
            "devAccount",
            "createdAt",
            "updatedAt",
            "completed_at",
            "overall_status",
            "detailed_status",
            "cloud",
            "kms",
            "abort",
        ] {
            assert!(job.get(field).is_some(), "{field} in {job}");
        }
        assert!(job["uri"]
            .as_str()
            .unwrap()
            .starts_with("kylo:kylo:cckm:synchronize:"));
        let key = job["detailed_status"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone();
        assert!(key.contains('/'), "{key}");
    }
}
