use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderValue;
use bytes::Bytes;
use tokio::sync::OnceCell;

/// What the upstream answered, kept for sharing.
#[derive(Debug, Clone)]
pub struct UpstreamReply {
    pub status: u16,
    pub content_type: Option<HeaderValue>,
    pub content_language: Option<HeaderValue>,
    pub body: Bytes,
    pub received: Instant,
}

/// Concurrent identical requests share one upstream call, and successful
/// answers are reused for a few seconds. Keys include the caller's identity,
/// so nothing is shared across identities.
pub struct Coalescer {
    ttl: Duration,
    entries: Mutex<HashMap<String, Arc<OnceCell<UpstreamReply>>>>,
}

const ENTRIES_BEFORE_SWEEP: usize = 10_000;

impl Coalescer {
    pub fn new(ttl: Duration) -> Self {
        Coalescer {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub async fn get<F, Fut>(&self, key: String, fetch: F) -> UpstreamReply
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = UpstreamReply>,
    {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            match entries.get(&key) {
                Some(cell) if cell.get().is_none_or(|reply| self.reusable(reply)) => cell.clone(),
                _ => {
                    if entries.len() >= ENTRIES_BEFORE_SWEEP {
                        entries
                            .retain(|_, cell| cell.get().is_none_or(|reply| self.reusable(reply)));
                    }
                    let cell = Arc::new(OnceCell::new());
                    entries.insert(key, cell.clone());
                    cell
                }
            }
        };
        cell.get_or_init(fetch).await.clone()
    }

    fn reusable(&self, reply: &UpstreamReply) -> bool {
        (200..300).contains(&reply.status) && reply.received.elapsed() < self.ttl
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn reply(status: u16) -> UpstreamReply {
        UpstreamReply {
            status,
            content_type: None,
            content_language: None,
            body: Bytes::from_static(b"{}"),
            received: Instant::now(),
        }
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch_and_failures_are_not_kept() {
        let coalescer = Arc::new(Coalescer::new(Duration::from_secs(60)));
        let calls = Arc::new(AtomicUsize::new(0));
        let mut waiters = Vec::new();
        for _ in 0..50 {
            let coalescer = coalescer.clone();
            let calls = calls.clone();
            waiters.push(tokio::spawn(async move {
                coalescer
                    .get("k".into(), || async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        reply(200)
                    })
                    .await
            }));
        }
        for waiter in waiters {
            assert_eq!(waiter.await.unwrap().status, 200);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        coalescer.get("bad".into(), || async { reply(500) }).await;
        let again = coalescer.get("bad".into(), || async { reply(200) }).await;
        assert_eq!(again.status, 200, "a failure is not cached");
        let other = coalescer.get("k2".into(), || async { reply(201) }).await;
        assert_eq!(other.status, 201, "keys do not mix");
    }
}
