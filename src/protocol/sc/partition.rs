//! Partition spec and status (label "Partition", name "<topic>-<index>").

use super::topic::{CleanupPolicy, CompressionAlgorithm, Deduplication, PartitionMirrorConfig, TopicStorageConfig};

crate::wire_struct! {
    pub struct PartitionSpec {
        /// The SPU id clients route produce and fetch requests to.
        pub leader: i32,
        pub replicas: Vec<i32>,
        pub cleanup_policy: Option<CleanupPolicy> [4, i16::MAX],
        pub storage: Option<TopicStorageConfig> [4, i16::MAX],
        pub compression_type: CompressionAlgorithm [6, i16::MAX],
        pub deduplication: Option<Deduplication> [12, i16::MAX],
        pub system: bool [13, i16::MAX],
        pub mirror: Option<PartitionMirrorConfig> [14, i16::MAX],
    }
}

crate::wire_struct! {
    pub struct PartitionStatus {
        pub resolution: PartitionResolution,
        pub leader: ReplicaStatus,
        /// Live replicas count.
        pub lsr: u32,
        pub replicas: Vec<ReplicaStatus>,
        /// Bytes on disk; -1 error, -2 unsupported.
        pub size: i64 [5, i16::MAX],
        pub is_being_deleted: bool,
        pub base_offset: i64 [16, i16::MAX],
    }
}

crate::wire_enum! {
    pub enum PartitionResolution: u8 {
        Offline = 0,
        /// Required by the official producer's round robin to use the partition.
        Online = 1,
        LeaderOffline = 2,
        ElectionLeaderFound = 3,
        OutOfStorage = 4,
    }
    default Offline
}

crate::wire_struct! {
    pub struct ReplicaStatus {
        pub spu: i32,
        /// High watermark.
        pub hw: i64,
        /// Log end offset.
        pub leo: i64,
    }
}
