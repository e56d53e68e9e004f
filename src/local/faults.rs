//! Faults a test injects into a running embedded cluster, as librdkafka's
//! mock cluster allows: an SPU that is down, an SPU that accepts
//! connections and never answers (a blackholed host), connections dropped, a
//! partition's leader moved (see `ClusterState::move_leader`), produce
//! requests failing with a chosen error code or answered late, an SC that
//! leaves create requests unanswered.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use crate::protocol::error_code::ErrorCode;

/// The id the SC's listener goes by among the gates (SPU ids start at 5001).
pub const SC_GATE: i32 = 0;

/// What a listener's connections consult: while `down`, new connections are
/// dropped as soon as they are accepted; while `silent`, they are held open
/// and never read; a change of `kill` closes every open one.
#[derive(Clone, Debug)]
pub struct Gate {
    switches: Arc<Switches>,
    kill: watch::Receiver<u64>,
}

/// The switches of one listener, shared by its gates and the control.
#[derive(Debug, Default)]
struct Switches {
    down: AtomicBool,
    silent: AtomicBool,
    /// Connections accepted while silent, so far.
    silenced: AtomicUsize,
}

impl Gate {
    pub fn is_down(&self) -> bool {
        self.switches.down.load(Ordering::Acquire)
    }

    /// Whether a connection accepted now must be held silent (and counts it).
    pub fn take_silenced(&self) -> bool {
        let silent = self.switches.silent.load(Ordering::Acquire);
        if silent {
            self.switches.silenced.fetch_add(1, Ordering::AcqRel);
        }
        silent
    }

    /// Resolves when the listener's open connections must close.
    pub async fn killed(&self) {
        let KillToken(mut kill) = self.kill_token();
        let _ = kill.changed().await;
    }

    /// A token that tells whether the listener's connections were killed
    /// after this call (take it when a connection is accepted).
    pub fn kill_token(&self) -> KillToken {
        let mut kill = self.kill.clone();
        kill.borrow_and_update();
        KillToken(kill)
    }
}

/// Whether one connection's listener killed its connections since the
/// connection was accepted: checked before each request is served, because
/// a task that reads a request without ever waiting (it was already in the
/// socket) gives the kill no chance to end it first.
#[derive(Debug)]
pub struct KillToken(watch::Receiver<u64>);

impl KillToken {
    pub fn fired(&self) -> bool {
        // Err: the cluster is gone, which ends its connections too.
        self.0.has_changed().unwrap_or(true)
    }
}

#[derive(Debug)]
struct GateControl {
    switches: Arc<Switches>,
    kill: watch::Sender<u64>,
}

/// Every fault switch of one cluster.
#[derive(Debug, Default)]
pub struct Faults {
    gates: Mutex<HashMap<i32, GateControl>>,
    /// The next N produce requests fail with this code (nothing appended).
    failing_produces: Mutex<Option<(u32, ErrorCode)>>,
    /// Produce requests are answered this late (after appending).
    produce_delay: Mutex<Duration>,
    /// The SC leaves the next N create requests unanswered.
    stalled_creates: Mutex<u32>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl Faults {
    /// The gate of listener `id` (`SC_GATE` or an SPU id), made on first use.
    pub fn gate(&self, id: i32) -> Gate {
        let mut gates = lock(&self.gates);
        let control = gates.entry(id).or_insert_with(|| GateControl { switches: Arc::default(), kill: watch::channel(0).0 });
        Gate { switches: control.switches.clone(), kill: control.kill.subscribe() }
    }

    /// Makes listener `id` hold new connections open without reading them
    /// (`true`), or serve again (`false`: the held ones close, and so do the
    /// listener's other connections).
    pub fn set_silent(&self, id: i32, silent: bool) {
        let gate = self.gate(id);
        gate.switches.silent.store(silent, Ordering::Release);
        if !silent {
            self.kill(id);
        }
    }

    /// How many connections listener `id` has held silent so far.
    pub fn silenced(&self, id: i32) -> usize {
        self.gate(id).switches.silenced.load(Ordering::Acquire)
    }

    /// Takes listener `id` down (`true`: every connection dropped, new ones
    /// refused) or brings it back.
    pub fn set_down(&self, id: i32, down: bool) {
        let gate = self.gate(id);
        gate.switches.down.store(down, Ordering::Release);
        if down {
            self.kill(id);
        }
    }

    fn kill(&self, id: i32) {
        if let Some(control) = lock(&self.gates).get(&id) {
            control.kill.send_modify(|generation| *generation += 1);
        }
    }

    /// Closes every client connection of every listener (they stay up).
    pub fn drop_connections(&self) {
        let ids: Vec<i32> = lock(&self.gates).keys().copied().collect();
        for id in ids {
            self.kill(id);
        }
    }

    pub fn fail_next_produces(&self, count: u32, code: ErrorCode) {
        *lock(&self.failing_produces) = (count > 0).then_some((count, code));
    }

    /// The code the current produce request must fail with, if any.
    pub fn take_produce_failure(&self) -> Option<ErrorCode> {
        let mut failing = lock(&self.failing_produces);
        let (remaining, code) = failing.as_mut()?;
        let code = code.clone();
        *remaining -= 1;
        if *remaining == 0 {
            *failing = None;
        }
        Some(code)
    }

    pub fn set_produce_delay(&self, delay: Duration) {
        *lock(&self.produce_delay) = delay;
    }

    pub fn produce_delay(&self) -> Duration {
        *lock(&self.produce_delay)
    }

    pub fn stall_next_creates(&self, count: u32) {
        *lock(&self.stalled_creates) = count;
    }

    /// Whether the SC must leave the current create request unanswered.
    pub fn take_stalled_create(&self) -> bool {
        let mut stalled = lock(&self.stalled_creates);
        let stall = *stalled > 0;
        *stalled = stalled.saturating_sub(1);
        stall
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn set_down_kills_and_refuses() {
        let faults = Faults::default();
        let gate = faults.gate(5001);
        let other = faults.gate(5002);
        assert!(!gate.is_down());
        let killed = tokio::spawn({
            let gate = gate.clone();
            async move { gate.killed().await }
        });
        tokio::task::yield_now().await;
        faults.set_down(5001, true);
        tokio::time::timeout(Duration::from_secs(5), killed).await.expect("killed in time").unwrap();
        assert!(gate.is_down());
        assert!(!other.is_down());
        faults.set_down(5001, false);
        assert!(!gate.is_down());
    }
}
