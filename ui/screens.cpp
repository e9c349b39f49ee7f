// [SECTION] Layout helpers: top bar, bottom bar, titles
// [SECTION] Attract
// [SECTION] Category
// [SECTION] Description (text box + on-screen keyboard)
// [SECTION] Review
// [SECTION] Submitting, Receipt
// [SECTION] Idle countdown overlay
// [SECTION] draw_screen
//
// Layout is absolute and proportional: every rect derives from the display size and the theme's
// scale, so portrait 1080×1920 and landscape 1920×1080 both fill the screen without scrolling.
#include "ui/screens.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "image/qr_code.h"
#include "kiosk/core/utf8.h"
#include "ui/text_wrap.h"

namespace vmeste::ui {

using core::IntentKind;
using core::Screen;

namespace {

//-----------------------------------------------------------------------------
// [SECTION] Layout helpers
//-----------------------------------------------------------------------------

struct Rect {
    float x, y, w, h;
    float right() const { return x + w; }
    float bottom() const { return y + h; }
};

bool landscape(const Ui& ui) {
    return ui.display.x > ui.display.y;
}

// Content column: full width in portrait, a centred column in landscape (long lines are hard to
// read).
Rect content_rect(const Ui& ui, bool with_bottom_bar) {
    const Metrics& m = ui.theme.metrics;
    const float top = ui.px(m.top_bar) + ui.px(m.margin) * 0.5f;
    const float bottom = ui.display.y - (with_bottom_bar ? ui.px(m.bottom_bar) : ui.px(m.margin));
    float w = ui.display.x - 2 * ui.px(m.margin);
    if (landscape(ui)) w = std::min(w, ui.px(1600));
    return Rect{(ui.display.x - w) * 0.5f, top, w, bottom - top};
}

void top_bar(Ui& ui, int step, int steps) {
    const Metrics& m = ui.theme.metrics;
    const Palette& p = ui.theme.palette;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float h = ui.px(m.top_bar);
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(ui.display.x, h), color(p.surface));
    dl->AddLine(ImVec2(0, h), ImVec2(ui.display.x, h), color(p.secondary_border), ui.px(2));
    const float bh = ui.px(m.touch_min);
    const float by = (h - bh) * 0.5f;
    const float margin = ui.px(m.margin) * 0.5f;
    ImFont* f = ui.fonts.body;
    if (step > 0) {
        const std::string s = ui.trf("common.step", {std::to_string(step), std::to_string(steps)});
        dl->AddText(f, f->FontSize, ImVec2(margin, (h - f->FontSize) * 0.5f), color(p.text_muted),
                    s.c_str());
    } else {
        dl->AddText(ui.fonts.button, ui.fonts.button->FontSize,
                    ImVec2(margin, (h - ui.fonts.button->FontSize) * 0.5f), color(p.primary),
                    ui.tr("app.title").c_str());
    }
    const float lang_w = ui.px(220);
    const Screen screen = ui.session.state().screen;
    if (touch_button(ui, "top/language", ui.tr("common.language"),
                     ImVec2(ui.display.x - margin - lang_w, by), ImVec2(lang_w, bh),
                     ButtonKind::kSecondary, screen != Screen::kSubmitting, ui.fonts.body)) {
        ui.post({IntentKind::kSetLanguage, "",
                 ui.lang() == core::Language::kRu ? core::Language::kEn : core::Language::kRu});
    }
    if (ui.session.can_apply(IntentKind::kCancel) && screen != Screen::kReceipt) {
        const float cancel_w = ui.px(300);
        if (touch_button(ui, "top/cancel", ui.tr("common.cancel"),
                         ImVec2(ui.display.x - 2 * margin - lang_w - cancel_w, by),
                         ImVec2(cancel_w, bh), ButtonKind::kSecondary, true, ui.fonts.body))
            ui.post({IntentKind::kCancel});
    }
}

// Back on the left, the one primary action on the right.
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
    if (touch_button(ui, "nav/back", ui.tr("common.back"), ImVec2(col.x, y), ImVec2(back_w, bh),
                     ButtonKind::kSecondary))
        ui.post({IntentKind::kBack});
    if (primary_label) {
        const float w = std::min(ui.px(560), col.w - back_w - ui.px(m.margin));
        if (touch_button(ui, primary_id, *primary_label, ImVec2(col.right() - w, y), ImVec2(w, bh),
                         ButtonKind::kPrimary, primary_enabled))
            ui.post({primary_intent});
    }
}

// A title and an optional line under it; returns the y below them.
float heading(Ui& ui, const Rect& r, std::string_view title, std::string_view sub = {}) {
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
    dl->AddRectFilled(min, max, color(ui.theme.palette.surface), ui.px(ui.theme.metrics.rounding));
    dl->AddRect(min, max, color(ui.theme.palette.secondary_border),
                ui.px(ui.theme.metrics.rounding), 0, ui.px(2));
}

//-----------------------------------------------------------------------------
// [SECTION] Attract
//-----------------------------------------------------------------------------

void draw_attract(Ui& ui) {
    top_bar(ui, 0, 0);
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, false);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float col_w = std::min(r.w, ui.px(900));
    const float x = (ui.display.x - col_w) * 0.5f;
    float y = r.y + r.h * (landscape(ui) ? 0.12f : 0.22f);
    y += text_block(dl, ui.fonts.huge, ui.tr("app.title"), ImVec2(x, y), col_w, p.primary, true);
    y += ui.px(24);
    y += text_block(dl, ui.fonts.body, ui.tr("app.subtitle"), ImVec2(x, y), col_w, p.text, true);
    y += ui.px(landscape(ui) ? 56 : 96);
    const float bw = std::min(col_w, ui.px(760)), bh = ui.px(170);
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
        ui.widgets.add(WidgetInfo{"note/store_full", ImVec2(x, top), ImVec2(x + col_w, y), true,
                                  ui.tr("attract.store_full")});
    } else {
        text_block(dl, ui.fonts.small, ui.tr("attract.hint"), ImVec2(x, y), col_w, p.text_muted,
                   true);
    }
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
    float y = heading(ui, r, cat.name(ui.lang()), ui.tr("category.leaves_hint"));
    const float gap = ui.px(ui.theme.metrics.gap);
    const float bh = ui.px(ui.theme.metrics.touch_min) * 1.25f;
    if (touch_button(ui, "category/all", ui.tr("category.all"), ImVec2(r.x, y),
                     ImVec2(std::min(r.w, ui.px(520)), ui.px(ui.theme.metrics.touch_min)),
                     ButtonKind::kSecondary, true, ui.fonts.body))
        ui.post({IntentKind::kBack});
    y += ui.px(ui.theme.metrics.touch_min) + gap * 2;
    const int cols = landscape(ui) ? 2 : 1;
    const float bw = (r.w - gap * (cols - 1)) / cols;
    std::string group;
    int col = 0;
    for (const core::CategoryLeaf* l : leaves) {
        const std::string& g = ui.lang() == core::Language::kRu ? l->group_ru : l->group_en;
        if (g != group) {
            if (col != 0) y += bh + gap;
            col = 0;
            group = g;
            y += text_block(dl, ui.fonts.small, g, ImVec2(r.x, y), r.w, p.text_muted, false) +
                 gap * 0.5f;
        }
        const bool chosen = l->id == ui.session.state().leaf_id;
        if (touch_button(ui, "leaf/" + l->id, l->name(ui.lang()), ImVec2(r.x + col * (bw + gap), y),
                         ImVec2(bw, bh), chosen ? ButtonKind::kKeyActive : ButtonKind::kKey, true,
                         ui.fonts.button))
            ui.post({IntentKind::kChooseLeaf, l->id});
        if (++col == cols) {
            col = 0;
            y += bh + gap;
        }
    }
    bottom_bar(ui, "", nullptr, false, IntentKind::kNext);
}

void draw_category(Ui& ui) {
    top_bar(ui, 1, 3);
    if (const core::Category* chosen = ui.session.catalog().find(ui.session.state().category_id)) {
        const auto leaves = ui.session.leaves_shown();
        if (!leaves.empty()) return draw_leaves(ui, *chosen, leaves);
    }
    const Rect r = content_rect(ui, true);
    float y = heading(ui, r, ui.tr("category.title"), ui.tr("category.hint"));
    const auto& cats = ui.session.catalog().categories();
    const int cols = landscape(ui) ? 4 : 2;
    const int rows = static_cast<int>((cats.size() + cols - 1) / cols);
    const float gap = ui.px(ui.theme.metrics.gap);
    const float bw = (r.w - gap * (cols - 1)) / cols;
    const float bh = std::clamp((r.bottom() - y - gap * (rows - 1)) / rows,
                                ui.px(ui.theme.metrics.touch_min), ui.px(200));
    for (size_t i = 0; i < cats.size(); ++i) {
        const int c = static_cast<int>(i) % cols, row = static_cast<int>(i) / cols;
        const ImVec2 pos(r.x + c * (bw + gap), y + row * (bh + gap));
        const bool chosen = cats[i].id == ui.session.state().category_id;
        if (touch_button(ui, "category/" + cats[i].id, cats[i].name(ui.lang()), pos, ImVec2(bw, bh),
                         chosen ? ButtonKind::kKeyActive : ButtonKind::kKey, true, ui.fonts.button))
            ui.post({IntentKind::kChooseCategory, cats[i].id});
    }
    bottom_bar(ui, "", nullptr, false, IntentKind::kNext);
}

//-----------------------------------------------------------------------------
// [SECTION] Description
//-----------------------------------------------------------------------------

// Keys typed on a physical keyboard (a technician's, or a test's) arrive as ImGui input characters.
void take_physical_keys(Ui& ui) {
    ImGuiIO& io = ImGui::GetIO();
    std::string typed;
    for (ImWchar c : io.InputQueueCharacters) {
        if (c < 0x80)
            typed += static_cast<char>(c);
        else if (c < 0x800) {
            typed += static_cast<char>(0xC0 | (c >> 6));
            typed += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            typed += static_cast<char>(0xE0 | (c >> 12));
            typed += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            typed += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    if (!typed.empty()) ui.post({IntentKind::kInsertText, typed});
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace)))
        ui.post({IntentKind::kBackspace});
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)))
        ui.post({IntentKind::kInsertText, "\n"});
}

std::string key_label(const Ui& ui, const Key& k) {
    const KeyboardState& s = ui.keyboard;
    switch (k.kind) {
        case KeyKind::kChar:
            return s.shift ? k.upper : k.lower;
        case KeyKind::kShift:
            return ui.tr("keyboard.shift");
        case KeyKind::kBackspace:
            return ui.tr("keyboard.backspace");
        case KeyKind::kSpace:
            return ui.tr("keyboard.space");
        case KeyKind::kEnter:
            return ui.tr("keyboard.enter");
        case KeyKind::kPage:
            if (s.page == KeyboardPage::kSymbols)
                return ui.tr(s.layout == KeyboardLayout::kCyrillic ? "keyboard.letters_cyrillic"
                                                                   : "keyboard.letters_latin");
            return ui.tr("keyboard.symbols");
        case KeyKind::kLayout:
            return ui.tr(s.layout == KeyboardLayout::kCyrillic ? "keyboard.to_latin"
                                                               : "keyboard.to_cyrillic");
    }
    return {};
}

// Landscape has less height to share between the text and the keyboard; 96 px keys still clear
// the 88 px minimum.
float key_height(const Ui& ui) {
    return ui.px(landscape(ui) ? 96 : ui.theme.metrics.key_height);
}
float keyboard_height(const Ui& ui) {
    return 4 * key_height(ui);
}

// Keys are laid edge to edge as touch targets and drawn inset, so a 12-key row on a 1080 px
// portrait screen still gives 90 px targets.
void draw_keyboard(Ui& ui, const Rect& r) {
    const float kh = key_height(ui), inset = ui.px(5);
    const auto& rows = keyboard_rows(ui.keyboard);
    float y = r.y;
    for (const auto& row : rows) {
        float units = 0;
        for (const Key& k : row) units += k.width;
        const float unit = r.w / std::max(units, 12.0f);  // short rows keep the key size, centred
        float x = r.x + (r.w - unit * units) * 0.5f;
        for (const Key& k : row) {
            const float w = unit * k.width;
            const bool active = k.kind == KeyKind::kShift && ui.keyboard.shift;
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

void draw_text_box(Ui& ui, const Rect& box) {
    const Palette& p = ui.theme.palette;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    card(ui, ImVec2(box.x, box.y), ImVec2(box.right(), box.bottom()));
    ImFont* f = ui.fonts.body;
    const float pad = ui.px(20);
    const float line_h = f->FontSize * 1.2f;
    const std::string& text = ui.session.state().text;
    const float inner_w = box.w - 2 * pad;
    if (text.empty()) {
        text_block(dl, f, ui.tr("description.placeholder"), ImVec2(box.x + pad, box.y + pad),
                   inner_w, p.text_muted);
        dl->AddRectFilled(ImVec2(box.x + pad, box.y + pad),
                          ImVec2(box.x + pad + ui.px(3), box.y + pad + line_h), color(p.primary));
        return;
    }
    auto measure = [f](std::string_view s) {
        return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0.0f, s.data(), s.data() + s.size()).x;
    };
    const auto lines = wrap_text(text, inner_w - ui.px(8), measure);
    // Keep the end (where typing happens) in view: show the last lines that fit.
    const int fit = std::max(1, static_cast<int>((box.h - 2 * pad) / line_h));
    const size_t first = lines.size() > static_cast<size_t>(fit) ? lines.size() - fit : 0;
    dl->PushClipRect(ImVec2(box.x, box.y), ImVec2(box.right(), box.bottom()), true);
    float y = box.y + pad;
    for (size_t i = first; i < lines.size(); ++i, y += line_h)
        dl->AddText(f, f->FontSize, ImVec2(box.x + pad, y + f->FontSize * 0.1f), color(p.text),
                    lines[i].data(), lines[i].data() + lines[i].size());
    // A steady caret after the last character: no blinking, so an idle screen needs no redraws.
    const float cx = box.x + pad + measure(lines.back()) + ui.px(2);
    const float cy = y - line_h;
    dl->AddRectFilled(ImVec2(cx, cy), ImVec2(cx + ui.px(3), cy + line_h), color(p.primary));
    dl->PopClipRect();
}

void draw_description(Ui& ui) {
    top_bar(ui, 2, 3);
    take_physical_keys(ui);
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    float y = heading(ui, r, ui.tr("description.title"), ui.tr("description.prompt"));
    const float kb_h = keyboard_height(ui);
    // Portrait: the keyboard spans the whole width (every key needs its 88 px).
    const float kb_w = landscape(ui) ? std::min(r.w, ui.px(1500)) : ui.display.x - 2 * ui.px(8);
    const Rect kb{(ui.display.x - kb_w) * 0.5f, r.bottom() - kb_h, kb_w, kb_h};
    const float counter_h = ui.fonts.small->FontSize * 1.4f;
    const Rect box{r.x, y, r.w,
                   std::max(ui.px(120), kb.y - y - counter_h - ui.px(ui.theme.metrics.gap) * 2)};
    draw_text_box(ui, box);

    const core::Session& s = ui.session;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const size_t n = s.text_length();
    const std::string counter = ui.trf(
        "description.counter", {std::to_string(n), std::to_string(s.config().text_max_chars)});
    const float cy = box.bottom() + ui.px(8);
    ImFont* sf = ui.fonts.small;
    const float cw = sf->CalcTextSizeA(sf->FontSize, FLT_MAX, 0, counter.c_str()).x;
    dl->AddText(sf, sf->FontSize, ImVec2(box.right() - cw, cy), color(p.text_muted),
                counter.c_str());
    std::string note;
    Rgb note_colour = p.text_muted;
    if (n >= static_cast<size_t>(s.config().text_max_chars) || s.state().text_truncated) {
        note = ui.tr("description.limit");
        note_colour = p.warning;
    } else if (const auto rude = s.obscene_words(); !rude.empty()) {
        // A warning, not a block: the citizen may keep the words.
        note = ui.trf("description.obscene", {rude.front()});
        note_colour = p.warning;
        ui.widgets.add(WidgetInfo{"note/obscene", ImVec2(box.x, cy),
                                  ImVec2(box.right() - cw, cy + sf->FontSize), true, note});
    } else if (n < static_cast<size_t>(s.config().text_min_chars)) {
        note = ui.trf("description.too_short", {std::to_string(s.config().text_min_chars - n)});
    }
    if (!note.empty())
        dl->AddText(sf, sf->FontSize, ImVec2(box.x, cy), color(note_colour), note.c_str());

    draw_keyboard(ui, kb);
    const std::string& next = ui.tr("common.next");
    bottom_bar(ui, "nav/next", &next, s.can_apply(IntentKind::kNext), IntentKind::kNext);
}

//-----------------------------------------------------------------------------
// [SECTION] Review
//-----------------------------------------------------------------------------

void draw_review(Ui& ui) {
    top_bar(ui, 3, 3);
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float y = heading(ui, r, ui.tr("review.title"));
    const core::SessionState& st = ui.session.state();
    const float pad = ui.px(24);
    const float edit_w = ui.px(240), edit_h = ui.px(ui.theme.metrics.touch_min);

    // Topic card.
    const core::Category* cat = ui.session.catalog().find(st.category_id);
    std::string cat_name = cat ? cat->name(ui.lang()) : st.category_id;
    if (const core::CategoryLeaf* leaf = ui.session.catalog().find_leaf(st.leaf_id))
        cat_name += " · " + leaf->name(ui.lang());
    const float text_w = r.w - 3 * pad - edit_w;
    const float topic_h =
        std::max(edit_h, ui.fonts.small->FontSize * 1.3f +
                             text_block_height(ui.fonts.button, cat_name, text_w)) +
        2 * pad;
    card(ui, ImVec2(r.x, y), ImVec2(r.right(), y + topic_h));
    dl->AddText(ui.fonts.small, ui.fonts.small->FontSize, ImVec2(r.x + pad, y + pad),
                color(p.text_muted), ui.tr("review.category").c_str());
    text_block(dl, ui.fonts.button, cat_name,
               ImVec2(r.x + pad, y + pad + ui.fonts.small->FontSize * 1.3f), text_w, p.text);
    if (touch_button(ui, "review/edit_category", ui.tr("review.edit"),
                     ImVec2(r.right() - pad - edit_w, y + (topic_h - edit_h) * 0.5f),
                     ImVec2(edit_w, edit_h), ButtonKind::kSecondary, true, ui.fonts.body))
        ui.post({IntentKind::kEditCategory});
    y += topic_h + ui.px(ui.theme.metrics.gap);

    // Notes under the text card: what kind of submission this is, and any save problem.
    std::string problem;
    if (st.submit_problem == core::SubmitProblem::kStoreFull) problem = ui.tr("review.store_full");
    if (st.submit_problem == core::SubmitProblem::kStorageFailed)
        problem = ui.tr("review.storage_failed");
    const float kind_h = text_block_height(ui.fonts.small, ui.tr("review.kind"), r.w);
    const float problem_h =
        problem.empty() ? 0 : text_block_height(ui.fonts.body, problem, r.w) + ui.px(12);
    const float notes_h = kind_h + problem_h + ui.px(ui.theme.metrics.gap);

    // Text card: as tall as the text or the room left; a long text shows its beginning and fades.
    const float room = r.bottom() - y - notes_h;
    const float body_h = text_block_height(ui.fonts.body, st.text, text_w);
    const float label_h = ui.fonts.small->FontSize * 1.3f;
    const float text_card_h = std::min(room, std::max(edit_h, label_h + body_h) + 2 * pad);
    card(ui, ImVec2(r.x, y), ImVec2(r.right(), y + text_card_h));
    dl->AddText(ui.fonts.small, ui.fonts.small->FontSize, ImVec2(r.x + pad, y + pad),
                color(p.text_muted), ui.tr("review.text").c_str());
    dl->PushClipRect(ImVec2(r.x, y), ImVec2(r.right(), y + text_card_h - pad * 0.5f), true);
    text_block(dl, ui.fonts.body, st.text, ImVec2(r.x + pad, y + pad + label_h), text_w, p.text);
    dl->PopClipRect();
    if (touch_button(ui, "review/edit_text", ui.tr("review.edit"),
                     ImVec2(r.right() - pad - edit_w, y + pad), ImVec2(edit_w, edit_h),
                     ButtonKind::kSecondary, true, ui.fonts.body))
        ui.post({IntentKind::kEditText});
    y += text_card_h + ui.px(ui.theme.metrics.gap);
    y += text_block(dl, ui.fonts.small, ui.tr("review.kind"), ImVec2(r.x, y), r.w, p.text_muted);
    if (!problem.empty())
        text_block(dl, ui.fonts.body, problem, ImVec2(r.x, y + ui.px(12)), r.w, p.warning);

    const std::string& submit = ui.tr("review.submit");
    bottom_bar(ui, "review/submit", &submit, ui.session.can_apply(IntentKind::kSubmit),
               IntentKind::kSubmit);
}

//-----------------------------------------------------------------------------
// [SECTION] Submitting, Receipt
//-----------------------------------------------------------------------------

void draw_submitting(Ui& ui) {
    top_bar(ui, 0, 0);
    const Rect r = content_rect(ui, false);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float h = text_block_height(ui.fonts.title, ui.tr("submitting.title"), r.w);
    text_block(dl, ui.fonts.title, ui.tr("submitting.title"), ImVec2(r.x, r.y + (r.h - h) * 0.5f),
               r.w, ui.theme.palette.text, true);
}

void draw_qr(Ui& ui, const std::string& payload, ImVec2 pos, float side) {
    // Encoded once per receipt, not per frame.
    static std::string cached_payload;
    static image::QrCode cached;
    if (payload != cached_payload) {
        auto qr = image::encode_qr(payload);
        cached = qr ? std::move(qr).value() : image::QrCode{};
        cached_payload = payload;
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, ImVec2(pos.x + side, pos.y + side), IM_COL32_WHITE);
    if (cached.size == 0) return;
    const int quiet = 4;
    const float module = std::floor(side / (cached.size + 2 * quiet));
    const float offset = (side - module * cached.size) * 0.5f;
    for (int y = 0; y < cached.size; ++y)
        for (int x = 0; x < cached.size; ++x)
            if (cached.dark(x, y)) {
                const ImVec2 a(pos.x + offset + x * module, pos.y + offset + y * module);
                dl->AddRectFilled(a, ImVec2(a.x + module, a.y + module), IM_COL32_BLACK);
            }
    ui.widgets.add(
        WidgetInfo{"receipt/qr", pos, ImVec2(pos.x + side, pos.y + side), true, payload});
}

void draw_receipt(Ui& ui) {
    top_bar(ui, 0, 0);
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const core::Receipt& rc = *ui.session.state().receipt;
    const bool wide = landscape(ui);
    float y = r.y;
    y += text_block(dl, ui.fonts.title, "✓ " + ui.tr("receipt.title"), ImVec2(r.x, y), r.w,
                    p.success, true);
    y += ui.px(wide ? 24 : 48);
    const float qr_side = std::min(ui.px(wide ? 440 : 520), r.w * 0.6f);
    // Portrait: number, QR, notes in one column. Landscape: number and notes left, QR right.
    const float col_w = wide ? r.w - qr_side - ui.px(64) : r.w;
    float ty = y;
    ty += text_block(dl, ui.fonts.body, ui.tr("receipt.number"), ImVec2(r.x, ty), col_w,
                     p.text_muted, !wide);
    ty += text_block(dl, ui.fonts.huge, rc.receipt_number, ImVec2(r.x, ty), col_w, p.text, !wide);
    ui.widgets.add(WidgetInfo{"receipt/number", ImVec2(r.x, y), ImVec2(r.x + col_w, ty), true,
                              rc.receipt_number});
    ty += ui.px(32);
    ImVec2 qr_pos =
        wide ? ImVec2(r.right() - qr_side, y) : ImVec2(r.x + (r.w - qr_side) * 0.5f, ty);
    draw_qr(ui, rc.tracking_url, qr_pos, qr_side);
    if (!wide) ty += qr_side + ui.px(16);
    const float hint_x = wide ? qr_pos.x : r.x, hint_w = wide ? qr_side : r.w;
    const float hint_y = wide ? qr_pos.y + qr_side + ui.px(12) : ty;
    const float hint_h = text_block(dl, ui.fonts.small, ui.tr("receipt.qr_hint"),
                                    ImVec2(hint_x, hint_y), hint_w, p.text_muted, true);
    if (!wide) ty += hint_h + ui.px(32);
    ty += text_block(dl, ui.fonts.body, ui.tr("receipt.delivery"), ImVec2(r.x, ty), col_w, p.text,
                     !wide);
    if (!rc.answer_by.empty()) {
        const std::string due =
            ui.trf(rc.answer_by_estimated ? "receipt.answer_by_estimated" : "receipt.answer_by",
                   {rc.answer_by});
        const float top = ty;
        ty += text_block(dl, ui.fonts.body, due, ImVec2(r.x, ty), col_w, p.text, !wide);
        ui.widgets.add(
            WidgetInfo{"receipt/answer_by", ImVec2(r.x, top), ImVec2(r.x + col_w, ty), true, due});
    }
    if (auto left = ui.session.receipt_seconds_left()) {
        ty += ui.px(24);
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
// [SECTION] Idle countdown overlay
//-----------------------------------------------------------------------------

void draw_idle_overlay(Ui& ui, int seconds_left) {
    const Palette& p = ui.theme.palette;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ui.display);
    ImGui::SetNextWindowFocus();  // on top of the screen, and the only thing that takes touches
    ImGui::Begin("##idle", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(0, 0), ui.display, IM_COL32(10, 20, 40, 170));
    const float w = std::min(ui.display.x - 2 * ui.px(48), ui.px(860));
    const float pad = ui.px(40);
    const std::string body = ui.trf("idle.body", {std::to_string(seconds_left)});
    const float h = pad * 3 + text_block_height(ui.fonts.title, ui.tr("idle.title"), w - 2 * pad) +
                    text_block_height(ui.fonts.body, body, w - 2 * pad) + ui.px(150);
    const ImVec2 min((ui.display.x - w) * 0.5f, (ui.display.y - h) * 0.5f);
    card(ui, min, ImVec2(min.x + w, min.y + h));
    float y = min.y + pad;
    y += text_block(dl, ui.fonts.title, ui.tr("idle.title"), ImVec2(min.x + pad, y), w - 2 * pad,
                    p.text, true);
    y += ui.px(16);
    y += text_block(dl, ui.fonts.body, body, ImVec2(min.x + pad, y), w - 2 * pad, p.text, true);
    y += pad;
    if (touch_button(ui, "idle/continue", ui.tr("idle.continue"), ImVec2(min.x + pad, y),
                     ImVec2(w - 2 * pad, ui.px(130)), ButtonKind::kPrimary))
        ui.post({IntentKind::kStillHere});
    ImGui::End();
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
    ImGui::Begin("##screen", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                     ImGuiWindowFlags_NoScrollWithMouse);
    const auto countdown = ui.session.idle_countdown_left();
    if (countdown) ImGui::BeginDisabled();  // the overlay takes every touch
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
        case Screen::kReview:
            draw_review(ui);
            break;
        case Screen::kSubmitting:
            draw_submitting(ui);
            break;
        case Screen::kReceipt:
            draw_receipt(ui);
            break;
    }
    if (countdown) ImGui::EndDisabled();
    ImGui::End();
    ImGui::PopStyleVar(2);
    if (countdown) draw_idle_overlay(ui, *countdown);
}

}  // namespace vmeste::ui
