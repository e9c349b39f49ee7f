// The OpenGL layer compositor (ui/gl_layer.h) in a real window: a kept picture, moved by pans
// and mended where pieces changed, shows what a picture drawn afresh shows, pixel for pixel —
// and, at scale 1, exactly the textures' texels where the world puts them (an upside-down or
// shifted copy cannot pass).
#include "ui/gl_layer.h"

#include <GL/gl.h>
#include <SDL.h>
#include <gtest/gtest.h>
#include <imgui.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

#include "ui/sdl_host.h"

using vmeste::ui::GlLayerCompositor;
using vmeste::ui::Layer;
using vmeste::ui::LayerCompositor;

namespace {

constexpr int kWinW = 800, kWinH = 600;
constexpr int kSx = 37, kSy = 29, kSw = 501, kSh = 389;  // the layer's screen rectangle
constexpr int kTiles = 8;                                // a world of 8 × 8 tiles of 256 texels

struct World {
    std::vector<std::vector<uint8_t>> texels;  // each tile's RGB
    std::vector<ImTextureID> textures;
    std::vector<bool> loaded;
};

// The layer's description as the map gives it: tiles that reach the view, loaded ones as
// pictures, the rest as outlines.
void describe(Layer& l, const World& w, double scale, long ox, long oy) {
    l.begin(static_cast<uint64_t>(scale * 1000), 0xFF405060, kSx, kSy, kSw, kSh, ox, oy);
    const double t = 256 * scale;
    for (int ty = 0; ty < kTiles; ++ty)
        for (int tx = 0; tx < kTiles; ++tx) {
            const double x0 = tx * t, y0 = ty * t;
            if (x0 + t <= ox || x0 >= ox + kSw || y0 + t <= oy || y0 >= oy + kSh) continue;
            const size_t i = static_cast<size_t>(ty) * kTiles + tx;
            if (w.loaded[i])
                l.image(w.textures[i], x0, y0, x0 + t, y0 + t);
            else
                l.outline(x0, y0, x0 + t, y0 + t, 0xFF00C0FF, 2.0f);
        }
}

std::vector<uint8_t> compose_and_read(LayerCompositor& c, const Layer& l) {
    glViewport(0, 0, kWinW, kWinH);
    glDisable(GL_SCISSOR_TEST);
    glClearColor(1, 0, 1, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImDrawCmd cmd;
    cmd.ClipRect = ImVec4(kSx, kSy, kSx + kSw, kSy + kSh);
    c.compose(l, nullptr, &cmd);
    std::vector<uint8_t> px(static_cast<size_t>(kSw) * kSh * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(kSx, kWinH - kSy - kSh, kSw, kSh, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    return px;  // bottom row first
}

long differing(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    long n = 0;
    for (size_t i = 0; i < a.size(); i += 4)
        n += a[i] != b[i] || a[i + 1] != b[i + 1] || a[i + 2] != b[i + 2];
    return n;
}

// A real OpenGL window and a world of noise tiles in its textures.
class LayerParity : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(std::getenv("DISPLAY"))
            << "no DISPLAY: run under Xvfb (scripts/test starts one)";
        ImGui::CreateContext();
        ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini left behind
        ImGui::GetIO().Fonts->AddFontDefault();
        vmeste::ui::HostOptions o{"layer", kWinW, kWinH, false};
        o.renderer = vmeste::ui::Renderer::kOpenGl;
        auto opened = vmeste::ui::SdlHost::open(o);
        ASSERT_TRUE(opened) << opened.error().message;
        host = std::move(*opened);
        if (host->renderer() != vmeste::ui::Renderer::kOpenGl) GTEST_SKIP() << "no OpenGL here";
        host->begin_frame();  // the backend's objects and the font atlas's texture
        ImGui::NewFrame();    // the atlas's white texel, which filled shapes sample
        ImGui::EndFrame();
    }
    void TearDown() override {
        if (host)
            for (ImTextureID t : w.textures) host->textures().destroy(t);
        host.reset();
        ImGui::DestroyContext();
    }
    // Tiles of noise; each `unloaded_every`-th (from `unloaded_at`) still an outline.
    void make_world(unsigned seed, int unloaded_every, int unloaded_at) {
        rng.seed(seed);
        for (int i = 0; i < kTiles * kTiles; ++i) {
            std::vector<uint8_t> t(256 * 256 * 3);
            for (auto& v : t) v = static_cast<uint8_t>(rng());
            w.textures.push_back(host->textures().create(256, 256, t.data()));
            w.texels.push_back(std::move(t));
            w.loaded.push_back(i % unloaded_every != unloaded_at);
        }
    }
    std::unique_ptr<vmeste::ui::SdlHost> host;
    World w;
    std::mt19937 rng;
};

}  // namespace

TEST_F(LayerParity, AKeptPictureMovedAndMendedEqualsOneDrawnAfresh) {
    LayerCompositor* kept = host->textures().layers();
    ASSERT_NE(kept, nullptr) << "OpenGL 3.2 has framebuffer objects: the host must keep layers";
    make_world(7, 5, 3);
    Layer layer;
    long ox = 300, oy = 200;
    int steps = 0, small_pans = 0;
    for (double scale : {1.0, 1.37}) {
        for (int step = 0; step < 40; ++step, ++steps) {
            std::uniform_int_distribution<int> pan(-90, 90), pick(0, kTiles * kTiles - 1);
            bool small = true;
            if (step % 13 == 12) {  // a jump: nothing kept is in view any more
                ox += 3 * kSw;
                small = false;
            } else {
                ox += pan(rng);
                oy += pan(rng);
            }
            ox = std::clamp<long>(ox, -200, static_cast<long>(kTiles * 256 * scale) - kSw);
            oy = std::clamp<long>(oy, -200, static_cast<long>(kTiles * 256 * scale) - kSh);
            if (step % 4 == 1) {  // a tile loads where its outline was
                w.loaded[static_cast<size_t>(pick(rng))] = true;
                small = false;
            }
            if (step % 7 == 5) {  // a tile's pixels change: under its name, or made again
                // The tile at the view's centre: in view, and kept from the step before.
                const auto t = static_cast<long>(256 * scale);
                const size_t i = static_cast<size_t>(
                    std::clamp<long>((oy + kSh / 2) / t, 0, kTiles - 1) * kTiles +
                    std::clamp<long>((ox + kSw / 2) / t, 0, kTiles - 1));
                for (auto& v : w.texels[i]) v = static_cast<uint8_t>(rng());
                if (step % 2) {
                    host->textures().update(w.textures[i], 256, 256, w.texels[i].data());
                } else {
                    host->textures().destroy(w.textures[i]);
                    w.textures[i] = host->textures().create(256, 256, w.texels[i].data());
                }
                w.loaded[i] = true;
                small = false;
            }
            describe(layer, w, scale, ox, oy);
            kept->take_drawn_pixels();
            const std::vector<uint8_t> a = compose_and_read(*kept, layer);
            const long drawn = kept->take_drawn_pixels();
            auto fresh = GlLayerCompositor::create(nullptr);
            const std::vector<uint8_t> b = compose_and_read(*fresh, layer);
            ASSERT_EQ(differing(a, b), 0)
                << "scale " << scale << " step " << step << ": the kept picture differs";
            if (small && step > 0) {
                ++small_pans;
                EXPECT_LT(drawn, static_cast<long>(kSw) * kSh / 2)
                    << "a pan of under 90 px drew " << drawn << " px: the picture was not kept";
            }
            if (scale != 1.0) continue;
            // At scale 1, every pixel of a loaded tile is its texel (GL's rows bottom first).
            long checked = 0, wrong = 0;
            for (int y = 0; y < kSh; y += 7)
                for (int x = 0; x < kSw; x += 5) {
                    const long wx = ox + x, wy = oy + y;
                    if (wx < 0 || wy < 0) continue;
                    const long tx = wx / 256, ty = wy / 256;
                    if (tx >= kTiles || ty >= kTiles) continue;
                    const size_t i = static_cast<size_t>(ty * kTiles + tx);
                    const long u = wx % 256, v = wy % 256;
                    // Outlines are drawn over a loaded tile's edge by its unloaded neighbour.
                    if (!w.loaded[i] || u < 3 || v < 3 || u > 252 || v > 252) continue;
                    const uint8_t* want = &w.texels[i][static_cast<size_t>(v * 256 + u) * 3];
                    const uint8_t* got = &a[(static_cast<size_t>(kSh - 1 - y) * kSw + x) * 4];
                    ++checked;
                    wrong += got[0] != want[0] || got[1] != want[1] || got[2] != want[2];
                }
            ASSERT_GT(checked, 100) << "step " << step;
            ASSERT_EQ(wrong, 0) << "step " << step << ": pixels not where the world puts them";
        }
    }
    EXPECT_EQ(steps, 80);
    EXPECT_GT(small_pans, 20);
    // Not shown for a while, the picture is let go; shown again, it is drawn whole, the same.
    const std::vector<uint8_t> before = compose_and_read(*kept, layer);
    kept->take_drawn_pixels();
    for (int i = 0; i < GlLayerCompositor::kIdleFrames; ++i) kept->end_frame();
    EXPECT_EQ(differing(compose_and_read(*kept, layer), before), 0);
    EXPECT_EQ(kept->take_drawn_pixels(), 0) << "kept through kIdleFrames frames";
    for (int i = 0; i <= GlLayerCompositor::kIdleFrames; ++i) kept->end_frame();
    EXPECT_EQ(differing(compose_and_read(*kept, layer), before), 0);
    EXPECT_EQ(kept->take_drawn_pixels(), static_cast<long>(kSw) * kSh) << "drawn again whole";
}

TEST_F(LayerParity, ALayerWithNoPictureToKeepIsDrawnWhereItShows) {
    make_world(11, 3, 1);
    Layer layer;
    auto unkept = GlLayerCompositor::create(nullptr);
    auto kept = GlLayerCompositor::create(nullptr);
    unkept->set_max_picture(100);  // the layer is 501 × 389
    for (long ox : {40L, 47L, 300L}) {
        describe(layer, w, 1.0, ox, 150);
        const std::vector<uint8_t> a = compose_and_read(*unkept, layer);
        EXPECT_EQ(unkept->take_drawn_pixels(), static_cast<long>(kSw) * kSh) << "drawn whole";
        EXPECT_EQ(differing(a, compose_and_read(*kept, layer)), 0) << "at " << ox;
    }
}
