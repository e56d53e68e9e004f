//! `ErrorCode`: an `i16` tag followed by the variant's fields. Decoding an
//! unknown tag fails the whole message, exactly as in Fluvio.

use std::fmt;

use super::codec::{Decode, DecodeError, DecodeResult, Encode, Reader, Version};
use super::spu::ReplicaKey;

crate::wire_enum! {
    /// What a request that timed out on the server was doing.
    pub enum RequestKind: u8 {
        Produce = 0,
    }
    default Produce
}

crate::wire_enum! {
    /// Which kind of SmartModule failed (inside `SmartModuleRuntimeError`).
    pub enum SmartModuleKind: u8 {
        Filter = 0,
        Map = 1,
        ArrayMap = 2,
        Aggregate = 3,
        FilterMap = 4,
        Join = 5,
        Generic = 6,
    }
    default Filter
}

/// Record bytes as carried inside an error: a varint length, then the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VarintBytes(pub Vec<u8>);

impl Encode for VarintBytes {
    fn encode(&self, out: &mut Vec<u8>, _version: Version) {
        super::codec::write_varint(out, self.0.len() as i64);
        out.extend_from_slice(&self.0);
    }
}

impl Decode for VarintBytes {
    fn decode(r: &mut Reader<'_>, _version: Version) -> DecodeResult<Self> {
        let len = r.read_varint_len("record data")?;
        Ok(VarintBytes(r.take(len)?.to_vec()))
    }
}

crate::wire_struct! {
    /// Details of a SmartModule that failed on a record (error 6004).
    pub struct SmartModuleRuntimeError {
        pub hint: String,
        pub offset: i64,
        pub kind: SmartModuleKind,
        pub record_key: Option<VarintBytes>,
        pub record_value: VarintBytes,
    }
}

macro_rules! error_codes {
    (
        unit { $( $unit:ident = $utag:expr => $umsg:expr, )* }
        data { $( $data:ident $fields:tt = $dtag:expr, )* }
    ) => {
        /// A Fluvio server error code.
        #[derive(Debug, Clone, PartialEq, Default)]
        pub enum ErrorCode {
            #[default]
            None,
            $( $unit, )*
            $( $data $fields, )*
        }

        impl ErrorCode {
            /// The `i16` tag the code is encoded with.
            pub fn tag(&self) -> i16 {
                match self {
                    ErrorCode::None => 0,
                    $( ErrorCode::$unit => $utag, )*
                    $( error_codes!(@pattern $data $fields) => $dtag, )*
                }
            }

            /// The code without fields whose tag is `tag`, if there is one.
            pub fn unit_from_tag(tag: i16) -> Option<Self> {
                match tag {
                    0 => Some(ErrorCode::None),
                    $( $utag => Some(ErrorCode::$unit), )*
                    _ => None,
                }
            }

            /// Every code's tag and variant name (the official crate's
            /// `ErrorCode` variants), in declaration order.
            pub const NAMES: &'static [(i16, &'static str)] = &[
                (0, "None"),
                $( ($utag, stringify!($unit)), )*
                $( ($dtag, stringify!($data)), )*
            ];

            /// The variant name of the code tagged `tag`, if it is one.
            pub fn name_of(tag: i16) -> Option<&'static str> {
                Self::NAMES.iter().find(|(t, _)| *t == tag).map(|(_, name)| *name)
            }

            fn unit_message(&self) -> Option<&'static str> {
                match self {
                    ErrorCode::None => Some("success"),
                    $( ErrorCode::$unit => Some($umsg), )*
                    _ => None,
                }
            }
        }
    };
    (@pattern $data:ident ( $($t:ty),* )) => { ErrorCode::$data(..) };
    (@pattern $data:ident { $($f:ident : $t:ty),* }) => { ErrorCode::$data { .. } };
}

error_codes! {
    unit {
        UnknownServerError = -1 => "an unknown server error occurred",
        OffsetOutOfRange = 1 => "offset out of range",
        NotLeaderForPartition = 6 => "the SPU is not the leader for the partition",
        MessageTooLarge = 10 => "the message is too large",
        PermissionDenied = 13 => "permission denied",
        StorageError = 56 => "a storage error occurred",
        InvalidCreateRequest = 60 => "invalid create request",
        InvalidDeleteRequest = 61 => "invalid delete request",
        PartitionShortCircuited = 73 => "the partition is short-circuited",
        SpuError = 1000 => "an error occurred on the SPU",
        SpuRegisterationFailed = 1001 => "failed to register an SPU",
        SpuOffline = 1002 => "the SPU is offline",
        SpuNotFound = 1003 => "the SPU was not found",
        SpuAlreadyExists = 1004 => "the SPU already exists",
        TopicError = 2000 => "a topic error occurred",
        TopicNotFound = 2001 => "the topic was not found",
        TopicAlreadyExists = 2002 => "the topic already exists",
        TopicPendingInitialization = 2003 => "the topic has not been initialized",
        TopicInvalidConfiguration = 2004 => "the topic configuration is invalid",
        TopicNotProvisioned = 2005 => "the topic is not provisioned",
        TopicInvalidName = 2006 => "the topic name is invalid",
        TopicDeleted = 2007 => "the topic was deleted",
        TopicInvalidReplicaType = 2008 => "the topic has an invalid replica type",
        PartitionPendingInitialization = 3000 => "the partition is not initialized",
        PartitionNotLeader = 3001 => "the SPU is not the leader for the partition",
        FetchSessionNotFoud = 3002 => "the fetch session was not found",
        OffsetManagementDisabled = 3004 => "offset management is disabled for the stream",
        MaxRetryReached = 3005 => "max retry attempts reached",
        ManagedConnectorError = 5000 => "a managed connector error occurred",
        ManagedConnectorNotFound = 5001 => "the managed connector was not found",
        ManagedConnectorAlreadyExists = 5002 => "the managed connector already exists",
        SmartModuleError = 6000 => "a SmartModule error occurred",
        TableFormatError = 7000 => "a table format error occurred",
        TableFormatNotFound = 7001 => "the table format was not found",
        TableFormatAlreadyExists = 7002 => "the table format already exists",
        DerivedStreamObjectError = 8000 => "a derived stream error occurred",
        DerivedStreamJoinFetchError = 8002 => "the derived stream join data cannot be fetched",
        CompressionError = 9000 => "the batch compression does not match the topic",
        DeduplicationSmartModuleNotLoaded = 10000 => "the deduplication SmartModule is not loaded",
        MirrorNotFound = 11001 => "the mirror was not found",
        MirrorAlreadyExists = 11002 => "the mirror already exists",
        MirrorProduceFromHome = 11003 => "producing from home is not allowed",
        MirrorDeleteFromRemote = 11004 => "deleting from remote is not allowed",
        MirrorInvalidType = 11005 => "the mirror is invalid",
        MirrorProduceFromRemoteNotAllowed = 11006 => "producing from a remote target is not allowed",
    }
    data {
        Other(String) = 2,
        RequestTimedOut { timeout_ms: u64, kind: RequestKind } = 7,
        OffsetEvicted { offset: i64, next_available: i64 } = 71,
        PartitionFull { replica_key: ReplicaKey } = 72,
        OffsetFlushRequestError(String) = 3003,
        SmartModuleNotFound { name: String } = 6001,
        SmartModuleInvalid { error: String, name: Option<String> } = 6002,
        SmartModuleInvalidExports { error: String, kind: String } = 6003,
        SmartModuleRuntimeError(Box<SmartModuleRuntimeError>) = 6004,
        SmartModuleChainInitError(String) = 6005,
        SmartModuleInitError { hint: String } = 6006,
        SmartModuleLookBackError(String) = 6007,
        SmartModuleMemoryLimitExceeded { requested: u64, max: u64 } = 6008,
        DerivedStreamNotFound(String) = 8001,
        DerivedStreamInvalid(String) = 8003,
        DeduplicationSmartModuleNameInvalid(String) = 10001,
        SystemSpecDeletionAttempt { kind: String, name: String } = 12001,
        SystemSpecUpdatingAttempt { kind: String, name: String } = 12002,
    }
}

impl ErrorCode {
    /// Whether a SmartModule failed (codes 6000..=6008).
    pub fn is_smartmodule_error(&self) -> bool {
        (6000..=6008).contains(&self.tag())
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, ErrorCode::None)
    }

    pub fn is_error(&self) -> bool {
        !self.is_ok()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(msg) = self.unit_message() {
            return f.write_str(msg);
        }
        match self {
            ErrorCode::Other(msg) => write!(f, "{msg}"),
            ErrorCode::RequestTimedOut { timeout_ms, .. } => {
                write!(f, "the request exceeded the server timeout of {timeout_ms} ms")
            }
            ErrorCode::OffsetEvicted { offset, next_available } => {
                write!(f, "offset {offset} was evicted; the next available is {next_available}")
            }
            ErrorCode::PartitionFull { replica_key } => {
                write!(f, "partition {}-{} is full", replica_key.topic, replica_key.partition)
            }
            ErrorCode::OffsetFlushRequestError(msg) => write!(f, "offset flush error: {msg}"),
            ErrorCode::SmartModuleNotFound { name } => write!(f, "SmartModule {name} was not found"),
            ErrorCode::SmartModuleInvalid { error, .. } => write!(f, "SmartModule is invalid: {error}"),
            ErrorCode::SmartModuleInvalidExports { error, kind } => {
                write!(f, "SmartModule is not a valid '{kind}' SmartModule: {error}")
            }
            ErrorCode::SmartModuleRuntimeError(e) => {
                write!(f, "SmartModule failed at offset {}: {}", e.offset, e.hint)
            }
            ErrorCode::SmartModuleChainInitError(msg) => {
                write!(f, "SmartModule chain initialization failed: {msg}")
            }
            ErrorCode::SmartModuleInitError { hint } => write!(f, "SmartModule init error: {hint}"),
            ErrorCode::SmartModuleLookBackError(msg) => write!(f, "SmartModule look-back error: {msg}"),
            ErrorCode::SmartModuleMemoryLimitExceeded { requested, max } => {
                write!(f, "SmartModule asked for {requested} bytes of memory, the limit is {max}")
            }
            ErrorCode::DerivedStreamNotFound(name) => write!(f, "derived stream {name} was not found"),
            ErrorCode::DerivedStreamInvalid(name) => write!(f, "derived stream {name} is invalid"),
            ErrorCode::DeduplicationSmartModuleNameInvalid(name) => {
                write!(f, "deduplication SmartModule name is invalid: {name}")
            }
            ErrorCode::SystemSpecDeletionAttempt { kind, name } => {
                write!(f, "system {kind} '{name}' can only be deleted forcibly")
            }
            ErrorCode::SystemSpecUpdatingAttempt { kind, name } => {
                write!(f, "system {kind} '{name}' can only be updated forcibly")
            }
            _ => write!(f, "server error {}", self.tag()),
        }
    }
}

impl Encode for ErrorCode {
    fn encode(&self, out: &mut Vec<u8>, v: Version) {
        self.tag().encode(out, v);
        match self {
            ErrorCode::Other(s)
            | ErrorCode::OffsetFlushRequestError(s)
            | ErrorCode::SmartModuleChainInitError(s)
            | ErrorCode::SmartModuleLookBackError(s)
            | ErrorCode::DerivedStreamNotFound(s)
            | ErrorCode::DerivedStreamInvalid(s)
            | ErrorCode::DeduplicationSmartModuleNameInvalid(s)
            | ErrorCode::SmartModuleNotFound { name: s }
            | ErrorCode::SmartModuleInitError { hint: s } => s.encode(out, v),
            ErrorCode::RequestTimedOut { timeout_ms, kind } => {
                timeout_ms.encode(out, v);
                kind.encode(out, v);
            }
            ErrorCode::OffsetEvicted { offset, next_available } => {
                offset.encode(out, v);
                next_available.encode(out, v);
            }
            ErrorCode::PartitionFull { replica_key } => replica_key.encode(out, v),
            ErrorCode::SmartModuleInvalid { error, name } => {
                error.encode(out, v);
                name.encode(out, v);
            }
            ErrorCode::SmartModuleInvalidExports { error: a, kind: b }
            | ErrorCode::SystemSpecDeletionAttempt { kind: a, name: b }
            | ErrorCode::SystemSpecUpdatingAttempt { kind: a, name: b } => {
                a.encode(out, v);
                b.encode(out, v);
            }
            ErrorCode::SmartModuleRuntimeError(e) => e.encode(out, v),
            ErrorCode::SmartModuleMemoryLimitExceeded { requested, max } => {
                requested.encode(out, v);
                max.encode(out, v);
            }
            _ => {}
        }
    }
}

impl Decode for ErrorCode {
    const MIN_LEN: usize = 2;
    fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
        let tag = i16::decode(r, v)?;
        if let Some(unit) = ErrorCode::unit_from_tag(tag) {
            return Ok(unit);
        }
        Ok(match tag {
            2 => ErrorCode::Other(String::decode(r, v)?),
            7 => ErrorCode::RequestTimedOut {
                timeout_ms: u64::decode(r, v)?,
                kind: RequestKind::decode(r, v)?,
            },
            71 => ErrorCode::OffsetEvicted { offset: i64::decode(r, v)?, next_available: i64::decode(r, v)? },
            72 => ErrorCode::PartitionFull { replica_key: ReplicaKey::decode(r, v)? },
            3003 => ErrorCode::OffsetFlushRequestError(String::decode(r, v)?),
            6001 => ErrorCode::SmartModuleNotFound { name: String::decode(r, v)? },
            6002 => ErrorCode::SmartModuleInvalid { error: String::decode(r, v)?, name: Option::decode(r, v)? },
            6003 => ErrorCode::SmartModuleInvalidExports { error: String::decode(r, v)?, kind: String::decode(r, v)? },
            6004 => ErrorCode::SmartModuleRuntimeError(Box::new(SmartModuleRuntimeError::decode(r, v)?)),
            6005 => ErrorCode::SmartModuleChainInitError(String::decode(r, v)?),
            6006 => ErrorCode::SmartModuleInitError { hint: String::decode(r, v)? },
            6007 => ErrorCode::SmartModuleLookBackError(String::decode(r, v)?),
            6008 => ErrorCode::SmartModuleMemoryLimitExceeded { requested: u64::decode(r, v)?, max: u64::decode(r, v)? },
            8001 => ErrorCode::DerivedStreamNotFound(String::decode(r, v)?),
            8003 => ErrorCode::DerivedStreamInvalid(String::decode(r, v)?),
            10001 => ErrorCode::DeduplicationSmartModuleNameInvalid(String::decode(r, v)?),
            12001 => ErrorCode::SystemSpecDeletionAttempt { kind: String::decode(r, v)?, name: String::decode(r, v)? },
            12002 => ErrorCode::SystemSpecUpdatingAttempt { kind: String::decode(r, v)?, name: String::decode(r, v)? },
            other => return Err(DecodeError::UnknownTag { ty: "ErrorCode", tag: other.into() }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples() {
        assert_eq!(ErrorCode::None.to_bytes(0), [0, 0]);
        assert_eq!(ErrorCode::UnknownServerError.to_bytes(0), [0xff, 0xff]);
        assert_eq!(ErrorCode::TopicNotFound.to_bytes(0), [0x07, 0xd1]);
        assert_eq!(ErrorCode::Other("x".into()).to_bytes(0), [0, 2, 0, 1, b'x']);
        let evicted = ErrorCode::OffsetEvicted { offset: 5, next_available: 7 };
        let bytes = evicted.to_bytes(0);
        assert_eq!(bytes[..2], [0, 71]);
        assert_eq!(ErrorCode::from_bytes(&bytes, 0), Ok(evicted));
    }

    #[test]
    fn names_follow_the_official_variants() {
        assert_eq!(ErrorCode::name_of(2001), Some("TopicNotFound"));
        assert_eq!(ErrorCode::name_of(6004), Some("SmartModuleRuntimeError"));
        assert_eq!(ErrorCode::name_of(0), Some("None"));
        assert_eq!(ErrorCode::name_of(4242), None);
        let mut tags: Vec<i16> = ErrorCode::NAMES.iter().map(|(t, _)| *t).collect();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(tags.len(), ErrorCode::NAMES.len(), "a tag is named twice");
    }

    #[test]
    fn unknown_tag_is_an_error() {
        assert!(matches!(
            ErrorCode::from_bytes(&[0x7f, 0x00], 0),
            Err(DecodeError::UnknownTag { ty: "ErrorCode", tag: 0x7f00 })
        ));
    }
}
