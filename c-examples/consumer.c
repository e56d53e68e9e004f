/* consumer: prints the records of every partition of a topic, from the
 * beginning, until none has arrived for two seconds.
 *
 *   FLUVIO_ENDPOINT=127.0.0.1:9003 ./consumer [topic] */
#include <stdio.h>
#include <time.h>

#include "fluvio.h"

static int fail(const char *what, fluvio_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
    return 1;
}

int main(int argc, char **argv) {
    const char *topic = argc > 1 ? argv[1] : "greetings";

    struct fluvio_client *client = NULL;
    fluvio_status status = fluvio_connect(NULL, &client);
    if (status != FLUVIO_OK) return fail("connect", status);

    struct fluvio_consumer *consumer = NULL;
    status = fluvio_consumer_new(client, topic, FLUVIO_ALL_PARTITIONS, &consumer);
    if (status != FLUVIO_OK) {
        fluvio_client_free(client);
        return fail("consumer", status);
    }

    /* Other starts: fluvio_offset_end(), fluvio_offset_absolute(42),
     * fluvio_offset_from_end(10), fluvio_offset_from_beginning(5). */
    struct fluvio_stream *stream = NULL;
    status = fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream);
    if (status != FLUVIO_OK) {
        fluvio_consumer_free(consumer);
        fluvio_client_free(client);
        return fail("stream", status);
    }

    int count = 0;
    for (;;) {
        struct fluvio_record *record = NULL;
        status = fluvio_stream_next(stream, 2000, &record);
        if (status == FLUVIO_ERR_TIMEOUT) break; /* quiet for 2 s: done */
        if (status != FLUVIO_OK) {
            fail("next", status);
            break;
        }
        size_t key_len = 0;
        const char *key = fluvio_record_key(record, &key_len);
        time_t seconds = (time_t)(fluvio_record_timestamp(record) / 1000);
        char when[32];
        strftime(when, sizeof when, "%H:%M:%S", localtime(&seconds));
        printf("partition %u offset %3lld  %-8.*s %s  (%s)\n",
               fluvio_record_partition(record), (long long)fluvio_record_offset(record),
               (int)key_len, key ? key : "-", fluvio_record_value_str(record), when);
        fluvio_record_free(record);
        count++;
    }
    printf("consumed %d records from %s\n", count, topic);

    fluvio_stream_free(stream);
    fluvio_consumer_free(consumer);
    fluvio_client_free(client);
    return status == FLUVIO_ERR_TIMEOUT ? 0 : 1;
}
