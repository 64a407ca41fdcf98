use axum::http::{header, HeaderMap, HeaderValue};

use crate::sim::gklm_tasks::BackupResult;

/// The languages GKLM messages are available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    /// Best supported match for `Accept-Language`, English when none fits.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let Some(value) = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        else {
            return Lang::En;
        };
        let mut best: Option<(f32, Lang)> = None;
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = match tag.split(['-', '_']).next() {
                Some("de") => Lang::De,
                Some("en") => Lang::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::En, |(_, lang)| lang)
    }

    pub fn content_language(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Lang::En => "en",
            Lang::De => "de",
        })
    }
}

/// A GKLM message: its id and its text in one language.
pub fn gklm_message(id: GklmMessage, lang: Lang) -> String {
    use GklmMessage::*;
    let text = match (id, lang) {
        (BadRequest, Lang::En) => "CTGKM6002E Bad Request: Invalid user authentication ID or invalid request format.",
        (BadRequest, Lang::De) => "CTGKM6002E Ungültige Anforderung: Ungültige Benutzerauthentifizierungs-ID oder ungültiges Anforderungsformat.",
        (WrongPassword, Lang::En) => "CTGKM6003E Authentication Failure: Incorrect userid or password.",
        (WrongPassword, Lang::De) => "CTGKM6003E Authentifizierungsfehler: Falsche Benutzer-ID oder falsches Kennwort.",
        (NotAuthenticated, Lang::En) => "CTGKM6004E User is not authenticated or has already logged out.",
        (NotAuthenticated, Lang::De) => "CTGKM6004E Der Benutzer ist nicht authentifiziert oder hat sich bereits abgemeldet.",
        (BackupRunning, Lang::En) => "CTGKM3290I Backup process is running.",
        (BackupRunning, Lang::De) => "CTGKM3290I Der Sicherungsprozess wird ausgeführt.",
        (BackupNotRunning, Lang::En) => "CTGKM3291I Backup process is not running.",
        (BackupNotRunning, Lang::De) => "CTGKM3291I Der Sicherungsprozess wird nicht ausgeführt.",
        (ServerError, Lang::En) => "CTGKM9999E The server could not process the request.",
        (ServerError, Lang::De) => "CTGKM9999E Der Server konnte die Anforderung nicht verarbeiten.",
        (LoggedOut, Lang::En) => "CTGKM6005I The user has logged out.",
        (LoggedOut, Lang::De) => "CTGKM6005I Der Benutzer hat sich abgemeldet.",
        (AllBackedUp, Lang::En) => "CTGKM1304I All keys and certificates have been backed up.",
        (AllBackedUp, Lang::De) => "CTGKM1304I Alle Schlüssel und Zertifikate wurden gesichert.",
        (KeysNotBackedUp, Lang::En) => "CTGKM1305I There are keys and certificates which have not been backed up. Make a backup.",
        (KeysNotBackedUp, Lang::De) => "CTGKM1305I Es gibt Schlüssel und Zertifikate, die nicht gesichert wurden. Erstellen Sie eine Sicherung.",
    };
    text.to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GklmMessage {
    BadRequest,
    WrongPassword,
    NotAuthenticated,
    BackupRunning,
    BackupNotRunning,
    ServerError,
    LoggedOut,
    AllBackedUp,
    KeysNotBackedUp,
}

pub fn backup_result_status(result: BackupResult, lang: Lang) -> &'static str {
    match (result, lang) {
        (BackupResult::NotRunSinceStart, Lang::En) => {
            "CTGKM3292I Backup has not been run since the server started."
        }
        (BackupResult::NotRunSinceStart, Lang::De) => {
            "CTGKM3292I Seit dem Serverstart wurde keine Sicherung ausgeführt."
        }
        (BackupResult::Succeeded, Lang::En) => "Operation succeeded",
        (BackupResult::Succeeded, Lang::De) => "Operation erfolgreich",
        (BackupResult::Failed, Lang::En) => {
            "CTGKM3293E Backup operation failed: the backup archive could not be written."
        }
        (BackupResult::Failed, Lang::De) => {
            "CTGKM3293E Die Sicherung ist fehlgeschlagen: Das Sicherungsarchiv konnte nicht geschrieben werden."
        }
        (BackupResult::SucceededWithWarning, Lang::En) => {
            "CTGKM3294W Backup operation succeeded with a warning: some keystore files were skipped."
        }
        (BackupResult::SucceededWithWarning, Lang::De) => {
            "CTGKM3294W Die Sicherung war mit einer Warnung erfolgreich: Einige Keystore-Dateien wurden übersprungen."
        }
    }
}

/// `status` and `description` of a file in `GET /ckms/backups`. IBM's page
/// says `status` tells "whether the specified backup file was found" and
/// gives no message: the simulator says so in words.
pub fn backup_file_texts(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::En => ("Backup file found", "Scheduled backup"),
        Lang::De => ("Sicherungsdatei gefunden", "Geplante Sicherung"),
    }
}

/// The text of a 5.x notification event of `event_type`.
pub fn notification_event_message(event_type: &str, lang: Lang) -> &'static str {
    match (event_type, lang) {
        ("CERTIFICATE_EXPIRY_IN_30DAYS", Lang::En) => {
            "The certificate kw-tls-01 expires within 30 days."
        }
        ("CERTIFICATE_EXPIRY_IN_30DAYS", Lang::De) => {
            "Das Zertifikat kw-tls-01 läuft innerhalb von 30 Tagen ab."
        }
        ("FAILED_LOGIN", Lang::En) => "Several login attempts for user kwdemo failed.",
        ("FAILED_LOGIN", Lang::De) => {
            "Mehrere Anmeldeversuche für den Benutzer kwdemo sind fehlgeschlagen."
        }
        ("ACCOUNT_LOCKOUT", Lang::En) => "The account kwops was locked.",
        ("ACCOUNT_LOCKOUT", Lang::De) => "Das Konto kwops wurde gesperrt.",
        ("DATABASE_UNREACHABLE", Lang::En) => "The database could not be reached.",
        ("DATABASE_UNREACHABLE", Lang::De) => "Die Datenbank war nicht erreichbar.",
        (_, Lang::En) => "A notification event occurred.",
        (_, Lang::De) => "Ein Benachrichtigungsereignis ist eingetreten.",
    }
}

pub fn unknown_event(uuid: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("CTGKM0404E The notification event {uuid} was not found."),
        Lang::De => {
            format!("CTGKM0404E Das Benachrichtigungsereignis {uuid} wurde nicht gefunden.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(value: &str) -> Lang {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(value).unwrap(),
        );
        Lang::from_headers(&headers)
    }

    #[test]
    fn picks_the_preferred_supported_language() {
        assert_eq!(lang("de"), Lang::De);
        assert_eq!(lang("de-DE,de;q=0.9,en;q=0.8"), Lang::De);
        assert_eq!(lang("fr-FR, en;q=0.5, de;q=0.4"), Lang::En);
        assert_eq!(lang("en;q=0.2, de;q=0.7"), Lang::De);
        assert_eq!(lang("fr"), Lang::En);
        assert_eq!(lang("de;q=0"), Lang::En);
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::En);
    }
}
