//! The official Python client (`fluvio` 0.21.0 from PyPI, built on the Rust
//! client 0.17.3 and speaking SPU API version 24) against the embedded
//! cluster: 2 SPUs, a 3-partition topic; connect through a profile, admin,
//! produce with every codec, consume from every kind of offset, live
//! tailing, restart, and records exchanged with the official Rust client.
//!
//! The Python side is `tests/python/interop.py`, run with the interpreter
//! named by `FLUVIO_TEST_PYTHON` (`scripts/test.sh` creates a venv with
//! fluvio 0.21.0 and sets it). The client reads its profile from
//! `$HOME/.fluvio/config`: each test writes one into a temporary HOME.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fluvio_official::metadata::partition::PartitionSpec;
use fluvio_official::metadata::topic::TopicSpec;
use fluvio_official::{Compression, Fluvio, Offset};
use serde_json::Value;

use support::{official_client, official_consume, official_produce, start_cluster};

const PARTITIONS: u32 = 3;
/// How long one run of the Python script may take (its own watchdog fires
/// first, at `SCRIPT_TIMEOUT`, and prints the Python stacks).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(30);
const PROCESS_TIMEOUT: Duration = Duration::from_secs(40);

/// What Python 0.21.0's `Record.key()` returns for a record without a key.
const PYTHON_NO_KEY: &[u8] = b"No key";

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

/// The interpreter with fluvio 0.21.0; missing means the test cannot run,
/// which is a failure, not a pass.
fn python_interpreter() -> PathBuf {
    match std::env::var_os("FLUVIO_TEST_PYTHON") {
        Some(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            assert!(
                path.exists(),
                "FLUVIO_TEST_PYTHON={} does not exist; run ./scripts/test.sh, which creates \
                 target/python-venv with fluvio==0.21.0 and sets FLUVIO_TEST_PYTHON",
                path.display()
            );
            path
        }
        _ => panic!(
            "FLUVIO_TEST_PYTHON is not set: the Python interop tests need a Python interpreter \
             with the official client fluvio==0.21.0. Run them with ./scripts/test.sh (it creates \
             target/python-venv and sets FLUVIO_TEST_PYTHON), or by hand: \
             python3 -m venv target/python-venv && target/python-venv/bin/pip install fluvio==0.21.0 && \
             FLUVIO_TEST_PYTHON=$PWD/target/python-venv/bin/python cargo test --test interop_python"
        ),
    }
}

/// The Python client's world: a temporary HOME holding its profile.
struct PythonPeer {
    interpreter: PathBuf,
    home: tempfile::TempDir,
}

/// How one run of the script ended.
struct Run {
    success: bool,
    json: Value,
    stderr: String,
}

impl PythonPeer {
    /// A HOME whose current profile points at `endpoint`.
    fn new(endpoint: &str) -> Self {
        let peer = PythonPeer { interpreter: python_interpreter(), home: tempfile::tempdir().unwrap() };
        peer.set_endpoint(endpoint);
        peer
    }

    /// A HOME without any profile.
    fn without_profile() -> Self {
        PythonPeer { interpreter: python_interpreter(), home: tempfile::tempdir().unwrap() }
    }

    /// Writes the profile file, as `fluvio profile add` lays it out.
    fn set_endpoint(&self, endpoint: &str) {
        let dir = self.home.path().join(".fluvio");
        std::fs::create_dir_all(&dir).unwrap();
        let profile = format!(
            "version = \"2.0\"\n\
             current_profile = \"interop\"\n\n\
             [profile.interop]\n\
             cluster = \"interop\"\n\n\
             [cluster.interop]\n\
             endpoint = \"{endpoint}\"\n\
             use_spu_local_address = false\n\n\
             [cluster.interop.tls]\n\
             tls_policy = \"disabled\"\n"
        );
        std::fs::write(dir.join("config"), profile).unwrap();
    }

    /// Runs `interop.py ARGS` with this HOME; bounded in time, always reaped.
    async fn try_run(&self, args: &[&str]) -> Run {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/interop.py");
        let child = tokio::process::Command::new(&self.interpreter)
            .arg(&script)
            .arg("--timeout")
            .arg(SCRIPT_TIMEOUT.as_secs().to_string())
            .args(args)
            .env("HOME", self.home.path())
            .env_remove("FLV_PROFILE_PATH")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.interpreter.display()));
        // On timeout the child is dropped, which kills it (kill_on_drop).
        let output = tokio::time::timeout(PROCESS_TIMEOUT, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("interop.py {args:?} still running after {PROCESS_TIMEOUT:?}; killed"))
            .expect("wait for interop.py");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let json = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!("interop.py {args:?} ({}) printed no JSON ({e}):\nstdout: {stdout}\nstderr: {stderr}", output.status)
        });
        Run { success: output.status.success(), json, stderr }
    }

    /// Runs the script and requires success.
    async fn run(&self, args: &[&str]) -> Value {
        let run = self.try_run(args).await;
        assert!(run.success, "interop.py {args:?} failed: {}\nstderr: {}", run.json, run.stderr);
        run.json
    }

    /// Python produces `count` records (even ones keyed `key-(i % 17)`, odd
    /// ones with `send_string`, i.e. an empty key); returns them as acknowledged.
    async fn produce(&self, topic: &str, codec: &str, count: usize, tag: &str, extra: &[&str]) -> Vec<Produced> {
        let count_arg = count.to_string();
        let mut args = vec!["produce", "--topic", topic, "--codec", codec, "--count", &count_arg, "--tag", tag];
        args.extend_from_slice(extra);
        let json = self.run(&args).await;
        let records: Vec<Produced> = json["records"]
            .as_array()
            .expect("records")
            .iter()
            .map(|r| Produced {
                partition: r[0].as_u64().unwrap() as u32,
                offset: r[1].as_i64().unwrap(),
                key: Some(latin1(&r[2])),
                value: latin1(&r[3]),
            })
            .collect();
        assert_eq!(records.len(), count);
        records
    }

    /// Python reads, with one consumer each, `(topic, partition, offset, count)`.
    async fn consume(&self, reads: &[(&str, u32, String, usize)]) -> Vec<Vec<PySeen>> {
        let specs: Vec<String> = reads.iter().map(|(t, p, o, n)| format!("{t}:{p}:{o}:{n}")).collect();
        let mut args = vec!["consume"];
        for spec in &specs {
            args.extend(["--read", spec.as_str()]);
        }
        let json = self.run(&args).await;
        let out: Vec<Vec<PySeen>> = json["reads"]
            .as_array()
            .expect("reads")
            .iter()
            .map(|read| {
                read.as_array()
                    .unwrap()
                    .iter()
                    .map(|r| PySeen {
                        offset: r[0].as_i64().unwrap(),
                        key: latin1(&r[1]),
                        value: latin1(&r[2]),
                        timestamp: r[3].as_i64().unwrap(),
                    })
                    .collect()
            })
            .collect();
        assert_eq!(out.len(), reads.len());
        out
    }
}

/// A string the script printed as latin-1: one char per byte.
fn latin1(v: &Value) -> Vec<u8> {
    v.as_str().expect("string").chars().map(|c| u8::try_from(u32::from(c)).expect("latin-1")).collect()
}

/// A record as its producer's acknowledgement placed it.
#[derive(Debug, Clone, PartialEq)]
struct Produced {
    partition: u32,
    offset: i64,
    key: Option<Vec<u8>>,
    value: Vec<u8>,
}

/// A record as the Python consumer saw it (its records carry no partition).
#[derive(Debug, Clone, PartialEq)]
struct PySeen {
    offset: i64,
    key: Vec<u8>,
    value: Vec<u8>,
    timestamp: i64,
}

/// The official partitioner for a keyed record: SipHash-2-4 (keys 0) over
/// the key through `Hash for [u8]` (length prefix, then bytes), mod count.
fn expected_partition(key: &[u8], partitions: u32) -> u32 {
    use std::hash::{Hash, Hasher};
    #[allow(deprecated)]
    let mut hasher = std::hash::SipHasher::new();
    key.hash(&mut hasher);
    (hasher.finish() % u64::from(partitions)) as u32
}

fn by_partition(records: &[Produced]) -> BTreeMap<u32, Vec<Produced>> {
    let mut map: BTreeMap<u32, Vec<Produced>> = BTreeMap::new();
    for r in records {
        map.entry(r.partition).or_default().push(r.clone());
    }
    for list in map.values_mut() {
        list.sort_by_key(|r| r.offset);
    }
    map
}

/// What Python's `Record.key()` shows for a produced key.
fn python_key(key: &Option<Vec<u8>>) -> &[u8] {
    key.as_deref().unwrap_or(PYTHON_NO_KEY)
}

/// The Python consumer saw exactly `expected`, stamped between
/// `produced_after` and now.
fn assert_python_saw(expected: &[Produced], seen: &[PySeen], produced_after: i64, what: &str) {
    assert_eq!(seen.len(), expected.len(), "{what}: record count");
    let now = now_ms();
    for (e, s) in expected.iter().zip(seen) {
        assert_eq!(
            (s.offset, s.key.as_slice(), s.value.as_slice()),
            (e.offset, python_key(&e.key), e.value.as_slice()),
            "{what}: record at offset {}",
            e.offset
        );
        assert!(s.timestamp >= produced_after && s.timestamp <= now, "{what}: timestamp {} out of range", s.timestamp);
    }
}

/// The official Rust client produces `count` records: keyed `key-(i % 17)`
/// when i % 3 == 0, an empty key when i % 3 == 1, no key otherwise.
async fn rust_produce(fluvio: &Fluvio, topic: &str, codec: Compression, count: usize, tag: &str) -> Vec<Produced> {
    let records = (0..count).map(|i| {
        let key = match i % 3 {
            0 => Some(format!("key-{}", i % 17).into_bytes()),
            1 => Some(Vec::new()),
            _ => None,
        };
        (key, format!("{tag}-{i}-{}", "y".repeat(i % 40)).into_bytes())
    });
    official_produce(fluvio, topic, codec, records)
        .await
        .into_iter()
        .map(|s| Produced { partition: s.partition, offset: s.offset, key: s.key, value: s.value })
        .collect()
}

/// Acknowledged offsets of every partition are dense from `from`, and every
/// keyed record sits where the official partitioner puts its key.
fn assert_placement(records: &[Produced], from: &BTreeMap<u32, i64>) {
    for (partition, list) in by_partition(records) {
        let first = from.get(&partition).copied().unwrap_or(0);
        let offsets: Vec<i64> = list.iter().map(|r| r.offset).collect();
        let dense: Vec<i64> = (first..first + list.len() as i64).collect();
        assert_eq!(offsets, dense, "offsets of partition {partition}");
    }
    for r in records {
        if let Some(key) = &r.key {
            assert_eq!(r.partition, expected_partition(key, PARTITIONS), "partition of key {:?}", String::from_utf8_lossy(key));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_connects_through_its_profile() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    cluster.ensure_topic("present", 2).unwrap();
    let endpoint = cluster.endpoint();

    let peer = PythonPeer::new(&endpoint);
    let json = peer.run(&["connect", "--endpoint", &endpoint]).await;
    assert_eq!(json["version"], "0.21.0");
    assert_eq!(json["profile_connected"], true, "{json}");
    assert_eq!(json["profile_topics"], serde_json::json!(["present"]));
    assert_eq!(json["config_connected"], true, "{json}");
    assert_eq!(json["config_topics"], serde_json::json!(["present"]));

    // The profile is what the client follows: a closed port is refused ...
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    peer.set_endpoint(&closed.to_string());
    let json = peer.run(&["connect"]).await;
    assert_eq!(json["profile_connected"], false, "{json}");
    let error = json["profile_error"].as_str().unwrap();
    assert!(error.contains(&closed.port().to_string()), "{error}");
    // ... and without any profile there is nothing to connect to.
    let json = PythonPeer::without_profile().run(&["connect"]).await;
    assert_eq!(json["profile_connected"], false, "{json}");
    assert!(json["profile_error"].as_str().unwrap().contains("no active profile"), "{json}");
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_admin_create_list_delete() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    let peer = PythonPeer::new(&cluster.endpoint());

    let json = peer.run(&["admin"]).await;
    assert_eq!(json["create_alpha"], "ok", "{json}");
    assert_eq!(json["create_beta"], "ok", "{json}");
    assert!(json["create_alpha_again"].as_str().unwrap().contains("already exists"), "{json}");
    assert!(json["create_invalid"].as_str().unwrap().contains("Invalid topic name"), "{json}");
    assert!(json["create_leading_hyphen"].as_str().unwrap().contains("Invalid topic name"), "{json}");
    assert_eq!(json["all"], serde_json::json!(["alpha", "beta"]));
    assert_eq!(json["list_alp"], serde_json::json!(["alpha"]));
    assert_eq!(json["partitions"], serde_json::json!(["alpha-0", "alpha-1", "alpha-2", "beta-0"]));
    assert_eq!(json["delete_beta"], "ok", "{json}");
    assert!(json["delete_beta_again"].as_str().unwrap().contains("not found"), "{json}");
    assert_eq!(json["all_after_delete"], serde_json::json!(["alpha"]));

    // The official Rust client sees what Python made.
    let fluvio = official_client(&cluster.endpoint()).await;
    let admin = fluvio.admin().await;
    let topics = admin.all::<TopicSpec>().await.unwrap();
    assert_eq!(topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["alpha"]);
    assert_eq!(topics[0].spec.partitions(), 3);
    let partitions = admin.all::<PartitionSpec>().await.unwrap();
    let leaders: BTreeSet<i32> = partitions.iter().filter(|p| p.name.starts_with("alpha-")).map(|p| p.spec.leader).collect();
    assert_eq!(leaders.len(), 2, "leaders are spread over both SPUs");
    drop(fluvio);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_produces_every_codec_consumes_every_offset_tails_and_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    cluster.ensure_topic("events", PARTITIONS).unwrap();
    let peer = PythonPeer::new(&cluster.endpoint());

    let started = now_ms();
    let mut produced = Vec::new();
    // Every codec the Python producer config can set; default linger (0) and
    // 5 ms; one run through send_all.
    produced.extend(peer.produce("events", "none", 2_000, "none", &[]).await);
    produced.extend(peer.produce("events", "gzip", 2_000, "gzip", &["--linger", "5"]).await);
    produced.extend(peer.produce("events", "snappy", 2_000, "snappy", &["--linger", "5"]).await);
    produced.extend(peer.produce("events", "lz4", 2_000, "lz4", &[]).await);
    produced.extend(peer.produce("events", "zstd", 2_000, "zstd", &["--send-all"]).await);
    assert_eq!(produced.len(), 10_000);
    assert_placement(&produced, &BTreeMap::new());
    // send_string is an empty key, not "no key": all such records hash to one
    // partition (2 of 3), as the official partitioner puts b"".
    let empty: BTreeSet<u32> = produced.iter().filter(|r| r.key.as_deref() == Some(b"")).map(|r| r.partition).collect();
    assert_eq!(empty, BTreeSet::from([2]));
    let expected = by_partition(&produced);
    assert_eq!(expected.len(), PARTITIONS as usize, "records land on every partition");

    // Every partition from every kind of offset, in one Python process.
    let mut reads = Vec::new();
    for (partition, records) in &expected {
        let n = records.len();
        reads.push(("events", *partition, "beginning".to_string(), n));
        reads.push(("events", *partition, "absolute:100".to_string(), n - 100));
        reads.push(("events", *partition, "from_end:10".to_string(), 10));
        reads.push(("events", *partition, format!("from_beginning:{}", n - 5), 5));
    }
    let seen = peer.consume(&reads).await;
    for ((partition, records), seen) in expected.iter().zip(seen.chunks(4)) {
        let n = records.len();
        assert_python_saw(records, &seen[0], started, &format!("partition {partition} from beginning"));
        assert_python_saw(&records[100..], &seen[1], started, &format!("partition {partition} from absolute 100"));
        assert_python_saw(&records[n - 10..], &seen[2], started, &format!("partition {partition} from end - 10"));
        assert_python_saw(&records[n - 5..], &seen[3], started, &format!("partition {partition} from beginning + {}", n - 5));
    }

    // A live consumer at the end of partition 0 gets what is produced after it started.
    let live_key = (0..).map(|i| format!("live-key-{i}")).find(|k| expected_partition(k.as_bytes(), PARTITIONS) == 0).unwrap();
    let end_before = expected[&0].len() as i64;
    let json = peer.run(&["live", "--topic", "events", "--partition", "0", "--key", &live_key]).await;
    let live_produced: Vec<(u32, i64)> =
        json["produced"].as_array().unwrap().iter().map(|p| (p[0].as_u64().unwrap() as u32, p[1].as_i64().unwrap())).collect();
    assert!(live_produced.iter().all(|&(p, _)| p == 0), "the live key goes to partition 0: {live_produced:?}");
    assert_eq!(live_produced.first().map(|p| p.1), Some(end_before), "live records follow the others");
    let live: Vec<(i64, Vec<u8>, Vec<u8>)> = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_i64().unwrap(), latin1(&r[1]), latin1(&r[2])))
        .collect();
    assert_eq!(live.len(), 3, "{json}");
    for (i, (offset, key, value)) in live.iter().enumerate() {
        assert!(live_produced.iter().any(|&(_, o)| o == *offset), "live record at {offset} was produced live");
        assert_eq!(key, live_key.as_bytes());
        assert!(value.starts_with(b"live-"), "the live consumer sees only new records");
        assert_eq!(*offset, live[0].0 + i as i64, "live records arrive in order");
    }

    // Stop and restart on the same data (new ports): everything is still there.
    cluster.stop().await.unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    peer.set_endpoint(&cluster.endpoint());
    let mut reads = Vec::new();
    for (partition, records) in &expected {
        let live_count = if *partition == 0 { live_produced.len() } else { 0 };
        reads.push(("events", *partition, "beginning".to_string(), records.len() + live_count));
    }
    let seen = peer.consume(&reads).await;
    for ((partition, records), seen) in expected.iter().zip(&seen) {
        assert_python_saw(records, &seen[..records.len()], started, &format!("partition {partition} after restart"));
        assert!(seen[records.len()..].iter().all(|r| r.value.starts_with(b"live-")));
    }
    // And producing goes on from where the logs end.
    let more = peer.produce("events", "none", 30, "after", &[]).await;
    let mut ends: BTreeMap<u32, i64> = expected.iter().map(|(p, r)| (*p, r.len() as i64)).collect();
    *ends.get_mut(&0).unwrap() += live_produced.len() as i64;
    assert_placement(&more, &ends);
    cluster.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_and_rust_clients_read_each_others_records() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = start_cluster(dir.path(), 2).await;
    cluster.ensure_topic("from-python", PARTITIONS).unwrap();
    cluster.ensure_topic("from-rust", PARTITIONS).unwrap();
    let peer = PythonPeer::new(&cluster.endpoint());
    let fluvio = official_client(&cluster.endpoint()).await;
    let started = now_ms();

    // Python → Rust; gzip from the Python client's own miniz_oxide, read by
    // zlib-rs (tests/golden_spu.rs: why the bytes are not ours).
    let mut from_python = peer.produce("from-python", "snappy", 1_500, "py-snappy", &[]).await;
    from_python.extend(peer.produce("from-python", "gzip", 1_500, "py-gzip", &[]).await);
    from_python.extend(peer.produce("from-python", "zstd", 1_500, "py-zstd", &["--linger", "5"]).await);
    assert_placement(&from_python, &BTreeMap::new());
    for (partition, records) in by_partition(&from_python) {
        let seen = official_consume(&fluvio, "from-python", partition, Offset::beginning(), records.len()).await;
        assert_eq!(seen.len(), records.len());
        let now = now_ms();
        for (e, s) in records.iter().zip(&seen) {
            // Python's send_string records carry Some(b""), not None.
            assert_eq!((s.partition, s.offset, &s.key, &s.value), (e.partition, e.offset, &e.key, &e.value));
            assert!(s.timestamp >= started && s.timestamp <= now, "timestamp {} out of range", s.timestamp);
        }
    }

    // Rust → Python, with keys, empty keys and no keys.
    let mut from_rust = rust_produce(&fluvio, "from-rust", Compression::Gzip, 1_500, "rs-gzip").await;
    from_rust.extend(rust_produce(&fluvio, "from-rust", Compression::Lz4, 1_500, "rs-lz4").await);
    assert_placement(&from_rust, &BTreeMap::new());
    assert!(from_rust.iter().any(|r| r.key.is_none()));
    let expected = by_partition(&from_rust);
    let reads: Vec<_> = expected.iter().map(|(p, r)| ("from-rust", *p, "beginning".to_string(), r.len())).collect();
    let seen = peer.consume(&reads).await;
    for ((partition, records), seen) in expected.iter().zip(&seen) {
        // A key-less record reads as b"No key" in Python 0.21.0.
        assert_python_saw(records, seen, started, &format!("from-rust partition {partition}"));
        // Both clients compute the same timestamps from the stored batches.
        let rust_seen = official_consume(&fluvio, "from-rust", *partition, Offset::beginning(), records.len()).await;
        let stamps: Vec<i64> = rust_seen.iter().map(|r| r.timestamp).collect();
        assert_eq!(seen.iter().map(|r| r.timestamp).collect::<Vec<_>>(), stamps, "partition {partition} timestamps");
    }

    // The same key lands on the same partition from either client (and the
    // empty key, too: partition 2 of 3).
    let placement = |records: &[Produced]| -> BTreeMap<Vec<u8>, BTreeSet<u32>> {
        let mut map: BTreeMap<Vec<u8>, BTreeSet<u32>> = BTreeMap::new();
        for r in records {
            if let Some(key) = &r.key {
                map.entry(key.clone()).or_default().insert(r.partition);
            }
        }
        map
    };
    let (python_placement, rust_placement) = (placement(&from_python), placement(&from_rust));
    assert_eq!(python_placement.len(), 18, "17 keys and the empty key");
    assert_eq!(python_placement, rust_placement);
    assert!(python_placement.values().all(|p| p.len() == 1));
    assert_eq!(python_placement[&b""[..]], BTreeSet::from([2]));
    let used: BTreeSet<u32> = python_placement.values().flatten().copied().collect();
    assert_eq!(used.len(), PARTITIONS as usize, "the keys cover every partition");
    drop(fluvio);
    cluster.stop().await.unwrap();
}
