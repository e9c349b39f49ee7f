// The maintenance screens through the UI driver (issue #8): the hidden gesture, the PIN pad with
// its lockout (still locked after a restart), staff looking at the queue and sending quarantined
// appeals again, the two-minute close, and no way in for a citizen's ordinary touches.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "drivers/camera/camera.h"
#include "kiosk/base/log.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/control.h"
#include "kiosk/core/maintenance_access.h"
#include "kiosk/core/open311_setup.h"
#include "kiosk/core/platform_jobs.h"
#include "kiosk/core/unsent_export.h"
#include "sync/http.h"
#include "tests/support/demo_region.h"
#include "tests/support/maint_steps.h"
#include "tests/support/qr_photo.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"
#include "tests/support/ui_driver.h"

using namespace vmeste;
using namespace vmeste::test;
using namespace std::chrono_literals;
using core::MaintScreen;

namespace {

// How many entries of the store's audit log `actor` wrote for `action`.
int audited(const std::string& data_dir, const std::string& actor, const std::string& action) {
    auto store = core::AppealStore::open(test::store_options(data_dir));
    if (!store) return -1;
    const auto log = (*store)->audit_log(50);
    int n = 0;
    for (const auto& e : *log) n += e.actor == actor && e.action == action;
    return n;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

UiDriver::Options with(ManualClock& clock, const std::string& data_dir) {
    UiDriver::Options o;
    o.clock = &clock;
    o.config.data_dir = data_dir;
    o.config.platform_url = RunningSim::gone_url();
    return o;
}

}  // namespace

// Issue #20, point 5: `vmestectl set-pin` while the kiosk runs. Before, the kiosk kept its copy
// of the hashes: the new PIN did not open, and one wrong PIN later the old hashes were written
// back, so the old PIN worked again.
TEST(Maintenance, APinChangedWithVmestectlUnderARunningKioskTakesEffect) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, false);
    UiDriver d(with(clock, data.path()));
    gesture(d, clock);
    type_pin(d, "1111");  // the kiosk has read the access file and counted a wrong PIN
    d.tap("maint/pin/back");
    {
        // What `echo 1357 | vmestectl set-pin staff` does, from its own process's view.
        auto ctl = core::MaintenanceAccess::open(data.path(), clock);
        ASSERT_TRUE(ctl);
        ASSERT_TRUE(ctl->set_pin(core::Role::kStaff, "1357"));
    }
    gesture(d, clock);
    type_pin(d, kStaffPin);
    EXPECT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kPin) << "the old PIN opened";
    type_pin(d, "1357");
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kHome);
    // Nothing of the kiosk's old copy was written back.
    auto after = core::MaintenanceAccess::open(data.path(), clock);
    EXPECT_EQ(after->try_pin(core::Role::kStaff, kStaffPin).result,
              core::MaintenanceAccess::Attempt::Result::kWrong);
    EXPECT_EQ(after->try_pin(core::Role::kStaff, "1357").result,
              core::MaintenanceAccess::Attempt::Result::kOk);
}

TEST(Maintenance, TheGestureOpensThePinPadWrongPinsLockItAndARestartKeepsTheLock) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, false);
    {
        UiDriver d(with(clock, data.path()));
        // A citizen had started a report: the gesture wipes it before the pad shows.
        d.describe("roads.road.pothole", "Текст гражданина");
        gesture(d, clock);
        ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kPin);
        EXPECT_TRUE(d.state().text().empty()) << "the citizen's visit is wiped";
        type_pin(d, "1111");
        EXPECT_NE(d.label("note/maint_pin").find("Осталось попыток до блокировки: 4"),
                  std::string::npos);
        EXPECT_EQ(d.label("note/maint_pin_dots"), " ") << "the digits are gone";
        for (int i = 0; i < 4; ++i) type_pin(d, "0000");
        EXPECT_NE(d.label("note/maint_pin").find("Повторите через 30 с"), std::string::npos)
            << d.label("note/maint_pin");
        EXPECT_FALSE(d.enabled("maint/pin/2")) << "the pad is locked";
    }  // the power goes off and on
    UiDriver d(with(clock, data.path()));
    gesture(d, clock);
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kPin);
    ASSERT_TRUE(d.wait_for([&] { return d.has("note/maint_pin"); }, 5s));
    EXPECT_NE(d.label("note/maint_pin").find("Повторите через"), std::string::npos)
        << "still locked after the restart";
    clock.advance(31s);
    d.frame();
    EXPECT_TRUE(d.enabled("maint/pin/2"));
    type_pin(d, kStaffPin);
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kHome);
    EXPECT_EQ(d.kiosk().maintenance().state().role, core::Role::kStaff);
    // Audited: the wrong PINs and the way in, with no PIN in the log.
    auto store = core::AppealStore::open(test::store_options(data.path()));
    const auto log = (*store)->audit_log(50);
    int wrong = 0;
    bool opened = false;
    for (const auto& e : *log) {
        wrong += e.action == "pin-wrong";
        opened |= e.actor == "staff" && e.action == "open";
        EXPECT_EQ(e.detail.find("2468"), std::string::npos);
    }
    EXPECT_EQ(wrong, 5);
    EXPECT_TRUE(opened);
    // Two minutes without a touch: closed, back to the citizens' screen.
    clock.advance(121s);
    d.frame();
    d.frame();
    EXPECT_FALSE(d.kiosk().maintenance().active());
    EXPECT_TRUE(d.has("attract/report"));
}

// Issue #20, point 6: the pad says whose PIN is typed and each role counts its own wrong PINs.
// A stranger who knows the gesture locks the staff pad, never the technician's; the technician
// signs in and lifts the staff lock from the settings, audited.
TEST(Maintenance, AStrangersWrongPinsLockOnlyTheStaffPadAndTheTechnicianLiftsIt) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, true);
    UiDriver d(with(clock, data.path()));
    gesture(d, clock);
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kPin);
    EXPECT_EQ(d.label("maint/pin/role/staff"), "✓ Сотрудник МФЦ") << "staff is the default";
    EXPECT_EQ(d.label("maint/pin/role/technician"), "Техник");
    EXPECT_NE(d.label("note/maint_pin_hint").find("сотрудника МФЦ"), std::string::npos);
    for (int i = 0; i < 5; ++i) type_pin(d, "0000");
    EXPECT_NE(d.label("note/maint_pin").find("PIN сотрудника заблокирован"), std::string::npos)
        << d.label("note/maint_pin");
    EXPECT_FALSE(d.enabled("maint/pin/2"));
    // The technician's pad is not locked, and wants six digits at least.
    d.tap("maint/pin/role/technician");
    EXPECT_EQ(d.label("maint/pin/role/technician"), "✓ Техник");
    EXPECT_FALSE(d.has("note/maint_pin")) << "the staff lock is not the technician's";
    EXPECT_TRUE(d.enabled("maint/pin/2"));
    for (char c : std::string("97531")) d.tap(std::string("maint/pin/") + c);
    EXPECT_FALSE(d.enabled("maint/pin/enter")) << "five digits are not a technician's PIN";
    for (int i = 0; i < 5; ++i) d.tap("maint/pin/back");
    d.tap("maint/pin/role/staff");
    ASSERT_TRUE(d.wait_for([&] { return d.has("note/maint_pin"); }, 5s));
    EXPECT_NE(d.label("note/maint_pin").find("заблокирован"), std::string::npos)
        << "back on staff, the lock is said again";
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kHome);
    EXPECT_EQ(d.kiosk().maintenance().state().role, core::Role::kTechnician);
    d.tap("maint/settings");
    d.tap("maint/settings/page1");
    d.tap("maint/setting/pin_unlock");
    ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 5s));
    EXPECT_NE(d.label("note/maint_settings").find("Блокировка PIN сотрудника снята"),
              std::string::npos)
        << d.label("note/maint_settings");
    d.tap("maint/back");
    d.tap("maint/back");  // signed out
    ASSERT_FALSE(d.kiosk().maintenance().active());
    gesture(d, clock);
    type_pin(d, kStaffPin);
    EXPECT_EQ(d.kiosk().maintenance().state().role, core::Role::kStaff) << "staff sign in again";
    auto store = core::AppealStore::open(test::store_options(data.path()));
    bool lifted = false;
    int wrong_staff = 0;
    const auto log = (*store)->audit_log(50);  // kept: the loop reads into it
    for (const auto& e : *log) {
        lifted |= e.actor == "technician" && e.action == "unlock-pin" && e.subject == "staff";
        wrong_staff += e.action == "pin-wrong" && e.subject == "staff";
    }
    EXPECT_TRUE(lifted);
    EXPECT_EQ(wrong_staff, 5);
}

// Issue #20: every action that is the technician's, sent to the core by a staff sign-in (as a
// forged touch or a bug in a screen would), does nothing — not only the buttons are hidden.
TEST(Maintenance, StaffIntentsForEveryTechnicianOnlyActionAreRefusedInTheCore) {
    using K = core::MaintIntentKind;
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, true);
    UiDriver d(with(clock, data.path()));
    gesture(d, clock);
    type_pin(d, kStaffPin);
    ASSERT_EQ(d.kiosk().maintenance().state().role, core::Role::kStaff);
    const std::string access_before = slurp(data.path() + "/access.json");
    const std::vector<core::MaintIntent> technicians = {
        {K::kOpen, "", static_cast<int>(MaintScreen::kSettings)},
        {K::kOpen, "", static_cast<int>(MaintScreen::kMapping)},
        {K::kSettingsPage, "", 1},
        {K::kEdit, "site_address"},
        {K::kInsertText, "x"},
        {K::kEditDone},
        {K::kAdjust, "max_photos", 1},
        {K::kSaveSettings},
        {K::kChangePin, "", static_cast<int>(core::Role::kTechnician)},
        {K::kUnlockPin},
        {K::kReprovision},
        {K::kMappingChoose, "*"},
        {K::kMappingSave},
        {K::kExitToSystem},
        {K::kFactoryReset},
        {K::kFactoryReset},  // the second press would do it
    };
    for (const auto& intent : technicians) {
        d.kiosk().maintenance().apply(intent);
        for (int i = 0; i < 3; ++i) d.frame();
        const auto& st = d.kiosk().maintenance().state();
        EXPECT_EQ(st.screen, MaintScreen::kHome) << static_cast<int>(intent.kind);
        EXPECT_FALSE(st.busy) << static_cast<int>(intent.kind);
        EXPECT_TRUE(st.notice.empty()) << static_cast<int>(intent.kind) << ": " << st.notice;
        EXPECT_TRUE(st.editing.empty());
        EXPECT_FALSE(st.settings_dirty);
    }
    EXPECT_FALSE(std::filesystem::exists(data.path() + "/settings.toml"));
    EXPECT_FALSE(std::filesystem::exists(data.path() + "/" + core::kFactoryResetMarker));
    EXPECT_FALSE(d.kiosk().exit_requested()) << "the kiosk was asked to end";
    EXPECT_EQ(slurp(data.path() + "/access.json"), access_before);
    auto store = core::AppealStore::open(test::store_options(data.path()));
    const auto log = (*store)->audit_log(50);  // kept: the loop reads into it
    for (const auto& e : *log) EXPECT_NE(e.actor, "technician") << e.action;
    EXPECT_EQ(audited(data.path(), "staff", "settings"), 0);
}

TEST(Maintenance, StaffSeeTheQueueAndSendAQuarantinedAppealAgain) {
    RunningSim sim;
    TempDir data;
    ManualClock clock;
    {
        set_pins(data.path(), clock, true, false);
        auto store = core::AppealStore::open(test::store_options(data.path()));
        ASSERT_TRUE((*store)->accept(test::appeal_request("QQQQ-0001"), clock.unix_millis()));
        auto item = (*store)->next_due(clock.unix_millis());
        ASSERT_TRUE(item);
        ASSERT_TRUE((*store)->quarantine(item->id, "HTTP 422: refused"));
        // And one waiting for its next attempt after a failed one.
        ASSERT_TRUE((*store)->accept(test::appeal_request("QQQQ-0002"), clock.unix_millis()));
        auto second = (*store)->next_due(clock.unix_millis());
        ASSERT_TRUE((*store)->schedule_retry(second->id, 2, clock.unix_millis() + 3'600'000,
                                             "HTTP 503: busy"));
    }
    UiDriver::Options o = with(clock, data.path());
    o.config.platform_url = sim.url();
    o.uploader = true;
    UiDriver d(o);
    open_queue_as_staff(d, clock, kStaffPin);
    EXPECT_NE(d.label("note/maint_queue").find("В карантине: 1"), std::string::npos)
        << d.label("note/maint_queue");
    // Per item: the quarantined one first with its reason, then the waiting one with its tries,
    // its next attempt and the last error.
    const std::string items = d.label("note/maint_items");
    EXPECT_NE(items.find("QQQQ-0001 · обращение · в карантине: HTTP 422: refused"),
              std::string::npos)
        << items;
    EXPECT_NE(items.find("QQQQ-0002 · обращение · попыток 2, следующая "), std::string::npos)
        << items;
    EXPECT_NE(items.find("HTTP 503: busy"), std::string::npos) << items;
    EXPECT_LT(items.find("QQQQ-0001"), items.find("QQQQ-0002"));
    for (const auto& w : d.ui().widgets().all())
        EXPECT_EQ(w.label.find("Яма на дороге"), std::string::npos) << "no citizen's text";
    EXPECT_EQ(sim.store().count(), 0);
    d.tap("maint/release");
    ASSERT_TRUE(
        d.wait_for([&] { return sim.store().find_by_receipt("QQQQ-0001").has_value(); }, 15s));
    EXPECT_FALSE(sim.store().find_by_receipt("QQQQ-0002")) << "its next attempt is in an hour";
    ASSERT_TRUE(d.wait_for([&] { return d.has("note/maint_notice"); }, 5s));
    EXPECT_NE(d.label("note/maint_notice").find("Возвращено в очередь: 1"), std::string::npos);
    d.tap("maint/retry_now");
    EXPECT_NE(d.label("note/maint_notice").find("Отправка запущена"), std::string::npos);
    EXPECT_TRUE(d.wait_for(  // the audit is written on the maintenance worker
        [&] {
            return audited(data.path(), "staff", "release-quarantine") >= 1 &&
                   audited(data.path(), "staff", "retry-now") >= 1;
        },
        5s));
    d.tap("maint/back");
    d.tap("maint/about");
    EXPECT_NE(d.label("note/maint_about").find("Версия:"), std::string::npos);
    // No region pack on this terminal: said, with what citizens get instead (issue #23).
    EXPECT_NE(d.label("note/maint_about").find("Карты региона нет: гражданин выбирает"),
              std::string::npos)
        << d.label("note/maint_about");
    d.tap("maint/back");
    d.tap("maint/back");  // from home: sign out
    EXPECT_FALSE(d.kiosk().maintenance().active());
}

// Issue #17: what needs staff is on the queue screen in the warning colour — a proxy answering
// instead of the platform (the queue waits, nothing quarantined) and the receipts the terminal
// gave and lost (from the ledger at boot).
TEST(Maintenance, StaffSeeABlockedPathAndLostReceiptsOnTheQueueScreen) {
    RunningSim sim;
    sim.faults().add(*sim::parse_fault_rule("*:middlebox=403"));
    TempDir data;
    ManualClock clock;
    {
        set_pins(data.path(), clock, true, false);
        auto store = core::AppealStore::open(test::store_options(data.path()));
        ASSERT_TRUE((*store)->accept(test::appeal_request("BLK0-0001"), clock.unix_millis()));
    }
    // A receipt given earlier that no store or spool holds any more.
    std::ofstream(data.path() + "/receipts.ledger", std::ios::app)
        << "r1 1790000000000 LOST-0001 0b8a7f0e-0000-4000-8000-000000000001\n";
    UiDriver::Options o = with(clock, data.path());
    o.config.platform_url = sim.url();
    o.uploader = true;
    UiDriver d(o);
    ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().uploader_status().path_blocked.empty(); }, 10s));
    open_queue_as_staff(d, clock, kStaffPin);
    const std::string trouble = d.label("note/maint_queue_trouble");
    EXPECT_NE(trouble.find("Связь с платформой перекрыта: HTTP 403"), std::string::npos) << trouble;
    EXPECT_NE(trouble.find("text/html"), std::string::npos) << trouble;
    EXPECT_NE(trouble.find("Потеряно талонов, выданных гражданам: 1 (LOST-0001)"),
              std::string::npos)
        << trouble;
    EXPECT_NE(d.label("note/maint_queue").find("В карантине: 0"), std::string::npos)
        << d.label("note/maint_queue");
}

TEST(Maintenance, NoSequenceOfOrdinaryTouchesReachesIt) {
    TempDir data;
    ManualClock clock;
    UiDriver d(with(clock, data.path()));
    std::mt19937 rng(2026);
    // A thousand touches a citizen could make: any widget on screen, or anywhere, short or long
    // (a hold in the top-left corner shorter than the gesture's 3 s), corners included; the
    // clock moves like real use.
    for (int i = 0; i < 1000; ++i) {
        const auto& all = d.ui().widgets().all();
        const int what = static_cast<int>(rng() % 10);
        if (what < 6 && !all.empty()) {
            const auto& w = all[rng() % all.size()];
            if (w.enabled) d.tap(w.id);
        } else {
            const float x = what == 6 ? 5.0f : what == 7 ? 1075.0f : float(rng() % 1080);
            const float y = what == 6 ? 5.0f : what == 7 ? 1915.0f : float(rng() % 1920);
            d.press(x, y);
            const int held = static_cast<int>(rng() % (what == 6 ? 29 : 40));  // up to 4 s
            for (int k = 0; k < held; ++k) {
                clock.advance(100ms);
                d.frame();
            }
            d.release();
        }
        clock.advance(std::chrono::milliseconds(rng() % 3000));
        d.frame();
        ASSERT_FALSE(d.kiosk().maintenance().active()) << "after touch " << i;
    }
}

TEST(Maintenance, StaffCheckTheCameraThePrinterAndThePlatform) {
    RunningSim sim;
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, false);
    UiDriver::Options o = with(clock, data.path());
    o.config.platform_url = sim.url();
    UiDriver d(o);
    gesture(d, clock);
    type_pin(d, kStaffPin);
    d.tap("maint/devices");
    auto done = [&] { return !d.kiosk().maintenance().state().busy; };
    d.tap("maint/test/camera");
    ASSERT_TRUE(d.wait_for(done, 15s));
    d.frame();
    EXPECT_NE(d.label("note/maint_result_camera").find("✓ Камера работает"), std::string::npos)
        << d.label("note/maint_result_camera");
    // The picture stays live while the devices screen is open.
    EXPECT_TRUE(d.has("maint/camera_preview"));
    EXPECT_EQ(d.kiosk().visit_workers().camera()->state(), drivers::CameraState::kStreaming);
    d.tap("maint/test/printer");
    ASSERT_TRUE(d.wait_for(done, 15s));
    d.frame();
    EXPECT_NE(d.printer().received().find("VMESTE-PRINTER-TEST"), std::string::npos);
    EXPECT_TRUE(d.has("note/maint_result_printer"));
    d.printer().set([](drivers::PrinterModel& m) { m.paper = drivers::PrinterModel::Paper::kOut; });
    d.tap("maint/test/printer");
    ASSERT_TRUE(d.wait_for(done, 15s));
    d.frame();
    EXPECT_NE(d.label("note/maint_result_printer").find("нет бумаги"), std::string::npos)
        << d.label("note/maint_result_printer");
    d.tap("maint/test/network");
    ASSERT_TRUE(d.wait_for(done, 15s));
    d.frame();
    EXPECT_NE(d.label("note/maint_result_network").find("отвечает"), std::string::npos)
        << d.label("note/maint_result_network");
    // The speaker says its phrase (staff listen).
    d.tap("maint/test/speaker");
    ASSERT_TRUE(d.wait_for(done, 15s));
    d.frame();
    ASSERT_EQ(d.speaker().said.size(), 1u);
    EXPECT_NE(d.speaker().said[0].find("Проверка звука"), std::string::npos);
    EXPECT_NE(d.label("note/maint_result_speech").find("✓"), std::string::npos);
    EXPECT_EQ(audited(data.path(), "staff", "self-test"), 5);
    // Leaving the devices turns the camera off again.
    d.tap("maint/back");
    ASSERT_TRUE(d.wait_for(
        [&] {
            return d.kiosk().visit_workers().camera()->state() == drivers::CameraState::kStopped;
        },
        5s));
}

TEST(Maintenance, TheTouchTestPassesWhenEveryCellIsTouchedAndSaysHowManyWereMissed) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, false);
    UiDriver d(with(clock, data.path()));
    gesture(d, clock);
    type_pin(d, kStaffPin);
    d.tap("maint/devices");
    // Started, ten cells touched, left: the panel's missed part is the result.
    d.tap("maint/test/touch");
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kTouchTest);
    EXPECT_NE(d.label("note/maint_touch").find("Осталось: 60"), std::string::npos);
    for (int i = 0; i < 10; ++i) d.tap("maint/touch/" + std::to_string(i));
    EXPECT_EQ(d.label("maint/touch/3"), "touched");
    EXPECT_EQ(d.label("maint/touch/10"), "");
    EXPECT_NE(d.label("note/maint_touch").find("Осталось: 50"), std::string::npos);
    d.tap("maint/back");
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kDevices);
    EXPECT_NE(d.label("note/maint_result_touch").find("не отвечают клетки: 50"), std::string::npos)
        << d.label("note/maint_result_touch");
    // Again, every cell: back on the devices by itself, and passed.
    d.tap("maint/test/touch");
    EXPECT_EQ(d.label("maint/touch/0"), "") << "a new test starts clean";
    for (int i = 0; i < core::Maintenance::kTouchCells; ++i)
        d.tap("maint/touch/" + std::to_string(i));
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kDevices);
    EXPECT_NE(d.label("note/maint_result_touch").find("✓ все 60 клеток"), std::string::npos)
        << d.label("note/maint_result_touch");
    ASSERT_TRUE(d.wait_for([&] { return audited(data.path(), "staff", "self-test") == 2; }, 5s));
}

TEST(Maintenance, TheNetworkCheckSaysWhenThePlatformIsNotThere) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, false, true);
    UiDriver d(with(clock, data.path()));  // the gateway's URL goes nowhere
    gesture(d, clock);
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    EXPECT_EQ(d.kiosk().maintenance().state().role, core::Role::kTechnician);
    d.tap("maint/devices");
    d.tap("maint/test/network");
    ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 15s));
    d.frame();
    EXPECT_NE(d.label("note/maint_result_network").find("Нет связи с платформой"),
              std::string::npos)
        << d.label("note/maint_result_network");
}

TEST(Maintenance, ATechnicianChangesASettingThatTakesEffectAndStaysAfterARestart) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, true);
    {
        UiDriver d(with(clock, data.path()));
        gesture(d, clock);
        type_pin(d, kStaffPin);
        EXPECT_FALSE(d.has("maint/settings")) << "settings are the technician's";
        d.tap("maint/back");
        gesture(d, clock);
        type_pin(d, kTechnicianPin, core::Role::kTechnician);
        d.tap("maint/settings");
        EXPECT_EQ(d.label("note/maint_setting_idle_timeout_s"), "90 с");
        EXPECT_FALSE(d.enabled("maint/settings/save")) << "nothing changed yet";
        for (int i = 0; i < 3; ++i) d.tap("maint/setting/idle_timeout_s/minus");
        EXPECT_EQ(d.label("note/maint_setting_idle_timeout_s"), "60 с");
        d.tap("maint/setting/language");  // the next visit starts in English
        d.tap("maint/settings/save");
        ASSERT_TRUE(d.wait_for(
            [&] { return d.kiosk().maintenance().state().notice == "settings-saved"; }, 5s));
        EXPECT_EQ(d.kiosk().config().idle_timeout_s, 60);
        d.tap("maint/back");
        d.tap("maint/back");  // signed out
        ASSERT_FALSE(d.kiosk().maintenance().active());
        // In effect at once: the next visit is in English and asks «still here?» after 60 s.
        EXPECT_EQ(d.state().language, core::Language::kEn);
        d.tap("attract/report");
        clock.advance(61s);
        d.frame();
        EXPECT_TRUE(d.has("idle/continue"));
    }
    std::ifstream in(data.file("settings.toml"));
    const std::string saved((std::istreambuf_iterator<char>(in)), {});
    EXPECT_NE(saved.find("idle_timeout_s = 60"), std::string::npos) << saved;
    UiDriver again(with(clock, data.path()));  // a restart
    EXPECT_EQ(again.kiosk().config().idle_timeout_s, 60);
    EXPECT_EQ(again.kiosk().config().default_language, core::Language::kEn);
    EXPECT_GE(audited(data.path(), "technician", "settings"), 1);
}

TEST(Maintenance, TheTechnicianSetsLanguagesAccessibilityAndTheSiteAndVisitsStartSo) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, false, true);
    {
        UiDriver d(with(clock, data.path()));
        EXPECT_TRUE(d.has("top/language") || d.has("attract/report"));
        gesture(d, clock);
        type_pin(d, kTechnicianPin, core::Role::kTechnician);
        d.tap("maint/settings");
        d.tap("maint/setting/languages");
        EXPECT_EQ(d.label("maint/setting/languages"), "Только русский");
        d.tap("maint/setting/large_text");
        d.tap("maint/setting/high_contrast");
        // The terminal's page: the site typed on the on-screen keyboard.
        d.tap("maint/settings/page1");
        d.tap("maint/setting/site_address");
        ASSERT_TRUE(d.has("maint/edit/field"));
        d.type("г. Подольск, ул. Кирова, 39");
        EXPECT_EQ(d.label("maint/edit/field"), "г. Подольск, ул. Кирова, 39");
        d.tap("maint/edit/ok");
        EXPECT_EQ(d.label("maint/setting/site_address"), "г. Подольск, ул. Кирова, 39");
        // Coordinates that are not in Russia are refused with the reason; then good ones.
        d.tap("maint/setting/site_coords");
        d.type("12, 13");
        d.tap("maint/edit/ok");
        EXPECT_NE(d.label("note/maint_edit").find("Не похоже на координаты"), std::string::npos)
            << d.label("note/maint_edit");
        for (int i = 0; i < 6; ++i) d.tap("kbd/backspace");
        d.type("55.4297, 37.544");
        d.tap("maint/edit/ok");
        EXPECT_EQ(d.label("maint/setting/site_coords"), "55.42970, 37.54400");
        d.tap("maint/settings/save");
        ASSERT_TRUE(d.wait_for(
            [&] { return d.kiosk().maintenance().state().notice == "settings-saved"; }, 5s));
        d.tap("maint/back");
        d.tap("maint/back");
        ASSERT_FALSE(d.kiosk().maintenance().active());
        // The next visit: Russian only, large text and high contrast from the start.
        EXPECT_TRUE(d.state().a11y.large_text);
        EXPECT_TRUE(d.state().a11y.high_contrast);
        d.tap("attract/report");
        EXPECT_FALSE(d.has("top/language")) << "no language switch on a Russian-only terminal";
        EXPECT_EQ(d.kiosk().config().site_address, "г. Подольск, ул. Кирова, 39");
        EXPECT_DOUBLE_EQ(d.kiosk().config().site_lat, 55.4297);
    }
    UiDriver again(with(clock, data.path()));  // a restart keeps all of it
    EXPECT_FALSE(again.kiosk().config().english_offered);
    EXPECT_TRUE(again.kiosk().config().large_text);
    EXPECT_EQ(again.kiosk().config().site_address, "г. Подольск, ул. Кирова, 39");
    EXPECT_DOUBLE_EQ(again.kiosk().config().site_lon, 37.544);
}

TEST(Maintenance, ANewCameraIsChosenFromWhatTheMachineHasAndTheKioskRestartsToOpenIt) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, false, true);
    UiDriver d(with(clock, data.path()));
    gesture(d, clock);
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    d.tap("maint/settings");
    d.tap("maint/settings/page1");
    ASSERT_TRUE(
        d.wait_for([&] { return !d.kiosk().maintenance().state().camera_choices.empty(); }, 5s));
    EXPECT_EQ(d.label("maint/setting/camera"), "auto");
    EXPECT_EQ(d.label("maint/setting/printer"), "usb:/dev/usb/lp0");
    d.tap("maint/setting/camera");
    EXPECT_NE(d.label("maint/setting/camera"), "auto");
    const std::string chosen = d.label("maint/setting/camera");
    d.tap("maint/setting/printer");
    EXPECT_EQ(d.label("maint/setting/printer"), "none") << "no printer on this machine but none";
    EXPECT_EQ(d.label("maint/setting/printer_columns"), "Символов в строке: 48");
    d.tap("maint/setting/printer_columns");
    d.tap("maint/setting/printer_columns");  // 48 → 42 → 32: a 58 mm roll
    EXPECT_EQ(d.label("maint/setting/printer_columns"), "Символов в строке: 32");
    EXPECT_EQ(d.label("maint/setting/renderer"), "OpenGL (видеокарта)");
    d.tap("maint/setting/renderer");  // a terminal without a graphics card
    EXPECT_EQ(d.label("maint/setting/renderer"), "Программная (без видеокарты)");
    d.tap("maint/settings/save");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().exit_requested().has_value(); }, 5s));
    EXPECT_EQ(*d.kiosk().exit_requested(), core::Kiosk::kRestartEnrolled);
    d.frame();
    EXPECT_NE(d.label("note/maint_settings").find("перезапускается"), std::string::npos);
    std::ifstream in(data.file("settings.toml"));
    const std::string saved((std::istreambuf_iterator<char>(in)), {});
    EXPECT_NE(saved.find("camera = \"" + chosen + "\""), std::string::npos) << saved;
    EXPECT_NE(saved.find("printer = \"none\""), std::string::npos) << saved;
    EXPECT_NE(saved.find("renderer = \"software\""), std::string::npos) << saved;
    EXPECT_NE(saved.find("printer_columns = 32"), std::string::npos) << saved;
    // What the restarted kiosk opens its window with: the settings over the file.
    core::Config file;
    file.data_dir = data.path();
    std::string problems;
    EXPECT_EQ(core::with_settings_layers(file, &problems).renderer, "software") << problems;
}

TEST(Maintenance, TheRendererAloneChangedRestartsTheKioskToo) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, false, true);
    UiDriver d(with(clock, data.path()));
    gesture(d, clock);
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    d.tap("maint/settings");
    d.tap("maint/settings/page1");
    d.tap("maint/setting/renderer");
    d.tap("maint/settings/save");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().exit_requested().has_value(); }, 5s));
    EXPECT_EQ(*d.kiosk().exit_requested(), core::Kiosk::kRestartEnrolled);
}

TEST(Maintenance, TheTechnicianSetsANewStaffPinTypedTwiceAndTheOldOneStopsWorking) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, true);
    UiDriver d(with(clock, data.path()));
    gesture(d, clock);
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    d.tap("maint/settings");
    d.tap("maint/settings/page1");
    d.tap("maint/setting/pin_staff");
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kSetPin);
    auto enter = [&](const std::string& pin) {
        for (char c : pin) d.tap(std::string("maint/pin/") + c);
        d.tap("maint/pin/enter");
    };
    enter("1357");
    EXPECT_NE(d.label("note/maint_set_pin_hint").find("ещё раз"), std::string::npos);
    enter("1358");  // a slip: said, and started over
    EXPECT_NE(d.label("note/maint_pin").find("не совпали"), std::string::npos);
    enter("1357");
    enter("1357");
    ASSERT_TRUE(d.wait_for(
        [&] { return d.kiosk().maintenance().state().screen == MaintScreen::kSettings; }, 10s));
    d.frame();
    EXPECT_NE(d.label("note/maint_settings").find("Новый PIN сохранён"), std::string::npos);
    EXPECT_EQ(audited(data.path(), "technician", "set-pin"), 1);
    d.tap("maint/back");  // home
    d.tap("maint/back");  // signed out
    ASSERT_FALSE(d.kiosk().maintenance().active());
    gesture(d, clock);
    type_pin(d, kStaffPin);
    EXPECT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kPin) << "the old PIN is gone";
    type_pin(d, "1357");
    EXPECT_EQ(d.kiosk().maintenance().state().role, core::Role::kStaff);
}

TEST(Provisioning, ATechnicianEnrolsTheTerminalAgainAndKeepsItsQueue) {
    sim::SimOptions so;
    so.require_enrolment = true;
    RunningSim sim(so);
    sim.store().add_enrol_code("8800-0001");
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, false, true);
    {
        auto store = core::AppealStore::open(test::store_options(data.path()));
        ASSERT_TRUE((*store)->accept(test::appeal_request("REPR-0001"), clock.unix_millis()));
    }
    ASSERT_TRUE(core::store_device_token(data.path(), "old-token"));
    UiDriver::Options o = with(clock, data.path());
    o.config.platform_url = sim.url();
    UiDriver d(o);
    gesture(d, clock);
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    d.tap("maint/reprovision");
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kProvision);
    // It can be left as it was.
    d.tap("maint/back");
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kHome);
    EXPECT_EQ(core::read_device_token(data.path()), "old-token");
    // Or walked away from: two minutes later the citizens have their terminal back.
    d.tap("maint/reprovision");
    clock.advance(121s);
    d.frame();
    EXPECT_FALSE(d.kiosk().maintenance().active());
    EXPECT_EQ(core::read_device_token(data.path()), "old-token");
    gesture(d, clock);
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    d.tap("maint/reprovision");
    for (char c : std::string("88000001")) d.tap(std::string("maint/code/") + c);
    d.tap("maint/code/enrol");
    ASSERT_TRUE(d.wait_for(
        [&] { return d.kiosk().maintenance().state().enrol == core::MaintState::Enrol::kDone; },
        20s));
    d.tap("maint/provision/start");
    ASSERT_TRUE(d.kiosk().exit_requested().has_value());
    const std::string token = core::read_device_token(data.path());
    EXPECT_NE(token, "old-token");
    EXPECT_TRUE(sim.store().device_by_token(token));
    auto store = core::AppealStore::open(test::store_options(data.path()));
    EXPECT_TRUE(*(*store)->find_receipt("REPR-0001")) << "the queue is kept";
    // The platform's register named the site: it is the terminal's "here" from now on.
    std::ifstream in(data.file("settings.toml"));
    const std::string saved((std::istreambuf_iterator<char>(in)), {});
    EXPECT_NE(saved.find("site_address = \""), std::string::npos) << saved;
}

TEST(Maintenance, TheGatewaysSettingsFromTheHeartbeatAreApplied) {
    RunningSim sim;
    sync::HttpRequest put{"PUT", sim.url() + "/sim/config", {}, R"({"idle_timeout_s": 45,
        "similar_radius_m": 100, "data_dir": "/tmp/not-managed", "status_poll_interval_s": 60})"};
    ASSERT_EQ(sync::make_curl_transport()->send(put)->status, 200);
    TempDir data;
    UiDriver::Options o;
    o.config.data_dir = data.path();
    o.config.platform_url = sim.url();
    o.uploader = true;  // the heartbeat runs with it, at once
    UiDriver d(o);
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().config().idle_timeout_s == 45; }, 15s));
    EXPECT_EQ(d.kiosk().config().similar_radius_m, 100);
    EXPECT_EQ(d.kiosk().config().data_dir, data.path()) << "not a key the gateway manages";
}

TEST(Maintenance, OnlyATechnicianCanLeaveForTheSystemAndItIsAudited) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, true);
    UiDriver d(with(clock, data.path()));
    gesture(d, clock);
    type_pin(d, kStaffPin);
    EXPECT_FALSE(d.has("maint/exit"));
    d.tap("maint/back");
    gesture(d, clock);
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    d.tap("maint/exit");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().exit_requested().has_value(); }, 5s));
    EXPECT_EQ(*d.kiosk().exit_requested(), core::Kiosk::kTechnicianExit);
    EXPECT_GE(audited(data.path(), "technician", "exit-to-system"), 1);
}

TEST(Maintenance, TheLogShowsRecentLinesAndNoPersonalData) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, false);
    UiDriver d(with(clock, data.path()));
    // A citizen's appeal is saved (and the platform is not there: warnings are logged).
    d.describe("housing.building.hot_water", "Секретный текст про подъезд");
    d.tap("nav/next");
    d.complete_steps("Фамилия-Секрет", "9161112233");
    d.tap("review/submit");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == core::Screen::kReceipt; }));
    d.tap("receipt/done");
    vmeste::log::info("maintenance log test marker");
    gesture(d, clock);
    type_pin(d, kStaffPin);
    d.tap("maint/log");
    const std::string shown = d.label("note/maint_log");
    EXPECT_NE(shown.find("maintenance log test marker"), std::string::npos) << shown;
    for (const char* secret : {"Секретный", "Фамилия-Секрет", "9161112233"})
        EXPECT_EQ(shown.find(secret), std::string::npos) << secret;
}

TEST(Provisioning, AFreshTerminalEnrolsWithTheTypedCodeAndRestartsInCitizenMode) {
    sim::SimOptions so;
    so.require_enrolment = true;
    RunningSim sim(so);
    sim.store().add_enrol_code("7700-1234");
    TempDir data;
    ManualClock clock;
    UiDriver::Options o = with(clock, data.path());
    o.config.platform_url = sim.url();
    o.config.require_enrolment = true;
    {
        UiDriver d(o);
        ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kProvision);
        EXPECT_FALSE(d.has("attract/report")) << "no citizen screen before enrolment";
        EXPECT_NE(d.label("note/maint_provision_serial").find(core::machine_serial()),
                  std::string::npos);
        EXPECT_EQ(d.label("maint/provision/serial_qr"), core::machine_serial());
        // A wrong code first: said, and the terminal stays here.
        for (char c : std::string("00000000")) d.tap(std::string("maint/code/") + c);
        EXPECT_EQ(d.label("note/maint_provision_code"), "0000-0000");
        d.tap("maint/code/enrol");
        ASSERT_TRUE(d.wait_for(
            [&] {
                return d.kiosk().maintenance().state().enrol == core::MaintState::Enrol::kFailed;
            },
            10s));
        d.frame();
        EXPECT_NE(d.label("note/maint_provision").find("Не удалось"), std::string::npos);
        for (int i = 0; i < 9; ++i) d.tap("maint/code/back");
        for (char c : std::string("77001234")) d.tap(std::string("maint/code/") + c);
        // Two minutes pass while the technician reads the code: provisioning does not close.
        clock.advance(150s);
        d.frame();
        ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kProvision);
        d.tap("maint/code/enrol");
        // Enrolment, the platform's documents, the device checks, the receipt: then the results
        // wait for the technician, and the kiosk is not restarted behind their back.
        ASSERT_TRUE(d.wait_for(
            [&] { return d.kiosk().maintenance().state().enrol == core::MaintState::Enrol::kDone; },
            20s));
        d.frame();
        EXPECT_FALSE(d.kiosk().exit_requested().has_value());
        EXPECT_NE(d.label("note/maint_provision").find("DEV-000001"), std::string::npos);
        const std::string results = d.label("note/maint_provision_results");
        for (const char* line :
             {"✓ Справочник категорий: получено", "✓ Опросы и голосования",
              "✓ Производственный календарь", "✓ Настройки платформы", "✓ Камера работает",
              "✓ Платформа", "✓ Принтер fake printer напечатал квитанцию"})
            EXPECT_NE(results.find(line), std::string::npos) << line << " in\n" << results;
        // The documents are where the running kiosk reads them.
        EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(data.path()) / "catalogue.json"));
        // The receipt that proves it: the device id as text and as a QR, cut.
        const std::string receipt = d.printer().received();
        EXPECT_NE(receipt.find("DEV-000001"), std::string::npos);
        EXPECT_NE(receipt.find("\x1d(k"), std::string::npos) << "a QR";
        EXPECT_NE(receipt.find("\x1dV"), std::string::npos) << "a cut";
        // Printed again on request (the first one was torn off badly).
        d.printer().clear_received();
        d.tap("maint/provision/reprint");
        ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 10s));
        EXPECT_NE(d.printer().received().find("DEV-000001"), std::string::npos);
        d.tap("maint/provision/start");
        ASSERT_TRUE(d.kiosk().exit_requested().has_value());
        EXPECT_EQ(*d.kiosk().exit_requested(), core::Kiosk::kRestartEnrolled);
        EXPECT_EQ(audited(data.path(), "provisioning", "provisioned"), 1);
    }
    const std::string token = core::read_device_token(data.path());
    ASSERT_FALSE(token.empty());
    EXPECT_TRUE(sim.store().device_by_token(token));
    EXPECT_EQ(core::read_device_id(data.path()), "DEV-000001");
    UiDriver d(o);  // the service starts it again
    EXPECT_FALSE(d.kiosk().maintenance().active());
    EXPECT_TRUE(d.has("attract/report"));
}

TEST(Maintenance, AFactoryResetIsRefusedWhileAnythingIsUnsentAndThenWipesTheTerminal) {
    sim::SimOptions so;
    so.require_enrolment = true;
    RunningSim sim(so);
    TempDir data;
    ManualClock clock;
    {
        set_pins(data.path(), clock, false, true);
        auto store = core::AppealStore::open(test::store_options(data.path()));
        ASSERT_TRUE((*store)->accept(test::appeal_request("RSET-0001"), clock.unix_millis()));
    }
    ASSERT_TRUE(core::store_device_token(data.path(), "tok-1"));
    UiDriver::Options o = with(clock, data.path());
    o.config.require_enrolment = true;
    {
        UiDriver d(o);
        gesture(d, clock);
        type_pin(d, kTechnicianPin, core::Role::kTechnician);
        d.tap("maint/factory_reset");
        EXPECT_EQ(d.label("maint/factory_reset"), "Нажмите ещё раз: удалить всё с терминала");
        d.tap("maint/factory_reset");
        ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 5s));
        d.frame();
        EXPECT_NE(d.label("note/maint_reset").find("не отправлено на платформу и не выгружено: 1"),
                  std::string::npos)
            << d.label("note/maint_reset");
        EXPECT_FALSE(d.kiosk().exit_requested());
        // The appeal reaches the platform; now the reset goes ahead.
        {
            auto store = core::AppealStore::open(test::store_options(data.path()));
            while (auto item = (*store)->next_due(INT64_MAX))
                ASSERT_TRUE((*store)->mark_delivered(item->id, "POS-1", "registered", 1));
        }
        d.tap("maint/factory_reset");
        d.tap("maint/factory_reset");
        ASSERT_TRUE(d.wait_for([&] { return d.kiosk().exit_requested().has_value(); }, 5s));
        EXPECT_EQ(*d.kiosk().exit_requested(), core::Kiosk::kRestartEnrolled);
    }
    UiDriver fresh(o);  // the service starts it again: wiped, to be provisioned
    EXPECT_TRUE(core::read_device_token(data.path()).empty());
    EXPECT_FALSE(std::filesystem::exists(data.file("access.json")));
    EXPECT_EQ(fresh.kiosk().maintenance().state().screen, MaintScreen::kProvision);
    auto store = core::AppealStore::open(test::store_options(data.path()));
    EXPECT_EQ((*store)->census()->appeals, 0);
}

TEST(Maintenance, UnsentAppealsExportedToAStickLetTheResetGoAheadAndANewOneStopsItAgain) {
    TempDir data, stick;
    ManualClock clock;
    {
        set_pins(data.path(), clock, true, true);
        auto store = core::AppealStore::open(test::store_options(data.path()));
        ASSERT_TRUE((*store)->accept(test::appeal_request("USB0-0001", "Текст первого", 1),
                                     clock.unix_millis()));
        ASSERT_TRUE((*store)->accept(test::appeal_request("USB0-0002", "Текст второго"),
                                     clock.unix_millis()));
    }
    UiDriver::Options o = with(clock, data.path());  // the platform is not there
    o.config.export_dir = stick.path() + "/absent";
    {
        // Staff: no stick in the slot, said; then a stick.
        UiDriver d(o);
        gesture(d, clock);
        type_pin(d, kStaffPin);
        d.tap("maint/queue");
        ASSERT_TRUE(d.wait_for([&] { return d.kiosk().maintenance().state().queue.loaded; }));
        d.tap("maint/export");
        ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 10s));
        d.frame();
        EXPECT_NE(d.label("note/maint_notice").find("Вставьте USB-накопитель"), std::string::npos)
            << d.label("note/maint_notice");
    }
    o.config.export_dir = stick.path();
    UiDriver d(o);
    gesture(d, clock);
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    d.tap("maint/queue");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().maintenance().state().queue.loaded; }));
    d.tap("maint/export");
    ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 10s));
    d.frame();
    EXPECT_NE(d.label("note/maint_export").find("обращений 2, фото 1"), std::string::npos)
        << d.label("note/maint_export");
    const std::string passphrase = d.label("note/maint_export_passphrase");
    ASSERT_EQ(passphrase.size(), 19u) << passphrase;
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(stick.path())) files.push_back(f);
    ASSERT_EQ(files.size(), 1u);
    auto contents = core::read_unsent_export(files[0].string(), passphrase);
    ASSERT_TRUE(contents) << contents.error().message;
    EXPECT_EQ(contents->items.size(), 3u);
    // The passphrase is in no log line and in no file of the data directory.
    for (const auto& l : log::Recent::instance().last(200))
        EXPECT_EQ(l.find(passphrase), std::string::npos) << l;
    for (const auto& f : std::filesystem::recursive_directory_iterator(data.path())) {
        if (!f.is_regular_file()) continue;
        std::ifstream in(f.path(), std::ios::binary);
        const std::string bytes(std::istreambuf_iterator<char>(in), {});
        EXPECT_EQ(bytes.find(passphrase), std::string::npos) << f.path();
    }
    EXPECT_EQ(audited(data.path(), "technician", "export-unsent"), 1);
    // Leaving the queue hides the passphrase for good.
    d.tap("maint/back");
    d.tap("maint/queue");
    EXPECT_FALSE(d.has("note/maint_export_passphrase"));
    d.tap("maint/back");
    // A citizen's appeal arrives after the export (a second kiosk process in the hall's test):
    // the reset stops again until it is exported too.
    {
        auto store = core::AppealStore::open(test::store_options(data.path()));
        ASSERT_TRUE((*store)->accept(test::appeal_request("USB0-0003"), clock.unix_millis()));
    }
    d.tap("maint/factory_reset");
    d.tap("maint/factory_reset");
    ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 5s));
    d.frame();
    EXPECT_NE(d.label("note/maint_reset").find("не выгружено: 1"), std::string::npos)
        << d.label("note/maint_reset");
    d.tap("maint/queue");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().maintenance().state().queue.loaded; }));
    d.tap("maint/export");
    ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 10s));
    d.tap("maint/back");
    d.tap("maint/factory_reset");
    d.tap("maint/factory_reset");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().exit_requested().has_value(); }, 5s));
    EXPECT_EQ(*d.kiosk().exit_requested(), core::Kiosk::kRestartEnrolled);
}

// Issue #20, point 11: the export's passphrase does not stay on an unattended screen. It leaves
// at the technician's "written down", at any other touch, or after a minute by itself.
TEST(Maintenance, TheExportPassphraseLeavesTheScreenAtATouchOrAfterAMinute) {
    TempDir data, stick;
    ManualClock clock;
    set_pins(data.path(), clock, true, false);
    {
        auto store = core::AppealStore::open(test::store_options(data.path()));
        ASSERT_TRUE((*store)->accept(test::appeal_request("USB0-0011"), clock.unix_millis()));
    }
    UiDriver::Options o = with(clock, data.path());
    o.config.export_dir = stick.path();
    UiDriver d(o);
    gesture(d, clock);
    type_pin(d, kStaffPin);
    d.tap("maint/queue");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().maintenance().state().queue.loaded; }));
    auto export_now = [&] {
        d.tap("maint/export");
        ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 10s));
        d.frame();
        ASSERT_EQ(d.label("note/maint_export_passphrase").size(), 19u);
        EXPECT_NE(d.label("note/maint_export_hint").find("через 60 с"), std::string::npos)
            << d.label("note/maint_export_hint");
    };
    // 1. "Written down".
    export_now();
    d.tap("maint/export/hide");
    EXPECT_FALSE(d.has("note/maint_export_passphrase"));
    EXPECT_NE(d.label("note/maint_export_hidden").find("Пароль скрыт"), std::string::npos);
    EXPECT_TRUE(d.kiosk().maintenance().state().exported->passphrase.empty()) << "not in memory";
    // 2. Any other touch (here "send now").
    export_now();
    d.tap("maint/retry_now");
    EXPECT_FALSE(d.has("note/maint_export_passphrase"));
    // 3. Nobody touches: a minute later it is gone, though maintenance is still open.
    export_now();
    clock.advance(59s);
    d.frame();
    d.frame();
    EXPECT_TRUE(d.has("note/maint_export_passphrase")) << "still there before the minute";
    EXPECT_NE(d.label("note/maint_export_hint").find("через 1 с"), std::string::npos);
    clock.advance(1s);
    d.frame();
    d.frame();
    EXPECT_FALSE(d.has("note/maint_export_passphrase"));
    EXPECT_TRUE(d.kiosk().maintenance().active());
}

TEST(Provisioning, TheSetupQrShownToTheCameraEnrolsTheTerminal) {
    sim::SimOptions so;
    so.require_enrolment = true;
    RunningSim sim(so);
    sim.store().add_enrol_code("5501-2207");
    TempDir data, shots;
    // The operator's setup QR held up to the camera (the code typed is the other way).
    ASSERT_TRUE(write_qr_photo(shots.file("setup.jpg"), sim.url() + "/enrol?code=5501-2207"));
    static SystemClock camera_clock;
    ManualClock clock;
    UiDriver::Options o = with(clock, data.path());
    o.config.platform_url = sim.url();
    o.config.require_enrolment = true;
    o.camera = drivers::make_folder_camera(shots.path(), camera_clock, Millis(100));
    UiDriver d(o);
    ASSERT_EQ(d.kiosk().maintenance().state().screen, MaintScreen::kProvision);
    EXPECT_TRUE(d.has("note/maint_provision_scan"));
    ASSERT_TRUE(d.wait_for(
        [&] { return d.kiosk().maintenance().state().enrol == core::MaintState::Enrol::kDone; },
        20s));
    d.tap("maint/provision/start");
    ASSERT_TRUE(d.kiosk().exit_requested().has_value());
    EXPECT_EQ(*d.kiosk().exit_requested(), core::Kiosk::kRestartEnrolled);
    EXPECT_EQ(d.kiosk().maintenance().state().code, "5501-2207");
    EXPECT_TRUE(sim.store().device_by_token(core::read_device_token(data.path())));
}

// Issue #18, point 1: the technician maps the catalogue onto the city's services on the touch
// screen. Each category shows the service it reaches and how; one is changed (from the services
// the server lists), the fallback and the need for coordinates too; saved, audited, and the next
// appeal of that category reaches the new service without a restart. Staff do not see it.
TEST(Maintenance, TheTechnicianMapsACategoryToAnotherCityServiceAndTheNextAppealGoesThere) {
    sim::SimOptions so;
    so.open311_profile = sim::Open311Profile::kSpec;
    so.device_token = "city-key";
    RunningSim sim(so);
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, true);
    UiDriver::Options o = with(clock, data.path());
    o.uploader = true;
    o.config.adapter = "open311";
    o.config.open311_url = sim.url() + "/open311/v2";
    o.config.open311_api_key = "city-key";
    o.config.site_address = "Москва, ул. Тверская, 8 (МФЦ)";
    o.config.site_lat = 55.7575;
    o.config.site_lon = 37.6136;
    UiDriver d(o);
    ASSERT_TRUE(
        d.wait_for([&] { return std::filesystem::exists(data.path() + "/open311.json"); }, 10s));
    const auto first_guess = core::load_open311_services(data.path());
    ASSERT_TRUE(first_guess);
    ASSERT_EQ(first_guess->code_for("roads.road.pothole"), "001") << "the guess by words";

    // Staff have no such tile.
    gesture(d, clock);
    type_pin(d, kStaffPin);
    EXPECT_FALSE(d.has("maint/mapping"));
    d.tap("maint/back");
    ASSERT_FALSE(d.kiosk().maintenance().active());

    gesture(d, clock);
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    d.tap("maint/mapping");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().maintenance().state().mapping.loaded; }, 5s));
    d.frame();
    const std::string pothole = "maint/mapping/category/roads.road.pothole";
    // Page by page to the category (the catalogue's order; rows never cut across pages).
    while (!d.has(pothole) && d.enabled("maint/mapping/next")) d.tap("maint/mapping/next");
    ASSERT_TRUE(d.has(pothole)) << d.label("note/maint_mapping_page");
    EXPECT_NE(d.label(pothole).find("001"), std::string::npos) << d.label(pothole);
    EXPECT_FALSE(d.enabled("maint/mapping/save")) << "nothing changed yet";
    // Pothole → the street-light service (a technician's decision, for the test's sake).
    d.tap(pothole);
    ASSERT_TRUE(d.has("maint/mapping/service/002"));
    EXPECT_TRUE(d.has("maint/mapping/service/-")) << "the way back to the group's or fallback";
    d.tap("maint/mapping/service/002");
    EXPECT_NE(d.label(pothole).find("002"), std::string::npos) << d.label(pothole);
    // The fallback: none, then "006" (the city's «Прочее»).
    d.tap("maint/mapping/fallback");
    d.tap("maint/mapping/service/-");
    EXPECT_NE(d.label("maint/mapping/fallback").find("нет службы"), std::string::npos)
        << d.label("maint/mapping/fallback");
    d.tap("maint/mapping/fallback");
    d.tap("maint/mapping/service/006");
    d.tap("maint/mapping/coordinates");
    // Reading the services again keeps the draft's choice (its service still exists).
    d.tap("maint/mapping/refresh");
    ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 10s));
    d.frame();
    EXPECT_NE(d.label(pothole).find("002"), std::string::npos) << d.label(pothole);
    ASSERT_TRUE(d.enabled("maint/mapping/save"));
    d.tap("maint/mapping/save");
    ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 10s));
    d.frame();
    EXPECT_NE(d.label("note/maint_mapping_status").find("Сохранено"), std::string::npos)
        << d.label("note/maint_mapping_status");
    auto saved = core::load_open311_services(data.path());
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->code_for("roads.road.pothole"), "002");
    EXPECT_EQ(saved->fallback, "006");
    EXPECT_TRUE(saved->needs_coordinates);
    EXPECT_EQ(audited(data.path(), "technician", "open311-mapping"), 1);
    {
        auto store = core::AppealStore::open(test::store_options(data.path()));
        const auto log = (*store)->audit_log(50);
        bool named = false;
        for (const auto& e : *log)
            named |= e.action == "open311-mapping" &&
                     e.detail.find("roads.road.pothole: 001 -> 002") != std::string::npos;
        EXPECT_TRUE(named) << "the audit names what changed";
    }
    d.tap("maint/back");
    d.tap("maint/back");  // sign out
    ASSERT_FALSE(d.kiosk().maintenance().active());

    // A citizen's pothole now reaches service 002, with no restart.
    d.describe("roads.road.pothole", "Глубокая яма у остановки, машины объезжают");
    d.tap("nav/next");
    d.complete_steps();
    d.tap("review/submit");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == core::Screen::kReceipt; }));
    const std::string receipt = d.state().receipt->receipt_number;
    std::optional<sim::ReceivedAppeal> got;
    ASSERT_TRUE(d.wait_for([&] { return (got = sim.carrying(receipt)).has_value(); }, 15s));
    EXPECT_EQ(got->category, "002");
}

// A terminal whose key is sealed to its TPM (issue #20, point 7): the kiosk takes the key systemd
// opened for it from the credentials directory, makes no plaintext key, and a factory reset
// keeps the sealed file (the units load it at every start; without it the service would not).
TEST(Maintenance, ATerminalWithASealedKeyRunsOnTheServicesCredentialAndAResetKeepsTheSealedKey) {
    TempDir data, creds;
    ManualClock clock;
    core::DeviceKey key{};
    std::mt19937 rng(20);
    for (auto& b : key) b = static_cast<uint8_t>(rng());
    std::ofstream(creds.file("device-key"), std::ios::binary)
        .write(reinterpret_cast<const char*>(key.data()), key.size());
    const std::string sealed = "stands for systemd-creds' output";
    std::ofstream(data.file("device.key.cred")) << sealed;
    core::StoreOptions so = test::store_options(data.path());
    so.device_key = key;
    {
        set_pins(data.path(), clock, false, true);
        auto store = core::AppealStore::open(so);
        ASSERT_TRUE(store) << store.error().message;
        ASSERT_TRUE(
            (*store)->accept(test::appeal_request("SEAL-0001", "Запечатано"), clock.unix_millis()));
        while (auto item = (*store)->next_due(INT64_MAX))
            ASSERT_TRUE((*store)->mark_delivered(item->id, "POS-1", "registered", 1));
    }
    UiDriver::Options o = with(clock, data.path());
    o.credentials_dir = creds.path();
    {
        UiDriver d(o);
        EXPECT_FALSE(std::filesystem::exists(data.file("device.key")));
        gesture(d, clock);
        type_pin(d, kTechnicianPin, core::Role::kTechnician);
        d.tap("maint/factory_reset");
        d.tap("maint/factory_reset");
        ASSERT_TRUE(d.wait_for([&] { return d.kiosk().exit_requested().has_value(); }, 5s));
    }
    UiDriver fresh(o);  // the service starts it again, with the same credential
    EXPECT_FALSE(std::filesystem::exists(data.file("access.json"))) << "no reset happened";
    std::ifstream in(data.file("device.key.cred"));
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), sealed)
        << "the factory reset took the sealed key: the units would no longer start";
    EXPECT_FALSE(std::filesystem::exists(data.file("device.key")));
    auto store = core::AppealStore::open(so);
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ((*store)->census()->appeals, 0);
    ASSERT_TRUE((*store)->accept(test::appeal_request("SEAL-0002", "После сброса"), 1));
    auto found = (*store)->find_by_receipt("SEAL-0002");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->appeal.text, "После сброса");
}

// usbguard keeps USB sticks out (issue #20, point 10): the export lets the plain sticks plugged
// in through, waits for the mount, writes, and blocks them again; a stick that is a keyboard too
// stays out. Both audited.
TEST(Maintenance, AStickIsLetThroughOnlyForTheExportAndAStickThatTypesNever) {
    TempDir data, stick;
    ManualClock clock;
    {
        set_pins(data.path(), clock, true, true);
        auto store = core::AppealStore::open(test::store_options(data.path()));
        ASSERT_TRUE((*store)->accept(test::appeal_request("USBG-0001"), clock.unix_millis()));
    }
    auto gate = std::make_shared<drivers::FakeUsbGate>();
    const std::string mount = stick.path() + "/vmeste-stick";
    const uint32_t plain = gate->plug({0, "0781:5581", "Ultra", {"08:06:50"}});
    const uint32_t typing =
        gate->plug({0, "1d6b:0104", "Storage+Keyboard", {"08:06:50", "03:01:01"}});
    gate->on_allow = [&](const drivers::UsbDevice&) { std::filesystem::create_directory(mount); };
    UiDriver::Options o = with(clock, data.path());
    o.config.export_dir = mount;  // "mounted" once the gate lets the stick through
    o.usb_gate = gate;
    UiDriver d(o);
    gesture(d, clock);
    type_pin(d, kStaffPin);
    d.tap("maint/queue");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().maintenance().state().queue.loaded; }));
    EXPECT_FALSE(gate->is_allowed(plain)) << "a stick was let in before any export";
    d.tap("maint/export");
    ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 10s));
    d.frame();
    EXPECT_EQ(d.label("note/maint_export_passphrase").size(), 19u) << d.label("note/maint_notice");
    size_t files = 0;
    for (const auto& f : std::filesystem::directory_iterator(mount)) files += f.is_regular_file();
    EXPECT_EQ(files, 1u);
    EXPECT_EQ(gate->log(), (std::vector<std::string>{"allow " + std::to_string(plain),
                                                     "block " + std::to_string(plain)}));
    EXPECT_FALSE(gate->is_allowed(plain)) << "the stick stays in after the export";
    EXPECT_FALSE(gate->is_allowed(typing));
    EXPECT_EQ(audited(data.path(), "staff", "usb-allow"), 1);
    EXPECT_EQ(audited(data.path(), "staff", "usb-block"), 1);
}

// Issue #23, point 7: the technician loads the region's map from a USB stick on the «О терминале»
// screen — the newest pack on it, checked by its .sha256; a damaged one is refused and said so in
// Russian; staff do not have the button. The map is in use once maintenance is left.
TEST(Maintenance, ATechnicianLoadsTheRegionMapFromAUsbStickAndCitizensGetItAfter) {
    TempDir data, stick;
    ManualClock clock;
    set_pins(data.path(), clock, true, true);
    const test::DemoRegion region;
    UiDriver::Options o = with(clock, data.path());
    o.config.export_dir = stick.path();
    UiDriver d(o);
    ASSERT_FALSE(d.kiosk().map_tiles());
    // Staff see what the terminal has, without the button.
    gesture(d, clock);
    type_pin(d, kStaffPin);
    d.tap("maint/about");
    EXPECT_FALSE(d.has("maint/region_usb"));
    d.tap("maint/back");
    d.tap("maint/back");
    ASSERT_FALSE(d.kiosk().maintenance().active());

    gesture(d, clock);
    type_pin(d, kTechnicianPin, core::Role::kTechnician);
    d.tap("maint/about");
    auto load = [&] {
        d.tap("maint/region_usb");
        EXPECT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().busy; }, 10s));
        d.frame();
        return d.label("note/maint_notice");
    };
    // An empty stick.
    EXPECT_NE(load().find("На накопителе нет карты региона"), std::string::npos);
    // A pack whose checksum does not match: refused, nothing installed.
    const std::string pack = stick.file("vmeste-region/zarechny.mbtiles");
    std::filesystem::create_directories(stick.file("vmeste-region"));
    std::filesystem::copy_file(region.file, pack);
    std::ofstream(pack + ".sha256") << std::string(64, '0') << "  zarechny.mbtiles\n";
    EXPECT_NE(load().find("повреждена"), std::string::npos) << d.label("note/maint_notice");
    EXPECT_FALSE(core::active_region_pack(data.path()));
    // The right checksum: installed, said so, audited.
    std::ofstream(pack + ".sha256") << core::file_sha256(pack).value() << "  zarechny.mbtiles\n";
    EXPECT_NE(load().find("Карта установлена: Заречный (демо) 2026.12-1"), std::string::npos)
        << d.label("note/maint_notice");
    ASSERT_TRUE(core::active_region_pack(data.path()));
    EXPECT_GE(audited(data.path(), "technician", "region-install"), 2);
    EXPECT_FALSE(d.kiosk().map_tiles()) << "not while maintenance is open";
    d.tap("maint/back");
    d.tap("maint/back");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().map_tiles() != nullptr; }));
    d.choose("housing.building.hot_water");
    EXPECT_TRUE(d.has("place/map"));
}

// Issue #23, point 7: staff see the map the platform is sending on «О терминале» — here waiting
// for room on a full disk, with what it needs and has, in the screen's language.
// «О терминале» says what the image's updater did with the kiosk's package, in the screen's
// language (the reason's code translated), and takes a new record while the kiosk runs (its own
// update is committed after it came up): `vmestectl status` asks, the kiosk reads again.
TEST(Maintenance, AboutSaysWhatTheUpdaterDidWithTheKiosksPackage) {
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, false);
    const std::string record = data.file("update-state.json");
    std::ofstream(record) << R"({"state":"rolled-back","version":"0.1.0","from":"0.1.0",)"
                          << R"("to":"0.1.1","at":1765100000,"reason":"no-heartbeat"})";
    UiDriver::Options o = with(clock, data.path());
    o.config.update_state_file = record;
    UiDriver d(o);
    gesture(d, clock);
    type_pin(d, kStaffPin);
    d.tap("maint/about");
    const std::string about = d.label("note/maint_about");
    EXPECT_NE(about.find("Обновление до 0.1.1 не прошло проверку и отменено"), std::string::npos)
        << about;
    EXPECT_NE(about.find("новый киоск не связался с платформой"), std::string::npos) << about;
    EXPECT_NE(about.find("Работает прежняя версия 0.1.0, очередь цела"), std::string::npos)
        << about;

    // The next update committed: the record changes under the running kiosk.
    std::ofstream(record, std::ios::trunc)
        << R"({"state":"committed","version":"0.1.2","from":"0.1.0","to":"0.1.2","at":1765200000,"reason":""})";
    const auto answer = core::control_request(data.path(), "status");
    ASSERT_TRUE(answer);
    const auto st = nlohmann::json::parse(*answer);
    EXPECT_EQ(st["live"]["update"]["state"], "committed") << *answer;
    EXPECT_EQ(st["live"]["update"]["version"], "0.1.2");
    EXPECT_TRUE(st["live"].contains("last_heartbeat_unix_ms"));
    d.frame();
    const std::string after = d.label("note/maint_about");
    EXPECT_NE(after.find("Обновление: версия пакета 0.1.2 установлена и проверена"),
              std::string::npos)
        << after;
}

TEST(Maintenance, AboutSaysTheMapThePlatformSendsWaitsForDiskRoom) {
    RunningSim sim;
    ASSERT_TRUE(sim.server().set_region_pack(test::DemoRegion().file));
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, false);
    UiDriver::Options o = with(clock, data.path());
    o.config.platform_url = sim.url();
    o.uploader = true;
    o.region_download.keep_free_bytes = 64 << 20;
    o.region_download.free_bytes = [] { return uint64_t(40) << 20; };
    UiDriver d(o);
    ASSERT_TRUE(d.kiosk().platform_jobs());
    core::PlatformJobs* jobs = *d.kiosk().platform_jobs();
    ASSERT_TRUE(d.wait_for(
        [&] { return jobs->region_download_status().state == "waiting_for_disk"; }, 15s));
    gesture(d, clock);
    type_pin(d, kStaffPin);
    d.tap("maint/about");
    // The demo pack (104 KiB) and the 64 MiB kept for appeals: 65 MiB, rounded up.
    EXPECT_NE(d.label("note/maint_about")
                  .find("Новая карта с платформы 2026.12-1 ждёт места на диске: нужно 65 МиБ "
                        "свободными, есть 40 МиБ"),
              std::string::npos)
        << d.label("note/maint_about");
    EXPECT_EQ(sim.server().region_pack_bytes_sent(), 0);
}
