// A report made by real X11 input events, the way a touchscreen's arrive: XTest has the X
// server move its pointer and press its button, SDL's X11 backend reads them from the server,
// and the kiosk's own loop (ui::run_kiosk_loop, as main() runs it) turns them into touches.
// The other tests push events into SDL's queue or call the UI directly. At the end the
// receipt's QR is read off the X server's copy of the window (XGetImage) with zbar, as a phone
// would read the screen, and the appeal reaches the simulator through the real uploader.
#include <gtest/gtest.h>

#include <SDL.h>
#include <SDL_syswm.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/printer/transport.h"
#include "drivers/watchdog/watchdog.h"
#include "kiosk/core/kiosk.h"
#include "tests/support/qr_decode.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/temp_dir.h"
#include "ui/kiosk_loop.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_host.h"
#include "ui/texture_images.h"

using namespace vmeste;
using namespace std::chrono_literals;

namespace {

// What the loop thread last drew, copied at every turn of the loop (the loop pets its watchdog
// once a turn): the finger's thread reads only this.
struct Seen {
    std::mutex m;
    std::condition_variable changed;
    long turns = 0;
    std::map<std::string, ui::WidgetInfo> widgets;
    core::Screen screen = core::Screen::kAttract;
    std::string tracking_url, receipt_number;
};

class SnapshotWatchdog final : public drivers::Watchdog {
  public:
    SnapshotWatchdog(Seen& seen, ui::KioskUi& ui, core::Kiosk& k) : seen_(seen), ui_(ui), k_(k) {}
    void ready() override {}
    void pet() override {
        std::lock_guard lock(seen_.m);
        ++seen_.turns;
        seen_.widgets.clear();
        for (const auto& w : ui_.widgets().all()) seen_.widgets[w.id] = w;
        seen_.screen = k_.session().state().screen;
        const auto& r = k_.session().state().receipt;
        seen_.tracking_url = r ? r->tracking_url : "";
        seen_.receipt_number = r ? r->receipt_number : "";
        seen_.changed.notify_all();
    }

  private:
    Seen& seen_;
    ui::KioskUi& ui_;
    core::Kiosk& k_;
};

// A finger on the X server: taps a widget by its id where the loop last drew it.
class Finger {
  public:
    Finger(Seen& seen, int window_x, int window_y)
        : seen_(seen), x_(XOpenDisplay(nullptr)), wx_(window_x), wy_(window_y) {}
    ~Finger() {
        if (x_) XCloseDisplay(x_);
    }
    bool ok() const { return x_ != nullptr; }

    // Waits until `pred` holds for what was drawn (up to `timeout`).
    template <typename Pred>
    bool wait(Pred pred, std::chrono::milliseconds timeout = 10s) {
        std::unique_lock lock(seen_.m);
        return seen_.changed.wait_for(lock, timeout, [&] { return pred(seen_); });
    }
    // Waits for `n` more turns of the loop.
    bool turns(int n) {
        long until;
        {
            std::lock_guard lock(seen_.m);
            until = seen_.turns + n;
        }
        return wait([&](const Seen& s) { return s.turns >= until; });
    }

    // Pointer over the widget's centre, button down, button up: three X events, each seen by
    // the loop before the next (a press and its release in one frame would be lost, as they
    // would be on a real screen only if the finger were that fast).
    bool tap(const std::string& id) {
        ImVec2 at;
        if (!wait([&](const Seen& s) {
                auto it = s.widgets.find(id);
                if (it == s.widgets.end() || !it->second.enabled) return false;
                at = ImVec2((it->second.min.x + it->second.max.x) * 0.5f,
                            (it->second.min.y + it->second.max.y) * 0.5f);
                return true;
            })) {
            ADD_FAILURE() << "no enabled '" << id << "' on the screen";
            return false;
        }
        XTestFakeMotionEvent(x_, -1, wx_ + static_cast<int>(at.x), wy_ + static_cast<int>(at.y),
                             CurrentTime);
        XFlush(x_);
        turns(2);
        XTestFakeButtonEvent(x_, 1, True, CurrentTime);
        XFlush(x_);
        turns(2);
        XTestFakeButtonEvent(x_, 1, False, CurrentTime);
        XFlush(x_);
        return turns(3);
    }
    bool type(const std::string& utf8_lowercase) {
        for (size_t i = 0; i < utf8_lowercase.size();) {
            const unsigned char c = utf8_lowercase[i];
            const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            const std::string ch = utf8_lowercase.substr(i, n);
            if (!tap(ch == " " ? "kbd/space" : "kbd/" + ch)) return false;
            i += n;
        }
        return true;
    }
    Display* display() const { return x_; }

  private:
    Seen& seen_;
    Display* x_;
    int wx_, wy_;
};

// An X server of the test's own (Xvfb, its display number chosen by itself with -displayfd):
// real pointer events go to the topmost window at a point, so on the suite's shared display a
// window of a test running beside this one could take the taps.
class OwnXServer {
  public:
    OwnXServer() {
        int fds[2];
        if (::pipe(fds) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(fds[0]);
            const std::string fd = std::to_string(fds[1]);
            ::execlp("Xvfb", "Xvfb", "-displayfd", fd.c_str(), "-screen", "0", "1080x1920x24",
                     "-nolisten", "tcp", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(fds[1]);
        // It writes the number once it accepts clients (up to 20 s on a loaded machine).
        std::string number;
        pollfd p{fds[0], POLLIN, 0};
        char c;
        while (::poll(&p, 1, 20'000) > 0 && ::read(fds[0], &c, 1) == 1 && c != '\n') number += c;
        ::close(fds[0]);
        if (!number.empty()) display_ = ":" + number;
    }
    ~OwnXServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    const std::string& display() const { return display_; }

  private:
    pid_t pid_ = -1;
    std::string display_;
};

}  // namespace

TEST(X11Journey, AReportByRealPointerEventsEndsWithAReceiptQrReadOffTheScreen) {
    OwnXServer xserver;
    ASSERT_FALSE(xserver.display().empty()) << "Xvfb did not start (scripts/setup installs it)";
    const char* old_display = std::getenv("DISPLAY");
    const std::string restore = old_display ? old_display : "";
    ::setenv("DISPLAY", xserver.display().c_str(), 1);
    struct Restore {
        std::string display;
        ~Restore() {
            if (display.empty())
                ::unsetenv("DISPLAY");
            else
                ::setenv("DISPLAY", display.c_str(), 1);
        }
    } restore_display{restore};
    test::TempDir dir;
    test::RunningSim sim;
    core::Kiosk::Options ko;
    ko.config.data_dir = dir.path();
    ko.config.platform_url = sim.url();
    ko.config.site_address = "Москва, ул. Тверская, 8";
    ko.config.retry_base_ms = 50;
    ko.printer = std::make_shared<drivers::FakePrinter>();
    ko.wake_ui = ui::make_ui_waker();
    auto kiosk = core::Kiosk::start(std::move(ko));
    ASSERT_TRUE(kiosk) << kiosk.error().message;
    core::Kiosk& k = **kiosk;
    ui::KioskUi kui(k);
    ASSERT_TRUE(kui.init(1080, 1920));
    ui::HostOptions o{"Vmeste X11 journey", 1080, 1920, false};
    o.appliance = true;
    auto host = ui::SdlHost::open(o);
    ASSERT_TRUE(host) << host.error().message;
    ui::TextureImages images((*host)->textures(), k.visit_workers().camera());
    kui.set_images(&images);
    // Where the window is on the X screen, and its X id for reading the screen back.
    SDL_SysWMinfo wm;
    SDL_VERSION(&wm.version);
    ASSERT_TRUE(SDL_GetWindowWMInfo((*host)->window(), &wm));
    ASSERT_EQ(wm.subsystem, SDL_SYSWM_X11);
    const Window xid = wm.info.x11.window;
    int wx = 0, wy = 0;
    {
        Display* d = XOpenDisplay(nullptr);
        ASSERT_TRUE(d);
        Window child;
        XSync(d, False);
        XTranslateCoordinates(d, xid, DefaultRootWindow(d), 0, 0, &wx, &wy, &child);
        XCloseDisplay(d);
    }

    Seen seen;
    SnapshotWatchdog wd(seen, kui, k);
    std::string read_off_screen, expected_url, sent_receipt;
    // The loop sleeps until an event: a waker keeps it turning while the finger waits for work
    // done off the UI thread (the store's commit).
    std::atomic<bool> done{false};
    auto journey = [&] {
        Finger f(seen, wx, wy);
        ASSERT_TRUE(f.ok()) << "cannot open the X display";
        auto on = [&](core::Screen s) {
            return f.wait([&](const Seen& v) { return v.screen == s; });
        };
        // Each step waits for the screen it leads to; the first that does not come ends it.
        ASSERT_TRUE(f.tap("attract/report"));
        ASSERT_TRUE(on(core::Screen::kCategory));
        ASSERT_TRUE(f.tap("category/housing"));
        ASSERT_TRUE(f.tap("leaf/housing.building.hot_water"));
        ASSERT_TRUE(on(core::Screen::kPlace));  // where before what
        ASSERT_TRUE(f.tap("place/here"));
        ASSERT_TRUE(f.tap("nav/next"));
        ASSERT_TRUE(on(core::Screen::kDescription));
        ASSERT_TRUE(f.type("нет горячей воды три дня"));
        ASSERT_TRUE(f.tap("nav/next"));
        ASSERT_TRUE(on(core::Screen::kPhotos));
        ASSERT_TRUE(f.tap("nav/next"));  // no photo needed for this cause
        ASSERT_TRUE(on(core::Screen::kWho));
        ASSERT_TRUE(f.tap("who/contact"));
        ASSERT_TRUE(f.type("анна"));
        ASSERT_TRUE(f.tap("field/phone"));
        ASSERT_TRUE(f.type("9161234567"));
        ASSERT_TRUE(f.tap("nav/next"));
        ASSERT_TRUE(on(core::Screen::kConsent));
        ASSERT_TRUE(f.tap("consent/agree"));
        ASSERT_TRUE(on(core::Screen::kReview));
        ASSERT_TRUE(f.tap("review/submit"));
        ASSERT_TRUE(on(core::Screen::kReceipt));
        f.turns(3);
        {
            std::lock_guard lock(seen.m);
            expected_url = seen.tracking_url;
            sent_receipt = seen.receipt_number;
        }
        // What the X server shows in the window, as a phone's camera would see the screen.
        XImage* img = XGetImage(f.display(), xid, 0, 0, 1080, 1920, AllPlanes, ZPixmap);
        if (img) {
            std::vector<uint8_t> grey(1080 * 1920);
            for (int y = 0; y < 1920; ++y)
                for (int x = 0; x < 1080; ++x) {
                    const unsigned long p = XGetPixel(img, x, y);
                    grey[y * 1080 + x] = static_cast<uint8_t>(
                        (((p >> 16) & 0xFF) * 299 + ((p >> 8) & 0xFF) * 587 + (p & 0xFF) * 114) /
                        1000);
                }
            XDestroyImage(img);
            read_off_screen = test::decode_qr_grey(grey, 1080, 1920);
        }
        f.tap("receipt/done");
        EXPECT_TRUE(on(core::Screen::kAttract));
    };
    std::thread finger_thread([&] {
        std::thread waker([&, wake = ui::make_ui_waker()] {
            while (!done) {
                std::this_thread::sleep_for(15ms);
                wake();
            }
        });
        journey();
        done = true;
        waker.join();
        ui::request_stop();  // whatever became of the journey, the loop ends
    });
    const int rc = ui::run_kiosk_loop(kui, **host, wd);
    finger_thread.join();
    EXPECT_EQ(rc, 0);
    ASSERT_FALSE(expected_url.empty()) << "no receipt was reached by pointer events";
    EXPECT_EQ(read_off_screen, expected_url) << "the QR on the screen";
    // The uploader delivers the appeal typed by those events (up to 10 s).
    for (int i = 0; i < 200 && !sim.store().find_by_receipt(sent_receipt); ++i)
        std::this_thread::sleep_for(50ms);
    auto got = sim.store().find_by_receipt(sent_receipt);
    ASSERT_TRUE(got) << "the appeal never reached the platform";
    EXPECT_NE(got->text.find("ет горячей воды три дня"), std::string::npos) << got->text;
}
