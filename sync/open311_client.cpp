#include "sync/open311_client.h"

#include <sodium.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "sync/replies.h"

namespace vmeste::sync {

using nlohmann::json;

std::string multipart_body(const std::vector<FormPart>& parts, const std::string& boundary) {
    std::string out;
    for (const auto& p : parts) {
        out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
        if (!p.filename.empty()) out += "; filename=\"" + p.filename + "\"";
        out += "\r\nContent-Type: " + p.content_type + "\r\n\r\n";
        out += p.value;
        out += "\r\n";
    }
    out += "--" + boundary + "--\r\n";
    return out;
}

Open311Client::Open311Client(Open311Config config, std::unique_ptr<HttpTransport> transport)
    : config_(std::move(config)), transport_(std::move(transport)) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
}

std::string Open311Client::url(const std::string& path) const {
    std::string u = config_.base_url + path;
    if (!config_.jurisdiction_id.empty())
        u += (u.find('?') == std::string::npos ? "?" : "&") + std::string("jurisdiction_id=") +
             config_.jurisdiction_id;
    return u;
}

namespace {

// Open311 answers 400/403/404 with an error array; 403 is a bad api_key (credentials), 400 and
// 404 are about the request itself (quarantine, with the server's description for staff).
DeliveryOutcome classify(const Result<HttpResponse>& resp, int64_t now) {
    DeliveryOutcome out;
    if (!resp) {
        out.reason = resp.error().message;
        return out;
    }
    out.http_status = resp->status;
    out.verdict =
        resp->status == 403 ? Verdict::kRefreshCredentials : classify_status(resp->status);
    if (const std::string* ra = resp->header("retry-after"))
        out.retry_after = parse_retry_after(*ra, now);
    out.reason = replies::problem_summary(resp->status, resp->body);
    // 413 is about this request's size (its photos), whoever says it: that item, not an outage.
    if (out.verdict == Verdict::kQuarantine && resp->status != 413 &&
        !replies::is_open311_error(resp->body)) {
        // Not the server's error array: something on the way answered. An outage, not a verdict.
        const std::string* type = resp->header("content-type");
        out.verdict = Verdict::kPathBlocked;
        out.reason = replies::path_blocked_summary(resp->status, type ? *type : std::string());
    }
    return out;
}

std::string boundary() {
    unsigned char raw[12];
    randombytes_buf(raw, sizeof raw);
    char hex[sizeof raw * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    return std::string("vmeste-") + hex;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return buf;
}

}  // namespace

DeliveryOutcome Open311Client::deliver(const OutboxItem& item, OutboxQueue& queue, int64_t now) {
    if (item.kind == "media") {
        // Nothing to send on its own: the photo goes as a part of its appeal's request.
        DeliveryOutcome out;
        out.verdict = Verdict::kDone;
        out.platform_id = "with-appeal";
        out.reason = "open311: sent with the appeal";
        return out;
    }
    return post_request(item, queue, now);
}

DeliveryOutcome Open311Client::post_request(const OutboxItem& item, OutboxQueue& queue,
                                            int64_t now) {
    DeliveryOutcome out;
    auto appeal = json::parse(item.body, nullptr, false);
    if (!appeal.is_object() || !appeal.contains("category") || !appeal.contains("text")) {
        out.verdict = Verdict::kQuarantine;
        out.reason = "open311: the appeal cannot be read";
        return out;
    }
    auto photos = queue.attachments(item);
    if (!photos) {
        out.verdict = Verdict::kQuarantine;
        out.reason = "open311: photos unreadable: " + photos.error().message;
        return out;
    }
    auto text = [&](const json& j, const char* k) {
        return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>()
                                                                  : std::string();
    };
    std::vector<FormPart> parts = {
        {"api_key", config_.api_key},
        {"service_code", text(appeal, "category")},
        {"description", text(appeal, "text")},
        {"attribute[vmeste_id]", item.idempotency_key},
    };
    if (!config_.jurisdiction_id.empty())
        parts.push_back({"jurisdiction_id", config_.jurisdiction_id});
    // The appeal's own place when it has one, else the kiosk's site.
    const json place = appeal.contains("place") ? appeal["place"] : json();
    if (place.is_object() && place.contains("lat") && place["lat"].is_number() &&
        place.contains("lon") && place["lon"].is_number()) {
        parts.push_back({"lat", number(place["lat"].get<double>())});
        parts.push_back({"long", number(place["lon"].get<double>())});
    } else if (!text(place, "address").empty()) {
        parts.push_back({"address_string", text(place, "address")});
    } else {
        if (config_.site_lat != 0 || config_.site_lon != 0) {
            parts.push_back({"lat", number(config_.site_lat)});
            parts.push_back({"long", number(config_.site_lon)});
        }
        if (!config_.site_address.empty())
            parts.push_back({"address_string", config_.site_address});
    }
    if (appeal.contains("contact") && appeal["contact"].is_object()) {
        const auto& c = appeal["contact"];
        if (!text(c, "name").empty()) parts.push_back({"first_name", text(c, "name")});
        if (!text(c, "phone").empty()) parts.push_back({"phone", text(c, "phone")});
        if (!text(c, "email").empty()) parts.push_back({"email", text(c, "email")});
    }
    for (size_t i = 0; i < photos->size(); ++i) {
        const std::string name = "photo" + std::to_string(i + 1);
        parts.push_back({name, (*photos)[i], name + ".jpg", "image/jpeg"});
    }
    const std::string b = boundary();
    HttpRequest req;
    req.method = "POST";
    req.url = url("/requests.json");
    req.headers = {{"Accept", "application/json"},
                   {"Content-Type", "multipart/form-data; boundary=" + b}};
    req.body = multipart_body(parts, b);
    auto resp = transport_->send(req);
    out = classify(resp, now);
    if (out.verdict != Verdict::kDone) return out;
    auto created = replies::open311_created(resp->body);
    if (!created) {
        out.verdict = Verdict::kRetry;  // vmeste_id makes the repeat safe
        out.reason = "open311: " + created.error().message;
        return out;
    }
    std::string id = created->service_request_id;
    if (id.empty()) {
        auto resolved = resolve_token(created->token);
        if (!resolved) {
            out.verdict = Verdict::kRetry;
            out.reason = "open311: token not resolved yet";
            return out;
        }
        id = *resolved;
    }
    out.platform_id = id;
    out.status = "registered";
    return out;
}

Result<std::string> Open311Client::get(const std::string& path) {
    HttpRequest req;
    req.url = url(path);
    req.headers = {{"Accept", "application/json"}};
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status != 200)
        return make_error(ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    return std::move(resp->body);
}

Result<std::string> Open311Client::resolve_token(const std::string& token) {
    if (!replies::url_safe_id(token))
        return make_error(ErrorCode::kProtocol, "open311: a token a URL cannot carry");
    auto body = get("/tokens/" + token + ".json");
    if (!body) return body.error();
    auto c = replies::open311_created(*body);
    if (!c) return c.error();
    if (c->service_request_id.empty())
        return make_error(ErrorCode::kRetryLater, "open311: token has no request yet");
    return c->service_request_id;
}

Result<StatusPage> Open311Client::status_changes(OutboxQueue& queue) {
    StatusPage page;
    page.cursor = queue.status_cursor();  // Open311 has no cursor: we ask by id
    const auto ids = queue.open_platform_ids(50);
    if (ids.empty()) return page;
    std::string list;
    for (const auto& id : ids) {
        if (!replies::url_safe_id(id))
            return make_error(ErrorCode::kProtocol, "open311: an id a URL cannot carry");
        list += (list.empty() ? "" : ",") + id;
    }
    auto body = get("/requests.json?service_request_id=" + list);
    if (!body) return body.error();
    auto requests = replies::open311_requests(*body);
    if (!requests) return requests.error();
    for (const auto& r : *requests)
        page.changes.push_back(
            {r.service_request_id, "", r.status == "closed" ? "answered" : "registered"});
    return page;
}

}  // namespace vmeste::sync
