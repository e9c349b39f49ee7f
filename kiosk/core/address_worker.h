// AddressWorker: the region pack's address index (address_index.h) off the UI thread. The place
// step asks for suggestions at every keystroke and for the address under the pin as it moves;
// the newest question of each kind wins (a keystroke makes the last one's answer useless), the
// answers come back through deliver() on the UI thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/core/address_index.h"

namespace vmeste::core {

class Session;

class AddressWorker {
  public:
    AddressWorker(std::unique_ptr<AddressIndex> index, std::function<void()> wake_ui);
    ~AddressWorker();
    AddressWorker(const AddressWorker&) = delete;
    AddressWorker& operator=(const AddressWorker&) = delete;

    // UI thread.
    void suggest(uint64_t visit, std::string typed, double origin_lat, double origin_lon);
    void nearest(uint64_t visit, double lat, double lon);
    bool deliver(Session& session);
    const AddressIndex& index() const { return *index_; }

  private:
    struct Suggest {
        uint64_t visit;
        std::string typed;
        double lat, lon;
    };
    struct Nearest {
        uint64_t visit;
        double lat, lon;
    };
    void loop();
    std::unique_ptr<AddressIndex> index_;
    std::function<void()> wake_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::optional<Suggest> suggest_;
    std::optional<Nearest> nearest_;
    std::vector<std::function<void(Session&)>> done_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace vmeste::core
