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
    pub fn from_toml(text: &str) -> Result<ProxyConfig, String> {
        let config: ProxyConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        for (name, url) in [
            ("gklm_base_url", &config.gklm_base_url),
            ("ciphertrust_base_url", &config.ciphertrust_base_url),
        ] {
            let parsed = reqwest::Url::parse(url).map_err(|e| format!("{name}: {e}"))?;
            if !matches!(parsed.scheme(), "https" | "http") {
                return Err(format!("{name} must be an https URL"));
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
}
