// AppealStore: the kiosk's durable memory, one SQLite file (WAL, synchronous=FULL). The only code
// that includes sqlite3.h. One AppealStore is one connection and belongs to one thread; the
// intake thread and the uploader each open their own on the same file.
//
// Issue #3 adds encryption at rest, photos, retention and crash torture on top of this schema.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/base/result.h"
#include "kiosk/core/appeal.h"
#include "sync/outbox.h"

struct sqlite3;

namespace vmeste::core {

struct StoredAppeal {
    Appeal appeal;
    std::string status;       // queued, sent, ...
    std::string platform_id;  // empty until delivered
};

struct QueueFigures {
    int64_t pending = 0;
    int64_t delivered = 0;
    int64_t quarantined = 0;
    std::optional<int64_t> oldest_pending_unix_ms;
    std::string last_error;
};

class AppealStore {
  public:
    static constexpr int kSchemaVersion = 1;

    // Opens (creating if missing) and migrates the store at `path`. A file that fails
    // integrity_check is moved aside to `<path>.corrupt-<unix ms>` and reported, never reused.
    static Result<std::unique_ptr<AppealStore>> open(const std::string& path);
    ~AppealStore();
    AppealStore(const AppealStore&) = delete;
    AppealStore& operator=(const AppealStore&) = delete;

    // Inserts the appeal and its outbox row in one transaction. On a receipt-number collision
    // returns kConflict and writes nothing (the caller draws a new number).
    Result<void> insert_appeal(const Appeal& appeal, int64_t now_unix_ms);

    Result<std::optional<StoredAppeal>> find_by_receipt(const std::string& receipt_number);
    Result<QueueFigures> queue_figures();
    // Set when open() had to move a corrupt file aside.
    const std::optional<std::string>& moved_aside() const { return moved_aside_; }

    // Outbox access for the uploader (sync::OutboxQueue is implemented on top of these).
    std::optional<sync::OutboxItem> next_due(int64_t now_unix_ms);
    std::optional<int64_t> earliest_due();
    Result<void> mark_delivered(int64_t outbox_id, const std::string& platform_id,
                                const std::string& platform_status);
    Result<void> schedule_retry(int64_t outbox_id, int attempts, int64_t next_unix_ms,
                                const std::string& reason);
    Result<void> quarantine(int64_t outbox_id, const std::string& reason);

  private:
    explicit AppealStore(sqlite3* db) : db_(db) {}
    Result<void> exec(const char* sql);
    Result<void> migrate();
    void rollback();

    sqlite3* db_;
    std::optional<std::string> moved_aside_;
};

// The uploader's view of the store: owns its own connection.
std::unique_ptr<sync::OutboxQueue> make_outbox_queue(std::unique_ptr<AppealStore> store);

}  // namespace vmeste::core
