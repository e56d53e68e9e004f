/*
 * fluvio_testing.h — test aids of libfluvio's embedded cluster. TEST-ONLY.
 *
 * Generated from src/ffi/ by cbindgen and build/header.rs (do not edit
 * by hand).
 *
 * These functions inject faults into an embedded cluster started with
 * fluvio_local_cluster_start (see fluvio.h): stopped SPUs, dropped
 * connections, moved leaders, failing or slow produce requests. They
 * exist to test how an application copes with a failing cluster. They
 * are outside the stability promise of fluvio.h: they may change or go
 * in any release, without a deprecation period. Never use them in a
 * production program.
 */

#ifndef FLUVIO_TESTING_H
#define FLUVIO_TESTING_H

#include "fluvio.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ========================================================================
 * 1. Fault injection on the embedded cluster
 *
 * Fault injection for tests, on the embedded cluster: stopping and
 * restarting SPUs, dropping connections, moving leaders, failing or
 * delaying produce requests, running the cleaner. Declared in `fluvio_testing.h`, outside the
 * stability promise of `fluvio.h`.
 * ======================================================================== */

/**
 * Test aid: takes SPU `spu` (5001 for the first) down: its connections
 * drop and new ones are refused until `fluvio_local_cluster_start_spu`.
 * Its partitions keep their data. Any thread may call it.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster or an unknown SPU.
 *
 * Safety:
 * `cluster` must be NULL or a live cluster.
 */
enum fluvio_status fluvio_local_cluster_stop_spu(struct fluvio_local_cluster *cluster, int32_t spu);

/**
 * Test aid: brings SPU `spu` back after `fluvio_local_cluster_stop_spu`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster or an unknown SPU.
 *
 * Safety:
 * `cluster` must be NULL or a live cluster.
 */
enum fluvio_status fluvio_local_cluster_start_spu(struct fluvio_local_cluster *cluster,
                                                  int32_t spu);

/**
 * Test aid: closes every client connection of the SC and every SPU (they
 * keep listening).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster.
 *
 * Safety:
 * `cluster` must be NULL or a live cluster.
 */
enum fluvio_status fluvio_local_cluster_drop_connections(struct fluvio_local_cluster *cluster);

/**
 * Test aid: makes SPU `spu` the leader of `topic`'s `partition`. Clients
 * see the move in their metadata; streams and produce requests on the old
 * leader get NotLeaderForPartition.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL arguments, an unknown SPU
 * or partition.
 *
 * Safety:
 * `cluster` must be NULL or a live cluster; `topic` a NUL-terminated string.
 */
enum fluvio_status fluvio_local_cluster_move_leader(struct fluvio_local_cluster *cluster,
                                                    const char *topic,
                                                    uint32_t partition,
                                                    int32_t spu);

/**
 * Test aid: the next `count` produce requests (to any SPU) fail with the
 * Fluvio error code `error_code` (for example 6, NotLeaderForPartition,
 * which producers retry; 10, MessageTooLarge, which they do not) and
 * append nothing. 0 clears it.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster or a code that is
 * not a Fluvio error code without fields.
 *
 * Safety:
 * `cluster` must be NULL or a live cluster.
 */
enum fluvio_status fluvio_local_cluster_fail_next_produces(struct fluvio_local_cluster *cluster,
                                                           uint32_t count,
                                                           int16_t error_code);

/**
 * Test aid: produce requests are answered `delay_ms` late (0: on time
 * again), to see requests time out while a cluster is slow.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster or a negative
 * delay.
 *
 * Safety:
 * `cluster` must be NULL or a live cluster.
 */
enum fluvio_status fluvio_local_cluster_set_produce_delay_ms(struct fluvio_local_cluster *cluster,
                                                             int32_t delay_ms);

/**
 * Test aid: runs the cluster's cleaner once, now, as if `seconds_ahead`
 * more seconds had passed: it deletes what topics' retention times and
 * maximum partition sizes say is due (closed segments only, as the real
 * SPU's cleaner, which otherwise runs every 10 s). `*removed` (if not
 * NULL) receives how many segments it deleted.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL cluster.
 *
 * Safety:
 * `cluster` must be NULL or a live cluster; `removed` NULL or writable.
 */
enum fluvio_status fluvio_local_cluster_run_cleaner(struct fluvio_local_cluster *cluster,
                                                    uint32_t seconds_ahead,
                                                    size_t *removed);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* FLUVIO_TESTING_H */
