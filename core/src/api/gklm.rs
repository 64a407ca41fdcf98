//! GKLM endpoints: one pure request builder, one pure reader and one
//! convenience call each.

use std::cell::Cell;

use crate::json::Value;

use super::config::{percent_encode, GklmConfig};
use super::error::{ApiError, InputName, Server};
use super::headers;
use super::http::{HttpRequest, HttpResponse, Method, Transport};
use super::read::{read_json, read_reply, Reply};
use crate::json::JsonObject;
use crate::lang::Language;
use crate::model::backup::{BackupActivity, BackupNeed, BackupResult};
use crate::model::backup_history::BackupRecord;
use crate::model::backup_info::BackupInfo;
use crate::model::cluster::MasterStatus;
use crate::model::decode::{DecodeError, Fields};
use crate::model::multimaster::{
    cluster_name_from_json, AgentStatus, ClusterMaster, NodeIsolation,
};
use crate::model::notification::{check_event_uuid, EventLookup, NotificationDelivery};
use crate::model::notification_events::NotificationEvent;
use crate::model::restore::RestoreProgress;
use crate::model::server_info::{Health, SystemDetails, VersionInfo};

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
pub async fn backup_result(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<BackupResult>, ApiError> {
    read_backup_result(&transport.send(&backup_result_request(cfg)).await?)
}

/// `GET /ckms/backups/isrunning`.
pub fn backup_activity_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/backups/isrunning")
}

pub fn read_backup_activity(resp: &HttpResponse) -> Result<Reply<BackupActivity>, ApiError> {
    read_reply(Server::Gklm, resp, BackupActivity::from_json)
}

/// Whether a backup is running now.
pub async fn backup_activity(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<BackupActivity>, ApiError> {
    read_backup_activity(&transport.send(&backup_activity_request(cfg)).await?)
}

/// `GET /ckms/backups/need`.
pub fn backup_need_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/backups/need")
}

pub fn read_backup_need(resp: &HttpResponse) -> Result<Reply<BackupNeed>, ApiError> {
    read_reply(Server::Gklm, resp, BackupNeed::from_json)
}

/// Whether keys and certificates wait for a backup.
pub async fn backup_need(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<BackupNeed>, ApiError> {
    read_backup_need(&transport.send(&backup_need_request(cfg)).await?)
}

/// `GET /backupInfo` (no `/ckms/`): when the last backup was made.
pub fn backup_info_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "backupInfo")
}

pub fn read_backup_info(resp: &HttpResponse) -> Result<Reply<BackupInfo>, ApiError> {
    read_reply(Server::Gklm, resp, BackupInfo::from_json)
}

/// When the last backup was made; servers before 4.2.1 answer 404.
pub async fn backup_info(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<BackupInfo>, ApiError> {
    read_backup_info(&transport.send(&backup_info_request(cfg)).await?)
}

/// `GET /ckms/nodes/allNodeStatus`: whether each master's ports answer.
pub fn master_status_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/nodes/allNodeStatus")
}

pub fn read_master_status(resp: &HttpResponse) -> Result<Reply<Vec<MasterStatus>>, ApiError> {
    read_reply(Server::Gklm, resp, MasterStatus::list_from_json)
}

/// Every master of the cluster, and whether it can be reached.
pub async fn master_status(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<Vec<MasterStatus>>, ApiError> {
    read_master_status(&transport.send(&master_status_request(cfg)).await?)
}

/// `GET /ckms/backups`: the backup files (history). No `backupDirectory`:
/// the server's configured directory.
pub fn backup_history_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/backups")
}

pub fn read_backup_history(resp: &HttpResponse) -> Result<Reply<Vec<BackupRecord>>, ApiError> {
    read_reply(Server::Gklm, resp, BackupRecord::list_from_json)
}

/// The backup files, as the server sends them; see
/// [`crate::model::backup_history::newest_first`].
pub async fn backup_history(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<Vec<BackupRecord>>, ApiError> {
    read_backup_history(&transport.send(&backup_history_request(cfg)).await?)
}

/// `GET /ckms/notification` (GKLM 5.x): the notification events.
pub fn notification_events_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/notification")
}

pub fn read_notification_events(
    resp: &HttpResponse,
) -> Result<Reply<Vec<NotificationEvent>>, ApiError> {
    read_reply(Server::Gklm, resp, NotificationEvent::list_from_json)
}

/// The notification events; servers before 5.x answer 404.
pub async fn notification_events(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<Vec<NotificationEvent>>, ApiError> {
    read_notification_events(&transport.send(&notification_events_request(cfg)).await?)
}

/// `GET /ckms/config/nodes/isNodeIsolatedFromCluster` (4.2.1).
pub fn node_isolation_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/config/nodes/isNodeIsolatedFromCluster")
}

pub fn read_node_isolation(resp: &HttpResponse) -> Result<Reply<NodeIsolation>, ApiError> {
    read_reply(Server::Gklm, resp, NodeIsolation::from_json)
}

/// Whether this server is cut off from its cluster, and its role.
pub async fn node_isolation(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<NodeIsolation>, ApiError> {
    read_node_isolation(&transport.send(&node_isolation_request(cfg)).await?)
}

/// `GET /ckms/nodes` (4.2.1): the masters of the cluster.
pub fn cluster_masters_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/nodes")
}

pub fn read_cluster_masters(resp: &HttpResponse) -> Result<Reply<Vec<ClusterMaster>>, ApiError> {
    read_reply(Server::Gklm, resp, ClusterMaster::list_from_json)
}

/// The masters of the cluster; a standalone server answers an empty list
/// or 404.
pub async fn cluster_masters(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<Vec<ClusterMaster>>, ApiError> {
    read_cluster_masters(&transport.send(&cluster_masters_request(cfg)).await?)
}

/// `GET /ckms/multimaster/agentstatus` (4.2.1).
pub fn agent_status_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/multimaster/agentstatus")
}

pub fn read_agent_status(resp: &HttpResponse) -> Result<Reply<AgentStatus>, ApiError> {
    read_reply(Server::Gklm, resp, AgentStatus::from_json)
}

/// The multi-master agent's version, status and when it last answered.
pub async fn agent_status(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<AgentStatus>, ApiError> {
    read_agent_status(&transport.send(&agent_status_request(cfg)).await?)
}

/// `GET /ckms/config/nodes/getClusterName` (5.x).
pub fn cluster_name_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/config/nodes/getClusterName")
}

pub fn read_cluster_name(resp: &HttpResponse) -> Result<Reply<Option<String>>, ApiError> {
    read_reply(Server::Gklm, resp, cluster_name_from_json)
}

/// The cluster's name; `None` when the server gives none.
pub async fn cluster_name(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<Option<String>>, ApiError> {
    read_cluster_name(&transport.send(&cluster_name_request(cfg)).await?)
}

/// `GET /ckms/versionInfo`.
pub fn version_info_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/versionInfo")
}

pub fn read_version_info(resp: &HttpResponse) -> Result<Reply<VersionInfo>, ApiError> {
    read_reply(Server::Gklm, resp, VersionInfo::from_json)
}

/// The server's version and build level.
pub async fn version_info(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<VersionInfo>, ApiError> {
    read_version_info(&transport.send(&version_info_request(cfg)).await?)
}

/// `GET /systemDetails` (no `/ckms/`).
pub fn system_details_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "systemDetails")
}

pub fn read_system_details(resp: &HttpResponse) -> Result<Reply<SystemDetails>, ApiError> {
    read_reply(Server::Gklm, resp, SystemDetails::from_json)
}

/// Which listeners are up.
pub async fn system_details(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<SystemDetails>, ApiError> {
    read_system_details(&transport.send(&system_details_request(cfg)).await?)
}

/// `GET /health` (no `/ckms/`, no `componentType`: every component).
pub fn health_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "health")
}

pub fn read_health(resp: &HttpResponse) -> Result<Reply<Health>, ApiError> {
    read_reply(Server::Gklm, resp, Health::from_json)
}

/// The server's health, overall and per component.
pub async fn health(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<Health>, ApiError> {
    read_health(&transport.send(&health_request(cfg)).await?)
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

/// Which restore-progress path a server answers on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RestorePath {
    /// `/ckms/backupRestore/progress`, as documented.
    #[default]
    Documented,
    /// `/ckms/restore/progress`, as the documentation's example calls it.
    Alternate,
}

/// The current phase of a running restore. `path` remembers where the
/// server answers: the documented path first; when that is 404, the
/// alternate path once, and from then on only the alternate one.
pub async fn restore_progress(
    transport: &impl Transport,
    cfg: &GklmConfig,
    path: &Cell<RestorePath>,
) -> Result<Reply<RestoreProgress>, ApiError> {
    if path.get() == RestorePath::Alternate {
        return read_restore_progress(
            &transport
                .send(&restore_progress_alternate_request(cfg))
                .await?,
        );
    }
    match read_restore_progress(&transport.send(&restore_progress_request(cfg)).await?) {
        Err(err) if should_try_alternate_restore_path(&err) => {
            let reply = read_restore_progress(
                &transport
                    .send(&restore_progress_alternate_request(cfg))
                    .await?,
            );
            if reply.is_ok() {
                path.set(RestorePath::Alternate);
            }
            reply
        }
        other => other,
    }
}

/// `GET /ckms/notification/status/{eventUUID}`, the UUID trimmed and
/// percent-encoded. An id that [`check_event_uuid`] refuses is never sent.
pub fn notification_status_request(
    cfg: &GklmConfig,
    event_uuid: &str,
) -> Result<HttpRequest, ApiError> {
    let id = check_event_uuid(event_uuid).map_err(|_| ApiError::BadInput {
        what: InputName::EventUuid,
        value: event_uuid.to_owned(),
    })?;
    let path = format!("ckms/notification/status/{}", percent_encode(&id));
    Ok(get(cfg, &path))
}

/// The rows, or [`EventLookup::NotFound`] when GKLM answers 404 in JSON (an
/// HTML 404 page is a wrong address, not an unknown event).
pub fn read_notification_status(resp: &HttpResponse) -> Result<Reply<EventLookup>, ApiError> {
    match read_reply(Server::Gklm, resp, NotificationDelivery::list_from_json) {
        Ok(reply) => Ok(reply.map(EventLookup::Found)),
        Err(ApiError::Http {
            status: 404, said, ..
        }) => Ok(Reply {
            value: EventLookup::NotFound {
                code: said.code,
                message: said.message,
            },
            content_language: resp.content_language.clone(),
        }),
        Err(other) => Err(other),
    }
}

/// `GET /ckms/notification/status` (GKLM 4.2.1): the delivery of every
/// event, per channel, in the same shape as one event's.
pub fn notification_statuses_request(cfg: &GklmConfig) -> HttpRequest {
    get(cfg, "ckms/notification/status")
}

pub fn read_notification_statuses(
    resp: &HttpResponse,
) -> Result<Reply<Vec<NotificationDelivery>>, ApiError> {
    read_reply(Server::Gklm, resp, NotificationDelivery::list_from_json)
}

/// How every notification event was delivered, per channel.
pub async fn notification_statuses(
    transport: &impl Transport,
    cfg: &GklmConfig,
) -> Result<Reply<Vec<NotificationDelivery>>, ApiError> {
    read_notification_statuses(&transport.send(&notification_statuses_request(cfg)).await?)
}

/// How one notification event was delivered, per channel.
pub async fn notification_status(
    transport: &impl Transport,
    cfg: &GklmConfig,
    event_uuid: &str,
) -> Result<Reply<EventLookup>, ApiError> {
    read_notification_status(
        &transport
            .send(&notification_status_request(cfg, event_uuid)?)
            .await?,
    )
}

/// `POST /ckms/login` with `{"userid":…,"password":…}`; never carries an
/// `Authorization` header.
pub fn login_request(cfg: &GklmConfig, userid: &str, password: &str) -> HttpRequest {
    let body = JsonObject::default()
        .text("userid", userid)
        .text("password", password)
        .end();
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

/// `DELETE /ckms/logout` with `{"userAuthId":…}` and the session header;
/// `None` when no session is held.
pub fn logout_request(cfg: &GklmConfig) -> Option<HttpRequest> {
    let id = headers::credential(cfg.auth_id.as_ref())?;
    let body = JsonObject::default().text("userAuthId", id).end();
    Some(headers::request(
        cfg,
        Method::Delete,
        "ckms/logout",
        Some(body),
        true,
    ))
}

/// Ends the session on the server. Any answer will do: the panel forgets
/// the session either way.
pub async fn logout(transport: &impl Transport, cfg: &GklmConfig) -> Result<(), ApiError> {
    let Some(req) = logout_request(cfg) else {
        return Ok(());
    };
    read_json(Server::Gklm, &transport.send(&req).await?).map(|_| ())
}

/// Signs in and returns the new session id (`userAuthId`) to put in
/// [`GklmConfig::auth_id`].
pub async fn login(
    transport: &impl Transport,
    cfg: &GklmConfig,
    userid: &str,
    password: &str,
) -> Result<String, ApiError> {
    read_login(
        &transport
            .send(&login_request(cfg, userid, password))
            .await?,
    )
}
