// The citizen services beyond a report (issue #7), through the screens: checking a status by the
// number typed or by the receipt's QR shown to the camera, online against the simulator and
// offline from the kiosk's own store.
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>

#include "drivers/camera/camera.h"
#include "image/jpeg.h"
#include "image/qr_code.h"
#include "kiosk/core/appeal_store.h"
#include "tests/support/qr_photo.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"
#include "tests/support/ui_driver.h"

using namespace vmeste;
using namespace vmeste::test;
using namespace std::chrono_literals;
using core::Screen;

namespace {

// A report through the screens, its receipt number back (and the answer date it gave).
std::string report(UiDriver& d, std::string* answer_by = nullptr) {
    d.describe("housing.building.hot_water", "Третий день сухо в кране, дом 7");
    d.tap("nav/next");
    d.complete_steps();
    d.tap("review/submit");
    EXPECT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    const std::string number = d.state().receipt ? d.state().receipt->receipt_number : "";
    if (answer_by) *answer_by = d.state().receipt ? d.state().receipt->answer_by : "";
    d.tap("receipt/done");
    return number;
}

// dd.mm.yyyy of a moment in Moscow (UTC+3 all year).
std::string moscow_date(int64_t unix_ms) {
    const std::time_t t = static_cast<std::time_t>(unix_ms / 1000 + 3 * 3600);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%d.%m.%Y", &tm);
    return buf;
}

void type_receipt(UiDriver& d, const std::string& number) {
    for (char c : number)
        if (c != '-') d.tap(std::string("kbd/") + c);
}

}  // namespace

TEST(StatusCheck, TypedNumberShowsTheHistoryTheOrganisationAndTheAnswer) {
    sim::SimOptions so;
    so.status_step_ms = 50;  // registered → in work → answered within the test
    RunningSim sim(so);
    UiDriver::Options o;
    o.uploader = true;
    o.config.platform_url = sim.url();
    o.config.retry_base_ms = 50;
    UiDriver d(o);
    std::string receipt_due;
    const std::string number = report(d, &receipt_due);
    ASSERT_FALSE(receipt_due.empty());
    ASSERT_TRUE(d.wait_for([&] { return sim.store().find_by_receipt(number).has_value(); }, 10s));
    std::this_thread::sleep_for(300ms);
    d.tap("attract/status");
    ASSERT_EQ(d.state().screen, Screen::kStatus);
    EXPECT_FALSE(d.enabled("status/find"));
    type_receipt(d, number);
    EXPECT_EQ(d.label("field/receipt"), number);
    d.tap("status/find");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kStatusResult; }, 10s));
    EXPECT_FALSE(d.has("note/offline"));
    EXPECT_EQ(d.label("note/status_now"), "Дан ответ");
    EXPECT_NE(d.label("note/status_history").find("Зарегистрировано"), std::string::npos);
    EXPECT_NE(d.label("note/status_history").find("В работе"), std::string::npos);
    EXPECT_NE(d.label("note/status_organisation").find("Рассматривает"), std::string::npos);
    // The platform's date (the simulator's: 30 days from reception) wins; the receipt gave the
    // cause's term in working days, and the screen says so rather than contradict it (#21, 9).
    const std::string platform_due =
        moscow_date(sim.store().find_by_receipt(number)->received_unix_ms + 30ll * 86'400'000);
    ASSERT_NE(platform_due, receipt_due) << "the simulator's date should differ here";
    EXPECT_EQ(d.label("note/status_answer_by"), "Ответ — до " + platform_due);
    EXPECT_NE(d.label("note/status_answer_by_changed").find(receipt_due), std::string::npos)
        << d.label("note/status_answer_by_changed");
    EXPECT_FALSE(d.label("note/status_answer").empty());
    // Nothing personal: no name, no phone, no text on the screen.
    for (const auto& w : d.ui().widgets().all()) {
        EXPECT_EQ(w.label.find("Анна"), std::string::npos) << w.id;
        EXPECT_EQ(w.label.find("916"), std::string::npos) << w.id;
        EXPECT_EQ(w.label.find("в кране"), std::string::npos) << w.id;
    }
    d.tap("status/done");
    EXPECT_EQ(d.state().screen, Screen::kAttract);
}

TEST(StatusCheck, UnknownNumberIsSaidAndNothingElseHappens) {
    RunningSim sim;
    UiDriver::Options o;
    o.config.platform_url = sim.url();
    UiDriver d(o);
    d.tap("attract/status");
    type_receipt(d, "ZZZZ-ZZZZ");
    d.tap("status/find");
    ASSERT_TRUE(d.wait_for([&] {
        return d.has("note/status") &&
               d.state().status.state == core::StatusCheck::State::kNotFound;
    }));
    EXPECT_NE(d.label("note/status").find("не найдено"), std::string::npos);
    EXPECT_EQ(d.state().screen, Screen::kStatus);
}

TEST(StatusCheck, OfflineTheKioskSaysWhatItKnowsAndThatItMayBeOld) {
    UiDriver::Options o;
    o.uploader = true;
    o.config.platform_url = RunningSim::gone_url();
    UiDriver d(o);
    std::string receipt_due;
    const std::string number = report(d, &receipt_due);
    d.tap("attract/status");
    type_receipt(d, number);
    d.tap("status/find");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kStatusResult; }, 10s));
    ASSERT_TRUE(d.has("note/offline"));
    EXPECT_NE(d.label("note/offline").find("Нет связи"), std::string::npos);
    EXPECT_EQ(d.label("note/status_now"), "Ждёт отправки с терминала");
    // Without the platform's date, the receipt's own, the same as on the receipt (#21, 9).
    EXPECT_EQ(d.label("note/status_answer_by"),
              "Ответ — до " + receipt_due + " (расчётный срок, как на квитанции)");
    EXPECT_FALSE(d.has("note/status_answer_by_changed"));
}

TEST(StatusCheck, TheReceiptsQrShownToTheCameraIsReadAndLookedUp) {
    RunningSim sim;
    sim.add_received("7K3Q-9PXA", 0);
    // What the camera sees: the receipt's QR (the status page's URL) on white paper.
    TempDir shots;
    ASSERT_TRUE(write_qr_photo(shots.file("receipt.jpg"), sim.url() + "/t/7K3Q-9PXA"));
    static SystemClock clock;
    UiDriver::Options o;
    o.config.platform_url = sim.url();
    o.camera = drivers::make_folder_camera(shots.path(), clock, Millis(100));
    UiDriver d(o);
    d.tap("attract/status");
    d.tap("status/scan");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kStatusResult; }, 10s));
    EXPECT_EQ(d.state().status.result.receipt_number, "7K3Q-9PXA");
    EXPECT_EQ(d.label("note/status_now"), "Зарегистрировано");
    EXPECT_GT(d.images().camera_frames, 0u) << "the citizen saw the camera's picture";
}

namespace {

// An appeal the platform answered long ago (the simulator moves one status a minute).
void answered_on_the_platform(RunningSim& sim, const std::string& receipt) {
    sim.add_received(receipt, 3'600'000);
}

void look_up(UiDriver& d, const std::string& receipt) {
    d.tap("attract/status");
    type_receipt(d, receipt);
    d.tap("status/find");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kStatusResult; }, 10s));
}

}  // namespace

TEST(Rating, ALowRatingNeedsACommentIsStoredAndArrivesExactlyOnce) {
    RunningSim sim;
    answered_on_the_platform(sim, "7K3Q-9PXA");
    // The platform's first answer is lost on the way back: the kiosk must send it again, and the
    // platform must count it once.
    sim.faults().add(*sim::parse_fault_rule("ratings:drop-mid-response:count=1"));
    UiDriver::Options o;
    o.uploader = true;
    o.config.platform_url = sim.url();
    o.config.retry_base_ms = 50;
    UiDriver d(o);
    look_up(d, "7K3Q-9PXA");
    EXPECT_EQ(d.label("note/status_now"), "Дан ответ");
    d.tap("status/rate");
    ASSERT_EQ(d.state().screen, Screen::kRate);
    EXPECT_FALSE(d.enabled("rate/send"));
    d.tap("rate/2");
    EXPECT_FALSE(d.enabled("rate/send")) << "1 or 2 stars need a comment";
    EXPECT_NE(d.label("note/rate").find("комментарий"), std::string::npos);
    d.type("Яму так и не заделали");
    ASSERT_TRUE(d.enabled("rate/send"));
    d.tap("rate/send");
    ASSERT_TRUE(d.wait_for([&] {
        return d.has("note/rate") && d.state().rating.state == core::RatingStep::State::kSaved;
    }));
    EXPECT_NE(d.label("note/rate").find("Спасибо"), std::string::npos);
    EXPECT_TRUE(d.state().field(core::Field::kComment).value.empty()) << "gone from the screen";
    ASSERT_TRUE(d.wait_for(
        [&] {
            return sim.server().ratings().size() == 1 && sim.faults().rules().front().count == 0;
        },
        20s));
    // Delivered, and the repeat after the lost answer did not make a second one.
    auto store = core::AppealStore::open(test::store_options(d.data_dir()));
    ASSERT_TRUE(d.wait_for([&] { return (*store)->pending_actions(10)->empty(); }, 20s));
    const auto got = sim.server().ratings();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].stars, 2);
    EXPECT_EQ(got[0].comment, "Яму так и не заделали");
    EXPECT_GE(sim.attempts(got[0].key), 2) << "the lost answer made the kiosk ask again";
    // A rated answer cannot be rated again from the kiosk.
    d.tap("rate/done");
    look_up(d, "7K3Q-9PXA");
    EXPECT_EQ(d.label("note/status_now"), "Ответ оценён");
    EXPECT_FALSE(d.has("status/rate"));
}

TEST(Rating, AStoredRatingSurvivesARestartAndIsDeliveredAfterwards) {
    RunningSim sim;
    answered_on_the_platform(sim, "7K3Q-9PXB");
    TempDir data;
    {
        UiDriver::Options o;
        o.config.data_dir = data.path();
        o.config.platform_url = sim.url();
        UiDriver d(o);  // no uploader: the kiosk "crashes" with the rating only in its store
        look_up(d, "7K3Q-9PXB");
        d.tap("status/rate");
        d.tap("rate/5");
        d.tap("rate/send");
        ASSERT_TRUE(
            d.wait_for([&] { return d.state().rating.state == core::RatingStep::State::kSaved; }));
    }
    EXPECT_TRUE(sim.server().ratings().empty());
    UiDriver::Options o;
    o.config.data_dir = data.path();
    o.config.platform_url = sim.url();
    o.uploader = true;
    UiDriver d(o);
    ASSERT_TRUE(d.wait_for([&] { return sim.server().ratings().size() == 1; }, 20s));
    EXPECT_EQ(sim.server().ratings()[0].stars, 5);
    std::this_thread::sleep_for(6s);  // another round of the ratings job
    EXPECT_EQ(sim.server().ratings().size(), 1u);
}

TEST(Polls, TheSyncedListShowsWhatIsOpenAndEachOpensOnThePhoneByItsQr) {
    RunningSim sim;
    UiDriver::Options o;
    o.uploader = true;  // the polls come with the uploader's sync job
    o.config.platform_url = sim.url();
    UiDriver d(o);
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().session().open_polls().size() == 3; }, 15s));
    d.tap("attract/polls");
    ASSERT_EQ(d.state().screen, Screen::kPolls);
    // Soonest deadline first: the bus survey (7 days), the parks vote (20), the discussion (30).
    std::vector<std::string> order;
    for (const auto& w : d.ui().widgets().all())
        if (w.id.starts_with("poll/")) order.push_back(w.id);
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(order[0], "poll/POLL-BUS-ROUTES");
    EXPECT_NE(d.label("poll/POLL-2027-PARKS").find("Голосование"), std::string::npos);
    d.tap("poll/POLL-2027-PARKS");
    ASSERT_EQ(d.state().screen, Screen::kPoll);
    EXPECT_EQ(d.label("note/poll_title"), "Какую территорию благоустроить в 2027 году?");
    EXPECT_NE(d.label("note/poll_options").find("Сквер у школы № 5"), std::string::npos);
    EXPECT_EQ(d.label("poll/qr"), "https://pos.gosuslugi.ru/lkp/polls/2027-parks");
    d.tap("top/language");
    EXPECT_EQ(d.label("note/poll_title"), "Which public space should be improved in 2027?");
    d.tap("nav/back");
    EXPECT_EQ(d.state().screen, Screen::kPolls);
    d.tap("nav/back");
    EXPECT_EQ(d.state().screen, Screen::kAttract);
}
