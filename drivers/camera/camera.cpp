#include <algorithm>
#include <cstring>

#include "drivers/camera/camera.h"
#include "image/jpeg.h"
#include "kiosk/base/log.h"

namespace vmeste::drivers {

std::string fourcc_name(uint32_t f) {
    std::string s;
    for (int i = 0; i < 4; ++i) s += static_cast<char>((f >> (8 * i)) & 0xFF);
    return s;
}

const char* camera_state_name(CameraState s) {
    switch (s) {
        case CameraState::kStopped:
            return "stopped";
        case CameraState::kStarting:
            return "starting";
        case CameraState::kStreaming:
            return "streaming";
        case CameraState::kDisconnected:
            return "disconnected";
        case CameraState::kFailed:
            return "failed";
    }
    return "?";
}

Camera::~Camera() {
    // Subclasses call stop() in their destructors (the thread uses their virtuals); this is the
    // last line of defence.
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

// start() and stop() come from several threads (the visit's media worker, maintenance's worker,
// the kiosk's shutdown): one at a time.
void Camera::start(int w, int h) {
    std::lock_guard control(control_mu_);
    if (thread_.joinable()) return;
    stop_ = false;
    state_ = CameraState::kStarting;
    thread_ = std::thread([this, w, h] { run(w, h); });
}

void Camera::stop() {
    std::lock_guard control(control_mu_);
    stop_ = true;
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    state_ = CameraState::kStopped;
}

std::shared_ptr<const Frame> Camera::latest(int64_t after) const {
    std::lock_guard lock(mu_);
    return latest_ && latest_->sequence > after ? latest_ : nullptr;
}

std::shared_ptr<const Frame> Camera::wait_frame(int64_t after, Millis timeout) const {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return latest_ && latest_->sequence > after; });
    return latest_ && latest_->sequence > after ? latest_ : nullptr;
}

std::string Camera::last_error() const {
    std::lock_guard lock(mu_);
    return last_error_;
}

void Camera::publish(image::Raster rgb) {
    auto f = std::make_shared<Frame>();
    f->rgb = std::move(rgb);
    f->captured_ms = clock_.monotonic().count();
    {
        std::lock_guard lock(mu_);
        f->sequence = ++sequence_;
        latest_ = std::move(f);
    }
    cv_.notify_all();
}

void Camera::fail(const std::string& message) {
    std::lock_guard lock(mu_);
    last_error_ = message;
}

void Camera::run(int w, int h) {
    // Open, stream until the device goes away, wait, reopen: a camera unplugged and plugged back
    // in comes back by itself.
    while (!stop_) {
        Result<void> opened = [&] {
            std::lock_guard lock(stream_mu_);
            return open_stream(w, h);
        }();
        if (!opened) {
            fail(opened.error().message);
            state_ = opened.error().code == ErrorCode::kNotFound ? CameraState::kDisconnected
                                                                 : CameraState::kFailed;
            log::warn("camera %s: %s", name().c_str(), opened.error().message.c_str());
            std::unique_lock lock(mu_);
            cv_.wait_for(lock, Millis(1000), [this] { return stop_.load(); });
            continue;
        }
        state_ = CameraState::kStreaming;
        bool cleared = false;  // the last error stays until a frame proves it is over
        while (!stop_) {
            Result<image::Raster> got = [&] {
                std::lock_guard lock(stream_mu_);
                return grab();
            }();
            if (!got) {
                fail(got.error().message);
                log::warn("camera %s: %s", name().c_str(), got.error().message.c_str());
                state_ = CameraState::kDisconnected;
                break;
            }
            if (!got->empty()) {
                if (!cleared) {  // before the frame is seen: whoever waits for it reads no error
                    std::lock_guard lock(mu_);
                    last_error_.clear();
                    cleared = true;
                }
                publish(std::move(got).value());
            }
            if (const Millis gap = frame_interval(); gap.count() > 0) {
                std::unique_lock lock(mu_);
                cv_.wait_for(lock, gap, [this] { return stop_.load(); });
            }
        }
        std::lock_guard lock(stream_mu_);
        close_stream();
    }
}

std::optional<PixelFormat> choose_format(const std::vector<PixelFormat>& offered, int want_w,
                                         int want_h) {
    std::optional<PixelFormat> best;
    auto usable = [](const PixelFormat& f) { return f.fourcc == kYuyv || f.fourcc == kMjpeg; };
    auto rank = [&](const PixelFormat& f) {
        const bool covers = f.width >= want_w && f.height >= want_h;
        const int64_t area = static_cast<int64_t>(f.width) * f.height;
        const bool big = f.width * f.height > 640 * 480;
        const bool preferred = big ? f.fourcc == kMjpeg : f.fourcc == kYuyv;
        // Covering formats first, the smallest of them; else the largest. Then the preferred
        // encoding for that size.
        return std::tuple{covers ? 1 : 0, covers ? -area : area, preferred ? 1 : 0};
    };
    for (const auto& f : offered)
        if (usable(f) && (!best || rank(f) > rank(*best))) best = f;
    return best;
}

std::optional<PixelFormat> choose_still_format(const std::vector<PixelFormat>& offered) {
    std::optional<PixelFormat> best;
    for (const auto& f : offered) {
        if (f.fourcc != kYuyv && f.fourcc != kMjpeg) continue;
        const auto key = [](const PixelFormat& p) {
            return std::pair{static_cast<int64_t>(p.width) * p.height, p.fourcc == kMjpeg ? 1 : 0};
        };
        if (!best || key(f) > key(*best)) best = f;
    }
    return best;
}

image::Raster yuyv_to_rgb(const uint8_t* d, size_t size, int w, int h) {
    image::Raster out;
    if (w <= 0 || h <= 0 || w % 2 || size < static_cast<size_t>(w) * h * 2) return out;
    out.width = w;
    out.height = h;
    out.rgb.resize(static_cast<size_t>(w) * h * 3);
    auto clamp = [](int v) { return static_cast<uint8_t>(std::clamp(v, 0, 255)); };
    // BT.601, limited range (16–235 luma): the UVC default.
    auto put = [&](uint8_t* p, int y, int u, int v) {
        const int c = 298 * (y - 16);
        p[0] = clamp((c + 409 * v + 128) >> 8);
        p[1] = clamp((c - 100 * u - 208 * v + 128) >> 8);
        p[2] = clamp((c + 516 * u + 128) >> 8);
    };
    for (int y = 0; y < h; ++y) {
        const uint8_t* s = d + static_cast<size_t>(y) * w * 2;
        uint8_t* o = out.at(0, y);
        for (int x = 0; x < w; x += 2, s += 4, o += 6) {
            const int u = s[1] - 128, v = s[3] - 128;
            put(o, s[0], u, v);
            put(o + 3, s[2], u, v);
        }
    }
    return out;
}

image::Raster mjpeg_to_rgb(const uint8_t* data, size_t size) {
    auto d = image::decode_jpeg(std::string_view(reinterpret_cast<const char*>(data), size));
    return d ? std::move(d).value() : image::Raster{};
}

std::string v4l2_error_text(int err, const std::string& dev) {
    switch (err) {
        case ENODEV:
        case ENXIO:
        case ENOENT:
            return "camera " + dev + " is not connected";
        case EBUSY:
            return "camera " + dev + " is in use by another program";
        case EACCES:
        case EPERM:
            return "no permission for " + dev + " (the kiosk user must be in group video)";
        case EIO:
            return "camera " + dev + ": input/output error (cable or power?)";
        case EINVAL:
            return "camera " + dev + " does not support what was asked";
    }
    return "camera " + dev + ": " + std::strerror(err);
}

bool v4l2_error_is_disconnect(int err) {
    return err == ENODEV || err == ENXIO || err == ENOENT || err == EIO;
}

}  // namespace vmeste::drivers
