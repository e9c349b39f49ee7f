#include "image/qr_decode.h"

#include <zbar.h>

#include <memory>
#include <vector>

namespace vmeste::image {

std::optional<std::string> decode_qr(const Raster& rgb) {
    if (rgb.empty()) return std::nullopt;
    std::vector<uint8_t> grey(static_cast<size_t>(rgb.width) * rgb.height);
    for (size_t i = 0; i < grey.size(); ++i) {
        const uint8_t* p = &rgb.rgb[i * 3];
        grey[i] = static_cast<uint8_t>((p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000);
    }
    std::unique_ptr<zbar::zbar_image_scanner_t, void (*)(zbar::zbar_image_scanner_t*)> scanner(
        zbar::zbar_image_scanner_create(), zbar::zbar_image_scanner_destroy);
    zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 0);
    zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_ENABLE, 1);
    zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_BINARY, 1);
    std::unique_ptr<zbar::zbar_image_t, void (*)(zbar::zbar_image_t*)> img(
        zbar::zbar_image_create(), zbar::zbar_image_destroy);
    zbar::zbar_image_set_format(img.get(), zbar_fourcc('Y', '8', '0', '0'));
    zbar::zbar_image_set_size(img.get(), rgb.width, rgb.height);
    zbar::zbar_image_set_data(img.get(), grey.data(), grey.size(), nullptr);
    if (zbar::zbar_scan_image(scanner.get(), img.get()) <= 0) return std::nullopt;
    const zbar::zbar_symbol_t* sym = zbar::zbar_image_first_symbol(img.get());
    if (!sym) return std::nullopt;
    return std::string(zbar::zbar_symbol_get_data(sym), zbar::zbar_symbol_get_data_length(sym));
}

}  // namespace vmeste::image
