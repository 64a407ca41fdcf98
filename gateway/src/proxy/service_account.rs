//! Service-account mode: the gateway signs in to both servers itself.

use std::time::{Duration, Instant};

use keywatch_core::api::cckm::SignInDomain;
use serde_json::{json, Value};
use tokio::sync::Mutex;

use crate::config::ServiceCredentials;

/// Renew a CipherTrust JWT this long before it runs out.
const JWT_RENEW_MARGIN: Duration = Duration::from_secs(30);

struct CckmToken {
    jwt: String,
    refresh_token: Option<String>,
    renew_at: Instant,
}

pub struct ServiceAccount {
    credentials: ServiceCredentials,
    /// The CipherTrust domain to sign in to (`auth.ciphertrust_domain`).
    cckm_domain: SignInDomain,
    client: reqwest::Client,
    gklm_base: String,
    cckm_base: String,
    gklm_session: Mutex<Option<String>>,
    cckm_token: Mutex<Option<CckmToken>>,
}

impl ServiceAccount {
    pub fn new(
        credentials: ServiceCredentials,
        cckm_domain: SignInDomain,
        client: reqwest::Client,
        gklm_base: &str,
        cckm_base: &str,
    ) -> Self {
        ServiceAccount {
            credentials,
            cckm_domain,
            client,
            gklm_base: gklm_base.trim_end_matches('/').to_string(),
            cckm_base: cckm_base.trim_end_matches('/').to_string(),
            gklm_session: Mutex::new(None),
            cckm_token: Mutex::new(None),
        }
    }

    /// `SKLMAuth userAuthId=…`, signing in when there is no session or the
    /// last one was rejected.
    pub async fn gklm_authorization(&self, rejected: Option<&str>) -> Result<String, String> {
        let mut session = self.gklm_session.lock().await;
        let stale = session.as_deref().is_none() || session.as_deref() == rejected;
        if stale {
            let body = json!({"userid": self.credentials.gklm_user, "password": self.credentials.gklm_password});
            let reply = self
                .post_json(&format!("{}/ckms/login", self.gklm_base), &body)
                .await?;
            let id = reply
                .get("UserAuthId")
                .or_else(|| reply.get("userAuthId"))
                .and_then(Value::as_str)
                .ok_or("GKLM sign-in answered without a UserAuthId")?;
            tracing::info!("signed in to GKLM as the service account");
            *session = Some(format!("SKLMAuth userAuthId={id}"));
        }
        session.clone().ok_or_else(|| "no GKLM session".to_string())
    }

    /// `Bearer …`, refreshed before it expires, or anew when it was rejected.
    pub async fn cckm_authorization(&self, rejected: Option<&str>) -> Result<String, String> {
        let mut token = self.cckm_token.lock().await;
        let current = token.as_ref().map(|t| format!("Bearer {}", t.jwt));
        let usable = token.as_ref().is_some_and(|t| Instant::now() < t.renew_at)
            && current.as_deref() != rejected;
        if usable {
            return current.ok_or_else(|| "no CipherTrust token".to_string());
        }
        let url = format!("{}/auth/tokens", self.cckm_base);
        let refreshed = match token.as_ref().and_then(|t| t.refresh_token.clone()) {
            Some(refresh_token) => self
                .post_json(
                    &url,
                    // A new refresh token too, where the server gives one;
                    // the old one is kept when none comes back.
                    &json!({
                        "grant_type": "refresh_token",
                        "refresh_token": refresh_token,
                        "renew_refresh_token": true,
                    }),
                )
                .await
                .ok(),
            None => None,
        };
        let reply = match refreshed {
            Some(reply) => {
                tracing::info!("refreshed the CipherTrust token");
                reply
            }
            None => {
                let mut body = json!({
                    "grant_type": "password",
                    "username": self.credentials.ciphertrust_user,
                    "password": self.credentials.ciphertrust_password,
                });
                // In the configured domain; left out when blank (root).
                for (name, value) in [
                    ("domain", &self.cckm_domain.domain),
                    ("auth_domain", &self.cckm_domain.auth_domain),
                ] {
                    if !value.is_empty() {
                        body[name] = json!(value);
                    }
                }
                let reply = self.post_json(&url, &body).await?;
                tracing::info!("signed in to CipherTrust as the service account");
                reply
            }
        };
        let jwt = reply
            .get("jwt")
            .and_then(Value::as_str)
            .ok_or("CipherTrust sign-in answered without a jwt")?
            .to_string();
        let lifetime =
            Duration::from_secs(reply.get("duration").and_then(Value::as_u64).unwrap_or(300));
        *token = Some(CckmToken {
            jwt: jwt.clone(),
            refresh_token: reply
                .get("refresh_token")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| token.as_ref().and_then(|t| t.refresh_token.clone())),
            renew_at: Instant::now() + lifetime.saturating_sub(JWT_RENEW_MARGIN),
        });
        Ok(format!("Bearer {jwt}"))
    }

    /// Errors name the endpoint and status only, never what was sent.
    async fn post_json(&self, url: &str, body: &Value) -> Result<Value, String> {
        let response = self
            .client
            .post(url)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| format!("sign-in request failed: {}", e.without_url()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("sign-in was refused with HTTP {status}"));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("sign-in answer unreadable: {}", e.without_url()))?;
        serde_json::from_slice(&bytes).map_err(|_| "sign-in answer is not JSON".to_string())
    }
}
