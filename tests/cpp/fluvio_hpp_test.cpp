// The C++ bindings (include/fluvio.hpp) end to end, run by tests/cpp_binding.rs
// under AddressSanitizer and UndefinedBehaviorSanitizer: an embedded cluster
// of its own (fluvio_local_cluster_start on the data directory given as the
// only argument), records produced and read back through the wrapper, the
// delivery and partitioner std::functions, both error schemes, and moves of
// every handle (a double free or a use after free stops the run under ASan).
//
// Each section prints "ok: <section>" when every check in it held; the first
// failed check prints where and why on stderr and exits 1.
//
//   fluvio_hpp_test DATA_DIR
#include <fluvio.hpp>

#include <cstdint>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

struct check_failed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

#define CHECK(cond, ...)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            std::ostringstream check_message_;                                                    \
            check_message_ << __FILE__ << ":" << __LINE__ << ": check failed: " #cond ": " << __VA_ARGS__; \
            throw check_failed(check_message_.str());                                             \
        }                                                                                         \
    } while (0)

constexpr int32_t wait_ms = 10000;

std::string status_name(fluvio_status status) { return std::string(fluvio::status_str(status)); }

// Runs `f`, which must throw a fluvio::error with `status` and a message;
// returns that error.
template <typename F>
fluvio::error expect_throw(const char *what, fluvio_status status, F &&f) {
    try {
        f();
    } catch (const fluvio::error &e) {
        CHECK(e.status() == status, what << ": threw " << status_name(e.status()) << ", expected "
                                         << status_name(status) << " (" << e.what() << ")");
        CHECK(!e.message().empty(), what << ": empty message");
        const std::string text = e.what();
        CHECK(text.find(status_name(status)) != std::string::npos && text.find(e.message()) != std::string::npos,
              what << ": what() lacks the status or the message: " << text);
        return e;
    }
    throw check_failed(std::string(what) + ": did not throw");
}

// Runs `f`, a try_ call, which must not throw and must return a failed
// result with `status` and a message; returns the error it holds.
template <typename F>
fluvio::error expect_failed_result(const char *what, fluvio_status status, F &&f) {
    try {
        auto r = f();
        CHECK(!r.ok() && !r, what << ": succeeded");
        CHECK(r.status() == status, what << ": status " << status_name(r.status()) << ", expected " << status_name(status));
        CHECK(r.error().status() == status, what << ": error() has status " << status_name(r.error().status()));
        CHECK(!r.error().message().empty(), what << ": empty message");
        // value() throws what the result holds.
        try {
            (void)r.value();
        } catch (const fluvio::error &e) {
            CHECK(e.status() == status && e.message() == r.error().message(), what << ": value() threw " << e.what());
            return r.error();
        }
        throw check_failed(std::string(what) + ": value() of a failed result did not throw");
    } catch (const fluvio::error &e) {
        throw check_failed(std::string(what) + ": the try_ form threw " + e.what());
    }
}

void *as_opaque(size_t i) { return reinterpret_cast<void *>(static_cast<uintptr_t>(i + 1)); }

// What record i of the round trip holds: keys absent, empty and binary,
// values with NUL bytes, and an empty value.
struct sample {
    std::optional<std::string> key;
    std::string value;
};

std::vector<sample> samples() {
    std::vector<sample> s;
    for (int i = 0; i < 12; i++) {
        std::optional<std::string> key = "key-" + std::to_string(i);
        std::string value = "value-" + std::to_string(i);
        if (i == 3) key = std::nullopt;
        if (i == 4) key = std::string();
        if (i == 5) value = std::string("\0\xff\x01x", 4);
        if (i == 6) value = std::string();
        if (i == 7) key = std::string("\x00\x80", 2);
        s.push_back({key, value});
    }
    return s;
}

void check_record(const fluvio::record &r, int64_t offset, const sample &expected) {
    CHECK(r, "an empty record at offset " << offset);
    CHECK(r.offset() == offset, "offset " << r.offset() << ", expected " << offset);
    CHECK(r.partition() == 0, "partition " << r.partition());
    CHECK(r.timestamp() > 0, "timestamp " << r.timestamp() << " at offset " << offset);
    CHECK(r.key().has_value() == expected.key.has_value(), "key presence at offset " << offset);
    if (expected.key) {
        CHECK(*r.key() == *expected.key, "key at offset " << offset << ": " << r.key()->size() << " bytes");
    }
    CHECK(r.value() == expected.value && r.value().size() == expected.value.size(),
          "value at offset " << offset << ": " << r.value().size() << " bytes");
}

// Records sent through send_opaque come back in order with key, value and
// offset; the delivery function is called once per record with its offset.
void round_trip(fluvio::client &client) {
    const std::string topic = "cpp-round-trip";
    client.create_topic(topic);
    const std::vector<sample> sent = samples();

    std::vector<fluvio::delivery_report> reports;
    fluvio::producer_config config;
    config.set_linger_ms(5).on_delivery([&](const fluvio::delivery_report &r) { reports.push_back(r); });
    fluvio::producer producer = client.topic_producer(topic, config);
    CHECK(producer.fd() >= 0, "no readiness descriptor with a delivery function");
    for (size_t i = 0; i < sent.size(); i++) {
        std::optional<fluvio::bytes> key;
        if (sent[i].key) key = fluvio::bytes(*sent[i].key);
        producer.send_opaque(key, sent[i].value, as_opaque(i));
    }
    producer.flush();
    CHECK(reports.size() == sent.size(), reports.size() << " reports for " << sent.size() << " records");
    for (size_t i = 0; i < reports.size(); i++) {
        const fluvio::delivery_report &r = reports[i];
        CHECK(r.ok() && r.message.empty(), "report " << i << ": " << status_name(r.status) << " " << r.message);
        CHECK(r.opaque == as_opaque(i), "report " << i << " is of another record");
        CHECK(r.offset == static_cast<int64_t>(i) && r.partition == 0,
              "report " << i << ": partition " << r.partition << " offset " << r.offset);
        CHECK(r.timestamp > 0 && r.error_code == 0, "report " << i << ": timestamp " << r.timestamp);
    }
    // Each record was reported once: nothing is left to serve.
    CHECK(producer.poll(0) == 0, "a report served twice");
    CHECK(reports.size() == sent.size(), "reports after poll: " << reports.size());

    // A delivery handle, and its report too.
    fluvio::delivery delivery = producer.send_with_delivery(std::string("late"), "record");
    std::optional<fluvio::delivered> landed = delivery.wait(wait_ms);
    CHECK(landed && landed->offset == static_cast<int64_t>(sent.size()) && landed->partition == 0,
          "send_with_delivery landed at " << (landed ? landed->offset : -2));
    CHECK(producer.poll(wait_ms) == 1, "no report for the record sent with a delivery handle");
    CHECK(reports.size() == sent.size() + 1 && reports.back().offset == landed->offset &&
              reports.back().opaque == nullptr,
          "its report: offset " << reports.back().offset);
    const size_t total = sent.size() + 1;
    std::vector<sample> expected = sent;
    expected.push_back({std::string("late"), "record"});

    // Non-continuous: the loop ends at the end of the stream, not a timeout.
    std::vector<fluvio::record> kept;
    {
        fluvio::consumer_config settings;
        settings.set_continuous(false);
        fluvio::stream stream = client.topic_consumer(topic, settings).stream(fluvio::offset::beginning());
        int64_t offset = 0;
        for (fluvio::record &r : stream.records(wait_ms)) {
            CHECK(offset < static_cast<int64_t>(total), "a record past the end: " << r.offset());
            check_record(r, offset, expected[static_cast<size_t>(offset)]);
            kept.push_back(std::move(r));
            CHECK(!r, "a moved-from record still holds its handle");
            offset++;
        }
        CHECK(offset == static_cast<int64_t>(total), "the loop ended after " << offset << " of " << total);
        CHECK(stream.ended(), "a non-continuous stream's loop ended without its end");
        CHECK(!stream.next(0) && stream.ended(), "a record after the end");
    }
    // Records outlive their stream and consumer.
    for (size_t i = 0; i < kept.size(); i++) check_record(kept[i], static_cast<int64_t>(i), expected[i]);

    // Continuous: the loop ends when no record came within the timeout.
    fluvio::consumer consumer = client.topic_consumer(topic, 0);
    fluvio::stream stream = consumer.stream(fluvio::offset::absolute(static_cast<int64_t>(total) - 3));
    int64_t offset = static_cast<int64_t>(total) - 3;
    for (const fluvio::record &r : stream.records(1000)) {
        check_record(r, offset, expected[static_cast<size_t>(offset)]);
        offset++;
    }
    CHECK(offset == static_cast<int64_t>(total) && !stream.ended(),
          "continuous loop: ended at " << offset << ", ended() " << stream.ended());
    auto nothing = stream.try_next(0);
    CHECK(nothing.ok() && !nothing.value(), "try_next(0) at the end: " << status_name(nothing.status()));

    // Batches, from the beginning.
    fluvio::stream again = consumer.stream(fluvio::offset::from_beginning(0));
    std::vector<fluvio::record> batch = again.next_batch(100, wait_ms);
    CHECK(!batch.empty() && batch.size() <= total, "next_batch gave " << batch.size());
    for (size_t i = 0; i < batch.size(); i++) check_record(batch[i], static_cast<int64_t>(i), expected[i]);

    std::cout << "ok: round trip (" << total << " records, range-for to end and to timeout, "
              << reports.size() << " delivery reports)\n";
}

// The delivery function lives as long as the last of the settings and the
// producers made from them; it is still called by the producer's destructor.
void delivery_lifetime(fluvio::client &client) {
    const std::string topic = "cpp-lifetime";
    client.create_topic(topic);
    int calls = 0;
    // Held by the function only: expired once the function is released.
    auto token = std::make_shared<int>(0);
    std::weak_ptr<int> alive = token;

    fluvio::producer producer;
    CHECK(!producer, "a default producer holds a handle");
    {
        fluvio::producer_config config;
        config.set_linger_ms(0).on_delivery([token, &calls](const fluvio::delivery_report &r) {
            CHECK(r.ok(), "report: " << r.message);
            calls++;
        });
        producer = client.topic_producer(topic, config);
    }
    token.reset();
    CHECK(!alive.expired(), "the producer does not keep its delivery function alive");
    for (int i = 0; i < 3; i++) producer.send("lifetime " + std::to_string(i));
    producer.flush();
    CHECK(calls == 3, calls << " calls for 3 records");

    // Moves hand the function over with the handle.
    fluvio::producer moved = std::move(producer);
    CHECK(!producer && moved, "move construction");
    moved.send("after a move");
    moved.flush();
    CHECK(calls == 4, calls << " calls after a move");
    producer = std::move(moved);
    CHECK(producer && !moved && !alive.expired(), "move assignment");
    // An empty producer is refused, not a crash.
    expect_failed_result("send on a moved-from producer", FLUVIO_ERR_INVALID_ARGUMENT,
                         [&] { return moved.try_send("nowhere"); });

    // Destroying the producer serves the reports of what it still had, then
    // releases the function.
    producer.send("unflushed 1");
    producer.send("unflushed 2");
    CHECK(calls == 4, calls << " calls before the destructor");
    producer = fluvio::producer();
    CHECK(calls == 6, calls << " calls after the destructor, expected 6");
    CHECK(alive.expired(), "the function outlived its settings and its last producer");

    // The producers share it: it lives until the last of them is gone,
    // also when a vector's reallocations move them.
    token = std::make_shared<int>(0);
    alive = token;
    {
        fluvio::producer_config config;
        config.on_delivery([token, &calls](const fluvio::delivery_report &) { calls++; });
        token.reset();
        std::vector<fluvio::producer> many;
        for (int i = 0; i < 9; i++) many.push_back(client.topic_producer(topic, config));
        many[0].send("served by a destructor");
        many[8].send("served by another destructor");
        CHECK(calls == 6, "reports served before any poll");
        many.erase(many.begin());
        CHECK(calls == 7 && !alive.expired(), calls << " calls after one destructor");
        many.clear();
        CHECK(calls == 8 && !alive.expired(), calls << " calls after every destructor; the settings still hold it");
    }
    CHECK(alive.expired(), "the function outlived its settings and producers");

    // Another function for settings already used: only later producers get it.
    int first = 0, second = 0;
    fluvio::producer_config config;
    config.set_linger_ms(0).on_delivery([&first](const fluvio::delivery_report &) { first++; });
    fluvio::producer early = client.topic_producer(topic, config);
    config.on_delivery([&second](const fluvio::delivery_report &) { second++; });
    fluvio::producer late = client.topic_producer(topic, config);
    early.send("early");
    late.send("late");
    late.send("late");
    early.flush();
    late.flush();
    CHECK(first == 1 && second == 2, "first " << first << ", second " << second);
    // An empty function removes it.
    config.on_delivery(nullptr);
    fluvio::producer none = client.topic_producer(topic, config);
    CHECK(none.fd() == -1, "a producer made without a function has a report descriptor");
    none.send("unreported");
    none.flush();
    CHECK(first == 1 && second == 2, "a removed function was called");

    std::cout << "ok: delivery function lifetime (shared by settings and producers, served by the destructor)\n";
}

// A delivery function that throws: the exception surfaces from the flush
// that served it, every report is still served, and nothing unwinds into C.
void delivery_exceptions(fluvio::client &client) {
    const std::string topic = "cpp-throwing";
    client.create_topic(topic);
    int calls = 0;
    int throw_at = 2;
    fluvio::producer_config config;
    config.set_linger_ms(0).on_delivery([&](const fluvio::delivery_report &) {
        calls++;
        if (calls == throw_at) throw std::runtime_error("delivery function failed at call " + std::to_string(calls));
        if (calls == throw_at + 1) throw std::logic_error("a second exception, dropped");
    });
    fluvio::producer producer = client.topic_producer(topic, config);
    for (int i = 0; i < 4; i++) producer.send("r" + std::to_string(i));
    bool caught = false;
    try {
        producer.flush();
    } catch (const fluvio::error &e) {
        throw check_failed(std::string("flush threw a fluvio::error, not the function's exception: ") + e.what());
    } catch (const std::logic_error &e) {
        throw check_failed(std::string("flush threw the second exception: ") + e.what());
    } catch (const std::runtime_error &e) {
        CHECK(std::string(e.what()) == "delivery function failed at call 2", e.what());
        caught = true;
    }
    CHECK(caught && calls == 4, "caught " << caught << ", " << calls << " calls for 4 records");
    // Nothing stale: the next flush throws nothing.
    throw_at = 100;
    producer.send("quiet");
    producer.flush();
    CHECK(calls == 5, calls << " calls");

    // The try_ form rethrows the function's exception too.
    throw_at = 6;
    producer.send("loud");
    caught = false;
    try {
        (void)producer.try_flush();
    } catch (const std::runtime_error &e) {
        caught = std::string(e.what()) == "delivery function failed at call 6";
    }
    CHECK(caught && calls == 6, "try_flush: caught " << caught << ", " << calls << " calls");

    // And poll.
    throw_at = 7;
    producer.send("polled");
    caught = false;
    size_t served = 0;
    for (int i = 0; i < 100 && !caught && calls < 7; i++) {
        try {
            served += producer.poll(100);
        } catch (const std::runtime_error &e) {
            caught = std::string(e.what()) == "delivery function failed at call 7";
        }
    }
    CHECK(caught && calls == 7, "poll: caught " << caught << ", " << calls << " calls, served " << served);

    // A throw inside the destructor's last reports is dropped, not a crash.
    throw_at = 8;
    producer.send("at the end");
    producer = fluvio::producer();
    CHECK(calls == 8, calls << " calls after the destructor");

    // close() serves them and rethrows.
    fluvio::producer closing = client.topic_producer(topic, config);
    throw_at = 9;
    closing.send("closed");
    caught = false;
    try {
        closing.close();
    } catch (const std::runtime_error &e) {
        caught = std::string(e.what()) == "delivery function failed at call 9";
    }
    CHECK(caught && !closing && calls == 9, "close: caught " << caught << ", " << calls << " calls");

    std::cout << "ok: delivery function exceptions (rethrown by flush, try_flush, poll and close; dropped in the destructor)\n";
}

// A custom partitioner as a std::function; its exception refuses the record.
void partitioner(fluvio::client &client) {
    const std::string topic = "cpp-partitioned";
    client.create_topic(topic, 3);
    // Reports come in order within a partition only: placed by opaque.
    std::vector<uint32_t> partitions(5, 99);
    fluvio::producer_config config;
    config.set_linger_ms(0)
        .set_partitioner([](std::optional<fluvio::bytes> key, fluvio::bytes value, uint32_t count) -> uint32_t {
            CHECK(count == 3, "partition count " << count);
            if (!key) return 0;
            if (*key == "boom") throw std::logic_error("partitioner refuses " + value.to_string());
            return static_cast<uint32_t>(key->str().at(0) - '0') % count;
        })
        .on_delivery([&](const fluvio::delivery_report &r) {
            CHECK(r.ok(), r.message);
            const auto i = reinterpret_cast<uintptr_t>(r.opaque);
            CHECK(i < partitions.size() && partitions[i] == 99, "report of record " << i);
            partitions[i] = r.partition;
        });
    fluvio::producer producer = client.topic_producer(topic, config);
    const char *keys_sent[] = {"0-a", "1-b", "2-c", "1-d"};
    for (uintptr_t i = 0; i < 4; i++) {
        producer.send_opaque(std::string(keys_sent[i]), std::string("to ") + keys_sent[i], reinterpret_cast<void *>(i));
    }
    producer.send_opaque(std::nullopt, "no key", reinterpret_cast<void *>(uintptr_t{4}));
    bool caught = false;
    try {
        producer.send(std::string("boom"), "this one");
    } catch (const std::logic_error &e) {
        caught = std::string(e.what()) == "partitioner refuses this one";
    }
    CHECK(caught, "send did not rethrow the partitioner's exception");
    caught = false;
    try {
        (void)producer.try_send(std::string("boom"), "that one");
    } catch (const std::logic_error &e) {
        caught = std::string(e.what()) == "partitioner refuses that one";
    }
    CHECK(caught, "try_send did not rethrow the partitioner's exception");
    producer.flush();
    const std::vector<uint32_t> expected{0, 1, 2, 1, 0};
    CHECK(partitions == expected, "partitions " << partitions[0] << " " << partitions[1] << " " << partitions[2] << " "
                                                << partitions[3] << " " << partitions[4]);

    fluvio::consumer_config settings;
    settings.add_partition(1).set_continuous(false);
    fluvio::stream stream = client.topic_consumer(topic, settings).stream(fluvio::offset::beginning());
    std::vector<std::string> keys;
    for (const fluvio::record &r : stream.records(wait_ms)) {
        CHECK(r.partition() == 1, "a record of partition " << r.partition());
        keys.push_back(r.key()->to_string());
    }
    CHECK(keys == (std::vector<std::string>{"1-b", "1-d"}) && stream.ended(), keys.size() << " records in partition 1");

    std::cout << "ok: partitioner (records placed by the std::function, its exception refuses the record)\n";
}

// Failures: thrown as fluvio::error by f, returned by try_f, with the status,
// the message of fluvio_last_error(), the code and the retriable flag.
void errors(fluvio::client &client) {
    const std::string bad_name = "Not A Valid Topic!";
    fluvio::error thrown = expect_throw("create_topic(invalid name)", FLUVIO_ERR_INVALID_ARGUMENT,
                                        [&] { client.create_topic(bad_name); });
    CHECK(std::string(thrown.what()).rfind("fluvio_topic_create: FLUVIO_ERR_INVALID_ARGUMENT: ", 0) == 0,
          "what(): " << thrown.what());
    CHECK(!thrown.retriable() && thrown.code() == 0, "retriable " << thrown.retriable() << ", code " << thrown.code());
    fluvio::error returned = expect_failed_result("try_create_topic(invalid name)", FLUVIO_ERR_INVALID_ARGUMENT,
                                                  [&] { return client.try_create_topic(bad_name); });
    CHECK(returned.message() == thrown.message(), "the two forms disagree: " << returned.message());

    client.create_topic("cpp-exists");
    expect_throw("create_topic(existing)", FLUVIO_ERR_TOPIC_EXISTS, [&] { client.create_topic("cpp-exists"); });
    expect_failed_result("try_create_topic(existing)", FLUVIO_ERR_TOPIC_EXISTS,
                         [&] { return client.try_create_topic("cpp-exists"); });

    fluvio::error missing = expect_throw("topic_producer(missing topic)", FLUVIO_ERR_TOPIC_NOT_FOUND,
                                         [&] { client.topic_producer("cpp-no-such-topic"); });
    CHECK(missing.code() == 2001 && missing.code_name() == "TopicNotFound",
          "code " << missing.code() << " " << missing.code_name());
    expect_failed_result("try_topic_consumer(missing topic)", FLUVIO_ERR_TOPIC_NOT_FOUND,
                         [&] { return client.try_topic_consumer("cpp-no-such-topic", 0); });

    // A NUL byte in a string_view: refused by the wrapper, not cut short.
    const std::string_view with_nul("cpp-exists\0tail", 15);
    fluvio::error nul = expect_throw("create_topic(NUL inside)", FLUVIO_ERR_INVALID_ARGUMENT,
                                     [&] { client.create_topic(with_nul); });
    CHECK(nul.message() == "topic contains a NUL byte", nul.message());
    expect_failed_result("try_describe_topic(NUL inside)", FLUVIO_ERR_INVALID_ARGUMENT,
                         [&] { return client.try_describe_topic(with_nul); });

    // Settings the C API refuses.
    fluvio::producer_config settings;
    expect_throw("set_batch_size(0)", FLUVIO_ERR_INVALID_ARGUMENT, [&] { settings.set_batch_size(0); });
    expect_failed_result("try_set_linger_ms(-5)", FLUVIO_ERR_INVALID_ARGUMENT,
                         [&] { return settings.try_set_linger_ms(-5); });
    fluvio::local_config local;
    expect_failed_result("try_set_spus(0)", FLUVIO_ERR_INVALID_ARGUMENT, [&] { return local.try_set_spus(0); });

    // A moved-from (NULL) client is refused, not dereferenced.
    fluvio::client moved = std::move(client);
    CHECK(!client && moved, "move of a client");
    expect_failed_result("try_list_topics on a moved-from client", FLUVIO_ERR_INVALID_ARGUMENT,
                         [&] { return client.try_list_topics(); });
    expect_throw("create_topic on a moved-from client", FLUVIO_ERR_INVALID_ARGUMENT,
                 [&] { client.create_topic("cpp-nowhere"); });
    client = std::move(moved);
    expect_throw("describe_topic(missing)", FLUVIO_ERR_TOPIC_NOT_FOUND, [&] { client.describe_topic("cpp-nowhere"); });

    std::cout << "ok: errors (invalid name, existing and missing topic, NUL byte, bad settings, "
                 "moved-from handle; thrown and returned alike)\n";
}

// Nothing listens at `endpoint` (the stopped cluster's): a connection error,
// retriable, naming the endpoint.
void closed_port(const std::string &endpoint) {
    fluvio::error refused = expect_throw("connect(closed port)", FLUVIO_ERR_CONNECTION,
                                         [&] { fluvio::client::connect(endpoint); });
    CHECK(refused.retriable() && refused.message().find(endpoint) != std::string::npos,
          "retriable " << refused.retriable() << ": " << refused.message());
    expect_failed_result("try_connect(closed port)", FLUVIO_ERR_CONNECTION,
                         [&] { return fluvio::client::try_connect(endpoint); });
    fluvio::client_config config;
    config.set_endpoint(endpoint).set_request_timeout_ms(2000);
    expect_failed_result("try_connect(config, closed port)", FLUVIO_ERR_CONNECTION,
                         [&] { return fluvio::client::try_connect(config); });

    std::cout << "ok: closed port (thrown and returned alike)\n";
}

// A stream that fails throws out of the range-for.
void stream_failure(fluvio::client &client) {
    const std::string topic = "cpp-doomed";
    client.create_topic(topic);
    fluvio::producer producer = client.topic_producer(topic);
    producer.send("first");
    producer.flush();
    fluvio::consumer_config settings;
    settings.set_reconnect_timeout_ms(0);
    fluvio::stream stream = client.topic_consumer(topic, settings).stream(fluvio::offset::beginning());
    int seen = 0;
    fluvio::error e = expect_throw("range-for over a deleted topic", FLUVIO_ERR_SERVER, [&] {
        for (const fluvio::record &r : stream.records(wait_ms)) {
            CHECK(r.value() == "first", r.value());
            seen++;
            client.delete_topic(topic);
        }
        throw check_failed("the loop ended without an error after " + std::to_string(seen) + " records");
    });
    CHECK(seen == 1, seen << " records before the error");
    expect_failed_result("try_next after the error", FLUVIO_ERR_CLOSED, [&] { return stream.try_next(0); });
    std::cout << "ok: stream failure (the range-for throws " << status_name(e.status()) << ")\n";
}

// The admin lists, and consumer offsets through a named consumer.
void admin(fluvio::client &client) {
    bool round_trip = false, partitioned = false;
    fluvio::topic_list topics = client.list_topics();
    for (const fluvio_topic_info &t : topics) {
        if (std::string_view(t.name) == "cpp-round-trip") round_trip = t.partitions == 1;
        if (std::string_view(t.name) == "cpp-partitioned") partitioned = t.partitions == 3;
    }
    CHECK(round_trip && partitioned && topics.size() >= 2, topics.size() << " topics listed");
    bool out_of_range = false;
    try {
        (void)topics[topics.size()];
    } catch (const std::out_of_range &) {
        out_of_range = true;
    }
    CHECK(out_of_range, "topics[size()] did not throw");
    fluvio::topic_list one = client.describe_topic("cpp-partitioned");
    CHECK(one.size() == 1 && one[0].partitions == 3 && one[0].status == FLUVIO_TOPIC_STATUS_PROVISIONED,
          one.size() << " topics described");

    fluvio::partition_list partitions = client.list_partitions(std::string_view("cpp-round-trip"));
    CHECK(partitions.size() == 1 && partitions[0].high_watermark == 13 && partitions[0].leader >= 0,
          partitions.size() << " partitions, high watermark " << (partitions.empty() ? -1 : partitions[0].high_watermark));
    CHECK(client.list_partitions().size() >= 4, "all partitions");
    fluvio::spu_list spus = client.list_spus();
    CHECK(spus.size() == 1 && spus[0].status == FLUVIO_SPU_STATUS_ONLINE, spus.size() << " SPUs");

    // A named consumer commits what it read; the lists show it.
    fluvio::consumer_config settings;
    settings.set_consumer_id(std::string_view("cpp-reader")).set_offset_strategy(FLUVIO_OFFSET_STRATEGY_MANUAL);
    fluvio::stream stream = client.topic_consumer("cpp-round-trip", settings).stream(fluvio::offset::beginning());
    for (int i = 0; i < 3; i++) CHECK(stream.next(wait_ms), "record " << i);
    stream.commit();
    stream.flush(wait_ms);
    fluvio::consumer_offset_list offsets = client.list_consumer_offsets(std::string_view("cpp-reader"));
    CHECK(offsets.size() == 1 && offsets[0].consumer_id == "cpp-reader" && offsets[0].topic == "cpp-round-trip" &&
              offsets[0].partition == 0 && offsets[0].offset == 2,
          offsets.size() << " offsets, first at " << (offsets.empty() ? -1 : offsets[0].offset));
    fluvio::consumer_lag_list lags = client.list_consumer_lags(std::string_view("cpp-reader"));
    CHECK(lags.size() == 1 && lags[0].lag == 10, lags.size() << " lags, lag " << (lags.empty() ? -1 : lags[0].lag));
    client.delete_consumer_offset("cpp-reader", "cpp-round-trip", 0);
    CHECK(client.list_consumer_offsets(std::string_view("cpp-reader")).empty(), "offset not deleted");
    CHECK(!client.platform_version().empty() && client.stats().find("\"version\"") != std::string::npos,
          "platform version or stats");

    std::cout << "ok: admin (topic, partition, SPU, consumer offset and lag lists)\n";
}

// Moves of every kind of handle: ASan stops the run on a double free.
void moves(fluvio::client &client) {
    static_assert(!std::is_copy_constructible_v<fluvio::record> && std::is_nothrow_move_constructible_v<fluvio::record>);
    static_assert(!std::is_copy_assignable_v<fluvio::producer> && std::is_nothrow_move_assignable_v<fluvio::producer>);
    static_assert(!std::is_copy_constructible_v<fluvio::stream> && !std::is_copy_constructible_v<fluvio::client>);
    static_assert(!std::is_copy_constructible_v<fluvio::local_cluster> &&
                  !std::is_copy_constructible_v<fluvio::producer_config>);

    fluvio::record empty;
    CHECK(!empty && empty.offset() == -1 && !empty.key() && empty.value().empty() && empty.value_str().empty(),
          "an empty record");

    fluvio::consumer_config settings;
    settings.set_continuous(false);
    fluvio::consumer consumer = client.topic_consumer("cpp-round-trip", settings);
    fluvio::stream a = consumer.stream(fluvio::offset::beginning());
    fluvio::stream b = consumer.stream(fluvio::offset::absolute(5));
    std::swap(a, b);
    std::optional<fluvio::record> five = a.next(wait_ms);
    std::optional<fluvio::record> zero = b.next(wait_ms);
    CHECK(five && five->offset() == 5 && zero && zero->offset() == 0, "swapped streams");
    fluvio::record r = std::move(*five);
    fluvio::record &alias = r;
    r = std::move(alias);  // self-move keeps the record
    CHECK(r && r.offset() == 5 && !*five, "self-move of a record");
    r = std::move(*zero);
    CHECK(r.offset() == 0 && !*zero, "move assignment over a live record");

    fluvio::consumer other = std::move(consumer);
    fluvio::stream c = other.stream(fluvio::offset::from_end(1));
    other = fluvio::consumer();
    CHECK(c.next(wait_ms), "a stream outlives its consumer");
    fluvio::stream d;
    d = std::move(c);
    expect_failed_result("try_next on a moved-from stream", FLUVIO_ERR_INVALID_ARGUMENT, [&] { return c.try_next(0); });
    CHECK(c.fd() == -1 && d.fd() >= 0, "descriptors after a move");

    fluvio::topic_config topic;
    topic.set_partitions(2).set_retention_secs(3600);
    fluvio::topic_config moved_topic = std::move(topic);
    client.create_topic("cpp-configured", moved_topic);
    CHECK(client.describe_topic("cpp-configured")[0].retention_secs == 3600, "topic options");
    expect_failed_result("try_create_topic with a moved-from config", FLUVIO_ERR_INVALID_ARGUMENT,
                         [&] { return topic.try_set_partitions(1); });

    fluvio::producer_config config;
    config.on_delivery([](const fluvio::delivery_report &) {});
    fluvio::producer_config moved_config = std::move(config);
    fluvio::producer p = client.topic_producer("cpp-configured", moved_config);
    CHECK(p.fd() >= 0, "a moved producer config keeps its function");
    fluvio::delivery dl = p.send_with_delivery(std::nullopt, "value");
    fluvio::delivery dl2 = std::move(dl);
    CHECK(dl2.wait(wait_ms) && !dl, "a moved delivery handle");
    expect_failed_result("try_wait on a moved-from delivery", FLUVIO_ERR_INVALID_ARGUMENT,
                         [&] { return dl.try_wait(0); });

    fluvio::topic_list l1 = client.list_topics();
    fluvio::topic_list l2 = std::move(l1);
    CHECK(l1.size() == 0 && l2.size() >= 3 && l1.begin() == l1.end(), "moved list");

    fluvio::bytes from_null(static_cast<const char *>(nullptr));
    std::vector<uint8_t> raw{1, 2, 3};
    fluvio::bytes from_vector(raw);
    CHECK(from_null.empty() && from_vector.size() == 3 && from_vector[2] == 3 && from_vector != fluvio::bytes("abc"),
          "byte views");
    CHECK(std::string_view(fluvio::bytes("xyz")) == "xyz" && fluvio::bytes(std::string("q")).to_string() == "q",
          "byte view conversions");

    std::cout << "ok: moves (records, streams, consumers, producers, settings, deliveries, lists)\n";
}

int run(const char *data_dir) {
    CHECK(fluvio::version() == std::to_string(FLUVIO_VERSION_MAJOR) + "." + std::to_string(FLUVIO_VERSION_MINOR) +
                                   "." + std::to_string(FLUVIO_VERSION_PATCH),
          "library " << fluvio::version());
    fluvio::local_config local;
    local.set_data_dir(data_dir).set_spus(1);
    fluvio::local_cluster started = fluvio::local_cluster::start(local);
    fluvio::local_cluster cluster = std::move(started);
    CHECK(!started && cluster && started.endpoint().empty(), "move of a cluster");
    const std::string endpoint(cluster.endpoint());
    CHECK(endpoint.rfind("127.0.0.1:", 0) == 0, "endpoint " << endpoint);
    std::cout << "ok: embedded cluster started at 127.0.0.1\n";
    {
        fluvio::client client = fluvio::client::connect(endpoint);
        round_trip(client);
        delivery_lifetime(client);
        delivery_exceptions(client);
        partitioner(client);
        errors(client);
        stream_failure(client);
        admin(client);
        moves(client);
    }
    cluster.stop();
    CHECK(!cluster, "a stopped cluster still holds its handle");
    cluster.stop();  // stopping an empty one is a no-op
    closed_port(endpoint);
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " DATA_DIR\n";
        return 2;
    }
    try {
        run(argv[1]);
    } catch (const check_failed &e) {
        std::cerr << e.what() << "\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "unexpected exception: " << e.what() << "\n";
        return 1;
    }
    std::cout << "ok: all checks passed\n";
    return 0;
}
