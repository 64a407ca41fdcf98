//! The GKLM REST services the panel reads, under `/SKLM/rest/v1` and, as
//! GKLM 5.x documents, under `/GKLM/rest/v1` (the same router twice).
//!
//! Which services answer depends on the release the simulator plays
//! (`POST /_sim/gklm`, see [`crate::sim::world::GklmVersion`]): a service a
//! release does not have answers 404 as WebSphere Liberty does, before any
//! session check.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::language::{
    backup_file_texts, backup_result_status, gklm_message, notification_event_message,
    unknown_event, GklmMessage, Lang,
};
use super::DemoState;
use crate::sim::gklm_tasks::RESTORE_PHASES;
use crate::sim::world::GklmService;

pub fn router() -> Router<DemoState> {
    Router::new()
        .route("/ckms/login", post(login))
        .route("/ckms/logout", delete(logout))
        .route("/ckms/backups/result", get(backup_result))
        .route("/ckms/backups/isrunning", get(backup_running))
        .route("/ckms/backups/need", get(backup_need))
        .route("/backupInfo", get(backup_info))
        .route("/ckms/nodes/allNodeStatus", get(master_status))
        .route("/ckms/backups", get(backup_list))
        .route("/ckms/notification", get(notification_events))
        .route(
            "/ckms/config/nodes/isNodeIsolatedFromCluster",
            get(node_isolation),
        )
        .route("/ckms/nodes", get(cluster_nodes))
        .route("/ckms/multimaster/agentstatus", get(agent_status))
        .route("/ckms/config/nodes/getClusterName", get(cluster_name))
        .route("/ckms/versionInfo", get(version_info))
        .route("/systemDetails", get(system_details))
        .route("/health", get(health))
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
    let lang = match gate(
        &state,
        &headers,
        Some(GklmService::BackupInfo),
        "/backupInfo",
    ) {
        Ok(lang) => lang,
        Err(response) => return response,
    };
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

/// A standalone server has no other master: an empty list (see
/// [`cluster_nodes`] for why).
async fn master_status(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    if let Err((status, message)) = authenticate(&state, &headers) {
        return gklm_message_error(lang, status, message);
    }
    let sim = state.sim();
    let masters = if sim.gklm().standalone {
        json!([])
    } else {
        sim.cluster().status_json()
    };
    gklm_json(lang, StatusCode::OK, masters)
}

/// The date and time of Unix ms in UTC: year, month, day, hour, minute,
/// second and weekday (0 Sunday).
fn civil_utc(unix_ms: i64) -> (i64, i64, i64, i64, i64, i64, i64) {
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
    (
        year,
        month,
        day,
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60,
        (days + 4).rem_euclid(7),
    )
}

/// `Wed Dec 02 02:00:00 UTC 2026`.
fn java_date_utc(unix_ms: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (year, month, day, hour, minute, second, weekday) = civil_utc(unix_ms);
    let weekday = DAYS[weekday as usize];
    let month_name = MONTHS[(month - 1) as usize];
    format!("{weekday} {month_name} {day:02} {hour:02}:{minute:02}:{second:02} UTC {year}")
}

/// `20261202020000`: the time in a backup file's name (GKLM adds the
/// offset, `+0000` here).
fn file_time_utc(unix_ms: i64) -> String {
    let (year, month, day, hour, minute, second, _) = civil_utc(unix_ms);
    format!("{year:04}{month:02}{day:02}{hour:02}{minute:02}{second:02}")
}

/// Checks, in the order a real server does, that this release has the
/// service (else Liberty's 404) and that the request carries a live
/// session (else GKLM's error); gives the answer's language. The error is
/// the handler's answer, returned at once: its size does not matter.
#[allow(clippy::result_large_err)]
fn gate(
    state: &DemoState,
    headers: &HeaderMap,
    service: Option<GklmService>,
    path: &str,
) -> Result<Lang, Response> {
    let lang = Lang::from_headers(headers);
    if let Some(service) = service {
        if !state.sim().gklm().version.has(service) {
            return Err(not_in_this_release(path));
        }
    }
    authenticate(state, headers)
        .map_err(|(status, message)| gklm_message_error(lang, status, message))?;
    Ok(lang)
}

/// WebSphere Liberty's answer for a path no application serves.
fn not_in_this_release(path: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html;charset=ISO-8859-1")],
        format!("Error 404: java.io.FileNotFoundException: SRVE0190E: File not found: {path}"),
    )
        .into_response()
}

const PRODUCT_HOME: &str = "/opt/IBM/WebSphere/Liberty/products/sklm";
const CLUSTER_NAME: &str = "kwcluster";

/// `GET /ckms/backups`: the backup files, oldest first as a directory
/// lists them by name; the newest is the last backup `GET /backupInfo`
/// reports. `backupDirectory` is not looked at: the simulator has one.
async fn backup_list(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = match gate(
        &state,
        &headers,
        Some(GklmService::BackupList),
        "/ckms/backups",
    ) {
        Ok(lang) => lang,
        Err(response) => return response,
    };
    let (files, version) = {
        let mut sim = state.sim();
        (sim.backup_files_unix_ms(), sim.gklm().version)
    };
    let (status, description) = backup_file_texts(lang);
    let items: Vec<Value> = files
        .into_iter()
        .map(|at| {
            json!({
                "status": status,
                "productHomeDir": PRODUCT_HOME,
                "backupFilePath": format!(
                    "{PRODUCT_HOME}/data/sklmbackup/sklm_v{}_{}+0000_backup.jar",
                    version.release(),
                    file_time_utc(at)
                ),
                "timestamp": java_date_utc(at),
                "description": description,
            })
        })
        .collect();
    gklm_json(lang, StatusCode::OK, Value::Array(items))
}

/// The types the simulated events take, in turn; IBM's example event is
/// the documented `CERTIFICATE_EXPIRY_IN_30DAYS`.
const EVENT_TYPES: [&str; 4] = [
    "CERTIFICATE_EXPIRY_IN_30DAYS",
    "FAILED_LOGIN",
    "ACCOUNT_LOCKOUT",
    "DATABASE_UNREACHABLE",
];

/// `GET /ckms/notification` (5.x): every event, oldest first. IBM's page
/// does not show an item: the simulator sends `eventUUID`, `eventType`,
/// `timestamp` (as `/backupInfo`'s date), `message`, and the first
/// channel's delivery as `GET /ckms/notification/status` words it.
async fn notification_events(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = match gate(
        &state,
        &headers,
        Some(GklmService::NotificationEvents),
        "/ckms/notification",
    ) {
        Ok(lang) => lang,
        Err(response) => return response,
    };
    let items: Vec<Value> = {
        let mut sim = state.sim();
        let events = sim.notification_events();
        events
            .iter()
            .enumerate()
            .map(|(n, event)| {
                let event_type = EVENT_TYPES[n % EVENT_TYPES.len()];
                let mut item = json!({
                    "eventUUID": event.uuid,
                    "eventType": event_type,
                    "timestamp": java_date_utc(sim.unix_ms(event.created_ms)),
                    "message": notification_event_message(event_type, lang),
                });
                if let (Some(channel), Value::Object(map)) = (event.channels.first(), &mut item) {
                    map.insert("channelType".into(), json!(channel.channel_type));
                    map.insert(
                        "delivered".into(),
                        json!(if channel.delivered { "1" } else { "0" }),
                    );
                    map.insert("numberOfTries".into(), json!(channel.tries.to_string()));
                }
                item
            })
            .collect()
    };
    gklm_json(lang, StatusCode::OK, Value::Array(items))
}

/// `GET /ckms/config/nodes/isNodeIsolatedFromCluster` (4.2.1): flag as text.
/// A standalone server says `"false"` with no role (see [`cluster_nodes`]).
async fn node_isolation(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = match gate(
        &state,
        &headers,
        Some(GklmService::NodeIsolation),
        "/ckms/config/nodes/isNodeIsolatedFromCluster",
    ) {
        Ok(lang) => lang,
        Err(response) => return response,
    };
    let profile = state.sim().gklm();
    let body = if profile.standalone {
        json!({"nodeIsolatedFromCluster": "false", "multimasterRole": ""})
    } else {
        json!({
            "nodeIsolatedFromCluster": profile.isolated.to_string(),
            "multimasterRole": "PRIMARY",
        })
    };
    gklm_json(lang, StatusCode::OK, body)
}

/// `GET /ckms/nodes` (4.2.1): the masters `allNodeStatus` reports, with the
/// same addresses; ports as text.
///
/// A standalone server answers `[]` here, and its other cluster services
/// answer 200 describing no cluster (not isolated, no role, an empty
/// cluster name, an agent with no status). Chosen because these services
/// are part of the product whether or not multi-master is configured, and
/// a list service with nothing configured most plausibly lists nothing; a
/// 404 would also be indistinguishable from a release without the service,
/// which a panel must treat differently.
async fn cluster_nodes(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = match gate(&state, &headers, Some(GklmService::Nodes), "/ckms/nodes") {
        Ok(lang) => lang,
        Err(response) => return response,
    };
    let sim = state.sim();
    let masters = if sim.gklm().standalone {
        0
    } else {
        sim.cluster().masters
    };
    let nodes: Vec<Value> = (0..masters)
        .map(|n| {
            json!({
                "instanceId": (n + 1).to_string(),
                "name": format!("gklm{}", n + 1),
                "clusterName": CLUSTER_NAME,
                "ipHostname": format!("192.0.2.{}", 10 + n),
                "tcpPort": "3801",
                "httpPort": "9443",
                "adminPort": "9080",
            })
        })
        .collect();
    gklm_json(lang, StatusCode::OK, Value::Array(nodes))
}

/// `GET /ckms/multimaster/agentstatus` (4.2.1), keys with spaces as IBM's
/// page spells them. The status words are not documented: `Running` or
/// `Stopped`; the time is when the agent last answered (now while it runs).
async fn agent_status(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = match gate(
        &state,
        &headers,
        Some(GklmService::AgentStatus),
        "/ckms/multimaster/agentstatus",
    ) {
        Ok(lang) => lang,
        Err(response) => return response,
    };
    let mut sim = state.sim();
    let now = sim.now_ms();
    let profile = sim.gklm();
    let body = if profile.standalone {
        json!({"Agent Version": "", "Agent Status": "", "Agent Last Available Time": ""})
    } else {
        let last = if profile.agent_running {
            now
        } else {
            profile.agent_stopped_ms
        };
        json!({
            "Agent Version": profile.version.release(),
            "Agent Status": if profile.agent_running { "Running" } else { "Stopped" },
            "Agent Last Available Time": java_date_utc(sim.unix_ms(last)),
        })
    };
    gklm_json(lang, StatusCode::OK, body)
}

/// `GET /ckms/config/nodes/getClusterName` (5.x); empty when standalone.
async fn cluster_name(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = match gate(
        &state,
        &headers,
        Some(GklmService::ClusterName),
        "/ckms/config/nodes/getClusterName",
    ) {
        Ok(lang) => lang,
        Err(response) => return response,
    };
    let name = if state.sim().gklm().standalone {
        ""
    } else {
        CLUSTER_NAME
    };
    gklm_json(lang, StatusCode::OK, json!({"clusterName": name}))
}

/// `GET /ckms/versionInfo`: IBM's page names no fields; the simulator
/// sends `version` and `buildLevel` beside `productName`.
async fn version_info(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = match gate(&state, &headers, None, "/ckms/versionInfo") {
        Ok(lang) => lang,
        Err(response) => return response,
    };
    let version = state.sim().gklm().version;
    gklm_json(
        lang,
        StatusCode::OK,
        json!({
            "productName": "IBM Guardium Key Lifecycle Manager",
            "version": version.release(),
            "buildLevel": format!("{}-20261001-0101", version.release()),
        }),
    )
}

/// `GET /systemDetails`, IBM's field names, flags and ports as text.
async fn system_details(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = match gate(&state, &headers, None, "/systemDetails") {
        Ok(lang) => lang,
        Err(response) => return response,
    };
    gklm_json(
        lang,
        StatusCode::OK,
        json!({
            "IPAddr": "192.0.2.10",
            "keyStoreInitialized": "true",
            "TCPTransportsInitialized": "true",
            "TLSTransportsInitialized": "true",
            "TCPport": "3801",
            "TLSConfigured": "true",
            "TLSport": "441",
            "KMIPConfigured": "true",
            "KMIPTLSport": "5696",
            "KMIPStatus": "enabled",
        }),
    )
}

/// `GET /health`: `overall` as a JSON flag, false while this master is in
/// a cluster whose agent is stopped, with the component that is down
/// (`AGENT`) beside it as a flag; per-component entries are not in IBM's
/// page and appear only then. `componentType` is
/// not looked at.
async fn health(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = match gate(&state, &headers, None, "/health") {
        Ok(lang) => lang,
        Err(response) => return response,
    };
    let profile = state.sim().gklm();
    let agent_down = !profile.standalone && !profile.agent_running;
    let body = if agent_down {
        json!({"overall": false, "AGENT": false})
    } else {
        json!({"overall": true})
    };
    gklm_json(lang, StatusCode::OK, body)
}

async fn notification_statuses(State(state): State<DemoState>, headers: HeaderMap) -> Response {
    let lang = match gate(
        &state,
        &headers,
        Some(GklmService::NotificationStatusList),
        "/ckms/notification/status",
    ) {
        Ok(lang) => lang,
        Err(response) => return response,
    };
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
    fn file_names_carry_the_time_as_gklm_writes_it() {
        assert_eq!(file_time_utc(1_796_176_800_000), "20261202020000");
        assert_eq!(file_time_utc(951_782_400_000), "20000229000000");
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
