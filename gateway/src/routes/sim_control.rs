//! `/_sim/`: how tests steer the simulator. Mounted in demo mode only.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::DemoState;
use crate::sim::faults::{FaultPlan, FaultSpec};
use crate::sim::gklm_tasks::{BackupResult, RESTORE_COMPLETED};
use crate::sim::scenario::Scenario;
use crate::sim::world::GklmVersion;

/// The longest single clock jump; longer ones would only burn CPU.
const MAX_ADVANCE_SECONDS: u64 = 30 * 86_400;

pub fn router() -> Router<DemoState> {
    Router::new()
        .route("/reset", post(reset))
        .route("/backup", post(pin_backup))
        .route("/restore", post(pin_restore))
        .route("/cluster", post(pin_cluster))
        .route("/gklm", post(pin_gklm))
        .route("/faults", post(add_fault).delete(clear_faults))
        .route("/scenario", post(choose_scenario))
        .route("/clock", post(advance_clock))
        .route("/events", get(list_events))
        .route("/state", get(describe_state))
}

fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": message.into()})),
    )
        .into_response()
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|error| error.to_string())
}

async fn reset(State(state): State<DemoState>) -> StatusCode {
    state.sim().reset();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BackupPinRequest {
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    running: Option<bool>,
    /// What `GET /ckms/backups/need` answers: true for CTGKM1304I (all
    /// backed up), false for CTGKM1305I (keys wait for a backup).
    #[serde(default)]
    all_backed_up: Option<bool>,
    /// What `GET /backupInfo` says: the last backup this many seconds ago …
    #[serde(default)]
    last_backup_seconds_ago: Option<u64>,
    /// … or, when true, that no backup was ever made.
    #[serde(default)]
    never_backed_up: Option<bool>,
}

async fn pin_backup(State(state): State<DemoState>, body: Bytes) -> Response {
    let request: BackupPinRequest = match parse(&body) {
        Ok(request) => request,
        Err(problem) => return bad_request(problem),
    };
    let result = match request.result {
        None => None,
        Some(value) => {
            let code = match &value {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                _ => String::new(),
            };
            match serde_json::from_value::<BackupResult>(Value::String(code)) {
                Ok(result) => Some(result),
                Err(_) => {
                    return bad_request(format!("result must be one of -1, 0, 1, 2; got {value}"))
                }
            }
        }
    };
    let last_backup = match (request.last_backup_seconds_ago, request.never_backed_up) {
        (Some(_), Some(true)) => {
            return bad_request("give last_backup_seconds_ago or never_backed_up, not both")
        }
        (Some(seconds), _) if seconds > MAX_ADVANCE_SECONDS * 12 => {
            return bad_request("last_backup_seconds_ago is at most a year")
        }
        (Some(seconds), _) => Some(Some(seconds)),
        (None, Some(true)) => Some(None),
        (None, _) => None,
    };
    let backup_state =
        result.is_some() || request.running.is_some() || request.all_backed_up.is_some();
    if !backup_state && last_backup.is_none() {
        return bad_request(
            "give result, running, all_backed_up, last_backup_seconds_ago or never_backed_up",
        );
    }
    let mut sim = state.sim();
    if backup_state {
        sim.pin_backup(result, request.running, request.all_backed_up);
    }
    if let Some(seconds_ago) = last_backup {
        sim.pin_last_backup(seconds_ago);
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterPinRequest {
    masters: u8,
    #[serde(default)]
    unreachable: u8,
}

/// `{"masters": 3, "unreachable": 1}`: the last `unreachable` masters listed
/// by `GET /ckms/nodes/allNodeStatus` do not answer.
async fn pin_cluster(State(state): State<DemoState>, body: Bytes) -> Response {
    let request: ClusterPinRequest = match parse(&body) {
        Ok(request) => request,
        Err(problem) => return bad_request(problem),
    };
    if !(1..=16).contains(&request.masters) || request.unreachable > request.masters {
        return bad_request("masters is 1 to 16, unreachable at most masters");
    }
    state.sim().pin_cluster(crate::sim::world::Cluster {
        masters: request.masters,
        unreachable: request.unreachable,
    });
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GklmPinRequest {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    standalone: Option<bool>,
    #[serde(default)]
    isolated: Option<bool>,
    #[serde(default)]
    agent_running: Option<bool>,
}

/// What the simulated GKLM is; every field optional, a field left out
/// keeps its value, `/_sim/reset` goes back to a 5.x master in a cluster,
/// connected, its agent running:
///
/// - `"version"`: `"4.2"` (no `/ckms/backups`, `/ckms/notification/status`,
///   `/ckms/notification`, `/backupInfo`, nor 4.2.1's multi-master
///   services: 404), `"4.2.1"` (no 5.x `/ckms/notification` nor
///   `getClusterName`), `"5.x"` (everything);
/// - `"standalone": true`: not in a cluster (`/ckms/nodes` and
///   `allNodeStatus` list nothing; see the simulator's `cluster_nodes`);
/// - `"isolated": true`: this server's `isNodeIsolatedFromCluster` says so;
/// - `"agent_running": false`: the multi-master agent is stopped (from now).
///
/// A three-master cluster with one isolated master and the agent down:
/// `POST /_sim/cluster {"masters": 3, "unreachable": 1}` and
/// `POST /_sim/gklm {"isolated": true, "agent_running": false}`.
async fn pin_gklm(State(state): State<DemoState>, body: Bytes) -> Response {
    let request: GklmPinRequest = match parse(&body) {
        Ok(request) => request,
        Err(problem) => return bad_request(problem),
    };
    let version = match request.version.as_deref() {
        None => None,
        Some(text) => match GklmVersion::parse(text) {
            Some(version) => Some(version),
            None => return bad_request(format!("version is 4.2, 4.2.1 or 5.x; got {text:?}")),
        },
    };
    if version.is_none()
        && request.standalone.is_none()
        && request.isolated.is_none()
        && request.agent_running.is_none()
    {
        return bad_request("give version, standalone, isolated, agent_running or several");
    }
    let mut sim = state.sim();
    let profile = sim.gklm();
    let standalone = request.standalone.unwrap_or(profile.standalone);
    let isolated = request.isolated.unwrap_or(profile.isolated && !standalone);
    if standalone && isolated {
        return bad_request("a standalone server cannot be isolated from a cluster");
    }
    sim.pin_gklm(
        version,
        request.standalone,
        Some(isolated),
        request.agent_running,
    );
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RestorePinRequest {
    phase: u8,
}

async fn pin_restore(State(state): State<DemoState>, body: Bytes) -> Response {
    let request: RestorePinRequest = match parse(&body) {
        Ok(request) => request,
        Err(problem) => return bad_request(problem),
    };
    if request.phase > RESTORE_COMPLETED {
        return bad_request("phase must be 0 to 7");
    }
    state.sim().pin_restore_phase(request.phase);
    StatusCode::NO_CONTENT.into_response()
}

async fn add_fault(State(state): State<DemoState>, body: Bytes) -> Response {
    let spec: FaultSpec = match parse(&body) {
        Ok(spec) => spec,
        Err(problem) => return bad_request(problem),
    };
    if let Err(problem) = FaultPlan::validate(&spec) {
        return bad_request(problem);
    }
    state.sim().faults.insert(spec);
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_faults(State(state): State<DemoState>) -> StatusCode {
    state.sim().faults.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioRequest {
    name: String,
}

async fn choose_scenario(State(state): State<DemoState>, body: Bytes) -> Response {
    let request: ScenarioRequest = match parse(&body) {
        Ok(request) => request,
        Err(problem) => return bad_request(problem),
    };
    let Some(scenario) = Scenario::parse(&request.name) else {
        return bad_request(format!(
            "unknown scenario {:?}: use quiet, busy, failing or many-jobs",
            request.name
        ));
    };
    state.sim().choose_scenario(scenario);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    advance_seconds: u64,
}

async fn advance_clock(State(state): State<DemoState>, body: Bytes) -> Response {
    let request: ClockRequest = match parse(&body) {
        Ok(request) => request,
        Err(problem) => return bad_request(problem),
    };
    if request.advance_seconds > MAX_ADVANCE_SECONDS {
        return bad_request(format!(
            "advance at most {MAX_ADVANCE_SECONDS} seconds at a time"
        ));
    }
    state.sim().advance_clock(request.advance_seconds);
    StatusCode::NO_CONTENT.into_response()
}

async fn list_events(State(state): State<DemoState>) -> Json<Value> {
    let mut sim = state.sim();
    sim.now_ms();
    Json(json!({"events": sim.event_uuids()}))
}

async fn describe_state(State(state): State<DemoState>) -> Json<Value> {
    let mut sim = state.sim();
    let now = sim.now_ms();
    Json(json!({
        "scenario": sim.scenario(),
        "sim_seconds": now / 1000,
        "backup": {
            "result": sim.backup_result().code(),
            "running": sim.backup_running(),
            "all_backed_up": sim.keys_backed_up(),
        },
        "restore_phase": sim.restore_phase(),
        "gklm": {
            "version": sim.gklm().version,
            "standalone": sim.gklm().standalone,
            "isolated": sim.gklm().isolated,
            "agent_running": sim.gklm().agent_running,
        },
    }))
}
