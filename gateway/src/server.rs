mod accept_backoff;
mod connections;
pub mod memory;
mod request_body;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;

use self::accept_backoff::{out_of_descriptors, AcceptBackoff};
pub use self::connections::{open_in_process, Connections};
use self::connections::{RequestUnderWay, Slot, Watched};
use crate::config::ConnectionLimits;

/// Put in a response's extensions to have the connection closed instead of
/// answering, as a crashed or killed server would.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

#[derive(Debug)]
struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DroppedOnPurpose {}

/// How a request's span is made: [`request_span`].
pub type MakeRequestSpan = fn(&hyper::Request<Body>) -> tracing::Span;

/// tower-http's request tracing, with a span that records the path but not
/// the query: a token a client puts in a query string must not reach the log.
/// Headers (`Authorization` among them) are not recorded either.
pub fn trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, MakeRequestSpan> {
    TraceLayer::new_for_http().make_span_with(request_span as MakeRequestSpan)
}

pub fn request_span(request: &hyper::Request<Body>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        version = ?request.version(),
    )
}

const DRAIN_LIMIT: Duration = Duration::from_secs(10);
/// Request heads larger than this are refused (431); browsers send a few KiB.
const MAX_HEAD_BUFFER: usize = 64 * 1024;

/// Serves `app` on `listener` (over TLS when an acceptor is given) within
/// `limits` until `shutdown` completes, then lets open requests finish.
///
/// One thread per core, each with a single-threaded runtime of its own, as
/// nginx has a worker process per core: a connection's requests stay on one
/// thread and no thread wakes another to share work. This thread accepts
/// and hands the connections out in turn, so that a burst of new
/// connections does not all land on whichever thread woke first. The caps,
/// the watchdog, the answer cache and everything else the application holds
/// are shared.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<TlsAcceptor>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut handoffs = Vec::new();
    let mut workers = Vec::new();
    for n in 1..threads {
        match worker_thread(n, app.clone(), tls.clone(), limits) {
            Ok((handoff, done)) => {
                handoffs.push(handoff);
                workers.push(done);
            }
            Err(error) => {
                tracing::warn!(%error, "could not start another serving thread; serving on fewer");
                break;
            }
        }
    }
    serve_counted(
        listener,
        app,
        tls,
        limits,
        Connections::new(limits.max_connections),
        handoffs,
        shutdown,
    )
    .await;
    for done in workers {
        let _ = done.await;
    }
}

/// A connection accepted on one thread, to be served on another.
type Accepted = (std::net::TcpStream, SocketAddr, Slot);

/// Another thread serving the connections sent to it until the sender is
/// dropped; the receiver completes when it has let their requests finish.
fn worker_thread(
    n: usize,
    app: Router,
    tls: Option<TlsAcceptor>,
    limits: ConnectionLimits,
) -> std::io::Result<(mpsc::UnboundedSender<Accepted>, oneshot::Receiver<()>)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (handoff, mut accepted) = mpsc::unbounded_channel::<Accepted>();
    let (done, finished) = oneshot::channel();
    std::thread::Builder::new()
        .name(format!("keywatch-serve-{n}"))
        .spawn(move || {
            runtime.block_on(async move {
                let graceful = GracefulShutdown::new();
                while let Some((stream, peer, slot)) = accepted.recv().await {
                    match TcpStream::from_std(stream) {
                        Ok(stream) => {
                            tokio::spawn(connection(
                                stream,
                                peer,
                                slot,
                                app.clone(),
                                tls.clone(),
                                limits,
                                graceful.watcher(),
                            ));
                        }
                        Err(error) => tracing::debug!(%peer, %error, "connection lost on the way"),
                    }
                }
                drain(graceful).await;
            });
            let _ = done.send(());
        })?;
    Ok((handoff, finished))
}

async fn serve_counted(
    listener: TcpListener,
    app: Router,
    tls: Option<TlsAcceptor>,
    limits: ConnectionLimits,
    connections: Arc<Connections>,
    handoffs: Vec<mpsc::UnboundedSender<Accepted>>,
    shutdown: impl Future<Output = ()> + Send,
) {
    let graceful = GracefulShutdown::new();
    let mut backoff = AcceptBackoff::new(limits.accept_error_log_interval());
    let mut shutdown = std::pin::pin!(shutdown);
    let mut turn = 0usize;
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => {
                    backoff.succeeded();
                    accepted
                }
                Err(error) => {
                    if out_of_descriptors(&error) {
                        connections.shed_one();
                    }
                    let pause = backoff.failed(&error, Instant::now());
                    tokio::select! {
                        () = tokio::time::sleep(pause) => continue,
                        () = &mut shutdown => break,
                    }
                }
            },
            () = &mut shutdown => break,
        };
        send_at_once(&stream);
        let Some(slot) = connections.admit() else {
            refuse(&stream, tls.is_some());
            continue;
        };
        turn = (turn + 1) % (handoffs.len() + 1);
        let (stream, slot) = match turn.checked_sub(1).map(|other| &handoffs[other]) {
            None => (stream, slot),
            Some(handoff) => {
                let Ok(stream) = stream.into_std() else {
                    continue;
                };
                match handoff.send((stream, peer, slot)) {
                    Ok(()) => continue,
                    // That thread is gone: serve it here.
                    Err(mpsc::error::SendError((stream, _, slot))) => {
                        match TcpStream::from_std(stream) {
                            Ok(stream) => (stream, slot),
                            Err(_) => continue,
                        }
                    }
                }
            }
        };
        tokio::spawn(connection(
            stream,
            peer,
            slot,
            app.clone(),
            tls.clone(),
            limits,
            graceful.watcher(),
        ));
    }
    drop(listener);
    drop(handoffs);
    drain(graceful).await;
}

/// Lets the open connections finish their requests, for a while.
async fn drain(graceful: GracefulShutdown) {
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections closed"),
        () = tokio::time::sleep(DRAIN_LIMIT) => tracing::warn!("gave up waiting for open connections"),
    }
}

/// Each write leaves at once (Nagle's algorithm off). hyper writes a
/// response's head and its body, or a streamed file's chunks, as separate
/// writes; with Nagle on, a write that follows one not yet acknowledged
/// waits for that acknowledgement, which a browser delays by up to 40 ms on
/// a kept-alive connection. A page's scripts and the panel's replies came
/// 40-50 ms late each that way.
fn send_at_once(stream: &TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "cannot turn Nagle's algorithm off");
    }
}

/// Every open connection is busy: say so and close, without reading.
fn refuse(stream: &TcpStream, over_tls: bool) {
    tracing::debug!("connection refused: every connection is busy (max_connections)");
    if !over_tls {
        let body = r#"{"error":"the gateway is busy; try again shortly"}"#;
        let answer = format!(
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.try_write(answer.as_bytes());
    }
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    slot: Slot,
    app: Router,
    tls: Option<TlsAcceptor>,
    limits: ConnectionLimits,
    watcher: Watcher,
) {
    let activity = slot.activity.clone();
    let io = Watched::new(stream, activity.clone());
    let service = {
        let activity = activity.clone();
        service_fn(move |request| answer(app.clone(), request, peer, limits, activity.begin()))
    };
    let mut builder = http1::Builder::new();
    builder.max_buf_size(MAX_HEAD_BUFFER);
    let served = async {
        match tls {
            Some(acceptor) => {
                match tokio::time::timeout(limits.header_read_timeout(), acceptor.accept(io)).await
                {
                    Ok(Ok(stream)) => {
                        watcher
                            .watch(builder.serve_connection(TokioIo::new(stream), service))
                            .await
                    }
                    Ok(Err(error)) => {
                        tracing::debug!(%peer, %error, "TLS handshake failed");
                        Ok(())
                    }
                    Err(_) => {
                        tracing::debug!(%peer, "TLS handshake not complete in time");
                        Ok(())
                    }
                }
            }
            None => {
                watcher
                    .watch(builder.serve_connection(TokioIo::new(io), service))
                    .await
            }
        }
    };
    tokio::select! {
        result = served => if let Err(error) = result {
            tracing::debug!(%peer, %error, "connection ended with an error");
        },
        reason = activity.expired(&limits) => tracing::debug!(%peer, reason, "connection closed"),
    }
    drop(slot);
}

async fn answer(
    app: Router,
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
    limits: ConnectionLimits,
    under_way: Option<RequestUnderWay>,
) -> Result<axum::response::Response, DroppedOnPurpose> {
    let Some(_under_way) = under_way else {
        return Err(DroppedOnPurpose);
    };
    let (mut parts, body) = request.into_parts();
    // Before the body is polled: hyper sends `100 Continue` only then.
    if let Some(refusal) = request_body::refusal_of_head(&parts.headers, &body, &limits) {
        return Ok(refusal);
    }
    parts.extensions.insert(ConnectInfo(peer));
    let (body, outcome) = request_body::bounded(body, &limits);
    let request = hyper::Request::from_parts(parts, body);
    let response = match app.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if response.extensions().get::<DropConnection>().is_some() {
        return Err(DroppedOnPurpose);
    }
    Ok(match outcome {
        Some(outcome) => outcome.settle(response),
        None => response,
    })
}

/// A server running in the background, as tests and `main` hold it.
pub struct RunningServer {
    pub addr: SocketAddr,
    connections: Arc<Connections>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl RunningServer {
    /// With the default [`ConnectionLimits`].
    pub fn spawn(
        listener: TcpListener,
        app: Router,
        tls: Option<TlsAcceptor>,
    ) -> std::io::Result<Self> {
        Self::spawn_with(listener, app, tls, ConnectionLimits::default())
    }

    pub fn spawn_with(
        listener: TcpListener,
        app: Router,
        tls: Option<TlsAcceptor>,
        limits: ConnectionLimits,
    ) -> std::io::Result<Self> {
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let connections = Connections::new(limits.max_connections);
        let task = tokio::spawn(serve_counted(
            listener,
            app,
            tls,
            limits,
            connections.clone(),
            Vec::new(),
            async move {
                let _ = stopped.await;
            },
        ));
        Ok(RunningServer {
            addr,
            connections,
            stop: Some(stop),
            task,
        })
    }

    /// Connections open right now.
    pub fn open_connections(&self) -> usize {
        self.connections.count()
    }

    /// Stops accepting, lets open requests finish, and waits for that.
    pub async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A socket starts with Nagle's algorithm on; an accepted one is turned off.
    #[tokio::test]
    async fn an_accepted_connection_sends_each_write_at_once() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (stream, _) = listener.accept().await.unwrap();
        assert!(!stream.nodelay().unwrap(), "the default this changes");
        send_at_once(&stream);
        assert!(stream.nodelay().unwrap());
    }

    /// Whichever thread a connection is handed to, each of its requests is
    /// answered, and shutting down waits for all threads.
    #[tokio::test]
    async fn every_connection_is_served_whichever_thread_it_lands_on() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/", axum::routing::get(|| async { "hello" }));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(serve(
            listener,
            app,
            None,
            ConnectionLimits::default(),
            async move {
                let _ = stopped.await;
            },
        ));
        let mut clients = Vec::new();
        for _ in 0..8 {
            clients.push(tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                for _ in 0..3 {
                    stream
                        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .await
                        .unwrap();
                    let mut answer = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !answer.ends_with(b"hello") {
                        let n = stream.read(&mut buf).await.unwrap();
                        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&answer));
                        answer.extend_from_slice(&buf[..n]);
                    }
                    assert!(answer.starts_with(b"HTTP/1.1 200"));
                }
            }));
        }
        for client in clients {
            client.await.unwrap();
        }
        let _ = stop.send(());
        tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .expect("shut down in time")
            .unwrap();
    }
}
