#include "image/raster.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace vmeste::image {

Raster apply_orientation(const Raster& in, int o) {
    if (o < 2 || o > 8 || in.empty()) return in;
    // Orientations 5..8 swap width and height.
    const bool swap = o >= 5;
    Raster out;
    out.width = swap ? in.height : in.width;
    out.height = swap ? in.width : in.height;
    out.rgb.resize(in.rgb.size());
    const int W = in.width, H = in.height;
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) {
            int sx = x, sy = y;  // where the output pixel comes from in the stored image
            switch (o) {
                case 2:
                    sx = W - 1 - x;
                    break;  // mirrored
                case 3:
                    sx = W - 1 - x;
                    sy = H - 1 - y;
                    break;  // 180°
                case 4:
                    sy = H - 1 - y;
                    break;  // flipped
                case 5:
                    sx = y;
                    sy = x;
                    break;  // transposed
                case 6:
                    sx = y;
                    sy = H - 1 - x;
                    break;  // 90° clockwise to view
                case 7:
                    sx = W - 1 - y;
                    sy = H - 1 - x;
                    break;  // transversed
                case 8:
                    sx = W - 1 - y;
                    sy = x;
                    break;  // 90° anticlockwise to view
            }
            const uint8_t* s = in.at(sx, sy);
            std::copy(s, s + 3, out.at(x, y));
        }
    return out;
}

namespace {

// For each output index, the source span it covers and each source pixel's weight in fixed
// point (`one` = the whole pixel), padded to one tap count so inner loops have a fixed length.
struct Taps {
    std::vector<int> first;
    std::vector<int32_t> weight;  // out × taps
    int taps = 1;
};

Taps make_taps(int in, int out, int32_t one) {
    const double scale = static_cast<double>(in) / out;
    std::vector<std::vector<int32_t>> spans(out);
    std::vector<int> first(out);
    int taps = 1;
    for (int o = 0; o < out; ++o) {
        const double a = o * scale, b = a + scale;
        first[o] = static_cast<int>(a);
        const int last = std::min(in, static_cast<int>(std::ceil(b)));
        int32_t sum = 0;
        for (int i = first[o]; i < last; ++i) {
            const double cover = std::min<double>(i + 1, b) - std::max<double>(i, a);
            spans[o].push_back(static_cast<int32_t>(std::lround(cover / scale * one)));
            sum += spans[o].back();
        }
        spans[o][0] += one - sum;  // exact unit sum: flat stays flat
        taps = std::max(taps, static_cast<int>(spans[o].size()));
    }
    Taps t;
    t.taps = taps;
    t.first.resize(out);
    t.weight.assign(static_cast<size_t>(out) * taps, 0);
    for (int o = 0; o < out; ++o) {
        // A span that would run past the edge starts earlier, with zero weights in front.
        const int start = std::min(first[o], in - taps);
        const int shift = first[o] - start;
        t.first[o] = start;
        for (size_t k = 0; k < spans[o].size(); ++k)
            t.weight[static_cast<size_t>(o) * taps + shift + k] = spans[o][k];
    }
    return t;
}

// Exact 2×2 box average (the area filter for a factor of two), the fast first step of a big
// reduction.
Raster halve(const Raster& in) {
    Raster out;
    out.width = in.width / 2;
    out.height = in.height / 2;
    out.rgb.resize(static_cast<size_t>(out.width) * out.height * 3);
    const size_t stride = static_cast<size_t>(in.width) * 3;
    for (int y = 0; y < out.height; ++y) {
        const uint8_t* r0 = &in.rgb[static_cast<size_t>(2 * y) * stride];
        const uint8_t* r1 = r0 + stride;
        uint8_t* o = out.at(0, y);
        for (int x = 0; x < out.width; ++x)
            for (int c = 0; c < 3; ++c) {
                const int i = x * 6 + c;
                o[x * 3 + c] =
                    static_cast<uint8_t>((r0[i] + r0[i + 3] + r1[i] + r1[i + 3] + 2) >> 2);
            }
    }
    return out;
}

// The three channels of a pixel side by side in one 64-bit word, 21 bits each, so one multiply
// weighs all three (SWAR): with 12-bit weights summing to 4096, a channel never exceeds
// 255 · 4096 + rounding < 2^21.
constexpr int kPackShift = 21;
constexpr uint64_t kFieldMask = (1u << kPackShift) - 1;

template <int T>
void horizontal(const uint64_t* packed, int w, const Taps& tx, uint8_t* out) {
    constexpr uint64_t kRound =
        (1ull << 11) | (1ull << (11 + kPackShift)) | (1ull << (11 + 2 * kPackShift));
    for (int x = 0; x < w; ++x) {
        const int32_t* wt = &tx.weight[static_cast<size_t>(x) * T];
        const uint64_t* p = packed + tx.first[x];
        uint64_t acc = kRound;
        for (int k = 0; k < T; ++k) acc += static_cast<uint64_t>(wt[k]) * p[k];
        out[x * 3] = static_cast<uint8_t>((acc & kFieldMask) >> 12);
        out[x * 3 + 1] = static_cast<uint8_t>(((acc >> kPackShift) & kFieldMask) >> 12);
        out[x * 3 + 2] = static_cast<uint8_t>(((acc >> (2 * kPackShift)) & kFieldMask) >> 12);
    }
}

void horizontal_any(const uint64_t* packed, int w, const Taps& tx, uint8_t* out) {
    switch (tx.taps) {
        case 1:
            return horizontal<1>(packed, w, tx, out);
        case 2:
            return horizontal<2>(packed, w, tx, out);
        case 3:
            return horizontal<3>(packed, w, tx, out);
        case 4:
            return horizontal<4>(packed, w, tx, out);
        case 5:
            return horizontal<5>(packed, w, tx, out);
    }
    constexpr uint64_t kRound =
        (1ull << 11) | (1ull << (11 + kPackShift)) | (1ull << (11 + 2 * kPackShift));
    for (int x = 0; x < w; ++x) {
        uint64_t acc = kRound;
        for (int k = 0; k < tx.taps; ++k)
            acc += static_cast<uint64_t>(tx.weight[static_cast<size_t>(x) * tx.taps + k]) *
                   packed[tx.first[x] + k];
        for (int c = 0; c < 3; ++c)
            out[x * 3 + c] = static_cast<uint8_t>(((acc >> (c * kPackShift)) & kFieldMask) >> 12);
    }
}

}  // namespace

Raster resize_area(const Raster& src, int w, int h) {
    if (src.empty() || w <= 0 || h <= 0 || (w >= src.width && h >= src.height)) return src;
    w = std::min(w, src.width);
    h = std::min(h, src.height);
    // Halve while the reduction is still at least 4× on both axes: exact for even sizes, and
    // it turns the costly part into a cheap integer pass.
    const Raster* in = &src;
    Raster reduced;
    while (in->width >= 4 * w && in->height >= 4 * h && in->width % 2 == 0 && in->height % 2 == 0) {
        reduced = halve(*in);
        in = &reduced;
    }
    // Vertical first (contiguous rows: vectorised), one output row at a time into a row buffer,
    // then horizontal on that row with the packed multiply. Weights: 14-bit vertically, 12-bit
    // horizontally (the packed fields' budget).
    const Taps ty = make_taps(in->height, h, 1 << 14), tx = make_taps(in->width, w, 1 << 12);
    const size_t in_len = static_cast<size_t>(in->width) * 3;
    Raster out;
    out.width = w;
    out.height = h;
    out.rgb.resize(static_cast<size_t>(w) * h * 3);
    // Output rows are independent: a big resize is split between two threads (a kiosk has at
    // least two cores, and the citizen is waiting for this photo).
    auto rows = [&](int y0, int y1) {
        std::vector<uint32_t> acc(in_len);
        std::vector<uint64_t> packed(static_cast<size_t>(in->width));
        for (int y = y0; y < y1; ++y) {
            std::fill(acc.begin(), acc.end(), 1u << 13);  // rounding
            for (int k = 0; k < ty.taps; ++k) {
                const uint32_t wk =
                    static_cast<uint32_t>(ty.weight[static_cast<size_t>(y) * ty.taps + k]);
                if (!wk) continue;
                const uint8_t* row = in->at(0, ty.first[y] + k);
                for (size_t i = 0; i < in_len; ++i) acc[i] += wk * row[i];  // ≤ 255 · 2^14 + 2^13
            }
            for (int x = 0; x < in->width; ++x)
                packed[x] = static_cast<uint64_t>(acc[x * 3] >> 14) |
                            static_cast<uint64_t>(acc[x * 3 + 1] >> 14) << kPackShift |
                            static_cast<uint64_t>(acc[x * 3 + 2] >> 14) << (2 * kPackShift);
            horizontal_any(packed.data(), w, tx, out.at(0, y));
        }
    };
    if (static_cast<int64_t>(in->width) * h >= 1'000'000 &&
        std::thread::hardware_concurrency() > 1) {
        std::thread half([&] { rows(h / 2, h); });
        rows(0, h / 2);
        half.join();
    } else {
        rows(0, h);
    }
    return out;
}

Raster fit_long_side(const Raster& in, int max_long) {
    const int longer = std::max(in.width, in.height);
    if (in.empty() || max_long <= 0 || longer <= max_long) return in;
    const double k = static_cast<double>(max_long) / longer;
    return resize_area(in, std::max(1, static_cast<int>(std::lround(in.width * k))),
                       std::max(1, static_cast<int>(std::lround(in.height * k))));
}

void redact(Raster& img, Rect r, int min_block) {
    const int x0 = std::max(0, r.x), y0 = std::max(0, r.y);
    const int x1 = std::min(img.width, r.x + r.w), y1 = std::min(img.height, r.y + r.h);
    if (x0 >= x1 || y0 >= y1) return;
    const int block =
        std::max({min_block, std::min(x1 - x0, y1 - y0) / 6, std::max(x1 - x0, y1 - y0) / 8, 1});
    // 1. Pixelate: each block becomes its mean. What was inside a block is gone for good.
    for (int by = y0; by < y1; by += block)
        for (int bx = x0; bx < x1; bx += block) {
            const int ex = std::min(bx + block, x1), ey = std::min(by + block, y1);
            long sum[3] = {0, 0, 0};
            const long n = static_cast<long>(ex - bx) * (ey - by);
            for (int y = by; y < ey; ++y)
                for (int x = bx; x < ex; ++x)
                    for (int c = 0; c < 3; ++c) sum[c] += img.at(x, y)[c];
            for (int y = by; y < ey; ++y)
                for (int x = bx; x < ex; ++x)
                    for (int c = 0; c < 3; ++c) img.at(x, y)[c] = static_cast<uint8_t>(sum[c] / n);
        }
    // 2. Smooth across block edges: a box blur of a block's width, along rows then columns (the
    //    edge pixels repeated past the region's border), so the mosaic does not draw attention
    //    and its edges carry nothing either.
    const int rad = std::max(1, block / 2);
    auto blur_line = [&](int n, auto&& px) {  // px(i) -> uint8_t* for i in [0, n)
        std::vector<uint8_t> line(static_cast<size_t>(n) * 3);
        for (int i = 0; i < n; ++i)
            for (int c = 0; c < 3; ++c) line[static_cast<size_t>(i) * 3 + c] = px(i)[c];
        auto at = [&](int i, int c) {
            return line[static_cast<size_t>(std::clamp(i, 0, n - 1)) * 3 + c];
        };
        long sum[3] = {0, 0, 0};
        for (int i = -rad; i <= rad; ++i)
            for (int c = 0; c < 3; ++c) sum[c] += at(i, c);
        const long width = 2 * rad + 1;
        for (int i = 0; i < n; ++i) {
            for (int c = 0; c < 3; ++c) px(i)[c] = static_cast<uint8_t>(sum[c] / width);
            for (int c = 0; c < 3; ++c) sum[c] += at(i + rad + 1, c) - at(i - rad, c);
        }
    };
    for (int y = y0; y < y1; ++y) blur_line(x1 - x0, [&](int i) { return img.at(x0 + i, y); });
    for (int x = x0; x < x1; ++x) blur_line(y1 - y0, [&](int i) { return img.at(x, y0 + i); });
}

}  // namespace vmeste::image
