// Clock: the one source of time for code whose behaviour depends on it (idle timeouts, retry
// backoff, receipt dates), so tests can move time instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace vmeste {

using Millis = std::chrono::milliseconds;

class Clock {
  public:
    virtual ~Clock() = default;
    // Monotonic time for timeouts and backoff; never jumps with NTP.
    virtual Millis monotonic() const = 0;
    // Wall time, milliseconds since the Unix epoch, for records and receipts.
    virtual int64_t unix_millis() const = 0;
};

class SystemClock final : public Clock {
  public:
    Millis monotonic() const override {
        return std::chrono::duration_cast<Millis>(
            std::chrono::steady_clock::now().time_since_epoch());
    }
    int64_t unix_millis() const override {
        return std::chrono::duration_cast<Millis>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

// A clock tests move by hand. Thread-safe, because workers read it too.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(int64_t unix_ms = 1'790'000'000'000) : unix_(unix_ms) {}
    Millis monotonic() const override { return Millis(mono_.load()); }
    int64_t unix_millis() const override { return unix_.load(); }
    void advance(Millis d) {
        mono_ += d.count();
        unix_ += d.count();
    }

  private:
    std::atomic<int64_t> mono_{1'000'000};
    std::atomic<int64_t> unix_;
};

}  // namespace vmeste
