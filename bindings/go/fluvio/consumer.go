package fluvio

// #include <stdbool.h>
// #include <stdint.h>
// #include <stdlib.h>
// #include <fluvio.h>
//
// // What Go copies out of a record, read in one cgo call per batch.
// typedef struct {
//     const void *key;
//     size_t key_len;
//     const void *value;
//     size_t value_len;
//     int64_t offset;
//     int64_t timestamp;
//     uint32_t partition;
// } gofluvio_record;
//
// static void gofluvio_read_records(struct fluvio_record **records, size_t count, gofluvio_record *out) {
//     for (size_t i = 0; i < count; i++) {
//         out[i].key = fluvio_record_key(records[i], &out[i].key_len);
//         out[i].value = fluvio_record_value(records[i], &out[i].value_len);
//         out[i].offset = fluvio_record_offset(records[i]);
//         out[i].timestamp = fluvio_record_timestamp(records[i]);
//         out[i].partition = fluvio_record_partition(records[i]);
//     }
// }
//
// static void gofluvio_free_records(struct fluvio_record **records, size_t count) {
//     for (size_t i = 0; i < count; i++) {
//         fluvio_record_free(records[i]);
//         records[i] = NULL;
//     }
// }
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Offset is where a stream starts: an absolute offset, or a distance from
// the beginning or the end of each partition. Make one with [Beginning],
// [End], [Absolute], [FromBeginning] or [FromEnd].
type Offset struct {
	kind  C.fluvio_offset_kind
	value int64
}

// Beginning is the first record still stored.
func Beginning() Offset { return Offset{C.FLUVIO_OFFSET_FROM_BEGINNING, 0} }

// End is the end of the partition: only records produced after the stream
// opens.
func End() Offset { return Offset{C.FLUVIO_OFFSET_FROM_END, 0} }

// Absolute is offset n (a negative n is refused when the stream opens; one
// past the end waits for it to be produced).
func Absolute(n int64) Offset { return Offset{C.FLUVIO_OFFSET_ABSOLUTE, n} }

// FromBeginning is n records after the first one still stored.
func FromBeginning(n uint32) Offset { return Offset{C.FLUVIO_OFFSET_FROM_BEGINNING, int64(n)} }

// FromEnd is n records before the end: the last n records, then new ones.
func FromEnd(n uint32) Offset { return Offset{C.FLUVIO_OFFSET_FROM_END, int64(n)} }

// String describes the offset, for example "FromEnd(3)".
func (o Offset) String() string {
	switch o.kind {
	case C.FLUVIO_OFFSET_ABSOLUTE:
		return fmt.Sprintf("Absolute(%d)", o.value)
	case C.FLUVIO_OFFSET_FROM_BEGINNING:
		if o.value == 0 {
			return "Beginning()"
		}
		return fmt.Sprintf("FromBeginning(%d)", o.value)
	case C.FLUVIO_OFFSET_FROM_END:
		if o.value == 0 {
			return "End()"
		}
		return fmt.Sprintf("FromEnd(%d)", o.value)
	}
	return "Offset(invalid)"
}

// OffsetStrategy says how a named consumer's offsets are stored on the
// cluster.
type OffsetStrategy int

// Offset strategies.
const (
	// OffsetStrategyNone stores no offsets (the default).
	OffsetStrategyNone OffsetStrategy = C.FLUVIO_OFFSET_STRATEGY_NONE
	// OffsetStrategyManual stores them on [Stream.Commit] and
	// [Stream.FlushOffsets].
	OffsetStrategyManual OffsetStrategy = C.FLUVIO_OFFSET_STRATEGY_MANUAL
	// OffsetStrategyAuto commits every record handed out and flushes
	// periodically and on Close.
	OffsetStrategyAuto OffsetStrategy = C.FLUVIO_OFFSET_STRATEGY_AUTO
)

// ConsumerConfig holds a consumer's settings; zero fields take libfluvio's
// defaults (those of fluvio_consumer_config_new).
type ConsumerConfig struct {
	// Partitions lists the partitions to read (empty: all of them).
	// Records of one partition arrive in order; partitions interleave.
	Partitions []uint32
	// ConsumerID names the consumer, so that its committed offsets are
	// stored: a stream of a named consumer starts relative to the offset
	// after its last committed record, when the cluster stores one.
	ConsumerID string
	// OffsetStrategy says how offsets are stored (a strategy other than
	// OffsetStrategyNone needs a ConsumerID).
	OffsetStrategy OffsetStrategy
	// OffsetFlush is how often OffsetStrategyAuto flushes offsets (0: 10 s).
	OffsetFlush time.Duration
	// MaxBytes is the most bytes one fetch may bring (0: 1048890).
	MaxBytes int32
	// StopAtEnd ends a stream once it delivered the records its partitions
	// held when it opened: Next then fails with StatusEndOfStream (and
	// matches io.EOF). By default a stream waits for new records.
	StopAtEnd bool
	// ReconnectTimeout is how long a stream keeps re-opening a partition
	// after a failure it can recover from (0: 60 s; negative: for ever).
	ReconnectTimeout time.Duration
	// NoReconnect ends a stream on the first such failure instead.
	NoReconnect bool
}

// Consumer reads a topic's partitions through streams. It is safe for
// concurrent use; streams opened from it keep working after it is closed.
type Consumer struct {
	mu  sync.RWMutex
	ptr *C.struct_fluvio_consumer
}

func consumerConfig(op string, config *ConsumerConfig) (*C.struct_fluvio_consumer_config, error) {
	cfg := C.fluvio_consumer_config_new()
	if cfg == nil {
		return nil, &Error{Op: op, Status: StatusPanic, Message: "out of memory"}
	}
	set := func(f func() C.enum_fluvio_status) error { return call(op, f) }
	err := func() error {
		for _, partition := range config.Partitions {
			partition := C.uint32_t(partition)
			if err := set(func() C.enum_fluvio_status { return C.fluvio_consumer_config_add_partition(cfg, partition) }); err != nil {
				return err
			}
		}
		if config.ConsumerID != "" {
			if err := withString(op, "consumer id", config.ConsumerID, func(s *C.char) C.enum_fluvio_status {
				return C.fluvio_consumer_config_set_consumer_id(cfg, s)
			}); err != nil {
				return err
			}
		}
		if config.OffsetStrategy != OffsetStrategyNone {
			strategy := C.fluvio_offset_strategy(config.OffsetStrategy)
			if config.OffsetStrategy < 0 {
				strategy = 1<<32 - 1
			}
			if err := set(func() C.enum_fluvio_status { return C.fluvio_consumer_config_set_offset_strategy(cfg, strategy) }); err != nil {
				return err
			}
		}
		if config.OffsetFlush != 0 {
			ms := milliseconds(config.OffsetFlush)
			if err := set(func() C.enum_fluvio_status { return C.fluvio_consumer_config_set_offset_flush_ms(cfg, ms) }); err != nil {
				return err
			}
		}
		if config.MaxBytes != 0 {
			if err := set(func() C.enum_fluvio_status {
				return C.fluvio_consumer_config_set_max_bytes(cfg, C.int32_t(config.MaxBytes))
			}); err != nil {
				return err
			}
		}
		if config.StopAtEnd {
			if err := set(func() C.enum_fluvio_status { return C.fluvio_consumer_config_set_continuous(cfg, false) }); err != nil {
				return err
			}
		}
		if config.NoReconnect || config.ReconnectTimeout != 0 {
			ms := milliseconds(config.ReconnectTimeout)
			if config.NoReconnect {
				ms = 0
			}
			if err := set(func() C.enum_fluvio_status {
				return C.fluvio_consumer_config_set_reconnect_timeout_ms(cfg, ms)
			}); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		C.fluvio_consumer_config_free(cfg)
		return nil, err
	}
	return cfg, nil
}

// Consumer creates a consumer of topic with config (nil: every partition,
// the defaults).
//
// It fails with [StatusTopicNotFound], [StatusInvalidArgument] (an invalid
// name, a partition the topic does not have, an offset strategy without a
// consumer id), or a connection error.
func (c *Client) Consumer(ctx context.Context, topic string, config *ConsumerConfig) (*Consumer, error) {
	const op = "create consumer"
	if config == nil {
		config = &ConsumerConfig{}
	}
	name, err := cString(op, "topic name", topic)
	if err != nil {
		return nil, err
	}
	cfg, err := consumerConfig(op, config)
	if err != nil {
		C.free(unsafe.Pointer(name))
		return nil, err
	}
	return background(ctx, op, func() (*Consumer, error) {
		defer C.free(unsafe.Pointer(name))
		defer C.fluvio_consumer_config_free(cfg)
		var ptr *C.struct_fluvio_consumer
		err := c.use(op, func(client *C.struct_fluvio_client) error {
			return call(op, func() C.enum_fluvio_status { return C.fluvio_consumer_new_with_config(client, name, cfg, &ptr) })
		})
		if err != nil {
			return nil, err
		}
		return &Consumer{ptr: ptr}, nil
	}, func(consumer *Consumer) { consumer.Close() })
}

// Stream opens a stream of the consumer's partitions from offset.
//
// It fails with [StatusInvalidArgument] (a negative absolute offset) or a
// connection error.
func (c *Consumer) Stream(ctx context.Context, offset Offset) (*Stream, error) {
	const op = "open stream"
	return background(ctx, op, func() (*Stream, error) {
		c.mu.RLock()
		defer c.mu.RUnlock()
		if c.ptr == nil {
			return nil, closedError(op, "consumer")
		}
		var cOffset C.struct_fluvio_offset
		cOffset.kind = offset.kind
		cOffset.value = C.int64_t(offset.value)
		var ptr *C.struct_fluvio_stream
		if err := call(op, func() C.enum_fluvio_status { return C.fluvio_consumer_stream(c.ptr, cOffset, &ptr) }); err != nil {
			return nil, err
		}
		return &Stream{ptr: ptr}, nil
	}, func(s *Stream) { s.Close() })
}

// Close frees the consumer; streams opened from it keep working. Closing
// twice is safe.
func (c *Consumer) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		C.fluvio_consumer_free(c.ptr)
		c.ptr = nil
	}
	return nil
}

// Record is a consumed record, copied into Go memory.
type Record struct {
	// Key is the record's key; nil when it has none.
	Key []byte
	// Value is the record's value.
	Value []byte
	// Offset is the record's offset in its partition.
	Offset int64
	// Partition is the record's partition.
	Partition uint32
	// Timestamp is when the record was produced (millisecond precision),
	// or the zero Time when unknown.
	Timestamp time.Time
}

// Stream is a stream of records from a consumer's partitions. It is safe
// for concurrent use, but its calls take turns: a Next waits for another
// one to return.
type Stream struct {
	// closing, set by Close before it waits for mu, stops the slices of
	// the calls in progress from taking mu again.
	closing atomic.Bool
	mu      sync.Mutex
	ptr     *C.struct_fluvio_stream
	// Reused by every batch, under mu.
	records []*C.struct_fluvio_record
	fields  []C.gofluvio_record
}

// use calls f with the stream's handle under its lock, or fails with
// StatusClosed once the stream is closed.
func (s *Stream) use(op string, f func(*C.struct_fluvio_stream) error) error {
	if s.closing.Load() {
		return closedError(op, "stream")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		return closedError(op, "stream")
	}
	return f(s.ptr)
}

// Next waits for the next record until ctx is done.
//
// It fails with [StatusEndOfStream] (also io.EOF) when a stream with
// [ConsumerConfig.StopAtEnd] delivered everything, the error that ended
// the stream (for example [StatusServer] when the topic was deleted,
// [StatusConnection] when the cluster went away), and [StatusClosed]
// after such an error or Close. When ctx is done it returns a
// [*ContextError] and the stream stays usable.
func (s *Stream) Next(ctx context.Context) (Record, error) {
	records, err := s.next(ctx, "next record", 1)
	if err != nil {
		return Record{}, err
	}
	return records[0], nil
}

// NextBatch waits, until ctx is done, for the next record and returns it
// with those already waiting after it: 1 to max records in stream order,
// in one cgo call (cheaper than Next for each). An error met after some
// records is returned by the next call, those records first. It fails as
// [Stream.Next] does, and with [StatusInvalidArgument] if max is below 1.
func (s *Stream) NextBatch(ctx context.Context, max int) ([]Record, error) {
	return s.next(ctx, "next batch", max)
}

func (s *Stream) next(ctx context.Context, op string, max int) ([]Record, error) {
	var batch []Record
	err := sliced(ctx, op, func(ms C.int32_t) error {
		return s.use(op, func(ptr *C.struct_fluvio_stream) error {
			// libfluvio refuses max 0 (and so a negative max); give it
			// somewhere to write anyway.
			slots, cMax := max, C.size_t(max)
			if max < 1 {
				slots, cMax = 1, 0
			}
			if cap(s.records) < slots {
				s.records = make([]*C.struct_fluvio_record, slots)
				s.fields = make([]C.gofluvio_record, slots)
			}
			var count C.size_t
			runtime.LockOSThread()
			status := C.fluvio_stream_next_batch(ptr, &s.records[0], cMax, ms, &count)
			if status == C.FLUVIO_ERR_TIMEOUT {
				runtime.UnlockOSThread()
				return errSlice
			}
			err := lastError(op, status)
			runtime.UnlockOSThread()
			if err != nil {
				return err
			}
			n := int(count)
			C.gofluvio_read_records(&s.records[0], count, &s.fields[0])
			batch = make([]Record, n)
			for i := range batch {
				f := &s.fields[i]
				r := &batch[i]
				if f.key != nil {
					r.Key = C.GoBytes(f.key, C.int(f.key_len))
				}
				r.Value = C.GoBytes(f.value, C.int(f.value_len))
				r.Offset = int64(f.offset)
				r.Partition = uint32(f.partition)
				r.Timestamp = timestamp(int64(f.timestamp))
			}
			C.gofluvio_free_records(&s.records[0], count)
			return nil
		})
	})
	return batch, err
}

// Commit marks every record handed out so far as consumed, in each
// partition; [Stream.FlushOffsets] stores that on the cluster. It needs a
// consumer with a ConsumerID and an OffsetStrategy (else it fails with
// StatusInvalidArgument).
func (s *Stream) Commit() error {
	const op = "commit"
	return s.use(op, func(ptr *C.struct_fluvio_stream) error {
		return call(op, func() C.enum_fluvio_status { return C.fluvio_stream_commit(ptr) })
	})
}

// FlushOffsets stores the committed offsets on the cluster and waits until
// it has them durably, or ctx is done. A consumer opened later with the same
// ConsumerID resumes after them.
func (s *Stream) FlushOffsets(ctx context.Context) error {
	const op = "flush offsets"
	return sliced(ctx, op, func(ms C.int32_t) error {
		return s.use(op, func(ptr *C.struct_fluvio_stream) error {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			status := C.fluvio_stream_flush(ptr, ms)
			if status == C.FLUVIO_ERR_TIMEOUT {
				return errSlice
			}
			return lastError(op, status)
		})
	})
}

// Close stops the stream and frees it (with OffsetStrategyAuto, after
// flushing the offsets, for at most 5 s). A Next in progress returns
// StatusClosed within one slice (100 ms). Closing twice is safe.
func (s *Stream) Close() error {
	s.closing.Store(true)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr != nil {
		C.fluvio_stream_free(s.ptr)
		s.ptr = nil
		s.records, s.fields = nil, nil
	}
	return nil
}
