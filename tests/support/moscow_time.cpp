// The tests are written for a terminal in Moscow (UTC+3, no DST): receipts, answer dates and
// poll deadlines are checked against Moscow's calendar. The zone is fixed here, before main and
// before any thread, so a CI machine on UTC gives the same dates; child processes (the kiosk,
// the simulator) inherit it. The POSIX form needs no tzdata. local_time_test moves it on purpose.
#include <cstdlib>
#include <ctime>

namespace {
const bool kMoscow = [] {
    setenv("TZ", "MSK-3", 1);
    tzset();
    return true;
}();
}  // namespace
