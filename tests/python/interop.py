#!/usr/bin/env python3
"""The official Python client (fluvio==0.21.0) as a peer of the embedded
cluster, driven by tests/interop_python.rs.

The client connects through its current profile in ~/.fluvio/config (the
test sets HOME to a temporary directory holding that profile). Each
sub-command prints one JSON object on stdout. Keys and values are bytes on
the wire; they are printed as latin-1 strings (one char per byte, lossless).
Every run is bounded by --timeout: a watchdog thread of its own (the
native client holds the GIL while a consumer waits for records) dumps the
Python stacks to stderr and exits with status 1. Failures print
{"error": ...} and exit non-zero.
"""

import argparse
import asyncio
import faulthandler
import importlib.metadata
import json
import os
import sys

from fluvio import (
    Compression,
    ConsumerConfigExtBuilder,
    Fluvio,
    FluvioAdmin,
    FluvioConfig,
    Offset,
    TopicProducerConfigBuilder,
    TopicSpec,
)

EXPECTED_VERSION = "0.21.0"

CODECS = {
    "none": Compression.None_,
    "gzip": Compression.Gzip,
    "snappy": Compression.Snappy,
    "lz4": Compression.Lz4,
    "zstd": Compression.Zstd,
}


def text(data):
    """Bytes (or a list of ints) as a lossless latin-1 string."""
    return bytes(data).decode("latin-1")


def emit(result, code=0):
    """Prints the result and exits at once, without waiting for the native
    client's background tasks (open consumer streams, connections)."""
    sys.stdout.write(json.dumps(result, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def error_text(e):
    return f"{type(e).__name__}: {e}"


def parse_offset(spec):
    """beginning | end | absolute:N | from_beginning:N | from_end:N"""
    kind, _, n = spec.partition(":")
    if kind == "beginning":
        return Offset.beginning()
    if kind == "end":
        return Offset.end()
    if kind == "absolute":
        return Offset.absolute(int(n))
    if kind == "from_beginning":
        return Offset.from_beginning(int(n))
    if kind == "from_end":
        return Offset.from_end(int(n))
    raise ValueError(f"bad offset {spec!r}")


def consumer(client, topic, partition, offset):
    builder = ConsumerConfigExtBuilder(topic)
    builder.partition(partition)
    builder.offset_start(parse_offset(offset))
    return client.consumer_with_config(builder.build())


def seen(record):
    return [record.offset(), text(record.key()), text(record.value()), record.timestamp()]


# --- sub-commands -----------------------------------------------------------


def cmd_connect(args):
    """Connects through the profile (Fluvio and FluvioAdmin) and, if given,
    through an explicit FluvioConfig; lists topics each way."""
    result = {"version": fluvio_version()}
    try:
        admin = FluvioAdmin.connect()
        result["profile_topics"] = sorted(t.name() for t in admin.all_topics())
        Fluvio.connect()
        result["profile_connected"] = True
    except Exception as e:  # noqa: BLE001
        result["profile_connected"] = False
        result["profile_error"] = error_text(e)
    if args.endpoint:
        try:
            config = FluvioConfig.new(args.endpoint)
            admin = FluvioAdmin.connect_with_config(config)
            result["config_topics"] = sorted(t.name() for t in admin.all_topics())
            Fluvio.connect_with_config(config)
            result["config_connected"] = True
        except Exception as e:  # noqa: BLE001
            result["config_connected"] = False
            result["config_error"] = error_text(e)
    emit(result)


def cmd_admin(args):
    """Creates, lists and deletes topics, recording each outcome."""
    admin = FluvioAdmin.connect()
    result = {}

    def attempt(name, call):
        try:
            call()
            result[name] = "ok"
        except Exception as e:  # noqa: BLE001
            result[name] = error_text(e)

    attempt("create_alpha", lambda: admin.create_topic("alpha", TopicSpec.create().with_partitions(3).build()))
    attempt("create_beta", lambda: admin.create_topic("beta"))
    attempt("create_alpha_again", lambda: admin.create_topic("alpha", TopicSpec.create().with_partitions(1).build()))
    attempt("create_invalid", lambda: admin.create_topic("Not_Valid"))
    attempt("create_leading_hyphen", lambda: admin.create_topic("-bad"))
    result["all"] = sorted(t.name() for t in admin.all_topics())
    result["list_alp"] = sorted(t.name() for t in admin.list_topics(["alp"]))
    result["partitions"] = sorted(p.name() for p in admin.list_partitions([]))
    attempt("delete_beta", lambda: admin.delete_topic("beta"))
    attempt("delete_beta_again", lambda: admin.delete_topic("beta"))
    result["all_after_delete"] = sorted(t.name() for t in admin.all_topics())
    emit(result)


def cmd_produce(args):
    """Produces --count records: even ones keyed "key-(i % 17)", odd ones with
    send_string (which, in this client, means an empty key, not no key).
    Prints [partition, offset, key, value] per record as acknowledged."""
    client = Fluvio.connect()
    builder = TopicProducerConfigBuilder().compression(CODECS[args.codec])
    if args.linger is not None:
        builder = builder.linger(args.linger)
    producer = client.topic_producer_with_config(args.topic, builder.build())
    sent = []
    if args.send_all:
        batch = []
        for i in range(args.count):
            key = f"key-{i % 17}".encode() if i % 2 == 0 else b""
            value = f"{args.tag}-{i}-{'x' * (i % 50)}".encode()
            batch.append((key, value))
        outputs = producer.send_all(batch)
        sent = [(key, value, out) for (key, value), out in zip(batch, outputs)]
    else:
        for i in range(args.count):
            value = f"{args.tag}-{i}-{'x' * (i % 50)}"
            if i % 2 == 0:
                key = f"key-{i % 17}".encode()
                sent.append((key, value.encode(), producer.send(list(key), value.encode())))
            else:
                sent.append((b"", value.encode(), producer.send_string(value)))
    producer.flush()
    records = []
    for key, value, output in sent:
        metadata = output.wait()
        records.append([metadata.partition_id(), metadata.offset(), text(key), text(value)])
    emit({"records": records})


def cmd_consume(args):
    """Each --read TOPIC:PARTITION:OFFSET:COUNT reads COUNT records with a new
    consumer (consumer_with_config); all reads share one client."""
    client = Fluvio.connect()
    reads = []
    for spec in args.read:
        topic, partition, rest = spec.split(":", 2)
        offset, _, count = rest.rpartition(":")
        progress(f"read {spec}: starting")
        stream = consumer(client, topic, int(partition), offset)
        out = []
        while len(out) < int(count):
            out.append(seen(next(stream)))
        reads.append(out)
    emit({"reads": reads})


def cmd_live(args):
    """A consumer at the end of a partition (the asyncio API, so that it can
    wait while this process produces), then rounds of three records keyed
    --key (which the test maps to that partition) until the consumer has
    --count records, at most --rounds rounds."""
    client = Fluvio.connect()
    producer = client.topic_producer(args.topic)

    async def run():
        got = []

        async def tail():
            stream = await client.partition_consumer(args.topic, args.partition).async_stream(Offset.end())
            async for record in stream:
                got.append(seen(record))
                if len(got) >= args.count:
                    return

        task = asyncio.create_task(tail())
        produced = []
        rounds = 0
        while not task.done() and rounds < args.rounds:
            outputs = [await producer.async_send(list(args.key.encode()), f"live-{rounds}-{i}".encode()) for i in range(3)]
            await producer.async_flush()
            for output in outputs:
                metadata = output.wait()
                produced.append([metadata.partition_id(), metadata.offset()])
            rounds += 1
            # Gives the consumer task its turn; ends the pause early once it is done.
            await asyncio.wait([task], timeout=0.02)
        if not task.done():
            task.cancel()
            return {"records": got, "rounds": rounds, "produced": produced,
                    "error": f"only {len(got)} of {args.count} records after {rounds} rounds"}
        task.result()
        return {"records": got, "rounds": rounds, "produced": produced}

    result = asyncio.run(run())
    emit(result, 3 if "error" in result else 0)


def progress(message):
    """Progress on stderr: what was going on if the watchdog fires."""
    sys.stderr.write(f"interop.py: {message}\n")
    sys.stderr.flush()


def fluvio_version():
    return importlib.metadata.version("fluvio")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=30, help="seconds before the watchdog ends the run")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("connect")
    p.add_argument("--endpoint")
    p.set_defaults(run=cmd_connect)
    p = sub.add_parser("admin")
    p.set_defaults(run=cmd_admin)
    p = sub.add_parser("produce")
    p.add_argument("--topic", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--codec", choices=sorted(CODECS), default="none")
    p.add_argument("--tag", default="py")
    p.add_argument("--linger", type=int)
    p.add_argument("--send-all", action="store_true")
    p.set_defaults(run=cmd_produce)
    p = sub.add_parser("consume")
    p.add_argument("--read", action="append", required=True, help="TOPIC:PARTITION:OFFSET:COUNT")
    p.set_defaults(run=cmd_consume)
    p = sub.add_parser("live")
    p.add_argument("--topic", required=True)
    p.add_argument("--partition", type=int, required=True)
    p.add_argument("--key", required=True, help="a key the partitioner maps to --partition")
    p.add_argument("--count", type=int, default=3)
    p.add_argument("--rounds", type=int, default=300)
    p.set_defaults(run=cmd_live)
    args = parser.parse_args()
    faulthandler.dump_traceback_later(args.timeout, exit=True)

    version = fluvio_version()
    if version != EXPECTED_VERSION:
        emit({"error": f"fluvio {version} installed, the tests need {EXPECTED_VERSION}"}, 2)
    try:
        args.run(args)
    except Exception as e:  # noqa: BLE001
        emit({"error": error_text(e)}, 1)


if __name__ == "__main__":
    main()
