//! Golden tests for the SC (streaming controller) messages: our encoding must
//! be byte-identical with the official `fluvio-sc-schema` /
//! `fluvio-controlplane-metadata` 0.50.1 crates, and each side must decode the
//! other's bytes (see `common::golden`).
//!
//! Every helper below builds a matching `(ours, theirs)` pair. Helpers that
//! take a `version` leave the fields gated out at that version at their
//! default in *our* value (what a decoder fills in); the official value keeps
//! them, and its encoder must drop them just as ours does.

mod common;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::Duration;

use fluvio::protocol::error_code::{RequestKind, SmartModuleKind, SmartModuleRuntimeError, VarintBytes};
use fluvio::protocol::frame::{encode_request_frame, RequestHeader};
use fluvio::protocol::sc::*;
use fluvio::protocol::spu::ReplicaKey;
use fluvio::protocol::{Decode, DecodeError, Encode, ErrorCode, Version};

use fluvio_controlplane_metadata::partition as their_partition;
use fluvio_controlplane_metadata::spu as their_spu;
use fluvio_controlplane_metadata::topic as their_topic;
use fluvio_protocol::link::smartmodule as their_smartmodule;
use fluvio_protocol::link::ErrorCode as TheirErrorCode;
use fluvio_protocol::{Decoder as TheirDecoder, Encoder as TheirEncoder};
use fluvio_sc_schema::message as their_message;
use fluvio_sc_schema::objects as their_objects;
use fluvio_sc_schema::{AdminSpec, TryEncodableFrom};

use common::{doc_bytes, golden, golden_versions, hex, SC_VERSIONS};

/// Versions on both sides of every version gate in the specs and statuses
/// (1, 3, 4, 5, 6, 12, 13, 14, 16, 18), and the current one.
const SPEC_VERSIONS: [Version; 13] = [0, 1, 3, 4, 5, 6, 12, 13, 14, 16, 17, 18, 19];

/// A field gated at `min_version`: `value` from that version on, else the
/// default a decoder leaves in it.
fn since<T: Default>(version: Version, min_version: Version, value: T) -> T {
    if version >= min_version {
        value
    } else {
        T::default()
    }
}

/// Our encoding at v19 is the documented dump, and the pair is golden.
fn assert_doc_dump<O, T>(ours: &O, theirs: &T, expected: &str)
where
    O: Encode + Decode + PartialEq + Debug,
    T: TheirEncoder + TheirDecoder + Default,
{
    assert_eq!(hex(&ours.to_bytes(19)), hex(&doc_bytes(expected)), "documented dump differs");
    golden(ours, theirs, 19);
}

// ---------------------------------------------------------------------------
// Mirror configurations

fn remote_partition_mirror(v: Version, spu: i32) -> (PartitionMirrorConfig, their_partition::PartitionMirrorConfig) {
    let ours = RemotePartitionConfig {
        home_cluster: "home".into(),
        home_spu_key: format!("home-spu-{spu}"),
        home_spu_id: spu,
        home_spu_endpoint: format!("home.example:{}", 9000 + spu),
        target: since(v, 18, true),
    };
    let theirs = their_partition::RemotePartitionConfig {
        home_cluster: "home".into(),
        home_spu_key: format!("home-spu-{spu}"),
        home_spu_id: spu,
        home_spu_endpoint: format!("home.example:{}", 9000 + spu),
        target: true,
    };
    (PartitionMirrorConfig::Remote(ours), their_partition::PartitionMirrorConfig::Remote(theirs))
}

fn home_partition(v: Version, remote: &str) -> (HomePartitionConfig, their_partition::HomePartitionConfig) {
    let ours = HomePartitionConfig {
        remote_cluster: remote.into(),
        remote_replica: format!("{remote}-events-0"),
        source: since(v, 18, true),
    };
    let theirs = their_partition::HomePartitionConfig {
        remote_cluster: remote.into(),
        remote_replica: format!("{remote}-events-0"),
        source: true,
    };
    (ours, theirs)
}

fn home_partition_mirror(v: Version, remote: &str) -> (PartitionMirrorConfig, their_partition::PartitionMirrorConfig) {
    let (ours, theirs) = home_partition(v, remote);
    (PartitionMirrorConfig::Home(ours), their_partition::PartitionMirrorConfig::Home(theirs))
}

/// A home topic mirrored to two edge clusters.
fn home_mirror(v: Version) -> (MirrorConfig, their_topic::MirrorConfig) {
    let (edge1, their_edge1) = home_partition(v, "edge-1");
    let (edge2, their_edge2) = home_partition(v, "edge-2");
    let mut theirs = their_topic::HomeMirrorConfig::from(vec![their_edge1, their_edge2]);
    theirs.source = true;
    let ours = HomeMirrorConfig { partitions: vec![edge1, edge2], source: since(v, 18, true) };
    (MirrorConfig::Home(ours), their_topic::MirrorConfig::Home(theirs))
}

/// A remote topic fed by two home SPUs.
fn remote_mirror(v: Version) -> (MirrorConfig, their_topic::MirrorConfig) {
    let spus = [(5001, "spu-a"), (5002, "spu-b")];
    let ours = RemoteMirrorConfig {
        home_cluster: "home".into(),
        home_spus: spus
            .iter()
            .map(|(id, key)| SpuMirrorConfig { id: *id, key: key.to_string(), endpoint: format!("home:{id}") })
            .collect(),
        target: since(v, 18, true),
    };
    let theirs = their_topic::RemoteMirrorConfig {
        home_cluster: "home".into(),
        home_spus: spus
            .iter()
            .map(|(id, key)| their_topic::SpuMirrorConfig {
                id: *id,
                key: key.to_string(),
                endpoint: format!("home:{id}"),
            })
            .collect(),
        target: true,
    };
    (MirrorConfig::Remote(ours), their_topic::MirrorConfig::Remote(theirs))
}

// ---------------------------------------------------------------------------
// Topic

fn computed(partitions: u32, replication_factor: u32, ignore_rack: bool) -> (ReplicaSpec, their_topic::ReplicaSpec) {
    (
        ReplicaSpec::Computed(TopicReplicaParam {
            partitions,
            replication_factor,
            ignore_rack_assignment: ignore_rack,
        }),
        their_topic::ReplicaSpec::Computed(their_topic::TopicReplicaParam {
            partitions,
            replication_factor,
            ignore_rack_assignment: ignore_rack,
        }),
    )
}

/// Three assigned partitions; with `mirrored`, the first two carry a remote
/// and a home partition mirror.
fn assigned(v: Version, mirrored: bool) -> (ReplicaSpec, their_topic::ReplicaSpec) {
    let replicas = [vec![5001, 5002], vec![5002, 5001], vec![5003]];
    let mirrors = [Some(remote_partition_mirror(v, 5001)), Some(home_partition_mirror(v, "edge-1")), None];
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for (id, (replicas, mirror)) in replicas.into_iter().zip(mirrors).enumerate() {
        let mirror = mirror.filter(|_| mirrored);
        ours.push(PartitionMap {
            id: id as u32,
            replicas: replicas.clone(),
            mirror: since(v, 14, mirror.clone().map(|m| m.0)),
        });
        theirs.push(their_topic::PartitionMap { id: id as u32, replicas, mirror: mirror.map(|m| m.1) });
    }
    (ReplicaSpec::Assigned(ours), their_topic::ReplicaSpec::Assigned(theirs.into()))
}

fn mirror(config: (MirrorConfig, their_topic::MirrorConfig)) -> (ReplicaSpec, their_topic::ReplicaSpec) {
    (ReplicaSpec::Mirror(config.0), their_topic::ReplicaSpec::Mirror(config.1))
}

/// Every topic compression setting, tags 0 to 5.
fn compressions() -> Vec<(CompressionAlgorithm, their_topic::CompressionAlgorithm)> {
    use their_topic::CompressionAlgorithm as Their;
    vec![
        (CompressionAlgorithm::None, Their::None),
        (CompressionAlgorithm::Gzip, Their::Gzip),
        (CompressionAlgorithm::Snappy, Their::Snappy),
        (CompressionAlgorithm::Lz4, Their::Lz4),
        (CompressionAlgorithm::Any, Their::Any),
        (CompressionAlgorithm::Zstd, Their::Zstd),
    ]
}

/// `ours` with its official counterpart.
fn compression(ours: CompressionAlgorithm) -> (CompressionAlgorithm, their_topic::CompressionAlgorithm) {
    compressions().into_iter().find(|(c, _)| *c == ours).unwrap()
}

fn retention(seconds: u32) -> (CleanupPolicy, their_topic::CleanupPolicy) {
    (
        CleanupPolicy::Segment(SegmentBasedPolicy { time_in_seconds: seconds }),
        their_topic::CleanupPolicy::Segment(their_topic::SegmentBasedPolicy { time_in_seconds: seconds }),
    )
}

fn storage() -> (TopicStorageConfig, their_topic::TopicStorageConfig) {
    (
        TopicStorageConfig { segment_size: Some(1 << 20), max_partition_size: Some(10 << 30) },
        their_topic::TopicStorageConfig { segment_size: Some(1 << 20), max_partition_size: Some(10 << 30) },
    )
}

/// Deduplication by a SmartModule with two parameters and a 90.5 s age bound.
fn deduplication() -> (Deduplication, their_topic::Deduplication) {
    let with: BTreeMap<String, String> =
        [("key", "id"), ("window", "large")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
    let age = Some(Duration::from_millis(90_500));
    let uses = "fluvio/dedup-filter@0.1.0".to_string();
    (
        Deduplication {
            bounds: DeduplicationBounds { count: 1000, age },
            filter: DeduplicationFilter {
                transform: DeduplicationTransform { uses: uses.clone(), with: with.clone() },
            },
        },
        their_topic::Deduplication {
            bounds: their_topic::Bounds { count: 1000, age },
            filter: their_topic::Filter { transform: their_topic::Transform { uses, with } },
        },
    )
}

/// A topic spec with only its replicas set.
fn plain_topic(replicas: (ReplicaSpec, their_topic::ReplicaSpec)) -> (TopicSpec, their_topic::TopicSpec) {
    (TopicSpec { replicas: replicas.0, ..TopicSpec::default() }, their_topic::TopicSpec::from(replicas.1))
}

/// A topic spec with every optional setting: retention, storage,
/// `compression`, deduplication, and the system flag.
fn full_topic(
    v: Version,
    replicas: (ReplicaSpec, their_topic::ReplicaSpec),
    compression: (CompressionAlgorithm, their_topic::CompressionAlgorithm),
) -> (TopicSpec, their_topic::TopicSpec) {
    let (cleanup, their_cleanup) = retention(7200);
    let (storage, their_storage) = storage();
    let (dedup, their_dedup) = deduplication();
    let ours = TopicSpec {
        replicas: replicas.0,
        cleanup_policy: since(v, 3, Some(cleanup)),
        storage: since(v, 4, Some(storage)),
        compression_type: since(v, 6, compression.0),
        deduplication: since(v, 12, Some(dedup)),
        system: since(v, 13, true),
    };
    let mut theirs = their_topic::TopicSpec::from(replicas.1);
    theirs.set_cleanup_policy(their_cleanup);
    theirs.set_storage(their_storage);
    theirs.set_compression_type(compression.1);
    theirs.set_deduplication(Some(their_dedup));
    theirs.set_system(true);
    (ours, theirs)
}

fn topic_resolutions() -> Vec<(TopicResolution, their_topic::TopicResolution)> {
    use their_topic::TopicResolution as Their;
    vec![
        (TopicResolution::Init, Their::Init),
        (TopicResolution::Pending, Their::Pending),
        (TopicResolution::InsufficientResources, Their::InsufficientResources),
        (TopicResolution::InvalidConfig, Their::InvalidConfig),
        (TopicResolution::Provisioned, Their::Provisioned),
        (TopicResolution::Deleting, Their::Deleting),
    ]
}

/// Two partitions' replicas, mirrored to home and to an edge cluster.
fn topic_status(
    v: Version,
    resolution: (TopicResolution, their_topic::TopicResolution),
) -> (TopicStatus, their_topic::TopicStatus) {
    let replica_map: BTreeMap<u32, Vec<i32>> = [(0, vec![5001, 5002]), (1, vec![5002, 5001])].into();
    let (remote, their_remote) = remote_partition_mirror(v, 5001);
    let (home, their_home) = home_partition_mirror(v, "edge-1");
    let ours = TopicStatus {
        resolution: resolution.0,
        replica_map: replica_map.clone(),
        mirror_map: since(v, 14, [(0, remote), (1, home)].into()),
        reason: "all partitions online".into(),
    };
    let theirs = their_topic::TopicStatus {
        resolution: resolution.1,
        replica_map,
        mirror_map: [(0, their_remote), (1, their_home)].into(),
        reason: "all partitions online".into(),
    };
    (ours, theirs)
}

// ---------------------------------------------------------------------------
// Partition

fn partition_spec(v: Version) -> (PartitionSpec, their_partition::PartitionSpec) {
    let (cleanup, their_cleanup) = retention(3600);
    let (storage, their_storage) = storage();
    let (dedup, their_dedup) = deduplication();
    let (mirror, their_mirror) = remote_partition_mirror(v, 5002);
    let ours = PartitionSpec {
        leader: 5002,
        replicas: vec![5002, 5001, 5003],
        cleanup_policy: since(v, 4, Some(cleanup)),
        storage: since(v, 4, Some(storage)),
        compression_type: since(v, 6, CompressionAlgorithm::Zstd),
        deduplication: since(v, 12, Some(dedup)),
        system: since(v, 13, true),
        mirror: since(v, 14, Some(mirror)),
    };
    let theirs = their_partition::PartitionSpec {
        leader: 5002,
        replicas: vec![5002, 5001, 5003],
        cleanup_policy: Some(their_cleanup),
        storage: Some(their_storage),
        compression_type: their_topic::CompressionAlgorithm::Zstd,
        deduplication: Some(their_dedup),
        system: true,
        mirror: Some(their_mirror),
    };
    (ours, theirs)
}

/// The partition spec the official SC writes for a plain topic: leader and replicas only.
fn plain_partition_spec(leader: i32) -> (PartitionSpec, their_partition::PartitionSpec) {
    (
        PartitionSpec { leader, replicas: vec![leader], ..PartitionSpec::default() },
        their_partition::PartitionSpec::new(leader, vec![leader]),
    )
}

fn partition_resolutions() -> Vec<(PartitionResolution, their_partition::PartitionResolution)> {
    use their_partition::PartitionResolution as Their;
    vec![
        (PartitionResolution::Offline, Their::Offline),
        (PartitionResolution::Online, Their::Online),
        (PartitionResolution::LeaderOffline, Their::LeaderOffline),
        (PartitionResolution::ElectionLeaderFound, Their::ElectionLeaderFound),
        (PartitionResolution::OutOfStorage, Their::OutOfStorage),
    ]
}

fn replica(spu: i32, hw: i64, leo: i64) -> (ReplicaStatus, their_partition::ReplicaStatus) {
    (ReplicaStatus { spu, hw, leo }, their_partition::ReplicaStatus { spu, hw, leo })
}

/// A leader with two followers, 1 MiB on disk, being deleted, base offset 100.
fn partition_status(
    v: Version,
    resolution: (PartitionResolution, their_partition::PartitionResolution),
) -> (PartitionStatus, their_partition::PartitionStatus) {
    let (leader, their_leader) = replica(5002, 120, 125);
    let (followers, their_followers): (Vec<_>, Vec<_>) =
        [replica(5001, 118, 125), replica(5003, 120, 125)].into_iter().unzip();
    let ours = PartitionStatus {
        resolution: resolution.0,
        leader,
        lsr: 2,
        replicas: followers,
        size: since(v, 5, 1 << 20),
        is_being_deleted: true,
        base_offset: since(v, 16, 100),
    };
    let theirs = their_partition::PartitionStatus {
        resolution: resolution.1,
        leader: their_leader,
        lsr: 2,
        replicas: their_followers,
        size: 1 << 20,
        is_being_deleted: true,
        base_offset: 100,
    };
    (ours, theirs)
}

// ---------------------------------------------------------------------------
// SPU

fn endpoint(port: u16, host: &str, ssl: bool) -> (Endpoint, their_spu::Endpoint) {
    let (ours, theirs) = encryption(ssl);
    (
        Endpoint { port, host: host.into(), encryption: ours },
        their_spu::Endpoint { port, host: host.into(), encryption: theirs },
    )
}

fn encryption(ssl: bool) -> (Encryption, their_spu::EncryptionEnum) {
    if ssl {
        (Encryption::Ssl, their_spu::EncryptionEnum::SSL)
    } else {
        (Encryption::Plaintext, their_spu::EncryptionEnum::PLAINTEXT)
    }
}

/// A custom SPU with everything set: two ingress addresses (a hostname, an
/// ip), SSL, a rack, and a local public endpoint.
fn custom_spu_spec(v: Version, id: i32) -> (SpuSpec, their_spu::SpuSpec) {
    let ingress = [(Some(format!("spu-{id}.example")), None), (None, Some("10.0.0.5".to_string()))];
    let (private, their_private) = endpoint(9011, &format!("spu-{id}.internal"), false);
    let (local, their_local) = endpoint(19010, "127.0.0.1", false);
    let (ssl, their_ssl) = encryption(true);
    let ours = SpuSpec {
        id,
        spu_type: SpuType::Custom,
        public_endpoint: IngressPort {
            port: 9010,
            ingress: ingress
                .iter()
                .map(|(hostname, ip)| IngressAddr { hostname: hostname.clone(), ip: ip.clone() })
                .collect(),
            encryption: ssl,
        },
        private_endpoint: private,
        rack: Some("rack-a".into()),
        public_endpoint_local: since(v, 1, Some(local)),
    };
    let theirs = their_spu::SpuSpec {
        id,
        spu_type: their_spu::SpuType::Custom,
        public_endpoint: their_spu::IngressPort {
            port: 9010,
            ingress: ingress
                .iter()
                .map(|(hostname, ip)| their_spu::IngressAddr { hostname: hostname.clone(), ip: ip.clone() })
                .collect(),
            encryption: their_ssl,
        },
        private_endpoint: their_private,
        rack: Some("rack-a".into()),
        public_endpoint_local: Some(their_local),
    };
    (ours, theirs)
}

/// A managed SPU as the local cluster registers it: one ingress hostname, no rack.
fn managed_spu_spec(id: i32, port: u16) -> (SpuSpec, their_spu::SpuSpec) {
    let (private, their_private) = endpoint(port + 1, "127.0.0.1", false);
    let ours = SpuSpec {
        id,
        spu_type: SpuType::Managed,
        public_endpoint: IngressPort {
            port,
            ingress: vec![IngressAddr { hostname: Some("localhost".into()), ip: None }],
            encryption: Encryption::Plaintext,
        },
        private_endpoint: private,
        rack: None,
        public_endpoint_local: None,
    };
    let theirs = their_spu::SpuSpec {
        id,
        spu_type: their_spu::SpuType::Managed,
        public_endpoint: their_spu::IngressPort {
            port,
            ingress: vec![their_spu::IngressAddr::from_host("localhost".into())],
            encryption: their_spu::EncryptionEnum::PLAINTEXT,
        },
        private_endpoint: their_private,
        rack: None,
        public_endpoint_local: None,
    };
    (ours, theirs)
}

fn spu_status(resolution: SpuStatusResolution) -> (SpuStatus, their_spu::SpuStatus) {
    use their_spu::SpuStatusResolution as Their;
    let theirs = match resolution {
        SpuStatusResolution::Online => Their::Online,
        SpuStatusResolution::Offline => Their::Offline,
        SpuStatusResolution::Init => Their::Init,
    };
    (SpuStatus { resolution }, their_spu::SpuStatus { resolution: theirs })
}

// ---------------------------------------------------------------------------
// Metadata objects, as listed and watched

type MetadataPair<S, T> = (Metadata<S>, their_objects::Metadata<T>);

fn metadata<S, T>(name: &str, spec: (S, T), status: (S::Status, T::Status)) -> MetadataPair<S, T>
where
    S: Spec,
    T: AdminSpec,
    T::Status: TheirEncoder + TheirDecoder,
{
    (
        Metadata { name: name.into(), spec: spec.0, status: status.0 },
        their_objects::Metadata { name: name.into(), spec: spec.1, status: status.1 },
    )
}

fn topic_objects(v: Version) -> Vec<MetadataPair<TopicSpec, their_topic::TopicSpec>> {
    let provisioned = || topic_status(v, (TopicResolution::Provisioned, their_topic::TopicResolution::Provisioned));
    vec![
        metadata("events", full_topic(v, computed(2, 2, true), compression(CompressionAlgorithm::Zstd)), provisioned()),
        metadata("mirror-home", plain_topic(mirror(home_mirror(v))), provisioned()),
        metadata(
            "t",
            plain_topic(assigned(v, true)),
            topic_status(v, (TopicResolution::Pending, their_topic::TopicResolution::Pending)),
        ),
    ]
}

fn partition_objects(v: Version) -> Vec<MetadataPair<PartitionSpec, their_partition::PartitionSpec>> {
    let online = || (PartitionResolution::Online, their_partition::PartitionResolution::Online);
    let leader_offline = (PartitionResolution::LeaderOffline, their_partition::PartitionResolution::LeaderOffline);
    vec![
        metadata("events-0", partition_spec(v), partition_status(v, online())),
        metadata("events-1", plain_partition_spec(5001), partition_status(v, online())),
        metadata("t-0", plain_partition_spec(5003), partition_status(v, leader_offline)),
    ]
}

fn spu_objects(v: Version) -> Vec<MetadataPair<SpuSpec, their_spu::SpuSpec>> {
    vec![
        metadata("5001", managed_spu_spec(5001, 9010), spu_status(SpuStatusResolution::Online)),
        metadata("5002", managed_spu_spec(5002, 9020), spu_status(SpuStatusResolution::Offline)),
        metadata("custom-5003", custom_spu_spec(v, 5003), spu_status(SpuStatusResolution::Init)),
    ]
}

// ---------------------------------------------------------------------------
// ObjectApi envelopes (the official ones only come from `try_encode_from`)

fn their_list_response<T>(objects: Vec<their_objects::Metadata<T>>, v: Version) -> their_objects::ObjectApiListResponse
where
    T: AdminSpec,
    T::Status: TheirEncoder + TheirDecoder + Debug,
{
    their_objects::ObjectApiListResponse::try_encode_from(their_objects::ListResponse::<T>::new(objects), v).unwrap()
}

fn their_watch_response<T>(
    update: their_objects::MetadataUpdate<T>,
    v: Version,
) -> their_objects::ObjectApiWatchResponse
where
    T: AdminSpec,
    T::Status: TheirEncoder + TheirDecoder + Debug,
{
    their_objects::ObjectApiWatchResponse::try_encode_from(their_objects::WatchResponse::new(update), v).unwrap()
}

fn their_list_request<T: AdminSpec>(
    filters: &[&str],
    summary: bool,
    system: bool,
    v: Version,
) -> their_objects::ObjectApiListRequest {
    let filters: Vec<their_objects::ListFilter> = filters.iter().map(|f| f.to_string().into()).collect();
    let request = their_objects::ListRequest::<T>::new(filters, summary).system(system);
    their_objects::ObjectApiListRequest::try_encode_from(request, v).unwrap()
}

fn our_list_request(filters: &[&str], summary: bool, system: bool) -> ListRequest {
    let name_filters = filters.iter().map(|f| ListFilter { name: f.to_string() }).collect();
    ListRequest { name_filters, summary, system }
}

fn their_watch_request<T: AdminSpec>(summary: bool, v: Version) -> their_objects::ObjectApiWatchRequest {
    let request = if summary { their_objects::WatchRequest::<T>::summary() } else { Default::default() };
    their_objects::ObjectApiWatchRequest::try_encode_from(request, v).unwrap()
}

fn create_topic(
    v: Version,
    name: &str,
    dry_run: bool,
    timeout: Option<u32>,
    spec: (TopicSpec, their_topic::TopicSpec),
) -> (ObjectApiCreateRequest, their_objects::ObjectApiCreateRequest) {
    let ours = TopicCreateRequest {
        common: CommonCreateRequest { name: name.into(), dry_run, timeout: since(v, 7, timeout) },
        request: spec.0,
    };
    let common = their_objects::CommonCreateRequest { name: name.into(), dry_run, timeout };
    let theirs = their_objects::CreateRequest::new(common, spec.1);
    (ObjectApiCreateRequest::Topic(ours), their_objects::ObjectApiCreateRequest::try_encode_from(theirs, v).unwrap())
}

fn delete_topic(
    v: Version,
    name: &str,
    force: bool,
) -> (ObjectApiDeleteRequest, their_objects::ObjectApiDeleteRequest) {
    let theirs = their_objects::DeleteRequest::<their_topic::TopicSpec>::with(name.into(), force);
    (
        ObjectApiDeleteRequest::Topic(DeleteRequest { key: name.into(), force: since(v, 13, force) }),
        their_objects::ObjectApiDeleteRequest::try_encode_from(theirs, v).unwrap(),
    )
}

fn add_partitions(v: Version, name: &str, count: u32) -> (ObjectApiUpdateRequest, their_objects::ObjectApiUpdateRequest) {
    let action = their_topic::UpdateTopicAction::AddPartition(their_topic::AddPartition { count });
    let theirs = their_objects::UpdateRequest::<their_topic::TopicSpec>::new(name.into(), action);
    let ours = TopicUpdateRequest { key: name.into(), action: UpdateTopicAction::AddPartition(AddPartition { count }) };
    (ObjectApiUpdateRequest::Topic(ours), their_objects::ObjectApiUpdateRequest::try_encode_from(theirs, v).unwrap())
}

fn add_mirror(v: Version, name: &str, remote: &str, home: bool) -> (ObjectApiUpdateRequest, their_objects::ObjectApiUpdateRequest) {
    let action = their_topic::UpdateTopicAction::AddMirror(their_topic::AddMirror { remote_cluster: remote.into(), home_to_mirror: home });
    let theirs = their_objects::UpdateRequest::<their_topic::TopicSpec>::new(name.into(), action);
    let action = UpdateTopicAction::AddMirror(AddMirror { remote_cluster: remote.into(), home_to_mirror: home });
    let ours = TopicUpdateRequest { key: name.into(), action };
    (ObjectApiUpdateRequest::Topic(ours), their_objects::ObjectApiUpdateRequest::try_encode_from(theirs, v).unwrap())
}

fn msg_type(delete: bool) -> (MsgType, their_message::MsgType) {
    if delete {
        (MsgType::Delete, their_message::MsgType::DELETE)
    } else {
        (MsgType::Update, their_message::MsgType::UPDATE)
    }
}

type UpdatePair<S, T> = (MetadataUpdate<S>, their_objects::MetadataUpdate<T>);

/// A watch frame: `changes` (each flagged as a delete or not) and `all`.
fn update<S, T>(epoch: i64, changes: Vec<(bool, MetadataPair<S, T>)>, all: Vec<MetadataPair<S, T>>) -> UpdatePair<S, T>
where
    S: Spec,
    T: AdminSpec,
    T::Status: TheirEncoder + TheirDecoder + Debug,
{
    let (changes, their_changes) = changes
        .into_iter()
        .map(|(delete, (content, their_content))| {
            let (header, their_header) = msg_type(delete);
            (Message { header, content }, their_message::Message::new(their_header, their_content))
        })
        .unzip();
    let (all, their_all) = all.into_iter().unzip();
    (
        MetadataUpdate { epoch, changes, all },
        their_objects::MetadataUpdate { epoch, changes: their_changes, all: their_all },
    )
}

/// The frames the official SC sends on a watch: a snapshot of every object,
/// a batch of changes (an update, then a delete), and an empty snapshot.
fn watch_frames<S, T>(objects: Vec<MetadataPair<S, T>>) -> Vec<UpdatePair<S, T>>
where
    S: Spec,
    T: AdminSpec,
    T::Status: TheirEncoder + TheirDecoder + Debug,
    their_objects::Metadata<T>: Clone,
{
    let [a, b, c]: [MetadataPair<S, T>; 3] = objects.try_into().unwrap_or_else(|_| panic!("three objects"));
    vec![
        update(7, vec![], vec![a.clone(), b]),
        update(8, vec![(false, c), (true, a)], vec![]),
        update(9, vec![], vec![]),
    ]
}

// ---------------------------------------------------------------------------
// Tests: statuses and error codes

fn status(name: &str, code: (ErrorCode, TheirErrorCode), message: Option<&str>) -> (Status, fluvio_sc_schema::Status) {
    let message = message.map(str::to_string);
    (
        Status { name: name.into(), error_code: code.0, error_message: message.clone() },
        fluvio_sc_schema::Status::new(name.into(), code.1, message),
    )
}

/// Error codes with every kind of payload, and some without.
fn error_codes() -> Vec<(ErrorCode, TheirErrorCode)> {
    let key = Some(b"k1".to_vec());
    let value = b"not json".to_vec();
    let runtime = |kind: SmartModuleKind, their_kind: their_smartmodule::SmartModuleKind, key: Option<Vec<u8>>| {
        (
            ErrorCode::SmartModuleRuntimeError(Box::new(SmartModuleRuntimeError {
                hint: "invalid json".into(),
                offset: 42,
                kind,
                record_key: key.clone().map(VarintBytes),
                record_value: VarintBytes(value.clone()),
            })),
            TheirErrorCode::SmartModuleRuntimeError(Box::new(their_smartmodule::SmartModuleTransformRuntimeError {
                hint: "invalid json".into(),
                offset: 42,
                kind: their_kind,
                record_key: key.map(Into::into),
                record_value: value.clone().into(),
            })),
        )
    };
    vec![
        (ErrorCode::None, TheirErrorCode::None),
        (ErrorCode::UnknownServerError, TheirErrorCode::UnknownServerError),
        (ErrorCode::TopicNotFound, TheirErrorCode::TopicNotFound),
        (ErrorCode::TopicAlreadyExists, TheirErrorCode::TopicAlreadyExists),
        (ErrorCode::TopicInvalidName, TheirErrorCode::TopicInvalidName),
        (ErrorCode::MirrorProduceFromRemoteNotAllowed, TheirErrorCode::MirrorProduceFromRemoteNotAllowed),
        (ErrorCode::Other("disk on fire".into()), TheirErrorCode::Other("disk on fire".into())),
        (
            ErrorCode::RequestTimedOut { timeout_ms: 1500, kind: RequestKind::Produce },
            TheirErrorCode::RequestTimedOut { timeout_ms: 1500, kind: fluvio_protocol::api::RequestKind::Produce },
        ),
        (
            ErrorCode::OffsetEvicted { offset: 5, next_available: 7 },
            TheirErrorCode::OffsetEvicted { offset: 5, next_available: 7 },
        ),
        (
            ErrorCode::PartitionFull { replica_key: ReplicaKey { topic: "events".into(), partition: 3 } },
            TheirErrorCode::PartitionFull { replica_key: fluvio_protocol::record::ReplicaKey::new("events", 3u32) },
        ),
        (
            ErrorCode::SmartModuleInvalid { error: "bad wasm".into(), name: Some("my-filter".into()) },
            TheirErrorCode::SmartModuleInvalid { error: "bad wasm".into(), name: Some("my-filter".into()) },
        ),
        (
            ErrorCode::SmartModuleInvalid { error: "bad wasm".into(), name: None },
            TheirErrorCode::SmartModuleInvalid { error: "bad wasm".into(), name: None },
        ),
        (
            ErrorCode::SmartModuleNotFound { name: "my-map".into() },
            TheirErrorCode::SmartModuleNotFound { name: "my-map".into() },
        ),
        (
            ErrorCode::SmartModuleMemoryLimitExceeded { requested: 1 << 30, max: 1 << 24 },
            TheirErrorCode::SmartModuleMemoryLimitExceeded { requested: 1 << 30, max: 1 << 24 },
        ),
        (
            ErrorCode::SystemSpecDeletionAttempt { kind: "topic".into(), name: "consumer-offset".into() },
            TheirErrorCode::SystemSpecDeletionAttempt { kind: "topic".into(), name: "consumer-offset".into() },
        ),
        (
            ErrorCode::SystemSpecUpdatingAttempt { kind: "topic".into(), name: "consumer-offset".into() },
            TheirErrorCode::SystemSpecUpdatingAttempt { kind: "topic".into(), name: "consumer-offset".into() },
        ),
        runtime(SmartModuleKind::Map, their_smartmodule::SmartModuleKind::Map, key.clone()),
        runtime(SmartModuleKind::Generic, their_smartmodule::SmartModuleKind::Generic, None),
    ]
}

#[test]
fn error_codes_with_payloads_match() {
    for (ours, theirs) in error_codes() {
        golden(&ours, &theirs, 19);
    }
    // The documented examples.
    assert_eq!(hex(&ErrorCode::Other("x".into()).to_bytes(19)), "00 02 00 01 78");
    assert_eq!(hex(&ErrorCode::TopicNotFound.to_bytes(19)), "07 d1");
}

#[test]
fn unknown_error_code_tag_fails_both_decoders() {
    // Status "t" with error code 4242, which neither side defines.
    let bytes = doc_bytes("00 01 74 | 10 92 | 00");
    assert!(matches!(Status::from_bytes(&bytes, 19), Err(DecodeError::UnknownTag { ty: "ErrorCode", tag: 4242 })));
    assert!(fluvio_sc_schema::Status::decode_from(&mut std::io::Cursor::new(&bytes), 19).is_err());
    // A topic spec whose replica kind (3) is unknown.
    assert!(matches!(TopicSpec::from_bytes(&[3], 19), Err(DecodeError::UnknownTag { .. })));
    assert!(their_topic::TopicSpec::decode_from(&mut std::io::Cursor::new(&[3u8]), 19).is_err());
}

#[test]
fn statuses_match() {
    golden_versions(SC_VERSIONS, |_| status("t", (ErrorCode::None, TheirErrorCode::None), None));
    let exists = (ErrorCode::TopicAlreadyExists, TheirErrorCode::TopicAlreadyExists);
    golden_versions(SC_VERSIONS, |_| status("t", exists.clone(), Some("Topic 't' already exists")));
    let system = (
        ErrorCode::SystemSpecDeletionAttempt { kind: "topic".into(), name: "consumer-offset".into() },
        TheirErrorCode::SystemSpecDeletionAttempt { kind: "topic".into(), name: "consumer-offset".into() },
    );
    golden_versions(SC_VERSIONS, |_| status("consumer-offset", system.clone(), Some("use --system")));
    let other = (ErrorCode::Other("oops".into()), TheirErrorCode::Other("oops".into()));
    golden_versions(SC_VERSIONS, |_| status("", other.clone(), None));

    // §7.1
    let (ok, their_ok) = status("t", (ErrorCode::None, TheirErrorCode::None), None);
    assert_doc_dump(&ok, &their_ok, "00 01 74 00 00 00");
    let (exists, their_exists) = status("t", exists, Some("exists"));
    assert_doc_dump(&exists, &their_exists, "00 01 74 07 d2 01 00 06 65 78 69 73 74 73");
}

// ---------------------------------------------------------------------------
// Tests: specs and statuses at every version

#[test]
fn computed_topic_specs_match_at_all_versions() {
    golden_versions(SPEC_VERSIONS, |_| plain_topic(computed(1, 1, false)));
    golden_versions(SPEC_VERSIONS, |v| full_topic(v, computed(3, 2, true), compression(CompressionAlgorithm::Lz4)));
}

#[test]
fn every_topic_compression_matches_at_all_versions() {
    for compression in compressions() {
        golden_versions(SPEC_VERSIONS, |v| full_topic(v, computed(1, 1, false), compression.clone()));
    }
}

#[test]
fn assigned_topic_specs_match_at_all_versions() {
    golden_versions(SPEC_VERSIONS, |v| plain_topic(assigned(v, false)));
    golden_versions(SPEC_VERSIONS, |v| plain_topic(assigned(v, true)));
    golden_versions(SPEC_VERSIONS, |v| full_topic(v, assigned(v, true), compression(CompressionAlgorithm::Gzip)));
}

#[test]
fn mirror_topic_specs_match_at_all_versions() {
    golden_versions(SPEC_VERSIONS, |v| plain_topic(mirror(home_mirror(v))));
    golden_versions(SPEC_VERSIONS, |v| plain_topic(mirror(remote_mirror(v))));
    golden_versions(SPEC_VERSIONS, |v| {
        full_topic(v, mirror(remote_mirror(v)), compression(CompressionAlgorithm::Snappy))
    });
}

#[test]
fn topic_spec_retention_and_storage_alone_match() {
    // Each optional setting on its own, the rest left at the defaults.
    golden_versions(SPEC_VERSIONS, |v| {
        let (mut ours, mut theirs) = plain_topic(computed(4, 1, false));
        let (cleanup, their_cleanup) = retention(86_400);
        ours.cleanup_policy = since(v, 3, Some(cleanup));
        theirs.set_cleanup_policy(their_cleanup);
        (ours, theirs)
    });
    golden_versions(SPEC_VERSIONS, |v| {
        let (mut ours, mut theirs) = plain_topic(computed(4, 1, false));
        let config = (Some(4096), None);
        ours.storage = since(v, 4, Some(TopicStorageConfig { segment_size: config.0, max_partition_size: config.1 }));
        theirs.set_storage(their_topic::TopicStorageConfig { segment_size: config.0, max_partition_size: config.1 });
        (ours, theirs)
    });
}

#[test]
fn topic_statuses_match_at_all_versions() {
    for resolution in topic_resolutions() {
        golden_versions(SPEC_VERSIONS, |v| topic_status(v, resolution.clone()));
    }
    golden_versions(SPEC_VERSIONS, |_| (TopicStatus::default(), their_topic::TopicStatus::default()));
}

#[test]
fn partition_specs_and_statuses_match_at_all_versions() {
    golden_versions(SPEC_VERSIONS, partition_spec);
    golden_versions(SPEC_VERSIONS, |_| plain_partition_spec(5001));
    golden_versions(SPEC_VERSIONS, |v| {
        let (mut ours, mut theirs) = partition_spec(v);
        let (home, their_home) = home_partition_mirror(v, "edge-2");
        ours.mirror = since(v, 14, Some(home));
        theirs.mirror = Some(their_home);
        (ours, theirs)
    });
    for resolution in partition_resolutions() {
        golden_versions(SPEC_VERSIONS, |v| partition_status(v, resolution.clone()));
    }
}

#[test]
fn spu_specs_and_statuses_match_at_all_versions() {
    golden_versions(SPEC_VERSIONS, |v| custom_spu_spec(v, 5003));
    golden_versions(SPEC_VERSIONS, |_| managed_spu_spec(5001, 9010));
    // No ingress address at all: clients then connect to ":port".
    golden_versions(SPEC_VERSIONS, |_| {
        let (mut ours, mut theirs) = managed_spu_spec(5002, 9020);
        ours.public_endpoint.ingress.clear();
        theirs.public_endpoint.ingress.clear();
        (ours, theirs)
    });
    for resolution in [SpuStatusResolution::Online, SpuStatusResolution::Offline, SpuStatusResolution::Init] {
        golden_versions(SPEC_VERSIONS, |_| spu_status(resolution));
    }
}

#[test]
fn documented_topic_spec_dumps() {
    // §7.6
    let (ours, theirs) = plain_topic(computed(2, 1, false));
    assert_doc_dump(&ours, &theirs, "01 00 00 00 02 00 00 00 01 00 | 00 | 00 | 04 | 00 | 00");
    let (mut ours, mut theirs) = plain_topic(computed(3, 1, true));
    let (cleanup, their_cleanup) = retention(3600);
    ours.cleanup_policy = Some(cleanup);
    theirs.set_cleanup_policy(their_cleanup);
    ours.storage = Some(TopicStorageConfig { segment_size: Some(1024), max_partition_size: Some(1 << 30) });
    theirs.set_storage(their_topic::TopicStorageConfig { segment_size: Some(1024), max_partition_size: Some(1 << 30) });
    ours.compression_type = CompressionAlgorithm::Lz4;
    theirs.set_compression_type(their_topic::CompressionAlgorithm::Lz4);
    assert_doc_dump(
        &ours,
        &theirs,
        "01 00 00 00 03 00 00 00 01 01 | 01 00 00 00 0e 10 | 01 01 00 00 04 00 01 00 00 00 00 40 00 00 00 | 03 | 00 | 00",
    );
    let maps = vec![
        PartitionMap { id: 0, replicas: vec![5001], mirror: None },
        PartitionMap { id: 1, replicas: vec![5001], mirror: None },
    ];
    let (ours, theirs) = plain_topic((
        ReplicaSpec::Assigned(maps),
        their_topic::ReplicaSpec::new_assigned(vec![(0u32, vec![5001]), (1, vec![5001])]),
    ));
    assert_doc_dump(
        &ours,
        &theirs,
        "00 00 00 00 02 00 00 00 00 00 00 00 01 00 00 13 89 00 00 00 00 01 00 00 00 01 00 00 13 89 00 | 00 00 04 00 00",
    );
}

// ---------------------------------------------------------------------------
// Tests: ObjectApi requests

#[test]
fn create_requests_match() {
    golden_versions(SC_VERSIONS, |v| create_topic(v, "t", false, None, plain_topic(computed(1, 1, false))));
    golden_versions(SC_VERSIONS, |v| {
        create_topic(
            v,
            "events",
            true,
            Some(30_000),
            full_topic(v, computed(6, 3, true), compression(CompressionAlgorithm::Gzip)),
        )
    });
    golden_versions(SC_VERSIONS, |v| create_topic(v, "assigned", false, Some(1), plain_topic(assigned(v, true))));
    golden_versions(SC_VERSIONS, |v| create_topic(v, "edge", false, None, plain_topic(mirror(remote_mirror(v)))));

    // §7.3
    let (ours, theirs) = create_topic(19, "t", false, None, plain_topic(computed(1, 1, false)));
    assert_doc_dump(
        &ours,
        &theirs,
        r#"00 05 "Topic" 00 00 00 14 | 00 01 74 | 00 | 00 | 01 00 00 00 01 00 00 00 01 00 00 00 04 00 00"#,
    );
}

#[test]
fn delete_requests_match() {
    golden_versions(SC_VERSIONS, |v| delete_topic(v, "t", false));
    golden_versions(SC_VERSIONS, |v| delete_topic(v, "consumer-offset", true));

    // §7.4
    let (ours, theirs) = delete_topic(19, "t", false);
    assert_doc_dump(&ours, &theirs, r#"00 05 "Topic" 00 00 00 04 | 00 01 74 | 00"#);
}

#[test]
fn update_requests_match() {
    golden_versions(SC_VERSIONS, |v| add_partitions(v, "events", 3));
    golden_versions(SC_VERSIONS, |v| add_partitions(v, "t", u32::MAX));
    golden_versions(SC_VERSIONS, |v| add_mirror(v, "events", "edge-1", true));

    let (ours, theirs) = add_partitions(19, "t", 2);
    assert_doc_dump(&ours, &theirs, r#"00 05 "Topic" 00 00 00 08 | 00 01 74 | 00 | 00 00 00 02"#);
}

#[test]
fn list_requests_match() {
    golden_versions(SC_VERSIONS, |v| {
        let ours = ObjectApiListRequest::Topic(our_list_request(&["ev", "log"], true, false));
        (ours, their_list_request::<their_topic::TopicSpec>(&["ev", "log"], true, false, v))
    });
    golden_versions(SC_VERSIONS, |v| {
        let ours = ObjectApiListRequest::Topic(our_list_request(&[], false, true));
        (ours, their_list_request::<their_topic::TopicSpec>(&[], false, true, v))
    });
    golden_versions(SC_VERSIONS, |v| {
        let ours = ObjectApiListRequest::Partition(our_list_request(&["events-"], false, true));
        (ours, their_list_request::<their_partition::PartitionSpec>(&["events-"], false, true, v))
    });
    golden_versions(SC_VERSIONS, |v| {
        let ours = ObjectApiListRequest::Spu(our_list_request(&["5001", "custom"], true, false));
        (ours, their_list_request::<their_spu::SpuSpec>(&["5001", "custom"], true, false, v))
    });

    // §7.5
    let ours = ObjectApiListRequest::Topic(our_list_request(&[], false, false));
    let theirs = their_list_request::<their_topic::TopicSpec>(&[], false, false, 19);
    assert_doc_dump(&ours, &theirs, r#"00 05 "Topic" 00 00 00 06 | 00 00 00 00 | 00 | 00"#);
}

#[test]
fn watch_requests_match() {
    for summary in [false, true] {
        let request = WatchRequest { epoch: 0, summary };
        golden_versions(SC_VERSIONS, |v| {
            (ObjectApiWatchRequest::Topic(request.clone()), their_watch_request::<their_topic::TopicSpec>(summary, v))
        });
        golden_versions(SC_VERSIONS, |v| {
            let theirs = their_watch_request::<their_partition::PartitionSpec>(summary, v);
            (ObjectApiWatchRequest::Partition(request.clone()), theirs)
        });
        golden_versions(SC_VERSIONS, |v| {
            (ObjectApiWatchRequest::Spu(request.clone()), their_watch_request::<their_spu::SpuSpec>(summary, v))
        });
    }

    // §7.2
    let request = WatchRequest::default();
    let zeros = "00 00 00 09 | 00×8 00";
    let topic = ObjectApiWatchRequest::Topic(request.clone());
    let their_topic = their_watch_request::<their_topic::TopicSpec>(false, 19);
    assert_doc_dump(&topic, &their_topic, &format!(r#"00 05 "Topic" {zeros}"#));
    let spu = ObjectApiWatchRequest::Spu(request.clone());
    assert_doc_dump(&spu, &their_watch_request::<their_spu::SpuSpec>(false, 19), &format!(r#"00 03 "SPU" {zeros}"#));
    let partition = ObjectApiWatchRequest::Partition(request);
    let their_partition = their_watch_request::<their_partition::PartitionSpec>(false, 19);
    assert_doc_dump(&partition, &their_partition, &format!(r#"00 09 "Partition" {zeros}"#));

    // The framed request (correlation id 3, client "dummy").
    let mut framed = Vec::new();
    encode_request_frame(&RequestHeader::new(api_key::WATCH, 19, 3, "dummy"), &topic, &mut framed);
    let expected = r#"00 00 00 23 03 ec 00 13 00 00 00 03 00 05 "dummy" 00 05 "Topic" 00 00 00 09 00×8 00"#;
    assert_eq!(hex(&framed), hex(&doc_bytes(expected)));
}

// ---------------------------------------------------------------------------
// Tests: ObjectApi responses

#[test]
fn list_responses_match() {
    golden_versions(SC_VERSIONS, |v| {
        let (ours, theirs): (Vec<_>, Vec<_>) = topic_objects(v).into_iter().unzip();
        (ObjectApiListResponse::Topic(ours), their_list_response(theirs, v))
    });
    golden_versions(SC_VERSIONS, |v| {
        let (ours, theirs): (Vec<_>, Vec<_>) = partition_objects(v).into_iter().unzip();
        (ObjectApiListResponse::Partition(ours), their_list_response(theirs, v))
    });
    golden_versions(SC_VERSIONS, |v| {
        let (ours, theirs): (Vec<_>, Vec<_>) = spu_objects(v).into_iter().unzip();
        (ObjectApiListResponse::Spu(ours), their_list_response(theirs, v))
    });
    // Nothing to list.
    golden_versions(SC_VERSIONS, |v| {
        (ObjectApiListResponse::Topic(vec![]), their_list_response::<their_topic::TopicSpec>(vec![], v))
    });

    // §7.5: [t]
    let (ours, theirs) = doc_topic_t();
    let response = ObjectApiListResponse::Topic(vec![ours]);
    let expected = format!(r#"00 05 "Topic" 00 00 00 35 | 00 00 00 01 | {DOC_TOPIC_T}"#);
    assert_doc_dump(&response, &their_list_response(vec![theirs], 19), &expected);
}

#[test]
fn watch_responses_match() {
    for v in SC_VERSIONS {
        for (ours, theirs) in watch_frames(topic_objects(v)) {
            golden(&ObjectApiWatchResponse::Topic(ours), &their_watch_response(theirs, v), v);
        }
        for (ours, theirs) in watch_frames(partition_objects(v)) {
            golden(&ObjectApiWatchResponse::Partition(ours), &their_watch_response(theirs, v), v);
        }
        for (ours, theirs) in watch_frames(spu_objects(v)) {
            golden(&ObjectApiWatchResponse::Spu(ours), &their_watch_response(theirs, v), v);
        }
    }
}

/// The documented topic "t": computed 2 partitions / rf 1, provisioned, both
/// partitions on SPU 5001.
fn doc_topic_t() -> MetadataPair<TopicSpec, their_topic::TopicSpec> {
    let replica_map: BTreeMap<u32, Vec<i32>> = [(0, vec![5001]), (1, vec![5001])].into();
    let status = TopicStatus {
        resolution: TopicResolution::Provisioned,
        replica_map: replica_map.clone(),
        ..TopicStatus::default()
    };
    let their_status = their_topic::TopicStatus {
        resolution: their_topic::TopicResolution::Provisioned,
        replica_map,
        ..their_topic::TopicStatus::default()
    };
    metadata("t", plain_topic(computed(2, 1, false)), (status, their_status))
}

const DOC_TOPIC_T: &str = "00 01 74 | 01 00 00 00 02 00 00 00 01 00 00 00 04 00 00 | \
    04 00 02 00 00 00 00 00 00 00 01 00 00 13 89 00 00 00 01 00 00 00 01 00 00 13 89 00 00 00 00";

#[test]
fn documented_watch_response_dumps() {
    // §7.2: Topic all=[t], epoch 1; then changes=[DELETE t], epoch 2.
    let (all, their_all) = update(1, vec![], vec![doc_topic_t()]);
    assert_doc_dump(
        &ObjectApiWatchResponse::Topic(all),
        &their_watch_response(their_all, 19),
        &format!(r#"00 05 "Topic" 00 00 00 41 | 00×7 01 | 00 00 00 00 | 00 00 00 01 | {DOC_TOPIC_T}"#),
    );
    let (deleted, their_deleted) = update(2, vec![(true, doc_topic_t())], vec![]);
    assert_doc_dump(
        &ObjectApiWatchResponse::Topic(deleted),
        &their_watch_response(their_deleted, 19),
        &format!(r#"00 05 "Topic" 00 00 00 42 | 00×7 02 | 00 00 00 01 | 01 | {DOC_TOPIC_T} | 00 00 00 00"#),
    );

    // Partition all=[t-0 leader 5001, online, hw/leo 3].
    let (spec, their_spec) = plain_partition_spec(5001);
    let (leader, their_leader) = replica(5001, 3, 3);
    let status = PartitionStatus { resolution: PartitionResolution::Online, leader, ..PartitionStatus::default() };
    let their_status = their_partition::PartitionStatus {
        resolution: their_partition::PartitionResolution::Online,
        leader: their_leader,
        lsr: 0,
        replicas: vec![],
        size: 0,
        is_being_deleted: false,
        base_offset: 0,
    };
    let (all, their_all) = update(1, vec![], vec![metadata("t-0", (spec, their_spec), (status, their_status))]);
    assert_doc_dump(
        &ObjectApiWatchResponse::Partition(all),
        &their_watch_response(their_all, 19),
        r#"00 09 "Partition" 00 00 00 55 | 00×7 01 | 00 00 00 00 | 00 00 00 01 | 00 03 74 2d 30 |
           00 00 13 89 00 00 00 01 00 00 13 89 00 00 04 00 00 00 |
           01 00 00 13 89 00×7 03 00×7 03 00 00 00 00 00 00 00 00 00×8 00 00×8"#,
    );

    // SPU all=[name "5001", id 5001, public localhost:9010, online].
    let (mut spec, mut their_spec) = managed_spu_spec(5001, 9010);
    let (private, their_private) = endpoint(0, "127.0.0.1", false);
    spec.private_endpoint = private;
    their_spec.private_endpoint = their_private;
    let object = metadata("5001", (spec, their_spec), spu_status(SpuStatusResolution::Online));
    let (all, their_all) = update(1, vec![], vec![object]);
    assert_doc_dump(
        &ObjectApiWatchResponse::Spu(all),
        &their_watch_response(their_all, 19),
        r#"00 03 "SPU" 00 00 00 40 | 00×7 01 | 00 00 00 00 | 00 00 00 01 | 00 04 "5001" |
           00 00 13 89 | 00 | 23 32 | 00 00 00 01 | 01 00 09 "localhost" | 00 | 00 | 00 00 |
           00 09 "127.0.0.1" | 00 | 00 | 00 | 00"#,
    );
}

// ---------------------------------------------------------------------------
// SmartModule objects (fluvio-controlplane-metadata's SmartModuleSpec)

use fluvio_controlplane_metadata::smartmodule as their_sm;

/// A SmartModule spec with every field set (or none), ours and theirs.
fn smartmodule_spec(v: Version, with_meta: bool, summary: bool) -> (SmartModuleSpec, their_sm::SmartModuleSpec) {
    let payload = vec![0x1f, 0x8b, 8, 0, 1, 2, 3, 4];
    let (meta, their_meta) = if with_meta {
        let mut params = BTreeMap::new();
        params.insert("key".to_string(), SmartModuleParam { description: Some("the key".into()), optional: false });
        params.insert("limit".to_string(), SmartModuleParam { description: None, optional: true });
        let meta = SmartModuleMetadata {
            package: SmartModulePackage {
                name: "filter".into(),
                group: "acme".into(),
                version: "1.2.3".into(),
                api_version: "0.1.0".into(),
                description: Some("a filter".into()),
                license: Some("Apache-2.0".into()),
                visibility: since(v, 19, SmartModuleVisibility::Public),
                repository: None,
            },
            params,
        };
        // fluvio-controlplane-metadata 0.50.1 does not export its params
        // types: theirs are decoded from our bytes (and must then encode
        // back to them, below).
        let our_params = meta.params.to_bytes(19);
        let mut theirs = their_sm::SmartModuleMetadata {
            package: their_sm::SmartModulePackage {
                name: "filter".into(),
                group: "acme".into(),
                version: their_sm::FluvioSemVersion::parse("1.2.3").unwrap(),
                api_version: their_sm::FluvioSemVersion::parse("0.1.0").unwrap(),
                description: Some("a filter".into()),
                license: Some("Apache-2.0".into()),
                visibility: their_sm::SmartModuleVisibility::Public,
                repository: None,
            },
            params: Default::default(),
        };
        theirs.params = TheirDecoder::decode_from(&mut std::io::Cursor::new(&our_params), 19).unwrap();
        assert_eq!(theirs.params.len(), 2);
        assert!(theirs.params.get_param("limit").is_some_and(|p| p.optional && p.description.is_none()));
        (Some(meta), Some(theirs))
    } else {
        (None, None)
    };
    let ours = SmartModuleSpec {
        meta,
        summary: summary.then_some(SmartModuleWasmSummary { wasm_length: 8 }),
        wasm: SmartModuleWasm { format: SmartModuleWasmFormat::Binary, payload: if summary { vec![] } else { payload.clone() } },
    };
    let theirs = their_sm::SmartModuleSpec {
        meta: their_meta,
        summary: summary.then_some(their_sm::SmartModuleWasmSummary { wasm_length: 8 }),
        wasm: their_sm::SmartModuleWasm::from_compressed_gzip(if summary { vec![] } else { payload }),
    };
    (ours, theirs)
}

#[test]
fn smartmodule_specs_match() {
    for (with_meta, summary) in [(false, false), (true, false), (true, true)] {
        for v in [10, 18, 19] {
            let (ours, theirs) = smartmodule_spec(v, with_meta, summary);
            golden(&ours, &theirs, v);
        }
        let (ours, theirs) = smartmodule_spec(19, with_meta, summary);
        // The store id the official SC keys a packaged module by.
        if let Some(meta) = &theirs.meta {
            assert_eq!(ours.meta.as_ref().unwrap().store_id(), meta.store_id());
        }
        // Listed with `summary`: the wasm's length instead of the wasm.
        let (full, _) = smartmodule_spec(19, with_meta, false);
        let (listed, _) = smartmodule_spec(19, with_meta, true);
        assert_eq!(full.summary(), listed);
    }
}

#[test]
fn smartmodule_admin_messages_match() {
    use fluvio_sc_schema::objects as o;
    golden_versions(SC_VERSIONS, |v| {
        let (spec, their_spec) = smartmodule_spec(v, true, false);
        let ours = ObjectApiCreateRequest::SmartModule(SmartModuleCreateRequest {
            common: CommonCreateRequest { name: "filter".into(), dry_run: false, timeout: Some(5000) },
            request: spec,
        });
        let common = o::CommonCreateRequest { name: "filter".into(), dry_run: false, timeout: Some(5000) };
        let theirs = o::ObjectApiCreateRequest::try_encode_from(o::CreateRequest::new(common, their_spec), v).unwrap();
        (ours, theirs)
    });
    golden_versions(SC_VERSIONS, |v| {
        let theirs = o::DeleteRequest::<their_sm::SmartModuleSpec>::with("filter-acme-1.2.3".into(), false);
        (
            ObjectApiDeleteRequest::SmartModule(DeleteRequest { key: "filter-acme-1.2.3".into(), force: false }),
            o::ObjectApiDeleteRequest::try_encode_from(theirs, v).unwrap(),
        )
    });
    golden_versions(SC_VERSIONS, |v| {
        let ours = ObjectApiListRequest::SmartModule(our_list_request(&["filter"], true, false));
        (ours, their_list_request::<their_sm::SmartModuleSpec>(&["filter"], true, false, v))
    });
    golden_versions(SC_VERSIONS, |v| {
        let (a, their_a) = smartmodule_spec(v, false, true);
        let (b, their_b) = smartmodule_spec(v, true, true);
        let ours = ObjectApiListResponse::SmartModule(vec![
            Metadata { name: "plain".into(), spec: a, status: SmartModuleStatus {} },
            Metadata { name: "filter-acme-1.2.3".into(), spec: b, status: SmartModuleStatus {} },
        ]);
        let theirs = vec![
            o::Metadata { name: "plain".into(), spec: their_a, status: their_sm::SmartModuleStatus },
            o::Metadata { name: "filter-acme-1.2.3".into(), spec: their_b, status: their_sm::SmartModuleStatus },
        ];
        (ours, their_list_response(theirs, v))
    });
}
