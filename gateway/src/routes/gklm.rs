//! The GKLM REST services the panel reads, under `/SKLM/rest/v1`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::language::{backup_result_status, gklm_message, unknown_event, GklmMessage, Lang};
use super::DemoState;
use crate::sim::gklm_tasks::RESTORE_PHASES;

pub fn router() -> Router<DemoState> {
    Router::new()
        .route("/ckms/login", post(login))
        .route("/ckms/logout", delete(logout))
        .route("/ckms/backups/result", get(backup_result))
        .route("/ckms/backups/isrunning", get(backup_running))
        .route("/ckms/backups/need", get(backup_need))
        .route("/backupInfo", get(backup_info))
        .route("/ckms/nodes/allNodeStatus", get(master_status))
        .route("/ckms/backupRestore/progress", get(restore_progress))
        .route("/ckms/restore/progress", get(restore_progress))
        .route("/ckms/notification/status", get(notification_statuses))
        .route(
            "/ckms/notification/status/{event_uuid}",
            get(notification_status),
        )
}

/// A GKLM answer: JSON with `Content-Language`.
pub fn gklm_json(lang: Lang, status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_LANGUAGE, lang.content_language())],
        Json(body),
    )
        .into_response()
}

pub fn gklm_error(lang: Lang, status: StatusCode, code: &str, message: String) -> Response {
    gklm_json(lang, status, json!({"code": code, "message": message}))
}

pub fn gklm_message_error(lang: Lang, status: StatusCode, message: GklmMessage) -> Response {
    let text = gklm_message(message, lang);
    let code = text.split(' ').next().unwrap_or_default().to_string();
    gklm_error(lang, status, &code, text)
}

/// The id from `Authorization: SKLMAuth userAuthId=<id>`, if the header has that shape.
pub fn user_auth_id(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("SKLMAuth") {
        return None;
    }
    let id = rest.trim_start().strip_prefix("userAuthId=")?;
    let valid = !id.is_empty() && !id.contains(char::is_whitespace);
    valid.then_some(id)
}

/// Lets the request on if it carries a live session, as GKLM would.
fn authenticate(state: &DemoState, headers: &HeaderMap) -> Result<(), (StatusCode, GklmMessage)> {
    let Some(id) = user_auth_id(headers) else {
        return Err((StatusCode::BAD_REQUEST, GklmMessage::BadRequest));
    };
    let mut sim = state.sim();
    let now = sim.now_ms();
    sim.gklm_sessions
        .use_session(id, now)
        .map_err(|_| (StatusCode::UNAUTHORIZED, GklmMessage::NotAuthenticated))
}

#[derive(Deserialize)]
struct LoginRequest {
    userid: String,
    password: String,
}

async fn login(State(state): State<DemoState>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = Lang::from_headers(&headers);
    let Ok(request) = serde_json::from_slice::<LoginRequest>(&body) else {
        return gklm_message_error(lang, StatusCode::BAD_REQUEST, GklmMessage::BadRequest);
    };
    let credentials = &state.credentials;
    if request.userid != credentials.user || request.password != credentials.password {
        return gklm_message_error(lang, StatusCode::UNAUTHORIZED, GklmMessage::WrongPassword);
    }
    let mut sim = state.sim();
    let now = sim.now_ms();
    let id = sim.gklm_sessions.sign_in(now);
    gklm_json(lang, StatusCode::OK, json!({"UserAuthId": id}))
}

async fn logout(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    let Some(id) = user_auth_id(&headers) else {
        return gklm_message_error(lang, StatusCode::BAD_REQUEST, GklmMessage::BadRequest);
    };
    if !state.sim().gklm_sessions.sign_out(id) {
        return gklm_message_error(
            lang,
            StatusCode::UNAUTHORIZED,
            GklmMessage::NotAuthenticated,
        );
    }
    let text = gklm_message(GklmMessage::LoggedOut, lang);
    gklm_json(lang, StatusCode::OK, json!({"code": "0", "status": text}))
}

async fn backup_result(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    if let Err((status, message)) = authenticate(&state, &headers) {
        return gklm_message_error(lang, status, message);
    }
    let result = state.sim().backup_result();
    gklm_json(
        lang,
        StatusCode::OK,
        json!({"code": result.code(), "status": backup_result_status(result, lang)}),
    )
}

async fn backup_running(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    if let Err((status, message)) = authenticate(&state, &headers) {
        return gklm_message_error(lang, status, message);
    }
    // Inverted on purpose: GKLM answers 0 for running.
    let (code, message) = if state.sim().backup_running() {
        ("0", GklmMessage::BackupRunning)
    } else {
        ("1", GklmMessage::BackupNotRunning)
    };
    gklm_json(
        lang,
        StatusCode::OK,
        json!({"code": code, "status": gklm_message(message, lang)}),
    )
}

/// Keys wait for a backup until one succeeds (with or without a warning),
/// and wait again after keys change or a restore. IBM documents only
/// `status` (the message id and its text); `code` repeats the message id,
/// as GKLM's other answers carry a code beside the status:
/// `{"code":"CTGKM1305I","status":"CTGKM1305I There are keys and …"}`.
async fn backup_need(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    if let Err((status, message)) = authenticate(&state, &headers) {
        return gklm_message_error(lang, status, message);
    }
    let backed_up = state.sim().keys_backed_up();
    let (code, message) = if backed_up {
        ("CTGKM1304I", GklmMessage::AllBackedUp)
    } else {
        ("CTGKM1305I", GklmMessage::KeysNotBackedUp)
    };
    gklm_json(
        lang,
        StatusCode::OK,
        json!({"code": code, "status": gklm_message(message, lang)}),
    )
}

async fn restore_progress(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    if let Err((status, message)) = authenticate(&state, &headers) {
        return gklm_message_error(lang, status, message);
    }
    let phase = state.sim().restore_phase();
    let status = RESTORE_PHASES
        .get(usize::from(phase))
        .copied()
        .unwrap_or("IDLE");
    gklm_json(
        lang,
        StatusCode::OK,
        json!({"code": phase.to_string(), "status": status}),
    )
}

/// `GET /backupInfo`. IBM's page names the fields but gives no example:
/// the simulator sends the flags as text, as GKLM sends its codes, and the
/// date as Java's `Date.toString()` in UTC, a form its Java services print.
async fn backup_info(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    if let Err((status, message)) = authenticate(&state, &headers) {
        return gklm_message_error(lang, status, message);
    }
    let last = state.sim().last_backup_unix_ms();
    gklm_json(
        lang,
        StatusCode::OK,
        json!({
            "IsBackupBeforeServing": "false",
            "IsLastBackupDateAvailable": last.is_some().to_string(),
            "lastBackupDate": last.map(java_date_utc).unwrap_or_default(),
        }),
    )
}

async fn master_status(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    if let Err((status, message)) = authenticate(&state, &headers) {
        return gklm_message_error(lang, status, message);
    }
    let masters = state.sim().cluster().status_json();
    gklm_json(lang, StatusCode::OK, masters)
}

/// `Wed Dec 02 02:00:00 UTC 2026`.
fn java_date_utc(unix_ms: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let seconds = unix_ms.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let in_day = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = DAYS[(days + 4).rem_euclid(7) as usize];
    let month_name = MONTHS[(month - 1) as usize];
    format!(
        "{weekday} {month_name} {day:02} {:02}:{:02}:{:02} UTC {year}",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

async fn notification_statuses(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    if let Err((status, message)) = authenticate(&state, &headers) {
        return gklm_message_error(lang, status, message);
    }
    let statuses = state.sim().notification_statuses();
    gklm_json(lang, StatusCode::OK, statuses)
}

async fn notification_status(
    State(state): State<DemoState>,
    Path(event_uuid): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_headers(&headers);
    if let Err((status, message)) = authenticate(&state, &headers) {
        return gklm_message_error(lang, status, message);
    }
    let statuses = state.sim().notification_status(&event_uuid);
    match statuses {
        Some(channels) => gklm_json(lang, StatusCode::OK, channels),
        None => gklm_error(
            lang,
            StatusCode::NOT_FOUND,
            "CTGKM0404E",
            unknown_event(&event_uuid, lang),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn auth(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn dates_read_as_java_prints_them() {
        assert_eq!(
            java_date_utc(1_796_176_800_000),
            "Wed Dec 02 02:00:00 UTC 2026"
        );
        assert_eq!(java_date_utc(0), "Thu Jan 01 00:00:00 UTC 1970");
        assert_eq!(
            java_date_utc(951_782_400_000),
            "Tue Feb 29 00:00:00 UTC 2000"
        );
    }

    #[test]
    fn reads_the_sklmauth_header() {
        assert_eq!(
            user_auth_id(&auth("SKLMAuth userAuthId=abc-1")),
            Some("abc-1")
        );
        assert_eq!(user_auth_id(&auth("sklmauth   userAuthId=x")), Some("x"));
        assert_eq!(user_auth_id(&auth("SKLMAuth userAuthId=")), None);
        assert_eq!(user_auth_id(&auth("Bearer abc")), None);
        assert_eq!(user_auth_id(&auth("SKLMAuth abc")), None);
        assert_eq!(user_auth_id(&auth("SKLMAuth userAuthId=a b")), None);
        assert_eq!(user_auth_id(&HeaderMap::new()), None);
    }
}
