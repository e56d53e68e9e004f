//! Certificates for the TLS tests, made fresh by each test run (nothing
//! long-lived is committed): a CA, server and client certificates it
//! signs, and the bad cases (another CA, another name, expired).

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};

/// A CA that signs certificates.
pub struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl Ca {
    pub fn new(name: &str) -> Ca {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        Ca { cert: params.self_signed(&key).unwrap(), key }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A leaf certificate for `names` (DNS names or IP addresses) and its
    /// key, as PEM; `expired` makes it valid only in 2020.
    pub fn issue(&self, names: &[&str], usage: ExtendedKeyUsagePurpose, expired: bool) -> (String, String) {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
        params.distinguished_name.push(DnType::CommonName, names.first().copied().unwrap_or("client"));
        params.extended_key_usages = vec![usage];
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2020, 12, 31);
        }
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        (cert.pem(), key.serialize_pem())
    }
}

/// Every file a TLS test needs, written under one directory.
pub struct TestCerts {
    pub dir: PathBuf,
}

impl TestCerts {
    /// Writes into `dir`: ca.pem; server.pem/server.key (localhost,
    /// 127.0.0.1, and the SPUs 5001/5002.localhost); client.pem/client.key; other-ca.pem, with
    /// other-client.pem/.key it signed; wrong-name.pem/.key (only
    /// elsewhere.example); expired.pem/.key.
    pub fn create(dir: &Path) -> TestCerts {
        let ca = Ca::new("libfluvio test CA");
        let other = Ca::new("another CA");
        let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
        let server = ExtendedKeyUsagePurpose::ServerAuth;
        let client = ExtendedKeyUsagePurpose::ClientAuth;
        write("ca.pem", &ca.pem());
        write("other-ca.pem", &other.pem());
        for (name, (cert, key)) in [
            // SPUs are reached as <id>.<domain>, as with real Fluvio.
            ("server", ca.issue(&["localhost", "127.0.0.1", "5001.localhost", "5002.localhost"], server.clone(), false)),
            ("client", ca.issue(&["client"], client.clone(), false)),
            ("other-client", other.issue(&["client"], client, false)),
            ("wrong-name", ca.issue(&["elsewhere.example"], server.clone(), false)),
            ("expired", ca.issue(&["localhost", "127.0.0.1"], server, true)),
        ] {
            write(&format!("{name}.pem"), &cert);
            write(&format!("{name}.key"), &key);
        }
        TestCerts { dir: dir.to_path_buf() }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn text(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }
}
