//! Consumer offsets as the official SPU keeps them: a map of (partition,
//! consumer id) to the offset of the last record that consumer committed,
//! persisted as records of the system topic `consumer-offset` (partition 0)
//! and rebuilt from that log on start.
//!
//! Each record's value is one entry, encoded like the official SPU's
//! key-value log: an update, a deletion, or a checkpoint that starts a full
//! snapshot. A checkpoint is written every `CHECKPOINT_EVERY` changes, so a
//! log trimmed by retention still replays to the right state once it holds
//! a checkpoint.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use super::state::{Partition, ProduceError};
use crate::protocol::codec::{Decode, DecodeError, DecodeResult, Encode, Reader, Version};
use crate::protocol::error_code::ErrorCode;
use crate::protocol::record::{Batch, Record};
pub use crate::protocol::spu::CONSUMER_OFFSET_TOPIC;
use crate::protocol::spu::{ConsumerOffset, ConsumerOffsetFilter, ReplicaKey};
use crate::protocol::Compression;

/// Version the entries are encoded at (the official key-value log's).
const ENTRY_VERSION: Version = 0;
/// Changes between two full snapshots (the official SPU's flush threshold).
const CHECKPOINT_EVERY: usize = 100;
/// Read size when replaying the log.
const REPLAY_READ_BYTES: usize = 1024 * 1024;
/// Largest records section decompressed while replaying.
const MAX_DECOMPRESSED: usize = 64 * 1024 * 1024;

crate::wire_struct! {
    /// Whose offset: the key of an entry.
    pub struct ConsumerOffsetKey {
        pub replica_id: ReplicaKey,
        pub consumer_id: String,
    }
}

crate::wire_struct! {
    /// The value of an entry.
    pub struct StoredOffset {
        /// Offset of the last record the consumer committed.
        pub offset: i64,
        /// Seconds since the epoch, as the official SPU stores and reports it.
        pub modified_time: u64,
    }
}

/// One record of the `consumer-offset` log.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Updated { key: Vec<u8>, value: Vec<u8> },
    Deleted { key: Vec<u8> },
    Checkpoint,
}

impl Encode for Entry {
    fn encode(&self, out: &mut Vec<u8>, version: Version) {
        match self {
            Entry::Updated { key, value } => {
                out.push(0);
                key.encode(out, version);
                value.encode(out, version);
            }
            Entry::Deleted { key } => {
                out.push(1);
                key.encode(out, version);
            }
            Entry::Checkpoint => out.push(2),
        }
    }
}

impl Decode for Entry {
    fn decode(r: &mut Reader<'_>, version: Version) -> DecodeResult<Self> {
        match u8::decode(r, version)? {
            0 => Ok(Entry::Updated { key: Vec::decode(r, version)?, value: Vec::decode(r, version)? }),
            1 => Ok(Entry::Deleted { key: Vec::decode(r, version)? }),
            2 => Ok(Entry::Checkpoint),
            tag => Err(DecodeError::UnknownTag { ty: "consumer offset entry", tag: tag.into() }),
        }
    }
}

/// Map key: topic, partition, consumer id (ordered for stable listings).
type Key = (String, u32, String);

fn key_of(key: &ConsumerOffsetKey) -> Key {
    (key.replica_id.topic.clone(), key.replica_id.partition, key.consumer_id.clone())
}

fn wire_key((topic, partition, consumer_id): &Key) -> ConsumerOffsetKey {
    ConsumerOffsetKey { replica_id: ReplicaKey::new(topic.clone(), *partition), consumer_id: consumer_id.clone() }
}

/// The cluster's consumer offsets.
#[derive(Debug, Default)]
pub struct ConsumerOffsets {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The `consumer-offset` partition; `None` until attached.
    log: Option<Arc<Partition>>,
    offsets: BTreeMap<Key, StoredOffset>,
    changes_since_checkpoint: usize,
}

impl ConsumerOffsets {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Uses `log` from now on, first rebuilding the map from what it holds.
    /// Entries that do not decode are skipped with a log line: a damaged
    /// entry must not keep the cluster from starting.
    pub fn attach(&self, log: Arc<Partition>) -> std::io::Result<()> {
        let mut offsets = BTreeMap::new();
        let mut changes = 0;
        let (start, end) = log.offsets();
        let mut next = start;
        while next < end {
            let bytes = log.read(next, REPLAY_READ_BYTES)?;
            let mut reader = Reader::new(&bytes);
            let before = next;
            while !reader.is_empty() {
                let batch = Batch::decode(&mut reader).map_err(invalid_data)?;
                let records = batch.decode_records(MAX_DECOMPRESSED).map_err(invalid_data)?;
                for record in &records.records {
                    changes += 1;
                    match Entry::from_bytes(&record.value, ENTRY_VERSION) {
                        Ok(entry) => apply(&mut offsets, &mut changes, entry),
                        Err(e) => crate::log!(Warning, "local", "skipping a damaged consumer offset entry: {e}"),
                    }
                }
                next = next.max(batch.next_offset());
            }
            if next <= before {
                break; // nothing more could be read
            }
        }
        let mut inner = self.lock();
        inner.log = Some(log);
        inner.offsets = offsets;
        inner.changes_since_checkpoint = changes;
        Ok(())
    }

    /// Stores `offset` as the last record `consumer_id` committed in `replica`.
    pub fn update(&self, replica: ReplicaKey, consumer_id: String, offset: i64) -> Result<(), ProduceError> {
        let key = ConsumerOffsetKey { replica_id: replica, consumer_id };
        let value = StoredOffset { offset, modified_time: now_secs() };
        let entry = Entry::Updated { key: key.to_bytes(ENTRY_VERSION), value: value.to_bytes(ENTRY_VERSION) };
        let mut inner = self.lock();
        inner.append(&[entry])?;
        inner.offsets.insert(key_of(&key), value);
        inner.checkpoint_if_due()
    }

    /// Forgets `consumer_id`'s offset in `replica` (no error if there is none,
    /// as the official SPU).
    pub fn delete(&self, replica: ReplicaKey, consumer_id: String) -> Result<(), ProduceError> {
        let key = ConsumerOffsetKey { replica_id: replica, consumer_id };
        let mut inner = self.lock();
        inner.append(&[Entry::Deleted { key: key.to_bytes(ENTRY_VERSION) }])?;
        inner.offsets.remove(&key_of(&key));
        inner.checkpoint_if_due()
    }

    /// Forgets every offset kept for partitions of `topic` (it was deleted).
    pub fn delete_topic(&self, topic: &str) -> Result<(), ProduceError> {
        let mut inner = self.lock();
        let keys: Vec<Key> = inner.offsets.keys().filter(|(t, _, _)| t == topic).cloned().collect();
        if keys.is_empty() {
            return Ok(());
        }
        let entries: Vec<Entry> = keys.iter().map(|k| Entry::Deleted { key: wire_key(k).to_bytes(ENTRY_VERSION) }).collect();
        inner.append(&entries)?;
        for key in &keys {
            inner.offsets.remove(key);
        }
        inner.checkpoint_if_due()
    }

    /// The stored offsets that pass `filter` (all of them without one).
    pub fn list(&self, filter: Option<&ConsumerOffsetFilter>) -> Vec<ConsumerOffset> {
        let wanted = |(topic, partition, consumer): &Key| {
            let Some(filter) = filter else { return true };
            filter.replica_id.as_ref().is_none_or(|r| r.topic == *topic && r.partition == *partition)
                && filter.consumer_id.as_ref().is_none_or(|c| c == consumer)
        };
        self.lock()
            .offsets
            .iter()
            .filter(|(key, _)| wanted(key))
            .map(|(key, stored)| {
                let key = wire_key(key);
                ConsumerOffset {
                    consumer_id: key.consumer_id,
                    replica_id: key.replica_id,
                    offset: stored.offset,
                    modified_time: stored.modified_time,
                }
            })
            .collect()
    }
}

impl Inner {
    /// Appends `entries` as one batch (one record each) to the log.
    fn append(&mut self, entries: &[Entry]) -> Result<(), ProduceError> {
        let Some(log) = &self.log else {
            return Err((ErrorCode::OffsetManagementDisabled, "consumer offsets are not available".into()));
        };
        let records: Vec<Record> = entries.iter().map(|e| Record::new(None, e.to_bytes(ENTRY_VERSION))).collect();
        let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        let batch = Batch::from_records(&records, Compression::None, now_ms)
            .map_err(|e| (ErrorCode::Other(e.to_string()), e.to_string()))?;
        log.append(&mut [batch])?;
        self.changes_since_checkpoint += entries.len();
        Ok(())
    }

    /// Writes a full snapshot after enough changes, so replay can start from it.
    fn checkpoint_if_due(&mut self) -> Result<(), ProduceError> {
        if self.changes_since_checkpoint < CHECKPOINT_EVERY {
            return Ok(());
        }
        let mut entries = Vec::with_capacity(self.offsets.len() + 1);
        entries.push(Entry::Checkpoint);
        for (key, value) in &self.offsets {
            entries.push(Entry::Updated { key: wire_key(key).to_bytes(ENTRY_VERSION), value: value.to_bytes(ENTRY_VERSION) });
        }
        self.append(&entries)?;
        self.changes_since_checkpoint = self.offsets.len();
        Ok(())
    }
}

/// Replays one entry: a checkpoint starts the map afresh.
fn apply(offsets: &mut BTreeMap<Key, StoredOffset>, changes: &mut usize, entry: Entry) {
    let decode_key = |bytes: &[u8]| ConsumerOffsetKey::from_bytes(bytes, ENTRY_VERSION).map(|k| key_of(&k));
    match entry {
        Entry::Checkpoint => {
            offsets.clear();
            *changes = 0;
        }
        Entry::Updated { key, value } => match (decode_key(&key), StoredOffset::from_bytes(&value, ENTRY_VERSION)) {
            (Ok(key), Ok(value)) => {
                offsets.insert(key, value);
            }
            (Err(e), _) | (_, Err(e)) => crate::log!(Warning, "local", "skipping a damaged consumer offset update: {e}"),
        },
        Entry::Deleted { key } => match decode_key(&key) {
            Ok(key) => {
                offsets.remove(&key);
            }
            Err(e) => crate::log!(Warning, "local", "skipping a damaged consumer offset deletion: {e}"),
        },
    }
}

fn invalid_data(e: DecodeError) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("consumer-offset log: {e}"))
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_in_the_official_layout() {
        let key = ConsumerOffsetKey { replica_id: ReplicaKey::new("t", 0), consumer_id: "c1".into() }.to_bytes(ENTRY_VERSION);
        // ReplicaKey (String "t", u32 0), then String "c1".
        assert_eq!(key, [0, 1, b't', 0, 0, 0, 0, 0, 2, b'c', b'1']);
        let value = StoredOffset { offset: 4, modified_time: 7 }.to_bytes(ENTRY_VERSION);
        assert_eq!(value, [0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 7]);
        for entry in [Entry::Updated { key: key.clone(), value }, Entry::Deleted { key }, Entry::Checkpoint] {
            let bytes = entry.to_bytes(ENTRY_VERSION);
            assert_eq!(Entry::from_bytes(&bytes, ENTRY_VERSION).unwrap(), entry);
        }
        assert!(Entry::from_bytes(&[3], ENTRY_VERSION).is_err());
    }
}
