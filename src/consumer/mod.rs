//! The consumer: resolves a start offset per partition, opens a StreamFetch
//! on each partition's leader, and delivers records in order, acknowledging
//! each frame so the SPU sends more. A batch cut at a fetch boundary is
//! never skipped: the stream resumes at the first record not delivered.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::client::{Client, ClientError, Connection, Result, REQUEST_TIMEOUT};
use crate::protocol::error_code::ErrorCode;
use crate::protocol::record::RecordSet;
use crate::protocol::spu::{
    FetchOffsetsRequest, Isolation, OffsetUpdate, StreamFetchRequest, StreamFetchResponse, UpdateOffsetsRequest,
    DEFAULT_FETCH_MAX_BYTES,
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
        let wanted = match self {
            Offset::Absolute(n) => n,
            Offset::FromBeginning(n) => start.saturating_add(i64::from(n)),
            Offset::FromEnd(n) => end.saturating_sub(i64::from(n)),
        };
        wanted.clamp(start, end).max(0)
    }
}

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
}

impl Default for StreamConfig {
    fn default() -> Self {
        StreamConfig { max_bytes: DEFAULT_FETCH_MAX_BYTES, isolation: Isolation::ReadUncommitted }
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
    /// Called after new records are queued (to signal a readiness fd).
    _ready: Option<Arc<dyn Fn() + Send + Sync>>,
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
        on_ready: Option<Arc<dyn Fn() + Send + Sync>>,
    ) -> Result<RecordStream> {
        if let Offset::Absolute(n) = offset {
            if n < 0 {
                return Err(ClientError::InvalidArgument(format!("offset {n} is negative")));
            }
        }
        let (tx, rx) = mpsc::channel(RECORD_QUEUE * partitions.len().max(1));
        let mut tasks = Vec::with_capacity(partitions.len());
        for &partition in partitions {
            // Open each partition before returning, so errors surface here.
            let session = PartitionSession::open(client, topic, partition, offset, &config).await;
            let session = match session {
                Ok(session) => session,
                Err(e) => {
                    tasks.iter().for_each(|t: &JoinHandle<()>| t.abort());
                    return Err(e);
                }
            };
            tasks.push(tokio::spawn(session.run(tx.clone(), on_ready.clone())));
        }
        Ok(RecordStream { rx, buffered: VecDeque::new(), tasks, _ready: on_ready })
    }

    /// The next record; `None` when every partition's stream has ended.
    pub async fn next(&mut self) -> Option<Result<ConsumerRecord>> {
        loop {
            if let Some(record) = self.buffered.pop_front() {
                return Some(Ok(record));
            }
            match self.rx.recv().await? {
                Ok(records) => self.buffered.extend(records),
                Err(e) => return Some(Err(e)),
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
                return Some(Ok(record));
            }
            match self.rx.try_recv() {
                Ok(Ok(records)) => self.buffered.extend(records),
                Ok(Err(e)) => return Some(Err(e)),
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
    }
}

/// One partition's fetch session.
struct PartitionSession {
    client: Client,
    topic: String,
    partition: u32,
    /// The first offset not yet delivered.
    next: i64,
    config: StreamConfig,
}

impl PartitionSession {
    async fn open(client: &Client, topic: &str, partition: u32, offset: Offset, config: &StreamConfig) -> Result<Self> {
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
        let next = offset.resolve(found.start_offset, found.last_stable_offset);
        Ok(PartitionSession { client: client.clone(), topic: topic.to_string(), partition, next, config: config.clone() })
    }

    async fn run(mut self, tx: mpsc::Sender<Result<Vec<ConsumerRecord>>>, on_ready: Option<Arc<dyn Fn() + Send + Sync>>) {
        let mut max_bytes = self.config.max_bytes.max(1);
        loop {
            let outcome = self.stream(&tx, &on_ready, &mut max_bytes).await;
            match outcome {
                // The receiver is gone: nobody reads this stream any more.
                Err(None) => return,
                Err(Some(e)) => {
                    let _ = tx.send(Err(e)).await;
                    if let Some(ready) = &on_ready {
                        ready();
                    }
                    return;
                }
                // Reopen (a larger fetch size, or a reconnect).
                Ok(()) => {}
            }
        }
    }

    /// Runs one StreamFetch until it must be reopened (`Ok`), fails
    /// (`Err(Some)`), or the reader went away (`Err(None)`).
    async fn stream(
        &mut self,
        tx: &mpsc::Sender<Result<Vec<ConsumerRecord>>>,
        on_ready: &Option<Arc<dyn Fn() + Send + Sync>>,
        max_bytes: &mut i32,
    ) -> std::result::Result<(), Option<ClientError>> {
        let connection = self.client.leader(&self.topic, self.partition).await.map_err(Some)?;
        let request = StreamFetchRequest {
            topic: self.topic.clone(),
            partition: self.partition,
            fetch_offset: self.next,
            max_bytes: *max_bytes,
            isolation: self.config.isolation,
            ..StreamFetchRequest::default()
        };
        let mut frames = connection.stream(&request, 10).await.map_err(Some)?;
        while let Some(frame) = frames.next().await {
            let frame = frame.map_err(Some)?;
            let error = frame.partition.error_code.clone();
            let (records, cut) = self.records_of(&frame.partition.records).map_err(Some)?;
            let progressed = !records.is_empty();
            if progressed {
                tx.send(Ok(records)).await.map_err(|_| None)?;
                if let Some(ready) = on_ready {
                    ready();
                }
            }
            if error != ErrorCode::None {
                return Err(Some(ClientError::from_code(error, &self.topic, format!("streaming {}-{}", self.topic, self.partition))));
            }
            if cut && !progressed {
                // Not even one whole batch fit: ask for more at once.
                if *max_bytes >= MAX_FETCH_BYTES {
                    return Err(Some(ClientError::Protocol(format!(
                        "a batch of {}-{} at offset {} does not fit in {MAX_FETCH_BYTES} bytes",
                        self.topic, self.partition, self.next
                    ))));
                }
                *max_bytes = max_bytes.saturating_mul(2).min(MAX_FETCH_BYTES);
                return Ok(());
            }
            self.acknowledge(&connection, &frame).await.map_err(Some)?;
        }
        Err(Some(ClientError::Connection(format!("the stream of {}-{} ended", self.topic, self.partition))))
    }

    /// The records of a frame at or after `next`, and whether a batch was
    /// cut short. Advances `next` past what is returned.
    fn records_of(&mut self, set: &RecordSet) -> Result<(Vec<ConsumerRecord>, bool)> {
        let mut records = Vec::new();
        for batch in &set.batches {
            let decoded = batch.decode_records(MAX_DECOMPRESSED)?;
            for (i, record) in decoded.records.iter().enumerate() {
                let offset = batch.base_offset + i as i64;
                if offset < self.next {
                    continue;
                }
                records.push(ConsumerRecord {
                    partition: self.partition,
                    offset,
                    timestamp: batch.record_timestamp(record),
                    key: record.key.clone(),
                    value: record.value.clone(),
                });
                self.next = offset + 1;
            }
            if !decoded.complete || (decoded.records.len() as i64) < batch.record_count() {
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
