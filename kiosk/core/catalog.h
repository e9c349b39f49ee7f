// CategoryCatalog: the рубрикатор the citizen picks from, three levels deep (category → group →
// leaf, the regional systems' object → category → cause). Loaded from JSON: the default copy is
// compiled in; the platform's copy (GET /api/v1/catalogue, ETag) replaces it once synced. Each
// leaf carries its answer deadline in working days, whether a photo is required, and an optional
// season.
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
    std::string icon;  // a name from the catalogue ("roads"); the UI draws its own picture

    const std::string& name(Language l) const { return l == Language::kRu ? name_ru : name_en; }
};

// A selectable cause: "Яма на дороге" under Ремонт дорог → Дорога.
struct CategoryLeaf {
    std::string id;        // "roads.road.pothole"
    std::string top_id;    // "roads"
    std::string group_ru;  // "Дорога"
    std::string group_en;
    std::string name_ru;
    std::string name_en;
    int deadline_working_days = 30;
    bool photo_required = false;
    int season_from = 0;  // MMDD, 0: all year
    int season_to = 0;    // MMDD; may be < season_from (the season wraps the new year)

    const std::string& name(Language l) const { return l == Language::kRu ? name_ru : name_en; }
    bool in_season(int month, int day) const;
};

class CategoryCatalog {
  public:
    static Result<CategoryCatalog> parse(std::string_view json);
    static const CategoryCatalog& bundled();  // the copy compiled into the binary

    const std::vector<Category>& categories() const { return categories_; }
    const std::vector<CategoryLeaf>& leaves() const { return leaves_; }
    const CategoryLeaf* find_leaf(std::string_view id) const;
    const Category* find(std::string_view id) const;
    const std::string& version() const { return version_; }

  private:
    std::string version_;
    std::vector<Category> categories_;
    std::vector<CategoryLeaf> leaves_;
};

}  // namespace vmeste::core
