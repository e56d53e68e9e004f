//! A connection to a Fluvio cluster: the SC connection with its metadata
//! watches, topic admin, and a pool of SPU connections (one per SPU, shared
//! by every producer and consumer, re-established when it drops).

mod admin;
mod config;
mod connection;
mod error;
mod metadata;
mod stats;
mod tls;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

pub use admin::{ConsumerLag, PartitionInfo};
pub use config::{load_profile, parse_profile, resolve_default, ClientConfig, ENDPOINT_ENV, PROFILE_PATH_ENV};
pub use connection::{Connection, PendingResponse, ResponseStream, Transport, CLIENT_ID};
pub use tls::{Pem, TlsConnector, TlsPolicy};
pub use error::{ClientError, Result};
pub use metadata::{ClusterMetadata, Store};
pub use stats::{ClientStats, Histogram, PartitionLag, StreamLags};

use crate::protocol::error_code::ErrorCode;
use crate::protocol::spu::{
    ConsumerOffsetFilter, DeleteConsumerOffsetRequest, FetchConsumerOffsetsRequest, ReplicaKey, SmartModuleWasm, CONSUMER_OFFSET_TOPIC,
    MAX_WASM_LEN,
};
use crate::protocol::sc::{
    DeleteRequest, ListFilter, ListRequest, ObjectApiCreateRequest, ObjectApiDeleteRequest, ObjectApiListRequest,
    ObjectApiListResponse, SmartModuleCreateRequest, SmartModuleMetadata, SmartModuleSpec, SmartModuleWasm as ScSmartModuleWasm,
    SmartModuleWasmFormat, TopicCreateRequest, TopicSpec,
};

/// Endpoint used when none is given and `FLUVIO_ENDPOINT` is unset.
pub const DEFAULT_ENDPOINT: &str = "127.0.0.1:9003";
/// How long one request may wait for its answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long connecting (TCP + ApiVersions) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long lookups wait for the first metadata from the SC.
pub const METADATA_TIMEOUT: Duration = Duration::from_secs(60);
/// Oldest platform the official client accepts; so do we.
const MIN_PLATFORM: (u64, u64, u64) = (0, 9, 0);

/// A topic's name and partition count, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    pub name: String,
    pub partitions: u32,
}

/// A SmartModule stored on the SC, as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartModuleInfo {
    /// The key it is stored under.
    pub name: String,
    /// Its package metadata, if it was created with some.
    pub meta: Option<SmartModuleMetadata>,
    /// Bytes of its (gzip-compressed) wasm.
    pub wasm_len: u64,
}

/// A consumer's committed position in one partition, as the cluster keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConsumerOffset {
    pub consumer_id: String,
    pub topic: String,
    pub partition: u32,
    /// Offset of the last record the consumer committed; it resumes at the next.
    pub offset: i64,
    /// When it was last committed, in seconds since the Unix epoch.
    pub modified_time: u64,
}

/// A connected client. Cheap to clone; every clone shares the connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// One SPU's connection (None until the first connect succeeds), locked
/// across a connect so that callers of the same SPU share it.
type SpuSlot = Arc<tokio::sync::Mutex<Option<Arc<Connection>>>>;

struct Inner {
    /// Where the SC is; reconnected to when its connection drops.
    endpoint: String,
    /// TCP or TLS, and the client id: the same for the SC and every SPU.
    transport: Transport,
    /// How long an admin request waits for its answer.
    request_timeout: Duration,
    /// The current SC connection (replaced by the reconnecting task).
    sc: tokio::sync::watch::Sender<Arc<Connection>>,
    /// Dropped with the client: tells the reconnecting task to end.
    _alive: tokio::sync::watch::Sender<()>,
    metadata: Arc<ClusterMetadata>,
    /// Per SPU id, its connection. The map's lock is only held to find a
    /// slot; a connect holds its own SPU's slot, so an SPU that does not
    /// answer stalls only the callers that need that SPU.
    spus: std::sync::Mutex<HashMap<i32, SpuSlot>>,
    stats: Arc<ClientStats>,
}

impl Client {
    /// Connects over plain TCP to the SC at `endpoint` ("host:port"),
    /// checks its platform version and starts the metadata watches.
    pub async fn connect(endpoint: &str) -> Result<Client> {
        Self::connect_with(&ClientConfig::new(endpoint)).await
    }

    /// Connects as `config` says (endpoint, TLS, client id).
    pub async fn connect_with(config: &ClientConfig) -> Result<Client> {
        let endpoint = config.endpoint.as_str();
        if endpoint.is_empty() {
            return Err(ClientError::InvalidArgument("endpoint is empty".into()));
        }
        let transport = Transport { tls: TlsConnector::new(&config.tls)?, client_id: config.client_id.clone() };
        let sc = Connection::connect_with(endpoint, &transport, CONNECT_TIMEOUT).await?;
        let platform = sc.versions().platform_version.triple();
        if platform < MIN_PLATFORM {
            return Err(ClientError::Protocol(format!(
                "{endpoint} runs Fluvio platform {}, older than the minimum 0.9.0",
                sc.versions().platform_version.as_str()
            )));
        }
        if sc.versions().version_for::<crate::protocol::sc::ObjectApiWatchRequest>().is_none() {
            return Err(ClientError::Protocol(format!("{endpoint} does not offer metadata watches: is it a Fluvio SC?")));
        }
        let metadata = ClusterMetadata::watch(&sc).await?;
        let (alive, client_gone) = tokio::sync::watch::channel(());
        let inner = Arc::new(Inner {
            endpoint: endpoint.to_string(),
            transport,
            request_timeout: config.request_timeout,
            sc: tokio::sync::watch::Sender::new(sc),
            _alive: alive,
            metadata,
            spus: std::sync::Mutex::new(HashMap::new()),
            stats: Arc::default(),
        });
        tokio::spawn(reconnect_sc(Arc::downgrade(&inner), client_gone));
        Ok(Client { inner })
    }

    /// The counters shared by this client's producers and streams.
    pub fn stats(&self) -> &Arc<ClientStats> {
        &self.inner.stats
    }

    /// The current SC connection (closed while an outage lasts).
    fn sc(&self) -> Arc<Connection> {
        self.inner.sc.borrow().clone()
    }

    /// Sends an admin request to the SC and waits for its answer, within
    /// the request timeout in all. A closed SC connection is waited out
    /// while it is being replaced. A connection that leaves a request
    /// unanswered is closed and replaced: the real SC serves one request of
    /// a connection at a time (it waits up to 90 s for a new topic's
    /// partitions), so everything sent after it would wait too.
    pub(crate) async fn sc_request<R: crate::protocol::frame::Request>(&self, request: &R) -> Result<R::Response> {
        let timeout = self.inner.request_timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        let mut updates = self.inner.sc.subscribe();
        let live = async {
            loop {
                let sc = updates.borrow_and_update().clone();
                if !sc.is_closed() {
                    return Ok::<_, ClientError>(sc);
                }
                updates.changed().await.map_err(|_| ClientError::Closed)?;
            }
        };
        let sc = tokio::time::timeout_at(deadline, live).await.map_err(|_| {
            ClientError::Connection(format!("no connection to the SC at {} within {timeout:?}", self.inner.endpoint))
        })??;
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        let answer = sc.request(request, remaining).await;
        if let Err(ClientError::Timeout(_)) = &answer {
            sc.close();
        }
        answer
    }

    pub fn metadata(&self) -> &ClusterMetadata {
        &self.inner.metadata
    }

    /// Whether the SC connection is still up.
    pub fn is_connected(&self) -> bool {
        !self.sc().is_closed()
    }

    /// Creates a topic with `partitions` partitions and `replication` replicas each.
    pub async fn create_topic(&self, name: &str, partitions: u32, replication: u32) -> Result<()> {
        if partitions == 0 {
            return Err(ClientError::InvalidArgument("a topic needs at least one partition".into()));
        }
        if replication == 0 {
            return Err(ClientError::InvalidArgument("replication must be at least 1".into()));
        }
        self.create_topic_with(name, TopicSpec::computed(partitions, replication)).await
    }

    /// Creates a topic as `spec` describes it (placement, retention,
    /// storage, compression, deduplication, system flag) and waits until this
    /// client has seen it announced.
    pub async fn create_topic_with(&self, name: &str, spec: TopicSpec) -> Result<()> {
        validate_topic_name(name)?;
        if let crate::protocol::sc::ReplicaSpec::Computed(param) = &spec.replicas {
            // The real SC would accept the topic, leave it unprovisioned and
            // answer after 90 s: refuse it here, from the SPUs this client knows.
            let spus = &self.inner.metadata.spus;
            spus.ready(METADATA_TIMEOUT).await?;
            let spu_count = spus.all().len();
            if param.replication_factor as usize > spu_count {
                let replication = param.replication_factor;
                return Err(ClientError::InvalidArgument(format!(
                    "topic '{name}': replication factor {replication} needs {replication} SPUs, and the cluster has {spu_count}"
                )));
            }
        }
        let mut request = TopicCreateRequest { request: spec, ..Default::default() };
        request.common.name = name.to_string();
        let status = self.sc_request(&ObjectApiCreateRequest::Topic(request)).await?;
        status_result(name, status)?;
        // The SC announces the topic on the watches before it answers; wait
        // until this client has seen it, so a producer can be made at once.
        self.wait_for_topic(name, |t| t.is_some()).await
    }

    /// Deletes a topic.
    pub async fn delete_topic(&self, name: &str) -> Result<()> {
        validate_topic_name(name)?;
        let request = ObjectApiDeleteRequest::Topic(DeleteRequest { key: name.to_string(), force: false });
        let status = self.sc_request(&request).await?;
        status_result(name, status)?;
        self.wait_for_topic(name, |t| t.is_none()).await
    }

    pub(crate) async fn wait_for_topic(&self, name: &str, done: impl Fn(Option<&crate::protocol::sc::Metadata<TopicSpec>>) -> bool) -> Result<()> {
        let store = &self.inner.metadata.topics;
        let mut updates = store.subscribe();
        let wait = async {
            loop {
                if done(store.get(name).as_ref()) {
                    return Ok(());
                }
                updates.changed().await.map_err(|_| ClientError::Closed)?;
            }
        };
        tokio::time::timeout(METADATA_TIMEOUT, wait)
            .await
            .map_err(|_| ClientError::Timeout(format!("the cluster did not announce the change to topic '{name}'")))?
    }

    /// Lists the (non-system) topics with their partition counts.
    pub async fn list_topics(&self) -> Result<Vec<TopicInfo>> {
        let request = ObjectApiListRequest::Topic(ListRequest { name_filters: Vec::<ListFilter>::new(), summary: false, system: false });
        match self.sc_request(&request).await? {
            ObjectApiListResponse::Topic(topics) => Ok(topics
                .into_iter()
                .map(|t| TopicInfo { partitions: t.spec.partition_count(), name: t.name })
                .collect()),
            other => Err(ClientError::Protocol(format!("listing topics returned {} objects", other.label()))),
        }
    }

    /// Stores a SmartModule on the SC: `wasm` (raw module bytes, sent
    /// gzip-compressed as the official client sends them) under `name`, or
    /// under the package's store id (`name-group-version`) when `meta` is
    /// given, as the official SC keys it. Returns the key it is stored under.
    pub async fn create_smartmodule(&self, name: &str, wasm: &[u8], meta: Option<SmartModuleMetadata>) -> Result<String> {
        if meta.is_none() && name.is_empty() {
            return Err(ClientError::InvalidArgument("a SmartModule needs a name".into()));
        }
        if wasm.is_empty() || wasm.len() > MAX_WASM_LEN {
            return Err(ClientError::InvalidArgument(format!("the wasm module has {} bytes (1 to {MAX_WASM_LEN} accepted)", wasm.len())));
        }
        let payload = match SmartModuleWasm::adhoc_from_wasm(wasm) {
            Ok(SmartModuleWasm::AdHoc(gzipped)) => gzipped,
            Ok(SmartModuleWasm::Predefined(_)) => unreachable!("adhoc_from_wasm makes ad-hoc modules"),
            Err(e) => return Err(ClientError::InvalidArgument(format!("compressing the wasm: {e}"))),
        };
        let mut request = SmartModuleCreateRequest {
            request: SmartModuleSpec { meta, summary: None, wasm: ScSmartModuleWasm { format: SmartModuleWasmFormat::Binary, payload } },
            ..Default::default()
        };
        request.common.name = name.to_string();
        let status = self.sc().request(&ObjectApiCreateRequest::SmartModule(request), REQUEST_TIMEOUT).await?;
        let key = status.name.clone();
        smartmodule_status_result(name, status)?;
        Ok(key)
    }

    /// Deletes the SmartModule stored as `name`.
    pub async fn delete_smartmodule(&self, name: &str) -> Result<()> {
        let request = ObjectApiDeleteRequest::SmartModule(DeleteRequest { key: name.to_string(), force: false });
        let status = self.sc().request(&request, REQUEST_TIMEOUT).await?;
        smartmodule_status_result(name, status)
    }

    /// Lists the stored SmartModules (summaries: the wasm's length, not the wasm).
    pub async fn list_smartmodules(&self) -> Result<Vec<SmartModuleInfo>> {
        let request = ObjectApiListRequest::SmartModule(ListRequest { name_filters: Vec::<ListFilter>::new(), summary: true, system: false });
        match self.sc().request(&request, REQUEST_TIMEOUT).await? {
            ObjectApiListResponse::SmartModule(modules) => Ok(modules
                .into_iter()
                .map(|m| SmartModuleInfo {
                    wasm_len: m.spec.summary.as_ref().map_or(m.spec.wasm.payload.len() as u64, |s| u64::from(s.wasm_length)),
                    meta: m.spec.meta,
                    name: m.name,
                })
                .collect()),
            other => Err(ClientError::Protocol(format!("listing SmartModules returned {} objects", other.label()))),
        }
    }

    /// The topic's spec, waiting for the first metadata if needed.
    pub async fn topic(&self, name: &str) -> Result<TopicSpec> {
        validate_topic_name(name)?;
        let store = &self.inner.metadata.topics;
        store.ready(METADATA_TIMEOUT).await?;
        store.get(name).map(|t| t.spec).ok_or_else(|| ClientError::TopicNotFound(name.to_string()))
    }

    /// The connection to the SPU keeping consumer offsets (the leader of
    /// `consumer-offset`-0).
    async fn consumer_offset_leader(&self) -> Result<Arc<Connection>> {
        match self.leader(CONSUMER_OFFSET_TOPIC, 0).await {
            Err(ClientError::TopicNotFound(_)) => Err(ClientError::Server {
                code: ErrorCode::OffsetManagementDisabled,
                message: format!("the cluster keeps no consumer offsets (it has no '{CONSUMER_OFFSET_TOPIC}' topic)"),
            }),
            other => other,
        }
    }

    /// The stored offset of every consumer, or of those matching `consumer_id`
    /// and `partition` (topic, partition) when given.
    pub async fn consumer_offsets(&self, consumer_id: Option<&str>, partition: Option<(&str, u32)>) -> Result<Vec<StoredConsumerOffset>> {
        let request = FetchConsumerOffsetsRequest {
            filter_opts: Some(ConsumerOffsetFilter {
                replica_id: partition.map(|(topic, partition)| ReplicaKey::new(topic, partition)),
                consumer_id: consumer_id.map(str::to_string),
            }),
        };
        let response = self.consumer_offset_leader().await?.request(&request, self.inner.request_timeout).await?;
        if response.error_code != ErrorCode::None {
            return Err(ClientError::from_code(response.error_code, CONSUMER_OFFSET_TOPIC, "listing consumer offsets"));
        }
        Ok(response
            .consumers
            .into_iter()
            .map(|c| StoredConsumerOffset {
                consumer_id: c.consumer_id,
                topic: c.replica_id.topic,
                partition: c.replica_id.partition,
                offset: c.offset,
                modified_time: c.modified_time,
            })
            .collect())
    }

    /// Deletes `consumer_id`'s stored offset in `topic`'s `partition`.
    pub async fn delete_consumer_offset(&self, consumer_id: &str, topic: &str, partition: u32) -> Result<()> {
        validate_topic_name(topic)?;
        validate_consumer_id(consumer_id)?;
        let request = DeleteConsumerOffsetRequest { replica_id: ReplicaKey::new(topic, partition), consumer_id: consumer_id.to_string() };
        let response = self.consumer_offset_leader().await?.request(&request, self.inner.request_timeout).await?;
        match response.error_code {
            ErrorCode::None => Ok(()),
            code => Err(ClientError::from_code(code, CONSUMER_OFFSET_TOPIC, format!("deleting the offset of consumer '{consumer_id}'"))),
        }
    }

    /// The connection to the SPU leading `topic`'s `partition`, made (or
    /// remade, if it dropped) on demand.
    pub async fn leader(&self, topic: &str, partition: u32) -> Result<Arc<Connection>> {
        let metadata = &self.inner.metadata;
        metadata.partitions.ready(METADATA_TIMEOUT).await?;
        metadata.spus.ready(METADATA_TIMEOUT).await?;
        let key = format!("{topic}-{partition}");
        let leader = self.partition_leader(topic, partition, &key).await?;
        let slot = self.inner.spus.lock().unwrap_or_else(|p| p.into_inner()).entry(leader).or_default().clone();
        let mut slot = slot.lock().await;
        let reconnecting = match slot.as_ref() {
            Some(connection) if !connection.is_closed() => return Ok(connection.clone()),
            Some(_) => true,
            None => false,
        };
        let spu = metadata
            .spus
            .all()
            .into_iter()
            .find(|s| s.spec.id == leader)
            .ok_or_else(|| ClientError::Connection(format!("the leader SPU {leader} of {key} is unknown")))?;
        let transport = self.inner.transport.for_spu(&spu.name);
        let address = spu.spec.public_address();
        let connection = match Connection::connect_with(&address, &transport, CONNECT_TIMEOUT).await {
            Ok(connection) => connection,
            Err(e) => {
                // The caller retries or reports it; each attempt is only routine.
                crate::log!(Info, "client", "connecting to SPU {leader} at {address} failed: {e}");
                return Err(e);
            }
        };
        if reconnecting {
            ClientStats::count(&self.inner.stats.reconnects, 1);
            crate::log!(Notice, "client", "reconnected to SPU {leader} at {address}");
        } else {
            crate::log!(Info, "client", "connected to SPU {leader} at {address}");
        }
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// The SPU leading `key` (`topic`-`partition`). The partitions of a new
    /// topic are announced on their own watch, possibly after the topic:
    /// wait for them. A partition missing because its topic is (or is being)
    /// deleted is reported as such, not as a bad argument.
    async fn partition_leader(&self, topic: &str, partition: u32, key: &str) -> Result<i32> {
        let metadata = &self.inner.metadata;
        let mut topic_updates = metadata.topics.subscribe();
        let mut partition_updates = metadata.partitions.subscribe();
        let wait = async {
            loop {
                if let Some(found) = metadata.partitions.get(key) {
                    return Ok(found.spec.leader);
                }
                match metadata.topics.get(topic) {
                    None => return Err(ClientError::TopicNotFound(topic.to_string())),
                    Some(t) if partition >= t.spec.partition_count() => {
                        return Err(ClientError::InvalidArgument(format!("partition {partition} of topic '{topic}' does not exist")))
                    }
                    Some(_) => {}
                }
                tokio::select! {
                    changed = topic_updates.changed() => changed,
                    changed = partition_updates.changed() => changed,
                }
                .map_err(|_| ClientError::Closed)?;
            }
        };
        tokio::time::timeout(METADATA_TIMEOUT, wait)
            .await
            .map_err(|_| ClientError::Timeout(format!("the cluster did not announce partition {key}")))?
    }
}

/// Backoff between SC reconnection attempts: from the first to the last.
const SC_RECONNECT_BACKOFF: (Duration, Duration) = (Duration::from_millis(20), Duration::from_secs(2));

/// Keeps the client's SC connection: when it drops, reconnects (with
/// backoff, for as long as the client lives) and re-opens the metadata
/// watches, whose first frames bring the stores up to date. Meanwhile the
/// stores keep what they knew, so SPU traffic carries on where it can.
async fn reconnect_sc(inner: std::sync::Weak<Inner>, mut client_gone: tokio::sync::watch::Receiver<()>) {
    loop {
        let Some(sc) = inner.upgrade().map(|i| i.sc.borrow().clone()) else { return };
        // Holding `sc` here must not outlive the client.
        tokio::select! {
            _ = sc.closed() => {}
            _ = client_gone.changed() => return,
        }
        drop(sc);
        if let Some(client) = inner.upgrade() {
            crate::log!(Warning, "client", "connection to the SC at {} lost; reconnecting", client.endpoint);
        }
        let mut backoff = SC_RECONNECT_BACKOFF.0;
        loop {
            let Some(client) = inner.upgrade() else { return };
            let reconnected = async {
                let sc = Connection::connect_with(&client.endpoint, &client.transport, CONNECT_TIMEOUT).await?;
                client.metadata.follow(&sc).await?;
                Ok::<_, ClientError>(sc)
            };
            match reconnected.await {
                Ok(sc) => {
                    ClientStats::count(&client.stats.reconnects, 1);
                    crate::log!(Notice, "client", "reconnected to the SC at {}", client.endpoint);
                    client.sc.send_replace(sc);
                    break;
                }
                Err(e) => {
                    crate::log!(Info, "client", "reconnecting to the SC at {} failed ({e}); next attempt in {backoff:?}", client.endpoint);
                    drop(client); // do not keep the client alive while waiting
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = client_gone.changed() => return,
                    }
                    backoff = (backoff * 2).min(SC_RECONNECT_BACKOFF.1);
                }
            }
        }
    }
}

pub(crate) fn status_result(name: &str, status: crate::protocol::sc::Status) -> Result<()> {
    match status.error_code {
        ErrorCode::None => Ok(()),
        ErrorCode::TopicAlreadyExists => Err(ClientError::TopicExists(name.to_string())),
        ErrorCode::TopicNotFound => Err(ClientError::TopicNotFound(name.to_string())),
        code => {
            let message = status.error_message.unwrap_or_else(|| code.to_string());
            Err(ClientError::Server { code, message: format!("topic '{name}': {message}") })
        }
    }
}

fn smartmodule_status_result(name: &str, status: crate::protocol::sc::Status) -> Result<()> {
    match status.error_code {
        ErrorCode::None => Ok(()),
        code => {
            let message = status.error_message.unwrap_or_else(|| code.to_string());
            Err(ClientError::Server { code, message: format!("SmartModule '{name}': {message}") })
        }
    }
}

/// Rejects consumer ids the wire cannot carry (a String has an i16 length)
/// and the empty one.
pub fn validate_consumer_id(id: &str) -> Result<()> {
    if id.is_empty() || id.len() > i16::MAX as usize {
        return Err(ClientError::InvalidArgument(format!("consumer id must be 1 to 32767 bytes long, not {}", id.len())));
    }
    Ok(())
}

/// Rejects names the cluster would refuse, before a round trip.
pub fn validate_topic_name(name: &str) -> Result<()> {
    match crate::protocol::sc::invalid_topic_name(name) {
        None => Ok(()),
        Some(message) => Err(ClientError::InvalidArgument(message)),
    }
}
