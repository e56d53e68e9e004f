#!/usr/bin/env bash
# The demo: starts the embedded Fluvio cluster (fluvio-local, 2 SPUs) on a
# temporary data directory, runs the C producer, consumer, custom
# partitioner, resumable consumer and topic admin against it, and stops it.
set -euo pipefail
cd "$(dirname "$0")"
BUILD=${BUILD:-build}
SERVER=${SERVER:-../target/release/fluvio-local}

data=$(mktemp -d)
coproc CLUSTER { exec "$SERVER" --data-dir "$data" --spus 2; }
trap 'kill $CLUSTER_PID 2>/dev/null; wait $CLUSTER_PID 2>/dev/null; rm -rf "$data"' EXIT
read -r endpoint <&"${CLUSTER[0]}"
export FLUVIO_ENDPOINT=$endpoint
echo "== embedded cluster on $endpoint"

echo "== producer";           "$BUILD/producer" greetings 10
echo "== consumer";           "$BUILD/consumer" greetings
echo "== custom partitioner"; "$BUILD/custom_partitioner" sorted
echo "== resumable consumer, twice: the second run continues where the first stopped"
"$BUILD/resumable_consumer" greetings demo-reader 4
"$BUILD/resumable_consumer" greetings demo-reader 4
echo "== topic admin: a topic with options, partitions, SPUs, the reader's lag"
"$BUILD/topic_admin" orders greetings demo-reader
echo "== SmartModule filter: the SPU keeps the even numbers"
"$BUILD/smartmodule_filter" "$BUILD/filter_even.wasm" numbers
