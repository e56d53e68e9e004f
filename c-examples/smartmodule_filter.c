/* smartmodule_filter: produces the numbers 0..19 to a topic, then reads them
 * back through a SmartModule filter that the SPU runs (it keeps the even
 * numbers): first ad hoc (the .wasm sent with the stream request), then by
 * name (the module stored on the cluster first).
 *
 * The filter is smartmodule/filter_even.c, compiled to wasm by the Makefile
 * with clang --target=wasm32.
 *
 *   FLUVIO_ENDPOINT=127.0.0.1:9003 ./smartmodule_filter build/filter_even.wasm [topic] */
#include <stdio.h>
#include <string.h>

#include "fluvio.h"

static int fail(const char *what, fluvio_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
    return 1;
}

/* Prints what `topic` holds once `sm` has run on it; returns the count. */
static int read_through(struct fluvio_client *client, const char *topic, const struct fluvio_smartmodule *sm) {
    struct fluvio_consumer_config *config = fluvio_consumer_config_new();
    fluvio_consumer_config_set_continuous(config, false); /* stop at the end */
    fluvio_status status = fluvio_consumer_config_add_smartmodule(config, sm);
    struct fluvio_consumer *consumer = NULL;
    if (status == FLUVIO_OK) status = fluvio_consumer_new_with_config(client, topic, config, &consumer);
    fluvio_consumer_config_free(config);
    if (status != FLUVIO_OK) return -fail("consumer", status);
    struct fluvio_stream *stream = NULL;
    status = fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream);
    if (status != FLUVIO_OK) {
        fluvio_consumer_free(consumer);
        return -fail("stream", status);
    }
    int count = 0;
    struct fluvio_record *record = NULL;
    while ((status = fluvio_stream_next(stream, 5000, &record)) == FLUVIO_OK) {
        printf("  offset %2lld  %s\n", (long long)fluvio_record_offset(record), fluvio_record_value_str(record));
        fluvio_record_free(record);
        count++;
    }
    /* A module that fails ends the stream with FLUVIO_ERR_SMARTMODULE. */
    if (status != FLUVIO_END_OF_STREAM) count = -fail("next", status);
    fluvio_stream_free(stream);
    fluvio_consumer_free(consumer);
    return count;
}

int main(int argc, char **argv) {
    const char *wasm = argc > 1 ? argv[1] : "build/filter_even.wasm";
    const char *topic = argc > 2 ? argv[2] : "numbers";

    struct fluvio_client *client = NULL;
    fluvio_status status = fluvio_connect(NULL, &client);
    if (status != FLUVIO_OK) return fail("connect", status);
    status = fluvio_topic_create(client, topic, 1, 1);
    if (status != FLUVIO_OK && status != FLUVIO_ERR_TOPIC_EXISTS) return fail("create topic", status);

    struct fluvio_producer *producer = NULL;
    status = fluvio_producer_new(client, topic, NULL, &producer);
    if (status != FLUVIO_OK) return fail("producer", status);
    for (int i = 0; i < 20; i++) {
        char value[16];
        snprintf(value, sizeof value, "%d", i);
        status = fluvio_producer_send(producer, NULL, 0, value, strlen(value));
        if (status != FLUVIO_OK) return fail("send", status);
    }
    status = fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS);
    fluvio_producer_free(producer);
    if (status != FLUVIO_OK) return fail("flush", status);

    /* Ad hoc: the wasm travels (gzipped) with the stream request. */
    struct fluvio_smartmodule *adhoc = NULL;
    status = fluvio_smartmodule_from_wasm_file(wasm, &adhoc);
    if (status != FLUVIO_OK) return fail("load the filter", status);
    printf("through %s, ad hoc:\n", wasm);
    int kept = read_through(client, topic, adhoc);
    fluvio_smartmodule_free(adhoc);
    if (kept < 0) return 1;
    printf("kept %d of 20 records\n", kept);

    /* By name: stored on the cluster once, named by every stream after. */
    status = fluvio_smartmodule_create_from_file(client, "even-filter", wasm, NULL);
    if (status != FLUVIO_OK) return fail("store the filter", status);
    struct fluvio_smartmodule *named = NULL;
    status = fluvio_smartmodule_named("even-filter", &named);
    if (status != FLUVIO_OK) return fail("name the filter", status);
    printf("through the stored SmartModule even-filter:\n");
    int kept_by_name = read_through(client, topic, named);
    fluvio_smartmodule_free(named);
    status = fluvio_smartmodule_delete(client, "even-filter");
    fluvio_client_free(client);
    if (kept_by_name < 0) return 1;
    if (status != FLUVIO_OK) return fail("delete the filter", status);
    printf("kept %d of 20 records\n", kept_by_name);
    return kept == 10 && kept_by_name == 10 ? 0 : 1;
}
