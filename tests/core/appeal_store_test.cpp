#include "kiosk/core/appeal_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::core;

namespace {

Appeal sample(const std::string& receipt = "AAAA-0001") {
    return Appeal{new_uuid(), receipt, "roads", "Яма на дороге", Language::kRu, 1'790'000'000'000};
}

}  // namespace

TEST(AppealStore, InsertWritesTheAppealAndItsOutboxRow) {
    test::TempDir dir;
    auto store = AppealStore::open(dir.file("a.db"));
    ASSERT_TRUE(store) << store.error().message;
    Appeal a = sample();
    ASSERT_TRUE((*store)->insert_appeal(a, 1000));
    auto found = (*store)->find_by_receipt("AAAA-0001");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->appeal.text, "Яма на дороге");
    EXPECT_EQ((*found)->status, "queued");
    auto item = (*store)->next_due(1000);
    ASSERT_TRUE(item);
    EXPECT_EQ(item->idempotency_key, a.uuid);
    EXPECT_EQ(nlohmann::json::parse(item->body)["receipt_number"], "AAAA-0001");
    EXPECT_EQ((*store)->queue_figures()->pending, 1);
}

TEST(AppealStore, SurvivesReopenAndUsesWalWithFullSync) {
    test::TempDir dir;
    {
        auto store = AppealStore::open(dir.file("a.db"));
        ASSERT_TRUE(store);
        ASSERT_TRUE((*store)->insert_appeal(sample(), 1000));
    }
    auto again = AppealStore::open(dir.file("a.db"));
    ASSERT_TRUE(again);
    EXPECT_TRUE((*again)->find_by_receipt("AAAA-0001").value().has_value());
    EXPECT_TRUE(std::filesystem::exists(dir.file("a.db-wal")));
}

TEST(AppealStore, ReceiptCollisionIsAConflictAndWritesNothing) {
    test::TempDir dir;
    auto store = AppealStore::open(dir.file("a.db"));
    ASSERT_TRUE((*store)->insert_appeal(sample("SAME-0000"), 1));
    auto second = (*store)->insert_appeal(sample("SAME-0000"), 1);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::kConflict);
    EXPECT_EQ((*store)->queue_figures()->pending, 1);  // no orphan outbox row
}

TEST(AppealStore, OutboxHonoursNextAttemptTimeAndStates) {
    test::TempDir dir;
    auto store = AppealStore::open(dir.file("a.db"));
    ASSERT_TRUE((*store)->insert_appeal(sample("AAAA-0001"), 100));
    ASSERT_TRUE((*store)->insert_appeal(sample("AAAA-0002"), 100));
    auto first = (*store)->next_due(100);
    ASSERT_TRUE(first);
    ASSERT_TRUE((*store)->schedule_retry(first->id, 1, 5000, "HTTP 503"));
    auto second = (*store)->next_due(100);
    ASSERT_TRUE(second);
    EXPECT_NE(second->id, first->id);
    ASSERT_TRUE((*store)->mark_delivered(second->id, "POS-000001", "registered"));
    EXPECT_FALSE((*store)->next_due(4999));
    EXPECT_EQ(*(*store)->earliest_due(), 5000);
    auto retried = (*store)->next_due(5000);
    ASSERT_TRUE(retried);
    EXPECT_EQ(retried->attempts, 1);
    ASSERT_TRUE((*store)->quarantine(retried->id, "HTTP 422: bad category"));
    auto f = (*store)->queue_figures();
    EXPECT_EQ(f->pending, 0);
    EXPECT_EQ(f->delivered, 1);
    EXPECT_EQ(f->quarantined, 1);
    EXPECT_EQ(f->last_error, "HTTP 422: bad category");
    auto delivered = (*store)->find_by_receipt("AAAA-0002");
    EXPECT_EQ((*delivered)->platform_id, "POS-000001");
    EXPECT_EQ((*delivered)->status, "registered");
}

TEST(AppealStore, ACorruptFileIsMovedAsideNotReused) {
    test::TempDir dir;
    {
        std::ofstream f(dir.file("a.db"), std::ios::binary);
        f << "SQLite format 3" << std::string(1, '\0') << std::string(4096, 'x');
    }
    auto store = AppealStore::open(dir.file("a.db"));
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->moved_aside());
    EXPECT_TRUE(std::filesystem::exists(*(*store)->moved_aside()));
    EXPECT_EQ(std::filesystem::file_size(*(*store)->moved_aside()), 16u + 4096u);
    EXPECT_TRUE((*store)->insert_appeal(sample(), 1));
}

TEST(AppealStore, RefusesAStoreFromANewerKiosk) {
    test::TempDir dir;
    ASSERT_TRUE(AppealStore::open(dir.file("a.db")));
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("a.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto store = AppealStore::open(dir.file("a.db"));
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message.find("newer than this kiosk"), std::string::npos);
}
