// DamageTracker on draw data made by hand (ui/damage.h): what counts as a change, where it is
// said to be, and the draw data cut down to it. The pixels themselves: DamageParity.*.
#include "ui/damage.h"

#include <gtest/gtest.h>

#include <memory>

#include "ui/layer.h"

using vmeste::ui::DamageTracker;
using vmeste::ui::Layer;
using vmeste::ui::PixelRect;

namespace {

constexpr int kW = 640, kH = 480;  // 10 × 8 tiles of 64 px

// A frame of solid quads, each its own command (texture, clip rectangle) in one list.
struct Frame {
    struct Quad {
        float x0, y0, x1, y1;
        ImU32 col = 0xFF0000FF;
        ImTextureID tex = nullptr;
        ImVec4 clip{0, 0, kW, kH};
        ImVec2 uv0{0, 0}, uv1{0, 0};  // the texels: one (a solid shape) unless set
        Layer* layer = nullptr;       // set: this is the layer's command (its clip: x0..y1)
    };
    std::vector<Quad> quads;
    ImDrawList list{nullptr};
    ImDrawList* lists[1] = {&list};
    ImDrawData data;

    ImDrawData& build() {
        list.CmdBuffer.resize(0);
        list.IdxBuffer.resize(0);
        list.VtxBuffer.resize(0);
        for (const Quad& q : quads) {
            if (q.layer) {
                ImDrawCmd c;
                c.ClipRect = ImVec4(q.x0, q.y0, q.x1, q.y1);
                c.UserCallback = &Layer::draw_command;
                c.UserCallbackData = q.layer;
                c.IdxOffset = static_cast<unsigned>(list.IdxBuffer.Size);
                list.CmdBuffer.push_back(c);
                continue;
            }
            ImDrawCmd c;
            c.ClipRect = q.clip;
            c.TextureId = q.tex;
            c.VtxOffset = 0;
            c.IdxOffset = static_cast<unsigned>(list.IdxBuffer.Size);
            c.ElemCount = 6;
            const auto base = static_cast<ImDrawIdx>(list.VtxBuffer.Size);
            const ImVec2 corners[4] = {ImVec2(q.x0, q.y0), ImVec2(q.x1, q.y0), ImVec2(q.x1, q.y1),
                                       ImVec2(q.x0, q.y1)};
            const ImVec2 uvs[4] = {q.uv0, ImVec2(q.uv1.x, q.uv0.y), q.uv1,
                                   ImVec2(q.uv0.x, q.uv1.y)};
            for (int k = 0; k < 4; ++k)
                list.VtxBuffer.push_back(ImDrawVert{corners[k], uvs[k], q.col});
            for (int i : {0, 1, 2, 0, 2, 3})
                list.IdxBuffer.push_back(static_cast<ImDrawIdx>(base + i));
            list.CmdBuffer.push_back(c);
        }
        data = ImDrawData();
        data.Valid = true;
        data.CmdListsCount = 1;
        data.CmdLists = lists;
        data.DisplayPos = ImVec2(0, 0);
        data.DisplaySize = ImVec2(kW, kH);
        data.FramebufferScale = ImVec2(1, 1);
        data.TotalIdxCount = list.IdxBuffer.Size;
        data.TotalVtxCount = list.VtxBuffer.Size;
        return data;
    }
};

long covered(const std::vector<PixelRect>& rects) {
    long n = 0;
    for (const auto& r : rects) n += r.area();
    return n;
}

bool inside(const std::vector<PixelRect>& rects, int x, int y) {
    for (const auto& r : rects)
        if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return true;
    return false;
}

}  // namespace

TEST(DamageTracker, TheFirstFrameIsWholeAndTheSameFrameAgainIsNothing) {
    DamageTracker t(DamageTracker::ClipRule::kSdlRenderer);
    Frame f;
    f.quads = {{10, 10, 100, 50}, {300, 300, 420, 400}};
    EXPECT_EQ(covered(t.compare(f.build(), kW, kH, 0xFFFFFFFF)), long(kW) * kH);
    EXPECT_TRUE(t.compare(f.build(), kW, kH, 0xFFFFFFFF).empty());
    // Another clear colour (high contrast) changes every pixel without a command changing.
    EXPECT_EQ(covered(t.compare(f.build(), kW, kH, 0xFF000000)), long(kW) * kH);
}

TEST(DamageTracker, AMovedQuadDamagesTheTilesItLeftAndReachedOnly) {
    DamageTracker t(DamageTracker::ClipRule::kSdlRenderer);
    Frame f;
    f.quads = {{10, 10, 100, 50}, {300, 300, 420, 400}};
    t.compare(f.build(), kW, kH, 0);
    // 300..420 → 370..420 across, 300..400 down: its triangles span the tiles of x and y
    // 256..447, three by three, before and after.
    f.quads[1].x0 += 70;
    const auto& rects = t.compare(f.build(), kW, kH, 0);
    ASSERT_FALSE(rects.empty());
    EXPECT_TRUE(inside(rects, 300, 300));
    EXPECT_TRUE(inside(rects, 419, 399));
    EXPECT_FALSE(inside(rects, 20, 20)) << "the other quad did not change";
    EXPECT_FALSE(inside(rects, 600, 20));
    EXPECT_EQ(covered(rects), 9L * 64 * 64);
    // Disjoint: no pixel is in two rectangles.
    for (size_t i = 0; i < rects.size(); ++i)
        for (size_t j = i + 1; j < rects.size(); ++j) {
            const PixelRect &a = rects[i], &b = rects[j];
            EXPECT_TRUE(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y ||
                        b.y + b.h <= a.y);
        }
}

TEST(DamageTracker, ColourOrderAndTexturePixelsCount) {
    DamageTracker t(DamageTracker::ClipRule::kOpenGl3);
    Frame f;
    auto* tex = reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(7));
    f.quads = {{0, 0, 60, 60, 0xFF00FF00}, {30, 30, 60, 60, 0xFF0000FF, tex}};
    t.compare(f.build(), kW, kH, 0);
    f.quads[0].col = 0xFF00FF01;  // one step of green
    EXPECT_TRUE(inside(t.compare(f.build(), kW, kH, 0), 5, 5));
    std::swap(f.quads[0], f.quads[1]);  // the same triangles, drawn in the other order
    EXPECT_TRUE(inside(t.compare(f.build(), kW, kH, 0), 5, 5)) << "overdraw depends on order";
    EXPECT_TRUE(t.compare(f.build(), kW, kH, 0).empty());
    t.texture_changed(tex);  // a camera frame: new pixels, the same commands
    const auto& rects = t.compare(f.build(), kW, kH, 0);
    EXPECT_TRUE(inside(rects, 40, 40));
    EXPECT_FALSE(inside(rects, 200, 200));
    t.texture_gone(tex);  // and a texture made again under the same name
    EXPECT_TRUE(inside(t.compare(f.build(), kW, kH, 0), 40, 40));
}

TEST(DamageTracker, AChangeOutsideTheClipRectangleIsNoChange) {
    DamageTracker t(DamageTracker::ClipRule::kSdlRenderer);
    Frame f;
    f.quads = {{200, 200, 300, 300, 0xFF00FF00, nullptr, ImVec4(0, 0, 128, 128)}, {10, 10, 50, 50}};
    t.compare(f.build(), kW, kH, 0);
    f.quads[0].x0 = 210;  // moves within what its clip rectangle hides
    f.quads[0].col = 0xFFFFFFFF;
    EXPECT_TRUE(t.compare(f.build(), kW, kH, 0).empty());
    f.quads[0].clip = ImVec4(0, 0, 256, 256);  // now a corner of it shows
    EXPECT_TRUE(inside(t.compare(f.build(), kW, kH, 0), 220, 220));
}

TEST(DamageTracker, TheCutDrawDataHoldsOnlyTrianglesInTheRectanglesClippedToThem) {
    DamageTracker t(DamageTracker::ClipRule::kSdlRenderer);
    Frame f;
    f.quads = {{10, 10, 100, 50}, {300, 300, 420, 400}, {600, 400, 630, 470}};
    t.compare(f.build(), kW, kH, 0);
    f.quads[1].col = 0xFFFFFFFF;
    const auto rects = t.compare(f.build(), kW, kH, 0);
    ImDrawData* part = t.restrict_to(f.build(), rects);
    ASSERT_EQ(part->CmdListsCount, 1);
    const ImDrawList* l = part->CmdLists[0];
    ASSERT_FALSE(l->CmdBuffer.empty());
    for (const ImDrawCmd& c : l->CmdBuffer) {
        EXPECT_EQ(c.ElemCount % 3, 0u);
        bool within = false;
        for (const auto& r : rects)
            within |= c.ClipRect.x >= r.x && c.ClipRect.y >= r.y && c.ClipRect.z <= r.x + r.w &&
                      c.ClipRect.w <= r.y + r.h;
        EXPECT_TRUE(within) << "a clip rectangle beyond the damage";
        for (unsigned i = 0; i < c.ElemCount; ++i) {
            const ImVec2 p = l->VtxBuffer[l->IdxBuffer[c.IdxOffset + i]].pos;
            EXPECT_GE(p.x, 250.0f) << "a triangle of an unchanged quad came along";
            EXPECT_LT(p.x, 600.0f);
        }
    }
}

namespace {

// A layer of two pictures over a background, its screen rectangle off the 64 px tiles.
void describe(Layer& l, long ox, long oy, ImTextureID a, ImTextureID b) {
    l.begin(16, 0xFF808080, 50, 70, 300, 200, ox, oy);
    l.image(a, 0, 0, 256, 256);
    l.image(b, 256, 0, 512, 256);
}

}  // namespace

TEST(DamageTracker, ALayerThatMovedDamagesItsOwnRectangleNotTheTilesItReachesInto) {
    DamageTracker t(DamageTracker::ClipRule::kOpenGl3);
    auto* a = reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(3));
    auto* b = reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(4));
    Layer layer;
    describe(layer, 10, 20, a, b);
    Frame f;
    f.quads = {{0, 0, kW, kH, 0xFFEEEEEE},
               {50, 70, 350, 270, 0, nullptr, {}, {}, {}, &layer},
               {500, 400, 600, 450}};
    t.compare(f.build(), kW, kH, 0);
    EXPECT_TRUE(t.compare(f.build(), kW, kH, 0).empty());
    describe(layer, 13, 20, a, b);  // panned by 3 px
    const auto& rects = t.compare(f.build(), kW, kH, 0);
    EXPECT_EQ(covered(rects), 300L * 200) << "the layer's rectangle, exactly";
    EXPECT_TRUE(inside(rects, 50, 70));
    EXPECT_TRUE(inside(rects, 349, 269));
    EXPECT_FALSE(inside(rects, 49, 70)) << "the tile's part beside the layer did not change";
    EXPECT_FALSE(inside(rects, 50, 69));
    EXPECT_FALSE(inside(rects, 350, 200));
    // Its pictures' pixels count as its own: a texture made again under a name it shows.
    EXPECT_TRUE(t.compare(f.build(), kW, kH, 0).empty());
    t.texture_gone(b);
    EXPECT_EQ(covered(t.compare(f.build(), kW, kH, 0)), 300L * 200);
    // Something else changing in a tile the layer shares damages that tile whole.
    f.quads[0].col = 0xFFEEEEEF;
    EXPECT_EQ(covered(t.compare(f.build(), kW, kH, 0)), long(kW) * kH);
}

TEST(DamageTracker, WhatIsDrawnUnderALayerIsLeftOutAndWhatComesAfterIsKept) {
    DamageTracker t(DamageTracker::ClipRule::kOpenGl3);
    Layer layer;
    describe(layer, 0, 0, nullptr, nullptr);
    Frame f;
    f.quads = {{0, 0, kW, kH, 0xFFEEEEEE},                          // under all
               {60, 80, 120, 120, 0xFF0000FF},                      // under the layer
               {50, 70, 350, 270, 0, nullptr, {}, {}, {}, &layer},  // the layer
               {100, 100, 140, 140, 0xFF00FF00}};                   // over it
    const auto rects = t.compare(f.build(), kW, kH, 0);             // the first frame: all of it
    const PixelRect opaque = t.find_occluder(f.build());
    EXPECT_EQ(opaque, (PixelRect{50, 70, 300, 200}));
    ImDrawData* part = t.restrict_to(f.build(), rects);
    ASSERT_EQ(part->CmdListsCount, 1);
    const ImDrawList* l = part->CmdLists[0];
    int layers = 0, over = 0, under = 0;
    for (const ImDrawCmd& c : l->CmdBuffer) {
        const bool within =
            c.ClipRect.x >= 50 && c.ClipRect.y >= 70 && c.ClipRect.z <= 350 && c.ClipRect.w <= 270;
        const bool apart =
            c.ClipRect.z <= 50 || c.ClipRect.x >= 350 || c.ClipRect.w <= 70 || c.ClipRect.y >= 270;
        if (c.UserCallback == &Layer::draw_command) {
            ++layers;
            EXPECT_TRUE(within) << "the layer is shown within its rectangle";
            continue;
        }
        const ImVec2 p = l->VtxBuffer[l->IdxBuffer[c.IdxOffset]].pos;
        if (p.x == 100.0f) {
            ++over;  // drawn after the layer: over it, where it is
        } else {
            ++under;
            EXPECT_TRUE(apart) << "drawn before the layer, clipped to the layer's inside";
        }
    }
    EXPECT_GE(layers, 1);
    EXPECT_GE(over, 1);
    EXPECT_GE(under, 4) << "the background around the layer: above, below, left, right";
    std::vector<PixelRect> rest;
    DamageTracker::subtract({0, 0, 100, 100}, {20, 30, 40, 50}, &rest);
    long area = 0;
    for (const auto& r : rest) area += r.area();
    EXPECT_EQ(area, 100L * 100 - 40 * 50);
    EXPECT_EQ(rest.size(), 4u);
}
