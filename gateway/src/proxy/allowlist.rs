//! The only requests the proxy forwards: what the panel reads, plus sign-in.

use std::borrow::Cow;

use keywatch_core::model::sync_job::Source;
use percent_encoding::percent_decode_str;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Upstream {
    Gklm,
    CipherTrust,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    pub upstream: Upstream,
    /// Path below the configured base, rebuilt from checked segments.
    pub path: String,
    /// Query rebuilt from the parameters this endpoint takes.
    pub query: Option<String>,
    pub is_sign_in: bool,
    /// GKLM's `DELETE /ckms/logout`: the one other call that changes
    /// anything, and only the caller's own session.
    pub is_sign_out: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    MethodNotAllowed,
    Forbidden(&'static str),
}

/// GKLM 4.x's context root, and 5.x's; both go to the configured GKLM
/// base (`gklm_base_url`, which carries the upstream's own prefix).
const GKLM_PREFIXES: [&str; 2] = ["/SKLM/rest/v1/", "/GKLM/rest/v1/"];
const CCKM_PREFIX: &str = "/api/v1/";

/// Which job family's list (`Ok`) or one job (`Err`) the words name, if any:
/// exactly a family's path, or that path and one id after it.
fn job_family(words: &[&str]) -> Option<Result<Source, Source>> {
    Source::ALL.into_iter().find_map(|source| {
        let path = source.path().split('/');
        let len = path.clone().count();
        if !words.iter().take(len).copied().eq(path) {
            None
        } else if words.len() == len {
            Some(Ok(source))
        } else if words.len() == len + 1 {
            Some(Err(source))
        } else {
            None
        }
    })
}

/// Decides whether `method raw_path?raw_query` may go upstream.
pub fn check(method: &str, raw_path: &str, raw_query: Option<&str>) -> Result<Allowed, Refusal> {
    let gklm = GKLM_PREFIXES
        .iter()
        .find_map(|prefix| raw_path.strip_prefix(prefix));
    let (upstream, rest) = if let Some(rest) = gklm {
        (Upstream::Gklm, rest)
    } else if let Some(rest) = raw_path.strip_prefix(CCKM_PREFIX) {
        (Upstream::CipherTrust, rest)
    } else {
        return Err(Refusal::Forbidden("not an endpoint the panel uses"));
    };
    // Borrowed from the path unless a segment was percent-encoded.
    let segments = rest
        .split('/')
        .map(safe_segment)
        .collect::<Option<Vec<Cow<str>>>>()
        .ok_or(Refusal::Forbidden("path segment not allowed"))?;
    let words: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
    let (is_sign_in, query) = match (upstream, words.as_slice()) {
        (Upstream::Gklm, ["ckms", "login"]) | (Upstream::CipherTrust, ["auth", "tokens"]) => {
            (true, None)
        }
        (Upstream::Gklm, ["ckms", "logout"]) => (false, None),
        (Upstream::Gklm, ["ckms", "backups", "result" | "isrunning" | "need"])
        | (Upstream::Gklm, ["ckms", "backupRestore" | "restore", "progress"])
        | (Upstream::Gklm, ["backupInfo"])
        | (Upstream::Gklm, ["ckms", "nodes", "allNodeStatus"])
        | (Upstream::Gklm, ["ckms", "backups"])
        | (Upstream::Gklm, ["ckms", "notification"])
        | (Upstream::Gklm, ["ckms", "config", "nodes", "isNodeIsolatedFromCluster"])
        | (Upstream::Gklm, ["ckms", "config", "nodes", "getClusterName"])
        | (Upstream::Gklm, ["ckms", "nodes"])
        | (Upstream::Gklm, ["ckms", "multimaster", "agentstatus"])
        | (Upstream::Gklm, ["ckms", "versionInfo"])
        | (Upstream::Gklm, ["systemDetails"])
        | (Upstream::Gklm, ["health"])
        | (Upstream::Gklm, ["ckms", "notification", "status"])
        | (Upstream::Gklm, ["ckms", "notification", "status", _]) => (false, None),
        (Upstream::CipherTrust, ["cckm", ..]) => match job_family(&words) {
            Some(Ok(source)) => (false, list_query(source, raw_query)),
            Some(Err(_)) => (false, None),
            None => return Err(Refusal::Forbidden("not an endpoint the panel uses")),
        },
        _ => return Err(Refusal::Forbidden("not an endpoint the panel uses")),
    };
    let is_sign_out = upstream == Upstream::Gklm && words == ["ckms", "logout"];
    let wanted = if is_sign_in {
        "POST"
    } else if is_sign_out {
        "DELETE"
    } else {
        "GET"
    };
    if method != wanted {
        return Err(Refusal::MethodNotAllowed);
    }
    let mut path = String::with_capacity(rest.len() + 1);
    for word in &words {
        path.push('/');
        path.push_str(word);
    }
    Ok(Allowed {
        upstream,
        path,
        query,
        is_sign_in,
        is_sign_out,
    })
}

/// A decoded segment made only of characters ids and names use; anything
/// that could climb or split a path (`..`, `/`, `\`, encoded or not) is out.
fn safe_segment(raw: &str) -> Option<Cow<'_, str>> {
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    let safe = !decoded.is_empty()
        && !decoded.starts_with('.')
        && decoded
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    safe.then_some(decoded)
}

/// The list's own parameters: `id`, `overall_status`, `skip`, `limit`, its
/// container filter, and `sort` where Thales documents it (Google,
/// Salesforce).
fn list_query(source: Source, raw_query: Option<&str>) -> Option<String> {
    let mut kept = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    let filter = source.containers().wire();
    let sort = if source.sorts() { "sort" } else { filter };
    for (key, value) in form_urlencoded::parse(raw_query.unwrap_or("").as_bytes()) {
        if ["id", "overall_status", "skip", "limit", sort, filter].contains(&key.as_ref()) {
            kept.append_pair(&key, &value);
            any = true;
        }
    }
    any.then(|| kept.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_panels_reads() {
        for path in [
            "/SKLM/rest/v1/ckms/backups/result",
            "/SKLM/rest/v1/ckms/backups/isrunning",
            "/SKLM/rest/v1/ckms/backups/need",
            "/SKLM/rest/v1/ckms/backupRestore/progress",
            "/SKLM/rest/v1/ckms/restore/progress",
            "/SKLM/rest/v1/ckms/notification/status/NOT_EVENT-fed6658-f11fba8a",
            "/api/v1/cckm/aws/synchronization-jobs",
            "/api/v1/cckm/oci/synchronization-jobs/0ea5d52e-387c",
        ] {
            assert!(check("GET", path, None).is_ok(), "{path}");
        }
        assert!(
            check("POST", "/SKLM/rest/v1/ckms/login", None)
                .unwrap()
                .is_sign_in
        );
        assert!(
            check("POST", "/api/v1/auth/tokens", None)
                .unwrap()
                .is_sign_in
        );
    }

    /// The GKLM status services, under 4.x's prefix and 5.x's.
    const STATUS_READS: [&str; 10] = [
        "ckms/backups",
        "ckms/notification",
        "ckms/config/nodes/isNodeIsolatedFromCluster",
        "ckms/config/nodes/getClusterName",
        "ckms/nodes",
        "ckms/nodes/allNodeStatus",
        "ckms/multimaster/agentstatus",
        "ckms/versionInfo",
        "systemDetails",
        "health",
    ];

    #[test]
    fn allows_the_status_services_under_both_prefixes_as_reads_only() {
        for prefix in ["/SKLM/rest/v1/", "/GKLM/rest/v1/"] {
            for read in STATUS_READS
                .iter()
                .chain(&["backupInfo", "ckms/backups/result"])
            {
                let path = format!("{prefix}{read}");
                let allowed = check(
                    "GET",
                    &path,
                    Some("backupDirectory=/etc&componentType=KMIP"),
                )
                .unwrap_or_else(|refusal| panic!("{path}: {refusal:?}"));
                assert_eq!(allowed.upstream, Upstream::Gklm);
                assert_eq!(
                    allowed.path,
                    format!("/{read}"),
                    "below the upstream's own base"
                );
                assert_eq!(allowed.query, None, "no query goes up");
                for method in ["POST", "PUT", "DELETE"] {
                    assert_eq!(
                        check(method, &path, None),
                        Err(Refusal::MethodNotAllowed),
                        "{method} {path}"
                    );
                }
            }
        }
        let five = check("POST", "/GKLM/rest/v1/ckms/login", None).unwrap();
        assert!(five.is_sign_in);
    }

    #[test]
    fn the_cluster_changing_get_and_near_misses_stay_refused() {
        for prefix in ["/SKLM/rest/v1/", "/GKLM/rest/v1/"] {
            for rest in [
                "ckms/config/nodes/joinBackTheCluster",
                "ckms/config/nodes/joinbackthecluster",
                "ckms/config/nodes",
                "ckms/config/nodes/getClusterName/x",
                "ckms/nodes/x",
                "ckms/nodes/allNodeStatus/x",
                "ckms/notification/x/y",
                "ckms/multimaster",
                "ckms/multimaster/agentstatus/restart",
                "ckms/versioninfo",
                "systemDetails/KMIP",
                "health/x",
                "ckms/health",
                "ckms/systemDetails",
                "ckms/backups/x",
            ] {
                let path = format!("{prefix}{rest}");
                assert!(
                    matches!(check("GET", &path, None), Err(Refusal::Forbidden(_))),
                    "{path}"
                );
            }
        }
        for path in [
            "/gklm/rest/v1/health",
            "/GKLM/rest/v2/health",
            "/GKLM/health",
            "/SKLM/rest/v1health",
        ] {
            assert!(
                matches!(check("GET", path, None), Err(Refusal::Forbidden(_))),
                "{path}"
            );
        }
    }

    #[test]
    fn allows_exactly_one_logout() {
        let logout = check("DELETE", "/SKLM/rest/v1/ckms/logout", None).unwrap();
        assert!(logout.is_sign_out && !logout.is_sign_in);
        assert_eq!(logout.path, "/ckms/logout");
        for method in ["GET", "POST", "PUT"] {
            assert_eq!(
                check(method, "/SKLM/rest/v1/ckms/logout", None),
                Err(Refusal::MethodNotAllowed),
                "{method}"
            );
        }
        for path in [
            "/api/v1/ckms/logout",
            "/SKLM/rest/v1/ckms/logout/x",
            "/SKLM/rest/v1/ckms/backups/need/x",
        ] {
            assert!(check("DELETE", path, None).is_err(), "{path}");
        }
        assert_eq!(
            check("DELETE", "/SKLM/rest/v1/ckms/backups/need", None),
            Err(Refusal::MethodNotAllowed)
        );
    }

    #[test]
    fn refuses_writes_other_endpoints_and_traversal() {
        assert_eq!(
            check("DELETE", "/SKLM/rest/v1/ckms/backups/result", None),
            Err(Refusal::MethodNotAllowed)
        );
        assert_eq!(
            check("POST", "/api/v1/cckm/aws/synchronization-jobs", None),
            Err(Refusal::MethodNotAllowed)
        );
        for path in [
            "/SKLM/rest/v1/ckms/backups/now",
            "/SKLM/rest/v1/ckms/restore",
            "/api/v1/cckm/aws/synchronization-jobs/x/cancel",
            "/api/v1/cckm/aws/keys",
            "/SKLM/rest/v1/ckms/backups/../../admin",
            "/SKLM/rest/v1/ckms/backups/%2e%2e/result",
            "/SKLM/rest/v1/ckms/notification/status/..%2f..%2fadmin",
            "/SKLM/rest/v1/ckms/notification/status/a%5cb",
            "/SKLM/rest/v1/ckms/notification/status/%252e%252e",
            "/SKLM/rest/v1/ckms//backups/result",
            // A GET that changes the cluster (IBM's page): never forwarded.
            "/SKLM/rest/v1/ckms/config/nodes/joinBackTheCluster",
            "/SKLM/rest/v1/ckms/notification/status/",
            "/api/v1/cckm/../../admin/synchronization-jobs",
            "/_sim/reset",
            "/http://evil.example/",
        ] {
            assert!(
                matches!(check("GET", path, None), Err(Refusal::Forbidden(_))),
                "{path}"
            );
        }
    }

    #[test]
    fn keeps_only_the_list_parameters() {
        let allowed = check(
            "GET",
            "/api/v1/cckm/aws/synchronization-jobs",
            Some("kms=a&kms=b&skip=1&limit=2&evil=1&overall_status=failed&sort=-createdAt"),
        )
        .unwrap();
        assert_eq!(
            allowed.query.as_deref(),
            Some("kms=a&kms=b&skip=1&limit=2&overall_status=failed"),
            "AWS's list has no sort"
        );
        let azure = check(
            "GET",
            "/api/v1/cckm/azure/synchronization-jobs",
            Some("kms=a&key_vaults=v"),
        )
        .unwrap();
        assert_eq!(azure.query.as_deref(), Some("key_vaults=v"));
    }

    /// Every family's list and one job, and nothing near them.
    const FAMILIES: [(&str, &str, bool); 9] = [
        ("cckm/aws/synchronization-jobs", "kms", false),
        (
            "cckm/aws/custom-key-stores/synchronization-jobs",
            "kms",
            false,
        ),
        ("cckm/azure/synchronization-jobs", "key_vaults", false),
        (
            "cckm/azure/secrets/synchronization-jobs",
            "key_vaults",
            false,
        ),
        (
            "cckm/azure/certificates/synchronization-jobs",
            "key_vaults",
            false,
        ),
        ("cckm/google/synchronization-jobs", "key_rings", true),
        ("cckm/oci/synchronization-jobs", "vaults", false),
        ("cckm/sfdc/keys/synchronization-jobs", "organizations", true),
        ("cckm/sap/synchronization-jobs", "groups", false),
    ];

    #[test]
    fn allows_every_familys_list_and_job_as_reads_with_their_own_parameters() {
        for (family, filter, sorts) in FAMILIES {
            let list = format!("/api/v1/{family}");
            let raw = format!(
                "id=j&overall_status=failed&skip=1&limit=2&{filter}=c&sort=-createdAt&kms=k&groups=g&evil=1"
            );
            let allowed =
                check("GET", &list, Some(&raw)).unwrap_or_else(|r| panic!("{list}: {r:?}"));
            assert_eq!(allowed.upstream, Upstream::CipherTrust);
            assert_eq!(allowed.path, format!("/{family}"));
            // `kms=k` and `groups=g` stay only where they are the filter.
            let mut expected: Vec<String> = ["id=j", "overall_status=failed", "skip=1", "limit=2"]
                .map(String::from)
                .to_vec();
            expected.push(format!("{filter}=c"));
            match filter {
                "kms" => expected.push("kms=k".into()),
                "groups" => expected.push("groups=g".into()),
                _ => {}
            }
            if sorts {
                expected.push("sort=-createdAt".into());
            }
            let mut kept_sorted: Vec<String> = allowed
                .query
                .unwrap()
                .split('&')
                .map(String::from)
                .collect();
            kept_sorted.sort();
            expected.sort();
            assert_eq!(kept_sorted, expected, "{list}");

            let one = format!("{list}/0ea5d52e-387c");
            let allowed = check("GET", &one, Some("x=1")).unwrap();
            assert_eq!(allowed.path, format!("/{family}/0ea5d52e-387c"));
            assert_eq!(allowed.query, None);
            for path in [&list, &one] {
                for method in ["POST", "PUT", "DELETE", "PATCH"] {
                    assert_eq!(
                        check(method, path, None),
                        Err(Refusal::MethodNotAllowed),
                        "{method} {path}"
                    );
                }
            }
            for near in [
                format!("{one}/cancel"),
                format!("{one}/x/y"),
                format!("{list}/"),
                format!("{list}/.."),
                format!("{list}/%2e%2e"),
                format!("{list}/a%2fb"),
                format!("/api/v1/{family}s"),
                format!("/api/v1//{family}"),
            ] {
                assert!(
                    matches!(check("GET", &near, None), Err(Refusal::Forbidden(_))),
                    "{near}"
                );
            }
        }
    }

    #[test]
    fn refuses_the_neighbours_of_the_new_families() {
        for path in [
            "/api/v1/cckm/azure/secrets",
            "/api/v1/cckm/azure/certificates",
            "/api/v1/cckm/azure/keys/synchronization-jobs",
            "/api/v1/cckm/sfdc/synchronization-jobs",
            "/api/v1/cckm/sfdc/keys",
            "/api/v1/cckm/sfdc/keys/synchronization-jobs/x/cancel",
            "/api/v1/cckm/aws/custom-key-stores",
            "/api/v1/cckm/aws/custom-key-stores/x",
            "/api/v1/cckm/aws/custom-key-stores/synchronization-jobs/x/cancel",
            "/api/v1/cckm/sap/groups",
            "/api/v1/cckm/google/update-all-versions-jobs",
            "/api/v1/cckm/aws/bulkjob",
            "/api/v1/cckm/hsm/luna/synchronization-jobs",
            "/api/v1/cckm/ibm/synchronization-jobs",
            "/api/v1/cckm",
            "/api/v1/cckm/synchronization-jobs",
            "/api/v1/cckm/sfdc/keys/synchronization-jobs/%2e%2e/%2e%2e/admin",
        ] {
            assert!(
                matches!(check("GET", path, None), Err(Refusal::Forbidden(_))),
                "{path}"
            );
        }
        for path in [
            "/api/v1/cckm/sfdc/keys/synchronization-jobs",
            "/api/v1/cckm/aws/custom-key-stores/synchronization-jobs/j",
        ] {
            assert_eq!(check("POST", path, None), Err(Refusal::MethodNotAllowed));
        }
    }
}
