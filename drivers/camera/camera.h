// Camera: one interface for the terminal's camera and its stand-ins. Every camera runs its own
// thread: the UI thread only ever takes the newest frame (latest(), never blocks) and uploads it
// as a texture; a still is captured off the UI thread. A camera that disappears (USB unplugged)
// goes to kDisconnected and is reopened by its thread once it is back.
//
// Implementations: V4L2 (v4l2_camera.cpp: mmap streaming, YUYV and MJPEG), synthetic (a moving
// test pattern on the injected clock, for demos and tests), folder (cycles the JPEGs of a
// directory).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "image/raster.h"
#include "kiosk/base/clock.h"
#include "kiosk/base/result.h"

namespace vmeste::drivers {

constexpr uint32_t fourcc(char a, char b, char c, char d) {
    return static_cast<uint32_t>(a) | static_cast<uint32_t>(b) << 8 |
           static_cast<uint32_t>(c) << 16 | static_cast<uint32_t>(d) << 24;
}
constexpr uint32_t kYuyv = fourcc('Y', 'U', 'Y', 'V');
constexpr uint32_t kMjpeg = fourcc('M', 'J', 'P', 'G');
constexpr uint32_t kRgb24 = fourcc('R', 'G', 'B', '3');

struct PixelFormat {
    uint32_t fourcc = 0;
    int width = 0, height = 0;
    bool operator==(const PixelFormat&) const = default;
};
std::string fourcc_name(uint32_t f);

struct Frame {
    image::Raster rgb;
    int64_t sequence = 0;     // 1, 2, 3… per camera
    int64_t captured_ms = 0;  // monotonic
};

enum class CameraState { kStopped, kStarting, kStreaming, kDisconnected, kFailed };
const char* camera_state_name(CameraState s);

class Camera {
  public:
    virtual ~Camera();
    virtual std::string name() const = 0;
    virtual Result<std::vector<PixelFormat>> formats() = 0;

    // Starts the camera's thread streaming preview frames of about this size.
    void start(int preview_width = 1280, int preview_height = 720);
    void stop();
    // The newest frame if it is newer than `after_sequence`; never blocks.
    std::shared_ptr<const Frame> latest(int64_t after_sequence = 0) const;
    // Waits (off the UI thread!) up to `timeout` for a frame newer than `after_sequence`.
    std::shared_ptr<const Frame> wait_frame(int64_t after_sequence, Millis timeout) const;
    // A still at the best resolution the camera offers. Blocks: call it from a worker thread.
    virtual Result<Frame> capture_still() = 0;

    CameraState state() const { return state_; }
    std::string last_error() const;

  protected:
    explicit Camera(const Clock& clock) : clock_(clock) {}
    // Run on the camera's thread.
    virtual Result<void> open_stream(int width, int height) = 0;
    // One frame; kNotFound/kIo mean "the device went away".
    virtual Result<image::Raster> grab() = 0;
    virtual void close_stream() = 0;
    // Between frames (for cameras without a frame clock of their own).
    virtual Millis frame_interval() const { return Millis(0); }
    void publish(image::Raster rgb);
    void fail(const std::string& message);
    const Clock& clock_;
    mutable std::mutex stream_mu_;  // open/grab/close vs. capture_still

  private:
    void run(int w, int h);
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::shared_ptr<const Frame> latest_;
    int64_t sequence_ = 0;
    std::string last_error_;
    std::atomic<CameraState> state_{CameraState::kStopped};
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex control_mu_;  // start() and stop(), never held by the camera's own thread
};

// A colour-bar pattern with a box moving with the clock and the frame number drawn in, so a
// person (and a test) sees motion and order.
std::unique_ptr<Camera> make_synthetic_camera(const Clock& clock, int still_width = 2592,
                                              int still_height = 1944, int fps = 15);
// The JPEG files of a directory, in name order, one every `interval`, round and round.
std::unique_ptr<Camera> make_folder_camera(const std::string& dir, const Clock& clock,
                                           Millis interval = Millis(1000));
// A V4L2 device (/dev/videoN).
std::unique_ptr<Camera> make_v4l2_camera(const std::string& device, const Clock& clock);
// The camera a config spec names: "auto" (the first V4L2 capture device; none: kNotFound),
// "v4l2:/dev/videoN", "synthetic", "folder:DIR" (the last two named only for demos and tests).
Result<std::unique_ptr<Camera>> open_camera(const std::string& spec, const Clock& clock);
// /dev/video* that can capture, for the technician's camera selection.
std::vector<std::string> discover_v4l2_cameras();

// Pure parts of the V4L2 driver (tested without a device):
// The format to stream for a wanted size: the smallest that covers it, else the largest; MJPEG
// preferred above 640×480 (YUYV that large overruns USB 2 at useful frame rates).
std::optional<PixelFormat> choose_format(const std::vector<PixelFormat>& offered, int want_w,
                                         int want_h);
// The best still: the largest area, MJPEG preferred at equal size.
std::optional<PixelFormat> choose_still_format(const std::vector<PixelFormat>& offered);
// YUYV 4:2:2 (BT.601, limited range) to RGB.
image::Raster yuyv_to_rgb(const uint8_t* data, size_t size, int width, int height);
// One MJPEG frame to RGB. UVC cameras often leave out the Huffman tables (DHT); libjpeg-turbo
// then uses the standard ones, as the MJPEG convention says. A damaged frame gives an empty raster.
image::Raster mjpeg_to_rgb(const uint8_t* data, size_t size);
// errno from a V4L2 call → what staff read.
std::string v4l2_error_text(int err, const std::string& device);
bool v4l2_error_is_disconnect(int err);

}  // namespace vmeste::drivers
