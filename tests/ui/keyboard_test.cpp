#include "ui/keyboard.h"

#include <gtest/gtest.h>

#include <set>

using namespace vmeste::ui;

namespace {
const Key& key(const KeyboardState& s, const std::string& id) {
    for (const auto& row : keyboard_rows(s))
        for (const auto& k : row)
            if (k.id == id) return k;
    throw std::runtime_error("no key " + id);
}
}  // namespace

TEST(Keyboard, CyrillicLayoutIsJcukenWithAllThirtyThreeLetters) {
    KeyboardState s;
    const auto& rows = keyboard_rows(s);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0][0].lower, "й");
    EXPECT_EQ(rows[0][1].lower, "ц");
    EXPECT_EQ(rows[1][0].lower, "ф");
    std::set<std::string> letters;
    for (const auto& row : rows)
        for (const auto& k : row)
            if (k.kind == KeyKind::kChar && k.lower != k.upper) letters.insert(k.lower);
    EXPECT_EQ(letters.size(), 33u);
}

TEST(Keyboard, ShiftIsOneShot) {
    KeyboardState s;
    press_key(s, key(s, "kbd/shift"));
    EXPECT_TRUE(s.shift);
    EXPECT_EQ(*press_key(s, key(s, "kbd/я")).insert, "Я");
    EXPECT_FALSE(s.shift);
    EXPECT_EQ(*press_key(s, key(s, "kbd/я")).insert, "я");
}

TEST(Keyboard, ShiftTwiceLocksCapitalsUntilPressedAgain) {
    KeyboardState s;
    press_key(s, key(s, "kbd/shift"));
    press_key(s, key(s, "kbd/shift"));
    EXPECT_TRUE(s.caps);
    EXPECT_EQ(*press_key(s, key(s, "kbd/м")).insert, "М");
    EXPECT_EQ(*press_key(s, key(s, "kbd/ф")).insert, "Ф");
    EXPECT_EQ(*press_key(s, key(s, "kbd/ц")).insert, "Ц");
    press_key(s, key(s, "kbd/shift"));
    EXPECT_FALSE(s.upper());
    EXPECT_EQ(*press_key(s, key(s, "kbd/ц")).insert, "ц");
}

TEST(Keyboard, LayoutSwitchGoesToQwertyLetters) {
    KeyboardState s;
    press_key(s, key(s, "kbd/page"));
    EXPECT_EQ(s.page, KeyboardPage::kSymbols);
    press_key(s, key(s, "kbd/layout"));
    EXPECT_EQ(s.layout, KeyboardLayout::kLatin);
    EXPECT_EQ(s.page, KeyboardPage::kLetters);
    EXPECT_EQ(keyboard_rows(s)[0][0].lower, "q");
}

TEST(Keyboard, SymbolsPageHasDigitsAndRussianPunctuation) {
    KeyboardState s{KeyboardLayout::kCyrillic, KeyboardPage::kSymbols, false};
    EXPECT_EQ(*press_key(s, key(s, "kbd/7")).insert, "7");
    EXPECT_EQ(*press_key(s, key(s, "kbd/№")).insert, "№");
    EXPECT_EQ(*press_key(s, key(s, "kbd/«")).insert, "«");
}

TEST(Keyboard, SpecialKeys) {
    KeyboardState s;
    EXPECT_EQ(*press_key(s, key(s, "kbd/space")).insert, " ");
    EXPECT_EQ(*press_key(s, key(s, "kbd/enter")).insert, "\n");
    EXPECT_TRUE(press_key(s, key(s, "kbd/backspace")).backspace);
}

TEST(Keyboard, KeyIdsAreUniqueOnEveryPage) {
    for (auto layout : {KeyboardLayout::kCyrillic, KeyboardLayout::kLatin})
        for (auto page : {KeyboardPage::kLetters, KeyboardPage::kSymbols}) {
            std::set<std::string> ids;
            for (const auto& row : keyboard_rows({layout, page, false}))
                for (const auto& k : row) EXPECT_TRUE(ids.insert(k.id).second) << k.id;
        }
}
