#include "image/jpeg.h"

#include <turbojpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace vmeste::image {

namespace {

struct TjHandle {
    tjhandle h;
    explicit TjHandle(tjhandle handle) : h(handle) {}
    ~TjHandle() {
        if (h) tjDestroy(h);
    }
};

// Walks the marker segments before the first scan; calls `f(marker, payload)` for each.
template <typename F>
void for_each_segment(std::string_view j, F&& f) {
    if (j.size() < 4 || static_cast<uint8_t>(j[0]) != 0xFF || static_cast<uint8_t>(j[1]) != 0xD8)
        return;
    size_t p = 2;
    while (p + 4 <= j.size()) {
        if (static_cast<uint8_t>(j[p]) != 0xFF) return;
        const uint8_t marker = static_cast<uint8_t>(j[p + 1]);
        if (marker == 0xFF) {  // fill byte
            ++p;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) return;  // EOI, or the scan: no more headers
        const size_t len = (static_cast<uint8_t>(j[p + 2]) << 8) | static_cast<uint8_t>(j[p + 3]);
        if (len < 2 || p + 2 + len > j.size()) return;
        if (!f(marker, j.substr(p + 4, len - 2))) return;
        p += 2 + len;
    }
}

}  // namespace

Result<Raster> decode_jpeg(std::string_view jpeg) {
    TjHandle tj(tjInitDecompress());
    if (!tj.h) return make_error(ErrorCode::kInternal, "tjInitDecompress failed");
    int w = 0, h = 0, subsamp = 0, colorspace = 0;
    auto* src = reinterpret_cast<const unsigned char*>(jpeg.data());
    if (jpeg.empty() ||
        tjDecompressHeader3(tj.h, src, jpeg.size(), &w, &h, &subsamp, &colorspace) != 0)
        return make_error(ErrorCode::kInvalidInput,
                          std::string("not a JPEG: ") + tjGetErrorStr2(tj.h));
    if (w <= 0 || h <= 0 || static_cast<int64_t>(w) * h > 64'000'000)
        return make_error(ErrorCode::kInvalidInput, "JPEG dimensions out of range");
    Raster out;
    out.width = w;
    out.height = h;
    out.rgb.resize(static_cast<size_t>(w) * h * 3);
    if (tjDecompress2(tj.h, src, jpeg.size(), out.rgb.data(), w, 0, h, TJPF_RGB,
                      TJFLAG_ACCURATEDCT) != 0 &&
        tjGetErrorCode(tj.h) == TJERR_FATAL)
        return make_error(ErrorCode::kInvalidInput,
                          std::string("damaged JPEG: ") + tjGetErrorStr2(tj.h));
    return out;
}

Result<std::string> encode_jpeg(const Raster& img, int quality) {
    if (img.empty() || img.rgb.size() != static_cast<size_t>(img.width) * img.height * 3)
        return make_error(ErrorCode::kInvalidInput, "empty or inconsistent image");
    TjHandle tj(tjInitCompress());
    if (!tj.h) return make_error(ErrorCode::kInternal, "tjInitCompress failed");
    unsigned char* buf = nullptr;
    unsigned long size = 0;
    if (tjCompress2(tj.h, img.rgb.data(), img.width, 0, img.height, TJPF_RGB, &buf, &size,
                    TJSAMP_420, std::clamp(quality, 1, 100), TJFLAG_ACCURATEDCT) != 0) {
        tjFree(buf);
        return make_error(ErrorCode::kInternal,
                          std::string("JPEG encode: ") + tjGetErrorStr2(tj.h));
    }
    std::string out(reinterpret_cast<const char*>(buf), size);
    tjFree(buf);
    return out;
}

int exif_orientation(std::string_view jpeg) {
    int orientation = 1;
    for_each_segment(jpeg, [&](uint8_t marker, std::string_view seg) {
        if (marker != 0xE1 || seg.size() < 14 ||
            seg.substr(0, 6) != std::string_view("Exif\0\0", 6))
            return true;
        const std::string_view tiff = seg.substr(6);
        const bool le = tiff.substr(0, 2) == "II";
        if (!le && tiff.substr(0, 2) != "MM") return false;
        auto u16 = [&](size_t o) -> int {
            if (o + 2 > tiff.size()) return -1;
            const auto a = static_cast<uint8_t>(tiff[o]), b = static_cast<uint8_t>(tiff[o + 1]);
            return le ? (a | b << 8) : (a << 8 | b);
        };
        auto u32 = [&](size_t o) -> int64_t {
            if (o + 4 > tiff.size()) return -1;
            const int hi = u16(le ? o + 2 : o), lo = u16(le ? o : o + 2);
            return (static_cast<int64_t>(hi) << 16) | lo;
        };
        if (u16(2) != 42) return false;
        const int64_t ifd = u32(4);
        if (ifd < 8 || static_cast<size_t>(ifd) + 2 > tiff.size()) return false;
        const int n = u16(static_cast<size_t>(ifd));
        for (int i = 0; i < n; ++i) {
            const size_t e = static_cast<size_t>(ifd) + 2 + static_cast<size_t>(i) * 12;
            if (e + 12 > tiff.size()) break;
            if (u16(e) == 0x0112 && u16(e + 2) == 3) {  // Orientation, SHORT
                const int v = u16(e + 8);
                if (v >= 1 && v <= 8) orientation = v;
                break;
            }
        }
        return false;  // the first Exif segment decides
    });
    return orientation;
}

bool has_metadata(std::string_view jpeg) {
    bool found = false;
    for_each_segment(jpeg, [&](uint8_t marker, std::string_view) {
        found |= marker == 0xE1 || marker == 0xED || marker == 0xFE;
        return !found;
    });
    return found;
}

}  // namespace vmeste::image
