#include "kiosk/core/catalog.h"

#include <gtest/gtest.h>

using namespace vmeste::core;

TEST(CategoryCatalog, BundledCopyHasTheFifteenTopicsAndOther) {
    const auto& c = CategoryCatalog::bundled();
    ASSERT_EQ(c.categories().size(), 16u);
    EXPECT_EQ(c.categories().back().id, "other");
    EXPECT_EQ(c.categories().back().name_ru, "Другое");
    ASSERT_NE(c.find("roads"), nullptr);
    EXPECT_EQ(c.find("roads")->name(Language::kRu), "Ремонт дорог");
    EXPECT_EQ(c.find("roads")->name(Language::kEn), "Road repair");
    for (const auto& cat : c.categories()) {
        EXPECT_FALSE(cat.name_ru.empty()) << cat.id;
        EXPECT_FALSE(cat.name_en.empty()) << cat.id;
    }
}

TEST(CategoryCatalog, RejectsBrokenFiles) {
    EXPECT_FALSE(CategoryCatalog::parse("not json"));
    EXPECT_FALSE(CategoryCatalog::parse(R"({"categories": []})"));
    EXPECT_FALSE(CategoryCatalog::parse(R"({"categories": [{"id": "a"}]})"));
    auto dup = CategoryCatalog::parse(
        R"({"categories": [{"id": "a", "name": {"ru": "А"}}, {"id": "a", "name": {"ru": "Б"}}]})");
    ASSERT_FALSE(dup);
    EXPECT_NE(dup.error().message.find("repeated id"), std::string::npos);
}

TEST(CategoryCatalog, EnglishFallsBackToRussian) {
    auto c = CategoryCatalog::parse(R"({"categories": [{"id": "x", "name": {"ru": "Икс"}}]})");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->find("x")->name(Language::kEn), "Икс");
}

TEST(CategoryCatalog, BundledCopyHasThreeLevelsWithDeadlinesPhotosAndSeasons) {
    const auto& c = CategoryCatalog::bundled();
    ASSERT_GE(c.leaves().size(), 30u);
    // Every top-level category has at least one leaf, so the citizen can always go on.
    for (const auto& cat : c.categories()) {
        bool has_leaf = false;
        for (const auto& l : c.leaves()) has_leaf |= l.top_id == cat.id;
        EXPECT_TRUE(has_leaf) << cat.id;
    }
    const CategoryLeaf* pothole = c.find_leaf("roads.road.pothole");
    ASSERT_NE(pothole, nullptr);
    EXPECT_EQ(pothole->group_ru, "Дорога");
    EXPECT_EQ(pothole->deadline_working_days, 10);
    EXPECT_TRUE(pothole->photo_required);
    EXPECT_TRUE(pothole->in_season(7, 1));
    // Snow is a winter leaf whose season wraps the new year.
    const CategoryLeaf* snow = c.find_leaf("improvement.yard.snow");
    ASSERT_NE(snow, nullptr);
    EXPECT_TRUE(snow->in_season(1, 10));
    EXPECT_TRUE(snow->in_season(12, 31));
    EXPECT_TRUE(snow->in_season(11, 15));
    EXPECT_FALSE(snow->in_season(7, 1));
    EXPECT_FALSE(snow->in_season(11, 14));
    EXPECT_NE(c.find_leaf("other.other.other"), nullptr);
}

TEST(CategoryCatalog, RejectsBadLeaves) {
    auto leaf = [](const std::string& fields) {
        return CategoryCatalog::parse(
            R"({"categories": [{"id": "a", "name": {"ru": "А"}, "children": [{"name": {"ru": "Г"},
                "children": [{"id": "a.g.l", "name": {"ru": "Л"})" +
            fields + "}]}]}]}");
    };
    EXPECT_TRUE(leaf(""));
    EXPECT_TRUE(leaf(R"(, "season": {"from": "02-29", "to": "03-01"})"));
    auto bad_deadline = leaf(R"(, "deadline_working_days": 0)");
    ASSERT_FALSE(bad_deadline);
    EXPECT_NE(bad_deadline.error().message.find("a.g.l"), std::string::npos);
    EXPECT_FALSE(leaf(R"(, "deadline_working_days": "ten")"));
    EXPECT_FALSE(leaf(R"(, "photo_required": "yes")"));
    EXPECT_FALSE(leaf(R"(, "season": {"from": "13-01", "to": "03-01"})"));
    EXPECT_FALSE(leaf(R"(, "season": {"from": "02-30", "to": "03-01"})"));
    EXPECT_FALSE(leaf(R"(, "season": {"from": "2-1", "to": "03-01"})"));
    // A leaf id that repeats a category id is ambiguous.
    EXPECT_FALSE(CategoryCatalog::parse(
        R"({"categories": [{"id": "a", "name": {"ru": "А"}, "children": [{"name": {"ru": "Г"},
            "children": [{"id": "a", "name": {"ru": "Л"}}]}]}]})"));
}
