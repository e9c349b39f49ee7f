// Raster: an 8-bit RGB image in memory, and the pure pixel operations the photo pipeline needs:
// orientation, area-averaging resize, redaction of a region. No I/O, no SDL, no GL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vmeste::image {

struct Raster {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> rgb;  // width*height*3, row-major, top row first

    bool empty() const { return width <= 0 || height <= 0; }
    const uint8_t* at(int x, int y) const { return &rgb[(static_cast<size_t>(y) * width + x) * 3]; }
    uint8_t* at(int x, int y) { return &rgb[(static_cast<size_t>(y) * width + x) * 3]; }
};

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

// EXIF orientation 1..8 (TIFF tag 0x0112) applied to the pixels, so the result is upright and
// carries no orientation of its own. Values outside 1..8 are treated as 1.
Raster apply_orientation(const Raster& in, int orientation);

// Area-averaging (box) resize: every output pixel is the exact mean of the source area it covers,
// with fractional edge weights, so downscaling never aliases. Upscaling is not needed by the
// kiosk; a target larger than the source returns the source unchanged.
Raster resize_area(const Raster& in, int width, int height);

// Scales so the longer side is at most `max_long_side` (keeping the aspect ratio); a smaller
// image is returned as it is.
Raster fit_long_side(const Raster& in, int max_long_side);

// Makes a region unrecoverable (faces, number plates): it is pixelated into blocks whose side is
// at least `min_block`, a sixth of the region's shorter side and an eighth of its longer side (a
// plate outlined tightly, 4.5 times wider than high, gets blocks about a character wide), every
// block filled with its mean colour, then smoothed across block edges so no fine detail
// survives. Sharpening cannot bring back what the means threw away. Clipped to the image; an
// empty intersection does nothing.
void redact(Raster& img, Rect region, int min_block = 12);

}  // namespace vmeste::image
