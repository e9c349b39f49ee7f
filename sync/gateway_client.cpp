#include "sync/gateway_client.h"

#include <nlohmann/json.hpp>

namespace vmeste::sync {

GatewayClient::GatewayClient(GatewayConfig config, std::unique_ptr<HttpTransport> transport)
    : config_(std::move(config)), transport_(std::move(transport)) {
    while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
}

std::string GatewayClient::url(std::string_view path) const {
    return config_.base_url + std::string(path);
}

namespace {

// Problem details (RFC 9457) carry a title and a detail; we keep at most a short line of it.
std::string problem_summary(const HttpResponse& r) {
    std::string out = "HTTP " + std::to_string(r.status);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object()) {
        if (auto t = j.find("title"); t != j.end() && t->is_string())
            out += ": " + t->get<std::string>();
    }
    if (out.size() > 200) out.resize(200);
    return out;
}

}  // namespace

DeliveryOutcome GatewayClient::create_appeal(const std::string& idempotency_key,
                                             const std::string& body_json, int64_t now_unix_ms) {
    return post("/api/v1/appeals", idempotency_key, "application/json", body_json, {}, now_unix_ms);
}

DeliveryOutcome GatewayClient::upload_media(const std::string& idempotency_key,
                                            const std::string& bytes, const std::string& sha256_hex,
                                            int64_t now_unix_ms) {
    return post("/api/v1/media", idempotency_key, "image/jpeg", bytes,
                {{"X-Content-SHA256", sha256_hex}}, now_unix_ms);
}

DeliveryOutcome GatewayClient::post(const std::string& path, const std::string& idempotency_key,
                                    const std::string& content_type, const std::string& body,
                                    const std::vector<std::pair<std::string, std::string>>& extra,
                                    int64_t now_unix_ms) {
    HttpRequest req;
    req.method = "POST";
    req.url = url(path);
    req.headers = {{"Content-Type", content_type},
                   {"Accept", "application/json"},
                   {"Idempotency-Key", idempotency_key},
                   {"Authorization", "Bearer " + config_.device_token}};
    req.headers.insert(req.headers.end(), extra.begin(), extra.end());
    req.body = body;

    DeliveryOutcome out;
    auto resp = transport_->send(req);
    if (!resp) {
        out.verdict = Verdict::kRetry;
        out.reason = resp.error().message;
        return out;
    }
    out.http_status = resp->status;
    out.verdict = classify_status(resp->status);
    if (const std::string* ra = resp->header("retry-after"))
        out.retry_after = parse_retry_after(*ra, now_unix_ms);
    if (out.verdict != Verdict::kDone) {
        out.reason = problem_summary(*resp);
        return out;
    }
    // A 2xx we cannot read is not a delivery we can prove: retry (the idempotency key makes the
    // repeat safe) rather than mark it done.
    auto j = nlohmann::json::parse(resp->body, nullptr, false);
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) {
        out.verdict = Verdict::kRetry;
        out.reason = "HTTP " + std::to_string(resp->status) + " with an unreadable body";
        return out;
    }
    out.platform_id = j["id"].get<std::string>();
    if (j.contains("status") && j["status"].is_string())
        out.status = j["status"].get<std::string>();
    out.reason = "HTTP " + std::to_string(resp->status);
    return out;
}

Result<GatewayClient::StatusPage> GatewayClient::status_changes(const std::string& cursor) {
    HttpRequest req;
    req.url = url("/api/v1/status-changes") + (cursor.empty() ? "" : "?since=" + cursor);
    req.headers = {{"Accept", "application/json"},
                   {"Authorization", "Bearer " + config_.device_token}};
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status != 200) return make_error(ErrorCode::kRetryLater, problem_summary(*resp));
    // Anything unexpected in the answer rejects the whole page: a half-read page would move the
    // cursor past changes we never applied.
    auto j = nlohmann::json::parse(resp->body, nullptr, false);
    if (!j.is_object() || !j.contains("changes") || !j["changes"].is_array() ||
        !j.contains("cursor") || !j["cursor"].is_string())
        return make_error(ErrorCode::kProtocol, "status-changes: unreadable answer");
    StatusPage page;
    page.cursor = j["cursor"].get<std::string>();
    for (const auto& c : j["changes"]) {
        if (!c.is_object() || !c.contains("id") || !c["id"].is_string() || !c.contains("status") ||
            !c["status"].is_string())
            return make_error(ErrorCode::kProtocol,
                              "status-changes: a change without id or status");
        page.changes.push_back({c["id"].get<std::string>(),
                                c.contains("receipt_number") && c["receipt_number"].is_string()
                                    ? c["receipt_number"].get<std::string>()
                                    : std::string(),
                                c["status"].get<std::string>()});
    }
    return page;
}

}  // namespace vmeste::sync
