// SimServer: the platform gateway of docs/protocol.md, served by cpp-httplib on loopback.
// Used by the vmeste-platform-sim binary and, in-process, by the sync and e2e tests.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "tools/platform-sim/sim_faults.h"
#include "tools/platform-sim/sim_store.h"

namespace httplib {
class Server;
}

namespace vmeste::sim {

struct SimOptions {
    std::string device_token;  // empty: any bearer token is accepted
    std::string public_url;    // base for tracking URLs; empty: http://host:port
    // An appeal moves registered → in_work → answered, one step every this many ms (≤ 0: never).
    int64_t status_step_ms = 60'000;
};

class SimServer {
  public:
    SimServer(SimOptions options, SimStore& store);
    ~SimServer();

    // Binds to host:port (0 = a free port) and returns the port, or -1.
    int bind(const std::string& host, int port);
    void run();  // blocks until stop()
    void start_background();
    void stop();
    Faults& faults() { return faults_; }
    std::string base_url() const;
    // Requests seen per Idempotency-Key (every attempt, faulted or not).
    int attempts(const std::string& key) const;

  private:
    void routes();
    nlohmann::json with_status(nlohmann::json j, const ReceivedAppeal& a) const;

    SimOptions options_;
    SimStore& store_;
    Faults faults_;
    mutable std::mutex attempts_mu_;
    std::map<std::string, int> attempts_;
    std::unique_ptr<httplib::Server> server_;
    std::string host_;
    int port_ = -1;
    std::thread thread_;
};

std::string html_escape(const std::string& s);

}  // namespace vmeste::sim
