/* A freestanding toolkit for SmartModules written in C, built with
 *   clang --target=wasm32 -O2 -nostdlib -ffreestanding -Wl,--no-entry
 *         -Wl,--export=alloc -Wl,--export=<transform> ...
 * for fluvio-smartengine 0.50 (see shared/docs/smartmodule-abi.md):
 *   exports: memory, alloc(len) -> ptr, one transform (filter, map,
 *            filter_map, array_map or aggregate), optionally init and
 *            look_back, each (ptr, len, version) -> count or negative status;
 *   import:  env.copy_records(ptr, len), called once per call with the
 *            encoded output.
 * Input at version >= 23: base_offset i64, raw_bytes (u32 length + i32 record
 * count + records), base_timestamp i64 (all big-endian). A record: varint
 * length, i8 attributes, varint timestamp delta, varint offset delta, key
 * (0, or 1 + varint length + bytes), value (varint length + bytes), varint
 * header count. Varints are zig-zag.
 *
 * Everything a call allocates lives on a bump heap that the next call's
 * alloc() resets: the host has read the previous output by then. State that
 * must outlive a call goes in static arrays. */
#ifndef SM_H
#define SM_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef long long i64;
typedef unsigned long long u64;
typedef unsigned long size_t;

__attribute__((import_module("env"), import_name("copy_records")))
void copy_records(i32 ptr, i32 len);

void *memcpy(void *dst, const void *src, size_t n) {
    u8 *d = dst; const u8 *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    u8 *d = dst;
    while (n--) *d++ = (u8)c;
    return dst;
}

extern u8 __heap_base;
static u32 heap_top;

static void *heap_alloc(u32 len) {
    u32 at = (heap_top + 7u) & ~7u;
    u32 end = at + len;
    u32 have = (u32)__builtin_wasm_memory_size(0) * 65536u;
    if (end > have) {
        u32 pages = (end - have + 65535u) / 65536u;
        if (__builtin_wasm_memory_grow(0, pages) == (unsigned long)-1) __builtin_trap();
    }
    heap_top = end;
    return (void *)(size_t)at;
}

/* A module that defines SM_OWN_ALLOC before including this file exports
 * its own alloc (the tests' hostile modules do). */
#ifndef SM_OWN_ALLOC
__attribute__((export_name("alloc")))
i32 alloc(i32 len) {
    heap_top = (u32)(size_t)&__heap_base;
    return (i32)(size_t)heap_alloc((u32)len);
}
#endif

/* ---- reading ---- */
typedef struct { const u8 *p; const u8 *end; int bad; } reader;

static u8 rd_u8(reader *r) { if (r->p >= r->end) { r->bad = 1; return 0; } return *r->p++; }
static inline i64 rd_be(reader *r, int n) { u64 v = 0; for (int i = 0; i < n; i++) v = (v << 8) | rd_u8(r); return (i64)v; }
static inline i64 rd_varint(reader *r) {
    u64 v = 0; int shift = 0;
    for (;;) {
        u8 b = rd_u8(r);
        if (r->bad || shift > 63) { r->bad = 1; return 0; }
        v |= (u64)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
        shift += 7;
    }
    return (i64)((v >> 1) ^ (~(v & 1) + 1));
}
static const u8 *rd_take(reader *r, i64 n) {
    if (n < 0 || n > r->end - r->p) { r->bad = 1; return r->p; }
    const u8 *at = r->p; r->p += n; return at;
}

typedef struct {
    i32 attributes; i64 timestamp_delta; i64 offset_delta;
    int has_key; const u8 *key; i32 key_len;
    const u8 *value; i32 value_len;
} record;

static inline int rd_record(reader *r, record *rec) {
    i64 len = rd_varint(r);
    const u8 *body = rd_take(r, len);
    if (r->bad) return 0;
    reader b = { body, body + len, 0 };
    rec->attributes = (i32)(signed char)rd_u8(&b);
    rec->timestamp_delta = rd_varint(&b);
    rec->offset_delta = rd_varint(&b);
    rec->has_key = rd_u8(&b);
    rec->key = 0; rec->key_len = 0;
    if (rec->has_key) { rec->key_len = (i32)rd_varint(&b); rec->key = rd_take(&b, rec->key_len); }
    rec->value_len = (i32)rd_varint(&b);
    rec->value = rd_take(&b, rec->value_len);
    rd_varint(&b);
    return !b.bad;
}

/* The input of a transform call; records are read with next_record. */
typedef struct { i64 base_offset; i64 base_timestamp; reader records; i32 count; int bad; } input;

static inline input read_input(i32 ptr, i32 len, i32 version, reader *after) {
    input in = {0};
    reader r = { (const u8 *)(size_t)ptr, (const u8 *)(size_t)ptr + len, 0 };
    if (version <= 22) { in.bad = 1; return in; }
    in.base_offset = rd_be(&r, 8);
    i64 raw_len = (i64)(u32)rd_be(&r, 4);
    const u8 *raw = rd_take(&r, raw_len);
    in.base_timestamp = rd_be(&r, 8);
    in.records.p = raw; in.records.end = raw + raw_len; in.records.bad = r.bad;
    in.count = (i32)rd_be(&in.records, 4);
    in.bad = r.bad || in.records.bad;
    if (after) *after = r;
    return in;
}

/* ---- writing ---- */
typedef struct { u8 *buf; u32 len; u32 cap; } writer;

static inline void wr_reserve(writer *w, u32 more) {
    if (w->len + more <= w->cap) return;
    u32 cap = w->cap ? w->cap * 2 : 4096;
    while (cap < w->len + more) cap *= 2;
    u8 *buf = heap_alloc(cap);
    if (w->len) memcpy(buf, w->buf, w->len);
    w->buf = buf; w->cap = cap;
}
static inline void wr_bytes(writer *w, const void *p, u32 n) { wr_reserve(w, n); memcpy(w->buf + w->len, p, n); w->len += n; }
static void wr_u8(writer *w, u8 b) { wr_bytes(w, &b, 1); }
static inline void wr_be(writer *w, i64 v, int n) { for (int i = n - 1; i >= 0; i--) wr_u8(w, (u8)((u64)v >> (8 * i))); }
static inline void wr_varint(writer *w, i64 v) {
    u64 z = ((u64)v << 1) ^ (u64)(v >> 63);
    while (z >= 0x80) { wr_u8(w, (u8)(z | 0x80)); z >>= 7; }
    wr_u8(w, (u8)z);
}
static inline u32 varint_len(i64 v) { u64 z = ((u64)v << 1) ^ (u64)(v >> 63); u32 n = 1; while (z >= 0x80) { z >>= 7; n++; } return n; }

/* One output record with the given key (has_key 0: none) and value. */
static inline void wr_record(writer *w, const record *like, int has_key, const u8 *key, i32 key_len, const u8 *value, i32 value_len) {
    u32 body = 1 + varint_len(like->timestamp_delta) + varint_len(like->offset_delta)
        + (has_key ? 1 + varint_len(key_len) + (u32)key_len : 1) + varint_len(value_len) + (u32)value_len + 1;
    wr_varint(w, body);
    wr_u8(w, (u8)like->attributes);
    wr_varint(w, like->timestamp_delta);
    wr_varint(w, like->offset_delta);
    if (has_key) { wr_u8(w, 1); wr_varint(w, key_len); wr_bytes(w, key, (u32)key_len); } else wr_u8(w, 0);
    wr_varint(w, value_len);
    wr_bytes(w, value, (u32)value_len);
    wr_varint(w, 0);
}

/* The output: u32 count (patched by finish), records, then the error option. */
typedef struct { writer w; i32 count; } output;

static inline output begin_output(void) { output o = {{0, 0, 0}, 0}; wr_be(&o.w, 0, 4); return o; }
static inline void out_record(output *o, const record *like, int has_key, const u8 *key, i32 key_len, const u8 *value, i32 value_len) {
    wr_record(&o->w, like, has_key, key, key_len, value, value_len);
    o->count++;
}
static inline void patch_count(output *o) {
    o->w.buf[0] = (u8)((u32)o->count >> 24); o->w.buf[1] = (u8)((u32)o->count >> 16);
    o->w.buf[2] = (u8)((u32)o->count >> 8); o->w.buf[3] = (u8)o->count;
}
static inline u32 cstrlen(const char *s) { u32 n = 0; while (s[n]) n++; return n; }
/* Ends the record list with "no error" or with a SmartModuleTransformRuntimeError
 * (hint String = i16 length + bytes, offset i64, kind u8, key Option, value). */
static inline void out_error(output *o, const char *hint, i64 offset, u8 kind, const record *rec) {
    patch_count(o);
    if (!hint) { wr_u8(&o->w, 0); return; }
    wr_u8(&o->w, 1);
    u32 n = cstrlen(hint);
    wr_be(&o->w, n, 2); wr_bytes(&o->w, hint, n);
    wr_be(&o->w, offset, 8);
    wr_u8(&o->w, kind);
    if (rec->has_key) { wr_u8(&o->w, 1); wr_varint(&o->w, rec->key_len); wr_bytes(&o->w, rec->key, (u32)rec->key_len); }
    else wr_u8(&o->w, 0);
    wr_varint(&o->w, rec->value_len); wr_bytes(&o->w, rec->value, (u32)rec->value_len);
}
static inline i32 send_output(output *o) {
    copy_records((i32)(size_t)o->w.buf, (i32)o->w.len);
    return o->count;
}

/* ---- helpers for the test modules ---- */
static inline int parse_i64(const u8 *p, i32 n, i64 *out) {
    if (n <= 0) return 0;
    int neg = 0; i32 i = 0; i64 v = 0;
    if (p[0] == '-') { neg = 1; i = 1; if (n == 1) return 0; }
    for (; i < n; i++) { if (p[i] < '0' || p[i] > '9') return 0; v = v * 10 + (p[i] - '0'); }
    *out = neg ? -v : v;
    return 1;
}
static inline i32 format_i64(i64 v, u8 *buf) {
    u8 tmp[24]; i32 n = 0, len = 0; u64 u = v < 0 ? (u64)(-v) : (u64)v;
    do { tmp[n++] = (u8)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    return len;
}
static inline int contains(const u8 *hay, i32 n, const u8 *needle, i32 m) {
    if (m == 0) return 1;
    for (i32 i = 0; i + m <= n; i++) {
        i32 j = 0;
        while (j < m && hay[i + j] == needle[j]) j++;
        if (j == m) return 1;
    }
    return 0;
}
static inline int equals(const u8 *p, i32 n, const char *s) { u32 m = cstrlen(s); return (u32)n == m && contains(p, n, (const u8 *)s, (i32)m); }

/* Finds param `name` in init()'s input (at version >= 20: u16 count of
 * String pairs, String = i16 length + bytes). 1 and the value if found, 0
 * if not, -1 if the input is malformed. */
static inline int find_param(i32 ptr, i32 len, const char *name, const u8 **value, i32 *value_len) {
    reader r = { (const u8 *)(size_t)ptr, (const u8 *)(size_t)ptr + len, 0 };
    i32 count = (i32)(u32)rd_be(&r, 2);
    for (i32 i = 0; i < count && !r.bad; i++) {
        i32 kl = (i32)(short)rd_be(&r, 2); const u8 *k = rd_take(&r, kl);
        i32 vl = (i32)(short)rd_be(&r, 2); const u8 *v = rd_take(&r, vl);
        if (!r.bad && equals(k, kl, name)) { *value = v; *value_len = vl; return 1; }
    }
    return r.bad ? -1 : 0;
}

/* SmartModuleTransformErrorStatus::DecodingBaseInput / DecodingRecords */
#define SM_DECODING_BASE_INPUT (-11)
#define SM_DECODING_RECORDS (-22)
/* SmartModuleKind tags inside a runtime error */
#define SM_KIND_FILTER 0
#define SM_KIND_MAP 1
#define SM_KIND_ARRAY_MAP 2
#define SM_KIND_AGGREGATE 3
#define SM_KIND_FILTER_MAP 4

#endif
