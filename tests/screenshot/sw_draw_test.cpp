// SoftwareDrawer (ui/sw_draw.h) on SDL's software renderer over a plain surface (no window, no
// display): draw data made by hand, drawn whole and drawn only inside damage rectangles, must give
// the same pixels — the property DamageParity.* checks on the kiosk's screens, here on the two
// cases that break it with SDL's own way of drawing: a scaled picture cut by a rectangle's edge,
// and triangles whose neighbours in the command are left out.
#include "ui/sw_draw.h"
#include "ui/widgets.h"

#include <SDL.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using vmeste::ui::PixelRect;
using vmeste::ui::SoftwareDrawer;

namespace {

constexpr int kW = 320, kH = 240;

struct Canvas {
    SDL_Surface* surface = SDL_CreateRGBSurfaceWithFormat(0, kW, kH, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer* renderer = SDL_CreateSoftwareRenderer(surface);
    ~Canvas() {
        SDL_DestroyRenderer(renderer);
        SDL_FreeSurface(surface);
    }
    void clear() {
        SDL_SetRenderDrawColor(renderer, 20, 30, 40, 255);
        SDL_RenderSetClipRect(renderer, nullptr);
        SDL_RenderClear(renderer);
    }
    std::vector<uint32_t> pixels() {
        SDL_RenderFlush(renderer);
        std::vector<uint32_t> px(static_cast<size_t>(kW) * kH);
        for (int y = 0; y < kH; ++y)
            std::memcpy(&px[static_cast<size_t>(y) * kW],
                        static_cast<const uint8_t*>(surface->pixels) + y * surface->pitch, kW * 4);
        return px;
    }
};

// RGB noise: any sampling difference shows.
std::vector<uint8_t> noise_pixels(int w, int h, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> px(static_cast<size_t>(w) * h * 3);
    for (auto& p : px) p = static_cast<uint8_t>(rng());
    return px;
}

// A texture of noise.
SDL_Texture* noise(SDL_Renderer* r, int w, int h, unsigned seed) {
    SDL_Texture* t = SDL_CreateTexture(r, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STATIC, w, h);
    SDL_SetTextureScaleMode(t, SDL_ScaleModeLinear);
    SDL_UpdateTexture(t, nullptr, noise_pixels(w, h, seed).data(), w * 3);
    return t;
}

// The draw data of the one list lists[0], on a w × h screen.
ImDrawData one_list(ImDrawList** lists, int w, int h) {
    ImDrawData data;
    data.Valid = true;
    data.CmdListsCount = 1;
    data.CmdLists = lists;
    data.DisplaySize = ImVec2(static_cast<float>(w), static_cast<float>(h));
    data.FramebufferScale = ImVec2(1, 1);
    data.TotalIdxCount = lists[0]->IdxBuffer.Size;
    data.TotalVtxCount = lists[0]->VtxBuffer.Size;
    return data;
}

// Draw data of one list; each call to cmd() starts a command.
struct Data {
    ImDrawList list{nullptr};
    ImDrawList* lists[1] = {&list};
    ImDrawData data;
    void cmd(ImTextureID tex, ImVec4 clip) {
        ImDrawCmd c;
        c.ClipRect = clip;
        c.TextureId = tex;
        c.IdxOffset = static_cast<unsigned>(list.IdxBuffer.Size);
        list.CmdBuffer.push_back(c);
    }
    ImDrawIdx vertex(float x, float y, float u, float v, ImU32 col) {
        list.VtxBuffer.push_back(ImDrawVert{ImVec2(x, y), ImVec2(u, v), col});
        return static_cast<ImDrawIdx>(list.VtxBuffer.Size - 1);
    }
    void triangle(ImDrawIdx a, ImDrawIdx b, ImDrawIdx c) {
        for (ImDrawIdx i : {a, b, c}) list.IdxBuffer.push_back(i);
        list.CmdBuffer.back().ElemCount += 3;
    }
    // A rectangle as Dear ImGui writes one: corners clockwise, triangles (0 1 2) (0 2 3).
    void quad(float x0, float y0, float x1, float y1, ImVec2 uv0, ImVec2 uv1, ImU32 col) {
        const ImDrawIdx a = vertex(x0, y0, uv0.x, uv0.y, col),
                        b = vertex(x1, y0, uv1.x, uv0.y, col);
        const ImDrawIdx c = vertex(x1, y1, uv1.x, uv1.y, col),
                        d = vertex(x0, y1, uv0.x, uv1.y, col);
        triangle(a, b, c);
        triangle(a, c, d);
    }
    const ImDrawData& build() {
        data = one_list(lists, kW, kH);
        return data;
    }
};

// The screen in four rectangles whose edges cross everything drawn.
const std::vector<PixelRect> kQuarters = {{0, 0, 101, 117},
                                          {101, 0, kW - 101, 117},
                                          {0, 117, 101, kH - 117},
                                          {101, 117, kW - 101, kH - 117}};

long differing(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
    long n = 0;
    for (size_t i = 0; i < a.size(); ++i) n += a[i] != b[i];
    return n;
}

}  // namespace

TEST(SoftwareDrawer, AScaledPictureCutByRectanglesGivesTheFullRedrawsPixels) {
    Canvas canvas;
    ASSERT_NE(canvas.renderer, nullptr) << SDL_GetError();
    SDL_Texture* photo = noise(canvas.renderer, 37, 29, 1);
    Data d;
    // Scaled about 6.4 × 6.4, cut by its own clip rectangle too, tinted half transparent.
    d.cmd(photo, ImVec4(0, 0, 230, kH));
    d.quad(13.3f, 17.6f, 251.2f, 203.9f, ImVec2(0, 0), ImVec2(1, 1), 0xC0FFE0FF);
    SoftwareDrawer whole(canvas.renderer);
    canvas.clear();
    whole.draw(d.build());
    const auto full = canvas.pixels();
    SoftwareDrawer cut(canvas.renderer);
    canvas.clear();
    cut.draw(d.build(), &kQuarters);
    EXPECT_EQ(differing(full, canvas.pixels()), 0);
    EXPECT_EQ(cut.scaled_copies(), 1u) << "one scaled copy, drawn in four pieces";
    SDL_DestroyTexture(photo);
}

TEST(SoftwareDrawer, TrianglesLeftOutDoNotMakeTheirNeighboursPairDifferently) {
    Canvas canvas;
    ASSERT_NE(canvas.renderer, nullptr);
    Data d;
    d.cmd(nullptr, ImVec4(0, 0, kW, kH));
    // Two halves of a rectangle at fractional coordinates with a triangle far away between them
    // in the command: SDL draws the three one by one. Drawn as a pair, the halves would be one
    // filled rectangle, whose edges fall on other pixels.
    const ImU32 col = 0xFF3080F0;
    const ImDrawIdx a = d.vertex(10.6f, 10.3f, 0, 0, col), b = d.vertex(90.4f, 10.3f, 0, 0, col);
    const ImDrawIdx c = d.vertex(90.4f, 80.7f, 0, 0, col), e = d.vertex(10.6f, 80.7f, 0, 0, col);
    const ImDrawIdx x = d.vertex(200, 150, 0, 0, col), y = d.vertex(300, 150, 0, 0, col);
    const ImDrawIdx z = d.vertex(250, 230, 0, 0, col);
    d.triangle(a, b, c);
    d.triangle(x, y, z);
    d.triangle(a, c, e);
    SoftwareDrawer drawer(canvas.renderer);
    canvas.clear();
    drawer.draw(d.build());
    const auto full = canvas.pixels();
    canvas.clear();
    const std::vector<PixelRect> top_left = {{0, 0, 101, 117}};  // the far triangle left out
    drawer.draw(d.build(), &top_left);
    const auto part = canvas.pixels();
    long differ = 0;
    for (int py = 0; py < 117; ++py)
        for (int px = 0; px < 101; ++px) {
            const size_t i = static_cast<size_t>(py) * kW + px;
            differ += full[i] != part[i];
        }
    EXPECT_EQ(differ, 0);
}

// Dear ImGui fills every shape with the atlas's white texel; drawn as coloured triangles (SDL
// fills them, fast) they must look as the textured ones SDL samples.
TEST(SoftwareDrawer, ShapesOfTheWhiteTexelLookAsWhenTextured) {
    Canvas canvas;
    ASSERT_NE(canvas.renderer, nullptr);
    SDL_Texture* atlas =
        SDL_CreateTexture(canvas.renderer, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC, 4, 4);
    const std::vector<uint32_t> white(16, 0xFFFFFFFF);
    SDL_UpdateTexture(atlas, nullptr, white.data(), 16);
    SDL_SetTextureBlendMode(atlas, SDL_BLENDMODE_BLEND);
    const ImVec2 w(0.375f, 0.375f);  // the centre of texel (1, 1)
    Data d;
    d.cmd(atlas, ImVec4(0, 0, kW, kH));
    // A fan (a rounded button's body) and a fringe whose alpha falls to 0 (its antialiased edge),
    // over one another, half transparent in places.
    const ImDrawIdx c = d.vertex(160, 120, w.x, w.y, 0xFF3080F0);
    ImDrawIdx prev = d.vertex(260.3f, 120, w.x, w.y, 0xFF3080F0);
    for (int k = 1; k <= 12; ++k) {
        const float a = static_cast<float>(k) * 3.14159265f / 6.0f;
        const ImDrawIdx next = d.vertex(160 + 100.3f * std::cos(a), 120 + 90.7f * std::sin(a), w.x,
                                        w.y, k % 2 ? 0xC02060A0 : 0xFF3080F0);
        d.triangle(c, prev, next);
        prev = next;
    }
    const ImDrawIdx f0 = d.vertex(30.5f, 20.2f, w.x, w.y, 0xFF10E040);
    const ImDrawIdx f1 = d.vertex(290.5f, 40.7f, w.x, w.y, 0x0010E040);
    const ImDrawIdx f2 = d.vertex(120.2f, 210.9f, w.x, w.y, 0x8010E040);
    d.triangle(f0, f1, f2);
    SoftwareDrawer textured(canvas.renderer);  // no atlas set: sampled as SDL would
    canvas.clear();
    textured.draw(d.build());
    const auto sampled = canvas.pixels();
    SoftwareDrawer filled(canvas.renderer);
    filled.set_atlas(atlas, w);
    canvas.clear();
    filled.draw(d.build());
    // The same colours, up to rounding where they blend (SDL's fill blends through a surface of
    // its own, its sampler in one step; overlaps add up): at most 4 levels of 255, below what an
    // eye tells apart.
    const auto fill = canvas.pixels();
    int most = 0;
    long shape = 0;
    for (size_t i = 0; i < fill.size(); ++i) {
        for (int sh : {0, 8, 16})
            most = std::max(most, std::abs(static_cast<int>((fill[i] >> sh) & 0xFF) -
                                           static_cast<int>((sampled[i] >> sh) & 0xFF)));
        shape += (fill[i] & 0xFFFFFF) != 0x141E28;  // not the background
    }
    EXPECT_LE(most, 4);
    EXPECT_GT(shape, 20000) << "the shapes were drawn";
    SDL_DestroyTexture(atlas);
}

// The kiosk's rounded buttons and cards (ui::fill_rounded: a cross of rectangles and four corner
// fans) on SDL's software renderer, at the fractional places and sizes the layout gives them:
// every pixel inside is the fill's colour. Seen before on the attract screen of a terminal
// without a GPU: a light column through «Сообщить о проблеме» where the cross's rectangles met
// at a fraction of a pixel, and light marks at its corners where a corner fan's antialiased
// fringe, drawn along its straight edges too, fell on what is behind the button.
TEST(SoftwareDrawer, ARoundedButtonHasNoSeamsInside) {
    constexpr int W = 1100, H = 320;
    SDL_Surface* surface = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer* renderer = SDL_CreateSoftwareRenderer(surface);
    ASSERT_NE(renderer, nullptr);
    ImGuiContext* ctx = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    unsigned char* font_px = nullptr;
    int fw = 0, fh = 0;
    io.Fonts->GetTexDataAsRGBA32(&font_px, &fw, &fh);
    SDL_Texture* atlas =
        SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ABGR8888, SDL_TEXTUREACCESS_STATIC, fw, fh);
    SDL_UpdateTexture(atlas, nullptr, font_px, fw * 4);
    SDL_SetTextureBlendMode(atlas, SDL_BLENDMODE_BLEND);
    io.Fonts->SetTexID(atlas);
    io.DisplaySize = ImVec2(W, H);
    io.DeltaTime = 1.0f / 60;
    ImGui::NewFrame();  // the shared draw data (white texel, arcs) as the kiosk has it
    const ImU32 blue = IM_COL32(0x0F, 0x4C, 0xD6, 0xFF);
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> frac(0.0f, 1.0f);
    long seams = 0, inside = 0;
    std::string first;
    for (int shape = 0; shape < 40; ++shape) {
        ImDrawList list(ImGui::GetDrawListSharedData());
        list._ResetForNewFrame();
        list.Flags = ImDrawListFlags_AntiAliasedLines | ImDrawListFlags_AntiAliasedFill;
        list.PushClipRect(ImVec2(0, 0), ImVec2(W, H));
        list.PushTextureID(atlas);
        const float x0 = 10 + 200 * frac(rng), y0 = 10 + 40 * frac(rng);
        const float x1 = x0 + 200 + 680 * frac(rng), y1 = y0 + 60 + 200 * frac(rng);
        const float r = 6 + 18 * frac(rng);
        vmeste::ui::fill_rounded(&list, ImVec2(x0, y0), ImVec2(x1, y1), blue, r);
        ImDrawList* lists[1] = {&list};
        const ImDrawData data = one_list(lists, W, H);
        SoftwareDrawer drawer(renderer);
        drawer.set_atlas(atlas, io.Fonts->TexUvWhitePixel);
        SDL_SetRenderDrawColor(renderer, 0xF2, 0xF4, 0xF8, 255);  // the page behind
        SDL_RenderClear(renderer);
        drawer.draw(data);
        SDL_RenderFlush(renderer);
        // Inside, past the antialiased edge: 1 px from the straight edges, 2 px inside a
        // corner's circle (ImGui draws the arc as chords, up to a pixel inside it).
        for (int y = static_cast<int>(y0); y <= static_cast<int>(y1); ++y)
            for (int x = static_cast<int>(x0); x <= static_cast<int>(x1); ++x) {
                const float cx = x + 0.5f, cy = y + 0.5f;
                if (cx < x0 + 1 || cx > x1 - 1 || cy < y0 + 1 || cy > y1 - 1) continue;
                const float kx = std::clamp(cx, x0 + r, x1 - r),
                            ky = std::clamp(cy, y0 + r, y1 - r);
                if (std::hypot(cx - kx, cy - ky) > r - 2.0f) continue;
                ++inside;
                const uint32_t got =
                    *reinterpret_cast<const uint32_t*>(
                        static_cast<const uint8_t*>(surface->pixels) + y * surface->pitch + x * 4) &
                    0xFFFFFF;
                // A corner's fringe blended over the rectangles' own colour may round a level
                // off (invisible); a seam is the page showing through (tens of levels).
                int off = 0;
                for (int sh : {0, 8, 16})
                    off = std::max(off, std::abs(static_cast<int>((got >> sh) & 0xFF) -
                                                 static_cast<int>((0x0F4CD6u >> sh) & 0xFF)));
                if (off > 3 && seams++ == 0) {
                    char buf[160];
                    std::snprintf(buf, sizeof buf,
                                  "(%.2f,%.2f)-(%.2f,%.2f) r %.2f: pixel (%d,%d) is %06x", x0, y0,
                                  x1, y1, r, x, y, static_cast<unsigned>(got));
                    first = buf;
                }
            }
    }
    EXPECT_GT(inside, 1000000) << "the shapes were drawn";
    EXPECT_EQ(seams, 0) << "pixels inside the buttons not their colour; the first: " << first;
    ImGui::EndFrame();
    SDL_DestroyTexture(atlas);
    ImGui::DestroyContext(ctx);
    SDL_DestroyRenderer(renderer);
    SDL_FreeSurface(surface);
}

TEST(SoftwareDrawer, AScaledCopyIsMadeAgainWhenItsTextureChanges) {
    Canvas canvas;
    ASSERT_NE(canvas.renderer, nullptr);
    SDL_Texture* camera = noise(canvas.renderer, 40, 30, 2);
    Data d;
    d.cmd(camera, ImVec4(0, 0, kW, kH));
    d.quad(0, 0, kW, kH, ImVec2(0, 0), ImVec2(1, 1), 0xFFFFFFFF);
    SoftwareDrawer drawer(canvas.renderer);
    canvas.clear();
    drawer.draw(d.build());
    const auto before = canvas.pixels();
    // The camera's next frame into the same texture.
    SDL_UpdateTexture(camera, nullptr, noise_pixels(40, 30, 3).data(), 40 * 3);
    drawer.texture_changed(camera);
    canvas.clear();
    drawer.draw(d.build());
    const auto after = canvas.pixels();
    EXPECT_GT(differing(before, after), kW * kH / 2) << "the old frame's copy was drawn";
    // What a drawer that never saw the old pixels draws.
    SoftwareDrawer fresh(canvas.renderer);
    canvas.clear();
    fresh.draw(d.build());
    EXPECT_EQ(differing(after, canvas.pixels()), 0);
    EXPECT_EQ(drawer.scaled_copies(), 1u) << "the copy is made again in place, not added";
    drawer.texture_gone(camera);
    EXPECT_EQ(drawer.scaled_copies(), 0u);
    EXPECT_EQ(drawer.scaled_bytes(), 0u);
    SDL_DestroyTexture(camera);
}

TEST(SoftwareDrawer, CopiesNotDrawnForAWhileAreFreed) {
    Canvas canvas;
    ASSERT_NE(canvas.renderer, nullptr);
    SDL_Texture* photo = noise(canvas.renderer, 16, 16, 4);
    Data with;
    with.cmd(photo, ImVec4(0, 0, kW, kH));
    with.quad(0, 0, 64, 64, ImVec2(0, 0), ImVec2(1, 1), 0xFFFFFFFF);
    Data without;
    without.cmd(nullptr, ImVec4(0, 0, kW, kH));
    without.quad(0, 0, 64, 64, ImVec2(0, 0), ImVec2(0, 0), 0xFF000000);
    SoftwareDrawer drawer(canvas.renderer);
    drawer.draw(with.build());
    ASSERT_EQ(drawer.scaled_copies(), 1u);
    EXPECT_EQ(drawer.scaled_bytes(), 64u * 64 * 4);
    for (long i = 0; i < SoftwareDrawer::kKeepFrames; ++i) drawer.draw(without.build());
    EXPECT_EQ(drawer.scaled_copies(), 1u) << "kept while it may come back";
    drawer.draw(without.build());
    EXPECT_EQ(drawer.scaled_copies(), 0u);
    EXPECT_EQ(drawer.scaled_bytes(), 0u);
    SDL_DestroyTexture(photo);
}
