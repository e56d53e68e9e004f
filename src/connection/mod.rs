//! The connection layer the client and the embedded cluster share: whole
//! frames read into one growing buffer and handed out without a copy
//! (`reader`), one writer task per connection fed by a bounded queue
//! (`writer`), so a frame is queued whole or not at all and no caller's
//! cancellation can leave part of one on the wire, and the TCP_QUICKACK
//! read side clients use against real SPUs (`quickack`). What rides on top — the
//! client's correlation-id dispatch (`crate::client::connection`), the
//! servers' request loops (`crate::local::connection`) — lives with them.

mod quickack;
mod reader;
mod writer;

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::oneshot;

pub use quickack::{QuickAck, TcpSocket};
pub use reader::{FrameReader, ReadEnd};
pub use writer::{FrameSender, FrameSlot, WireStyle, WriterHandle};

use crate::protocol::frame::DEFAULT_MAX_FRAME_LEN;

/// The two directions of a connection, TCP or TLS alike.
pub type ReadHalf = Box<dyn AsyncRead + Send + Unpin>;
pub type WriteHalf = Box<dyn AsyncWrite + Send + Unpin>;

/// How long the rest of a frame may take once its first byte has arrived,
/// unless configured otherwise.
pub const PARTIAL_FRAME_TIMEOUT: Duration = Duration::from_secs(30);

/// What a connection accepts from its peer, on either side.
#[derive(Clone, Copy, Debug)]
pub struct FrameLimits {
    /// Largest frame.
    pub max_frame_len: usize,
    /// How long the rest of a frame may take once its first byte has arrived.
    pub partial_frame_timeout: Duration,
}

impl Default for FrameLimits {
    fn default() -> Self {
        FrameLimits { max_frame_len: DEFAULT_MAX_FRAME_LEN, partial_frame_timeout: PARTIAL_FRAME_TIMEOUT }
    }
}

/// Splits a connection into its frame reader and the sender feeding its
/// writer task. Dropping the reader stops the writer once it has written
/// what is queued (see `writer::spawn`).
pub fn framed(read: ReadHalf, write: WriteHalf, limits: FrameLimits, wire: WireStyle) -> (FrameReader, FrameSender) {
    let (alive, reader_gone) = oneshot::channel();
    (FrameReader::new(read, limits, alive), writer::spawn(write, wire, reader_gone))
}
