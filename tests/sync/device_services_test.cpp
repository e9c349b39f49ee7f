// The gateway's device services between GatewayClient and the simulator over real HTTP:
// enrolment with a one-time code, catalogue and polls with ETag, heartbeat commands delivered
// at least once, look-up by receipt, and the citizen hand-off (RFC 8628) with slow_down.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "kiosk/base/clock.h"
#include "kiosk/core/catalog.h"
#include "sync/gateway_client.h"
#include "sync/handoff.h"
#include "tests/support/sim_fixture.h"
#include "tools/platform-sim/sim_util.h"

using namespace vmeste;
using namespace vmeste::sync;
using namespace std::chrono_literals;

namespace {

GatewayClient client(const test::RunningSim& sim, const std::string& token = "t") {
    return GatewayClient({sim.url(), token}, make_curl_transport());
}

// A plain request to the simulator (its admin endpoints, or what a phone would send).
HttpResponse send(const test::RunningSim& sim, const std::string& method, const std::string& path,
                  const std::string& body, const std::string& type = "text/plain") {
    HttpRequest r;
    r.method = method;
    r.url = sim.url() + path;
    r.headers = {{"Content-Type", type}};
    r.body = body;
    return make_curl_transport()->send(r).value();
}

// A simulator whose hand-off interval is 1 s, a client and the kiosk's clock.
struct HandoffRig {
    static sim::SimOptions options() {
        sim::SimOptions o;
        o.handoff_interval_s = 1;
        return o;
    }
    test::RunningSim sim{options()};
    GatewayClient gw = client(sim);
    ManualClock clock{1'000'000};
};

}  // namespace

TEST(Enrolment, AOneTimeCodeBecomesATokenOnceAndOnlyThatTokenIsAccepted) {
    sim::SimOptions o;
    o.require_enrolment = true;
    test::RunningSim sim(o);
    sim.store().add_enrol_code("4821-7730");
    auto anon = client(sim, "");
    auto e = anon.enrol("4821-7730", "SN-0001", "0.1.0");
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->device_id, "DEV-000001");
    EXPECT_GE(e->token.size(), 32u);
    EXPECT_FALSE(e->site_name.empty());
    EXPECT_NE(e->config_json.find("heartbeat_interval_s"), std::string::npos);

    auto again = anon.enrol("4821-7730", "SN-0002", "0.1.0");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kRejected);
    EXPECT_NE(again.error().message.find("409"), std::string::npos);
    auto unknown = anon.enrol("0000-0000", "SN-0003", "0.1.0");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kRejected);

    // With enrolment required, only the issued token opens the API.
    auto stranger = client(sim, "made-up-token");
    EXPECT_EQ(stranger.fetch_catalogue("").error().code, ErrorCode::kUnauthorized);
    auto enrolled = client(sim, e->token);
    EXPECT_TRUE(enrolled.fetch_catalogue(""));
}

TEST(Catalogue, ETagAvoidsDownloadsUntilThePlatformChangesIt) {
    test::RunningSim sim;
    auto gw = client(sim);
    auto first = gw.fetch_catalogue("");
    ASSERT_TRUE(first);
    EXPECT_FALSE(first->not_modified);
    ASSERT_FALSE(first->etag.empty());
    auto parsed = core::CategoryCatalog::parse(first->body);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_GE(parsed->leaves().size(), 30u);

    auto second = gw.fetch_catalogue(first->etag);
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->not_modified);
    EXPECT_TRUE(second->body.empty());

    auto changed = nlohmann::json::parse(first->body);
    changed["version"] = "2026.12-winter";
    send(sim, "PUT", "/sim/catalogue", changed.dump(), "application/json");
    auto third = gw.fetch_catalogue(first->etag);
    ASSERT_TRUE(third);
    EXPECT_FALSE(third->not_modified);
    EXPECT_NE(third->etag, first->etag);
    EXPECT_EQ(core::CategoryCatalog::parse(third->body)->version(), "2026.12-winter");
}

TEST(Polls, AreListedWithOptionsDeadlinesAndAnETag) {
    test::RunningSim sim;
    auto gw = client(sim);
    auto got = gw.fetch_polls("");
    ASSERT_TRUE(got);
    auto polls = replies::polls(got->body);
    ASSERT_TRUE(polls) << polls.error().message;
    ASSERT_EQ(polls->size(), 3u);
    EXPECT_EQ((*polls)[0].kind, "vote");
    EXPECT_EQ((*polls)[0].options.size(), 3u);
    EXPECT_GT((*polls)[0].deadline_ms, 0);
    EXPECT_FALSE((*polls)[0].title_en.empty());
    EXPECT_TRUE(gw.fetch_polls(got->etag)->not_modified);
}

TEST(Heartbeat, CommandsComeBackUntilAcknowledgedAndConfigIsReturned) {
    test::RunningSim sim;
    auto gw = client(sim);
    sim.server().queue_command("retry_quarantine");
    const std::string health = R"({"queue_depth": 3, "oldest_age_s": 120, "version": "0.1.0"})";
    auto first = gw.heartbeat(health);
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_EQ(first->commands.size(), 1u);
    EXPECT_EQ(first->commands[0].name, "retry_quarantine");
    EXPECT_NE(first->config_json.find("status_poll_interval_s"), std::string::npos);
    // Its answer "lost": the next heartbeat without an acknowledgement gets it again.
    auto second = gw.heartbeat(health);
    ASSERT_EQ(second->commands.size(), 1u);
    EXPECT_EQ(second->commands[0].id, first->commands[0].id);
    auto acked = gw.heartbeat(R"({"queue_depth": 0, "version": "0.1.0", "acked_commands": [")" +
                              first->commands[0].id + R"("]})");
    EXPECT_TRUE(acked->commands.empty());
    ASSERT_EQ(sim.server().heartbeats().size(), 3u);
    EXPECT_EQ(sim.server().heartbeats()[0]["queue_depth"], 3);
    // A heartbeat the gateway cannot read is refused with a problem, not silently taken.
    auto bad = gw.heartbeat(R"({"queue": 1})");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("400"), std::string::npos);
}

TEST(Lookup, AReceiptShowsStatusHistoryOrganisationAndAnswerButNoText) {
    sim::SimOptions o;
    o.status_step_ms = 1;  // answered at once
    test::RunningSim sim(o);
    auto gw = client(sim);
    const std::string key = "44444444-4444-4444-8444-444444444444";
    const std::string body =
        nlohmann::json{
            {"id", key},           {"receipt_number", "7K3Q-9PXA"},
            {"category", "roads"}, {"text", "Яма у подъезда, Иванов И. И., +79991234567"},
            {"language", "ru"},    {"created_at", "2026-11-29T10:00:00.000Z"}}
            .dump();
    ASSERT_EQ(gw.create_appeal(key, body, 0).verdict, Verdict::kDone);
    std::this_thread::sleep_for(5ms);
    auto l = gw.lookup("7K3Q-9PXA");
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(l->status, "answered");
    ASSERT_EQ(l->history.size(), 3u);
    EXPECT_EQ(l->history[0].first, "registered");
    EXPECT_EQ(l->organisation, "Департамент дорожного хозяйства");
    EXPECT_EQ(sim::organisation_for("roads.road.pothole"), "Департамент дорожного хозяйства");
    EXPECT_EQ(sim::organisation_for("culture.venues.library"), "Центр управления регионом");
    EXPECT_FALSE(l->answer.empty());
    EXPECT_GT(l->expected_answer_by_ms, l->history[0].second);
    // The look-up answer carries nothing the citizen wrote.
    auto raw = send(sim, "GET", "/api/v1/appeals/by-receipt/7K3Q-9PXA", "");
    EXPECT_EQ(raw.status, 401);  // and only a device may ask
    EXPECT_EQ(gw.lookup("NONE-0000").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(gw.lookup("../../etc").error().code, ErrorCode::kInvalidInput);
}

TEST(Handoff, ApprovedOnThePhoneTheKioskGetsTheIdentityOnce) {
    HandoffRig rig;
    auto& sim = rig.sim;
    auto& gw = rig.gw;
    auto& clock = rig.clock;
    HandoffSession session(gw, clock);
    ASSERT_TRUE(session.start());
    EXPECT_EQ(session.state(), HandoffSession::State::kWaiting);
    EXPECT_EQ(session.codes().user_code.size(), 9u);  // XXXX-XXXX
    EXPECT_NE(session.codes().verification_uri_complete.find(session.codes().user_code),
              std::string::npos);
    EXPECT_EQ(session.seconds_left(), 600);

    // The citizen's phone opens the QR's page and approves.
    auto page = send(sim, "GET", "/device?user_code=" + session.codes().user_code, "");
    EXPECT_NE(page.body.find(session.codes().user_code), std::string::npos);
    auto approve =
        send(sim, "POST", "/device", "user_code=" + session.codes().user_code + "&action=approve",
             "application/x-www-form-urlencoded");
    EXPECT_EQ(approve.status, 200);

    clock.advance(1s);
    std::this_thread::sleep_for(1050ms);  // the gateway's own clock for the interval
    EXPECT_EQ(session.poll(), HandoffSession::State::kApproved);
    EXPECT_EQ(session.identity().identity_level, "esia-confirmed");
    EXPECT_TRUE(session.identity().subject.starts_with("esia-"));
    // The device code is spent: polling it again is refused.
    auto replay = gw.poll_handoff(session.codes().device_code);
    ASSERT_TRUE(replay);
    EXPECT_EQ(replay->error, "invalid_grant");
}

TEST(Handoff, PollingTooFastIsToldToSlowDownAndTheIntervalGrowsByFive) {
    HandoffRig rig;
    auto& gw = rig.gw;
    auto& clock = rig.clock;
    HandoffSession session(gw, clock);
    ASSERT_TRUE(session.start());
    EXPECT_EQ(session.poll(), HandoffSession::State::kWaiting);  // not due yet: no request
    clock.advance(1s);
    EXPECT_EQ(session.poll(), HandoffSession::State::kWaiting);  // authorization_pending
    EXPECT_EQ(session.interval_s(), 1);
    // The kiosk's clock says a second passed, the gateway's says it did not: slow_down.
    clock.advance(1s);
    EXPECT_EQ(session.poll(), HandoffSession::State::kWaiting);
    EXPECT_EQ(session.interval_s(), 6);
    EXPECT_EQ(session.next_poll_unix_ms(), clock.unix_millis() + 6000);
    clock.advance(5s);
    session.poll();  // still inside the new interval: nothing is sent
    EXPECT_EQ(session.next_poll_unix_ms(), clock.unix_millis() + 1000);
}

TEST(Handoff, DeniedAndExpiredEndTheWait) {
    HandoffRig rig;
    auto& sim = rig.sim;
    auto& gw = rig.gw;
    auto& clock = rig.clock;
    HandoffSession denied(gw, clock);
    ASSERT_TRUE(denied.start());
    send(sim, "POST", "/device", "user_code=" + denied.codes().user_code + "&action=deny",
         "application/x-www-form-urlencoded");
    clock.advance(1s);
    std::this_thread::sleep_for(1050ms);
    EXPECT_EQ(denied.poll(), HandoffSession::State::kDenied);

    HandoffSession expired(gw, clock);
    ASSERT_TRUE(expired.start());
    clock.advance(601s);
    EXPECT_EQ(expired.poll(), HandoffSession::State::kExpired);
    EXPECT_EQ(expired.seconds_left(), 0);
    // An unknown code on the approval page is a clear "not found".
    EXPECT_EQ(send(sim, "POST", "/device", "user_code=BCDF-GHJK&action=approve",
                   "application/x-www-form-urlencoded")
                  .status,
              404);
}
