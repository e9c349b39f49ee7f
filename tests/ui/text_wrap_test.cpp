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
