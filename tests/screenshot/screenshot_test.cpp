// Every screen through the real SDL2 + OpenGL path, in both orientations and both languages,
// written to <build>/screenshots/<screen>-<orientation>-<lang>.png (scripts/screenshots copies
// them to docs/). Needs a display: scripts/test starts Xvfb when there is none.
#include <gtest/gtest.h>
#include <imgui.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <SDL.h>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "kiosk/core/kiosk.h"
#include "tests/support/qr_decode.h"
#include "tests/support/temp_dir.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_gl_host.h"

using namespace vmeste;
using core::IntentKind;

namespace {

struct Variant {
    const char* orientation;
    int w, h;
    core::Language lang;
};

void PrintTo(const Variant& v, std::ostream* os) {
    *os << v.orientation << "/" << core::code(v.lang);
}

std::string variant_name(const Variant& v) {
    return std::string(v.orientation) + "-" + std::string(core::code(v.lang));
}

class ScreenshotTest : public ::testing::TestWithParam<Variant> {};

}  // namespace

TEST_P(ScreenshotTest, EveryScreenRendersThroughSdlAndOpenGl) {
    ASSERT_TRUE(std::getenv("DISPLAY")) << "no DISPLAY: run under Xvfb (scripts/test starts one)";
    const Variant v = GetParam();
    const std::string out_dir = VMESTE_SCREENSHOT_DIR;
    std::filesystem::create_directories(out_dir + "/half");

    test::TempDir dir;
    ManualClock clock;
    core::Kiosk::Options ko;
    ko.config.data_dir = dir.path();
    ko.config.platform_url = "http://127.0.0.1:8080";
    ko.config.default_language = v.lang;
    ko.clock = &clock;
    ko.start_uploader = false;
    auto kiosk = core::Kiosk::start(std::move(ko));
    ASSERT_TRUE(kiosk) << kiosk.error().message;
    ui::KioskUi kui(**kiosk);
    ASSERT_TRUE(kui.init(static_cast<float>(v.w), static_cast<float>(v.h)));
    auto host = ui::SdlGlHost::open(ui::HostOptions{"Vmeste screenshot", v.w, v.h, false});
    ASSERT_TRUE(host) << host.error().message;
    int dw = 0, dh = 0;
    (*host)->drawable_size(&dw, &dh);
    ASSERT_EQ(dw, v.w)
        << "the display is too small for the window; Xvfb needs -screen 0 1920x1920x24";
    ASSERT_EQ(dh, v.h);

    auto shoot = [&](const std::string& screen) -> std::vector<unsigned char> {
        SDL_PumpEvents();
        for (int i = 0; i < 2; ++i) {  // the second frame is the settled one
            (*host)->begin_frame();
            kui.frame();
        }
        int w = 0, h = 0;
        auto px = (*host)->read_pixels(kui.draw_data(), &w, &h);
        EXPECT_TRUE(px) << screen;
        if (!px) return {};
        // Not blank, not one colour: the most common colour covers less than 97 % of the screen.
        std::map<uint32_t, size_t> counts;
        for (size_t i = 0; i < px->size(); i += 4)
            ++counts[((*px)[i] << 16) | ((*px)[i + 1] << 8) | (*px)[i + 2]];
        size_t top = 0;
        for (auto& [c, n] : counts) top = std::max(top, n);
        EXPECT_GT(counts.size(), 10u) << screen;
        EXPECT_LT(static_cast<double>(top) / (w * h), 0.97) << screen;
        const std::string name = screen + "-" + variant_name(v) + ".png";
        EXPECT_TRUE(stbi_write_png((out_dir + "/" + name).c_str(), w, h, 4, px->data(), w * 4))
            << name;
        // Half size for docs/screenshots (scripts/screenshots copies these).
        std::vector<unsigned char> half(static_cast<size_t>(w / 2) * (h / 2) * 4);
        stbir_resize_uint8_srgb(px->data(), w, h, 0, half.data(), w / 2, h / 2, 0, 4, 3, 0);
        EXPECT_TRUE(stbi_write_png((out_dir + "/half/" + name).c_str(), w / 2, h / 2, 4,
                                   half.data(), w * 2))
            << name;
        return *px;
    };

    core::Kiosk& k = **kiosk;
    shoot("1-attract");
    k.dispatch({IntentKind::kStart});
    shoot("2-category");
    k.dispatch({IntentKind::kChooseCategory, "roads"});
    shoot("2b-category-leaves");
    k.dispatch({IntentKind::kChooseLeaf, "roads.road.pothole"});
    k.dispatch({IntentKind::kInsertText,
                v.lang == core::Language::kRu
                    ? "Большая яма на проезжей части у дома №12 по ул. Мира. Машины "
                      "объезжают её по встречной полосе, вечером яму не видно."
                    : "A deep pothole in the road by house No. 12 on Mira St. Cars "
                      "swerve into the oncoming lane; at night it cannot be seen."});
    shoot("3-description");
    // The obscene-language warning (the word is taken back afterwards).
    k.dispatch({IntentKind::kInsertText, v.lang == core::Language::kRu ? " бля" : " shit"});
    shoot("3b-description-warning");
    for (int i = 0; i < (v.lang == core::Language::kRu ? 4 : 5); ++i)
        k.dispatch({IntentKind::kBackspace});
    clock.advance(std::chrono::seconds(k.config().idle_timeout_s + 3));
    shoot("4-idle");
    k.dispatch({IntentKind::kStillHere});
    k.dispatch({IntentKind::kNext});
    shoot("5-review");
    k.dispatch({IntentKind::kSubmit});
    for (int i = 0; i < 500 && k.session().state().screen != core::Screen::kReceipt; ++i) {
        SDL_Delay(5);
        k.pump();
    }
    ASSERT_EQ(k.session().state().screen, core::Screen::kReceipt);
    int w = v.w, h = v.h;
    auto receipt = shoot("6-receipt");
    ASSERT_FALSE(receipt.empty());
    // What the citizen's phone would read off the screen.
    EXPECT_EQ(test::decode_qr_rgba(receipt, w, h), k.session().state().receipt->tracking_url);
    host->reset();  // backends go before the ImGui context
}

INSTANTIATE_TEST_SUITE_P(AllVariants, ScreenshotTest,
                         ::testing::Values(Variant{"portrait", 1080, 1920, core::Language::kRu},
                                           Variant{"portrait", 1080, 1920, core::Language::kEn},
                                           Variant{"landscape", 1920, 1080, core::Language::kRu},
                                           Variant{"landscape", 1920, 1080, core::Language::kEn}),
                         [](const auto& info) {
                             return std::string(info.param.orientation) + "_" +
                                    std::string(core::code(info.param.lang));
                         });
