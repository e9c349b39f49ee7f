// The uploader end to end below the UI: the real store, the real worker, the simulator.
#include "sync/outbox_worker.h"
#include "sync/gateway_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "kiosk/core/appeal_store.h"
#include "tests/support/crash_sim.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"

using namespace vmeste;
using namespace std::chrono_literals;

namespace {

struct Rig {
    test::TempDir dir;
    test::RunningSim sim;
    ManualClock clock;
    std::unique_ptr<core::AppealStore> view;  // a second connection to check results
    std::unique_ptr<sync::OutboxWorker> worker;

    Rig() {
        auto writer = core::AppealStore::open(test::store_options(dir.path()));
        view = std::move(writer).value();
        auto queue = core::make_outbox_queue(
            core::AppealStore::open(test::store_options(dir.path())).value());
        auto gw = std::make_unique<sync::GatewayClient>(sync::GatewayConfig{sim.url(), "t"},
                                                        sync::make_curl_transport());
        worker = std::make_unique<sync::OutboxWorker>(std::move(queue), std::move(gw),
                                                      sync::RetryPolicy{}, clock);
    }
};

// The gateway client, except that the platform answers 500 to one appeal's request every time
// (a request it cannot handle), as a real server does for an item that trips a bug of its own.
class OneItemFails final : public sync::DeliveryAdapter {
  public:
    OneItemFails(std::unique_ptr<sync::DeliveryAdapter> real, std::string receipt)
        : real_(std::move(real)), receipt_(std::move(receipt)) {}
    std::string_view name() const override { return "one-item-fails"; }
    sync::DeliveryOutcome deliver(const sync::OutboxItem& item, sync::OutboxQueue& queue,
                                  int64_t now) override {
        if (item.kind == "appeal" && item.body.find(receipt_) != std::string::npos) {
            ++failures;
            sync::DeliveryOutcome out;
            out.verdict = sync::Verdict::kRetry;
            out.http_status = 500;
            out.reason = "HTTP 500: Internal Server Error";
            return out;
        }
        return real_->deliver(item, queue, now);
    }
    Result<sync::StatusPage> status_changes(sync::OutboxQueue& q) override {
        return real_->status_changes(q);
    }
    int failures = 0;

  private:
    std::unique_ptr<sync::DeliveryAdapter> real_;
    std::string receipt_;
};

}  // namespace

// Issue #18, point 6: a 500 for one item is that item's trouble while others go through: the
// next item is tried in the same pass, and after `stuck_item_days` of it the item is set aside
// with its reason and attempts. Two 500s in a row are the platform's: the queue waits.
TEST(OutboxWorker, AnItemTheServerFailsForDaysIsQuarantinedAndNeverStopsTheNext) {
    test::TempDir dir;
    test::RunningSim sim;
    ManualClock clock;
    auto view = core::AppealStore::open(test::store_options(dir.path())).value();
    auto adapter = std::make_unique<OneItemFails>(
        std::make_unique<sync::GatewayClient>(sync::GatewayConfig{sim.url(), "t"},
                                              sync::make_curl_transport()),
        "POIS-0001");
    OneItemFails* fails = adapter.get();
    sync::OutboxWorker worker(
        core::make_outbox_queue(core::AppealStore::open(test::store_options(dir.path())).value()),
        std::move(adapter), sync::RetryPolicy{}, clock);
    worker.set_stuck_item_days(3);
    ASSERT_TRUE(view->accept(test::appeal_request("POIS-0001"), clock.unix_millis()));
    for (int i = 2; i <= 3; ++i)
        ASSERT_TRUE(view->accept(test::appeal_request("POIS-000" + std::to_string(i)),
                                 clock.unix_millis()));
    EXPECT_EQ(worker.drain_due(), 3) << "the 500 did not stop the pass";
    EXPECT_EQ(sim.store().count(), 2);
    EXPECT_EQ(view->queue_figures()->quarantined, 0) << "one day of it is not enough";
    // Days go by: the platform takes other appeals, this one keeps failing.
    for (int day = 0; day < 4 && view->queue_figures()->quarantined == 0; ++day) {
        for (int h = 0; h < 24; h += 4) {
            clock.advance(std::chrono::hours(4));
            ASSERT_TRUE(
                view->accept(test::appeal_request("POIS-" + std::to_string(1000 + day * 24 + h)),
                             clock.unix_millis()));
            worker.drain_due();
        }
    }
    const auto f = view->queue_figures();
    EXPECT_EQ(f->quarantined, 1);
    EXPECT_EQ(f->pending, 0) << "every other appeal went through";
    EXPECT_NE(f->last_error.find("HTTP 500"), std::string::npos) << f->last_error;
    EXPECT_NE(f->last_error.find("failing for 3 days"), std::string::npos) << f->last_error;
    EXPECT_NE(f->last_error.find("after " + std::to_string(fails->failures) + " attempts"),
              std::string::npos)
        << f->last_error;
}

TEST(OutboxWorker, TwoServerErrorsInARowAreAnOutageAndTheQueueWaits) {
    Rig rig;
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(rig.view->accept(test::appeal_request("OUTG-000" + std::to_string(i)),
                                     rig.clock.unix_millis()));
    rig.sim.faults().add(*sim::parse_fault_rule("appeals:status=500"));
    EXPECT_EQ(rig.worker->drain_due(), 2) << "the first 500 tries the next; the second waits";
    EXPECT_GT(rig.worker->status().next_attempt_unix_ms, rig.clock.unix_millis());
    EXPECT_EQ(rig.view->queue_figures()->quarantined, 0);
}

TEST(OutboxWorker, DeliversEveryDueItemOnce) {
    Rig rig;
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(rig.view->accept(test::appeal_request("AAAA-000" + std::to_string(i)),
                                     rig.clock.unix_millis()));
    EXPECT_EQ(rig.worker->drain_due(), 3);
    EXPECT_EQ(rig.sim.store().count(), 3);
    EXPECT_EQ(rig.view->queue_figures()->delivered, 3);
    EXPECT_EQ(rig.view->queue_figures()->queued_appeals, 0);
    EXPECT_EQ(rig.worker->drain_due(), 0);
    EXPECT_EQ(rig.worker->status().delivered, 3);
}

TEST(OutboxWorker, AFailedAttemptWaitsForItsBackoffThenSucceeds) {
    Rig rig;
    rig.sim.faults().add(*sim::parse_fault_rule("*:status=503:count=1:retry-after=30"));
    ASSERT_TRUE(rig.view->accept(test::appeal_request("BBBB-0001"), rig.clock.unix_millis()));
    EXPECT_EQ(rig.worker->drain_due(), 1);
    EXPECT_EQ(rig.view->queue_figures()->pending, 1);
    EXPECT_EQ(rig.view->queue_figures()->last_error, "HTTP 503: Injected fault");
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
    auto bad = test::appeal_request("CCCC-0001");
    bad.appeal.category_id = "";  // the simulator answers 422
    ASSERT_TRUE(rig.view->accept(bad, rig.clock.unix_millis()));
    ASSERT_TRUE(rig.view->accept(test::appeal_request("CCCC-0002"), rig.clock.unix_millis()));
    EXPECT_EQ(rig.worker->drain_due(), 2);
    auto f = rig.view->queue_figures();
    EXPECT_EQ(f->quarantined, 1);
    EXPECT_EQ(f->delivered, 1);
}

// A strict proxy in front of the platform answers 403 with its own HTML page (issue #17, point
// 4): that says nothing about any item. The queue waits with backoff and nothing is quarantined.
TEST(OutboxWorker, AProxysForbiddenPageIsAnOutageAndQuarantinesNothing) {
    Rig rig;
    for (int i = 0; i < 41; ++i) {
        char receipt[16];
        std::snprintf(receipt, sizeof receipt, "PRX0-%04d", i);
        ASSERT_TRUE(rig.view->accept(test::appeal_request(receipt), rig.clock.unix_millis()));
    }
    rig.sim.faults().add(*sim::parse_fault_rule("*:middlebox=403:count=3"));
    EXPECT_EQ(rig.worker->drain_due(), 1) << "one probe, then the whole queue waits";
    const auto blocked = rig.worker->status();
    EXPECT_NE(blocked.path_blocked.find("HTTP 403"), std::string::npos) << blocked.path_blocked;
    EXPECT_NE(blocked.path_blocked.find("text/html"), std::string::npos) << blocked.path_blocked;
    EXPECT_EQ(rig.view->queue_figures()->quarantined, 0);
    for (int round = 0; round < 20 && rig.view->queue_figures()->queued_appeals > 0; ++round) {
        rig.clock.advance(16min);
        rig.worker->drain_due();
    }
    const auto f = rig.view->queue_figures();
    EXPECT_EQ(f->quarantined, 0);
    EXPECT_EQ(f->queued_appeals, 0);
    EXPECT_EQ(rig.sim.store().count(), 41);
    EXPECT_TRUE(rig.worker->status().path_blocked.empty()) << "the platform answers again";
}

// A store that cannot write (disk full, read-only) cannot record a delivery (issue #17, point
// 7): the worker stops sending, with backoff, instead of sending the same item again and again.
TEST(OutboxWorker, AStoreThatCannotWritePausesSendingWithBackoffInsteadOfRepeating) {
    auto& disk = test::CrashSim::instance();
    disk.reset();
    test::TempDir dir;
    test::RunningSim sim;
    ManualClock clock;
    core::StoreOptions o = test::store_options(dir.path());
    o.fs = &disk.file_ops();
    o.sqlite_vfs = test::CrashSim::kVfsName;
    o.free_bytes = [] { return uint64_t{1} << 40; };
    auto view = std::move(core::AppealStore::open(o)).value();
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(view->accept(test::appeal_request("STW0-000" + std::to_string(i)),
                                 clock.unix_millis()));
    sync::RetryPolicy policy;
    sync::OutboxWorker worker(
        core::make_outbox_queue(std::move(core::AppealStore::open(o)).value()),
        std::make_unique<sync::GatewayClient>(sync::GatewayConfig{sim.url(), "t"},
                                              sync::make_curl_transport()),
        policy, clock);
    disk.set_quota(0);  // from now on every write: disk full
    EXPECT_EQ(worker.drain_due(), 1) << "one attempt, then the store said it cannot write";
    EXPECT_EQ(sim.store().count(), 1);
    EXPECT_FALSE(worker.status().store_error.empty());
    EXPECT_EQ(worker.drain_due(), 0) << "nothing before the backoff";
    clock.advance(policy.base - 1ms);
    EXPECT_EQ(worker.drain_due(), 0) << "no repeat faster than the backoff's base";
    int attempts = 0;
    for (int round = 0; round < 6; ++round) {
        clock.advance(policy.cap);
        attempts += worker.drain_due();
    }
    EXPECT_LE(attempts, 6) << "at most one attempt per backoff step while the store cannot write";
    EXPECT_EQ(view->queue_figures()->delivered, 0);
    disk.clear_quota();
    clock.advance(policy.cap);
    EXPECT_EQ(worker.drain_due(), 3);
    EXPECT_TRUE(worker.status().store_error.empty());
    EXPECT_EQ(view->queue_figures()->queued_appeals, 0);
    EXPECT_EQ(sim.store().count(), 3) << "the repeats were absorbed by the idempotency keys";
    disk.reset();
}

// A photo whose file was damaged or deleted on the terminal can never be sent (issue #17, point
// 6): its appeal goes without it, the platform is told which photo was lost, nothing waits in
// quarantine for a release that would only fail again.
TEST(OutboxWorker, AnAppealWhosePhotoWasLostGoesWithoutItAndSaysWhich) {
    Rig rig;
    auto damaged = test::appeal_request("LST0-0001", "фото повреждено", 2);
    auto missing = test::appeal_request("LST0-0002", "фото пропало", 1);
    ASSERT_TRUE(rig.view->accept(damaged, rig.clock.unix_millis()));
    ASSERT_TRUE(rig.view->accept(missing, rig.clock.unix_millis()));
    const std::string spool = rig.dir.path() + "/spool/";
    const std::string cut = spool + damaged.appeal.uuid + "-1.jpg.sealed";
    std::filesystem::resize_file(cut, std::filesystem::file_size(cut) - 1000);
    std::filesystem::remove(spool + missing.appeal.uuid + "-0.jpg.sealed");
    for (int round = 0; round < 5; ++round) {
        rig.worker->drain_due();
        rig.clock.advance(16min);
    }
    auto on_platform = rig.sim.store().find_by_receipt("LST0-0001");
    ASSERT_TRUE(on_platform) << "the appeal with a damaged photo never arrived";
    EXPECT_EQ(nlohmann::json::parse(on_platform->photos).size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(on_platform->lost_photos),
              nlohmann::json::parse(R"([{"position":1,"reason":"damaged"}])"));
    auto second = rig.sim.store().find_by_receipt("LST0-0002");
    ASSERT_TRUE(second) << "the appeal with a missing photo never arrived";
    EXPECT_EQ(nlohmann::json::parse(second->lost_photos),
              nlohmann::json::parse(R"([{"position":0,"reason":"missing"}])"));
    const auto f = rig.view->queue_figures();
    EXPECT_EQ(f->quarantined, 0);
    EXPECT_EQ(f->queued_appeals, 0);
    EXPECT_EQ((*rig.view->find_by_receipt("LST0-0001"))->flagged, "photo damaged");
    EXPECT_EQ(*rig.view->release_quarantine("test", rig.clock.unix_millis()), 0);
}

TEST(OutboxWorker, TheThreadWakesForNewWork) {
    Rig rig;
    rig.worker->start();
    ASSERT_TRUE(rig.view->accept(test::appeal_request("DDDD-0001"), rig.clock.unix_millis()));
    rig.worker->wake();
    for (int i = 0; i < 500 && rig.sim.store().count() == 0; ++i) std::this_thread::sleep_for(10ms);
    rig.worker->stop();
    EXPECT_EQ(rig.sim.store().count(), 1);
}

TEST(OutboxWorker, AnExpeditedPeriodicJobRunsNowNotAtItsInterval) {
    Rig rig;
    std::atomic<int> runs{0}, others{0};
    rig.worker->add_periodic("actions", Millis(3'600'000), Millis(3'600'000), [&] {
        ++runs;
        return true;
    });
    rig.worker->add_periodic("other", Millis(3'600'000), Millis(3'600'000), [&] {
        ++others;
        return true;
    });
    rig.worker->start();
    auto waited = [](auto&& done) {
        for (int i = 0; i < 200 && !done(); ++i) std::this_thread::sleep_for(10ms);
        return done();
    };
    ASSERT_TRUE(waited([&] { return runs == 1 && others == 1; }));  // the first round
    rig.worker->expedite("actions");  // the manual clock never reaches the hour
    ASSERT_TRUE(waited([&] { return runs == 2; }));
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(others, 1) << "only the job asked for";
    rig.worker->stop();
}

// A platform that refuses appeals (503) may still take the heartbeat, and an update's health
// check waits for one (docs/image.md "What booting it found"): each time the outage's gate
// opens, the periodic jobs that are due go out too, not only the queue's probe.
TEST(OutboxWorker, PeriodicJobsGoOutWhileThePlatformRefusesAppeals) {
    Rig rig;
    rig.sim.faults().add(*sim::parse_fault_rule("appeals:status=503"));
    ASSERT_TRUE(rig.view->accept(test::appeal_request("HBHB-0001"), rig.clock.unix_millis()));
    std::atomic<int> runs{0};
    rig.worker->add_periodic("heartbeat", Millis(60'000), Millis(60'000), [&] {
        ++runs;
        return true;
    });
    auto waited = [](auto&& done) {
        for (int i = 0; i < 300 && !done(); ++i) std::this_thread::sleep_for(10ms);
        return done();
    };
    rig.worker->start();
    EXPECT_TRUE(waited([&] { return runs == 1; }))
        << "the probe's 503 shut the gate before the heartbeat went";
    EXPECT_TRUE(waited([&] { return rig.worker->status().failed_attempts == 1; }));
    // A minute on: the appeal's retry, the gate and the heartbeat are all due again.
    rig.clock.advance(std::chrono::seconds(61));
    rig.worker->wake();
    EXPECT_TRUE(waited([&] { return runs == 2; })) << "the heartbeat waited for the appeals";
    EXPECT_TRUE(waited([&] { return rig.worker->status().failed_attempts == 2; }))
        << "the queue's probe did not go out when the gate opened";
    rig.worker->stop();
    EXPECT_EQ(rig.sim.store().count(), 0) << "the platform refused every appeal";
    EXPECT_EQ(rig.view->queue_figures()->pending, 1) << "the appeal waits, nothing is lost";
}

TEST(OutboxWorker, PhotosGoFirstAndTheAppealNamesThem) {
    Rig rig;
    auto req = test::appeal_request("EEEE-0001", "Сломан светофор на перекрёстке", 3, 7);
    ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
    EXPECT_EQ(rig.worker->drain_due(), 4);  // three photos, then the appeal
    EXPECT_EQ(rig.sim.store().media_count(), 3);
    auto got = rig.sim.store().find_by_receipt("EEEE-0001");
    ASSERT_TRUE(got);
    auto photos = nlohmann::json::parse(got->photos);
    ASSERT_EQ(photos.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        auto media = rig.sim.store().find_media("sha256", photos[i].get<std::string>());
        ASSERT_TRUE(media);
        EXPECT_EQ(media->data, req.photos[i]);  // byte for byte what the citizen took
    }
}

TEST(OutboxWorker, AnAppealWaitsForItsPhotos) {
    Rig rig;
    rig.sim.faults().add(
        *sim::parse_fault_rule("media:status=503:count=1"));  // the first photo fails once
    ASSERT_TRUE(rig.view->accept(test::appeal_request("FFFF-0001", "Нет освещения во дворе", 2),
                                 rig.clock.unix_millis()));
    rig.worker->drain_due();
    EXPECT_EQ(rig.sim.store().count(), 0);  // the appeal did not go ahead of its photo
    rig.clock.advance(std::chrono::minutes(20));
    rig.worker->drain_due();
    EXPECT_EQ(rig.sim.store().count(), 1);
    EXPECT_EQ(rig.sim.store().media_count(), 2);
}

TEST(StatusPolling, PlatformStatusesReachTheKioskAndTheCursorPersists) {
    test::TempDir dir;
    sim::SimOptions so;
    so.status_step_ms = 200;  // registered → in_work → answered, 0.2 s a step
    test::RunningSim sim(so);
    ManualClock clock;
    auto make_worker = [&] {
        auto gw = std::make_unique<sync::GatewayClient>(sync::GatewayConfig{sim.url(), "t"},
                                                        sync::make_curl_transport());
        return std::make_unique<sync::OutboxWorker>(
            core::make_outbox_queue(
                core::AppealStore::open(test::store_options(dir.path())).value()),
            std::move(gw), sync::RetryPolicy{}, clock);
    };
    auto view = core::AppealStore::open(test::store_options(dir.path())).value();
    ASSERT_TRUE(view->accept(test::appeal_request("STS0-0001"), clock.unix_millis()));
    {
        auto worker = make_worker();
        worker->drain_due();
        EXPECT_EQ((*view->find_receipt("STS0-0001"))->status, "registered");
        std::this_thread::sleep_for(std::chrono::milliseconds(450));
        EXPECT_EQ(worker->poll_statuses(), 3);  // registered, in_work, answered
    }
    EXPECT_EQ((*view->find_by_receipt("STS0-0001"))->status, "answered");
    EXPECT_EQ((*view->find_receipt("STS0-0001"))->status, "answered");
    EXPECT_FALSE(view->status_cursor().empty());
    auto again = make_worker();  // a restart: the cursor was stored, nothing is replayed
    EXPECT_EQ(again->poll_statuses(), 0);
}

TEST(StatusPolling, AnUnreadableAnswerMovesNothing) {
    test::TempDir dir;
    test::RunningSim sim;
    ManualClock clock;
    auto view = core::AppealStore::open(test::store_options(dir.path())).value();
    // A transport that answers garbage for status pages.
    struct Garbage final : sync::HttpTransport {
        Result<sync::HttpResponse> send(const sync::HttpRequest&) override {
            return sync::HttpResponse{
                200, {}, R"({"changes": [{"status": "answered"}], "cursor": "99"})"};
        }
    };
    sync::OutboxWorker worker(
        core::make_outbox_queue(core::AppealStore::open(test::store_options(dir.path())).value()),
        std::make_unique<sync::GatewayClient>(sync::GatewayConfig{sim.url(), "t"},
                                              std::make_unique<Garbage>()),
        sync::RetryPolicy{}, clock);
    EXPECT_EQ(worker.poll_statuses(), -1);
    EXPECT_TRUE(view->status_cursor().empty());
}
