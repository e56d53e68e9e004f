package fluvio

// #cgo pkg-config: fluvio
// #include <stdint.h>
// #include <fluvio.h>
import "C"

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// Status is a libfluvio status code (the C API's enum fluvio_status). Every
// Status but StatusOK is also an error value: errors.Is(err, StatusTimeout)
// holds for an [*Error] of that status.
type Status int32

// The status codes of libfluvio, with the C names in their String form.
const (
	// StatusOK is success (FLUVIO_OK); no error carries it.
	StatusOK Status = C.FLUVIO_OK
	// StatusInvalidArgument: an argument was empty, out of range or
	// otherwise unusable (an invalid topic name, for example).
	StatusInvalidArgument Status = C.FLUVIO_ERR_INVALID_ARGUMENT
	// StatusTimeout: the operation did not complete within libfluvio's
	// timeout. A context's deadline is reported as context.DeadlineExceeded
	// instead.
	StatusTimeout Status = C.FLUVIO_ERR_TIMEOUT
	// StatusConnection: the cluster could not be reached, or the connection
	// was lost.
	StatusConnection Status = C.FLUVIO_ERR_CONNECTION
	// StatusProtocol: a peer sent bytes that break the Fluvio protocol.
	StatusProtocol Status = C.FLUVIO_ERR_PROTOCOL
	// StatusServer: the cluster answered with an error code (see
	// [Error.Code] and the message).
	StatusServer Status = C.FLUVIO_ERR_SERVER
	// StatusTopicNotFound: the topic does not exist.
	StatusTopicNotFound Status = C.FLUVIO_ERR_TOPIC_NOT_FOUND
	// StatusTopicExists: the topic already exists.
	StatusTopicExists Status = C.FLUVIO_ERR_TOPIC_EXISTS
	// StatusRecordTooLarge: a record is larger than the producer's maximum
	// request size.
	StatusRecordTooLarge Status = C.FLUVIO_ERR_RECORD_TOO_LARGE
	// StatusQueueFull: the producer's queue is full and it was configured
	// not to block ([ProducerConfig.QueueNoBlock]).
	StatusQueueFull Status = C.FLUVIO_ERR_QUEUE_FULL
	// StatusClosed: the handle was closed (or a stream ended after an
	// error).
	StatusClosed Status = C.FLUVIO_ERR_CLOSED
	// StatusIO: a local I/O operation (file, socket setup) failed.
	StatusIO Status = C.FLUVIO_ERR_IO
	// StatusPanic: a bug inside libfluvio was caught at its boundary.
	StatusPanic Status = C.FLUVIO_ERR_PANIC
	// StatusEndOfStream: a non-continuous stream delivered every record it
	// was opened for. Errors of this status also match io.EOF.
	StatusEndOfStream Status = C.FLUVIO_END_OF_STREAM
	// StatusSmartModule: a SmartModule could not be loaded, trapped, or
	// returned an error.
	StatusSmartModule Status = C.FLUVIO_ERR_SMARTMODULE
)

// Sentinel errors for errors.Is, one per failure status: an [*Error]
// matches the sentinel of its Status.
var (
	// ErrInvalidArgument matches errors of StatusInvalidArgument.
	ErrInvalidArgument error = StatusInvalidArgument
	// ErrTimeout matches errors of StatusTimeout.
	ErrTimeout error = StatusTimeout
	// ErrConnection matches errors of StatusConnection.
	ErrConnection error = StatusConnection
	// ErrProtocol matches errors of StatusProtocol.
	ErrProtocol error = StatusProtocol
	// ErrServer matches errors of StatusServer.
	ErrServer error = StatusServer
	// ErrTopicNotFound matches errors of StatusTopicNotFound.
	ErrTopicNotFound error = StatusTopicNotFound
	// ErrTopicExists matches errors of StatusTopicExists.
	ErrTopicExists error = StatusTopicExists
	// ErrRecordTooLarge matches errors of StatusRecordTooLarge.
	ErrRecordTooLarge error = StatusRecordTooLarge
	// ErrQueueFull matches errors of StatusQueueFull.
	ErrQueueFull error = StatusQueueFull
	// ErrClosed matches errors of StatusClosed: the handle was closed.
	ErrClosed error = StatusClosed
	// ErrIO matches errors of StatusIO.
	ErrIO error = StatusIO
	// ErrPanic matches errors of StatusPanic.
	ErrPanic error = StatusPanic
	// ErrEndOfStream matches errors of StatusEndOfStream (as does io.EOF).
	ErrEndOfStream error = StatusEndOfStream
	// ErrSmartModule matches errors of StatusSmartModule.
	ErrSmartModule error = StatusSmartModule
)

// String returns the C name of the status, for example
// "FLUVIO_ERR_TIMEOUT" (fluvio_status_str), or "FLUVIO_UNKNOWN_STATUS".
func (s Status) String() string {
	return C.GoString(C.fluvio_status_str(C.int32_t(s)))
}

// Error returns the status's name, as String does: a Status is a sentinel
// error.
func (s Status) Error() string {
	return s.String()
}

// Error is a failure reported by libfluvio (or by this package, for a
// closed handle or an argument C cannot carry).
type Error struct {
	// Op names the operation that failed, for example "create topic".
	Op string
	// Status is the status code of the failure.
	Status Status
	// Message describes the failure: fluvio_last_error() read on the OS
	// thread of the failing call, or a delivery report's message.
	Message string
	// Code is the Fluvio error code the cluster answered with (for example
	// 2001, TopicNotFound), or 0 when the failure carried none.
	Code int32
	// Retriable says whether the failure is transient: the same call may
	// succeed later (a timeout, a lost connection, a leader that moved).
	Retriable bool
}

// Error formats the failure as "fluvio: OP: STATUS: MESSAGE".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("fluvio: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Status.String())
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the Status, so that errors.Is(err, ErrTimeout) and the
// other sentinels work.
func (e *Error) Unwrap() error {
	return e.Status
}

// Is reports whether the error matches target beyond its Status: an end of
// stream matches io.EOF.
func (e *Error) Is(target error) bool {
	return target == io.EOF && e.Status == StatusEndOfStream
}

// CodeName names Code as the official Fluvio clients' ErrorCode variant
// (for example "TopicNotFound"; "None" for 0), or "" for a number that is no
// Fluvio error code.
func (e *Error) CodeName() string {
	name := C.fluvio_error_code_name(C.int32_t(e.Code))
	if name == nil {
		return ""
	}
	return C.GoString(name)
}

// lastError reads the failure of the last libfluvio call on this OS thread.
// The caller must hold the thread (runtime.LockOSThread) since that call.
func lastError(op string, status C.enum_fluvio_status) error {
	if status == C.FLUVIO_OK {
		return nil
	}
	return &Error{
		Op:        op,
		Status:    Status(status),
		Message:   C.GoString(C.fluvio_last_error()),
		Code:      int32(C.fluvio_last_error_code()),
		Retriable: bool(C.fluvio_last_error_retriable()),
	}
}

// call makes the C call f on a locked OS thread and reads its error there.
func call(op string, f func() C.enum_fluvio_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return lastError(op, f())
}

// closedError is the error of a call on a closed handle.
func closedError(op, what string) error {
	return &Error{Op: op, Status: StatusClosed, Message: "the " + what + " is closed"}
}

// invalid is the error of an argument refused before it reaches C.
func invalid(op, format string, args ...any) error {
	return &Error{Op: op, Status: StatusInvalidArgument, Message: fmt.Sprintf(format, args...)}
}

// ContextError is returned when a call ends because its context is done.
// It wraps the context's error: errors.Is(err, context.Canceled) and
// errors.Is(err, context.DeadlineExceeded) hold.
type ContextError struct {
	// Op names the operation that was interrupted.
	Op string
	// Err is ctx.Err(): context.Canceled or context.DeadlineExceeded.
	Err error
}

// Error formats the interruption as "fluvio: OP: CONTEXT ERROR".
func (e *ContextError) Error() string {
	return "fluvio: " + e.Op + ": " + e.Err.Error()
}

// Unwrap returns the context's error.
func (e *ContextError) Unwrap() error {
	return e.Err
}

func contextError(op string, err error) error {
	return &ContextError{Op: op, Err: err}
}

// sliceLimit bounds each wait of a C call that takes a timeout, so that a
// cancelled context is noticed within it.
const sliceLimit = 100 * time.Millisecond

// errSlice is what an attempt returns when its slice ran out (the C call
// returned FLUVIO_ERR_TIMEOUT): the wait goes on.
var errSlice = &Error{Status: StatusTimeout}

// sliced calls attempt with a timeout (ms) of at most sliceLimit, or until
// ctx's deadline if sooner, until it returns something other than errSlice
// or ctx is done.
func sliced(ctx context.Context, op string, attempt func(timeoutMs C.int32_t) error) error {
	deadline, hasDeadline := ctx.Deadline()
	for {
		if err := ctx.Err(); err != nil {
			return contextError(op, err)
		}
		slice := sliceLimit
		if hasDeadline {
			left := time.Until(deadline)
			if left <= 0 {
				// The deadline passed; ctx's timer may not have fired yet.
				return contextError(op, context.DeadlineExceeded)
			}
			if left < slice {
				slice = left
			}
		}
		ms := C.int32_t((slice + time.Millisecond - 1) / time.Millisecond)
		if err := attempt(ms); err != errSlice {
			return err
		}
	}
}

// result is what a call made in the background returns.
type result[T any] struct {
	value T
	err   error
}

// background runs f, a C call without a timeout of its own, so that the
// caller returns as soon as ctx is done: f then goes on on its goroutine,
// and what it made is handed to release (if f succeeded). Without a
// cancellable ctx, f runs on the caller's goroutine.
func background[T any](ctx context.Context, op string, f func() (T, error), release func(T)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, contextError(op, err)
	}
	if ctx.Done() == nil {
		return f()
	}
	done := make(chan result[T], 1)
	go func() {
		value, err := f()
		done <- result[T]{value, err}
	}()
	select {
	case r := <-done:
		return r.value, r.err
	case <-ctx.Done():
		select {
		case r := <-done:
			// Finished meanwhile: the caller still asked in time.
			return r.value, r.err
		default:
		}
		if release != nil {
			go func() {
				if r := <-done; r.err == nil {
					release(r.value)
				}
			}()
		}
		return zero, contextError(op, ctx.Err())
	}
}
