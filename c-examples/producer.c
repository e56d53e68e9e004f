/* producer: sends records to a topic and waits until the cluster has them.
 *
 *   FLUVIO_ENDPOINT=127.0.0.1:9003 ./producer [topic] [count] [none|gzip|snappy|lz4|zstd]
 *
 * Without FLUVIO_ENDPOINT it connects to 127.0.0.1:9003. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fluvio.h"

static int fail(const char *what, fluvio_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
    return 1;
}

int main(int argc, char **argv) {
    const char *topic = argc > 1 ? argv[1] : "greetings";
    int count = argc > 2 ? atoi(argv[2]) : 10;
    const char *codec = argc > 3 ? argv[3] : "lz4";
    const char *codecs[] = {"none", "gzip", "snappy", "lz4", "zstd"}; /* FLUVIO_COMPRESSION_* order */
    fluvio_compression compression = 99;
    for (unsigned i = 0; i < sizeof codecs / sizeof codecs[0]; i++) {
        if (strcmp(codec, codecs[i]) == 0) compression = i;
    }

    struct fluvio_client *client = NULL;
    fluvio_status status = fluvio_connect(NULL, &client);
    if (status != FLUVIO_OK) return fail("connect", status);

    /* Create the topic (2 partitions) unless it exists. */
    status = fluvio_topic_create(client, topic, 2, 1);
    if (status != FLUVIO_OK && status != FLUVIO_ERR_TOPIC_EXISTS) {
        fluvio_client_free(client);
        return fail("create topic", status);
    }

    /* Defaults: 16 KiB batches, 100 ms linger, no compression. */
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    status = fluvio_producer_config_set_compression(config, compression);
    if (status != FLUVIO_OK) {
        fluvio_producer_config_free(config);
        fluvio_client_free(client);
        return fail("compression", status);
    }
    struct fluvio_producer *producer = NULL;
    status = fluvio_producer_new(client, topic, config, &producer);
    fluvio_producer_config_free(config); /* the producer keeps a copy */
    if (status != FLUVIO_OK) {
        fluvio_client_free(client);
        return fail("producer", status);
    }

    for (int i = 0; i < count; i++) {
        char key[32], value[64];
        snprintf(key, sizeof key, "user-%d", i % 3);
        snprintf(value, sizeof value, "hello %d", i);
        /* Records with the same key always go to the same partition. */
        status = fluvio_producer_send(producer, key, strlen(key), value, strlen(value));
        if (status != FLUVIO_OK) break;
    }

    /* One more, whose delivery we follow: where did it land? */
    struct fluvio_delivery *delivery = NULL;
    if (status == FLUVIO_OK) {
        const char *last = "goodbye";
        status = fluvio_producer_send_with_delivery(producer, NULL, 0, last, strlen(last), &delivery);
    }
    /* send() only queues; flush() waits until the cluster acknowledged all. */
    if (status == FLUVIO_OK) status = fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS);
    if (status == FLUVIO_OK) {
        uint32_t partition = 0;
        int64_t offset = 0;
        status = fluvio_delivery_wait(delivery, 5000, &partition, &offset);
        if (status == FLUVIO_OK) {
            printf("produced %d records to %s (%s); the last is at partition %u offset %lld\n",
                   count + 1, topic, codec, partition, (long long)offset);
        }
    }
    int rc = status == FLUVIO_OK ? 0 : fail("produce", status);

    fluvio_delivery_free(delivery);
    fluvio_producer_free(producer);
    fluvio_client_free(client);
    return rc;
}
