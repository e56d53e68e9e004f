//! The crash simulator: a workload runs on the recording storage (create
//! topics, produce acknowledged batches across segment rolls, commit and
//! delete consumer offsets, apply retention, delete a topic and create it
//! again); then, for every crash point of its trace, the disk a power cut
//! may leave there is rebuilt (see `storage::sim`), the cluster is reopened
//! on it, and what the cluster promised is checked:
//!
//! - it opens without manual repair, and takes appends afterwards;
//! - with `FsyncPolicy::Always`, every acknowledged record is there, in
//!   order, once, and every acknowledged topic creation, deletion and
//!   consumer offset change holds;
//! - under every policy, nothing is served that was never produced: the
//!   records are an unbroken run of what the workload appended, of one
//!   incarnation of the topic, and a stored consumer offset is one a
//!   consumer committed.
//!
//! Each crash point is tried with only the fsynced operations kept, with
//! everything kept, and with `FLUVIO_CRASH_SIM_RANDOM` (default 8) random
//! subsets with torn writes, seeded from `FLUVIO_CRASH_SIM_SEED`. Every
//! crash point is tried: the workload is small enough.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use super::log::{FsyncPolicy, LogConfig};
use super::state::{ClusterState, SpuInfo, FIRST_SPU_ID};
use super::storage::sim::{crash_state, Keep, Op, SimStorage};
use super::storage::{Storage, StorageFile};
use crate::protocol::codec::Reader;
use crate::protocol::record::{Batch, Record};
use crate::protocol::sc::{TopicSpec, TopicStorageConfig};
use crate::protocol::spu::ReplicaKey;
use crate::protocol::Compression;

const DATA_DIR: &str = "/crash-sim/data";
/// Small segments, so the workload rolls many of them.
const SEGMENT_BYTES: u64 = 600;

type OffsetKey = (String, u32, String);

#[derive(Debug, Clone)]
enum What {
    Open,
    CreateTopic { topic: String, incarnation: u32, partitions: u32 },
    DeleteTopic { topic: String },
    Append { topic: String, incarnation: u32, partition: u32, base: i64, values: Vec<String> },
    Commit { key: OffsetKey, offset: i64 },
    DeleteOffset { key: OffsetKey },
    /// Retention ran; the partition's log now starts at `start`.
    Clean { topic: String, partition: u32, start: i64 },
    /// The interval flusher's tick.
    Flush,
}

/// One operation of the workload: the trace length when it started and
/// when it was acknowledged (returned).
#[derive(Debug, Clone)]
struct Event {
    started: usize,
    acked: usize,
    what: What,
}

impl Event {
    fn acked_by(&self, crash: usize) -> bool {
        self.acked <= crash
    }

    fn in_flight_at(&self, crash: usize) -> bool {
        self.started < crash && crash < self.acked
    }
}

struct Run {
    trace: Vec<Op>,
    events: Vec<Event>,
    config: LogConfig,
}

fn spus() -> Vec<SpuInfo> {
    vec![SpuInfo { id: FIRST_SPU_ID, addr: "127.0.0.1:9".parse().expect("an address") }]
}

fn open(storage: Arc<dyn Storage>, config: LogConfig) -> io::Result<ClusterState> {
    ClusterState::open_on(storage, Path::new(DATA_DIR), spus(), config)
}

struct Workload {
    storage: SimStorage,
    state: ClusterState,
    events: Vec<Event>,
    incarnations: BTreeMap<String, u32>,
    sequence: u64,
    flush_every: Option<usize>,
    appends: usize,
}

impl Workload {
    fn start(storage: SimStorage, config: LogConfig, flush_every: Option<usize>) -> Self {
        let state = open(Arc::new(storage.clone()), config).expect("the cluster opens");
        let events = vec![Event { started: 0, acked: storage.trace_len(), what: What::Open }];
        Workload { storage, state, events, incarnations: BTreeMap::new(), sequence: 0, flush_every, appends: 0 }
    }

    fn record(&mut self, op: impl FnOnce(&mut Self) -> Vec<What>) {
        let started = self.storage.trace_len();
        let whats = op(self);
        let acked = self.storage.trace_len();
        self.events.extend(whats.into_iter().map(|what| Event { started, acked, what }));
    }

    fn create_topic(&mut self, topic: &str, partitions: u32, storage: Option<TopicStorageConfig>) {
        self.record(|w| {
            let mut spec = TopicSpec::computed(partitions, 1);
            spec.storage = storage;
            w.state.create_topic(topic, spec, false).expect("topic created");
            let incarnation = w.incarnations.entry(topic.to_string()).or_default();
            *incarnation += 1;
            vec![What::CreateTopic { topic: topic.into(), incarnation: *incarnation, partitions }]
        });
    }

    fn delete_topic(&mut self, topic: &str) {
        self.record(|w| {
            w.state.delete_topic(topic, false).expect("topic deleted");
            vec![What::DeleteTopic { topic: topic.into() }]
        });
    }

    fn append(&mut self, topic: &str, partition: u32, count: usize) {
        self.record(|w| {
            let incarnation = w.incarnations[topic];
            let values: Vec<String> = (0..count)
                .map(|_| {
                    w.sequence += 1;
                    format!("{topic}#{incarnation}/{partition}/{}", w.sequence)
                })
                .collect();
            let records: Vec<Record> = values
                .iter()
                .enumerate()
                .map(|(i, v)| Record { offset_delta: i as i64, ..Record::new(None, v.as_bytes().to_vec()) })
                .collect();
            let batch = Batch::from_records(&records, Compression::None, 1_700_000_000_000).expect("a batch");
            let part = w.state.partition(topic, partition).expect("partition exists");
            let base = part.append(&mut [batch]).expect("append acknowledged");
            vec![What::Append { topic: topic.into(), incarnation, partition, base, values }]
        });
        self.appends += 1;
        if self.flush_every.is_some_and(|every| self.appends % every == 0) {
            self.record(|w| {
                for partition in w.state.all_partitions() {
                    partition.sync().expect("fsync");
                }
                vec![What::Flush]
            });
        }
    }

    fn end_offset(&self, topic: &str, partition: u32) -> i64 {
        self.state.partition(topic, partition).expect("partition exists").offsets().1
    }

    fn commit(&mut self, topic: &str, partition: u32, consumer: &str, offset: i64) {
        self.record(|w| {
            w.state.consumer_offsets().update(ReplicaKey::new(topic, partition), consumer.into(), offset).expect("offset stored");
            vec![What::Commit { key: (topic.into(), partition, consumer.into()), offset }]
        });
    }

    fn delete_offset(&mut self, topic: &str, partition: u32, consumer: &str) {
        self.record(|w| {
            w.state.consumer_offsets().delete(ReplicaKey::new(topic, partition), consumer.into()).expect("offset deleted");
            vec![What::DeleteOffset { key: (topic.into(), partition, consumer.into()) }]
        });
    }

    fn clean(&mut self, topic: &str, partitions: u32) {
        self.record(|w| {
            w.state.clean(SystemTime::now());
            (0..partitions)
                .map(|partition| What::Clean { topic: topic.into(), partition, start: w.state.partition(topic, partition).unwrap().offsets().0 })
                .collect()
        });
    }
}

/// The workload every policy is simulated with.
fn run_workload(storage: SimStorage, config: LogConfig, flush_every: Option<usize>) -> Run {
    let mut w = Workload::start(storage, config, flush_every);
    // "events" keeps at most two 1 KiB segments per partition once cleaned.
    let retained = TopicStorageConfig { segment_size: Some(1024), max_partition_size: Some(2048) };
    w.create_topic("events", 2, Some(retained));
    for i in 0..80 {
        w.append("events", i % 2, 1 + i as usize % 3);
        if i % 8 == 7 {
            let end = w.end_offset("events", 0);
            w.commit("events", 0, "reader", end - 1);
        }
        // The second pass removes several segments of each partition.
        if i == 29 || i == 79 {
            w.clean("events", 2);
        }
    }
    w.create_topic("doomed", 1, None);
    for _ in 0..6 {
        w.append("doomed", 0, 2);
    }
    w.commit("doomed", 0, "reader", 3);
    w.delete_offset("events", 0, "reader");
    w.delete_topic("doomed");
    // Created again: nothing of the first one may come back.
    w.create_topic("doomed", 1, None);
    w.append("doomed", 0, 1);
    w.commit("events", 0, "reader", 0);
    for i in 0..6 {
        w.append("events", i % 2, 2);
    }
    Run { trace: w.storage.trace(), events: w.events, config }
}

/// What a crash state lost that was acknowledged (only allowed when the
/// policy does not fsync every append).
#[derive(Debug, Default, Clone, Copy)]
struct Losses {
    records: usize,
    offsets: usize,
}

/// The records served by a partition, by offset; an error when the served
/// batches are not an unbroken, intact run.
fn served_records(state: &ClusterState, topic: &str, partition: u32) -> Result<Vec<(i64, String)>, String> {
    let part = state.partition(topic, partition).ok_or_else(|| format!("{topic}-{partition} is missing"))?;
    let (start, end) = part.offsets();
    let mut out = Vec::new();
    let mut next = start;
    while next < end {
        let bytes = part.read(next, 1 << 20).map_err(|e| format!("{topic}-{partition}: read at {next}: {e}"))?;
        if bytes.is_empty() {
            return Err(format!("{topic}-{partition}: nothing read at {next} below the end {end}"));
        }
        let mut reader = Reader::new(&bytes);
        while !reader.is_empty() {
            let batch = Batch::decode(&mut reader).map_err(|e| format!("{topic}-{partition}: undecodable batch: {e}"))?;
            batch.verify_crc().map_err(|e| format!("{topic}-{partition}: a corrupt batch is served at {}: {e}", batch.base_offset))?;
            if batch.base_offset != next {
                return Err(format!("{topic}-{partition}: batch at {} where {next} was expected", batch.base_offset));
            }
            let records = batch.decode_records(1 << 20).map_err(|e| format!("{topic}-{partition}: {e}"))?.records;
            for (i, record) in records.into_iter().enumerate() {
                out.push((batch.base_offset + i as i64, String::from_utf8_lossy(&record.value).into_owned()));
            }
            next = batch.next_offset();
        }
    }
    Ok(out)
}

/// Checks the reopened cluster against what the workload was told up to
/// trace position `crash`.
fn check(run: &Run, crash: usize, state: &ClusterState) -> Result<Losses, String> {
    let durable_acks = run.config.fsync == FsyncPolicy::Always;
    let mut losses = Losses::default();
    let topics: BTreeSet<&str> = run
        .events
        .iter()
        .filter_map(|e| match &e.what {
            What::CreateTopic { topic, .. } => Some(topic.as_str()),
            _ => None,
        })
        .collect();
    for topic in topics {
        let mut acked: Option<(u32, u32)> = None;
        let mut candidates: Vec<(u32, u32)> = Vec::new();
        let mut changing = false;
        for event in &run.events {
            let change = match &event.what {
                What::CreateTopic { topic: t, incarnation, partitions } if t == topic => Some(Some((*incarnation, *partitions))),
                What::DeleteTopic { topic: t } if t == topic => Some(None),
                _ => None,
            };
            let Some(change) = change else { continue };
            if event.acked_by(crash) {
                acked = change;
            } else if event.in_flight_at(crash) {
                changing = true;
                candidates.extend(change);
            }
        }
        candidates.extend(acked);
        let exists = state.topics().iter().any(|t| t.name == topic);
        if !changing && exists != acked.is_some() {
            return Err(format!("topic '{topic}' {} after its acknowledged {}", if exists { "exists" } else { "is missing" }, if exists { "deletion" } else { "creation" }));
        }
        if !exists {
            // Created now, it starts empty: nothing of an earlier topic of
            // that name comes back.
            let partitions = candidates.iter().map(|(_, p)| *p).max().unwrap_or(1);
            state.create_topic(topic, TopicSpec::computed(partitions, 1), false).map_err(|e| format!("creating '{topic}' again: {}", e.message))?;
            for partition in 0..partitions {
                if let Some((offset, value)) = served_records(state, topic, partition)?.first() {
                    return Err(format!("{topic}-{partition} created after the crash serves record {offset} '{value}' of an earlier '{topic}'"));
                }
            }
            continue;
        }
        let partitions = candidates.iter().map(|(_, p)| *p).max().unwrap_or(0);
        for partition in 0..partitions {
            let served = served_records(state, topic, partition)?;
            let appended: BTreeMap<(u32, i64), &str> = run
                .events
                .iter()
                .filter_map(|e| match &e.what {
                    What::Append { topic: t, incarnation, partition: p, base, values } if t == topic && *p == partition => Some((incarnation, base, values)),
                    _ => None,
                })
                .flat_map(|(incarnation, base, values)| values.iter().enumerate().map(move |(i, v)| ((*incarnation, base + i as i64), v.as_str())))
                .collect();
            let incarnation = match served.first() {
                Some((offset, value)) => candidates
                    .iter()
                    .map(|(i, _)| *i)
                    .find(|i| appended.get(&(*i, *offset)) == Some(&value.as_str()))
                    .ok_or_else(|| format!("{topic}-{partition}: record {offset} '{value}' was never produced to this topic"))?,
                None => acked.map_or(0, |(i, _)| i),
            };
            for (offset, value) in &served {
                if appended.get(&(incarnation, *offset)) != Some(&value.as_str()) {
                    return Err(format!("{topic}-{partition}: record {offset} '{value}' was never produced there"));
                }
            }
            if acked.map(|(i, _)| i) != Some(incarnation) {
                continue; // a topic whose creation was not acknowledged promises nothing
            }
            let retained_from = run
                .events
                .iter()
                .filter(|e| e.started < crash)
                .filter_map(|e| match &e.what {
                    What::Clean { topic: t, partition: p, start } if t == topic && *p == partition => Some(*start),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            let served: BTreeMap<i64, &str> = served.iter().map(|(o, v)| (*o, v.as_str())).collect();
            for event in run.events.iter().filter(|e| e.acked_by(crash)) {
                let What::Append { topic: t, incarnation: i, partition: p, base, values } = &event.what else { continue };
                if t != topic || *i != incarnation || *p != partition {
                    continue;
                }
                for (n, value) in values.iter().enumerate() {
                    let offset = base + n as i64;
                    if offset >= retained_from && served.get(&offset) != Some(&value.as_str()) {
                        if durable_acks {
                            return Err(format!("{topic}-{partition}: acknowledged record {offset} '{value}' is lost"));
                        }
                        losses.records += 1;
                    }
                }
            }
        }
    }

    let stored: BTreeMap<OffsetKey, i64> = state
        .consumer_offsets()
        .list(None)
        .into_iter()
        .map(|o| ((o.replica_id.topic, o.replica_id.partition, o.consumer_id), o.offset))
        .collect();
    let keys: BTreeSet<OffsetKey> = run
        .events
        .iter()
        .filter_map(|e| match &e.what {
            What::Commit { key, .. } => Some(key.clone()),
            _ => None,
        })
        .chain(stored.keys().cloned())
        .collect();
    for key in keys {
        let mut acked: Option<i64> = None;
        let mut allowed: BTreeSet<Option<i64>> = BTreeSet::new();
        let mut ever: BTreeSet<Option<i64>> = BTreeSet::from([None]);
        for event in &run.events {
            let change = match &event.what {
                What::Commit { key: k, offset } if *k == key => Some(Some(*offset)),
                What::DeleteOffset { key: k } if *k == key => Some(None),
                What::DeleteTopic { topic } if *topic == key.0 => Some(None),
                _ => None,
            };
            let Some(change) = change else { continue };
            if event.acked_by(crash) {
                acked = change;
            } else if event.in_flight_at(crash) {
                allowed.insert(change);
            }
            if event.started < crash {
                ever.insert(change);
            }
        }
        allowed.insert(acked);
        let reported = stored.get(&key).copied();
        if !ever.contains(&reported) {
            return Err(format!("consumer offset {key:?} is reported as {reported:?}, which was never committed"));
        }
        if !allowed.contains(&reported) {
            if durable_acks {
                return Err(format!("consumer offset {key:?} is {reported:?}, not the acknowledged {acked:?}"));
            }
            losses.offsets += 1;
        }
    }

    // Still a working cluster: it takes an append at its end.
    if let Some(part) = state.partition("events", 0) {
        let end = part.offsets().1;
        let batch = Batch::from_records(&[Record::new(None, b"after the crash".to_vec())], Compression::None, 1_700_000_000_000)
            .expect("a batch");
        let base = part.append(&mut [batch]).map_err(|(_, why)| format!("no append after recovery: {why}"))?;
        if base != end {
            return Err(format!("the append after recovery got offset {base}, not the end {end}"));
        }
    }
    Ok(losses)
}

thread_local! {
    /// Messages the cluster logged about the simulated data directory, on this thread.
    static RECOVERY_LOG: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The messages logged on this thread since the last call. The first call
/// installs a log sink that keeps messages about the simulated data
/// directory per thread and prints the others as the default sink does.
fn take_recovery_log() -> Vec<String> {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        crate::log::set_sink(Some(Arc::new(|level, module, text: String| {
            if text.contains(DATA_DIR) {
                RECOVERY_LOG.with(|log| log.borrow_mut().push(text));
            } else {
                eprintln!("libfluvio {module} {}: {text}", level.name());
            }
        })));
    });
    RECOVERY_LOG.with(|log| std::mem::take(&mut *log.borrow_mut()))
}

/// Every segment file recovery cut or removed, and every directory it
/// removed, must have been logged, naming it.
fn check_recovery_logged(before: &BTreeMap<std::path::PathBuf, u64>, after: &BTreeMap<std::path::PathBuf, u64>, log: &[String]) -> Result<(), String> {
    for (path, len) in before {
        if path.extension().is_none_or(|e| e != "log") {
            continue;
        }
        let full = Path::new(DATA_DIR).join(path);
        let (what, logged) = match after.get(path) {
            Some(now) if now < len => ("truncated", log.iter().any(|m| m.contains(&*full.to_string_lossy()) && m.contains("truncating"))),
            Some(_) => continue,
            None => ("removed", log.iter().any(|m| m.contains("removing") && full.ancestors().any(|a| m.contains(&format!("{}:", a.display()))))),
        };
        if !logged {
            return Err(format!("recovery {what} {} without saying so; it logged {log:?}", full.display()));
        }
    }
    Ok(())
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[derive(Debug, Default)]
struct Report {
    operations: usize,
    states: usize,
    failures: Vec<String>,
    max_lost_records: usize,
    max_lost_offsets: usize,
    /// How many crash points fall right after each kind of operation.
    points_by_kind: BTreeMap<&'static str, usize>,
}

fn op_kind(op: &Op) -> &'static str {
    match op {
        Op::Link { node: super::storage::sim::Node::Dir(_), .. } => "mkdir",
        Op::Link { .. } => "create",
        Op::Unlink { .. } => "unlink",
        Op::Rename { .. } => "rename",
        Op::Write { .. } => "write",
        Op::SetLen { .. } => "truncate",
        Op::SyncFile { .. } => "fsync file",
        Op::SyncDir { .. } => "fsync directory",
    }
}

/// Crashes `run` at every point of its trace and checks each state.
fn crash_everywhere(run: &Run) -> Report {
    let random = env_number("FLUVIO_CRASH_SIM_RANDOM", 8);
    let seed = env_number("FLUVIO_CRASH_SIM_SEED", 0x5eed);
    let mut report = Report { operations: run.trace.len(), ..Report::default() };
    for crash in 0..=run.trace.len() {
        if crash > 0 {
            *report.points_by_kind.entry(op_kind(&run.trace[crash - 1])).or_default() += 1;
        }
        let keeps = [Keep::SyncedOnly, Keep::Everything]
            .into_iter()
            .chain((0..random).map(|v| Keep::Random(seed ^ (crash as u64 * 1000 + v))));
        for keep in keeps {
            report.states += 1;
            let disk = SimStorage::from_tree(Path::new(DATA_DIR), crash_state(&run.trace[..crash], keep));
            let before = disk.tree().file_lengths();
            take_recovery_log();
            let outcome = open(Arc::new(disk.clone()), run.config)
                .map_err(|e| format!("the cluster does not open: {e}"))
                .and_then(|state| {
                    check_recovery_logged(&before, &disk.tree().file_lengths(), &take_recovery_log())?;
                    check(run, crash, &state)
                });
            match outcome {
                Ok(losses) => {
                    report.max_lost_records = report.max_lost_records.max(losses.records);
                    report.max_lost_offsets = report.max_lost_offsets.max(losses.offsets);
                }
                Err(why) => {
                    let after = crash.checked_sub(1).map_or("the start".to_string(), |i| run.trace[i].describe());
                    report.failures.push(format!("crash after operation {crash} ({after}), {keep:?}: {why}"));
                }
            }
        }
    }
    report
}

fn log_config(fsync: FsyncPolicy) -> LogConfig {
    LogConfig { segment_bytes: SEGMENT_BYTES, fsync, ..LogConfig::default() }
}

fn assert_no_failures(what: &str, report: &Report) {
    eprintln!(
        "{what}: {} operations, {} crash states, points after {:?}; at most {} acknowledged records and {} offsets lost",
        report.operations, report.states, report.points_by_kind, report.max_lost_records, report.max_lost_offsets
    );
    assert!(
        report.failures.is_empty(),
        "{what}: {} of {} crash states break a promise; the first:\n{}",
        report.failures.len(),
        report.states,
        report.failures.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn a_power_cut_loses_nothing_acknowledged_with_fsync_always() {
    let run = run_workload(SimStorage::new(Path::new(DATA_DIR)), log_config(FsyncPolicy::Always), None);
    let report = crash_everywhere(&run);
    assert_no_failures("fsync always", &report);
    for kind in ["mkdir", "create", "unlink", "rename", "write", "truncate", "fsync file", "fsync directory"] {
        assert!(report.points_by_kind.contains_key(kind), "the workload never crashes after a {kind}");
    }
    assert_eq!(report.max_lost_records + report.max_lost_offsets, 0);
}

#[test]
fn fsync_never_and_an_interval_lose_only_what_was_not_yet_synced() {
    let never = crash_everywhere(&run_workload(SimStorage::new(Path::new(DATA_DIR)), log_config(FsyncPolicy::Never), None));
    assert_no_failures("fsync never", &never);
    // Never loses what the active segment got since it was started: of
    // "events", at most a 1 KiB segment per partition: 2 × 25 of these records.
    assert!(never.max_lost_records > 0, "the simulator should see fsync never lose appends");
    assert!(never.max_lost_records <= 50, "{} records lost", never.max_lost_records);

    // The interval flusher, ticking every 4 appends.
    let interval = FsyncPolicy::Interval(std::time::Duration::from_secs(3600));
    let ticked = crash_everywhere(&run_workload(SimStorage::new(Path::new(DATA_DIR)), log_config(interval), Some(4)));
    assert_no_failures("fsync interval (a tick every 4 appends)", &ticked);
    assert!(ticked.max_lost_records > 0);
    assert!(ticked.max_lost_records <= 4 * 3, "{} records lost in one tick of 4 appends", ticked.max_lost_records);
}

/// Storage that skips every directory fsync, as the cluster did before it
/// synced the parent of a new partition directory: the simulator must see
/// acknowledged records go.
#[derive(Debug)]
struct WithoutDirectorySyncs(SimStorage);

impl Storage for WithoutDirectorySyncs {
    fn is_dir(&self, path: &Path) -> bool {
        self.0.is_dir(path)
    }
    fn create_dir(&self, path: &Path) -> io::Result<()> {
        self.0.create_dir(path)
    }
    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        self.0.list_dir(path)
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.0.read(path)
    }
    fn open(&self, path: &Path, create: bool) -> io::Result<Box<dyn StorageFile>> {
        self.0.open(path, create)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.0.rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        self.0.remove_file(path)
    }
    fn remove_dir_all(&self, path: &Path) -> io::Result<()> {
        self.0.remove_dir_all(path)
    }
    fn sync_dir(&self, _path: &Path) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_simulator_catches_a_missing_directory_fsync() {
    let sim = SimStorage::new(Path::new(DATA_DIR));
    let config = log_config(FsyncPolicy::Always);
    let state = open(Arc::new(WithoutDirectorySyncs(sim.clone())), config).expect("opens");
    let mut events = vec![Event { started: 0, acked: sim.trace_len(), what: What::Open }];
    let started = sim.trace_len();
    state.create_topic("events", TopicSpec::computed(1, 1), false).expect("created");
    events.push(Event { started, acked: sim.trace_len(), what: What::CreateTopic { topic: "events".into(), incarnation: 1, partitions: 1 } });
    let started = sim.trace_len();
    let batch = Batch::from_records(&[Record::new(None, b"events#1/0/1".to_vec())], Compression::None, 0).unwrap();
    let base = state.partition("events", 0).unwrap().append(&mut [batch]).unwrap();
    let what = What::Append { topic: "events".into(), incarnation: 1, partition: 0, base, values: vec!["events#1/0/1".into()] };
    events.push(Event { started, acked: sim.trace_len(), what });
    let report = crash_everywhere(&Run { trace: sim.trace(), events, config });
    assert!(!report.failures.is_empty(), "no crash state lost the unsynced directory entries");
    assert!(report.failures.iter().any(|f| f.contains("lost") || f.contains("missing")), "{:?}", report.failures);
}
