//! SmartModules end to end: the modules of `tests/smartmodules/` and
//! `c-examples/smartmodule/` (freestanding C) compiled to wasm with clang in
//! this run, then
//! - `tests/c/smartmodule_test.c` runs them through the C API against an
//!   embedded cluster (every kind, params, look-back, chains, by name and ad
//!   hoc, the failures);
//! - the official Rust client 0.50 and libfluvio's client read the same
//!   topics through the same modules from the embedded cluster: both see the
//!   records the test computes independently, and the same records as the
//!   official engine (`fluvio-smartengine`) run directly in the test.

#![cfg(feature = "smartengine")]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use fluvio::client::Client;
use fluvio::consumer::{Offset, RecordStream, StreamConfig};
use fluvio::protocol::spu::{SmartModuleContextData, SmartModuleExtraParams, SmartModuleInvocation, SmartModuleKind, SmartModuleWasm};
use support::{assert_success, official_client, start_cluster};

/// The test modules: source file stem and the transform it exports.
const MODULES: [&str; 13] = [
    "filter_even",
    "map_upper",
    "filter_map_third",
    "array_map_split",
    "aggregate_sum",
    "filter_param",
    "filter_lookback",
    "map_trap",
    "filter_error",
    "filter_loop",
    "filter_wild_alloc",
    "filter_wild_output",
    "dedup_keys",
];

/// Compiles every module once per test binary; returns the directory of
/// `<name>.wasm` files.
fn wasm_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // The toolkit and the filter live with the C examples; the rest here.
        let toolkit = root.join("c-examples/smartmodule");
        let dir = std::env::temp_dir().join(format!("fluvio-smartmodules-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for module in MODULES {
            let output = Command::new(std::env::var("FLUVIO_TEST_CLANG").unwrap_or_else(|_| "clang".into()))
                .args(["--target=wasm32", "-O2", "-nostdlib", "-ffreestanding", "-Wall", "-Wextra", "-Werror"])
                .args(["-Wl,--no-entry", "-Wl,--strip-all"])
                .arg("-I")
                .arg(&toolkit)
                .arg("-o")
                .arg(dir.join(format!("{module}.wasm")))
                .arg(if module == "filter_even" { toolkit.join("filter_even.c") } else { root.join(format!("tests/smartmodules/{module}.c")) })
                .output()
                .expect("run clang (scripts/test.sh installs clang and lld)");
            assert_success(&format!("clang {module}.c"), &output);
        }
        dir
    })
}

fn wasm(module: &str) -> Vec<u8> {
    std::fs::read(wasm_dir().join(format!("{module}.wasm"))).unwrap()
}

#[test]
fn c_api_runs_every_kind_of_smartmodule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let build = std::env::temp_dir().join(format!("fluvio-smartmodule-c-{}", std::process::id()));
    std::fs::create_dir_all(&build).unwrap();
    let program = build.join("smartmodule_test");
    let output = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-O1", "-g"])
        .arg("-I")
        .arg(root.join("include"))
        .arg("-o")
        .arg(&program)
        .arg(root.join("tests/c/smartmodule_test.c"))
        .arg(support::library_dir().join("libfluvio.a"))
        .args(["-lpthread", "-ldl", "-lm"])
        .output()
        .expect("run cc");
    assert_success("cc smartmodule_test.c", &output);
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(&program).arg(wasm_dir()).env("TMPDIR", data.path()).output().expect("run smartmodule_test");
    assert_success("smartmodule_test", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("smartmodule_test: all ") && stdout.contains(" checks passed"), "{stdout}");
    std::fs::remove_dir_all(&build).ok();
}

/// One record as a consumer saw it: key and value (offsets are compared
/// separately: the official client reports positions, not offsets).
type Kv = (Option<Vec<u8>>, Vec<u8>);

/// The official client's invocation of an ad-hoc module.
fn official_invocation(
    module: &str,
    kind: fluvio_official::SmartModuleKind,
    params: &[(&str, &str)],
) -> fluvio_official::SmartModuleInvocation {
    let params: std::collections::BTreeMap<String, String> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    fluvio_official::SmartModuleInvocation {
        wasm: fluvio_official::SmartModuleInvocationWasm::adhoc_from_bytes(&wasm(module)).unwrap(),
        kind,
        params: fluvio_official::SmartModuleExtraParams::new(params, None),
        name: None,
    }
}

/// libfluvio's invocation of the same module.
fn our_invocation(module: &str, kind: SmartModuleKind, params: &[(&str, &str)]) -> SmartModuleInvocation {
    SmartModuleInvocation {
        wasm: SmartModuleWasm::adhoc_from_wasm(&wasm(module)).unwrap(),
        kind,
        params: SmartModuleExtraParams { params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), lookback: None },
        name: None,
    }
}

/// `count` records through the official consumer with `invocation`.
async fn official_read(fluvio: &fluvio_official::Fluvio, topic: &str, invocation: fluvio_official::SmartModuleInvocation, count: usize) -> Vec<(i64, Kv)> {
    use futures_util::StreamExt;
    let config = fluvio_official::consumer::ConsumerConfigExtBuilder::default()
        .topic(topic.to_string())
        .partition(0)
        .offset_start(fluvio_official::Offset::beginning())
        .smartmodule(vec![invocation])
        .build()
        .unwrap();
    let mut stream = fluvio.consumer_with_config(config).await.unwrap();
    let mut seen = Vec::new();
    while seen.len() < count {
        let record = tokio::time::timeout(Duration::from_secs(30), stream.next())
            .await
            .unwrap_or_else(|_| panic!("official client: timed out after {} of {count} records", seen.len()))
            .expect("stream ended")
            .expect("record");
        seen.push((record.offset(), (record.key().map(<[u8]>::to_vec), record.value().to_vec())));
    }
    seen
}

/// Everything through libfluvio's consumer with `invocation` (a
/// non-continuous stream: it ends after the last record).
async fn our_read(client: &Client, topic: &str, invocation: SmartModuleInvocation) -> Vec<(i64, Kv)> {
    let config = StreamConfig { continuous: false, smartmodules: vec![invocation], ..StreamConfig::default() };
    let mut stream = RecordStream::open(client, topic, &[0], Offset::beginning(), config, None).await.unwrap();
    let mut seen = Vec::new();
    while let Some(record) = tokio::time::timeout(Duration::from_secs(30), stream.next()).await.expect("libfluvio: timed out") {
        let record = record.unwrap();
        seen.push((record.offset, (record.key, record.value)));
    }
    seen
}

/// The official engine run directly on `records` (one call, as one batch).
fn engine_output(module: &str, params: &[(&str, &str)], accumulator: Option<&[u8]>, records: &[Kv]) -> Vec<Kv> {
    use fluvio_smartengine::{SmartEngine, SmartModuleChainBuilder, SmartModuleConfig, SmartModuleInitialData};
    use fluvio_smartmodule::dataplane::smartmodule::SmartModuleInput;
    use fluvio_smartmodule::Record;
    let engine = SmartEngine::new();
    let mut builder = SmartModuleChainBuilder::default();
    let mut config = SmartModuleConfig::builder();
    config.smartmodule_names(vec![module.to_string()]).version(25i16);
    for (k, v) in params {
        config.param(*k, *v);
    }
    if let Some(acc) = accumulator {
        config.initial_data(SmartModuleInitialData::with_aggregate(acc.to_vec()));
    }
    builder.add_smart_module(config.build().unwrap(), wasm(module));
    let mut chain = builder.initialize(&engine).unwrap();
    let input: Vec<Record> = records
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            let mut r = match k {
                Some(k) => Record::new_key_value(k.clone(), v.clone()),
                None => Record::new(v.clone()),
            };
            r.preamble.set_offset_delta(i as i64);
            r
        })
        .collect();
    let mut input = SmartModuleInput::try_from_records(input, 25).unwrap();
    input.set_base_offset(0);
    let output = chain.process(input).unwrap();
    assert!(output.error.is_none());
    output.successes.iter().map(|r| (r.key().map(|k| k.as_ref().to_vec()), r.value().as_ref().to_vec())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_client_and_libfluvio_see_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("numbers", 1, 1).await.unwrap();
    let records: Vec<Kv> = (0..500).map(|i| ((i % 4 == 0).then(|| format!("k{i}").into_bytes()), i.to_string().into_bytes())).collect();
    let producer = fluvio::producer::Producer::new(&client, "numbers", fluvio::producer::ProducerConfig::default()).await.unwrap();
    for (key, value) in &records {
        producer.send(key.as_deref(), value).unwrap();
    }
    tokio::task::block_in_place(|| producer.flush(Duration::from_secs(30))).unwrap();
    let fluvio = official_client(&cluster.endpoint()).await;
    use fluvio_official::SmartModuleKind as Official;

    // (module, official kind, our kind, params, accumulator, expected)
    let number = |kv: &Kv| String::from_utf8(kv.1.clone()).unwrap().parse::<i64>().unwrap();
    let even: Vec<(i64, Kv)> = records.iter().filter(|kv| number(kv) % 2 == 0).map(|kv| (number(kv), kv.clone())).collect();
    let thirds: Vec<(i64, Kv)> =
        records.iter().filter(|kv| number(kv) % 3 == 0).map(|kv| (number(kv), (kv.0.clone(), (number(kv) / 3).to_string().into_bytes()))).collect();
    let sevens: Vec<(i64, Kv)> = records.iter().filter(|kv| kv.1.contains(&b'7')).map(|kv| (number(kv), kv.clone())).collect();
    let mut sum = 10;
    let sums: Vec<(i64, Kv)> = records
        .iter()
        .map(|kv| {
            sum += number(kv);
            (number(kv), (kv.0.clone(), sum.to_string().into_bytes()))
        })
        .collect();
    let cases: Vec<(&str, Official, SmartModuleKind, Vec<(&str, &str)>, Vec<(i64, Kv)>)> = vec![
        ("filter_even", Official::Filter, SmartModuleKind::Filter, vec![], even),
        ("filter_map_third", Official::FilterMap, SmartModuleKind::FilterMap, vec![], thirds),
        ("filter_param", Official::Filter, SmartModuleKind::Filter, vec![("contains", "7")], sevens),
        (
            "aggregate_sum",
            Official::Aggregate { accumulator: b"10".to_vec() },
            SmartModuleKind::Aggregate { accumulator: b"10".to_vec() },
            vec![],
            sums,
        ),
    ];
    for (module, official_kind, our_kind, params, expected) in cases {
        let ours = our_read(&client, "numbers", our_invocation(module, our_kind, &params)).await;
        assert_eq!(ours, expected, "{module}: libfluvio");
        let theirs = official_read(&fluvio, "numbers", official_invocation(module, official_kind, &params), expected.len()).await;
        let values = |v: &[(i64, Kv)]| v.iter().map(|(_, kv)| kv.clone()).collect::<Vec<_>>();
        assert_eq!(values(&theirs), values(&expected), "{module}: the official client");
        // The official engine, run here on all the records at once.
        let accumulator = (module == "aggregate_sum").then_some(&b"10"[..]);
        assert_eq!(engine_output(module, &params, accumulator, &records), values(&expected), "{module}: fluvio-smartengine");
        println!("{module}: {} records, same through both clients and the engine", expected.len());
    }

    // The generic kind (the module says) gives the same as the explicit one.
    let generic = our_read(&client, "numbers", our_invocation("filter_even", SmartModuleKind::Generic(SmartModuleContextData::None), &[])).await;
    assert_eq!(generic.len(), 250);
    assert!(generic.iter().all(|(offset, (_, v))| offset.to_string().into_bytes() == *v), "true offsets behind a filter");

    // map and array_map over words, keys kept.
    client.create_topic("words", 1, 1).await.unwrap();
    let words: Vec<Kv> = vec![(Some(b"a".to_vec()), b"one,two".to_vec()), (None, b"three".to_vec()), (Some(b"c".to_vec()), b"".to_vec())];
    let producer = fluvio::producer::Producer::new(&client, "words", fluvio::producer::ProducerConfig::default()).await.unwrap();
    for (key, value) in &words {
        producer.send(key.as_deref(), value).unwrap();
    }
    tokio::task::block_in_place(|| producer.flush(Duration::from_secs(30))).unwrap();
    let upper: Vec<Kv> = words.iter().map(|(k, v)| (k.clone(), v.to_ascii_uppercase())).collect();
    let split: Vec<Kv> =
        words.iter().flat_map(|(k, v)| v.split(|b| *b == b',').map(|part| (k.clone(), part.to_vec())).collect::<Vec<_>>()).collect();
    for (module, official_kind, our_kind, expected) in
        [("map_upper", Official::Map, SmartModuleKind::Map, upper), ("array_map_split", Official::ArrayMap, SmartModuleKind::ArrayMap, split)]
    {
        let ours: Vec<Kv> = our_read(&client, "words", our_invocation(module, our_kind, &[])).await.into_iter().map(|(_, kv)| kv).collect();
        assert_eq!(ours, expected, "{module}: libfluvio");
        let theirs: Vec<Kv> = official_read(&fluvio, "words", official_invocation(module, official_kind, &[]), expected.len())
            .await
            .into_iter()
            .map(|(_, kv)| kv)
            .collect();
        assert_eq!(theirs, expected, "{module}: the official client");
        assert_eq!(engine_output(module, &[], None, &words), expected, "{module}: fluvio-smartengine");
    }

    // Producer side: the official producer and libfluvio's ask the SPU to
    // run the filter before storing; both topics then hold the even numbers
    // only, densely numbered, as both clients read them.
    let values: Vec<Vec<u8>> = (0..100).map(|i: i32| i.to_string().into_bytes()).collect();
    let stored: Vec<Vec<u8>> = values.iter().filter(|v| String::from_utf8_lossy(v).parse::<i32>().unwrap() % 2 == 0).cloned().collect();
    client.create_topic("by-official", 1, 1).await.unwrap();
    client.create_topic("by-libfluvio", 1, 1).await.unwrap();
    let config = fluvio_official::TopicProducerConfigBuilder::default()
        .smartmodules(vec![official_invocation("filter_even", Official::Filter, &[])])
        .linger(Duration::from_millis(5))
        .build()
        .unwrap();
    let official_producer = fluvio.topic_producer_with_config("by-official", config).await.unwrap();
    for value in &values {
        official_producer.send(fluvio_official::RecordKey::NULL, value.clone()).await.unwrap();
    }
    official_producer.flush().await.unwrap();
    let config = fluvio::producer::ProducerConfig {
        smartmodules: vec![our_invocation("filter_even", SmartModuleKind::Filter, &[])],
        ..Default::default()
    };
    let producer = fluvio::producer::Producer::new(&client, "by-libfluvio", config).await.unwrap();
    for value in &values {
        producer.send(None, value).unwrap();
    }
    tokio::task::block_in_place(|| producer.flush(Duration::from_secs(30))).unwrap();
    for topic in ["by-official", "by-libfluvio"] {
        let config = StreamConfig { continuous: false, ..StreamConfig::default() };
        let mut stream = RecordStream::open(&client, topic, &[0], Offset::beginning(), config, None).await.unwrap();
        let mut ours = Vec::new();
        while let Some(record) = tokio::time::timeout(Duration::from_secs(30), stream.next()).await.unwrap() {
            let record = record.unwrap();
            ours.push((record.offset, record.value));
        }
        let expected: Vec<(i64, Vec<u8>)> = stored.iter().cloned().enumerate().map(|(i, v)| (i as i64, v)).collect();
        assert_eq!(ours, expected, "{topic}: read by libfluvio");
        let theirs = support::official_consume(&fluvio, topic, 0, fluvio_official::Offset::beginning(), stored.len()).await;
        let theirs: Vec<(i64, Vec<u8>)> = theirs.into_iter().map(|r| (r.offset, r.value)).collect();
        assert_eq!(theirs, expected, "{topic}: read by the official client");
    }
    drop(fluvio);
    cluster.stop().await.unwrap();
}

/// The official admin API stores, lists and deletes SmartModules on the
/// embedded SC (the fluvio-controlplane-metadata encoding), and both
/// clients' streams name them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_admin_and_libfluvio_share_stored_smartmodules() {
    use fluvio_official::metadata::smartmodule::{FluvioSemVersion, SmartModuleMetadata, SmartModulePackage, SmartModuleSpec, SmartModuleWasm as TheirWasm};
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, bytes).unwrap();
        encoder.finish().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    let fluvio = official_client(&cluster.endpoint()).await;
    let admin = fluvio.admin().await;

    let plain = SmartModuleSpec { wasm: TheirWasm::from_compressed_gzip(gzip(&wasm("filter_even"))), ..Default::default() };
    admin.create("even".to_string(), false, plain).await.unwrap();
    let package = SmartModulePackage {
        name: "thirds".into(),
        group: "tests".into(),
        version: FluvioSemVersion::parse("0.2.0").unwrap(),
        api_version: FluvioSemVersion::parse("0.1.0").unwrap(),
        ..Default::default()
    };
    let packaged = SmartModuleSpec {
        meta: Some(SmartModuleMetadata { package, params: Default::default() }),
        wasm: TheirWasm::from_compressed_gzip(gzip(&wasm("filter_map_third"))),
        ..Default::default()
    };
    admin.create("ignored".to_string(), false, packaged).await.unwrap();
    let mut theirs: Vec<String> = admin.all::<SmartModuleSpec>().await.unwrap().into_iter().map(|m| m.name).collect();
    theirs.sort();
    assert_eq!(theirs, ["even", "thirds-tests-0.2.0"]);
    let ours: Vec<String> = client.list_smartmodules().await.unwrap().into_iter().map(|m| m.name).collect();
    assert_eq!(ours, theirs);
    // libfluvio's upload, seen by the official admin.
    client.create_smartmodule("upper", &wasm("map_upper"), None).await.unwrap();
    assert_eq!(admin.all::<SmartModuleSpec>().await.unwrap().len(), 3);

    client.create_topic("numbers", 1, 1).await.unwrap();
    let producer = fluvio::producer::Producer::new(&client, "numbers", fluvio::producer::ProducerConfig::default()).await.unwrap();
    for i in 0..60 {
        producer.send(None, i.to_string().as_bytes()).unwrap();
    }
    tokio::task::block_in_place(|| producer.flush(Duration::from_secs(30))).unwrap();
    let even: Vec<Vec<u8>> = (0..60).step_by(2).map(|i| i.to_string().into_bytes()).collect();
    let thirds: Vec<Vec<u8>> = (0..60).step_by(3).map(|i| (i / 3).to_string().into_bytes()).collect();
    for (name, expected) in [("even", &even), ("tests/thirds@0.2.0", &thirds), ("thirds-tests-0.2.0", &thirds)] {
        let invocation = SmartModuleInvocation {
            wasm: SmartModuleWasm::Predefined(name.to_string()),
            kind: SmartModuleKind::Generic(SmartModuleContextData::None),
            params: Default::default(),
            name: Some(name.to_string()),
        };
        let ours: Vec<Vec<u8>> = our_read(&client, "numbers", invocation).await.into_iter().map(|(_, (_, v))| v).collect();
        assert_eq!(&ours, expected, "{name}: libfluvio");
        let invocation = fluvio_official::SmartModuleInvocation {
            wasm: fluvio_official::SmartModuleInvocationWasm::Predefined(name.to_string()),
            kind: fluvio_official::SmartModuleKind::Generic(fluvio_official::SmartModuleContextData::None),
            params: Default::default(),
            name: Some(name.to_string()),
        };
        let theirs: Vec<Vec<u8>> = official_read(&fluvio, "numbers", invocation, expected.len()).await.into_iter().map(|(_, (_, v))| v).collect();
        assert_eq!(&theirs, expected, "{name}: the official client");
    }

    admin.delete::<SmartModuleSpec>("even").await.unwrap();
    assert!(admin.delete::<SmartModuleSpec>("even").await.is_err());
    client.delete_smartmodule("upper").await.unwrap();
    let left: Vec<String> = client.list_smartmodules().await.unwrap().into_iter().map(|m| m.name).collect();
    assert_eq!(left, ["thirds-tests-0.2.0"]);
    drop(admin);
    drop(fluvio);
    cluster.stop().await.unwrap();

    // Stored durably: still there after a restart.
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    let left: Vec<String> = client.list_smartmodules().await.unwrap().into_iter().map(|m| m.name).collect();
    assert_eq!(left, ["thirds-tests-0.2.0"]);
    cluster.stop().await.unwrap();
}

/// A module that never returns is abandoned after the cluster's
/// `smartmodule_timeout`: the stream (and a produce request) fails with a
/// SmartModule error instead of hanging, the cluster keeps serving, and it
/// still stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_module_that_never_returns_fails_its_stream_not_the_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = fluvio::local::ClusterConfig::new(dir.path());
    config.smartmodule_timeout = Duration::from_millis(500);
    let (cluster, client) = spin_cluster(config, &["1", "2", "loop", "4"], true).await;

    let started = std::time::Instant::now();
    let (values, error) = read_until_error(&client, "spin", "filter_loop").await;
    assert_eq!(values, [b"1".to_vec(), b"2".to_vec()]);
    let message = error.to_string();
    assert!(message.contains("did not return within 500ms") && message.contains("offset 2"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(10));

    // The cluster still serves streams with modules, and produce requests
    // with the looping module fail the same way.
    let even = our_read(&client, "spin", our_invocation("filter_even", SmartModuleKind::Filter, &[])).await;
    assert_eq!(even.iter().map(|(o, (_, v))| (*o, v.clone())).collect::<Vec<_>>(), [(1, b"2".to_vec()), (3, b"4".to_vec())]);
    produce_through_failing(&client, "filter_loop").await;
    let (_, end) = tokio::task::block_in_place(|| cluster_offsets(&client));
    assert_eq!(end, 4, "nothing was stored");
    tokio::time::timeout(Duration::from_secs(20), cluster.stop()).await.expect("the cluster stops").unwrap();
}

/// A module that loops spends its fuel (one unit per call and loop
/// iteration) and traps: the stream fails with a SmartModule error naming
/// the fuel, well before the timeout, and the call is over (the chain came
/// back: the same stream config works again at once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_module_that_loops_runs_out_of_fuel() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = fluvio::local::ClusterConfig::new(dir.path());
    config.smartmodule_timeout = Duration::from_secs(60);
    config.smartmodule_fuel = 5_000_000;
    let (cluster, client) = spin_cluster(config, &["1", "2", "loop", "4"], true).await;
    for _ in 0..2 {
        let started = std::time::Instant::now();
        let (values, error) = read_until_error(&client, "spin", "filter_loop").await;
        assert_eq!(values, [b"1".to_vec(), b"2".to_vec()]);
        let message = error.to_string();
        assert!(message.contains("ran out of fuel: 5000000 units") && message.contains("offset 2"), "{message}");
        assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
    }
    // Producer side: nothing is stored.
    let message = produce_through_failing(&client, "filter_loop").await.to_string();
    assert!(message.contains("ran out of fuel"), "{message}");
    assert_eq!(tokio::task::block_in_place(|| cluster_offsets(&client)).1, 4, "nothing was stored");
    cluster.stop().await.unwrap();
}

/// Modules that hand the engine bad addresses: an `alloc` that returns
/// one far outside its memory (the official engine copies the input there
/// with a raw pointer: the process would die of SIGSEGV), and an output
/// larger than the memory. Each fails its stream with a SmartModule error
/// that says what the module did; the cluster serves on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modules_with_wild_addresses_fail_their_stream_not_the_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let (cluster, client) = spin_cluster(fluvio::local::ClusterConfig::new(dir.path()), &["1", "2", "3", "4"], false).await;
    for (module, expected) in [
        ("filter_wild_alloc", "alloc returned an address its input does not fit at"),
        ("filter_wild_output", "passed copy_records an output outside its memory"),
    ] {
        let (values, error) = read_until_error(&client, "spin", module).await;
        assert!(values.is_empty(), "{module}: {values:?}");
        let message = error.to_string();
        assert!(message.contains(expected) && message.contains("offsets 0..=3"), "{module}: {message}");
    }
    let even = our_read(&client, "spin", our_invocation("filter_even", SmartModuleKind::Filter, &[])).await;
    assert_eq!(even.iter().map(|(o, (_, v))| (*o, v.clone())).collect::<Vec<_>>(), [(1, b"2".to_vec()), (3, b"4".to_vec())]);
    cluster.stop().await.unwrap();
}

/// A topic's deduplication runs its filter on every produce, as the real
/// SPU does: with `count` and `age` as params, primed with the last `count`
/// stored records; dropped records take no offsets, and a produce whose
/// records all go stores nothing. The official client's records go through
/// it alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deduplicated_topic_drops_keys_seen_within_its_bounds() {
    use fluvio::protocol::sc::{Deduplication, DeduplicationBounds, DeduplicationFilter, DeduplicationTransform, SmartModuleMetadata, SmartModulePackage, TopicSpec};
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 1).await;
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    let package = SmartModulePackage {
        name: "dedup-keys".into(),
        group: "test".into(),
        version: "0.1.0".into(),
        api_version: "0.1.0".into(),
        ..SmartModulePackage::default()
    };
    let meta = SmartModuleMetadata { package, params: Default::default() };
    client.create_smartmodule("dedup-keys", &wasm("dedup_keys"), Some(meta)).await.unwrap();
    let spec = TopicSpec {
        deduplication: Some(Deduplication {
            bounds: DeduplicationBounds { count: 3, age: Some(Duration::from_secs(3600)) },
            filter: DeduplicationFilter { transform: DeduplicationTransform { uses: "test/dedup-keys@0.1.0".into(), with: Default::default() } },
        }),
        ..TopicSpec::computed(1, 1)
    };
    client.create_topic_with("unique", spec).await.unwrap();

    let producer = fluvio::producer::Producer::new(&client, "unique", fluvio::producer::ProducerConfig::default()).await.unwrap();
    let send_batch = |keys: &[&str]| {
        for key in keys {
            producer.send(Some(key.as_bytes()), format!("v-{key}").as_bytes()).unwrap();
        }
        tokio::task::block_in_place(|| producer.flush(Duration::from_secs(30))).unwrap();
    };
    send_batch(&["a", "b", "a", "c"]); // the second "a" repeats within the batch
    send_batch(&["a"]); // among the last 3 stored keys: nothing stored
    send_batch(&["d", "e", "a"]); // "a" is 4 keys back by then: kept
    let official = official_client(&cluster.endpoint()).await;
    let official_producer = official.topic_producer("unique").await.unwrap();
    official_producer.send("e", "v-e").await.unwrap(); // seen 2 keys back
    official_producer.send("f", "v-f").await.unwrap();
    official_producer.flush().await.unwrap();

    let config = StreamConfig { continuous: false, ..StreamConfig::default() };
    let mut stream = RecordStream::open(&client, "unique", &[0], Offset::beginning(), config, None).await.unwrap();
    let mut stored = Vec::new();
    while let Some(record) = tokio::time::timeout(Duration::from_secs(30), stream.next()).await.expect("a non-continuous stream ends") {
        let record = record.unwrap();
        stored.push((record.offset, String::from_utf8(record.key.unwrap()).unwrap()));
    }
    let expected: Vec<(i64, String)> = ["a", "b", "c", "d", "e", "a", "f"].iter().enumerate().map(|(i, k)| (i as i64, k.to_string())).collect();
    assert_eq!(stored, expected);
    cluster.stop().await.unwrap();
}

/// A cluster started with `config`, a client, and topic "spin" holding
/// `values`: one batch each when `one_per_batch` (so the records before a
/// failing one go out first), else one batch.
async fn spin_cluster(config: fluvio::local::ClusterConfig, values: &[&str], one_per_batch: bool) -> (fluvio::local::LocalCluster, Client) {
    let cluster = fluvio::local::LocalCluster::start(config).await.unwrap();
    let client = Client::connect(&cluster.endpoint()).await.unwrap();
    client.create_topic("spin", 1, 1).await.unwrap();
    let producer = fluvio::producer::Producer::new(&client, "spin", fluvio::producer::ProducerConfig::default()).await.unwrap();
    for value in values {
        producer.send(None, value.as_bytes()).unwrap();
        if one_per_batch {
            tokio::task::block_in_place(|| producer.flush(Duration::from_secs(30))).unwrap();
        }
    }
    tokio::task::block_in_place(|| producer.flush(Duration::from_secs(30))).unwrap();
    (cluster, client)
}

/// The error of a produce request to "spin" through `module`, which must
/// fail.
async fn produce_through_failing(client: &Client, module: &str) -> fluvio::client::ClientError {
    let config = fluvio::producer::ProducerConfig { smartmodules: vec![our_invocation(module, SmartModuleKind::Filter, &[])], ..Default::default() };
    let producer = fluvio::producer::Producer::new(client, "spin", config).await.unwrap();
    let _delivery = producer.send(None, b"loop").unwrap();
    let flushed = tokio::task::block_in_place(|| producer.flush(Duration::from_secs(30)));
    flushed.expect_err("a produce request through the failing module succeeded")
}

/// The values a stream from the beginning through `module` yields before
/// it fails, and the failure.
async fn read_until_error(client: &Client, topic: &str, module: &str) -> (Vec<Vec<u8>>, fluvio::client::ClientError) {
    let config = StreamConfig { continuous: false, smartmodules: vec![our_invocation(module, SmartModuleKind::Filter, &[])], ..StreamConfig::default() };
    let mut stream = RecordStream::open(client, topic, &[0], Offset::beginning(), config, None).await.unwrap();
    let mut values = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(60), stream.next()).await.expect("the stream hangs") {
            Some(Ok(record)) => values.push(record.value),
            Some(Err(e)) => return (values, e),
            None => panic!("{module}: the stream ended without an error"),
        }
    }
}

/// The partition's (start, end) offsets, as a plain stream sees them.
fn cluster_offsets(client: &Client) -> (i64, i64) {
    tokio::runtime::Handle::current().block_on(async {
        let config = StreamConfig { continuous: false, ..StreamConfig::default() };
        let mut stream = RecordStream::open(client, "spin", &[0], Offset::beginning(), config, None).await.unwrap();
        let mut last = -1;
        while let Some(record) = stream.next().await {
            last = record.unwrap().offset;
        }
        (0, last + 1)
    })
}

/// A measurement, run by hand (not a check): the official Rust client
/// (built at opt-level 2, as every dependency in the test profile) reading
/// the `FLUVIO_BENCH_RECORDS` records of topic `bench` with and without
/// `filter_even` from a running cluster (a release `fluvio-local`), for the
/// README's figure beside the C client's:
///
///     FLUVIO_BENCH_ENDPOINT=127.0.0.1:PORT FLUVIO_BENCH_RECORDS=1000000 \
///         cargo test --test smartmodules official_client_filter_throughput -- --ignored --nocapture
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn official_client_filter_throughput() {
    use futures_util::StreamExt;
    let endpoint = std::env::var("FLUVIO_BENCH_ENDPOINT").expect("FLUVIO_BENCH_ENDPOINT");
    let records: usize = std::env::var("FLUVIO_BENCH_RECORDS").map_or(1_000_000, |n| n.parse().unwrap());
    let fluvio = official_client(&endpoint).await;
    for round in 0..2 {
        for filtered in [false, true] {
            let mut config = fluvio_official::consumer::ConsumerConfigExtBuilder::default();
            config.topic("bench".to_string()).partition(0).offset_start(fluvio_official::Offset::beginning());
            if filtered {
                config.smartmodule(vec![official_invocation("filter_even", fluvio_official::SmartModuleKind::Filter, &[])]);
            }
            let expected = if filtered { records / 2 } else { records };
            let started = std::time::Instant::now();
            let mut stream = fluvio.consumer_with_config(config.build().unwrap()).await.unwrap();
            let mut seen = 0;
            while seen < expected {
                stream.next().await.expect("stream ended").expect("record");
                seen += 1;
            }
            let secs = started.elapsed().as_secs_f64();
            println!(
                "round {round}, official client, {}: {records} in, {seen} out in {secs:.3} s: {:.0} records/s in, {:.0} out",
                if filtered { "filter_even" } else { "no SmartModule" },
                records as f64 / secs,
                seen as f64 / secs
            );
        }
    }
}
