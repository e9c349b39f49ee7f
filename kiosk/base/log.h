// Logging: one line per event to stderr (journald picks it up under systemd).
// Rule: never log personal data or appeal text. Log ids, counts, codes and durations only.
#pragma once

#include <cstdio>
#include <string_view>

namespace vmeste::log {

enum class Level { kDebug, kInfo, kWarn, kError };

inline Level& threshold() {
    static Level level = Level::kInfo;
    return level;
}

template <typename... Args>
void write(Level level, const char* fmt, Args... args) {
    if (level < threshold()) return;
    static const char* const kNames[] = {"debug", "info", "warn", "error"};
    std::fprintf(stderr, "vmeste[%s] ", kNames[static_cast<int>(level)]);
    if constexpr (sizeof...(Args) == 0) {
        std::fputs(fmt, stderr);
    } else {
        std::fprintf(stderr, fmt, args...);
    }
    std::fputc('\n', stderr);
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
