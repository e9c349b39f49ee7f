// Where a long Russian (or English) word may be broken with a hyphen, for a label whose word is
// wider than its button even at the smallest size allowed (issue #21, point 6: never
// «Предпринимательств|о»). Russian: P. Khristov's rules, the ones word processors used before
// dictionaries — after й/ь/ъ before two letters, and between syllables at vowel–consonant
// patterns (gs-sg, sg-sg, gs-ssg, gss-ssg, sg-gs) — never leaving one letter alone.
// English words are broken only between a vowel and a consonant pair (rare on this screen).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ui/text_wrap.h"

namespace vmeste::ui {

// Byte offsets in `word` (UTF-8) where a hyphen may go: the first part is word[0, offset).
std::vector<size_t> hyphenation_points(std::string_view word);

// `text` with each word wider than `width` (as `measure` says) broken at the last point where
// "part-" fits, a '\n' after the hyphen, as often as the word needs. Words that fit are left.
std::string hyphenate_to_fit(std::string_view text, float width, const MeasureFn& measure);

}  // namespace vmeste::ui
