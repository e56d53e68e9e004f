/* filter that returns an error (as the Rust SDK's `Err(..)` does) on a record
 * whose value is "bad": the records before it are kept, then a
 * SmartModuleTransformRuntimeError names the record's offset. */
#include "sm.h"

__attribute__((export_name("filter")))
i32 filter(i32 ptr, i32 len, i32 version) {
    input in = read_input(ptr, len, version, 0);
    if (in.bad) return SM_DECODING_BASE_INPUT;
    output o = begin_output();
    for (i32 i = 0; i < in.count; i++) {
        record rec;
        if (!rd_record(&in.records, &rec)) return SM_DECODING_RECORDS;
        if (equals(rec.value, rec.value_len, "bad")) {
            out_error(&o, "the record is bad", in.base_offset + rec.offset_delta, SM_KIND_FILTER, &rec);
            return send_output(&o);
        }
        out_record(&o, &rec, rec.has_key, rec.key, rec.key_len, rec.value, rec.value_len);
    }
    out_error(&o, 0, 0, 0, 0);
    return send_output(&o);
}
