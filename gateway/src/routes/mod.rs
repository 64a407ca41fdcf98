//! HTTP faces of the simulator: the GKLM and CipherTrust APIs, the `/_sim/`
//! controls and the widget bundle.

pub mod bundle_cache;
pub mod cckm;
pub mod fault_injection;
pub mod gklm;
pub mod hits;
pub mod language;
pub mod sim_control;
pub mod static_files;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::http::{header, Method};
use axum::routing::get;
use axum::{middleware, Json, Router};
use tower_http::cors::{Any, CorsLayer};

use crate::hosts::{refuse_foreign_hosts, HostAllowlist};
use crate::sim::Simulator;

/// Who may sign in to the simulated servers.
#[derive(Debug, Clone)]
pub struct DemoCredentials {
    pub user: String,
    pub password: String,
}

#[derive(Clone)]
pub struct DemoState {
    sim: Arc<Mutex<Simulator>>,
    pub credentials: Arc<DemoCredentials>,
}

impl DemoState {
    pub fn new(sim: Simulator, credentials: DemoCredentials) -> Self {
        DemoState {
            sim: Arc::new(Mutex::new(sim)),
            credentials: Arc::new(credentials),
        }
    }

    /// The simulator; a panic elsewhere while it was held does not make it
    /// unusable, as every change to it is complete before anything can panic.
    pub fn sim(&self) -> MutexGuard<'_, Simulator> {
        self.sim
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Everything `keywatch-gateway demo` serves.
pub fn demo_app(state: DemoState, dist: PathBuf, portal: PathBuf, hosts: HostAllowlist) -> Router {
    let gklm = gklm::router();
    let hits = Arc::new(hits::Hits::default());
    let hit_list: Router<DemoState> = Router::new()
        .route("/_sim/hits", get(hits::list).delete(hits::clear))
        .with_state(hits.clone());
    let routes = Router::new()
        .nest("/SKLM/rest/v1", gklm.clone())
        .nest("/GKLM/rest/v1", gklm)
        .nest("/api/v1", cckm::router())
        .nest("/_sim", sim_control::router())
        .route("/healthz", get(healthz))
        .merge(hit_list)
        .nest_service("/portal", static_files::portal(portal))
        .fallback_service(static_files::service(dist))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            fault_injection::inject_faults,
        ))
        .layer(middleware::from_fn_with_state(hits, hits::count))
        .layer(demo_cors())
        .with_state(state);
    // A middleware clones what it wraps for every request: a Router is an Arc.
    Router::new()
        .fallback_service(routes)
        .layer(middleware::from_fn_with_state(
            Arc::new(hosts),
            refuse_foreign_hosts,
        ))
        .layer(crate::server::trace_layer())
}

/// Any origin may read the simulator, without credentials. `Authorization`
/// must be listed by name: a wildcard does not cover it.
fn demo_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
        ])
        .expose_headers([header::CONTENT_LANGUAGE])
        .max_age(Duration::from_secs(600))
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok", "mode": "demo"}))
}
