//! Consumers, offsets, record streams (with a readiness file descriptor),
//! and the records they yield.

use std::ffi::c_char;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{Arc, Mutex};

use super::client::fluvio_client;
use super::error::{ffi_guard, fluvio_status, FfiError};
use super::runtime::block_on;
use super::util::{c_str, handle, timeout, write_out};
use crate::client::{Client, ClientError};
use crate::consumer::{next_within, ConsumerRecord, Offset, RecordStream, StreamConfig};

/// `fluvio_consumer`'s partition argument for "every partition of the topic".
pub const FLUVIO_ALL_PARTITIONS: i32 = -1;

/// What a `fluvio_offset` counts from.
pub type fluvio_offset_kind = u32;
/// `value` is an absolute offset.
pub const FLUVIO_OFFSET_ABSOLUTE: fluvio_offset_kind = 0;
/// `value` records after the first stored record.
pub const FLUVIO_OFFSET_FROM_BEGINNING: fluvio_offset_kind = 1;
/// `value` records before the end.
pub const FLUVIO_OFFSET_FROM_END: fluvio_offset_kind = 2;

/// Where a stream starts; build one with the `fluvio_offset_*` functions.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct fluvio_offset {
    pub kind: fluvio_offset_kind,
    pub value: i64,
}

/// A consumer of one partition, or of every partition, of a topic. Any
/// thread may use it; it is freed by `fluvio_consumer_free` (streams opened
/// from it keep working).
pub struct fluvio_consumer {
    client: Client,
    topic: String,
    partition: i32,
}

/// A stream of records. One thread at a time may read it (calls are
/// serialized internally, so concurrent calls are safe but wait). Freed by
/// `fluvio_stream_free`.
pub struct fluvio_stream {
    stream: Mutex<RecordStream>,
    /// Readable while records wait (see `fluvio_stream_fd`).
    ready_read: OwnedFd,
    ready_write: Arc<OwnedFd>,
}

/// A consumed record, owned by the caller until `fluvio_record_free`. Any
/// thread may read it.
pub struct fluvio_record {
    record: ConsumerRecord,
    /// The value followed by a NUL byte.
    value: Vec<u8>,
}

/// The first record still stored.
#[no_mangle]
pub extern "C" fn fluvio_offset_beginning() -> fluvio_offset {
    fluvio_offset { kind: FLUVIO_OFFSET_FROM_BEGINNING, value: 0 }
}

/// The end: only records produced after the stream opens.
#[no_mangle]
pub extern "C" fn fluvio_offset_end() -> fluvio_offset {
    fluvio_offset { kind: FLUVIO_OFFSET_FROM_END, value: 0 }
}

/// Offset `offset` (a negative one is refused by `fluvio_consumer_stream`;
/// one past the end waits for it to be produced).
#[no_mangle]
pub extern "C" fn fluvio_offset_absolute(offset: i64) -> fluvio_offset {
    fluvio_offset { kind: FLUVIO_OFFSET_ABSOLUTE, value: offset }
}

/// `n` records after the first one still stored.
#[no_mangle]
pub extern "C" fn fluvio_offset_from_beginning(n: u32) -> fluvio_offset {
    fluvio_offset { kind: FLUVIO_OFFSET_FROM_BEGINNING, value: n.into() }
}

/// `n` records before the end: the last `n` records, then new ones.
#[no_mangle]
pub extern "C" fn fluvio_offset_from_end(n: u32) -> fluvio_offset {
    fluvio_offset { kind: FLUVIO_OFFSET_FROM_END, value: n.into() }
}

fn to_offset(offset: fluvio_offset) -> Result<Offset, FfiError> {
    let count = || u32::try_from(offset.value).map_err(|_| FfiError::invalid(format!("offset count {} is out of range", offset.value)));
    match offset.kind {
        FLUVIO_OFFSET_ABSOLUTE if offset.value < 0 => Err(FfiError::invalid(format!("offset {} is negative", offset.value))),
        FLUVIO_OFFSET_ABSOLUTE => Ok(Offset::Absolute(offset.value)),
        FLUVIO_OFFSET_FROM_BEGINNING => Ok(Offset::FromBeginning(count()?)),
        FLUVIO_OFFSET_FROM_END => Ok(Offset::FromEnd(count()?)),
        kind => Err(FfiError::invalid(format!("unknown offset kind {kind}"))),
    }
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
pub unsafe extern "C" fn fluvio_consumer(
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
        let spec = block_on(client.client.topic(topic))??;
        if partition >= 0 && partition as u32 >= spec.partition_count() {
            return Err(FfiError::invalid(format!(
                "topic '{topic}' has {} partitions; there is no partition {partition}",
                spec.partition_count()
            )));
        }
        let consumer = fluvio_consumer { client: client.client.clone(), topic: topic.to_string(), partition };
        // SAFETY: checked for NULL above.
        unsafe { write_out(out, Box::into_raw(Box::new(consumer)), "out") }
    })
}

/// Frees a consumer. NULL is a no-op.
///
/// # Safety
/// `consumer` must be NULL or from `fluvio_consumer`, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_free(consumer: *mut fluvio_consumer) {
    if !consumer.is_null() {
        // SAFETY: a pointer from fluvio_consumer, given back once.
        drop(unsafe { Box::from_raw(consumer) });
    }
}

/// The readiness descriptor and the end the partitions' tasks signal: a
/// socket pair, not a pipe, so that a task still signalling after the stream
/// was freed gets EPIPE instead of a SIGPIPE that kills the C program.
fn ready_pair() -> Result<(OwnedFd, OwnedFd), FfiError> {
    let mut fds = [0; 2];
    // SAFETY: socketpair writes two descriptors into the array it is given.
    let rc = unsafe {
        libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr())
    };
    if rc != 0 {
        return Err(FfiError::new(fluvio_status::FLUVIO_ERR_IO, format!("socketpair: {}", std::io::Error::last_os_error())));
    }
    use std::os::fd::FromRawFd;
    // SAFETY: socketpair succeeded, so both descriptors are open and ours alone.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Makes the readiness descriptor readable (a full buffer is already
/// readable; a freed stream's closed descriptor is ignored).
fn signal(fd: &OwnedFd) {
    let byte = 1u8;
    // SAFETY: sends one byte from a live buffer on a socket we own; MSG_NOSIGNAL: no SIGPIPE.
    let _ = unsafe { libc::send(fd.as_raw_fd(), (&byte as *const u8).cast(), 1, libc::MSG_NOSIGNAL) };
}

/// Empties the readiness descriptor.
fn drain(fd: &OwnedFd) {
    let mut buf = [0u8; 64];
    // SAFETY: reads into a live buffer of the given size from a non-blocking descriptor we own.
    while unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
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
        let (ready_read, ready_write) = ready_pair()?;
        let ready_write = Arc::new(ready_write);
        let on_ready = {
            let fd = ready_write.clone();
            Arc::new(move || signal(&fd)) as Arc<dyn Fn() + Send + Sync>
        };
        let stream = block_on(async {
            let partitions: Vec<u32> = if consumer.partition == FLUVIO_ALL_PARTITIONS {
                (0..consumer.client.topic(&consumer.topic).await?.partition_count()).collect()
            } else {
                vec![consumer.partition as u32]
            };
            RecordStream::open(&consumer.client, &consumer.topic, &partitions, offset, StreamConfig::default(), Some(on_ready)).await
        })??;
        let stream = fluvio_stream { stream: Mutex::new(stream), ready_read, ready_write };
        // SAFETY: checked for NULL above.
        unsafe { write_out(out, Box::into_raw(Box::new(stream)), "out") }
    })
}

/// Waits up to `timeout_ms` (0: do not wait; -1: without limit) for the
/// next record. On FLUVIO_OK `*out` owns the record (free it with
/// `fluvio_record_free`); otherwise `*out` is set to NULL.
///
/// Returns FLUVIO_ERR_TIMEOUT (also named FLUVIO_TIMEOUT) when no record arrived in time (the stream
/// stays usable), FLUVIO_ERR_CLOSED after the stream ended, or the error
/// that ended it (for example FLUVIO_ERR_SERVER when the topic was deleted,
/// FLUVIO_ERR_CONNECTION when the cluster went away).
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
        let mut records = stream.stream.lock().unwrap_or_else(|p| p.into_inner());
        let next = match records.try_next() {
            Some(next) => Some(next),
            None if records.is_ended() => None,
            None if timeout_ms == 0 => Some(Err(ClientError::Timeout("no record waiting".into()))),
            None => block_on(next_within(&mut records, timeout(timeout_ms)))?,
        };
        // Nothing left to read: clear the readiness signal. Records queued
        // meanwhile signal it again.
        drain(&stream.ready_read);
        if records.has_pending() {
            signal(&stream.ready_write);
        }
        let record = match next {
            Some(Ok(record)) => record,
            Some(Err(e)) => return Err(e.into()),
            None => return Err(FfiError::new(fluvio_status::FLUVIO_ERR_CLOSED, "the stream has ended")),
        };
        let mut value = Vec::with_capacity(record.value.len() + 1);
        value.extend_from_slice(&record.value);
        value.push(0);
        // SAFETY: checked for NULL above.
        unsafe { out.write(Box::into_raw(Box::new(fluvio_record { record, value }))) };
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
    // SAFETY: NULL-checked; live per the contract.
    unsafe { stream.as_ref() }.map_or(-1, |s| s.ready_read.as_raw_fd())
}

/// Stops the stream and frees it. NULL is a no-op.
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
            drop(stream);
            Ok(())
        });
    }
}

/// # Safety
/// `record` must be NULL or a live record.
unsafe fn record_ref<'a>(record: *const fluvio_record) -> Option<&'a fluvio_record> {
    // SAFETY: NULL-checked; live per the contract.
    unsafe { record.as_ref() }
}

/// The record's key and its length in `*len` (if `len` is not NULL), or
/// NULL (and 0) when the record has no key. Owned by the record: valid
/// until `fluvio_record_free`.
///
/// # Safety
/// `record` must be NULL or a live record; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_key(record: *const fluvio_record, len: *mut usize) -> *const std::ffi::c_void {
    // SAFETY: per the contract.
    let key = unsafe { record_ref(record) }.and_then(|r| r.record.key.as_deref());
    if !len.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { len.write(key.map_or(0, <[u8]>::len)) };
    }
    key.map_or(std::ptr::null(), |k| k.as_ptr().cast())
}

/// The record's value and its length in `*len` (if `len` is not NULL). The
/// bytes are followed by a NUL byte not counted in the length. Owned by the
/// record: valid until `fluvio_record_free`. NULL if `record` is NULL.
///
/// # Safety
/// `record` must be NULL or a live record; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_value(record: *const fluvio_record, len: *mut usize) -> *const std::ffi::c_void {
    // SAFETY: per the contract.
    let record = unsafe { record_ref(record) };
    if !len.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { len.write(record.map_or(0, |r| r.record.value.len())) };
    }
    record.map_or(std::ptr::null(), |r| r.value.as_ptr().cast())
}

/// The record's value as a C string (it stops at the first NUL byte if the
/// value contains one). Owned by the record: valid until
/// `fluvio_record_free`. NULL if `record` is NULL.
///
/// # Safety
/// `record` must be NULL or a live record.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_value_str(record: *const fluvio_record) -> *const c_char {
    // SAFETY: per the contract.
    unsafe { record_ref(record) }.map_or(std::ptr::null(), |r| r.value.as_ptr().cast())
}

/// The record's offset in its partition (-1 if `record` is NULL).
///
/// # Safety
/// `record` must be NULL or a live record.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_offset(record: *const fluvio_record) -> i64 {
    // SAFETY: per the contract.
    unsafe { record_ref(record) }.map_or(-1, |r| r.record.offset)
}

/// The record's partition (0 if `record` is NULL).
///
/// # Safety
/// `record` must be NULL or a live record.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_partition(record: *const fluvio_record) -> u32 {
    // SAFETY: per the contract.
    unsafe { record_ref(record) }.map_or(0, |r| r.record.partition)
}

/// When the record was produced, in milliseconds since the Unix epoch, or
/// -1 when unknown (or `record` is NULL).
///
/// # Safety
/// `record` must be NULL or a live record.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_timestamp(record: *const fluvio_record) -> i64 {
    // SAFETY: per the contract.
    unsafe { record_ref(record) }.map_or(-1, |r| r.record.timestamp)
}

/// Frees a record. NULL is a no-op.
///
/// # Safety
/// `record` must be NULL or from `fluvio_stream_next`, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_record_free(record: *mut fluvio_record) {
    if !record.is_null() {
        // SAFETY: a pointer from fluvio_stream_next, given back once.
        drop(unsafe { Box::from_raw(record) });
    }
}
