//! Production admin on top of the SC's object API: topics with their
//! options and status, growing a topic, partitions with their offsets,
//! SPUs, the platform version, and consumer lag.

use std::collections::btree_map::{BTreeMap, Entry};

use super::{status_result, validate_topic_name, Client, ClientError, Result, StoredConsumerOffset, REQUEST_TIMEOUT};
use crate::protocol::error_code::ErrorCode;
use crate::protocol::sc::{
    AddPartition, ListFilter, ListRequest, Metadata, ObjectApiListRequest, ObjectApiListResponse, ObjectApiUpdateRequest, PartitionResolution,
    PartitionSpec, SpuSpec, TopicSpec, TopicUpdateRequest, UpdateTopicAction,
};
use crate::protocol::spu::FetchOffsetsRequest;

/// One partition as the SC lists it, with its topic and index split out of
/// the object's name (`<topic>-<index>`).
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionInfo {
    pub topic: String,
    pub partition: u32,
    pub metadata: Metadata<PartitionSpec>,
}

/// How far a consumer is behind in one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerLag {
    pub stored: StoredConsumerOffset,
    /// The partition's high watermark as its leader reports it now; -1 when
    /// the partition no longer exists.
    pub high_watermark: i64,
    /// Records after the committed one up to the high watermark (-1 when
    /// the partition no longer exists).
    pub lag: i64,
}

/// Which objects a list asks for: by exact name (or all), system ones or not.
fn list_request(name: Option<&str>, system: bool) -> ListRequest {
    ListRequest { name_filters: name.map(|n| vec![ListFilter { name: n.to_string() }]).unwrap_or_default(), summary: false, system }
}

impl Client {
    /// The platform version the SC reported when this client (re)connected.
    pub fn platform_version(&self) -> String {
        self.sc().versions().platform_version.as_str().to_string()
    }

    /// Topics with the spec they were created with and the SC's status of
    /// them: every non-system topic, or just `name` (system or not).
    pub async fn describe_topics(&self, name: Option<&str>) -> Result<Vec<Metadata<TopicSpec>>> {
        if let Some(name) = name {
            validate_topic_name(name)?;
        }
        let Some(name) = name else { return self.list_topic_objects(None, false).await };
        for system in [false, true] {
            // The SC's filters match substrings: keep the topic itself.
            let found: Vec<_> = self.list_topic_objects(Some(name), system).await?.into_iter().filter(|t| t.name == name).collect();
            if !found.is_empty() {
                return Ok(found);
            }
        }
        Err(ClientError::TopicNotFound(name.to_string()))
    }

    async fn list_topic_objects(&self, name: Option<&str>, system: bool) -> Result<Vec<Metadata<TopicSpec>>> {
        match self.sc_request(&ObjectApiListRequest::Topic(list_request(name, system))).await? {
            ObjectApiListResponse::Topic(topics) => Ok(topics),
            other => Err(ClientError::Protocol(format!("listing topics returned {} objects", other.label()))),
        }
    }

    /// Partitions as the SC knows them (leader, replicas, offsets, size,
    /// status): those of every non-system topic, or of `topic` (system or
    /// not). The real SC ignores name filters on partitions: the topic's are
    /// picked here.
    pub async fn list_partitions(&self, topic: Option<&str>) -> Result<Vec<PartitionInfo>> {
        if let Some(topic) = topic {
            // Also proves the topic exists, and says whether it is a system one.
            let system = self.describe_topics(Some(topic)).await?.first().is_some_and(|t| t.spec.system);
            let prefix = format!("{topic}-");
            let mut found = self.list_partition_objects(Some(&prefix), system).await?;
            found.retain(|p| p.topic == topic);
            return Ok(found);
        }
        self.list_partition_objects(None, false).await
    }

    async fn list_partition_objects(&self, filter: Option<&str>, system: bool) -> Result<Vec<PartitionInfo>> {
        let partitions = match self.sc_request(&ObjectApiListRequest::Partition(list_request(filter, system))).await? {
            ObjectApiListResponse::Partition(partitions) => partitions,
            other => return Err(ClientError::Protocol(format!("listing partitions returned {} objects", other.label()))),
        };
        let mut listed: Vec<PartitionInfo> = partitions
            .into_iter()
            .filter_map(|metadata| {
                let (topic, index) = metadata.name.rsplit_once('-')?;
                Some(PartitionInfo { topic: topic.to_string(), partition: index.parse().ok()?, metadata })
            })
            .collect();
        listed.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        Ok(listed)
    }

    /// The cluster's SPUs with their endpoints and status.
    pub async fn list_spus(&self) -> Result<Vec<Metadata<SpuSpec>>> {
        match self.sc_request(&ObjectApiListRequest::Spu(list_request(None, false))).await? {
            ObjectApiListResponse::Spu(mut spus) => {
                spus.sort_by_key(|s| s.spec.id);
                Ok(spus)
            }
            other => Err(ClientError::Protocol(format!("listing SPUs returned {} objects", other.label()))),
        }
    }

    /// Adds `count` partitions to topic `name` and waits until this client
    /// has seen every new partition online (the real SC answers before it
    /// has placed them).
    pub async fn add_partitions(&self, name: &str, count: u32) -> Result<()> {
        validate_topic_name(name)?;
        if count == 0 {
            return Err(ClientError::InvalidArgument("add at least one partition".into()));
        }
        let request = ObjectApiUpdateRequest::Topic(TopicUpdateRequest {
            key: name.to_string(),
            action: UpdateTopicAction::AddPartition(AddPartition { count }),
        });
        let before = self.topic(name).await?.partition_count();
        let total = before.saturating_add(count);
        let metadata = self.metadata();
        let (mut topics, mut partitions) = (metadata.topics.subscribe(), metadata.partitions.subscribe());
        let status = self.sc_request(&request).await?;
        status_result(name, status)?;
        let wait = async {
            loop {
                let grown = metadata.topics.get(name).is_some_and(|t| t.spec.partition_count() >= total);
                // The real SC lists a new partition before its leader serves it.
                let online = |p: u32| {
                    metadata.partitions.get(&format!("{name}-{p}")).is_some_and(|p| p.status.resolution == PartitionResolution::Online)
                };
                if grown && (before..total).all(online) {
                    return Ok(());
                }
                tokio::select! {
                    changed = topics.changed() => changed,
                    changed = partitions.changed() => changed,
                }
                .map_err(|_| ClientError::Closed)?;
            }
        };
        tokio::time::timeout(super::METADATA_TIMEOUT, wait)
            .await
            .map_err(|_| ClientError::Timeout(format!("the cluster did not announce the new partitions of topic '{name}'")))?
    }

    /// For each partition where `consumer_id` (or any consumer, with None)
    /// committed an offset, optionally only in `topic`: the stored offset,
    /// the partition's high watermark as its leader reports it now, and the
    /// lag between them.
    pub async fn consumer_lags(&self, consumer_id: Option<&str>, topic: Option<&str>) -> Result<Vec<ConsumerLag>> {
        let stored: Vec<StoredConsumerOffset> =
            self.consumer_offsets(consumer_id, None).await?.into_iter().filter(|o| topic.is_none_or(|t| o.topic == t)).collect();
        let mut watermarks: BTreeMap<(String, u32), i64> = BTreeMap::new();
        for offset in &stored {
            if let Entry::Vacant(entry) = watermarks.entry((offset.topic.clone(), offset.partition)) {
                entry.insert(self.high_watermark(&offset.topic, offset.partition).await?);
            }
        }
        Ok(stored
            .into_iter()
            .map(|stored| {
                let high_watermark = watermarks[&(stored.topic.clone(), stored.partition)];
                // The consumer resumes after the committed record.
                let lag = if high_watermark < 0 { -1 } else { (high_watermark - (stored.offset + 1)).max(0) };
                ConsumerLag { stored, high_watermark, lag }
            })
            .collect())
    }

    /// The high watermark of `topic`-`partition` from its leader, or -1 when
    /// the partition is gone.
    async fn high_watermark(&self, topic: &str, partition: u32) -> Result<i64> {
        let connection = match self.leader(topic, partition).await {
            Ok(connection) => connection,
            Err(ClientError::TopicNotFound(_)) => return Ok(-1),
            Err(e) => return Err(e),
        };
        let offsets = connection.request(&FetchOffsetsRequest::new(topic, partition), REQUEST_TIMEOUT).await?;
        let found = offsets
            .find_partition(topic, partition)
            .ok_or_else(|| ClientError::Protocol(format!("no offsets for {topic}-{partition} in the answer")))?;
        match &found.error_code {
            ErrorCode::None => Ok(found.last_stable_offset),
            ErrorCode::PartitionNotLeader | ErrorCode::TopicNotFound => Ok(-1),
            code => Err(ClientError::from_code(code.clone(), topic, format!("fetching offsets of {topic}-{partition}"))),
        }
    }
}
