//! Hostile and broken clients against the embedded cluster, on the SC
//! listener and on an SPU listener: malformed frames, unknown api keys and
//! absurd versions, lying lengths, half-sent frames, clients that never read
//! their socket, and clients that vanish mid-stream. Each hostile connection
//! must get an error response or be closed (asserted, by reading until EOF
//! with a time bound), and afterwards the official Rust client must still
//! create a topic, produce and consume on the same cluster.

mod support;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fluvio::local::{ClusterConfig, FsyncPolicy, LocalCluster};
use fluvio::protocol::api_versions::{ApiVersionsRequest, ApiVersionsResponse};
use fluvio::protocol::codec::{Decode, Encode, Version};
use fluvio::protocol::frame::{decode_response_header, encode_request_frame, write_frame, Request, RequestHeader};
use fluvio::protocol::record::{Batch, Record, RecordSet};
use fluvio::protocol::sc::{
    self, CommonCreateRequest, DeleteRequest, ListFilter, ListRequest, ObjectApiCreateRequest, ObjectApiDeleteRequest,
    ObjectApiListRequest, ObjectApiListResponse, ObjectApiWatchRequest, ObjectApiWatchResponse, Status,
    TopicCreateRequest, TopicSpec, TypeBuffer, WatchRequest, SC_VERSION,
};
use fluvio::protocol::spu::{
    self, FetchOffsetsRequest, FetchOffsetsResponse, OffsetUpdate, PartitionProduceData, ProduceRequest,
    ProduceResponse, StreamFetchRequest, StreamFetchResponse, TopicProduceData, UpdateOffsetsRequest,
    UpdateOffsetsResponse, SPU_VERSION,
};
use fluvio::protocol::{Compression, ErrorCode};
use fluvio_official::consumer::ConsumerConfigExtBuilder;
use fluvio_official::{Offset, RecordKey};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::RwLock;

/// Tests that measure the whole process (RSS, open descriptors) hold this
/// exclusively; the others share it, so no test disturbs a measurement.
static PROCESS_WIDE: RwLock<()> = RwLock::const_new(());

/// Upper bound for the server to close a connection it should close at once.
const PROMPTLY: Duration = Duration::from_secs(3);
/// The partial-frame timeout the tests configure.
const PARTIAL_TIMEOUT: Duration = Duration::from_millis(300);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Listener {
    Sc,
    Spu,
}

const BOTH: [Listener; 2] = [Listener::Sc, Listener::Spu];

fn addr(cluster: &LocalCluster, listener: Listener) -> SocketAddr {
    match listener {
        Listener::Sc => cluster.sc_addr(),
        Listener::Spu => cluster.spu_addrs()[0],
    }
}

async fn start(dir: &Path, configure: impl FnOnce(&mut ClusterConfig)) -> LocalCluster {
    let mut config = ClusterConfig::new(dir);
    configure(&mut config);
    LocalCluster::start(config).await.expect("start the embedded cluster")
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

// ---------------------------------------------------------------- frames --

/// A request frame from our own encoder, body encoded at `version`.
fn frame<R: Request>(version: Version, correlation_id: i32, request: &R) -> Vec<u8> {
    let mut out = Vec::new();
    encode_request_frame(&RequestHeader::new(R::API_KEY, version, correlation_id, "hostile"), request, &mut out);
    out
}

/// A frame with any api key and any body bytes.
fn frame_with_key(api_key: u16, version: Version, correlation_id: i32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_frame(&mut out, |out| {
        RequestHeader::new(api_key, version, correlation_id, "hostile").encode(out, 0);
        out.extend_from_slice(body);
    });
    out
}

/// A length prefix and `contents`, whatever they are.
fn raw_frame(contents: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_frame(&mut out, |out| out.extend_from_slice(contents));
    out
}

fn api_versions() -> ApiVersionsRequest {
    ApiVersionsRequest { client_version: "0.50.1".into(), client_os: "linux".into(), client_arch: "x86_64".into() }
}

fn body_of<T: Encode>(value: &T, version: Version) -> Vec<u8> {
    value.to_bytes(version)
}

/// `frame` with its length prefix recomputed after `edit` changed the contents.
fn edited(frame: &[u8], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut contents = frame[4..].to_vec();
    edit(&mut contents);
    raw_frame(&contents)
}

/// Replaces the only occurrence of `needle` (same length as `with`).
fn replace_once(bytes: &mut [u8], needle: &[u8], with: &[u8]) {
    assert_eq!(needle.len(), with.len());
    let hits: Vec<usize> =
        (0..=bytes.len() - needle.len()).filter(|&i| &bytes[i..i + needle.len()] == needle).collect();
    assert_eq!(hits.len(), 1, "{needle:?} must occur exactly once");
    bytes[hits[0]..hits[0] + needle.len()].copy_from_slice(with);
}

fn create_request(name: &str, dry_run: bool) -> ObjectApiCreateRequest {
    ObjectApiCreateRequest::Topic(TopicCreateRequest {
        common: CommonCreateRequest { name: name.into(), dry_run, timeout: None },
        request: TopicSpec::computed(1, 1),
    })
}

fn stream_fetch(topic: &str, fetch_offset: i64, max_bytes: i32) -> StreamFetchRequest {
    StreamFetchRequest { topic: topic.into(), partition: 0, fetch_offset, max_bytes, ..StreamFetchRequest::default() }
}

fn watch(kind: &str) -> ObjectApiWatchRequest {
    let request = WatchRequest { epoch: 0, summary: false };
    match kind {
        "Topic" => ObjectApiWatchRequest::Topic(request),
        "Partition" => ObjectApiWatchRequest::Partition(request),
        _ => ObjectApiWatchRequest::Spu(request),
    }
}

/// A batch of `count` records of `value_len` bytes.
fn batch(count: usize, value_len: usize) -> Batch {
    let records: Vec<Record> =
        (0..count).map(|i| Record { offset_delta: i as i64, ..Record::new(None, vec![b'x'; value_len]) }).collect();
    Batch::from_records(&records, Compression::None, now_ms()).expect("batch")
}

fn produce_request(topic: &str, batches: Vec<Batch>) -> ProduceRequest {
    ProduceRequest {
        topics: vec![TopicProduceData {
            name: topic.into(),
            partitions: batches
                .into_iter()
                .map(|b| PartitionProduceData { partition_index: 0, records: RecordSet::new(vec![b]) })
                .collect(),
        }],
        ..ProduceRequest::default()
    }
}

// ------------------------------------------------------------- the socket --

async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.expect("connect")
}

/// What the server did with a connection, read until EOF or a time bound.
#[derive(Debug)]
struct Outcome {
    /// Whole response frames: correlation id and body.
    frames: Vec<(i32, Vec<u8>)>,
    /// Bytes that did not form a whole frame.
    partial: usize,
    /// EOF (or a reset) arrived within the bound.
    closed: bool,
    elapsed: Duration,
}

async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Outcome {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + within;
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let closed = loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => break false,
            Ok(Ok(0)) => break true,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            // Closing with unread input makes the kernel send a reset.
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Ok(Err(e)) => panic!("reading the socket: {e}"),
        }
    };
    let elapsed = started.elapsed();
    let mut frames = Vec::new();
    let mut rest = &buf[..];
    while rest.len() >= 4 {
        let len = i32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        let Some(contents) = rest.get(4..4 + len) else { break };
        let (id, body) = decode_response_header(contents).expect("response header");
        frames.push((id, body.rest().to_vec()));
        rest = &rest[4 + len..];
    }
    Outcome { frames, partial: rest.len(), closed, elapsed }
}

/// Sends `bytes` (the server may already have closed: write errors are part
/// of the outcome), asserts that the server closes without answering, then
/// that the cluster still serves the official client. Returns how long the
/// server took to close.
async fn assert_dropped(cluster: &LocalCluster, addr: SocketAddr, bytes: &[u8], what: &str) -> Duration {
    let mut stream = connect(addr).await;
    let _ = stream.write_all(bytes).await;
    let elapsed = assert_closed_silently(&mut stream, what).await;
    assert_cluster_serves(&cluster.endpoint(), what).await;
    elapsed
}

async fn assert_closed_silently(stream: &mut TcpStream, what: &str) -> Duration {
    let outcome = read_until_closed(stream, Duration::from_secs(10)).await;
    assert!(outcome.closed, "{what}: the server left the connection open ({outcome:?})");
    assert!(outcome.frames.is_empty() && outcome.partial == 0, "{what}: expected no answer, got {outcome:?}");
    outcome.elapsed
}

/// Reads one whole frame and decodes it as `T` at `version`.
async fn read_response<T: Decode>(stream: &mut TcpStream, id: i32, version: Version, what: &str) -> T {
    let read = async {
        let mut len = [0u8; 4];
        stream.read_exact(&mut len).await?;
        let mut contents = vec![0u8; i32::from_be_bytes(len) as usize];
        stream.read_exact(&mut contents).await?;
        std::io::Result::Ok(contents)
    };
    let contents = tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("{what}: no response within 10 s"))
        .unwrap_or_else(|e| panic!("{what}: connection failed before a response: {e}"));
    let (got_id, mut body) = decode_response_header(&contents).expect("response header");
    assert_eq!(got_id, id, "{what}: correlation id");
    let value = T::decode(&mut body, version).unwrap_or_else(|e| panic!("{what}: undecodable response: {e}"));
    body.finish().unwrap_or_else(|e| panic!("{what}: {e}"));
    value
}

/// Sends one request on a fresh connection and returns the answer.
async fn ask<R: Request>(addr: SocketAddr, version: Version, request: &R) -> R::Response {
    let mut stream = connect(addr).await;
    stream.write_all(&frame(version, 7, request)).await.expect("send");
    read_response(&mut stream, 7, version, "a request that is answered").await
}

/// [`ask`], then checks that the cluster still serves the official client.
async fn ask_hostile<R: Request>(
    cluster: &LocalCluster,
    addr: SocketAddr,
    version: Version,
    request: &R,
    what: &str,
) -> R::Response {
    let answer = ask(addr, version, request).await;
    assert_cluster_serves(&cluster.endpoint(), what).await;
    answer
}

/// Produces `batches` to partition 0 of `topic` over a raw connection.
async fn produce_raw(addr: SocketAddr, topic: &str, batches: Vec<Batch>) {
    let response: ProduceResponse = ask(addr, SPU_VERSION, &produce_request(topic, batches)).await;
    for partition in response.responses.iter().flat_map(|t| &t.partitions) {
        assert_eq!(partition.error_code, ErrorCode::None, "produce to {topic}");
    }
}

// ------------------------------------------------- the well-behaved peer --

/// The official Rust client connects, creates a topic, produces to it and
/// reads every record back, on the cluster at `endpoint`.
async fn assert_cluster_serves(endpoint: &str, after: &str) {
    static CHECKS: AtomicU64 = AtomicU64::new(0);
    let n = CHECKS.fetch_add(1, Ordering::Relaxed);
    let check = async {
        let fluvio = support::official_client(endpoint).await;
        let topic = format!("healthy-{n}");
        let admin = fluvio.admin().await;
        let spec = fluvio_official::metadata::topic::TopicSpec::new_computed(1, 1, None);
        admin.create(topic.clone(), false, spec).await.expect("the official client creates a topic");
        let producer = fluvio.topic_producer(topic.clone()).await.expect("producer");
        let values: Vec<String> = (0..10).map(|i| format!("check {n} after {after}: {i}")).collect();
        for value in &values {
            producer.send(RecordKey::NULL, value.clone()).await.expect("send");
        }
        producer.flush().await.expect("flush");
        let config = ConsumerConfigExtBuilder::default()
            .topic(topic)
            .partition(0)
            .offset_start(Offset::beginning())
            .build()
            .expect("consumer config");
        let mut stream = fluvio.consumer_with_config(config).await.expect("consumer");
        let mut seen = Vec::new();
        while seen.len() < values.len() {
            let record = stream.next().await.expect("stream ended").expect("record");
            seen.push(String::from_utf8(record.value().to_vec()).expect("utf-8"));
        }
        assert_eq!(seen, values);
    };
    tokio::time::timeout(Duration::from_secs(20), check)
        .await
        .unwrap_or_else(|_| panic!("after {after}: the official client could not create/produce/consume within 20 s"));
}

// -------------------------------------------------- process measurements --

fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS");
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("/proc/self/fd").count()
}

fn alive_tasks() -> usize {
    tokio::runtime::Handle::current().metrics().num_alive_tasks()
}

/// Samples RSS in the background and keeps the peak.
struct RssPeak {
    peak: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl RssPeak {
    fn start() -> Self {
        let peak = Arc::new(AtomicU64::new(rss_bytes()));
        let task = tokio::spawn({
            let peak = peak.clone();
            async move {
                loop {
                    peak.fetch_max(rss_bytes(), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        });
        RssPeak { peak, task }
    }

    fn finish(self) -> u64 {
        self.task.abort();
        self.peak.load(Ordering::Relaxed).max(rss_bytes())
    }
}

// ------------------------------------------------------------------ tests --

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_close_the_connection() {
    let _shared = PROCESS_WIDE.read().await;
    let dir = tempfile::tempdir().unwrap();
    let cluster = start(dir.path(), |_| {}).await;
    cluster.ensure_topic("present", 1).unwrap();

    for listener in BOTH {
        let addr = addr(&cluster, listener);
        let mut cases: Vec<(String, Vec<u8>)> = Vec::new();

        // Garbage after a valid length.
        let garbage: Vec<u8> = (0u32..64).map(|i| (i.wrapping_mul(151) ^ 0xa5) as u8).collect();
        cases.push(("garbage after a valid length".into(), raw_frame(&garbage)));
        // A header cut short.
        cases.push(("a frame shorter than a header".into(), raw_frame(&[0, 18, 0])));
        // A valid header, then a body that is cut short, one with trailing
        // bytes, and one that is not a body of that request at all.
        let (key, version, valid) = match listener {
            Listener::Sc => (sc::api_key::CREATE, SC_VERSION, body_of(&create_request("cut", false), SC_VERSION)),
            Listener::Spu => (
                spu::api_key::FETCH_OFFSETS,
                SPU_VERSION,
                body_of(&FetchOffsetsRequest::new("present", 0), SPU_VERSION),
            ),
        };
        cases.push(("a body cut short".into(), frame_with_key(key, version, 1, &valid[..valid.len() - 3])));
        cases.push((
            "a body with trailing bytes".into(),
            frame_with_key(key, version, 1, &[&valid[..], &[0, 0]].concat()),
        ));
        cases.push(("a body of 0xff bytes".into(), frame_with_key(key, version, 1, &[0xff; 24])));
        // A bool (or Option presence) byte of 7.
        let bool_7 = match listener {
            Listener::Sc => {
                // Delete's last byte is `force`.
                let delete = ObjectApiDeleteRequest::Topic(DeleteRequest { key: "present".into(), force: true });
                edited(&frame(SC_VERSION, 1, &delete), |c| *c.last_mut().unwrap() = 7)
            }
            Listener::Spu => {
                // StreamFetch's last byte is the `consumer_id` Option's presence.
                edited(&frame(SPU_VERSION, 1, &stream_fetch("present", 0, 1024)), |c| *c.last_mut().unwrap() = 7)
            }
        };
        cases.push(("a bool byte of 7".into(), bool_7));
        // Bad UTF-8: in the header's client id, and in a name in the body.
        let bad_client_id = edited(&frame(2, 1, &api_versions()), |c| replace_once(c, b"hostile", b"\xffhost\xfe\xc0"));
        cases.push(("a client id that is not UTF-8".into(), bad_client_id));
        let bad_name = match listener {
            Listener::Sc => edited(&frame(SC_VERSION, 1, &create_request("abcdef", false)), |c| {
                replace_once(c, b"abcdef", b"ab\xc3\x28ef")
            }),
            Listener::Spu => edited(&frame(SPU_VERSION, 1, &stream_fetch("abcdef", 0, 1024)), |c| {
                replace_once(c, b"abcdef", b"\xed\xa0\x80def")
            }),
        };
        cases.push(("a topic name that is not UTF-8".into(), bad_name));
        for (what, bytes) in &cases {
            let elapsed = assert_dropped(&cluster, addr, bytes, &format!("{listener:?}: {what}")).await;
            assert!(elapsed < PROMPTLY, "{listener:?}: {what}: closed only after {elapsed:?}");
        }

        // A valid request followed by garbage: the request is answered, then
        // the connection is dropped.
        let mut stream = connect(addr).await;
        let mut bytes = frame(2, 41, &api_versions());
        bytes.extend_from_slice(&raw_frame(&garbage));
        stream.write_all(&bytes).await.unwrap();
        let outcome = read_until_closed(&mut stream, Duration::from_secs(10)).await;
        assert!(outcome.closed, "{listener:?}: a request then garbage: left open");
        assert_eq!(outcome.frames.len(), 1, "{listener:?}: the valid request is answered before the drop");
        assert_eq!(outcome.frames[0].0, 41);
        let answer = ApiVersionsResponse::from_bytes(&outcome.frames[0].1, 2).expect("ApiVersions response");
        assert_eq!(answer.error_code, ErrorCode::None);
        assert_cluster_serves(&cluster.endpoint(), &format!("{listener:?}: a request then garbage")).await;
    }

    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_api_keys_and_absurd_versions() {
    let _shared = PROCESS_WIDE.read().await;
    let dir = tempfile::tempdir().unwrap();
    let cluster = start(dir.path(), |_| {}).await;
    let (sc_addr, spu_addr) = (cluster.sc_addr(), cluster.spu_addrs()[0]);
    let api_versions_body = body_of(&api_versions(), 2);

    // Keys a listener does not serve: dropped without an answer.
    for (listener, key) in [
        (Listener::Sc, 9999),
        (Listener::Spu, 9999),
        (Listener::Sc, u16::MAX),
        (Listener::Sc, sc::api_key::UPDATE),
        (Listener::Sc, spu::api_key::PRODUCE),
        (Listener::Spu, spu::api_key::FETCH),
        (Listener::Spu, sc::api_key::CREATE),
    ] {
        let bytes = frame_with_key(key, 0, 1, &api_versions_body);
        let what = format!("{listener:?}: api key {key}");
        let elapsed = assert_dropped(&cluster, addr(&cluster, listener), &bytes, &what).await;
        assert!(elapsed < PROMPTLY);
    }

    // Known keys at versions whose layout the server refuses: dropped.
    for version in [0, 10, -1, i16::MIN] {
        let bytes = frame(version, 1, &create_request("never", false));
        assert_dropped(&cluster, sc_addr, &bytes, &format!("SC: Create at version {version}")).await;
        let bytes = frame(version, 1, &watch("Topic"));
        assert_dropped(&cluster, sc_addr, &bytes, &format!("SC: Watch at version {version}")).await;
    }
    // A body laid out for the usual version under an absurd one: dropped.
    let bytes = frame_with_key(spu::api_key::STREAM_FETCH, i16::MAX, 1, &body_of(&stream_fetch("x", 0, 1), 10));
    assert_dropped(&cluster, spu_addr, &bytes, "SPU: StreamFetch v10 body at version 32767").await;

    // Known keys at absurd versions whose body decodes consistently at that
    // version: answered (as the official SC and SPU do, which do not check
    // versions either), at that version, with the right error where there is one.
    for version in [i16::MAX, -1, i16::MIN] {
        let answer: ApiVersionsResponse =
            ask_hostile(&cluster, sc_addr, version, &api_versions(), &format!("SC: ApiVersions at version {version}"))
                .await;
        assert_eq!(answer.error_code, ErrorCode::None);
        assert!(answer.api_keys.iter().any(|k| k.api_key as u16 == sc::api_key::WATCH));
        let answer: ApiVersionsResponse = ask_hostile(
            &cluster,
            spu_addr,
            version,
            &api_versions(),
            &format!("SPU: ApiVersions at version {version}"),
        )
        .await;
        assert!(answer.api_keys.iter().any(|k| k.api_key as u16 == spu::api_key::STREAM_FETCH));

        let answer: FetchOffsetsResponse = ask_hostile(
            &cluster,
            spu_addr,
            version,
            &FetchOffsetsRequest::new("missing", 0),
            &format!("SPU: FetchOffsets at version {version}"),
        )
        .await;
        assert_eq!(answer.find_partition("missing", 0).unwrap().error_code, ErrorCode::TopicNotFound);

        let answer: StreamFetchResponse = ask_hostile(
            &cluster,
            spu_addr,
            version,
            &stream_fetch("missing", 0, 1024),
            &format!("SPU: StreamFetch at version {version}"),
        )
        .await;
        assert_eq!((answer.stream_id, answer.partition.error_code), (0, ErrorCode::TopicNotFound));

        let updates = UpdateOffsetsRequest { offsets: vec![OffsetUpdate { offset: 5, session_id: 42 }] };
        let answer: UpdateOffsetsResponse =
            ask_hostile(&cluster, spu_addr, version, &updates, &format!("SPU: UpdateOffsets at version {version}"))
                .await;
        assert_eq!(answer.status[0].error, ErrorCode::FetchSessionNotFoud);

        let answer: ProduceResponse = ask_hostile(
            &cluster,
            spu_addr,
            version,
            &produce_request("missing", vec![batch(1, 3)]),
            &format!("SPU: Produce at version {version}"),
        )
        .await;
        assert_eq!(answer.responses[0].partitions[0].error_code, ErrorCode::TopicNotFound);
    }
    // (11 is below the List and Watch ranges the SC advertises, 15..=19.)
    for version in [i16::MAX, 11] {
        let answer: Status = ask_hostile(
            &cluster,
            sc_addr,
            version,
            &create_request("Bad_Name", false),
            &format!("SC: Create at version {version}"),
        )
        .await;
        assert_eq!(answer.error_code, ErrorCode::TopicInvalidName, "Create at version {version}");
        // Only the topics of the checks exist, and the filter is applied.
        let filter = ListFilter { name: "healthy-".into() };
        let list = ObjectApiListRequest::Topic(ListRequest { name_filters: vec![filter], ..ListRequest::default() });
        let answer: ObjectApiListResponse =
            ask_hostile(&cluster, sc_addr, version, &list, &format!("SC: List at version {version}")).await;
        let ObjectApiListResponse::Topic(topics) = answer else { panic!("a {} list", answer.label()) };
        let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
        assert!(!names.is_empty() && names.iter().all(|n| n.starts_with("healthy-")), "{names:?}");
        let list = ObjectApiListRequest::Topic(ListRequest {
            name_filters: vec![ListFilter { name: "no-such".into() }],
            ..ListRequest::default()
        });
        let answer: ObjectApiListResponse = ask(sc_addr, version, &list).await;
        assert!(matches!(answer, ObjectApiListResponse::Topic(ref topics) if topics.is_empty()), "{answer:?}");
        let answer: ObjectApiWatchResponse =
            ask_hostile(&cluster, sc_addr, version, &watch("SPU"), &format!("SC: Watch at version {version}")).await;
        assert!(matches!(answer, ObjectApiWatchResponse::Spu(ref update) if update.all.len() == 1), "{answer:?}");
    }

    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lying_lengths_are_refused_promptly() {
    let _shared = PROCESS_WIDE.read().await;
    const MAX: usize = 64 * 1024;
    let dir = tempfile::tempdir().unwrap();
    // The default partial-frame timeout (30 s): every drop below is prompt,
    // so it comes from the length check, not from waiting for the bytes.
    let cluster = start(dir.path(), |c| c.max_frame_len = MAX).await;
    assert_eq!(ClusterConfig::new(dir.path()).partial_frame_timeout, Duration::from_secs(30));
    cluster.ensure_topic("bounds", 1).unwrap();
    let spu_addr = cluster.spu_addrs()[0];

    let prefix = |len: i32, extra: usize| [&len.to_be_bytes()[..], &vec![0x41; extra]].concat();
    for listener in BOTH {
        let addr = addr(&cluster, listener);
        let mut cases: Vec<(String, Vec<u8>)> = vec![
            ("length 0x7fffffff".into(), prefix(i32::MAX, 0)),
            ("length 0x7fffffff with 16 bytes".into(), prefix(i32::MAX, 16)),
            ("length max_frame_len + 1".into(), prefix(MAX as i32 + 1, 100)),
            ("length max_frame_len + 1024".into(), prefix(MAX as i32 + 1024, 0)),
            ("length -1".into(), prefix(-1, 8)),
            ("length i32::MIN".into(), prefix(i32::MIN, 0)),
        ];
        // A client id claiming 32767 bytes in a 20-byte frame.
        let mut header = Vec::new();
        18u16.encode(&mut header, 0);
        2i16.encode(&mut header, 0);
        1i32.encode(&mut header, 0);
        0x7fffi16.encode(&mut header, 0);
        header.extend_from_slice(b"0123456789");
        cases.push(("a client id longer than the frame".into(), raw_frame(&header)));
        // A client id with a negative length reads as empty (as in Fluvio),
        // leaving bytes no request accounts for.
        let negative_id = edited(&frame(2, 1, &api_versions()), |c| {
            replace_once(c, &[0, 7, b'h', b'o', b's', b't'], &[0xff, 0xf9, b'h', b'o', b's', b't'])
        });
        cases.push(("a client id of length -7".into(), negative_id));

        match listener {
            Listener::Sc => {
                let mut list = Vec::new();
                i32::MAX.encode(&mut list, SC_VERSION); // name_filters count
                list.extend_from_slice(&[0, 0]);
                let buffer = ObjectApiListRequest::Other(TypeBuffer { ty: "Topic".into(), payload: list });
                cases.push(("a List with 2^31-1 name filters".into(), frame(SC_VERSION, 1, &buffer)));
                let mut create = Vec::new();
                0x7fffi16.encode(&mut create, SC_VERSION); // the topic name's length
                create.extend_from_slice(b"name");
                let buffer = ObjectApiCreateRequest::Other(TypeBuffer { ty: "Topic".into(), payload: create });
                cases.push(("a Create whose name claims 32767 bytes".into(), frame(SC_VERSION, 1, &buffer)));
                for len in [u32::MAX, i32::MAX as u32, 1 << 20] {
                    let valid = frame(SC_VERSION, 1, &create_request("typebuf", false));
                    let payload_len = body_of(&create_request("typebuf", false), SC_VERSION).len() - 2 - 5 - 4;
                    let lying = edited(&valid, |c| {
                        replace_once(
                            c,
                            &[&b"Topic"[..], &(payload_len as u32).to_be_bytes()].concat(),
                            &[&b"Topic"[..], &len.to_be_bytes()].concat(),
                        )
                    });
                    cases.push((format!("a type buffer claiming {len} bytes"), lying));
                }
            }
            Listener::Spu => {
                let mut offsets = Vec::new();
                i32::MAX.encode(&mut offsets, SPU_VERSION); // topics count
                cases.push((
                    "FetchOffsets with 2^31-1 topics".into(),
                    frame_with_key(spu::api_key::FETCH_OFFSETS, SPU_VERSION, 1, &offsets),
                ));
                let mut offsets = Vec::new();
                1i32.encode(&mut offsets, SPU_VERSION);
                "bounds".encode(&mut offsets, SPU_VERSION);
                0x4000_0000i32.encode(&mut offsets, SPU_VERSION); // partitions count
                0u32.encode(&mut offsets, SPU_VERSION);
                cases.push((
                    "FetchOffsets with 2^30 partitions".into(),
                    frame_with_key(spu::api_key::FETCH_OFFSETS, SPU_VERSION, 1, &offsets),
                ));
                let fetch = edited(&frame(SPU_VERSION, 1, &stream_fetch("bounds", 0, 1024)), |c| {
                    replace_once(c, b"\x00\x06bounds", b"\x7f\xffbounds")
                });
                cases.push(("StreamFetch whose topic claims 32767 bytes".into(), fetch));
                for len in [i32::MAX, MAX as i32, -5] {
                    let valid = frame(SPU_VERSION, 1, &produce_request("bounds", vec![batch(2, 10)]));
                    let set_len = batch(2, 10).encoded_len() as i32;
                    let lying = edited(&valid, |c| {
                        let at = c.len() - 4 - set_len as usize - 4;
                        assert_eq!(c[at..at + 4], set_len.to_be_bytes());
                        c[at..at + 4].copy_from_slice(&len.to_be_bytes());
                    });
                    cases.push((format!("a record set claiming {len} bytes"), lying));
                }
                // A batch whose own length is below the header's size.
                let valid = frame(SPU_VERSION, 1, &produce_request("bounds", vec![batch(2, 10)]));
                let set_len = batch(2, 10).encoded_len();
                let tiny_batch = edited(&valid, |c| {
                    let at = c.len() - 4 - set_len + 8;
                    c[at..at + 4].copy_from_slice(&10i32.to_be_bytes());
                });
                cases.push(("a batch of length 10".into(), tiny_batch));
            }
        }
        for (what, bytes) in &cases {
            let elapsed = assert_dropped(&cluster, addr, bytes, &format!("{listener:?}: {what}")).await;
            assert!(elapsed < PROMPTLY, "{listener:?}: {what}: closed only after {elapsed:?}");
        }
    }

    // A batch claiming 2^31-1 bytes inside a well-formed record set is a cut
    // batch: the produce gets an error code, nothing is appended, and the
    // connection stays usable.
    let mut stream = connect(spu_addr).await;
    let valid = frame(SPU_VERSION, 3, &produce_request("bounds", vec![batch(2, 10)]));
    let set_len = batch(2, 10).encoded_len();
    stream
        .write_all(&edited(&valid, |c| {
            let at = c.len() - 4 - set_len + 8;
            c[at..at + 4].copy_from_slice(&i32::MAX.to_be_bytes());
        }))
        .await
        .unwrap();
    let answer: ProduceResponse = read_response(&mut stream, 3, SPU_VERSION, "a batch claiming 2^31-1 bytes").await;
    assert!(matches!(answer.responses[0].partitions[0].error_code, ErrorCode::Other(_)), "{answer:?}");
    stream.write_all(&frame(SPU_VERSION, 4, &FetchOffsetsRequest::new("bounds", 0))).await.unwrap();
    let offsets: FetchOffsetsResponse = read_response(&mut stream, 4, SPU_VERSION, "FetchOffsets").await;
    assert_eq!(offsets.find_partition("bounds", 0).unwrap().last_stable_offset, 0, "nothing was appended");
    assert_cluster_serves(&cluster.endpoint(), "SPU: a batch claiming 2^31-1 bytes").await;

    // The boundary: a produce frame of exactly max_frame_len is served; one
    // byte more is refused.
    let mut value_len = MAX - 200;
    let exact = (0..10)
        .find_map(|_| {
            let bytes = frame(SPU_VERSION, 5, &produce_request("bounds", vec![batch(1, value_len)]));
            let len = bytes.len() - 4;
            value_len = value_len + MAX - len;
            (len == MAX).then_some(bytes)
        })
        .expect("a produce frame of exactly max_frame_len");
    let mut stream = connect(spu_addr).await;
    stream.write_all(&exact).await.unwrap();
    let answer: ProduceResponse = read_response(&mut stream, 5, SPU_VERSION, "a frame of exactly max_frame_len").await;
    assert_eq!(answer.responses[0].partitions[0].error_code, ErrorCode::None);
    let one_more = edited(&exact, |c| c.push(0));
    assert_dropped(&cluster, spu_addr, &one_more, "SPU: a produce of max_frame_len + 1").await;

    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_frames_are_dropped_after_the_partial_frame_timeout() {
    let _shared = PROCESS_WIDE.read().await;
    let dir = tempfile::tempdir().unwrap();
    let cluster = start(dir.path(), |c| c.partial_frame_timeout = PARTIAL_TIMEOUT).await;

    let mut cases = Vec::new();
    for listener in BOTH {
        let addr = addr(&cluster, listener);
        let request = frame(2, 1, &api_versions());
        let header_len = 4 + 2 + 2 + 4 + 2 + "hostile".len();
        let max = fluvio::protocol::frame::DEFAULT_MAX_FRAME_LEN as i32;
        for (what, bytes) in [
            ("half a length prefix", request[..2].to_vec()),
            ("a length prefix only", request[..4].to_vec()),
            ("a header without its body", request[..header_len].to_vec()),
            ("all but the last byte", request[..request.len() - 1].to_vec()),
            ("100 bytes of a frame of max_frame_len", [&max.to_be_bytes()[..], &[0u8; 100]].concat()),
        ] {
            cases.push(tokio::spawn(async move {
                let mut stream = connect(addr).await;
                stream.write_all(&bytes).await.unwrap();
                let elapsed = assert_closed_silently(&mut stream, &format!("{listener:?}: {what}")).await;
                (format!("{listener:?}: {what}"), elapsed)
            }));
        }
        // A frame trickled one byte per 100 ms: each byte arrives well within
        // the timeout, but the frame as a whole does not.
        cases.push(tokio::spawn(async move {
            let mut stream = connect(addr).await;
            let started = Instant::now();
            let (mut read, mut write) = stream.split();
            let trickle = async {
                for byte in &request {
                    if write.write_all(std::slice::from_ref(byte)).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                std::future::pending::<()>().await
            };
            let mut buf = [0u8; 64];
            let end = tokio::select! {
                _ = trickle => unreachable!(),
                n = read.read(&mut buf) => n,
                _ = tokio::time::sleep(Duration::from_secs(10)) => {
                    panic!("{listener:?}: a trickled frame kept the connection open for 10 s")
                }
            };
            assert!(matches!(end, Ok(0)) || end.is_err(), "{listener:?}: the trickled frame was answered: {end:?}");
            let what = format!("{listener:?}: a frame trickled one byte per 100 ms ({} bytes)", request.len());
            (what, started.elapsed())
        }));
    }
    for case in cases {
        let (what, elapsed) = case.await.unwrap();
        assert!(
            elapsed >= PARTIAL_TIMEOUT - Duration::from_millis(50),
            "{what}: closed after {elapsed:?}, before the timeout"
        );
        assert!(elapsed < PARTIAL_TIMEOUT + Duration::from_secs(2), "{what}: closed only after {elapsed:?}");
        assert_cluster_serves(&cluster.endpoint(), &what).await;
    }

    // Being idle between frames is not a partial frame.
    let mut idle = Vec::new();
    for listener in BOTH {
        let mut stream = connect(addr(&cluster, listener)).await;
        stream.write_all(&frame(2, 1, &api_versions())).await.unwrap();
        let _: ApiVersionsResponse = read_response(&mut stream, 1, 2, "first request").await;
        idle.push(stream);
    }
    tokio::time::sleep(PARTIAL_TIMEOUT * 3).await;
    for mut stream in idle {
        stream.write_all(&frame(2, 2, &api_versions())).await.unwrap();
        let _: ApiVersionsResponse = read_response(&mut stream, 2, 2, "a request after an idle period").await;
    }

    assert_cluster_serves(&cluster.endpoint(), "idle connections").await;
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_never_read_stall_only_themselves_in_bounded_memory() {
    let _exclusive = PROCESS_WIDE.write().await;
    let dir = tempfile::tempdir().unwrap();
    let cluster = start(dir.path(), |c| c.log.fsync = FsyncPolicy::Never).await;
    let (sc_addr, spu_addr) = (cluster.sc_addr(), cluster.spu_addrs()[0]);

    // A busy partition: 1 MiB in 16 batches.
    cluster.ensure_topic("busy", 1).unwrap();
    produce_raw(spu_addr, "busy", (0..16).map(|_| batch(64, 1000)).collect()).await;
    // A metadata snapshot of 200 partitions (~20 KiB per watch frame).
    for t in 0..2 {
        cluster.ensure_topic(&format!("wide-{t}"), 100).unwrap();
    }

    let (before, tasks_before) = (rss_bytes(), alive_tasks());
    let peak = RssPeak::start();

    // SPU: 1000 StreamFetch sessions from offset 0 of the busy partition
    // with max_bytes 256 KiB, then 40000 StreamFetch requests for a missing
    // topic (each answered by one error frame), then blind acknowledgements
    // of every session (session ids are 1, 2, …); the socket is never read.
    const SESSIONS: u32 = 1000;
    const MISSING: i32 = 40_000;
    let spu_hostile = connect(spu_addr).await;
    let mut requests = Vec::new();
    for i in 0..SESSIONS {
        requests.extend(frame(SPU_VERSION, 1000 + i as i32, &stream_fetch("busy", 0, 256 << 10)));
    }
    for i in 0..MISSING {
        requests.extend(frame(SPU_VERSION, 10_000 + i, &stream_fetch("missing", 0, 1 << 20)));
    }
    for round in 0..4 {
        let offsets = (1..=SESSIONS).map(|session_id| OffsetUpdate { offset: i64::MAX, session_id }).collect();
        requests.extend(frame(0, 5000 + round, &UpdateOffsetsRequest { offsets }));
    }
    // SC: 5000 Watch requests for the partition list; never read either.
    const WATCHES: i32 = 5000;
    let sc_hostile = connect(sc_addr).await;
    let mut watches = Vec::new();
    for i in 0..WATCHES {
        watches.extend(frame(SC_VERSION, 100_000 + i, &watch("Partition")));
    }
    // The server may stop reading these connections (that is allowed): the
    // writes need not complete.
    let (mut spu_hostile, mut spu_write) = spu_hostile.into_split();
    let (mut sc_hostile, mut sc_write) = sc_hostile.into_split();
    let writers = [
        tokio::spawn(async move { spu_write.write_all(&requests).await.map(|_| spu_write) }),
        tokio::spawn(async move { sc_write.write_all(&watches).await.map(|_| sc_write) }),
    ];

    // Everyone else keeps full function, on the same SC and the same SPU.
    assert_cluster_serves(&cluster.endpoint(), "clients that never read (still connected)").await;
    let answer: FetchOffsetsResponse = ask(spu_addr, SPU_VERSION, &FetchOffsetsRequest::new("busy", 0)).await;
    assert_eq!(answer.find_partition("busy", 0).unwrap().last_stable_offset, 16 * 64);

    let peak = peak.finish();
    let growth = peak.saturating_sub(before);
    let tasks = alive_tasks();
    eprintln!("RSS before {} MiB, peak {} MiB; tasks before {tasks_before}, now {tasks}", before >> 20, peak >> 20);
    assert!(growth < 256 << 20, "two non-reading clients grew the process by {} MiB (bound: 256 MiB)", growth >> 20);
    // One task per stream session and per watch is expected; none per
    // error answer waiting for the client to read.
    let sessions = SESSIONS as usize + WATCHES as usize;
    assert!(
        tasks < tasks_before + sessions + 300,
        "{tasks} tasks alive for {sessions} sessions (before: {tasks_before}): answers pile up as tasks"
    );

    // Both hostile connections were stalled, not broken: once they read,
    // whole and well-formed frames arrive.
    for _ in 0..20 {
        let mut len = [0u8; 4];
        tokio::time::timeout(Duration::from_secs(10), spu_hostile.read_exact(&mut len)).await.unwrap().unwrap();
        let mut contents = vec![0u8; i32::from_be_bytes(len) as usize];
        spu_hostile.read_exact(&mut contents).await.unwrap();
        let (id, mut body) = decode_response_header(&contents).unwrap();
        if (1000..1000 + SESSIONS as i32).contains(&id) {
            let fetched = StreamFetchResponse::decode(&mut body, SPU_VERSION).expect("a StreamFetch frame");
            assert_eq!(fetched.partition.error_code, ErrorCode::None);
            assert!(!fetched.partition.records.batches.is_empty());
        } else if (5000..5004).contains(&id) {
            UpdateOffsetsResponse::decode(&mut body, 0).expect("an UpdateOffsets response");
        } else {
            assert!((10_000..10_000 + MISSING).contains(&id), "unexpected correlation id {id}");
            let refused = StreamFetchResponse::decode(&mut body, SPU_VERSION).expect("an error frame");
            assert_eq!(refused.partition.error_code, ErrorCode::TopicNotFound);
        }
    }
    for _ in 0..5 {
        let mut len = [0u8; 4];
        tokio::time::timeout(Duration::from_secs(10), sc_hostile.read_exact(&mut len)).await.unwrap().unwrap();
        let mut contents = vec![0u8; i32::from_be_bytes(len) as usize];
        sc_hostile.read_exact(&mut contents).await.unwrap();
        let (id, mut body) = decode_response_header(&contents).unwrap();
        assert!((100_000..100_000 + WATCHES).contains(&id), "unexpected correlation id {id}");
        // A snapshot, or the changes that followed it.
        let update = ObjectApiWatchResponse::decode(&mut body, SC_VERSION).expect("a watch frame");
        let ObjectApiWatchResponse::Partition(update) = update else { panic!("a {} watch frame", update.label()) };
        assert!(update.all.len() >= 200 || !update.changes.is_empty(), "{update:?}");
    }
    for writer in writers {
        writer.abort();
    }
    drop((spu_hostile, sc_hostile));
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_disconnect_mid_stream_leave_nothing_behind() {
    let _exclusive = PROCESS_WIDE.write().await;
    let dir = tempfile::tempdir().unwrap();
    let cluster = start(dir.path(), |_| {}).await;
    let (sc_addr, spu_addr) = (cluster.sc_addr(), cluster.spu_addrs()[0]);
    cluster.ensure_topic("tail", 1).unwrap();
    produce_raw(spu_addr, "tail", vec![batch(3, 10)]).await;
    // A well-behaved session that stays, caught up at the end.
    let mut stays = connect(spu_addr).await;
    stays.write_all(&frame(SPU_VERSION, 9, &stream_fetch("tail", 3, 1024))).await.unwrap();
    stays.write_all(&frame(2, 10, &api_versions())).await.unwrap();
    let _: ApiVersionsResponse = read_response(&mut stays, 10, 2, "ApiVersions after StreamFetch").await;

    let (tasks_before, fds_before) = (alive_tasks(), open_fds());
    const ROUNDS: i32 = 50;
    for round in 0..ROUNDS {
        // A session that sent a frame and waits for its acknowledgement.
        let mut stream = connect(spu_addr).await;
        stream.write_all(&frame(SPU_VERSION, 1, &stream_fetch("tail", 0, 1024))).await.unwrap();
        let first: StreamFetchResponse = read_response(&mut stream, 1, SPU_VERSION, "first stream frame").await;
        assert_eq!(first.partition.records.total_records(), 3);
        drop(stream);

        // A session caught up at the end, waiting for appends. Requests are
        // handled in order: the ApiVersions answer proves the stream started.
        let mut stream = connect(spu_addr).await;
        let mut bytes = frame(SPU_VERSION, 1, &stream_fetch("tail", 3, 1024));
        bytes.extend(frame(2, 2, &api_versions()));
        stream.write_all(&bytes).await.unwrap();
        let _: ApiVersionsResponse = read_response(&mut stream, 2, 2, "ApiVersions after StreamFetch").await;
        if round % 2 == 0 {
            // Half of them half-close first, then go.
            stream.shutdown().await.unwrap();
        }
        drop(stream);

        // A metadata watch, after its first frame.
        let mut stream = connect(sc_addr).await;
        stream.write_all(&frame(SC_VERSION, 1, &watch("Topic"))).await.unwrap();
        let _: ObjectApiWatchResponse = read_response(&mut stream, 1, SC_VERSION, "first watch frame").await;
        drop(stream);
    }

    // Every session, writer and socket of those connections goes away.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (tasks, fds) = (alive_tasks(), open_fds());
        if tasks <= tasks_before && fds <= fds_before {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after {ROUNDS} rounds of connections closed mid-stream: {tasks} tasks alive (before: {tasks_before}), \
             {fds} descriptors open (before: {fds_before})"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The session that stayed still gets what is appended.
    produce_raw(spu_addr, "tail", vec![batch(2, 10)]).await;
    let pushed: StreamFetchResponse = read_response(&mut stays, 9, SPU_VERSION, "the session that stayed").await;
    assert_eq!((pushed.partition.error_code, pushed.partition.records.total_records()), (ErrorCode::None, 2));
    assert_eq!(pushed.partition.records.batches[0].base_offset, 3);
    assert_cluster_serves(&cluster.endpoint(), "connections closed mid-stream").await;
    cluster.stop().await.unwrap();
}
