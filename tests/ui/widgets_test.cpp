// Shapes the widgets draw, on ImGui's draw lists themselves (no renderer).
#include "ui/widgets.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace {

struct Context {
    Context() {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;  // no imgui.ini left behind
        io.Fonts->AddFontDefault();
        io.Fonts->Build();
        io.DisplaySize = ImVec2(1080, 1920);
        ImGui::NewFrame();  // the shared data's white texel and circle segments
    }
    ~Context() {
        ImGui::EndFrame();
        ImGui::DestroyContext();
    }
};

struct Measure {
    double opaque_area = 0;     // triangles of full alpha
    double widest_slanted = 0;  // the largest bounding box of a triangle not axis-aligned
};

Measure measure(const ImDrawList& dl) {
    Measure m;
    for (int i = 0; i + 2 < dl.IdxBuffer.Size; i += 3) {
        ImVec2 p[3];
        bool opaque = true;
        for (int k = 0; k < 3; ++k) {
            const ImDrawVert& v = dl.VtxBuffer[dl.IdxBuffer[i + k]];
            p[k] = v.pos;
            opaque &= (v.col >> IM_COL32_A_SHIFT & 0xFF) == 0xFF;
        }
        const double area = std::fabs((p[1].x - p[0].x) * (p[2].y - p[0].y) -
                                      (p[2].x - p[0].x) * (p[1].y - p[0].y)) /
                            2;
        if (opaque) m.opaque_area += area;
        const float x0 = std::min({p[0].x, p[1].x, p[2].x}),
                    x1 = std::max({p[0].x, p[1].x, p[2].x});
        const float y0 = std::min({p[0].y, p[1].y, p[2].y}),
                    y1 = std::max({p[0].y, p[1].y, p[2].y});
        // Half the box: a right triangle of an axis-aligned rectangle.
        const bool axis = std::fabs(area - (x1 - x0) * (y1 - y0) / 2.0) < 0.01;
        if (!axis) m.widest_slanted = std::max(m.widest_slanted, double(x1 - x0) * (y1 - y0));
    }
    return m;
}

}  // namespace

TEST(FillRounded, CoversTheRoundedRectangleWithoutTrianglesAcrossIt) {
    Context ctx;
    const float r = 14;
    const ImVec2 a(100, 200), b(580, 350);
    ImDrawList ours(ImGui::GetDrawListSharedData()), imgui(ImGui::GetDrawListSharedData());
    for (ImDrawList* dl : {&ours, &imgui}) {
        dl->_ResetForNewFrame();
        dl->PushClipRectFullScreen();
        dl->PushTextureID(ImGui::GetIO().Fonts->TexID);
    }
    vmeste::ui::fill_rounded(&ours, a, b, IM_COL32(10, 70, 210, 255), r);
    imgui.AddRectFilled(a, b, IM_COL32(10, 70, 210, 255), r);
    const Measure m = measure(ours), theirs = measure(imgui);
    // The shape: the box less four corners outside their quarter circles (to within the
    // circle's segments and half the antialiased fringe).
    const double want = (b.x - a.x) * (b.y - a.y) - (4 - M_PI) * r * r;
    EXPECT_NEAR(m.opaque_area, want, 0.01 * want);
    // Less what the pieces overlap by design: the side rectangles a pixel over the middle one,
    // each corner's square a pixel into the rectangles.
    const double overlaps = 2 * (std::round(b.y - r) - std::round(a.y + r)) + 4 * (2 * r + 1);
    EXPECT_NEAR(m.opaque_area - overlaps, theirs.opaque_area, 0.01 * want);
    // A corner's square reaches a pixel into the rectangles (its fringe falls on their colour).
    EXPECT_LE(m.widest_slanted, 1.1 * (r + 1) * (r + 1))
        << "a slanted triangle beyond a corner's square";
    EXPECT_GT(theirs.widest_slanted, 10 * r * r) << "ImGui's fan: what this avoids";
    // Translucent: ImGui's own (seams would show where the pieces' edges overlap).
    ImDrawList faint(ImGui::GetDrawListSharedData());
    faint._ResetForNewFrame();
    faint.PushClipRectFullScreen();
    vmeste::ui::fill_rounded(&faint, a, b, IM_COL32(10, 70, 210, 128), r);
    EXPECT_EQ(faint.VtxBuffer.Size, [&] {
        ImDrawList ref(ImGui::GetDrawListSharedData());
        ref._ResetForNewFrame();
        ref.PushClipRectFullScreen();
        ref.AddRectFilled(a, b, IM_COL32(10, 70, 210, 128), r);
        return ref.VtxBuffer.Size;
    }());
}
