// Touch widgets drawn with ImGui, and the registry that lets tests find them.
// Every interactive widget has a stable string id ("attract/report", "category/roads",
// "kbd/й"); each frame records where it was drawn, its label and whether it was enabled, so the
// UI test driver can press it by id like a finger would.
#pragma once

#include <imgui.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/map_tiles.h"
#include "kiosk/core/session.h"
#include "ui/fonts.h"
#include "ui/images.h"
#include "ui/keyboard.h"
#include "ui/layer.h"
#include "ui/string_catalog.h"
#include "ui/theme.h"

namespace vmeste::ui {

struct WidgetInfo {
    std::string id;
    ImVec2 min, max;
    bool enabled = true;
    std::string label{};
    float text_size = 0;               // the size its label was drawn at (touch buttons, notes)
    std::vector<std::string> lines{};  // the label's lines as drawn (touch buttons)
    bool target = true;                // false: read-only, registered for tests to read
};

class WidgetRegistry {
  public:
    // `offset_y`: where the layout's y = 0 is on the screen (the "lower screen" mode draws the
    // whole UI lower down); the registry keeps screen coordinates, as a finger sees them.
    void begin_frame(float offset_y = 0) {
        widgets_.clear();
        offset_y_ = offset_y;
        top_layer_ = nullptr;
        covered_ = 0;
    }
    // An overlay (a card over the dimmed screen) takes every touch from here on: what was
    // registered before it is covered, no longer a target. `layer` is the overlay's draw list,
    // the only text a person reads while it is open.
    void cover(const void* layer) {
        for (auto& w : widgets_) w.target = false;
        top_layer_ = layer;
        covered_ = widgets_.size();
    }
    const void* top_layer() const { return top_layer_; }
    // How many of all() (the first ones) lie under an overlay.
    size_t covered() const { return covered_; }
    // Something shown, not touched (a note, a QR code, a summary card): in the registry for
    // tests to read, not a touch target.
    void add_readout(WidgetInfo w) {
        w.target = false;
        add(std::move(w));
    }
    void add(WidgetInfo w) {
        w.min.y += offset_y_;
        w.max.y += offset_y_;
        widgets_.push_back(std::move(w));
    }
    const WidgetInfo* find(std::string_view id) const {
        for (const auto& w : widgets_)
            if (w.id == id) return &w;
        return nullptr;
    }
    const std::vector<WidgetInfo>& all() const { return widgets_; }

  private:
    std::vector<WidgetInfo> widgets_;
    float offset_y_ = 0;
    const void* top_layer_ = nullptr;
    size_t covered_ = 0;
};

// How far (unscaled px) a finger moves before a touch counts as a drag, not a tap.
constexpr float kDragSlop = 14.0f;

// What the UI remembers between frames that is not the citizen's data: scroll positions, the
// place a finger went down on the map. Reset with each visit.
struct UiScratch {
    float consent_scroll = 0;
    float answer_scroll = 0;  // the platform's answer on the status screen
    bool dragging = false;
    ImVec2 drag_from{0, 0};
    double drag_lat = 0, drag_lon = 0;
    float drag_scroll = 0;
    bool marking = false;  // a finger is drawing a region to hide on the photo
    ImVec2 mark_from{0, 0};
    int review_first = 0;      // the first part shown when review pages
    int categories_first = 0;  // the first topic shown when the grid pages
    std::string leaves_of;     // the category whose causes are listed
    int leaves_first = 0;      // the first cause shown when they page
    // The map's tiles in the last frame: how many it covers that the region's file has, how
    // many of those were drawn (the rest still loading).
    int tiles_needed = 0, tiles_drawn = 0;
    Layer map_layer;  // the dragged map's tiles, when the renderer keeps them (layer.h)
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
    ImageSource* images = nullptr;     // null: placeholders
    core::TileCache* tiles = nullptr;  // the region's map; null: none
    UiScratch* scratch = nullptr;
    bool printer = false;                        // a receipt printer is configured
    std::function<std::string()> receipt_bytes;  // the receipt as printer bytes
    // The normal-size set while large text is on (null otherwise): a label that must shrink to
    // fit never goes below its normal size (issue #21, point 4).
    const Fonts* normal_fonts = nullptr;

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

// A filled rectangle with rounded corners, as ImDrawList::AddRectFilled draws it, but as a cross
// of plain rectangles and four corner fans: ImGui fans the whole shape from one corner, long
// thin triangles that both rasterisers pay for over the whole card (the category grid's tap:
// 3.2 -> 1.2 ms of CPU with SDL's renderer, 5.7 -> 5.2 on llvmpipe). The straight edges are not
// antialiased (they are where the layout puts them, whole pixels at the usual scales); a
// translucent colour, which would show the seams, is drawn ImGui's way.
void fill_rounded(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 col, float rounding);

// A button at an absolute screen rect; the label wraps and is centred. Returns true when pressed
// (released over it). Disabled buttons draw muted and never return true. `inset` shrinks only the
// drawn shape: the keyboard's keys touch each other as targets (so each is ≥ 88 px even with 12
// in a 1080 px row) but are drawn apart.
// `lead`: room kept free on the left for a picture the caller draws (the label is centred in the
// rest).
// `max_text_size`: the label's size at most (a grid whose labels share one size); 0: the font's.
bool touch_button(Ui& ui, std::string_view id, std::string_view label, ImVec2 pos, ImVec2 size,
                  ButtonKind kind, bool enabled = true, ImFont* font = nullptr, float inset = 0.0f,
                  float lead = 0.0f, float max_text_size = 0.0f);

// True when every word of `text` at `size` of `font` is no wider than `width`.
bool words_fit(ImFont* font, float size, std::string_view text, float width);

// The size touch_button() would draw `label` at in a button of `size` (with `lead`).
float button_text_size(const Ui& ui, std::string_view label, ImVec2 size, ImFont* font,
                       float lead = 0.0f);

// The height of `label` as touch_button() draws it at `text_size` in a button of `size`.
float button_text_height(const Ui& ui, std::string_view label, ImVec2 size, ImFont* font,
                         float text_size, float lead = 0.0f);

// Wrapped text in a box of `width`, top-left at pos. Returns the height used.
float text_block(ImDrawList* dl, ImFont* font, std::string_view text, ImVec2 pos, float width,
                 Rgb colour, bool centred = false);

// Height text_block() would use.
float text_block_height(ImFont* font, std::string_view text, float width);

// The same at a size of the font other than its own (0: its own).
float text_block(ImDrawList* dl, ImFont* font, float size, std::string_view text, ImVec2 pos,
                 float width, Rgb colour, bool centred = false);
float text_block_height(ImFont* font, float size, std::string_view text, float width);

// The largest size of `font`, from its own down to `floor` in steps of a twentieth, at which
// `text` fits `width` × `height` with every word whole on its line; `floor` when none does.
// The weight stays: a bold label shrinks as bold (issue #21, points 4 and 6).
float fitting_size(ImFont* font, std::string_view text, float width, float height, float floor,
                   float from = 0.0f);

// The smallest size a label drawn with `font` may shrink to: in large text the same role's
// normal size (text never gets smaller than the citizen had before asking for larger), else
// the small size.
float shrink_floor(const Ui& ui, ImFont* font);

}  // namespace vmeste::ui
