package fluvio_test

import (
	"net"
	"strconv"
	"testing"
	"time"

	"libfluvio.dev/fluvio"
)

func findTopic(topics []fluvio.TopicInfo, name string) *fluvio.TopicInfo {
	for i := range topics {
		if topics[i].Name == name {
			return &topics[i]
		}
	}
	return nil
}

func TestTopicAdmin(t *testing.T) {
	client := connect(t, startCluster(t, 2))
	ctx := testContext(t)
	config := &fluvio.TopicConfig{Partitions: 3, Replication: 2, Retention: time.Hour, Compression: fluvio.CompressionLZ4}
	if err := client.CreateTopic(ctx, "admin", config); err != nil {
		t.Fatal(err)
	}
	if err := client.CreateTopic(ctx, "plain", nil); err != nil {
		t.Fatal(err)
	}
	topics, err := client.ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(topics) != 2 {
		t.Fatalf("topics: %+v", topics)
	}
	admin, plain := findTopic(topics, "admin"), findTopic(topics, "plain")
	if admin == nil || plain == nil {
		t.Fatalf("topics: %+v", topics)
	}
	if admin.Partitions != 3 || admin.Replication != 2 || admin.Retention != time.Hour ||
		admin.Compression != fluvio.CompressionLZ4 || admin.System || admin.Status != fluvio.TopicProvisioned {
		t.Fatalf("admin: %+v", *admin)
	}
	if plain.Partitions != 1 || plain.Replication != 1 || plain.Retention != 0 || plain.Compression != fluvio.CompressionAny {
		t.Fatalf("plain: %+v", *plain)
	}

	if err := client.AddPartitions(ctx, "plain", 2); err != nil {
		t.Fatal(err)
	}
	described, err := client.DescribeTopic(ctx, "plain")
	if err != nil || described.Name != "plain" || described.Partitions != 3 {
		t.Fatalf("plain after adding 2 partitions: %+v, %v", described, err)
	}

	if err := client.DeleteTopic(ctx, "admin"); err != nil {
		t.Fatal(err)
	}
	topics, err = client.ListTopics(ctx)
	if err != nil || findTopic(topics, "admin") != nil || findTopic(topics, "plain") == nil {
		t.Fatalf("topics after deleting admin: %+v, %v", topics, err)
	}
	_, err = client.DescribeTopic(ctx, "admin")
	expectError(t, "describe a deleted topic", err, fluvio.StatusTopicNotFound, fluvio.ErrTopicNotFound)

	_, err = client.Producer(ctx, "plain", &fluvio.ProducerConfig{BatchSize: -1})
	expectError(t, "a negative batch size", err, fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)
	err = client.CreateTopic(ctx, "too-replicated", &fluvio.TopicConfig{Replication: 3})
	if err == nil {
		t.Fatal("a replication of 3 on 2 SPUs was accepted")
	}
}

func TestLocalClusterSettings(t *testing.T) {
	ctx := testContext(t)
	_, err := fluvio.StartLocalCluster(ctx, &fluvio.LocalClusterConfig{DataDir: t.TempDir(), SPUs: 65})
	expectError(t, "65 SPUs", err, fluvio.StatusInvalidArgument, fluvio.ErrInvalidArgument)

	cluster := startCluster(t, 3)
	// Its port is taken: a second cluster on it cannot start.
	port := portOf(t, cluster.Endpoint())
	_, err = fluvio.StartLocalCluster(ctx, &fluvio.LocalClusterConfig{DataDir: t.TempDir(), Port: port})
	expectError(t, "a taken port", err, fluvio.StatusIO, fluvio.ErrIO)

	client := connect(t, cluster)
	if err := client.CreateTopic(ctx, "three", &fluvio.TopicConfig{Replication: 3}); err != nil {
		t.Fatalf("a replication of 3 on 3 SPUs: %v", err)
	}
}

func portOf(t *testing.T, endpoint string) uint16 {
	t.Helper()
	_, port, err := net.SplitHostPort(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		t.Fatal(err)
	}
	return uint16(n)
}
