// UiDriver: drives the kiosk's screens with no window, as a finger would. It runs KioskUi frames
// with ImGui's input set by hand (no renderer), finds widgets by their stable ids in the frame's
// WidgetRegistry, and presses them: pointer over, down, up, then a frame to show the result.
// Every screen test and the e2e test use it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kiosk/core/kiosk.h"
#include "tests/support/temp_dir.h"
#include "ui/kiosk_ui.h"

namespace vmeste::test {

class UiDriver {
  public:
    struct Options {
        core::Config config{};  // data_dir is replaced by a temp dir when empty
        bool uploader = false;  // start the real outbox worker
        float width = 1080, height = 1920;
        const Clock* clock = nullptr;
    };

    explicit UiDriver(Options options);
    ~UiDriver();

    void frame();                   // one frame (1/60 s), then take in finished saves
    bool tap(std::string_view id);  // false (and a test failure) if absent or disabled
    bool has(std::string_view id) const;
    bool enabled(std::string_view id) const;
    std::string label(std::string_view id) const;
    // Types UTF-8 text on the on-screen keyboard, switching layout, page and shift as needed.
    void type(std::string_view text);
    // Runs frames until pred() holds or the timeout passes.
    bool wait_for(const std::function<bool()>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5));

    core::Kiosk& kiosk() { return *kiosk_; }
    const core::SessionState& state() const { return kiosk_->session().state(); }
    ui::KioskUi& ui() { return *ui_; }
    const std::string& data_dir() const { return data_dir_; }

  private:
    std::unique_ptr<TempDir> temp_;
    std::string data_dir_;
    std::unique_ptr<core::Kiosk> kiosk_;
    std::unique_ptr<ui::KioskUi> ui_;
};

}  // namespace vmeste::test
