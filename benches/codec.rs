//! Batch encode/decode throughput, ours beside the official `fluvio-protocol`
//! 0.50.1 on the same records in the same run: a batch of 1,000 records of
//! 100-byte values, per codec. Prints MB/s of record values and the ratio.
//!
//!     cargo bench --bench codec

use std::hint::black_box;
use std::io::Cursor;
use std::time::{Duration, Instant};

use fluvio::protocol::codec::Reader;
use fluvio::protocol::record::{Batch, Record};
use fluvio::protocol::Compression;
use fluvio_protocol::record::{Batch as TheirBatch, RawRecords, Record as TheirRecord};
use fluvio_protocol::{Decoder as _, Encoder as _};

const RECORDS: usize = 1000;
const VALUE_LEN: usize = 100;
const FIRST_TIMESTAMP: i64 = 1_700_000_000_000;

/// Values that compress like typical log lines: words from a small
/// vocabulary plus a counter, not all-zero buffers.
fn values() -> Vec<Vec<u8>> {
    const WORDS: [&str; 12] =
        ["user", "order", "created", "shipped", "id", "status", "ok", "error", "latency", "ms", "region", "eu-west"];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..RECORDS)
        .map(|i| {
            let mut value = format!("{i:08} ").into_bytes();
            while value.len() < VALUE_LEN {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                value.extend_from_slice(WORDS[(state % WORDS.len() as u64) as usize].as_bytes());
                value.push(b' ');
            }
            value.truncate(VALUE_LEN);
            value
        })
        .collect()
}

/// Runs `f` repeatedly for about `budget` and returns the median seconds per call.
fn median_secs(budget: Duration, mut f: impl FnMut()) -> f64 {
    f();
    let mut samples = Vec::new();
    let start = Instant::now();
    while start.elapsed() < budget || samples.len() < 10 {
        let t = Instant::now();
        f();
        samples.push(t.elapsed().as_secs_f64());
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

fn their_codec(codec: Compression) -> fluvio_compression::Compression {
    use fluvio_compression::Compression as C;
    match codec {
        Compression::None => C::None,
        Compression::Gzip => C::Gzip,
        Compression::Snappy => C::Snappy,
        Compression::Lz4 => C::Lz4,
        Compression::Zstd => C::Zstd,
    }
}

fn ours_encode(values: &[Vec<u8>], codec: Compression) -> Vec<u8> {
    let records: Vec<Record> = values
        .iter()
        .enumerate()
        .map(|(i, v)| Record { offset_delta: i as i64, ..Record::new(None, v.clone()) })
        .collect();
    let batch = Batch::from_records(&records, codec, FIRST_TIMESTAMP).expect("compress");
    let mut out = Vec::with_capacity(batch.encoded_len());
    batch.encode(&mut out);
    out
}

fn theirs_encode(values: &[Vec<u8>], codec: Compression) -> Vec<u8> {
    let records: Vec<TheirRecord> = values.iter().map(|v| TheirRecord::new(v.clone())).collect();
    let mut batch = TheirBatch::from(records);
    batch.get_mut_header().set_compression(their_codec(codec));
    batch.get_mut_header().first_timestamp = FIRST_TIMESTAMP;
    batch.get_mut_header().max_time_stamp = FIRST_TIMESTAMP;
    let raw: TheirBatch<RawRecords> = batch.try_into().expect("compress");
    let mut out = Vec::new();
    raw.encode(&mut out, 0).expect("encode");
    out
}

fn ours_decode(bytes: &[u8]) -> usize {
    let batch = Batch::decode(&mut Reader::new(bytes)).expect("decode");
    batch.decode_records(64 << 20).expect("records").records.len()
}

fn theirs_decode(bytes: &[u8]) -> usize {
    let batch = TheirBatch::<RawRecords>::decode_from(&mut Cursor::new(bytes), 0).expect("decode");
    batch.memory_records().expect("records").len()
}

fn main() {
    let values = values();
    let payload_mb = (RECORDS * VALUE_LEN) as f64 / 1e6;
    let budget = Duration::from_millis(if std::env::args().any(|a| a == "--quick") { 100 } else { 1000 });

    println!("batch of {RECORDS} records x {VALUE_LEN} B values; MB/s of values (higher is better)");
    println!(
        "{:<7} {:>9} | {:>12} {:>12} {:>6} | {:>12} {:>12} {:>6}",
        "codec", "batch B", "encode ours", "official", "ratio", "decode ours", "official", "ratio"
    );
    for codec in Compression::ALL {
        let ours_bytes = ours_encode(&values, codec);
        let theirs_bytes = theirs_encode(&values, codec);
        // Both sides must read each other's batches before their speed means anything.
        assert_eq!(ours_decode(&theirs_bytes), RECORDS);
        assert_eq!(theirs_decode(&ours_bytes), RECORDS);

        let enc_ours = median_secs(budget, || {
            black_box(ours_encode(black_box(&values), codec));
        });
        let enc_theirs = median_secs(budget, || {
            black_box(theirs_encode(black_box(&values), codec));
        });
        let dec_ours = median_secs(budget, || {
            black_box(ours_decode(black_box(&theirs_bytes)));
        });
        let dec_theirs = median_secs(budget, || {
            black_box(theirs_decode(black_box(&theirs_bytes)));
        });
        println!(
            "{:<7} {:>9} | {:>12.1} {:>12.1} {:>5.2}x | {:>12.1} {:>12.1} {:>5.2}x",
            codec.name(),
            ours_bytes.len(),
            payload_mb / enc_ours,
            payload_mb / enc_theirs,
            enc_theirs / enc_ours,
            payload_mb / dec_ours,
            payload_mb / dec_theirs,
            dec_theirs / dec_ours,
        );
    }
}
