//! The open connections: how many there are, which are idle, and when each
//! must close. A connection is idle while no request of its own is under
//! way; only idle ones are ever closed early.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;

use crate::config::ConnectionLimits;

/// `in_flight` of a connection chosen to make room: no request may start on it.
const EVICTED: usize = usize::MAX;

/// Open connections in this process, over every server it runs, for `/metrics`.
static OPEN_IN_PROCESS: AtomicUsize = AtomicUsize::new(0);

/// How many client connections the process holds open now.
pub fn open_in_process() -> usize {
    OPEN_IN_PROCESS.load(Ordering::Relaxed)
}

pub struct Connections {
    max: usize,
    epoch: Instant,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Activity>>>,
}

impl Connections {
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Connections {
            max,
            epoch: Instant::now(),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A place for a new connection: a free one, or one made by closing the
    /// connection idle the longest. `None` when every connection is busy.
    pub fn admit(self: &Arc<Self>) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let live = open.values().filter(|a| !a.is_evicted()).count();
        if live >= self.max && !evict_idlest(&open) {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(Activity::new(self.epoch));
        open.insert(id, activity.clone());
        OPEN_IN_PROCESS.fetch_add(1, Ordering::Relaxed);
        Some(Slot {
            id,
            connections: self.clone(),
            activity,
        })
    }

    /// Closes the connection idle the longest, to free a descriptor.
    pub fn shed_one(&self) -> bool {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        evict_idlest(&open)
    }

    /// Connections not yet closed, for tests.
    pub fn count(&self) -> usize {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

fn evict_idlest(open: &HashMap<u64, Arc<Activity>>) -> bool {
    let mut idle: Vec<&Arc<Activity>> = open
        .values()
        .filter(|a| a.in_flight.load(Ordering::SeqCst) == 0)
        .collect();
    idle.sort_by_key(|a| a.quiet_since_ms.load(Ordering::SeqCst));
    idle.into_iter().any(|a| a.try_evict())
}

/// A connection's place among the open ones, given up when dropped.
pub struct Slot {
    id: u64,
    connections: Arc<Connections>,
    pub activity: Arc<Activity>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        OPEN_IN_PROCESS.fetch_sub(1, Ordering::Relaxed);
        self.connections
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
    }
}

/// What one connection is doing, in milliseconds since the registry began.
pub struct Activity {
    epoch: Instant,
    in_flight: AtomicUsize,
    /// When the last request ended, or the connection opened.
    quiet_since_ms: AtomicU64,
    /// One more than when the first byte of an unfinished head came; 0 for none.
    head_started_ms: AtomicU64,
    evicted: Notify,
}

impl Activity {
    fn new(epoch: Instant) -> Self {
        let now = epoch.elapsed().as_millis() as u64;
        Activity {
            epoch,
            in_flight: AtomicUsize::new(0),
            quiet_since_ms: AtomicU64::new(now),
            // A new connection is there to send a request: the head's
            // time runs from the start.
            head_started_ms: AtomicU64::new(now + 1),
            evicted: Notify::new(),
        }
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    fn is_evicted(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) == EVICTED
    }

    fn try_evict(&self) -> bool {
        let evicted = self
            .in_flight
            .compare_exchange(0, EVICTED, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        if evicted {
            self.evicted.notify_one();
        }
        evicted
    }

    /// A request head has been read; `None` when the connection is closing.
    pub fn begin(self: &Arc<Self>) -> Option<RequestUnderWay> {
        self.in_flight
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n != EVICTED).then(|| n + 1)
            })
            .ok()?;
        self.head_started_ms.store(0, Ordering::SeqCst);
        Some(RequestUnderWay(self.clone()))
    }

    fn saw_bytes(&self) {
        if self.in_flight.load(Ordering::SeqCst) == 0 {
            let now = self.now_ms() + 1;
            let _ =
                self.head_started_ms
                    .compare_exchange(0, now, Ordering::SeqCst, Ordering::SeqCst);
        }
    }

    /// Completes when the connection must close, saying why: it was
    /// chosen to make room, its head took too long, or it idled too long.
    ///
    /// Nothing wakes it when a request starts or ends (that would cost a
    /// timer per request); instead it looks again at least every
    /// `min(header, idle)`. A deadline always lies at least that far after
    /// the moment its clock starts, so it is never overslept.
    pub async fn expired(&self, limits: &ConnectionLimits) -> &'static str {
        let look_again = limits.header_read_timeout().min(limits.idle_timeout());
        loop {
            let (deadline_ms, reason) = if self.in_flight.load(Ordering::SeqCst) != 0 {
                (None, "")
            } else {
                match self.head_started_ms.load(Ordering::SeqCst) {
                    0 => (
                        Some(
                            self.quiet_since_ms.load(Ordering::SeqCst)
                                + limits.idle_timeout().as_millis() as u64,
                        ),
                        "idle for too long",
                    ),
                    started => (
                        Some(started - 1 + limits.header_read_timeout().as_millis() as u64),
                        "request head not complete in time",
                    ),
                }
            };
            let now = self.now_ms();
            let wait = match deadline_ms {
                Some(at) if at <= now => return reason,
                Some(at) => Duration::from_millis(at - now).min(look_again),
                None => look_again,
            };
            tokio::select! {
                () = self.evicted.notified() => return "closed to make room for another",
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}

/// Counts a request as under way until dropped.
pub struct RequestUnderWay(Arc<Activity>);

impl Drop for RequestUnderWay {
    fn drop(&mut self) {
        let activity = &self.0;
        activity
            .quiet_since_ms
            .store(activity.now_ms(), Ordering::SeqCst);
        activity.head_started_ms.store(0, Ordering::SeqCst);
        let _ = activity
            .in_flight
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n != EVICTED && n > 0).then(|| n - 1)
            });
    }
}

/// A stream that tells its connection's [`Activity`] when bytes arrive.
pub struct Watched<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S> Watched<S> {
    pub fn new(inner: S, activity: Arc<Activity>) -> Self {
        Watched { inner, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.saw_bytes();
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_the_cap_the_longest_idle_connection_makes_room_and_busy_ones_never_do() {
        let connections = Connections::new(2);
        let first = connections.admit().unwrap();
        let second = connections.admit().unwrap();
        let busy = first.activity.begin().unwrap();
        let _ = second.activity.begin().unwrap();
        // `second` finished its request: idle again.
        let third = connections.admit().expect("the idle connection makes room");
        assert!(second.activity.is_evicted());
        assert!(second.activity.begin().is_none(), "no request starts on it");
        assert!(!first.activity.is_evicted());
        let _held = third.activity.begin().unwrap();
        drop(second);
        assert!(connections.admit().is_none(), "both live ones are busy");
        drop(busy);
        assert!(connections.admit().is_some());
    }
}
