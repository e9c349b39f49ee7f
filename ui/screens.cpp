// [SECTION] Layout helpers: top bar, bottom bar, titles, fields, keyboard
// [SECTION] Attract
// [SECTION] Category (grid, causes, search)
// [SECTION] Description
// [SECTION] Review
// [SECTION] Submitting, Receipt
// [SECTION] Overlays: idle countdown, help, accessibility
// [SECTION] draw_screen
//
// Layout is absolute and proportional: every rect derives from the display size and the theme's
// scale, so portrait 1080×1920 and landscape 1920×1080 both fill the screen without scrolling.
// The photo, place, who-you-are and consent steps are in screens_steps.cpp.
#include "ui/screens.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "image/qr_code.h"
#include "kiosk/base/geo.h"
#include "kiosk/base/utf8.h"
#include "ui/layout.h"
#include "ui/map_view.h"
#include "ui/text_wrap.h"

namespace vmeste::ui {

using core::Field;
using core::IntentKind;
using core::Screen;

//-----------------------------------------------------------------------------
// [SECTION] Layout helpers
//-----------------------------------------------------------------------------

bool landscape(const Ui& ui) {
    return ui.display.x > ui.display.y;
}

bool compact(const Ui& ui) {
    if (landscape(ui)) return ui.normal_fonts != nullptr;  // large text
    return ui.display.y < ui.px(1400);
}

Rect content_rect(const Ui& ui, bool with_bottom_bar) {
    const Metrics& m = ui.theme.metrics;
    const float top = ui.px(m.top_bar) + ui.px(m.margin) * 0.5f;
    const float bottom = ui.display.y - (with_bottom_bar ? ui.px(m.bottom_bar) : ui.px(m.margin));
    float w = ui.display.x - 2 * ui.px(m.margin);
    if (landscape(ui)) w = std::min(w, ui.px(1600));
    return Rect{(ui.display.x - w) * 0.5f, top, w, bottom - top};
}

void top_bar(Ui& ui) {
    const Metrics& m = ui.theme.metrics;
    const Palette& p = ui.theme.palette;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float h = ui.px(m.top_bar);
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(ui.display.x, h), color(p.surface));
    dl->AddLine(ImVec2(0, h), ImVec2(ui.display.x, h), color(p.secondary_border), ui.px(2));
    const float bh = ui.px(m.touch_min);
    const float by = (h - bh) * 0.5f;
    const float margin = ui.px(m.margin) * 0.5f;
    const Screen screen = ui.session.state().screen;
    const int step = ui.session.step();
    // Right to left: language, accessibility, help, cancel.
    float x = ui.display.x - margin;
    auto place = [&](float w) {
        x -= w;
        const ImVec2 pos(x, by);
        x -= ui.px(12);
        return pos;
    };
    const float lang_w = ui.px(landscape(ui) ? 200 : 190);
    if (ui.session.config().english_offered &&
        touch_button(ui, "top/language", ui.tr("common.language"), place(lang_w),
                     ImVec2(lang_w, bh), ButtonKind::kSecondary, screen != Screen::kSubmitting,
                     ui.fonts.body))
        ui.post({IntentKind::kSetLanguage, "",
                 ui.lang() == core::Language::kRu ? core::Language::kEn : core::Language::kRu});
    const bool a11y_open = ui.session.state().overlay == core::Overlay::kAccessibility;
    // Said in words with the access symbol in both orientations (issue #21, point 10: «Aa» alone
    // was not read as the way in); portrait has room for the two on two lines.
    const float a11y_w = ui.px(landscape(ui) ? 330 : 220), icon_w = ui.px(56);
    const ImVec2 a11y_pos = place(a11y_w);
    if (touch_button(ui, "top/accessibility", ui.tr("a11y.button"), a11y_pos, ImVec2(a11y_w, bh),
                     a11y_open ? ButtonKind::kKeyActive : ButtonKind::kSecondary,
                     ui.session.can_apply(IntentKind::kShowAccessibility),
                     landscape(ui) ? ui.fonts.body : ui.fonts.small, 0, icon_w))
        ui.post({IntentKind::kShowAccessibility});
    {
        ImFont* f = ui.fonts.title;
        const ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, "♿");
        dl->AddText(f, f->FontSize,
                    ImVec2(a11y_pos.x + ui.px(14) + (icon_w - ts.x) * 0.5f,
                           a11y_pos.y + (bh - ts.y) * 0.5f),
                    color(a11y_open ? p.on_primary : p.primary), "♿");
    }
    if (step > 0) {
        const bool help_open = ui.session.state().overlay == core::Overlay::kHelp;
        const float help_w = ui.px(landscape(ui) ? 200 : 110);
        if (touch_button(ui, "top/help", landscape(ui) ? ui.tr("help.button") : "?", place(help_w),
                         ImVec2(help_w, bh),
                         help_open ? ButtonKind::kKeyActive : ButtonKind::kSecondary, true,
                         landscape(ui) ? ui.fonts.body : ui.fonts.title))
            ui.post({IntentKind::kShowHelp});
    }
    if (ui.session.can_apply(IntentKind::kCancel) && screen != Screen::kReceipt) {
        const float cancel_w = ui.px(landscape(ui) ? 260 : 230);
        if (touch_button(ui, "top/cancel", ui.tr("common.cancel"), place(cancel_w),
                         ImVec2(cancel_w, bh), ButtonKind::kSecondary, true, ui.fonts.body))
            ui.post({IntentKind::kCancel});
    }
    // The step indicator (or the product's name) in what is left on the left.
    const float room = x - margin;
    if (step > 0) {
        const std::string s =
            ui.trf("common.step", {std::to_string(step), std::to_string(core::kStepCount)});
        // Large text steps down (to the normal size at most) rather than run under «Начать заново».
        ImFont* f = ui.fonts.body;
        float size = f->FontSize;
        const float floor = ui.normal_fonts ? ui.normal_fonts->body->FontSize : size;
        while (size > floor && f->CalcTextSizeA(size, FLT_MAX, 0, s.c_str()).x > room)
            size = std::max(floor, size - f->FontSize * 0.05f);
        dl->AddText(f, size, ImVec2(margin, h * 0.5f - size * 0.85f), color(p.text_muted),
                    s.c_str());
        // Dots: done, current, to come.
        const float r = ui.px(7), gap = ui.px(24);
        for (int i = 1; i <= core::kStepCount && margin + i * gap < room; ++i) {
            const ImVec2 c(margin + r + (i - 1) * gap, h * 0.5f + ui.px(26));
            if (i <= step)
                dl->AddCircleFilled(c, r, color(p.primary));
            else
                dl->AddCircle(c, r, color(p.secondary_border), 0, ui.px(2));
        }
    } else if (room > ui.px(200)) {
        ImFont* f = ui.fonts.button;
        dl->PushClipRect(ImVec2(0, 0), ImVec2(room + margin, h), true);
        dl->AddText(f, f->FontSize, ImVec2(margin, (h - f->FontSize) * 0.5f), color(p.primary),
                    ui.tr("app.title").c_str());
        dl->PopClipRect();
    }
}

void bottom_bar(Ui& ui, const char* primary_id, const std::string* primary_label,
                bool primary_enabled, IntentKind primary_intent) {
    const Metrics& m = ui.theme.metrics;
    const float h = ui.px(m.bottom_bar);
    const float y0 = ui.display.y - h;
    const float bh = std::max(ui.px(m.touch_min), h - 2 * ui.px(m.gap) - ui.px(12));
    const float y = y0 + (h - bh) * 0.5f;
    // Aligned with the content column, so in landscape the buttons sit under what they act on.
    const Rect col = content_rect(ui, true);
    const float back_w = std::min(ui.px(360), col.w * 0.35f);
    // No «Назад» where there is nothing to go back to (a vote cast, a +1 sent).
    if (ui.session.can_apply(IntentKind::kBack) &&
        touch_button(ui, "nav/back", ui.tr("common.back"), ImVec2(col.x, y), ImVec2(back_w, bh),
                     ButtonKind::kSecondary))
        ui.post({IntentKind::kBack});
    if (primary_label) {
        const float w = std::min(ui.px(560), col.w - back_w - ui.px(m.margin));
        if (touch_button(ui, primary_id, *primary_label, ImVec2(col.right() - w, y), ImVec2(w, bh),
                         ButtonKind::kPrimary, primary_enabled))
            ui.post({primary_intent});
    }
}

const std::string& next_label(const Ui& ui) {
    return ui.tr(ui.session.state().editing ? "common.done" : "common.next");
}

float heading(Ui& ui, const Rect& r, std::string_view title, std::string_view sub) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float y = r.y;
    y += text_block(dl, ui.fonts.title, title, ImVec2(r.x, y), r.w, ui.theme.palette.text);
    if (!sub.empty()) {
        y += ui.px(8);
        y += text_block(dl, ui.fonts.small, sub, ImVec2(r.x, y), r.w, ui.theme.palette.text_muted);
    }
    return y + ui.px(ui.theme.metrics.gap);
}

void card(const Ui& ui, ImVec2 min, ImVec2 max) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    fill_rounded(dl, min, max, color(ui.theme.palette.surface), ui.px(ui.theme.metrics.rounding));
    dl->AddRect(min, max, color(ui.theme.palette.secondary_border),
                ui.px(ui.theme.metrics.rounding), 0, ui.px(2));
}

float note(Ui& ui, std::string_view name, std::string_view text, ImVec2 pos, float width,
           Rgb colour, ImFont* font, bool centred) {
    if (!font) font = ui.fonts.small;
    const float h = text_block(ImGui::GetWindowDrawList(), font, text, pos, width, colour, centred);
    ui.widgets.add_readout(WidgetInfo{"note/" + std::string(name), pos,
                                      ImVec2(pos.x + width, pos.y + h), true, std::string(text),
                                      font->FontSize});
    return h;
}

namespace {

MeasureFn measure_with(ImFont* f) {
    return [f](std::string_view s) {
        return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, s.data(), s.data() + s.size()).x;
    };
}

void caret_bar(const Ui& ui, float x, float y, float h) {
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(x, y), ImVec2(x + ui.px(3), y + h),
                                              color(ui.theme.palette.primary));
}

}  // namespace

std::string field_message(const Ui& ui, Field f) {
    const core::FieldProblem p = ui.session.problem(f);
    if (p == core::FieldProblem::kOk) return {};
    return ui.tr(std::string("field.") + core::field_problem_name(p));
}

float text_field_height(const Ui& ui) {
    return ui.fonts.small->FontSize * 1.3f + ui.px(ui.theme.metrics.touch_min) +
           ui.fonts.small->FontSize * 1.4f;
}

float text_field(Ui& ui, Field f, std::string_view label, const Rect& line, bool required,
                 std::string_view missing) {
    const Palette& p = ui.theme.palette;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const core::SessionState& st = ui.session.state();
    const bool focused = st.focus == f;
    ImFont* sf = ui.fonts.small;
    float y = line.y;
    dl->AddText(sf, sf->FontSize, ImVec2(line.x, y), color(p.text_muted),
                std::string(label).c_str());
    y += sf->FontSize * 1.3f;
    const float bh = ui.px(ui.theme.metrics.touch_min);
    const std::string id = std::string("field/") + core::field_name(f);
    // The whole box is the touch target that puts the keyboard here.
    ImGui::SetCursorScreenPos(ImVec2(line.x, y));
    ImGui::PushID(id.c_str());
    if (ImGui::InvisibleButton("##field", ImVec2(line.w, bh)))
        ui.post({IntentKind::kFocus, "", ui.lang(), static_cast<int>(f)});
    ImGui::PopID();
    const core::TextField& t = st.field(f);
    const std::string shown = f == Field::kPhone ? core::format_phone(t.value) : t.value;
    ui.widgets.add(WidgetInfo{id, ImVec2(line.x, y), ImVec2(line.right(), y + bh), true, shown});
    const ImVec2 min(line.x, y), max(line.right(), y + bh);
    fill_rounded(dl, min, max, color(p.surface), ui.px(ui.theme.metrics.rounding));
    dl->AddRect(min, max, color(focused ? p.primary : p.secondary_border),
                ui.px(ui.theme.metrics.rounding), 0, ui.px(focused ? 4 : 2));
    ImFont* font = ui.fonts.body;
    const float pad = ui.px(18);
    const float ty = y + (bh - font->FontSize) * 0.5f;
    const auto measure = measure_with(font);
    // The caret's place in what is shown (the phone's mask adds characters before digits).
    std::string before = t.value.substr(0, t.caret);
    if (f == Field::kPhone) before = core::format_phone(before);
    const float inner = line.w - 2 * pad;
    const float scroll = std::max(0.0f, measure(before) - inner + ui.px(8));
    dl->PushClipRect(ImVec2(min.x + pad * 0.5f, min.y), ImVec2(max.x - pad * 0.5f, max.y), true);
    if (shown.empty() && f != Field::kPhone) {
        if (!focused) {
            // A narrow field (three in a row, large text) says the short form, never a cut one.
            const std::string* hint = &ui.tr("field.touch_to_type");
            if (measure(*hint) > inner) hint = &ui.tr("field.touch_to_type_short");
            if (measure(*hint) <= inner)
                dl->AddText(font, font->FontSize, ImVec2(min.x + pad, ty), color(p.text_muted),
                            hint->c_str());
        }
    } else {
        dl->AddText(font, font->FontSize, ImVec2(min.x + pad - scroll, ty), color(p.text),
                    shown.c_str());
    }
    if (focused)
        caret_bar(ui, min.x + pad - scroll + measure(before) + ui.px(1), ty, font->FontSize);
    dl->PopClipRect();
    y += bh + ui.px(4);
    // The message: what is wrong (in red once something is typed), or that it is required.
    std::string msg = field_message(ui, f);
    Rgb colour = p.warning;
    if (t.value.empty() && !missing.empty()) {
        msg = std::string(missing);
    } else if (t.value.empty()) {
        msg = required ? ui.tr("field.required") : ui.tr("field.optional");
        colour = p.text_muted;
    }
    float msg_h = sf->FontSize * 1.4f;
    if (!msg.empty())
        msg_h = std::max(
            msg_h,
            note(ui, core::field_name(f), msg, ImVec2(line.x, y), line.w, colour, sf) + ui.px(6));
    return y - line.y + msg_h;
}

void text_area(Ui& ui, Field f, const Rect& box, std::string_view placeholder) {
    const Palette& p = ui.theme.palette;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    card(ui, ImVec2(box.x, box.y), ImVec2(box.right(), box.bottom()));
    ui.widgets.add_readout(WidgetInfo{std::string("area/") + core::field_name(f),
                                      ImVec2(box.x, box.y), ImVec2(box.right(), box.bottom())});
    ImFont* font = ui.fonts.body;
    const float pad = ui.px(20);
    const float line_h = font->FontSize * 1.2f;
    const core::TextField& t = ui.session.state().field(f);
    const std::string& text = t.value;
    const float inner_w = box.w - 2 * pad;
    if (text.empty()) {
        text_block(dl, font, placeholder, ImVec2(box.x + pad, box.y + pad), inner_w, p.text_muted);
        caret_bar(ui, box.x + pad, box.y + pad, line_h);
        return;
    }
    const auto measure = measure_with(font);
    const auto lines = wrap_text(text, inner_w - ui.px(8), measure);
    // The caret's line: the first whose end it does not pass (after a soft break it belongs to
    // the next line's start).
    size_t caret_line = lines.size() - 1;
    for (size_t i = 0; i < lines.size(); ++i) {
        const size_t start = static_cast<size_t>(lines[i].data() - text.data());
        const size_t end = start + lines[i].size();
        const size_t next_start =
            i + 1 < lines.size() ? static_cast<size_t>(lines[i + 1].data() - text.data()) : end;
        if (t.caret <= end || t.caret < next_start) {
            caret_line = i;
            break;
        }
    }
    // Keep the caret's line in view.
    const int fit = std::max(1, static_cast<int>((box.h - 2 * pad) / line_h));
    size_t first = lines.size() > static_cast<size_t>(fit) ? lines.size() - fit : 0;
    if (caret_line < first) first = caret_line;
    if (caret_line >= first + fit) first = caret_line - fit + 1;
    dl->PushClipRect(ImVec2(box.x, box.y), ImVec2(box.right(), box.bottom()), true);
    float y = box.y + pad;
    for (size_t i = first; i < lines.size() && i < first + fit; ++i, y += line_h) {
        dl->AddText(font, font->FontSize, ImVec2(box.x + pad, y + font->FontSize * 0.1f),
                    color(p.text), lines[i].data(), lines[i].data() + lines[i].size());
        if (i == caret_line) {
            // A steady caret: no blinking, so an idle screen needs no redraws.
            const size_t start = static_cast<size_t>(lines[i].data() - text.data());
            const size_t upto =
                std::min(t.caret, start + lines[i].size()) - std::min(t.caret, start);
            const float cx = box.x + pad + measure(std::string_view(text).substr(start, upto));
            caret_bar(ui, cx + ui.px(1), y, line_h);
        }
    }
    dl->PopClipRect();
}

void scroll_text(Ui& ui, std::string_view buttons, std::string_view name, const std::string& text,
                 const Rect& area, float* scroll, std::string_view caption, bool always_buttons) {
    const Palette& p = ui.theme.palette;
    const float gap = ui.px(ui.theme.metrics.gap), pad = ui.px(28);
    const float scroll_w = ui.px(120);
    const float top = caption.empty() ? 0 : ui.fonts.small->FontSize * 1.3f;
    auto text_h = [&](float box_w) {
        return text_block_height(ui.fonts.body, text, box_w - 2 * pad);
    };
    // Two 88 px buttons one over the other, or side by side when the card is lower than that.
    const bool side_by_side = area.h < 2 * ui.px(ui.theme.metrics.touch_min) + gap;
    const float narrow_w = area.w - (side_by_side ? 2 * scroll_w + gap : scroll_w) - gap;
    const bool buttons_shown =
        always_buttons || text_h(narrow_w) > area.h - 2 * pad - top + ui.px(1);
    const Rect box{area.x, area.y, buttons_shown ? narrow_w : area.w, area.h};
    card(ui, ImVec2(box.x, box.y), ImVec2(box.right(), box.bottom()));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (!caption.empty())
        dl->AddText(ui.fonts.small, ui.fonts.small->FontSize, ImVec2(box.x + pad, box.y + pad),
                    color(p.text_muted), caption.data(), caption.data() + caption.size());
    const float view_h = box.h - 2 * pad - top;
    const float max_scroll = std::max(0.0f, text_h(box.w) - view_h);
    UiScratch& sc = *ui.scratch;
    if (buttons_shown) {
        // A finger drags the text; the buttons page it.
        ImGui::SetCursorScreenPos(ImVec2(box.x, box.y));
        ImGui::PushID(name.data(), name.data() + name.size());
        ImGui::InvisibleButton("##scroll_text", ImVec2(box.w, box.h));
        ImGui::PopID();
        if (ImGui::IsItemActivated()) sc.drag_scroll = *scroll;
        if (ImGui::IsItemActive()) *scroll = sc.drag_scroll - ImGui::GetMouseDragDelta(0, 0).y;
        const float page = view_h * 0.8f;
        const float sh = side_by_side ? box.h : (box.h - gap) * 0.5f;
        const ImVec2 down = side_by_side ? ImVec2(box.right() + 2 * gap + scroll_w, box.y)
                                         : ImVec2(box.right() + gap, box.y + sh + gap);
        const std::string id(buttons);
        if (touch_button(ui, id + "/up", "▲", ImVec2(box.right() + gap, box.y),
                         ImVec2(scroll_w, sh), ButtonKind::kKey, *scroll > 0, ui.fonts.title))
            *scroll -= page;
        if (touch_button(ui, id + "/down", "▼", down, ImVec2(scroll_w, sh), ButtonKind::kKey,
                         *scroll < max_scroll, ui.fonts.title))
            *scroll += page;
    }
    *scroll = std::clamp(*scroll, 0.0f, max_scroll);
    dl->PushClipRect(ImVec2(box.x, box.y + top + pad * 0.5f),
                     ImVec2(box.right(), box.bottom() - pad * 0.5f), true);
    text_block(dl, ui.fonts.body, text, ImVec2(box.x + pad, box.y + top + pad - *scroll),
               box.w - 2 * pad, p.text);
    dl->PopClipRect();
    ui.widgets.add_readout(WidgetInfo{"note/" + std::string(name), ImVec2(box.x, box.y),
                                      ImVec2(box.right(), box.bottom()), true, text});
}

TypingLayout typing_layout(const Ui& ui, const Rect& r, float y, float note_h) {
    TypingLayout l;
    const float gap = ui.px(ui.theme.metrics.gap), touch = ui.px(ui.theme.metrics.touch_min);
    const float kb_h = keyboard_height(ui);
    // Portrait: the keyboard spans the whole width (every key needs its 88 px).
    const float kb_w = landscape(ui) ? std::min(r.w, ui.px(1500)) : ui.display.x - 2 * ui.px(8);
    l.keyboard = Rect{(ui.display.x - kb_w) * 0.5f, r.bottom() - kb_h, kb_w, kb_h};
    const float room = l.keyboard.y - gap - note_h - ui.px(8) - y;
    const float column_h = 3 * touch + 2 * ui.px(12);
    l.keys_column = room >= column_h;
    if (l.keys_column) {
        const float keys_w = edit_keys_extent(ui) * 1.25f;
        l.area = Rect{r.x, y, r.w - keys_w - gap, room};
        l.keys = Rect{l.area.right() + gap, y, keys_w, room};
    } else {
        const float keys_w = 3 * edit_keys_extent(ui) * 1.25f;
        // Two lines at least; a screen with less room is a layout the layout tests reject.
        const float min_h = 2 * ui.fonts.body->FontSize * 1.2f + 2 * ui.px(20);
        l.area = Rect{r.x, y, r.w - keys_w - gap, std::max(room, min_h)};
        l.keys = Rect{l.area.right() + gap, y, keys_w, touch};
    }
    l.note_y = l.area.bottom() + ui.px(8);
    return l;
}

float edit_keys_extent(const Ui& ui) {
    return ui.px(ui.theme.metrics.touch_min) + ui.px(12);
}

void edit_keys(Ui& ui, const Rect& r, bool column) {
    struct K {
        const char* id;
        const char* label_key;
        IntentKind intent;
    };
    static const K keys[] = {{"edit/left", "keyboard.caret_left", IntentKind::kCaretLeft},
                             {"edit/right", "keyboard.caret_right", IntentKind::kCaretRight},
                             {"edit/delete_word", "keyboard.delete_word", IntentKind::kDeleteWord}};
    const float gap = ui.px(12);
    const float n = 3;
    for (int i = 0; i < 3; ++i) {
        ImVec2 pos, size;
        if (column) {
            const float h = (r.h - gap * (n - 1)) / n;
            pos = ImVec2(r.x, r.y + i * (h + gap));
            size = ImVec2(r.w, h);
        } else {
            const float w = (r.w - gap * (n - 1)) / n;
            pos = ImVec2(r.x + i * (w + gap), r.y);
            size = ImVec2(w, r.h);
        }
        if (touch_button(ui, keys[i].id, ui.tr(keys[i].label_key), pos, size, ButtonKind::kKey,
                         true, i == 2 ? ui.fonts.small : ui.fonts.title))
            ui.post({keys[i].intent});
    }
}

void take_physical_keys(Ui& ui) {
    ImGuiIO& io = ImGui::GetIO();
    std::u32string cps;
    for (ImWchar c : io.InputQueueCharacters) cps.push_back(c);
    const std::string typed = utf8::encode(cps);
    if (!typed.empty()) ui.post({IntentKind::kInsertText, typed});
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace)))
        ui.post({IntentKind::kBackspace});
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow)))
        ui.post({IntentKind::kCaretLeft});
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow)))
        ui.post({IntentKind::kCaretRight});
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)))
        ui.post({IntentKind::kInsertText, "\n"});
}

namespace {

std::string key_label(const Ui& ui, const Key& k) {
    const KeyboardState& s = ui.keyboard;
    switch (k.kind) {
        case KeyKind::kChar:
            return s.upper() ? k.upper : k.lower;
        case KeyKind::kShift:
            return ui.tr(s.caps ? "keyboard.caps" : "keyboard.shift");
        case KeyKind::kBackspace:
            return ui.tr("keyboard.backspace");
        case KeyKind::kSpace:
            return ui.tr("keyboard.space");
        case KeyKind::kEnter:
            return ui.tr("keyboard.enter");
        case KeyKind::kPage:
            if (s.page != KeyboardPage::kLetters)
                return ui.tr(s.layout == KeyboardLayout::kCyrillic ? "keyboard.letters_cyrillic"
                                                                   : "keyboard.letters_latin");
            return ui.tr("keyboard.symbols");
        case KeyKind::kLayout:
            return ui.tr(s.layout == KeyboardLayout::kCyrillic ? "keyboard.to_latin"
                                                               : "keyboard.to_cyrillic");
    }
    return {};
}

// The keyboard a field needs: the digits pad for the phone, else the letters the state says.
KeyboardState keyboard_for(const Ui& ui) {
    KeyboardState s = ui.keyboard;
    const Field focus = ui.session.state().focus;
    if (focus == Field::kPhone)
        s.page = KeyboardPage::kPhone;
    else if (focus == Field::kReceipt)
        s.page = KeyboardPage::kReceipt;
    else if (s.page == KeyboardPage::kPhone || s.page == KeyboardPage::kReceipt)
        s.page = KeyboardPage::kLetters;
    return s;
}

image::QrCode cached_qr(const std::string& payload) {
    // Encoded once per payload, not per frame (a receipt and a hand-off at most).
    static std::map<std::string, image::QrCode> cache;
    auto it = cache.find(payload);
    if (it != cache.end()) return it->second;
    if (cache.size() > 8) cache.clear();
    auto qr = image::encode_qr(payload);
    return cache[payload] = qr ? std::move(qr).value() : image::QrCode{};
}

}  // namespace

float keyboard_height(const Ui& ui) {
    return 4 * key_height(ui);
}

// Keys are laid edge to edge as touch targets and drawn inset, so a 12-key row on a 1080 px
// portrait screen still gives 90 px targets.
float key_height(const Ui& ui) {
    // Short of height, the keys come down to the 88 px every target keeps.
    if (compact(ui)) return ui.px(ui.theme.metrics.touch_min);
    return ui.px(landscape(ui) ? 96 : ui.theme.metrics.key_height);
}

void draw_keyboard(Ui& ui, const Rect& r) {
    const float kh = key_height(ui), inset = ui.px(5);
    KeyboardState shown = keyboard_for(ui);
    ui.keyboard.page = shown.page;
    const auto& rows = keyboard_rows(shown);
    float y = r.y;
    for (const auto& row : rows) {
        float units = 0;
        for (const Key& k : row) units += k.width;
        const float unit = r.w / std::max(units, 12.0f);  // short rows keep the key size, centred
        float x = r.x + (r.w - unit * units) * 0.5f;
        for (const Key& k : row) {
            const float w = unit * k.width;
            const bool active = k.kind == KeyKind::kShift && ui.keyboard.upper();
            ImFont* font = k.kind == KeyKind::kChar ? ui.fonts.title : ui.fonts.body;
            if (k.kind == KeyKind::kShift || k.kind == KeyKind::kBackspace) font = ui.fonts.title;
            if (touch_button(ui, k.id, key_label(ui, k), ImVec2(x, y), ImVec2(w, kh),
                             active ? ButtonKind::kKeyActive : ButtonKind::kKey, true, font,
                             inset)) {
                KeyEffect e = press_key(ui.keyboard, k);
                if (e.insert) ui.post({IntentKind::kInsertText, *e.insert});
                if (e.backspace) ui.post({IntentKind::kBackspace});
            }
            x += w;
        }
        y += kh;
    }
}

void draw_qr(Ui& ui, std::string_view id, const std::string& payload, ImVec2 pos, float side) {
    const image::QrCode qr = cached_qr(payload);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, ImVec2(pos.x + side, pos.y + side), IM_COL32_WHITE);
    if (qr.size == 0) return;
    const int quiet = 4;
    const float module = std::floor(side / (qr.size + 2 * quiet));
    const float offset = (side - module * qr.size) * 0.5f;
    for (int y = 0; y < qr.size; ++y)
        for (int x = 0; x < qr.size; ++x)
            if (qr.dark(x, y)) {
                const ImVec2 a(pos.x + offset + x * module, pos.y + offset + y * module);
                dl->AddRectFilled(a, ImVec2(a.x + module, a.y + module), IM_COL32_BLACK);
            }
    ui.widgets.add_readout(
        WidgetInfo{std::string(id), pos, ImVec2(pos.x + side, pos.y + side), true, payload});
}

void draw_picture(Ui& ui, ImTextureID tex, ImVec2 min, ImVec2 max) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (tex) {
        dl->AddImage(tex, min, max);
        return;
    }
    dl->AddRectFilled(min, max, color(ui.theme.palette.disabled));
    dl->AddLine(min, max, color(ui.theme.palette.secondary_border), ui.px(2));
    dl->AddLine(ImVec2(min.x, max.y), ImVec2(max.x, min.y),
                color(ui.theme.palette.secondary_border), ui.px(2));
}

void spinner(Ui& ui, ImVec2 centre, float radius) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float a = static_cast<float>(ImGui::GetTime() * 4.0);
    dl->PathArcTo(centre, radius, a, a + 4.2f, 40);
    dl->PathStroke(color(ui.theme.palette.primary), 0, radius * 0.18f);
}

Rect fit_into(const Rect& box, float w, float h) {
    if (w <= 0 || h <= 0) return box;
    const float s = std::min(box.w / w, box.h / h);
    return Rect{box.x + (box.w - w * s) * 0.5f, box.y + (box.h - h * s) * 0.5f, w * s, h * s};
}

namespace {

//-----------------------------------------------------------------------------
// [SECTION] Attract
//-----------------------------------------------------------------------------

void draw_attract(Ui& ui) {
    top_bar(ui);
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, false);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // Landscape is short and wide: a wider column keeps each text to fewer lines, so the
    // services and the privacy line below them stay apart with large text (issue #21).
    const float col_w = std::min(r.w, ui.px(landscape(ui) ? 1300 : 900));
    const float x = (ui.display.x - col_w) * 0.5f;
    float y = r.y + r.h * (landscape(ui) || compact(ui) ? 0.04f : 0.22f);
    y += text_block(dl, ui.fonts.huge, ui.tr("app.title"), ImVec2(x, y), col_w, p.primary, true);
    y += ui.px(24);
    y += text_block(dl, ui.fonts.body, ui.tr("app.subtitle"), ImVec2(x, y), col_w, p.text, true);
    y += ui.px(landscape(ui) ? 56 : 96);
    const float bw = std::min(col_w, ui.px(landscape(ui) ? 1000 : 760)), bh = ui.px(170);
    const bool full = ui.session.state().store_full;
    if (touch_button(ui, "attract/report", ui.tr("attract.report"),
                     ImVec2((ui.display.x - bw) * 0.5f, y), ImVec2(bw, bh), ButtonKind::kPrimary,
                     !full, ui.fonts.title))
        ui.post({IntentKind::kStart});
    y += bh + ui.px(32);
    if (full) {
        // Said before anyone starts typing: no appeal is taken that cannot be kept.
        const float top = y;
        y += text_block(dl, ui.fonts.body, ui.tr("attract.store_full"), ImVec2(x, y), col_w,
                        p.warning, true);
        ui.widgets.add_readout(WidgetInfo{"note/store_full", ImVec2(x, top), ImVec2(x + col_w, y),
                                          true, ui.tr("attract.store_full")});
    } else {
        y += text_block(dl, ui.fonts.small, ui.tr("attract.hint"), ImVec2(x, y), col_w,
                        p.text_muted, true);
    }
    // The other services, side by side: follow an appeal already made (works with a full store
    // too), polls and votes.
    y += ui.px(landscape(ui) || compact(ui) ? 24 : 64);
    const float sh = ui.px(130), sgap = ui.px(20), sw = (bw - sgap) * 0.5f;
    const float sx = (ui.display.x - bw) * 0.5f;
    if (touch_button(ui, "attract/status", ui.tr("attract.status"), ImVec2(sx, y), ImVec2(sw, sh),
                     ButtonKind::kSecondary, true, ui.fonts.button))
        ui.post({IntentKind::kCheckStatus});
    if (touch_button(ui, "attract/polls", ui.tr("attract.polls"), ImVec2(sx + sw + sgap, y),
                     ImVec2(sw, sh), ButtonKind::kSecondary, true, ui.fonts.button))
        ui.post({IntentKind::kShowPolls});
    const float ph = text_block_height(ui.fonts.small, ui.tr("attract.privacy"), col_w);
    text_block(dl, ui.fonts.small, ui.tr("attract.privacy"), ImVec2(x, r.bottom() - ph), col_w,
               p.text_muted, true);
}

//-----------------------------------------------------------------------------
// [SECTION] Category
//-----------------------------------------------------------------------------

// The causes (leaves) of the chosen category, grouped, one button each.
void draw_leaves(Ui& ui, const core::Category& cat,
                 const std::vector<const core::CategoryLeaf*>& leaves) {
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float y = heading(ui, r, cat.name(ui.lang()), compact(ui) ? "" : ui.tr("category.leaves_hint"));
    const float gap = ui.px(ui.theme.metrics.gap);
    const float bh = ui.px(ui.theme.metrics.touch_min) * 1.25f;
    if (touch_button(ui, "category/all", ui.tr("category.all"), ImVec2(r.x, y),
                     ImVec2(std::min(r.w, ui.px(520)), ui.px(ui.theme.metrics.touch_min)),
                     ButtonKind::kSecondary, true, ui.fonts.body))
        ui.post({IntentKind::kBack});
    y += ui.px(ui.theme.metrics.touch_min) + gap * 2;
    const int cols = landscape(ui) ? 2 : 1;
    const int n = static_cast<int>(leaves.size());
    auto group_of = [&](int i) -> const std::string& {
        return ui.lang() == core::Language::kRu ? leaves[i]->group_ru : leaves[i]->group_en;
    };
    // Laid out from leaf `first` in columns `w` wide down to the bottom bar; a page that starts
    // inside a group repeats its name. Returns the first leaf that did not fit.
    struct Placed {
        int leaf;  // -1: a group's name
        ImVec2 pos;
    };
    auto layout = [&](int first, float w, std::vector<Placed>* placed) {
        float cy = y;
        std::string group;
        int col = 0;
        const float head_h = ui.fonts.small->FontSize * 1.3f + gap * 0.5f;
        for (int i = first; i < n; ++i) {
            if (group_of(i) != group) {
                if (col != 0) cy += bh + gap;
                col = 0;
                if (i > first && cy + head_h + bh > r.bottom()) return i;
                group = group_of(i);
                if (placed) placed->push_back({-1 - i, ImVec2(r.x, cy)});
                cy += head_h;
            }
            if (col == 0 && i > first && cy + bh > r.bottom()) return i;
            if (placed) placed->push_back({i, ImVec2(r.x + col * (w + gap), cy)});
            if (++col == cols) {
                col = 0;
                cy += bh + gap;
            }
        }
        return n;
    };
    // Too many for the screen (large text, the lowered screen): they page by whole buttons with
    // ▲ ▼ on the right, as review does, and nothing runs under the bottom bar.
    UiScratch& sc = *ui.scratch;
    if (sc.leaves_of != cat.id) {
        sc.leaves_of = cat.id;
        sc.leaves_first = 0;
    }
    int& first = sc.leaves_first;
    first = std::clamp(first, 0, std::max(0, n - 1));
    const float full_w = (r.w - gap * (cols - 1)) / cols;
    const bool paging = first > 0 || layout(0, full_w, nullptr) < n;
    const float arrows_w = paging ? ui.px(110) + gap : 0;
    const float bw = (r.w - arrows_w - gap * (cols - 1)) / cols;
    std::vector<Placed> placed;
    const int next = layout(first, bw, &placed);
    for (const Placed& pl : placed) {
        if (pl.leaf < 0) {
            text_block(dl, ui.fonts.small, group_of(-1 - pl.leaf), pl.pos, r.w - arrows_w,
                       p.text_muted, false);
            continue;
        }
        const core::CategoryLeaf* l = leaves[pl.leaf];
        const bool chosen = l->id == ui.session.state().leaf_id;
        if (touch_button(ui, "leaf/" + l->id, l->name(ui.lang()), pl.pos, ImVec2(bw, bh),
                         chosen ? ButtonKind::kKeyActive : ButtonKind::kKey, true, ui.fonts.button))
            ui.post({IntentKind::kChooseLeaf, l->id});
    }
    if (paging) {
        const float ax = r.right() - ui.px(110), ah = (r.bottom() - y - gap) * 0.5f;
        if (touch_button(ui, "leaves/up", "▲", ImVec2(ax, y), ImVec2(ui.px(110), ah),
                         ButtonKind::kKey, first > 0, ui.fonts.title)) {
            // Back a page: the first leaf whose page ends where this one starts.
            int f = first - 1;
            while (f > 0 && layout(f - 1, bw, nullptr) >= first) --f;
            first = f;
        }
        if (touch_button(ui, "leaves/down", "▼", ImVec2(ax, y + ah + gap), ImVec2(ui.px(110), ah),
                         ButtonKind::kKey, next < n, ui.fonts.title))
            first = next;
    }
    bottom_bar(ui, "", nullptr, false, IntentKind::kNext);
}

// The search over the causes: a field, the results as buttons, the keyboard.
void draw_search(Ui& ui) {
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    float y = heading(ui, r, ui.tr("search.title"), compact(ui) ? "" : ui.tr("search.hint"));
    const float kb_h = keyboard_height(ui);
    const float kb_w = landscape(ui) ? std::min(r.w, ui.px(1500)) : ui.display.x - 2 * ui.px(8);
    const Rect kb{(ui.display.x - kb_w) * 0.5f, r.bottom() - kb_h, kb_w, kb_h};
    const float keys_w = 3 * edit_keys_extent(ui);
    const float field_w = r.w - keys_w - ui.px(ui.theme.metrics.gap);
    text_field(ui, Field::kSearch, ui.tr("search.label"), Rect{r.x, y, field_w, 0}, false);
    edit_keys(ui,
              Rect{r.x + field_w + ui.px(ui.theme.metrics.gap), y + ui.fonts.small->FontSize * 1.3f,
                   keys_w, ui.px(ui.theme.metrics.touch_min)},
              false);
    y += text_field_height(ui) + ui.px(ui.theme.metrics.gap);
    const auto found = ui.session.search_results(landscape(ui) ? 4 : 8);
    const float gap = ui.px(ui.theme.metrics.gap);
    const float bh = ui.px(ui.theme.metrics.touch_min) * 1.2f;
    const int cols = landscape(ui) ? 2 : 1;
    const float bw = (r.w - gap * (cols - 1)) / cols;
    const std::string& query = ui.session.state().field(Field::kSearch).value;
    if (!query.empty() && found.empty())
        note(ui, "search_none", ui.tr("search.none"), ImVec2(r.x, y), r.w, p.text_muted,
             ui.fonts.body);
    int i = 0;
    for (const core::CategoryLeaf* l : found) {
        const float by = y + (i / cols) * (bh + gap);
        if (by + bh > kb.y - gap) break;
        const core::Category* top = ui.session.catalog().find(l->top_id);
        const std::string label =
            l->name(ui.lang()) + (top ? " · " + top->name(ui.lang()) : std::string());
        if (touch_button(ui, "leaf/" + l->id, label, ImVec2(r.x + (i % cols) * (bw + gap), by),
                         ImVec2(bw, bh), ButtonKind::kKey, true, ui.fonts.body))
            ui.post({IntentKind::kChooseLeaf, l->id});
        ++i;
    }
    draw_keyboard(ui, kb);
    bottom_bar(ui, "", nullptr, false, IntentKind::kNext);
}

// The category grid's pictures: glyphs of DejaVu Sans (the font has no emoji, and ImGui's 16-bit
// characters could not show them); an unknown icon name shows none.
const char* category_icon(const std::string& name) {
    static const std::map<std::string, const char*> kIcons = {
        {"improvement", "❀"},    {"housing", "⌂"},     {"health", "✚"},     {"culture", "♫"},
        {"forestry", "♣"},       {"education", "✎"},   {"business", "₽"}, {"roads", "⚠"},
        {"communications", "☎"}, {"agriculture", "⚘"}, {"social", "♥"},     {"construction", "⚒"},
        {"transport", "⇆"},      {"sport", "⚑"},       {"ecology", "♻"},    {"other", "⋯"},
    };
    auto it = kIcons.find(name);
    return it == kIcons.end() ? nullptr : it->second;
}

void draw_category(Ui& ui) {
    top_bar(ui);
    if (ui.session.state().searching) return draw_search(ui);
    if (const core::Category* chosen = ui.session.catalog().find(ui.session.state().category_id)) {
        const auto leaves = ui.session.leaves_shown();
        if (!leaves.empty()) return draw_leaves(ui, *chosen, leaves);
    }
    const Rect r = content_rect(ui, true);
    float y = heading(ui, r, ui.tr("category.title"), compact(ui) ? "" : ui.tr("category.hint"));
    const float gap = ui.px(ui.theme.metrics.gap);
    const float sh = ui.px(ui.theme.metrics.touch_min);
    if (touch_button(ui, "search/open", ui.tr("search.open"), ImVec2(r.x, y),
                     ImVec2(std::min(r.w, ui.px(640)), sh), ButtonKind::kSecondary, true,
                     ui.fonts.body))
        ui.post({IntentKind::kOpenSearch});
    y += sh + gap;
    const auto& cats = ui.session.catalog().categories();
    // One size for the whole grid: the largest at which every name fits its tile, words whole
    // (hyphenated only when a word is wider than any tile). When even the smallest size allowed
    // does not fit (large text in landscape), the icons give their room to the names, then a
    // column goes while the rows still fit the screen.
    const float pad_of_tile = ui.px(16);
    int cols = landscape(ui) ? 4 : compact(ui) ? 3 : 2;
    auto rows_of = [&](int c) { return static_cast<int>((cats.size() + c - 1) / c); };
    auto rows_fit = [&](int c) {
        return rows_of(c) * (ui.px(ui.theme.metrics.touch_min) + gap) - gap <= r.bottom() - y;
    };
    float bw = 0, bh = 0, grid_size = 0;
    bool icons = true;
    const float room = r.bottom() - y;
    // `whole_words`: every word fits a line as it is (false: a long one may be hyphenated, as
    // touch_button does when nothing else fits).
    auto lays_out = [&](int c, bool with_icons, int rows, float avail_w, bool whole_words = true) {
        bw = (avail_w - gap * (c - 1)) / c;
        bh = std::clamp((room - gap * (rows - 1)) / rows, ui.px(ui.theme.metrics.touch_min),
                        ui.px(200));
        const float pad = std::min(pad_of_tile, bw * 0.1f);
        grid_size = ui.fonts.button->FontSize;
        for (const auto& cat : cats) {
            const float lead = with_icons && category_icon(cat.icon) ? std::min(bh, ui.px(110)) : 0;
            grid_size = std::min(
                grid_size,
                button_text_size(ui, cat.name(ui.lang()), ImVec2(bw, bh), ui.fonts.button, lead));
        }
        for (const auto& cat : cats) {
            const float lead = with_icons && category_icon(cat.icon) ? std::min(bh, ui.px(110)) : 0;
            const float w = bw - 2 * pad - lead;
            const std::string name = cat.name(ui.lang());
            if ((whole_words && !words_fit(ui.fonts.button, grid_size, name, w)) ||
                button_text_height(ui, name, ImVec2(bw, bh), ui.fonts.button, grid_size, lead) >
                    bh - pad)
                return false;
        }
        return true;
    };
    bool fits = true;
    for (;;) {
        if (lays_out(cols, true, rows_of(cols), r.w)) break;
        if (lays_out(cols, false, rows_of(cols), r.w)) {
            icons = false;
            break;
        }
        if (cols <= 2 || !rows_fit(cols - 1)) {
            fits = false;
            break;
        }
        --cols;
    }
    // Still too many rows for the names to fit (large text on the lowered screen): the grid
    // pages by whole rows with ▲ ▼ on the right, as the causes and review do, and no name
    // spills out of its tile or under the bottom bar.
    int rows = rows_of(cols);
    const float arrows = ui.px(110);
    const bool paging = !fits || rows * (bh + gap) - gap > room + ui.px(1);
    if (paging) {
        icons = false;
        for (rows = rows_of(cols) - 1; rows > 1; --rows)
            if (lays_out(cols, false, rows, r.w - arrows - gap, false)) break;
        if (rows <= 1) lays_out(cols, false, rows = 1, r.w - arrows - gap, false);
    }
    int& first = ui.scratch->categories_first;  // a row's first tile
    const int per_page = rows * cols, n = static_cast<int>(cats.size());
    first = paging ? std::clamp(first - first % cols, 0, std::max(0, n - 1)) : 0;
    for (int i = first; i < n && i < first + per_page; ++i) {
        const int c = (i - first) % cols, row = (i - first) / cols;
        const ImVec2 pos(r.x + c * (bw + gap), y + row * (bh + gap));
        const bool chosen = cats[i].id == ui.session.state().category_id;
        const char* icon = icons ? category_icon(cats[i].icon) : nullptr;
        // The icon in a square on the left, the name beside it.
        const float side = icon ? std::min(bh, ui.px(110)) : 0;
        if (touch_button(ui, "category/" + cats[i].id, cats[i].name(ui.lang()),
                         ImVec2(pos.x, pos.y), ImVec2(bw, bh),
                         chosen ? ButtonKind::kKeyActive : ButtonKind::kKey, true, ui.fonts.button,
                         0, side, grid_size))
            ui.post({IntentKind::kChooseCategory, cats[i].id});
        if (icon) {
            ImFont* f = ui.fonts.title;
            const ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, icon);
            ImGui::GetWindowDrawList()->AddText(
                f, f->FontSize,
                ImVec2(pos.x + (side - ts.x) * 0.5f + ui.px(8), pos.y + (bh - ts.y) * 0.5f),
                color(chosen ? ui.theme.palette.on_primary : ui.theme.palette.primary), icon);
        }
    }
    if (paging) {
        const float ax = r.right() - arrows, ah = (room - gap) * 0.5f;
        if (touch_button(ui, "categories/up", "▲", ImVec2(ax, y), ImVec2(arrows, ah),
                         ButtonKind::kKey, first > 0, ui.fonts.title))
            first = std::max(0, first - per_page);
        if (touch_button(ui, "categories/down", "▼", ImVec2(ax, y + ah + gap), ImVec2(arrows, ah),
                         ButtonKind::kKey, first + per_page < n, ui.fonts.title))
            first += per_page;
    }
    bottom_bar(ui, "", nullptr, false, IntentKind::kNext);
}

//-----------------------------------------------------------------------------
// [SECTION] Description
//-----------------------------------------------------------------------------

void draw_description(Ui& ui) {
    top_bar(ui);
    take_physical_keys(ui);
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    // Short of height (the lower-screen mode) the prompts move to Help.
    float y =
        heading(ui, r, ui.tr("description.title"), compact(ui) ? "" : ui.tr("description.prompt"));
    const float counter_h = ui.fonts.small->FontSize * 1.4f;
    const float gap = ui.px(ui.theme.metrics.gap);
    const TypingLayout l = typing_layout(ui, r, y, counter_h);
    const Rect& box = l.area;
    const Rect& kb = l.keyboard;
    text_area(ui, Field::kText, box, ui.tr("description.placeholder"));
    edit_keys(ui, l.keys, l.keys_column);

    const core::Session& s = ui.session;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const size_t n = s.text_length();
    const std::string counter = ui.trf(
        "description.counter", {std::to_string(n), std::to_string(s.config().text_max_chars)});
    const float cy = l.note_y;
    ImFont* sf = ui.fonts.small;
    const float cw = sf->CalcTextSizeA(sf->FontSize, FLT_MAX, 0, counter.c_str()).x;
    dl->AddText(sf, sf->FontSize, ImVec2(r.right() - cw, cy), color(p.text_muted), counter.c_str());
    std::string msg;
    Rgb note_colour = p.text_muted;
    if (n >= static_cast<size_t>(s.config().text_max_chars) || s.state().text_truncated) {
        msg = ui.tr("description.limit");
        note_colour = p.warning;
    } else if (const auto rude = s.obscene_words(); !rude.empty()) {
        // A warning, not a block: the citizen may keep the words.
        note(ui, "obscene", ui.trf("description.obscene", {rude.front()}), ImVec2(box.x, cy),
             r.w - cw - gap, p.warning);
    } else if (n < static_cast<size_t>(s.config().text_min_chars)) {
        msg = ui.trf("description.too_short", {std::to_string(s.config().text_min_chars - n)});
    }
    if (!msg.empty()) text_block(dl, sf, msg, ImVec2(box.x, cy), r.w - cw - gap, note_colour);

    draw_keyboard(ui, kb);
    bottom_bar(ui, "nav/next", &next_label(ui), s.can_apply(IntentKind::kNext), IntentKind::kNext);
}

// The city service's own questions about this kind of problem (an Open311 region), one at a time:
// a choice as buttons, anything else typed on the keyboard. The question is the server's text.
void draw_details(Ui& ui) {
    top_bar(ui);
    const core::Session& s = ui.session;
    const core::DetailsStep& d = s.state().details;
    if (d.index >= d.questions.size()) return;
    const core::ServiceQuestion& q = d.questions[d.index];
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    const float gap = ui.px(ui.theme.metrics.gap);
    const std::string progress = ui.trf(
        "details.progress", {std::to_string(d.index + 1), std::to_string(d.questions.size())});
    std::string hint = ui.tr(q.required ? "details.required" : "details.optional");
    if (q.datatype == "datetime") hint += " " + ui.tr("details.date_form");
    if (q.datatype == "multivaluelist") hint += " " + ui.tr("details.choose_many");
    if (!q.hint.empty()) hint += " " + q.hint;
    // Landscape has little height above the keyboard: the question is the heading there, the
    // progress goes with the hint, and the step's title (the top bar says the step) is left out.
    const bool tight = landscape(ui) && q.options.empty();
    float y = tight ? r.y : heading(ui, r, ui.tr("details.title"), progress);
    y += note(ui, "details_question", q.text, ImVec2(r.x, y), r.w, p.text, ui.fonts.title);
    y += note(ui, "details_hint", tight ? progress + " " + hint : hint, ImVec2(r.x, y), r.w,
              p.text_muted, tight ? ui.fonts.small : ui.fonts.body) +
         gap;
    const std::vector<std::string> values = s.current_answer();
    if (!q.options.empty()) {
        const float bh = ui.px(110);
        for (const auto& [key, name] : q.options) {
            const bool chosen = std::find(values.begin(), values.end(), key) != values.end();
            if (touch_button(ui, "details/option/" + key, name, ImVec2(r.x, y), ImVec2(r.w, bh),
                             chosen ? ButtonKind::kKeyActive : ButtonKind::kKey, true,
                             ui.fonts.body))
                ui.post({IntentKind::kChooseOption, key, ui.lang()});
            y += bh + gap;
        }
    } else {
        take_physical_keys(ui);
        const float kb_h = keyboard_height(ui);
        const float kb_w = landscape(ui) ? std::min(r.w, ui.px(1500)) : ui.display.x - 2 * ui.px(8);
        const Rect kb{(ui.display.x - kb_w) * 0.5f, r.bottom() - kb_h, kb_w, kb_h};
        float below = y;
        if (q.datatype == "text") {  // a paragraph: an area with the edit keys beside it
            TypingLayout l = typing_layout(ui, r, y, ui.fonts.body->FontSize * 1.4f);
            if (l.keys_column) l.area.h = l.keys.h = std::min(l.area.h, ui.px(3 * 88 + 24));
            text_area(ui, Field::kAnswer, l.area, ui.tr("details.placeholder"));
            edit_keys(ui, l.keys, l.keys_column);
            below = l.area.bottom();
        } else {  // a word, a number or a date: one line, the edit keys in a row beside it
            const float keys_w = 3 * edit_keys_extent(ui);
            const float field_w = r.w - keys_w - gap;
            text_field(ui, Field::kAnswer, ui.tr("details.placeholder"), Rect{r.x, y, field_w, 0},
                       false);
            edit_keys(ui,
                      Rect{r.x + field_w + gap, y + ui.fonts.small->FontSize * 1.3f, keys_w,
                           ui.px(ui.theme.metrics.touch_min)},
                      false);
            below = y + text_field_height(ui);
        }
        const auto problem = core::check_answer(q, values);
        const char* key = problem == core::AnswerProblem::kNotANumber ? "details.not_a_number"
                          : problem == core::AnswerProblem::kNotADate ? "details.not_a_date"
                                                                      : nullptr;
        if (key)
            note(ui, "details_problem", ui.tr(key), ImVec2(r.x, below + ui.px(8)), r.w, p.warning,
                 ui.fonts.body);
        draw_keyboard(ui, kb);
    }
    bottom_bar(ui, "nav/next", &next_label(ui), s.can_apply(IntentKind::kNext), IntentKind::kNext);
}

//-----------------------------------------------------------------------------
// [SECTION] Review
//-----------------------------------------------------------------------------

// A pin said as a person can check it (issue #21, point 7): how far and which way from the МФЦ
// the citizen stands in — «Около 130 м к северо-востоку от МФЦ (адрес)» — or that it is the МФЦ
// itself; raw coordinates only on a terminal that does not know where it stands.
std::string pin_summary(const Ui& ui, double lat, double lon) {
    const core::Config& c = ui.session.config();
    if (c.site_lat == 0 && c.site_lon == 0) {
        char coords[64];
        std::snprintf(coords, sizeof coords, "%.5f, %.5f", lat, lon);
        return ui.trf("review.place_map", {coords});
    }
    const double d = geo::distance_m(c.site_lat, c.site_lon, lat, lon);
    if (d < 30) return ui.trf("review.place_map_near", {c.site_address});
    std::string dist;
    if (d < 1000) {
        dist = ui.trf("unit.m", {std::to_string(std::lround(d / 10) * 10)});
    } else {
        const long tenths = std::lround(d / 100);
        dist = ui.trf("unit.km", {std::to_string(tenths / 10) + ui.tr("unit.decimal_point") +
                                  std::to_string(tenths % 10)});
    }
    const int point = geo::compass_point(geo::bearing_deg(c.site_lat, c.site_lon, lat, lon));
    return ui.trf("review.place_map_from",
                  {dist, ui.tr("direction." + std::to_string(point)), c.site_address});
}

std::string place_summary(const Ui& ui) {
    const auto place = ui.session.chosen_place();
    if (!place) return ui.tr("review.missing");
    if (place->source == "here") return ui.trf("review.place_here", {place->address});
    // From the region's addresses: the address (the still map under the card shows the pin).
    if (place->address_from == "index")
        return place->address_near ? ui.trf("review.place_near", {place->address}) : place->address;
    if (place->address_from == "typed" && !place->lat)
        return ui.trf("review.place_typed", {place->address});
    if (!place->lat || !place->lon) return place->address;
    // Typed, with its pin: the address under the pin checks it.
    const core::PlaceStep& st = ui.session.state().place;
    if (place->address_from == "typed" && st.pin_address_known && st.pin_address) {
        const std::string under = st.pin_address->hit.label();
        return ui.trf("review.place_address_pin",
                      {place->address, st.pin_address->at ? ui.trf("place.pin_address_at", {under})
                                                          : ui.trf("review.place_near", {under})});
    }
    const std::string pin = pin_summary(ui, *place->lat, *place->lon);
    if (place->source == "map") return pin;
    return ui.trf("review.place_address_pin", {place->address, pin});
}

// The city service's questions answered, one line each, as the citizen gave them: a choice by
// its name, a date as ДД.ММ.ГГГГ.
std::string answers_summary(const Ui& ui) {
    const core::DetailsStep& d = ui.session.state().details;
    std::string out;
    for (const auto& q : d.questions)
        for (const auto& [code, values] : d.answers) {
            if (code != q.code || values.empty()) continue;
            std::string shown;
            for (const auto& v : values) {
                std::string one = v;
                for (const auto& [key, name] : q.options)
                    if (key == v) one = name;
                if (q.datatype == "datetime" && v.size() == 10 && v[4] == '-')
                    one = v.substr(8, 2) + "." + v.substr(5, 2) + "." + v.substr(0, 4);
                shown += (shown.empty() ? "" : ", ") + one;
            }
            out += (out.empty() ? "" : "\n") + ui.trf("review.answer", {q.text, shown});
        }
    return out;
}

std::string who_summary(const Ui& ui) {
    const core::SessionState& st = ui.session.state();
    if (ui.session.identified()) return ui.trf("review.who_gosuslugi", {st.handoff.display_name});
    std::string s =
        st.field(Field::kName).value + ", " + core::format_phone(st.field(Field::kPhone).value);
    if (!st.field(Field::kEmail).value.empty()) s += ", " + st.field(Field::kEmail).value;
    return s;
}

// One part of the appeal on the review screen.
struct ReviewPart {
    const char* id;
    std::string label, value;
    Screen edit;  // kAttract: not editable (the consent)
    bool photos = false;
    float max_h = 0;   // 0: as tall as the value
    bool map = false;  // a still map of the pin under the card
};

// The still map under the place's card: as wide as a phone photo, street level.
float review_map_height(const Ui& ui, const ReviewPart& p) {
    if (!p.map || !ui.tiles) return 0;
    const auto place = ui.session.chosen_place();
    return place && place->lat && place->lon ? ui.px(240) : 0;
}

float review_card_height(const Ui& ui, const ReviewPart& p, float w) {
    const float pad = ui.px(20), edit_w = ui.px(220), edit_h = ui.px(ui.theme.metrics.touch_min);
    const float text_w = w - 3 * pad - (p.edit == Screen::kAttract ? 0 : edit_w);
    const float label_h = ui.fonts.small->FontSize * 1.3f;
    float h =
        std::max(edit_h, label_h + text_block_height(ui.fonts.body, p.value, text_w)) + 2 * pad;
    if (p.max_h > 0) h = std::min(h, p.max_h);
    if (p.photos && !ui.session.state().photos.photos.empty()) h += ui.px(136);
    return h + review_map_height(ui, p);
}

void review_card(Ui& ui, const ReviewPart& part, const Rect& r, float y) {
    const Palette& p = ui.theme.palette;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float pad = ui.px(20);
    const float edit_w = ui.px(220), edit_h = ui.px(ui.theme.metrics.touch_min);
    const float text_w = r.w - 3 * pad - (part.edit == Screen::kAttract ? 0 : edit_w);
    const float label_h = ui.fonts.small->FontSize * 1.3f;
    const auto& photos = ui.session.state().photos.photos;
    const float strip = part.photos && !photos.empty() ? ui.px(136) : 0;
    const float map_h = review_map_height(ui, part);
    const float h = review_card_height(ui, part, r.w) - strip - map_h;
    card(ui, ImVec2(r.x, y), ImVec2(r.right(), y + h));
    dl->AddText(ui.fonts.small, ui.fonts.small->FontSize, ImVec2(r.x + pad, y + pad),
                color(p.text_muted), part.label.c_str());
    dl->PushClipRect(ImVec2(r.x, y), ImVec2(r.right(), y + h - pad * 0.5f), true);
    text_block(dl, ui.fonts.body, part.value, ImVec2(r.x + pad, y + pad + label_h), text_w, p.text);
    dl->PopClipRect();
    ui.widgets.add_readout(WidgetInfo{std::string("review/") + part.id, ImVec2(r.x, y),
                                      ImVec2(r.x + pad + text_w, y + h), true, part.value});
    if (part.edit != Screen::kAttract &&
        touch_button(ui, std::string("review/edit_") + part.id, ui.tr("review.edit"),
                     ImVec2(r.right() - pad - edit_w, y + (h - edit_h) * 0.5f),
                     ImVec2(edit_w, edit_h), ButtonKind::kSecondary, true, ui.fonts.body))
        ui.post({IntentKind::kEdit, "", ui.lang(), static_cast<int>(part.edit)});
    if (map_h > 0) {
        const auto place = ui.session.chosen_place();
        const Rect still{r.x + pad, y + h + ui.px(8), std::min(r.w - 2 * pad, ui.px(560)),
                         map_h - ui.px(16)};
        draw_map_still(ui, still, *place->lat, *place->lon);
        ui.widgets.add_readout(WidgetInfo{"review/place_map", ImVec2(still.x, still.y),
                                          ImVec2(still.right(), still.bottom()), true, ""});
    }
    if (strip == 0) return;
    // The photos' thumbnails under their card.
    const float th = ui.px(120);
    float x = r.x + pad;
    for (const auto& ph : photos) {
        ImVec2 size(4, 3);
        ImTextureID tex = ui.images ? ui.images->photo(ph.id, ph.thumbnail, &size) : nullptr;
        const float tw = th * size.x / std::max(1.0f, size.y);
        draw_picture(ui, tex, ImVec2(x, y + h + ui.px(8)), ImVec2(x + tw, y + h + ui.px(8) + th));
        x += tw + ui.px(12);
    }
}

void draw_review(Ui& ui) {
    top_bar(ui);
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float y = heading(ui, r, ui.tr("review.title"));
    const core::SessionState& st = ui.session.state();
    const float gap = ui.px(ui.theme.metrics.gap);

    // What kind of submission this is, and any save problem, under the cards.
    const std::string kind =
        ui.tr(ui.session.identified() ? "review.kind_appeal" : "review.kind_message");
    std::string problem;
    if (st.submit_problem == core::SubmitProblem::kStoreFull) problem = ui.tr("review.store_full");
    if (st.submit_problem == core::SubmitProblem::kStorageFailed)
        problem = ui.tr("review.storage_failed");
    // The kind decides the law that applies and the answer's term: said in the body's size and
    // colour, not the smallest grey (issue #21, point 10).
    const float notes_h =
        text_block_height(ui.fonts.body, kind, r.w) +
        (problem.empty() ? 0 : text_block_height(ui.fonts.body, problem, r.w) + ui.px(12));
    const float avail = r.bottom() - y - notes_h - gap;

    const core::Category* cat = ui.session.catalog().find(st.category_id);
    std::string cat_name = cat ? cat->name(ui.lang()) : st.category_id;
    if (const core::CategoryLeaf* leaf = ui.session.leaf())
        cat_name += " · " + leaf->name(ui.lang());
    const auto& photos = st.photos.photos;
    std::vector<ReviewPart> parts = {
        {"category", ui.tr("review.category"), cat_name, Screen::kCategory},
        {"text", ui.tr("review.text"), st.text(), Screen::kDescription, false, avail * 0.4f},
        {"photos", ui.tr("review.photos"),
         photos.empty() ? ui.tr("review.no_photos")
                        : ui.trf("review.photos_count", {std::to_string(photos.size())}),
         Screen::kPhotos, true},
        {"place", ui.tr("review.place"), place_summary(ui), Screen::kPlace, false, 0, true},
        {"who", ui.tr("review.who"), who_summary(ui), Screen::kWho},
        {"consent", ui.tr("review.consent"),
         st.consent_unix_ms ? ui.tr("review.consent_given") : ui.tr("review.missing"),
         Screen::kAttract},
    };
    if (const std::string answers = answers_summary(ui); !answers.empty())
        parts.insert(parts.begin() + 2,
                     {"details", ui.tr("review.details"), answers, Screen::kDetails});
    // Two columns in landscape. When the parts do not all fit (large text, the lower-screen
    // mode) they page by whole cards with ▲ ▼, so no button is ever cut in half.
    const int cols = landscape(ui) ? 2 : 1;
    auto layout = [&](int first, float w, std::vector<std::pair<int, ImVec2>>* placed) {
        int col = 0;
        float cy = y;
        int i = first;
        for (; i < static_cast<int>(parts.size()); ++i) {
            const float h = review_card_height(ui, parts[i], w);
            if (cy + h > y + avail && cy > y) {
                if (++col == cols) break;
                cy = y;
            }
            if (placed) placed->push_back({i, ImVec2(r.x + col * (w + gap), cy)});
            cy += h + gap;
        }
        return i;  // the first part not placed
    };
    int& first = ui.scratch->review_first;
    const float full_w = (r.w - gap * (cols - 1)) / cols;
    const bool paging = first > 0 || layout(0, full_w, nullptr) < static_cast<int>(parts.size());
    const float arrows_w = paging ? ui.px(110) + gap : 0;
    const float w = (r.w - arrows_w - gap * (cols - 1)) / cols;
    first = std::clamp(first, 0, static_cast<int>(parts.size()) - 1);
    std::vector<std::pair<int, ImVec2>> placed;
    const int next = layout(first, w, &placed);
    for (const auto& [i, pos] : placed) review_card(ui, parts[i], Rect{pos.x, pos.y, w, 0}, pos.y);
    if (paging) {
        const float ax = r.right() - ui.px(110), ah = (avail - gap) * 0.5f;
        if (touch_button(ui, "review/up", "▲", ImVec2(ax, y), ImVec2(ui.px(110), ah),
                         ButtonKind::kKey, first > 0, ui.fonts.title))
            --first;
        if (touch_button(ui, "review/down", "▼", ImVec2(ax, y + ah + gap), ImVec2(ui.px(110), ah),
                         ButtonKind::kKey, next < static_cast<int>(parts.size()), ui.fonts.title))
            ++first;
    }
    float ny = r.bottom() - notes_h;
    ny += note(ui, "kind", kind, ImVec2(r.x, ny), r.w, p.text, ui.fonts.body);
    if (!problem.empty())
        text_block(dl, ui.fonts.body, problem, ImVec2(r.x, ny + ui.px(12)), r.w, p.warning);

    const std::string& submit = ui.tr("review.submit");
    bottom_bar(ui, "review/submit", &submit, ui.session.can_apply(IntentKind::kSubmit),
               IntentKind::kSubmit);
}

//-----------------------------------------------------------------------------
// [SECTION] Submitting, Receipt
//-----------------------------------------------------------------------------

void draw_submitting(Ui& ui) {
    top_bar(ui);
    const Rect r = content_rect(ui, false);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float h = text_block_height(ui.fonts.title, ui.tr("submitting.title"), r.w);
    const float y = r.y + (r.h - h) * 0.5f;
    text_block(dl, ui.fonts.title, ui.tr("submitting.title"), ImVec2(r.x, y), r.w,
               ui.theme.palette.text, true);
    // The screen is alive while the store commits.
    spinner(ui, ImVec2(ui.display.x * 0.5f, y - ui.px(120)), ui.px(56));
    text_block(dl, ui.fonts.small, ui.tr("submitting.hint"), ImVec2(r.x, y + h + ui.px(24)), r.w,
               ui.theme.palette.text_muted, true);
}

void draw_receipt(Ui& ui) {
    top_bar(ui);
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const core::SessionState& st = ui.session.state();
    const core::Receipt& rc = *st.receipt;
    // Two columns (number and notes left, QR right) in landscape and on a lowered portrait
    // screen, whose one column would run past the bottom.
    const bool wide = landscape(ui) || compact(ui);
    // An обращение under 59-ФЗ or a сообщение: the receipt names what was sent (issue #21, 9).
    const std::string kind = rc.appeal_59fz ? "" : "_message";
    float y = r.y;
    y += text_block(dl, ui.fonts.title, "✓ " + ui.tr("receipt.title" + kind), ImVec2(r.x, y), r.w,
                    p.success, true);
    ui.widgets.add_readout(WidgetInfo{"note/receipt_title", ImVec2(r.x, r.y), ImVec2(r.right(), y),
                                      true, ui.tr("receipt.title" + kind)});
    y += ui.px(wide ? 24 : 40);
    const float qr_side = std::min(ui.px(wide ? 440 : 480), r.w * (landscape(ui) ? 0.6f : 0.4f));
    // Portrait: number, QR, notes in one column. Landscape: number and notes left, QR right.
    const float col_w = wide ? r.w - qr_side - ui.px(64) : r.w;
    float ty = y;
    ty += text_block(dl, ui.fonts.body, ui.tr("receipt.number" + kind), ImVec2(r.x, ty), col_w,
                     p.text_muted, !wide);
    ty += text_block(dl, ui.fonts.huge, rc.receipt_number, ImVec2(r.x, ty), col_w, p.text, !wide);
    ui.widgets.add_readout(WidgetInfo{"receipt/number", ImVec2(r.x, y), ImVec2(r.x + col_w, ty),
                                      true, rc.receipt_number});
    // What it is about: the topic and the cause.
    std::string topic;
    if (const core::Category* c = ui.session.catalog().find(ui.session.state().category_id))
        topic = c->name(ui.lang());
    if (const core::CategoryLeaf* l = ui.session.leaf()) topic += " · " + l->name(ui.lang());
    if (!topic.empty())
        ty += ui.px(8) + note(ui, "receipt_category", topic, ImVec2(r.x, ty + ui.px(8)), col_w,
                              p.text, ui.fonts.body, !wide);
    ty += ui.px(24);
    ImVec2 qr_pos =
        wide ? ImVec2(r.right() - qr_side, y) : ImVec2(r.x + (r.w - qr_side) * 0.5f, ty);
    draw_qr(ui, "receipt/qr", rc.tracking_url, qr_pos, qr_side);
    if (!wide) ty += qr_side + ui.px(12);
    const float hint_x = wide ? qr_pos.x : r.x, hint_w = wide ? qr_side : r.w;
    const float hint_y = wide ? qr_pos.y + qr_side + ui.px(12) : ty;
    const float hint_h = text_block(dl, ui.fonts.small, ui.tr("receipt.qr_hint"),
                                    ImVec2(hint_x, hint_y), hint_w, p.text_muted, true);
    if (!wide) ty += hint_h + ui.px(24);
    ty += text_block(dl, ui.fonts.body, ui.tr("receipt.delivery" + kind), ImVec2(r.x, ty), col_w,
                     p.text, !wide);
    if (!rc.answer_by.empty()) {
        const std::string due =
            ui.trf(rc.answer_by_estimated ? "receipt.answer_by_estimated" : "receipt.answer_by",
                   {rc.answer_by});
        const float top = ty;
        ty += text_block(dl, ui.fonts.body, due, ImVec2(r.x, ty), col_w, p.text, !wide);
        ui.widgets.add_readout(
            WidgetInfo{"receipt/answer_by", ImVec2(r.x, top), ImVec2(r.x + col_w, ty), true, due});
    }
    // Print: a button, and what became of the last print.
    if (ui.printer) {
        ty += ui.px(20);
        const float pw = std::min(col_w, ui.px(520)), ph = ui.px(ui.theme.metrics.touch_min);
        const float px = wide ? r.x : r.x + (r.w - pw) * 0.5f;
        // The button says why it cannot print (the printer checked as this screen opened, or
        // the last print's failure); the QR above stays for the citizen's phone.
        const bool printing = st.print == core::PrintState::kPrinting;
        const bool blocked = st.print_problem != drivers::PrintProblem::kNone;
        if (touch_button(ui, "receipt/print",
                         ui.tr(printing                              ? "receipt.printing"
                               : blocked                             ? "receipt.print_unavailable"
                               : st.print == core::PrintState::kNone ? "receipt.print"
                                                                     : "receipt.print_again"),
                         ImVec2(px, ty), ImVec2(pw, ph), ButtonKind::kSecondary,
                         ui.session.can_print(), ui.fonts.body)) {
            const std::string bytes = ui.receipt_bytes ? ui.receipt_bytes() : std::string();
            ui.post({IntentKind::kPrint, bytes});
        }
        ty += ph + ui.px(8);
        if (st.print == core::PrintState::kPrinted && !blocked)
            ty += note(ui, "printed", ui.tr("receipt.printed"), ImVec2(r.x, ty), col_w, p.success,
                       nullptr, !wide);
        const bool failed = st.print == core::PrintState::kFailed;
        if ((failed || blocked) && !printing) {
            // A print that went out unconfirmed may still have come out: said so, not "no answer".
            const drivers::PrintProblem why = failed ? st.print_failure : st.print_problem;
            const bool sent = failed && why == drivers::PrintProblem::kNoAnswer;
            const std::string reason =
                ui.tr(std::string("receipt.problem.") +
                      (sent ? "unconfirmed" : drivers::print_problem_name(why)));
            ty += note(ui, "print_failed",
                       ui.trf(failed ? "receipt.not_printed" : "receipt.cannot_print", {reason}),
                       ImVec2(r.x, ty), col_w, p.warning, nullptr, !wide);
        }
    }
    if (auto left = ui.session.receipt_seconds_left()) {
        ty += ui.px(16);
        text_block(dl, ui.fonts.small, ui.trf("receipt.closes_in", {std::to_string(*left)}),
                   ImVec2(r.x, ty), col_w, p.text_muted, !wide);
    }
    // Only a primary action here: there is nothing to go back to once the appeal is stored.
    const Metrics& m = ui.theme.metrics;
    const float bh = ui.px(m.bottom_bar) - 2 * ui.px(m.gap) - ui.px(12);
    const float bw = std::min(ui.px(560), r.w);
    if (touch_button(ui, "receipt/done", ui.tr("receipt.done"),
                     ImVec2((ui.display.x - bw) * 0.5f,
                            ui.display.y - ui.px(m.bottom_bar) + (ui.px(m.bottom_bar) - bh) * 0.5f),
                     ImVec2(bw, bh), ButtonKind::kPrimary))
        ui.post({IntentKind::kFinish});
}

//-----------------------------------------------------------------------------
// [SECTION] Overlays
//-----------------------------------------------------------------------------

// A card over a dimmed screen; `body` draws into it from y and returns the y after it.
template <typename Body>
void overlay_card(Ui& ui, const char* window, float content_h, Body body) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ui.display);
    ImGui::SetNextWindowFocus();  // on top of the screen, and the only thing that takes touches
    ImGui::Begin(window, nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ui.widgets.cover(dl);
    dl->AddRectFilled(ImVec2(0, 0), ui.display, IM_COL32(10, 20, 40, 170));
    const float w = std::min(ui.display.x - 2 * ui.px(48), ui.px(900));
    const float pad = ui.px(40);
    const float h = std::min(content_h + 2 * pad, ui.display.y - 2 * ui.px(24));
    const ImVec2 min((ui.display.x - w) * 0.5f, (ui.display.y - h) * 0.5f);
    card(ui, min, ImVec2(min.x + w, min.y + h));
    body(Rect{min.x + pad, min.y + pad, w - 2 * pad, h - 2 * pad});
    ImGui::End();
}

void draw_idle_overlay(Ui& ui, int seconds_left) {
    const std::string body = ui.trf("idle.body", {std::to_string(seconds_left)});
    const float w = std::min(ui.display.x - 2 * ui.px(48), ui.px(900)) - 2 * ui.px(40);
    const float h = text_block_height(ui.fonts.title, ui.tr("idle.title"), w) + ui.px(16) +
                    text_block_height(ui.fonts.body, body, w) + ui.px(40) + ui.px(130);
    overlay_card(ui, "##idle", h, [&](const Rect& r) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        float y = r.y;
        y += text_block(dl, ui.fonts.title, ui.tr("idle.title"), ImVec2(r.x, y), r.w,
                        ui.theme.palette.text, true);
        y += ui.px(16);
        y += text_block(dl, ui.fonts.body, body, ImVec2(r.x, y), r.w, ui.theme.palette.text, true);
        y += ui.px(40);
        if (touch_button(ui, "idle/continue", ui.tr("idle.continue"), ImVec2(r.x, y),
                         ImVec2(r.w, ui.px(130)), ButtonKind::kPrimary))
            ui.post({IntentKind::kStillHere});
    });
}

void draw_help_overlay(Ui& ui) {
    const std::string& title =
        ui.tr(std::string(core::screen_name(ui.session.state().screen)) + ".title");
    const std::string& help = ui.tr("help." + ui.session.help_name());
    const float w = std::min(ui.display.x - 2 * ui.px(48), ui.px(900)) - 2 * ui.px(40);
    const float h = text_block_height(ui.fonts.title, title, w) + ui.px(16) +
                    text_block_height(ui.fonts.body, help, w) + ui.px(40) + ui.px(110);
    overlay_card(ui, "##help", h, [&](const Rect& r) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        float y = r.y;
        y += text_block(dl, ui.fonts.title, title, ImVec2(r.x, y), r.w, ui.theme.palette.text);
        y += ui.px(16);
        y += note(ui, "help", help, ImVec2(r.x, y), r.w, ui.theme.palette.text, ui.fonts.body);
        y += ui.px(40);
        if (touch_button(ui, "help/close", ui.tr("common.close"), ImVec2(r.x, y),
                         ImVec2(r.w, ui.px(110)), ButtonKind::kPrimary))
            ui.post({IntentKind::kShowHelp});
    });
}

void draw_accessibility_overlay(Ui& ui) {
    struct Option {
        const char* id;
        const char* key;
        core::A11yOption option;
        bool on;
    };
    const core::Accessibility& a = ui.session.state().a11y;
    const bool portrait = ui.display.y > ui.display.x;
    std::vector<Option> options = {
        {"a11y/large_text", "a11y.large_text", core::A11yOption::kLargeText, a.large_text},
        {"a11y/high_contrast", "a11y.high_contrast", core::A11yOption::kHighContrast,
         a.high_contrast},
        {"a11y/voice", "a11y.voice", core::A11yOption::kVoice, a.voice},
    };
    // Lowering the screen helps on a tall portrait screen only.
    if (portrait || a.lower_screen)
        options.insert(options.begin() + 2, {"a11y/lower_screen", "a11y.lower_screen",
                                             core::A11yOption::kLowerScreen, a.lower_screen});
    const float bh = ui.px(120), gap = ui.px(16);
    // The title as it wraps (large text makes it two lines): the card holds «Закрыть» too.
    const float w = std::min(ui.display.x - 2 * ui.px(48), ui.px(900)) - 2 * ui.px(40);
    const float h = text_block_height(ui.fonts.title, ui.tr("a11y.title"), w) + ui.px(24) +
                    options.size() * (bh + gap) + ui.px(24) + ui.px(110) - gap;
    overlay_card(ui, "##a11y", h, [&](const Rect& r) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        float y = r.y;
        y += text_block(dl, ui.fonts.title, ui.tr("a11y.title"), ImVec2(r.x, y), r.w,
                        ui.theme.palette.text);
        y += ui.px(24);
        for (const Option& o : options) {
            const std::string label = ui.tr(o.key) + " — " + ui.tr(o.on ? "a11y.on" : "a11y.off");
            if (touch_button(ui, o.id, label, ImVec2(r.x, y), ImVec2(r.w, bh),
                             o.on ? ButtonKind::kKeyActive : ButtonKind::kKey, true,
                             ui.fonts.button))
                ui.post(
                    {IntentKind::kToggleAccessibility, "", ui.lang(), static_cast<int>(o.option)});
            y += bh + gap;
        }
        y += ui.px(24) - gap;
        if (touch_button(ui, "a11y/close", ui.tr("common.close"), ImVec2(r.x, y),
                         ImVec2(r.w, ui.px(110)), ButtonKind::kPrimary))
            ui.post({IntentKind::kShowAccessibility});
    });
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] draw_screen
//-----------------------------------------------------------------------------

void draw_screen(Ui& ui) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ui.display);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    // No background of its own: the host clears to the same colour (WindowBg), and a second
    // coat over every damaged pixel doubled what llvmpipe shades (issue #22).
    ImGui::Begin("##screen", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                     ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
    const auto countdown = ui.session.idle_countdown_left();
    const core::Overlay overlay = ui.session.state().overlay;
    const bool covered = countdown || overlay != core::Overlay::kNone;
    if (covered) ImGui::BeginDisabled();  // the overlay takes every touch
    switch (ui.session.state().screen) {
        case Screen::kAttract:
            draw_attract(ui);
            break;
        case Screen::kCategory:
            draw_category(ui);
            break;
        case Screen::kDescription:
            draw_description(ui);
            break;
        case Screen::kDetails:
            draw_details(ui);
            break;
        case Screen::kPhotos:
            draw_photos(ui);
            break;
        case Screen::kPlace:
            draw_place(ui);
            break;
        case Screen::kWho:
            draw_who(ui);
            break;
        case Screen::kConsent:
            draw_consent(ui);
            break;
        case Screen::kReview:
            draw_review(ui);
            break;
        case Screen::kSubmitting:
            draw_submitting(ui);
            break;
        case Screen::kReceipt:
            draw_receipt(ui);
            break;
        case Screen::kStatus:
            draw_status(ui);
            break;
        case Screen::kStatusResult:
            draw_status_result(ui);
            break;
        case Screen::kRate:
            draw_rate(ui);
            break;
        case Screen::kPolls:
            draw_polls(ui);
            break;
        case Screen::kPoll:
            draw_poll(ui);
            break;
        case Screen::kVote:
            draw_vote(ui);
            break;
        case Screen::kSimilar:
            draw_similar(ui);
            break;
        case Screen::kSupport:
            draw_support(ui);
            break;
    }
    if (covered) ImGui::EndDisabled();
    ImGui::End();
    ImGui::PopStyleVar(2);
    if (countdown)
        draw_idle_overlay(ui, *countdown);
    else if (overlay == core::Overlay::kHelp)
        draw_help_overlay(ui);
    else if (overlay == core::Overlay::kAccessibility)
        draw_accessibility_overlay(ui);
}

}  // namespace vmeste::ui
