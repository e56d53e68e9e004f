//! The C ABI, and nothing else: status codes, the last-error text, version
//! information, and the panic boundary every exported function goes through.
//! `unsafe` code lives here and nowhere else in the crate.

#![allow(non_camel_case_types)]

mod client;
mod cluster_admin;
mod client_config;
mod consumer;
mod consumer_offsets;
mod deprecated;
mod error;
mod local;
mod local_faults;
mod log;
mod offset;
mod producer;
mod readiness;
mod record;
mod runtime;
mod smartmodule;
mod smartmodule_admin;
mod topic_admin;
mod util;
mod version;

pub use client::*;
pub use cluster_admin::*;
pub use client_config::*;
pub use consumer::*;
pub use consumer_offsets::*;
#[allow(deprecated)]
pub use deprecated::*;
pub use error::*;
pub use local::*;
pub use local_faults::*;
pub use log::*;
pub use offset::*;
pub use producer::*;
pub use record::*;
pub use smartmodule::*;
pub use smartmodule_admin::*;
pub use topic_admin::*;
pub use version::*;

/// What the header promises about threads, checked by the compiler: a
/// handle "any thread may use" is `Send + Sync`; one used "from one thread
/// at a time" (settings, a stream) is `Send`, so it may move between threads.
const _: () = {
    const fn any_thread<T: Send + Sync>() {}
    const fn one_thread_at_a_time<T: Send>() {}
    any_thread::<fluvio_client>();
    any_thread::<fluvio_topic_list>();
    any_thread::<fluvio_consumer>();
    any_thread::<fluvio_record>();
    any_thread::<fluvio_consumer_offset_list>();
    any_thread::<fluvio_local_cluster>();
    any_thread::<fluvio_producer>();
    any_thread::<fluvio_delivery>();
    any_thread::<fluvio_smartmodule_list>();
    any_thread::<fluvio_partition_list>();
    any_thread::<fluvio_spu_list>();
    any_thread::<fluvio_consumer_lag_list>();
    one_thread_at_a_time::<fluvio_client_config>();
    one_thread_at_a_time::<fluvio_consumer_config>();
    one_thread_at_a_time::<fluvio_stream>();
    one_thread_at_a_time::<fluvio_local_config>();
    one_thread_at_a_time::<fluvio_producer_config>();
    one_thread_at_a_time::<fluvio_smartmodule>();
    one_thread_at_a_time::<fluvio_smartmodule_package>();
    one_thread_at_a_time::<fluvio_topic_config>();
};
