// produce_consume in Go, over the Go package libfluvio.dev/fluvio
// (../../bindings/go/fluvio, cgo over the installed libfluvio): the same
// program as ../pkg-config/produce_consume.c.
//
//	FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume produce TOPIC COUNT
//	FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume consume TOPIC COUNT
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"libfluvio.dev/fluvio"
)

// How long produce waits for the deliveries, and consume for the next
// records.
const recordTimeout = 10 * time.Second

// Records taken from a stream per call.
const batchMax = 64

// produce sends count records and waits for the delivery of each instead of
// flushing.
func produce(ctx context.Context, client *fluvio.Client, topic string, count int) error {
	err := client.CreateTopic(ctx, topic, &fluvio.TopicConfig{Partitions: 1, Replication: 1})
	if err != nil && !errors.Is(err, fluvio.ErrTopicExists) {
		return err
	}
	producer, err := client.Producer(ctx, topic, nil)
	if err != nil {
		return err
	}
	defer producer.Close()

	pending := make([]*fluvio.PendingDelivery, count)
	for i := range pending {
		key := []byte("key-" + strconv.Itoa(i))
		value := []byte("go record " + strconv.Itoa(i))
		// Copied before SendAsync returns; the delivery comes later.
		if pending[i], err = producer.SendAsync(ctx, key, value); err != nil {
			return err
		}
	}
	// Exactly one delivery per record, at consecutive offsets (one
	// partition).
	deliveries, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	var firstOffset int64
	for i, p := range pending {
		delivery, err := p.Wait(deliveries)
		if err != nil {
			return fmt.Errorf("record %d not delivered: %w", i, err)
		}
		if i == 0 {
			firstOffset = delivery.Offset
		}
		if delivery.Offset != firstOffset+int64(i) {
			return fmt.Errorf("record %d delivered at offset %d", i, delivery.Offset)
		}
	}
	if err := producer.Close(); err != nil {
		return err
	}
	fmt.Printf("produced %d records to %s\n", count, topic)
	return nil
}

func consume(ctx context.Context, client *fluvio.Client, topic string, count int) error {
	consumer, err := client.Consumer(ctx, topic, &fluvio.ConsumerConfig{Partitions: []uint32{0}})
	if err != nil {
		return err
	}
	defer consumer.Close()
	stream, err := consumer.Stream(ctx, fluvio.Beginning())
	if err != nil {
		return err
	}
	defer stream.Close()
	for i := 0; i < count; {
		// One cgo call hands over up to batchMax records, copied into Go
		// memory.
		next, cancel := context.WithTimeout(ctx, recordTimeout)
		batch, err := stream.NextBatch(next, batchMax)
		cancel()
		if err != nil {
			return err
		}
		for _, record := range batch {
			expectedKey := "key-" + strconv.Itoa(i)
			if record.Key == nil || record.Offset != int64(i) || string(record.Key) != expectedKey {
				return fmt.Errorf("record %d: offset %d, key %q; expected %s", i, record.Offset, record.Key, expectedKey)
			}
			fmt.Printf("%d %s %s\n", i, expectedKey, record.Value)
			i++
		}
	}
	fmt.Printf("consumed %d records from %s\n", count, topic)
	return nil
}

func run(mode, topic string, count int) error {
	header, library := fluvio.HeaderVersion(), fluvio.Version()
	fmt.Printf("libfluvio %s (header %s)\n", library, header)
	if header != library {
		return fmt.Errorf("compiled with the header of libfluvio %s but running with %s", header, library)
	}

	ctx := context.Background()
	// "": the endpoint in FLUVIO_ENDPOINT, else 127.0.0.1:9003.
	client, err := fluvio.Connect(ctx, "")
	if err != nil {
		return err
	}
	defer client.Close()
	if mode == "produce" {
		return produce(ctx, client, topic, count)
	}
	return consume(ctx, client, topic, count)
}

func main() {
	count := -1
	if len(os.Args) == 4 {
		if n, err := strconv.Atoi(os.Args[3]); err == nil {
			count = n
		}
	}
	if count < 0 || (os.Args[1] != "produce" && os.Args[1] != "consume") {
		fmt.Fprintf(os.Stderr, "usage: %s produce|consume TOPIC COUNT\n", os.Args[0])
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], count); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
