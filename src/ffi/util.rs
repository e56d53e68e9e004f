//! Helpers shared by the exported functions: turning C arguments into Rust
//! values (with a clear error for each misuse) and client errors into
//! statuses.

use std::ffi::{c_char, CStr};
use std::time::Duration;

use super::error::{fluvio_status, FfiError};
use crate::client::ClientError;

/// A required C string argument as UTF-8.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that stays valid
/// for `'a`.
pub(crate) unsafe fn c_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::invalid(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    unsafe { CStr::from_ptr(ptr) }.to_str().map_err(|_| FfiError::invalid(format!("{what} is not valid UTF-8")))
}

/// A byte buffer argument; NULL with length 0 is the empty slice.
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes valid for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8], FfiError> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(FfiError::invalid(format!("{what} is NULL but its length is {len}"))) };
    }
    if len > isize::MAX as usize {
        return Err(FfiError::invalid(format!("{what} length {len} is impossibly large")));
    }
    // SAFETY: non-NULL, `len` readable bytes per the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A handle argument that must not be NULL.
///
/// # Safety
/// `ptr` must be NULL or a live handle of type `T`, not mutably aliased for `'a`.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, FfiError> {
    // SAFETY: NULL is checked; otherwise live per the caller's contract.
    unsafe { ptr.as_ref() }.ok_or_else(|| FfiError::invalid(format!("{what} is NULL")))
}

/// Runs `f` on a settings object (a `*_config`) that must not be NULL,
/// behind the panic boundary.
///
/// # Safety
/// `config` must be NULL or a live object not used by another thread.
pub(crate) unsafe fn with_config_object<T>(config: *mut T, f: impl FnOnce(&mut T) -> Result<(), FfiError>) -> fluvio_status {
    super::error::ffi_guard(|| {
        // SAFETY: NULL-checked; live and unshared per the contract.
        let config = unsafe { config.as_mut() }.ok_or_else(|| FfiError::invalid("config is NULL"))?;
        f(config)
    })
}

/// Writes an out-parameter after checking it is not NULL.
///
/// # Safety
/// `out` must be NULL or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T, what: &str) -> Result<(), FfiError> {
    if out.is_null() {
        return Err(FfiError::invalid(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and writable per the caller's contract.
    unsafe { out.write(value) };
    Ok(())
}

/// An optional C string argument: NULL is None.
///
/// # Safety
/// As `c_str`.
pub(crate) unsafe fn optional_c_str<'a>(ptr: *const c_char, what: &str) -> Result<Option<&'a str>, FfiError> {
    // SAFETY: per the caller's contract.
    if ptr.is_null() { Ok(None) } else { unsafe { c_str(ptr, what) }.map(Some) }
}

/// Hands a new list handle to the caller through `out`.
///
/// # Safety
/// `out` must be NULL or valid for a write.
pub(crate) unsafe fn write_list<T>(out: *mut *mut T, list: T) -> Result<(), FfiError> {
    if out.is_null() {
        return Err(FfiError::invalid("out is NULL"));
    }
    // SAFETY: checked for NULL above; writable per the contract.
    unsafe { write_out(out, Box::into_raw(Box::new(list)), "out") }
}

/// Item `index` of a list handle, or None when `list` is NULL or `index`
/// is out of range.
///
/// # Safety
/// `list` must be NULL or a live list that outlives `'a`.
pub(crate) unsafe fn list_item<'a, L: 'a, T>(list: *const L, index: usize, items: impl FnOnce(&'a L) -> &'a [T]) -> Option<&'a T> {
    // SAFETY: NULL-checked; live per the contract.
    unsafe { list.as_ref() }.and_then(|l| items(l).get(index))
}

/// Frees a handle made by `Box::into_raw`; NULL is a no-op.
///
/// # Safety
/// `ptr` must be NULL or a pointer from `Box::into_raw`, given back once.
pub(crate) unsafe fn free_boxed<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: per the contract.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// A Rust string as an owned C string, any NUL in it dropped.
pub(crate) fn c_string(text: &str) -> std::ffi::CString {
    std::ffi::CString::new(text.replace('\0', "")).unwrap_or_default()
}

/// `timeout_ms` as a timeout: negative means none.
pub(crate) fn timeout(timeout_ms: i32) -> Option<Duration> {
    u64::try_from(timeout_ms).ok().map(Duration::from_millis)
}

/// What a setting's -1 ("no limit") becomes: far enough never to come, near
/// enough that adding it to an `Instant` cannot overflow (as tokio's own
/// far future).
pub(crate) const NO_LIMIT: Duration = Duration::from_secs(30 * 365 * 24 * 3600);

/// A time limit setting in milliseconds: negative is no limit.
pub(crate) fn limit_setting(ms: i32) -> Duration {
    timeout(ms).unwrap_or(NO_LIMIT)
}

impl From<ClientError> for FfiError {
    fn from(e: ClientError) -> Self {
        let status = match &e {
            ClientError::InvalidArgument(_) => fluvio_status::FLUVIO_ERR_INVALID_ARGUMENT,
            ClientError::Connection(_) => fluvio_status::FLUVIO_ERR_CONNECTION,
            ClientError::Timeout(_) => fluvio_status::FLUVIO_ERR_TIMEOUT,
            ClientError::Protocol(_) => fluvio_status::FLUVIO_ERR_PROTOCOL,
            ClientError::Server { code, .. } if code.is_smartmodule_error() => fluvio_status::FLUVIO_ERR_SMARTMODULE,
            ClientError::Server { .. } => fluvio_status::FLUVIO_ERR_SERVER,
            ClientError::TopicNotFound(_) => fluvio_status::FLUVIO_ERR_TOPIC_NOT_FOUND,
            ClientError::TopicExists(_) => fluvio_status::FLUVIO_ERR_TOPIC_EXISTS,
            ClientError::RecordTooLarge { .. } => fluvio_status::FLUVIO_ERR_RECORD_TOO_LARGE,
            ClientError::QueueFull => fluvio_status::FLUVIO_ERR_QUEUE_FULL,
            ClientError::Closed => fluvio_status::FLUVIO_ERR_CLOSED,
            ClientError::Panic(_) => fluvio_status::FLUVIO_ERR_PANIC,
        };
        FfiError { status, message: e.to_string(), code: e.code(), retriable: e.is_retriable() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_limit_is_no_limit_and_safe_to_wait_on() {
        assert_eq!(limit_setting(-1), NO_LIMIT);
        assert_eq!(limit_setting(i32::MIN), NO_LIMIT);
        assert_eq!(limit_setting(0), Duration::ZERO);
        assert_eq!(limit_setting(1500), Duration::from_millis(1500));
        // A deadline that far away neither overflows an Instant nor trips
        // tokio's timer: the wait ends with what it waited for.
        assert!(std::time::Instant::now().checked_add(NO_LIMIT).is_some());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let answer = runtime.block_on(async { tokio::time::timeout(NO_LIMIT, async { 42 }).await });
        assert_eq!(answer.ok(), Some(42));
    }
}
