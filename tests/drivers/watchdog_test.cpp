// The watchdog: pets reach systemd (a fake notify socket) and the device (a fake device file)
// only while every watched thread makes progress; a hung thread stops them.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "drivers/watchdog/health_gate.h"
#include "drivers/watchdog/watchdog.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::drivers;
using namespace std::chrono_literals;

TEST(HealthGate, PetsOnlyWhileEveryParticipantReports) {
    CountingWatchdog counter;
    ManualClock clock;
    HealthGate gate(counter, clock);
    gate.watch("ui", 5'000);
    gate.watch("uploader", 60'000);
    EXPECT_TRUE(gate.tick());
    // The UI goes on, the uploader hangs.
    for (int s = 0; s < 59; ++s) {
        clock.advance(1s);
        gate.alive("ui");
        EXPECT_TRUE(gate.tick()) << s;
    }
    clock.advance(2s);
    gate.alive("ui");
    EXPECT_FALSE(gate.tick());
    EXPECT_EQ(gate.late(), std::vector<std::string>{"uploader"});
    const int pets = counter.pets;
    clock.advance(1s);
    gate.alive("ui");
    gate.tick();
    EXPECT_EQ(counter.pets, pets) << "pets went on with the uploader hung";
    // It comes back: pets resume.
    gate.alive("uploader");
    EXPECT_TRUE(gate.tick());
    // The UI stops: late after its own, shorter allowance.
    clock.advance(6s);
    gate.alive("uploader");
    EXPECT_FALSE(gate.tick());
    EXPECT_EQ(gate.late(), std::vector<std::string>{"ui"});
}

TEST(DeviceWatchdog, PetsWriteKeepAlivesAndAnOrderlyCloseWritesTheMagicV) {
    test::TempDir dir;
    const std::string dev = dir.file("watchdog");
    EXPECT_FALSE(open_device_watchdog(dev));  // no device: a clear error
    std::ofstream(dev).close();
    {
        auto w = open_device_watchdog(dev, 30);
        ASSERT_TRUE(w) << w.error().message;
        (*w)->ready();
        (*w)->pet();
        (*w)->pet();
    }
    std::ifstream in(dev, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes, std::string("\0\0\0V", 4));
}

TEST(SystemdWatchdog, AHungThreadStopsTheNotifications) {
    // A fake systemd: a datagram socket that NOTIFY_SOCKET points at.
    test::TempDir dir;
    const std::string path = dir.file("notify");
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    setenv("NOTIFY_SOCKET", path.c_str(), 1);
    auto systemd = make_systemd_watchdog();
    SystemClock clock;
    HealthGate gate(*systemd, clock);
    gate.watch("ui", 200);
    gate.watch("uploader", 200);
    GatedWatchdog ui(gate, *systemd, "ui");
    ui.ready();

    // systemd reads its socket at once; so does this reader (a datagram queue holds only ~10).
    std::atomic<int> watchdog_msgs{0}, ready_msgs{0};
    std::atomic<bool> hang{false}, stop{false};
    timeval tv{0, 50'000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::thread reader([&] {
        char buf[256];
        while (!stop) {
            const ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) continue;
            const std::string msg(buf, static_cast<size_t>(n));
            watchdog_msgs += msg == "WATCHDOG=1";
            ready_msgs += msg == "READY=1";
        }
    });
    std::thread uploader([&] {
        while (!stop) {
            if (!hang) gate.alive("uploader");
            std::this_thread::sleep_for(20ms);
        }
    });
    auto drain = [&] {
        std::this_thread::sleep_for(100ms);  // let the reader catch up
        return std::pair{watchdog_msgs.exchange(0), ready_msgs.exchange(0)};
    };
    auto run_ui = [&](std::chrono::milliseconds d) {
        const auto end = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < end) {
            ui.pet();
            std::this_thread::sleep_for(20ms);
        }
    };
    run_ui(300ms);
    const auto [healthy, ready] = drain();
    EXPECT_EQ(ready, 1);
    EXPECT_GE(healthy, 5);
    hang = true;
    run_ui(300ms);  // allowance passes during the first 200 ms
    drain();        // whatever came before the allowance ran out
    run_ui(300ms);
    EXPECT_EQ(drain().first, 0) << "systemd still heard from a kiosk whose uploader hung";
    stop = true;
    uploader.join();
    reader.join();
    unsetenv("NOTIFY_SOCKET");
    close(fd);
}

// A hang restarts the service, not the machine (issue #19, point 4): the hardware timer must
// outlast systemd's kill after WatchdogSec and the restart; a shorter one is refused, saying why.
TEST(HardwareWatchdog, ItsTimeoutOutlastsARestartOrItIsRefused) {
    // The packaged unit: WatchdogSec=30 → 2 × 30 + 15 = 75 s.
    EXPECT_EQ(hardware_watchdog_timeout(0, 30).value(), 75);
    EXPECT_EQ(hardware_watchdog_timeout(120, 30).value(), 120);
    auto same = hardware_watchdog_timeout(30, 30);  // the old setting: both expire together
    ASSERT_FALSE(same);
    EXPECT_NE(same.error().message.find("at least 75"), std::string::npos) << same.error().message;
    EXPECT_NE(same.error().message.find("reset the machine"), std::string::npos);
    EXPECT_FALSE(hardware_watchdog_timeout(74, 30));
    EXPECT_EQ(hardware_watchdog_timeout(0, 0).value(), 15) << "no systemd watchdog: the restart";

    setenv("WATCHDOG_USEC", "30000000", 1);
    EXPECT_EQ(systemd_watchdog_seconds(), 30);
    unsetenv("WATCHDOG_USEC");
    EXPECT_EQ(systemd_watchdog_seconds(), 0);
}
