//! The client's connection against a peer the test scripts by hand: one that
//! stops reading its socket while requests to it are cancelled. However a
//! caller's future is dropped, the connection must never leave part of a
//! frame on the wire: every frame the peer reads afterwards is whole and
//! decodes, and a request after the cancellations is answered.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fluvio::client::Connection;
use fluvio::protocol::api_versions::{ApiVersionsRequest, ApiVersionsResponse, PlatformVersion};
use fluvio::protocol::codec::{Encode, Reader};
use fluvio::protocol::frame::{decode_request_body, decode_request_header, encode_response_frame, split_frame, Request};
use fluvio::protocol::record::{Batch, Record, RecordSet};
use fluvio::protocol::spu::{PartitionProduceData, ProduceRequest, TopicProduceData};
use fluvio::protocol::Compression;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::oneshot;

/// Bound on anything that must happen.
const WAIT: Duration = Duration::from_secs(20);

fn produce_request(value_len: usize) -> ProduceRequest {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64;
    let batch = Batch::from_records(&[Record::new(None, vec![b'x'; value_len])], Compression::None, now).unwrap();
    ProduceRequest {
        topics: vec![TopicProduceData {
            name: "cut".into(),
            partitions: vec![PartitionProduceData { partition_index: 0, records: RecordSet::new(vec![batch]) }],
        }],
        ..ProduceRequest::default()
    }
}

/// The next whole frame's contents from `stream`, reading into `buf`.
async fn next_frame(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Vec<u8>, String> {
    loop {
        if let Some((contents, used)) = split_frame(buf, 64 << 20).map_err(|e| format!("bad frame: {e}"))? {
            let contents = contents.to_vec();
            buf.drain(..used);
            return Ok(contents);
        }
        let mut chunk = vec![0; 256 * 1024];
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await {
            Err(_) => return Err(format!("no whole frame within 5 s ({} bytes buffered)", buf.len())),
            Ok(Ok(0)) => return Err("closed".into()),
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Ok(Err(e)) => return Err(e.to_string()),
        }
    }
}

async fn answer<T: Encode>(stream: &mut TcpStream, correlation_id: i32, version: i16, response: &T) {
    let mut frame = Vec::new();
    encode_response_frame(correlation_id, version, response, &mut frame);
    stream.write_all(&frame).await.unwrap();
}

/// A peer that answers the handshake, then reads nothing until `resume`;
/// then it decodes every frame (produce requests, counted, until an
/// ApiVersions request, which it answers). Returns the produce count.
async fn stalling_peer(stream: &mut TcpStream, resume: oneshot::Receiver<()>) -> Result<usize, String> {
    let versions = ApiVersionsResponse::listing(&[], PlatformVersion::new("0.18.0").unwrap());
    let mut buf = Vec::new();
    let hello = next_frame(stream, &mut buf).await?;
    let header = decode_request_header(&mut Reader::new(&hello)).map_err(|e| e.to_string())?;
    answer(stream, header.correlation_id, header.api_version, &versions).await;
    let _ = resume.await;
    let mut produced = 0;
    loop {
        let frame = next_frame(stream, &mut buf).await?;
        let mut r = Reader::new(&frame);
        let header = decode_request_header(&mut r).map_err(|e| format!("after {produced} frames: {e}"))?;
        match header.api_key {
            ProduceRequest::API_KEY => {
                decode_request_body::<ProduceRequest>(&mut r, &header).map_err(|e| format!("produce frame {produced}: {e}"))?;
                produced += 1;
            }
            ApiVersionsRequest::API_KEY => {
                answer(stream, header.correlation_id, header.api_version, &versions).await;
                return Ok(produced);
            }
            key => return Err(format!("after {produced} frames: a frame with api key {key}")),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_cancelled_mid_write_leave_whole_frames() {
    // A small receive buffer, so the socket fills after a few frames.
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(64 * 1024).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(8).unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let (resume, resumed) = oneshot::channel();
    let peer = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        stalling_peer(&mut stream, resumed).await
    });

    let connection = Connection::connect(&addr.to_string(), WAIT).await.unwrap();
    // Many requests at once, each given 200 ms: the peer reads none of
    // them, so the socket fills mid-frame and most of them are cancelled.
    let request = Arc::new(produce_request(256 * 1024));
    let sends: Vec<_> = (0..200)
        .map(|_| {
            let (connection, request) = (connection.clone(), request.clone());
            tokio::spawn(async move { tokio::time::timeout(Duration::from_millis(200), connection.send(&*request)).await })
        })
        .collect();
    let mut queued = 0;
    let mut cancelled = 0;
    for send in sends {
        match send.await.unwrap() {
            Ok(Ok(_pending)) => queued += 1,
            Ok(Err(e)) => panic!("a send failed: {e}"),
            Err(_) => cancelled += 1,
        }
    }
    assert!(cancelled > 0, "no send was cancelled ({queued} went out): the socket never filled");

    // The peer reads again: every frame is whole, and the connection still
    // carries requests.
    resume.send(()).unwrap();
    let answered = connection.request(&ApiVersionsRequest::default(), WAIT).await;
    let produced = tokio::time::timeout(WAIT, peer).await.expect("the peer finished").unwrap();
    let produced = produced.unwrap_or_else(|e| panic!("the peer read a cut frame: {e} ({queued} sends queued, {cancelled} cancelled)"));
    assert!(answered.is_ok(), "{answered:?}");
    assert_eq!(produced, queued, "every send that returned was written whole, and no cancelled one");
}
