//! GKLM endpoints: one pure request builder, one pure reader and one
//! convenience call each.

use serde_json::{json, Value};

use super::config::{is_path_segment, percent_encode, GklmConfig};
use super::error::{ApiError, InputName, Server};
use super::headers;
use super::http::{send, HttpRequest, HttpResponse, Method};
use super::read::{read_reply, Reply};
use crate::lang::Language;
use crate::model::backup::{BackupActivity, BackupResult};
use crate::model::decode::{DecodeError, Fields};
use crate::model::notification::NotificationDelivery;
use crate::model::restore::RestoreProgress;

impl headers::Endpoint for GklmConfig {
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
        headers::credential(self.auth_id.as_ref()).map(|c| format!("SKLMAuth userAuthId={c}"))
    }
}

fn get(cfg: &GklmConfig, path: &str) -> HttpRequest {
    headers::request(cfg, Method::Get, path, None, true)
}

/// `GET /ckms/backups/result`.
pub fn backup_result_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/backups/result")
}

pub fn read_backup_result(resp: &HttpResponse) -> Result<Reply<BackupResult>, ApiError> {
    read_reply(Server::Gklm, resp, BackupResult::from_json)
}

/// The result of the most recent backup task.
pub async fn backup_result(cfg: &GklmConfig) -> Result<Reply<BackupResult>, ApiError> {
    read_backup_result(&send(&backup_result_request(cfg)).await?)
}

/// `GET /ckms/backups/isrunning`.
pub fn backup_activity_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/backups/isrunning")
}

pub fn read_backup_activity(resp: &HttpResponse) -> Result<Reply<BackupActivity>, ApiError> {
    read_reply(Server::Gklm, resp, BackupActivity::from_json)
}

/// Whether a backup is running now.
pub async fn backup_activity(cfg: &GklmConfig) -> Result<Reply<BackupActivity>, ApiError> {
    read_backup_activity(&send(&backup_activity_request(cfg)).await?)
}

/// `GET /ckms/backupRestore/progress`, the documented path.
pub fn restore_progress_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/backupRestore/progress")
}

/// `GET /ckms/restore/progress`, the path the documentation's own example
/// calls; the same service.
pub fn restore_progress_alternate_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/restore/progress")
}

/// True when the documented restore-progress path is not there, so the
/// alternate path is worth one try.
pub fn should_try_alternate_restore_path(err: &ApiError) -> bool {
    matches!(
        err,
        ApiError::Http { status: 404, .. } | ApiError::NotJson { status: 404, .. }
    )
}

pub fn read_restore_progress(resp: &HttpResponse) -> Result<Reply<RestoreProgress>, ApiError> {
    read_reply(Server::Gklm, resp, RestoreProgress::from_json)
}

/// The current phase of a running restore; asks the alternate path when the
/// documented one answers 404.
pub async fn restore_progress(cfg: &GklmConfig) -> Result<Reply<RestoreProgress>, ApiError> {
    match read_restore_progress(&send(&restore_progress_request(cfg)).await?) {
        Err(err) if should_try_alternate_restore_path(&err) => {
            read_restore_progress(&send(&restore_progress_alternate_request(cfg)).await?)
        }
        other => other,
    }
}

/// `GET /ckms/notification/status/{eventUUID}`, the UUID percent-encoded.
/// An empty or dot-segment UUID is refused, since it would name another path.
pub fn notification_status_request(
    cfg: &GklmConfig,
    event_uuid: &str,
) -> Result<HttpRequest, ApiError> {
    if !is_path_segment(event_uuid) {
        return Err(ApiError::BadInput {
            what: InputName::EventUuid,
            value: event_uuid.to_owned(),
        });
    }
    let path = format!(
        "ckms/notification/status/{}",
        percent_encode(event_uuid.trim())
    );
    Ok(get(cfg, &path))
}

pub fn read_notification_status(
    resp: &HttpResponse,
) -> Result<Reply<Vec<NotificationDelivery>>, ApiError> {
    read_reply(Server::Gklm, resp, NotificationDelivery::list_from_json)
}

/// How one notification event was delivered, per channel.
pub async fn notification_status(
    cfg: &GklmConfig,
    event_uuid: &str,
) -> Result<Reply<Vec<NotificationDelivery>>, ApiError> {
    read_notification_status(&send(&notification_status_request(cfg, event_uuid)?).await?)
}

/// `POST /ckms/login` with `{"userid":…,"password":…}`; never carries an
/// `Authorization` header.
pub fn login_request(cfg: &GklmConfig, userid: &str, password: &str) -> HttpRequest {
    let body = json!({ "userid": userid, "password": password }).to_string();
    headers::request(cfg, Method::Post, "ckms/login", Some(body), false)
}

/// The session id from `{"UserAuthId":…}` (real servers) or
/// `{"userAuthId":…}` (the documentation).
pub fn read_login(resp: &HttpResponse) -> Result<String, ApiError> {
    read_reply(Server::Gklm, resp, user_auth_id).map(|reply| reply.value)
}

fn user_auth_id(value: &Value) -> Result<String, DecodeError> {
    let fields = Fields::of(value, "")?;
    fields
        .opt_text_any(&["UserAuthId", "userAuthId", "userauthid", "USERAUTHID"])?
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .ok_or_else(|| DecodeError::missing("UserAuthId"))
}

/// Signs in and returns the new session id (`userAuthId`) to put in
/// [`GklmConfig::auth_id`].
pub async fn login(cfg: &GklmConfig, userid: &str, password: &str) -> Result<String, ApiError> {
    read_login(&send(&login_request(cfg, userid, password)).await?)
}
