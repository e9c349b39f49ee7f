// GatewayClient: the platform gateway protocol of docs/protocol.md, over an HttpTransport.
// It turns each HTTP exchange into a DeliveryOutcome the outbox worker can act on; it keeps no
// state besides the connection inside the transport.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sync/http.h"
#include "sync/outbox.h"
#include "sync/retry_policy.h"

namespace vmeste::sync {

struct GatewayConfig {
    std::string base_url;      // e.g. http://127.0.0.1:8080 (no trailing slash needed)
    std::string device_token;  // bearer token from enrolment
};

struct DeliveryOutcome {
    Verdict verdict = Verdict::kRetry;
    long http_status = 0;
    std::string platform_id;            // when kDone
    std::string status;                 // platform status name when kDone
    std::optional<Millis> retry_after;  // when the platform asked
    std::string reason;                 // short, technical, no personal data
};

class GatewayClient {
  public:
    GatewayClient(GatewayConfig config, std::unique_ptr<HttpTransport> transport);

    // POST /api/v1/appeals with Idempotency-Key: a repeat of the same key returns the same appeal.
    DeliveryOutcome create_appeal(const std::string& idempotency_key, const std::string& body_json,
                                  int64_t now_unix_ms);

    // POST /api/v1/media: one photo, verified by the platform against `sha256_hex`. A repeat of the
    // same key returns the same media id.
    DeliveryOutcome upload_media(const std::string& idempotency_key, const std::string& bytes,
                                 const std::string& sha256_hex, int64_t now_unix_ms);

    struct StatusPage {
        std::vector<StatusChange> changes;
        std::string cursor;
    };
    // GET /api/v1/status-changes?since=<cursor>
    Result<StatusPage> status_changes(const std::string& cursor);

  private:
    std::string url(std::string_view path) const;
    DeliveryOutcome post(const std::string& path, const std::string& idempotency_key,
                         const std::string& content_type, const std::string& body,
                         const std::vector<std::pair<std::string, std::string>>& extra,
                         int64_t now_unix_ms);

    GatewayConfig config_;
    std::unique_ptr<HttpTransport> transport_;
};

}  // namespace vmeste::sync
