package fluvio

// #include <fluvio.h>
import "C"

import (
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// reports routes a producer's delivery reports to the PendingDelivery of
// each record. libfluvio calls gofluvioDeliveryReport only on a thread
// that polls or flushes the producer (the producer's poll goroutine, a
// Flush, Close), never while it holds a lock; the callback never blocks and
// never takes the Producer's lock.
type reports struct {
	mu      sync.Mutex
	next    uintptr
	pending map[uintptr]*PendingDelivery
	// failed, once set, fails every record sent after.
	failed *Error
}

func newReports() *reports {
	return &reports{next: 1, pending: make(map[uintptr]*PendingDelivery)}
}

// register makes the PendingDelivery of a record about to be sent, and the
// opaque that identifies it in its report.
func (r *reports) register() (uintptr, *PendingDelivery, error) {
	d := &PendingDelivery{done: make(chan struct{})}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed != nil {
		failed := *r.failed
		failed.Op = "send"
		return 0, nil, &failed
	}
	id := r.next
	r.next++
	r.pending[id] = d
	return id, d, nil
}

// unregister forgets a record that was not sent after all (it gets no
// report).
func (r *reports) unregister(id uintptr) {
	r.mu.Lock()
	delete(r.pending, id)
	r.mu.Unlock()
}

// take removes the PendingDelivery of id, if it is still waited for.
func (r *reports) take(id uintptr) *PendingDelivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.pending[id]
	delete(r.pending, id)
	return d
}

// failAll settles every record still waiting for its report with err, and
// every record sent later.
func (r *reports) failAll(err *Error) {
	r.mu.Lock()
	pending := r.pending
	r.pending = make(map[uintptr]*PendingDelivery)
	if r.failed == nil {
		r.failed = err
	}
	r.mu.Unlock()
	for _, d := range pending {
		d.settle(Delivery{}, err)
	}
}

// gofluvioDeliveryReport is every producer's delivery-report callback:
// userData is a cgo.Handle of its *reports, a report's opaque the id from
// register (0: nobody waits).
//
//export gofluvioDeliveryReport
func gofluvioDeliveryReport(userData unsafe.Pointer, report *C.struct_fluvio_delivery_report) {
	id := uintptr(report.opaque)
	if id == 0 {
		return
	}
	d := cgo.Handle(uintptr(userData)).Value().(*reports).take(id)
	if d == nil {
		return
	}
	if report.status != C.FLUVIO_OK {
		err := &Error{
			Op:        "deliver",
			Status:    Status(report.status),
			Code:      int32(report.error_code),
			Retriable: bool(report.retriable),
		}
		if report.error != nil {
			err.Message = C.GoString(report.error)
		}
		d.settle(Delivery{}, err)
		return
	}
	d.settle(Delivery{
		Partition: uint32(report.partition),
		Offset:    int64(report.offset),
		Timestamp: timestamp(int64(report.timestamp)),
	}, nil)
}

// timestamp converts milliseconds since the Unix epoch (-1: unknown) to a
// time.Time (the zero Time when unknown).
func timestamp(ms int64) time.Time {
	if ms < 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
