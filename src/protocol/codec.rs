//! Primitive encoding of the Fluvio protocol: fixed-width big-endian integers,
//! `bool`, `String` (u16 length), `Option` (presence byte), `Vec` (u32 count),
//! `BTreeMap` (u16 count), `Duration`, and the zigzag varints used in records.
//!
//! Decoding reads from a [`Reader`] that is bounded by the frame the bytes came
//! in: every length a peer sends is checked against what is left before
//! anything is allocated, so a hostile length can neither panic nor make us
//! reserve more memory than the frame holds.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// Upper bound on what a decoder reserves ahead of the bytes it has read.
const MAX_PREALLOC_BYTES: usize = 64 * 1024;

/// The API version a message is encoded at (the request header's `api_version`).
pub type Version = i16;

/// Why bytes from a peer could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The input ended before a value was complete.
    UnexpectedEof { needed: usize, remaining: usize },
    /// A `bool` byte other than 0 or 1.
    InvalidBool(u8),
    /// A `String` whose bytes are not UTF-8.
    InvalidUtf8,
    /// An enum tag (or error code) that this protocol version does not define.
    UnknownTag { ty: &'static str, tag: i64 },
    /// A length or count that cannot be satisfied by the bytes that are left.
    InvalidLength { what: &'static str, len: i64 },
    /// A varint longer than 10 bytes.
    VarintOverflow,
    /// A record batch whose CRC-32C does not match its contents.
    CrcMismatch { expected: u32, actual: u32 },
    /// A compressed records section that does not decompress.
    Compression(String),
    /// A frame longer than the configured maximum.
    FrameTooLarge { len: usize, max: usize },
    /// A well-formed message followed by bytes nothing accounts for.
    TrailingBytes(usize),
    /// Anything else that breaks a rule of the protocol.
    Invalid(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::UnexpectedEof { needed, remaining } => {
                write!(f, "unexpected end of input: needed {needed} bytes, {remaining} left")
            }
            DecodeError::InvalidBool(b) => write!(f, "invalid bool byte {b:#04x}"),
            DecodeError::InvalidUtf8 => write!(f, "string is not valid UTF-8"),
            DecodeError::UnknownTag { ty, tag } => write!(f, "unknown {ty} tag {tag}"),
            DecodeError::InvalidLength { what, len } => {
                write!(f, "invalid {what} length {len} for the bytes that remain")
            }
            DecodeError::VarintOverflow => write!(f, "varint longer than 10 bytes"),
            DecodeError::CrcMismatch { expected, actual } => {
                write!(f, "batch CRC mismatch: header says {expected:#010x}, contents give {actual:#010x}")
            }
            DecodeError::Compression(msg) => write!(f, "decompression failed: {msg}"),
            DecodeError::FrameTooLarge { len, max } => {
                write!(f, "frame of {len} bytes exceeds the maximum of {max}")
            }
            DecodeError::TrailingBytes(n) => write!(f, "{n} unexpected bytes after the message"),
            DecodeError::Invalid(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for DecodeError {}

pub type DecodeResult<T> = Result<T, DecodeError>;

/// A cursor over bytes received from a peer. It never reads past its end.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The unread bytes, without consuming them.
    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    /// Consumes exactly `n` bytes.
    pub fn take(&mut self, n: usize) -> DecodeResult<&'a [u8]> {
        if n > self.remaining() {
            return Err(DecodeError::UnexpectedEof { needed: n, remaining: self.remaining() });
        }
        let bytes = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> DecodeResult<[u8; N]> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Fails unless every byte was consumed.
    pub fn finish(&self) -> DecodeResult<()> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(DecodeError::TrailingBytes(n)),
        }
    }

    /// Checks that `count` items of at least `min_item_len` bytes each can
    /// still be present, so a hostile count is rejected before any allocation.
    pub fn check_count(&self, what: &'static str, count: usize, min_item_len: usize) -> DecodeResult<()> {
        if count.saturating_mul(min_item_len) > self.remaining() {
            return Err(DecodeError::InvalidLength { what, len: count as i64 });
        }
        Ok(())
    }

    pub fn read_varint(&mut self) -> DecodeResult<i64> {
        let mut acc: u64 = 0;
        for i in 0..10 {
            let byte = self.array::<1>()?[0];
            acc |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                let z = acc as i64;
                return Ok((z >> 1) ^ -(z & 1));
            }
        }
        Err(DecodeError::VarintOverflow)
    }

    /// A varint length (of a key or value) bounded by what is left.
    pub fn read_varint_len(&mut self, what: &'static str) -> DecodeResult<usize> {
        let len = self.read_varint()?;
        if len < 0 || len as u64 > self.remaining() as u64 {
            return Err(DecodeError::InvalidLength { what, len });
        }
        Ok(len as usize)
    }
}

/// Appends `n` as a zigzag varint exactly as the official encoder does. Its
/// zigzag uses `n >> 31`, so it is the standard encoding only for values in
/// the `i32` range; record fields never leave that range.
pub fn write_varint(out: &mut Vec<u8>, n: i64) {
    let mut v = (n << 1) ^ (n >> 31);
    while v & 0xffff_ff80 != 0 {
        out.push(((v & 0x7f) | 0x80) as u8);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The number of bytes [`write_varint`] writes for `n`.
pub fn varint_size(n: i64) -> usize {
    let mut v = (n << 1) ^ (n >> 31);
    let mut size = 1;
    while v & 0xffff_ff80 != 0 {
        size += 1;
        v >>= 7;
    }
    size
}

/// A value with a Fluvio wire encoding.
pub trait Encode {
    fn encode(&self, out: &mut Vec<u8>, version: Version);

    /// Convenience: the encoding as a fresh vector.
    fn to_bytes(&self, version: Version) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out, version);
        out
    }
}

/// A value that can be read back from its Fluvio wire encoding.
pub trait Decode: Sized {
    /// The fewest bytes one value can occupy; bounds element counts of `Vec`s.
    const MIN_LEN: usize = 1;

    fn decode(r: &mut Reader<'_>, version: Version) -> DecodeResult<Self>;

    /// Decodes a value that must span all of `bytes`.
    fn from_bytes(bytes: &[u8], version: Version) -> DecodeResult<Self> {
        let mut r = Reader::new(bytes);
        let value = Self::decode(&mut r, version)?;
        r.finish()?;
        Ok(value)
    }
}

macro_rules! fixed_width {
    ($($ty:ty),*) => {$(
        impl Encode for $ty {
            fn encode(&self, out: &mut Vec<u8>, _version: Version) {
                out.extend_from_slice(&self.to_be_bytes());
            }
        }
        impl Decode for $ty {
            const MIN_LEN: usize = std::mem::size_of::<$ty>();
            fn decode(r: &mut Reader<'_>, _version: Version) -> DecodeResult<Self> {
                Ok(<$ty>::from_be_bytes(r.array()?))
            }
        }
    )*};
}

fixed_width!(i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);

impl Encode for bool {
    fn encode(&self, out: &mut Vec<u8>, _version: Version) {
        out.push(u8::from(*self));
    }
}

impl Decode for bool {
    fn decode(r: &mut Reader<'_>, _version: Version) -> DecodeResult<Self> {
        match r.array::<1>()?[0] {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(DecodeError::InvalidBool(other)),
        }
    }
}

impl Encode for str {
    fn encode(&self, out: &mut Vec<u8>, _version: Version) {
        // The official encoder writes the length as u16; names are validated
        // long before they could reach that limit.
        out.extend_from_slice(&(self.len() as u16).to_be_bytes());
        out.extend_from_slice(self.as_bytes());
    }
}

impl Encode for String {
    fn encode(&self, out: &mut Vec<u8>, version: Version) {
        self.as_str().encode(out, version)
    }
}

impl Decode for String {
    const MIN_LEN: usize = 2;
    fn decode(r: &mut Reader<'_>, version: Version) -> DecodeResult<Self> {
        // Read back as i16, like the official decoder: <= 0 is the empty string.
        let len = i16::decode(r, version)?;
        if len <= 0 {
            return Ok(String::new());
        }
        let bytes = r.take(len as usize)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::InvalidUtf8)
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, out: &mut Vec<u8>, version: Version) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.encode(out, version);
            }
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>, version: Version) -> DecodeResult<Self> {
        if bool::decode(r, version)? {
            Ok(Some(T::decode(r, version)?))
        } else {
            Ok(None)
        }
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>, version: Version) {
        self.as_slice().encode(out, version)
    }
}

impl<T: Encode> Encode for [T] {
    fn encode(&self, out: &mut Vec<u8>, version: Version) {
        out.extend_from_slice(&(self.len() as u32).to_be_bytes());
        for item in self {
            item.encode(out, version);
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    const MIN_LEN: usize = 4;
    fn decode(r: &mut Reader<'_>, version: Version) -> DecodeResult<Self> {
        // Written as u32, read as i32 like the official decoder: < 1 is empty.
        let count = i32::decode(r, version)?;
        if count < 1 {
            return Ok(Vec::new());
        }
        let count = count as usize;
        r.check_count("vector", count, T::MIN_LEN)?;
        // Reserve at most 64 KiB up front: a value's in-memory size can exceed
        // its wire size many times over; beyond that the vector grows only
        // as elements actually decode from bytes that are really there.
        let mut items = Vec::with_capacity(count.min(MAX_PREALLOC_BYTES / std::mem::size_of::<T>().max(1)));
        for _ in 0..count {
            items.push(T::decode(r, version)?);
        }
        Ok(items)
    }
}

impl<K: Encode, V: Encode> Encode for BTreeMap<K, V> {
    fn encode(&self, out: &mut Vec<u8>, version: Version) {
        out.extend_from_slice(&(self.len() as u16).to_be_bytes());
        for (key, value) in self {
            key.encode(out, version);
            value.encode(out, version);
        }
    }
}

impl<K: Decode + Ord, V: Decode> Decode for BTreeMap<K, V> {
    const MIN_LEN: usize = 2;
    fn decode(r: &mut Reader<'_>, version: Version) -> DecodeResult<Self> {
        let count = u16::decode(r, version)? as usize;
        r.check_count("map", count, K::MIN_LEN + V::MIN_LEN)?;
        let mut map = BTreeMap::new();
        for _ in 0..count {
            let key = K::decode(r, version)?;
            let value = V::decode(r, version)?;
            map.insert(key, value);
        }
        Ok(map)
    }
}

impl Encode for Duration {
    fn encode(&self, out: &mut Vec<u8>, version: Version) {
        self.as_secs().encode(out, version);
        self.subsec_nanos().encode(out, version);
    }
}

impl Decode for Duration {
    const MIN_LEN: usize = 12;
    fn decode(r: &mut Reader<'_>, version: Version) -> DecodeResult<Self> {
        let secs = u64::decode(r, version)?;
        let nanos = u32::decode(r, version)?;
        if nanos >= 1_000_000_000 {
            return Err(DecodeError::Invalid(format!("duration with {nanos} nanoseconds")));
        }
        Ok(Duration::new(secs, nanos))
    }
}

impl<T: Encode + ?Sized> Encode for &T {
    fn encode(&self, out: &mut Vec<u8>, version: Version) {
        (**self).encode(out, version)
    }
}

/// Declares a struct whose fields are encoded in declaration order, each one
/// only at the versions its optional `[min, max]` gate allows (absent fields
/// decode as their `Default`).
///
/// ```ignore
/// wire_struct! {
///     pub struct FetchOffsetsRequest {
///         pub topics: Vec<FetchOffsetTopic>,
///         pub consumer_id: Option<String> [23, 23],
///     }
/// }
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty $([$min:expr, $max:expr])?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $crate::protocol::codec::Encode for $name {
            #[allow(unused_variables)]
            fn encode(&self, out: &mut Vec<u8>, version: $crate::protocol::codec::Version) {
                $(
                    if $crate::wire_struct!(@in_range version $([$min, $max])?) {
                        $crate::protocol::codec::Encode::encode(&self.$field, out, version);
                    }
                )*
            }
        }

        impl $crate::protocol::codec::Decode for $name {
            #[allow(unused_variables)]
            fn decode(
                r: &mut $crate::protocol::codec::Reader<'_>,
                version: $crate::protocol::codec::Version,
            ) -> $crate::protocol::codec::DecodeResult<Self> {
                Ok($name {
                    $(
                        $field: if $crate::wire_struct!(@in_range version $([$min, $max])?) {
                            <$ty as $crate::protocol::codec::Decode>::decode(r, version)?
                        } else {
                            Default::default()
                        },
                    )*
                })
            }
        }
    };
    (@in_range $version:ident) => { true };
    (@in_range $version:ident [$min:expr, $max:expr]) => {
        ($min..=$max).contains(&$version)
    };
}

/// Declares a field-less enum encoded as its discriminant in `$repr`.
/// Decoding an unknown tag is an error, as in Fluvio.
#[macro_export]
#[doc(hidden)]
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : $repr:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $tag:expr ),* $(,)?
        }
        default $default:ident
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl $name {
            /// The tag this variant is encoded as.
            pub fn tag(self) -> $repr {
                match self {
                    $( $name::$variant => $tag, )*
                }
            }

            /// The variant encoded as `tag`, if there is one.
            pub fn from_tag(tag: $repr) -> Option<Self> {
                match tag {
                    $( t if t == $tag => Some($name::$variant), )*
                    _ => None,
                }
            }
        }

        impl $crate::protocol::codec::Encode for $name {
            fn encode(&self, out: &mut Vec<u8>, version: $crate::protocol::codec::Version) {
                $crate::protocol::codec::Encode::encode(&self.tag(), out, version)
            }
        }

        impl $crate::protocol::codec::Decode for $name {
            const MIN_LEN: usize = std::mem::size_of::<$repr>();
            fn decode(
                r: &mut $crate::protocol::codec::Reader<'_>,
                version: $crate::protocol::codec::Version,
            ) -> $crate::protocol::codec::DecodeResult<Self> {
                let tag = <$repr as $crate::protocol::codec::Decode>::decode(r, version)?;
                $name::from_tag(tag).ok_or($crate::protocol::codec::DecodeError::UnknownTag {
                    ty: stringify!($name),
                    tag: tag as i64,
                })
            }
        }
    };
}

/// Declares an enum whose variants each wrap one value, encoded as a `u8`
/// tag followed by that value. Decoding an unknown tag is an error.
#[macro_export]
#[doc(hidden)]
macro_rules! wire_union {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = $tag:expr ),* $(,)?
        }
        default $default:ident
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default(Default::default())
            }
        }

        impl $crate::protocol::codec::Encode for $name {
            fn encode(&self, out: &mut Vec<u8>, version: $crate::protocol::codec::Version) {
                match self {
                    $( $name::$variant(value) => {
                        out.push($tag);
                        $crate::protocol::codec::Encode::encode(value, out, version);
                    } )*
                }
            }
        }

        impl $crate::protocol::codec::Decode for $name {
            fn decode(
                r: &mut $crate::protocol::codec::Reader<'_>,
                version: $crate::protocol::codec::Version,
            ) -> $crate::protocol::codec::DecodeResult<Self> {
                match <u8 as $crate::protocol::codec::Decode>::decode(r, version)? {
                    $( $tag => Ok($name::$variant(<$ty as $crate::protocol::codec::Decode>::decode(r, version)?)), )*
                    tag => Err($crate::protocol::codec::DecodeError::UnknownTag { ty: stringify!($name), tag: tag.into() }),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(n: i64) -> Vec<u8> {
        let mut out = Vec::new();
        write_varint(&mut out, n);
        out
    }

    #[test]
    fn varints_match_the_documented_examples() {
        let cases: &[(i64, &[u8])] = &[
            (0, &[0x00]),
            (1, &[0x02]),
            (-1, &[0x01]),
            (63, &[0x7e]),
            (-64, &[0x7f]),
            (64, &[0x80, 0x01]),
            (300, &[0xd8, 0x04]),
            (-300, &[0xd7, 0x04]),
            (1_000_000, &[0x80, 0x89, 0x7a]),
        ];
        for (n, bytes) in cases {
            assert_eq!(varint(*n), *bytes, "encoding {n}");
            assert_eq!(varint_size(*n), bytes.len());
            assert_eq!(Reader::new(bytes).read_varint().unwrap(), *n, "decoding {n}");
        }
    }

    #[test]
    fn overlong_varint_is_an_error() {
        assert_eq!(Reader::new(&[0xff; 11]).read_varint(), Err(DecodeError::VarintOverflow));
    }

    #[test]
    fn primitives_match_the_documented_examples() {
        assert_eq!(true.to_bytes(0), [0x01]);
        assert_eq!("ab".to_string().to_bytes(0), [0, 2, b'a', b'b']);
        assert_eq!(None::<String>.to_bytes(0), [0]);
        assert_eq!(Some("ab".to_string()).to_bytes(0), [1, 0, 2, b'a', b'b']);
        assert_eq!(vec![1u32, 2].to_bytes(0), [0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]);
        assert_eq!(
            Duration::from_millis(1500).to_bytes(0),
            [0, 0, 0, 0, 0, 0, 0, 1, 0x1d, 0xcd, 0x65, 0x00]
        );
    }

    #[test]
    fn hostile_counts_are_rejected_before_allocating() {
        let bytes = [0x7f, 0xff, 0xff, 0xff, 0, 0];
        assert!(matches!(
            Vec::<u64>::from_bytes(&bytes, 0),
            Err(DecodeError::InvalidLength { .. })
        ));
        assert_eq!(Vec::<u8>::from_bytes(&[0xff, 0xff, 0xff, 0xff], 0), Ok(vec![]));
        assert!(matches!(String::from_bytes(&[0x10, 0x00, b'a'], 0), Err(DecodeError::UnexpectedEof { .. })));
        assert_eq!(bool::from_bytes(&[2], 0), Err(DecodeError::InvalidBool(2)));
    }
}
