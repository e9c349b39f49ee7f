#include "ui/kiosk_ui.h"

#include <imgui.h>

#include "ui/screens.h"

namespace vmeste::ui {

KioskUi::KioskUi(core::Kiosk& kiosk, const StringCatalog& strings)
    : kiosk_(kiosk), strings_(strings) {}

KioskUi::~KioskUi() {
    if (context_) ImGui::DestroyContext(context_);
}

Result<void> KioskUi::init(float w, float h) {
    IMGUI_CHECKVERSION();
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // an appliance keeps no window layout between runs
    io.LogFilename = nullptr;
    io.DisplaySize = ImVec2(w, h);
    theme_.scale = scale_for_display(w, h);
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 0;
    style.WindowBorderSize = 0;
    style.DisabledAlpha = 1.0f;  // our widgets draw their own disabled look
    const Rgb bg = theme_.palette.background;
    style.Colors[ImGuiCol_WindowBg] = ImVec4(bg.r / 255.f, bg.g / 255.f, bg.b / 255.f, 1.0f);
    auto fonts = load_fonts(theme_);
    if (!fonts) return fonts.error();
    fonts_ = *fonts;
    return {};
}

Result<void> KioskUi::fit_to_display(float w, float h) {
    ImGui::SetCurrentContext(context_);
    const float scale = scale_for_display(w, h);
    if (scale == theme_.scale) return {};
    theme_.scale = scale;
    auto fonts = load_fonts(theme_);
    if (!fonts) return fonts.error();
    fonts_ = *fonts;
    return {};
}

int KioskUi::frame() {
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    // The keyboard's shift/page belong to one visit: a new visit starts on the letters page.
    const core::Screen screen = kiosk_.session().state().screen;
    if (screen == core::Screen::kAttract && last_screen_ != core::Screen::kAttract)
        keyboard_ = KeyboardState{};
    if (screen == core::Screen::kDescription && last_screen_ != core::Screen::kDescription) {
        keyboard_.page = KeyboardPage::kLetters;
        keyboard_.layout = kiosk_.session().state().language == core::Language::kRu
                               ? KeyboardLayout::kCyrillic
                               : KeyboardLayout::kLatin;
    }
    last_screen_ = screen;

    std::vector<core::Intent> intents;
    widgets_.begin_frame();
    ImGui::NewFrame();
    Ui ui{kiosk_.session(), strings_, theme_, fonts_, widgets_, keyboard_, intents, io.DisplaySize};
    draw_screen(ui);
    ImGui::Render();
    for (const auto& i : intents) kiosk_.dispatch(i);
    return static_cast<int>(intents.size());
}

ImDrawData* KioskUi::draw_data() const {
    return ImGui::GetDrawData();
}

}  // namespace vmeste::ui
