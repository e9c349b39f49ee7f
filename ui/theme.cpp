#include "ui/theme.h"

#include <algorithm>
#include <cmath>

namespace vmeste::ui {
namespace {

double channel(uint8_t c) {
    const double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

double luminance(Rgb c) {
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

}  // namespace

double contrast_ratio(Rgb a, Rgb b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

Palette high_contrast_palette() {
    Palette p;
    p.background = {0x00, 0x00, 0x00};
    p.surface = {0x12, 0x12, 0x12};
    p.text = {0xFF, 0xFF, 0xFF};
    p.text_muted = {0xE6, 0xE6, 0xE6};
    p.primary = {0xFF, 0xD8, 0x00};  // yellow: buttons and accents
    p.primary_pressed = {0xFF, 0xF0, 0x80};
    p.on_primary = {0x00, 0x00, 0x00};
    p.secondary_border = {0xFF, 0xFF, 0xFF};
    p.disabled = {0x3A, 0x3A, 0x3A};
    p.on_disabled = {0xD0, 0xD0, 0xD0};
    p.key = {0x12, 0x12, 0x12};
    p.key_pressed = {0x40, 0x40, 0x40};
    p.warning = {0xFF, 0x9E, 0x9E};
    p.success = {0x8E, 0xF0, 0xA8};
    return p;
}

float scale_for_display(float w, float h) {
    return std::max(0.3f, std::min(w, h) / 1080.0f);
}

}  // namespace vmeste::ui
