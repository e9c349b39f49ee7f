// TLS between the kiosk's libcurl transport and the simulator serving HTTPS with a throwaway CA
// (scripts/make-test-ca): verification is on, a wrong CA is refused (curl error 60), a wrong
// public-key pin is refused (error 90), and appeals go through with the right CA and pin.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

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

// Issue #20: host verification is on. A certificate the trusted CA signed for another name
// (what a network attacker with any certificate from a trusted CA would show) is refused.
TEST_F(Tls, ACertificateForAnotherHostIsRefusedThoughItsCaIsTrusted) {
    sim::SimOptions o = https();
    o.tls_cert_file = file("wrong-host.pem");
    o.tls_key_file = file("wrong-host.key");
    test::RunningSim sim(o);
    TransportOptions t;
    t.ca_file = file("ca.pem");
    auto out = send_one(sim, t);
    EXPECT_EQ(out.verdict, Verdict::kRetry) << out.reason;
    EXPECT_EQ(out.http_status, 0);
    EXPECT_NE(out.reason.find("(60)"), std::string::npos) << out.reason;
    EXPECT_EQ(sim.store().count(), 0) << "the appeal reached a server named otherwise";
}

TEST_F(Tls, PlainHttpToAnHttpsPortIsNotAnAnswer) {
    test::RunningSim sim(https());
    GatewayClient gw({"http://127.0.0.1:" + std::to_string(sim.port()), "t"},
                     make_curl_transport());
    auto out = gw.create_appeal("k", "{}", 0);
    EXPECT_EQ(out.verdict, Verdict::kRetry);
    EXPECT_EQ(out.http_status, 0);
}

// Issue #20, point 2: plain http:// leaves this machine only when a developer said so.
TEST(PlainHttp, TheTransportRefusesItBeyondThisMachineBeforeAByteIsSent) {
    // A listener on every address; this machine's own non-loopback address reaches it.
    const int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(l, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    socklen_t len = sizeof a;
    ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(l, 4), 0);
    ASSERT_EQ(::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len), 0);
    std::string ip;
    ifaddrs* ifs = nullptr;
    if (::getifaddrs(&ifs) == 0) {
        for (ifaddrs* i = ifs; i && ip.empty(); i = i->ifa_next)
            if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
                !(i->ifa_flags & IFF_LOOPBACK)) {
                char buf[INET_ADDRSTRLEN];
                ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf,
                            sizeof buf);
                ip = buf;
            }
        ::freeifaddrs(ifs);
    }
    if (ip.empty()) {
        ::close(l);
        GTEST_SKIP() << "this machine has no non-loopback IPv4 address";
    }
    const std::string url =
        "http://" + ip + ":" + std::to_string(ntohs(a.sin_port)) + "/v1/appeals";
    auto connected = [&] {
        pollfd p{l, POLLIN, 0};
        if (::poll(&p, 1, 500) != 1) return false;
        ::close(::accept(l, nullptr, nullptr));
        return true;
    };
    HttpRequest req{"POST", url, {{"Authorization", "Bearer device-token"}}, "{}"};
    auto r = make_curl_transport()->send(req);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(r.error().message.find("use https://"), std::string::npos) << r.error().message;
    EXPECT_FALSE(connected()) << "the request left the terminal";
    // The same with the development flag reaches the listener: the refusal is what stopped it.
    TransportOptions dev;
    dev.allow_plain_http = true;
    dev.total_timeout = std::chrono::milliseconds(300);
    (void)make_curl_transport(dev)->send(req);
    EXPECT_TRUE(connected());
    ::close(l);
}

TEST(PlainHttp, LoopbackMeansThisMachineAndNothingThatLooksLikeIt) {
    for (const char* yes : {"http://127.0.0.1:8080/x", "http://localhost", "http://LOCALHOST:1/",
                            "http://[::1]:8080/", "http://127.255.0.1/", "http://u:p@127.0.0.1/"})
        EXPECT_TRUE(is_loopback_http(yes)) << yes;
    for (const char* no :
         {"https://127.0.0.1/", "http://128.0.0.1/", "http://127.0.0.1.example/", "http://127.1/",
          "http://localhost.example/", "http://127.0.0.1@evil.example/", "http://[::2]/",
          "http://0x7f.0.0.1/", "http://10.0.0.1/", "ftp://127.0.0.1/", "http://127.0.0.256/"})
        EXPECT_FALSE(is_loopback_http(no)) << no;
}
