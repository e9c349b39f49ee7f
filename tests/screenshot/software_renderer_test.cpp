// SDL's software renderer (HostOptions::renderer = kSoftware, for terminals without a GPU) draws
// the citizen's screens as the OpenGL one does, with no GL driver in the process: a journey from
// the attract screen to the receipt, the receipt's QR read off the frame, then the same screens
// through OpenGL compared pixel by pixel. Writes <build>/screenshots/software-*.png.
#include <gtest/gtest.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <SDL.h>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "drivers/printer/transport.h"
#include "kiosk/core/kiosk.h"
#include "tests/support/image_compare.h"
#include "tests/support/qr_decode.h"
#include "tests/support/settle.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/temp_dir.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_host.h"
#include "ui/texture_images.h"

using namespace vmeste;
using core::IntentKind;

namespace {

// The GL drivers Mesa would map (llvmpipe lives in the DRI driver and pulls in LLVM).
bool gl_driver_loaded() {
    std::ifstream maps("/proc/self/maps");
    std::stringstream ss;
    ss << maps.rdbuf();
    const std::string m = ss.str();
    return m.find("_dri.so") != std::string::npos || m.find("libLLVM") != std::string::npos ||
           m.find("libgallium") != std::string::npos;
}

}  // namespace

TEST(SoftwareRenderer, DrawsTheJourneyLikeOpenGlWithoutAGlDriver) {
    ASSERT_TRUE(std::getenv("DISPLAY")) << "no DISPLAY: run under Xvfb (scripts/test starts one)";
    constexpr int W = 1080, H = 1920;
    const std::string out_dir = VMESTE_SCREENSHOT_DIR;
    std::filesystem::create_directories(out_dir);
    test::TempDir dir;
    test::RunningSim sim;
    ManualClock clock(1'796'072'400'000);
    static SystemClock camera_clock;
    core::Kiosk::Options ko;
    ko.config.data_dir = dir.path();
    ko.config.platform_url = sim.url();
    ko.config.site_address = "Москва, ул. Тверская, 8";
    ko.config.site_lat = 55.7583;
    ko.config.site_lon = 37.6151;
    ko.clock = &clock;
    ko.start_uploader = false;
    ko.camera = drivers::make_synthetic_camera(camera_clock, 1280, 960, 15);
    ko.printer = std::make_shared<drivers::FakePrinter>();
    auto kiosk = core::Kiosk::start(std::move(ko));
    ASSERT_TRUE(kiosk) << kiosk.error().message;
    core::Kiosk& k = **kiosk;
    ui::KioskUi kui(k);
    ASSERT_TRUE(kui.init(W, H));

    ui::HostOptions soft{"Vmeste software", W, H, false};
    soft.renderer = ui::Renderer::kSoftware;
    auto host = ui::SdlHost::open(soft);
    ASSERT_TRUE(host) << host.error().message;
    ASSERT_EQ((*host)->renderer(), ui::Renderer::kSoftware);
    int dw = 0, dh = 0;
    (*host)->drawable_size(&dw, &dh);
    ASSERT_EQ(dw, W) << "Xvfb needs -screen 0 1920x1920x24";
    auto images =
        std::make_unique<ui::TextureImages>((*host)->textures(), k.visit_workers().camera());
    kui.set_images(images.get());

    auto shoot = [&](ui::SdlHost& h, const std::string& name) {
        SDL_PumpEvents();
        for (int i = 0; i < 2; ++i) {
            h.begin_frame();
            kui.frame();
        }
        int w = 0, hh = 0;
        auto px = h.read_pixels(kui.draw_data(), &w, &hh);
        EXPECT_TRUE(px) << name;
        if (!px) return std::vector<unsigned char>{};
        EXPECT_EQ(w, W);
        stbi_write_png((out_dir + "/" + name + ".png").c_str(), w, hh, 4, px->data(), w * 4);
        return *px;
    };
    auto settle = [&](const std::function<bool()>& done) { return test::settle(k, done); };

    const auto attract = shoot(**host, "software-1-attract");
    k.dispatch({IntentKind::kStart});
    k.dispatch({IntentKind::kChooseCategory, "roads"});
    k.dispatch({IntentKind::kChooseLeaf, "roads.road.pothole"});
    k.dispatch({IntentKind::kPlaceHere});  // the place comes first
    k.dispatch({IntentKind::kNext});
    ASSERT_TRUE(settle([&] { return k.session().state().screen == core::Screen::kDescription; }));
    k.dispatch({IntentKind::kInsertText, "Большая яма на проезжей части у дома №12 по ул. Мира."});
    const auto description = shoot(**host, "software-3-description");
    k.dispatch({IntentKind::kNext});
    ASSERT_TRUE(settle([&] { return k.session().camera_status() == core::CameraStatus::kReady; }));
    ASSERT_TRUE(settle([&] { return k.visit_workers().camera()->latest() != nullptr; }));
    shoot(**host, "software-5-photos");  // the live camera (CameraTexture.* check its pixels)
    k.dispatch({IntentKind::kTakePhoto});
    clock.advance(std::chrono::seconds(3));
    k.tick();
    ASSERT_TRUE(settle([&] { return !k.session().state().photos.photos.empty(); }));
    shoot(**host, "software-5b-photo-review");
    EXPECT_EQ(images->photo_textures(), 1u);  // the photo's preview is an SDL texture
    k.dispatch({IntentKind::kNext});
    ASSERT_EQ(k.session().state().screen, core::Screen::kWho);
    k.dispatch({IntentKind::kUseContact});
    k.dispatch({IntentKind::kInsertText, "Анна Иванова"});
    k.dispatch(
        {IntentKind::kFocus, "", core::Language::kRu, static_cast<int>(core::Field::kPhone)});
    k.dispatch({IntentKind::kInsertText, "9161234567"});
    k.dispatch({IntentKind::kNext});
    k.dispatch({IntentKind::kConsentAgree});
    k.dispatch({IntentKind::kSubmit});
    ASSERT_TRUE(settle([&] { return k.session().state().screen == core::Screen::kReceipt; }));
    const auto receipt = shoot(**host, "software-10-receipt");
    EXPECT_EQ(test::decode_qr_rgba(receipt, W, H), k.session().state().receipt->tracking_url);
    EXPECT_FALSE(gl_driver_loaded()) << "the software renderer must not start a GL driver";

    // The same screens through OpenGL: the same picture but for antialiasing at edges.
    kui.set_images(nullptr);
    images.reset();
    host->reset();
    auto gl = ui::SdlHost::open(ui::HostOptions{"Vmeste OpenGL", W, H, false});
    ASSERT_TRUE(gl) << gl.error().message;
    ASSERT_EQ((*gl)->renderer(), ui::Renderer::kOpenGl);
    images = std::make_unique<ui::TextureImages>((*gl)->textures(), k.visit_workers().camera());
    kui.set_images(images.get());
    const auto gl_receipt = shoot(**gl, "software-10-receipt-opengl");
    EXPECT_LT(test::differing(receipt, gl_receipt, 48), 0.01);
    EXPECT_LT(test::differing(receipt, gl_receipt, 8), 0.05);
    k.dispatch({IntentKind::kFinish});
    const auto gl_attract = shoot(**gl, "software-1-attract-opengl");
    EXPECT_LT(test::differing(attract, gl_attract, 48), 0.01);
    EXPECT_FALSE(description.empty());
}

TEST(SoftwareRenderer, WhenOpenGlCannotStartTheTerminalStillDraws) {
    ASSERT_TRUE(std::getenv("DISPLAY")) << "no DISPLAY: run under Xvfb (scripts/test starts one)";
    test::TempDir dir;
    core::Kiosk::Options ko;
    ko.config.data_dir = dir.path();
    ko.start_uploader = false;
    auto kiosk = core::Kiosk::start(std::move(ko));
    ASSERT_TRUE(kiosk) << kiosk.error().message;
    ui::KioskUi kui(**kiosk);
    ASSERT_TRUE(kui.init(640, 960));
    // A terminal whose GL library is missing or broken (SDL cannot load it).
    setenv("SDL_OPENGL_LIBRARY", "/nonexistent/libGL.so.1", 1);
    auto host = ui::SdlHost::open(ui::HostOptions{"no GL", 640, 960, false});
    unsetenv("SDL_OPENGL_LIBRARY");
    ASSERT_TRUE(host) << host.error().message;
    EXPECT_EQ((*host)->renderer(), ui::Renderer::kSoftware);
    SDL_PumpEvents();
    for (int i = 0; i < 2; ++i) {
        (*host)->begin_frame();
        kui.frame();
    }
    int w = 0, h = 0;
    auto px = (*host)->read_pixels(kui.draw_data(), &w, &h);
    ASSERT_TRUE(px) << px.error().message;
    ASSERT_EQ(w, 640);
    std::set<uint32_t> colours;
    for (size_t i = 0; i < px->size(); i += 4)
        colours.insert(((*px)[i] << 16) | ((*px)[i + 1] << 8) | (*px)[i + 2]);
    EXPECT_GT(colours.size(), 20u) << "the attract screen, not a blank window";
}
