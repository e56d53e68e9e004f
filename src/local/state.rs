//! The cluster's shared state: its SPUs, its topics and their partitions,
//! the metadata change feed that watch streams follow, and the topic list
//! persisted under the data directory.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{broadcast, watch};

use super::consumer_offsets::{ConsumerOffsets, CONSUMER_OFFSET_TOPIC};
use super::log::{AppendError, LogConfig, PartitionLog};
use super::storage::{create_dir_all_durably, remove_dir_all_durably, replace_file_durably, OsStorage, Storage};
use crate::protocol::codec::{Decode, Encode};
use crate::protocol::error_code::ErrorCode;
use crate::protocol::record::Batch;
use crate::protocol::sc::{
    SmartModuleSpec, SmartModuleStatus,
    CompressionAlgorithm, Encryption, Endpoint, IngressAddr, IngressPort, Message, Metadata, MsgType,
    PartitionResolution, PartitionSpec, PartitionStatus, ReplicaSpec, ReplicaStatus, SpuSpec, SpuStatus,
    SpuStatusResolution, SpuType, TopicResolution, TopicSpec, TopicStatus,
};
use crate::protocol::spu::ReplicaKey;
use crate::protocol::Compression;

/// Version the topic list is stored at (the SC version of its specs).
const STORE_VERSION: i16 = 19;
const TOPICS_FILE: &str = "topics.bin";
const SMARTMODULES_FILE: &str = "smartmodules.bin";
const PARTITIONS_DIR: &str = "partitions";
/// The official SC's bounds of a topic's options (fluvio-types' defaults).
const MIN_RETENTION_SECS: u32 = 10;
const MIN_SEGMENT_BYTES: u32 = 1024;
const MIN_PARTITION_BYTES: u64 = 2 * MIN_SEGMENT_BYTES as u64;
/// The real SPU's segment size, which the SC assumes when a topic sets none.
const REAL_DEFAULT_SEGMENT_BYTES: u32 = 1 << 30;
/// Most partitions one topic may have here (the real SC stops answering
/// every client with 100,000).
const MAX_PARTITIONS: u32 = 10_000;
/// Id of the first SPU; the official local cluster numbers them from 5001.
pub const FIRST_SPU_ID: i32 = 5001;

/// Changes pushed to watch streams.
#[derive(Debug, Clone)]
pub enum MetadataEvent {
    Topics(Vec<Message<TopicSpec>>),
    Partitions(Vec<Message<PartitionSpec>>),
}

/// One SPU of the cluster and where clients reach it.
#[derive(Debug, Clone)]
pub struct SpuInfo {
    pub id: i32,
    pub addr: SocketAddr,
}

impl SpuInfo {
    pub fn metadata(&self) -> Metadata<SpuSpec> {
        let host = self.addr.ip().to_string();
        let endpoint = Endpoint { port: self.addr.port(), host: host.clone(), encryption: Encryption::Plaintext };
        Metadata {
            name: self.id.to_string(),
            spec: SpuSpec {
                id: self.id,
                spu_type: SpuType::Managed,
                public_endpoint: IngressPort {
                    port: self.addr.port(),
                    ingress: vec![IngressAddr { hostname: None, ip: Some(host) }],
                    encryption: Encryption::Plaintext,
                },
                private_endpoint: endpoint.clone(),
                rack: None,
                public_endpoint_local: Some(endpoint),
            },
            status: SpuStatus { resolution: SpuStatusResolution::Online },
        }
    }
}

/// One partition: its leader SPU, its log, and a signal of its end offset
/// that stream-fetch sessions wait on.
#[derive(Debug)]
pub struct Partition {
    pub key: ReplicaKey,
    /// The SPU leading it; changes only when a test moves it.
    leader: AtomicI32,
    /// The codec batches must use, unless `Any`.
    pub compression: CompressionAlgorithm,
    pub system: bool,
    /// The filter produced records go through, if the topic deduplicates.
    pub deduplication: Option<crate::protocol::sc::Deduplication>,
    /// The topic's retention and storage options, as partitions carry them.
    cleanup_policy: Option<crate::protocol::sc::CleanupPolicy>,
    storage: Option<crate::protocol::sc::TopicStorageConfig>,
    log: Mutex<PartitionLog>,
    end_offset: watch::Sender<i64>,
    deleted: AtomicBool,
}

/// Why a produce to a partition failed, as the error code to answer with.
pub type ProduceError = (ErrorCode, String);

impl Partition {
    fn open(storage: Arc<dyn Storage>, key: ReplicaKey, leader: i32, spec: &TopicSpec, dir: &Path, config: LogConfig) -> io::Result<Self> {
        let log = PartitionLog::open(storage, dir, config)?;
        let (end_offset, _) = watch::channel(log.end_offset());
        Ok(Partition {
            key,
            leader: AtomicI32::new(leader),
            compression: spec.compression_type,
            system: spec.system,
            deduplication: spec.deduplication.clone(),
            cleanup_policy: spec.cleanup_policy.clone(),
            storage: spec.storage.clone(),
            log: Mutex::new(log),
            end_offset,
            deleted: AtomicBool::new(false),
        })
    }

    pub fn leader(&self) -> i32 {
        self.leader.load(Ordering::Acquire)
    }

    /// Moves the partition to SPU `spu`, between appends, and wakes its
    /// stream sessions so those of the old leader notice.
    fn set_leader(&self, spu: i32) {
        let log = self.log();
        self.leader.store(spu, Ordering::Release);
        drop(log);
        self.end_offset.send_modify(|_| {});
    }

    fn log(&self) -> MutexGuard<'_, PartitionLog> {
        // A poisoned lock means a panic mid-append; the log's state on disk is
        // still recoverable, so keep serving rather than cascading panics.
        self.log.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// (log start, end) offsets.
    pub fn offsets(&self) -> (i64, i64) {
        let log = self.log();
        (log.start_offset(), log.end_offset())
    }

    /// Bytes stored.
    pub fn size(&self) -> u64 {
        self.log().size()
    }

    /// Appends batches in order; returns the base offset of the first.
    pub fn append(&self, batches: &mut [Batch]) -> Result<i64, ProduceError> {
        self.append_as(None, batches)
    }

    /// `append` by SPU `leader`, which must lead the partition: checked
    /// under the log's lock, so an append never lands after a leader move
    /// that a client may already have acted on.
    pub fn append_as(&self, leader: Option<i32>, batches: &mut [Batch]) -> Result<i64, ProduceError> {
        if self.is_deleted() {
            return Err((ErrorCode::TopicDeleted, "topic was deleted".into()));
        }
        let mut log = self.log();
        if leader.is_some_and(|spu| spu != self.leader()) {
            return Err((ErrorCode::NotLeaderForPartition, format!("{} moved to SPU {}", self.key, self.leader())));
        }
        let mut first = None;
        for batch in batches.iter_mut() {
            let codec = batch.compression().map_err(|e| (ErrorCode::CompressionError, e.to_string()))?;
            if !codec_allowed(self.compression, codec) {
                return Err((
                    ErrorCode::CompressionError,
                    format!("topic requires {:?} compression, batch uses {}", self.compression, codec.name()),
                ));
            }
            let base = log.append(batch).map_err(|e| match e {
                AppendError::TooLarge { .. } => (ErrorCode::MessageTooLarge, e.to_string()),
                AppendError::InvalidBatch(_) => (ErrorCode::Other(e.to_string()), e.to_string()),
                AppendError::Io(_) => (ErrorCode::StorageError, e.to_string()),
            })?;
            first.get_or_insert(base);
        }
        let end = log.end_offset();
        drop(log);
        self.end_offset.send_replace(end);
        Ok(first.unwrap_or(0))
    }

    /// Whole batches from the one holding `offset`, at most `max_bytes`
    /// (but at least one batch).
    pub fn read(&self, offset: i64, max_bytes: usize) -> io::Result<Vec<u8>> {
        self.log().read(offset, max_bytes)
    }

    /// Runs the cleaner over the log at time `now` (see `PartitionLog::clean`).
    pub fn clean(&self, now: std::time::SystemTime) -> io::Result<usize> {
        self.log().clean(now)
    }

    /// Fsyncs the log if its interval policy says it is time.
    pub fn sync_if_due(&self) -> io::Result<()> {
        let mut log = self.log();
        if log.sync_due() {
            log.sync()?;
        }
        Ok(())
    }

    pub fn sync(&self) -> io::Result<()> {
        self.log().sync()
    }

    /// Follows the end offset: changes on every append (and on deletion).
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.end_offset.subscribe()
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::Acquire)
    }

    fn mark_deleted(&self) {
        self.deleted.store(true, Ordering::Release);
        // Wake every waiting session so it notices.
        self.end_offset.send_modify(|_| {});
    }

    fn metadata(&self) -> Metadata<PartitionSpec> {
        let (start, end) = self.offsets();
        let leader_id = self.leader();
        let leader = ReplicaStatus { spu: leader_id, hw: end, leo: end };
        Metadata {
            name: self.key.to_string(),
            spec: PartitionSpec {
                leader: leader_id,
                replicas: vec![leader_id],
                compression_type: self.compression,
                system: self.system,
                deduplication: self.deduplication.clone(),
                cleanup_policy: self.cleanup_policy.clone(),
                storage: self.storage.clone(),
                mirror: None,
            },
            status: PartitionStatus {
                resolution: PartitionResolution::Online,
                leader,
                // Followers in sync with the leader: there are none.
                lsr: 0,
                replicas: vec![],
                size: self.size() as i64,
                is_being_deleted: self.is_deleted(),
                base_offset: start,
            },
        }
    }
}

fn codec_allowed(required: CompressionAlgorithm, codec: Compression) -> bool {
    matches!(
        (required, codec),
        (CompressionAlgorithm::Any, _)
            | (CompressionAlgorithm::None, Compression::None)
            | (CompressionAlgorithm::Gzip, Compression::Gzip)
            | (CompressionAlgorithm::Snappy, Compression::Snappy)
            | (CompressionAlgorithm::Lz4, Compression::Lz4)
            | (CompressionAlgorithm::Zstd, Compression::Zstd)
    )
}

crate::wire_struct! {
    /// A topic as persisted in `topics.bin`.
    pub struct StoredTopic {
        pub name: String,
        pub spec: TopicSpec,
    }
}

#[derive(Debug)]
struct Topic {
    spec: TopicSpec,
    partitions: Vec<Arc<Partition>>,
}

impl Topic {
    fn metadata(&self, name: &str) -> Metadata<TopicSpec> {
        let replica_map = self.partitions.iter().map(|p| (p.key.partition, vec![p.leader()])).collect();
        Metadata {
            name: name.to_string(),
            spec: self.spec.clone(),
            status: TopicStatus {
                resolution: TopicResolution::Provisioned,
                replica_map,
                mirror_map: BTreeMap::new(),
                reason: String::new(),
            },
        }
    }
}

/// Why a topic could not be created or deleted: the code and message of
/// the Status to answer with.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminError {
    pub code: ErrorCode,
    pub message: String,
}

impl AdminError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AdminError { code, message: message.into() }
    }
}

/// Everything the SC and SPU services share.
#[derive(Debug)]
pub struct ClusterState {
    pub spus: Vec<SpuInfo>,
    storage: Arc<dyn Storage>,
    data_dir: PathBuf,
    log_config: LogConfig,
    topics: Mutex<BTreeMap<String, Topic>>,
    events: broadcast::Sender<MetadataEvent>,
    consumer_offsets: ConsumerOffsets,
    /// SmartModules stored on the SC, by key.
    smartmodules: Mutex<BTreeMap<String, SmartModuleSpec>>,
}

impl ClusterState {
    /// Opens the data directory: the persisted topics and their partition logs.
    pub fn open(data_dir: &Path, spus: Vec<SpuInfo>, log_config: LogConfig) -> io::Result<Self> {
        Self::open_on(OsStorage::shared(), data_dir, spus, log_config)
    }

    /// `open` with the files kept by `storage`.
    pub fn open_on(storage: Arc<dyn Storage>, data_dir: &Path, spus: Vec<SpuInfo>, log_config: LogConfig) -> io::Result<Self> {
        create_dir_all_durably(&*storage, &data_dir.join(PARTITIONS_DIR))?;
        let (events, _) = broadcast::channel(1024);
        let state = ClusterState {
            spus,
            storage,
            data_dir: data_dir.to_path_buf(),
            log_config,
            topics: Mutex::new(BTreeMap::new()),
            events,
            consumer_offsets: ConsumerOffsets::default(),
            smartmodules: Mutex::new(BTreeMap::new()),
        };
        let stored = match state.storage.read(&data_dir.join(TOPICS_FILE)) {
            Ok(bytes) => Vec::<StoredTopic>::from_bytes(&bytes, STORE_VERSION)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{TOPICS_FILE}: {e}")))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        {
            let mut topics = state.lock_topics();
            for StoredTopic { name, spec } in stored {
                let topic = state.open_topic(&name, spec, false)?;
                topics.insert(name, topic);
            }
        }
        state.remove_orphan_partitions()?;
        let stored = match state.storage.read(&data_dir.join(SMARTMODULES_FILE)) {
            Ok(bytes) => Vec::<Metadata<SmartModuleSpec>>::from_bytes(&bytes, STORE_VERSION)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{SMARTMODULES_FILE}: {e}")))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        state.lock_smartmodules().extend(stored.into_iter().map(|m| (m.name, m.spec)));
        state.attach_consumer_offsets()?;
        Ok(state)
    }

    /// Creates the system topic `consumer-offset` if missing (its single
    /// partition led by the first SPU, as clients expect to find it in the
    /// partition metadata) and loads the offsets it holds.
    fn attach_consumer_offsets(&self) -> io::Result<()> {
        let mut spec = TopicSpec::computed(1, 1);
        spec.system = true;
        match self.create_topic(CONSUMER_OFFSET_TOPIC, spec, false) {
            Ok(()) => {}
            Err(e) if e.code == ErrorCode::TopicAlreadyExists => {}
            Err(e) => return Err(io::Error::other(format!("creating {CONSUMER_OFFSET_TOPIC}: {}", e.message))),
        }
        let partition = self
            .partition(CONSUMER_OFFSET_TOPIC, 0)
            .ok_or_else(|| io::Error::other(format!("{CONSUMER_OFFSET_TOPIC} has no partition 0")))?;
        self.consumer_offsets.attach(partition)
    }

    pub fn consumer_offsets(&self) -> &ConsumerOffsets {
        &self.consumer_offsets
    }

    fn lock_topics(&self) -> MutexGuard<'_, BTreeMap<String, Topic>> {
        self.topics.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn partition_dir(&self, key: &ReplicaKey) -> PathBuf {
        self.data_dir.join(PARTITIONS_DIR).join(key.to_string())
    }

    /// Removes partition directories of no stored topic: left by a crash
    /// between writing a new topic's logs and storing it in `topics.bin`, or
    /// between forgetting a deleted topic and removing its logs. Kept, they
    /// would come back as the data of a topic created later with that name.
    fn remove_orphan_partitions(&self) -> io::Result<()> {
        let known: BTreeSet<String> =
            self.lock_topics().values().flat_map(|t| t.partitions.iter().map(|p| p.key.to_string())).collect();
        let partitions_dir = self.data_dir.join(PARTITIONS_DIR);
        for name in self.storage.list_dir(&partitions_dir)? {
            if !known.contains(&name) {
                crate::log!(Warning, "local", "{}: partition of no stored topic; removing", partitions_dir.join(&name).display());
                remove_dir_all_durably(&*self.storage, &partitions_dir.join(&name))?;
            }
        }
        Ok(())
    }

    /// Opens the partitions of a topic; `new` when it is being created, so
    /// that nothing stored under its name before is taken for its data.
    fn open_topic(&self, name: &str, spec: TopicSpec, new: bool) -> io::Result<Topic> {
        let partitions =
            (0..spec.partition_count()).map(|p| self.open_partition(name, p, &spec, new)).collect::<io::Result<Vec<_>>>()?;
        Ok(Topic { spec, partitions })
    }

    /// Opens partition `index` of topic `name`, led by the SPU its assignment
    /// names first, or else spread round the SPUs so that clients must route.
    /// A `new` partition starts empty.
    fn open_partition(&self, name: &str, index: u32, spec: &TopicSpec, new: bool) -> io::Result<Arc<Partition>> {
        let key = ReplicaKey::new(name, index);
        let dir = self.partition_dir(&key);
        if new && self.storage.is_dir(&dir) {
            crate::log!(Warning, "local", "{}: left by an earlier topic '{name}'; removing", dir.display());
            remove_dir_all_durably(&*self.storage, &dir)?;
        }
        let leader = match &spec.replicas {
            ReplicaSpec::Assigned(maps) => maps.get(index as usize).and_then(|m| m.replicas.first().copied()),
            _ => None,
        }
        .unwrap_or(self.spus[index as usize % self.spus.len()].id);
        Partition::open(self.storage.clone(), key, leader, spec, &dir, topic_log_config(self.log_config, spec)).map(Arc::new)
    }

    /// Subscribes to metadata changes (subscribe before taking a snapshot).
    pub fn subscribe(&self) -> broadcast::Receiver<MetadataEvent> {
        self.events.subscribe()
    }

    fn persist(&self, topics: &BTreeMap<String, Topic>) -> io::Result<()> {
        let stored: Vec<StoredTopic> =
            topics.iter().map(|(name, t)| StoredTopic { name: name.clone(), spec: t.spec.clone() }).collect();
        replace_file_durably(&*self.storage, &self.data_dir.join(TOPICS_FILE), &stored.to_bytes(STORE_VERSION))
    }

    /// Creates a topic (or only validates it when `dry_run`). Watchers see
    /// the new topic and partitions before this returns.
    pub fn create_topic(&self, name: &str, spec: TopicSpec, dry_run: bool) -> Result<(), AdminError> {
        // In the official SC's order: name, existence, options, deduplication, placement.
        validate_topic_name(name)?;
        let mut topics = self.lock_topics();
        if topics.contains_key(name) {
            return Err(AdminError::new(ErrorCode::TopicAlreadyExists, format!("Topic '{name}' already exists")));
        }
        validate_topic_config(&spec)?;
        if let Some(dedup) = &spec.deduplication {
            self.validate_deduplication(dedup)?;
        }
        validate_replicas(&spec, &self.spus)?;
        if dry_run {
            return Ok(());
        }
        let storage_error = |e: io::Error| AdminError::new(ErrorCode::StorageError, format!("creating topic '{name}': {e}"));
        let topic = self.open_topic(name, spec, true).map_err(storage_error)?;
        let topic_update = topic.metadata(name);
        let partition_updates: Vec<_> = topic.partitions.iter().map(|p| p.metadata()).collect();
        topics.insert(name.to_string(), topic);
        if let Err(e) = self.persist(&topics) {
            topics.remove(name);
            return Err(storage_error(e));
        }
        drop(topics);
        let _ = self.events.send(MetadataEvent::Partitions(
            partition_updates.into_iter().map(|content| Message { header: MsgType::Update, content }).collect(),
        ));
        let _ = self.events.send(MetadataEvent::Topics(vec![Message { header: MsgType::Update, content: topic_update }]));
        Ok(())
    }

    /// Grows topic `name` by `count` partitions, as the official SC's
    /// AddPartition does: only computed, non-system topics; the new
    /// partitions are announced before this returns.
    pub fn add_partitions(&self, name: &str, count: u32) -> Result<(), AdminError> {
        let mut topics = self.lock_topics();
        let Some(topic) = topics.get_mut(name) else {
            return Err(AdminError::new(ErrorCode::TopicNotFound, "not found"));
        };
        if topic.spec.system {
            return Err(AdminError::new(
                ErrorCode::SystemSpecUpdatingAttempt { kind: "topic".into(), name: name.into() },
                format!("system topic '{name}' cannot be updated"),
            ));
        }
        let ReplicaSpec::Computed(param) = &mut topic.spec.replicas else {
            return Err(AdminError::new(ErrorCode::TopicInvalidReplicaType, "invalid replica type"));
        };
        let before = param.partitions;
        let after = before.checked_add(count).filter(|total| *total <= MAX_PARTITIONS).ok_or_else(|| {
            AdminError::new(
                ErrorCode::TopicInvalidConfiguration,
                format!("{before} + {count} partitions is more than this cluster supports ({MAX_PARTITIONS})"),
            )
        })?;
        param.partitions = after;
        let storage_error = |e: io::Error| AdminError::new(ErrorCode::StorageError, format!("adding partitions to topic '{name}': {e}"));
        let added = (before..after)
            .map(|p| self.open_partition(name, p, &topic.spec, true))
            .collect::<io::Result<Vec<_>>>();
        let added = match added {
            Ok(added) => added,
            Err(e) => {
                set_partition_count(&mut topic.spec, before);
                return Err(storage_error(e));
            }
        };
        topic.partitions.extend(added.iter().cloned());
        if let Err(e) = self.persist(&topics) {
            let topic = topics.get_mut(name).expect("still there");
            topic.partitions.truncate(before as usize);
            set_partition_count(&mut topic.spec, before);
            return Err(storage_error(e));
        }
        let topic_update = topics[name].metadata(name);
        drop(topics);
        let _ = self.events.send(MetadataEvent::Partitions(
            added.iter().map(|p| Message { header: MsgType::Update, content: p.metadata() }).collect(),
        ));
        let _ = self.events.send(MetadataEvent::Topics(vec![Message { header: MsgType::Update, content: topic_update }]));
        Ok(())
    }

    /// The official SC's check of a topic's deduplication: its filter must
    /// be a qualified SmartModule name (`group/name@version`) that is stored.
    fn validate_deduplication(&self, dedup: &crate::protocol::sc::Deduplication) -> Result<(), AdminError> {
        let uses = &dedup.filter.transform.uses;
        let qualified = uses.split_once('/').and_then(|(group, rest)| Some((group, rest.split_once('@')?)));
        match qualified {
            Some((group, (name, version))) if !group.is_empty() && !name.is_empty() && is_semver(version) => {}
            _ => {
                let why = format!("'{uses}' is not a qualified SmartModule name (group/name@version)");
                return Err(AdminError::new(ErrorCode::DeduplicationSmartModuleNameInvalid(why.clone()), why));
            }
        }
        if self.smartmodule_wasm(uses).is_none() {
            return Err(AdminError::new(
                ErrorCode::DeduplicationSmartModuleNotLoaded,
                format!("Deduplication SmartModule is not loaded into the cluster\nHint: try `fluvio hub sm download {uses}` and repeat this operation"),
            ));
        }
        if dedup.bounds.count == 0 {
            return Err(AdminError::new(ErrorCode::TopicInvalidConfiguration, "count must be non-zero"));
        }
        Ok(())
    }

    /// Deletes a topic and its data. System topics need `force`.
    pub fn delete_topic(&self, name: &str, force: bool) -> Result<(), AdminError> {
        let mut topics = self.lock_topics();
        let Some(topic) = topics.get(name) else {
            return Err(AdminError::new(ErrorCode::TopicNotFound, format!("Topic '{name}' not found")));
        };
        if topic.spec.system && !force {
            return Err(AdminError::new(
                ErrorCode::SystemSpecDeletionAttempt { kind: "topic".into(), name: name.into() },
                format!("system topic '{name}' can only be deleted forcibly"),
            ));
        }
        let topic = topics.remove(name).expect("checked above");
        let persisted = self.persist(&topics);
        drop(topics);
        if let Err((_, why)) = self.consumer_offsets.delete_topic(name) {
            crate::log!(Warning, "local", "forgetting the consumer offsets of deleted topic '{name}': {why}");
        }
        let topic_meta = topic.metadata(name);
        let partition_metas: Vec<_> = topic.partitions.iter().map(|p| p.metadata()).collect();
        for partition in &topic.partitions {
            partition.mark_deleted();
            // A directory left here is removed when the cluster next opens.
            if let Err(e) = remove_dir_all_durably(&*self.storage, &self.partition_dir(&partition.key)) {
                crate::log!(Warning, "local", "removing the logs of deleted topic '{name}': {e}");
            }
        }
        let _ = self.events.send(MetadataEvent::Partitions(
            partition_metas.into_iter().map(|content| Message { header: MsgType::Delete, content }).collect(),
        ));
        let _ = self.events.send(MetadataEvent::Topics(vec![Message { header: MsgType::Delete, content: topic_meta }]));
        persisted.map_err(|e| AdminError::new(ErrorCode::StorageError, format!("deleting topic '{name}': {e}")))
    }

    fn lock_smartmodules(&self) -> MutexGuard<'_, BTreeMap<String, SmartModuleSpec>> {
        self.smartmodules.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The gzipped wasm of the SmartModule stored as `name`, which may also
    /// be a package's qualified name `group/name@version`.
    pub fn smartmodule_wasm(&self, name: &str) -> Option<Vec<u8>> {
        let modules = self.lock_smartmodules();
        let qualified = || {
            let (group, rest) = name.split_once('/')?;
            let (package, version) = rest.split_once('@')?;
            modules.get(&format!("{package}-{group}-{version}"))
        };
        modules.get(name).or_else(qualified).map(|spec| spec.wasm.payload.clone())
    }

    /// Every stored SmartModule.
    pub fn smartmodules(&self) -> Vec<Metadata<SmartModuleSpec>> {
        self.lock_smartmodules()
            .iter()
            .map(|(name, spec)| Metadata { name: name.clone(), spec: spec.clone(), status: SmartModuleStatus {} })
            .collect()
    }

    fn persist_smartmodules(&self, modules: &BTreeMap<String, SmartModuleSpec>) -> io::Result<()> {
        let stored: Vec<Metadata<SmartModuleSpec>> = modules
            .iter()
            .map(|(name, spec)| Metadata { name: name.clone(), spec: spec.clone(), status: SmartModuleStatus {} })
            .collect();
        replace_file_durably(&*self.storage, &self.data_dir.join(SMARTMODULES_FILE), &stored.to_bytes(STORE_VERSION))
    }

    /// Stores a SmartModule under `name`, or under its package's store id
    /// (`name-group-version`) when it has package metadata, as the official
    /// SC does; returns the key. `dry_run` only validates.
    pub fn create_smartmodule(&self, name: &str, spec: SmartModuleSpec, dry_run: bool) -> Result<String, AdminError> {
        let key = match &spec.meta {
            Some(meta) => {
                let package = &meta.package;
                if package.name.is_empty() || package.group.is_empty() {
                    return Err(AdminError::new(ErrorCode::SmartModuleError, "invalid SmartModule package"));
                }
                for (what, version) in [("version", &package.version), ("api_version", &package.api_version)] {
                    if !is_semver(version) {
                        return Err(AdminError::new(
                            ErrorCode::SmartModuleError,
                            format!("the package {what} '{version}' is not a semantic version"),
                        ));
                    }
                }
                meta.store_id()
            }
            None => name.to_string(),
        };
        if key.is_empty() || key.len() > 255 || key.chars().any(|c| c.is_control() || c == '/') {
            return Err(AdminError::new(ErrorCode::SmartModuleError, format!("invalid SmartModule name '{key}'")));
        }
        if spec.wasm.payload.is_empty() {
            return Err(AdminError::new(
                ErrorCode::SmartModuleInvalid { error: "the wasm payload is empty".into(), name: Some(key.clone()) },
                "the wasm payload is empty",
            ));
        }
        if let Err(error) = check_gzipped_wasm(&spec.wasm.payload) {
            return Err(AdminError::new(ErrorCode::SmartModuleInvalid { error: error.clone(), name: Some(key) }, error));
        }
        let mut modules = self.lock_smartmodules();
        if modules.contains_key(&key) {
            return Err(AdminError::new(ErrorCode::SmartModuleError, format!("SmartModule '{key}' already exists")));
        }
        if dry_run {
            return Ok(key);
        }
        let spec = SmartModuleSpec { summary: None, ..spec };
        modules.insert(key.clone(), spec);
        if let Err(e) = self.persist_smartmodules(&modules) {
            modules.remove(&key);
            return Err(AdminError::new(ErrorCode::StorageError, format!("storing SmartModule '{key}': {e}")));
        }
        Ok(key)
    }

    /// Deletes the SmartModule stored as `key`.
    pub fn delete_smartmodule(&self, key: &str) -> Result<(), AdminError> {
        let mut modules = self.lock_smartmodules();
        let Some(spec) = modules.remove(key) else {
            return Err(AdminError::new(
                ErrorCode::SmartModuleNotFound { name: key.to_string() },
                format!("SmartModule '{key}' not found"),
            ));
        };
        if let Err(e) = self.persist_smartmodules(&modules) {
            modules.insert(key.to_string(), spec);
            return Err(AdminError::new(ErrorCode::StorageError, format!("deleting SmartModule '{key}': {e}")));
        }
        Ok(())
    }

    pub fn topics(&self) -> Vec<Metadata<TopicSpec>> {
        self.lock_topics().iter().map(|(name, t)| t.metadata(name)).collect()
    }

    pub fn partitions(&self) -> Vec<Metadata<PartitionSpec>> {
        self.lock_topics().values().flat_map(|t| t.partitions.iter().map(|p| p.metadata())).collect()
    }

    pub fn spu_metadata(&self) -> Vec<Metadata<SpuSpec>> {
        self.spus.iter().map(SpuInfo::metadata).collect()
    }

    /// The partition, if the topic and partition exist.
    pub fn partition(&self, topic: &str, partition: u32) -> Option<Arc<Partition>> {
        self.lock_topics().get(topic)?.partitions.get(partition as usize).cloned()
    }

    /// Makes SPU `spu` the leader of `topic`'s `partition` (the log stays
    /// where it is: every SPU of this process shares it). Watchers see the
    /// move; streams on the old leader end with NotLeaderForPartition.
    pub fn move_leader(&self, topic: &str, partition: u32, spu: i32) -> Result<(), String> {
        if !self.spus.iter().any(|s| s.id == spu) {
            return Err(format!("there is no SPU {spu}"));
        }
        let moved = self.partition(topic, partition).ok_or_else(|| format!("there is no partition {topic}-{partition}"))?;
        moved.set_leader(spu);
        let _ = self.events.send(MetadataEvent::Partitions(vec![Message { header: MsgType::Update, content: moved.metadata() }]));
        Ok(())
    }

    /// One pass of the cleaner over every partition at time `now`: retention
    /// time and maximum partition size, as the real SPU's cleaner applies
    /// them. Returns how many segments were removed.
    pub fn clean(&self, now: std::time::SystemTime) -> usize {
        self.all_partitions()
            .iter()
            .map(|partition| match partition.clean(now) {
                Ok(removed) => removed,
                Err(e) => {
                    crate::log!(Error, "local", "cleaning {} failed: {e}", partition.key);
                    0
                }
            })
            .sum()
    }

    /// Every partition (for the periodic flusher and clean shutdown).
    pub fn all_partitions(&self) -> Vec<Arc<Partition>> {
        self.lock_topics().values().flat_map(|t| t.partitions.iter().cloned()).collect()
    }
}

/// The cluster's log settings with the topic's own: its segment size,
/// retention time and maximum partition size.
fn topic_log_config(cluster: LogConfig, spec: &TopicSpec) -> LogConfig {
    let storage = spec.storage.clone().unwrap_or_default();
    LogConfig {
        segment_bytes: storage.segment_size.map_or(cluster.segment_bytes, u64::from),
        retention_age: spec
            .cleanup_policy
            .as_ref()
            .map(|crate::protocol::sc::CleanupPolicy::Segment(policy)| std::time::Duration::from_secs(policy.time_in_seconds.into())),
        max_partition_bytes: storage.max_partition_size,
        ..cluster
    }
}

fn set_partition_count(spec: &mut TopicSpec, partitions: u32) {
    if let ReplicaSpec::Computed(param) = &mut spec.replicas {
        param.partitions = partitions;
    }
}

/// Refuses names the official SC refuses (and the empty name).
fn validate_topic_name(name: &str) -> Result<(), AdminError> {
    match crate::protocol::sc::invalid_topic_name(name) {
        None => Ok(()),
        Some(message) => Err(AdminError::new(ErrorCode::TopicInvalidName, message)),
    }
}

/// What the official SC refuses in a topic's options (`validate_config`),
/// with its messages: retention, segment and partition sizes.
fn validate_topic_config(spec: &TopicSpec) -> Result<(), AdminError> {
    let invalid = |message: String| Err(AdminError::new(ErrorCode::TopicInvalidConfiguration, message));
    if let Some(crate::protocol::sc::CleanupPolicy::Segment(policy)) = &spec.cleanup_policy {
        if policy.time_in_seconds < MIN_RETENTION_SECS {
            return invalid(format!("retention_secs {} is less than minimum {MIN_RETENTION_SECS}", policy.time_in_seconds));
        }
    }
    if let Some(storage) = &spec.storage {
        if let Some(segment_size) = storage.segment_size.filter(|s| *s < MIN_SEGMENT_BYTES) {
            return invalid(format!("segment_size {segment_size} is less than minimum {MIN_SEGMENT_BYTES}"));
        }
        if let Some(max_partition_size) = storage.max_partition_size {
            if max_partition_size < MIN_PARTITION_BYTES {
                return invalid(format!("max_partition_size {max_partition_size} is less than minimum {MIN_PARTITION_BYTES}"));
            }
            // As the official SC: an unset segment size counts as its default.
            let segment_size = storage.segment_size.unwrap_or(REAL_DEFAULT_SEGMENT_BYTES);
            if max_partition_size < u64::from(segment_size) {
                return invalid(format!("max_partition_size {max_partition_size} is less than segment size {segment_size}"));
            }
        }
    }
    Ok(())
}

/// The official SC's checks of a topic's placement (`TopicError`, with its
/// messages), against the SPUs of this cluster.
fn validate_replicas(spec: &TopicSpec, spus: &[SpuInfo]) -> Result<(), AdminError> {
    let error = |message: String| Err(AdminError::new(ErrorCode::TopicError, message));
    match &spec.replicas {
        ReplicaSpec::Computed(param) if param.partitions == 0 => error("partition must be greater than 0".into()),
        ReplicaSpec::Computed(param) if param.replication_factor == 0 => error("replication factor must be greater than 0".into()),
        ReplicaSpec::Computed(param) if param.partitions > MAX_PARTITIONS => Err(AdminError::new(
            ErrorCode::TopicInvalidConfiguration,
            format!("{} partitions is more than this cluster supports ({MAX_PARTITIONS})", param.partitions),
        )),
        ReplicaSpec::Computed(param) if param.replication_factor as usize > spus.len() => Err(AdminError::new(
            ErrorCode::TopicInvalidConfiguration,
            format!("replication factor {} exceeds the {} SPU(s) of this cluster", param.replication_factor, spus.len()),
        )),
        ReplicaSpec::Computed(_) => Ok(()),
        ReplicaSpec::Assigned(maps) => {
            let Some(first) = maps.first() else { return error("no assigned partitions found".into()) };
            if first.id != 0 {
                return error("assigned partitions must start with id 0".into());
            }
            if first.replicas.is_empty() {
                return error("assigned replicas must have at least one spu id".into());
            }
            if maps.len() as u64 > u64::from(MAX_PARTITIONS) {
                return Err(AdminError::new(
                    ErrorCode::TopicInvalidConfiguration,
                    format!("{} partitions is more than this cluster supports ({MAX_PARTITIONS})", maps.len()),
                ));
            }
            for (id, map) in maps.iter().enumerate() {
                if map.id as usize != id {
                    return error("assigned partition ids must be in sequence and without gaps".into());
                }
                if map.replicas.len() != first.replicas.len() {
                    return error(format!("all assigned replicas must have the same number of spu ids: {}", first.replicas.len()));
                }
                let mut sorted = map.replicas.clone();
                sorted.sort_unstable();
                sorted.dedup();
                if sorted.len() != map.replicas.len() {
                    return error(format!("duplicate spu ids found in assigned partition with id: {id}"));
                }
                if let Some(negative) = map.replicas.iter().find(|spu| **spu < 0) {
                    return error(format!("invalid spu id: {negative} in assigned partition with id: {id}"));
                }
            }
            match maps.iter().flat_map(|m| &m.replicas).find(|spu| !spus.iter().any(|s| s.id == **spu)) {
                Some(unknown) => error(format!("invalid spu id: {unknown}")),
                None => Ok(()),
            }
        }
        ReplicaSpec::Mirror(_) => {
            Err(AdminError::new(ErrorCode::TopicInvalidReplicaType, "mirror topics are not supported by the local cluster"))
        }
    }
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre` and `+build` (what the
/// official client's semver parser accepts, loosely).
fn is_semver(text: &str) -> bool {
    let (core, rest) = match text.find(['-', '+']) {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0'));
    numbers.len() == 3
        && numbers.iter().all(numeric)
        && (rest.is_empty() || (rest.len() > 1 && rest[1..].bytes().all(|b| b.is_ascii_alphanumeric() || b"-.+".contains(&b))))
}

/// Checks that `payload` is gzip whose first bytes are a wasm module's.
fn check_gzipped_wasm(payload: &[u8]) -> Result<(), String> {
    use std::io::Read;
    let mut head = [0u8; 4];
    flate2::read::GzDecoder::new(payload)
        .read_exact(&mut head)
        .map_err(|e| format!("the payload is not a gzip-compressed wasm module: {e}"))?;
    if head != *b"\0asm" {
        return Err("the payload is gzip-compressed but not a wasm module".into());
    }
    Ok(())
}
