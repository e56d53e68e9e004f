/* Exercises every function of include/fluvio.h against an embedded cluster
 * with 2 SPUs started from C: the success paths, and each misuse the header
 * documents. Every status and result goes through a CHECK macro; the first
 * failed check prints file:line, the status name and fluvio_last_error()
 * and exits with status 1.
 *
 * Built and run (also under valgrind) by tests/c_api.rs. Frees everything it
 * is handed, so valgrind reports no definite leak. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fluvio.h"
#include "fluvio_testing.h" /* the embedded cluster's fault injection */

/* ------------------------------------------------------------------ checks */

static long g_checks;  /* updated atomically: threads check too */
static int g_status;   /* the last status a check saw (for messages) */

static void check_failed(const char *file, int line, const char *what, int status, const char *detail) {
    fprintf(stderr, "%s:%d: CHECK failed: %s%s%s\n  status: %s (%d)\n  fluvio_last_error(): \"%s\"\n", file, line, what,
            detail ? " -- " : "", detail ? detail : "", fluvio_status_str(status), status, fluvio_last_error());
    fflush(stderr);
    exit(1);
}

static void check_status_at(const char *file, int line, const char *call, int got, int expected, const char *needle) {
    char detail[256];
    __atomic_fetch_add(&g_checks, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&g_status, got, __ATOMIC_RELAXED);
    if (got != expected) {
        snprintf(detail, sizeof detail, "expected %s", fluvio_status_str(expected));
        check_failed(file, line, call, got, detail);
    }
    /* A failure always comes with a message (which names the problem). */
    if (expected != FLUVIO_OK && fluvio_last_error()[0] == '\0') {
        check_failed(file, line, call, got, "fluvio_last_error() is empty after a failure");
    }
    if (needle != NULL && strstr(fluvio_last_error(), needle) == NULL) {
        snprintf(detail, sizeof detail, "fluvio_last_error() does not mention \"%s\"", needle);
        check_failed(file, line, call, got, detail);
    }
}

/* A boolean condition. */
#define CHECK(cond)                                                                                      \
    do {                                                                                                 \
        __atomic_fetch_add(&g_checks, 1, __ATOMIC_RELAXED);                                              \
        if (!(cond)) {                                                                                   \
            check_failed(__FILE__, __LINE__, #cond, __atomic_load_n(&g_status, __ATOMIC_RELAXED), NULL); \
        }                                                                                                \
    } while (0)
/* A call returning a status, and the status it must return. */
#define CHECK_STATUS(call, expected) check_status_at(__FILE__, __LINE__, #call, (int)(call), (int)(expected), NULL)
#define CHECK_OK(call) CHECK_STATUS(call, FLUVIO_OK)
/* A failing call whose message must mention `needle`. */
#define CHECK_ERR(call, expected, needle) check_status_at(__FILE__, __LINE__, #call, (int)(call), (int)(expected), needle)

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Upper bound for anything that must arrive (generous: valgrind is slow). */
#define WAIT_MS 20000

/* ------------------------------------------------------------ small helpers */

static struct fluvio_stream *open_stream_at(const char *file, int line, struct fluvio_client *client, const char *topic,
                                            int32_t partition, fluvio_offset offset) {
    struct fluvio_consumer *consumer = NULL;
    struct fluvio_stream *stream = NULL;
    check_status_at(file, line, "fluvio_consumer_new", fluvio_consumer_new(client, topic, partition, &consumer), FLUVIO_OK, NULL);
    check_status_at(file, line, "fluvio_consumer_stream", fluvio_consumer_stream(consumer, offset, &stream), FLUVIO_OK, NULL);
    fluvio_consumer_free(consumer); /* the stream keeps working */
    return stream;
}
#define OPEN_STREAM(client, topic, partition, offset) open_stream_at(__FILE__, __LINE__, client, topic, partition, offset)

static struct fluvio_record *next_at(const char *file, int line, struct fluvio_stream *stream) {
    struct fluvio_record *record = NULL;
    check_status_at(file, line, "fluvio_stream_next", fluvio_stream_next(stream, WAIT_MS, &record), FLUVIO_OK, NULL);
    if (record == NULL) {
        check_failed(file, line, "fluvio_stream_next returned FLUVIO_OK", FLUVIO_OK, "but *out is NULL");
    }
    return record;
}
#define NEXT(stream) next_at(__FILE__, __LINE__, stream)

/* Nothing is waiting in the stream right now. */
#define CHECK_EMPTY(stream)                                                                \
    do {                                                                                   \
        struct fluvio_record *empty_ = (struct fluvio_record *)&g_checks; /* not NULL */ \
        CHECK_STATUS(fluvio_stream_next(stream, 0, &empty_), FLUVIO_ERR_TIMEOUT);          \
        CHECK(empty_ == NULL);                                                             \
    } while (0)

/* The first record of a fresh stream is at `offset` with value `value`. */
static void expect_first_at(const char *file, int line, struct fluvio_client *client, const char *topic, fluvio_offset from,
                            int64_t offset, const char *value) {
    struct fluvio_stream *stream = open_stream_at(file, line, client, topic, 0, from);
    struct fluvio_record *record = next_at(file, line, stream);
    if (fluvio_record_offset(record) != offset || strcmp(fluvio_record_value_str(record), value) != 0) {
        char detail[256];
        snprintf(detail, sizeof detail, "first record is %lld \"%s\", expected %lld \"%s\"", (long long)fluvio_record_offset(record),
                 fluvio_record_value_str(record), (long long)offset, value);
        check_failed(file, line, "first offset", FLUVIO_OK, detail);
    }
    __atomic_fetch_add(&g_checks, 1, __ATOMIC_RELAXED);
    fluvio_record_free(record);
    fluvio_stream_free(stream);
}
#define EXPECT_FIRST(client, topic, from, offset, value) expect_first_at(__FILE__, __LINE__, client, topic, from, offset, value)

/* A producer of `topic` with the given linger. */
static struct fluvio_producer *producer_at(const char *file, int line, struct fluvio_client *client, const char *topic,
                                          uint64_t linger_ms) {
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    struct fluvio_producer *producer = NULL;
    if (config == NULL) {
        check_failed(file, line, "fluvio_producer_config_new", FLUVIO_OK, "returned NULL");
    }
    check_status_at(file, line, "fluvio_producer_config_set_linger_ms", fluvio_producer_config_set_linger_ms(config, linger_ms),
                    FLUVIO_OK, NULL);
    check_status_at(file, line, "fluvio_producer_new", fluvio_producer_new(client, topic, config, &producer), FLUVIO_OK, NULL);
    fluvio_producer_config_free(config); /* the producer keeps its own copy */
    return producer;
}
#define PRODUCER(client, topic, linger_ms) producer_at(__FILE__, __LINE__, client, topic, linger_ms)

/* Sends a key-less string record. */
#define SEND_STR(producer, value)                                                    \
    do {                                                                             \
        const char *value_ = (value);                                                \
        CHECK_OK(fluvio_producer_send(producer, NULL, 0, value_, strlen(value_)));   \
    } while (0)

/* Whether the topic list has `name`, and its partition count. */
static int listed_partitions(struct fluvio_client *client, const char *name) {
    struct fluvio_topic_list *list = NULL;
    int partitions = -1;
    size_t i;
    CHECK_OK(fluvio_topic_list(client, &list));
    CHECK(list != NULL);
    for (i = 0; i < fluvio_topic_list_count(list); i++) {
        const char *listed = fluvio_topic_list_name(list, i);
        CHECK(listed != NULL);
        if (strcmp(listed, name) == 0) {
            partitions = (int)fluvio_topic_list_partitions(list, i);
        }
    }
    fluvio_topic_list_free(list);
    return partitions;
}

/* ------------------------------------------------------ version and status */

static void test_version_and_status(void) {
    static const char *const names[] = {
        "FLUVIO_OK",           "FLUVIO_ERR_INVALID_ARGUMENT", "FLUVIO_ERR_TIMEOUT",          "FLUVIO_ERR_CONNECTION",
        "FLUVIO_ERR_PROTOCOL", "FLUVIO_ERR_SERVER",           "FLUVIO_ERR_TOPIC_NOT_FOUND",  "FLUVIO_ERR_TOPIC_EXISTS",
        "FLUVIO_ERR_RECORD_TOO_LARGE", "FLUVIO_ERR_QUEUE_FULL", "FLUVIO_ERR_CLOSED",        "FLUVIO_ERR_IO",
        "FLUVIO_ERR_PANIC",    "FLUVIO_END_OF_STREAM",        "FLUVIO_ERR_SMARTMODULE",
    };
    const fluvio_status codes[] = {
        FLUVIO_OK,         FLUVIO_ERR_INVALID_ARGUMENT, FLUVIO_ERR_TIMEOUT,          FLUVIO_ERR_CONNECTION, FLUVIO_ERR_PROTOCOL,
        FLUVIO_ERR_SERVER, FLUVIO_ERR_TOPIC_NOT_FOUND,  FLUVIO_ERR_TOPIC_EXISTS,     FLUVIO_ERR_RECORD_TOO_LARGE,
        FLUVIO_ERR_QUEUE_FULL, FLUVIO_ERR_CLOSED,       FLUVIO_ERR_IO,               FLUVIO_ERR_PANIC,
        FLUVIO_END_OF_STREAM, FLUVIO_ERR_SMARTMODULE,
    };
    char expected[64];
    size_t i;

    /* Nothing has failed on this thread yet. */
    CHECK(fluvio_last_error() != NULL);
    CHECK(strcmp(fluvio_last_error(), "") == 0);

    snprintf(expected, sizeof expected, "%d.%d.%d", FLUVIO_VERSION_MAJOR, FLUVIO_VERSION_MINOR, FLUVIO_VERSION_PATCH);
    CHECK(fluvio_version() != NULL);
    CHECK(strcmp(fluvio_version(), expected) == 0);
    CHECK(fluvio_version() == fluvio_version()); /* static */

    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK((int)codes[i] == (int)i);
        CHECK(strcmp(fluvio_status_str((int32_t)codes[i]), names[i]) == 0);
    }
    CHECK(strcmp(fluvio_status_str(-1), "FLUVIO_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(fluvio_status_str(15), "FLUVIO_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(fluvio_status_str(1000000), "FLUVIO_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(fluvio_status_str(INT32_MIN), "FLUVIO_UNKNOWN_STATUS") == 0);
    printf("version %s and status names ok\n", fluvio_version());
}

/* ------------------------------------------------------------ local cluster */

static struct fluvio_local_cluster *test_local_cluster(void) {
    struct fluvio_local_config *config = fluvio_local_config_new();
    struct fluvio_local_config *other = fluvio_local_config_new();
    struct fluvio_local_cluster *cluster = NULL;
    struct fluvio_local_cluster *second = NULL;
    const char *endpoint;
    long port;

    CHECK(config != NULL && other != NULL);
    CHECK_ERR(fluvio_local_config_set_spus(NULL, 2), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_local_config_set_spus(config, 0), FLUVIO_ERR_INVALID_ARGUMENT, "0");
    CHECK_ERR(fluvio_local_config_set_spus(config, 65), FLUVIO_ERR_INVALID_ARGUMENT, "65");
    CHECK_OK(fluvio_local_config_set_spus(config, 64));
    CHECK_OK(fluvio_local_config_set_spus(config, 2));
    CHECK_ERR(fluvio_local_config_set_port(NULL, 0), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_OK(fluvio_local_config_set_port(config, 0));
    CHECK_ERR(fluvio_local_config_set_data_dir(NULL, "/tmp"), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_local_config_set_data_dir(config, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "NULL");
    CHECK_ERR(fluvio_local_config_set_data_dir(config, ""), FLUVIO_ERR_INVALID_ARGUMENT, "empty");
    CHECK_ERR(fluvio_local_config_set_data_dir(config, "\xff\xfe"), FLUVIO_ERR_INVALID_ARGUMENT, "UTF-8");

    CHECK_ERR(fluvio_local_cluster_start(config, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_ERR(fluvio_local_cluster_start(NULL, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK(fluvio_local_cluster_endpoint(NULL) == NULL);
    CHECK_OK(fluvio_local_cluster_stop(NULL));

    CHECK_OK(fluvio_local_cluster_start(config, &cluster));
    CHECK(cluster != NULL);
    fluvio_local_config_free(config); /* the cluster keeps its own copy */
    fluvio_local_config_free(NULL);

    endpoint = fluvio_local_cluster_endpoint(cluster);
    CHECK(endpoint != NULL);
    CHECK(strncmp(endpoint, "127.0.0.1:", 10) == 0);
    port = strtol(endpoint + 10, NULL, 10);
    CHECK(port > 0 && port < 65536);
    CHECK(fluvio_local_cluster_endpoint(cluster) == endpoint); /* owned by the cluster */

    /* A data directory that cannot be created, and a port already taken. */
    CHECK_OK(fluvio_local_config_set_data_dir(other, "/dev/null/fluvio-api-test"));
    CHECK_ERR(fluvio_local_cluster_start(other, &second), FLUVIO_ERR_IO, "/dev/null/fluvio-api-test");
    CHECK(second == NULL);
    fluvio_local_config_free(other);
    other = fluvio_local_config_new();
    CHECK(other != NULL);
    CHECK_OK(fluvio_local_config_set_port(other, (uint16_t)port));
    CHECK_STATUS(fluvio_local_cluster_start(other, &second), FLUVIO_ERR_IO);
    CHECK(second == NULL);
    fluvio_local_config_free(other);

    printf("local cluster with 2 SPUs serving on %s\n", endpoint);
    return cluster;
}

/* ------------------------------------------------------------------ connect */

static struct fluvio_client *test_connect(const char *endpoint) {
    struct fluvio_client *client = NULL;
    struct fluvio_client *bad = NULL;

    CHECK_ERR(fluvio_connect(endpoint, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_ERR(fluvio_connect(NULL, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_ERR(fluvio_connect("127.0.0.1:1", &bad), FLUVIO_ERR_CONNECTION, "127.0.0.1:1");
    CHECK(bad == NULL);
    CHECK_ERR(fluvio_connect("", &bad), FLUVIO_ERR_INVALID_ARGUMENT, "empty");
    CHECK(bad == NULL);
    CHECK_ERR(fluvio_connect("\xff:1", &bad), FLUVIO_ERR_INVALID_ARGUMENT, "UTF-8");
    CHECK(bad == NULL);

    /* NULL endpoint: FLUVIO_ENDPOINT. */
    CHECK(setenv("FLUVIO_ENDPOINT", endpoint, 1) == 0);
    CHECK_OK(fluvio_connect(NULL, &client));
    CHECK(client != NULL);
    CHECK(unsetenv("FLUVIO_ENDPOINT") == 0);
    fluvio_client_free(NULL);
    printf("connect ok\n");
    return client;
}

/* ------------------------------------------------------------------- topics */

static void test_topics(struct fluvio_client *client) {
    char long_name[65];
    struct fluvio_topic_list *list = NULL;
    size_t count;

    memset(long_name, 'a', 64);
    long_name[64] = '\0';

    CHECK_OK(fluvio_topic_create(client, "api-topic", 3, 1));
    CHECK_ERR(fluvio_topic_create(client, "api-topic", 3, 1), FLUVIO_ERR_TOPIC_EXISTS, "api-topic");
    CHECK_ERR(fluvio_topic_create(client, "api-topic", 1, 1), FLUVIO_ERR_TOPIC_EXISTS, "api-topic");
    CHECK_ERR(fluvio_topic_create(NULL, "api-x", 1, 1), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_topic_create(client, NULL, 1, 1), FLUVIO_ERR_INVALID_ARGUMENT, "topic");
    CHECK_ERR(fluvio_topic_create(client, "", 1, 1), FLUVIO_ERR_INVALID_ARGUMENT, "Invalid topic name");
    CHECK_ERR(fluvio_topic_create(client, "UPPER", 1, 1), FLUVIO_ERR_INVALID_ARGUMENT, "UPPER");
    CHECK_ERR(fluvio_topic_create(client, "a_b", 1, 1), FLUVIO_ERR_INVALID_ARGUMENT, "a_b");
    CHECK_ERR(fluvio_topic_create(client, long_name, 1, 1), FLUVIO_ERR_INVALID_ARGUMENT, "63");
    CHECK_ERR(fluvio_topic_create(client, "-x", 1, 1), FLUVIO_ERR_INVALID_ARGUMENT, "-x");
    CHECK_ERR(fluvio_topic_create(client, "x-", 1, 1), FLUVIO_ERR_INVALID_ARGUMENT, "x-");
    CHECK_ERR(fluvio_topic_create(client, "api-zero", 0, 1), FLUVIO_ERR_INVALID_ARGUMENT, "partition");
    CHECK_ERR(fluvio_topic_create(client, "api-zero", 1, 0), FLUVIO_ERR_INVALID_ARGUMENT, "replication");
    long_name[63] = '\0'; /* 63 bytes is the longest valid name */
    CHECK_OK(fluvio_topic_create(client, long_name, 1, 1));
    CHECK_OK(fluvio_topic_create(client, "api-del", 2, 2)); /* as many replicas as SPUs */

    CHECK_ERR(fluvio_topic_list(NULL, &list), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_topic_list(client, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_OK(fluvio_topic_list(client, &list));
    count = fluvio_topic_list_count(list);
    CHECK(count == 3);
    CHECK(fluvio_topic_list_name(list, count) == NULL);
    CHECK(fluvio_topic_list_name(list, (size_t)-1) == NULL);
    CHECK(fluvio_topic_list_partitions(list, count) == 0);
    CHECK(fluvio_topic_list_partitions(list, (size_t)-1) == 0);
    CHECK(fluvio_topic_list_count(NULL) == 0);
    CHECK(fluvio_topic_list_name(NULL, 0) == NULL);
    CHECK(fluvio_topic_list_partitions(NULL, 0) == 0);
    fluvio_topic_list_free(list);
    fluvio_topic_list_free(NULL);
    CHECK(listed_partitions(client, "api-topic") == 3);
    CHECK(listed_partitions(client, "api-del") == 2);
    CHECK(listed_partitions(client, long_name) == 1);

    /* 3 replicas on 2 SPUs: refused at once by the client, which knows the
     * SPUs (the real SC would answer after 90 s); nothing created. */
    CHECK_ERR(fluvio_topic_create(client, "api-replicas", 1, 3), FLUVIO_ERR_INVALID_ARGUMENT, "needs 3 SPUs, and the cluster has 2");
    CHECK(listed_partitions(client, "api-replicas") == -1);

    CHECK_ERR(fluvio_topic_delete(NULL, "api-del"), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_topic_delete(client, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "topic");
    CHECK_ERR(fluvio_topic_delete(client, "UPPER"), FLUVIO_ERR_INVALID_ARGUMENT, "UPPER");
    CHECK_OK(fluvio_topic_delete(client, "api-del"));
    CHECK_OK(fluvio_topic_delete(client, long_name));
    CHECK(listed_partitions(client, "api-del") == -1);
    CHECK_ERR(fluvio_topic_delete(client, "api-del"), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-del");
    CHECK_ERR(fluvio_topic_delete(client, "api-missing"), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-missing");
    /* A deleted name can be used again. */
    CHECK_OK(fluvio_topic_create(client, "api-del", 1, 1));
    CHECK(listed_partitions(client, "api-del") == 1);
    CHECK_OK(fluvio_topic_delete(client, "api-del"));
    printf("topics ok\n");
}

/* ------------------------------------------------------------- topic admin */

/* The one topic `fluvio_topic_describe` gives for `name` (freed by the caller
 * with *list). */
static const struct fluvio_topic_info *describe_at(const char *file, int line, struct fluvio_client *client, const char *name,
                                                   struct fluvio_topic_list **list) {
    check_status_at(file, line, "fluvio_topic_describe", fluvio_topic_describe(client, name, list), FLUVIO_OK, NULL);
    if (fluvio_topic_list_count(*list) != 1 || fluvio_topic_list_get(*list, 0) == NULL) {
        check_failed(file, line, "fluvio_topic_describe", FLUVIO_OK, "not exactly one topic");
    }
    return fluvio_topic_list_get(*list, 0);
}
#define DESCRIBE(client, name, list) describe_at(__FILE__, __LINE__, client, name, list)

static void test_topic_config(struct fluvio_client *client) {
    struct fluvio_topic_config *config = fluvio_topic_config_new();
    struct fluvio_topic_list *list = NULL;
    const struct fluvio_topic_info *info;
    const int32_t spus[] = {5002, 5001}, unknown[] = {9999};

    CHECK(config != NULL);
    CHECK_ERR(fluvio_topic_config_set_partitions(NULL, 1), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_topic_config_set_partitions(config, 0), FLUVIO_ERR_INVALID_ARGUMENT, "partition");
    CHECK_ERR(fluvio_topic_config_set_replication(config, 0), FLUVIO_ERR_INVALID_ARGUMENT, "replication");
    CHECK_ERR(fluvio_topic_config_set_ignore_rack(NULL, true), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_topic_config_set_retention_secs(NULL, 60), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_topic_config_set_segment_size(NULL, 4096), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_topic_config_set_max_partition_size(NULL, 4096), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_topic_config_set_compression(config, 99), FLUVIO_ERR_INVALID_ARGUMENT, "99");
    CHECK_ERR(fluvio_topic_config_set_system(NULL, true), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_topic_config_set_deduplication(config, 10, 0, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "filter");
    CHECK_ERR(fluvio_topic_config_set_deduplication(config, 0, 0, "a/b@0.1.0"), FLUVIO_ERR_INVALID_ARGUMENT, "count");
    CHECK_ERR(fluvio_topic_config_add_deduplication_param(config, "k", "v"), FLUVIO_ERR_INVALID_ARGUMENT, "deduplication");
    CHECK_ERR(fluvio_topic_config_add_deduplication_param(config, NULL, "v"), FLUVIO_ERR_INVALID_ARGUMENT, "key");
    CHECK_ERR(fluvio_topic_config_assign_replicas(config, 0, NULL, 1), FLUVIO_ERR_INVALID_ARGUMENT, "spu_ids");
    CHECK_ERR(fluvio_topic_config_assign_replicas(config, 1, spus, 2), FLUVIO_ERR_INVALID_ARGUMENT, "partition 0");

    /* Every option, read back as the cluster keeps it. */
    CHECK_OK(fluvio_topic_config_set_partitions(config, 2));
    CHECK_OK(fluvio_topic_config_set_replication(config, 2));
    CHECK_OK(fluvio_topic_config_set_ignore_rack(config, true));
    CHECK_OK(fluvio_topic_config_set_retention_secs(config, 3600));
    CHECK_OK(fluvio_topic_config_set_segment_size(config, 4096));
    CHECK_OK(fluvio_topic_config_set_max_partition_size(config, 1 << 20));
    CHECK_OK(fluvio_topic_config_set_compression(config, FLUVIO_COMPRESSION_GZIP));
    CHECK_ERR(fluvio_topic_create_with_config(NULL, "api-options", config), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_topic_create_with_config(client, NULL, config), FLUVIO_ERR_INVALID_ARGUMENT, "topic");
    CHECK_ERR(fluvio_topic_create_with_config(client, "API", config), FLUVIO_ERR_INVALID_ARGUMENT, "API");
    CHECK_OK(fluvio_topic_create_with_config(client, "api-options", config));
    CHECK_ERR(fluvio_topic_create_with_config(client, "api-options", config), FLUVIO_ERR_TOPIC_EXISTS, "api-options");
    info = DESCRIBE(client, "api-options", &list);
    CHECK(strcmp(info->name, "api-options") == 0);
    CHECK(info->partitions == 2 && info->replication == 2 && !info->assigned && info->ignore_rack);
    CHECK(info->retention_secs == 3600 && info->segment_size == 4096 && info->max_partition_size == 1 << 20);
    CHECK(info->compression == FLUVIO_COMPRESSION_GZIP && !info->system);
    CHECK(info->dedup_count == 0 && info->dedup_filter == NULL);
    CHECK(info->status == FLUVIO_TOPIC_STATUS_PROVISIONED && info->reason != NULL);
    CHECK(fluvio_topic_list_get(list, 1) == NULL && fluvio_topic_list_get(NULL, 0) == NULL);
    fluvio_topic_list_free(list);

    /* Explicit placement replaces the computed one; then it cannot be set. */
    CHECK_OK(fluvio_topic_config_assign_replicas(config, 0, spus, 2));
    CHECK_OK(fluvio_topic_config_assign_replicas(config, 0, spus, 1)); /* replaces partition 0 */
    CHECK_ERR(fluvio_topic_config_set_partitions(config, 3), FLUVIO_ERR_INVALID_ARGUMENT, "assigned");
    CHECK_OK(fluvio_topic_config_set_system(config, true));
    CHECK_OK(fluvio_topic_create_with_config(client, "api-placed", config));
    info = DESCRIBE(client, "api-placed", &list);
    CHECK(info->partitions == 1 && info->replication == 1 && info->assigned && info->system);
    fluvio_topic_list_free(list);
    CHECK(listed_partitions(client, "api-placed") == -1); /* a system topic: not listed */
    /* System and assigned topics cannot grow; the SC says why. */
    CHECK_ERR(fluvio_topic_add_partitions(client, "api-placed", 1), FLUVIO_ERR_SERVER, "api-placed");
    CHECK_OK(fluvio_topic_config_set_system(config, false));
    CHECK_OK(fluvio_topic_create_with_config(client, "api-placed-2", config));
    CHECK_ERR(fluvio_topic_add_partitions(client, "api-placed-2", 1), FLUVIO_ERR_SERVER, "invalid replica type");
    CHECK_OK(fluvio_topic_config_assign_replicas(config, 1, unknown, 1));
    CHECK_ERR(fluvio_topic_create_with_config(client, "api-unknown-spu", config), FLUVIO_ERR_SERVER, "invalid spu id: 9999");
    fluvio_topic_config_free(config);
    fluvio_topic_config_free(NULL);

    /* What the cluster refuses is refused with its reason. */
    config = fluvio_topic_config_new();
    CHECK_OK(fluvio_topic_config_set_retention_secs(config, 5));
    CHECK_ERR(fluvio_topic_create_with_config(client, "api-short", config), FLUVIO_ERR_SERVER, "retention_secs 5 is less than minimum 10");
    fluvio_topic_config_free(config);
    config = fluvio_topic_config_new();
    CHECK_OK(fluvio_topic_config_set_deduplication(config, 10, 1000, "test/missing@0.1.0"));
    CHECK_OK(fluvio_topic_config_add_deduplication_param(config, "k", "v"));
    CHECK_ERR(fluvio_topic_create_with_config(client, "api-dedup", config), FLUVIO_ERR_SERVER, "not loaded");
    fluvio_topic_config_free(config);
    CHECK(listed_partitions(client, "api-short") == -1 && listed_partitions(client, "api-dedup") == -1);

    /* NULL options: one partition, one replica. */
    CHECK_OK(fluvio_topic_create_with_config(client, "api-plain", NULL));
    info = DESCRIBE(client, "api-plain", &list);
    CHECK(info->partitions == 1 && info->retention_secs == 0 && info->compression == FLUVIO_COMPRESSION_ANY);
    fluvio_topic_list_free(list);

    /* Growing. */
    CHECK_ERR(fluvio_topic_add_partitions(NULL, "api-plain", 1), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_topic_add_partitions(client, NULL, 1), FLUVIO_ERR_INVALID_ARGUMENT, "topic");
    CHECK_ERR(fluvio_topic_add_partitions(client, "api-plain", 0), FLUVIO_ERR_INVALID_ARGUMENT, "at least one");
    CHECK_ERR(fluvio_topic_add_partitions(client, "api-missing", 1), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-missing");
    CHECK_OK(fluvio_topic_add_partitions(client, "api-plain", 2));
    CHECK(listed_partitions(client, "api-plain") == 3);

    CHECK_ERR(fluvio_topic_describe(client, "api-missing", &list), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-missing");
    CHECK_ERR(fluvio_topic_describe(client, NULL, &list), FLUVIO_ERR_INVALID_ARGUMENT, "topic");
    CHECK_ERR(fluvio_topic_describe(NULL, "api-plain", &list), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_topic_describe(client, "api-plain", NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_OK(fluvio_topic_list(client, &list));
    CHECK(fluvio_topic_list_get(list, 0) != NULL);
    CHECK(strcmp(fluvio_topic_list_get(list, 0)->name, fluvio_topic_list_name(list, 0)) == 0);
    fluvio_topic_list_free(list);
    CHECK_OK(fluvio_topic_delete(client, "api-options"));
    CHECK_OK(fluvio_topic_delete(client, "api-placed-2"));
    printf("topic config ok\n");
}

static void test_cluster_admin(struct fluvio_client *client) {
    struct fluvio_partition_list *partitions = (struct fluvio_partition_list *)&g_checks;
    struct fluvio_spu_list *spus = NULL;
    struct fluvio_consumer_lag_list *lags = NULL;
    struct fluvio_consumer_config *config;
    struct fluvio_consumer *consumer = NULL;
    struct fluvio_producer *producer;
    struct fluvio_stream *stream = NULL;
    char *version = NULL;
    size_t i;

    CHECK_ERR(fluvio_client_platform_version(NULL, &version), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_client_platform_version(client, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "version");
    CHECK_OK(fluvio_client_platform_version(client, &version));
    CHECK(strcmp(version, "0.18.1") == 0);
    fluvio_string_free(version);

    CHECK_ERR(fluvio_spu_list(NULL, &spus), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_spu_list(client, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_OK(fluvio_spu_list(client, &spus));
    CHECK(fluvio_spu_list_count(spus) == 2 && fluvio_spu_list_count(NULL) == 0);
    for (i = 0; i < 2; i++) {
        const struct fluvio_spu_info *spu = fluvio_spu_list_get(spus, i);
        CHECK(spu->id == 5001 + (int32_t)i && spu->status == FLUVIO_SPU_STATUS_ONLINE && !spu->custom);
        CHECK(strncmp(spu->public_endpoint, "127.0.0.1:", 10) == 0 && spu->private_endpoint[0] != '\0');
        CHECK(spu->rack == NULL && atoi(spu->name) == spu->id);
    }
    CHECK(fluvio_spu_list_get(spus, 2) == NULL && fluvio_spu_list_get(NULL, 0) == NULL);
    fluvio_spu_list_free(spus);
    fluvio_spu_list_free(NULL);

    /* Five records in each of two partitions; a consumer commits 2 of partition 0. */
    CHECK_OK(fluvio_topic_create(client, "api-lag", 2, 1));
    producer = PRODUCER(client, "api-lag", 0);
    for (i = 0; i < 10; i++) SEND_STR(producer, "lagging");
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);

    CHECK_ERR(fluvio_partition_list(NULL, NULL, &partitions), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_partition_list(client, NULL, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_ERR(fluvio_partition_list(client, "api-missing", &partitions), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-missing");
    CHECK(partitions == (struct fluvio_partition_list *)&g_checks);
    CHECK_OK(fluvio_partition_list(client, "api-lag", &partitions));
    CHECK(fluvio_partition_list_count(partitions) == 2 && fluvio_partition_list_count(NULL) == 0);
    for (i = 0; i < 2; i++) {
        const struct fluvio_partition_info *p = fluvio_partition_list_get(partitions, i);
        CHECK(strcmp(p->topic, "api-lag") == 0 && p->partition == i);
        CHECK(p->leader == 5001 + (int32_t)i && p->replica_count == 1 && p->replicas[0] == p->leader);
        CHECK(p->status == FLUVIO_PARTITION_STATUS_ONLINE && p->in_sync_followers == 0 && !p->deleting);
        CHECK(p->log_end_offset == 5 && p->high_watermark == 5 && p->log_start_offset == 0 && p->size > 0);
    }
    CHECK(fluvio_partition_list_get(partitions, 2) == NULL && fluvio_partition_list_get(NULL, 0) == NULL);
    fluvio_partition_list_free(partitions);
    CHECK_OK(fluvio_partition_list(client, NULL, &partitions)); /* every topic's */
    CHECK(fluvio_partition_list_count(partitions) >= 2);
    fluvio_partition_list_free(partitions);
    CHECK_OK(fluvio_partition_list(client, "consumer-offset", &partitions)); /* a system topic, by name */
    CHECK(fluvio_partition_list_count(partitions) == 1);
    fluvio_partition_list_free(partitions);
    fluvio_partition_list_free(NULL);

    config = fluvio_consumer_config_new();
    CHECK_OK(fluvio_consumer_config_set_consumer_id(config, "api-lagger"));
    CHECK_OK(fluvio_consumer_config_set_offset_strategy(config, FLUVIO_OFFSET_STRATEGY_MANUAL));
    CHECK_OK(fluvio_consumer_config_add_partition(config, 0));
    CHECK_OK(fluvio_consumer_new_with_config(client, "api-lag", config, &consumer));
    fluvio_consumer_config_free(config);
    CHECK_OK(fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream));
    fluvio_consumer_free(consumer);
    fluvio_record_free(NEXT(stream));
    fluvio_record_free(NEXT(stream));
    CHECK_OK(fluvio_stream_commit(stream));
    CHECK_OK(fluvio_stream_flush(stream, WAIT_MS));
    fluvio_stream_free(stream);

    CHECK_ERR(fluvio_consumer_lag_list(NULL, NULL, NULL, &lags), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_consumer_lag_list(client, NULL, NULL, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_OK(fluvio_consumer_lag_list(client, "api-lagger", "api-lag", &lags));
    CHECK(fluvio_consumer_lag_list_count(lags) == 1 && fluvio_consumer_lag_list_count(NULL) == 0);
    {
        const struct fluvio_consumer_lag *lag = fluvio_consumer_lag_list_get(lags, 0);
        CHECK(strcmp(lag->consumer_id, "api-lagger") == 0 && strcmp(lag->topic, "api-lag") == 0 && lag->partition == 0);
        CHECK(lag->offset == 1 && lag->high_watermark == 5 && lag->lag == 3 && lag->modified_time > 0);
    }
    CHECK(fluvio_consumer_lag_list_get(lags, 1) == NULL && fluvio_consumer_lag_list_get(NULL, 0) == NULL);
    fluvio_consumer_lag_list_free(lags);
    CHECK_OK(fluvio_consumer_lag_list(client, "api-nobody", NULL, &lags));
    CHECK(fluvio_consumer_lag_list_count(lags) == 0);
    fluvio_consumer_lag_list_free(lags);
    fluvio_consumer_lag_list_free(NULL);
    CHECK_OK(fluvio_topic_delete(client, "api-lag"));
    printf("cluster admin ok\n");
}

/* Retention through the cleaner, run now as if time had passed. */
static void test_retention(struct fluvio_local_cluster *cluster, struct fluvio_client *client) {
    struct fluvio_topic_config *config = fluvio_topic_config_new();
    struct fluvio_partition_list *partitions = NULL;
    struct fluvio_producer *producer;
    char value[301];
    size_t removed = 99;
    int i;

    CHECK_OK(fluvio_topic_config_set_retention_secs(config, 60));
    CHECK_OK(fluvio_topic_config_set_segment_size(config, 1024));
    CHECK_OK(fluvio_topic_create_with_config(client, "api-retained", config));
    fluvio_topic_config_free(config);
    memset(value, 'r', 300);
    value[300] = '\0';
    producer = PRODUCER(client, "api-retained", 0);
    for (i = 0; i < 8; i++) { /* a batch each: three fill a segment */
        SEND_STR(producer, value);
        CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    }
    fluvio_producer_free(producer);

    CHECK_ERR(fluvio_local_cluster_run_cleaner(NULL, 0, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "cluster");
    CHECK_OK(fluvio_local_cluster_run_cleaner(cluster, 30, &removed));
    CHECK(removed == 0);
    EXPECT_FIRST(client, "api-retained", fluvio_offset_beginning(), 0, value);
    CHECK_OK(fluvio_local_cluster_run_cleaner(cluster, 61, &removed));
    CHECK(removed >= 1);
    CHECK_OK(fluvio_local_cluster_run_cleaner(cluster, 61, NULL));
    CHECK_OK(fluvio_partition_list(client, "api-retained", &partitions));
    {
        const struct fluvio_partition_info *p = fluvio_partition_list_get(partitions, 0);
        CHECK(p->log_start_offset > 0 && p->log_start_offset < 8 && p->log_end_offset == 8);
        EXPECT_FIRST(client, "api-retained", fluvio_offset_beginning(), p->log_start_offset, value);
    }
    fluvio_partition_list_free(partitions);
    CHECK_OK(fluvio_topic_delete(client, "api-retained"));
    printf("retention ok\n");
}

/* ---------------------------------------------------------- producer config */

static void test_producer_config(struct fluvio_client *client) {
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    struct fluvio_producer *producer = (struct fluvio_producer *)&g_checks; /* must stay untouched */

    CHECK(config != NULL);
    CHECK_ERR(fluvio_producer_config_set_batch_size(NULL, 100), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_producer_config_set_batch_size(config, 0), FLUVIO_ERR_INVALID_ARGUMENT, "batch size");
    CHECK_OK(fluvio_producer_config_set_batch_size(config, 1));
    CHECK_OK(fluvio_producer_config_set_batch_size(config, 16384));
    CHECK_ERR(fluvio_producer_config_set_linger_ms(NULL, 0), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_producer_config_set_linger_ms(config, 3600001), FLUVIO_ERR_INVALID_ARGUMENT, "linger");
    CHECK_ERR(fluvio_producer_config_set_linger_ms(config, -1), FLUVIO_ERR_INVALID_ARGUMENT, "linger of -1 ms");
    CHECK_OK(fluvio_producer_config_set_linger_ms(config, 3600000));
    CHECK_OK(fluvio_producer_config_set_linger_ms(config, 0));
    CHECK_ERR(fluvio_producer_config_set_compression(NULL, FLUVIO_COMPRESSION_GZIP), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_producer_config_set_compression(config, 99), FLUVIO_ERR_INVALID_ARGUMENT, "99");
    CHECK_ERR(fluvio_producer_config_set_compression(config, 5), FLUVIO_ERR_INVALID_ARGUMENT, "5");
    CHECK_OK(fluvio_producer_config_set_compression(config, FLUVIO_COMPRESSION_NONE));
    CHECK_OK(fluvio_producer_config_set_compression(config, FLUVIO_COMPRESSION_GZIP));
    CHECK_OK(fluvio_producer_config_set_compression(config, FLUVIO_COMPRESSION_SNAPPY));
    CHECK_OK(fluvio_producer_config_set_compression(config, FLUVIO_COMPRESSION_LZ4));
    CHECK_OK(fluvio_producer_config_set_compression(config, FLUVIO_COMPRESSION_ZSTD));
    CHECK_ERR(fluvio_producer_config_set_partitioner(NULL, NULL, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_OK(fluvio_producer_config_set_partitioner(config, NULL, NULL));
    CHECK_ERR(fluvio_producer_config_set_max_request_size(NULL, 4096), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_producer_config_set_max_request_size(config, 10), FLUVIO_ERR_INVALID_ARGUMENT, "1024");
    CHECK_ERR(fluvio_producer_config_set_max_request_size(config, 1023), FLUVIO_ERR_INVALID_ARGUMENT, "1024");
    CHECK_OK(fluvio_producer_config_set_max_request_size(config, 1024));
    CHECK_OK(fluvio_producer_config_set_max_request_size(config, 1048576));
    CHECK_ERR(fluvio_producer_config_set_queue(NULL, 1, true, 0), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_producer_config_set_queue(config, 0, true, 1000), FLUVIO_ERR_INVALID_ARGUMENT, "queue");
    CHECK_OK(fluvio_producer_config_set_queue(config, 100, true, -1)); /* block without limit */
    CHECK_OK(fluvio_producer_config_set_queue(config, 100, true, 30000));

    CHECK_ERR(fluvio_producer_new(client, "api-missing", config, &producer), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-missing");
    CHECK_ERR(fluvio_producer_new(client, "api-missing", NULL, &producer), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-missing");
    CHECK_ERR(fluvio_producer_new(NULL, "api-topic", config, &producer), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_producer_new(client, NULL, config, &producer), FLUVIO_ERR_INVALID_ARGUMENT, "topic");
    CHECK_ERR(fluvio_producer_new(client, "Bad_Name", config, &producer), FLUVIO_ERR_INVALID_ARGUMENT, "Bad_Name");
    CHECK_ERR(fluvio_producer_new(client, "api-topic", config, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK(producer == (struct fluvio_producer *)&g_checks);
    fluvio_producer_config_free(config);
    fluvio_producer_config_free(NULL);

    /* NULL configuration: the defaults. */
    producer = NULL;
    CHECK_OK(fluvio_producer_new(client, "api-topic", NULL, &producer));
    CHECK(producer != NULL);
    fluvio_producer_free(producer);
    fluvio_producer_free(NULL);
    printf("producer config ok\n");
}

/* ------------------------------------------------------------------ sending */

/* Produces 13 records of every kind to api-prod (1 partition) with every
 * send function, then reads them back through every record accessor. */
static void test_send_and_records(struct fluvio_client *client) {
    static const char nul_value[] = {'a', 'b', '\0', 'c', 'd'};
    struct fluvio_producer *producer;
    struct fluvio_producer_config *config;
    struct fluvio_producer *small = NULL;
    struct fluvio_delivery *delivery = NULL;
    struct fluvio_delivery *none = (struct fluvio_delivery *)&g_checks;
    fluvio_record_in batch[3];
    fluvio_record_in bad_batch[2];
    struct fluvio_stream *stream;
    struct fluvio_record *record;
    char big[2000];
    uint32_t partition = 77;
    int64_t offset = -77;
    size_t sent = 99, len = 99;
    const char *bytes;
    int64_t before = now_ms(), i;

    CHECK_OK(fluvio_topic_create(client, "api-prod", 1, 1));
    producer = PRODUCER(client, "api-prod", 600000); /* only flushes send */

    CHECK_ERR(fluvio_producer_send(NULL, NULL, 0, "x", 1), FLUVIO_ERR_INVALID_ARGUMENT, "producer");
    CHECK_ERR(fluvio_producer_send(producer, NULL, 0, NULL, 3), FLUVIO_ERR_INVALID_ARGUMENT, "value");
    CHECK_ERR(fluvio_producer_send(producer, "k", 0, NULL, 3), FLUVIO_ERR_INVALID_ARGUMENT, "value");
    CHECK_OK(fluvio_producer_send(producer, NULL, 0, "no-key", 6));                  /* offset 0 */
    CHECK_OK(fluvio_producer_send(producer, "", 0, "empty-key", 9));                 /* offset 1 */
    CHECK_OK(fluvio_producer_send(producer, "k2", 2, NULL, 0));                      /* offset 2 */
    CHECK_OK(fluvio_producer_send(producer, NULL, 0, nul_value, sizeof nul_value));  /* offset 3 */

    /* A delivery is not known until the batch is sent (the linger is long). */
    CHECK_ERR(fluvio_producer_send_with_delivery(producer, NULL, 0, "x", 1, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_ERR(fluvio_producer_send_with_delivery(NULL, NULL, 0, "x", 1, &none), FLUVIO_ERR_INVALID_ARGUMENT, "producer");
    CHECK_ERR(fluvio_producer_send_with_delivery(producer, NULL, 0, NULL, 1, &none), FLUVIO_ERR_INVALID_ARGUMENT, "value");
    CHECK(none == (struct fluvio_delivery *)&g_checks);
    CHECK_OK(fluvio_producer_send_with_delivery(producer, "dk", 2, "delivered", 9, &delivery)); /* offset 4 */
    CHECK(delivery != NULL);
    CHECK_STATUS(fluvio_delivery_wait(delivery, 0, &partition, &offset), FLUVIO_ERR_TIMEOUT);
    CHECK(partition == 77 && offset == -77);
    CHECK_ERR(fluvio_delivery_wait(NULL, 0, &partition, &offset), FLUVIO_ERR_INVALID_ARGUMENT, "delivery");

    /* Batches. */
    CHECK_OK(fluvio_producer_send_batch(producer, NULL, 0, &sent));
    CHECK(sent == 0);
    CHECK_OK(fluvio_producer_send_batch(producer, NULL, 0, NULL));
    sent = 99;
    CHECK_ERR(fluvio_producer_send_batch(producer, NULL, 3, &sent), FLUVIO_ERR_INVALID_ARGUMENT, "records");
    batch[0].key = NULL;
    batch[0].key_len = 0;
    batch[0].value = "batch-0";
    batch[0].value_len = 7;
    batch[1].key = "bk";
    batch[1].key_len = 2;
    batch[1].value = "batch-1";
    batch[1].value_len = 7;
    batch[2].key = NULL;
    batch[2].key_len = 0;
    batch[2].value = "batch-2";
    batch[2].value_len = 7;
    sent = 99;
    CHECK_ERR(fluvio_producer_send_batch(NULL, batch, 3, &sent), FLUVIO_ERR_INVALID_ARGUMENT, "producer");
    CHECK(sent == 0);
    CHECK_OK(fluvio_producer_send_batch(producer, batch, 3, &sent)); /* offsets 5-7 */
    CHECK(sent == 3);
    bad_batch[0] = batch[0];
    bad_batch[0].value = "batch-3";
    bad_batch[1].key = NULL;
    bad_batch[1].key_len = 0;
    bad_batch[1].value = NULL;
    bad_batch[1].value_len = 4;
    CHECK_ERR(fluvio_producer_send_batch(producer, bad_batch, 2, &sent), FLUVIO_ERR_INVALID_ARGUMENT, "value"); /* offset 8 */
    CHECK(sent == 1);
    CHECK_STATUS(fluvio_producer_send_batch(producer, bad_batch, 2, NULL), FLUVIO_ERR_INVALID_ARGUMENT); /* offset 9 */

    /* Flushing (flushes timing out: see test_cluster_gone). */
    CHECK_ERR(fluvio_producer_flush(NULL, FLUVIO_FLUSH_TIMEOUT_MS), FLUVIO_ERR_INVALID_ARGUMENT, "producer");
    CHECK_ERR(fluvio_producer_flush(NULL, 1000), FLUVIO_ERR_INVALID_ARGUMENT, "producer");
    CHECK_OK(fluvio_producer_flush(producer, -1));
    CHECK_OK(fluvio_delivery_wait(delivery, 0, &partition, &offset));
    CHECK(partition == 0 && offset == 4);
    CHECK_OK(fluvio_delivery_wait(delivery, -1, NULL, NULL));
    CHECK_OK(fluvio_delivery_wait(delivery, 1000, NULL, &offset));
    CHECK_OK(fluvio_delivery_wait(delivery, 1000, &partition, NULL));
    fluvio_delivery_free(delivery);
    fluvio_delivery_free(NULL);

    SEND_STR(producer, "flushed"); /* offset 10 */
    CHECK_OK(fluvio_producer_flush(producer, 30000));
    SEND_STR(producer, "after-flush"); /* offset 11 */
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS)); /* nothing pending */

    /* A record larger than the maximum request size. */
    config = fluvio_producer_config_new();
    CHECK_OK(fluvio_producer_config_set_max_request_size(config, 1024));
    CHECK_OK(fluvio_producer_new(client, "api-prod", config, &small));
    fluvio_producer_config_free(config);
    memset(big, 'b', sizeof big);
    CHECK_ERR(fluvio_producer_send(small, NULL, 0, big, sizeof big), FLUVIO_ERR_RECORD_TOO_LARGE, "1024");
    CHECK_ERR(fluvio_producer_send(small, big, 1500, "v", 1), FLUVIO_ERR_RECORD_TOO_LARGE, "1024");
    CHECK_ERR(fluvio_producer_send_with_delivery(small, NULL, 0, big, sizeof big, &none), FLUVIO_ERR_RECORD_TOO_LARGE, "1024");
    CHECK(none == (struct fluvio_delivery *)&g_checks);
    CHECK_OK(fluvio_producer_send(producer, NULL, 0, big, sizeof big)); /* offset 12: fine for the default limit */
    CHECK_OK(fluvio_producer_flush(small, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(small);
    fluvio_producer_free(producer); /* flushes offset 12 */

    /* Read everything back and check every accessor. */
    stream = OPEN_STREAM(client, "api-prod", 0, fluvio_offset_beginning());

    record = NEXT(stream); /* no key */
    len = 99;
    CHECK(fluvio_record_key(record, &len) == NULL && len == 0);
    CHECK(fluvio_record_key(record, NULL) == NULL);
    bytes = fluvio_record_value(record, &len);
    CHECK(len == 6 && memcmp(bytes, "no-key", 6) == 0 && bytes[6] == '\0');
    CHECK(fluvio_record_value(record, NULL) == bytes);
    CHECK(fluvio_record_value_str(record) == bytes);
    CHECK(strcmp(fluvio_record_value_str(record), "no-key") == 0);
    CHECK(fluvio_record_offset(record) == 0);
    CHECK(fluvio_record_partition(record) == 0);
    CHECK(fluvio_record_timestamp(record) >= before - 1000);
    CHECK(fluvio_record_timestamp(record) >= now_ms() - 60000);
    CHECK(fluvio_record_timestamp(record) <= now_ms() + 1000);
    fluvio_record_free(record);

    record = NEXT(stream); /* an empty key is a key */
    len = 99;
    CHECK(fluvio_record_key(record, &len) != NULL && len == 0);
    CHECK(strcmp(fluvio_record_value_str(record), "empty-key") == 0);
    CHECK(fluvio_record_offset(record) == 1);
    fluvio_record_free(record);

    record = NEXT(stream); /* an empty value */
    bytes = fluvio_record_key(record, &len);
    CHECK(bytes != NULL && len == 2 && memcmp(bytes, "k2", 2) == 0);
    len = 99;
    bytes = fluvio_record_value(record, &len);
    CHECK(bytes != NULL && len == 0 && bytes[0] == '\0');
    CHECK(strcmp(fluvio_record_value_str(record), "") == 0);
    CHECK(fluvio_record_offset(record) == 2);
    fluvio_record_free(record);

    record = NEXT(stream); /* a value with a NUL inside */
    bytes = fluvio_record_value(record, &len);
    CHECK(len == sizeof nul_value && memcmp(bytes, nul_value, len) == 0 && bytes[len] == '\0');
    CHECK(strcmp(fluvio_record_value_str(record), "ab") == 0);
    CHECK(fluvio_record_offset(record) == 3);
    fluvio_record_free(record);

    record = NEXT(stream);
    bytes = fluvio_record_key(record, &len);
    CHECK(len == 2 && memcmp(bytes, "dk", 2) == 0);
    CHECK(strcmp(fluvio_record_value_str(record), "delivered") == 0);
    CHECK(fluvio_record_offset(record) == 4);
    fluvio_record_free(record);

    for (i = 0; i < 3; i++) {
        char expected[16];
        snprintf(expected, sizeof expected, "batch-%d", (int)i);
        record = NEXT(stream);
        CHECK(strcmp(fluvio_record_value_str(record), expected) == 0);
        CHECK(fluvio_record_offset(record) == 5 + i);
        bytes = fluvio_record_key(record, &len);
        CHECK(i == 1 ? (len == 2 && memcmp(bytes, "bk", 2) == 0) : (bytes == NULL && len == 0));
        fluvio_record_free(record);
    }
    for (i = 8; i < 10; i++) {
        record = NEXT(stream);
        CHECK(strcmp(fluvio_record_value_str(record), "batch-3") == 0);
        CHECK(fluvio_record_offset(record) == i);
        fluvio_record_free(record);
    }
    record = NEXT(stream);
    CHECK(strcmp(fluvio_record_value_str(record), "flushed") == 0 && fluvio_record_offset(record) == 10);
    fluvio_record_free(record);
    record = NEXT(stream);
    CHECK(strcmp(fluvio_record_value_str(record), "after-flush") == 0 && fluvio_record_offset(record) == 11);
    fluvio_record_free(record);
    record = NEXT(stream);
    bytes = fluvio_record_value(record, &len);
    CHECK(len == sizeof big && memcmp(bytes, big, len) == 0 && fluvio_record_offset(record) == 12);
    CHECK(fluvio_record_timestamp(record) >= before - 1000 && fluvio_record_timestamp(record) <= now_ms() + 1000);
    fluvio_record_free(record);
    CHECK_EMPTY(stream);

    /* Record accessors with NULL. */
    len = 99;
    CHECK(fluvio_record_key(NULL, &len) == NULL && len == 0);
    CHECK(fluvio_record_key(NULL, NULL) == NULL);
    len = 99;
    CHECK(fluvio_record_value(NULL, &len) == NULL && len == 0);
    CHECK(fluvio_record_value(NULL, NULL) == NULL);
    CHECK(fluvio_record_value_str(NULL) == NULL);
    CHECK(fluvio_record_offset(NULL) == -1);
    CHECK(fluvio_record_partition(NULL) == 0);
    CHECK(fluvio_record_timestamp(NULL) == -1);
    fluvio_record_free(NULL);
    fluvio_stream_free(stream);
    fluvio_stream_free(NULL);

    /* Freeing a stream while its partition task is still delivering (and
     * signalling the readiness descriptor) must not kill the program with
     * SIGPIPE, which C programs do not ignore. */
    for (i = 0; i < 20; i++) {
        stream = OPEN_STREAM(client, "api-prod", 0, fluvio_offset_beginning());
        record = NEXT(stream);
        CHECK(fluvio_record_offset(record) == 0);
        fluvio_record_free(record);
        fluvio_stream_free(stream);
    }
    printf("send, delivery, batches, flush and record accessors ok\n");
}

/* ------------------------------------------------------------- queue full */

static void test_queue_full(struct fluvio_client *client) {
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    struct fluvio_producer *producer = NULL;
    fluvio_status status = FLUVIO_OK;
    long sends;

    CHECK_OK(fluvio_topic_create(client, "api-queue", 1, 1));
    /* Every record is a batch of its own, one batch may wait, and the linger
     * is long: senders outrun the dispatcher. */
    CHECK_OK(fluvio_producer_config_set_batch_size(config, 1));
    CHECK_OK(fluvio_producer_config_set_queue(config, 1, false, 0));
    CHECK_OK(fluvio_producer_config_set_linger_ms(config, 600000));
    CHECK_OK(fluvio_producer_new(client, "api-queue", config, &producer));
    for (sends = 0; sends < 1000000 && status == FLUVIO_OK; sends++) {
        status = fluvio_producer_send(producer, NULL, 0, "q", 1);
    }
    CHECK_ERR(status, FLUVIO_ERR_QUEUE_FULL, "full");
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);
    producer = NULL;

    /* Blocking (here for 0 ms) ends in FLUVIO_ERR_TIMEOUT instead. */
    CHECK_OK(fluvio_producer_config_set_queue(config, 1, true, 0));
    CHECK_OK(fluvio_producer_new(client, "api-queue", config, &producer));
    status = FLUVIO_OK;
    for (sends = 0; sends < 1000000 && status == FLUVIO_OK; sends++) {
        status = fluvio_producer_send(producer, NULL, 0, "q", 1);
    }
    CHECK_ERR(status, FLUVIO_ERR_TIMEOUT, "queue");
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);
    fluvio_producer_config_free(config);
    CHECK_OK(fluvio_topic_delete(client, "api-queue"));
    printf("queue full ok\n");
}

/* ------------------------------------------------------------- compression */

static void test_compression(struct fluvio_client *client) {
    static const fluvio_compression codecs[] = {FLUVIO_COMPRESSION_NONE, FLUVIO_COMPRESSION_GZIP, FLUVIO_COMPRESSION_SNAPPY,
                                                FLUVIO_COMPRESSION_LZ4, FLUVIO_COMPRESSION_ZSTD};
    enum { PER_CODEC = 20 };
    char value[256];
    struct fluvio_stream *stream;
    size_t c;
    int i;

    CHECK_OK(fluvio_topic_create(client, "api-comp", 1, 1));
    for (c = 0; c < sizeof codecs / sizeof codecs[0]; c++) {
        struct fluvio_producer_config *config = fluvio_producer_config_new();
        struct fluvio_producer *producer = NULL;
        CHECK_OK(fluvio_producer_config_set_compression(config, codecs[c]));
        CHECK_OK(fluvio_producer_config_set_linger_ms(config, 600000));
        CHECK_OK(fluvio_producer_new(client, "api-comp", config, &producer));
        fluvio_producer_config_free(config);
        for (i = 0; i < PER_CODEC; i++) {
            snprintf(value, sizeof value, "codec-%u-%02d-%0150d", (unsigned)codecs[c], i, 0);
            CHECK_OK(fluvio_producer_send(producer, "key", 3, value, strlen(value)));
        }
        CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
        fluvio_producer_free(producer);
    }
    stream = OPEN_STREAM(client, "api-comp", 0, fluvio_offset_beginning());
    for (c = 0; c < sizeof codecs / sizeof codecs[0]; c++) {
        for (i = 0; i < PER_CODEC; i++) {
            struct fluvio_record *record = NEXT(stream);
            size_t len;
            const char *key = fluvio_record_key(record, &len);
            snprintf(value, sizeof value, "codec-%u-%02d-%0150d", (unsigned)codecs[c], i, 0);
            CHECK(strcmp(fluvio_record_value_str(record), value) == 0);
            CHECK(len == 3 && memcmp(key, "key", 3) == 0);
            CHECK(fluvio_record_offset(record) == (int64_t)(c * PER_CODEC + (size_t)i));
            fluvio_record_free(record);
        }
    }
    CHECK_EMPTY(stream);
    fluvio_stream_free(stream);
    CHECK_OK(fluvio_topic_delete(client, "api-comp"));
    printf("compression (none, gzip, snappy, lz4, zstd) ok\n");
}

/* ------------------------------------------------------------- partitioner */

struct partitioner_state {
    int calls;
    int wrong_count;
    int wrong_key;
};

/* The partition is the digit after 'p' in values like "p2-...". A value
 * sent with key "key" must arrive with it; others without a key. */
static uint32_t partition_by_value(void *user_data, const void *key, size_t key_len, const void *value, size_t value_len,
                                   uint32_t partition_count) {
    struct partitioner_state *state = user_data;
    const char *text = value;
    state->calls++;
    if (partition_count != 3) {
        state->wrong_count++;
    }
    if (value_len > 3 && text[3] == 'k' ? (key == NULL || key_len != 3 || memcmp(key, "key", 3) != 0) : (key != NULL || key_len != 0)) {
        state->wrong_key++;
    }
    return (uint32_t)(text[1] - '0');
}

static uint32_t partition_out_of_range(void *user_data, const void *key, size_t key_len, const void *value, size_t value_len,
                                       uint32_t partition_count) {
    struct partitioner_state *state = user_data;
    (void)key;
    (void)key_len;
    (void)value;
    (void)value_len;
    state->calls++;
    return partition_count;
}

static void test_partitioner(struct fluvio_client *client) {
    struct partitioner_state state = {0, 0, 0};
    struct partitioner_state bad = {0, 0, 0};
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    struct fluvio_producer *producer = NULL;
    struct fluvio_stream *stream;
    struct fluvio_delivery *delivery = NULL;
    uint32_t default_partition = 99;
    int i;

    CHECK_OK(fluvio_producer_config_set_linger_ms(config, 0));
    CHECK_OK(fluvio_producer_config_set_partitioner(config, partition_by_value, &state));
    CHECK_OK(fluvio_producer_new(client, "api-topic", config, &producer));
    for (i = 0; i < 9; i++) {
        char value[32];
        uint32_t target = (uint32_t)(i * 2) % 3, partition = 99;
        struct fluvio_delivery *placed = NULL;
        int keyed = i % 2;
        snprintf(value, sizeof value, "p%u-%s-%d", (unsigned)target, keyed ? "k" : "n", i);
        CHECK_OK(fluvio_producer_send_with_delivery(producer, keyed ? "key" : NULL, keyed ? 3 : 0, value, strlen(value), &placed));
        CHECK_OK(fluvio_delivery_wait(placed, WAIT_MS, &partition, NULL));
        CHECK(partition == target);
        fluvio_delivery_free(placed);
    }
    CHECK(state.calls == 9);
    CHECK(state.wrong_count == 0);
    CHECK(state.wrong_key == 0);
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);

    /* Out of range: refused, nothing sent. */
    CHECK_OK(fluvio_producer_config_set_partitioner(config, partition_out_of_range, &bad));
    CHECK_OK(fluvio_producer_new(client, "api-topic", config, &producer));
    CHECK_ERR(fluvio_producer_send(producer, NULL, 0, "x", 1), FLUVIO_ERR_INVALID_ARGUMENT, "partition 3");
    CHECK(bad.calls == 1);
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);
    /* NULL restores the default partitioner. */
    CHECK_OK(fluvio_producer_config_set_partitioner(config, NULL, &bad));
    CHECK_OK(fluvio_producer_new(client, "api-topic", config, &producer));
    CHECK_OK(fluvio_producer_send_with_delivery(producer, NULL, 0, "p9-default", 10, &delivery)); /* anywhere */
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    CHECK_OK(fluvio_delivery_wait(delivery, 0, &default_partition, NULL));
    CHECK(default_partition < 3);
    CHECK(bad.calls == 1);
    fluvio_delivery_free(delivery);
    fluvio_producer_free(producer);
    fluvio_producer_config_free(config);

    /* Each partition holds what the partitioner chose. */
    for (i = 0; i < 3; i++) {
        int j;
        stream = OPEN_STREAM(client, "api-topic", i, fluvio_offset_beginning());
        for (j = 0; j < 3; j++) {
            struct fluvio_record *record = NEXT(stream);
            const char *value = fluvio_record_value_str(record);
            CHECK(fluvio_record_partition(record) == (uint32_t)i);
            CHECK(fluvio_record_offset(record) == j);
            CHECK(value[0] == 'p' && value[1] == '0' + i);
            fluvio_record_free(record);
        }
        if ((uint32_t)i == default_partition) { /* the default partitioner's record comes last */
            struct fluvio_record *record = NEXT(stream);
            CHECK(strcmp(fluvio_record_value_str(record), "p9-default") == 0);
            CHECK(fluvio_record_offset(record) == 3);
            fluvio_record_free(record);
        }
        CHECK_EMPTY(stream);
        fluvio_stream_free(stream);
    }
    printf("custom partitioner ok\n");
}

/* ---------------------------------------------------------------- consumer */

/* A topic can be consumed as soon as fluvio_topic_create returns (its
 * partitions may be announced after the topic itself). */
static void test_fresh_topics(struct fluvio_client *client) {
    int i;
    for (i = 0; i < 5; i++) {
        char name[32];
        struct fluvio_stream *one, *all;
        struct fluvio_producer *producer;
        struct fluvio_record *record;
        snprintf(name, sizeof name, "api-fresh-%d", i);
        CHECK_OK(fluvio_topic_create(client, name, 3, 1));
        one = OPEN_STREAM(client, name, 2, i % 2 ? fluvio_offset_end() : fluvio_offset_beginning());
        all = OPEN_STREAM(client, name, FLUVIO_ALL_PARTITIONS, fluvio_offset_end());
        CHECK_EMPTY(one);
        producer = PRODUCER(client, name, 0);
        SEND_STR(producer, "fresh");
        CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
        fluvio_producer_free(producer);
        record = NEXT(all);
        CHECK(strcmp(fluvio_record_value_str(record), "fresh") == 0 && fluvio_record_offset(record) == 0);
        fluvio_record_free(record);
        fluvio_stream_free(one);
        fluvio_stream_free(all);
        CHECK_OK(fluvio_topic_delete(client, name));
    }
    printf("streams of just-created topics ok\n");
}

static void test_consumer_arguments(struct fluvio_client *client) {
    struct fluvio_consumer *consumer = (struct fluvio_consumer *)&g_checks; /* must stay untouched */
    struct fluvio_consumer *all = NULL;
    struct fluvio_stream *stream = (struct fluvio_stream *)&g_checks;
    struct fluvio_record *record;
    fluvio_offset unknown;

    CHECK_ERR(fluvio_consumer_new(NULL, "api-topic", 0, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_consumer_new(client, NULL, 0, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "topic");
    CHECK_ERR(fluvio_consumer_new(client, "api-topic", 0, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_ERR(fluvio_consumer_new(client, "api-missing", 0, &consumer), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-missing");
    CHECK_ERR(fluvio_consumer_new(client, "api-missing", FLUVIO_ALL_PARTITIONS, &consumer), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-missing");
    CHECK_ERR(fluvio_consumer_new(client, "Not_Valid", 0, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "Not_Valid");
    CHECK_ERR(fluvio_consumer_new(client, "api-topic", 5, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "partition 5");
    CHECK_ERR(fluvio_consumer_new(client, "api-topic", 3, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "partition 3");
    CHECK_ERR(fluvio_consumer_new(client, "api-topic", -2, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "-2");
    CHECK_ERR(fluvio_consumer_new(client, "api-topic", INT32_MIN, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "negative");
    CHECK(consumer == (struct fluvio_consumer *)&g_checks);

    CHECK_OK(fluvio_consumer_new(client, "api-topic", FLUVIO_ALL_PARTITIONS, &all));
    CHECK(all != NULL);
    CHECK_ERR(fluvio_consumer_stream(NULL, fluvio_offset_beginning(), &stream), FLUVIO_ERR_INVALID_ARGUMENT, "consumer");
    CHECK_ERR(fluvio_consumer_stream(all, fluvio_offset_beginning(), NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_ERR(fluvio_consumer_stream(all, fluvio_offset_absolute(-1), &stream), FLUVIO_ERR_INVALID_ARGUMENT, "-1");
    unknown.kind = 99;
    unknown.value = 0;
    CHECK_ERR(fluvio_consumer_stream(all, unknown, &stream), FLUVIO_ERR_INVALID_ARGUMENT, "99");
    unknown.kind = FLUVIO_OFFSET_FROM_END;
    unknown.value = -1;
    CHECK_ERR(fluvio_consumer_stream(all, unknown, &stream), FLUVIO_ERR_INVALID_ARGUMENT, "-1");
    CHECK(stream == (struct fluvio_stream *)&g_checks);
    fluvio_consumer_free(all);
    fluvio_consumer_free(NULL);

    /* Stream misuse. */
    record = (struct fluvio_record *)&g_checks;
    CHECK_ERR(fluvio_stream_next(NULL, 0, &record), FLUVIO_ERR_INVALID_ARGUMENT, "stream");
    CHECK(record == NULL); /* *out is cleared on every failure */
    CHECK(fluvio_stream_fd(NULL) == -1);
    printf("consumer arguments ok\n");
}

/* ---------------------------------------------------------- consumer offsets */

/* A consumer of `topic` (all partitions) named `id` with `strategy`, ending
 * at the current end when `finite`. */
static struct fluvio_stream *named_stream_at(const char *file, int line, struct fluvio_client *client, const char *topic, const char *id,
                                             fluvio_offset_strategy strategy, int finite) {
    struct fluvio_consumer_config *config = fluvio_consumer_config_new();
    struct fluvio_consumer *consumer = NULL;
    struct fluvio_stream *stream = NULL;
    if (config == NULL) {
        check_failed(file, line, "fluvio_consumer_config_new", FLUVIO_OK, "returned NULL");
    }
    check_status_at(file, line, "set_consumer_id", fluvio_consumer_config_set_consumer_id(config, id), FLUVIO_OK, NULL);
    check_status_at(file, line, "set_offset_strategy", fluvio_consumer_config_set_offset_strategy(config, strategy), FLUVIO_OK, NULL);
    check_status_at(file, line, "set_continuous", fluvio_consumer_config_set_continuous(config, !finite), FLUVIO_OK, NULL);
    check_status_at(file, line, "fluvio_consumer_with_config", fluvio_consumer_new_with_config(client, topic, config, &consumer), FLUVIO_OK,
                    NULL);
    fluvio_consumer_config_free(config); /* the consumer keeps its own copy */
    check_status_at(file, line, "fluvio_consumer_stream", fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream), FLUVIO_OK,
                    NULL);
    fluvio_consumer_free(consumer);
    return stream;
}
#define NAMED_STREAM(client, topic, id, strategy, finite) named_stream_at(__FILE__, __LINE__, client, topic, id, strategy, finite)

/* Reads a finite stream to its end; returns how many records it gave and
 * the offset of the first one in `*first` (-1: none). */
static int read_to_end(struct fluvio_stream *stream, int64_t *first) {
    struct fluvio_record *record = NULL;
    fluvio_status status;
    int count = 0;
    *first = -1;
    while ((status = fluvio_stream_next(stream, WAIT_MS, &record)) == FLUVIO_OK) {
        if (count++ == 0) {
            *first = fluvio_record_offset(record);
        }
        fluvio_record_free(record);
    }
    CHECK_STATUS(status, FLUVIO_END_OF_STREAM);
    CHECK(record == NULL);
    CHECK_STATUS(fluvio_stream_next(stream, 0, &record), FLUVIO_END_OF_STREAM); /* and stays ended */
    return count;
}

/* The stored offset of `id` in topic-`partition`, or -2 when none is listed. */
static int64_t stored_offset(struct fluvio_client *client, const char *id, const char *topic, uint32_t partition) {
    struct fluvio_consumer_offset_list *list = NULL;
    int64_t found = -2;
    size_t i;
    CHECK_OK(fluvio_consumer_offset_list(client, id, topic, &list));
    CHECK(list != NULL);
    for (i = 0; i < fluvio_consumer_offset_list_count(list); i++) {
        CHECK(strcmp(fluvio_consumer_offset_list_consumer_id(list, i), id) == 0);
        CHECK(strcmp(fluvio_consumer_offset_list_topic(list, i), topic) == 0);
        CHECK(fluvio_consumer_offset_list_modified_time(list, i) > 1700000000u); /* seconds since the epoch */
        CHECK(fluvio_consumer_offset_list_modified_time(list, i) < 4000000000u);
        if (fluvio_consumer_offset_list_partition(list, i) == partition) {
            found = fluvio_consumer_offset_list_offset(list, i);
        }
    }
    fluvio_consumer_offset_list_free(list);
    return found;
}

static void test_consumer_offsets(struct fluvio_client *client) {
    struct fluvio_consumer_config *config = fluvio_consumer_config_new();
    struct fluvio_consumer *consumer = (struct fluvio_consumer *)&g_checks;
    struct fluvio_consumer_offset_list *list = (struct fluvio_consumer_offset_list *)&g_checks;
    struct fluvio_producer *producer;
    struct fluvio_stream *stream, *plain;
    struct fluvio_record *record;
    char value[32];
    int64_t first;
    int i;

    CHECK_OK(fluvio_topic_create(client, "api-offsets", 1, 1));
    producer = PRODUCER(client, "api-offsets", 0);
    for (i = 0; i < 10; i++) {
        snprintf(value, sizeof value, "o%d", i);
        SEND_STR(producer, value);
    }
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);

    /* Config misuse. */
    CHECK(config != NULL);
    CHECK_ERR(fluvio_consumer_config_set_consumer_id(NULL, "x"), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_consumer_config_set_consumer_id(config, ""), FLUVIO_ERR_INVALID_ARGUMENT, "consumer id");
    CHECK_ERR(fluvio_consumer_config_set_offset_strategy(NULL, FLUVIO_OFFSET_STRATEGY_AUTO), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_consumer_config_set_offset_strategy(config, 7), FLUVIO_ERR_INVALID_ARGUMENT, "7");
    CHECK_ERR(fluvio_consumer_config_set_offset_flush_ms(config, 0), FLUVIO_ERR_INVALID_ARGUMENT, "0 ms");
    CHECK_ERR(fluvio_consumer_config_set_offset_flush_ms(config, -1), FLUVIO_ERR_INVALID_ARGUMENT, "-1 ms");
    CHECK_ERR(fluvio_consumer_config_set_offset_flush_ms(NULL, 10), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_consumer_config_set_max_bytes(config, 0), FLUVIO_ERR_INVALID_ARGUMENT, "max bytes");
    CHECK_ERR(fluvio_consumer_config_set_max_bytes(NULL, 100), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_consumer_config_set_continuous(NULL, false), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_consumer_config_add_partition(NULL, 0), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_OK(fluvio_consumer_config_add_partition(config, 0));
    CHECK_ERR(fluvio_consumer_config_add_partition(config, 0), FLUVIO_ERR_INVALID_ARGUMENT, "already");
    /* A strategy without a consumer id, then a partition the topic lacks. */
    CHECK_OK(fluvio_consumer_config_set_offset_strategy(config, FLUVIO_OFFSET_STRATEGY_MANUAL));
    CHECK_ERR(fluvio_consumer_new_with_config(client, "api-offsets", config, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "consumer id");
    CHECK_OK(fluvio_consumer_config_set_consumer_id(config, "c-api"));
    CHECK_OK(fluvio_consumer_config_add_partition(config, 1));
    CHECK_ERR(fluvio_consumer_new_with_config(client, "api-offsets", config, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "partition 1");
    CHECK_ERR(fluvio_consumer_new_with_config(NULL, "api-offsets", config, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_consumer_new_with_config(client, NULL, config, &consumer), FLUVIO_ERR_INVALID_ARGUMENT, "topic");
    CHECK_ERR(fluvio_consumer_new_with_config(client, "api-offsets", config, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_ERR(fluvio_consumer_new_with_config(client, "api-nothing", NULL, &consumer), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-nothing");
    CHECK(consumer == (struct fluvio_consumer *)&g_checks);
    CHECK_OK(fluvio_consumer_config_set_consumer_id(config, NULL)); /* removes the name */
    CHECK_OK(fluvio_consumer_config_set_offset_flush_ms(config, 50));
    CHECK_OK(fluvio_consumer_config_set_max_bytes(config, 4096));
    fluvio_consumer_config_free(config);
    fluvio_consumer_config_free(NULL);

    /* Default config: a plain consumer of every partition. */
    consumer = NULL;
    CHECK_OK(fluvio_consumer_new_with_config(client, "api-offsets", NULL, &consumer));
    CHECK_OK(fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &plain));
    fluvio_consumer_free(consumer);
    record = NEXT(plain);
    CHECK(strcmp(fluvio_record_value_str(record), "o0") == 0);
    fluvio_record_free(record);
    CHECK_ERR(fluvio_stream_commit(plain), FLUVIO_ERR_INVALID_ARGUMENT, "consumer id");
    CHECK_ERR(fluvio_stream_flush(plain, WAIT_MS), FLUVIO_ERR_INVALID_ARGUMENT, "consumer id");
    CHECK_ERR(fluvio_stream_commit(NULL), FLUVIO_ERR_INVALID_ARGUMENT, "stream");
    CHECK_ERR(fluvio_stream_flush(NULL, 0), FLUVIO_ERR_INVALID_ARGUMENT, "stream");
    fluvio_stream_free(plain);

    /* Manual: read 4, commit, flush; a new stream with the id resumes at 4. */
    stream = NAMED_STREAM(client, "api-offsets", "c-api", FLUVIO_OFFSET_STRATEGY_MANUAL, 0);
    for (i = 0; i < 4; i++) {
        fluvio_record_free(NEXT(stream));
    }
    CHECK_OK(fluvio_stream_flush(stream, WAIT_MS)); /* nothing committed yet: nothing stored */
    CHECK(stored_offset(client, "c-api", "api-offsets", 0) == -2);
    CHECK_OK(fluvio_stream_commit(stream));
    CHECK_OK(fluvio_stream_flush(stream, -1));
    CHECK(stored_offset(client, "c-api", "api-offsets", 0) == 3);
    fluvio_stream_free(stream);
    stream = NAMED_STREAM(client, "api-offsets", "c-api", FLUVIO_OFFSET_STRATEGY_MANUAL, 1);
    CHECK(read_to_end(stream, &first) == 6);
    CHECK(first == 4);
    fluvio_stream_free(stream);
    CHECK(stored_offset(client, "c-api", "api-offsets", 0) == 3); /* not committed */

    /* Auto: what was handed out is stored when the stream is freed. */
    stream = NAMED_STREAM(client, "api-offsets", "c-auto", FLUVIO_OFFSET_STRATEGY_AUTO, 0);
    for (i = 0; i < 7; i++) {
        fluvio_record_free(NEXT(stream));
    }
    fluvio_stream_free(stream);
    CHECK(stored_offset(client, "c-auto", "api-offsets", 0) == 6);
    stream = NAMED_STREAM(client, "api-offsets", "c-auto", FLUVIO_OFFSET_STRATEGY_AUTO, 1);
    CHECK(read_to_end(stream, &first) == 3);
    CHECK(first == 7);
    fluvio_stream_free(stream);
    CHECK(stored_offset(client, "c-auto", "api-offsets", 0) == 9);

    /* Listing: filters, misuse, out of range. */
    CHECK_OK(fluvio_consumer_offset_list(client, NULL, "api-offsets", &list));
    CHECK(fluvio_consumer_offset_list_count(list) == 2);
    CHECK(fluvio_consumer_offset_list_consumer_id(list, 2) == NULL);
    CHECK(fluvio_consumer_offset_list_topic(list, 2) == NULL);
    CHECK(fluvio_consumer_offset_list_partition(list, 2) == 0);
    CHECK(fluvio_consumer_offset_list_offset(list, 2) == -1);
    CHECK(fluvio_consumer_offset_list_modified_time(list, 2) == 0);
    fluvio_consumer_offset_list_free(list);
    CHECK_OK(fluvio_consumer_offset_list(client, "c-none", NULL, &list));
    CHECK(fluvio_consumer_offset_list_count(list) == 0);
    fluvio_consumer_offset_list_free(list);
    fluvio_consumer_offset_list_free(NULL);
    CHECK(fluvio_consumer_offset_list_count(NULL) == 0);
    CHECK(fluvio_consumer_offset_list_consumer_id(NULL, 0) == NULL);
    CHECK(fluvio_consumer_offset_list_offset(NULL, 0) == -1);
    list = (struct fluvio_consumer_offset_list *)&g_checks;
    CHECK_ERR(fluvio_consumer_offset_list(NULL, NULL, NULL, &list), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_consumer_offset_list(client, NULL, NULL, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK(list == (struct fluvio_consumer_offset_list *)&g_checks);

    /* Deleting. */
    CHECK_ERR(fluvio_consumer_offset_delete(NULL, "c-api", "api-offsets", 0), FLUVIO_ERR_INVALID_ARGUMENT, "client");
    CHECK_ERR(fluvio_consumer_offset_delete(client, NULL, "api-offsets", 0), FLUVIO_ERR_INVALID_ARGUMENT, "consumer_id");
    CHECK_ERR(fluvio_consumer_offset_delete(client, "", "api-offsets", 0), FLUVIO_ERR_INVALID_ARGUMENT, "consumer id");
    CHECK_ERR(fluvio_consumer_offset_delete(client, "c-api", NULL, 0), FLUVIO_ERR_INVALID_ARGUMENT, "topic");
    CHECK_ERR(fluvio_consumer_offset_delete(client, "c-api", "Bad_Name", 0), FLUVIO_ERR_INVALID_ARGUMENT, "Bad_Name");
    CHECK_OK(fluvio_consumer_offset_delete(client, "c-api", "api-offsets", 0));
    CHECK(stored_offset(client, "c-api", "api-offsets", 0) == -2);
    stream = NAMED_STREAM(client, "api-offsets", "c-api", FLUVIO_OFFSET_STRATEGY_MANUAL, 1);
    CHECK(read_to_end(stream, &first) == 10); /* starts afresh */
    CHECK(first == 0);
    fluvio_stream_free(stream);

    /* The topic's offsets go with it. */
    CHECK_OK(fluvio_topic_delete(client, "api-offsets"));
    CHECK(stored_offset(client, "c-auto", "api-offsets", 0) == -2);
    printf("consumer offsets ok\n");
}

/* ----------------------------------------------------------- TLS, profiles */

/* The contents of file `dir`/`name`, malloc'ed (free it). */
static char *read_file(const char *dir, const char *name) {
    char path[600];
    FILE *file;
    long size;
    char *text;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    file = fopen(path, "rb");
    CHECK(file != NULL);
    CHECK(fseek(file, 0, SEEK_END) == 0);
    size = ftell(file);
    CHECK(size > 0);
    CHECK(fseek(file, 0, SEEK_SET) == 0);
    text = malloc((size_t)size + 1);
    CHECK(text != NULL);
    CHECK(fread(text, 1, (size_t)size, file) == (size_t)size);
    text[size] = '\0';
    CHECK(fclose(file) == 0);
    return text;
}

/* A TLS cluster requiring client certificates, reached with settings and
 * with a profile file; every misuse of the settings. The certificates come
 * from the test harness (FLUVIO_TEST_CERTS: ca.pem, server.pem/.key,
 * client.pem/.key, other-ca.pem). */
static void test_tls_and_profiles(void) {
    const char *certs = getenv("FLUVIO_TEST_CERTS");
    struct fluvio_local_config *local = fluvio_local_config_new();
    struct fluvio_client_config *config = fluvio_client_config_new();
    struct fluvio_local_cluster *cluster = NULL, *never = NULL;
    struct fluvio_client *client = NULL, *bad = NULL;
    char path[600], key[600], ca[600], endpoint[64], profile_path[600];
    char *ca_pem, *cert_pem, *key_pem;
    FILE *profile;

    CHECK(certs != NULL && certs[0] != '\0'); /* set by tests/c_api.rs */
    CHECK(local != NULL && config != NULL);
    snprintf(path, sizeof path, "%s/server.pem", certs);
    snprintf(key, sizeof key, "%s/server.key", certs);
    snprintf(ca, sizeof ca, "%s/ca.pem", certs);

    /* The cluster's TLS: misuse, an unusable key, then the real thing. */
    CHECK_ERR(fluvio_local_config_set_tls(NULL, path, key, ca), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_local_config_set_tls(local, NULL, key, ca), FLUVIO_ERR_INVALID_ARGUMENT, "server certificate");
    CHECK_ERR(fluvio_local_config_set_tls(local, path, "", ca), FLUVIO_ERR_INVALID_ARGUMENT, "server key");
    CHECK_OK(fluvio_local_config_set_tls(local, path, ca /* not a key */, NULL));
    CHECK_ERR(fluvio_local_cluster_start(local, &never), FLUVIO_ERR_INVALID_ARGUMENT, "server key");
    CHECK(never == NULL);
    CHECK_OK(fluvio_local_config_set_tls(local, path, key, ca));
    CHECK_OK(fluvio_local_cluster_start(local, &cluster));
    fluvio_local_config_free(local);
    snprintf(endpoint, sizeof endpoint, "%s", fluvio_local_cluster_endpoint(cluster));

    /* Settings misuse. */
    CHECK_ERR(fluvio_client_config_set_endpoint(NULL, endpoint), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_client_config_set_endpoint(config, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "endpoint");
    CHECK_ERR(fluvio_client_config_set_endpoint(config, ""), FLUVIO_ERR_INVALID_ARGUMENT, "empty");
    CHECK_ERR(fluvio_client_config_set_client_id(config, ""), FLUVIO_ERR_INVALID_ARGUMENT, "client id");
    CHECK_ERR(fluvio_client_config_set_client_id(config, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "client_id");
    CHECK_ERR(fluvio_client_config_set_request_timeout_ms(NULL, 1000), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_client_config_set_request_timeout_ms(config, 0), FLUVIO_ERR_INVALID_ARGUMENT, "0 ms");
    CHECK_OK(fluvio_client_config_set_request_timeout_ms(config, -1)); /* without limit */
    CHECK_OK(fluvio_client_config_set_request_timeout_ms(config, 30000));
    CHECK_ERR(fluvio_client_config_set_tls_policy(config, 9), FLUVIO_ERR_INVALID_ARGUMENT, "9");
    CHECK_ERR(fluvio_client_config_set_tls_domain(config, "localhost"), FLUVIO_ERR_INVALID_ARGUMENT, "TLS policy first");
    CHECK_ERR(fluvio_client_config_set_tls_ca(config, ca), FLUVIO_ERR_INVALID_ARGUMENT, "TLS policy first");
    CHECK_ERR(fluvio_connect_with_config(NULL, &client), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_connect_with_config(config, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    CHECK_OK(fluvio_client_config_set_endpoint(config, endpoint));
    CHECK_OK(fluvio_client_config_set_client_id(config, "api-test"));
    /* Plain TCP to a TLS port. */
    CHECK_ERR(fluvio_connect_with_config(config, &bad), FLUVIO_ERR_CONNECTION, endpoint);
    CHECK(bad == NULL);

    /* Anonymous (verified against our CA): the cluster wants a client certificate. */
    CHECK_OK(fluvio_client_config_set_tls_policy(config, FLUVIO_TLS_ANONYMOUS));
    CHECK_OK(fluvio_client_config_set_tls_ca(config, ca));
    CHECK_ERR(fluvio_client_config_set_tls_client_cert(config, path, key), FLUVIO_ERR_INVALID_ARGUMENT, "FLUVIO_TLS_VERIFIED");
    CHECK_ERR(fluvio_connect_with_config(config, &bad), FLUVIO_ERR_CONNECTION, "client certificate");

    /* Verified, from files; the CA and domain carry over from anonymous. */
    CHECK_OK(fluvio_client_config_set_tls_policy(config, FLUVIO_TLS_VERIFIED));
    CHECK_ERR(fluvio_connect_with_config(config, &bad), FLUVIO_ERR_INVALID_ARGUMENT, "domain");
    CHECK_OK(fluvio_client_config_set_tls_domain(config, "localhost"));
    CHECK_ERR(fluvio_connect_with_config(config, &bad), FLUVIO_ERR_INVALID_ARGUMENT, "client certificate");
    snprintf(path, sizeof path, "%s/client.pem", certs);
    snprintf(key, sizeof key, "%s/client.key", certs);
    CHECK_ERR(fluvio_client_config_set_tls_client_cert(config, path, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "client key");
    CHECK_OK(fluvio_client_config_set_tls_client_cert(config, path, key));
    CHECK_OK(fluvio_connect_with_config(config, &client));
    CHECK_OK(fluvio_topic_create(client, "api-tls", 1, 1));
    CHECK(listed_partitions(client, "api-tls") == 1);
    fluvio_client_free(client);
    client = NULL;
    /* The wrong CA, the wrong name. */
    snprintf(path, sizeof path, "%s/other-ca.pem", certs);
    CHECK_OK(fluvio_client_config_set_tls_ca(config, path));
    CHECK_ERR(fluvio_connect_with_config(config, &bad), FLUVIO_ERR_CONNECTION, "not signed by the trusted CA");
    CHECK_OK(fluvio_client_config_set_tls_ca(config, ca));
    CHECK_OK(fluvio_client_config_set_tls_domain(config, "elsewhere.example"));
    CHECK_ERR(fluvio_connect_with_config(config, &bad), FLUVIO_ERR_CONNECTION, "another name");
    CHECK(bad == NULL);

    /* Verified, inline PEM. */
    ca_pem = read_file(certs, "ca.pem");
    cert_pem = read_file(certs, "client.pem");
    key_pem = read_file(certs, "client.key");
    CHECK_OK(fluvio_client_config_set_tls_domain(config, "localhost"));
    CHECK_OK(fluvio_client_config_set_tls_ca(config, ca_pem));
    CHECK_OK(fluvio_client_config_set_tls_client_cert(config, cert_pem, key_pem));
    free(ca_pem);
    free(cert_pem);
    free(key_pem); /* copied */
    CHECK_OK(fluvio_connect_with_config(config, &client));
    CHECK(listed_partitions(client, "api-tls") == 1);
    fluvio_client_free(client);
    client = NULL;
    CHECK_OK(fluvio_client_config_set_tls_policy(config, FLUVIO_TLS_DISABLED));
    fluvio_client_config_free(config);
    fluvio_client_config_free(NULL);

    /* A profile file, as the fluvio CLI writes it. */
    snprintf(profile_path, sizeof profile_path, "%s/api-test-profile", certs);
    profile = fopen(profile_path, "w");
    CHECK(profile != NULL);
    fprintf(profile,
            "version = \"2.0\"\ncurrent_profile = \"tls\"\n\n[profile.tls]\ncluster = \"c\"\n\n"
            "[cluster.c]\nendpoint = \"%s\"\n\n[cluster.c.tls]\ntls_policy = \"verified\"\ntls_source = \"files\"\n\n"
            "[cluster.c.tls.certs]\ndomain = \"localhost\"\nkey = \"client.key\"\ncert = \"client.pem\"\nca_cert = \"ca.pem\"\n",
            endpoint);
    CHECK(fclose(profile) == 0);
    CHECK(unsetenv("FLUVIO_ENDPOINT") == 0);
    CHECK(setenv("FLV_PROFILE_PATH", profile_path, 1) == 0);
    CHECK_OK(fluvio_connect(NULL, &client)); /* the current profile */
    CHECK(listed_partitions(client, "api-tls") == 1);
    fluvio_client_free(client);
    client = NULL;
    CHECK_OK(fluvio_connect_profile("tls", &client));
    CHECK_OK(fluvio_topic_delete(client, "api-tls"));
    fluvio_client_free(client);
    client = NULL;
    CHECK_ERR(fluvio_connect_profile("nope", &bad), FLUVIO_ERR_INVALID_ARGUMENT, "no profile 'nope'");
    CHECK_ERR(fluvio_connect_profile(NULL, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    config = fluvio_client_config_new();
    CHECK_ERR(fluvio_client_config_load_profile(NULL, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_OK(fluvio_client_config_load_profile(config, "tls"));
    CHECK_OK(fluvio_connect_with_config(config, &client));
    fluvio_client_free(client);
    /* A malformed file is named, with the problem. */
    profile = fopen(profile_path, "w");
    CHECK(profile != NULL);
    fprintf(profile, "current_profile = [\n");
    CHECK(fclose(profile) == 0);
    CHECK_ERR(fluvio_connect(NULL, &bad), FLUVIO_ERR_INVALID_ARGUMENT, "api-test-profile");
    CHECK_ERR(fluvio_client_config_load_profile(config, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "api-test-profile");
    CHECK(bad == NULL);
    /* FLUVIO_ENDPOINT wins over the profile file. */
    CHECK(setenv("FLUVIO_ENDPOINT", "127.0.0.1:1", 1) == 0);
    CHECK_ERR(fluvio_connect(NULL, &bad), FLUVIO_ERR_CONNECTION, "127.0.0.1:1");
    CHECK(unsetenv("FLUVIO_ENDPOINT") == 0);
    CHECK(unsetenv("FLV_PROFILE_PATH") == 0);
    CHECK(unlink(profile_path) == 0);
    fluvio_client_config_free(config);
    CHECK_OK(fluvio_local_cluster_stop(cluster));
    printf("TLS and profiles ok\n");
}

static void test_offsets(const char *endpoint) {
    struct fluvio_delivery *delivery = NULL;
    uint32_t partition = 99;
    int64_t delivered = -1;
    struct fluvio_client *client = NULL, *other = NULL;
    struct fluvio_producer *producer;
    struct fluvio_consumer *consumer = NULL;
    struct fluvio_stream *at_end, *past_end, *last_two, *stream;
    struct fluvio_record *record;
    fluvio_offset offset;
    char value[16];
    int i;

    /* A producer and a consumer outlive the client they were made from. */
    CHECK_OK(fluvio_connect(endpoint, &client));
    CHECK_OK(fluvio_topic_create(client, "api-off", 1, 1));
    producer = PRODUCER(client, "api-off", 0);
    CHECK_OK(fluvio_consumer_new(client, "api-off", 0, &consumer));
    fluvio_client_free(client);
    for (i = 0; i < 10; i++) {
        snprintf(value, sizeof value, "off-%d", i);
        SEND_STR(producer, value);
    }
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));

    /* The offset constructors. */
    offset = fluvio_offset_beginning();
    CHECK(offset.kind == FLUVIO_OFFSET_FROM_BEGINNING && offset.value == 0);
    offset = fluvio_offset_end();
    CHECK(offset.kind == FLUVIO_OFFSET_FROM_END && offset.value == 0);
    offset = fluvio_offset_absolute(-1);
    CHECK(offset.kind == FLUVIO_OFFSET_ABSOLUTE && offset.value == -1);
    offset = fluvio_offset_absolute(INT64_MAX);
    CHECK(offset.kind == FLUVIO_OFFSET_ABSOLUTE && offset.value == INT64_MAX);
    offset = fluvio_offset_from_beginning(UINT32_MAX);
    CHECK(offset.kind == FLUVIO_OFFSET_FROM_BEGINNING && offset.value == (int64_t)UINT32_MAX);
    offset = fluvio_offset_from_end(7);
    CHECK(offset.kind == FLUVIO_OFFSET_FROM_END && offset.value == 7);

    CHECK_OK(fluvio_consumer_stream(consumer, fluvio_offset_end(), &at_end));
    CHECK_OK(fluvio_consumer_stream(consumer, fluvio_offset_absolute(10), &past_end));
    CHECK_OK(fluvio_consumer_stream(consumer, fluvio_offset_from_end(2), &last_two));
    CHECK_STATUS(fluvio_consumer_stream(consumer, fluvio_offset_absolute(-1), &stream), FLUVIO_ERR_INVALID_ARGUMENT);
    fluvio_consumer_free(consumer);

    CHECK_OK(fluvio_connect(endpoint, &other));
    EXPECT_FIRST(other, "api-off", fluvio_offset_beginning(), 0, "off-0");
    EXPECT_FIRST(other, "api-off", fluvio_offset_absolute(0), 0, "off-0");
    EXPECT_FIRST(other, "api-off", fluvio_offset_absolute(4), 4, "off-4");
    EXPECT_FIRST(other, "api-off", fluvio_offset_absolute(9), 9, "off-9");
    EXPECT_FIRST(other, "api-off", fluvio_offset_from_beginning(0), 0, "off-0");
    EXPECT_FIRST(other, "api-off", fluvio_offset_from_beginning(3), 3, "off-3");
    EXPECT_FIRST(other, "api-off", fluvio_offset_from_end(1), 9, "off-9");
    EXPECT_FIRST(other, "api-off", fluvio_offset_from_end(2), 8, "off-8");
    EXPECT_FIRST(other, "api-off", fluvio_offset_from_end(10), 0, "off-0");

    /* From the end: nothing yet. */
    CHECK_EMPTY(at_end);
    CHECK_EMPTY(past_end);
    record = (struct fluvio_record *)&g_checks;
    CHECK_STATUS(fluvio_stream_next(at_end, 200, &record), FLUVIO_ERR_TIMEOUT);
    CHECK(record == NULL);
    CHECK_ERR(fluvio_stream_next(at_end, 0, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "out");
    record = NEXT(last_two);
    CHECK(fluvio_record_offset(record) == 8);
    fluvio_record_free(record);
    record = NEXT(last_two);
    CHECK(fluvio_record_offset(record) == 9);
    fluvio_record_free(record);
    CHECK_EMPTY(last_two);

    CHECK_OK(fluvio_producer_send_with_delivery(producer, NULL, 0, "off-10", 6, &delivery));
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    record = NEXT(at_end);
    CHECK(fluvio_record_offset(record) == 10 && strcmp(fluvio_record_value_str(record), "off-10") == 0);
    fluvio_record_free(record);
    record = NULL;
    CHECK_OK(fluvio_stream_next(past_end, -1, &record)); /* -1: no time limit */
    CHECK(fluvio_record_offset(record) == 10 && strcmp(fluvio_record_value_str(record), "off-10") == 0);
    fluvio_record_free(record);
    record = NEXT(last_two);
    CHECK(fluvio_record_offset(record) == 10);
    fluvio_record_free(record);
    CHECK_EMPTY(at_end);
    fluvio_stream_free(at_end);
    fluvio_stream_free(past_end);
    fluvio_stream_free(last_two);
    fluvio_producer_free(producer);
    /* A delivery handle outlives its producer. */
    CHECK_OK(fluvio_delivery_wait(delivery, 0, &partition, &delivered));
    CHECK(partition == 0 && delivered == 10);
    fluvio_delivery_free(delivery);
    EXPECT_FIRST(other, "api-off", fluvio_offset_from_end(1), 10, "off-10");
    CHECK_OK(fluvio_topic_delete(other, "api-off"));
    fluvio_client_free(other);
    printf("offsets ok\n");
}

/* fluvio_stream_next_batch: up to `max` records a call, in order, each the
 * caller's; the same misuse checks and statuses as fluvio_stream_next. */
static void test_batch_receive(struct fluvio_client *client) {
    enum { RECORDS = 25, MAX = 8 };
    struct fluvio_producer *producer;
    struct fluvio_stream *stream;
    struct fluvio_record *records[MAX];
    char value[16];
    size_t count = 99, total = 0, largest = 0, i;

    CHECK_OK(fluvio_topic_create(client, "api-batch", 1, 1));
    producer = PRODUCER(client, "api-batch", 0);
    for (i = 0; i < RECORDS; i++) {
        snprintf(value, sizeof value, "r%zu", i);
        CHECK_OK(fluvio_producer_send(producer, NULL, 0, value, strlen(value)));
    }
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);
    stream = OPEN_STREAM(client, "api-batch", 0, fluvio_offset_beginning());

    CHECK_ERR(fluvio_stream_next_batch(NULL, records, MAX, 0, &count), FLUVIO_ERR_INVALID_ARGUMENT, "stream");
    CHECK(count == 0);
    CHECK_ERR(fluvio_stream_next_batch(stream, NULL, MAX, 0, &count), FLUVIO_ERR_INVALID_ARGUMENT, "records");
    CHECK_ERR(fluvio_stream_next_batch(stream, records, 0, 0, &count), FLUVIO_ERR_INVALID_ARGUMENT, "max > 0");
    CHECK_ERR(fluvio_stream_next_batch(stream, records, MAX, 0, NULL), FLUVIO_ERR_INVALID_ARGUMENT, "count");

    while (total < RECORDS) {
        count = 0;
        CHECK_OK(fluvio_stream_next_batch(stream, records, MAX, WAIT_MS, &count));
        CHECK(count >= 1 && count <= MAX && total + count <= RECORDS);
        if (count > largest) largest = count;
        for (i = 0; i < count && total + i < RECORDS; i++) {
            snprintf(value, sizeof value, "r%zu", total + i);
            CHECK(fluvio_record_offset(records[i]) == (int64_t)(total + i));
            CHECK(strcmp(fluvio_record_value_str(records[i]), value) == 0);
            fluvio_record_free(records[i]);
        }
        total += count;
    }
    /* Everything was waiting: the calls took more than one record each. */
    CHECK(largest > 1);
    count = 99;
    CHECK_STATUS(fluvio_stream_next_batch(stream, records, MAX, 0, &count), FLUVIO_ERR_TIMEOUT);
    CHECK(count == 0);
    CHECK_STATUS(fluvio_stream_next_batch(stream, records, MAX, 100, &count), FLUVIO_ERR_TIMEOUT);
    CHECK(count == 0);
    fluvio_stream_free(stream);
    CHECK_OK(fluvio_topic_delete(client, "api-batch"));
    printf("batch receive ok (%zu records, up to %zu a call)\n", total, largest);
}

static void test_stream_fd(struct fluvio_client *client) {
    struct fluvio_producer *producer;
    struct fluvio_stream *stream;
    struct pollfd pfd;
    int received = 0, i;

    CHECK_OK(fluvio_topic_create(client, "api-fd", 1, 1));
    producer = PRODUCER(client, "api-fd", 0);
    SEND_STR(producer, "old");
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));

    stream = OPEN_STREAM(client, "api-fd", 0, fluvio_offset_end());
    pfd.fd = fluvio_stream_fd(stream);
    pfd.events = POLLIN;
    CHECK(pfd.fd >= 0);
    CHECK(fluvio_stream_fd(stream) == pfd.fd);
    pfd.revents = 0;
    CHECK(poll(&pfd, 1, 0) == 0);
    CHECK(poll(&pfd, 1, 300) == 0); /* idle: stays unreadable */

    for (i = 0; i < 3; i++) {
        char value[16];
        snprintf(value, sizeof value, "fd-%d", i);
        SEND_STR(producer, value);
    }
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    while (received < 3) {
        struct fluvio_record *record = NULL;
        fluvio_status status;
        pfd.revents = 0;
        CHECK(poll(&pfd, 1, 10000) == 1);
        CHECK((pfd.revents & POLLIN) != 0);
        /* Readable: drain without waiting. */
        while ((status = fluvio_stream_next(stream, 0, &record)) == FLUVIO_OK) {
            char expected[16];
            snprintf(expected, sizeof expected, "fd-%d", received);
            CHECK(strcmp(fluvio_record_value_str(record), expected) == 0);
            CHECK(fluvio_record_offset(record) == 1 + received);
            received++;
            fluvio_record_free(record);
        }
        CHECK_STATUS(status, FLUVIO_ERR_TIMEOUT);
        CHECK(record == NULL);
    }
    CHECK(received == 3);
    /* Everything read: unreadable at once (a partition task's late signal
     * checks what is still queued, so it never makes it spuriously
     * readable). */
    pfd.revents = 0;
    CHECK(poll(&pfd, 1, 0) == 0);
    CHECK(poll(&pfd, 1, 300) == 0);
    CHECK_EMPTY(stream);
    CHECK(poll(&pfd, 1, 0) == 0);

    fluvio_stream_free(stream);
    fluvio_producer_free(producer);
    CHECK_OK(fluvio_topic_delete(client, "api-fd"));
    printf("stream fd ok\n");
}

static void test_deleted_topic(struct fluvio_client *client) {
    struct fluvio_producer *producer, *kept;
    struct fluvio_stream *stream, *all, *batched;
    struct fluvio_record *record, *records[4];
    fluvio_status status = FLUVIO_ERR_TIMEOUT;
    int64_t deadline;
    size_t count, i;

    CHECK_OK(fluvio_topic_create(client, "api-gone", 2, 1));
    producer = PRODUCER(client, "api-gone", 0);
    kept = PRODUCER(client, "api-gone", 0);
    CHECK_OK(fluvio_producer_send(producer, "k", 1, "before-delete", 13));
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);
    stream = OPEN_STREAM(client, "api-gone", 0, fluvio_offset_beginning());
    all = OPEN_STREAM(client, "api-gone", FLUVIO_ALL_PARTITIONS, fluvio_offset_beginning());
    batched = OPEN_STREAM(client, "api-gone", 0, fluvio_offset_beginning());
    record = NEXT(all);
    CHECK(strcmp(fluvio_record_value_str(record), "before-delete") == 0);
    fluvio_record_free(record);

    CHECK_OK(fluvio_topic_delete(client, "api-gone"));
    /* A producer of the deleted topic: its records fail, and flush says why. */
    CHECK_OK(fluvio_producer_send(kept, NULL, 0, "after-delete", 12));
    CHECK_ERR(fluvio_producer_flush(kept, FLUVIO_FLUSH_TIMEOUT_MS), FLUVIO_ERR_TOPIC_NOT_FOUND, "api-gone");
    CHECK_OK(fluvio_producer_flush(kept, FLUVIO_FLUSH_TIMEOUT_MS)); /* each failure is reported once */
    fluvio_producer_free(kept);

    /* Partition 0 may hold the record: skip it, then the stream must end
     * with an error (not hang, not crash). */
    deadline = now_ms() + WAIT_MS;
    while (now_ms() < deadline) {
        record = NULL;
        status = fluvio_stream_next(stream, 500, &record);
        if (status == FLUVIO_OK) {
            CHECK(strcmp(fluvio_record_value_str(record), "before-delete") == 0);
            fluvio_record_free(record);
        } else if (status != FLUVIO_ERR_TIMEOUT) {
            break;
        }
    }
    check_status_at(__FILE__, __LINE__, "fluvio_stream_next after the topic was deleted", status,
                    status == FLUVIO_OK || status == FLUVIO_ERR_TIMEOUT ? FLUVIO_ERR_SERVER : status, NULL);
    CHECK(record == NULL);
    printf("stream of a deleted topic ended with %s: %s\n", fluvio_status_str(status), fluvio_last_error());
    /* Ended: it stays ended. */
    record = (struct fluvio_record *)&g_checks;
    CHECK_STATUS(fluvio_stream_next(stream, 1000, &record), FLUVIO_ERR_CLOSED);
    CHECK(record == NULL);
    record = (struct fluvio_record *)&g_checks;
    CHECK_STATUS(fluvio_stream_next(stream, 0, &record), FLUVIO_ERR_CLOSED);
    CHECK(record == NULL);

    deadline = now_ms() + WAIT_MS;
    status = FLUVIO_ERR_TIMEOUT;
    while (now_ms() < deadline) {
        record = NULL;
        status = fluvio_stream_next(all, 500, &record);
        if (status != FLUVIO_ERR_TIMEOUT) {
            break;
        }
    }
    check_status_at(__FILE__, __LINE__, "fluvio_stream_next (all partitions) after the topic was deleted", status,
                    status == FLUVIO_OK || status == FLUVIO_ERR_TIMEOUT ? FLUVIO_ERR_SERVER : status, NULL);
    CHECK(record == NULL);

    /* Batches of partition 0: its record if it holds it, then the error
     * that ended the stream (from the call after the records, if one call
     * met both), then CLOSED. */
    deadline = now_ms() + WAIT_MS;
    status = FLUVIO_ERR_TIMEOUT;
    while (now_ms() < deadline) {
        status = fluvio_stream_next_batch(batched, records, 4, 500, &count);
        if (status == FLUVIO_OK) {
            for (i = 0; i < count; i++) {
                CHECK(strcmp(fluvio_record_value_str(records[i]), "before-delete") == 0);
                fluvio_record_free(records[i]);
            }
        } else if (status != FLUVIO_ERR_TIMEOUT) {
            break;
        }
    }
    check_status_at(__FILE__, __LINE__, "fluvio_stream_next_batch after the topic was deleted", status,
                    status == FLUVIO_OK || status == FLUVIO_ERR_TIMEOUT || status == FLUVIO_ERR_CLOSED ? FLUVIO_ERR_SERVER : status, NULL);
    CHECK(count == 0);
    CHECK_STATUS(fluvio_stream_next_batch(batched, records, 4, 0, &count), FLUVIO_ERR_CLOSED);
    fluvio_stream_free(batched);
    fluvio_stream_free(stream);
    fluvio_stream_free(all);
    printf("deleted topic ok\n");
}

/* A cluster that goes away under a producer and a stream. */
static void test_cluster_gone(void) {
    struct fluvio_local_cluster *cluster = NULL;
    struct fluvio_client *client = NULL, *late = NULL;
    struct fluvio_producer_config *producer_config = fluvio_producer_config_new();
    struct fluvio_consumer_config *consumer_config = fluvio_consumer_config_new();
    struct fluvio_consumer *consumer = NULL;
    struct fluvio_producer *producer = NULL;
    struct fluvio_stream *stream = NULL;
    struct fluvio_record *record = NULL;
    char endpoint[64];

    /* NULL configuration: the defaults (1 SPU, temporary directory). */
    CHECK_OK(fluvio_local_cluster_start(NULL, &cluster));
    CHECK(cluster != NULL);
    snprintf(endpoint, sizeof endpoint, "%s", fluvio_local_cluster_endpoint(cluster));
    CHECK_OK(fluvio_connect(endpoint, &client));
    CHECK_OK(fluvio_topic_create(client, "lost", 1, 1));
    /* Only flushes send; a short retry policy. */
    CHECK_OK(fluvio_producer_config_set_linger_ms(producer_config, 600000));
    CHECK_OK(fluvio_producer_config_set_retry(producer_config, 3, 20, 100, 2000));
    CHECK_OK(fluvio_producer_new(client, "lost", producer_config, &producer));
    fluvio_producer_config_free(producer_config);
    /* The stream rides through failures for 300 ms, then reports them. */
    CHECK_OK(fluvio_consumer_config_set_reconnect_timeout_ms(consumer_config, 300));
    CHECK_OK(fluvio_consumer_new_with_config(client, "lost", consumer_config, &consumer));
    fluvio_consumer_config_free(consumer_config);
    CHECK_OK(fluvio_consumer_stream(consumer, fluvio_offset_end(), &stream));
    fluvio_consumer_free(consumer);
    SEND_STR(producer, "never-delivered");
    CHECK_OK(fluvio_local_cluster_stop(cluster));

    /* The stream retries, then ends with the connection, then stays ended. */
    CHECK_STATUS(fluvio_stream_next(stream, WAIT_MS, &record), FLUVIO_ERR_CONNECTION);
    CHECK(record == NULL);
    CHECK_STATUS(fluvio_stream_next(stream, WAIT_MS, &record), FLUVIO_ERR_CLOSED);
    /* Not waiting does not turn an ended stream into a timeout. */
    record = (struct fluvio_record *)&g_checks;
    CHECK_STATUS(fluvio_stream_next(stream, 0, &record), FLUVIO_ERR_CLOSED);
    CHECK(record == NULL);
    fluvio_stream_free(stream);
    /* The batch is retried (reconnecting) before it fails: short flushes
     * time out, then flush reports the failure once. */
    CHECK_ERR(fluvio_producer_flush(producer, 0), FLUVIO_ERR_TIMEOUT, "not acknowledged");
    CHECK_ERR(fluvio_producer_flush(producer, 50), FLUVIO_ERR_TIMEOUT, "not acknowledged");
    CHECK_STATUS(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS), FLUVIO_ERR_CONNECTION);
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);
    CHECK_STATUS(fluvio_topic_create(client, "lost-too", 1, 1), FLUVIO_ERR_CONNECTION);
    fluvio_client_free(client);
    CHECK_ERR(fluvio_connect(endpoint, &late), FLUVIO_ERR_CONNECTION, endpoint);
    CHECK(late == NULL);
    printf("cluster gone ok\n");
}

/* ------------------------------------------------------------------ faults */

/* Reads `count` records and checks their offsets continue at `*next`. */
static void expect_offsets_at(const char *file, int line, struct fluvio_stream *stream, int count, int64_t *next) {
    int i;
    for (i = 0; i < count; i++) {
        struct fluvio_record *record = next_at(file, line, stream);
        if (fluvio_record_offset(record) != *next) {
            char detail[128];
            snprintf(detail, sizeof detail, "offset %lld, expected %lld", (long long)fluvio_record_offset(record), (long long)*next);
            check_failed(file, line, "no gap, no repeat", FLUVIO_OK, detail);
        }
        (*next)++;
        fluvio_record_free(record);
    }
}
#define EXPECT_OFFSETS(stream, count, next) expect_offsets_at(__FILE__, __LINE__, stream, count, next)

static void send_ten(struct fluvio_producer *producer) {
    int i;
    for (i = 0; i < 10; i++) {
        SEND_STR(producer, "fault");
    }
}

/* The test aids of the embedded cluster, and a producer and a stream riding
 * through what they inject. */
static void test_faults(struct fluvio_local_cluster *cluster, struct fluvio_client *client) {
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    struct fluvio_producer *patient, *hasty = NULL;
    struct fluvio_stream *stream;
    int64_t next = 0;

    /* Misuse of the test aids and of the new settings. */
    CHECK_ERR(fluvio_local_cluster_stop_spu(NULL, 5001), FLUVIO_ERR_INVALID_ARGUMENT, "cluster");
    CHECK_ERR(fluvio_local_cluster_stop_spu(cluster, 42), FLUVIO_ERR_INVALID_ARGUMENT, "no SPU 42");
    CHECK_ERR(fluvio_local_cluster_start_spu(cluster, 5003), FLUVIO_ERR_INVALID_ARGUMENT, "no SPU 5003");
    CHECK_ERR(fluvio_local_cluster_drop_connections(NULL), FLUVIO_ERR_INVALID_ARGUMENT, "cluster");
    CHECK_ERR(fluvio_local_cluster_move_leader(cluster, "api-nothing", 0, 5001), FLUVIO_ERR_INVALID_ARGUMENT, "api-nothing");
    CHECK_ERR(fluvio_local_cluster_move_leader(cluster, NULL, 0, 5001), FLUVIO_ERR_INVALID_ARGUMENT, "topic");
    CHECK_ERR(fluvio_local_cluster_fail_next_produces(cluster, 1, 12345), FLUVIO_ERR_INVALID_ARGUMENT, "12345");
    CHECK_ERR(fluvio_local_cluster_fail_next_produces(cluster, 1, 0), FLUVIO_ERR_INVALID_ARGUMENT, "0 is not");
    CHECK_ERR(fluvio_producer_config_set_delivery(config, 7), FLUVIO_ERR_INVALID_ARGUMENT, "7");
    CHECK_ERR(fluvio_producer_config_set_delivery(NULL, FLUVIO_DELIVERY_AT_MOST_ONCE), FLUVIO_ERR_INVALID_ARGUMENT, "config");
    CHECK_ERR(fluvio_producer_config_set_retry(config, 3, 0, 10, 100), FLUVIO_ERR_INVALID_ARGUMENT, "backoff");
    CHECK_ERR(fluvio_producer_config_set_retry(config, 3, 20, 10, 100), FLUVIO_ERR_INVALID_ARGUMENT, "backoff");
    CHECK_ERR(fluvio_producer_config_set_retry(config, 3, 10, 20, 0), FLUVIO_ERR_INVALID_ARGUMENT, "timeout");
    CHECK_ERR(fluvio_producer_config_set_retry(config, 3, -1, 20, 100), FLUVIO_ERR_INVALID_ARGUMENT, "backoff");
    {
        /* -1 means "without limit" for every time limit setting. */
        struct fluvio_producer_config *unlimited = fluvio_producer_config_new();
        CHECK_OK(fluvio_producer_config_set_retry(unlimited, 3, 10, 20, -1));
        CHECK_OK(fluvio_producer_config_set_request_timeout_ms(unlimited, -1));
        fluvio_producer_config_free(unlimited);
        struct fluvio_consumer_config *reconnecting = fluvio_consumer_config_new();
        CHECK_OK(fluvio_consumer_config_set_reconnect_timeout_ms(reconnecting, -1));
        fluvio_consumer_config_free(reconnecting);
    }
    CHECK_ERR(fluvio_producer_config_set_max_in_flight(config, 0), FLUVIO_ERR_INVALID_ARGUMENT, "0 requests");
    CHECK_ERR(fluvio_producer_config_set_request_timeout_ms(config, 0), FLUVIO_ERR_INVALID_ARGUMENT, "0 ms");
    CHECK_ERR(fluvio_consumer_config_set_reconnect_timeout_ms(NULL, 5), FLUVIO_ERR_INVALID_ARGUMENT, "config");

    CHECK_OK(fluvio_topic_create(client, "api-faults", 1, 1));
    CHECK_OK(fluvio_local_cluster_move_leader(cluster, "api-faults", 0, 5001));
    CHECK_OK(fluvio_producer_config_set_linger_ms(config, 0));
    CHECK_OK(fluvio_producer_config_set_max_in_flight(config, 1));
    CHECK_OK(fluvio_producer_config_set_request_timeout_ms(config, 5000));
    CHECK_OK(fluvio_producer_config_set_retry(config, 50, 10, 200, 20000));
    CHECK_OK(fluvio_producer_new(client, "api-faults", config, &patient));
    CHECK_OK(fluvio_producer_config_set_delivery(config, FLUVIO_DELIVERY_AT_MOST_ONCE));
    CHECK_OK(fluvio_producer_new(client, "api-faults", config, &hasty));
    fluvio_producer_config_free(config);
    stream = OPEN_STREAM(client, "api-faults", 0, fluvio_offset_beginning());

    send_ten(patient);
    CHECK_OK(fluvio_producer_flush(patient, FLUVIO_FLUSH_TIMEOUT_MS));
    EXPECT_OFFSETS(stream, 10, &next);
    /* Every connection dropped: the producer and the stream reconnect. */
    CHECK_OK(fluvio_local_cluster_drop_connections(cluster));
    send_ten(patient);
    CHECK_OK(fluvio_producer_flush(patient, FLUVIO_FLUSH_TIMEOUT_MS));
    EXPECT_OFFSETS(stream, 10, &next);
    /* The leader moves: both follow it. */
    CHECK_OK(fluvio_local_cluster_move_leader(cluster, "api-faults", 0, 5002));
    send_ten(patient);
    CHECK_OK(fluvio_producer_flush(patient, FLUVIO_FLUSH_TIMEOUT_MS));
    EXPECT_OFFSETS(stream, 10, &next);
    /* Injected retriable failures: at-least-once retries them... */
    CHECK_OK(fluvio_local_cluster_fail_next_produces(cluster, 2, 6));
    send_ten(patient);
    CHECK_OK(fluvio_producer_flush(patient, FLUVIO_FLUSH_TIMEOUT_MS));
    EXPECT_OFFSETS(stream, 10, &next);
    /* ...at-most-once loses the record and says so. */
    CHECK_OK(fluvio_local_cluster_fail_next_produces(cluster, 1, 6));
    SEND_STR(hasty, "lost");
    CHECK_ERR(fluvio_producer_flush(hasty, FLUVIO_FLUSH_TIMEOUT_MS), FLUVIO_ERR_SERVER, "not the leader");
    SEND_STR(hasty, "kept");
    CHECK_OK(fluvio_producer_flush(hasty, FLUVIO_FLUSH_TIMEOUT_MS));
    EXPECT_OFFSETS(stream, 1, &next);
    /* The leader's SPU away and back: the stream waits, then goes on. */
    CHECK_OK(fluvio_local_cluster_stop_spu(cluster, 5002));
    SEND_STR(patient, "while away");
    CHECK_ERR(fluvio_producer_flush(patient, 100), FLUVIO_ERR_TIMEOUT, "not acknowledged");
    CHECK_OK(fluvio_local_cluster_start_spu(cluster, 5002));
    CHECK_OK(fluvio_producer_flush(patient, FLUVIO_FLUSH_TIMEOUT_MS));
    EXPECT_OFFSETS(stream, 1, &next);
    CHECK(next == 42);
    /* Answers later than the request timeout: at-most-once reports a timeout. */
    CHECK_ERR(fluvio_local_cluster_set_produce_delay_ms(NULL, 10), FLUVIO_ERR_INVALID_ARGUMENT, "cluster");
    CHECK_ERR(fluvio_local_cluster_set_produce_delay_ms(cluster, -1), FLUVIO_ERR_INVALID_ARGUMENT, "negative");
    CHECK_OK(fluvio_local_cluster_set_produce_delay_ms(cluster, 800));
    config = fluvio_producer_config_new();
    CHECK_OK(fluvio_producer_config_set_linger_ms(config, 0));
    CHECK_OK(fluvio_producer_config_set_request_timeout_ms(config, 100));
    CHECK_OK(fluvio_producer_config_set_delivery(config, FLUVIO_DELIVERY_AT_MOST_ONCE));
    fluvio_producer_free(hasty);
    CHECK_OK(fluvio_producer_new(client, "api-faults", config, &hasty));
    fluvio_producer_config_free(config);
    SEND_STR(hasty, "late");
    CHECK_ERR(fluvio_producer_flush(hasty, FLUVIO_FLUSH_TIMEOUT_MS), FLUVIO_ERR_TIMEOUT, "no answer");
    CHECK_OK(fluvio_local_cluster_set_produce_delay_ms(cluster, 0));

    fluvio_stream_free(stream);
    fluvio_producer_free(patient);
    fluvio_producer_free(hasty);
    CHECK_OK(fluvio_topic_delete(client, "api-faults"));
    printf("faults ok\n");
}

/* ------------------------------------------------------------------ threads */

enum { THREADS = 2, PER_THREAD = 500 };

struct sender {
    struct fluvio_producer *producer;
    int id;
};

static void *send_from_thread(void *arg) {
    const struct sender *sender = arg;
    char value[32];
    int i;
    /* Each thread has its own last error. */
    CHECK(strcmp(fluvio_last_error(), "") == 0);
    CHECK_ERR(fluvio_producer_send(NULL, NULL, 0, "x", 1), FLUVIO_ERR_INVALID_ARGUMENT, "producer is NULL");
    for (i = 0; i < PER_THREAD; i++) {
        snprintf(value, sizeof value, "t%d-%d", sender->id, i);
        CHECK_OK(fluvio_producer_send(sender->producer, NULL, 0, value, strlen(value)));
    }
    return NULL;
}

static void test_threads(struct fluvio_client *client) {
    static unsigned char seen[THREADS][PER_THREAD];
    int last[3][THREADS];
    struct sender senders[THREADS];
    pthread_t threads[THREADS];
    struct fluvio_producer *producer;
    struct fluvio_stream *stream;
    char main_error[256];
    int t, i;

    CHECK_OK(fluvio_topic_create(client, "api-threads", 3, 1));
    producer = PRODUCER(client, "api-threads", 5);
    CHECK_ERR(fluvio_topic_create(client, "api-threads", 3, 1), FLUVIO_ERR_TOPIC_EXISTS, "api-threads");
    snprintf(main_error, sizeof main_error, "%s", fluvio_last_error());
    for (t = 0; t < THREADS; t++) {
        senders[t].producer = producer;
        senders[t].id = t;
        CHECK(pthread_create(&threads[t], NULL, send_from_thread, &senders[t]) == 0);
    }
    for (t = 0; t < THREADS; t++) {
        CHECK(pthread_join(threads[t], NULL) == 0);
    }
    CHECK(strcmp(fluvio_last_error(), main_error) == 0); /* the threads' failures are theirs */
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));

    memset(last, -1, sizeof last);
    stream = OPEN_STREAM(client, "api-threads", FLUVIO_ALL_PARTITIONS, fluvio_offset_beginning());
    for (i = 0; i < THREADS * PER_THREAD; i++) {
        struct fluvio_record *record = NEXT(stream);
        uint32_t partition = fluvio_record_partition(record);
        int id = -1, seq = -1;
        CHECK(sscanf(fluvio_record_value_str(record), "t%d-%d", &id, &seq) == 2);
        CHECK(id >= 0 && id < THREADS && seq >= 0 && seq < PER_THREAD);
        CHECK(partition < 3);
        CHECK(!seen[id][seq]);
        seen[id][seq] = 1;
        /* One thread's records stay in order within a partition. */
        CHECK(seq > last[partition][id]);
        last[partition][id] = seq;
        fluvio_record_free(record);
    }
    CHECK_EMPTY(stream);
    fluvio_stream_free(stream);
    fluvio_producer_free(producer);
    CHECK_OK(fluvio_topic_delete(client, "api-threads"));
    printf("%d threads x %d records on one producer ok\n", THREADS, PER_THREAD);
}

/* --------------------------------------------------------------------- main */

int main(void) {
    struct fluvio_local_cluster *cluster;
    struct fluvio_client *client;
    char endpoint[64], stale_dir[512], stale_file[600];
    const char *tmp = getenv("TMPDIR");
    struct stat info;
    FILE *marker;
    int made_stale;

    setvbuf(stdout, NULL, _IONBF, 0);
    test_version_and_status();

    /* The temporary data directory the first cluster would pick, as a dead
     * process with this PID could have left it: not fresh, so not used (nor
     * removed on stop). */
    snprintf(stale_dir, sizeof stale_dir, "%s/fluvio-local-%ld-0", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp", (long)getpid());
    snprintf(stale_file, sizeof stale_file, "%s/stale", stale_dir);
    made_stale = mkdir(stale_dir, 0700) == 0;
    CHECK(made_stale || errno == EEXIST); /* EEXIST: a real leftover */
    marker = fopen(stale_file, "w");
    CHECK(marker != NULL);
    CHECK(fclose(marker) == 0);

    cluster = test_local_cluster();
    snprintf(endpoint, sizeof endpoint, "%s", fluvio_local_cluster_endpoint(cluster));
    client = test_connect(endpoint);
    test_topics(client);
    test_producer_config(client);
    test_send_and_records(client);
    test_queue_full(client);
    test_compression(client);
    test_partitioner(client);
    test_consumer_arguments(client);
    test_consumer_offsets(client);
    test_topic_config(client);
    test_cluster_admin(client);
    test_retention(cluster, client);
    test_fresh_topics(client);
    test_offsets(endpoint);
    test_stream_fd(client);
    test_batch_receive(client);
    test_deleted_topic(client);
    test_threads(client);
    test_faults(cluster, client);
    test_tls_and_profiles();
    test_cluster_gone();

    CHECK_OK(fluvio_topic_delete(client, "api-topic"));
    CHECK_OK(fluvio_topic_delete(client, "api-prod"));
    CHECK(listed_partitions(client, "api-topic") == -1);
    fluvio_client_free(client);
    CHECK_OK(fluvio_local_cluster_stop(cluster));
    CHECK(stat(stale_file, &info) == 0);
    CHECK(unlink(stale_file) == 0);
    CHECK(!made_stale || rmdir(stale_dir) == 0);
    printf("api_test: all %ld checks passed\n", __atomic_load_n(&g_checks, __ATOMIC_RELAXED));
    return 0;
}
