/* A deduplication filter, as a topic's deduplication runs it: the SPU
 * passes the param "count" (and "age", in ms, which the look-back applies)
 * and primes look_back with the last `count` stored records; the filter
 * drops a record whose key is among the last `count` keys seen, keeps (and
 * remembers) the others. Keys are remembered by their FNV-1a hash. */
#include "sm.h"

#define CAPACITY 256

static u64 ring[CAPACITY];
static i32 seen, next, window = 5;

static u64 fnv1a(const u8 *p, i32 n) {
    u64 h = 1469598103934665603ULL;
    for (i32 i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static int known(u64 h) {
    for (i32 i = 0; i < seen; i++)
        if (ring[(next - 1 - i + CAPACITY) % CAPACITY] == h) return 1;
    return 0;
}

static void remember(u64 h) {
    ring[next] = h;
    next = (next + 1) % CAPACITY;
    if (seen < window) seen++;
}

__attribute__((export_name("init")))
i32 init(i32 ptr, i32 len, i32 version) {
    (void)version;
    const u8 *v; i32 vl; i64 n;
    int found = find_param(ptr, len, "count", &v, &vl);
    if (found < 0) return -10;
    if (found && parse_i64(v, vl, &n) && n > 0) window = n < CAPACITY ? (i32)n : CAPACITY;
    return 0;
}

__attribute__((export_name("look_back")))
i32 look_back(i32 ptr, i32 len, i32 version) {
    input in = read_input(ptr, len, version, 0);
    if (in.bad) return -66;
    for (i32 i = 0; i < in.count; i++) {
        record rec;
        if (!rd_record(&in.records, &rec)) return -77;
        if (rec.has_key) remember(fnv1a(rec.key, rec.key_len));
    }
    return 0;
}

__attribute__((export_name("filter")))
i32 filter(i32 ptr, i32 len, i32 version) {
    input in = read_input(ptr, len, version, 0);
    if (in.bad) return SM_DECODING_BASE_INPUT;
    output o = begin_output();
    for (i32 i = 0; i < in.count; i++) {
        record rec;
        if (!rd_record(&in.records, &rec)) return SM_DECODING_RECORDS;
        if (rec.has_key) {
            u64 h = fnv1a(rec.key, rec.key_len);
            if (known(h)) continue;
            remember(h);
        }
        out_record(&o, &rec, rec.has_key, rec.key, rec.key_len, rec.value, rec.value_len);
    }
    out_error(&o, 0, 0, 0, 0);
    return send_output(&o);
}
