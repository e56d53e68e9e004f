//! The consumer: resolves a start offset per partition, opens a StreamFetch
//! on each partition's leader, and delivers records in order, acknowledging
//! each frame so the SPU sends more. A batch cut at a fetch boundary is
//! never skipped: the stream resumes at the first record not delivered.
//!
//! A stream opened with a consumer id resumes after the last offset that
//! consumer committed, and commits and flushes its own progress (manually,
//! or automatically), as the official clients' offset management does.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::client::{validate_consumer_id, Client, ClientError, ClientStats, Connection, PartitionLag, Result, StreamLags, REQUEST_TIMEOUT};
use crate::task::{injected_panic, spawn_catching, PanicSite};

/// Called (on a runtime thread) after records or an error were queued, with
/// a check of whether anything is still queued: the reader may have taken it
/// already. Whoever signals readiness runs the check under its own lock.
pub type OnReady = Arc<dyn Fn(&dyn Fn() -> bool) + Send + Sync>;

/// The sender a partition task's panic is reported through (see
/// `PartitionSession::run`).
type PanicSender = Arc<Mutex<Option<mpsc::Sender<Result<Vec<ConsumerRecord>>>>>>;
use crate::protocol::error_code::ErrorCode;
use crate::protocol::record::RecordSet;
use crate::protocol::spu::{
    FetchOffsetsRequest, Isolation, OffsetUpdate, SmartModuleInvocation, StreamFetchRequest, StreamFetchResponse, UpdateConsumerOffsetRequest,
    UpdateOffsetsRequest, DEFAULT_FETCH_MAX_BYTES,
};

/// Where a stream starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offset {
    /// This exact offset (clamped to what the partition holds).
    Absolute(i64),
    /// N records after the first one still stored (0: the beginning).
    FromBeginning(u32),
    /// N records before the end (0: only records produced from now on).
    FromEnd(u32),
}

impl Offset {
    pub fn beginning() -> Self {
        Offset::FromBeginning(0)
    }

    pub fn end() -> Self {
        Offset::FromEnd(0)
    }

    /// The absolute start for a partition holding offsets `start..end`.
    pub fn resolve(self, start: i64, end: i64) -> i64 {
        self.resolve_after(start, end, None)
    }

    /// The absolute start when a named consumer resumes at `resume` (the
    /// offset after its last committed record): as in the official client,
    /// the relative offsets then count from `resume` instead of the
    /// partition's beginning or end; an absolute offset ignores it.
    pub fn resolve_after(self, start: i64, end: i64, resume: Option<i64>) -> i64 {
        let wanted = match self {
            Offset::Absolute(n) => n,
            Offset::FromBeginning(n) => resume.unwrap_or(start).saturating_add(i64::from(n)),
            Offset::FromEnd(n) => resume.unwrap_or(end).saturating_sub(i64::from(n)),
        };
        wanted.clamp(start, end).max(0)
    }
}

/// How a named consumer's progress is stored on the cluster (the official
/// clients' `OffsetManagementStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OffsetStrategy {
    /// Nothing is stored.
    #[default]
    None,
    /// The application commits and flushes.
    Manual,
    /// Every record handed out is committed; commits are flushed every
    /// `StreamConfig::offset_flush` and when the stream is closed.
    Auto,
}

/// The official clients' period between automatic flushes.
pub const DEFAULT_OFFSET_FLUSH: Duration = Duration::from_secs(10);

/// A record as a consumer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerRecord {
    pub partition: u32,
    pub offset: i64,
    /// Milliseconds since the epoch when produced, or -1 if unknown.
    pub timestamp: i64,
    pub key: Option<Vec<u8>>,
    pub value: Vec<u8>,
}

/// Options of a stream.
#[derive(Debug, Clone)]
pub struct StreamConfig {
    pub max_bytes: i32,
    pub isolation: Isolation,
    /// The consumer whose committed offsets the cluster keeps. With one, each
    /// partition starts relative to the offset after its last committed
    /// record (if it has one), and `offset_strategy` may store progress.
    pub consumer_id: Option<String>,
    pub offset_strategy: OffsetStrategy,
    /// How often `OffsetStrategy::Auto` flushes.
    pub offset_flush: Duration,
    /// `false`: the stream ends once it delivered the records the partitions
    /// held when it opened (the official clients' `disable_continuous`).
    pub continuous: bool,
    /// How long a partition's stream keeps re-opening (reconnecting, or
    /// following a moved leader) before it fails with the last error. Zero:
    /// the first error ends the stream.
    pub reconnect_timeout: Duration,
    /// SmartModules the SPU runs on every record before sending it, in
    /// order (empty: none). A module that fails ends the stream with a
    /// SmartModule error code, after the records before the failing one.
    pub smartmodules: Vec<SmartModuleInvocation>,
}

/// How long streams keep reconnecting by default.
pub const DEFAULT_RECONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Backoff between a stream's re-opening attempts: from the first to the last.
const RECONNECT_BACKOFF: (Duration, Duration) = (Duration::from_millis(10), Duration::from_millis(500));

impl Default for StreamConfig {
    fn default() -> Self {
        StreamConfig {
            max_bytes: DEFAULT_FETCH_MAX_BYTES,
            isolation: Isolation::ReadUncommitted,
            consumer_id: None,
            offset_strategy: OffsetStrategy::None,
            offset_flush: DEFAULT_OFFSET_FLUSH,
            continuous: true,
            reconnect_timeout: DEFAULT_RECONNECT_TIMEOUT,
            smartmodules: Vec::new(),
        }
    }
}

impl StreamConfig {
    /// Refuses settings no stream can be opened with.
    pub fn validate(&self) -> Result<()> {
        if self.max_bytes <= 0 {
            return Err(ClientError::InvalidArgument(format!("max bytes {} must be positive", self.max_bytes)));
        }
        if let Some(id) = &self.consumer_id {
            validate_consumer_id(id)?;
        } else if self.offset_strategy != OffsetStrategy::None {
            return Err(ClientError::InvalidArgument("an offset strategy needs a consumer id".into()));
        }
        if self.offset_strategy == OffsetStrategy::Auto && self.offset_flush.is_zero() {
            return Err(ClientError::InvalidArgument("the automatic flush period must be positive".into()));
        }
        Ok(())
    }
}

/// One partition's progress as the application consumed it, and the
/// stream session that commits go through.
struct PartitionProgress {
    partition: u32,
    /// Offset of the last record handed to the application (-1: none).
    seen: AtomicI64,
    /// What `commit` took from `seen`; flushed to the cluster by `flush`.
    committed: AtomicI64,
    /// The last commit the cluster confirmed.
    flushed: AtomicI64,
    /// The connection and stream id of the partition's current StreamFetch
    /// (UpdateConsumerOffset must go to the session's own connection).
    session: Mutex<Option<(Arc<Connection>, u32)>>,
}

impl PartitionProgress {
    fn new(partition: u32) -> Self {
        PartitionProgress {
            partition,
            seen: AtomicI64::new(-1),
            committed: AtomicI64::new(-1),
            flushed: AtomicI64::new(-1),
            session: Mutex::new(None),
        }
    }

    fn session(&self) -> Option<(Arc<Connection>, u32)> {
        self.session.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set_session(&self, connection: &Arc<Connection>, stream_id: u32) {
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = Some((connection.clone(), stream_id));
    }
}

/// The offset bookkeeping of a stream with a consumer id.
struct OffsetManager {
    topic: String,
    consumer_id: String,
    strategy: OffsetStrategy,
    partitions: HashMap<u32, Arc<PartitionProgress>>,
    /// One flush at a time, so an older commit never lands after a newer one.
    flushing: tokio::sync::Mutex<()>,
}

impl OffsetManager {
    /// Notes that `record` was handed to the application.
    fn delivered(&self, record: &ConsumerRecord) {
        if let Some(progress) = self.partitions.get(&record.partition) {
            progress.seen.fetch_max(record.offset, Ordering::AcqRel);
            if self.strategy == OffsetStrategy::Auto {
                progress.committed.fetch_max(record.offset, Ordering::AcqRel);
            }
        }
    }

    fn commit(&self) {
        for progress in self.partitions.values() {
            progress.committed.fetch_max(progress.seen.load(Ordering::Acquire), Ordering::AcqRel);
        }
    }

    /// Sends every partition's commit that the cluster has not confirmed yet.
    async fn flush(&self) -> Result<()> {
        let _one_at_a_time = self.flushing.lock().await;
        for progress in self.partitions.values() {
            let committed = progress.committed.load(Ordering::Acquire);
            if committed <= progress.flushed.load(Ordering::Acquire) {
                continue;
            }
            let context = format!("flushing the offset of consumer '{}' in {}-{}", self.consumer_id, self.topic, progress.partition);
            let Some((connection, stream_id)) = progress.session() else {
                return Err(ClientError::Closed);
            };
            let request = UpdateConsumerOffsetRequest { offset: committed, session_id: stream_id };
            let response = connection.request(&request, REQUEST_TIMEOUT).await?;
            if response.error_code != ErrorCode::None {
                return Err(ClientError::from_code(response.error_code, &self.topic, context));
            }
            progress.flushed.fetch_max(committed, Ordering::AcqRel);
        }
        Ok(())
    }
}

/// Flushes `offsets` every `period` until aborted.
async fn auto_flush(offsets: Arc<OffsetManager>, period: Duration) {
    let mut ticker = tokio::time::interval(period);
    ticker.tick().await; // the first tick is immediate
    loop {
        ticker.tick().await;
        if let Err(e) = offsets.flush().await {
            // The next tick (or close) tries again; a stream that failed
            // reports its own error to the application.
            crate::log!(Warning, "consumer", "automatic offset flush failed: {e}");
        }
    }
}

/// Frames of records queued per stream before the partitions' tasks wait.
const RECORD_QUEUE: usize = 8;
/// Largest fetch size a stream grows to when a single batch does not fit.
const MAX_FETCH_BYTES: i32 = 64 * 1024 * 1024;
/// Largest records section decompressed from one batch.
const MAX_DECOMPRESSED: usize = 256 * 1024 * 1024;

/// Records of one or more partitions of a topic, in order per partition.
pub struct RecordStream {
    rx: mpsc::Receiver<Result<Vec<ConsumerRecord>>>,
    buffered: VecDeque<ConsumerRecord>,
    tasks: Vec<JoinHandle<()>>,
    /// Set by a stream with a consumer id and an offset strategy.
    offsets: Option<Arc<OffsetManager>>,
    /// Whether an error was handed out: a stream that then ends was closed
    /// by it, rather than having reached its planned end.
    failed: bool,
    /// Called after new records are queued (to signal a readiness fd).
    _ready: Option<OnReady>,
    /// Each partition's position and lag, by partition.
    lags: StreamLags,
}

impl RecordStream {
    /// Opens streams on `partitions` of `topic` from `offset`. `on_ready`
    /// is called (on a runtime thread) whenever records are queued.
    pub async fn open(
        client: &Client,
        topic: &str,
        partitions: &[u32],
        offset: Offset,
        config: StreamConfig,
        on_ready: Option<OnReady>,
    ) -> Result<RecordStream> {
        if let Offset::Absolute(n) = offset {
            if n < 0 {
                return Err(ClientError::InvalidArgument(format!("offset {n} is negative")));
            }
        }
        config.validate()?;
        let mut unique = partitions.to_vec();
        unique.sort_unstable();
        unique.dedup();
        if unique.len() != partitions.len() {
            return Err(ClientError::InvalidArgument("a partition is listed twice".into()));
        }
        let progress: HashMap<u32, Arc<PartitionProgress>> =
            partitions.iter().map(|&p| (p, Arc::new(PartitionProgress::new(p)))).collect();
        let (tx, rx) = mpsc::channel(RECORD_QUEUE * partitions.len().max(1));
        let mut tasks = Vec::with_capacity(partitions.len() + 1);
        let mut lags = Vec::with_capacity(partitions.len());
        for &partition in partitions {
            // Open each partition before returning, so errors surface here.
            let session = PartitionSession::open(client, topic, partition, offset, &config, progress[&partition].clone()).await;
            let session = match session {
                Ok(session) => session,
                Err(e) => {
                    tasks.iter().for_each(|t: &JoinHandle<()>| t.abort());
                    return Err(e);
                }
            };
            lags.push(session.lag.clone());
            let failed: PanicSender = Arc::new(Mutex::new(Some(tx.clone())));
            let failed_ready = on_ready.clone();
            let run = session.run(tx.clone(), on_ready.clone(), failed.clone());
            tasks.push(spawn_catching("consumer", "a stream's partition task", run, move |why| {
                let Some(failed) = failed.lock().unwrap_or_else(|p| p.into_inner()).take() else { return };
                // Sent from a task: the panicking one may have left the queue full.
                tokio::spawn(async move {
                    let _ = failed.send(Err(ClientError::Panic(why))).await;
                    if let Some(ready) = failed_ready {
                        ready(&|| true);
                    }
                });
            }));
        }
        let offsets = match (&config.consumer_id, config.offset_strategy) {
            (Some(consumer_id), OffsetStrategy::Manual | OffsetStrategy::Auto) => Some(Arc::new(OffsetManager {
                topic: topic.to_string(),
                consumer_id: consumer_id.clone(),
                strategy: config.offset_strategy,
                partitions: progress,
                flushing: tokio::sync::Mutex::new(()),
            })),
            _ => None,
        };
        if let Some(offsets) = offsets.as_ref().filter(|o| o.strategy == OffsetStrategy::Auto) {
            tasks.push(tokio::spawn(auto_flush(offsets.clone(), config.offset_flush)));
        }
        lags.sort_by_key(|l| l.partition);
        let lags = Arc::new(lags);
        client.stats().track(&lags);
        Ok(RecordStream { rx, buffered: VecDeque::new(), tasks, offsets, failed: false, _ready: on_ready, lags })
    }

    /// Hands `next` to the application, noting its progress.
    fn deliver(&mut self, next: Result<ConsumerRecord>) -> Result<ConsumerRecord> {
        match &next {
            Ok(record) => {
                if let Some(offsets) = &self.offsets {
                    offsets.delivered(record);
                }
                if let Ok(i) = self.lags.binary_search_by_key(&record.partition, |l| l.partition) {
                    self.lags[i].position.store(record.offset.saturating_add(1), Ordering::Relaxed);
                }
            }
            Err(_) => self.failed = true,
        }
        next
    }

    fn offsets(&self) -> Result<&Arc<OffsetManager>> {
        self.offsets.as_ref().ok_or_else(|| {
            ClientError::InvalidArgument("the stream manages no offsets: give it a consumer id and a manual or automatic offset strategy".into())
        })
    }

    /// Marks every record handed out so far as consumed; `flush` stores it.
    pub fn commit(&self) -> Result<()> {
        self.offsets()?.commit();
        Ok(())
    }

    /// Stores the committed offsets on the cluster (durably, before it answers).
    pub async fn flush(&self) -> Result<()> {
        self.offsets()?.flush().await
    }

    /// Whether the stream ended because an error was handed out (rather than
    /// reaching the planned end of a non-continuous stream).
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Stops the stream; with the automatic strategy, first commits what
    /// was handed out and flushes it.
    pub async fn close(mut self) -> Result<()> {
        for task in self.tasks.drain(..) {
            task.abort();
        }
        match self.offsets.take() {
            Some(offsets) if offsets.strategy == OffsetStrategy::Auto => {
                offsets.commit();
                offsets.flush().await
            }
            _ => Ok(()),
        }
    }

    /// The next record; `None` when every partition's stream has ended.
    pub async fn next(&mut self) -> Option<Result<ConsumerRecord>> {
        loop {
            if let Some(record) = self.buffered.pop_front() {
                return Some(self.deliver(Ok(record)));
            }
            match self.rx.recv().await? {
                Ok(records) => self.buffered.extend(records),
                Err(e) => return Some(self.deliver(Err(e))),
            }
        }
    }

    /// Whether a record (or an error) can be taken without waiting.
    pub fn has_pending(&self) -> bool {
        !self.buffered.is_empty() || !self.rx.is_empty()
    }

    /// Whether every partition's stream has ended and everything received
    /// was taken: `next` would return `None` at once.
    pub fn is_ended(&self) -> bool {
        // Closed first: once no sender is left, nothing more can arrive.
        self.buffered.is_empty() && self.rx.is_closed() && self.rx.is_empty()
    }

    /// A record already received, without waiting.
    pub fn try_next(&mut self) -> Option<Result<ConsumerRecord>> {
        loop {
            if let Some(record) = self.buffered.pop_front() {
                return Some(self.deliver(Ok(record)));
            }
            match self.rx.try_recv() {
                Ok(Ok(records)) => self.buffered.extend(records),
                Ok(Err(e)) => return Some(self.deliver(Err(e))),
                Err(_) => return None,
            }
        }
    }
}

impl Drop for RecordStream {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
        // Not closed: the automatic strategy still stores what was handed
        // out, in the background (`close` waits for it instead).
        if let Some(offsets) = self.offsets.take().filter(|o| o.strategy == OffsetStrategy::Auto) {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                offsets.commit();
                runtime.spawn(async move {
                    if let Err(e) = offsets.flush().await {
                        crate::log!(Warning, "consumer", "flushing offsets of a dropped stream failed: {e}");
                    }
                });
            }
        }
    }
}

/// One partition's fetch session.
struct PartitionSession {
    client: Client,
    topic: String,
    partition: u32,
    /// The first offset not yet delivered.
    next: i64,
    /// Where a non-continuous stream ends (the partition's end at open).
    stop_at: Option<i64>,
    config: StreamConfig,
    progress: Arc<PartitionProgress>,
    /// When the current run of failed re-openings began (None: healthy).
    outage_since: Option<tokio::time::Instant>,
    /// The application's position and the log's end, for the stats.
    lag: Arc<PartitionLag>,
    stats: Arc<ClientStats>,
}

/// How one StreamFetch ended.
enum SessionEnd {
    /// Open it again (a larger fetch size).
    Reopen,
    /// A non-continuous stream delivered all it was to deliver.
    Done,
    /// Nobody reads the stream any more.
    ReaderGone,
    Failed(ClientError),
}

impl PartitionSession {
    async fn open(
        client: &Client,
        topic: &str,
        partition: u32,
        offset: Offset,
        config: &StreamConfig,
        progress: Arc<PartitionProgress>,
    ) -> Result<Self> {
        let spec = client.topic(topic).await?;
        if partition >= spec.partition_count() {
            return Err(ClientError::InvalidArgument(format!(
                "topic '{topic}' has {} partitions; there is no partition {partition}",
                spec.partition_count()
            )));
        }
        let connection = client.leader(topic, partition).await?;
        let offsets = connection.request(&FetchOffsetsRequest::new(topic, partition), REQUEST_TIMEOUT).await?;
        let found = offsets
            .find_partition(topic, partition)
            .ok_or_else(|| ClientError::Protocol(format!("no offsets for {topic}-{partition} in the answer")))?;
        if found.error_code != ErrorCode::None {
            return Err(ClientError::from_code(found.error_code.clone(), topic, format!("fetching offsets of {topic}-{partition}")));
        }
        // A named consumer resumes after its last committed record.
        let resume = match &config.consumer_id {
            Some(id) => client.consumer_offsets(Some(id), Some((topic, partition))).await?.first().map(|c| c.offset + 1),
            None => None,
        };
        let next = offset.resolve_after(found.start_offset, found.last_stable_offset, resume);
        let stop_at = (!config.continuous).then_some(found.last_stable_offset);
        let lag = PartitionLag::new(topic, partition, next);
        lag.high_watermark.store(found.last_stable_offset, Ordering::Relaxed);
        Ok(PartitionSession {
            lag,
            stats: client.stats().clone(),
            client: client.clone(),
            topic: topic.to_string(),
            partition,
            next,
            stop_at,
            config: config.clone(),
            progress,
            outage_since: None,
        })
    }

    fn is_done(&self) -> bool {
        self.stop_at.is_some_and(|end| self.next >= end)
    }

    /// Whether the current outage is still within the reconnect timeout
    /// (starting it if this is its first failure).
    fn may_retry(&mut self) -> bool {
        let since = *self.outage_since.get_or_insert_with(tokio::time::Instant::now);
        since.elapsed() < self.config.reconnect_timeout
    }

    /// The backoff before re-opening: reset when records flowed since the
    /// last failure.
    fn next_backoff(&self, backoff: Duration) -> Duration {
        if self.outage_since.is_none() {
            RECONNECT_BACKOFF.0
        } else {
            backoff
        }
    }

    /// Runs the partition's stream until it ends. `failed` holds a sender
    /// for reporting a panic of this task; a normal end drops it first, so
    /// that it does not keep the stream open past its end.
    async fn run(mut self, tx: mpsc::Sender<Result<Vec<ConsumerRecord>>>, on_ready: Option<OnReady>, failed: PanicSender) {
        let mut max_bytes = self.config.max_bytes.max(1);
        let mut backoff = RECONNECT_BACKOFF.0;
        loop {
            let outcome = if self.is_done() {
                SessionEnd::Done
            } else {
                // `stream` returns its early ends as `Err` only to use `?`.
                self.stream(&tx, &on_ready, &mut max_bytes).await.unwrap_or_else(|end| end)
            };
            backoff = self.next_backoff(backoff);
            match outcome {
                SessionEnd::Reopen => {}
                // The connection dropped, the SPU went away or the leader
                // moved: open again at the first record not delivered, so the
                // application sees no gap and no repeat.
                SessionEnd::Failed(e) if e.is_retriable() && self.may_retry() => {
                    crate::log!(Notice, "consumer", "stream of {}-{} interrupted ({e}); reopening at offset {} in {backoff:?}", self.topic, self.partition, self.next);
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = tx.closed() => return,
                    }
                    backoff = (backoff * 2).min(RECONNECT_BACKOFF.1);
                }
                SessionEnd::ReaderGone => return,
                SessionEnd::Done => {
                    // This sender goes away; the stream ends when every
                    // partition's has, and whichever goes last signals it.
                    failed.lock().unwrap_or_else(|p| p.into_inner()).take();
                    let gone = tx.downgrade();
                    drop(tx);
                    if let Some(ready) = &on_ready {
                        ready(&|| gone.strong_count() == 0);
                    }
                    return;
                }
                SessionEnd::Failed(e) => {
                    let _ = tx.send(Err(e)).await;
                    if let Some(ready) = &on_ready {
                        ready(&|| true);
                    }
                    return;
                }
            }
        }
    }

    /// Runs one StreamFetch until it must be reopened, is done, fails, or
    /// the reader went away.
    async fn stream(
        &mut self,
        tx: &mpsc::Sender<Result<Vec<ConsumerRecord>>>,
        on_ready: &Option<OnReady>,
        max_bytes: &mut i32,
    ) -> std::result::Result<SessionEnd, SessionEnd> {
        let connection = self.client.leader(&self.topic, self.partition).await.map_err(SessionEnd::Failed)?;
        let request = StreamFetchRequest {
            topic: self.topic.clone(),
            partition: self.partition,
            fetch_offset: self.next,
            max_bytes: *max_bytes,
            isolation: self.config.isolation,
            consumer_id: self.config.consumer_id.clone(),
            smartmodules: self.config.smartmodules.clone(),
            ..StreamFetchRequest::default()
        };
        let mut frames = connection.stream(&request, 10).await.map_err(SessionEnd::Failed)?;
        while let Some(frame) = frames.next().await {
            let frame = frame.map_err(SessionEnd::Failed)?;
            injected_panic(PanicSite::StreamFrame);
            self.progress.set_session(&connection, frame.stream_id);
            self.lag.high_watermark.store(frame.partition.high_watermark, Ordering::Relaxed);
            if frame.partition.error_code == ErrorCode::None {
                self.outage_since = None;
            }
            let error = frame.partition.error_code.clone();
            let (records, cut) = self.records_of(&frame.partition.records).map_err(SessionEnd::Failed)?;
            let progressed = !records.is_empty();
            if progressed {
                let bytes: usize = records.iter().map(|r| r.value.len() + r.key.as_ref().map_or(0, Vec::len)).sum();
                ClientStats::count(&self.stats.consumed_records, records.len() as u64);
                ClientStats::count(&self.stats.consumed_bytes, bytes as u64);
                tx.send(Ok(records)).await.map_err(|_| SessionEnd::ReaderGone)?;
                if let Some(ready) = on_ready {
                    // Queued unless the reader took it already. Another
                    // partition's send may hold a permit for the instant
                    // between reserving and queueing, and its own signal
                    // follows at once.
                    ready(&|| tx.capacity() < tx.max_capacity());
                }
            }
            if error != ErrorCode::None {
                let context = format!("streaming {}-{}", self.topic, self.partition);
                return Err(SessionEnd::Failed(ClientError::from_code(error, &self.topic, context)));
            }
            if self.is_done() {
                return Ok(SessionEnd::Done);
            }
            if cut && !progressed {
                // Not even one whole batch fit: ask for more at once.
                if *max_bytes >= MAX_FETCH_BYTES {
                    return Err(SessionEnd::Failed(ClientError::Protocol(format!(
                        "a batch of {}-{} at offset {} does not fit in {MAX_FETCH_BYTES} bytes",
                        self.topic, self.partition, self.next
                    ))));
                }
                *max_bytes = max_bytes.saturating_mul(2).min(MAX_FETCH_BYTES);
                return Ok(SessionEnd::Reopen);
            }
            self.acknowledge(&connection, &frame).await.map_err(SessionEnd::Failed)?;
        }
        let ended = format!("the stream of {}-{} ended", self.topic, self.partition);
        Err(SessionEnd::Failed(ClientError::Connection(ended)))
    }

    /// The records of a frame at or after `next`, and whether a batch was
    /// cut short. Advances `next` past what is returned.
    fn records_of(&mut self, set: &RecordSet) -> Result<(Vec<ConsumerRecord>, bool)> {
        let mut records = Vec::new();
        // Records before this are repeats (a batch sent again after a cut).
        let start = self.next;
        for batch in &set.batches {
            let decoded = batch.decode_records(MAX_DECOMPRESSED)?;
            // A SmartModule's output batch holds fewer records than its
            // offset range: it is whole when its records section is.
            let whole = decoded.complete;
            // Moved out, not cloned: this is the consumer's hot path.
            for record in decoded.records {
                // The true offset (the official client counts positions
                // instead, which behind a filter are not log offsets). An
                // array_map may give several records one offset.
                let offset = batch.base_offset.saturating_add(record.offset_delta);
                if offset < start {
                    continue;
                }
                if self.stop_at.is_some_and(|end| offset >= end) {
                    // A non-continuous stream delivers nothing produced after it opened.
                    return Ok((records, false));
                }
                let timestamp = batch.record_timestamp(&record);
                records.push(ConsumerRecord { partition: self.partition, offset, timestamp, key: record.key, value: record.value });
                self.next = self.next.max(offset.saturating_add(1));
            }
            if !whole {
                return Ok((records, true));
            }
            self.next = self.next.max(batch.next_offset());
        }
        Ok((records, set.truncated_bytes > 0))
    }

    /// Tells the SPU to send from `next` on: the first record not delivered,
    /// so a cut batch is sent again rather than skipped.
    async fn acknowledge(&self, connection: &Arc<Connection>, frame: &StreamFetchResponse) -> Result<()> {
        let request = UpdateOffsetsRequest { offsets: vec![OffsetUpdate { offset: self.next, session_id: frame.stream_id }] };
        let response = connection.request(&request, REQUEST_TIMEOUT).await?;
        match response.status.first().map(|s| &s.error) {
            Some(ErrorCode::None) | None => Ok(()),
            Some(code) => Err(ClientError::from_code(code.clone(), &self.topic, "acknowledging a stream frame")),
        }
    }
}

/// Waits up to `timeout` for the next record of `stream`.
pub async fn next_within(stream: &mut RecordStream, timeout: Option<Duration>) -> Option<Result<ConsumerRecord>> {
    match timeout {
        None => stream.next().await,
        Some(t) => tokio::time::timeout(t, stream.next()).await.unwrap_or_else(|_| Some(Err(ClientError::Timeout(format!("no record within {t:?}"))))),
    }
}
