// Camera frames reach the screen as a texture through the real SDL2 path under Xvfb, with either
// renderer (OpenGL, SDL's software one): the synthetic camera's colour bars are read back from the
// drawn frame, and a refresh with no new frame costs nothing and changes nothing.
#include "ui/camera_texture.h"

#include <gtest/gtest.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <SDL.h>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "kiosk/core/kiosk.h"
#include "tests/support/temp_dir.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_host.h"

using namespace vmeste;
using namespace std::chrono_literals;

class CameraTexture : public ::testing::TestWithParam<ui::Renderer> {};

TEST_P(CameraTexture, TheNewestFrameIsDrawnWithoutWaitingForTheCamera) {
    ASSERT_TRUE(std::getenv("DISPLAY")) << "no DISPLAY: run under Xvfb (scripts/test starts one)";
    test::TempDir dir;
    core::Kiosk::Options ko;
    ko.config.data_dir = dir.path();
    ko.start_uploader = false;
    auto kiosk = core::Kiosk::start(std::move(ko));
    ASSERT_TRUE(kiosk);
    ui::KioskUi kui(**kiosk);
    ASSERT_TRUE(kui.init(640, 480));
    ui::HostOptions ho{"camera", 640, 480, false};
    ho.renderer = GetParam();
    auto host = ui::SdlHost::open(ho);
    ASSERT_TRUE(host) << host.error().message;
    ASSERT_EQ((*host)->renderer(), GetParam());

    SystemClock clock;
    auto cam = drivers::make_synthetic_camera(clock, 640, 480, 30);
    ui::CameraTexture tex((*host)->textures());
    EXPECT_FALSE(tex.refresh(*cam));  // nothing yet: returns at once
    cam->start(320, 240);
    ASSERT_NE(cam->wait_frame(0, 2s), nullptr);
    ASSERT_TRUE(tex.refresh(*cam));
    EXPECT_EQ(tex.width(), 320);
    EXPECT_EQ(tex.height(), 240);
    EXPECT_GT(tex.sequence(), 0);
    const int64_t seq = tex.sequence();
    cam->stop();  // a stalled camera: the UI keeps its last frame and does not wait
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(tex.refresh(*cam));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5ms);
    EXPECT_EQ(tex.sequence(), seq);

    SDL_PumpEvents();
    (*host)->begin_frame();
    ImGui::NewFrame();
    ImGui::GetForegroundDrawList()->AddImage(tex.imgui_id(), ImVec2(0, 0), ImVec2(640, 480));
    ImGui::Render();
    int w = 0, h = 0;
    auto px = (*host)->read_pixels(ImGui::GetDrawData(), &w, &h);
    ASSERT_TRUE(px);
    ASSERT_EQ(w, 640);
    auto at = [&](int x, int y) { return &(*px)[(static_cast<size_t>(y) * w + x) * 4]; };
    // Bars (left to right): grey, yellow, cyan, green, magenta, red, blue; sample low rows,
    // away from the moving box and the frame-number strip.
    const int y = 440;
    const unsigned char* grey = at(640 / 14, y);
    const unsigned char* yellow = at(640 * 3 / 14, y);
    const unsigned char* blue = at(640 * 13 / 14, y);
    EXPECT_NEAR(grey[0], 192, 8);
    EXPECT_NEAR(grey[2], 192, 8);
    EXPECT_GT(yellow[0], 160);
    EXPECT_GT(yellow[1], 160);
    EXPECT_LT(yellow[2], 40);
    EXPECT_LT(blue[0], 40);
    EXPECT_GT(blue[2], 160);
    const std::string out = VMESTE_SCREENSHOT_DIR;
    std::filesystem::create_directories(out);
    stbi_write_png((out + "/camera-texture-" + ui::renderer_name(GetParam()) + ".png").c_str(), w,
                   h, 4, px->data(), w * 4);
}

INSTANTIATE_TEST_SUITE_P(BothRenderers, CameraTexture,
                         ::testing::Values(ui::Renderer::kOpenGl, ui::Renderer::kSoftware),
                         [](const auto& info) {
                             return std::string(ui::renderer_name(info.param));
                         });
