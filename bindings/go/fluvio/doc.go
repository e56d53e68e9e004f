// Package fluvio is a Go client for the Fluvio streaming platform, over cgo
// and libfluvio, its C client library.
//
// The package needs libfluvio installed where pkg-config finds it
// (fluvio.pc): cgo builds it with `#cgo pkg-config: fluvio`. It uses only
// the standard library.
//
// A program connects to a cluster's SC and gets a [Client]; from it a
// [Producer] sends records to a topic and a [Consumer] opens a [Stream] that
// reads them back as [Record] values. [StartLocalCluster] starts the
// embedded cluster that ships with libfluvio (one process, durable on local
// disk): the same program works against it and against a real Fluvio
// cluster, only the endpoint differs.
//
//	cluster, err := fluvio.StartLocalCluster(ctx, nil)
//	...
//	defer cluster.Stop()
//	client, err := fluvio.Connect(ctx, cluster.Endpoint())
//	...
//	defer client.Close()
//	err = client.CreateTopic(ctx, "greetings", nil)
//	producer, err := client.Producer(ctx, "greetings", nil)
//	delivery, err := producer.SendString(ctx, "key", "hello")
//	consumer, err := client.Consumer(ctx, "greetings", nil)
//	stream, err := consumer.Stream(ctx, fluvio.Beginning())
//	record, err := stream.Next(ctx)
//
// # Errors
//
// A failure of libfluvio is an [*Error]: its [Status] (the C API's
// fluvio_status), the message of fluvio_last_error(), the cluster's error
// code, and whether retrying may succeed. Every Status is also an error
// value, so errors.Is(err, fluvio.ErrTopicNotFound) (or
// errors.Is(err, fluvio.StatusTopicNotFound)) tests for one, and
// errors.As(err, &e) with e an *Error reads the details. The end of a
// non-continuous stream also matches io.EOF. libfluvio keeps its last error
// per OS thread; the package locks the calling goroutine to its thread
// around each C call and the read of its error, so a message always belongs
// to the call that failed.
//
// # Contexts
//
// Every call that may block takes a context.Context. C calls that take a
// timeout (Stream.Next, Stream.NextBatch, Stream.FlushOffsets,
// Producer.Flush, waiting for room in a full producer queue) are made in
// slices of at most 100 ms, or up to the context's deadline if that is
// sooner, until they are done or the context is; a cancelled call returns
// an error that wraps ctx.Err(), so errors.Is(err, context.Canceled) and
// errors.Is(err, context.DeadlineExceeded) hold. Waiting for a delivery
// ([PendingDelivery.Wait], [Producer.Send]) ends as soon as the context
// is done. C calls without a timeout of their own (connecting, creating a
// producer, consumer or stream, topic admin, starting a cluster) run on a
// goroutine of their own when the context can be cancelled: the caller
// returns ctx.Err() at once, the call finishes in the background within
// libfluvio's own bounds (see [ClientConfig.RequestTimeout]), and whatever
// it made is released then. No goroutine outlives the call it serves.
//
// # Threads and goroutines
//
// Every handle of the package ([Client], [Producer], [PendingDelivery],
// [Consumer], [Stream], [LocalCluster]) is safe for concurrent use by
// several goroutines, as the C API allows for clients, producers, consumers
// and clusters. A stream is read by one thread at a time in libfluvio: the
// package serializes its calls, so concurrent Next calls on one Stream are
// safe but take turns (records go to one caller or the other, never both).
// Settings ([ClientConfig], [ProducerConfig], [ConsumerConfig],
// [TopicConfig], [LocalClusterConfig]) are plain Go values, copied into
// libfluvio when the handle is made. A [Record] is plain Go memory.
//
// Close (Stop for a cluster) releases a handle and is the API: there are no
// finalizers (a [PendingDelivery] holds no C memory and needs no release).
// Closing twice is safe (the second call returns nil); any other call on a closed handle
// returns an *Error with [StatusClosed]. Close waits for calls in progress
// on the handle, at most one slice of theirs. Closing a client does not
// close the producers, consumers and streams made from it: they keep
// working until they are closed themselves.
package fluvio
