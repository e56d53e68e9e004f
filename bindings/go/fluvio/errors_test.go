package fluvio_test

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"libfluvio.dev/fluvio"
)

// expectError checks that err is an *Error of status with a message, that
// it matches sentinel and no other status.
func expectError(t *testing.T, what string, err error, status fluvio.Status, sentinel error) *fluvio.Error {
	t.Helper()
	var e *fluvio.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: %v (%T), expected a *fluvio.Error of %v", what, err, err, status)
	}
	if e.Status != status || e.Message == "" {
		t.Fatalf("%s: status %v, message %q; expected %v with a message", what, e.Status, e.Message, status)
	}
	if !errors.Is(err, sentinel) || !errors.Is(err, status) {
		t.Fatalf("%s: %v does not match %v", what, err, sentinel)
	}
	for _, other := range []error{fluvio.ErrTimeout, fluvio.ErrInvalidArgument, fluvio.ErrConnection, fluvio.ErrTopicNotFound, fluvio.ErrClosed} {
		if other != sentinel && errors.Is(err, other) {
			t.Fatalf("%s: %v also matches %v", what, err, other)
		}
	}
	if !strings.Contains(err.Error(), status.String()) || !strings.Contains(err.Error(), e.Message) {
		t.Fatalf("%s: Error() = %q lacks the status or message", what, err.Error())
	}
	return e
}

func TestStatusNames(t *testing.T) {
	for status, name := range map[fluvio.Status]string{
		fluvio.StatusOK:              "FLUVIO_OK",
		fluvio.StatusTimeout:         "FLUVIO_ERR_TIMEOUT",
		fluvio.StatusTopicNotFound:   "FLUVIO_ERR_TOPIC_NOT_FOUND",
		fluvio.StatusEndOfStream:     "FLUVIO_END_OF_STREAM",
		fluvio.StatusSmartModule:     "FLUVIO_ERR_SMARTMODULE",
		fluvio.Status(9999):          "FLUVIO_UNKNOWN_STATUS",
		fluvio.StatusInvalidArgument: "FLUVIO_ERR_INVALID_ARGUMENT",
	} {
		if status.String() != name || fmt.Sprint(status) != name {
			t.Errorf("status %d is called %q (%v); expected %s", int32(status), status.String(), status, name)
		}
	}
}

func TestErrorsFromBadInput(t *testing.T) {
	client := connect(t, startCluster(t, 1))
	ctx := testContext(t)

	err := client.CreateTopic(ctx, "Not_A_Valid_Name!", nil)
	e := expectError(t, "invalid topic name", err, fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)
	if e.Op != "create topic" || !strings.Contains(e.Message, "Not_A_Valid_Name!") || e.Retriable {
		t.Fatalf("invalid topic name: op %q, message %q, retriable %v", e.Op, e.Message, e.Retriable)
	}
	// A NUL byte is refused before C could cut the name short.
	expectError(t, "NUL in a name", client.CreateTopic(ctx, "ok\x00no", nil), fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)

	if err := client.CreateTopic(ctx, "twice", nil); err != nil {
		t.Fatal(err)
	}
	e = expectError(t, "topic exists", client.CreateTopic(ctx, "twice", nil), fluvio.StatusTopicExists, fluvio.ErrTopicExists)
	if e.CodeName() != "TopicAlreadyExists" {
		t.Fatalf("topic exists: code %d (%s)", e.Code, e.CodeName())
	}

	e = expectError(t, "delete a missing topic", client.DeleteTopic(ctx, "missing"), fluvio.StatusTopicNotFound, fluvio.ErrTopicNotFound)
	if e.Code != 2001 || e.CodeName() != "TopicNotFound" {
		t.Fatalf("delete a missing topic: code %d (%s)", e.Code, e.CodeName())
	}
	_, err = client.Consumer(ctx, "missing", nil)
	expectError(t, "consume a missing topic", err, fluvio.StatusTopicNotFound, fluvio.ErrTopicNotFound)
	_, err = client.Producer(ctx, "missing", nil)
	expectError(t, "produce to a missing topic", err, fluvio.StatusTopicNotFound, fluvio.ErrTopicNotFound)

	_, err = client.Producer(ctx, "twice", &fluvio.ProducerConfig{Linger: 2 * time.Hour})
	e = expectError(t, "a linger of two hours", err, fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)
	if !strings.Contains(e.Message, "linger") {
		t.Fatalf("a linger of two hours: %q", e.Message)
	}
	_, err = client.Consumer(ctx, "twice", &fluvio.ConsumerConfig{OffsetStrategy: fluvio.OffsetStrategyManual})
	expectError(t, "offsets without a consumer id", err, fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)
	_, err = client.Consumer(ctx, "twice", &fluvio.ConsumerConfig{Partitions: []uint32{7}})
	expectError(t, "a partition the topic lacks", err, fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)
	stream := openStream(t, client, "twice", nil, fluvio.Beginning())
	expectError(t, "commit without a consumer id", stream.Commit(), fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)

	consumer, err := client.Consumer(ctx, "twice", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()
	_, err = consumer.Stream(ctx, fluvio.Absolute(-1))
	expectError(t, "a negative offset", err, fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)

	producer := newProducer(t, client, "twice", &fluvio.ProducerConfig{MaxRequestSize: 1024})
	_, err = producer.Send(ctx, nil, make([]byte, 4096))
	expectError(t, "a record over the request size", err, fluvio.StatusRecordTooLarge, fluvio.ErrRecordTooLarge)
}

func TestConnectToAClosedPort(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := listener.Addr().String()
	listener.Close()
	_, err = fluvio.Connect(testContext(t), endpoint)
	e := expectError(t, "connect to a closed port", err, fluvio.StatusConnection, fluvio.ErrConnection)
	if !strings.Contains(e.Message, endpoint) || !e.Retriable {
		t.Fatalf("connect to a closed port: message %q, retriable %v", e.Message, e.Retriable)
	}
	_, err = fluvio.ConnectWithConfig(testContext(t), fluvio.ClientConfig{Endpoint: endpoint, ClientID: "go-test", RequestTimeout: time.Second})
	expectError(t, "connect with a config to a closed port", err, fluvio.StatusConnection, fluvio.ErrConnection)
	_, err = fluvio.ConnectWithConfig(testContext(t), fluvio.ClientConfig{Endpoint: endpoint, TLS: &fluvio.TLSConfig{ClientCert: "-----BEGIN nothing"}})
	expectError(t, "mutual TLS without a key", err, fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)
}

// Each failure's message is read on the OS thread of its own call, while
// other goroutines fail differently at the same time.
func TestErrorMessagesBelongToTheirCall(t *testing.T) {
	client := connect(t, startCluster(t, 1))
	ctx := testContext(t)
	const goroutines, calls = 8, 25
	var wg sync.WaitGroup
	failures := make(chan string, goroutines*calls)
	for g := 0; g < goroutines; g++ {
		g := g
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				var err error
				var name string
				var status fluvio.Status
				if (g+i)%2 == 0 {
					name = fmt.Sprintf("Invalid_%d_%d", g, i)
					status = fluvio.StatusInvalidArgument
					err = client.CreateTopic(ctx, name, nil)
				} else {
					name = fmt.Sprintf("missing-%d-%d", g, i)
					status = fluvio.StatusTopicNotFound
					err = client.DeleteTopic(ctx, name)
				}
				var e *fluvio.Error
				if !errors.As(err, &e) || e.Status != status || !strings.Contains(e.Message, "'"+name+"'") {
					failures <- fmt.Sprintf("%s: %v", name, err)
				}
			}
		}()
	}
	wg.Wait()
	close(failures)
	for failure := range failures {
		t.Error(failure)
	}
}
