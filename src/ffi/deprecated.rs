//! Names kept for one release after a rename, so programs written for the
//! previous release still build and link; each forwards to its new name.
//! The compiler warns where they are used. See CHANGELOG.md.

use std::ffi::c_char;

use super::client::fluvio_client;
use super::consumer::{fluvio_consumer, fluvio_consumer_config, fluvio_consumer_new, fluvio_consumer_new_with_config};
use super::error::{ffi_guard_value, fluvio_status};
use super::producer::{fluvio_producer, fluvio_producer_config, fluvio_producer_flush, fluvio_producer_new, FLUVIO_FLUSH_TIMEOUT_MS};

/// The old name of `fluvio_consumer_new`.
///
/// # Safety
/// As `fluvio_consumer_new`.
#[no_mangle]
#[deprecated(note = "use fluvio_consumer_new")]
pub unsafe extern "C" fn fluvio_consumer(
    client: *mut fluvio_client,
    topic: *const c_char,
    partition: i32,
    out: *mut *mut fluvio_consumer,
) -> fluvio_status {
    // SAFETY: the same contract.
    ffi_guard_value(fluvio_status::FLUVIO_ERR_PANIC, || unsafe { fluvio_consumer_new(client, topic, partition, out) })
}

/// The old name of `fluvio_consumer_new_with_config`.
///
/// # Safety
/// As `fluvio_consumer_new_with_config`.
#[no_mangle]
#[deprecated(note = "use fluvio_consumer_new_with_config")]
pub unsafe extern "C" fn fluvio_consumer_with_config(
    client: *mut fluvio_client,
    topic: *const c_char,
    config: *const fluvio_consumer_config,
    out: *mut *mut fluvio_consumer,
) -> fluvio_status {
    // SAFETY: the same contract.
    ffi_guard_value(fluvio_status::FLUVIO_ERR_PANIC, || unsafe { fluvio_consumer_new_with_config(client, topic, config, out) })
}

/// The old name of `fluvio_producer_new`.
///
/// # Safety
/// As `fluvio_producer_new`.
#[no_mangle]
#[deprecated(note = "use fluvio_producer_new")]
pub unsafe extern "C" fn fluvio_topic_producer(
    client: *mut fluvio_client,
    topic: *const c_char,
    config: *const fluvio_producer_config,
    out: *mut *mut fluvio_producer,
) -> fluvio_status {
    // SAFETY: the same contract.
    ffi_guard_value(fluvio_status::FLUVIO_ERR_PANIC, || unsafe { fluvio_producer_new(client, topic, config, out) })
}

/// The old `fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS)`.
///
/// # Safety
/// As `fluvio_producer_flush`.
#[no_mangle]
#[deprecated(note = "use fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS)")]
pub unsafe extern "C" fn fluvio_flush(producer: *mut fluvio_producer) -> fluvio_status {
    // SAFETY: the same contract.
    ffi_guard_value(fluvio_status::FLUVIO_ERR_PANIC, || unsafe { fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS) })
}

/// The old name of `fluvio_producer_flush`.
///
/// # Safety
/// As `fluvio_producer_flush`.
#[no_mangle]
#[deprecated(note = "use fluvio_producer_flush")]
pub unsafe extern "C" fn fluvio_flush_timeout(producer: *mut fluvio_producer, timeout_ms: i32) -> fluvio_status {
    // SAFETY: the same contract.
    ffi_guard_value(fluvio_status::FLUVIO_ERR_PANIC, || unsafe { fluvio_producer_flush(producer, timeout_ms) })
}
