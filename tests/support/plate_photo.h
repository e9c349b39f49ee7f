// What the camera sees when a parked car is photographed close up: a Russian number plate
// («А 123 ВС 77 RUS», PT Sans) on a car-coloured background, for the blur's proof against an
// independent reader (tests/support/ocr.h).
#pragma once

#include <stb_truetype.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "image/raster.h"
#include "kiosk/base/utf8.h"

namespace vmeste::test {

inline constexpr const char* kPlateFont = "/usr/share/fonts/truetype/paratype/PTS75F.ttf";

struct PlatePhoto {
    image::Raster raster;
    image::Rect plate;  // where the plate is, in pixels
};

// A `width`×`height` photo with a plate `plate_w` pixels wide centred at (cx, cy). Empty raster
// if the font is missing.
inline PlatePhoto plate_photo(int width, int height, int plate_w, int cx, int cy) {
    PlatePhoto out;
    std::ifstream in(kPlateFont, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string font = buf.str();
    stbtt_fontinfo info{};
    if (font.empty() ||
        !stbtt_InitFont(&info, reinterpret_cast<const unsigned char*>(font.data()), 0))
        return out;
    image::Raster& img = out.raster;
    img.width = width;
    img.height = height;
    img.rgb.resize(static_cast<size_t>(width) * height * 3);
    for (int y = 0; y < height; ++y)  // a dark blue car body, lighter towards the top
        for (int x = 0; x < width; ++x) {
            uint8_t* p = img.at(x, y);
            p[0] = static_cast<uint8_t>(40 + 30 * (height - y) / height);
            p[1] = static_cast<uint8_t>(55 + 30 * (height - y) / height);
            p[2] = static_cast<uint8_t>(90 + 40 * (height - y) / height);
        }
    // The plate: 520×112 mm, a black rim, white field.
    const int plate_h = plate_w * 112 / 520;
    out.plate = {cx - plate_w / 2, cy - plate_h / 2, plate_w, plate_h};
    auto fill = [&](int x0, int y0, int x1, int y1, uint8_t v) {
        for (int y = std::max(0, y0); y < std::min(height, y1); ++y)
            for (int x = std::max(0, x0); x < std::min(width, x1); ++x)
                img.at(x, y)[0] = img.at(x, y)[1] = img.at(x, y)[2] = v;
    };
    const image::Rect& pr = out.plate;
    fill(pr.x, pr.y, pr.x + pr.w, pr.y + pr.h, 20);
    const int rim = std::max(2, plate_w / 100);
    fill(pr.x + rim, pr.y + rim, pr.x + pr.w - rim, pr.y + pr.h - rim, 245);
    // The characters: sized so the line fills the plate's width less the margins.
    const std::u32string text = utf8::decode("А 123 ВС 77 RUS");
    const float probe = stbtt_ScaleForPixelHeight(&info, 100);
    float advance = 0;
    for (char32_t c : text) {
        int adv = 0, lsb = 0;
        stbtt_GetCodepointHMetrics(&info, static_cast<int>(c), &adv, &lsb);
        advance += adv * probe;
    }
    const float px = 100.0f * (plate_w - 8 * rim) / advance;
    const float scale = stbtt_ScaleForPixelHeight(&info, px);
    int ascent = 0, descent = 0, gap = 0;
    stbtt_GetFontVMetrics(&info, &ascent, &descent, &gap);
    float pen = static_cast<float>(pr.x + 4 * rim);
    const int baseline = pr.y + pr.h / 2 + static_cast<int>((ascent + descent) * scale / 2);
    for (char32_t c : text) {
        int w = 0, h = 0, xo = 0, yo = 0;
        unsigned char* bmp =
            stbtt_GetCodepointBitmap(&info, 0, scale, static_cast<int>(c), &w, &h, &xo, &yo);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const int X = static_cast<int>(pen) + xo + x, Y = baseline + yo + y;
                if (X < 0 || Y < 0 || X >= width || Y >= height) continue;
                uint8_t* p = img.at(X, Y);
                const int a = bmp[y * w + x];
                for (int k = 0; k < 3; ++k) p[k] = static_cast<uint8_t>((p[k] * (255 - a)) / 255);
            }
        stbtt_FreeBitmap(bmp, nullptr);
        int adv = 0, lsb = 0;
        stbtt_GetCodepointHMetrics(&info, static_cast<int>(c), &adv, &lsb);
        pen += adv * scale;
    }
    return out;
}

}  // namespace vmeste::test
