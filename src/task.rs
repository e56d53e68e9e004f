//! Spawning the library's tasks so that a panic inside one is caught and
//! reported (to its owner, and the log) instead of silently ending it, and
//! the hooks tests use to make a task panic on purpose.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll};

use tokio::task::JoinHandle;

/// The text of a caught panic.
pub fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// A future that turns a panic of the one it wraps into `Err(message)`.
struct CatchUnwind<F> {
    inner: Pin<Box<F>>,
}

impl<F: Future<Output = ()>> Future for CatchUnwind<F> {
    type Output = Result<(), String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.inner.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(())) => Poll::Ready(Ok(())),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Err(panic_message(panic.as_ref()))),
        }
    }
}

/// Spawns `future` on the current runtime; if it panics, `on_panic` gets the
/// message (after the log did, as an error of `module`).
pub fn spawn_catching<F, P>(module: &'static str, what: &'static str, future: F, on_panic: P) -> JoinHandle<()>
where
    F: Future<Output = ()> + Send + 'static,
    P: FnOnce(String) + Send + 'static,
{
    tokio::spawn(async move {
        if let Err(why) = (CatchUnwind { inner: Box::pin(future) }).await {
            let message = format!("{what} panicked: {why}");
            crate::log!(Error, module, "{message} (please report it)");
            on_panic(message);
        }
    })
}

/// Where a test may make the library panic.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
#[repr(u32)]
pub enum PanicSite {
    /// A producer's per-partition dispatcher, before it sends a batch.
    ProducerDispatch = 1,
    /// A stream's per-partition task, when a frame arrives.
    StreamFrame = 2,
}

static INJECTED: AtomicU32 = AtomicU32::new(0);

/// Makes the next pass through `site` panic (a test aid; not in the C API).
#[doc(hidden)]
pub fn inject_panic(site: PanicSite) {
    INJECTED.fetch_or(site as u32, Ordering::SeqCst);
}

/// Panics if a test asked for a panic at `site` (once).
pub(crate) fn injected_panic(site: PanicSite) {
    let bit = site as u32;
    if INJECTED.load(Ordering::Relaxed) & bit != 0 && INJECTED.fetch_and(!bit, Ordering::SeqCst) & bit != 0 {
        panic!("injected panic at {site:?}");
    }
}
