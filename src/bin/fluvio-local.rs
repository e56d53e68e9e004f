//! `fluvio-local`: the embedded Fluvio cluster as a stand-alone server.
//!
//! Prints the SC endpoint (`127.0.0.1:PORT`) as its first line on stdout
//! once it is ready to serve; logs go to stderr. SIGINT and SIGTERM stop it
//! cleanly. It writes nothing outside its data directory.

use std::process::ExitCode;
use std::time::Duration;

use fluvio::local::{ClusterConfig, FsyncPolicy, LocalCluster, ServerTls};
use fluvio::tls::Pem;

const USAGE: &str = "\
usage: fluvio-local --data-dir DIR [options]

  --data-dir DIR            where topics and their logs are kept (required)
  --port PORT               SC port (default 0: a free port)
  --host ADDR               address to listen on (default 127.0.0.1)
  --spus N                  number of SPUs (default 1)
  --spu-ports P1,P2,...     SPU ports (default: free ports)
  --topic NAME[:PARTITIONS] create the topic if missing (repeatable)
  --fsync always|never|MS   when to fsync appends (default always: nothing acknowledged is
                            lost in a power cut; MS: at most every MS ms, a power cut loses
                            up to MS ms of appends; never: up to each partition's active
                            segment; every policy survives kill -9)
  --segment-bytes N         segment size (default 67108864)
  --retention-bytes N       keep at most about N bytes per partition (default: keep all)
  --cut-batches             cut the last batch of each fetch at max_bytes, as the
                            official SPU does (for testing clients)
  --imitate-real-spu-sockets
                            use sockets as the real SC and SPUs do: Nagle on,
                            StreamFetch frames in two writes (for testing clients)
  --smartmodule-timeout-ms MS
                            wall-clock bound of one SmartModule call (default 10000)
  --smartmodule-fuel N      work bound of one SmartModule call, in function calls
                            and loop iterations (default 4294967296)
  --tls-cert FILE           serve TLS on the SC and every SPU with this PEM
                            certificate chain (needs --tls-key)
  --tls-key FILE            the PEM private key of --tls-cert
  --tls-client-ca FILE      require client certificates signed by this PEM CA
  -h, --help                this text";

struct Args {
    config: ClusterConfig,
    topics: Vec<(String, u32)>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut data_dir = None;
    let mut config = ClusterConfig::new("");
    let mut topics = Vec::new();
    let (mut tls_cert, mut tls_key, mut tls_client_ca) = (None::<String>, None::<String>, None::<String>);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let number = |name: &str, text: String| text.parse::<u64>().map_err(|_| format!("{name}: not a number: {text}"));
        match arg.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--data-dir" => data_dir = Some(value("--data-dir")?),
            "--host" => config.host = value("--host")?,
            "--port" => config.sc_port = value("--port")?.parse().map_err(|_| "--port: not a port".to_string())?,
            "--spus" => config.spus = value("--spus")?.parse().map_err(|_| "--spus: not a count".to_string())?,
            "--spu-ports" => {
                config.spu_ports = value("--spu-ports")?
                    .split(',')
                    .map(|p| p.parse().map_err(|_| format!("--spu-ports: not a port: {p}")))
                    .collect::<Result<_, _>>()?
            }
            "--topic" => {
                let spec = value("--topic")?;
                let (name, partitions) = match spec.split_once(':') {
                    Some((name, n)) => (name.to_string(), n.parse().map_err(|_| format!("--topic {spec}: bad partition count"))?),
                    None => (spec, 1),
                };
                topics.push((name, partitions));
            }
            "--fsync" => {
                config.log.fsync = match value("--fsync")?.as_str() {
                    "always" => FsyncPolicy::Always,
                    "never" => FsyncPolicy::Never,
                    ms => FsyncPolicy::Interval(Duration::from_millis(number("--fsync", ms.to_string())?)),
                }
            }
            "--segment-bytes" => config.log.segment_bytes = number("--segment-bytes", value("--segment-bytes")?)?,
            "--retention-bytes" => config.log.retention_bytes = Some(number("--retention-bytes", value("--retention-bytes")?)?),
            "--cut-batches" => config.cut_batches = true,
            "--imitate-real-spu-sockets" => config.imitate_real_spu_sockets = true,
            "--smartmodule-timeout-ms" => {
                let ms = number("--smartmodule-timeout-ms", value("--smartmodule-timeout-ms")?)?;
                config.smartmodule_timeout = Duration::from_millis(ms.max(1));
            }
            "--smartmodule-fuel" => config.smartmodule_fuel = number("--smartmodule-fuel", value("--smartmodule-fuel")?)?.max(1),
            "--tls-cert" => tls_cert = Some(value("--tls-cert")?),
            "--tls-key" => tls_key = Some(value("--tls-key")?),
            "--tls-client-ca" => tls_client_ca = Some(value("--tls-client-ca")?),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    config.data_dir = data_dir.ok_or("--data-dir is required")?.into();
    config.tls = match (tls_cert, tls_key) {
        (Some(cert), Some(key)) => Some(ServerTls {
            cert: Pem::File(cert.into()),
            key: Pem::File(key.into()),
            client_ca: tls_client_ca.map(|ca| Pem::File(ca.into())),
        }),
        (None, None) if tls_client_ca.is_none() => None,
        _ => return Err("--tls-cert and --tls-key go together (and --tls-client-ca needs them)".into()),
    };
    Ok(Args { config, topics })
}

async fn run(args: Args) -> Result<(), String> {
    let data_dir = args.config.data_dir.display().to_string();
    let cluster = LocalCluster::start(args.config).await.map_err(|e| format!("starting the cluster in {data_dir}: {e}"))?;
    let endpoint = cluster.endpoint();
    for (name, partitions) in &args.topics {
        cluster.ensure_topic(name, *partitions).map_err(|e| format!("topic {name}: {e}"))?;
    }
    println!("{endpoint}");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    eprintln!("fluvio-local: serving {data_dir} on {endpoint} (SPUs: {:?})", cluster.spu_addrs());

    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(|e| e.to_string())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    eprintln!("fluvio-local: stopping");
    cluster.stop().await.map_err(|e| format!("stopping: {e}"))
}

fn main() -> ExitCode {
    // A server's operator wants to see connections come and go.
    fluvio::log::set_threshold(fluvio::log::Level::Info);
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("fluvio-local: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("fluvio-local: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fluvio-local: {message}");
            ExitCode::FAILURE
        }
    }
}
