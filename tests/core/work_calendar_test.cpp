// The production calendar against the official 2026 figures, and the Labour Code's rule for a
// year without a decree.
#include "kiosk/core/work_calendar.h"

#include <gtest/gtest.h>

using namespace vmeste::core;

namespace {
int working_days(const WorkCalendar& c, Date from, Date to) {
    int n = 0;
    for (Date d = from; d <= to; d = d.next()) n += c.is_working_day(d);
    return n;
}
}  // namespace

TEST(WorkCalendar, The2026CalendarHasTheOfficialCounts) {
    const auto& c = WorkCalendar::bundled();
    ASSERT_TRUE(c.is_official(2026));
    EXPECT_EQ(working_days(c, {2026, 1, 1}, {2026, 12, 31}), 247);  // decree № 1466
    EXPECT_EQ(working_days(c, {2026, 1, 1}, {2026, 1, 31}), 15);
    EXPECT_EQ(working_days(c, {2026, 5, 1}, {2026, 5, 31}), 19);
    EXPECT_FALSE(c.is_working_day({2026, 1, 9}));    // moved from Saturday 3 January
    EXPECT_FALSE(c.is_working_day({2026, 12, 31}));  // moved from Sunday 4 January
    EXPECT_FALSE(c.is_working_day({2026, 3, 9}));    // 8 March was a Sunday
    EXPECT_TRUE(c.is_working_day({2026, 11, 30}));
}

TEST(WorkCalendar, DeadlinesCountWorkingDaysAndSayWhenTheyAreEstimated) {
    const auto& c = WorkCalendar::bundled();
    EXPECT_EQ(Date({2026, 11, 29}).weekday(), 7);
    auto ten = c.add_working_days({2026, 11, 29}, 10);
    EXPECT_EQ(ten.date, (Date{2026, 12, 11}));
    EXPECT_FALSE(ten.estimated);
    // Across the new year into 2027, which has no decree yet: an estimate.
    auto over = c.add_working_days({2026, 12, 30}, 1);
    EXPECT_EQ(over.date, (Date{2027, 1, 11}));
    EXPECT_TRUE(over.estimated);
    EXPECT_EQ(c.add_working_days({2026, 6, 11}, 1).date, (Date{2026, 6, 15}));
    EXPECT_EQ(c.add_working_days({2026, 6, 11}, 0).date, (Date{2026, 6, 11}));
    EXPECT_EQ(Date({2026, 12, 31}).ru(), "31.12.2026");
    EXPECT_EQ(Date::from_unix_ms(1'796'072'400'000).iso(), "2026-12-01");  // 00:00 Moscow
}

TEST(WorkCalendar, AYearWithoutADecreeFollowsTheLabourCode) {
    const auto& c = WorkCalendar::bundled();
    EXPECT_FALSE(c.is_official(2027));
    EXPECT_FALSE(c.is_working_day({2027, 5, 3}));   // 1 May is a Saturday
    EXPECT_FALSE(c.is_working_day({2027, 5, 10}));  // 9 May is a Sunday
    EXPECT_FALSE(c.is_working_day({2027, 6, 14}));  // 12 June is a Saturday
    EXPECT_FALSE(c.is_working_day({2027, 2, 23}));
    EXPECT_TRUE(c.is_working_day({2027, 1, 11}));  // January moves await the decree
    EXPECT_TRUE(c.is_working_day({2027, 5, 4}));
}

TEST(WorkCalendar, ABrokenCalendarIsRefusedWithTheReason) {
    EXPECT_FALSE(WorkCalendar::parse("{}"));
    auto weekend = WorkCalendar::parse(
        R"({"holidays": [], "years": {"2026": {"days_off": ["2026-01-03"], "working_weekends": []}}})");
    ASSERT_FALSE(weekend);
    EXPECT_NE(weekend.error().message.find("2026-01-03"), std::string::npos);
    EXPECT_FALSE(WorkCalendar::parse(
        R"({"holidays": [], "years": {"2026": {"days_off": ["2027-01-04"], "working_weekends": []}}})"));
    EXPECT_FALSE(WorkCalendar::parse(R"({"holidays": ["13-01"], "years": {}})"));
    auto ok = WorkCalendar::parse(
        R"({"holidays": [], "years": {"2027": {"days_off": [], "working_weekends": ["2027-11-13"]}}})");
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->is_working_day({2027, 11, 13}));  // a working Saturday
}
