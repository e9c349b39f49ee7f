// The fault matrix (label `fault`): for every way the simulator can fail, a batch of appeals with
// photos ends up on the platform exactly once with byte-identical photos, and Retry-After is
// respected on the injected clock. Real HTTP over libcurl; time is a ManualClock, so backoff
// costs no waiting.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "kiosk/core/appeal_store.h"
#include "sync/gateway_client.h"
#include "sync/outbox_worker.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"

using namespace vmeste;
using namespace std::chrono_literals;

namespace {

int64_t real_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Rig {
    test::TempDir dir;
    test::RunningSim sim;
    ManualClock clock{real_now_ms()};  // HTTP-date Retry-After is compared with it
    std::unique_ptr<core::AppealStore> view;
    std::unique_ptr<sync::OutboxWorker> worker;

    Rig() {
        view = core::AppealStore::open(test::store_options(dir.path())).value();
        sync::TransportOptions t;
        t.connect_timeout = 2s;
        t.total_timeout = 5s;
        auto gw = std::make_unique<sync::GatewayClient>(sync::GatewayConfig{sim.url(), "t"},
                                                        sync::make_curl_transport(t));
        worker = std::make_unique<sync::OutboxWorker>(
            core::make_outbox_queue(
                core::AppealStore::open(test::store_options(dir.path())).value()),
            std::move(gw), sync::RetryPolicy{}, clock);
    }

    // Steps simulated time a second at a time until nothing is pending (or the budget runs out).
    int64_t drain(int64_t max_seconds) {
        for (int64_t t = 0; t < max_seconds; ++t) {
            worker->drain_due();
            if (view->queue_figures()->pending == 0) return t;
            clock.advance(1s);
        }
        return -1;
    }
};

class FaultMatrix : public ::testing::TestWithParam<const char*> {};

}  // namespace

TEST_P(FaultMatrix, EveryAppealArrivesOnceWithItsPhotos) {
    Rig rig;
    rig.sim.faults().add(*sim::parse_fault_rule(GetParam()));
    std::vector<core::AcceptRequest> sent;
    for (int i = 0; i < 4; ++i) {
        sent.push_back(test::appeal_request("MTX" + std::to_string(i) + "-0001",
                                            "Обращение номер " + std::to_string(i), 2, 100 + i));
        ASSERT_TRUE(rig.view->accept(sent.back(), rig.clock.unix_millis()));
    }
    const int64_t took = rig.drain(6 * 3600);
    ASSERT_GE(took, 0) << "not delivered within 6 simulated hours under " << GetParam();
    EXPECT_EQ(rig.sim.store().count(), 4);
    EXPECT_EQ(rig.sim.store().media_count(), 8);
    for (const auto& req : sent) {
        auto got = rig.sim.store().find_by_receipt(req.appeal.receipt_number);
        ASSERT_TRUE(got) << req.appeal.receipt_number;
        EXPECT_EQ(got->text, req.appeal.text);
        auto photos = nlohmann::json::parse(got->photos);
        ASSERT_EQ(photos.size(), 2u);
        for (size_t i = 0; i < 2; ++i)
            EXPECT_EQ(rig.sim.store().find_media("sha256", photos[i].get<std::string>())->data,
                      req.photos[i]);
    }
    auto f = rig.view->queue_figures();
    EXPECT_EQ(f->quarantined, 0);
    EXPECT_EQ(f->queued_appeals, 0);
    EXPECT_GT(rig.sim.faults().fired(), 0) << "the fault never fired";
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultMatrix,
                         ::testing::Values("*:status=500:rate=0.5", "*:status=502:rate=0.5",
                                           "*:status=503:rate=0.5:retry-after=3",
                                           "*:status=429:rate=0.5:retry-after-date=5",
                                           "*:status=408:rate=0.5", "*:latency=300:rate=0.3",
                                           "*:drop-before:rate=0.5", "*:drop-mid-response:rate=0.5",
                                           "*:truncated-json:rate=0.5", "*:malformed-json:rate=0.5",
                                           "*:slow-drip:rate=0.3"),
                         [](const auto& info) {
                             std::string n = info.param;
                             for (char& c : n)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });

TEST(FaultMatrixTimeout, AnAnswerSlowerThanTheTimeoutIsRetriedAndStillArrivesOnce) {
    Rig rig;  // total timeout 5 s
    rig.sim.faults().add(*sim::parse_fault_rule("appeals:latency=6000:count=1"));
    auto req = test::appeal_request("SLW0-0001");
    ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
    ASSERT_GE(rig.drain(600), 0);
    // Timed out once; the retries that came while the first request was still being handled got
    // 409 "in progress" and were asked again shortly, until the replay of the stored answer.
    EXPECT_GE(rig.sim.attempts(req.appeal.uuid), 3);
    EXPECT_GE(rig.worker->status().counters["http-409"], 1);
    EXPECT_EQ(rig.sim.store().count(), 1);  // the slow first attempt was stored: once
    EXPECT_EQ(rig.worker->status().counters["network"], 1);
    EXPECT_EQ(rig.view->queue_figures()->pending, 0);
}

TEST(FaultMatrixRetryAfter, SecondsAreRespectedOnTheInjectedClock) {
    Rig rig;
    rig.sim.faults().add(*sim::parse_fault_rule("appeals:status=429:count=1:retry-after=120"));
    auto req = test::appeal_request("RTA0-0001");
    ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
    rig.worker->drain_due();
    EXPECT_EQ(rig.sim.attempts(req.appeal.uuid), 1);
    rig.clock.advance(119s);
    rig.worker->drain_due();
    EXPECT_EQ(rig.sim.attempts(req.appeal.uuid), 1) << "retried before Retry-After";
    rig.clock.advance(1s);
    rig.worker->drain_due();
    EXPECT_EQ(rig.sim.attempts(req.appeal.uuid), 2);
    EXPECT_EQ(rig.sim.store().count(), 1);
}

TEST(FaultMatrixRetryAfter, AnHttpDateIsRespectedAndAHugeOneIsClampedToADay) {
    Rig rig;
    rig.sim.faults().add(*sim::parse_fault_rule("appeals:status=503:count=1:retry-after-date=600"));
    auto req = test::appeal_request("RTA0-0002");
    ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
    rig.worker->drain_due();
    rig.clock.advance(590s);  // the date has one-second resolution and real time moves on
    rig.worker->drain_due();
    EXPECT_EQ(rig.sim.attempts(req.appeal.uuid), 1);
    rig.clock.advance(15s);
    rig.worker->drain_due();
    EXPECT_EQ(rig.sim.store().count(), 1);

    rig.sim.faults().add(*sim::parse_fault_rule("appeals:status=503:count=1:retry-after=9999999"));
    auto late = test::appeal_request("RTA0-0003");
    ASSERT_TRUE(rig.view->accept(late, rig.clock.unix_millis()));
    rig.worker->drain_due();
    rig.clock.advance(24h - 1s);
    rig.worker->drain_due();
    EXPECT_EQ(rig.sim.attempts(late.appeal.uuid), 1);
    rig.clock.advance(2s);
    rig.worker->drain_due();
    EXPECT_EQ(rig.sim.attempts(late.appeal.uuid), 2) << "Retry-After must be clamped to 24 h";
}

TEST(FaultMatrixOutage, DaysDownMakeNoRetryStormAndEverythingGoesWhenItIsBack) {
    Rig rig;
    rig.sim.faults().add(*sim::parse_fault_rule("*:status=503"));
    std::vector<std::string> keys;
    for (int i = 0; i < 30; ++i) {
        auto req =
            test::appeal_request("OUT" + std::to_string(i / 10) + "-000" + std::to_string(i % 10));
        ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
        keys.push_back(req.appeal.uuid);
    }
    // Two simulated days down, looking every 10 s.
    for (int step = 0; step < 2 * 24 * 360; ++step) {
        rig.worker->drain_due();
        rig.clock.advance(10s);
    }
    int attempts = 0;
    for (const auto& k : keys) attempts += rig.sim.attempts(k);
    // One probe per backoff step (capped at 15 min, full jitter: 7.5 min on average) is ~400 in two
    // days; one per item would be 30 times that.
    EXPECT_GT(attempts, 150) << "the uploader gave up probing";
    EXPECT_LT(attempts, 800) << "retry storm while the platform was down";
    rig.sim.faults().clear();
    const int64_t took = rig.drain(3600);
    ASSERT_GE(took, 0);
    EXPECT_LE(took, 15 * 60 + 60) << "delivery after the outage waited longer than one backoff cap";
    EXPECT_EQ(rig.sim.store().count(), 30);
    auto counters = rig.worker->status().counters;
    EXPECT_EQ(counters["http-5xx"], attempts);
    EXPECT_EQ(counters["delivered"], 30);
}

TEST(FaultMatrixPoison, APermanentlyRejectedAppealIsQuarantinedAndTheOthersGoThrough) {
    Rig rig;
    auto poison = test::appeal_request("PSN0-0001");
    poison.appeal.category_id = "";  // the gateway answers 422 for ever
    ASSERT_TRUE(rig.view->accept(poison, rig.clock.unix_millis()));
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(
            rig.view->accept(test::appeal_request("PSN0-000" + std::to_string(i + 2), "x", 1),
                             rig.clock.unix_millis()));
    ASSERT_GE(rig.drain(60), 0);
    EXPECT_EQ(rig.sim.store().count(), 3);
    EXPECT_EQ(rig.view->queue_figures()->quarantined, 1);
    EXPECT_EQ(rig.sim.attempts(poison.appeal.uuid), 1);  // never retried
    EXPECT_EQ(rig.worker->status().counters["http-422"], 1);
}
