// produce_consume in C++17: the same program as ../pkg-config/produce_consume.c,
// written with a small RAII wrapper (below, in the example; libfluvio itself
// is a C library). Handles are std::unique_ptr with libfluvio's _free
// functions as deleters, and failures are exceptions.
//
//   FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume produce TOPIC COUNT
//   FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume consume TOPIC COUNT
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fluvio.h>

namespace fluvio {

// A failed call: the status name and fluvio_last_error(), read on the failing thread.
class error : public std::runtime_error {
public:
    error(const std::string &what, fluvio_status status)
        : std::runtime_error(what + ": " + fluvio_status_str(status) + ": " + fluvio_last_error()), status_(status) {}
    fluvio_status status() const { return status_; }

private:
    fluvio_status status_;
};

inline void check(fluvio_status status, const char *what) {
    if (status != FLUVIO_OK) throw error(what, status);
}

// unique_ptr<T> that frees with libfluvio's matching _free function.
template <typename T, void (*Free)(T *)>
struct deleter {
    void operator()(T *handle) const { Free(handle); }
};
template <typename T, void (*Free)(T *)>
using handle = std::unique_ptr<T, deleter<T, Free>>;

class record {
public:
    explicit record(fluvio_record *raw) : raw_(raw) {}
    int64_t offset() const { return fluvio_record_offset(raw_.get()); }
    // Both views borrow from the record: valid while it lives.
    std::string_view key() const {
        size_t len = 0;
        const void *data = fluvio_record_key(raw_.get(), &len);
        return data ? std::string_view(static_cast<const char *>(data), len) : std::string_view();
    }
    std::string_view value() const {
        size_t len = 0;
        const void *data = fluvio_record_value(raw_.get(), &len);
        return data ? std::string_view(static_cast<const char *>(data), len) : std::string_view();
    }

private:
    handle<fluvio_record, fluvio_record_free> raw_;
};

class stream {
public:
    explicit stream(fluvio_stream *raw) : raw_(raw) {}
    // The next record, waiting at most timeout_ms.
    record next(int32_t timeout_ms) {
        fluvio_record *out = nullptr;
        check(fluvio_stream_next(raw_.get(), timeout_ms, &out), "next record");
        return record(out);
    }

private:
    handle<fluvio_stream, fluvio_stream_free> raw_;
};

class producer {
public:
    explicit producer(fluvio_producer *raw) : raw_(raw) {}
    void send(std::string_view key, std::string_view value) {
        check(fluvio_producer_send(raw_.get(), key.data(), key.size(), value.data(), value.size()), "send");
    }
    void flush() { check(fluvio_flush(raw_.get()), "flush"); }

private:
    handle<fluvio_producer, fluvio_producer_free> raw_;
};

class client {
public:
    // Connects to FLUVIO_ENDPOINT, else 127.0.0.1:9003.
    client() {
        fluvio_client *out = nullptr;
        check(fluvio_connect(nullptr, &out), "connect");
        raw_.reset(out);
    }
    // Creates the topic; false if it already exists.
    bool create_topic(const std::string &topic, uint32_t partitions) {
        fluvio_status status = fluvio_topic_create(raw_.get(), topic.c_str(), partitions, 1);
        if (status == FLUVIO_ERR_TOPIC_EXISTS) return false;
        check(status, "create topic");
        return true;
    }
    producer topic_producer(const std::string &topic) {
        fluvio_producer *out = nullptr;
        check(fluvio_topic_producer(raw_.get(), topic.c_str(), nullptr, &out), "producer");
        return producer(out);
    }
    // A stream of one partition from `offset`. The consumer handle is only
    // needed to open the stream, so it is freed on return.
    stream partition_stream(const std::string &topic, int32_t partition, fluvio_offset offset) {
        // `struct`: the name fluvio_consumer alone is the function.
        struct fluvio_consumer *consumer_out = nullptr;
        check(fluvio_consumer(raw_.get(), topic.c_str(), partition, &consumer_out), "consumer");
        handle<struct fluvio_consumer, fluvio_consumer_free> consumer(consumer_out);
        fluvio_stream *out = nullptr;
        check(fluvio_consumer_stream(consumer.get(), offset, &out), "stream");
        return stream(out);
    }

private:
    handle<fluvio_client, fluvio_client_free> raw_;
};

}  // namespace fluvio

namespace {

// How long consume waits for each record.
constexpr int32_t record_timeout_ms = 10000;

void produce(fluvio::client &client, const std::string &topic, int count) {
    client.create_topic(topic, 1);
    fluvio::producer producer = client.topic_producer(topic);
    for (int i = 0; i < count; i++) {
        producer.send("key-" + std::to_string(i), "c++ record " + std::to_string(i));
    }
    // send() only queues; flush() returns once the cluster has every record.
    producer.flush();
    std::cout << "produced " << count << " records to " << topic << "\n";
}

bool consume(fluvio::client &client, const std::string &topic, int count) {
    fluvio::stream stream = client.partition_stream(topic, 0, fluvio_offset_beginning());
    for (int i = 0; i < count; i++) {
        fluvio::record record = stream.next(record_timeout_ms);
        std::string expected_key = "key-" + std::to_string(i);
        if (record.offset() != i || record.key() != expected_key) {
            std::cerr << "record " << i << ": offset " << record.offset() << ", key " << record.key()
                      << "; expected " << expected_key << "\n";
            return false;
        }
        std::cout << i << " " << expected_key << " " << record.value() << "\n";
    }
    std::cout << "consumed " << count << " records from " << topic << "\n";
    return true;
}

}  // namespace

int main(int argc, char **argv) {
    const std::string mode = argc == 4 ? argv[1] : "";
    if ((mode != "produce" && mode != "consume") || std::atoi(argv[3]) < 0) {
        std::cerr << "usage: " << argv[0] << " produce|consume TOPIC COUNT\n";
        return 2;
    }
    const std::string topic = argv[2];
    const int count = std::atoi(argv[3]);

    const std::string header = std::to_string(FLUVIO_VERSION_MAJOR) + "." + std::to_string(FLUVIO_VERSION_MINOR) +
                               "." + std::to_string(FLUVIO_VERSION_PATCH);
    std::cout << "libfluvio " << fluvio_version() << " (header " << header << ")\n";
    if (header != fluvio_version()) {
        std::cerr << "compiled with the header of libfluvio " << header << " but running with " << fluvio_version()
                  << "\n";
        return 1;
    }

    try {
        fluvio::client client;
        if (mode == "produce") {
            produce(client, topic, count);
            return 0;
        }
        return consume(client, topic, count) ? 0 : 1;
    } catch (const fluvio::error &e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
