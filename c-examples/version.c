/* Prints the version of the linked libfluvio and checks it against the
 * header it was compiled with. */
#include <stdio.h>
#include <string.h>

#include "fluvio.h"

int main(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d",
             FLUVIO_VERSION_MAJOR, FLUVIO_VERSION_MINOR, FLUVIO_VERSION_PATCH);
    printf("libfluvio %s\n", fluvio_version());
    if (strcmp(expected, fluvio_version()) != 0) {
        fprintf(stderr, "header is %s but the library is %s\n", expected, fluvio_version());
        return 1;
    }
    /* Every status code has a name. */
    printf("status 0 is %s\n", fluvio_status_str(FLUVIO_OK));
    return 0;
}
