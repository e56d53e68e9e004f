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
    reader r = { (const u8 *)(size_t)ptr, (const u8 *)(size_t)ptr + len, 0 };
    i32 count = (i32)(u32)rd_be(&r, 2);
    for (i32 i = 0; i < count && !r.bad; i++) {
        i32 kl = (i32)(short)rd_be(&r, 2); const u8 *k = rd_take(&r, kl);
        i32 vl = (i32)(short)rd_be(&r, 2); const u8 *v = rd_take(&r, vl);
        if (!r.bad && equals(k, kl, "contains") && vl <= (i32)sizeof needle) {
            memcpy(needle, v, (u32)vl);
            needle_len = vl;
        }
    }
    if (r.bad) return -10;
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
