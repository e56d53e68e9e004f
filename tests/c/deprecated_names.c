/* The names renamed after 0.1.0 still build (with a deprecation warning), link
 * and work: a program written for 0.1 runs unchanged against an embedded
 * cluster. Prints "deprecated_names: all N checks passed". */
#include <stdio.h>
#include <string.h>

#include "fluvio.h"

static int checks = 0;

#define CHECK(expr)                                                                  \
    do {                                                                             \
        fluvio_status status_ = (expr);                                              \
        if (status_ != FLUVIO_OK) {                                                  \
            fprintf(stderr, "%s:%d: %s: %s: %s\n", __FILE__, __LINE__, #expr,          \
                    fluvio_status_str(status_), fluvio_last_error());                \
            return 1;                                                                \
        }                                                                            \
        checks++;                                                                    \
    } while (0)

static int read_one(struct fluvio_consumer *consumer, const char *expected) {
    struct fluvio_stream *stream = NULL;
    CHECK(fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream));
    struct fluvio_record *record = NULL;
    CHECK(fluvio_stream_next(stream, 10000, &record));
    int same = strcmp(fluvio_record_value_str(record), expected) == 0;
    if (!same) fprintf(stderr, "read %s, expected %s\n", fluvio_record_value_str(record), expected);
    fluvio_record_free(record);
    fluvio_stream_free(stream);
    checks++;
    return same ? 0 : 1;
}

int main(void) {
    struct fluvio_local_cluster *cluster = NULL;
    CHECK(fluvio_local_cluster_start(NULL, &cluster));
    struct fluvio_client *client = NULL;
    CHECK(fluvio_connect(fluvio_local_cluster_endpoint(cluster), &client));
    CHECK(fluvio_topic_create(client, "old-names", 1, 1));

    struct fluvio_producer *producer = NULL;
    CHECK(fluvio_topic_producer(client, "old-names", NULL, &producer));
    CHECK(fluvio_producer_send(producer, NULL, 0, "first", 5));
    CHECK(fluvio_flush(producer));
    CHECK(fluvio_producer_send(producer, NULL, 0, "second", 6));
    CHECK(fluvio_flush_timeout(producer, 10000));
    fluvio_producer_free(producer);

    struct fluvio_consumer *consumer = NULL;
    CHECK(fluvio_consumer(client, "old-names", 0, &consumer));
    if (read_one(consumer, "first") != 0) return 1;
    fluvio_consumer_free(consumer);
    consumer = NULL;
    CHECK(fluvio_consumer_with_config(client, "old-names", NULL, &consumer));
    if (read_one(consumer, "first") != 0) return 1;
    fluvio_consumer_free(consumer);

    fluvio_client_free(client);
    CHECK(fluvio_local_cluster_stop(cluster));
    printf("deprecated_names: all %d checks passed\n", checks);
    return 0;
}
