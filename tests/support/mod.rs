//! Starting the embedded cluster for tests: in-process on a temp directory,
//! or as the `fluvio-local` binary (for kill -9), always on loopback with
//! ephemeral ports, always cleaned up.

#![allow(dead_code)]

pub mod certs;
pub mod install;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use fluvio::local::{ClusterConfig, LocalCluster};

/// Starts an in-process cluster with `spus` SPUs over `dir`.
pub async fn start_cluster(dir: &Path, spus: u16) -> LocalCluster {
    let mut config = ClusterConfig::new(dir);
    config.spus = spus;
    LocalCluster::start(config).await.expect("start the embedded cluster")
}

/// Connects the official Rust client.
pub async fn official_client(endpoint: &str) -> fluvio_official::Fluvio {
    let config = fluvio_official::FluvioClusterConfig::new(endpoint);
    fluvio_official::Fluvio::connect_with_config(&config).await.expect("official client connects")
}

/// A record as an official consumer saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub partition: u32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub value: Vec<u8>,
    pub timestamp: i64,
}

/// Reads `partition` of `topic` from `offset` with the official Rust
/// client until `count` records arrived (30 s at most per record).
pub async fn official_consume(
    fluvio: &fluvio_official::Fluvio,
    topic: &str,
    partition: u32,
    offset: fluvio_official::Offset,
    count: usize,
) -> Vec<Seen> {
    use futures_util::StreamExt;
    let config = fluvio_official::consumer::ConsumerConfigExtBuilder::default()
        .topic(topic.to_string())
        .partition(partition)
        .offset_start(offset)
        .build()
        .expect("consumer config");
    let mut stream = fluvio.consumer_with_config(config).await.expect("consumer stream");
    let mut seen = Vec::with_capacity(count);
    while seen.len() < count {
        let record = tokio::time::timeout(std::time::Duration::from_secs(30), stream.next())
            .await
            .unwrap_or_else(|_| panic!("timed out after {} of {count} records", seen.len()))
            .expect("stream ended")
            .expect("record");
        seen.push(Seen {
            partition: record.partition(),
            offset: record.offset(),
            key: record.key().map(<[u8]>::to_vec),
            value: record.value().to_vec(),
            timestamp: record.timestamp(),
        });
    }
    seen
}

/// Sends `records` (key, value) with the official Rust producer using
/// `codec` and a 5 ms linger, flushes, and returns each record as a `Seen`
/// with the partition and offset the cluster acknowledged (timestamp 0).
pub async fn official_produce(
    fluvio: &fluvio_official::Fluvio,
    topic: &str,
    codec: fluvio_official::Compression,
    records: impl IntoIterator<Item = (Option<Vec<u8>>, Vec<u8>)>,
) -> Vec<Seen> {
    let config = fluvio_official::TopicProducerConfigBuilder::default()
        .compression(codec)
        .linger(std::time::Duration::from_millis(5))
        .build()
        .expect("producer config");
    let producer = fluvio.topic_producer_with_config(topic, config).await.expect("producer");
    let mut pending = Vec::new();
    for (key, value) in records {
        let sent = match &key {
            Some(k) => producer.send(k.clone(), value.clone()).await,
            None => producer.send(fluvio_official::RecordKey::NULL, value.clone()).await,
        };
        pending.push((key, value, sent.expect("send")));
    }
    producer.flush().await.expect("flush");
    let mut produced = Vec::with_capacity(pending.len());
    for (key, value, output) in pending {
        let metadata = output.wait().await.expect("delivery");
        produced.push(Seen { partition: metadata.partition_id(), offset: metadata.offset(), key, value, timestamp: 0 });
    }
    produced
}

/// Fails with `what`'s exit status and output unless it succeeded.
pub fn assert_success(what: &str, output: &std::process::Output) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The directory holding the `libfluvio.a` this test run links against:
/// the test binary lives in target/<profile>/deps, the libraries one level up.
pub fn library_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let lib_dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
    assert!(lib_dir.join("libfluvio.a").exists(), "libfluvio.a not built in {}", lib_dir.display());
    lib_dir
}

/// valgrind and its arguments for the C tests: no invalid access and no
/// definite leak (exit 99). The runtime's worker threads are alive at exit
/// by design, so "possibly lost" thread stacks are allowed. The
/// suppressions cover false positives in ring's assembly crypto only.
pub const VALGRIND: [&str; 6] = [
    "valgrind",
    "--error-exitcode=99",
    "--leak-check=full",
    "--errors-for-leak-kinds=definite",
    concat!("--suppressions=", env!("CARGO_MANIFEST_DIR"), "/tests/valgrind.supp"),
    "-q",
];

/// Fails unless valgrind is installed.
pub fn require_valgrind() {
    let valgrind = Command::new("valgrind").arg("--version").output();
    assert!(
        valgrind.is_ok_and(|o| o.status.success()),
        "valgrind is not installed: run the suite with scripts/test.sh, which installs it"
    );
}

/// A `fluvio-local` process, killed (SIGKILL) when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub endpoint: String,
}

impl ServerProcess {
    /// Starts `fluvio-local` and waits for its first stdout line, the endpoint.
    pub fn start(dir: &Path, extra_args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_fluvio-local"));
        command.arg("--data-dir").arg(dir).args(extra_args);
        Self::spawn(&mut command)
    }

    /// Starts `command`, a `fluvio-local` command line (another build of
    /// it, such as a packaged one), and waits for the endpoint line.
    pub fn spawn(command: &mut Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn fluvio-local");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read the endpoint line");
        let endpoint = line.trim().to_string();
        assert!(endpoint.starts_with("127.0.0.1:"), "first stdout line is the endpoint, got {line:?}");
        ServerProcess { child, endpoint }
    }

    /// Sends SIGKILL and waits for the process to be gone.
    pub fn kill_9(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reap");
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().expect("run kill");
        assert!(sent.success(), "kill -TERM failed");
        self.child.wait().expect("reap")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Produce→consume round trips of single records at linger 0 on partition 0
/// of `topic`, each value checked: the sorted times of `count` of them,
/// after `warmup` uncounted ones.
pub async fn round_trips_at_linger_0(client: &fluvio::client::Client, topic: &str, warmup: usize, count: usize) -> Vec<std::time::Duration> {
    use fluvio::consumer::{Offset, RecordStream, StreamConfig};
    use fluvio::producer::{Producer, ProducerConfig};
    use std::time::{Duration, Instant};
    let wait = Duration::from_secs(10);
    let producer = Producer::new(client, topic, ProducerConfig { linger: Duration::ZERO, ..ProducerConfig::default() }).await.unwrap();
    let mut stream = RecordStream::open(client, topic, &[0], Offset::end(), StreamConfig::default(), None).await.unwrap();
    let mut round_trips = Vec::with_capacity(count);
    for i in 0..warmup + count {
        let value = format!("round trip {i:04}");
        let started = Instant::now();
        producer.send(None, value.as_bytes()).unwrap();
        let record = tokio::time::timeout(wait, stream.next()).await.expect("the record within 10 s").expect("stream open").unwrap();
        let elapsed = started.elapsed();
        assert_eq!(record.value, value.as_bytes(), "another record came back");
        if i >= warmup {
            round_trips.push(elapsed);
        }
    }
    producer.close(wait).await.unwrap();
    round_trips.sort();
    round_trips
}

/// Compiles `tests/c/{program}.c` against the library this test run built,
/// warning-free C99 or not at all, into a fresh directory named after
/// `name`; returns the directory and the compiler's diagnostics.
pub fn build_c_program(program: &str, name: &str, flags: &[&str]) -> (std::path::PathBuf, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = library_dir().join("libfluvio.a");
    let build_dir = std::env::temp_dir().join(format!("fluvio-c-{program}-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&build_dir).unwrap();
    let output = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-O1", "-g"])
        .args(flags)
        // Diagnostics in ASCII quotes, whatever the locale.
        .env("LC_ALL", "C")
        .arg("-I")
        .arg(root.join("include"))
        .arg("-o")
        .arg(build_dir.join(program))
        .arg(root.join(format!("tests/c/{program}.c")))
        .arg(&lib)
        .args(["-lpthread", "-ldl", "-lm"])
        .output()
        .expect("run cc");
    assert!(
        output.status.success(),
        "cc failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (build_dir, String::from_utf8_lossy(&output.stderr).into_owned())
}
