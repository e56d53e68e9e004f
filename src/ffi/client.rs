//! Connecting to a cluster, the client handle, its statistics, and the
//! cluster's platform version.

use std::ffi::c_char;

use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::util::{c_str, handle};
use super::client_config::connect_out;
use crate::client::{Client, ClientConfig};

/// A connection to a Fluvio cluster (its SC, and SPUs as needed). Created
/// by `fluvio_connect`, freed by `fluvio_client_free`. Any thread may use
/// it, concurrently; producers and consumers made from it share its
/// connections and keep them alive.
pub struct fluvio_client {
    pub(crate) client: Client,
}

/// Connects to the cluster whose SC listens at `endpoint` (`"host:port"`),
/// over plain TCP.
///
/// `endpoint` may be NULL, to connect as the official clients do: to the
/// endpoint in the `FLUVIO_ENDPOINT` environment variable if it is set;
/// else with the current profile of the Fluvio profile file
/// (`$FLV_PROFILE_PATH`, else `~/.fluvio/config`, if it exists: endpoint,
/// TLS, client id); else to `"127.0.0.1:9003"`. On success `*out` owns the
/// client: free it with `fluvio_client_free`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (out is NULL, endpoint empty or not
/// UTF-8, a malformed profile file: the message names it),
/// FLUVIO_ERR_CONNECTION (nothing listens there, or it is not a
/// Fluvio SC), FLUVIO_ERR_TIMEOUT (no answer within 15 s), or
/// FLUVIO_ERR_PROTOCOL (the peer does not speak Fluvio).
///
/// # Safety
/// `endpoint` must be NULL or a NUL-terminated string; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_connect(endpoint: *const c_char, out: *mut *mut fluvio_client) -> fluvio_status {
    ffi_guard(|| {
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        let config = if endpoint.is_null() {
            ClientConfig::from_environment()?
        } else {
            // SAFETY: non-NULL and NUL-terminated per the contract.
            ClientConfig::new(unsafe { c_str(endpoint, "endpoint") }?)
        };
        connect_out(&config, out)
    })
}

/// Frees a client. Producers, consumers and streams made from it keep
/// working until they are freed themselves. NULL is a no-op.
///
/// # Safety
/// `client` must be NULL or from `fluvio_connect`, and not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_free(client: *mut fluvio_client) {
    if !client.is_null() {
        // SAFETY: a pointer from fluvio_connect, given back once.
        let client = unsafe { Box::from_raw(client) };
        // Dropping closes connections on the runtime; do it outside any C lock.
        let _ = ffi_guard(move || {
            drop(client);
            Ok(())
        });
    }
}

/// Writes a snapshot of the client's statistics to `*json` as a JSON
/// object, NUL-terminated, owned by the caller: free it with
/// `fluvio_string_free`. Its fields (`"version": 1`; later versions only
/// add fields):
///
/// - `producer`: of every producer of this client: `records` and `bytes`
///   (key + value) acknowledged, `batches`, `batch_bytes_uncompressed` and
///   `batch_bytes_compressed` on the wire and their `compression_ratio`,
///   `failed_records`, `retries` (batches sent again), the gauges
///   `requests_in_flight` and `queued_records` (sent, not yet acknowledged
///   or failed), and `requests` with `latency_us` percentiles (`p50`, `p90`,
///   `p99`, `max`) of produce round trips, each the upper bound of a bucket
///   (within 19 %);
/// - `consumer`: `records` and `bytes` received by this client's streams,
///   and `partitions`: for each partition of every open stream, `topic`,
///   `partition`, `position` (the next offset the application will read),
///   `high_watermark` (the last the SPU reported) and `lag` (their
///   difference);
/// - `reconnects`: connections to the SC or an SPU made again after a drop.
///
/// Counters are updated as batches and frames complete, so a snapshot taken
/// right after `fluvio_producer_flush` returns counts every record it flushed. Any
/// thread may call this.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `client` or `json` is NULL.
///
/// # Safety
/// `client` must be a live client; `json` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_stats(client: *const fluvio_client, json: *mut *mut c_char) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let client = unsafe { handle(client, "client")? };
        if json.is_null() {
            return Err(FfiError::invalid("json is NULL"));
        }
        let text = std::ffi::CString::new(client.client.stats().to_json()).unwrap_or_default();
        // SAFETY: checked for NULL above.
        unsafe { json.write(text.into_raw()) };
        Ok(())
    })
}

/// The platform version of the cluster (e.g. "0.18.1"), as its SC reported
/// it when the client last connected. On success `*version` owns the
/// string: free it with `fluvio_string_free`. Any thread may call this.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `client` or `version` is NULL.
///
/// # Safety
/// `client` must be a live client; `version` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_client_platform_version(client: *const fluvio_client, version: *mut *mut c_char) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let client = unsafe { handle(client, "client")? };
        let text = super::util::c_string(&client.client.platform_version()).into_raw();
        // SAFETY: writable per the contract; NULL is refused.
        unsafe { super::util::write_out(version, text, "version") }.inspect_err(|_| {
            // SAFETY: the string was just made by into_raw and not handed out.
            drop(unsafe { std::ffi::CString::from_raw(text) });
        })
    })
}

/// Frees a string libfluvio handed to the caller (`fluvio_client_stats`,
/// `fluvio_client_platform_version`).
/// NULL is a no-op.
///
/// # Safety
/// `s` must be NULL or such a string, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_string_free(s: *mut c_char) {
    ffi_guard_value((), || {
        if !s.is_null() {
            // SAFETY: a pointer from CString::into_raw, given back once.
            drop(unsafe { std::ffi::CString::from_raw(s) });
        }
    });
}
