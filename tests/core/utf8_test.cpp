#include "kiosk/base/utf8.h"

#include <gtest/gtest.h>

using namespace vmeste;

TEST(Utf8, CountsCodePointsNotBytes) {
    EXPECT_EQ(utf8::length("яма"), 3u);
    EXPECT_EQ(utf8::length("a№«»"), 4u);
    EXPECT_EQ(utf8::length(""), 0u);
}

TEST(Utf8, RejectsBrokenSequences) {
    EXPECT_TRUE(utf8::is_valid("Привет, world"));
    EXPECT_FALSE(utf8::is_valid("\xD0"));              // truncated
    EXPECT_FALSE(utf8::is_valid("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(utf8::is_valid("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(utf8::is_valid("\xF4\x90\x80\x80"));  // past U+10FFFF
}

TEST(Utf8, PopBackRemovesAWholeCodePoint) {
    std::string s = "дом№";
    utf8::pop_back(s);
    EXPECT_EQ(s, "дом");
    utf8::pop_back(s);
    EXPECT_EQ(s, "до");
    std::string empty;
    utf8::pop_back(empty);
    EXPECT_EQ(empty, "");
}

TEST(Utf8, SanitizeKeepsTextAndNewlinesDropsControlsAndGarbage) {
    EXPECT_EQ(utf8::sanitize("яма\nна\tдороге\x01"), "яма\nнадороге");
    EXPECT_EQ(utf8::sanitize("ok\xFF\xD0"), "ok");
    EXPECT_TRUE(utf8::is_valid(utf8::sanitize("\xE2\x82 tail")));
}

TEST(Utf8, PrefixCutsAtCodePointBoundaries) {
    EXPECT_EQ(utf8::prefix("ёжик", 2), "ёж");
    EXPECT_EQ(utf8::prefix("ёжик", 10), "ёжик");
    EXPECT_EQ(utf8::prefix("ёжик", 0), "");
}

TEST(Utf8, DecodeAndEncodeRoundTripAndMarkBrokenBytes) {
    const std::string s = "Ёж, №5 — 😀";
    EXPECT_EQ(utf8::encode(utf8::decode(s)), s);
    EXPECT_EQ(utf8::decode("a\xFF"
                           "b"),
              U"a\uFFFDb");
    EXPECT_EQ(utf8::decode("\xD0"), U"\uFFFD");  // cut in the middle
    // What is_valid rejects, decode marks too, byte by byte: an overlong '/' and a surrogate.
    EXPECT_EQ(utf8::decode("\xC0\xAF"), U"\uFFFD\uFFFD");
    EXPECT_EQ(utf8::decode("x\xED\xA0\x80"), U"x\uFFFD\uFFFD\uFFFD");
}
