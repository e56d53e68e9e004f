//! The SC (controller) listener: ApiVersions, topic Create/Delete/List/Update and
//! metadata Watch streams with full and incremental updates.

use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio::sync::broadcast::error::RecvError;

use super::faults::{Faults, Gate};
use super::connection::{accept_loop, next_request, split, Incoming};
use crate::connection::{FrameLimits, FrameSender, WireStyle};
use super::state::{AdminError, ClusterState, MetadataEvent};
use super::Shutdown;
use crate::protocol::api_versions::{ApiVersionsResponse, PlatformVersion};
use crate::protocol::codec::Version;
use crate::protocol::error_code::ErrorCode;
use crate::protocol::frame::RequestHeader;
use crate::protocol::sc::*;
use crate::protocol::spu::ReplicaKey;

/// What the SC reports as its platform version (clients require ≥ 0.9.0).
pub const PLATFORM_VERSION: &str = "0.18.1";

fn api_versions() -> ApiVersionsResponse {
    let keys = [
        (api_key::CREATE, 11, SC_VERSION),
        (api_key::DELETE, 11, SC_VERSION),
        (api_key::LIST, 15, SC_VERSION),
        (api_key::WATCH, 15, SC_VERSION),
        (api_key::UPDATE, 1, SC_VERSION),
    ];
    ApiVersionsResponse::listing(&keys, PlatformVersion::new(PLATFORM_VERSION).expect("semver"))
}

pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    wire: WireStyle,
    gate: Gate,
    faults: Arc<Faults>,
    state: Arc<ClusterState>,
    limits: FrameLimits,
    shutdown: Shutdown,
) {
    accept_loop(listener, tls, wire, gate, shutdown, |incoming| connection(incoming, state.clone(), faults.clone(), limits)).await
}

async fn connection(incoming: Incoming, state: Arc<ClusterState>, faults: Arc<Faults>, limits: FrameLimits) {
    let Some((mut reader, sender)) = split(incoming, limits, "SC").await else { return };
    while let Some((header, request)) = next_request(&mut reader, "SC", ScRequest::decode).await {
        if matches!(request, ScRequest::Create(_)) && faults.take_stalled_create() {
            // A test's fault: no answer, and this connection is read no
            // more, until the cluster stops or drops its connections.
            std::future::pending::<()>().await;
        }
        if !handle(&state, &sender, &header, request).await {
            return;
        }
    }
}

/// Answers one request; `false` when the connection is gone.
async fn handle(state: &Arc<ClusterState>, sender: &FrameSender, header: &RequestHeader, request: ScRequest) -> bool {
    let (id, version) = (header.correlation_id, header.api_version);
    match request {
        ScRequest::ApiVersions(_) => sender.send(id, version, &api_versions()).await,
        ScRequest::Create(create) => match *create {
            ObjectApiCreateRequest::Topic(create) => {
                let name = create.common.name;
                let status = match state.create_topic(&name, create.request, create.common.dry_run) {
                    Ok(()) => Status::ok(name),
                    Err(e) => Status::error(name, e.code, e.message),
                };
                sender.send(id, version, &status).await
            }
            ObjectApiCreateRequest::SmartModule(create) => {
                let name = create.common.name;
                let status = match tokio::task::block_in_place(|| state.create_smartmodule(&name, create.request, create.common.dry_run)) {
                    Ok(key) => Status::ok(key),
                    Err(e) => Status::error(name, e.code, e.message),
                };
                sender.send(id, version, &status).await
            }
            other => {
                let status = Status::error("", ErrorCode::InvalidCreateRequest, format!("creating {} objects is not supported", other.label()));
                sender.send(id, version, &status).await
            }
        },
        ScRequest::Delete(ObjectApiDeleteRequest::Topic(delete)) => {
            let status = match state.delete_topic(&delete.key, delete.force) {
                Ok(()) => Status::ok(delete.key),
                Err(e) => Status::error(delete.key, e.code, e.message),
            };
            sender.send(id, version, &status).await
        }
        ScRequest::Delete(ObjectApiDeleteRequest::SmartModule(delete)) => {
            let status = match tokio::task::block_in_place(|| state.delete_smartmodule(&delete.key)) {
                Ok(()) => Status::ok(delete.key),
                Err(e) => Status::error(delete.key, e.code, e.message),
            };
            sender.send(id, version, &status).await
        }
        ScRequest::Delete(other) => {
            let status = Status::error("", ErrorCode::InvalidDeleteRequest, format!("deleting {} objects is not supported", other.label()));
            sender.send(id, version, &status).await
        }
        ScRequest::Update(ObjectApiUpdateRequest::Topic(update)) => {
            let result = match update.action {
                UpdateTopicAction::AddPartition(add) => state.add_partitions(&update.key, add.count),
                // This cluster knows no remote clusters, so none is ever found.
                UpdateTopicAction::AddMirror(_) => Err(AdminError { code: ErrorCode::MirrorNotFound, message: "not found".into() }),
            };
            let status = match result {
                Ok(()) => Status::ok(update.key),
                Err(e) => Status::error(update.key, e.code, e.message),
            };
            sender.send(id, version, &status).await
        }
        ScRequest::Update(ObjectApiUpdateRequest::Other(_)) => {
            // The official SC's answer to an Update of any other kind.
            let status = Status { name: "update error".into(), error_code: ErrorCode::Other("unknown admin object type".into()), error_message: None };
            sender.send(id, version, &status).await
        }
        ScRequest::List(list) => sender.send(id, version, &list_response(state, list)).await,
        ScRequest::Watch(watch) => {
            let (state, sender) = (state.clone(), sender.clone());
            tokio::spawn(watch_stream(state, sender, id, version, watch));
            true
        }
    }
}

/// A filter matches when it is a substring of the name; no filters match all.
fn matches(filters: &[ListFilter], name: &str) -> bool {
    filters.is_empty() || filters.iter().any(|f| name.contains(&f.name))
}

fn list_response(state: &ClusterState, list: ObjectApiListRequest) -> ObjectApiListResponse {
    match list {
        ObjectApiListRequest::Topic(req) => ObjectApiListResponse::Topic(
            state.topics().into_iter().filter(|t| t.spec.system == req.system && matches(&req.name_filters, &t.name)).collect(),
        ),
        ObjectApiListRequest::Partition(req) => ObjectApiListResponse::Partition(
            state
                .partitions()
                .into_iter()
                .filter(|p| p.spec.system == req.system && matches(&req.name_filters, &p.name))
                .collect(),
        ),
        ObjectApiListRequest::Spu(req) => ObjectApiListResponse::Spu(
            state.spu_metadata().into_iter().filter(|s| matches(&req.name_filters, &s.name)).collect(),
        ),
        // As the official SC: with `summary`, the wasm's length instead of the wasm.
        ObjectApiListRequest::SmartModule(req) => ObjectApiListResponse::SmartModule(
            state
                .smartmodules()
                .into_iter()
                .filter(|m| matches(&req.name_filters, &m.name))
                .map(|m| if req.summary { Metadata { spec: m.spec.summary(), ..m } } else { m })
                .collect(),
        ),
        // An unknown kind: an empty list of that label.
        ObjectApiListRequest::Other(buffer) => {
            ObjectApiListResponse::Other(TypeBuffer { ty: buffer.ty, payload: 0u32.to_be_bytes().to_vec() })
        }
    }
}

/// The first frame of a watch: everything of the label. An empty store is
/// sent as a DELETE of a placeholder, because the official client ignores an
/// empty `all` and would wait 60 s for the store to become ready.
fn snapshot<S: Spec>(all: Vec<Metadata<S>>, placeholder: Metadata<S>, epoch: i64) -> MetadataUpdate<S> {
    if all.is_empty() {
        MetadataUpdate { epoch, changes: vec![Message { header: MsgType::Delete, content: placeholder }], all }
    } else {
        MetadataUpdate { epoch, changes: vec![], all }
    }
}

fn placeholder<S: Spec>(name: &str) -> Metadata<S> {
    Metadata { name: name.to_string(), spec: S::default(), status: S::Status::default() }
}

fn full_update(state: &ClusterState, watch: &ObjectApiWatchRequest, epoch: i64) -> Option<ObjectApiWatchResponse> {
    let none_partition = ReplicaKey::new("__none", 0).to_string();
    Some(match watch {
        ObjectApiWatchRequest::Topic(_) => ObjectApiWatchResponse::Topic(snapshot(state.topics(), placeholder("__none"), epoch)),
        ObjectApiWatchRequest::Partition(_) => {
            ObjectApiWatchResponse::Partition(snapshot(state.partitions(), placeholder(&none_partition), epoch))
        }
        ObjectApiWatchRequest::Spu(_) => ObjectApiWatchResponse::Spu(snapshot(state.spu_metadata(), placeholder("0"), epoch)),
        ObjectApiWatchRequest::Other(_) => return None,
    })
}

async fn watch_stream(state: Arc<ClusterState>, sender: FrameSender, id: i32, version: Version, watch: ObjectApiWatchRequest) {
    let mut events = state.subscribe();
    let mut epoch = 1;
    // Room in the outbound queue before building each frame: watches of a
    // client that does not read must not each hold a snapshot outside the queue.
    let Some(slot) = sender.reserve().await else { return };
    let Some(first) = full_update(&state, &watch, epoch) else {
        crate::log!(Warning, "local", "watch of unsupported kind {:?} ignored", watch.label());
        return;
    };
    slot.send(id, version, &first);
    loop {
        let event = tokio::select! {
            event = events.recv() => event,
            _ = sender.closed() => return,
        };
        let Some(slot) = sender.reserve().await else { return };
        epoch += 1;
        let update = match (event, &watch) {
            (Ok(MetadataEvent::Topics(changes)), ObjectApiWatchRequest::Topic(_)) => {
                ObjectApiWatchResponse::Topic(MetadataUpdate { epoch, changes, all: vec![] })
            }
            (Ok(MetadataEvent::Partitions(changes)), ObjectApiWatchRequest::Partition(_)) => {
                ObjectApiWatchResponse::Partition(MetadataUpdate { epoch, changes, all: vec![] })
            }
            (Ok(_), _) => continue,
            // Missed changes: start over from a full snapshot.
            (Err(RecvError::Lagged(_)), _) => match full_update(&state, &watch, epoch) {
                Some(update) => update,
                None => return,
            },
            (Err(RecvError::Closed), _) => return,
        };
        slot.send(id, version, &update);
    }
}
