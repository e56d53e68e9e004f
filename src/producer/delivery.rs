//! Delivery results: every record sent gets a handle that resolves to its
//! partition and offset, or to the error that kept it from the cluster.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::client::ClientError;

/// Where a record landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordMetadata {
    pub partition: u32,
    pub offset: i64,
}

/// The shared outcome of one batch: the base offset the cluster assigned,
/// or why the batch failed.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    result: Mutex<Option<Result<i64, ClientError>>>,
    done: Condvar,
}

impl BatchOutcome {
    pub fn new() -> Arc<Self> {
        Arc::new(BatchOutcome::default())
    }

    /// Records the outcome (the first one wins) and wakes every waiter.
    pub fn resolve(&self, result: Result<i64, ClientError>) {
        let mut slot = self.result.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(result);
            self.done.notify_all();
        }
    }

    pub fn is_resolved(&self) -> bool {
        self.result.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    /// Waits up to `timeout` (None: forever) for the outcome.
    fn wait(&self, timeout: Option<Duration>) -> Option<Result<i64, ClientError>> {
        let slot = self.result.lock().unwrap_or_else(|p| p.into_inner());
        let slot = match timeout {
            None => self.done.wait_while(slot, |r| r.is_none()).unwrap_or_else(|p| p.into_inner()),
            Some(t) => self.done.wait_timeout_while(slot, t, |r| r.is_none()).unwrap_or_else(|p| p.into_inner()).0,
        };
        slot.clone()
    }
}

/// One record's delivery: its batch's outcome and its position in the batch.
#[derive(Debug, Clone)]
pub struct DeliveryHandle {
    pub(crate) batch: Arc<BatchOutcome>,
    pub(crate) index: u32,
    pub(crate) partition: u32,
}

impl DeliveryHandle {
    /// The partition the record was assigned to (known at send time).
    pub fn partition(&self) -> u32 {
        self.partition
    }

    /// Waits up to `timeout` (None: forever). `Err(Timeout)` if the outcome
    /// is not known by then; the record may still be delivered later.
    pub fn wait(&self, timeout: Option<Duration>) -> Result<RecordMetadata, ClientError> {
        match self.batch.wait(timeout) {
            Some(Ok(base)) => Ok(RecordMetadata { partition: self.partition, offset: base + i64::from(self.index) }),
            Some(Err(e)) => Err(e),
            None => Err(ClientError::Timeout(format!("record not acknowledged within {timeout:?}"))),
        }
    }

    /// The outcome if it is already known.
    pub fn try_get(&self) -> Option<Result<RecordMetadata, ClientError>> {
        self.wait(Some(Duration::ZERO)).map_or_else(
            |e| if matches!(e, ClientError::Timeout(_)) { None } else { Some(Err(e)) },
            |m| Some(Ok(m)),
        )
    }
}
