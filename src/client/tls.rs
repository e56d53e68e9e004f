//! TLS for client connections (the SC and every SPU), with rustls: the
//! Fluvio TLS policies (disabled, anonymous, verified) from files or inline
//! PEM.

use std::sync::Arc;

use rustls::pki_types::ServerName;

use super::error::{ClientError, Result};
pub use crate::tls::Pem;
use crate::tls::provider;

/// How a client secures its connections, as the Fluvio profile's `tls`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TlsPolicy {
    /// Plain TCP.
    #[default]
    Disabled,
    /// TLS without a client certificate. The server is verified against
    /// `ca_cert`, or the system's trusted roots without one, for the host
    /// name of the endpoint (unless `domain` names another). The official
    /// clients skip verification here; we do not.
    Anonymous { ca_cert: Option<Pem>, domain: Option<String> },
    /// Mutual TLS: the server is verified against `ca_cert` for `domain`
    /// (each SPU for `<spu id>.<domain>`, as with the official clients), and
    /// the client presents `cert` with `key`.
    Verified { domain: String, ca_cert: Pem, cert: Pem, key: Pem },
}

/// A TLS connector for one policy, shared by the SC and SPU connections.
#[derive(Clone)]
pub struct TlsConnector {
    connector: tokio_rustls::TlsConnector,
    /// The name certificates must be valid for; `None`: each endpoint's host.
    domain: Option<String>,
}

impl std::fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConnector").field("domain", &self.domain).finish()
    }
}

impl TlsConnector {
    /// The connector for `policy`; `None` when TLS is disabled.
    pub fn new(policy: &TlsPolicy) -> Result<Option<TlsConnector>> {
        let builder = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| ClientError::InvalidArgument(format!("TLS setup: {e}")))?;
        let (config, domain) = match policy {
            TlsPolicy::Disabled => return Ok(None),
            TlsPolicy::Anonymous { ca_cert, domain } => {
                let roots = match ca_cert {
                    Some(ca) => ca.roots("CA certificate").map_err(ClientError::InvalidArgument)?,
                    None => system_roots()?,
                };
                (builder.with_root_certificates(roots).with_no_client_auth(), domain.clone())
            }
            TlsPolicy::Verified { domain, ca_cert, cert, key } => {
                if domain.is_empty() {
                    return Err(ClientError::InvalidArgument("verified TLS needs the domain the cluster's certificate is for".into()));
                }
                let invalid = ClientError::InvalidArgument;
                let roots = ca_cert.roots("CA certificate").map_err(invalid)?;
                let certs = cert.certificates("client certificate").map_err(invalid)?;
                let config = builder
                    .with_root_certificates(roots)
                    .with_client_auth_cert(certs, key.private_key("client key").map_err(invalid)?)
                    .map_err(|e| ClientError::InvalidArgument(format!("the client certificate and key do not go together: {e}")))?;
                (config, Some(domain.clone()))
            }
        };
        Ok(Some(TlsConnector { connector: tokio_rustls::TlsConnector::from(Arc::new(config)), domain }))
    }

    /// The connector for the SPU named `spu`: as the official clients, it
    /// expects the SPU's certificate to be valid for `<spu>.<domain>` (the
    /// SNI name real Fluvio SPUs are reached by); without a domain, for the
    /// host of the SPU's address.
    pub fn for_spu(&self, spu: &str) -> TlsConnector {
        TlsConnector { connector: self.connector.clone(), domain: self.domain.as_ref().map(|d| format!("{spu}.{d}")) }
    }

    /// Runs the TLS handshake on `stream` to `addr` ("host:port").
    pub async fn connect<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
        &self,
        addr: &str,
        stream: S,
    ) -> Result<tokio_rustls::client::TlsStream<S>> {
        let host = match &self.domain {
            Some(domain) => domain.clone(),
            None => host_of(addr).to_string(),
        };
        let name = ServerName::try_from(host.clone())
            .map_err(|_| ClientError::InvalidArgument(format!("'{host}' is not a valid TLS server name")))?;
        self.connector.connect(name, stream).await.map_err(|e| handshake_error(addr, &host, e))
    }
}

/// The host part of "host:port" (brackets of an IPv6 address removed).
fn host_of(addr: &str) -> &str {
    let host = addr.rsplit_once(':').map_or(addr, |(host, _)| host);
    host.trim_start_matches('[').trim_end_matches(']')
}

fn system_roots() -> Result<rustls::RootCertStore> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        let why = found.errors.first().map_or_else(|| "none found".to_string(), |e| e.to_string());
        return Err(ClientError::InvalidArgument(format!(
            "anonymous TLS without a CA certificate needs the system's trusted roots: {why} (install ca-certificates, or give a CA certificate)"
        )));
    }
    Ok(roots)
}

/// A handshake failure, with what it most likely means.
fn handshake_error(addr: &str, host: &str, e: std::io::Error) -> ClientError {
    let detail = e.to_string();
    ClientError::Connection(format!("TLS handshake with {addr} as '{host}' failed: {detail}{}", tls_hint(&detail)))
}

/// What a TLS error most likely means, for the message (empty if unsure).
pub(crate) fn tls_hint(detail: &str) -> &'static str {
    // rustls words some errors (names, dates) and names the others.
    let has = |needles: &[&str]| needles.iter().any(|n| detail.contains(n));
    if has(&["UnknownIssuer", "BadSignature"]) {
        " (the server's certificate is not signed by the trusted CA)"
    } else if has(&["NotValidForName", "not valid for name"]) {
        " (the server's certificate is for another name)"
    } else if has(&["Expired", "certificate expired"]) {
        " (the server's certificate has expired)"
    } else if has(&["NotValidYet", "not valid yet"]) {
        " (the server's certificate is not valid yet)"
    } else if has(&["CertificateRequired"]) {
        " (the server requires a client certificate)"
    } else if has(&["UnknownCA", "BadCertificate", "DecryptError"]) {
        " (the server refused our client certificate)"
    } else if has(&["InvalidContentType", "corrupt message", "eof"]) {
        " (does this port speak TLS?)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_an_endpoint() {
        assert_eq!(host_of("localhost:9003"), "localhost");
        assert_eq!(host_of("127.0.0.1:9003"), "127.0.0.1");
        assert_eq!(host_of("[::1]:9003"), "::1");
        assert_eq!(host_of("example.com"), "example.com");
    }
}
