//! SmartModule descriptions for consumer and producer settings: a module by
//! name (stored on the cluster) or ad hoc (wasm bytes or a .wasm file), with
//! its kind, params, aggregate accumulator and look-back, as the official
//! `SmartModuleInvocation` carries them. The cluster's SPU runs them.

use std::collections::BTreeMap;
use std::ffi::c_char;
use std::time::Duration;

use super::consumer::fluvio_consumer_config;
use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::producer::fluvio_producer_config;
use super::util::{bytes, c_str, handle, with_config_object, write_out};
use crate::protocol::spu::{
    Lookback, SmartModuleContextData, SmartModuleExtraParams, SmartModuleInvocation, SmartModuleKind, SmartModuleWasm, MAX_WASM_LEN,
};

/// What a SmartModule does. With FLUVIO_SMARTMODULE_KIND_AUTO the module
/// says (the engine picks the transform the module exports: `filter`, `map`,
/// `filter_map`, `array_map` or `aggregate`); the others are sent as the
/// official client sends an explicit kind.
pub type fluvio_smartmodule_kind = u32;
/// The module says (the default).
pub const FLUVIO_SMARTMODULE_KIND_AUTO: fluvio_smartmodule_kind = 0;
pub const FLUVIO_SMARTMODULE_KIND_FILTER: fluvio_smartmodule_kind = 1;
pub const FLUVIO_SMARTMODULE_KIND_MAP: fluvio_smartmodule_kind = 2;
pub const FLUVIO_SMARTMODULE_KIND_FILTER_MAP: fluvio_smartmodule_kind = 3;
pub const FLUVIO_SMARTMODULE_KIND_ARRAY_MAP: fluvio_smartmodule_kind = 4;
pub const FLUVIO_SMARTMODULE_KIND_AGGREGATE: fluvio_smartmodule_kind = 5;

/// One SmartModule to apply, with its settings. Created by
/// `fluvio_smartmodule_named`, `fluvio_smartmodule_from_wasm` or
/// `fluvio_smartmodule_from_wasm_file`, freed by `fluvio_smartmodule_free`;
/// one thread at a time may change it. Adding it to a consumer or producer
/// configuration copies it.
pub struct fluvio_smartmodule {
    wasm: SmartModuleWasm,
    kind: fluvio_smartmodule_kind,
    params: BTreeMap<String, String>,
    accumulator: Option<Vec<u8>>,
    lookback: Option<Lookback>,
}

impl fluvio_smartmodule {
    fn new(wasm: SmartModuleWasm) -> Self {
        fluvio_smartmodule { wasm, kind: FLUVIO_SMARTMODULE_KIND_AUTO, params: BTreeMap::new(), accumulator: None, lookback: None }
    }

    /// The invocation the official client would send for these settings.
    fn invocation(&self) -> Result<SmartModuleInvocation, FfiError> {
        let kind = match (self.kind, self.accumulator.clone()) {
            (FLUVIO_SMARTMODULE_KIND_AUTO, None) => SmartModuleKind::Generic(SmartModuleContextData::None),
            (FLUVIO_SMARTMODULE_KIND_AUTO, Some(accumulator)) => SmartModuleKind::Generic(SmartModuleContextData::Aggregate { accumulator }),
            (FLUVIO_SMARTMODULE_KIND_AGGREGATE, accumulator) => SmartModuleKind::Aggregate { accumulator: accumulator.unwrap_or_default() },
            (_, Some(_)) => return Err(FfiError::invalid("an accumulator is only for an aggregate SmartModule (or kind AUTO)")),
            (FLUVIO_SMARTMODULE_KIND_FILTER, None) => SmartModuleKind::Filter,
            (FLUVIO_SMARTMODULE_KIND_MAP, None) => SmartModuleKind::Map,
            (FLUVIO_SMARTMODULE_KIND_FILTER_MAP, None) => SmartModuleKind::FilterMap,
            (FLUVIO_SMARTMODULE_KIND_ARRAY_MAP, None) => SmartModuleKind::ArrayMap,
            (other, None) => return Err(FfiError::invalid(format!("unknown SmartModule kind {other}"))),
        };
        let name = match &self.wasm {
            SmartModuleWasm::Predefined(name) => Some(name.clone()),
            SmartModuleWasm::AdHoc(_) => None,
        };
        Ok(SmartModuleInvocation {
            wasm: self.wasm.clone(),
            kind,
            params: SmartModuleExtraParams { params: self.params.clone(), lookback: self.lookback.clone() },
            name,
        })
    }
}

fn adhoc(wasm: &[u8]) -> Result<fluvio_smartmodule, FfiError> {
    if wasm.is_empty() {
        return Err(FfiError::invalid("the wasm module is empty"));
    }
    if wasm.len() > MAX_WASM_LEN {
        return Err(FfiError::invalid(format!("the wasm module has {} bytes; at most {MAX_WASM_LEN} are accepted", wasm.len())));
    }
    let wasm = SmartModuleWasm::adhoc_from_wasm(wasm).map_err(|e| FfiError::new(fluvio_status::FLUVIO_ERR_IO, format!("compressing the wasm: {e}")))?;
    Ok(fluvio_smartmodule::new(wasm))
}

/// A SmartModule stored on the cluster as `name` (see
/// `fluvio_smartmodule_create`). On success `*out` owns it.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL or `name` is
/// empty or not UTF-8.
///
/// # Safety
/// `name` must be a NUL-terminated string (copied); `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_named(name: *const c_char, out: *mut *mut fluvio_smartmodule) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let name = unsafe { c_str(name, "name")? };
        if name.is_empty() {
            return Err(FfiError::invalid("the SmartModule name is empty"));
        }
        let sm = fluvio_smartmodule::new(SmartModuleWasm::Predefined(name.to_string()));
        // SAFETY: per the contract.
        unsafe { write_out(out, Box::into_raw(Box::new(sm)), "out") }
    })
}

/// An ad-hoc SmartModule: the wasm module in `wasm` (`len` bytes, copied),
/// sent to the SPU gzip-compressed with each stream or produce request, as
/// the official client sends it. On success `*out` owns it.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL, `len` is 0 or
/// above 64 MiB. (Whether the bytes are a valid module is the SPU's to say,
/// when the stream opens.)
///
/// # Safety
/// `wasm` must point to `len` readable bytes (read only during the call);
/// `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_from_wasm(wasm: *const u8, len: usize, out: *mut *mut fluvio_smartmodule) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let wasm = unsafe { bytes(wasm, len, "wasm")? };
        let sm = adhoc(wasm)?;
        // SAFETY: per the contract.
        unsafe { write_out(out, Box::into_raw(Box::new(sm)), "out") }
    })
}

/// An ad-hoc SmartModule read from the .wasm file at `path` (read now).
/// On success `*out` owns it.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, an empty file or one
/// above 64 MiB) or FLUVIO_ERR_IO (the file cannot be read).
///
/// # Safety
/// `path` must be a NUL-terminated string; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_from_wasm_file(path: *const c_char, out: *mut *mut fluvio_smartmodule) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let path = unsafe { c_str(path, "path")? };
        let wasm = read_wasm_file(path)?;
        let sm = adhoc(&wasm)?;
        // SAFETY: per the contract.
        unsafe { write_out(out, Box::into_raw(Box::new(sm)), "out") }
    })
}

/// Reads a .wasm file of at most `MAX_WASM_LEN` bytes.
pub(crate) fn read_wasm_file(path: &str) -> Result<Vec<u8>, FfiError> {
    use std::io::Read;
    let io = |e: std::io::Error| FfiError::new(fluvio_status::FLUVIO_ERR_IO, format!("reading {path}: {e}"));
    let file = std::fs::File::open(path).map_err(io)?;
    let mut wasm = Vec::new();
    file.take(MAX_WASM_LEN as u64 + 1).read_to_end(&mut wasm).map_err(io)?;
    if wasm.len() > MAX_WASM_LEN {
        return Err(FfiError::invalid(format!("{path} is larger than {MAX_WASM_LEN} bytes")));
    }
    Ok(wasm)
}

/// Frees a SmartModule description. NULL is a no-op. Configurations it was
/// added to keep their copy.
///
/// # Safety
/// `sm` must be NULL or from a `fluvio_smartmodule_*` constructor, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_free(sm: *mut fluvio_smartmodule) {
    ffi_guard_value((), || {
        if !sm.is_null() {
            // SAFETY: a pointer from a constructor, given back once.
            drop(unsafe { Box::from_raw(sm) });
        }
    });
}

/// Sets the kind (default FLUVIO_SMARTMODULE_KIND_AUTO: the module says).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `sm` is NULL or `kind` is unknown.
///
/// # Safety
/// `sm` must be a live SmartModule description.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_set_kind(sm: *mut fluvio_smartmodule, kind: fluvio_smartmodule_kind) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(sm, |sm| {
            if kind > FLUVIO_SMARTMODULE_KIND_AGGREGATE {
                return Err(FfiError::invalid(format!("unknown SmartModule kind {kind}")));
            }
            sm.kind = kind;
            Ok(())
        })
    }
}

/// Sets the parameter `key` to `value` (both copied), replacing an earlier
/// value of `key`. The module receives its parameters in its `init`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL, not UTF-8,
/// `key` is empty, or either is longer than 32767 bytes.
///
/// # Safety
/// `sm` must be a live SmartModule description; `key` and `value`
/// NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_set_param(sm: *mut fluvio_smartmodule, key: *const c_char, value: *const c_char) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(sm, |sm| {
            // SAFETY (the enclosing block): NUL-terminated per the contract.
            let key = c_str(key, "key")?;
            let value = c_str(value, "value")?;
            if key.is_empty() {
                return Err(FfiError::invalid("the parameter name is empty"));
            }
            if key.len() > i16::MAX as usize || value.len() > i16::MAX as usize {
                return Err(FfiError::invalid("a SmartModule parameter is longer than 32767 bytes"));
            }
            if sm.params.len() >= u16::MAX as usize && !sm.params.contains_key(key) {
                return Err(FfiError::invalid("a SmartModule takes at most 65535 parameters"));
            }
            sm.params.insert(key.to_string(), value.to_string());
            Ok(())
        })
    }
}

/// Sets the initial accumulator of an aggregate SmartModule (`len` bytes,
/// copied; default: empty). Only for kind FLUVIO_SMARTMODULE_KIND_AGGREGATE
/// or _AUTO (checked when the module is added to a configuration).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `sm` is NULL, or `accumulator` is
/// NULL with a `len` above 0.
///
/// # Safety
/// `sm` must be a live SmartModule description; `accumulator` NULL or
/// `len` readable bytes (read only during the call).
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_set_accumulator(sm: *mut fluvio_smartmodule, accumulator: *const u8, len: usize) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(sm, |sm| {
            // SAFETY (the enclosing block): per the contract.
            let accumulator = bytes(accumulator, len, "accumulator")?;
            sm.accumulator = Some(accumulator.to_vec());
            Ok(())
        })
    }
}

/// Gives the module a look-back when its stream opens: the last `last`
/// records stored (0: no count limit), only those younger than `age_ms`
/// milliseconds when `age_ms` is above 0 (an age, not a wait: `uint64_t`,
/// unlike the API's `int32_t` timeouts, so it can reach back years).
/// `last` 0 and `age_ms` 0 remove the look-back. The SPU passes them to the module's `look_back` before
/// the first record.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `sm` is NULL.
///
/// # Safety
/// `sm` must be a live SmartModule description.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_set_lookback(sm: *mut fluvio_smartmodule, last: u64, age_ms: u64) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(sm, |sm| {
            sm.lookback = match (last, age_ms) {
                (0, 0) => None,
                (last, 0) => Some(Lookback { last, age: None }),
                (last, age) => Some(Lookback { last, age: Some(Duration::from_millis(age)) }),
            };
            Ok(())
        })
    }
}

/// The invocation of a live SmartModule argument.
///
/// # Safety
/// `sm` must be NULL or a live SmartModule description.
unsafe fn invocation_of(sm: *const fluvio_smartmodule) -> Result<SmartModuleInvocation, FfiError> {
    // SAFETY: per the contract.
    unsafe { handle(sm, "smartmodule")? }.invocation()
}

/// Appends a copy of `sm` to the stream's SmartModule chain: the SPU runs
/// the chain's modules in the order they were added, on every record before
/// it is sent. A module that cannot be loaded, traps or returns an error
/// makes `fluvio_stream_next` return FLUVIO_ERR_SMARTMODULE (after the
/// records before the failing one), with the module's message and the
/// failing record's offset in `fluvio_last_error()`; the stream then ends.
/// Record offsets are the true log offsets, also behind a filter.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL, or an
/// accumulator was set on a module of another kind than aggregate or auto.
///
/// # Safety
/// `config` must be a live consumer configuration; `sm` a live SmartModule
/// description (only read during the call).
#[no_mangle]
pub unsafe extern "C" fn fluvio_consumer_config_add_smartmodule(
    config: *mut fluvio_consumer_config,
    sm: *const fluvio_smartmodule,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            // SAFETY (the enclosing block): per the contract.
            let invocation = invocation_of(sm)?;
            c.stream_mut().smartmodules.push(invocation);
            Ok(())
        })
    }
}

/// Appends a copy of `sm` to the producer's SmartModule chain: the SPU runs
/// the chain on every record before storing it (as the official 0.50
/// producer asks it to), so only its output is stored, numbered densely. A
/// module that fails fails the delivery of the batch it was in with
/// FLUVIO_ERR_SMARTMODULE and the module's message; nothing of that batch is
/// stored. The module runs on each produce request's batch on its own (an
/// aggregate starts from its accumulator for every batch, as on the official
/// SPU). Delivery offsets count the records as sent (the batch's stored base
/// offset plus the record's position in it): behind a module that drops or
/// adds records they need not name the record stored.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT as
/// `fluvio_consumer_config_add_smartmodule`.
///
/// # Safety
/// `config` must be a live producer configuration; `sm` a live SmartModule
/// description (only read during the call).
#[no_mangle]
pub unsafe extern "C" fn fluvio_producer_config_add_smartmodule(
    config: *mut fluvio_producer_config,
    sm: *const fluvio_smartmodule,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(config, |c| {
            // SAFETY (the enclosing block): per the contract.
            let invocation = invocation_of(sm)?;
            c.config_mut().smartmodules.push(invocation);
            Ok(())
        })
    }
}
