// StringCatalog: every visible word of every screen, per language, from ui/strings/<lang>.json
// (compiled into the binary). Screens ask for keys; a key missing from a catalog shows as
// ⟦key⟧ on screen and is remembered, so tests can fail on it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/result.h"
#include "kiosk/core/language.h"

namespace vmeste::ui {

using core::Language;

class StringCatalog {
  public:
    static Result<StringCatalog> parse(std::string_view ru_json, std::string_view en_json);
    static const StringCatalog& bundled();

    const std::string& get(Language l, std::string_view key) const;
    // True when the Russian catalog has the key (both catalogs have the same keys: tested).
    bool has(std::string_view key) const { return ru_.find(key) != ru_.end(); }
    // get() with {0}, {1}… replaced by args.
    std::string format(Language l, std::string_view key,
                       const std::vector<std::string>& args) const;

    std::vector<std::string> keys(Language l) const;
    const std::set<std::string>& missing() const { return missing_; }
    void clear_missing() const { missing_.clear(); }

  private:
    std::map<std::string, std::string, std::less<>> ru_, en_;
    mutable std::set<std::string> missing_;
    mutable std::map<std::string, std::string, std::less<>> placeholders_;
};

}  // namespace vmeste::ui
