/* Creates, through the C API, one topic per topic option on the cluster at
 * FLUVIO_ENDPOINT; tests/topic_admin.rs then reads them back with the
 * official Rust client and compares their specs with what each asked for.
 * Exits 1 at the first call that fails. */
#include <stdio.h>
#include <stdlib.h>

#include "fluvio.h"

static void check(const char *what, fluvio_status status) {
    if (status != FLUVIO_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
        exit(1);
    }
}

static struct fluvio_client *g_client;

static void create(const char *topic, struct fluvio_topic_config *config) {
    check(topic, fluvio_topic_create_with_config(g_client, topic, config));
    fluvio_topic_config_free(config);
}

int main(void) {
    check("connect", fluvio_connect(NULL, &g_client));
    struct fluvio_topic_config *c;

    create("defaults", fluvio_topic_config_new());

    c = fluvio_topic_config_new();
    check("partitions", fluvio_topic_config_set_partitions(c, 4));
    check("replication", fluvio_topic_config_set_replication(c, 2));
    check("ignore rack", fluvio_topic_config_set_ignore_rack(c, true));
    create("computed", c);

    c = fluvio_topic_config_new();
    const int32_t first[] = {5002, 5001}, second[] = {5001, 5002};
    check("assign 0", fluvio_topic_config_assign_replicas(c, 0, first, 2));
    check("assign 1", fluvio_topic_config_assign_replicas(c, 1, second, 2));
    create("assigned", c);

    c = fluvio_topic_config_new();
    check("retention", fluvio_topic_config_set_retention_secs(c, 3600));
    create("retention", c);

    c = fluvio_topic_config_new();
    check("segment", fluvio_topic_config_set_segment_size(c, 4096));
    check("max partition", fluvio_topic_config_set_max_partition_size(c, 65536));
    create("storage", c);

    c = fluvio_topic_config_new();
    check("compression", fluvio_topic_config_set_compression(c, FLUVIO_COMPRESSION_ZSTD));
    create("compressed", c);

    c = fluvio_topic_config_new();
    check("system", fluvio_topic_config_set_system(c, true));
    create("hidden", c);

    c = fluvio_topic_config_new();
    check("dedup", fluvio_topic_config_set_deduplication(c, 100, 60000, "test/dedup-keys@0.1.0"));
    check("dedup param", fluvio_topic_config_add_deduplication_param(c, "mode", "strict"));
    create("deduplicated", c);

    fluvio_client_free(g_client);
    puts("created");
    return 0;
}
