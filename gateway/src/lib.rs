//! keywatch-gateway: a simulator of the GKLM and CipherTrust CCKM REST APIs
//! (`demo`), and a read-only CORS proxy to the real servers (`proxy`).

pub mod config;
pub mod proxy;
pub mod routes;
pub mod server;
pub mod sim;

use tokio::net::TcpListener;

use crate::config::DemoOptions;
use crate::routes::{demo_app, DemoCredentials, DemoState};
use crate::sim::Simulator;

/// The demo application for these options, ready to serve.
pub fn demo_router(options: &DemoOptions) -> axum::Router {
    let state = DemoState::new(
        Simulator::new(options.seed, options.time_scale),
        DemoCredentials {
            user: options.user.clone(),
            password: options.password.clone(),
        },
    );
    demo_app(state, options.dist.clone())
}

/// Starts the simulator on `listener` in the background.
pub fn spawn_demo(
    listener: TcpListener,
    options: &DemoOptions,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> std::io::Result<server::RunningServer> {
    server::RunningServer::spawn(listener, demo_router(options), tls)
}
