//! Topic admin: creating topics (with retention, storage, compression,
//! placement and deduplication options), growing, deleting, listing and
//! describing them.
//!
//! A topic's options are set on a `fluvio_topic_config` and checked by the
//! cluster, which answers FLUVIO_ERR_SERVER with its reason (see
//! `fluvio_last_error`) for what it refuses, e.g. a retention under 10 s.

use std::collections::BTreeMap;
use std::ffi::{c_char, CString};
use std::time::Duration;

use super::client::fluvio_client;
use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::producer::fluvio_compression;
use super::runtime::block_on;
use super::util::{c_str, c_string, free_boxed, handle, list_item, with_config_object, write_list};
use crate::protocol::sc::{
    CleanupPolicy, CompressionAlgorithm, Deduplication, DeduplicationBounds, DeduplicationFilter, DeduplicationTransform, Metadata,
    PartitionMap, ReplicaSpec, SegmentBasedPolicy, TopicReplicaParam, TopicResolution, TopicSpec, TopicStorageConfig,
};

/// A topic accepts batches of any codec (the default for topics; not a
/// producer setting).
pub const FLUVIO_COMPRESSION_ANY: fluvio_compression = 5;

/// What the cluster made of a topic: one of `FLUVIO_TOPIC_STATUS_*`.
pub type fluvio_topic_status = u32;
/// Just created; not yet looked at.
pub const FLUVIO_TOPIC_STATUS_INIT: fluvio_topic_status = 0;
/// Being provisioned.
pub const FLUVIO_TOPIC_STATUS_PENDING: fluvio_topic_status = 1;
/// Not enough SPUs (e.g. for the replication); `reason` says more.
pub const FLUVIO_TOPIC_STATUS_INSUFFICIENT_RESOURCES: fluvio_topic_status = 2;
/// The cluster found its configuration invalid; `reason` says why.
pub const FLUVIO_TOPIC_STATUS_INVALID_CONFIG: fluvio_topic_status = 3;
/// Ready: every partition has a leader.
pub const FLUVIO_TOPIC_STATUS_PROVISIONED: fluvio_topic_status = 4;
/// Being deleted.
pub const FLUVIO_TOPIC_STATUS_DELETING: fluvio_topic_status = 5;

/// Options of a topic to create: `fluvio_topic_config_new`, the setters,
/// `fluvio_topic_create_with_config`, `fluvio_topic_config_free`. Use it
/// from one thread at a time; it may be freed as soon as the topic exists.
pub struct fluvio_topic_config {
    spec: TopicSpec,
}

/// One topic as the cluster describes it, from `fluvio_topic_list_get`.
/// Strings are owned by the list and valid until `fluvio_topic_list_free`;
/// so is the struct, which the library allocates (later versions may add
/// fields at its end: never copy it by value or allocate one).
#[repr(C)]
pub struct fluvio_topic_info {
    /// The topic's name.
    pub name: *const c_char,
    pub partitions: u32,
    /// Replicas of each partition.
    pub replication: u32,
    /// Whether the replicas were assigned explicitly (then `fluvio_partition_list` shows them).
    pub assigned: bool,
    /// Whether SPU racks are ignored when placing replicas.
    pub ignore_rack: bool,
    /// Records older than this are deleted, in whole segments; 0: not set
    /// (the cluster's default: none on the embedded cluster, 7 days on a
    /// real one).
    pub retention_secs: u32,
    /// Bytes after which a segment is closed; 0: the cluster's default.
    pub segment_size: u32,
    /// The oldest segments are deleted beyond this many bytes per
    /// partition; 0: the cluster's default.
    pub max_partition_size: u64,
    /// The codec batches must use (`FLUVIO_COMPRESSION_*`), or `FLUVIO_COMPRESSION_ANY`.
    pub compression: fluvio_compression,
    /// A system topic (hidden from `fluvio_topic_list`).
    pub system: bool,
    /// Deduplication: records with a key seen among the last `dedup_count`
    /// records (0: no deduplication) ...
    pub dedup_count: u64,
    /// ... and, unless 0, within this age, are dropped ...
    pub dedup_age_ms: u64,
    /// ... by this SmartModule (NULL without deduplication).
    pub dedup_filter: *const c_char,
    /// `FLUVIO_TOPIC_STATUS_*`.
    pub status: fluvio_topic_status,
    /// Why the status is what it is; never NULL, "" when there is nothing to say.
    pub reason: *const c_char,
}

/// A described topic and the strings its info points into.
struct ListedTopic {
    info: fluvio_topic_info,
    _name: CString,
    _dedup_filter: Option<CString>,
    _reason: CString,
}

// SAFETY: the info's pointers point into the strings beside it, which are
// never changed or freed before the entry; reading them from any thread is
// as safe as reading a `CString`.
unsafe impl Send for ListedTopic {}
// SAFETY: as for Send: nothing is ever written through them.
unsafe impl Sync for ListedTopic {}

impl ListedTopic {
    fn new(topic: Metadata<TopicSpec>) -> Self {
        let spec = &topic.spec;
        let name = c_string(&topic.name);
        let reason = c_string(&topic.status.reason);
        let dedup = spec.deduplication.as_ref();
        let dedup_filter = dedup.map(|d| c_string(&d.filter.transform.uses));
        let storage = spec.storage.clone().unwrap_or_default();
        let (replication, assigned, ignore_rack) = match &spec.replicas {
            ReplicaSpec::Computed(param) => (param.replication_factor, false, param.ignore_rack_assignment),
            ReplicaSpec::Assigned(maps) => (maps.first().map_or(0, |m| m.replicas.len() as u32), true, false),
            ReplicaSpec::Mirror(_) => (1, false, false),
        };
        let info = fluvio_topic_info {
            name: name.as_ptr(),
            partitions: spec.partition_count(),
            replication,
            assigned,
            ignore_rack,
            retention_secs: spec.cleanup_policy.as_ref().map_or(0, |CleanupPolicy::Segment(p)| p.time_in_seconds),
            segment_size: storage.segment_size.unwrap_or(0),
            max_partition_size: storage.max_partition_size.unwrap_or(0),
            compression: compression_code(spec.compression_type),
            system: spec.system,
            dedup_count: dedup.map_or(0, |d| d.bounds.count),
            dedup_age_ms: dedup.and_then(|d| d.bounds.age).map_or(0, |age| age.as_millis().min(u64::MAX as u128) as u64),
            dedup_filter: dedup_filter.as_ref().map_or(std::ptr::null(), |f| f.as_ptr()),
            status: resolution_code(topic.status.resolution),
            reason: reason.as_ptr(),
        };
        ListedTopic { info, _name: name, _dedup_filter: dedup_filter, _reason: reason }
    }
}

fn compression_code(algorithm: CompressionAlgorithm) -> fluvio_compression {
    use super::producer::{
        FLUVIO_COMPRESSION_GZIP, FLUVIO_COMPRESSION_LZ4, FLUVIO_COMPRESSION_NONE, FLUVIO_COMPRESSION_SNAPPY, FLUVIO_COMPRESSION_ZSTD,
    };
    match algorithm {
        CompressionAlgorithm::None => FLUVIO_COMPRESSION_NONE,
        CompressionAlgorithm::Gzip => FLUVIO_COMPRESSION_GZIP,
        CompressionAlgorithm::Snappy => FLUVIO_COMPRESSION_SNAPPY,
        CompressionAlgorithm::Lz4 => FLUVIO_COMPRESSION_LZ4,
        CompressionAlgorithm::Zstd => FLUVIO_COMPRESSION_ZSTD,
        CompressionAlgorithm::Any => FLUVIO_COMPRESSION_ANY,
    }
}

fn resolution_code(resolution: TopicResolution) -> fluvio_topic_status {
    match resolution {
        TopicResolution::Init => FLUVIO_TOPIC_STATUS_INIT,
        TopicResolution::Pending => FLUVIO_TOPIC_STATUS_PENDING,
        TopicResolution::InsufficientResources => FLUVIO_TOPIC_STATUS_INSUFFICIENT_RESOURCES,
        TopicResolution::InvalidConfig => FLUVIO_TOPIC_STATUS_INVALID_CONFIG,
        TopicResolution::Provisioned => FLUVIO_TOPIC_STATUS_PROVISIONED,
        TopicResolution::Deleting => FLUVIO_TOPIC_STATUS_DELETING,
    }
}

/// Topics as the cluster describes them, from `fluvio_topic_list` or
/// `fluvio_topic_describe`. Read-only; any thread may read it. Freed by
/// `fluvio_topic_list_free`.
pub struct fluvio_topic_list {
    topics: Vec<ListedTopic>,
}

/// New topic options: one partition, one replica, the cluster's defaults
/// for everything else. NULL only if out of memory. Free with
/// `fluvio_topic_config_free`.
#[no_mangle]
pub extern "C" fn fluvio_topic_config_new() -> *mut fluvio_topic_config {
    ffi_guard_value(std::ptr::null_mut(), || Box::into_raw(Box::new(fluvio_topic_config { spec: TopicSpec::computed(1, 1) })))
}

/// Frees topic options. NULL is a no-op.
///
/// # Safety
/// `config` must be NULL or from `fluvio_topic_config_new`, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_free(config: *mut fluvio_topic_config) {
    // SAFETY: per the contract.
    ffi_guard_value((), || unsafe { free_boxed(config) })
}

/// The computed placement's parameters, or an error once replicas were
/// assigned explicitly.
fn computed(config: &mut fluvio_topic_config) -> Result<&mut TopicReplicaParam, FfiError> {
    match &mut config.spec.replicas {
        ReplicaSpec::Computed(param) => Ok(param),
        _ => Err(FfiError::invalid("the replicas were assigned explicitly (fluvio_topic_config_assign_replicas)")),
    }
}

/// Sets the number of partitions (default 1), placed by the cluster.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL, `partitions`
/// is 0, or replicas were assigned explicitly.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_set_partitions(config: *mut fluvio_topic_config, partitions: u32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            if partitions == 0 {
                return Err(FfiError::invalid("a topic needs at least one partition"));
            }
            computed(c)?.partitions = partitions;
            Ok(())
        })
    }
}

/// Sets the replicas per partition (default 1); the cluster needs at least
/// that many SPUs.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL, `replication`
/// is 0, or replicas were assigned explicitly.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_set_replication(config: *mut fluvio_topic_config, replication: u32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            if replication == 0 {
                return Err(FfiError::invalid("replication must be at least 1"));
            }
            computed(c)?.replication_factor = replication;
            Ok(())
        })
    }
}

/// Whether the cluster ignores SPU racks when it places replicas (default
/// false: replicas of a partition go to different racks where it can).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or replicas were
/// assigned explicitly.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_set_ignore_rack(config: *mut fluvio_topic_config, ignore: bool) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            computed(c)?.ignore_rack_assignment = ignore;
            Ok(())
        })
    }
}

/// Places partition `partition` on the SPUs `spu_ids[0..count]` (its
/// leader first) instead of letting the cluster choose. Assign partitions
/// in order, from 0; assigning one again replaces it. The first assignment
/// replaces the partition count and replication set before; every
/// partition must get the same number of distinct SPUs.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` or `spu_ids` is NULL,
/// `count` is 0, or `partition` skips one. The cluster refuses SPUs it
/// does not have (FLUVIO_ERR_SERVER).
///
/// # Safety
/// `config` must be a live configuration; `spu_ids` must point to `count` ids.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_assign_replicas(
    config: *mut fluvio_topic_config,
    partition: u32,
    spu_ids: *const i32,
    count: usize,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            if spu_ids.is_null() || count == 0 {
                return Err(FfiError::invalid("a partition needs at least one SPU (spu_ids is NULL or count is 0)"));
            }
            if count > 1024 {
                return Err(FfiError::invalid(format!("{count} replicas is more than a partition can have")));
            }
            // SAFETY: `count` readable ids per the contract.
            let replicas = std::slice::from_raw_parts(spu_ids, count).to_vec();
            let mut maps = match &c.spec.replicas {
                ReplicaSpec::Assigned(maps) => maps.clone(),
                _ => Vec::new(),
            };
            let map = PartitionMap { id: partition, replicas, mirror: None };
            let assigned = maps.len();
            match maps.get_mut(partition as usize) {
                Some(existing) => *existing = map,
                None if partition as usize == assigned => maps.push(map),
                None => return Err(FfiError::invalid(format!("assign partition {assigned} before partition {partition}"))),
            }
            c.spec.replicas = ReplicaSpec::Assigned(maps);
            Ok(())
        })
    }
}

/// Deletes records older than `seconds`, a whole segment at a time, once
/// every record of the segment is that old (the cluster's minimum is 10 s).
/// Unset, the cluster's default applies: none on the embedded cluster, 7
/// days on a real one.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_set_retention_secs(config: *mut fluvio_topic_config, seconds: u32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            c.spec.cleanup_policy = Some(CleanupPolicy::Segment(SegmentBasedPolicy { time_in_seconds: seconds }));
            Ok(())
        })
    }
}

/// Closes a partition's segment and starts the next past `bytes` (the
/// cluster's minimum is 1024; its default 1 GiB on a real cluster, 64 MiB
/// on the embedded one). A batch larger than a segment is refused.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_set_segment_size(config: *mut fluvio_topic_config, bytes: u32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            c.spec.storage.get_or_insert_with(TopicStorageConfig::default).segment_size = Some(bytes);
            Ok(())
        })
    }
}

/// Deletes a partition's oldest segments while it holds more than `bytes`
/// (the cluster refuses less than 2048 or less than the segment size,
/// which is 1 GiB unless set).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_set_max_partition_size(config: *mut fluvio_topic_config, bytes: u64) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            c.spec.storage.get_or_insert_with(TopicStorageConfig::default).max_partition_size = Some(bytes);
            Ok(())
        })
    }
}

/// The codec every produced batch must use (`FLUVIO_COMPRESSION_*`); the
/// cluster refuses others with FLUVIO_ERR_SERVER (server code
/// CompressionError). Default `FLUVIO_COMPRESSION_ANY`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or the codec unknown.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_set_compression(config: *mut fluvio_topic_config, compression: fluvio_compression) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            let algorithm = [
                CompressionAlgorithm::None,
                CompressionAlgorithm::Gzip,
                CompressionAlgorithm::Snappy,
                CompressionAlgorithm::Lz4,
                CompressionAlgorithm::Zstd,
                CompressionAlgorithm::Any,
            ]
            .into_iter()
            .find(|a| compression_code(*a) == compression)
            .ok_or_else(|| FfiError::invalid(format!("unknown compression {compression}")))?;
            c.spec.compression_type = algorithm;
            Ok(())
        })
    }
}

/// Marks the topic a system topic (default false): hidden from
/// `fluvio_topic_list`, deleted only forcibly, never grown.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
///
/// # Safety
/// `config` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_set_system(config: *mut fluvio_topic_config, system: bool) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            c.spec.system = system;
            Ok(())
        })
    }
}

/// Deduplicates produced records: the SmartModule `filter` (stored on the
/// cluster, e.g. "fluvio/dedup-filter@0.1.0") drops a record whose key is
/// among the last `count` keys and, unless `age_ms` is 0, younger than
/// `age_ms`. Parameters for the module: `fluvio_topic_config_add_deduplication_param`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` or `filter` is NULL,
/// `filter` is empty or `count` is 0.
///
/// # Safety
/// `config` must be a live configuration; `filter` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_set_deduplication(
    config: *mut fluvio_topic_config,
    count: u64,
    age_ms: u64,
    filter: *const c_char,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            let filter = c_str(filter, "filter")?;
            if filter.is_empty() || count == 0 {
                return Err(FfiError::invalid("deduplication needs a filter SmartModule and a count of at least 1"));
            }
            c.spec.deduplication = Some(Deduplication {
                bounds: DeduplicationBounds { count, age: (age_ms > 0).then(|| Duration::from_millis(age_ms)) },
                filter: DeduplicationFilter { transform: DeduplicationTransform { uses: filter.to_string(), with: BTreeMap::new() } },
            });
            Ok(())
        })
    }
}

/// Adds (or replaces) parameter `key` = `value` of the deduplication
/// SmartModule.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL or
/// deduplication is not set.
///
/// # Safety
/// `config` must be a live configuration; `key` and `value` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_config_add_deduplication_param(
    config: *mut fluvio_topic_config,
    key: *const c_char,
    value: *const c_char,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            let (key, value) = (c_str(key, "key")?, c_str(value, "value")?);
            let dedup = c.spec.deduplication.as_mut().ok_or_else(|| FfiError::invalid("set the deduplication first"))?;
            dedup.filter.transform.with.insert(key.to_string(), value.to_string());
            Ok(())
        })
    }
}

/// Creates `topic` with the options of `config` (NULL: one partition, one
/// replica) and waits until the cluster announced it, so a producer can be
/// created right after.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL `client` or `topic`, an
/// invalid name, a replication above the SPU count), FLUVIO_ERR_TOPIC_EXISTS,
/// FLUVIO_ERR_SERVER (options the cluster refuses; `fluvio_last_error` says
/// which), or a connection error.
///
/// # Safety
/// `client` must be a live client; `topic` a NUL-terminated string;
/// `config` NULL or a live configuration.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_create_with_config(
    client: *mut fluvio_client,
    topic: *const c_char,
    config: *const fluvio_topic_config,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, topic) = unsafe { (handle(client, "client")?, c_str(topic, "topic")?) };
        // SAFETY: NULL or live per the contract.
        let spec = unsafe { config.as_ref() }.map_or_else(|| TopicSpec::computed(1, 1), |c| c.spec.clone());
        Ok(block_on(client.client.create_topic_with(topic, spec))??)
    })
}

/// Adds `count` partitions to `topic` (placed by the cluster) and waits
/// until their leaders serve them. A producer keeps the partition count
/// it was created with (unlike the official Rust producer, which picks new
/// partitions up): create a new one to spread records over them.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name,
/// `count` 0), FLUVIO_ERR_TOPIC_NOT_FOUND, FLUVIO_ERR_SERVER (a system
/// topic, or one whose replicas were assigned explicitly), or a connection
/// error.
///
/// # Safety
/// `client` must be a live client; `topic` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_add_partitions(client: *mut fluvio_client, topic: *const c_char, count: u32) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, topic) = unsafe { (handle(client, "client")?, c_str(topic, "topic")?) };
        Ok(block_on(client.client.add_partitions(topic, count))??)
    })
}

/// Creates `topic` with `partitions` partitions, each with `replication`
/// replicas, and waits until the cluster announced it (so a producer can be
/// created right after).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments; a name that is
/// empty, longer than 63 bytes, or not made of `a-z`, `0-9` and inner `-`;
/// zero partitions or replication), FLUVIO_ERR_TOPIC_EXISTS,
/// FLUVIO_ERR_SERVER (e.g. not enough SPUs for the replication), or a
/// connection error.
///
/// # Safety
/// `client` must be a live client; `topic` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_create(
    client: *mut fluvio_client,
    topic: *const c_char,
    partitions: u32,
    replication: u32,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, topic) = unsafe { (handle(client, "client")?, c_str(topic, "topic")?) };
        Ok(block_on(client.client.create_topic(topic, partitions, replication))??)
    })
}

/// Deletes `topic` and all its records.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name),
/// FLUVIO_ERR_TOPIC_NOT_FOUND, or a connection error.
///
/// # Safety
/// `client` must be a live client; `topic` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_delete(client: *mut fluvio_client, topic: *const c_char) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, topic) = unsafe { (handle(client, "client")?, c_str(topic, "topic")?) };
        Ok(block_on(client.client.delete_topic(topic))??)
    })
}

/// Lists the cluster's topics (system topics excluded) with their options
/// and status. On success `*out` owns the list: read it with
/// `fluvio_topic_list_count` and `fluvio_topic_list_get`, free it with
/// `fluvio_topic_list_free`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments) or a connection error.
///
/// # Safety
/// `client` must be a live client; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list(client: *mut fluvio_client, out: *mut *mut fluvio_topic_list) -> fluvio_status {
    // SAFETY: per the contract.
    ffi_guard(|| unsafe { describe(client, None, out) })
}

/// Describes one topic, system or not: on success `*out` owns a list of
/// exactly that topic, read as `fluvio_topic_list`'s.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name),
/// FLUVIO_ERR_TOPIC_NOT_FOUND, or a connection error.
///
/// # Safety
/// `client` must be a live client; `topic` a NUL-terminated string; `out` a
/// valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_describe(
    client: *mut fluvio_client,
    topic: *const c_char,
    out: *mut *mut fluvio_topic_list,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let topic = unsafe { c_str(topic, "topic")? };
        // SAFETY: per the contract.
        unsafe { describe(client, Some(topic), out) }
    })
}

/// # Safety
/// `client` must be a live client; `out` a valid pointer.
unsafe fn describe(client: *mut fluvio_client, topic: Option<&str>, out: *mut *mut fluvio_topic_list) -> Result<(), FfiError> {
    // SAFETY: per the contract.
    let client = unsafe { handle(client, "client")? };
    if out.is_null() {
        return Err(FfiError::invalid("out is NULL"));
    }
    let topics = block_on(client.client.describe_topics(topic))??.into_iter().map(ListedTopic::new).collect();
    // SAFETY: checked for NULL above.
    unsafe { write_list(out, fluvio_topic_list { topics }) }
}

/// Number of topics in the list (0 if `list` is NULL).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list_count(list: *const fluvio_topic_list) -> usize {
    ffi_guard_value(0, || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { list.as_ref() }.map_or(0, |l| l.topics.len())
    })
}

/// Topic `index` of the list, or NULL if `list` is NULL or `index` is out
/// of range. Owned by the list: valid until `fluvio_topic_list_free`.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list_get(list: *const fluvio_topic_list, index: usize) -> *const fluvio_topic_info {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { list_item(list, index, |l| &l.topics) }.map_or(std::ptr::null(), |t| &t.info)
    })
}

/// Name of topic `index`, or NULL if `list` is NULL or `index` is out of
/// range. Owned by the list: valid until `fluvio_topic_list_free`.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list_name(list: *const fluvio_topic_list, index: usize) -> *const c_char {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { list_item(list, index, |l| &l.topics) }.map_or(std::ptr::null(), |t| t.info.name)
    })
}

/// Partition count of topic `index`, or 0 if `list` is NULL or `index` is
/// out of range.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list_partitions(list: *const fluvio_topic_list, index: usize) -> u32 {
    ffi_guard_value(0, || {
        // SAFETY: per the contract.
        unsafe { list_item(list, index, |l| &l.topics) }.map_or(0, |t| t.info.partitions)
    })
}

/// Frees a topic list. NULL is a no-op.
///
/// # Safety
/// `list` must be NULL or from `fluvio_topic_list`, and not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_topic_list_free(list: *mut fluvio_topic_list) {
    // SAFETY: per the contract.
    ffi_guard_value((), || unsafe { free_boxed(list) })
}
