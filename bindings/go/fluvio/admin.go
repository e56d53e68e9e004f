package fluvio

// #include <stdlib.h>
// #include <fluvio.h>
import "C"

import (
	"context"
	"time"
	"unsafe"
)

// TopicConfig holds the options of a topic to create; zero fields take the
// defaults (one partition, one replica, the cluster's defaults for the
// rest). The cluster checks them and refuses some with StatusServer, its
// reason in the message (for example a retention under 10 s).
type TopicConfig struct {
	// Partitions is the number of partitions (0: 1).
	Partitions uint32
	// Replication is the number of replicas of each partition (0: 1); the
	// cluster needs at least that many SPUs.
	Replication uint32
	// IgnoreRack lets the cluster place replicas of a partition on one
	// rack.
	IgnoreRack bool
	// Retention deletes records older than this, a segment at a time
	// (0: the cluster's default; seconds precision).
	Retention time.Duration
	// SegmentSize closes a partition's segment past this many bytes (0: the
	// cluster's default).
	SegmentSize uint32
	// MaxPartitionSize deletes a partition's oldest segments while it holds
	// more than this many bytes (0: the cluster's default).
	MaxPartitionSize uint64
	// Compression is the codec every produced batch must use
	// (CompressionDefault: CompressionAny).
	Compression Compression
}

// TopicStatus is what the cluster made of a topic.
type TopicStatus int

// Topic statuses.
const (
	// TopicInit: just created, not yet looked at.
	TopicInit TopicStatus = C.FLUVIO_TOPIC_STATUS_INIT
	// TopicPending: being provisioned.
	TopicPending TopicStatus = C.FLUVIO_TOPIC_STATUS_PENDING
	// TopicInsufficientResources: not enough SPUs (see the reason).
	TopicInsufficientResources TopicStatus = C.FLUVIO_TOPIC_STATUS_INSUFFICIENT_RESOURCES
	// TopicInvalidConfig: the cluster found its configuration invalid.
	TopicInvalidConfig TopicStatus = C.FLUVIO_TOPIC_STATUS_INVALID_CONFIG
	// TopicProvisioned: ready, every partition has a leader.
	TopicProvisioned TopicStatus = C.FLUVIO_TOPIC_STATUS_PROVISIONED
	// TopicDeleting: being deleted.
	TopicDeleting TopicStatus = C.FLUVIO_TOPIC_STATUS_DELETING
)

// String names the status ("provisioned", ...).
func (s TopicStatus) String() string {
	switch s {
	case TopicInit:
		return "init"
	case TopicPending:
		return "pending"
	case TopicInsufficientResources:
		return "insufficient resources"
	case TopicInvalidConfig:
		return "invalid config"
	case TopicProvisioned:
		return "provisioned"
	case TopicDeleting:
		return "deleting"
	}
	return "unknown"
}

// TopicInfo describes a topic as the cluster does.
type TopicInfo struct {
	// Name is the topic's name.
	Name string
	// Partitions is its number of partitions.
	Partitions uint32
	// Replication is the number of replicas of each partition.
	Replication uint32
	// Retention is how old records get before they are deleted (0: not
	// set, the cluster's default).
	Retention time.Duration
	// SegmentSize is the bytes after which a segment is closed (0: the
	// cluster's default).
	SegmentSize uint32
	// MaxPartitionSize is the most bytes a partition keeps (0: the
	// cluster's default).
	MaxPartitionSize uint64
	// Compression is the codec batches must use, or CompressionAny.
	Compression Compression
	// System says whether it is a system topic.
	System bool
	// Status is what the cluster made of it.
	Status TopicStatus
	// Reason says why the status is what it is ("" when there is nothing to
	// say).
	Reason string
}

// CreateTopic creates topic with config (nil: one partition, one replica)
// and waits until the cluster announced it, so a producer can be created
// right after.
//
// It fails with [StatusInvalidArgument] (an invalid name: empty, longer
// than 63 bytes, or not made of a-z, 0-9 and inner '-'; a replication
// above the SPU count), [StatusTopicExists], [StatusServer] (options the
// cluster refuses), or a connection error.
func (c *Client) CreateTopic(ctx context.Context, topic string, config *TopicConfig) error {
	const op = "create topic"
	name, err := cString(op, "topic name", topic)
	if err != nil {
		return err
	}
	if config == nil {
		config = &TopicConfig{}
	}
	cfg, err := topicConfig(op, config)
	if err != nil {
		C.free(unsafe.Pointer(name))
		return err
	}
	_, err = background(ctx, op, func() (struct{}, error) {
		defer C.free(unsafe.Pointer(name))
		defer C.fluvio_topic_config_free(cfg)
		return struct{}{}, c.use(op, func(client *C.struct_fluvio_client) error {
			return call(op, func() C.enum_fluvio_status { return C.fluvio_topic_create_with_config(client, name, cfg) })
		})
	}, nil)
	return err
}

func topicConfig(op string, config *TopicConfig) (*C.struct_fluvio_topic_config, error) {
	cfg := C.fluvio_topic_config_new()
	if cfg == nil {
		return nil, &Error{Op: op, Status: StatusPanic, Message: "out of memory"}
	}
	err := func() error {
		// The setters of the options given, applied in order; the first
		// refusal stops.
		var setters []func() C.enum_fluvio_status
		if config.Partitions != 0 {
			setters = append(setters, func() C.enum_fluvio_status {
				return C.fluvio_topic_config_set_partitions(cfg, C.uint32_t(config.Partitions))
			})
		}
		if config.Replication != 0 {
			setters = append(setters, func() C.enum_fluvio_status {
				return C.fluvio_topic_config_set_replication(cfg, C.uint32_t(config.Replication))
			})
		}
		if config.IgnoreRack {
			setters = append(setters, func() C.enum_fluvio_status { return C.fluvio_topic_config_set_ignore_rack(cfg, true) })
		}
		if config.Retention != 0 {
			if config.Retention < 0 || config.Retention/time.Second > 1<<32-1 {
				return invalid(op, "retention %v out of range", config.Retention)
			}
			seconds := C.uint32_t((config.Retention + time.Second - 1) / time.Second)
			setters = append(setters, func() C.enum_fluvio_status { return C.fluvio_topic_config_set_retention_secs(cfg, seconds) })
		}
		if config.SegmentSize != 0 {
			setters = append(setters, func() C.enum_fluvio_status {
				return C.fluvio_topic_config_set_segment_size(cfg, C.uint32_t(config.SegmentSize))
			})
		}
		if config.MaxPartitionSize != 0 {
			setters = append(setters, func() C.enum_fluvio_status {
				return C.fluvio_topic_config_set_max_partition_size(cfg, C.uint64_t(config.MaxPartitionSize))
			})
		}
		if config.Compression != CompressionDefault {
			setters = append(setters, func() C.enum_fluvio_status {
				return C.fluvio_topic_config_set_compression(cfg, config.Compression.c())
			})
		}
		for _, set := range setters {
			if err := call(op, set); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		C.fluvio_topic_config_free(cfg)
		return nil, err
	}
	return cfg, nil
}

// DeleteTopic deletes topic and all its records.
//
// It fails with [StatusInvalidArgument] (an invalid name),
// [StatusTopicNotFound], or a connection error.
func (c *Client) DeleteTopic(ctx context.Context, topic string) error {
	const op = "delete topic"
	name, err := cString(op, "topic name", topic)
	if err != nil {
		return err
	}
	_, err = background(ctx, op, func() (struct{}, error) {
		defer C.free(unsafe.Pointer(name))
		return struct{}{}, c.use(op, func(client *C.struct_fluvio_client) error {
			return call(op, func() C.enum_fluvio_status { return C.fluvio_topic_delete(client, name) })
		})
	}, nil)
	return err
}

// AddPartitions adds count partitions to topic and waits until their
// leaders serve them. Producers keep the partition count they were made
// with: make a new one to spread records over the new partitions.
func (c *Client) AddPartitions(ctx context.Context, topic string, count uint32) error {
	const op = "add partitions"
	name, err := cString(op, "topic name", topic)
	if err != nil {
		return err
	}
	_, err = background(ctx, op, func() (struct{}, error) {
		defer C.free(unsafe.Pointer(name))
		return struct{}{}, c.use(op, func(client *C.struct_fluvio_client) error {
			return call(op, func() C.enum_fluvio_status { return C.fluvio_topic_add_partitions(client, name, C.uint32_t(count)) })
		})
	}, nil)
	return err
}

// ListTopics lists the cluster's topics (system topics excluded).
func (c *Client) ListTopics(ctx context.Context) ([]TopicInfo, error) {
	const op = "list topics"
	return background(ctx, op, func() ([]TopicInfo, error) {
		var topics []TopicInfo
		err := c.use(op, func(client *C.struct_fluvio_client) error {
			var list *C.struct_fluvio_topic_list
			if err := call(op, func() C.enum_fluvio_status { return C.fluvio_topic_list(client, &list) }); err != nil {
				return err
			}
			topics = topicInfos(list)
			return nil
		})
		return topics, err
	}, nil)
}

// DescribeTopic describes one topic, system or not.
//
// It fails with [StatusInvalidArgument] (an invalid name),
// [StatusTopicNotFound], or a connection error.
func (c *Client) DescribeTopic(ctx context.Context, topic string) (TopicInfo, error) {
	const op = "describe topic"
	name, err := cString(op, "topic name", topic)
	if err != nil {
		return TopicInfo{}, err
	}
	return background(ctx, op, func() (TopicInfo, error) {
		defer C.free(unsafe.Pointer(name))
		var info TopicInfo
		err := c.use(op, func(client *C.struct_fluvio_client) error {
			var list *C.struct_fluvio_topic_list
			if err := call(op, func() C.enum_fluvio_status { return C.fluvio_topic_describe(client, name, &list) }); err != nil {
				return err
			}
			topics := topicInfos(list)
			if len(topics) != 1 {
				return &Error{Op: op, Status: StatusProtocol, Message: "the cluster described the topic as a list of another length"}
			}
			info = topics[0]
			return nil
		})
		return info, err
	}, nil)
}

// topicInfos copies a topic list into Go memory and frees it.
func topicInfos(list *C.struct_fluvio_topic_list) []TopicInfo {
	defer C.fluvio_topic_list_free(list)
	n := int(C.fluvio_topic_list_count(list))
	topics := make([]TopicInfo, 0, n)
	for i := 0; i < n; i++ {
		t := C.fluvio_topic_list_get(list, C.size_t(i))
		if t == nil {
			continue
		}
		topics = append(topics, TopicInfo{
			Name:             C.GoString(t.name),
			Partitions:       uint32(t.partitions),
			Replication:      uint32(t.replication),
			Retention:        time.Duration(t.retention_secs) * time.Second,
			SegmentSize:      uint32(t.segment_size),
			MaxPartitionSize: uint64(t.max_partition_size),
			Compression:      compressionOf(t.compression),
			System:           bool(t.system),
			Status:           TopicStatus(t.status),
			Reason:           C.GoString(t.reason),
		})
	}
	return topics
}
