// The uploader behind a real nginx (Debian's nginx-light), as МФЦ networks put a proxy in front of
// the platform (issue #17, points 4 and 5): `client_max_body_size 200k` answers 413 to the
// kiosk's 512 KiB chunks, and a rule answers 403 with nginx's own page while a file exists. The
// simulator's `middlebox` and `body-limit` profiles are modelled on these answers; this test
// checks the kiosk against the real thing. Skipped where nginx is not installed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "kiosk/core/appeal_store.h"
#include "sync/gateway_client.h"
#include "sync/outbox_worker.h"
#include "tests/support/platform_checks.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"

using namespace vmeste;
using namespace std::chrono_literals;

namespace {

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

bool port_open(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
}

// nginx in the foreground, one process, everything under `dir`, proxying to the simulator.
class Nginx {
  public:
    Nginx(const test::TempDir& dir, int upstream_port) : dir_(dir.path()) {
        port_ = free_port();
        forbid_ = dir_ + "/forbid";
        std::ofstream(dir_ + "/nginx.conf")
            << "daemon off;\nmaster_process off;\npid " << dir_ << "/nginx.pid;\n"
            << "error_log " << dir_ << "/error.log;\nevents {}\nhttp {\n"
            << "  access_log off;\n"
            << "  client_body_temp_path " << dir_ << "/body;\n"
            << "  proxy_temp_path " << dir_ << "/proxy;\n"
            << "  fastcgi_temp_path " << dir_ << "/fcgi;\n"
            << "  uwsgi_temp_path " << dir_ << "/uwsgi;\n"
            << "  scgi_temp_path " << dir_ << "/scgi;\n"
            << "  server {\n    listen 127.0.0.1:" << port_ << ";\n"
            << "    client_max_body_size 200k;\n"
            << "    location = /api/v1/appeals {\n"
            << "      if (-f " << forbid_ << ") { return 403; }\n"
            << "      proxy_pass http://127.0.0.1:" << upstream_port << ";\n    }\n"
            << "    location / { proxy_pass http://127.0.0.1:" << upstream_port << "; }\n"
            << "  }\n}\n";
        pid_ = fork();
        if (pid_ == 0) {
            execl("/usr/sbin/nginx", "nginx", "-p", dir_.c_str(), "-c",
                  (dir_ + "/nginx.conf").c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int i = 0; i < 100 && !port_open(port_); ++i) std::this_thread::sleep_for(50ms);
    }
    ~Nginx() {
        if (pid_ > 0) {
            kill(pid_, SIGQUIT);
            waitpid(pid_, nullptr, 0);
        }
    }
    bool up() const { return port_open(port_); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    void forbid(bool on) const {
        if (on)
            std::ofstream(forbid_) << "on\n";
        else
            std::filesystem::remove(forbid_);
    }
    std::string log() const {
        std::ifstream in(dir_ + "/error.log");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

  private:
    std::string dir_, forbid_;
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace

TEST(BehindNginx, A403PageAndA413ForBigChunksPauseAndShrinkButLoseAndQuarantineNothing) {
    if (!std::filesystem::exists("/usr/sbin/nginx")) GTEST_SKIP() << "nginx is not installed";
    test::TempDir dir, nginx_dir;
    test::RunningSim sim;
    const int sim_port = std::stoi(sim.url().substr(sim.url().rfind(':') + 1));
    Nginx nginx(nginx_dir, sim_port);
    ASSERT_TRUE(nginx.up()) << nginx.log();
    nginx.forbid(true);

    ManualClock clock;
    auto view = std::move(core::AppealStore::open(test::store_options(dir.path()))).value();
    std::vector<core::AcceptRequest> sent;
    for (int i = 0; i < 8; ++i) {
        auto req = test::appeal_request("NGX0-000" + std::to_string(i), "за прокси", 0);
        req.photos.push_back(test::fake_photo(300 + i, 600'000 + 50'000 * i));
        ASSERT_TRUE(view->accept(req, clock.unix_millis()));
        sent.push_back(std::move(req));
    }
    sync::OutboxWorker worker(
        core::make_outbox_queue(
            std::move(core::AppealStore::open(test::store_options(dir.path()))).value()),
        std::make_unique<sync::GatewayClient>(sync::GatewayConfig{nginx.url(), "t"},
                                              sync::make_curl_transport()),
        sync::RetryPolicy{}, clock);
    // Photos first: their 512 KiB chunks get nginx's 413 until they are 128 KiB; then the
    // appeals meet the 403 page: the queue waits, nothing is quarantined.
    for (int round = 0; round < 30 && view->queue_figures()->pending > 8; ++round) {
        worker.drain_due();
        clock.advance(16min);
    }
    EXPECT_EQ(sim.store().media_count(), 8) << "the photos did not get through nginx's limit";
    EXPECT_EQ(sim.store().count(), 0);
    const auto st = worker.status();
    EXPECT_NE(st.path_blocked.find("HTTP 403"), std::string::npos) << st.path_blocked;
    EXPECT_NE(st.path_blocked.find("text/html"), std::string::npos) << st.path_blocked;
    EXPECT_EQ(view->queue_figures()->quarantined, 0);
    // The proxy lets the appeals through again.
    nginx.forbid(false);
    for (int round = 0; round < 30 && view->queue_figures()->pending > 0; ++round) {
        clock.advance(16min);
        worker.drain_due();
    }
    EXPECT_EQ(view->queue_figures()->quarantined, 0);
    EXPECT_EQ(view->queue_figures()->queued_appeals, 0);
    EXPECT_EQ(sim.store().count(), 8);
    test::expect_on_platform_with_photos(sim, sent);
    EXPECT_TRUE(worker.status().path_blocked.empty());
}
