#include "image/qr_code.h"

#include <algorithm>

#include <qrencode.h>

#include <memory>
#include <string>

namespace vmeste::image {

Result<QrCode> encode_qr(std::string_view payload) {
    if (payload.empty()) return make_error(ErrorCode::kInvalidInput, "empty QR payload");
    // QRcode_encodeData takes a byte count, so the payload needs no NUL terminator and may hold
    // any bytes; version 0 lets libqrencode pick the smallest symbol that fits.
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeData(static_cast<int>(payload.size()),
                          reinterpret_cast<const unsigned char*>(payload.data()), 0, QR_ECLEVEL_M),
        &QRcode_free);
    if (!code) return make_error(ErrorCode::kInvalidInput, "payload too long for a QR code");
    QrCode qr;
    qr.size = code->width;
    qr.modules.resize(static_cast<size_t>(qr.size) * qr.size);
    for (size_t i = 0; i < qr.modules.size(); ++i) qr.modules[i] = code->data[i] & 1;
    return qr;
}

std::vector<uint8_t> rasterize_qr_rgba(const QrCode& qr, int scale, int quiet, int* side_px) {
    scale = std::max(1, scale);
    quiet = std::max(0, quiet);
    const int side = (qr.size + 2 * quiet) * scale;
    std::vector<uint8_t> px(static_cast<size_t>(side) * side * 4, 255);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const int mx = x / scale - quiet, my = y / scale - quiet;
            if (mx >= 0 && my >= 0 && mx < qr.size && my < qr.size && qr.dark(mx, my)) {
                uint8_t* p = &px[(static_cast<size_t>(y) * side + x) * 4];
                p[0] = p[1] = p[2] = 0;  // alpha stays 255
            }
        }
    if (side_px) *side_px = side;
    return px;
}

std::vector<uint8_t> rasterize_qr(const QrCode& qr, int scale, int* side_px) {
    constexpr int kQuiet = 4;
    const int side = (qr.size + 2 * kQuiet) * scale;
    std::vector<uint8_t> px(static_cast<size_t>(side) * side, 255);
    for (int y = 0; y < qr.size; ++y)
        for (int x = 0; x < qr.size; ++x)
            if (qr.dark(x, y))
                for (int dy = 0; dy < scale; ++dy)
                    for (int dx = 0; dx < scale; ++dx)
                        px[static_cast<size_t>((y + kQuiet) * scale + dy) * side +
                           (x + kQuiet) * scale + dx] = 0;
    if (side_px) *side_px = side;
    return px;
}

}  // namespace vmeste::image
