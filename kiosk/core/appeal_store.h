// AppealStore: the kiosk's durable memory. One SQLite file (WAL, synchronous=FULL) plus a spool of
// sealed photo files, in the data directory. The only code that includes sqlite3.h.
//
// One AppealStore is one connection and belongs to one thread; the intake thread and the uploader
// each open their own on the same files. docs/storage.md explains the schema, the accept sequence
// and the recovery rules.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/base/result.h"
#include "kiosk/core/appeal.h"
#include "kiosk/core/device_key.h"
#include "kiosk/core/file_ops.h"
#include "sync/outbox.h"

struct sqlite3;

namespace vmeste::core {

struct StoreLimits {
    uint64_t min_free_bytes = 64ull << 20;   // below this on the data disk, refuse new appeals
    uint64_t max_queued_bytes = 2ull << 30;  // sealed text + photos not yet delivered
    int64_t max_queued_items = 5000;         // appeals not yet delivered
};

struct StoreOptions {
    std::string data_dir;
    FileOps* fs = nullptr;   // default: posix_file_ops()
    std::string sqlite_vfs;  // default VFS when empty (tests inject faults here)
    StoreLimits limits;
    std::function<uint64_t()> free_bytes;  // default: statvfs of data_dir
    // A store whose check *result* says it is damaged is moved aside and what can be read of it
    // is salvaged into a new one. Only the process holding the data directory's lock may do
    // that; a reader beside it (vmestectl status) sets this false and gets kCorrupt instead.
    bool salvage = true;
    // The key, when it does not come from DATA_DIR/device.key: the one systemd opened with the
    // TPM and handed the service (kiosk/core/sealed_key.h). With a sealed key in the data
    // directory and none given, the store does not open (and never makes a plaintext key).
    std::optional<DeviceKey> device_key;
};

struct AcceptRequest {
    Appeal appeal;
    std::vector<std::string> photos;  // JPEG bytes, already resized and stripped (image/)
    std::optional<Contact> contact;
    std::optional<Consent> consent;
};

struct StoredAppeal {
    Appeal appeal;
    std::optional<Contact> contact;
    std::string status;       // queued, then the platform's status
    std::string platform_id;  // empty until delivered
    int photo_count = 0;
    std::string flagged;  // non-empty: a photo is missing or damaged (for staff)
};

// What stays after personal data is purged: enough to answer "what happened to my appeal".
struct ReceiptRecord {
    std::string receipt_number;
    std::string category_id;
    int64_t created_unix_ms = 0;
    std::string status;
    std::string platform_id;
    bool purged = false;
};

struct QueueFigures {
    int64_t pending = 0;  // outbox items not yet delivered
    int64_t delivered = 0;
    int64_t quarantined = 0;
    int64_t queued_appeals = 0;
    int64_t queued_bytes = 0;
    int64_t lost_receipts = 0;  // receipts given that the store lost (staff must follow up)
    std::optional<int64_t> oldest_pending_unix_ms;
    std::optional<int64_t> last_success_unix_ms;  // the last appeal the platform confirmed
    std::optional<int64_t> next_attempt_unix_ms;  // the earliest pending item's not-before time
    std::string last_error;
};

struct RecoveryReport {
    // Spool files no row names (an accept that never committed, or rows lost to a damaged log)
    // and half-written temporaries: moved to DATA_DIR/orphans, never deleted at boot.
    int set_aside_orphans = 0;
    int set_aside_temporaries = 0;
    // Appeals the store had lost (a damaged or truncated database, a bad log frame) put back
    // from their sealed records in the spool, pending again.
    int restored_appeals = 0;
    int missing_photos = 0;  // rows whose file is gone: flagged for staff
    int damaged_photos = 0;  // rows whose file does not match its checksum: flagged
    // Receipts the ledger says were given to citizens and the store does not hold (rows lost to
    // a damaged log): newly found at this boot. lost_receipts() lists every one found so far.
    std::vector<std::string> newly_lost_receipts;
};

// What a salvage carried over from a store that failed its check (AppealStore::salvaged()).
struct SalvageReport {
    std::string moved_aside_to;
    int64_t rows_copied = 0;
    int64_t appeals = 0;               // of them
    int64_t unreadable_stretches = 0;  // places where reading stopped on damage and was resumed
};

// A receipt a citizen was given that the store lost (found by comparing the receipt ledger).
struct LostReceipt {
    std::string receipt_number, appeal_uuid;
    int64_t created_unix_ms = 0, noticed_unix_ms = 0;
};

struct AuditEntry {
    int64_t at_unix_ms = 0;
    std::string actor, action, subject, detail;
};

class AppealStore {
  public:
    static constexpr int kSchemaVersion = 10;

    // A line of the receipt ledger (DATA_DIR/receipts.ledger: see the .cpp).
    struct LedgerEntry {
        int64_t created_ms = 0;
        std::string receipt, uuid;
    };
    // A photo's row, as accept() computes it and an appeal's spool record keeps it.
    struct PhotoRow {
        std::string file_name;
        int64_t size = 0;  // plaintext bytes
        std::string sha256, file_sha256;
        int64_t sealed_size = 0;
    };

    // Opens (creating if missing), checks and migrates the store. Only a quick_check *result*
    // other than "ok" (or SQLite saying the file is not a database) is damage: such a store is
    // moved aside to appeals.db.corrupt-<unix ms>, every row that can still be read is carried
    // into a new one, and it is reported (salvaged()). An error while opening or checking (a full
    // disk, an I/O error, a read-only file system) is returned as kIo/kNoSpace with nothing
    // moved: the store is healthy, the disk is not, and the caller retries.
    static Result<std::unique_ptr<AppealStore>> open(const StoreOptions& options);
    ~AppealStore();
    AppealStore(const AppealStore&) = delete;
    AppealStore& operator=(const AppealStore&) = delete;

    // Boot recovery for the spool: run once, before the uploader starts.
    Result<RecoveryReport> recover();

    // Photos to the spool (durably), then one transaction for the appeal, its photos, consent,
    // receipt and outbox items. Errors: kConflict (receipt number taken: draw another), kNoSpace
    // (disk or a bound: message names which), kIo.
    Result<void> accept(const AcceptRequest& request, int64_t now_unix_ms);
    // Whether an appeal of a typical full size (text and 5 photos) would be accepted now; the
    // kiosk tells citizens before they start typing, not after (kNoSpace when not).
    Result<void> room_for_another();

    Result<std::optional<StoredAppeal>> find_by_receipt(const std::string& receipt_number);
    Result<std::optional<ReceiptRecord>> find_receipt(const std::string& receipt_number);

    // Ratings, votes and +1s (issue #7): committed before the citizen is thanked, delivered by
    // the uploader's "citizen actions" job with the action's UUID as the idempotency key; the
    // body is sealed. kConflict when an action with the same once_key is pending or delivered
    // (the citizen voted in this poll already).
    Result<void> accept_action(const CitizenAction& action);
    Result<std::vector<CitizenAction>> pending_actions(int limit);
    // "delivered", "duplicate" (the platform has one by this identity), or "refused".
    Result<void> settle_action(const std::string& uuid, const std::string& state,
                               const std::string& reason, int64_t now_unix_ms);
    // pending | delivered | duplicate | refused; nullopt when there is no such action.
    Result<std::optional<std::string>> action_state(const std::string& uuid);
    // The pending or delivered action with this once_key, its body opened (what accept_action
    // refused a second one for: the citizen's earlier vote); nullopt when there is none or its
    // body has gone with the retention period.
    Result<std::optional<CitizenAction>> earlier_action(const std::string& once_key);
    // Appeals still in the store of this category within radius_m of (lat, lon), nearest first:
    // the "similar appeals" offline (their places are sealed, so this opens them one by one).
    struct Nearby {
        std::string uuid, receipt_number, status;
        int64_t created_unix_ms = 0;
        double distance_m = 0;
        int photo_count = 0;
    };
    Result<std::vector<Nearby>> nearby(const std::string& category_id, double lat, double lon,
                                       double radius_m, int limit);
    Result<std::string> read_photo(const std::string& uuid, int position);
    // Every photo of an appeal, in order (opened and checked like read_photo).
    Result<std::vector<std::string>> photos_of(const std::string& uuid);
    // Platform ids of delivered appeals the platform has not answered yet, oldest first.
    std::vector<std::string> open_platform_ids(size_t limit);
    Result<QueueFigures> queue_figures();
    Result<std::vector<AuditEntry>> audit_log(int limit);
    // Who did what to what, when (staff, technician, vmestectl, the kiosk itself). No personal
    // data: a receipt number or a key name at most.
    void audit(const std::string& actor, const std::string& action, const std::string& subject,
               const std::string& detail, int64_t now);
    Result<bool> integrity_ok();
    // Rows of appeals and of photos, for checks that the spool holds exactly one file per photo.
    struct Census {
        int64_t appeals = 0, photos = 0;
    };
    Result<Census> census();
    Result<void> checkpoint();  // WAL → database file, WAL truncated
    const std::optional<std::string>& moved_aside() const { return moved_aside_; }
    const std::optional<SalvageReport>& salvaged() const { return salvaged_; }
    // Every receipt found lost so far (kept until a technician's factory reset), newest first.
    Result<std::vector<LostReceipt>> lost_receipts(int limit);
    const std::string& data_dir() const { return options_.data_dir; }

    // Retention: appeals delivered more than `days` ago lose their personal data and photos
    // (rows and files); their receipt record stays. Returns how many were purged.
    Result<int> purge_expired(int64_t now_unix_ms, int days);
    // The same purge for one appeal now (withdrawn consent, a staff action), audited.
    Result<void> purge_personal_data(const std::string& receipt_number, const std::string& actor,
                                     const std::string& reason, int64_t now_unix_ms);

    // Outbox, for the uploader (sync::OutboxQueue is built on these).
    // The next due item; an error when the store cannot be read or cannot set aside an item
    // whose body cannot be read. next_due() is the same with errors as "nothing due" (tests).
    Result<std::optional<sync::OutboxItem>> next_due_checked(int64_t now_unix_ms);
    std::optional<sync::OutboxItem> next_due(int64_t now_unix_ms);
    std::optional<int64_t> earliest_due();
    Result<void> mark_delivered(int64_t outbox_id, const std::string& platform_id,
                                const std::string& status, int64_t now_unix_ms);
    Result<void> schedule_retry(int64_t outbox_id, int attempts, int64_t next_unix_ms,
                                const std::string& reason);
    Result<void> quarantine(int64_t outbox_id, const std::string& reason);
    // Since when the item has been failing on its own (set at the first call, kept after).
    Result<int64_t> item_failing_since(int64_t outbox_id, int64_t now);
    // The platform did not keep the photos of a delivered appeal: they are marked lost with
    // `reason` (queue screen, audit), never "delivered".
    Result<void> photos_not_kept(const std::string& appeal_uuid, const std::string& reason);
    // Puts every quarantined item back in the queue, due now (staff's "retry quarantine", or
    // the gateway's command of that name); audited with `actor`. Returns how many.
    Result<int> release_quarantine(const std::string& actor, int64_t now);
    // What staff see of the quarantine: no text, no contact — the receipt, the kind and why.
    struct QuarantinedItem {
        int64_t outbox_id = 0;
        std::string kind, receipt_number, reason;
        int attempts = 0;
        int64_t created_unix_ms = 0;
    };
    Result<std::vector<QuarantinedItem>> quarantined(int limit);
    // Every item not delivered, quarantined ones first then by next attempt: what staff see per
    // item (receipt, kind, state, attempts, when next, why) — nothing a citizen wrote.
    struct QueueItem {
        std::string receipt_number, kind;
        bool quarantined = false;
        int attempts = 0;
        int64_t next_attempt_unix_ms = 0;
        std::string reason;  // the quarantine's reason, or the last attempt's error
    };
    Result<std::vector<QueueItem>> queue_items(int limit);
    // Everything not yet on the platform (pending or quarantined), in the order it was made, with
    // the bodies the uploader would send, one at a time (photos are not all held at once): the
    // technician's export before a factory reset. Returns how many; stops at f's first error.
    struct UnsentItem {
        sync::OutboxItem item;
        std::string receipt_number;
        bool quarantined = false;
    };
    Result<int> each_unsent(const std::function<Result<void>(const UnsentItem&)>& f);
    // Just their keys, with the citizen actions' (cheap: nothing is read from the spool).
    Result<std::vector<std::string>> unsent_keys();
    // Status polling: the cursor, and a page of changes applied with the next cursor atomically.
    std::string status_cursor();
    Result<int> apply_status_changes(const std::vector<sync::StatusChange>& changes,
                                     const std::string& next_cursor);

  private:
    AppealStore(sqlite3* db, StoreOptions options, const DeviceKey& key);
    Result<void> exec(const char* sql);
    Result<std::pair<std::optional<sync::OutboxItem>, std::optional<Error>>> due_item(
        int64_t now_unix_ms);
    Result<void> mark_photo_lost(int64_t outbox_id, const std::string& reason);
    // An outbox row with its body (see the .cpp).
    Result<sync::OutboxItem> outbox_item(sync::OutboxItem item, const std::string& appeal_uuid,
                                         int photo_position, const std::string& photo_sha256);
    void rollback();
    Result<void> migrate();
    bool has_column(const char* table, const char* column);
    bool has_table(const char* table);
    Result<void> migrate_v8_to_v9();
    Result<void> migrate_v9_to_v10();
    // A photo row's SHA-256, opened (sealed with the appeal and the position).
    Result<std::string> photo_hash(const std::string& sealed, const std::string& uuid,
                                   int position) const;
    Result<void> migrate_v1_to_v2();
    Result<void> migrate_v6_to_v7();
    Result<SalvageReport> salvage_from(const std::string& aside_path);
    Result<void> check_ledger(const std::vector<LedgerEntry>& entries, int64_t now,
                              RecoveryReport& report);
    void append_to_ledger(const Appeal& appeal);
    std::string ledger_path() const { return options_.data_dir + "/receipts.ledger"; }
    Result<void> check_bounds(const AcceptRequest& request);
    Result<void> check_room(uint64_t incoming_bytes);
    Result<void> insert_all(const AcceptRequest& request, const std::vector<PhotoRow>& photos,
                            int64_t now);
    // true: restored; false: the record cannot be opened or its receipt is known already.
    Result<bool> restore_from_record(const std::string& file_name, int64_t now);
    Result<void> purge_rows(const std::string& uuid);
    void purge_orphans(int64_t now_unix_ms, int days);
    std::string spool_dir() const { return options_.data_dir + "/spool"; }
    std::string orphans_dir() const { return options_.data_dir + "/orphans"; }

    sqlite3* db_;
    StoreOptions options_;
    Sealer sealer_;
    std::optional<std::string> moved_aside_;
    std::optional<SalvageReport> salvaged_;
};

// The uploader's view of the store: owns its own connection.
std::unique_ptr<sync::OutboxQueue> make_outbox_queue(std::unique_ptr<AppealStore> store);

}  // namespace vmeste::core
