/*
 * fluvio.h — the C API of libfluvio, the C client library for the Fluvio
 * streaming platform.
 *
 * Generated from src/ffi/ by cbindgen and build/header.rs (do not edit by
 * hand). This header is the manual: each section below opens with what it
 * covers, and every function says what it returns, what it owns and who may
 * call it.
 *
 * OVERVIEW
 *
 * A Fluvio cluster stores records in topics; a topic has partitions, each an
 * ordered, durable log on an SPU (a streaming processing unit), and the SC
 * (streaming controller) knows where each partition lives. With libfluvio a
 * program connects to the SC (fluvio_connect) and gets a client; from it a
 * producer sends records to a topic (fluvio_producer_new,
 * fluvio_producer_send, fluvio_producer_flush) and a consumer reads them
 * back (fluvio_consumer_new, fluvio_consumer_stream, fluvio_stream_next).
 * The same program runs against the embedded cluster that ships with the
 * library (fluvio_local_cluster_start: one process, durable on local disk)
 * and against a real multi-node Fluvio cluster: only the endpoint differs.
 *
 * A complete program (c-examples/quickstart.c; build it with
 * `cc quickstart.c $(pkg-config --cflags --libs fluvio)`):
 *
 *     // quickstart: the whole API in one program. Starts the embedded cluster,
 *     // creates a topic, produces three records, reads them back, stops.
 *     // Against a real cluster, connect to its SC instead (fluvio_connect with
 *     // "host:9003", or NULL for the Fluvio profile) and skip the embedded part.
 *     #include <stdio.h>
 *     #include <string.h>
 *
 *     #include "fluvio.h"
 *
 *     // Prints what failed and why; returns 1, the program's exit status.
 *     static int fail(const char *what, fluvio_status status) {
 *         fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
 *         return 1;
 *     }
 *
 *     int main(void) {
 *         // An embedded cluster with the defaults: one SPU, a fresh temporary
 *         // data directory, a free port on 127.0.0.1.
 *         struct fluvio_local_cluster *cluster = NULL;
 *         fluvio_status status = fluvio_local_cluster_start(NULL, &cluster);
 *         if (status != FLUVIO_OK) return fail("start the cluster", status);
 *
 *         struct fluvio_client *client = NULL;
 *         status = fluvio_connect(fluvio_local_cluster_endpoint(cluster), &client);
 *         if (status != FLUVIO_OK) return fail("connect", status);
 *
 *         status = fluvio_topic_create(client, "quickstart", 1, 1);
 *         if (status != FLUVIO_OK) return fail("create the topic", status);
 *
 *         // NULL settings: batches of 16384 bytes, 100 ms linger, no compression.
 *         struct fluvio_producer *producer = NULL;
 *         status = fluvio_producer_new(client, "quickstart", NULL, &producer);
 *         if (status != FLUVIO_OK) return fail("create the producer", status);
 *         const char *values[] = {"one", "two", "three"};
 *         for (int i = 0; i < 3; i++) {
 *             status = fluvio_producer_send(producer, "n", 1, values[i], strlen(values[i]));
 *             if (status != FLUVIO_OK) return fail("send", status);
 *         }
 *         // Sends what is batched and waits until the cluster stored it.
 *         status = fluvio_producer_flush(producer, 10000);
 *         if (status != FLUVIO_OK) return fail("flush", status);
 *         fluvio_producer_free(producer);
 *
 *         struct fluvio_consumer *consumer = NULL;
 *         status = fluvio_consumer_new(client, "quickstart", 0, &consumer);
 *         if (status != FLUVIO_OK) return fail("create the consumer", status);
 *         struct fluvio_stream *stream = NULL;
 *         status = fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream);
 *         if (status != FLUVIO_OK) return fail("open the stream", status);
 *         for (int i = 0; i < 3; i++) {
 *             struct fluvio_record *record = NULL;
 *             status = fluvio_stream_next(stream, 10000, &record);
 *             if (status != FLUVIO_OK) return fail("read a record", status);
 *             printf("offset %lld: %s\n", (long long)fluvio_record_offset(record), fluvio_record_value_str(record));
 *             fluvio_record_free(record);
 *         }
 *
 *         // Everything is freed in reverse order of creation.
 *         fluvio_stream_free(stream);
 *         fluvio_consumer_free(consumer);
 *         fluvio_client_free(client);
 *         status = fluvio_local_cluster_stop(cluster);
 *         if (status != FLUVIO_OK) return fail("stop the cluster", status);
 *         return 0;
 *     }
 *
 * CONVENTIONS
 *
 *   Names      Functions are fluvio_<object>_<verb> (fluvio_producer_send,
 *              fluvio_stream_next), but for fluvio_connect*, which make a
 *              client; every handle is an opaque struct fluvio_<object>, every
 *              constant FLUVIO_<NAME>.
 *   Errors     A fallible function returns a fluvio_status: FLUVIO_OK (0) or
 *              an error code, never a crash on bad input (NULL pointers,
 *              invalid names, oversized records, a server that vanished).
 *              After an error, fluvio_last_error() describes it on this
 *              thread and fluvio_status_str() names the code.
 *   Ownership  Whatever a _new, _connect, _start or _create function hands
 *              out is released by the matching _free or _stop function;
 *              passing NULL to a _free function is a no-op. Every returned
 *              pointer that the caller does not own says how long it stays
 *              valid.
 *   Threads    Each handle says which threads may use it: clients, producers
 *              and consumers any thread, concurrently; settings objects and
 *              streams one thread at a time (they may move between threads).
 *              User callbacks run on the thread that polls, never while the
 *              library holds a lock, and must not unwind (no C++ exceptions,
 *              no longjmp).
 *   Timeouts   Every time in the API is an int32_t in milliseconds. Where it
 *              bounds a wait, 0 does not wait and -1 (any negative value)
 *              waits without limit; a call that runs out of time returns
 *              FLUVIO_ERR_TIMEOUT. Settings say what 0 and -1 mean for them.
 *   Events     Delivery reports and log messages queue inside the library and
 *              are handed to their callbacks on the application's thread
 *              (fluvio_producer_poll, fluvio_log_poll, flush); a file
 *              descriptor per producer and per stream is readable exactly
 *              when something waits, for poll/epoll and event loops.
 *   Panics     An internal bug is reported as FLUVIO_ERR_PANIC; it never
 *              unwinds into C.
 *   Stability  Functions and constants are only added; a renamed function
 *              keeps its old name, deprecated, for one release (section
 *              "Deprecated names", CHANGELOG.md). fluvio_testing.h, the
 *              embedded cluster's fault-injection aids, is outside this
 *              promise.
 */

#ifndef FLUVIO_H
#define FLUVIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Marks a name kept for compatibility; see the section "Deprecated names". */
#if defined(__GNUC__) || defined(__clang__)
#define FLUVIO_DEPRECATED(note) __attribute__((deprecated(note)))
#else
#define FLUVIO_DEPRECATED(note)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ========================================================================
 * Handles
 *
 * Every object of the API, declared here so each section can name any of
 * them. All are opaque: only pointers to them exist in C. Each one says
 * which call creates it, which frees it, and which threads may use it.
 * ======================================================================== */

/**
 * A connection to a Fluvio cluster (its SC, and SPUs as needed). Created
 * by `fluvio_connect`, freed by `fluvio_client_free`. Any thread may use
 * it, concurrently; producers and consumers made from it share its
 * connections and keep them alive.
 */
struct fluvio_client;

/**
 * Connection settings for `fluvio_connect_with_config`. Created by
 * `fluvio_client_config_new`, freed by `fluvio_client_config_free`; one
 * thread at a time may change it.
 */
struct fluvio_client_config;

/**
 * A consumer of one, several or every partition of a topic, created by
 * `fluvio_consumer_new` or `fluvio_consumer_new_with_config`. Any thread
 * may use it; it is freed by `fluvio_consumer_free` (streams opened from it
 * keep working).
 */
struct fluvio_consumer;

/**
 * Consumer settings, for `fluvio_consumer_new_with_config`. Created by
 * `fluvio_consumer_config_new`, freed by `fluvio_consumer_config_free`; one
 * thread at a time may change it.
 */
struct fluvio_consumer_config;

/**
 * Lags from `fluvio_consumer_lag_list`; freed by `fluvio_consumer_lag_list_free`.
 */
struct fluvio_consumer_lag_list;

/**
 * A list of stored consumer offsets, from `fluvio_consumer_offset_list`,
 * owned by the caller until `fluvio_consumer_offset_list_free`. Any thread
 * may read it.
 */
struct fluvio_consumer_offset_list;

/**
 * The delivery result of one record, from `fluvio_producer_send_with_delivery`.
 * Freed by `fluvio_delivery_free`; any thread may wait on it.
 */
struct fluvio_delivery;

/**
 * A running embedded cluster (an SC and its SPUs on 127.0.0.1), from
 * `fluvio_local_cluster_start`, owned by the caller until
 * `fluvio_local_cluster_stop`. Any thread may use it.
 */
struct fluvio_local_cluster;

/**
 * Settings for `fluvio_local_cluster_start`. Create with
 * `fluvio_local_config_new`, free with `fluvio_local_config_free`. Not
 * thread-safe: configure it from one thread at a time.
 */
struct fluvio_local_config;

/**
 * Partitions from `fluvio_partition_list`; freed by `fluvio_partition_list_free`.
 */
struct fluvio_partition_list;

/**
 * A producer for one topic, created by `fluvio_producer_new`. Any thread
 * may send, flush and poll, concurrently. Freed by `fluvio_producer_free`,
 * which flushes first.
 */
struct fluvio_producer;

/**
 * Producer settings. Created by `fluvio_producer_config_new`, freed by
 * `fluvio_producer_config_free`; configure it from one thread at a time.
 */
struct fluvio_producer_config;

/**
 * A consumed record, from `fluvio_stream_next` or
 * `fluvio_stream_next_batch`, owned by the caller until
 * `fluvio_record_free`. Any thread may read it.
 */
struct fluvio_record;

/**
 * One SmartModule to apply, with its settings. Created by
 * `fluvio_smartmodule_named`, `fluvio_smartmodule_from_wasm` or
 * `fluvio_smartmodule_from_wasm_file`, freed by `fluvio_smartmodule_free`;
 * one thread at a time may change it. Adding it to a consumer or producer
 * configuration copies it.
 */
struct fluvio_smartmodule;

/**
 * Stored SmartModules, from `fluvio_smartmodule_list`. Read-only; any
 * thread may read it. Freed by `fluvio_smartmodule_list_free`.
 */
struct fluvio_smartmodule_list;

/**
 * The package metadata of a SmartModule (what its `SmartModule.toml`
 * says), for `fluvio_smartmodule_create`. Created by
 * `fluvio_smartmodule_package_new`, freed by
 * `fluvio_smartmodule_package_free`; one thread at a time may change it.
 */
struct fluvio_smartmodule_package;

/**
 * SPUs from `fluvio_spu_list`; freed by `fluvio_spu_list_free`.
 */
struct fluvio_spu_list;

/**
 * A stream of records, opened by `fluvio_consumer_stream`. One thread at a
 * time may read it (calls are serialized internally, so concurrent calls
 * are safe but wait). Freed by `fluvio_stream_free`.
 */
struct fluvio_stream;

/**
 * Options of a topic to create: `fluvio_topic_config_new`, the setters,
 * `fluvio_topic_create_with_config`, `fluvio_topic_config_free`. Use it
 * from one thread at a time; it may be freed as soon as the topic exists.
 */
struct fluvio_topic_config;

/**
 * Topics as the cluster describes them, from `fluvio_topic_list` or
 * `fluvio_topic_describe`. Read-only; any thread may read it. Freed by
 * `fluvio_topic_list_free`.
 */
struct fluvio_topic_list;

/* ========================================================================
 * 1. Version
 *
 * The library's version, to compare with the header's.
 * ======================================================================== */

/**
 * Major version of the libfluvio this header belongs to.
 */
#define FLUVIO_VERSION_MAJOR 0

/**
 * Minor version of the libfluvio this header belongs to.
 */
#define FLUVIO_VERSION_MINOR 1

/**
 * Patch version of the libfluvio this header belongs to.
 */
#define FLUVIO_VERSION_PATCH 0

/**
 * Returns the version of the linked library as `"MAJOR.MINOR.PATCH"`.
 *
 * Compare it with the `FLUVIO_VERSION_*` macros to detect a header/library
 * mismatch. The string is static: never free it. Any thread may call this.
 */
const char *fluvio_version(void);

/* ========================================================================
 * 2. Errors
 *
 * Status codes, and the last error of each thread: its message, the
 * cluster's error code, and whether retrying may succeed. (On the Rust
 * side: also the panic boundary every exported function runs behind.)
 * ======================================================================== */

/**
 * The result of every fallible libfluvio function. `FLUVIO_OK` is 0; on any
 * other value, `fluvio_last_error()` describes what went wrong on this
 * thread. New codes are only ever added at the end.
 */
enum fluvio_status {
  /**
   * Success.
   */
  FLUVIO_OK = 0,
  /**
   * An argument was NULL, empty, out of range or otherwise unusable.
   */
  FLUVIO_ERR_INVALID_ARGUMENT = 1,
  /**
   * The operation did not complete within its timeout.
   */
  FLUVIO_ERR_TIMEOUT = 2,
  /**
   * The cluster could not be reached, or the connection was lost.
   */
  FLUVIO_ERR_CONNECTION = 3,
  /**
   * A peer sent bytes that break the Fluvio protocol.
   */
  FLUVIO_ERR_PROTOCOL = 4,
  /**
   * The cluster answered with an error code (see the message).
   */
  FLUVIO_ERR_SERVER = 5,
  /**
   * The topic does not exist.
   */
  FLUVIO_ERR_TOPIC_NOT_FOUND = 6,
  /**
   * The topic already exists.
   */
  FLUVIO_ERR_TOPIC_EXISTS = 7,
  /**
   * A record is larger than the producer's maximum request size.
   */
  FLUVIO_ERR_RECORD_TOO_LARGE = 8,
  /**
   * The producer's queue is full and it was configured not to block.
   */
  FLUVIO_ERR_QUEUE_FULL = 9,
  /**
   * The handle (or the client it belongs to) was closed.
   */
  FLUVIO_ERR_CLOSED = 10,
  /**
   * A local I/O operation (file, socket setup) failed.
   */
  FLUVIO_ERR_IO = 11,
  /**
   * A bug inside libfluvio was caught before it could unwind into C.
   */
  FLUVIO_ERR_PANIC = 12,
  /**
   * Not an error: a non-continuous stream delivered every record it was
   * opened for.
   */
  FLUVIO_END_OF_STREAM = 13,
  /**
   * A SmartModule failed: it could not be found or loaded, it trapped, or
   * it returned an error. The message is the module's own, with the offset
   * of the record that failed.
   */
  FLUVIO_ERR_SMARTMODULE = 14,
};
typedef enum fluvio_status fluvio_status;
/* The name the API overview uses for a timed-out wait. */
#define FLUVIO_TIMEOUT FLUVIO_ERR_TIMEOUT

/**
 * Returns the message of the last failure on the calling thread, or an
 * empty string when nothing has failed yet.
 *
 * The pointer is owned by libfluvio and stays valid until the next libfluvio
 * call on the same thread that fails; copy it if you need it longer. Never
 * NULL. Any thread may call this; each thread has its own message.
 */
const char *fluvio_last_error(void);

/**
 * Returns the Fluvio error code behind the last failure on the calling
 * thread: the number the cluster answered with (for example 2001,
 * TopicNotFound, also for FLUVIO_ERR_TOPIC_NOT_FOUND found in the client's
 * metadata; 6004, SmartModuleRuntimeError), or 0 when the failure carried
 * none. `fluvio_error_code_name` names it. Any thread may call this.
 */
int32_t fluvio_last_error_code(void);

/**
 * Returns true if the last failure on the calling thread is transient: the
 * same call may succeed later (a timeout, a lost connection, a leader that
 * moved or an SPU that is away). Any thread may call this.
 */
bool fluvio_last_error_retriable(void);

/**
 * Returns the name of a Fluvio error code, as the official clients'
 * `ErrorCode` variant is called (for example `"TopicNotFound"` for 2001,
 * `"None"` for 0), or NULL for a number that is no Fluvio error code. The
 * names are stable: wrappers may map them to typed errors.
 *
 * The string is static: never free it. Any thread may call this.
 */
const char *fluvio_error_code_name(int32_t code);

/**
 * Returns the name of a status code (for example `"FLUVIO_ERR_TIMEOUT"`),
 * or `"FLUVIO_UNKNOWN_STATUS"` for a value that is not a status.
 *
 * The string is static: never free it. Any thread may call this.
 */
const char *fluvio_status_str(int32_t status);

/* ========================================================================
 * 3. Connecting
 *
 * Connecting to a cluster, the client handle, its statistics, and the
 * cluster's platform version.
 * ======================================================================== */

/**
 * Connects to the cluster whose SC listens at `endpoint` (`"host:port"`),
 * over plain TCP.
 *
 * `endpoint` may be NULL, to connect as the official clients do: to the
 * endpoint in the `FLUVIO_ENDPOINT` environment variable if it is set;
 * else with the current profile of the Fluvio profile file
 * (`$FLV_PROFILE_PATH`, else `~/.fluvio/config`, if it exists: endpoint,
 * TLS, client id); else to `"127.0.0.1:9003"`. On success `*out` owns the
 * client: free it with `fluvio_client_free`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (out is NULL, endpoint empty or not
 * UTF-8, a malformed profile file: the message names it),
 * FLUVIO_ERR_CONNECTION (nothing listens there, or it is not a
 * Fluvio SC), FLUVIO_ERR_TIMEOUT (no answer within 15 s), or
 * FLUVIO_ERR_PROTOCOL (the peer does not speak Fluvio).
 *
 * Safety:
 * `endpoint` must be NULL or a NUL-terminated string; `out` a valid pointer.
 */
enum fluvio_status fluvio_connect(const char *endpoint, struct fluvio_client **out);

/**
 * Frees a client. Producers, consumers and streams made from it keep
 * working until they are freed themselves. NULL is a no-op.
 *
 * Safety:
 * `client` must be NULL or from `fluvio_connect`, and not used after.
 */
void fluvio_client_free(struct fluvio_client *client);

/**
 * Writes a snapshot of the client's statistics to `*json` as a JSON
 * object, NUL-terminated, owned by the caller: free it with
 * `fluvio_string_free`. Its fields (`"version": 1`; later versions only
 * add fields):
 *
 * - `producer`: of every producer of this client: `records` and `bytes`
 *   (key + value) acknowledged, `batches`, `batch_bytes_uncompressed` and
 *   `batch_bytes_compressed` on the wire and their `compression_ratio`,
 *   `failed_records`, `retries` (batches sent again), the gauges
 *   `requests_in_flight` and `queued_records` (sent, not yet acknowledged
 *   or failed), and `requests` with `latency_us` percentiles (`p50`, `p90`,
 *   `p99`, `max`) of produce round trips, each the upper bound of a bucket
 *   (within 19 %);
 * - `consumer`: `records` and `bytes` received by this client's streams,
 *   and `partitions`: for each partition of every open stream, `topic`,
 *   `partition`, `position` (the next offset the application will read),
 *   `high_watermark` (the last the SPU reported) and `lag` (their
 *   difference);
 * - `reconnects`: connections to the SC or an SPU made again after a drop.
 *
 * Counters are updated as batches and frames complete, so a snapshot taken
 * right after `fluvio_producer_flush` returns counts every record it flushed. Any
 * thread may call this.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `client` or `json` is NULL.
 *
 * Safety:
 * `client` must be a live client; `json` a valid pointer.
 */
enum fluvio_status fluvio_client_stats(const struct fluvio_client *client, char **json);

/**
 * The platform version of the cluster (e.g. "0.18.1"), as its SC reported
 * it when the client last connected. On success `*version` owns the
 * string: free it with `fluvio_string_free`. Any thread may call this.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `client` or `version` is NULL.
 *
 * Safety:
 * `client` must be a live client; `version` a valid pointer.
 */
enum fluvio_status fluvio_client_platform_version(const struct fluvio_client *client,
                                                  char **version);

/**
 * Frees a string libfluvio handed to the caller (`fluvio_client_stats`,
 * `fluvio_client_platform_version`).
 * NULL is a no-op.
 *
 * Safety:
 * `s` must be NULL or such a string, not used after.
 */
void fluvio_string_free(char *s);

/* ========================================================================
 * 4. Connection settings
 *
 * Connection settings from C: endpoint, TLS policy and client id, set one
 * by one or loaded from a Fluvio profile, and the calls that connect with
 * them.
 * ======================================================================== */

/**
 * Which TLS policy a connection uses (the Fluvio profile's `tls_policy`).
 */
typedef uint32_t fluvio_tls_policy;

/**
 * Plain TCP (the default).
 */
#define FLUVIO_TLS_DISABLED 0

/**
 * TLS without a client certificate. The server's certificate is verified
 * against the CA given with `fluvio_client_config_set_tls_ca`, or the
 * system's trusted roots without one, for the endpoint's host name (or
 * the domain given with `fluvio_client_config_set_tls_domain`). Note: the
 * official clients do not verify the server under this policy; libfluvio
 * does.
 */
#define FLUVIO_TLS_ANONYMOUS 1

/**
 * Mutual TLS: the server is verified against the given CA for the given
 * domain, and the client presents its certificate
 * (`fluvio_client_config_set_tls_client_cert`). All three are required.
 */
#define FLUVIO_TLS_VERIFIED 2

/**
 * Creates connection settings: endpoint 127.0.0.1:9003, TLS disabled,
 * client id "fluvio".
 *
 * Returns NULL only if memory is exhausted.
 */
struct fluvio_client_config *fluvio_client_config_new(void);

/**
 * Frees connection settings. NULL is a no-op.
 *
 * Safety:
 * `config` must be NULL or from `fluvio_client_config_new`, not used after.
 */
void fluvio_client_config_free(struct fluvio_client_config *config);

/**
 * Replaces the settings with those of the Fluvio profile `profile` (NULL:
 * the current profile) of the profile file: `$FLV_PROFILE_PATH`, else
 * `~/.fluvio/config` (the file the `fluvio` CLI writes): its endpoint, TLS
 * policy and certificates, and client id.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL, the file is
 * missing or malformed (the message names the file and the problem), or
 * the profile or its cluster is not defined.
 *
 * Safety:
 * `config` must be a live configuration; `profile` NULL or a
 * NUL-terminated string.
 */
enum fluvio_status fluvio_client_config_load_profile(struct fluvio_client_config *config,
                                                     const char *profile);

/**
 * Sets the SC endpoint, `"host:port"` (copied).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL arguments or an empty or
 * non-UTF-8 endpoint.
 *
 * Safety:
 * `config` must be a live configuration; `endpoint` a NUL-terminated string.
 */
enum fluvio_status fluvio_client_config_set_endpoint(struct fluvio_client_config *config,
                                                     const char *endpoint);

/**
 * Sets the client id sent with every request (default "fluvio"; copied).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL arguments or an empty,
 * non-UTF-8 or over-long (32767 bytes) id.
 *
 * Safety:
 * `config` must be a live configuration; `client_id` a NUL-terminated string.
 */
enum fluvio_status fluvio_client_config_set_client_id(struct fluvio_client_config *config,
                                                      const char *client_id);

/**
 * Sets how long an admin request (topic create, delete and list; consumer
 * offset list and delete) waits for the cluster's answer, in milliseconds
 * (default 60000; -1: without limit). A connection to the SC that leaves a
 * request unanswered that long is closed and replaced, so later requests
 * do not queue behind it.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL config or a timeout of 0.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_client_config_set_request_timeout_ms(struct fluvio_client_config *config,
                                                               int32_t timeout_ms);

/**
 * Sets the TLS policy: FLUVIO_TLS_DISABLED, FLUVIO_TLS_ANONYMOUS or
 * FLUVIO_TLS_VERIFIED. Certificates and domain set before are kept where
 * the new policy uses them; what a policy needs but lacks is reported by
 * `fluvio_connect_with_config`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `policy` is
 * unknown.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_client_config_set_tls_policy(struct fluvio_client_config *config,
                                                       fluvio_tls_policy policy);

/**
 * Sets the domain the server's certificate must be valid for (required by
 * FLUVIO_TLS_VERIFIED; with FLUVIO_TLS_ANONYMOUS, the endpoint's host by
 * default). Copied.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL arguments, an empty domain,
 * or TLS disabled.
 *
 * Safety:
 * `config` must be a live configuration; `domain` a NUL-terminated string.
 */
enum fluvio_status fluvio_client_config_set_tls_domain(struct fluvio_client_config *config,
                                                       const char *domain);

/**
 * Sets the CA certificate(s) the server is verified against: PEM text
 * (starting with "-----BEGIN") or the path of a PEM file, read when
 * connecting. Copied.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL or empty arguments, or TLS
 * disabled.
 *
 * Safety:
 * `config` must be a live configuration; `ca_cert` a NUL-terminated string.
 */
enum fluvio_status fluvio_client_config_set_tls_ca(struct fluvio_client_config *config,
                                                   const char *ca_cert);

/**
 * Sets the client certificate and its private key (FLUVIO_TLS_VERIFIED):
 * each PEM text (starting with "-----BEGIN") or the path of a PEM file,
 * read when connecting. Copied.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL or empty arguments, or a
 * policy other than FLUVIO_TLS_VERIFIED.
 *
 * Safety:
 * `config` must be a live configuration; `cert` and `key` NUL-terminated
 * strings.
 */
enum fluvio_status fluvio_client_config_set_tls_client_cert(struct fluvio_client_config *config,
                                                            const char *cert,
                                                            const char *key);

/**
 * Connects as `config` says (read only; it may be freed right after). On
 * success `*out` owns the client: free it with `fluvio_client_free`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments; certificates or
 * keys that cannot be read or parsed, a verified policy without domain,
 * CA, certificate or key: the message names which),
 * FLUVIO_ERR_CONNECTION (nothing listens there; a TLS handshake failed:
 * unknown CA, wrong domain, expired certificate, client certificate
 * refused or missing, TLS against a plain port or the reverse — the
 * message says which), FLUVIO_ERR_TIMEOUT, or FLUVIO_ERR_PROTOCOL.
 *
 * Safety:
 * `config` must be a live configuration; `out` a valid pointer.
 */
enum fluvio_status fluvio_connect_with_config(const struct fluvio_client_config *config,
                                              struct fluvio_client **out);

/**
 * Connects with the Fluvio profile `profile` (NULL: the current profile)
 * of the profile file (`$FLV_PROFILE_PATH`, else `~/.fluvio/config`). On
 * success `*out` owns the client.
 *
 * Returns what `fluvio_client_config_load_profile` and
 * `fluvio_connect_with_config` return.
 *
 * Safety:
 * `profile` must be NULL or a NUL-terminated string; `out` a valid pointer.
 */
enum fluvio_status fluvio_connect_profile(const char *profile, struct fluvio_client **out);

/* ========================================================================
 * 5. Producer
 *
 * Producer configuration, producers, sending, flushing, delivery results.
 * ======================================================================== */

/**
 * How long `fluvio_producer_free` waits for acknowledgements; a sensible
 * `fluvio_producer_flush` timeout too.
 */
#define FLUVIO_FLUSH_TIMEOUT_MS 60000

/**
 * A compression codec for produced batches: one of `FLUVIO_COMPRESSION_*`.
 */
typedef uint32_t fluvio_compression;

/**
 * A custom partitioner: returns the partition (in `0..partition_count`) for
 * a record. `key` is NULL for a record without a key. Called on the thread
 * that calls `fluvio_producer_send`, never while libfluvio holds a lock;
 * it must not unwind (no C++ exceptions, no longjmp) and must be safe to
 * call from every thread that sends.
 */
typedef uint32_t (*fluvio_partitioner_fn)(void *user_data,
                                          const void *key,
                                          size_t key_len,
                                          const void *value,
                                          size_t value_len,
                                          uint32_t partition_count);

/**
 * One record's delivery report, borrowed by `fluvio_delivery_report_fn`
 * for the length of the call (copy what you keep). Fields may be added at
 * the end in later versions.
 */
struct fluvio_delivery_report {
  /**
   * What the caller passed to `fluvio_producer_send_opaque` (NULL for
   * the other send calls).
   */
  void *opaque;
  /**
   * FLUVIO_OK when the cluster stored the record; otherwise why not.
   */
  enum fluvio_status status;
  /**
   * The partition the record was assigned to.
   */
  uint32_t partition;
  /**
   * Its offset in the partition; -1 when it failed.
   */
  int64_t offset;
  /**
   * Its timestamp (milliseconds since the Unix epoch), as sent.
   */
  int64_t timestamp;
  /**
   * The Fluvio error code of a failure (0: none; see `fluvio_error_code_name`).
   */
  int32_t error_code;
  /**
   * Whether the failure was transient (it was retried as the delivery
   * semantic says before it was reported).
   */
  bool retriable;
  /**
   * The failure's message, NUL-terminated; NULL on success. Valid only
   * during the callback.
   */
  const char *error;
};

/**
 * A delivery-report callback: called once for every record sent, success
 * or failure, in the order they were sent within each partition (which is
 * the order they were stored, unless a retry let a newer request land
 * first; see `fluvio_producer_config_set_max_in_flight`). It runs only on a thread
 * that calls `fluvio_producer_poll`, `fluvio_producer_flush` or
 * `fluvio_producer_free`, never on a library thread and never while
 * libfluvio holds a lock. It may call back into libfluvio, including
 * `fluvio_producer_send*` and `fluvio_producer_flush` on the same producer (a poll
 * or flush from inside a callback serves no reports: they stay queued for
 * the outer one). It must not unwind (no C++ exceptions, no longjmp).
 */
typedef void (*fluvio_delivery_report_fn)(void *user_data,
                                          const struct fluvio_delivery_report *report);

/**
 * How a producer delivers (the official clients' delivery semantic).
 */
typedef uint32_t fluvio_delivery_semantic;

/**
 * One record for `fluvio_producer_send_batch`. `key` NULL: no key.
 */
struct fluvio_record_in {
  const void *key;
  size_t key_len;
  const void *value;
  size_t value_len;
};
typedef struct fluvio_record_in fluvio_record_in;

/**
 * No compression (the default, unless the topic mandates a codec).
 */
#define FLUVIO_COMPRESSION_NONE 0

/**
 * gzip.
 */
#define FLUVIO_COMPRESSION_GZIP 1

/**
 * Snappy (framing format).
 */
#define FLUVIO_COMPRESSION_SNAPPY 2

/**
 * LZ4 (frame format).
 */
#define FLUVIO_COMPRESSION_LZ4 3

/**
 * Zstandard.
 */
#define FLUVIO_COMPRESSION_ZSTD 4

/**
 * At-least-once (the default): a batch failing with a retriable error (the
 * connection dropped, the leader moved, a timeout) is sent again as the
 * retry policy says; a record is lost only if its delivery reports an
 * error, and a retry after a lost acknowledgement may store it twice.
 */
#define FLUVIO_DELIVERY_AT_LEAST_ONCE 0

/**
 * At-most-once: a failed batch fails at once; nothing waits on an outage.
 */
#define FLUVIO_DELIVERY_AT_MOST_ONCE 1

/**
 * Creates producer settings with the defaults: batch size 16384 bytes,
 * linger 100 ms (the current official clients default to 0 ms), no
 * compression, the SipHash round-robin partitioner (keyed records land on
 * the partition the official clients choose; key-less records rotate),
 * maximum request size 1 MiB, 100 batches queued per partition, and `send`
 * waiting (up to 30 s) when that queue is full.
 *
 * Returns NULL only if memory is exhausted.
 */
struct fluvio_producer_config *fluvio_producer_config_new(void);

/**
 * Frees producer settings. NULL is a no-op. Producers created with them are
 * not affected.
 *
 * Safety:
 * `config` must be NULL or from `fluvio_producer_config_new`, not used after.
 */
void fluvio_producer_config_free(struct fluvio_producer_config *config);

/**
 * Sets the batch size: a partition's batch is sent once its uncompressed
 * size reaches `bytes` (default 16384).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `bytes` is 0.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_producer_config_set_batch_size(struct fluvio_producer_config *config,
                                                         size_t bytes);

/**
 * Sets the linger: how long a batch waits for more records before it is
 * sent (default 100 ms; 0 sends as soon as possible).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `ms` is
 * negative or exceeds one hour.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_producer_config_set_linger_ms(struct fluvio_producer_config *config,
                                                        int32_t ms);

/**
 * Sets the compression of produced batches (`FLUVIO_COMPRESSION_*`). A
 * topic created with a mandatory codec only accepts that codec.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or the codec is
 * unknown.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_producer_config_set_compression(struct fluvio_producer_config *config,
                                                          fluvio_compression compression);

/**
 * Sets a custom partitioner (see `fluvio_partitioner_fn`); NULL restores
 * the default. `user_data` is passed to every call and must outlive every
 * producer created with this configuration.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
 *
 * Safety:
 * `config` must be a live configuration; `f` must follow the contract of
 * `fluvio_partitioner_fn`.
 */
enum fluvio_status fluvio_producer_config_set_partitioner(struct fluvio_producer_config *config,
                                                          fluvio_partitioner_fn f,
                                                          void *user_data);

/**
 * Sets the delivery-report callback (see `fluvio_delivery_report_fn`;
 * NULL: none, the default). With one, every record sent gets exactly one
 * report, queued until the application serves it with
 * `fluvio_producer_poll` (or a flush, or `fluvio_producer_free`): poll
 * regularly, or the reports pile up in memory. `user_data` is passed to
 * every call and must outlive every producer created with this
 * configuration. Records refused by a send call (its status is not
 * FLUVIO_OK) get no report.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
 *
 * Safety:
 * `config` must be a live configuration; `f` must follow the contract of
 * `fluvio_delivery_report_fn`.
 */
enum fluvio_status fluvio_producer_config_set_delivery_report(struct fluvio_producer_config *config,
                                                              fluvio_delivery_report_fn f,
                                                              void *user_data);

/**
 * Sets the largest uncompressed batch a request may carry (default
 * 1048576); a record too large for it fails with FLUVIO_ERR_RECORD_TOO_LARGE.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `bytes` is
 * below 1024.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_producer_config_set_max_request_size(struct fluvio_producer_config *config,
                                                               size_t bytes);

/**
 * Sets what `fluvio_producer_send` does when a partition already has
 * `batches` batches waiting (default 100): wait up to `block_timeout_ms`
 * for room (`block` true; default 30000 ms; -1: without limit), or fail at
 * once with
 * FLUVIO_ERR_QUEUE_FULL (`block` false).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `batches` is 0.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_producer_config_set_queue(struct fluvio_producer_config *config,
                                                    size_t batches,
                                                    bool block,
                                                    int32_t block_timeout_ms);

/**
 * Sets the delivery semantic: FLUVIO_DELIVERY_AT_LEAST_ONCE (default, with
 * the retry policy of `fluvio_producer_config_set_retry`) or
 * FLUVIO_DELIVERY_AT_MOST_ONCE.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `delivery` is
 * unknown.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_producer_config_set_delivery(struct fluvio_producer_config *config,
                                                       fluvio_delivery_semantic delivery);

/**
 * Sets the at-least-once retry policy (and selects at-least-once): at most
 * `max_retries` retries per batch, the first after `initial_backoff_ms`,
 * each next one twice as late up to `max_backoff_ms`; a batch still
 * failing `timeout_ms` after it was first sent (-1: never) fails for good.
 * The default
 * is the official clients': 4 retries, 20 ms, 200 s, 300 s. Records of a
 * partition keep their order across retries (see
 * `fluvio_producer_config_set_max_in_flight`).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL, a backoff is not
 * positive, `max_backoff_ms` < `initial_backoff_ms`, or `timeout_ms` is 0.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_producer_config_set_retry(struct fluvio_producer_config *config,
                                                    uint32_t max_retries,
                                                    int32_t initial_backoff_ms,
                                                    int32_t max_backoff_ms,
                                                    int32_t timeout_ms);

/**
 * Sets how many produce requests per partition may be in flight (default
 * 5). A dropped connection or a leader move never reorders records; with
 * more than one in flight, a transient error on one request alone may let
 * the next one land first: 1 keeps strict order under every failure.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `requests` is
 * 0 or above 64.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_producer_config_set_max_in_flight(struct fluvio_producer_config *config,
                                                            uint32_t requests);

/**
 * Sets how long the cluster may take to answer one produce request
 * (default 30000 ms; -1: without limit); a request answered later counts
 * as failed (and at-least-once retries it).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `ms` is 0 or
 * above one hour.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_producer_config_set_request_timeout_ms(struct fluvio_producer_config *config,
                                                                 int32_t ms);

/**
 * Creates a producer for `topic`. `config` may be NULL for the defaults;
 * it is copied, so it may be freed right after. On success `*out` owns the
 * producer: free it with `fluvio_producer_free`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name, a
 * codec the topic does not allow), FLUVIO_ERR_TOPIC_NOT_FOUND, or a
 * connection error.
 *
 * Safety:
 * `client` must be a live client; `topic` a NUL-terminated string;
 * `config` NULL or a live configuration; `out` a valid pointer.
 */
enum fluvio_status fluvio_producer_new(struct fluvio_client *client,
                                       const char *topic,
                                       const struct fluvio_producer_config *config,
                                       struct fluvio_producer **out);

/**
 * Sends a record: copies it into its partition's batch and returns without
 * waiting for the network. `key` may be NULL for a record without a key (a
 * non-NULL key of length 0 is an empty key, which is hashed). The record's
 * timestamp is the time of this call. Delivery failures are reported by
 * the next `fluvio_producer_flush`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL producer, NULL buffer with a
 * non-zero length, a custom partitioner's out-of-range partition),
 * FLUVIO_ERR_RECORD_TOO_LARGE, FLUVIO_ERR_QUEUE_FULL or FLUVIO_ERR_TIMEOUT
 * (queue full; see `fluvio_producer_config_set_queue`).
 *
 * Safety:
 * `producer` must be a live producer; `key`/`value` NULL or readable for
 * `key_len`/`value_len` bytes.
 */
enum fluvio_status fluvio_producer_send(struct fluvio_producer *producer,
                                        const void *key,
                                        size_t key_len,
                                        const void *value,
                                        size_t value_len);

/**
 * As `fluvio_producer_send`; `opaque` comes back in the record's delivery
 * report (see `fluvio_producer_config_set_delivery_report`). libfluvio
 * never dereferences it.
 *
 * Safety:
 * As `fluvio_producer_send`.
 */
enum fluvio_status fluvio_producer_send_opaque(struct fluvio_producer *producer,
                                               const void *key,
                                               size_t key_len,
                                               const void *value,
                                               size_t value_len,
                                               void *opaque);

/**
 * As `fluvio_producer_send`, and hands back a delivery handle in `*out` to
 * learn the record's partition and offset (`fluvio_delivery_wait`). Free it
 * with `fluvio_delivery_free`.
 *
 * Returns what `fluvio_producer_send` returns, and FLUVIO_ERR_INVALID_ARGUMENT
 * if `out` is NULL.
 *
 * Safety:
 * As `fluvio_producer_send`; `out` must be a valid pointer.
 */
enum fluvio_status fluvio_producer_send_with_delivery(struct fluvio_producer *producer,
                                                      const void *key,
                                                      size_t key_len,
                                                      const void *value,
                                                      size_t value_len,
                                                      struct fluvio_delivery **out);

/**
 * Sends `count` records in one call, in order (cheaper than one call each:
 * the records share one timestamp, and runs of records to one partition
 * are queued together). Stops at the first record that fails; `*sent` (if
 * not NULL) receives how many were accepted.
 *
 * Returns what `fluvio_producer_send` returns for the failing record, or
 * FLUVIO_ERR_INVALID_ARGUMENT if `records` is NULL with a non-zero count.
 *
 * Safety:
 * `producer` must be a live producer; `records` NULL or `count` readable
 * records whose buffers follow `fluvio_producer_send`'s rules; `sent` NULL
 * or writable.
 */
enum fluvio_status fluvio_producer_send_batch(struct fluvio_producer *producer,
                                              const struct fluvio_record_in *records,
                                              size_t count,
                                              size_t *sent);

/**
 * Sends every pending record now and waits until each was acknowledged or
 * failed, at most `timeout_ms` (-1: without limit; `FLUVIO_FLUSH_TIMEOUT_MS`
 * is what `fluvio_producer_free` allows), then serves the waiting delivery
 * reports and log messages on this thread. Returns the first delivery
 * failure since the previous flush (its message in `fluvio_last_error`),
 * FLUVIO_ERR_TIMEOUT, or FLUVIO_ERR_PANIC if a task of the producer
 * panicked.
 *
 * Safety:
 * `producer` must be a live producer.
 */
enum fluvio_status fluvio_producer_flush(struct fluvio_producer *producer, int32_t timeout_ms);

/**
 * Serves what waits for the application on this thread: calls the
 * delivery-report callback for every report queued (see
 * `fluvio_producer_config_set_delivery_report`), and the log callback for
 * every log message queued (see `fluvio_log_set_callback`). Waits up to
 * `timeout_ms` (0: not at all; negative: without limit) for a report when
 * none waits. `*served` (if not NULL) receives how many reports were
 * served; 0 when none came in time, which is not an error. Call it
 * regularly, or when `fluvio_producer_fd` polls readable.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `producer` is NULL, or
 * FLUVIO_ERR_PANIC once a task of the producer panicked (the reports of
 * the records it failed are served first).
 *
 * Safety:
 * `producer` must be a live producer; `served` NULL or writable.
 */
enum fluvio_status fluvio_producer_poll(struct fluvio_producer *producer,
                                        int32_t timeout_ms,
                                        size_t *served);

/**
 * A file descriptor that is readable exactly while delivery reports wait,
 * for poll/epoll/select or an event loop: when it polls readable, call
 * `fluvio_producer_poll(producer, 0, NULL)`. It is never readable with
 * nothing to serve. Owned by the producer (do not read, write or close
 * it); valid until `fluvio_producer_free`. Returns -1 if `producer` is
 * NULL or was created without a delivery-report callback.
 *
 * Safety:
 * `producer` must be NULL or a live producer.
 */
int32_t fluvio_producer_fd(const struct fluvio_producer *producer);

/**
 * Flushes (at most `FLUVIO_FLUSH_TIMEOUT_MS`), stops the producer, serves
 * its last delivery reports on this thread, and frees it. Records still
 * undelivered then fail (and are reported so). NULL is a no-op.
 *
 * Safety:
 * `producer` must be NULL or from `fluvio_producer_new`, not used after
 * (by any thread).
 */
void fluvio_producer_free(struct fluvio_producer *producer);

/**
 * Waits up to `timeout_ms` (negative: without limit) for the record's
 * delivery, then writes its partition and offset (either out-pointer may
 * be NULL).
 *
 * Returns FLUVIO_OK when delivered, FLUVIO_ERR_TIMEOUT if not known yet
 * (wait again later), or the delivery's failure.
 *
 * Safety:
 * `delivery` must be a live handle; `partition`/`offset` NULL or writable.
 */
enum fluvio_status fluvio_delivery_wait(const struct fluvio_delivery *delivery,
                                        int32_t timeout_ms,
                                        uint32_t *partition,
                                        int64_t *offset);

/**
 * Frees a delivery handle (the record is delivered regardless). NULL is a no-op.
 *
 * Safety:
 * `delivery` must be NULL or from `fluvio_producer_send_with_delivery`, not
 * used after.
 */
void fluvio_delivery_free(struct fluvio_delivery *delivery);

/* ========================================================================
 * 6. Offsets
 *
 * Where a stream starts: an absolute offset, or a distance from the
 * beginning or the end of the partition.
 * ======================================================================== */

/**
 * What a `fluvio_offset` counts from.
 */
typedef uint32_t fluvio_offset_kind;

/**
 * Where a stream starts; build one with the `fluvio_offset_*` functions.
 */
struct fluvio_offset {
  fluvio_offset_kind kind;
  int64_t value;
};
typedef struct fluvio_offset fluvio_offset;

/**
 * `value` is an absolute offset.
 */
#define FLUVIO_OFFSET_ABSOLUTE 0

/**
 * `value` records after the first stored record.
 */
#define FLUVIO_OFFSET_FROM_BEGINNING 1

/**
 * `value` records before the end.
 */
#define FLUVIO_OFFSET_FROM_END 2

/**
 * The first record still stored.
 */
struct fluvio_offset fluvio_offset_beginning(void);

/**
 * The end: only records produced after the stream opens.
 */
struct fluvio_offset fluvio_offset_end(void);

/**
 * Offset `offset` (a negative one is refused by `fluvio_consumer_stream`;
 * one past the end waits for it to be produced).
 */
struct fluvio_offset fluvio_offset_absolute(int64_t offset);

/**
 * `n` records after the first one still stored.
 */
struct fluvio_offset fluvio_offset_from_beginning(uint32_t n);

/**
 * `n` records before the end: the last `n` records, then new ones.
 */
struct fluvio_offset fluvio_offset_from_end(uint32_t n);

/* ========================================================================
 * 7. Consumer and streams
 *
 * Consumers and the record streams they open (with a readiness file
 * descriptor for event loops).
 * ======================================================================== */

/**
 * `fluvio_consumer_new`'s partition argument for "every partition of the topic".
 */
#define FLUVIO_ALL_PARTITIONS -1

/**
 * How a named consumer's offsets are stored on the cluster.
 */
typedef uint32_t fluvio_offset_strategy;

/**
 * No offsets are stored (the default).
 */
#define FLUVIO_OFFSET_STRATEGY_NONE 0

/**
 * `fluvio_stream_commit` and `fluvio_stream_flush` store them.
 */
#define FLUVIO_OFFSET_STRATEGY_MANUAL 1

/**
 * Every record `fluvio_stream_next` hands out is committed; commits are
 * flushed periodically (see `fluvio_consumer_config_set_offset_flush_ms`)
 * and when the stream is freed.
 */
#define FLUVIO_OFFSET_STRATEGY_AUTO 2

/**
 * Creates a consumer of `topic`'s `partition`, or of all its partitions
 * with `FLUVIO_ALL_PARTITIONS`. On success `*out` owns the consumer.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name, a
 * partition the topic does not have), FLUVIO_ERR_TOPIC_NOT_FOUND, or a
 * connection error.
 *
 * Safety:
 * `client` must be a live client; `topic` a NUL-terminated string; `out`
 * a valid pointer.
 */
enum fluvio_status fluvio_consumer_new(struct fluvio_client *client,
                                       const char *topic,
                                       int32_t partition,
                                       struct fluvio_consumer **out);

/**
 * Creates consumer settings with the defaults: every partition of the
 * topic, no consumer id, FLUVIO_OFFSET_STRATEGY_NONE, automatic flushes
 * every 10 s (as the official clients), at most 1048890 bytes per fetch,
 * a continuous stream (it waits for new records at the end), and 60 s of
 * reconnecting through failures.
 *
 * Returns NULL only if memory is exhausted.
 */
struct fluvio_consumer_config *fluvio_consumer_config_new(void);

/**
 * Frees consumer settings. NULL is a no-op. Consumers created with them
 * are not affected.
 *
 * Safety:
 * `config` must be NULL or from `fluvio_consumer_config_new`, not used after.
 */
void fluvio_consumer_config_free(struct fluvio_consumer_config *config);

/**
 * Names the consumer (`consumer_id`, copied; NULL removes the name). A
 * named consumer's stream starts relative to the offset after the last
 * record that consumer committed in each partition, when the cluster
 * stores one: `fluvio_offset_beginning()` resumes right there,
 * `fluvio_offset_from_beginning(n)` n records later,
 * `fluvio_offset_from_end(n)` n records earlier; an absolute offset
 * ignores the stored one. Without a stored offset the offset given to
 * `fluvio_consumer_stream` counts as usual. (The official clients resolve
 * offsets the same way.)
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL, or `consumer_id`
 * is empty, not UTF-8 or longer than 32767 bytes.
 *
 * Safety:
 * `config` must be a live configuration; `consumer_id` NULL or a
 * NUL-terminated string.
 */
enum fluvio_status fluvio_consumer_config_set_consumer_id(struct fluvio_consumer_config *config,
                                                          const char *consumer_id);

/**
 * Sets how the consumer's offsets are stored: FLUVIO_OFFSET_STRATEGY_NONE
 * (default), _MANUAL or _AUTO. A strategy other than NONE needs a consumer
 * id (checked when the consumer is created).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `strategy`
 * is unknown.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_consumer_config_set_offset_strategy(struct fluvio_consumer_config *config,
                                                              fluvio_offset_strategy strategy);

/**
 * Sets how often FLUVIO_OFFSET_STRATEGY_AUTO flushes committed offsets
 * (default 10000 ms).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `ms` is 0 or
 * above one hour.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_consumer_config_set_offset_flush_ms(struct fluvio_consumer_config *config,
                                                              int32_t ms);

/**
 * Adds `partition` to the partitions to consume (by default, and while
 * none is added: all of them). Records of one partition arrive in order;
 * partitions interleave.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or the partition
 * was already added.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_consumer_config_add_partition(struct fluvio_consumer_config *config,
                                                        uint32_t partition);

/**
 * Sets the most bytes one fetch may bring (default 1048890). A batch
 * larger than that is still delivered: the fetch grows as needed.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `bytes` is
 * not positive.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_consumer_config_set_max_bytes(struct fluvio_consumer_config *config,
                                                        int32_t bytes);

/**
 * `continuous` true (default): a stream waits for new records at the end.
 * false: it ends once it has delivered the records its partitions held
 * when it opened; `fluvio_stream_next` then returns FLUVIO_END_OF_STREAM
 * (the official clients' `disable_continuous`).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_consumer_config_set_continuous(struct fluvio_consumer_config *config,
                                                         bool continuous);

/**
 * Sets how long a partition's stream keeps re-opening after a failure it
 * can recover from (the connection dropped, the SPU is away, the leader
 * moved) before `fluvio_stream_next` reports the error (default 60000 ms;
 * 0: the first such error ends the stream; -1: keep re-opening). It
 * resumes at the first record not handed out yet: no gap, no repeat.
 * Meanwhile `fluvio_stream_next` returns FLUVIO_ERR_TIMEOUT when its own
 * timeout passes.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_consumer_config_set_reconnect_timeout_ms(struct fluvio_consumer_config *config,
                                                                   int32_t ms);

/**
 * Creates a consumer of `topic` with `config` (NULL: the defaults of
 * `fluvio_consumer_config_new`); the settings are copied. On success
 * `*out` owns the consumer.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name, a
 * partition the topic does not have, an offset strategy without a
 * consumer id), FLUVIO_ERR_TOPIC_NOT_FOUND, or a connection error.
 *
 * Safety:
 * `client` must be a live client; `topic` a NUL-terminated string;
 * `config` NULL or a live configuration; `out` a valid pointer.
 */
enum fluvio_status fluvio_consumer_new_with_config(struct fluvio_client *client,
                                                   const char *topic,
                                                   const struct fluvio_consumer_config *config,
                                                   struct fluvio_consumer **out);

/**
 * Frees a consumer. NULL is a no-op.
 *
 * Safety:
 * `consumer` must be NULL or from `fluvio_consumer_new` or
 * `fluvio_consumer_new_with_config`, not used after.
 */
void fluvio_consumer_free(struct fluvio_consumer *consumer);

/**
 * Opens a stream of the consumer's partition(s) from `offset`. With all
 * partitions, records of one partition arrive in order; partitions
 * interleave. On success `*out` owns the stream.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, a negative absolute
 * offset, an unknown offset kind) or a connection error.
 *
 * Safety:
 * `consumer` must be a live consumer; `out` a valid pointer.
 */
enum fluvio_status fluvio_consumer_stream(struct fluvio_consumer *consumer,
                                          struct fluvio_offset offset,
                                          struct fluvio_stream **out);

/**
 * Waits up to `timeout_ms` (0: do not wait; -1: without limit) for the
 * next record. On FLUVIO_OK `*out` owns the record (free it with
 * `fluvio_record_free`); otherwise `*out` is set to NULL.
 *
 * Returns FLUVIO_ERR_TIMEOUT (also named FLUVIO_TIMEOUT) when no record arrived in time (the stream
 * stays usable), FLUVIO_END_OF_STREAM when a non-continuous stream has
 * delivered everything it was opened for, the error that ended the stream
 * (for example FLUVIO_ERR_SERVER when the topic was deleted,
 * FLUVIO_ERR_CONNECTION when the cluster went away), and FLUVIO_ERR_CLOSED
 * on every call after such an error.
 *
 * Safety:
 * `stream` must be a live stream; `out` a valid pointer.
 */
enum fluvio_status fluvio_stream_next(struct fluvio_stream *stream,
                                      int32_t timeout_ms,
                                      struct fluvio_record **out);

/**
 * Hands over up to `max` records in one call: waits up to `timeout_ms`
 * (0: do not wait; -1: without limit) for the first, then adds those
 * already waiting, without waiting again. On FLUVIO_OK `records[0]` ..
 * `records[*count - 1]` hold 1 to `max` records in stream order, each owned
 * by the caller (free each with `fluvio_record_free`); otherwise `*count`
 * is 0. For callers that pay for every call (cgo, other FFIs), the same
 * records as that many `fluvio_stream_next` calls.
 *
 * Returns what `fluvio_stream_next` returns when no record came. An error
 * met after some records were handed over is returned by the next call,
 * with those records delivered first.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL `stream`, `records` or
 * `count`, or `max` 0.
 *
 * Safety:
 * `stream` must be a live stream; `records` valid for `max` writes;
 * `count` a valid pointer.
 */
enum fluvio_status fluvio_stream_next_batch(struct fluvio_stream *stream,
                                            struct fluvio_record **records,
                                            size_t max,
                                            int32_t timeout_ms,
                                            size_t *count);

/**
 * A file descriptor that is readable while records wait in the stream, for
 * poll/epoll/select or an event loop: when it polls readable, call
 * `fluvio_stream_next` with timeout 0 until FLUVIO_ERR_TIMEOUT. Owned by
 * the stream (do not read, write or close it); valid until
 * `fluvio_stream_free`. Returns -1 if `stream` is NULL.
 *
 * Safety:
 * `stream` must be NULL or a live stream.
 */
int32_t fluvio_stream_fd(const struct fluvio_stream *stream);

/**
 * Marks every record `fluvio_stream_next` has handed out so far as
 * consumed, in each partition; `fluvio_stream_flush` stores it on the
 * cluster. (With FLUVIO_OFFSET_STRATEGY_AUTO every record is committed
 * as it is handed out.)
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `stream` is NULL or its consumer
 * has no consumer id and offset strategy.
 *
 * Safety:
 * `stream` must be a live stream.
 */
enum fluvio_status fluvio_stream_commit(struct fluvio_stream *stream);

/**
 * Stores the committed offsets on the cluster and waits up to
 * `timeout_ms` (-1: without limit) until it has them durably. A consumer
 * opened later with the same consumer id resumes after them. Nothing to
 * store is success.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL `stream`, no consumer id and
 * offset strategy), FLUVIO_ERR_TIMEOUT, FLUVIO_ERR_SERVER (the cluster
 * refused, e.g. it keeps no consumer offsets), a connection error, or
 * FLUVIO_ERR_CLOSED if a partition's stream ended before it received its
 * first records.
 *
 * Safety:
 * `stream` must be a live stream.
 */
enum fluvio_status fluvio_stream_flush(struct fluvio_stream *stream, int32_t timeout_ms);

/**
 * Stops the stream and frees it. With FLUVIO_OFFSET_STRATEGY_AUTO it first
 * commits and flushes what was handed out, waiting up to 5 s (call
 * `fluvio_stream_flush` before to learn whether that worked). NULL is a
 * no-op.
 *
 * Safety:
 * `stream` must be NULL or from `fluvio_consumer_stream`, not used after
 * (by any thread).
 */
void fluvio_stream_free(struct fluvio_stream *stream);

/* ========================================================================
 * 8. Records
 *
 * Records a stream yields: key, value (also as a C string), offset,
 * partition and timestamp.
 * ======================================================================== */

/**
 * The record's key and its length in `*len` (if `len` is not NULL), or
 * NULL (and 0) when the record has no key. Owned by the record: valid
 * until `fluvio_record_free`.
 *
 * Safety:
 * `record` must be NULL or a live record; `len` NULL or writable.
 */
const void *fluvio_record_key(const struct fluvio_record *record, size_t *len);

/**
 * The record's value and its length in `*len` (if `len` is not NULL). The
 * bytes are followed by a NUL byte not counted in the length. Owned by the
 * record: valid until `fluvio_record_free`. NULL if `record` is NULL.
 *
 * Safety:
 * `record` must be NULL or a live record; `len` NULL or writable.
 */
const void *fluvio_record_value(const struct fluvio_record *record, size_t *len);

/**
 * The record's value as a C string (it stops at the first NUL byte if the
 * value contains one). Owned by the record: valid until
 * `fluvio_record_free`. NULL if `record` is NULL.
 *
 * Safety:
 * `record` must be NULL or a live record.
 */
const char *fluvio_record_value_str(const struct fluvio_record *record);

/**
 * The record's offset in its partition (-1 if `record` is NULL).
 *
 * Safety:
 * `record` must be NULL or a live record.
 */
int64_t fluvio_record_offset(const struct fluvio_record *record);

/**
 * The record's partition (0 if `record` is NULL).
 *
 * Safety:
 * `record` must be NULL or a live record.
 */
uint32_t fluvio_record_partition(const struct fluvio_record *record);

/**
 * When the record was produced, in milliseconds since the Unix epoch, or
 * -1 when unknown (or `record` is NULL).
 *
 * Safety:
 * `record` must be NULL or a live record.
 */
int64_t fluvio_record_timestamp(const struct fluvio_record *record);

/**
 * Frees a record. NULL is a no-op.
 *
 * Safety:
 * `record` must be NULL or from `fluvio_stream_next` or
 * `fluvio_stream_next_batch`, not used after.
 */
void fluvio_record_free(struct fluvio_record *record);

/* ========================================================================
 * 9. Consumer offsets
 *
 * Stored consumer offsets: listing and deleting what named consumers
 * committed (the official clients' `consumer_offsets` and
 * `delete_consumer_offset`).
 * ======================================================================== */

/**
 * Lists the offsets the cluster stores for named consumers, one entry per
 * consumer and partition, optionally only those of `consumer_id` and/or of
 * `topic` (NULL: any). On success `*out` owns the list.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL `client` or `out`, a filter
 * that is not UTF-8), FLUVIO_ERR_SERVER (e.g. the cluster keeps no
 * consumer offsets), or a connection error.
 *
 * Safety:
 * `client` must be a live client; `consumer_id` and `topic` NULL or
 * NUL-terminated strings; `out` a valid pointer.
 */
enum fluvio_status fluvio_consumer_offset_list(struct fluvio_client *client,
                                               const char *consumer_id,
                                               const char *topic,
                                               struct fluvio_consumer_offset_list **out);

/**
 * The number of entries (0 if `list` is NULL).
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
size_t fluvio_consumer_offset_list_count(const struct fluvio_consumer_offset_list *list);

/**
 * The consumer id of entry `index`, or NULL if `list` is NULL or `index`
 * is out of range. Owned by the list: valid until
 * `fluvio_consumer_offset_list_free`.
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
const char *fluvio_consumer_offset_list_consumer_id(const struct fluvio_consumer_offset_list *list,
                                                    size_t index);

/**
 * The topic of entry `index`, or NULL if `list` is NULL or `index` is out
 * of range. Owned by the list: valid until `fluvio_consumer_offset_list_free`.
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
const char *fluvio_consumer_offset_list_topic(const struct fluvio_consumer_offset_list *list,
                                              size_t index);

/**
 * The partition of entry `index` (0 if `list` is NULL or `index` is out of range).
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
uint32_t fluvio_consumer_offset_list_partition(const struct fluvio_consumer_offset_list *list,
                                               size_t index);

/**
 * The offset of the last record the consumer of entry `index` committed:
 * it resumes at the next one (-1 if `list` is NULL or `index` is out of
 * range).
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
int64_t fluvio_consumer_offset_list_offset(const struct fluvio_consumer_offset_list *list,
                                           size_t index);

/**
 * When entry `index` was last committed, in seconds since the Unix epoch
 * (0 if `list` is NULL or `index` is out of range).
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
uint64_t fluvio_consumer_offset_list_modified_time(const struct fluvio_consumer_offset_list *list,
                                                   size_t index);

/**
 * Frees a list. NULL is a no-op.
 *
 * Safety:
 * `list` must be NULL or from `fluvio_consumer_offset_list`, not used after.
 */
void fluvio_consumer_offset_list_free(struct fluvio_consumer_offset_list *list);

/**
 * Deletes the offset stored for `consumer_id` in `topic`'s `partition`: a
 * consumer with that id starts afresh there. Deleting an offset that is
 * not stored is success.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, an empty consumer
 * id, an invalid topic name), FLUVIO_ERR_SERVER, or a connection error.
 *
 * Safety:
 * `client` must be a live client; `consumer_id` and `topic` NUL-terminated
 * strings.
 */
enum fluvio_status fluvio_consumer_offset_delete(struct fluvio_client *client,
                                                 const char *consumer_id,
                                                 const char *topic,
                                                 uint32_t partition);

/* ========================================================================
 * 10. Topic admin
 *
 * Topic admin: creating topics (with retention, storage, compression,
 * placement and deduplication options), growing, deleting, listing and
 * describing them.
 *
 * A topic's options are set on a `fluvio_topic_config` and checked by the
 * cluster, which answers FLUVIO_ERR_SERVER with its reason (see
 * `fluvio_last_error`) for what it refuses, e.g. a retention under 10 s.
 * ======================================================================== */

/**
 * What the cluster made of a topic: one of `FLUVIO_TOPIC_STATUS_*`.
 */
typedef uint32_t fluvio_topic_status;

/**
 * One topic as the cluster describes it, from `fluvio_topic_list_get`.
 * Strings are owned by the list and valid until `fluvio_topic_list_free`;
 * so is the struct, which the library allocates (later versions may add
 * fields at its end: never copy it by value or allocate one).
 */
struct fluvio_topic_info {
  /**
   * The topic's name.
   */
  const char *name;
  uint32_t partitions;
  /**
   * Replicas of each partition.
   */
  uint32_t replication;
  /**
   * Whether the replicas were assigned explicitly (then `fluvio_partition_list` shows them).
   */
  bool assigned;
  /**
   * Whether SPU racks are ignored when placing replicas.
   */
  bool ignore_rack;
  /**
   * Records older than this are deleted, in whole segments; 0: not set
   * (the cluster's default: none on the embedded cluster, 7 days on a
   * real one).
   */
  uint32_t retention_secs;
  /**
   * Bytes after which a segment is closed; 0: the cluster's default.
   */
  uint32_t segment_size;
  /**
   * The oldest segments are deleted beyond this many bytes per
   * partition; 0: the cluster's default.
   */
  uint64_t max_partition_size;
  /**
   * The codec batches must use (`FLUVIO_COMPRESSION_*`), or `FLUVIO_COMPRESSION_ANY`.
   */
  fluvio_compression compression;
  /**
   * A system topic (hidden from `fluvio_topic_list`).
   */
  bool system;
  /**
   * Deduplication: records with a key seen among the last `dedup_count`
   * records (0: no deduplication) ...
   */
  uint64_t dedup_count;
  /**
   * ... and, unless 0, within this age, are dropped ...
   */
  uint64_t dedup_age_ms;
  /**
   * ... by this SmartModule (NULL without deduplication).
   */
  const char *dedup_filter;
  /**
   * `FLUVIO_TOPIC_STATUS_*`.
   */
  fluvio_topic_status status;
  /**
   * Why the status is what it is; never NULL, "" when there is nothing to say.
   */
  const char *reason;
};

/**
 * A topic accepts batches of any codec (the default for topics; not a
 * producer setting).
 */
#define FLUVIO_COMPRESSION_ANY 5

/**
 * Just created; not yet looked at.
 */
#define FLUVIO_TOPIC_STATUS_INIT 0

/**
 * Being provisioned.
 */
#define FLUVIO_TOPIC_STATUS_PENDING 1

/**
 * Not enough SPUs (e.g. for the replication); `reason` says more.
 */
#define FLUVIO_TOPIC_STATUS_INSUFFICIENT_RESOURCES 2

/**
 * The cluster found its configuration invalid; `reason` says why.
 */
#define FLUVIO_TOPIC_STATUS_INVALID_CONFIG 3

/**
 * Ready: every partition has a leader.
 */
#define FLUVIO_TOPIC_STATUS_PROVISIONED 4

/**
 * Being deleted.
 */
#define FLUVIO_TOPIC_STATUS_DELETING 5

/**
 * New topic options: one partition, one replica, the cluster's defaults
 * for everything else. NULL only if out of memory. Free with
 * `fluvio_topic_config_free`.
 */
struct fluvio_topic_config *fluvio_topic_config_new(void);

/**
 * Frees topic options. NULL is a no-op.
 *
 * Safety:
 * `config` must be NULL or from `fluvio_topic_config_new`, not used after.
 */
void fluvio_topic_config_free(struct fluvio_topic_config *config);

/**
 * Sets the number of partitions (default 1), placed by the cluster.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL, `partitions`
 * is 0, or replicas were assigned explicitly.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_topic_config_set_partitions(struct fluvio_topic_config *config,
                                                      uint32_t partitions);

/**
 * Sets the replicas per partition (default 1); the cluster needs at least
 * that many SPUs.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL, `replication`
 * is 0, or replicas were assigned explicitly.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_topic_config_set_replication(struct fluvio_topic_config *config,
                                                       uint32_t replication);

/**
 * Whether the cluster ignores SPU racks when it places replicas (default
 * false: replicas of a partition go to different racks where it can).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or replicas were
 * assigned explicitly.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_topic_config_set_ignore_rack(struct fluvio_topic_config *config,
                                                       bool ignore);

/**
 * Places partition `partition` on the SPUs `spu_ids[0..count]` (its
 * leader first) instead of letting the cluster choose. Assign partitions
 * in order, from 0; assigning one again replaces it. The first assignment
 * replaces the partition count and replication set before; every
 * partition must get the same number of distinct SPUs.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` or `spu_ids` is NULL,
 * `count` is 0, or `partition` skips one. The cluster refuses SPUs it
 * does not have (FLUVIO_ERR_SERVER).
 *
 * Safety:
 * `config` must be a live configuration; `spu_ids` must point to `count` ids.
 */
enum fluvio_status fluvio_topic_config_assign_replicas(struct fluvio_topic_config *config,
                                                       uint32_t partition,
                                                       const int32_t *spu_ids,
                                                       size_t count);

/**
 * Deletes records older than `seconds`, a whole segment at a time, once
 * every record of the segment is that old (the cluster's minimum is 10 s).
 * Unset, the cluster's default applies: none on the embedded cluster, 7
 * days on a real one.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_topic_config_set_retention_secs(struct fluvio_topic_config *config,
                                                          uint32_t seconds);

/**
 * Closes a partition's segment and starts the next past `bytes` (the
 * cluster's minimum is 1024; its default 1 GiB on a real cluster, 64 MiB
 * on the embedded one). A batch larger than a segment is refused.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_topic_config_set_segment_size(struct fluvio_topic_config *config,
                                                        uint32_t bytes);

/**
 * Deletes a partition's oldest segments while it holds more than `bytes`
 * (the cluster refuses less than 2048 or less than the segment size,
 * which is 1 GiB unless set).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_topic_config_set_max_partition_size(struct fluvio_topic_config *config,
                                                              uint64_t bytes);

/**
 * The codec every produced batch must use (`FLUVIO_COMPRESSION_*`); the
 * cluster refuses others with FLUVIO_ERR_SERVER (server code
 * CompressionError). Default `FLUVIO_COMPRESSION_ANY`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or the codec unknown.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_topic_config_set_compression(struct fluvio_topic_config *config,
                                                       fluvio_compression compression);

/**
 * Marks the topic a system topic (default false): hidden from
 * `fluvio_topic_list`, deleted only forcibly, never grown.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_topic_config_set_system(struct fluvio_topic_config *config, bool system);

/**
 * Deduplicates produced records: the SmartModule `filter` (stored on the
 * cluster, e.g. "fluvio/dedup-filter@0.1.0") drops a record whose key is
 * among the last `count` keys and, unless `age_ms` is 0, younger than
 * `age_ms`. Parameters for the module: `fluvio_topic_config_add_deduplication_param`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` or `filter` is NULL,
 * `filter` is empty or `count` is 0.
 *
 * Safety:
 * `config` must be a live configuration; `filter` a NUL-terminated string.
 */
enum fluvio_status fluvio_topic_config_set_deduplication(struct fluvio_topic_config *config,
                                                         uint64_t count,
                                                         uint64_t age_ms,
                                                         const char *filter);

/**
 * Adds (or replaces) parameter `key` = `value` of the deduplication
 * SmartModule.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL or
 * deduplication is not set.
 *
 * Safety:
 * `config` must be a live configuration; `key` and `value` NUL-terminated strings.
 */
enum fluvio_status fluvio_topic_config_add_deduplication_param(struct fluvio_topic_config *config,
                                                               const char *key,
                                                               const char *value);

/**
 * Creates `topic` with the options of `config` (NULL: one partition, one
 * replica) and waits until the cluster announced it, so a producer can be
 * created right after.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL `client` or `topic`, an
 * invalid name, a replication above the SPU count), FLUVIO_ERR_TOPIC_EXISTS,
 * FLUVIO_ERR_SERVER (options the cluster refuses; `fluvio_last_error` says
 * which), or a connection error.
 *
 * Safety:
 * `client` must be a live client; `topic` a NUL-terminated string;
 * `config` NULL or a live configuration.
 */
enum fluvio_status fluvio_topic_create_with_config(struct fluvio_client *client,
                                                   const char *topic,
                                                   const struct fluvio_topic_config *config);

/**
 * Adds `count` partitions to `topic` (placed by the cluster) and waits
 * until their leaders serve them. A producer keeps the partition count
 * it was created with (unlike the official Rust producer, which picks new
 * partitions up): create a new one to spread records over them.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name,
 * `count` 0), FLUVIO_ERR_TOPIC_NOT_FOUND, FLUVIO_ERR_SERVER (a system
 * topic, or one whose replicas were assigned explicitly), or a connection
 * error.
 *
 * Safety:
 * `client` must be a live client; `topic` a NUL-terminated string.
 */
enum fluvio_status fluvio_topic_add_partitions(struct fluvio_client *client,
                                               const char *topic,
                                               uint32_t count);

/**
 * Creates `topic` with `partitions` partitions, each with `replication`
 * replicas, and waits until the cluster announced it (so a producer can be
 * created right after).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments; a name that is
 * empty, longer than 63 bytes, or not made of `a-z`, `0-9` and inner `-`;
 * zero partitions or replication), FLUVIO_ERR_TOPIC_EXISTS,
 * FLUVIO_ERR_SERVER (e.g. not enough SPUs for the replication), or a
 * connection error.
 *
 * Safety:
 * `client` must be a live client; `topic` a NUL-terminated string.
 */
enum fluvio_status fluvio_topic_create(struct fluvio_client *client,
                                       const char *topic,
                                       uint32_t partitions,
                                       uint32_t replication);

/**
 * Deletes `topic` and all its records.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name),
 * FLUVIO_ERR_TOPIC_NOT_FOUND, or a connection error.
 *
 * Safety:
 * `client` must be a live client; `topic` a NUL-terminated string.
 */
enum fluvio_status fluvio_topic_delete(struct fluvio_client *client, const char *topic);

/**
 * Lists the cluster's topics (system topics excluded) with their options
 * and status. On success `*out` owns the list: read it with
 * `fluvio_topic_list_count` and `fluvio_topic_list_get`, free it with
 * `fluvio_topic_list_free`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments) or a connection error.
 *
 * Safety:
 * `client` must be a live client; `out` a valid pointer.
 */
enum fluvio_status fluvio_topic_list(struct fluvio_client *client, struct fluvio_topic_list **out);

/**
 * Describes one topic, system or not: on success `*out` owns a list of
 * exactly that topic, read as `fluvio_topic_list`'s.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, invalid name),
 * FLUVIO_ERR_TOPIC_NOT_FOUND, or a connection error.
 *
 * Safety:
 * `client` must be a live client; `topic` a NUL-terminated string; `out` a
 * valid pointer.
 */
enum fluvio_status fluvio_topic_describe(struct fluvio_client *client,
                                         const char *topic,
                                         struct fluvio_topic_list **out);

/**
 * Number of topics in the list (0 if `list` is NULL).
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
size_t fluvio_topic_list_count(const struct fluvio_topic_list *list);

/**
 * Topic `index` of the list, or NULL if `list` is NULL or `index` is out
 * of range. Owned by the list: valid until `fluvio_topic_list_free`.
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
const struct fluvio_topic_info *fluvio_topic_list_get(const struct fluvio_topic_list *list,
                                                      size_t index);

/**
 * Name of topic `index`, or NULL if `list` is NULL or `index` is out of
 * range. Owned by the list: valid until `fluvio_topic_list_free`.
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
const char *fluvio_topic_list_name(const struct fluvio_topic_list *list, size_t index);

/**
 * Partition count of topic `index`, or 0 if `list` is NULL or `index` is
 * out of range.
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
uint32_t fluvio_topic_list_partitions(const struct fluvio_topic_list *list, size_t index);

/**
 * Frees a topic list. NULL is a no-op.
 *
 * Safety:
 * `list` must be NULL or from `fluvio_topic_list`, and not used after.
 */
void fluvio_topic_list_free(struct fluvio_topic_list *list);

/* ========================================================================
 * 11. Cluster admin: partitions, SPUs, lag
 *
 * Cluster admin: the partitions with their leaders, replicas, offsets and
 * sizes (what `fluvio partition list` shows), the SPUs, and consumer lag.
 *
 * Each list is a snapshot the caller owns: read its entries with `_count`
 * and `_get`, free it with `_free`. An entry is a struct the library
 * allocates, valid (with its strings) until its list is freed; later
 * versions may add fields at its end, so never copy one by value or
 * allocate one. Any thread may read a list.
 * ======================================================================== */

/**
 * A partition's state: one of `FLUVIO_PARTITION_STATUS_*`.
 */
typedef uint32_t fluvio_partition_status;

/**
 * One partition, from `fluvio_partition_list_get`.
 */
struct fluvio_partition_info {
  const char *topic;
  uint32_t partition;
  /**
   * The SPU id of its leader.
   */
  int32_t leader;
  /**
   * The SPU ids of its replicas, leader first: `replica_count` of them.
   */
  const int32_t *replicas;
  size_t replica_count;
  /**
   * Followers whose log ends where the leader's does (0 without followers).
   */
  uint32_t in_sync_followers;
  /**
   * `FLUVIO_PARTITION_STATUS_*`.
   */
  fluvio_partition_status status;
  /**
   * The offset the next record gets.
   */
  int64_t log_end_offset;
  /**
   * The offset up to which records are committed (what consumers see).
   */
  int64_t high_watermark;
  /**
   * The first offset still stored (retention removes older ones); a real
   * SC may report 0 here whatever was removed.
   */
  int64_t log_start_offset;
  /**
   * Bytes on disk; -1 when the SPU could not tell.
   */
  int64_t size;
  /**
   * Whether the partition is being deleted with its topic.
   */
  bool deleting;
};

/**
 * An SPU's state: one of `FLUVIO_SPU_STATUS_*`.
 */
typedef uint32_t fluvio_spu_status;

/**
 * One SPU, from `fluvio_spu_list_get`.
 */
struct fluvio_spu_info {
  /**
   * The id partitions name as their leader.
   */
  int32_t id;
  const char *name;
  /**
   * Where clients reach it, `host:port`.
   */
  const char *public_endpoint;
  /**
   * Where other SPUs reach it, `host:port`.
   */
  const char *private_endpoint;
  /**
   * Its rack, or NULL.
   */
  const char *rack;
  /**
   * `FLUVIO_SPU_STATUS_*`.
   */
  fluvio_spu_status status;
  /**
   * Registered by hand (true; e.g. `fluvio cluster start --local`) or
   * managed by the cluster (false; e.g. an SPU group on Kubernetes).
   */
  bool custom;
};

/**
 * A consumer's lag in one partition, from `fluvio_consumer_lag_list_get`.
 */
struct fluvio_consumer_lag {
  const char *consumer_id;
  const char *topic;
  uint32_t partition;
  /**
   * The offset of the last record the consumer committed.
   */
  int64_t offset;
  /**
   * The partition's high watermark, as its leader reports it now; -1
   * when the partition no longer exists.
   */
  int64_t high_watermark;
  /**
   * Records the consumer has yet to commit: `high_watermark - (offset + 1)`
   * (never below 0); -1 when the partition no longer exists.
   */
  int64_t lag;
  /**
   * When the offset was last committed, in seconds since the Unix epoch.
   */
  uint64_t modified_time;
};

/**
 * No leader is serving it.
 */
#define FLUVIO_PARTITION_STATUS_OFFLINE 0

/**
 * Its leader serves it.
 */
#define FLUVIO_PARTITION_STATUS_ONLINE 1

/**
 * Its leader is offline.
 */
#define FLUVIO_PARTITION_STATUS_LEADER_OFFLINE 2

/**
 * A new leader was elected and is taking over.
 */
#define FLUVIO_PARTITION_STATUS_ELECTION_LEADER_FOUND 3

/**
 * Its leader ran out of disk.
 */
#define FLUVIO_PARTITION_STATUS_OUT_OF_STORAGE 4

/**
 * Connected to the SC and serving.
 */
#define FLUVIO_SPU_STATUS_ONLINE 0

/**
 * Not heard from (a real SC says so after 90 s of silence).
 */
#define FLUVIO_SPU_STATUS_OFFLINE 1

/**
 * Registered, not yet seen.
 */
#define FLUVIO_SPU_STATUS_INIT 2

/**
 * Lists the partitions of every (non-system) topic, or of `topic` (system
 * or not) when it is not NULL, ordered by topic and partition. On success
 * `*out` owns the list.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL `client` or `out`, an invalid
 * name), FLUVIO_ERR_TOPIC_NOT_FOUND, or a connection error.
 *
 * Safety:
 * `client` must be a live client; `topic` NULL or a NUL-terminated string;
 * `out` a valid pointer.
 */
enum fluvio_status fluvio_partition_list(struct fluvio_client *client,
                                         const char *topic,
                                         struct fluvio_partition_list **out);

/**
 * Number of partitions in the list (0 if `list` is NULL).
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
size_t fluvio_partition_list_count(const struct fluvio_partition_list *list);

/**
 * Partition `index`, or NULL if `list` is NULL or `index` is out of range.
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
const struct fluvio_partition_info *fluvio_partition_list_get(const struct fluvio_partition_list *list,
                                                              size_t index);

/**
 * Frees a partition list. NULL is a no-op.
 *
 * Safety:
 * `list` must be NULL or from `fluvio_partition_list`, and not used after.
 */
void fluvio_partition_list_free(struct fluvio_partition_list *list);

/**
 * Lists the cluster's SPUs, ordered by id. On success `*out` owns the list.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments) or a connection error.
 *
 * Safety:
 * `client` must be a live client; `out` a valid pointer.
 */
enum fluvio_status fluvio_spu_list(struct fluvio_client *client, struct fluvio_spu_list **out);

/**
 * Number of SPUs in the list (0 if `list` is NULL).
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
size_t fluvio_spu_list_count(const struct fluvio_spu_list *list);

/**
 * SPU `index`, or NULL if `list` is NULL or `index` is out of range.
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
const struct fluvio_spu_info *fluvio_spu_list_get(const struct fluvio_spu_list *list, size_t index);

/**
 * Frees an SPU list. NULL is a no-op.
 *
 * Safety:
 * `list` must be NULL or from `fluvio_spu_list`, and not used after.
 */
void fluvio_spu_list_free(struct fluvio_spu_list *list);

/**
 * For every partition where `consumer_id` (NULL: any consumer) committed
 * an offset, optionally only in `topic` (NULL: any): the committed offset,
 * the partition's high watermark now, and the lag between them. One call
 * joins the stored offsets with each partition's leader's offsets. On
 * success `*out` owns the list.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL `client` or `out`, a filter
 * that is not UTF-8), FLUVIO_ERR_SERVER (e.g. the cluster keeps no consumer
 * offsets), or a connection error.
 *
 * Safety:
 * `client` must be a live client; `consumer_id` and `topic` NULL or
 * NUL-terminated strings; `out` a valid pointer.
 */
enum fluvio_status fluvio_consumer_lag_list(struct fluvio_client *client,
                                            const char *consumer_id,
                                            const char *topic,
                                            struct fluvio_consumer_lag_list **out);

/**
 * Number of entries in the list (0 if `list` is NULL).
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
size_t fluvio_consumer_lag_list_count(const struct fluvio_consumer_lag_list *list);

/**
 * Entry `index`, or NULL if `list` is NULL or `index` is out of range.
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
const struct fluvio_consumer_lag *fluvio_consumer_lag_list_get(const struct fluvio_consumer_lag_list *list,
                                                               size_t index);

/**
 * Frees a lag list. NULL is a no-op.
 *
 * Safety:
 * `list` must be NULL or from `fluvio_consumer_lag_list`, and not used after.
 */
void fluvio_consumer_lag_list_free(struct fluvio_consumer_lag_list *list);

/* ========================================================================
 * 12. SmartModules
 *
 * SmartModule descriptions for consumer and producer settings: a module by
 * name (stored on the cluster) or ad hoc (wasm bytes or a .wasm file), with
 * its kind, params, aggregate accumulator and look-back, as the official
 * `SmartModuleInvocation` carries them. The cluster's SPU runs them.
 * ======================================================================== */

/**
 * What a SmartModule does. With FLUVIO_SMARTMODULE_KIND_AUTO the module
 * says (the engine picks the transform the module exports: `filter`, `map`,
 * `filter_map`, `array_map` or `aggregate`); the others are sent as the
 * official client sends an explicit kind.
 */
typedef uint32_t fluvio_smartmodule_kind;

/**
 * The module says (the default).
 */
#define FLUVIO_SMARTMODULE_KIND_AUTO 0

#define FLUVIO_SMARTMODULE_KIND_FILTER 1

#define FLUVIO_SMARTMODULE_KIND_MAP 2

#define FLUVIO_SMARTMODULE_KIND_FILTER_MAP 3

#define FLUVIO_SMARTMODULE_KIND_ARRAY_MAP 4

#define FLUVIO_SMARTMODULE_KIND_AGGREGATE 5

/**
 * A SmartModule stored on the cluster as `name` (see
 * `fluvio_smartmodule_create`). On success `*out` owns it.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL or `name` is
 * empty or not UTF-8.
 *
 * Safety:
 * `name` must be a NUL-terminated string (copied); `out` a valid pointer.
 */
enum fluvio_status fluvio_smartmodule_named(const char *name, struct fluvio_smartmodule **out);

/**
 * An ad-hoc SmartModule: the wasm module in `wasm` (`len` bytes, copied),
 * sent to the SPU gzip-compressed with each stream or produce request, as
 * the official client sends it. On success `*out` owns it.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL, `len` is 0 or
 * above 64 MiB. (Whether the bytes are a valid module is the SPU's to say,
 * when the stream opens.)
 *
 * Safety:
 * `wasm` must point to `len` readable bytes (read only during the call);
 * `out` a valid pointer.
 */
enum fluvio_status fluvio_smartmodule_from_wasm(const uint8_t *wasm,
                                                size_t len,
                                                struct fluvio_smartmodule **out);

/**
 * An ad-hoc SmartModule read from the .wasm file at `path` (read now).
 * On success `*out` owns it.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, an empty file or one
 * above 64 MiB) or FLUVIO_ERR_IO (the file cannot be read).
 *
 * Safety:
 * `path` must be a NUL-terminated string; `out` a valid pointer.
 */
enum fluvio_status fluvio_smartmodule_from_wasm_file(const char *path,
                                                     struct fluvio_smartmodule **out);

/**
 * Frees a SmartModule description. NULL is a no-op. Configurations it was
 * added to keep their copy.
 *
 * Safety:
 * `sm` must be NULL or from a `fluvio_smartmodule_*` constructor, not used after.
 */
void fluvio_smartmodule_free(struct fluvio_smartmodule *sm);

/**
 * Sets the kind (default FLUVIO_SMARTMODULE_KIND_AUTO: the module says).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `sm` is NULL or `kind` is unknown.
 *
 * Safety:
 * `sm` must be a live SmartModule description.
 */
enum fluvio_status fluvio_smartmodule_set_kind(struct fluvio_smartmodule *sm,
                                               fluvio_smartmodule_kind kind);

/**
 * Sets the parameter `key` to `value` (both copied), replacing an earlier
 * value of `key`. The module receives its parameters in its `init`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL, not UTF-8,
 * `key` is empty, or either is longer than 32767 bytes.
 *
 * Safety:
 * `sm` must be a live SmartModule description; `key` and `value`
 * NUL-terminated strings.
 */
enum fluvio_status fluvio_smartmodule_set_param(struct fluvio_smartmodule *sm,
                                                const char *key,
                                                const char *value);

/**
 * Sets the initial accumulator of an aggregate SmartModule (`len` bytes,
 * copied; default: empty). Only for kind FLUVIO_SMARTMODULE_KIND_AGGREGATE
 * or _AUTO (checked when the module is added to a configuration).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `sm` is NULL, or `accumulator` is
 * NULL with a `len` above 0.
 *
 * Safety:
 * `sm` must be a live SmartModule description; `accumulator` NULL or
 * `len` readable bytes (read only during the call).
 */
enum fluvio_status fluvio_smartmodule_set_accumulator(struct fluvio_smartmodule *sm,
                                                      const uint8_t *accumulator,
                                                      size_t len);

/**
 * Gives the module a look-back when its stream opens: the last `last`
 * records stored (0: no count limit), only those younger than `age_ms`
 * milliseconds when `age_ms` is above 0 (an age, not a wait: `uint64_t`,
 * unlike the API's `int32_t` timeouts, so it can reach back years).
 * `last` 0 and `age_ms` 0 remove the look-back. The SPU passes them to the module's `look_back` before
 * the first record.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `sm` is NULL.
 *
 * Safety:
 * `sm` must be a live SmartModule description.
 */
enum fluvio_status fluvio_smartmodule_set_lookback(struct fluvio_smartmodule *sm,
                                                   uint64_t last,
                                                   uint64_t age_ms);

/**
 * Appends a copy of `sm` to the stream's SmartModule chain: the SPU runs
 * the chain's modules in the order they were added, on every record before
 * it is sent. A module that cannot be loaded, traps or returns an error
 * makes `fluvio_stream_next` return FLUVIO_ERR_SMARTMODULE (after the
 * records before the failing one), with the module's message and the
 * failing record's offset in `fluvio_last_error()`; the stream then ends.
 * Record offsets are the true log offsets, also behind a filter.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL, or an
 * accumulator was set on a module of another kind than aggregate or auto.
 *
 * Safety:
 * `config` must be a live consumer configuration; `sm` a live SmartModule
 * description (only read during the call).
 */
enum fluvio_status fluvio_consumer_config_add_smartmodule(struct fluvio_consumer_config *config,
                                                          const struct fluvio_smartmodule *sm);

/**
 * Appends a copy of `sm` to the producer's SmartModule chain: the SPU runs
 * the chain on every record before storing it (as the official 0.50
 * producer asks it to), so only its output is stored, numbered densely. A
 * module that fails fails the delivery of the batch it was in with
 * FLUVIO_ERR_SMARTMODULE and the module's message; nothing of that batch is
 * stored. The module runs on each produce request's batch on its own (an
 * aggregate starts from its accumulator for every batch, as on the official
 * SPU). Delivery offsets count the records as sent (the batch's stored base
 * offset plus the record's position in it): behind a module that drops or
 * adds records they need not name the record stored.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT as
 * `fluvio_consumer_config_add_smartmodule`.
 *
 * Safety:
 * `config` must be a live producer configuration; `sm` a live SmartModule
 * description (only read during the call).
 */
enum fluvio_status fluvio_producer_config_add_smartmodule(struct fluvio_producer_config *config,
                                                          const struct fluvio_smartmodule *sm);

/* ========================================================================
 * 13. SmartModule admin
 *
 * SmartModule admin: storing SmartModules on the SC (from a .wasm file or
 * bytes, with the package metadata the SC keeps), listing and deleting
 * them. Works against the embedded cluster and a real SC alike.
 * ======================================================================== */

/**
 * A field of a stored SmartModule's package, for
 * `fluvio_smartmodule_list_package`.
 */
typedef uint32_t fluvio_smartmodule_package_field;

/**
 * The package's name.
 */
#define FLUVIO_SMARTMODULE_PACKAGE_NAME 0

/**
 * The package's group.
 */
#define FLUVIO_SMARTMODULE_PACKAGE_GROUP 1

/**
 * The package's semantic version.
 */
#define FLUVIO_SMARTMODULE_PACKAGE_VERSION 2

/**
 * The SmartModule API version the module was built for.
 */
#define FLUVIO_SMARTMODULE_PACKAGE_API_VERSION 3

/**
 * Its description (NULL when unset).
 */
#define FLUVIO_SMARTMODULE_PACKAGE_DESCRIPTION 4

/**
 * Its license (NULL when unset).
 */
#define FLUVIO_SMARTMODULE_PACKAGE_LICENSE 5

/**
 * Its repository URL (NULL when unset).
 */
#define FLUVIO_SMARTMODULE_PACKAGE_REPOSITORY 6

/**
 * New package metadata: package `name` of `group`, at semantic `version`
 * (all copied), for the SmartModule API version "0.1.0" unless changed,
 * private. The SC stores a module with a package as
 * `<name>-<group>-<version>`, and a stream may name it so or as
 * `<group>/<name>@<version>`. On success `*out` owns it.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL, `name` or
 * `group` is empty, or a string is longer than 32767 bytes. (The SC checks
 * that the versions are semantic versions.)
 *
 * Safety:
 * `name`, `group` and `version` must be NUL-terminated strings; `out` a
 * valid pointer.
 */
enum fluvio_status fluvio_smartmodule_package_new(const char *name,
                                                  const char *group,
                                                  const char *version,
                                                  struct fluvio_smartmodule_package **out);

/**
 * Frees package metadata. NULL is a no-op.
 *
 * Safety:
 * `package` must be NULL or from `fluvio_smartmodule_package_new`, not used after.
 */
void fluvio_smartmodule_package_free(struct fluvio_smartmodule_package *package);

/**
 * Sets the package's descriptive fields (each copied; NULL leaves it
 * unset): the SmartModule API version it was built for, a description, a
 * license and a repository URL; and whether it is public.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `package` is NULL or a string is
 * not UTF-8 or longer than 32767 bytes.
 *
 * Safety:
 * `package` must be live package metadata; each string NULL or
 * NUL-terminated.
 */
enum fluvio_status fluvio_smartmodule_package_set_details(struct fluvio_smartmodule_package *package,
                                                          const char *api_version,
                                                          const char *description,
                                                          const char *license,
                                                          const char *repository,
                                                          bool public_);

/**
 * Declares a parameter the module takes: `name` (copied), an optional
 * `description` (NULL: none), and whether it may be left out.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `package` or `name` is NULL,
 * `name` is empty, or a string is longer than 32767 bytes.
 *
 * Safety:
 * `package` must be live package metadata; `name` a NUL-terminated
 * string; `description` NULL or one.
 */
enum fluvio_status fluvio_smartmodule_package_add_param(struct fluvio_smartmodule_package *package,
                                                        const char *name,
                                                        const char *description,
                                                        bool optional);

/**
 * Stores the wasm module `wasm` (`len` bytes, copied; sent gzip-compressed)
 * on the cluster's SC as `name`, or, with `package` (NULL: none), under the
 * package's store id `<name>-<group>-<version>` as the official SC keys it
 * (`name` may then be NULL). Streams and producers then use it with
 * `fluvio_smartmodule_named`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, empty name or
 * module, a module above 64 MiB), FLUVIO_ERR_SMARTMODULE (the SC refused
 * it: the key exists, the package is invalid, the bytes are not a wasm
 * module), or a connection error.
 *
 * Safety:
 * `client` must be a live client; `name` NULL or a NUL-terminated string;
 * `wasm` `len` readable bytes (read only during the call); `package` NULL
 * or live package metadata.
 */
enum fluvio_status fluvio_smartmodule_create(struct fluvio_client *client,
                                             const char *name,
                                             const uint8_t *wasm,
                                             size_t len,
                                             const struct fluvio_smartmodule_package *package);

/**
 * `fluvio_smartmodule_create` with the module read from the .wasm file at
 * `path`.
 *
 * Returns what `fluvio_smartmodule_create` returns, and FLUVIO_ERR_IO when
 * the file cannot be read.
 *
 * Safety:
 * As `fluvio_smartmodule_create`; `path` a NUL-terminated string.
 */
enum fluvio_status fluvio_smartmodule_create_from_file(struct fluvio_client *client,
                                                       const char *name,
                                                       const char *path,
                                                       const struct fluvio_smartmodule_package *package);

/**
 * Deletes the SmartModule stored as `name`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments),
 * FLUVIO_ERR_SMARTMODULE (no such SmartModule), or a connection error.
 *
 * Safety:
 * `client` must be a live client; `name` a NUL-terminated string.
 */
enum fluvio_status fluvio_smartmodule_delete(struct fluvio_client *client, const char *name);

/**
 * Lists the SmartModules stored on the SC. On success `*out` owns the
 * list: read it with `fluvio_smartmodule_list_count`, `_name`,
 * `_wasm_len` and `_package`, free it with `fluvio_smartmodule_list_free`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments) or a connection error.
 *
 * Safety:
 * `client` must be a live client; `out` a valid pointer.
 */
enum fluvio_status fluvio_smartmodule_list(struct fluvio_client *client,
                                           struct fluvio_smartmodule_list **out);

/**
 * Number of SmartModules in `list` (0 for NULL).
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
size_t fluvio_smartmodule_list_count(const struct fluvio_smartmodule_list *list);

/**
 * The key the `index`-th SmartModule is stored under, or NULL if `index`
 * is out of range. Owned by the list: valid until
 * `fluvio_smartmodule_list_free`.
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
const char *fluvio_smartmodule_list_name(const struct fluvio_smartmodule_list *list, size_t index);

/**
 * A field of the `index`-th SmartModule's package metadata (what
 * `fluvio_smartmodule_package_new` and `_set_details` gave it, or the
 * official `fluvio sm create` read from its SmartModule.toml). Returns
 * NULL if `index` or `field` is out of range, the module was stored without
 * a package, or the field is unset. Owned by the list: valid until
 * `fluvio_smartmodule_list_free`.
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
const char *fluvio_smartmodule_list_package(const struct fluvio_smartmodule_list *list,
                                            size_t index,
                                            fluvio_smartmodule_package_field field);

/**
 * Bytes of the `index`-th SmartModule's gzip-compressed wasm as the SC
 * stores it (0 if `index` is out of range).
 *
 * Safety:
 * `list` must be NULL or a live list.
 */
uint64_t fluvio_smartmodule_list_wasm_len(const struct fluvio_smartmodule_list *list, size_t index);

/**
 * Frees a SmartModule list. NULL is a no-op.
 *
 * Safety:
 * `list` must be NULL or from `fluvio_smartmodule_list`, and not used after.
 */
void fluvio_smartmodule_list_free(struct fluvio_smartmodule_list *list);

/* ========================================================================
 * 14. Logs
 *
 * The log callback: the library's messages, queued process-wide and handed
 * to the application's callback on its own thread (`fluvio_log_poll`, or
 * any producer poll or flush), as librdkafka does with a log queue.
 * ======================================================================== */

/**
 * Messages kept while nobody polls; older ones are dropped beyond this (and
 * the next message served says how many).
 */
#define FLUVIO_LOG_QUEUE_MAX 10000

/**
 * A log level: syslog's numbers, as librdkafka uses them.
 */
typedef int32_t fluvio_log_level;

/**
 * A log callback: `level` is a `FLUVIO_LOG_*`, `module` the part of the
 * library ("client", "producer", "consumer", "local" for the embedded
 * cluster, "ffi"), `message` the text; both strings are valid only during
 * the call. It runs only on a thread that calls `fluvio_log_poll`,
 * `fluvio_producer_poll` or a flush, never on a library thread and never
 * while libfluvio holds a lock; it may call libfluvio (a poll from inside
 * it serves nothing). It must not unwind.
 */
typedef void (*fluvio_log_fn)(void *user_data,
                              fluvio_log_level level,
                              const char *module,
                              const char *message);

/**
 * Something failed that the application may not see otherwise.
 */
#define FLUVIO_LOG_ERROR 3

/**
 * Something went wrong and was handled (a retry, a damaged file skipped).
 */
#define FLUVIO_LOG_WARNING 4

/**
 * A normal but significant event (a reconnection).
 */
#define FLUVIO_LOG_NOTICE 5

/**
 * Routine events (connections made and dropped, retries).
 */
#define FLUVIO_LOG_INFO 6

/**
 * Details for debugging.
 */
#define FLUVIO_LOG_DEBUG 7

/**
 * Sets the process-wide log callback (see `fluvio_log_fn`). From then on
 * every message at or above the threshold (`fluvio_log_set_level`) is
 * queued for it (up to `FLUVIO_LOG_QUEUE_MAX`) instead of going to
 * stderr; serve them with `fluvio_log_poll` (or `fluvio_producer_poll`, or
 * a flush), for example when `fluvio_log_fd` polls readable. NULL restores
 * the default: warnings and errors on stderr. `user_data` is passed to
 * every call. Any thread may call this.
 *
 * Returns FLUVIO_ERR_IO if the queue's descriptor cannot be made.
 *
 * Safety:
 * `f` must follow the contract of `fluvio_log_fn`.
 */
enum fluvio_status fluvio_log_set_callback(fluvio_log_fn f, void *user_data);

/**
 * Sets the least severe level that is logged (default FLUVIO_LOG_WARNING):
 * FLUVIO_LOG_ERROR .. FLUVIO_LOG_DEBUG. Messages below it cost nothing.
 * Any thread may call this.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for a level outside 3..7.
 */
enum fluvio_status fluvio_log_set_level(fluvio_log_level level);

/**
 * Hands the queued log messages to the log callback on this thread,
 * waiting up to `timeout_ms` (0: not at all; negative: without limit) for
 * one when none waits. `*served` (if not NULL) receives how many were
 * served (0 when none came in time, which is not an error). Without a
 * callback nothing is queued and this serves nothing.
 *
 * Safety:
 * `served` must be NULL or writable.
 */
enum fluvio_status fluvio_log_poll(int32_t timeout_ms, size_t *served);

/**
 * A file descriptor that is readable exactly while log messages wait for
 * `fluvio_log_poll`. Owned by libfluvio (do not read, write or close it);
 * valid for the life of the process. Returns -1 if it cannot be made.
 */
int32_t fluvio_log_fd(void);

/* ========================================================================
 * 15. Embedded cluster
 *
 * The embedded cluster: an SC and its SPUs in this process, on 127.0.0.1,
 * speaking the real Fluvio protocol, durable on local disk. Any Fluvio
 * client can connect to it. Its fault-injection aids for tests are in
 * `fluvio_testing.h`.
 * ======================================================================== */

/**
 * Creates a configuration with the defaults: a fresh temporary data
 * directory (removed on stop), a free SC port, 1 SPU.
 *
 * Returns NULL only if memory is exhausted. Free it with
 * `fluvio_local_config_free`.
 */
struct fluvio_local_config *fluvio_local_config_new(void);

/**
 * Frees a configuration. NULL is a no-op.
 *
 * Safety:
 * `config` must come from `fluvio_local_config_new` and not be used after.
 */
void fluvio_local_config_free(struct fluvio_local_config *config);

/**
 * Sets the data directory (created if missing; kept on stop). The string
 * is copied.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for NULL arguments or an empty or
 * non-UTF-8 path.
 *
 * Safety:
 * `config` must be a live configuration; `dir` a NUL-terminated string.
 */
enum fluvio_status fluvio_local_config_set_data_dir(struct fluvio_local_config *config,
                                                    const char *dir);

/**
 * Sets the SC port (0, the default, picks a free one).
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_local_config_set_port(struct fluvio_local_config *config, uint16_t port);

/**
 * Sets the number of SPUs (1 to 64; default 1). With several SPUs the
 * partitions' leaders are spread over them.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or `spus` is out
 * of range.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_local_config_set_spus(struct fluvio_local_config *config, uint16_t spus);

/**
 * Bounds every call into a SmartModule the cluster runs (a transform on
 * one batch, `init`, `look_back`, `alloc`):
 * - `timeout_ms`: wall-clock time (default 10000; -1: without limit, as on
 *   a real SPU). A call still running
 *   then fails its stream (or produce request) with FLUVIO_ERR_SMARTMODULE;
 * - `fuel`: units of work, one per function call and per loop iteration
 *   of the module (default 4294967296, a few seconds of a tight loop). A
 *   call that spends it traps: its stream fails the same way, and the
 *   thread that ran it is free again.
 *
 * A real SPU gives every call practically unlimited fuel and no timeout:
 * a module that loops there stalls its stream for good.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `config` is NULL or either bound
 * is 0.
 *
 * Safety:
 * `config` must be a live configuration.
 */
enum fluvio_status fluvio_local_config_set_smartmodule_limits(struct fluvio_local_config *config,
                                                              int32_t timeout_ms,
                                                              uint64_t fuel);

/**
 * Serves TLS on the SC and every SPU: `cert` is the server's certificate
 * chain and `key` its private key; with `client_ca` (NULL: anonymous
 * clients welcome) every client must present a certificate signed by that
 * CA. Each is PEM text (starting with "-----BEGIN") or the path of a PEM
 * file, read by `fluvio_local_cluster_start`. Copied. Meant for tests and
 * single-machine deployments that must still encrypt.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT for a NULL `config`, `cert` or `key`,
 * or an empty argument.
 *
 * Safety:
 * `config` must be a live configuration; `cert` and `key` NUL-terminated
 * strings; `client_ca` NULL or one.
 */
enum fluvio_status fluvio_local_config_set_tls(struct fluvio_local_config *config,
                                               const char *cert,
                                               const char *key,
                                               const char *client_ca);

/**
 * Starts an embedded cluster and waits until it serves.
 *
 * `config` may be NULL for the defaults; it is only read, and may be freed
 * right after. On success `*out` owns the cluster: stop it with
 * `fluvio_local_cluster_stop`.
 *
 * Returns FLUVIO_ERR_INVALID_ARGUMENT if `out` is NULL or the TLS
 * certificate or key cannot be used (the message names which),
 * FLUVIO_ERR_IO if a port cannot be bound or the data directory cannot be
 * used.
 *
 * Safety:
 * `config` must be NULL or a live configuration; `out` a valid pointer.
 */
enum fluvio_status fluvio_local_cluster_start(const struct fluvio_local_config *config,
                                              struct fluvio_local_cluster **out);

/**
 * The SC endpoint of a running cluster, as `"127.0.0.1:PORT"`: pass it to
 * `fluvio_connect`.
 *
 * Returns NULL if `cluster` is NULL. The string is owned by the cluster and
 * valid until `fluvio_local_cluster_stop`. Any thread may call this.
 *
 * Safety:
 * `cluster` must be NULL or a live cluster.
 */
const char *fluvio_local_cluster_endpoint(const struct fluvio_local_cluster *cluster);

/**
 * Stops the cluster: closes every connection, syncs every log to disk and
 * frees the handle (and removes the data directory if it was a temporary
 * one). NULL is a no-op that returns FLUVIO_OK.
 *
 * Returns FLUVIO_ERR_IO if the logs could not be synced (the handle is
 * freed all the same).
 *
 * Safety:
 * `cluster` must be NULL or a live cluster, not used after this call.
 */
enum fluvio_status fluvio_local_cluster_stop(struct fluvio_local_cluster *cluster);

/* ========================================================================
 * 16. Deprecated names
 *
 * Names kept for one release after a rename, so programs written for the
 * previous release still build and link; each forwards to its new name.
 * The compiler warns where they are used. See CHANGELOG.md.
 * ======================================================================== */

/**
 * The old name of `fluvio_consumer_new`.
 *
 * Safety:
 * As `fluvio_consumer_new`.
 */
FLUVIO_DEPRECATED("use fluvio_consumer_new")
enum fluvio_status fluvio_consumer(struct fluvio_client *client,
                                   const char *topic,
                                   int32_t partition,
                                   struct fluvio_consumer **out);

/**
 * The old name of `fluvio_consumer_new_with_config`.
 *
 * Safety:
 * As `fluvio_consumer_new_with_config`.
 */
FLUVIO_DEPRECATED("use fluvio_consumer_new_with_config")
enum fluvio_status fluvio_consumer_with_config(struct fluvio_client *client,
                                               const char *topic,
                                               const struct fluvio_consumer_config *config,
                                               struct fluvio_consumer **out);

/**
 * The old name of `fluvio_producer_new`.
 *
 * Safety:
 * As `fluvio_producer_new`.
 */
FLUVIO_DEPRECATED("use fluvio_producer_new")
enum fluvio_status fluvio_topic_producer(struct fluvio_client *client,
                                         const char *topic,
                                         const struct fluvio_producer_config *config,
                                         struct fluvio_producer **out);

/**
 * The old `fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS)`.
 *
 * Safety:
 * As `fluvio_producer_flush`.
 */
FLUVIO_DEPRECATED("use fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS)")
enum fluvio_status fluvio_flush(struct fluvio_producer *producer);

/**
 * The old name of `fluvio_producer_flush`.
 *
 * Safety:
 * As `fluvio_producer_flush`.
 */
FLUVIO_DEPRECATED("use fluvio_producer_flush")
enum fluvio_status fluvio_flush_timeout(struct fluvio_producer *producer,
                                        int32_t timeout_ms);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* FLUVIO_H */
