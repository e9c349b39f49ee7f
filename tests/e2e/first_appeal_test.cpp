// The first appeal end to end, headless: a citizen's taps through the UI test driver, the real
// store on disk, the real uploader over libcurl, the simulator on a free loopback port.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kiosk/core/appeal_store.h"
#include "sync/http.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"
#include "tests/support/ui_driver.h"

using namespace vmeste;
using namespace vmeste::test;
using namespace std::chrono_literals;
using core::Screen;

namespace {

UiDriver::Options options_for(const RunningSim& sim) {
    UiDriver::Options o;
    o.uploader = true;
    o.config.platform_url = sim.url();
    o.config.retry_base_ms = 50;  // retries within the test's patience
    o.config.retry_cap_ms = 1000;
    return o;
}

std::string report(UiDriver& d, const std::string& leaf, const std::string& text) {
    d.describe(leaf, text);
    d.tap("nav/next");
    d.complete_steps();
    d.tap("review/submit");
    EXPECT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    return d.state().receipt ? d.state().receipt->receipt_number : std::string();
}

sync::HttpResponse get(const std::string& url) {
    auto r = sync::make_curl_transport()->send({"GET", url, {}, {}});
    EXPECT_TRUE(r) << url;
    return r ? *r : sync::HttpResponse{};
}

}  // namespace

TEST(FirstAppeal, TypedOnTheKioskArrivesOnThePlatformWithTheSameCategoryAndText) {
    RunningSim sim;
    UiDriver d(options_for(sim));
    const std::string text = "Не горит фонарь у дома №12 на ул. Мира, с 3 ноября";
    const std::string receipt = report(d, "improvement.lighting.light_out", text);
    ASSERT_FALSE(receipt.empty());
    EXPECT_EQ(d.state().receipt->tracking_url, sim.url() + "/t/" + receipt);

    ASSERT_TRUE(d.wait_for([&] { return sim.store().count() == 1; }, 10s));
    auto got = sim.store().find_by_receipt(receipt);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->category, "improvement.lighting.light_out");
    // The receipt says by when the answer is due: 5 working days for a street light.
    EXPECT_FALSE(d.state().receipt->answer_by.empty());
    EXPECT_NE(d.label("receipt/answer_by").find(d.state().receipt->answer_by), std::string::npos);
    EXPECT_EQ(got->text, text);
    EXPECT_EQ(got->language, "ru");

    // The platform's page lists it, and the receipt's tracking URL resolves to it.
    auto page = get(sim.url() + "/");
    EXPECT_NE(page.body.find(receipt), std::string::npos);
    EXPECT_NE(page.body.find("Не горит фонарь у дома №12"), std::string::npos);
    auto track = get(d.state().receipt->tracking_url);
    EXPECT_EQ(track.status, 200);
    EXPECT_NE(track.body.find(got->platform_id), std::string::npos);

    // The kiosk recorded the delivery (the street light's required photo went first).
    auto store = core::AppealStore::open(test::store_options(d.data_dir()));
    ASSERT_TRUE(d.wait_for([&] {
        auto mine = (*store)->find_by_receipt(receipt);
        return mine && *mine && !(*mine)->platform_id.empty();
    }));
    auto mine = (*store)->find_by_receipt(receipt);
    EXPECT_EQ((*mine)->platform_id, got->platform_id);
    // The worker counts a delivery just after the store records it: wait for the count.
    EXPECT_TRUE(d.wait_for([&] { return d.kiosk().uploader_status().delivered == 2; }))
        << "the photo and the appeal: " << d.kiosk().uploader_status().delivered;
    EXPECT_EQ((*store)->queue_figures()->pending, 0);
}

TEST(FirstAppeal, PlatformDownTheAppealWaitsAndTheKioskKeepsWorking) {
    RunningSim sim;
    sim.faults().add(
        *sim::parse_fault_rule("*:status=503:count=3"));  // three 503s, then it is back
    UiDriver d(options_for(sim));
    const std::string first = report(d, "roads.road.pothole", "Яма на проезжей части у школы");
    d.tap("receipt/done");
    const std::string second =
        report(d, "transport.public.bus_late", "Автобус 5 не ходит по расписанию");
    EXPECT_NE(first, second);
    ASSERT_TRUE(d.wait_for([&] { return sim.store().count() == 2; }, 15s));
    EXPECT_TRUE(sim.store().find_by_receipt(first));
    EXPECT_TRUE(sim.store().find_by_receipt(second));
    EXPECT_EQ(sim.faults().rules().front().count, 0);  // all three were served
}

TEST(FirstAppeal, NoPlatformAtAllStillGivesAReceiptAndKeepsTheAppeal) {
    UiDriver::Options o;
    o.uploader = true;
    o.config.platform_url = RunningSim::gone_url();
    UiDriver d(o);
    const std::string receipt =
        report(d, "ecology.environment.landfill", "Свалка мусора в лесу за гаражами");
    ASSERT_FALSE(receipt.empty());
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().uploader_status().failed_attempts >= 1; }, 10s));
    auto store = core::AppealStore::open(test::store_options(d.data_dir()));
    EXPECT_EQ((*store)->queue_figures()->queued_appeals, 1);
    EXPECT_NE((*store)->queue_figures()->last_error.find("curl"), std::string::npos);
    // And the next citizen can start.
    d.tap("receipt/done");
    d.tap("attract/report");
    EXPECT_EQ(d.state().screen, Screen::kCategory);
}
