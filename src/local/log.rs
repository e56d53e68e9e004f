//! The durable log of one partition: append-only segment files holding
//! record batches exactly as produced (only `base_offset` is assigned here),
//! an in-memory index from offsets to file positions rebuilt on open, a
//! configurable fsync policy, and retention: by size at append (the
//! cluster-wide setting) and, as the real SPU's cleaner does, by age and by
//! a topic's maximum partition size at each cleaning pass.
//!
//! Layout: `<dir>/<base offset, 20 digits>.log`, one file per segment. A
//! segment is a plain concatenation of encoded batches; nothing else is
//! stored, so recovery is a scan. A torn tail (a crash mid-write) is cut off
//! at the last whole batch whose CRC checks out.
//!
//! Every file operation goes through a [`Storage`], so the crash simulator
//! can replay them; the order of writes and fsyncs here is what makes a
//! power cut lose nothing acknowledged under `FsyncPolicy::Always`.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::storage::{create_dir_all_durably, Storage, StorageFile};
use crate::protocol::codec::Reader;
use crate::protocol::record::{Batch, BATCH_HEADER_LEN, BATCH_OVERHEAD, BATCH_PREAMBLE_LEN};

/// When appended bytes are forced to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsyncPolicy {
    /// After every append, before it is acknowledged: nothing acknowledged is
    /// lost even if the machine loses power.
    Always,
    /// At most this long after an append (checked on the next append and by
    /// the cluster's flusher): a power loss can lose the appends (and
    /// consumer offset commits) acknowledged in that window.
    Interval(Duration),
    /// Left to the operating system: survives a killed process, not a power
    /// loss, which can lose everything appended since the active segment was
    /// started (segments are fsynced when they are closed).
    Never,
}

/// Settings of a partition log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogConfig {
    /// A segment is closed and a new one started past this size.
    pub segment_bytes: u64,
    /// Oldest whole segments are deleted, at append, while the log is larger than this.
    pub retention_bytes: Option<u64>,
    pub fsync: FsyncPolicy,
    /// A topic's retention time: a cleaning pass deletes the closed segments
    /// closed longer ago than this.
    pub retention_age: Option<Duration>,
    /// A topic's maximum partition size: a cleaning pass deletes the oldest
    /// closed segments while the log is larger.
    pub max_partition_bytes: Option<u64>,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            segment_bytes: 64 * 1024 * 1024,
            retention_bytes: None,
            fsync: FsyncPolicy::Always,
            retention_age: None,
            max_partition_bytes: None,
        }
    }
}

/// Where one batch sits in a segment.
#[derive(Debug, Clone, Copy)]
struct BatchPosition {
    /// Offset after the batch's last record.
    next_offset: i64,
    position: u64,
    len: u64,
}

#[derive(Debug)]
struct Segment {
    base_offset: i64,
    path: PathBuf,
    file: Box<dyn StorageFile>,
    len: u64,
    batches: Vec<BatchPosition>,
    /// When the segment was closed (its file's modification time, for a
    /// segment closed before the log was opened); None while it is appended to.
    closed_at: Option<SystemTime>,
}

impl Segment {
    fn next_offset(&self) -> i64 {
        self.batches.last().map_or(self.base_offset, |b| b.next_offset)
    }

    /// Index of the batch holding `offset`, or of the first one after it.
    fn batch_for(&self, offset: i64) -> usize {
        self.batches.partition_point(|b| b.next_offset <= offset)
    }
}

fn segment_path(dir: &Path, base_offset: i64) -> PathBuf {
    dir.join(format!("{base_offset:020}.log"))
}

/// Why an append was refused.
#[derive(Debug)]
pub enum AppendError {
    /// The batch breaks the format (bad CRC, inconsistent counts).
    InvalidBatch(String),
    /// The batch is larger than a segment may be.
    TooLarge { len: usize, max: u64 },
    Io(io::Error),
}

impl From<io::Error> for AppendError {
    fn from(e: io::Error) -> Self {
        AppendError::Io(e)
    }
}

impl std::fmt::Display for AppendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppendError::InvalidBatch(why) => write!(f, "invalid batch: {why}"),
            AppendError::TooLarge { len, max } => write!(f, "batch of {len} bytes exceeds the segment size {max}"),
            AppendError::Io(e) => write!(f, "storage error: {e}"),
        }
    }
}

/// One partition's log.
#[derive(Debug)]
pub struct PartitionLog {
    storage: Arc<dyn Storage>,
    dir: PathBuf,
    config: LogConfig,
    /// Oldest first; the last one is appended to. Never empty.
    segments: Vec<Segment>,
    unsynced_since: Option<Instant>,
}

impl PartitionLog {
    /// Opens (or creates) the log in `dir`, recovering what is on disk.
    pub fn open(storage: Arc<dyn Storage>, dir: &Path, config: LogConfig) -> io::Result<Self> {
        create_dir_all_durably(&*storage, dir)?;
        let mut bases: Vec<i64> =
            storage.list_dir(dir)?.iter().filter_map(|name| name.strip_suffix(".log")?.parse().ok()).collect();
        bases.sort_unstable();

        let mut segments = Vec::with_capacity(bases.len());
        for (i, base) in bases.iter().enumerate() {
            let is_last = i + 1 == bases.len();
            let mut segment = recover_segment(&*storage, &segment_path(dir, *base), *base, is_last)?;
            if !is_last {
                segment.closed_at = Some(segment.file.modified()?);
            }
            segments.push(segment);
        }
        // Segments are closed (fsynced) before the next one is created, so
        // a break in the offsets can only be older segments whose removal by
        // retention a crash undid in part: the log is the unbroken run that
        // ends at the newest segment.
        let unbroken_from = (1..segments.len())
            .rev()
            .find(|&i| segments[i - 1].next_offset() != segments[i].base_offset)
            .unwrap_or(0);
        for stale in segments.drain(..unbroken_from) {
            crate::log!(
                Warning,
                "local",
                "{}: offsets {}..{} are older than an offset gap (retention undone by a crash); removing",
                stale.path.display(),
                stale.base_offset,
                stale.next_offset()
            );
            storage.remove_file(&stale.path)?;
        }
        if segments.is_empty() {
            segments.push(create_segment(&*storage, dir, 0)?);
        }
        Ok(PartitionLog { storage, dir: dir.to_path_buf(), config, segments, unsynced_since: None })
    }

    /// First offset still stored.
    pub fn start_offset(&self) -> i64 {
        self.segments[0].base_offset
    }

    /// The offset the next record will get (high watermark = log end: one replica).
    pub fn end_offset(&self) -> i64 {
        self.segments.last().expect("a log always has a segment").next_offset()
    }

    /// Bytes stored in all segments.
    pub fn size(&self) -> u64 {
        self.segments.iter().map(|s| s.len).sum()
    }

    /// Appends one batch: checks its CRC and record count, assigns its base
    /// offset and writes it. Returns the base offset.
    pub fn append(&mut self, batch: &mut Batch) -> Result<i64, AppendError> {
        batch.verify_crc().map_err(|e| AppendError::InvalidBatch(e.to_string()))?;
        if batch.header.last_offset_delta < 0 {
            return Err(AppendError::InvalidBatch("batch has no records".into()));
        }
        if batch.compression().map_err(|e| AppendError::InvalidBatch(e.to_string()))? == crate::protocol::Compression::None {
            // Consumers number records by position: the count must match.
            let count = batch.records.get(..4).map(|c| i32::from_be_bytes(c.try_into().expect("4 bytes")));
            if count != Some(batch.header.last_offset_delta + 1) {
                return Err(AppendError::InvalidBatch(format!(
                    "header says {} records, records section says {count:?}",
                    batch.header.last_offset_delta + 1
                )));
            }
        }
        let len = batch.encoded_len();
        if len as u64 > self.config.segment_bytes {
            return Err(AppendError::TooLarge { len, max: self.config.segment_bytes });
        }
        if self.active().len > 0 && self.active().len + len as u64 > self.config.segment_bytes {
            self.roll()?;
        }

        let base_offset = self.end_offset();
        batch.base_offset = base_offset;
        let mut bytes = Vec::with_capacity(len);
        batch.encode(&mut bytes);
        let segment = self.segments.last_mut().expect("a log always has a segment");
        segment.file.write_all_at(&bytes, segment.len)?;
        segment.batches.push(BatchPosition {
            next_offset: base_offset + batch.record_count(),
            position: segment.len,
            len: len as u64,
        });
        segment.len += len as u64;
        self.after_write()?;
        self.apply_retention()?;
        Ok(base_offset)
    }

    fn active(&self) -> &Segment {
        self.segments.last().expect("a log always has a segment")
    }

    fn after_write(&mut self) -> io::Result<()> {
        match self.config.fsync {
            FsyncPolicy::Always => self.active().file.sync_data(),
            FsyncPolicy::Interval(period) => {
                let since = *self.unsynced_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= period {
                    self.sync()?;
                }
                Ok(())
            }
            FsyncPolicy::Never => Ok(()),
        }
    }

    /// Forces everything appended so far to disk.
    pub fn sync(&mut self) -> io::Result<()> {
        if self.unsynced_since.take().is_some() || self.config.fsync == FsyncPolicy::Always {
            self.active().file.sync_data()?;
        }
        Ok(())
    }

    /// Whether an interval fsync is due (for the cluster's periodic flusher).
    pub fn sync_due(&self) -> bool {
        match (self.config.fsync, self.unsynced_since) {
            (FsyncPolicy::Interval(period), Some(since)) => since.elapsed() >= period,
            _ => false,
        }
    }

    fn roll(&mut self) -> io::Result<()> {
        self.sync()?;
        self.active().file.sync_all()?;
        self.segments.last_mut().expect("a log always has a segment").closed_at = Some(SystemTime::now());
        let next = create_segment(&*self.storage, &self.dir, self.end_offset())?;
        self.segments.push(next);
        Ok(())
    }

    fn apply_retention(&mut self) -> io::Result<()> {
        let Some(limit) = self.config.retention_bytes else { return Ok(()) };
        while self.segments.len() > 1 && self.size() > limit {
            self.remove_oldest()?;
        }
        Ok(())
    }

    fn remove_oldest(&mut self) -> io::Result<()> {
        let oldest = self.segments.remove(0);
        self.storage.remove_file(&oldest.path)
    }

    /// One pass of the real SPU's cleaner, at time `now`: first the oldest
    /// closed segments while the log exceeds the maximum partition size,
    /// then the closed segments closed more than the retention time ago.
    /// The segment being appended to is never removed. Returns how many
    /// segments were removed.
    pub fn clean(&mut self, now: SystemTime) -> io::Result<usize> {
        let before = self.segments.len();
        if let Some(limit) = self.config.max_partition_bytes {
            while self.segments.len() > 1 && self.size() > limit {
                self.remove_oldest()?;
            }
        }
        if let Some(age) = self.config.retention_age {
            let expired = |s: &Segment| s.closed_at.is_some_and(|closed| now.duration_since(closed).is_ok_and(|held| held > age));
            while self.segments.len() > 1 && expired(&self.segments[0]) {
                self.remove_oldest()?;
            }
        }
        Ok(before - self.segments.len())
    }

    /// Reads whole batches from the one holding `offset` on: at least one
    /// batch (even when it alone exceeds `max_bytes`), never a cut one.
    /// Returns no bytes when `offset` is at or past the end.
    pub fn read(&self, offset: i64, max_bytes: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let first_segment = self.segments.partition_point(|s| s.next_offset() <= offset);
        for segment in &self.segments[first_segment..] {
            let batches = &segment.batches[segment.batch_for(offset)..];
            let Some(first) = batches.first() else { continue };
            // Batches of a segment are contiguous: take a prefix of them.
            let mut stop = first.position;
            let mut full = false;
            for batch in batches {
                let end = batch.position + batch.len;
                let taken_before = out.len() as u64 + (stop - first.position);
                if taken_before > 0 && out.len() as u64 + (end - first.position) > max_bytes as u64 {
                    full = true;
                    break;
                }
                stop = end;
            }
            let at = out.len();
            out.resize(at + (stop - first.position) as usize, 0);
            segment.file.read_exact_at(&mut out[at..], first.position)?;
            if full {
                break;
            }
        }
        Ok(out)
    }
}

fn create_segment(storage: &dyn Storage, dir: &Path, base_offset: i64) -> io::Result<Segment> {
    let path = segment_path(dir, base_offset);
    let file = storage.open(&path, true)?;
    // Make the new file's name durable.
    storage.sync_dir(dir)?;
    Ok(Segment { base_offset, path, file, len: 0, batches: Vec::new(), closed_at: None })
}

/// Scans a segment's batches. Every batch's header and offsets are checked;
/// the CRCs are checked too in the last segment, the only one a crash can
/// tear. The file is truncated after the last good batch.
fn recover_segment(storage: &dyn Storage, path: &Path, base_offset: i64, check_crcs: bool) -> io::Result<Segment> {
    let file = storage.open(path, false)?;
    let file_len = file.len()?;
    let mut batches = Vec::new();
    let mut position = 0u64;
    let mut expected = base_offset;
    let mut header = [0u8; BATCH_OVERHEAD];
    let torn = loop {
        if position == file_len {
            break None;
        }
        if file_len - position < BATCH_OVERHEAD as u64 {
            break Some("partial batch header");
        }
        file.read_exact_at(&mut header, position)?;
        let stored_base = i64::from_be_bytes(header[0..8].try_into().expect("8 bytes"));
        let batch_len = i32::from_be_bytes(header[8..12].try_into().expect("4 bytes"));
        let last_offset_delta = i32::from_be_bytes(header[23..27].try_into().expect("4 bytes"));
        if batch_len < BATCH_HEADER_LEN as i32 || last_offset_delta < 0 || stored_base != expected {
            break Some("invalid batch header");
        }
        let len = BATCH_PREAMBLE_LEN as u64 + batch_len as u64;
        if position + len > file_len {
            break Some("partial batch");
        }
        if check_crcs {
            let mut bytes = vec![0u8; len as usize];
            file.read_exact_at(&mut bytes, position)?;
            let intact = Batch::decode(&mut Reader::new(&bytes)).is_ok_and(|b| b.verify_crc().is_ok());
            if !intact {
                break Some("batch CRC mismatch");
            }
        }
        let next_offset = expected + i64::from(last_offset_delta) + 1;
        batches.push(BatchPosition { next_offset, position, len });
        expected = next_offset;
        position += len;
    };
    if let Some(why) = torn {
        crate::log!(
            Warning,
            "local",
            "{}: {why} at byte {position}; truncating {} bytes of torn tail",
            path.display(),
            file_len - position
        );
        file.set_len(position)?;
        file.sync_all()?;
    }
    Ok(Segment { base_offset, path: path.to_path_buf(), file, len: position, batches, closed_at: None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::storage::OsStorage;
    use crate::protocol::record::{Record, RecordSet};
    use std::fs::{self, OpenOptions};
    use crate::protocol::{Compression, Decode};

    /// A directory removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("fluvio-log-test-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn batch(values: &[&str]) -> Batch {
        let records: Vec<Record> = values
            .iter()
            .enumerate()
            .map(|(i, v)| Record { offset_delta: i as i64, ..Record::new(None, v.as_bytes().to_vec()) })
            .collect();
        Batch::from_records(&records, Compression::None, 1_700_000_000_000).unwrap()
    }

    fn values_from(log: &PartitionLog, offset: i64, max_bytes: usize) -> Vec<(i64, String)> {
        let bytes = log.read(offset, max_bytes).unwrap();
        let mut set_bytes = (bytes.len() as i32).to_be_bytes().to_vec();
        set_bytes.extend_from_slice(&bytes);
        let set = RecordSet::from_bytes(&set_bytes, 0).unwrap();
        assert_eq!(set.truncated_bytes, 0, "a read must never cut a batch");
        set.batches
            .iter()
            .flat_map(|b| {
                let records = b.decode_records(1 << 20).unwrap().records;
                records.into_iter().enumerate().map(move |(i, r)| (b.base_offset + i as i64, String::from_utf8(r.value).unwrap()))
            })
            .collect()
    }

    #[test]
    fn appends_get_consecutive_offsets_and_read_back_whole_batches() {
        let dir = TempDir::new("append");
        let mut log = PartitionLog::open(OsStorage::shared(), &dir.0, LogConfig::default()).unwrap();
        assert_eq!(log.append(&mut batch(&["a", "b"])).unwrap(), 0);
        assert_eq!(log.append(&mut batch(&["c"])).unwrap(), 2);
        assert_eq!(log.end_offset(), 3);
        assert_eq!(values_from(&log, 0, 1 << 20), [(0, "a".into()), (1, "b".into()), (2, "c".into())]);
        // Reading from the middle of a batch starts at that batch.
        assert_eq!(values_from(&log, 1, 1 << 20)[0], (0, "a".into()));
        // A tiny max_bytes still returns one whole batch.
        assert_eq!(values_from(&log, 0, 1).len(), 2);
        assert!(log.read(3, 1 << 20).unwrap().is_empty());
    }

    #[test]
    fn a_bad_crc_or_a_wrong_count_is_refused() {
        let dir = TempDir::new("refuse");
        let mut log = PartitionLog::open(OsStorage::shared(), &dir.0, LogConfig::default()).unwrap();
        let mut corrupt = batch(&["x"]);
        corrupt.records[5] ^= 0xff;
        assert!(matches!(log.append(&mut corrupt), Err(AppendError::InvalidBatch(_))));
        let mut lying = batch(&["x"]);
        lying.header.last_offset_delta = 5;
        lying.header.crc = lying.compute_crc();
        assert!(matches!(log.append(&mut lying), Err(AppendError::InvalidBatch(_))));
        assert_eq!(log.end_offset(), 0);
    }

    #[test]
    fn everything_is_recovered_and_a_torn_tail_is_cut() {
        let dir = TempDir::new("recover");
        let config = LogConfig { segment_bytes: 200, ..LogConfig::default() };
        {
            let mut log = PartitionLog::open(OsStorage::shared(), &dir.0, config).unwrap();
            for i in 0..10 {
                log.append(&mut batch(&[&format!("value-{i}")])).unwrap();
            }
            assert!(log.segments.len() > 1, "small segments roll");
        }
        // Tear the last segment: half a batch appended by a crash.
        let last = fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().path()).max().unwrap();
        let mut torn = Vec::new();
        batch(&["torn"]).encode(&mut torn);
        let mut file = OpenOptions::new().append(true).open(&last).unwrap();
        std::io::Write::write_all(&mut file, &torn[..torn.len() / 2]).unwrap();

        let mut log = PartitionLog::open(OsStorage::shared(), &dir.0, config).unwrap();
        assert_eq!(log.end_offset(), 10);
        let values: Vec<_> = values_from(&log, 0, 1 << 20);
        assert_eq!(values.len(), 10, "{values:?}");
        assert_eq!(values[9], (9, "value-9".into()));
        assert_eq!(log.append(&mut batch(&["after"])).unwrap(), 10);
    }

    #[test]
    fn retention_drops_the_oldest_segments() {
        let dir = TempDir::new("retention");
        let config = LogConfig { segment_bytes: 200, retention_bytes: Some(400), ..LogConfig::default() };
        let mut log = PartitionLog::open(OsStorage::shared(), &dir.0, config).unwrap();
        for i in 0..20 {
            log.append(&mut batch(&[&format!("value-{i}")])).unwrap();
        }
        assert!(log.size() <= 400 + 200);
        assert!(log.start_offset() > 0);
        assert_eq!(log.end_offset(), 20);
        assert_eq!(values_from(&log, log.start_offset(), 1 << 20).last().unwrap(), &(19, "value-19".into()));
    }
}
