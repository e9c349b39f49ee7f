// A terminal shows and prints its own zone's time: the same moment is a different hour (and
// sometimes a different day, so a different answer date) in Moscow and in Novosibirsk.
#include "kiosk/base/local_time.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "kiosk/core/work_calendar.h"

using namespace vmeste;

namespace {

// Sets TZ for one test and puts the tests' own zone back afterwards.
class Zone {
  public:
    explicit Zone(const char* tz) {
        setenv("TZ", tz, 1);
        tzset();
    }
    ~Zone() {
        setenv("TZ", "MSK-3", 1);  // tests/support/moscow_time.cpp
        tzset();
    }
};

constexpr int64_t kMidnightMoscow = 1'796'072'400'000;  // 2026-12-01 00:00 MSK = 11-30 21:00 UTC
constexpr int64_t kEveningMoscow = kMidnightMoscow - 2 * 3'600'000;  // 2026-11-30 22:00 MSK

}  // namespace

TEST(LocalTime, MoscowTerminal) {
    Zone z("MSK-3");
    EXPECT_EQ(local_time::utc_offset_minutes(kMidnightMoscow), 180);
    EXPECT_EQ(local_time::date_time(kMidnightMoscow), "01.12.2026 00:00");
    EXPECT_EQ(local_time::format(kMidnightMoscow + 61'500, "%Y%m%d-%H%M%S"), "20261201-000101");
    EXPECT_EQ(core::Date::from_unix_ms(kEveningMoscow).iso(), "2026-11-30");
}

TEST(LocalTime, NovosibirskTerminalSeesItsOwnHourAndDay) {
    Zone z("<+07>-7");
    EXPECT_EQ(local_time::utc_offset_minutes(kMidnightMoscow), 420);
    EXPECT_EQ(local_time::date_time(kMidnightMoscow), "01.12.2026 04:00");
    // 22:00 in Moscow is already 02:00 of the next day in Novosibirsk: answer dates count from it.
    EXPECT_EQ(core::Date::from_unix_ms(kEveningMoscow).iso(), "2026-12-01");
}

TEST(LocalTime, KaliningradAndUtcTerminals) {
    {
        Zone z("EET-2");
        EXPECT_EQ(local_time::date_time(kMidnightMoscow), "30.11.2026 23:00");
        EXPECT_EQ(core::Date::from_unix_ms(kMidnightMoscow).iso(), "2026-11-30");
    }
    Zone z("UTC0");
    EXPECT_EQ(local_time::utc_offset_minutes(kMidnightMoscow), 0);
    EXPECT_EQ(local_time::date_time(0), "01.01.1970 00:00");
    EXPECT_EQ(local_time::date_time(-1), "31.12.1969 23:59");  // floored, not rounded to 0
}
