// The kiosk's main loop: event-driven, so an idle kiosk draws nothing and sleeps in
// SDL_WaitEventTimeout until a touch, a finished save, or the session's next deadline.
#pragma once

#include <functional>

#include "drivers/watchdog/watchdog.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_host.h"

namespace vmeste::ui {

// A thread-safe "look at the kiosk now" for worker threads (pushes an SDL user event).
std::function<void()> make_ui_waker();

struct LoopFigures {
    long frames = 0;     // ImGui frames built
    long presented = 0;  // of those, rasterised and shown
    long wakeups = 0;
};

// Ends the loop from any thread (the service's SIGTERM, via stop_on_signals): it returns 0.
void request_stop();
// Blocks SIGTERM and SIGINT in the calling thread (call it in main() before any thread starts,
// so every thread inherits the mask) and waits for them on a thread of its own, which calls
// request_stop(). A window close cannot end the terminal; the service can.
void stop_on_signals();

// Runs until request_stop(), a technician's exit, or — only for a developer's window
// (HostOptions::appliance false) — the window being closed. Returns the process exit code.
int run_kiosk_loop(KioskUi& ui, SdlHost& host, drivers::Watchdog& watchdog,
                   LoopFigures* figures = nullptr);

}  // namespace vmeste::ui
