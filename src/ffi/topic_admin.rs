//! Topic admin: creating, deleting and listing topics.

use std::ffi::{c_char, CString};

use super::client::fluvio_client;
use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::runtime::block_on;
use super::util::{c_str, handle, write_out};

/// Topics and their partition counts, from `fluvio_topic_list`. Read-only;
/// any thread may read it. Freed by `fluvio_topic_list_free`.
pub struct fluvio_topic_list {
    topics: Vec<(CString, u32)>,
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
