/* filter with look_back: keeps a record only when its value (a decimal
 * number) is greater than every value seen before, including the records
 * look_back was given (the last N stored when the stream opened). look_back
 * gets a SmartModuleInput of those records. */
#include "sm.h"

static i64 highest;
static int seen;

static void see(const u8 *p, i32 n, int *keep) {
    i64 v;
    *keep = 0;
    if (!parse_i64(p, n, &v)) return;
    if (!seen || v > highest) { highest = v; seen = 1; *keep = 1; }
}

__attribute__((export_name("look_back")))
i32 look_back(i32 ptr, i32 len, i32 version) {
    input in = read_input(ptr, len, version, 0);
    if (in.bad) return -66;
    for (i32 i = 0; i < in.count; i++) {
        record rec; int keep;
        if (!rd_record(&in.records, &rec)) return -77;
        see(rec.value, rec.value_len, &keep);
    }
    return 0;
}

__attribute__((export_name("filter")))
i32 filter(i32 ptr, i32 len, i32 version) {
    input in = read_input(ptr, len, version, 0);
    if (in.bad) return SM_DECODING_BASE_INPUT;
    output o = begin_output();
    for (i32 i = 0; i < in.count; i++) {
        record rec; int keep;
        if (!rd_record(&in.records, &rec)) return SM_DECODING_RECORDS;
        see(rec.value, rec.value_len, &keep);
        if (keep) out_record(&o, &rec, rec.has_key, rec.key, rec.key_len, rec.value, rec.value_len);
    }
    out_error(&o, 0, 0, 0, 0);
    return send_output(&o);
}
