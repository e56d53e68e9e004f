// produce_consume in Go, calling libfluvio through cgo: the same program as
// ../pkg-config/produce_consume.c. cgo finds the installed library with
// pkg-config (fluvio.pc).
//
//	FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume produce TOPIC COUNT
//	FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume consume TOPIC COUNT
package main

// #cgo pkg-config: fluvio
// #include <stdint.h>
// #include <stdlib.h>
// #include <fluvio.h>
//
// // Defined in Go below (//export goDeliveryReport).
// extern void goDeliveryReport(void *user_data, struct fluvio_delivery_report *report);
//
// // The callback as libfluvio types it (cgo declares exports without const).
// static fluvio_delivery_report_fn delivery_report_fn(void) {
//     return (fluvio_delivery_report_fn)goDeliveryReport;
// }
//
// // Integers carried as libfluvio's void * user data and opaques: cgo
// // forbids C keeping Go pointers.
// static void *as_pointer(uintptr_t value) { return (void *)value; }
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"runtime/cgo"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

// How long consume waits for the next records.
const recordTimeoutMs = 10000

// Records taken from a stream per call.
const batchMax = 64

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

// A record's delivery report, copied out of libfluvio's borrowed one.
type deliveryReport struct {
	record    int // the opaque passed to fluvio_producer_send_opaque
	status    C.enum_fluvio_status
	partition uint32
	offset    int64
	errorCode int32
	detail    string
}

// goDeliveryReport is the producer's delivery-report callback. libfluvio
// calls it only inside fluvio_producer_poll, a flush or fluvio_producer_free,
// on the calling thread: here the goroutine of serveReports (or main's, in
// fluvio_producer_free). userData is a cgo.Handle of the report channel.
//
//export goDeliveryReport
func goDeliveryReport(userData unsafe.Pointer, report *C.struct_fluvio_delivery_report) {
	reports := cgo.Handle(uintptr(userData)).Value().(chan deliveryReport)
	copied := deliveryReport{
		record:    int(uintptr(report.opaque)),
		status:    report.status,
		partition: uint32(report.partition),
		offset:    int64(report.offset),
		errorCode: int32(report.error_code),
	}
	if report.error != nil {
		copied.detail = C.GoString(report.error)
	}
	reports <- copied
}

// serveReports waits on the producer's fd with epoll and serves every
// delivery report on this goroutine's thread, until stop is closed. The fd
// is readable exactly while reports wait.
func serveReports(producer *C.struct_fluvio_producer, stop <-chan struct{}, failed chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	epoll, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		failed <- fmt.Errorf("epoll_create1: %w", err)
		return
	}
	defer syscall.Close(epoll)
	fd := int(C.fluvio_producer_fd(producer))
	event := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}
	if err := syscall.EpollCtl(epoll, syscall.EPOLL_CTL_ADD, fd, &event); err != nil {
		failed <- fmt.Errorf("epoll_ctl: %w", err)
		return
	}
	events := make([]syscall.EpollEvent, 1)
	for {
		select {
		case <-stop:
			return
		default:
		}
		// A short wait so that stop is seen promptly.
		n, err := syscall.EpollWait(epoll, events, 50)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			failed <- fmt.Errorf("epoll_wait: %w", err)
			return
		}
		if n > 0 {
			if err := check(C.fluvio_producer_poll(producer, 0, nil), "poll"); err != nil {
				failed <- err
				return
			}
		}
	}
}

// produce sends count records and waits for the delivery report of each
// (they arrive on a channel fed through the producer's fd) instead of
// flushing.
func produce(client *C.struct_fluvio_client, topic *C.char, count int) error {
	status := C.fluvio_topic_create(client, topic, 1, 1)
	if status != C.FLUVIO_ERR_TOPIC_EXISTS {
		if err := check(status, "create topic"); err != nil {
			return err
		}
	}
	// Room for every report: the callback never blocks, even when main's
	// fluvio_producer_free serves the last ones.
	reports := make(chan deliveryReport, count)
	reportsHandle := cgo.NewHandle(reports)
	defer reportsHandle.Delete()
	config := C.fluvio_producer_config_new()
	defer C.fluvio_producer_config_free(config)
	userData := C.as_pointer(C.uintptr_t(reportsHandle))
	if err := check(C.fluvio_producer_config_set_delivery_report(config, C.delivery_report_fn(), userData), "delivery report"); err != nil {
		return err
	}
	var producer *C.struct_fluvio_producer
	if err := check(C.fluvio_producer_new(client, topic, config, &producer), "producer"); err != nil {
		return err
	}
	defer C.fluvio_producer_free(producer)

	stop := make(chan struct{})
	failed := make(chan error, 1)
	served := make(chan struct{})
	go func() {
		serveReports(producer, stop, failed)
		close(served)
	}()
	// Stop the poller before fluvio_producer_free (deferred above) runs.
	defer func() {
		close(stop)
		<-served
	}()

	for i := 0; i < count; i++ {
		key, keyLen := bytes("key-" + strconv.Itoa(i))
		value, valueLen := bytes("go record " + strconv.Itoa(i))
		status := C.fluvio_producer_send_opaque(producer, key, keyLen, value, valueLen, C.as_pointer(C.uintptr_t(i)))
		// The producer copied both before returning.
		C.free(key)
		C.free(value)
		if err := check(status, "send"); err != nil {
			return err
		}
	}
	// Exactly one report per record, in order (one partition).
	var firstOffset int64
	deadline := time.After(recordTimeoutMs * time.Millisecond)
	for i := 0; i < count; i++ {
		select {
		case report := <-reports:
			if report.status != C.FLUVIO_OK {
				return fmt.Errorf("record %d not delivered: %s (error code %d): %s", report.record,
					C.GoString(C.fluvio_status_str(C.int32_t(report.status))), report.errorCode, report.detail)
			}
			if i == 0 {
				firstOffset = report.offset
			}
			if report.record != i || report.offset != firstOffset+int64(i) {
				return fmt.Errorf("report %d is of record %d at offset %d", i, report.record, report.offset)
			}
		case err := <-failed:
			return err
		case <-deadline:
			return fmt.Errorf("%d of %d delivery reports came in time", i, count)
		}
	}
	fmt.Printf("produced %d records to %s\n", count, C.GoString(topic))
	return nil
}

func consume(client *C.struct_fluvio_client, topic *C.char, count int) error {
	var consumer *C.struct_fluvio_consumer
	if err := check(C.fluvio_consumer_new(client, topic, 0, &consumer), "consumer"); err != nil {
		return err
	}
	defer C.fluvio_consumer_free(consumer)
	var stream *C.struct_fluvio_stream
	if err := check(C.fluvio_consumer_stream(consumer, C.fluvio_offset_beginning(), &stream), "stream"); err != nil {
		return err
	}
	defer C.fluvio_stream_free(stream)
	// One cgo call hands over up to batchMax records (each cgo call costs
	// tens of nanoseconds): C writes C pointers into this Go array.
	var batch [batchMax]*C.struct_fluvio_record
	for i := 0; i < count; {
		var n C.size_t
		if err := check(C.fluvio_stream_next_batch(stream, &batch[0], batchMax, recordTimeoutMs, &n), "next batch"); err != nil {
			return err
		}
		var mismatch error
		for _, record := range batch[:n] {
			var keyLen, valueLen C.size_t
			key := C.fluvio_record_key(record, &keyLen)
			value := C.fluvio_record_value(record, &valueLen)
			// GoBytes copies: the record's memory is gone after fluvio_record_free.
			gotKey := string(C.GoBytes(key, C.int(keyLen)))
			gotValue := string(C.GoBytes(value, C.int(valueLen)))
			offset := int64(C.fluvio_record_offset(record))
			C.fluvio_record_free(record)
			expectedKey := "key-" + strconv.Itoa(i)
			if mismatch == nil && (key == nil || offset != int64(i) || gotKey != expectedKey) {
				mismatch = fmt.Errorf("record %d: offset %d, key %q; expected %s", i, offset, gotKey, expectedKey)
			}
			if mismatch == nil {
				fmt.Printf("%d %s %s\n", i, expectedKey, gotValue)
			}
			i++
		}
		if mismatch != nil {
			return mismatch
		}
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
