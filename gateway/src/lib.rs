//! keywatch-gateway: a simulator of the GKLM and CipherTrust CCKM REST APIs
//! (`demo`), and a read-only CORS proxy to the real servers (`proxy`).

pub mod config;
pub mod hosts;
pub mod metrics;
pub mod proxy;
pub mod routes;
pub mod server;
pub mod sim;
pub mod watch;

use tokio::net::TcpListener;

use crate::config::DemoOptions;
use crate::hosts::HostAllowlist;
use crate::routes::{demo_app, DemoCredentials, DemoState};
use crate::sim::Simulator;

/// The demo application for these options, ready to serve; an error says
/// which allowed host name is not one.
pub fn demo_router(options: &DemoOptions) -> Result<axum::Router, String> {
    let hosts = HostAllowlist::new(options.listen, &options.allowed_hosts)?;
    let state = DemoState::new(
        Simulator::new(options.seed, options.time_scale),
        DemoCredentials {
            user: options.user.clone(),
            password: options.password.clone(),
        },
    );
    Ok(demo_app(
        state,
        options.dist.clone(),
        options.portal.clone(),
        hosts,
    ))
}

/// Starts the simulator on `listener` in the background; the listener's
/// address stands in for `options.listen`.
pub fn spawn_demo(
    listener: TcpListener,
    options: &DemoOptions,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> std::io::Result<server::RunningServer> {
    let options = DemoOptions {
        listen: listener.local_addr()?,
        ..options.clone()
    };
    let app = demo_router(&options).map_err(std::io::Error::other)?;
    server::RunningServer::spawn_with(listener, app, tls, options.connections)
}
