/* SmartModules through the C API against an embedded cluster started from
 * C: every kind of module (filter, map, filter_map, array_map, aggregate with
 * an accumulator, params, look-back, a chain), ad hoc (from a file and from
 * bytes) and by name (stored with fluvio_smartmodule_create, with and
 * without a package), and the failures (a trap, an error the module
 * returns, an init error, a module that is not wasm, an unknown name), each
 * reported as FLUVIO_ERR_SMARTMODULE with the module's message and the
 * failing offset, after the records before it.
 *
 * Usage: smartmodule_test WASM_DIR, where WASM_DIR holds the modules of
 * tests/smartmodules/ compiled to <name>.wasm (tests/smartmodules.rs does
 * it). Every expected output is computed here, from the records produced,
 * independently of the modules. Exits 1 at the first failed check. */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fluvio.h"

static long g_checks;

static void fail_at(const char *file, int line, const char *what, int status) {
    fprintf(stderr, "%s:%d: CHECK failed: %s\n  status: %s (%d)\n  fluvio_last_error(): \"%s\"\n", file, line, what,
            fluvio_status_str(status), status, fluvio_last_error());
    exit(1);
}

#define CHECK(cond)                                                \
    do {                                                           \
        g_checks++;                                                \
        if (!(cond)) fail_at(__FILE__, __LINE__, #cond, -1);       \
    } while (0)
#define CHECK_STATUS(call, expected)                                         \
    do {                                                                     \
        int got_ = (int)(call);                                              \
        g_checks++;                                                          \
        if (got_ != (int)(expected)) fail_at(__FILE__, __LINE__, #call, got_); \
    } while (0)
#define CHECK_OK(call) CHECK_STATUS(call, FLUVIO_OK)

#define WAIT_MS 20000
#define MAX_RECORDS 4096

static const char *g_wasm_dir;

static const char *wasm_path(const char *module) {
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s.wasm", g_wasm_dir, module);
    return path;
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)size);
    CHECK(buf != NULL && fread(buf, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return buf;
}

/* An ad-hoc module from its file. */
static struct fluvio_smartmodule *from_file(const char *module) {
    struct fluvio_smartmodule *sm = NULL;
    CHECK_OK(fluvio_smartmodule_from_wasm_file(wasm_path(module), &sm));
    return sm;
}

/* ------------------------------------------------------------- producing */

/* Produces `values` (with `keys[i]` unless NULL) to `topic`; with `one_per_batch`
 * each record is flushed on its own, so each is a batch of its own. */
static void produce(struct fluvio_client *client, const char *topic, const char **keys, const char **values, int n,
                    int one_per_batch) {
    struct fluvio_producer *producer = NULL;
    CHECK_OK(fluvio_producer_new(client, topic, NULL, &producer));
    for (int i = 0; i < n; i++) {
        const char *key = keys ? keys[i] : NULL;
        CHECK_OK(fluvio_producer_send(producer, key, key ? strlen(key) : 0, values[i], strlen(values[i])));
        if (one_per_batch) CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    }
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);
}

/* Sends `values` on `producer` and flushes. */
static void produce_with(struct fluvio_producer *producer, const char **keys, const char **values, int n) {
    for (int i = 0; i < n; i++) {
        const char *key = keys ? keys[i] : NULL;
        CHECK_OK(fluvio_producer_send(producer, key, key ? strlen(key) : 0, values[i], strlen(values[i])));
    }
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
}

/* ------------------------------------------------------------- consuming */

struct result {
    int n;
    int64_t offsets[MAX_RECORDS];
    char *keys[MAX_RECORDS];   /* NULL: no key */
    char *values[MAX_RECORDS];
    int end;                   /* the status that ended the stream */
    char error[1024];          /* fluvio_last_error() then */
    int after_end;             /* the status of one more fluvio_stream_next */
};

static char *copy_bytes(const void *p, size_t len) {
    char *s = malloc(len + 1);
    CHECK(s != NULL);
    if (len) memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

static void result_free(struct result *r) {
    for (int i = 0; i < r->n; i++) {
        free(r->keys[i]);
        free(r->values[i]);
    }
    r->n = 0;
}

/* Reads `topic` from `start` through the chain `chain[0..n_chain)`, as a
 * non-continuous stream: until it ends (FLUVIO_END_OF_STREAM) or fails. */
static void consume(struct fluvio_client *client, const char *topic, struct fluvio_smartmodule **chain, int n_chain,
                    fluvio_offset start, struct result *out) {
    struct fluvio_consumer_config *config = fluvio_consumer_config_new();
    CHECK(config != NULL);
    CHECK_OK(fluvio_consumer_config_set_continuous(config, false));
    for (int i = 0; i < n_chain; i++) CHECK_OK(fluvio_consumer_config_add_smartmodule(config, chain[i]));
    struct fluvio_consumer *consumer = NULL;
    CHECK_OK(fluvio_consumer_new_with_config(client, topic, config, &consumer));
    fluvio_consumer_config_free(config);
    struct fluvio_stream *stream = NULL;
    CHECK_OK(fluvio_consumer_stream(consumer, start, &stream));
    out->n = 0;
    for (;;) {
        struct fluvio_record *record = NULL;
        int status = fluvio_stream_next(stream, WAIT_MS, &record);
        if (status != FLUVIO_OK) {
            CHECK(status != FLUVIO_ERR_TIMEOUT); /* never a hang */
            out->end = status;
            snprintf(out->error, sizeof out->error, "%s", fluvio_last_error());
            out->after_end = fluvio_stream_next(stream, 0, &record);
            break;
        }
        CHECK(out->n < MAX_RECORDS);
        size_t key_len = 0, value_len = 0;
        const void *key = fluvio_record_key(record, &key_len);
        const void *value = fluvio_record_value(record, &value_len);
        out->offsets[out->n] = fluvio_record_offset(record);
        out->keys[out->n] = key ? copy_bytes(key, key_len) : NULL;
        out->values[out->n] = copy_bytes(value, value_len);
        out->n++;
        fluvio_record_free(record);
    }
    fluvio_stream_free(stream);
    fluvio_consumer_free(consumer);
}

/* The stream delivered exactly the expected (offset, value) pairs and ended. */
static void expect_records(const char *what, const struct result *r, const int64_t *offsets, char *const *values, int n) {
    if (r->end != FLUVIO_END_OF_STREAM || r->n != n) {
        fprintf(stderr, "%s: %d records (expected %d), ended with %s: %s\n", what, r->n, n, fluvio_status_str(r->end),
                r->error);
        for (int i = 0; i < r->n && i < 10; i++) fprintf(stderr, "  got %lld %s\n", (long long)r->offsets[i], r->values[i]);
        for (int i = 0; i < n && i < 10; i++) fprintf(stderr, "  expected %lld %s\n", (long long)offsets[i], values[i]);
    }
    CHECK(r->end == FLUVIO_END_OF_STREAM);
    CHECK(r->n == n);
    for (int i = 0; i < n; i++) {
        if (r->offsets[i] != offsets[i] || strcmp(r->values[i], values[i]) != 0) {
            fprintf(stderr, "%s: record %d is %lld '%s', expected %lld '%s'\n", what, i, (long long)r->offsets[i],
                    r->values[i], (long long)offsets[i], values[i]);
        }
        CHECK(r->offsets[i] == offsets[i]);
        CHECK(strcmp(r->values[i], values[i]) == 0);
    }
}

/* The stream delivered `n_before` records, then failed with
 * FLUVIO_ERR_SMARTMODULE naming `needle` and `offset_text`, then ended. */
static void expect_failure(const char *what, const struct result *r, int n_before, const char *needle,
                           const char *offset_text) {
    if (r->end != FLUVIO_ERR_SMARTMODULE || r->n != n_before || strstr(r->error, needle) == NULL ||
        (offset_text && strstr(r->error, offset_text) == NULL)) {
        fprintf(stderr, "%s: %d records (expected %d), ended with %s: %s\n", what, r->n, n_before,
                fluvio_status_str(r->end), r->error);
    }
    CHECK(r->end == FLUVIO_ERR_SMARTMODULE);
    CHECK(r->n == n_before);
    CHECK(strstr(r->error, needle) != NULL);
    if (offset_text) CHECK(strstr(r->error, offset_text) != NULL);
    CHECK(r->after_end == FLUVIO_ERR_CLOSED); /* ended, not hanging */
}

/* ------------------------------------------------------------- the data */

#define NUMBERS 300
static const char *g_number_values[NUMBERS];
static const char *g_number_keys[NUMBERS];
static char g_number_text[NUMBERS][16];
static char g_key_text[NUMBERS][16];

/* The expectations over "numbers" (value i at offset i), computed here. */
struct expected {
    int n;
    int64_t offsets[MAX_RECORDS];
    char *values[MAX_RECORDS];
};

static void expect_add(struct expected *e, int64_t offset, const char *value) {
    CHECK(e->n < MAX_RECORDS);
    e->offsets[e->n] = offset;
    e->values[e->n] = copy_bytes(value, strlen(value));
    e->n++;
}

static void expected_free(struct expected *e) {
    for (int i = 0; i < e->n; i++) free(e->values[i]);
    e->n = 0;
}

static void check_numbers(struct fluvio_client *client, const char *what, struct fluvio_smartmodule **chain, int n_chain,
                          const struct expected *e) {
    struct result *r = calloc(1, sizeof *r);
    CHECK(r != NULL);
    consume(client, "numbers", chain, n_chain, fluvio_offset_beginning(), r);
    expect_records(what, r, e->offsets, e->values, e->n);
    result_free(r);
    free(r);
    printf("ok: %s (%d records)\n", what, e->n);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s WASM_DIR\n", argv[0]);
        return 2;
    }
    g_wasm_dir = argv[1];
    /* Bounds on every SmartModule call: a generous timeout, and fuel enough
     * for the well-behaved modules' batches but not for an endless loop. */
    struct fluvio_local_config *local = fluvio_local_config_new();
    CHECK(local != NULL);
    CHECK_STATUS(fluvio_local_config_set_smartmodule_limits(NULL, 30000, 1), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(fluvio_local_config_set_smartmodule_limits(local, 0, 1), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(fluvio_local_config_set_smartmodule_limits(local, 30000, 0), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_OK(fluvio_local_config_set_smartmodule_limits(local, -1, 20000000)); /* no time limit, as a real SPU */
    CHECK_OK(fluvio_local_config_set_smartmodule_limits(local, 30000, 20000000));
    struct fluvio_local_cluster *cluster = NULL;
    CHECK_OK(fluvio_local_cluster_start(local, &cluster));
    fluvio_local_config_free(local);
    struct fluvio_client *client = NULL;
    CHECK_OK(fluvio_connect(fluvio_local_cluster_endpoint(cluster), &client));

    /* numbers: "0".."299", every third keyed, in batches of the producer's
     * size (several per batch). */
    CHECK_OK(fluvio_topic_create(client, "numbers", 1, 1));
    for (int i = 0; i < NUMBERS; i++) {
        snprintf(g_number_text[i], sizeof g_number_text[i], "%d", i);
        snprintf(g_key_text[i], sizeof g_key_text[i], "k%d", i % 7);
        g_number_values[i] = g_number_text[i];
        g_number_keys[i] = i % 3 == 0 ? g_key_text[i] : NULL;
    }
    produce(client, "numbers", g_number_keys, g_number_values, NUMBERS, 0);

    struct expected e = {0};
    char buf[64];

    /* filter, ad hoc from a file: the even numbers, at their true offsets. */
    struct fluvio_smartmodule *even = from_file("filter_even");
    for (int i = 0; i < NUMBERS; i += 2) expect_add(&e, i, g_number_text[i]);
    check_numbers(client, "filter (ad hoc, file)", &even, 1, &e);
    /* The same with the kind given explicitly. */
    CHECK_OK(fluvio_smartmodule_set_kind(even, FLUVIO_SMARTMODULE_KIND_FILTER));
    check_numbers(client, "filter (kind FILTER)", &even, 1, &e);
    expected_free(&e);

    /* filter_map, ad hoc from bytes: multiples of 3 become a third. */
    size_t len = 0;
    unsigned char *bytes = read_file(wasm_path("filter_map_third"), &len);
    struct fluvio_smartmodule *third = NULL;
    CHECK_OK(fluvio_smartmodule_from_wasm(bytes, len, &third));
    free(bytes);
    for (int i = 0; i < NUMBERS; i += 3) {
        snprintf(buf, sizeof buf, "%d", i / 3);
        expect_add(&e, i, buf);
    }
    check_numbers(client, "filter_map (ad hoc, bytes)", &third, 1, &e);
    expected_free(&e);

    /* aggregate with an accumulator: running sums from 1000. */
    struct fluvio_smartmodule *sum = from_file("aggregate_sum");
    CHECK_OK(fluvio_smartmodule_set_kind(sum, FLUVIO_SMARTMODULE_KIND_AGGREGATE));
    CHECK_OK(fluvio_smartmodule_set_accumulator(sum, (const unsigned char *)"1000", 4));
    long long running = 1000;
    for (int i = 0; i < NUMBERS; i++) {
        running += i;
        snprintf(buf, sizeof buf, "%lld", running);
        expect_add(&e, i, buf);
    }
    check_numbers(client, "aggregate (accumulator 1000)", &sum, 1, &e);
    /* Kind AUTO with the accumulator: the module says it aggregates. */
    CHECK_OK(fluvio_smartmodule_set_kind(sum, FLUVIO_SMARTMODULE_KIND_AUTO));
    check_numbers(client, "aggregate (kind AUTO)", &sum, 1, &e);
    expected_free(&e);
    /* Without an accumulator: from 0. */
    struct fluvio_smartmodule *sum0 = from_file("aggregate_sum");
    running = 0;
    for (int i = 0; i < NUMBERS; i++) {
        running += i;
        snprintf(buf, sizeof buf, "%lld", running);
        expect_add(&e, i, buf);
    }
    check_numbers(client, "aggregate (no accumulator)", &sum0, 1, &e);
    expected_free(&e);
    /* An accumulator on a filter is refused. */
    CHECK_OK(fluvio_smartmodule_set_kind(sum0, FLUVIO_SMARTMODULE_KIND_FILTER));
    CHECK_OK(fluvio_smartmodule_set_accumulator(sum0, NULL, 0));
    struct fluvio_consumer_config *config = fluvio_consumer_config_new();
    CHECK_STATUS(fluvio_consumer_config_add_smartmodule(config, sum0), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(fluvio_consumer_config_add_smartmodule(config, NULL), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(fluvio_consumer_config_add_smartmodule(NULL, even), FLUVIO_ERR_INVALID_ARGUMENT);
    fluvio_consumer_config_free(config);
    fluvio_smartmodule_free(sum0);

    /* params: the numbers containing "7". */
    struct fluvio_smartmodule *sevens = from_file("filter_param");
    CHECK_OK(fluvio_smartmodule_set_param(sevens, "contains", "7"));
    for (int i = 0; i < NUMBERS; i++)
        if (strchr(g_number_text[i], '7')) expect_add(&e, i, g_number_text[i]);
    check_numbers(client, "filter with params", &sevens, 1, &e);
    expected_free(&e);

    /* A chain: containing "1", then a third of the multiples of 3. */
    struct fluvio_smartmodule *ones = from_file("filter_param");
    CHECK_OK(fluvio_smartmodule_set_param(ones, "contains", "1"));
    struct fluvio_smartmodule *chain[2] = {ones, third};
    for (int i = 0; i < NUMBERS; i++) {
        if (strchr(g_number_text[i], '1') && i % 3 == 0) {
            snprintf(buf, sizeof buf, "%d", i / 3);
            expect_add(&e, i, buf);
        }
    }
    check_numbers(client, "chain filter -> filter_map", chain, 2, &e);
    expected_free(&e);

    /* A missing param fails the module's init: the module's own message. */
    struct fluvio_smartmodule *no_param = from_file("filter_param");
    struct result *r = calloc(1, sizeof *r);
    CHECK(r != NULL);
    consume(client, "numbers", &no_param, 1, fluvio_offset_beginning(), r);
    expect_failure("init error", r, 0, "missing param 'contains'", NULL);
    result_free(r);
    fluvio_smartmodule_free(no_param);
    printf("ok: init error\n");

    /* map and array_map over words. */
    CHECK_OK(fluvio_topic_create(client, "words", 1, 1));
    const char *words[] = {"hello", "World,wide", "", "fluvio-42,a,,b", "x"};
    const char *word_keys[] = {"a", NULL, "c", NULL, "e"};
    produce(client, "words", word_keys, words, 5, 0);
    struct fluvio_smartmodule *upper = from_file("map_upper");
    consume(client, "words", &upper, 1, fluvio_offset_beginning(), r);
    for (int i = 0; i < 5; i++) {
        char *up = copy_bytes(words[i], strlen(words[i]));
        for (char *c = up; *c; c++) *c = (char)toupper((unsigned char)*c);
        expect_add(&e, i, up);
        free(up);
    }
    expect_records("map", r, e.offsets, e.values, e.n);
    for (int i = 0; i < 5; i++) CHECK(word_keys[i] ? r->keys[i] && strcmp(r->keys[i], word_keys[i]) == 0 : r->keys[i] == NULL);
    expected_free(&e);
    result_free(r);
    printf("ok: map (keys kept)\n");

    struct fluvio_smartmodule *split = from_file("array_map_split");
    consume(client, "words", &split, 1, fluvio_offset_beginning(), r);
    for (int i = 0; i < 5; i++) {
        const char *start = words[i];
        for (;;) {
            const char *comma = strchr(start, ',');
            size_t part = comma ? (size_t)(comma - start) : strlen(start);
            char *text = copy_bytes(start, part);
            expect_add(&e, i, text);
            free(text);
            if (!comma) break;
            start = comma + 1;
        }
    }
    expect_records("array_map", r, e.offsets, e.values, e.n);
    expected_free(&e);
    result_free(r);
    printf("ok: array_map\n");

    /* look-back: a record passes when above every value seen before,
     * including the look-back's records. */
    CHECK_OK(fluvio_topic_create(client, "rising", 1, 1));
    const char *rising[] = {"5", "3", "8", "1", "9", "2", "7", "6", "4"};
    produce(client, "rising", NULL, rising, 9, 0);
    struct fluvio_smartmodule *highs = from_file("filter_lookback");
    /* Without a look-back: 5, 8, 9. */
    consume(client, "rising", &highs, 1, fluvio_offset_beginning(), r);
    expect_add(&e, 0, "5");
    expect_add(&e, 2, "8");
    expect_add(&e, 4, "9");
    expect_records("filter without look-back", r, e.offsets, e.values, e.n);
    expected_free(&e);
    result_free(r);
    /* The last 3 (7, 6, 4) seen first: only 8 and 9 are higher. */
    CHECK_OK(fluvio_smartmodule_set_lookback(highs, 3, 0));
    consume(client, "rising", &highs, 1, fluvio_offset_beginning(), r);
    expect_add(&e, 2, "8");
    expect_add(&e, 4, "9");
    expect_records("look-back last 3", r, e.offsets, e.values, e.n);
    expected_free(&e);
    result_free(r);
    /* Every record of the last hour seen first (9 the highest): none passes. */
    CHECK_OK(fluvio_smartmodule_set_lookback(highs, 0, 3600 * 1000));
    consume(client, "rising", &highs, 1, fluvio_offset_beginning(), r);
    expect_records("look-back one hour", r, e.offsets, e.values, 0);
    result_free(r);
    printf("ok: look-back\n");

    /* A module that returns an error on "bad": the records before it, then
     * the module's message with the record's offset; the stream ends. */
    CHECK_OK(fluvio_topic_create(client, "errs", 1, 1));
    const char *errs[] = {"5", "6", "bad", "7"};
    produce(client, "errs", NULL, errs, 4, 0);
    struct fluvio_smartmodule *picky = from_file("filter_error");
    consume(client, "errs", &picky, 1, fluvio_offset_beginning(), r);
    expect_failure("module error", r, 2, "the record is bad", "offset 2");
    CHECK(strcmp(r->values[0], "5") == 0 && strcmp(r->values[1], "6") == 0);
    result_free(r);
    printf("ok: module error\n");

    /* A module that traps on "trap", each record in a batch of its own: the
     * records before it, then the trap at its offset. */
    CHECK_OK(fluvio_topic_create(client, "traps", 1, 1));
    const char *traps[] = {"a", "b", "trap", "c"};
    produce(client, "traps", NULL, traps, 4, 1);
    struct fluvio_smartmodule *trapper = from_file("map_trap");
    consume(client, "traps", &trapper, 1, fluvio_offset_beginning(), r);
    expect_failure("trap", r, 2, "unreachable", "offset 2");
    result_free(r);
    printf("ok: trap\n");

    /* Not wasm at all: refused when the stream opens. */
    struct fluvio_smartmodule *garbage = NULL;
    CHECK_OK(fluvio_smartmodule_from_wasm((const unsigned char *)"not wasm", 8, &garbage));
    consume(client, "numbers", &garbage, 1, fluvio_offset_beginning(), r);
    expect_failure("not wasm", r, 0, "SmartModule", NULL);
    result_free(r);
    fluvio_smartmodule_free(garbage);
    CHECK_STATUS(fluvio_smartmodule_from_wasm(NULL, 0, &garbage), FLUVIO_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(fluvio_smartmodule_from_wasm_file("/nonexistent.wasm", &garbage), FLUVIO_ERR_IO);
    printf("ok: invalid modules\n");

    /* By name: stored on the SC, with and without a package. */
    CHECK_OK(fluvio_smartmodule_create_from_file(client, "even", wasm_path("filter_even"), NULL));
    CHECK_STATUS(fluvio_smartmodule_create_from_file(client, "even", wasm_path("filter_even"), NULL), FLUVIO_ERR_SMARTMODULE);
    struct fluvio_smartmodule_package *package = NULL;
    CHECK_OK(fluvio_smartmodule_package_new("thirds", "tests", "0.1.0", &package));
    CHECK_OK(fluvio_smartmodule_package_set_details(package, "0.1.0", "a third of multiples of 3", "Apache-2.0", NULL, false));
    bytes = read_file(wasm_path("filter_map_third"), &len);
    CHECK_OK(fluvio_smartmodule_create(client, NULL, bytes, len, package));
    free(bytes);
    fluvio_smartmodule_package_free(package);
    CHECK_OK(fluvio_smartmodule_package_new("bad", "tests", "not-a-version", &package));
    CHECK_STATUS(fluvio_smartmodule_create(client, NULL, (const unsigned char *)"\0asm", 4, package), FLUVIO_ERR_SMARTMODULE);
    fluvio_smartmodule_package_free(package);
    struct fluvio_smartmodule_list *list = NULL;
    CHECK_OK(fluvio_smartmodule_list(client, &list));
    CHECK(fluvio_smartmodule_list_count(list) == 2);
    CHECK(strcmp(fluvio_smartmodule_list_name(list, 0), "even") == 0);
    CHECK(strcmp(fluvio_smartmodule_list_name(list, 1), "thirds-tests-0.1.0") == 0);
    CHECK(fluvio_smartmodule_list_wasm_len(list, 0) > 0);
    CHECK(fluvio_smartmodule_list_name(list, 2) == NULL);
    /* Package metadata: none for "even"; what was given for the thirds. */
    CHECK(fluvio_smartmodule_list_package(list, 0, FLUVIO_SMARTMODULE_PACKAGE_NAME) == NULL);
    CHECK(strcmp(fluvio_smartmodule_list_package(list, 1, FLUVIO_SMARTMODULE_PACKAGE_NAME), "thirds") == 0);
    CHECK(strcmp(fluvio_smartmodule_list_package(list, 1, FLUVIO_SMARTMODULE_PACKAGE_GROUP), "tests") == 0);
    CHECK(strcmp(fluvio_smartmodule_list_package(list, 1, FLUVIO_SMARTMODULE_PACKAGE_VERSION), "0.1.0") == 0);
    CHECK(strcmp(fluvio_smartmodule_list_package(list, 1, FLUVIO_SMARTMODULE_PACKAGE_API_VERSION), "0.1.0") == 0);
    CHECK(strcmp(fluvio_smartmodule_list_package(list, 1, FLUVIO_SMARTMODULE_PACKAGE_DESCRIPTION), "a third of multiples of 3") == 0);
    CHECK(strcmp(fluvio_smartmodule_list_package(list, 1, FLUVIO_SMARTMODULE_PACKAGE_LICENSE), "Apache-2.0") == 0);
    CHECK(fluvio_smartmodule_list_package(list, 1, FLUVIO_SMARTMODULE_PACKAGE_REPOSITORY) == NULL);
    CHECK(fluvio_smartmodule_list_package(list, 1, 7) == NULL);
    CHECK(fluvio_smartmodule_list_package(list, 2, FLUVIO_SMARTMODULE_PACKAGE_NAME) == NULL);
    CHECK(fluvio_smartmodule_list_package(NULL, 0, FLUVIO_SMARTMODULE_PACKAGE_NAME) == NULL);
    fluvio_smartmodule_list_free(list);

    struct fluvio_smartmodule *named = NULL;
    CHECK_OK(fluvio_smartmodule_named("even", &named));
    for (int i = 0; i < NUMBERS; i += 2) expect_add(&e, i, g_number_text[i]);
    check_numbers(client, "filter (by name)", &named, 1, &e);
    expected_free(&e);
    fluvio_smartmodule_free(named);
    CHECK_OK(fluvio_smartmodule_named("tests/thirds@0.1.0", &named));
    for (int i = 0; i < NUMBERS; i += 3) {
        snprintf(buf, sizeof buf, "%d", i / 3);
        expect_add(&e, i, buf);
    }
    check_numbers(client, "filter_map (by package name)", &named, 1, &e);
    fluvio_smartmodule_free(named);
    CHECK_OK(fluvio_smartmodule_named("thirds-tests-0.1.0", &named));
    check_numbers(client, "filter_map (by store id)", &named, 1, &e);
    fluvio_smartmodule_free(named);
    expected_free(&e);

    /* Producer side: the SPU runs the chain before storing; the records a
     * filter drops were never stored, so what is stored is numbered densely. */
    CHECK_OK(fluvio_topic_create(client, "produced", 1, 1));
    struct fluvio_producer_config *pconfig = fluvio_producer_config_new();
    CHECK_OK(fluvio_smartmodule_named("even", &named));
    CHECK_OK(fluvio_producer_config_add_smartmodule(pconfig, named));
    fluvio_smartmodule_free(named);
    struct fluvio_producer *producer = NULL;
    CHECK_OK(fluvio_producer_new(client, "produced", pconfig, &producer));
    fluvio_producer_config_free(pconfig);
    for (int i = 0; i < 20; i++) CHECK_OK(fluvio_producer_send(producer, NULL, 0, g_number_text[i], strlen(g_number_text[i])));
    CHECK_OK(fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    fluvio_producer_free(producer);
    consume(client, "produced", NULL, 0, fluvio_offset_beginning(), r);
    for (int i = 0; i < 20; i += 2) expect_add(&e, i / 2, g_number_text[i]);
    expect_records("producer filter (by name)", r, e.offsets, e.values, e.n);
    expected_free(&e);
    result_free(r);

    CHECK_OK(fluvio_topic_create(client, "shouted", 1, 1));
    pconfig = fluvio_producer_config_new();
    CHECK_OK(fluvio_producer_config_add_smartmodule(pconfig, upper));
    CHECK_OK(fluvio_producer_new(client, "shouted", pconfig, &producer));
    fluvio_producer_config_free(pconfig);
    produce_with(producer, word_keys, words, 5);
    fluvio_producer_free(producer);
    consume(client, "shouted", NULL, 0, fluvio_offset_beginning(), r);
    for (int i = 0; i < 5; i++) {
        char *up = copy_bytes(words[i], strlen(words[i]));
        for (char *c = up; *c; c++) *c = (char)toupper((unsigned char)*c);
        expect_add(&e, i, up);
        free(up);
    }
    expect_records("producer map (ad hoc)", r, e.offsets, e.values, e.n);
    expected_free(&e);
    result_free(r);

    /* A module that fails: the delivery fails with its message, nothing of
     * the batch is stored. */
    CHECK_OK(fluvio_topic_create(client, "rejected", 1, 1));
    pconfig = fluvio_producer_config_new();
    CHECK_OK(fluvio_producer_config_add_smartmodule(pconfig, picky));
    CHECK_OK(fluvio_producer_new(client, "rejected", pconfig, &producer));
    fluvio_producer_config_free(pconfig);
    for (int i = 0; i < 4; i++) CHECK_OK(fluvio_producer_send(producer, NULL, 0, errs[i], strlen(errs[i])));
    int flushed = fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS);
    CHECK(flushed == FLUVIO_ERR_SMARTMODULE);
    CHECK(strstr(fluvio_last_error(), "the record is bad") != NULL);
    fluvio_producer_free(producer);
    consume(client, "rejected", NULL, 0, fluvio_offset_beginning(), r);
    expect_records("nothing stored from a failed batch", r, e.offsets, e.values, 0);
    result_free(r);
    printf("ok: producer side\n");

    CHECK_OK(fluvio_smartmodule_delete(client, "even"));
    CHECK_STATUS(fluvio_smartmodule_delete(client, "even"), FLUVIO_ERR_SMARTMODULE);
    CHECK_OK(fluvio_smartmodule_named("even", &named));
    consume(client, "numbers", &named, 1, fluvio_offset_beginning(), r);
    expect_failure("unknown name", r, 0, "even", NULL);
    result_free(r);
    fluvio_smartmodule_free(named);
    CHECK_OK(fluvio_smartmodule_list(client, &list));
    CHECK(fluvio_smartmodule_list_count(list) == 1);
    fluvio_smartmodule_list_free(list);
    CHECK_STATUS(fluvio_smartmodule_named("", &named), FLUVIO_ERR_INVALID_ARGUMENT);
    printf("ok: by name\n");

    /* Hostile modules end their stream, not the cluster: one that loops
     * spends its fuel; one whose alloc returns an address outside its
     * memory is stopped before the engine copies its input there. */
    CHECK_OK(fluvio_topic_create(client, "spin", 1, 1));
    const char *spin_values[] = {"1", "2", "loop", "4"};
    produce(client, "spin", NULL, spin_values, 4, 1);
    struct fluvio_smartmodule *looping = from_file("filter_loop");
    consume(client, "spin", &looping, 1, fluvio_offset_beginning(), r);
    expect_failure("a module that loops", r, 2, "ran out of fuel: 20000000 units", "offset 2");
    result_free(r);
    fluvio_smartmodule_free(looping);
    struct fluvio_smartmodule *wild = from_file("filter_wild_alloc");
    consume(client, "spin", &wild, 1, fluvio_offset_beginning(), r);
    expect_failure("an alloc that returns a wild address", r, 0, "alloc returned an address", NULL);
    result_free(r);
    fluvio_smartmodule_free(wild);
    consume(client, "spin", &even, 1, fluvio_offset_beginning(), r);
    int64_t even_offsets[] = {1, 3};
    char *even_values[] = {"2", "4"};
    expect_records("the cluster serves on", r, even_offsets, even_values, 2);
    result_free(r);
    printf("ok: hostile modules\n");

    free(r);
    fluvio_smartmodule_free(even);
    fluvio_smartmodule_free(third);
    fluvio_smartmodule_free(sum);
    fluvio_smartmodule_free(sevens);
    fluvio_smartmodule_free(ones);
    fluvio_smartmodule_free(upper);
    fluvio_smartmodule_free(split);
    fluvio_smartmodule_free(highs);
    fluvio_smartmodule_free(picky);
    fluvio_smartmodule_free(trapper);
    fluvio_client_free(client);
    CHECK_OK(fluvio_local_cluster_stop(cluster));
    printf("smartmodule_test: all %ld checks passed\n", g_checks);
    return 0;
}
