/* custom_partitioner: chooses each record's partition with a C callback.
 * Here: values starting with a digit go to partition 0, the rest to 1.
 *
 *   FLUVIO_ENDPOINT=127.0.0.1:9003 ./custom_partitioner [topic] */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fluvio.h"

/* Called on the thread that sends; `user_data` is what we registered. */
static uint32_t digits_first(void *user_data, const void *key, size_t key_len,
                             const void *value, size_t value_len, uint32_t partition_count) {
    unsigned *calls = user_data;
    (void)key;
    (void)key_len;
    (*calls)++;
    const unsigned char *bytes = value;
    uint32_t partition = (value_len > 0 && isdigit(bytes[0])) ? 0 : 1;
    return partition % partition_count;
}

static int fail(const char *what, fluvio_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
    return 1;
}

int main(int argc, char **argv) {
    const char *topic = argc > 1 ? argv[1] : "sorted";
    const char *values[] = {"42 is a number", "apples", "7 days", "zebra"};
    enum { N = sizeof values / sizeof values[0] };

    struct fluvio_client *client = NULL;
    fluvio_status status = fluvio_connect(NULL, &client);
    if (status != FLUVIO_OK) return fail("connect", status);
    status = fluvio_topic_create(client, topic, 2, 1);
    if (status != FLUVIO_OK && status != FLUVIO_ERR_TOPIC_EXISTS) {
        fluvio_client_free(client);
        return fail("create topic", status);
    }

    unsigned calls = 0;
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    fluvio_producer_config_set_partitioner(config, digits_first, &calls);
    fluvio_producer_config_set_linger_ms(config, 0);
    struct fluvio_producer *producer = NULL;
    status = fluvio_producer_new(client, topic, config, &producer);
    fluvio_producer_config_free(config);
    if (status != FLUVIO_OK) {
        fluvio_client_free(client);
        return fail("producer", status);
    }

    struct fluvio_delivery *deliveries[N] = {0};
    for (int i = 0; i < N && status == FLUVIO_OK; i++) {
        status = fluvio_producer_send_with_delivery(producer, NULL, 0, values[i], strlen(values[i]), &deliveries[i]);
    }
    if (status == FLUVIO_OK) status = fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS);
    for (int i = 0; i < N && status == FLUVIO_OK; i++) {
        uint32_t partition;
        int64_t offset;
        status = fluvio_delivery_wait(deliveries[i], 5000, &partition, &offset);
        if (status == FLUVIO_OK) printf("%-16s -> partition %u offset %lld\n", values[i], partition, (long long)offset);
    }
    printf("the partitioner was called %u times\n", calls);
    int rc = status == FLUVIO_OK ? 0 : fail("produce", status);

    for (int i = 0; i < N; i++) fluvio_delivery_free(deliveries[i]);
    fluvio_producer_free(producer);
    fluvio_client_free(client);
    return rc;
}
