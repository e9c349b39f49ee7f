// Logging: one line per event to stderr (journald picks it up under systemd). Under systemd
// (JOURNAL_STREAM set) each line starts with sd-daemon's "<N>" priority prefix, so the journal
// keeps the level: `journalctl -u vmeste-kiosk -p warning` shows warnings and errors only.
// Rule: never log personal data or appeal text. Log ids, counts, codes and durations only.
#pragma once

#include <cstdio>
#include <cstdlib>
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

// Whether stderr is the journal's stream (systemd sets JOURNAL_STREAM for a unit's output).
inline bool to_journal() {
    static const bool journal = [] {
        const char* s = std::getenv("JOURNAL_STREAM");
        return s && *s;
    }();
    return journal;
}

// One line as stderr gets it: "<3>vmeste[error] text" for the journal (syslog priorities:
// 7 debug, 6 info, 4 warning, 3 error), "vmeste[error] text" elsewhere.
inline std::string format_line(Level level, std::string_view text, bool journal) {
    static const char* const kNames[] = {"debug", "info", "warn", "error"};
    static const char* const kPriorities[] = {"<7>", "<6>", "<4>", "<3>"};
    std::string line = journal ? kPriorities[static_cast<int>(level)] : "";
    line += "vmeste[";
    line += kNames[static_cast<int>(level)];
    line += "] ";
    line += text;
    return line;
}

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
    std::fprintf(stderr, "%s\n", format_line(level, text, to_journal()).c_str());
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
