// quickstart: the whole API in one program. Starts the embedded cluster,
// creates a topic, produces three records, reads them back, stops.
// Against a real cluster, connect to its SC instead (fluvio_connect with
// "host:9003", or NULL for the Fluvio profile) and skip the embedded part.
#include <stdio.h>
#include <string.h>

#include "fluvio.h"

// Prints what failed and why; returns 1, the program's exit status.
static int fail(const char *what, fluvio_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
    return 1;
}

int main(void) {
    // An embedded cluster with the defaults: one SPU, a fresh temporary
    // data directory, a free port on 127.0.0.1.
    struct fluvio_local_cluster *cluster = NULL;
    fluvio_status status = fluvio_local_cluster_start(NULL, &cluster);
    if (status != FLUVIO_OK) return fail("start the cluster", status);

    struct fluvio_client *client = NULL;
    status = fluvio_connect(fluvio_local_cluster_endpoint(cluster), &client);
    if (status != FLUVIO_OK) return fail("connect", status);

    status = fluvio_topic_create(client, "quickstart", 1, 1);
    if (status != FLUVIO_OK) return fail("create the topic", status);

    // NULL settings: batches of 16384 bytes, 100 ms linger, no compression.
    struct fluvio_producer *producer = NULL;
    status = fluvio_producer_new(client, "quickstart", NULL, &producer);
    if (status != FLUVIO_OK) return fail("create the producer", status);
    const char *values[] = {"one", "two", "three"};
    for (int i = 0; i < 3; i++) {
        status = fluvio_producer_send(producer, "n", 1, values[i], strlen(values[i]));
        if (status != FLUVIO_OK) return fail("send", status);
    }
    // Sends what is batched and waits until the cluster stored it.
    status = fluvio_producer_flush(producer, 10000);
    if (status != FLUVIO_OK) return fail("flush", status);
    fluvio_producer_free(producer);

    struct fluvio_consumer *consumer = NULL;
    status = fluvio_consumer_new(client, "quickstart", 0, &consumer);
    if (status != FLUVIO_OK) return fail("create the consumer", status);
    struct fluvio_stream *stream = NULL;
    status = fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream);
    if (status != FLUVIO_OK) return fail("open the stream", status);
    for (int i = 0; i < 3; i++) {
        struct fluvio_record *record = NULL;
        status = fluvio_stream_next(stream, 10000, &record);
        if (status != FLUVIO_OK) return fail("read a record", status);
        printf("offset %lld: %s\n", (long long)fluvio_record_offset(record), fluvio_record_value_str(record));
        fluvio_record_free(record);
    }

    // Everything is freed in reverse order of creation.
    fluvio_stream_free(stream);
    fluvio_consumer_free(consumer);
    fluvio_client_free(client);
    status = fluvio_local_cluster_stop(cluster);
    if (status != FLUVIO_OK) return fail("stop the cluster", status);
    return 0;
}
