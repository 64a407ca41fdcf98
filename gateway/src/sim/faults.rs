use std::collections::HashMap;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    Status,
    Html,
    Malformed,
    Latency,
    Drop,
    ExpiredSession,
    /// GKLM only: the session's end said in `messageId` and the first word
    /// of `message`, with no `code`, and HTTP 400 (as clients of real
    /// servers have met it).
    SessionInMessage,
    Huge,
}

/// A fault as `POST /_sim/faults` describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    pub route: String,
    pub kind: FaultKind,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub ms: Option<u64>,
    /// How many requests it affects; absent means until cleared.
    #[serde(default)]
    pub times: Option<u32>,
}

/// What one request suffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub status: u16,
    pub ms: u64,
}

#[derive(Debug, Default)]
pub struct FaultPlan {
    by_route: HashMap<String, (Fault, Option<u32>)>,
}

impl FaultPlan {
    pub fn validate(spec: &FaultSpec) -> Result<(), String> {
        if !spec.route.starts_with('/') {
            return Err("route must be a request path starting with /".into());
        }
        if let Some(status) = spec.status {
            if !(100..=599).contains(&status) {
                return Err(format!("status {status} is not an HTTP status"));
            }
        }
        if spec.times == Some(0) {
            return Err("times must be at least 1 (leave it out for until cleared)".into());
        }
        Ok(())
    }

    /// A new fault for a route replaces the one it had.
    pub fn insert(&mut self, spec: FaultSpec) {
        let fault = Fault {
            kind: spec.kind,
            status: spec.status.unwrap_or(match spec.kind {
                FaultKind::Html => 502,
                _ => 503,
            }),
            ms: spec.ms.unwrap_or(2000),
        };
        self.by_route.insert(spec.route, (fault, spec.times));
    }

    pub fn clear(&mut self) {
        self.by_route.clear();
    }

    /// The fault this request meets, counting it against `times`.
    pub fn take(&mut self, path: &str) -> Option<Fault> {
        let (fault, remaining) = self.by_route.get_mut(path)?;
        let fault = *fault;
        if let Some(left) = remaining {
            *left -= 1;
            if *left == 0 {
                self.by_route.remove(path);
            }
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(times: Option<u32>) -> FaultSpec {
        FaultSpec {
            route: "/x".into(),
            kind: FaultKind::Status,
            status: Some(500),
            ms: None,
            times,
        }
    }

    #[test]
    fn counted_fault_clears_itself() {
        let mut plan = FaultPlan::default();
        plan.insert(spec(Some(2)));
        assert!(plan.take("/x").is_some());
        assert!(plan.take("/x").is_some());
        assert!(plan.take("/x").is_none());
    }

    #[test]
    fn uncounted_fault_stays_until_cleared_and_matches_only_its_route() {
        let mut plan = FaultPlan::default();
        plan.insert(spec(None));
        for _ in 0..5 {
            assert_eq!(plan.take("/x").map(|f| f.status), Some(500));
        }
        assert!(plan.take("/y").is_none());
        plan.clear();
        assert!(plan.take("/x").is_none());
    }

    #[test]
    fn rejects_nonsense() {
        assert!(FaultPlan::validate(&spec(Some(0))).is_err());
        let mut s = spec(None);
        s.status = Some(42);
        assert!(FaultPlan::validate(&s).is_err());
        s.status = Some(503);
        s.route = "x".into();
        assert!(FaultPlan::validate(&s).is_err());
    }
}
