// photo_bench: camera frame → stored photo (long side ≤ 2,048, metadata stripped, q85) plus its
// thumbnail, against a bare libjpeg-turbo encode of the same frame at the same quality in the same
// run (goal: ≤ 1.5×). Frames: 1920×1080 (a 1080p webcam) and 2592×1944 (a 5 MP one).
// Then a 5 MP MJPEG still → stored photo as the V4L2 driver takes it (settling frames not decoded)
// against decoding every frame, and the still decoded at 3/4 by libjpeg-turbo instead.
//   photo_bench [ROUNDS=25]
#include <turbojpeg.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "image/jpeg.h"
#include "image/photo.h"

using namespace vmeste;
using Steady = std::chrono::steady_clock;

namespace {

// Something like a photo: smooth gradients, edges and sensor noise (all-flat frames compress
// unrealistically well).
image::Raster frame(int w, int h) {
    image::Raster f{w, h, std::vector<uint8_t>(static_cast<size_t>(w) * h * 3)};
    std::mt19937 rng(1);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            uint8_t* p = f.at(x, y);
            const int edge = ((x / 97) + (y / 61)) % 2 ? 40 : 0;
            p[0] = static_cast<uint8_t>(
                std::clamp(x * 200 / w + edge + static_cast<int>(rng() % 12), 0, 255));
            p[1] = static_cast<uint8_t>(
                std::clamp(y * 180 / h + static_cast<int>(rng() % 12), 0, 255));
            p[2] =
                static_cast<uint8_t>(std::clamp(120 + edge + static_cast<int>(rng() % 12), 0, 255));
        }
    return f;
}

// libjpeg-turbo's decode-time scaling by n/8, for the comparison above.
image::Raster scaled_decode(const std::string& jpeg, int eighths) {
    tjhandle tj = tjInitDecompress();
    auto* src = reinterpret_cast<const unsigned char*>(jpeg.data());
    int w = 0, h = 0, sub = 0, cs = 0;
    tjDecompressHeader3(tj, src, jpeg.size(), &w, &h, &sub, &cs);
    const tjscalingfactor f{eighths, 8};
    image::Raster out{TJSCALED(w, f), TJSCALED(h, f), {}};
    out.rgb.resize(static_cast<size_t>(out.width) * out.height * 3);
    tjDecompress2(tj, src, jpeg.size(), out.rgb.data(), out.width, 0, out.height, TJPF_RGB,
                  TJFLAG_ACCURATEDCT);
    tjDestroy(tj);
    return out;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 25;
    std::printf(
        "photo_bench: frame -> stored JPEG (<= 2048, q85, no metadata) + thumbnail,\n"
        "  vs a bare libjpeg-turbo encode of the same frame at q85 (median of %d)\n",
        rounds);
    for (auto [w, h] : {std::pair{1920, 1080}, std::pair{2592, 1944}}) {
        const image::Raster f = frame(w, h);
        std::vector<double> ours, bare;
        size_t bytes = 0;
        for (int r = 0; r < rounds; ++r) {
            auto t0 = Steady::now();
            auto p = image::prepare_photo(f);
            ours.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
            bytes = p->jpeg.size();
            tjhandle tj = tjInitCompress();
            unsigned char* buf = nullptr;
            unsigned long size = 0;
            t0 = Steady::now();
            tjCompress2(tj, f.rgb.data(), w, 0, h, TJPF_RGB, &buf, &size, TJSAMP_420, 85,
                        TJFLAG_ACCURATEDCT);
            bare.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
            tjFree(buf);
            tjDestroy(tj);
        }
        const double ratio = median(ours) / median(bare);
        std::printf(
            "  %4dx%-4d  pipeline %6.1f ms  bare encode %6.1f ms  ratio %.2f (goal <= 1.5)"
            "  stored %zu KB\n",
            w, h, median(ours), median(bare), ratio, bytes / 1000);
    }

    // The V4L2 driver's still from a 5 MP MJPEG camera: 3 frames for exposure to settle, then the
    // still. Before: all 4 decoded. Now: the 3 handed back undecoded. And what decoding the still
    // at 3/4 (libjpeg-turbo's scaled IDCT, 1944×1458, no resize) would give instead of in full.
    const std::string mjpeg = image::encode_jpeg(frame(2592, 1944), 85).value();
    std::vector<double> before, now, at_3_4;
    for (int r = 0; r < rounds; ++r) {
        auto t0 = Steady::now();
        for (int i = 0; i < 3; ++i)
            if (!image::decode_jpeg(mjpeg)) return 1;
        auto a = image::prepare_photo(image::decode_jpeg(mjpeg).value());
        before.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
        t0 = Steady::now();
        auto b = image::prepare_photo(image::decode_jpeg(mjpeg).value());
        now.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
        t0 = Steady::now();
        auto c = image::prepare_photo(scaled_decode(mjpeg, 6));
        at_3_4.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
        if (!a || !b || !c) return 1;
    }
    std::printf(
        "  5 MP MJPEG camera still -> stored photo: %6.1f ms  before (settling frames decoded "
        "too) %6.1f ms  ratio %.2f\n"
        "    the still decoded at 3/4 instead of in full + resized: %6.1f ms\n",
        median(now), median(before), median(now) / median(before), median(at_3_4));
    return 0;
}
