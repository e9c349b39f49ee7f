#include "tests/support/ui_driver.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <thread>

#include "ui/keyboard.h"

namespace vmeste::test {

UiDriver::UiDriver(Options o) {
    if (o.config.data_dir.empty() || o.config.data_dir == core::Config{}.data_dir) {
        temp_ = std::make_unique<TempDir>();
        o.config.data_dir = temp_->path();
    }
    data_dir_ = o.config.data_dir;
    core::Kiosk::Options ko;
    ko.config = o.config;
    ko.clock = o.clock;
    ko.start_uploader = o.uploader;
    ko.transport.connect_timeout = std::chrono::milliseconds(1000);
    auto k = core::Kiosk::start(std::move(ko));
    if (!k) throw std::runtime_error("Kiosk::start: " + k.error().message);
    kiosk_ = std::move(k).value();
    ui_ = std::make_unique<ui::KioskUi>(*kiosk_);
    if (auto r = ui_->init(o.width, o.height); !r)
        throw std::runtime_error("KioskUi::init: " + r.error().message);
    frame();
}

UiDriver::~UiDriver() {
    ui_.reset();
    kiosk_.reset();
}

void UiDriver::frame() {
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = 1.0f / 60.0f;
    ui_->frame();
    kiosk_->pump();
    kiosk_->tick();
}

bool UiDriver::has(std::string_view id) const {
    return ui_->widgets().find(id) != nullptr;
}

bool UiDriver::enabled(std::string_view id) const {
    auto* w = ui_->widgets().find(id);
    return w && w->enabled;
}

std::string UiDriver::label(std::string_view id) const {
    auto* w = ui_->widgets().find(id);
    return w ? w->label : std::string();
}

bool UiDriver::tap(std::string_view id) {
    const ui::WidgetInfo* w = ui_->widgets().find(id);
    if (!w) {
        ADD_FAILURE() << "no widget '" << id << "' on screen " << core::screen_name(state().screen);
        return false;
    }
    if (!w->enabled) {
        ADD_FAILURE() << "widget '" << id << "' is disabled";
        return false;
    }
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2((w->min.x + w->max.x) * 0.5f, (w->min.y + w->max.y) * 0.5f);
    io.MouseDown[0] = false;
    frame();
    io.MouseDown[0] = true;
    frame();
    io.MouseDown[0] = false;
    frame();  // the release: the button reports the press and its intent is dispatched
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // a finger lifts: nothing stays hovered
    frame();  // the new state drawn, so the registry shows the next screen
    return true;
}

namespace {

struct KeyPlace {
    ui::KeyboardLayout layout;
    ui::KeyboardPage page;
    bool shift;
    std::string id;
};

// Where a character is on the keyboard: the first page that has it.
std::optional<KeyPlace> find_key(const std::string& ch, ui::KeyboardLayout preferred) {
    for (auto layout :
         {preferred, preferred == ui::KeyboardLayout::kCyrillic ? ui::KeyboardLayout::kLatin
                                                                : ui::KeyboardLayout::kCyrillic})
        for (auto page : {ui::KeyboardPage::kLetters, ui::KeyboardPage::kSymbols}) {
            ui::KeyboardState s{layout, page, false};
            for (const auto& row : ui::keyboard_rows(s))
                for (const auto& k : row) {
                    if (k.kind != ui::KeyKind::kChar) continue;
                    if (k.lower == ch) return KeyPlace{layout, page, false, k.id};
                    if (k.upper == ch) return KeyPlace{layout, page, true, k.id};
                }
        }
    return std::nullopt;
}

}  // namespace

void UiDriver::type(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        size_t n = 1;
        while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
        const std::string ch(text.substr(i, n));
        i += n;
        if (ch == " ") {
            tap("kbd/space");
            continue;
        }
        if (ch == "\n") {
            tap("kbd/enter");
            continue;
        }
        auto place = find_key(ch, ui_->keyboard().layout);
        if (!place) {
            ADD_FAILURE() << "character '" << ch << "' is not on the on-screen keyboard";
            continue;
        }
        // Layout first: switching it returns to the letters page.
        if (ui_->keyboard().layout != place->layout) tap("kbd/layout");
        if (ui_->keyboard().page != place->page) tap("kbd/page");
        if (ui_->keyboard().shift != place->shift) tap("kbd/shift");
        tap(place->id);
    }
}

bool UiDriver::wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        frame();
    }
    frame();  // draw the state pred() saw, so the widget registry matches it
    return true;
}

}  // namespace vmeste::test
