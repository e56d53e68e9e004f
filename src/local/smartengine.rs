//! SmartModules in the embedded SPU, run by the official engine
//! (`fluvio-smartengine`, wasmtime) when the `smartengine` feature is on.
//!
//! A StreamFetch or Produce request that carries SmartModules gets a
//! [`Chain`]: the invocations resolved (a name through the cluster's
//! SmartModule store), the gzipped wasm inflated (bounded), and the chain
//! initialized with the request's API version, which is what the module
//! receives as `version` (as on the official SPU). [`Chain::process`] runs
//! batches through it and builds the batch that is sent or stored.
//!
//! Without the feature every such request is refused with
//! `SmartModuleChainInitError`, the code the official SPU answers when it
//! cannot build a chain: never ignored.

use std::io::Read;

use crate::protocol::codec::Version;
use crate::protocol::error_code::ErrorCode;
use crate::protocol::record::{Batch, Record};
use crate::protocol::spu::{SmartModuleInvocation, MAX_WASM_LEN};
#[cfg(feature = "smartengine")]
use crate::protocol::{
    compression::Compression,
    error_code::{SmartModuleKind as ErrorKind, SmartModuleRuntimeError, VarintBytes},
    record::{decode_records, encode_records, BatchHeader, NO_TIMESTAMP},
    spu::{SmartModuleContextData, SmartModuleKind, SmartModuleWasm},
};

/// Memory one chain's store may grow to: the official SPU's default
/// (`SPU_SMARTENGINE_STORE_MAX_BYTES`, 1 GiB).
pub const STORE_MAX_MEMORY: usize = 1 << 30;
/// How long one call into a chain may run by default: the call runs on a
/// thread of its own, and its stream or produce request fails once this
/// has passed; the module's fuel ends the thread.
pub const DEFAULT_CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The fuel of one call by default, in units of one function call or loop
/// iteration (see `wasm_guard`): the engine's own fuel (`i64::MAX / 2` a
/// call) never runs out.
pub const DEFAULT_CALL_FUEL: u64 = 1 << 32;

/// What one call into a SmartModule may take (memory: `STORE_MAX_MEMORY`
/// for the whole chain).
#[derive(Debug, Clone, Copy)]
pub struct CallLimits {
    pub timeout: std::time::Duration,
    pub fuel: u64,
}

/// Runs `work` on a thread of its own and waits up to `limit` for it; a
/// module that does not return in time is abandoned with its thread, and
/// the call fails with a `SmartModuleRuntimeError` naming `offset` (the
/// first record it was given).
pub fn run_with_limit<T: Send + 'static>(
    limit: std::time::Duration,
    offset: i64,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ErrorCode> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new().name("fluvio-smartmodule".into()).spawn(move || {
        let _ = tx.send(work());
    });
    if let Err(e) = spawned {
        return Err(ErrorCode::Other(format!("starting a SmartModule thread: {e}")));
    }
    rx.recv_timeout(limit).map_err(|_| {
        ErrorCode::SmartModuleRuntimeError(Box::new(crate::protocol::error_code::SmartModuleRuntimeError {
            hint: format!("the SmartModule did not return within {limit:?} and was abandoned"),
            offset,
            ..Default::default()
        }))
    })
}

/// Largest records section inflated from one stored batch.
#[cfg(feature = "smartengine")]
const MAX_SECTION_LEN: usize = 256 << 20;

/// Inflates a gzipped module, refusing one that inflates past `MAX_WASM_LEN`.
pub fn gunzip_wasm(gzipped: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::GzDecoder::new(gzipped).take(MAX_WASM_LEN as u64 + 1);
    decoder.read_to_end(&mut out).map_err(|e| format!("the module is not valid gzip: {e}"))?;
    if out.len() > MAX_WASM_LEN {
        return Err(format!("the module inflates to more than {MAX_WASM_LEN} bytes"));
    }
    Ok(out)
}

/// The kind a runtime error of this chain reports.
#[cfg(feature = "smartengine")]
fn error_kind(invocations: &[SmartModuleInvocation]) -> ErrorKind {
    match invocations {
        [one] => match one.kind {
            SmartModuleKind::Filter => ErrorKind::Filter,
            SmartModuleKind::Map => ErrorKind::Map,
            SmartModuleKind::ArrayMap => ErrorKind::ArrayMap,
            SmartModuleKind::Aggregate { .. } => ErrorKind::Aggregate,
            SmartModuleKind::FilterMap => ErrorKind::FilterMap,
            SmartModuleKind::Join(_) | SmartModuleKind::JoinStream { .. } => ErrorKind::Join,
            SmartModuleKind::Generic(_) => ErrorKind::Generic,
        },
        _ => ErrorKind::Generic,
    }
}

/// What [`Chain::process`] made of some batches.
#[derive(Debug, Default)]
pub struct Processed {
    /// The output records as one batch (base offset: the first input
    /// batch's; last offset delta: up to `consumed_to`), or `None` when no
    /// input was consumed at all.
    pub batch: Option<Batch>,
    /// How many records `batch` holds.
    pub output_records: usize,
    /// The offset after the last input record consumed.
    pub consumed_to: i64,
    /// The module failed: the records before the failing one are in `batch`.
    pub error: Option<ErrorCode>,
}

/// One input batch's records at or after `from`, with their absolute
/// offsets and timestamps.
#[cfg(feature = "smartengine")]
fn input_records(batch: &Batch, from: i64) -> Result<Vec<Record>, ErrorCode> {
    let decoded = batch.decode_records(MAX_SECTION_LEN).map_err(|e| ErrorCode::Other(format!("reading a stored batch: {e}")))?;
    Ok(decoded.records.into_iter().filter(|r| batch.base_offset.saturating_add(r.offset_delta) >= from).collect())
}

/// Builds the output batch from records with absolute offsets and
/// timestamps (`offset_delta`/`timestamp_delta` hold absolute values here).
#[cfg(feature = "smartengine")]
fn output_batch(base_offset: i64, first_timestamp: i64, consumed_to: i64, absolute: Vec<(i64, i64, Record)>) -> Batch {
    let mut max_timestamp = first_timestamp;
    let records: Vec<Record> = absolute
        .into_iter()
        .map(|(offset, timestamp, mut record)| {
            record.offset_delta = offset.saturating_sub(base_offset);
            record.timestamp_delta = if timestamp == NO_TIMESTAMP || first_timestamp == NO_TIMESTAMP { 0 } else { timestamp.saturating_sub(first_timestamp) };
            max_timestamp = max_timestamp.max(timestamp);
            record
        })
        .collect();
    let mut batch = Batch::from_records(&records, Compression::None, first_timestamp).expect("uncompressed batches cannot fail");
    batch.base_offset = base_offset;
    batch.header = BatchHeader {
        last_offset_delta: (consumed_to - base_offset - 1).clamp(0, i32::MAX as i64) as i32,
        max_time_stamp: max_timestamp,
        ..batch.header
    };
    batch.header.crc = batch.compute_crc();
    batch
}

#[cfg(feature = "smartengine")]
mod engine {
    use std::collections::BTreeMap;
    use std::io::Cursor;
    use std::sync::OnceLock;

    use fluvio_smartengine::{
        EngineError, Lookback as EngineLookback, SmartEngine, SmartModuleChainBuilder, SmartModuleChainInstance, SmartModuleConfig,
        SmartModuleInitialData,
    };
    use fluvio_smartmodule::dataplane::core::{Decoder, Encoder};
    use fluvio_smartmodule::dataplane::record::Record as EngineRecord;
    use fluvio_smartmodule::dataplane::smartmodule::{
        Lookback as WireLookback, SmartModuleExtraParams, SmartModuleInput, SmartModuleTransformRuntimeError,
    };

    use super::*;
    use crate::local::wasm_guard;

    /// One engine per process, as the official SPU keeps one.
    fn engine() -> &'static SmartEngine {
        static ENGINE: OnceLock<SmartEngine> = OnceLock::new();
        ENGINE.get_or_init(SmartEngine::new)
    }

    /// Our records section as the engine's records.
    pub(super) fn to_engine_records(records: &[Record], version: Version) -> Result<Vec<EngineRecord>, ErrorCode> {
        let mut section = Vec::new();
        encode_records(records, &mut section);
        let mut out: Vec<EngineRecord> = Vec::new();
        out.decode(&mut Cursor::new(&section), version).map_err(|e| ErrorCode::Other(format!("converting records for the SmartModule: {e}")))?;
        Ok(out)
    }

    /// The engine's records as ours (bounded by what the module wrote).
    #[allow(clippy::ptr_arg)] // the engine's Encoder is implemented for Vec, not slices
    fn from_engine_records(records: &Vec<EngineRecord>, version: Version) -> Result<Vec<Record>, ErrorCode> {
        let mut section = Vec::new();
        records.encode(&mut section, version).map_err(|e| ErrorCode::Other(format!("encoding SmartModule output: {e}")))?;
        let decoded = decode_records(&section).map_err(|e| ErrorCode::Other(format!("SmartModule output: {e}")))?;
        Ok(decoded.records)
    }

    fn runtime_error(e: &SmartModuleTransformRuntimeError) -> ErrorCode {
        ErrorCode::SmartModuleRuntimeError(Box::new(SmartModuleRuntimeError {
            hint: e.hint.clone(),
            offset: e.offset,
            kind: match e.kind {
                fluvio_smartmodule::dataplane::smartmodule::SmartModuleKind::Filter => ErrorKind::Filter,
                fluvio_smartmodule::dataplane::smartmodule::SmartModuleKind::Map => ErrorKind::Map,
                fluvio_smartmodule::dataplane::smartmodule::SmartModuleKind::ArrayMap => ErrorKind::ArrayMap,
                fluvio_smartmodule::dataplane::smartmodule::SmartModuleKind::Aggregate => ErrorKind::Aggregate,
                fluvio_smartmodule::dataplane::smartmodule::SmartModuleKind::FilterMap => ErrorKind::FilterMap,
                fluvio_smartmodule::dataplane::smartmodule::SmartModuleKind::Join => ErrorKind::Join,
                fluvio_smartmodule::dataplane::smartmodule::SmartModuleKind::Generic => ErrorKind::Generic,
            },
            record_key: e.record_key.as_ref().map(|k| VarintBytes(k.as_ref().to_vec())),
            record_value: VarintBytes(e.record_value.as_ref().to_vec()),
        }))
    }

    /// Which bound of `wasm_guard` a failed call hit, as a message: the
    /// innermost frame of the trap is one of the guard's named traps.
    fn guard_trap(err: &anyhow::Error, fuel: u64) -> Option<String> {
        let backtrace = err.downcast_ref::<wasmtime::WasmBacktrace>()?;
        let hint = match backtrace.frames().first()?.func_name()? {
            wasm_guard::FUEL_TRAP => {
                format!("the SmartModule ran out of fuel: {fuel} units (function calls and loop iterations) in one call")
            }
            wasm_guard::ALLOC_TRAP => "the SmartModule's alloc returned an address its input does not fit at".into(),
            wasm_guard::OUTPUT_TRAP => "the SmartModule passed copy_records an output outside its memory".into(),
            _ => return None,
        };
        Some(hint)
    }

    /// A failed call as a message: the bound it hit, or the engine's error.
    fn describe(err: &anyhow::Error, fuel: u64) -> String {
        guard_trap(err, fuel).unwrap_or_else(|| format!("{err:#}"))
    }

    fn memory_error(err: &anyhow::Error) -> Option<ErrorCode> {
        match err.downcast_ref::<EngineError>() {
            Some(EngineError::StoreMemoryExceeded { requested, max, .. }) => {
                Some(ErrorCode::SmartModuleMemoryLimitExceeded { requested: *requested as u64, max: *max as u64 })
            }
            _ => None,
        }
    }

    /// A chain of SmartModules, initialized and ready for records.
    pub struct Chain {
        instance: SmartModuleChainInstance,
        version: Version,
        kind: ErrorKind,
        fuel: u64,
    }

    impl std::fmt::Debug for Chain {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Chain").field("version", &self.version).finish()
        }
    }

    impl Chain {
        /// Resolves and initializes `invocations` for a request of API
        /// `version`, each module bounded to `fuel` a call; `stored` finds
        /// the gzipped wasm of a SmartModule the cluster stores by name.
        pub fn build(
            invocations: Vec<SmartModuleInvocation>,
            version: Version,
            fuel: u64,
            stored: impl Fn(&str) -> Option<Vec<u8>>,
        ) -> Result<Chain, ErrorCode> {
            let kind = error_kind(&invocations);
            let mut builder = SmartModuleChainBuilder::default();
            builder.set_store_memory_limit(STORE_MAX_MEMORY);
            for invocation in invocations {
                let (name, gzipped) = match invocation.wasm {
                    SmartModuleWasm::Predefined(name) => match stored(&name) {
                        Some(wasm) => (name, wasm),
                        None => return Err(ErrorCode::SmartModuleNotFound { name }),
                    },
                    SmartModuleWasm::AdHoc(gzipped) => (invocation.name.clone().unwrap_or_default(), gzipped),
                };
                let wasm = gunzip_wasm(&gzipped)
                    .and_then(|wasm| wasm_guard::guard(&wasm, fuel))
                    .map_err(|error| ErrorCode::SmartModuleInvalid { error, name: Some(name.clone()) })?;
                let initial_data = match invocation.kind {
                    SmartModuleKind::Aggregate { accumulator }
                    | SmartModuleKind::Generic(SmartModuleContextData::Aggregate { accumulator }) => {
                        SmartModuleInitialData::with_aggregate(accumulator)
                    }
                    SmartModuleKind::Join(_)
                    | SmartModuleKind::JoinStream { .. }
                    | SmartModuleKind::Generic(SmartModuleContextData::Join(_))
                    | SmartModuleKind::Generic(SmartModuleContextData::JoinStream { .. }) => {
                        return Err(ErrorCode::SmartModuleInvalid {
                            error: "join SmartModules are not supported (fluvio-smartengine 0.50 has no join transform)".into(),
                            name: Some(name),
                        })
                    }
                    _ => SmartModuleInitialData::None,
                };
                let params: BTreeMap<String, String> = invocation.params.params.clone();
                let wire_lookback = invocation.params.lookback.as_ref().map(|l| WireLookback { last: l.last, age: l.age });
                let lookback = wire_lookback.as_ref().map(EngineLookback::from);
                let config = SmartModuleConfig::builder()
                    .smartmodule_names(vec![name.clone()])
                    .params(SmartModuleExtraParams::new(params, wire_lookback))
                    .version(version)
                    .lookback(lookback)
                    .initial_data(initial_data)
                    .build()
                    .map_err(|e| ErrorCode::SmartModuleInvalid { error: e.to_string(), name: Some(name.clone()) })?;
                builder.add_smart_module(config, wasm);
            }
            let instance = builder.initialize(engine()).map_err(|err| {
                memory_error(&err).unwrap_or_else(|| ErrorCode::SmartModuleChainInitError(describe(&err, fuel)))
            })?;
            Ok(Chain { instance, version, kind, fuel })
        }

        /// Runs the chain's `look_back` on `records` (the records the
        /// lookback asks for, read by the caller through `read`).
        pub fn look_back(&mut self, read: impl Fn(EngineLookback) -> Result<Vec<Record>, ErrorCode>) -> Result<(), ErrorCode> {
            let (version, fuel) = (self.version, self.fuel);
            let read_fn = |lookback: EngineLookback| {
                let records = read(lookback)
                    .and_then(|records| to_engine_records(&records, version))
                    .map_err(|code| anyhow::anyhow!("{code}"));
                std::future::ready(records)
            };
            let future = self.instance.look_back(read_fn);
            block_on_ready(future).map_err(|err| {
                memory_error(&err).unwrap_or_else(|| match guard_trap(&err, fuel) {
                    Some(hint) => ErrorCode::SmartModuleLookBackError(hint),
                    None => ErrorCode::SmartModuleLookBackError(format!("{}", err.root_cause())),
                })
            })
        }

        /// Runs `batches` through the chain, input batch by input batch,
        /// skipping records before `from`, until the output reaches
        /// `max_bytes` (at least one batch is taken) or the module fails.
        pub fn process(&mut self, batches: &[Batch], from: i64, max_bytes: usize) -> Processed {
            let mut out = Vec::new();
            let mut out_bytes = 0usize;
            let mut consumed_to = from;
            let mut first: Option<(i64, i64)> = None;
            let mut error = None;
            for batch in batches {
                if batch.next_offset() <= from {
                    continue;
                }
                first.get_or_insert((batch.base_offset, batch.header.first_timestamp));
                let records = match input_records(batch, from) {
                    Ok(records) => records,
                    Err(code) => {
                        error = Some(code);
                        break;
                    }
                };
                if records.is_empty() {
                    consumed_to = batch.next_offset();
                    continue;
                }
                match self.run(batch, &records) {
                    Ok((mut produced, failed)) => {
                        out_bytes += produced.iter().map(|(_, _, r)| r.encoded_len()).sum::<usize>();
                        out.append(&mut produced);
                        match failed {
                            Some((code, at)) => {
                                consumed_to = at.clamp(consumed_to, batch.next_offset().max(consumed_to));
                                error = Some(code);
                                break;
                            }
                            None => consumed_to = batch.next_offset(),
                        }
                    }
                    Err(code) => {
                        error = Some(code);
                        break;
                    }
                }
                if out_bytes >= max_bytes {
                    break;
                }
            }
            let output_records = out.len();
            let batch = first.map(|(base, first_timestamp)| output_batch(base, first_timestamp, consumed_to.max(base), out));
            Processed { batch, output_records, consumed_to, error }
        }

        /// One input batch through the chain: the output records with
        /// absolute offsets and timestamps, and the error the module
        /// returned (with the offset of the failing record), if any.
        #[allow(clippy::type_complexity)]
        fn run(&mut self, batch: &Batch, records: &[Record]) -> Result<(Vec<(i64, i64, Record)>, Option<(ErrorCode, i64)>), ErrorCode> {
            let mut section = Vec::new();
            encode_records(records, &mut section);
            let input = SmartModuleInput::new(section, batch.base_offset, batch.header.first_timestamp);
            let first_offset = batch.base_offset.saturating_add(records[0].offset_delta);
            let last_offset = batch.base_offset.saturating_add(records[records.len() - 1].offset_delta);
            let output = match self.instance.process(input) {
                Ok(output) => output,
                Err(err) => {
                    if let Some(code) = memory_error(&err) {
                        return Err(code);
                    }
                    // A trap or a negative status: the engine does not say
                    // which record, only that this call failed.
                    let range = if first_offset == last_offset {
                        format!("at offset {first_offset}")
                    } else {
                        format!("on the records at offsets {first_offset}..={last_offset}")
                    };
                    return Err(ErrorCode::SmartModuleRuntimeError(Box::new(SmartModuleRuntimeError {
                        hint: format!("{} ({range})", describe(&err, self.fuel)),
                        offset: first_offset,
                        kind: self.kind,
                        record_key: records[0].key.clone().map(VarintBytes),
                        record_value: VarintBytes(records[0].value.clone()),
                    })));
                }
            };
            let produced = from_engine_records(&output.successes, self.version)?;
            let timestamp_of = |r: &Record| {
                if batch.header.first_timestamp <= 0 {
                    NO_TIMESTAMP
                } else {
                    batch.header.first_timestamp.saturating_add(r.timestamp_delta)
                }
            };
            let produced = produced
                .into_iter()
                .map(|r| {
                    let offset = batch.base_offset.saturating_add(r.offset_delta);
                    let timestamp = timestamp_of(&r);
                    (offset, timestamp, r)
                })
                .collect();
            let failed = output.error.as_ref().map(|e| (runtime_error(e), e.offset));
            Ok((produced, failed))
        }
    }

    /// Polls a future that is ready at once (the look-back reader answers
    /// synchronously); the chain's `look_back` awaits nothing else.
    fn block_on_ready<F: std::future::Future>(future: F) -> F::Output {
        use std::task::{Context, Poll, Wake, Waker};
        struct Noop;
        impl Wake for Noop {
            fn wake(self: std::sync::Arc<Self>) {}
        }
        let waker = Waker::from(std::sync::Arc::new(Noop));
        let mut context = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
            // Not reached: every future awaited inside is ready.
            std::thread::yield_now();
        }
    }
}

#[cfg(feature = "smartengine")]
pub use engine::Chain;
#[cfg(feature = "smartengine")]
pub use fluvio_smartengine::Lookback;

#[cfg(not(feature = "smartengine"))]
mod no_engine {
    use super::*;

    /// How far back a module looks (mirrors the engine's type).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Lookback {
        Last(u64),
        Age { age: std::time::Duration, last: u64 },
    }

    /// Without the engine no chain can be built.
    #[derive(Debug)]
    pub struct Chain;

    impl Chain {
        pub fn build(
            _invocations: Vec<SmartModuleInvocation>,
            _version: Version,
            _fuel: u64,
            _stored: impl Fn(&str) -> Option<Vec<u8>>,
        ) -> Result<Chain, ErrorCode> {
            Err(ErrorCode::SmartModuleChainInitError(
                "this cluster was built without the SmartModule engine (cargo feature `smartengine`)".into(),
            ))
        }

        pub fn look_back(&mut self, _read: impl Fn(Lookback) -> Result<Vec<Record>, ErrorCode>) -> Result<(), ErrorCode> {
            Ok(())
        }

        pub fn process(&mut self, _batches: &[Batch], _from: i64, _max_bytes: usize) -> Processed {
            unreachable!("no chain exists without the engine")
        }
    }
}

#[cfg(not(feature = "smartengine"))]
pub use no_engine::{Chain, Lookback};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_bombs_and_garbage_are_refused() {
        assert!(gunzip_wasm(b"not gzip").is_err());
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut encoder, &vec![0u8; MAX_WASM_LEN + 1]).unwrap();
        let bomb = encoder.finish().unwrap();
        assert!(bomb.len() < 1 << 20);
        assert!(gunzip_wasm(&bomb).unwrap_err().contains("more than"));
    }

    #[cfg(feature = "smartengine")]
    #[test]
    fn output_batches_keep_true_offsets_and_the_input_end() {
        let records = vec![(12, 1_000, Record::new(None, b"a".to_vec())), (15, 1_007, Record::new(Some(b"k".to_vec()), b"b".to_vec()))];
        let batch = output_batch(10, 995, 20, records);
        assert_eq!(batch.base_offset, 10);
        assert_eq!(batch.next_offset(), 20);
        assert_eq!(batch.header.max_time_stamp, 1_007);
        batch.verify_crc().unwrap();
        let decoded = batch.decode_records(1 << 20).unwrap().records;
        assert_eq!(decoded.iter().map(|r| r.offset_delta).collect::<Vec<_>>(), vec![2, 5]);
        assert_eq!(decoded.iter().map(|r| batch.record_timestamp(r)).collect::<Vec<_>>(), vec![1_000, 1_007]);
    }
}
