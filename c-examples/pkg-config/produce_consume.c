/* produce_consume: the C program every packaging example builds, here with
 * nothing but pkg-config and an installed libfluvio.
 *
 *   FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume produce TOPIC COUNT
 *   FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume consume TOPIC COUNT
 *
 * produce creates TOPIC (one partition) unless it exists and sends COUNT
 * records, key "key-I" and value "c record I", then flushes. consume reads
 * COUNT records from the beginning of TOPIC, checks that offset I holds key
 * "key-I" and prints each value. Both first print the library's version and
 * fail if the header they were compiled with is another one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fluvio.h>

/* How long consume waits for each record. */
#define RECORD_TIMEOUT_MS 10000

static int fail(const char *what, fluvio_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
    return 1;
}

static int produce(struct fluvio_client *client, const char *topic, int count) {
    fluvio_status status = fluvio_topic_create(client, topic, 1, 1);
    if (status != FLUVIO_OK && status != FLUVIO_ERR_TOPIC_EXISTS) return fail("create topic", status);

    struct fluvio_producer *producer = NULL;
    status = fluvio_producer_new(client, topic, NULL, &producer);
    if (status != FLUVIO_OK) return fail("producer", status);
    for (int i = 0; i < count && status == FLUVIO_OK; i++) {
        char key[32], value[64];
        snprintf(key, sizeof key, "key-%d", i);
        snprintf(value, sizeof value, "c record %d", i);
        status = fluvio_producer_send(producer, key, strlen(key), value, strlen(value));
    }
    /* send() only queues; flush() returns once the cluster has every record. */
    if (status == FLUVIO_OK) status = fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS);
    fluvio_producer_free(producer);
    if (status != FLUVIO_OK) return fail("produce", status);
    printf("produced %d records to %s\n", count, topic);
    return 0;
}

static int consume(struct fluvio_client *client, const char *topic, int count) {
    struct fluvio_consumer *consumer = NULL;
    fluvio_status status = fluvio_consumer_new(client, topic, 0, &consumer);
    if (status != FLUVIO_OK) return fail("consumer", status);
    struct fluvio_stream *stream = NULL;
    status = fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream);
    if (status != FLUVIO_OK) {
        fluvio_consumer_free(consumer);
        return fail("stream", status);
    }

    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        struct fluvio_record *record = NULL;
        status = fluvio_stream_next(stream, RECORD_TIMEOUT_MS, &record);
        if (status != FLUVIO_OK) {
            rc = fail("next", status);
            break;
        }
        char expected_key[32];
        snprintf(expected_key, sizeof expected_key, "key-%d", i);
        size_t key_len = 0;
        const char *key = fluvio_record_key(record, &key_len);
        if (fluvio_record_offset(record) != i || key == NULL || key_len != strlen(expected_key) ||
            memcmp(key, expected_key, key_len) != 0) {
            fprintf(stderr, "record %d: offset %lld, key %.*s; expected %s\n", i,
                    (long long)fluvio_record_offset(record), (int)key_len, key ? key : "(none)", expected_key);
            rc = 1;
        } else {
            printf("%d %s %s\n", i, expected_key, fluvio_record_value_str(record));
        }
        fluvio_record_free(record);
    }
    if (rc == 0) printf("consumed %d records from %s\n", count, topic);
    fluvio_stream_free(stream);
    fluvio_consumer_free(consumer);
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[1], "produce") != 0 && strcmp(argv[1], "consume") != 0) || atoi(argv[3]) < 0) {
        fprintf(stderr, "usage: %s produce|consume TOPIC COUNT\n", argv[0]);
        return 2;
    }
    const char *topic = argv[2];
    int count = atoi(argv[3]);

    char header[32];
    snprintf(header, sizeof header, "%d.%d.%d", FLUVIO_VERSION_MAJOR, FLUVIO_VERSION_MINOR, FLUVIO_VERSION_PATCH);
    printf("libfluvio %s (header %s)\n", fluvio_version(), header);
    if (strcmp(header, fluvio_version()) != 0) {
        fprintf(stderr, "compiled with the header of libfluvio %s but running with %s\n", header, fluvio_version());
        return 1;
    }

    /* NULL: the endpoint in FLUVIO_ENDPOINT, else 127.0.0.1:9003. */
    struct fluvio_client *client = NULL;
    fluvio_status status = fluvio_connect(NULL, &client);
    if (status != FLUVIO_OK) return fail("connect", status);
    int rc = strcmp(argv[1], "produce") == 0 ? produce(client, topic, count) : consume(client, topic, count);
    fluvio_client_free(client);
    return rc;
}
