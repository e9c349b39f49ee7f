#include "tools/platform-sim/sim_faults.h"

#include <set>
#include <sstream>

namespace vmeste::sim {

const char* fault_kind_name(FaultKind k) {
    switch (k) {
        case FaultKind::kStatus:
            return "status";
        case FaultKind::kLatency:
            return "latency";
        case FaultKind::kDropBefore:
            return "drop-before";
        case FaultKind::kDropMidResponse:
            return "drop-mid-response";
        case FaultKind::kTruncatedJson:
            return "truncated-json";
        case FaultKind::kMalformedJson:
            return "malformed-json";
        case FaultKind::kSlowDrip:
            return "slow-drip";
        case FaultKind::kMiddlebox:
            return "middlebox";
        case FaultKind::kBodyLimit:
            return "body-limit";
    }
    return "?";
}

Result<FaultRule> parse_fault_rule(const std::string& spec) {
    std::vector<std::string> parts;
    std::stringstream ss(spec);
    for (std::string p; std::getline(ss, p, ':');) parts.push_back(p);
    if (parts.size() < 2)
        return make_error(ErrorCode::kInvalidInput,
                          "fault '" + spec + "': expected ROUTE:KIND[:key=value…]");
    FaultRule r;
    r.route = parts[0];
    static const std::set<std::string> kRoutes = {
        "*",         "appeals", "media",   "upload-chunk", "heartbeat",  "enrol",
        "catalogue", "open311", "ratings", "votes",        "supporters", "region-pack"};
    if (!kRoutes.count(r.route))
        return make_error(ErrorCode::kInvalidInput,
                          "fault '" + spec +
                              "': route must be appeals, media, upload-chunk, heartbeat, enrol, "
                              "catalogue, open311, ratings, votes, supporters, region-pack or *");
    auto number = [&](const std::string& v, double* out) {
        try {
            size_t used = 0;
            *out = std::stod(v, &used);
            return used == v.size();
        } catch (...) {
            return false;
        }
    };
    for (size_t i = 1; i < parts.size(); ++i) {
        const std::string& p = parts[i];
        const size_t eq = p.find('=');
        const std::string key = p.substr(0, eq);
        const std::string val = eq == std::string::npos ? "" : p.substr(eq + 1);
        double n = 0;
        const bool has_number = !val.empty() && number(val, &n);
        if (i == 1) {
            if (key == "status" && has_number && n >= 100 && n < 600) {
                r.kind = FaultKind::kStatus;
                r.status = static_cast<int>(n);
            } else if (key == "middlebox" && has_number && n >= 400 && n < 600) {
                r.kind = FaultKind::kMiddlebox;
                r.status = static_cast<int>(n);
            } else if (key == "body-limit" && has_number && n >= 1) {
                r.kind = FaultKind::kBodyLimit;
                r.body_limit = static_cast<int64_t>(n);
            } else if (key == "latency" && has_number && n >= 0) {
                r.kind = FaultKind::kLatency;
                r.latency_ms = static_cast<int>(n);
            } else if (key == "drop-before")
                r.kind = FaultKind::kDropBefore;
            else if (key == "drop-mid-response")
                r.kind = FaultKind::kDropMidResponse;
            else if (key == "truncated-json")
                r.kind = FaultKind::kTruncatedJson;
            else if (key == "malformed-json")
                r.kind = FaultKind::kMalformedJson;
            else if (key == "slow-drip")
                r.kind = FaultKind::kSlowDrip;
            else
                return make_error(ErrorCode::kInvalidInput,
                                  "fault '" + spec + "': unknown kind '" + p + "'");
            continue;
        }
        if (key == "rate" && has_number && n >= 0 && n <= 1)
            r.rate = n;
        else if (key == "count" && has_number && n >= 0)
            r.count = static_cast<int>(n);
        else if (key == "retry-after" && has_number && n >= 0)
            r.retry_after_s = static_cast<int>(n);
        else if (key == "retry-after-date" && has_number && n >= 0) {
            r.retry_after_s = static_cast<int>(n);
            r.retry_after_date = true;
        } else
            return make_error(ErrorCode::kInvalidInput,
                              "fault '" + spec + "': bad option '" + p + "'");
    }
    return r;
}

void Faults::add(FaultRule rule) {
    std::lock_guard lock(mu_);
    rules_.push_back(std::move(rule));
}

int Faults::fired() const {
    std::lock_guard lock(mu_);
    return fired_;
}

void Faults::clear() {
    std::lock_guard lock(mu_);
    rules_.clear();
}

std::vector<FaultRule> Faults::rules() const {
    std::lock_guard lock(mu_);
    return rules_;
}

std::optional<FaultRule> Faults::draw(const std::string& route) {
    std::lock_guard lock(mu_);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (auto& r : rules_) {
        if (r.route != "*" && r.route != route) continue;
        if (r.count == 0) continue;
        if (unit(rng_) >= r.rate) continue;
        if (r.count > 0) --r.count;
        ++fired_;
        return r;
    }
    return std::nullopt;
}

}  // namespace vmeste::sim
