use std::path::PathBuf;

/// How `keywatch-gateway demo` runs.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub dist: PathBuf,
    pub seed: u64,
    pub user: String,
    pub password: String,
    /// Simulated seconds per real second; 0 freezes the clock for tests.
    pub time_scale: f64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            dist: PathBuf::from("dist"),
            seed: 1,
            user: "kwdemo".to_string(),
            password: "kwdemo".to_string(),
            time_scale: 1.0,
        }
    }
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
    #[serde(default = "default_cache_seconds")]
    pub cache_seconds: u64,
    #[serde(default = "default_timeout_seconds")]
    pub upstream_timeout_seconds: u64,
    #[serde(default = "default_max_response_bytes")]
    pub max_response_bytes: usize,
    #[serde(default)]
    pub tls: UpstreamTls,
    #[serde(default)]
    pub auth: AuthMode,
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
        } = &config.auth
        {
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
        Ok(config)
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
}
