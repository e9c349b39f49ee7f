// vmeste-kiosk: the only file that knows every module. It parses flags, starts the core (store,
// intake, uploader), opens the window and runs the loop.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "drivers/speech/speech.h"
#include "drivers/usb/usb_gate.h"
#include "drivers/watchdog/health_gate.h"
#include "drivers/watchdog/watchdog.h"
#include "kiosk/base/log.h"
#include "kiosk/core/config.h"
#include "kiosk/core/kiosk.h"
#include "ui/kiosk_loop.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_host.h"
#include "ui/texture_images.h"

int main(int argc, char** argv) {
    using namespace vmeste;
    std::vector<std::string> args(argv + 1, argv + argc);
    auto cl = core::parse_command_line(args);
    if (!cl) {
        std::fprintf(stderr, "vmeste-kiosk: %s\n", cl.error().message.c_str());
        return 2;
    }
    if (cl->help) {
        std::fputs(core::command_line_help().c_str(), stdout);
        return 0;
    }
    std::signal(SIGPIPE, SIG_IGN);
    // Before any thread starts: SIGTERM (the service stopping it) and SIGINT end the loop
    // cleanly; a window close or Alt+F4 never does on the terminal.
    ui::stop_on_signals();

    // Supervisors: systemd always (a no-op outside systemd), the hardware watchdog when
    // configured. Their pets pass a health gate: the UI loop and the uploader must both be
    // making progress, or the pets stop and the kiosk is restarted.
    drivers::WatchdogSet watchdogs;
    watchdogs.add(drivers::make_systemd_watchdog());
    // The hardware timer outlives a restart of the service (drivers/watchdog/watchdog.h): a
    // timeout that would not is refused, said to staff and in the heartbeat, and not armed.
    std::string watchdog_problem;
    if (!cl->config.watchdog_device.empty()) {
        auto timeout = drivers::hardware_watchdog_timeout(cl->config.watchdog_timeout_s,
                                                          drivers::systemd_watchdog_seconds());
        auto device = timeout ? drivers::open_device_watchdog(cl->config.watchdog_device, *timeout)
                              : Result<std::unique_ptr<drivers::Watchdog>>(timeout.error());
        if (device) {
            watchdogs.add(std::move(device).value());
            log::info("watchdog: %s, %d s", cl->config.watchdog_device.c_str(), *timeout);
        } else {
            watchdog_problem = device.error().message;
            log::error("%s", watchdog_problem.c_str());  // run on; systemd still watches
        }
    }
    SystemClock clock;
    drivers::HealthGate gate(watchdogs, clock);
    gate.watch("ui", 20'000);         // the loop wakes at least every 5 s
    gate.watch("uploader", 300'000);  // an attempt is bounded by curl's timeouts

    core::Kiosk::Options options;
    options.config = cl->config;
    if (!cl->config_problem.empty()) {
        // The terminal comes up anyway; staff see the problem on the maintenance screens.
        options.config_problem =
            cl->config_problem + " (using the " +
            (cl->config_fallback == "last-good" ? "last good configuration" : "defaults") + ")";
        log::error("config: %s", options.config_problem.c_str());
    }
    if (!watchdog_problem.empty())
        options.config_problem += (options.config_problem.empty() ? "" : "; ") + watchdog_problem;
    if (const char* creds = std::getenv("CREDENTIALS_DIRECTORY")) options.credentials_dir = creds;
    // usbguard keeps USB sticks out except during an export (packaging/usbguard).
    if (::access("/usr/bin/usbguard", X_OK) == 0) options.usb_gate = drivers::make_usbguard_gate();
    options.wake_ui = ui::make_ui_waker();
    options.uploader_alive = [&gate] { gate.alive("uploader"); };
    std::shared_ptr<drivers::Speaker> speaker = drivers::make_espeak_speaker();
    options.speaker = speaker;
    ui::HostOptions host_options;
    host_options.fullscreen = !cl->windowed;
    host_options.appliance = !cl->windowed;  // a developer's window closes as windows do
    host_options.width = cl->window_w;
    host_options.height = cl->window_h;
    drivers::GatedWatchdog watchdog(gate, watchdogs, "ui");
    const core::Kiosk::Options kept = options;  // for the tries while out of order
    auto kiosk = core::Kiosk::start(std::move(options));
    if (!kiosk) {
        const ErrorCode code = kiosk.error().code;
        if (code != ErrorCode::kIo && code != ErrorCode::kNoSpace && code != ErrorCode::kCorrupt) {
            std::fprintf(stderr, "vmeste-kiosk: cannot start: %s\n", kiosk.error().message.c_str());
            return 1;
        }
        // The store cannot be opened (the disk, not the configuration): the screen says the
        // terminal is out of order, staff see why, and it tries again by itself.
        ui::OutOfOrder out;
        out.reason = kiosk.error().message;
        out.retry = [&kept] { return core::Kiosk::start(kept); };
        out.alive = [&gate] { gate.alive("uploader"); };
        ui::parse_renderer(cl->config.renderer, &host_options.renderer);
        auto started = ui::run_out_of_order(host_options, watchdog, std::move(out));
        if (!started) return 0;  // the service stopped it meanwhile
        kiosk = std::move(started);
    }
    log::info("kiosk: store %s, platform %s", (*kiosk)->store_path().c_str(),
              cl->config.platform_url.c_str());
    if (!cl->config_file.empty() && cl->config_problem.empty()) {
        if (auto r = core::keep_last_good_config(cl->config_file, cl->config.data_dir); !r)
            log::warn("config: cannot keep a last good copy: %s", r.error().message.c_str());
    }

    ui::KioskUi kiosk_ui(**kiosk);
    // The technician's settings.toml over the file: the kiosk's own config, not the command line's.
    ui::parse_renderer((*kiosk)->config().renderer, &host_options.renderer);
    // Fonts are sized for the requested size now and fitted to the real display once it is open.
    if (auto r = kiosk_ui.init(static_cast<float>(cl->window_w), static_cast<float>(cl->window_h));
        !r) {
        std::fprintf(stderr, "vmeste-kiosk: %s\n", r.error().message.c_str());
        return 1;
    }
    auto host = ui::SdlHost::open(host_options);
    if (!host) {
        std::fprintf(stderr, "vmeste-kiosk: cannot open the display: %s\n",
                     host.error().message.c_str());
        return 1;
    }
    int display_w = 0, display_h = 0;
    (*host)->drawable_size(&display_w, &display_h);
    if (auto r =
            kiosk_ui.fit_to_display(static_cast<float>(display_w), static_cast<float>(display_h));
        !r) {
        std::fprintf(stderr, "vmeste-kiosk: %s\n", r.error().message.c_str());
        return 1;
    }
    ui::TextureImages images((*host)->textures(), (*kiosk)->visit_workers().camera());
    kiosk_ui.set_images(&images);
    kiosk_ui.set_speaker(speaker.get());
    return ui::run_kiosk_loop(kiosk_ui, **host, watchdog);
}
