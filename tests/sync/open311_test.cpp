// The Open311 adapter against the simulator's /open311/v2 over real HTTP: appeals with photos
// (multipart photo1..N) arrive once and byte-identical, statuses come back by id, tokens are
// resolved, and Open311's error arrays become quarantine or re-authentication.
#include "sync/open311_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "kiosk/core/appeal_store.h"
#include "sync/outbox_worker.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"

using namespace vmeste;
using namespace std::chrono_literals;

namespace {

struct Rig {
    test::TempDir dir;
    test::RunningSim sim;
    ManualClock clock;
    std::unique_ptr<core::AppealStore> view;
    std::unique_ptr<sync::OutboxWorker> worker;

    explicit Rig(sim::SimOptions o = {}, std::string api_key = "t") : sim(o) {
        view = core::AppealStore::open(test::store_options(dir.path())).value();
        auto adapter = std::make_unique<sync::Open311Client>(
            sync::Open311Config{sim.url() + "/open311/v2", api_key, "",
                                "г. Подольск, ул. Кирова, 39 (МФЦ)", 55.4312, 37.5447},
            sync::make_curl_transport());
        worker = std::make_unique<sync::OutboxWorker>(
            core::make_outbox_queue(
                core::AppealStore::open(test::store_options(dir.path())).value()),
            std::move(adapter), sync::RetryPolicy{}, clock);
    }
};

nlohmann::json get(const test::RunningSim& sim, const std::string& path) {
    sync::HttpRequest r;
    r.url = sim.url() + path;
    auto resp = sync::make_curl_transport()->send(r).value();
    return nlohmann::json::parse(resp.body);
}

}  // namespace

TEST(Open311, AppealsWithPhotosArriveOnceAndStatusesComeBack) {
    sim::SimOptions o;
    o.status_step_ms = 2;
    Rig rig(o);
    std::vector<core::AcceptRequest> sent;
    for (int i = 0; i < 2; ++i) {
        sent.push_back(test::appeal_request("O311-000" + std::to_string(i),
                                            "Не горит фонарь у дома " + std::to_string(i), 2,
                                            7 + i));
        ASSERT_TRUE(rig.view->accept(sent.back(), rig.clock.unix_millis()));
    }
    rig.worker->drain_due();
    ASSERT_EQ(rig.view->queue_figures()->pending, 0) << rig.view->queue_figures()->last_error;
    ASSERT_EQ(rig.sim.store().count(), 2);
    for (const auto& req : sent) {
        auto got = rig.sim.store().find_by_key(req.appeal.uuid);  // attribute[vmeste_id]
        ASSERT_TRUE(got);
        EXPECT_EQ(got->channel, "open311");
        EXPECT_EQ(got->text, req.appeal.text);
        EXPECT_EQ(got->category, "roads");
        auto place = nlohmann::json::parse(got->place);
        EXPECT_EQ(place["address"], "г. Подольск, ул. Кирова, 39 (МФЦ)");
        EXPECT_EQ(place["lat"], "55.431200");
        auto photos = nlohmann::json::parse(got->photos);
        ASSERT_EQ(photos.size(), 2u);
        for (size_t i = 0; i < 2; ++i)
            EXPECT_EQ(rig.sim.store().find_media("sha256", photos[i].get<std::string>())->data,
                      req.photos[i]);
        auto local = rig.view->find_by_receipt(req.appeal.receipt_number).value();
        EXPECT_EQ(local->platform_id, got->platform_id);
        EXPECT_EQ(local->status, "registered");
        // GET requests/{id}.json shows it as open311 does.
        auto r = get(rig.sim, "/open311/v2/requests/" + got->platform_id + ".json");
        ASSERT_TRUE(r.is_array());
        EXPECT_EQ(r[0]["service_request_id"], got->platform_id);
        EXPECT_FALSE(r[0]["media_url"].get<std::string>().empty());
    }
    std::this_thread::sleep_for(10ms);  // the simulator answers them
    EXPECT_EQ(rig.worker->poll_statuses(), 2);
    for (const auto& req : sent)
        EXPECT_EQ(rig.view->find_by_receipt(req.appeal.receipt_number).value()->status, "answered");
    EXPECT_EQ(rig.worker->poll_statuses(), 0) << "answered appeals are no longer asked about";
}

TEST(Open311, ARepeatOfTheSameAppealIsTheFirstRequest) {
    Rig rig;
    auto req = test::appeal_request("O311-0101", "Яма", 1);
    ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
    auto queue = core::make_outbox_queue(
        core::AppealStore::open(test::store_options(rig.dir.path())).value());
    sync::Open311Client adapter({rig.sim.url() + "/open311/v2", "t", "", "МФЦ, ул. Кирова, 39"},
                                sync::make_curl_transport());
    auto media = queue->next_due(rig.clock.unix_millis()).value();
    ASSERT_TRUE(media);
    ASSERT_EQ(media->kind, "media");
    EXPECT_EQ(adapter.deliver(*media, *queue, 0).verdict, sync::Verdict::kDone);
    ASSERT_TRUE(queue->mark_delivered(*media, "with-appeal", ""));
    auto appeal = queue->next_due(rig.clock.unix_millis()).value();
    ASSERT_TRUE(appeal);
    ASSERT_EQ(appeal->kind, "appeal");
    auto first = adapter.deliver(*appeal, *queue, 0);
    auto again = adapter.deliver(*appeal, *queue, 0);  // the first answer "was lost"
    ASSERT_EQ(first.verdict, sync::Verdict::kDone) << first.reason;
    EXPECT_EQ(again.platform_id, first.platform_id);
    EXPECT_EQ(rig.sim.store().count(), 1);
    EXPECT_EQ(rig.sim.attempts(req.appeal.uuid), 2);
}

TEST(Open311, TokensAreResolvedToRequestIds) {
    sim::SimOptions o;
    o.open311_tokens = true;
    Rig rig(o);
    auto req = test::appeal_request("O311-0201");
    ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
    rig.worker->drain_due();
    auto local = rig.view->find_by_receipt("O311-0201").value();
    EXPECT_TRUE(local->platform_id.starts_with("POS-")) << local->platform_id;
}

TEST(Open311, ErrorArraysQuarantineBadRequestsAndABadKeyAsksForCredentials) {
    {
        Rig rig;
        auto bad = test::appeal_request("O311-0301");
        bad.appeal.category_id = "no-such-service";
        ASSERT_TRUE(rig.view->accept(bad, rig.clock.unix_millis()));
        ASSERT_TRUE(rig.view->accept(test::appeal_request("O311-0302"), rig.clock.unix_millis()));
        rig.worker->drain_due();
        auto f = rig.view->queue_figures();
        EXPECT_EQ(f->quarantined, 1);
        EXPECT_EQ(rig.sim.store().count(), 1) << "the good one behind it still went";
        EXPECT_NE(rig.worker->status().last_error.find("service_code is missing or unknown"),
                  std::string::npos);
    }
    {
        sim::SimOptions o;
        o.device_token = "the-real-key";
        Rig rig(o, "a-wrong-key");
        ASSERT_TRUE(rig.view->accept(test::appeal_request("O311-0401"), rig.clock.unix_millis()));
        rig.worker->drain_due();
        EXPECT_EQ(rig.view->queue_figures()->pending, 1);  // kept, backed off
        EXPECT_EQ(rig.worker->status().counters["http-403"], 1);
        EXPECT_EQ(rig.sim.store().count(), 0);
    }
}

TEST(Open311, ServicesAndTheirDefinitionsComeFromTheCatalogue) {
    test::RunningSim sim;
    auto services = get(sim, "/open311/v2/services.json");
    ASSERT_TRUE(services.is_array());
    EXPECT_GE(services.size(), 40u);
    bool pothole = false;
    for (const auto& s : services) pothole |= s["service_code"] == "roads.road.pothole";
    EXPECT_TRUE(pothole);
    auto def = get(sim, "/open311/v2/services/roads.road.pothole.json");
    EXPECT_EQ(def["attributes"][0]["code"], "vmeste_id");
    auto missing = get(sim, "/open311/v2/services/nothing.json");
    ASSERT_TRUE(missing.is_array());
    EXPECT_EQ(missing[0]["code"], 404);
}

TEST(Open311, MultipartBodiesFollowRfc7578) {
    const std::string body = sync::multipart_body(
        {{"description", "Яма", "", "text/plain; charset=utf-8"},
         {"photo1", std::string("\xFF\xD8\x00\x01", 4), "photo1.jpg", "image/jpeg"}},
        "B0UND");
    EXPECT_EQ(body,
              "--B0UND\r\nContent-Disposition: form-data; name=\"description\"\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n\r\nЯма\r\n"
              "--B0UND\r\nContent-Disposition: form-data; name=\"photo1\"; filename=\"photo1.jpg\""
              "\r\nContent-Type: image/jpeg\r\n\r\n" +
                  std::string("\xFF\xD8\x00\x01", 4) + "\r\n--B0UND--\r\n");
}
