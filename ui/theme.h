// Theme: colours and sizes of the touch UI. Sizes are given at 1080 px on the short side and
// multiplied by `scale`; DESIGN.md's rules live here as numbers: targets ≥ 88 px, body text
// ≥ 30 px, every text/background pair ≥ 4.5:1 (tests/ui/theme_test.cpp measures them).
#pragma once

#include <cstdint>

namespace vmeste::ui {

struct Rgb {
    uint8_t r, g, b;
};

// WCAG 2.x contrast ratio of two colours (1..21).
double contrast_ratio(Rgb a, Rgb b);

struct Palette {
    Rgb background{0xF3, 0xF5, 0xF9};
    Rgb surface{0xFF, 0xFF, 0xFF};
    Rgb text{0x1A, 0x24, 0x33};
    Rgb text_muted{0x4A, 0x55, 0x68};
    Rgb primary{0x0D, 0x4C, 0xD3};  // Госуслуги blue
    Rgb primary_pressed{0x0A, 0x3A, 0xA8};
    Rgb on_primary{0xFF, 0xFF, 0xFF};
    // Every control's outline: ≥ 3:1 against the page, a card, a key and a disabled button
    // (WCAG 1.4.11, non-text contrast; issue #21, point 11). Was 8A99B0: 2.65:1 on the page.
    Rgb secondary_border{0x66, 0x75, 0x8C};
    Rgb disabled{0xDD, 0xE2, 0xEA};
    Rgb on_disabled{0x4A, 0x55, 0x68};
    Rgb key{0xFF, 0xFF, 0xFF};
    Rgb key_pressed{0xC9, 0xD6, 0xF2};
    Rgb warning{0xA3, 0x1D, 0x1D};
    Rgb success{0x12, 0x6B, 0x3A};
};

// The high-contrast theme (accessibility): white and yellow on black, no greys for text.
Palette high_contrast_palette();

struct Metrics {
    float body = 34;   // px at scale 1
    float small = 30;  // the smallest text anywhere
    float title = 56;
    float huge = 84;
    float button = 40;
    float touch_min = 88;
    float top_bar = 128;
    float bottom_bar = 168;
    float margin = 48;
    float gap = 20;
    float rounding = 14;
    float key_height = 108;
    float large_text = 1.5f;  // the "large text" toggle multiplies text sizes by this
};

struct Theme {
    Palette palette;
    Metrics metrics;
    float scale = 1.0f;
    float px(float v) const { return v * scale; }
};

// Scale for a display: 1.0 when the short side is 1080 px.
float scale_for_display(float width, float height);

}  // namespace vmeste::ui
