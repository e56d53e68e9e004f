/* produce: producer throughput through the C API.
 *
 *   produce endpoint=HOST:PORT topic=T count=N size=BYTES codec=none|gzip|snappy|lz4|zstd
 *           [mode=send|batch|reports] [batch_records=1024] [linger_ms=10] [batch_bytes=16384]
 *
 * mode=send calls fluvio_producer_send once per record; mode=batch hands
 * batch_records records at a time to fluvio_producer_send_batch;
 * mode=reports is mode=send with a delivery-report callback, each record
 * sent with fluvio_producer_send_opaque and the reports served by
 * fluvio_producer_poll(producer, 0, NULL) every REPORT_POLL_EVERY sends (as
 * librdkafka programs call rd_kafka_poll), the rest by the flush; it checks
 * that reports come in send order, so it wants a one-partition topic. Timed
 * from the first send to the return of fluvio_producer_flush (every record
 * acknowledged). Prints elapsed_s (send + flush), send_s (the send calls
 * alone, with the polls), cpu_s (user + system over the same span),
 * poll_s and polled (mode=reports: the time inside the send loop's polls and
 * the reports they served) and the peak RSS. */
#include "common.h"

#define REPORT_POLL_EVERY 1024

/* What the delivery-report callback saw. */
struct reports_seen {
    size_t delivered;
    size_t failed;
    uintptr_t next_opaque; /* one partition: reports come in send order */
    size_t out_of_order;
};

static void count_report(void *user_data, const struct fluvio_delivery_report *report) {
    struct reports_seen *seen = user_data;
    if (report->status == FLUVIO_OK) {
        seen->delivered++;
    } else {
        seen->failed++;
    }
    if ((uintptr_t)report->opaque != seen->next_opaque) seen->out_of_order++;
    seen->next_opaque = (uintptr_t)report->opaque + 1;
}

int main(int argc, char **argv) {
    const char *endpoint = arg(argc, argv, "endpoint", NULL);
    const char *topic = arg(argc, argv, "topic", NULL);
    size_t count = (size_t)arg_int(argc, argv, "count", NULL);
    size_t size = (size_t)arg_int(argc, argv, "size", NULL);
    fluvio_compression codec = codec_of(arg(argc, argv, "codec", "none"));
    const char *mode = arg(argc, argv, "mode", "send");
    size_t batch_records = (size_t)arg_int(argc, argv, "batch_records", "1024");
    int32_t linger_ms = (int32_t)arg_int(argc, argv, "linger_ms", "10");
    size_t batch_bytes = (size_t)arg_int(argc, argv, "batch_bytes", "16384");
    int batch_mode = strcmp(mode, "batch") == 0;
    int reports_mode = strcmp(mode, "reports") == 0;
    if (!batch_mode && !reports_mode && strcmp(mode, "send") != 0) {
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
    struct reports_seen seen = {0, 0, 0, 0};
    uint64_t poll_ns = 0; /* time inside the polls of the send loop */
    size_t polled = 0;    /* reports they served */
    if (reports_mode) check("delivery report", fluvio_producer_config_set_delivery_report(config, count_report, &seen));
    struct fluvio_producer *producer = NULL;
    check("producer", fluvio_producer_new(client, topic, config, &producer));
    fluvio_producer_config_free(config);

    struct fluvio_record_in *records = NULL;
    if (batch_mode) {
        records = calloc(batch_records, sizeof *records);
        if (records == NULL) return 1;
    }

    uint64_t start = now_ns();
    double cpu_start = cpu_seconds();
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
    } else if (reports_mode) {
        for (size_t i = 0; i < count; i++) {
            check("send", fluvio_producer_send_opaque(producer, NULL, 0, values + (i % VALUE_POOL) * size, size, (void *)(uintptr_t)i));
            if (i % REPORT_POLL_EVERY == REPORT_POLL_EVERY - 1) {
                size_t served = 0;
                uint64_t before = now_ns();
                check("poll", fluvio_producer_poll(producer, 0, &served));
                poll_ns += now_ns() - before;
                polled += served;
            }
        }
    } else {
        for (size_t i = 0; i < count; i++) {
            check("send", fluvio_producer_send(producer, NULL, 0, values + (i % VALUE_POOL) * size, size));
        }
    }
    uint64_t sent = now_ns();
    check("flush", fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS));
    uint64_t end = now_ns();
    double cpu = cpu_seconds() - cpu_start;
    if (reports_mode && (seen.delivered != count || seen.failed != 0 || seen.out_of_order != 0)) {
        fprintf(stderr, "delivery reports: %zu delivered, %zu failed, %zu out of order, of %zu records\n", seen.delivered,
                seen.failed, seen.out_of_order, count);
        return 1;
    }

    printf("RESULT records=%zu bytes=%zu elapsed_s=%.6f send_s=%.6f cpu_s=%.6f poll_s=%.6f polled=%zu rss_kb=%ld checksum=%016llx\n",
           count, count * size, (end - start) / 1e9, (sent - start) / 1e9, cpu, poll_ns / 1e9, polled, peak_rss_kb(),
           (unsigned long long)checksum);
    fflush(stdout);
    fluvio_producer_free(producer);
    fluvio_client_free(client);
    free(records);
    free(values);
    return 0;
}
