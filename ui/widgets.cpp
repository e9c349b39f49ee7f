#include "ui/widgets.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

#include "ui/hyphenate.h"
#include "ui/text_wrap.h"

namespace vmeste::ui {

ImU32 color(Rgb c, float alpha) {
    return IM_COL32(c.r, c.g, c.b, static_cast<int>(alpha * 255));
}

void fill_rounded(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 col, float r) {
    if (((col >> IM_COL32_A_SHIFT) & 0xFF) != 0xFF || r < 1.0f || max.x - min.x < 2 * r + 4 ||
        max.y - min.y < 2 * r + 4) {
        dl->AddRectFilled(min, max, col, r);
        return;
    }
    // The cross's inner edges on whole pixels, the side rectangles a pixel over the middle one:
    // SDL's renderer takes a rectangle's place and its size each cut to whole pixels, so
    // rectangles meeting at a fraction of a pixel left a column neither filled (a line through
    // the button). The corners' centres stay where the rounding puts them.
    const float xl = std::round(min.x + r), xr = std::round(max.x - r);
    const float yt = std::round(min.y + r), yb = std::round(max.y - r);
    dl->AddRectFilled(ImVec2(xl, min.y), ImVec2(xr, max.y), col);
    dl->AddRectFilled(ImVec2(min.x, yt), ImVec2(xl + 1, yb), col);
    dl->AddRectFilled(ImVec2(xr - 1, yt), ImVec2(max.x, yb), col);
    // Each corner: its arc as ImDrawList::PathRect makes it (twelfths of a turn: 0 right, 3
    // down), closed by a square reaching a pixel into the rectangles. The fill's antialiased
    // fringe runs along every edge of the shape it is given: on the square's inner edges it
    // falls on the rectangles' own colour, not on what is behind the button (a light seam).
    const ImVec2 centre[4] = {ImVec2(min.x + r, min.y + r), ImVec2(max.x - r, min.y + r),
                              ImVec2(max.x - r, max.y - r), ImVec2(min.x + r, max.y - r)};
    const ImVec2 inner[4] = {ImVec2(xl + 1, yt + 1), ImVec2(xr - 1, yt + 1), ImVec2(xr - 1, yb - 1),
                             ImVec2(xl + 1, yb - 1)};
    const int from[4] = {6, 9, 0, 3};
    for (int k = 0; k < 4; ++k) {
        dl->PathArcToFast(centre[k], r, from[k], from[k] + 3);
        // From the arc's end along the outer edge to the square, round it, back to the start.
        const ImVec2 end = dl->_Path.back(), start = dl->_Path.front();
        const bool vertical_end = k % 2 == 0;  // the arc ends on the top or bottom edge
        if (vertical_end) {
            dl->PathLineTo(ImVec2(inner[k].x, end.y));
            dl->PathLineTo(inner[k]);
            dl->PathLineTo(ImVec2(start.x, inner[k].y));
        } else {
            dl->PathLineTo(ImVec2(end.x, inner[k].y));
            dl->PathLineTo(inner[k]);
            dl->PathLineTo(ImVec2(inner[k].x, start.y));
        }
        dl->PathFillConvex(col);
    }
}

namespace {

MeasureFn measure_with(ImFont* font, float size) {
    return [font, size](std::string_view s) {
        return font->CalcTextSizeA(size, FLT_MAX, 0.0f, s.data(), s.data() + s.size()).x;
    };
}

}  // namespace

float text_block_height(ImFont* font, float size, std::string_view text, float width) {
    if (size <= 0) size = font->FontSize;
    return wrap_text(text, width, measure_with(font, size)).size() * size * 1.2f;
}

float text_block_height(ImFont* font, std::string_view text, float width) {
    return text_block_height(font, 0, text, width);
}

float text_block(ImDrawList* dl, ImFont* font, float size, std::string_view text, ImVec2 pos,
                 float width, Rgb colour, bool centred) {
    if (size <= 0) size = font->FontSize;
    const auto measure = measure_with(font, size);
    const float line_h = size * 1.2f;
    float y = pos.y;
    for (std::string_view line : wrap_text(text, width, measure)) {
        float x = pos.x;
        if (centred) x += (width - measure(line)) * 0.5f;
        dl->AddText(font, size, ImVec2(x, y + size * 0.1f), color(colour), line.data(),
                    line.data() + line.size());
        y += line_h;
    }
    return y - pos.y;
}

float text_block(ImDrawList* dl, ImFont* font, std::string_view text, ImVec2 pos, float width,
                 Rgb colour, bool centred) {
    return text_block(dl, font, 0, text, pos, width, colour, centred);
}

bool words_fit(ImFont* font, float size, std::string_view text, float width) {
    const auto measure = measure_with(font, size);
    for (size_t at = 0; at < text.size();) {
        size_t end = text.find_first_of(" \n", at);
        if (end == std::string_view::npos) end = text.size();
        if (measure(text.substr(at, end - at)) > width) return false;
        at = end + 1;
    }
    return true;
}

float fitting_size(ImFont* font, std::string_view text, float width, float height, float floor,
                   float from) {
    if (from <= 0) from = font->FontSize;
    floor = std::min(floor, from);
    for (int step = 0;; ++step) {
        const float size = std::max(floor, from * (1.0f - 0.05f * step));
        const bool whole = words_fit(font, size, text, width);  // else wrap_text would cut one
        if ((whole && text_block_height(font, size, text, width) <= height) || size <= floor)
            return size;
    }
}

float shrink_floor(const Ui& ui, ImFont* font) {
    if (!ui.normal_fonts) return std::min(font->FontSize, ui.fonts.small->FontSize);
    const Fonts& now = ui.fonts;
    const Fonts& normal = *ui.normal_fonts;
    for (auto role : {&Fonts::body, &Fonts::small, &Fonts::title, &Fonts::huge, &Fonts::button})
        if (now.*role == font) return (normal.*role)->FontSize;
    return font->FontSize;
}

namespace {

// The room a button's label has: its width less the padding and the picture on the left.
float label_pad(const Ui& ui, ImVec2 size) {
    return std::min(ui.px(16), size.x * 0.1f);
}

}  // namespace

float button_text_size(const Ui& ui, std::string_view label, ImVec2 size, ImFont* font,
                       float lead) {
    const float pad = label_pad(ui, size);
    return fitting_size(font, label, size.x - 2 * pad - lead, size.y - pad, shrink_floor(ui, font));
}

namespace {

// The label as touch_button draws it at `text_size` in `inner_w`: as it is, or hyphenated where
// a word is wider than the button.
std::string drawn_label(ImFont* font, float text_size, std::string_view label, float inner_w) {
    return words_fit(font, text_size, label, inner_w)
               ? std::string(label)
               : hyphenate_to_fit(label, inner_w, measure_with(font, text_size));
}

}  // namespace

float button_text_height(const Ui& ui, std::string_view label, ImVec2 size, ImFont* font,
                         float text_size, float lead) {
    const float inner_w = size.x - 2 * label_pad(ui, size) - lead;
    return text_block_height(font, text_size, drawn_label(font, text_size, label, inner_w),
                             inner_w);
}

bool touch_button(Ui& ui, std::string_view id, std::string_view label, ImVec2 pos, ImVec2 size,
                  ButtonKind kind, bool enabled, ImFont* font, float inset, float lead,
                  float max_text_size) {
    const Palette& p = ui.theme.palette;
    if (!font)
        font = kind == ButtonKind::kKey || kind == ButtonKind::kKeyActive ? ui.fonts.body
                                                                          : ui.fonts.button;
    ImGui::SetCursorScreenPos(pos);
    ImGui::PushID(id.data(), id.data() + id.size());
    // Disabled by the caller or by an enclosing BeginDisabled (the idle overlay).
    const bool live = enabled && !(GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled);
    if (!enabled) ImGui::BeginDisabled();
    const bool pressed = ImGui::InvisibleButton("##touch", size);
    const bool held = ImGui::IsItemActive();
    if (!enabled) ImGui::EndDisabled();
    ImGui::PopID();

    Rgb bg = p.surface, fg = p.text, border = p.secondary_border;
    switch (kind) {
        case ButtonKind::kPrimary:
            bg = held ? p.primary_pressed : p.primary;
            fg = p.on_primary;
            border = bg;
            break;
        case ButtonKind::kSecondary:
            bg = held ? p.key_pressed : p.surface;
            fg = p.primary;
            border = p.primary;
            break;
        case ButtonKind::kKey:
            bg = held ? p.key_pressed : p.key;
            break;
        case ButtonKind::kKeyActive:
            bg = p.primary;
            fg = p.on_primary;
            border = p.primary;
            break;
    }
    if (!enabled) {
        // Still a button, visibly: its outline stays (a disabled «Далее» is where it will be).
        bg = p.disabled;
        fg = p.on_disabled;
        border = p.secondary_border;
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 max(pos.x + size.x, pos.y + size.y);
    const ImVec2 dmin(pos.x + inset, pos.y + inset), dmax(max.x - inset, max.y - inset);
    const float r = ui.px(ui.theme.metrics.rounding);
    fill_rounded(dl, dmin, dmax, color(bg), r);
    dl->AddRect(dmin, dmax, color(border), r, 0, ui.px(2.5f));
    const float pad = label_pad(ui, size);
    const float inner_w = size.x - 2 * pad - lead;
    // A label that does not fit (large text, a long word in a narrow button) steps down its own
    // ladder of sizes, keeping its weight and its words whole, never below shrink_floor().
    const float text_size =
        fitting_size(font, label, inner_w, size.y - pad, shrink_floor(ui, font), max_text_size);
    // A word wider than the button even so is hyphenated where Russian allows, not cut.
    const std::string drawn = drawn_label(font, text_size, label, inner_w);
    const float h = text_block_height(font, text_size, drawn, inner_w);
    text_block(dl, font, text_size, drawn, ImVec2(pos.x + pad + lead, pos.y + (size.y - h) * 0.5f),
               inner_w, fg, true);

    WidgetInfo info{std::string(id), pos, max, live, std::string(label), text_size};
    for (std::string_view line : wrap_text(drawn, inner_w, measure_with(font, text_size)))
        info.lines.emplace_back(line);
    ui.widgets.add(std::move(info));
    return pressed && enabled;
}

}  // namespace vmeste::ui
