//! produce_consume in Zig, calling libfluvio through @cImport of fluvio.h:
//! the same program as ../pkg-config/produce_consume.c.
//!
//!   FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume produce TOPIC COUNT
//!   FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume consume TOPIC COUNT

const std = @import("std");
const c = @cImport({
    @cInclude("fluvio.h");
});

/// How long consume waits for each record.
const record_timeout_ms = 10000;

const FluvioError = error{Fluvio};

/// Prints the status name and fluvio_last_error() of a failed call.
fn check(status: c.fluvio_status, what: []const u8) FluvioError!void {
    if (status == c.FLUVIO_OK) return;
    std.debug.print("{s}: {s}: {s}\n", .{ what, c.fluvio_status_str(@intCast(status)), c.fluvio_last_error() });
    return error.Fluvio;
}

fn produce(client: *c.struct_fluvio_client, topic: [*:0]const u8, count: u32, out: anytype) !void {
    const status = c.fluvio_topic_create(client, topic, 1, 1);
    if (status != c.FLUVIO_ERR_TOPIC_EXISTS) try check(status, "create topic");

    var producer: ?*c.struct_fluvio_producer = null;
    try check(c.fluvio_producer_new(client, topic, null, &producer), "producer");
    defer c.fluvio_producer_free(producer);
    var key_buf: [32]u8 = undefined;
    var value_buf: [64]u8 = undefined;
    for (0..count) |i| {
        const key = try std.fmt.bufPrint(&key_buf, "key-{d}", .{i});
        const value = try std.fmt.bufPrint(&value_buf, "zig record {d}", .{i});
        try check(c.fluvio_producer_send(producer, key.ptr, key.len, value.ptr, value.len), "send");
    }
    // send() only queues; flush() returns once the cluster has every record.
    try check(c.fluvio_producer_flush(producer, c.FLUVIO_FLUSH_TIMEOUT_MS), "flush");
    try out.print("produced {d} records to {s}\n", .{ count, topic });
}

fn consume(client: *c.struct_fluvio_client, topic: [*:0]const u8, count: u32, out: anytype) !void {
    var consumer: ?*c.struct_fluvio_consumer = null;
    try check(c.fluvio_consumer_new(client, topic, 0, &consumer), "consumer");
    defer c.fluvio_consumer_free(consumer);
    var stream: ?*c.struct_fluvio_stream = null;
    try check(c.fluvio_consumer_stream(consumer, c.fluvio_offset_beginning(), &stream), "stream");
    defer c.fluvio_stream_free(stream);

    var expected_buf: [32]u8 = undefined;
    for (0..count) |i| {
        var record: ?*c.struct_fluvio_record = null;
        try check(c.fluvio_stream_next(stream, record_timeout_ms, &record), "next");
        defer c.fluvio_record_free(record);
        const expected_key = try std.fmt.bufPrint(&expected_buf, "key-{d}", .{i});
        var key_len: usize = 0;
        const key: []const u8 = if (c.fluvio_record_key(record, &key_len)) |k| @as([*]const u8, @ptrCast(k))[0..key_len] else "";
        var value_len: usize = 0;
        const value: []const u8 = if (c.fluvio_record_value(record, &value_len)) |v| @as([*]const u8, @ptrCast(v))[0..value_len] else "";
        const offset = c.fluvio_record_offset(record);
        if (offset != i or !std.mem.eql(u8, key, expected_key)) {
            std.debug.print("record {d}: offset {d}, key {s}; expected {s}\n", .{ i, offset, key, expected_key });
            return error.Fluvio;
        }
        try out.print("{d} {s} {s}\n", .{ i, expected_key, value });
    }
    try out.print("consumed {d} records from {s}\n", .{ count, topic });
}

pub fn main() !u8 {
    const args = std.os.argv;
    const mode: []const u8 = if (args.len == 4) std.mem.span(args[1]) else "";
    const count = if (args.len == 4) std.fmt.parseInt(u32, std.mem.span(args[3]), 10) catch null else null;
    if (count == null or !(std.mem.eql(u8, mode, "produce") or std.mem.eql(u8, mode, "consume"))) {
        std.debug.print("usage: {s} produce|consume TOPIC COUNT\n", .{args[0]});
        return 2;
    }
    const topic = args[2];

    // Unbuffered: every line is out before the next call, as in the C version.
    const out = std.io.getStdOut().writer();
    var header_buf: [32]u8 = undefined;
    const header = try std.fmt.bufPrint(&header_buf, "{d}.{d}.{d}", .{ c.FLUVIO_VERSION_MAJOR, c.FLUVIO_VERSION_MINOR, c.FLUVIO_VERSION_PATCH });
    const library = std.mem.span(c.fluvio_version());
    try out.print("libfluvio {s} (header {s})\n", .{ library, header });
    if (!std.mem.eql(u8, header, library)) {
        std.debug.print("compiled with the header of libfluvio {s} but running with {s}\n", .{ header, library });
        return 1;
    }

    // null: the endpoint in FLUVIO_ENDPOINT, else 127.0.0.1:9003.
    var client: ?*c.struct_fluvio_client = null;
    check(c.fluvio_connect(null, &client), "connect") catch return 1;
    defer c.fluvio_client_free(client);
    const done = if (std.mem.eql(u8, mode, "produce"))
        produce(client.?, topic, count.?, out)
    else
        consume(client.?, topic, count.?, out);
    done catch |err| {
        if (err != error.Fluvio) std.debug.print("{s}\n", .{@errorName(err)});
        return 1;
    };
    return 0;
}
