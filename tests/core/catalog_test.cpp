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
