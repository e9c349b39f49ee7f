// Pixel comparisons for the screenshot tests: how much of one RGBA picture differs from another
// and, when too much does, a picture of where (for a person to look at).
#pragma once

#include <stb_image_write.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace vmeste::test {

// True when some colour channel of pixel `i` (a byte offset) differs by more than `tolerance`.
inline bool pixel_differs(const std::vector<unsigned char>& a, const std::vector<unsigned char>& b,
                          size_t i, int tolerance) {
    for (int c = 0; c < 3; ++c)
        if (std::abs(a[i + c] - b[i + c]) > tolerance) return true;
    return false;
}

// Share of pixels whose colour differs by more than `tolerance` in any channel (1.0 when the
// pictures are not the same size).
inline double differing(const std::vector<unsigned char>& a, const std::vector<unsigned char>& b,
                        int tolerance) {
    if (a.size() != b.size() || a.empty()) return 1.0;
    size_t n = 0;
    for (size_t i = 0; i < a.size(); i += 4) n += pixel_differs(a, b, i, tolerance);
    return static_cast<double>(n) / static_cast<double>(a.size() / 4);
}

// True when pixel (x, y) of `a` is not explained by `b` around (x, y): some channel lies outside
// the range that channel takes within `radius` of (x, y) in `b`, widened by `tolerance`. An
// antialiased edge pixel is a blend of its neighbours, so it lies inside that range; an edge
// rasterised a pixel over does too. A missing band, a moved widget or a wrong colour does not.
inline bool pixel_unmatched(const std::vector<unsigned char>& a,
                            const std::vector<unsigned char>& b, int w, int h, int x, int y,
                            int tolerance, int radius) {
    const size_t i = (static_cast<size_t>(y) * w + x) * 4;
    int lo[3] = {255, 255, 255}, hi[3] = {0, 0, 0};
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx) {
            const int qx = x + dx, qy = y + dy;
            if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
            const size_t j = (static_cast<size_t>(qy) * w + qx) * 4;
            for (int c = 0; c < 3; ++c) {
                lo[c] = std::min<int>(lo[c], b[j + c]);
                hi[c] = std::max<int>(hi[c], b[j + c]);
            }
        }
    for (int c = 0; c < 3; ++c)
        if (a[i + c] < lo[c] - tolerance || a[i + c] > hi[c] + tolerance) return true;
    return false;
}

// Share of pixels that differ beyond antialiasing: in either picture, no pixel of the other within
// `radius` matches within `tolerance`. For two renderers of the same draw data, whose edges and
// glyph outlines fall a pixel apart.
inline double differing_beyond_edges(const std::vector<unsigned char>& a,
                                     const std::vector<unsigned char>& b, int w, int h,
                                     int tolerance, int radius = 1) {
    if (a.size() != b.size() || a.size() != static_cast<size_t>(w) * h * 4) return 1.0;
    size_t n = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const size_t i = (static_cast<size_t>(y) * w + x) * 4;
            if (!pixel_differs(a, b, i, tolerance)) continue;
            n += pixel_unmatched(a, b, w, h, x, y, tolerance, radius) ||
                 pixel_unmatched(b, a, w, h, x, y, tolerance, radius);
        }
    return static_cast<double>(n) / (static_cast<double>(w) * h);
}

// Writes `path`: `expected` on the left, `actual` in the middle and, on the right, `expected`
// faded with every pixel that differs beyond antialiasing (as differing_beyond_edges counts it,
// radius 0: any difference over `tolerance`) in red.
inline bool write_diff_png(const std::string& path, const std::vector<unsigned char>& expected,
                           const std::vector<unsigned char>& actual, int w, int h, int tolerance,
                           int radius = 0) {
    if (expected.size() != actual.size() || expected.size() != static_cast<size_t>(w) * h * 4)
        return false;
    const size_t row = static_cast<size_t>(w) * 4;
    std::vector<unsigned char> out(row * 3 * h);
    for (int y = 0; y < h; ++y) {
        unsigned char* o = &out[y * row * 3];
        std::copy_n(&expected[y * row], row, o);
        std::copy_n(&actual[y * row], row, o + row);
        for (int x = 0; x < w; ++x) {
            const size_t i = y * row + x * 4;
            unsigned char* d = o + 2 * row + x * 4;
            const bool diff = pixel_differs(expected, actual, i, tolerance) &&
                              (pixel_unmatched(expected, actual, w, h, x, y, tolerance, radius) ||
                               pixel_unmatched(actual, expected, w, h, x, y, tolerance, radius));
            for (int c = 0; c < 3; ++c)
                d[c] = diff ? (c == 0 ? 255 : 0)
                            : static_cast<unsigned char>(160 + expected[i + c] / 3);
            d[3] = 255;
        }
    }
    return stbi_write_png(path.c_str(), w * 3, h, 4, out.data(), static_cast<int>(row * 3)) != 0;
}

}  // namespace vmeste::test
