// WorkCalendar: which days are worked in Russia (five-day week), for answer deadlines in working
// days. Official years come from the Government's decrees (bundled in data/work_calendar.json,
// replaceable by a newer copy from the gateway); other years are estimated by the Labour Code's
// rule, and every answer says whether it rests on an estimate.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "kiosk/base/result.h"

namespace vmeste::core {

struct Date {
    int year = 0, month = 0, day = 0;
    auto operator<=>(const Date&) const = default;
    std::string iso() const;  // 2026-12-31
    std::string ru() const;   // 31.12.2026
    int weekday() const;      // 1 = Monday … 7 = Sunday
    Date next() const;
    // The terminal's local date at that moment (kiosk/base/local_time.h).
    static Date from_unix_ms(int64_t unix_ms);
};

struct Deadline {
    Date date;
    bool estimated = false;  // a year on the way has no official calendar yet
};

class WorkCalendar {
  public:
    static Result<WorkCalendar> parse(std::string_view json);
    static const WorkCalendar& bundled();

    bool is_working_day(const Date& d) const;
    bool is_official(int year) const { return years_.count(year) > 0; }
    // The day on which `n` working days after `from` are over: the registration day is not
    // counted; n = 0 gives `from` itself.
    Deadline add_working_days(const Date& from, int n) const;
    const std::string& version() const { return version_; }

  private:
    struct Year {
        std::set<Date> days_off, working_weekends;
    };
    bool estimated_day_off(const Date& d) const;
    std::string version_;
    std::set<std::pair<int, int>> holidays_;  // month, day
    std::map<int, Year> years_;
};

}  // namespace vmeste::core
