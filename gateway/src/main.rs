use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use keywatch_gateway::config::{ConnectionLimits, DemoOptions, ProxyConfig};
use keywatch_gateway::{demo_router, server};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "keywatch-gateway", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulated GKLM and CipherTrust servers, plus the widget bundle.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Directory holding the built widget bundle, served at `/`.
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
        /// Directory holding the example admin console, served at `/portal/`.
        #[arg(long, default_value = "examples/portal")]
        portal: PathBuf,
        /// Same seed, same simulated history.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "kwdemo")]
        user: String,
        #[arg(long, default_value = "kwdemo")]
        password: String,
        /// Simulated seconds per real second (0 stops the clock).
        #[arg(long, default_value_t = 1.0)]
        time_scale: f64,
        /// Another host name (with or without :port) to answer to, besides
        /// the listen address and localhost; repeat for more. On 0.0.0.0 the
        /// machine's own name and addresses are answered to already.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_host: Vec<String>,
        /// Open connections at most (the longest idle one makes room).
        #[arg(long, default_value_t = ConnectionLimits::default().max_connections)]
        max_connections: usize,
        /// Seconds a request head may take.
        #[arg(long, default_value_t = ConnectionLimits::default().header_read_timeout_seconds)]
        header_read_timeout: f64,
        /// Seconds an idle kept-alive connection stays open.
        #[arg(long, default_value_t = ConnectionLimits::default().idle_timeout_seconds)]
        idle_timeout: f64,
        /// Seconds a request body may take.
        #[arg(long, default_value_t = ConnectionLimits::default().request_body_timeout_seconds)]
        request_body_timeout: f64,
    },
    /// Read-only CORS gateway in front of the real GKLM and CipherTrust Manager.
    Proxy {
        /// TOML configuration (see keywatch-gateway.example.toml).
        #[arg(long)]
        config: PathBuf,
    },
}

/// Single-threaded: `server::serve` starts a thread per core, each with a
/// runtime of its own, and this one serves as the first.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // First, so that every large block from here on is mapped on its own.
    server::memory::large_allocations_from_the_system();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo {
            listen,
            dist,
            portal,
            seed,
            user,
            password,
            time_scale,
            allow_host,
            max_connections,
            header_read_timeout,
            idle_timeout,
            request_body_timeout,
        } => {
            let options = DemoOptions {
                listen,
                allowed_hosts: allow_host,
                connections: ConnectionLimits {
                    max_connections,
                    header_read_timeout_seconds: header_read_timeout,
                    idle_timeout_seconds: idle_timeout,
                    request_body_timeout_seconds: request_body_timeout,
                    ..ConnectionLimits::default()
                },
                dist,
                portal,
                seed,
                user,
                password,
                time_scale,
            };
            run_demo(options).await
        }
        Command::Proxy { config } => run_proxy(config).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("keywatch-gateway: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run_demo(options: DemoOptions) -> Result<(), String> {
    if !(options.time_scale.is_finite() && options.time_scale >= 0.0) {
        return Err("--time-scale must be a number of 0 or more".into());
    }
    options
        .connections
        .validate()
        .map_err(|e| e.replace("connections.", "--").replace('_', "-"))?;
    let listen = options.listen;
    let app = demo_router(&options)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    if !options.dist.join("index.html").is_file() {
        tracing::warn!(dist = %options.dist.display(), "no widget bundle there yet; the APIs work regardless");
    }
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "keywatch gateway (demo) listening on http://{addr}/"
    );
    let _ = writeln!(
        stdout,
        "demo sign-in: user {}, password {} (GKLM and CipherTrust)",
        options.user, options.password
    );
    if options.portal.join("index.html").is_file() {
        let _ = writeln!(
            stdout,
            "example admin console with two embedded panels: http://{addr}/portal/"
        );
    }
    let _ = stdout.flush();
    drop(stdout);
    server::serve(
        listener,
        app,
        None,
        options.connections,
        server::shutdown_signal(),
    )
    .await;
    Ok(())
}

async fn run_proxy(path: PathBuf) -> Result<(), String> {
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let config = ProxyConfig::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let credentials = config.service_credentials(|name| std::env::var(name).ok())?;
    let metrics_token = config.metrics_token(|name| std::env::var(name).ok())?;
    if config.watch.is_some() {
        tracing::info!("watching both servers; their state is in /metrics");
    }
    let parts = keywatch_gateway::proxy::proxy_parts(&config, credentials, metrics_token)?;
    let app = parts.router;
    if let Some(metrics_listen) = config.metrics_listen {
        let listener = tokio::net::TcpListener::bind(metrics_listen)
            .await
            .map_err(|e| format!("cannot listen on {metrics_listen} (metrics_listen): {e}"))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?;
        println!("metrics on http://{bound}/metrics");
        let metrics_app = parts.metrics_router;
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, metrics_app).await {
                tracing::warn!(%error, "the metrics listener stopped");
            }
        });
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    println!("keywatch gateway (proxy) listening on http://{addr}/");
    tracing::info!(gklm = %config.gklm_base_url, ciphertrust = %config.ciphertrust_base_url, "forwarding read-only requests");
    server::serve(
        listener,
        app,
        None,
        config.connections,
        server::shutdown_signal(),
    )
    .await;
    Ok(())
}
