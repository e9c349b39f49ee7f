// decode_qr_grey / decode_qr_rgba: read a QR code out of pixels with libzbar, in binary mode
// (DESIGN.md: otherwise zbar guesses a text encoding and misreads short payloads).
#pragma once

#include <zbar.h>

#include <cstdint>
#include <string>
#include <vector>

namespace vmeste::test {

inline std::string decode_qr_grey(const std::vector<uint8_t>& grey, int w, int h) {
    using namespace zbar;
    zbar_image_scanner_t* scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
    zbar_image_t* img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, w, h);
    zbar_image_set_data(img, grey.data(), grey.size(), nullptr);
    std::string out;
    if (zbar_scan_image(scanner, img) > 0) {
        const zbar_symbol_t* sym = zbar_image_first_symbol(img);
        out.assign(zbar_symbol_get_data(sym), zbar_symbol_get_data_length(sym));
    }
    zbar_image_destroy(img);
    zbar_image_scanner_destroy(scanner);
    return out;
}

inline std::string decode_qr_rgba(const std::vector<unsigned char>& rgba, int w, int h) {
    std::vector<uint8_t> grey(static_cast<size_t>(w) * h);
    for (size_t i = 0; i < grey.size(); ++i)
        grey[i] = static_cast<uint8_t>(
            (rgba[i * 4] * 299 + rgba[i * 4 + 1] * 587 + rgba[i * 4 + 2] * 114) / 1000);
    return decode_qr_grey(grey, w, h);
}

}  // namespace vmeste::test
