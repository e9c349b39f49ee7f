#include "kiosk/core/appeal.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

using namespace vmeste::core;

TEST(Appeal, UuidsAreVersion4AndDistinct) {
    const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto u = new_uuid();
        ASSERT_TRUE(std::regex_match(u, v4)) << u;
        seen.insert(u);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(Appeal, ReceiptNumbersAreShortCrockfordAndUnambiguous) {
    const std::regex form("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$");
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        auto r = new_receipt_number();
        ASSERT_TRUE(std::regex_match(r, form)) << r;
        seen.insert(r);
    }
    EXPECT_GT(seen.size(), 1990u);  // 40 bits: collisions this early would mean a broken source
}

TEST(Appeal, RequestJsonCarriesEveryField) {
    Appeal a{"0b7c6f9e-1d2a-4c3b-9e8f-123456789abc",
             "7K3Q-9PXA",
             "roads",
             "Яма у дома №5, «опасно»",
             Language::kRu,
             1'790'000'000'123};
    auto j = nlohmann::json::parse(appeal_request_json(a));
    EXPECT_EQ(j["id"], a.uuid);
    EXPECT_EQ(j["receipt_number"], "7K3Q-9PXA");
    EXPECT_EQ(j["category"], "roads");
    EXPECT_EQ(j["text"], a.text);
    EXPECT_EQ(j["language"], "ru");
    EXPECT_EQ(j["kind"], "message");
    EXPECT_EQ(j["created_at"], "2026-09-21T14:13:20.123Z");
}
