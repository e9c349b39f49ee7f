// Damage tracking draws what a full redraw draws, pixel for pixel (issue #22). For each renderer
// and accessibility mode, the report journey is walked through SdlHost::present() (which
// rasterises only the rectangles whose draw commands changed, over the frame it kept); after each
// step the kept frame is read back and compared with a full redraw of the same draw data. Not one
// pixel may differ. On a mismatch <build>/screenshots/damage/<variant>-<step>-diff.png shows both
// and where. A keystroke must also stay a keystroke: a letter typed redraws a small part of the
// screen, and a frame that changes nothing redraws none.
#include <gtest/gtest.h>
#include <imgui.h>

#include <SDL.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "drivers/printer/transport.h"
#include "kiosk/core/kiosk.h"
#include "tests/support/image_compare.h"
#include "tests/support/screen_kiosk.h"
#include "tests/support/settle.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/temp_dir.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_host.h"
#include "ui/texture_images.h"

using namespace vmeste;
using core::A11yOption;
using core::IntentKind;

namespace {

struct Variant {
    const char* name;
    ui::Renderer renderer;
    int w, h;
    bool large_text = false, high_contrast = false, lower_screen = false;
};

void PrintTo(const Variant& v, std::ostream* os) {
    *os << v.name;
}

class DamageParity : public ::testing::TestWithParam<Variant> {};

}  // namespace

TEST_P(DamageParity, TheKeptFrameEqualsAFullRedrawAtEveryStep) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no DISPLAY: scripts/test starts Xvfb";
    const Variant v = GetParam();
    const std::string out_dir = std::string(VMESTE_SCREENSHOT_DIR) + "/damage";
    std::filesystem::create_directories(out_dir);
    test::TempDir dir;
    test::RunningSim sim;
    ManualClock clock(1'796'072'400'000);
    test::DemoRegion map;
    auto ko = test::screen_kiosk_options(dir, sim, clock, &map);
    ASSERT_TRUE(ko) << "the demo map could not be written";
    auto kiosk = core::Kiosk::start(std::move(*ko));
    ASSERT_TRUE(kiosk) << kiosk.error().message;
    core::Kiosk& k = **kiosk;

    ui::KioskUi kui(k);
    ASSERT_TRUE(kui.init(static_cast<float>(v.w), static_cast<float>(v.h)));
    ui::HostOptions o{std::string("damage ") + v.name, v.w, v.h, false};
    o.renderer = v.renderer;
    o.damage_tracking = true;
    auto opened = ui::SdlHost::open(o);
    ASSERT_TRUE(opened) << opened.error().message;
    std::unique_ptr<ui::SdlHost> host = std::move(*opened);
    ASSERT_EQ(host->renderer(), v.renderer);
    auto images = std::make_unique<ui::TextureImages>(host->textures(), k.visit_workers().camera());
    kui.set_images(images.get());
    struct Teardown {
        std::unique_ptr<ui::TextureImages>& images;
        std::unique_ptr<ui::SdlHost>& host;
        ~Teardown() {
            images.reset();
            host.reset();
        }
    } teardown{images, host};

    const long screen = static_cast<long>(v.w) * v.h;
    // One turn of the kiosk's loop: a frame built and presented (damage-tracked).
    auto turn = [&] {
        SDL_PumpEvents();
        k.pump();
        host->begin_frame();
        kui.frame();
        host->present(kui.draw_data());
        return host->presented_pixels();
    };
    int checked = 0;
    auto check = [&](const std::string& step) {
        turn();
        turn();
        int w = 0, h = 0;
        auto kept = host->read_presented(&w, &h);
        ASSERT_TRUE(kept) << kept.error().message;
        auto full = host->read_pixels(kui.draw_data(), &w, &h);
        ASSERT_TRUE(full) << full.error().message;
        long differ = 0;
        for (size_t i = 0; i < kept->size(); i += 4)
            differ += (*kept)[i] != (*full)[i] || (*kept)[i + 1] != (*full)[i + 1] ||
                      (*kept)[i + 2] != (*full)[i + 2];
        EXPECT_EQ(differ, 0) << v.name << " " << step << ": " << differ
                             << " pixels of the kept frame differ from a full redraw";
        if (differ)
            test::write_diff_png(out_dir + "/" + v.name + "-" + step + "-diff.png", *full, *kept, w,
                                 h, 0, 0);
        ++checked;
    };
    auto settle = [&](const std::function<bool()>& done) {
        return test::settle(k, [&] {
            turn();
            return done();
        });
    };
    auto toggle = [&](A11yOption opt) {
        k.dispatch(
            {IntentKind::kToggleAccessibility, "", core::Language::kRu, static_cast<int>(opt)});
    };
    auto set_modes = [&] {
        if (v.large_text) toggle(A11yOption::kLargeText);
        if (v.high_contrast) toggle(A11yOption::kHighContrast);
        if (v.lower_screen) toggle(A11yOption::kLowerScreen);
    };

    check("first");
    EXPECT_EQ(turn(), 0) << "a frame that changes nothing redraws nothing";
    set_modes();
    check("attract");
    k.dispatch({IntentKind::kShowAccessibility});
    check("accessibility");
    k.dispatch({IntentKind::kShowAccessibility});
    k.dispatch({IntentKind::kStart});
    check("category");
    k.dispatch({IntentKind::kChooseCategory, "roads"});
    check("category-leaves");
    k.dispatch({IntentKind::kChooseLeaf, "roads.road.pothole"});
    k.dispatch({IntentKind::kPlaceHere});
    check("place-here");
    k.dispatch({IntentKind::kPlaceMap});
    ASSERT_TRUE(
        settle([&] { return k.map_tiles()->loaded() > 0 && k.map_tiles()->pending() == 0; }));
    check("place-map");
    // The map moved under a finger, step by step, and a pin set.
    const core::MapView start = k.session().state().place.view;
    for (int i = 1; i <= 6; ++i) {
        k.dispatch({IntentKind::kMapView, "", core::Language::kRu, start.zoom, start.lat,
                    start.lon + 0.00004 * i});
        turn();
    }
    ASSERT_TRUE(settle([&] { return k.map_tiles()->pending() == 0; }));
    check("place-map-panned");
    k.dispatch(
        {IntentKind::kPlacePin, "", core::Language::kRu, -1, map.lat + 0.0008, map.lon + 0.0015});
    check("place-pin");
    k.dispatch({IntentKind::kNext});
    ASSERT_TRUE(settle([&] {
        return k.session().state().screen == core::Screen::kDescription ||
               k.session().state().screen == core::Screen::kSimilar;
    }));
    if (k.session().state().screen == core::Screen::kSimilar) k.dispatch({IntentKind::kNext});
    ASSERT_EQ(k.session().state().screen, core::Screen::kDescription);
    check("description");
    // Typing: each letter a frame, as on the on-screen keyboard; a letter redraws a small part.
    const std::string text = "Большая яма у дома 12";
    long most = 0;
    for (size_t i = 0; i < text.size();) {
        size_t n = 1;
        while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
        k.dispatch({IntentKind::kInsertText, text.substr(i, n)});
        most = std::max(most, turn());
        i += n;
    }
    check("description-typed");
    EXPECT_LT(most, screen / 8) << "a typed letter redrew " << most << " of " << screen
                                << " pixels";
    k.dispatch({IntentKind::kBackspace});
    check("description-backspace");
    k.dispatch({IntentKind::kNext});
    ASSERT_TRUE(settle([&] { return k.session().camera_status() == core::CameraStatus::kReady; }));
    ASSERT_TRUE(settle([&] { return k.visit_workers().camera()->latest() != nullptr; }));
    check("photos-live");
    // The next camera frames: new pixels in the same texture under the same draw commands.
    for (int i = 0; i < 3; ++i) {
        const int64_t seen = k.visit_workers().camera()->latest()->sequence;
        ASSERT_TRUE(settle([&] { return k.visit_workers().camera()->latest(seen) != nullptr; }));
        check("photos-live-" + std::to_string(i));
    }
    k.dispatch({IntentKind::kTakePhoto});
    clock.advance(std::chrono::seconds(3));
    k.tick();
    ASSERT_TRUE(settle([&] { return !k.session().state().photos.photos.empty(); }));
    check("photo-review");
    k.dispatch({IntentKind::kMarkBlur, "", core::Language::kRu, 0, 0.5, 0.45});
    check("photo-mark");
    k.dispatch({IntentKind::kApplyBlur, "", core::Language::kRu, 0});
    ASSERT_TRUE(settle([&] { return k.session().state().photos.photos[0].blurs == 1; }));
    check("photo-blurred");  // a new texture for the same photo
    k.dispatch({IntentKind::kNext});
    k.dispatch({IntentKind::kUseContact});
    k.dispatch({IntentKind::kInsertText, "Анна Иванова"});
    k.dispatch(
        {IntentKind::kFocus, "", core::Language::kRu, static_cast<int>(core::Field::kPhone)});
    k.dispatch({IntentKind::kInsertText, "9161234567"});
    check("who");
    k.dispatch({IntentKind::kShowHelp});
    check("help");
    k.dispatch({IntentKind::kShowHelp});
    k.dispatch({IntentKind::kNext});
    check("consent");
    k.dispatch({IntentKind::kConsentAgree});
    check("review");
    k.dispatch({IntentKind::kSetLanguage, "", core::Language::kEn});
    check("review-english");
    k.dispatch({IntentKind::kSubmit});
    ASSERT_TRUE(settle([&] { return k.session().state().screen == core::Screen::kReceipt; }));
    check("receipt");
    k.dispatch({IntentKind::kFinish});
    check("attract-again");
    EXPECT_EQ(checked, 26);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, DamageParity,
    ::testing::Values(Variant{"opengl-portrait", ui::Renderer::kOpenGl, 1080, 1920},
                      Variant{"opengl-portrait-lower-large-contrast", ui::Renderer::kOpenGl, 1080,
                              1920, true, true, true},
                      Variant{"opengl-landscape-large-contrast", ui::Renderer::kOpenGl, 1920, 1080,
                              true, true},
                      Variant{"software-portrait", ui::Renderer::kSoftware, 1080, 1920},
                      Variant{"software-portrait-lower-large-contrast", ui::Renderer::kSoftware,
                              1080, 1920, true, true, true},
                      Variant{"software-landscape-large-contrast", ui::Renderer::kSoftware, 1920,
                              1080, true, true}),
    [](const auto& info) {
        std::string n = info.param.name;
        for (char& c : n)
            if (c == '-') c = '_';
        return n;
    });
