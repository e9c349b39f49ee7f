// The kiosk's main loop: event-driven, so an idle kiosk draws nothing and sleeps in
// SDL_WaitEventTimeout until a touch, a finished save, or the session's next deadline.
#pragma once

#include <functional>

#include "drivers/watchdog/watchdog.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_gl_host.h"

namespace vmeste::ui {

// A thread-safe "look at the kiosk now" for worker threads (pushes an SDL user event).
std::function<void()> make_ui_waker();

struct LoopFigures {
    long frames = 0;     // ImGui frames built
    long presented = 0;  // of those, rasterised and shown
    long wakeups = 0;
};

// Runs until the window is closed (or SIGTERM → SDL_QUIT). Returns the process exit code.
int run_kiosk_loop(KioskUi& ui, SdlGlHost& host, drivers::Watchdog& watchdog,
                   LoopFigures* figures = nullptr);

}  // namespace vmeste::ui
