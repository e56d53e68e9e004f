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

use super::faults::{Gate, KillToken};
use super::Shutdown;

/// How long a client may take to complete the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// An accepted TCP connection, before its TLS handshake (if the listener
/// serves TLS).
pub struct Incoming {
    tcp: TcpStream,
    tls: Option<TlsAcceptor>,
    wire: WireStyle,
    kill: KillToken,
}

/// The read side of a served connection: its frames, and whether its
/// listener's connections were killed since it was accepted.
pub struct RequestReader {
    frames: FrameReader,
    kill: KillToken,
}

/// Completes the TLS handshake if there is one, then splits the connection
/// into its request reader and frame writer; `None` (logged) if the
/// handshake fails.
pub async fn split(incoming: Incoming, limits: FrameLimits, who: &str) -> Option<(RequestReader, FrameSender)> {
    let Incoming { tcp, tls, wire, kill } = incoming;
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
    let (frames, sender) = framed(read, write, limits, wire);
    Some((RequestReader { frames, kill }, sender))
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
        let connection = serve(Incoming { tcp, tls: tls.clone(), wire, kill: gate.kill_token() });
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
/// connection is over: the peer closed it, sent a frame that cannot be
/// decoded (the stream cannot be trusted past it), which is logged as
/// `who`'s, or its listener's connections were killed (a request read after
/// the kill is never served).
pub async fn next_request<R>(
    reader: &mut RequestReader,
    who: &str,
    decode: impl Fn(&RequestHeader, &mut Reader<'_>) -> Result<R, DecodeError>,
) -> Option<(RequestHeader, R)> {
    let frame = match reader.frames.next_frame().await {
        Ok(frame) => frame,
        Err(ReadEnd::Closed) => return None,
        Err(why) => {
            crate::log!(Info, "local", "{who} connection dropped: {why}");
            return None;
        }
    };
    if reader.kill.fired() {
        return None;
    }
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

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;
    use crate::local::faults::Faults;
    use crate::protocol::api_versions::ApiVersionsRequest;
    use crate::protocol::frame::{encode_request_frame, Request};

    /// A served connection with one request already in its socket, and the
    /// client end (kept open).
    async fn connection_with_a_request(faults: &Faults) -> (Incoming, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (tcp, _) = listener.accept().await.unwrap();
        let incoming = Incoming { tcp, tls: None, wire: WireStyle::Fast, kill: faults.gate(5001).kill_token() };
        let mut frame = Vec::new();
        let header = RequestHeader::new(ApiVersionsRequest::API_KEY, ApiVersionsRequest::DEFAULT_API_VERSION, 1, "test");
        encode_request_frame(&header, &ApiVersionsRequest::default(), &mut frame);
        client.write_all(&frame).await.unwrap();
        (incoming, client)
    }

    #[tokio::test]
    async fn a_request_read_after_the_kill_is_not_served() {
        let faults = Faults::default();
        let decode = |_: &RequestHeader, _: &mut Reader<'_>| Ok(());

        let (incoming, _client) = connection_with_a_request(&faults).await;
        let (mut reader, _sender) = split(incoming, FrameLimits::default(), "SPU 5001").await.unwrap();
        assert!(next_request(&mut reader, "SPU 5001", decode).await.is_some(), "a live connection serves its request");

        // The request is in the socket before the kill, read after it: a
        // task that never waits in between must still not serve it.
        let (incoming, _client) = connection_with_a_request(&faults).await;
        faults.drop_connections();
        let (mut reader, _sender) = split(incoming, FrameLimits::default(), "SPU 5001").await.unwrap();
        assert!(next_request(&mut reader, "SPU 5001", decode).await.is_none(), "a killed connection served a request");

        // A connection accepted after the kill is not killed by it.
        let (incoming, _client) = connection_with_a_request(&faults).await;
        let (mut reader, _sender) = split(incoming, FrameLimits::default(), "SPU 5001").await.unwrap();
        assert!(next_request(&mut reader, "SPU 5001", decode).await.is_some());
    }
}
