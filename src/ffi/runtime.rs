//! The hidden tokio runtime behind the C API: one multi-threaded runtime per
//! process, started on first use. C callers never see async code; they
//! block (with timeouts) on what runs here.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::Runtime;

use super::error::{fluvio_status, FfiError};

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// The process-wide runtime, started on first use.
pub(crate) fn runtime() -> Result<&'static Runtime, FfiError> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .thread_name("fluvio-runtime")
                .on_thread_start(block_sigpipe)
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| FfiError::new(fluvio_status::FLUVIO_ERR_IO, format!("cannot start the libfluvio runtime: {e}")))
}

/// Blocks SIGPIPE on the calling (runtime) thread, as librdkafka does on
/// its own: every socket write happens on these threads, and a write to a
/// peer that has gone then fails with EPIPE, which the connection reports,
/// instead of killing a C program that left SIGPIPE at its default. (TLS
/// writes go through `writev`, which has no MSG_NOSIGNAL.)
fn block_sigpipe() {
    // SAFETY: the set is a local, initialised by sigemptyset before use;
    // pthread_sigmask changes only this thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// Runs `future` to completion on the runtime, blocking the calling thread.
/// Must not be called from a runtime thread (C callbacks never are).
pub(crate) fn block_on<F: Future>(future: F) -> Result<F::Output, FfiError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(FfiError::new(
            fluvio_status::FLUVIO_ERR_INVALID_ARGUMENT,
            "blocking libfluvio call made from inside a libfluvio callback",
        ));
    }
    Ok(runtime()?.block_on(future))
}
