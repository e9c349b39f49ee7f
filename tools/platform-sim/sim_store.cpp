#include "tools/platform-sim/sim_store.h"

#include <sqlite3.h>

#include <cstdio>
#include <ctime>
#include <memory>

namespace vmeste::sim {
namespace {

std::string col(sqlite3_stmt* st, int i) {
    auto p = sqlite3_column_text(st, i);
    return p ? reinterpret_cast<const char*>(p) : "";
}

ReceivedAppeal row(sqlite3_stmt* st) {
    ReceivedAppeal a;
    a.platform_id = col(st, 0);
    a.idempotency_key = col(st, 1);
    a.receipt_number = col(st, 2);
    a.category = col(st, 3);
    a.text = col(st, 4);
    a.language = col(st, 5);
    a.created_at = col(st, 6);
    a.received_unix_ms = sqlite3_column_int64(st, 7);
    a.status = col(st, 8);
    a.body_sha = col(st, 9);
    a.photos = col(st, 10);
    a.place = col(st, 11);
    a.channel = col(st, 12);
    a.kind = col(st, 13);
    a.contact = col(st, 14);
    a.subject = col(st, 15);
    a.lost_photos = col(st, 16);
    return a;
}

constexpr const char* kColumns =
    "platform_id, idempotency_key, receipt_number, category, text, language, created_at,"
    " received_at, status, body_sha, photos, place, coalesce(channel, 'gateway'),"
    " coalesce(kind, 'message'), coalesce(contact, ''), coalesce(subject, ''),"
    " coalesce(lost_photos, '')";

// Gives the row just inserted its public id, "<PREFIX>-000042" from its sequence number.
std::string name_last_row(sqlite3* db, const char* update_sql, const char* prefix) {
    const int64_t seq = sqlite3_last_insert_rowid(db);
    char id[32];
    std::snprintf(id, sizeof id, "%s-%06lld", prefix, static_cast<long long>(seq));
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, update_sql, -1, &st, nullptr);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return id;
}

}  // namespace

Result<std::unique_ptr<SimStore>> SimStore::open(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return make_error(ErrorCode::kIo, "open " + path + ": " + msg);
    }
    const char* schema =
        "PRAGMA journal_mode=WAL;"
        "CREATE TABLE IF NOT EXISTS appeals("
        " seq INTEGER PRIMARY KEY AUTOINCREMENT, platform_id TEXT UNIQUE,"
        " idempotency_key TEXT NOT NULL UNIQUE, receipt_number TEXT, category TEXT, text TEXT,"
        " language TEXT, created_at TEXT, received_at INTEGER, status TEXT, body_sha TEXT, photos "
        "TEXT);"
        "CREATE TABLE IF NOT EXISTS media(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE,"
        " idempotency_key TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, data BLOB NOT NULL);"
        "CREATE TABLE IF NOT EXISTS enrol_codes(code TEXT PRIMARY KEY, used_by TEXT);"
        "CREATE TABLE IF NOT EXISTS published_photos(receipt_number TEXT PRIMARY KEY);"
        "CREATE TABLE IF NOT EXISTS devices(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE,"
        " serial TEXT NOT NULL, token TEXT NOT NULL UNIQUE, enrolled_at INTEGER);";
    char* err = nullptr;
    if (sqlite3_exec(db, schema, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "schema";
        sqlite3_free(err);
        sqlite3_close(db);
        return make_error(ErrorCode::kIo, msg);
    }
    // Columns added after the first release of the simulator; an older file gains them here.
    for (const char* add :
         {"ALTER TABLE appeals ADD COLUMN place TEXT",
          "ALTER TABLE appeals ADD COLUMN channel TEXT", "ALTER TABLE appeals ADD COLUMN kind TEXT",
          "ALTER TABLE appeals ADD COLUMN contact TEXT",
          "ALTER TABLE appeals ADD COLUMN subject TEXT",
          "ALTER TABLE appeals ADD COLUMN lost_photos TEXT"})
        sqlite3_exec(db, add, nullptr, nullptr, nullptr);  // "duplicate column" is fine
    return std::unique_ptr<SimStore>(new SimStore(db));
}

SimStore::~SimStore() {
    sqlite3_close(db_);
}

std::optional<ReceivedAppeal> SimStore::find(const char* where, const std::string& value) {
    std::lock_guard lock(mu_);
    const std::string sql =
        std::string("SELECT ") + kColumns + " FROM appeals WHERE " + where + " = ?";
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr);
    sqlite3_bind_text(st, 1, value.c_str(), -1, SQLITE_TRANSIENT);
    std::optional<ReceivedAppeal> out;
    if (sqlite3_step(st) == SQLITE_ROW) out = row(st);
    sqlite3_finalize(st);
    return out;
}

std::optional<ReceivedAppeal> SimStore::find_by_key(const std::string& k) {
    return find("idempotency_key", k);
}
std::optional<ReceivedAppeal> SimStore::find_by_receipt(const std::string& r) {
    return find("receipt_number", r);
}
std::optional<ReceivedAppeal> SimStore::find_by_id(const std::string& id) {
    return find("platform_id", id);
}

Result<ReceivedAppeal> SimStore::insert(ReceivedAppeal a) {
    std::lock_guard lock(mu_);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(
        db_,
        "INSERT INTO appeals(idempotency_key, receipt_number, category, text, language,"
        " created_at, received_at, status, body_sha, photos, place, channel, kind, contact,"
        " subject, lost_photos) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        -1, &st, nullptr);
    const std::string* texts[] = {&a.idempotency_key, &a.receipt_number, &a.category, &a.text,
                                  &a.language,        &a.created_at};
    for (int i = 0; i < 6; ++i)
        sqlite3_bind_text(st, i + 1, texts[i]->c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 7, a.received_unix_ms);
    sqlite3_bind_text(st, 8, a.status.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, a.body_sha.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, a.photos.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 11, a.place.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 12, a.channel.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 13, a.kind.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 14, a.contact.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 15, a.subject.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 16, a.lost_photos.c_str(), -1, SQLITE_TRANSIENT);
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return make_error(ErrorCode::kIo, sqlite3_errmsg(db_));
    a.platform_id = name_last_row(db_, "UPDATE appeals SET platform_id = ? WHERE seq = ?", "POS");
    return a;
}

std::vector<ReceivedAppeal> SimStore::list(int limit) {
    std::lock_guard lock(mu_);
    const std::string sql =
        std::string("SELECT ") + kColumns + " FROM appeals ORDER BY seq DESC LIMIT ?";
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr);
    sqlite3_bind_int(st, 1, limit);
    std::vector<ReceivedAppeal> out;
    while (sqlite3_step(st) == SQLITE_ROW) out.push_back(row(st));
    sqlite3_finalize(st);
    return out;
}

int64_t SimStore::count() {
    std::lock_guard lock(mu_);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "SELECT count(*) FROM appeals", -1, &st, nullptr);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return n;
}

std::optional<ReceivedMedia> SimStore::find_media(const char* column, const std::string& value) {
    std::lock_guard lock(mu_);
    const std::string sql =
        std::string("SELECT id, idempotency_key, sha256, data FROM media WHERE ") + column + " = ?";
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr);
    sqlite3_bind_text(st, 1, value.c_str(), -1, SQLITE_TRANSIENT);
    std::optional<ReceivedMedia> out;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const void* blob = sqlite3_column_blob(st, 3);
        out =
            ReceivedMedia{col(st, 0), col(st, 1), col(st, 2),
                          std::string(static_cast<const char*>(blob), sqlite3_column_bytes(st, 3))};
    }
    sqlite3_finalize(st);
    return out;
}

Result<ReceivedMedia> SimStore::insert_media(ReceivedMedia m) {
    std::lock_guard lock(mu_);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "INSERT INTO media(idempotency_key, sha256, data) VALUES(?,?,?)", -1,
                       &st, nullptr);
    sqlite3_bind_text(st, 1, m.idempotency_key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, m.sha256.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 3, m.data.data(), static_cast<int>(m.data.size()), SQLITE_TRANSIENT);
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return make_error(ErrorCode::kIo, sqlite3_errmsg(db_));
    m.id = name_last_row(db_, "UPDATE media SET id = ? WHERE seq = ?", "MED");
    return m;
}

int64_t SimStore::media_count() {
    std::lock_guard lock(mu_);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "SELECT count(*) FROM media", -1, &st, nullptr);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return n;
}

void SimStore::publish_photos(const std::string& receipt) {
    std::lock_guard lock(mu_);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO published_photos VALUES(?)", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, receipt.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
}

bool SimStore::photos_published(const std::string& receipt) {
    std::lock_guard lock(mu_);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "SELECT 1 FROM published_photos WHERE receipt_number = ?", -1, &st,
                       nullptr);
    sqlite3_bind_text(st, 1, receipt.c_str(), -1, SQLITE_TRANSIENT);
    const bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

void SimStore::add_enrol_code(const std::string& code) {
    std::lock_guard lock(mu_);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO enrol_codes(code) VALUES(?)", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, code.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
}

Result<Device> SimStore::enrol(const std::string& code, const std::string& serial,
                               const std::string& token) {
    std::lock_guard lock(mu_);
    sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    auto rollback = [&](Error e) -> Result<Device> {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    };
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "SELECT used_by FROM enrol_codes WHERE code = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, code.c_str(), -1, SQLITE_TRANSIENT);
    const int rc = sqlite3_step(st);
    const bool used = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return rollback(make_error(ErrorCode::kNotFound, "unknown code"));
    if (used) return rollback(make_error(ErrorCode::kConflict, "code already used"));
    sqlite3_prepare_v2(db_, "INSERT INTO devices(serial, token, enrolled_at) VALUES(?,?,?)", -1,
                       &st, nullptr);
    sqlite3_bind_text(st, 1, serial.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, token.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, static_cast<int64_t>(std::time(nullptr)));
    const int ins = sqlite3_step(st);
    sqlite3_finalize(st);
    if (ins != SQLITE_DONE) return rollback(make_error(ErrorCode::kIo, sqlite3_errmsg(db_)));
    Device d{name_last_row(db_, "UPDATE devices SET id = ? WHERE seq = ?", "DEV"), serial, token};
    sqlite3_prepare_v2(db_, "UPDATE enrol_codes SET used_by = ? WHERE code = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, d.device_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, code.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
    sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    return d;
}

std::optional<Device> SimStore::device_by_token(const std::string& token) {
    std::lock_guard lock(mu_);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "SELECT id, serial, token FROM devices WHERE token = ?", -1, &st,
                       nullptr);
    sqlite3_bind_text(st, 1, token.c_str(), -1, SQLITE_TRANSIENT);
    std::optional<Device> out;
    if (sqlite3_step(st) == SQLITE_ROW) out = Device{col(st, 0), col(st, 1), col(st, 2)};
    sqlite3_finalize(st);
    return out;
}

}  // namespace vmeste::sim
