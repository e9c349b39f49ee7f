#include "drivers/watchdog/health_gate.h"

namespace vmeste::drivers {

HealthGate::HealthGate(Watchdog& watchdog, const Clock& clock)
    : watchdog_(watchdog), clock_(clock) {}

void HealthGate::watch(const std::string& name, int64_t allowance_ms) {
    std::lock_guard lock(mu_);
    entries_[name] = {allowance_ms, clock_.monotonic().count()};
}

void HealthGate::alive(const std::string& name) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(name);
    if (it != entries_.end()) it->second.last_ms = clock_.monotonic().count();
}

std::vector<std::string> HealthGate::late() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    const int64_t now = clock_.monotonic().count();
    for (const auto& [name, e] : entries_)
        if (now - e.last_ms > e.allowance_ms) out.push_back(name);
    return out;
}

bool HealthGate::tick() {
    if (!late().empty()) return false;
    watchdog_.pet();
    ++pets_;
    return true;
}

}  // namespace vmeste::drivers
