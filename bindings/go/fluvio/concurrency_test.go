package fluvio_test

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"libfluvio.dev/fluvio"
)

// Goroutines share a producer, others have their own, a stream is read
// from several goroutines at once: every record arrives once, each
// goroutine's records in its order (the race detector watches).
func TestConcurrentProducersAndReaders(t *testing.T) {
	const topic = "crowded"
	const shared, own, perGoroutine = 6, 2, 40
	client := connect(t, startCluster(t, 2))
	ctx := testContext(t)
	if err := client.CreateTopic(ctx, topic, &fluvio.TopicConfig{Partitions: 3}); err != nil {
		t.Fatal(err)
	}
	producer := newProducer(t, client, topic, &fluvio.ProducerConfig{Linger: 2 * time.Millisecond})

	type sent struct {
		key, value string
		delivery   fluvio.Delivery
	}
	var wg sync.WaitGroup
	results := make(chan sent, (shared+own)*perGoroutine)
	errs := make(chan error, shared+own)
	for g := 0; g < shared+own; g++ {
		g := g
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := producer
			if g >= shared {
				var err error
				if p, err = client.Producer(ctx, topic, &fluvio.ProducerConfig{Linger: time.Millisecond}); err != nil {
					errs <- err
					return
				}
				defer p.Close()
			}
			key := fmt.Sprintf("goroutine-%d", g)
			for i := 0; i < perGoroutine; i++ {
				value := fmt.Sprintf("%d/%d", g, i)
				var d fluvio.Delivery
				var err error
				if g%2 == 0 {
					d, err = p.SendString(ctx, key, value)
				} else {
					var pending *fluvio.PendingDelivery
					if pending, err = p.SendAsync(ctx, []byte(key), []byte(value)); err == nil {
						d, err = pending.Wait(ctx)
					}
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %w", value, err)
					return
				}
				results <- sent{key, value, d}
			}
		}()
	}
	// Flushes from yet another goroutine meanwhile.
	flushed := make(chan error, 1)
	go func() {
		var err error
		for i := 0; i < 20 && err == nil; i++ {
			err = producer.Flush(ctx)
		}
		flushed <- err
	}()
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}

	// Distinct offsets; a key's records in sending order.
	byKey := map[string][]sent{}
	at := map[[2]int64]string{}
	total := 0
	for s := range results {
		total++
		where := [2]int64{int64(s.delivery.Partition), s.delivery.Offset}
		if other, taken := at[where]; taken {
			t.Fatalf("%s and %s both delivered at partition %d offset %d", other, s.value, where[0], where[1])
		}
		at[where] = s.value
		byKey[s.key] = append(byKey[s.key], s)
	}
	if total != (shared+own)*perGoroutine {
		t.Fatalf("%d deliveries", total)
	}

	// Three goroutines read one stream of every partition.
	stream := openStream(t, client, topic, nil, fluvio.Beginning())
	var readers sync.WaitGroup
	var mu sync.Mutex
	var read []fluvio.Record
	all := make(chan struct{})
	readErrs := make(chan error, 3)
	for r := 0; r < 3; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				batch, err := stream.NextBatch(ctx, 7)
				if err != nil {
					readErrs <- err
					return
				}
				mu.Lock()
				read = append(read, batch...)
				if len(read) == total {
					close(all)
				}
				mu.Unlock()
			}
		}()
	}
	// The readers wait in NextBatch once all records are in: closing the
	// stream ends them.
	select {
	case <-all:
	case err := <-readErrs:
		t.Fatal(err)
	}
	stream.Close()
	readers.Wait()
	close(readErrs)
	for err := range readErrs {
		if !errors.Is(err, fluvio.ErrClosed) {
			t.Fatal(err)
		}
	}
	if len(read) != total {
		t.Fatalf("%d records read, %d delivered", len(read), total)
	}
	seen := map[[2]int64]bool{}
	for _, r := range read {
		where := [2]int64{int64(r.Partition), r.Offset}
		if seen[where] || at[where] != string(r.Value) {
			t.Fatalf("partition %d offset %d: %q (seen before: %v), delivered %q", r.Partition, r.Offset, r.Value, seen[where], at[where])
		}
		seen[where] = true
	}
	for key, records := range byKey {
		partition := records[0].delivery.Partition
		offsets := make([]int64, len(records))
		for i, s := range records {
			if s.delivery.Partition != partition {
				t.Fatalf("%s went to partitions %d and %d", key, partition, s.delivery.Partition)
			}
			offsets[i] = s.delivery.Offset
		}
		if !sort.SliceIsSorted(offsets, func(i, j int) bool { return offsets[i] < offsets[j] }) {
			t.Fatalf("%s's records were stored out of order: %v", key, offsets)
		}
	}
}

// Every handle may be closed twice; calls after Close fail with ErrClosed;
// a Next in progress ends with ErrClosed; no goroutine is left.
func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	const topic = "closing"
	runtime.GC()
	before := runtime.NumGoroutine()
	ctx := testContext(t)
	cluster, err := fluvio.StartLocalCluster(ctx, &fluvio.LocalClusterConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	client, err := fluvio.Connect(ctx, cluster.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	if err := client.CreateTopic(ctx, topic, nil); err != nil {
		t.Fatal(err)
	}
	producer, err := client.Producer(ctx, topic, &fluvio.ProducerConfig{Linger: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	consumer, err := client.Consumer(ctx, topic, nil)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := consumer.Stream(ctx, fluvio.Beginning())
	if err != nil {
		t.Fatal(err)
	}

	// Close flushes what lingers: the delivery is settled.
	pending, err := producer.SendAsync(ctx, []byte("k"), []byte("flushed by Close"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < 2; i++ {
		if err := producer.Close(); err != nil {
			t.Fatalf("producer Close #%d: %v", i+1, err)
		}
	}
	if elapsed := time.Since(start); elapsed > promptly {
		t.Fatalf("closing a producer took %v", elapsed)
	}
	if d, err := pending.Wait(ctx); err != nil || d.Offset != 0 {
		t.Fatalf("delivery of a record sent before Close: %+v, %v", d, err)
	}
	_, err = producer.SendString(ctx, "k", "too late")
	if e := expectError(t, "Send after Close", err, fluvio.StatusClosed, fluvio.ErrClosed); e.Op != "send" {
		t.Fatalf("Send after Close: op %q", e.Op)
	}
	expectError(t, "Flush after Close", producer.Flush(ctx), fluvio.StatusClosed, fluvio.ErrClosed)

	// The consumer goes first: its stream keeps working.
	for i := 0; i < 2; i++ {
		if err := consumer.Close(); err != nil {
			t.Fatalf("consumer Close #%d: %v", i+1, err)
		}
	}
	_, err = consumer.Stream(ctx, fluvio.Beginning())
	expectError(t, "Stream after Close", err, fluvio.StatusClosed, fluvio.ErrClosed)
	if r, err := stream.Next(ctx); err != nil || string(r.Value) != "flushed by Close" {
		t.Fatalf("Next after the consumer's Close: %+v, %v", r, err)
	}

	// A Next waiting when the stream closes.
	waiting := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		close(started)
		_, err := stream.Next(ctx)
		waiting <- err
	}()
	<-started
	start = time.Now()
	for i := 0; i < 2; i++ {
		if err := stream.Close(); err != nil {
			t.Fatalf("stream Close #%d: %v", i+1, err)
		}
	}
	if elapsed := time.Since(start); elapsed > promptly {
		t.Fatalf("closing a stream with a Next waiting took %v", elapsed)
	}
	select {
	case err := <-waiting:
		expectError(t, "Next during Close", err, fluvio.StatusClosed, fluvio.ErrClosed)
	case <-time.After(promptly):
		t.Fatal("Next still waits after Close")
	}
	_, err = stream.NextBatch(ctx, 4)
	expectError(t, "NextBatch after Close", err, fluvio.StatusClosed, fluvio.ErrClosed)

	for i := 0; i < 2; i++ {
		if err := client.Close(); err != nil {
			t.Fatalf("client Close #%d: %v", i+1, err)
		}
	}
	_, err = client.ListTopics(ctx)
	expectError(t, "ListTopics after Close", err, fluvio.StatusClosed, fluvio.ErrClosed)
	_, err = client.Producer(ctx, topic, nil)
	expectError(t, "Producer after Close", err, fluvio.StatusClosed, fluvio.ErrClosed)

	endpoint := cluster.Endpoint()
	for i := 0; i < 2; i++ {
		if err := cluster.Stop(); err != nil {
			t.Fatalf("cluster Stop #%d: %v", i+1, err)
		}
	}
	_, err = fluvio.Connect(ctx, endpoint)
	expectError(t, "Connect to a stopped cluster", err, fluvio.StatusConnection, fluvio.ErrConnection)
	waitForGoroutines(t, before)
}
