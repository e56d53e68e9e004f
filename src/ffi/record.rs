//! Records a stream yields: key, value (also as a C string), offset,
//! partition and timestamp.

use std::ffi::c_char;

use super::error::ffi_guard_value;
use crate::consumer::ConsumerRecord;

/// A consumed record, from `fluvio_stream_next` or
/// `fluvio_stream_next_batch`, owned by the caller until
/// `fluvio_record_free`. Any thread may read it.
pub struct fluvio_record {
    /// Its value followed by a NUL byte (see `fluvio_record::new`).
    record: ConsumerRecord,
}

impl fluvio_record {
    /// Terminates the value with a NUL, for `fluvio_record_value_str`: in
    /// place, as decoded values keep a spare byte for it.
    pub(super) fn new(mut record: ConsumerRecord) -> Self {
        record.value.push(0);
        fluvio_record { record }
    }

    /// The value, without its NUL.
    fn value(&self) -> &[u8] {
        &self.record.value[..self.record.value.len() - 1]
    }
}

/// # Safety
/// `record` must be NULL or a live record.
unsafe fn record_ref<'a>(record: *const fluvio_record) -> Option<&'a fluvio_record> {
    // SAFETY: NULL-checked; live per the contract.
    unsafe { record.as_ref() }
}

/// The record's key and its length in `*len` (if `len` is not NULL), or
/// NULL (and 0) when the record has no key. Owned by the record: valid
/// until `fluvio_record_free`.
///
/// # Safety
/// `record` must be NULL or a live record; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_key(record: *const fluvio_record, len: *mut usize) -> *const std::ffi::c_void {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: per the contract.
        let key = unsafe { record_ref(record) }.and_then(|r| r.record.key.as_deref());
        if !len.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { len.write(key.map_or(0, <[u8]>::len)) };
        }
        key.map_or(std::ptr::null(), |k| k.as_ptr().cast())
    })
}

/// The record's value and its length in `*len` (if `len` is not NULL). The
/// bytes are followed by a NUL byte not counted in the length. Owned by the
/// record: valid until `fluvio_record_free`. NULL if `record` is NULL.
///
/// # Safety
/// `record` must be NULL or a live record; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_value(record: *const fluvio_record, len: *mut usize) -> *const std::ffi::c_void {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: per the contract.
        let record = unsafe { record_ref(record) };
        if !len.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { len.write(record.map_or(0, |r| r.value().len())) };
        }
        record.map_or(std::ptr::null(), |r| r.record.value.as_ptr().cast())
    })
}

/// The record's value as a C string (it stops at the first NUL byte if the
/// value contains one). Owned by the record: valid until
/// `fluvio_record_free`. NULL if `record` is NULL.
///
/// # Safety
/// `record` must be NULL or a live record.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_value_str(record: *const fluvio_record) -> *const c_char {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { record_ref(record) }.map_or(std::ptr::null(), |r| r.record.value.as_ptr().cast())
    })
}

/// The record's offset in its partition (-1 if `record` is NULL).
///
/// # Safety
/// `record` must be NULL or a live record.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_offset(record: *const fluvio_record) -> i64 {
    ffi_guard_value(-1, || {
        // SAFETY: per the contract.
        unsafe { record_ref(record) }.map_or(-1, |r| r.record.offset)
    })
}

/// The record's partition (0 if `record` is NULL).
///
/// # Safety
/// `record` must be NULL or a live record.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_partition(record: *const fluvio_record) -> u32 {
    ffi_guard_value(0, || {
        // SAFETY: per the contract.
        unsafe { record_ref(record) }.map_or(0, |r| r.record.partition)
    })
}

/// When the record was produced, in milliseconds since the Unix epoch, or
/// -1 when unknown (or `record` is NULL).
///
/// # Safety
/// `record` must be NULL or a live record.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_timestamp(record: *const fluvio_record) -> i64 {
    ffi_guard_value(-1, || {
        // SAFETY: per the contract.
        unsafe { record_ref(record) }.map_or(-1, |r| r.record.timestamp)
    })
}

/// Frees a record. NULL is a no-op.
///
/// # Safety
/// `record` must be NULL or from `fluvio_stream_next` or
/// `fluvio_stream_next_batch`, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_free(record: *mut fluvio_record) {
    ffi_guard_value((), || {
        if !record.is_null() {
            // SAFETY: a pointer from fluvio_stream_next(_batch), given back once.
            drop(unsafe { Box::from_raw(record) });
        }
    });
}
