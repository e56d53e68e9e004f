/* produce: producer throughput through the C API.
 *
 *   produce endpoint=HOST:PORT topic=T count=N size=BYTES codec=none|gzip|snappy|lz4|zstd
 *           [mode=send|batch] [batch_records=1024] [linger_ms=10] [batch_bytes=16384]
 *
 * mode=send calls fluvio_producer_send once per record; mode=batch hands
 * batch_records records at a time to fluvio_producer_send_batch. Timed from
 * the first send to the return of fluvio_flush (every record acknowledged).
 * Prints elapsed_s (send + flush), send_s (the send calls alone) and the
 * peak RSS. */
#include "common.h"

int main(int argc, char **argv) {
    const char *endpoint = arg(argc, argv, "endpoint", NULL);
    const char *topic = arg(argc, argv, "topic", NULL);
    size_t count = (size_t)arg_int(argc, argv, "count", NULL);
    size_t size = (size_t)arg_int(argc, argv, "size", NULL);
    fluvio_compression codec = codec_of(arg(argc, argv, "codec", "none"));
    const char *mode = arg(argc, argv, "mode", "send");
    size_t batch_records = (size_t)arg_int(argc, argv, "batch_records", "1024");
    uint64_t linger_ms = (uint64_t)arg_int(argc, argv, "linger_ms", "10");
    size_t batch_bytes = (size_t)arg_int(argc, argv, "batch_bytes", "16384");
    int batch_mode = strcmp(mode, "batch") == 0;
    if (!batch_mode && strcmp(mode, "send") != 0) {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }

    uint64_t checksum = 0;
    unsigned char *values = make_values(size, &checksum);

    struct fluvio_client *client = NULL;
    check("connect", fluvio_connect(endpoint, &client));
    struct fluvio_producer_config *config = fluvio_producer_config_new();
    check("batch size", fluvio_producer_config_set_batch_size(config, batch_bytes));
    check("linger", fluvio_producer_config_set_linger_ms(config, linger_ms));
    check("compression", fluvio_producer_config_set_compression(config, codec));
    struct fluvio_producer *producer = NULL;
    check("producer", fluvio_topic_producer(client, topic, config, &producer));
    fluvio_producer_config_free(config);

    struct fluvio_record_in *records = NULL;
    if (batch_mode) {
        records = calloc(batch_records, sizeof *records);
        if (records == NULL) return 1;
    }

    uint64_t start = now_ns();
    if (batch_mode) {
        for (size_t i = 0; i < count; i += batch_records) {
            size_t n = count - i < batch_records ? count - i : batch_records;
            for (size_t j = 0; j < n; j++) {
                records[j].value = values + ((i + j) % VALUE_POOL) * size;
                records[j].value_len = size;
            }
            size_t sent = 0;
            check("send batch", fluvio_producer_send_batch(producer, records, n, &sent));
        }
    } else {
        for (size_t i = 0; i < count; i++) {
            check("send", fluvio_producer_send(producer, NULL, 0, values + (i % VALUE_POOL) * size, size));
        }
    }
    uint64_t sent = now_ns();
    check("flush", fluvio_flush(producer));
    uint64_t end = now_ns();

    printf("RESULT records=%zu bytes=%zu elapsed_s=%.6f send_s=%.6f rss_kb=%ld checksum=%016llx\n", count, count * size,
           (end - start) / 1e9, (sent - start) / 1e9, peak_rss_kb(), (unsigned long long)checksum);
    fflush(stdout);
    fluvio_producer_free(producer);
    fluvio_client_free(client);
    free(records);
    free(values);
    return 0;
}
