//! Deutsch.

use super::{HttpAdvice, Message, Text};
use crate::api::error::InputName;
use crate::model::decode::{DecodeProblem, Expected};

pub(super) fn text(t: Text) -> &'static str {
    use Text::*;
    match t {
        PanelTitle => "Status der Schlüsselverwaltung",
        RefreshAll => "Jetzt abfragen",
        LastBackup => "Letzte Sicherung",
        BackupActivity => "Sicherungsvorgang",
        Restore => "Wiederherstellung",
        Notifications => "Zustellung von Benachrichtigungen",
        Loading => "Wird abgefragt …",
        Updated => "Aktualisiert",
        Stale => "Veraltet",
        SignInToGklm => "Bei GKLM anmelden",
        AwaitingGklmSignIn => "Wird angezeigt, sobald Sie bei GKLM angemeldet sind.",
        SignInHint => "Die Sitzung bleibt nur im Speicher dieser Seite.",
        UserId => "Benutzer-ID",
        Password => "Kennwort",
        SignIn => "Anmelden",
        SigningIn => "Anmeldung läuft …",
        SignOutOfGklm => "Von GKLM abmelden",
        SignedOut => "Sie haben sich von GKLM abgemeldet.",
        BackupSucceeded => "Erfolgreich",
        BackupFailed => "Fehlgeschlagen",
        BackupSucceededWithWarning => "Erfolgreich mit Warnung",
        BackupNotRunSinceStart => "Seit dem Serverstart nicht ausgeführt",
        BackupUnrecognised => "Unbekanntes Ergebnis",
        KeysAllBackedUp => "Alle Schlüssel und Zertifikate sind gesichert.",
        KeysAwaitBackup => "Schlüssel oder Zertifikate warten auf eine Sicherung.",
        KeysBackupNeedUnknown => "Ob Schlüssel auf eine Sicherung warten, ist nicht bekannt.",
        LastBackupMade => "Letzte Sicherung",
        ListedEvents => "Aufgeführte Ereignisse",
        TypeColumn => "Art",
        RecentBackups => "Letzte Sicherungen",
        ShowMore => "Mehr zeigen",
        ClusterAndServer => "Cluster und Server",
        ClusterMasterDown => "Ein Master ist nicht erreichbar",
        ClusterIsolated => "Dieser Server ist von seinem Cluster getrennt",
        ServerUnhealthy => "Der Server meldet ein Problem",
        ClusterAgentDown => "Der Cluster-Agent läuft nicht",
        ListenerDown => "Ein Listener ist nicht bereit",
        ClusterWhole => "Alle Master sind verbunden",
        NotInCluster => "Nicht in einem Cluster",
        NothingRead => "Nichts konnte gelesen werden",
        ClusterName => "Cluster",
        ThisServer => "Dieser Server",
        IsolatedWord => "getrennt",
        ConnectedWord => "verbunden",
        AgentLabel => "Agent",
        LastContact => "letzter Kontakt",
        VersionLabel => "Version",
        ListenersLabel => "Listener",
        HealthLabel => "Zustand",
        MasterColumn => "Master",
        RoleColumn => "Rolle",
        ReachableColumn => "Erreichbar",
        ReachableWord => "erreichbar",
        UnreachableWord => "nicht erreichbar",
        UnknownWord => "unbekannt",
        NotOffered => "von diesem Server nicht angeboten",
        NotAllowed => "für diesen Benutzer nicht erlaubt",
        HealthyWord => "gesund",
        UnhealthyWord => "nicht gesund",
        EventColumn => "Ereignis",
        ShowDeliveries => "Zeigen",
        OnlyUndelivered => "Nicht zugestellt",
        AllDeliveries => "Alle",
        AllChannels => "Alle Kanäle",
        EveryEventDelivered => "Jedes aufgeführte Ereignis wurde zugestellt.",
        NoEventsListed => "Der Server führt keine Benachrichtigungsereignisse auf.",
        EventListUnavailable => "Dieser Server führt seine Benachrichtigungsereignisse nicht auf (GKLM vor 4.2.1): Suchen Sie eines über seine UUID.",
        BackupNeverMade => "Es wurde noch nie eine Sicherung erstellt",
        BackupAgeUnknown => "Dieser Server gibt nicht an, wann die letzte Sicherung erstellt wurde (GKLM vor 4.2.1).",
        ServerSays => "Serverstatus",
        BackupRunning => "Läuft",
        BackupNotRunning => "Läuft nicht",
        BackupActivityUnrecognised => "Unbekannter Zustand",
        RunEndSeen => "Ende des letzten Laufs gesehen",
        PhaseIdle => "Keine Wiederherstellung aktiv",
        PhaseIdleStep => "Leerlauf",
        PhaseInitialize => "Start",
        PhaseCreateTempDir => "Temporären Ordner anlegen",
        PhaseRestoreConfigFiles => "Konfigurationsdateien wiederherstellen",
        PhaseRestoreKeystores => "Keystores wiederherstellen",
        PhaseRestoreDatabases => "Datenbanken wiederherstellen",
        PhaseCleanup => "Aufräumen",
        PhaseCompleted => "Abgeschlossen",
        PhaseUnknown => "Unbekannte Phase",
        PhaseDone => "erledigt",
        PhaseDoneUnseen => "erledigt (zwischen zwei Abfragen durchlaufen)",
        PhaseNow => "jetzt",
        PhaseToCome => "folgt",
        RestorePhases => "Phasen der Wiederherstellung",
        RestoreCompletedNote => {
            "Die Wiederherstellung ist abgeschlossen; GKLM startet danach neu."
        }
        EventUuid => "Ereignis-UUID",
        LookUp => "Nachschlagen",
        EventUuidHint => "Zum Beispiel NOT_EVENT-fed6658-f11fba8a-a9ca-4835-b4bd-9d0e0a9d4062",
        RecentLookups => "Zuvor nachgeschlagen",
        Channel => "Kanal",
        DeliveryColumn => "Zustellung",
        Tries => "Versuche",
        Delivered => "Zugestellt",
        NotDelivered => "Nicht zugestellt",
        NoDeliveries => "GKLM hat zu diesem Ereignis noch keine Zustelldaten.",
        EventNotFound => {
            "GKLM kennt kein Benachrichtigungsereignis mit dieser UUID (CTGKM0404E)."
        }
        UuidEmpty => "Zuerst eine Ereignis-UUID eingeben.",
        UuidWhitespace => {
            "Eine Ereignis-UUID enthält keine Leerzeichen: das Eingefügte prüfen."
        }
        UuidSlash => {
            "Eine Ereignis-UUID enthält kein „/“: nur die UUID eingeben, keinen Pfad und keine Adresse."
        }
        UuidDotDot => "Eine Ereignis-UUID enthält kein „..“: nur die UUID eingeben.",
        UuidTooLong => "Das ist länger als 200 Zeichen, zu lang für eine Ereignis-UUID.",
        NoCardsConfigured => "Für die angegebenen Server ist keine Karte eingestellt.",
        SyncJobs => "CipherTrust-Synchronisierungsaufträge",
        SourceLabel => "Quelle der Aufträge",
        SourceAws => "AWS",
        SourceAwsCustomKeyStores => "AWS Custom Key Stores",
        SourceAzure => "Azure-Schlüssel",
        SourceAzureSecrets => "Azure-Geheimnisse",
        SourceAzureCertificates => "Azure-Zertifikate",
        SourceGoogle => "Google Cloud",
        SourceOci => "Oracle Cloud",
        SourceSalesforce => "Salesforce",
        SourceSap => "SAP",
        StatusFilter => "Nach Status filtern",
        ContainersKms => "KMS",
        ContainersKeyVaults => "Schlüsseltresore",
        ContainersKeyRings => "Schlüsselbunde",
        ContainersVaults => "Tresore",
        ContainersOrganizations => "Organisationen",
        ContainersGroups => "Gruppen",
        ContainersHint => "durch Kommas getrennt",
        JobIdFilter => "Auftrags-ID",
        ClearFilters => "Filter zurücksetzen",
        PageSize => "Zeilen pro Seite",
        FirstPage => "Erste Seite",
        PreviousPage => "Vorige Seite",
        NextPage => "Nächste Seite",
        LastPage => "Letzte Seite",
        StatusCompleted => "Abgeschlossen",
        StatusFailed => "Fehlgeschlagen",
        StatusInProgress => "Läuft",
        StatusAborted => "Abgebrochen",
        ColStatus => "Zustand",
        ColId => "Auftrag",
        ColStarted => "Gestartet",
        ColCompleted => "Beendet",
        ColDuration => "Dauer",
        ColRegions => "Konten/Regionen",
        ColAbort => "Abbruch",
        ShowDetails => "Details anzeigen",
        CopyId => "Vollständige ID kopieren",
        Copied => "Kopiert",
        AbortRequested => "Abbruch angefordert",
        No => "nein",
        RegionsRequested => "Angeforderte Regionen",
        AllRegions => "alle",
        SynchronizeAll => "Alles synchronisieren",
        Yes => "ja",
        Uris => "Adressen (URI)",
        RegionSynchronized => "synchronisiert",
        RegionInProgress => "läuft",
        RegionFailed => "fehlgeschlagen",
        RegionOther => "anderes",
        NoJobs => "Keine Synchronisierungsaufträge passen.",
        FindInPage => "Auf dieser Seite suchen",
        PastTheEnd => "Diese Seite liegt hinter dem Ende der Liste.",
        ExportCsv => "Diese Seite exportieren (CSV)",
        SortedByServer => "Von CipherTrust Manager sortiert.",
        SortedWithinPage => "Nur innerhalb dieser Seite sortiert: der Server hat nicht sortiert.",
        Timeline => "Zeitleiste dieser Seite",
        SummaryFor => "Aufträge nach Status für diesen Filter",
        SignInToCckm => "Bei CipherTrust Manager anmelden",
        AwaitingCckmSignIn => "Wird angezeigt, sobald Sie bei CipherTrust Manager angemeldet sind.",
        SignOutOfCckm => "Von CipherTrust Manager abmelden",
        SignedOutCckm => "Sie haben sich von CipherTrust Manager abgemeldet.",
        SourceMissing => "Dieser CipherTrust Manager hat keine solche Liste.",
        Domain => "Domäne",
        Username => "Benutzername",
    }
}

pub(super) fn message(m: &Message) -> String {
    match *m {
        Message::Unreachable { detail } => format!(
            "Der Server ist nicht erreichbar ({detail}): Netzwerk und die eingestellte Adresse prüfen."
        ),
        Message::NoAnswerWithin { after_ms } => format!(
            "Keine Antwort innerhalb von {} s: der Server ist vielleicht überlastet; später erneut versuchen.",
            super::en::seconds(after_ms).replace('.', ",")
        ),
        Message::TooLarge { mib } => format!(
            "Die Antwort war größer als {mib} MiB und wurde nicht gelesen: die eingestellte Adresse prüfen."
        ),
        Message::SessionRejected { server } => format!(
            "{} hat die Sitzung abgelehnt (CTGKM6004E): erneut anmelden.",
            server.name()
        ),
        Message::SessionNeeded { server } => format!(
            "{} verlangt eine Sitzung (CTGKM6002E): anmelden.",
            server.name()
        ),
        Message::CredentialsRefused { server } => format!(
            "{} hat Benutzer-ID oder Kennwort abgelehnt (CTGKM6003E): beides prüfen und erneut anmelden.",
            server.name()
        ),
        Message::SignInNotAccepted {
            server,
            status,
            said,
            first: true,
        } => format!(
            "{} verlangt eine Anmeldung (HTTP {status}){said}: anmelden.",
            server.name()
        ),
        Message::SignInNotAccepted {
            server,
            status,
            said,
            first: false,
        } => format!(
            "{} hat die Anmeldung abgelehnt (HTTP {status}){said}: erneut anmelden.",
            server.name()
        ),
        Message::HttpError {
            server,
            status,
            said,
            advice: what,
        } => {
            let advice = advice(what);
            format!(
                "{} hat mit HTTP {status} geantwortet{said}: {advice}.",
                server.name()
            )
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
            "{} hat mit HTTP {status} und Text statt JSON geantwortet („{excerpt}“): prüfen, ob die Adresse auf die REST-API zeigt und kein Proxy dazwischen antwortet.",
            server.name()
        ),
        Message::Unreadable {
            server,
            field,
            problem,
        } => format!(
            "{} hat eine Antwort geschickt, die das Panel nicht lesen kann (Feld „{field}“ {}): diese Serverversion wird vielleicht nicht unterstützt.",
            server.name(),
            problem_text(problem)
        ),
        Message::BadInput { what, value } => {
            let what = match what {
                InputName::EventUuid => "Ereignis-UUID",
                InputName::SyncJobId => "Synchronisierungsauftrags-ID",
            };
            format!("Die {what} „{value}“ ist leer oder ungültig: eine gültige angeben.")
        }
        Message::TokenProviderFailed { server, detail } => format!(
            "Der Token-Lieferant der Host-Seite hat keine Anmeldung für {} geliefert ({detail}): hier anmelden oder den Lieferanten korrigieren.",
            server.name()
        ),
        Message::BackupWithinLimit { hours } => format!("innerhalb der Grenze von {hours} Std."),
        Message::BackupOlderThan { hours } => format!("älter als {hours} Std."),
        Message::FailedChecks { count } => format!("Fehlgeschlagene Abfragen in Folge: {count}"),
        Message::CardNow { card, now } => format!("{}: {now}", text(card)),
        Message::PageRange { first, last, total } => format!(
            "{}–{} von {}",
            super::en::grouped(first, '.'),
            super::en::grouped(last, '.'),
            super::en::grouped(total, '.')
        ),
        Message::Count { n } => super::en::grouped(n, '.'),
        Message::Tries { n: 1 } => "1 Versuch".to_owned(),
        Message::Tries { n } => format!("{} Versuche", super::en::grouped(n.into(), '.')),
        Message::IgnoredInAddress { list } => {
            format!("Aus der Ansicht gelassen, da die Adresse ungültige Werte enthielt: {list}.")
        }
        Message::PageMatches { shown, of } => format!(
            "{shown} der {of} Aufträge dieser Seite passen: bei mehreren Status wird die Seite hier gefiltert, und die Anzahl gilt für die Seite."
        ),
        Message::FindMatches { shown, of } => format!(
            "{} von {} Aufträgen dieser Seite passen",
            super::en::grouped(shown as u64, '.'),
            super::en::grouped(of as u64, '.')
        ),
        Message::FindNone { text } => format!("Kein Auftrag dieser Seite passt zu „{text}“."),
        Message::JobNow { id, status } => format!("Auftrag {id}: {status}"),
    }
}

fn problem_text(problem: DecodeProblem) -> &'static str {
    match problem {
        DecodeProblem::Missing => "fehlt",
        DecodeProblem::NotA(Expected::Text) => "ist kein Text",
        DecodeProblem::NotA(Expected::Code) => "ist kein Code",
        DecodeProblem::NotA(Expected::WholeNumber) => "ist keine ganze Zahl",
        DecodeProblem::NotA(Expected::Flag) => "ist weder wahr noch falsch",
        DecodeProblem::NotA(Expected::List | Expected::ListOrObject) => "ist keine Liste",
        DecodeProblem::NotA(Expected::Object) => "ist kein Objekt",
        DecodeProblem::NotA(Expected::Timestamp) => "ist kein Zeitpunkt",
    }
}

fn advice(advice: HttpAdvice) -> &'static str {
    match advice {
        HttpAdvice::AskForPermission => {
            "dem Konto fehlt die Berechtigung; an die Administration wenden"
        }
        HttpAdvice::CheckAddress => "die eingestellte Adresse prüfen",
        HttpAdvice::TryLaterBusy => {
            "der Server ist ausgelastet oder startet neu; später erneut versuchen"
        }
        HttpAdvice::TryLaterServerProblem => {
            "der Server hat ein Problem; später erneut versuchen oder sein Protokoll prüfen"
        }
        HttpAdvice::CheckConfiguration => "die Anfrage wurde abgelehnt; die Einstellungen prüfen",
    }
}
