#include <gtest/gtest.h>

#include "ui/screens_maintenance.h"

using vmeste::ui::HiddenGesture;

namespace {

const ImVec2 kDisplay(1080, 1920);
const ImVec2 kTopLeft(30, 30), kBottomRight(1060, 1900), kMiddle(540, 960);

// Feeds a finger held at `at` for `ms` (frames of 16 ms), starting at `t`; returns whether it
// fired and moves `t` on.
bool hold(HiddenGesture& g, ImVec2 at, int64_t ms, int64_t& t) {
    bool fired = false;
    for (int64_t end = t + ms; t <= end; t += 16) fired |= g.feed(at, true, t, kDisplay);
    fired |= g.feed(at, false, t, kDisplay);  // lifted
    t += 16;
    return fired;
}

}  // namespace

TEST(HiddenGesture, ThreeSecondsTopLeftThenOneSecondBottomRightOpensIt) {
    HiddenGesture g;
    int64_t t = 1000;
    EXPECT_FALSE(hold(g, kTopLeft, 3100, t));
    EXPECT_TRUE(g.armed()) << "the next touch belongs to the gesture";
    t += 2000;  // within 5 s
    EXPECT_TRUE(hold(g, kBottomRight, 1100, t));
    EXPECT_FALSE(g.armed());
}

TEST(HiddenGesture, OrdinaryTouchesNeverOpenIt) {
    HiddenGesture g;
    int64_t t = 0;
    // Taps and long presses anywhere, corners included, in any order.
    for (ImVec2 at : {kTopLeft, kBottomRight, kMiddle, kBottomRight, kTopLeft}) {
        EXPECT_FALSE(hold(g, at, 100, t));
        EXPECT_FALSE(hold(g, at, 2900, t));
    }
    EXPECT_FALSE(g.armed());
    // The first half, then a touch elsewhere: swallowed, and it starts over.
    EXPECT_FALSE(hold(g, kTopLeft, 3100, t));
    EXPECT_FALSE(hold(g, kMiddle, 1500, t));
    EXPECT_FALSE(g.armed());
    EXPECT_FALSE(hold(g, kBottomRight, 1500, t)) << "the first half must come again";
    // The first half, then too late.
    EXPECT_FALSE(hold(g, kTopLeft, 3100, t));
    t += 6000;
    EXPECT_FALSE(hold(g, kBottomRight, 1500, t));
    // The first half, then a short tap in the right corner.
    EXPECT_FALSE(hold(g, kTopLeft, 3100, t));
    EXPECT_FALSE(hold(g, kBottomRight, 500, t));
    // A finger that slides out of the corner during the first hold.
    for (int64_t end = t + 1500; t < end; t += 16) g.feed(kTopLeft, true, t, kDisplay);
    for (int64_t end = t + 2000; t < end; t += 16) g.feed(kMiddle, true, t, kDisplay);
    g.feed(kMiddle, false, t, kDisplay);
    EXPECT_FALSE(g.armed());
}
