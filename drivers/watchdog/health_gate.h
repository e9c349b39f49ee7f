// HealthGate: pets the watchdog only while every watched thread shows progress. The UI loop and
// the uploader each report `alive()` as they go round; `tick()` (called by the UI loop at least
// every few seconds) pets when every participant reported within its allowance. A thread that
// hangs — a deadlock, an endless loop, a read that never returns — stops the pets, and systemd or
// the hardware restarts the kiosk. Times come from the injected clock.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "drivers/watchdog/watchdog.h"
#include "kiosk/base/clock.h"

namespace vmeste::drivers {

class HealthGate {
  public:
    HealthGate(Watchdog& watchdog, const Clock& clock);

    // A participant that must report at least every `allowance_ms`.
    void watch(const std::string& name, int64_t allowance_ms);
    void alive(const std::string& name);  // thread-safe
    // Pets when healthy; returns whether it did.
    bool tick();
    // Participants that are late now (for the maintenance screen and the log).
    std::vector<std::string> late() const;
    int64_t pets() const { return pets_; }

  private:
    Watchdog& watchdog_;
    const Clock& clock_;
    mutable std::mutex mu_;
    struct Entry {
        int64_t allowance_ms = 0;
        int64_t last_ms = 0;
    };
    std::map<std::string, Entry> entries_;
    int64_t pets_ = 0;
};

// What the UI loop holds: ready() goes straight through; pet() reports `name` alive and lets the
// gate decide whether the supervisors hear of it.
class GatedWatchdog final : public Watchdog {
  public:
    GatedWatchdog(HealthGate& gate, Watchdog& inner, std::string name)
        : gate_(gate), inner_(inner), name_(std::move(name)) {}
    void ready() override { inner_.ready(); }
    void pet() override {
        gate_.alive(name_);
        gate_.tick();
    }

  private:
    HealthGate& gate_;
    Watchdog& inner_;
    std::string name_;
};

}  // namespace vmeste::drivers
