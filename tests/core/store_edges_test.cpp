// The store at its edges (issue #17): a damaged database salvaged row by row, a damaged log whose
// lost receipts are named, spool files that are set aside and never deleted at boot, one process
// per data directory, and a device key that two creators agree on. The same cases on real full
// and read-only file systems are in tests/disk/.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <barrier>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <unistd.h>

#include "kiosk/core/appeal_store.h"
#include "kiosk/core/data_dir_lock.h"
#include "kiosk/core/device_key.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::core;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<AppealStore> open_store(const std::string& dir) {
    auto s = AppealStore::open(test::store_options(dir));
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(s).value() : nullptr;
}

// Every regular file below `dir`, by name (spool and orphans alike), with its bytes.
std::map<std::string, std::string> files_below(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        out[e.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
    }
    return out;
}

std::map<std::string, std::string> photo_files(const std::string& dir) {
    auto all = files_below(dir);
    std::erase_if(all, [](const auto& kv) { return !kv.first.ends_with(".jpg.sealed"); });
    return all;
}

std::vector<AcceptRequest> accept_many(AppealStore& s, const std::string& prefix, int n,
                                       int photos) {
    std::vector<AcceptRequest> out;
    for (int i = 0; i < n; ++i) {
        char receipt[32];
        std::snprintf(receipt, sizeof receipt, "%s-%04d", prefix.c_str(), i);
        auto req = test::appeal_request(receipt, "обращение номер " + std::to_string(i), photos,
                                        static_cast<uint64_t>(i + 1));
        EXPECT_TRUE(s.accept(req, 1'790'000'000'000 + i));
        out.push_back(std::move(req));
    }
    return out;
}

// The pages SQLite keeps a table on (its dbstat table), from a closed database file.
std::vector<int64_t> pages_of(const std::string& db_path, const std::string& table) {
    sqlite3* db = nullptr;
    std::vector<int64_t> out;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'",
                               -1, &st, nullptr) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, table.c_str(), -1, SQLITE_TRANSIENT);
            while (sqlite3_step(st) == SQLITE_ROW) out.push_back(sqlite3_column_int64(st, 0));
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}

void overwrite(const std::string& path, int64_t offset, size_t n, char byte) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(offset);
    for (size_t i = 0; i < n; ++i) f.put(byte);
}

// What the uploader would send, drained without a network: every due item, marked delivered.
std::set<std::string> drain_appeal_keys(AppealStore& s) {
    std::set<std::string> appeals;
    for (int guard = 0; guard < 10'000; ++guard) {
        auto item = s.next_due(INT64_MAX / 2);
        if (!item) break;
        if (item->kind == "appeal") appeals.insert(item->idempotency_key);
        EXPECT_TRUE(s.mark_delivered(item->id, "p-" + item->idempotency_key, "registered", 1));
    }
    return appeals;
}

}  // namespace

TEST(StoreEdges, ADamagedTableElsewhereCostsNoAppealAndEveryOneIsStillSent) {
    test::TempDir dir;
    std::vector<AcceptRequest> accepted;
    {
        auto s = open_store(dir.path());
        accepted = accept_many(*s, "SLV0", 40, 1);
        for (int i = 0; i < 400; ++i)
            s->audit("test", "noise", std::to_string(i), std::string(200, 'x'), i);
        ASSERT_TRUE(s->checkpoint());
    }
    const auto photos_before = photo_files(dir.path());
    const auto audit_pages = pages_of(dir.file("appeals.db"), "audit_log");
    if (audit_pages.size() < 3) GTEST_SKIP() << "this SQLite has no dbstat table";
    // Garbage over a leaf of the audit log, in the middle of the file.
    overwrite(dir.file("appeals.db"), (audit_pages[audit_pages.size() / 2] - 1) * 4096 + 8, 600,
              '\x5a');

    auto s = open_store(dir.path());
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->moved_aside()) << "the damage was not noticed";
    ASSERT_TRUE(s->salvaged());
    EXPECT_GE(s->salvaged()->unreadable_stretches, 1);
    EXPECT_TRUE(fs::exists(*s->moved_aside())) << "the damaged store must stay for the technician";
    ASSERT_TRUE(s->recover());
    EXPECT_TRUE(*s->integrity_ok());
    for (const auto& req : accepted) {
        auto a = s->find_by_receipt(req.appeal.receipt_number);
        ASSERT_TRUE(a && *a) << req.appeal.receipt_number << " was not salvaged";
        EXPECT_EQ((*a)->appeal.text, req.appeal.text);
        EXPECT_EQ(*s->read_photo(req.appeal.uuid, 0), req.photos[0]);
    }
    EXPECT_EQ(s->queue_figures()->queued_appeals, 40);
    std::set<std::string> expected;
    for (const auto& req : accepted) expected.insert(req.appeal.uuid);
    EXPECT_EQ(drain_appeal_keys(*s), expected);
    EXPECT_EQ(photo_files(dir.path()), photos_before) << "a photo was deleted or changed";
}

TEST(StoreEdges, AStoreCutInHalfIsRebuiltFromTheSpoolWithEveryAppealWhole) {
    test::TempDir dir;
    std::vector<AcceptRequest> accepted;
    {
        auto s = open_store(dir.path());
        accepted = accept_many(*s, "HLF0", 60, 1);
        ASSERT_TRUE(s->checkpoint());
    }
    const auto photos_before = photo_files(dir.path());
    // Half the pages gone, the schema's among them: SQL reads nothing of it any more.
    fs::resize_file(dir.file("appeals.db"), fs::file_size(dir.file("appeals.db")) / 2);

    auto s = open_store(dir.path());
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->moved_aside());
    auto report = s->recover();
    ASSERT_TRUE(report);
    EXPECT_TRUE(*s->integrity_ok());
    EXPECT_EQ(report->restored_appeals + s->salvaged()->appeals, 60);
    std::set<std::string> expected;
    for (const auto& req : accepted) {
        auto a = s->find_by_receipt(req.appeal.receipt_number);
        ASSERT_TRUE(a && *a) << req.appeal.receipt_number << " is lost";
        EXPECT_EQ((*a)->appeal.text, req.appeal.text);
        EXPECT_EQ((*a)->appeal.created_unix_ms, req.appeal.created_unix_ms);
        EXPECT_EQ(*s->read_photo(req.appeal.uuid, 0), req.photos[0]);
        expected.insert(req.appeal.uuid);
    }
    EXPECT_TRUE(report->newly_lost_receipts.empty());
    std::printf(
        "store cut in half: 60 receipted, %lld salvaged by SQL, %d restored from the "
        "spool\n",
        static_cast<long long>(s->salvaged()->appeals), report->restored_appeals);
    EXPECT_EQ(s->queue_figures()->queued_appeals, 60);
    EXPECT_EQ(drain_appeal_keys(*s), expected);
    EXPECT_EQ(photo_files(dir.path()), photos_before);
}

// One flipped byte in the log: SQLite ends the log at that frame, by design and silently, and
// integrity_check says ok. What the spool holds comes back; what it does not is named.
TEST(StoreEdges, AFlippedByteInTheLogRestoresWhatTheSpoolHoldsAndNamesTheRest) {
    test::TempDir dir, copy;
    std::vector<AcceptRequest> accepted;
    {
        auto s = open_store(dir.path());
        ASSERT_TRUE(s->checkpoint());
        accepted = accept_many(*s, "WAL0", 60, 1);
        // The power goes now: the files as they are on the disk, the log not checkpointed.
        fs::copy(dir.path(), copy.path(),
                 fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
    const std::string wal = copy.file("appeals.db-wal");
    ASSERT_GT(fs::file_size(wal), 100'000u);
    overwrite(wal, static_cast<int64_t>(fs::file_size(wal) / 2), 1, '\x77');

    auto s = open_store(copy.path());
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->moved_aside()) << "SQLite ends its log at the bad frame; the rest checks ok";
    std::vector<const AcceptRequest*> missing;
    for (const auto& req : accepted)
        if (!*s->find_receipt(req.appeal.receipt_number)) missing.push_back(&req);
    ASSERT_GE(missing.size(), 2u) << "the flip lost too little: the test did not hit the log";
    // Bit rot took the records of every other lost appeal too: those are truly gone.
    std::set<std::string> gone;
    for (size_t i = 0; i < missing.size(); i += 2) {
        fs::remove(copy.file("spool/" + missing[i]->appeal.uuid + ".appeal.sealed"));
        gone.insert(missing[i]->appeal.receipt_number);
    }
    auto report = s->recover();
    ASSERT_TRUE(report);
    EXPECT_EQ(report->restored_appeals, static_cast<int>(missing.size() - gone.size()));
    for (size_t i = 1; i < missing.size(); i += 2) {
        auto a = s->find_by_receipt(missing[i]->appeal.receipt_number);
        ASSERT_TRUE(a && *a) << missing[i]->appeal.receipt_number << " was not restored";
        EXPECT_EQ((*a)->appeal.text, missing[i]->appeal.text);
        EXPECT_EQ(*s->read_photo(missing[i]->appeal.uuid, 0), missing[i]->photos[0]);
    }
    EXPECT_EQ(std::set<std::string>(report->newly_lost_receipts.begin(),
                                    report->newly_lost_receipts.end()),
              gone);
    EXPECT_EQ(s->queue_figures()->lost_receipts, static_cast<int64_t>(gone.size()));
    std::printf(
        "wal flip: 60 receipted, %zu cut off by SQLite, %d restored from the spool, %zu "
        "reported lost (their records deleted by the test)\n",
        missing.size(), report->restored_appeals, gone.size());
    // The truly lost appeals' photos are set aside, not deleted.
    for (const auto& receipt : gone)
        for (const auto& req : accepted)
            if (req.appeal.receipt_number == receipt)
                EXPECT_TRUE(fs::exists(copy.file("orphans/" + req.appeal.uuid + "-0.jpg.sealed")));
    // The list stays for staff across boots; it is found once.
    s.reset();
    auto again = open_store(copy.path());
    auto second = again->recover();
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->newly_lost_receipts.empty());
    EXPECT_EQ(second->restored_appeals, 0);
    auto listed = again->lost_receipts(100);
    ASSERT_TRUE(listed);
    std::set<std::string> names;
    for (const auto& l : *listed) names.insert(l.receipt_number);
    EXPECT_EQ(names, gone);
}

TEST(StoreEdges, AReceiptLedgerLineTornByAPowerCutIsIgnored) {
    test::TempDir dir;
    {
        auto s = open_store(dir.path());
        accept_many(*s, "LDG0", 3, 0);
    }
    std::ofstream(dir.file("receipts.ledger"), std::ios::app) << "r1 1790000000999 LDG0-99";
    auto s = open_store(dir.path());
    auto report = s->recover();
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->newly_lost_receipts.empty());
    EXPECT_EQ(s->queue_figures()->lost_receipts, 0);
}

TEST(StoreEdges, SetAsideOrphansAreRemovedAfterRetentionOnlyWhenNoStoreNamesThem) {
    test::TempDir dir;
    fs::create_directories(dir.file("orphans"));
    std::ofstream(dir.file("orphans/old-0.jpg.sealed")) << "old";
    std::ofstream(dir.file("orphans/named-0.jpg.sealed")) << "named by a moved-aside store";
    std::ofstream(dir.file("orphans/new-0.jpg.sealed")) << "new";
    const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(24 * 10);
    fs::last_write_time(dir.file("orphans/old-0.jpg.sealed"), old_time);
    fs::last_write_time(dir.file("orphans/named-0.jpg.sealed"), old_time);
    {
        // A store moved aside earlier that still names one of them.
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(dir.file("appeals.db.corrupt-1").c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db,
                               "CREATE TABLE photos(file_name TEXT);"
                               "INSERT INTO photos VALUES('named-0.jpg.sealed');",
                               nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(db);
    }
    auto s = open_store(dir.path());
    ASSERT_TRUE(s->purge_expired(1'790'000'000'000, 7));
    EXPECT_FALSE(fs::exists(dir.file("orphans/old-0.jpg.sealed")));
    EXPECT_TRUE(fs::exists(dir.file("orphans/named-0.jpg.sealed")));
    EXPECT_TRUE(fs::exists(dir.file("orphans/new-0.jpg.sealed")));
}

TEST(StoreEdges, AReaderBesideTheLockHolderNeverMovesADamagedStoreAside) {
    test::TempDir dir;
    {
        auto s = open_store(dir.path());
        accept_many(*s, "RDR0", 5, 0);
        ASSERT_TRUE(s->checkpoint());
    }
    fs::resize_file(dir.file("appeals.db"), fs::file_size(dir.file("appeals.db")) / 2);
    StoreOptions reader = test::store_options(dir.path());
    reader.salvage = false;
    auto s = AppealStore::open(reader);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::kCorrupt);
    for (const auto& e : fs::directory_iterator(dir.path()))
        EXPECT_FALSE(e.path().filename().string().starts_with("appeals.db.corrupt-"));
}

// The resubmit of an appeal whose first accept reached the disk although it reported failure:
// one appeal, one set of photo files, one appeal item — and the first try's photo files kept.
TEST(StoreEdges, AnAppealAcceptedAgainUnderItsOwnIdIsStoredOnce) {
    test::TempDir dir;
    auto s = open_store(dir.path());
    auto req = test::appeal_request("TWC0-0001", "дважды", 2);
    ASSERT_TRUE(s->accept(req, 1));
    const auto files = photo_files(dir.path());
    ASSERT_TRUE(s->accept(req, 2));
    EXPECT_EQ(s->census()->appeals, 1);
    EXPECT_EQ(photo_files(dir.path()), files) << "the first try's photo files were replaced";
    EXPECT_EQ(drain_appeal_keys(*s), std::set<std::string>{req.appeal.uuid});
    // The same id under another receipt number is not the same appeal.
    auto other = req;
    other.appeal.receipt_number = "TWC0-0002";
    auto r = s->accept(other, 3);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kConflict);
}

TEST(DataDirLock, ASecondHolderIsRefusedWithTheFirstNamedAndGetsItOnceReleased) {
    test::TempDir dir;
    auto first = DataDirLock::acquire(dir.path(), "vmeste-kiosk");
    ASSERT_TRUE(first) << first.error().message;
    auto second = DataDirLock::acquire(dir.path(), "vmestectl set-pin");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::kConflict);
    EXPECT_NE(second.error().message.find("vmeste-kiosk"), std::string::npos);
    EXPECT_NE(second.error().message.find("pid " + std::to_string(getpid())), std::string::npos);
    first->reset();
    EXPECT_TRUE(DataDirLock::acquire(dir.path(), "vmestectl set-pin"));
}

TEST(DeviceKey, TwoCreatorsAtOnceAgreeOnOneKey) {
    for (int round = 0; round < 100; ++round) {
        test::TempDir dir;
        DeviceKey a{}, b{};
        bool ok_a = false, ok_b = false;
        std::barrier start(2);
        auto make = [&](DeviceKey* out, bool* ok) {
            start.arrive_and_wait();
            auto k = load_or_create_device_key(dir.file("device.key"), posix_file_ops());
            *ok = k.ok();
            if (k) *out = *k;
        };
        std::thread ta(make, &a, &ok_a), tb(make, &b, &ok_b);
        ta.join();
        tb.join();
        ASSERT_TRUE(ok_a && ok_b) << "round " << round;
        ASSERT_EQ(a, b) << "round " << round << ": two keys, one of them lost with its data";
        std::vector<std::string> left;
        for (const auto& e : fs::directory_iterator(dir.path()))
            left.push_back(e.path().filename());
        ASSERT_EQ(left, std::vector<std::string>{"device.key"}) << "a temporary was left behind";
    }
}
