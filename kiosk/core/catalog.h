// CategoryCatalog: the рубрикатор the citizen picks from. Loaded from JSON (the default copy is
// compiled in; the platform's copy replaces it once synced in issue #4). Leaves, seasons and
// deadlines arrive with issue #6; today every top-level category is selectable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/result.h"
#include "kiosk/core/language.h"

namespace vmeste::core {

struct Category {
    std::string id;
    std::string name_ru;
    std::string name_en;

    const std::string& name(Language l) const { return l == Language::kRu ? name_ru : name_en; }
};

class CategoryCatalog {
  public:
    static Result<CategoryCatalog> parse(std::string_view json);
    static const CategoryCatalog& bundled();  // the copy compiled into the binary

    const std::vector<Category>& categories() const { return categories_; }
    const Category* find(std::string_view id) const;
    const std::string& version() const { return version_; }

  private:
    std::string version_;
    std::vector<Category> categories_;
};

}  // namespace vmeste::core
