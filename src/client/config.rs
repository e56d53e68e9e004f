//! Where and how a client connects: an endpoint, a TLS policy and a client
//! id, given directly or read from a Fluvio profile file (the TOML file the
//! `fluvio` CLI writes, `~/.fluvio/config` or `$FLV_PROFILE_PATH`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::connection::CLIENT_ID;
use super::error::{ClientError, Result};
use super::tls::{Pem, TlsPolicy};
use super::DEFAULT_ENDPOINT;

/// Environment variable naming the endpoint; it wins over any profile.
pub const ENDPOINT_ENV: &str = "FLUVIO_ENDPOINT";
/// Environment variable naming the profile file.
pub const PROFILE_PATH_ENV: &str = "FLV_PROFILE_PATH";

/// Everything a connection needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The SC, as "host:port".
    pub endpoint: String,
    pub tls: TlsPolicy,
    /// Sent in every request header.
    pub client_id: String,
    /// How long an admin request (topics, consumer offsets) waits for the
    /// cluster's answer.
    pub request_timeout: Duration,
}

impl ClientConfig {
    /// Plain TCP to `endpoint`.
    pub fn new(endpoint: impl Into<String>) -> Self {
        ClientConfig {
            endpoint: endpoint.into(),
            tls: TlsPolicy::Disabled,
            client_id: CLIENT_ID.to_string(),
            request_timeout: super::REQUEST_TIMEOUT,
        }
    }

    /// What `fluvio_connect(NULL)` uses, as the official clients: the
    /// endpoint in `FLUVIO_ENDPOINT`; else the current profile of the
    /// profile file (`$FLV_PROFILE_PATH`, else `~/.fluvio/config`, if it
    /// exists); else 127.0.0.1:9003.
    pub fn from_environment() -> Result<Self> {
        resolve_default(
            std::env::var(ENDPOINT_ENV).ok().filter(|e| !e.is_empty()),
            std::env::var_os(PROFILE_PATH_ENV).filter(|p| !p.is_empty()).map(PathBuf::from),
            std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from),
        )
    }

    /// The profile named `profile` (the current one if `None`) of the
    /// profile file (`$FLV_PROFILE_PATH`, else `~/.fluvio/config`), which
    /// must exist.
    pub fn from_profile(profile: Option<&str>) -> Result<Self> {
        let path = profile_path(
            std::env::var_os(PROFILE_PATH_ENV).filter(|p| !p.is_empty()).map(PathBuf::from),
            std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from),
        )
        .ok_or_else(|| ClientError::InvalidArgument(format!("no profile file: neither ${PROFILE_PATH_ENV} nor $HOME is set")))?;
        load_profile(&path, profile)
    }
}

/// The profile file's path: `explicit`, else `home/.fluvio/config`.
fn profile_path(explicit: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    explicit.or_else(|| home.map(|h| h.join(".fluvio").join("config")))
}

/// `from_environment` with its inputs given, for tests.
pub fn resolve_default(env_endpoint: Option<String>, explicit_path: Option<PathBuf>, home: Option<PathBuf>) -> Result<ClientConfig> {
    if let Some(endpoint) = env_endpoint {
        return Ok(ClientConfig::new(endpoint));
    }
    let explicit = explicit_path.is_some();
    match profile_path(explicit_path, home) {
        // A file named explicitly must be there; the default one may be missing.
        Some(path) if explicit || path.exists() => load_profile(&path, None),
        _ => Ok(ClientConfig::new(DEFAULT_ENDPOINT)),
    }
}

/// Reads profile `profile` (the current one if `None`) from the file at `path`.
pub fn load_profile(path: &Path, profile: Option<&str>) -> Result<ClientConfig> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ClientError::InvalidArgument(format!("reading the Fluvio profile file {}: {e}", path.display())))?;
    parse_profile(&text, profile, path)
}

/// Parses a profile file's `text` (read from `path`, named in errors).
pub fn parse_profile(text: &str, profile: Option<&str>, path: &Path) -> Result<ClientConfig> {
    let bad = |why: String| ClientError::InvalidArgument(format!("Fluvio profile file {}: {why}", path.display()));
    let file: ProfileFile = toml::from_str(text).map_err(|e| bad(e.to_string().trim_end().to_string()))?;
    let name = match profile {
        Some(name) => name.to_string(),
        None => file.current_profile.clone().ok_or_else(|| bad("it names no current_profile".into()))?,
    };
    let entry = file.profile.get(&name).ok_or_else(|| bad(format!("there is no profile '{name}'")))?;
    let cluster = file
        .cluster
        .get(&entry.cluster)
        .ok_or_else(|| bad(format!("profile '{name}' names cluster '{}', which is not defined", entry.cluster)))?;
    if cluster.endpoint.is_empty() {
        return Err(bad(format!("cluster '{}' has an empty endpoint", entry.cluster)));
    }
    // Relative certificate paths are relative to the profile file.
    let base = path.parent().unwrap_or(Path::new("."));
    let file_pem = |p: &PathBuf| Pem::File(if p.is_relative() { base.join(p) } else { p.clone() });
    let tls = match &cluster.tls {
        TlsEntry::Disabled => TlsPolicy::Disabled,
        TlsEntry::Anonymous => TlsPolicy::Anonymous { ca_cert: None, domain: None },
        TlsEntry::Verified(TlsSource::Files(paths)) => TlsPolicy::Verified {
            domain: paths.domain.clone(),
            ca_cert: file_pem(&paths.ca_cert),
            cert: file_pem(&paths.cert),
            key: file_pem(&paths.key),
        },
        TlsEntry::Verified(TlsSource::Inline(certs)) => TlsPolicy::Verified {
            domain: certs.domain.clone(),
            ca_cert: Pem::Inline(certs.ca_cert.clone()),
            cert: Pem::Inline(certs.cert.clone()),
            key: Pem::Inline(certs.key.clone()),
        },
    };
    let client_id = file.client_id.clone().filter(|id| !id.is_empty()).unwrap_or_else(|| CLIENT_ID.to_string());
    Ok(ClientConfig { tls, client_id, ..ClientConfig::new(cluster.endpoint.clone()) })
}

// The file's layout, as the official `fluvio` crate (0.50) reads and writes it.

#[derive(Deserialize)]
struct ProfileFile {
    current_profile: Option<String>,
    #[serde(default)]
    profile: HashMap<String, ProfileEntry>,
    #[serde(default)]
    cluster: HashMap<String, ClusterEntry>,
    client_id: Option<String>,
}

#[derive(Deserialize)]
struct ProfileEntry {
    cluster: String,
}

#[derive(Deserialize)]
struct ClusterEntry {
    #[serde(alias = "addr")]
    endpoint: String,
    #[serde(default)]
    tls: TlsEntry,
}

#[derive(Deserialize, Default)]
#[serde(tag = "tls_policy")]
enum TlsEntry {
    #[default]
    #[serde(rename = "disabled", alias = "disable")]
    Disabled,
    #[serde(rename = "anonymous")]
    Anonymous,
    #[serde(rename = "verified", alias = "verify")]
    Verified(TlsSource),
}

#[derive(Deserialize)]
#[serde(tag = "tls_source", content = "certs")]
enum TlsSource {
    #[serde(rename = "inline")]
    Inline(TlsCerts),
    #[serde(rename = "files", alias = "file")]
    Files(TlsPaths),
}

#[derive(Deserialize)]
struct TlsCerts {
    domain: String,
    key: String,
    cert: String,
    ca_cert: String,
}

#[derive(Deserialize)]
struct TlsPaths {
    domain: String,
    key: PathBuf,
    cert: PathBuf,
    ca_cert: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
version = "2.0"
current_profile = "local"
client_id = "billing"

[profile.local]
cluster = "local"

[profile.secure]
cluster = "prod"

[profile.inline]
cluster = "cloud"

[cluster.local]
endpoint = "127.0.0.1:9003"

[cluster.prod]
endpoint = "prod.example.com:9003"
use_spu_local_address = false

[cluster.prod.tls]
tls_policy = "verified"
tls_source = "files"

[cluster.prod.tls.certs]
domain = "prod.example.com"
key = "certs/client.key"
cert = "/etc/fluvio/client.crt"
ca_cert = "/etc/fluvio/ca.crt"

[cluster.cloud]
addr = "cloud.example.com:9003"

[cluster.cloud.tls]
tls_policy = "verify"
tls_source = "inline"

[cluster.cloud.tls.certs]
domain = "cloud.example.com"
key = "KEY"
cert = "CERT"
ca_cert = "CA"

[cluster.anon]
endpoint = "anon.example.com:9003"
tls = { tls_policy = "anonymous" }
"#;

    fn path() -> &'static Path {
        Path::new("/home/me/.fluvio/config")
    }

    #[test]
    fn profiles_as_the_cli_writes_them() {
        let local = parse_profile(FILE, None, path()).unwrap();
        assert_eq!(local, ClientConfig { client_id: "billing".into(), ..ClientConfig::new("127.0.0.1:9003") });
        let secure = parse_profile(FILE, Some("secure"), path()).unwrap();
        assert_eq!(
            secure.tls,
            TlsPolicy::Verified {
                domain: "prod.example.com".into(),
                ca_cert: Pem::File("/etc/fluvio/ca.crt".into()),
                cert: Pem::File("/etc/fluvio/client.crt".into()),
                key: Pem::File("/home/me/.fluvio/certs/client.key".into()),
            }
        );
        let inline = parse_profile(FILE, Some("inline"), path()).unwrap();
        assert_eq!(inline.endpoint, "cloud.example.com:9003");
        assert!(matches!(inline.tls, TlsPolicy::Verified { ca_cert: Pem::Inline(ref ca), .. } if ca == "CA"));
        let anon = FILE.replace("current_profile = \"local\"", "current_profile = \"a\"\n[profile.a]\ncluster = \"anon\"");
        let anon = parse_profile(&anon, None, path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(anon.tls, TlsPolicy::Anonymous { ca_cert: None, domain: None });
    }

    #[test]
    fn malformed_files_name_the_file_and_the_problem() {
        let err = |text: &str, profile: Option<&str>| parse_profile(text, profile, path()).unwrap_err().to_string();
        let missing = err(FILE, Some("nope"));
        assert!(missing.contains("/home/me/.fluvio/config") && missing.contains("no profile 'nope'"), "{missing}");
        let syntax = err("current_profile = \n", None);
        assert!(syntax.contains("/home/me/.fluvio/config") && syntax.contains("line 1"), "{syntax}");
        assert!(err("[profile.x]\ncluster = \"c\"\n", None).contains("no current_profile"));
        assert!(err("current_profile = \"x\"\n[profile.x]\ncluster = \"c\"\n", None).contains("cluster 'c', which is not defined"));
        let policy = err("current_profile = \"x\"\n[profile.x]\ncluster = \"c\"\n[cluster.c]\nendpoint = \"h:1\"\ntls = { tls_policy = \"sometimes\" }\n", None);
        assert!(policy.contains("sometimes"), "{policy}");
    }

    #[test]
    fn the_environment_decides_in_order() {
        let dir = std::env::temp_dir().join(format!("fluvio-profile-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".fluvio")).unwrap();
        let file = dir.join(".fluvio").join("config");
        std::fs::write(&file, FILE).unwrap();
        // FLUVIO_ENDPOINT wins.
        assert_eq!(resolve_default(Some("h:1".into()), Some(file.clone()), None).unwrap().endpoint, "h:1");
        // Then an explicit profile file, then the one under HOME.
        assert_eq!(resolve_default(None, Some(file.clone()), None).unwrap().client_id, "billing");
        assert_eq!(resolve_default(None, None, Some(dir.clone())).unwrap().client_id, "billing");
        // No file under HOME: the default endpoint. A missing explicit file is an error.
        let empty_home = dir.join("nobody");
        assert_eq!(resolve_default(None, None, Some(empty_home.clone())).unwrap(), ClientConfig::new(DEFAULT_ENDPOINT));
        let err = resolve_default(None, Some(empty_home.join("config")), None).unwrap_err().to_string();
        assert!(err.contains("nobody/config"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
