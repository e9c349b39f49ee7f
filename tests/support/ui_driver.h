// UiDriver: drives the kiosk's screens with no window, as a finger would. It runs KioskUi frames
// with ImGui's input set by hand (no renderer), finds widgets by their stable ids in the frame's
// WidgetRegistry, and presses them: pointer over, down, up, then a frame to show the result.
// Every screen test and the e2e test use it.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "kiosk/core/kiosk.h"
#include "tests/support/temp_dir.h"
#include "ui/kiosk_ui.h"

namespace vmeste::test {

// An ImageSource without a GPU: it keeps what the screens asked for the way TextureImages keeps
// textures (and lets them go the same way), so tests can see which photos are still held.
class RecordingImages final : public ui::ImageSource {
  public:
    ImTextureID photo(uint64_t id, const std::string& jpeg, ImVec2* size) override;
    ImTextureID camera(ImVec2* size) override;
    ImTextureID tile(const std::string& key, const image::Raster& pixels) override;
    void end_frame() override;
    size_t photo_textures() const override { return photos_.size(); }
    size_t tiles() const { return tiles_.size(); }
    bool has_photo(uint64_t id) const { return photos_.count(id) > 0; }
    size_t camera_frames = 0;

  private:
    std::map<uint64_t, bool> photos_;  // id → used this frame
    std::map<std::string, bool> tiles_;
};

class UiDriver {
  public:
    struct Options {
        core::Config config{};  // data_dir is replaced by a temp dir when empty
        bool uploader = false;  // start the real outbox worker
        float width = 1080, height = 1920;
        const Clock* clock = nullptr;
        // A synthetic camera (system clock, 1280×960 stills) unless the test brings its own;
        // a fake printer that keeps what it was sent.
        std::shared_ptr<drivers::Camera> camera;
        bool no_camera = false;
        bool quick_photos = true;  // no 3-second countdown before a shot (its own test has one)
        // The fake printer answers at once: short bounds keep a failing print's test short.
        drivers::PrintTimeouts print_timeouts{std::chrono::milliseconds(200),
                                              std::chrono::milliseconds(500),
                                              std::chrono::milliseconds(2000)};
        std::chrono::milliseconds printer_check_every{60'000};
        // PINs hashed at libsodium's minimum: a sign-in costs microseconds, not a second (the
        // production cost has its own tests in core and vmestectl).
        core::PinHashCost pin_cost = core::PinHashCost::kTestsOnly;
        std::string credentials_dir;  // what systemd would hand the service (the device key)
        std::shared_ptr<drivers::UsbGate> usb_gate;  // usbguard's part (drivers/usb/usb_gate.h)
        core::RegionDownload::Options region_download{};  // chunk sizes, the disk's room
    };

    explicit UiDriver(Options options);
    ~UiDriver();

    void frame();                   // one frame (1/60 s), then take in finished saves
    bool tap(std::string_view id);  // false (and a test failure) if absent or disabled
    // A touch at a point of the widget, given as fractions of its width and height.
    bool tap_at(std::string_view id, float fx, float fy);
    // A finger pressed at one point of the widget, moved, and lifted at another.
    bool drag(std::string_view id, float fx0, float fy0, float fx1, float fy1);
    // A finger down at a point of the display (held until release()), and up again.
    void press(float x, float y);
    void release();
    // From the attract screen: "report a problem", the leaf's category and the leaf. Ends on
    // the place step (issue #21, point 8: where before what).
    void choose(const std::string& leaf);
    // choose(), then the address typed on the place step (no coordinates: no similar appeals
    // are looked for) and "next". Ends on the description, nothing typed.
    void to_description(const std::string& leaf);
    // to_description(), then the text typed on the on-screen keyboard.
    void describe(const std::string& leaf, const std::string& text);
    // "Next" on the place step, and the wait while similar appeals are looked for: on the
    // description when none were found, on the list when some were.
    void leave_place();
    // From the photo step to review the plainest way: skip photos (one taken when the topic
    // needs it), give a name and phone, agree to the consent.
    void complete_steps(const std::string& name = "Анна Иванова",
                        const std::string& phone = "9161234567");
    bool has(std::string_view id) const;
    bool enabled(std::string_view id) const;
    std::string label(std::string_view id) const;
    // Types UTF-8 text on the on-screen keyboard, switching layout, page and shift as needed.
    void type(std::string_view text);
    // Runs frames until pred() holds or the timeout passes.
    bool wait_for(const std::function<bool()>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5));

    core::Kiosk& kiosk() { return *kiosk_; }
    drivers::FakePrinter& printer() { return *printer_; }
    drivers::SilentSpeaker& speaker() { return *speaker_; }
    RecordingImages& images() { return images_; }
    const core::SessionState& state() const { return kiosk_->session().state(); }
    ui::KioskUi& ui() { return *ui_; }
    const std::string& data_dir() const { return data_dir_; }

  private:
    std::unique_ptr<TempDir> temp_;
    std::string data_dir_;
    std::shared_ptr<drivers::FakePrinter> printer_;
    std::shared_ptr<drivers::SilentSpeaker> speaker_;
    RecordingImages images_;
    std::unique_ptr<core::Kiosk> kiosk_;
    std::unique_ptr<ui::KioskUi> ui_;
};

}  // namespace vmeste::test
