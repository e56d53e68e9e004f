//! Fault injection for tests, on the embedded cluster: stopping and
//! restarting SPUs, dropping connections, moving leaders, failing or
//! delaying produce requests, running the cleaner. Declared in `fluvio_testing.h`, outside the
//! stability promise of `fluvio.h`.

use std::ffi::c_char;

use super::error::{ffi_guard, FfiError, fluvio_status};
use super::local::fluvio_local_cluster;
use super::runtime::block_on;
use super::util::c_str;
use crate::local::{LocalCluster, FIRST_SPU_ID};

/// Runs `f` on a live cluster.
///
/// # Safety
/// `cluster` must be NULL or a live cluster.
unsafe fn with_cluster(cluster: *const fluvio_local_cluster, f: impl FnOnce(&LocalCluster) -> Result<(), FfiError>) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: NULL-checked; live per the contract.
        let handle = unsafe { cluster.as_ref() }.ok_or_else(|| FfiError::invalid("cluster is NULL"))?;
        let cluster = handle.cluster.as_ref().ok_or_else(|| FfiError::new(fluvio_status::FLUVIO_ERR_CLOSED, "the cluster was stopped"))?;
        f(cluster)
    })
}

fn known_spu(cluster: &LocalCluster, spu: i32) -> Result<(), FfiError> {
    let count = cluster.spu_addrs().len() as i32;
    if spu < FIRST_SPU_ID || spu >= FIRST_SPU_ID + count {
        return Err(FfiError::invalid(format!("there is no SPU {spu} (SPUs are {FIRST_SPU_ID}..{})", FIRST_SPU_ID + count - 1)));
    }
    Ok(())
}

/// Test aid: takes SPU `spu` (5001 for the first) down: its connections
/// drop and new ones are refused until `fluvio_local_cluster_start_spu`.
/// Its partitions keep their data. Any thread may call it.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster or an unknown SPU.
///
/// # Safety
/// `cluster` must be NULL or a live cluster.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_cluster_stop_spu(cluster: *mut fluvio_local_cluster, spu: i32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_cluster(cluster, |c| {
            known_spu(c, spu)?;
            c.stop_spu(spu);
            Ok(())
        })
    }
}

/// Test aid: brings SPU `spu` back after `fluvio_local_cluster_stop_spu`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster or an unknown SPU.
///
/// # Safety
/// `cluster` must be NULL or a live cluster.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_cluster_start_spu(cluster: *mut fluvio_local_cluster, spu: i32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_cluster(cluster, |c| {
            known_spu(c, spu)?;
            c.start_spu(spu);
            Ok(())
        })
    }
}

/// Test aid: closes every client connection of the SC and every SPU (they
/// keep listening).
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster.
///
/// # Safety
/// `cluster` must be NULL or a live cluster.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_cluster_drop_connections(cluster: *mut fluvio_local_cluster) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_cluster(cluster, |c| {
            c.drop_connections();
            Ok(())
        })
    }
}

/// Test aid: makes SPU `spu` the leader of `topic`'s `partition`. Clients
/// see the move in their metadata; streams and produce requests on the old
/// leader get NotLeaderForPartition.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL arguments, an unknown SPU
/// or partition.
///
/// # Safety
/// `cluster` must be NULL or a live cluster; `topic` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_cluster_move_leader(
    cluster: *mut fluvio_local_cluster,
    topic: *const c_char,
    partition: u32,
    spu: i32,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_cluster(cluster, |c| {
            let topic = c_str(topic, "topic")?;
            c.move_leader(topic, partition, spu).map_err(FfiError::invalid)
        })
    }
}

/// Test aid: the next `count` produce requests (to any SPU) fail with the
/// Fluvio error code `error_code` (for example 6, NotLeaderForPartition,
/// which producers retry; 10, MessageTooLarge, which they do not) and
/// append nothing. 0 clears it.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster or a code that is
/// not a Fluvio error code without fields.
///
/// # Safety
/// `cluster` must be NULL or a live cluster.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_cluster_fail_next_produces(
    cluster: *mut fluvio_local_cluster,
    count: u32,
    error_code: i16,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_cluster(cluster, |c| {
            let code = crate::protocol::ErrorCode::unit_from_tag(error_code)
                .filter(|code| *code != crate::protocol::ErrorCode::None)
                .ok_or_else(|| FfiError::invalid(format!("{error_code} is not a Fluvio error code without fields")))?;
            c.fail_next_produces(count, code);
            Ok(())
        })
    }
}

/// Test aid: produce requests are answered `delay_ms` late (0: on time
/// again), to see requests time out while a cluster is slow.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster or a negative
/// delay.
///
/// # Safety
/// `cluster` must be NULL or a live cluster.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_cluster_set_produce_delay_ms(cluster: *mut fluvio_local_cluster, delay_ms: i32) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_cluster(cluster, |c| {
            let delay = u64::try_from(delay_ms).map_err(|_| FfiError::invalid(format!("a delay of {delay_ms} ms is negative")))?;
            c.set_produce_delay(std::time::Duration::from_millis(delay));
            Ok(())
        })
    }
}

/// Test aid: runs the cluster's cleaner once, now, as if `seconds_ahead`
/// more seconds had passed: it deletes what topics' retention times and
/// maximum partition sizes say is due (closed segments only, as the real
/// SPU's cleaner, which otherwise runs every 10 s). `*removed` (if not
/// NULL) receives how many segments it deleted.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster.
///
/// # Safety
/// `cluster` must be NULL or a live cluster; `removed` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn fluvio_local_cluster_run_cleaner(
    cluster: *mut fluvio_local_cluster,
    seconds_ahead: u32,
    removed: *mut usize,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_cluster(cluster, |c| {
            let count = block_on(c.run_cleaner(std::time::Duration::from_secs(seconds_ahead.into())))?;
            if let Some(removed) = removed.as_mut() {
                *removed = count;
            }
            Ok(())
        })
    }
}
