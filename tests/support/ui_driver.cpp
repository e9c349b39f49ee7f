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
    if (o.quick_photos) o.config.photo_countdown_s = 0;
    core::Kiosk::Options ko;
    ko.config = o.config;
    ko.clock = o.clock;
    ko.start_uploader = o.uploader;
    ko.pin_cost = o.pin_cost;
    ko.credentials_dir = o.credentials_dir;
    ko.usb_gate = o.usb_gate;
    ko.region_download = o.region_download;
    ko.transport.connect_timeout = std::chrono::milliseconds(1000);
    static SystemClock camera_clock;
    if (o.camera)
        ko.camera = o.camera;
    else if (!o.no_camera)
        ko.camera = drivers::make_synthetic_camera(camera_clock, 1280, 960, 15);
    printer_ = std::make_shared<drivers::FakePrinter>();
    ko.printer = printer_;
    ko.print_timeouts = o.print_timeouts;
    ko.printer_check_every = o.printer_check_every;
    speaker_ = std::make_shared<drivers::SilentSpeaker>();
    ko.speaker = speaker_;
    auto k = core::Kiosk::start(std::move(ko));
    if (!k) throw std::runtime_error("Kiosk::start: " + k.error().message);
    kiosk_ = std::move(k).value();
    ui_ = std::make_unique<ui::KioskUi>(*kiosk_);
    ui_->set_images(&images_);
    if (auto r = ui_->init(o.width, o.height); !r)
        throw std::runtime_error("KioskUi::init: " + r.error().message);
    frame();
}

ImTextureID RecordingImages::photo(uint64_t id, const std::string& jpeg, ImVec2* size) {
    if (jpeg.empty()) return nullptr;
    photos_[id] = true;
    if (size) *size = ImVec2(4, 3);
    return reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(id + 1));
}

ImTextureID RecordingImages::camera(ImVec2* size) {
    ++camera_frames;
    if (size) *size = ImVec2(4, 3);
    return reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(1));
}

ImTextureID RecordingImages::tile(const std::string& key, const image::Raster&) {
    tiles_[key] = true;
    return reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(2));
}

namespace {

template <typename Map>
void keep_used(Map& m) {
    for (auto it = m.begin(); it != m.end();) {
        if (!it->second) {
            it = m.erase(it);
        } else {
            it->second = false;
            ++it;
        }
    }
}

}  // namespace

void RecordingImages::end_frame() {
    keep_used(photos_);
    keep_used(tiles_);
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

bool UiDriver::tap_at(std::string_view id, float fx, float fy) {
    return drag(id, fx, fy, fx, fy);
}

void UiDriver::press(float x, float y) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    io.MouseDown[0] = false;
    frame();
    io.MouseDown[0] = true;
    frame();
}

void UiDriver::release() {
    ImGuiIO& io = ImGui::GetIO();
    io.MouseDown[0] = false;
    frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    frame();
}

bool UiDriver::drag(std::string_view id, float fx0, float fy0, float fx1, float fy1) {
    const ui::WidgetInfo* w = ui_->widgets().find(id);
    if (!w || !w->enabled) {
        ADD_FAILURE() << "no enabled widget '" << id << "' on screen "
                      << core::screen_name(state().screen);
        return false;
    }
    const ImVec2 min = w->min, max = w->max;
    auto at = [&](float fx, float fy) {
        return ImVec2(min.x + (max.x - min.x) * fx, min.y + (max.y - min.y) * fy);
    };
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = at(fx0, fy0);
    io.MouseDown[0] = false;
    frame();
    io.MouseDown[0] = true;
    frame();
    for (int i = 1; i <= 4; ++i) {  // the finger moves over a few frames
        const float t = i / 4.0f;
        io.MousePos = at(fx0 + (fx1 - fx0) * t, fy0 + (fy1 - fy0) * t);
        frame();
    }
    io.MouseDown[0] = false;
    frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    frame();
    return true;
}

void UiDriver::choose(const std::string& leaf) {
    tap("attract/report");
    tap("category/" + leaf.substr(0, leaf.find('.')));
    tap("leaf/" + leaf);
    EXPECT_EQ(state().screen, core::Screen::kPlace);
}

void UiDriver::to_description(const std::string& leaf) {
    choose(leaf);
    tap("place/address");
    type("ул. Ленина, 5");
    tap("nav/next");
    EXPECT_EQ(state().screen, core::Screen::kDescription);
}

void UiDriver::describe(const std::string& leaf, const std::string& text) {
    to_description(leaf);
    type(text);
    EXPECT_EQ(state().screen, core::Screen::kDescription);
}

void UiDriver::leave_place() {
    EXPECT_EQ(state().screen, core::Screen::kPlace);
    tap("nav/next");
    EXPECT_TRUE(wait_for([&] {
        return state().screen == core::Screen::kDescription ||
               (state().screen == core::Screen::kSimilar && !state().similar.searching);
    }));
}

void UiDriver::complete_steps(const std::string& name, const std::string& phone) {
    EXPECT_EQ(state().screen, core::Screen::kPhotos);
    if (kiosk_->session().photo_required()) {
        // A still is taken, scaled and encoded on the media thread of a Debug build: under a
        // CI run's full load (llvmpipe in the next test takes both cores) that took over 5 s
        // once. These wait on the event; the bound only ends a test that would hang.
        wait_for([&] { return enabled("photo/take"); }, std::chrono::seconds(20));
        tap("photo/take");
        EXPECT_TRUE(
            wait_for([&] { return !state().photos.photos.empty(); }, std::chrono::seconds(20)));
    }
    tap("nav/next");  // skip the photos, or on with the one taken
    tap("who/contact");
    type(name);
    tap("field/phone");
    for (char c : phone) tap(std::string("kbd/") + c);
    tap("nav/next");
    tap("consent/agree");
    EXPECT_EQ(state().screen, core::Screen::kReview);
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
        // Shift cycles off → one letter → caps → off.
        for (int i = 0; i < 3 && ui_->keyboard().upper() != place->shift; ++i) tap("kbd/shift");
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
