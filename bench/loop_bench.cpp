// loop_bench: what the event-driven kiosk loop costs, against a naive ImGui loop that redraws at
// 60 fps, both measured now on this machine with the same screens (run under a display; bench/run
// starts Xvfb). Figures: CPU per idle second, frames and CPU per tap, and one frame's cost.
// CPU is the whole process, including Mesa's llvmpipe threads, because that is what a GPU-less
// terminal pays.
#include <SDL.h>
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "drivers/watchdog/watchdog.h"
#include "kiosk/core/kiosk.h"
#include "ui/kiosk_loop.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_host.h"

using namespace vmeste;

namespace {

double cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void push_mouse(Uint32 type, int x, int y) {
    SDL_Event ev{};
    ev.type = type;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = x;
    ev.button.y = y;
    ev.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    SDL_PushEvent(&ev);
}

void push_quit() {
    ui::request_stop();
}

struct Figures {
    double cpu_ms = 0;
    long frames = 0;     // built
    long presented = 0;  // rasterised
};

// Runs the real kiosk loop for `seconds`, tapping (x, y) `taps` times spread over the run.
Figures event_driven(ui::KioskUi& kui, ui::SdlHost& host, double seconds, int taps, ImVec2 at) {
    drivers::CountingWatchdog wd;
    ui::LoopFigures lf;
    std::thread driver([&] {
        const auto step = std::chrono::duration<double>(seconds / (taps + 1));
        for (int i = 0; i < taps; ++i) {
            std::this_thread::sleep_for(step);
            push_mouse(SDL_MOUSEBUTTONDOWN, static_cast<int>(at.x), static_cast<int>(at.y));
            push_mouse(SDL_MOUSEBUTTONUP, static_cast<int>(at.x), static_cast<int>(at.y));
        }
        std::this_thread::sleep_for(step);
        push_quit();
    });
    const double c0 = cpu_ms();
    ui::run_kiosk_loop(kui, host, wd, &lf);
    const double c1 = cpu_ms();
    driver.join();
    return {c1 - c0, lf.frames, lf.presented};
}

// The baseline: the usual ImGui example loop, a frame every 1/60 s whether or not anything changed.
Figures naive(ui::KioskUi& kui, ui::SdlHost& host, double seconds) {
    Figures f;
    const double c0 = cpu_ms();
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    auto next = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < end) {
        SDL_Event ev;
        while (SDL_PollEvent(&ev)) host.handle_event(ev);
        host.begin_frame();
        kui.frame();
        host.present(kui.draw_data());
        ++f.frames;
        ++f.presented;
        next += std::chrono::microseconds(16667);
        std::this_thread::sleep_until(next);
    }
    f.cpu_ms = cpu_ms() - c0;
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
    const int taps = 10;
    if (!std::getenv("DISPLAY")) {
        std::fprintf(stderr, "loop_bench: needs a display (bench/run starts Xvfb)\n");
        return 1;
    }
    char tmpl[] = "/tmp/vmeste-bench-XXXXXX";
    core::Kiosk::Options ko;
    ko.config.data_dir = mkdtemp(tmpl);
    ko.start_uploader = false;
    auto kiosk = core::Kiosk::start(std::move(ko));
    if (!kiosk) return 1;
    ui::KioskUi kui(**kiosk);
    if (!kui.init(1080, 1920)) return 1;
    auto host = ui::SdlHost::open({"Vmeste bench", 1080, 1920, false});
    if (!host) {
        std::fprintf(stderr, "loop_bench: %s\n", host.error().message.c_str());
        return 1;
    }
    // One frame so the widget registry knows where the language button is.
    (*host)->begin_frame();
    kui.frame();
    const ui::WidgetInfo* lang = kui.widgets().find("top/language");
    const ImVec2 at((lang->min.x + lang->max.x) / 2, (lang->min.y + lang->max.y) / 2);

    // One full frame (build + llvmpipe raster) of the description screen, the heaviest.
    (*kiosk)->dispatch({core::IntentKind::kStart});
    (*kiosk)->dispatch({core::IntentKind::kChooseCategory, "roads"});
    (*kiosk)->dispatch({core::IntentKind::kChooseLeaf, "roads.road.pothole"});
    (*kiosk)->dispatch({core::IntentKind::kPlaceAddress});  // the place comes first
    (*kiosk)->dispatch({core::IntentKind::kInsertText, "ул. Мира, 12"});
    (*kiosk)->dispatch({core::IntentKind::kNext});
    double c0 = cpu_ms();
    const int n = 60;
    for (int i = 0; i < n; ++i) {
        (*host)->begin_frame();
        kui.frame();
        (*host)->present(kui.draw_data());
    }
    const double frame_ms = (cpu_ms() - c0) / n;
    (*kiosk)->dispatch({core::IntentKind::kCancel});

    const Figures idle = event_driven(kui, **host, seconds, 0, at);
    const Figures tapped = event_driven(kui, **host, seconds, taps, at);
    const Figures base = naive(kui, **host, seconds);

    std::printf("loop_bench (1080x1920, %.0f s per run, process CPU incl. llvmpipe)\n", seconds);
    std::printf("  one frame, description screen:   %6.1f ms CPU\n", frame_ms);
    std::printf("  idle, event-driven:              %6.2f %% CPU  %4ld frames drawn\n",
                idle.cpu_ms / (seconds * 10), idle.presented);
    std::printf("  idle, naive 60 fps baseline:     %6.2f %% CPU  %4ld frames drawn\n",
                base.cpu_ms / (seconds * 10), base.presented);
    const double per_tap_built = static_cast<double>(tapped.frames - idle.frames) / taps;
    const double per_tap_drawn = static_cast<double>(tapped.presented - idle.presented) / taps;
    const double per_tap_ms = (tapped.cpu_ms - idle.cpu_ms) / taps;
    std::printf("  per tap, event-driven:           %6.2f frames built, %.2f drawn, %6.1f ms CPU\n",
                per_tap_built, per_tap_drawn, per_tap_ms);
    std::printf(
        "  per tap, naive baseline:         every 1/60 s regardless (%.1f ms CPU per second)\n",
        base.cpu_ms / seconds);
    std::printf("  idle CPU saved vs. baseline:     %6.1fx\n",
                base.cpu_ms / std::max(idle.cpu_ms, 0.01));
    host->reset();
    return 0;
}
