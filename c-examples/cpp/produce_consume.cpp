// produce_consume in C++17: the same program as ../pkg-config/produce_consume.c,
// written with a small RAII wrapper (below, in the example; libfluvio itself
// is a C library). Handles are std::unique_ptr with libfluvio's _free
// functions as deleters, failures are exceptions, and the producer's
// delivery reports go to a std::function through a C trampoline that keeps
// exceptions from unwinding into libfluvio.
//
//   FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume produce TOPIC COUNT
//   FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume consume TOPIC COUNT
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

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

// A record's delivery report, copied from libfluvio's borrowed one.
struct delivery_report {
    void *opaque;
    fluvio_status status;
    uint32_t partition;
    int64_t offset;
    int64_t timestamp;
    int32_t error_code;
    std::string error;  // empty on success
};

using delivery_report_handler = std::function<void(const delivery_report &)>;

// Producer settings: the delivery-report handler is a std::function, called
// through a C trampoline. It runs on the thread that calls producer::poll,
// producer::flush or destroys the producer.
class producer_config {
public:
    producer_config() : raw_(fluvio_producer_config_new()) {
        if (!raw_) throw std::bad_alloc();
    }
    // `handler` must outlive every producer made from this configuration
    // (it is held here, so: keep the config alive as long as they are).
    void on_delivery(delivery_report_handler handler) {
        handler_ = std::make_unique<delivery_report_handler>(std::move(handler));
        check(fluvio_producer_config_set_delivery_report(raw_.get(), &trampoline, handler_.get()), "delivery report");
    }
    fluvio_producer_config *get() const { return raw_.get(); }
    // The first exception a handler threw, rethrown by producer::poll/flush.
    static std::exception_ptr take_exception() { return std::exchange(pending_exception(), nullptr); }

private:
    // The callback must not unwind into libfluvio: an exception is kept and
    // rethrown on the C++ side of the poll or flush that served it.
    static void trampoline(void *user_data, const fluvio_delivery_report *raw) noexcept {
        try {
            (*static_cast<delivery_report_handler *>(user_data))(delivery_report{
                raw->opaque, raw->status, raw->partition, raw->offset, raw->timestamp, raw->error_code,
                raw->error ? raw->error : ""});
        } catch (...) {
            if (!pending_exception()) pending_exception() = std::current_exception();
        }
    }
    // Per thread: handlers run on the thread that polls.
    static std::exception_ptr &pending_exception() {
        thread_local std::exception_ptr pending;
        return pending;
    }

    handle<fluvio_producer_config, fluvio_producer_config_free> raw_;
    std::unique_ptr<delivery_report_handler> handler_;
};

class producer {
public:
    explicit producer(fluvio_producer *raw) : raw_(raw) {}
    void send(std::string_view key, std::string_view value, void *opaque = nullptr) {
        check(fluvio_producer_send_opaque(raw_.get(), key.data(), key.size(), value.data(), value.size(), opaque),
              "send");
    }
    // Serves waiting delivery reports, waiting up to timeout_ms for one;
    // returns how many were served.
    size_t poll(int32_t timeout_ms) {
        size_t served = 0;
        fluvio_status status = fluvio_producer_poll(raw_.get(), timeout_ms, &served);
        rethrow_handler_exception();
        check(status, "poll");
        return served;
    }
    // Waits until the cluster has every record, serving their reports.
    void flush() {
        fluvio_status status = fluvio_producer_flush(raw_.get(), FLUVIO_FLUSH_TIMEOUT_MS);
        rethrow_handler_exception();
        check(status, "flush");
    }

private:
    static void rethrow_handler_exception() {
        if (std::exception_ptr e = producer_config::take_exception()) std::rethrow_exception(e);
    }

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
    producer topic_producer(const std::string &topic, const producer_config *config = nullptr) {
        fluvio_producer *out = nullptr;
        check(fluvio_producer_new(raw_.get(), topic.c_str(), config ? config->get() : nullptr, &out), "producer");
        return producer(out);
    }
    // A stream of one partition from `offset`. The consumer handle is only
    // needed to open the stream, so it is freed on return.
    stream partition_stream(const std::string &topic, int32_t partition, fluvio_offset offset) {
        // `struct`: the name fluvio_consumer alone is the function.
        struct fluvio_consumer *consumer_out = nullptr;
        check(fluvio_consumer_new(raw_.get(), topic.c_str(), partition, &consumer_out), "consumer");
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

// Sends count records, each with its index as the report's opaque, and
// checks that flush served exactly one successful report per record, in
// order (the topic has one partition).
void produce(fluvio::client &client, const std::string &topic, int count) {
    client.create_topic(topic, 1);
    int reported = 0;
    int64_t first_offset = -1;
    fluvio::producer_config config;
    config.on_delivery([&](const fluvio::delivery_report &report) {
        const auto record = static_cast<int>(reinterpret_cast<intptr_t>(report.opaque));
        if (report.status != FLUVIO_OK) {
            throw std::runtime_error("record " + std::to_string(record) + " not delivered: " + report.error);
        }
        if (reported == 0) first_offset = report.offset;
        if (record != reported || report.offset != first_offset + reported) {
            throw std::runtime_error("report " + std::to_string(reported) + " is of record " + std::to_string(record) +
                                     " at offset " + std::to_string(report.offset));
        }
        reported++;
    });
    fluvio::producer producer = client.topic_producer(topic, &config);
    for (int i = 0; i < count; i++) {
        producer.send("key-" + std::to_string(i), "c++ record " + std::to_string(i),
                      reinterpret_cast<void *>(static_cast<intptr_t>(i)));
    }
    // send() only queues; flush() returns once the cluster has every record,
    // and serves their reports.
    producer.flush();
    if (reported != count) {
        throw std::runtime_error(std::to_string(reported) + " delivery reports for " + std::to_string(count) +
                                 " records");
    }
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
    } catch (const std::exception &e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
