// /dev/watchdog (Documentation/watchdog/watchdog-api.rst in the kernel tree).
#include <fcntl.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "drivers/watchdog/watchdog.h"

namespace vmeste::drivers {
namespace {

class DeviceWatchdog final : public Watchdog {
  public:
    explicit DeviceWatchdog(int fd) : fd_(fd) {}
    ~DeviceWatchdog() override {
        // Magic close: an orderly exit disarms the timer; a crash never gets here.
        if (fd_ >= 0) {
            (void)::write(fd_, "V", 1);
            ::close(fd_);
        }
    }
    void ready() override { pet(); }
    void pet() override { (void)::write(fd_, "\0", 1); }  // any write is a keep-alive

  private:
    int fd_;
};

}  // namespace

Result<std::unique_ptr<Watchdog>> open_device_watchdog(const std::string& path, int timeout_s) {
    // Opening the device arms the timer: from here on, pets must keep coming.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return make_error(ErrorCode::kNotFound, "watchdog " + path + ": " + std::strerror(errno));
    if (timeout_s > 0) {
        int t = timeout_s;
        // A plain file (tests) answers neither; a fixed-timeout driver refuses SETTIMEOUT.
        const bool set = ioctl(fd, WDIOC_SETTIMEOUT, &t) == 0;
        int now = 0;
        if ((set || ioctl(fd, WDIOC_GETTIMEOUT, &now) == 0) && (set ? t : now) < timeout_s) {
            const int got = set ? t : now;
            (void)::write(fd, "V", 1);  // disarm: a timer this short would reset, not restart
            ::close(fd);
            return make_error(ErrorCode::kInvalidInput,
                              "watchdog " + path + " runs " + std::to_string(got) +
                                  " s, less than the " + std::to_string(timeout_s) +
                                  " s a restart of the kiosk needs; not used");
        }
    }
    return std::unique_ptr<Watchdog>(new DeviceWatchdog(fd));
}

Result<int> hardware_watchdog_timeout(int configured_s, int systemd_s) {
    const int least = 2 * systemd_s + kRestartAllowanceS;
    if (configured_s == 0) return least;
    if (configured_s < least)
        return make_error(
            ErrorCode::kInvalidInput,
            "watchdog_timeout_s = " + std::to_string(configured_s) + " is shorter than twice " +
                "WatchdogSec (" + std::to_string(systemd_s) + " s) plus a restart (" +
                std::to_string(kRestartAllowanceS) + " s): a hung kiosk would reset the machine " +
                "instead of being restarted; at least " + std::to_string(least) +
                " (the hardware watchdog is not used until then)");
    return configured_s;
}

int systemd_watchdog_seconds() {
    const char* usec = std::getenv("WATCHDOG_USEC");
    if (!usec) return 0;
    const long long v = std::atoll(usec);
    return v > 0 ? static_cast<int>((v + 999'999) / 1'000'000) : 0;
}

}  // namespace vmeste::drivers
