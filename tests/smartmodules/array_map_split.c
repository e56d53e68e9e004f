/* array_map: one output record per comma-separated part of the value (empty
 * parts included), each keeping the input record's key. */
#include "sm.h"

__attribute__((export_name("array_map")))
i32 array_map(i32 ptr, i32 len, i32 version) {
    input in = read_input(ptr, len, version, 0);
    if (in.bad) return SM_DECODING_BASE_INPUT;
    output o = begin_output();
    for (i32 i = 0; i < in.count; i++) {
        record rec;
        if (!rd_record(&in.records, &rec)) return SM_DECODING_RECORDS;
        i32 start = 0;
        for (i32 j = 0; j <= rec.value_len; j++) {
            if (j == rec.value_len || rec.value[j] == ',') {
                out_record(&o, &rec, rec.has_key, rec.key, rec.key_len, rec.value + start, j - start);
                start = j + 1;
            }
        }
    }
    out_error(&o, 0, 0, 0, 0);
    return send_output(&o);
}
