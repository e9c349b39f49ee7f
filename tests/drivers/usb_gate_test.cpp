// USB device authorisation (issue #20, point 10). The listing parser against what usbguard 1.1.2
// printed in the kernel VM; UsbGuardVm.* run there (tests/packaging/usbguard_vm_test.sh) against
// the real usbguard-daemon with packaging/usbguard's rules, gadgets looped back through dummy_hcd:
// a plain stick, a stick that is a serial line too, a receipt printer. As the kiosk's user.
#include "drivers/usb/usb_gate.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace vmeste::drivers;
namespace fs = std::filesystem;

namespace {

// Copied from `usbguard list-devices` in the VM (a hub, a blocked stick, a printer, and a
// composite device as the daemon's audit log wrote its rule).
constexpr const char* kListing =
    R"(6: allow id 1d6b:0002 serial "dummy_hcd.0" name "Dummy host controller" hash "dNx3LtCTe3S1+GVQoI4edBokuwl9QFaUlvI9RGTQZ9o=" parent-hash "Jwv/aJJ0vNqL00YR5Qgll3MXPg4nGzR89Cuhly4GMuo=" via-port "usb1" with-interface 09:00:00 with-connect-type ""
9: block id 0781:5581 serial "" name "Ultra" hash "e79vRRJS4dAPZCeXeq38Snnj3+bUhcQzJ7F7Jq0ssEk=" parent-hash "dNx3LtCTe3S1+GVQoI4edBokuwl9QFaUlvI9RGTQZ9o=" via-port "1-1" with-interface 08:06:50 with-connect-type "unknown"
10: allow id 04b8:0e28 serial "" name "TM-T20II" hash "M72j36QYhfcIybTu3ScC7CxgSb+gpzwV5LdTq9fxCBo=" parent-hash "Fn8U3KAKHARp0KLPIzTnaNE53Sv16BUoLpd7oydoNRM=" via-port "3-1" with-interface 07:01:02 with-connect-type "unknown"
11: block id 1d6b:0104 serial "" name "Stick \"That\" Talks" hash "3osS5fniZuegTzpivADedyF6sQzttxZmpyBbZWKuAmU=" parent-hash "ps5o3oUUa79zeH3RmJ0Hz4QhYO3sa7WmIij9QW+3/Ow=" via-port "2-1" with-interface { 08:06:50 02:02:01 0a:00:00 } with-connect-type "unknown"
IPC connection lost
)";

}  // namespace

TEST(UsbGate, TheListingGivesEachDevicesNumberIdNameAndInterfaces) {
    const auto d = parse_usbguard_devices(kListing);
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].id, 6u);
    EXPECT_EQ(d[0].interfaces, std::vector<std::string>{"09:00:00"});
    EXPECT_EQ(d[1].id, 9u);
    EXPECT_EQ(d[1].vid_pid, "0781:5581");
    EXPECT_EQ(d[1].name, "Ultra");
    EXPECT_TRUE(d[1].plain_storage());
    EXPECT_EQ(d[2].vid_pid, "04b8:0e28");
    EXPECT_FALSE(d[2].has_class("08"));
    EXPECT_EQ(d[3].id, 11u);
    EXPECT_EQ(d[3].name, "Stick \"That\" Talks");
    EXPECT_EQ(d[3].interfaces, (std::vector<std::string>{"08:06:50", "02:02:01", "0a:00:00"}));
    EXPECT_TRUE(d[3].has_class("08"));
    EXPECT_FALSE(d[3].plain_storage()) << "a stick that is a serial line too passed as a stick";
}

TEST(UsbGate, WithoutTheDaemonEachCallFailsWithUsbguardsReason) {
    // A client that cannot reach a daemon, as usbguard does then.
    const std::string fake =
        fs::temp_directory_path() / ("usbguard-down-" + std::to_string(getpid()));
    std::ofstream(fake) << "#!/bin/sh\necho 'ERROR: IPC connect: service=usbguard: Connection "
                           "refused' >&2\nexit 1\n";
    fs::permissions(fake, fs::perms::owner_all);
    auto gate = make_usbguard_gate(fake);
    auto b = gate->blocked();
    ASSERT_FALSE(b);
    EXPECT_NE(b.error().message.find("Connection refused"), std::string::npos) << b.error().message;
    auto a = gate->allow(9);
    ASSERT_FALSE(a);
    EXPECT_NE(a.error().message.find("allow-device"), std::string::npos) << a.error().message;
    fs::remove(fake);
    auto missing = make_usbguard_gate("/nonexistent/usbguard")->blocked();
    ASSERT_FALSE(missing);
}

namespace {

class UsbGuardVm : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!std::getenv("VMESTE_IN_USBGUARD_VM"))
            GTEST_SKIP() << "runs in the kernel VM (tests/packaging/usbguard_vm_test.sh)";
    }
    static bool disk_present() { return fs::exists("/sys/block") && !fs::is_empty("/sys/block"); }
    template <typename F>
    static bool within(std::chrono::seconds limit, F done) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            if (std::chrono::steady_clock::now() > until) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return true;
    }
};

}  // namespace

TEST_F(UsbGuardVm, TheRulesLetThePrinterInAndHoldTheSticksBack) {
    EXPECT_NE(::getuid(), 0u) << "run as the kiosk's user, with its IPC rights only";
    EXPECT_TRUE(fs::exists("/dev/usb/lp0")) << "the printer was not let in";
    EXPECT_FALSE(disk_present()) << "a stick became a disk with nobody asking";
    EXPECT_FALSE(fs::exists("/dev/ttyACM0")) << "the stick that talks got its serial line";
    auto blocked = make_usbguard_gate()->blocked();
    ASSERT_TRUE(blocked) << blocked.error().message;
    ASSERT_EQ(blocked->size(), 1u) << "the stick that talks is rejected, not held";
    EXPECT_EQ((*blocked)[0].vid_pid, "0781:5581");
    EXPECT_TRUE((*blocked)[0].plain_storage());
}

TEST_F(UsbGuardVm, AStickLetThroughIsADiskUntilItIsBlockedAgain) {
    auto gate = make_usbguard_gate();
    auto blocked = gate->blocked();
    ASSERT_TRUE(blocked && blocked->size() == 1u);
    const uint32_t id = (*blocked)[0].id;
    ASSERT_TRUE(gate->allow(id));
    ASSERT_TRUE(within(std::chrono::seconds(20), disk_present))
        << "the kernel did not take the stick it was allowed";
    auto still = gate->blocked();
    ASSERT_TRUE(still);
    EXPECT_TRUE(still->empty());
    ASSERT_TRUE(gate->block(id));
    EXPECT_TRUE(within(std::chrono::seconds(20), [] { return !disk_present(); }))
        << "the stick stayed a disk after it was blocked again";
    auto again = gate->blocked();
    ASSERT_TRUE(again && again->size() == 1u) << "the stick is not held back again";
}
