#include "kiosk/base/local_time.h"

#include <ctime>

namespace vmeste::local_time {
namespace {

std::tm local_tm(int64_t unix_ms) {
    // Floor, so a moment before the epoch still lands in the right second.
    const std::time_t t =
        static_cast<std::time_t>(unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm;
}

}  // namespace

int utc_offset_minutes(int64_t unix_ms) {
    return static_cast<int>(local_tm(unix_ms).tm_gmtoff / 60);
}

std::string format(int64_t unix_ms, const char* strftime_format) {
    const std::tm tm = local_tm(unix_ms);
    char buf[64];
    const size_t n = std::strftime(buf, sizeof buf, strftime_format, &tm);
    return std::string(buf, n);
}

}  // namespace vmeste::local_time
