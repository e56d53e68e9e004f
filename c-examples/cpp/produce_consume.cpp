// produce_consume in C++17: the same program as ../pkg-config/produce_consume.c,
// written with libfluvio's C++ bindings, <fluvio.hpp> (header-only, installed
// beside fluvio.h). Handles are move-only RAII objects, failures are
// fluvio::error exceptions (or fluvio::result values from the try_ forms), the
// producer's delivery reports go to a std::function, and a stream is read with
// a range-for.
//
//   FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume produce TOPIC COUNT
//   FLUVIO_ENDPOINT=127.0.0.1:9003 ./produce_consume consume TOPIC COUNT
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

#include <fluvio.hpp>

namespace {

// How long consume waits for each record.
constexpr int32_t record_timeout_ms = 10000;

// Sends count records, each with its index as the report's opaque, and
// checks that flush served exactly one successful report per record, in
// order (the topic has one partition).
void produce(fluvio::client &client, const std::string &topic, int count) {
    // The non-throwing form: an existing topic is fine, anything else throws.
    fluvio::result<void> created = client.try_create_topic(topic, 1);
    if (!created && created.status() != FLUVIO_ERR_TOPIC_EXISTS) created.value();

    int reported = 0;
    int64_t first_offset = -1;
    fluvio::producer_config config;
    // Called on this thread by flush() (or poll()); what it throws, flush()
    // rethrows once every report was served. The producer keeps a share of
    // the function: `config` may go before it.
    config.on_delivery([&](const fluvio::delivery_report &report) {
        const auto record = static_cast<int>(reinterpret_cast<intptr_t>(report.opaque));
        if (!report.ok()) {
            throw std::runtime_error("record " + std::to_string(record) + " not delivered: " + report.message);
        }
        if (reported == 0) first_offset = report.offset;
        if (record != reported || report.offset != first_offset + reported) {
            throw std::runtime_error("report " + std::to_string(reported) + " is of record " + std::to_string(record) +
                                     " at offset " + std::to_string(report.offset));
        }
        reported++;
    });
    fluvio::producer producer = client.topic_producer(topic, config);
    for (int i = 0; i < count; i++) {
        producer.send_opaque("key-" + std::to_string(i), "c++ record " + std::to_string(i),
                             reinterpret_cast<void *>(static_cast<intptr_t>(i)));
    }
    // send_opaque() only queues; flush() returns once the cluster has every
    // record, and serves their reports.
    producer.flush();
    if (reported != count) {
        throw std::runtime_error(std::to_string(reported) + " delivery reports for " + std::to_string(count) +
                                 " records");
    }
    std::cout << "produced " << count << " records to " << topic << "\n";
}

bool consume(fluvio::client &client, const std::string &topic, int count) {
    // The consumer is only needed to open the stream; the stream outlives it.
    fluvio::stream stream = client.topic_consumer(topic, 0).stream(fluvio::offset::beginning());
    int i = 0;
    if (count > 0) {
        // Each record waited for up to record_timeout_ms; the loop ends early
        // if one does not come.
        for (const fluvio::record &record : stream.records(record_timeout_ms)) {
            const std::string expected_key = "key-" + std::to_string(i);
            if (record.offset() != i || record.key() != expected_key) {
                std::cerr << "record " << i << ": offset " << record.offset() << ", key "
                          << record.key().value_or("(none)") << "; expected " << expected_key << "\n";
                return false;
            }
            std::cout << i << " " << expected_key << " " << record.value() << "\n";
            if (++i == count) break;
        }
    }
    if (i < count) {
        std::cerr << "record " << i << " did not come within " << record_timeout_ms << " ms\n";
        return false;
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
    std::cout << "libfluvio " << fluvio::version() << " (header " << header << ")\n";
    if (header != fluvio::version()) {
        std::cerr << "compiled with the header of libfluvio " << header << " but running with " << fluvio::version()
                  << "\n";
        return 1;
    }

    try {
        // FLUVIO_ENDPOINT, else the Fluvio profile, else 127.0.0.1:9003.
        fluvio::client client = fluvio::client::connect();
        if (mode == "produce") {
            produce(client, topic, count);
            return 0;
        }
        return consume(client, topic, count) ? 0 : 1;
    } catch (const std::exception &e) {
        // A fluvio::error reads "<C function>: <status>: <fluvio_last_error()>".
        std::cerr << e.what() << "\n";
        return 1;
    }
}
