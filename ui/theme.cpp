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

float scale_for_display(float w, float h) {
    return std::max(0.3f, std::min(w, h) / 1080.0f);
}

}  // namespace vmeste::ui
