//! One client connection to an SC or an SPU: ApiVersions on connect, then
//! requests multiplexed by correlation id. Frames go through the shared
//! connection layer (`crate::connection`): a request is queued whole to the
//! connection's writer task or not at all, so a caller that gives up (a
//! timeout, an aborted task) never cuts a frame on a connection every
//! producer and consumer of the client shares. A reader task routes every
//! frame to the request or stream waiting for its id; when the connection
//! drops, everything waiting on it fails at once with `Connection`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

use super::error::{ClientError, Result};
use crate::connection::QuickAck;
use super::tls::{tls_hint, TlsConnector};
use crate::protocol::api_versions::{ApiVersionsRequest, ApiVersionsResponse};
use crate::protocol::codec::{Decode, Version};
use crate::protocol::frame::{decode_response_header, Request, RequestHeader};
use crate::connection::{framed, FrameLimits, FrameReader, FrameSender, ReadEnd, ReadHalf, WireStyle, WriteHalf, WriterHandle};

/// The client id sent in request headers, as the official clients' default.
pub const CLIENT_ID: &str = "fluvio";
/// Sent as `client_version` in ApiVersions: a semver the servers accept.
const CLIENT_VERSION: &str = "0.50.1";

/// How connections are made: plain TCP or TLS, and the client id their
/// request headers carry. Shared by a client's SC and SPU connections.
#[derive(Debug, Clone)]
pub struct Transport {
    pub tls: Option<TlsConnector>,
    pub client_id: String,
}

impl Transport {
    /// The transport for the SPU named `spu` (its TLS name differs).
    pub fn for_spu(&self, spu: &str) -> Transport {
        Transport { tls: self.tls.as_ref().map(|t| t.for_spu(spu)), client_id: self.client_id.clone() }
    }
}

impl Default for Transport {
    fn default() -> Self {
        Transport { tls: None, client_id: CLIENT_ID.to_string() }
    }
}

/// What waits for frames with a given correlation id.
enum Waiter {
    Once(oneshot::Sender<Result<Bytes>>),
    Stream(mpsc::Sender<Result<Bytes>>),
}

#[derive(Default)]
struct Waiters {
    by_id: HashMap<i32, Waiter>,
    /// Set when the connection is gone; new waiters fail at once.
    closed: Option<ClientError>,
}

/// A multiplexed connection. Cheap to share (`Arc`); any task may use it.
pub struct Connection {
    addr: String,
    client_id: String,
    sender: FrameSender,
    waiters: Arc<Mutex<Waiters>>,
    next_id: AtomicI32,
    versions: ApiVersionsResponse,
    closed: Arc<AtomicBool>,
    /// Notified once when the connection closes.
    on_close: Arc<tokio::sync::Notify>,
    /// Tells the reader to close the connection (`close`).
    close_requested: Arc<tokio::sync::Notify>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("addr", &self.addr).finish()
    }
}

/// The response to a request already written.
pub struct PendingResponse<T> {
    rx: oneshot::Receiver<Result<Bytes>>,
    id: i32,
    version: Version,
    addr: String,
    waiters: Arc<Mutex<Waiters>>,
    _marker: std::marker::PhantomData<T>,
}

impl<T: Decode> PendingResponse<T> {
    /// Waits up to `timeout` for the response.
    pub async fn wait(self, timeout: Duration) -> Result<T> {
        let body = match tokio::time::timeout(timeout, self.rx).await {
            Ok(Ok(body)) => body?,
            Ok(Err(_)) => return Err(ClientError::Connection(format!("connection to {} closed", self.addr))),
            Err(_) => {
                lock(&self.waiters).by_id.remove(&self.id);
                return Err(ClientError::Timeout(format!("no answer from {} within {timeout:?}", self.addr)));
            }
        };
        Ok(T::from_bytes(&body, self.version)?)
    }
}

/// Frames of one stream (Watch, StreamFetch), decoded as `T`.
pub struct ResponseStream<T> {
    rx: mpsc::Receiver<Result<Bytes>>,
    version: Version,
    _marker: std::marker::PhantomData<T>,
}

impl<T: Decode> ResponseStream<T> {
    /// The next frame; `None` after the connection closed and every frame was read.
    pub async fn next(&mut self) -> Option<Result<T>> {
        let frame = self.rx.recv().await?;
        Some(frame.and_then(|body| T::from_bytes(&body, self.version).map_err(ClientError::from)))
    }
}

fn lock(waiters: &Mutex<Waiters>) -> std::sync::MutexGuard<'_, Waiters> {
    waiters.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Connection {
    /// Connects to `addr` ("host:port") over plain TCP and exchanges ApiVersions.
    pub async fn connect(addr: &str, timeout: Duration) -> Result<Arc<Connection>> {
        Self::connect_with(addr, &Transport::default(), timeout).await
    }

    /// Connects to `addr` ("host:port") as `transport` says (TCP or TLS)
    /// and exchanges ApiVersions.
    pub async fn connect_with(addr: &str, transport: &Transport, timeout: Duration) -> Result<Arc<Connection>> {
        let connect = async {
            let stream = TcpStream::connect(addr).await.map_err(|e| ClientError::Connection(format!("connecting to {addr}: {e}")))?;
            let _ = stream.set_nodelay(true);
            let (read, write): (ReadHalf, WriteHalf) = match &transport.tls {
                None => {
                    let (read, write) = stream.into_split();
                    (Box::new(QuickAck(read)), Box::new(write))
                }
                Some(tls) => {
                    let (read, write) = tokio::io::split(tls.connect(addr, QuickAck(stream)).await?);
                    (Box::new(read), Box::new(write))
                }
            };
            let (mut reader, sender) = framed(read, write, FrameLimits::default(), WireStyle::Fast);
            let versions = handshake(addr, &transport.client_id, &mut reader, &sender).await?;
            Ok::<_, ClientError>((reader, sender, versions))
        };
        let (reader, sender, versions) = tokio::time::timeout(timeout, connect)
            .await
            .map_err(|_| ClientError::Timeout(format!("connecting to {addr} took longer than {timeout:?}")))??;
        let waiters = Arc::new(Mutex::new(Waiters::default()));
        let closed = Arc::new(AtomicBool::new(false));
        let on_close = Arc::new(tokio::sync::Notify::new());
        let close_requested = Arc::new(tokio::sync::Notify::new());
        tokio::spawn(read_frames(
            addr.to_string(),
            reader,
            sender.writer().clone(),
            waiters.clone(),
            closed.clone(),
            on_close.clone(),
            close_requested.clone(),
        ));
        Ok(Arc::new(Connection {
            addr: addr.to_string(),
            client_id: transport.client_id.clone(),
            sender,
            waiters,
            // As the official client: the first multiplexed request reuses id 1.
            next_id: AtomicI32::new(1),
            versions,
            closed,
            on_close,
            close_requested,
        }))
    }

    /// Closes the connection: whatever waits on it fails, and no request is
    /// sent on it again. For a peer that stopped answering.
    pub fn close(&self) {
        // Closed for new requests at once; the reader fails those waiting.
        lock(&self.waiters).closed.get_or_insert(stopped_answering(&self.addr));
        self.closed.store(true, Ordering::Release);
        // notify_one keeps the wake-up if the reader is not waiting yet.
        self.close_requested.notify_one();
    }

    pub fn addr(&self) -> &str {
        &self.addr
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Resolves once the connection has closed.
    pub async fn closed(&self) {
        loop {
            let notified = self.on_close.notified();
            if self.is_closed() {
                return;
            }
            notified.await;
        }
    }

    /// What the peer said in ApiVersions.
    pub fn versions(&self) -> &ApiVersionsResponse {
        &self.versions
    }

    /// The version to send `R` at: the highest both sides know, or `R`'s
    /// default when the peer does not list it (as the official client).
    pub fn version_for<R: Request>(&self) -> Version {
        self.versions.version_for::<R>().unwrap_or(R::DEFAULT_API_VERSION)
    }

    fn register(&self, waiter: Waiter) -> Result<Registered<'_>> {
        let mut waiters = lock(&self.waiters);
        if let Some(e) = &waiters.closed {
            return Err(e.clone());
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        waiters.by_id.insert(id, waiter);
        Ok(Registered { waiters: &self.waiters, id, kept: false })
    }

    /// Queues `request`'s frame under `registered`'s id, whole, once the
    /// writer has room. Dropped while it waits, nothing is queued and the
    /// waiter is removed.
    async fn write<R: Request>(&self, mut registered: Registered<'_>, version: Version, request: &R) -> Result<i32> {
        let Some(slot) = self.sender.reserve().await else { return Err(self.gone()) };
        slot.send_request(&RequestHeader::new(R::API_KEY, version, registered.id, &self.client_id), request);
        registered.kept = true;
        Ok(registered.id)
    }

    /// Why nothing more can be written.
    fn gone(&self) -> ClientError {
        match self.sender.writer().failure() {
            Some(why) => ClientError::Connection(format!("writing to {}: {why}", self.addr)),
            None => lock(&self.waiters).closed.clone().unwrap_or_else(|| ClientError::Connection(format!("connection to {} closed", self.addr))),
        }
    }

    /// Sends `request` and waits up to `timeout` for its response.
    pub async fn request<R: Request>(&self, request: &R, timeout: Duration) -> Result<R::Response> {
        self.send(request).await?.wait(timeout).await
    }

    /// Writes `request` and returns a handle to its response, so that
    /// several requests can be in flight on the connection. Requests are
    /// written in the order `send` is called.
    pub async fn send<R: Request>(&self, request: &R) -> Result<PendingResponse<R::Response>> {
        let version = self.version_for::<R>();
        let (tx, rx) = oneshot::channel();
        let id = self.write(self.register(Waiter::Once(tx))?, version, request).await?;
        Ok(PendingResponse { rx, id, version, addr: self.addr.clone(), waiters: self.waiters.clone(), _marker: std::marker::PhantomData })
    }

    /// Sends `request` and returns the stream of frames answering it; up to
    /// `queue` frames wait unread before the connection's reader waits.
    pub async fn stream<R: Request>(&self, request: &R, queue: usize) -> Result<ResponseStream<R::Response>> {
        let version = self.version_for::<R>();
        let (tx, rx) = mpsc::channel(queue.max(1));
        self.write(self.register(Waiter::Stream(tx))?, version, request).await?;
        Ok(ResponseStream { rx, version, _marker: std::marker::PhantomData })
    }
}

/// A waiter registered for a request whose frame is not queued yet: removed
/// again when dropped before `kept` (the caller gave up, or the connection
/// went away), so no answer is ever routed to it.
struct Registered<'a> {
    waiters: &'a Mutex<Waiters>,
    id: i32,
    kept: bool,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        if !self.kept {
            lock(self.waiters).by_id.remove(&self.id);
        }
    }
}

/// Why a connection that `close` ended fails its requests.
fn stopped_answering(addr: &str) -> ClientError {
    ClientError::Connection(format!("the connection to {addr} was closed: it stopped answering"))
}

/// ApiVersions, correlation id 1, before the reader task starts.
async fn handshake(addr: &str, client_id: &str, reader: &mut FrameReader, sender: &FrameSender) -> Result<ApiVersionsResponse> {
    let request = ApiVersionsRequest {
        client_version: CLIENT_VERSION.into(),
        client_os: std::env::consts::OS.into(),
        client_arch: std::env::consts::ARCH.into(),
    };
    let version = ApiVersionsRequest::DEFAULT_API_VERSION;
    let io_error = |doing: &str, detail: &str| ClientError::Connection(format!("{doing} {addr}: {detail}{}", tls_hint(detail)));
    let Some(slot) = sender.reserve().await else { return Err(io_error("writing to", sender.writer().end_reason())) };
    slot.send_request(&RequestHeader::new(ApiVersionsRequest::API_KEY, version, 1, client_id), &request);
    let frame = tokio::select! {
        frame = reader.next_frame() => frame,
        // A write that fails leaves the read waiting for an answer that
        // cannot come.
        _ = sender.writer().ended() => return Err(io_error("writing to", sender.writer().end_reason())),
    };
    match frame {
        Ok(frame) => {
            let (_, body) = decode_response_header(&frame)?;
            Ok(ApiVersionsResponse::from_bytes(body.rest(), version)?)
        }
        // A TLS record (alert or handshake: 0x15/0x16, then version 3.x)
        // instead of a Fluvio frame: the port speaks TLS, we did not.
        Err(_) if is_tls_record(reader.buffered()) => {
            Err(ClientError::Connection(format!("{addr} answered with TLS: connect to it with a TLS policy")))
        }
        Err(ReadEnd::Closed) => Err(ClientError::Connection(format!("{addr} closed the connection during the handshake"))),
        Err(ReadEnd::Malformed(why)) => Err(ClientError::Protocol(format!("{addr}: {why}"))),
        Err(ReadEnd::Io(why)) => Err(io_error("reading from", &why)),
    }
}

fn is_tls_record(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && matches!(bytes[0], 0x15 | 0x16) && bytes[1] == 0x03
}

/// Routes frames to their waiters until the connection ends (the peer
/// closed it, broke the protocol, a write failed, or `close`), then stops
/// the writer and fails every waiter.
async fn read_frames(
    addr: String,
    mut reader: FrameReader,
    writer: WriterHandle,
    waiters: Arc<Mutex<Waiters>>,
    closed: Arc<AtomicBool>,
    on_close: Arc<tokio::sync::Notify>,
    close_requested: Arc<tokio::sync::Notify>,
) {
    // Made once, not per frame: each registers a waiter when first polled.
    let close = close_requested.notified();
    let writer_ended = writer.ended();
    tokio::pin!(close, writer_ended);
    let error = loop {
        // next_frame is cancel-safe: nothing read is lost when another branch wins.
        let frame = tokio::select! {
            frame = reader.next_frame() => frame,
            _ = &mut close => break stopped_answering(&addr),
            _ = &mut writer_ended => break ClientError::Connection(format!("writing to {addr}: {}", writer.end_reason())),
        };
        let frame = match frame {
            Ok(frame) => frame,
            Err(ReadEnd::Closed) => break ClientError::Connection(format!("{addr} closed the connection")),
            Err(ReadEnd::Malformed(why)) => break ClientError::Protocol(format!("{addr}: {why}")),
            Err(ReadEnd::Io(why)) => break ClientError::Connection(format!("reading from {addr}: {why}")),
        };
        let (id, body) = match decode_response_header(&frame) {
            // The body is a view of the frame: no copy.
            Ok((id, body)) => (id, frame.slice(frame.len() - body.rest().len()..)),
            Err(e) => break ClientError::Protocol(format!("{addr}: {e}")),
        };
        deliver(&waiters, id, body).await;
    };
    writer.abort();
    closed.store(true, Ordering::Release);
    on_close.notify_waiters();
    let pending = {
        let mut waiters = lock(&waiters);
        waiters.closed = Some(error.clone());
        std::mem::take(&mut waiters.by_id)
    };
    for (_, waiter) in pending {
        match waiter {
            Waiter::Once(tx) => {
                let _ = tx.send(Err(error.clone()));
            }
            Waiter::Stream(tx) => {
                let _ = tx.send(Err(error.clone())).await;
            }
        }
    }
}

async fn deliver(waiters: &Mutex<Waiters>, id: i32, body: Bytes) {
    let stream = {
        let mut waiters = lock(waiters);
        match waiters.by_id.get(&id) {
            Some(Waiter::Once(_)) => {
                if let Some(Waiter::Once(tx)) = waiters.by_id.remove(&id) {
                    let _ = tx.send(Ok(body));
                }
                return;
            }
            Some(Waiter::Stream(tx)) => tx.clone(),
            // A frame nobody waits for (late, or a dropped stream): ignored.
            None => return,
        }
    };
    // Outside the lock: a full stream queue makes this connection wait (as
    // the official client), never the whole process.
    if stream.send(Ok(body)).await.is_err() {
        lock(waiters).by_id.remove(&id);
    }
}
