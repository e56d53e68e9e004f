//! Producer configuration, producers, sending, flushing, delivery results.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;
use std::time::Duration;

use super::client::fluvio_client;
use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::log::serve_logs;
use super::readiness::Readiness;
use super::runtime::block_on;
use super::util::{bytes, c_str, handle, limit_setting, timeout, write_out, with_config_object};
use crate::producer::{DeliveryHandle, DeliverySemantic, Partitioner, Producer, ProducerConfig, ReportBatch, RetryPolicy};
use crate::protocol::Compression;

/// A compression codec for produced batches: one of `FLUVIO_COMPRESSION_*`.
pub type fluvio_compression = u32;
/// No compression (the default, unless the topic mandates a codec).
pub const FLUVIO_COMPRESSION_NONE: fluvio_compression = 0;
/// gzip.
pub const FLUVIO_COMPRESSION_GZIP: fluvio_compression = 1;
/// Snappy (framing format).
pub const FLUVIO_COMPRESSION_SNAPPY: fluvio_compression = 2;
/// LZ4 (frame format).
pub const FLUVIO_COMPRESSION_LZ4: fluvio_compression = 3;
/// Zstandard.
pub const FLUVIO_COMPRESSION_ZSTD: fluvio_compression = 4;

/// How long `fluvio_producer_free` waits for acknowledgements; a sensible
/// `fluvio_producer_flush` timeout too.
pub const FLUVIO_FLUSH_TIMEOUT_MS: i32 = 60_000;

/// A custom partitioner: returns the partition (in `0..partition_count`) for
/// a record. `key` is NULL for a record without a key. Called on the thread
/// that calls `fluvio_producer_send`, never while libfluvio holds a lock;
/// it must not unwind (no C++ exceptions, no longjmp) and must be safe to
/// call from every thread that sends.
pub type fluvio_partitioner_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        key: *const c_void,
        key_len: usize,
        value: *const c_void,
        value_len: usize,
        partition_count: u32,
    ) -> u32,
>;

/// One record's delivery report, borrowed by `fluvio_delivery_report_fn`
/// for the length of the call (copy what you keep). Fields may be added at
/// the end in later versions.
#[repr(C)]
pub struct fluvio_delivery_report {
    /// What the caller passed to `fluvio_producer_send_opaque` (NULL for
    /// the other send calls).
    pub opaque: *mut c_void,
    /// FLUVIO_OK when the cluster stored the record; otherwise why not.
    pub status: fluvio_status,
    /// The partition the record was assigned to.
    pub partition: u32,
    /// Its offset in the partition; -1 when it failed.
    pub offset: i64,
    /// Its timestamp (milliseconds since the Unix epoch), as sent.
    pub timestamp: i64,
    /// The Fluvio error code of a failure (0: none; see `fluvio_error_code_name`).
    pub error_code: i32,
    /// Whether the failure was transient (it was retried as the delivery
    /// semantic says before it was reported).
    pub retriable: bool,
    /// The failure's message, NUL-terminated; NULL on success. Valid only
    /// during the callback.
    pub error: *const c_char,
}

/// A delivery-report callback: called once for every record sent, success
/// or failure, in the order they were sent within each partition (which is
/// the order they were stored, unless a retry let a newer request land
/// first; see `fluvio_producer_config_set_max_in_flight`). It runs only on a thread
/// that calls `fluvio_producer_poll`, `fluvio_producer_flush` or
/// `fluvio_producer_free`, never on a library thread and never while
/// libfluvio holds a lock. It may call back into libfluvio, including
/// `fluvio_producer_send*` and `fluvio_producer_flush` on the same producer (a poll
/// or flush from inside a callback serves no reports: they stay queued for
/// the outer one). It must not unwind (no C++ exceptions, no longjmp).
pub type fluvio_delivery_report_fn = Option<unsafe extern "C" fn(user_data: *mut c_void, report: *const fluvio_delivery_report)>;

/// A delivery-report callback with its user data.
#[derive(Clone, Copy)]
struct ReportCallback {
    f: unsafe extern "C" fn(*mut c_void, *const fluvio_delivery_report),
    user_data: *mut c_void,
}

// SAFETY: the header requires the callback and its user data to be usable
// from every thread that polls or flushes the producer.
unsafe impl Send for ReportCallback {}
// SAFETY: as above; it is only ever called.
unsafe impl Sync for ReportCallback {}

/// Producer settings. Created by `fluvio_producer_config_new`, freed by
/// `fluvio_producer_config_free`; configure it from one thread at a time.
pub struct fluvio_producer_config {
    config: ProducerConfig,
    reports: Option<ReportCallback>,
}

impl fluvio_producer_config {
    pub(crate) fn config_mut(&mut self) -> &mut ProducerConfig {
        &mut self.config
    }
}

/// A producer for one topic, created by `fluvio_producer_new`. Any thread
/// may send, flush and poll, concurrently. Freed by `fluvio_producer_free`,
/// which flushes first.
pub struct fluvio_producer {
    producer: Option<Producer>,
    /// With a delivery-report callback: it, and the descriptor that is
    /// readable while reports wait.
    events: Option<(ReportCallback, Arc<Readiness>)>,
}

impl fluvio_producer {
    /// Hands every waiting report (after waiting up to `timeout` for one)
    /// to the callback on this thread; returns how many there were.
    fn serve_reports(&self, timeout: Duration) -> usize {
        let (Some(producer), Some((callback, _))) = (&self.producer, &self.events) else { return 0 };
        producer.serve_reports(timeout, |batch| report_batch(callback, batch))
    }

    /// Serves the reports left when the producer is freed, even from inside
    /// a callback of another producer (nothing else will serve them).
    fn serve_final_reports(&self) -> usize {
        let (Some(producer), Some((callback, _))) = (&self.producer, &self.events) else { return 0 };
        producer.serve_final_reports(|batch| report_batch(callback, batch))
    }
}

/// Calls the report callback for every record of `batch`.
fn report_batch(callback: &ReportCallback, batch: &ReportBatch) {
    let (status, error_code, retriable, message) = match &batch.result {
        Ok(_) => (fluvio_status::FLUVIO_OK, 0, false, None),
        Err(e) => {
            let failure = FfiError::from(e.clone());
            let text = CString::new(failure.message.replace('\0', "\\0")).unwrap_or_default();
            (failure.status, i32::from(failure.code), failure.retriable, Some(text))
        }
    };
    let mut report = fluvio_delivery_report {
        opaque: std::ptr::null_mut(),
        status,
        partition: batch.partition,
        offset: -1,
        timestamp: 0,
        error_code,
        retriable,
        error: message.as_ref().map_or(std::ptr::null(), |m| m.as_ptr()),
    };
    for (i, record) in batch.records.iter().enumerate() {
        report.opaque = record.opaque as *mut c_void;
        report.timestamp = record.timestamp;
        report.offset = batch.result.as_ref().map_or(-1, |base| base + i as i64);
        // SAFETY: the report and its message live for the call; the
        // callback's contract is the user's, stated in the header.
        unsafe { (callback.f)(callback.user_data, &report) };
    }
}

/// The delivery result of one record, from `fluvio_producer_send_with_delivery`.
/// Freed by `fluvio_delivery_free`; any thread may wait on it.
pub struct fluvio_delivery {
    handle: DeliveryHandle,
}

/// A C callback with its user data. The caller promises in the header that
/// the function may be called from any sending thread.
struct CPartitioner {
    f: unsafe extern "C" fn(*mut c_void, *const c_void, usize, *const c_void, usize, u32) -> u32,
    user_data: *mut c_void,
}

// SAFETY: the header requires the callback (and what `user_data` points to)
// to be callable from every thread that sends.
unsafe impl Send for CPartitioner {}
// SAFETY: as above; the callback is only ever called, never mutated.
unsafe impl Sync for CPartitioner {}

impl Partitioner for CPartitioner {
    fn partition(&self, key: Option<&[u8]>, value: &[u8], partition_count: u32) -> u32 {
        let (key_ptr, key_len) = key.map_or((std::ptr::null(), 0), |k| (k.as_ptr().cast(), k.len()));
        // SAFETY: the pointers are valid for the call; the callback's
        // contract is the user's, stated in the header.
        unsafe { (self.f)(self.user_data, key_ptr, key_len, value.as_ptr().cast(), value.len(), partition_count) }
    }
}

/// Creates producer settings with the defaults: batch size 16384 bytes,
/// linger 100 ms (the current official clients default to 0 ms), no
/// compression, the SipHash round-robin partitioner (keyed records land on
/// the partition the official clients choose; key-less records rotate),
/// maximum request size 1 MiB, 100 batches queued per partition, and `send`
/// waiting (up to 30 s) when that queue is full.
///
/// Returns NULL only if memory is exhausted.
#[no_mangle]
pub extern "C" fn fluvio_producer_config_new() -> *mut fluvio_producer_config {
    ffi_guard_value(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(fluvio_producer_config { config: ProducerConfig::default(), reports: None }))
    })
}

/// Frees producer settings. NULL is a no-op. Producers created with them are
/// not affected.
///
/// # Safety
/// `config` must be NULL or from `fluvio_producer_config_new`, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_free(config: *mut fluvio_producer_config) {
    ffi_guard_value((), || {
        if !config.is_null() {
            // SAFETY: a pointer from fluvio_producer_config_new, given back once.
            drop(unsafe { Box::from_raw(config) });
        }
    });
}

/// Runs `f` on a configuration argument that must not be NULL.
///
/// # Safety
/// `config` must be NULL or a live configuration not used by another thread.
unsafe fn with_config(
    config: *mut fluvio_producer_config,
    f: impl FnOnce(&mut ProducerConfig) -> Result<(), FfiError>,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe { with_config_object(config, |c| f(&mut c.config)) }
}

/// Sets the batch size: a partition's batch is sent once its uncompressed
/// size reaches `bytes` (default 16384).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `bytes` is 0.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_batch_size(config: *mut fluvio_producer_config, bytes: usize) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config(config, |c| {
            if bytes == 0 {
                return Err(FfiError::invalid("batch size must be positive"));
            }
            c.batch_size = bytes;
            Ok(())
        })
    }
}

/// Sets the linger: how long a batch waits for more records before it is
/// sent (default 100 ms; 0 sends as soon as possible).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `ms` is
/// negative or exceeds one hour.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_linger_ms(config: *mut fluvio_producer_config, ms: i32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config(config, |c| {
            if !(0..=3_600_000).contains(&ms) {
                return Err(FfiError::invalid(format!("linger of {ms} ms is not between 0 and one hour")));
            }
            c.linger = Duration::from_millis(ms as u64);
            Ok(())
        })
    }
}

/// Sets the compression of produced batches (`FLUVIO_COMPRESSION_*`). A
/// topic created with a mandatory codec only accepts that codec.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or the codec is
/// unknown.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_compression(
    config: *mut fluvio_producer_config,
    compression: fluvio_compression,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config(config, |c| {
            let codec = *Compression::ALL
                .get(compression as usize)
                .ok_or_else(|| FfiError::invalid(format!("unknown compression {compression}")))?;
            c.compression = Some(codec);
            Ok(())
        })
    }
}

/// Sets a custom partitioner (see `fluvio_partitioner_fn`); NULL restores
/// the default. `user_data` is passed to every call and must outlive every
/// producer created with this configuration.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
///
/// # Safety
/// `config` must be a live configuration; `f` must follow the contract of
/// `fluvio_partitioner_fn`.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_partitioner(
    config: *mut fluvio_producer_config,
    f: fluvio_partitioner_fn,
    user_data: *mut c_void,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config(config, |c| {
            c.partitioner = f.map(|f| Arc::new(CPartitioner { f, user_data }) as Arc<dyn Partitioner>);
            Ok(())
        })
    }
}

/// Sets the delivery-report callback (see `fluvio_delivery_report_fn`;
/// NULL: none, the default). With one, every record sent gets exactly one
/// report, queued until the application serves it with
/// `fluvio_producer_poll` (or a flush, or `fluvio_producer_free`): poll
/// regularly, or the reports pile up in memory. `user_data` is passed to
/// every call and must outlive every producer created with this
/// configuration. Records refused by a send call (its status is not
/// FLUVIO_OK) get no report.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
///
/// # Safety
/// `config` must be a live configuration; `f` must follow the contract of
/// `fluvio_delivery_report_fn`.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_delivery_report(
    config: *mut fluvio_producer_config,
    f: fluvio_delivery_report_fn,
    user_data: *mut c_void,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            c.reports = f.map(|f| ReportCallback { f, user_data });
            Ok(())
        })
    }
}

/// Sets the largest uncompressed batch a request may carry (default
/// 1048576); a record too large for it fails with FLUVIO_ERR_RECORD_TOO_LARGE.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `bytes` is
/// below 1024.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_max_request_size(
    config: *mut fluvio_producer_config,
    bytes: usize,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config(config, |c| {
            if bytes < 1024 {
                return Err(FfiError::invalid("max request size must be at least 1024 bytes"));
            }
            c.max_request_size = bytes;
            Ok(())
        })
    }
}

/// Sets what `fluvio_producer_send` does when a partition already has
/// `batches` batches waiting (default 100): wait up to `block_timeout_ms`
/// for room (`block` true; default 30000 ms; -1: without limit), or fail at
/// once with
/// FLUVIO_ERR_QUEUE_FULL (`block` false).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `batches` is 0.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_queue(
    config: *mut fluvio_producer_config,
    batches: usize,
    block: bool,
    block_timeout_ms: i32,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config(config, |c| {
            if batches == 0 {
                return Err(FfiError::invalid("the queue must hold at least one batch"));
            }
            c.batch_queue_size = batches;
            c.block_when_full = block;
            c.queue_timeout = limit_setting(block_timeout_ms);
            Ok(())
        })
    }
}

/// How a producer delivers (the official clients' delivery semantic).
pub type fluvio_delivery_semantic = u32;
/// At-least-once (the default): a batch failing with a retriable error (the
/// connection dropped, the leader moved, a timeout) is sent again as the
/// retry policy says; a record is lost only if its delivery reports an
/// error, and a retry after a lost acknowledgement may store it twice.
pub const FLUVIO_DELIVERY_AT_LEAST_ONCE: fluvio_delivery_semantic = 0;
/// At-most-once: a failed batch fails at once; nothing waits on an outage.
pub const FLUVIO_DELIVERY_AT_MOST_ONCE: fluvio_delivery_semantic = 1;

/// Sets the delivery semantic: FLUVIO_DELIVERY_AT_LEAST_ONCE (default, with
/// the retry policy of `fluvio_producer_config_set_retry`) or
/// FLUVIO_DELIVERY_AT_MOST_ONCE.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `delivery` is
/// unknown.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_delivery(config: *mut fluvio_producer_config, delivery: fluvio_delivery_semantic) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config(config, |c| {
            c.delivery = match (delivery, c.delivery) {
                (FLUVIO_DELIVERY_AT_MOST_ONCE, _) => DeliverySemantic::AtMostOnce,
                (FLUVIO_DELIVERY_AT_LEAST_ONCE, DeliverySemantic::AtLeastOnce(policy)) => DeliverySemantic::AtLeastOnce(policy),
                (FLUVIO_DELIVERY_AT_LEAST_ONCE, DeliverySemantic::AtMostOnce) => DeliverySemantic::default(),
                (other, _) => return Err(FfiError::invalid(format!("unknown delivery semantic {other}"))),
            };
            Ok(())
        })
    }
}

/// Sets the at-least-once retry policy (and selects at-least-once): at most
/// `max_retries` retries per batch, the first after `initial_backoff_ms`,
/// each next one twice as late up to `max_backoff_ms`; a batch still
/// failing `timeout_ms` after it was first sent (-1: never) fails for good.
/// The default
/// is the official clients': 4 retries, 20 ms, 200 s, 300 s. Records of a
/// partition keep their order across retries (see
/// `fluvio_producer_config_set_max_in_flight`).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL, a backoff is not
/// positive, `max_backoff_ms` < `initial_backoff_ms`, or `timeout_ms` is 0.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_retry(
    config: *mut fluvio_producer_config,
    max_retries: u32,
    initial_backoff_ms: i32,
    max_backoff_ms: i32,
    timeout_ms: i32,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config(config, |c| {
            if initial_backoff_ms <= 0 || max_backoff_ms < initial_backoff_ms || timeout_ms == 0 {
                return Err(FfiError::invalid(format!(
                    "retry backoff {initial_backoff_ms}..{max_backoff_ms} ms and timeout {timeout_ms} ms must be positive and ordered"
                )));
            }
            c.delivery = DeliverySemantic::AtLeastOnce(RetryPolicy {
                max_retries,
                initial_backoff: limit_setting(initial_backoff_ms),
                max_backoff: limit_setting(max_backoff_ms),
                timeout: limit_setting(timeout_ms),
            });
            Ok(())
        })
    }
}

/// Sets how many produce requests per partition may be in flight (default
/// 5). A dropped connection or a leader move never reorders records; with
/// more than one in flight, a transient error on one request alone may let
/// the next one land first: 1 keeps strict order under every failure.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `requests` is
/// 0 or above 64.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_max_in_flight(config: *mut fluvio_producer_config, requests: u32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config(config, |c| {
            if !(1..=64).contains(&requests) {
                return Err(FfiError::invalid(format!("{requests} requests in flight is not between 1 and 64")));
            }
            c.max_in_flight = requests as usize;
            Ok(())
        })
    }
}

/// Sets how long the cluster may take to answer one produce request
/// (default 30000 ms; -1: without limit); a request answered later counts
/// as failed (and at-least-once retries it).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `ms` is 0 or
/// above one hour.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_set_request_timeout_ms(config: *mut fluvio_producer_config, ms: i32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config(config, |c| {
            if ms == 0 || ms > 3_600_000 {
                return Err(FfiError::invalid(format!("request timeout of {ms} ms is not -1 or between 1 ms and one hour")));
            }
            c.request_timeout = limit_setting(ms);
            Ok(())
        })
    }
}

/// Creates a producer for `topic`. `config` may be NULL for the defaults;
/// it is copied, so it may be freed right after. On success `*out` owns the
/// producer: free it with `fluvio_producer_free`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name, a
/// codec the topic does not allow), FLUVIO_ERR_TOPIC_NOT_FOUND, or a
/// connection error.
///
/// # Safety
/// `client` must be a live client; `topic` a NUL-terminated string;
/// `config` NULL or a live configuration; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_new(
    client: *mut fluvio_client,
    topic: *const c_char,
    config: *const fluvio_producer_config,
    out: *mut *mut fluvio_producer,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, topic) = unsafe { (handle(client, "client")?, c_str(topic, "topic")?) };
        // SAFETY: NULL means defaults; otherwise live per the contract.
        let (mut config, reports) = unsafe { config.as_ref() }.map_or_else(|| (ProducerConfig::default(), None), |c| (c.config.clone(), c.reports));
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        let events = match reports {
            Some(callback) => {
                let readiness = Arc::new(Readiness::new()?);
                let signal = readiness.clone();
                config.delivery_reports = Some(Arc::new(move |waiting| signal.set(waiting)));
                Some((callback, readiness))
            }
            None => None,
        };
        let producer = block_on(Producer::new(&client.client, topic, config))??;
        let boxed = Box::into_raw(Box::new(fluvio_producer { producer: Some(producer), events }));
        // SAFETY: checked for NULL above.
        unsafe { write_out(out, boxed, "out") }
    })
}

/// # Safety
/// `producer` must be NULL or a live producer.
unsafe fn producer_ref<'a>(producer: *const fluvio_producer) -> Result<&'a Producer, FfiError> {
    // SAFETY: per the contract.
    let producer = unsafe { handle(producer, "producer")? };
    // ok_or_else: the error (and its string) is built only when needed.
    producer.producer.as_ref().ok_or_else(|| FfiError::new(fluvio_status::FLUVIO_ERR_CLOSED, "producer is closed"))
}

/// Sends a record: copies it into its partition's batch and returns without
/// waiting for the network. `key` may be NULL for a record without a key (a
/// non-NULL key of length 0 is an empty key, which is hashed). The record's
/// timestamp is the time of this call. Delivery failures are reported by
/// the next `fluvio_producer_flush`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL producer, NULL buffer with a
/// non-zero length, a custom partitioner's out-of-range partition),
/// FLUVIO_ERR_RECORD_TOO_LARGE, FLUVIO_ERR_QUEUE_FULL or FLUVIO_ERR_TIMEOUT
/// (queue full; see `fluvio_producer_config_set_queue`).
///
/// # Safety
/// `producer` must be a live producer; `key`/`value` NULL or readable for
/// `key_len`/`value_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_send(
    producer: *mut fluvio_producer,
    key: *const c_void,
    key_len: usize,
    value: *const c_void,
    value_len: usize,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        unsafe { send_unobserved(producer, key, key_len, value, value_len, std::ptr::null_mut()) }
    })
}

/// As `fluvio_producer_send`; `opaque` comes back in the record's delivery
/// report (see `fluvio_producer_config_set_delivery_report`). libfluvio
/// never dereferences it.
///
/// # Safety
/// As `fluvio_producer_send`.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_send_opaque(
    producer: *mut fluvio_producer,
    key: *const c_void,
    key_len: usize,
    value: *const c_void,
    value_len: usize,
    opaque: *mut c_void,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        unsafe { send_unobserved(producer, key, key_len, value, value_len, opaque) }
    })
}

/// `fluvio_producer_send` without a delivery handle (cheaper).
///
/// # Safety
/// As `fluvio_producer_send`.
unsafe fn send_unobserved(
    producer: *mut fluvio_producer,
    key: *const c_void,
    key_len: usize,
    value: *const c_void,
    value_len: usize,
    opaque: *mut c_void,
) -> Result<(), FfiError> {
    // SAFETY: per the contract.
    let (producer, key, value) = unsafe { send_args(producer, &fluvio_record_in { key, key_len, value, value_len })? };
    Ok(producer.send_unobserved(key, value, opaque as usize)?)
}

/// The producer, key and value of a send, checked.
///
/// # Safety
/// As `fluvio_producer_send`.
#[allow(clippy::type_complexity)]
unsafe fn send_args<'a>(
    producer: *mut fluvio_producer,
    record: &fluvio_record_in,
) -> Result<(&'a Producer, Option<&'a [u8]>, &'a [u8]), FfiError> {
    // SAFETY: per the contract.
    let producer = unsafe { producer_ref(producer)? };
    // SAFETY: per the contract.
    let (key, value) = unsafe { record_in(record)? };
    Ok((producer, key, value))
}

/// As `fluvio_producer_send`, and hands back a delivery handle in `*out` to
/// learn the record's partition and offset (`fluvio_delivery_wait`). Free it
/// with `fluvio_delivery_free`.
///
/// Returns what `fluvio_producer_send` returns, and FLUVIO_ERR_INVALID_ARGUMENT
/// if `out` is NULL.
///
/// # Safety
/// As `fluvio_producer_send`; `out` must be a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_send_with_delivery(
    producer: *mut fluvio_producer,
    key: *const c_void,
    key_len: usize,
    value: *const c_void,
    value_len: usize,
    out: *mut *mut fluvio_delivery,
) -> fluvio_status {
    ffi_guard(|| {
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        // SAFETY: per the contract.
        let (producer, key, value) = unsafe { send_args(producer, &fluvio_record_in { key, key_len, value, value_len })? };
        let handle = producer.send_with(key, value, 0)?;
        // SAFETY: checked for NULL above.
        unsafe { write_out(out, Box::into_raw(Box::new(fluvio_delivery { handle })), "out") }
    })
}

/// One record for `fluvio_producer_send_batch`. `key` NULL: no key.
#[repr(C)]
pub struct fluvio_record_in {
    pub key: *const c_void,
    pub key_len: usize,
    pub value: *const c_void,
    pub value_len: usize,
}

/// Sends `count` records in one call, in order (cheaper than one call each:
/// the records share one timestamp, and runs of records to one partition
/// are queued together). Stops at the first record that fails; `*sent` (if
/// not NULL) receives how many were accepted.
///
/// Returns what `fluvio_producer_send` returns for the failing record, or
/// FLUVIO_ERR_INVALID_ARGUMENT if `records` is NULL with a non-zero count.
///
/// # Safety
/// `producer` must be a live producer; `records` NULL or `count` readable
/// records whose buffers follow `fluvio_producer_send`'s rules; `sent` NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_send_batch(
    producer: *mut fluvio_producer,
    records: *const fluvio_record_in,
    count: usize,
    sent: *mut usize,
) -> fluvio_status {
    ffi_guard(|| {
        if records.is_null() && count > 0 {
            return Err(FfiError::invalid("records is NULL"));
        }
        let records = if count == 0 {
            &[][..]
        } else {
            // SAFETY: non-NULL and `count` readable records per the contract.
            unsafe { std::slice::from_raw_parts(records, count) }
        };
        // SAFETY: per the contract.
        let producer = unsafe { producer_ref(producer) };
        let (accepted, result) = match producer {
            Ok(producer) => {
                // A record whose buffers are invalid ends the input there.
                let mut invalid = None;
                let inputs = records.iter().map_while(|r| {
                    // SAFETY: per the contract.
                    match unsafe { record_in(r) } {
                        Ok(input) => Some(input),
                        Err(e) => {
                            invalid = Some(e);
                            None
                        }
                    }
                });
                let (accepted, result) = producer.send_all(inputs);
                (accepted, result.map_err(FfiError::from).and(invalid.map_or(Ok(()), Err)))
            }
            Err(e) => (0, Err(e)),
        };
        if !sent.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { sent.write(accepted) };
        }
        result
    })
}

/// The key and value of a record to send, checked (NULL key: no key).
///
/// # Safety
/// As `fluvio_producer_send_batch`.
unsafe fn record_in<'a>(record: &fluvio_record_in) -> Result<(Option<&'a [u8]>, &'a [u8]), FfiError> {
    let key = if record.key.is_null() {
        None
    } else {
        // SAFETY: per the contract.
        Some(unsafe { bytes(record.key.cast(), record.key_len, "key")? })
    };
    // SAFETY: per the contract.
    let value = unsafe { bytes(record.value.cast(), record.value_len, "value")? };
    Ok((key, value))
}

/// Sends every pending record now and waits until each was acknowledged or
/// failed, at most `timeout_ms` (-1: without limit; `FLUVIO_FLUSH_TIMEOUT_MS`
/// is what `fluvio_producer_free` allows), then serves the waiting delivery
/// reports and log messages on this thread. Returns the first delivery
/// failure since the previous flush (its message in `fluvio_last_error`),
/// FLUVIO_ERR_TIMEOUT, or FLUVIO_ERR_PANIC if a task of the producer
/// panicked.
///
/// # Safety
/// `producer` must be a live producer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_flush(producer: *mut fluvio_producer, timeout_ms: i32) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let owner = unsafe { handle(producer, "producer")? };
        // SAFETY: per the contract.
        let producer = unsafe { producer_ref(producer)? };
        let flushed = producer.flush(timeout(timeout_ms).unwrap_or(Duration::MAX));
        owner.serve_reports(Duration::ZERO);
        serve_logs(Duration::ZERO);
        Ok(flushed?)
    })
}

/// Serves what waits for the application on this thread: calls the
/// delivery-report callback for every report queued (see
/// `fluvio_producer_config_set_delivery_report`), and the log callback for
/// every log message queued (see `fluvio_log_set_callback`). Waits up to
/// `timeout_ms` (0: not at all; negative: without limit) for a report when
/// none waits. `*served` (if not NULL) receives how many reports were
/// served; 0 when none came in time, which is not an error. Call it
/// regularly, or when `fluvio_producer_fd` polls readable.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `producer` is NULL, or
/// FLUVIO_ERR_PANIC once a task of the producer panicked (the reports of
/// the records it failed are served first).
///
/// # Safety
/// `producer` must be a live producer; `served` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_poll(producer: *mut fluvio_producer, timeout_ms: i32, served: *mut usize) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let owner = unsafe { handle(producer, "producer")? };
        let count = owner.serve_reports(timeout(timeout_ms).unwrap_or(Duration::MAX));
        serve_logs(Duration::ZERO);
        if !served.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { served.write(count) };
        }
        match owner.producer.as_ref().and_then(Producer::panic_error) {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    })
}

/// A file descriptor that is readable exactly while delivery reports wait,
/// for poll/epoll/select or an event loop: when it polls readable, call
/// `fluvio_producer_poll(producer, 0, NULL)`. It is never readable with
/// nothing to serve. Owned by the producer (do not read, write or close
/// it); valid until `fluvio_producer_free`. Returns -1 if `producer` is
/// NULL or was created without a delivery-report callback.
///
/// # Safety
/// `producer` must be NULL or a live producer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_fd(producer: *const fluvio_producer) -> i32 {
    ffi_guard_value(-1, || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { producer.as_ref() }.and_then(|p| p.events.as_ref()).map_or(-1, |(_, readiness)| readiness.fd())
    })
}

/// Flushes (at most `FLUVIO_FLUSH_TIMEOUT_MS`), stops the producer, serves
/// its last delivery reports on this thread, and frees it. Records still
/// undelivered then fail (and are reported so). NULL is a no-op.
///
/// # Safety
/// `producer` must be NULL or from `fluvio_producer_new`, not used after
/// (by any thread).
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_free(producer: *mut fluvio_producer) {
    if producer.is_null() {
        return;
    }
    // SAFETY: a pointer from fluvio_producer_new, given back once.
    let mut boxed = unsafe { Box::from_raw(producer) };
    let _ = ffi_guard(move || {
        if let Some(producer) = boxed.producer.as_mut() {
            let timeout = Duration::from_millis(FLUVIO_FLUSH_TIMEOUT_MS as u64);
            // Whatever stopping says, the reports it left are served.
            let _ = block_on(producer.stop(timeout));
        }
        boxed.serve_final_reports();
        Ok(())
    });
}

/// Waits up to `timeout_ms` (negative: without limit) for the record's
/// delivery, then writes its partition and offset (either out-pointer may
/// be NULL).
///
/// Returns FLUVIO_OK when delivered, FLUVIO_ERR_TIMEOUT if not known yet
/// (wait again later), or the delivery's failure.
///
/// # Safety
/// `delivery` must be a live handle; `partition`/`offset` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fluvio_delivery_wait(
    delivery: *const fluvio_delivery,
    timeout_ms: i32,
    partition: *mut u32,
    offset: *mut i64,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let delivery = unsafe { handle(delivery, "delivery")? };
        let metadata = delivery.handle.wait(timeout(timeout_ms))?;
        if !partition.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { partition.write(metadata.partition) };
        }
        if !offset.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { offset.write(metadata.offset) };
        }
        Ok(())
    })
}

/// Frees a delivery handle (the record is delivered regardless). NULL is a no-op.
///
/// # Safety
/// `delivery` must be NULL or from `fluvio_producer_send_with_delivery`, not
/// used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_delivery_free(delivery: *mut fluvio_delivery) {
    ffi_guard_value((), || {
        if !delivery.is_null() {
            // SAFETY: a pointer from fluvio_producer_send_with_delivery, given back once.
            drop(unsafe { Box::from_raw(delivery) });
        }
    });
}
