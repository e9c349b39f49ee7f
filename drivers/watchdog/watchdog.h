// Watchdog: the kiosk tells its supervisors it is alive — systemd (WatchdogSec=, sd_notify) and
// the hardware watchdog (/dev/watchdog). Pets go through a HealthGate (health_gate.h), so they
// stop when any watched thread stops making progress, and the kiosk is restarted.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::drivers {

class Watchdog {
  public:
    virtual ~Watchdog() = default;
    virtual void ready() = 0;  // start-up finished
    virtual void pet() = 0;    // still alive
};

// systemd's sd_notify protocol; a no-op when not started by systemd (NOTIFY_SOCKET unset).
std::unique_ptr<Watchdog> make_systemd_watchdog();

// The Linux watchdog device (/dev/watchdog): every pet writes to it (the keep-alive); an orderly
// close writes the magic 'V' so the timer stops; a crash or hang leaves it running and the
// hardware resets the machine. `timeout_s` > 0 asks the driver for that timeout
// (WDIOC_SETTIMEOUT; drivers may round it).
Result<std::unique_ptr<Watchdog>> open_device_watchdog(const std::string& path = "/dev/watchdog",
                                                       int timeout_s = 0);
// The same, and the driver's timeout read back (WDIOC_GETTIMEOUT; drivers round, some have a
// maximum): a device that ends up shorter than `timeout_s` is disarmed (magic close) and refused.

// The rule between the two (issue #19, point 4): a hang must restart the service, not the
// machine. systemd kills a kiosk that stopped petting after WatchdogSec and starts it again; the
// hardware timer, still running across that (a killed process makes no magic close), must not
// expire before the new kiosk pets it: more than twice WatchdogSec (the last pet may come just
// before the hang, the kill up to WatchdogSec later) plus the restart (RestartSec=2, the start to
// READY, 0.4 s measured in docs/performance.md; 15 s allowed). Only a service that cannot come
// back lets it expire, and then the machine resets.
constexpr int kRestartAllowanceS = 15;
// `configured_s`: the config's watchdog_timeout_s (0: the least safe value); `systemd_s`: the
// service's WatchdogSec (0: not watched by systemd). An error says why a value is refused.
Result<int> hardware_watchdog_timeout(int configured_s, int systemd_s);
// WatchdogSec of the running service, from WATCHDOG_USEC (0 outside systemd or without it).
int systemd_watchdog_seconds();

// Several watchdogs as one (systemd and the hardware device together).
class WatchdogSet final : public Watchdog {
  public:
    void add(std::unique_ptr<Watchdog> w) { all_.push_back(std::move(w)); }
    void ready() override {
        for (auto& w : all_) w->ready();
    }
    void pet() override {
        for (auto& w : all_) w->pet();
    }

  private:
    std::vector<std::unique_ptr<Watchdog>> all_;
};

// For tests and development: counts calls.
class CountingWatchdog final : public Watchdog {
  public:
    void ready() override { ++ready_calls; }
    void pet() override { ++pets; }
    int ready_calls = 0;
    int pets = 0;
};

}  // namespace vmeste::drivers
