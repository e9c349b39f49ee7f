// Fields a citizen types into on the on-screen keyboard: the description, the leaf search, the
// address, name, phone and e-mail. Each is text plus a caret (a byte offset at a code-point
// boundary); editing happens at the caret. The rules that say whether a value will do (and which
// message to show next to the field) are here too, so the UI only draws them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vmeste::core {

enum class Field { kText, kSearch, kAddress, kName, kPhone, kEmail, kReceipt, kComment, kAnswer };
constexpr int kFieldCount = 9;
const char* field_name(Field f);

struct TextField {
    std::string value;
    size_t caret = 0;  // bytes; always at a code-point boundary, ≤ value.size()

    // Inserts sanitized UTF-8 at the caret, at most `max_cp` code points in all. Returns false
    // when some of it did not fit.
    bool insert(std::string_view text, size_t max_cp);
    void backspace();  // the code point before the caret
    void left();       // one code point
    void right();
    void delete_word();  // back to the start of the word before the caret (spaces first)
    void clear() { value.clear(), caret = 0; }
};

// Why a value will not do; kOk when it will. The UI maps each to a message in both languages.
enum class FieldProblem {
    kOk,
    kEmpty,            // required and nothing typed
    kNameTooShort,     // fewer than 2 letters
    kNameCharacters,   // digits or symbols in a name
    kPhoneIncomplete,  // fewer than 10 digits after +7
    kPhoneCode,        // a Russian number starts with 3, 4, 8 or 9 after +7
    kEmailFormat,      // not name@domain.zone
    kAddressTooShort,  // fewer than 5 characters: not something a worker can find
};
const char* field_problem_name(FieldProblem p);

FieldProblem check_name(std::string_view name);
// `digits`: the 10 digits after +7 as typed (the field accepts only digits).
FieldProblem check_phone(std::string_view digits);
// Optional: empty is fine.
FieldProblem check_email(std::string_view email);
FieldProblem check_address(std::string_view address);

// "+7 (912) 345-67" — the mask as far as it is filled, for the field on screen.
std::string format_phone(std::string_view digits);
// "+79123456789" (E.164) from the 10 digits.
std::string phone_e164(std::string_view digits);

// Lower case with ё → е, for matching what a citizen types against names.
std::string fold_for_search(std::string_view s);

}  // namespace vmeste::core
