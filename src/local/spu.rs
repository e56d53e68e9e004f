//! An SPU listener: Produce, FetchOffsets, StreamFetch sessions that push
//! new batches as they are appended (waiting for each UpdateOffsets
//! acknowledgement, never cutting a batch), UpdateOffsets, and the
//! consumer-offset calls.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio::sync::mpsc;

use super::faults::Faults;
use super::smartengine::{run_with_limit, CallLimits, Chain, Lookback, Processed};
use super::connection::{accept_loop, next_request, split, Incoming};
use crate::connection::{FrameLimits, FrameSender, WireStyle};
use super::state::{ClusterState, Partition};
use super::Shutdown;
use crate::protocol::api_versions::{ApiVersionsResponse, PlatformVersion};
use crate::protocol::codec::{Reader, Version};
use crate::protocol::error_code::ErrorCode;
use crate::protocol::frame::RequestHeader;
use crate::protocol::record::{end_offset_of_batches, Batch, Record, RecordSet, NO_TIMESTAMP};
use crate::protocol::spu::*;

/// Acknowledgements queued per stream session before the connection waits.
const ACK_QUEUE: usize = 16;

fn api_versions() -> ApiVersionsResponse {
    let keys = [
        (api_key::PRODUCE, 0, SPU_VERSION),
        (api_key::FETCH_OFFSETS, 0, SPU_VERSION),
        (api_key::STREAM_FETCH, 18, SPU_VERSION),
        (api_key::UPDATE_OFFSETS, 0, 0),
    ];
    // The official SPU reports platform 0.0.0; clients ignore it.
    ApiVersionsResponse::listing(&keys, PlatformVersion::default())
}

/// The SPU this listener is.
#[derive(Clone)]
struct Spu {
    id: i32,
    state: Arc<ClusterState>,
    /// Cut the last batch of each fetch at max_bytes, as the official SPU.
    cut_batches: bool,
    faults: Arc<Faults>,
    /// How long one SmartModule call may run.
    smartmodule_limits: CallLimits,
}

/// How an SPU listener serves: its id, TLS, how it uses its sockets, frame
/// limits, whether it cuts batches like the official SPU, and the faults
/// tests inject.
pub struct SpuSettings {
    pub id: i32,
    pub tls: Option<TlsAcceptor>,
    pub wire: WireStyle,
    pub limits: FrameLimits,
    pub cut_batches: bool,
    pub faults: Arc<Faults>,
    pub smartmodule_limits: CallLimits,
}

pub async fn serve(listener: TcpListener, settings: SpuSettings, state: Arc<ClusterState>, shutdown: Shutdown) {
    let SpuSettings { id, tls, wire, limits, cut_batches, faults, smartmodule_limits } = settings;
    let gate = faults.gate(id);
    let spu = Spu { id, state, cut_batches, faults, smartmodule_limits };
    accept_loop(listener, tls, wire, gate, shutdown, |incoming| connection(spu.clone(), incoming, limits)).await
}

/// The stream sessions of one connection, by session id.
#[derive(Default)]
struct Sessions {
    next_id: u32,
    sessions: HashMap<u32, Session>,
}

/// One StreamFetch session: where its acknowledgements go, and whose
/// offsets UpdateConsumerOffset on it commits.
#[derive(Clone)]
struct Session {
    acks: mpsc::Sender<i64>,
    replica: ReplicaKey,
    consumer_id: Option<String>,
}

async fn connection(spu: Spu, incoming: Incoming, limits: FrameLimits) {
    let who = format!("SPU {}", spu.id);
    let Some((mut reader, sender)) = split(incoming, limits, &who).await else { return };
    let sessions = Arc::new(Mutex::new(Sessions { next_id: 1, ..Sessions::default() }));
    // A kill (an SPU taken down, connections dropped) ends the loop in
    // next_request: not one more answer.
    while let Some((header, request)) = next_request(&mut reader, &who, SpuRequest::decode).await {
        if !handle(&spu, &sender, &sessions, &header, request).await {
            return;
        }
    }
}

async fn handle(
    spu: &Spu,
    sender: &FrameSender,
    sessions: &Arc<Mutex<Sessions>>,
    header: &RequestHeader,
    request: SpuRequest,
) -> bool {
    let (id, version) = (header.correlation_id, header.api_version);
    match request {
        SpuRequest::ApiVersions(_) => sender.send(id, version, &api_versions()).await,
        SpuRequest::Produce(produce) => {
            let response = match spu.faults.take_produce_failure() {
                Some(code) => failed_produce(produce, code),
                None => tokio::task::block_in_place(|| produce_response(spu, produce, version)),
            };
            let delay = spu.faults.produce_delay();
            if !delay.is_zero() {
                // Answered late, from a task of its own, so the connection
                // keeps reading (the client's request times out meanwhile).
                let sender = sender.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    sender.send(id, version, &response).await;
                });
                return true;
            }
            sender.send(id, version, &response).await
        }
        SpuRequest::FetchOffsets(request) => sender.send(id, version, &fetch_offsets(spu, request)).await,
        SpuRequest::StreamFetch(request) => start_stream(spu, sender, sessions, id, version, request).await,
        SpuRequest::UpdateOffsets(request) => {
            let mut status = Vec::with_capacity(request.offsets.len());
            for update in request.offsets {
                let ack = lock(sessions).sessions.get(&update.session_id).map(|s| s.acks.clone());
                let error = match ack {
                    Some(ack) if ack.send(update.offset).await.is_ok() => ErrorCode::None,
                    _ => ErrorCode::FetchSessionNotFoud,
                };
                status.push(OffsetUpdateStatus { session_id: update.session_id, error });
            }
            sender.send(id, version, &UpdateOffsetsResponse { status }).await
        }
        SpuRequest::UpdateConsumerOffset(request) => {
            let session = lock(sessions).sessions.get(&request.session_id).cloned();
            let response = tokio::task::block_in_place(|| update_consumer_offset(spu, session, request.offset));
            sender.send(id, version, &response).await
        }
        SpuRequest::DeleteConsumerOffset(request) => {
            let error_code = match leads_consumer_offsets(spu) {
                Err(code) => code,
                Ok(()) => tokio::task::block_in_place(|| {
                    spu.state.consumer_offsets().delete(request.replica_id, request.consumer_id).err().map_or(ErrorCode::None, |(code, _)| code)
                }),
            };
            sender.send(id, version, &DeleteConsumerOffsetResponse { error_code }).await
        }
        SpuRequest::FetchConsumerOffsets(request) => {
            let response = match leads_consumer_offsets(spu) {
                Err(error_code) => FetchConsumerOffsetsResponse { error_code, consumers: vec![] },
                Ok(()) => {
                    // As the official SPU: offsets of partitions that no longer exist are not listed.
                    let mut consumers = spu.state.consumer_offsets().list(request.filter_opts.as_ref());
                    consumers.retain(|c| spu.state.partition(&c.replica_id.topic, c.replica_id.partition).is_some());
                    FetchConsumerOffsetsResponse { error_code: ErrorCode::None, consumers }
                }
            };
            sender.send(id, version, &response).await
        }
    }
}

/// Commits `offset` for the consumer of stream `session`. Every SPU of the
/// embedded cluster shares the store, so no forwarding to the leader of
/// `consumer-offset` is needed (the official SPU forwards).
fn update_consumer_offset(spu: &Spu, session: Option<Session>, offset: i64) -> UpdateConsumerOffsetResponse {
    let failed = |error_code| UpdateConsumerOffsetResponse { offset: 0, error_code };
    let Some(session) = session else { return failed(ErrorCode::FetchSessionNotFoud) };
    let Some(consumer_id) = session.consumer_id else {
        return failed(ErrorCode::Other("stream without consumer id".into()));
    };
    match spu.state.consumer_offsets().update(session.replica, consumer_id, offset) {
        Ok(()) => UpdateConsumerOffsetResponse { offset, error_code: ErrorCode::None },
        Err((code, why)) => {
            crate::log!(Error, "local", "storing a consumer offset failed: {why}");
            failed(code)
        }
    }
}

/// Listing and deleting consumer offsets is answered by the leader of
/// `consumer-offset`-0 only, as by the official SPUs.
fn leads_consumer_offsets(spu: &Spu) -> Result<(), ErrorCode> {
    match spu.state.partition(crate::local::CONSUMER_OFFSET_TOPIC, 0) {
        Some(p) if p.leader() == spu.id && !p.is_deleted() => Ok(()),
        _ => Err(ErrorCode::PartitionNotLeader),
    }
}

fn lock(sessions: &Mutex<Sessions>) -> std::sync::MutexGuard<'_, Sessions> {
    sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A partition this SPU leads, or the error code to answer with.
fn led_partition(spu: &Spu, topic: &str, partition: u32) -> Result<Arc<Partition>, ErrorCode> {
    match spu.state.partition(topic, partition) {
        None if spu.state.topics().iter().any(|t| t.name == topic) => Err(ErrorCode::PartitionNotLeader),
        None => Err(ErrorCode::TopicNotFound),
        Some(p) if p.leader() != spu.id => Err(ErrorCode::NotLeaderForPartition),
        Some(p) => Ok(p),
    }
}

/// Appends each entry's batches; one response entry per request entry, in order.
fn produce_response(spu: &Spu, produce: ProduceRequest, version: Version) -> ProduceResponse {
    let smartmodules = produce.smartmodules;
    let responses = produce
        .topics
        .into_iter()
        .map(|topic| {
            let partitions = topic
                .partitions
                .into_iter()
                .map(|entry| {
                    let (error_code, base_offset) =
                        produce_entry(spu, &topic.name, entry.partition_index, entry.records, &smartmodules, version);
                    PartitionProduceResponse { partition_index: entry.partition_index, error_code, base_offset, ..Default::default() }
                })
                .collect();
            TopicProduceResponse { name: topic.name, partitions }
        })
        .collect();
    ProduceResponse { responses, throttle_time_ms: 0 }
}

/// The answer to a produce request failed by an injected fault: every
/// entry gets `code`, nothing is appended.
fn failed_produce(produce: ProduceRequest, code: ErrorCode) -> ProduceResponse {
    let responses = produce
        .topics
        .into_iter()
        .map(|topic| TopicProduceResponse {
            partitions: topic
                .partitions
                .iter()
                .map(|entry| PartitionProduceResponse {
                    partition_index: entry.partition_index,
                    error_code: code.clone(),
                    base_offset: -1,
                    ..Default::default()
                })
                .collect(),
            name: topic.name,
        })
        .collect();
    ProduceResponse { responses, throttle_time_ms: 0 }
}

fn produce_entry(
    spu: &Spu,
    topic: &str,
    partition: u32,
    mut records: RecordSet,
    smartmodules: &[SmartModuleInvocation],
    version: Version,
) -> (ErrorCode, i64) {
    if records.truncated_bytes > 0 {
        return (ErrorCode::Other("the record set ends with a cut batch".into()), -1);
    }
    if records.batches.is_empty() {
        return (ErrorCode::None, 0);
    }
    let partition = match led_partition(spu, topic, partition) {
        Ok(p) => p,
        Err(code) => return (code, -1),
    };
    // As the official SPU: the producer's chain, then the topic's
    // deduplication filter, each replace the entry's batches by one batch of
    // their output (filtered records take no offsets); a failure stores
    // nothing of the entry, and nothing left to store answers the end offset.
    let dedup = partition.deduplication.as_ref().map(dedup_invocation);
    for invocations in [smartmodules.to_vec(), dedup.into_iter().collect()] {
        if invocations.is_empty() {
            continue;
        }
        let (state, reading, batches) = (spu.state.clone(), partition.clone(), records.batches.clone());
        let limits = spu.smartmodule_limits;
        let produced = run_with_limit(limits.timeout, 0, move || produced_by_chain(&state, &reading, &batches, invocations, version, limits.fuel));
        match produced.and_then(|produced| produced) {
            Ok(Some(batch)) => records.batches = vec![batch],
            Ok(None) => return (ErrorCode::None, partition.offsets().1),
            Err(code) => return (code, -1),
        }
    }
    match partition.append_as(Some(spu.id), &mut records.batches) {
        Ok(base) => (ErrorCode::None, base),
        Err((code, why)) => {
            crate::log!(Info, "local", "produce to {} refused: {why}", partition.key);
            (code, -1)
        }
    }
}

fn fetch_offsets(spu: &Spu, request: FetchOffsetsRequest) -> FetchOffsetsResponse {
    let topics = request
        .topics
        .into_iter()
        .map(|topic| {
            let partitions = topic
                .partitions
                .iter()
                .map(|p| match led_partition(spu, &topic.name, p.partition_index) {
                    Ok(partition) => {
                        let (start, end) = partition.offsets();
                        FetchOffsetPartitionResponse {
                            error_code: ErrorCode::None,
                            partition_index: p.partition_index,
                            start_offset: start,
                            last_stable_offset: end,
                        }
                    }
                    Err(code) => FetchOffsetPartitionResponse { error_code: code, partition_index: p.partition_index, ..Default::default() },
                })
                .collect();
            FetchOffsetTopicResponse { name: topic.name, partitions }
        })
        .collect();
    FetchOffsetsResponse { topics }
}

fn error_frame(request: &StreamFetchRequest, stream_id: u32, error_code: ErrorCode) -> StreamFetchResponse {
    StreamFetchResponse {
        topic: request.topic.clone(),
        stream_id,
        partition: FetchablePartitionResponse { partition_index: request.partition, error_code, ..Default::default() },
    }
}

/// Starts a stream session; `false` when the connection is gone.
async fn start_stream(
    spu: &Spu,
    sender: &FrameSender,
    sessions: &Arc<Mutex<Sessions>>,
    id: i32,
    version: Version,
    request: StreamFetchRequest,
) -> bool {
    let partition = match led_partition(spu, &request.topic, request.partition) {
        Ok(p) => p,
        // As the official SPU: one frame with stream id 0, nothing else.
        // Sent like any response, so a client that does not read stalls its
        // connection instead of piling up tasks.
        Err(code) => return sender.send(id, version, &error_frame(&request, 0, code)).await,
    };
    let (ack_tx, ack_rx) = mpsc::channel(ACK_QUEUE);
    let session = Session {
        acks: ack_tx,
        replica: ReplicaKey::new(request.topic.clone(), request.partition),
        consumer_id: request.consumer_id.clone(),
    };
    let stream_id = {
        let mut sessions = lock(sessions);
        let stream_id = sessions.next_id;
        sessions.next_id = sessions.next_id.wrapping_add(1).max(1);
        sessions.sessions.insert(stream_id, session);
        stream_id
    };
    let (sender, sessions, cut_batches, spu_id, state) = (sender.clone(), sessions.clone(), spu.cut_batches, spu.id, spu.state.clone());
    let limits = spu.smartmodule_limits;
    tokio::spawn(async move {
        stream_session(partition, sender, id, version, stream_id, request, ack_rx, cut_batches, spu_id, state, limits).await;
        lock(&sessions).sessions.remove(&stream_id);
    });
    true
}

/// Pushes batches from `fetch_offset` on: one frame of whole batches, then
/// waits for its acknowledgement; when caught up, waits for appends.
#[allow(clippy::too_many_arguments)]
async fn stream_session(
    partition: Arc<Partition>,
    sender: FrameSender,
    id: i32,
    version: Version,
    stream_id: u32,
    request: StreamFetchRequest,
    mut acks: mpsc::Receiver<i64>,
    cut_batches: bool,
    spu_id: i32,
    state: Arc<ClusterState>,
    limits: CallLimits,
) {
    let max_bytes = request.max_bytes.max(0) as usize;
    // SmartModules: built (and given their look-back) before the first
    // record is read; a chain that cannot be built ends the stream with the
    // official SPU's error code.
    let mut chain = match stream_chain(&request, version, &state, &partition, limits) {
        Ok(chain) => chain,
        Err(code) => {
            sender.send(id, version, &error_frame(&request, stream_id, code)).await;
            return;
        }
    };
    // Offsets whose records the chain consumed without output, not yet
    // reported to the client (reported when the stream catches up).
    let mut unreported_from: Option<i64> = None;
    let mut appended = partition.subscribe();
    let mut next = request.fetch_offset;
    let (start, end) = partition.offsets();
    if next > end {
        let error = ErrorCode::Other(format!("start offset {next} is greater than the end offset {end}"));
        sender.send(id, version, &error_frame(&request, stream_id, error)).await;
        return;
    }
    loop {
        if partition.is_deleted() {
            sender.send(id, version, &error_frame(&request, stream_id, ErrorCode::TopicDeleted)).await;
            return;
        }
        if partition.leader() != spu_id {
            // The leader moved: the client must follow it.
            sender.send(id, version, &error_frame(&request, stream_id, ErrorCode::NotLeaderForPartition)).await;
            return;
        }
        let (start_now, end) = partition.offsets();
        if next < start_now {
            let error = ErrorCode::OffsetEvicted { offset: next, next_available: start_now };
            sender.send(id, version, &error_frame(&request, stream_id, error)).await;
            return;
        }
        if next >= end {
            if let Some(from) = unreported_from.take() {
                // Tell the client how far the chain got: an empty batch up
                // to `next`, so a non-continuous stream sees its end.
                let Some(slot) = sender.reserve().await else { return };
                let batch = empty_batch(from, next);
                let frame = processed_frame(&request, stream_id, end, start.min(start_now), next, ErrorCode::None);
                let mut bytes = Vec::new();
                batch.encode(&mut bytes);
                slot.send_stream_fetch(id, version, &frame, &bytes);
                if !wait_for_ack(&mut acks, &sender).await {
                    return;
                }
                continue;
            }
            // Caught up: wait for an append (or deletion), or the connection to go.
            appended.borrow_and_update();
            if partition.offsets().1 > next || partition.is_deleted() || partition.leader() != spu_id {
                continue;
            }
            tokio::select! {
                changed = appended.changed() => if changed.is_err() { return },
                _ = sender.closed() => return,
            }
            continue;
        }
        // Room in the outbound queue before reading: sessions of a client
        // that does not read must not each hold a frame outside the queue.
        let Some(slot) = sender.reserve().await else { return };
        let (start_now, end) = partition.offsets();
        if next < start_now || partition.is_deleted() {
            continue; // changed while waiting for room
        }
        if let Some(running) = chain.take() {
            // On a thread of its own, bounded by `limits.timeout` per input batch: the
            // chain comes back with its output, or is abandoned with its
            // thread (the output of the batches before goes out first).
            let (running, outcome) = tokio::task::block_in_place(|| run_chain(running, &partition, next, max_bytes, limits.timeout));
            chain = running;
            let ChainFrame { bytes, output_records, consumed_to, error } = match outcome {
                Ok(frame) => frame,
                Err(code) => {
                    slot.send(id, version, &error_frame(&request, stream_id, code));
                    return;
                }
            };
            if output_records == 0 && error.is_none() {
                // Everything read was filtered out: nothing to send yet.
                unreported_from.get_or_insert(next);
                next = consumed_to.max(next + 1);
                drop(slot);
                continue;
            }
            unreported_from = None;
            let error_code = error.clone().unwrap_or(ErrorCode::None);
            let frame = processed_frame(&request, stream_id, end, start.min(start_now), consumed_to, error_code);
            slot.send_stream_fetch(id, version, &frame, &bytes);
            if error.is_some() || chain.is_none() {
                // The module failed: the records before the failing one went
                // out with the error; the stream ends here.
                return;
            }
            if !wait_for_ack(&mut acks, &sender).await {
                return;
            }
            // The chain consumed up to here: its state (an aggregate's
            // accumulator) must not see these records twice, whatever the
            // acknowledgement says.
            next = consumed_to.max(next + 1);
            continue;
        }
        let read = |limit: usize| tokio::task::block_in_place(|| partition.read(next, limit));
        let bytes = match if cut_batches { read(max_bytes.saturating_mul(2)) } else { read(max_bytes) } {
            Ok(mut bytes) => {
                if cut_batches {
                    // As the official SPU: the byte slice ends at max_bytes,
                    // wherever that falls.
                    bytes.truncate(max_bytes);
                }
                bytes
            }
            Err(e) => {
                crate::log!(Error, "local", "reading {} at {next}: {e}", partition.key);
                slot.send(id, version, &error_frame(&request, stream_id, ErrorCode::StorageError));
                return;
            }
        };
        let head = StreamFetchResponse {
            topic: request.topic.clone(),
            stream_id,
            partition: FetchablePartitionResponse {
                partition_index: request.partition,
                error_code: ErrorCode::None,
                high_watermark: end,
                next_filter_offset: 0,
                log_start_offset: start.min(start_now),
                aborted: None,
                records: RecordSet::default(),
            },
        };
        let sent_up_to = end_offset_of_batches(&bytes).unwrap_or(next);
        slot.send_stream_fetch(id, version, &head, &bytes);
        // Flow control: nothing more until the client acknowledges.
        let acked = tokio::select! {
            acked = acks.recv() => acked,
            _ = sender.closed() => return,
        };
        match acked {
            Some(offset) => next = offset.clamp(next, sent_up_to.max(next)),
            None => return,
        }
    }
}

/// Waits for the client's acknowledgement of a frame; `false` when the
/// connection or the session is gone.
async fn wait_for_ack(acks: &mut mpsc::Receiver<i64>, sender: &FrameSender) -> bool {
    tokio::select! {
        acked = acks.recv() => acked.is_some(),
        _ = sender.closed() => false,
    }
}

/// The frame head of SmartModule output: `next_filter_offset` is where the
/// chain stopped, which the official client acknowledges.
fn processed_frame(
    request: &StreamFetchRequest,
    stream_id: u32,
    high_watermark: i64,
    log_start_offset: i64,
    consumed_to: i64,
    error_code: ErrorCode,
) -> StreamFetchResponse {
    StreamFetchResponse {
        topic: request.topic.clone(),
        stream_id,
        partition: FetchablePartitionResponse {
            partition_index: request.partition,
            error_code,
            high_watermark,
            next_filter_offset: consumed_to,
            log_start_offset,
            aborted: None,
            records: RecordSet::default(),
        },
    }
}

/// A batch without records spanning `from..to`.
fn empty_batch(from: i64, to: i64) -> Batch {
    let mut batch = Batch::from_records(&[], crate::protocol::Compression::None, NO_TIMESTAMP).expect("uncompressed");
    batch.base_offset = from;
    batch.header.last_offset_delta = (to - from - 1).clamp(0, i32::MAX as i64) as i32;
    batch.header.crc = batch.compute_crc();
    batch
}

/// The SmartModules a StreamFetch asks for, as a chain (`None`: none).
fn stream_chain(
    request: &StreamFetchRequest,
    version: Version,
    state: &Arc<ClusterState>,
    partition: &Arc<Partition>,
    limits: CallLimits,
) -> Result<Option<Chain>, ErrorCode> {
    let mut invocations = request.smartmodules.clone();
    if let Some(legacy) = &request.smartmodule {
        invocations.insert(0, legacy.clone());
    }
    if !request.wasm_module.is_empty() || request.derivedstream.is_some() {
        return Err(ErrorCode::SmartModuleInvalid {
            error: "legacy wasm_module and derived-stream fetches are not supported; send a SmartModuleInvocation".into(),
            name: None,
        });
    }
    if invocations.is_empty() {
        return Ok(None);
    }
    let (state, partition) = (state.clone(), partition.clone());
    // Init and look-back run module code too: bounded like every call.
    tokio::task::block_in_place(|| {
        run_with_limit(limits.timeout, request.fetch_offset, move || {
            let mut chain = Chain::build(invocations, version, limits.fuel, |name| state.smartmodule_wasm(name))?;
            chain.look_back(|lookback| look_back_records(&partition, lookback))?;
            Ok(Some(chain))
        })
    })?
}

/// Whole batches from the one holding `offset`, parsed.
fn read_batches(partition: &Partition, offset: i64, max_bytes: usize) -> Result<Vec<Batch>, ErrorCode> {
    let bytes = partition.read(offset, max_bytes).map_err(|e| {
        crate::log!(Error, "local", "reading {} at {offset}: {e}", partition.key);
        ErrorCode::StorageError
    })?;
    let mut reader = Reader::new(&bytes);
    let mut batches = Vec::new();
    while !reader.is_empty() {
        batches.push(Batch::decode(&mut reader).map_err(|e| ErrorCode::Other(format!("a stored batch of {}: {e}", partition.key)))?);
    }
    Ok(batches)
}

/// One frame of SmartModule output: the output batches (one per input
/// batch, empty ones included, so the frame spans every offset consumed).
struct ChainFrame {
    bytes: Vec<u8>,
    output_records: usize,
    consumed_to: i64,
    error: Option<ErrorCode>,
}

enum Piece {
    Batch(Processed),
    Done(Chain),
}

/// Runs the records from `next` on through the chain, on a thread of its
/// own, input batch by input batch, until the output reaches `max_bytes`
/// or the module fails. Each batch may take `limit`: a module that does
/// not return by then is abandoned with its thread (no chain comes back)
/// and the frame ends with a `SmartModuleRuntimeError` at that batch.
fn run_chain(
    mut chain: Chain,
    partition: &Partition,
    next: i64,
    max_bytes: usize,
    limit: std::time::Duration,
) -> (Option<Chain>, Result<ChainFrame, ErrorCode>) {
    let batches = match read_batches(partition, next, max_bytes) {
        Ok(batches) => batches,
        Err(code) => return (Some(chain), Err(code)),
    };
    let (tx, rx) = std::sync::mpsc::sync_channel(batches.len() + 1);
    let spawned = std::thread::Builder::new().name("fluvio-smartmodule".into()).spawn(move || {
        let mut out_bytes = 0usize;
        for batch in &batches {
            let piece = chain.process(std::slice::from_ref(batch), next, usize::MAX);
            out_bytes = out_bytes.saturating_add(piece.batch.as_ref().map_or(0, Batch::encoded_len));
            let stop = piece.error.is_some() || out_bytes >= max_bytes;
            if tx.send(Piece::Batch(piece)).is_err() {
                return;
            }
            if stop {
                break;
            }
        }
        let _ = tx.send(Piece::Done(chain));
    });
    if let Err(e) = spawned {
        return (None, Err(ErrorCode::Other(format!("starting a SmartModule thread: {e}"))));
    }
    let mut frame = ChainFrame { bytes: Vec::new(), output_records: 0, consumed_to: next, error: None };
    loop {
        match rx.recv_timeout(limit) {
            Ok(Piece::Batch(piece)) => {
                frame.output_records += piece.output_records;
                frame.consumed_to = frame.consumed_to.max(piece.consumed_to);
                if let Some(batch) = &piece.batch {
                    batch.encode(&mut frame.bytes);
                }
                if piece.error.is_some() {
                    frame.error = piece.error;
                }
            }
            Ok(Piece::Done(chain)) => return (Some(chain), Ok(frame)),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                let offset = frame.consumed_to;
                frame.error = Some(ErrorCode::SmartModuleRuntimeError(Box::new(crate::protocol::error_code::SmartModuleRuntimeError {
                    hint: format!("the SmartModule did not return within {limit:?} on the records from offset {offset}, and was abandoned"),
                    offset,
                    ..Default::default()
                })));
                return (None, Ok(frame));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                frame.error = Some(ErrorCode::SmartModuleError);
                return (None, Ok(frame));
            }
        }
    }
}

/// What a SmartModule's look-back asks for, as the official SPU reads it:
/// the last `n` records, or those younger than `age` (of the last `n` when
/// `n` > 0).
fn look_back_records(partition: &Partition, lookback: Lookback) -> Result<Vec<Record>, ErrorCode> {
    let (last, min_timestamp) = match lookback {
        Lookback::Last(last) => (last, None),
        Lookback::Age { age, last } => {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            (last, Some(now.saturating_sub(age).as_millis() as i64))
        }
    };
    let (start, end) = partition.offsets();
    let from = if last > 0 { end.saturating_sub(i64::try_from(last).unwrap_or(i64::MAX)).max(start) } else { start };
    let mut records = Vec::new();
    let mut at = from;
    while at < end {
        let batches = read_batches(partition, at, 1 << 20)?;
        let Some(last_batch) = batches.last() else { break };
        let next_at = last_batch.next_offset();
        for batch in &batches {
            let decoded = batch.decode_records(256 << 20).map_err(|e| ErrorCode::SmartModuleLookBackError(e.to_string()))?;
            for record in decoded.records {
                let offset = batch.base_offset.saturating_add(record.offset_delta);
                let young = min_timestamp.is_none_or(|min| batch.record_timestamp(&record) >= min);
                if offset >= from && offset < end && young {
                    records.push(record);
                }
            }
        }
        if next_at <= at {
            break;
        }
        at = next_at;
    }
    Ok(records)
}

/// The batch a producer's SmartModule chain makes of `batches` (`None`:
/// the chain kept no record). Its records are numbered densely: the records
/// a module dropped were never stored.
/// The filter a topic's deduplication runs, as the official SPU builds it
/// (`dedup_to_invocation`): the named module with `count`, `age` (in
/// milliseconds) and the topic's own parameters, looking back over as many
/// records and as long.
fn dedup_invocation(dedup: &crate::protocol::sc::Deduplication) -> SmartModuleInvocation {
    let bounds = &dedup.bounds;
    let mut params = std::collections::BTreeMap::from([("count".to_string(), bounds.count.to_string())]);
    if let Some(age) = bounds.age {
        params.insert("age".into(), age.as_millis().to_string());
    }
    params.extend(dedup.filter.transform.with.clone());
    let uses = dedup.filter.transform.uses.clone();
    SmartModuleInvocation {
        wasm: SmartModuleWasm::Predefined(uses.clone()),
        kind: SmartModuleKind::Filter,
        params: SmartModuleExtraParams { params, lookback: Some(crate::protocol::spu::Lookback { last: bounds.count, age: bounds.age }) },
        name: Some(uses),
    }
}

fn produced_by_chain(
    state: &ClusterState,
    partition: &Partition,
    batches: &[Batch],
    smartmodules: Vec<SmartModuleInvocation>,
    version: Version,
    fuel: u64,
) -> Result<Option<Batch>, ErrorCode> {
    let mut chain = Chain::build(smartmodules, version, fuel, |name| state.smartmodule_wasm(name))?;
    chain.look_back(|lookback| look_back_records(partition, lookback))?;
    // Producers send batches with placeholder base offsets: number them
    // from 0 so the chain sees each record once, in order.
    let mut relative = Vec::with_capacity(batches.len());
    let mut next = 0i64;
    for batch in batches {
        let mut batch = batch.clone();
        batch.base_offset = next;
        next = next.saturating_add(batch.record_count().max(0));
        relative.push(batch);
    }
    let processed = chain.process(&relative, 0, usize::MAX);
    if let Some(error) = processed.error {
        return Err(error);
    }
    let Some(batch) = processed.batch.filter(|_| processed.output_records > 0) else { return Ok(None) };
    let mut records = batch.decode_records(usize::MAX).map_err(|e| ErrorCode::Other(format!("SmartModule output: {e}")))?.records;
    for (i, record) in records.iter_mut().enumerate() {
        record.offset_delta = i as i64;
    }
    // Compressed as the producer's batch was (a topic may require its codec).
    let codec = batches[0].compression().unwrap_or(crate::protocol::Compression::None);
    let mut dense = Batch::from_records(&records, codec, batch.header.first_timestamp)
        .map_err(|e| ErrorCode::Other(format!("SmartModule output: {e}")))?;
    dense.header.max_time_stamp = batch.header.max_time_stamp;
    dense.header.crc = dense.compute_crc();
    Ok(Some(dense))
}
