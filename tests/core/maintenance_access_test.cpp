#include "kiosk/core/maintenance_access.h"
#include "kiosk/core/maintenance.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::core;
using R = MaintenanceAccess::Attempt::Result;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(MaintenanceAccess, EachRoleHasItsOwnPinStoredOnlyAsAnArgon2idHash) {
    test::TempDir dir;
    ManualClock clock;
    auto a = MaintenanceAccess::open(dir.path(), clock);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->try_pin("1234").result, R::kNoPins);
    EXPECT_FALSE(a->set_pin(Role::kStaff, "12a4"));
    EXPECT_FALSE(a->set_pin(Role::kStaff, "123"));
    ASSERT_TRUE(a->set_pin(Role::kStaff, "2468"));
    EXPECT_FALSE(a->set_pin(Role::kTechnician, "2468")) << "the same PIN for both roles";
    ASSERT_TRUE(a->set_pin(Role::kTechnician, "97531"));
    const std::string file = dir.file("access.json");
    const std::string raw = slurp(file);
    EXPECT_EQ(raw.find("2468"), std::string::npos);
    EXPECT_EQ(raw.find("97531"), std::string::npos);
    EXPECT_NE(raw.find("$argon2id$"), std::string::npos);
    struct stat st {};
    ASSERT_EQ(stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    auto again = MaintenanceAccess::open(dir.path(), clock);
    auto staff = again->try_pin("2468");
    EXPECT_EQ(staff.result, R::kOk);
    EXPECT_EQ(staff.role, Role::kStaff);
    auto tech = again->try_pin("97531");
    EXPECT_EQ(tech.result, R::kOk);
    EXPECT_EQ(tech.role, Role::kTechnician);
}

// Issue #20, point 5: two processes (the kiosk, vmestectl) over one access file.
TEST(MaintenanceAccess, APinChangedElsewhereTakesEffectAndAStaleCopyIsNeverWrittenBack) {
    test::TempDir dir;
    ManualClock clock;
    auto kiosk = MaintenanceAccess::open(dir.path(), clock);
    ASSERT_TRUE(kiosk->set_pin(Role::kStaff, "2468"));
    EXPECT_EQ(kiosk->try_pin("2468").result, R::kOk);
    auto ctl = MaintenanceAccess::open(dir.path(), clock);
    ASSERT_TRUE(ctl->set_pin(Role::kStaff, "1357"));
    EXPECT_EQ(kiosk->try_pin("2468").result, R::kWrong) << "the old PIN still opens";
    EXPECT_EQ(kiosk->try_pin("1357").result, R::kOk);
    // The kiosk sets the technician's PIN on its screen: the staff PIN set elsewhere stays.
    ASSERT_TRUE(kiosk->set_pin(Role::kTechnician, "975310"));
    auto fresh = MaintenanceAccess::open(dir.path(), clock);
    EXPECT_EQ(fresh->try_pin("1357").result, R::kOk);
    EXPECT_EQ(fresh->try_pin("2468").result, R::kWrong);
    EXPECT_EQ(fresh->try_pin("975310").result, R::kOk);
}

TEST(MaintenanceAccess, FiveWrongPinsLockThePadLongerEachTimeAndARestartDoesNotLiftIt) {
    test::TempDir dir;
    ManualClock clock;
    {
        auto a = MaintenanceAccess::open(dir.path(), clock);
        ASSERT_TRUE(a->set_pin(Role::kStaff, "2468"));
        for (int i = 1; i <= 4; ++i) {
            auto w = a->try_pin("0000");
            EXPECT_EQ(w.result, R::kWrong);
            EXPECT_EQ(w.attempts_left, 5 - i);
        }
        auto fifth = a->try_pin("1111");
        EXPECT_EQ(fifth.result, R::kWrong);
        EXPECT_EQ(fifth.locked_until_ms, clock.unix_millis() + 30'000);
    }  // the kiosk restarts
    auto a = MaintenanceAccess::open(dir.path(), clock);
    ASSERT_TRUE(a->locked_until());
    auto locked = a->try_pin("2468");
    EXPECT_EQ(locked.result, R::kLocked) << "not even the right PIN while locked";
    clock.advance(std::chrono::seconds(31));
    EXPECT_FALSE(a->locked_until());
    auto sixth = a->try_pin("3333");  // wrong again: twice as long
    EXPECT_EQ(sixth.locked_until_ms, clock.unix_millis() + 60'000);
    clock.advance(std::chrono::seconds(61));
    EXPECT_EQ(a->try_pin("4444").locked_until_ms, clock.unix_millis() + 120'000);
    clock.advance(std::chrono::seconds(121));
    EXPECT_EQ(a->try_pin("2468").result, R::kOk);
    EXPECT_EQ(a->failures(), 0) << "the right PIN resets the count";
    EXPECT_EQ(MaintenanceAccess::open(dir.path(), clock)->failures(), 0);
    // Many wrong PINs: never more than an hour.
    for (int i = 0; i < 20; ++i) {
        clock.advance(std::chrono::hours(2));
        (void)a->try_pin("0000");
    }
    EXPECT_LE(*a->locked_until() - clock.unix_millis(), 3'600'000);
}

TEST(MaintenanceAccess, ADamagedFileIsAnErrorNotNoPins) {
    test::TempDir dir;
    ManualClock clock;
    std::ofstream(dir.file("access.json")) << "{not json";
    auto a = MaintenanceAccess::open(dir.path(), clock);
    ASSERT_FALSE(a);
    EXPECT_NE(a.error().message.find("damaged"), std::string::npos);
}

TEST(ProvisioningQr, TheCodeComesFromOurGatewaysUrlOrTheShortFormAndNothingElse) {
    const std::string gw = "https://gw.region.example/";
    EXPECT_EQ(*provisioning_code_from_qr("vmeste-enrol:5501-2207", gw), "5501-2207");
    EXPECT_EQ(*provisioning_code_from_qr("https://gw.region.example/enrol?code=77AB-12", gw),
              "77AB-12");
    auto other = provisioning_code_from_qr("https://other.example/enrol?code=1111-2222", gw);
    ASSERT_FALSE(other);
    EXPECT_NE(other.error().message.find("another platform"), std::string::npos);
    EXPECT_FALSE(provisioning_code_from_qr("https://gw.region.example/t/7K3Q-9PXA", gw))
        << "a citizen's receipt is not a setup QR";
    EXPECT_FALSE(provisioning_code_from_qr("vmeste-enrol:12", gw));
    EXPECT_FALSE(provisioning_code_from_qr("vmeste-enrol:12 34; rm -rf", gw));
}
