#include "ui/widgets.h"

#include <imgui_internal.h>

#include <algorithm>

#include "ui/text_wrap.h"

namespace vmeste::ui {

ImU32 color(Rgb c, float alpha) {
    return IM_COL32(c.r, c.g, c.b, static_cast<int>(alpha * 255));
}

namespace {

MeasureFn measure_with(ImFont* font) {
    return [font](std::string_view s) {
        return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0.0f, s.data(), s.data() + s.size()).x;
    };
}

}  // namespace

float text_block_height(ImFont* font, std::string_view text, float width) {
    return wrap_text(text, width, measure_with(font)).size() * font->FontSize * 1.2f;
}

float text_block(ImDrawList* dl, ImFont* font, std::string_view text, ImVec2 pos, float width,
                 Rgb colour, bool centred) {
    const auto measure = measure_with(font);
    const float line_h = font->FontSize * 1.2f;
    float y = pos.y;
    for (std::string_view line : wrap_text(text, width, measure)) {
        float x = pos.x;
        if (centred) x += (width - measure(line)) * 0.5f;
        dl->AddText(font, font->FontSize, ImVec2(x, y + font->FontSize * 0.1f), color(colour),
                    line.data(), line.data() + line.size());
        y += line_h;
    }
    return y - pos.y;
}

bool touch_button(Ui& ui, std::string_view id, std::string_view label, ImVec2 pos, ImVec2 size,
                  ButtonKind kind, bool enabled, ImFont* font, float inset, float lead) {
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
        bg = p.disabled;
        fg = p.on_disabled;
        border = p.disabled;
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 max(pos.x + size.x, pos.y + size.y);
    const ImVec2 dmin(pos.x + inset, pos.y + inset), dmax(max.x - inset, max.y - inset);
    const float r = ui.px(ui.theme.metrics.rounding);
    dl->AddRectFilled(dmin, dmax, color(bg), r);
    dl->AddRect(dmin, dmax, color(border), r, 0, ui.px(2.5f));
    const float pad = std::min(ui.px(16), size.x * 0.1f);
    const float inner_w = size.x - 2 * pad - lead;
    float h = text_block_height(font, label, inner_w);
    // A label that does not fit (large text, a long word in a narrow button) steps down to the
    // small size rather than spill out of its button.
    if (h > size.y - pad && font != ui.fonts.small) {
        font = ui.fonts.small;
        h = text_block_height(font, label, inner_w);
    }
    text_block(dl, font, label, ImVec2(pos.x + pad + lead, pos.y + (size.y - h) * 0.5f), inner_w,
               fg, true);

    ui.widgets.add(WidgetInfo{std::string(id), pos, max, live, std::string(label)});
    return pressed && enabled;
}

}  // namespace vmeste::ui
