// The kiosk's main loop: event-driven, so an idle kiosk draws nothing and sleeps in
// SDL_WaitEventTimeout until a touch, a finished save, or the session's next deadline.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

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

// When the kiosk cannot start because its store cannot be opened (a full disk, an I/O error, a
// read-only file system; issue #17), the terminal says so on its screen rather than staying
// black: «Терминал временно не работает» for citizens, the reason for staff, and it tries again
// by itself.
struct OutOfOrder {
    std::string reason;  // for staff: technical, no personal data
    // Called on a worker thread every `retry_every` until it gives a kiosk; an error's message
    // becomes the new reason.
    std::function<Result<std::unique_ptr<core::Kiosk>>()> retry;
    std::chrono::milliseconds retry_every{10'000};
    std::function<void()> alive;  // each pass, for the parts of the health gate that wait too
};
// Runs in a window of its own (opened and closed here, with its own ImGui context) until
// `retry` gives a kiosk, which it returns; nullptr when the service stopped it (or no window
// could be opened and the service stopped it meanwhile).
std::unique_ptr<core::Kiosk> run_out_of_order(
    const HostOptions& host_options, drivers::Watchdog& watchdog, OutOfOrder out,
    const StringCatalog& strings = StringCatalog::bundled());

}  // namespace vmeste::ui
