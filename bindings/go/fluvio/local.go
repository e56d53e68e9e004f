package fluvio

// #include <stdlib.h>
// #include <fluvio.h>
import "C"

import (
	"context"
	"sync"
	"unsafe"
)

// LocalClusterConfig holds the settings of an embedded cluster; the zero
// value is a fresh temporary data directory (removed on Stop), a free SC
// port on 127.0.0.1, and one SPU.
type LocalClusterConfig struct {
	// DataDir is the data directory (created if missing, kept on Stop;
	// "": a temporary one).
	DataDir string
	// Port is the SC's port (0: a free one).
	Port uint16
	// SPUs is the number of SPUs, 1 to 64 (0: 1). With several, the
	// partitions' leaders are spread over them.
	SPUs int
	// TLSCert and TLSKey, when set, make the SC and every SPU serve TLS
	// with this certificate chain and private key (PEM text or the path of
	// a PEM file). With TLSClientCA every client must also present a
	// certificate signed by that CA.
	TLSCert, TLSKey, TLSClientCA string
}

// LocalCluster is a running embedded cluster: an SC and its SPUs in this
// process, on 127.0.0.1, speaking the Fluvio protocol, durable on local
// disk. Any Fluvio client can connect to it. It is safe for concurrent use.
type LocalCluster struct {
	mu       sync.Mutex
	ptr      *C.struct_fluvio_local_cluster
	endpoint string
}

// StartLocalCluster starts an embedded cluster with config (nil: the
// defaults) and waits until it serves.
//
// It fails with [StatusInvalidArgument] (settings out of range, a TLS
// certificate or key that cannot be used) or [StatusIO] (a port that
// cannot be bound, a data directory that cannot be used).
func StartLocalCluster(ctx context.Context, config *LocalClusterConfig) (*LocalCluster, error) {
	const op = "start local cluster"
	if config == nil {
		config = &LocalClusterConfig{}
	}
	cfg := C.fluvio_local_config_new()
	if cfg == nil {
		return nil, &Error{Op: op, Status: StatusPanic, Message: "out of memory"}
	}
	if err := localConfig(op, cfg, config); err != nil {
		C.fluvio_local_config_free(cfg)
		return nil, err
	}
	return background(ctx, op, func() (*LocalCluster, error) {
		defer C.fluvio_local_config_free(cfg)
		var ptr *C.struct_fluvio_local_cluster
		if err := call(op, func() C.enum_fluvio_status { return C.fluvio_local_cluster_start(cfg, &ptr) }); err != nil {
			return nil, err
		}
		return &LocalCluster{ptr: ptr, endpoint: C.GoString(C.fluvio_local_cluster_endpoint(ptr))}, nil
	}, func(cluster *LocalCluster) { cluster.Stop() })
}

func localConfig(op string, cfg *C.struct_fluvio_local_config, config *LocalClusterConfig) error {
	if config.DataDir != "" {
		if err := withString(op, "data directory", config.DataDir, func(s *C.char) C.enum_fluvio_status {
			return C.fluvio_local_config_set_data_dir(cfg, s)
		}); err != nil {
			return err
		}
	}
	if config.Port != 0 {
		if err := call(op, func() C.enum_fluvio_status { return C.fluvio_local_config_set_port(cfg, C.uint16_t(config.Port)) }); err != nil {
			return err
		}
	}
	if config.SPUs != 0 {
		if config.SPUs < 0 || config.SPUs > 1<<16-1 {
			return invalid(op, "%d SPUs", config.SPUs)
		}
		if err := call(op, func() C.enum_fluvio_status { return C.fluvio_local_config_set_spus(cfg, C.uint16_t(config.SPUs)) }); err != nil {
			return err
		}
	}
	if config.TLSCert != "" || config.TLSKey != "" || config.TLSClientCA != "" {
		cert, err := cString(op, "TLS certificate", config.TLSCert)
		if err != nil {
			return err
		}
		defer C.free(unsafe.Pointer(cert))
		key, err := cString(op, "TLS key", config.TLSKey)
		if err != nil {
			return err
		}
		defer C.free(unsafe.Pointer(key))
		var ca *C.char
		if config.TLSClientCA != "" {
			if ca, err = cString(op, "TLS client CA", config.TLSClientCA); err != nil {
				return err
			}
			defer C.free(unsafe.Pointer(ca))
		}
		if err := call(op, func() C.enum_fluvio_status { return C.fluvio_local_config_set_tls(cfg, cert, key, ca) }); err != nil {
			return err
		}
	}
	return nil
}

// Endpoint returns the SC's endpoint, "127.0.0.1:PORT", to connect to. It
// stays readable after Stop.
func (l *LocalCluster) Endpoint() string {
	return l.endpoint
}

// Stop stops the cluster: closes every connection, syncs every log to disk
// and frees it (and removes the data directory if it was a temporary one).
// It fails with [StatusIO] if the logs could not be synced (the cluster is
// stopped all the same). Stopping twice is safe.
func (l *LocalCluster) Stop() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ptr == nil {
		return nil
	}
	ptr := l.ptr
	l.ptr = nil
	return call("stop local cluster", func() C.enum_fluvio_status { return C.fluvio_local_cluster_stop(ptr) })
}
