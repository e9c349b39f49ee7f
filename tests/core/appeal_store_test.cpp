#include "kiosk/core/appeal_store.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::core;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<AppealStore> open_store(const test::TempDir& dir, StoreOptions o = {}) {
    o.data_dir = dir.path();
    auto s = AppealStore::open(o);
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(s).value() : nullptr;
}

// Lower-case hex SHA-256, by libsodium directly (not the store's own helper).
std::string sha256_of(const std::string& data) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The photo files in the spool (each appeal's sealed record beside them is not counted here).
std::vector<std::string> spool(const test::TempDir& dir) {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(dir.path() + "/spool"))
        if (!e.path().filename().string().ends_with(".appeal.sealed"))
            out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
}

void deliver_all(AppealStore& s, int64_t now) {
    while (auto item = s.next_due(now))
        ASSERT_TRUE(s.mark_delivered(item->id, "POS-1", "registered", now));
}

}  // namespace

TEST(AppealStore, AcceptStoresTheAppealItsPhotosAndItsOutboxItems) {
    test::TempDir dir;
    auto s = open_store(dir);
    auto req = test::appeal_request("AAAA-0001", "Яма на дороге у дома 5", 3);
    req.contact = Contact{"Иван Петров", "+79001234567", ""};
    req.consent = Consent{"2025-09-01", 1000};
    ASSERT_TRUE(s->accept(req, 1000));
    auto found = s->find_by_receipt("AAAA-0001");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->appeal.text, "Яма на дороге у дома 5");
    EXPECT_EQ((*found)->contact->name, "Иван Петров");
    EXPECT_EQ((*found)->photo_count, 3);
    EXPECT_EQ((*found)->status, "queued");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(*s->read_photo(req.appeal.uuid, i), req.photos[i]);
    EXPECT_EQ(spool(dir).size(), 3u);
    // Beside them the appeal's own record, sealed: what a lost store is rebuilt from.
    const std::string record = slurp(dir.path() + "/spool/" + req.appeal.uuid + ".appeal.sealed");
    EXPECT_GT(record.size(), 100u);
    EXPECT_EQ(record.find("Иван"), std::string::npos);
    auto f = s->queue_figures();
    EXPECT_EQ(f->pending, 4);  // three photos and the appeal
    EXPECT_EQ(f->queued_appeals, 1);
    EXPECT_GT(f->queued_bytes, 3 * 20'000);
}

// The answers to a city service's questions (Open311 attributes) are kept sealed with the appeal,
// in the store and in its spool record, and go out in the appeal's body (issue #18).
TEST(AppealStore, TheCitizensAnswersAreKeptSealedAndGoOutWithTheAppeal) {
    test::TempDir dir;
    auto s = open_store(dir);
    auto req = test::appeal_request("ANSW-0001");
    req.appeal.answers = {{"depth", {"15"}}, {"kinds", {"тротуар", "обочина"}}};
    ASSERT_TRUE(s->accept(req, 1000));
    auto found = s->find_by_receipt("ANSW-0001");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->appeal.answers, req.appeal.answers);
    const std::string record = slurp(dir.path() + "/spool/" + req.appeal.uuid + ".appeal.sealed");
    EXPECT_EQ(record.find("обочина"), std::string::npos) << "sealed, not plain";
    auto item = s->next_due(1000);
    ASSERT_TRUE(item && item->kind == "appeal");
    const auto body = nlohmann::json::parse(item->body);
    EXPECT_EQ(body["attributes"]["depth"], nlohmann::json::array({"15"}));
    EXPECT_EQ(body["attributes"]["kinds"], nlohmann::json::array({"тротуар", "обочина"}));
    // An appeal without answers carries no attributes at all.
    ASSERT_TRUE(s->accept(test::appeal_request("ANSW-0002"), 2000));
    EXPECT_TRUE((*s->find_by_receipt("ANSW-0002"))->appeal.answers.empty());
}

TEST(AppealStore, PersonalDataIsUnreadableInTheRawFiles) {
    test::TempDir dir;
    auto s = open_store(dir);
    auto req = test::appeal_request("AAAA-0002", "УНИКАЛЬНЫЙ-ТЕКСТ-ОБРАЩЕНИЯ у подъезда", 2);
    req.contact = Contact{"Фамилия-Известная", "+79998887766", "known@example.org"};
    ASSERT_TRUE(s->accept(req, 1));
    std::string everything = slurp(dir.file("appeals.db")) + slurp(dir.file("appeals.db-wal"));
    for (const auto& f : spool(dir)) everything += slurp(dir.path() + "/spool/" + f);
    // A photo's SHA-256 in the clear would confirm a guess of the photo (issue #20, point 7).
    for (const std::string& needle : std::vector<std::string>{
             "УНИКАЛЬНЫЙ-ТЕКСТ", "Фамилия-Известная", "+79998887766", "known@example.org",
             req.photos[0].substr(100, 64), req.photos[1].substr(5000, 64),
             sha256_of(req.photos[0]), sha256_of(req.photos[1])})
        EXPECT_EQ(everything.find(needle), std::string::npos) << needle.substr(0, 20);
    // ...while what is not personal stays readable for staff tools.
    EXPECT_NE(everything.find("AAAA-0002"), std::string::npos);
}

TEST(AppealStore, TheDeviceKeyIsPrivateAndNeverReplaced) {
    test::TempDir dir;
    { auto s = open_store(dir); }
    struct stat st {};
    ASSERT_EQ(::stat(dir.file("device.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(st.st_size, 32);
    ::chmod(dir.file("device.key").c_str(), 0644);
    auto exposed = AppealStore::open(test::store_options(dir.path()));
    ASSERT_FALSE(exposed);
    EXPECT_NE(exposed.error().message.find("readable by others"), std::string::npos);
    std::ofstream(dir.file("device.key"), std::ios::trunc) << "short";
    ::chmod(dir.file("device.key").c_str(), 0600);
    auto broken = AppealStore::open(test::store_options(dir.path()));
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("refusing to replace it"), std::string::npos);
}

TEST(AppealStore, SurvivesReopen) {
    test::TempDir dir;
    auto req = test::appeal_request("AAAA-0003", "Не горит фонарь", 1);
    { ASSERT_TRUE(open_store(dir)->accept(req, 1)); }
    auto s = open_store(dir);
    EXPECT_EQ((*s->find_by_receipt("AAAA-0003"))->appeal.text, "Не горит фонарь");
    EXPECT_EQ(*s->read_photo(req.appeal.uuid, 0), req.photos[0]);
    EXPECT_TRUE(*s->integrity_ok());
}

TEST(AppealStore, AReceiptCollisionIsAConflictAndLeavesNothingBehind) {
    test::TempDir dir;
    auto s = open_store(dir);
    ASSERT_TRUE(s->accept(test::appeal_request("SAME-0000"), 1));
    auto second = s->accept(test::appeal_request("SAME-0000", "другое", 2), 1);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::kConflict);
    EXPECT_EQ(s->queue_figures()->pending, 1);
    EXPECT_TRUE(spool(dir).empty());  // the second appeal's photos were removed
}

TEST(AppealStore, MediaGoBeforeTheirAppealAndRetriesWait) {
    test::TempDir dir;
    auto s = open_store(dir);
    ASSERT_TRUE(s->accept(test::appeal_request("BBBB-0001", "с фото", 1), 100));
    auto media = s->next_due(100);
    ASSERT_TRUE(media);
    EXPECT_EQ(media->kind, "media");
    ASSERT_TRUE(s->schedule_retry(media->id, 1, 5000, "HTTP 503"));
    EXPECT_FALSE(s->next_due(4999));  // the appeal waits for its photo
    EXPECT_EQ(*s->earliest_due(), 100);
    auto again = s->next_due(5000);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->attempts, 1);
    EXPECT_EQ(again->content_sha256, sha256_hex(again->body));
    ASSERT_TRUE(s->mark_delivered(again->id, "MED-1", "", 5000));
    auto appeal = s->next_due(5000);
    ASSERT_TRUE(appeal);
    EXPECT_EQ(appeal->kind, "appeal");
    auto body = nlohmann::json::parse(appeal->body);
    EXPECT_EQ(body["text"], "с фото");
    EXPECT_EQ(body["photos"].size(), 1u);
    ASSERT_TRUE(s->quarantine(appeal->id, "HTTP 422: bad category"));
    auto f = s->queue_figures();
    EXPECT_EQ(f->pending, 0);
    EXPECT_EQ(f->delivered, 1);
    EXPECT_EQ(f->quarantined, 1);
    EXPECT_EQ(f->last_error, "HTTP 422: bad category");
    EXPECT_EQ(s->audit_log(5)->front().action, "quarantine");
}

TEST(AppealStore, AVersionOneStoreUpgradesWithItsDataIntact) {
    test::TempDir dir;
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(dir.file("appeals.db").c_str(), &db), SQLITE_OK);
        const char* v1 = R"sql(
            CREATE TABLE appeals(uuid TEXT PRIMARY KEY, receipt_number TEXT NOT NULL UNIQUE,
              category_id TEXT NOT NULL, text TEXT NOT NULL, language TEXT NOT NULL,
              created_at INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'queued', platform_id TEXT);
            CREATE TABLE outbox(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
              appeal_uuid TEXT NOT NULL REFERENCES appeals(uuid), idempotency_key TEXT NOT NULL,
              body TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
              next_attempt_at INTEGER NOT NULL, last_error TEXT, created_at INTEGER NOT NULL);
            CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
            INSERT INTO appeals VALUES('u-1','OLD1-0001','roads','Старый текст про яму','ru',5,'queued',NULL);
            INSERT INTO appeals VALUES('u-2','OLD1-0002','housing','Доставлено давно','ru',6,'registered','POS-9');
            INSERT INTO outbox VALUES(1,'appeal','u-1','u-1','{"text":"Старый текст про яму"}','pending',3,77,'HTTP 503',5);
            INSERT INTO outbox VALUES(2,'appeal','u-2','u-2','{}','delivered',0,6,NULL,6);
            PRAGMA user_version=1;)sql";
        ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    auto s = open_store(dir);
    auto a = s->find_by_receipt("OLD1-0001");
    ASSERT_TRUE(a && *a);
    EXPECT_EQ((*a)->appeal.text, "Старый текст про яму");
    auto item = s->next_due(77);
    ASSERT_TRUE(item);
    EXPECT_EQ(item->attempts, 3);
    EXPECT_EQ(nlohmann::json::parse(item->body)["text"], "Старый текст про яму");
    EXPECT_EQ((*s->find_receipt("OLD1-0002"))->platform_id, "POS-9");
    EXPECT_EQ(s->queue_figures()->queued_appeals, 1);
    ASSERT_TRUE(s->checkpoint());
    EXPECT_EQ(slurp(dir.file("appeals.db")).find("Старый текст"), std::string::npos);  // sealed now
}

// Schema 10 (issue #20, point 7): a version-9 store kept each photo's SHA-256 in the clear; it is
// sealed at the upgrade and the photo still goes out with the hash the platform checks.
TEST(AppealStore, AVersionNineStoresPhotoHashesAreSealedAtTheUpgrade) {
    test::TempDir dir;
    const auto req = test::appeal_request("NINE-0001", "Яма", 1);
    const std::string hex = sha256_of(req.photos[0]);
    {
        auto s = open_store(dir);
        ASSERT_TRUE(s->accept(req, 1));
    }
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(dir.file("appeals.db").c_str(), &db), SQLITE_OK);
        const std::string v9 =
            "ALTER TABLE photos RENAME COLUMN sha256_sealed TO sha256;"
            "UPDATE photos SET sha256 = '" +
            hex +
            "';"
            "PRAGMA user_version=9;";
        ASSERT_EQ(sqlite3_exec(db, v9.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    ASSERT_NE(slurp(dir.file("appeals.db")).find(hex), std::string::npos) << "the old form";
    auto s = open_store(dir);
    ASSERT_TRUE(s->checkpoint());
    EXPECT_EQ(slurp(dir.file("appeals.db")).find(hex), std::string::npos) << "still in the clear";
    auto item = s->next_due(10'000'000);
    ASSERT_TRUE(item);
    ASSERT_EQ(item->kind, "media");
    EXPECT_EQ(item->content_sha256, hex);
    EXPECT_EQ(item->body, req.photos[0]);
}

TEST(AppealStore, RatingsOfAVersionSixStoreBecomeCitizenActions) {
    test::TempDir dir;
    open_store(dir).reset();  // a store, then turned back into version 6 with two ratings
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(dir.file("appeals.db").c_str(), &db), SQLITE_OK);
        const char* v6 = R"sql(
            CREATE TABLE ratings(uuid TEXT PRIMARY KEY, receipt_number TEXT NOT NULL,
              stars INTEGER NOT NULL, comment_sealed BLOB, created_at INTEGER NOT NULL,
              state TEXT NOT NULL DEFAULT 'pending', reason TEXT, settled_at INTEGER);
            INSERT INTO ratings VALUES('r-1','7K3Q-9PXA',5,NULL,1000,'pending',NULL,NULL);
            INSERT INTO ratings VALUES('r-2','7K3Q-9PXB',4,NULL,2000,'refused','HTTP 422',3000);
            PRAGMA user_version=6;)sql";
        ASSERT_EQ(sqlite3_exec(db, v6, nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    auto s = open_store(dir);
    auto pending = s->pending_actions(10);
    ASSERT_TRUE(pending);
    ASSERT_EQ(pending->size(), 1u) << "the refused one stays refused";
    const CitizenAction& a = (*pending)[0];
    EXPECT_EQ(a.uuid, "r-1") << "the idempotency key is kept";
    EXPECT_EQ(a.kind, "rating");
    EXPECT_EQ(action_path(a), "/api/v1/ratings");
    const auto body = nlohmann::json::parse(a.body);
    EXPECT_EQ(body["receipt_number"], "7K3Q-9PXA");
    EXPECT_EQ(body["stars"], 5);
    EXPECT_EQ(**s->action_state("r-2"), "refused");
}

TEST(AppealStore, ACorruptDatabaseIsMovedAsideNotReused) {
    test::TempDir dir;
    {
        std::ofstream f(dir.file("appeals.db"), std::ios::binary);
        f << "SQLite format 3" << std::string(1, '\0') << std::string(4096, 'x');
    }
    auto s = open_store(dir);
    ASSERT_TRUE(s->moved_aside());
    EXPECT_EQ(fs::file_size(*s->moved_aside()), 16u + 4096u);
    EXPECT_TRUE(s->accept(test::appeal_request("NEW0-0001"), 1));
    EXPECT_EQ(s->audit_log(10)->back().action, "store-moved-aside");
}

TEST(AppealStore, RefusesAStoreFromANewerKiosk) {
    test::TempDir dir;
    { open_store(dir); }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("appeals.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto s = AppealStore::open(test::store_options(dir.path()));
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("newer than this kiosk"), std::string::npos);
}

TEST(AppealStore, RecoverySetsOrphansAsideAndFlagsMissingOrDamagedPhotos) {
    test::TempDir dir;
    auto req_missing = test::appeal_request("RCV0-0001", "фото пропадёт", 2);
    auto req_damaged = test::appeal_request("RCV0-0002", "фото испортится", 1);
    {
        auto s = open_store(dir);
        ASSERT_TRUE(s->accept(req_missing, 1));
        ASSERT_TRUE(s->accept(req_damaged, 1));
    }
    fs::remove(dir.path() + "/spool/" + req_missing.appeal.uuid + "-1.jpg.sealed");
    // Cut short: boot sees it by its size (a byte damaged in place is found when it is sent).
    fs::resize_file(dir.path() + "/spool/" + req_damaged.appeal.uuid + "-0.jpg.sealed", 5000);
    std::ofstream(dir.path() + "/spool/orphan-0.jpg.sealed")
        << "left by an accept that never committed";
    std::ofstream(dir.path() + "/spool/.half.jpg.sealed.tmp") << "half";
    auto s = open_store(dir);
    auto report = s->recover();
    ASSERT_TRUE(report);
    EXPECT_EQ(report->set_aside_orphans, 1);
    EXPECT_EQ(report->set_aside_temporaries, 1);
    EXPECT_EQ(report->missing_photos, 1);
    EXPECT_EQ(report->damaged_photos, 1);
    EXPECT_EQ((*s->find_by_receipt("RCV0-0001"))->flagged, "photo missing");
    EXPECT_EQ((*s->find_by_receipt("RCV0-0002"))->flagged, "photo damaged");
    EXPECT_EQ(spool(dir).size(), 2u);  // the two good files of the flagged appeals stay
    // The orphan and the temporary are set aside whole, not deleted.
    std::ifstream orphan(dir.path() + "/orphans/orphan-0.jpg.sealed");
    std::string kept((std::istreambuf_iterator<char>(orphan)), {});
    EXPECT_EQ(kept, "left by an accept that never committed");
    EXPECT_TRUE(fs::exists(dir.path() + "/orphans/.half.jpg.sealed.tmp"));
    EXPECT_EQ(*s->read_photo(req_missing.appeal.uuid, 0), req_missing.photos[0]);
    // Nothing was deleted: the appeals stay for staff, their text intact.
    EXPECT_EQ((*s->find_by_receipt("RCV0-0002"))->appeal.text, "фото испортится");
}

TEST(AppealStore, BoundsRefuseNewAppealsWithTheReasonAndLoseNothing) {
    test::TempDir dir;
    uint64_t free_bytes = 1ull << 30;
    StoreOptions o;
    o.free_bytes = [&] { return free_bytes; };
    o.limits.max_queued_items = 2;
    auto s = open_store(dir, o);
    ASSERT_TRUE(s->accept(test::appeal_request("BND0-0001"), 1));
    ASSERT_TRUE(s->accept(test::appeal_request("BND0-0002"), 1));
    auto over_items = s->accept(test::appeal_request("BND0-0003"), 1);
    ASSERT_FALSE(over_items);
    EXPECT_EQ(over_items.error().code, ErrorCode::kNoSpace);
    EXPECT_NE(over_items.error().message.find("2 appeals waiting"), std::string::npos);
    deliver_all(*s, 2);  // the uploader catches up
    ASSERT_TRUE(s->accept(test::appeal_request("BND0-0003"), 3));

    free_bytes = 10ull << 20;  // below the 64 MiB minimum
    auto over_disk = s->accept(test::appeal_request("BND0-0004", "текст", 2), 4);
    ASSERT_FALSE(over_disk);
    EXPECT_NE(over_disk.error().message.find("MiB free"), std::string::npos);
    EXPECT_EQ(spool(dir).size(), 0u);
    for (const char* r : {"BND0-0001", "BND0-0002", "BND0-0003"})
        EXPECT_TRUE(*s->find_by_receipt(r)) << r;
    EXPECT_EQ(s->audit_log(1)->front().action, "refused-appeal");
    free_bytes = 1ull << 30;
    EXPECT_TRUE(s->accept(test::appeal_request("BND0-0004", "текст", 2), 5));
}

TEST(AppealStore, QueuedBytesBoundCountsPhotos) {
    test::TempDir dir;
    StoreOptions o;
    o.limits.max_queued_bytes = 100'000;
    auto s = open_store(dir, o);
    ASSERT_TRUE(s->accept(test::appeal_request("BYT0-0001", "x", 3), 1));  // ~63 KB
    auto over = s->accept(test::appeal_request("BYT0-0002", "y", 2), 1);
    ASSERT_FALSE(over);
    EXPECT_NE(over.error().message.find("MiB waiting"), std::string::npos);
}

TEST(AppealStore, RetentionPurgesPersonalDataAfterDeliveryAndKeepsTheReceipt) {
    test::TempDir dir;
    auto s = open_store(dir);
    const int64_t day = 24 * 3600 * 1000LL;
    auto old_one = test::appeal_request("RET0-0001", "давно доставлено", 2);
    ASSERT_TRUE(s->accept(old_one, 0));
    deliver_all(*s, 0);
    ASSERT_TRUE(s->accept(test::appeal_request("RET0-0002", "ещё не доставлено", 1), 0));
    EXPECT_EQ(*s->purge_expired(6 * day, 7), 0);  // not yet
    EXPECT_EQ(*s->purge_expired(8 * day, 7), 1);
    EXPECT_FALSE(*s->find_by_receipt("RET0-0001"));
    auto receipt = s->find_receipt("RET0-0001");
    ASSERT_TRUE(receipt && *receipt);
    EXPECT_TRUE((*receipt)->purged);
    EXPECT_EQ((*receipt)->status, "registered");
    EXPECT_EQ((*receipt)->platform_id, "POS-1");
    EXPECT_EQ(spool(dir).size(), 1u);               // only the undelivered appeal's photo
    EXPECT_TRUE(*s->find_by_receipt("RET0-0002"));  // undelivered: never purged
    size_t records = 0;                             // and its record alone
    for (auto& e : fs::directory_iterator(dir.path() + "/spool"))
        records += e.path().filename().string().ends_with(".appeal.sealed");
    EXPECT_EQ(records, 1u);
}

TEST(AppealStore, AStaffPurgeIsImmediateAndAudited) {
    test::TempDir dir;
    auto s = open_store(dir);
    ASSERT_TRUE(s->accept(test::appeal_request("DEL0-0001", "отзываю согласие", 1), 0));
    ASSERT_TRUE(s->purge_personal_data("DEL0-0001", "staff:1234", "consent withdrawn", 5));
    EXPECT_FALSE(*s->find_by_receipt("DEL0-0001"));
    EXPECT_TRUE(spool(dir).empty());
    EXPECT_TRUE(fs::is_empty(dir.path() + "/spool")) << "the appeal's record stayed";
    EXPECT_EQ(s->queue_figures()->pending, 0);
    EXPECT_EQ(s->queue_figures()->queued_appeals, 0);
    auto audit = s->audit_log(1);
    EXPECT_EQ(audit->front().actor, "staff:1234");
    EXPECT_EQ(audit->front().action, "purge-personal-data");
    EXPECT_EQ(audit->front().detail, "consent withdrawn");
    EXPECT_FALSE(s->purge_personal_data("DEL0-0001", "staff:1234", "again", 6));
}

TEST(AppealStore, OneVotePerIdentityAndPollEvenOffline) {
    test::TempDir dir;
    auto s = open_store(dir);
    const auto first = vote_action("POLL-1", "a", "esia-123", 1000);
    ASSERT_TRUE(s->accept_action(first));
    // The same citizen again, another choice: refused by the kiosk itself, nothing queued.
    const auto again = s->accept_action(vote_action("POLL-1", "b", "esia-123", 2000));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
    // What was refused for: the first vote, its body opened (the screen names that choice).
    const auto earlier = s->earlier_action(vote_action("POLL-1", "b", "esia-123", 2000).once_key);
    ASSERT_TRUE(earlier && *earlier);
    EXPECT_EQ((*earlier)->uuid, first.uuid);
    EXPECT_NE((*earlier)->body.find("\"option\":\"a\""), std::string::npos) << (*earlier)->body;
    EXPECT_FALSE(*s->earlier_action(vote_action("POLL-9", "a", "esia-123", 2000).once_key));
    // Another citizen, or another poll: fine.
    ASSERT_TRUE(s->accept_action(vote_action("POLL-1", "b", "esia-456", 3000)));
    ASSERT_TRUE(s->accept_action(vote_action("POLL-2", "b", "esia-123", 4000)));
    auto pending = s->pending_actions(10);
    ASSERT_TRUE(pending);
    ASSERT_EQ(pending->size(), 3u);
    EXPECT_EQ((*pending)[0].uuid, first.uuid);
    EXPECT_EQ((*pending)[0].body, first.body);  // sealed and opened back
    EXPECT_EQ(action_path((*pending)[0]), "/api/v1/polls/POLL-1/votes");
    // A vote the platform refused does not hold the place: the citizen may vote once more.
    ASSERT_TRUE(s->settle_action(first.uuid, "refused", "poll closed", 5000));
    EXPECT_EQ(**s->action_state(first.uuid), "refused");
    EXPECT_TRUE(s->accept_action(vote_action("POLL-1", "c", "esia-123", 6000)));
    EXPECT_EQ(s->pending_actions(10)->size(), 3u);
    EXPECT_FALSE(*s->action_state("no-such-uuid"));
}

TEST(AppealStore, ActionsSurviveReopenAndTheirContactIsSealed) {
    test::TempDir dir;
    std::string uuid;
    {
        auto s = open_store(dir);
        const auto a =
            support_action("7K3Q-9PXA", Contact{"Фамилия-Поддержки", "+79995554433", ""}, 1000);
        uuid = a.uuid;
        ASSERT_TRUE(s->accept_action(a));
        EXPECT_EQ(action_path(a), "/api/v1/appeals/by-receipt/7K3Q-9PXA/supporters");
    }
    const std::string raw = slurp(dir.file("appeals.db")) + slurp(dir.file("appeals.db-wal"));
    EXPECT_EQ(raw.find("Фамилия-Поддержки"), std::string::npos);
    EXPECT_EQ(raw.find("+79995554433"), std::string::npos);
    auto s = open_store(dir);
    auto pending = s->pending_actions(10);
    ASSERT_EQ(pending->size(), 1u);
    EXPECT_EQ((*pending)[0].uuid, uuid);
    EXPECT_NE((*pending)[0].body.find("Фамилия-Поддержки"), std::string::npos);
    ASSERT_TRUE(s->settle_action(uuid, "delivered", "", 2000));
    EXPECT_TRUE(s->pending_actions(10)->empty());
}

// Retention covers more than appeals (issue #17, point 10): a settled +1's body (a name and a
// phone) goes after the retention period, a pending one never; the audit log keeps a year.
TEST(AppealStore, RetentionEmptiesSettledActionsAndAgesTheAuditLog) {
    test::TempDir dir;
    const int64_t day = 24 * 3600 * 1000LL;
    const int64_t t0 = 1'790'000'000'000;
    auto s = open_store(dir);
    const auto settled = support_action("7K3Q-9PXA", Contact{"Иван", "+79995554433", ""}, t0);
    const auto waiting = support_action("7K3Q-9PXB", Contact{"Пётр", "+79995554434", ""}, t0);
    ASSERT_TRUE(s->accept_action(settled));
    ASSERT_TRUE(s->accept_action(waiting));
    ASSERT_TRUE(s->settle_action(settled.uuid, "delivered", "", t0));
    s->audit("test", "old", "", "", t0 - 400 * day);
    s->audit("test", "recent", "", "", t0);
    ASSERT_TRUE(s->purge_expired(t0 + 6 * day, 7));
    auto body_bytes = [&](const std::string& uuid) {
        sqlite3* db = nullptr;
        sqlite3_open(dir.file("appeals.db").c_str(), &db);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, "SELECT length(body_sealed) FROM citizen_actions WHERE uuid = ?", -1,
                           &st, nullptr);
        sqlite3_bind_text(st, 1, uuid.c_str(), -1, SQLITE_TRANSIENT);
        const int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
        sqlite3_finalize(st);
        sqlite3_close(db);
        return n;
    };
    EXPECT_GT(body_bytes(settled.uuid), 0) << "emptied before the retention period";
    ASSERT_TRUE(s->purge_expired(t0 + 8 * day, 7));
    EXPECT_EQ(body_bytes(settled.uuid), 0);
    EXPECT_GT(body_bytes(waiting.uuid), 0) << "a pending +1 was emptied";
    EXPECT_EQ(s->pending_actions(10)->front().body.find("Пётр") != std::string::npos, true);
    std::vector<std::string> actions;
    const auto log = s->audit_log(100);
    ASSERT_TRUE(log);
    for (const auto& e : *log) actions.push_back(e.action);
    EXPECT_EQ(std::count(actions.begin(), actions.end(), "old"), 0);
    EXPECT_EQ(std::count(actions.begin(), actions.end(), "recent"), 1);
}

TEST(AppealStore, NearbyFindsAppealsOfTheCategoryWithinTheRadiusNearestFirst) {
    test::TempDir dir;
    auto s = open_store(dir);
    auto add = [&](const std::string& receipt, const std::string& category, double lat,
                   double lon) {
        auto r = test::appeal_request(receipt, "Яма на дороге у дома 5", 1);
        r.appeal.category_id = category;
        r.appeal.place = Place{lat, lon, "", "map", {}, false};
        ASSERT_TRUE(s->accept(r, 1000));
    };
    // 0.001° of latitude is about 111 m.
    add("AAAA-0001", "roads", 55.4300, 37.5400);   // at the point
    add("AAAA-0002", "roads", 55.4320, 37.5400);   // ~222 m north
    add("AAAA-0003", "roads", 55.4330, 37.5400);   // ~334 m north
    add("AAAA-0004", "lights", 55.4301, 37.5400);  // near, another category
    auto addr = test::appeal_request("AAAA-0005", "Яма на дороге у дома 5");
    addr.appeal.place = Place{std::nullopt, std::nullopt, "ул. Ленина, 1", "address", {}, false};
    ASSERT_TRUE(s->accept(addr, 1000));  // no coordinates: cannot be near anything
    auto near = s->nearby("roads", 55.4319, 37.5400, 250, 10);  // ~11 m south of 0002
    ASSERT_TRUE(near);
    ASSERT_EQ(near->size(), 3u);
    EXPECT_EQ((*near)[0].receipt_number, "AAAA-0002");
    EXPECT_EQ((*near)[1].receipt_number, "AAAA-0003");
    EXPECT_EQ((*near)[2].receipt_number, "AAAA-0001");
    EXPECT_NEAR((*near)[0].distance_m, 11.1, 1.0);
    EXPECT_NEAR((*near)[2].distance_m, 211.3, 2.0);
    near = s->nearby("roads", 55.4300, 37.5400, 250, 10);  // 0003 is ~334 m from here
    ASSERT_EQ(near->size(), 2u);
    EXPECT_EQ((*near)[0].receipt_number, "AAAA-0001");
    EXPECT_EQ((*near)[1].receipt_number, "AAAA-0002");
    EXPECT_EQ((*near)[0].photo_count, 1);
    EXPECT_EQ((*near)[0].status, "queued");
    EXPECT_EQ(s->nearby("roads", 55.4319, 37.5400, 250, 1)->size(), 1u);
    EXPECT_TRUE(s->nearby("roads", 56.0, 38.0, 250, 10)->empty());
}

// An update rolled back: the older kiosk meets the store a newer one migrated
// (docs/storage.md "Versions"). A newer schema that says older readers can work on it
// (store_compat.min_reader) is used as it is — queued appeals go out, new ones are taken —; one
// that does not is refused with a clear message and left exactly as it was.
TEST(AppealStore, AnOlderKioskWorksOnANewerStoreThatAllowsItAndLeavesOneThatDoesNotAlone) {
    test::TempDir dir;
    const std::string db = dir.file("appeals.db");
    int64_t schema = 0;
    {
        auto s = core::AppealStore::open(test::store_options(dir.path())).value();
        ASSERT_TRUE(s->accept(test::appeal_request("NEWR-0001"), 1'000));
    }
    auto sql = [&](const std::string& q) {
        sqlite3* h = nullptr;
        ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
        char* err = nullptr;
        EXPECT_EQ(sqlite3_exec(h, q.c_str(), nullptr, nullptr, &err), SQLITE_OK)
            << (err ? err : "");
        sqlite3_free(err);
        sqlite3_close(h);
    };
    {
        sqlite3* h = nullptr;
        ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, nullptr);
        ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
        schema = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(h);
    }
    // What a next version's additive migration would do: a column, a table, its word.
    sql("ALTER TABLE outbox ADD COLUMN next_version_hint TEXT; "
        "CREATE TABLE next_version_things(x INTEGER); "
        "CREATE TABLE store_compat(min_reader INTEGER NOT NULL); "
        "INSERT INTO store_compat VALUES (" +
        std::to_string(schema) +
        "); "
        "PRAGMA user_version=" +
        std::to_string(schema + 1) + ";");
    {
        auto s = core::AppealStore::open(test::store_options(dir.path()));
        ASSERT_TRUE(s) << s.error().message;
        ASSERT_TRUE((*s)->accept(test::appeal_request("NEWR-0002"), 2'000));
        auto due = (*s)->next_due(3'000);
        ASSERT_TRUE(due);
        ASSERT_TRUE((*s)->mark_delivered(due->id, "P-1", "registered", 3'000));
        EXPECT_EQ((*s)->queue_figures()->queued_appeals, 1);
    }
    // A next version whose change older kiosks cannot work on.
    sql("UPDATE store_compat SET min_reader = " + std::to_string(schema + 1) + ";");
    std::ifstream before_in(db, std::ios::binary);
    const std::string before((std::istreambuf_iterator<char>(before_in)), {});
    auto refused = core::AppealStore::open(test::store_options(dir.path()));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    EXPECT_NE(refused.error().message.find("is newer than this kiosk"), std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("left as it is"), std::string::npos);
    std::ifstream after_in(db, std::ios::binary);
    const std::string after((std::istreambuf_iterator<char>(after_in)), {});
    EXPECT_EQ(before, after) << "the newer store was changed";
    EXPECT_FALSE(std::filesystem::exists(db + ".corrupt")) << "the newer store was moved aside";
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().filename().string().find(".corrupt-"), std::string::npos) << e.path();
}
