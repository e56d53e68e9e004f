//! Records, record batches and record sets (§5 of the protocol notes).
//!
//! A [`Batch`] keeps its records section as the raw bytes that travel on the
//! wire (compressed when its attributes say so): the server stores and serves
//! batches verbatim, and the client decodes records only when it reads them.

use super::codec::{varint_size, write_varint, Decode, DecodeError, DecodeResult, Encode, Reader, Version};
use super::compression::Compression;

/// Bytes before `batch_len` is counted: base_offset (8) + batch_len (4).
pub const BATCH_PREAMBLE_LEN: usize = 12;
/// Bytes of header counted in `batch_len`, from the leader epoch through first_sequence.
pub const BATCH_HEADER_LEN: usize = 45;
/// Size of an encoded batch with an empty records section.
pub const BATCH_OVERHEAD: usize = BATCH_PREAMBLE_LEN + BATCH_HEADER_LEN;
/// The timestamp of a batch or record that has none.
pub const NO_TIMESTAMP: i64 = -1;
/// Attribute bit: a 4-byte schema id follows the header.
const ATTR_SCHEMA_PRESENT: i16 = 0x10;
const MAGIC: i8 = 2;

/// One record as it is encoded inside a batch's records section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    pub attributes: i8,
    /// Milliseconds since the batch's `first_timestamp`.
    pub timestamp_delta: i64,
    /// Position in the batch (consumers derive offsets from the position).
    pub offset_delta: i64,
    /// `None` is "no key"; `Some(vec![])` is an empty key, which is hashed.
    pub key: Option<Vec<u8>>,
    pub value: Vec<u8>,
}

impl Record {
    pub fn new(key: Option<Vec<u8>>, value: Vec<u8>) -> Self {
        Record { key, value, ..Record::default() }
    }

    /// Bytes this record occupies in an uncompressed records section.
    pub fn encoded_len(&self) -> usize {
        Self::encoded_len_of(self.timestamp_delta, self.offset_delta, self.key.as_deref(), &self.value)
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        Self::encode_parts(out, self.attributes, self.timestamp_delta, self.offset_delta, self.key.as_deref(), &self.value);
    }

    /// `encoded_len` of a record made of these parts, without making it.
    pub fn encoded_len_of(timestamp_delta: i64, offset_delta: i64, key: Option<&[u8]>, value: &[u8]) -> usize {
        let body = Self::body_len_of(timestamp_delta, offset_delta, key, value);
        varint_size(body as i64) + body
    }

    /// `encode` of a record made of these parts: how a producer writes
    /// records straight into its open batch, without a `Record` for each.
    pub fn encode_parts(out: &mut Vec<u8>, attributes: i8, timestamp_delta: i64, offset_delta: i64, key: Option<&[u8]>, value: &[u8]) {
        write_varint(out, Self::body_len_of(timestamp_delta, offset_delta, key, value) as i64);
        out.push(attributes as u8);
        write_varint(out, timestamp_delta);
        write_varint(out, offset_delta);
        match key {
            None => out.push(0),
            Some(key) => {
                out.push(1);
                write_varint(out, key.len() as i64);
                out.extend_from_slice(key);
            }
        }
        write_varint(out, value.len() as i64);
        out.extend_from_slice(value);
        write_varint(out, 0);
    }

    fn body_len_of(timestamp_delta: i64, offset_delta: i64, key: Option<&[u8]>, value: &[u8]) -> usize {
        let key = match key {
            None => 1,
            Some(k) => 1 + varint_size(k.len() as i64) + k.len(),
        };
        1 + varint_size(timestamp_delta)
            + varint_size(offset_delta)
            + key
            + varint_size(value.len() as i64)
            + value.len()
            + 1 // header count, always 0
    }

    /// Decodes one record; every field is bounded by the record's own length.
    pub fn decode(r: &mut Reader<'_>) -> DecodeResult<Self> {
        let len = r.read_varint_len("record")?;
        let mut body = Reader::new(r.take(len)?);
        let attributes = i8::decode(&mut body, 0)?;
        let timestamp_delta = body.read_varint()?;
        let offset_delta = body.read_varint()?;
        let key = if bool::decode(&mut body, 0)? {
            let key_len = body.read_varint_len("record key")?;
            Some(body.take(key_len)?.to_vec())
        } else {
            None
        };
        let value_len = body.read_varint_len("record value")?;
        // One byte of spare capacity: a consumer handing the value to C
        // terminates it in place, without copying it (`fluvio_record_value_str`).
        let bytes = body.take(value_len)?;
        let mut value = Vec::with_capacity(bytes.len() + 1);
        value.extend_from_slice(bytes);
        // Header entries are not supported by Fluvio: only the count is read,
        // and anything after it inside the record's length is skipped.
        body.read_varint()?;
        Ok(Record { attributes, timestamp_delta, offset_delta, key, value })
    }
}

/// Encodes an uncompressed records section: a `u32` count, then the records.
pub fn encode_records(records: &[Record], out: &mut Vec<u8>) {
    out.extend_from_slice(&(records.len() as u32).to_be_bytes());
    for record in records {
        record.encode(out);
    }
}

/// The records of a records section, and whether all of them were there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecodedRecords {
    pub records: Vec<Record>,
    /// False when the section ended before its count was reached (a batch cut
    /// by a peer): the records that are present are still returned.
    pub complete: bool,
}

/// Decodes an uncompressed records section. A section that runs out early
/// keeps its complete records and reports `complete: false`; a record that is
/// malformed (rather than cut) is an error.
pub fn decode_records(section: &[u8]) -> DecodeResult<DecodedRecords> {
    let mut r = Reader::new(section);
    let count = match i32::decode(&mut r, 0) {
        Ok(count) => count.max(0) as usize,
        Err(_) => return Ok(DecodedRecords { records: Vec::new(), complete: section.is_empty() }),
    };
    // A record takes at least 7 bytes; never reserve more than the bytes allow.
    let mut records = Vec::with_capacity(count.min(r.remaining() / 7));
    for _ in 0..count {
        match Record::decode(&mut r) {
            Ok(record) => records.push(record),
            Err(DecodeError::UnexpectedEof { .. }) | Err(DecodeError::InvalidLength { what: "record", .. }) => {
                return Ok(DecodedRecords { records, complete: false });
            }
            Err(e) => return Err(e),
        }
    }
    Ok(DecodedRecords { records, complete: true })
}

/// The fixed header of a batch, after `base_offset` and `batch_len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchHeader {
    pub partition_leader_epoch: i32,
    pub magic: i8,
    pub crc: u32,
    pub attributes: i16,
    pub last_offset_delta: i32,
    pub first_timestamp: i64,
    pub max_time_stamp: i64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub first_sequence: i32,
}

impl Default for BatchHeader {
    fn default() -> Self {
        BatchHeader {
            partition_leader_epoch: -1,
            magic: MAGIC,
            crc: 0,
            attributes: 0,
            last_offset_delta: -1,
            first_timestamp: NO_TIMESTAMP,
            max_time_stamp: NO_TIMESTAMP,
            producer_id: -1,
            producer_epoch: -1,
            first_sequence: -1,
        }
    }
}

/// A record batch with its records section kept as raw wire bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Batch {
    pub base_offset: i64,
    pub header: BatchHeader,
    /// Present only when attribute bit 0x10 is set (clients never set it).
    pub schema_id: Option<u32>,
    /// The records section: a `u32` count and the records, compressed as a
    /// whole when the attributes name a codec.
    pub records: Vec<u8>,
}

impl Batch {
    /// Builds a batch the way a producer does: offset deltas 0..n-1, the
    /// given creation time as `first_timestamp`, `max_time_stamp` = creation
    /// time + the last record's delta, and `base_offset` = n - 1 (the server
    /// assigns the real offset).
    pub fn from_records(records: &[Record], compression: Compression, first_timestamp: i64) -> std::io::Result<Batch> {
        let mut section = Vec::with_capacity(4 + records.iter().map(Record::encoded_len).sum::<usize>());
        encode_records(records, &mut section);
        let last_delta = records.last().map_or(0, |r| r.timestamp_delta);
        Batch::from_section(section, last_delta, compression, first_timestamp)
    }

    /// `from_records` for an uncompressed records section already written
    /// (its count first; offset deltas 0..n-1), whose last record has
    /// `last_timestamp_delta`. Takes the section: uncompressed, it becomes
    /// the batch's without a copy.
    pub fn from_section(section: Vec<u8>, last_timestamp_delta: i64, compression: Compression, first_timestamp: i64) -> std::io::Result<Batch> {
        let count = section.get(..4).map_or(0, |n| i32::from_be_bytes(n.try_into().expect("4 bytes")));
        let section = match compression {
            Compression::None => section,
            codec => codec.compress(&section)?,
        };
        let mut batch = Batch {
            base_offset: (count - 1).max(0) as i64,
            header: BatchHeader {
                attributes: compression as i16,
                last_offset_delta: count - 1,
                first_timestamp,
                max_time_stamp: if first_timestamp == NO_TIMESTAMP { NO_TIMESTAMP } else { first_timestamp + last_timestamp_delta },
                ..BatchHeader::default()
            },
            schema_id: None,
            records: section,
        };
        batch.header.crc = batch.compute_crc();
        Ok(batch)
    }

    pub fn compression(&self) -> DecodeResult<Compression> {
        Compression::from_attributes(self.header.attributes)
    }

    /// Number of records the header claims (`last_offset_delta + 1`).
    pub fn record_count(&self) -> i64 {
        i64::from(self.header.last_offset_delta) + 1
    }

    /// The offset after this batch's last record.
    pub fn next_offset(&self) -> i64 {
        self.base_offset + self.record_count()
    }

    /// `batch_len` as written on the wire.
    pub fn batch_len(&self) -> usize {
        BATCH_HEADER_LEN + self.schema_id.map_or(0, |_| 4) + self.records.len()
    }

    /// Bytes the whole batch occupies when encoded.
    pub fn encoded_len(&self) -> usize {
        BATCH_PREAMBLE_LEN + self.batch_len()
    }

    fn encode_crc_covered(&self, out: &mut Vec<u8>) {
        self.encode_crc_covered_fields(out);
        out.extend_from_slice(&self.records);
    }

    /// What the CRC covers before the records section.
    fn encode_crc_covered_fields(&self, out: &mut Vec<u8>) {
        let h = &self.header;
        let attributes = match self.schema_id {
            Some(_) => h.attributes | ATTR_SCHEMA_PRESENT,
            None => h.attributes & !ATTR_SCHEMA_PRESENT,
        };
        out.extend_from_slice(&attributes.to_be_bytes());
        out.extend_from_slice(&h.last_offset_delta.to_be_bytes());
        out.extend_from_slice(&h.first_timestamp.to_be_bytes());
        out.extend_from_slice(&h.max_time_stamp.to_be_bytes());
        out.extend_from_slice(&h.producer_id.to_be_bytes());
        out.extend_from_slice(&h.producer_epoch.to_be_bytes());
        out.extend_from_slice(&h.first_sequence.to_be_bytes());
        if let Some(id) = self.schema_id {
            out.extend_from_slice(&id.to_be_bytes());
        }
    }

    /// The CRC-32C of everything from the attributes to the end of the batch.
    pub fn compute_crc(&self) -> u32 {
        // The header fields, then the records where they are (no copy of them).
        let mut fields = Vec::with_capacity(BATCH_HEADER_LEN + 4);
        self.encode_crc_covered_fields(&mut fields);
        crc32c::crc32c_append(crc32c::crc32c(&fields), &self.records)
    }

    /// Checks the stored CRC against the contents.
    pub fn verify_crc(&self) -> DecodeResult<()> {
        let actual = self.compute_crc();
        if actual != self.header.crc {
            return Err(DecodeError::CrcMismatch { expected: self.header.crc, actual });
        }
        Ok(())
    }

    /// Appends the batch with the CRC stored in its header (the bytes as received).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.reserve(self.encoded_len());
        out.extend_from_slice(&self.base_offset.to_be_bytes());
        out.extend_from_slice(&(self.batch_len() as i32).to_be_bytes());
        out.extend_from_slice(&self.header.partition_leader_epoch.to_be_bytes());
        out.push(self.header.magic as u8);
        out.extend_from_slice(&self.header.crc.to_be_bytes());
        self.encode_crc_covered(out);
    }

    /// Decodes one complete batch; its length must fit in `r`.
    pub fn decode(r: &mut Reader<'_>) -> DecodeResult<Batch> {
        let base_offset = i64::decode(r, 0)?;
        let batch_len = i32::decode(r, 0)?;
        if batch_len < BATCH_HEADER_LEN as i32 || batch_len as usize > r.remaining() {
            return Err(DecodeError::InvalidLength { what: "batch", len: batch_len.into() });
        }
        let mut b = Reader::new(r.take(batch_len as usize)?);
        let mut header = BatchHeader {
            partition_leader_epoch: i32::decode(&mut b, 0)?,
            magic: i8::decode(&mut b, 0)?,
            crc: u32::decode(&mut b, 0)?,
            attributes: i16::decode(&mut b, 0)?,
            last_offset_delta: i32::decode(&mut b, 0)?,
            first_timestamp: i64::decode(&mut b, 0)?,
            max_time_stamp: i64::decode(&mut b, 0)?,
            producer_id: i64::decode(&mut b, 0)?,
            producer_epoch: i16::decode(&mut b, 0)?,
            first_sequence: i32::decode(&mut b, 0)?,
        };
        let schema_id = if header.attributes & ATTR_SCHEMA_PRESENT != 0 {
            header.attributes &= !ATTR_SCHEMA_PRESENT;
            Some(u32::decode(&mut b, 0)?)
        } else {
            None
        };
        Ok(Batch { base_offset, header, schema_id, records: b.rest().to_vec() })
    }

    /// Decompresses (at most `max_len` bytes) and decodes the records.
    pub fn decode_records(&self, max_len: usize) -> DecodeResult<DecodedRecords> {
        match self.compression()? {
            Compression::None => decode_records(&self.records),
            codec => decode_records(&codec.decompress(&self.records, max_len)?),
        }
    }

    /// The absolute timestamp of a record of this batch, or -1 when the
    /// batch carries none (as the official consumer computes it).
    pub fn record_timestamp(&self, record: &Record) -> i64 {
        if self.header.first_timestamp <= 0 {
            NO_TIMESTAMP
        } else {
            self.header.first_timestamp + record.timestamp_delta
        }
    }
}

/// Batches as they travel in Produce and StreamFetch: an `i32` byte length,
/// then the batches back to back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordSet {
    pub batches: Vec<Batch>,
    /// Bytes at the end of the set that did not form a whole batch (a peer
    /// cut the last batch). Zero for a well-formed set.
    pub truncated_bytes: usize,
}

impl RecordSet {
    pub fn new(batches: Vec<Batch>) -> Self {
        RecordSet { batches, truncated_bytes: 0 }
    }

    pub fn total_records(&self) -> i64 {
        self.batches.iter().map(Batch::record_count).sum()
    }
}

impl Encode for RecordSet {
    fn encode(&self, out: &mut Vec<u8>, _version: Version) {
        let len: usize = self.batches.iter().map(Batch::encoded_len).sum();
        out.extend_from_slice(&(len as i32).to_be_bytes());
        for batch in &self.batches {
            batch.encode(out);
        }
    }
}

impl Decode for RecordSet {
    const MIN_LEN: usize = 4;
    fn decode(r: &mut Reader<'_>, _version: Version) -> DecodeResult<Self> {
        let len = i32::decode(r, 0)?;
        if len < 0 || len as usize > r.remaining() {
            return Err(DecodeError::InvalidLength { what: "record set", len: len.into() });
        }
        let mut set = Reader::new(r.take(len as usize)?);
        let mut batches = Vec::new();
        while !set.is_empty() {
            if !batch_is_complete(set.rest()) {
                return Ok(RecordSet { batches, truncated_bytes: set.remaining() });
            }
            batches.push(Batch::decode(&mut set)?);
        }
        Ok(RecordSet { batches, truncated_bytes: 0 })
    }
}

/// The offset after the last batch that starts in `bytes` (encoded batches
/// back to back, the last one possibly cut short): read from the headers
/// only. `None` when not even one batch header is there.
pub fn end_offset_of_batches(bytes: &[u8]) -> Option<i64> {
    let mut rest = bytes;
    let mut end = None;
    while rest.len() >= BATCH_OVERHEAD {
        let base = i64::from_be_bytes(rest[0..8].try_into().expect("8 bytes"));
        let batch_len = i32::from_be_bytes(rest[8..12].try_into().expect("4 bytes"));
        let last_offset_delta = i32::from_be_bytes(rest[23..27].try_into().expect("4 bytes"));
        end = Some(base + i64::from(last_offset_delta) + 1);
        let len = BATCH_PREAMBLE_LEN + batch_len.max(0) as usize;
        rest = rest.get(len..).unwrap_or_default();
    }
    end
}

/// Whether `bytes` start with a whole batch (its header and all of `batch_len`).
fn batch_is_complete(bytes: &[u8]) -> bool {
    if bytes.len() < BATCH_OVERHEAD {
        return false;
    }
    let batch_len = i32::from_be_bytes(bytes[8..12].try_into().expect("4 bytes"));
    batch_len >= 0 && BATCH_PREAMBLE_LEN + batch_len as usize <= bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
    }

    #[test]
    fn record_examples_match_the_official_encoder() {
        let mut out = Vec::new();
        Record::new(None, b"dog".to_vec()).encode(&mut out);
        assert_eq!(out, hex("12 00 00 00 00 06 64 6f 67 00"));
        out.clear();
        Record { timestamp_delta: 5, offset_delta: 1, ..Record::new(Some(b"k".to_vec()), b"v".to_vec()) }
            .encode(&mut out);
        assert_eq!(out, hex("12 00 0a 02 01 02 6b 02 76 00"));
    }

    #[test]
    fn two_record_batch_matches_the_documented_dump() {
        let records = vec![
            Record::new(None, b"hello".to_vec()),
            Record { offset_delta: 1, ..Record::new(Some(b"k".to_vec()), b"world".to_vec()) },
        ];
        let batch = Batch::from_records(&records, Compression::None, 1_700_000_000_000).unwrap();
        let mut out = Vec::new();
        batch.encode(&mut out);
        let expected = hex(
            "00 00 00 00 00 00 00 01 00 00 00 4b ff ff ff ff 02 64 b7 dc 3c 00 00 00 00 00 01
             00 00 01 8b cf e5 68 00 00 00 01 8b cf e5 68 00 ff ff ff ff ff ff ff ff ff ff
             ff ff ff ff 00 00 00 02 16 00 00 00 00 0a 68 65 6c 6c 6f 00
             1a 00 00 02 01 02 6b 0a 77 6f 72 6c 64 00",
        );
        assert_eq!(out, expected);
        let decoded = Batch::decode(&mut Reader::new(&out)).unwrap();
        decoded.verify_crc().unwrap();
        assert_eq!(decoded.decode_records(1 << 20).unwrap().records, records);
    }

    #[test]
    fn cut_records_are_reported_not_hidden() {
        let records: Vec<Record> = (0..3).map(|i| Record { offset_delta: i, ..Record::new(None, vec![b'x'; 10]) }).collect();
        let mut section = Vec::new();
        encode_records(&records, &mut section);
        let cut = decode_records(&section[..section.len() - 3]).unwrap();
        assert!(!cut.complete);
        assert_eq!(cut.records.len(), 2);
    }

    #[test]
    fn a_cut_batch_at_the_end_of_a_set_is_counted() {
        let batch = Batch::from_records(&[Record::new(None, b"a".to_vec())], Compression::None, 1).unwrap();
        let mut bytes = Vec::new();
        RecordSet::new(vec![batch.clone(), batch.clone()]).encode(&mut bytes, 0);
        let full_len = bytes.len();
        // Shorten the set's declared length and its contents by 5 bytes.
        let cut_len = (full_len - 4 - 5) as i32;
        bytes[..4].copy_from_slice(&cut_len.to_be_bytes());
        bytes.truncate(full_len - 5);
        let set = RecordSet::from_bytes(&bytes, 0).unwrap();
        assert_eq!(set.batches, vec![batch.clone()]);
        assert_eq!(set.truncated_bytes, batch.encoded_len() - 5);
    }

    #[test]
    fn a_flipped_bit_fails_the_crc() {
        let mut batch = Batch::from_records(&[Record::new(None, b"abc".to_vec())], Compression::None, 1).unwrap();
        batch.records[6] ^= 1;
        assert!(matches!(batch.verify_crc(), Err(DecodeError::CrcMismatch { .. })));
    }
}
