//! English.

use super::{HttpAdvice, Message, Text};
use crate::api::error::InputName;
use crate::model::decode::{DecodeProblem, Expected};

pub(super) fn text(t: Text) -> &'static str {
    use Text::*;
    match t {
        PanelTitle => "Key manager status",
        RefreshAll => "Check now",
        LastBackup => "Last backup",
        BackupActivity => "Backup activity",
        Restore => "Restore",
        Notifications => "Notification delivery",
        Loading => "Checking…",
        Updated => "Updated",
        Stale => "Stale",
        SignInToGklm => "Sign in to GKLM",
        AwaitingGklmSignIn => "Shown once you are signed in to GKLM.",
        SignInHint => "The session is kept in this page's memory only.",
        UserId => "User ID",
        Password => "Password",
        SignIn => "Sign in",
        SigningIn => "Signing in…",
        SignOutOfGklm => "Sign out of GKLM",
        SignedOut => "You signed out of GKLM.",
        BackupSucceeded => "Succeeded",
        BackupFailed => "Failed",
        BackupSucceededWithWarning => "Succeeded with warning",
        BackupNotRunSinceStart => "Not run since the server started",
        BackupUnrecognised => "Unrecognised result",
        KeysAllBackedUp => "All keys and certificates are backed up.",
        KeysAwaitBackup => "Keys or certificates are waiting to be backed up.",
        KeysBackupNeedUnknown => "Whether keys wait for a backup is not known.",
        LastBackupMade => "Last backup",
        ListedEvents => "Listed events",
        TypeColumn => "Type",
        RecentBackups => "Recent backups",
        ShowMore => "Show more",
        ClusterAndServer => "Cluster and server",
        ClusterMasterDown => "A master cannot be reached",
        ClusterIsolated => "This server is isolated from its cluster",
        ServerUnhealthy => "The server reports a health problem",
        ClusterAgentDown => "The cluster agent is not running",
        ListenerDown => "A listener is not up",
        ClusterWhole => "Every master is connected",
        NotInCluster => "Not in a cluster",
        NothingRead => "Nothing could be read",
        ClusterName => "Cluster",
        ThisServer => "This server",
        IsolatedWord => "isolated",
        ConnectedWord => "connected",
        AgentLabel => "Agent",
        LastContact => "last contact",
        VersionLabel => "Version",
        ListenersLabel => "Listeners",
        HealthLabel => "Health",
        MasterColumn => "Master",
        RoleColumn => "Role",
        ReachableColumn => "Reachable",
        ReachableWord => "reachable",
        UnreachableWord => "not reachable",
        UnknownWord => "unknown",
        NotOffered => "not offered by this server",
        NotAllowed => "not allowed for this user",
        HealthyWord => "healthy",
        UnhealthyWord => "not healthy",
        EventColumn => "Event",
        ShowDeliveries => "Show",
        OnlyUndelivered => "Not delivered",
        AllDeliveries => "All",
        AllChannels => "All channels",
        EveryEventDelivered => "Every listed event was delivered.",
        NoEventsListed => "The server lists no notification events.",
        EventListUnavailable => "This server does not list its notification events (GKLM before 4.2.1): look one up by its UUID.",
        BackupNeverMade => "No backup has ever been made",
        BackupAgeUnknown => {
            "This server does not say when its last backup was made (GKLM before 4.2.1)."
        }
        ServerSays => "Server status",
        BackupRunning => "Running",
        BackupNotRunning => "Not running",
        BackupActivityUnrecognised => "Unrecognised state",
        RunEndSeen => "Last run seen ending",
        PhaseIdle => "No restore running",
        PhaseIdleStep => "Idle",
        PhaseInitialize => "Starting",
        PhaseCreateTempDir => "Creating a temporary folder",
        PhaseRestoreConfigFiles => "Restoring configuration files",
        PhaseRestoreKeystores => "Restoring keystores",
        PhaseRestoreDatabases => "Restoring databases",
        PhaseCleanup => "Cleaning up",
        PhaseCompleted => "Completed",
        PhaseUnknown => "Unknown phase",
        PhaseDone => "done",
        PhaseDoneUnseen => "done (passed between two checks)",
        PhaseNow => "now",
        PhaseToCome => "to come",
        RestorePhases => "Restore phases",
        RestoreCompletedNote => "The restore is complete; GKLM restarts after a restore.",
        EventUuid => "Event UUID",
        LookUp => "Look up",
        EventUuidHint => "For example NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062",
        RecentLookups => "Looked up before",
        Channel => "Channel",
        DeliveryColumn => "Delivery",
        Tries => "Tries",
        Delivered => "Delivered",
        NotDelivered => "Not delivered",
        NoDeliveries => "GKLM has no delivery records for this event yet.",
        EventNotFound => "GKLM knows no notification event with this UUID (CTGKM0404E).",
        UuidEmpty => "Enter an event UUID first.",
        UuidWhitespace => "An event UUID has no spaces inside: check what was pasted.",
        UuidSlash => "An event UUID has no “/”: enter the UUID alone, not a path or address.",
        UuidDotDot => "An event UUID has no “..”: enter the UUID alone.",
        UuidTooLong => "That is longer than 200 characters, too long for an event UUID.",
        NoCardsConfigured => "No card is configured for the servers given.",
        SyncJobs => "CipherTrust sync jobs",
        SourceLabel => "Job source",
        SourceAws => "AWS",
        SourceAwsCustomKeyStores => "AWS custom key stores",
        SourceAzure => "Azure keys",
        SourceAzureSecrets => "Azure secrets",
        SourceAzureCertificates => "Azure certificates",
        SourceGoogle => "Google Cloud",
        SourceOci => "Oracle Cloud",
        SourceSalesforce => "Salesforce",
        SourceSap => "SAP",
        StatusFilter => "Filter by status",
        ContainersKms => "KMS",
        ContainersKeyVaults => "Key vaults",
        ContainersKeyRings => "Key rings",
        ContainersVaults => "Vaults",
        ContainersOrganizations => "Organizations",
        ContainersGroups => "Groups",
        ContainersHint => "comma-separated",
        JobIdFilter => "Job ID",
        ClearFilters => "Clear filters",
        PageSize => "Rows per page",
        FirstPage => "First page",
        PreviousPage => "Previous page",
        NextPage => "Next page",
        LastPage => "Last page",
        StatusCompleted => "Completed",
        StatusFailed => "Failed",
        StatusInProgress => "In progress",
        StatusAborted => "Aborted",
        ColStatus => "Status",
        ColId => "Job",
        ColStarted => "Started",
        ColCompleted => "Completed",
        ColDuration => "Duration",
        ColRegions => "Accounts/regions",
        ColAbort => "Abort",
        ShowDetails => "Details",
        CopyId => "Copy the full ID",
        Copied => "Copied",
        AbortRequested => "abort requested",
        No => "no",
        RegionsRequested => "Regions requested",
        AllRegions => "all",
        SynchronizeAll => "Synchronize all",
        Yes => "yes",
        Uris => "Addresses (URI)",
        RegionSynchronized => "synchronized",
        RegionInProgress => "in progress",
        RegionFailed => "failed",
        RegionOther => "other",
        NoJobs => "No synchronization jobs match.",
        FindInPage => "Find in this page",
        PastTheEnd => "This page is past the end of the list.",
        ExportCsv => "Export this page (CSV)",
        SortedByServer => "Sorted by CipherTrust Manager.",
        SortedWithinPage => "Sorted within this page only: the server did not sort.",
        Timeline => "Timeline of this page",
        SummaryFor => "Jobs by status for this filter",
        SignInToCckm => "Sign in to CipherTrust Manager",
        AwaitingCckmSignIn => "Shown once you are signed in to CipherTrust Manager.",
        SignOutOfCckm => "Sign out of CipherTrust Manager",
        SignedOutCckm => "You signed out of CipherTrust Manager.",
        SourceMissing => "This CipherTrust Manager has no such list.",
        Domain => "Domain",
        Username => "Username",
    }
}

pub(super) fn message(m: &Message) -> String {
    match *m {
        Message::Unreachable { detail } => format!(
            "The server could not be reached ({detail}): check the network and the configured address."
        ),
        Message::NoAnswerWithin { after_ms } => format!(
            "No answer within {} s: the server may be busy; try again later.",
            seconds(after_ms)
        ),
        Message::TooLarge { mib } => format!(
            "The answer was larger than {mib} MiB and was not read: check the configured address."
        ),
        Message::SessionRejected { server } => {
            format!("{} rejected the session (CTGKM6004E): sign in again.", server.name())
        }
        Message::SessionNeeded { server } => {
            format!("{} needs a session (CTGKM6002E): sign in.", server.name())
        }
        Message::CredentialsRefused { server } => format!(
            "{} refused the user ID or password (CTGKM6003E): check both and sign in again.",
            server.name()
        ),
        Message::SignInNotAccepted {
            server,
            status,
            said,
            first: true,
        } => format!(
            "{} asks for a sign-in (HTTP {status}){said}: sign in.",
            server.name()
        ),
        Message::SignInNotAccepted {
            server,
            status,
            said,
            first: false,
        } => format!(
            "{} did not accept the sign-in (HTTP {status}){said}: sign in again.",
            server.name()
        ),
        Message::HttpError {
            server,
            status,
            said,
            advice: what,
        } => {
            let advice = advice(what);
            format!("{} answered HTTP {status}{said}: {advice}.", server.name())
        }
        Message::ServerSaid {
            server,
            sentence,
            code,
            status,
            advice: what,
        } => format!(
            "{}: {sentence}{code} (HTTP {status}): {}.",
            server.name(),
            advice(what)
        ),
        Message::NotJson {
            server,
            status,
            excerpt,
        } => format!(
            "{} answered HTTP {status} with text instead of JSON (“{excerpt}”): check that the address points at the REST API and no proxy answers in between.",
            server.name()
        ),
        Message::Unreadable {
            server,
            field,
            problem,
        } => format!(
            "{} sent an answer the panel cannot read (field “{field}” {}): this server version may not be supported.",
            server.name(),
            problem_text(problem)
        ),
        Message::BadInput { what, value } => {
            let what = match what {
                InputName::EventUuid => "event UUID",
                InputName::SyncJobId => "synchronization job ID",
            };
            format!("The {what} “{value}” is empty or not valid: enter a valid one.")
        }
        Message::TokenProviderFailed { server, detail } => format!(
            "The host's token provider gave no credential for {} ({detail}): sign in here, or fix the provider.",
            server.name()
        ),
        Message::BackupWithinLimit { hours } => format!("within the limit of {hours} h"),
        Message::BackupOlderThan { hours } => format!("older than {hours} h"),
        Message::FailedChecks { count } => format!("Failed checks in a row: {count}"),
        Message::CardNow { card, now } => format!("{}: {now}", text(card)),
        Message::PageRange { first, last, total } => format!(
            "{}–{} of {}",
            grouped(first, ','),
            grouped(last, ','),
            grouped(total, ',')
        ),
        Message::Count { n } => grouped(n, ','),
        Message::Tries { n: 1 } => "1 try".to_owned(),
        Message::Tries { n } => format!("{} tries", grouped(n.into(), ',')),
        Message::IgnoredInAddress { list } => {
            format!("Left out of the view, as the address had values that are not valid: {list}.")
        }
        Message::PageMatches { shown, of } => format!(
            "{shown} of the {of} jobs on this page match: with several statuses, the page is filtered here, and its count is for the page."
        ),
        Message::FindMatches { shown, of } => format!(
            "{} of {} jobs on this page match",
            grouped(shown as u64, ','),
            grouped(of as u64, ',')
        ),
        Message::FindNone { text } => format!("No job on this page matches “{text}”."),
        Message::JobNow { id, status } => format!("Job {id}: {status}"),
    }
}

fn problem_text(problem: DecodeProblem) -> &'static str {
    match problem {
        DecodeProblem::Missing => "is missing",
        DecodeProblem::NotA(Expected::Text) => "is not text",
        DecodeProblem::NotA(Expected::Code) => "is not a code",
        DecodeProblem::NotA(Expected::WholeNumber) => "is not a whole number",
        DecodeProblem::NotA(Expected::Flag) => "is neither true nor false",
        DecodeProblem::NotA(Expected::List | Expected::ListOrObject) => "is not a list",
        DecodeProblem::NotA(Expected::Object) => "is not an object",
        DecodeProblem::NotA(Expected::Timestamp) => "is not a date and time",
    }
}

/// `2.5`, or `10` for whole seconds (to the nearest tenth).
pub(super) fn seconds(ms: u32) -> String {
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        // Tenths in whole numbers: no float formatting in the bundle.
        let tenths = (u64::from(ms) + 50) / 100;
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// `2318` as `2,318` (or with another separator).
pub(super) fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

fn advice(advice: HttpAdvice) -> &'static str {
    match advice {
        HttpAdvice::AskForPermission => {
            "the account lacks permission for this; ask an administrator"
        }
        HttpAdvice::CheckAddress => "check the configured address",
        HttpAdvice::TryLaterBusy => "the server is busy or restarting; try again later",
        HttpAdvice::TryLaterServerProblem => {
            "the server has a problem; try again later or check its log"
        }
        HttpAdvice::CheckConfiguration => "the request was refused; check the configuration",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn seconds_are_said_to_the_nearest_tenth() {
        for (ms, said) in [
            (10_000, "10"),
            (2_500, "2.5"),
            (1_234, "1.2"),
            (1_250, "1.3"),
            (1_999, "2.0"),
            (40, "0.0"),
            (u32::MAX, "4294967.3"),
        ] {
            assert_eq!(super::seconds(ms), said, "{ms} ms");
        }
    }
}
