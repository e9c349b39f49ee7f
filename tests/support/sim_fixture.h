// RunningSim: the platform simulator served in-process on a free loopback port, with its own
// SQLite file. Tests talk to it over real HTTP through libcurl.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "tests/support/temp_dir.h"
#include "tools/platform-sim/sim_server.h"

namespace vmeste::test {

class RunningSim {
  public:
    explicit RunningSim(sim::SimOptions options = {}) {
        auto s = sim::SimStore::open(dir_.file("sim.db"));
        store_ = std::move(s).value();
        server_ = std::make_unique<sim::SimServer>(options, *store_);
        port_ = server_->bind("127.0.0.1", 0);
        server_->start_background();
    }
    ~RunningSim() { server_->stop(); }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // A platform that is not there: the URL of a simulator that has just stopped (nothing
    // listens on its port).
    static std::string gone_url() {
        RunningSim gone;
        return gone.url();
    }
    int port() const { return port_; }
    sim::SimStore& store() { return *store_; }
    sim::Faults& faults() { return server_->faults(); }
    int attempts(const std::string& key) const { return server_->attempts(key); }
    sim::SimServer& server() { return *server_; }
    // The newest of the last 50 appeals (or Open311 requests) whose text carries `receipt`, once
    // one has arrived: an Open311 description ends with its receipt line.
    std::optional<sim::ReceivedAppeal> carrying(const std::string& receipt) {
        std::optional<sim::ReceivedAppeal> got;
        for (auto& a : store_->list(50))
            if (a.text.find(receipt) != std::string::npos) got = a;
        return got;
    }
    // An appeal the platform received `age_ms` ago (its status moves a step a minute), as if
    // another kiosk or the app had sent it.
    // An appeal the platform holds (from another terminal): `place` is its place as JSON
    // ({"lat":…,"lon":…}), which makes it one of the "similar appeals" near that point.
    void add_received(const std::string& receipt, int64_t age_ms,
                      const std::string& category = "roads.road.pothole",
                      const std::string& place = "") {
        sim::ReceivedAppeal a;
        a.idempotency_key = "received-" + receipt;
        a.receipt_number = receipt;
        a.category = category;
        a.text = "-";
        a.language = "ru";
        a.received_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count() -
                             age_ms;
        a.status = "registered";
        a.place = place;
        if (!store_->insert(a)) throw std::runtime_error("sim store insert failed");
    }

  private:
    TempDir dir_;
    std::unique_ptr<sim::SimStore> store_;
    std::unique_ptr<sim::SimServer> server_;
    int port_ = -1;
};

}  // namespace vmeste::test
