use keywatch_core::api::cckm::SignInDomain;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How `keywatch-gateway demo` runs.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Where it listens; the default `Host` names follow from it.
    pub listen: SocketAddr,
    /// Host names answered besides the listen address and `localhost`.
    pub allowed_hosts: Vec<String>,
    pub connections: ConnectionLimits,
    pub dist: PathBuf,
    /// The example admin console, served at `/portal/` under a strict
    /// Content-Security-Policy.
    pub portal: PathBuf,
    pub seed: u64,
    pub user: String,
    pub password: String,
    /// Simulated seconds per real second; 0 freezes the clock for tests.
    pub time_scale: f64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            allowed_hosts: Vec::new(),
            connections: ConnectionLimits::default(),
            dist: PathBuf::from("dist"),
            portal: PathBuf::from("examples/portal"),
            seed: 1,
            user: "kwdemo".to_string(),
            password: "kwdemo".to_string(),
            time_scale: 1.0,
        }
    }
}

/// What one client connection may take. Every figure has a default that a
/// browser polling every few seconds never meets, and that stops a client
/// from holding the gateway's descriptors or memory by being slow.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectionLimits {
    /// From a connection's first byte (or its opening) to the end of the
    /// request head.
    pub header_read_timeout_seconds: f64,
    /// A kept-alive connection with no request under way closes after this.
    pub idle_timeout_seconds: f64,
    /// From the end of the head to the end of the request body.
    pub request_body_timeout_seconds: f64,
    /// Request bodies (sign-in, logout, `/_sim/` controls) are small.
    pub max_request_body_bytes: usize,
    /// Open connections at most; at the cap the longest idle one makes room,
    /// and when none is idle the newcomer gets 503.
    pub max_connections: usize,
    /// When accepting fails (out of descriptors), say so at most this often.
    pub accept_error_log_seconds: f64,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout_seconds: 10.0,
            idle_timeout_seconds: 60.0,
            request_body_timeout_seconds: 10.0,
            max_request_body_bytes: 64 * 1024,
            max_connections: 256,
            accept_error_log_seconds: 10.0,
        }
    }
}

impl ConnectionLimits {
    pub fn header_read_timeout(&self) -> Duration {
        seconds(self.header_read_timeout_seconds)
    }
    pub fn idle_timeout(&self) -> Duration {
        seconds(self.idle_timeout_seconds)
    }
    pub fn request_body_timeout(&self) -> Duration {
        seconds(self.request_body_timeout_seconds)
    }
    pub fn accept_error_log_interval(&self) -> Duration {
        seconds(self.accept_error_log_seconds)
    }

    pub fn validate(&self) -> Result<(), String> {
        for (name, value) in [
            (
                "header_read_timeout_seconds",
                self.header_read_timeout_seconds,
            ),
            ("idle_timeout_seconds", self.idle_timeout_seconds),
            (
                "request_body_timeout_seconds",
                self.request_body_timeout_seconds,
            ),
            ("accept_error_log_seconds", self.accept_error_log_seconds),
        ] {
            if !(value.is_finite() && value > 0.0 && value <= 86_400.0) {
                return Err(format!(
                    "connections.{name} must be more than 0 and at most 86400"
                ));
            }
        }
        if self.max_connections == 0 {
            return Err("connections.max_connections must be at least 1".into());
        }
        if self.max_request_body_bytes == 0 {
            return Err("connections.max_request_body_bytes must be at least 1".into());
        }
        Ok(())
    }
}

fn seconds(value: f64) -> Duration {
    Duration::try_from_secs_f64(value).unwrap_or(Duration::from_secs(1))
}

/// `keywatch-gateway proxy --config FILE`: a TOML file of this shape.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyConfig {
    #[serde(default = "default_proxy_listen")]
    pub listen: std::net::SocketAddr,
    /// Base URL up to and including `/rest/v1`.
    pub gklm_base_url: String,
    /// Base URL up to and including `/api/v1`.
    pub ciphertrust_base_url: String,
    /// Browser origins allowed to read through the proxy.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Let those origins send cookies or HTTP auth along.
    #[serde(default)]
    pub allow_credentials: bool,
    /// Host names (with or without `:port`) the gateway answers to, besides
    /// its listen address and `localhost`; any other `Host` gets 421.
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    #[serde(default = "default_cache_seconds")]
    pub cache_seconds: u64,
    /// The cache holds at most this many bytes of answers and keys …
    #[serde(default = "default_cache_max_bytes")]
    pub cache_max_bytes: u64,
    /// … and at most this many answers …
    #[serde(default = "default_cache_max_entries")]
    pub cache_max_entries: u64,
    /// … none larger than this (a larger one is still shared by the
    /// requests under way at once).
    #[serde(default = "default_cache_max_answer_bytes")]
    pub cache_max_answer_bytes: u64,
    /// Sign-in attempts (both servers together) per client address and
    /// minute; more get 429 with `Retry-After`.
    #[serde(default = "default_sign_in_attempts_per_minute")]
    pub sign_in_attempts_per_minute: u32,
    #[serde(default = "default_timeout_seconds")]
    pub upstream_timeout_seconds: u64,
    #[serde(default = "default_max_response_bytes")]
    pub max_response_bytes: usize,
    #[serde(default)]
    pub tls: UpstreamTls,
    #[serde(default)]
    pub auth: AuthMode,
    #[serde(default)]
    pub connections: ConnectionLimits,
    /// Read both servers now and then and keep their state in `/metrics`;
    /// service-account mode only (pass-through mode has no credential).
    #[serde(default)]
    pub watch: Option<crate::watch::WatchConfig>,
    /// Serve `/metrics` on this address only, instead of on `listen` (where
    /// it answers only to the allowed host names).
    #[serde(default)]
    pub metrics_listen: Option<SocketAddr>,
    /// The environment variable holding a bearer token that `/metrics`
    /// requires; unset: no token.
    #[serde(default)]
    pub metrics_token_env: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamTls {
    /// PEM file of extra CAs, for servers with self-signed certificates.
    pub ca_bundle: Option<PathBuf>,
    /// Skip certificate checks altogether. Logged loudly.
    #[serde(default)]
    pub insecure: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(tag = "mode", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AuthMode {
    /// The browser signs in itself and sends its own Authorization.
    #[default]
    PassThrough,
    /// The gateway signs in with credentials from these environment variables.
    ServiceAccount {
        #[serde(default = "default_gklm_user_env")]
        gklm_user_env: String,
        #[serde(default = "default_gklm_password_env")]
        gklm_password_env: String,
        #[serde(default = "default_cckm_user_env")]
        ciphertrust_user_env: String,
        #[serde(default = "default_cckm_password_env")]
        ciphertrust_password_env: String,
        /// The CipherTrust domain the service account's token is for (a
        /// name, not a secret); empty: left out, the root domain.
        #[serde(default)]
        ciphertrust_domain: String,
        /// The domain the CipherTrust user is defined in, when that is not
        /// `ciphertrust_domain`; empty: left out.
        #[serde(default)]
        ciphertrust_auth_domain: String,
    },
}

/// The service account's credentials, read from the environment.
#[derive(Clone)]
pub struct ServiceCredentials {
    pub gklm_user: String,
    pub gklm_password: String,
    pub ciphertrust_user: String,
    pub ciphertrust_password: String,
}

impl std::fmt::Debug for ServiceCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServiceCredentials { .. }")
    }
}

impl ProxyConfig {
    /// Errors never quote the file: it is printed at startup, and a
    /// credential put there by mistake must not follow.
    pub fn from_toml(text: &str) -> Result<ProxyConfig, String> {
        let config: ProxyConfig =
            toml::from_str(text).map_err(|e| describe_toml_error(text, &e))?;
        for (name, url) in [
            ("gklm_base_url", &config.gklm_base_url),
            ("ciphertrust_base_url", &config.ciphertrust_base_url),
        ] {
            let parsed = reqwest::Url::parse(url).map_err(|e| format!("{name}: {e}"))?;
            if !matches!(parsed.scheme(), "https" | "http") {
                return Err(format!("{name} must be an https URL"));
            }
            // The URLs are logged at startup; credentials come from the
            // environment (service-account mode) or from the browser.
            if !parsed.username().is_empty() || parsed.password().is_some() {
                return Err(format!("{name} must not carry a user name or password"));
            }
            if parsed.query().is_some() || parsed.fragment().is_some() {
                return Err(format!("{name} must not have a query or fragment"));
            }
        }
        if let AuthMode::ServiceAccount {
            gklm_user_env,
            gklm_password_env,
            ciphertrust_user_env,
            ciphertrust_password_env,
            ciphertrust_domain,
            ciphertrust_auth_domain,
        } = &config.auth
        {
            for (key, name) in [
                ("ciphertrust_domain", ciphertrust_domain),
                ("ciphertrust_auth_domain", ciphertrust_auth_domain),
            ] {
                if name.len() > 256 || name.chars().any(char::is_control) {
                    return Err(format!(
                        "auth.{key} is a CipherTrust domain name: at most 256 characters, none of them control characters"
                    ));
                }
            }
            for (key, name) in [
                ("gklm_user_env", gklm_user_env),
                ("gklm_password_env", gklm_password_env),
                ("ciphertrust_user_env", ciphertrust_user_env),
                ("ciphertrust_password_env", ciphertrust_password_env),
            ] {
                if !is_variable_name(name) {
                    return Err(format!(
                        "auth.{key} names an environment variable (letters, digits and _), not a value"
                    ));
                }
            }
        }
        if config.allowed_origins.iter().any(|o| o == "*") {
            return Err("allowed_origins lists origins by name; \"*\" is not accepted".into());
        }
        config.connections.validate()?;
        crate::hosts::HostAllowlist::new(config.listen, &config.allowed_hosts)?;
        if config.cache_seconds > 3600 {
            return Err("cache_seconds is at most 3600".into());
        }
        if config.cache_max_bytes == 0
            || config.cache_max_entries == 0
            || config.cache_max_answer_bytes == 0
        {
            return Err(
                "cache_max_bytes, cache_max_entries and cache_max_answer_bytes must be at least 1"
                    .into(),
            );
        }
        if config.sign_in_attempts_per_minute == 0 {
            return Err("sign_in_attempts_per_minute must be at least 1".into());
        }
        if let Some(watch) = &config.watch {
            if config.auth == AuthMode::PassThrough {
                return Err("[watch] needs auth.mode = \"service-account\": in pass-through mode the gateway holds no credential to read with".into());
            }
            watch.validate()?;
        }
        if let Some(name) = &config.metrics_token_env {
            if !is_variable_name(name) {
                return Err("metrics_token_env names an environment variable (letters, digits and _), not a value".into());
            }
        }
        Ok(config)
    }

    /// The bearer token `/metrics` requires, if one is configured; an error
    /// names the missing variable.
    pub fn metrics_token(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, String> {
        match &self.metrics_token_env {
            None => Ok(None),
            Some(name) => match env(name) {
                Some(token) if !token.is_empty() => Ok(Some(token)),
                _ => Err(format!(
                    "environment variable {name} (metrics_token_env) is not set"
                )),
            },
        }
    }

    /// The domain the service account signs in to CipherTrust in (blank
    /// fields are left out of the sign-in); none in pass-through mode.
    pub fn ciphertrust_sign_in_domain(&self) -> SignInDomain {
        match &self.auth {
            AuthMode::ServiceAccount {
                ciphertrust_domain,
                ciphertrust_auth_domain,
                ..
            } => SignInDomain::new(ciphertrust_domain, ciphertrust_auth_domain),
            AuthMode::PassThrough => SignInDomain::default(),
        }
    }

    /// Credentials for service-account mode; an error names the missing variable.
    pub fn service_credentials(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<ServiceCredentials>, String> {
        let AuthMode::ServiceAccount {
            gklm_user_env,
            gklm_password_env,
            ciphertrust_user_env,
            ciphertrust_password_env,
            ..
        } = &self.auth
        else {
            return Ok(None);
        };
        let read =
            |name: &str| env(name).ok_or_else(|| format!("environment variable {name} is not set"));
        Ok(Some(ServiceCredentials {
            gklm_user: read(gklm_user_env)?,
            gklm_password: read(gklm_password_env)?,
            ciphertrust_user: read(ciphertrust_user_env)?,
            ciphertrust_password: read(ciphertrust_password_env)?,
        }))
    }
}

/// Where and what, without the source line toml would quote, and with
/// quoted values (serde's "invalid type: string \"…\"") left out.
fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let mut message = String::new();
    let mut quoted = false;
    for c in error.message().chars() {
        if c == '"' {
            if !quoted {
                message.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            message.push(c);
        }
    }
    let message = message.trim();
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message.to_string(),
    }
}

fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn default_proxy_listen() -> std::net::SocketAddr {
    std::net::SocketAddr::from(([127, 0, 0, 1], 8081))
}
fn default_cache_seconds() -> u64 {
    2
}
fn default_cache_max_bytes() -> u64 {
    32 * 1024 * 1024
}
fn default_cache_max_entries() -> u64 {
    4096
}
fn default_cache_max_answer_bytes() -> u64 {
    1024 * 1024
}
fn default_sign_in_attempts_per_minute() -> u32 {
    10
}
fn default_timeout_seconds() -> u64 {
    10
}
fn default_max_response_bytes() -> usize {
    4 * 1024 * 1024
}
fn default_gklm_user_env() -> String {
    "KEYWATCH_GKLM_USER".into()
}
fn default_gklm_password_env() -> String {
    "KEYWATCH_GKLM_PASSWORD".into()
}
fn default_cckm_user_env() -> String {
    "KEYWATCH_CIPHERTRUST_USER".into()
}
fn default_cckm_password_env() -> String {
    "KEYWATCH_CIPHERTRUST_PASSWORD".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_configuration_parses() {
        let text = include_str!("../keywatch-gateway.example.toml");
        let config = ProxyConfig::from_toml(text).unwrap();
        assert_eq!(config.auth, AuthMode::PassThrough);
        assert_eq!(config.cache_seconds, 2);
        assert!(config.service_credentials(|_| None).unwrap().is_none());
        // The example states every default, so that it documents them.
        let defaults = ProxyConfig::from_toml(
            "gklm_base_url = \"https://g/SKLM/rest/v1\"\nciphertrust_base_url = \"https://c/api/v1\"\n",
        )
        .unwrap();
        assert_eq!(config.connections, defaults.connections);
        assert_eq!(config.connections, ConnectionLimits::default());
        assert_eq!(config.cache_max_bytes, defaults.cache_max_bytes);
        assert_eq!(config.cache_max_entries, defaults.cache_max_entries);
        assert_eq!(
            config.cache_max_answer_bytes,
            defaults.cache_max_answer_bytes
        );
        assert_eq!(
            config.sign_in_attempts_per_minute,
            defaults.sign_in_attempts_per_minute
        );
    }

    #[test]
    fn refuses_limits_that_would_disable_themselves() {
        let base = "gklm_base_url = \"https://g/SKLM/rest/v1\"\nciphertrust_base_url = \"https://c/api/v1\"\n";
        for extra in [
            "[connections]\nheader_read_timeout_seconds = 0",
            "[connections]\nidle_timeout_seconds = -1",
            "[connections]\nmax_connections = 0",
            "cache_max_bytes = 0",
            "cache_max_answer_bytes = 0",
            "cache_seconds = 100000",
            "sign_in_attempts_per_minute = 0",
            "allowed_hosts = [\"https://ops.example\"]",
        ] {
            assert!(
                ProxyConfig::from_toml(&format!("{base}{extra}\n")).is_err(),
                "{extra}"
            );
        }
    }

    #[test]
    fn refuses_a_wildcard_origin_and_names_a_missing_variable() {
        let base = "gklm_base_url = \"https://g/SKLM/rest/v1\"\nciphertrust_base_url = \"https://c/api/v1\"\n";
        assert!(ProxyConfig::from_toml(&format!("{base}allowed_origins = [\"*\"]")).is_err());
        let config =
            ProxyConfig::from_toml(&format!("{base}[auth]\nmode = \"service-account\"\n")).unwrap();
        let error = config.service_credentials(|_| None).unwrap_err();
        assert!(error.contains("KEYWATCH_GKLM_USER"), "{error}");
    }

    #[test]
    fn errors_do_not_repeat_what_the_file_says() {
        let base = "gklm_base_url = \"https://g/SKLM/rest/v1\"\nciphertrust_base_url = \"https://c/api/v1\"\n";
        for (text, expected) in [
            (
                format!("{base}ciphertrust_password = \"Sekr1t-a\"\n"),
                "line 3, column 1: unknown field `ciphertrust_password`",
            ),
            (
                format!("{base}cache_seconds = \"Sekr1t-b\"\n"),
                "line 3, column 17: invalid type: string \"…\", expected u64",
            ),
            (
                format!("{base}[auth]\nmode = \"service-account\"\ngklm_password = \"Sekr1t-c\"\n"),
                "unknown field `gklm_password`",
            ),
            (
                format!("{base}[auth]\nmode = \"service-account\"\ngklm_password_env = \"Sekr1t-d is a value\"\n"),
                "auth.gklm_password_env names an environment variable",
            ),
            (
                "gklm_base_url = \"https://svc:Sekr1t-e@g/SKLM/rest/v1\"\nciphertrust_base_url = \"https://c/api/v1\"\n".to_string(),
                "gklm_base_url must not carry a user name or password",
            ),
            (
                "gklm_base_url = \"https://g/SKLM/rest/v1\"\nciphertrust_base_url = \"https://c/api/v1?token=Sekr1t-f\"\n".to_string(),
                "ciphertrust_base_url must not have a query or fragment",
            ),
        ] {
            let error = ProxyConfig::from_toml(&text).unwrap_err();
            assert!(error.contains(expected), "{error}");
            assert!(!error.contains("Sekr1t"), "{error}");
        }
    }

    #[test]
    fn the_service_accounts_domain_is_read_and_checked() {
        let base = "gklm_base_url = \"https://g/SKLM/rest/v1\"\nciphertrust_base_url = \"https://c/api/v1\"\n";
        let plain =
            ProxyConfig::from_toml(&format!("{base}[auth]\nmode = \"service-account\"\n")).unwrap();
        assert_eq!(plain.ciphertrust_sign_in_domain(), SignInDomain::default());
        let sales = ProxyConfig::from_toml(&format!(
            "{base}[auth]\nmode = \"service-account\"\nciphertrust_domain = \" sales \"\nciphertrust_auth_domain = \"root\"\n"
        ))
        .unwrap();
        assert_eq!(
            sales.ciphertrust_sign_in_domain(),
            SignInDomain::new("sales", "root")
        );
        let bad = ProxyConfig::from_toml(&format!(
            "{base}[auth]\nmode = \"service-account\"\nciphertrust_domain = \"a\\nSekr1t-g\"\n"
        ))
        .unwrap_err();
        assert!(bad.contains("auth.ciphertrust_domain"), "{bad}");
        assert!(!bad.contains("Sekr1t-g"), "{bad}");
        let pass = ProxyConfig::from_toml(base).unwrap();
        assert_eq!(pass.ciphertrust_sign_in_domain(), SignInDomain::default());
    }

    #[test]
    fn watching_needs_the_service_account_and_a_sane_interval() {
        let base = "gklm_base_url = \"https://g/SKLM/rest/v1\"\nciphertrust_base_url = \"https://c/api/v1\"\n";
        let refused =
            ProxyConfig::from_toml(&format!("{base}[watch]\ninterval_seconds = 30\n")).unwrap_err();
        assert!(refused.contains("service-account"), "{refused}");
        let service = format!("{base}[auth]\nmode = \"service-account\"\n");
        let watching = ProxyConfig::from_toml(&format!("{service}[watch]\n")).unwrap();
        assert_eq!(watching.watch.map(|w| w.interval_seconds), Some(60.0));
        assert!(
            ProxyConfig::from_toml(&format!("{service}[watch]\ninterval_seconds = 0\n")).is_err()
        );
        assert!(
            ProxyConfig::from_toml(base).unwrap().watch.is_none(),
            "off by default"
        );
        let token = ProxyConfig::from_toml(&format!("metrics_token_env = \"not a name\"\n{base}"));
        assert!(token.is_err(), "a token value where a variable name goes");
        let named =
            ProxyConfig::from_toml(&format!("metrics_token_env = \"KW_TOKEN\"\n{base}")).unwrap();
        assert_eq!(
            named.metrics_token(|_| None).unwrap_err(),
            "environment variable KW_TOKEN (metrics_token_env) is not set"
        );
        assert_eq!(
            named
                .metrics_token(|_| Some("t".into()))
                .unwrap()
                .as_deref(),
            Some("t")
        );
    }
}
