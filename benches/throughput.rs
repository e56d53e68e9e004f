//! Ours beside the official Rust client 0.50.1, on the same embedded cluster
//! in the same run: producer throughput (100-byte and 4 KiB records, 1 and 4
//! partitions, every codec, ours with `fluvio_producer_send` and with
//! `fluvio_producer_send_batch`), delivery reports (ours: a callback served
//! by `fluvio_producer_poll`; theirs: awaiting every record's metadata) and
//! what they add per record, consumer throughput, produce→consume
//! latency at linger 0, a filter SmartModule run by the SPU (records in and
//! out per second), the cost of one send / next call, and the peak RSS of
//! the producing and consuming processes.
//!
//!     cargo bench --bench throughput              # the full run (a few minutes)
//!     cargo bench --bench throughput -- --quick   # 10x fewer records, for smoke runs
//!     cargo bench --bench throughput -- --endpoint HOST:PORT   # against an existing cluster
//!     cargo bench --bench throughput -- --imitate-real-spu-sockets   # fluvio-local with real SPU sockets
//!
//! This program is the driver. It builds the C programs of `benches/c/`
//! (`make`, -O2, against the `libfluvio.a` cargo just built next to this
//! binary), starts `fluvio-local` (1 SPU, loopback, fsync never, so the disk
//! is not what is measured) unless `--endpoint` names a cluster (it creates
//! its own topics there, named after its process id, and deletes them), and runs every measurement as a process of its
//! own: ours are the C programs, calling the C API exactly as a user would;
//! the official client is this same binary started as
//! `throughput official <mode> name=value...` (module `official` below),
//! used the way its documentation shows. Each process reports one `RESULT`
//! line (times, and its peak RSS: VmHWM). Both clients send the same
//! bytes (log-line-like values; checksums compared). The driver prints the
//! settings and one table, plain text and markdown, and writes the markdown
//! to `target/<profile>/throughput.md`.
//!
//! Timing stays out of the test suite: this runs on demand only.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fluvio::client::{Client, ClientConfig};
use fluvio::consumer::{Offset, RecordStream, StreamConfig};

/// Distinct values cycled through by the producers (as `VALUE_POOL` in benches/c/common.h).
const VALUE_POOL: usize = 1024;
const CODECS: [&str; 5] = ["none", "gzip", "snappy", "lz4", "zstd"];
const LINGER_MS: u64 = 10;
const BATCH_BYTES: usize = 16_384;
const BATCH_RECORDS: usize = 1024;
const LATENCY_WARMUP: usize = 100;
const PAUSE_MS: u64 = 50;
/// Records a `fluvio_stream_next_batch` call may take in the buffered-batch row.
const NEXT_BATCH_MAX: usize = 64;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("official") {
        official::main(&args[1..]);
        return;
    }
    let options = Options::parse(&args);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(driver(options));
}

/// What the driver was asked for (cargo's own `--bench` is ignored).
struct Options {
    /// 10x fewer records.
    quick: bool,
    /// An existing cluster's SC instead of a fluvio-local of our own.
    endpoint: Option<String>,
    /// Start fluvio-local with --imitate-real-spu-sockets.
    imitate_real_spu_sockets: bool,
}

impl Options {
    fn parse(args: &[String]) -> Options {
        let mut options = Options { quick: false, endpoint: None, imitate_real_spu_sockets: false };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--endpoint" => options.endpoint = Some(args.next().expect("--endpoint HOST:PORT").clone()),
                "--imitate-real-spu-sockets" => options.imitate_real_spu_sockets = true,
                "--bench" => {}
                other => panic!("unknown argument {other}: expected --quick, --endpoint HOST:PORT, --imitate-real-spu-sockets"),
            }
        }
        assert!(
            options.endpoint.is_none() || !options.imitate_real_spu_sockets,
            "--imitate-real-spu-sockets is for the fluvio-local the bench starts, not for --endpoint"
        );
        options
    }

    /// The cluster line of the report.
    fn cluster(&self) -> String {
        match (&self.endpoint, self.imitate_real_spu_sockets) {
            (Some(endpoint), _) => format!("cluster: the existing cluster at {endpoint} (--endpoint); every client run a process of its own"),
            (None, imitate) => format!(
                "cluster: fluvio-local, 1 SPU, 127.0.0.1, fsync never{}; every process of its own (server, each client run)",
                if imitate { ", --imitate-real-spu-sockets (Nagle on, StreamFetch frames in two writes)" } else { "" }
            ),
        }
    }
}

/// The values both clients send: `VALUE_POOL` values of `size` bytes that
/// compress like log lines (a counter, then words of a small vocabulary
/// picked by xorshift64), and their FNV-1a checksum. The same algorithm as
/// `make_values` in benches/c/common.h.
fn make_values(size: usize) -> (Vec<Vec<u8>>, u64) {
    const WORDS: [&str; 12] =
        ["user", "order", "created", "shipped", "id", "status", "ok", "error", "latency", "ms", "region", "eu-west"];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let values: Vec<Vec<u8>> = (0..VALUE_POOL)
        .map(|k| {
            let mut value = format!("{k:08} ").into_bytes();
            while value.len() < size {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                value.extend_from_slice(WORDS[(state % WORDS.len() as u64) as usize].as_bytes());
                value.push(b' ');
            }
            value.truncate(size);
            value
        })
        .collect();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in values.iter().flatten() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (values, hash)
}

/// User + system CPU time of this process so far, in seconds (as
/// `cpu_seconds` in benches/c/common.h).
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Peak resident set size of this process, in KiB: VmHWM, as `peak_rss_kb`
/// in benches/c/common.h (which says why not getrusage).
fn peak_rss_kb() -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line["VmHWM:".len()..].trim().trim_end_matches("kB").trim().parse().ok()
        })
        .unwrap_or(-1)
}

// ---------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------

/// A `RESULT name=value ...` line of a bench process.
struct Report(HashMap<String, String>);

impl Report {
    fn f(&self, name: &str) -> f64 {
        self.0.get(name).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {name} in the result {:?}", self.0))
    }

    fn s(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }
}

/// Runs a bench process and returns its RESULT line; panics (with what it
/// printed on stderr, which is inherited) if it fails.
fn run(command: &mut Command) -> Report {
    let output = command.stderr(Stdio::inherit()).output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{command:?} failed ({}): {stdout}", output.status);
    let line = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")).unwrap_or_else(|| panic!("{command:?} printed no RESULT line: {stdout}"));
    Report(line.split_whitespace().filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

/// The `fluvio-local` server, killed when dropped.
struct Server {
    child: Child,
    endpoint: String,
}

impl Server {
    fn start(dir: &Path, imitate_real_spu_sockets: bool) -> Server {
        let log = std::fs::File::create(dir.join("fluvio-local.log")).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_fluvio-local"))
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(["--spus", "1", "--fsync", "never"])
            .args(imitate_real_spu_sockets.then_some("--imitate-real-spu-sockets"))
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start fluvio-local");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let endpoint = line.trim().to_string();
        assert!(endpoint.starts_with("127.0.0.1:"), "fluvio-local printed {line:?}, not its endpoint");
        Server { child, endpoint }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How a row's two values compare.
#[derive(Clone, Copy, PartialEq)]
enum Better {
    Higher,
    Lower,
}

/// A measured value, formatted for the table.
#[derive(Clone, Copy)]
enum Value {
    /// records/s, with the MB/s of values for `bytes_per_record`.
    Rate { per_s: f64, bytes_per_record: usize },
    Micros(f64),
    Nanos(f64),
    /// KiB of peak RSS.
    Rss(f64),
}

impl Value {
    fn number(self) -> f64 {
        match self {
            Value::Rate { per_s, .. } => per_s,
            Value::Micros(v) | Value::Nanos(v) | Value::Rss(v) => v,
        }
    }

    fn text(self) -> String {
        match self {
            Value::Rate { per_s, bytes_per_record } => {
                format!("{} rec/s ({:.1} MB/s)", thousands(per_s), per_s * bytes_per_record as f64 / 1e6)
            }
            Value::Micros(v) => format!("{} µs", thousands(v)),
            Value::Nanos(v) => format!("{} ns", thousands(v)),
            Value::Rss(kb) => format!("{:.1} MiB", kb / 1024.0),
        }
    }
}

struct Row {
    name: String,
    ours: Value,
    theirs: Value,
    better: Better,
}

impl Row {
    /// How many times better ours is (above 1: ours is better).
    fn ratio(&self) -> f64 {
        match self.better {
            Better::Higher => self.ours.number() / self.theirs.number(),
            Better::Lower => self.theirs.number() / self.ours.number(),
        }
    }
}

fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

fn rate(report: &Report, seconds: &str, size: usize) -> Value {
    Value::Rate { per_s: report.f("records") / report.f(seconds), bytes_per_record: size }
}

/// One producer run of the matrix.
#[derive(Clone, Copy)]
struct Scenario {
    size: usize,
    count: usize,
    partitions: u32,
    codec: &'static str,
}

impl Scenario {
    fn label(&self) -> String {
        let size = if self.size % 1024 == 0 { format!("{} KiB", self.size / 1024) } else { format!("{} B", self.size) };
        let partitions = if self.partitions == 1 { "1 partition".to_string() } else { format!("{} partitions", self.partitions) };
        format!("{} x {size}, {partitions}, {}", thousands(self.count as f64), self.codec)
    }
}

/// The producer matrix: 100-byte and 4 KiB records, on 1 and 4 partitions,
/// with every codec.
fn matrix(small: usize, large: usize) -> Vec<Scenario> {
    let mut scenarios = Vec::new();
    for (size, count) in [(100, small), (4096, large)] {
        for partitions in [1, 4] {
            for codec in CODECS {
                scenarios.push(Scenario { size, count, partitions, codec });
            }
        }
    }
    scenarios
}

struct Bench {
    c_dir: PathBuf,
    self_exe: PathBuf,
    endpoint: String,
    client: Client,
    run_id: String,
    topics: usize,
}

impl Bench {
    /// A fresh topic for one run. A real SC sometimes leaves a new topic
    /// unprovisioned (its log says "applying attempt to update by stale
    /// value") and answers only after 90 s: then another name is tried.
    async fn topic(&mut self, what: &str, partitions: u32) -> String {
        for _attempt in 0..3 {
            self.topics += 1;
            let name = format!("{}-{what}-{}", self.run_id, self.topics);
            match self.client.create_topic(&name, partitions, 1).await {
                Ok(()) => return name,
                Err(e @ fluvio::client::ClientError::Timeout(_)) => eprintln!("creating topic {name}: {e}; trying another name"),
                Err(e) => panic!("creating topic {name}: {e}"),
            }
        }
        panic!("the cluster provisioned none of 3 new topics in time");
    }

    /// Deletes what is left of this run's topics (all of them once done).
    async fn delete_topics(&self) {
        let topics = self.client.list_topics().await.unwrap();
        for topic in topics.iter().filter(|t| t.name.starts_with(&format!("{}-", self.run_id))) {
            self.client.delete_topic(&topic.name).await.unwrap();
        }
    }

    fn ours(&self, program: &str, args: &[String]) -> Report {
        let mut command = Command::new(self.c_dir.join(program));
        command.arg(format!("endpoint={}", self.endpoint)).args(args);
        run(&mut command)
    }

    fn official(&self, mode: &str, args: &[String]) -> Report {
        let mut command = Command::new(&self.self_exe);
        command.args(["official", mode]).arg(format!("endpoint={}", self.endpoint)).args(args);
        run(&mut command)
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| info.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split_once(':')).map(|(_, m)| m.trim().to_string()))
        .unwrap_or_else(|| "unknown".into())
}

fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program).args(args).output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

async fn driver(options: Options) {
    let quick = options.quick;
    let began = Instant::now();
    let load_before = load_average();
    let (small, large, samples) = if quick { (100_000, 10_000, 1_000) } else { (1_000_000, 100_000, 10_000) };

    // The C programs, against the libfluvio.a cargo built with this binary:
    // this is target/<profile>/deps/throughput-HASH, and `cargo bench`
    // leaves the library in deps/ (only `cargo build` copies it up).
    let self_exe = std::env::current_exe().unwrap();
    let deps_dir = self_exe.parent().unwrap().to_path_buf();
    let lib_dir = deps_dir.parent().unwrap().to_path_buf();
    let library = [deps_dir.join("libfluvio.a"), lib_dir.join("libfluvio.a")]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("no libfluvio.a in {} or {}", deps_dir.display(), lib_dir.display()));
    let c_dir = lib_dir.join("bench-c");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/c");
    let made = Command::new("make")
        .arg("-s")
        .arg("-C")
        .arg(&source)
        .arg(format!("LIBFLUVIO={}", library.display()))
        .arg(format!("BUILD={}", c_dir.display()))
        .status()
        .expect("run make (install make and a C compiler)");
    assert!(made.success(), "building the C bench programs failed");

    let dir = tempfile::tempdir().unwrap();
    let server = options.endpoint.is_none().then(|| Server::start(dir.path(), options.imitate_real_spu_sockets));
    let endpoint = options.endpoint.clone().unwrap_or_else(|| server.as_ref().unwrap().endpoint.clone());
    // Topic creation waits for the partitions: 5 s is plenty (see `Bench::topic`).
    let config = ClientConfig { request_timeout: Duration::from_secs(5), ..ClientConfig::new(endpoint.clone()) };
    let client = Client::connect_with(&config).await.unwrap();
    // Topic names of their own, so that runs against a shared cluster do not meet.
    let run_id = format!("bench{}", std::process::id());
    let mut bench = Bench { c_dir, self_exe, endpoint, client, run_id, topics: 0 };
    let mut rows: Vec<Row> = Vec::new();
    let mut notes: Vec<String> = Vec::new();

    // 1. Producer throughput, and the cost of a send call.
    let scenarios = matrix(small, large);
    let mut consume_topic = None;
    let (mut send_ns, mut batch_ns) = (None, None);
    let mut reports: Option<(Vec<Row>, String)> = None;
    let mut producer_rss = Vec::new();
    for scenario in &scenarios {
        let args = |mode: &str| {
            let mut args = vec![
                format!("count={}", scenario.count),
                format!("size={}", scenario.size),
                format!("codec={}", scenario.codec),
                format!("linger_ms={LINGER_MS}"),
                format!("batch_bytes={BATCH_BYTES}"),
            ];
            if !mode.is_empty() {
                args.push(format!("mode={mode}"));
                args.push(format!("batch_records={BATCH_RECORDS}"));
            }
            args
        };
        let t = Instant::now();
        let topic = bench.topic("send", scenario.partitions).await;
        let send = bench.ours("produce", &[&[format!("topic={topic}")][..], &args("send")].concat());
        let batch_topic = bench.topic("batch", scenario.partitions).await;
        let batch = bench.ours("produce", &[&[format!("topic={batch_topic}")][..], &args("batch")].concat());
        let their_topic = bench.topic("official", scenario.partitions).await;
        let theirs = bench.official("produce", &[&[format!("topic={their_topic}")][..], &args("")].concat());
        assert_eq!(send.s("checksum"), theirs.s("checksum"), "both clients must send the same values");
        let (ours_rate, batch_rate, their_rate) =
            (rate(&send, "elapsed_s", scenario.size), rate(&batch, "elapsed_s", scenario.size), rate(&theirs, "elapsed_s", scenario.size));
        eprintln!(
            "produce {}: send {} | send_batch {} | official {}  ({:.1} s)",
            scenario.label(),
            ours_rate.text(),
            batch_rate.text(),
            their_rate.text(),
            t.elapsed().as_secs_f64()
        );
        rows.push(Row { name: format!("produce {}, send", scenario.label()), ours: ours_rate, theirs: their_rate, better: Better::Higher });
        rows.push(Row { name: format!("produce {}, send_batch", scenario.label()), ours: batch_rate, theirs: their_rate, better: Better::Higher });
        if scenario.partitions == 1 && scenario.codec == "none" {
            let per_call = |r: &Report| Value::Nanos(r.f("send_s") * 1e9 / r.f("records"));
            if scenario.size == 100 {
                consume_topic = Some(topic.clone());
                send_ns = Some((per_call(&send), per_call(&theirs)));
                batch_ns = Some((per_call(&batch), per_call(&theirs)));
                reports = Some(delivery_reports(&mut bench, scenario, &args("reports"), &theirs).await);
            }
            producer_rss.push((scenario.label(), Value::Rss(send.f("rss_kb")), Value::Rss(theirs.f("rss_kb"))));
        }
        for t in [topic, batch_topic, their_topic] {
            if Some(&t) != consume_topic.as_ref() {
                bench.client.delete_topic(&t).await.unwrap();
            }
        }
    }

    // 2. Consumer throughput: the 100-byte records ours produced on one partition.
    let topic = consume_topic.expect("the matrix has 100-byte records, 1 partition, no compression");
    let count = [format!("topic={topic}"), format!("count={small}")];
    let ours_consume = bench.ours("consume", &count);
    let theirs_consume = bench.official("consume", &count);
    // The engine behind the C API, in this process: what the C layer costs.
    let engine = engine_consume(&bench.client, &topic, small).await;
    eprintln!(
        "consume {small} x 100 B: ours {} | official {} | engine {}",
        rate(&ours_consume, "elapsed_s", 100).text(),
        rate(&theirs_consume, "elapsed_s", 100).text(),
        engine.text()
    );
    let consume_label = format!("consume {} x 100 B from the beginning", thousands(small as f64));
    rows.push(Row {
        name: consume_label.clone(),
        ours: rate(&ours_consume, "elapsed_s", 100),
        theirs: rate(&theirs_consume, "elapsed_s", 100),
        better: Better::Higher,
    });
    let cpu_per_record = |r: &Report| Value::Nanos(r.f("cpu_s") * 1e9 / r.f("records"));
    rows.push(Row {
        name: format!("consumer CPU (user+sys) per record: {consume_label}"),
        ours: cpu_per_record(&ours_consume),
        theirs: cpu_per_record(&theirs_consume),
        better: Better::Lower,
    });
    rows.push(Row {
        name: format!("{consume_label}, Rust engine behind the C API (no FFI)"),
        ours: engine,
        theirs: rate(&theirs_consume, "elapsed_s", 100),
        better: Better::Higher,
    });
    if theirs_consume.f("records") < small as f64 {
        notes.push(format!(
            "The official consumer skipped records: it saw {} of {small} up to the last offset.",
            theirs_consume.f("records")
        ));
    }

    // 2b. A filter SmartModule, run by the SPU: `filter_even` (the C
    // example, compiled to wasm here) over `small` decimal numbers; both
    // clients send it ad hoc and read the even half.
    let filter_wasm = build_filter_module(&lib_dir);
    let topic = bench.topic("filter", 1).await;
    let value_bytes = produce_numbers(&bench.client, &topic, small).await;
    let kept = small / 2;
    let filter_args = [
        format!("topic={topic}"),
        format!("count={kept}"),
        format!("smartmodule={}", filter_wasm.display()),
        format!("last_offset={}", small - 2),
    ];
    let ours_filter = bench.ours("consume", &filter_args);
    let theirs_filter = bench.official("consume", &filter_args);
    let bytes_per_number = (value_bytes as f64 / small as f64).round() as usize;
    let filter_label = format!("consume {} numbers through the filter SmartModule filter_even ({} kept)", thousands(small as f64), thousands(kept as f64));
    for (what, records) in [("records in", small), ("records out", kept)] {
        let per_s = |r: &Report| Value::Rate { per_s: records as f64 / r.f("elapsed_s"), bytes_per_record: bytes_per_number };
        rows.push(Row { name: format!("{filter_label}: {what}"), ours: per_s(&ours_filter), theirs: per_s(&theirs_filter), better: Better::Higher });
    }
    eprintln!("filter {small} in: ours {:.3} s | official {:.3} s", ours_filter.f("elapsed_s"), theirs_filter.f("elapsed_s"));
    if theirs_filter.f("records") < kept as f64 {
        notes.push(format!("The official consumer behind the filter saw {} of the {kept} records kept (its rate counts all).", theirs_filter.f("records")));
    }

    // 3. Latency at linger 0, a consumer already streaming.
    let latency_args = |topic: &str| vec![format!("topic={topic}"), format!("samples={samples}"), "size=100".to_string(), format!("warmup={LATENCY_WARMUP}")];
    let topic = bench.topic("latency", 1).await;
    let ours_latency = bench.ours("latency", &latency_args(&topic));
    let topic = bench.topic("latency-official", 1).await;
    let theirs_latency = bench.official("latency", &latency_args(&topic));
    for (name, key) in [("p50", "p50_us"), ("p99", "p99_us"), ("p99.9", "p999_us")] {
        rows.push(Row {
            name: format!("produce→consume latency {name}, linger 0, {} samples", thousands(samples as f64)),
            ours: Value::Micros(ours_latency.f(key)),
            theirs: Value::Micros(theirs_latency.f(key)),
            better: Better::Lower,
        });
    }
    eprintln!("latency p50/p99/p99.9: ours {} {} {} µs | official {} {} {} µs", ours_latency.s("p50_us"), ours_latency.s("p99_us"), ours_latency.s("p999_us"), theirs_latency.s("p50_us"), theirs_latency.s("p99_us"), theirs_latency.s("p999_us"));

    // 4. The cost of one call.
    let (ours_send, theirs_send) = send_ns.unwrap();
    rows.push(Row {
        name: format!("ns per fluvio_producer_send call, amortized ({} x 100 B, no flush) vs official send().await", thousands(small as f64)),
        ours: ours_send,
        theirs: theirs_send,
        better: Better::Lower,
    });
    let (ours_batch, theirs_send) = batch_ns.unwrap();
    rows.push(Row {
        name: format!("ns per record with fluvio_producer_send_batch ({BATCH_RECORDS} per call) vs official send().await"),
        ours: ours_batch,
        theirs: theirs_send,
        better: Better::Lower,
    });
    let (report_rows, report_note) = reports.expect("the matrix has 100-byte records, 1 partition, no compression");
    rows.extend(report_rows);
    notes.push(report_note);
    let buffered = [format!("topic={}", topic_of_consume(&count)), format!("count={small}"), "mode=buffered".to_string(), format!("pause_ms={PAUSE_MS}")];
    let ours_next = bench.ours("consume", &buffered);
    let theirs_next = bench.official("consume", &buffered);
    let per_next = |r: &Report| Value::Nanos(r.f("busy_s") * 1e9 / r.f("records"));
    rows.push(Row {
        name: "ns per fluvio_stream_next + fluvio_record_free on a buffered record vs official next() ready at once".into(),
        ours: per_next(&ours_next),
        theirs: per_next(&theirs_next),
        better: Better::Lower,
    });
    let buffered_batch = [
        format!("topic={}", topic_of_consume(&count)),
        format!("count={small}"),
        "mode=buffered_batch".to_string(),
        format!("batch_max={NEXT_BATCH_MAX}"),
        format!("pause_ms={PAUSE_MS}"),
    ];
    let ours_next_batch = bench.ours("consume", &buffered_batch);
    rows.push(Row {
        name: format!(
            "ns per record with fluvio_stream_next_batch ({NEXT_BATCH_MAX} per call) + fluvio_record_free, buffered, vs official next() ready at once"
        ),
        ours: per_next(&ours_next_batch),
        theirs: per_next(&theirs_next),
        better: Better::Lower,
    });

    // 5. Peak RSS of each process.
    for (label, ours, theirs) in producer_rss {
        rows.push(Row { name: format!("peak RSS, producer process: {label}, send"), ours, theirs, better: Better::Lower });
    }
    rows.push(Row {
        name: format!("peak RSS, consumer process: {consume_label}"),
        ours: Value::Rss(ours_consume.f("rss_kb")),
        theirs: Value::Rss(theirs_consume.f("rss_kb")),
        better: Better::Lower,
    });
    rows.push(Row {
        name: "peak RSS, latency process (a producer and a stream)".into(),
        ours: Value::Rss(ours_latency.f("rss_kb")),
        theirs: Value::Rss(theirs_latency.f("rss_kb")),
        better: Better::Lower,
    });

    bench.delete_topics().await;
    let total = began.elapsed();
    drop(server);

    // The report.
    let mut settings = vec![
        format!(
            "libfluvio throughput benchmark{}: ours (the C API: C programs at -O2 linked to libfluvio.a) vs the official Rust client fluvio 0.50.1",
            if quick { " (--quick)" } else { "" }
        ),
        format!("date: {}", command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"])),
        format!(
            "machine: {} cores (nproc), {}, Linux {}",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu_model(),
            command_line("uname", &["-r"])
        ),
        format!("load average before: {load_before}; after: {} (other work on the machine skews the numbers)", load_average()),
        options.cluster(),
        format!(
            "records: produce {} x 100 B and {} x 4 KiB; consume {} x 100 B; latency {} samples of 100 B after {LATENCY_WARMUP} warm-up round trips",
            thousands(small as f64),
            thousands(large as f64),
            thousands(small as f64),
            thousands(samples as f64)
        ),
        format!(
            "producers (both): linger {LINGER_MS} ms, batch size {BATCH_BYTES} B, key-less records cycling through {VALUE_POOL} log-line-like values; send_batch: {BATCH_RECORDS} records per call; timed from the first send to the end of flush"
        ),
        "matrix: 100 B and 4 KiB records, 1 and 4 partitions, every codec; ours with send and with send_batch, each against the official send".into(),
        "consumers (both): partition 0 from the beginning, default fetch size, timed from opening the stream to the last record".into(),
        "filter: c-examples/smartmodule/filter_even.c compiled by clang to wasm, sent ad hoc (gzipped) by both clients and run by the SPU on decimal numbers; timed from opening the stream to the last record kept".into(),
        format!("buffered next: pause {PAUSE_MS} ms, then take what is ready without waiting; only those drains timed"),
        "peak RSS: VmHWM of each client process (its own process), read at its end".into(),
        "consumer CPU: user + system time of the consuming process from opening the stream to the last record, per record (getrusage)".into(),
        "MB/s: 10^6 bytes of record values per second; MiB: 2^20 bytes".into(),
        "ours vs official: how many times better ours is (ours/official for rates, official/ours for times and memory)".into(),
        format!("run time: {:.0} s", total.as_secs_f64()),
    ];
    settings.extend(notes);
    let targets = targets(&rows, small);

    let plain = plain_table(&rows);
    let markdown = markdown_table(&rows);
    println!();
    for line in &settings {
        println!("{line}");
    }
    println!();
    println!("{plain}");
    println!("{markdown}");
    for line in &targets {
        println!("{line}");
    }
    let mut file = settings.iter().map(|l| format!("- {l}\n")).collect::<String>();
    file.push('\n');
    file.push_str(&markdown);
    file.push('\n');
    file.extend(targets.iter().map(|l| format!("- {l}\n")));
    let out = lib_dir.join(if quick { "throughput-quick.md" } else { "throughput.md" });
    std::fs::write(&out, file).unwrap();
    println!("\n(markdown written to {})", out.display());
}

/// `c-examples/smartmodule/filter_even.c` as wasm, built with clang and
/// wasm-ld as the tests build it (`scripts/test.sh` installs both).
/// Runs of each side in the delivery-report comparison: single runs of a
/// 0.5 s producer differ by ±10 % here, more than a report costs.
const REPORT_RUNS: usize = 5;

/// Delivery reports: `scenario` again, ours sending every record with an
/// opaque and a delivery-report callback served by `fluvio_producer_poll`
/// every 1024 sends (mode=reports), alternating with plain sends, each
/// `REPORT_RUNS` times (medians); the official client awaiting every
/// record's metadata (`ProduceOutput::wait`, its per-record outcome), once.
/// Rows: the rates, and what a report adds per record (ours: the median
/// reports run's CPU minus the median plain run's; theirs: against
/// `plain_theirs`). The note gives ours in ns per record, and what serving
/// one report in a poll costs.
async fn delivery_reports(bench: &mut Bench, scenario: &Scenario, args: &[String], plain_theirs: &Report) -> (Vec<Row>, String) {
    let plain_args: Vec<String> = args.iter().map(|a| if a.starts_with("mode=") { "mode=send".to_string() } else { a.clone() }).collect();
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..REPORT_RUNS {
        for (runs, args) in [(&mut plain, &plain_args), (&mut ours, &args.to_vec())] {
            let topic = bench.topic("reports", 1).await;
            runs.push(bench.ours("produce", &[&[format!("topic={topic}")][..], args].concat()));
            bench.client.delete_topic(&topic).await.unwrap();
        }
    }
    let topic = bench.topic("metadata", 1).await;
    let official_args: Vec<String> = args.iter().filter(|a| !a.starts_with("mode=") && !a.starts_with("batch_records=")).cloned().collect();
    let theirs = bench.official("produce", &[&[format!("topic={topic}"), "metadata=every".to_string()][..], &official_args].concat());
    bench.client.delete_topic(&topic).await.unwrap();

    let per_record = |r: &Report, field: &str| r.f(field) * 1e9 / r.f("records");
    let median = |runs: &[Report], field: &str| {
        let mut values: Vec<f64> = runs.iter().map(|r| per_record(r, field)).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let (ours_cpu, plain_cpu) = (median(&ours, "cpu_s"), median(&plain, "cpu_s"));
    let (ours_elapsed, plain_elapsed) = (median(&ours, "elapsed_s"), median(&plain, "elapsed_s"));
    let (ours_call, plain_call) = (median(&ours, "send_s"), median(&plain, "send_s"));
    let ours_extra = ours_cpu - plain_cpu;
    let theirs_extra = per_record(&theirs, "cpu_s") - per_record(plain_theirs, "cpu_s");
    let mut serve: Vec<f64> = ours.iter().map(|r| r.f("poll_s") * 1e9 / r.f("polled").max(1.0)).collect();
    serve.sort_by(f64::total_cmp);
    let serve_ns = serve[serve.len() / 2];
    let ours_rate = Value::Rate { per_s: 1e9 / ours_elapsed, bytes_per_record: scenario.size };
    eprintln!(
        "delivery reports {}: ours {} (CPU {ours_extra:+.0} ns per record) | official with every record's metadata {} (CPU {theirs_extra:+.0} ns)",
        scenario.label(),
        ours_rate.text(),
        rate(&theirs, "elapsed_s", scenario.size).text()
    );
    let rows = vec![
        Row {
            name: format!(
                "produce {}, send + a delivery report per record (poll every 1024 sends; median of {REPORT_RUNS}) vs official send + wait() on every output",
                scenario.label()
            ),
            ours: ours_rate,
            theirs: rate(&theirs, "elapsed_s", scenario.size),
            better: Better::Higher,
        },
        Row {
            name: "CPU (user+sys) per record that a delivery report adds to a plain send (medians), vs official wait() on every output".into(),
            ours: Value::Nanos(ours_extra.max(0.0)),
            theirs: Value::Nanos(theirs_extra.max(0.0)),
            better: Better::Lower,
        },
    ];
    let note = format!(
        "delivery reports (medians of {REPORT_RUNS} runs each, alternating): per record, elapsed {ours_elapsed:.0} ns with reports vs {plain_elapsed:.0} ns plain ({:+.0} ns), the send loop with its polls {ours_call:.0} vs {plain_call:.0} ns ({:+.0} ns), CPU {ours_cpu:.0} vs {plain_cpu:.0} ns ({ours_extra:+.0} ns, the library's threads included); serving one report inside fluvio_producer_poll (the callback counting it) {serve_ns:.1} ns; every run got all {} reports, in order",
        ours_elapsed - plain_elapsed,
        ours_call - plain_call,
        thousands(ours[0].f("records"))
    );
    (rows, note)
}

fn build_filter_module(lib_dir: &Path) -> PathBuf {
    let toolkit = Path::new(env!("CARGO_MANIFEST_DIR")).join("c-examples/smartmodule");
    let out = lib_dir.join("bench-c/filter_even.wasm");
    let status = Command::new("clang")
        .args(["--target=wasm32", "-O2", "-nostdlib", "-ffreestanding", "-Wl,--no-entry", "-Wl,--strip-all", "-I"])
        .arg(&toolkit)
        .arg("-o")
        .arg(&out)
        .arg(toolkit.join("filter_even.c"))
        .status()
        .expect("run clang (install clang and lld)");
    assert!(status.success(), "compiling filter_even.c to wasm failed");
    out
}

/// Stores "0", "1", … `count - 1` in partition 0 of `topic` (set-up, not
/// timed); returns the bytes of values.
async fn produce_numbers(client: &Client, topic: &str, count: usize) -> usize {
    let config = fluvio::producer::ProducerConfig { linger: Duration::from_millis(LINGER_MS), ..Default::default() };
    let producer = fluvio::producer::Producer::new(client, topic, config).await.unwrap();
    let mut bytes = 0;
    for n in 0..count {
        let value = n.to_string();
        bytes += value.len();
        producer.send(None, value.as_bytes()).unwrap();
    }
    tokio::task::block_in_place(|| producer.flush(Duration::from_secs(120))).unwrap();
    bytes
}

/// The topic of the consume arguments.
fn topic_of_consume(args: &[String]) -> &str {
    args.iter().find_map(|a| a.strip_prefix("topic=")).unwrap()
}

/// Reads `count` records of partition 0 of `topic` with the engine behind
/// the C API, in this process.
async fn engine_consume(client: &Client, topic: &str, count: usize) -> Value {
    let start = Instant::now();
    let mut stream = RecordStream::open(client, topic, &[0], Offset::beginning(), StreamConfig::default(), None).await.unwrap();
    for _ in 0..count {
        let record = tokio::time::timeout(Duration::from_secs(30), stream.next()).await.expect("a record within 30 s");
        record.expect("stream open").expect("record");
    }
    Value::Rate { per_s: count as f64 / start.elapsed().as_secs_f64(), bytes_per_record: 100 }
}

fn plain_table(rows: &[Row]) -> String {
    let cells: Vec<[String; 4]> = rows.iter().map(|r| [r.name.clone(), r.ours.text(), r.theirs.text(), format!("{:.2}x", r.ratio())]).collect();
    let header = ["measure".to_string(), "ours".into(), "official 0.50.1".into(), "ours vs official".into()];
    let width = |i: usize| cells.iter().chain([&header]).map(|c| c[i].chars().count()).max().unwrap_or(0);
    let widths = [width(0), width(1), width(2), width(3)];
    let line = |c: &[String; 4]| {
        format!(
            "{}{}  {}{}  {}{}  {}{}",
            c[0],
            " ".repeat(widths[0] - c[0].chars().count()),
            " ".repeat(widths[1] - c[1].chars().count()),
            c[1],
            " ".repeat(widths[2] - c[2].chars().count()),
            c[2],
            " ".repeat(widths[3] - c[3].chars().count()),
            c[3]
        )
    };
    let mut out = line(&header);
    out.push('\n');
    out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 6));
    for c in &cells {
        out.push('\n');
        out.push_str(&line(c));
    }
    out.push('\n');
    out
}

fn markdown_table(rows: &[Row]) -> String {
    let mut out = String::from("| measure | ours | official 0.50.1 | ours vs official |\n|---|---:|---:|---:|\n");
    for r in rows {
        out.push_str(&format!("| {} | {} | {} | {:.2}x |\n", r.name, r.ours.text(), r.theirs.text(), r.ratio()));
    }
    out
}

/// Where ours stands against the issue's targets (they are not tests).
fn targets(rows: &[Row], small: usize) -> Vec<String> {
    let find = |prefix: &str| rows.iter().find(|r| r.name.starts_with(prefix)).unwrap_or_else(|| panic!("no row {prefix}"));
    let produce = find(&format!("produce {} x 100 B, 1 partition, none, send", thousands(small as f64)));
    let batch = find(&format!("produce {} x 100 B, 1 partition, none, send_batch", thousands(small as f64)));
    let consume = find("consume ");
    let p99 = find("produce→consume latency p99,");
    let send = find("ns per fluvio_producer_send call");
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    vec![
        "targets (not tests):".into(),
        format!(
            "ours >= 1.5x official rec/s: produce (100 B, 1 partition, none) {:.2}x with send, {:.2}x with send_batch; consume {:.2}x: {}",
            produce.ratio(),
            batch.ratio(),
            consume.ratio(),
            met(produce.ratio() >= 1.5 && consume.ratio() >= 1.5)
        ),
        format!(
            ">= 1,000,000 rec/s produced (100 B): {} rec/s with send, {} with send_batch: {}",
            thousands(produce.ours.number()),
            thousands(batch.ours.number()),
            met(produce.ours.number() >= 1e6)
        ),
        format!(">= 3,000,000 rec/s consumed (100 B): {} rec/s: {}", thousands(consume.ours.number()), met(consume.ours.number() >= 3e6)),
        format!("p99 produce→consume < 1 ms at linger 0: {:.0} µs: {}", p99.ours.number(), met(p99.ours.number() < 1000.0)),
        format!("< 100 ns per send call, amortized: {:.0} ns: {}", send.ours.number(), met(send.ours.number() < 100.0)),
    ]
}

// ---------------------------------------------------------------------------
// The official client's side: `throughput official <mode> name=value...`
// ---------------------------------------------------------------------------

mod official {
    use std::collections::{HashMap, VecDeque};
    use std::time::{Duration, Instant};

    use fluvio_official::consumer::ConsumerConfigExtBuilder;
    use fluvio_official::{
        Compression, Fluvio, FluvioClusterConfig, Offset, RecordKey, SmartModuleInvocation, SmartModuleInvocationWasm, SmartModuleKind,
        TopicProducerConfigBuilder,
    };
    use futures_util::{FutureExt, StreamExt};

    use super::{cpu_seconds, make_values, peak_rss_kb, VALUE_POOL};

    struct Args(HashMap<String, String>);

    impl Args {
        fn get(&self, name: &str) -> &str {
            self.0.get(name).unwrap_or_else(|| panic!("missing argument {name}=..."))
        }

        fn num<T: std::str::FromStr>(&self, name: &str) -> T {
            self.get(name).parse().unwrap_or_else(|_| panic!("{name}: not a number"))
        }
    }

    pub fn main(args: &[String]) {
        let mode = args.first().expect("official <produce|consume|latency> name=value...").clone();
        let args = Args(args[1..].iter().filter_map(|a| a.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect());
        // Like libfluvio's hidden runtime: multi-threaded, one worker per core.
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        let result = runtime.block_on(async {
            let fluvio = Fluvio::connect_with_config(&FluvioClusterConfig::new(args.get("endpoint"))).await.expect("connect");
            match mode.as_str() {
                "produce" => produce(&fluvio, &args).await,
                "consume" => consume(&fluvio, &args).await,
                "latency" => latency(&fluvio, &args).await,
                other => panic!("unknown mode {other}"),
            }
        });
        println!("RESULT {result} rss_kb={}", peak_rss_kb());
    }

    fn codec(name: &str) -> Compression {
        match name {
            "none" => Compression::None,
            "gzip" => Compression::Gzip,
            "snappy" => Compression::Snappy,
            "lz4" => Compression::Lz4,
            "zstd" => Compression::Zstd,
            other => panic!("unknown codec {other}"),
        }
    }

    /// Sends `count` records with `send().await` each, then flushes and
    /// waits for the last records' acknowledgements.
    async fn produce(fluvio: &Fluvio, args: &Args) -> String {
        let (count, size): (usize, usize) = (args.num("count"), args.num("size"));
        let config = TopicProducerConfigBuilder::default()
            .linger(Duration::from_millis(args.num("linger_ms")))
            .batch_size(args.num("batch_bytes"))
            .compression(codec(args.get("codec")))
            .build()
            .expect("producer config");
        let producer = fluvio.topic_producer_with_config(args.get("topic"), config).await.expect("producer");
        let (values, checksum) = make_values(size);
        // metadata=every: wait for every record's metadata (its delivery
        // report), else only for each partition's last record.
        let every = args.0.get("metadata").is_some_and(|m| m == "every");
        let kept = if every { count } else { 16 };
        let mut outputs = VecDeque::with_capacity(kept);
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        for i in 0..count {
            let output = producer.send(RecordKey::NULL, values[i % VALUE_POOL].as_slice()).await.expect("send");
            // Every partition's last record (key-less records rotate).
            if outputs.len() == kept {
                outputs.pop_front();
            }
            outputs.push_back(output);
        }
        let sent = start.elapsed();
        producer.flush().await.expect("flush");
        let mut delivered = 0;
        for output in outputs {
            output.wait().await.expect("delivery");
            delivered += 1;
        }
        let elapsed = start.elapsed();
        let cpu = cpu_seconds() - cpu_start;
        assert!(!every || delivered == count, "{delivered} of {count} records' metadata");
        format!(
            "records={count} bytes={} elapsed_s={:.6} send_s={:.6} cpu_s={cpu:.6} checksum={checksum:016x}",
            count * size,
            elapsed.as_secs_f64(),
            sent.as_secs_f64()
        )
    }

    /// Reads partition 0 from the beginning up to offset count-1.
    async fn consume(fluvio: &Fluvio, args: &Args) -> String {
        let count: i64 = args.num("count");
        let buffered = args.0.get("mode").is_some_and(|m| m == "buffered");
        let start = Instant::now();
        let mut config = ConsumerConfigExtBuilder::default();
        config.topic(args.get("topic").to_string()).partition(0).offset_start(Offset::beginning());
        let filtered = args.0.get("smartmodule").cloned();
        if let Some(path) = &filtered {
            let wasm = std::fs::read(path).expect("read the SmartModule");
            config.smartmodule(vec![SmartModuleInvocation {
                wasm: SmartModuleInvocationWasm::adhoc_from_bytes(&wasm).expect("gzip the SmartModule"),
                kind: SmartModuleKind::Filter,
                params: Default::default(),
                name: None,
            }]);
        }
        let config = config.build().expect("consumer config");
        let cpu_start = super::cpu_seconds();
        let mut stream = fluvio.consumer_with_config(config).await.expect("consumer stream");
        let (mut seen, mut bytes, mut last_offset, mut drains) = (0i64, 0usize, -1i64, 0u64);
        let mut busy = Duration::ZERO;
        // The official client may skip records at fetch boundaries: stop at
        // the last offset rather than at a count it may never reach.
        if filtered.is_some() {
            // Behind a filter it numbers records by position, not offset:
            // count them, and stop when none came for 5 s (then the time is
            // taken at the last record).
            let mut last_at = start;
            while seen < count {
                match tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
                    Ok(record) => {
                        let record = record.expect("stream open").expect("record");
                        bytes += record.value().len();
                        last_offset = record.offset();
                        seen += 1;
                        last_at = Instant::now();
                    }
                    Err(_) => break,
                }
            }
            let (elapsed, cpu) = (last_at - start, super::cpu_seconds() - cpu_start);
            return format!("records={seen} bytes={bytes} elapsed_s={:.6} busy_s=0 drains=0 cpu_s={cpu:.6} last_offset={last_offset}", elapsed.as_secs_f64());
        }
        if !buffered {
            while last_offset + 1 < count {
                let record = tokio::time::timeout(Duration::from_secs(30), stream.next()).await.expect("a record within 30 s");
                let record = record.expect("stream open").expect("record");
                bytes += record.value().len();
                last_offset = record.offset();
                seen += 1;
            }
        } else {
            let pause = Duration::from_millis(args.num("pause_ms"));
            while last_offset + 1 < count {
                tokio::time::sleep(pause).await;
                let t = Instant::now();
                while let Some(record) = stream.next().now_or_never() {
                    let record = record.expect("stream open").expect("record");
                    bytes += record.value().len();
                    last_offset = record.offset();
                    seen += 1;
                }
                busy += t.elapsed();
                drains += 1;
            }
        }
        let elapsed = start.elapsed();
        let cpu = super::cpu_seconds() - cpu_start;
        format!(
            "records={seen} bytes={bytes} elapsed_s={:.6} busy_s={:.6} drains={drains} cpu_s={cpu:.6}",
            elapsed.as_secs_f64(),
            busy.as_secs_f64()
        )
    }

    /// Produce→consume round trips of single records at linger 0.
    async fn latency(fluvio: &Fluvio, args: &Args) -> String {
        let (samples, size, warmup): (usize, usize, usize) = (args.num("samples"), args.num("size"), args.num("warmup"));
        let (values, _) = make_values(size);
        let config = TopicProducerConfigBuilder::default().linger(Duration::ZERO).build().expect("producer config");
        let producer = fluvio.topic_producer_with_config(args.get("topic"), config).await.expect("producer");
        let consumer_config = ConsumerConfigExtBuilder::default()
            .topic(args.get("topic").to_string())
            .partition(0)
            .offset_start(Offset::end())
            .build()
            .expect("consumer config");
        let mut stream = fluvio.consumer_with_config(consumer_config).await.expect("consumer stream");
        let mut latencies = Vec::with_capacity(samples);
        for i in 0..warmup + samples {
            let value = &values[i % VALUE_POOL];
            let start = Instant::now();
            producer.send(RecordKey::NULL, value.as_slice()).await.expect("send");
            let record = tokio::time::timeout(Duration::from_secs(10), stream.next()).await.expect("the record within 10 s");
            let elapsed = start.elapsed();
            assert_eq!(record.expect("stream open").expect("record").value(), value.as_slice(), "another record came back");
            if i >= warmup {
                latencies.push(elapsed);
            }
        }
        latencies.sort();
        let percentile = |p: f64| {
            let rank = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len());
            latencies[rank - 1].as_secs_f64() * 1e6
        };
        let mean = latencies.iter().sum::<Duration>().as_secs_f64() * 1e6 / latencies.len() as f64;
        format!(
            "samples={samples} p50_us={:.1} p99_us={:.1} p999_us={:.1} mean_us={mean:.1}",
            percentile(0.5),
            percentile(0.99),
            percentile(0.999)
        )
    }
}
