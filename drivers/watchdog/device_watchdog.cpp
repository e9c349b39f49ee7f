// /dev/watchdog (Documentation/watchdog/watchdog-api.rst in the kernel tree).
#include <fcntl.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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
        (void)ioctl(fd, WDIOC_SETTIMEOUT, &t);  // a plain file (tests) or a fixed-timeout driver
    }
    return std::unique_ptr<Watchdog>(new DeviceWatchdog(fd));
}

}  // namespace vmeste::drivers
