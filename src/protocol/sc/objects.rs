//! The ObjectApi: Create, Delete, List and Watch of cluster objects, each
//! carried in a TypeBuffer (a type label, a length, and the payload encoded
//! at the request's version).

use std::fmt::Debug;

use super::partition::{PartitionSpec, PartitionStatus};
use super::smartmodule::SmartModuleSpec;
use super::spu::{SpuSpec, SpuStatus};
use super::topic::{TopicSpec, TopicStatus};
use super::{api_key, Status, SC_VERSION};
use crate::protocol::codec::{Decode, DecodeError, DecodeResult, Encode, Reader, Version};
use crate::protocol::frame::Request;

/// From this version on a TypeBuffer carries the payload's length.
const DYN_OBJ_VERSION: Version = 11;

/// An object kind with a spec and a status, known by its label.
pub trait Spec: Encode + Decode + Clone + Debug + PartialEq + Default {
    const LABEL: &'static str;
    type Status: Encode + Decode + Clone + Debug + PartialEq + Default;
}

impl Spec for TopicSpec {
    const LABEL: &'static str = "Topic";
    type Status = TopicStatus;
}

impl Spec for PartitionSpec {
    const LABEL: &'static str = "Partition";
    type Status = PartitionStatus;
}

impl Spec for SpuSpec {
    const LABEL: &'static str = "SPU";
    type Status = SpuStatus;
}

/// An object of the cluster: its key, what was asked for, what is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metadata<S: Spec> {
    pub name: String,
    pub spec: S,
    pub status: S::Status,
}

impl<S: Spec> Encode for Metadata<S> {
    fn encode(&self, out: &mut Vec<u8>, v: Version) {
        self.name.encode(out, v);
        self.spec.encode(out, v);
        self.status.encode(out, v);
    }
}

impl<S: Spec> Decode for Metadata<S> {
    fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
        Ok(Metadata { name: String::decode(r, v)?, spec: S::decode(r, v)?, status: S::Status::decode(r, v)? })
    }
}

/// A labelled payload whose label this library does not model (kept as bytes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypeBuffer {
    pub ty: String,
    pub payload: Vec<u8>,
}

impl TypeBuffer {
    fn write(out: &mut Vec<u8>, ty: &str, payload: &[u8], v: Version) {
        ty.encode(out, v);
        if v >= DYN_OBJ_VERSION {
            (payload.len() as u32).encode(out, v);
        }
        out.extend_from_slice(payload);
    }
}

impl Encode for TypeBuffer {
    fn encode(&self, out: &mut Vec<u8>, v: Version) {
        TypeBuffer::write(out, &self.ty, &self.payload, v)
    }
}

impl Decode for TypeBuffer {
    fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
        if v < DYN_OBJ_VERSION {
            return Err(DecodeError::Invalid(format!(
                "ObjectApi version {v} uses the classic encoding, which is not supported (use {DYN_OBJ_VERSION} or later)"
            )));
        }
        let ty = String::decode(r, v)?;
        let len = u32::decode(r, v)? as usize;
        if len > r.remaining() {
            return Err(DecodeError::InvalidLength { what: "type buffer", len: len as i64 });
        }
        Ok(TypeBuffer { ty, payload: r.take(len)?.to_vec() })
    }
}

/// Declares an ObjectApi message: one variant per label this library
/// models, plus `Other` for any other label.
macro_rules! object_envelope {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $variant:ident($ty:ty) = $label:expr ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $( $variant($ty), )*
            /// A label this library does not model, kept as raw bytes.
            Other(TypeBuffer),
        }

        impl $name {
            /// The type label on the wire.
            pub fn label(&self) -> &str {
                match self {
                    $( $name::$variant(_) => $label, )*
                    $name::Other(buffer) => &buffer.ty,
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::Other(TypeBuffer::default())
            }
        }

        impl Encode for $name {
            fn encode(&self, out: &mut Vec<u8>, v: Version) {
                match self {
                    $( $name::$variant(value) => TypeBuffer::write(out, $label, &value.to_bytes(v), v), )*
                    $name::Other(buffer) => buffer.encode(out, v),
                }
            }
        }

        impl Decode for $name {
            fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
                let buffer = TypeBuffer::decode(r, v)?;
                match buffer.ty.as_str() {
                    $( $label => Ok($name::$variant(<$ty>::from_bytes(&buffer.payload, v)?)), )*
                    _ => Ok($name::Other(buffer)),
                }
            }
        }
    };
}

crate::wire_struct! {
    pub struct CommonCreateRequest {
        pub name: String,
        pub dry_run: bool,
        /// Milliseconds.
        pub timeout: Option<u32> [7, i16::MAX],
    }
}

crate::wire_struct! {
    pub struct TopicCreateRequest {
        pub common: CommonCreateRequest,
        pub request: TopicSpec,
    }
}

crate::wire_struct! {
    pub struct SmartModuleCreateRequest {
        pub common: CommonCreateRequest,
        pub request: SmartModuleSpec,
    }
}

object_envelope! {
    /// Create (API key 1001); answered with a [`Status`].
    pub enum ObjectApiCreateRequest {
        Topic(TopicCreateRequest) = "Topic",
        SmartModule(SmartModuleCreateRequest) = "SmartModule",
    }
}

impl Request for ObjectApiCreateRequest {
    const API_KEY: u16 = api_key::CREATE;
    const DEFAULT_API_VERSION: Version = SC_VERSION;
    const MIN_API_VERSION: Version = 9;
    type Response = Status;
}

crate::wire_struct! {
    pub struct DeleteRequest {
        /// The object's key (a topic's name).
        pub key: String,
        /// Needed to delete system objects.
        pub force: bool [13, i16::MAX],
    }
}

object_envelope! {
    /// Delete (API key 1002); answered with a [`Status`].
    pub enum ObjectApiDeleteRequest {
        Topic(DeleteRequest) = "Topic",
        SmartModule(DeleteRequest) = "SmartModule",
    }
}

impl Request for ObjectApiDeleteRequest {
    const API_KEY: u16 = api_key::DELETE;
    const DEFAULT_API_VERSION: Version = SC_VERSION;
    const MIN_API_VERSION: Version = 1;
    type Response = Status;
}

crate::wire_struct! {
    /// Grows a topic by `count` partitions.
    pub struct AddPartition {
        pub count: u32,
    }
}

crate::wire_struct! {
    /// Mirrors a topic to (or, with `home_to_mirror`, from) a remote cluster.
    pub struct AddMirror {
        pub remote_cluster: String,
        pub home_to_mirror: bool,
    }
}

crate::wire_union! {
    /// What an Update does to a topic.
    pub enum UpdateTopicAction {
        AddPartition(AddPartition) = 0,
        AddMirror(AddMirror) = 1,
    }
    default AddPartition
}

crate::wire_struct! {
    pub struct TopicUpdateRequest {
        /// The topic's name.
        pub key: String,
        pub action: UpdateTopicAction,
    }
}

object_envelope! {
    /// Update (API key 1006); answered with a [`Status`].
    pub enum ObjectApiUpdateRequest {
        Topic(TopicUpdateRequest) = "Topic",
    }
}

impl Request for ObjectApiUpdateRequest {
    const API_KEY: u16 = api_key::UPDATE;
    const DEFAULT_API_VERSION: Version = SC_VERSION;
    const MIN_API_VERSION: Version = 1;
    type Response = Status;
}

crate::wire_struct! {
    /// Matches objects whose name contains `name`.
    pub struct ListFilter {
        pub name: String,
    }
}

crate::wire_struct! {
    pub struct ListRequest {
        /// No filters: everything.
        pub name_filters: Vec<ListFilter>,
        pub summary: bool [10, i16::MAX],
        /// Topics and partitions are listed only when their `system` flag equals this.
        pub system: bool [13, i16::MAX],
    }
}

object_envelope! {
    /// List (API key 1003).
    pub enum ObjectApiListRequest {
        Topic(ListRequest) = "Topic",
        Partition(ListRequest) = "Partition",
        Spu(ListRequest) = "SPU",
        SmartModule(ListRequest) = "SmartModule",
    }
}

impl Request for ObjectApiListRequest {
    const API_KEY: u16 = api_key::LIST;
    const DEFAULT_API_VERSION: Version = SC_VERSION;
    const MIN_API_VERSION: Version = 15;
    type Response = ObjectApiListResponse;
}

object_envelope! {
    pub enum ObjectApiListResponse {
        Topic(Vec<Metadata<TopicSpec>>) = "Topic",
        Partition(Vec<Metadata<PartitionSpec>>) = "Partition",
        Spu(Vec<Metadata<SpuSpec>>) = "SPU",
        SmartModule(Vec<Metadata<SmartModuleSpec>>) = "SmartModule",
    }
}

crate::wire_struct! {
    pub struct WatchRequest {
        /// Always 0 from the clients.
        pub epoch: i64,
        pub summary: bool [10, i16::MAX],
    }
}

object_envelope! {
    /// Watch (API key 1004): answered by an endless stream of
    /// [`ObjectApiWatchResponse`] frames with the request's correlation id.
    pub enum ObjectApiWatchRequest {
        Topic(WatchRequest) = "Topic",
        Partition(WatchRequest) = "Partition",
        Spu(WatchRequest) = "SPU",
    }
}

impl Request for ObjectApiWatchRequest {
    const API_KEY: u16 = api_key::WATCH;
    const DEFAULT_API_VERSION: Version = SC_VERSION;
    const MIN_API_VERSION: Version = 15;
    type Response = ObjectApiWatchResponse;
}

object_envelope! {
    pub enum ObjectApiWatchResponse {
        Topic(MetadataUpdate<TopicSpec>) = "Topic",
        Partition(MetadataUpdate<PartitionSpec>) = "Partition",
        Spu(MetadataUpdate<SpuSpec>) = "SPU",
    }
}

crate::wire_enum! {
    pub enum MsgType: u8 {
        Update = 0,
        Delete = 1,
    }
    default Update
}

/// One change in a watch frame.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message<S: Spec> {
    pub header: MsgType,
    pub content: Metadata<S>,
}

impl<S: Spec> Encode for Message<S> {
    fn encode(&self, out: &mut Vec<u8>, v: Version) {
        self.header.encode(out, v);
        self.content.encode(out, v);
    }
}

impl<S: Spec> Decode for Message<S> {
    fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
        Ok(Message { header: MsgType::decode(r, v)?, content: Metadata::decode(r, v)? })
    }
}

/// A watch frame: a full snapshot (`all` non-empty replaces the client's
/// store) or incremental `changes`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetadataUpdate<S: Spec> {
    pub epoch: i64,
    pub changes: Vec<Message<S>>,
    pub all: Vec<Metadata<S>>,
}

impl<S: Spec> Encode for MetadataUpdate<S> {
    fn encode(&self, out: &mut Vec<u8>, v: Version) {
        self.epoch.encode(out, v);
        self.changes.encode(out, v);
        self.all.encode(out, v);
    }
}

impl<S: Spec> Decode for MetadataUpdate<S> {
    fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
        Ok(MetadataUpdate { epoch: i64::decode(r, v)?, changes: Vec::decode(r, v)?, all: Vec::decode(r, v)? })
    }
}
