use std::collections::HashMap;

use super::rng::SimRng;

/// GKLM ends a session after 15 minutes without a request.
pub const GKLM_IDLE_LIMIT_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRejection {
    /// Never issued, logged out, or idle too long: GKLM cannot tell these apart.
    NotAuthenticated,
}

/// GKLM `userAuthId`s and when each was last used.
#[derive(Debug)]
pub struct GklmSessions {
    rng: SimRng,
    last_used_ms: HashMap<String, i64>,
}

impl GklmSessions {
    pub fn new(seed: u64) -> Self {
        GklmSessions {
            rng: SimRng::new(seed, 10),
            last_used_ms: HashMap::new(),
        }
    }

    pub fn sign_in(&mut self, now_ms: i64) -> String {
        let id = self.rng.uuid();
        self.last_used_ms.insert(id.clone(), now_ms);
        id
    }

    /// Checks the session and, when it is alive, counts this as activity.
    pub fn use_session(&mut self, id: &str, now_ms: i64) -> Result<(), SessionRejection> {
        match self.last_used_ms.get_mut(id) {
            Some(last) if now_ms - *last <= GKLM_IDLE_LIMIT_MS => {
                *last = now_ms.max(*last);
                Ok(())
            }
            Some(_) => {
                self.last_used_ms.remove(id);
                Err(SessionRejection::NotAuthenticated)
            }
            None => Err(SessionRejection::NotAuthenticated),
        }
    }

    pub fn sign_out(&mut self, id: &str) -> bool {
        self.last_used_ms.remove(id).is_some()
    }

    /// After the clock restarts, sessions count as just used.
    pub fn restart_clock(&mut self) {
        for last in self.last_used_ms.values_mut() {
            *last = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_lives_while_used_and_dies_after_fifteen_idle_minutes() {
        let mut sessions = GklmSessions::new(1);
        let id = sessions.sign_in(0);
        assert_eq!(sessions.use_session(&id, 14 * 60_000), Ok(()));
        assert_eq!(sessions.use_session(&id, 28 * 60_000), Ok(()));
        assert_eq!(
            sessions.use_session(&id, 44 * 60_000),
            Err(SessionRejection::NotAuthenticated)
        );
        assert_eq!(
            sessions.use_session("nobody", 0),
            Err(SessionRejection::NotAuthenticated)
        );
    }

    #[test]
    fn signed_out_session_is_rejected() {
        let mut sessions = GklmSessions::new(1);
        let id = sessions.sign_in(0);
        assert!(sessions.sign_out(&id));
        assert!(sessions.use_session(&id, 1).is_err());
    }
}
