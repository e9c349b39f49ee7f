// settle: lets a kiosk's workers finish — pumps their completions into the session and ticks it,
// 5 ms apart, for up to 5 s — until `done` holds. Returns done() (false: it never happened).
#pragma once

#include <chrono>
#include <functional>
#include <thread>

#include "kiosk/core/kiosk.h"

namespace vmeste::test {

inline bool settle(core::Kiosk& k, const std::function<bool()>& done) {
    for (int i = 0; i < 1000 && !done(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        k.pump();
        k.tick();
    }
    return done();
}

}  // namespace vmeste::test
