#include "ui/kiosk_loop.h"

#include <SDL.h>
#include <imgui.h>

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "kiosk/base/log.h"
#include "ui/fonts.h"
#include "ui/theme.h"
#include "ui/widgets.h"

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
        dirty |= ui.stale();  // map tiles that came after the frame (their loader woke us)
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

namespace {

// The out-of-order screen: the citizen's words large in the middle, Russian first, English below,
// the reason for staff small at the bottom. Nothing to touch.
void draw_out_of_order(const StringCatalog& strings, const Theme& theme, const Fonts& fonts,
                       const std::string& reason) {
    const Palette& p = theme.palette;
    ImGuiIO& io = ImGui::GetIO();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("out_of_order", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                     ImGuiWindowFlags_NoInputs);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float w = io.DisplaySize.x, h = io.DisplaySize.y;
    const float margin = theme.scale * 72;
    dl->AddRectFilled(ImVec2(0, 0), io.DisplaySize, color(p.background));
    // A warning band at the top: the state is visible from across the hall.
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(w, theme.scale * 24), color(p.warning));
    const float wrap = w - 2 * margin;
    auto text = [&](ImFont* font, const std::string& s, Rgb c, float y) {
        const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap, s.c_str());
        dl->AddText(font, font->FontSize, ImVec2(margin, y), color(c), s.c_str(), nullptr, wrap);
        return size.y;
    };
    float y = h * 0.3f;
    for (core::Language l : {core::Language::kRu, core::Language::kEn}) {
        const bool first = l == core::Language::kRu;
        y += text(first ? fonts.huge : fonts.title, strings.get(l, "ooo.title"), p.text, y);
        y += theme.scale * 24;
        y += text(fonts.body, strings.get(l, "ooo.body"), first ? p.text : p.text_muted, y);
        y += theme.scale * 72;
    }
    const std::string staff = strings.format(core::Language::kRu, "ooo.staff", {reason});
    const ImVec2 size =
        fonts.small->CalcTextSizeA(fonts.small->FontSize, FLT_MAX, wrap, staff.c_str());
    text(fonts.small, staff, p.text_muted, h - margin - size.y);
    ImGui::End();
    ImGui::Render();
}

}  // namespace

std::unique_ptr<core::Kiosk> run_out_of_order(const HostOptions& host_options,
                                              drivers::Watchdog& watchdog, OutOfOrder out,
                                              const StringCatalog& strings) {
    register_events();
    log::error("kiosk: out of order (%s); trying again every %lld s", out.reason.c_str(),
               static_cast<long long>(out.retry_every.count() / 1000));
    // The worker tries again; the UI thread only draws and waits.
    std::mutex mu;
    std::condition_variable cv;
    bool stop = false;
    std::string reason = out.reason;
    std::unique_ptr<core::Kiosk> started;
    auto wake = make_ui_waker();
    std::thread worker([&] {
        std::unique_lock lock(mu);
        while (!stop) {
            if (cv.wait_for(lock, out.retry_every, [&] { return stop; })) return;
            lock.unlock();
            auto k = out.retry();
            lock.lock();
            if (k) {
                started = std::move(k).value();
                log::info("kiosk: the store opens again; starting");
            } else if (k.error().message != reason) {
                reason = k.error().message;
                log::error("kiosk: still out of order (%s)", reason.c_str());
            }
            wake();
            if (started) return;
        }
    });
    auto finish = [&]() -> std::unique_ptr<core::Kiosk> {
        {
            std::lock_guard lock(mu);
            stop = true;
        }
        cv.notify_all();
        worker.join();
        return std::move(started);
    };

    ImGuiContext* ctx = ImGui::CreateContext();
    ImGui::SetCurrentContext(ctx);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize =
        ImVec2(static_cast<float>(host_options.width), static_cast<float>(host_options.height));
    Theme theme;
    theme.scale = scale_for_display(io.DisplaySize.x, io.DisplaySize.y);
    auto fonts = load_fonts(theme);
    auto host =
        fonts ? SdlHost::open(host_options) : Result<std::unique_ptr<SdlHost>>(fonts.error());
    if (host) {
        int dw = 0, dh = 0;
        (*host)->drawable_size(&dw, &dh);
        const float scale = scale_for_display(static_cast<float>(dw), static_cast<float>(dh));
        if (scale != theme.scale) {
            theme.scale = scale;
            io.Fonts->Clear();
            fonts = load_fonts(theme);
        }
    } else {
        log::error("kiosk: the out-of-order screen cannot be shown: %s",
                   host.error().message.c_str());
    }
    std::string shown;
    bool ready = false;
    for (;;) {
        if (g_stop_requested.exchange(false)) break;
        {
            std::lock_guard lock(mu);
            if (started) break;
            if (host && fonts && (reason != shown || !ready)) {
                shown = reason;
                (*host)->begin_frame();
                draw_out_of_order(strings, theme, fonts->normal, shown);
                (*host)->present(ImGui::GetDrawData());
            }
        }
        if (!ready) {
            // The service is up: what it shows is its state, not a start still going on.
            watchdog.ready();
            ready = true;
        }
        if (out.alive) out.alive();
        watchdog.pet();
        SDL_Event ev;
        if (host && SDL_WaitEventTimeout(&ev, kMaxSleepMs)) {
            bool quit = false;
            do {
                if (ev.type == g_stop_event.load()) quit = true;
                if (ev.type == SDL_QUIT && !(*host)->appliance()) quit = true;
                (*host)->handle_event(ev);
            } while (SDL_PollEvent(&ev));
            if (quit) {
                g_stop_requested = false;
                break;
            }
        } else if (!host) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    auto kiosk = finish();
    if (host) host->reset();  // its backends belong to this context: shut down first
    ImGui::DestroyContext(ctx);
    return kiosk;
}

}  // namespace vmeste::ui
