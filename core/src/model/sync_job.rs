//! CipherTrust Manager's AWS key synchronization jobs
//! (`GET /cckm/aws/synchronization-jobs`).

use std::time::Duration;

use std::borrow::Cow;
use std::ops::Range;

use crate::json::{Map, Value};

use super::decode::{child_path, index_path, scalar_text, DecodeError, Expected, Fields};
use super::text::plain_text;
use super::timestamp::Timestamp;
use crate::text::Text;

/// A job's `overall_status`. Documented: `in_progress`, `completed`,
/// `failed`; seen in the documentation's example: `aborted`. Anything else is
/// kept as sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SyncStatus {
    InProgress,
    Completed,
    Failed,
    Aborted,
    Other(String),
}

impl SyncStatus {
    pub fn from_wire(raw: &str) -> Self {
        let trimmed = raw.trim();
        let is = |name: &str| trimmed.eq_ignore_ascii_case(name);
        if is("in_progress") {
            SyncStatus::InProgress
        } else if is("completed") {
            SyncStatus::Completed
        } else if is("failed") {
            SyncStatus::Failed
        } else if is("aborted") {
            SyncStatus::Aborted
        } else {
            SyncStatus::Other(raw.to_owned())
        }
    }

    /// The value as the API spells it, for the `overall_status` filter.
    pub fn as_wire(&self) -> &str {
        match self {
            SyncStatus::InProgress => "in_progress",
            SyncStatus::Completed => "completed",
            SyncStatus::Failed => "failed",
            SyncStatus::Aborted => "aborted",
            SyncStatus::Other(raw) => raw,
        }
    }

    /// True once the job will not change any more.
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            SyncStatus::Completed | SyncStatus::Failed | SyncStatus::Aborted
        )
    }
}

/// What a region's free-text status says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionReading {
    Synchronized,
    InProgress,
    Failed,
    Other,
}

impl RegionReading {
    /// Reads texts such as `region synchronized successfully` or
    /// `in_progress`. Words of failure win over words of success
    /// (`synchronization failed`); negations are not read as success.
    pub fn from_text(text: &str) -> Self {
        // A long page reads thousands of these: a short text is lowercased
        // on the stack, not in a new String.
        let text = text.trim();
        let mut buffer = [0u8; 64];
        let lower: std::borrow::Cow<'_, str> = match buffer.get_mut(..text.len()) {
            Some(room) => {
                room.copy_from_slice(text.as_bytes());
                room.make_ascii_lowercase();
                // ASCII case changes keep UTF-8 whole.
                std::str::from_utf8(room).map_or_else(
                    |_| text.to_ascii_lowercase().into(),
                    std::borrow::Cow::Borrowed,
                )
            }
            None => text.to_ascii_lowercase().into(),
        };
        Self::from_lowercase(&lower)
    }

    /// The reading of a text already trimmed and lowercased.
    pub(crate) fn from_lowercase(lower: &str) -> Self {
        let has = |word: &str| lower.contains(word);
        if has("fail") || has("error") || has("abort") {
            RegionReading::Failed
        } else if has("in_progress") || has("in progress") || has("pending") || has("running") {
            RegionReading::InProgress
        } else if has("not ") || has("unsync") {
            RegionReading::Other
        } else if has("success") || has("synchronized") || lower == "completed" || lower == "done" {
            RegionReading::Synchronized
        } else {
            RegionReading::Other
        }
    }
}

/// One `detailed_status` entry, `"<account>/<region>": "<text>"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionDetail {
    /// The account, before the `/`; empty when the key is not `<account>/<region>`.
    pub account: String,
    /// The region, after the `/` (the whole key when it is not `<account>/<region>`).
    pub region: String,
    /// The server's text, as plain text.
    pub text: String,
    pub reading: RegionReading,
}

impl RegionDetail {
    /// Splits `"<account>/<region>"`; a key of any other shape (no `/`,
    /// several, an empty side, a URL) is kept whole as the region.
    pub fn new(key: &str, text: &str) -> Self {
        let (account, region) = match key.split_once('/') {
            Some((account, region))
                if !account.is_empty()
                    && !region.is_empty()
                    && !region.contains('/')
                    && !account.contains(':') =>
            {
                (account, region)
            }
            _ => ("", key),
        };
        let text = plain_text(text);
        RegionDetail {
            account: account.to_owned(),
            region: region.to_owned(),
            reading: RegionReading::from_text(&text),
            text,
        }
    }
}

impl RegionDetail {
    /// The key as an operator reads it: `account/region`, or the whole key.
    pub fn key(&self) -> String {
        if self.account.is_empty() {
            self.region.clone()
        } else {
            format!("{}/{}", self.account, self.region)
        }
    }
}

/// One synchronization job, with every field of the API's job object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncJob {
    pub id: String,
    pub uri: String,
    pub account: String,
    pub application: String,
    pub dev_account: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Absent while the job runs (also when sent as `null`, empty, or Go's
    /// zero time).
    pub completed_at: Option<Timestamp>,
    pub overall_status: SyncStatus,
    /// `detailed_status`, one entry per account and region, in key order.
    pub details: Vec<RegionDetail>,
    pub cloud: String,
    /// The regions asked for; `None` when the field is absent.
    pub regions: Option<Vec<String>>,
    /// What the job synchronizes (AWS KMS, Azure key vaults, Google key
    /// rings, OCI vaults, Salesforce organizations, SAP groups): the first
    /// of [`ContainerField::ALL`] the job carries.
    pub containers: Vec<String>,
    /// True once someone asked to cancel the job.
    pub abort: bool,
    /// `synchronize_all`, where the server says.
    pub synchronize_all: Option<bool>,
}

/// A job's containers, under whichever field its family uses
/// (`organization_ids` is the name Salesforce's start body uses); a field
/// present but empty does not hide a later one that has names.
fn containers_of(fields: &Fields<'_>) -> Result<Vec<String>, DecodeError> {
    let names = ContainerField::ALL.map(ContainerField::wire);
    for field in names.iter().chain(&["organization_ids"]) {
        match fields.opt_text_list(field)? {
            Some(names) if !names.is_empty() => return Ok(names),
            _ => {}
        }
    }
    Ok(Vec::new())
}

impl SyncJob {
    /// Reads one job found at `path`. `id`, `createdAt`, `updatedAt` and
    /// `overall_status` are required; other absent fields read as empty.
    pub fn from_json(value: &Value, path: &str) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, path)?;
        let text = |name: &str| -> Result<String, DecodeError> {
            Ok(fields.opt_text(name)?.unwrap_or_default())
        };
        let details = match fields.opt_object("detailed_status")? {
            None => Vec::new(),
            Some(map) => map
                .iter()
                .map(|(key, value)| match value {
                    // Text as sent (RegionDetail::new makes it plain).
                    Value::String(text) => RegionDetail::new(key, text),
                    // A nested value where text belongs: only that it is
                    // there.
                    Value::Array(_) => RegionDetail::new(key, "(a list)"),
                    Value::Object(_) => RegionDetail::new(key, "(an object)"),
                    scalar => RegionDetail::new(key, &scalar_text(scalar).unwrap_or_default()),
                })
                .collect(),
        };
        Ok(SyncJob {
            id: fields.text("id")?,
            uri: text("uri")?,
            account: text("account")?,
            application: text("application")?,
            dev_account: text("devAccount")?,
            created_at: fields.timestamp("createdAt")?,
            updated_at: fields.timestamp("updatedAt")?,
            completed_at: fields.opt_timestamp("completed_at")?,
            overall_status: SyncStatus::from_wire(&fields.text("overall_status")?),
            details,
            cloud: text("cloud")?,
            regions: fields.opt_text_list("regions")?,
            containers: containers_of(&fields)?,
            abort: fields.opt_flag("abort")?.unwrap_or(false),
            synchronize_all: fields.opt_flag("synchronize_all")?,
        })
    }

    /// How long the finished job took, from creation to completion.
    pub fn duration(&self) -> Option<Duration> {
        self.completed_at?.since(self.created_at)
    }

    /// How long the job has run until `now`, or took if it completed.
    pub fn elapsed(&self, now: Timestamp) -> Option<Duration> {
        self.duration().or_else(|| now.since(self.created_at))
    }

    /// True while the job runs but someone asked to cancel it.
    pub fn is_cancelling(&self) -> bool {
        self.abort && self.overall_status == SyncStatus::InProgress
    }
}

/// One page of jobs, as the API's envelope `{skip, limit, total, resources}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncJobPage {
    pub skip: u64,
    pub limit: u64,
    /// All jobs that match the server-side filter, on every page.
    pub total: u64,
    pub jobs: Vec<SyncJob>,
}

impl SyncJobPage {
    /// Reads the envelope; absent numbers read as what the page shows
    /// (`skip` 0, `limit` and `total` the number of jobs), absent
    /// `resources` as no jobs.
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let jobs = match fields.opt_list("resources")? {
            None => Vec::new(),
            Some(items) => {
                let path = child_path("", "resources");
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| SyncJob::from_json(item, &index_path(&path, index)))
                    .collect::<Result<Vec<_>, _>>()?
            }
        };
        Self::with_jobs(&fields, jobs)
    }

    fn with_jobs(fields: &Fields<'_>, jobs: Vec<SyncJob>) -> Result<Self, DecodeError> {
        let count = jobs.len() as u64;
        Ok(SyncJobPage {
            skip: fields.opt_whole_number("skip")?.unwrap_or(0),
            limit: fields.opt_whole_number("limit")?.unwrap_or(count),
            total: fields.opt_whole_number("total")?.unwrap_or(count),
            jobs,
        })
    }

    /// Reads a page from its JSON text with each job decoded from its own
    /// text: a 10,000-job reply is never held whole as a JSON tree, which
    /// was most of the panel's memory after such a page. Gives the envelope
    /// without `resources` (for what an answer says beside its jobs) and the
    /// page read as [`SyncJobPage::from_json`] reads it. `None` when the text
    /// is not strict JSON of an object whose `resources`, if there, is a
    /// list: read it whole then. [`PageInSteps`] does the same a few jobs at
    /// a time.
    pub fn from_text(text: &str) -> Option<(Value, Result<Self, DecodeError>)> {
        Some(PageInSteps::new(text)?.finish())
    }
}

/// A page's text read in steps, so that a long page never holds the
/// browser's main thread for long: [`PageInSteps::new`] finds each job's
/// text and parses the rest (nothing is decoded, nothing is held but where
/// each job is), then each [`PageInSteps::step`] parses and decodes the
/// next few jobs. A job whose text is not JSON is a decode error naming it.
pub struct PageInSteps<'t> {
    text: &'t str,
    fields: Map,
    /// Where each job's text is, in order; `None` for a page without
    /// `resources`.
    raw: Option<Vec<Range<usize>>>,
    jobs: Vec<SyncJob>,
    failed: Option<DecodeError>,
}

impl<'t> PageInSteps<'t> {
    /// `None` when `text` is not strict JSON of an object whose
    /// `resources`, if there, is a list.
    pub fn new(text: &'t str) -> Option<Self> {
        // The jobs are found by a plain scan; the parser reads the rest of
        // the text with the list emptied (the envelope, checked as strict
        // JSON), and each job's own text when it is decoded.
        let found = find_jobs(text);
        let envelope = match &found {
            Some((list, _)) => Cow::Owned(format!(
                "{}{}",
                text.get(..list.start + 1)?,
                text.get(list.end - 1..)?
            )),
            None => Cow::Borrowed(text),
        };
        let Ok(Value::Object(parsed)) = crate::json::from_str(&envelope) else {
            return None;
        };
        let mut fields = Map::new();
        let mut jobs = None;
        for (key, value) in parsed {
            match (key == "resources", value) {
                (false, value) => fields.insert(key, value),
                (true, Value::Array(items)) if jobs.is_none() => jobs = Some(items.len()),
                // Not a list, or sent twice (JSON's last one would count):
                // read it whole instead.
                (true, _) => return None,
            }
        }
        let raw = match (found, jobs) {
            (Some((_, spans)), Some(0)) => Some(spans),
            (None, None) => None,
            // The scan and the parser disagree: the whole reading decides.
            _ => return None,
        };
        let jobs = Vec::with_capacity(raw.as_ref().map_or(0, Vec::len));
        Some(PageInSteps {
            text,
            fields,
            raw,
            jobs,
            failed: None,
        })
    }

    /// Jobs on the page, decoded or not.
    pub fn len(&self) -> usize {
        self.raw.as_ref().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Decodes up to `most` more jobs; `true` when none is left to decode
    /// (or one could not be read: the page is then that error).
    pub fn step(&mut self, most: usize) -> bool {
        let Some(raw) = &self.raw else {
            return true;
        };
        let path = child_path("", "resources");
        let from = self.jobs.len();
        for (index, item) in raw.iter().enumerate().skip(from).take(most) {
            if self.failed.is_some() {
                break;
            }
            let job = crate::json::from_str(self.text.get(item.clone()).unwrap_or_default())
                .map_err(|_| DecodeError::not_a(index_path(&path, index), Expected::Object))
                .and_then(|value| SyncJob::from_json(&value, &index_path(&path, index)));
            match job {
                Ok(job) => self.jobs.push(job),
                Err(error) => self.failed = Some(error),
            }
        }
        self.failed.is_some() || self.jobs.len() >= raw.len()
    }

    /// The envelope without `resources`, and the page, with the jobs no
    /// step has decoded yet decoded now: never a page cut short.
    pub fn finish(mut self) -> (Value, Result<SyncJobPage, DecodeError>) {
        while !self.step(usize::MAX) {}
        let envelope = Value::Object(self.fields);
        let page = match (self.raw, self.failed) {
            (_, Some(error)) => Err(error),
            (None, None) => SyncJobPage::from_json(&envelope),
            (Some(_), None) => Fields::of(&envelope, "")
                .and_then(|fields| SyncJobPage::with_jobs(&fields, self.jobs)),
        };
        (envelope, page)
    }
}

/// Where the top-level `resources` list is, and each of its items, in a
/// text not yet parsed: what is outside the items is checked by the parser
/// afterwards, each item when it is decoded. `None` without such a list.
fn find_jobs(text: &str) -> Option<(Range<usize>, Vec<Range<usize>>)> {
    let b = text.as_bytes();
    let mut i = skip_space(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_space(b, i);
        match b.get(i)? {
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return None,
        }
        let key_end = string_end(b, i)?;
        let key = text.get(i..key_end)?;
        // A key written with escapes is read as JSON reads it.
        let is_resources = key == "\"resources\""
            || (key.contains('\\')
                && matches!(crate::json::from_str(key), Ok(Value::String(k)) if k == "resources"));
        i = skip_space(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_space(b, i + 1);
        if !is_resources {
            i = value_end(b, i)?;
            continue;
        }
        if b.get(i) != Some(&b'[') {
            return None;
        }
        let list_start = i;
        let mut spans = Vec::new();
        // Strictly `[`, then items each followed by `,` or `]`.
        i = skip_space(b, i + 1);
        if b.get(i) == Some(&b']') {
            return Some((list_start..i + 1, spans));
        }
        loop {
            let end = value_end(b, i)?;
            spans.push(i..end);
            i = skip_space(b, end);
            match b.get(i)? {
                b']' => return Some((list_start..i + 1, spans)),
                b',' => i = skip_space(b, i + 1),
                _ => return None,
            }
        }
    }
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Past the closing quote of the string whose opening quote is at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// Past the end of the JSON value that begins at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while !matches!(
                b.get(j),
                None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            ) {
                j += 1;
            }
            // Nothing where a value belongs (`[1,]`).
            (j > i).then_some(j)
        }
    }
}

/// The default page size, as the API documents it.
pub const DEFAULT_LIMIT: u32 = 10;

/// What a job synchronizes into: the field a job carries its containers
/// under, which is also the list's repeated filter parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContainerField {
    Kms,
    KeyVaults,
    KeyRings,
    Vaults,
    Organizations,
    Groups,
}

impl ContainerField {
    /// Every field a job may carry, in the order they are looked for.
    pub const ALL: [ContainerField; 6] = [
        ContainerField::Kms,
        ContainerField::KeyVaults,
        ContainerField::KeyRings,
        ContainerField::Vaults,
        ContainerField::Organizations,
        ContainerField::Groups,
    ];

    /// The column's and the filter's label.
    pub fn label(self) -> Text {
        match self {
            ContainerField::Kms => Text::ContainersKms,
            ContainerField::KeyVaults => Text::ContainersKeyVaults,
            ContainerField::KeyRings => Text::ContainersKeyRings,
            ContainerField::Vaults => Text::ContainersVaults,
            ContainerField::Organizations => Text::ContainersOrganizations,
            ContainerField::Groups => Text::ContainersGroups,
        }
    }

    /// The name on the wire, in a job and as the list's filter.
    pub fn wire(self) -> &'static str {
        match self {
            ContainerField::Kms => "kms",
            ContainerField::KeyVaults => "key_vaults",
            ContainerField::KeyRings => "key_rings",
            ContainerField::Vaults => "vaults",
            ContainerField::Organizations => "organizations",
            ContainerField::Groups => "groups",
        }
    }
}

/// A family of synchronization jobs CCKM keeps, each its own list
/// (`GET /cckm/…/synchronization-jobs`) with its own container filter.
/// Only families whose paths Thales' public pages or code confirm are here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Source {
    #[default]
    Aws,
    /// AWS custom key stores (CloudHSM and external), one list for both.
    AwsCustomKeyStores,
    Azure,
    AzureSecrets,
    AzureCertificates,
    Google,
    Oci,
    Salesforce,
    Sap,
}

impl Source {
    pub const ALL: [Source; 9] = [
        Source::Aws,
        Source::AwsCustomKeyStores,
        Source::Azure,
        Source::AzureSecrets,
        Source::AzureCertificates,
        Source::Google,
        Source::Oci,
        Source::Salesforce,
        Source::Sap,
    ];

    /// The source's name in the page's address, in `keywatch-status` and in
    /// file names.
    pub fn key(self) -> &'static str {
        match self {
            Source::Aws => "aws",
            Source::AwsCustomKeyStores => "aws-custom-key-stores",
            Source::Azure => "azure",
            Source::AzureSecrets => "azure-secrets",
            Source::AzureCertificates => "azure-certificates",
            Source::Google => "google",
            Source::Oci => "oci",
            Source::Salesforce => "sfdc",
            Source::Sap => "sap",
        }
    }

    pub fn from_key(key: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|c| c.key() == key.trim())
    }

    /// The list's path under `/api/v1`.
    pub fn path(self) -> &'static str {
        match self {
            Source::Aws => "cckm/aws/synchronization-jobs",
            Source::AwsCustomKeyStores => "cckm/aws/custom-key-stores/synchronization-jobs",
            Source::Azure => "cckm/azure/synchronization-jobs",
            Source::AzureSecrets => "cckm/azure/secrets/synchronization-jobs",
            Source::AzureCertificates => "cckm/azure/certificates/synchronization-jobs",
            Source::Google => "cckm/google/synchronization-jobs",
            Source::Oci => "cckm/oci/synchronization-jobs",
            Source::Salesforce => "cckm/sfdc/keys/synchronization-jobs",
            Source::Sap => "cckm/sap/synchronization-jobs",
        }
    }

    /// What its jobs synchronize into, and the list's container filter.
    pub fn containers(self) -> ContainerField {
        match self {
            Source::Aws | Source::AwsCustomKeyStores => ContainerField::Kms,
            Source::Azure | Source::AzureSecrets | Source::AzureCertificates => {
                ContainerField::KeyVaults
            }
            Source::Google => ContainerField::KeyRings,
            Source::Oci => ContainerField::Vaults,
            Source::Salesforce => ContainerField::Organizations,
            Source::Sap => ContainerField::Groups,
        }
    }

    /// The name an operator knows the source by.
    pub fn name(self) -> Text {
        match self {
            Source::Aws => Text::SourceAws,
            Source::AwsCustomKeyStores => Text::SourceAwsCustomKeyStores,
            Source::Azure => Text::SourceAzure,
            Source::AzureSecrets => Text::SourceAzureSecrets,
            Source::AzureCertificates => Text::SourceAzureCertificates,
            Source::Google => Text::SourceGoogle,
            Source::Oci => Text::SourceOci,
            Source::Salesforce => Text::SourceSalesforce,
            Source::Sap => Text::SourceSap,
        }
    }

    /// Whether Thales documents `sort` for this list (Google's and
    /// Salesforce's only); elsewhere the panel orders within the page.
    pub fn sorts(self) -> bool {
        matches!(self, Source::Google | Source::Salesforce)
    }
}

/// What the list can be ordered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortKey {
    Started,
    Duration,
    Status,
}

impl SortKey {
    pub const ALL: [SortKey; 3] = [SortKey::Started, SortKey::Duration, SortKey::Status];

    pub fn key(self) -> &'static str {
        match self {
            SortKey::Started => "started",
            SortKey::Duration => "duration",
            SortKey::Status => "status",
        }
    }

    pub fn from_key(key: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The field for the API's `sort` parameter, where there is one: the
    /// duration is not a field, so it is always sorted within the page.
    pub fn wire_field(self) -> Option<&'static str> {
        match self {
            SortKey::Started => Some("createdAt"),
            SortKey::Status => Some("overall_status"),
            SortKey::Duration => None,
        }
    }
}

/// An order: a key and a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SortOrder {
    pub key: SortKey,
    pub descending: bool,
}

impl SortOrder {
    /// Orders `jobs` in place; `now` gives running jobs their duration so far.
    pub fn apply(self, jobs: &mut [SyncJob], now: Timestamp) {
        jobs.sort_by(|a, b| {
            let order = match self.key {
                SortKey::Started => a.created_at.cmp(&b.created_at),
                SortKey::Duration => a.elapsed(now).cmp(&b.elapsed(now)),
                SortKey::Status => a.overall_status.as_wire().cmp(b.overall_status.as_wire()),
            };
            if self.descending {
                order.reverse()
            } else {
                order
            }
        });
    }

    /// True when `jobs` are already in this order (a server that honoured
    /// `sort`, or a page that happens to be).
    pub fn holds(self, jobs: &[SyncJob], now: Timestamp) -> bool {
        let mut sorted = jobs.to_vec();
        self.apply(&mut sorted, now);
        sorted.iter().map(|j| &j.id).eq(jobs.iter().map(|j| &j.id))
    }
}

/// What the operator asked to see.
///
/// The API filters on one `overall_status` only. With exactly one status
/// selected the server filters; with several, the query carries none and
/// the page is filtered here, so its count is for the page, not the list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SyncJobFilter {
    pub source: Source,
    /// A full job id goes straight to that job.
    pub id: Option<String>,
    pub statuses: Vec<SyncStatus>,
    /// Container names (`kms`, `key_vaults`, … by source), any of them.
    pub containers: Vec<String>,
    pub skip: u64,
    pub limit: u32,
    pub sort: Option<SortOrder>,
}

impl Default for SyncJobFilter {
    fn default() -> Self {
        SyncJobFilter {
            source: Source::Aws,
            id: None,
            statuses: Vec::new(),
            containers: Vec::new(),
            skip: 0,
            limit: DEFAULT_LIMIT,
            sort: None,
        }
    }
}

impl SyncJobFilter {
    /// The one status the server can filter on, when exactly one is selected.
    pub fn server_status(&self) -> Option<&SyncStatus> {
        let first = self.statuses.first()?;
        self.statuses.iter().all(|s| s == first).then_some(first)
    }

    /// True when several statuses are selected, so the page is filtered
    /// here and its counts are for the page only.
    pub fn filters_the_page(&self) -> bool {
        !self.statuses.is_empty() && self.server_status().is_none()
    }

    pub fn keep_client_side(&self, job: &SyncJob) -> bool {
        !self.filters_the_page() || self.statuses.contains(&job.overall_status)
    }

    pub fn apply_client_side(&self, mut page: SyncJobPage) -> SyncJobPage {
        page.jobs.retain(|job| self.keep_client_side(job));
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_unknown_ones_are_kept() {
        for status in [
            SyncStatus::InProgress,
            SyncStatus::Completed,
            SyncStatus::Failed,
            SyncStatus::Aborted,
        ] {
            assert_eq!(SyncStatus::from_wire(status.as_wire()), status);
        }
        assert_eq!(SyncStatus::from_wire("COMPLETED"), SyncStatus::Completed);
        assert_eq!(
            SyncStatus::from_wire("cancelling"),
            SyncStatus::Other("cancelling".to_owned())
        );
        assert!(!SyncStatus::InProgress.is_finished());
        assert!(SyncStatus::Aborted.is_finished());
    }

    #[test]
    fn region_texts_are_read() {
        let cases = [
            (
                "region synchronized successfully",
                RegionReading::Synchronized,
            ),
            ("in_progress", RegionReading::InProgress),
            (
                "Synchronization failed: AccessDeniedException",
                RegionReading::Failed,
            ),
            ("aborted", RegionReading::Failed),
            ("region not synchronized", RegionReading::Other),
            ("completed", RegionReading::Synchronized),
            ("", RegionReading::Other),
            ("queued", RegionReading::Other),
        ];
        for (text, reading) in cases {
            assert_eq!(RegionReading::from_text(text), reading, "{text:?}");
        }
    }

    #[test]
    fn region_keys_split_at_the_first_slash() {
        let detail = RegionDetail::new("123456789012/us-east-1", " in_progress\n");
        assert_eq!(
            (
                detail.account.as_str(),
                detail.region.as_str(),
                detail.text.as_str()
            ),
            ("123456789012", "us-east-1", "in_progress")
        );
    }

    #[test]
    fn one_status_is_the_servers_and_several_filter_the_page() {
        let twice = SyncJobFilter {
            statuses: vec![SyncStatus::Failed, SyncStatus::Failed],
            ..SyncJobFilter::default()
        };
        assert_eq!(twice.server_status(), Some(&SyncStatus::Failed));
        assert!(!twice.filters_the_page());
        let two = SyncJobFilter {
            statuses: vec![SyncStatus::Failed, SyncStatus::Aborted],
            ..SyncJobFilter::default()
        };
        assert_eq!(two.server_status(), None);
        assert!(two.filters_the_page());
        assert!(!SyncJobFilter::default().filters_the_page());
    }

    #[test]
    fn every_source_has_its_own_path_and_container_filter() {
        let params: Vec<&str> = Source::ALL.iter().map(|c| c.containers().wire()).collect();
        assert_eq!(
            params,
            [
                "kms",
                "kms",
                "key_vaults",
                "key_vaults",
                "key_vaults",
                "key_rings",
                "vaults",
                "organizations",
                "groups"
            ]
        );
        for source in Source::ALL {
            assert_eq!(Source::from_key(source.key()), Some(source));
            assert!(
                source.path().starts_with("cckm/")
                    && source.path().ends_with("/synchronization-jobs")
            );
        }
        assert_eq!(
            Source::Salesforce.path(),
            "cckm/sfdc/keys/synchronization-jobs"
        );
        let sorting: Vec<Source> = Source::ALL.into_iter().filter(|s| s.sorts()).collect();
        assert_eq!(sorting, [Source::Google, Source::Salesforce]);
        assert_eq!(Source::from_key("ekm"), None);
    }

    fn job_with(field: &str, names: serde_json::Value) -> SyncJob {
        let mut value = serde_json::json!({
            "id": "j", "createdAt": "2024-05-01T10:00:00Z",
            "updatedAt": "2024-05-01T10:00:00Z", "overall_status": "completed"
        });
        value[field] = names;
        SyncJob::from_json(&Value::from(value), "").unwrap()
    }

    #[test]
    fn a_page_read_as_it_is_parsed_reads_as_the_whole_tree_does() {
        let job = |id: &str| {
            format!(
                r#"{{"id":"{id}","createdAt":"2024-05-01T10:00:00Z","updatedAt":"2024-05-01T10:00:00Z","overall_status":"completed","kms":["k"]}}"#
            )
        };
        let pages = [
            format!(
                r#"{{"skip":20,"limit":10,"total":31,"resources":[{},{}]}}"#,
                job("a"),
                job("b")
            ),
            format!(
                r#"{{"resources":[{}],"total":"7","extra":{{"x":[1,2.5]}}}}"#,
                job("a")
            ),
            r#"{"total":3}"#.to_owned(),
            r#"{"resources":[]}"#.to_owned(),
            // The second job cannot be read: the same error, naming it.
            format!(r#"{{"resources":[{},{{"id":5}}],"total":2}}"#, job("a")),
            r#"{"total":-1,"resources":[]}"#.to_owned(),
        ];
        for text in &pages {
            let whole = crate::json::from_str(text).unwrap();
            let (envelope, page) = SyncJobPage::from_text(text).expect(text);
            assert_eq!(page, SyncJobPage::from_json(&whole), "{text}");
            assert!(envelope.get("resources").is_none());
            assert_eq!(envelope.get("total"), whole.get("total"), "{text}");
        }
        assert_eq!(
            SyncJobPage::from_text(&pages[0])
                .unwrap()
                .1
                .unwrap()
                .jobs
                .len(),
            2
        );
        // What is not a strict page's JSON is left to the whole reading.
        for text in [
            r#"{"resources":null}"#,
            r#"{"resources":{"a":1}}"#,
            r#"{"resources":[],"resources":[]}"#,
            "[1,2]",
            "{\"resources\":[],\"note\":\"a\nb\"}",
            r#"{"resources":[]} trailing"#,
            r#"{"resources":[1,]}"#,
            r#"{"resources":[,1]}"#,
            r#"{"resources":[1 2]}"#,
            r#"{"resources":[{"id":]}"#,
            r#"{"resources":[{}],"total":}"#,
            "<html>",
        ] {
            assert!(SyncJobPage::from_text(text).is_none(), "{text}");
        }
    }

    #[test]
    fn a_page_read_a_few_jobs_at_a_time_reads_as_in_one_go() {
        let job = |id: usize| {
            format!(
                r#"{{"id":"j{id}","createdAt":"2024-05-01T10:00:00Z","updatedAt":"2024-05-01T10:00:00Z","overall_status":"completed","kms":["k"]}}"#
            )
        };
        let jobs: Vec<String> = (0..10).map(job).collect();
        let text = format!(r#"{{"total":10,"resources":[{}]}}"#, jobs.join(","));
        let whole = SyncJobPage::from_text(&text).unwrap().1.unwrap();
        assert_eq!(whole.jobs.len(), 10);
        let mut steps = PageInSteps::new(&text).unwrap();
        assert_eq!(steps.len(), 10);
        // Three, three, three, then the last one: four steps.
        let taken: Vec<bool> = (0..4).map(|_| steps.step(3)).collect();
        assert_eq!(taken, [false, false, false, true]);
        let (envelope, page) = steps.finish();
        assert_eq!(page.unwrap(), whole);
        assert_eq!(envelope.get("total").and_then(Value::as_u64), Some(10));

        // A job that cannot be read ends the reading at its step, named.
        let mut broken = jobs.clone();
        broken[4] = r#"{"id":5}"#.to_owned();
        let text = format!(r#"{{"resources":[{}]}}"#, broken.join(","));
        let mut steps = PageInSteps::new(&text).unwrap();
        assert!(!steps.step(3));
        assert!(steps.step(3));
        let error = steps.finish().1.unwrap_err();
        assert!(error.field.starts_with("resources[4]"), "{error:?}");

        // A job whose own text is not JSON: an error naming it.
        let text = format!(r#"{{"resources":[{},{{"id": tru}}]}}"#, jobs[0]);
        let error = SyncJobPage::from_text(&text).unwrap().1.unwrap_err();
        assert_eq!(error.field, "resources[1]");

        // The list's name written with an escape is still the list.
        let text = format!(r#"{{"re\u0073ources" : [ {} , {} ] }}"#, jobs[0], jobs[1]);
        let (_, page) = SyncJobPage::from_text(&text).unwrap();
        assert_eq!(page.unwrap().jobs.len(), 2);

        // No jobs: done at once, the envelope's page.
        let mut steps = PageInSteps::new(r#"{"total":3}"#).unwrap();
        assert!(steps.is_empty());
        assert!(steps.step(1));
        assert_eq!(steps.finish().1.unwrap().total, 3);
    }

    #[test]
    fn a_region_detail_that_is_not_text_is_said_plainly() {
        let job = job_with(
            "detailed_status",
            serde_json::json!({
                "a/r1": "failed", "a/r2": null, "a/r3": true, "a/r4": 42,
                "a/r5": -3, "a/r6": 2.5, "a/r7": ["x"], "a/r8": {"k": 1}
            }),
        );
        let said: Vec<(&str, &str)> = job
            .details
            .iter()
            .map(|d| (d.region.as_str(), d.text.as_str()))
            .collect();
        assert_eq!(
            said,
            [
                ("r1", "failed"),
                ("r2", ""),
                ("r3", "true"),
                ("r4", "42"),
                ("r5", "-3"),
                ("r6", "2.5"),
                ("r7", "(a list)"),
                ("r8", "(an object)"),
            ]
        );
    }

    #[test]
    fn containers_are_read_under_every_family_s_field() {
        for field in ContainerField::ALL
            .map(ContainerField::wire)
            .iter()
            .chain(&["organization_ids"])
        {
            let job = job_with(field, serde_json::json!(["one", "two"]));
            assert_eq!(job.containers, ["one", "two"], "{field}");
        }
        // An empty `kms` beside Azure's vaults does not hide them.
        let mut both = serde_json::json!({
            "id": "j", "createdAt": "2024-05-01T10:00:00Z",
            "updatedAt": "2024-05-01T10:00:00Z", "overall_status": "completed",
            "kms": [], "key_vaults": ["kv-prod"]
        });
        assert_eq!(
            SyncJob::from_json(&Value::from(both.clone()), "")
                .unwrap()
                .containers,
            ["kv-prod"]
        );
        both["key_vaults"] = serde_json::json!("not a list");
        assert!(SyncJob::from_json(&Value::from(both), "").is_err());
        assert!(job_with("regions", serde_json::json!(["x"]))
            .containers
            .is_empty());
    }

    #[test]
    fn keys_that_are_not_account_and_region_are_kept_whole() {
        for key in [
            "a/b/c",
            "https://kv-prod.vault.azure.net/",
            "/eastus",
            "kv-prod/",
            "projects/p/locations/global/keyRings/ring",
            "key-ring-prod",
        ] {
            let detail = RegionDetail::new(key, "key ring synchronized successfully");
            assert_eq!((detail.account.as_str(), detail.region.as_str()), ("", key));
            assert_eq!(detail.reading, RegionReading::Synchronized);
        }
    }
}
