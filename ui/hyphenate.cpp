#include "ui/hyphenate.h"

#include <cstdint>

namespace vmeste::ui {
namespace {

enum class Kind { kVowel, kConsonant, kSign, kOther };

Kind kind_of(char32_t c) {
    static const std::u32string vowels = U"аеёиоуыэюяАЕЁИОУЫЭЮЯaeiouyAEIOUY";
    static const std::u32string signs = U"йьъЙЬЪ";
    if (vowels.find(c) != std::u32string::npos) return Kind::kVowel;
    if (signs.find(c) != std::u32string::npos) return Kind::kSign;
    if ((c >= U'а' && c <= U'я') || (c >= U'А' && c <= U'Я') || (c >= U'a' && c <= U'z') ||
        (c >= U'A' && c <= U'Z'))
        return Kind::kConsonant;
    return Kind::kOther;
}

struct Letter {
    Kind kind;
    size_t offset;  // of its first byte
};

std::vector<Letter> letters_of(std::string_view s) {
    std::vector<Letter> out;
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const int n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : 4;
        char32_t c = n == 1 ? b : b & (0x3F >> (n - 1));
        for (int k = 1; k < n && i + k < s.size(); ++k)
            c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back({kind_of(c), i});
        i += n;
    }
    return out;
}

}  // namespace

std::vector<size_t> hyphenation_points(std::string_view word) {
    const std::vector<Letter> l = letters_of(word);
    const size_t n = l.size();
    std::vector<size_t> out;
    auto is = [&](size_t i, Kind k) { return i < n && l[i].kind == k; };
    auto letter = [&](size_t i) { return i < n && l[i].kind != Kind::kOther; };
    auto V = [&](size_t i) { return is(i, Kind::kVowel); };
    auto C = [&](size_t i) { return is(i, Kind::kConsonant); };
    // A break before letter i: each part keeps a vowel and at least two letters.
    auto keeps_vowels = [&](size_t i) {
        bool before = false, after = false;
        for (size_t k = 0; k < i; ++k) before |= l[k].kind == Kind::kVowel;
        for (size_t k = i; k < n; ++k) after |= l[k].kind == Kind::kVowel;
        return before && after;
    };
    for (size_t i = 2; i + 1 < n; ++i) {
        bool ok = false;
        // x-ll: after й, ь, ъ when two letters follow.
        if (is(i - 1, Kind::kSign) && letter(i) && letter(i + 1)) ok = true;
        // gs-sg, sg-sg, sg-gs: between syllables.
        else if (V(i - 2) && C(i - 1) && C(i) && V(i + 1))
            ok = true;
        else if (C(i - 2) && V(i - 1) && C(i) && V(i + 1))
            ok = true;
        else if (C(i - 2) && V(i - 1) && V(i) && C(i + 1))
            ok = true;
        // gs-ssg and gss-ssg; not gss-sg: a syllable starts with the whole cluster it can
        // («ус-трой», «Пред-при», never «Предп-ри»).
        else if (V(i - 2) && C(i - 1) && C(i) && C(i + 1) && V(i + 2))
            ok = true;
        else if (i >= 3 && V(i - 3) && C(i - 2) && C(i - 1) && C(i) && C(i + 1) && V(i + 2))
            ok = true;
        // Never before й, ь, ъ; never leaving one letter.
        if (ok && !is(i, Kind::kSign) && i >= 2 && n - i >= 2 && keeps_vowels(i))
            out.push_back(l[i].offset);
    }
    return out;
}

std::string hyphenate_to_fit(std::string_view text, float width, const MeasureFn& measure) {
    std::string out;
    for (size_t at = 0; at <= text.size();) {
        size_t end = text.find_first_of(" \n", at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view word = text.substr(at, end - at);
        while (measure(word) > width) {
            size_t cut = 0;
            for (size_t p : hyphenation_points(word))
                if (measure(std::string(word.substr(0, p)) + "-") <= width) cut = p;
            if (cut == 0) break;  // no point fits: wrap_text cuts it as before
            out.append(word.substr(0, cut)).append("-\n");
            word.remove_prefix(cut);
        }
        out.append(word);
        if (end < text.size()) out += text[end];
        at = end + 1;
    }
    return out;
}

}  // namespace vmeste::ui
