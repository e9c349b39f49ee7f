// Faults: what the simulator does wrong on purpose, per route, so the uploader is tested against
// what real networks and gateways do. Rules come from --fault flags, from POST /sim/faults, or
// from tests in-process; each matching request draws against a rule's rate and count.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::sim {

enum class FaultKind {
    kStatus,           // answer `status` (500, 502, 503, 429…) with an optional Retry-After
    kLatency,          // wait `latency_ms`, then handle normally
    kDropBefore,       // close the connection without handling the request
    kDropMidResponse,  // handle it (the appeal is stored), then cut the response in half
    kTruncatedJson,    // handle it, answer with the first half of the JSON
    kMalformedJson,    // handle it, answer with JSON that does not parse
    kSlowDrip,         // handle it, send the answer a few bytes at a time
    // Something on the way answers instead of the platform (a strict proxy, a captive portal):
    // `status` with an HTML page of nginx's shape, never reaching the gateway (issue #17).
    kMiddlebox,
    // A proxy with a body size limit (nginx's client_max_body_size): a request whose body is
    // larger than `body_limit` gets 413 with nginx's HTML page; smaller ones pass.
    kBodyLimit,
};

struct FaultRule {
    std::string route = "*";  // "appeals", "media", "upload-chunk", "heartbeat", … or "*"
    FaultKind kind = FaultKind::kStatus;
    int status = 503;
    double rate = 1.0;              // chance per matching request
    int count = -1;                 // at most this many times; -1: no limit
    int retry_after_s = 0;          // with kStatus: Retry-After, in seconds…
    bool retry_after_date = false;  // …or as an HTTP date that far ahead
    int latency_ms = 0;
    int64_t body_limit = 0;  // kBodyLimit: bytes
};

// "ROUTE:KIND[:key=value…]", e.g. "appeals:status=503:rate=0.3:retry-after=2",
// "media:drop-mid-response:count=5", "*:latency=300". Kinds: status=N, latency=MS, drop-before,
// drop-mid-response, truncated-json, malformed-json, slow-drip, middlebox=N (N with an HTML page,
// as a proxy answers), body-limit=BYTES (413 past it, as nginx's client_max_body_size).
// Keys: rate, count, retry-after,
// retry-after-date.
Result<FaultRule> parse_fault_rule(const std::string& spec);

class Faults {
  public:
    void add(FaultRule rule);
    void clear();
    std::vector<FaultRule> rules() const;
    // The rule that fires for this request, if any (its count goes down).
    std::optional<FaultRule> draw(const std::string& route);
    int fired() const;  // how many requests a rule has fired on

  private:
    mutable std::mutex mu_;
    std::vector<FaultRule> rules_;
    std::mt19937_64 rng_{20261129};
    int fired_ = 0;
};

const char* fault_kind_name(FaultKind k);

}  // namespace vmeste::sim
