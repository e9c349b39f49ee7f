#include "ui/string_catalog.h"

#include <gtest/gtest.h>

#include <set>

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

// English reads as English (issue #21, point 10): no Cyrillic and no Russian guillemets, except
// where the Russian itself is the point (the language and keyboard buttons name Russian).
TEST(StringCatalog, EnglishHasNoCyrillicAndNoRussianQuotes) {
    const auto& c = StringCatalog::bundled();
    const std::set<std::string> russian_on_purpose = {"common.language", "keyboard.to_cyrillic",
                                                      "keyboard.letters_cyrillic"};
    for (const auto& k : c.keys(Language::kEn)) {
        if (russian_on_purpose.count(k)) continue;
        const std::string& s = c.get(Language::kEn, k);
        EXPECT_EQ(s.find("«"), std::string::npos) << k << ": " << s;
        EXPECT_EQ(s.find("»"), std::string::npos) << k << ": " << s;
        for (char32_t cp : vmeste::utf8::decode(s))
            EXPECT_FALSE(cp >= 0x0400 && cp <= 0x04FF) << k << ": " << s;
    }
}

// A name given as initials ends with its own full stop; the sentence does not add a second
// (issue #21, point 10: «Вы вошли как Иванова А. П..»).
TEST(StringCatalog, AValueEndingInAFullStopGetsNoSecondOne) {
    const auto& c = StringCatalog::bundled();
    EXPECT_EQ(c.format(Language::kRu, "vote.as", {"Иванова А. П."}),
              "Вы вошли как Иванова А. П. Выберите один вариант:");
    EXPECT_EQ(c.format(Language::kRu, "vote.as", {"Мария"}),
              "Вы вошли как Мария. Выберите один вариант:");
}

// The consent's buttons say what the citizen does (issue #21, point 10).
TEST(StringCatalog, TheConsentButtonsGiveOrWithholdConsent) {
    const auto& c = StringCatalog::bundled();
    EXPECT_EQ(c.get(Language::kRu, "consent.agree"), "Даю согласие →");
    EXPECT_EQ(c.get(Language::kRu, "consent.decline"), "Не даю согласия");
    EXPECT_NE(c.get(Language::kRu, "help.consent").find("«Даю согласие»"), std::string::npos);
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
