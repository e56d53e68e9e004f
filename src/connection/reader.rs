//! Whole frames from a connection's read side. Bytes are read into one
//! `BytesMut`; a complete frame is split off it and frozen, so its contents
//! reach the decoder without a copy.

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncReadExt;
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::{FrameLimits, ReadHalf};
use crate::protocol::frame::split_frame;

/// How much room a read asks for when the buffer runs out of it.
const READ_CHUNK: usize = 64 * 1024;
/// Below this much spare room the buffer grows before the next read. The
/// frames split off share its allocation, so growing it allocates anew:
/// doing so only when little room is left keeps that to about one
/// allocation per `READ_CHUNK` read, not one per frame.
const MIN_READ_ROOM: usize = 4 * 1024;

/// Why a connection's read side ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadEnd {
    /// The peer closed the connection between frames.
    Closed,
    /// The peer sent a length no frame may have: the stream cannot be
    /// resynchronised.
    Malformed(String),
    /// A read failed, or the peer stalled or left mid-frame.
    Io(String),
}

impl std::fmt::Display for ReadEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadEnd::Closed => f.write_str("closed"),
            ReadEnd::Malformed(why) | ReadEnd::Io(why) => f.write_str(why),
        }
    }
}

/// Reads whole frames from a connection.
pub struct FrameReader {
    read: ReadHalf,
    buf: BytesMut,
    limits: FrameLimits,
    /// When the frame in progress must be complete. Kept here, not in the
    /// call, so that `next_frame` stays cancel-safe.
    deadline: Option<Instant>,
    /// Dropped with the reader, which stops the connection's writer.
    _alive: oneshot::Sender<()>,
}

impl FrameReader {
    pub(super) fn new(read: ReadHalf, limits: FrameLimits, alive: oneshot::Sender<()>) -> Self {
        FrameReader { read, buf: BytesMut::with_capacity(READ_CHUNK), limits, deadline: None, _alive: alive }
    }

    /// Bytes read and not yet handed out as a frame.
    pub fn buffered(&self) -> &[u8] {
        &self.buf
    }

    /// The next frame's contents (without its length prefix). Cancel-safe:
    /// dropped between reads, it loses nothing read.
    pub async fn next_frame(&mut self) -> Result<Bytes, ReadEnd> {
        loop {
            match split_frame(&self.buf, self.limits.max_frame_len) {
                Ok(Some((_, used))) => {
                    self.deadline = None;
                    let mut frame = self.buf.split_to(used).freeze();
                    let _ = frame.split_to(4);
                    return Ok(frame);
                }
                Ok(None) => {}
                Err(e) => return Err(ReadEnd::Malformed(e.to_string())),
            }
            let mid_frame = !self.buf.is_empty();
            // Room for the rest of a frame whose length is known (checked
            // against the limit above), else for a chunk when little is left.
            let wanted = match self.buf.get(..4) {
                Some(prefix) => (i32::from_be_bytes(prefix.try_into().expect("4 bytes")) as usize + 4).saturating_sub(self.buf.len()),
                None => 0,
            };
            let room = self.buf.capacity() - self.buf.len();
            if room < wanted.max(MIN_READ_ROOM) {
                self.buf.reserve(wanted.max(READ_CHUNK));
            }
            let read = self.read.read_buf(&mut self.buf);
            let n = if mid_frame {
                // The rest of a started frame must arrive by this deadline,
                // however it is spread over reads.
                let deadline = *self.deadline.get_or_insert_with(|| Instant::now() + self.limits.partial_frame_timeout);
                match tokio::time::timeout_at(deadline, read).await {
                    Ok(result) => result,
                    Err(_) => return Err(ReadEnd::Io("frame left incomplete for too long".into())),
                }
            } else {
                read.await
            };
            match n {
                Ok(0) if mid_frame => return Err(ReadEnd::Io("connection closed mid-frame".into())),
                Ok(0) => return Err(ReadEnd::Closed),
                Ok(_) => {}
                // A TLS peer that leaves without close_notify, between frames:
                // as ordinary a goodbye as a TCP close.
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !mid_frame => return Err(ReadEnd::Closed),
                Err(e) => return Err(ReadEnd::Io(e.to_string())),
            }
        }
    }
}
