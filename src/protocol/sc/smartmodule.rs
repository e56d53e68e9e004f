//! SmartModule objects of the SC, encoded as fluvio-controlplane-metadata
//! 0.50's `SmartModuleSpec` at version 10 and later (the V2 format): the
//! package metadata, a summary (the wasm's length, when listed with
//! `summary`), and the wasm itself, gzip-compressed.

use std::collections::BTreeMap;

use super::objects::Spec;
use crate::protocol::codec::Version;

crate::wire_enum! {
    /// Whether the package is public on the SmartModule Hub.
    pub enum SmartModuleVisibility: u8 {
        Private = 0,
        Public = 1,
    }
    default Private
}

crate::wire_struct! {
    /// The package a SmartModule comes from (its `SmartModule.toml`).
    pub struct SmartModulePackage {
        pub name: String,
        pub group: String,
        /// Semantic version, as text.
        pub version: String,
        /// The SmartModule API version, as text.
        pub api_version: String,
        pub description: Option<String>,
        pub license: Option<String>,
        pub visibility: SmartModuleVisibility [19, i16::MAX],
        pub repository: Option<String>,
    }
}

crate::wire_struct! {
    /// A parameter the package declares.
    pub struct SmartModuleParam {
        pub description: Option<String>,
        pub optional: bool,
    }
}

crate::wire_struct! {
    pub struct SmartModuleMetadata {
        pub package: SmartModulePackage,
        pub params: BTreeMap<String, SmartModuleParam>,
    }
}

impl SmartModuleMetadata {
    /// The SC's key for a packaged module: `name-group-version`, as
    /// `SmartModulePackageKey::store_id` writes it.
    pub fn store_id(&self) -> String {
        format!("{}-{}-{}", self.package.name, self.package.group, self.package.version)
    }
}

crate::wire_struct! {
    /// Only sent by the SC when listing with `summary`.
    pub struct SmartModuleWasmSummary {
        pub wasm_length: u32,
    }
}

crate::wire_enum! {
    pub enum SmartModuleWasmFormat: u8 {
        Binary = 0,
        Text = 1,
    }
    default Binary
}

crate::wire_struct! {
    pub struct SmartModuleWasm {
        pub format: SmartModuleWasmFormat,
        /// The module, gzip-compressed.
        pub payload: Vec<u8>,
    }
}

/// From this version on the spec is `meta, summary, wasm` (earlier: the
/// V1 layout, which the SC versions clients use never send).
const V2_FORMAT: Version = 10;

crate::wire_struct! {
    pub struct SmartModuleSpec {
        pub meta: Option<SmartModuleMetadata> [V2_FORMAT, i16::MAX],
        pub summary: Option<SmartModuleWasmSummary> [V2_FORMAT, i16::MAX],
        pub wasm: SmartModuleWasm [V2_FORMAT, i16::MAX],
    }
}

impl SmartModuleSpec {
    /// The spec as listed with `summary`: the wasm's length instead of the wasm.
    pub fn summary(&self) -> SmartModuleSpec {
        SmartModuleSpec {
            meta: self.meta.clone(),
            summary: Some(SmartModuleWasmSummary { wasm_length: self.wasm.payload.len() as u32 }),
            wasm: SmartModuleWasm { format: self.wasm.format, payload: Vec::new() },
        }
    }
}

crate::wire_struct! {
    /// The SmartModule status carries nothing.
    pub struct SmartModuleStatus {}
}

impl Spec for SmartModuleSpec {
    const LABEL: &'static str = "SmartModule";
    type Status = SmartModuleStatus;
}
