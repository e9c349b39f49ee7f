// The obscene-language warning: real offending words are found (with the usual disguises), and
// ordinary words that contain the same letters are not.
#include "kiosk/core/obscene.h"

#include <gtest/gtest.h>

using namespace vmeste::core;

TEST(Obscene, FindsTheWordsAsWrittenWithTheUsualDisguises) {
    const auto& f = ObsceneFilter::bundled();
    EXPECT_EQ(f.find("Опять эта сука-управляющая ничего не делает, бля"),
              (std::vector<std::string>{"сука", "бля"}));
    EXPECT_EQ(f.find("Всё ЗАЕБАЛО, дорога разъебана").size(), 2u);
    EXPECT_EQ(f.find("Всем похуй на нашу яму").size(), 1u);
    EXPECT_EQ(f.find("Ёбаные ямы").size(), 1u);
    EXPECT_EQ(f.find("пиздец").size(), 1u);
    // Latin look-alikes inside a Cyrillic word.
    EXPECT_EQ(f.find("xуйня какая-то").size(), 1u);
    EXPECT_EQ(f.find("This is bullshit? No: this is shit.").size(), 1u);
    EXPECT_EQ(f.find("one two three", 1).size(), 0u);
}

TEST(Obscene, OrdinaryWordsWithTheSameLettersAreLeftAlone) {
    const auto& f = ObsceneFilter::bundled();
    for (const char* clean :
         {"Прошу проверить себя и свою работу", "Вебинар для жителей не провели",
          "Бляшка на ремне ребёнка", "Мандарины продают на улице", "Страхуем машины",
          "Употреблять воду нельзя", "Небо, хлеб, погреб, учебник, обед, требую, ребята",
          "Мудрый совет: сухие сучья убрать", "Херсонская улица", "Dick Street, Scunthorpe"})
        EXPECT_TRUE(f.find(clean).empty()) << clean;
}

TEST(Obscene, ABrokenListIsRefused) {
    EXPECT_FALSE(ObsceneFilter::parse("{}"));
    EXPECT_FALSE(
        ObsceneFilter::parse(R"({"prefixes": [], "stems": [""], "starts": [], "exact": []})"));
    EXPECT_EQ(normalise_word("ЁЖИК"), "ежик");
}
