//! Cluster admin: the partitions with their leaders, replicas, offsets and
//! sizes (what `fluvio partition list` shows), the SPUs, and consumer lag.
//!
//! Each list is a snapshot the caller owns: read its entries with `_count`
//! and `_get`, free it with `_free`. An entry is a struct the library
//! allocates, valid (with its strings) until its list is freed; later
//! versions may add fields at its end, so never copy one by value or
//! allocate one. Any thread may read a list.

use std::ffi::{c_char, CString};

use super::client::fluvio_client;
use super::error::{ffi_guard, ffi_guard_value, fluvio_status, FfiError};
use super::runtime::block_on;
use super::util::{c_string, free_boxed, handle, list_item, optional_c_str, write_list};
use crate::protocol::sc::{PartitionResolution, SpuStatusResolution, SpuType};

/// A partition's state: one of `FLUVIO_PARTITION_STATUS_*`.
pub type fluvio_partition_status = u32;
/// No leader is serving it.
pub const FLUVIO_PARTITION_STATUS_OFFLINE: fluvio_partition_status = 0;
/// Its leader serves it.
pub const FLUVIO_PARTITION_STATUS_ONLINE: fluvio_partition_status = 1;
/// Its leader is offline.
pub const FLUVIO_PARTITION_STATUS_LEADER_OFFLINE: fluvio_partition_status = 2;
/// A new leader was elected and is taking over.
pub const FLUVIO_PARTITION_STATUS_ELECTION_LEADER_FOUND: fluvio_partition_status = 3;
/// Its leader ran out of disk.
pub const FLUVIO_PARTITION_STATUS_OUT_OF_STORAGE: fluvio_partition_status = 4;

/// One partition, from `fluvio_partition_list_get`.
#[repr(C)]
pub struct fluvio_partition_info {
    pub topic: *const c_char,
    pub partition: u32,
    /// The SPU id of its leader.
    pub leader: i32,
    /// The SPU ids of its replicas, leader first: `replica_count` of them.
    pub replicas: *const i32,
    pub replica_count: usize,
    /// Followers whose log ends where the leader's does (0 without followers).
    pub in_sync_followers: u32,
    /// `FLUVIO_PARTITION_STATUS_*`.
    pub status: fluvio_partition_status,
    /// The offset the next record gets.
    pub log_end_offset: i64,
    /// The offset up to which records are committed (what consumers see).
    pub high_watermark: i64,
    /// The first offset still stored (retention removes older ones); a real
    /// SC may report 0 here whatever was removed.
    pub log_start_offset: i64,
    /// Bytes on disk; -1 when the SPU could not tell.
    pub size: i64,
    /// Whether the partition is being deleted with its topic.
    pub deleting: bool,
}

struct ListedPartition {
    info: fluvio_partition_info,
    _topic: CString,
    _replicas: Vec<i32>,
}

/// Partitions from `fluvio_partition_list`; freed by `fluvio_partition_list_free`.
pub struct fluvio_partition_list {
    partitions: Vec<ListedPartition>,
}

/// An SPU's state: one of `FLUVIO_SPU_STATUS_*`.
pub type fluvio_spu_status = u32;
/// Connected to the SC and serving.
pub const FLUVIO_SPU_STATUS_ONLINE: fluvio_spu_status = 0;
/// Not heard from (a real SC says so after 90 s of silence).
pub const FLUVIO_SPU_STATUS_OFFLINE: fluvio_spu_status = 1;
/// Registered, not yet seen.
pub const FLUVIO_SPU_STATUS_INIT: fluvio_spu_status = 2;

/// One SPU, from `fluvio_spu_list_get`.
#[repr(C)]
pub struct fluvio_spu_info {
    /// The id partitions name as their leader.
    pub id: i32,
    pub name: *const c_char,
    /// Where clients reach it, `host:port`.
    pub public_endpoint: *const c_char,
    /// Where other SPUs reach it, `host:port`.
    pub private_endpoint: *const c_char,
    /// Its rack, or NULL.
    pub rack: *const c_char,
    /// `FLUVIO_SPU_STATUS_*`.
    pub status: fluvio_spu_status,
    /// Registered by hand (true; e.g. `fluvio cluster start --local`) or
    /// managed by the cluster (false; e.g. an SPU group on Kubernetes).
    pub custom: bool,
}

struct ListedSpu {
    info: fluvio_spu_info,
    _strings: [CString; 3],
    _rack: Option<CString>,
}

/// SPUs from `fluvio_spu_list`; freed by `fluvio_spu_list_free`.
pub struct fluvio_spu_list {
    spus: Vec<ListedSpu>,
}

/// A consumer's lag in one partition, from `fluvio_consumer_lag_list_get`.
#[repr(C)]
pub struct fluvio_consumer_lag {
    pub consumer_id: *const c_char,
    pub topic: *const c_char,
    pub partition: u32,
    /// The offset of the last record the consumer committed.
    pub offset: i64,
    /// The partition's high watermark, as its leader reports it now; -1
    /// when the partition no longer exists.
    pub high_watermark: i64,
    /// Records the consumer has yet to commit: `high_watermark - (offset + 1)`
    /// (never below 0); -1 when the partition no longer exists.
    pub lag: i64,
    /// When the offset was last committed, in seconds since the Unix epoch.
    pub modified_time: u64,
}

struct ListedLag {
    info: fluvio_consumer_lag,
    _strings: [CString; 2],
}

/// Lags from `fluvio_consumer_lag_list`; freed by `fluvio_consumer_lag_list_free`.
pub struct fluvio_consumer_lag_list {
    lags: Vec<ListedLag>,
}

// SAFETY: the info structs' pointers point into the strings and vectors
// beside them, which are never changed or freed before the entry; nothing
// is written through them, so reading from any thread is as safe as reading
// a `CString`.
unsafe impl Send for ListedPartition {}
// SAFETY: as for Send.
unsafe impl Sync for ListedPartition {}
// SAFETY: as for ListedPartition.
unsafe impl Send for ListedSpu {}
// SAFETY: as for ListedPartition.
unsafe impl Sync for ListedSpu {}
// SAFETY: as for ListedPartition.
unsafe impl Send for ListedLag {}
// SAFETY: as for ListedPartition.
unsafe impl Sync for ListedLag {}

fn partition_status(resolution: PartitionResolution) -> fluvio_partition_status {
    match resolution {
        PartitionResolution::Offline => FLUVIO_PARTITION_STATUS_OFFLINE,
        PartitionResolution::Online => FLUVIO_PARTITION_STATUS_ONLINE,
        PartitionResolution::LeaderOffline => FLUVIO_PARTITION_STATUS_LEADER_OFFLINE,
        PartitionResolution::ElectionLeaderFound => FLUVIO_PARTITION_STATUS_ELECTION_LEADER_FOUND,
        PartitionResolution::OutOfStorage => FLUVIO_PARTITION_STATUS_OUT_OF_STORAGE,
    }
}

fn spu_status(resolution: SpuStatusResolution) -> fluvio_spu_status {
    match resolution {
        SpuStatusResolution::Online => FLUVIO_SPU_STATUS_ONLINE,
        SpuStatusResolution::Offline => FLUVIO_SPU_STATUS_OFFLINE,
        SpuStatusResolution::Init => FLUVIO_SPU_STATUS_INIT,
    }
}

/// Lists the partitions of every (non-system) topic, or of `topic` (system
/// or not) when it is not NULL, ordered by topic and partition. On success
/// `*out` owns the list.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL `client` or `out`, an invalid
/// name), FLUVIO_ERR_TOPIC_NOT_FOUND, or a connection error.
///
/// # Safety
/// `client` must be a live client; `topic` NULL or a NUL-terminated string;
/// `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_partition_list(
    client: *mut fluvio_client,
    topic: *const c_char,
    out: *mut *mut fluvio_partition_list,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, topic) = unsafe { (handle(client, "client")?, optional_c_str(topic, "topic")?) };
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        let partitions = block_on(client.client.list_partitions(topic))??
            .into_iter()
            .map(|p| {
                let (spec, status) = (&p.metadata.spec, &p.metadata.status);
                let topic = c_string(&p.topic);
                let replicas = if spec.replicas.is_empty() { vec![spec.leader] } else { spec.replicas.clone() };
                let info = fluvio_partition_info {
                    topic: topic.as_ptr(),
                    partition: p.partition,
                    leader: spec.leader,
                    replicas: replicas.as_ptr(),
                    replica_count: replicas.len(),
                    in_sync_followers: status.lsr,
                    status: partition_status(status.resolution),
                    log_end_offset: status.leader.leo,
                    high_watermark: status.leader.hw,
                    log_start_offset: status.base_offset,
                    size: if status.size < 0 { -1 } else { status.size },
                    deleting: status.is_being_deleted,
                };
                ListedPartition { info, _topic: topic, _replicas: replicas }
            })
            .collect();
        // SAFETY: checked for NULL above.
        unsafe { write_list(out, fluvio_partition_list { partitions }) }
    })
}

/// Number of partitions in the list (0 if `list` is NULL).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_partition_list_count(list: *const fluvio_partition_list) -> usize {
    // SAFETY: NULL-checked; live per the contract.
    ffi_guard_value(0, || unsafe { list.as_ref() }.map_or(0, |l| l.partitions.len()))
}

/// Partition `index`, or NULL if `list` is NULL or `index` is out of range.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_partition_list_get(list: *const fluvio_partition_list, index: usize) -> *const fluvio_partition_info {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { list_item(list, index, |l| &l.partitions) }.map_or(std::ptr::null(), |p| &p.info)
    })
}

/// Frees a partition list. NULL is a no-op.
///
/// # Safety
/// `list` must be NULL or from `fluvio_partition_list`, and not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_partition_list_free(list: *mut fluvio_partition_list) {
    // SAFETY: per the contract.
    ffi_guard_value((), || unsafe { free_boxed(list) })
}

/// Lists the cluster's SPUs, ordered by id. On success `*out` owns the list.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments) or a connection error.
///
/// # Safety
/// `client` must be a live client; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_spu_list(client: *mut fluvio_client, out: *mut *mut fluvio_spu_list) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let client = unsafe { handle(client, "client")? };
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        let spus = block_on(client.client.list_spus())??
            .into_iter()
            .map(|spu| {
                let spec = &spu.spec;
                let private = &spec.private_endpoint;
                let strings = [c_string(&spu.name), c_string(&spec.public_address()), c_string(&format!("{}:{}", private.host, private.port))];
                let rack = spec.rack.as_deref().map(c_string);
                let info = fluvio_spu_info {
                    id: spec.id,
                    name: strings[0].as_ptr(),
                    public_endpoint: strings[1].as_ptr(),
                    private_endpoint: strings[2].as_ptr(),
                    rack: rack.as_ref().map_or(std::ptr::null(), |r| r.as_ptr()),
                    status: spu_status(spu.status.resolution),
                    custom: spec.spu_type == SpuType::Custom,
                };
                ListedSpu { info, _strings: strings, _rack: rack }
            })
            .collect();
        // SAFETY: checked for NULL above.
        unsafe { write_list(out, fluvio_spu_list { spus }) }
    })
}

/// Number of SPUs in the list (0 if `list` is NULL).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_spu_list_count(list: *const fluvio_spu_list) -> usize {
    // SAFETY: NULL-checked; live per the contract.
    ffi_guard_value(0, || unsafe { list.as_ref() }.map_or(0, |l| l.spus.len()))
}

/// SPU `index`, or NULL if `list` is NULL or `index` is out of range.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_spu_list_get(list: *const fluvio_spu_list, index: usize) -> *const fluvio_spu_info {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { list_item(list, index, |l| &l.spus) }.map_or(std::ptr::null(), |s| &s.info)
    })
}

/// Frees an SPU list. NULL is a no-op.
///
/// # Safety
/// `list` must be NULL or from `fluvio_spu_list`, and not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_spu_list_free(list: *mut fluvio_spu_list) {
    // SAFETY: per the contract.
    ffi_guard_value((), || unsafe { free_boxed(list) })
}

/// For every partition where `consumer_id` (NULL: any consumer) committed
/// an offset, optionally only in `topic` (NULL: any): the committed offset,
/// the partition's high watermark now, and the lag between them. One call
/// joins the stored offsets with each partition's leader's offsets. On
/// success `*out` owns the list.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL `client` or `out`, a filter
/// that is not UTF-8), FLUVIO_ERR_SERVER (e.g. the cluster keeps no consumer
/// offsets), or a connection error.
///
/// # Safety
/// `client` must be a live client; `consumer_id` and `topic` NULL or
/// NUL-terminated strings; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_lag_list(
    client: *mut fluvio_client,
    consumer_id: *const c_char,
    topic: *const c_char,
    out: *mut *mut fluvio_consumer_lag_list,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let client = unsafe { handle(client, "client")? };
        // SAFETY: per the contract.
        let (consumer_id, topic) = unsafe { (optional_c_str(consumer_id, "consumer_id")?, optional_c_str(topic, "topic")?) };
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        let lags = block_on(client.client.consumer_lags(consumer_id, topic))??
            .into_iter()
            .map(|lag| {
                let strings = [c_string(&lag.stored.consumer_id), c_string(&lag.stored.topic)];
                let info = fluvio_consumer_lag {
                    consumer_id: strings[0].as_ptr(),
                    topic: strings[1].as_ptr(),
                    partition: lag.stored.partition,
                    offset: lag.stored.offset,
                    high_watermark: lag.high_watermark,
                    lag: lag.lag,
                    modified_time: lag.stored.modified_time,
                };
                ListedLag { info, _strings: strings }
            })
            .collect();
        // SAFETY: checked for NULL above.
        unsafe { write_list(out, fluvio_consumer_lag_list { lags }) }
    })
}

/// Number of entries in the list (0 if `list` is NULL).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_lag_list_count(list: *const fluvio_consumer_lag_list) -> usize {
    // SAFETY: NULL-checked; live per the contract.
    ffi_guard_value(0, || unsafe { list.as_ref() }.map_or(0, |l| l.lags.len()))
}

/// Entry `index`, or NULL if `list` is NULL or `index` is out of range.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_lag_list_get(list: *const fluvio_consumer_lag_list, index: usize) -> *const fluvio_consumer_lag {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: per the contract.
        unsafe { list_item(list, index, |l| &l.lags) }.map_or(std::ptr::null(), |l| &l.info)
    })
}

/// Frees a lag list. NULL is a no-op.
///
/// # Safety
/// `list` must be NULL or from `fluvio_consumer_lag_list`, and not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_lag_list_free(list: *mut fluvio_consumer_lag_list) {
    // SAFETY: per the contract.
    ffi_guard_value((), || unsafe { free_boxed(list) })
}
