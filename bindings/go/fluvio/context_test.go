package fluvio_test

import (
	"context"
	"errors"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"libfluvio.dev/fluvio"
)

// How much later than asked a cancelled call may return: one slice
// (100 ms) and slack for a loaded machine under the race detector.
const promptly = time.Second

func expectContextError(t *testing.T, what string, err error, want error) {
	t.Helper()
	var ce *fluvio.ContextError
	if !errors.Is(err, want) || !errors.As(err, &ce) || ce.Op == "" {
		t.Fatalf("%s: %v (%T); expected a *fluvio.ContextError wrapping %v", what, err, err, want)
	}
	var e *fluvio.Error
	if errors.As(err, &e) {
		t.Fatalf("%s: %v is also a *fluvio.Error", what, err)
	}
}

// A Next with nothing to read ends when its context does, and the stream
// keeps working.
func TestNextHonoursContext(t *testing.T) {
	const topic = "quiet"
	client := setup(t, topic, 1)
	stream := openStream(t, client, topic, nil, fluvio.End())

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	_, err := stream.Next(cancelled)
	expectContextError(t, "Next with a cancelled context", err, context.Canceled)
	if elapsed := time.Since(start); elapsed > promptly {
		t.Fatalf("Next with a cancelled context took %v", elapsed)
	}

	const wait = 300 * time.Millisecond
	deadline, cancelDeadline := context.WithTimeout(context.Background(), wait)
	defer cancelDeadline()
	start = time.Now()
	_, err = stream.NextBatch(deadline, 8)
	elapsed := time.Since(start)
	expectContextError(t, "NextBatch past its deadline", err, context.DeadlineExceeded)
	if elapsed < wait || elapsed > wait+promptly {
		t.Fatalf("NextBatch with a %v deadline returned after %v", wait, elapsed)
	}

	later, cancelLater := context.WithCancel(context.Background())
	timer := time.AfterFunc(wait, cancelLater)
	defer timer.Stop()
	start = time.Now()
	_, err = stream.Next(later)
	elapsed = time.Since(start)
	expectContextError(t, "Next cancelled while it waits", err, context.Canceled)
	if elapsed < wait || elapsed > wait+promptly {
		t.Fatalf("Next cancelled after %v returned after %v", wait, elapsed)
	}

	// The stream lost nothing.
	producer := newProducer(t, client, topic, &fluvio.ProducerConfig{Linger: fluvio.NoLinger})
	ctx := testContext(t)
	if _, err := producer.SendString(ctx, "k", "after the cancellations"); err != nil {
		t.Fatal(err)
	}
	record, err := stream.Next(ctx)
	if err != nil || string(record.Value) != "after the cancellations" || record.Offset != 0 {
		t.Fatalf("Next after the cancellations: %+v, %v", record, err)
	}
}

// Waiting for a delivery and flushing end with their context too; calls
// with a cancelled context do not start.
func TestProducerHonoursContext(t *testing.T) {
	const topic = "patient"
	client := setup(t, topic, 1)
	// A linger far longer than the test: nothing is sent before a flush.
	producer := newProducer(t, client, topic, &fluvio.ProducerConfig{Linger: time.Hour})
	ctx := testContext(t)
	pending, err := producer.SendAsync(ctx, nil, []byte("lingering"))
	if err != nil {
		t.Fatal(err)
	}
	const wait = 200 * time.Millisecond
	short, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	start := time.Now()
	_, err = pending.Wait(short)
	expectContextError(t, "Wait for a lingering record", err, context.DeadlineExceeded)
	if elapsed := time.Since(start); elapsed < wait || elapsed > wait+promptly {
		t.Fatalf("Wait with a %v deadline returned after %v", wait, elapsed)
	}
	select {
	case <-pending.Done():
		t.Fatal("a record lingering for an hour was delivered")
	default:
	}

	cancelled, cancelNow := context.WithCancel(ctx)
	cancelNow()
	expectContextError(t, "Flush with a cancelled context", producer.Flush(cancelled), context.Canceled)
	_, err = producer.SendString(cancelled, "", "never")
	expectContextError(t, "Send with a cancelled context", err, context.Canceled)
	expectContextError(t, "CreateTopic with a cancelled context", client.CreateTopic(cancelled, "never", nil), context.Canceled)
	_, err = client.ListTopics(cancelled)
	expectContextError(t, "ListTopics with a cancelled context", err, context.Canceled)

	if err := producer.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	delivery, err := pending.Wait(ctx)
	if err != nil || delivery.Offset != 0 {
		t.Fatalf("after the flush: %+v, %v", delivery, err)
	}
	if topics, err := client.ListTopics(ctx); err != nil || len(topics) != 1 || topics[0].Name != topic {
		t.Fatalf("topics: %+v, %v", topics, err)
	}
}

// Connect to a server that never answers returns at the context's
// deadline; the abandoned call ends as soon as the server goes, and no
// goroutine is left behind.
func TestConnectHonoursContext(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	accepted := make(chan struct{})
	go func() {
		defer close(accepted)
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	runtime.GC()
	before := runtime.NumGoroutine()

	const wait = 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	start := time.Now()
	client, err := fluvio.Connect(ctx, listener.Addr().String())
	elapsed := time.Since(start)
	expectContextError(t, "Connect to a silent server", err, context.DeadlineExceeded)
	if client != nil || elapsed < wait || elapsed > wait+promptly {
		t.Fatalf("Connect with a %v deadline returned %v after %v", wait, client, elapsed)
	}

	listener.Close()
	<-accepted
	mu.Lock()
	for _, conn := range conns {
		conn.Close()
	}
	mu.Unlock()
	waitForGoroutines(t, before-1)
}
