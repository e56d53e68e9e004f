/* aggregate: the accumulator is a decimal sum (empty: 0); each record's value
 * is added and the record comes out with the running sum as its value. The
 * input is a SmartModuleInput followed by the accumulator (u32 length +
 * bytes); the output is a SmartModuleOutput followed by the new accumulator. */
#include "sm.h"

__attribute__((export_name("aggregate")))
i32 aggregate(i32 ptr, i32 len, i32 version) {
    reader after;
    input in = read_input(ptr, len, version, &after);
    if (in.bad) return SM_DECODING_BASE_INPUT;
    i64 acc_len = (i64)(u32)rd_be(&after, 4);
    const u8 *acc = rd_take(&after, acc_len);
    if (after.bad) return SM_DECODING_BASE_INPUT;
    i64 sum = 0;
    if (acc_len > 0 && !parse_i64(acc, (i32)acc_len, &sum)) return SM_DECODING_BASE_INPUT;
    output o = begin_output();
    for (i32 i = 0; i < in.count; i++) {
        record rec;
        if (!rd_record(&in.records, &rec)) return SM_DECODING_RECORDS;
        i64 n = 0;
        parse_i64(rec.value, rec.value_len, &n);
        sum += n;
        u8 *buf = heap_alloc(24);
        i32 m = format_i64(sum, buf);
        out_record(&o, &rec, rec.has_key, rec.key, rec.key_len, buf, m);
    }
    out_error(&o, 0, 0, 0, 0);
    u8 acc_out[24];
    i32 m = format_i64(sum, acc_out);
    wr_be(&o.w, m, 4);
    wr_bytes(&o.w, acc_out, (u32)m);
    return send_output(&o);
}
