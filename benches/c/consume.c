/* consume: consumer throughput through the C API.
 *
 *   consume endpoint=HOST:PORT topic=T count=N [mode=stream|buffered|buffered_batch]
 *           [pause_ms=50] [batch_max=64] [smartmodule=FILE.wasm last_offset=L]
 *
 * Reads partition 0 of `topic` from the beginning until `count` records
 * arrived (each value read, each record freed); the last must have offset
 * count-1, or `last_offset` when a filter SmartModule (an ad-hoc module
 * from FILE.wasm, run by the SPU) drops records.
 *
 * mode=stream: fluvio_stream_next waits for every record; timed from
 * opening the stream to the last record. Prints elapsed_s.
 *
 * mode=buffered: the cost of fluvio_stream_next on records already in the
 * stream's buffer. Repeatedly pauses pause_ms (the stream fetches and
 * queues meanwhile), then takes records with timeout 0 until none is left;
 * only those drains are timed. Prints busy_s (time in the drains) and
 * drains.
 *
 * mode=buffered_batch: as buffered, the drains taking up to batch_max
 * records a call with fluvio_stream_next_batch.
 *
 * Both print cpu_s: the user + system CPU time the process spent from
 * opening the stream to the last record. */
#include "common.h"

int main(int argc, char **argv) {
    const char *endpoint = arg(argc, argv, "endpoint", NULL);
    const char *topic = arg(argc, argv, "topic", NULL);
    long long count = arg_int(argc, argv, "count", NULL);
    const char *mode = arg(argc, argv, "mode", "stream");
    long pause_ms = (long)arg_int(argc, argv, "pause_ms", "50");
    const char *smartmodule = arg(argc, argv, "smartmodule", "");
    long long expected_last = smartmodule[0] ? arg_int(argc, argv, "last_offset", NULL) : count - 1;
    size_t batch_max = (size_t)arg_int(argc, argv, "batch_max", "64");
    int batched = strcmp(mode, "buffered_batch") == 0;
    int buffered = batched || strcmp(mode, "buffered") == 0;
    if (!buffered && strcmp(mode, "stream") != 0) {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }

    struct fluvio_client *client = NULL;
    check("connect", fluvio_connect(endpoint, &client));
    struct fluvio_consumer *consumer = NULL;
    if (smartmodule[0]) {
        struct fluvio_smartmodule *filter = NULL;
        check("smartmodule", fluvio_smartmodule_from_wasm_file(smartmodule, &filter));
        check("kind", fluvio_smartmodule_set_kind(filter, FLUVIO_SMARTMODULE_KIND_FILTER));
        struct fluvio_consumer_config *config = fluvio_consumer_config_new();
        check("add smartmodule", fluvio_consumer_config_add_smartmodule(config, filter));
        fluvio_smartmodule_free(filter);
        check("consumer", fluvio_consumer_new_with_config(client, topic, config, &consumer));
        fluvio_consumer_config_free(config);
    } else {
        check("consumer", fluvio_consumer_new(client, topic, 0, &consumer));
    }

    long long seen = 0, drains = 0;
    size_t bytes = 0;
    int64_t last_offset = -1;
    uint64_t busy = 0;
    uint64_t start = now_ns();
    double cpu_start = cpu_seconds();
    struct fluvio_stream *stream = NULL;
    check("stream", fluvio_consumer_stream(consumer, fluvio_offset_beginning(), &stream));
    if (!buffered) {
        while (seen < count) {
            struct fluvio_record *record = NULL;
            check("next", fluvio_stream_next(stream, 30000, &record));
            size_t len = 0;
            fluvio_record_value(record, &len);
            bytes += len;
            last_offset = fluvio_record_offset(record);
            fluvio_record_free(record);
            seen++;
        }
    } else if (batched) {
        struct fluvio_record **batch = calloc(batch_max, sizeof *batch);
        if (batch == NULL) return 1;
        while (seen < count) {
            sleep_ms(pause_ms);
            fluvio_status status;
            size_t n = 0;
            uint64_t t0 = now_ns();
            while ((status = fluvio_stream_next_batch(stream, batch, batch_max, 0, &n)) == FLUVIO_OK) {
                for (size_t i = 0; i < n; i++) {
                    size_t len = 0;
                    fluvio_record_value(batch[i], &len);
                    bytes += len;
                    last_offset = fluvio_record_offset(batch[i]);
                    fluvio_record_free(batch[i]);
                }
                seen += (long long)n;
            }
            busy += now_ns() - t0;
            drains++;
            if (status != FLUVIO_ERR_TIMEOUT) check("next batch", status);
        }
        free(batch);
    } else {
        while (seen < count) {
            sleep_ms(pause_ms);
            struct fluvio_record *record = NULL;
            fluvio_status status;
            uint64_t t0 = now_ns();
            while ((status = fluvio_stream_next(stream, 0, &record)) == FLUVIO_OK) {
                size_t len = 0;
                fluvio_record_value(record, &len);
                bytes += len;
                last_offset = fluvio_record_offset(record);
                fluvio_record_free(record);
                seen++;
            }
            busy += now_ns() - t0;
            drains++;
            if (status != FLUVIO_ERR_TIMEOUT) check("next", status);
        }
    }
    uint64_t end = now_ns();
    double cpu = cpu_seconds() - cpu_start;
    if (last_offset != expected_last) {
        fprintf(stderr, "the last record has offset %lld, expected %lld\n", (long long)last_offset, expected_last);
        return 1;
    }

    printf("RESULT records=%lld bytes=%zu elapsed_s=%.6f busy_s=%.6f drains=%lld cpu_s=%.6f rss_kb=%ld\n", seen, bytes,
           (end - start) / 1e9, busy / 1e9, drains, cpu, peak_rss_kb());
    fflush(stdout);
    fluvio_stream_free(stream);
    fluvio_consumer_free(consumer);
    fluvio_client_free(client);
    return 0;
}
