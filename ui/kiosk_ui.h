// KioskUi: the ImGui side of the kiosk, independent of any window. It owns the ImGui context, the
// theme, fonts and keyboard state, builds one frame from the Kiosk's session, and dispatches the
// intents that frame produced. The SDL + OpenGL host (sdl_gl_host.h) feeds it input and renders
// its draw data; the UI test driver feeds it synthetic touches and renders nothing.
#pragma once

#include <memory>
#include <vector>

#include "kiosk/core/kiosk.h"
#include "ui/fonts.h"
#include "ui/keyboard.h"
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

    ImDrawData* draw_data() const;
    const WidgetRegistry& widgets() const { return widgets_; }
    const Theme& theme() const { return theme_; }
    const StringCatalog& strings() const { return strings_; }
    core::Kiosk& kiosk() { return kiosk_; }
    const KeyboardState& keyboard() const { return keyboard_; }

  private:
    core::Kiosk& kiosk_;
    const StringCatalog& strings_;
    Theme theme_;
    Fonts fonts_;
    KeyboardState keyboard_;
    WidgetRegistry widgets_;
    ImGuiContext* context_ = nullptr;
    core::Screen last_screen_ = core::Screen::kAttract;
};

}  // namespace vmeste::ui
