//! Server side of one connection (TCP, or TLS over TCP): the accept loop,
//! the TLS handshake, and request decoding. Frames are read and written by
//! the connection layer both sides share (`crate::connection`): bounded in size
//! and in how long a started frame may take to arrive, every response and
//! stream frame through one writer task, so frames are never interleaved
//! and a client that stops reading only stalls its own connection.

use std::future::Future;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use crate::protocol::codec::Reader;
use crate::protocol::frame::{decode_request_header, RequestHeader};
use crate::protocol::DecodeError;
use crate::connection::{framed, FrameLimits, FrameReader, FrameSender, ReadEnd, ReadHalf, WireStyle, WriteHalf};

use super::faults::Gate;
use super::Shutdown;

/// How long a client may take to complete the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// An accepted TCP connection, before its TLS handshake (if the listener
/// serves TLS).
pub struct Incoming {
    tcp: TcpStream,
    tls: Option<TlsAcceptor>,
    wire: WireStyle,
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
    Some(framed(read, write, limits, wire))
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
        if gate.take_silenced() {
            // Held, never read or answered, until the gate or the cluster ends it.
            let (shutdown, gate) = (shutdown.clone(), gate.clone());
            tokio::spawn(async move {
                tokio::select! {
                    _ = gate.killed() => {}
                    _ = shutdown.wait() => {}
                }
                drop(tcp);
            });
            continue;
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
        Err(why) => {
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
