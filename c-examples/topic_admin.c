/* topic_admin: what an operator looks at. Creates a topic with options
 * (partitions, retention, segment and partition sizes, a mandated codec),
 * describes it, adds a partition, lists the partitions of a topic with
 * their offsets and sizes, the SPUs, and a named consumer's lag.
 *
 *   FLUVIO_ENDPOINT=127.0.0.1:9003 ./topic_admin [new-topic] [topic] [consumer-id] */
#include <stdio.h>

#include "fluvio.h"

static int fail(const char *what, fluvio_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
    return 1;
}

static const char *topic_status_name(fluvio_topic_status status) {
    switch (status) {
    case FLUVIO_TOPIC_STATUS_PROVISIONED: return "provisioned";
    case FLUVIO_TOPIC_STATUS_PENDING: return "pending";
    case FLUVIO_TOPIC_STATUS_INSUFFICIENT_RESOURCES: return "insufficient resources";
    case FLUVIO_TOPIC_STATUS_INVALID_CONFIG: return "invalid config";
    case FLUVIO_TOPIC_STATUS_DELETING: return "deleting";
    default: return "initializing";
    }
}

/* Indexed by FLUVIO_COMPRESSION_* (FLUVIO_COMPRESSION_ANY is the last). */
static const char *const CODECS[] = {"none", "gzip", "snappy", "lz4", "zstd", "any"};

static int describe(struct fluvio_client *client, const char *topic) {
    struct fluvio_topic_list *topics = NULL;
    fluvio_status status = fluvio_topic_describe(client, topic, &topics);
    if (status != FLUVIO_OK) return fail("describe", status);
    const struct fluvio_topic_info *t = fluvio_topic_list_get(topics, 0);
    printf("topic %s: %u partitions, replication %u, retention %u s, segment %u B, max partition %llu B, "
           "compression %s, %s\n",
           t->name, t->partitions, t->replication, t->retention_secs, t->segment_size,
           (unsigned long long)t->max_partition_size, t->compression <= FLUVIO_COMPRESSION_ANY ? CODECS[t->compression] : "?",
           topic_status_name(t->status));
    fluvio_topic_list_free(topics);
    return 0;
}

static int list_partitions(struct fluvio_client *client, const char *topic) {
    struct fluvio_partition_list *partitions = NULL;
    fluvio_status status = fluvio_partition_list(client, topic, &partitions);
    if (status != FLUVIO_OK) return fail("partition list", status);
    printf("partitions of %s:\n", topic);
    for (size_t i = 0; i < fluvio_partition_list_count(partitions); i++) {
        const struct fluvio_partition_info *p = fluvio_partition_list_get(partitions, i);
        printf("  %s-%u  leader %d  replicas %zu  %s  log end %lld  high watermark %lld  size %lld B\n", p->topic,
               p->partition, p->leader, p->replica_count,
               p->status == FLUVIO_PARTITION_STATUS_ONLINE ? "online" : "not online", (long long)p->log_end_offset,
               (long long)p->high_watermark, (long long)p->size);
    }
    fluvio_partition_list_free(partitions);
    return 0;
}

static int list_spus(struct fluvio_client *client) {
    struct fluvio_spu_list *spus = NULL;
    fluvio_status status = fluvio_spu_list(client, &spus);
    if (status != FLUVIO_OK) return fail("spu list", status);
    for (size_t i = 0; i < fluvio_spu_list_count(spus); i++) {
        const struct fluvio_spu_info *s = fluvio_spu_list_get(spus, i);
        printf("SPU %d at %s: %s, %s\n", s->id, s->public_endpoint,
               s->status == FLUVIO_SPU_STATUS_ONLINE ? "online" : "offline", s->custom ? "custom" : "managed");
    }
    fluvio_spu_list_free(spus);
    return 0;
}

static int show_lag(struct fluvio_client *client, const char *consumer_id, const char *topic) {
    struct fluvio_consumer_lag_list *lags = NULL;
    fluvio_status status = fluvio_consumer_lag_list(client, consumer_id, topic, &lags);
    if (status != FLUVIO_OK) return fail("lag", status);
    long long total = 0;
    for (size_t i = 0; i < fluvio_consumer_lag_list_count(lags); i++) {
        const struct fluvio_consumer_lag *l = fluvio_consumer_lag_list_get(lags, i);
        printf("lag of %s in %s-%u: committed %lld, high watermark %lld, lag %lld\n", l->consumer_id, l->topic,
               l->partition, (long long)l->offset, (long long)l->high_watermark, (long long)l->lag);
        total += l->lag;
    }
    printf("%s is %lld records behind in %s\n", consumer_id, total, topic);
    fluvio_consumer_lag_list_free(lags);
    return 0;
}

int main(int argc, char **argv) {
    const char *new_topic = argc > 1 ? argv[1] : "orders";
    const char *topic = argc > 2 ? argv[2] : "greetings";
    const char *consumer_id = argc > 3 ? argv[3] : "reader";

    struct fluvio_client *client = NULL;
    fluvio_status status = fluvio_connect(NULL, &client);
    if (status != FLUVIO_OK) return fail("connect", status);

    char *version = NULL;
    if (fluvio_client_platform_version(client, &version) == FLUVIO_OK) {
        printf("cluster platform version %s\n", version);
        fluvio_string_free(version);
    }

    /* Two partitions; a week of retention in segments of 1 MiB, at most
     * 16 MiB per partition; every batch must be LZ4. */
    struct fluvio_topic_config *config = fluvio_topic_config_new();
    fluvio_topic_config_set_partitions(config, 2);
    fluvio_topic_config_set_retention_secs(config, 7 * 24 * 3600);
    fluvio_topic_config_set_segment_size(config, 1 << 20);
    fluvio_topic_config_set_max_partition_size(config, 16 << 20);
    fluvio_topic_config_set_compression(config, FLUVIO_COMPRESSION_LZ4);
    status = fluvio_topic_create_with_config(client, new_topic, config);
    fluvio_topic_config_free(config);
    if (status != FLUVIO_OK) {
        fluvio_client_free(client);
        return fail("create", status);
    }

    int failed = describe(client, new_topic);
    status = fluvio_topic_add_partitions(client, new_topic, 1);
    if (status != FLUVIO_OK) failed = fail("add partitions", status);
    else printf("added a partition to %s\n", new_topic);
    failed = failed || describe(client, new_topic) || list_partitions(client, new_topic) ||
             list_partitions(client, topic) || list_spus(client) || show_lag(client, consumer_id, topic);

    fluvio_client_free(client);
    return failed;
}
