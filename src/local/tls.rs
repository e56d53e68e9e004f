//! The embedded cluster's TLS: the server certificate and key its SC and
//! SPU listeners present, and optionally the CA every client certificate
//! must be signed by.

use std::io;
use std::sync::Arc;

use crate::tls::{provider, Pem};

/// TLS settings of the embedded cluster.
#[derive(Debug, Clone)]
pub struct ServerTls {
    /// The certificate chain clients verify (leaf first).
    pub cert: Pem,
    pub key: Pem,
    /// `Some`: every client must present a certificate signed by this CA
    /// (the verified policy); `None`: anonymous clients are welcome.
    pub client_ca: Option<Pem>,
}

impl ServerTls {
    /// The acceptor for these settings; errors name the file at fault.
    pub fn acceptor(&self) -> io::Result<tokio_rustls::TlsAcceptor> {
        let invalid = |message: String| io::Error::new(io::ErrorKind::InvalidInput, message);
        let builder = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid(format!("TLS setup: {e}")))?;
        let builder = match &self.client_ca {
            None => builder.with_no_client_auth(),
            Some(ca) => {
                let roots = Arc::new(ca.roots("client CA certificate").map_err(invalid)?);
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(roots, provider())
                    .build()
                    .map_err(|e| invalid(format!("client certificate verification: {e}")))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let certs = self.cert.certificates("server certificate").map_err(invalid)?;
        let key = self.key.private_key("server key").map_err(invalid)?;
        let config = builder
            .with_single_cert(certs, key)
            .map_err(|e| invalid(format!("the server certificate and key do not go together: {e}")))?;
        Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
    }
}
