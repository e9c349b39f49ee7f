// The on-screen keyboard's model: layouts (ЙЦУКЕН, QWERTY, digits and punctuation), shift, and
// what a key press means. Pure data and logic, no ImGui: tests/ui/keyboard_test.cpp checks it
// alone, and ui/screens.cpp only draws it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vmeste::ui {

enum class KeyboardLayout { kCyrillic, kLatin };
// kPhone: the digits pad of the phone field; kReceipt: the receipt number's alphabet (Crockford
// base32: digits and the letters without I, L, O, U).
enum class KeyboardPage {
    kLetters,
    kSymbols,
    kPhone,
    kReceipt
};  // kPhone: the digits pad of the phone field

struct KeyboardState {
    KeyboardLayout layout = KeyboardLayout::kCyrillic;
    KeyboardPage page = KeyboardPage::kLetters;
    bool shift = false;  // one-shot: the next letter is upper case
    bool caps = false;   // shift pressed twice: upper case until pressed again
    bool upper() const { return shift || caps; }
};

enum class KeyKind { kChar, kShift, kBackspace, kSpace, kEnter, kPage, kLayout };

struct Key {
    KeyKind kind = KeyKind::kChar;
    std::string lower;   // kChar: what is typed without shift
    std::string upper;   // kChar: with shift
    float width = 1.0f;  // in key units; a row's keys are scaled to fill the row
    std::string id;      // stable widget id: "kbd/й", "kbd/shift", …
};

// Rows top to bottom for the state's layout and page (kPhone: 1–9, 0 and backspace, big keys).
const std::vector<std::vector<Key>>& keyboard_rows(const KeyboardState& state);

struct KeyEffect {
    std::optional<std::string> insert;  // text to append
    bool backspace = false;
};

// Applies a key to the state (shift turns off after a letter; page and layout switch) and says
// what it does to the text.
KeyEffect press_key(KeyboardState& state, const Key& key);

}  // namespace vmeste::ui
