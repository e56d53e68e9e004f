//! Counters of one client, shared by its producers and streams: what was
//! sent and received, retries, reconnects, queue depths, request latencies
//! and each open stream's lag. Updated with relaxed atomics on the hot
//! paths (once per batch or frame, not per record where it can be helped);
//! read as a snapshot rendered to JSON.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// Latency buckets: four per power of two of microseconds (±19 %).
const BUCKETS: usize = 4 * 40;

/// A lock-free histogram of durations.
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS],
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { buckets: std::array::from_fn(|_| AtomicU64::new(0)) }
    }
}

impl Histogram {
    fn index(micros: u64) -> usize {
        if micros < 4 {
            return micros as usize;
        }
        let exponent = 63 - micros.leading_zeros() as usize;
        let sub = ((micros >> (exponent - 2)) & 3) as usize;
        (exponent * 4 + sub).min(BUCKETS - 1)
    }

    /// The largest duration that falls in bucket `index`, in microseconds.
    fn upper_bound(index: usize) -> u64 {
        if index < 8 {
            // 4..8 stay empty: values below 4 have a bucket each.
            return index.min(3) as u64;
        }
        let (exponent, sub) = (index / 4, (index % 4) as u64);
        ((4 + sub + 1) << (exponent - 2)) - 1
    }

    pub fn record(&self, elapsed: Duration) {
        let micros = elapsed.as_micros().min(u128::from(u64::MAX)) as u64;
        self.buckets[Self::index(micros)].fetch_add(1, Ordering::Relaxed);
    }

    /// Count and the given percentiles (upper bounds of their buckets, µs).
    fn percentiles(&self, quantiles: &[f64]) -> (u64, Vec<u64>) {
        let counts: Vec<u64> = self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).collect();
        let total: u64 = counts.iter().sum();
        let values = quantiles
            .iter()
            .map(|q| {
                if total == 0 {
                    return 0;
                }
                let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
                let mut seen = 0;
                for (i, count) in counts.iter().enumerate() {
                    seen += count;
                    if seen >= rank {
                        return Self::upper_bound(i);
                    }
                }
                Self::upper_bound(BUCKETS - 1)
            })
            .collect();
        (total, values)
    }
}

/// One partition of an open stream: how far the application has read and
/// where the partition's log ends.
pub struct PartitionLag {
    pub topic: String,
    pub partition: u32,
    /// The offset of the next record the application will be handed.
    pub position: AtomicI64,
    /// The last high watermark the SPU reported (-1: none yet).
    pub high_watermark: AtomicI64,
}

impl PartitionLag {
    pub fn new(topic: &str, partition: u32, position: i64) -> Arc<Self> {
        Arc::new(PartitionLag {
            topic: topic.to_string(),
            partition,
            position: AtomicI64::new(position),
            high_watermark: AtomicI64::new(-1),
        })
    }

    /// Records the application has not read yet (0 until the SPU answers).
    pub fn lag(&self) -> i64 {
        let hw = self.high_watermark.load(Ordering::Relaxed);
        if hw < 0 {
            return 0;
        }
        (hw - self.position.load(Ordering::Relaxed).max(0)).max(0)
    }
}

/// The counters. Every field only grows, except the gauges noted.
#[derive(Default)]
pub struct ClientStats {
    /// Records (and their key + value bytes) the cluster acknowledged.
    pub produced_records: AtomicU64,
    pub produced_bytes: AtomicU64,
    /// Batches acknowledged, and their size on the wire before and after
    /// compression.
    pub produced_batches: AtomicU64,
    pub batch_bytes_uncompressed: AtomicU64,
    pub batch_bytes_compressed: AtomicU64,
    /// Records whose delivery failed for good.
    pub failed_records: AtomicU64,
    /// Batches sent again after a retriable failure.
    pub retries: AtomicU64,
    /// Gauge: produce requests written and not yet answered.
    pub requests_in_flight: AtomicI64,
    /// Gauge: records accepted by `send` and not yet acknowledged or failed.
    pub queued_records: AtomicI64,
    /// Records (and key + value bytes) received by streams.
    pub consumed_records: AtomicU64,
    pub consumed_bytes: AtomicU64,
    /// Connections to the SC or an SPU made again after one dropped.
    pub reconnects: AtomicU64,
    /// Round trips of produce requests.
    pub produce_latency: Histogram,
    streams: Mutex<Vec<Weak<Vec<Arc<PartitionLag>>>>>,
}

/// The partitions of one open stream. Only the stream holds it strongly, so
/// they leave the snapshot the moment the stream is dropped, however late
/// its tasks (which share each `PartitionLag`) end.
pub type StreamLags = Arc<Vec<Arc<PartitionLag>>>;

fn add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}

impl ClientStats {
    pub fn count(counter: &AtomicU64, n: u64) {
        add(counter, n);
    }

    pub fn gauge(gauge: &AtomicI64, delta: i64) {
        gauge.fetch_add(delta, Ordering::Relaxed);
    }

    /// Registers a stream's partitions; they drop out once it is gone.
    pub fn track(&self, lags: &StreamLags) {
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        streams.retain(|w| w.strong_count() > 0);
        streams.push(Arc::downgrade(lags));
    }

    /// The snapshot as a JSON object (`"version": 1`; fields are only ever
    /// added).
    pub fn to_json(&self) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let gauge = |g: &AtomicI64| g.load(Ordering::Relaxed).max(0);
        let uncompressed = get(&self.batch_bytes_uncompressed);
        let compressed = get(&self.batch_bytes_compressed);
        let ratio = if uncompressed == 0 { 1.0 } else { compressed as f64 / uncompressed as f64 };
        let (requests, p) = self.produce_latency.percentiles(&[0.5, 0.9, 0.99, 1.0]);
        let mut json = String::with_capacity(512);
        let _ = write!(
            json,
            "{{\"version\":1,\"producer\":{{\"records\":{},\"bytes\":{},\"batches\":{},\"batch_bytes_uncompressed\":{uncompressed},\
             \"batch_bytes_compressed\":{compressed},\"compression_ratio\":{ratio:.4},\"failed_records\":{},\"retries\":{},\
             \"requests_in_flight\":{},\"queued_records\":{},\"requests\":{requests},\"latency_us\":{{\"p50\":{},\"p90\":{},\"p99\":{},\"max\":{}}}}},\
             \"consumer\":{{\"records\":{},\"bytes\":{},\"partitions\":[",
            get(&self.produced_records),
            get(&self.produced_bytes),
            get(&self.produced_batches),
            get(&self.failed_records),
            get(&self.retries),
            gauge(&self.requests_in_flight),
            gauge(&self.queued_records),
            p[0],
            p[1],
            p[2],
            p[3],
            get(&self.consumed_records),
            get(&self.consumed_bytes),
        );
        let streams: Vec<StreamLags> =
            self.streams.lock().unwrap_or_else(|p| p.into_inner()).iter().filter_map(Weak::upgrade).collect();
        for (i, s) in streams.iter().flat_map(|lags| lags.iter()).enumerate() {
            let _ = write!(
                json,
                "{}{{\"topic\":\"{}\",\"partition\":{},\"position\":{},\"high_watermark\":{},\"lag\":{}}}",
                if i == 0 { "" } else { "," },
                escape(&s.topic),
                s.partition,
                s.position.load(Ordering::Relaxed),
                s.high_watermark.load(Ordering::Relaxed),
                s.lag()
            );
        }
        let _ = write!(json, "]}},\"reconnects\":{}}}", get(&self.reconnects));
        json
    }
}

/// A JSON string's content (topic names are ASCII, but be exact anyway).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_hold_their_values() {
        for micros in [0u64, 1, 3, 4, 5, 7, 8, 100, 1000, 65_535, 1 << 30] {
            let i = Histogram::index(micros);
            assert!(Histogram::upper_bound(i) >= micros, "{micros} in bucket {i}");
            if i > 0 {
                assert!(Histogram::upper_bound(i - 1) < micros, "{micros} belongs below bucket {i}");
            }
        }
    }

    #[test]
    fn percentiles_and_lag_show_in_the_snapshot() {
        let stats = ClientStats::default();
        for ms in 1..=100 {
            stats.produce_latency.record(Duration::from_millis(ms));
        }
        let (count, p) = stats.produce_latency.percentiles(&[0.5, 0.99]);
        assert_eq!(count, 100);
        assert!((50_000..=60_000).contains(&p[0]), "p50 {}", p[0]);
        assert!((99_000..=118_000).contains(&p[1]), "p99 {}", p[1]);
        let lag = PartitionLag::new("t\"q", 3, 10);
        lag.high_watermark.store(25, Ordering::Relaxed);
        let stream = Arc::new(vec![lag.clone()]);
        stats.track(&stream);
        let json = stats.to_json();
        assert!(json.contains("{\"topic\":\"t\\\"q\",\"partition\":3,\"position\":10,\"high_watermark\":25,\"lag\":15}"), "{json}");
        // Gone with the stream, though a task still holds its partition.
        drop(stream);
        assert!(stats.to_json().contains("\"partitions\":[]"));
    }
}
