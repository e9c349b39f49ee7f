// [SECTION] SQLite helpers
// [SECTION] Schema and migrations
// [SECTION] Open and recovery
// [SECTION] Accept
// [SECTION] Look-ups and figures
// [SECTION] Retention and purge
// [SECTION] Outbox
#include "kiosk/core/appeal_store.h"

#include <sqlite3.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "kiosk/base/geo.h"
#include "kiosk/base/log.h"
#include "kiosk/core/sealed_key.h"

namespace vmeste::core {
namespace {

//-----------------------------------------------------------------------------
// [SECTION] SQLite helpers
//-----------------------------------------------------------------------------

// A prepared statement that finalizes itself. Bind helpers take 1-based indexes as SQLite does.
class Statement {
  public:
    Statement(sqlite3* db, const char* sql) {
        rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    bool ok() const { return rc_ == SQLITE_OK; }
    Statement& bind(int i, std::string_view s) {
        sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind_blob(int i, std::string_view s) {
        sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int i, int64_t v) {
        sqlite3_bind_int64(stmt_, i, v);
        return *this;
    }
    Statement& bind_null(int i) {
        sqlite3_bind_null(stmt_, i);
        return *this;
    }
    int step() { return ok() ? sqlite3_step(stmt_) : rc_; }
    int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
    std::string text(int col) const {
        const void* p = sqlite3_column_blob(stmt_, col);
        return p ? std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col))
                 : std::string();
    }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    sqlite3_stmt* raw() { return stmt_; }

  private:
    sqlite3_stmt* stmt_ = nullptr;
    int rc_;
};

Error db_error(sqlite3* db, const std::string& what) {
    const int rc = sqlite3_extended_errcode(db);
    ErrorCode code = ErrorCode::kIo;
    if ((rc & 0xFF) == SQLITE_CORRUPT || (rc & 0xFF) == SQLITE_NOTADB) code = ErrorCode::kCorrupt;
    if ((rc & 0xFF) == SQLITE_CONSTRAINT) code = ErrorCode::kConflict;
    if ((rc & 0xFF) == SQLITE_FULL) code = ErrorCode::kNoSpace;
    return make_error(code, what + ": " + sqlite3_errmsg(db));
}

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

//-----------------------------------------------------------------------------
// [SECTION] Schema and migrations
//-----------------------------------------------------------------------------

// Version 1 as it shipped first (issue #2): kept verbatim, because a fresh store is built by
// running every migration in order, so the upgrade path is exercised on every start-up, not only in
// tests.
const char* kSchemaV1 = R"sql(
CREATE TABLE appeals(
  uuid TEXT PRIMARY KEY, receipt_number TEXT NOT NULL UNIQUE, category_id TEXT NOT NULL,
  text TEXT NOT NULL, language TEXT NOT NULL, created_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued', platform_id TEXT);
CREATE TABLE outbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
  appeal_uuid TEXT NOT NULL REFERENCES appeals(uuid), idempotency_key TEXT NOT NULL,
  body TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL, last_error TEXT, created_at INTEGER NOT NULL);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
)sql";

// Version 2: personal data sealed, photos, receipts that outlive a purge, consent, audit, bounded
// queue figures kept in one row (O(1) at accept, whatever the queue length).
const char* kSchemaV2 = R"sql(
CREATE TABLE appeals2(
  uuid            TEXT PRIMARY KEY,
  receipt_number  TEXT NOT NULL UNIQUE,
  category_id     TEXT NOT NULL,
  kind            TEXT NOT NULL DEFAULT 'message',
  language        TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'queued',
  platform_id     TEXT,
  delivered_at    INTEGER,
  text_sealed     BLOB NOT NULL,
  contact_sealed  BLOB,
  bytes           INTEGER NOT NULL,          -- what it counts against max_queued_bytes
  flagged         TEXT                       -- a photo missing or damaged: for staff
);
CREATE INDEX appeals_delivered ON appeals2(delivered_at) WHERE delivered_at IS NOT NULL;
CREATE TABLE photos(
  id              INTEGER PRIMARY KEY,
  appeal_uuid     TEXT NOT NULL REFERENCES appeals2(uuid) ON DELETE CASCADE,
  position        INTEGER NOT NULL,
  file_name       TEXT NOT NULL UNIQUE,      -- in spool/, sealed
  size            INTEGER NOT NULL,          -- plaintext bytes
  sha256          TEXT NOT NULL,             -- of the plaintext JPEG (what the platform verifies)
  file_sha256     TEXT NOT NULL,             -- of the sealed file (checked at boot without the key)
  state           TEXT NOT NULL DEFAULT 'ok',-- ok | missing | damaged | lost (sent without)
  UNIQUE(appeal_uuid, position)
);
CREATE TABLE outbox2(
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL,             -- media | appeal
  appeal_uuid     TEXT NOT NULL REFERENCES appeals2(uuid) ON DELETE CASCADE,
  photo_id        INTEGER REFERENCES photos(id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL UNIQUE,
  state           TEXT NOT NULL DEFAULT 'pending',  -- pending | delivered | quarantined
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,          -- not before
  last_error      TEXT,
  reason          TEXT,                      -- why quarantined
  created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due2 ON outbox2(next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_appeal2 ON outbox2(appeal_uuid, kind);   -- "are this appeal's photos up?"
CREATE TABLE receipts(
  receipt_number  TEXT PRIMARY KEY,
  appeal_uuid     TEXT NOT NULL UNIQUE,
  category_id     TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'queued',
  platform_id     TEXT,
  purged_at       INTEGER
);
CREATE TABLE consents(
  id              INTEGER PRIMARY KEY,
  appeal_uuid     TEXT NOT NULL REFERENCES appeals2(uuid) ON DELETE CASCADE,
  version         TEXT NOT NULL,
  accepted_at     INTEGER NOT NULL
);
CREATE TABLE audit_log(
  id              INTEGER PRIMARY KEY,
  at              INTEGER NOT NULL,
  actor           TEXT NOT NULL,
  action          TEXT NOT NULL,
  subject         TEXT,
  detail          TEXT
);
CREATE TABLE queue_stats(
  one             INTEGER PRIMARY KEY CHECK (one = 1),
  items           INTEGER NOT NULL,
  bytes           INTEGER NOT NULL
);
INSERT INTO queue_stats VALUES(1, 0, 0);
)sql";

// Version 3: what the uploader remembers between runs besides the outbox (the status cursor).
const char* kSchemaV3 = R"sql(
CREATE TABLE sync_state(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

// Version 4: the appeal's place (sealed: a typed address may be the citizen's own).
const char* kSchemaV4 = R"sql(
ALTER TABLE appeals ADD COLUMN place_sealed BLOB;
)sql";

// Version 5: ratings of answers, delivered by their own job (they may rate an appeal made
// elsewhere, so they are not outbox items of a local appeal).
const char* kSchemaV5 = R"sql(
CREATE TABLE ratings(
  uuid            TEXT PRIMARY KEY,
  receipt_number  TEXT NOT NULL,
  stars           INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
  comment_sealed  BLOB,
  created_at      INTEGER NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',  -- pending | delivered | refused
  reason          TEXT,
  settled_at      INTEGER
);
CREATE INDEX ratings_pending ON ratings(created_at) WHERE state = 'pending';
)sql";

// Version 6: votes and +1s to appeals (CitizenAction), delivered by their own job like ratings.
// A vote's once_key (a hash of poll and identity) keeps one vote per citizen and poll on this
// kiosk, offline too; a vote the platform refused does not hold the key.
const char* kSchemaV6 = R"sql(
CREATE TABLE citizen_actions(
  uuid            TEXT PRIMARY KEY,
  kind            TEXT NOT NULL,             -- vote | support
  target          TEXT NOT NULL,             -- poll id | receipt number
  once_key        TEXT,
  body_sealed     BLOB NOT NULL,
  created_at      INTEGER NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',  -- pending | delivered | duplicate | refused
  reason          TEXT,
  settled_at      INTEGER
);
CREATE UNIQUE INDEX citizen_actions_once ON citizen_actions(once_key)
  WHERE once_key IS NOT NULL AND state IN ('pending', 'delivered');
CREATE INDEX citizen_actions_pending ON citizen_actions(created_at) WHERE state = 'pending';
)sql";

// Version 8: receipts the ledger names and the store lost (issue #17, point 3), kept for staff
// and the heartbeat until someone deals with them.
const char* kSchemaV8 = R"sql(
CREATE TABLE IF NOT EXISTS lost_receipts(
  receipt_number  TEXT PRIMARY KEY,
  appeal_uuid     TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  noticed_at      INTEGER NOT NULL
);
)sql";

// Version 10 (issue #20): photos.sha256 becomes photos.sha256_sealed (migrate_v9_to_v10).

// Version 9 (issue #18): since when an item has been failing on its own while the platform
// answered (a 500 for it alone), so one that fails for days while others go through is set aside;
// and the citizen's answers to the city service's questions (Open311 attributes), sealed.

// The receipt ledger (DATA_DIR/receipts.ledger): one line per receipt given to a citizen,
// appended and fsynced after the accept's COMMIT and before the receipt is shown. It lives
// outside SQLite on purpose: a damaged WAL frame ends SQLite's log there *by design*, silently,
// and everything committed after it is gone with integrity_check still "ok". The ledger is the
// terminal's own memory of what it promised, checked against the store at every boot.
constexpr const char* kLedgerMagic = "r1";
constexpr int64_t kLedgerKeepMs = int64_t{180} * 24 * 3600 * 1000;
// The audit log is kept a year (who did what on the terminal: the МФЦ's own reviews go back that
// far); it holds no personal data, only receipt numbers and key names.
constexpr int64_t kAuditKeepMs = int64_t{365} * 24 * 3600 * 1000;

using LedgerEntry = AppealStore::LedgerEntry;

// Whole lines of the right shape only: a line torn by a power cut during its append (its
// receipt was never shown) or damaged on the disk is skipped.
std::vector<LedgerEntry> parse_ledger(const std::string& text) {
    std::vector<LedgerEntry> out;
    size_t at = 0;
    while (at < text.size()) {
        const size_t nl = text.find('\n', at);
        if (nl == std::string::npos) break;
        const std::string line = text.substr(at, nl - at);
        at = nl + 1;
        char magic[8] = {}, receipt[64] = {}, uuid[64] = {};
        long long ms = 0;
        char extra = 0;
        if (std::sscanf(line.c_str(), "%7s %lld %63s %63s %c", magic, &ms, receipt, uuid, &extra) !=
                4 ||
            std::string_view(magic) != kLedgerMagic || ms <= 0)
            continue;
        out.push_back({ms, receipt, uuid});
    }
    return out;
}

std::string action_ad(const std::string& uuid) {
    return "action:" + uuid;
}

// A citizen action's row as kActionColumns reads it, its body opened.
constexpr const char* kActionColumns =
    "SELECT uuid, kind, target, once_key, body_sealed, created_at FROM citizen_actions";
Result<CitizenAction> action_row(Statement& st, const Sealer& sealer) {
    CitizenAction a{st.text(0), st.text(1), st.text(2), {}, st.text(3), st.i64(5)};
    auto body = sealer.open(st.text(4), action_ad(a.uuid));
    if (!body)
        return make_error(ErrorCode::kCorrupt, a.kind + " " + a.uuid + ": " + body.error().message);
    a.body = std::move(body).value();
    return a;
}

std::string comment_ad(const std::string& uuid) {
    return "rating:" + uuid;
}

Result<sqlite3*> open_connection(const std::string& path, const std::string& vfs) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        vfs.empty() ? nullptr : vfs.c_str());
    if (rc != SQLITE_OK) {
        Error e = db ? db_error(db, "open " + path) : make_error(ErrorCode::kIo, "open " + path);
        sqlite3_close(db);
        return e;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 10000);  // the other connection's write transactions are short
    return db;
}

// PRAGMA quick_check's verdict. Only its *result* (or SQLite's own word that the file is damaged
// or not a database) says the data is bad; any other failure to run it (disk full — opening a WAL
// database must grow -shm —, an I/O error, a read-only remount, a lock) says nothing about the
// data, and moving a healthy store aside for it threw the queue away (issue #17, point 1).
struct CheckVerdict {
    enum Kind { kOk, kDamaged, kFailed } kind = kOk;
    std::string detail;
    int rc = SQLITE_OK;
};

bool is_damage_code(int rc) {
    return (rc & 0xFF) == SQLITE_CORRUPT || (rc & 0xFF) == SQLITE_NOTADB;
}

CheckVerdict quick_check(sqlite3* db) {
    Statement st(db, "PRAGMA quick_check");
    const int rc = st.step();
    if (rc == SQLITE_ROW) {
        const std::string first = st.text(0);
        if (first == "ok") return {CheckVerdict::kOk, "", rc};
        return {CheckVerdict::kDamaged, first, rc};
    }
    const int code = sqlite3_extended_errcode(db);
    return {is_damage_code(code) ? CheckVerdict::kDamaged : CheckVerdict::kFailed,
            sqlite3_errmsg(db), code};
}

uint64_t free_bytes_of(const std::string& dir) {
    struct statvfs vfs {};
    if (statvfs(dir.c_str(), &vfs) != 0) return UINT64_MAX;
    return static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

// The tables a salvage carries over, parents first. queue_stats is recomputed, not copied.
constexpr const char* kSalvagedTables[] = {"appeals",   "receipts",   "photos",
                                           "consents",  "outbox",     "citizen_actions",
                                           "audit_log", "sync_state", "lost_receipts"};

std::vector<std::string> columns_of(sqlite3* db, const std::string& schema,
                                    const std::string& table) {
    std::vector<std::string> out;
    Statement st(db, ("PRAGMA " + schema + ".table_info(" + table + ")").c_str());
    if (!st.ok()) return out;
    while (st.step() == SQLITE_ROW) out.push_back(st.text(1));
    return out;
}

// The appeal's own record in the spool: everything its rows hold, sealed, written durably before
// the accept's transaction like its photos. The database indexes the spool; the spool is what a
// store damaged past reading (a truncated file, a bad log frame) is rebuilt from.
std::string record_file_name(const std::string& uuid) {
    return uuid + ".appeal.sealed";
}
std::string record_ad(const std::string& uuid) {
    return "record:" + uuid;
}

// A photo's SHA-256 (what the platform verifies) is sealed in its row too (schema 10, issue #20):
// in the clear it would let whoever holds the disk confirm a guess of a citizen's photo.
std::string photo_hash_ad(const std::string& uuid, int position) {
    return "photo-sha256:" + uuid + ":" + std::to_string(position);
}

std::string photo_file_name(const std::string& uuid, int position) {
    return uuid + "-" + std::to_string(position) + ".jpg.sealed";
}
std::string photo_ad(const std::string& uuid, int position) {
    return "photo:" + uuid + ":" + std::to_string(position);
}
std::string text_ad(const std::string& uuid) {
    return "text:" + uuid;
}
std::string contact_ad(const std::string& uuid) {
    return "contact:" + uuid;
}

std::string place_ad(const std::string& uuid) {
    return "place:" + uuid;
}

std::string answers_ad(const std::string& uuid) {
    return "answers:" + uuid;
}

// The citizen's answers to the city service's questions: {"code": ["value", …], …} in order.
nlohmann::json answers_json(const std::vector<Answer>& answers) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& [code, values] : answers) j.push_back({{"code", code}, {"values", values}});
    return j;
}
std::vector<Answer> answers_from_json(const nlohmann::json& j) {
    std::vector<Answer> out;
    if (!j.is_array()) return out;
    for (const auto& a : j) {
        if (!a.is_object() || !a.contains("code") || !a["code"].is_string()) continue;
        Answer one{a["code"].get<std::string>(), {}};
        if (a.contains("values") && a["values"].is_array())
            for (const auto& v : a["values"])
                if (v.is_string()) one.second.push_back(v.get<std::string>());
        out.push_back(std::move(one));
    }
    return out;
}

std::string contact_json(const Contact& c) {
    return nlohmann::json{
        {"name", c.name}, {"phone", c.phone}, {"email", c.email}, {"subject", c.subject}}
        .dump();
}
std::optional<Contact> contact_from_json(const std::string& s) {
    auto j = nlohmann::json::parse(s, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    return Contact{j.value("name", ""), j.value("phone", ""), j.value("email", ""),
                   j.value("subject", "")};
}

// A typed address may be the citizen's own: the place is sealed like the text.
std::string place_json(const Place& p) {
    nlohmann::json j = {{"address", p.address}, {"source", p.source}};
    if (!p.address_from.empty()) j["address_from"] = p.address_from;
    if (p.address_near) j["address_near"] = true;
    if (p.lat && p.lon) {
        j["lat"] = *p.lat;
        j["lon"] = *p.lon;
    }
    return j.dump();
}
std::optional<Place> place_from_json(const std::string& s) {
    auto j = nlohmann::json::parse(s, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    Place p;
    p.address = j.value("address", "");
    p.source = j.value("source", "");
    p.address_from = j.value("address_from", "");
    p.address_near = j.value("address_near", false);
    if (j.contains("lat") && j["lat"].is_number() && j.contains("lon") && j["lon"].is_number()) {
        p.lat = j["lat"].get<double>();
        p.lon = j["lon"].get<double>();
    }
    return p;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Open and recovery
//-----------------------------------------------------------------------------

AppealStore::AppealStore(sqlite3* db, StoreOptions options, const DeviceKey& key)
    : db_(db), options_(std::move(options)), sealer_(key) {}

AppealStore::~AppealStore() {
    sqlite3_close(db_);
}

Result<std::unique_ptr<AppealStore>> AppealStore::open(const StoreOptions& given) {
    StoreOptions options = given;
    if (!options.fs) options.fs = &posix_file_ops();
    FileOps& fs = *options.fs;
    if (auto r = fs.make_dir(options.data_dir); !r) return r.error();
    if (auto r = fs.make_dir(options.data_dir + "/spool"); !r) return r.error();
    Result<DeviceKey> key = make_error(ErrorCode::kInternal, "");
    if (options.device_key)
        key = *options.device_key;
    else if (std::error_code ec;
             std::filesystem::exists(options.data_dir + "/" + kSealedKeyFile, ec))
        // A new plaintext key beside the sealed one would seal new appeals under a key the
        // service never sees, and every old one would stay closed.
        return make_error(ErrorCode::kUnauthorized,
                          "the device key is sealed to this terminal's TPM (" + options.data_dir +
                              "/" + kSealedKeyFile +
                              "): the kiosk's service gets it from systemd, vmestectl when run "
                              "as root");
    else
        key = load_or_create_device_key(options.data_dir + "/device.key", fs);
    if (!key) return key.error();

    const std::string path = options.data_dir + "/appeals.db";
    std::optional<std::string> moved;
    auto db = open_connection(path, options.sqlite_vfs);
    if (!db) return db.error();
    const CheckVerdict check = quick_check(*db);
    if (check.kind == CheckVerdict::kFailed) {
        sqlite3_close(*db);
        const uint64_t free_bytes =
            options.free_bytes ? options.free_bytes() : free_bytes_of(options.data_dir);
        const bool full = (check.rc & 0xFF) == SQLITE_FULL || free_bytes < (uint64_t{1} << 20);
        return make_error(
            full ? ErrorCode::kNoSpace : ErrorCode::kIo,
            "store " + path + " cannot be checked (" + check.detail + ", " +
                (free_bytes == UINT64_MAX ? std::string("free space unknown")
                                          : std::to_string(free_bytes >> 10) + " KiB free") +
                "); it was left as it is");
    }
    if (check.kind == CheckVerdict::kDamaged) {
        sqlite3_close(*db);
        if (!options.salvage)
            return make_error(ErrorCode::kCorrupt,
                              "store " + path + " failed its check: " + check.detail);
        const std::string aside = path + ".corrupt-" + std::to_string(wall_ms());
        if (auto r = fs.rename(path, aside); !r)
            return make_error(
                ErrorCode::kCorrupt,
                "store " + path + " is corrupt and could not be moved aside: " + r.error().message);
        for (const char* suffix : {"-wal", "-shm"}) (void)fs.rename(path + suffix, aside + suffix);
        (void)fs.fsync_dir(options.data_dir);
        const std::string first_line = check.detail.substr(0, check.detail.find('\n'));
        log::error("store: %s failed its check (%s); moved aside to %s, salvaging what can be read",
                   path.c_str(), first_line.c_str(), aside.c_str());
        moved = aside;
        db = open_connection(path, options.sqlite_vfs);
        if (!db) return db.error();
    }
    std::unique_ptr<AppealStore> store(new AppealStore(*db, std::move(options), *key));
    store->moved_aside_ = moved;
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                               "PRAGMA foreign_keys=ON", "PRAGMA journal_size_limit=67108864"})
        if (auto r = store->exec(pragma); !r) return r.error();
    if (auto r = store->migrate(); !r) return r.error();
    if (moved) {
        auto salvaged = store->salvage_from(*moved);
        if (!salvaged) return salvaged.error();
        store->salvaged_ = *salvaged;
        log::error(
            "store: salvaged %lld rows (%lld appeals) from %s; %lld damaged stretches skipped",
            static_cast<long long>(salvaged->rows_copied),
            static_cast<long long>(salvaged->appeals), moved->c_str(),
            static_cast<long long>(salvaged->unreadable_stretches));
        store->audit("kiosk", "store-moved-aside", "", *moved, wall_ms());
        store->audit("kiosk", "store-salvaged", "",
                     std::to_string(salvaged->appeals) + " appeals, " +
                         std::to_string(salvaged->rows_copied) + " rows, " +
                         std::to_string(salvaged->unreadable_stretches) + " damaged stretches",
                     wall_ms());
    }
    return store;
}

// Carries every row that can still be read from a store that failed its check into this new
// one. Reading goes by rowid; where it stops on damage it resumes past the last row read, and
// then further and further past it, so one bad page costs the rows on it, not the rest. Rows
// whose parent was lost are dropped (they cannot be sent), and what the uploader needs for an
// undelivered appeal (its receipt, its outbox items, the queue figures) is rebuilt.
Result<SalvageReport> AppealStore::salvage_from(const std::string& aside) {
    SalvageReport report;
    report.moved_aside_to = aside;
    // Its own connection: damage met while reading it stays in its statements, and never rolls
    // back or poisons the new store's transaction.
    sqlite3* old = nullptr;
    if (sqlite3_open_v2(aside.c_str(), &old, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        log::error("store: the moved-aside store cannot be opened: %s", sqlite3_errmsg(old));
        sqlite3_close(old);
        return report;  // nothing readable; the file stays for the technician
    }
    struct CloseOld {
        sqlite3* db;
        ~CloseOld() { sqlite3_close(db); }
    } close_old{old};
    // Parents may be lost while children survive: references are checked after the copy.
    (void)exec("PRAGMA foreign_keys=OFF");
    auto finish = [&](Result<SalvageReport> r) -> Result<SalvageReport> {
        (void)exec("PRAGMA foreign_keys=ON");
        return r;
    };
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return finish(r.error());
    for (const char* table : kSalvagedTables) {
        const auto ours = columns_of(db_, "main", table);
        const auto theirs = columns_of(old, "main", table);
        std::vector<std::string> cols;
        for (const auto& c : ours)
            if (std::find(theirs.begin(), theirs.end(), c) != theirs.end()) cols.push_back(c);
        if (cols.empty()) {
            if (theirs.empty()) ++report.unreadable_stretches;  // its schema is lost
            continue;
        }
        std::string list, marks;
        for (size_t i = 0; i < cols.size(); ++i) {
            list += (i ? ", " : "") + cols[i];
            marks += i ? ", ?" : "?";
        }
        const std::string select =
            "SELECT rowid, " + list + " FROM " + table + " WHERE rowid >= ? ORDER BY rowid";
        const std::string insert =
            "INSERT OR IGNORE INTO " + std::string(table) + "(" + list + ") VALUES(" + marks + ")";
        int64_t from = INT64_MIN, skip = 1;
        for (int stretch = 0; stretch < 64; ++stretch) {
            sqlite3_stmt* sel = nullptr;
            if (sqlite3_prepare_v2(old, select.c_str(), -1, &sel, nullptr) != SQLITE_OK) {
                sqlite3_finalize(sel);
                ++report.unreadable_stretches;
                break;  // the table's root cannot be read
            }
            sqlite3_bind_int64(sel, 1, from);
            std::optional<int64_t> last;
            int rc;
            while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
                last = sqlite3_column_int64(sel, 0);
                Statement ins(db_, insert.c_str());
                for (int i = 0; i < static_cast<int>(cols.size()); ++i)
                    sqlite3_bind_value(ins.raw(), i + 1, sqlite3_column_value(sel, i + 1));
                if (ins.step() == SQLITE_DONE && sqlite3_changes(db_) > 0) {
                    ++report.rows_copied;
                    if (std::string_view(table) == "appeals") ++report.appeals;
                }
            }
            sqlite3_finalize(sel);
            if (rc == SQLITE_DONE) break;
            ++report.unreadable_stretches;
            if (last) {
                from = *last + 1;
                skip = 1;
            } else {
                if (from == INT64_MIN) from = 0;
                if (skip > (INT64_MAX - from) / 2) break;
                from += skip;
                skip *= 2;
            }
        }
    }
    // What an undelivered appeal needs to be sent; nothing that points at a lost row.
    const char* kRepairs = R"sql(
DELETE FROM photos WHERE appeal_uuid NOT IN (SELECT uuid FROM appeals);
DELETE FROM consents WHERE appeal_uuid NOT IN (SELECT uuid FROM appeals);
DELETE FROM outbox WHERE appeal_uuid NOT IN (SELECT uuid FROM appeals)
  OR (kind = 'media' AND (photo_id IS NULL OR photo_id NOT IN (SELECT id FROM photos)));
INSERT OR IGNORE INTO receipts(receipt_number, appeal_uuid, category_id, created_at, status,
                               platform_id)
  SELECT receipt_number, uuid, category_id, created_at, status, platform_id FROM appeals;
INSERT OR IGNORE INTO outbox(kind, appeal_uuid, photo_id, idempotency_key, next_attempt_at,
                             created_at)
  SELECT 'media', p.appeal_uuid, p.id, p.appeal_uuid || '/photo/' || p.position, 0, a.created_at
  FROM photos p JOIN appeals a ON a.uuid = p.appeal_uuid WHERE a.delivered_at IS NULL;
INSERT OR IGNORE INTO outbox(kind, appeal_uuid, idempotency_key, next_attempt_at, created_at)
  SELECT 'appeal', uuid, uuid, 0, created_at FROM appeals WHERE delivered_at IS NULL;
UPDATE queue_stats SET
  items = (SELECT count(*) FROM appeals WHERE delivered_at IS NULL),
  bytes = (SELECT coalesce(sum(bytes), 0) FROM appeals WHERE delivered_at IS NULL);
)sql";
    if (auto r = exec(kRepairs); !r) {
        rollback();
        return finish(r.error());
    }
    if (auto r = exec("COMMIT"); !r) {
        rollback();
        return finish(r.error());
    }
    return finish(report);
}

Result<std::vector<LostReceipt>> AppealStore::lost_receipts(int limit) {
    Statement st(db_,
                 "SELECT receipt_number, appeal_uuid, created_at, noticed_at FROM lost_receipts"
                 " ORDER BY created_at DESC LIMIT ?");
    st.bind(1, static_cast<int64_t>(limit));
    std::vector<LostReceipt> out;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW)
        out.push_back({st.text(0), st.text(1), st.i64(2), st.i64(3)});
    if (rc != SQLITE_DONE) return db_error(db_, "lost receipts");
    return out;
}

void AppealStore::rollback() {
    // Fails only when no transaction is open, which is the state we want anyway.
    (void)exec("ROLLBACK");
}

Result<void> AppealStore::exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        Error e = db_error(db_, msg ? msg : "exec");
        sqlite3_free(msg);
        return e;
    }
    return {};
}

// Version 10: each photo's plaintext SHA-256 sealed in its row (bound to the appeal and the
// position, like the photo itself).
Result<void> AppealStore::migrate_v9_to_v10() {
    if (!has_column("photos", "sha256_sealed"))
        if (auto r = exec("ALTER TABLE photos RENAME COLUMN sha256 TO sha256_sealed"); !r) return r;
    std::vector<std::tuple<int64_t, std::string, int, std::string>> rows;
    {
        Statement st(db_, "SELECT id, appeal_uuid, position, sha256_sealed FROM photos");
        while (st.step() == SQLITE_ROW)
            rows.emplace_back(st.i64(0), st.text(1), static_cast<int>(st.i64(2)), st.text(3));
    }
    for (const auto& [id, uuid, position, hex] : rows) {
        if (hex.size() != 64) continue;  // sealed already (a store turned back by hand)
        Statement up(db_, "UPDATE photos SET sha256_sealed = ? WHERE id = ?");
        up.bind_blob(1, sealer_.seal(hex, photo_hash_ad(uuid, position))).bind(2, id);
        if (up.step() != SQLITE_DONE) return db_error(db_, "seal a photo's hash");
    }
    return {};
}

Result<std::string> AppealStore::photo_hash(const std::string& sealed, const std::string& uuid,
                                            int position) const {
    auto hex = sealer_.open(sealed, photo_hash_ad(uuid, position));
    if (!hex) return make_error(ErrorCode::kCorrupt, "photo hash unreadable");
    return hex;
}

Result<void> AppealStore::migrate_v8_to_v9() {
    // Each column only when missing: a store turned back to an older version by hand (tests)
    // keeps the ones it has.
    if (!has_column("outbox", "failing_since"))
        if (auto r = exec("ALTER TABLE outbox ADD COLUMN failing_since INTEGER"); !r) return r;
    if (!has_column("appeals", "answers_sealed"))
        if (auto r = exec("ALTER TABLE appeals ADD COLUMN answers_sealed BLOB"); !r) return r;
    return {};
}

bool AppealStore::has_table(const char* table) {
    Statement st(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    st.bind(1, std::string_view(table));
    return st.step() == SQLITE_ROW;
}

bool AppealStore::has_column(const char* table, const char* column) {
    const std::string sql = std::string("PRAGMA table_info(") + table + ")";
    Statement st(db_, sql.c_str());
    while (st.step() == SQLITE_ROW)
        if (st.text(1) == column) return true;
    return false;
}

Result<void> AppealStore::migrate() {
    // Each step runs in its own transaction under the write lock, re-reading the version inside it,
    // so two connections opening a new store at once migrate it once.
    for (;;) {
        if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
        int64_t version = -1;
        {
            Statement v(db_, "PRAGMA user_version");
            if (v.step() == SQLITE_ROW) version = v.i64(0);
        }  // finalized here: a live statement would lock the tables the migration drops
        if (version < 0) {
            rollback();
            return db_error(db_, "read user_version");
        }
        if (version > kSchemaVersion) {
            // A newer kiosk's store: an update rolled back (docs/storage.md "Versions"). The
            // newer version says in store_compat.min_reader the oldest schema that can still
            // work on it (its changes only add); such a store is used as it is, never migrated
            // down. Without that word, or when it is above ours, the store stays untouched and
            // the kiosk does not start on it (its appeals wait for the newer version).
            int64_t min_reader = -1;
            if (has_table("store_compat")) {
                Statement c(db_, "SELECT min(min_reader) FROM store_compat");
                if (c.step() == SQLITE_ROW && !c.is_null(0)) min_reader = c.i64(0);
            }
            rollback();
            if (min_reader >= 0 && min_reader <= kSchemaVersion) {
                log::warn(
                    "store: schema %lld, newer than this kiosk's %lld, which it can still "
                    "work on (min_reader %lld): used as it is",
                    static_cast<long long>(version), static_cast<long long>(kSchemaVersion),
                    static_cast<long long>(min_reader));
                return {};
            }
            return make_error(
                ErrorCode::kConflict,
                "store schema " + std::to_string(version) + " is newer than this kiosk (" +
                    std::to_string(kSchemaVersion) + ")" +
                    (min_reader < 0
                         ? std::string()
                         : " and needs schema " + std::to_string(min_reader) + " at least") +
                    "; it was left as it is");
        }
        if (version == kSchemaVersion) return exec("COMMIT");
        Result<void> step = version == 0   ? exec(kSchemaV1)
                            : version == 1 ? migrate_v1_to_v2()
                            : version == 2 ? exec(kSchemaV3)
                            : version == 3 ? exec(kSchemaV4)
                            : version == 4 ? exec(kSchemaV5)
                            : version == 5 ? exec(kSchemaV6)
                            : version == 6 ? migrate_v6_to_v7()
                            : version == 7 ? exec(kSchemaV8)
                            : version == 8 ? migrate_v8_to_v9()
                                           : migrate_v9_to_v10();
        if (step) {
            const std::string bump = "PRAGMA user_version=" + std::to_string(version + 1);
            step = exec(bump.c_str());
        }
        if (step) step = exec("COMMIT");
        if (!step) {
            rollback();
            return make_error(step.error().code, "migration to schema " +
                                                     std::to_string(version + 1) +
                                                     " failed: " + step.error().message);
        }
        log::info("store: migrated to schema %lld", static_cast<long long>(version + 1));
    }
}

// Version 7: ratings become citizen actions of the kind "rating" (one table, one job, one
// delivery path). Each row's request body is built from the row (its comment opened) and sealed.
Result<void> AppealStore::migrate_v6_to_v7() {
    {
        Statement st(db_,
                     "SELECT uuid, receipt_number, stars, comment_sealed, created_at, state,"
                     " reason, settled_at FROM ratings");
        while (st.step() == SQLITE_ROW) {
            Rating r{st.text(0), st.text(1), static_cast<int>(st.i64(2)), {}, st.i64(4)};
            if (!st.is_null(3)) {
                auto c = sealer_.open(st.text(3), comment_ad(r.uuid));
                if (!c)
                    return make_error(ErrorCode::kCorrupt,
                                      "rating " + r.uuid + ": " + c.error().message);
                r.comment = std::move(c).value();
            }
            const CitizenAction a = rating_action(r);
            Statement ins(db_,
                          "INSERT INTO citizen_actions(uuid, kind, target, body_sealed,"
                          " created_at, state, reason, settled_at) VALUES(?,?,?,?,?,?,?,?)");
            ins.bind(1, a.uuid).bind(2, a.kind).bind(3, a.target);
            ins.bind_blob(4, sealer_.seal(a.body, action_ad(a.uuid)));
            ins.bind(5, a.created_unix_ms).bind(6, st.text(5));
            if (st.is_null(6))
                ins.bind_null(7);
            else
                ins.bind(7, st.text(6));
            if (st.is_null(7))
                ins.bind_null(8);
            else
                ins.bind(8, st.i64(7));
            if (ins.step() != SQLITE_DONE) return db_error(db_, "migrate rating");
        }
    }  // finalized before the table goes
    return exec("DROP TABLE ratings");
}

Result<void> AppealStore::migrate_v1_to_v2() {
    if (auto r = exec(kSchemaV2); !r) return r;
    // Version 1 kept text in the clear: seal it now. Its outbox bodies held the text too; they are
    // rebuilt from the sealed appeal when sent, so only state and attempts carry over.
    {  // the statement must be finalized before the old tables are dropped
        Statement old(db_,
                      "SELECT uuid, receipt_number, category_id, text, language, created_at, "
                      "status, platform_id"
                      " FROM appeals");
        int rc;
        while ((rc = old.step()) == SQLITE_ROW) {
            const std::string uuid = old.text(0);
            const std::string sealed = sealer_.seal(old.text(3), text_ad(uuid));
            const bool delivered = !old.is_null(7);
            Statement ins(
                db_,
                "INSERT INTO appeals2(uuid, receipt_number, category_id, language, created_at, "
                "status,"
                " platform_id, delivered_at, text_sealed, bytes) VALUES(?,?,?,?,?,?,?,?,?,?)");
            ins.bind(1, uuid)
                .bind(2, old.text(1))
                .bind(3, old.text(2))
                .bind(4, old.text(4))
                .bind(5, old.i64(5));
            ins.bind(6, old.text(6));
            if (delivered)
                ins.bind(7, old.text(7)).bind(8, wall_ms());
            else
                ins.bind_null(7).bind_null(8);
            ins.bind_blob(9, sealed).bind(10, static_cast<int64_t>(sealed.size()));
            if (ins.step() != SQLITE_DONE) return db_error(db_, "migrate appeal");
            Statement rec(db_,
                          "INSERT INTO receipts(receipt_number, appeal_uuid, category_id, "
                          "created_at, status, platform_id)"
                          " VALUES(?,?,?,?,?,?)");
            rec.bind(1, old.text(1))
                .bind(2, uuid)
                .bind(3, old.text(2))
                .bind(4, old.i64(5))
                .bind(5, old.text(6));
            if (delivered)
                rec.bind(6, old.text(7));
            else
                rec.bind_null(6);
            if (rec.step() != SQLITE_DONE) return db_error(db_, "migrate receipt");
            if (!delivered) {
                Statement stats(db_, "UPDATE queue_stats SET items = items + 1, bytes = bytes + ?");
                stats.bind(1, static_cast<int64_t>(sealed.size()));
                if (stats.step() != SQLITE_DONE) return db_error(db_, "migrate stats");
            }
        }
        if (rc != SQLITE_DONE) return db_error(db_, "read v1 appeals");
    }
    if (auto r = exec("INSERT INTO outbox2(id, kind, appeal_uuid, idempotency_key, state, "
                      "attempts, next_attempt_at,"
                      " last_error, created_at) SELECT id, 'appeal', appeal_uuid, idempotency_key, "
                      "state, attempts,"
                      " next_attempt_at, last_error, created_at FROM outbox");
        !r)
        return r;
    return exec(
        "DROP TABLE outbox; DROP TABLE appeals;"
        "ALTER TABLE appeals2 RENAME TO appeals; ALTER TABLE outbox2 RENAME TO outbox;");
}

Result<RecoveryReport> AppealStore::recover() {
    RecoveryReport report;
    FileOps& fs = *options_.fs;
    auto names = fs.list(spool_dir());
    if (!names) return names.error();
    auto known_files = [&]() -> Result<std::set<std::string>> {
        std::set<std::string> known;
        Statement st(db_,
                     "SELECT file_name FROM photos UNION ALL SELECT uuid || '.appeal.sealed'"
                     " FROM appeals");
        int rc;
        while ((rc = st.step()) == SQLITE_ROW) known.insert(st.text(0));
        if (rc != SQLITE_DONE) return db_error(db_, "list spool files");
        return known;
    };
    auto before = known_files();
    if (!before) return before.error();
    // The receipts given to citizens, by the ledger (written after each COMMIT).
    std::vector<LedgerEntry> ledger;
    {
        auto text = fs.read(ledger_path());
        if (!text && text.error().code != ErrorCode::kNotFound) return text.error();
        if (text) ledger = parse_ledger(*text);
    }
    std::set<std::string> given;
    for (const auto& e : ledger) given.insert(e.uuid);
    // First the appeals the store lost and the spool still holds: back into the queue. Only
    // those whose receipt was given: a record of an accept that never committed (the citizen
    // saw no receipt) is an orphan like its photos.
    for (const std::string& name : *names) {
        if (!name.ends_with(".appeal.sealed") || is_temporary_name(name) || before->count(name))
            continue;
        if (!given.count(name.substr(0, name.size() - strlen(".appeal.sealed")))) continue;
        auto restored = restore_from_record(name, wall_ms());
        if (!restored) return restored.error();
        if (*restored) ++report.restored_appeals;
    }
    auto known_now = known_files();
    if (!known_now) return known_now.error();
    const std::set<std::string>& known = *known_now;
    for (const std::string& name : *names) {
        const bool temporary = is_temporary_name(name);
        if (!temporary && known.count(name)) continue;
        // No row names it: an accept that never committed (the citizen was never told), a
        // half-written temporary — or a photo whose rows a damaged log lost. Which one cannot be
        // told here, so nothing is deleted at boot: it goes to orphans/, with an audit entry, and
        // only retention removes it, once no store (current or moved aside) names it.
        if (auto r = fs.make_dir(orphans_dir()); !r) return r.error();
        if (auto r = fs.rename(spool_dir() + "/" + name, orphans_dir() + "/" + name); !r)
            return r.error();
        ++(temporary ? report.set_aside_temporaries : report.set_aside_orphans);
    }
    if (report.set_aside_orphans || report.set_aside_temporaries) {
        (void)fs.fsync_dir(spool_dir());
        (void)fs.fsync_dir(orphans_dir());
        log::warn("store: %d spool files no appeal names and %d temporaries moved to %s",
                  report.set_aside_orphans, report.set_aside_temporaries, orphans_dir().c_str());
        audit("kiosk", "spool-orphans-set-aside", "",
              std::to_string(report.set_aside_orphans) + " files, " +
                  std::to_string(report.set_aside_temporaries) + " temporaries",
              wall_ms());
    }
    // Every undelivered appeal's photo files must be there and of their size. Nothing is read
    // or hashed here: at the queue's bound that is 2 GiB at every boot. A photo damaged in
    // place is found when it is sent (its SHA-256 is checked then) and goes as lost; delivered
    // appeals' photos are not looked at at all.
    struct Row {
        int64_t id;
        std::string uuid, file;
        int64_t sealed_size;
    };
    std::vector<Row> rows;
    {
        Statement st(db_,
                     "SELECT p.id, p.appeal_uuid, p.file_name, p.size FROM photos p"
                     " JOIN appeals a ON a.uuid = p.appeal_uuid"
                     " WHERE p.state = 'ok' AND a.delivered_at IS NULL");
        while (st.step() == SQLITE_ROW)
            rows.push_back({st.i64(0), st.text(1), st.text(2),
                            st.i64(3) + static_cast<int64_t>(Sealer::kOverhead)});
    }
    for (const Row& row : rows) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(spool_dir() + "/" + row.file, ec);
        const char* state = nullptr;
        if (ec)
            state = "missing";
        else if (static_cast<int64_t>(size) != row.sealed_size)
            state = "damaged";
        if (!state) continue;
        ++(ec ? report.missing_photos : report.damaged_photos);
        Statement up(db_, "UPDATE photos SET state = ? WHERE id = ?");
        up.bind(1, std::string(state)).bind(2, row.id);
        Statement flag(db_, "UPDATE appeals SET flagged = ? WHERE uuid = ?");
        flag.bind(1, std::string("photo ") + state).bind(2, row.uuid);
        if (up.step() != SQLITE_DONE || flag.step() != SQLITE_DONE)
            return db_error(db_, "flag photo");
        log::error("store: a photo of appeal %s is %s; flagged for staff", row.uuid.c_str(), state);
        audit("kiosk", "photo-" + std::string(state), row.uuid, row.file, wall_ms());
    }
    if (auto r = check_ledger(ledger, wall_ms(), report); !r) return r.error();
    (void)checkpoint();
    return report;
}

void AppealStore::append_to_ledger(const Appeal& a) {
    const std::string line = std::string(kLedgerMagic) + " " + std::to_string(a.created_unix_ms) +
                             " " + a.receipt_number + " " + a.uuid + "\n";
    // The appeal is committed whatever happens here; a ledger line that could not be written
    // only means this one receipt is not cross-checked at the next boot.
    if (auto r = append_durably(*options_.fs, ledger_path(), line); !r)
        log::error("store: receipt ledger not written: %s", r.error().message.c_str());
}

Result<void> AppealStore::check_ledger(const std::vector<LedgerEntry>& entries, int64_t now,
                                       RecoveryReport& report) {
    bool stale = false;
    for (const LedgerEntry& e : entries) {
        if (e.created_ms < now - kLedgerKeepMs) {
            stale = true;
            continue;
        }
        Statement has(db_,
                      "SELECT (SELECT count(*) FROM receipts WHERE receipt_number = ?1),"
                      " (SELECT count(*) FROM lost_receipts WHERE receipt_number = ?1)");
        has.bind(1, e.receipt);
        if (has.step() != SQLITE_ROW) return db_error(db_, "ledger check");
        if (has.i64(0) > 0 || has.i64(1) > 0) continue;
        Statement lost(db_,
                       "INSERT INTO lost_receipts(receipt_number, appeal_uuid, created_at,"
                       " noticed_at) VALUES(?,?,?,?)");
        lost.bind(1, e.receipt).bind(2, e.uuid).bind(3, e.created_ms).bind(4, now);
        if (lost.step() != SQLITE_DONE) return db_error(db_, "record lost receipt");
        report.newly_lost_receipts.push_back(e.receipt);
        // A receipt number is not personal data; staff need it to find the citizen's paper.
        log::error(
            "store: receipt %s was given to a citizen and is not in the store (lost "
            "from a damaged log); listed for staff",
            e.receipt.c_str());
        audit("kiosk", "receipt-lost", e.receipt, "given at " + std::to_string(e.created_ms), now);
    }
    // Older lines are dropped once in a while: what they guard was checkpointed long ago.
    if (stale) {
        std::string kept;
        for (const LedgerEntry& e : entries)
            if (e.created_ms >= now - kLedgerKeepMs)
                kept += std::string(kLedgerMagic) + " " + std::to_string(e.created_ms) + " " +
                        e.receipt + " " + e.uuid + "\n";
        const std::filesystem::path p(ledger_path());
        if (auto r =
                write_durably(*options_.fs, p.parent_path().string(), p.filename().string(), kept);
            !r)
            log::warn("store: receipt ledger not compacted: %s", r.error().message.c_str());
    }
    return {};
}

//-----------------------------------------------------------------------------
// [SECTION] Accept
//-----------------------------------------------------------------------------

Result<void> AppealStore::check_bounds(const AcceptRequest& req) {
    uint64_t incoming = req.appeal.text.size() + Sealer::kOverhead;
    for (const auto& p : req.photos) incoming += p.size() + Sealer::kOverhead;
    return check_room(incoming);
}

Result<void> AppealStore::room_for_another() {
    // 4,000 characters of Cyrillic and five photos of up to ~1 MB after the pipeline.
    constexpr uint64_t kTypical = 8'000 + 5 * 1'000'000 + 6 * Sealer::kOverhead;
    return check_room(kTypical);
}

Result<void> AppealStore::check_room(uint64_t incoming) {
    const StoreLimits& lim = options_.limits;
    uint64_t free_bytes = UINT64_MAX;
    if (options_.free_bytes) {
        free_bytes = options_.free_bytes();
    } else {
        struct statvfs vfs {};
        if (statvfs(options_.data_dir.c_str(), &vfs) == 0)
            free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    }
    if (free_bytes < lim.min_free_bytes + incoming)
        return make_error(ErrorCode::kNoSpace,
                          "disk: " + std::to_string(free_bytes >> 20) + " MiB free, minimum " +
                              std::to_string(lim.min_free_bytes >> 20) + " MiB");
    Statement st(db_, "SELECT items, bytes FROM queue_stats");
    if (st.step() != SQLITE_ROW) return db_error(db_, "queue stats");
    if (st.i64(0) + 1 > lim.max_queued_items)
        return make_error(ErrorCode::kNoSpace, "queue: " + std::to_string(st.i64(0)) +
                                                   " appeals waiting, maximum " +
                                                   std::to_string(lim.max_queued_items));
    if (static_cast<uint64_t>(st.i64(1)) + incoming > lim.max_queued_bytes)
        return make_error(ErrorCode::kNoSpace,
                          "queue: " + std::to_string(st.i64(1) >> 20) + " MiB waiting, maximum " +
                              std::to_string(lim.max_queued_bytes >> 20) + " MiB");
    return {};
}

namespace {
std::string record_json(const AcceptRequest& req, const std::vector<AppealStore::PhotoRow>& photos);
std::optional<std::pair<AcceptRequest, std::vector<AppealStore::PhotoRow>>> record_from_json(
    const std::string& text);
}  // namespace

Result<void> AppealStore::accept(const AcceptRequest& req, int64_t now) {
    const Appeal& a = req.appeal;
    {
        // The same appeal again (a resubmit after an accept that reported failure but reached
        // the disk): it is there, once. Another appeal under this receipt number: kConflict.
        Statement st(db_, "SELECT receipt_number FROM appeals WHERE uuid = ?");
        st.bind(1, a.uuid);
        if (st.step() == SQLITE_ROW) {
            if (st.text(0) != a.receipt_number)
                return make_error(ErrorCode::kConflict,
                                  "appeal " + a.uuid + " has another receipt");
            log::warn("store: appeal %s was accepted already; not stored twice",
                      a.receipt_number.c_str());
            append_to_ledger(a);
            return {};
        }
    }
    if (auto r = check_bounds(req); !r) {
        log::error("store: refusing a new appeal: %s", r.error().message.c_str());
        audit("kiosk", "refused-appeal", "", r.error().message, now);
        return r;
    }
    // 1. Photos into the spool, each durable under its final name before the transaction that
    //    refers to it. A crash here leaves files with no row: recover() sets them aside.
    std::vector<std::string> files;
    std::vector<PhotoRow> photos;
    auto drop_files = [&] {
        for (const auto& f : files) (void)options_.fs->remove(spool_dir() + "/" + f);
    };
    for (size_t i = 0; i < req.photos.size(); ++i) {
        const int pos = static_cast<int>(i);
        const std::string name = photo_file_name(a.uuid, pos);
        // A resubmit of the same appeal finds its photo from the first try: kept as it is, so a
        // row of that try replayed after a crash still matches its file.
        std::string sealed;
        if (auto earlier = options_.fs->read(spool_dir() + "/" + name); earlier) {
            auto opened = sealer_.open(*earlier, photo_ad(a.uuid, pos));
            if (opened && *opened == req.photos[i]) sealed = std::move(earlier).value();
        }
        if (sealed.empty()) {
            sealed = sealer_.seal(req.photos[i], photo_ad(a.uuid, pos));
            if (auto r = write_durably(*options_.fs, spool_dir(), name, sealed); !r) {
                drop_files();
                return r.error();
            }
            files.push_back(name);
        }
        photos.push_back({name, static_cast<int64_t>(req.photos[i].size()),
                          sha256_hex(req.photos[i]), sha256_hex(sealed),
                          static_cast<int64_t>(sealed.size())});
    }
    // 1b. The appeal's own record, the same way: what the store is rebuilt from if it is lost.
    {
        const std::string name = record_file_name(a.uuid);
        if (auto r = write_durably(*options_.fs, spool_dir(), name,
                                   sealer_.seal(record_json(req, photos), record_ad(a.uuid)));
            !r) {
            drop_files();
            return r.error();
        }
        files.push_back(name);
    }
    // 2. One transaction: appeal, receipt, photos, consent, outbox items, queue figures.
    if (auto r = exec("BEGIN IMMEDIATE"); !r) {
        drop_files();
        return r;
    }
    if (auto r = insert_all(req, photos, now); !r) {
        rollback();
        drop_files();
        return r;
    }
    // COMMIT with synchronous=FULL in WAL mode fsyncs the WAL: once this returns, the appeal
    // survives a power cut, and only then does the citizen see a receipt.
    if (auto r = exec("COMMIT"); !r) {
        // A full disk refuses the commit before anything of it is durable (SQLITE_FULL rolls the
        // transaction back): its files go now, not at the next boot. Any other failure leaves
        // the outcome unknown (an fsync error: the commit may be replayed after a crash): the
        // files stay, so a committed row never loses its photos; recover() sets them aside if
        // the row is not there.
        rollback();
        if (r.error().code == ErrorCode::kNoSpace) drop_files();
        return r;
    }
    append_to_ledger(a);
    return {};
}

Result<void> AppealStore::insert_all(const AcceptRequest& req, const std::vector<PhotoRow>& photos,
                                     int64_t now) {
    const Appeal& a = req.appeal;
    const std::string text = sealer_.seal(a.text, text_ad(a.uuid));
    int64_t bytes = static_cast<int64_t>(text.size());
    for (const auto& p : photos) bytes += p.sealed_size;
    {
        Statement st(db_,
                     "INSERT INTO appeals(uuid, receipt_number, category_id, language, created_at, "
                     "text_sealed,"
                     " contact_sealed, bytes, kind, place_sealed, answers_sealed)"
                     " VALUES(?,?,?,?,?,?,?,?,?,?,?)");
        st.bind(1, a.uuid)
            .bind(2, a.receipt_number)
            .bind(3, a.category_id)
            .bind(4, code(a.language));
        st.bind(5, a.created_unix_ms).bind_blob(6, text);
        if (req.contact)
            st.bind_blob(7, sealer_.seal(contact_json(*req.contact), contact_ad(a.uuid)));
        else
            st.bind_null(7);
        st.bind(8, bytes).bind(9, a.kind);
        if (a.place)
            st.bind_blob(10, sealer_.seal(place_json(*a.place), place_ad(a.uuid)));
        else
            st.bind_null(10);
        if (!a.answers.empty())
            st.bind_blob(11, sealer_.seal(answers_json(a.answers).dump(), answers_ad(a.uuid)));
        else
            st.bind_null(11);
        if (st.step() != SQLITE_DONE) return db_error(db_, "insert appeal");
    }
    {
        Statement st(db_,
                     "INSERT INTO receipts(receipt_number, appeal_uuid, category_id, created_at) "
                     "VALUES(?,?,?,?)");
        st.bind(1, a.receipt_number)
            .bind(2, a.uuid)
            .bind(3, a.category_id)
            .bind(4, a.created_unix_ms);
        if (st.step() != SQLITE_DONE) return db_error(db_, "insert receipt");
    }
    for (size_t i = 0; i < photos.size(); ++i) {
        Statement st(
            db_,
            "INSERT INTO photos(appeal_uuid, position, file_name, size, sha256_sealed, file_sha256)"
            " VALUES(?,?,?,?,?,?)");
        st.bind(1, a.uuid).bind(2, static_cast<int64_t>(i)).bind(3, photos[i].file_name);
        st.bind(4, photos[i].size)
            .bind_blob(5,
                       sealer_.seal(photos[i].sha256, photo_hash_ad(a.uuid, static_cast<int>(i))));
        st.bind(6, photos[i].file_sha256);
        if (st.step() != SQLITE_DONE) return db_error(db_, "insert photo");
        const int64_t photo_id = sqlite3_last_insert_rowid(db_);
        Statement ob(db_,
                     "INSERT INTO outbox(kind, appeal_uuid, photo_id, idempotency_key, "
                     "next_attempt_at, created_at)"
                     " VALUES('media',?,?,?,?,?)");
        ob.bind(1, a.uuid)
            .bind(2, photo_id)
            .bind(3, a.uuid + "/photo/" + std::to_string(i))
            .bind(4, now)
            .bind(5, now);
        if (ob.step() != SQLITE_DONE) return db_error(db_, "insert media item");
    }
    if (req.consent) {
        Statement st(db_, "INSERT INTO consents(appeal_uuid, version, accepted_at) VALUES(?,?,?)");
        st.bind(1, a.uuid).bind(2, req.consent->version).bind(3, req.consent->accepted_unix_ms);
        if (st.step() != SQLITE_DONE) return db_error(db_, "insert consent");
    }
    {
        Statement st(
            db_,
            "INSERT INTO outbox(kind, appeal_uuid, idempotency_key, next_attempt_at, created_at)"
            " VALUES('appeal',?,?,?,?)");
        st.bind(1, a.uuid).bind(2, a.uuid).bind(3, now).bind(4, now);
        if (st.step() != SQLITE_DONE) return db_error(db_, "insert appeal item");
    }
    Statement stats(db_, "UPDATE queue_stats SET items = items + 1, bytes = bytes + ?");
    stats.bind(1, bytes);
    if (stats.step() != SQLITE_DONE) return db_error(db_, "queue stats");
    return {};
}

namespace {
// The record's JSON: what accept() was given, photos by their metadata (their bytes are in their
// own files).
std::string record_json(const AcceptRequest& req,
                        const std::vector<AppealStore::PhotoRow>& photos) {
    const Appeal& a = req.appeal;
    nlohmann::json j = {{"v", 1},
                        {"uuid", a.uuid},
                        {"receipt_number", a.receipt_number},
                        {"category_id", a.category_id},
                        {"kind", a.kind},
                        {"language", std::string(code(a.language))},
                        {"created_at", a.created_unix_ms},
                        {"text", a.text}};
    if (req.contact) j["contact"] = nlohmann::json::parse(contact_json(*req.contact));
    if (a.place) j["place"] = nlohmann::json::parse(place_json(*a.place));
    if (!a.answers.empty()) j["answers"] = answers_json(a.answers);
    if (req.consent)
        j["consent"] = {{"version", req.consent->version},
                        {"accepted_at", req.consent->accepted_unix_ms}};
    nlohmann::json ph = nlohmann::json::array();
    for (const auto& p : photos)
        ph.push_back({{"file_name", p.file_name},
                      {"size", p.size},
                      {"sha256", p.sha256},
                      {"file_sha256", p.file_sha256},
                      {"sealed_size", p.sealed_size}});
    j["photos"] = std::move(ph);
    return j.dump();
}

std::optional<std::pair<AcceptRequest, std::vector<AppealStore::PhotoRow>>> record_from_json(
    const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || j.value("v", 0) != 1) return std::nullopt;
    try {
        AcceptRequest req;
        Appeal& a = req.appeal;
        a.uuid = j.at("uuid").get<std::string>();
        a.receipt_number = j.at("receipt_number").get<std::string>();
        a.category_id = j.at("category_id").get<std::string>();
        a.kind = j.at("kind").get<std::string>();
        a.language =
            language_from_code(j.at("language").get<std::string>()).value_or(Language::kRu);
        a.created_unix_ms = j.at("created_at").get<int64_t>();
        a.text = j.at("text").get<std::string>();
        if (j.contains("contact")) req.contact = contact_from_json(j["contact"].dump());
        if (j.contains("place")) a.place = place_from_json(j["place"].dump());
        if (j.contains("answers")) a.answers = answers_from_json(j["answers"]);
        if (j.contains("consent"))
            req.consent = Consent{j["consent"].at("version").get<std::string>(),
                                  j["consent"].at("accepted_at").get<int64_t>()};
        std::vector<AppealStore::PhotoRow> photos;
        for (const auto& p : j.at("photos"))
            photos.push_back({p.at("file_name").get<std::string>(), p.at("size").get<int64_t>(),
                              p.at("sha256").get<std::string>(),
                              p.at("file_sha256").get<std::string>(),
                              p.at("sealed_size").get<int64_t>()});
        return std::make_pair(std::move(req), std::move(photos));
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}
}  // namespace

// Puts back an appeal the store lost, from its record in the spool: its rows as accept() made
// them, its items pending (the platform's idempotency absorbs a repeat of one it already has).
Result<bool> AppealStore::restore_from_record(const std::string& file_name, int64_t now) {
    const std::string uuid = file_name.substr(0, file_name.size() - strlen(".appeal.sealed"));
    auto sealed = options_.fs->read(spool_dir() + "/" + file_name);
    if (!sealed) return sealed.error();
    auto plain = sealer_.open(*sealed, record_ad(uuid));
    if (!plain) return false;
    auto record = record_from_json(*plain);
    if (!record || record->first.appeal.uuid != uuid) return false;
    {
        // A receipt the store still knows (delivered and purged, say) is not restored.
        Statement has(db_,
                      "SELECT count(*) FROM receipts WHERE receipt_number = ? OR appeal_uuid = ?");
        has.bind(1, record->first.appeal.receipt_number).bind(2, uuid);
        if (has.step() != SQLITE_ROW) return db_error(db_, "restore check");
        if (has.i64(0) > 0) return false;
    }
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r.error();
    if (auto r = insert_all(record->first, record->second, now); !r) {
        rollback();
        return r.error();
    }
    Statement found(db_, "DELETE FROM lost_receipts WHERE receipt_number = ?");
    found.bind(1, record->first.appeal.receipt_number);
    if (found.step() != SQLITE_DONE) {
        Error e = db_error(db_, "restore");
        rollback();
        return e;
    }
    if (auto r = exec("COMMIT"); !r) {
        rollback();
        return r.error();
    }
    log::error(
        "store: appeal with receipt %s was missing from the store; restored from its "
        "record in the spool",
        record->first.appeal.receipt_number.c_str());
    audit("kiosk", "appeal-restored", record->first.appeal.receipt_number, "from the spool", now);
    return true;
}

//-----------------------------------------------------------------------------
// [SECTION] Look-ups and figures
//-----------------------------------------------------------------------------

Result<std::optional<StoredAppeal>> AppealStore::find_by_receipt(const std::string& receipt) {
    Statement st(
        db_,
        "SELECT uuid, receipt_number, category_id, language, created_at, status, platform_id,"
        " text_sealed, contact_sealed, flagged, (SELECT count(*) FROM photos p WHERE p.appeal_uuid "
        "= a.uuid), kind, place_sealed, answers_sealed"
        " FROM appeals a WHERE receipt_number = ?");
    st.bind(1, receipt);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return std::optional<StoredAppeal>{};
    if (rc != SQLITE_ROW) return db_error(db_, "find appeal");
    StoredAppeal s;
    s.appeal.uuid = st.text(0);
    s.appeal.receipt_number = st.text(1);
    s.appeal.category_id = st.text(2);
    s.appeal.language = language_from_code(st.text(3)).value_or(Language::kRu);
    s.appeal.created_unix_ms = st.i64(4);
    s.status = st.text(5);
    s.platform_id = st.text(6);
    auto text = sealer_.open(st.text(7), text_ad(s.appeal.uuid));
    if (!text)
        return make_error(ErrorCode::kCorrupt,
                          "appeal " + s.appeal.uuid + ": " + text.error().message);
    s.appeal.text = std::move(text).value();
    if (!st.is_null(8)) {
        auto c = sealer_.open(st.text(8), contact_ad(s.appeal.uuid));
        if (!c)
            return make_error(ErrorCode::kCorrupt,
                              "appeal " + s.appeal.uuid + ": " + c.error().message);
        s.contact = contact_from_json(*c);
    }
    s.flagged = st.text(9);
    s.photo_count = static_cast<int>(st.i64(10));
    s.appeal.kind = st.text(11);
    if (!st.is_null(12)) {
        auto place = sealer_.open(st.text(12), place_ad(s.appeal.uuid));
        if (!place)
            return make_error(ErrorCode::kCorrupt,
                              "appeal " + s.appeal.uuid + ": " + place.error().message);
        s.appeal.place = place_from_json(*place);
    }
    if (!st.is_null(13)) {
        auto answers = sealer_.open(st.text(13), answers_ad(s.appeal.uuid));
        if (!answers)
            return make_error(ErrorCode::kCorrupt,
                              "appeal " + s.appeal.uuid + ": " + answers.error().message);
        s.appeal.answers = answers_from_json(nlohmann::json::parse(*answers, nullptr, false));
    }
    return std::optional<StoredAppeal>(std::move(s));
}

Result<void> AppealStore::accept_action(const CitizenAction& a) {
    Statement st(
        db_,
        "INSERT INTO citizen_actions(uuid, kind, target, once_key, body_sealed, created_at)"
        " VALUES(?,?,?,?,?,?)");
    st.bind(1, a.uuid).bind(2, a.kind).bind(3, a.target);
    if (a.once_key.empty())
        st.bind_null(4);
    else
        st.bind(4, a.once_key);
    st.bind_blob(5, sealer_.seal(a.body, action_ad(a.uuid))).bind(6, a.created_unix_ms);
    const int rc = st.step();
    if (rc == SQLITE_CONSTRAINT_UNIQUE && !a.once_key.empty()) {
        Statement dup(db_,
                      "SELECT 1 FROM citizen_actions WHERE once_key = ? AND state IN "
                      "('pending', 'delivered')");
        dup.bind(1, a.once_key);
        if (dup.step() == SQLITE_ROW)
            return make_error(ErrorCode::kConflict, "this " + a.kind + " was made already");
    }
    if (rc != SQLITE_DONE) return db_error(db_, "insert " + a.kind);
    return {};
}

Result<std::vector<CitizenAction>> AppealStore::pending_actions(int limit) {
    const std::string sql =
        std::string(kActionColumns) + " WHERE state = 'pending' ORDER BY created_at LIMIT ?";
    Statement st(db_, sql.c_str());
    st.bind(1, static_cast<int64_t>(limit));
    std::vector<CitizenAction> out;
    while (st.step() == SQLITE_ROW) {
        auto a = action_row(st, sealer_);
        if (!a) return a.error();
        out.push_back(std::move(a).value());
    }
    return out;
}

Result<void> AppealStore::settle_action(const std::string& uuid, const std::string& state,
                                        const std::string& reason, int64_t now) {
    Statement st(db_,
                 "UPDATE citizen_actions SET state = ?, reason = ?, settled_at = ? WHERE uuid = ?");
    st.bind(1, state).bind(2, reason).bind(3, now).bind(4, uuid);
    if (st.step() != SQLITE_DONE) return db_error(db_, "settle " + uuid);
    return {};
}

Result<std::optional<std::string>> AppealStore::action_state(const std::string& uuid) {
    Statement st(db_, "SELECT state FROM citizen_actions WHERE uuid = ?");
    st.bind(1, uuid);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return std::optional<std::string>{};
    if (rc != SQLITE_ROW) return db_error(db_, "read action state");
    return std::optional<std::string>(st.text(0));
}

Result<std::optional<CitizenAction>> AppealStore::earlier_action(const std::string& once_key) {
    const std::string sql = std::string(kActionColumns) +
                            " WHERE once_key = ? AND state IN ('pending', 'delivered')"
                            " AND length(body_sealed) > 0";
    Statement st(db_, sql.c_str());
    st.bind(1, once_key);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return std::optional<CitizenAction>{};
    if (rc != SQLITE_ROW) return db_error(db_, "read earlier action");
    auto a = action_row(st, sealer_);
    if (!a) return a.error();
    return std::optional<CitizenAction>(std::move(a).value());
}

Result<std::vector<AppealStore::Nearby>> AppealStore::nearby(const std::string& category_id,
                                                             double lat, double lon,
                                                             double radius_m, int limit) {
    Statement st(db_,
                 "SELECT uuid, receipt_number, status, created_at, place_sealed,"
                 " (SELECT count(*) FROM photos p WHERE p.appeal_uuid = a.uuid AND p.state = 'ok')"
                 " FROM appeals a WHERE category_id = ? AND place_sealed IS NOT NULL");
    st.bind(1, category_id);
    std::vector<Nearby> out;
    while (st.step() == SQLITE_ROW) {
        const std::string uuid = st.text(0);
        auto sealed = sealer_.open(st.text(4), place_ad(uuid));
        if (!sealed) continue;  // one unreadable place does not hide the others
        const auto place = place_from_json(*sealed);
        if (!place || !place->lat || !place->lon) continue;
        const double d = geo::distance_m(lat, lon, *place->lat, *place->lon);
        if (d > radius_m) continue;
        out.push_back({uuid, st.text(1), st.text(2), st.i64(3), d, static_cast<int>(st.i64(5))});
    }
    std::sort(out.begin(), out.end(),
              [](const Nearby& a, const Nearby& b) { return a.distance_m < b.distance_m; });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
    return out;
}

Result<std::optional<ReceiptRecord>> AppealStore::find_receipt(const std::string& receipt) {
    Statement st(db_,
                 "SELECT receipt_number, category_id, created_at, status, platform_id, purged_at"
                 " FROM receipts WHERE receipt_number = ?");
    st.bind(1, receipt);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return std::optional<ReceiptRecord>{};
    if (rc != SQLITE_ROW) return db_error(db_, "find receipt");
    return std::optional<ReceiptRecord>(
        ReceiptRecord{st.text(0), st.text(1), st.i64(2), st.text(3), st.text(4), !st.is_null(5)});
}

Result<std::vector<std::string>> AppealStore::photos_of(const std::string& uuid) {
    std::vector<int64_t> positions;
    {
        Statement st(db_,
                     "SELECT position FROM photos WHERE appeal_uuid = ? AND state != 'lost'"
                     " ORDER BY position");
        st.bind(1, uuid);
        while (st.step() == SQLITE_ROW) positions.push_back(st.i64(0));
    }
    std::vector<std::string> out;
    for (int64_t p : positions) {
        auto photo = read_photo(uuid, static_cast<int>(p));
        if (!photo) return photo.error();
        out.push_back(std::move(photo).value());
    }
    return out;
}

std::vector<std::string> AppealStore::open_platform_ids(size_t limit) {
    Statement st(
        db_,
        "SELECT platform_id FROM appeals WHERE platform_id IS NOT NULL AND platform_id != ''"
        " AND status NOT IN ('answered', 'rated', 'rejected') ORDER BY delivered_at"
        " LIMIT ?");
    st.bind(1, static_cast<int64_t>(limit));
    std::vector<std::string> out;
    while (st.step() == SQLITE_ROW) out.push_back(st.text(0));
    return out;
}

Result<std::string> AppealStore::read_photo(const std::string& uuid, int position) {
    Statement st(
        db_, "SELECT file_name, sha256_sealed FROM photos WHERE appeal_uuid = ? AND position = ?");
    st.bind(1, uuid).bind(2, static_cast<int64_t>(position));
    if (st.step() != SQLITE_ROW)
        return make_error(ErrorCode::kNotFound, "no photo " + std::to_string(position));
    auto sealed = options_.fs->read(spool_dir() + "/" + st.text(0));
    if (!sealed) return sealed.error();
    auto plain = sealer_.open(*sealed, photo_ad(uuid, position));
    if (!plain) return plain.error();
    auto expected = photo_hash(st.text(1), uuid, position);
    if (!expected) return expected.error();
    if (sha256_hex(*plain) != *expected)
        return make_error(ErrorCode::kCorrupt, "photo checksum mismatch");
    return plain;
}

Result<QueueFigures> AppealStore::queue_figures() {
    QueueFigures f;
    Statement st(db_, "SELECT state, count(*), min(created_at) FROM outbox GROUP BY state");
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        const std::string state = st.text(0);
        if (state == "pending") {
            f.pending = st.i64(1);
            f.oldest_pending_unix_ms = st.i64(2);
        } else if (state == "delivered") {
            f.delivered = st.i64(1);
        } else if (state == "quarantined") {
            f.quarantined = st.i64(1);
        }
    }
    if (rc != SQLITE_DONE) return db_error(db_, "queue figures");
    Statement stats(db_, "SELECT items, bytes FROM queue_stats");
    if (stats.step() == SQLITE_ROW) {
        f.queued_appeals = stats.i64(0);
        f.queued_bytes = stats.i64(1);
    }
    Statement times(db_,
                    "SELECT (SELECT max(delivered_at) FROM appeals),"
                    " (SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending')");
    if (times.step() == SQLITE_ROW) {
        if (!times.is_null(0)) f.last_success_unix_ms = times.i64(0);
        if (!times.is_null(1)) f.next_attempt_unix_ms = times.i64(1);
    }
    Statement last(
        db_, "SELECT last_error FROM outbox WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT 1");
    if (last.step() == SQLITE_ROW) f.last_error = last.text(0);
    Statement lost(db_, "SELECT count(*) FROM lost_receipts");
    if (lost.step() == SQLITE_ROW) f.lost_receipts = lost.i64(0);
    return f;
}

Result<std::vector<AuditEntry>> AppealStore::audit_log(int limit) {
    Statement st(
        db_, "SELECT at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?");
    st.bind(1, static_cast<int64_t>(limit));
    std::vector<AuditEntry> out;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW)
        out.push_back({st.i64(0), st.text(1), st.text(2), st.text(3), st.text(4)});
    if (rc != SQLITE_DONE) return db_error(db_, "audit log");
    return out;
}

void AppealStore::audit(const std::string& actor, const std::string& action,
                        const std::string& subject, const std::string& detail, int64_t now) {
    Statement st(db_,
                 "INSERT INTO audit_log(at, actor, action, subject, detail) VALUES(?,?,?,?,?)");
    st.bind(1, now).bind(2, actor).bind(3, action).bind(4, subject).bind(5, detail);
    if (st.step() != SQLITE_DONE)
        log::warn("store: audit entry not written: %s", sqlite3_errmsg(db_));
}

Result<bool> AppealStore::integrity_ok() {
    Statement st(db_, "PRAGMA integrity_check");
    if (!st.ok()) return db_error(db_, "integrity_check");
    return st.step() == SQLITE_ROW && st.text(0) == "ok";
}

Result<AppealStore::Census> AppealStore::census() {
    Statement st(db_, "SELECT (SELECT count(*) FROM appeals), (SELECT count(*) FROM photos)");
    if (st.step() != SQLITE_ROW) return db_error(db_, "census");
    return Census{st.i64(0), st.i64(1)};
}

Result<void> AppealStore::checkpoint() {
    if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr) !=
        SQLITE_OK)
        return db_error(db_, "checkpoint");
    return {};
}

//-----------------------------------------------------------------------------
// [SECTION] Retention and purge
//-----------------------------------------------------------------------------

// Deletes the appeal's rows (photos, consent, outbox go with it) and marks its receipt purged.
// Runs inside the caller's transaction; files are removed after COMMIT.
Result<void> AppealStore::purge_rows(const std::string& uuid) {
    Statement rec(db_, "UPDATE receipts SET purged_at = ? WHERE appeal_uuid = ?");
    rec.bind(1, wall_ms()).bind(2, uuid);
    // An appeal purged before delivery (withdrawn consent) leaves the queue figures too.
    Statement stats(
        db_,
        "UPDATE queue_stats SET items = items - 1, bytes = bytes - (SELECT bytes FROM appeals"
        " WHERE uuid = ?1) WHERE EXISTS (SELECT 1 FROM appeals WHERE uuid = ?1 AND delivered_at IS "
        "NULL)");
    stats.bind(1, uuid);
    Statement del(db_, "DELETE FROM appeals WHERE uuid = ?");
    del.bind(1, uuid);
    if (rec.step() != SQLITE_DONE || stats.step() != SQLITE_DONE || del.step() != SQLITE_DONE)
        return db_error(db_, "purge");
    return {};
}

// Spool files set aside at boot (orphans/) go after the retention period, and only those that no
// store names: neither this one nor any store moved aside (one that cannot be read at all keeps
// every orphan, for the technician).
void AppealStore::purge_orphans(int64_t now, int days) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(orphans_dir(), ec)) return;
    std::set<std::string> named;
    {
        Statement st(db_, "SELECT file_name FROM photos");
        while (st.step() == SQLITE_ROW) named.insert(st.text(0));
    }
    for (const auto& e : fs::directory_iterator(options_.data_dir, ec)) {
        const std::string name = e.path().filename().string();
        if (!name.starts_with("appeals.db.corrupt-") || name.ends_with("-wal") ||
            name.ends_with("-shm"))
            continue;
        sqlite3* aside = nullptr;
        bool read =
            sqlite3_open_v2(e.path().c_str(), &aside, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK;
        if (read) {
            Statement st(aside, "SELECT file_name FROM photos");
            int rc;
            while ((rc = st.step()) == SQLITE_ROW) named.insert(st.text(0));
            read = rc == SQLITE_DONE;
        }
        sqlite3_close(aside);
        if (!read) return;
    }
    const auto cutoff = fs::file_time_type::clock::now() -
                        std::chrono::milliseconds(static_cast<int64_t>(days) * 24 * 3600 * 1000);
    int removed = 0;
    for (const auto& e : fs::directory_iterator(orphans_dir(), ec)) {
        const std::string name = e.path().filename().string();
        std::error_code tec;
        if (named.count(name) || e.last_write_time(tec) > cutoff || tec) continue;
        if (options_.fs->remove(e.path().string())) ++removed;
    }
    if (removed) {
        (void)options_.fs->fsync_dir(orphans_dir());
        audit("kiosk", "orphans-removed", "", std::to_string(removed) + " files", now);
    }
}

Result<int> AppealStore::purge_expired(int64_t now, int days) {
    purge_orphans(now, days);
    const int64_t before = now - static_cast<int64_t>(days) * 24 * 3600 * 1000;
    // Ratings, votes and +1s carry a name and phone in their sealed body: once settled, the body
    // goes after the same period (the row stays: its once_key keeps one vote per person here).
    // The audit log has no personal data but grows with every action: a year is kept.
    {
        Statement actions(db_,
                          "UPDATE citizen_actions SET body_sealed = x'' WHERE state != 'pending'"
                          " AND settled_at <= ? AND length(body_sealed) > 0");
        actions.bind(1, before);
        Statement audit_rows(db_, "DELETE FROM audit_log WHERE at <= ?");
        audit_rows.bind(1, now - kAuditKeepMs);
        if (actions.step() != SQLITE_DONE || audit_rows.step() != SQLITE_DONE)
            return db_error(db_, "retention of actions and audit");
    }
    std::vector<std::string> uuids, files;
    {
        Statement st(
            db_, "SELECT uuid FROM appeals WHERE delivered_at IS NOT NULL AND delivered_at <= ?");
        st.bind(1, before);
        while (st.step() == SQLITE_ROW) uuids.push_back(st.text(0));
    }
    if (uuids.empty()) return 0;
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r.error();
    for (const auto& uuid : uuids) {
        Statement f(db_, "SELECT file_name FROM photos WHERE appeal_uuid = ?");
        f.bind(1, uuid);
        while (f.step() == SQLITE_ROW) files.push_back(f.text(0));
        files.push_back(record_file_name(uuid));
        if (auto r = purge_rows(uuid); !r) {
            rollback();
            return r.error();
        }
    }
    audit("kiosk", "retention-purge", "", std::to_string(uuids.size()) + " appeals", now);
    if (auto r = exec("COMMIT"); !r) {
        rollback();
        return r.error();
    }
    // Rows first, then files: a crash in between leaves orphan files, which recover() sets aside
    // and a later retention run removes.
    for (const auto& f : files) (void)options_.fs->remove(spool_dir() + "/" + f);
    if (!files.empty()) (void)options_.fs->fsync_dir(spool_dir());
    return static_cast<int>(uuids.size());
}

Result<void> AppealStore::purge_personal_data(const std::string& receipt, const std::string& actor,
                                              const std::string& reason, int64_t now) {
    std::string uuid;
    std::vector<std::string> files;
    {
        Statement st(
            db_, "SELECT appeal_uuid FROM receipts WHERE receipt_number = ? AND purged_at IS NULL");
        st.bind(1, receipt);
        if (st.step() != SQLITE_ROW)
            return make_error(ErrorCode::kNotFound, "no appeal with personal data for " + receipt);
        uuid = st.text(0);
    }
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
    {
        Statement f(db_, "SELECT file_name FROM photos WHERE appeal_uuid = ?");
        f.bind(1, uuid);
        while (f.step() == SQLITE_ROW) files.push_back(f.text(0));
        files.push_back(record_file_name(uuid));
    }
    if (auto r = purge_rows(uuid); !r) {
        rollback();
        return r;
    }
    audit(actor, "purge-personal-data", receipt, reason, now);
    if (auto r = exec("COMMIT"); !r) {
        rollback();
        return r;
    }
    for (const auto& f : files) (void)options_.fs->remove(spool_dir() + "/" + f);
    if (!files.empty()) (void)options_.fs->fsync_dir(spool_dir());
    return {};
}

//-----------------------------------------------------------------------------
// [SECTION] Outbox
//-----------------------------------------------------------------------------

// The oldest due item. An appeal item waits until every photo of it is delivered, so the platform
// never sees an appeal whose photos it cannot find; media items are never blocked.
namespace {
sync::OutboxItem row_item(Statement& st) {
    sync::OutboxItem item;
    item.id = st.i64(0);
    item.kind = st.text(1);
    item.idempotency_key = st.text(2);
    item.attempts = static_cast<int>(st.i64(3));
    return item;
}
}  // namespace

std::optional<sync::OutboxItem> AppealStore::next_due(int64_t now) {
    auto r = next_due_checked(now);
    return r ? std::move(r).value() : std::nullopt;
}

Result<std::optional<sync::OutboxItem>> AppealStore::next_due_checked(int64_t now) {
    // An item that cannot be read will never upload: it is set aside for staff and the next one
    // is looked at — a bounded number of times, and never again once that write failed.
    for (int unreadable = 0; unreadable < 100; ++unreadable) {
        auto found = due_item(now);
        if (!found) return found.error();
        if (!found->second) return std::move(found->first);
        const Error& why = *found->second;
        const sync::OutboxItem& row = *found->first;
        if (why.code == ErrorCode::kIo) return why;  // the disk, not the photo: back off
        // A photo whose file is gone or damaged will never be read again: the appeal goes
        // without it and says so (issue #17, point 6); anything else unreadable waits for staff.
        auto r =
            row.kind == "media" &&
                    (why.code == ErrorCode::kNotFound || why.code == ErrorCode::kCorrupt)
                ? mark_photo_lost(row.id, why.code == ErrorCode::kNotFound ? "missing" : "damaged")
                : quarantine(row.id, why.message);
        if (!r) return r.error();
    }
    return std::optional<sync::OutboxItem>{};
}

Result<void> AppealStore::mark_photo_lost(int64_t outbox_id, const std::string& reason) {
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
    std::string receipt;
    int64_t position = 0;
    {
        Statement st(db_,
                     "SELECT a.receipt_number, p.position FROM outbox o JOIN photos p ON p.id ="
                     " o.photo_id JOIN appeals a ON a.uuid = o.appeal_uuid WHERE o.id = ?");
        st.bind(1, outbox_id);
        if (st.step() != SQLITE_ROW) {
            rollback();
            return make_error(ErrorCode::kNotFound, "no photo item " + std::to_string(outbox_id));
        }
        receipt = st.text(0);
        position = st.i64(1);
    }
    const std::string note = "photo " + std::to_string(position + 1) + " " + reason +
                             " on the terminal; the appeal goes without it";
    Statement o(db_, "UPDATE outbox SET state = 'lost', reason = ?, last_error = ? WHERE id = ?");
    o.bind(1, reason).bind(2, note).bind(3, outbox_id);
    Statement p(db_,
                "UPDATE photos SET state = 'lost' WHERE id = (SELECT photo_id FROM outbox WHERE"
                " id = ?)");
    p.bind(1, outbox_id);
    Statement a(db_,
                "UPDATE appeals SET flagged = ? WHERE uuid = (SELECT appeal_uuid FROM outbox"
                " WHERE id = ?)");
    a.bind(1, "photo " + reason).bind(2, outbox_id);
    // What staff see on the queue screen while the appeal waits.
    Statement ap(db_,
                 "UPDATE outbox SET last_error = ? WHERE kind = 'appeal' AND appeal_uuid ="
                 " (SELECT appeal_uuid FROM outbox WHERE id = ?)");
    ap.bind(1, note).bind(2, outbox_id);
    if (o.step() != SQLITE_DONE || p.step() != SQLITE_DONE || a.step() != SQLITE_DONE ||
        ap.step() != SQLITE_DONE) {
        Error e = db_error(db_, "mark photo lost");
        rollback();
        return e;
    }
    audit("uploader", "photo-lost", receipt, note, wall_ms());
    if (auto r = exec("COMMIT"); !r) {
        rollback();
        return r;
    }
    log::error("store: appeal %s: %s", receipt.c_str(), note.c_str());
    return {};
}

// The next due row: its item, or (second) why its body cannot be read.
Result<std::pair<std::optional<sync::OutboxItem>, std::optional<Error>>> AppealStore::due_item(
    int64_t now) {
    using Found = std::pair<std::optional<sync::OutboxItem>, std::optional<Error>>;
    Statement st(db_,
                 "SELECT o.id, o.kind, o.idempotency_key, o.attempts, o.appeal_uuid, p.position, "
                 "p.sha256_sealed FROM outbox o"
                 " LEFT JOIN photos p ON p.id = o.photo_id"
                 " WHERE o.state = 'pending' AND o.next_attempt_at <= ?"
                 " AND (o.kind = 'media' OR NOT EXISTS (SELECT 1 FROM outbox m WHERE m.appeal_uuid "
                 "= o.appeal_uuid"
                 "      AND m.kind = 'media' AND m.state NOT IN ('delivered', 'lost')))"
                 " ORDER BY o.next_attempt_at, o.id LIMIT 1");
    st.bind(1, now);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return Found{};
    if (rc != SQLITE_ROW) return db_error(db_, "next due item");
    sync::OutboxItem row = row_item(st);
    auto item = outbox_item(row, st.text(4), static_cast<int>(st.i64(5)), st.text(6));
    if (!item) return Found{row, item.error()};
    return Found{std::move(item).value(), std::nullopt};
}

// The row (id, kind, key, attempts, appeal uuid, photo position, photo sha256 sealed), as both
// queries select it, with its body:
// a photo read and checked from the spool, or the appeal's JSON built now from the sealed row
// (plaintext never rests in the outbox).
Result<sync::OutboxItem> AppealStore::outbox_item(sync::OutboxItem item, const std::string& uuid,
                                                  int position, const std::string& sealed_sha256) {
    if (item.kind == "media") {
        auto photo = read_photo(uuid, position);
        if (!photo)
            return make_error(photo.error().code == ErrorCode::kIo         ? ErrorCode::kIo
                              : photo.error().code == ErrorCode::kNotFound ? ErrorCode::kNotFound
                                                                           : ErrorCode::kCorrupt,
                              "photo unreadable: " + photo.error().message);
        auto hash = photo_hash(sealed_sha256, uuid, position);  // read_photo() checked it
        if (!hash) return hash.error();
        item.body = std::move(photo).value();
        item.content_sha256 = std::move(hash).value();
        return item;
    }
    Statement a(db_, "SELECT receipt_number FROM appeals WHERE uuid = ?");
    a.bind(1, uuid);
    if (a.step() != SQLITE_ROW) return make_error(ErrorCode::kCorrupt, "appeal unreadable");
    auto stored = find_by_receipt(a.text(0));
    if (!stored || !*stored) return make_error(ErrorCode::kCorrupt, "appeal unreadable");
    std::vector<std::string> hashes;
    std::vector<LostPhoto> lost;
    Statement ph(db_,
                 "SELECT p.sha256_sealed, p.position, p.state = 'lost', coalesce(o.reason, '') FROM"
                 " photos p LEFT JOIN outbox o ON o.photo_id = p.id AND o.kind = 'media'"
                 " WHERE p.appeal_uuid = ? ORDER BY p.position");
    ph.bind(1, uuid);
    while (ph.step() == SQLITE_ROW) {
        if (ph.i64(2)) {
            lost.push_back({static_cast<int>(ph.i64(1)), ph.text(3)});
        } else {
            auto hex = photo_hash(ph.text(0), uuid, static_cast<int>(ph.i64(1)));
            if (!hex) return hex.error();
            hashes.push_back(std::move(hex).value());
        }
    }
    item.body = appeal_request_json((*stored)->appeal, hashes, (*stored)->contact, lost);
    return item;
}

Result<std::vector<std::string>> AppealStore::unsent_keys() {
    Statement st(db_,
                 "SELECT idempotency_key FROM outbox WHERE state IN ('pending', 'quarantined')"
                 " UNION ALL SELECT uuid FROM citizen_actions WHERE state = 'pending'");
    std::vector<std::string> out;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) out.push_back(st.text(0));
    if (rc != SQLITE_DONE) return db_error(db_, "unsent keys");
    return out;
}

Result<int> AppealStore::each_unsent(const std::function<Result<void>(const UnsentItem&)>& f) {
    Statement st(db_,
                 "SELECT o.id, o.kind, o.idempotency_key, o.attempts, o.appeal_uuid, p.position,"
                 " p.sha256_sealed, o.state, r.receipt_number FROM outbox o"
                 " LEFT JOIN photos p ON p.id = o.photo_id"
                 " LEFT JOIN receipts r ON r.appeal_uuid = o.appeal_uuid"
                 " WHERE o.state IN ('pending', 'quarantined') ORDER BY o.id");
    int n = 0;
    while (st.step() == SQLITE_ROW) {
        auto item = outbox_item(row_item(st), st.text(4), static_cast<int>(st.i64(5)), st.text(6));
        if (!item) return make_error(ErrorCode::kCorrupt, st.text(2) + ": " + item.error().message);
        if (auto r = f({std::move(item).value(), st.text(8), st.text(7) == "quarantined"}); !r)
            return r.error();
        ++n;
    }
    return n;
}

std::optional<int64_t> AppealStore::earliest_due() {
    Statement st(db_, "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'");
    if (st.step() != SQLITE_ROW || st.is_null(0)) return std::nullopt;
    return st.i64(0);
}

Result<void> AppealStore::mark_delivered(int64_t id, const std::string& platform_id,
                                         const std::string& status, int64_t now) {
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
    auto fail = [&](const char* what) {
        Error e = db_error(db_, what);
        rollback();
        return e;
    };
    std::string kind, uuid;
    {
        Statement k(db_, "SELECT kind, appeal_uuid FROM outbox WHERE id = ? AND state = 'pending'");
        k.bind(1, id);
        if (k.step() != SQLITE_ROW) {
            rollback();
            return {};  // already delivered (a repeat): nothing to do
        }
        kind = k.text(0);
        uuid = k.text(1);
    }
    Statement o(db_, "UPDATE outbox SET state = 'delivered', last_error = NULL WHERE id = ?");
    o.bind(1, id);
    if (o.step() != SQLITE_DONE) return fail("mark delivered");
    if (kind == "appeal") {
        const std::string st = status.empty() ? std::string("sent") : status;
        Statement stats(
            db_,
            "UPDATE queue_stats SET items = items - 1, bytes = bytes - (SELECT bytes FROM appeals"
            " WHERE uuid = ?)");
        stats.bind(1, uuid);
        Statement a(
            db_, "UPDATE appeals SET status = ?, platform_id = ?, delivered_at = ? WHERE uuid = ?");
        a.bind(1, st).bind(2, platform_id).bind(3, now).bind(4, uuid);
        Statement r(db_, "UPDATE receipts SET status = ?, platform_id = ? WHERE appeal_uuid = ?");
        r.bind(1, st).bind(2, platform_id).bind(3, uuid);
        if (stats.step() != SQLITE_DONE || a.step() != SQLITE_DONE || r.step() != SQLITE_DONE)
            return fail("mark appeal delivered");
    }
    if (auto r = exec("COMMIT"); !r) {
        rollback();
        return r;
    }
    return {};
}

Result<void> AppealStore::schedule_retry(int64_t id, int attempts, int64_t next_ms,
                                         const std::string& reason) {
    Statement st(
        db_, "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?");
    st.bind(1, static_cast<int64_t>(attempts)).bind(2, next_ms).bind(3, reason).bind(4, id);
    if (st.step() != SQLITE_DONE) return db_error(db_, "schedule retry");
    return {};
}

Result<int64_t> AppealStore::item_failing_since(int64_t id, int64_t now) {
    Statement up(db_, "UPDATE outbox SET failing_since = ? WHERE id = ? AND failing_since IS NULL");
    up.bind(1, now).bind(2, id);
    if (up.step() != SQLITE_DONE) return db_error(db_, "item failing since");
    Statement st(db_, "SELECT failing_since FROM outbox WHERE id = ?");
    st.bind(1, id);
    if (st.step() != SQLITE_ROW) return db_error(db_, "item failing since");
    return st.i64(0);
}

Result<void> AppealStore::photos_not_kept(const std::string& appeal_uuid,
                                          const std::string& reason) {
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
    std::string receipt;
    {
        Statement st(db_, "SELECT receipt_number FROM appeals WHERE uuid = ?");
        st.bind(1, appeal_uuid);
        if (st.step() == SQLITE_ROW) receipt = st.text(0);
    }
    Statement o(db_,
                "UPDATE outbox SET state = 'lost', reason = ?, last_error = ? WHERE appeal_uuid = ?"
                " AND kind = 'media'");
    o.bind(1, "not-kept").bind(2, reason).bind(3, appeal_uuid);
    Statement p(db_, "UPDATE photos SET state = 'lost' WHERE appeal_uuid = ?");
    p.bind(1, appeal_uuid);
    Statement a(db_, "UPDATE appeals SET flagged = 'photos not kept' WHERE uuid = ?");
    a.bind(1, appeal_uuid);
    if (o.step() != SQLITE_DONE || p.step() != SQLITE_DONE || a.step() != SQLITE_DONE) {
        Error e = db_error(db_, "photos not kept");
        rollback();
        return e;
    }
    audit("uploader", "photos-not-kept", receipt, reason, wall_ms());
    if (auto r = exec("COMMIT"); !r) {
        rollback();
        return r;
    }
    log::error("store: appeal %s: %s", receipt.c_str(), reason.c_str());
    return {};
}

Result<void> AppealStore::quarantine(int64_t id, const std::string& reason) {
    Statement st(
        db_, "UPDATE outbox SET state = 'quarantined', last_error = ?, reason = ? WHERE id = ?");
    st.bind(1, reason).bind(2, reason).bind(3, id);
    if (st.step() != SQLITE_DONE) return db_error(db_, "quarantine");
    audit("uploader", "quarantine", std::to_string(id), reason, wall_ms());
    return {};
}

Result<int> AppealStore::release_quarantine(const std::string& actor, int64_t now) {
    Statement st(db_,
                 "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?,"
                 " reason = NULL, failing_since = NULL WHERE state = 'quarantined'");
    st.bind(1, now);
    if (st.step() != SQLITE_DONE) return db_error(db_, "release quarantine");
    const int n = sqlite3_changes(db_);
    audit(actor, "release-quarantine", "outbox", std::to_string(n) + " items", now);
    return n;
}

Result<std::vector<AppealStore::QuarantinedItem>> AppealStore::quarantined(int limit) {
    Statement st(db_,
                 "SELECT o.id, o.kind, a.receipt_number, coalesce(o.reason, ''), o.attempts,"
                 " o.created_at FROM outbox o JOIN appeals a ON a.uuid = o.appeal_uuid"
                 " WHERE o.state = 'quarantined' ORDER BY o.id LIMIT ?");
    st.bind(1, static_cast<int64_t>(limit));
    std::vector<QuarantinedItem> out;
    while (st.step() == SQLITE_ROW)
        out.push_back({st.i64(0), st.text(1), st.text(2), st.text(3), static_cast<int>(st.i64(4)),
                       st.i64(5)});
    return out;
}

Result<std::vector<AppealStore::QueueItem>> AppealStore::queue_items(int limit) {
    Statement st(db_,
                 "SELECT a.receipt_number, o.kind, o.state = 'quarantined', o.attempts,"
                 " o.next_attempt_at, coalesce(o.reason, o.last_error, '') FROM outbox o"
                 " JOIN appeals a ON a.uuid = o.appeal_uuid"
                 " WHERE o.state IN ('pending', 'quarantined')"
                 " ORDER BY o.state = 'quarantined' DESC, o.next_attempt_at, o.id LIMIT ?");
    st.bind(1, static_cast<int64_t>(limit));
    std::vector<QueueItem> out;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW)
        out.push_back({st.text(0), st.text(1), st.i64(2) != 0, static_cast<int>(st.i64(3)),
                       st.i64(4), st.text(5)});
    if (rc != SQLITE_DONE) return db_error(db_, "queue items");
    return out;
}

std::string AppealStore::status_cursor() {
    Statement st(db_, "SELECT value FROM sync_state WHERE key = 'status_cursor'");
    return st.step() == SQLITE_ROW ? st.text(0) : std::string();
}

Result<int> AppealStore::apply_status_changes(const std::vector<sync::StatusChange>& changes,
                                              const std::string& next_cursor) {
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r.error();
    int applied = 0;
    for (const auto& c : changes) {
        Statement a(db_, "UPDATE appeals SET status = ? WHERE platform_id = ?");
        a.bind(1, c.status).bind(2, c.platform_id);
        Statement r(db_, "UPDATE receipts SET status = ? WHERE platform_id = ?");
        r.bind(1, c.status).bind(2, c.platform_id);
        if (a.step() != SQLITE_DONE || r.step() != SQLITE_DONE) {
            Error e = db_error(db_, "apply status");
            rollback();
            return e;
        }
        applied += sqlite3_changes(db_) > 0;
    }
    Statement cur(db_,
                  "INSERT INTO sync_state(key, value) VALUES('status_cursor', ?)"
                  " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    cur.bind(1, next_cursor);
    if (cur.step() != SQLITE_DONE) {
        Error e = db_error(db_, "status cursor");
        rollback();
        return e;
    }
    if (auto r = exec("COMMIT"); !r) {
        rollback();
        return r.error();
    }
    return applied;
}

namespace {

class StoreOutboxQueue final : public sync::OutboxQueue {
  public:
    explicit StoreOutboxQueue(std::unique_ptr<AppealStore> store) : store_(std::move(store)) {}
    Result<std::optional<sync::OutboxItem>> next_due(int64_t now) override {
        return store_->next_due_checked(now);
    }
    std::optional<int64_t> earliest_due() override { return store_->earliest_due(); }
    Result<void> mark_delivered(const sync::OutboxItem& item, const std::string& platform_id,
                                const std::string& status) override {
        return store_->mark_delivered(item.id, platform_id, status, wall_ms());
    }
    Result<void> schedule_retry(const sync::OutboxItem& item, int64_t next_ms,
                                const std::string& reason) override {
        return store_->schedule_retry(item.id, item.attempts + 1, next_ms, reason);
    }
    Result<void> quarantine(const sync::OutboxItem& item, const std::string& reason) override {
        return store_->quarantine(item.id, reason);
    }
    std::string status_cursor() override { return store_->status_cursor(); }
    void apply_status_changes(const std::vector<sync::StatusChange>& changes,
                              const std::string& cursor) override {
        auto r = store_->apply_status_changes(changes, cursor);
        if (!r) log::error("store: status changes not applied: %s", r.error().message.c_str());
    }
    Result<std::vector<std::string>> attachments(const sync::OutboxItem& item) override {
        // An appeal item's idempotency key is the appeal's UUID.
        return store_->photos_of(item.idempotency_key);
    }
    std::vector<std::string> open_platform_ids(size_t limit) override {
        return store_->open_platform_ids(limit);
    }
    Result<void> attachments_not_kept(const sync::OutboxItem& item,
                                      const std::string& reason) override {
        return store_->photos_not_kept(item.idempotency_key, reason);
    }
    Result<int64_t> item_failing_since(const sync::OutboxItem& item, int64_t now) override {
        return store_->item_failing_since(item.id, now);
    }

  private:
    std::unique_ptr<AppealStore> store_;
};

}  // namespace

std::unique_ptr<sync::OutboxQueue> make_outbox_queue(std::unique_ptr<AppealStore> store) {
    return std::make_unique<StoreOutboxQueue>(std::move(store));
}

}  // namespace vmeste::core
