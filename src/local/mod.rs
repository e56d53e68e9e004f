//! The embedded Fluvio cluster: one SC listener and N SPU listeners in one
//! process, serving the real Fluvio protocol from a durable log on disk.
//! Official Fluvio clients connect to it as to any Fluvio cluster.

mod connection;
#[cfg(test)]
mod crash_tests;
mod consumer_offsets;
mod faults;
pub mod log;
mod sc;
pub mod smartengine;
#[cfg(feature = "smartengine")]
mod wasm_guard;
mod spu;
mod state;
pub mod storage;
mod tls;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use consumer_offsets::CONSUMER_OFFSET_TOPIC;
pub use faults::SC_GATE;
pub use log::{FsyncPolicy, LogConfig};
pub use sc::PLATFORM_VERSION;
pub use state::FIRST_SPU_ID;
pub use tls::ServerTls;

use crate::protocol::frame::DEFAULT_MAX_FRAME_LEN;
use crate::connection::{FrameLimits, WireStyle};
use faults::Faults;
use state::{ClusterState, SpuInfo};

/// How an embedded cluster is set up.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Where topics and their logs live; created if missing.
    pub data_dir: PathBuf,
    /// Address every listener binds to.
    pub host: String,
    /// SC port; 0 picks a free one.
    pub sc_port: u16,
    /// Number of SPUs (at least 1).
    pub spus: u16,
    /// SPU ports, one per SPU; empty picks free ones.
    pub spu_ports: Vec<u16>,
    /// Partition log settings (segment size, retention, fsync policy).
    pub log: LogConfig,
    /// Emulate the official SPU (for tests): cut the last batch of every
    /// fetch at `max_bytes` instead of sending whole batches only.
    pub cut_batches: bool,
    /// How long one SmartModule call (init and look-back included) may run
    /// before its stream or produce request fails with
    /// `SmartModuleRuntimeError` (the official SPU sets no limit). A module
    /// still running then is abandoned; its fuel ends it.
    pub smartmodule_timeout: Duration,
    /// The fuel of one SmartModule call: a unit for every function call and
    /// every loop iteration of the module; a call that spends it traps and
    /// fails with `SmartModuleRuntimeError` (the official SPU gives every
    /// call `i64::MAX / 2`: a loop never ends there).
    pub smartmodule_fuel: u64,
    /// Largest request frame accepted from a client.
    pub max_frame_len: usize,
    /// How long a client may take to send the rest of a frame it started;
    /// the connection is dropped after that.
    pub partial_frame_timeout: Duration,
    /// Serve TLS on the SC and every SPU (`None`: plain TCP).
    pub tls: Option<ServerTls>,
    /// Use sockets as the real SC and SPUs do (for tests of clients): Nagle
    /// on, StreamFetch frames in two writes. Slower for every client that
    /// does not acknowledge at once; off by default.
    pub imitate_real_spu_sockets: bool,
}

impl ClusterConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        ClusterConfig {
            data_dir: data_dir.into(),
            host: "127.0.0.1".into(),
            sc_port: 0,
            spus: 1,
            spu_ports: Vec::new(),
            log: LogConfig::default(),
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
            cut_batches: false,
            smartmodule_timeout: smartengine::DEFAULT_CALL_TIMEOUT,
            smartmodule_fuel: smartengine::DEFAULT_CALL_FUEL,
            partial_frame_timeout: crate::connection::PARTIAL_FRAME_TIMEOUT,
            tls: None,
            imitate_real_spu_sockets: false,
        }
    }
}

/// A stop signal shared by every task of a cluster.
#[derive(Clone, Debug)]
pub(crate) struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    pub async fn wait(&self) {
        let mut rx = self.0.clone();
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

/// A running embedded cluster. Must be stopped with [`LocalCluster::stop`]
/// from within the runtime it was started on.
pub struct LocalCluster {
    sc_addr: SocketAddr,
    spu_addrs: Vec<SocketAddr>,
    state: Arc<ClusterState>,
    faults: Arc<Faults>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl LocalCluster {
    /// Binds every listener, recovers the data directory and starts serving.
    pub async fn start(config: ClusterConfig) -> io::Result<Self> {
        if config.spus == 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "a cluster needs at least one SPU"));
        }
        if !config.spu_ports.is_empty() && config.spu_ports.len() != config.spus as usize {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "give one SPU port per SPU, or none"));
        }
        let tls = config.tls.as_ref().map(ServerTls::acceptor).transpose()?;
        let sc_listener = TcpListener::bind((config.host.as_str(), config.sc_port)).await?;
        let mut spu_listeners = Vec::new();
        let mut spus = Vec::new();
        for i in 0..config.spus {
            let port = config.spu_ports.get(i as usize).copied().unwrap_or(0);
            let listener = TcpListener::bind((config.host.as_str(), port)).await?;
            spus.push(SpuInfo { id: FIRST_SPU_ID + i32::from(i), addr: listener.local_addr()? });
            spu_listeners.push(listener);
        }
        let data_dir = config.data_dir.clone();
        let log_config = config.log;
        let spu_infos = spus.clone();
        let state = Arc::new(
            tokio::task::spawn_blocking(move || ClusterState::open(&data_dir, spu_infos, log_config))
                .await
                .map_err(io::Error::other)??,
        );

        let (stop, stop_rx) = watch::channel(false);
        let shutdown = Shutdown(stop_rx);
        let sc_addr = sc_listener.local_addr()?;
        let limits = FrameLimits { max_frame_len: config.max_frame_len, partial_frame_timeout: config.partial_frame_timeout };
        let faults = Arc::new(Faults::default());
        let sc_gate = faults.gate(SC_GATE);
        let wire = if config.imitate_real_spu_sockets { WireStyle::RealFluvio } else { WireStyle::Fast };
        let mut tasks = vec![tokio::spawn(sc::serve(sc_listener, tls.clone(), wire, sc_gate, faults.clone(), state.clone(), limits, shutdown.clone()))];
        for (listener, spu) in spu_listeners.into_iter().zip(&spus) {
            let settings = spu::SpuSettings {
                id: spu.id,
                tls: tls.clone(),
                wire,
                limits,
                cut_batches: config.cut_batches,
                faults: faults.clone(),
                smartmodule_limits: smartengine::CallLimits { timeout: config.smartmodule_timeout, fuel: config.smartmodule_fuel },
            };
            tasks.push(tokio::spawn(spu::serve(listener, settings, state.clone(), shutdown.clone())));
        }
        tasks.push(tokio::spawn(cleaner(state.clone(), shutdown.clone())));
        if let FsyncPolicy::Interval(period) = config.log.fsync {
            tasks.push(tokio::spawn(flusher(state.clone(), period, shutdown)));
        }
        Ok(LocalCluster { sc_addr, spu_addrs: spus.iter().map(|s| s.addr).collect(), state, faults, stop, tasks })
    }

    /// The SC endpoint clients connect to, as `host:port`.
    pub fn endpoint(&self) -> String {
        self.sc_addr.to_string()
    }

    pub fn sc_addr(&self) -> SocketAddr {
        self.sc_addr
    }

    pub fn spu_addrs(&self) -> &[SocketAddr] {
        &self.spu_addrs
    }

    /// Creates a topic with `partitions` partitions unless it exists.
    pub fn ensure_topic(&self, name: &str, partitions: u32) -> Result<(), String> {
        use crate::protocol::{sc::TopicSpec, ErrorCode};
        match self.state.create_topic(name, TopicSpec::computed(partitions, 1), false) {
            Err(e) if e.code != ErrorCode::TopicAlreadyExists => Err(e.message),
            _ => Ok(()),
        }
    }

    // Faults, for tests of clients (librdkafka's mock cluster does the same).

    /// Takes SPU `id` down: its connections drop and new ones are refused
    /// until `start_spu`. Its partitions keep their data.
    pub fn stop_spu(&self, id: i32) {
        self.faults.set_down(id, true);
    }

    /// Brings SPU `id` back after `stop_spu`.
    pub fn start_spu(&self, id: i32) {
        self.faults.set_down(id, false);
    }

    /// Makes SPU `id` accept connections and never answer on them, as a
    /// blackholed host does (`true`), or serve again (`false`; the held
    /// connections and its others close). Its open connections keep
    /// working until then.
    pub fn silence_spu(&self, id: i32, silent: bool) {
        self.faults.set_silent(id, silent);
    }

    /// How many connections SPU `id` has held silent so far.
    pub fn silenced_connections(&self, id: i32) -> usize {
        self.faults.silenced(id)
    }

    /// Closes every client connection of the SC and every SPU (they keep
    /// listening).
    pub fn drop_connections(&self) {
        self.faults.drop_connections();
    }

    /// Makes SPU `spu` the leader of `topic`'s `partition`.
    pub fn move_leader(&self, topic: &str, partition: u32, spu: i32) -> Result<(), String> {
        self.state.move_leader(topic, partition, spu)
    }

    /// The next `count` produce requests (to any SPU) fail with `code`, and
    /// append nothing.
    pub fn fail_next_produces(&self, count: u32, code: crate::protocol::ErrorCode) {
        self.faults.fail_next_produces(count, code);
    }

    /// Produce requests are answered `delay` late (zero: on time again).
    pub fn set_produce_delay(&self, delay: Duration) {
        self.faults.set_produce_delay(delay);
    }

    /// The SC leaves the next `count` create requests unanswered and stops
    /// serving their connections, as the real SC does while it waits (up to
    /// 90 s) for a topic it cannot provision. Nothing is created.
    pub fn stall_next_creates(&self, count: u32) {
        self.faults.stall_next_creates(count);
    }

    /// Runs the cleaner once, at once, as if `ahead` more time had passed,
    /// so a test sees retention applied without waiting for it. Returns how
    /// many segments it removed.
    pub async fn run_cleaner(&self, ahead: Duration) -> usize {
        let (state, now) = (self.state.clone(), std::time::SystemTime::now() + ahead);
        tokio::task::spawn_blocking(move || state.clean(now)).await.unwrap_or(0)
    }

    /// The leader of `topic`'s `partition`, if it exists.
    pub fn leader_of(&self, topic: &str, partition: u32) -> Option<i32> {
        self.state.partition(topic, partition).map(|p| p.leader())
    }

    /// Stops accepting, closes every connection and syncs every log.
    pub async fn stop(self) -> io::Result<()> {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
        let state = self.state;
        tokio::task::spawn_blocking(move || {
            for partition in state.all_partitions() {
                partition.sync()?;
            }
            Ok(())
        })
        .await
        .map_err(io::Error::other)?
    }
}

/// How often the cleaner applies retention, as the real SPU's.
const CLEANER_PERIOD: Duration = Duration::from_secs(10);

/// Applies the topics' retention time and maximum partition size every
/// `CLEANER_PERIOD`.
async fn cleaner(state: Arc<ClusterState>, shutdown: Shutdown) {
    let mut ticker = tokio::time::interval(CLEANER_PERIOD);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.wait() => return,
        }
        let state = state.clone();
        let _ = tokio::task::spawn_blocking(move || state.clean(std::time::SystemTime::now())).await;
    }
}

/// Fsyncs logs whose interval policy is due, so a quiet log is not left
/// unsynced until its next append.
async fn flusher(state: Arc<ClusterState>, period: Duration, shutdown: Shutdown) {
    let mut ticker = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.wait() => return,
        }
        let state = state.clone();
        let _ = tokio::task::spawn_blocking(move || {
            for partition in state.all_partitions() {
                if let Err(e) = partition.sync_if_due() {
                    crate::log!(Error, "local", "fsync of {} failed: {e}", partition.key);
                }
            }
        })
        .await;
    }
}
