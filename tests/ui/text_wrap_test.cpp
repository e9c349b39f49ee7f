#include "ui/text_wrap.h"

#include <gtest/gtest.h>

#include "kiosk/base/utf8.h"

using namespace vmeste::ui;

namespace {
// Every code point is 10 px wide.
float mono(std::string_view s) {
    return 10.0f * vmeste::utf8::length(s);
}
std::vector<std::string> wrap(std::string_view t, float w) {
    std::vector<std::string> out;
    for (auto l : wrap_text(t, w, mono)) out.emplace_back(l);
    return out;
}
}  // namespace

TEST(TextWrap, BreaksAtSpaces) {
    EXPECT_EQ(wrap("яма на дороге", 70), (std::vector<std::string>{"яма на", "дороге"}));
}

TEST(TextWrap, KeepsShortTextOnOneLine) {
    EXPECT_EQ(wrap("яма", 100), (std::vector<std::string>{"яма"}));
}

TEST(TextWrap, SplitsWordsLongerThanALineBetweenCodePoints) {
    EXPECT_EQ(wrap("ааааааа", 30), (std::vector<std::string>{"ааа", "ааа", "а"}));
}

TEST(TextWrap, HonoursNewlinesAndEmptyLines) {
    EXPECT_EQ(wrap("a\n\nb", 100), (std::vector<std::string>{"a", "", "b"}));
    EXPECT_EQ(wrap("a\n", 100), (std::vector<std::string>{"a", ""}));
}

TEST(TextWrap, DropsSpacesAtSoftBreaks) {
    EXPECT_EQ(wrap("ab   cd", 30), (std::vector<std::string>{"ab", "cd"}));
}

namespace {
// Widths that differ from letter to letter, as a proportional font's do.
float proportional(std::string_view s) {
    float w = 0;
    for (char32_t c : vmeste::utf8::decode(s)) w += 6.0f + static_cast<float>(c % 7);
    return w;
}
// The definition, one code point at a time: a rest that fits is a line as it is; else the
// longest prefix that fits (at least one code point), cut back to its last space unless it ends a
// word.
std::vector<std::string> reference(std::string_view text, float width) {
    std::vector<std::string> out;
    for (;;) {
        const size_t nl = text.find('\n');
        std::string_view p = text.substr(0, nl);
        if (p.empty()) out.emplace_back();
        while (!p.empty()) {
            const std::u32string cps = vmeste::utf8::decode(p);
            size_t n = 1;
            while (n < cps.size() &&
                   proportional(vmeste::utf8::encode(cps.substr(0, n + 1))) <= width)
                ++n;
            if (proportional(p) <= width) {
                out.emplace_back(p);
                break;
            }
            size_t cut = vmeste::utf8::encode(cps.substr(0, n)).size();
            if (n < cps.size() && p[cut] != ' ') {
                const size_t space = p.substr(0, cut).rfind(' ');
                if (space != std::string_view::npos && space > 0) cut = space;
            }
            std::string_view line = p.substr(0, cut);
            while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
            out.emplace_back(line);
            p.remove_prefix(cut);
            while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
        }
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return out;
}
}  // namespace

TEST(TextWrap, CutsWhereTheDefinitionCutsWithAProportionalFont) {
    const std::string words[] = {"яма", "на",      "дороге", "у", "дома",
                                 "12",  "Ёлочная", "улица",  "x", "переосвидетельствование",
                                 "—",   "ok"};
    unsigned seed = 7;
    for (int round = 0; round < 200; ++round) {
        std::string text;
        const int n = 1 + static_cast<int>(seed % 40);
        for (int i = 0; i < n; ++i) {
            seed = seed * 1103515245u + 12345u;
            text += words[(seed >> 8) % std::size(words)];
            text += (seed >> 16) % 9 == 0 ? "\n" : (seed >> 16) % 5 == 0 ? "  " : " ";
        }
        const float width = 20.0f + static_cast<float>((seed >> 4) % 300);
        std::vector<std::string> got;
        for (auto l : wrap_text(text, width, proportional)) got.emplace_back(l);
        EXPECT_EQ(got, reference(text, width)) << "width " << width << ": " << text;
    }
}

// A 4,000-character appeal (the longest) is wrapped several times a frame on the review screen:
// measuring it must cost a few times its length, not once per code point of every line.
TEST(TextWrap, MeasuresALongTextAFewTimesItsLengthAtMost) {
    std::string text;
    while (vmeste::utf8::length(text) < 4000) text += "Во дворе дома 12 по улице Мира яма. ";
    long measured = 0;
    const MeasureFn counting = [&](std::string_view s) {
        measured += static_cast<long>(vmeste::utf8::length(s));
        return mono(s);
    };
    const auto lines = wrap_text(text, 600, counting);
    EXPECT_GT(lines.size(), 60u);
    EXPECT_LT(measured, 20L * static_cast<long>(vmeste::utf8::length(text)));
}
