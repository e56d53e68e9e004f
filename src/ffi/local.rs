//! The embedded cluster: an SC and its SPUs in this process, on 127.0.0.1,
//! speaking the real Fluvio protocol, durable on local disk. Any Fluvio
//! client can connect to it. Its fault-injection aids for tests are in
//! `fluvio_testing.h`.

use std::ffi::{c_char, CStr, CString};
use std::path::PathBuf;

use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::runtime::block_on;
use super::client_config::pem_arg;
use super::util::limit_setting;
use crate::local::{ClusterConfig, LocalCluster, ServerTls};

/// Settings for `fluvio_local_cluster_start`. Create with
/// `fluvio_local_config_new`, free with `fluvio_local_config_free`. Not
/// thread-safe: configure it from one thread at a time.
pub struct fluvio_local_config {
    data_dir: Option<PathBuf>,
    port: u16,
    spus: u16,
    tls: Option<ServerTls>,
    smartmodule_timeout: std::time::Duration,
    smartmodule_fuel: u64,
}

impl Default for fluvio_local_config {
    fn default() -> Self {
        let cluster = ClusterConfig::new("");
        fluvio_local_config {
            data_dir: None,
            port: 0,
            spus: 1,
            tls: None,
            smartmodule_timeout: cluster.smartmodule_timeout,
            smartmodule_fuel: cluster.smartmodule_fuel,
        }
    }
}

/// A running embedded cluster (an SC and its SPUs on 127.0.0.1), from
/// `fluvio_local_cluster_start`, owned by the caller until
/// `fluvio_local_cluster_stop`. Any thread may use it.
pub struct fluvio_local_cluster {
    pub(super) cluster: Option<LocalCluster>,
    endpoint: CString,
    /// The temporary data directory to remove on stop, when none was given.
    temp_dir: Option<PathBuf>,
}

/// Creates a configuration with the defaults: a fresh temporary data
/// directory (removed on stop), a free SC port, 1 SPU.
///
/// Returns NULL only if memory is exhausted. Free it with
/// `fluvio_local_config_free`.
#[no_mangle]
pub extern "C" fn fluvio_local_config_new() -> *mut fluvio_local_config {
    ffi_guard_value(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(fluvio_local_config::default()))
    })
}

/// Frees a configuration. NULL is a no-op.
///
/// # Safety
/// `config` must come from `fluvio_local_config_new` and not be used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_config_free(config: *mut fluvio_local_config) {
    ffi_guard_value((), || {
        if !config.is_null() {
            // SAFETY: the caller passes a pointer from fluvio_local_config_new, once.
            drop(unsafe { Box::from_raw(config) });
        }
    });
}

/// Sets the data directory (created if missing; kept on stop). The string
/// is copied.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL arguments or an empty or
/// non-UTF-8 path.
///
/// # Safety
/// `config` must be a live configuration; `dir` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_config_set_data_dir(config: *mut fluvio_local_config, dir: *const c_char) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: checked for NULL; the caller guarantees it is live.
        let config = unsafe { config.as_mut() }.ok_or_else(|| FfiError::invalid("config is NULL"))?;
        if dir.is_null() {
            return Err(FfiError::invalid("data directory is NULL"));
        }
        // SAFETY: non-NULL and NUL-terminated per the contract.
        let dir = unsafe { CStr::from_ptr(dir) }.to_str().map_err(|_| FfiError::invalid("data directory is not UTF-8"))?;
        if dir.is_empty() {
            return Err(FfiError::invalid("data directory is empty"));
        }
        config.data_dir = Some(PathBuf::from(dir));
        Ok(())
    })
}

/// Sets the SC port (0, the default, picks a free one).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_config_set_port(config: *mut fluvio_local_config, port: u16) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: checked for NULL; the caller guarantees it is live.
        let config = unsafe { config.as_mut() }.ok_or_else(|| FfiError::invalid("config is NULL"))?;
        config.port = port;
        Ok(())
    })
}

/// Sets the number of SPUs (1 to 64; default 1). With several SPUs the
/// partitions' leaders are spread over them.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `spus` is out
/// of range.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_config_set_spus(config: *mut fluvio_local_config, spus: u16) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: checked for NULL; the caller guarantees it is live.
        let config = unsafe { config.as_mut() }.ok_or_else(|| FfiError::invalid("config is NULL"))?;
        if !(1..=64).contains(&spus) {
            return Err(FfiError::invalid(format!("SPU count {spus} is not between 1 and 64")));
        }
        config.spus = spus;
        Ok(())
    })
}

/// Bounds every call into a SmartModule the cluster runs (a transform on
/// one batch, `init`, `look_back`, `alloc`):
/// - `timeout_ms`: wall-clock time (default 10000; -1: without limit, as on
///   a real SPU). A call still running
///   then fails its stream (or produce request) with FLUVIO_ERR_SMARTMODULE;
/// - `fuel`: units of work, one per function call and per loop iteration
///   of the module (default 4294967296, a few seconds of a tight loop). A
///   call that spends it traps: its stream fails the same way, and the
///   thread that ran it is free again.
///
/// A real SPU gives every call practically unlimited fuel and no timeout:
/// a module that loops there stalls its stream for good.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or either bound
/// is 0.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_config_set_smartmodule_limits(
    config: *mut fluvio_local_config,
    timeout_ms: i32,
    fuel: u64,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: checked for NULL; the caller guarantees it is live.
        let config = unsafe { config.as_mut() }.ok_or_else(|| FfiError::invalid("config is NULL"))?;
        if timeout_ms == 0 || fuel == 0 {
            return Err(FfiError::invalid("a SmartModule call needs a timeout and fuel above 0"));
        }
        config.smartmodule_timeout = limit_setting(timeout_ms);
        config.smartmodule_fuel = fuel;
        Ok(())
    })
}

/// Serves TLS on the SC and every SPU: `cert` is the server's certificate
/// chain and `key` its private key; with `client_ca` (NULL: anonymous
/// clients welcome) every client must present a certificate signed by that
/// CA. Each is PEM text (starting with "-----BEGIN") or the path of a PEM
/// file, read by `fluvio_local_cluster_start`. Copied. Meant for tests and
/// single-machine deployments that must still encrypt.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL `config`, `cert` or `key`,
/// or an empty argument.
///
/// # Safety
/// `config` must be a live configuration; `cert` and `key` NUL-terminated
/// strings; `client_ca` NULL or one.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_config_set_tls(
    config: *mut fluvio_local_config,
    cert: *const c_char,
    key: *const c_char,
    client_ca: *const c_char,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: checked for NULL; the caller guarantees it is live.
        let config = unsafe { config.as_mut() }.ok_or_else(|| FfiError::invalid("config is NULL"))?;
        // SAFETY: NUL-terminated strings (or NULL for client_ca) per the contract.
        let (cert, key) = unsafe { (pem_arg(cert, "server certificate")?, pem_arg(key, "server key")?) };
        // SAFETY: as above.
        let client_ca = if client_ca.is_null() { None } else { Some(unsafe { pem_arg(client_ca, "client CA certificate") }?) };
        config.tls = Some(ServerTls { cert, key, client_ca });
        Ok(())
    })
}

/// Starts an embedded cluster and waits until it serves.
///
/// `config` may be NULL for the defaults; it is only read, and may be freed
/// right after. On success `*out` owns the cluster: stop it with
/// `fluvio_local_cluster_stop`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `out` is NULL or the TLS
/// certificate or key cannot be used (the message names which),
/// FLUVIO_ERR_IO if a port cannot be bound or the data directory cannot be
/// used.
///
/// # Safety
/// `config` must be NULL or a live configuration; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_cluster_start(
    config: *const fluvio_local_config,
    out: *mut *mut fluvio_local_cluster,
) -> fluvio_status {
    ffi_guard(|| {
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        // SAFETY: NULL means defaults; otherwise the caller guarantees it is live.
        let defaults = fluvio_local_config::default();
        let config = unsafe { config.as_ref() }.unwrap_or(&defaults);
        let (data_dir, temp_dir) = match &config.data_dir {
            Some(dir) => (dir.clone(), None),
            None => {
                let dir = temp_data_dir().map_err(|e| FfiError::new(fluvio_status::FLUVIO_ERR_IO, format!("creating a temporary data directory: {e}")))?;
                (dir.clone(), Some(dir))
            }
        };
        let mut cluster_config = ClusterConfig::new(&data_dir);
        cluster_config.sc_port = config.port;
        cluster_config.spus = config.spus;
        cluster_config.tls = config.tls.clone();
        cluster_config.smartmodule_timeout = config.smartmodule_timeout;
        cluster_config.smartmodule_fuel = config.smartmodule_fuel;
        let cluster = block_on(LocalCluster::start(cluster_config))?.map_err(|e| {
            // Unusable TLS files are the caller's arguments; the rest is I/O.
            let status = match e.kind() {
                std::io::ErrorKind::InvalidInput => fluvio_status::FLUVIO_ERR_INVALID_ARGUMENT,
                _ => fluvio_status::FLUVIO_ERR_IO,
            };
            FfiError::new(status, format!("starting the local cluster in {}: {e}", data_dir.display()))
        })?;
        let endpoint = CString::new(cluster.endpoint()).expect("an address has no NUL");
        let handle = Box::new(fluvio_local_cluster { cluster: Some(cluster), endpoint, temp_dir });
        // SAFETY: checked for NULL above.
        unsafe { *out = Box::into_raw(handle) };
        Ok(())
    })
}

fn temp_data_dir() -> std::io::Result<PathBuf> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    loop {
        let dir = std::env::temp_dir().join(format!(
            "fluvio-local-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // A directory left by a process that died with the same PID holds
        // its topics: not fresh, so take the next name.
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// The SC endpoint of a running cluster, as `"127.0.0.1:PORT"`: pass it to
/// `fluvio_connect`.
///
/// Returns NULL if `cluster` is NULL. The string is owned by the cluster and
/// valid until `fluvio_local_cluster_stop`. Any thread may call this.
///
/// # Safety
/// `cluster` must be NULL or a live cluster.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_cluster_endpoint(cluster: *const fluvio_local_cluster) -> *const c_char {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: NULL-checked; the caller guarantees it is live.
        match unsafe { cluster.as_ref() } {
            Some(cluster) => cluster.endpoint.as_ptr(),
            None => std::ptr::null(),
        }
    })
}

/// Stops the cluster: closes every connection, syncs every log to disk and
/// frees the handle (and removes the data directory if it was a temporary
/// one). NULL is a no-op that returns FLUVIO_OK.
///
/// Returns FLUVIO_ERR_IO if the logs could not be synced (the handle is
/// freed all the same).
///
/// # Safety
/// `cluster` must be NULL or a live cluster, not used after this call.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_cluster_stop(cluster: *mut fluvio_local_cluster) -> fluvio_status {
    if cluster.is_null() {
        return fluvio_status::FLUVIO_OK;
    }
    // SAFETY: a pointer from fluvio_local_cluster_start, given back once.
    let mut handle = unsafe { Box::from_raw(cluster) };
    ffi_guard(move || {
        let stopped = match handle.cluster.take() {
            Some(cluster) => block_on(cluster.stop())?,
            None => Ok(()),
        };
        if let Some(dir) = handle.temp_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        stopped.map_err(|e| FfiError::new(fluvio_status::FLUVIO_ERR_IO, format!("stopping the local cluster: {e}")))
    })
}

// Test aids: faults injected into a running cluster, to see how a client
// rides through them. Not for production use.
