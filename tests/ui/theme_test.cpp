// DESIGN.md's accessibility numbers, measured on the theme itself.
#include "ui/theme.h"

#include <gtest/gtest.h>

using namespace vmeste::ui;

TEST(Theme, ContrastRatioMatchesWcagReferenceValues) {
    EXPECT_NEAR(contrast_ratio({0, 0, 0}, {255, 255, 255}), 21.0, 0.01);
    EXPECT_NEAR(contrast_ratio({0x77, 0x77, 0x77}, {255, 255, 255}), 4.48, 0.01);
}

TEST(Theme, EveryTextColourPairReachesFourAndAHalf) {
    const Palette p;
    struct Pair {
        const char* name;
        Rgb fg, bg;
    };
    const Pair pairs[] = {
        {"text/background", p.text, p.background},
        {"text/surface", p.text, p.surface},
        {"muted/background", p.text_muted, p.background},
        {"muted/surface", p.text_muted, p.surface},
        {"on_primary/primary", p.on_primary, p.primary},
        {"on_primary/pressed", p.on_primary, p.primary_pressed},
        {"primary/surface", p.primary, p.surface},
        {"primary/background", p.primary, p.background},
        {"on_disabled/disabled", p.on_disabled, p.disabled},
        {"text/key_pressed", p.text, p.key_pressed},
        {"warning/background", p.warning, p.background},
        {"success/background", p.success, p.background},
    };
    for (const auto& pr : pairs) EXPECT_GE(contrast_ratio(pr.fg, pr.bg), 4.5) << pr.name;
}

TEST(Theme, SizesMeetTheTouchAndTextMinimums) {
    const Metrics m;
    EXPECT_GE(m.touch_min, 88);
    EXPECT_GE(m.small, 30);
    EXPECT_GE(m.body, 30);
    EXPECT_GE(m.key_height, m.touch_min);
    EXPECT_FLOAT_EQ(scale_for_display(1080, 1920), 1.0f);
    EXPECT_FLOAT_EQ(scale_for_display(1920, 1080), 1.0f);
    EXPECT_FLOAT_EQ(scale_for_display(540, 960), 0.5f);
}
