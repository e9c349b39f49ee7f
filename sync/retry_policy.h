// RetryPolicy: when to try an item again, as pure functions of (attempt, answer, clock), so they
// are tested alone (tests/sync/retry_policy_test.cpp) and the worker only applies them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vmeste::sync {

using Millis = std::chrono::milliseconds;

// What to do with an item after one attempt, from the HTTP status (0 = no response at all).
enum class Verdict {
    kDone,                // 2xx
    kRetry,               // no response, 408, 429, 5xx
    kRefreshCredentials,  // 401
    kReconcile,           // 409 on an idempotency key: the platform has it in another state
    kQuarantine,          // the platform's own verdict on the item (a 4xx problem it sent): never
                          // dropped, shown to staff
    // A 4xx that is not the platform's answer (a proxy, a captive portal, a misrouted path):
    // an outage of the path. The whole queue waits with backoff; no item is judged by it.
    kPathBlocked,
    // The terminal's own configuration stops every item alike (a key the server refuses, a
    // category mapped to no service): the queue waits with backoff, nothing is judged, and staff
    // are told what a technician must fix.
    kConfigProblem,
};

Verdict classify_status(long http_status);

struct RetryPolicy {
    Millis base{1000};           // DESIGN.md: base 1 s
    Millis cap{15 * 60 * 1000};  // DESIGN.md: cap 15 min

    // Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^attempt)].
    // `attempt` counts failures so far (0 for the first retry); `unit` is a uniform draw in
    // [0, 1), passed in so the function stays pure.
    Millis delay(int attempt, double unit) const;
};

// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns the wait from `now`,
// never negative; nullopt when the value is neither.
std::optional<Millis> parse_retry_after(std::string_view value, int64_t now_unix_ms);

}  // namespace vmeste::sync
