// The synthetic and folder cameras: the same interface as the V4L2 one, without a device.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "drivers/camera/camera.h"
#include "image/jpeg.h"

namespace vmeste::drivers {
namespace {

// Colour bars, a white box moving across with the clock, and the frame number as a row of bits
// along the top (readable by tests: 16 cells, white = 1).
image::Raster pattern(int w, int h, int64_t ms, int64_t number) {
    static const uint8_t kBars[7][3] = {{192, 192, 192}, {192, 192, 0}, {0, 192, 192}, {0, 192, 0},
                                        {192, 0, 192},   {192, 0, 0},   {0, 0, 192}};
    image::Raster r{w, h, std::vector<uint8_t>(static_cast<size_t>(w) * h * 3)};
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) std::copy(kBars[x * 7 / w], kBars[x * 7 / w] + 3, r.at(x, y));
    const int box = std::max(8, h / 6);
    const int bx = static_cast<int>((ms / 10) % std::max(1, w - box));
    for (int y = h / 2 - box / 2; y < h / 2 + box / 2; ++y)
        for (int x = bx; x < bx + box; ++x) std::fill(r.at(x, y), r.at(x, y) + 3, 255);
    const int cell = std::max(2, w / 32);
    for (int bit = 0; bit < 16; ++bit)
        for (int y = 0; y < cell; ++y)
            for (int x = bit * cell; x < (bit + 1) * cell && x < w; ++x)
                std::fill(r.at(x, y), r.at(x, y) + 3, (number >> bit) & 1 ? 255 : 0);
    return r;
}

class SyntheticCamera final : public Camera {
  public:
    SyntheticCamera(const Clock& clock, int sw, int sh, int fps)
        : Camera(clock), still_w_(sw), still_h_(sh), fps_(std::max(1, fps)) {}
    ~SyntheticCamera() override { stop(); }
    std::string name() const override { return "synthetic"; }
    Result<std::vector<PixelFormat>> formats() override {
        return std::vector<PixelFormat>{
            {kRgb24, 640, 480}, {kRgb24, 1280, 720}, {kRgb24, still_w_, still_h_}};
    }
    Result<Frame> capture_still() override {
        Frame f;
        f.rgb = pattern(still_w_, still_h_, clock_.monotonic().count(), ++stills_);
        f.captured_ms = clock_.monotonic().count();
        f.sequence = stills_;
        return f;
    }

  protected:
    Result<void> open_stream(int w, int h) override {
        w_ = w, h_ = h;
        return {};
    }
    Result<image::Raster> grab() override {
        return pattern(w_, h_, clock_.monotonic().count(), ++frames_);
    }
    void close_stream() override {}
    Millis frame_interval() const override { return Millis(1000 / fps_); }

  private:
    int still_w_, still_h_, fps_;
    int w_ = 640, h_ = 480;
    int64_t frames_ = 0, stills_ = 0;
};

class FolderCamera final : public Camera {
  public:
    FolderCamera(std::string dir, const Clock& clock, Millis interval)
        : Camera(clock), dir_(std::move(dir)), interval_(interval) {}
    ~FolderCamera() override { stop(); }
    std::string name() const override { return "folder " + dir_; }
    Result<std::vector<PixelFormat>> formats() override {
        std::lock_guard lock(stream_mu_);
        if (auto r = list(); !r) return r.error();
        auto img = load(files_.front());
        if (!img) return img.error();
        return std::vector<PixelFormat>{{kMjpeg, img->width, img->height}};
    }
    Result<Frame> capture_still() override {
        std::lock_guard lock(stream_mu_);
        if (auto r = list(); !r) return r.error();
        auto img = load(files_[(next_ + files_.size() - 1) % files_.size()]);
        if (!img) return img.error();
        return Frame{std::move(img).value(), 0, clock_.monotonic().count()};
    }

  protected:
    Result<void> open_stream(int, int) override { return list(); }
    Result<image::Raster> grab() override {
        // The folder going away is this camera's "unplugged": the base class reopens it later.
        if (files_.empty() || !std::filesystem::is_directory(dir_))
            return make_error(ErrorCode::kNotFound, "folder camera: " + dir_ + " is gone");
        auto img = load(files_[next_++ % files_.size()]);
        if (!img) return image::Raster{};  // a broken file is skipped, the camera goes on
        return img;
    }
    void close_stream() override {}
    Millis frame_interval() const override { return interval_; }

  private:
    Result<void> list() {
        files_.clear();
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
            auto ext = e.path().extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
            if (ext == ".jpg" || ext == ".jpeg") files_.push_back(e.path().string());
        }
        std::sort(files_.begin(), files_.end());
        if (files_.empty())
            return make_error(ErrorCode::kNotFound, "folder camera: no JPEG files in " + dir_);
        return {};
    }
    static Result<image::Raster> load(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        const std::string bytes = s.str();
        auto r = image::decode_jpeg(bytes);
        if (!r) return r.error();
        return image::apply_orientation(*r, image::exif_orientation(bytes));
    }
    std::string dir_;
    Millis interval_;
    std::vector<std::string> files_;
    size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Camera> make_synthetic_camera(const Clock& clock, int sw, int sh, int fps) {
    return std::make_unique<SyntheticCamera>(clock, sw, sh, fps);
}

Result<std::unique_ptr<Camera>> open_camera(const std::string& spec, const Clock& clock) {
    if (spec == "synthetic") return make_synthetic_camera(clock);
    if (spec == "auto") {
        // The first real camera, or none: a terminal without one must say so (its self-test and
        // provisioning receipt too), never show colour bars as if they were a camera. The
        // synthetic and folder cameras are for demos and tests, named explicitly.
        const auto found = discover_v4l2_cameras();
        if (found.empty())
            return make_error(
                ErrorCode::kNotFound,
                "camera = auto: no V4L2 capture device (/dev/video*) on this machine");
        return make_v4l2_camera(found[0], clock);
    }
    if (spec.starts_with("v4l2:") && spec.size() > 5)
        return make_v4l2_camera(spec.substr(5), clock);
    if (spec.starts_with("folder:") && spec.size() > 7)
        return make_folder_camera(spec.substr(7), clock);
    return make_error(ErrorCode::kInvalidInput, "camera '" + spec + "': unknown kind");
}

std::unique_ptr<Camera> make_folder_camera(const std::string& dir, const Clock& clock,
                                           Millis interval) {
    return std::make_unique<FolderCamera>(dir, clock, interval);
}

}  // namespace vmeste::drivers
