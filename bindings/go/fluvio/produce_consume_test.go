package fluvio_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"testing"
	"time"

	"libfluvio.dev/fluvio"
)

func TestVersionMatchesHeader(t *testing.T) {
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(fluvio.Version()) {
		t.Fatalf("Version() = %q", fluvio.Version())
	}
	if fluvio.Version() != fluvio.HeaderVersion() {
		t.Fatalf("library %s, header %s", fluvio.Version(), fluvio.HeaderVersion())
	}
	client := connect(t, startCluster(t, 1))
	version, err := client.PlatformVersion()
	if err != nil || !regexp.MustCompile(`^\d+\.\d+\.\d+`).MatchString(version) {
		t.Fatalf("PlatformVersion() = %q, %v", version, err)
	}
}

// Keyed records over two partitions come back from one stream of every
// partition with their keys, values, partitions, offsets and timestamps.
func TestProduceAndConsumeKeyedRecordsInOrder(t *testing.T) {
	const topic, n = "keyed", 200
	client := connect(t, startCluster(t, 2))
	ctx := testContext(t)
	if err := client.CreateTopic(ctx, topic, &fluvio.TopicConfig{Partitions: 2}); err != nil {
		t.Fatal(err)
	}
	producer := newProducer(t, client, topic, &fluvio.ProducerConfig{Linger: 5 * time.Millisecond})

	// Timestamps have millisecond precision.
	before := time.Now().Truncate(time.Millisecond)
	pending := make([]*fluvio.PendingDelivery, n)
	for i := range pending {
		key := []byte(fmt.Sprintf("key-%d", i%20))
		d, err := producer.SendAsync(ctx, key, []byte(fmt.Sprintf("value %d", i)))
		if err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		pending[i] = d
	}
	deliveries := make([]fluvio.Delivery, n)
	for i, d := range pending {
		delivery, err := d.Wait(ctx)
		if err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
		deliveries[i] = delivery
	}
	after := time.Now()

	// One key, one partition; each partition's offsets count up from 0 in
	// the order of sending.
	partitionOfKey := map[string]uint32{}
	next := map[uint32]int64{}
	for i, d := range deliveries {
		key := fmt.Sprintf("key-%d", i%20)
		if p, seen := partitionOfKey[key]; seen && p != d.Partition {
			t.Fatalf("%s went to partitions %d and %d", key, p, d.Partition)
		}
		partitionOfKey[key] = d.Partition
		if d.Partition > 1 || d.Offset != next[d.Partition] {
			t.Fatalf("record %d delivered to partition %d offset %d; expected offset %d", i, d.Partition, d.Offset, next[d.Partition])
		}
		next[d.Partition]++
		if d.Timestamp.Before(before) || d.Timestamp.After(after) {
			t.Fatalf("record %d timestamp %v outside [%v, %v]", i, d.Timestamp, before, after)
		}
	}
	if next[0] == 0 || next[1] == 0 {
		t.Fatalf("every record went to one partition: %v", next)
	}

	records := readN(t, openStream(t, client, topic, nil, fluvio.Beginning()), n)
	// Partitions interleave; each one is in order.
	byPartition := map[uint32][]fluvio.Record{}
	for _, r := range records {
		byPartition[r.Partition] = append(byPartition[r.Partition], r)
	}
	sent := map[uint32][]int{}
	for i, d := range deliveries {
		sent[d.Partition] = append(sent[d.Partition], i)
	}
	for partition, indices := range sent {
		got := byPartition[partition]
		if len(got) != len(indices) {
			t.Fatalf("partition %d: %d records, %d sent", partition, len(got), len(indices))
		}
		for j, i := range indices {
			r := got[j]
			want := deliveries[i]
			if string(r.Key) != fmt.Sprintf("key-%d", i%20) || string(r.Value) != fmt.Sprintf("value %d", i) ||
				r.Offset != want.Offset || r.Partition != want.Partition || !r.Timestamp.Equal(want.Timestamp) {
				t.Fatalf("partition %d record %d: %q=%q offset %d at %v; sent record %d, delivered at offset %d at %v",
					partition, j, r.Key, r.Value, r.Offset, r.Timestamp, i, want.Offset, want.Timestamp)
			}
		}
	}
}

// Offsets other than the beginning, one partition at a time.
func TestStreamOffsets(t *testing.T) {
	const topic = "offsets"
	client := setup(t, topic, 1)
	ctx := testContext(t)
	producer := newProducer(t, client, topic, &fluvio.ProducerConfig{Linger: fluvio.NoLinger})
	for i := 0; i < 10; i++ {
		if err := producer.Enqueue(ctx, nil, []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := producer.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	only0 := &fluvio.ConsumerConfig{Partitions: []uint32{0}}
	for _, c := range []struct {
		offset fluvio.Offset
		first  int64
	}{
		{fluvio.Beginning(), 0},
		{fluvio.Absolute(4), 4},
		{fluvio.FromBeginning(2), 2},
		{fluvio.FromEnd(3), 7},
	} {
		r := readN(t, openStream(t, client, topic, only0, c.offset), 1)[0]
		if r.Offset != c.first || string(r.Value) != fmt.Sprint(c.first) || r.Key != nil {
			t.Errorf("from %v: first record at offset %d, value %q, key %q; expected offset %d", c.offset, r.Offset, r.Value, r.Key, c.first)
		}
	}
	if s := fluvio.FromEnd(3).String(); s != "FromEnd(3)" {
		t.Errorf("FromEnd(3).String() = %q", s)
	}
}

// NextBatch hands over several waiting records per call, in order; keys
// keep the difference between none and empty.
func TestNextBatch(t *testing.T) {
	const topic, n, max = "batches", 300, 16
	client := setup(t, topic, 1)
	ctx := testContext(t)
	producer := newProducer(t, client, topic, nil)
	for i := 0; i < n; i++ {
		var key []byte
		switch i % 3 {
		case 1:
			key = []byte{}
		case 2:
			key = []byte(fmt.Sprintf("k%d", i))
		}
		if err := producer.Enqueue(ctx, key, []byte(fmt.Sprintf("v%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := producer.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	stream := openStream(t, client, topic, nil, fluvio.Beginning())
	var got []fluvio.Record
	largest := 0
	for len(got) < n {
		batch, err := stream.NextBatch(ctx, max)
		if err != nil {
			t.Fatalf("after %d records: %v", len(got), err)
		}
		if len(batch) < 1 || len(batch) > max {
			t.Fatalf("a batch of %d records (max %d)", len(batch), max)
		}
		if len(batch) > largest {
			largest = len(batch)
		}
		got = append(got, batch...)
	}
	if len(got) != n {
		t.Fatalf("%d records, %d sent", len(got), n)
	}
	if largest < 2 {
		t.Errorf("no batch held more than one record")
	}
	for i, r := range got {
		if r.Offset != int64(i) || string(r.Value) != fmt.Sprintf("v%d", i) {
			t.Fatalf("record %d: offset %d value %q", i, r.Offset, r.Value)
		}
		switch i % 3 {
		case 0:
			if r.Key != nil {
				t.Fatalf("record %d: key %q, sent none", i, r.Key)
			}
		case 1:
			if r.Key == nil || len(r.Key) != 0 {
				t.Fatalf("record %d: key %#v, sent an empty one", i, r.Key)
			}
		case 2:
			if !bytes.Equal(r.Key, []byte(fmt.Sprintf("k%d", i))) {
				t.Fatalf("record %d: key %q", i, r.Key)
			}
		}
	}

	for _, max := range []int{0, -1} {
		_, err := stream.NextBatch(ctx, max)
		var e *fluvio.Error
		if !errors.Is(err, fluvio.ErrInvalidArgument) || !errors.As(err, &e) || e.Message == "" {
			t.Fatalf("NextBatch(%d): %v", max, err)
		}
	}
}

// A stream that stops at the end says so with io.EOF.
func TestStopAtEnd(t *testing.T) {
	const topic = "finite"
	client := setup(t, topic, 1)
	ctx := testContext(t)
	producer := newProducer(t, client, topic, &fluvio.ProducerConfig{Linger: fluvio.NoLinger})
	for i := 0; i < 3; i++ {
		if _, err := producer.SendString(ctx, "", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	stream := openStream(t, client, topic, &fluvio.ConsumerConfig{StopAtEnd: true}, fluvio.Beginning())
	readN(t, stream, 3)
	_, err := stream.Next(ctx)
	if !errors.Is(err, io.EOF) || !errors.Is(err, fluvio.ErrEndOfStream) {
		t.Fatalf("after the last record: %v", err)
	}
}

// Compressed batches round-trip; a topic's mandatory codec is enforced.
func TestCompression(t *testing.T) {
	client := connect(t, startCluster(t, 1))
	ctx := testContext(t)
	for _, codec := range []fluvio.Compression{fluvio.CompressionGzip, fluvio.CompressionSnappy, fluvio.CompressionLZ4, fluvio.CompressionZstd} {
		topic := "codec-" + codec.String()
		if err := client.CreateTopic(ctx, topic, &fluvio.TopicConfig{Compression: codec}); err != nil {
			t.Fatal(err)
		}
		producer := newProducer(t, client, topic, &fluvio.ProducerConfig{Compression: codec, Linger: fluvio.NoLinger})
		value := bytes.Repeat([]byte(codec.String()), 1000)
		if _, err := producer.Send(ctx, []byte("k"), value); err != nil {
			t.Fatalf("%v: %v", codec, err)
		}
		r := readN(t, openStream(t, client, topic, nil, fluvio.Beginning()), 1)[0]
		if !bytes.Equal(r.Value, value) {
			t.Fatalf("%v: %d bytes back, %d sent", codec, len(r.Value), len(value))
		}
		if codec != fluvio.CompressionZstd {
			continue
		}
		_, err := client.Producer(ctx, topic, &fluvio.ProducerConfig{Compression: fluvio.CompressionGzip})
		if !errors.Is(err, fluvio.ErrInvalidArgument) {
			t.Fatalf("a gzip producer for a zstd topic: %v", err)
		}
	}
}

// A named consumer resumes after what it committed.
func TestCommitAndResume(t *testing.T) {
	const topic = "resume"
	client := setup(t, topic, 1)
	ctx := testContext(t)
	producer := newProducer(t, client, topic, nil)
	for i := 0; i < 6; i++ {
		if err := producer.Enqueue(ctx, nil, []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := producer.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	named := &fluvio.ConsumerConfig{ConsumerID: "reader", OffsetStrategy: fluvio.OffsetStrategyManual}
	stream := openStream(t, client, topic, named, fluvio.Beginning())
	readN(t, stream, 3)
	if err := stream.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := stream.FlushOffsets(ctx); err != nil {
		t.Fatal(err)
	}
	stream.Close()
	r := readN(t, openStream(t, client, topic, named, fluvio.Beginning()), 1)[0]
	if r.Offset != 3 {
		t.Fatalf("resumed at offset %d, committed up to 2", r.Offset)
	}
	// An anonymous consumer starts at the beginning.
	if r := readN(t, openStream(t, client, topic, nil, fluvio.Beginning()), 1)[0]; r.Offset != 0 {
		t.Fatalf("an anonymous consumer starts at offset %d", r.Offset)
	}
}
