// QrCode: the module matrix of a QR code, made by libqrencode. Drawing it is the caller's job
// (ImGui rectangles on screen, raster bits on the receipt printer), so this stays pixels-free.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::image {

struct QrCode {
    int size = 0;                  // modules per side, without the quiet zone
    std::vector<uint8_t> modules;  // size*size, row-major, 1 = dark

    bool dark(int x, int y) const { return modules[static_cast<size_t>(y) * size + x] != 0; }
};

// Encodes `payload` as 8-bit data with error correction level M. Payloads should be plain ASCII
// (URLs with punycode hosts and percent-encoded paths): scanners guess the charset otherwise.
Result<QrCode> encode_qr(std::string_view payload);

// Greyscale raster (0 = black, 255 = white) with a quiet zone of 4 modules, `scale` px a module.
std::vector<uint8_t> rasterize_qr(const QrCode& qr, int scale, int* side_px);

// The same as RGBA (opaque black on opaque white), for textures and PNGs; `quiet` modules of
// quiet zone (the standard asks for 4).
std::vector<uint8_t> rasterize_qr_rgba(const QrCode& qr, int scale, int quiet, int* side_px);

}  // namespace vmeste::image
