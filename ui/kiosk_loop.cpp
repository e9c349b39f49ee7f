#include "ui/kiosk_loop.h"

#include <SDL.h>
#include <imgui.h>

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace vmeste::ui {
namespace {

std::atomic<Uint32> g_wake_event{0};
std::atomic<Uint32> g_stop_event{0};
std::atomic<bool> g_stop_requested{false};

void register_events() {
    if (g_wake_event != 0) return;
    const Uint32 first = SDL_RegisterEvents(2);
    g_stop_event = first + 1;
    g_wake_event = first;
}

// The watchdog needs a sign of life at least this often, even when nothing happens.
constexpr int kMaxSleepMs = 5000;
// A safety bound: a frame that keeps dispatching intents (a bug) cannot spin the loop.
constexpr int kMaxFramesPerWake = 4;
// The live camera preview: 15 frames a second is what the preview stream delivers.
constexpr int kAnimationMs = 66;

}  // namespace

void request_stop() {
    g_stop_requested = true;
    const Uint32 type = g_stop_event.load();
    if (type == 0) return;  // the loop has not started: it sees the flag first thing
    SDL_Event ev{};
    ev.type = type;
    SDL_PushEvent(&ev);
}

void stop_on_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
        int sig = 0;
        sigwait(&set, &sig);
        request_stop();
    }).detach();
}

std::function<void()> make_ui_waker() {
    return [] {
        const Uint32 type = g_wake_event.load();
        if (type == 0) return;
        SDL_Event ev{};
        ev.type = type;
        SDL_PushEvent(&ev);  // SDL_PushEvent is thread-safe
    };
}

int run_kiosk_loop(KioskUi& ui, SdlHost& host, drivers::Watchdog& watchdog, LoopFigures* figures) {
    register_events();
    core::Kiosk& kiosk = ui.kiosk();
    bool dirty = true, ready = false;
    for (;;) {
        if (g_stop_requested.exchange(false)) return 0;  // consumed: a later loop runs anew
        if (dirty) {
            // Build frames while they dispatch intents (a press shows its result in the next
            // frame) or a release is pending; rasterise only the last one. On a GPU-less terminal
            // the raster is what costs (DESIGN.md: ~24 ms a frame on llvmpipe), building is cheap.
            for (int i = 0; i < kMaxFramesPerWake; ++i) {
                host.begin_frame();
                const int intents = ui.frame();
                if (figures) ++figures->frames;
                const bool more =
                    (intents > 0 || host.release_pending()) && i + 1 < kMaxFramesPerWake;
                if (!more) {
                    host.present(ui.draw_data());
                    if (figures) ++figures->presented;
                    if (!ready) {
                        // READY=1 once the first frame is on the screen: until then systemd
                        // counts the start as still going (and its timeout as a failure).
                        watchdog.ready();
                        ready = true;
                    }
                    break;
                }
                kiosk.pump();
            }
            dirty = false;
        }
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now().time_since_epoch());
        int timeout = static_cast<int>(
            std::clamp<int64_t>((kiosk.session().next_deadline() - now).count(), 1, kMaxSleepMs));
        if (ui.animating()) timeout = std::min(timeout, kAnimationMs);
        if (kiosk.maintenance().active()) timeout = std::min(timeout, 1000);
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, timeout)) {
            do {
                if (ev.type == g_stop_event.load()) {
                    g_stop_requested = false;
                    return 0;
                }
                // A window close (a window manager's Alt+F4) ends only a developer's window.
                if (ev.type == SDL_QUIT && !host.appliance()) return 0;
                dirty |= host.handle_event(ev);
            } while (SDL_PollEvent(&ev));
        }
        if (figures) ++figures->wakeups;
        dirty |= kiosk.pump();
        dirty |= kiosk.tick();
        if (auto code = kiosk.exit_requested()) return *code;  // a technician's exit
        // Maintenance shows the seconds until it closes by itself.
        if (kiosk.maintenance().active()) dirty = true;
        // Countdowns and timers show seconds: redraw when a deadline passed; the live camera
        // and the saving spinner move by themselves.
        const core::Session& s = kiosk.session();
        if (s.idle_countdown_left() || s.receipt_seconds_left() || s.photo_countdown_left() ||
            s.handoff_seconds_left() || ui.animating())
            dirty = true;
        watchdog.pet();
    }
}

}  // namespace vmeste::ui
