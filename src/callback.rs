//! Whether this thread is running a user callback that libfluvio called (a
//! delivery report, a log message). Serving calls made from inside one
//! serve nothing: they would reorder what the outer call is handing out,
//! and taking a second serving lock there could deadlock against a thread
//! doing the same the other way round.

use std::cell::Cell;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

thread_local! {
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// True while this thread runs callbacks for a serving call.
pub fn inside() -> bool {
    INSIDE.with(Cell::get)
}

/// Marks this thread as running callbacks until dropped (nesting keeps the
/// outer mark).
pub struct Inside {
    was: bool,
}

impl Inside {
    pub fn enter() -> Inside {
        Inside { was: INSIDE.with(|i| i.replace(true)) }
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        INSIDE.with(|i| i.set(self.was));
    }
}

/// The serving loop of a queue whose items are handed to user callbacks
/// on the caller's thread (delivery reports, log messages): waits up to
/// `wait` while `empty` says there is nothing to serve, holding no lock;
/// then, one thread at a time (so items keep their order across threads)
/// and marked as inside a callback, `take`s items one by one under the
/// state's lock and `serve`s each with no lock held but the serving one.
/// Returns the sum of what `serve` returned.
pub fn serve_queue<S, T>(
    state: &Mutex<S>,
    arrived: &Condvar,
    serving: &Mutex<()>,
    wait: Duration,
    empty: impl Fn(&S) -> bool,
    mut take: impl FnMut(&mut S) -> Option<T>,
    mut serve: impl FnMut(T) -> usize,
) -> usize {
    if !wait.is_zero() {
        let guard = state.lock().unwrap_or_else(|p| p.into_inner());
        if empty(&guard) {
            drop(arrived.wait_timeout_while(guard, wait, |s| empty(s)));
        }
    }
    let _one_at_a_time = serving.lock().unwrap_or_else(|p| p.into_inner());
    let _inside = Inside::enter();
    let mut served = 0;
    loop {
        let item = take(&mut state.lock().unwrap_or_else(|p| p.into_inner()));
        let Some(item) = item else { return served };
        served += serve(item);
    }
}
