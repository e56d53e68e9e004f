/* Shared by the C benchmark programs: argument parsing, clocks, peak RSS,
 * the record values (the same bytes as benches/throughput.rs makes for the
 * official client), and the RESULT line the driver reads.
 *
 * Arguments are name=value pairs; every program prints one line
 *   RESULT name=value name=value ...
 * on stdout when it succeeds, and exits 1 with a message on stderr when not. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "fluvio.h"

static inline const char *arg(int argc, char **argv, const char *name, const char *fallback) {
    size_t len = strlen(name);
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=') return argv[i] + len + 1;
    }
    if (fallback == NULL) {
        fprintf(stderr, "missing argument %s=...\n", name);
        exit(2);
    }
    return fallback;
}

static inline long long arg_int(int argc, char **argv, const char *name, const char *fallback) {
    return atoll(arg(argc, argv, name, fallback));
}

static inline void check(const char *what, fluvio_status status) {
    if (status != FLUVIO_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, fluvio_status_str(status), fluvio_last_error());
        exit(1);
    }
}

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Peak resident set size of this process, in KiB: VmHWM of /proc/self/status.
 * Not getrusage's ru_maxrss: Linux carries that over exec from the image the
 * process replaced, and a process spawned with vfork (as Rust's Command
 * does) replaces its parent's: the driver's own peak would floor every
 * child's. */
/* User + system CPU time of this process so far, in seconds. */
static inline double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static inline long peak_rss_kb(void) {
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (status != NULL && fgets(line, sizeof line, status) != NULL) {
        if (strncmp(line, "VmHWM:", 6) == 0) kb = atol(line + 6);
    }
    if (status != NULL) fclose(status);
    if (kb < 0) {
        struct rusage usage;
        getrusage(RUSAGE_SELF, &usage);
        kb = usage.ru_maxrss;
    }
    return kb;
}

static inline fluvio_compression codec_of(const char *name) {
    const char *codecs[] = {"none", "gzip", "snappy", "lz4", "zstd"}; /* FLUVIO_COMPRESSION_* order */
    for (unsigned i = 0; i < sizeof codecs / sizeof codecs[0]; i++) {
        if (strcmp(name, codecs[i]) == 0) return i;
    }
    fprintf(stderr, "unknown codec %s\n", name);
    exit(2);
}

/* Distinct values cycled through by the producers. */
#define VALUE_POOL 1024

/* `VALUE_POOL` values of `size` bytes, back to back, that compress like log
 * lines: a counter, then words of a small vocabulary picked by xorshift64.
 * `*checksum` gets their FNV-1a hash (the driver checks both clients sent
 * the same bytes). */
static inline unsigned char *make_values(size_t size, uint64_t *checksum) {
    static const char *words[] = {"user", "order", "created", "shipped", "id", "status",
                                  "ok", "error", "latency", "ms", "region", "eu-west"};
    unsigned char *pool = malloc(VALUE_POOL * size);
    char *scratch = malloc(size + 32);
    if (pool == NULL || scratch == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    uint64_t state = 0x9e3779b97f4a7c15u;
    for (size_t k = 0; k < VALUE_POOL; k++) {
        size_t len = (size_t)sprintf(scratch, "%08zu ", k);
        while (len < size) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            const char *word = words[state % (sizeof words / sizeof words[0])];
            size_t wlen = strlen(word);
            memcpy(scratch + len, word, wlen);
            len += wlen;
            scratch[len++] = ' ';
        }
        memcpy(pool + k * size, scratch, size);
    }
    free(scratch);
    uint64_t hash = 0xcbf29ce484222325u;
    for (size_t i = 0; i < VALUE_POOL * size; i++) {
        hash ^= pool[i];
        hash *= 0x100000001b3u;
    }
    *checksum = hash;
    return pool;
}

#endif
