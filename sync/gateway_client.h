// GatewayClient: the platform gateway protocol of docs/protocol.md, over an HttpTransport. As a
// DeliveryAdapter it delivers outbox items (photos by resumable upload, then appeals); besides it
// speaks the device services: enrolment, catalogue and polls with ETag, heartbeat, look-up by
// receipt, and the citizen hand-off (RFC 8628). It keeps no state besides the connection inside
// the transport; every answer is read by sync/replies.h.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sync/adapter.h"
#include "sync/http.h"
#include "sync/outbox.h"
#include "sync/replies.h"
#include "sync/retry_policy.h"

namespace vmeste::sync {

struct GatewayConfig {
    std::string base_url;             // e.g. http://127.0.0.1:8080 (no trailing slash needed)
    std::string device_token;         // bearer token from enrolment
    size_t chunk_bytes = 512 * 1024;  // one PATCH of a resumable upload
    int max_resumes = 4;              // resumptions within one attempt before backing off
};

// A versioned document (catalogue, polls): either "not modified" or a new body and its ETag.
struct Versioned {
    bool not_modified = false;
    std::string body;
    std::string etag;
};

class GatewayClient final : public DeliveryAdapter {
  public:
    GatewayClient(GatewayConfig config, std::unique_ptr<HttpTransport> transport);

    std::string_view name() const override { return "gateway"; }
    DeliveryOutcome deliver(const OutboxItem& item, OutboxQueue& queue,
                            int64_t now_unix_ms) override;
    Result<StatusPage> status_changes(OutboxQueue& queue) override;

    // POST /api/v1/appeals with Idempotency-Key: a repeat of the same key returns the same appeal.
    DeliveryOutcome create_appeal(const std::string& idempotency_key, const std::string& body_json,
                                  int64_t now_unix_ms);
    // Resumable upload of one photo: POST /api/v1/uploads, then PATCH chunks at the offset the
    // gateway holds; a broken connection resumes from HEAD's Upload-Offset, a 409 from the
    // offset in its answer. A repeat of the same key finds the same upload (or the finished
    // photo).
    DeliveryOutcome upload_media(const std::string& idempotency_key, const std::string& bytes,
                                 const std::string& sha256_hex, int64_t now_unix_ms);
    // GET /api/v1/status-changes?since=<cursor>
    Result<StatusPage> status_changes(const std::string& cursor);

    // POST /api/v1/devices: a one-time enrolment code for a device token. Needs no token.
    Result<replies::Enrolment> enrol(const std::string& code, const std::string& serial,
                                     const std::string& version);
    // GET with If-None-Match.
    Result<Versioned> fetch_catalogue(const std::string& etag);
    Result<Versioned> fetch_polls(const std::string& etag);
    // POST /api/v1/ratings with the rating's UUID as Idempotency-Key. kDone when the platform
    // has it (now or before); kQuarantine when it refuses it (422: unknown receipt, not answered
    // yet, already rated); kRetry/kReconcile: ask again later.
    DeliveryOutcome send_rating(const std::string& idempotency_key, const std::string& body_json,
                                int64_t now_unix_ms);
    // POST `path` with an Idempotency-Key: a vote or a +1 (CitizenAction). The verdicts are
    // send_rating's; a 409 that is not about the key (http_status 409, kQuarantine) means the
    // platform already has one by this identity (a second vote).
    DeliveryOutcome send_action(const std::string& path, const std::string& idempotency_key,
                                const std::string& body_json, int64_t now_unix_ms);
    // GET /api/v1/appeals/nearby: appeals of `category` within `radius_m` of the point.
    Result<std::vector<replies::NearbyAppeal>> nearby(const std::string& category, double lat,
                                                      double lon, int radius_m, int limit);
    // GET /api/v1/appeals/by-receipt/{n}/photo: the first photo (JPEG); kNotFound without one.
    Result<std::string> first_photo(const std::string& receipt_number);
    // GET /api/v1/calendar: the production calendar (holidays and transfers), with ETag.
    Result<Versioned> fetch_calendar(const std::string& etag);
    // POST /api/v1/heartbeat with the device's health (a JSON object).
    Result<replies::HeartbeatReply> heartbeat(const std::string& body_json);
    // GET `path` (a path on the gateway, as a heartbeat's region_pack names it) bytes
    // [from, from + length): 206 with Content-Range, or 200 with the whole file when the server
    // ignores the Range (then only from 0). kConflict: the file there is not `total` bytes long
    // (a 416, or a Content-Range of another length) — the offer changed under the download.
    Result<std::string> fetch_range(const std::string& path, int64_t from, int64_t length,
                                    int64_t total);
    // POST /api/v1/diagnostics: the device's diagnostics bundle (tar.gz), when the gateway asks.
    Result<void> upload_diagnostics(const std::string& tar_gz);
    // GET /api/v1/appeals/by-receipt/{n}; kNotFound when the gateway has no such appeal.
    Result<replies::Lookup> lookup(const std::string& receipt_number);
    // RFC 8628: start a hand-off, then poll its token endpoint.
    Result<replies::DeviceAuthorization> start_handoff();
    Result<replies::TokenReply> poll_handoff(const std::string& device_code);

    void set_device_token(std::string token) { config_.device_token = std::move(token); }
    // Bytes sent in PATCH bodies so far (resumption tests and the drain bench read it).
    int64_t bytes_uploaded() const { return bytes_uploaded_; }
    // The chunk size uploads use now: halved on each 413 from the way to the platform, down to
    // kMinChunkBytes, and kept for every later upload of this client.
    size_t chunk_bytes() const { return config_.chunk_bytes; }
    int chunk_shrinks() const { return chunk_shrinks_; }
    static constexpr size_t kMinChunkBytes = 16 * 1024;

  private:
    std::string url(std::string_view path) const;
    HttpRequest request(std::string method, std::string_view path) const;
    DeliveryOutcome outcome(const Result<HttpResponse>& resp, int64_t now_unix_ms) const;
    Result<Versioned> fetch_versioned(std::string_view path, const std::string& etag);

    GatewayConfig config_;
    std::unique_ptr<HttpTransport> transport_;
    int64_t bytes_uploaded_ = 0;
    int chunk_shrinks_ = 0;
};

}  // namespace vmeste::sync
