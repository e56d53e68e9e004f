/* filter that never returns on a record whose value is "loop" (the engine
 * gives it practically unlimited fuel); other records pass. */
#include "sm.h"

static volatile u32 spins;

__attribute__((export_name("filter")))
i32 filter(i32 ptr, i32 len, i32 version) {
    input in = read_input(ptr, len, version, 0);
    if (in.bad) return SM_DECODING_BASE_INPUT;
    output o = begin_output();
    for (i32 i = 0; i < in.count; i++) {
        record rec;
        if (!rd_record(&in.records, &rec)) return SM_DECODING_RECORDS;
        if (equals(rec.value, rec.value_len, "loop"))
            for (;;) spins++;
        out_record(&o, &rec, rec.has_key, rec.key, rec.key_len, rec.value, rec.value_len);
    }
    out_error(&o, 0, 0, 0, 0);
    return send_output(&o);
}
