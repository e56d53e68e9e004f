//! The cluster's topics, partitions and SPUs as the SC's watch streams
//! describe them, kept current in the background.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::watch;

use super::connection::Connection;
use super::error::{ClientError, Result};
use crate::protocol::sc::{
    Metadata, MetadataUpdate, MsgType, ObjectApiWatchRequest, ObjectApiWatchResponse, PartitionSpec, Spec, SpuSpec,
    TopicSpec, WatchRequest,
};

/// Frames a watch stream may queue unread.
const WATCH_QUEUE: usize = 10;

/// One kind of object, by name. `version` counts applied updates (0: none yet).
pub struct Store<S: Spec> {
    objects: RwLock<BTreeMap<String, Metadata<S>>>,
    version: watch::Sender<u64>,
}

impl<S: Spec> Store<S> {
    fn new() -> Self {
        Store { objects: RwLock::new(BTreeMap::new()), version: watch::channel(0).0 }
    }

    fn apply(&self, update: MetadataUpdate<S>) {
        {
            let mut objects = self.objects.write().unwrap_or_else(|p| p.into_inner());
            if !update.all.is_empty() {
                *objects = update.all.into_iter().map(|m| (m.name.clone(), m)).collect();
            } else {
                for change in update.changes {
                    match change.header {
                        MsgType::Update => {
                            objects.insert(change.content.name.clone(), change.content);
                        }
                        MsgType::Delete => {
                            objects.remove(&change.content.name);
                        }
                    }
                }
            }
        }
        // Even an empty first frame makes the store ready: unlike the
        // official client, a lookup in an empty cluster fails at once.
        self.version.send_modify(|v| *v += 1);
    }

    /// Waits until the first update arrived (at most `timeout`).
    pub async fn ready(&self, timeout: Duration) -> Result<()> {
        let mut rx = self.version.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|v| *v > 0))
            .await
            .map_err(|_| ClientError::Timeout(format!("no {} metadata from the cluster within {timeout:?}", S::LABEL)))?
            .map_err(|_| ClientError::Closed)?;
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<Metadata<S>> {
        self.objects.read().unwrap_or_else(|p| p.into_inner()).get(name).cloned()
    }

    pub fn all(&self) -> Vec<Metadata<S>> {
        self.objects.read().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }

    /// Follows updates: changes every time one is applied.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }
}

/// The three stores the client routes with.
pub struct ClusterMetadata {
    pub topics: Store<TopicSpec>,
    pub partitions: Store<PartitionSpec>,
    pub spus: Store<SpuSpec>,
}

impl ClusterMetadata {
    /// Opens the watches on `sc` into fresh stores.
    pub async fn watch(sc: &Arc<Connection>) -> Result<Arc<ClusterMetadata>> {
        let metadata = Arc::new(ClusterMetadata { topics: Store::new(), partitions: Store::new(), spus: Store::new() });
        metadata.follow(sc).await?;
        Ok(metadata)
    }

    /// Opens the SPU, Partition and Topic watches on `sc` (in the official
    /// client's order) and applies their frames in the background until the
    /// connection closes. On a new SC connection after a reconnect, their
    /// first frames (full listings) replace what the stores held.
    pub async fn follow(self: &Arc<Self>, sc: &Arc<Connection>) -> Result<()> {
        let metadata = self;
        let request = WatchRequest { epoch: 0, summary: false };
        for watch in [
            ObjectApiWatchRequest::Spu(request.clone()),
            ObjectApiWatchRequest::Partition(request.clone()),
            ObjectApiWatchRequest::Topic(request.clone()),
        ] {
            let mut stream = sc.stream(&watch, WATCH_QUEUE).await?;
            let metadata = Arc::downgrade(metadata);
            tokio::spawn(async move {
                while let Some(frame) = stream.next().await {
                    let Some(metadata) = metadata.upgrade() else { return };
                    match frame {
                        Ok(ObjectApiWatchResponse::Topic(update)) => metadata.topics.apply(update),
                        Ok(ObjectApiWatchResponse::Partition(update)) => {
                            log_leader_moves(&metadata.partitions, &update);
                            metadata.partitions.apply(update)
                        }
                        Ok(ObjectApiWatchResponse::Spu(update)) => metadata.spus.apply(update),
                        Ok(ObjectApiWatchResponse::Other(_)) => {}
                        Err(_) => return,
                    }
                }
            });
        }
        Ok(())
    }
}

/// Logs every partition whose leader `update` moves to another SPU (the
/// partition's name is "topic-N").
fn log_leader_moves(partitions: &Store<PartitionSpec>, update: &MetadataUpdate<PartitionSpec>) {
    if !crate::log::enabled(crate::log::Level::Notice) {
        return;
    }
    let updated = update.all.iter().chain(update.changes.iter().filter(|c| c.header == MsgType::Update).map(|c| &c.content));
    for partition in updated {
        if let Some(before) = partitions.get(&partition.name) {
            if before.spec.leader != partition.spec.leader {
                crate::log!(Notice, "client", "leader of {} moved from SPU {} to SPU {}", partition.name, before.spec.leader, partition.spec.leader);
            }
        }
    }
}
