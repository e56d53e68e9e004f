//! Consumers and the record streams they open (with a readiness file
//! descriptor for event loops).

use std::ffi::c_char;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::client::fluvio_client;
use super::offset::{fluvio_offset, to_offset};
use super::record::fluvio_record;
use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::readiness::Readiness;
use super::runtime::block_on;
use super::util::{c_str, handle, limit_setting, timeout, write_out, with_config_object};
use crate::client::{validate_consumer_id, Client, ClientError};
use crate::consumer::{next_within, ConsumerRecord, OffsetStrategy, OnReady, RecordStream, StreamConfig};

/// `fluvio_consumer_new`'s partition argument for "every partition of the topic".
pub const FLUVIO_ALL_PARTITIONS: i32 = -1;

/// How a named consumer's offsets are stored on the cluster.
pub type fluvio_offset_strategy = u32;
/// No offsets are stored (the default).
pub const FLUVIO_OFFSET_STRATEGY_NONE: fluvio_offset_strategy = 0;
/// `fluvio_stream_commit` and `fluvio_stream_flush` store them.
pub const FLUVIO_OFFSET_STRATEGY_MANUAL: fluvio_offset_strategy = 1;
/// Every record `fluvio_stream_next` hands out is committed; commits are
/// flushed periodically (see `fluvio_consumer_config_set_offset_flush_ms`)
/// and when the stream is freed.
pub const FLUVIO_OFFSET_STRATEGY_AUTO: fluvio_offset_strategy = 2;

/// How long `fluvio_stream_free` waits for the automatic strategy's last flush.
const CLOSE_FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// Consumer settings, for `fluvio_consumer_new_with_config`. Created by
/// `fluvio_consumer_config_new`, freed by `fluvio_consumer_config_free`; one
/// thread at a time may change it.
pub struct fluvio_consumer_config {
    /// Empty: every partition of the topic.
    partitions: Vec<u32>,
    stream: StreamConfig,
}

impl fluvio_consumer_config {
    pub(crate) fn stream_mut(&mut self) -> &mut StreamConfig {
        &mut self.stream
    }
}

/// A consumer of one, several or every partition of a topic, created by
/// `fluvio_consumer_new` or `fluvio_consumer_new_with_config`. Any thread
/// may use it; it is freed by `fluvio_consumer_free` (streams opened from it
/// keep working).
pub struct fluvio_consumer {
    client: Client,
    topic: String,
    /// Empty: every partition of the topic.
    partitions: Vec<u32>,
    config: StreamConfig,
}

/// A stream of records, opened by `fluvio_consumer_stream`. One thread at a
/// time may read it (calls are serialized internally, so concurrent calls
/// are safe but wait). Freed by `fluvio_stream_free`.
pub struct fluvio_stream {
    stream: Mutex<StreamState>,
    /// Readable while records wait (see `fluvio_stream_fd`).
    readiness: Arc<Readiness>,
}

/// Creates a consumer of `topic`'s `partition`, or of all its partitions
/// with `FLUVIO_ALL_PARTITIONS`. On success `*out` owns the consumer.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name, a
/// partition the topic does not have), FLUVIO_ERR_TOPIC_NOT_FOUND, or a
/// connection error.
///
/// # Safety
/// `client` must be a live client; `topic` a NUL-terminated string; `out`
/// a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_new(
    client: *mut fluvio_client,
    topic: *const c_char,
    partition: i32,
    out: *mut *mut fluvio_consumer,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, topic) = unsafe { (handle(client, "client")?, c_str(topic, "topic")?) };
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        if partition < FLUVIO_ALL_PARTITIONS {
            return Err(FfiError::invalid(format!("partition {partition} is negative")));
        }
        let partitions = if partition == FLUVIO_ALL_PARTITIONS { vec![] } else { vec![partition as u32] };
        let consumer = new_consumer(client.client.clone(), topic, partitions, StreamConfig::default())?;
        // SAFETY: checked for NULL above.
        unsafe { write_out(out, Box::into_raw(Box::new(consumer)), "out") }
    })
}

/// A consumer of `partitions` (empty: all) of `topic`, once the topic and
/// its partitions are known to exist.
fn new_consumer(client: Client, topic: &str, partitions: Vec<u32>, config: StreamConfig) -> Result<fluvio_consumer, FfiError> {
    let spec = block_on(client.topic(topic))??;
    if let Some(missing) = partitions.iter().find(|&&p| p >= spec.partition_count()) {
        return Err(FfiError::invalid(format!(
            "topic '{topic}' has {} partitions; there is no partition {missing}",
            spec.partition_count()
        )));
    }
    Ok(fluvio_consumer { client, topic: topic.to_string(), partitions, config })
}

/// Creates consumer settings with the defaults: every partition of the
/// topic, no consumer id, FLUVIO_OFFSET_STRATEGY_NONE, automatic flushes
/// every 10 s (as the official clients), at most 1048890 bytes per fetch,
/// a continuous stream (it waits for new records at the end), and 60 s of
/// reconnecting through failures.
///
/// Returns NULL only if memory is exhausted.
#[no_mangle]
pub extern "C" fn fluvio_consumer_config_new() -> *mut fluvio_consumer_config {
    ffi_guard_value(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(fluvio_consumer_config { partitions: Vec::new(), stream: StreamConfig::default() }))
    })
}

/// Frees consumer settings. NULL is a no-op. Consumers created with them
/// are not affected.
///
/// # Safety
/// `config` must be NULL or from `fluvio_consumer_config_new`, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_config_free(config: *mut fluvio_consumer_config) {
    ffi_guard_value((), || {
        if !config.is_null() {
            // SAFETY: a pointer from fluvio_consumer_config_new, given back once.
            drop(unsafe { Box::from_raw(config) });
        }
    });
}

/// Runs `f` on a consumer configuration argument that must not be NULL.
///
/// # Safety
/// `config` must be NULL or a live configuration not used by another thread.
unsafe fn with_consumer_config(
    config: *mut fluvio_consumer_config,
    f: impl FnOnce(&mut fluvio_consumer_config) -> Result<(), FfiError>,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe { with_config_object(config, f) }
}

/// Names the consumer (`consumer_id`, copied; NULL removes the name). A
/// named consumer's stream starts relative to the offset after the last
/// record that consumer committed in each partition, when the cluster
/// stores one: `fluvio_offset_beginning()` resumes right there,
/// `fluvio_offset_from_beginning(n)` n records later,
/// `fluvio_offset_from_end(n)` n records earlier; an absolute offset
/// ignores the stored one. Without a stored offset the offset given to
/// `fluvio_consumer_stream` counts as usual. (The official clients resolve
/// offsets the same way.)
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL, or `consumer_id`
/// is empty, not UTF-8 or longer than 32767 bytes.
///
/// # Safety
/// `config` must be a live configuration; `consumer_id` NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_config_set_consumer_id(
    config: *mut fluvio_consumer_config,
    consumer_id: *const c_char,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_consumer_config(config, |c| {
            if consumer_id.is_null() {
                c.stream.consumer_id = None;
                return Ok(());
            }
            // SAFETY (the enclosing block): non-NULL and NUL-terminated per the contract.
            let id = c_str(consumer_id, "consumer_id")?;
            validate_consumer_id(id)?;
            c.stream.consumer_id = Some(id.to_string());
            Ok(())
        })
    }
}

/// Sets how the consumer's offsets are stored: FLUVIO_OFFSET_STRATEGY_NONE
/// (default), _MANUAL or _AUTO. A strategy other than NONE needs a consumer
/// id (checked when the consumer is created).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `strategy`
/// is unknown.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_config_set_offset_strategy(
    config: *mut fluvio_consumer_config,
    strategy: fluvio_offset_strategy,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_consumer_config(config, |c| {
            c.stream.offset_strategy = match strategy {
                FLUVIO_OFFSET_STRATEGY_NONE => OffsetStrategy::None,
                FLUVIO_OFFSET_STRATEGY_MANUAL => OffsetStrategy::Manual,
                FLUVIO_OFFSET_STRATEGY_AUTO => OffsetStrategy::Auto,
                other => return Err(FfiError::invalid(format!("unknown offset strategy {other}"))),
            };
            Ok(())
        })
    }
}

/// Sets how often FLUVIO_OFFSET_STRATEGY_AUTO flushes committed offsets
/// (default 10000 ms).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `ms` is 0 or
/// above one hour.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_config_set_offset_flush_ms(config: *mut fluvio_consumer_config, ms: i32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_consumer_config(config, |c| {
            if !(1..=3_600_000).contains(&ms) {
                return Err(FfiError::invalid(format!("flush period of {ms} ms is not between 1 ms and one hour")));
            }
            c.stream.offset_flush = Duration::from_millis(ms as u64);
            Ok(())
        })
    }
}

/// Adds `partition` to the partitions to consume (by default, and while
/// none is added: all of them). Records of one partition arrive in order;
/// partitions interleave.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or the partition
/// was already added.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_config_add_partition(config: *mut fluvio_consumer_config, partition: u32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_consumer_config(config, |c| {
            if c.partitions.contains(&partition) {
                return Err(FfiError::invalid(format!("partition {partition} was already added")));
            }
            c.partitions.push(partition);
            Ok(())
        })
    }
}

/// Sets the most bytes one fetch may bring (default 1048890). A batch
/// larger than that is still delivered: the fetch grows as needed.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `bytes` is
/// not positive.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_config_set_max_bytes(config: *mut fluvio_consumer_config, bytes: i32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_consumer_config(config, |c| {
            if bytes <= 0 {
                return Err(FfiError::invalid(format!("max bytes {bytes} must be positive")));
            }
            c.stream.max_bytes = bytes;
            Ok(())
        })
    }
}

/// `continuous` true (default): a stream waits for new records at the end.
/// false: it ends once it has delivered the records its partitions held
/// when it opened; `fluvio_stream_next` then returns FLUVIO_END_OF_STREAM
/// (the official clients' `disable_continuous`).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_config_set_continuous(config: *mut fluvio_consumer_config, continuous: bool) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_consumer_config(config, |c| {
            c.stream.continuous = continuous;
            Ok(())
        })
    }
}

/// Sets how long a partition's stream keeps re-opening after a failure it
/// can recover from (the connection dropped, the SPU is away, the leader
/// moved) before `fluvio_stream_next` reports the error (default 60000 ms;
/// 0: the first such error ends the stream; -1: keep re-opening). It
/// resumes at the first record not handed out yet: no gap, no repeat.
/// Meanwhile `fluvio_stream_next` returns FLUVIO_ERR_TIMEOUT when its own
/// timeout passes.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_config_set_reconnect_timeout_ms(config: *mut fluvio_consumer_config, ms: i32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_consumer_config(config, |c| {
            c.stream.reconnect_timeout = limit_setting(ms);
            Ok(())
        })
    }
}

/// Creates a consumer of `topic` with `config` (NULL: the defaults of
/// `fluvio_consumer_config_new`); the settings are copied. On success
/// `*out` owns the consumer.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name, a
/// partition the topic does not have, an offset strategy without a
/// consumer id), FLUVIO_ERR_TOPIC_NOT_FOUND, or a connection error.
///
/// # Safety
/// `client` must be a live client; `topic` a NUL-terminated string;
/// `config` NULL or a live configuration; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_new_with_config(
    client: *mut fluvio_client,
    topic: *const c_char,
    config: *const fluvio_consumer_config,
    out: *mut *mut fluvio_consumer,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, topic) = unsafe { (handle(client, "client")?, c_str(topic, "topic")?) };
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        // SAFETY: NULL or live per the contract.
        let (partitions, stream) = match unsafe { config.as_ref() } {
            Some(c) => (c.partitions.clone(), c.stream.clone()),
            None => (Vec::new(), StreamConfig::default()),
        };
        // Refused here, where the settings are handed over, not at the first stream.
        stream.validate()?;
        let consumer = new_consumer(client.client.clone(), topic, partitions, stream)?;
        // SAFETY: checked for NULL above.
        unsafe { write_out(out, Box::into_raw(Box::new(consumer)), "out") }
    })
}

/// Frees a consumer. NULL is a no-op.
///
/// # Safety
/// `consumer` must be NULL or from `fluvio_consumer_new` or
/// `fluvio_consumer_new_with_config`, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_free(consumer: *mut fluvio_consumer) {
    ffi_guard_value((), || {
        if !consumer.is_null() {
            // SAFETY: a pointer from fluvio_consumer_new*, given back once.
            drop(unsafe { Box::from_raw(consumer) });
        }
    });
}

/// Opens a stream of the consumer's partition(s) from `offset`. With all
/// partitions, records of one partition arrive in order; partitions
/// interleave. On success `*out` owns the stream.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, a negative absolute
/// offset, an unknown offset kind) or a connection error.
///
/// # Safety
/// `consumer` must be a live consumer; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_stream(
    consumer: *mut fluvio_consumer,
    offset: fluvio_offset,
    out: *mut *mut fluvio_stream,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let consumer = unsafe { handle(consumer, "consumer")? };
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        let offset = to_offset(offset)?;
        let readiness = Arc::new(Readiness::new()?);
        let on_ready = {
            let readiness = readiness.clone();
            Arc::new(move |queued: &dyn Fn() -> bool| readiness.raise_if(queued)) as OnReady
        };
        let stream = block_on(async {
            let partitions: Vec<u32> = if consumer.partitions.is_empty() {
                (0..consumer.client.topic(&consumer.topic).await?.partition_count()).collect()
            } else {
                consumer.partitions.clone()
            };
            RecordStream::open(&consumer.client, &consumer.topic, &partitions, offset, consumer.config.clone(), Some(on_ready)).await
        })??;
        let stream = fluvio_stream { stream: Mutex::new(StreamState { records: stream, deferred: None }), readiness };
        // SAFETY: checked for NULL above.
        unsafe { write_out(out, Box::into_raw(Box::new(stream)), "out") }
    })
}

/// A stream's records, and the error that ended it when a batch call met it
/// after handing out records: reported by the next call, never lost.
struct StreamState {
    records: RecordStream,
    deferred: Option<ClientError>,
}

/// The next record within `timeout_ms`, as `fluvio_stream_next` returns
/// it: `Ok(None)` for the end of a non-continuous stream.
fn next_record(stream: &fluvio_stream, state: &mut StreamState, timeout_ms: i32) -> Result<Option<ConsumerRecord>, FfiError> {
    if let Some(e) = state.deferred.take() {
        return Err(e.into());
    }
    let records = &mut state.records;
    let next = match records.try_next() {
        Some(next) => Some(next),
        // After the error that ended a partition's stream: closed at
        // once, not a timeout while its task winds down.
        None if records.is_ended() || records.failed() => None,
        None if timeout_ms == 0 => Some(Err(ClientError::Timeout("no record waiting".into()))),
        None => block_on(next_within(records, timeout(timeout_ms)))?,
    };
    update_readiness(stream, records);
    match next {
        Some(Ok(record)) => Ok(Some(record)),
        Some(Err(e)) => Err(e.into()),
        None if records.failed() => Err(FfiError::new(fluvio_status::FLUVIO_ERR_CLOSED, "the stream has ended")),
        None => Ok(None),
    }
}

/// Readable exactly while records (or the stream's end) wait: the check
/// runs under the readiness lock, as the tasks' raising does.
fn update_readiness(stream: &fluvio_stream, records: &RecordStream) {
    stream.readiness.update(|| records.has_pending() || records.is_ended() || records.failed());
}

fn end_of_stream() -> FfiError {
    FfiError::new(fluvio_status::FLUVIO_END_OF_STREAM, "the stream delivered every record it was opened for")
}

/// A record handed to C.
fn c_record(record: ConsumerRecord) -> *mut fluvio_record {
    Box::into_raw(Box::new(fluvio_record::new(record)))
}

/// Waits up to `timeout_ms` (0: do not wait; -1: without limit) for the
/// next record. On FLUVIO_OK `*out` owns the record (free it with
/// `fluvio_record_free`); otherwise `*out` is set to NULL.
///
/// Returns FLUVIO_ERR_TIMEOUT (also named FLUVIO_TIMEOUT) when no record arrived in time (the stream
/// stays usable), FLUVIO_END_OF_STREAM when a non-continuous stream has
/// delivered everything it was opened for, the error that ended the stream
/// (for example FLUVIO_ERR_SERVER when the topic was deleted,
/// FLUVIO_ERR_CONNECTION when the cluster went away), and FLUVIO_ERR_CLOSED
/// on every call after such an error.
///
/// # Safety
/// `stream` must be a live stream; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_stream_next(stream: *mut fluvio_stream, timeout_ms: i32, out: *mut *mut fluvio_record) -> fluvio_status {
    ffi_guard(|| {
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        // SAFETY: checked for NULL above.
        unsafe { out.write(std::ptr::null_mut()) };
        // SAFETY: per the contract.
        let stream = unsafe { handle(stream, "stream")? };
        let mut state = stream.stream.lock().unwrap_or_else(|p| p.into_inner());
        let record = next_record(stream, &mut state, timeout_ms)?.ok_or_else(end_of_stream)?;
        // SAFETY: checked for NULL above.
        unsafe { out.write(c_record(record)) };
        Ok(())
    })
}

/// Hands over up to `max` records in one call: waits up to `timeout_ms`
/// (0: do not wait; -1: without limit) for the first, then adds those
/// already waiting, without waiting again. On FLUVIO_OK `records[0]` ..
/// `records[*count - 1]` hold 1 to `max` records in stream order, each owned
/// by the caller (free each with `fluvio_record_free`); otherwise `*count`
/// is 0. For callers that pay for every call (cgo, other FFIs), the same
/// records as that many `fluvio_stream_next` calls.
///
/// Returns what `fluvio_stream_next` returns when no record came. An error
/// met after some records were handed over is returned by the next call,
/// with those records delivered first.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL `stream`, `records` or
/// `count`, or `max` 0.
///
/// # Safety
/// `stream` must be a live stream; `records` valid for `max` writes;
/// `count` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_stream_next_batch(
    stream: *mut fluvio_stream,
    records: *mut *mut fluvio_record,
    max: usize,
    timeout_ms: i32,
    count: *mut usize,
) -> fluvio_status {
    ffi_guard(|| {
        if count.is_null() {
            return Err(FfiError::invalid("count is NULL"));
        }
        // SAFETY: checked for NULL above.
        unsafe { count.write(0) };
        if records.is_null() || max == 0 {
            return Err(FfiError::invalid("records must be an array of at least 1 (max > 0)"));
        }
        // SAFETY: per the contract.
        let stream = unsafe { handle(stream, "stream")? };
        let mut state = stream.stream.lock().unwrap_or_else(|p| p.into_inner());
        let first = next_record(stream, &mut state, timeout_ms)?.ok_or_else(end_of_stream)?;
        // SAFETY: `records` holds `max` >= 1 slots per the contract.
        unsafe { records.write(c_record(first)) };
        let mut taken = 1;
        while taken < max {
            match state.records.try_next() {
                Some(Ok(record)) => {
                    // SAFETY: `taken` < `max` slots.
                    unsafe { records.add(taken).write(c_record(record)) };
                    taken += 1;
                }
                Some(Err(e)) => {
                    state.deferred = Some(e);
                    break;
                }
                None => break,
            }
        }
        update_readiness(stream, &state.records);
        // SAFETY: checked for NULL above.
        unsafe { count.write(taken) };
        Ok(())
    })
}

/// A file descriptor that is readable while records wait in the stream, for
/// poll/epoll/select or an event loop: when it polls readable, call
/// `fluvio_stream_next` with timeout 0 until FLUVIO_ERR_TIMEOUT. Owned by
/// the stream (do not read, write or close it); valid until
/// `fluvio_stream_free`. Returns -1 if `stream` is NULL.
///
/// # Safety
/// `stream` must be NULL or a live stream.
#[no_mangle]
pub unsafe extern "C" fn fluvio_stream_fd(stream: *const fluvio_stream) -> i32 {
    ffi_guard_value(-1, || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { stream.as_ref() }.map_or(-1, |s| s.readiness.fd())
    })
}

/// Marks every record `fluvio_stream_next` has handed out so far as
/// consumed, in each partition; `fluvio_stream_flush` stores it on the
/// cluster. (With FLUVIO_OFFSET_STRATEGY_AUTO every record is committed
/// as it is handed out.)
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `stream` is NULL or its consumer
/// has no consumer id and offset strategy.
///
/// # Safety
/// `stream` must be a live stream.
#[no_mangle]
pub unsafe extern "C" fn fluvio_stream_commit(stream: *mut fluvio_stream) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let stream = unsafe { handle(stream, "stream")? };
        let state = stream.stream.lock().unwrap_or_else(|p| p.into_inner());
        Ok(state.records.commit()?)
    })
}

/// Stores the committed offsets on the cluster and waits up to
/// `timeout_ms` (-1: without limit) until it has them durably. A consumer
/// opened later with the same consumer id resumes after them. Nothing to
/// store is success.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL `stream`, no consumer id and
/// offset strategy), FLUVIO_ERR_TIMEOUT, FLUVIO_ERR_SERVER (the cluster
/// refused, e.g. it keeps no consumer offsets), a connection error, or
/// FLUVIO_ERR_CLOSED if a partition's stream ended before it received its
/// first records.
///
/// # Safety
/// `stream` must be a live stream.
#[no_mangle]
pub unsafe extern "C" fn fluvio_stream_flush(stream: *mut fluvio_stream, timeout_ms: i32) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let stream = unsafe { handle(stream, "stream")? };
        let state = stream.stream.lock().unwrap_or_else(|p| p.into_inner());
        let flush = state.records.flush();
        let result = match timeout(timeout_ms) {
            None => block_on(flush)?,
            Some(limit) => block_on(async {
                tokio::time::timeout(limit, flush)
                    .await
                    .unwrap_or_else(|_| Err(ClientError::Timeout(format!("offsets not flushed within {limit:?}"))))
            })?,
        };
        Ok(result?)
    })
}

/// Stops the stream and frees it. With FLUVIO_OFFSET_STRATEGY_AUTO it first
/// commits and flushes what was handed out, waiting up to 5 s (call
/// `fluvio_stream_flush` before to learn whether that worked). NULL is a
/// no-op.
///
/// # Safety
/// `stream` must be NULL or from `fluvio_consumer_stream`, not used after
/// (by any thread).
#[no_mangle]
pub unsafe extern "C" fn fluvio_stream_free(stream: *mut fluvio_stream) {
    if !stream.is_null() {
        // SAFETY: a pointer from fluvio_consumer_stream, given back once.
        let stream = unsafe { Box::from_raw(stream) };
        let _ = ffi_guard(move || {
            let records = stream.stream.into_inner().unwrap_or_else(|p| p.into_inner()).records;
            // The last flush is best effort: free cannot report it.
            let _ = block_on(async { tokio::time::timeout(CLOSE_FLUSH_TIMEOUT, records.close()).await });
            Ok(())
        });
    }
}
