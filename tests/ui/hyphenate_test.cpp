// Russian hyphenation for labels that cannot fit whole (issue #21, point 6). Expected breaks are
// the dictionary's (Лопатин's orthographic dictionary gives the syllables), written out by hand.
#include "ui/hyphenate.h"

#include <gtest/gtest.h>

using namespace vmeste::ui;

namespace {

// The word with '-' at each point the code allows.
std::string marked(const std::string& word) {
    std::string out;
    size_t from = 0;
    for (size_t p : hyphenation_points(word)) {
        out += word.substr(from, p - from) + "-";
        from = p;
    }
    return out + word.substr(from);
}

// A monospace measure: every code point is 1 wide.
float chars(std::string_view s) {
    float n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

}  // namespace

TEST(Hyphenate, RussianWordsBreakBetweenSyllablesAndAfterSoftAndHardSigns) {
    EXPECT_EQ(marked("Предпринимательство"), "Пред-при-ни-ма-тель-ство");
    EXPECT_EQ(marked("Благоустройство"), "Бла-го-ус-трой-ство");
    EXPECT_EQ(marked("Здравоохранение"), "Здра-во-ох-ра-не-ние");
    EXPECT_EQ(marked("подъезд"), "подъ-езд");
}

TEST(Hyphenate, NoBreakLeavesALetterAloneOrComesBeforeASign) {
    EXPECT_EQ(marked("яма"), "яма");
    EXPECT_EQ(marked("свет"), "свет");
    for (const std::string w : {"Объявление", "семья", "район", "Пенсии"})
        for (size_t p : hyphenation_points(w)) {
            EXPECT_GE(chars(w.substr(0, p)), 2) << w;
            EXPECT_GE(chars(w.substr(p)), 2) << w;
            const std::string next = w.substr(p, 2);
            EXPECT_TRUE(next != "ь" && next != "ъ" && next != "й") << w << " before " << next;
        }
}

TEST(Hyphenate, ALabelIsBrokenOnlyWhereAWordDoesNotFit) {
    EXPECT_EQ(hyphenate_to_fit("Предпринимательство и экономика", 16, chars),
              "Предприниматель-\nство и экономика");
    EXPECT_EQ(hyphenate_to_fit("Благоустройство", 8, chars), "Благоус-\nтройство");
    EXPECT_EQ(hyphenate_to_fit("Благоустройство", 6, chars), "Благо-\nус-\nтрой-\nство");
    EXPECT_EQ(hyphenate_to_fit("Дороги и транспорт", 10, chars), "Дороги и транспорт");
}
