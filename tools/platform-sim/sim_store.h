// SimStore: what the simulated platform received, in its own SQLite file.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/base/result.h"

struct sqlite3;

namespace vmeste::sim {

struct ReceivedAppeal {
    std::string platform_id;  // "POS-000001"
    std::string idempotency_key;
    std::string receipt_number;
    std::string category;
    std::string text;
    std::string language;
    std::string created_at;
    int64_t received_unix_ms = 0;
    std::string status;
    std::string body_sha;             // to tell a replay from a different body under the same key
    std::string photos;               // JSON array of the photos' SHA-256, in order
    std::string place;                // JSON object {lat, lon, address} or empty
    std::string channel = "gateway";  // "gateway" or "open311"
    std::string kind = "message";  // "message" (сообщение) or "appeal" (обращение, 59-ФЗ)
    std::string contact;      // JSON object {name, phone, email} or empty
    std::string subject;      // the Госуслуги identity of an "appeal"
    std::string lost_photos;  // JSON array [{position, reason}] the terminal lost, or empty
};

struct Device {
    std::string device_id;  // "DEV-000001"
    std::string serial;
    std::string token;
};

struct ReceivedMedia {
    std::string id;  // "MED-000001"
    std::string idempotency_key;
    std::string sha256;
    std::string data;
};

class SimStore {
  public:
    static Result<std::unique_ptr<SimStore>> open(const std::string& path);
    ~SimStore();

    std::optional<ReceivedAppeal> find_by_key(const std::string& key);
    std::optional<ReceivedAppeal> find_by_receipt(const std::string& receipt);
    std::optional<ReceivedAppeal> find_by_id(const std::string& id);
    // Inserts and assigns platform_id.
    Result<ReceivedAppeal> insert(ReceivedAppeal a);
    std::vector<ReceivedAppeal> list(int limit);
    std::optional<ReceivedMedia> find_media(const char* column, const std::string& value);
    Result<ReceivedMedia> insert_media(ReceivedMedia m);
    int64_t media_count();
    int64_t count();

    // The platform's moderators published the appeal's photos: only then may other citizens see
    // them (the nearby list's "photo_published", the photo itself).
    void publish_photos(const std::string& receipt);
    bool photos_published(const std::string& receipt);

    // One-time enrolment codes (docs/protocol.md "Enrolment").
    void add_enrol_code(const std::string& code);
    // Uses `code` (once) to enrol `serial` with `token`; kNotFound for an unknown code, kConflict
    // for a used one.
    Result<Device> enrol(const std::string& code, const std::string& serial,
                         const std::string& token);
    std::optional<Device> device_by_token(const std::string& token);

  private:
    explicit SimStore(sqlite3* db) : db_(db) {}
    std::optional<ReceivedAppeal> find(const char* where, const std::string& value);
    std::mutex mu_;  // httplib serves on a thread pool
    sqlite3* db_;
};

}  // namespace vmeste::sim
