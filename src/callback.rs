//! Whether this thread is running a user callback that libfluvio called (a
//! delivery report, a log message). Serving calls made from inside one
//! serve nothing: they would reorder what the outer call is handing out,
//! and taking a second serving lock there could deadlock against a thread
//! doing the same the other way round.

use std::cell::Cell;

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
