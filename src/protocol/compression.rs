//! Batch compression with Fluvio's exact framings: a gzip member, the Snappy
//! *framing* format, the LZ4 *frame* format and a zstd frame (level 1) — the
//! same encoders, at the same settings, as the official producer, but for
//! gzip: the same framing and level through zlib-rs, not miniz_oxide, which
//! deflates 1.6x faster into different (equally standard) bytes.

use std::io::{self, Read, Write};

use super::codec::DecodeError;

/// The codec in a batch's attributes (bits 0–2). Not the topic's
/// `CompressionAlgorithm`, which numbers them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Compression {
    #[default]
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}

impl Compression {
    pub const ALL: [Compression; 5] =
        [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd];

    /// The codec of batch attribute bits 0–2; other values are an error.
    pub fn from_attributes(attributes: i16) -> Result<Self, DecodeError> {
        match attributes & 0x07 {
            0 => Ok(Compression::None),
            1 => Ok(Compression::Gzip),
            2 => Ok(Compression::Snappy),
            3 => Ok(Compression::Lz4),
            4 => Ok(Compression::Zstd),
            other => Err(DecodeError::UnknownTag { ty: "Compression", tag: other.into() }),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Snappy => "snappy",
            Compression::Lz4 => "lz4",
            Compression::Zstd => "zstd",
        }
    }

    /// Compresses a whole records section (count included).
    pub fn compress(self, src: &[u8]) -> io::Result<Vec<u8>> {
        match self {
            Compression::None => Ok(src.to_vec()),
            Compression::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(src)?;
                encoder.finish()
            }
            Compression::Snappy => {
                let mut encoder = snap::write::FrameEncoder::new(Vec::with_capacity(src.len()));
                encoder.write_all(src)?;
                encoder.into_inner().map_err(|e| io::Error::other(e.to_string()))
            }
            Compression::Lz4 => {
                let mut encoder = lz4_flex::frame::FrameEncoder::new(Vec::with_capacity(src.len()));
                encoder.write_all(src)?;
                encoder.finish().map_err(io::Error::other)
            }
            Compression::Zstd => {
                // The streaming encoder (no content size in the frame header), as the official one.
                let mut encoder = zstd::stream::write::Encoder::new(Vec::with_capacity(src.len() / 2), 1)?;
                encoder.write_all(src)?;
                encoder.finish()
            }
        }
    }

    /// Decompresses a records section, refusing to produce more than
    /// `max_len` bytes so that a small hostile payload cannot exhaust memory.
    pub fn decompress(self, src: &[u8], max_len: usize) -> Result<Vec<u8>, DecodeError> {
        let limit = max_len as u64 + 1;
        // Room for a typical ratio up front: fewer, larger inflate calls
        // (zlib-rs inflates a 16 KiB batch 20 % slower into a growing Vec).
        let expected = if self == Compression::None { src.len() } else { src.len().saturating_mul(4) };
        let mut out = Vec::with_capacity(expected.min(max_len.saturating_add(1)));
        let result = match self {
            Compression::None => {
                out.extend_from_slice(src);
                Ok(src.len())
            }
            Compression::Gzip => flate2::read::GzDecoder::new(src).take(limit).read_to_end(&mut out),
            Compression::Snappy => snap::read::FrameDecoder::new(src).take(limit).read_to_end(&mut out),
            Compression::Lz4 => lz4_flex::frame::FrameDecoder::new(src).take(limit).read_to_end(&mut out),
            Compression::Zstd => {
                zstd::stream::read::Decoder::with_buffer(src).and_then(|d| d.take(limit).read_to_end(&mut out))
            }
        };
        result.map_err(|e| DecodeError::Compression(format!("{}: {e}", self.name())))?;
        if out.len() > max_len {
            return Err(DecodeError::Compression(format!(
                "{} payload inflates beyond the limit of {max_len} bytes",
                self.name()
            )));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_codec_round_trips_and_snappy_uses_the_framing_format() {
        let data: Vec<u8> = (0..10_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        for codec in Compression::ALL {
            let packed = codec.compress(&data).unwrap();
            assert_eq!(codec.decompress(&packed, data.len()).unwrap(), data, "{codec:?}");
        }
        let snappy = Compression::Snappy.compress(b"x").unwrap();
        assert_eq!(snappy[..10], [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
        assert_eq!(Compression::Lz4.compress(b"x").unwrap()[..4], [0x04, 0x22, 0x4d, 0x18]);
    }

    /// The official producer's gzip: flate2's default backend, miniz_oxide,
    /// at the default level, in a header like ours.
    fn official_gzip(data: &[u8]) -> Vec<u8> {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let mut member = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        member.extend(miniz_oxide::deflate::compress_to_vec(data, 6));
        member.extend(crc.sum().to_le_bytes());
        member.extend((data.len() as u32).to_le_bytes());
        member
    }

    #[test]
    fn gzip_decodes_both_ways_with_the_official_encoder() {
        let text: Vec<u8> = (0..20_000u32).flat_map(|i| format!("record {} status ok ", i % 97).into_bytes()).collect();
        let binary: Vec<u8> = (0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for data in [&b""[..], b"hello", &text[..100], &text[..16_384], &text, &binary] {
            let ours = Compression::Gzip.compress(data).unwrap();
            assert_eq!(ours[..10], official_gzip(b"")[..10], "the same header");
            let raw = &ours[10..ours.len() - 8];
            assert_eq!(miniz_oxide::inflate::decompress_to_vec(raw).unwrap(), data, "miniz_oxide inflates ours");
            assert_eq!(ours[ours.len() - 4..], (data.len() as u32).to_le_bytes());
            let theirs = official_gzip(data);
            assert_eq!(Compression::Gzip.decompress(&theirs, data.len()).unwrap(), data, "we inflate theirs");
        }
    }

    #[test]
    fn inflation_beyond_the_limit_is_refused() {
        let zeros = vec![0u8; 1 << 20];
        for codec in [Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd] {
            let packed = codec.compress(&zeros).unwrap();
            assert!(matches!(codec.decompress(&packed, 1000), Err(DecodeError::Compression(_))), "{codec:?}");
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for codec in [Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd] {
            assert!(codec.decompress(b"definitely not compressed", 1 << 20).is_err(), "{codec:?}");
        }
    }
}
