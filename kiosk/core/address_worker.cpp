#include "kiosk/core/address_worker.h"

#include "kiosk/core/session.h"

namespace vmeste::core {

AddressWorker::AddressWorker(std::unique_ptr<AddressIndex> index, std::function<void()> wake_ui)
    : index_(std::move(index)), wake_(std::move(wake_ui)) {
    thread_ = std::thread([this] { loop(); });
}

AddressWorker::~AddressWorker() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void AddressWorker::suggest(uint64_t visit, std::string typed, double origin_lat,
                            double origin_lon) {
    std::lock_guard lock(mu_);
    suggest_ = Suggest{visit, std::move(typed), origin_lat, origin_lon};
    cv_.notify_all();
}

void AddressWorker::nearest(uint64_t visit, double lat, double lon) {
    std::lock_guard lock(mu_);
    nearest_ = Nearest{visit, lat, lon};
    cv_.notify_all();
}

bool AddressWorker::deliver(Session& session) {
    std::vector<std::function<void(Session&)>> done;
    {
        std::lock_guard lock(mu_);
        done.swap(done_);
    }
    for (auto& f : done) f(session);
    return !done.empty();
}

void AddressWorker::loop() {
    // Suggestions this many; the screen shows as many as fit.
    constexpr size_t kSuggestions = 6;
    for (;;) {
        std::optional<Suggest> s;
        std::optional<Nearest> n;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || suggest_ || nearest_; });
            if (stop_) return;
            s.swap(suggest_);
            n.swap(nearest_);
        }
        if (s) {
            auto hits = index_->suggest(s->typed, kSuggestions, s->lat, s->lon);
            std::lock_guard lock(mu_);
            done_.push_back([s = *s, hits = std::move(hits)](Session& session) mutable {
                session.on_address_suggestions(s.visit, s.typed, std::move(hits));
            });
        }
        if (n) {
            auto found = index_->nearest(n->lat, n->lon);
            std::lock_guard lock(mu_);
            done_.push_back([n = *n, found = std::move(found)](Session& session) mutable {
                session.on_nearest_address(n.visit, n.lat, n.lon, std::move(found));
            });
        }
        if (wake_) wake_();
    }
}

}  // namespace vmeste::core
