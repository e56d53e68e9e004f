//! Status codes, and the last error of each thread: its message, the
//! cluster's error code, and whether retrying may succeed. (On the Rust
//! side: also the panic boundary every exported function runs behind.)

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
    /// The Fluvio error code behind it (0: none), for `fluvio_last_error_code`.
    pub code: i16,
    /// Whether the same call may succeed if tried again.
    pub retriable: bool,
}

impl FfiError {
    pub fn new(status: fluvio_status, message: impl Into<String>) -> Self {
        let retriable = matches!(status, fluvio_status::FLUVIO_ERR_TIMEOUT | fluvio_status::FLUVIO_ERR_CONNECTION | fluvio_status::FLUVIO_ERR_QUEUE_FULL);
        FfiError { status, message: message.into(), code: 0, retriable }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        FfiError::new(fluvio_status::FLUVIO_ERR_INVALID_ARGUMENT, message)
    }
}

/// This thread's last failure, as the `fluvio_last_error*` functions report it.
#[derive(Default)]
struct LastError {
    message: CString,
    code: i16,
    retriable: bool,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError::default());
}

/// Records `err` as this thread's last error (interior NULs are replaced).
pub(crate) fn set_last_error(err: &FfiError) {
    let message = CString::new(err.message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|cell| *cell.borrow_mut() = LastError { message, code: err.code, retriable: err.retriable });
}

/// Runs the body of an exported function: a returned error or a caught panic
/// becomes a status plus this thread's last-error message. Nothing unwinds
/// into C.
pub(crate) fn ffi_guard(body: impl FnOnce() -> Result<(), FfiError>) -> fluvio_status {
    ffi_guard_value(fluvio_status::FLUVIO_ERR_PANIC, || match body() {
        Ok(()) => fluvio_status::FLUVIO_OK,
        Err(err) => {
            set_last_error(&err);
            err.status
        }
    })
}

/// Runs the body of an exported function that returns a value rather than
/// a status (an accessor, a constructor, a free): a caught panic is logged,
/// becomes this thread's last error (FLUVIO_ERR_PANIC), and the function
/// returns `on_panic`. Nothing unwinds into C.
pub(crate) fn ffi_guard_value<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let message = format!("internal error (please report it): {detail}");
            crate::log!(Error, "ffi", "{message}");
            set_last_error(&FfiError::new(fluvio_status::FLUVIO_ERR_PANIC, message));
            on_panic
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
    ffi_guard_value(c"".as_ptr(), || {
        LAST_ERROR.with(|cell| cell.borrow().message.as_ptr())
    })
}

/// Returns the Fluvio error code behind the last failure on the calling
/// thread: the number the cluster answered with (for example 2001,
/// TopicNotFound, also for FLUVIO_ERR_TOPIC_NOT_FOUND found in the client's
/// metadata; 6004, SmartModuleRuntimeError), or 0 when the failure carried
/// none. `fluvio_error_code_name` names it. Any thread may call this.
#[no_mangle]
pub extern "C" fn fluvio_last_error_code() -> i32 {
    ffi_guard_value(0, || {
        LAST_ERROR.with(|cell| i32::from(cell.borrow().code))
    })
}

/// Returns true if the last failure on the calling thread is transient: the
/// same call may succeed later (a timeout, a lost connection, a leader that
/// moved or an SPU that is away). Any thread may call this.
#[no_mangle]
pub extern "C" fn fluvio_last_error_retriable() -> bool {
    ffi_guard_value(false, || {
        LAST_ERROR.with(|cell| cell.borrow().retriable)
    })
}

/// Returns the name of a Fluvio error code, as the official clients'
/// `ErrorCode` variant is called (for example `"TopicNotFound"` for 2001,
/// `"None"` for 0), or NULL for a number that is no Fluvio error code. The
/// names are stable: wrappers may map them to typed errors.
///
/// The string is static: never free it. Any thread may call this.
#[no_mangle]
pub extern "C" fn fluvio_error_code_name(code: i32) -> *const c_char {
    ffi_guard_value(std::ptr::null(), || {
        static NAMES: std::sync::OnceLock<Vec<(i16, CString)>> = std::sync::OnceLock::new();
        let names = NAMES.get_or_init(|| {
            crate::protocol::ErrorCode::NAMES.iter().map(|(tag, name)| (*tag, CString::new(*name).unwrap_or_default())).collect()
        });
        i16::try_from(code)
            .ok()
            .and_then(|code| names.iter().find(|(tag, _)| *tag == code))
            .map_or(std::ptr::null(), |(_, name)| name.as_ptr())
    })
}

/// Returns the name of a status code (for example `"FLUVIO_ERR_TIMEOUT"`),
/// or `"FLUVIO_UNKNOWN_STATUS"` for a value that is not a status.
///
/// The string is static: never free it. Any thread may call this.
#[no_mangle]
pub extern "C" fn fluvio_status_str(status: i32) -> *const c_char {
    ffi_guard_value(c"FLUVIO_UNKNOWN_STATUS".as_ptr(), || {
        static NAMES: std::sync::OnceLock<Vec<CString>> = std::sync::OnceLock::new();
        static UNKNOWN: &std::ffi::CStr = c"FLUVIO_UNKNOWN_STATUS";
        let names = NAMES.get_or_init(|| fluvio_status::ALL.iter().map(|s| CString::new(s.name()).unwrap_or_default()).collect());
        usize::try_from(status)
            .ok()
            .and_then(|i| names.get(i))
            .map_or(UNKNOWN.as_ptr(), |name| name.as_ptr())
    })
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
