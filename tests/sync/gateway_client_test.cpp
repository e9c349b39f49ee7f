// GatewayClient against the simulator over real HTTP on loopback.
#include "sync/gateway_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/sim_fixture.h"

using namespace vmeste;
using namespace vmeste::sync;

namespace {

std::string body(const std::string& key, const std::string& text = "Яма на дороге у дома 5") {
    return nlohmann::json{{"id", key},           {"receipt_number", "AB12-CD34"},
                          {"category", "roads"}, {"text", text},
                          {"language", "ru"},    {"created_at", "2026-11-29T10:00:00.000Z"}}
        .dump();
}

GatewayClient client(const test::RunningSim& sim, const std::string& token = "dev-token") {
    return GatewayClient({sim.url(), token}, make_curl_transport());
}

}  // namespace

TEST(GatewayClient, CreatesAnAppealAndGetsItsPlatformId) {
    test::RunningSim sim;
    auto gw = client(sim);
    auto out = gw.create_appeal("11111111-1111-4111-8111-111111111111",
                                body("11111111-1111-4111-8111-111111111111"), 0);
    EXPECT_EQ(out.verdict, Verdict::kDone);
    EXPECT_EQ(out.http_status, 201);
    EXPECT_EQ(out.platform_id, "POS-000001");
    EXPECT_EQ(out.status, "registered");
    auto stored = sim.store().find_by_receipt("AB12-CD34");
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->text, "Яма на дороге у дома 5");
}

TEST(GatewayClient, ARepeatWithTheSameKeyIsTheSameAppeal) {
    test::RunningSim sim;
    auto gw = client(sim);
    const std::string key = "22222222-2222-4222-8222-222222222222";
    auto first = gw.create_appeal(key, body(key), 0);
    auto again = gw.create_appeal(key, body(key), 0);
    EXPECT_EQ(again.verdict, Verdict::kDone);
    EXPECT_EQ(again.http_status, 200);
    EXPECT_EQ(again.platform_id, first.platform_id);
    EXPECT_EQ(sim.store().count(), 1);
}

TEST(GatewayClient, ADifferentBodyUnderAUsedKeyIsQuarantined) {
    test::RunningSim sim;
    auto gw = client(sim);
    const std::string key = "33333333-3333-4333-8333-333333333333";
    gw.create_appeal(key, body(key), 0);
    auto clash = gw.create_appeal(key, body(key, "другой текст совсем"), 0);
    EXPECT_EQ(clash.verdict, Verdict::kQuarantine);
    EXPECT_EQ(clash.http_status, 422);
    EXPECT_NE(clash.reason.find("Unprocessable"), std::string::npos);
}

TEST(GatewayClient, ServiceUnavailableIsRetriedWithRetryAfter) {
    test::RunningSim sim;
    sim.faults().add(*vmeste::sim::parse_fault_rule("appeals:status=503:count=1:retry-after=7"));
    auto gw = client(sim);
    const std::string key = "44444444-4444-4444-8444-444444444444";
    auto out = gw.create_appeal(key, body(key), 0);
    EXPECT_EQ(out.verdict, Verdict::kRetry);
    EXPECT_EQ(out.http_status, 503);
    ASSERT_TRUE(out.retry_after);
    EXPECT_EQ(out.retry_after->count(), 7000);
    EXPECT_EQ(gw.create_appeal(key, body(key), 0).verdict, Verdict::kDone);
}

TEST(GatewayClient, AWrongTokenAsksForCredentials) {
    vmeste::sim::SimOptions options;
    options.device_token = "right-token";
    test::RunningSim sim(options);
    auto gw = client(sim, "wrong-token");
    const std::string key = "55555555-5555-4555-8555-555555555555";
    EXPECT_EQ(gw.create_appeal(key, body(key), 0).verdict, Verdict::kRefreshCredentials);
}

TEST(GatewayClient, NoServerMeansRetry) {
    int port;
    {
        test::RunningSim sim;
        port = sim.port();
    }  // stopped: the port now refuses connections
    GatewayClient gw({"http://127.0.0.1:" + std::to_string(port), "t"}, make_curl_transport());
    auto out = gw.create_appeal("k", "{}", 0);
    EXPECT_EQ(out.verdict, Verdict::kRetry);
    EXPECT_EQ(out.http_status, 0);
    EXPECT_NE(out.reason.find("curl"), std::string::npos);
}
