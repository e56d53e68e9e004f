//! The producer: `send` places a record in its partition's open batch and
//! returns at once; a dispatcher task per partition sends batches when they
//! are full or their linger expires (or on `flush`), compressed, to the
//! partition's leader, with several requests in flight.
//!
//! Delivery is at-least-once by default: a batch that fails with a
//! retriable error (the connection dropped, the leader moved, a timeout) is
//! sent again, to the current leader, with exponential backoff, before any
//! later batch of its partition; at-most-once fails it at once.

mod delivery;
mod partitioner;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinHandle;

pub use delivery::{BatchOutcome, DeliveryHandle, RecordMetadata, ReportBatch, ReportSignal, ReportedRecord, Reports};
pub use partitioner::{key_hash, Partitioner, SipHashRoundRobin};

use crate::client::{Client, ClientError, ClientStats, Connection, PendingResponse, Result};
use crate::task::{injected_panic, spawn_catching, PanicSite};
use crate::protocol::error_code::ErrorCode;
use crate::protocol::record::{Batch, Record, RecordSet, BATCH_OVERHEAD};
use crate::protocol::sc::CompressionAlgorithm;
use crate::protocol::spu::{PartitionProduceData, ProduceRequest, ProduceResponse, SmartModuleInvocation, TopicProduceData};
use crate::protocol::Compression;

/// The most records a new batch reserves report room for up front (tiny
/// records in a large batch grow the vector past it as needed).
const MAX_REPORTED_CAPACITY: usize = 4096;

/// How a failed batch is sent again (the official clients' `RetryPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first one.
    pub max_retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// A batch still failing this long after it was first sent fails for good.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    /// The official clients' defaults.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_secs(200),
            timeout: Duration::from_secs(300),
        }
    }
}

/// What a producer promises about each record (the official clients'
/// `DeliverySemantic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliverySemantic {
    /// A failed batch fails at once: records may be lost, sending never waits
    /// on an outage.
    AtMostOnce,
    /// Retriable failures are retried as the policy says: a record is lost
    /// only when its delivery reports an error; a retry after a lost
    /// acknowledgement may store it twice.
    AtLeastOnce(RetryPolicy),
}

impl Default for DeliverySemantic {
    fn default() -> Self {
        DeliverySemantic::AtLeastOnce(RetryPolicy::default())
    }
}

/// How a producer batches and sends.
#[derive(Clone)]
pub struct ProducerConfig {
    /// A batch is sent once its uncompressed size reaches this many bytes.
    pub batch_size: usize,
    /// How long an open batch waits for more records before it is sent.
    pub linger: Duration,
    /// None: the topic's codec, or no compression if the topic allows any.
    pub compression: Option<Compression>,
    /// Largest batch (uncompressed) a request may carry; larger records fail.
    pub max_request_size: usize,
    /// Batches that may wait per partition before `send` waits (or fails).
    pub batch_queue_size: usize,
    /// When the queue is full: wait up to `queue_timeout` (true) or fail
    /// with `QueueFull` at once (false).
    pub block_when_full: bool,
    pub queue_timeout: Duration,
    /// How long the cluster may take to acknowledge a request.
    pub request_timeout: Duration,
    /// Produce requests in flight per partition. With more than one, a
    /// transient error on one request alone may let the next one land
    /// first; 1 keeps strict order under every kind of failure.
    pub max_in_flight: usize,
    pub partitioner: Option<Arc<dyn Partitioner>>,
    pub delivery: DeliverySemantic,
    /// SmartModules the SPU runs on every record before storing it (the
    /// official 0.50 producer's `smartmodules`); empty: none.
    pub smartmodules: Vec<SmartModuleInvocation>,
    /// Queue a delivery report per record (see `Producer::serve_reports`),
    /// signalling with this when reports start or stop waiting. None: no
    /// reports are kept.
    pub delivery_reports: Option<ReportSignal>,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            batch_size: 16_384,
            linger: Duration::from_millis(100),
            compression: None,
            max_request_size: 1_048_576,
            batch_queue_size: 100,
            block_when_full: true,
            queue_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            max_in_flight: 5,
            partitioner: None,
            delivery: DeliverySemantic::default(),
            smartmodules: Vec::new(),
            delivery_reports: None,
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// A record's key and value as `send` was given them.
type RecordParts<'r> = (Option<&'r [u8]>, &'r [u8]);

/// A batch being filled or waiting to be sent. Dropped unresolved (the
/// producer went away, or a task panicked with it), it fails its records.
struct OpenBatch {
    owner: Weak<Shared>,
    partition: u32,
    /// Its records section as it goes on the wire uncompressed: the count,
    /// then each record, encoded as it was sent. Empty once `wire` is built.
    section: Vec<u8>,
    /// Records in it.
    count: u32,
    /// The last record's timestamp delta.
    last_timestamp_delta: i64,
    /// The batch as last sent (compressed), kept for a retry to send again.
    wire: Option<Batch>,
    /// Per record, what its delivery report will say, when reports are kept.
    reported: Vec<ReportedRecord>,
    /// Key + value bytes of its records.
    payload: u64,
    /// Its size on the wire as last built (compressed).
    wire_len: usize,
    /// Uncompressed wire size.
    size: usize,
    created_ms: i64,
    created: Instant,
    outcome: Arc<BatchOutcome>,
    /// Its place in the partition's order (retries go out in this order).
    seq: u64,
    /// Failed attempts so far.
    failures: u32,
    /// When it was first sent.
    first_sent: Option<Instant>,
}

impl Drop for OpenBatch {
    fn drop(&mut self) {
        if self.outcome.is_resolved() {
            return;
        }
        let error = if std::thread::panicking() {
            ClientError::Panic("the producer task sending the batch panicked".into())
        } else {
            ClientError::Closed
        };
        match self.owner.upgrade() {
            Some(shared) => shared.resolve(self, Err(error)),
            None => self.outcome.resolve(Err(error)),
        }
    }
}

#[derive(Default)]
struct QueueState {
    open: Option<OpenBatch>,
    ready: VecDeque<OpenBatch>,
    /// Batches to send again, by `seq`; they go before anything else.
    retry: Vec<OpenBatch>,
    /// Send the open batch now, whatever its age.
    flush: bool,
    next_seq: u64,
}

impl QueueState {
    /// Queues `batch` to go again, in its place in the partition's order.
    fn queue_retry(&mut self, batch: OpenBatch) {
        let at = self.retry.partition_point(|b| b.seq < batch.seq);
        self.retry.insert(at, batch);
    }
}

struct PartitionQueue {
    state: Mutex<QueueState>,
    /// Signalled when ready batches are taken (room for senders).
    room: Condvar,
    /// Wakes the partition's dispatcher.
    wake: Notify,
}

struct Shared {
    client: Client,
    topic: String,
    config: ProducerConfig,
    compression: Compression,
    partitioner: Arc<dyn Partitioner>,
    queues: Vec<PartitionQueue>,
    /// The first failure since the last flush.
    first_error: Mutex<Option<ClientError>>,
    /// Batches opened and not yet resolved.
    outstanding: Mutex<u64>,
    all_resolved: Condvar,
    closed: AtomicBool,
    /// Set when one of the producer's tasks panicked: every call fails then.
    panicked: Mutex<Option<String>>,
    reports: Option<Reports>,
    stats: Arc<ClientStats>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// A producer for one topic. `send` and `flush` may be called from any thread.
pub struct Producer {
    shared: Arc<Shared>,
    dispatchers: Vec<JoinHandle<()>>,
}

impl Producer {
    /// Looks the topic up and starts one dispatcher per partition on the
    /// current tokio runtime.
    pub async fn new(client: &Client, topic: &str, config: ProducerConfig) -> Result<Producer> {
        if config.batch_size == 0 || config.max_request_size < BATCH_OVERHEAD + 4 || config.batch_queue_size == 0 || config.max_in_flight == 0 {
            return Err(ClientError::InvalidArgument("batch size, max request size, queue size and in-flight limit must be positive".into()));
        }
        let spec = client.topic(topic).await?;
        let partitions = spec.partition_count();
        let compression = match (spec.compression_type, config.compression) {
            (CompressionAlgorithm::Any, chosen) => chosen.unwrap_or(Compression::None),
            (required, chosen) => {
                let required = topic_codec(required);
                if chosen.is_some_and(|c| c != required) {
                    return Err(ClientError::InvalidArgument(format!(
                        "topic '{topic}' requires {} compression",
                        required.name()
                    )));
                }
                required
            }
        };
        let partitioner = config.partitioner.clone().unwrap_or_else(|| Arc::new(SipHashRoundRobin::default()));
        let queues = (0..partitions)
            .map(|_| PartitionQueue { state: Mutex::new(QueueState::default()), room: Condvar::new(), wake: Notify::new() })
            .collect();
        let reports = config.delivery_reports.clone().map(|signal| Reports::new(partitions, Some(signal)));
        let shared = Arc::new(Shared {
            stats: client.stats().clone(),
            reports,
            panicked: Mutex::new(None),
            client: client.clone(),
            topic: topic.to_string(),
            config,
            compression,
            partitioner,
            queues,
            first_error: Mutex::new(None),
            outstanding: Mutex::new(0),
            all_resolved: Condvar::new(),
            closed: AtomicBool::new(false),
        });
        let dispatchers = (0..partitions)
            .map(|p| {
                let owner = Arc::downgrade(&shared);
                spawn_catching("producer", "a producer dispatcher", dispatch(shared.clone(), p), move |why| {
                    if let Some(shared) = owner.upgrade() {
                        shared.panicked(p, why);
                    }
                })
            })
            .collect();
        Ok(Producer { shared, dispatchers })
    }

    pub fn topic(&self) -> &str {
        &self.shared.topic
    }

    pub fn partition_count(&self) -> u32 {
        self.shared.queues.len() as u32
    }

    pub fn compression(&self) -> Compression {
        self.shared.compression
    }

    /// Adds a record to its partition's batch and returns at once (unless
    /// the partition's queue is full). The record's timestamp is now.
    pub fn send(&self, key: Option<&[u8]>, value: &[u8]) -> Result<DeliveryHandle> {
        self.send_with(key, value, 0)
    }

    /// As `send`; `opaque` comes back in the record's delivery report.
    pub fn send_with(&self, key: Option<&[u8]>, value: &[u8], opaque: usize) -> Result<DeliveryHandle> {
        Ok(self.enqueue::<true>(key, value, opaque)?.expect("asked for"))
    }

    /// As `send_with`, for a caller that learns the outcome from a flush or
    /// a delivery report, not a handle: cheaper, as no handle is made.
    pub fn send_unobserved(&self, key: Option<&[u8]>, value: &[u8], opaque: usize) -> Result<()> {
        self.enqueue::<false>(key, value, opaque).map(drop)
    }

    /// `send_with`, with a delivery handle if `WANT_HANDLE`.
    #[inline(always)]
    fn enqueue<const WANT_HANDLE: bool>(&self, key: Option<&[u8]>, value: &[u8], opaque: usize) -> Result<Option<DeliveryHandle>> {
        let (partition, record_len) = self.prepare(key, value)?;
        let now = now_ms();
        let queue = &self.shared.queues[partition as usize];
        let mut wake = false;
        // The lock is let go before the dispatcher is woken, so it does not wake into a held lock.
        let handle = self
            .make_room(queue, lock(&queue.state), record_len, &mut wake)
            .map(|mut state| self.push::<WANT_HANDLE>(&mut state, partition, (key, value), record_len, opaque, now, &mut wake));
        if wake {
            queue.wake.notify_one();
        }
        handle
    }

    /// Sends `records` in order, as `send` each but cheaper: the clock is
    /// read once (the records share their timestamp), and consecutive
    /// records for one partition are added under one lock (the partitioner
    /// runs before, never under a lock). Stops at the first record that
    /// fails; returns how many were accepted, and the failure if there was one.
    pub fn send_all<'r>(&self, records: impl IntoIterator<Item = (Option<&'r [u8]>, &'r [u8])>) -> (usize, Result<()>) {
        /// Records prepared, then added, at a time.
        const CHUNK: usize = 64;
        let now = now_ms();
        let mut accepted = 0;
        let mut records = records.into_iter();
        let mut prepared = Vec::with_capacity(CHUNK);
        loop {
            let mut failure = None;
            for (key, value) in records.by_ref().take(CHUNK) {
                match self.prepare(key, value) {
                    Ok((partition, record_len)) => prepared.push((partition, (key, value), record_len)),
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            if prepared.is_empty() && failure.is_none() {
                return (accepted, Ok(()));
            }
            let (added, result) = self.append_all(&mut prepared, now);
            accepted += added;
            if let Some(e) = result.err().or(failure) {
                return (accepted, Err(e));
            }
        }
    }

    /// Adds prepared records in order, holding each partition's lock for a
    /// run of records to it. Drains `prepared`; stops at the first failure.
    fn append_all(&self, prepared: &mut Vec<(u32, RecordParts<'_>, usize)>, now: i64) -> (usize, Result<()>) {
        let mut added = 0;
        let mut records = prepared.drain(..).peekable();
        while let Some((partition, record, record_len)) = records.next() {
            let queue = &self.shared.queues[partition as usize];
            let mut wake = false;
            let run = self.append_run(queue, partition, (record, record_len), &mut records, now, &mut added, &mut wake);
            // After the lock is let go, as in `enqueue`.
            if wake {
                queue.wake.notify_one();
            }
            if let Err(e) = run {
                return (added, Err(e));
            }
        }
        (added, Ok(()))
    }

    /// Adds `first` and the records after it for the same `partition` under
    /// one lock (let go only while waiting for room), counting them in `added`.
    #[allow(clippy::too_many_arguments)]
    fn append_run<'r>(
        &self,
        queue: &PartitionQueue,
        partition: u32,
        first: (RecordParts<'r>, usize),
        rest: &mut std::iter::Peekable<impl Iterator<Item = (u32, RecordParts<'r>, usize)>>,
        now: i64,
        added: &mut usize,
        wake: &mut bool,
    ) -> Result<()> {
        let mut state = lock(&queue.state);
        let mut next = Some(first);
        while let Some((record, record_len)) = next.take() {
            state = self.make_room(queue, state, record_len, wake)?;
            self.push::<false>(&mut state, partition, record, record_len, 0, now, wake);
            *added += 1;
            next = rest.next_if(|(p, _, _)| *p == partition).map(|(_, record, len)| (record, len));
        }
        Ok(())
    }

    /// Checks a record and picks its partition: (partition, its size
    /// estimate in a batch).
    #[inline(always)]
    fn prepare(&self, key: Option<&[u8]>, value: &[u8]) -> Result<(u32, usize)> {
        let shared = &self.shared;
        if shared.closed.load(Ordering::Acquire) {
            return Err(shared.panic_error().unwrap_or(ClientError::Closed));
        }
        let count = shared.queues.len() as u32;
        let partition = shared.partitioner.partition(key, value, count);
        if partition >= count {
            return Err(ClientError::InvalidArgument(format!(
                "the partitioner chose partition {partition}, but topic '{}' has {count}",
                shared.topic
            )));
        }
        // Deltas add at most a few varint bytes beyond this estimate.
        let record_len = Record::encoded_len_of(0, 0, key, value) + 8;
        if BATCH_OVERHEAD + 4 + record_len > shared.config.max_request_size {
            return Err(ClientError::RecordTooLarge { size: value.len() + key.map_or(0, <[u8]>::len), max: shared.config.max_request_size });
        }
        Ok((partition, record_len))
    }

    /// Makes room in `queue` for a record of `record_len` bytes: closes the
    /// open batch if the record would overflow it, and waits while the queue
    /// of ready batches is full. Gives the lock back; sets `wake` when the
    /// partition's dispatcher must be woken after the lock is let go.
    #[inline(always)]
    fn make_room<'q>(
        &self,
        queue: &'q PartitionQueue,
        mut state: MutexGuard<'q, QueueState>,
        record_len: usize,
        wake: &mut bool,
    ) -> Result<MutexGuard<'q, QueueState>> {
        if self.has_room(&mut state, record_len, wake) {
            return Ok(state);
        }
        self.wait_for_room(queue, state, record_len, wake)
    }

    /// Whether a record of `record_len` bytes can be added now, after
    /// closing the open batch if the record would overflow it.
    #[inline(always)]
    fn has_room(&self, state: &mut QueueState, record_len: usize, wake: &mut bool) -> bool {
        let config = &self.shared.config;
        if state.open.as_ref().is_some_and(|open| open.size + record_len > config.batch_size) {
            let full = state.open.take().expect("checked");
            state.ready.push_back(full);
            *wake = true;
        }
        state.open.is_some() || state.ready.len() < config.batch_queue_size
    }

    /// `make_room` when `has_room` said no: waits for the dispatcher to take
    /// a ready batch, up to the queue timeout.
    #[cold]
    fn wait_for_room<'q>(
        &self,
        queue: &'q PartitionQueue,
        mut state: MutexGuard<'q, QueueState>,
        record_len: usize,
        wake: &mut bool,
    ) -> Result<MutexGuard<'q, QueueState>> {
        let shared = &self.shared;
        // Read the clock only when the queue makes this call wait.
        let mut deadline = None;
        loop {
            if *wake {
                queue.wake.notify_one();
                *wake = false;
            }
            if !shared.config.block_when_full {
                return Err(ClientError::QueueFull);
            }
            let now = Instant::now();
            let deadline = *deadline.get_or_insert_with(|| now + shared.config.queue_timeout);
            if now >= deadline {
                return Err(ClientError::Timeout(format!("no room in the producer queue within {:?}", shared.config.queue_timeout)));
            }
            state = queue.room.wait_timeout(state, deadline - now).unwrap_or_else(|p| p.into_inner()).0;
            if shared.closed.load(Ordering::Acquire) {
                return Err(ClientError::Closed);
            }
            if self.has_room(&mut state, record_len, wake) {
                return Ok(state);
            }
        }
    }

    /// Adds a prepared record to `partition`'s open batch (opening one if
    /// there is none), timestamped `now`, after `make_room`. Returns a
    /// delivery handle if `WANT_HANDLE`; sets `wake` as `make_room` does.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn push<const WANT_HANDLE: bool>(
        &self,
        state: &mut QueueState,
        partition: u32,
        (key, value): RecordParts<'_>,
        record_len: usize,
        opaque: usize,
        now: i64,
        wake: &mut bool,
    ) -> Option<DeliveryHandle> {
        let shared = &self.shared;
        if state.open.is_none() {
            *lock(&shared.outstanding) += 1;
            let seq = state.next_seq;
            state.next_seq += 1;
            state.open = Some(OpenBatch {
                owner: Arc::downgrade(shared),
                partition,
                section: {
                    // Room for a full batch (or this one record): no regrowth.
                    let mut section = Vec::with_capacity(shared.config.batch_size.max(record_len).min(shared.config.max_request_size));
                    section.extend_from_slice(&0u32.to_be_bytes()); // the count, set when it is sent
                    section
                },
                count: 0,
                last_timestamp_delta: 0,
                wire: None,
                // Sized for a batch of records like this one: no regrowth.
                reported: if shared.reports.is_some() {
                    Vec::with_capacity((shared.config.batch_size / record_len).clamp(1, MAX_REPORTED_CAPACITY))
                } else {
                    Vec::new()
                },
                payload: 0,
                wire_len: 0,
                size: BATCH_OVERHEAD + 4,
                created_ms: now,
                created: Instant::now(),
                outcome: BatchOutcome::new(),
                seq,
                failures: 0,
                first_sent: None,
            });
            *wake = true; // arm the linger timer
        }
        let open = state.open.as_mut().expect("opened above");
        let timestamp_delta = (now - open.created_ms).max(0);
        let before = open.section.len();
        Record::encode_parts(&mut open.section, 0, timestamp_delta, open.count.into(), key, value);
        open.size += open.section.len() - before;
        let handle = WANT_HANDLE.then(|| DeliveryHandle { batch: open.outcome.clone(), index: open.count, partition });
        open.payload += (value.len() + key.map_or(0, <[u8]>::len)) as u64;
        if shared.reports.is_some() {
            open.reported.push(ReportedRecord { opaque, timestamp: open.created_ms + timestamp_delta });
        }
        open.count += 1;
        open.last_timestamp_delta = timestamp_delta;
        ClientStats::gauge(&shared.stats.queued_records, 1);
        if open.size >= shared.config.batch_size {
            let full = state.open.take().expect("present");
            state.ready.push_back(full);
            *wake = true;
        }
        handle
    }

    /// Sends every open batch now and waits (up to `timeout`) until every
    /// batch opened so far is acknowledged or failed. Returns the first
    /// failure since the previous flush.
    pub fn flush(&self, timeout: Duration) -> Result<()> {
        self.shared.flush(timeout)
    }

    /// Waits up to `timeout` for delivery reports and hands each waiting
    /// batch's reports to `serve` on this thread (see `Reports::serve`).
    /// Returns how many records were reported.
    pub fn serve_reports(&self, timeout: Duration, serve: impl FnMut(&ReportBatch)) -> usize {
        self.shared.reports.as_ref().map_or(0, |r| r.serve(timeout, serve))
    }

    /// As `serve_reports` without waiting, even from inside a callback: the
    /// last reports of a producer being dropped.
    pub fn serve_final_reports(&self, serve: impl FnMut(&ReportBatch)) -> usize {
        self.shared.reports.as_ref().map_or(0, |r| r.serve_final(serve))
    }

    /// The failure of a task of this producer that panicked, if one did.
    pub fn panic_error(&self) -> Option<ClientError> {
        self.shared.panic_error()
    }

    /// Flushes (up to `timeout`), then stops the dispatchers once they have
    /// sent what is still queued and their requests in flight are answered.
    pub async fn close(mut self, timeout: Duration) -> Result<()> {
        self.stop(timeout).await
    }

    /// As `close`, keeping the producer for the delivery reports that are
    /// left to serve; sending afterwards fails with `Closed`.
    pub async fn stop(&mut self, timeout: Duration) -> Result<()> {
        let shared = self.shared.clone();
        let flushed = tokio::task::spawn_blocking(move || shared.flush(timeout))
            .await
            .unwrap_or_else(|e| Err(ClientError::Panic(format!("flush panicked: {e}"))));
        self.shutdown();
        for dispatcher in std::mem::take(&mut self.dispatchers) {
            let _ = dispatcher.await;
        }
        // What the dispatchers left (they ended after a panic) fails now.
        for partition in 0..self.shared.queues.len() as u32 {
            self.shared.fail_queued(partition, &ClientError::Closed);
        }
        // A dispatcher that panicked left its requests in flight: their
        // answers settle them (and report them) within the timeout.
        self.shared.wait_resolved(timeout);
        flushed
    }

    fn shutdown(&self) {
        let shared = &self.shared;
        shared.closed.store(true, Ordering::Release);
        for queue in &shared.queues {
            queue.wake.notify_one();
            queue.room.notify_all();
        }
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        if !self.dispatchers.is_empty() {
            self.shutdown();
        }
    }
}

fn topic_codec(algorithm: CompressionAlgorithm) -> Compression {
    match algorithm {
        CompressionAlgorithm::None | CompressionAlgorithm::Any => Compression::None,
        CompressionAlgorithm::Gzip => Compression::Gzip,
        CompressionAlgorithm::Snappy => Compression::Snappy,
        CompressionAlgorithm::Lz4 => Compression::Lz4,
        CompressionAlgorithm::Zstd => Compression::Zstd,
    }
}

impl Shared {
    /// Settles one batch's attempt: done, or (at-least-once, a retriable
    /// error, within the policy) queued to go again.
    fn settle(&self, partition: u32, mut batch: OpenBatch, result: Result<i64>) {
        if let (Err(e), DeliverySemantic::AtLeastOnce(policy)) = (&result, self.config.delivery) {
            let first_sent = *batch.first_sent.get_or_insert_with(Instant::now);
            // Not once a task panicked: nothing would send it again.
            let stopped = lock(&self.panicked).is_some();
            if e.is_retriable() && !stopped && batch.failures < policy.max_retries && first_sent.elapsed() < policy.timeout {
                batch.failures += 1;
                ClientStats::count(&self.stats.retries, 1);
                crate::log!(
                    Info,
                    "producer",
                    "retrying {} records to {}-{partition} (attempt {}): {e}",
                    batch.count,
                    self.topic,
                    batch.failures + 1
                );
                let queue = &self.queues[partition as usize];
                lock(&queue.state).queue_retry(batch);
                queue.wake.notify_one();
                return;
            }
        }
        if let Err(e) = &result {
            crate::log!(Warning, "producer", "{} records to {}-{partition} failed: {e}", batch.count, self.topic);
        }
        self.resolve(&mut batch, result);
    }

    /// Waits up to `timeout` until every batch opened so far is resolved.
    fn wait_resolved(&self, timeout: Duration) {
        let outstanding = lock(&self.outstanding);
        drop(self.all_resolved.wait_timeout_while(outstanding, timeout, |n| *n > 0));
    }

    /// See `Producer::flush`.
    fn flush(&self, timeout: Duration) -> Result<()> {
        for queue in &self.queues {
            lock(&queue.state).flush = true;
            queue.wake.notify_one();
        }
        let outstanding = lock(&self.outstanding);
        let (outstanding, result) = self
            .all_resolved
            .wait_timeout_while(outstanding, timeout, |n| *n > 0 && self.panic_error().is_none())
            .unwrap_or_else(|p| p.into_inner());
        if let Some(e) = self.panic_error() {
            return Err(e);
        }
        if result.timed_out() {
            return Err(ClientError::Timeout(format!("{} batches not acknowledged within {timeout:?}", *outstanding)));
        }
        drop(outstanding);
        match lock(&self.first_error).take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Settles a batch for good: its handles, its reports, the counters.
    fn resolve(&self, batch: &mut OpenBatch, result: std::result::Result<i64, ClientError>) {
        let records = u64::from(batch.count);
        match &result {
            Ok(_) => {
                let stats = &self.stats;
                ClientStats::count(&stats.produced_records, records);
                ClientStats::count(&stats.produced_bytes, batch.payload);
                ClientStats::count(&stats.produced_batches, 1);
                ClientStats::count(&stats.batch_bytes_uncompressed, batch.size as u64);
                ClientStats::count(&stats.batch_bytes_compressed, batch.wire_len as u64);
            }
            Err(e) => {
                ClientStats::count(&self.stats.failed_records, records);
                lock(&self.first_error).get_or_insert_with(|| e.clone());
            }
        }
        ClientStats::gauge(&self.stats.queued_records, -(records as i64));
        if let Some(reports) = &self.reports {
            let report = ReportBatch { partition: batch.partition, result: result.clone(), records: std::mem::take(&mut batch.reported) };
            reports.push(batch.seq, report);
        }
        batch.outcome.resolve(result);
        let mut outstanding = lock(&self.outstanding);
        *outstanding = outstanding.saturating_sub(1);
        if *outstanding == 0 {
            self.all_resolved.notify_all();
        }
    }
}

impl Shared {
    fn panic_error(&self) -> Option<ClientError> {
        lock(&self.panicked).clone().map(ClientError::Panic)
    }

    /// A task of `partition` panicked: the producer stops, and whatever the
    /// partition still queues fails (batches the task held failed as it
    /// unwound).
    fn panicked(&self, partition: u32, why: String) {
        {
            let mut panicked = lock(&self.panicked);
            panicked.get_or_insert(why.clone());
            // Closed under the same lock: whoever sees the panic (a flush
            // that returns with it) also sees sends refused.
            self.closed.store(true, Ordering::Release);
        }
        self.fail_queued(partition, &ClientError::Panic(why));
        if let Some(reports) = &self.reports {
            // A poll waiting without limit returns, to see the panic.
            reports.close();
        }
        for queue in &self.queues {
            queue.wake.notify_one();
            queue.room.notify_all();
        }
        let _outstanding = lock(&self.outstanding);
        self.all_resolved.notify_all();
    }

    /// Fails every batch the partition's queue still holds.
    fn fail_queued(&self, partition: u32, error: &ClientError) {
        let queue = &self.queues[partition as usize];
        let mut batches: Vec<OpenBatch> = {
            let mut state = lock(&queue.state);
            let mut batches = std::mem::take(&mut state.retry);
            batches.extend(state.ready.drain(..));
            batches.extend(state.open.take());
            batches
        };
        batches.sort_by_key(|b| b.seq);
        for batch in &mut batches {
            self.resolve(batch, Err(error.clone()));
        }
    }
}

/// The dispatcher of one partition: sends ready batches, and the open one
/// once its linger expires or a flush asks for it; batches to retry first.
async fn dispatch(shared: Arc<Shared>, partition: u32) {
    let queue = &shared.queues[partition as usize];
    let in_flight = Arc::new(Semaphore::new(shared.config.max_in_flight));
    let all_permits = shared.config.max_in_flight as u32;
    // The connection requests go over; see `send_batches`.
    let mut current: Option<Arc<Connection>> = None;
    loop {
        injected_panic(PanicSite::ProducerDispatch);
        let closing = shared.closed.load(Ordering::Acquire);
        if !lock(&queue.state).retry.is_empty() {
            // Nothing else in flight while failed batches go again, in order;
            // taken only once every request in flight has settled, as their
            // answers are handled concurrently and may add older batches.
            let Ok(exclusive) = in_flight.acquire_many(all_permits).await else { return };
            let retry = std::mem::take(&mut lock(&queue.state).retry);
            retry_batches(&shared, partition, retry, &mut current).await;
            drop(exclusive);
            continue;
        }
        let (batches, deadline) = {
            let mut state = lock(&queue.state);
            // A request carries ready batches up to max_request_size bytes
            // (one at least): what waits in the connection's write buffer
            // stays bounded by max_in_flight requests of that size.
            let mut batches: Vec<OpenBatch> = Vec::new();
            let mut bytes = 0;
            while let Some(next) = state.ready.front() {
                if !batches.is_empty() && bytes + next.size > shared.config.max_request_size {
                    break;
                }
                bytes += next.size;
                batches.extend(state.ready.pop_front());
            }
            let mut deadline = None;
            // The open batch goes after every ready one, in the last request.
            if state.ready.is_empty() {
                if let Some(open) = &state.open {
                    if state.flush || closing || open.created.elapsed() >= shared.config.linger {
                        batches.push(state.open.take().expect("present"));
                    } else {
                        deadline = Some(open.created + shared.config.linger);
                    }
                }
                state.flush = false;
            }
            (batches, deadline)
        };
        if !batches.is_empty() {
            queue.room.notify_all();
            send_batches(&shared, partition, batches, &in_flight, &mut current).await;
            continue;
        }
        if closing {
            // Let in-flight requests finish (they may leave batches to retry)
            // before the dispatcher ends.
            let Ok(all) = in_flight.acquire_many(all_permits).await else { return };
            drop(all);
            if lock(&queue.state).retry.is_empty() {
                return;
            }
            continue;
        }
        match deadline {
            Some(deadline) => {
                tokio::select! {
                    _ = queue.wake.notified() => {}
                    _ = tokio::time::sleep_until(deadline.into()) => {}
                }
            }
            None => queue.wake.notified().await,
        }
    }
}

/// A produce request carrying `batches` (one entry each). The request
/// holds their wire batches while it lives; dropped, it gives each back to
/// its `OpenBatch`, where a retry finds it (the borrow makes sure that
/// happens before the batches are settled or moved).
struct BuiltRequest<'b> {
    request: ProduceRequest,
    batches: &'b mut [OpenBatch],
}

impl Drop for BuiltRequest<'_> {
    fn drop(&mut self) {
        let entries = self.request.topics.iter_mut().flat_map(|t| t.partitions.iter_mut());
        for (batch, entry) in self.batches.iter_mut().zip(entries) {
            batch.wire = entry.records.batches.pop();
        }
    }
}

/// The produce request carrying `batches`, or the error that kept it from
/// being built. Each batch is built (compressed) once: a retry sends the
/// same bytes again.
fn produce_request<'b>(shared: &Shared, partition: u32, batches: &'b mut [OpenBatch]) -> std::result::Result<BuiltRequest<'b>, ClientError> {
    let topic = TopicProduceData { name: shared.topic.clone(), partitions: Vec::with_capacity(batches.len()) };
    let request = ProduceRequest {
        timeout_ms: shared.config.request_timeout.as_millis().min(i32::MAX as u128) as i32,
        topics: vec![topic],
        smartmodules: shared.config.smartmodules.clone(),
        ..ProduceRequest::default()
    };
    // Built in place: if one batch fails, the ones before it get theirs back.
    let mut built = BuiltRequest { request, batches };
    for index in 0..built.batches.len() {
        let batch = &mut built.batches[index];
        let wire = match batch.wire.take() {
            Some(wire) => wire,
            None => {
                let mut section = std::mem::take(&mut batch.section);
                section[..4].copy_from_slice(&batch.count.to_be_bytes());
                Batch::from_section(section, batch.last_timestamp_delta, shared.compression, batch.created_ms)
                    .map_err(|e| ClientError::Protocol(format!("compressing a batch: {e}")))?
            }
        };
        batch.wire_len = wire.encoded_len();
        built.request.topics[0].partitions.push(PartitionProduceData { partition_index: partition, records: RecordSet::new(vec![wire]) });
    }
    Ok(built)
}

/// The connection to the partition's current leader: a few attempts.
async fn leader_connection(shared: &Shared, partition: u32) -> Result<Arc<Connection>> {
    let mut last_error = ClientError::Closed;
    for attempt in 0..3u32 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
        }
        match shared.client.leader(&shared.topic, partition).await {
            Ok(connection) => return Ok(connection),
            Err(e) => last_error = e,
        }
    }
    Err(last_error)
}

/// Writes `request` to the partition's leader; returns the pending answer.
async fn write_request(
    shared: &Shared,
    partition: u32,
    request: &ProduceRequest,
    current: &mut Option<Arc<Connection>>,
) -> Result<PendingResponse<ProduceResponse>> {
    let connection = leader_connection(shared, partition).await?;
    *current = Some(connection.clone());
    connection.send(request).await
}

/// Each batch's result from the answer to the request carrying them.
fn results_of(shared: &Shared, partition: u32, batches: &[OpenBatch], response: Result<ProduceResponse>) -> Vec<Result<i64>> {
    match response {
        Ok(response) => {
            let mut entries = response.responses.into_iter().flat_map(|t| t.partitions);
            batches
                .iter()
                .map(|_| match entries.next() {
                    Some(entry) if entry.error_code == ErrorCode::None => Ok(entry.base_offset),
                    Some(entry) => {
                        Err(ClientError::from_code(entry.error_code, &shared.topic, format!("producing to {}-{partition}", shared.topic)))
                    }
                    None => Err(ClientError::Protocol("the produce response has fewer entries than the request".into())),
                })
                .collect()
        }
        Err(e) => batches.iter().map(|_| Err(e.clone())).collect(),
    }
}


/// Sends the batches to retry in one request, after the backoff their
/// failures call for, and settles them from the answer (retriable failures
/// queue them again).
async fn retry_batches(shared: &Arc<Shared>, partition: u32, mut batches: Vec<OpenBatch>, current: &mut Option<Arc<Connection>>) {
    if let DeliverySemantic::AtLeastOnce(policy) = shared.config.delivery {
        let failures = batches.iter().map(|b| b.failures).max().unwrap_or(1).max(1);
        let backoff = policy.initial_backoff.saturating_mul(1 << (failures - 1).min(20)).min(policy.max_backoff);
        tokio::time::sleep(backoff).await;
    }
    let response = match produce_request(shared, partition, &mut batches) {
        Err(e) => Err(e),
        Ok(built) => match write_request(shared, partition, &built.request, current).await {
            Ok(pending) => {
                let _in_flight = InFlight::start(&shared.stats);
                pending.wait(shared.config.request_timeout).await
            }
            Err(e) => Err(e),
        },
    };
    let results = results_of(shared, partition, &batches, response);
    for (batch, result) in batches.into_iter().zip(results) {
        shared.settle(partition, batch, result);
    }
}

/// Sends `batches` in one Produce request (one entry per batch) and settles
/// them from the response, by position, in a task of their own so that
/// further requests can go out meanwhile.
///
/// Requests of a partition go over one connection at a time: when the
/// leader's connection changes (the leader moved, or a connection was
/// re-made), everything in flight on the old one settles first, and any of
/// it that failed goes again before these batches. So a move or a dropped
/// connection never lets a newer batch land before an older one.
async fn send_batches(
    shared: &Arc<Shared>,
    partition: u32,
    mut batches: Vec<OpenBatch>,
    in_flight: &Arc<Semaphore>,
    current: &mut Option<Arc<Connection>>,
) {
    let now = Instant::now();
    for batch in &mut batches {
        batch.first_sent.get_or_insert(now);
    }
    let connection = match leader_connection(shared, partition).await {
        Ok(connection) => connection,
        Err(e) => {
            for batch in batches {
                shared.settle(partition, batch, Err(e.clone()));
            }
            return;
        }
    };
    if current.as_ref().is_some_and(|c| !Arc::ptr_eq(c, &connection)) {
        let all = shared.config.max_in_flight as u32;
        let Ok(drained) = in_flight.acquire_many(all).await else { return };
        drop(drained);
    }
    let permit = match in_flight.clone().acquire_owned().await {
        Ok(permit) => permit,
        Err(_) => return,
    };
    {
        // An answer that came while these waited for the permit may have
        // queued older batches to retry: they go first, these join them in
        // order. (Without this, one request in flight would not keep order.)
        let mut state = lock(&shared.queues[partition as usize].state);
        if !state.retry.is_empty() {
            for batch in batches {
                state.queue_retry(batch);
            }
            return;
        }
    }
    *current = Some(connection.clone());
    // The request gives the batches back (for a retry) once written. Two
    // steps: matched at once, the request's borrow of `batches` would last
    // into the arm that settles them.
    let sent = match produce_request(shared, partition, &mut batches) {
        Ok(built) => Ok(connection.send(&built.request).await),
        Err(error) => Err(error),
    };
    let sent = match sent {
        Ok(sent) => sent,
        Err(error) => {
            drop(permit);
            for batch in &mut batches {
                shared.resolve(batch, Err(error.clone()));
            }
            return;
        }
    };
    let pending = match sent {
        Ok(pending) => pending,
        Err(e) => {
            drop(permit);
            for batch in batches {
                shared.settle(partition, batch, Err(e.clone()));
            }
            return;
        }
    };
    let shared = shared.clone();
    let timeout = shared.config.request_timeout;
    let owner = Arc::downgrade(&shared);
    let answer = async move {
        let in_flight = InFlight::start(&shared.stats);
        let response = pending.wait(timeout).await;
        drop(in_flight);
        let results = results_of(&shared, partition, &batches, response);
        // Failed batches are queued for retry before the permit goes, so the
        // dispatcher sees them before it sends anything newer.
        for (batch, result) in batches.into_iter().zip(results) {
            shared.settle(partition, batch, result);
        }
        drop(permit);
    };
    spawn_catching("producer", "a produce answer handler", answer, move |why| {
        if let Some(shared) = owner.upgrade() {
            shared.panicked(partition, why);
        }
    });
}

/// A produce request in flight: counted, and its round trip timed.
struct InFlight<'a> {
    stats: &'a ClientStats,
    since: Instant,
}

impl<'a> InFlight<'a> {
    fn start(stats: &'a ClientStats) -> Self {
        ClientStats::gauge(&stats.requests_in_flight, 1);
        InFlight { stats, since: Instant::now() }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        ClientStats::gauge(&self.stats.requests_in_flight, -1);
        self.stats.produce_latency.record(self.since.elapsed());
    }
}
