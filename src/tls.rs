//! TLS material shared by the client and the embedded cluster: PEM
//! certificates and keys (from files or inline), trust roots, and the
//! rustls crypto provider.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// PEM text, or the path of a file holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pem {
    File(PathBuf),
    Inline(String),
}

impl Pem {
    fn bytes(&self, what: &str) -> Result<Vec<u8>, String> {
        match self {
            Pem::Inline(text) if text.is_empty() => Err(format!("no {what} was given")),
            Pem::Inline(text) => Ok(text.as_bytes().to_vec()),
            Pem::File(path) => std::fs::read(path).map_err(|e| format!("reading the {what} from {}: {e}", path.display())),
        }
    }

    /// "the CA certificate in /etc/ca.pem", "the inline client key", …
    pub fn describe(&self, what: &str) -> String {
        match self {
            Pem::File(path) => format!("the {what} in {}", path.display()),
            Pem::Inline(_) => format!("the inline {what}"),
        }
    }

    /// Every certificate in it (at least one); `what` names it in errors.
    pub fn certificates(&self, what: &str) -> Result<Vec<CertificateDer<'static>>, String> {
        let bytes = self.bytes(what)?;
        let certs = CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{} is not valid PEM: {e}", self.describe(what)))?;
        if certs.is_empty() {
            return Err(format!("{} holds no certificate", self.describe(what)));
        }
        Ok(certs)
    }

    /// The private key in it (PKCS#8, PKCS#1 or SEC1).
    pub fn private_key(&self, what: &str) -> Result<PrivateKeyDer<'static>, String> {
        let bytes = self.bytes(what)?;
        PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| format!("{} holds no usable private key: {e}", self.describe(what)))
    }

    /// A trust store of the CA certificates in it.
    pub fn roots(&self, what: &str) -> Result<rustls::RootCertStore, String> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in self.certificates(what)? {
            roots.add(cert).map_err(|e| format!("{} is not a usable CA certificate: {e}", self.describe(what)))?;
        }
        Ok(roots)
    }
}

/// The rustls provider, named explicitly: a process may link rustls with
/// several providers, and then none is the default.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_pem_is_named() {
        let err = Pem::Inline("not a certificate".into()).certificates("CA certificate").unwrap_err();
        assert!(err.contains("inline CA certificate holds no certificate"), "{err}");
        let err = Pem::File("/nonexistent/ca.pem".into()).roots("CA certificate").unwrap_err();
        assert!(err.contains("/nonexistent/ca.pem"), "{err}");
        let err = Pem::Inline("-----BEGIN NOTHING-----".into()).private_key("client key").unwrap_err();
        assert!(err.contains("inline client key"), "{err}");
        assert_eq!(Pem::Inline(String::new()).certificates("CA certificate").unwrap_err(), "no CA certificate was given");
    }
}
