//! `/_sim/hits`: how often each simulated endpoint was asked, how many
//! requests to it were ever under way at once, and how many came without an
//! `Authorization` header, so that browser tests can count a panel's polling
//! (and any request sent before its credential) at the server.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;
use serde::Serialize;

#[derive(Clone, Default, Serialize, Debug, PartialEq, Eq)]
pub struct PathHits {
    pub count: u64,
    pub in_flight: u64,
    pub max_in_flight: u64,
    /// Requests without an `Authorization` header (a sign-in has none by
    /// nature; a read with none went out before its credential).
    pub unauthenticated: u64,
    /// The query strings of the latest requests, oldest first (at most 32).
    pub queries: Vec<String>,
}

/// Hits per API path (not `/_sim/`, not preflights).
#[derive(Default)]
pub struct Hits(Mutex<BTreeMap<String, PathHits>>);

impl Hits {
    fn with<R>(&self, f: impl FnOnce(&mut BTreeMap<String, PathHits>) -> R) -> R {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut map)
    }

    fn start(&self, path: &str, query: Option<&str>, authenticated: bool) {
        self.with(|map| {
            let hits = map.entry(path.to_owned()).or_default();
            if !authenticated {
                hits.unauthenticated += 1;
            }
            if let Some(query) = query {
                if hits.queries.len() >= 32 {
                    hits.queries.remove(0);
                }
                hits.queries.push(query.to_owned());
            }
            hits.count += 1;
            hits.in_flight += 1;
            hits.max_in_flight = hits.max_in_flight.max(hits.in_flight);
        });
    }

    fn end(&self, path: &str) {
        self.with(|map| {
            if let Some(hits) = map.get_mut(path) {
                hits.in_flight = hits.in_flight.saturating_sub(1);
            }
        });
    }

    pub fn snapshot(&self) -> BTreeMap<String, PathHits> {
        self.with(|map| map.clone())
    }

    pub fn clear(&self) {
        self.with(BTreeMap::clear);
    }
}

/// Ends the count of a request under way when its handler finishes or is dropped.
struct UnderWay<'a> {
    hits: &'a Hits,
    path: &'a str,
}

impl Drop for UnderWay<'_> {
    fn drop(&mut self) {
        self.hits.end(self.path);
    }
}

pub async fn count(State(hits): State<Arc<Hits>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if request.method() == Method::OPTIONS || path.starts_with("/_sim/") {
        return next.run(request).await;
    }
    let authenticated = request.headers().contains_key(header::AUTHORIZATION);
    hits.start(&path, request.uri().query(), authenticated);
    let _under_way = UnderWay {
        hits: &hits,
        path: &path,
    };
    next.run(request).await
}

pub async fn list(State(hits): State<Arc<Hits>>) -> Json<BTreeMap<String, PathHits>> {
    Json(hits.snapshot())
}

pub async fn clear(State(hits): State<Arc<Hits>>) -> StatusCode {
    hits.clear();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::Hits;

    #[test]
    fn counts_requests_and_the_most_at_once() {
        let hits = Hits::default();
        hits.start("/a", None, true);
        hits.start("/a", None, false);
        hits.end("/a");
        hits.start("/a", None, true);
        hits.end("/a");
        hits.end("/a");
        hits.start("/b", Some("x=1"), true);
        let seen = hits.snapshot();
        assert_eq!(
            seen.get("/a")
                .map(|h| (h.count, h.in_flight, h.max_in_flight)),
            Some((3, 0, 2))
        );
        assert_eq!(seen.get("/a").map(|h| h.unauthenticated), Some(1));
        assert_eq!(seen.get("/b").map(|h| h.unauthenticated), Some(0));
        assert_eq!(seen.get("/b").map(|h| h.in_flight), Some(1));
        assert_eq!(
            seen.get("/b").map(|h| h.queries.clone()),
            Some(vec!["x=1".to_owned()])
        );
        hits.clear();
        assert!(hits.snapshot().is_empty());
    }
}
