package fluvio

// #include <stdbool.h>
// #include <stdint.h>
// #include <stdlib.h>
// #include <fluvio.h>
//
// // Defined in Go (reports.go, //export gofluvioDeliveryReport).
// extern void gofluvioDeliveryReport(void *user_data, struct fluvio_delivery_report *report);
//
// // The callback as libfluvio types it (cgo declares exports without const).
// static fluvio_delivery_report_fn gofluvio_report_fn(void) {
//     return (fluvio_delivery_report_fn)gofluvioDeliveryReport;
// }
//
// // Integers carried as void *: C may not keep Go pointers.
// static void *gofluvio_pointer(uintptr_t value) { return (void *)value; }
//
// // One record, sent in one cgo call. has_key false: no key; true with
// // key_len 0: an empty key, which needs a non-NULL pointer.
// static enum fluvio_status gofluvio_send(struct fluvio_producer *producer,
//                                    const void *key, size_t key_len, bool has_key,
//                                    const void *value, size_t value_len,
//                                    uintptr_t opaque) {
//     if (!has_key) key = NULL;
//     else if (key == NULL) key = "";
//     return fluvio_producer_send_opaque(producer, key, key_len, value, value_len, (void *)opaque);
// }
import "C"

import (
	"context"
	"errors"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// Compression is the codec of produced batches, or what a topic accepts.
type Compression int

// Codecs. The zero value, CompressionDefault, leaves the choice to
// libfluvio: for a producer, no compression unless the topic mandates a
// codec; for a topic, CompressionAny.
const (
	// CompressionDefault is libfluvio's default.
	CompressionDefault Compression = iota
	// CompressionNone sends batches uncompressed.
	CompressionNone
	// CompressionGzip is gzip.
	CompressionGzip
	// CompressionSnappy is Snappy (framing format).
	CompressionSnappy
	// CompressionLZ4 is LZ4 (frame format).
	CompressionLZ4
	// CompressionZstd is Zstandard.
	CompressionZstd
	// CompressionAny: a topic accepts batches of any codec (not a producer
	// setting).
	CompressionAny
)

// c is the FLUVIO_COMPRESSION_* value.
func (c Compression) c() C.fluvio_compression {
	return C.fluvio_compression(c - 1)
}

func compressionOf(c C.fluvio_compression) Compression {
	return Compression(c) + 1
}

// String names the codec ("gzip", "any", ...).
func (c Compression) String() string {
	switch c {
	case CompressionDefault:
		return "default"
	case CompressionNone:
		return "none"
	case CompressionGzip:
		return "gzip"
	case CompressionSnappy:
		return "snappy"
	case CompressionLZ4:
		return "lz4"
	case CompressionZstd:
		return "zstd"
	case CompressionAny:
		return "any"
	}
	return "unknown"
}

// NoLinger, as [ProducerConfig.Linger], sends each batch as soon as
// possible.
const NoLinger time.Duration = -1

// RetryPolicy is the at-least-once retry policy: at most MaxRetries retries
// per batch, the first after InitialBackoff, each next one twice as late up
// to MaxBackoff; a batch still failing Timeout after it was first sent
// (negative: never) fails for good.
type RetryPolicy struct {
	// MaxRetries is the most retries per batch.
	MaxRetries uint32
	// InitialBackoff is the wait before the first retry.
	InitialBackoff time.Duration
	// MaxBackoff bounds the wait between retries.
	MaxBackoff time.Duration
	// Timeout bounds a batch's retries, from when it was first sent.
	Timeout time.Duration
}

// ProducerConfig holds a producer's settings; zero fields take libfluvio's
// defaults (those of fluvio_producer_config_new).
type ProducerConfig struct {
	// BatchSize sends a partition's batch once its uncompressed size
	// reaches this many bytes (0: 16384).
	BatchSize int
	// Linger is how long a batch waits for more records before it is sent
	// (0: 100 ms; NoLinger: as soon as possible). [Producer.Send] waits for
	// it: with one record at a time, a short linger means a short wait.
	Linger time.Duration
	// Compression is the codec of the batches (CompressionDefault: none,
	// unless the topic mandates one).
	Compression Compression
	// MaxRequestSize is the largest uncompressed batch a request may carry
	// (0: 1 MiB); a larger record fails with StatusRecordTooLarge.
	MaxRequestSize int
	// QueueBatches is how many batches may wait per partition before a send
	// waits for room (0: 100).
	QueueBatches int
	// QueueNoBlock makes a send fail at once with StatusQueueFull instead
	// of waiting for room.
	QueueNoBlock bool
	// QueueTimeout bounds the wait for room (0: 30 s; negative: without
	// limit), besides the send's context; then the send fails with
	// StatusTimeout. libfluvio waits in slices of 100 ms, fixed when the
	// producer is made: a send may notice its context that much late.
	QueueTimeout time.Duration
	// AtMostOnce selects at-most-once delivery: a failed batch fails at
	// once. The default is at-least-once, with Retry.
	AtMostOnce bool
	// Retry, if not nil, replaces the at-least-once retry policy (the
	// official clients': 4 retries, 20 ms, 200 s, 300 s).
	Retry *RetryPolicy
	// MaxInFlight is how many produce requests per partition may be in
	// flight (0: 5; 1 keeps strict order under every failure).
	MaxInFlight int
	// RequestTimeout is how long the cluster may take to answer a produce
	// request (0: 30 s; negative: without limit).
	RequestTimeout time.Duration
}

// Delivery says where the cluster stored a record.
type Delivery struct {
	// Partition is the partition the record went to.
	Partition uint32
	// Offset is its offset in the partition.
	Offset int64
	// Timestamp is the record's timestamp, as sent.
	Timestamp time.Time
}

// PendingDelivery is the delivery of one record sent by
// [Producer.SendAsync]: known once the cluster acknowledged the record or
// it failed for good. It is safe for concurrent use; nothing needs to be
// released when nobody waits for it.
type PendingDelivery struct {
	done     chan struct{}
	delivery Delivery
	err      error
}

func (d *PendingDelivery) settle(delivery Delivery, err error) {
	d.delivery, d.err = delivery, err
	close(d.done)
}

// Wait waits until the record is delivered, or ctx is done. A delivery
// failure is an [*Error] with Op "deliver". Waiting again returns the same
// result.
func (d *PendingDelivery) Wait(ctx context.Context) (Delivery, error) {
	select {
	case <-d.done:
		return d.delivery, d.err
	default:
	}
	select {
	case <-d.done:
		return d.delivery, d.err
	case <-ctx.Done():
		return Delivery{}, contextError("wait for delivery", ctx.Err())
	}
}

// Done returns a channel closed once the delivery is known (Wait then
// returns at once).
func (d *PendingDelivery) Done() <-chan struct{} {
	return d.done
}

// Producer sends records to one topic. It is safe for concurrent use.
// Records are batched per partition and sent in the background; every
// record's delivery is reported by libfluvio to a goroutine of the
// producer, which ends with Close.
type Producer struct {
	mu           sync.RWMutex
	ptr          *C.struct_fluvio_producer
	reports      *reports
	handle       cgo.Handle
	queueTimeout time.Duration
	stopPolling  chan struct{}
	polled       chan struct{}
}

// producerConfig makes the C settings of config.
func producerConfig(op string, config *ProducerConfig, handle cgo.Handle) (*C.struct_fluvio_producer_config, error) {
	cfg := C.fluvio_producer_config_new()
	if cfg == nil {
		return nil, &Error{Op: op, Status: StatusPanic, Message: "out of memory"}
	}
	set := func(f func() C.enum_fluvio_status) error { return call(op, f) }
	err := func() error {
		userData := C.gofluvio_pointer(C.uintptr_t(handle))
		if err := set(func() C.enum_fluvio_status {
			return C.fluvio_producer_config_set_delivery_report(cfg, C.gofluvio_report_fn(), userData)
		}); err != nil {
			return err
		}
		switch {
		case config.BatchSize < 0:
			return invalid(op, "negative batch size %d", config.BatchSize)
		case config.MaxRequestSize < 0:
			return invalid(op, "negative maximum request size %d", config.MaxRequestSize)
		case config.QueueBatches < 0:
			return invalid(op, "negative queue size %d", config.QueueBatches)
		case config.MaxInFlight < 0:
			return invalid(op, "negative requests in flight %d", config.MaxInFlight)
		}
		if config.BatchSize != 0 {
			if err := set(func() C.enum_fluvio_status {
				return C.fluvio_producer_config_set_batch_size(cfg, C.size_t(config.BatchSize))
			}); err != nil {
				return err
			}
		}
		if config.Linger != 0 {
			ms := C.int32_t(0)
			if config.Linger > 0 {
				ms = milliseconds(config.Linger)
			}
			if err := set(func() C.enum_fluvio_status { return C.fluvio_producer_config_set_linger_ms(cfg, ms) }); err != nil {
				return err
			}
		}
		if config.Compression != CompressionDefault {
			if err := set(func() C.enum_fluvio_status {
				return C.fluvio_producer_config_set_compression(cfg, config.Compression.c())
			}); err != nil {
				return err
			}
		}
		if config.MaxRequestSize != 0 {
			if err := set(func() C.enum_fluvio_status {
				return C.fluvio_producer_config_set_max_request_size(cfg, C.size_t(config.MaxRequestSize))
			}); err != nil {
				return err
			}
		}
		// libfluvio waits for room in slices, so that the send's context
		// is seen; Producer.send enforces QueueTimeout.
		batches := config.QueueBatches
		if batches == 0 {
			batches = 100
		}
		if err := set(func() C.enum_fluvio_status {
			return C.fluvio_producer_config_set_queue(cfg, C.size_t(batches), C.bool(!config.QueueNoBlock), milliseconds(sliceLimit))
		}); err != nil {
			return err
		}
		if config.AtMostOnce && config.Retry != nil {
			return invalid(op, "a retry policy with at-most-once delivery")
		}
		if config.AtMostOnce {
			if err := set(func() C.enum_fluvio_status {
				return C.fluvio_producer_config_set_delivery(cfg, C.FLUVIO_DELIVERY_AT_MOST_ONCE)
			}); err != nil {
				return err
			}
		}
		if r := config.Retry; r != nil {
			if err := set(func() C.enum_fluvio_status {
				return C.fluvio_producer_config_set_retry(cfg, C.uint32_t(r.MaxRetries),
					milliseconds(r.InitialBackoff), milliseconds(r.MaxBackoff), milliseconds(r.Timeout))
			}); err != nil {
				return err
			}
		}
		if config.MaxInFlight != 0 {
			if err := set(func() C.enum_fluvio_status {
				return C.fluvio_producer_config_set_max_in_flight(cfg, C.uint32_t(config.MaxInFlight))
			}); err != nil {
				return err
			}
		}
		if config.RequestTimeout != 0 {
			if err := set(func() C.enum_fluvio_status {
				return C.fluvio_producer_config_set_request_timeout_ms(cfg, milliseconds(config.RequestTimeout))
			}); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		C.fluvio_producer_config_free(cfg)
		return nil, err
	}
	return cfg, nil
}

// Producer creates a producer for topic with config (nil: the defaults).
//
// It fails with [StatusTopicNotFound], [StatusInvalidArgument] (an invalid
// name or setting, a codec the topic does not allow), or a connection
// error.
func (c *Client) Producer(ctx context.Context, topic string, config *ProducerConfig) (*Producer, error) {
	const op = "create producer"
	if config == nil {
		config = &ProducerConfig{}
	}
	queueTimeout := config.QueueTimeout
	if queueTimeout == 0 {
		queueTimeout = 30 * time.Second
	}
	name, err := cString(op, "topic name", topic)
	if err != nil {
		return nil, err
	}
	reports := newReports()
	handle := cgo.NewHandle(reports)
	cfg, err := producerConfig(op, config, handle)
	if err != nil {
		C.free(unsafe.Pointer(name))
		handle.Delete()
		return nil, err
	}
	return background(ctx, op, func() (*Producer, error) {
		defer C.free(unsafe.Pointer(name))
		defer C.fluvio_producer_config_free(cfg)
		var ptr *C.struct_fluvio_producer
		err := c.use(op, func(client *C.struct_fluvio_client) error {
			return call(op, func() C.enum_fluvio_status { return C.fluvio_producer_new(client, name, cfg, &ptr) })
		})
		if err != nil {
			handle.Delete()
			return nil, err
		}
		p := &Producer{
			ptr:          ptr,
			reports:      reports,
			handle:       handle,
			queueTimeout: queueTimeout,
			stopPolling:  make(chan struct{}),
			polled:       make(chan struct{}),
		}
		go p.poll(ptr)
		return p, nil
	}, func(p *Producer) { p.Close() })
}

// poll serves the producer's delivery reports on this goroutine's thread
// until Close.
func (p *Producer) poll(ptr *C.struct_fluvio_producer) {
	defer close(p.polled)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ms := milliseconds(sliceLimit)
	for {
		select {
		case <-p.stopPolling:
			return
		default:
		}
		if err := lastError("deliver", C.fluvio_producer_poll(ptr, ms, nil)); err != nil {
			// A task of the producer panicked: its records were reported.
			p.reports.failAll(err.(*Error))
			return
		}
	}
}

// use calls f with the producer's handle under its read lock, or fails
// with StatusClosed once the producer is closed.
func (p *Producer) use(op string, f func(*C.struct_fluvio_producer) error) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.ptr == nil {
		return closedError(op, "producer")
	}
	return f(p.ptr)
}

// send hands one record to libfluvio, waiting for room in the partition's
// queue while the queue timeout and ctx allow.
func (p *Producer) send(ctx context.Context, op string, key, value []byte, id uintptr) error {
	var keyPtr, valuePtr unsafe.Pointer
	if len(key) > 0 {
		keyPtr = unsafe.Pointer(&key[0])
	}
	if len(value) > 0 {
		valuePtr = unsafe.Pointer(&value[0])
	}
	hasKey := C.bool(key != nil)
	var giveUp time.Time
	for {
		if err := ctx.Err(); err != nil {
			return contextError(op, err)
		}
		// libfluvio copies the record before it returns: the Go memory is
		// not kept.
		err := p.use(op, func(ptr *C.struct_fluvio_producer) error {
			return call(op, func() C.enum_fluvio_status {
				return C.gofluvio_send(ptr, keyPtr, C.size_t(len(key)), hasKey, valuePtr, C.size_t(len(value)), C.uintptr_t(id))
			})
		})
		var e *Error
		if !errors.As(err, &e) || e.Status != StatusTimeout {
			return err
		}
		// No room in the queue within one slice.
		now := time.Now()
		if giveUp.IsZero() {
			giveUp = now.Add(p.queueTimeout - sliceLimit)
		}
		if p.queueTimeout >= 0 && now.After(giveUp) {
			return &Error{Op: op, Status: StatusTimeout, Message: "no room in the producer queue within " + p.queueTimeout.String(), Retriable: true}
		}
	}
}

// SendAsync sends a record and returns at once (unless the partition's
// queue is full: then it waits for room, see [ProducerConfig.QueueTimeout]
// and ctx), with the record's PendingDelivery. A nil key is no key; an
// empty non-nil key is an empty key (which is hashed to pick the
// partition). The record's timestamp is the time of the call. key and
// value are copied: they may be reused as soon as SendAsync returns.
//
// It fails with [StatusRecordTooLarge], [StatusQueueFull],
// [StatusTimeout] (no room in time), or [StatusClosed].
func (p *Producer) SendAsync(ctx context.Context, key, value []byte) (*PendingDelivery, error) {
	id, d, err := p.reports.register()
	if err != nil {
		return nil, err
	}
	if err := p.send(ctx, "send", key, value, id); err != nil {
		p.reports.unregister(id)
		return nil, err
	}
	return d, nil
}

// Send sends a record as [Producer.SendAsync] does and waits until the
// cluster stored it (or it failed for good, or ctx is done). Records of
// concurrent Sends share batches.
func (p *Producer) Send(ctx context.Context, key, value []byte) (Delivery, error) {
	d, err := p.SendAsync(ctx, key, value)
	if err != nil {
		return Delivery{}, err
	}
	return d.Wait(ctx)
}

// SendString is [Producer.Send] with a string key and value; an empty key
// is no key.
func (p *Producer) SendString(ctx context.Context, key, value string) (Delivery, error) {
	var k []byte
	if key != "" {
		k = []byte(key)
	}
	return p.Send(ctx, k, []byte(value))
}

// Enqueue sends a record as [Producer.SendAsync] does, without a
// PendingDelivery: the cheapest way to send. A delivery failure is
// returned by the next [Producer.Flush].
func (p *Producer) Enqueue(ctx context.Context, key, value []byte) error {
	return p.send(ctx, "send", key, value, 0)
}

// Flush sends every pending record now and waits until each was
// acknowledged or failed, or ctx is done. It returns the first delivery
// failure since the previous Flush.
func (p *Producer) Flush(ctx context.Context) error {
	const op = "flush"
	return sliced(ctx, op, func(ms C.int32_t) error {
		return p.use(op, func(ptr *C.struct_fluvio_producer) error {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			status := C.fluvio_producer_flush(ptr, ms)
			if status == C.FLUVIO_ERR_TIMEOUT {
				return errSlice
			}
			return lastError(op, status)
		})
	})
}

// Close flushes the producer (for at most 60 s, FLUVIO_FLUSH_TIMEOUT_MS),
// settles every record's delivery, stops its goroutine and frees it. It
// returns the flush's error: the first delivery failure since the last
// Flush, or a timeout (then the undelivered records fail). Call Flush
// before to bound the wait with a context. Closing twice is safe.
func (p *Producer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ptr == nil {
		return nil
	}
	close(p.stopPolling)
	<-p.polled
	err := call("close producer", func() C.enum_fluvio_status {
		return C.fluvio_producer_flush(p.ptr, C.FLUVIO_FLUSH_TIMEOUT_MS)
	})
	// Serves the last delivery reports on this thread.
	C.fluvio_producer_free(p.ptr)
	p.ptr = nil
	p.reports.failAll(&Error{Op: "deliver", Status: StatusClosed, Message: "the producer is closed"})
	p.handle.Delete()
	return err
}
