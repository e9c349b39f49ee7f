// The renderer for terminals without a GPU (SDL's software renderer) draws every screen in every
// accessibility mode as the OpenGL one does (issue #21, point 3: the lowered screen came out as a
// band). Two UIs on one kiosk, each with its own ImGui context and window — one per renderer —
// draw the same state; the pictures must agree but for antialiasing at edges. On a mismatch the
// test writes <build>/screenshots/parity/<variant>-<screen>-diff.png (OpenGL | software | where);
// with VMESTE_PARITY_SHOTS=1 it keeps every OpenGL picture there as well.
#include <gtest/gtest.h>
#include <imgui.h>
#include <stb_image.h>
#include <stb_image_resize.h>

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

struct Mode {
    const char* name;
    int w, h;
    bool large_text = false, high_contrast = false, lower_screen = false;
    bool golden = false;  // its screens are also compared with tests/golden/<name>/
};

// The screens whose picture depends on nothing but the state the test sets (no receipt number,
// no clock on the screen, no camera frame): these have golden images.
bool golden_screen(const std::string& screen) {
    for (const char* s : {"attract", "category", "description", "place-map", "who", "consent"})
        if (screen == s) return true;
    return false;
}

// Compares a frame, at half size, with tests/golden/<name>.png; on a mismatch writes
// <build>/screenshots/golden/<name>-diff.png (golden | now | where). VMESTE_GOLDEN_ACCEPT=1
// (scripts/accept-goldens) writes the frame as the new golden instead.
void check_golden(const std::string& name, const std::vector<unsigned char>& px, int w, int h) {
    const int hw = w / 2, hh = h / 2;
    std::vector<unsigned char> half(static_cast<size_t>(hw) * hh * 4);
    stbir_resize_uint8_srgb(px.data(), w, h, 0, half.data(), hw, hh, 0, 4, 3, 0);
    const std::string path = std::string(VMESTE_GOLDEN_DIR) + "/" + name + ".png";
    if (std::getenv("VMESTE_GOLDEN_ACCEPT")) {
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        EXPECT_TRUE(stbi_write_png(path.c_str(), hw, hh, 4, half.data(), hw * 4)) << path;
        return;
    }
    int gw = 0, gh = 0, n = 0;
    unsigned char* g = stbi_load(path.c_str(), &gw, &gh, &n, 4);
    ASSERT_TRUE(g) << "no golden " << path << ": scripts/accept-goldens makes it";
    std::vector<unsigned char> golden(g, g + static_cast<size_t>(gw) * gh * 4);
    stbi_image_free(g);
    ASSERT_EQ(gw, hw) << path;
    ASSERT_EQ(gh, hh) << path;
    // Rendered on the same Debian packages the picture is the same to the bit; the tolerance is
    // for a Mesa or FreeType update moving an edge. A word changed in a title is ~0.2 %.
    const double off = test::differing_beyond_edges(golden, half, hw, hh, 32, 1);
    std::printf("golden %s: %.4f %%\n", name.c_str(), off * 100);
    EXPECT_LT(off, 0.0002) << name << ": " << off * 100
                           << " % of the pixels differ from the golden";
    if (off >= 0.0002) {
        const std::string diff =
            std::string(VMESTE_SCREENSHOT_DIR) + "/golden/" + name + "-diff.png";
        std::filesystem::create_directories(std::filesystem::path(diff).parent_path());
        test::write_diff_png(diff, golden, half, hw, hh, 48, 1);
    }
}

void PrintTo(const Mode& m, std::ostream* os) {
    *os << m.name;
}

// One UI and its window; the window's backends shut down in their own ImGui context.
struct Side {
    std::unique_ptr<ui::KioskUi> ui;
    std::unique_ptr<ui::SdlHost> host;
    std::unique_ptr<ui::TextureImages> images;
    ~Side() {
        if (ui) ui->make_current();
        images.reset();
        host.reset();
    }
};

class RendererParity : public ::testing::TestWithParam<Mode> {};

}  // namespace

TEST_P(RendererParity, TheSoftwareRendererDrawsEveryScreenLikeOpenGl) {
    ASSERT_TRUE(std::getenv("DISPLAY")) << "no DISPLAY: run under Xvfb (scripts/test starts one)";
    const Mode m = GetParam();
    const std::string out_dir = std::string(VMESTE_SCREENSHOT_DIR) + "/parity";
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

    Side sides[2];
    const ui::Renderer kinds[2] = {ui::Renderer::kOpenGl, ui::Renderer::kSoftware};
    for (int i = 0; i < 2; ++i) {
        sides[i].ui = std::make_unique<ui::KioskUi>(k);
        ASSERT_TRUE(sides[i].ui->init(static_cast<float>(m.w), static_cast<float>(m.h)));
        ui::HostOptions o{i == 0 ? "parity OpenGL" : "parity software", m.w, m.h, false};
        o.renderer = kinds[i];
        auto host = ui::SdlHost::open(o);
        ASSERT_TRUE(host) << host.error().message;
        ASSERT_EQ((*host)->renderer(), kinds[i]);
        int dw = 0, dh = 0;
        (*host)->drawable_size(&dw, &dh);
        ASSERT_EQ(dw, m.w) << "Xvfb needs -screen 0 1920x1920x24";
        ASSERT_EQ(dh, m.h);
        sides[i].host = std::move(*host);
        sides[i].images = std::make_unique<ui::TextureImages>(sides[i].host->textures(),
                                                              k.visit_workers().camera());
        sides[i].ui->set_images(sides[i].images.get());
    }

    auto draw = [&](Side& s) {
        SDL_PumpEvents();
        for (int i = 0; i < 2; ++i) {
            s.ui->make_current();
            s.host->begin_frame();
            s.ui->frame();
        }
        int w = 0, h = 0;
        auto px = s.host->read_pixels(s.ui->draw_data(), &w, &h);
        EXPECT_TRUE(px) << (px ? "" : px.error().message);
        return px ? *px : std::vector<unsigned char>{};
    };
    int compared = 0;
    auto compare = [&](const std::string& screen) {
        const auto gl = draw(sides[0]);
        const auto soft = draw(sides[1]);
        ASSERT_FALSE(gl.empty());
        // Edges and glyph outlines fall up to a pixel apart (the two rasterise antialiased
        // edges differently); anything more — a missing band, a shifted widget, a wrong colour —
        // counts.
        const double coarse = test::differing_beyond_edges(gl, soft, m.w, m.h, 48, 2);
        const double fine = test::differing_beyond_edges(gl, soft, m.w, m.h, 16, 2);
        std::printf("%s %s: %.4f %% beyond 48, %.4f %% beyond 16\n", m.name, screen.c_str(),
                    coarse * 100, fine * 100);
        EXPECT_LT(coarse, 0.001) << screen;
        EXPECT_LT(fine, 0.005) << screen;
        // VMESTE_PARITY_SHOTS=1 keeps every OpenGL picture too, to look at
        // (<variant>-<screen>.png).
        if (std::getenv("VMESTE_PARITY_SHOTS"))
            stbi_write_png((out_dir + "/" + m.name + "-" + screen + ".png").c_str(), m.w, m.h, 4,
                           gl.data(), m.w * 4);
        if (coarse >= 0.001 || fine >= 0.005)
            test::write_diff_png(out_dir + "/" + m.name + "-" + screen + "-diff.png", gl, soft, m.w,
                                 m.h, 48, 2);
        if (m.golden && golden_screen(screen))
            for (int i = 0; i < 2; ++i)
                check_golden(
                    std::string(m.name) + "/" + screen + "-" + (i == 0 ? "opengl" : "software"),
                    i == 0 ? gl : soft, m.w, m.h);
        ++compared;
    };
    auto settle = [&](const std::function<bool()>& done) { return test::settle(k, done); };
    auto set_modes = [&] {
        auto toggle = [&](A11yOption o) {
            k.dispatch(
                {IntentKind::kToggleAccessibility, "", core::Language::kRu, static_cast<int>(o)});
        };
        if (m.large_text) toggle(A11yOption::kLargeText);
        if (m.high_contrast) toggle(A11yOption::kHighContrast);
        if (m.lower_screen) toggle(A11yOption::kLowerScreen);
    };

    set_modes();
    compare("attract");
    k.dispatch({IntentKind::kShowAccessibility});
    compare("accessibility");
    k.dispatch({IntentKind::kShowAccessibility});
    k.dispatch({IntentKind::kStart});
    compare("category");
    k.dispatch({IntentKind::kChooseCategory, "roads"});
    compare("category-leaves");
    k.dispatch({IntentKind::kChooseLeaf, "roads.road.pothole"});  // the place comes first
    k.dispatch({IntentKind::kPlaceHere});
    compare("place-here");
    k.dispatch({IntentKind::kPlaceMap});
    for (Side& s : sides) {  // each map sets its first view and asks for its tiles
        s.ui->make_current();
        s.ui->frame();
    }
    k.dispatch(
        {IntentKind::kPlacePin, "", core::Language::kRu, -1, map.lat + 0.0008, map.lon + 0.0015});
    ASSERT_TRUE(settle([&] {
        for (Side& s : sides) {
            s.ui->make_current();
            s.ui->frame();
        }
        return k.map_tiles()->loaded() > 0 && k.map_tiles()->pending() == 0 &&
               k.session().state().place.pin_address_known;
    }));
    compare("place-map");
    k.dispatch({IntentKind::kNext});
    ASSERT_TRUE(settle([&] { return k.session().state().screen == core::Screen::kDescription; }));
    k.dispatch({IntentKind::kInsertText, "Большая яма на проезжей части у дома №12 по ул. Мира."});
    compare("description");
    k.dispatch({IntentKind::kNext});
    ASSERT_TRUE(settle([&] { return k.session().camera_status() == core::CameraStatus::kReady; }));
    k.dispatch({IntentKind::kTakePhoto});
    clock.advance(std::chrono::seconds(3));
    k.tick();
    ASSERT_TRUE(settle([&] { return !k.session().state().photos.photos.empty(); }));
    compare("photo-review");
    k.dispatch({IntentKind::kNext});
    ASSERT_EQ(k.session().state().screen, core::Screen::kWho);
    k.dispatch({IntentKind::kUseContact});
    k.dispatch({IntentKind::kInsertText, "Анна Иванова"});
    k.dispatch(
        {IntentKind::kFocus, "", core::Language::kRu, static_cast<int>(core::Field::kPhone)});
    k.dispatch({IntentKind::kInsertText, "9161234567"});
    compare("who");
    k.dispatch({IntentKind::kNext});
    compare("consent");
    k.dispatch({IntentKind::kConsentAgree});
    compare("review");
    k.dispatch({IntentKind::kSubmit});
    ASSERT_TRUE(settle([&] { return k.session().state().screen == core::Screen::kReceipt; }));
    compare("receipt");
    const std::string number = k.session().state().receipt->receipt_number;
    sim.add_received(number, 200'000);  // registered, in work, answered
    k.dispatch({IntentKind::kFinish});
    set_modes();
    k.dispatch({IntentKind::kCheckStatus});
    k.dispatch({IntentKind::kInsertText, number});
    compare("status");
    k.dispatch({IntentKind::kLookup});
    ASSERT_TRUE(settle([&] { return k.session().state().screen == core::Screen::kStatusResult; }));
    compare("status-result");
    ASSERT_TRUE(k.session().can_apply(IntentKind::kRate));
    k.dispatch({IntentKind::kRate});
    k.dispatch({IntentKind::kSetStars, "", core::Language::kRu, 2});
    k.dispatch({IntentKind::kInsertText, "Яму засыпали щебнем, через неделю она снова"});
    compare("rate");
    EXPECT_EQ(compared, 15);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, RendererParity,
    ::testing::Values(Mode{"portrait", 1080, 1920, false, false, false, true},
                      Mode{"portrait-large", 1080, 1920, true},
                      Mode{"portrait-lower", 1080, 1920, false, false, true},
                      Mode{"portrait-lower-large-contrast", 1080, 1920, true, true, true, true},
                      Mode{"landscape", 1920, 1080},
                      Mode{"landscape-large-contrast", 1920, 1080, true, true, false, true}),
    [](const auto& info) {
        std::string n = info.param.name;
        std::replace(n.begin(), n.end(), '-', '_');
        return n;
    });
