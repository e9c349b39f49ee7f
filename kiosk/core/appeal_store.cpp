#include "kiosk/core/appeal_store.h"

#include <sqlite3.h>

#include <cstdio>
#include <filesystem>

#include "kiosk/base/log.h"

namespace vmeste::core {
namespace {

// A prepared statement that finalizes itself. Bind helpers take 1-based indexes as SQLite does.
class Statement {
  public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    bool ok() const { return rc_ == SQLITE_OK; }
    Statement& bind(int i, const std::string& s) {
        sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int i, int64_t v) {
        sqlite3_bind_int64(stmt_, i, v);
        return *this;
    }
    int step() { return sqlite3_step(stmt_); }
    int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
    std::string text(int col) const {
        auto p = sqlite3_column_text(stmt_, col);
        return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col))
                 : std::string();
    }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    std::string error() const { return sqlite3_errmsg(db_); }

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    int rc_;
};

Error db_error(sqlite3* db, const std::string& what) {
    const int rc = sqlite3_extended_errcode(db);
    ErrorCode code = ErrorCode::kIo;
    if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) code = ErrorCode::kCorrupt;
    if ((rc & 0xFF) == SQLITE_CONSTRAINT) code = ErrorCode::kConflict;
    return make_error(code, what + ": " + sqlite3_errmsg(db));
}

const char* kSchemaV1 = R"sql(
CREATE TABLE appeals(
  uuid            TEXT PRIMARY KEY,
  receipt_number  TEXT NOT NULL UNIQUE,
  category_id     TEXT NOT NULL,
  text            TEXT NOT NULL,
  language        TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'queued',
  platform_id     TEXT
);
CREATE TABLE outbox(
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL,
  appeal_uuid     TEXT NOT NULL REFERENCES appeals(uuid),
  idempotency_key TEXT NOT NULL,
  body            TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',   -- pending | delivered | quarantined
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
)sql";

Result<sqlite3*> open_connection(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    if (rc != SQLITE_OK) {
        Error e = db ? db_error(db, "open " + path) : make_error(ErrorCode::kIo, "open " + path);
        sqlite3_close(db);
        return e;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);  // the other connection's write transactions are short
    return db;
}

// quick_check reads every page; on the sizes a kiosk holds (thousands of rows) it takes
// milliseconds and runs once at start-up.
bool passes_integrity_check(sqlite3* db) {
    Statement st(db, "PRAGMA quick_check");
    if (!st.ok()) return false;
    return st.step() == SQLITE_ROW && st.text(0) == "ok";
}

}  // namespace

Result<std::unique_ptr<AppealStore>> AppealStore::open(const std::string& path) {
    std::optional<std::string> moved;
    auto db = open_connection(path);
    if (db && !passes_integrity_check(*db)) {
        sqlite3_close(*db);
        const std::string aside =
            path + ".corrupt-" +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
        std::error_code ec;
        std::filesystem::rename(path, aside, ec);
        if (ec)
            return make_error(
                ErrorCode::kCorrupt,
                "store " + path + " is corrupt and could not be moved aside: " + ec.message());
        for (const char* suffix : {"-wal", "-shm"})
            std::filesystem::rename(path + suffix, aside + suffix, ec);
        log::error("store: %s failed integrity_check; moved aside to %s", path.c_str(),
                   aside.c_str());
        moved = aside;
        db = open_connection(path);
    }
    if (!db) return db.error();
    std::unique_ptr<AppealStore> store(new AppealStore(*db));
    store->moved_aside_ = moved;
    if (auto r = store->exec("PRAGMA journal_mode=WAL"); !r) return r.error();
    if (auto r = store->exec("PRAGMA synchronous=FULL"); !r) return r.error();
    if (auto r = store->exec("PRAGMA foreign_keys=ON"); !r) return r.error();
    if (auto r = store->migrate(); !r) return r.error();
    return store;
}

AppealStore::~AppealStore() {
    sqlite3_close(db_);
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

Result<void> AppealStore::migrate() {
    Statement v(db_, "PRAGMA user_version");
    if (!v.ok() || v.step() != SQLITE_ROW) return db_error(db_, "read user_version");
    const int64_t version = v.i64(0);
    if (version > kSchemaVersion)
        return make_error(ErrorCode::kCorrupt, "store schema " + std::to_string(version) +
                                                   " is newer than this kiosk (" +
                                                   std::to_string(kSchemaVersion) + ")");
    if (version == 0) {
        if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
        // Another connection may have migrated between our read and the lock.
        Statement again(db_, "PRAGMA user_version");
        if (again.step() == SQLITE_ROW && again.i64(0) == 0) {
            if (auto r = exec(kSchemaV1); !r) {
                rollback();
                return r;
            }
            if (auto r = exec("PRAGMA user_version=1"); !r) {
                rollback();
                return r;
            }
        }
        if (auto r = exec("COMMIT"); !r) {
            rollback();
            return r;
        }
    }
    return {};
}

Result<void> AppealStore::insert_appeal(const Appeal& a, int64_t now) {
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
    auto fail = [&](const std::string& what) {
        Error e = db_error(db_, what);
        rollback();
        return e;
    };
    {
        Statement st(
            db_,
            "INSERT INTO appeals(uuid, receipt_number, category_id, text, language, created_at)"
            " VALUES(?,?,?,?,?,?)");
        st.bind(1, a.uuid)
            .bind(2, a.receipt_number)
            .bind(3, a.category_id)
            .bind(4, a.text)
            .bind(5, std::string(code(a.language)))
            .bind(6, a.created_unix_ms);
        if (st.step() != SQLITE_DONE) return fail("insert appeal");
    }
    {
        Statement st(db_,
                     "INSERT INTO outbox(kind, appeal_uuid, idempotency_key, body, "
                     "next_attempt_at, created_at)"
                     " VALUES('appeal',?,?,?,?,?)");
        st.bind(1, a.uuid)
            .bind(2, a.uuid)
            .bind(3, appeal_request_json(a))
            .bind(4, now)
            .bind(5, now);
        if (st.step() != SQLITE_DONE) return fail("insert outbox");
    }
    // COMMIT with synchronous=FULL in WAL mode fsyncs the WAL: once this returns, the appeal
    // survives a power cut, and only then does the citizen see a receipt.
    if (auto r = exec("COMMIT"); !r) {
        rollback();
        return r;
    }
    return {};
}

Result<std::optional<StoredAppeal>> AppealStore::find_by_receipt(const std::string& receipt) {
    Statement st(db_,
                 "SELECT uuid, receipt_number, category_id, text, language, created_at, status,"
                 " platform_id FROM appeals WHERE receipt_number = ?");
    st.bind(1, receipt);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return std::optional<StoredAppeal>{};
    if (rc != SQLITE_ROW) return db_error(db_, "find appeal");
    StoredAppeal s;
    s.appeal.uuid = st.text(0);
    s.appeal.receipt_number = st.text(1);
    s.appeal.category_id = st.text(2);
    s.appeal.text = st.text(3);
    s.appeal.language = language_from_code(st.text(4)).value_or(Language::kRu);
    s.appeal.created_unix_ms = st.i64(5);
    s.status = st.text(6);
    s.platform_id = st.text(7);
    return std::optional<StoredAppeal>(std::move(s));
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
    Statement last(db_,
                   "SELECT last_error FROM outbox WHERE last_error IS NOT NULL"
                   " ORDER BY id DESC LIMIT 1");
    if (last.step() == SQLITE_ROW) f.last_error = last.text(0);
    return f;
}

std::optional<sync::OutboxItem> AppealStore::next_due(int64_t now) {
    Statement st(
        db_,
        "SELECT id, kind, idempotency_key, body, attempts FROM outbox"
        " WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1");
    st.bind(1, now);
    if (st.step() != SQLITE_ROW) return std::nullopt;
    return sync::OutboxItem{st.i64(0), st.text(1), st.text(2), st.text(3),
                            static_cast<int>(st.i64(4))};
}

std::optional<int64_t> AppealStore::earliest_due() {
    Statement st(db_, "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'");
    if (st.step() != SQLITE_ROW || st.is_null(0)) return std::nullopt;
    return st.i64(0);
}

Result<void> AppealStore::mark_delivered(int64_t id, const std::string& platform_id,
                                         const std::string& platform_status) {
    if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
    Statement a(db_,
                "UPDATE appeals SET status = ?, platform_id = ? WHERE uuid ="
                " (SELECT appeal_uuid FROM outbox WHERE id = ?)");
    a.bind(1, platform_status.empty() ? std::string("sent") : platform_status)
        .bind(2, platform_id)
        .bind(3, id);
    Statement o(db_, "UPDATE outbox SET state = 'delivered', last_error = NULL WHERE id = ?");
    o.bind(1, id);
    if (a.step() != SQLITE_DONE || o.step() != SQLITE_DONE) {
        Error e = db_error(db_, "mark delivered");
        rollback();
        return e;
    }
    return exec("COMMIT");
}

Result<void> AppealStore::schedule_retry(int64_t id, int attempts, int64_t next_ms,
                                         const std::string& reason) {
    Statement st(
        db_, "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?");
    st.bind(1, static_cast<int64_t>(attempts)).bind(2, next_ms).bind(3, reason).bind(4, id);
    if (st.step() != SQLITE_DONE) return db_error(db_, "schedule retry");
    return {};
}

Result<void> AppealStore::quarantine(int64_t id, const std::string& reason) {
    Statement st(db_, "UPDATE outbox SET state = 'quarantined', last_error = ? WHERE id = ?");
    st.bind(1, reason).bind(2, id);
    if (st.step() != SQLITE_DONE) return db_error(db_, "quarantine");
    return {};
}

namespace {

class StoreOutboxQueue final : public sync::OutboxQueue {
  public:
    explicit StoreOutboxQueue(std::unique_ptr<AppealStore> store) : store_(std::move(store)) {}
    std::optional<sync::OutboxItem> next_due(int64_t now) override { return store_->next_due(now); }
    std::optional<int64_t> earliest_due() override { return store_->earliest_due(); }
    void mark_delivered(const sync::OutboxItem& item, const std::string& platform_id,
                        const std::string& status) override {
        report(store_->mark_delivered(item.id, platform_id, status));
    }
    void schedule_retry(const sync::OutboxItem& item, int64_t next_ms,
                        const std::string& reason) override {
        report(store_->schedule_retry(item.id, item.attempts + 1, next_ms, reason));
    }
    void quarantine(const sync::OutboxItem& item, const std::string& reason) override {
        report(store_->quarantine(item.id, reason));
    }

  private:
    // A failed bookkeeping write leaves the row pending: the item is sent again and the
    // idempotency key makes the repeat harmless. So the error is logged, not escalated.
    static void report(const Result<void>& r) {
        if (!r) log::error("store: outbox update failed: %s", r.error().message.c_str());
    }
    std::unique_ptr<AppealStore> store_;
};

}  // namespace

std::unique_ptr<sync::OutboxQueue> make_outbox_queue(std::unique_ptr<AppealStore> store) {
    return std::make_unique<StoreOutboxQueue>(std::move(store));
}

}  // namespace vmeste::core
