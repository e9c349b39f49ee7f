// TLS between the kiosk's libcurl transport and the simulator serving HTTPS with a throwaway CA
// (scripts/make-test-ca): verification is on, a wrong CA is refused (curl error 60), a wrong
// public-key pin is refused (error 90), and appeals go through with the right CA and pin.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "sync/gateway_client.h"
#include "tests/support/sim_fixture.h"

using namespace vmeste;
using namespace vmeste::sync;

namespace {

class Tls : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir;
        const std::string cmd =
            std::string(VMESTE_SOURCE_DIR) + "/scripts/make-test-ca " + dir_->path();
        ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static std::string file(const char* name) { return dir_->file(name); }
    static std::string pin() {
        std::ifstream in(file("server.pin"));
        std::string p;
        std::getline(in, p);
        return p;
    }
    static sim::SimOptions https() {
        sim::SimOptions o;
        o.tls_cert_file = file("server.pem");
        o.tls_key_file = file("server.key");
        return o;
    }
    static test::TempDir* dir_;
};
test::TempDir* Tls::dir_ = nullptr;

std::string https_url(const test::RunningSim& sim) {
    return "https://127.0.0.1:" + std::to_string(sim.port());
}

DeliveryOutcome send_one(const test::RunningSim& sim, TransportOptions t) {
    GatewayClient gw({https_url(sim), "t"}, make_curl_transport(t));
    const std::string key = "55555555-5555-4555-8555-555555555555";
    return gw.create_appeal(
        key,
        R"({"id":")" + key + R"(","receipt_number":"TLS0-0001","category":"roads","text":"Яма"})",
        0);
}

}  // namespace

TEST_F(Tls, TheTestCaIsTrustedAndAppealsGoThrough) {
    test::RunningSim sim(https());
    TransportOptions t;
    t.ca_file = file("ca.pem");
    auto out = send_one(sim, t);
    EXPECT_EQ(out.verdict, Verdict::kDone) << out.reason;
    EXPECT_EQ(sim.store().count(), 1);
}

TEST_F(Tls, AnUnknownCaIsRefusedAndNothingIsSent) {
    test::RunningSim sim(https());
    TransportOptions t;
    t.ca_file = file("other-ca.pem");
    auto out = send_one(sim, t);
    EXPECT_EQ(out.verdict, Verdict::kRetry);
    EXPECT_NE(out.reason.find("(60)"), std::string::npos) << out.reason;
    EXPECT_EQ(sim.store().count(), 0);
    // The system store does not know the test CA either.
    auto system = send_one(sim, {});
    EXPECT_NE(system.reason.find("(60)"), std::string::npos) << system.reason;
}

TEST_F(Tls, APinnedPublicKeyMustMatch) {
    test::RunningSim sim(https());
    TransportOptions t;
    t.ca_file = file("ca.pem");
    t.pinned_public_key = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    auto wrong = send_one(sim, t);
    EXPECT_NE(wrong.reason.find("(90)"), std::string::npos) << wrong.reason;
    EXPECT_EQ(sim.store().count(), 0);
    t.pinned_public_key = pin();
    auto right = send_one(sim, t);
    EXPECT_EQ(right.verdict, Verdict::kDone) << right.reason;
}

TEST_F(Tls, PlainHttpToAnHttpsPortIsNotAnAnswer) {
    test::RunningSim sim(https());
    GatewayClient gw({"http://127.0.0.1:" + std::to_string(sim.port()), "t"},
                     make_curl_transport());
    auto out = gw.create_appeal("k", "{}", 0);
    EXPECT_EQ(out.verdict, Verdict::kRetry);
    EXPECT_EQ(out.http_status, 0);
}
