//! Concurrent identical reads share one upstream request, and successful
//! answers are reused for a few seconds. The cache is bounded three ways:
//! by bytes, by entries and by time, and its keys hold no credential. It
//! is charged the bytes it really holds (each answer kept in a buffer of
//! its own size), and keeps no answer above a size: a large answer is
//! still shared by the requests under way at once, but not kept.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderValue;
use bytes::Bytes;
use moka::future::Cache;
use ring::hmac;
use tokio::sync::OnceCell;

use super::allowlist::Upstream;
use crate::routes::language::Lang;

/// What the upstream answered, kept for sharing.
#[derive(Debug, Clone)]
pub struct UpstreamReply {
    pub status: u16,
    pub content_type: Option<HeaderValue>,
    pub content_language: Option<HeaderValue>,
    pub body: Bytes,
}

/// Who asks: a keyed hash of the `Authorization` the browser sent, so that
/// answers are never shared across identities and the key holds no
/// credential. `None` for no `Authorization` (or the service account's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Identity(Option<[u8; 32]>);

/// HMAC-SHA256 under a key drawn at random for each process: the hash of a
/// session id means nothing outside it.
pub struct IdentityHasher(hmac::Key);

impl IdentityHasher {
    pub fn random() -> Result<Self, String> {
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &ring::rand::SystemRandom::new())
            .map_err(|_| "no randomness for the cache key".to_string())?;
        Ok(IdentityHasher(key))
    }

    pub fn identity(&self, authorization: Option<&str>) -> Identity {
        Identity(authorization.map(|value| {
            let mut tag = [0u8; 32];
            tag.copy_from_slice(hmac::sign(&self.0, value.as_bytes()).as_ref());
            tag
        }))
    }
}

/// One read, normalised: the path and query as rebuilt by the allowlist,
/// the language reduced to one the panel speaks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub upstream: Upstream,
    pub path: String,
    pub query: Option<String>,
    pub language: Option<Lang>,
    pub identity: Identity,
}

/// Bookkeeping per entry beyond key and body, roughly.
const ENTRY_OVERHEAD: usize = 256;

pub struct Coalescer {
    /// Successful answers, for the cache period.
    cache: Cache<CacheKey, UpstreamReply>,
    /// Requests under way, each shared by everyone who asks the same
    /// meanwhile; an entry leaves as soon as its answer is there, so this
    /// holds no more than the requests open at once.
    in_flight: Mutex<HashMap<CacheKey, Arc<OnceCell<UpstreamReply>>>>,
    keep: bool,
    /// Answers with larger bodies are not kept.
    max_answer_bytes: usize,
    /// What answers going through and leaving the cache freed: once that
    /// is much, [`Coalescer::tidy`] hands the freed pages back.
    freed: Arc<FreedMemory>,
}

/// Answers adding up to this much are worth handing memory back for.
const MUCH_FREED_BYTES: usize = 256 * 1024;

impl Coalescer {
    /// Answers live `ttl` (0: only concurrent requests share), and only
    /// those of at most `max_answer_bytes`; the cache weighs at most
    /// `max_bytes`, and every entry weighs at least `max_bytes /
    /// max_entries`, so there are never more than `max_entries`.
    pub fn new(ttl: Duration, max_bytes: u64, max_entries: u64, max_answer_bytes: u64) -> Self {
        let least = max_bytes
            .div_ceil(max_entries.max(1))
            .min(u64::from(u32::MAX)) as u32;
        let freed = Arc::new(FreedMemory::default());
        let evicted = freed.clone();
        let cache = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(move |key: &CacheKey, reply: &UpstreamReply| {
                u32::try_from(weight(key, reply))
                    .unwrap_or(u32::MAX)
                    .max(least)
            })
            .eviction_listener(move |_, reply: UpstreamReply, _| evicted.add(reply.body.len()))
            .time_to_live(ttl.max(Duration::from_millis(1)))
            .build();
        Coalescer {
            cache,
            in_flight: Mutex::new(HashMap::new()),
            keep: !ttl.is_zero(),
            max_answer_bytes: usize::try_from(max_answer_bytes).unwrap_or(usize::MAX),
            freed,
        }
    }

    pub async fn get<F, Fut>(&self, key: CacheKey, fetch: F) -> UpstreamReply
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = UpstreamReply>,
    {
        if self.keep {
            if let Some(reply) = self.cache.get(&key).await {
                return reply;
            }
        }
        let cell = {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            in_flight.entry(key.clone()).or_default().clone()
        };
        // Whoever polls first fetches; if that caller goes away, the next
        // one takes over. A kept answer is in the cache before anyone sees
        // it, so no request falls between the two.
        let reply = cell
            .get_or_init(|| async {
                let reply = fetch().await;
                self.freed.add(reply.body.len());
                if self.keep
                    && (200..300).contains(&reply.status)
                    && reply.body.len() <= self.max_answer_bytes
                {
                    self.cache.insert(key.clone(), kept(&reply)).await;
                }
                reply
            })
            .await
            .clone();
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        if in_flight
            .get(&key)
            .is_some_and(|current| Arc::ptr_eq(current, &cell))
        {
            in_flight.remove(&key);
        }
        reply
    }

    /// Drops expired entries now, and hands memory freed since the last
    /// time back to the system; also runs on its own every so often.
    pub async fn tidy(&self) {
        self.cache.run_pending_tasks().await;
        if self.freed.take() {
            crate::server::memory::give_back_freed_memory();
        }
    }

    /// Answers held and their total weight in bytes, after tidying.
    pub async fn weight(&self) -> (u64, u64) {
        self.tidy().await;
        (self.cache.entry_count(), self.cache.weighted_size())
    }

    /// Entries and weight as last counted, without tidying first: what the
    /// cache holds when nothing has asked it anything for a while.
    pub fn held(&self) -> (u64, u64) {
        (self.cache.entry_count(), self.cache.weighted_size())
    }

    /// Whether any key's text holds `needle`, for tests of what keys keep.
    pub fn keys_mention(&self, needle: &str) -> bool {
        self.cache
            .iter()
            .any(|(key, _)| format!("{key:?}").contains(needle))
    }
}

/// What an entry costs: its body, the text of its key and its headers,
/// and the cache's bookkeeping, roughly.
fn weight(key: &CacheKey, reply: &UpstreamReply) -> usize {
    let header = |value: &Option<HeaderValue>| value.as_ref().map_or(0, |v| v.len());
    ENTRY_OVERHEAD
        + key.path.len()
        + key.query.as_ref().map_or(0, String::len)
        + header(&reply.content_type)
        + header(&reply.content_language)
        + reply.body.len()
}

/// The answer as the cache keeps it: its body in a buffer of its own size.
/// The one it was read into may be up to twice as large (it grew as the
/// answer came), and the weigher sees only the length.
fn kept(reply: &UpstreamReply) -> UpstreamReply {
    UpstreamReply {
        body: Bytes::copy_from_slice(&reply.body),
        ..reply.clone()
    }
}

/// How much memory answers left behind since it was last handed back.
///
/// Once that is much, memory is handed back at the next two rounds of
/// tidying: an answer still on its way to a slow client at the first is
/// freed by the second.
#[derive(Default)]
struct FreedMemory {
    bytes: AtomicUsize,
    rounds: AtomicU8,
}

impl FreedMemory {
    /// An answer of `bytes` went through, or left the cache.
    fn add(&self, bytes: usize) {
        let total = self
            .bytes
            .fetch_add(bytes, Ordering::Relaxed)
            .saturating_add(bytes);
        if total >= MUCH_FREED_BYTES {
            self.bytes.store(0, Ordering::Relaxed);
            self.rounds.store(2, Ordering::Relaxed);
        }
    }

    /// Whether to hand memory back now.
    fn take(&self) -> bool {
        self.rounds
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, bytes: usize) -> UpstreamReply {
        UpstreamReply {
            status,
            content_type: None,
            content_language: None,
            body: Bytes::from(vec![b'x'; bytes]),
        }
    }

    fn key(path: &str, identity: Identity) -> CacheKey {
        CacheKey {
            upstream: Upstream::Gklm,
            path: path.into(),
            query: None,
            language: None,
            identity,
        }
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch_and_failures_are_shared_but_not_kept() {
        let coalescer = Arc::new(Coalescer::new(
            Duration::from_secs(60),
            1 << 20,
            100,
            1 << 20,
        ));
        let anonymous = Identity(None);
        for status in [200, 500] {
            let calls = Arc::new(AtomicUsize::new(0));
            let mut waiters = Vec::new();
            for _ in 0..50 {
                let coalescer = coalescer.clone();
                let calls = calls.clone();
                waiters.push(tokio::spawn(async move {
                    coalescer
                        .get(key(&format!("/{status}"), anonymous), || async move {
                            calls.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            reply(status, 2)
                        })
                        .await
                }));
            }
            for waiter in waiters {
                assert_eq!(waiter.await.unwrap().status, status);
            }
            assert_eq!(calls.load(Ordering::SeqCst), 1, "HTTP {status}");
        }
        let again = coalescer
            .get(key("/500", anonymous), || async { reply(200, 2) })
            .await;
        assert_eq!(again.status, 200, "a failure is not kept");
        assert_eq!(coalescer.weight().await.0, 2);
        assert!(coalescer.in_flight.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn identities_never_share_and_keys_hold_no_credential() {
        let coalescer = Coalescer::new(Duration::from_secs(60), 1 << 20, 100, 1 << 20);
        let hasher = IdentityHasher::random().unwrap();
        let alice = hasher.identity(Some("SKLMAuth userAuthId=alice-secret"));
        let bob = hasher.identity(Some("SKLMAuth userAuthId=bob-secret"));
        assert_ne!(alice, bob);
        assert_ne!(alice, Identity(None));
        coalescer
            .get(key("/r", alice), || async { reply(200, 1) })
            .await;
        let for_bob = coalescer
            .get(key("/r", bob), || async { reply(201, 1) })
            .await;
        assert_eq!(for_bob.status, 201);
        assert!(!coalescer.keys_mention("secret"));
        assert!(coalescer.keys_mention("/r"));
    }

    #[tokio::test]
    async fn bounded_by_entries_and_bytes_and_emptied_by_time() {
        let coalescer = Coalescer::new(Duration::from_millis(300), 64 * 1024, 16, 64 * 1024);
        for n in 0..200 {
            coalescer
                .get(key(&format!("/{n}"), Identity(None)), || async {
                    reply(200, 100)
                })
                .await;
        }
        let (entries, bytes) = coalescer.weight().await;
        assert!(entries <= 16, "{entries} entries");
        assert!(bytes <= 64 * 1024, "{bytes} bytes");
        for n in 0..200 {
            coalescer
                .get(key(&format!("/big{n}"), Identity(None)), || async {
                    reply(200, 20_000)
                })
                .await;
        }
        let (_, bytes) = coalescer.weight().await;
        assert!(bytes <= 64 * 1024, "{bytes} bytes");
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(coalescer.weight().await, (0, 0), "expired entries go");
    }

    #[tokio::test]
    async fn answers_above_the_size_are_shared_while_under_way_but_not_kept() {
        let coalescer = Arc::new(Coalescer::new(
            Duration::from_secs(60),
            1 << 20,
            10_000,
            1000,
        ));
        let calls = Arc::new(AtomicUsize::new(0));
        let mut waiters = Vec::new();
        for _ in 0..10 {
            let coalescer = coalescer.clone();
            let calls = calls.clone();
            waiters.push(tokio::spawn(async move {
                coalescer
                    .get(key("/large", Identity(None)), || async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        reply(200, 1001)
                    })
                    .await
            }));
        }
        for waiter in waiters {
            assert_eq!(waiter.await.unwrap().body.len(), 1001);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1, "shared while under way");
        assert_eq!(coalescer.weight().await, (0, 0), "not kept");
        let again = coalescer
            .get(key("/large", Identity(None)), || async { reply(201, 1001) })
            .await;
        assert_eq!(again.status, 201, "asked again upstream");

        coalescer
            .get(key("/small", Identity(None)), || async {
                UpstreamReply {
                    content_type: Some(HeaderValue::from_static("application/json")),
                    ..reply(200, 1000)
                }
            })
            .await;
        let (entries, bytes) = coalescer.weight().await;
        assert_eq!(entries, 1, "at the size, kept");
        let charged = ENTRY_OVERHEAD + "/small".len() + "application/json".len() + 1000;
        assert_eq!(bytes, charged as u64, "body, key and headers");
    }

    #[test]
    fn a_kept_body_is_a_copy_of_its_own_size() {
        let mut grown = Vec::with_capacity(4096);
        grown.extend_from_slice(&[b'x'; 1500]);
        let answer = UpstreamReply {
            body: Bytes::from(grown),
            ..reply(200, 0)
        };
        let kept = kept(&answer);
        assert_eq!(kept.body, answer.body);
        assert_ne!(
            kept.body.as_ptr(),
            answer.body.as_ptr(),
            "not the grown buffer"
        );
    }

    #[test]
    fn memory_is_handed_back_twice_once_much_was_freed() {
        let freed = FreedMemory::default();
        freed.add(MUCH_FREED_BYTES - 1);
        assert!(!freed.take(), "not much yet");
        freed.add(1);
        assert!(freed.take());
        assert!(freed.take(), "and once more, for answers still being sent");
        assert!(!freed.take());
    }

    #[tokio::test]
    async fn with_no_cache_period_only_concurrent_callers_share() {
        let coalescer = Coalescer::new(Duration::ZERO, 1 << 20, 100, 1 << 20);
        coalescer
            .get(key("/r", Identity(None)), || async { reply(200, 1) })
            .await;
        let second = coalescer
            .get(key("/r", Identity(None)), || async { reply(201, 1) })
            .await;
        assert_eq!(second.status, 201);
    }
}
