// RunningSim: the platform simulator served in-process on a free loopback port, with its own
// SQLite file. Tests talk to it over real HTTP through libcurl.
#pragma once

#include <memory>
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
    int port() const { return port_; }
    sim::SimStore& store() { return *store_; }
    sim::Faults& faults() { return server_->faults(); }
    int attempts(const std::string& key) const { return server_->attempts(key); }
    sim::SimServer& server() { return *server_; }

  private:
    TempDir dir_;
    std::unique_ptr<sim::SimStore> store_;
    std::unique_ptr<sim::SimServer> server_;
    int port_ = -1;
};

}  // namespace vmeste::test
