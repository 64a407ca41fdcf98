//! CipherTrust Manager endpoints: one pure request builder, one pure reader
//! and one convenience call each.

use std::fmt;

use crate::json::Value;

use super::config::{is_path_segment, percent_encode, CckmConfig};
use super::error::{ApiError, InputName, Server};
use super::headers;
use super::http::{HttpRequest, HttpResponse, Method, Transport};
use super::read::{read_parsed, read_reply, Reply};
use crate::json::JsonObject;
use crate::lang::Language;
use crate::model::decode::{DecodeError, Fields};
use crate::model::sync_job::{PageInSteps, Source, SyncJob, SyncJobFilter, SyncJobPage};

/// The list's query, in the API's own parameters: `id`, `overall_status`
/// (when one status is selected), the source's container filter repeated,
/// `sort` where the source documents it and the key has a field, `skip` and
/// `limit`; values percent-encoded, blanks left out.
pub fn sync_jobs_query(filter: &SyncJobFilter) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(id) = filter
        .id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        pairs.push(("id", id.to_owned()));
    }
    if let Some(status) = filter.server_status() {
        pairs.push(("overall_status", status.as_wire().to_owned()));
    }
    let containers = filter.source.containers().wire();
    for name in filter
        .containers
        .iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
    {
        pairs.push((containers, name.to_owned()));
    }
    if let Some(order) = filter.sort.filter(|_| filter.source.sorts()) {
        if let Some(field) = order.key.wire_field() {
            let sign = if order.descending { "-" } else { "" };
            pairs.push(("sort", format!("{sign}{field}")));
        }
    }
    pairs.push(("skip", filter.skip.to_string()));
    pairs.push(("limit", filter.limit.to_string()));
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

impl headers::Endpoint for CckmConfig {
    fn base_url(&self) -> &str {
        &self.base_url
    }
    fn language(&self) -> Language {
        self.language
    }
    fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }
    fn authorization(&self) -> Option<String> {
        headers::credential(self.token.as_ref()).map(|c| format!("Bearer {c}"))
    }
}

/// `GET /cckm/…/synchronization-jobs?…` with the filter as the query.
pub fn sync_jobs_request(cfg: &CckmConfig, filter: &SyncJobFilter) -> HttpRequest {
    let path = format!("{}?{}", filter.source.path(), sync_jobs_query(filter));
    headers::request(cfg, Method::Get, &path, None, true)
}

/// Reads a page of jobs, and drops the jobs the filter keeps out client-side
/// (see [`SyncJobFilter`] on several statuses).
pub fn read_sync_jobs(
    resp: &HttpResponse,
    filter: &SyncJobFilter,
) -> Result<Reply<SyncJobPage>, ApiError> {
    finish_sync_jobs(resp, filter, page_in_steps(resp).map(PageInSteps::finish))
}

/// A 2xx page's jobs are decoded each from its own text (the memory a long
/// page needs); any other answer is read as every answer is.
fn page_in_steps(resp: &HttpResponse) -> Option<PageInSteps<'_>> {
    (200..300)
        .contains(&resp.status)
        .then(|| PageInSteps::new(&resp.body))
        .flatten()
}

fn finish_sync_jobs(
    resp: &HttpResponse,
    filter: &SyncJobFilter,
    read: Option<(Value, Result<SyncJobPage, DecodeError>)>,
) -> Result<Reply<SyncJobPage>, ApiError> {
    let reply = match read {
        Some((envelope, page)) => {
            read_parsed(Server::Cckm, resp, Ok(envelope))?;
            Reply {
                value: page.map_err(|e| ApiError::decode(Server::Cckm, e))?,
                content_language: resp.content_language.clone(),
            }
        }
        None => read_reply(Server::Cckm, resp, SyncJobPage::from_json)?,
    };
    Ok(reply.map(|page| filter.apply_client_side(page)))
}

/// One page of synchronization jobs.
pub async fn sync_jobs(
    transport: &impl Transport,
    cfg: &CckmConfig,
    filter: &SyncJobFilter,
) -> Result<Reply<SyncJobPage>, ApiError> {
    read_sync_jobs(
        &transport.send(&sync_jobs_request(cfg, filter)).await?,
        filter,
    )
}

/// Jobs decoded between two calls of [`sync_jobs_in_steps`]'s `pause`:
/// 2-3 ms of a browser's main thread here, so that the caller can end a
/// task when its time is up.
pub const JOBS_PER_STEP: usize = 200;

/// [`sync_jobs`], with `pause()` awaited after each [`JOBS_PER_STEP`] jobs
/// decoded: in a browser, the end of a task when the slice's time is up,
/// so that the page keeps drawing frames and answering keys while a
/// 10,000-job reply is read. A page of at most that many jobs is read
/// without a pause.
pub async fn sync_jobs_in_steps<P, F>(
    transport: &impl Transport,
    cfg: &CckmConfig,
    filter: &SyncJobFilter,
    pause: P,
) -> Result<Reply<SyncJobPage>, ApiError>
where
    P: Fn() -> F,
    F: std::future::Future<Output = ()>,
{
    let resp = transport.send(&sync_jobs_request(cfg, filter)).await?;
    read_sync_jobs_in_steps(&resp, filter, pause).await
}

/// [`read_sync_jobs`] with `pause()` awaited after each [`JOBS_PER_STEP`]
/// jobs, as [`sync_jobs_in_steps`] reads its reply.
pub async fn read_sync_jobs_in_steps<P, F>(
    resp: &HttpResponse,
    filter: &SyncJobFilter,
    pause: P,
) -> Result<Reply<SyncJobPage>, ApiError>
where
    P: Fn() -> F,
    F: std::future::Future<Output = ()>,
{
    let read = match page_in_steps(resp) {
        Some(mut steps) => {
            while !steps.step(JOBS_PER_STEP) {
                pause().await;
            }
            Some(steps.finish())
        }
        None => None,
    };
    finish_sync_jobs(resp, filter, read)
}

/// `GET /cckm/…/synchronization-jobs/{id}`, the id percent-encoded.
pub fn sync_job_request(
    cfg: &CckmConfig,
    source: Source,
    id: &str,
) -> Result<HttpRequest, ApiError> {
    if !is_path_segment(id) {
        return Err(ApiError::BadInput {
            what: InputName::SyncJobId,
            value: id.to_owned(),
        });
    }
    let path = format!("{}/{}", source.path(), percent_encode(id.trim()));
    Ok(headers::request(cfg, Method::Get, &path, None, true))
}

pub fn read_sync_job(resp: &HttpResponse) -> Result<Reply<SyncJob>, ApiError> {
    read_reply(Server::Cckm, resp, |value| SyncJob::from_json(value, ""))
}

/// One synchronization job.
pub async fn sync_job(
    transport: &impl Transport,
    cfg: &CckmConfig,
    source: Source,
    id: &str,
) -> Result<Reply<SyncJob>, ApiError> {
    read_sync_job(&transport.send(&sync_job_request(cfg, source, id)?).await?)
}

/// What `POST /auth/tokens` gives.
#[derive(Clone, PartialEq, Eq)]
pub struct CckmTokens {
    /// The bearer token to put in [`CckmConfig::token`].
    pub jwt: String,
    /// Exchanged for a new `jwt` with [`refresh`]; absent if the server sent none.
    pub refresh_token: Option<String>,
    /// Seconds the `jwt` lives (300 by default on the server).
    pub duration_s: Option<u64>,
    pub token_type: Option<String>,
}

impl fmt::Debug for CckmTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CckmTokens")
            .field("jwt", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("duration_s", &self.duration_s)
            .field("token_type", &self.token_type)
            .finish()
    }
}

impl CckmTokens {
    pub fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let fields = Fields::of(value, "")?;
        let jwt = fields
            .opt_text("jwt")?
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| DecodeError::missing("jwt"))?;
        Ok(CckmTokens {
            jwt,
            refresh_token: fields
                .opt_text("refresh_token")?
                .filter(|t| !t.trim().is_empty()),
            duration_s: fields.opt_whole_number("duration")?,
            token_type: fields.opt_text("token_type")?,
        })
    }
}

/// The CipherTrust domain a password sign-in asks a token for: `domain` is
/// the domain the token works in, `auth_domain` the one the user is defined
/// in, when that is another (a root administrator looking into a
/// sub-domain). Blank fields are left out: the server then takes the root
/// domain, and the user's domain as `domain`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignInDomain {
    pub domain: String,
    pub auth_domain: String,
}

impl SignInDomain {
    pub fn new(domain: &str, auth_domain: &str) -> Self {
        SignInDomain {
            domain: domain.trim().to_owned(),
            auth_domain: auth_domain.trim().to_owned(),
        }
    }
}

/// `POST /auth/tokens` with the password grant, in `domain` where one is
/// given; never carries an `Authorization` header.
pub fn sign_in_request(
    cfg: &CckmConfig,
    username: &str,
    password: &str,
    domain: &SignInDomain,
) -> HttpRequest {
    let mut body = JsonObject::default()
        .text("grant_type", "password")
        .text("username", username)
        .text("password", password);
    for (name, value) in [
        ("domain", &domain.domain),
        ("auth_domain", &domain.auth_domain),
    ] {
        if !value.is_empty() {
            body = body.text(name, value);
        }
    }
    headers::request(cfg, Method::Post, "auth/tokens", Some(body.end()), false)
}

/// `POST /auth/tokens` with the refresh-token grant, asking for a new
/// refresh token too (`renew_refresh_token`): a server that sends none
/// leaves the old one in use.
pub fn refresh_request(cfg: &CckmConfig, refresh_token: &str) -> HttpRequest {
    let body = JsonObject::default()
        .text("grant_type", "refresh_token")
        .text("refresh_token", refresh_token)
        .flag("renew_refresh_token", true)
        .end();
    headers::request(cfg, Method::Post, "auth/tokens", Some(body), false)
}

pub fn read_tokens(resp: &HttpResponse) -> Result<CckmTokens, ApiError> {
    read_reply(Server::Cckm, resp, CckmTokens::from_json).map(|reply| reply.value)
}

/// Signs in with a user name and password.
pub async fn sign_in(
    transport: &impl Transport,
    cfg: &CckmConfig,
    username: &str,
    password: &str,
    domain: &SignInDomain,
) -> Result<CckmTokens, ApiError> {
    read_tokens(
        &transport
            .send(&sign_in_request(cfg, username, password, domain))
            .await?,
    )
}

/// Exchanges a refresh token for a new JWT. The tokens keep `refresh_token`
/// when the server sent no new one.
pub async fn refresh(
    transport: &impl Transport,
    cfg: &CckmConfig,
    refresh_token: &str,
) -> Result<CckmTokens, ApiError> {
    read_tokens(&transport.send(&refresh_request(cfg, refresh_token)).await?).map(|mut tokens| {
        if tokens.refresh_token.is_none() {
            tokens.refresh_token = Some(refresh_token.to_owned());
        }
        tokens
    })
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// A server that answers every request with one page.
    struct Answers(HttpResponse);

    impl Transport for Answers {
        async fn send(&self, _: &HttpRequest) -> Result<HttpResponse, ApiError> {
            Ok(self.0.clone())
        }
    }

    fn page_of(count: usize) -> HttpResponse {
        let jobs: Vec<String> = (0..count)
            .map(|i| {
                format!(
                    r#"{{"id":"j{i}","createdAt":"2024-05-01T10:00:00Z","updatedAt":"2024-05-01T10:00:00Z","overall_status":"completed","kms":["k"]}}"#
                )
            })
            .collect();
        HttpResponse {
            status: 200,
            content_type: Some("application/json".to_owned()),
            content_language: None,
            body: format!(r#"{{"total":{count},"resources":[{}]}}"#, jobs.join(",")),
        }
    }

    fn cfg() -> CckmConfig {
        CckmConfig::new("https://cm.example/api/v1")
    }

    #[test]
    fn a_long_page_is_read_with_a_pause_after_each_step_and_reads_as_in_one_go() {
        let step = JOBS_PER_STEP;
        for (count, pauses) in [(0, 0), (step, 0), (step + 1, 1), (5 * step + 7, 5)] {
            let answers = Answers(page_of(count));
            let paused = Cell::new(0);
            let filter = SyncJobFilter::default();
            let read =
                futures::executor::block_on(sync_jobs_in_steps(&answers, &cfg(), &filter, || {
                    paused.set(paused.get() + 1);
                    async {}
                }))
                .unwrap();
            assert_eq!(paused.get(), pauses, "{count} jobs");
            assert_eq!(read.value.jobs.len(), count);
            assert_eq!(
                read.value,
                read_sync_jobs(&answers.0, &filter).unwrap().value
            );
        }
        // An answer that is not a page is read as any answer is.
        let mut refused = page_of(0);
        refused.status = 401;
        refused.body =
            r#"{"code":16,"codeDesc":"NCERRUnauthorized","message":"Token is expired"}"#.to_owned();
        let error = futures::executor::block_on(sync_jobs_in_steps(
            &Answers(refused),
            &cfg(),
            &SyncJobFilter::default(),
            || async {},
        ))
        .unwrap_err();
        assert!(error.is_sign_in_needed(), "{error:?}");
    }
}
