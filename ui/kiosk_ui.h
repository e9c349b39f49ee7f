// KioskUi: the ImGui side of the kiosk, independent of any window. It owns the ImGui context, the
// theme, fonts and keyboard state, builds one frame from the Kiosk's session, and dispatches the
// intents that frame produced. The SDL host (sdl_host.h) feeds it input and renders
// its draw data; the UI test driver feeds it synthetic touches and renders nothing.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "drivers/speech/speech.h"
#include "kiosk/core/kiosk.h"
#include "ui/fonts.h"
#include "ui/keyboard.h"
#include "ui/screens_maintenance.h"
#include "ui/string_catalog.h"
#include "ui/theme.h"
#include "ui/widgets.h"

struct ImGuiContext;
struct ImDrawData;

namespace vmeste::ui {

class KioskUi {
  public:
    explicit KioskUi(core::Kiosk& kiosk, const StringCatalog& strings = StringCatalog::bundled());
    ~KioskUi();
    KioskUi(const KioskUi&) = delete;
    KioskUi& operator=(const KioskUi&) = delete;

    // Creates the ImGui context, style and fonts for a display of this size.
    Result<void> init(float display_w, float display_h);

    // Re-sizes the fonts for the real display once the window is open (a fullscreen window's size
    // is known only then). Call before the first frame: the GL backend uploads the atlas lazily.
    Result<void> fit_to_display(float display_w, float display_h);

    // One frame: NewFrame, draw the session, Render, then dispatch the intents it produced.
    // The caller has set io.DisplaySize, DeltaTime and input. Returns the number of intents.
    int frame();
    // Makes this UI's ImGui context the current one: a host's begin_frame works on the current
    // context (two UIs, each with its own host, can draw the same kiosk side by side).
    void make_current();

    ImDrawData* draw_data() const;
    const WidgetRegistry& widgets() const { return widgets_; }
    // The theme the last frame used (high contrast when the citizen chose it).
    const Theme& theme() const { return frame_theme_; }
    const StringCatalog& strings() const { return strings_; }
    core::Kiosk& kiosk() { return kiosk_; }
    const KeyboardState& keyboard() const { return keyboard_; }
    // Where the photos, camera and map tiles come from (the GL host's textures); none: headless.
    void set_images(ImageSource* images) { images_ = images; }
    // Voice prompts: each step's title and help are spoken when the citizen turned them on.
    void set_speaker(drivers::Speaker* speaker) { speaker_ = speaker; }
    // The text spoken for the current step (for tests and for the speaker).
    std::string prompt_text() const;
    // The receipt as printer bytes, in the citizen's language.
    std::string receipt_bytes() const;
    // True while the screen moves by itself (the live camera, the saving spinner): the loop
    // then draws at the camera's pace instead of waiting for an event.
    bool animating() const;
    // True when the last frame lacks something that has come since: map tiles loaded after it
    // was drawn (their loader wakes the loop, and nothing else would redraw it).
    bool stale() const;
    // The map's tiles in the last frame: {covered, drawn}.
    std::pair<int, int> map_tiles_drawn() const {
        return {scratch_.tiles_needed, scratch_.tiles_drawn};
    }
    // The offset of the UI on screen in the "lower screen" mode (0 otherwise).
    float offset_y() const { return offset_y_; }

  private:
    int maintenance_frame();
    core::Kiosk& kiosk_;
    const StringCatalog& strings_;
    void speak();
    Theme theme_;
    Theme frame_theme_;
    FontSets fonts_;
    KeyboardState keyboard_;
    WidgetRegistry widgets_;
    UiScratch scratch_;
    uint64_t tiles_seen_ = 0;  // the tile cache's generation when the last frame was drawn
    // The text size and lowered screen the accessibility dialog was opened with (it does not
    // move while open); empty while it is closed.
    std::optional<core::Accessibility> layout_a11y_;
    ImageSource* images_ = nullptr;
    drivers::Speaker* speaker_ = nullptr;
    bool speak_pending_ = false;
    ImGuiContext* context_ = nullptr;
    core::Screen last_screen_ = core::Screen::kAttract;
    uint64_t last_visit_ = 0;
    core::Field last_focus_ = core::Field::kText;
    float offset_y_ = 0;
    HiddenGesture gesture_;
};

}  // namespace vmeste::ui
