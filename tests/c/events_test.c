/* The event side of the API against an embedded cluster with 2 SPUs:
 * delivery reports served by fluvio_producer_poll and through
 * fluvio_producer_fd in an epoll loop (every record exactly once, in order
 * per partition), failures reported per record under injected faults with
 * both delivery semantics, callbacks that call back into the library, the
 * log callback seeing a reconnect, the statistics snapshot, and structured
 * errors. Every check goes through CHECK; the first failure prints
 * file:line, the status and fluvio_last_error() and exits with 1.
 *
 * Built and run by tests/c_api.rs: as is, and under valgrind with fewer
 * records (events_test 5000). */
#define _POSIX_C_SOURCE 200809L

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "fluvio.h"
#include "fluvio_testing.h" /* the embedded cluster's fault injection */

static long g_checks;

#define CHECK(cond)                                                                                           \
    do {                                                                                                      \
        g_checks++;                                                                                           \
        if (!(cond)) {                                                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n  fluvio_last_error(): \"%s\"\n", __FILE__, __LINE__, #cond, \
                    fluvio_last_error());                                                                     \
            exit(1);                                                                                          \
        }                                                                                                     \
    } while (0)
#define CHECK_STATUS(call, expected)                                                                           \
    do {                                                                                                       \
        fluvio_status got_ = (call);                                                                           \
        g_checks++;                                                                                            \
        if (got_ != (expected)) {                                                                              \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s\n  fluvio_last_error(): \"%s\"\n", __FILE__, __LINE__, \
                    #call, fluvio_status_str(got_), fluvio_status_str(expected), fluvio_last_error());          \
            exit(1);                                                                                           \
        }                                                                                                      \
    } while (0)
#define CHECK_OK(call) CHECK_STATUS(call, FLUVIO_OK)

/* Upper bound for anything that must arrive (generous: valgrind is slow). */
#define WAIT_MS 60000

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int readable(int fd) {
    struct pollfd pfd;
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    return poll(&pfd, 1, 0) == 1;
}

/* ------------------------------------------------------- delivery reports */

/* Records sent through each report test: 100,000, or argv[1] (fewer,
 * under valgrind; the paths are the same). */
#define MAX_RECORDS 100000
#define PARTITIONS 3
static long g_records = MAX_RECORDS;

/* What the report callback saw. The opaque of record i is &tally->slot[i]. */
struct tally {
    unsigned char seen[MAX_RECORDS];
    long reports, ok, failed;
    int64_t last_offset[PARTITIONS];
    fluvio_status last_failure;
    int32_t last_error_code;
    int64_t first_ts, last_ts;
    /* Set once its producer is freed: no report may come after. Retired
     * tallies stay allocated to the end, so a late report is caught here
     * rather than landing in a new tally at the same address. */
    int retired;
    struct tally *next_retired;
};

static struct tally *g_retired;

static void count_report(void *user_data, const struct fluvio_delivery_report *report) {
    struct tally *t = user_data;
    size_t i = (size_t)((unsigned char *)report->opaque - t->seen);
    CHECK(!t->retired); /* never after fluvio_producer_free returned */
    CHECK(report->opaque != NULL && i < MAX_RECORDS);
    CHECK(t->seen[i] == 0); /* exactly once */
    t->seen[i] = 1;
    t->reports++;
    CHECK(report->partition < PARTITIONS);
    CHECK(report->timestamp >= t->first_ts && report->timestamp <= t->last_ts + 1000);
    if (report->status == FLUVIO_OK) {
        CHECK(report->error == NULL && report->error_code == 0);
        /* In order within the partition. */
        CHECK(report->offset > t->last_offset[report->partition]);
        t->last_offset[report->partition] = report->offset;
        t->ok++;
    } else {
        CHECK(report->offset == -1);
        CHECK(report->error != NULL && report->error[0] != '\0');
        t->last_failure = report->status;
        t->last_error_code = report->error_code;
        t->failed++;
    }
}

static struct tally *new_tally(void) {
    struct tally *t = calloc(1, sizeof *t);
    int p;
    CHECK(t != NULL);
    for (p = 0; p < PARTITIONS; p++) {
        t->last_offset[p] = -1;
    }
    t->first_ts = now_ms();
    t->last_ts = t->first_ts;
    return t;
}

/* Frees the producer, then keeps its tally (see `retired`). */
static void free_reporting(struct fluvio_producer *producer, struct tally *t) {
    fluvio_producer_free(producer);
    t->retired = 1;
    t->next_retired = g_retired;
    g_retired = t;
}

static void free_retired(void) {
    while (g_retired != NULL) {
        struct tally *next = g_retired->next_retired;
        free(g_retired);
        g_retired = next;
    }
}

static struct fluvio_producer *report_producer(struct fluvio_client *client, const char *topic, struct tally *t, fluvio_delivery_semantic semantic,
                                               uint64_t linger_ms, uint32_t max_in_flight) {
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    struct fluvio_producer *producer = NULL;
    CHECK(config != NULL);
    CHECK_OK(fluvio_producer_config_set_delivery_report(config, count_report, t));
    CHECK_OK(fluvio_producer_config_set_delivery(config, semantic));
    CHECK_OK(fluvio_producer_config_set_retry(config, 10, 5, 50, 30000));
    CHECK_OK(fluvio_producer_config_set_linger_ms(config, linger_ms));
    CHECK_OK(fluvio_producer_config_set_max_in_flight(config, max_in_flight));
    CHECK_STATUS(fluvio_producer_config_set_delivery_report(NULL, count_report, t), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_OK(fluvio_producer_new(client, topic, config, &producer));
    fluvio_producer_config_free(config);
    return producer;
}

static void send_numbered(struct fluvio_producer *producer, struct tally *t, long from, long to) {
    long i;
    char value[32];
    for (i = from; i < to; i++) {
        int len = snprintf(value, sizeof value, "r-%ld", i);
        CHECK_OK(fluvio_producer_send_opaque(producer, NULL, 0, value, (size_t)len, &t->seen[i]));
    }
    t->last_ts = now_ms();
}

static void test_reports_by_poll(struct fluvio_client *client) {
    struct tally *t = new_tally();
    struct fluvio_producer *producer;
    size_t served = 99;
    int64_t deadline;
    long i;

    CHECK_OK(fluvio_topic_create(client, "ev-poll", PARTITIONS, 1));
    producer = report_producer(client, "ev-poll", t, FLUVIO_DELIVERY_AT_LEAST_ONCE, 5, 5);
    CHECK(fluvio_producer_fd(producer) >= 0);
    CHECK_STATUS(fluvio_producer_poll(NULL, 0, NULL), FLUVIO_ERR_INVALID_ARGUMENT);
    send_numbered(producer, t, 0, g_records);
    deadline = now_ms() + WAIT_MS;
    while (t->reports < g_records && now_ms() < deadline) {
        CHECK_OK(fluvio_producer_poll(producer, 100, &served));
    }
    CHECK(t->reports == g_records && t->ok == g_records);
    for (i = 0; i < g_records; i++) {
        CHECK(t->seen[i] == 1);
    }
    /* Nothing more comes, and nothing is left to poll for. */
    CHECK_OK(fluvio_producer_poll(producer, 0, &served));
    CHECK(served == 0);
    CHECK(!readable(fluvio_producer_fd(producer)));
    free_reporting(producer, t);
    CHECK(t->reports == g_records);
    printf("reports by poll ok\n");
}

static void test_reports_by_epoll(struct fluvio_client *client) {
    struct tally *t = new_tally();
    struct fluvio_producer *producer;
    struct epoll_event event, ready;
    int epfd, fd, wakeups = 0, spurious = 0;
    int64_t deadline;
    long sent = 0;

    CHECK_OK(fluvio_topic_create(client, "ev-epoll", PARTITIONS, 1));
    producer = report_producer(client, "ev-epoll", t, FLUVIO_DELIVERY_AT_LEAST_ONCE, 5, 5);
    fd = fluvio_producer_fd(producer);
    CHECK(fd >= 0 && fluvio_producer_fd(producer) == fd);
    CHECK(!readable(fd));
    epfd = epoll_create1(0);
    CHECK(epfd >= 0);
    memset(&event, 0, sizeof event);
    event.events = EPOLLIN;
    CHECK(epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0);
    deadline = now_ms() + WAIT_MS;
    /* Send in slices, serving reports as the descriptor says they wait. */
    while (t->reports < g_records && now_ms() < deadline) {
        size_t served = 0;
        int n;
        if (sent < g_records) {
            long slice = g_records / 10 > 0 ? g_records / 10 : 1;
            long to = sent + slice < g_records ? sent + slice : g_records;
            send_numbered(producer, t, sent, to);
            sent = to;
        }
        n = epoll_wait(epfd, &ready, 1, 1000);
        CHECK(n >= 0);
        if (n == 0) {
            continue;
        }
        wakeups++;
        CHECK_OK(fluvio_producer_poll(producer, 0, &served));
        if (served == 0) {
            spurious++;
        }
        /* Served everything that waited: unreadable until more arrive. */
    }
    CHECK(t->reports == g_records && t->ok == g_records);
    CHECK(wakeups > 0);
    CHECK(spurious == 0);
    CHECK(!readable(fd));
    CHECK(epoll_wait(epfd, &ready, 1, 200) == 0);
    free_reporting(producer, t);
    close(epfd);
    printf("reports by epoll ok (%d wakeups)\n", wakeups);
}

/* Failures, one report per record: at-most-once fails the batches the
 * cluster refuses; at-least-once retries them and they land. */
static void test_failure_reports(struct fluvio_local_cluster *cluster, struct fluvio_client *client) {
    struct tally *t;
    struct fluvio_producer *producer;
    long n = 1000;
    int64_t deadline;

    CHECK_OK(fluvio_topic_create(client, "ev-fail", PARTITIONS, 1));

    /* At-most-once: one produce request fails with MessageTooLarge (10). */
    t = new_tally();
    producer = report_producer(client, "ev-fail", t, FLUVIO_DELIVERY_AT_MOST_ONCE, 0, 5);
    CHECK_OK(fluvio_local_cluster_fail_next_produces(cluster, 1, 10));
    send_numbered(producer, t, 0, n);
    CHECK_STATUS(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS), FLUVIO_ERR_SERVER); /* flush serves the reports too */
    CHECK(fluvio_last_error_code() == 10);
    CHECK(strcmp(fluvio_error_code_name(fluvio_last_error_code()), "MessageTooLarge") == 0);
    CHECK(!fluvio_last_error_retriable());
    CHECK(t->reports == n);
    CHECK(t->failed > 0 && t->ok > 0 && t->ok + t->failed == n);
    CHECK(t->last_failure == FLUVIO_ERR_SERVER && t->last_error_code == 10);
    CHECK_OK(fluvio_local_cluster_fail_next_produces(cluster, 0, 10));
    free_reporting(producer, t);

    /* At-least-once: NotLeaderForPartition (6) is retried; all land, in
     * order with one request in flight (with more, a request after a
     * failed one may land first, as the header says). */
    t = new_tally();
    producer = report_producer(client, "ev-fail", t, FLUVIO_DELIVERY_AT_LEAST_ONCE, 0, 1);
    CHECK_OK(fluvio_local_cluster_fail_next_produces(cluster, 5, 6));
    send_numbered(producer, t, 0, n);
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    CHECK(t->reports == n && t->ok == n && t->failed == 0);
    free_reporting(producer, t);

    /* A stopped SPU, at-most-once: every record sent meanwhile fails. */
    CHECK_OK(fluvio_topic_create(client, "ev-spu", 1, 1));
    CHECK_OK(fluvio_local_cluster_move_leader(cluster, "ev-spu", 0, 5002));
    t = new_tally();
    producer = report_producer(client, "ev-spu", t, FLUVIO_DELIVERY_AT_MOST_ONCE, 0, 5);
    send_numbered(producer, t, 0, 10);
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    CHECK(t->ok == 10);
    CHECK_OK(fluvio_local_cluster_stop_spu(cluster, 5002));
    send_numbered(producer, t, 10, 20);
    deadline = now_ms() + WAIT_MS;
    while (t->reports < 20 && now_ms() < deadline) {
        CHECK_OK(fluvio_producer_poll(producer, 100, NULL));
    }
    CHECK(t->reports == 20 && t->failed == 10);
    CHECK(t->last_failure == FLUVIO_ERR_CONNECTION || t->last_failure == FLUVIO_ERR_TIMEOUT || t->last_failure == FLUVIO_ERR_SERVER);
    CHECK_OK(fluvio_local_cluster_start_spu(cluster, 5002));
    free_reporting(producer, t);
    printf("failure reports ok\n");
}

/* A callback that sends and flushes from inside a report, and frees
 * another producer there, whose last reports it must still get. */
struct reentrant {
    struct fluvio_producer *producer;
    struct fluvio_producer *other;
    long reports, resent, flushes, other_reports;
    fluvio_status flush_status;
};

static void count_other_report(void *user_data, const struct fluvio_delivery_report *report) {
    struct reentrant *r = user_data;
    CHECK(report->status == FLUVIO_OK);
    r->other_reports++;
}

static void resend_report(void *user_data, const struct fluvio_delivery_report *report) {
    struct reentrant *r = user_data;
    size_t served = 7;
    r->reports++;
    CHECK(report->status == FLUVIO_OK);
    if (report->opaque == NULL && r->resent < 100) {
        /* A first-generation record: send a second generation. */
        r->resent++;
        CHECK_OK(fluvio_producer_send_opaque(r->producer, NULL, 0, "again", 5, r));
    }
    if (r->reports == 10 && r->other != NULL) {
        /* Freed from inside a callback: its reports are served here. */
        fluvio_producer_free(r->other);
        r->other = NULL;
        CHECK(r->other_reports == 20);
    }
    if (r->reports == 50) {
        /* Flush from inside: it waits for the records, serves nothing. */
        r->flush_status = fluvio_producer_flush(r->producer, FLUVIO_FLUSH_TIMEOUT_MS);
        r->flushes++;
        CHECK_OK(fluvio_producer_poll(r->producer, 0, &served));
        CHECK(served == 0);
    }
}

static void test_reentrant_callback(struct fluvio_client *client) {
    struct reentrant r;
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    int64_t deadline;
    long i;

    memset(&r, 0, sizeof r);
    CHECK_OK(fluvio_topic_create(client, "ev-reenter", 1, 1));
    CHECK_OK(fluvio_producer_config_set_delivery_report(config, resend_report, &r));
    CHECK_OK(fluvio_producer_config_set_linger_ms(config, 0));
    CHECK_OK(fluvio_producer_new(client, "ev-reenter", config, &r.producer));
    CHECK_OK(fluvio_producer_config_set_delivery_report(config, count_other_report, &r));
    CHECK_OK(fluvio_producer_config_set_linger_ms(config, 60000));
    CHECK_OK(fluvio_producer_new(client, "ev-reenter", config, &r.other));
    fluvio_producer_config_free(config);
    for (i = 0; i < 20; i++) {
        CHECK_OK(fluvio_producer_send(r.other, NULL, 0, "other", 5));
    }
    for (i = 0; i < 100; i++) {
        CHECK_OK(fluvio_producer_send(r.producer, NULL, 0, "first", 5));
    }
    deadline = now_ms() + WAIT_MS;
    while (r.reports < 200 && now_ms() < deadline) {
        CHECK_OK(fluvio_producer_poll(r.producer, 100, NULL));
    }
    CHECK(r.reports == 200 && r.resent == 100 && r.flushes == 1);
    CHECK(r.other == NULL && r.other_reports == 20);
    CHECK(r.flush_status == FLUVIO_OK);
    fluvio_producer_free(r.producer);
    CHECK(r.reports == 200);
    printf("re-entrant callbacks ok\n");
}

/* ------------------------------------------------------------------- logs */

struct log_tally {
    long messages, reconnects, leader_moves;
};

static void count_log(void *user_data, fluvio_log_level level, const char *module, const char *message) {
    struct log_tally *l = user_data;
    CHECK(level >= FLUVIO_LOG_ERROR && level <= FLUVIO_LOG_DEBUG);
    CHECK(module != NULL && message != NULL && message[0] != '\0');
    l->messages++;
    if (strcmp(module, "client") == 0 && strstr(message, "reconnected to SPU") != NULL) {
        l->reconnects++;
    }
    if (strcmp(module, "client") == 0 && strstr(message, "leader of ev-log-0 moved") != NULL) {
        l->leader_moves++;
    }
}

static void test_log_callback(struct fluvio_local_cluster *cluster, struct fluvio_client *client) {
    struct log_tally l = {0, 0, 0};
    struct fluvio_producer *producer = NULL;
    int64_t deadline;
    int fd;

    CHECK_STATUS(fluvio_log_set_level(2), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(fluvio_log_set_level(8), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_OK(fluvio_log_set_callback(count_log, &l));
    CHECK_OK(fluvio_log_set_level(FLUVIO_LOG_INFO));
    fd = fluvio_log_fd();
    CHECK(fd >= 0);
    CHECK_OK(fluvio_log_poll(0, NULL)); /* whatever came before */

    CHECK_OK(fluvio_topic_create(client, "ev-log", 1, 1));
    CHECK_OK(fluvio_producer_new(client, "ev-log", NULL, &producer));
    CHECK_OK(fluvio_producer_send(producer, NULL, 0, "before", 6));
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    CHECK_OK(fluvio_local_cluster_drop_connections(cluster));
    CHECK_OK(fluvio_producer_send(producer, NULL, 0, "after", 5));
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    deadline = now_ms() + WAIT_MS;
    while (l.reconnects == 0 && now_ms() < deadline) {
        CHECK_OK(fluvio_log_poll(100, NULL));
    }
    CHECK(l.reconnects >= 1);
    CHECK_OK(fluvio_log_poll(0, NULL));
    CHECK(!readable(fd));
    /* One of the two moves changes the leader, whichever SPU led. */
    CHECK_OK(fluvio_local_cluster_move_leader(cluster, "ev-log", 0, 5001));
    CHECK_OK(fluvio_local_cluster_move_leader(cluster, "ev-log", 0, 5002));
    deadline = now_ms() + WAIT_MS;
    while (l.leader_moves == 0 && now_ms() < deadline) {
        CHECK_OK(fluvio_log_poll(100, NULL));
    }
    CHECK(l.leader_moves >= 1);
    fluvio_producer_free(producer);
    CHECK_OK(fluvio_log_set_callback(NULL, NULL));
    CHECK_OK(fluvio_log_set_level(FLUVIO_LOG_WARNING));
    CHECK_OK(fluvio_log_poll(0, NULL));
    printf("log callback ok (%ld messages)\n", l.messages);
}

/* ------------------------------------------------------------------ stats */

static long json_number(const char *json, const char *section, const char *field) {
    char key[64];
    const char *at = strstr(json, section);
    CHECK(at != NULL);
    snprintf(key, sizeof key, "\"%s\":", field);
    at = strstr(at, key);
    CHECK(at != NULL);
    return strtol(at + strlen(key), NULL, 10);
}

static void test_stats(const char *endpoint) {
    struct fluvio_client *client = NULL;
    struct fluvio_producer *producer = NULL;
    struct fluvio_consumer *consumer = NULL;
    struct fluvio_stream *stream = NULL;
    struct fluvio_record *record = NULL;
    char *json = NULL;
    long i, read = 0;

    CHECK_OK(fluvio_connect(endpoint, &client));
    CHECK_STATUS(fluvio_client_stats(NULL, &json), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(fluvio_client_stats(client, NULL), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_OK(fluvio_topic_create(client, "ev-stats", 2, 1));
    CHECK_OK(fluvio_producer_new(client, "ev-stats", NULL, &producer));
    for (i = 0; i < 1000; i++) {
        CHECK_OK(fluvio_producer_send(producer, "k", 1, "0123456789", 10));
    }
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    CHECK_OK(fluvio_client_stats(client, &json));
    CHECK(strncmp(json, "{\"version\":1,", 13) == 0);
    CHECK(json_number(json, "\"producer\"", "records") == 1000);
    CHECK(json_number(json, "\"producer\"", "bytes") == 11000);
    CHECK(json_number(json, "\"producer\"", "failed_records") == 0);
    CHECK(json_number(json, "\"producer\"", "queued_records") == 0);
    CHECK(json_number(json, "\"producer\"", "requests_in_flight") == 0);
    CHECK(json_number(json, "\"producer\"", "requests") >= 1);
    fluvio_string_free(json);

    /* Read 600 of the 1000 (one partition holds all of a key's records). */
    CHECK_OK(fluvio_consumer_new(client, "ev-stats", -1, &consumer));
    CHECK_OK(fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream));
    while (read < 600) {
        CHECK_OK(fluvio_stream_next(stream, WAIT_MS, &record));
        fluvio_record_free(record);
        read++;
    }
    CHECK_OK(fluvio_client_stats(client, &json));
    CHECK(json_number(json, "\"consumer\"", "records") >= 600);
    CHECK(json_number(json, "\"consumer\"", "records") <= 1000);
    /* Across both partitions: lag = 1000 - 600 once the frames reported the end. */
    {
        const char *p = strstr(json, "\"partitions\":[");
        long lag = 0;
        CHECK(p != NULL);
        while ((p = strstr(p, "\"lag\":")) != NULL) {
            p += 6;
            lag += strtol(p, NULL, 10);
        }
        CHECK(lag == 400);
    }
    fluvio_string_free(json);
    fluvio_string_free(NULL);
    fluvio_stream_free(stream);
    fluvio_consumer_free(consumer);
    fluvio_producer_free(producer);
    CHECK_OK(fluvio_client_stats(client, &json));
    CHECK(strstr(json, "\"partitions\":[]") != NULL); /* the stream is gone */
    fluvio_string_free(json);
    fluvio_client_free(client);
    printf("stats ok\n");
}

/* --------------------------------------------------------- structured errors */

static void test_structured_errors(struct fluvio_client *client) {
    struct fluvio_producer *producer = NULL;
    CHECK_STATUS(fluvio_producer_new(client, "ev-missing", NULL, &producer), FLUVIO_ERR_TOPIC_NOT_FOUND);
    CHECK(fluvio_last_error_code() == 2001);
    CHECK(strcmp(fluvio_error_code_name(2001), "TopicNotFound") == 0);
    CHECK(!fluvio_last_error_retriable());
    CHECK_STATUS(fluvio_producer_new(NULL, "ev-missing", NULL, &producer), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK(fluvio_last_error_code() == 0);
    CHECK(strcmp(fluvio_error_code_name(0), "None") == 0);
    CHECK(strcmp(fluvio_error_code_name(6), "NotLeaderForPartition") == 0);
    CHECK(fluvio_error_code_name(4242) == NULL);
    CHECK(fluvio_error_code_name(-100000) == NULL);
    CHECK_OK(fluvio_topic_create(client, "ev-exists", 1, 1));
    CHECK_STATUS(fluvio_topic_create(client, "ev-exists", 1, 1), FLUVIO_ERR_TOPIC_EXISTS);
    CHECK(fluvio_last_error_code() == 2002);
    printf("structured errors ok\n");
}

int main(int argc, char **argv) {
    struct fluvio_local_config *config = fluvio_local_config_new();
    struct fluvio_local_cluster *cluster = NULL;
    struct fluvio_client *client = NULL;
    char endpoint[64];

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1) {
        g_records = atol(argv[1]);
        CHECK(g_records > 0 && g_records <= MAX_RECORDS);
    }
    CHECK_OK(fluvio_local_config_set_spus(config, 2));
    CHECK_OK(fluvio_local_cluster_start(config, &cluster));
    fluvio_local_config_free(config);
    snprintf(endpoint, sizeof endpoint, "%s", fluvio_local_cluster_endpoint(cluster));
    CHECK_OK(fluvio_connect(endpoint, &client));

    test_structured_errors(client);
    test_reports_by_poll(client);
    test_reports_by_epoll(client);
    test_failure_reports(cluster, client);
    test_reentrant_callback(client);
    test_log_callback(cluster, client);
    test_stats(endpoint);

    fluvio_client_free(client);
    CHECK_OK(fluvio_local_cluster_stop(cluster));
    free_retired();
    printf("events_test: all %ld checks passed\n", g_checks);
    return 0;
}
