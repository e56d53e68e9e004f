//! Frames (an `i32` length, then a header and a body), request and response
//! headers, and the `Request` trait that ties a request to its API key,
//! version range and response type.

use super::codec::{Decode, DecodeError, DecodeResult, Encode, Reader, Version};

/// The largest frame accepted from a peer unless configured otherwise. The
/// official SPU accepts produce requests of up to 32 MiB; leave room above.
pub const DEFAULT_MAX_FRAME_LEN: usize = 64 * 1024 * 1024;

/// A request message with its API key, version range and response type.
pub trait Request: Encode + Decode {
    const API_KEY: u16;
    const DEFAULT_API_VERSION: Version;
    /// Lowest version this side can speak (0.50.x: `DEFAULT - 2` unless overridden).
    const MIN_API_VERSION: Version = if Self::DEFAULT_API_VERSION > 2 { Self::DEFAULT_API_VERSION - 2 } else { 0 };
    const MAX_API_VERSION: Version = Self::DEFAULT_API_VERSION;
    type Response: Encode + Decode;
}

crate::wire_struct! {
    /// Leads every request frame. The body is encoded at `api_version`.
    pub struct RequestHeader {
        pub api_key: u16,
        pub api_version: i16,
        pub correlation_id: i32,
        pub client_id: String,
    }
}

impl RequestHeader {
    pub fn new(api_key: u16, api_version: Version, correlation_id: i32, client_id: &str) -> Self {
        RequestHeader { api_key, api_version, correlation_id, client_id: client_id.to_string() }
    }
}

/// Appends one frame: reserves the length prefix, lets `body` write the
/// contents, then patches in the length.
pub fn write_frame(out: &mut Vec<u8>, body: impl FnOnce(&mut Vec<u8>)) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    body(out);
    let len = (out.len() - start - 4) as i32;
    out[start..start + 4].copy_from_slice(&len.to_be_bytes());
}

/// A complete request frame: length, header, body at the header's version.
pub fn encode_request_frame<R: Request>(header: &RequestHeader, request: &R, out: &mut Vec<u8>) {
    write_frame(out, |out| {
        header.encode(out, 0);
        request.encode(out, header.api_version);
    });
}

/// A complete response frame: length, correlation id, body at `version`.
pub fn encode_response_frame<T: Encode>(correlation_id: i32, version: Version, response: &T, out: &mut Vec<u8>) {
    write_frame(out, |out| {
        correlation_id.encode(out, version);
        response.encode(out, version);
    });
}

/// Looks for one complete frame at the start of `buf`. Returns the frame's
/// contents (without the length prefix) and the bytes it occupies in `buf`,
/// or `None` when more bytes are needed. A negative length or one over
/// `max_len` is an error: the connection cannot be resynchronised.
pub fn split_frame(buf: &[u8], max_len: usize) -> DecodeResult<Option<(&[u8], usize)>> {
    let Some(prefix) = buf.get(..4) else { return Ok(None) };
    let len = i32::from_be_bytes(prefix.try_into().expect("4 bytes"));
    if len < 0 {
        return Err(DecodeError::InvalidLength { what: "frame", len: len.into() });
    }
    let len = len as usize;
    if len > max_len {
        return Err(DecodeError::FrameTooLarge { len, max: max_len });
    }
    match buf.get(4..4 + len) {
        Some(frame) => Ok(Some((frame, 4 + len))),
        None => Ok(None),
    }
}

/// Reads the header at the start of a request frame's contents; the body
/// follows in `r`.
pub fn decode_request_header(r: &mut Reader<'_>) -> DecodeResult<RequestHeader> {
    RequestHeader::decode(r, 0)
}

/// Decodes a request body that must fill the rest of the frame.
pub fn decode_request_body<R: Request>(r: &mut Reader<'_>, header: &RequestHeader) -> DecodeResult<R> {
    let request = R::decode(r, header.api_version)?;
    r.finish()?;
    Ok(request)
}

/// Splits a response frame's contents into its correlation id and body.
pub fn decode_response_header<'a>(frame: &'a [u8]) -> DecodeResult<(i32, Reader<'a>)> {
    let mut r = Reader::new(frame);
    let correlation_id = i32::decode(&mut r, 0)?;
    Ok((correlation_id, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_frame_waits_for_complete_frames_and_bounds_lengths() {
        assert_eq!(split_frame(&[0, 0], 10), Ok(None));
        assert_eq!(split_frame(&[0, 0, 0, 2, 1], 10), Ok(None));
        assert_eq!(split_frame(&[0, 0, 0, 2, 1, 2, 3], 10), Ok(Some((&[1u8, 2][..], 6))));
        assert_eq!(split_frame(&[0, 0, 0, 11], 10), Err(DecodeError::FrameTooLarge { len: 11, max: 10 }));
        assert!(split_frame(&[0xff, 0, 0, 0], 10).is_err());
    }
}
