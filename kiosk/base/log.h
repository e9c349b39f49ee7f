// Logging: one line per event to stderr (journald picks it up under systemd).
// Rule: never log personal data or appeal text. Log ids, counts, codes and durations only.
#pragma once

#include <cstdio>
#include <ctime>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace vmeste::log {

enum class Level { kDebug, kInfo, kWarn, kError };

inline Level& threshold() {
    static Level level = Level::kInfo;
    return level;
}

// The last lines, for the maintenance "log" screen (the same lines journald gets: no personal
// data by the rule above).
class Recent {
  public:
    static constexpr size_t kLines = 200;
    static Recent& instance() {
        static Recent r;
        return r;
    }
    void add(std::string line) {
        std::lock_guard lock(mu_);
        lines_.push_back(std::move(line));
        if (lines_.size() > kLines) lines_.pop_front();
    }
    // Newest last.
    std::vector<std::string> last(size_t n) const {
        std::lock_guard lock(mu_);
        const size_t from = lines_.size() > n ? lines_.size() - n : 0;
        return {lines_.begin() + static_cast<std::ptrdiff_t>(from), lines_.end()};
    }

  private:
    mutable std::mutex mu_;
    std::deque<std::string> lines_;
};

template <typename... Args>
void write(Level level, const char* fmt, Args... args) {
    if (level < threshold()) return;
    static const char* const kNames[] = {"debug", "info", "warn", "error"};
    char text[512];
    if constexpr (sizeof...(Args) == 0) {
        std::snprintf(text, sizeof text, "%s", fmt);
    } else {
        std::snprintf(text, sizeof text, fmt, args...);
    }
    std::fprintf(stderr, "vmeste[%s] %s\n", kNames[static_cast<int>(level)], text);
    char when[16];
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::strftime(when, sizeof when, "%H:%M:%S", &tm);
    Recent::instance().add(std::string(when) + " " + kNames[static_cast<int>(level)] + " " + text);
}

template <typename... Args>
void info(const char* fmt, Args... a) {
    write(Level::kInfo, fmt, a...);
}
template <typename... Args>
void warn(const char* fmt, Args... a) {
    write(Level::kWarn, fmt, a...);
}
template <typename... Args>
void error(const char* fmt, Args... a) {
    write(Level::kError, fmt, a...);
}
template <typename... Args>
void debug(const char* fmt, Args... a) {
    write(Level::kDebug, fmt, a...);
}

}  // namespace vmeste::log
