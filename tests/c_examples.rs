//! Builds the C examples with their Makefile against the library this test
//! run built, runs them (the client examples against `fluvio-local` with 2
//! SPUs), checks with the official Rust client what they wrote, and runs
//! them again under valgrind.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{assert_success, ServerProcess};

/// Builds the examples into a fresh directory; returns it.
fn build_examples(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib_dir = support::library_dir();
    let build_dir = std::env::temp_dir().join(format!("fluvio-c-examples-{name}-{}", std::process::id()));
    let output = Command::new("make")
        .arg("-C")
        .arg(root.join("c-examples"))
        .arg(format!("LIBDIR={}", lib_dir.display()))
        .arg(format!("BUILD={}", build_dir.display()))
        .arg("all")
        .output()
        .expect("run make");
    assert_success("make", &output);
    build_dir
}


/// Each example with its arguments, in the order the demo runs them.
/// `@BUILD` stands for the build directory.
const EXAMPLES: [(&str, &[&str]); 11] = [
    ("version", &[]),
    // The header's complete example: its own embedded cluster.
    ("quickstart", &[]),
    ("local_cluster", &[]),
    ("producer", &["greetings", "25"]),
    ("consumer", &["greetings"]),
    ("custom_partitioner", &["sorted"]),
    // Three runs of one named consumer: 10, 10, then the 6 left; in
    // between, the admin example sees it 6 records behind.
    ("resumable_consumer", &["greetings", "reader", "10"]),
    ("resumable_consumer", &["greetings", "reader", "10"]),
    ("topic_admin", &["orders", "greetings", "reader"]),
    ("resumable_consumer", &["greetings", "reader", "10"]),
    ("smartmodule_filter", &["@BUILD/filter_even.wasm", "numbers"]),
];

/// Runs every example, through `wrapper` (e.g. valgrind) if given, with
/// FLUVIO_ENDPOINT pointing at a fresh `fluvio-local`; returns their stdout.
fn run_examples(build_dir: &Path, wrapper: &[&str], check: impl FnOnce(&str)) -> String {
    let data = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(data.path(), &["--spus", "2"]);
    let mut stdout = String::new();
    for (example, args) in EXAMPLES {
        let program = build_dir.join(example);
        let mut command = match wrapper.split_first() {
            Some((tool, tool_args)) => {
                let mut c = Command::new(tool);
                c.args(tool_args).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        let args = args.iter().map(|a| a.replace("@BUILD", &build_dir.display().to_string()));
        let output = command.args(args).env("FLUVIO_ENDPOINT", &server.endpoint).output().expect("run example");
        assert_success(&format!("{} {example}", wrapper.join(" ")), &output);
        stdout.push_str(&String::from_utf8_lossy(&output.stdout));
    }
    check(&server.endpoint);
    assert!(server.terminate().success(), "fluvio-local did not stop cleanly");
    stdout
}

/// What the C producer and custom partitioner wrote, as the official Rust
/// client reads it: every record with its key and value, keyed records on the
/// partition the official partitioner picks, values on the partitions the C
/// callback chose.
const CODECS: [&str; 5] = ["none", "gzip", "snappy", "lz4", "zstd"];

fn official_client_reads_what_c_wrote(endpoint: &str, started_ms: i64) {
    use fluvio_official::consumer::ConsumerConfigExtBuilder;
    use futures_util::StreamExt;

    let read_all = |topic: &str, partitions: u32, count: usize| {
        let topic = topic.to_string();
        let endpoint = endpoint.to_string();
        tokio::runtime::Runtime::new().unwrap().block_on(async move {
            let fluvio = support::official_client(&endpoint).await;
            let mut records = Vec::new();
            for partition in 0..partitions {
                let config = ConsumerConfigExtBuilder::default()
                    .topic(topic.clone())
                    .partition(partition)
                    .offset_start(fluvio_official::Offset::beginning())
                    .disable_continuous(true)
                    .build()
                    .unwrap();
                let mut stream = fluvio.consumer_with_config(config).await.unwrap();
                while let Some(record) = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next()).await.unwrap() {
                    let record = record.unwrap();
                    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
                    assert!((started_ms..=now).contains(&record.timestamp()), "{topic}: timestamp {} not from this run", record.timestamp());
                    records.push((partition, record.key().map(<[u8]>::to_vec), String::from_utf8(record.value().to_vec()).unwrap()));
                }
            }
            assert_eq!(records.len(), count, "{topic}: {records:?}");
            records
        })
    };
    let partitioner = fluvio::producer::SipHashRoundRobin::default();
    let topics = std::iter::once(("greetings".to_string(), 25)).chain(CODECS.iter().map(|c| (format!("codec-{c}"), 20)));
    for (topic, count) in topics {
        let records = read_all(&topic, 2, count + 1);
        for i in 0..count {
            let key = format!("user-{}", i % 3);
            let expected = fluvio::producer::Partitioner::partition(&partitioner, Some(key.as_bytes()), b"", 2);
            assert!(records.contains(&(expected, Some(key.into_bytes()), format!("hello {i}"))), "{topic} hello {i}: {records:?}");
        }
        assert!(records.iter().any(|(_, key, value)| key.is_none() && value == "goodbye"), "{topic}");
    }
    let sorted = read_all("sorted", 2, 4);
    for (partition, value) in [(0, "42 is a number"), (1, "apples"), (0, "7 days"), (1, "zebra")] {
        assert!(sorted.contains(&(partition, None, value.to_string())), "{value}: {sorted:?}");
    }
}

#[test]
fn c_examples_build_and_run() {
    let build_dir = build_examples("run");
    let started_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let stdout = run_examples(&build_dir, &[], |endpoint| {
        // The C producer once more per codec, for the official consumer to read.
        for codec in CODECS {
            let output = Command::new(build_dir.join("producer"))
                .args([&format!("codec-{codec}"), "20", codec])
                .env("FLUVIO_ENDPOINT", endpoint)
                .output()
                .expect("run producer");
            assert_success(&format!("producer {codec}"), &output);
        }
        official_client_reads_what_c_wrote(endpoint, started_ms);
    });
    std::fs::remove_dir_all(&build_dir).ok();
    assert!(stdout.contains(&format!("libfluvio {}", env!("CARGO_PKG_VERSION"))), "{stdout}");
    assert!(stdout.contains("status 0 is FLUVIO_OK"), "{stdout}");
    assert!(stdout.contains("offset 0: one\noffset 1: two\noffset 2: three\n"), "quickstart:\n{stdout}");
    assert!(stdout.contains("local cluster serving on 127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("start with a NULL out-pointer: FLUVIO_ERR_INVALID_ARGUMENT (out is NULL)"), "{stdout}");
    assert!(stdout.contains("local cluster stopped"), "{stdout}");
    assert!(stdout.contains("produced 26 records to greetings (lz4); the last is at partition"), "{stdout}");
    assert!(stdout.contains("consumed 26 records from greetings"), "{stdout}");
    for i in 0..25 {
        assert!(stdout.contains(&format!(" hello {i} ")), "record {i} missing:\n{stdout}");
    }
    assert!(stdout.contains("42 is a number   -> partition 0"), "{stdout}");
    assert!(stdout.contains("apples           -> partition 1"), "{stdout}");
    assert!(stdout.contains("the partitioner was called 4 times"), "{stdout}");
    resumable_runs_read_each_record_once(&stdout);
    topic_admin_saw_the_options_and_the_lag(&stdout);
    smartmodule_filter_kept_the_even_numbers(&stdout);
}

/// The admin example's topic has the options it was created with and its
/// added partition; the reader, having read 20 of greetings' 26 records,
/// is 6 behind, each committed partition's lag its high watermark past the
/// commit.
fn topic_admin_saw_the_options_and_the_lag(stdout: &str) {
    let options = "retention 604800 s, segment 1048576 B, max partition 16777216 B, compression lz4, provisioned";
    assert!(stdout.contains(&format!("topic orders: 2 partitions, replication 1, {options}")), "{stdout}");
    assert!(stdout.contains(&format!("topic orders: 3 partitions, replication 1, {options}")), "{stdout}");
    assert!(stdout.contains("cluster platform version 0.18.1"), "{stdout}");
    for partition in 0..3 {
        assert!(stdout.contains(&format!("  orders-{partition}  leader 50")), "{stdout}");
    }
    assert!(stdout.contains("SPU 5001 at 127.0.0.1:") && stdout.contains("SPU 5002 at 127.0.0.1:"), "{stdout}");
    let lags: Vec<(i64, i64, i64)> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("lag of reader in greetings-"))
        .map(|l| {
            // "<partition>: committed C, high watermark H, lag L"
            let numbers: Vec<i64> = l.split([',', ' ', ':']).filter_map(|w| w.parse().ok()).collect();
            (numbers[1], numbers[2], numbers[3])
        })
        .collect();
    assert!(!lags.is_empty(), "{stdout}");
    for (committed, high_watermark, lag) in &lags {
        assert_eq!(*lag, high_watermark - (committed + 1), "{stdout}");
    }
    assert_eq!(lags.iter().map(|l| l.2).sum::<i64>(), 6, "{stdout}");
    assert!(stdout.contains("reader is 6 records behind in greetings"), "{stdout}");
}

/// The filter ran on the SPU, ad hoc and by name: the even numbers of
/// 0..19, each at its own offset.
fn smartmodule_filter_kept_the_even_numbers(stdout: &str) {
    let kept: Vec<&str> = stdout.lines().filter(|l| l.starts_with("kept ")).collect();
    assert_eq!(kept, ["kept 10 of 20 records", "kept 10 of 20 records"], "{stdout}");
    let through: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  offset ")).collect();
    let expected: Vec<String> = (0..20).step_by(2).map(|i| format!("  offset {i:2}  {i}")).collect();
    assert_eq!(through.len(), 20, "{stdout}");
    assert_eq!(&through[..10], &expected[..], "ad hoc:\n{stdout}");
    assert_eq!(&through[10..], &expected[..], "by name:\n{stdout}");
}

/// The three runs of `resumable_consumer` together read each of the 26
/// records of greetings exactly once, and the cluster stored where it ended.
fn resumable_runs_read_each_record_once(stdout: &str) {
    let counts: Vec<&str> = stdout.lines().filter(|l| l.starts_with("reader read ")).collect();
    assert_eq!(counts, ["reader read 10 records from greetings", "reader read 10 records from greetings", "reader read 6 records from greetings"]);
    let mut read: Vec<(u32, i64)> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("resumable: partition "))
        .map(|l| {
            let fields: Vec<&str> = l.split(' ').collect();
            (fields[0].parse().unwrap(), fields[2].parse().unwrap())
        })
        .collect();
    assert_eq!(read.len(), 26, "{stdout}");
    read.sort();
    read.dedup();
    assert_eq!(read.len(), 26, "a record was read twice:\n{stdout}");
    let mut last_per_partition = std::collections::BTreeMap::new();
    for (partition, offset) in read {
        last_per_partition.insert(partition, offset); // sorted: the last insert is the largest
    }
    for (partition, last) in last_per_partition {
        let line = format!("reader resumes partition {partition} after offset {last}");
        assert!(stdout.contains(&line), "missing '{line}':\n{stdout}");
    }
}

/// Clean under valgrind (see `support::VALGRIND`).
#[test]
fn c_examples_are_valgrind_clean() {
    support::require_valgrind();
    let build_dir = build_examples("valgrind");
    let stdout = run_examples(&build_dir, &support::VALGRIND, |_| {});
    std::fs::remove_dir_all(&build_dir).ok();
    assert!(stdout.contains("consumed 26 records from greetings"), "{stdout}");
    resumable_runs_read_each_record_once(&stdout);
    topic_admin_saw_the_options_and_the_lag(&stdout);
    smartmodule_filter_kept_the_even_numbers(&stdout);
}

/// The unchanged producer and consumer reach a TLS cluster through a
/// Fluvio profile file alone (FLV_PROFILE_PATH; mutual TLS, certificates
/// next to the file), as a program deployed against a real cluster would.
#[test]
fn c_examples_connect_by_profile_over_tls() {
    let build_dir = build_examples("tls");
    let certs_dir = tempfile::tempdir().unwrap();
    let certs = support::certs::TestCerts::create(certs_dir.path());
    let data = tempfile::tempdir().unwrap();
    let path = |name: &str| certs.path(name).display().to_string();
    let server = ServerProcess::start(
        data.path(),
        &["--spus", "2", "--tls-cert", &path("server.pem"), "--tls-key", &path("server.key"), "--tls-client-ca", &path("ca.pem")],
    );
    let profile = certs.path("config");
    std::fs::write(
        &profile,
        format!(
            "version = \"2.0\"\ncurrent_profile = \"secure\"\n[profile.secure]\ncluster = \"local\"\n[cluster.local]\n\
             endpoint = \"{}\"\n[cluster.local.tls]\ntls_policy = \"verified\"\ntls_source = \"files\"\n\
             [cluster.local.tls.certs]\ndomain = \"localhost\"\nkey = \"client.key\"\ncert = \"client.pem\"\nca_cert = \"ca.pem\"\n",
            server.endpoint
        ),
    )
    .unwrap();
    let mut stdout = String::new();
    for (example, args) in [("producer", &["secured", "5"][..]), ("consumer", &["secured"][..])] {
        let output = Command::new(build_dir.join(example))
            .args(args)
            .env_remove("FLUVIO_ENDPOINT")
            .env("FLV_PROFILE_PATH", &profile)
            .output()
            .expect("run example");
        assert_success(example, &output);
        stdout.push_str(&String::from_utf8_lossy(&output.stdout));
    }
    // Without the profile the same program cannot talk to the TLS port.
    let plain = Command::new(build_dir.join("consumer")).arg("secured").env("FLUVIO_ENDPOINT", &server.endpoint).output().unwrap();
    assert!(!plain.status.success());
    assert!(String::from_utf8_lossy(&plain.stderr).contains("TLS"), "{}", String::from_utf8_lossy(&plain.stderr));
    assert!(server.terminate().success(), "fluvio-local did not stop cleanly");
    std::fs::remove_dir_all(&build_dir).ok();
    assert!(stdout.contains("consumed 6 records from secured"), "{stdout}");
}
