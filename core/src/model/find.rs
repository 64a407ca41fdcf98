//! "Find in this page": which of the jobs the panel already holds match
//! typed text. Nothing is asked of the server, so it answers at every
//! keystroke; the server's own filters are [`super::sync_job::SyncJobFilter`].

use std::borrow::Borrow;

use super::sync_job::{SyncJob, SyncStatus};
use super::text::lower_latin1;

/// Typed text, trimmed and folded to lower case, ready to match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindText(String);

impl FindText {
    /// `None` for blank text, which finds every job.
    pub fn new(typed: &str) -> Option<FindText> {
        let text = typed.trim();
        (!text.is_empty()).then(|| FindText(text.chars().map(lower_latin1).collect()))
    }

    /// Whether `job` holds the text, in any case, in its id, its status (as
    /// sent, or `shown_status` as the panel words it), its account, its
    /// regions, a region's status text or its containers.
    pub fn matches(&self, job: &SyncJob, shown_status: Option<&str>) -> bool {
        let has = |field: &str| contains_folded(field, &self.0);
        has(&job.id)
            || has(job.overall_status.as_wire())
            || shown_status.is_some_and(has)
            || has(&job.account)
            || job
                .details
                .iter()
                .any(|d| has(&d.account) || has(&d.region) || has(&d.text))
            || job.regions.iter().flatten().any(|r| has(r))
            || job.containers.iter().any(|c| has(c))
    }
}

/// Whether each of `jobs` matches, in page order. `word` gives a status as
/// the panel shows it.
pub fn matching<J: Borrow<SyncJob>>(
    jobs: &[J],
    find: &FindText,
    word: impl Fn(&SyncStatus) -> Option<&'static str>,
) -> Vec<bool> {
    jobs.iter()
        .map(|job| {
            let job = job.borrow();
            find.matches(job, word(&job.overall_status))
        })
        .collect()
}

/// `needle` (folded) in `hay`, in any case. ASCII text, which is most of
/// what servers send, is compared byte by byte without a folded copy.
fn contains_folded(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() {
        let needle = needle.as_bytes();
        needle.is_ascii()
            && needle.len() <= hay.len()
            && hay
                .as_bytes()
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle))
    } else {
        hay.char_indices().any(|(at, _)| {
            hay.get(at..).is_some_and(|rest| {
                let mut folded = rest.chars().map(lower_latin1);
                needle.chars().all(|n| folded.next() == Some(n))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sync_job::RegionDetail;
    use crate::model::timestamp::Timestamp;

    fn job(id: &str, status: SyncStatus) -> SyncJob {
        SyncJob {
            id: id.into(),
            uri: "kylo:kylo:cckm:sync-job:x".into(),
            account: "kylo:kylo:admin:accounts:kylo".into(),
            application: "ncryptify:gemalto:admin:apps:kylo".into(),
            dev_account: String::new(),
            created_at: Timestamp::from_unix_millis(0),
            updated_at: Timestamp::from_unix_millis(0),
            completed_at: None,
            overall_status: status,
            details: vec![RegionDetail::new(
                "123456789012/eu-west-1",
                "Synchronization FAILED: AccessDenied",
            )],
            cloud: "aws".into(),
            regions: Some(vec!["eu-west-1".into(), "us-east-2".into()]),
            containers: vec!["kms-one".into()],
            abort: false,
            synchronize_all: None,
        }
    }

    fn word(status: &SyncStatus) -> Option<&'static str> {
        match status {
            SyncStatus::Failed => Some("Fehlgeschlagen"),
            _ => None,
        }
    }

    #[test]
    fn blank_text_finds_nothing_to_narrow() {
        assert_eq!(FindText::new(""), None);
        assert_eq!(FindText::new("  \t"), None);
        assert_eq!(FindText::new(" ABC "), Some(FindText("abc".into())));
        assert_eq!(FindText::new("ÄÖÜ×"), Some(FindText("äöü×".into())));
    }

    #[test]
    fn matches_every_field_a_person_reads_in_any_case() {
        let j = job("5A3f0e2c-aaaa", SyncStatus::Failed);
        for typed in [
            "5a3F",              // id
            "FAIL",              // status as sent
            "fehlgeschlagen",    // status as shown
            "admin:ACCOUNTS",    // account
            "123456789012",      // a region's account
            "EU-west",           // a region
            "accessdenied",      // a region's text
            "us-east-2",         // a region asked for
            "  access denied  ", // trimmed, but inner spaces count
        ] {
            let find = FindText::new(typed).unwrap();
            let expected = typed != "  access denied  ";
            assert_eq!(
                find.matches(&j, word(&j.overall_status)),
                expected,
                "{typed:?}"
            );
        }
        // The containers the row shows (a key vault, an organization, …).
        assert!(FindText::new("KMS-ONE").unwrap().matches(&j, None));
        // Fields a row does not show are not searched.
        assert!(!FindText::new("ncryptify").unwrap().matches(&j, None));
    }

    #[test]
    fn non_ascii_text_is_folded_too() {
        let mut j = job("x", SyncStatus::Completed);
        j.details = vec![RegionDetail::new("a/b", "Überprüfung läuft")];
        assert!(FindText::new("ÜBERPRÜFUNG").unwrap().matches(&j, None));
        assert!(FindText::new("LÄUFT").unwrap().matches(&j, None));
        assert!(!FindText::new("laeuft").unwrap().matches(&j, None));
    }

    #[test]
    fn matching_keeps_page_order() {
        let plain = |id: &str, status| SyncJob {
            account: String::new(),
            details: Vec::new(),
            regions: None,
            ..job(id, status)
        };
        let jobs = [
            plain("one", SyncStatus::Completed),
            plain("two", SyncStatus::Failed),
            plain("three", SyncStatus::Aborted),
            plain("four", SyncStatus::Failed),
        ];
        let found = |typed: &str| {
            let each = matching(&jobs, &FindText::new(typed).unwrap(), word);
            assert_eq!(each.len(), jobs.len());
            (0..jobs.len()).filter(|i| each[*i]).collect::<Vec<_>>()
        };
        assert_eq!(found("ee"), vec![2]);
        assert_eq!(found("u"), vec![3]);
        assert_eq!(found("FAILED"), vec![1, 3]);
        assert_eq!(found("fehl"), vec![1, 3]);
        assert_eq!(found("zzz"), Vec::<usize>::new());
        let shared: Vec<std::rc::Rc<SyncJob>> =
            jobs.iter().cloned().map(std::rc::Rc::new).collect();
        assert_eq!(
            matching(&shared, &FindText::new("u").unwrap(), word),
            vec![false, false, false, true]
        );
        assert!(matching::<SyncJob>(&[], &FindText::new("o").unwrap(), word).is_empty());
    }
}
