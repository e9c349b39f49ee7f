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
