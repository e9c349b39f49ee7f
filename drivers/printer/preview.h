// Receipt preview: reads the same ESC/POS byte stream the printer gets and draws what an 80 mm
// printer (576 dots, font A 12×24) would print, with PT Mono for the text and the QR code drawn
// from the stored GS ( k data. Used by tests (the QR must decode), by staff on screen, and for
// docs/screenshots. Unknown commands are skipped and reported, never guessed at.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::drivers {

struct ReceiptPreview {
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;
    std::vector<std::string> lines;        // the printed text lines, UTF-8 (for tests and search)
    std::vector<std::string> qr_payloads;  // what each printed QR holds
    bool cut = false;
    std::vector<std::string> unknown;  // commands the renderer skipped, e.g. "ESC p"
};

struct PreviewOptions {
    int width_dots = 576;  // font A is 12 dots wide: 48 columns; 42 → 504, 32 → 384
    std::string font_regular = "/usr/share/fonts/truetype/paratype/PTM55F.ttf";
    std::string font_bold = "/usr/share/fonts/truetype/paratype/PTM75F.ttf";
};

inline PreviewOptions preview_for_columns(int columns) {
    PreviewOptions o;
    o.width_dots = columns * 12;
    return o;
}

Result<ReceiptPreview> render_escpos(std::string_view bytes, const PreviewOptions& options = {});
Result<void> save_png(const ReceiptPreview& preview, const std::string& path);

}  // namespace vmeste::drivers
