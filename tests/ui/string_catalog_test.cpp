#include "ui/string_catalog.h"

#include <gtest/gtest.h>

#include "kiosk/base/utf8.h"
#include "kiosk/core/catalog.h"
#include "ui/fonts.h"

using namespace vmeste::ui;

TEST(StringCatalog, BothLanguagesHaveTheSameKeys) {
    const auto& c = StringCatalog::bundled();
    EXPECT_FALSE(c.keys(Language::kRu).empty());
    EXPECT_EQ(c.keys(Language::kRu), c.keys(Language::kEn));
}

TEST(StringCatalog, NoEmptyStringsAndRussianIsRussian) {
    const auto& c = StringCatalog::bundled();
    for (const auto& k : c.keys(Language::kRu)) {
        EXPECT_FALSE(c.get(Language::kRu, k).empty()) << k;
        EXPECT_FALSE(c.get(Language::kEn, k).empty()) << k;
    }
    EXPECT_EQ(c.get(Language::kRu, "attract.report"), "Сообщить о проблеме");
    EXPECT_EQ(c.get(Language::kEn, "attract.report"), "Report a problem");
}

TEST(StringCatalog, PlaceholdersAreFilledAndMatchAcrossLanguages) {
    const auto& c = StringCatalog::bundled();
    EXPECT_EQ(c.format(Language::kRu, "common.step", {"2", "3"}), "Шаг 2 из 3");
    for (const auto& k : c.keys(Language::kRu))
        for (const char* tag : {"{0}", "{1}"})
            EXPECT_EQ(c.get(Language::kRu, k).find(tag) == std::string::npos,
                      c.get(Language::kEn, k).find(tag) == std::string::npos)
                << k << " " << tag;
}

TEST(StringCatalog, AMissingKeyIsVisibleAndRemembered) {
    auto c = StringCatalog::parse(R"({"a": "А"})", R"({"a": "A"})");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->get(Language::kEn, "nope"), "⟦nope⟧");
    EXPECT_EQ(c->missing().count("en:nope"), 1u);
}

TEST(StringCatalog, RejectsNonStringValues) {
    EXPECT_FALSE(StringCatalog::parse(R"({"a": 1})", R"({})"));
    EXPECT_FALSE(StringCatalog::parse("[", "{}"));
}

TEST(StringCatalog, EveryCharacterOnScreenHasAGlyph) {
    // The atlas holds only the ranges Russian and English need (ui/fonts.cpp); a character
    // outside them would show as "?". Strings, category names and the keyboard are checked.
    const auto& c = StringCatalog::bundled();
    auto check = [](const std::string& s, const std::string& where) {
        for (char32_t ch : vmeste::utf8::decode(s)) {
            if (ch < 0x20) continue;
            EXPECT_TRUE(vmeste::ui::font_has_glyph(ch)) << where << ": U+" << std::hex << int(ch);
        }
    };
    for (auto lang : {Language::kRu, Language::kEn})
        for (const auto& k : c.keys(lang)) check(c.get(lang, k), k);
    const auto& cat = vmeste::core::CategoryCatalog::bundled();
    for (const auto& top : cat.categories()) check(top.name_ru + top.name_en, top.id);
    for (const auto& l : cat.leaves()) check(l.name_ru + l.name_en + l.group_ru + l.group_en, l.id);
}
