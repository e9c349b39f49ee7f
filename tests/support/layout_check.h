// layout_problems: what a person would see wrong in the frame a KioskUi has just built, read off
// its widget registry and ImGui's draw data (no renderer needed, milliseconds a screen):
//  - a touch target under 88 px either way, or reaching outside the screen;
//  - two touch targets overlapping, not one wholly inside the other (a finger cannot tell them
//    apart: the keyboard over a field),
//    or something shown (a note, a text area, a QR code) running under a target;
//  - text outside the screen, or text that crosses a touch target's edge (a label spilling out
//    of its button, typed text under a key, a counter over the keys);
//  - a character a label needs that the fonts lack (ImGui would draw its fallback glyph).
// Each problem is one sentence naming the widgets; none: an empty list.
#pragma once

#include <string>
#include <vector>

#include "ui/kiosk_ui.h"

namespace vmeste::test {

std::vector<std::string> layout_problems(ui::KioskUi& ui);

}  // namespace vmeste::test
