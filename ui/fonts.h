// Fonts: PT Sans (fonts-paratype) for Cyrillic and Latin, with arrows and keyboard symbols merged
// in from DejaVu Sans (PT Sans has no arrows). Rasterised by FreeType, at the theme's sizes.
#pragma once

#include <string>

#include "kiosk/base/result.h"
#include "ui/theme.h"

struct ImFont;

namespace vmeste::ui {

struct Fonts {
    ImFont* body = nullptr;
    ImFont* small = nullptr;
    ImFont* title = nullptr;
    ImFont* huge = nullptr;
    ImFont* button = nullptr;
};

struct FontFiles {
    std::string regular = "/usr/share/fonts/truetype/paratype/PTS55F.ttf";
    std::string bold = "/usr/share/fonts/truetype/paratype/PTS75F.ttf";
    std::string symbols = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
};

struct FontSets {
    Fonts normal;
    Fonts large;  // the "large text" toggle: × metrics.large_text
};

// True when the atlas has a glyph for `c` (tests check every string the screens can show).
bool font_has_glyph(char32_t c);

// Adds both sets to the current ImGui context's atlas and builds it.
Result<FontSets> load_fonts(const Theme& theme, const FontFiles& files = {});

}  // namespace vmeste::ui
