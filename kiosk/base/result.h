// Result<T>: the value-or-error type returned across module borders.
// GCC 12 has no std::expected; this is the small subset we need. An Error carries a stable code
// (for tests and logs) and a message meant for a technician; screens translate codes themselves,
// so messages never reach a citizen and never contain personal data.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace vmeste {

enum class ErrorCode {
    kInvalidInput,  // the caller's data is wrong (citizen text, a flag, a config value)
    kNotFound,
    kIo,          // disk: open, write, fsync
    kNoSpace,     // disk full (ENOSPC, SQLITE_FULL) or a configured store bound reached
    kCorrupt,     // data on disk does not pass its checks
    kNetwork,     // could not talk to the platform at all
    kProtocol,    // the platform answered something we do not understand
    kRejected,    // the platform refused the item for good (4xx other than the retryable ones)
    kRetryLater,  // a transient refusal (408, 429, 5xx)
    kUnauthorized,
    kConflict,
    kInternal,
};

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
};

inline const char* to_string(ErrorCode c) {
    switch (c) {
        case ErrorCode::kInvalidInput:
            return "invalid-input";
        case ErrorCode::kNotFound:
            return "not-found";
        case ErrorCode::kNoSpace:
            return "no-space";
        case ErrorCode::kIo:
            return "io";
        case ErrorCode::kCorrupt:
            return "corrupt";
        case ErrorCode::kNetwork:
            return "network";
        case ErrorCode::kProtocol:
            return "protocol";
        case ErrorCode::kRejected:
            return "rejected";
        case ErrorCode::kRetryLater:
            return "retry-later";
        case ErrorCode::kUnauthorized:
            return "unauthorized";
        case ErrorCode::kConflict:
            return "conflict";
        case ErrorCode::kInternal:
            return "internal";
    }
    return "unknown";
}

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const {
        assert(!ok());
        return std::get<1>(v_);
    }

  private:
    std::variant<T, Error> v_;
};

struct Unit {};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const {
        assert(!ok_);
        return error_;
    }

  private:
    Error error_;
    bool ok_ = true;
};

inline Error make_error(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

}  // namespace vmeste
