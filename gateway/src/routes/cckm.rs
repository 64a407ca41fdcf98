//! The CipherTrust Manager API the panel reads, under `/api/v1`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::fault_injection::cckm_error;
use super::DemoState;
use crate::sim::sync_jobs::{page, Domain, JobSort, Source, SyncJobQuery, DEFAULT_LIMIT};
use crate::sim::tokens::{TokenRejection, JWT_LIFETIME_S};

/// `POST /auth/tokens`, and for every family the list
/// (`GET /cckm/…/synchronization-jobs`) and one job (`…/{id}`).
pub fn router() -> Router<DemoState> {
    let mut router = Router::new().route("/auth/tokens", post(issue_token));
    for source in Source::ALL {
        router = router
            .route(
                &format!("/{}", source.path()),
                get(
                    move |state: State<DemoState>, raw: RawQuery, headers: HeaderMap| {
                        list_jobs(state, source, raw, headers)
                    },
                ),
            )
            .route(
                &format!("/{}/{{id}}", source.path()),
                get(
                    move |state: State<DemoState>, id: Path<String>, headers: HeaderMap| {
                        one_job(state, source, id, headers)
                    },
                ),
            );
    }
    router
}

fn unauthorized(message: String) -> Response {
    cckm_error(StatusCode::UNAUTHORIZED, "NCERRUnauthorized", &message)
}

fn bad_request(message: &str) -> Response {
    cckm_error(StatusCode::BAD_REQUEST, "NCERRInvalidParamValue", message)
}

fn not_found() -> Response {
    cckm_error(
        StatusCode::NOT_FOUND,
        "NCERRResourceNotFound",
        "Resource not found",
    )
}

/// The token from `Authorization: Bearer <jwt>`.
pub fn bearer_token(headers: &HeaderMap) -> Result<&str, TokenRejection> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(TokenRejection::Missing);
    };
    let value = value
        .to_str()
        .map_err(|_| TokenRejection::Malformed("token contains an invalid number of segments"))?;
    match value.trim().split_once(char::is_whitespace) {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("Bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(TokenRejection::Malformed(
            "token contains an invalid number of segments",
        )),
    }
}

/// The domain the request's token works in.
fn authenticate(state: &DemoState, headers: &HeaderMap) -> Result<Domain, TokenRejection> {
    let jwt = bearer_token(headers)?;
    let mut sim = state.sim();
    let now = sim.now_ms();
    sim.cckm_tokens.check(jwt, now)
}

#[derive(Deserialize)]
struct TokenRequest {
    #[serde(default)]
    grant_type: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    /// The domain the token is for (name); root when absent.
    #[serde(default)]
    domain: Option<String>,
    /// The domain the user is defined in; see [`issue_token`].
    #[serde(default)]
    auth_domain: Option<String>,
    #[serde(default)]
    renew_refresh_token: Option<bool>,
}

/// A blank or absent name is none.
fn named(name: Option<&str>) -> Option<&str> {
    name.map(str::trim).filter(|n| !n.is_empty())
}

async fn issue_token(State(state): State<DemoState>, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<TokenRequest>(&body) else {
        return cckm_error(
            StatusCode::BAD_REQUEST,
            "NCERRBadRequest",
            "Invalid request body",
        );
    };
    let mut sim = state.sim();
    let now = sim.now_ms();
    let now_unix_s = sim.unix_ms(now) / 1000;
    let issued = match request.grant_type.as_deref().unwrap_or("password") {
        "password" => {
            let credentials = &state.credentials;
            if request.username.as_deref() != Some(credentials.user.as_str())
                || request.password.as_deref() != Some(credentials.password.as_str())
            {
                return unauthorized("Invalid user credentials".to_string());
            }
            // The demo user is defined in root. `domain` is the domain the
            // token is for (root when absent); `auth_domain` the one the
            // user is defined in. Thales' pages say it "defaults to the root
            // domain"; the simulator reads an absent one as the user's own
            // domain, which for the demo user is that same root: so
            // `{"domain": "sales"}` alone signs the demo user in to sales.
            let Some(domain) =
                named(request.domain.as_deref()).map_or(Some(Domain::Root), Domain::parse)
            else {
                return unauthorized("Invalid domain".to_string());
            };
            let user_domain = Domain::Root;
            match named(request.auth_domain.as_deref()).map(Domain::parse) {
                None => {}
                Some(Some(said)) if said == user_domain => {}
                // An unknown domain, or one the user is not defined in.
                Some(_) => return unauthorized("Invalid user credentials".to_string()),
            }
            sim.cckm_tokens
                .sign_in(&credentials.user, domain, now, now_unix_s)
        }
        "refresh_token" => {
            let Some(refresh) = request.refresh_token.as_deref() else {
                return cckm_error(
                    StatusCode::BAD_REQUEST,
                    "NCERRBadRequest",
                    "refresh_token is required",
                );
            };
            let renew = request.renew_refresh_token.unwrap_or(false);
            match sim.cckm_tokens.refresh(refresh, renew, now, now_unix_s) {
                Some(issued) => issued,
                None => return unauthorized("Invalid refresh token".to_string()),
            }
        }
        other => {
            return cckm_error(
                StatusCode::BAD_REQUEST,
                "NCERRBadRequest",
                &format!("unsupported grant_type {other:?}"),
            )
        }
    };
    let mut reply = json!({
        "jwt": issued.jwt,
        "duration": JWT_LIFETIME_S,
        "token_type": "Bearer",
    });
    // A refresh that did not ask for a new refresh token gets none.
    if let Some(refresh_token) = issued.refresh_token {
        reply["refresh_token"] = json!(refresh_token);
    }
    Json(reply).into_response()
}

fn parse_query(source: Source, raw: Option<&str>) -> Result<SyncJobQuery, String> {
    let mut query = SyncJobQuery {
        limit: DEFAULT_LIMIT,
        ..SyncJobQuery::default()
    };
    let containers = source.containers().wire();
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "id" => query.id = Some(value.into_owned()),
            "overall_status" => query.overall_status = Some(value.into_owned()),
            "skip" => {
                query.skip = value
                    .parse()
                    .map_err(|_| format!("skip must be a whole number 0 or more, not {value:?}"))?
            }
            "limit" => {
                query.limit = value
                    .parse()
                    .map_err(|_| format!("limit must be a whole number 0 or more, not {value:?}"))?
            }
            // Thales documents `sort` for Google's and Salesforce's lists
            // only. Elsewhere it is a parameter the list does not declare,
            // and a server generated from its API description most
            // plausibly ignores such a parameter (as this one ignores every
            // other unknown one) and answers in its default order, newest
            // first: so does the simulator, whatever the value.
            "sort" if source.sorts() => {
                query.sort = Some(JobSort::parse(&value).ok_or_else(|| {
                    format!("sort must be createdAt or overall_status, - first for descending, not {value:?}")
                })?)
            }
            name if name == containers => query.containers.push(value.into_owned()),
            _ => {}
        }
    }
    Ok(query)
}

async fn list_jobs(
    State(state): State<DemoState>,
    source: Source,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let domain = match authenticate(&state, &headers) {
        Ok(domain) => domain,
        Err(rejection) => return unauthorized(rejection.message()),
    };
    let query = match parse_query(source, raw.as_deref()) {
        Ok(query) => query,
        Err(problem) => return bad_request(&problem),
    };
    let mut sim = state.sim();
    sim.now_ms();
    let sim = &*sim;
    let (total, jobs) = page(sim.cloud_sync(source, domain), &query);
    let resources: Vec<serde_json::Value> = jobs
        .into_iter()
        .map(|job| job.to_json(|ms| sim.unix_ms(ms)))
        .collect();
    Json(json!({
        "skip": query.skip,
        "limit": query.limit,
        "total": total,
        "resources": resources,
    }))
    .into_response()
}

/// One job of the token's domain; a job of another domain is not found.
async fn one_job(
    State(state): State<DemoState>,
    source: Source,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let domain = match authenticate(&state, &headers) {
        Ok(domain) => domain,
        Err(rejection) => return unauthorized(rejection.message()),
    };
    let mut sim = state.sim();
    sim.now_ms();
    let sim = &*sim;
    match sim.cloud_sync(source, domain).find(&id) {
        Some(job) => Json(job.to_json(|ms| sim.unix_ms(ms))).into_response(),
        None => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_repeated_container_filters_and_rejects_bad_numbers() {
        let query = parse_query(
            Source::Aws,
            Some("kms=a&kms=b&skip=5&limit=2&overall_status=failed&key_vaults=x"),
        )
        .unwrap();
        assert_eq!(query.containers, vec!["a", "b"]);
        assert_eq!((query.skip, query.limit), (5, 2));
        assert_eq!(query.overall_status.as_deref(), Some("failed"));
        let azure = parse_query(Source::Azure, Some("key_vaults=x&kms=a")).unwrap();
        assert_eq!(azure.containers, vec!["x"]);
        let sap = parse_query(Source::Sap, Some("groups=g&organizations=o")).unwrap();
        assert_eq!(sap.containers, vec!["g"]);
        assert!(parse_query(Source::Aws, Some("skip=-1")).is_err());
        assert!(parse_query(Source::Aws, Some("limit=ten")).is_err());
        assert_eq!(parse_query(Source::Aws, None).unwrap().limit, 10);
    }

    #[test]
    fn sort_counts_only_where_thales_documents_it() {
        for source in Source::ALL {
            let sorted = parse_query(source, Some("sort=-createdAt")).unwrap();
            assert_eq!(sorted.sort.is_some(), source.sorts(), "{source:?}");
            assert_eq!(
                parse_query(source, Some("sort=name")).is_err(),
                source.sorts(),
                "{source:?}"
            );
        }
        assert!(Source::Google.sorts() && Source::Salesforce.sorts());
    }
}
