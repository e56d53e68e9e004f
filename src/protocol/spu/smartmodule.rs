//! SmartModule invocations. The clients send none by default, but a server
//! must parse the lists that Produce and StreamFetch always carry.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::protocol::codec::{Decode, DecodeError, DecodeResult, Encode, Reader, Version};

/// StreamFetch/Produce version from which an invocation carries its name.
const VERSION_WITH_NAME: Version = 25;

/// Largest wasm module accepted, before compression (the client) and once
/// inflated (the embedded SPU: a gzip bomb stops here).
pub const MAX_WASM_LEN: usize = 64 << 20;

/// The module to run: a name known to the cluster, or gzip-compressed wasm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmartModuleWasm {
    Predefined(String),
    AdHoc(Vec<u8>),
}

impl SmartModuleWasm {
    /// Ad-hoc wasm, gzip-compressed as the official client sends it.
    pub fn adhoc_from_wasm(wasm: &[u8]) -> std::io::Result<Self> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(wasm)?;
        Ok(SmartModuleWasm::AdHoc(encoder.finish()?))
    }
}

impl Default for SmartModuleWasm {
    fn default() -> Self {
        SmartModuleWasm::AdHoc(Vec::new())
    }
}

impl Encode for SmartModuleWasm {
    fn encode(&self, out: &mut Vec<u8>, v: Version) {
        match self {
            SmartModuleWasm::Predefined(name) => {
                out.push(0);
                name.encode(out, v);
            }
            SmartModuleWasm::AdHoc(wasm) => {
                out.push(1);
                wasm.encode(out, v);
            }
        }
    }
}

impl Decode for SmartModuleWasm {
    fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
        match u8::decode(r, v)? {
            0 => Ok(SmartModuleWasm::Predefined(String::decode(r, v)?)),
            1 => Ok(SmartModuleWasm::AdHoc(Vec::decode(r, v)?)),
            tag => Err(DecodeError::UnknownTag { ty: "SmartModuleInvocationWasm", tag: tag.into() }),
        }
    }
}

/// Context a generic SmartModule starts with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SmartModuleContextData {
    #[default]
    None,
    Aggregate { accumulator: Vec<u8> },
    Join(String),
    JoinStream { topic: String, derivedstream: String },
}

impl Encode for SmartModuleContextData {
    fn encode(&self, out: &mut Vec<u8>, v: Version) {
        match self {
            SmartModuleContextData::None => out.push(0),
            SmartModuleContextData::Aggregate { accumulator } => {
                out.push(1);
                accumulator.encode(out, v);
            }
            SmartModuleContextData::Join(topic) => {
                out.push(2);
                topic.encode(out, v);
            }
            SmartModuleContextData::JoinStream { topic, derivedstream } => {
                out.push(3);
                topic.encode(out, v);
                derivedstream.encode(out, v);
            }
        }
    }
}

impl Decode for SmartModuleContextData {
    fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
        match u8::decode(r, v)? {
            0 => Ok(SmartModuleContextData::None),
            1 => Ok(SmartModuleContextData::Aggregate { accumulator: Vec::decode(r, v)? }),
            2 => Ok(SmartModuleContextData::Join(String::decode(r, v)?)),
            3 => Ok(SmartModuleContextData::JoinStream { topic: String::decode(r, v)?, derivedstream: String::decode(r, v)? }),
            tag => Err(DecodeError::UnknownTag { ty: "SmartModuleContextData", tag: tag.into() }),
        }
    }
}

/// What the SmartModule does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SmartModuleKind {
    #[default]
    Filter,
    Map,
    ArrayMap,
    Aggregate { accumulator: Vec<u8> },
    FilterMap,
    Join(String),
    JoinStream { topic: String, derivedstream: String },
    Generic(SmartModuleContextData),
}

impl Encode for SmartModuleKind {
    fn encode(&self, out: &mut Vec<u8>, v: Version) {
        match self {
            SmartModuleKind::Filter => out.push(0),
            SmartModuleKind::Map => out.push(1),
            SmartModuleKind::ArrayMap => out.push(2),
            SmartModuleKind::Aggregate { accumulator } => {
                out.push(3);
                accumulator.encode(out, v);
            }
            SmartModuleKind::FilterMap => out.push(4),
            SmartModuleKind::Join(topic) => {
                out.push(5);
                topic.encode(out, v);
            }
            SmartModuleKind::JoinStream { topic, derivedstream } => {
                out.push(6);
                topic.encode(out, v);
                derivedstream.encode(out, v);
            }
            SmartModuleKind::Generic(context) => {
                out.push(7);
                context.encode(out, v);
            }
        }
    }
}

impl Decode for SmartModuleKind {
    fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
        match u8::decode(r, v)? {
            0 => Ok(SmartModuleKind::Filter),
            1 => Ok(SmartModuleKind::Map),
            2 => Ok(SmartModuleKind::ArrayMap),
            3 => Ok(SmartModuleKind::Aggregate { accumulator: Vec::decode(r, v)? }),
            4 => Ok(SmartModuleKind::FilterMap),
            5 => Ok(SmartModuleKind::Join(String::decode(r, v)?)),
            6 => Ok(SmartModuleKind::JoinStream { topic: String::decode(r, v)?, derivedstream: String::decode(r, v)? }),
            7 => Ok(SmartModuleKind::Generic(SmartModuleContextData::decode(r, v)?)),
            tag => Err(DecodeError::UnknownTag { ty: "SmartModuleKind", tag: tag.into() }),
        }
    }
}

crate::wire_struct! {
    /// How far back a SmartModule looks when it starts.
    pub struct Lookback {
        pub last: u64,
        pub age: Option<Duration> [21, i16::MAX],
    }
}

crate::wire_struct! {
    /// Parameters passed to a SmartModule.
    pub struct SmartModuleExtraParams {
        pub params: BTreeMap<String, String>,
        pub lookback: Option<Lookback> [20, i16::MAX],
    }
}

crate::wire_struct! {
    /// One SmartModule applied to produced or fetched records.
    pub struct SmartModuleInvocation {
        pub wasm: SmartModuleWasm,
        pub kind: SmartModuleKind,
        pub params: SmartModuleExtraParams,
        pub name: Option<String> [VERSION_WITH_NAME, i16::MAX],
    }
}
