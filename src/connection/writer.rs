//! The write side of a connection: one task owns the socket's write half
//! and writes the frames queued for it, whole and in order. Senders reserve
//! a place in the bounded queue before they build a frame, so a peer that
//! stops reading holds at most a queue's worth of frames in memory, and a
//! sender whose future is dropped has either queued its frame whole or not
//! at all.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use tokio::io::AsyncWriteExt;
use tokio::sync::{mpsc, oneshot, Notify};

use super::WriteHalf;
use crate::protocol::codec::{Encode, Version};
use crate::protocol::frame::{encode_request_frame, encode_response_frame, write_frame, Request, RequestHeader};
use crate::protocol::spu::StreamFetchResponse;

/// Frames queued for one connection's socket before senders wait.
const OUTBOUND_QUEUE: usize = 64;

/// How a connection uses the socket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WireStyle {
    /// TCP_NODELAY on, every frame in one write: as fast as the socket goes.
    #[default]
    Fast,
    /// As the real SC and SPU do (for tests of clients): TCP_NODELAY off,
    /// and a StreamFetch frame written in two pieces, the head and then the
    /// records (the real SPU sends them from the log file with sendfile).
    /// Nagle holds the second piece until the client acknowledges the first.
    RealFluvio,
}

/// Queues frames for one connection's writer task. Cloned by every task
/// that writes on the connection.
#[derive(Clone, Debug)]
pub struct FrameSender {
    tx: mpsc::Sender<Outbound>,
    writer: WriterHandle,
}

/// The writer task, seen without keeping its queue open: whether and why it
/// ended, and a way to stop it. (A `FrameSender` keeps the connection's
/// write side open while it lives; this does not.)
#[derive(Clone, Debug)]
pub struct WriterHandle(Arc<WriterState>);

#[derive(Debug, Default)]
struct WriterState {
    /// Why the writer stopped, if a write failed.
    failure: OnceLock<String>,
    abort: Notify,
    done: AtomicBool,
    ended: Notify,
}

impl WriterHandle {
    /// Stops the writer now, mid-frame if it is blocked on a peer that does
    /// not read, and drops what is queued: for a connection being abandoned,
    /// on which nothing will be read again.
    pub fn abort(&self) {
        // notify_one keeps the wake-up if the writer is not waiting yet.
        self.0.abort.notify_one();
    }

    /// Why the writer stopped, when a write failed (not when it stopped
    /// because the reader or the senders went away).
    pub fn failure(&self) -> Option<&str> {
        self.0.failure.get().map(String::as_str)
    }

    /// Why the writer stopped, for an error message: its write failure, or
    /// that the connection closed.
    pub fn end_reason(&self) -> &str {
        self.failure().unwrap_or("the connection closed")
    }

    /// Resolves once the writer has stopped.
    pub async fn ended(&self) {
        let ended = self.0.ended.notified();
        tokio::pin!(ended);
        // Registered before the flag is read: the end cannot slip between.
        ended.as_mut().enable();
        if !self.0.done.load(Ordering::Acquire) {
            ended.await;
        }
    }
}

/// One encoded frame for the writer, and where its records start (its
/// length when it has none): a `WireStyle::RealFluvio` writer writes the two
/// parts separately.
#[derive(Debug)]
struct Outbound {
    frame: Vec<u8>,
    records_at: usize,
}

impl Outbound {
    fn whole(frame: Vec<u8>) -> Self {
        Outbound { records_at: frame.len(), frame }
    }
}

impl FrameSender {
    /// Queues a response frame; `false` once the connection is gone.
    pub async fn send<T: Encode>(&self, correlation_id: i32, version: Version, response: &T) -> bool {
        match self.reserve().await {
            Some(slot) => {
                slot.send(correlation_id, version, response);
                true
            }
            None => false,
        }
    }

    /// Waits for room in the outbound queue; `None` once the connection is
    /// gone. Take the slot before building a large frame, so that a peer
    /// that does not read holds at most a queue's worth of frames in memory.
    pub async fn reserve(&self) -> Option<FrameSlot<'_>> {
        self.tx.reserve().await.ok().map(FrameSlot)
    }

    /// Resolves when the connection's writer has stopped.
    pub async fn closed(&self) {
        self.tx.closed().await
    }

    /// The writer task behind this sender.
    pub fn writer(&self) -> &WriterHandle {
        &self.writer
    }
}

/// A reserved place in a connection's outbound queue. Sending is not async:
/// once a frame is built it is queued whole.
pub struct FrameSlot<'a>(mpsc::Permit<'a, Outbound>);

impl FrameSlot<'_> {
    /// Queues a response frame.
    pub fn send<T: Encode>(self, correlation_id: i32, version: Version, response: &T) {
        let mut frame = Vec::new();
        encode_response_frame(correlation_id, version, response, &mut frame);
        self.0.send(Outbound::whole(frame));
    }

    /// Queues a request frame.
    pub fn send_request<R: Request>(self, header: &RequestHeader, request: &R) {
        let mut frame = Vec::new();
        encode_request_frame(header, request, &mut frame);
        self.0.send(Outbound::whole(frame));
    }

    /// Queues a StreamFetch frame whose records are stored batches, as they
    /// are on disk (see `StreamFetchResponse::encode_with_raw_batches`).
    pub fn send_stream_fetch(self, correlation_id: i32, version: Version, head: &StreamFetchResponse, batches: &[u8]) {
        let mut frame = Vec::with_capacity(batches.len() + 128);
        write_frame(&mut frame, |out| {
            correlation_id.encode(out, version);
            head.encode_with_raw_batches(batches, version, out);
        });
        // The batches are the frame's last bytes.
        let records_at = frame.len() - batches.len();
        self.0.send(Outbound { frame, records_at });
    }
}

/// Starts the writer task for `write` and returns the sender feeding it.
/// When `reader_gone` fires (the connection's reader was dropped: the peer
/// left, broke the protocol, or the side that owns it stopped), the writer
/// takes no more frames, writes those already queued and closes. It also
/// ends when every sender is gone, or when a write fails.
pub(super) fn spawn(mut write: WriteHalf, wire: WireStyle, mut reader_gone: oneshot::Receiver<()>) -> FrameSender {
    let (tx, mut rx) = mpsc::channel::<Outbound>(OUTBOUND_QUEUE);
    let writer = WriterHandle(Arc::new(WriterState::default()));
    let state = writer.0.clone();
    tokio::spawn(async move {
        let mut reading = true;
        let written = async {
            loop {
                let frame = tokio::select! {
                    frame = rx.recv() => frame,
                    _ = &mut reader_gone, if reading => {
                        reading = false;
                        rx.close();
                        continue;
                    }
                };
                let Some(Outbound { frame, records_at }) = frame else { return Ok::<(), std::io::Error>(()) };
                match wire {
                    WireStyle::Fast => write.write_all(&frame).await?,
                    WireStyle::RealFluvio => write_in_pieces(&mut write, &frame, records_at).await?,
                }
                // Flushed when nothing else waits: TLS holds bytes until then.
                if rx.is_empty() {
                    write.flush().await?;
                }
            }
        };
        let orderly = tokio::select! {
            result = written => {
                if let Err(e) = result {
                    let _ = state.failure.set(e.to_string());
                }
                true
            }
            _ = state.abort.notified() => false,
        };
        // Senders waiting for room see the connection gone at once.
        rx.close();
        if orderly {
            let _ = write.shutdown().await;
        }
        // Aborted: dropped without a goodbye (TLS's could block on a peer
        // that does not read).
        drop(write);
        state.done.store(true, Ordering::Release);
        state.ended.notify_waiters();
    });
    FrameSender { tx, writer }
}

/// Writes `frame` as the real SPU does: its head and its records in two
/// writes (each flushed, so that TLS sends two records too).
async fn write_in_pieces(write: &mut WriteHalf, frame: &[u8], records_at: usize) -> std::io::Result<()> {
    let (head, records) = frame.split_at(records_at.min(frame.len()));
    write.write_all(head).await?;
    if !records.is_empty() {
        write.flush().await?;
        write.write_all(records).await?;
    }
    Ok(())
}
