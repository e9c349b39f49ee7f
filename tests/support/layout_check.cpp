#include "tests/support/layout_check.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "kiosk/base/utf8.h"

namespace vmeste::test {
namespace {

struct Box {
    float x0, y0, x1, y1;
    float w() const { return x1 - x0; }
    float h() const { return y1 - y0; }
};

// How far two boxes overlap each way (negative: apart).
bool overlap(const Box& a, const Box& b, float slack) {
    return std::min(a.x1, b.x1) - std::max(a.x0, b.x0) > slack &&
           std::min(a.y1, b.y1) - std::max(a.y0, b.y0) > slack;
}

bool inside(const Box& a, const Box& outer, float slack) {
    return a.x0 >= outer.x0 - slack && a.y0 >= outer.y0 - slack && a.x1 <= outer.x1 + slack &&
           a.y1 <= outer.y1 + slack;
}

std::string describe(const Box& b) {
    char s[96];
    std::snprintf(s, sizeof s, "(%.0f,%.0f)-(%.0f,%.0f)", b.x0, b.y0, b.x1, b.y1);
    return s;
}

// The visible boxes of the glyphs in the draw data (from `top_layer`'s list on, when an overlay
// covers the screen): triangles that sample the font atlas away
// from its white pixel and its baked lines, cut to their clip rectangles. A glyph is two
// triangles; each half's box is checked (an edge crossing shows in one of them).
std::vector<Box> glyph_boxes(const ImDrawData* dd, const void* top_layer) {
    std::vector<Box> out;
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    const ImVec2 white = atlas->TexUvWhitePixel;
    ImVec2 lines_uv0(2, 2), lines_uv1(-1, -1);
    if (atlas->PackIdLines >= 0) {
        const ImFontAtlasCustomRect* r = atlas->GetCustomRectByIndex(atlas->PackIdLines);
        atlas->CalcCustomRectUV(r, &lines_uv0, &lines_uv1);
    }
    auto in_lines = [&](ImVec2 uv) {
        return uv.x >= lines_uv0.x && uv.x <= lines_uv1.x && uv.y >= lines_uv0.y &&
               uv.y <= lines_uv1.y;
    };
    // Under an overlay, only its own text and what is drawn over it.
    int first = 0;
    for (int l = 0; l < dd->CmdListsCount; ++l)
        if (dd->CmdLists[l] == top_layer) first = l;
    for (int l = first; l < dd->CmdListsCount; ++l) {
        const ImDrawList* list = dd->CmdLists[l];
        for (const ImDrawCmd& c : list->CmdBuffer) {
            if (c.UserCallback || c.TextureId != atlas->TexID) continue;
            const Box clip{c.ClipRect.x, c.ClipRect.y, c.ClipRect.z, c.ClipRect.w};
            for (unsigned i = 0; i + 2 < c.ElemCount; i += 3) {
                const ImDrawVert* v[3];
                bool glyph = true;
                for (int k = 0; k < 3; ++k) {
                    v[k] = &list->VtxBuffer[c.VtxOffset + list->IdxBuffer[c.IdxOffset + i + k]];
                    if ((v[k]->uv.x == white.x && v[k]->uv.y == white.y) || in_lines(v[k]->uv))
                        glyph = false;
                }
                if (!glyph) continue;
                Box b{std::min({v[0]->pos.x, v[1]->pos.x, v[2]->pos.x}),
                      std::min({v[0]->pos.y, v[1]->pos.y, v[2]->pos.y}),
                      std::max({v[0]->pos.x, v[1]->pos.x, v[2]->pos.x}),
                      std::max({v[0]->pos.y, v[1]->pos.y, v[2]->pos.y})};
                b = Box{std::max(b.x0, clip.x0), std::max(b.y0, clip.y0), std::min(b.x1, clip.x1),
                        std::min(b.y1, clip.y1)};
                if (b.w() > 0.5f && b.h() > 0.5f) out.push_back(b);
            }
        }
    }
    return out;
}

bool any_font_has(char32_t c) {
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    for (const ImFont* f : atlas->Fonts)
        if (f->FindGlyphNoFallback(static_cast<ImWchar>(c))) return true;
    return false;
}

}  // namespace

std::vector<std::string> layout_problems(ui::KioskUi& kui) {
    kui.make_current();
    std::vector<std::string> out;
    const ImDrawData* dd = kui.draw_data();
    if (!dd) return {"no frame drawn"};
    const Box screen{0, 0, dd->DisplaySize.x, dd->DisplaySize.y};
    const float min_target = 88.0f * kui.theme().scale - 0.5f;
    struct Target {
        std::string id;
        Box box;
    };
    std::vector<Target> targets, readouts;
    const auto& all = kui.widgets().all();
    for (size_t i = kui.widgets().covered(); i < all.size(); ++i) {
        const ui::WidgetInfo& w = all[i];
        for (const std::string* s : {&w.label})
            for (char32_t c : utf8::decode(*s))
                if (c >= 0x20 && c <= 0xFFFF && !any_font_has(c)) {
                    char hex[16];
                    std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(c));
                    out.push_back(w.id + ": no glyph for " + hex);
                }
        const Box b{w.min.x, w.min.y, w.max.x, w.max.y};
        if (!w.target) {
            readouts.push_back({w.id, b});
            continue;
        }
        if (b.w() < min_target || b.h() < min_target)
            out.push_back(w.id + " is " + std::to_string(static_cast<int>(b.w())) + "×" +
                          std::to_string(static_cast<int>(b.h())) + " px, under 88 px");
        if (!inside(b, screen, 0.5f))
            out.push_back(w.id + " reaches off the screen " + describe(b));
        targets.push_back({w.id, b});
    }
    // A control on a surface that takes touches too (the zoom buttons on the map) lies wholly
    // inside it; a partial overlap is two targets a finger cannot tell apart.
    for (size_t i = 0; i < targets.size(); ++i)
        for (size_t j = i + 1; j < targets.size(); ++j)
            if (overlap(targets[i].box, targets[j].box, 1.0f) &&
                !inside(targets[i].box, targets[j].box, 0.5f) &&
                !inside(targets[j].box, targets[i].box, 0.5f))
                out.push_back(targets[i].id + " " + describe(targets[i].box) + " overlaps " +
                              targets[j].id + " " + describe(targets[j].box));
    // What is shown (a note, a text area, a QR code) lies clear of every target, or inside one.
    for (const Target& r : readouts)
        for (const Target& t : targets)
            if (overlap(r.box, t.box, 1.0f) && !inside(r.box, t.box, 1.0f) &&
                !inside(t.box, r.box, 1.0f))
                out.push_back(r.id + " " + describe(r.box) + " runs under " + t.id + " " +
                              describe(t.box));
    // Text: one problem per target it crosses (not one per glyph).
    std::vector<bool> crossed(targets.size(), false);
    bool off_screen = false;
    for (const Box& g : glyph_boxes(dd, kui.widgets().top_layer())) {
        if (!off_screen && !inside(g, screen, 0.5f)) {
            out.push_back("text drawn off the screen at " + describe(g));
            off_screen = true;
        }
        for (size_t t = 0; t < targets.size(); ++t)
            if (!crossed[t] && overlap(g, targets[t].box, 1.0f) &&
                !inside(g, targets[t].box, 1.0f)) {
                out.push_back("text at " + describe(g) + " crosses the edge of " + targets[t].id +
                              " " + describe(targets[t].box));
                crossed[t] = true;
            }
    }
    return out;
}

}  // namespace vmeste::test
