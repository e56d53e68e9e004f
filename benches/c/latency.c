/* latency: produce→consume latency of single records through the C API.
 *
 *   latency endpoint=HOST:PORT topic=T samples=N size=BYTES [warmup=100]
 *
 * A producer with linger 0 and a stream opened at the end of partition 0
 * (of a 1-partition topic): each sample sends one record and waits until
 * the stream hands it out. The first `warmup` round trips are not counted.
 * Prints p50_us, p99_us, p999_us (nearest rank) and mean_us. */
#include "common.h"

#include <math.h>

static int compare(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static double percentile_us(const uint64_t *sorted, size_t n, double p) {
    size_t rank = (size_t)ceil(n * p);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1] / 1e3;
}

int main(int argc, char **argv) {
    const char *endpoint = arg(argc, argv, "endpoint", NULL);
    const char *topic = arg(argc, argv, "topic", NULL);
    size_t samples = (size_t)arg_int(argc, argv, "samples", NULL);
    size_t size = (size_t)arg_int(argc, argv, "size", "100");
    size_t warmup = (size_t)arg_int(argc, argv, "warmup", "100");

    uint64_t checksum = 0;
    unsigned char *values = make_values(size, &checksum);
    struct fluvio_client *client = NULL;
    check("connect", fluvio_connect(endpoint, &client));
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    check("linger", fluvio_producer_config_set_linger_ms(config, 0));
    struct fluvio_producer *producer = NULL;
    check("producer", fluvio_producer_new(client, topic, config, &producer));
    fluvio_producer_config_free(config);
    struct fluvio_consumer *consumer = NULL;
    check("consumer", fluvio_consumer_new(client, topic, 0, &consumer));
    struct fluvio_stream *stream = NULL;
    check("stream", fluvio_consumer_stream(consumer, fluvio_offset_end(), &stream));

    uint64_t *latencies = malloc(samples * sizeof *latencies);
    if (latencies == NULL) return 1;
    uint64_t total = 0;
    for (size_t i = 0; i < warmup + samples; i++) {
        const unsigned char *value = values + (i % VALUE_POOL) * size;
        uint64_t t0 = now_ns();
        check("send", fluvio_producer_send(producer, NULL, 0, value, size));
        struct fluvio_record *record = NULL;
        check("next", fluvio_stream_next(stream, 10000, &record));
        uint64_t t1 = now_ns();
        size_t len = 0;
        const void *got = fluvio_record_value(record, &len);
        if (len != size || memcmp(got, value, size) != 0) {
            fprintf(stderr, "round trip %zu: another record came back\n", i);
            return 1;
        }
        fluvio_record_free(record);
        if (i >= warmup) {
            latencies[i - warmup] = t1 - t0;
            total += t1 - t0;
        }
    }
    qsort(latencies, samples, sizeof *latencies, compare);
    printf("RESULT samples=%zu p50_us=%.1f p99_us=%.1f p999_us=%.1f mean_us=%.1f rss_kb=%ld\n", samples,
           percentile_us(latencies, samples, 0.50), percentile_us(latencies, samples, 0.99),
           percentile_us(latencies, samples, 0.999), total / 1e3 / samples, peak_rss_kb());
    fflush(stdout);
    fluvio_stream_free(stream);
    fluvio_consumer_free(consumer);
    fluvio_producer_free(producer);
    fluvio_client_free(client);
    free(latencies);
    free(values);
    return 0;
}
