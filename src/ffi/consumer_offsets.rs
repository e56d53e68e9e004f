//! Stored consumer offsets: listing and deleting what named consumers
//! committed (the official clients' `consumer_offsets` and
//! `delete_consumer_offset`).

use std::ffi::{c_char, CString};

use super::client::fluvio_client;
use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::runtime::block_on;
use super::util::{c_str, handle, write_out};
use crate::client::StoredConsumerOffset;

/// A list of stored consumer offsets, from `fluvio_consumer_offset_list`,
/// owned by the caller until `fluvio_consumer_offset_list_free`. Any thread
/// may read it.
pub struct fluvio_consumer_offset_list {
    entries: Vec<ListedOffset>,
}

struct ListedOffset {
    consumer_id: CString,
    topic: CString,
    offset: StoredConsumerOffset,
}

/// Lists the offsets the cluster stores for named consumers, one entry per
/// consumer and partition, optionally only those of `consumer_id` and/or of
/// `topic` (NULL: any). On success `*out` owns the list.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL `client` or `out`, a filter
/// that is not UTF-8), FLUVIO_ERR_SERVER (e.g. the cluster keeps no
/// consumer offsets), or a connection error.
///
/// # Safety
/// `client` must be a live client; `consumer_id` and `topic` NULL or
/// NUL-terminated strings; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_offset_list(
    client: *mut fluvio_client,
    consumer_id: *const c_char,
    topic: *const c_char,
    out: *mut *mut fluvio_consumer_offset_list,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let client = unsafe { handle(client, "client")? };
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        // SAFETY: NULL or NUL-terminated per the contract.
        let consumer_id = if consumer_id.is_null() { None } else { Some(unsafe { c_str(consumer_id, "consumer_id") }?) };
        // SAFETY: as above.
        let topic = if topic.is_null() { None } else { Some(unsafe { c_str(topic, "topic") }?) };
        let entries = block_on(client.client.consumer_offsets(consumer_id, None))??
            .into_iter()
            .filter(|o| topic.is_none_or(|t| o.topic == t))
            .map(|offset| ListedOffset {
                consumer_id: CString::new(offset.consumer_id.clone()).unwrap_or_default(),
                topic: CString::new(offset.topic.clone()).unwrap_or_default(),
                offset,
            })
            .collect();
        // SAFETY: checked for NULL above.
        unsafe { write_out(out, Box::into_raw(Box::new(fluvio_consumer_offset_list { entries })), "out") }
    })
}

/// # Safety
/// `list` must be NULL or a live list.
unsafe fn entry<'a>(list: *const fluvio_consumer_offset_list, index: usize) -> Option<&'a ListedOffset> {
    // SAFETY: NULL-checked; live per the contract.
    unsafe { list.as_ref() }.and_then(|l| l.entries.get(index))
}

/// The number of entries (0 if `list` is NULL).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_offset_list_count(list: *const fluvio_consumer_offset_list) -> usize {
    ffi_guard_value(0, || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { list.as_ref() }.map_or(0, |l| l.entries.len())
    })
}

/// The consumer id of entry `index`, or NULL if `list` is NULL or `index`
/// is out of range. Owned by the list: valid until
/// `fluvio_consumer_offset_list_free`.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_offset_list_consumer_id(list: *const fluvio_consumer_offset_list, index: usize) -> *const c_char {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { entry(list, index) }.map_or(std::ptr::null(), |e| e.consumer_id.as_ptr())
    })
}

/// The topic of entry `index`, or NULL if `list` is NULL or `index` is out
/// of range. Owned by the list: valid until `fluvio_consumer_offset_list_free`.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_offset_list_topic(list: *const fluvio_consumer_offset_list, index: usize) -> *const c_char {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { entry(list, index) }.map_or(std::ptr::null(), |e| e.topic.as_ptr())
    })
}

/// The partition of entry `index` (0 if `list` is NULL or `index` is out of range).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_offset_list_partition(list: *const fluvio_consumer_offset_list, index: usize) -> u32 {
    ffi_guard_value(0, || {
        // SAFETY: per the contract.
        unsafe { entry(list, index) }.map_or(0, |e| e.offset.partition)
    })
}

/// The offset of the last record the consumer of entry `index` committed:
/// it resumes at the next one (-1 if `list` is NULL or `index` is out of
/// range).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_offset_list_offset(list: *const fluvio_consumer_offset_list, index: usize) -> i64 {
    ffi_guard_value(-1, || {
        // SAFETY: per the contract.
        unsafe { entry(list, index) }.map_or(-1, |e| e.offset.offset)
    })
}

/// When entry `index` was last committed, in seconds since the Unix epoch
/// (0 if `list` is NULL or `index` is out of range).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_offset_list_modified_time(list: *const fluvio_consumer_offset_list, index: usize) -> u64 {
    ffi_guard_value(0, || {
        // SAFETY: per the contract.
        unsafe { entry(list, index) }.map_or(0, |e| e.offset.modified_time)
    })
}

/// Frees a list. NULL is a no-op.
///
/// # Safety
/// `list` must be NULL or from `fluvio_consumer_offset_list`, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_offset_list_free(list: *mut fluvio_consumer_offset_list) {
    ffi_guard_value((), || {
        if !list.is_null() {
            // SAFETY: a pointer from fluvio_consumer_offset_list, given back once.
            drop(unsafe { Box::from_raw(list) });
        }
    });
}

/// Deletes the offset stored for `consumer_id` in `topic`'s `partition`: a
/// consumer with that id starts afresh there. Deleting an offset that is
/// not stored is success.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, an empty consumer
/// id, an invalid topic name), FLUVIO_ERR_SERVER, or a connection error.
///
/// # Safety
/// `client` must be a live client; `consumer_id` and `topic` NUL-terminated
/// strings.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_offset_delete(
    client: *mut fluvio_client,
    consumer_id: *const c_char,
    topic: *const c_char,
    partition: u32,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, consumer_id, topic) =
            unsafe { (handle(client, "client")?, c_str(consumer_id, "consumer_id")?, c_str(topic, "topic")?) };
        Ok(block_on(client.client.delete_consumer_offset(consumer_id, topic, partition))??)
    })
}
