// The citizen's screens. Each is a plain function of the session: it draws with ImGui and posts
// Intents; it keeps no state of its own (the keyboard's shift/page lives in KeyboardState, owned
// by KioskUi and reset with the session).
#pragma once

#include "ui/widgets.h"

namespace vmeste::ui {

// Draws the whole display for the session's current screen (and the idle countdown over it).
void draw_screen(Ui& ui);

}  // namespace vmeste::ui
