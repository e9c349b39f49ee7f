// OutboxQueue: what the uploader needs from durable storage. sync defines it; the appeal store in
// kiosk/core implements it (so sync never sees SQLite). Times are wall-clock Unix milliseconds
// because they are stored on disk and must mean the same thing after a reboot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::sync {

struct OutboxItem {
    int64_t id = 0;
    std::string kind;             // "appeal"
    std::string idempotency_key;  // the appeal's UUID
    std::string body;             // appeal: JSON built from the sealed row; media: the JPEG bytes
    int attempts = 0;             // failed attempts so far
    std::string content_sha256;   // media: hex SHA-256 of body, sent for the platform to verify
};

// A status the platform reports for an appeal it has (GET /api/v1/status-changes).
struct StatusChange {
    std::string platform_id;
    std::string receipt_number;
    std::string status;
};

struct StatusPage {
    std::vector<StatusChange> changes;
    std::string cursor;
};

class OutboxQueue {
  public:
    virtual ~OutboxQueue() = default;
    // The oldest item whose next attempt time has come, if any; an error when the store cannot
    // be read or cannot record what it found (the worker then backs off).
    virtual Result<std::optional<OutboxItem>> next_due(int64_t now_unix_ms) = 0;
    // When the earliest pending item becomes due (nullopt: nothing pending).
    virtual std::optional<int64_t> earliest_due() = 0;
    // Bookkeeping. An error means the store could not write it (disk full, read-only, I/O): the
    // item stays as it was, and the worker stops sending until a write succeeds again, with
    // backoff — never a loop of repeats (issue #17, point 7).
    virtual Result<void> mark_delivered(const OutboxItem& item, const std::string& platform_id,
                                        const std::string& platform_status) = 0;
    virtual Result<void> schedule_retry(const OutboxItem& item, int64_t next_attempt_unix_ms,
                                        const std::string& reason) = 0;
    virtual Result<void> quarantine(const OutboxItem& item, const std::string& reason) = 0;
    // Status polling: where the last poll ended, and what it brought (applied with the new
    // cursor in one transaction, so a crash never skips or repeats a change).
    virtual std::string status_cursor() { return {}; }
    virtual void apply_status_changes(const std::vector<StatusChange>&,
                                      const std::string& /*next_cursor*/) {}
    // The photos of an appeal item, in order (for adapters that send them with the appeal, such
    // as Open311's multipart photo1..N).
    virtual Result<std::vector<std::string>> attachments(const OutboxItem&) {
        return std::vector<std::string>{};
    }
    // The photos of a delivered appeal that the platform did not keep (Open311 servers drop
    // file fields they do not know): marked lost with `reason`, for staff, never "delivered".
    virtual Result<void> attachments_not_kept(const OutboxItem&, const std::string& /*reason*/) {
        return {};
    }
    // Since when this item has been failing on its own while the platform answered (a 500 for it
    // alone): recorded at the first such failure and kept across restarts; `now` when first.
    virtual Result<int64_t> item_failing_since(const OutboxItem&, int64_t now_unix_ms) {
        return now_unix_ms;
    }
    // Platform ids of delivered appeals not yet answered (for adapters that poll by id).
    virtual std::vector<std::string> open_platform_ids(size_t /*limit*/) { return {}; }
};

}  // namespace vmeste::sync
