// V4L2 capture (the kernel's Documentation/userspace-api/media/v4l): QUERYCAP, ENUM_FMT and
// ENUM_FRAMESIZES for the formats, S_FMT, REQBUFS + QUERYBUF + mmap for 4 buffers, QBUF,
// STREAMON, then poll + DQBUF/QBUF per frame. YUYV is converted here, MJPEG decoded by
// libjpeg-turbo. ENODEV and friends mean the camera was unplugged: the base class reopens it.
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "drivers/camera/camera.h"
#include "image/jpeg.h"

namespace vmeste::drivers {
namespace {

int xioctl(int fd, unsigned long req, void* arg) {
    int r;
    do r = ioctl(fd, req, arg);
    while (r < 0 && errno == EINTR);
    return r;
}

class V4l2Camera final : public Camera {
  public:
    V4l2Camera(std::string dev, const Clock& clock) : Camera(clock), dev_(std::move(dev)) {}
    ~V4l2Camera() override {
        stop();
        std::lock_guard lock(stream_mu_);
        close_stream();
    }
    std::string name() const override { return dev_; }

    Result<std::vector<PixelFormat>> formats() override {
        std::lock_guard lock(stream_mu_);
        return formats_locked();
    }

  private:
    // stream_mu_ held (never let go here: the camera's thread would grab on a closed device).
    Result<std::vector<PixelFormat>> formats_locked() {
        const bool was_open = fd_ >= 0;
        if (!was_open)
            if (auto r = open_device(); !r) return r.error();
        std::vector<PixelFormat> out;
        v4l2_fmtdesc fd{};
        fd.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        int err = 0;  // EINVAL ends the list; anything else (ENODEV: unplugged) is a failure
        for (fd.index = 0;; ++fd.index) {
            if (xioctl(fd_, VIDIOC_ENUM_FMT, &fd) != 0) {
                err = errno;
                break;
            }
            v4l2_frmsizeenum fs{};
            fs.pixel_format = fd.pixelformat;
            for (fs.index = 0; xioctl(fd_, VIDIOC_ENUM_FRAMESIZES, &fs) == 0; ++fs.index) {
                if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE)
                    out.push_back({fd.pixelformat, static_cast<int>(fs.discrete.width),
                                   static_cast<int>(fs.discrete.height)});
                else {  // stepwise/continuous: offer the largest and a preview size
                    out.push_back({fd.pixelformat, static_cast<int>(fs.stepwise.max_width),
                                   static_cast<int>(fs.stepwise.max_height)});
                    out.push_back({fd.pixelformat, 1280, 720});
                    break;
                }
            }
        }
        if (!was_open) close_device();
        if (err != EINVAL)
            return make_error(v4l2_error_is_disconnect(err) ? ErrorCode::kNotFound : ErrorCode::kIo,
                              v4l2_error_text(err, dev_));
        return out;
    }

  public:
    Result<Frame> capture_still() override {
        auto all = formats();
        if (!all) return all.error();
        auto best = choose_still_format(*all);
        if (!best) return make_error(ErrorCode::kInvalidInput, dev_ + ": no YUYV or MJPEG format");
        // The preview stream pauses for the still, then resumes at its own size.
        std::lock_guard lock(stream_mu_);
        const int pw = width_, ph = height_;
        const bool streaming = fd_ >= 0;
        close_stream();
        auto opened = open_with(*best);
        Result<Frame> out = make_error(ErrorCode::kIo, dev_ + ": no still");
        if (opened) {
            // A few frames for exposure and white balance to settle, handed back undecoded (at
            // 5 MP that saves more than the still itself costs); then the still, in full. A
            // damaged frame is followed by the next one.
            for (int i = 0; i < kStillTries; ++i) {
                auto f = dequeue(/*decode=*/i >= kSettleFrames);
                if (!f) {
                    out = f.error();
                    break;
                }
                if (!f->empty()) {
                    out = Frame{std::move(f).value(), 0, clock_.monotonic().count()};
                    break;
                }
                if (i + 1 == kStillTries)
                    out = make_error(ErrorCode::kIo, dev_ + ": damaged stills");
            }
        } else {
            out = opened.error();
        }
        close_stream();
        if (streaming) (void)open_stream(pw, ph);
        return out;
    }

  protected:
    Result<void> open_stream(int w, int h) override {
        auto all = formats_locked();
        if (!all) return all.error();
        auto f = choose_format(*all, w, h);
        if (!f) return make_error(ErrorCode::kInvalidInput, dev_ + ": no YUYV or MJPEG format");
        return open_with(*f);
    }

    Result<image::Raster> grab() override { return dequeue(/*decode=*/true); }

    void close_stream() override {
        if (fd_ < 0) return;
        v4l2_buf_type t = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        xioctl(fd_, VIDIOC_STREAMOFF, &t);
        for (auto& [ptr, len] : buffers_) munmap(ptr, len);
        buffers_.clear();
        close_device();
    }

  private:
    static constexpr int kSettleFrames = 3, kStillTries = 8;

    // The next frame from the driver; without `decode` the buffer goes back untouched (an empty
    // raster, as for a damaged frame).
    Result<image::Raster> dequeue(bool decode) {
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, 2000);
        if (r == 0) return make_error(ErrorCode::kIo, dev_ + ": no frame for 2 s");
        if (r < 0 || (p.revents & (POLLERR | POLLHUP)))
            return make_error(ErrorCode::kNotFound, v4l2_error_text(ENODEV, dev_));
        v4l2_buffer b{};
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        if (xioctl(fd_, VIDIOC_DQBUF, &b) < 0)
            return make_error(
                v4l2_error_is_disconnect(errno) ? ErrorCode::kNotFound : ErrorCode::kIo,
                v4l2_error_text(errno, dev_));
        image::Raster rgb;
        const auto* data = static_cast<const uint8_t*>(buffers_[b.index].first);
        if (!decode)
            rgb = image::Raster{};
        else if (format_.fourcc == kYuyv)
            rgb = yuyv_to_rgb(data, b.bytesused, format_.width, format_.height);
        else  // a damaged frame is skipped (empty raster)
            rgb = mjpeg_to_rgb(data, b.bytesused);
        xioctl(fd_, VIDIOC_QBUF, &b);
        return rgb;
    }

    Result<void> open_device() {
        fd_ = ::open(dev_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0)
            return make_error(
                v4l2_error_is_disconnect(errno) ? ErrorCode::kNotFound : ErrorCode::kIo,
                v4l2_error_text(errno, dev_));
        v4l2_capability cap{};
        if (xioctl(fd_, VIDIOC_QUERYCAP, &cap) < 0 || !(cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) ||
            !(cap.device_caps & V4L2_CAP_STREAMING)) {
            close_device();
            return make_error(ErrorCode::kInvalidInput,
                              dev_ + " is not a streaming capture device");
        }
        return {};
    }
    void close_device() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    Result<void> open_with(const PixelFormat& want) {
        close_stream();  // one handle at a time: a second one would find the queue busy (EBUSY)
        if (auto r = open_device(); !r) return r;
        auto fail = [&](int err) -> Result<void> {
            const int e = err;
            close_stream();
            return make_error(v4l2_error_is_disconnect(e) ? ErrorCode::kNotFound : ErrorCode::kIo,
                              v4l2_error_text(e, dev_));
        };
        v4l2_format f{};
        f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        f.fmt.pix.width = static_cast<uint32_t>(want.width);
        f.fmt.pix.height = static_cast<uint32_t>(want.height);
        f.fmt.pix.pixelformat = want.fourcc;
        f.fmt.pix.field = V4L2_FIELD_NONE;
        if (xioctl(fd_, VIDIOC_S_FMT, &f) < 0) return fail(errno);
        // The driver may adjust: use what it set.
        format_ = {f.fmt.pix.pixelformat, static_cast<int>(f.fmt.pix.width),
                   static_cast<int>(f.fmt.pix.height)};
        width_ = format_.width, height_ = format_.height;
        v4l2_requestbuffers req{};
        req.count = 4;
        req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        req.memory = V4L2_MEMORY_MMAP;
        if (xioctl(fd_, VIDIOC_REQBUFS, &req) < 0 || req.count < 2)
            return fail(errno ? errno : ENOMEM);
        for (uint32_t i = 0; i < req.count; ++i) {
            v4l2_buffer b{};
            b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
            b.memory = V4L2_MEMORY_MMAP;
            b.index = i;
            if (xioctl(fd_, VIDIOC_QUERYBUF, &b) < 0) return fail(errno);
            void* p = mmap(nullptr, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, b.m.offset);
            if (p == MAP_FAILED) return fail(errno);
            buffers_.emplace_back(p, b.length);
            if (xioctl(fd_, VIDIOC_QBUF, &b) < 0) return fail(errno);
        }
        v4l2_buf_type t = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(fd_, VIDIOC_STREAMON, &t) < 0) return fail(errno);
        return {};
    }

    std::string dev_;
    int fd_ = -1;
    PixelFormat format_;
    int width_ = 1280, height_ = 720;
    std::vector<std::pair<void*, size_t>> buffers_;
};

}  // namespace

std::unique_ptr<Camera> make_v4l2_camera(const std::string& device, const Clock& clock) {
    return std::make_unique<V4l2Camera>(device, clock);
}

std::vector<std::string> discover_v4l2_cameras() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/dev", ec)) {
        const std::string p = e.path().string();
        if (p.rfind("/dev/video", 0) != 0) continue;
        const int fd = ::open(p.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) continue;
        v4l2_capability cap{};
        if (xioctl(fd, VIDIOC_QUERYCAP, &cap) == 0 && (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE))
            out.push_back(p);
        ::close(fd);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace vmeste::drivers
