//! Choosing a record's partition.

use std::hash::Hasher;
use std::sync::atomic::{AtomicU32, Ordering};

use siphasher::sip::SipHasher;

/// Picks the partition of each record. Called on the thread that sends.
pub trait Partitioner: Send + Sync {
    /// A partition in `0..partition_count` for the record.
    fn partition(&self, key: Option<&[u8]>, value: &[u8], partition_count: u32) -> u32;
}

/// The official clients' default: keyed records go to
/// `SipHash-2-4(k = 0)(u64_le(len) ‖ key) mod count` — exactly the partition
/// the official clients pick — and key-less records rotate.
#[derive(Debug, Default)]
pub struct SipHashRoundRobin {
    counter: AtomicU32,
}

/// The official clients' hash of a key (Rust's `Hash` for a byte slice,
/// which writes the length as a native `usize` first).
pub fn key_hash(key: &[u8]) -> u64 {
    let mut hasher = SipHasher::new();
    hasher.write(&(key.len() as u64).to_le_bytes());
    hasher.write(key);
    hasher.finish()
}

impl Partitioner for SipHashRoundRobin {
    fn partition(&self, key: Option<&[u8]>, _value: &[u8], partition_count: u32) -> u32 {
        let count = partition_count.max(1);
        match key {
            Some(key) => (key_hash(key) % u64::from(count)) as u32,
            None => self.counter.fetch_add(1, Ordering::Relaxed) % count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hash_like_the_official_clients() {
        // Reference values from the protocol notes (§11.1).
        let cases: [(&[u8], u64, [u32; 5]); 5] = [
            (b"", 0xe849e8bb6ffe2567, [1, 2, 3, 4, 7]),
            (b"a", 0xfeb15081b68ca86b, [1, 1, 3, 2, 3]),
            (b"key1", 0x27406ff74505f285, [1, 1, 1, 0, 5]),
            (b"hello", 0xd17f96bd0852ce12, [0, 2, 2, 4, 2]),
            (b"user-42", 0xf6e2dfff2b9c3615, [1, 0, 1, 4, 5]),
        ];
        let partitioner = SipHashRoundRobin::default();
        for (key, hash, expected) in cases {
            assert_eq!(key_hash(key), hash, "{key:?}");
            for (count, partition) in [2, 3, 4, 5, 8].into_iter().zip(expected) {
                assert_eq!(partitioner.partition(Some(key), b"", count), partition, "{key:?} over {count}");
            }
        }
    }

    #[test]
    fn keyless_records_rotate() {
        let partitioner = SipHashRoundRobin::default();
        let picks: Vec<u32> = (0..6).map(|_| partitioner.partition(None, b"v", 3)).collect();
        assert_eq!(picks, [0, 1, 2, 0, 1, 2]);
    }
}
