// Every screen through the real SDL2 + OpenGL path, in both orientations and both languages,
// written to <build>/screenshots/<screen>-<orientation>-<lang>.png (scripts/screenshots copies
// them to docs/). Needs a display: scripts/test starts Xvfb when there is none.
#include <gtest/gtest.h>
#include <imgui.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <SDL.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <functional>

#include "drivers/printer/transport.h"
#include "kiosk/core/kiosk.h"
#include "kiosk/core/maintenance_access.h"
#include "kiosk/core/open311_setup.h"
#include "kiosk/core/region_pack.h"
#include "sync/http.h"
#include "tests/support/demo_region.h"
#include "tests/support/qr_decode.h"
#include "tests/support/settle.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/sim_polls.h"
#include "tests/support/temp_dir.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_host.h"
#include "ui/texture_images.h"

using namespace vmeste;
using core::IntentKind;

namespace {

sim::SimOptions quick_handoff() {
    sim::SimOptions so;
    so.handoff_interval_s = 1;
    return so;
}

struct Variant {
    const char* orientation;
    int w, h;
    core::Language lang;
    bool a11y = false;  // large text and high contrast
};

void PrintTo(const Variant& v, std::ostream* os) {
    *os << v.orientation << "/" << core::code(v.lang) << (v.a11y ? "/a11y" : "");
}

std::string variant_name(const Variant& v) {
    return std::string(v.orientation) + "-" + std::string(core::code(v.lang)) +
           (v.a11y ? "-a11y" : "");
}

// Where the screenshots go (made if missing), with "half/" in it for the half-size copies.
std::string screenshot_dir() {
    std::filesystem::create_directories(std::string(VMESTE_SCREENSHOT_DIR) + "/half");
    return VMESTE_SCREENSHOT_DIR;
}

// Draws the kiosk's screen twice (the second frame is the settled one), checks it is neither blank
// nor one colour, and writes it full size and at half size (for docs/screenshots). Its pixels.
std::vector<unsigned char> shoot_screen(ui::SdlHost& host, ui::KioskUi& kui, const Variant& v,
                                        const std::string& out_dir, const std::string& screen) {
    SDL_PumpEvents();
    for (int i = 0; i < 2; ++i) {
        host.begin_frame();
        kui.frame();
    }
    int w = 0, h = 0;
    auto px = host.read_pixels(kui.draw_data(), &w, &h);
    EXPECT_TRUE(px) << screen;
    if (!px) return {};
    // Not blank, not one colour: the most common colour covers less than 97 % of the screen.
    std::map<uint32_t, size_t> counts;
    for (size_t i = 0; i < px->size(); i += 4)
        ++counts[((*px)[i] << 16) | ((*px)[i + 1] << 8) | (*px)[i + 2]];
    size_t top = 0;
    for (auto& [c, n] : counts) top = std::max(top, n);
    EXPECT_GT(counts.size(), 10u) << screen;
    EXPECT_LT(static_cast<double>(top) / (w * h), 0.97) << screen;
    const std::string name = screen + "-" + variant_name(v) + ".png";
    EXPECT_TRUE(stbi_write_png((out_dir + "/" + name).c_str(), w, h, 4, px->data(), w * 4)) << name;
    std::vector<unsigned char> half(static_cast<size_t>(w / 2) * (h / 2) * 4);
    stbir_resize_uint8_srgb(px->data(), w, h, 0, half.data(), w / 2, h / 2, 0, 4, 3, 0);
    EXPECT_TRUE(
        stbi_write_png((out_dir + "/half/" + name).c_str(), w / 2, h / 2, 4, half.data(), w * 2))
        << name;
    return *px;
}

class ScreenshotTest : public ::testing::TestWithParam<Variant> {};

}  // namespace

TEST_P(ScreenshotTest, EveryScreenRendersThroughSdlAndOpenGl) {
    ASSERT_TRUE(std::getenv("DISPLAY")) << "no DISPLAY: run under Xvfb (scripts/test starts one)";
    const Variant v = GetParam();
    const std::string out_dir = screenshot_dir();

    test::TempDir dir;
    test::RunningSim sim(quick_handoff());  // the hand-off's QR comes from the simulator
    ManualClock clock(1'796'072'400'000);   // 2026-12-01 00:00 Moscow, a Tuesday
    const test::DemoRegion map;
    static SystemClock camera_clock;
    // A receipt given earlier that the store and the spool lost (issue #17): the queue screen
    // shows it to staff in the warning colour.
    std::ofstream(dir.file("receipts.ledger"))
        << "r1 1790000000000 4HX9-QW2M 0b8a7f0e-0000-4000-8000-000000000001\n";
    core::Kiosk::Options ko;
    ko.config.data_dir = dir.path();
    ko.config.platform_url = sim.url();
    ko.config.default_language = v.lang;
    ko.config.site_address = map.site_address;
    ko.config.site_lat = map.lat;
    ko.config.site_lon = map.lon;
    ko.config.map_file = map.file;
    ko.config.export_dir = dir.path() + "/stick";  // the USB stick staff export to
    std::filesystem::create_directories(ko.config.export_dir);
    ko.clock = &clock;
    ko.start_uploader = false;
    ko.camera = drivers::make_synthetic_camera(camera_clock, 1280, 960, 15);
    auto printer = std::make_shared<drivers::FakePrinter>();
    ko.printer = printer;
    ko.print_timeouts = {std::chrono::milliseconds(200), std::chrono::milliseconds(500),
                         std::chrono::milliseconds(1000)};
    auto kiosk = core::Kiosk::start(std::move(ko));
    ASSERT_TRUE(kiosk) << kiosk.error().message;
    ui::KioskUi kui(**kiosk);
    ASSERT_TRUE(kui.init(static_cast<float>(v.w), static_cast<float>(v.h)));
    auto host = ui::SdlHost::open(ui::HostOptions{"Vmeste screenshot", v.w, v.h, false});
    ASSERT_TRUE(host) << host.error().message;
    int dw = 0, dh = 0;
    (*host)->drawable_size(&dw, &dh);
    ASSERT_EQ(dw, v.w)
        << "the display is too small for the window; Xvfb needs -screen 0 1920x1920x24";
    ASSERT_EQ(dh, v.h);
    auto images = std::make_unique<ui::TextureImages>((*host)->textures(),
                                                      (*kiosk)->visit_workers().camera());
    kui.set_images(images.get());

    auto shoot = [&](const std::string& screen) {
        return shoot_screen(**host, kui, v, out_dir, screen);
    };
    core::Kiosk& k = **kiosk;
    auto settle = [&](const std::function<bool()>& done) { return test::settle(k, done); };
    const bool ru = v.lang == core::Language::kRu;
    auto toggle = [&](core::A11yOption o) {
        k.dispatch({IntentKind::kToggleAccessibility, "", v.lang, static_cast<int>(o)});
    };
    if (v.a11y) {
        toggle(core::A11yOption::kLargeText);
        toggle(core::A11yOption::kHighContrast);
    }
    // The end of a visit wipes the citizen's accessibility choices too; the next visit of these
    // screenshots makes them again.
    auto finish = [&] {
        k.dispatch({IntentKind::kFinish});
        if (v.a11y) {
            toggle(core::A11yOption::kLargeText);
            toggle(core::A11yOption::kHighContrast);
        }
    };

    shoot("1-attract");
    k.dispatch({IntentKind::kShowAccessibility});
    shoot("1b-accessibility");
    k.dispatch({IntentKind::kShowAccessibility});
    k.dispatch({IntentKind::kStart});
    shoot("2-category");
    k.dispatch({IntentKind::kOpenSearch});
    k.dispatch({IntentKind::kInsertText, ru ? "фонарь" : "light"});
    shoot("2c-category-search");
    k.dispatch({IntentKind::kBack});
    k.dispatch({IntentKind::kChooseCategory, "roads"});
    shoot("2b-category-leaves");
    // The city's server needs coordinates (issue #18): a typed address also asks for its pin.
    k.session().set_pin_rule([] { return true; });
    // Where before what (issue #21, point 8): the place, then the description.
    k.dispatch({IntentKind::kChooseLeaf, "roads.road.pothole"});
    k.dispatch({IntentKind::kPlaceHere});
    shoot("6-place-here");
    k.dispatch({IntentKind::kPlaceMap});
    kui.frame();  // the map sets its first view
    k.dispatch({IntentKind::kPlacePin, "", v.lang, -1, map.lat + 0.0008, map.lon + 0.0015});
    ASSERT_TRUE(settle([&] {
        kui.frame();  // asks for the tiles in view
        return k.map_tiles()->loaded() > 0 && k.map_tiles()->pending() == 0 &&
               k.session().state().place.pin_address_known;
    }));
    shoot("6b-place-map");
    k.dispatch({IntentKind::kPlaceAddress});
    // The region's addresses suggested as it is typed (issue #23).
    k.dispatch({IntentKind::kInsertText, "ленина 1"});
    ASSERT_TRUE(settle([&] { return k.session().state().place.suggested_for == "ленина 1"; }));
    shoot("6c1-place-address-suggestions");
    k.dispatch({IntentKind::kDeleteWord});
    k.dispatch({IntentKind::kDeleteWord});
    k.dispatch({IntentKind::kInsertText,
                ru ? "ул. Мира, 12, у остановки" : "12 Mira St, by the bus stop"});
    ASSERT_TRUE(settle([&] {
        const auto& pl = k.session().state().place;
        return pl.suggested_for == k.session().state().field(core::Field::kAddress).value;
    }));
    shoot("6c-place-address");
    k.dispatch({IntentKind::kNext});  // the address typed: now the map for its pin
    ASSERT_TRUE(k.session().state().place.pin_for_address);
    k.dispatch({IntentKind::kPlacePin, "", v.lang, -1, map.lat + 0.0008, map.lon + 0.0015});
    ASSERT_TRUE(settle([&] {
        kui.frame();
        return k.map_tiles()->pending() == 0 && k.session().state().place.pin_address_known;
    }));
    shoot("6d-place-address-pin");
    k.session().set_pin_rule({});
    k.dispatch({IntentKind::kNext});
    // No appeal near the pin yet: the search finds none and the journey goes on to the
    // description.
    ASSERT_TRUE(settle([&] { return k.session().state().screen == core::Screen::kDescription; }));
    k.dispatch({IntentKind::kInsertText,
                ru ? "Большая яма на проезжей части у дома №12 по ул. Мира. Машины "
                     "объезжают её по встречной полосе, вечером яму не видно."
                   : "A deep pothole in the road by house No. 12 on Mira St. Cars "
                     "swerve into the oncoming lane; at night it cannot be seen."});
    for (int i = 0; i < 12; ++i) k.dispatch({IntentKind::kCaretLeft});  // the caret mid-text
    shoot("3-description");
    for (int i = 0; i < 12; ++i) k.dispatch({IntentKind::kCaretRight});
    // The obscene-language warning (the word is taken back afterwards).
    k.dispatch({IntentKind::kInsertText, ru ? " бля" : " shit"});
    shoot("3b-description-warning");
    for (int i = 0; i < (ru ? 4 : 5); ++i) k.dispatch({IntentKind::kBackspace});
    clock.advance(std::chrono::seconds(k.config().idle_timeout_s + 3));
    shoot("4-idle");
    k.dispatch({IntentKind::kStillHere});
    // An Open311 city's service asks its own questions (issue #18): a number typed, a choice.
    k.session().set_questions([](const std::string& category) {
        std::vector<core::ServiceQuestion> q;
        if (category != "roads.road.pothole") return q;
        q.push_back({"depth", "number", true, "Какой глубины яма, примерно в сантиметрах?", ""});
        q.push_back({"position",
                     "singlevaluelist",
                     false,
                     "Где она?",
                     "",
                     {{"carriageway", "На проезжей части"},
                      {"pavement", "На тротуаре"},
                      {"cycle", "На велодорожке"}}});
        return q;
    });
    k.dispatch({IntentKind::kNext});
    k.dispatch({IntentKind::kInsertText, "15"});
    shoot("3c-details");
    k.dispatch({IntentKind::kNext});
    k.dispatch({IntentKind::kChooseOption, "carriageway"});
    shoot("3d-details-choice");
    k.dispatch({IntentKind::kNext});
    k.session().set_questions({});  // the later visits are a gateway region's again
    // Photos: the live camera with the countdown, then the photo taken, a region marked, hidden.
    ASSERT_TRUE(settle([&] { return k.session().camera_status() == core::CameraStatus::kReady; }));
    ASSERT_TRUE(settle([&] { return k.visit_workers().camera()->latest() != nullptr; }));
    k.dispatch({IntentKind::kTakePhoto});
    shoot("5-photos");
    clock.advance(std::chrono::seconds(3));
    k.tick();
    ASSERT_TRUE(settle([&] { return !k.session().state().photos.photos.empty(); }));
    k.dispatch({IntentKind::kMarkBlur, "", v.lang, 0, 0.5, 0.45});
    shoot("5c-photo-hide");  // the region outlined, «Скрыть» and «Отмена»
    k.dispatch({IntentKind::kApplyBlur, "", v.lang, 0});
    ASSERT_TRUE(settle([&] { return k.session().state().photos.photos[0].blurs == 1; }));
    shoot("5b-photo-review");
    k.dispatch({IntentKind::kNext});
    ASSERT_EQ(k.session().state().screen, core::Screen::kWho);
    k.dispatch({IntentKind::kHandoffStart});
    ASSERT_TRUE(settle(
        [&] { return k.session().state().handoff.state == core::Handoff::State::kWaiting; }));
    auto handoff = shoot("7b-who-gosuslugi");
    EXPECT_EQ(test::decode_qr_rgba(handoff, v.w, v.h),
              k.session().state().handoff.verification_uri);
    k.dispatch({IntentKind::kUseContact});
    k.dispatch({IntentKind::kInsertText, ru ? "Анна Иванова" : "Anna Ivanova"});
    k.dispatch({IntentKind::kFocus, "", v.lang, static_cast<int>(core::Field::kPhone)});
    k.dispatch({IntentKind::kInsertText, "91612345"});
    k.dispatch({IntentKind::kFocus, "", v.lang, static_cast<int>(core::Field::kEmail)});
    k.dispatch({IntentKind::kInsertText, "anna@"});
    shoot("7-who-contact");
    k.dispatch({IntentKind::kInsertText, "mail.ru"});
    k.dispatch({IntentKind::kFocus, "", v.lang, static_cast<int>(core::Field::kPhone)});
    k.dispatch({IntentKind::kInsertText, "67"});
    k.dispatch({IntentKind::kShowHelp});
    shoot("7c-help");
    k.dispatch({IntentKind::kShowHelp});
    k.dispatch({IntentKind::kNext});
    shoot("8-consent");
    k.dispatch({IntentKind::kConsentDecline});
    shoot("8b-consent-declined");
    k.dispatch({IntentKind::kConsentAgree});
    shoot("9-review");
    if (v.a11y && v.h > v.w) {
        toggle(core::A11yOption::kLowerScreen);
        shoot("9b-review-lower-screen");
        toggle(core::A11yOption::kLowerScreen);
    }
    k.dispatch({IntentKind::kSubmit});
    ASSERT_TRUE(settle([&] { return k.session().state().screen == core::Screen::kReceipt; }));
    int w = v.w, h = v.h;
    auto receipt = shoot("10-receipt");
    ASSERT_FALSE(receipt.empty());
    // What the citizen's phone would read off the screen.
    EXPECT_EQ(test::decode_qr_rgba(receipt, w, h), k.session().state().receipt->tracking_url);
    // The roll ends during the print: the screen says so and the QR is the citizen's copy.
    printer->set([](drivers::PrinterModel& m) { m.paper_for_bytes = 40; });
    k.dispatch({IntentKind::kPrint, kui.receipt_bytes()});
    ASSERT_TRUE(settle([&] { return k.session().state().print == core::PrintState::kFailed; }));
    auto not_printed = shoot("10b-receipt-not-printed");
    EXPECT_EQ(test::decode_qr_rgba(not_printed, w, h), k.session().state().receipt->tracking_url);
    printer->set([](drivers::PrinterModel& m) {
        m.paper = drivers::PrinterModel::Paper::kOk;
        m.paper_for_bytes.reset();
    });
    // The status check (issue #7): the platform has had this appeal for a while.
    const std::string number = k.session().state().receipt->receipt_number;
    sim.add_received(number, 200'000);  // three status steps ago: registered, in work, answered
    finish();
    k.dispatch({IntentKind::kCheckStatus});
    k.dispatch({IntentKind::kInsertText, number.substr(0, 6)});
    shoot("11-status");
    k.dispatch({IntentKind::kInsertText, number.substr(6)});
    k.dispatch({IntentKind::kLookup});
    ASSERT_TRUE(settle([&] { return k.session().state().screen == core::Screen::kStatusResult; }));
    shoot("12-status-result");
    if (k.session().can_apply(IntentKind::kRate)) {
        k.dispatch({IntentKind::kRate});
        k.dispatch({IntentKind::kSetStars, "", v.lang, 2});
        k.dispatch({IntentKind::kInsertText,
                    ru ? "Яму засыпали щебнем, через неделю она снова"
                       : "The hole was filled with gravel; a week later it was back"});
        shoot("13-rate");
    }
    // Polls, votes and discussions: the list the simulator serves.
    ASSERT_TRUE(test::load_polls(sim, k.session()));
    finish();
    k.dispatch({IntentKind::kShowPolls});
    shoot("14-polls");
    k.dispatch({IntentKind::kOpenPoll, "POLL-2027-PARKS"});
    auto poll = shoot("15-poll");
    EXPECT_EQ(test::decode_qr_rgba(poll, w, h), "https://pos.gosuslugi.ru/lkp/polls/2027-parks");
    // The phone approves the hand-off; the kiosk polls at the interval the simulator set (1 s),
    // on its own (manual) clock, until the choice is offered.
    auto approve_and_choose = [&] {
        ASSERT_TRUE(sim.server().decide_handoff(k.session().state().handoff.user_code, true));
        for (int i = 0; i < 20 && k.session().state().vote.stage != core::VoteStep::Stage::kChoose;
             ++i) {
            clock.advance(std::chrono::seconds(1));
            SDL_Delay(1100);
            k.pump();
            k.tick();
        }
        ASSERT_EQ(k.session().state().vote.stage, core::VoteStep::Stage::kChoose);
    };
    // Voting here: the hand-off's QR, the choice, the confirmation, the platform's word.
    k.dispatch({IntentKind::kVoteHere});
    ASSERT_TRUE(settle(
        [&] { return k.session().state().handoff.state == core::Handoff::State::kWaiting; }));
    auto vote_qr = shoot("16-vote-identify");
    EXPECT_EQ(test::decode_qr_rgba(vote_qr, w, h), k.session().state().handoff.verification_uri);
    ASSERT_NO_FATAL_FAILURE(approve_and_choose());
    k.dispatch({IntentKind::kChooseOption, "b"});
    shoot("16b-vote-choose");
    k.dispatch({IntentKind::kNext});
    shoot("16c-vote-confirm");
    k.dispatch({IntentKind::kCastVote});
    // No uploader here: the platform's answer is played in (the e2e tests get it for real).
    k.session().on_action(k.session().visit(), k.session().state().vote.action_uuid,
                          core::ActionOutcome::kDelivered);
    shoot("16d-vote-done");
    k.session().on_action(k.session().visit(), k.session().state().vote.action_uuid,
                          core::ActionOutcome::kSaving);  // no effect: the vote is settled
    EXPECT_EQ(k.session().state().vote.outcome, core::ActionOutcome::kDelivered);
    // The same person tries again in a new visit (a cast vote has no «Назад»): refused by this
    // kiosk, and said so with the choice made before.
    EXPECT_FALSE(k.session().can_apply(IntentKind::kBack));
    finish();
    k.dispatch({IntentKind::kShowPolls});
    k.dispatch({IntentKind::kOpenPoll, "POLL-2027-PARKS"});
    k.dispatch({IntentKind::kVoteHere});
    ASSERT_TRUE(settle(
        [&] { return k.session().state().handoff.state == core::Handoff::State::kWaiting; }));
    ASSERT_NO_FATAL_FAILURE(approve_and_choose());
    k.dispatch({IntentKind::kChooseOption, "a"});
    k.dispatch({IntentKind::kNext});
    k.dispatch({IntentKind::kCastVote});
    ASSERT_TRUE(settle(
        [&] { return k.session().state().vote.outcome == core::ActionOutcome::kDuplicate; }));
    shoot("16e-vote-duplicate");
    finish();
    // Similar appeals: the same cause at the same pin as the report above (in this kiosk's store).
    k.dispatch({IntentKind::kStart});
    k.dispatch({IntentKind::kChooseCategory, "roads"});
    k.dispatch({IntentKind::kChooseLeaf, "roads.road.pothole"});
    k.dispatch({IntentKind::kPlaceMap});
    kui.frame();
    k.dispatch({IntentKind::kPlacePin, "", v.lang, -1, map.lat + 0.0009, map.lon + 0.0014});
    k.dispatch({IntentKind::kNext});
    ASSERT_TRUE(settle([&] {
        return k.session().state().screen == core::Screen::kSimilar &&
               !k.session().state().similar.searching;
    }));
    ASSERT_EQ(k.session().state().similar.appeals.size(), 1u);
    shoot("17-similar");
    k.dispatch({IntentKind::kOpenSimilar, "", v.lang, 0});
    shoot("17b-similar-appeal");
    k.dispatch({IntentKind::kSupport});
    k.dispatch({IntentKind::kInsertText, ru ? "Пётр" : "Peter"});
    k.dispatch({IntentKind::kFocus, "", v.lang, static_cast<int>(core::Field::kPhone)});
    k.dispatch({IntentKind::kInsertText, "90311122"});
    shoot("18-support");
    k.dispatch({IntentKind::kInsertText, "33"});
    k.dispatch({IntentKind::kSendSupport});
    // A contact: the same consent step as a report's, for this +1.
    ASSERT_EQ(k.session().state().screen, core::Screen::kConsent);
    shoot("18c-support-consent");
    k.dispatch({IntentKind::kConsentAgree});
    k.session().on_action(k.session().visit(), k.session().state().similar.action_uuid,
                          core::ActionOutcome::kDelivered);
    shoot("18b-support-done");
    // Maintenance (issue #8): the PIN pad after a wrong PIN, then staff's screens.
    finish();
    {
        auto access = core::MaintenanceAccess::open(dir.path(), clock);
        ASSERT_TRUE(access->set_pin(core::Role::kStaff, "2468"));
        ASSERT_TRUE(access->set_pin(core::Role::kTechnician, "975312"));
    }
    k.open_maintenance();
    core::Maintenance& m = k.maintenance();
    auto maint = [&](core::MaintIntent i) {
        m.apply(i);
        ASSERT_TRUE(settle([&] { return !m.state().checking && !m.state().busy; }));
    };
    for (const char* digit : {"1", "1", "1", "1"}) maint({core::MaintIntentKind::kDigit, digit});
    maint({core::MaintIntentKind::kSubmitPin});
    shoot("20-maint-pin");  // after a wrong PIN: how many tries are left
    for (const char* digit : {"2", "4", "6", "8"}) maint({core::MaintIntentKind::kDigit, digit});
    maint({core::MaintIntentKind::kSubmitPin});
    ASSERT_EQ(m.state().screen, core::MaintScreen::kHome);
    shoot("21-maint-home");
    maint({core::MaintIntentKind::kOpen, "", static_cast<int>(core::MaintScreen::kQueue)});
    ASSERT_TRUE(settle([&] { return m.state().queue.loaded; }));
    shoot("22-maint-queue");
    maint({core::MaintIntentKind::kExportUnsent});
    ASSERT_TRUE(m.state().exported.has_value()) << m.state().notice;
    shoot("22a-maint-export");
    maint({core::MaintIntentKind::kBack});
    maint({core::MaintIntentKind::kOpen, "", static_cast<int>(core::MaintScreen::kDevices)});
    maint({core::MaintIntentKind::kTestCamera});
    maint({core::MaintIntentKind::kTestPrinter});
    maint({core::MaintIntentKind::kTestNetwork});
    maint({core::MaintIntentKind::kTestSpeaker});  // no speaker here: said as a failure
    ASSERT_EQ(m.state().device_results.size(), 4u);
    ASSERT_TRUE(settle([&] {
        return (*kiosk)->visit_workers().camera()->state() == drivers::CameraState::kStreaming;
    }));
    shoot("22b-maint-devices");
    maint({core::MaintIntentKind::kOpen, "", static_cast<int>(core::MaintScreen::kTouchTest)});
    for (int cell : {0, 1, 2, 6, 7, 13, 20, 21, 33, 47})
        maint({core::MaintIntentKind::kTouchCell, "", cell});
    shoot("22d-maint-touch-test");
    maint({core::MaintIntentKind::kBack});
    maint({core::MaintIntentKind::kBack});
    maint({core::MaintIntentKind::kOpen, "", static_cast<int>(core::MaintScreen::kLog)});
    shoot("22c-maint-log");
    maint({core::MaintIntentKind::kBack});
    maint({core::MaintIntentKind::kOpen, "", static_cast<int>(core::MaintScreen::kAbout)});
    shoot("23-maint-about");
    maint({core::MaintIntentKind::kClose});
    k.pump();
    // The technician's settings.
    k.open_maintenance();
    maint({core::MaintIntentKind::kSignInRole, "", static_cast<int>(core::Role::kTechnician)});
    for (const char* digit : {"9", "7", "5", "3", "1", "2"})
        maint({core::MaintIntentKind::kDigit, digit});
    maint({core::MaintIntentKind::kSubmitPin});
    ASSERT_EQ(m.state().role, core::Role::kTechnician);
    shoot("21b-maint-home-technician");
    maint({core::MaintIntentKind::kOpen, "", static_cast<int>(core::MaintScreen::kSettings)});
    maint({core::MaintIntentKind::kAdjust, "idle_timeout_s", 1});
    shoot("24-maint-settings");
    maint({core::MaintIntentKind::kSettingsPage, "", 1});
    ASSERT_TRUE(settle([&] { return !m.state().camera_choices.empty(); }));
    shoot("24b-maint-settings-terminal");
    maint({core::MaintIntentKind::kEdit, "site_coords"});
    for (int i = 0; i < 40; ++i) maint({core::MaintIntentKind::kDeleteText});
    maint({core::MaintIntentKind::kInsertText, "55.4297, 37.544"});
    shoot("24c-maint-settings-edit");
    maint({core::MaintIntentKind::kEditCancel});
    maint({core::MaintIntentKind::kChangePin, "", static_cast<int>(core::Role::kStaff)});
    for (const char* digit : {"1", "3", "5", "7"}) maint({core::MaintIntentKind::kDigit, digit});
    maint({core::MaintIntentKind::kSubmitPin});
    shoot("24d-maint-set-pin");  // the second entry
    // The technician loads the region's map from the USB stick (issue #23): «О терминале» with
    // its button and what happened.
    maint({core::MaintIntentKind::kBack});
    maint({core::MaintIntentKind::kOpen, "", static_cast<int>(core::MaintScreen::kAbout)});
    {
        const std::string pack = dir.path() + "/stick/zarechny.mbtiles";
        std::filesystem::copy_file(map.file, pack);
        std::ofstream(pack + ".sha256")
            << core::file_sha256(pack).value() << "  zarechny.mbtiles\n";
    }
    maint({core::MaintIntentKind::kLoadRegionPack});
    ASSERT_TRUE(settle([&] { return !m.state().busy; }));
    ASSERT_TRUE(m.state().notice.starts_with("region-installed:")) << m.state().notice;
    shoot("23b-maint-about-technician");
    maint({core::MaintIntentKind::kClose});
    k.pump();
    // First boot of an appliance not enrolled yet: the provisioning screen with a code typed.
    m.open_provisioning();
    for (const char* digit : {"7", "7", "0", "0", "1", "2", "3"})
        maint({core::MaintIntentKind::kDigit, digit});
    shoot("25-provision");
    // The code the operator issued: enrolled, the documents, the checks and the receipt.
    for (int i = 0; i < 8; ++i) maint({core::MaintIntentKind::kBackspace});
    sim.store().add_enrol_code("7700-1234");
    for (const char* digit : {"7", "7", "0", "0", "1", "2", "3", "4"})
        maint({core::MaintIntentKind::kDigit, digit});
    maint({core::MaintIntentKind::kEnrol});
    ASSERT_TRUE(settle([&] { return m.state().enrol == core::MaintState::Enrol::kDone; }));
    shoot("25b-provision-done");
    images.reset();
    host->reset();  // backends go before the ImGui context
}

INSTANTIATE_TEST_SUITE_P(
    AllVariants, ScreenshotTest,
    ::testing::Values(Variant{"portrait", 1080, 1920, core::Language::kRu},
                      Variant{"portrait", 1080, 1920, core::Language::kEn},
                      Variant{"landscape", 1920, 1080, core::Language::kRu},
                      Variant{"landscape", 1920, 1080, core::Language::kEn},
                      Variant{"portrait", 1080, 1920, core::Language::kRu, true},
                      Variant{"portrait", 1080, 1920, core::Language::kEn, true},
                      Variant{"landscape", 1920, 1080, core::Language::kRu, true},
                      Variant{"landscape", 1920, 1080, core::Language::kEn, true}),
    [](const auto& info) {
        return std::string(info.param.orientation) + "_" +
               std::string(core::code(info.param.lang)) + (info.param.a11y ? "_a11y" : "");
    });

// The technician's Open311 mapping (issue #18): a kiosk of an Open311 region whose services were
// discovered on the simulator's spec profile; one category changed, then its services listed.
class MappingScreenshot : public ::testing::TestWithParam<Variant> {};

TEST_P(MappingScreenshot, TheCategoriesAndTheCitysServices) {
    ASSERT_TRUE(std::getenv("DISPLAY")) << "no DISPLAY: run under Xvfb (scripts/test starts one)";
    const Variant v = GetParam();
    const std::string out_dir = screenshot_dir();
    test::TempDir dir;
    sim::SimOptions so;
    so.open311_profile = sim::Open311Profile::kSpec;
    test::RunningSim sim(so);
    ManualClock clock(1'796'072'400'000);
    core::Kiosk::Options ko;
    ko.config.data_dir = dir.path();
    ko.config.adapter = "open311";
    ko.config.open311_url = sim.url() + "/open311/v2";
    ko.config.open311_api_key = "city-key";
    ko.config.default_language = v.lang;
    ko.clock = &clock;
    ko.start_uploader = false;
    {
        auto transport = sync::make_curl_transport();
        ASSERT_TRUE(core::refresh_open311_services(ko.config, core::CategoryCatalog::bundled(),
                                                   *transport, clock.unix_millis()));
        auto access = core::MaintenanceAccess::open(dir.path(), clock);
        ASSERT_TRUE(access->set_pin(core::Role::kTechnician, "975312"));
    }
    auto kiosk = core::Kiosk::start(std::move(ko));
    ASSERT_TRUE(kiosk) << kiosk.error().message;
    ui::KioskUi kui(**kiosk);
    ASSERT_TRUE(kui.init(static_cast<float>(v.w), static_cast<float>(v.h)));
    auto host = ui::SdlHost::open(ui::HostOptions{"Vmeste screenshot", v.w, v.h, false});
    ASSERT_TRUE(host) << host.error().message;
    core::Kiosk& k = **kiosk;
    core::Maintenance& m = k.maintenance();
    auto maint = [&](core::MaintIntent i) {
        m.apply(i);
        ASSERT_TRUE(test::settle(k, [&] { return !m.state().checking && !m.state().busy; }));
    };
    k.open_maintenance();
    maint({core::MaintIntentKind::kSignInRole, "", static_cast<int>(core::Role::kTechnician)});
    for (const char* digit : {"9", "7", "5", "3", "1", "2"})
        maint({core::MaintIntentKind::kDigit, digit});
    maint({core::MaintIntentKind::kSubmitPin});
    ASSERT_EQ(m.state().role, core::Role::kTechnician);
    maint({core::MaintIntentKind::kOpen, "", static_cast<int>(core::MaintScreen::kMapping)});
    ASSERT_TRUE(test::settle(k, [&] { return m.state().mapping.loaded; }));
    ASSERT_FALSE(m.state().mapping.categories.empty());
    const std::string first = m.state().mapping.categories[0].id;
    maint({core::MaintIntentKind::kMappingChoose, first});
    maint({core::MaintIntentKind::kMappingSet, "006"});
    shoot_screen(**host, kui, v, out_dir, "26-maint-mapping");
    maint({core::MaintIntentKind::kMappingChoose, first});
    shoot_screen(**host, kui, v, out_dir, "26b-maint-mapping-choose");
    maint({core::MaintIntentKind::kClose});
    k.pump();
    host->reset();
}

INSTANTIATE_TEST_SUITE_P(Open311, MappingScreenshot,
                         ::testing::Values(Variant{"portrait", 1080, 1920, core::Language::kRu},
                                           Variant{"landscape", 1920, 1080, core::Language::kEn}),
                         [](const auto& info) {
                             return std::string(info.param.orientation) + "_" +
                                    std::string(core::code(info.param.lang)) +
                                    (info.param.a11y ? "_a11y" : "");
                         });
