package fluvio_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"libfluvio.dev/fluvio"
)

// testContext bounds a test's calls: a broken wait fails the test instead
// of hanging it.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startCluster starts an embedded cluster with spus SPUs on a fresh
// directory, stopped when the test ends.
func startCluster(t *testing.T, spus int) *fluvio.LocalCluster {
	t.Helper()
	cluster, err := fluvio.StartLocalCluster(testContext(t), &fluvio.LocalClusterConfig{DataDir: t.TempDir(), SPUs: spus})
	if err != nil {
		t.Fatalf("start the embedded cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := cluster.Stop(); err != nil {
			t.Errorf("stop the embedded cluster: %v", err)
		}
	})
	return cluster
}

// connect connects to cluster, closed when the test ends.
func connect(t *testing.T, cluster *fluvio.LocalCluster) *fluvio.Client {
	t.Helper()
	client, err := fluvio.Connect(testContext(t), cluster.Endpoint())
	if err != nil {
		t.Fatalf("connect to %s: %v", cluster.Endpoint(), err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

// setup starts a cluster, connects, and creates topic with partitions.
func setup(t *testing.T, topic string, partitions uint32) *fluvio.Client {
	t.Helper()
	client := connect(t, startCluster(t, 1))
	if err := client.CreateTopic(testContext(t), topic, &fluvio.TopicConfig{Partitions: partitions}); err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	return client
}

func newProducer(t *testing.T, client *fluvio.Client, topic string, config *fluvio.ProducerConfig) *fluvio.Producer {
	t.Helper()
	producer, err := client.Producer(testContext(t), topic, config)
	if err != nil {
		t.Fatalf("producer for %s: %v", topic, err)
	}
	t.Cleanup(func() { producer.Close() })
	return producer
}

// openStream opens a stream of topic from offset, closed when the test ends.
func openStream(t *testing.T, client *fluvio.Client, topic string, config *fluvio.ConsumerConfig, offset fluvio.Offset) *fluvio.Stream {
	t.Helper()
	ctx := testContext(t)
	consumer, err := client.Consumer(ctx, topic, config)
	if err != nil {
		t.Fatalf("consumer of %s: %v", topic, err)
	}
	t.Cleanup(func() { consumer.Close() })
	stream, err := consumer.Stream(ctx, offset)
	if err != nil {
		t.Fatalf("stream of %s from %v: %v", topic, offset, err)
	}
	t.Cleanup(func() { stream.Close() })
	return stream
}

// readN reads n records with Next.
func readN(t *testing.T, stream *fluvio.Stream, n int) []fluvio.Record {
	t.Helper()
	ctx := testContext(t)
	records := make([]fluvio.Record, 0, n)
	for len(records) < n {
		record, err := stream.Next(ctx)
		if err != nil {
			t.Fatalf("after %d of %d records: %v", len(records), n, err)
		}
		records = append(records, record)
	}
	return records
}

// waitForGoroutines waits (a few seconds at most) until no more goroutines
// run than before: goroutines that just ended may not be counted out yet.
func waitForGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines run, %d before:\n%s", runtime.NumGoroutine(), before, buf[:n])
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}
