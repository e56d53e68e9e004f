package fluvio

// #include <stdlib.h>
// #include <fluvio.h>
import "C"

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Version returns the version of the libfluvio the program runs with, as
// "MAJOR.MINOR.PATCH" (fluvio_version).
func Version() string {
	return C.GoString(C.fluvio_version())
}

// HeaderVersion returns the version of the fluvio.h the package was
// compiled with, as "MAJOR.MINOR.PATCH". It differs from [Version] when the
// library found at run time is not the one built against.
func HeaderVersion() string {
	return fmt.Sprintf("%d.%d.%d", C.FLUVIO_VERSION_MAJOR, C.FLUVIO_VERSION_MINOR, C.FLUVIO_VERSION_PATCH)
}

// cString copies s into C memory for a call (free it with C.free), refusing
// a NUL byte, which C would read as the string's end.
func cString(op, what, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, invalid(op, "the %s contains a NUL byte", what)
	}
	return C.CString(s), nil
}

// milliseconds converts d to the C API's int32 milliseconds, rounding up
// and saturating; a negative d is -1 (without limit).
func milliseconds(d time.Duration) C.int32_t {
	if d < 0 {
		return -1
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if ms > 1<<31-1 {
		ms = 1<<31 - 1
	}
	return C.int32_t(ms)
}

// TLSConfig says how a client encrypts its connections. With ClientCert
// and ClientKey it uses mutual TLS (FLUVIO_TLS_VERIFIED), which also needs
// CA and Domain; without them, TLS without a client certificate
// (FLUVIO_TLS_ANONYMOUS). Certificates and keys are PEM text (starting with
// "-----BEGIN") or the path of a PEM file, read when connecting.
type TLSConfig struct {
	// Domain is the name the server's certificate must be valid for
	// (default: the endpoint's host).
	Domain string
	// CA is the certificate(s) the server is verified against ("": the
	// system's trusted roots).
	CA string
	// ClientCert and ClientKey are the client's certificate and private
	// key, for mutual TLS.
	ClientCert, ClientKey string
}

// ClientConfig holds the settings of [ConnectWithConfig]. The zero value
// connects to 127.0.0.1:9003 over plain TCP as client id "fluvio".
type ClientConfig struct {
	// Endpoint is the SC's "host:port" ("": 127.0.0.1:9003).
	Endpoint string
	// ClientID is sent with every request ("": "fluvio").
	ClientID string
	// RequestTimeout bounds how long an admin request (topic create,
	// delete, list) waits for the cluster's answer (0: 60 s; negative:
	// without limit).
	RequestTimeout time.Duration
	// TLS, if not nil, encrypts the connections.
	TLS *TLSConfig
}

// Client is a connection to a Fluvio cluster: its SC, and its SPUs as
// needed. It is safe for concurrent use; producers and consumers made from
// it share its connections.
type Client struct {
	mu  sync.RWMutex
	ptr *C.struct_fluvio_client
}

// Connect connects to the cluster whose SC listens at endpoint
// ("host:port") over plain TCP. An empty endpoint connects as the official
// clients do: to $FLUVIO_ENDPOINT if set, else with the current Fluvio
// profile (~/.fluvio/config) if there is one, else to 127.0.0.1:9003.
//
// It fails with [StatusConnection] when nothing listens there,
// [StatusTimeout] when the SC does not answer within 15 s, or
// [StatusProtocol].
func Connect(ctx context.Context, endpoint string) (*Client, error) {
	const op = "connect"
	var cEndpoint *C.char
	if endpoint != "" {
		var err error
		if cEndpoint, err = cString(op, "endpoint", endpoint); err != nil {
			return nil, err
		}
	}
	return background(ctx, op, func() (*Client, error) {
		defer C.free(unsafe.Pointer(cEndpoint))
		var ptr *C.struct_fluvio_client
		if err := call(op, func() C.enum_fluvio_status { return C.fluvio_connect(cEndpoint, &ptr) }); err != nil {
			return nil, err
		}
		return &Client{ptr: ptr}, nil
	}, closeClient)
}

// ConnectWithConfig connects as config says.
//
// It fails with [StatusInvalidArgument] for settings libfluvio refuses
// (certificates that cannot be read, mutual TLS without a CA or domain),
// and otherwise as [Connect].
func ConnectWithConfig(ctx context.Context, config ClientConfig) (*Client, error) {
	const op = "connect"
	cfg := C.fluvio_client_config_new()
	if cfg == nil {
		return nil, &Error{Op: op, Status: StatusPanic, Message: "out of memory"}
	}
	if err := applyClientConfig(op, cfg, &config); err != nil {
		C.fluvio_client_config_free(cfg)
		return nil, err
	}
	return background(ctx, op, func() (*Client, error) {
		defer C.fluvio_client_config_free(cfg)
		var ptr *C.struct_fluvio_client
		if err := call(op, func() C.enum_fluvio_status { return C.fluvio_connect_with_config(cfg, &ptr) }); err != nil {
			return nil, err
		}
		return &Client{ptr: ptr}, nil
	}, closeClient)
}

func closeClient(c *Client) { c.Close() }

// withString calls f with s as a C string.
func withString(op, what, s string, f func(*C.char) C.enum_fluvio_status) error {
	cs, err := cString(op, what, s)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cs))
	return call(op, func() C.enum_fluvio_status { return f(cs) })
}

func applyClientConfig(op string, cfg *C.struct_fluvio_client_config, config *ClientConfig) error {
	if config.Endpoint != "" {
		if err := withString(op, "endpoint", config.Endpoint, func(s *C.char) C.enum_fluvio_status {
			return C.fluvio_client_config_set_endpoint(cfg, s)
		}); err != nil {
			return err
		}
	}
	if config.ClientID != "" {
		if err := withString(op, "client id", config.ClientID, func(s *C.char) C.enum_fluvio_status {
			return C.fluvio_client_config_set_client_id(cfg, s)
		}); err != nil {
			return err
		}
	}
	if config.RequestTimeout != 0 {
		ms := milliseconds(config.RequestTimeout)
		if err := call(op, func() C.enum_fluvio_status { return C.fluvio_client_config_set_request_timeout_ms(cfg, ms) }); err != nil {
			return err
		}
	}
	if tls := config.TLS; tls != nil {
		policy := C.fluvio_tls_policy(C.FLUVIO_TLS_ANONYMOUS)
		if tls.ClientCert != "" || tls.ClientKey != "" {
			policy = C.FLUVIO_TLS_VERIFIED
		}
		if err := call(op, func() C.enum_fluvio_status { return C.fluvio_client_config_set_tls_policy(cfg, policy) }); err != nil {
			return err
		}
		if tls.Domain != "" {
			if err := withString(op, "TLS domain", tls.Domain, func(s *C.char) C.enum_fluvio_status {
				return C.fluvio_client_config_set_tls_domain(cfg, s)
			}); err != nil {
				return err
			}
		}
		if tls.CA != "" {
			if err := withString(op, "TLS CA", tls.CA, func(s *C.char) C.enum_fluvio_status {
				return C.fluvio_client_config_set_tls_ca(cfg, s)
			}); err != nil {
				return err
			}
		}
		if policy == C.FLUVIO_TLS_VERIFIED {
			cert, err := cString(op, "TLS client certificate", tls.ClientCert)
			if err != nil {
				return err
			}
			defer C.free(unsafe.Pointer(cert))
			key, err := cString(op, "TLS client key", tls.ClientKey)
			if err != nil {
				return err
			}
			defer C.free(unsafe.Pointer(key))
			if err := call(op, func() C.enum_fluvio_status { return C.fluvio_client_config_set_tls_client_cert(cfg, cert, key) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// use calls f with the client's handle under its read lock, or fails with
// StatusClosed once the client is closed.
func (c *Client) use(op string, f func(*C.struct_fluvio_client) error) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return closedError(op, "client")
	}
	return f(c.ptr)
}

// PlatformVersion returns the platform version of the cluster (for example
// "0.18.1"), as its SC reported it when the client connected.
func (c *Client) PlatformVersion() (string, error) {
	const op = "platform version"
	var version string
	err := c.use(op, func(ptr *C.struct_fluvio_client) error {
		var s *C.char
		if err := call(op, func() C.enum_fluvio_status { return C.fluvio_client_platform_version(ptr, &s) }); err != nil {
			return err
		}
		version = C.GoString(s)
		C.fluvio_string_free(s)
		return nil
	})
	return version, err
}

// Close closes the client's connections once no producer, consumer or
// stream made from it uses them any more (those keep working until closed
// themselves). It waits for the client's calls in progress. Closing twice
// is safe.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		C.fluvio_client_free(c.ptr)
		c.ptr = nil
	}
	return nil
}
