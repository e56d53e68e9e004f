/* map: the value in upper case; the key is kept. */
#include "sm.h"

__attribute__((export_name("map")))
i32 map(i32 ptr, i32 len, i32 version) {
    input in = read_input(ptr, len, version, 0);
    if (in.bad) return SM_DECODING_BASE_INPUT;
    output o = begin_output();
    for (i32 i = 0; i < in.count; i++) {
        record rec;
        if (!rd_record(&in.records, &rec)) return SM_DECODING_RECORDS;
        u8 *up = heap_alloc((u32)rec.value_len + 1);
        for (i32 j = 0; j < rec.value_len; j++) {
            u8 c = rec.value[j];
            up[j] = (c >= 'a' && c <= 'z') ? (u8)(c - 32) : c;
        }
        out_record(&o, &rec, rec.has_key, rec.key, rec.key_len, up, rec.value_len);
    }
    out_error(&o, 0, 0, 0, 0);
    return send_output(&o);
}
