/* Starts the embedded Fluvio cluster from C, prints its endpoint, stops it.
 *
 * The cluster speaks the real Fluvio protocol: while it runs, any Fluvio
 * client (this library, the official CLI, Rust or Python clients) can
 * connect to the printed endpoint. */
#include <stdio.h>

#include "fluvio.h"

static int fail(const char *what, fluvio_status status) {
    fprintf(stderr, "%s failed: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
    return 1;
}

int main(void) {
    /* Two SPUs: partitions' leaders are spread over them. No data directory
     * is set, so the cluster uses a fresh temporary one, removed on stop. */
    struct fluvio_local_config *config = fluvio_local_config_new();
    fluvio_status status = fluvio_local_config_set_spus(config, 2);
    if (status != FLUVIO_OK) {
        fluvio_local_config_free(config);
        return fail("fluvio_local_config_set_spus", status);
    }

    struct fluvio_local_cluster *cluster = NULL;
    status = fluvio_local_cluster_start(config, &cluster);
    fluvio_local_config_free(config); /* the cluster keeps its own copy */
    if (status != FLUVIO_OK) {
        return fail("fluvio_local_cluster_start", status);
    }
    printf("local cluster serving on %s\n", fluvio_local_cluster_endpoint(cluster));

    /* Misuse is reported, not crashed on. */
    status = fluvio_local_cluster_start(NULL, NULL);
    printf("start with a NULL out-pointer: %s (%s)\n", fluvio_status_str(status), fluvio_last_error());

    status = fluvio_local_cluster_stop(cluster);
    if (status != FLUVIO_OK) {
        return fail("fluvio_local_cluster_stop", status);
    }
    printf("local cluster stopped\n");
    return 0;
}
