//! Status codes, the thread-local last-error message, and the panic boundary.

use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The result of every fallible libfluvio function. `FLUVIO_OK` is 0; on any
/// other value, `fluvio_last_error()` describes what went wrong on this
/// thread. New codes are only ever added at the end.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum fluvio_status {
    /// Success.
    FLUVIO_OK = 0,
    /// An argument was NULL, empty, out of range or otherwise unusable.
    FLUVIO_ERR_INVALID_ARGUMENT = 1,
    /// The operation did not complete within its timeout.
    FLUVIO_ERR_TIMEOUT = 2,
    /// The cluster could not be reached, or the connection was lost.
    FLUVIO_ERR_CONNECTION = 3,
    /// A peer sent bytes that break the Fluvio protocol.
    FLUVIO_ERR_PROTOCOL = 4,
    /// The cluster answered with an error code (see the message).
    FLUVIO_ERR_SERVER = 5,
    /// The topic does not exist.
    FLUVIO_ERR_TOPIC_NOT_FOUND = 6,
    /// The topic already exists.
    FLUVIO_ERR_TOPIC_EXISTS = 7,
    /// A record is larger than the producer's maximum request size.
    FLUVIO_ERR_RECORD_TOO_LARGE = 8,
    /// The producer's queue is full and it was configured not to block.
    FLUVIO_ERR_QUEUE_FULL = 9,
    /// The handle (or the client it belongs to) was closed.
    FLUVIO_ERR_CLOSED = 10,
    /// A local I/O operation (file, socket setup) failed.
    FLUVIO_ERR_IO = 11,
    /// A bug inside libfluvio was caught before it could unwind into C.
    FLUVIO_ERR_PANIC = 12,
    /// Not an error: a non-continuous stream delivered every record it was
    /// opened for.
    FLUVIO_END_OF_STREAM = 13,
    /// A SmartModule failed: it could not be found or loaded, it trapped, or
    /// it returned an error. The message is the module's own, with the offset
    /// of the record that failed.
    FLUVIO_ERR_SMARTMODULE = 14,
}

impl fluvio_status {
    /// The constant's name, as it appears in the header.
    pub fn name(self) -> &'static str {
        match self {
            fluvio_status::FLUVIO_OK => "FLUVIO_OK",
            fluvio_status::FLUVIO_ERR_INVALID_ARGUMENT => "FLUVIO_ERR_INVALID_ARGUMENT",
            fluvio_status::FLUVIO_ERR_TIMEOUT => "FLUVIO_ERR_TIMEOUT",
            fluvio_status::FLUVIO_ERR_CONNECTION => "FLUVIO_ERR_CONNECTION",
            fluvio_status::FLUVIO_ERR_PROTOCOL => "FLUVIO_ERR_PROTOCOL",
            fluvio_status::FLUVIO_ERR_SERVER => "FLUVIO_ERR_SERVER",
            fluvio_status::FLUVIO_ERR_TOPIC_NOT_FOUND => "FLUVIO_ERR_TOPIC_NOT_FOUND",
            fluvio_status::FLUVIO_ERR_TOPIC_EXISTS => "FLUVIO_ERR_TOPIC_EXISTS",
            fluvio_status::FLUVIO_ERR_RECORD_TOO_LARGE => "FLUVIO_ERR_RECORD_TOO_LARGE",
            fluvio_status::FLUVIO_ERR_QUEUE_FULL => "FLUVIO_ERR_QUEUE_FULL",
            fluvio_status::FLUVIO_ERR_CLOSED => "FLUVIO_ERR_CLOSED",
            fluvio_status::FLUVIO_ERR_IO => "FLUVIO_ERR_IO",
            fluvio_status::FLUVIO_ERR_PANIC => "FLUVIO_ERR_PANIC",
            fluvio_status::FLUVIO_END_OF_STREAM => "FLUVIO_END_OF_STREAM",
            fluvio_status::FLUVIO_ERR_SMARTMODULE => "FLUVIO_ERR_SMARTMODULE",
        }
    }

    const ALL: [fluvio_status; 15] = [
        fluvio_status::FLUVIO_OK,
        fluvio_status::FLUVIO_ERR_INVALID_ARGUMENT,
        fluvio_status::FLUVIO_ERR_TIMEOUT,
        fluvio_status::FLUVIO_ERR_CONNECTION,
        fluvio_status::FLUVIO_ERR_PROTOCOL,
        fluvio_status::FLUVIO_ERR_SERVER,
        fluvio_status::FLUVIO_ERR_TOPIC_NOT_FOUND,
        fluvio_status::FLUVIO_ERR_TOPIC_EXISTS,
        fluvio_status::FLUVIO_ERR_RECORD_TOO_LARGE,
        fluvio_status::FLUVIO_ERR_QUEUE_FULL,
        fluvio_status::FLUVIO_ERR_CLOSED,
        fluvio_status::FLUVIO_ERR_IO,
        fluvio_status::FLUVIO_ERR_PANIC,
        fluvio_status::FLUVIO_END_OF_STREAM,
        fluvio_status::FLUVIO_ERR_SMARTMODULE,
    ];
}

/// A failure on its way to C: a status and the message for `fluvio_last_error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FfiError {
    pub status: fluvio_status,
    pub message: String,
}

impl FfiError {
    pub fn new(status: fluvio_status, message: impl Into<String>) -> Self {
        FfiError { status, message: message.into() }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        FfiError::new(fluvio_status::FLUVIO_ERR_INVALID_ARGUMENT, message)
    }
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error (interior NULs are replaced).
pub(crate) fn set_last_error(message: &str) {
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|cell| *cell.borrow_mut() = text);
}

/// Runs the body of an exported function: a returned error or a caught panic
/// becomes a status plus this thread's last-error message. Nothing unwinds
/// into C.
pub(crate) fn ffi_guard(body: impl FnOnce() -> Result<(), FfiError>) -> fluvio_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => fluvio_status::FLUVIO_OK,
        Ok(Err(err)) => {
            set_last_error(&err.message);
            err.status
        }
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            set_last_error(&format!("internal error (please report it): {detail}"));
            fluvio_status::FLUVIO_ERR_PANIC
        }
    }
}

/// Returns the message of the last failure on the calling thread, or an
/// empty string when nothing has failed yet.
///
/// The pointer is owned by libfluvio and stays valid until the next libfluvio
/// call on the same thread that fails; copy it if you need it longer. Never
/// NULL. Any thread may call this; each thread has its own message.
#[no_mangle]
pub extern "C" fn fluvio_last_error() -> *const c_char {
    LAST_ERROR.with(|cell| cell.borrow().as_ptr())
}

/// Returns the name of a status code (for example `"FLUVIO_ERR_TIMEOUT"`),
/// or `"FLUVIO_UNKNOWN_STATUS"` for a value that is not a status.
///
/// The string is static: never free it. Any thread may call this.
#[no_mangle]
pub extern "C" fn fluvio_status_str(status: i32) -> *const c_char {
    static NAMES: std::sync::OnceLock<Vec<CString>> = std::sync::OnceLock::new();
    static UNKNOWN: &std::ffi::CStr = c"FLUVIO_UNKNOWN_STATUS";
    let names = NAMES.get_or_init(|| fluvio_status::ALL.iter().map(|s| CString::new(s.name()).unwrap_or_default()).collect());
    usize::try_from(status)
        .ok()
        .and_then(|i| names.get(i))
        .map_or(UNKNOWN.as_ptr(), |name| name.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last_error() -> String {
        // SAFETY: fluvio_last_error never returns NULL and the string lives
        // until the next failing call on this thread.
        unsafe { CStr::from_ptr(fluvio_last_error()) }.to_string_lossy().into_owned()
    }

    #[test]
    fn status_names_follow_their_codes() {
        for (i, status) in fluvio_status::ALL.iter().enumerate() {
            assert_eq!(*status as usize, i);
            // SAFETY: fluvio_status_str returns static NUL-terminated strings.
            let name = unsafe { CStr::from_ptr(fluvio_status_str(i as i32)) };
            assert_eq!(name.to_str().unwrap(), status.name());
        }
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(fluvio_status_str(-1)) };
        assert_eq!(unknown.to_str().unwrap(), "FLUVIO_UNKNOWN_STATUS");
    }

    #[test]
    fn errors_and_panics_become_statuses_with_messages() {
        assert_eq!(ffi_guard(|| Ok(())), fluvio_status::FLUVIO_OK);
        assert_eq!(ffi_guard(|| Err(FfiError::invalid("topic is NULL"))), fluvio_status::FLUVIO_ERR_INVALID_ARGUMENT);
        assert_eq!(last_error(), "topic is NULL");
        assert_eq!(ffi_guard(|| panic!("boom")), fluvio_status::FLUVIO_ERR_PANIC);
        assert!(last_error().contains("boom"));
    }
}
