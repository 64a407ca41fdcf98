use std::collections::VecDeque;

use serde_json::{json, Map, Value};

use super::rng::SimRng;
use super::scenario::Rates;

/// The families of synchronization jobs the simulated CCKM keeps: the
/// core's own list (paths, container fields, which ones sort). A unit test
/// below pins the paths word for word, so that a change in the core shows
/// here rather than passing silently.
pub use keywatch_core::model::sync_job::Source;

/// The CipherTrust domains the simulator knows. Every job lives in one;
/// a token works in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Domain {
    #[default]
    Root,
    Sales,
}

impl Domain {
    pub const ALL: [Domain; 2] = [Domain::Root, Domain::Sales];

    /// By name, as `POST /auth/tokens` takes it (`root` is CipherTrust's own
    /// name for the root domain).
    pub fn parse(name: &str) -> Option<Domain> {
        Domain::ALL.into_iter().find(|d| d.name() == name.trim())
    }

    pub fn name(self) -> &'static str {
        match self {
            Domain::Root => "root",
            Domain::Sales => "sales",
        }
    }
}

/// How a family's `detailed_status` is keyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DetailKey {
    /// `<account>/<region>`, as Thales' AWS example shows; also used for the
    /// families whose key format Thales does not show (Azure, OCI).
    AccountRegion,
    /// `projects/<project>/locations/<location>/keyRings/<ring>`, as
    /// Thales' Google example shows.
    GoogleKeyRing,
    /// The container itself (a Salesforce organization, an SAP group): one
    /// entry per container. Thales' pages do not show these; a guess.
    Container,
}

/// What the simulator makes up for each family (the wire names come from
/// [`Source`]).
fn detail_key(source: Source) -> DetailKey {
    match source {
        Source::Google => DetailKey::GoogleKeyRing,
        Source::Salesforce | Source::Sap => DetailKey::Container,
        _ => DetailKey::AccountRegion,
    }
}

/// The job's `cloud` field (Thales' Google example says `gcp`).
fn cloud_name(source: Source) -> &'static str {
    match source {
        Source::Aws | Source::AwsCustomKeyStores => "aws",
        Source::Azure | Source::AzureSecrets | Source::AzureCertificates => "azure",
        Source::Google => "gcp",
        Source::Oci => "oci",
        Source::Salesforce => "sfdc",
        Source::Sap => "sap",
    }
}

/// Container names. Those of the `sales` domain all start with `sales-`
/// (the simulator's own marker, so that a test can tell domains apart);
/// root's never do.
fn containers(source: Source, domain: Domain) -> &'static [&'static str] {
    match (source, domain) {
        (Source::Aws, Domain::Root) => &["kms", "kms-prod", "kms-audit"],
        (Source::Aws, Domain::Sales) => &["sales-kms", "sales-kms-eu"],
        (Source::AwsCustomKeyStores, Domain::Root) => {
            &["cks-cloudhsm-prod", "xks-prod", "cks-cloudhsm-dr"]
        }
        (Source::AwsCustomKeyStores, Domain::Sales) => &["sales-xks", "sales-cks-cloudhsm"],
        (Source::Azure, Domain::Root) => &["kv-prod-weu", "kv-dev-weu", "kv-backup"],
        (Source::Azure, Domain::Sales) => &["sales-kv-weu", "sales-kv-neu"],
        (Source::AzureSecrets, Domain::Root) => &["kv-secrets-prod", "kv-secrets-dev"],
        (Source::AzureSecrets, Domain::Sales) => &["sales-kv-secrets"],
        (Source::AzureCertificates, Domain::Root) => &["kv-certs-prod", "kv-certs-web"],
        (Source::AzureCertificates, Domain::Sales) => &["sales-kv-certs"],
        (Source::Google, Domain::Root) => &["ring-prod", "ring-dev"],
        (Source::Google, Domain::Sales) => &["sales-ring"],
        (Source::Oci, Domain::Root) => &["vault-prod", "vault-dr"],
        (Source::Oci, Domain::Sales) => &["sales-vault"],
        (Source::Salesforce, Domain::Root) => &["00D5g000004XyzAEAS", "00D5g000007LmnQEAS"],
        (Source::Salesforce, Domain::Sales) => &["sales-00D5g000009QrsTEAS"],
        (Source::Sap, Domain::Root) => &["sap-dc-eu10", "sap-dc-us10"],
        (Source::Sap, Domain::Sales) => &["sales-sap-dc-eu20"],
    }
}

fn accounts(source: Source) -> &'static [&'static str] {
    match source {
        Source::Aws | Source::AwsCustomKeyStores => &["123456789012", "210987654321"],
        Source::Azure | Source::AzureSecrets | Source::AzureCertificates => {
            &["3f2b8c1e-prod", "9a7d4e20-dev"]
        }
        Source::Google => &["keywatch-prod", "keywatch-staging"],
        Source::Oci => &["ocid1.tenancy.oc1..aaaakw"],
        Source::Salesforce => &["keywatch.my.salesforce.com"],
        Source::Sap => &["sap-subaccount-kw"],
    }
}

/// Regions (Google: key ring locations); none for families keyed by
/// container.
fn regions(source: Source) -> &'static [&'static str] {
    match source {
        Source::Aws => &[
            "us-east-1",
            "us-east-2",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-south-1",
            "ap-northeast-1",
            "sa-east-1",
        ],
        Source::AwsCustomKeyStores => &["us-east-1", "eu-west-1", "eu-central-1"],
        Source::Azure | Source::AzureSecrets | Source::AzureCertificates => {
            &["eastus", "westeurope", "northeurope", "germanywestcentral"]
        }
        Source::Google => &["global", "europe-west1", "us-central1", "asia-east1"],
        Source::Oci => &["eu-frankfurt-1", "us-ashburn-1", "uk-london-1"],
        Source::Salesforce | Source::Sap => &[],
    }
}

/// What a finished target says when it went well.
pub fn done_text(source: Source) -> &'static str {
    match source {
        Source::Google => GOOGLE_DONE,
        Source::Salesforce => "organization synchronized successfully",
        Source::Sap => "group synchronized successfully",
        _ => REGION_DONE,
    }
}

fn failure_text(source: Source) -> &'static str {
    match source {
        Source::Aws => "failed to synchronize region: AccessDeniedException: User is not authorized to perform: kms:ListKeys",
        Source::AwsCustomKeyStores => "failed to synchronize region: CustomKeyStoreInvalidStateException: the custom key store is not connected",
        Source::Azure => "failed to synchronize region: Forbidden: The user, group or application does not have keys list permission",
        Source::AzureSecrets => "failed to synchronize region: Forbidden: The user, group or application does not have secrets list permission",
        Source::AzureCertificates => "failed to synchronize region: Forbidden: The user, group or application does not have certificates list permission",
        Source::Google => "failed to synchronize key ring: googleapi: Error 403: Permission 'cloudkms.cryptoKeys.list' denied",
        Source::Oci => "failed to synchronize region: NotAuthorizedOrNotFound: Authorization failed or requested resource not found",
        Source::Salesforce => "failed to synchronize organization: INVALID_SESSION_ID: Session expired or invalid",
        Source::Sap => "failed to synchronize group: 403 Forbidden: insufficient scope for keystore access",
    }
}

/// The random stream of a family's jobs in a domain. AWS, Azure, Google
/// and OCI in root keep the streams they had before there were more
/// families, so their jobs stay what they were for a seed.
fn stream(source: Source, domain: Domain) -> u64 {
    let family = match source {
        Source::Aws => 0,
        Source::Azure => 1,
        Source::Google => 2,
        Source::Oci => 3,
        Source::AwsCustomKeyStores => 4,
        Source::AzureSecrets => 5,
        Source::AzureCertificates => 6,
        Source::Salesforce => 7,
        Source::Sap => 8,
    };
    let domain = match domain {
        Domain::Root => 0,
        Domain::Sales => 40,
    };
    20 + family + domain
}

pub const REGION_DONE: &str = "region synchronized successfully";
pub const GOOGLE_DONE: &str = "key ring synchronized successfully";
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
    pub source: Source,
    pub account_id: &'static str,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub completed_ms: Option<i64>,
    pub status: JobStatus,
    /// Targets (regions, key ring locations, containers) started so far,
    /// in order, with their text.
    pub detailed: Vec<(String, String)>,
    pub targets: Vec<&'static str>,
    /// Whether the job was started with an explicit region list (shown as `regions`).
    pub regions_listed: bool,
    pub containers: Vec<&'static str>,
    pub abort: bool,
    micros: u32,
    nanos: u32,
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
        let created = if self.source == Source::Google {
            // Google's jobs carry nine fraction digits (Thales' example).
            Value::String(super::clock::rfc3339_nanos(
                unix_ms(self.created_ms),
                self.micros,
                self.nanos,
            ))
        } else {
            time(self.created_ms, self.micros)
        };
        job.insert("createdAt".into(), created);
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
            .map(|(target, text)| (self.detail_key(target), json!(text)))
            .collect();
        job.insert("detailed_status".into(), Value::Object(detailed));
        job.insert("cloud".into(), json!(cloud_name(self.source)));
        if self.regions_listed {
            job.insert("regions".into(), json!(self.targets));
        }
        job.insert(
            self.source.containers().wire().into(),
            json!(self.containers),
        );
        job.insert("abort".into(), json!(self.abort));
        Value::Object(job)
    }

    pub fn is_active(&self) -> bool {
        self.status == JobStatus::InProgress
    }

    fn detail_key(&self, target: &str) -> String {
        match detail_key(self.source) {
            DetailKey::AccountRegion => format!("{}/{target}", self.account_id),
            DetailKey::GoogleKeyRing => format!(
                "projects/{}/locations/{target}/keyRings/{}",
                self.account_id,
                self.containers.first().copied().unwrap_or_default()
            ),
            DetailKey::Container => target.to_string(),
        }
    }
}

/// Jobs beyond this many are forgotten, oldest first.
const JOBS_KEPT: usize = 20_000;

/// One family's synchronization jobs in one domain, oldest first.
#[derive(Debug, Clone)]
pub struct CloudSync {
    source: Source,
    domain: Domain,
    rng: SimRng,
    rates: Rates,
    jobs: VecDeque<SyncJob>,
    next_job_ms: i64,
}

impl CloudSync {
    pub fn new(seed: u64, source: Source, domain: Domain, rates: Rates) -> Self {
        let mut sync = CloudSync {
            source,
            domain,
            rng: SimRng::new(seed, stream(source, domain)),
            rates,
            jobs: VecDeque::new(),
            next_job_ms: 0,
        };
        // AWS in root has the long history (tests and the bench page
        // through it); the other families and domains a short one.
        let history = match (source, domain) {
            (Source::Aws, Domain::Root) => rates.history_jobs,
            (_, Domain::Root) => rates.history_jobs.min(4),
            (_, Domain::Sales) => rates.history_jobs.min(3),
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

    pub fn source(&self) -> Source {
        self.source
    }

    pub fn domain(&self) -> Domain {
        self.domain
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
        let source = self.source;
        let all_regions = regions(source);
        let by_region = !all_regions.is_empty();
        let mut targets: Vec<&'static str> = Vec::new();
        if by_region {
            let first = self.rng.between(0, all_regions.len() as u64 - 1) as usize;
            let count = self.rng.between(1, 3.min(all_regions.len() as u64)) as usize;
            targets = (0..count)
                .map(|i| all_regions[(first + i) % all_regions.len()])
                .collect();
        }
        let names = containers(source, self.domain);
        let mut containers = vec![self.rng.pick(names)];
        if self.rng.percent(25) {
            let other = self.rng.pick(names);
            if !containers.contains(&other) {
                containers.push(other);
            }
        }
        if !by_region {
            targets = containers.clone();
        }
        let abort_at_region = self
            .rng
            .percent(self.rates.abort_percent)
            .then(|| self.rng.between(0, targets.len() as u64 - 1) as usize);
        let first_region = targets[0].to_string();
        let account_id: &'static str = self.rng.pick(accounts(source));
        // Drawn in the order they always were, so that AWS's jobs stay what
        // they were for a seed.
        let id = self.rng.uuid();
        // Only region-keyed families other than Google list `regions`
        // (Google's jobs name key rings).
        let regions_listed = self.rng.percent(70) && by_region && source != Source::Google;
        let micros = self.rng.between(0, 999) as u32;
        let nanos = if source == Source::Google {
            self.rng.between(0, 999) as u32
        } else {
            0
        };
        SyncJob {
            id,
            source,
            account_id,
            created_ms: at,
            updated_ms: at,
            completed_ms: None,
            status: JobStatus::InProgress,
            detailed: vec![(first_region, IN_PROGRESS.to_string())],
            regions_listed,
            targets,
            containers,
            abort: false,
            micros,
            nanos,
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
            failure_text(job.source).to_string()
        } else {
            done_text(job.source).to_string()
        };
        if let Some(next) = job.targets.get(current + 1) {
            job.detailed
                .push((next.to_string(), IN_PROGRESS.to_string()));
            job.next_step_ms = at + self.gap_ms(self.rates.region_step_s);
            return;
        }
        let done = done_text(job.source);
        let any_failed = job.detailed.iter().any(|(_, text)| text != done);
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
    /// Any of these (the family's field: `kms`, `key_vaults`, `key_rings`,
    /// `vaults`, `organizations`, `groups`).
    pub containers: Vec<String>,
    pub skip: usize,
    pub limit: usize,
    /// `sort` (Google and Salesforce only): `createdAt` or `overall_status`,
    /// `-` first for descending; `None` is newest first.
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
        let sync = CloudSync::new(1, Source::Aws, Domain::Root, Scenario::Busy.rates());
        let jobs: Vec<&SyncJob> = sync.newest_first().collect();
        assert_eq!(jobs.len(), 6);
        assert!(jobs
            .iter()
            .all(|job| !job.is_active() && job.completed_ms.is_some()));
        assert!(jobs.windows(2).all(|w| w[0].created_ms >= w[1].created_ms));
    }

    #[test]
    fn jobs_progress_region_by_region_and_end_every_way() {
        let mut sync = CloudSync::new(2, Source::Aws, Domain::Root, Scenario::Failing.rates());
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
        let mut coarse = CloudSync::new(5, Source::Azure, Domain::Root, Scenario::Busy.rates());
        let mut fine = CloudSync::new(5, Source::Azure, Domain::Root, Scenario::Busy.rates());
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
        let sync = CloudSync::new(7, Source::Aws, Domain::Root, Scenario::Busy.rates());
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
        let sync = CloudSync::new(1, Source::Aws, Domain::Root, Scenario::ManyJobs.rates());
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
        let sync = CloudSync::new(1, Source::Aws, Domain::Root, Scenario::Busy.rates());
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

    #[test]
    fn the_families_are_thales_paths_word_for_word() {
        let paths: Vec<&str> = Source::ALL.iter().map(|s| s.path()).collect();
        assert_eq!(
            paths,
            [
                "cckm/aws/synchronization-jobs",
                "cckm/aws/custom-key-stores/synchronization-jobs",
                "cckm/azure/synchronization-jobs",
                "cckm/azure/secrets/synchronization-jobs",
                "cckm/azure/certificates/synchronization-jobs",
                "cckm/google/synchronization-jobs",
                "cckm/oci/synchronization-jobs",
                "cckm/sfdc/keys/synchronization-jobs",
                "cckm/sap/synchronization-jobs",
            ]
        );
    }

    #[test]
    fn every_family_and_domain_has_jobs_under_its_own_field() {
        for source in Source::ALL {
            for domain in Domain::ALL {
                let sync = CloudSync::new(3, source, domain, Scenario::Busy.rates());
                let jobs: Vec<&SyncJob> = sync.newest_first().collect();
                assert!(!jobs.is_empty(), "{source:?} {domain:?}");
                for job in jobs {
                    let json = job.to_json(|ms| 1_604_558_385_000 + ms);
                    let field = source.containers().wire();
                    let names = json[field].as_array().unwrap();
                    assert_eq!(names.len(), job.containers.len());
                    assert!(!names.is_empty(), "{json}");
                    assert!(
                        names
                            .iter()
                            .all(|n| n.as_str().unwrap().starts_with("sales-")
                                == (domain == Domain::Sales)),
                        "{source:?} {domain:?}: {json}"
                    );
                    for other in [
                        "kms",
                        "key_vaults",
                        "key_rings",
                        "vaults",
                        "organizations",
                        "groups",
                    ] {
                        assert_eq!(json.get(other).is_some(), other == field, "{json}");
                    }
                }
            }
        }
    }

    #[test]
    fn google_names_key_rings_whole_with_nine_fraction_digits() {
        let sync = CloudSync::new(1, Source::Google, Domain::Root, Scenario::Busy.rates());
        let jobs: Vec<&SyncJob> = sync.newest_first().collect();
        assert!(!jobs.is_empty());
        for job in jobs {
            let json = job.to_json(|ms| 1_604_558_385_000 + ms);
            let created = json["createdAt"].as_str().unwrap();
            let fraction = created.split('.').nth(1).unwrap();
            assert_eq!(fraction.len(), 10, "{created}");
            assert_eq!(json["cloud"], "gcp");
            assert!(json.get("regions").is_none());
            let details = json["detailed_status"].as_object().unwrap();
            assert!(!details.is_empty());
            for (key, text) in details {
                assert!(
                    key.starts_with("projects/keywatch-")
                        && key.contains("/locations/")
                        && key.contains("/keyRings/ring-"),
                    "{key}"
                );
                if job.status == JobStatus::Completed {
                    assert_eq!(text, GOOGLE_DONE);
                }
            }
        }
    }
}
