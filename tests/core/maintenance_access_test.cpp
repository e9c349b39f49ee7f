#include "kiosk/core/maintenance_access.h"
#include "kiosk/core/maintenance.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <sodium.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::core;
using R = MaintenanceAccess::Attempt::Result;
// The lockout's tests check dozens of PINs: at the production cost (0.9 s each) they would take
// minutes. The production hash has the first two tests.
constexpr PinHashCost kCheap = PinHashCost::kTestsOnly;

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
    EXPECT_EQ(a->try_pin(Role::kStaff, "1234").result, R::kNoPin);
    EXPECT_FALSE(a->set_pin(Role::kStaff, "12a4"));
    EXPECT_FALSE(a->set_pin(Role::kStaff, "123"));
    EXPECT_FALSE(a->set_pin(Role::kStaff, "1234567890123")) << "13 digits";
    ASSERT_TRUE(a->set_pin(Role::kStaff, "2468"));
    EXPECT_EQ(a->try_pin(Role::kTechnician, "2468").result, R::kNoPin);
    EXPECT_FALSE(a->set_pin(Role::kTechnician, "2468")) << "the same PIN for both roles";
    const auto five = a->set_pin(Role::kTechnician, "97531");
    ASSERT_FALSE(five) << "a technician's PIN of 5 digits";
    EXPECT_NE(five.error().message.find("6 to 12 digits"), std::string::npos);
    ASSERT_TRUE(a->set_pin(Role::kTechnician, "975312"));
    const std::string file = dir.file("access.json");
    const std::string raw = slurp(file);
    EXPECT_EQ(raw.find("2468"), std::string::npos);
    EXPECT_EQ(raw.find("975312"), std::string::npos);
    // argon2id at libsodium's MODERATE limits (issue #20, point 6): 256 MiB, 3 passes.
    EXPECT_NE(raw.find("$argon2id$v=19$m=262144,t=3,p=1$"), std::string::npos) << raw;
    struct stat st {};
    ASSERT_EQ(stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    auto again = MaintenanceAccess::open(dir.path(), clock);
    EXPECT_EQ(again->try_pin(Role::kStaff, "2468").result, R::kOk);
    EXPECT_EQ(again->try_pin(Role::kTechnician, "975312").result, R::kOk);
    EXPECT_EQ(again->try_pin(Role::kStaff, "975312").result, R::kWrong)
        << "the technician's PIN typed as staff is a wrong staff PIN";
}

// An access file of an older version: hashes at INTERACTIVE limits and one lock for both roles.
TEST(MaintenanceAccess, AnOlderWeakerHashIsHashedAgainOnTheNextRightPin) {
    test::TempDir dir;
    ManualClock clock;
    ASSERT_EQ(sodium_init() >= 0, true);
    char weak[crypto_pwhash_STRBYTES];
    ASSERT_EQ(crypto_pwhash_str(weak, "2468", 4, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                crypto_pwhash_MEMLIMIT_INTERACTIVE),
              0);
    const int64_t lock = clock.unix_millis() + 60'000;
    std::ofstream(dir.file("access.json")) << nlohmann::json{
        {"staff", weak},
        {"technician", ""},
        {"failures", 5},
        {"locked_until", lock}}.dump();
    auto a = MaintenanceAccess::open(dir.path(), clock);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->locked_until(Role::kStaff), lock) << "the old lock stays in force";
    EXPECT_EQ(a->locked_until(Role::kTechnician), lock);
    clock.advance(std::chrono::seconds(61));
    EXPECT_EQ(a->try_pin(Role::kStaff, "2468").result, R::kOk);
    const std::string raw = slurp(dir.file("access.json"));
    EXPECT_EQ(raw.find("m=65536,t=2"), std::string::npos) << "still the weak hash";
    EXPECT_NE(raw.find("$argon2id$v=19$m=262144,t=3,p=1$"), std::string::npos) << raw;
    EXPECT_EQ(MaintenanceAccess::open(dir.path(), clock)->try_pin(Role::kStaff, "2468").result,
              R::kOk);
}

// Issue #20, point 5: two processes (the kiosk, vmestectl) over one access file.
TEST(MaintenanceAccess, APinChangedElsewhereTakesEffectAndAStaleCopyIsNeverWrittenBack) {
    test::TempDir dir;
    ManualClock clock;
    auto kiosk = MaintenanceAccess::open(dir.path(), clock, kCheap);
    ASSERT_TRUE(kiosk->set_pin(Role::kStaff, "2468"));
    EXPECT_EQ(kiosk->try_pin(Role::kStaff, "2468").result, R::kOk);
    auto ctl = MaintenanceAccess::open(dir.path(), clock, kCheap);
    ASSERT_TRUE(ctl->set_pin(Role::kStaff, "1357"));
    EXPECT_EQ(kiosk->try_pin(Role::kStaff, "2468").result, R::kWrong) << "the old PIN opens";
    EXPECT_EQ(kiosk->try_pin(Role::kStaff, "1357").result, R::kOk);
    // The kiosk sets the technician's PIN on its screen: the staff PIN set elsewhere stays.
    ASSERT_TRUE(kiosk->set_pin(Role::kTechnician, "975310"));
    auto fresh = MaintenanceAccess::open(dir.path(), clock, kCheap);
    EXPECT_EQ(fresh->try_pin(Role::kStaff, "1357").result, R::kOk);
    EXPECT_EQ(fresh->try_pin(Role::kStaff, "2468").result, R::kWrong);
    EXPECT_EQ(fresh->try_pin(Role::kTechnician, "975310").result, R::kOk);
}

TEST(MaintenanceAccess, FiveWrongPinsLockThePadLongerEachTimeAndARestartDoesNotLiftIt) {
    test::TempDir dir;
    ManualClock clock;
    {
        auto a = MaintenanceAccess::open(dir.path(), clock, kCheap);
        ASSERT_TRUE(a->set_pin(Role::kStaff, "2468"));
        for (int i = 1; i <= 4; ++i) {
            auto w = a->try_pin(Role::kStaff, "0000");
            EXPECT_EQ(w.result, R::kWrong);
            EXPECT_EQ(w.attempts_left, 5 - i);
        }
        auto fifth = a->try_pin(Role::kStaff, "1111");
        EXPECT_EQ(fifth.result, R::kWrong);
        EXPECT_EQ(fifth.locked_until_ms, clock.unix_millis() + 30'000);
    }  // the kiosk restarts
    auto a = MaintenanceAccess::open(dir.path(), clock, kCheap);
    ASSERT_TRUE(a->locked_until(Role::kStaff));
    auto locked = a->try_pin(Role::kStaff, "2468");
    EXPECT_EQ(locked.result, R::kLocked) << "not even the right PIN while locked";
    clock.advance(std::chrono::seconds(31));
    EXPECT_FALSE(a->locked_until(Role::kStaff));
    auto sixth = a->try_pin(Role::kStaff, "3333");  // wrong again: twice as long
    EXPECT_EQ(sixth.locked_until_ms, clock.unix_millis() + 60'000);
    clock.advance(std::chrono::seconds(61));
    EXPECT_EQ(a->try_pin(Role::kStaff, "4444").locked_until_ms, clock.unix_millis() + 120'000);
    clock.advance(std::chrono::seconds(121));
    EXPECT_EQ(a->try_pin(Role::kStaff, "2468").result, R::kOk);
    EXPECT_EQ(a->failures(Role::kStaff), 0) << "the right PIN resets the count";
    EXPECT_EQ(MaintenanceAccess::open(dir.path(), clock, kCheap)->failures(Role::kStaff), 0);
}

// Issue #20, point 6: a passer-by who knows the gesture cannot lock staff out for long, and
// never the technician as well.
TEST(MaintenanceAccess, EachRoleCountsItsOwnWrongPinsAndOldOnesStopCounting) {
    test::TempDir dir;
    ManualClock clock;
    auto a = MaintenanceAccess::open(dir.path(), clock, kCheap);
    ASSERT_TRUE(a->set_pin(Role::kStaff, "2468"));
    ASSERT_TRUE(a->set_pin(Role::kTechnician, "975312"));
    for (int i = 0; i < 5; ++i) (void)a->try_pin(Role::kStaff, "0000");
    ASSERT_TRUE(a->locked_until(Role::kStaff));
    EXPECT_FALSE(a->locked_until(Role::kTechnician)) << "the staff pad's lock locks the technician";
    EXPECT_EQ(a->failures(Role::kTechnician), 0);
    EXPECT_EQ(a->try_pin(Role::kTechnician, "975312").result, R::kOk);

    // Decay: four wrong PINs, then an hour: they no longer count.
    test::TempDir dir2;
    auto b = MaintenanceAccess::open(dir2.path(), clock, kCheap);
    ASSERT_TRUE(b->set_pin(Role::kStaff, "2468"));
    for (int i = 0; i < 4; ++i) (void)b->try_pin(Role::kStaff, "0000");
    EXPECT_EQ(b->failures(Role::kStaff), 4);
    clock.advance(std::chrono::minutes(59));
    EXPECT_EQ(b->failures(Role::kStaff), 4) << "still counted within the hour";
    clock.advance(std::chrono::minutes(1) + std::chrono::seconds(1));
    const auto next = b->try_pin(Role::kStaff, "1111");
    EXPECT_EQ(next.result, R::kWrong);
    EXPECT_EQ(next.locked_until_ms, 0) << "a fifth wrong PIN an hour later locks";
    EXPECT_EQ(next.attempts_left, 4);
}

TEST(MaintenanceAccess, HoweverManyWrongPinsALockNeverLastsMoreThanAQuarterOfAnHour) {
    test::TempDir dir;
    ManualClock clock;
    auto a = MaintenanceAccess::open(dir.path(), clock, kCheap);
    ASSERT_TRUE(a->set_pin(Role::kStaff, "2468"));
    int64_t longest = 0;
    for (int i = 0; i < 40; ++i) {
        if (auto until = a->locked_until(Role::kStaff))
            clock.advance(Millis(*until - clock.unix_millis() + 1));
        const auto w = a->try_pin(Role::kStaff, "0000");
        ASSERT_EQ(w.result, R::kWrong);
        if (w.locked_until_ms) longest = std::max(longest, w.locked_until_ms - clock.unix_millis());
    }
    EXPECT_EQ(longest, 15 * 60'000) << "30 s doubling reaches the cap within the hour";
}

TEST(MaintenanceAccess, UnlockLiftsOneRolesLockAndASetPinClearsItsCount) {
    test::TempDir dir;
    ManualClock clock;
    auto a = MaintenanceAccess::open(dir.path(), clock, kCheap);
    ASSERT_TRUE(a->set_pin(Role::kStaff, "2468"));
    ASSERT_TRUE(a->set_pin(Role::kTechnician, "975312"));
    for (int i = 0; i < 5; ++i) (void)a->try_pin(Role::kStaff, "0000");
    for (int i = 0; i < 5; ++i) (void)a->try_pin(Role::kTechnician, "000000");
    ASSERT_TRUE(a->locked_until(Role::kStaff));
    ASSERT_TRUE(a->unlock(Role::kStaff));
    auto other = MaintenanceAccess::open(dir.path(), clock, kCheap);  // as the kiosk sees it
    EXPECT_FALSE(other->locked_until(Role::kStaff));
    EXPECT_EQ(other->failures(Role::kStaff), 0);
    EXPECT_TRUE(other->locked_until(Role::kTechnician)) << "only the role named";
    EXPECT_EQ(other->try_pin(Role::kStaff, "2468").result, R::kOk);
    ASSERT_TRUE(a->set_pin(Role::kTechnician, "864200"));
    EXPECT_FALSE(other->locked_until(Role::kTechnician)) << "a new PIN, a new count";
    EXPECT_EQ(other->try_pin(Role::kTechnician, "864200").result, R::kOk);
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
