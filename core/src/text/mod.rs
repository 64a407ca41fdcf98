//! Every sentence a person reads, card text and error text alike, in one
//! place per language: `en.rs` and `de.rs`. Each is one exhaustive `match`,
//! so a new text or message does not compile until every language has it.
//! Server text is shown as the server sent it, marked with the server's
//! `Content-Language`.

mod de;
mod en;

use crate::api::error::{InputName, Server};
use crate::lang::Language;
use crate::model::decode::DecodeProblem;

macro_rules! texts {
    ($($name:ident),* $(,)?) => {
        /// The panel's fixed words: labels, headings, states.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Text { $($name),* }

        impl Text {
            /// Every text, for the test that proves each language has each.
            pub const ALL: &'static [Text] = &[$(Text::$name),*];
        }
    };
}

texts! {
    PanelTitle,
    RefreshAll,
    LastBackup,
    BackupActivity,
    Restore,
    Notifications,
    Loading,
    Updated,
    Stale,
    SignInToGklm,
    AwaitingGklmSignIn,
    SignInHint,
    UserId,
    Password,
    SignIn,
    SigningIn,
    SignOutOfGklm,
    SignedOut,
    BackupSucceeded,
    BackupFailed,
    BackupSucceededWithWarning,
    BackupNotRunSinceStart,
    BackupUnrecognised,
    KeysAllBackedUp,
    KeysAwaitBackup,
    KeysBackupNeedUnknown,
    LastBackupMade,
    ListedEvents,
    TypeColumn,
    RecentBackups,
    ShowMore,
    ClusterAndServer,
    ClusterMasterDown,
    ClusterIsolated,
    ServerUnhealthy,
    ClusterAgentDown,
    ListenerDown,
    ClusterWhole,
    NotInCluster,
    NothingRead,
    ClusterName,
    ThisServer,
    IsolatedWord,
    ConnectedWord,
    AgentLabel,
    LastContact,
    VersionLabel,
    ListenersLabel,
    HealthLabel,
    MasterColumn,
    RoleColumn,
    ReachableColumn,
    ReachableWord,
    UnreachableWord,
    UnknownWord,
    NotOffered,
    NotAllowed,
    HealthyWord,
    UnhealthyWord,
    EventColumn,
    ShowDeliveries,
    OnlyUndelivered,
    AllDeliveries,
    AllChannels,
    EveryEventDelivered,
    NoEventsListed,
    EventListUnavailable,
    BackupNeverMade,
    BackupAgeUnknown,
    ServerSays,
    BackupRunning,
    BackupNotRunning,
    BackupActivityUnrecognised,
    RunEndSeen,
    PhaseIdle,
    PhaseIdleStep,
    PhaseInitialize,
    PhaseCreateTempDir,
    PhaseRestoreConfigFiles,
    PhaseRestoreKeystores,
    PhaseRestoreDatabases,
    PhaseCleanup,
    PhaseCompleted,
    PhaseUnknown,
    PhaseDone,
    PhaseDoneUnseen,
    PhaseNow,
    PhaseToCome,
    RestorePhases,
    RestoreCompletedNote,
    EventUuid,
    LookUp,
    EventUuidHint,
    RecentLookups,
    Channel,
    DeliveryColumn,
    Tries,
    Delivered,
    NotDelivered,
    NoDeliveries,
    EventNotFound,
    UuidEmpty,
    UuidWhitespace,
    UuidSlash,
    UuidDotDot,
    UuidTooLong,
    NoCardsConfigured,
    SyncJobs,
    Domain,
    SourceMissing,
    SourceLabel,
    SourceAws,
    SourceAwsCustomKeyStores,
    SourceAzure,
    SourceAzureSecrets,
    SourceAzureCertificates,
    SourceGoogle,
    SourceOci,
    SourceSalesforce,
    SourceSap,
    StatusFilter,
    ContainersKms,
    ContainersKeyVaults,
    ContainersKeyRings,
    ContainersVaults,
    ContainersOrganizations,
    ContainersGroups,
    ContainersHint,
    JobIdFilter,
    ClearFilters,
    PageSize,
    FirstPage,
    PreviousPage,
    NextPage,
    LastPage,
    StatusCompleted,
    StatusFailed,
    StatusInProgress,
    StatusAborted,
    ColStatus,
    ColId,
    ColStarted,
    ColCompleted,
    ColDuration,
    ColRegions,
    ColAbort,
    ShowDetails,
    CopyId,
    Copied,
    AbortRequested,
    No,
    RegionsRequested,
    AllRegions,
    SynchronizeAll,
    Yes,
    Uris,
    RegionSynchronized,
    RegionInProgress,
    RegionFailed,
    RegionOther,
    NoJobs,
    FindInPage,
    PastTheEnd,
    ExportCsv,
    SortedByServer,
    SortedWithinPage,
    Timeline,
    SummaryFor,
    SignInToCckm,
    AwaitingCckmSignIn,
    SignOutOfCckm,
    SignedOutCckm,
    Username,
}

impl Text {
    pub fn get(self, lang: Language) -> &'static str {
        match lang {
            Language::En => en::text(self),
            Language::De => de::text(self),
        }
    }
}

/// What to do about an HTTP error status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpAdvice {
    AskForPermission,
    CheckAddress,
    TryLaterBusy,
    TryLaterServerProblem,
    CheckConfiguration,
}

impl HttpAdvice {
    pub fn for_status(status: u16) -> Self {
        match status {
            403 => HttpAdvice::AskForPermission,
            404 => HttpAdvice::CheckAddress,
            408 | 429 | 502 | 503 | 504 => HttpAdvice::TryLaterBusy,
            500..=599 => HttpAdvice::TryLaterServerProblem,
            _ => HttpAdvice::CheckConfiguration,
        }
    }
}

/// Sentences with parts filled in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Message<'a> {
    Unreachable {
        detail: &'a str,
    },
    NoAnswerWithin {
        after_ms: u32,
    },
    TooLarge {
        mib: usize,
    },
    /// CTGKM6004E: the session is unknown or has ended.
    SessionRejected {
        server: Server,
    },
    /// CTGKM6002E: no session was sent.
    SessionNeeded {
        server: Server,
    },
    /// CTGKM6003E: wrong user ID or password.
    CredentialsRefused {
        server: Server,
    },
    /// Another refusal of a sign-in; `said` is ` (CODE: message)` or empty.
    /// `first`: the answer to the panel's first request, sent without a
    /// credential: routine, not a refusal.
    SignInNotAccepted {
        server: Server,
        status: u16,
        said: &'a str,
        first: bool,
    },
    HttpError {
        server: Server,
        status: u16,
        said: &'a str,
        advice: HttpAdvice,
    },
    /// An error in the server's own sentence, with its code word as
    /// ` (NCERRResourceNotFound)` or empty.
    ServerSaid {
        server: Server,
        sentence: &'a str,
        code: &'a str,
        status: u16,
        advice: HttpAdvice,
    },
    NotJson {
        server: Server,
        status: u16,
        excerpt: &'a str,
    },
    Unreadable {
        server: Server,
        field: &'a str,
        problem: DecodeProblem,
    },
    BadInput {
        what: InputName,
        value: &'a str,
    },
    /// The host's `tokenProvider` failed or gave nothing.
    TokenProviderFailed {
        server: Server,
        detail: &'a str,
    },
    /// The last backup is within the limit of `hours`.
    BackupWithinLimit {
        hours: u32,
    },
    /// The last backup is older than `hours` (the limit, or twice it).
    BackupOlderThan {
        hours: u32,
    },
    /// Consecutive failed checks.
    FailedChecks {
        count: u32,
    },
    /// `"<card>: <what it shows now>"`, for the live region.
    CardNow {
        card: Text,
        now: &'a str,
    },
    /// "21–40 of 2,318".
    PageRange {
        first: u64,
        last: u64,
        total: u64,
    },
    /// How many times a notification was sent: "3 tries", "1 try".
    Tries {
        n: u32,
    },
    /// A count in the summary strip, grouped by thousands.
    Count {
        n: u64,
    },
    /// Values in the address that were left out.
    IgnoredInAddress {
        list: &'a str,
    },
    /// Several statuses are filtered on the page: how many of it match.
    PageMatches {
        shown: usize,
        of: usize,
    },
    /// "Find in this page": how many of the page's jobs hold the text.
    FindMatches {
        shown: usize,
        of: usize,
    },
    /// "Find in this page" found no job with the text.
    FindNone {
        text: &'a str,
    },
    /// A job whose status changed, for the live region.
    JobNow {
        id: &'a str,
        status: &'a str,
    },
}

impl Message<'_> {
    pub fn get(&self, lang: Language) -> String {
        match lang {
            Language::En => en::message(self),
            Language::De => de::message(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode::Expected;

    const LANGUAGES: [Language; 2] = [Language::En, Language::De];

    /// Texts that are the same word in both languages.
    const SAME_IN_GERMAN: [Text; 10] = [
        Text::ClusterName,
        Text::AgentLabel,
        Text::VersionLabel,
        Text::MasterColumn,
        Text::SourceAws,
        Text::SourceGoogle,
        Text::SourceOci,
        Text::SourceSalesforce,
        Text::SourceSap,
        Text::ContainersKms,
    ];

    #[test]
    fn every_text_exists_in_every_language_and_is_translated() {
        assert!(Text::ALL.len() > 60, "the list covers every text");
        for text in Text::ALL {
            for lang in LANGUAGES {
                let said = text.get(lang);
                assert!(!said.trim().is_empty(), "{text:?} is empty in {lang:?}");
                assert_eq!(said, said.trim(), "{text:?} in {lang:?}");
            }
            if !SAME_IN_GERMAN.contains(text) {
                assert_ne!(
                    text.get(Language::En),
                    text.get(Language::De),
                    "{text:?} is not translated"
                );
            }
        }
    }

    /// One of each message; the match below stops compiling when a message
    /// is added and not listed here.
    fn every_message() -> Vec<Message<'static>> {
        let all = vec![
            Message::Unreachable {
                detail: "TypeError",
            },
            Message::NoAnswerWithin { after_ms: 2_500 },
            Message::TooLarge { mib: 8 },
            Message::SessionRejected {
                server: Server::Gklm,
            },
            Message::SessionNeeded {
                server: Server::Gklm,
            },
            Message::CredentialsRefused {
                server: Server::Gklm,
            },
            Message::SignInNotAccepted {
                server: Server::Cckm,
                status: 401,
                said: "",
                first: false,
            },
            Message::SignInNotAccepted {
                server: Server::Cckm,
                status: 401,
                said: "",
                first: true,
            },
            Message::HttpError {
                server: Server::Gklm,
                status: 500,
                said: " (X)",
                advice: HttpAdvice::TryLaterServerProblem,
            },
            Message::ServerSaid {
                server: Server::Cckm,
                sentence: "Resource not found",
                code: " (NCERRResourceNotFound)",
                status: 404,
                advice: HttpAdvice::CheckAddress,
            },
            Message::NotJson {
                server: Server::Gklm,
                status: 502,
                excerpt: "Bad Gateway",
            },
            Message::Unreadable {
                server: Server::Cckm,
                field: "total",
                problem: DecodeProblem::NotA(Expected::WholeNumber),
            },
            Message::BadInput {
                what: InputName::EventUuid,
                value: "..",
            },
            Message::TokenProviderFailed {
                server: Server::Cckm,
                detail: "offline",
            },
            Message::FailedChecks { count: 3 },
            Message::CardNow {
                card: Text::LastBackup,
                now: "Failed",
            },
            Message::PageRange {
                first: 21,
                last: 40,
                total: 2_318,
            },
            Message::Count { n: 12_345 },
            Message::Tries { n: 3 },
            Message::IgnoredInAddress { list: "limit=7" },
            Message::PageMatches { shown: 3, of: 10 },
            Message::FindMatches {
                shown: 12,
                of: 1_000,
            },
            Message::FindNone { text: "eu-west" },
            Message::JobNow {
                id: "abc",
                status: "failed",
            },
            Message::BackupWithinLimit { hours: 24 },
            Message::BackupOlderThan { hours: 48 },
        ];
        for m in &all {
            match m {
                Message::Unreachable { .. }
                | Message::NoAnswerWithin { .. }
                | Message::TooLarge { .. }
                | Message::SessionRejected { .. }
                | Message::SessionNeeded { .. }
                | Message::CredentialsRefused { .. }
                | Message::SignInNotAccepted { .. }
                | Message::HttpError { .. }
                | Message::ServerSaid { .. }
                | Message::NotJson { .. }
                | Message::Unreadable { .. }
                | Message::BadInput { .. }
                | Message::TokenProviderFailed { .. }
                | Message::FailedChecks { .. }
                | Message::CardNow { .. }
                | Message::PageRange { .. }
                | Message::Count { .. }
                | Message::Tries { .. }
                | Message::IgnoredInAddress { .. }
                | Message::PageMatches { .. }
                | Message::FindMatches { .. }
                | Message::FindNone { .. }
                | Message::JobNow { .. }
                | Message::BackupWithinLimit { .. }
                | Message::BackupOlderThan { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_message_exists_in_every_language_and_is_translated() {
        let all = every_message();
        assert_eq!(all.len(), 26);
        for m in &all {
            let en = m.get(Language::En);
            let de = m.get(Language::De);
            assert!(!en.is_empty() && !de.is_empty(), "{m:?}");
            assert_ne!(en, de, "{m:?} is not translated");
        }
    }

    #[test]
    fn every_variant_of_each_message_part_is_translated() {
        let advice = [
            HttpAdvice::AskForPermission,
            HttpAdvice::CheckAddress,
            HttpAdvice::TryLaterBusy,
            HttpAdvice::TryLaterServerProblem,
            HttpAdvice::CheckConfiguration,
        ];
        let mut seen = Vec::new();
        for advice in advice {
            let m = Message::HttpError {
                server: Server::Gklm,
                status: 418,
                said: "",
                advice,
            };
            let (en, de) = (m.get(Language::En), m.get(Language::De));
            assert_ne!(en, de);
            assert!(!seen.contains(&en), "{advice:?} says what another says");
            seen.push(en);
        }
        let problems = [
            DecodeProblem::Missing,
            DecodeProblem::NotA(Expected::Text),
            DecodeProblem::NotA(Expected::Code),
            DecodeProblem::NotA(Expected::WholeNumber),
            DecodeProblem::NotA(Expected::Flag),
            DecodeProblem::NotA(Expected::List),
            DecodeProblem::NotA(Expected::Object),
            DecodeProblem::NotA(Expected::Timestamp),
        ];
        let mut seen = Vec::new();
        for problem in problems {
            let m = Message::Unreadable {
                server: Server::Gklm,
                field: "f",
                problem,
            };
            let (en, de) = (m.get(Language::En), m.get(Language::De));
            assert_ne!(en, de);
            assert!(!seen.contains(&de), "{problem:?} says what another says");
            seen.push(de);
        }
        for what in [InputName::EventUuid, InputName::SyncJobId] {
            let m = Message::BadInput { what, value: "x" };
            assert_ne!(m.get(Language::En), m.get(Language::De));
        }
    }

    #[test]
    fn ranges_and_counts_group_thousands_in_each_languages_way() {
        let range = Message::PageRange {
            first: 21,
            last: 40,
            total: 2_318,
        };
        assert_eq!(range.get(Language::En), "21–40 of 2,318");
        assert_eq!(range.get(Language::De), "21–40 von 2.318");
        assert_eq!(
            Message::Count { n: 1_234_567 }.get(Language::En),
            "1,234,567"
        );
        assert_eq!(Message::Count { n: 999 }.get(Language::De), "999");
        assert_eq!(Message::Count { n: 0 }.get(Language::En), "0");
    }

    #[test]
    fn tries_are_counted_in_the_singular_for_one() {
        let said = |n, lang| Message::Tries { n }.get(lang);
        assert_eq!(said(1, Language::En), "1 try");
        assert_eq!(said(3, Language::En), "3 tries");
        assert_eq!(said(0, Language::En), "0 tries");
        assert_eq!(said(1, Language::De), "1 Versuch");
        assert_eq!(said(3, Language::De), "3 Versuche");
        assert_eq!(said(1_200, Language::De), "1.200 Versuche");
    }

    #[test]
    fn german_writes_seconds_with_a_decimal_comma() {
        let m = Message::NoAnswerWithin { after_ms: 2_500 };
        assert!(
            m.get(Language::De).contains("2,5 s"),
            "{}",
            m.get(Language::De)
        );
        assert!(m.get(Language::En).contains("2.5 s"));
        let whole = Message::NoAnswerWithin { after_ms: 10_000 };
        assert!(whole.get(Language::En).contains("10 s"));
    }
}
