// watchdog_vm_check: the hardware watchdog rule against the kernel's softdog
// (tests/drivers/watchdog_vm_test.sh, issue #19 point 4). It plays systemd for a kiosk whose
// WatchdogSec is 2 s, with the kiosk's own device driver and the timeout the kiosk would choose
// (drivers::hardware_watchdog_timeout: 2 × 2 + 15 = 19 s):
//  1. three times: a "kiosk" opens /dev/watchdog and pets it, then hangs (stops petting); the
//     supervisor kills it WatchdogSec after its last pet (SIGKILL: no magic close, the timer runs
//     on), waits RestartSec and starts the next one, which pets again. The machine must stay up:
//     prints "UP after 3 restarts".
//  2. the last one hangs and is never started again: softdog must reset the machine within the
//     timeout; if it is still running 10 s after that, prints "STILL UP" (a failure).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "drivers/watchdog/watchdog.h"

using namespace std::chrono_literals;

namespace {

constexpr int kWatchdogSec = 2;
constexpr auto kRestartSec = 2s;

// A kiosk: pets every 500 ms for `healthy`, then hangs with the device open.
pid_t start_kiosk(int timeout_s, std::chrono::milliseconds healthy) {
    const pid_t pid = fork();
    if (pid != 0) return pid;
    auto wd = vmeste::drivers::open_device_watchdog("/dev/watchdog", timeout_s);
    if (!wd) {
        std::fprintf(stderr, "kiosk: %s\n", wd.error().message.c_str());
        _exit(1);
    }
    (*wd)->ready();
    const auto until = std::chrono::steady_clock::now() + healthy;
    while (std::chrono::steady_clock::now() < until) {
        (*wd)->pet();
        std::this_thread::sleep_for(500ms);
    }
    for (;;) pause();  // hung: no pets, the device still open
}

}  // namespace

int main() {
    auto timeout = vmeste::drivers::hardware_watchdog_timeout(0, kWatchdogSec);
    if (!timeout) return 1;
    std::printf("hardware timeout %d s, WatchdogSec %d s\n", *timeout, kWatchdogSec);
    std::fflush(stdout);
    const auto started = std::chrono::steady_clock::now();
    for (int i = 1; i <= 4; ++i) {
        const pid_t kiosk = start_kiosk(*timeout, 3s);
        // systemd: WatchdogSec after the last pet the hung service is killed.
        std::this_thread::sleep_for(3s + std::chrono::seconds(kWatchdogSec));
        kill(kiosk, SIGKILL);
        waitpid(kiosk, nullptr, 0);
        std::printf("kiosk %d hung and was killed at %lld s\n", i,
                    static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(
                                               std::chrono::steady_clock::now() - started)
                                               .count()));
        std::fflush(stdout);
        if (i == 4) break;  // the service cannot come back
        std::this_thread::sleep_for(kRestartSec);
        if (i == 3) {
            std::printf("UP after 3 restarts\n");
            std::fflush(stdout);
        }
    }
    std::this_thread::sleep_for(std::chrono::seconds(*timeout + 10));
    std::printf("STILL UP\n");
    return 1;
}
