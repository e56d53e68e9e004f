/*
 * fluvio.hpp — C++17 bindings of libfluvio, header-only, over fluvio.h.
 *
 * Everything here is inline code calling the C API of fluvio.h (which stays
 * the manual: each wrapper names the C function it calls, and that
 * function's documentation says what it does, what it refuses and when it
 * blocks). No dependency beyond fluvio.h and the C++17 standard library;
 * link with libfluvio as a C program does:
 *
 *     c++ -std=c++17 app.cpp $(pkg-config --cflags --libs fluvio)
 *
 * A complete program:
 *
 *     #include <fluvio.hpp>
 *     #include <iostream>
 *
 *     int main() try {
 *         fluvio::local_cluster cluster = fluvio::local_cluster::start();
 *         fluvio::client client = fluvio::client::connect(cluster.endpoint());
 *         client.create_topic("quickstart");
 *
 *         fluvio::producer producer = client.topic_producer("quickstart");
 *         for (const char *value : {"one", "two", "three"}) producer.send("n", value);
 *         producer.flush();
 *
 *         fluvio::consumer_config settings;
 *         settings.set_continuous(false);  // end after what is stored now
 *         fluvio::stream stream =
 *             client.topic_consumer("quickstart", settings).stream(fluvio::offset::beginning());
 *         for (const fluvio::record &record : stream.records(10000))
 *             std::cout << "offset " << record.offset() << ": " << record.value() << "\n";
 *         return 0;  // destroyed in reverse order: the stream ... the client, the cluster
 *     } catch (const fluvio::error &e) {
 *         std::cerr << e.what() << "\n";
 *         return 1;
 *     }
 *
 * ERRORS: TWO SCHEMES, ONE RULE
 *
 *   Every operation that can fail comes twice, with the same arguments:
 *
 *     f(...)      returns its result and throws fluvio::error on failure;
 *     try_f(...)  returns a fluvio::result<R> (R = what f returns, void
 *                 for none) and never throws fluvio::error.
 *
 *   A fluvio::error carries the fluvio_status, the message of
 *   fluvio_last_error(), the Fluvio error code of fluvio_last_error_code()
 *   and fluvio_last_error_retriable(), all read right after the failing
 *   call, on the calling thread (the C API keeps them per thread). Its
 *   what() reads "<C function>: <status name>: <message>". A result<R> holds
 *   either the value or that same fluvio::error, unthrown: test it with
 *   ok() (or in a bool context), read status() and error(); value() hands
 *   the value out, or throws the error it holds (so `try_f(...).value()` is
 *   `f(...)`, which is how every f is written).
 *
 *   Besides, both kinds of function may throw std::bad_alloc (memory is
 *   exhausted) and rethrow the exceptions of your own callbacks (see
 *   CALLBACKS). Constructors of settings objects, which only fail when
 *   memory is exhausted, throw std::bad_alloc; objects that need a call
 *   that can fail are made by static or member factory functions, which
 *   come in both kinds.
 *
 *   Arguments the wrapper itself refuses, before any C call, fail the same
 *   way with FLUVIO_ERR_INVALID_ARGUMENT: a string containing a NUL byte
 *   (the C API takes NUL-terminated strings, so it would silently be cut).
 *
 *   Not failures, so neither thrown nor in result's error: a wait that
 *   timed out (stream::next, delivery::wait give std::nullopt) and the end
 *   of a non-continuous stream (std::nullopt, then stream::ended() is true).
 *
 * OWNERSHIP AND LIFETIMES
 *
 *   Each class owns one C handle and frees it with its _free (or _stop)
 *   function in its destructor. Classes are move-only: moving hands the
 *   handle over and leaves the source empty (get() == nullptr, false in a
 *   bool context). An empty object may be destroyed, assigned to and
 *   passed to any call: the C API refuses the NULL handle with
 *   FLUVIO_ERR_INVALID_ARGUMENT (accessors give their "no value": -1, 0 or
 *   an empty view). get() lends the C handle (for C calls this header does
 *   not wrap); release() gives it up to the caller, who then frees it
 *   (producers and their settings have no release(): the wrapper owns the
 *   functions their C handles call).
 *
 *   Objects are independent, as their C handles are: a producer, consumer
 *   or stream keeps working after the client that made it is destroyed, a
 *   stream after its consumer, a record after its stream, and a settings
 *   object may be destroyed as soon as it was used (the C API copies it).
 *   What an accessor returns as a view (fluvio::bytes, std::string_view,
 *   a const reference to a C info struct) is borrowed from its object and
 *   valid while that object lives; copy what you keep.
 *
 *   Threads: as fluvio.h says for each handle. Clients, producers,
 *   consumers and lists may be used from any thread, concurrently; settings
 *   objects, streams and their record ranges from one thread at a time.
 *
 * CALLBACKS
 *
 *   producer_config::on_delivery and producer_config::set_partitioner take
 *   std::function. The settings object holds the function through a
 *   std::shared_ptr, and every producer made from it takes a share: the
 *   function lives until the settings object is destroyed (or given another
 *   function) and every producer made from it is destroyed, whichever is
 *   last. So a producer never calls a dead function, and the settings may
 *   be destroyed right after the producer was made. Setting another
 *   function changes only producers made afterwards.
 *
 *   The C API forbids unwinding out of a callback. Each function is called
 *   through a noexcept C trampoline that catches what it throws. The first
 *   exception thrown during one wrapper call (the producer::poll or flush
 *   that served the reports, the send that asked the partitioner) is
 *   rethrown by that call once the C call returned, also by its try_ form;
 *   later ones in the same call are dropped. Every report is still handed
 *   to the function, whether it threw for an earlier one or not. A partitioner
 *   that throws refuses its record (the C API sees an out-of-range
 *   partition; nothing is queued). Reports served by the producer's
 *   destructor (records still unacknowledged when it is destroyed) have
 *   nobody to rethrow to: their exceptions are dropped; call flush() or
 *   close() first to see them. An exception thrown by a function served by
 *   a C call you make yourself on get() calls std::terminate.
 */

#ifndef FLUVIO_HPP
#define FLUVIO_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fluvio.h"

namespace fluvio {

/* ========================================================================
 * Errors
 * ======================================================================== */

/// The name of a status code (fluvio_status_str), e.g. "FLUVIO_ERR_TIMEOUT".
inline std::string_view status_str(fluvio_status status) noexcept { return fluvio_status_str(status); }

/// The version of the linked library, "MAJOR.MINOR.PATCH" (fluvio_version).
inline std::string_view version() noexcept { return fluvio_version(); }

/// A failed call. Copyable; thrown by the throwing functions, held unthrown
/// by fluvio::result.
class error : public std::runtime_error {
public:
    /// An error with the given parts; `context` names what failed (the C
    /// function). See last_error for the usual way to make one.
    error(fluvio_status status, std::string message, int32_t code, bool retriable, std::string_view context)
        : std::runtime_error(describe(status, message, context)),
          status_(status),
          code_(code),
          retriable_(retriable),
          message_(std::move(message)) {}

    /// The error that a C call returning `status` has just left on this
    /// thread: fluvio_last_error(), fluvio_last_error_code() and
    /// fluvio_last_error_retriable(), read now. Call it right after the
    /// failing C call, before any other libfluvio call on this thread.
    static error last_error(fluvio_status status, std::string_view context) {
        return error(status, fluvio_last_error(), fluvio_last_error_code(), fluvio_last_error_retriable(), context);
    }

    /// The status code (never FLUVIO_OK).
    fluvio_status status() const noexcept { return status_; }
    /// What fluvio_last_error() said (or the wrapper's own message).
    const std::string &message() const noexcept { return message_; }
    /// The Fluvio error code the cluster answered with, 0 for none.
    int32_t code() const noexcept { return code_; }
    /// Its name (fluvio_error_code_name), e.g. "TopicNotFound"; "None" for 0.
    std::string_view code_name() const noexcept {
        const char *name = fluvio_error_code_name(code_);
        return name ? name : "";
    }
    /// Whether the same call may succeed later (fluvio_last_error_retriable).
    bool retriable() const noexcept { return retriable_; }

private:
    static std::string describe(fluvio_status status, const std::string &message, std::string_view context) {
        std::string what(context);
        what += ": ";
        what += fluvio_status_str(status);
        if (!message.empty()) {
            what += ": ";
            what += message;
        }
        return what;
    }

    fluvio_status status_;
    int32_t code_;
    bool retriable_;
    std::string message_;
};

/// The outcome of a try_ function: a T, or the fluvio::error that would
/// have been thrown. [[nodiscard]]: ignoring it ignores the error.
template <typename T>
class [[nodiscard]] result {
public:
    result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    result(fluvio::error failure) : v_(std::in_place_index<1>, std::move(failure)) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    /// FLUVIO_OK, or the error's status.
    fluvio_status status() const noexcept { return ok() ? FLUVIO_OK : std::get<1>(v_).status(); }
    /// The error; only when !ok() (else std::bad_variant_access).
    const fluvio::error &error() const { return std::get<1>(v_); }

    /// The value, or throws the error.
    T &value() & {
        if (!ok()) throw std::get<1>(v_);
        return std::get<0>(v_);
    }
    const T &value() const & {
        if (!ok()) throw std::get<1>(v_);
        return std::get<0>(v_);
    }
    T &&value() && {
        if (!ok()) throw std::get<1>(v_);
        return std::get<0>(std::move(v_));
    }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    T &&operator*() && { return std::move(*this).value(); }

private:
    std::variant<T, fluvio::error> v_;
};

template <>
class [[nodiscard]] result<void> {
public:
    result() noexcept = default;
    result(fluvio::error failure) : e_(std::move(failure)) {}

    bool ok() const noexcept { return !e_; }
    explicit operator bool() const noexcept { return ok(); }
    fluvio_status status() const noexcept { return e_ ? e_->status() : FLUVIO_OK; }
    /// The error; only when !ok() (else std::bad_optional_access).
    const fluvio::error &error() const { return e_.value(); }
    /// Throws the error, if any.
    void value() const {
        if (e_) throw *e_;
    }

private:
    std::optional<fluvio::error> e_;
};

namespace detail {

/// result<void> of a C call's status; the error is read now.
inline result<void> check(fluvio_status status, const char *context) {
    if (status == FLUVIO_OK) return {};
    return error::last_error(status, context);
}

/// A string_view copied NUL-terminated for the C API (std::nullopt: NULL).
/// A view containing a NUL byte is refused: the C side would see a
/// shorter string.
class c_string {
public:
    explicit c_string(std::string_view s) : copy_(s), valid_(s.find('\0') == std::string_view::npos) {}
    explicit c_string(const std::optional<std::string_view> &s)
        : null_(!s), copy_(s ? *s : std::string_view()), valid_(!s || s->find('\0') == std::string_view::npos) {}
    bool valid() const noexcept { return valid_; }
    const char *get() const noexcept { return null_ ? nullptr : copy_.c_str(); }
    /// The wrapper's own INVALID_ARGUMENT for a string with a NUL byte.
    fluvio::error invalid(const char *what, const char *context) const {
        return fluvio::error(FLUVIO_ERR_INVALID_ARGUMENT, std::string(what) + " contains a NUL byte", 0, false,
                             context);
    }

private:
    bool null_ = false;
    std::string copy_;
    bool valid_;
};

/// A C handle freed by `Free`: the move-only core of the wrapper classes.
template <typename T, void (*Free)(T *)>
class handle {
public:
    handle() noexcept = default;
    explicit handle(T *raw) noexcept : raw_(raw) {}
    handle(handle &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    handle &operator=(handle &&other) noexcept {
        if (this != &other) reset(std::exchange(other.raw_, nullptr));
        return *this;
    }
    handle(const handle &) = delete;
    handle &operator=(const handle &) = delete;
    ~handle() { Free(raw_); }

    T *get() const noexcept { return raw_; }
    T *release() noexcept { return std::exchange(raw_, nullptr); }
    void reset(T *raw = nullptr) noexcept { Free(std::exchange(raw_, raw)); }
    explicit operator bool() const noexcept { return raw_ != nullptr; }

private:
    T *raw_ = nullptr;
};

/// Where the callbacks of one wrapper call keep the first exception they
/// threw. Each wrapper call that may run callbacks (poll, flush, send,
/// the producer's destructor) opens one on its thread; they nest.
class callback_scope {
public:
    callback_scope() noexcept : outer_(current()) { current() = this; }
    ~callback_scope() { current() = outer_; }
    callback_scope(const callback_scope &) = delete;
    callback_scope &operator=(const callback_scope &) = delete;

    /// Called in a trampoline's catch block: keeps the exception being
    /// handled if it is the scope's first; without a scope, terminates.
    static void keep_current_exception() noexcept {
        callback_scope *scope = current();
        if (!scope) std::terminate();
        if (!scope->first_) scope->first_ = std::current_exception();
    }
    /// Rethrows the first exception a callback threw in this scope, if any.
    void rethrow() {
        if (first_) std::rethrow_exception(std::exchange(first_, nullptr));
    }

private:
    static callback_scope *&current() noexcept {
        thread_local callback_scope *scope = nullptr;
        return scope;
    }

    callback_scope *outer_;
    std::exception_ptr first_;
};

}  // namespace detail

/* ========================================================================
 * Byte views
 * ======================================================================== */

/// A borrowed view of bytes, {data, size}, as std::span<const uint8_t>
/// would be (C++17 has none). Made implicitly from a string_view, a
/// std::string, a C string (without its NUL) and a std::vector<uint8_t>;
/// converts explicitly to std::string_view (or with str()). It owns
/// nothing: the bytes must outlive it.
class bytes {
public:
    constexpr bytes() noexcept = default;
    bytes(const void *data, size_t size) noexcept : data_(static_cast<const uint8_t *>(data)), size_(size) {}
    bytes(std::string_view s) noexcept : bytes(s.data(), s.size()) {}
    bytes(const std::string &s) noexcept : bytes(s.data(), s.size()) {}
    bytes(const char *s) noexcept : bytes(s, s ? std::strlen(s) : 0) {}
    bytes(const std::vector<uint8_t> &v) noexcept : bytes(v.data(), v.size()) {}

    const uint8_t *data() const noexcept { return data_; }
    size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const uint8_t *begin() const noexcept { return data_; }
    const uint8_t *end() const noexcept { return data_ + size_; }
    uint8_t operator[](size_t i) const noexcept { return data_[i]; }

    /// The same bytes as characters.
    std::string_view str() const noexcept {
        return size_ ? std::string_view(reinterpret_cast<const char *>(data_), size_) : std::string_view();
    }
    explicit operator std::string_view() const noexcept { return str(); }
    /// Copies.
    std::string to_string() const { return std::string(str()); }
    std::vector<uint8_t> to_vector() const { return std::vector<uint8_t>(begin(), end()); }

    /// Same length, same bytes.
    friend bool operator==(bytes a, bytes b) noexcept {
        return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data_, b.data_, a.size_) == 0);
    }
    friend bool operator!=(bytes a, bytes b) noexcept { return !(a == b); }
    /// Writes the bytes as they are.
    friend std::ostream &operator<<(std::ostream &os, bytes b) { return os << b.str(); }

private:
    const uint8_t *data_ = nullptr;
    size_t size_ = 0;
};

/* ========================================================================
 * Offsets
 * ======================================================================== */

/// Where a stream starts (a fluvio_offset; the fluvio_offset_* functions).
class offset {
public:
    offset(fluvio_offset raw) noexcept : raw_(raw) {}
    /// The first record still stored.
    static offset beginning() noexcept { return fluvio_offset_beginning(); }
    /// Only records produced after the stream opens.
    static offset end() noexcept { return fluvio_offset_end(); }
    /// Offset `n` (a negative one is refused when the stream opens).
    static offset absolute(int64_t n) noexcept { return fluvio_offset_absolute(n); }
    /// `n` records after the first one still stored.
    static offset from_beginning(uint32_t n) noexcept { return fluvio_offset_from_beginning(n); }
    /// The last `n` records, then new ones.
    static offset from_end(uint32_t n) noexcept { return fluvio_offset_from_end(n); }
    fluvio_offset get() const noexcept { return raw_; }

private:
    fluvio_offset raw_;
};

/* ========================================================================
 * Records and streams
 * ======================================================================== */

/// A consumed record (fluvio_record), owned until destroyed. Its views are
/// valid while it lives. Any thread may read it.
class record {
public:
    record() noexcept = default;
    /// Takes ownership of `raw` (from fluvio_stream_next).
    explicit record(fluvio_record *raw) noexcept : raw_(raw) {}

    /// The key, or std::nullopt for a record without one (an empty key is
    /// an empty view).
    std::optional<bytes> key() const noexcept {
        size_t len = 0;
        const void *data = fluvio_record_key(raw_.get(), &len);
        if (!data) return std::nullopt;
        return bytes(data, len);
    }
    /// The value (fluvio_record_value).
    bytes value() const noexcept {
        size_t len = 0;
        const void *data = fluvio_record_value(raw_.get(), &len);
        return data ? bytes(data, len) : bytes();
    }
    /// The value up to its first NUL byte (fluvio_record_value_str); "" if empty.
    std::string_view value_str() const noexcept {
        const char *s = fluvio_record_value_str(raw_.get());
        return s ? std::string_view(s) : std::string_view();
    }
    /// Its offset in its partition (-1 for an empty record object).
    int64_t offset() const noexcept { return fluvio_record_offset(raw_.get()); }
    uint32_t partition() const noexcept { return fluvio_record_partition(raw_.get()); }
    /// Milliseconds since the Unix epoch, -1 when unknown.
    int64_t timestamp() const noexcept { return fluvio_record_timestamp(raw_.get()); }

    fluvio_record *get() const noexcept { return raw_.get(); }
    fluvio_record *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<fluvio_record, fluvio_record_free> raw_;
};

class record_range;

/// A stream of records (fluvio_stream), from consumer::stream. One thread
/// at a time may read it.
class stream {
public:
    stream() noexcept = default;
    /// Takes ownership of `raw` (from fluvio_consumer_stream).
    explicit stream(fluvio_stream *raw) noexcept : raw_(raw) {}

    /// The next record, waiting up to `timeout_ms` (0: not at all; -1:
    /// without limit) — fluvio_stream_next. std::nullopt when none came in
    /// time (the stream stays usable) or when a non-continuous stream
    /// delivered everything (then ended() is true). Throws fluvio::error
    /// for the error that ended the stream (FLUVIO_ERR_CLOSED after it).
    std::optional<record> next(int32_t timeout_ms) { return try_next(timeout_ms).value(); }
    result<std::optional<record>> try_next(int32_t timeout_ms) {
        fluvio_record *out = nullptr;
        fluvio_status status = fluvio_stream_next(raw_.get(), timeout_ms, &out);
        if (status == FLUVIO_OK) return std::optional<record>(record(out));
        if (status == FLUVIO_ERR_TIMEOUT) return std::optional<record>();
        if (status == FLUVIO_END_OF_STREAM) {
            ended_ = true;
            return std::optional<record>();
        }
        return error::last_error(status, "fluvio_stream_next");
    }

    /// Up to `max` records (fluvio_stream_next_batch): waits up to
    /// `timeout_ms` for the first, adds those already waiting. Empty when
    /// none came in time or the stream ended (ended()).
    std::vector<record> next_batch(size_t max, int32_t timeout_ms) { return try_next_batch(max, timeout_ms).value(); }
    result<std::vector<record>> try_next_batch(size_t max, int32_t timeout_ms) {
        std::vector<fluvio_record *> raw(max);
        size_t count = 0;
        fluvio_status status = fluvio_stream_next_batch(raw_.get(), raw.data(), max, timeout_ms, &count);
        if (status == FLUVIO_END_OF_STREAM) ended_ = true;
        if (status == FLUVIO_ERR_TIMEOUT || status == FLUVIO_END_OF_STREAM) return std::vector<record>();
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_stream_next_batch");
        std::vector<record> records;
        records.reserve(count);
        for (size_t i = 0; i < count; i++) records.emplace_back(raw[i]);
        return result<std::vector<record>>(std::move(records));
    }

    /// The records as a single-pass range for range-for, each waited for
    /// up to `timeout_ms` (see next):
    ///
    ///     for (const fluvio::record &r : stream.records(5000)) { ... }
    ///
    /// The loop ends when no record came within `timeout_ms` of the
    /// previous one (or of the loop's start), or when a non-continuous
    /// stream ended (ended() tells which); it throws fluvio::error on an
    /// error. Each record lives until the loop moves to the next: bind it
    /// as `fluvio::record &` and std::move it out to keep it. The range
    /// borrows this stream, which must outlive it and not move meanwhile.
    record_range records(int32_t timeout_ms);

    /// Whether a non-continuous stream has delivered everything
    /// (FLUVIO_END_OF_STREAM was returned).
    bool ended() const noexcept { return ended_; }

    /// fluvio_stream_commit: marks what was handed out as consumed.
    void commit() { try_commit().value(); }
    result<void> try_commit() { return detail::check(fluvio_stream_commit(raw_.get()), "fluvio_stream_commit"); }
    /// fluvio_stream_flush: stores the committed offsets on the cluster.
    void flush(int32_t timeout_ms) { try_flush(timeout_ms).value(); }
    result<void> try_flush(int32_t timeout_ms) {
        return detail::check(fluvio_stream_flush(raw_.get(), timeout_ms), "fluvio_stream_flush");
    }
    /// fluvio_stream_fd: readable while records wait (owned by the stream).
    int fd() const noexcept { return fluvio_stream_fd(raw_.get()); }

    fluvio_stream *get() const noexcept { return raw_.get(); }
    fluvio_stream *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<fluvio_stream, fluvio_stream_free> raw_;
    bool ended_ = false;
};

/// stream::records: the range a range-for walks. Single pass: begin()
/// waits for the first record.
class record_range {
public:
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = record;
        using difference_type = std::ptrdiff_t;
        using pointer = record *;
        using reference = record &;

        iterator() noexcept = default;
        record &operator*() const noexcept { return *range_->current_; }
        record *operator->() const noexcept { return &*range_->current_; }
        /// Frees the current record and waits for the next.
        iterator &operator++() {
            range_->advance();
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator &a, const iterator &b) noexcept { return a.done() == b.done(); }
        friend bool operator!=(const iterator &a, const iterator &b) noexcept { return !(a == b); }

    private:
        friend class record_range;
        explicit iterator(record_range *range) noexcept : range_(range) {}
        bool done() const noexcept { return !range_ || !range_->current_; }
        record_range *range_ = nullptr;
    };

    record_range(stream &s, int32_t timeout_ms) noexcept : stream_(&s), timeout_ms_(timeout_ms) {}
    record_range(const record_range &) = delete;
    record_range &operator=(const record_range &) = delete;

    iterator begin() {
        advance();
        return iterator(this);
    }
    iterator end() noexcept { return iterator(); }

private:
    void advance() {
        current_.reset();
        current_ = stream_->next(timeout_ms_);
    }

    stream *stream_;
    int32_t timeout_ms_;
    std::optional<record> current_;
};

inline record_range stream::records(int32_t timeout_ms) { return record_range(*this, timeout_ms); }

/* ========================================================================
 * SmartModules
 * ======================================================================== */

/// A SmartModule to apply (fluvio_smartmodule): adding it to a consumer or
/// producer configuration copies it.
class smartmodule {
public:
    smartmodule() noexcept = default;
    explicit smartmodule(fluvio_smartmodule *raw) noexcept : raw_(raw) {}

    /// A module stored on the cluster (fluvio_smartmodule_named).
    static smartmodule named(std::string_view name) { return try_named(name).value(); }
    static result<smartmodule> try_named(std::string_view name) {
        detail::c_string n(name);
        if (!n.valid()) return n.invalid("name", "fluvio_smartmodule_named");
        fluvio_smartmodule *out = nullptr;
        fluvio_status status = fluvio_smartmodule_named(n.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_smartmodule_named");
        return smartmodule(out);
    }
    /// An ad-hoc module from its wasm bytes (copied; fluvio_smartmodule_from_wasm).
    static smartmodule from_wasm(bytes wasm) { return try_from_wasm(wasm).value(); }
    static result<smartmodule> try_from_wasm(bytes wasm) {
        fluvio_smartmodule *out = nullptr;
        fluvio_status status = fluvio_smartmodule_from_wasm(wasm.data(), wasm.size(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_smartmodule_from_wasm");
        return smartmodule(out);
    }
    /// An ad-hoc module read from a .wasm file now (fluvio_smartmodule_from_wasm_file).
    static smartmodule from_wasm_file(std::string_view path) { return try_from_wasm_file(path).value(); }
    static result<smartmodule> try_from_wasm_file(std::string_view path) {
        detail::c_string p(path);
        if (!p.valid()) return p.invalid("path", "fluvio_smartmodule_from_wasm_file");
        fluvio_smartmodule *out = nullptr;
        fluvio_status status = fluvio_smartmodule_from_wasm_file(p.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_smartmodule_from_wasm_file");
        return smartmodule(out);
    }

    smartmodule &set_kind(fluvio_smartmodule_kind kind) {
        try_set_kind(kind).value();
        return *this;
    }
    result<void> try_set_kind(fluvio_smartmodule_kind kind) {
        return detail::check(fluvio_smartmodule_set_kind(raw_.get(), kind), "fluvio_smartmodule_set_kind");
    }
    smartmodule &set_param(std::string_view key, std::string_view value) {
        try_set_param(key, value).value();
        return *this;
    }
    result<void> try_set_param(std::string_view key, std::string_view value) {
        detail::c_string k(key), v(value);
        if (!k.valid()) return k.invalid("key", "fluvio_smartmodule_set_param");
        if (!v.valid()) return v.invalid("value", "fluvio_smartmodule_set_param");
        return detail::check(fluvio_smartmodule_set_param(raw_.get(), k.get(), v.get()), "fluvio_smartmodule_set_param");
    }
    smartmodule &set_accumulator(bytes accumulator) {
        try_set_accumulator(accumulator).value();
        return *this;
    }
    result<void> try_set_accumulator(bytes accumulator) {
        return detail::check(fluvio_smartmodule_set_accumulator(raw_.get(), accumulator.data(), accumulator.size()),
                             "fluvio_smartmodule_set_accumulator");
    }
    smartmodule &set_lookback(uint64_t last, uint64_t age_ms) {
        try_set_lookback(last, age_ms).value();
        return *this;
    }
    result<void> try_set_lookback(uint64_t last, uint64_t age_ms) {
        return detail::check(fluvio_smartmodule_set_lookback(raw_.get(), last, age_ms), "fluvio_smartmodule_set_lookback");
    }

    fluvio_smartmodule *get() const noexcept { return raw_.get(); }
    fluvio_smartmodule *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<fluvio_smartmodule, fluvio_smartmodule_free> raw_;
};

/// Package metadata of a SmartModule to store (fluvio_smartmodule_package).
class smartmodule_package {
public:
    smartmodule_package() noexcept = default;
    explicit smartmodule_package(fluvio_smartmodule_package *raw) noexcept : raw_(raw) {}

    /// fluvio_smartmodule_package_new.
    static smartmodule_package create(std::string_view name, std::string_view group, std::string_view version) {
        return try_create(name, group, version).value();
    }
    static result<smartmodule_package> try_create(std::string_view name, std::string_view group,
                                                  std::string_view version) {
        const char *context = "fluvio_smartmodule_package_new";
        detail::c_string n(name), g(group), v(version);
        if (!n.valid()) return n.invalid("name", context);
        if (!g.valid()) return g.invalid("group", context);
        if (!v.valid()) return v.invalid("version", context);
        fluvio_smartmodule_package *out = nullptr;
        fluvio_status status = fluvio_smartmodule_package_new(n.get(), g.get(), v.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, context);
        return smartmodule_package(out);
    }
    /// fluvio_smartmodule_package_set_details (std::nullopt: leave unset).
    smartmodule_package &set_details(std::optional<std::string_view> api_version,
                                     std::optional<std::string_view> description,
                                     std::optional<std::string_view> license,
                                     std::optional<std::string_view> repository, bool is_public) {
        try_set_details(api_version, description, license, repository, is_public).value();
        return *this;
    }
    result<void> try_set_details(std::optional<std::string_view> api_version,
                                 std::optional<std::string_view> description,
                                 std::optional<std::string_view> license,
                                 std::optional<std::string_view> repository, bool is_public) {
        const char *context = "fluvio_smartmodule_package_set_details";
        detail::c_string a(api_version), d(description), l(license), r(repository);
        if (!a.valid()) return a.invalid("api_version", context);
        if (!d.valid()) return d.invalid("description", context);
        if (!l.valid()) return l.invalid("license", context);
        if (!r.valid()) return r.invalid("repository", context);
        return detail::check(
            fluvio_smartmodule_package_set_details(raw_.get(), a.get(), d.get(), l.get(), r.get(), is_public), context);
    }
    /// fluvio_smartmodule_package_add_param.
    smartmodule_package &add_param(std::string_view name, std::optional<std::string_view> description, bool is_optional) {
        try_add_param(name, description, is_optional).value();
        return *this;
    }
    result<void> try_add_param(std::string_view name, std::optional<std::string_view> description, bool is_optional) {
        const char *context = "fluvio_smartmodule_package_add_param";
        detail::c_string n(name), d(description);
        if (!n.valid()) return n.invalid("name", context);
        if (!d.valid()) return d.invalid("description", context);
        return detail::check(fluvio_smartmodule_package_add_param(raw_.get(), n.get(), d.get(), is_optional), context);
    }

    fluvio_smartmodule_package *get() const noexcept { return raw_.get(); }
    fluvio_smartmodule_package *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<fluvio_smartmodule_package, fluvio_smartmodule_package_free> raw_;
};

/* ========================================================================
 * Consumers
 * ======================================================================== */

/// Consumer settings (fluvio_consumer_config); copied by client::topic_consumer.
class consumer_config {
public:
    /// fluvio_consumer_config_new's defaults; throws std::bad_alloc.
    consumer_config() : raw_(fluvio_consumer_config_new()) {
        if (!raw_) throw std::bad_alloc();
    }

    /// fluvio_consumer_config_set_consumer_id (std::nullopt removes it).
    consumer_config &set_consumer_id(std::optional<std::string_view> id) {
        try_set_consumer_id(id).value();
        return *this;
    }
    result<void> try_set_consumer_id(std::optional<std::string_view> id) {
        detail::c_string c(id);
        if (!c.valid()) return c.invalid("consumer id", "fluvio_consumer_config_set_consumer_id");
        return detail::check(fluvio_consumer_config_set_consumer_id(raw_.get(), c.get()),
                             "fluvio_consumer_config_set_consumer_id");
    }
    /// FLUVIO_OFFSET_STRATEGY_NONE, _MANUAL or _AUTO.
    consumer_config &set_offset_strategy(fluvio_offset_strategy strategy) {
        try_set_offset_strategy(strategy).value();
        return *this;
    }
    result<void> try_set_offset_strategy(fluvio_offset_strategy strategy) {
        return detail::check(fluvio_consumer_config_set_offset_strategy(raw_.get(), strategy),
                             "fluvio_consumer_config_set_offset_strategy");
    }
    consumer_config &set_offset_flush_ms(int32_t ms) {
        try_set_offset_flush_ms(ms).value();
        return *this;
    }
    result<void> try_set_offset_flush_ms(int32_t ms) {
        return detail::check(fluvio_consumer_config_set_offset_flush_ms(raw_.get(), ms),
                             "fluvio_consumer_config_set_offset_flush_ms");
    }
    consumer_config &add_partition(uint32_t partition) {
        try_add_partition(partition).value();
        return *this;
    }
    result<void> try_add_partition(uint32_t partition) {
        return detail::check(fluvio_consumer_config_add_partition(raw_.get(), partition),
                             "fluvio_consumer_config_add_partition");
    }
    consumer_config &set_max_bytes(int32_t bytes) {
        try_set_max_bytes(bytes).value();
        return *this;
    }
    result<void> try_set_max_bytes(int32_t bytes) {
        return detail::check(fluvio_consumer_config_set_max_bytes(raw_.get(), bytes),
                             "fluvio_consumer_config_set_max_bytes");
    }
    /// false: streams end (stream::ended()) after what was stored when they opened.
    consumer_config &set_continuous(bool continuous) {
        try_set_continuous(continuous).value();
        return *this;
    }
    result<void> try_set_continuous(bool continuous) {
        return detail::check(fluvio_consumer_config_set_continuous(raw_.get(), continuous),
                             "fluvio_consumer_config_set_continuous");
    }
    consumer_config &set_reconnect_timeout_ms(int32_t ms) {
        try_set_reconnect_timeout_ms(ms).value();
        return *this;
    }
    result<void> try_set_reconnect_timeout_ms(int32_t ms) {
        return detail::check(fluvio_consumer_config_set_reconnect_timeout_ms(raw_.get(), ms),
                             "fluvio_consumer_config_set_reconnect_timeout_ms");
    }
    /// Appends a copy of `sm` to the chain.
    consumer_config &add_smartmodule(const smartmodule &sm) {
        try_add_smartmodule(sm).value();
        return *this;
    }
    result<void> try_add_smartmodule(const smartmodule &sm) {
        return detail::check(fluvio_consumer_config_add_smartmodule(raw_.get(), sm.get()),
                             "fluvio_consumer_config_add_smartmodule");
    }

    fluvio_consumer_config *get() const noexcept { return raw_.get(); }
    fluvio_consumer_config *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<fluvio_consumer_config, fluvio_consumer_config_free> raw_;
};

/// A consumer of one, several or all partitions of a topic
/// (struct fluvio_consumer), from client::topic_consumer. Any thread.
class consumer {
public:
    consumer() noexcept = default;
    /// Takes ownership of `raw`. (`struct`: in C++ the bare name
    /// fluvio_consumer is the deprecated function.)
    explicit consumer(struct fluvio_consumer *raw) noexcept : raw_(raw) {}

    /// Opens a stream from `start` (fluvio_consumer_stream).
    fluvio::stream stream(fluvio::offset start) { return try_stream(start).value(); }
    result<fluvio::stream> try_stream(fluvio::offset start) {
        fluvio_stream *out = nullptr;
        fluvio_status status = fluvio_consumer_stream(raw_.get(), start.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_consumer_stream");
        return fluvio::stream(out);
    }

    struct fluvio_consumer *get() const noexcept { return raw_.get(); }
    struct fluvio_consumer *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<struct fluvio_consumer, fluvio_consumer_free> raw_;
};

/* ========================================================================
 * Producers
 * ======================================================================== */

/// One record's delivery report, as the delivery function gets it (a copy
/// of the C report: it may be kept).
struct delivery_report {
    /// What send_opaque was given (nullptr for the other sends).
    void *opaque;
    /// FLUVIO_OK when the cluster stored the record; otherwise why not.
    fluvio_status status;
    uint32_t partition;
    /// Its offset in the partition; -1 when it failed.
    int64_t offset;
    /// Milliseconds since the Unix epoch, as sent.
    int64_t timestamp;
    /// The Fluvio error code of a failure (0: none).
    int32_t error_code;
    bool retriable;
    /// The failure's message; empty on success.
    std::string message;

    bool ok() const noexcept { return status == FLUVIO_OK; }
};

/// Called once for each record sent, on the thread that polls or flushes.
using delivery_function = std::function<void(const delivery_report &)>;

/// Chooses a record's partition, in 0..partition_count: key (std::nullopt
/// for none), value, partition_count. Called on each sending thread,
/// possibly concurrently.
using partitioner_function = std::function<uint32_t(std::optional<bytes>, bytes, uint32_t)>;

/// Where a delivered record landed.
struct delivered {
    uint32_t partition;
    int64_t offset;
};

namespace detail {

inline void delivery_trampoline(void *user_data, const fluvio_delivery_report *raw) noexcept {
    try {
        delivery_report report{raw->opaque,     raw->status,    raw->partition,
                               raw->offset,     raw->timestamp, raw->error_code,
                               raw->retriable,  raw->error ? std::string(raw->error) : std::string()};
        (*static_cast<const delivery_function *>(user_data))(report);
    } catch (...) {
        callback_scope::keep_current_exception();
    }
}

inline uint32_t partitioner_trampoline(void *user_data, const void *key, size_t key_len, const void *value,
                                       size_t value_len, uint32_t partition_count) noexcept {
    try {
        std::optional<bytes> k;
        if (key) k = bytes(key, key_len);
        return (*static_cast<const partitioner_function *>(user_data))(k, bytes(value, value_len), partition_count);
    } catch (...) {
        callback_scope::keep_current_exception();
        // Out of range: fluvio_producer_send refuses the record.
        return UINT32_MAX;
    }
}

}  // namespace detail

/// Producer settings (fluvio_producer_config), for client::topic_producer,
/// which copies them (and shares their functions: see CALLBACKS at the top).
class producer_config {
public:
    /// fluvio_producer_config_new's defaults; throws std::bad_alloc.
    producer_config() : raw_(fluvio_producer_config_new()) {
        if (!raw_) throw std::bad_alloc();
    }

    /// The delivery-report function (fluvio_producer_config_set_delivery_report;
    /// an empty function: none). It gets one report per record sent, on the
    /// thread of producer::poll, flush, close or the producer's destructor.
    /// Poll regularly, or the reports pile up in memory.
    producer_config &on_delivery(delivery_function f) {
        try_on_delivery(std::move(f)).value();
        return *this;
    }
    result<void> try_on_delivery(delivery_function f) {
        std::shared_ptr<const delivery_function> held;
        if (f) held = std::make_shared<const delivery_function>(std::move(f));
        fluvio_status status = fluvio_producer_config_set_delivery_report(
            raw_.get(), held ? &detail::delivery_trampoline : nullptr,
            const_cast<delivery_function *>(held.get()));
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_producer_config_set_delivery_report");
        delivery_ = std::move(held);
        return {};
    }
    /// A custom partitioner (fluvio_producer_config_set_partitioner; an
    /// empty function: the default). It must be safe to call from every
    /// thread that sends. An exception it throws refuses the record and is
    /// rethrown by the send.
    producer_config &set_partitioner(partitioner_function f) {
        try_set_partitioner(std::move(f)).value();
        return *this;
    }
    result<void> try_set_partitioner(partitioner_function f) {
        std::shared_ptr<const partitioner_function> held;
        if (f) held = std::make_shared<const partitioner_function>(std::move(f));
        fluvio_status status = fluvio_producer_config_set_partitioner(
            raw_.get(), held ? &detail::partitioner_trampoline : nullptr,
            const_cast<partitioner_function *>(held.get()));
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_producer_config_set_partitioner");
        partitioner_ = std::move(held);
        return {};
    }

    producer_config &set_batch_size(size_t bytes) {
        try_set_batch_size(bytes).value();
        return *this;
    }
    result<void> try_set_batch_size(size_t bytes) {
        return detail::check(fluvio_producer_config_set_batch_size(raw_.get(), bytes),
                             "fluvio_producer_config_set_batch_size");
    }
    producer_config &set_linger_ms(int32_t ms) {
        try_set_linger_ms(ms).value();
        return *this;
    }
    result<void> try_set_linger_ms(int32_t ms) {
        return detail::check(fluvio_producer_config_set_linger_ms(raw_.get(), ms), "fluvio_producer_config_set_linger_ms");
    }
    /// FLUVIO_COMPRESSION_*.
    producer_config &set_compression(fluvio_compression compression) {
        try_set_compression(compression).value();
        return *this;
    }
    result<void> try_set_compression(fluvio_compression compression) {
        return detail::check(fluvio_producer_config_set_compression(raw_.get(), compression),
                             "fluvio_producer_config_set_compression");
    }
    producer_config &set_max_request_size(size_t bytes) {
        try_set_max_request_size(bytes).value();
        return *this;
    }
    result<void> try_set_max_request_size(size_t bytes) {
        return detail::check(fluvio_producer_config_set_max_request_size(raw_.get(), bytes),
                             "fluvio_producer_config_set_max_request_size");
    }
    producer_config &set_queue(size_t batches, bool block, int32_t block_timeout_ms) {
        try_set_queue(batches, block, block_timeout_ms).value();
        return *this;
    }
    result<void> try_set_queue(size_t batches, bool block, int32_t block_timeout_ms) {
        return detail::check(fluvio_producer_config_set_queue(raw_.get(), batches, block, block_timeout_ms),
                             "fluvio_producer_config_set_queue");
    }
    /// FLUVIO_DELIVERY_AT_LEAST_ONCE or FLUVIO_DELIVERY_AT_MOST_ONCE.
    producer_config &set_delivery(fluvio_delivery_semantic semantic) {
        try_set_delivery(semantic).value();
        return *this;
    }
    result<void> try_set_delivery(fluvio_delivery_semantic semantic) {
        return detail::check(fluvio_producer_config_set_delivery(raw_.get(), semantic),
                             "fluvio_producer_config_set_delivery");
    }
    producer_config &set_retry(uint32_t max_retries, int32_t initial_backoff_ms, int32_t max_backoff_ms,
                               int32_t timeout_ms) {
        try_set_retry(max_retries, initial_backoff_ms, max_backoff_ms, timeout_ms).value();
        return *this;
    }
    result<void> try_set_retry(uint32_t max_retries, int32_t initial_backoff_ms, int32_t max_backoff_ms,
                               int32_t timeout_ms) {
        return detail::check(
            fluvio_producer_config_set_retry(raw_.get(), max_retries, initial_backoff_ms, max_backoff_ms, timeout_ms),
            "fluvio_producer_config_set_retry");
    }
    producer_config &set_max_in_flight(uint32_t requests) {
        try_set_max_in_flight(requests).value();
        return *this;
    }
    result<void> try_set_max_in_flight(uint32_t requests) {
        return detail::check(fluvio_producer_config_set_max_in_flight(raw_.get(), requests),
                             "fluvio_producer_config_set_max_in_flight");
    }
    producer_config &set_request_timeout_ms(int32_t ms) {
        try_set_request_timeout_ms(ms).value();
        return *this;
    }
    result<void> try_set_request_timeout_ms(int32_t ms) {
        return detail::check(fluvio_producer_config_set_request_timeout_ms(raw_.get(), ms),
                             "fluvio_producer_config_set_request_timeout_ms");
    }
    /// Appends a copy of `sm` to the chain the SPU runs before storing.
    producer_config &add_smartmodule(const smartmodule &sm) {
        try_add_smartmodule(sm).value();
        return *this;
    }
    result<void> try_add_smartmodule(const smartmodule &sm) {
        return detail::check(fluvio_producer_config_add_smartmodule(raw_.get(), sm.get()),
                             "fluvio_producer_config_add_smartmodule");
    }

    /// The C settings, borrowed. A producer made from them by a C call
    /// holds no share of the functions: keep these settings alive as long
    /// as it lives. Setting callbacks on them directly bypasses the
    /// wrapper's ownership of its functions.
    fluvio_producer_config *get() const noexcept { return raw_.get(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    friend class client;

    detail::handle<fluvio_producer_config, fluvio_producer_config_free> raw_;
    // The functions the C settings point to; producers take a share.
    std::shared_ptr<const delivery_function> delivery_;
    std::shared_ptr<const partitioner_function> partitioner_;
};

/// The delivery of one record (fluvio_delivery), from producer::send_with_delivery.
class delivery {
public:
    delivery() noexcept = default;
    explicit delivery(fluvio_delivery *raw) noexcept : raw_(raw) {}

    /// Waits up to `timeout_ms` (-1: without limit) for the record's
    /// delivery (fluvio_delivery_wait): where it landed, std::nullopt if
    /// not known yet (wait again later), or throws the delivery's failure.
    std::optional<delivered> wait(int32_t timeout_ms) const { return try_wait(timeout_ms).value(); }
    result<std::optional<delivered>> try_wait(int32_t timeout_ms) const {
        delivered d{0, -1};
        fluvio_status status = fluvio_delivery_wait(raw_.get(), timeout_ms, &d.partition, &d.offset);
        if (status == FLUVIO_OK) return std::optional<delivered>(d);
        if (status == FLUVIO_ERR_TIMEOUT) return std::optional<delivered>();
        return error::last_error(status, "fluvio_delivery_wait");
    }

    fluvio_delivery *get() const noexcept { return raw_.get(); }
    fluvio_delivery *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<fluvio_delivery, fluvio_delivery_free> raw_;
};

/// A producer for one topic (fluvio_producer), from client::topic_producer.
/// Any thread may send, poll and flush, concurrently. Its destructor
/// flushes (up to FLUVIO_FLUSH_TIMEOUT_MS) and serves the last delivery
/// reports (fluvio_producer_free); see CALLBACKS for their exceptions.
class producer {
public:
    producer() noexcept = default;
    /// Takes ownership of `raw`. A producer made so has no functions to
    /// keep alive: if its C settings had callbacks, keep their user_data
    /// alive yourself.
    explicit producer(fluvio_producer *raw) noexcept : raw_(raw) {}
    producer(producer &&other) noexcept
        : delivery_(std::move(other.delivery_)),
          partitioner_(std::move(other.partitioner_)),
          raw_(std::exchange(other.raw_, nullptr)) {}
    producer &operator=(producer &&other) noexcept {
        if (this != &other) {
            free_now();
            delivery_ = std::move(other.delivery_);
            partitioner_ = std::move(other.partitioner_);
            raw_ = std::exchange(other.raw_, nullptr);
        }
        return *this;
    }
    producer(const producer &) = delete;
    producer &operator=(const producer &) = delete;
    ~producer() { free_now(); }

    /// Queues a record without a key (fluvio_producer_send); returns
    /// without waiting for the network.
    void send(bytes value) { try_send(value).value(); }
    result<void> try_send(bytes value) { return try_send(std::nullopt, value); }
    /// Queues a record with `key` (std::nullopt: none; an empty view is an
    /// empty key).
    void send(std::optional<bytes> key, bytes value) { try_send(key, value).value(); }
    result<void> try_send(std::optional<bytes> key, bytes value) {
        detail::callback_scope scope;
        fluvio_status status = fluvio_producer_send(raw_, key_data(key), key_size(key), value.data(), value.size());
        return finish(scope, status, "fluvio_producer_send");
    }
    /// As send; `opaque` comes back in the record's delivery_report
    /// (fluvio_producer_send_opaque).
    void send_opaque(std::optional<bytes> key, bytes value, void *opaque) { try_send_opaque(key, value, opaque).value(); }
    result<void> try_send_opaque(std::optional<bytes> key, bytes value, void *opaque) {
        detail::callback_scope scope;
        fluvio_status status = fluvio_producer_send_opaque(raw_, key_data(key), key_size(key), value.data(),
                                                           value.size(), opaque);
        return finish(scope, status, "fluvio_producer_send_opaque");
    }
    /// As send, with a handle to wait for the record's delivery
    /// (fluvio_producer_send_with_delivery).
    delivery send_with_delivery(std::optional<bytes> key, bytes value) { return try_send_with_delivery(key, value).value(); }
    result<delivery> try_send_with_delivery(std::optional<bytes> key, bytes value) {
        detail::callback_scope scope;
        fluvio_delivery *out = nullptr;
        fluvio_status status = fluvio_producer_send_with_delivery(raw_, key_data(key), key_size(key),
                                                                  value.data(), value.size(), &out);
        result<void> sent = finish(scope, status, "fluvio_producer_send_with_delivery");
        if (!sent) return sent.error();
        return delivery(out);
    }
    /// Sends `count` records in one call (fluvio_producer_send_batch); the
    /// buffers they point to are read during the call only. On failure
    /// `*sent` (if given) says how many were accepted.
    void send_batch(const fluvio_record_in *records, size_t count, size_t *sent = nullptr) {
        try_send_batch(records, count, sent).value();
    }
    result<void> try_send_batch(const fluvio_record_in *records, size_t count, size_t *sent = nullptr) {
        detail::callback_scope scope;
        fluvio_status status = fluvio_producer_send_batch(raw_, records, count, sent);
        return finish(scope, status, "fluvio_producer_send_batch");
    }

    /// Sends what is pending and waits until each record was acknowledged
    /// or failed, at most `timeout_ms`, serving the delivery reports on this
    /// thread (fluvio_producer_flush). Throws the first delivery failure
    /// since the previous flush, or the first exception the delivery
    /// function threw (that one first).
    void flush(int32_t timeout_ms = FLUVIO_FLUSH_TIMEOUT_MS) { try_flush(timeout_ms).value(); }
    result<void> try_flush(int32_t timeout_ms = FLUVIO_FLUSH_TIMEOUT_MS) {
        detail::callback_scope scope;
        fluvio_status status = fluvio_producer_flush(raw_, timeout_ms);
        return finish(scope, status, "fluvio_producer_flush");
    }
    /// Serves the queued delivery reports on this thread, waiting up to
    /// `timeout_ms` for one when none waits (fluvio_producer_poll); returns
    /// how many were served (0 when none came in time). Rethrows the first
    /// exception the delivery function threw.
    size_t poll(int32_t timeout_ms) { return try_poll(timeout_ms).value(); }
    result<size_t> try_poll(int32_t timeout_ms) {
        detail::callback_scope scope;
        size_t served = 0;
        fluvio_status status = fluvio_producer_poll(raw_, timeout_ms, &served);
        result<void> polled = finish(scope, status, "fluvio_producer_poll");
        if (!polled) return polled.error();
        return served;
    }
    /// fluvio_producer_fd: readable exactly while reports wait (owned by the
    /// producer); -1 without a delivery function.
    int fd() const noexcept { return fluvio_producer_fd(raw_); }

    /// Destroys the producer now (fluvio_producer_free: flushes, serves the
    /// last reports) and rethrows the first exception the delivery function
    /// threw meanwhile. The object is empty afterwards.
    void close() {
        detail::callback_scope scope;
        fluvio_producer_free(std::exchange(raw_, nullptr));
        delivery_.reset();
        partitioner_.reset();
        scope.rethrow();
    }

    fluvio_producer *get() const noexcept { return raw_; }
    explicit operator bool() const noexcept { return raw_ != nullptr; }

private:
    friend class client;

    static const void *key_data(const std::optional<bytes> &key) noexcept {
        // A present empty key is an empty key: any non-NULL pointer says so.
        if (!key) return nullptr;
        return key->data() ? static_cast<const void *>(key->data()) : static_cast<const void *>("");
    }
    static size_t key_size(const std::optional<bytes> &key) noexcept { return key ? key->size() : 0; }

    /// The call's outcome: its error read now, then a callback's exception
    /// rethrown in preference to it.
    static result<void> finish(detail::callback_scope &scope, fluvio_status status, const char *context) {
        result<void> outcome = detail::check(status, context);
        scope.rethrow();
        return outcome;
    }

    void free_now() noexcept {
        if (raw_) {
            detail::callback_scope scope;  // nobody to rethrow to: dropped
            fluvio_producer_free(std::exchange(raw_, nullptr));
        }
        // Only now: the C producer called the functions until it was freed.
        delivery_.reset();
        partitioner_.reset();
    }

    std::shared_ptr<const delivery_function> delivery_;
    std::shared_ptr<const partitioner_function> partitioner_;
    fluvio_producer *raw_ = nullptr;
};

/* ========================================================================
 * Topic admin and cluster lists
 * ======================================================================== */

/// Options of a topic to create (fluvio_topic_config), for client::create_topic.
class topic_config {
public:
    /// One partition, one replica; throws std::bad_alloc.
    topic_config() : raw_(fluvio_topic_config_new()) {
        if (!raw_) throw std::bad_alloc();
    }

    topic_config &set_partitions(uint32_t partitions) {
        try_set_partitions(partitions).value();
        return *this;
    }
    result<void> try_set_partitions(uint32_t partitions) {
        return detail::check(fluvio_topic_config_set_partitions(raw_.get(), partitions),
                             "fluvio_topic_config_set_partitions");
    }
    topic_config &set_replication(uint32_t replication) {
        try_set_replication(replication).value();
        return *this;
    }
    result<void> try_set_replication(uint32_t replication) {
        return detail::check(fluvio_topic_config_set_replication(raw_.get(), replication),
                             "fluvio_topic_config_set_replication");
    }
    topic_config &set_ignore_rack(bool ignore) {
        try_set_ignore_rack(ignore).value();
        return *this;
    }
    result<void> try_set_ignore_rack(bool ignore) {
        return detail::check(fluvio_topic_config_set_ignore_rack(raw_.get(), ignore),
                             "fluvio_topic_config_set_ignore_rack");
    }
    /// Places `partition` on `spu_ids`, leader first.
    topic_config &assign_replicas(uint32_t partition, const std::vector<int32_t> &spu_ids) {
        try_assign_replicas(partition, spu_ids).value();
        return *this;
    }
    result<void> try_assign_replicas(uint32_t partition, const std::vector<int32_t> &spu_ids) {
        return detail::check(fluvio_topic_config_assign_replicas(raw_.get(), partition, spu_ids.data(), spu_ids.size()),
                             "fluvio_topic_config_assign_replicas");
    }
    topic_config &set_retention_secs(uint32_t seconds) {
        try_set_retention_secs(seconds).value();
        return *this;
    }
    result<void> try_set_retention_secs(uint32_t seconds) {
        return detail::check(fluvio_topic_config_set_retention_secs(raw_.get(), seconds),
                             "fluvio_topic_config_set_retention_secs");
    }
    topic_config &set_segment_size(uint32_t bytes) {
        try_set_segment_size(bytes).value();
        return *this;
    }
    result<void> try_set_segment_size(uint32_t bytes) {
        return detail::check(fluvio_topic_config_set_segment_size(raw_.get(), bytes),
                             "fluvio_topic_config_set_segment_size");
    }
    topic_config &set_max_partition_size(uint64_t bytes) {
        try_set_max_partition_size(bytes).value();
        return *this;
    }
    result<void> try_set_max_partition_size(uint64_t bytes) {
        return detail::check(fluvio_topic_config_set_max_partition_size(raw_.get(), bytes),
                             "fluvio_topic_config_set_max_partition_size");
    }
    /// FLUVIO_COMPRESSION_* or FLUVIO_COMPRESSION_ANY.
    topic_config &set_compression(fluvio_compression compression) {
        try_set_compression(compression).value();
        return *this;
    }
    result<void> try_set_compression(fluvio_compression compression) {
        return detail::check(fluvio_topic_config_set_compression(raw_.get(), compression),
                             "fluvio_topic_config_set_compression");
    }
    topic_config &set_system(bool system) {
        try_set_system(system).value();
        return *this;
    }
    result<void> try_set_system(bool system) {
        return detail::check(fluvio_topic_config_set_system(raw_.get(), system), "fluvio_topic_config_set_system");
    }
    topic_config &set_deduplication(uint64_t count, uint64_t age_ms, std::string_view filter) {
        try_set_deduplication(count, age_ms, filter).value();
        return *this;
    }
    result<void> try_set_deduplication(uint64_t count, uint64_t age_ms, std::string_view filter) {
        detail::c_string f(filter);
        if (!f.valid()) return f.invalid("filter", "fluvio_topic_config_set_deduplication");
        return detail::check(fluvio_topic_config_set_deduplication(raw_.get(), count, age_ms, f.get()),
                             "fluvio_topic_config_set_deduplication");
    }
    topic_config &add_deduplication_param(std::string_view key, std::string_view value) {
        try_add_deduplication_param(key, value).value();
        return *this;
    }
    result<void> try_add_deduplication_param(std::string_view key, std::string_view value) {
        const char *context = "fluvio_topic_config_add_deduplication_param";
        detail::c_string k(key), v(value);
        if (!k.valid()) return k.invalid("key", context);
        if (!v.valid()) return v.invalid("value", context);
        return detail::check(fluvio_topic_config_add_deduplication_param(raw_.get(), k.get(), v.get()), context);
    }

    fluvio_topic_config *get() const noexcept { return raw_.get(); }
    fluvio_topic_config *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<fluvio_topic_config, fluvio_topic_config_free> raw_;
};

namespace detail {

/// A read-only list of library-allocated info structs: size(), [i], and
/// iteration by const reference (the structs may grow in later versions:
/// never copied).
template <typename List, typename Info, size_t (*Count)(const List *), const Info *(*Get)(const List *, size_t),
          void (*Free)(List *)>
class info_list {
public:
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Info;
        using difference_type = std::ptrdiff_t;
        using pointer = const Info *;
        using reference = const Info &;

        iterator() noexcept = default;
        const Info &operator*() const noexcept { return *Get(list_, i_); }
        const Info *operator->() const noexcept { return Get(list_, i_); }
        iterator &operator++() noexcept {
            i_++;
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator before = *this;
            i_++;
            return before;
        }
        friend bool operator==(const iterator &a, const iterator &b) noexcept { return a.i_ == b.i_; }
        friend bool operator!=(const iterator &a, const iterator &b) noexcept { return a.i_ != b.i_; }

    private:
        friend class info_list;
        iterator(const List *list, size_t i) noexcept : list_(list), i_(i) {}
        const List *list_ = nullptr;
        size_t i_ = 0;
    };

    info_list() noexcept = default;
    explicit info_list(List *raw) noexcept : raw_(raw) {}

    size_t size() const noexcept { return Count(raw_.get()); }
    bool empty() const noexcept { return size() == 0; }
    /// Entry `i`, valid while the list lives; throws std::out_of_range past the end.
    const Info &operator[](size_t i) const {
        const Info *info = Get(raw_.get(), i);
        if (!info) throw std::out_of_range("fluvio list index out of range");
        return *info;
    }
    iterator begin() const noexcept { return iterator(raw_.get(), 0); }
    iterator end() const noexcept { return iterator(raw_.get(), size()); }

    List *get() const noexcept { return raw_.get(); }
    List *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    handle<List, Free> raw_;
};

}  // namespace detail

/// Topics (fluvio_topic_list) of client::list_topics and describe_topic:
/// fluvio_topic_info entries.
using topic_list = detail::info_list<struct fluvio_topic_list, fluvio_topic_info, fluvio_topic_list_count,
                                     fluvio_topic_list_get, fluvio_topic_list_free>;
/// Partitions (fluvio_partition_list) of client::list_partitions.
using partition_list = detail::info_list<struct fluvio_partition_list, fluvio_partition_info, fluvio_partition_list_count,
                                         fluvio_partition_list_get, fluvio_partition_list_free>;
/// SPUs (fluvio_spu_list) of client::list_spus.
using spu_list =
    detail::info_list<struct fluvio_spu_list, fluvio_spu_info, fluvio_spu_list_count, fluvio_spu_list_get, fluvio_spu_list_free>;
/// Consumer lags (fluvio_consumer_lag_list) of client::list_consumer_lags.
using consumer_lag_list = detail::info_list<struct fluvio_consumer_lag_list, fluvio_consumer_lag, fluvio_consumer_lag_list_count,
                                            fluvio_consumer_lag_list_get, fluvio_consumer_lag_list_free>;

/// One stored consumer offset; the strings are borrowed from the list.
struct consumer_offset {
    std::string_view consumer_id;
    std::string_view topic;
    uint32_t partition;
    /// The last record committed: the consumer resumes after it.
    int64_t offset;
    /// Seconds since the Unix epoch.
    uint64_t modified_time;
};

/// Stored consumer offsets (fluvio_consumer_offset_list) of
/// client::list_consumer_offsets.
class consumer_offset_list {
public:
    consumer_offset_list() noexcept = default;
    explicit consumer_offset_list(struct fluvio_consumer_offset_list *raw) noexcept : raw_(raw) {}

    size_t size() const noexcept { return fluvio_consumer_offset_list_count(raw_.get()); }
    bool empty() const noexcept { return size() == 0; }
    /// Entry `i` (its strings valid while the list lives); throws
    /// std::out_of_range past the end.
    consumer_offset operator[](size_t i) const {
        if (i >= size()) throw std::out_of_range("fluvio consumer offset index out of range");
        const struct fluvio_consumer_offset_list *l = raw_.get();
        return consumer_offset{fluvio_consumer_offset_list_consumer_id(l, i), fluvio_consumer_offset_list_topic(l, i),
                               fluvio_consumer_offset_list_partition(l, i), fluvio_consumer_offset_list_offset(l, i),
                               fluvio_consumer_offset_list_modified_time(l, i)};
    }

    struct fluvio_consumer_offset_list *get() const noexcept { return raw_.get(); }
    struct fluvio_consumer_offset_list *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<struct fluvio_consumer_offset_list, fluvio_consumer_offset_list_free> raw_;
};

/// SmartModules stored on the SC (fluvio_smartmodule_list) of client::list_smartmodules.
class smartmodule_list {
public:
    smartmodule_list() noexcept = default;
    explicit smartmodule_list(struct fluvio_smartmodule_list *raw) noexcept : raw_(raw) {}

    size_t size() const noexcept { return fluvio_smartmodule_list_count(raw_.get()); }
    bool empty() const noexcept { return size() == 0; }
    /// The key module `i` is stored under ("" past the end).
    std::string_view name(size_t i) const noexcept { return or_empty(fluvio_smartmodule_list_name(raw_.get(), i)); }
    /// A package field (FLUVIO_SMARTMODULE_PACKAGE_*), std::nullopt when unset.
    std::optional<std::string_view> package(size_t i, fluvio_smartmodule_package_field field) const noexcept {
        const char *s = fluvio_smartmodule_list_package(raw_.get(), i, field);
        if (!s) return std::nullopt;
        return std::string_view(s);
    }
    uint64_t wasm_len(size_t i) const noexcept { return fluvio_smartmodule_list_wasm_len(raw_.get(), i); }

    struct fluvio_smartmodule_list *get() const noexcept { return raw_.get(); }
    struct fluvio_smartmodule_list *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    static std::string_view or_empty(const char *s) noexcept { return s ? std::string_view(s) : std::string_view(); }
    detail::handle<struct fluvio_smartmodule_list, fluvio_smartmodule_list_free> raw_;
};

/* ========================================================================
 * Clients
 * ======================================================================== */

/// Connection settings (fluvio_client_config), for client::connect.
class client_config {
public:
    /// Endpoint 127.0.0.1:9003, TLS disabled, client id "fluvio"; throws std::bad_alloc.
    client_config() : raw_(fluvio_client_config_new()) {
        if (!raw_) throw std::bad_alloc();
    }

    /// fluvio_client_config_load_profile (std::nullopt: the current profile).
    client_config &load_profile(std::optional<std::string_view> profile = std::nullopt) {
        try_load_profile(profile).value();
        return *this;
    }
    result<void> try_load_profile(std::optional<std::string_view> profile = std::nullopt) {
        detail::c_string p(profile);
        if (!p.valid()) return p.invalid("profile", "fluvio_client_config_load_profile");
        return detail::check(fluvio_client_config_load_profile(raw_.get(), p.get()), "fluvio_client_config_load_profile");
    }
    /// "host:port".
    client_config &set_endpoint(std::string_view endpoint) {
        try_set_endpoint(endpoint).value();
        return *this;
    }
    result<void> try_set_endpoint(std::string_view endpoint) {
        detail::c_string e(endpoint);
        if (!e.valid()) return e.invalid("endpoint", "fluvio_client_config_set_endpoint");
        return detail::check(fluvio_client_config_set_endpoint(raw_.get(), e.get()), "fluvio_client_config_set_endpoint");
    }
    client_config &set_client_id(std::string_view id) {
        try_set_client_id(id).value();
        return *this;
    }
    result<void> try_set_client_id(std::string_view id) {
        detail::c_string c(id);
        if (!c.valid()) return c.invalid("client id", "fluvio_client_config_set_client_id");
        return detail::check(fluvio_client_config_set_client_id(raw_.get(), c.get()), "fluvio_client_config_set_client_id");
    }
    client_config &set_request_timeout_ms(int32_t ms) {
        try_set_request_timeout_ms(ms).value();
        return *this;
    }
    result<void> try_set_request_timeout_ms(int32_t ms) {
        return detail::check(fluvio_client_config_set_request_timeout_ms(raw_.get(), ms),
                             "fluvio_client_config_set_request_timeout_ms");
    }
    /// FLUVIO_TLS_DISABLED, FLUVIO_TLS_ANONYMOUS or FLUVIO_TLS_VERIFIED.
    client_config &set_tls_policy(fluvio_tls_policy policy) {
        try_set_tls_policy(policy).value();
        return *this;
    }
    result<void> try_set_tls_policy(fluvio_tls_policy policy) {
        return detail::check(fluvio_client_config_set_tls_policy(raw_.get(), policy),
                             "fluvio_client_config_set_tls_policy");
    }
    client_config &set_tls_domain(std::string_view domain) {
        try_set_tls_domain(domain).value();
        return *this;
    }
    result<void> try_set_tls_domain(std::string_view domain) {
        detail::c_string d(domain);
        if (!d.valid()) return d.invalid("domain", "fluvio_client_config_set_tls_domain");
        return detail::check(fluvio_client_config_set_tls_domain(raw_.get(), d.get()), "fluvio_client_config_set_tls_domain");
    }
    /// PEM text or the path of a PEM file.
    client_config &set_tls_ca(std::string_view ca) {
        try_set_tls_ca(ca).value();
        return *this;
    }
    result<void> try_set_tls_ca(std::string_view ca) {
        detail::c_string c(ca);
        if (!c.valid()) return c.invalid("CA", "fluvio_client_config_set_tls_ca");
        return detail::check(fluvio_client_config_set_tls_ca(raw_.get(), c.get()), "fluvio_client_config_set_tls_ca");
    }
    client_config &set_tls_client_cert(std::string_view cert, std::string_view key) {
        try_set_tls_client_cert(cert, key).value();
        return *this;
    }
    result<void> try_set_tls_client_cert(std::string_view cert, std::string_view key) {
        const char *context = "fluvio_client_config_set_tls_client_cert";
        detail::c_string c(cert), k(key);
        if (!c.valid()) return c.invalid("certificate", context);
        if (!k.valid()) return k.invalid("key", context);
        return detail::check(fluvio_client_config_set_tls_client_cert(raw_.get(), c.get(), k.get()), context);
    }

    fluvio_client_config *get() const noexcept { return raw_.get(); }
    fluvio_client_config *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<fluvio_client_config, fluvio_client_config_free> raw_;
};

/// A connection to a cluster (fluvio_client). Any thread, concurrently.
class client {
public:
    client() noexcept = default;
    explicit client(fluvio_client *raw) noexcept : raw_(raw) {}

    /// Connects as the official clients do (fluvio_connect with NULL):
    /// FLUVIO_ENDPOINT, else the current Fluvio profile, else 127.0.0.1:9003.
    static client connect() { return try_connect().value(); }
    static result<client> try_connect() { return connected(connect_raw(nullptr), "fluvio_connect"); }
    /// Connects to the SC at "host:port" (fluvio_connect).
    static client connect(std::string_view endpoint) { return try_connect(endpoint).value(); }
    static result<client> try_connect(std::string_view endpoint) {
        detail::c_string e(endpoint);
        if (!e.valid()) return e.invalid("endpoint", "fluvio_connect");
        return connected(connect_raw(e.get()), "fluvio_connect");
    }
    /// Connects with `config` (fluvio_connect_with_config).
    static client connect(const client_config &config) { return try_connect(config).value(); }
    static result<client> try_connect(const client_config &config) {
        fluvio_client *out = nullptr;
        fluvio_status status = fluvio_connect_with_config(config.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_connect_with_config");
        return client(out);
    }
    /// Connects with a Fluvio profile (fluvio_connect_profile; std::nullopt: the current one).
    static client connect_profile(std::optional<std::string_view> profile) { return try_connect_profile(profile).value(); }
    static result<client> try_connect_profile(std::optional<std::string_view> profile) {
        detail::c_string p(profile);
        if (!p.valid()) return p.invalid("profile", "fluvio_connect_profile");
        fluvio_client *out = nullptr;
        fluvio_status status = fluvio_connect_profile(p.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_connect_profile");
        return client(out);
    }

    /// The client's statistics as JSON (fluvio_client_stats).
    std::string stats() const { return try_stats().value(); }
    result<std::string> try_stats() const {
        char *json = nullptr;
        fluvio_status status = fluvio_client_stats(raw_.get(), &json);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_client_stats");
        return take_string(json);
    }
    /// The cluster's platform version (fluvio_client_platform_version).
    std::string platform_version() const { return try_platform_version().value(); }
    result<std::string> try_platform_version() const {
        char *version = nullptr;
        fluvio_status status = fluvio_client_platform_version(raw_.get(), &version);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_client_platform_version");
        return take_string(version);
    }

    /// A producer for `topic` (fluvio_producer_new), with `config` (nullptr:
    /// the defaults), whose functions it shares.
    producer topic_producer(std::string_view topic, const producer_config *config = nullptr) {
        return try_topic_producer(topic, config).value();
    }
    producer topic_producer(std::string_view topic, const producer_config &config) {
        return try_topic_producer(topic, &config).value();
    }
    result<producer> try_topic_producer(std::string_view topic, const producer_config *config = nullptr) {
        detail::c_string t(topic);
        if (!t.valid()) return t.invalid("topic", "fluvio_producer_new");
        fluvio_producer *out = nullptr;
        fluvio_status status = fluvio_producer_new(raw_.get(), t.get(), config ? config->get() : nullptr, &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_producer_new");
        producer made(out);
        if (config) {
            made.delivery_ = config->delivery_;
            made.partitioner_ = config->partitioner_;
        }
        return result<producer>(std::move(made));
    }
    result<producer> try_topic_producer(std::string_view topic, const producer_config &config) {
        return try_topic_producer(topic, &config);
    }

    /// A consumer of `topic`'s `partition`, or of all of them with
    /// FLUVIO_ALL_PARTITIONS (fluvio_consumer_new).
    consumer topic_consumer(std::string_view topic, int32_t partition) { return try_topic_consumer(topic, partition).value(); }
    result<consumer> try_topic_consumer(std::string_view topic, int32_t partition) {
        detail::c_string t(topic);
        if (!t.valid()) return t.invalid("topic", "fluvio_consumer_new");
        struct fluvio_consumer *out = nullptr;
        fluvio_status status = fluvio_consumer_new(raw_.get(), t.get(), partition, &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_consumer_new");
        return consumer(out);
    }
    /// A consumer of `topic` with `config` (fluvio_consumer_new_with_config).
    consumer topic_consumer(std::string_view topic, const consumer_config &config) {
        return try_topic_consumer(topic, config).value();
    }
    result<consumer> try_topic_consumer(std::string_view topic, const consumer_config &config) {
        detail::c_string t(topic);
        if (!t.valid()) return t.invalid("topic", "fluvio_consumer_new_with_config");
        struct fluvio_consumer *out = nullptr;
        fluvio_status status = fluvio_consumer_new_with_config(raw_.get(), t.get(), config.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_consumer_new_with_config");
        return consumer(out);
    }

    /// Creates `topic` and waits until the cluster announced it (fluvio_topic_create).
    void create_topic(std::string_view topic, uint32_t partitions = 1, uint32_t replication = 1) {
        try_create_topic(topic, partitions, replication).value();
    }
    result<void> try_create_topic(std::string_view topic, uint32_t partitions = 1, uint32_t replication = 1) {
        detail::c_string t(topic);
        if (!t.valid()) return t.invalid("topic", "fluvio_topic_create");
        return detail::check(fluvio_topic_create(raw_.get(), t.get(), partitions, replication), "fluvio_topic_create");
    }
    /// Creates `topic` with `config`'s options (fluvio_topic_create_with_config).
    void create_topic(std::string_view topic, const topic_config &config) { try_create_topic(topic, config).value(); }
    result<void> try_create_topic(std::string_view topic, const topic_config &config) {
        detail::c_string t(topic);
        if (!t.valid()) return t.invalid("topic", "fluvio_topic_create_with_config");
        return detail::check(fluvio_topic_create_with_config(raw_.get(), t.get(), config.get()),
                             "fluvio_topic_create_with_config");
    }
    /// fluvio_topic_add_partitions.
    void add_partitions(std::string_view topic, uint32_t count) { try_add_partitions(topic, count).value(); }
    result<void> try_add_partitions(std::string_view topic, uint32_t count) {
        detail::c_string t(topic);
        if (!t.valid()) return t.invalid("topic", "fluvio_topic_add_partitions");
        return detail::check(fluvio_topic_add_partitions(raw_.get(), t.get(), count), "fluvio_topic_add_partitions");
    }
    /// fluvio_topic_delete.
    void delete_topic(std::string_view topic) { try_delete_topic(topic).value(); }
    result<void> try_delete_topic(std::string_view topic) {
        detail::c_string t(topic);
        if (!t.valid()) return t.invalid("topic", "fluvio_topic_delete");
        return detail::check(fluvio_topic_delete(raw_.get(), t.get()), "fluvio_topic_delete");
    }
    /// The cluster's topics, system topics excluded (fluvio_topic_list).
    topic_list list_topics() { return try_list_topics().value(); }
    result<topic_list> try_list_topics() {
        struct fluvio_topic_list *out = nullptr;
        fluvio_status status = fluvio_topic_list(raw_.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_topic_list");
        return topic_list(out);
    }
    /// A list of exactly `topic` (fluvio_topic_describe).
    topic_list describe_topic(std::string_view topic) { return try_describe_topic(topic).value(); }
    result<topic_list> try_describe_topic(std::string_view topic) {
        detail::c_string t(topic);
        if (!t.valid()) return t.invalid("topic", "fluvio_topic_describe");
        struct fluvio_topic_list *out = nullptr;
        fluvio_status status = fluvio_topic_describe(raw_.get(), t.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_topic_describe");
        return topic_list(out);
    }
    /// Partitions of every topic, or of `topic` (fluvio_partition_list).
    partition_list list_partitions(std::optional<std::string_view> topic = std::nullopt) {
        return try_list_partitions(topic).value();
    }
    result<partition_list> try_list_partitions(std::optional<std::string_view> topic = std::nullopt) {
        detail::c_string t(topic);
        if (!t.valid()) return t.invalid("topic", "fluvio_partition_list");
        struct fluvio_partition_list *out = nullptr;
        fluvio_status status = fluvio_partition_list(raw_.get(), t.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_partition_list");
        return partition_list(out);
    }
    /// The cluster's SPUs (fluvio_spu_list).
    spu_list list_spus() { return try_list_spus().value(); }
    result<spu_list> try_list_spus() {
        struct fluvio_spu_list *out = nullptr;
        fluvio_status status = fluvio_spu_list(raw_.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_spu_list");
        return spu_list(out);
    }
    /// fluvio_consumer_lag_list (std::nullopt: any consumer / topic).
    consumer_lag_list list_consumer_lags(std::optional<std::string_view> consumer_id = std::nullopt,
                                         std::optional<std::string_view> topic = std::nullopt) {
        return try_list_consumer_lags(consumer_id, topic).value();
    }
    result<consumer_lag_list> try_list_consumer_lags(std::optional<std::string_view> consumer_id = std::nullopt,
                                                     std::optional<std::string_view> topic = std::nullopt) {
        detail::c_string c(consumer_id), t(topic);
        if (!c.valid()) return c.invalid("consumer id", "fluvio_consumer_lag_list");
        if (!t.valid()) return t.invalid("topic", "fluvio_consumer_lag_list");
        struct fluvio_consumer_lag_list *out = nullptr;
        fluvio_status status = fluvio_consumer_lag_list(raw_.get(), c.get(), t.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_consumer_lag_list");
        return consumer_lag_list(out);
    }
    /// fluvio_consumer_offset_list (std::nullopt: any consumer / topic).
    consumer_offset_list list_consumer_offsets(std::optional<std::string_view> consumer_id = std::nullopt,
                                               std::optional<std::string_view> topic = std::nullopt) {
        return try_list_consumer_offsets(consumer_id, topic).value();
    }
    result<consumer_offset_list> try_list_consumer_offsets(std::optional<std::string_view> consumer_id = std::nullopt,
                                                           std::optional<std::string_view> topic = std::nullopt) {
        detail::c_string c(consumer_id), t(topic);
        if (!c.valid()) return c.invalid("consumer id", "fluvio_consumer_offset_list");
        if (!t.valid()) return t.invalid("topic", "fluvio_consumer_offset_list");
        struct fluvio_consumer_offset_list *out = nullptr;
        fluvio_status status = fluvio_consumer_offset_list(raw_.get(), c.get(), t.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_consumer_offset_list");
        return consumer_offset_list(out);
    }
    /// fluvio_consumer_offset_delete.
    void delete_consumer_offset(std::string_view consumer_id, std::string_view topic, uint32_t partition) {
        try_delete_consumer_offset(consumer_id, topic, partition).value();
    }
    result<void> try_delete_consumer_offset(std::string_view consumer_id, std::string_view topic, uint32_t partition) {
        detail::c_string c(consumer_id), t(topic);
        if (!c.valid()) return c.invalid("consumer id", "fluvio_consumer_offset_delete");
        if (!t.valid()) return t.invalid("topic", "fluvio_consumer_offset_delete");
        return detail::check(fluvio_consumer_offset_delete(raw_.get(), c.get(), t.get(), partition),
                             "fluvio_consumer_offset_delete");
    }

    /// Stores `wasm` on the SC as `name`, or under `package`'s id
    /// (fluvio_smartmodule_create; std::nullopt name: the package's).
    void create_smartmodule(std::optional<std::string_view> name, bytes wasm,
                            const smartmodule_package *package = nullptr) {
        try_create_smartmodule(name, wasm, package).value();
    }
    result<void> try_create_smartmodule(std::optional<std::string_view> name, bytes wasm,
                                        const smartmodule_package *package = nullptr) {
        detail::c_string n(name);
        if (!n.valid()) return n.invalid("name", "fluvio_smartmodule_create");
        return detail::check(fluvio_smartmodule_create(raw_.get(), n.get(), wasm.data(), wasm.size(),
                                                       package ? package->get() : nullptr),
                             "fluvio_smartmodule_create");
    }
    /// As create_smartmodule, the module read from `path` (fluvio_smartmodule_create_from_file).
    void create_smartmodule_from_file(std::optional<std::string_view> name, std::string_view path,
                                      const smartmodule_package *package = nullptr) {
        try_create_smartmodule_from_file(name, path, package).value();
    }
    result<void> try_create_smartmodule_from_file(std::optional<std::string_view> name, std::string_view path,
                                                  const smartmodule_package *package = nullptr) {
        const char *context = "fluvio_smartmodule_create_from_file";
        detail::c_string n(name), p(path);
        if (!n.valid()) return n.invalid("name", context);
        if (!p.valid()) return p.invalid("path", context);
        return detail::check(
            fluvio_smartmodule_create_from_file(raw_.get(), n.get(), p.get(), package ? package->get() : nullptr),
            context);
    }
    /// fluvio_smartmodule_delete.
    void delete_smartmodule(std::string_view name) { try_delete_smartmodule(name).value(); }
    result<void> try_delete_smartmodule(std::string_view name) {
        detail::c_string n(name);
        if (!n.valid()) return n.invalid("name", "fluvio_smartmodule_delete");
        return detail::check(fluvio_smartmodule_delete(raw_.get(), n.get()), "fluvio_smartmodule_delete");
    }
    /// fluvio_smartmodule_list.
    smartmodule_list list_smartmodules() { return try_list_smartmodules().value(); }
    result<smartmodule_list> try_list_smartmodules() {
        struct fluvio_smartmodule_list *out = nullptr;
        fluvio_status status = fluvio_smartmodule_list(raw_.get(), &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_smartmodule_list");
        return smartmodule_list(out);
    }

    fluvio_client *get() const noexcept { return raw_.get(); }
    fluvio_client *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    struct raw_outcome {
        fluvio_status status;
        fluvio_client *client;
    };
    static raw_outcome connect_raw(const char *endpoint) noexcept {
        fluvio_client *out = nullptr;
        fluvio_status status = fluvio_connect(endpoint, &out);
        return {status, out};
    }
    static result<client> connected(raw_outcome outcome, const char *context) {
        if (outcome.status != FLUVIO_OK) return error::last_error(outcome.status, context);
        return client(outcome.client);
    }
    /// A string libfluvio handed over, copied and freed.
    static std::string take_string(char *s) {
        std::unique_ptr<char, void (*)(char *)> owned(s, fluvio_string_free);
        return s ? std::string(s) : std::string();
    }

    detail::handle<fluvio_client, fluvio_client_free> raw_;
};

/* ========================================================================
 * Embedded cluster
 * ======================================================================== */

/// Settings of an embedded cluster (fluvio_local_config), for local_cluster::start.
class local_config {
public:
    /// A fresh temporary data directory, a free port, 1 SPU; throws std::bad_alloc.
    local_config() : raw_(fluvio_local_config_new()) {
        if (!raw_) throw std::bad_alloc();
    }

    /// Created if missing; kept on stop.
    local_config &set_data_dir(std::string_view dir) {
        try_set_data_dir(dir).value();
        return *this;
    }
    result<void> try_set_data_dir(std::string_view dir) {
        detail::c_string d(dir);
        if (!d.valid()) return d.invalid("data directory", "fluvio_local_config_set_data_dir");
        return detail::check(fluvio_local_config_set_data_dir(raw_.get(), d.get()), "fluvio_local_config_set_data_dir");
    }
    /// 0: a free one.
    local_config &set_port(uint16_t port) {
        try_set_port(port).value();
        return *this;
    }
    result<void> try_set_port(uint16_t port) {
        return detail::check(fluvio_local_config_set_port(raw_.get(), port), "fluvio_local_config_set_port");
    }
    /// 1 to 64.
    local_config &set_spus(uint16_t spus) {
        try_set_spus(spus).value();
        return *this;
    }
    result<void> try_set_spus(uint16_t spus) {
        return detail::check(fluvio_local_config_set_spus(raw_.get(), spus), "fluvio_local_config_set_spus");
    }
    local_config &set_smartmodule_limits(int32_t timeout_ms, uint64_t fuel) {
        try_set_smartmodule_limits(timeout_ms, fuel).value();
        return *this;
    }
    result<void> try_set_smartmodule_limits(int32_t timeout_ms, uint64_t fuel) {
        return detail::check(fluvio_local_config_set_smartmodule_limits(raw_.get(), timeout_ms, fuel),
                             "fluvio_local_config_set_smartmodule_limits");
    }
    /// PEM texts or paths; std::nullopt client CA: anonymous clients welcome.
    local_config &set_tls(std::string_view cert, std::string_view key, std::optional<std::string_view> client_ca) {
        try_set_tls(cert, key, client_ca).value();
        return *this;
    }
    result<void> try_set_tls(std::string_view cert, std::string_view key, std::optional<std::string_view> client_ca) {
        const char *context = "fluvio_local_config_set_tls";
        detail::c_string c(cert), k(key), ca(client_ca);
        if (!c.valid()) return c.invalid("certificate", context);
        if (!k.valid()) return k.invalid("key", context);
        if (!ca.valid()) return ca.invalid("client CA", context);
        return detail::check(fluvio_local_config_set_tls(raw_.get(), c.get(), k.get(), ca.get()), context);
    }

    fluvio_local_config *get() const noexcept { return raw_.get(); }
    fluvio_local_config *release() noexcept { return raw_.release(); }
    explicit operator bool() const noexcept { return bool(raw_); }

private:
    detail::handle<fluvio_local_config, fluvio_local_config_free> raw_;
};

/// A running embedded cluster (fluvio_local_cluster). Any thread. The
/// destructor stops it, ignoring a failure to sync its logs; call stop()
/// to learn of one.
class local_cluster {
public:
    local_cluster() noexcept = default;
    explicit local_cluster(fluvio_local_cluster *raw) noexcept : raw_(raw) {}
    local_cluster(local_cluster &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    local_cluster &operator=(local_cluster &&other) noexcept {
        if (this != &other) {
            (void)fluvio_local_cluster_stop(raw_);
            raw_ = std::exchange(other.raw_, nullptr);
        }
        return *this;
    }
    local_cluster(const local_cluster &) = delete;
    local_cluster &operator=(const local_cluster &) = delete;
    ~local_cluster() { (void)fluvio_local_cluster_stop(raw_); }

    /// Starts one with the defaults and waits until it serves (fluvio_local_cluster_start).
    static local_cluster start() { return try_start().value(); }
    static result<local_cluster> try_start() { return started(nullptr); }
    /// Starts one with `config`.
    static local_cluster start(const local_config &config) { return try_start(config).value(); }
    static result<local_cluster> try_start(const local_config &config) { return started(config.get()); }

    /// "127.0.0.1:PORT", for client::connect; valid until stopped ("" when empty).
    std::string_view endpoint() const noexcept {
        const char *e = fluvio_local_cluster_endpoint(raw_);
        return e ? std::string_view(e) : std::string_view();
    }

    /// Stops it now (fluvio_local_cluster_stop); the object is empty after,
    /// even when this throws (the logs could not be synced).
    void stop() { try_stop().value(); }
    result<void> try_stop() {
        return detail::check(fluvio_local_cluster_stop(std::exchange(raw_, nullptr)), "fluvio_local_cluster_stop");
    }

    fluvio_local_cluster *get() const noexcept { return raw_; }
    fluvio_local_cluster *release() noexcept { return std::exchange(raw_, nullptr); }
    explicit operator bool() const noexcept { return raw_ != nullptr; }

private:
    static result<local_cluster> started(const fluvio_local_config *config) {
        fluvio_local_cluster *out = nullptr;
        fluvio_status status = fluvio_local_cluster_start(config, &out);
        if (status != FLUVIO_OK) return error::last_error(status, "fluvio_local_cluster_start");
        return local_cluster(out);
    }

    fluvio_local_cluster *raw_ = nullptr;
};

}  // namespace fluvio

#endif  // FLUVIO_HPP
