#include "sync/retry_policy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <string>

namespace vmeste::sync {

Verdict classify_status(long s) {
    if (s >= 200 && s < 300) return Verdict::kDone;
    if (s == 0 || s == 408 || s == 429 || s >= 500) return Verdict::kRetry;
    if (s == 401) return Verdict::kRefreshCredentials;
    if (s == 409) return Verdict::kReconcile;
    return Verdict::kQuarantine;
}

Millis RetryPolicy::delay(int attempt, double unit) const {
    attempt = std::clamp(attempt, 0, 40);  // 2^40 s is far past any cap; avoids overflow
    const double ceiling =
        std::min(static_cast<double>(cap.count()), base.count() * std::ldexp(1.0, attempt));
    unit = std::clamp(unit, 0.0, 1.0);
    return Millis(static_cast<int64_t>(ceiling * unit));
}

std::optional<Millis> parse_retry_after(std::string_view value, int64_t now_unix_ms) {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        int64_t seconds = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec != std::errc() || p != value.data() + value.size()) return std::nullopt;
        return Millis(std::min<int64_t>(seconds, 365LL * 24 * 3600) * 1000);
    }
    // IMF-fixdate, the only form a sender may generate: "Sun, 06 Nov 1994 08:49:37 GMT".
    std::tm tm{};
    const std::string s(value);
    const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    const int64_t at_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
    return Millis(std::max<int64_t>(0, at_ms - now_unix_ms));
}

}  // namespace vmeste::sync
