/* resumable_consumer: a named consumer that continues where it stopped.
 * Each run reads at most MAX records that this consumer id has not read
 * yet (from every partition), commits them and flushes the commit to the
 * cluster, so the next run with the same id starts right after. It stops
 * early when it reaches the end of what the topic holds.
 *
 *   FLUVIO_ENDPOINT=127.0.0.1:9003 ./resumable_consumer [topic] [consumer-id] [max] */
#include <stdio.h>
#include <stdlib.h>

#include "fluvio.h"

static int fail(const char *what, fluvio_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
    return 1;
}

int main(int argc, char **argv) {
    const char *topic = argc > 1 ? argv[1] : "greetings";
    const char *consumer_id = argc > 2 ? argv[2] : "resumable";
    int max = argc > 3 ? atoi(argv[3]) : 10;

    struct fluvio_client *client = NULL;
    fluvio_status status = fluvio_connect(NULL, &client);
    if (status != FLUVIO_OK) return fail("connect", status);

    /* A named consumer with manual commits, reading what the topic holds now.
     * (FLUVIO_OFFSET_STRATEGY_AUTO would commit every record it hands out,
     * and flush periodically and in fluvio_stream_free.) */
    struct fluvio_consumer_config *config = fluvio_consumer_config_new();
    fluvio_consumer_config_set_consumer_id(config, consumer_id);
    fluvio_consumer_config_set_offset_strategy(config, FLUVIO_OFFSET_STRATEGY_MANUAL);
    fluvio_consumer_config_set_continuous(config, false);

    struct fluvio_consumer *consumer = NULL;
    status = fluvio_consumer_new_with_config(client, topic, config, &consumer);
    fluvio_consumer_config_free(config);
    if (status != FLUVIO_OK) {
        fluvio_client_free(client);
        return fail("consumer", status);
    }

    /* With a stored offset, "beginning" means: right after the last record
     * this consumer committed. Without one, the partition's beginning. */
    struct fluvio_stream *stream = NULL;
    status = fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream);
    fluvio_consumer_free(consumer);
    if (status != FLUVIO_OK) {
        fluvio_client_free(client);
        return fail("stream", status);
    }

    int count = 0;
    while (count < max) {
        struct fluvio_record *record = NULL;
        status = fluvio_stream_next(stream, 10000, &record);
        if (status == FLUVIO_END_OF_STREAM) break; /* read everything there is */
        if (status != FLUVIO_OK) break;
        printf("resumable: partition %u offset %lld %s\n", fluvio_record_partition(record),
               (long long)fluvio_record_offset(record), fluvio_record_value_str(record));
        fluvio_record_free(record);
        count++;
    }
    if (status == FLUVIO_OK || status == FLUVIO_END_OF_STREAM) {
        /* Commit what was read, and store it on the cluster. */
        status = fluvio_stream_commit(stream);
        if (status == FLUVIO_OK) status = fluvio_stream_flush(stream, 10000);
    }
    fluvio_stream_free(stream);
    if (status != FLUVIO_OK) {
        fluvio_client_free(client);
        return fail("read and commit", status);
    }
    printf("%s read %d records from %s\n", consumer_id, count, topic);

    /* What the cluster now stores for this consumer. */
    struct fluvio_consumer_offset_list *offsets = NULL;
    status = fluvio_consumer_offset_list(client, consumer_id, topic, &offsets);
    if (status != FLUVIO_OK) {
        fluvio_client_free(client);
        return fail("list offsets", status);
    }
    for (size_t i = 0; i < fluvio_consumer_offset_list_count(offsets); i++) {
        printf("%s resumes partition %u after offset %lld\n", consumer_id, fluvio_consumer_offset_list_partition(offsets, i),
               (long long)fluvio_consumer_offset_list_offset(offsets, i));
    }
    fluvio_consumer_offset_list_free(offsets);
    fluvio_client_free(client);
    return 0;
}
