//! A sign-in to one server, held in memory only.
//!
//! The panel first asks without a credential: behind a gateway in
//! service-account mode that works and nobody is asked to sign in. Only when a
//! server says a sign-in is needed does the panel ask the person.

use std::rc::Rc;

use yew::Reducible;

use crate::api::config::redacted;
use crate::api::error::ApiError;

#[derive(Clone, Debug, PartialEq)]
pub enum SessionStatus {
    /// No credential, and none asked for yet.
    Anonymous,
    /// The server wants a sign-in before it answers.
    SignInRequired(ApiError),
    SigningIn,
    /// The host's token provider has been asked for a credential.
    AskingHost,
    SignedIn,
    /// The sign-in was refused or could not be made.
    SignInFailed(ApiError),
    /// The server no longer accepts the credential it gave.
    Expired(ApiError),
    /// The person signed out; nothing is asked until they sign in again.
    SignedOut,
}

#[derive(Clone, PartialEq)]
pub struct Session {
    /// GKLM `userAuthId` or CipherTrust JWT; never logged, never stored.
    credential: Option<String>,
    pub status: SessionStatus,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("credential", &redacted(&self.credential))
            .field("status", &self.status)
            .finish()
    }
}

pub enum SessionAction {
    SignInStarted,
    /// The host's token provider was asked.
    AskingHost,
    SignedIn(String),
    SignInFailed(ApiError),
    /// The person signed out: the credential is forgotten.
    SignOut,
    /// A card was told that the credential it used (or its lack of one) is
    /// not good enough.
    Rejected {
        credential: Option<String>,
        error: ApiError,
    },
}

impl Session {
    /// Starts from what the host gave, if anything.
    pub fn new(credential: Option<String>) -> Self {
        let status = if credential.is_some() {
            SessionStatus::SignedIn
        } else {
            SessionStatus::Anonymous
        };
        Self { credential, status }
    }

    pub fn credential(&self) -> Option<&str> {
        self.credential.as_deref()
    }

    /// Whether to show the sign-in form: a sign-in is needed and the host's
    /// token provider is not being asked for one.
    pub fn shows_form(&self) -> bool {
        self.needs_sign_in() && self.status != SessionStatus::AskingHost
    }

    /// Whether the cards wait for a credential.
    pub fn needs_sign_in(&self) -> bool {
        !matches!(
            self.status,
            SessionStatus::Anonymous | SessionStatus::SignedIn
        )
    }

    /// Whether the cards wait, given what the host set up this render: a
    /// credential of its own (`given`) or a token provider to ask
    /// (`host_asks`). Anonymous then only means that the session has not yet
    /// taken the credential or asked for it (that happens in an effect, after
    /// the cards' own effects would have sent their first requests), so the
    /// cards wait rather than ask without one.
    pub fn cards_wait(&self, given: bool, host_asks: bool) -> bool {
        self.needs_sign_in() || (self.status == SessionStatus::Anonymous && (given || host_asks))
    }

    pub fn next(&self, action: SessionAction) -> Self {
        match action {
            SessionAction::SignInStarted => Self {
                credential: self.credential.clone(),
                status: SessionStatus::SigningIn,
            },
            SessionAction::AskingHost => Self {
                credential: self.credential.clone(),
                status: SessionStatus::AskingHost,
            },
            SessionAction::SignedIn(credential) => Self {
                credential: Some(credential),
                status: SessionStatus::SignedIn,
            },
            SessionAction::SignInFailed(error) => Self {
                credential: None,
                status: SessionStatus::SignInFailed(error),
            },
            SessionAction::SignOut => Self {
                credential: None,
                status: SessionStatus::SignedOut,
            },
            // Only a rejection of the credential in use counts: several cards
            // report the same expiry, and a reply may arrive after the person
            // has already signed in again.
            SessionAction::Rejected { credential, error } if credential == self.credential => {
                let status = match self.status {
                    SessionStatus::SignedIn => SessionStatus::Expired(error),
                    SessionStatus::Anonymous => SessionStatus::SignInRequired(error),
                    _ => return self.clone(),
                };
                Self {
                    credential: None,
                    status,
                }
            }
            SessionAction::Rejected { .. } => self.clone(),
        }
    }
}

impl Reducible for Session {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let next = self.next(action);
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_wait_for_the_credential_the_host_will_give() {
        let anonymous = Session::new(None);
        // Behind a service-account gateway, nothing to wait for.
        assert!(!anonymous.cards_wait(false, false));
        // A provider to ask, or a credential not yet taken: wait.
        assert!(anonymous.cards_wait(false, true));
        assert!(anonymous.cards_wait(true, false));
        let asking = anonymous.next(SessionAction::AskingHost);
        assert!(asking.cards_wait(false, true));
        let signed_in = asking.next(SessionAction::SignedIn("t".into()));
        assert!(!signed_in.cards_wait(false, true));
        assert!(!Session::new(Some("t".into())).cards_wait(true, false));
        let out = signed_in.next(SessionAction::SignOut);
        assert!(out.cards_wait(false, true));
    }
    use crate::api::error::{Server, ServerMessage};

    fn needs_sign_in(code: &str) -> ApiError {
        ApiError::SignInNeeded {
            server: Server::Gklm,
            status: 401,
            said: ServerMessage {
                code: Some(code.into()),
                ..ServerMessage::default()
            },
        }
    }

    fn rejected(credential: Option<&str>, code: &str) -> SessionAction {
        SessionAction::Rejected {
            credential: credential.map(String::from),
            error: needs_sign_in(code),
        }
    }

    #[test]
    fn without_a_credential_the_panel_first_tries_anonymously() {
        let s = Session::new(None);
        assert_eq!(s.status, SessionStatus::Anonymous);
        assert!(!s.needs_sign_in());
        let s = s.next(rejected(None, "CTGKM6002E"));
        assert_eq!(
            s.status,
            SessionStatus::SignInRequired(needs_sign_in("CTGKM6002E"))
        );
        assert!(s.needs_sign_in());
    }

    #[test]
    fn a_host_credential_starts_signed_in() {
        let s = Session::new(Some("abc".into()));
        assert_eq!(s.status, SessionStatus::SignedIn);
        assert!(!s.needs_sign_in());
        assert_eq!(s.credential(), Some("abc"));
    }

    #[test]
    fn signing_in_then_expiry_asks_again() {
        let s = Session::new(None)
            .next(rejected(None, "CTGKM6002E"))
            .next(SessionAction::SignInStarted)
            .next(SessionAction::SignedIn("id-1".into()));
        assert_eq!(s.credential(), Some("id-1"));
        assert!(!s.needs_sign_in());
        let s = s.next(rejected(Some("id-1"), "CTGKM6004E"));
        assert_eq!(s.credential(), None);
        assert_eq!(
            s.status,
            SessionStatus::Expired(needs_sign_in("CTGKM6004E"))
        );
        assert!(s.needs_sign_in());
    }

    #[test]
    fn a_refused_sign_in_keeps_no_credential() {
        let s = Session::new(None).next(SessionAction::SignInFailed(needs_sign_in("CTGKM6003E")));
        assert_eq!(s.credential(), None);
        assert!(matches!(s.status, SessionStatus::SignInFailed(_)));
        assert!(s.needs_sign_in());
    }

    #[test]
    fn a_late_rejection_does_not_interrupt_a_sign_in() {
        let s = Session::new(None).next(SessionAction::SignInStarted);
        let after = s.next(rejected(None, "CTGKM6002E"));
        assert_eq!(after.status, SessionStatus::SigningIn);
    }

    #[test]
    fn a_rejection_of_an_older_credential_keeps_the_new_one() {
        let s = Session::new(Some("new".into()));
        let after = s.next(rejected(Some("old"), "CTGKM6004E"));
        assert_eq!(after.credential(), Some("new"));
        assert_eq!(after.status, SessionStatus::SignedIn);
    }

    #[test]
    fn signing_out_forgets_the_credential_and_shows_the_form() {
        let s = Session::new(Some("id-1".into())).next(SessionAction::SignOut);
        assert_eq!(s.credential(), None);
        assert_eq!(s.status, SessionStatus::SignedOut);
        assert!(s.needs_sign_in());
        // A late rejection of the old session changes nothing.
        let after = s.next(rejected(Some("id-1"), "CTGKM6004E"));
        assert_eq!(after.status, SessionStatus::SignedOut);
        // A rejection of "no credential" after signing out keeps the note.
        let after = s.next(rejected(None, "CTGKM6002E"));
        assert_eq!(after.status, SessionStatus::SignedOut);
        let s = s
            .next(SessionAction::SignInStarted)
            .next(SessionAction::SignedIn("id-2".into()));
        assert_eq!(s.credential(), Some("id-2"));
        assert!(!s.needs_sign_in());
    }

    #[test]
    fn asking_the_host_waits_without_a_form() {
        let asking = Session::new(None).next(SessionAction::AskingHost);
        assert!(asking.needs_sign_in(), "cards wait for the host's answer");
        assert!(!asking.shows_form());
        // A card's late refusal does not interrupt the host's answer.
        assert_eq!(asking.next(rejected(None, "CTGKM6002E")), asking);
        let given = asking.next(SessionAction::SignedIn("from-host".into()));
        assert_eq!(given.credential(), Some("from-host"));
        assert!(!given.needs_sign_in());
        let failed = asking.next(SessionAction::SignInFailed(needs_sign_in("CTGKM6002E")));
        assert!(failed.shows_form(), "the person can still sign in");
    }

    #[test]
    fn debug_never_shows_the_credential() {
        let s = Session::new(Some("very-secret".into()));
        assert!(!format!("{s:?}").contains("very-secret"));
    }
}
