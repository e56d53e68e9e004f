//! Shared helpers for the golden tests: compare our encoding with the
//! official Fluvio crates' byte for byte, and decode each side's bytes with
//! the other side's decoder.

#![allow(dead_code)]

use std::fmt::Debug;

use fluvio::protocol::{Decode, Encode};
use fluvio_protocol::{Decoder as TheirDecoder, Encoder as TheirEncoder};

/// Bytes as spaced hex, so a failing comparison shows where they differ.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// Bytes written as the protocol notes write them: hex bytes, `"text"` for
/// ASCII, `NN×k` for k copies of a byte, and `|` as a mere separator.
pub fn doc_bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for token in text.split_whitespace().filter(|t| !t.chars().all(|c| c == '|')) {
        if let Some(ascii) = token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            out.extend_from_slice(ascii.as_bytes());
        } else if let Some((byte, count)) = token.split_once('×') {
            let byte = u8::from_str_radix(byte, 16).expect(token);
            out.extend(std::iter::repeat_n(byte, count.parse().expect(token)));
        } else {
            out.push(u8::from_str_radix(token, 16).unwrap_or_else(|_| panic!("bad hex token {token:?}")));
        }
    }
    out
}

/// The official encoding of `value` at `version`.
pub fn theirs_encode<T: TheirEncoder>(value: &T, version: i16) -> Vec<u8> {
    let mut out = Vec::new();
    value.encode(&mut out, version).expect("official encoder failed");
    out
}

/// Decodes `bytes` with the official decoder, requiring every byte consumed.
pub fn theirs_decode<T: TheirDecoder + Default>(bytes: &[u8], version: i16) -> T {
    let mut cursor = std::io::Cursor::new(bytes);
    let value = T::decode_from(&mut cursor, version).expect("official decoder failed on our bytes");
    assert_eq!(cursor.position() as usize, bytes.len(), "official decoder left bytes unread");
    value
}

/// The golden check for one message at one version:
/// 1. ours encodes to exactly the official bytes;
/// 2. ours decodes the official bytes back to `ours`;
/// 3. the official decoder reads our bytes, and re-encodes them identically.
pub fn golden<O, T>(ours: &O, theirs: &T, version: i16)
where
    O: Encode + Decode + PartialEq + Debug,
    T: TheirEncoder + TheirDecoder + Default,
{
    let their_bytes = theirs_encode(theirs, version);
    let our_bytes = ours.to_bytes(version);
    assert_eq!(hex(&our_bytes), hex(&their_bytes), "encodings differ at version {version}");
    let decoded = O::from_bytes(&their_bytes, version)
        .unwrap_or_else(|e| panic!("our decoder failed on official bytes at version {version}: {e}"));
    assert_eq!(&decoded, ours, "our decoding of the official bytes differs at version {version}");
    let round_trip: T = theirs_decode(&our_bytes, version);
    assert_eq!(hex(&theirs_encode(&round_trip, version)), hex(&our_bytes), "official round trip differs at version {version}");
}

/// `golden` at every version in `versions`, building the values per version.
pub fn golden_versions<O, T>(versions: impl IntoIterator<Item = i16>, make: impl Fn(i16) -> (O, T))
where
    O: Encode + Decode + PartialEq + Debug,
    T: TheirEncoder + TheirDecoder + Default,
{
    for version in versions {
        let (ours, theirs) = make(version);
        golden(&ours, &theirs, version);
    }
}

/// Versions of the SPU API the official clients use (Python 0.21.0: 24,
/// Rust 0.50.x: 25) and the lowest one they accept (23).
pub const SPU_VERSIONS: [i16; 3] = [23, 24, 25];
/// The SC API version both clients use.
pub const SC_VERSIONS: [i16; 1] = [19];
