// Watchdog: the kiosk tells the supervisor it is alive. The UI loop pets it once per wake-up;
// if the loop hangs, systemd (WatchdogSec=) restarts the kiosk.
#pragma once

#include <memory>

namespace vmeste::drivers {

class Watchdog {
  public:
    virtual ~Watchdog() = default;
    virtual void ready() = 0;  // start-up finished
    virtual void pet() = 0;    // still alive
};

// systemd's sd_notify protocol; a no-op when not started by systemd (NOTIFY_SOCKET unset).
std::unique_ptr<Watchdog> make_systemd_watchdog();

// For tests and development: counts calls.
class CountingWatchdog final : public Watchdog {
  public:
    void ready() override { ++ready_calls; }
    void pet() override { ++pets; }
    int ready_calls = 0;
    int pets = 0;
};

}  // namespace vmeste::drivers
