// The terminal's local time. A terminal can stand in any of Russia's eleven time zones; its zone is
// the system's (/etc/localtime, or TZ), which the technician sets when installing it
// (`timedatectl set-timezone Asia/Novosibirsk`, docs/operations.md). Receipts, the dates answers
// are due, poll deadlines and the maintenance screens all read the time through here, so a
// citizen and the staff see the same clock as the МФЦ's wall.
#pragma once

#include <cstdint>
#include <string>

namespace vmeste::local_time {

// Minutes east of UTC at that moment (DST-aware where the zone has it; Russia has none).
int utc_offset_minutes(int64_t unix_ms);
// strftime of that moment in local time, e.g. "%Y%m%d-%H%M%S" → "20261201-140500".
std::string format(int64_t unix_ms, const char* strftime_format);
// "01.12.2026 14:05": how receipts and screens write a moment.
inline std::string date_time(int64_t unix_ms) {
    return format(unix_ms, "%d.%m.%Y %H:%M");
}

}  // namespace vmeste::local_time
