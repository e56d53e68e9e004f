//! Topic spec and status (label "Topic"), and the mirror and storage
//! settings that partitions share with topics.

use std::collections::BTreeMap;
use std::time::Duration;

crate::wire_struct! {
    /// The user's description of a topic.
    pub struct TopicSpec {
        pub replicas: ReplicaSpec,
        pub cleanup_policy: Option<CleanupPolicy> [3, i16::MAX],
        pub storage: Option<TopicStorageConfig> [4, i16::MAX],
        pub compression_type: CompressionAlgorithm [6, i16::MAX],
        pub deduplication: Option<Deduplication> [12, i16::MAX],
        pub system: bool [13, i16::MAX],
    }
}

impl TopicSpec {
    /// A topic with `partitions` partitions spread by the cluster.
    pub fn computed(partitions: u32, replication_factor: u32) -> Self {
        TopicSpec {
            replicas: ReplicaSpec::Computed(TopicReplicaParam {
                partitions,
                replication_factor,
                ignore_rack_assignment: false,
            }),
            ..TopicSpec::default()
        }
    }

    /// The number of partitions the spec asks for.
    pub fn partition_count(&self) -> u32 {
        match &self.replicas {
            ReplicaSpec::Computed(param) => param.partitions,
            ReplicaSpec::Assigned(maps) => maps.len() as u32,
            ReplicaSpec::Mirror(MirrorConfig::Home(home)) => home.partitions.len() as u32,
            ReplicaSpec::Mirror(MirrorConfig::Remote(remote)) => remote.home_spus.len() as u32,
        }
    }
}

crate::wire_union! {
    /// How a topic's partitions are placed.
    pub enum ReplicaSpec {
        Assigned(Vec<PartitionMap>) = 0,
        Computed(TopicReplicaParam) = 1,
        Mirror(MirrorConfig) = 2,
    }
    default Computed
}

crate::wire_struct! {
    pub struct TopicReplicaParam {
        pub partitions: u32,
        pub replication_factor: u32,
        pub ignore_rack_assignment: bool,
    }
}

crate::wire_struct! {
    pub struct PartitionMap {
        pub id: u32,
        pub replicas: Vec<i32>,
        pub mirror: Option<PartitionMirrorConfig> [14, i16::MAX],
    }
}

crate::wire_union! {
    pub enum MirrorConfig {
        Remote(RemoteMirrorConfig) = 0,
        Home(HomeMirrorConfig) = 1,
    }
    default Remote
}

crate::wire_struct! {
    pub struct RemoteMirrorConfig {
        pub home_cluster: String,
        pub home_spus: Vec<SpuMirrorConfig>,
        pub target: bool [18, i16::MAX],
    }
}

crate::wire_struct! {
    pub struct SpuMirrorConfig {
        pub id: i32,
        pub key: String,
        pub endpoint: String,
    }
}

crate::wire_struct! {
    pub struct HomeMirrorConfig {
        pub partitions: Vec<HomePartitionConfig>,
        pub source: bool [18, i16::MAX],
    }
}

crate::wire_union! {
    pub enum PartitionMirrorConfig {
        Remote(RemotePartitionConfig) = 0,
        Home(HomePartitionConfig) = 1,
    }
    default Remote
}

crate::wire_struct! {
    pub struct RemotePartitionConfig {
        pub home_cluster: String,
        pub home_spu_key: String,
        pub home_spu_id: i32,
        pub home_spu_endpoint: String,
        pub target: bool [18, i16::MAX],
    }
}

crate::wire_struct! {
    pub struct HomePartitionConfig {
        pub remote_cluster: String,
        pub remote_replica: String,
        pub source: bool [18, i16::MAX],
    }
}

crate::wire_union! {
    /// Retention: segments older than `time_in_seconds` are removed.
    pub enum CleanupPolicy {
        Segment(SegmentBasedPolicy) = 0,
    }
    default Segment
}

crate::wire_struct! {
    pub struct SegmentBasedPolicy {
        pub time_in_seconds: u32,
    }
}

crate::wire_struct! {
    pub struct TopicStorageConfig {
        pub segment_size: Option<u32>,
        pub max_partition_size: Option<u64>,
    }
}

crate::wire_enum! {
    /// A topic's mandated codec. Numbered unlike the batch attribute: Any = 4, Zstd = 5.
    pub enum CompressionAlgorithm: u8 {
        None = 0,
        Gzip = 1,
        Snappy = 2,
        Lz4 = 3,
        Any = 4,
        Zstd = 5,
    }
    default Any
}

crate::wire_struct! {
    pub struct Deduplication {
        pub bounds: DeduplicationBounds,
        pub filter: DeduplicationFilter,
    }
}

crate::wire_struct! {
    pub struct DeduplicationBounds {
        pub count: u64,
        pub age: Option<Duration>,
    }
}

crate::wire_struct! {
    pub struct DeduplicationFilter {
        pub transform: DeduplicationTransform,
    }
}

crate::wire_struct! {
    pub struct DeduplicationTransform {
        pub uses: String,
        pub with: BTreeMap<String, String>,
    }
}

crate::wire_struct! {
    /// What the cluster made of a topic.
    pub struct TopicStatus {
        pub resolution: TopicResolution,
        /// Partition → SPU ids of its replicas (leader first).
        pub replica_map: BTreeMap<u32, Vec<i32>>,
        pub mirror_map: BTreeMap<u32, PartitionMirrorConfig> [14, i16::MAX],
        pub reason: String,
    }
}

crate::wire_enum! {
    pub enum TopicResolution: u8 {
        Init = 0,
        Pending = 1,
        InsufficientResources = 2,
        InvalidConfig = 3,
        Provisioned = 4,
        Deleting = 5,
    }
    default Init
}
