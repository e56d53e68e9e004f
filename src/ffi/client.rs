//! Connecting, and topic admin.

use std::ffi::{c_char, CString};

use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::runtime::block_on;
use super::util::{c_str, handle, write_out};
use super::client_config::connect_out;
use crate::client::{Client, ClientConfig};

/// A connection to a Fluvio cluster (its SC, and SPUs as needed). Created
/// by `fluvio_connect`, freed by `fluvio_client_free`. Any thread may use
/// it, concurrently; producers and consumers made from it share its
/// connections and keep them alive.
pub struct fluvio_client {
    pub(crate) client: Client,
}

/// Topics and their partition counts, from `fluvio_topic_list`. Read-only;
/// any thread may read it. Freed by `fluvio_topic_list_free`.
pub struct fluvio_topic_list {
    topics: Vec<(CString, u32)>,
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

/// Creates `topic` with `partitions` partitions, each with `replication`
/// replicas, and waits until the cluster announced it (so a producer can be
/// created right after).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments; a name that is
/// empty, longer than 63 bytes, or not made of `a-z`, `0-9` and inner `-`;
/// zero partitions or replication), FLUVIO_ERR_TOPIC_EXISTS,
/// FLUVIO_ERR_SERVER (e.g. not enough SPUs for the replication), or a
/// connection error.
///
/// # Safety
/// `client` must be a live client; `topic` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_create(
    client: *mut fluvio_client,
    topic: *const c_char,
    partitions: u32,
    replication: u32,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, topic) = unsafe { (handle(client, "client")?, c_str(topic, "topic")?) };
        Ok(block_on(client.client.create_topic(topic, partitions, replication))??)
    })
}

/// Deletes `topic` and all its records.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name),
/// FLUVIO_ERR_TOPIC_NOT_FOUND, or a connection error.
///
/// # Safety
/// `client` must be a live client; `topic` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_delete(client: *mut fluvio_client, topic: *const c_char) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, topic) = unsafe { (handle(client, "client")?, c_str(topic, "topic")?) };
        Ok(block_on(client.client.delete_topic(topic))??)
    })
}

/// Lists the cluster's topics (system topics excluded). On success `*out`
/// owns the list: read it with `fluvio_topic_list_count`, `_name` and
/// `_partitions`, free it with `fluvio_topic_list_free`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments) or a connection error.
///
/// # Safety
/// `client` must be a live client; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list(client: *mut fluvio_client, out: *mut *mut fluvio_topic_list) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let client = unsafe { handle(client, "client")? };
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        let topics = block_on(client.client.list_topics())??
            .into_iter()
            .map(|t| (CString::new(t.name).unwrap_or_default(), t.partitions))
            .collect();
        // SAFETY: checked for NULL above.
        unsafe { write_out(out, Box::into_raw(Box::new(fluvio_topic_list { topics })), "out") }
    })
}

/// Number of topics in the list (0 if `list` is NULL).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list_count(list: *const fluvio_topic_list) -> usize {
    ffi_guard_value(0, || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { list.as_ref() }.map_or(0, |l| l.topics.len())
    })
}

/// Name of topic `index`, or NULL if `list` is NULL or `index` is out of
/// range. Owned by the list: valid until `fluvio_topic_list_free`.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list_name(list: *const fluvio_topic_list, index: usize) -> *const c_char {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { list.as_ref() }.and_then(|l| l.topics.get(index)).map_or(std::ptr::null(), |(name, _)| name.as_ptr())
    })
}

/// Partition count of topic `index`, or 0 if `list` is NULL or `index` is
/// out of range.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list_partitions(list: *const fluvio_topic_list, index: usize) -> u32 {
    ffi_guard_value(0, || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { list.as_ref() }.and_then(|l| l.topics.get(index)).map_or(0, |(_, partitions)| *partitions)
    })
}

/// Frees a topic list. NULL is a no-op.
///
/// # Safety
/// `list` must be NULL or from `fluvio_topic_list`, and not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list_free(list: *mut fluvio_topic_list) {
    ffi_guard_value((), || {
        if !list.is_null() {
            // SAFETY: a pointer from fluvio_topic_list, given back once.
            drop(unsafe { Box::from_raw(list) });
        }
    });
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
/// right after `fluvio_flush` returns counts every record it flushed. Any
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

/// Frees a string libfluvio handed to the caller (`fluvio_client_stats`).
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
