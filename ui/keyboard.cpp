#include "ui/keyboard.h"

#include <array>

namespace vmeste::ui {
namespace {

std::vector<Key> letters(std::initializer_list<std::pair<const char*, const char*>> pairs) {
    std::vector<Key> row;
    for (auto [lo, up] : pairs)
        row.push_back(Key{KeyKind::kChar, lo, up, 1.0f, std::string("kbd/") + lo});
    return row;
}

Key special(KeyKind k, float width, const char* id) {
    return Key{k, "", "", width, id};
}

std::vector<std::vector<Key>> build(KeyboardLayout layout, KeyboardPage page) {
    std::vector<std::vector<Key>> rows;
    if (page == KeyboardPage::kSymbols) {
        rows.push_back(letters({{"1", "1"},
                                {"2", "2"},
                                {"3", "3"},
                                {"4", "4"},
                                {"5", "5"},
                                {"6", "6"},
                                {"7", "7"},
                                {"8", "8"},
                                {"9", "9"},
                                {"0", "0"}}));
        rows.push_back(letters({{"-", "-"},
                                {"/", "/"},
                                {":", ":"},
                                {";", ";"},
                                {"(", "("},
                                {")", ")"},
                                {"«", "«"},
                                {"»", "»"},
                                {"\"", "\""},
                                {"№", "№"}}));
        // "," and "." are on the bottom row of every page, so not repeated here.
        auto r3 = letters({{"?", "?"},
                           {"!", "!"},
                           {"'", "'"},
                           {"%", "%"},
                           {"+", "+"},
                           {"=", "="},
                           {"*", "*"},
                           {"&", "&"},
                           {"@", "@"}});
        r3.push_back(special(KeyKind::kBackspace, 1.6f, "kbd/backspace"));
        rows.push_back(std::move(r3));
    } else if (layout == KeyboardLayout::kCyrillic) {
        rows.push_back(letters({{"й", "Й"},
                                {"ц", "Ц"},
                                {"у", "У"},
                                {"к", "К"},
                                {"е", "Е"},
                                {"н", "Н"},
                                {"г", "Г"},
                                {"ш", "Ш"},
                                {"щ", "Щ"},
                                {"з", "З"},
                                {"х", "Х"},
                                {"ъ", "Ъ"}}));
        rows.push_back(letters({{"ф", "Ф"},
                                {"ы", "Ы"},
                                {"в", "В"},
                                {"а", "А"},
                                {"п", "П"},
                                {"р", "Р"},
                                {"о", "О"},
                                {"л", "Л"},
                                {"д", "Д"},
                                {"ж", "Ж"},
                                {"э", "Э"},
                                {"ё", "Ё"}}));
        auto r3 = letters({{"я", "Я"},
                           {"ч", "Ч"},
                           {"с", "С"},
                           {"м", "М"},
                           {"и", "И"},
                           {"т", "Т"},
                           {"ь", "Ь"},
                           {"б", "Б"},
                           {"ю", "Ю"}});
        r3.insert(r3.begin(), special(KeyKind::kShift, 1.5f, "kbd/shift"));
        r3.push_back(special(KeyKind::kBackspace, 1.5f, "kbd/backspace"));
        rows.push_back(std::move(r3));
    } else {
        rows.push_back(letters({{"q", "Q"},
                                {"w", "W"},
                                {"e", "E"},
                                {"r", "R"},
                                {"t", "T"},
                                {"y", "Y"},
                                {"u", "U"},
                                {"i", "I"},
                                {"o", "O"},
                                {"p", "P"}}));
        rows.push_back(letters({{"a", "A"},
                                {"s", "S"},
                                {"d", "D"},
                                {"f", "F"},
                                {"g", "G"},
                                {"h", "H"},
                                {"j", "J"},
                                {"k", "K"},
                                {"l", "L"}}));
        auto r3 = letters(
            {{"z", "Z"}, {"x", "X"}, {"c", "C"}, {"v", "V"}, {"b", "B"}, {"n", "N"}, {"m", "M"}});
        r3.insert(r3.begin(), special(KeyKind::kShift, 1.5f, "kbd/shift"));
        r3.push_back(special(KeyKind::kBackspace, 1.5f, "kbd/backspace"));
        rows.push_back(std::move(r3));
    }
    // The bottom row is the same on every page, so a finger finds space and the switches.
    std::vector<Key> bottom;
    bottom.push_back(special(KeyKind::kPage, 1.5f, "kbd/page"));
    bottom.push_back(special(KeyKind::kLayout, 1.5f, "kbd/layout"));
    auto punct = letters({{",", ","}});
    bottom.push_back(punct[0]);
    bottom.push_back(special(KeyKind::kSpace, 5.0f, "kbd/space"));
    auto dot = letters({{".", "."}});
    bottom.push_back(dot[0]);
    bottom.push_back(special(KeyKind::kEnter, 1.5f, "kbd/enter"));
    rows.push_back(std::move(bottom));
    return rows;
}

const std::vector<std::vector<Key>>& phone_rows() {
    static const std::vector<std::vector<Key>> kRows = [] {
        std::vector<std::vector<Key>> rows;
        for (const char* row : {"123", "456", "789"}) {
            std::vector<Key> r;
            for (const char* c = row; *c; ++c) {
                const std::string d(1, *c);
                r.push_back(Key{KeyKind::kChar, d, d, 3.0f, "kbd/" + d});
            }
            rows.push_back(std::move(r));
        }
        rows.push_back({Key{KeyKind::kChar, "0", "0", 3.0f, "kbd/0"},
                        special(KeyKind::kBackspace, 3.0f, "kbd/backspace")});
        return rows;
    }();
    return kRows;
}

}  // namespace

const std::vector<std::vector<Key>>& receipt_rows() {
    static const std::vector<std::vector<Key>> kRows = [] {
        std::vector<std::vector<Key>> rows;
        for (const char* row : {"1234567890", "ABCDEFGHJK", "MNPQRSTVWX", "YZ"}) {
            std::vector<Key> r;
            for (const char* c = row; *c; ++c) {
                const std::string d(1, *c);
                r.push_back(Key{KeyKind::kChar, d, d, 1.2f, "kbd/" + d});
            }
            rows.push_back(std::move(r));
        }
        rows.back().push_back(special(KeyKind::kBackspace, 2.4f, "kbd/backspace"));
        return rows;
    }();
    return kRows;
}

const std::vector<std::vector<Key>>& keyboard_rows(const KeyboardState& state) {
    if (state.page == KeyboardPage::kPhone) return phone_rows();
    if (state.page == KeyboardPage::kReceipt) return receipt_rows();
    static const std::array<std::vector<std::vector<Key>>, 4> kRows = {
        build(KeyboardLayout::kCyrillic, KeyboardPage::kLetters),
        build(KeyboardLayout::kLatin, KeyboardPage::kLetters),
        build(KeyboardLayout::kCyrillic, KeyboardPage::kSymbols),
        build(KeyboardLayout::kLatin, KeyboardPage::kSymbols),
    };
    const size_t i = (state.page == KeyboardPage::kSymbols ? 2 : 0) +
                     (state.layout == KeyboardLayout::kLatin ? 1 : 0);
    return kRows[i];
}

KeyEffect press_key(KeyboardState& s, const Key& key) {
    KeyEffect e;
    switch (key.kind) {
        case KeyKind::kChar:
            e.insert = s.upper() ? key.upper : key.lower;
            s.shift = false;
            break;
        case KeyKind::kShift:
            // Off → one letter upper case → all upper case (caps) → off.
            if (s.caps) {
                s.caps = false;
            } else if (s.shift) {
                s.shift = false;
                s.caps = true;
            } else {
                s.shift = true;
            }
            break;
        case KeyKind::kBackspace:
            e.backspace = true;
            break;
        case KeyKind::kSpace:
            e.insert = " ";
            break;
        case KeyKind::kEnter:
            e.insert = "\n";
            break;
        case KeyKind::kPage:
            s.page =
                s.page == KeyboardPage::kSymbols ? KeyboardPage::kLetters : KeyboardPage::kSymbols;
            s.shift = false;
            break;
        case KeyKind::kLayout:
            s.layout = s.layout == KeyboardLayout::kCyrillic ? KeyboardLayout::kLatin
                                                             : KeyboardLayout::kCyrillic;
            s.page = KeyboardPage::kLetters;
            s.shift = false;
            break;
    }
    return e;
}

}  // namespace vmeste::ui
