// DeliveryAdapter: how the outbox reaches a platform. The gateway protocol (gateway_client.h)
// and Open311 GeoReport v2 (open311_client.h) implement it; which one runs is configuration
// (`adapter = gateway|open311`). The worker only sees this interface.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kiosk/base/result.h"
#include "sync/outbox.h"
#include "sync/retry_policy.h"

namespace vmeste::sync {

struct DeliveryOutcome {
    Verdict verdict = Verdict::kRetry;
    long http_status = 0;
    std::string platform_id;            // when kDone
    std::string status;                 // platform status name when kDone
    std::optional<Millis> retry_after;  // when the platform asked
    std::string reason;                 // short, technical, no personal data
};

class DeliveryAdapter {
  public:
    virtual ~DeliveryAdapter() = default;
    virtual std::string_view name() const = 0;
    // One attempt at one item (media or appeal). `queue` gives what the item refers to.
    virtual DeliveryOutcome deliver(const OutboxItem& item, OutboxQueue& queue,
                                    int64_t now_unix_ms) = 0;
    // Status changes the platform has for this device's appeals since the last poll.
    virtual Result<StatusPage> status_changes(OutboxQueue& queue) = 0;
};

}  // namespace vmeste::sync
