#include "kiosk/core/fields.h"

#include <algorithm>

#include "kiosk/base/utf8.h"

namespace vmeste::core {

const char* field_name(Field f) {
    switch (f) {
        case Field::kText:
            return "text";
        case Field::kSearch:
            return "search";
        case Field::kAddress:
            return "address";
        case Field::kName:
            return "name";
        case Field::kPhone:
            return "phone";
        case Field::kEmail:
            return "email";
        case Field::kReceipt:
            return "receipt";
        case Field::kComment:
            return "comment";
        case Field::kAnswer:
            return "answer";
    }
    return "?";
}

const char* field_problem_name(FieldProblem p) {
    switch (p) {
        case FieldProblem::kOk:
            return "ok";
        case FieldProblem::kEmpty:
            return "empty";
        case FieldProblem::kNameTooShort:
            return "name_too_short";
        case FieldProblem::kNameCharacters:
            return "name_characters";
        case FieldProblem::kPhoneIncomplete:
            return "phone_incomplete";
        case FieldProblem::kPhoneCode:
            return "phone_code";
        case FieldProblem::kEmailFormat:
            return "email_format";
        case FieldProblem::kAddressTooShort:
            return "address_too_short";
    }
    return "?";
}

namespace {

bool continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

bool is_space(char32_t c) {
    return c == U' ' || c == U'\n' || c == U'\t';
}

bool is_letter(char32_t c) {
    return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= 0x0410 && c <= 0x044F) ||
           c == 0x0401 || c == 0x0451;
}

}  // namespace

bool TextField::insert(std::string_view text, size_t max_cp) {
    const std::string add = utf8::sanitize(text);
    const size_t have = utf8::length(value);
    const size_t room = max_cp > have ? max_cp - have : 0;
    const std::string_view fits = utf8::prefix(add, room);
    caret = std::min(caret, value.size());
    value.insert(caret, fits);
    caret += fits.size();
    return fits.size() == add.size();
}

void TextField::backspace() {
    if (caret == 0) return;
    size_t start = caret - 1;
    while (start > 0 && continuation(value[start])) --start;
    value.erase(start, caret - start);
    caret = start;
}

void TextField::left() {
    if (caret == 0) return;
    --caret;
    while (caret > 0 && continuation(value[caret])) --caret;
}

void TextField::right() {
    if (caret >= value.size()) return;
    ++caret;
    while (caret < value.size() && continuation(value[caret])) ++caret;
}

void TextField::delete_word() {
    const std::u32string before = utf8::decode(std::string_view(value).substr(0, caret));
    size_t keep = before.size();
    while (keep > 0 && is_space(before[keep - 1])) --keep;
    while (keep > 0 && !is_space(before[keep - 1])) --keep;
    const std::string head = utf8::encode(std::u32string_view(before).substr(0, keep));
    value.erase(head.size(), caret - head.size());
    caret = head.size();
}

FieldProblem check_name(std::string_view name) {
    const std::u32string cps = utf8::decode(name);
    int letters = 0;
    for (char32_t c : cps) {
        if (is_letter(c))
            ++letters;
        else if (!(c == U' ' || c == U'-' || c == U'\'' || c == U'.' || c == 0x2019))
            return FieldProblem::kNameCharacters;
    }
    if (letters == 0) return FieldProblem::kEmpty;
    if (letters < 2) return FieldProblem::kNameTooShort;
    return FieldProblem::kOk;
}

FieldProblem check_phone(std::string_view digits) {
    if (digits.empty()) return FieldProblem::kEmpty;
    if (digits.size() < 10) return FieldProblem::kPhoneIncomplete;
    // After +7: 3xx/4xx/8xx geographic and non-geographic, 9xx mobile.
    if (std::string_view("3489").find(digits[0]) == std::string_view::npos)
        return FieldProblem::kPhoneCode;
    return FieldProblem::kOk;
}

FieldProblem check_email(std::string_view email) {
    if (email.empty()) return FieldProblem::kOk;
    const size_t at = email.find('@');
    if (at == std::string_view::npos || at == 0 ||
        email.find('@', at + 1) != std::string_view::npos)
        return FieldProblem::kEmailFormat;
    const std::string_view domain = email.substr(at + 1);
    const size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size() ||
        domain.find("..") != std::string_view::npos)
        return FieldProblem::kEmailFormat;
    if (std::any_of(email.begin(), email.end(),
                    [](char c) { return c == ' ' || c == '\n' || c == ',' || c == ';'; }))
        return FieldProblem::kEmailFormat;
    return FieldProblem::kOk;
}

FieldProblem check_address(std::string_view address) {
    size_t meaningful = 0;
    for (char32_t c : utf8::decode(address)) meaningful += !is_space(c);
    if (meaningful == 0) return FieldProblem::kEmpty;
    if (meaningful < 5) return FieldProblem::kAddressTooShort;
    return FieldProblem::kOk;
}

std::string format_phone(std::string_view d) {
    std::string s = "+7";
    if (d.empty()) return s;
    s += " (";
    for (size_t i = 0; i < d.size() && i < 10; ++i) {
        if (i == 3) s += ") ";
        if (i == 6 || i == 8) s += '-';
        s += d[i];
    }
    return s;
}

std::string phone_e164(std::string_view digits) {
    return "+7" + std::string(digits);
}

std::string fold_for_search(std::string_view s) {
    std::u32string cps = utf8::decode(s);
    for (char32_t& c : cps) {
        if (c >= U'A' && c <= U'Z') c += 32;
        if (c >= 0x0410 && c <= 0x042F) c += 32;
        if (c == 0x0401 || c == 0x0451) c = 0x0435;  // Ё, ё → е
    }
    return utf8::encode(cps);
}

}  // namespace vmeste::core
