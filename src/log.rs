//! The library's log: every message of the client, producer, consumer and
//! embedded cluster goes through [`log`], with a level and the module it
//! comes from. By default warnings and errors go to stderr; a sink (the C
//! API's log queue) can take them instead, and a threshold drops what is
//! less severe before it is even formatted.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};

/// How severe a message is: syslog's numbers, as librdkafka uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    Error = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

/// Where messages go instead of stderr. Called on whichever thread logs,
/// never while the library holds a lock of its own.
pub type Sink = Arc<dyn Fn(Level, &'static str, String) + Send + Sync>;

static THRESHOLD: AtomicU8 = AtomicU8::new(Level::Warning as u8);
static SINK: RwLock<Option<Sink>> = RwLock::new(None);

/// Messages less severe than `level` are dropped.
pub fn set_threshold(level: Level) {
    THRESHOLD.store(level as u8, Ordering::Relaxed);
}

pub fn threshold() -> Level {
    match THRESHOLD.load(Ordering::Relaxed) {
        3 => Level::Error,
        4 => Level::Warning,
        5 => Level::Notice,
        6 => Level::Info,
        _ => Level::Debug,
    }
}

/// Whether a message of `level` would be kept (so callers can skip work).
pub fn enabled(level: Level) -> bool {
    level as u8 <= THRESHOLD.load(Ordering::Relaxed)
}

/// Sends messages to `sink` (None: back to stderr).
pub fn set_sink(sink: Option<Sink>) {
    *SINK.write().unwrap_or_else(|p| p.into_inner()) = sink;
}

/// Logs one message (see [`crate::log!`]).
pub fn log(level: Level, module: &'static str, message: fmt::Arguments<'_>) {
    if !enabled(level) {
        return;
    }
    let sink = SINK.read().unwrap_or_else(|p| p.into_inner()).clone();
    match sink {
        Some(sink) => sink(level, module, message.to_string()),
        None => eprintln!("libfluvio {module} {}: {message}", level.name()),
    }
}

/// `log!(Warning, "producer", "format {}", args)`: logs through [`log`].
#[macro_export]
macro_rules! log {
    ($level:ident, $module:expr, $($arg:tt)+) => {
        $crate::log::log($crate::log::Level::$level, $module, format_args!($($arg)+))
    };
}
