// Language: the two languages of every screen. Russian first, English second (brief).
#pragma once

#include <optional>
#include <string_view>

namespace vmeste::core {

enum class Language { kRu, kEn };

inline std::string_view code(Language l) {
    return l == Language::kRu ? "ru" : "en";
}

inline std::optional<Language> language_from_code(std::string_view c) {
    if (c == "ru") return Language::kRu;
    if (c == "en") return Language::kEn;
    return std::nullopt;
}

}  // namespace vmeste::core
