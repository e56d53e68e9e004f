//! Errors of the client, producer and consumer.

use std::fmt;

use crate::protocol::{DecodeError, ErrorCode};

/// Why a client operation failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// An argument is unusable (empty name, bad offset, …).
    InvalidArgument(String),
    /// The cluster could not be reached, or the connection was lost.
    Connection(String),
    /// No answer within the allowed time.
    Timeout(String),
    /// A peer sent bytes that break the protocol.
    Protocol(String),
    /// The cluster answered with an error code.
    Server { code: ErrorCode, message: String },
    TopicNotFound(String),
    TopicExists(String),
    /// A record larger than the producer's maximum request size.
    RecordTooLarge { size: usize, max: usize },
    /// The producer's queue is full and it was told not to wait.
    QueueFull,
    /// The producer, consumer or client was closed.
    Closed,
    /// A task of the library panicked (a bug): what it was doing and why.
    Panic(String),
}

impl ClientError {
    /// Turns a server error code, met while doing `context` with `topic`,
    /// into the most specific error.
    pub fn from_code(code: ErrorCode, topic: &str, context: impl fmt::Display) -> Self {
        match code {
            ErrorCode::TopicNotFound => ClientError::TopicNotFound(topic.to_string()),
            ErrorCode::TopicAlreadyExists => ClientError::TopicExists(topic.to_string()),
            code => {
                let message = format!("{context}: {code}");
                ClientError::Server { code, message }
            }
        }
    }
}

impl ClientError {
    /// The Fluvio error code behind the failure: the one the server sent,
    /// or the code of a missing or existing topic; 0 for the others.
    pub fn code(&self) -> i16 {
        match self {
            ClientError::Server { code, .. } => code.tag(),
            ClientError::TopicNotFound(_) => ErrorCode::TopicNotFound.tag(),
            ClientError::TopicExists(_) => ErrorCode::TopicAlreadyExists.tag(),
            _ => 0,
        }
    }

    /// Whether trying again may succeed: the connection dropped or timed
    /// out, or the partition's leader moved or is away.
    pub fn is_retriable(&self) -> bool {
        match self {
            ClientError::Connection(_) | ClientError::Timeout(_) => true,
            ClientError::Server { code, .. } => matches!(
                code,
                ErrorCode::NotLeaderForPartition
                    | ErrorCode::PartitionNotLeader
                    | ErrorCode::PartitionPendingInitialization
                    | ErrorCode::SpuOffline
                    | ErrorCode::SpuNotFound
                    | ErrorCode::StorageError
            ),
            _ => false,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::InvalidArgument(m) | ClientError::Connection(m) | ClientError::Timeout(m) | ClientError::Protocol(m) => f.write_str(m),
            ClientError::Server { message, .. } => f.write_str(message),
            ClientError::TopicNotFound(topic) => write!(f, "topic '{topic}' not found"),
            ClientError::TopicExists(topic) => write!(f, "topic '{topic}' already exists"),
            ClientError::RecordTooLarge { size, max } => {
                write!(f, "record of {size} bytes exceeds the maximum request size of {max} bytes")
            }
            ClientError::QueueFull => f.write_str("the producer queue is full"),
            ClientError::Closed => f.write_str("closed"),
            ClientError::Panic(m) => write!(f, "internal error (please report it): {m}"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<DecodeError> for ClientError {
    fn from(e: DecodeError) -> Self {
        ClientError::Protocol(format!("malformed response: {e}"))
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;
