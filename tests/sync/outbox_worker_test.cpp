// The uploader end to end below the UI: the real store, the real worker, the simulator.
#include "sync/outbox_worker.h"

#include <gtest/gtest.h>

#include <thread>

#include "kiosk/core/appeal_store.h"
#include "tests/support/sim_fixture.h"

using namespace vmeste;
using namespace std::chrono_literals;

namespace {

core::Appeal appeal(const std::string& receipt) {
    return core::Appeal{core::new_uuid(),    receipt,          "housing", "Течёт крыша в подъезде",
                        core::Language::kRu, 1'790'000'000'000};
}

struct Rig {
    test::TempDir dir;
    test::RunningSim sim;
    ManualClock clock;
    std::unique_ptr<core::AppealStore> view;  // a second connection to check results
    std::unique_ptr<sync::OutboxWorker> worker;

    Rig() {
        auto writer = core::AppealStore::open(dir.file("a.db"));
        view = std::move(writer).value();
        auto queue = core::make_outbox_queue(core::AppealStore::open(dir.file("a.db")).value());
        auto gw = std::make_unique<sync::GatewayClient>(sync::GatewayConfig{sim.url(), "t"},
                                                        sync::make_curl_transport());
        worker = std::make_unique<sync::OutboxWorker>(std::move(queue), std::move(gw),
                                                      sync::RetryPolicy{}, clock);
    }
};

}  // namespace

TEST(OutboxWorker, DeliversEveryDueItemOnce) {
    Rig rig;
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(rig.view->insert_appeal(appeal("AAAA-000" + std::to_string(i)),
                                            rig.clock.unix_millis()));
    EXPECT_EQ(rig.worker->drain_due(), 3);
    EXPECT_EQ(rig.sim.store().count(), 3);
    EXPECT_EQ(rig.view->queue_figures()->delivered, 3);
    EXPECT_EQ(rig.worker->drain_due(), 0);
    EXPECT_EQ(rig.worker->status().delivered, 3);
}

TEST(OutboxWorker, AFailedAttemptWaitsForItsBackoffThenSucceeds) {
    Rig rig;
    rig.sim.faults().fail_next = 1;
    rig.sim.faults().retry_after_s = 30;
    ASSERT_TRUE(rig.view->insert_appeal(appeal("BBBB-0001"), rig.clock.unix_millis()));
    EXPECT_EQ(rig.worker->drain_due(), 1);
    EXPECT_EQ(rig.view->queue_figures()->pending, 1);
    EXPECT_EQ(rig.view->queue_figures()->last_error, "HTTP 503: Service Unavailable");
    EXPECT_EQ(rig.worker->drain_due(), 0);  // not due yet: Retry-After said 30 s
    rig.clock.advance(29s);
    EXPECT_EQ(rig.worker->drain_due(), 0);
    rig.clock.advance(1s);
    EXPECT_EQ(rig.worker->drain_due(), 1);
    EXPECT_EQ(rig.view->queue_figures()->delivered, 1);
    EXPECT_EQ(rig.sim.store().count(), 1);
}

TEST(OutboxWorker, ARejectedItemIsQuarantinedAndDoesNotBlockTheNext) {
    Rig rig;
    core::Appeal bad = appeal("CCCC-0001");
    bad.category_id = "";  // the simulator answers 422
    ASSERT_TRUE(rig.view->insert_appeal(bad, rig.clock.unix_millis()));
    ASSERT_TRUE(rig.view->insert_appeal(appeal("CCCC-0002"), rig.clock.unix_millis()));
    EXPECT_EQ(rig.worker->drain_due(), 2);
    auto f = rig.view->queue_figures();
    EXPECT_EQ(f->quarantined, 1);
    EXPECT_EQ(f->delivered, 1);
}

TEST(OutboxWorker, TheThreadWakesForNewWork) {
    Rig rig;
    rig.worker->start();
    ASSERT_TRUE(rig.view->insert_appeal(appeal("DDDD-0001"), rig.clock.unix_millis()));
    rig.worker->wake();
    for (int i = 0; i < 500 && rig.sim.store().count() == 0; ++i) std::this_thread::sleep_for(10ms);
    rig.worker->stop();
    EXPECT_EQ(rig.sim.store().count(), 1);
}
