// The staff and technician screens (issue #8) and the hidden gesture that opens them.
#pragma once

#include <cstdint>
#include <vector>

#include "kiosk/core/maintenance.h"
#include "ui/widgets.h"

namespace vmeste::ui {

// Draws the maintenance screen core::Maintenance is on; the touches become MaintIntents.
void draw_maintenance(Ui& ui, const core::Maintenance& m, std::vector<core::MaintIntent>& out);

// The hidden gesture: a finger held 3 s in the top-left corner, then, within 5 s, held 1 s in the
// bottom-right corner. Nothing a citizen's screen offers is in the top-left corner (the title and
// the step dots), so the first half does nothing visible; after it, the next touch belongs to the
// gesture (armed(): the UI lays a blocker over the screen) and a wrong one ends it.
class HiddenGesture {
  public:
    static constexpr int64_t kFirstHoldMs = 3000;
    static constexpr int64_t kArmedMs = 5000;
    static constexpr int64_t kSecondHoldMs = 1000;

    // One frame's pointer (display coordinates), whether it is down, and the time. True once,
    // when the gesture completes.
    bool feed(ImVec2 pos, bool down, int64_t now_ms, ImVec2 display);
    bool armed() const { return state_ >= State::kArmedHeld; }

  private:
    enum class State { kIdle, kFirst, kArmedHeld, kArmed, kSecond, kSwallow };
    State state_ = State::kIdle;
    bool was_down_ = false;
    int64_t since_ = 0;
};

}  // namespace vmeste::ui
