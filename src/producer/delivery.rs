//! Delivery results: every record sent gets a handle that resolves to its
//! partition and offset, or to the error that kept it from the cluster.

use std::collections::{BTreeMap, VecDeque};
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

/// Called with `true` when delivery reports start waiting and `false` when
/// none are left; called with the report queue's lock held, so the two
/// never cross (it must only signal, never call back into the producer).
pub type ReportSignal = Arc<dyn Fn(bool) + Send + Sync>;

/// What a delivery report says of one record beside its batch's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportedRecord {
    /// The caller's value from `send_with`.
    pub opaque: usize,
    /// The record's timestamp as sent (ms since the Unix epoch).
    pub timestamp: i64,
}

/// The delivery reports of one batch: its outcome and its records.
#[derive(Debug)]
pub struct ReportBatch {
    pub partition: u32,
    /// The base offset (record i landed at base + i), or why it failed.
    pub result: Result<i64, ClientError>,
    /// Filled as the records are sent, handed over whole when the batch
    /// resolves: no allocation or copy per report.
    pub records: Vec<ReportedRecord>,
}

#[derive(Default)]
struct ReportState {
    /// Ready to hand out, in per-partition order.
    ready: VecDeque<ReportBatch>,
    /// Per partition: batches resolved ahead of an older one, by sequence.
    held: Vec<BTreeMap<u64, ReportBatch>>,
    /// Per partition: the sequence number of the next batch to report.
    next: Vec<u64>,
    /// Set when the producer stopped for good (a task panicked): waits end.
    closed: bool,
}

/// The queue of delivery reports of a producer, served on the caller's
/// thread, each record's exactly once, in per-partition order.
pub struct Reports {
    state: Mutex<ReportState>,
    arrived: Condvar,
    /// One thread serves at a time, so order holds across threads too.
    serving: Mutex<()>,
    signal: Option<ReportSignal>,
}

impl Reports {
    pub fn new(partitions: u32, signal: Option<ReportSignal>) -> Self {
        let state = ReportState {
            ready: VecDeque::new(),
            held: (0..partitions).map(|_| BTreeMap::new()).collect(),
            next: vec![0; partitions as usize],
            closed: false,
        };
        Reports { state: Mutex::new(state), arrived: Condvar::new(), serving: Mutex::new(()), signal }
    }

    /// Adds the reports of the partition's batch number `seq` (batches are
    /// numbered from 0 as they open); they wait until every older batch of
    /// the partition was reported.
    pub fn push(&self, seq: u64, batch: ReportBatch) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let state = &mut *state;
        let p = batch.partition as usize;
        let was_empty = state.ready.is_empty();
        if state.next[p] == seq {
            state.ready.push_back(batch);
            state.next[p] += 1;
            while let Some(next) = state.held[p].remove(&state.next[p]) {
                state.ready.push_back(next);
                state.next[p] += 1;
            }
        } else {
            state.held[p].insert(seq, batch);
        }
        if was_empty && !state.ready.is_empty() {
            if let Some(signal) = &self.signal {
                signal(true);
            }
            self.arrived.notify_all();
        }
    }

    /// Waits up to `timeout` for reports, then hands every waiting batch to
    /// `serve`, one at a time, with no lock held but the serving one (one
    /// thread serves at a time, so order holds across threads). The wait
    /// holds no lock: a thread polling without limit never keeps another
    /// from serving. Returns how many records were reported; 0 when called
    /// from inside a callback (see `crate::callback`).
    pub fn serve(&self, timeout: Duration, serve: impl FnMut(&ReportBatch)) -> usize {
        if crate::callback::inside() {
            return 0;
        }
        self.serve_now(timeout, serve)
    }

    /// As `serve`, even from inside a callback: for the last reports of a
    /// producer being freed, which no outer call will serve.
    pub fn serve_final(&self, serve: impl FnMut(&ReportBatch)) -> usize {
        self.serve_now(Duration::ZERO, serve)
    }

    fn serve_now(&self, timeout: Duration, mut serve: impl FnMut(&ReportBatch)) -> usize {
        crate::callback::serve_queue(
            &self.state,
            &self.arrived,
            &self.serving,
            timeout,
            |s| s.ready.is_empty() && !s.closed,
            |s| {
                let batch = s.ready.pop_front()?;
                if s.ready.is_empty() {
                    if let Some(signal) = &self.signal {
                        signal(false);
                    }
                }
                Some(batch)
            },
            |batch| {
                serve(&batch);
                batch.records.len()
            },
        )
    }

    /// Ends every wait for reports, now and later (the producer stopped for
    /// good); reports still to come are served as they arrive.
    pub fn close(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).closed = true;
        self.arrived.notify_all();
    }
}
