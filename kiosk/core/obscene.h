// ObsceneFilter: finds words an appeal may be left unanswered for (obscene or insulting language,
// 59-ФЗ art. 11), so the description screen can warn before sending. It only warns: the citizen
// may keep the text. The word list is bundled (data/obscene.json).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::core {

class ObsceneFilter {
  public:
    static Result<ObsceneFilter> parse(std::string_view json);
    static const ObsceneFilter& bundled();
    // The offending words as written (at most a few, for the warning); empty when clean.
    std::vector<std::string> find(std::string_view text, size_t limit = 3) const;
    bool matches_word(const std::string& normalised_word) const;

  private:
    std::vector<std::string> prefixes_, stems_, starts_, exact_;
};

// Lower case, ё → е, Latin letters that look Cyrillic inside a Cyrillic word → Cyrillic.
std::string normalise_word(std::string_view word);

}  // namespace vmeste::core
