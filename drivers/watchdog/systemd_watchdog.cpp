#include <systemd/sd-daemon.h>

#include "drivers/watchdog/watchdog.h"

namespace vmeste::drivers {
namespace {

class SystemdWatchdog final : public Watchdog {
  public:
    void ready() override { sd_notify(0, "READY=1"); }
    void pet() override { sd_notify(0, "WATCHDOG=1"); }
};

}  // namespace

std::unique_ptr<Watchdog> make_systemd_watchdog() {
    return std::make_unique<SystemdWatchdog>();
}

}  // namespace vmeste::drivers
