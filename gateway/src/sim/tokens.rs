use std::collections::HashMap;

use super::rng::SimRng;
use super::sync_jobs::Domain;

/// A CipherTrust JWT lives five minutes.
pub const JWT_LIFETIME_S: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenRejection {
    Missing,
    Malformed(&'static str),
    Expired { by_seconds: i64 },
}

impl TokenRejection {
    /// What CipherTrust says, word for word where known.
    pub fn message(&self) -> String {
        match self {
            TokenRejection::Missing => "Unauthorized: Bearer token is missing".to_string(),
            TokenRejection::Malformed(why) => {
                format!("Unauthorized: Bearer token malformed: {why}")
            }
            TokenRejection::Expired { by_seconds } => {
                format!("Unauthorized: Bearer token malformed: Token is expired by {by_seconds}s")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub jwt: String,
    /// Absent on a refresh that did not ask for a new one.
    pub refresh_token: Option<String>,
}

/// CipherTrust JWTs and refresh tokens issued by the simulator, each for
/// one domain.
#[derive(Debug)]
pub struct CckmTokens {
    rng: SimRng,
    /// When each JWT expires, and the domain it works in.
    jwts: HashMap<String, (i64, Domain)>,
    /// The user and domain of each live refresh token.
    refresh_owner: HashMap<String, (String, Domain)>,
}

impl CckmTokens {
    pub fn new(seed: u64) -> Self {
        CckmTokens {
            rng: SimRng::new(seed, 11),
            jwts: HashMap::new(),
            refresh_owner: HashMap::new(),
        }
    }

    pub fn sign_in(
        &mut self,
        user: &str,
        domain: Domain,
        now_ms: i64,
        now_unix_s: i64,
    ) -> IssuedToken {
        let refresh_token = self.new_refresh_token(user, domain);
        let jwt = self.new_jwt(user, domain, now_ms, now_unix_s);
        IssuedToken {
            jwt,
            refresh_token: Some(refresh_token),
        }
    }

    /// A new JWT in the refresh token's domain. With `renew`, a new refresh
    /// token too, and the old one stops working (Thales' token API:
    /// "Get a new refresh token … and invalidate the current refresh
    /// token"); without, none is sent and the old one keeps working.
    pub fn refresh(
        &mut self,
        refresh_token: &str,
        renew: bool,
        now_ms: i64,
        now_unix_s: i64,
    ) -> Option<IssuedToken> {
        let (user, domain) = self.refresh_owner.get(refresh_token)?.clone();
        let refresh_token = renew.then(|| {
            self.refresh_owner.remove(refresh_token);
            self.new_refresh_token(&user, domain)
        });
        let jwt = self.new_jwt(&user, domain, now_ms, now_unix_s);
        Some(IssuedToken { jwt, refresh_token })
    }

    fn new_refresh_token(&mut self, user: &str, domain: Domain) -> String {
        let refresh_token = self.rng.hex(64);
        self.refresh_owner
            .insert(refresh_token.clone(), (user.to_string(), domain));
        refresh_token
    }

    /// The domain a live JWT works in.
    pub fn check(&self, jwt: &str, now_ms: i64) -> Result<Domain, TokenRejection> {
        if jwt.split('.').count() != 3 {
            return Err(TokenRejection::Malformed(
                "token contains an invalid number of segments",
            ));
        }
        let Some(&(expires, domain)) = self.jwts.get(jwt) else {
            return Err(TokenRejection::Malformed("signature is invalid"));
        };
        if now_ms >= expires {
            return Err(TokenRejection::Expired {
                by_seconds: (now_ms - expires) / 1000,
            });
        }
        Ok(domain)
    }

    /// After the clock restarts, live tokens get a fresh five minutes.
    pub fn restart_clock(&mut self) {
        for (expires, _) in self.jwts.values_mut() {
            *expires = JWT_LIFETIME_S * 1000;
        }
    }

    fn new_jwt(&mut self, user: &str, domain: Domain, now_ms: i64, now_unix_s: i64) -> String {
        let header = r#"{"alg":"HS256","typ":"JWT"}"#;
        let payload = serde_json::json!({
            "sub": format!("local|{}", self.rng.uuid()),
            "iss": "kylo",
            "preferred_username": user,
            // The simulator's own claim; the record below is what counts.
            "domain": domain.name(),
            "jwtid": self.rng.uuid(),
            "iat": now_unix_s,
            "exp": now_unix_s + JWT_LIFETIME_S,
        })
        .to_string();
        let signature: Vec<u8> = (0..4)
            .flat_map(|_| self.rng.next_u64().to_be_bytes())
            .collect();
        let jwt = format!(
            "{}.{}.{}",
            base64url(header.as_bytes()),
            base64url(payload.as_bytes()),
            base64url(&signature)
        );
        self.jwts
            .insert(jwt.clone(), (now_ms + JWT_LIFETIME_S * 1000, domain));
        jwt
    }
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_without_padding() {
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn jwt_lives_five_minutes_and_says_by_how_much_it_expired() {
        let mut tokens = CckmTokens::new(1);
        let issued = tokens.sign_in("kwdemo", Domain::Root, 0, 1_700_000_000);
        assert_eq!(tokens.check(&issued.jwt, 299_999), Ok(Domain::Root));
        assert_eq!(
            tokens.check(&issued.jwt, 350_000),
            Err(TokenRejection::Expired { by_seconds: 50 })
        );
        assert_eq!(
            TokenRejection::Expired { by_seconds: 50 }.message(),
            "Unauthorized: Bearer token malformed: Token is expired by 50s"
        );
    }

    #[test]
    fn refresh_gives_a_new_live_jwt_and_unknown_refresh_gives_nothing() {
        let mut tokens = CckmTokens::new(1);
        let issued = tokens.sign_in("kwdemo", Domain::Sales, 0, 0);
        let old = issued.refresh_token.unwrap();
        let renewed = tokens.refresh(&old, false, 400_000, 400).unwrap();
        assert_ne!(renewed.jwt, issued.jwt);
        assert_eq!(renewed.refresh_token, None, "not asked for");
        assert_eq!(tokens.check(&renewed.jwt, 600_000), Ok(Domain::Sales));
        assert!(tokens.refresh("nope", false, 0, 0).is_none());

        let rotated = tokens.refresh(&old, true, 500_000, 500).unwrap();
        let new = rotated.refresh_token.unwrap();
        assert_ne!(new, old);
        assert!(
            tokens.refresh(&old, false, 0, 0).is_none(),
            "old one revoked"
        );
        let again = tokens.refresh(&new, false, 0, 0).unwrap();
        assert_eq!(tokens.check(&again.jwt, 0), Ok(Domain::Sales));
    }

    #[test]
    fn tells_malformed_from_forged() {
        let tokens = CckmTokens::new(1);
        assert!(
            matches!(tokens.check("abc", 0), Err(TokenRejection::Malformed(m)) if m.contains("segments"))
        );
        assert!(
            matches!(tokens.check("a.b.c", 0), Err(TokenRejection::Malformed(m)) if m.contains("signature"))
        );
    }
}
