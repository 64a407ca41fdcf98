//! The panel's own words, in each language it speaks. Server text is shown
//! as the server sent it, marked with the server's `Content-Language`.

use crate::lang::Language;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    PanelTitle,
    LastBackup,
    Loading,
    Refreshing,
    CheckedAt,
    StaleFrom,
    StillFailing,
    SignInToGklm,
    AwaitingGklmSignIn,
    SignInHint,
    UserId,
    Password,
    SignIn,
    SigningIn,
    BackupSucceeded,
    BackupFailed,
    BackupSucceededWithWarning,
    BackupNotRunSinceStart,
    BackupUnrecognised,
    ServerSays,
    ConfigProblem,
}

impl Text {
    pub fn get(self, lang: Language) -> &'static str {
        use Text::*;
        match lang {
            Language::En => match self {
                PanelTitle => "Key manager status",
                LastBackup => "Last backup",
                Loading => "Checking…",
                Refreshing => "Refreshing…",
                CheckedAt => "Checked at",
                StaleFrom => "Showing the last good reading, from",
                StillFailing => "Failed checks in a row:",
                SignInToGklm => "Sign in to GKLM",
                AwaitingGklmSignIn => "Shown once you are signed in to GKLM.",
                SignInHint => "The session is kept in this page's memory only.",
                UserId => "User ID",
                Password => "Password",
                SignIn => "Sign in",
                SigningIn => "Signing in…",
                BackupSucceeded => "Succeeded",
                BackupFailed => "Failed",
                BackupSucceededWithWarning => "Succeeded with warning",
                BackupNotRunSinceStart => "Not run since the server started",
                BackupUnrecognised => "Unrecognised result",
                ServerSays => "Server status",
                ConfigProblem => "The panel is not configured correctly",
            },
            Language::De => match self {
                PanelTitle => "Status der Schlüsselverwaltung",
                LastBackup => "Letzte Sicherung",
                Loading => "Wird abgefragt …",
                Refreshing => "Wird aktualisiert …",
                CheckedAt => "Abgefragt um",
                StaleFrom => "Angezeigt wird der letzte gültige Stand von",
                StillFailing => "Fehlgeschlagene Abfragen in Folge:",
                SignInToGklm => "Bei GKLM anmelden",
                AwaitingGklmSignIn => "Wird angezeigt, sobald Sie bei GKLM angemeldet sind.",
                SignInHint => "Die Sitzung bleibt nur im Speicher dieser Seite.",
                UserId => "Benutzer-ID",
                Password => "Kennwort",
                SignIn => "Anmelden",
                SigningIn => "Anmeldung läuft …",
                BackupSucceeded => "Erfolgreich",
                BackupFailed => "Fehlgeschlagen",
                BackupSucceededWithWarning => "Erfolgreich mit Warnung",
                BackupNotRunSinceStart => "Seit dem Serverstart nicht ausgeführt",
                BackupUnrecognised => "Unbekanntes Ergebnis",
                ServerSays => "Serverstatus",
                ConfigProblem => "Das Panel ist nicht richtig konfiguriert",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_every_language_and_differs_where_it_should() {
        for lang in [Language::En, Language::De] {
            assert!(!Text::LastBackup.get(lang).is_empty());
        }
        assert_ne!(
            Text::LastBackup.get(Language::En),
            Text::LastBackup.get(Language::De)
        );
    }
}
