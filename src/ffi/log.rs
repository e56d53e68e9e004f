//! The log callback: the library's messages, queued process-wide and handed
//! to the application's callback on its own thread (`fluvio_log_poll`, or
//! any producer poll or flush), as librdkafka does with a log queue.

use std::collections::VecDeque;
use std::ffi::{c_char, c_void, CString};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::readiness::Readiness;
use super::util::timeout;
use crate::log::Level;

/// A log level: syslog's numbers, as librdkafka uses them.
pub type fluvio_log_level = i32;
/// Something failed that the application may not see otherwise.
pub const FLUVIO_LOG_ERROR: fluvio_log_level = 3;
/// Something went wrong and was handled (a retry, a damaged file skipped).
pub const FLUVIO_LOG_WARNING: fluvio_log_level = 4;
/// A normal but significant event (a reconnection).
pub const FLUVIO_LOG_NOTICE: fluvio_log_level = 5;
/// Routine events (connections made and dropped, retries).
pub const FLUVIO_LOG_INFO: fluvio_log_level = 6;
/// Details for debugging.
pub const FLUVIO_LOG_DEBUG: fluvio_log_level = 7;

/// Messages kept while nobody polls; older ones are dropped beyond this (and
/// the next message served says how many).
pub const FLUVIO_LOG_QUEUE_MAX: usize = 10_000;

/// A log callback: `level` is a `FLUVIO_LOG_*`, `module` the part of the
/// library ("client", "producer", "consumer", "local" for the embedded
/// cluster, "ffi"), `message` the text; both strings are valid only during
/// the call. It runs only on a thread that calls `fluvio_log_poll`,
/// `fluvio_producer_poll` or a flush, never on a library thread and never
/// while libfluvio holds a lock; it may call libfluvio (a poll from inside
/// it serves nothing). It must not unwind.
pub type fluvio_log_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: fluvio_log_level, module: *const c_char, message: *const c_char)>;

#[derive(Clone, Copy)]
struct Callback {
    f: unsafe extern "C" fn(*mut c_void, fluvio_log_level, *const c_char, *const c_char),
    user_data: *mut c_void,
}

// SAFETY: the header requires the callback and its user data to be usable
// from every thread that polls.
unsafe impl Send for Callback {}
// SAFETY: as above; it is only ever called.
unsafe impl Sync for Callback {}

struct Message {
    level: Level,
    module: &'static str,
    text: String,
}

#[derive(Default)]
struct Queue {
    messages: VecDeque<Message>,
    dropped: u64,
}

struct LogQueue {
    queue: Mutex<Queue>,
    arrived: Condvar,
    readiness: Readiness,
    callback: Mutex<Option<Callback>>,
    /// One thread serves at a time, so messages keep their order.
    serving: Mutex<()>,
}

static LOG: OnceLock<Result<Arc<LogQueue>, FfiError>> = OnceLock::new();

fn log_queue() -> Result<&'static Arc<LogQueue>, FfiError> {
    LOG.get_or_init(|| {
        Ok(Arc::new(LogQueue {
            queue: Mutex::new(Queue::default()),
            arrived: Condvar::new(),
            readiness: Readiness::new()?,
            callback: Mutex::new(None),
            serving: Mutex::new(()),
        }))
    })
    .as_ref()
    .map_err(Clone::clone)
}

impl LogQueue {
    fn push(&self, message: Message) {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        if queue.messages.len() >= FLUVIO_LOG_QUEUE_MAX {
            queue.messages.pop_front();
            queue.dropped += 1;
        }
        queue.messages.push_back(message);
        if queue.messages.len() == 1 {
            self.readiness.set(true);
            self.arrived.notify_all();
        }
    }

    /// Waits up to `wait` for a message (holding no lock), then serves what
    /// is queued, one thread at a time. Serves nothing from inside a
    /// callback (see `crate::callback`).
    fn serve(&self, wait: Duration) -> usize {
        if crate::callback::inside() {
            return 0;
        }
        crate::callback::serve_queue(
            &self.queue,
            &self.arrived,
            &self.serving,
            wait,
            |q| q.messages.is_empty(),
            |q| {
                let message = q.messages.pop_front()?;
                if q.messages.is_empty() {
                    self.readiness.set(false);
                }
                Some((std::mem::take(&mut q.dropped), message))
            },
            |(dropped, message)| {
                let Some(callback) = *self.callback.lock().unwrap_or_else(|p| p.into_inner()) else { return 0 };
                if dropped > 0 {
                    call(callback, Level::Warning, "ffi", &format!("{dropped} log messages were dropped: nobody polled"));
                }
                call(callback, message.level, message.module, &message.text);
                1
            },
        )
    }
}

fn call(callback: Callback, level: Level, module: &str, text: &str) {
    let module = CString::new(module).unwrap_or_default();
    let text = CString::new(text.replace('\0', "\\0")).unwrap_or_default();
    // SAFETY: both strings live for the call; the callback's contract is
    // the user's, stated in the header.
    unsafe { (callback.f)(callback.user_data, level as fluvio_log_level, module.as_ptr(), text.as_ptr()) };
}

/// Serves the queued log messages (waiting up to `wait` for one) on this
/// thread, if a callback is set. Returns how many were served.
pub(crate) fn serve_logs(wait: Duration) -> usize {
    match LOG.get() {
        Some(Ok(log)) => log.serve(wait),
        _ => 0,
    }
}

/// Sets the process-wide log callback (see `fluvio_log_fn`). From then on
/// every message at or above the threshold (`fluvio_log_set_level`) is
/// queued for it (up to `FLUVIO_LOG_QUEUE_MAX`) instead of going to
/// stderr; serve them with `fluvio_log_poll` (or `fluvio_producer_poll`, or
/// a flush), for example when `fluvio_log_fd` polls readable. NULL restores
/// the default: warnings and errors on stderr. `user_data` is passed to
/// every call. Any thread may call this.
///
/// Returns FLUVIO_ERR_IO if the queue's descriptor cannot be made.
///
/// # Safety
/// `f` must follow the contract of `fluvio_log_fn`.
#[no_mangle]
pub unsafe extern "C" fn fluvio_log_set_callback(f: fluvio_log_fn, user_data: *mut c_void) -> fluvio_status {
    ffi_guard(|| {
        let log = log_queue()?;
        let callback = f.map(|f| Callback { f, user_data });
        *log.callback.lock().unwrap_or_else(|p| p.into_inner()) = callback;
        match callback {
            Some(_) => {
                let log = log.clone();
                crate::log::set_sink(Some(Arc::new(move |level, module, text| log.push(Message { level, module, text }))));
            }
            None => crate::log::set_sink(None),
        }
        Ok(())
    })
}

/// Sets the least severe level that is logged (default FLUVIO_LOG_WARNING):
/// FLUVIO_LOG_ERROR .. FLUVIO_LOG_DEBUG. Messages below it cost nothing.
/// Any thread may call this.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for a level outside 3..7.
#[no_mangle]
pub extern "C" fn fluvio_log_set_level(level: fluvio_log_level) -> fluvio_status {
    ffi_guard(|| {
        let level = match level {
            FLUVIO_LOG_ERROR => Level::Error,
            FLUVIO_LOG_WARNING => Level::Warning,
            FLUVIO_LOG_NOTICE => Level::Notice,
            FLUVIO_LOG_INFO => Level::Info,
            FLUVIO_LOG_DEBUG => Level::Debug,
            other => return Err(FfiError::invalid(format!("log level {other} is not between 3 (error) and 7 (debug)"))),
        };
        crate::log::set_threshold(level);
        Ok(())
    })
}

/// Hands the queued log messages to the log callback on this thread,
/// waiting up to `timeout_ms` (0: not at all; negative: without limit) for
/// one when none waits. `*served` (if not NULL) receives how many were
/// served (0 when none came in time, which is not an error). Without a
/// callback nothing is queued and this serves nothing.
///
/// # Safety
/// `served` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fluvio_log_poll(timeout_ms: i32, served: *mut usize) -> fluvio_status {
    ffi_guard(|| {
        let count = log_queue()?.serve(timeout(timeout_ms).unwrap_or(Duration::MAX));
        if !served.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { served.write(count) };
        }
        Ok(())
    })
}

/// A file descriptor that is readable exactly while log messages wait for
/// `fluvio_log_poll`. Owned by libfluvio (do not read, write or close it);
/// valid for the life of the process. Returns -1 if it cannot be made.
#[no_mangle]
pub extern "C" fn fluvio_log_fd() -> i32 {
    ffi_guard_value(-1, || {
        log_queue().map_or(-1, |log| log.readiness.fd())
    })
}
