#include "ui/kiosk_loop.h"

#include <SDL.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>

#include <algorithm>
#include <atomic>

namespace vmeste::ui {
namespace {

std::atomic<Uint32> g_wake_event{0};

// The watchdog needs a sign of life at least this often, even when nothing happens.
constexpr int kMaxSleepMs = 5000;
// ImGui settles a press in a few frames (hover, down, release, then the new screen); more would
// be a widget asking for redraws forever.
constexpr int kMaxFramesPerWake = 4;

}  // namespace

std::function<void()> make_ui_waker() {
    return [] {
        const Uint32 type = g_wake_event.load();
        if (type == 0) return;
        SDL_Event ev{};
        ev.type = type;
        SDL_PushEvent(&ev);  // SDL_PushEvent is thread-safe
    };
}

int run_kiosk_loop(KioskUi& ui, SdlGlHost& host, drivers::Watchdog& watchdog,
                   LoopFigures* figures) {
    if (g_wake_event == 0) g_wake_event = SDL_RegisterEvents(1);
    core::Kiosk& kiosk = ui.kiosk();
    watchdog.ready();
    bool dirty = true;
    for (;;) {
        if (dirty) {
            // Draw until a frame changes nothing: a press dispatches an intent in one frame and
            // the next frame shows its result.
            for (int i = 0; i < kMaxFramesPerWake; ++i) {
                host.begin_frame();
                const int intents = ui.frame();
                host.present(ui.draw_data());
                if (figures) ++figures->frames;
                if (intents == 0 && i > 0) break;
                kiosk.pump();
            }
            dirty = false;
        }
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now().time_since_epoch());
        const int timeout = static_cast<int>(
            std::clamp<int64_t>((kiosk.session().next_deadline() - now).count(), 1, kMaxSleepMs));
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, timeout)) {
            do {
                if (ev.type == SDL_QUIT) return 0;
                ImGui_ImplSDL2_ProcessEvent(&ev);
                // Pointer moves with no button held change nothing on a touch screen.
                if (ev.type != SDL_MOUSEMOTION || ev.motion.state != 0) dirty = true;
                if (ev.type == SDL_WINDOWEVENT) dirty = true;
            } while (SDL_PollEvent(&ev));
        }
        if (figures) ++figures->wakeups;
        dirty |= kiosk.pump();
        dirty |= kiosk.tick();
        // The countdown and the receipt's timer show seconds: redraw when a deadline passed.
        if (kiosk.session().idle_countdown_left() || kiosk.session().receipt_seconds_left())
            dirty = true;
        watchdog.pet();
    }
}

}  // namespace vmeste::ui
