// Touch widgets drawn with ImGui, and the registry that lets tests find them.
// Every interactive widget has a stable string id ("attract/report", "category/roads",
// "kbd/й"); each frame records where it was drawn, its label and whether it was enabled, so the
// UI test driver can press it by id like a finger would.
#pragma once

#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/session.h"
#include "ui/fonts.h"
#include "ui/keyboard.h"
#include "ui/string_catalog.h"
#include "ui/theme.h"

namespace vmeste::ui {

struct WidgetInfo {
    std::string id;
    ImVec2 min, max;
    bool enabled = true;
    std::string label;
};

class WidgetRegistry {
  public:
    void begin_frame() { widgets_.clear(); }
    void add(WidgetInfo w) { widgets_.push_back(std::move(w)); }
    const WidgetInfo* find(std::string_view id) const {
        for (const auto& w : widgets_)
            if (w.id == id) return &w;
        return nullptr;
    }
    const std::vector<WidgetInfo>& all() const { return widgets_; }

  private:
    std::vector<WidgetInfo> widgets_;
};

// What a frame draws with and where it puts the citizen's intents.
struct Ui {
    const core::Session& session;
    const StringCatalog& strings;
    const Theme& theme;
    const Fonts& fonts;
    WidgetRegistry& widgets;
    KeyboardState& keyboard;
    std::vector<core::Intent>& intents;
    ImVec2 display;

    core::Language lang() const { return session.state().language; }
    const std::string& tr(std::string_view key) const { return strings.get(lang(), key); }
    std::string trf(std::string_view key, const std::vector<std::string>& args) const {
        return strings.format(lang(), key, args);
    }
    float px(float v) const { return theme.px(v); }
    void post(core::Intent i) { intents.push_back(std::move(i)); }
};

enum class ButtonKind { kPrimary, kSecondary, kKey, kKeyActive };

ImU32 color(Rgb c, float alpha = 1.0f);

// A button at an absolute screen rect; the label wraps and is centred. Returns true when pressed
// (released over it). Disabled buttons draw muted and never return true. `inset` shrinks only the
// drawn shape: the keyboard's keys touch each other as targets (so each is ≥ 88 px even with 12
// in a 1080 px row) but are drawn apart.
bool touch_button(Ui& ui, std::string_view id, std::string_view label, ImVec2 pos, ImVec2 size,
                  ButtonKind kind, bool enabled = true, ImFont* font = nullptr, float inset = 0.0f);

// Wrapped text in a box of `width`, top-left at pos. Returns the height used.
float text_block(ImDrawList* dl, ImFont* font, std::string_view text, ImVec2 pos, float width,
                 Rgb colour, bool centred = false);

// Height text_block() would use.
float text_block_height(ImFont* font, std::string_view text, float width);

}  // namespace vmeste::ui
