//! Connection settings from C: endpoint, TLS policy and client id, set one
//! by one or loaded from a Fluvio profile, and the calls that connect with
//! them.

use std::ffi::c_char;
use std::path::PathBuf;

use super::client::fluvio_client;
use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::runtime::block_on;
use super::util::{c_str, limit_setting, write_out, with_config_object};
use crate::client::{Client, ClientConfig, Pem, TlsPolicy, DEFAULT_ENDPOINT};

/// Connection settings for `fluvio_connect_with_config`. Created by
/// `fluvio_client_config_new`, freed by `fluvio_client_config_free`; one
/// thread at a time may change it.
pub struct fluvio_client_config {
    config: ClientConfig,
}

/// Which TLS policy a connection uses (the Fluvio profile's `tls_policy`).
pub type fluvio_tls_policy = u32;
/// Plain TCP (the default).
pub const FLUVIO_TLS_DISABLED: fluvio_tls_policy = 0;
/// TLS without a client certificate. The server's certificate is verified
/// against the CA given with `fluvio_client_config_set_tls_ca`, or the
/// system's trusted roots without one, for the endpoint's host name (or
/// the domain given with `fluvio_client_config_set_tls_domain`). Note: the
/// official clients do not verify the server under this policy; libfluvio
/// does.
pub const FLUVIO_TLS_ANONYMOUS: fluvio_tls_policy = 1;
/// Mutual TLS: the server is verified against the given CA for the given
/// domain, and the client presents its certificate
/// (`fluvio_client_config_set_tls_client_cert`). All three are required.
pub const FLUVIO_TLS_VERIFIED: fluvio_tls_policy = 2;

/// Creates connection settings: endpoint 127.0.0.1:9003, TLS disabled,
/// client id "fluvio".
///
/// Returns NULL only if memory is exhausted.
#[no_mangle]
pub extern "C" fn fluvio_client_config_new() -> *mut fluvio_client_config {
    ffi_guard_value(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(fluvio_client_config { config: ClientConfig::new(DEFAULT_ENDPOINT) }))
    })
}

/// Frees connection settings. NULL is a no-op.
///
/// # Safety
/// `config` must be NULL or from `fluvio_client_config_new`, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_config_free(config: *mut fluvio_client_config) {
    ffi_guard_value((), || {
        if !config.is_null() {
            // SAFETY: a pointer from fluvio_client_config_new, given back once.
            drop(unsafe { Box::from_raw(config) });
        }
    });
}

/// Runs `f` on a configuration argument that must not be NULL.
///
/// # Safety
/// `config` must be NULL or a live configuration not used by another thread.
unsafe fn with_client_config(config: *mut fluvio_client_config, f: impl FnOnce(&mut ClientConfig) -> Result<(), FfiError>) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe { with_config_object(config, |c| f(&mut c.config)) }
}

/// A PEM argument: inline text when it starts with "-----BEGIN", else a path.
///
/// # Safety
/// `value` must be NULL or a NUL-terminated string.
pub(crate) unsafe fn pem_arg(value: *const c_char, what: &str) -> Result<Pem, FfiError> {
    // SAFETY: per the contract.
    let text = unsafe { c_str(value, what) }?;
    if text.is_empty() {
        return Err(FfiError::invalid(format!("{what} is empty")));
    }
    Ok(if text.trim_start().starts_with("-----BEGIN") { Pem::Inline(text.to_string()) } else { Pem::File(PathBuf::from(text)) })
}

/// Replaces the settings with those of the Fluvio profile `profile` (NULL:
/// the current profile) of the profile file: `$FLV_PROFILE_PATH`, else
/// `~/.fluvio/config` (the file the `fluvio` CLI writes): its endpoint, TLS
/// policy and certificates, and client id.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL, the file is
/// missing or malformed (the message names the file and the problem), or
/// the profile or its cluster is not defined.
///
/// # Safety
/// `config` must be a live configuration; `profile` NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_config_load_profile(config: *mut fluvio_client_config, profile: *const c_char) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_client_config(config, |c| {
            let name = if profile.is_null() { None } else { Some(c_str(profile, "profile")?) };
            *c = ClientConfig::from_profile(name)?;
            Ok(())
        })
    }
}

/// Sets the SC endpoint, `"host:port"` (copied).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL arguments or an empty or
/// non-UTF-8 endpoint.
///
/// # Safety
/// `config` must be a live configuration; `endpoint` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_config_set_endpoint(config: *mut fluvio_client_config, endpoint: *const c_char) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_client_config(config, |c| {
            let endpoint = c_str(endpoint, "endpoint")?;
            if endpoint.is_empty() {
                return Err(FfiError::invalid("endpoint is empty"));
            }
            c.endpoint = endpoint.to_string();
            Ok(())
        })
    }
}

/// Sets the client id sent with every request (default "fluvio"; copied).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL arguments or an empty,
/// non-UTF-8 or over-long (32767 bytes) id.
///
/// # Safety
/// `config` must be a live configuration; `client_id` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_config_set_client_id(config: *mut fluvio_client_config, client_id: *const c_char) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_client_config(config, |c| {
            let id = c_str(client_id, "client_id")?;
            if id.is_empty() || id.len() > i16::MAX as usize {
                return Err(FfiError::invalid(format!("client id must be 1 to 32767 bytes long, not {}", id.len())));
            }
            c.client_id = id.to_string();
            Ok(())
        })
    }
}

/// Sets how long an admin request (topic create, delete and list; consumer
/// offset list and delete) waits for the cluster's answer, in milliseconds
/// (default 60000; -1: without limit). A connection to the SC that leaves a
/// request unanswered that long is closed and replaced, so later requests
/// do not queue behind it.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL config or a timeout of 0.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_config_set_request_timeout_ms(config: *mut fluvio_client_config, timeout_ms: i32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_client_config(config, |c| {
            if timeout_ms == 0 {
                return Err(FfiError::invalid("a request timeout of 0 ms would fail every request"));
            }
            c.request_timeout = limit_setting(timeout_ms);
            Ok(())
        })
    }
}

/// Sets the TLS policy: FLUVIO_TLS_DISABLED, FLUVIO_TLS_ANONYMOUS or
/// FLUVIO_TLS_VERIFIED. Certificates and domain set before are kept where
/// the new policy uses them; what a policy needs but lacks is reported by
/// `fluvio_connect_with_config`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `policy` is
/// unknown.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_config_set_tls_policy(config: *mut fluvio_client_config, policy: fluvio_tls_policy) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_client_config(config, |c| {
            c.tls = TlsParts::of(&c.tls).into_policy(policy)?;
            Ok(())
        })
    }
}

/// The pieces of a TLS policy, kept when the policy changes.
#[derive(Default)]
struct TlsParts {
    domain: Option<String>,
    ca_cert: Option<Pem>,
    cert: Option<Pem>,
    key: Option<Pem>,
}

impl TlsParts {
    fn of(policy: &TlsPolicy) -> TlsParts {
        match policy.clone() {
            TlsPolicy::Disabled => TlsParts::default(),
            TlsPolicy::Anonymous { ca_cert, domain } => TlsParts { domain, ca_cert, ..TlsParts::default() },
            TlsPolicy::Verified { domain, ca_cert, cert, key } => {
                TlsParts { domain: Some(domain), ca_cert: Some(ca_cert), cert: Some(cert), key: Some(key) }
            }
        }
    }

    /// The policy `kind` made of these pieces; a missing piece of a verified
    /// policy is left empty, for the connection to report.
    fn into_policy(self, kind: fluvio_tls_policy) -> Result<TlsPolicy, FfiError> {
        let missing = || Pem::Inline(String::new());
        Ok(match kind {
            FLUVIO_TLS_DISABLED => TlsPolicy::Disabled,
            FLUVIO_TLS_ANONYMOUS => TlsPolicy::Anonymous { ca_cert: self.ca_cert, domain: self.domain },
            FLUVIO_TLS_VERIFIED => TlsPolicy::Verified {
                domain: self.domain.unwrap_or_default(),
                ca_cert: self.ca_cert.unwrap_or_else(missing),
                cert: self.cert.unwrap_or_else(missing),
                key: self.key.unwrap_or_else(missing),
            },
            other => return Err(FfiError::invalid(format!("unknown TLS policy {other}"))),
        })
    }
}

fn kind_of(policy: &TlsPolicy) -> fluvio_tls_policy {
    match policy {
        TlsPolicy::Disabled => FLUVIO_TLS_DISABLED,
        TlsPolicy::Anonymous { .. } => FLUVIO_TLS_ANONYMOUS,
        TlsPolicy::Verified { .. } => FLUVIO_TLS_VERIFIED,
    }
}

/// Runs `f` on the TLS pieces of `config`, which must have a TLS policy.
fn with_tls_parts(c: &mut ClientConfig, f: impl FnOnce(&mut TlsParts)) -> Result<(), FfiError> {
    let kind = kind_of(&c.tls);
    if kind == FLUVIO_TLS_DISABLED {
        return Err(FfiError::invalid("set a TLS policy first (fluvio_client_config_set_tls_policy)"));
    }
    let mut parts = TlsParts::of(&c.tls);
    f(&mut parts);
    c.tls = parts.into_policy(kind)?;
    Ok(())
}

/// Sets the domain the server's certificate must be valid for (required by
/// FLUVIO_TLS_VERIFIED; with FLUVIO_TLS_ANONYMOUS, the endpoint's host by
/// default). Copied.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL arguments, an empty domain,
/// or TLS disabled.
///
/// # Safety
/// `config` must be a live configuration; `domain` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_config_set_tls_domain(config: *mut fluvio_client_config, domain: *const c_char) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_client_config(config, |c| {
            let domain = c_str(domain, "domain")?;
            if domain.is_empty() {
                return Err(FfiError::invalid("domain is empty"));
            }
            with_tls_parts(c, |p| p.domain = Some(domain.to_string()))
        })
    }
}

/// Sets the CA certificate(s) the server is verified against: PEM text
/// (starting with "-----BEGIN") or the path of a PEM file, read when
/// connecting. Copied.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL or empty arguments, or TLS
/// disabled.
///
/// # Safety
/// `config` must be a live configuration; `ca_cert` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_config_set_tls_ca(config: *mut fluvio_client_config, ca_cert: *const c_char) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_client_config(config, |c| {
            let ca = pem_arg(ca_cert, "CA certificate")?;
            with_tls_parts(c, |p| p.ca_cert = Some(ca))
        })
    }
}

/// Sets the client certificate and its private key (FLUVIO_TLS_VERIFIED):
/// each PEM text (starting with "-----BEGIN") or the path of a PEM file,
/// read when connecting. Copied.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL or empty arguments, or a
/// policy other than FLUVIO_TLS_VERIFIED.
///
/// # Safety
/// `config` must be a live configuration; `cert` and `key` NUL-terminated
/// strings.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_config_set_tls_client_cert(
    config: *mut fluvio_client_config,
    cert: *const c_char,
    key: *const c_char,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_client_config(config, |c| {
            let (cert, key) = (pem_arg(cert, "client certificate")?, pem_arg(key, "client key")?);
            if kind_of(&c.tls) != FLUVIO_TLS_VERIFIED {
                return Err(FfiError::invalid("a client certificate needs the FLUVIO_TLS_VERIFIED policy"));
            }
            with_tls_parts(c, |p| {
                p.cert = Some(cert);
                p.key = Some(key);
            })
        })
    }
}

/// Connects as `config` says (read only; it may be freed right after). On
/// success `*out` owns the client: free it with `fluvio_client_free`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments; certificates or
/// keys that cannot be read or parsed, a verified policy without domain,
/// CA, certificate or key: the message names which),
/// FLUVIO_ERR_CONNECTION (nothing listens there; a TLS handshake failed:
/// unknown CA, wrong domain, expired certificate, client certificate
/// refused or missing, TLS against a plain port or the reverse — the
/// message says which), FLUVIO_ERR_TIMEOUT, or FLUVIO_ERR_PROTOCOL.
///
/// # Safety
/// `config` must be a live configuration; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_connect_with_config(config: *const fluvio_client_config, out: *mut *mut fluvio_client) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: NULL-checked; live per the contract.
        let config = unsafe { config.as_ref() }.ok_or_else(|| FfiError::invalid("config is NULL"))?;
        connect_out(&config.config, out)
    })
}

/// Connects with the Fluvio profile `profile` (NULL: the current profile)
/// of the profile file (`$FLV_PROFILE_PATH`, else `~/.fluvio/config`). On
/// success `*out` owns the client.
///
/// Returns what `fluvio_client_config_load_profile` and
/// `fluvio_connect_with_config` return.
///
/// # Safety
/// `profile` must be NULL or a NUL-terminated string; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_connect_profile(profile: *const c_char, out: *mut *mut fluvio_client) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: NULL or NUL-terminated per the contract.
        let name = if profile.is_null() { None } else { Some(unsafe { c_str(profile, "profile") }?) };
        connect_out(&ClientConfig::from_profile(name)?, out)
    })
}

/// Connects and hands the client out through `out`.
pub(crate) fn connect_out(config: &ClientConfig, out: *mut *mut fluvio_client) -> Result<(), FfiError> {
    if out.is_null() {
        return Err(FfiError::invalid("out is NULL"));
    }
    let client = block_on(Client::connect_with(config))??;
    // SAFETY: checked for NULL above; the caller guarantees it is writable.
    unsafe { write_out(out, Box::into_raw(Box::new(fluvio_client { client })), "out") }
}
