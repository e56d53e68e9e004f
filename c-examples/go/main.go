// produce_consume in Go, calling libfluvio through cgo: the same program as
// ../pkg-config/produce_consume.c. cgo finds the installed library with
// pkg-config (fluvio.pc).
//
//	FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume produce TOPIC COUNT
//	FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume consume TOPIC COUNT
package main

// #cgo pkg-config: fluvio
// #include <stdlib.h>
// #include <fluvio.h>
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"unsafe"
)

// How long consume waits for each record.
const recordTimeoutMs = 10000

func init() {
	// fluvio_last_error() is per OS thread, and Go moves goroutines between
	// threads: pin main's goroutine so an error is read on the thread that
	// failed.
	runtime.LockOSThread()
}

type fluvioError struct {
	what   string
	status C.enum_fluvio_status
	detail string
}

func (e *fluvioError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.what, C.GoString(C.fluvio_status_str(C.int32_t(e.status))), e.detail)
}

func check(status C.enum_fluvio_status, what string) error {
	if status == C.FLUVIO_OK {
		return nil
	}
	return &fluvioError{what, status, C.GoString(C.fluvio_last_error())}
}

// bytes passes a Go string to C as pointer and length. C.CBytes copies it
// into C memory: cgo forbids C keeping Go pointers, and send() may queue.
func bytes(s string) (unsafe.Pointer, C.size_t) {
	return C.CBytes([]byte(s)), C.size_t(len(s))
}

func produce(client *C.struct_fluvio_client, topic *C.char, count int) error {
	status := C.fluvio_topic_create(client, topic, 1, 1)
	if status != C.FLUVIO_ERR_TOPIC_EXISTS {
		if err := check(status, "create topic"); err != nil {
			return err
		}
	}
	var producer *C.struct_fluvio_producer
	if err := check(C.fluvio_topic_producer(client, topic, nil, &producer), "producer"); err != nil {
		return err
	}
	defer C.fluvio_producer_free(producer)
	for i := 0; i < count; i++ {
		key, keyLen := bytes("key-" + strconv.Itoa(i))
		value, valueLen := bytes("go record " + strconv.Itoa(i))
		status := C.fluvio_producer_send(producer, key, keyLen, value, valueLen)
		// The producer copied both before returning.
		C.free(key)
		C.free(value)
		if err := check(status, "send"); err != nil {
			return err
		}
	}
	// send() only queues; flush() returns once the cluster has every record.
	if err := check(C.fluvio_flush(producer), "flush"); err != nil {
		return err
	}
	fmt.Printf("produced %d records to %s\n", count, C.GoString(topic))
	return nil
}

func consume(client *C.struct_fluvio_client, topic *C.char, count int) error {
	var consumer *C.struct_fluvio_consumer
	if err := check(C.fluvio_consumer(client, topic, 0, &consumer), "consumer"); err != nil {
		return err
	}
	defer C.fluvio_consumer_free(consumer)
	var stream *C.struct_fluvio_stream
	if err := check(C.fluvio_consumer_stream(consumer, C.fluvio_offset_beginning(), &stream), "stream"); err != nil {
		return err
	}
	defer C.fluvio_stream_free(stream)
	for i := 0; i < count; i++ {
		var record *C.struct_fluvio_record
		if err := check(C.fluvio_stream_next(stream, recordTimeoutMs, &record), "next"); err != nil {
			return err
		}
		var keyLen, valueLen C.size_t
		key := C.fluvio_record_key(record, &keyLen)
		value := C.fluvio_record_value(record, &valueLen)
		// GoBytes copies: the record's memory is gone after fluvio_record_free.
		gotKey := string(C.GoBytes(key, C.int(keyLen)))
		gotValue := string(C.GoBytes(value, C.int(valueLen)))
		offset := int64(C.fluvio_record_offset(record))
		C.fluvio_record_free(record)
		expectedKey := "key-" + strconv.Itoa(i)
		if key == nil || offset != int64(i) || gotKey != expectedKey {
			return fmt.Errorf("record %d: offset %d, key %q; expected %s", i, offset, gotKey, expectedKey)
		}
		fmt.Printf("%d %s %s\n", i, expectedKey, gotValue)
	}
	fmt.Printf("consumed %d records from %s\n", count, C.GoString(topic))
	return nil
}

func run(mode, topicName string, count int) error {
	header := fmt.Sprintf("%d.%d.%d", C.FLUVIO_VERSION_MAJOR, C.FLUVIO_VERSION_MINOR, C.FLUVIO_VERSION_PATCH)
	library := C.GoString(C.fluvio_version())
	fmt.Printf("libfluvio %s (header %s)\n", library, header)
	if header != library {
		return fmt.Errorf("compiled with the header of libfluvio %s but running with %s", header, library)
	}

	// nil: the endpoint in FLUVIO_ENDPOINT, else 127.0.0.1:9003.
	var client *C.struct_fluvio_client
	if err := check(C.fluvio_connect(nil, &client), "connect"); err != nil {
		return err
	}
	defer C.fluvio_client_free(client)
	topic := C.CString(topicName)
	defer C.free(unsafe.Pointer(topic))
	if mode == "produce" {
		return produce(client, topic, count)
	}
	return consume(client, topic, count)
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
