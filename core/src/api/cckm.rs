//! CipherTrust Manager endpoints: one pure request builder, one pure reader
//! and one convenience call each.

use std::fmt;

use serde_json::Value;

use super::config::{is_path_segment, percent_encode, CckmConfig};
use super::error::{ApiError, InputName, Server};
use super::headers::{self, JsonBody};
use super::http::{HttpRequest, HttpResponse, Method, Transport};
use super::read::{read_parsed, read_reply, Reply};
use crate::lang::Language;
use crate::model::decode::{DecodeError, Fields};
use crate::model::sync_job::{Source, SyncJob, SyncJobFilter, SyncJobPage};

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
    // A 2xx page's jobs are decoded as they are parsed (the memory a long
    // page needs); any other answer is read as every answer is.
    let streamed = (200..300)
        .contains(&resp.status)
        .then(|| SyncJobPage::from_text(&resp.body))
        .flatten();
    let reply = match streamed {
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
    let mut body = JsonBody::default()
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
    let body = JsonBody::default()
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
