/* filter with params: init() stores the param "contains" (required), the
 * filter keeps the records whose value contains it. Init input at version
 * >= 20: params (u16 count of String pairs, String = i16 length + bytes),
 * then an Option<Lookback>. A missing param fails init with
 * SmartModuleInitErrorStatus::InitError (-2) and an init output carrying the
 * hint (a String). */
#include "sm.h"

static u8 needle[256];
static i32 needle_len = -1;

__attribute__((export_name("init")))
i32 init(i32 ptr, i32 len, i32 version) {
    (void)version;
    const u8 *v; i32 vl;
    int found = find_param(ptr, len, "contains", &v, &vl);
    if (found < 0) return -10;
    if (found && vl <= (i32)sizeof needle) {
        memcpy(needle, v, (u32)vl);
        needle_len = vl;
    }
    if (needle_len < 0) {
        writer w = {0, 0, 0};
        const char *hint = "missing param 'contains'";
        u32 n = cstrlen(hint);
        wr_be(&w, n, 2); wr_bytes(&w, hint, n);
        copy_records((i32)(size_t)w.buf, (i32)w.len);
        return -2;
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
        if (contains(rec.value, rec.value_len, needle, needle_len))
            out_record(&o, &rec, rec.has_key, rec.key, rec.key_len, rec.value, rec.value_len);
    }
    out_error(&o, 0, 0, 0, 0);
    return send_output(&o);
}
