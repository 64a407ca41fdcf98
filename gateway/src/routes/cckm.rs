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
use crate::sim::sync_jobs::{page, Cloud, JobSort, SyncJobQuery, DEFAULT_LIMIT};
use crate::sim::tokens::{TokenRejection, JWT_LIFETIME_S};

pub fn router() -> Router<DemoState> {
    Router::new()
        .route("/auth/tokens", post(issue_token))
        .route("/cckm/{cloud}/synchronization-jobs", get(list_jobs))
        .route("/cckm/{cloud}/synchronization-jobs/{id}", get(one_job))
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

fn authenticate(state: &DemoState, headers: &HeaderMap) -> Result<(), TokenRejection> {
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
            sim.cckm_tokens.sign_in(&credentials.user, now, now_unix_s)
        }
        "refresh_token" => {
            let Some(refresh) = request.refresh_token.as_deref() else {
                return cckm_error(
                    StatusCode::BAD_REQUEST,
                    "NCERRBadRequest",
                    "refresh_token is required",
                );
            };
            match sim.cckm_tokens.refresh(refresh, now, now_unix_s) {
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
    Json(json!({
        "jwt": issued.jwt,
        "duration": JWT_LIFETIME_S,
        "token_type": "Bearer",
        "refresh_token": issued.refresh_token,
    }))
    .into_response()
}

fn parse_query(cloud: Cloud, raw: Option<&str>) -> Result<SyncJobQuery, String> {
    let mut query = SyncJobQuery {
        limit: DEFAULT_LIMIT,
        ..SyncJobQuery::default()
    };
    let containers = cloud.container_field();
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
            "sort" => {
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
    Path(cloud): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(rejection) = authenticate(&state, &headers) {
        return unauthorized(rejection.message());
    }
    let Some(cloud) = Cloud::parse(&cloud) else {
        return not_found();
    };
    let query = match parse_query(cloud, raw.as_deref()) {
        Ok(query) => query,
        Err(problem) => return bad_request(&problem),
    };
    let mut sim = state.sim();
    sim.now_ms();
    let sim = &*sim;
    let (total, jobs) = page(sim.cloud_sync(cloud), &query);
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

async fn one_job(
    State(state): State<DemoState>,
    Path((cloud, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(rejection) = authenticate(&state, &headers) {
        return unauthorized(rejection.message());
    }
    let Some(cloud) = Cloud::parse(&cloud) else {
        return not_found();
    };
    let mut sim = state.sim();
    sim.now_ms();
    let sim = &*sim;
    match sim.cloud_sync(cloud).find(&id) {
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
            Cloud::Aws,
            Some("kms=a&kms=b&skip=5&limit=2&overall_status=failed&key_vaults=x"),
        )
        .unwrap();
        assert_eq!(query.containers, vec!["a", "b"]);
        assert_eq!((query.skip, query.limit), (5, 2));
        assert_eq!(query.overall_status.as_deref(), Some("failed"));
        let azure = parse_query(Cloud::Azure, Some("key_vaults=x&kms=a")).unwrap();
        assert_eq!(azure.containers, vec!["x"]);
        assert!(parse_query(Cloud::Aws, Some("skip=-1")).is_err());
        assert!(parse_query(Cloud::Aws, Some("limit=ten")).is_err());
        assert_eq!(parse_query(Cloud::Aws, None).unwrap().limit, 10);
    }
}
