//! Server side of one connection (TCP, or TLS over TCP): reads request
//! frames (bounded in size and in how long a started frame may take to
//! arrive) and funnels every response and stream frame through one writer
//! task, so frames are never interleaved and a client that stops reading
//! only stalls its own connection.

use std::future::Future;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio_rustls::TlsAcceptor;

use crate::protocol::codec::{Encode, Reader, Version};
use crate::protocol::frame::{decode_request_header, encode_response_frame, split_frame, write_frame, RequestHeader};
use crate::protocol::spu::StreamFetchResponse;
use crate::protocol::DecodeError;

use super::faults::Gate;
use super::Shutdown;

/// Frames queued for one connection's socket before senders wait.
const OUTBOUND_QUEUE: usize = 64;

/// How long the rest of a frame may take once its first byte has arrived,
/// unless configured otherwise.
pub const PARTIAL_FRAME_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client may take to complete the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The two directions of a connection, TCP or TLS alike.
type ReadHalf = Box<dyn AsyncRead + Send + Unpin>;
type WriteHalf = Box<dyn AsyncWrite + Send + Unpin>;

/// An accepted TCP connection, before its TLS handshake (if the listener
/// serves TLS).
pub struct Incoming {
    tcp: TcpStream,
    tls: Option<TlsAcceptor>,
    wire: WireStyle,
}

/// How a listener's connections use the socket.
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

/// What a connection accepts from its peer.
#[derive(Clone, Copy, Debug)]
pub struct FrameLimits {
    /// Largest request frame.
    pub max_frame_len: usize,
    /// How long the rest of a frame may take once its first byte has arrived.
    pub partial_frame_timeout: Duration,
}

/// Sends encoded frames to one connection's writer task. Cloned by every
/// task that answers on the connection (requests, streams).
#[derive(Clone, Debug)]
pub struct FrameSender {
    tx: mpsc::Sender<Outbound>,
}

/// One encoded frame for the writer, and where its records start (its
/// length when it has none): a `WireStyle::RealFluvio` writer writes the two
/// parts separately.
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
    /// gone. Take the slot before building a large frame, so that a client
    /// that does not read holds at most a queue's worth of frames in memory.
    pub async fn reserve(&self) -> Option<FrameSlot<'_>> {
        self.tx.reserve().await.ok().map(FrameSlot)
    }

    /// Resolves when the connection's writer has stopped.
    pub async fn closed(&self) {
        self.tx.closed().await
    }
}

/// A reserved place in a connection's outbound queue.
pub struct FrameSlot<'a>(mpsc::Permit<'a, Outbound>);

impl FrameSlot<'_> {
    pub fn send<T: Encode>(self, correlation_id: i32, version: Version, response: &T) {
        let mut frame = Vec::new();
        encode_response_frame(correlation_id, version, response, &mut frame);
        self.0.send(Outbound::whole(frame));
    }

    /// Sends a StreamFetch frame whose records are stored batches, as they
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
/// left, broke the protocol, or the cluster stops), the writer takes no more
/// frames, writes those already queued and closes: every stream session of
/// the connection then sees it closed and ends.
pub fn spawn_writer(mut write: WriteHalf, wire: WireStyle, mut reader_gone: oneshot::Receiver<()>) -> FrameSender {
    let (tx, mut rx) = mpsc::channel::<Outbound>(OUTBOUND_QUEUE);
    tokio::spawn(async move {
        let mut reading = true;
        loop {
            let frame = tokio::select! {
                frame = rx.recv() => frame,
                _ = &mut reader_gone, if reading => {
                    reading = false;
                    rx.close();
                    continue;
                }
            };
            let Some(Outbound { frame, records_at }) = frame else { break };
            let written = match wire {
                WireStyle::Fast => write.write_all(&frame).await,
                WireStyle::RealFluvio => write_in_pieces(&mut write, &frame, records_at).await,
            };
            // Flushed when nothing else waits: TLS holds bytes until then.
            if written.is_err() || (rx.is_empty() && write.flush().await.is_err()) {
                break;
            }
        }
        let _ = write.shutdown().await;
    });
    FrameSender { tx }
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

/// Why a connection's read side ended.
#[derive(Debug)]
pub enum ReadEnd {
    /// The peer closed the connection between frames.
    Closed,
    /// The peer broke the protocol or stalled mid-frame; the connection is dropped.
    Error(String),
}

/// Reads whole request frames from a connection.
pub struct FrameReader {
    read: ReadHalf,
    buf: Vec<u8>,
    limits: FrameLimits,
    /// Dropped with the reader, which stops the connection's writer.
    _alive: oneshot::Sender<()>,
}

impl FrameReader {
    pub fn new(read: ReadHalf, limits: FrameLimits, alive: oneshot::Sender<()>) -> Self {
        FrameReader { read, buf: Vec::with_capacity(8 * 1024), limits, _alive: alive }
    }

    /// The next frame's contents (header + body).
    pub async fn next_frame(&mut self) -> Result<Vec<u8>, ReadEnd> {
        // The rest of a started frame must arrive by this deadline, however
        // it is spread over reads.
        let mut deadline = None;
        loop {
            match split_frame(&self.buf, self.limits.max_frame_len) {
                Ok(Some((frame, used))) => {
                    let frame = frame.to_vec();
                    self.buf.drain(..used);
                    return Ok(frame);
                }
                Ok(None) => {}
                Err(e) => return Err(ReadEnd::Error(e.to_string())),
            }
            let mid_frame = !self.buf.is_empty();
            self.buf.reserve(8 * 1024);
            let read = self.read.read_buf(&mut self.buf);
            let n = if mid_frame {
                let deadline =
                    *deadline.get_or_insert_with(|| tokio::time::Instant::now() + self.limits.partial_frame_timeout);
                match tokio::time::timeout_at(deadline, read).await {
                    Ok(result) => result,
                    Err(_) => return Err(ReadEnd::Error("frame left incomplete for too long".into())),
                }
            } else {
                read.await
            };
            match n {
                Ok(0) if mid_frame => return Err(ReadEnd::Error("connection closed mid-frame".into())),
                Ok(0) => return Err(ReadEnd::Closed),
                Ok(_) => {}
                // A TLS peer that leaves without close_notify, between frames:
                // as ordinary a goodbye as a TCP close.
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !mid_frame => return Err(ReadEnd::Closed),
                Err(e) => return Err(ReadEnd::Error(e.to_string())),
            }
        }
    }
}

/// Completes the TLS handshake if there is one, then splits the connection
/// into its frame reader and writer; `None` (logged) if the handshake fails.
pub async fn split(incoming: Incoming, limits: FrameLimits, who: &str) -> Option<(FrameReader, FrameSender)> {
    let Incoming { tcp, tls, wire } = incoming;
    let _ = tcp.set_nodelay(wire == WireStyle::Fast);
    let peer = tcp.peer_addr().map_or_else(|_| "?".to_string(), |a| a.to_string());
    let (read, write): (ReadHalf, WriteHalf) = match tls {
        None => {
            let (read, write) = tcp.into_split();
            (Box::new(read), Box::new(write))
        }
        Some(acceptor) => match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
            Ok(Ok(stream)) => {
                let (read, write) = tokio::io::split(stream);
                (Box::new(read), Box::new(write))
            }
            Ok(Err(e)) => {
                crate::log!(Warning, "local", "{who}: TLS handshake with {peer} failed: {e}");
                return None;
            }
            Err(_) => {
                crate::log!(Warning, "local", "{who}: TLS handshake with {peer} timed out");
                return None;
            }
        },
    };
    let (alive, reader_gone) = oneshot::channel();
    Some((FrameReader::new(read, limits, alive), spawn_writer(write, wire, reader_gone)))
}

/// Accepts connections until `shutdown`, serving each with `serve` in a
/// task of its own that also ends at shutdown, or when `gate` kills the
/// listener's connections; while `gate` is down, connections are dropped
/// as soon as they are accepted. With `tls`, `serve`'s `split` runs the
/// handshake in that task; `wire` says how the connections use their sockets.
pub async fn accept_loop<F, Fut>(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    wire: WireStyle,
    gate: Gate,
    shutdown: Shutdown,
    serve: F,
)
where
    F: Fn(Incoming) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait() => return,
        };
        let Ok((tcp, _)) = accepted else { continue };
        if gate.is_down() {
            continue; // dropped: the peer sees its connection closed
        }
        let connection = serve(Incoming { tcp, tls: tls.clone(), wire });
        let (shutdown, gate) = (shutdown.clone(), gate.clone());
        tokio::spawn(async move {
            // The kill is looked at before the connection each time the task
            // runs: a request that arrives after `drop_connections` returned
            // is never served, however both wake-ups are ordered.
            tokio::select! {
                biased;
                _ = gate.killed() => {}
                _ = shutdown.wait() => {}
                _ = connection => {}
            }
        });
    }
}

/// The next request of a connection, decoded with `decode`; `None` when the
/// connection is over: the peer closed it, or sent a frame that cannot be
/// decoded (the stream cannot be trusted past it), which is logged as `who`'s.
pub async fn next_request<R>(
    reader: &mut FrameReader,
    who: &str,
    decode: impl Fn(&RequestHeader, &mut Reader<'_>) -> Result<R, DecodeError>,
) -> Option<(RequestHeader, R)> {
    let frame = match reader.next_frame().await {
        Ok(frame) => frame,
        Err(ReadEnd::Closed) => return None,
        Err(ReadEnd::Error(why)) => {
            crate::log!(Info, "local", "{who} connection dropped: {why}");
            return None;
        }
    };
    let decoded = parse_header(&frame).and_then(|(header, mut body)| Ok((header.clone(), decode(&header, &mut body)?)));
    match decoded {
        Ok(decoded) => Some(decoded),
        Err(e) => {
            crate::log!(Warning, "local", "{who} connection dropped: undecodable request: {e}");
            None
        }
    }
}

/// Decodes a request frame's header; the body follows in the returned reader.
pub fn parse_header(frame: &[u8]) -> Result<(RequestHeader, Reader<'_>), DecodeError> {
    let mut r = Reader::new(frame);
    let header = decode_request_header(&mut r)?;
    Ok((header, r))
}
