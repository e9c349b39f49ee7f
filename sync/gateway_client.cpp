#include "sync/gateway_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace vmeste::sync {

using nlohmann::json;

GatewayClient::GatewayClient(GatewayConfig config, std::unique_ptr<HttpTransport> transport)
    : config_(std::move(config)), transport_(std::move(transport)) {
    while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
    if (config_.chunk_bytes == 0) config_.chunk_bytes = 512 * 1024;
}

std::string GatewayClient::url(std::string_view path) const {
    return config_.base_url + std::string(path);
}

HttpRequest GatewayClient::request(std::string method, std::string_view path) const {
    HttpRequest req;
    req.method = std::move(method);
    req.url = url(path);
    req.headers = {{"Accept", "application/json"},
                   {"Authorization", "Bearer " + config_.device_token}};
    return req;
}

// The verdict of one exchange from its status (or its absence) and Retry-After.
DeliveryOutcome GatewayClient::outcome(const Result<HttpResponse>& resp,
                                       int64_t now_unix_ms) const {
    DeliveryOutcome out;
    if (!resp) {
        out.verdict = Verdict::kRetry;
        out.reason = resp.error().message;
        return out;
    }
    out.http_status = resp->status;
    out.verdict = classify_status(resp->status);
    if (const std::string* ra = resp->header("retry-after"))
        out.retry_after = parse_retry_after(*ra, now_unix_ms);
    out.reason = out.verdict == Verdict::kDone ? "HTTP " + std::to_string(resp->status)
                                               : replies::problem_summary(resp->status, resp->body);
    // 413 is about this request's size, whoever says it: the upload shrinks its chunks
    // (upload_media); a request that cannot shrink is quarantined with the reason.
    if (out.verdict == Verdict::kQuarantine && resp->status != 413) {
        const std::string* type = resp->header("content-type");
        const std::string_view ct = type ? std::string_view(*type) : std::string_view();
        if (!replies::is_platform_problem(resp->status, ct, resp->body)) {
            out.verdict = Verdict::kPathBlocked;
            out.reason = replies::path_blocked_summary(resp->status, ct);
        }
    }
    return out;
}

DeliveryOutcome GatewayClient::deliver(const OutboxItem& item, OutboxQueue&, int64_t now) {
    return item.kind == "media"
               ? upload_media(item.idempotency_key, item.body, item.content_sha256, now)
               : create_appeal(item.idempotency_key, item.body, now);
}

DeliveryOutcome GatewayClient::create_appeal(const std::string& idempotency_key,
                                             const std::string& body_json, int64_t now) {
    HttpRequest req = request("POST", "/api/v1/appeals");
    req.headers.push_back({"Content-Type", "application/json"});
    req.headers.push_back({"Idempotency-Key", idempotency_key});
    req.body = body_json;
    auto resp = transport_->send(req);
    DeliveryOutcome out = outcome(resp, now);
    if (out.verdict != Verdict::kDone) return out;
    // A 2xx we cannot read is not a delivery we can prove: retry (the idempotency key makes the
    // repeat safe) rather than mark it done.
    auto created = replies::created(resp->body);
    if (!created) {
        out.verdict = Verdict::kRetry;
        out.reason = "HTTP " + std::to_string(resp->status) + " with an unreadable body";
        return out;
    }
    out.platform_id = created->id;
    out.status = created->status;
    return out;
}

DeliveryOutcome GatewayClient::send_rating(const std::string& idempotency_key,
                                           const std::string& body_json, int64_t now) {
    return send_action("/api/v1/ratings", idempotency_key, body_json, now);
}

DeliveryOutcome GatewayClient::send_action(const std::string& path,
                                           const std::string& idempotency_key,
                                           const std::string& body_json, int64_t now) {
    HttpRequest req = request("POST", path);
    req.headers.push_back({"Content-Type", "application/json"});
    req.headers.push_back({"Idempotency-Key", idempotency_key});
    req.body = body_json;
    auto resp = transport_->send(req);
    DeliveryOutcome out = outcome(resp, now);
    // 409 with a problem of the type "already-voted" is the platform's final word, not the
    // "first request with this key still running" of RFC draft-ietf-httpapi-idempotency-key.
    if (resp && resp->status == 409 && resp->body.find("already-") != std::string::npos)
        out.verdict = Verdict::kQuarantine;
    return out;
}

Result<std::vector<replies::NearbyAppeal>> GatewayClient::nearby(const std::string& category,
                                                                 double lat, double lon,
                                                                 int radius_m, int limit) {
    // Catalogue ids: "roads.road.pothole" — letters, digits, dots, dashes, underscores.
    const bool safe_category =
        !category.empty() && category.size() <= 100 &&
        std::all_of(category.begin(), category.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
        });
    if (!safe_category) return make_error(ErrorCode::kInvalidInput, "not a category id");
    // to_chars: the same dot whatever the locale.
    auto fixed6 = [](double v) {
        char buf[40];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 6);
        return ec == std::errc() ? std::string(buf, end) : std::string("0");
    };
    const std::string query = "/api/v1/appeals/nearby?category=" + category +
                              "&lat=" + fixed6(lat) + "&lon=" + fixed6(lon) +
                              "&radius_m=" + std::to_string(radius_m) +
                              "&limit=" + std::to_string(limit);
    auto resp = transport_->send(request("GET", query));
    if (!resp) return resp.error();
    if (resp->status != 200)
        return make_error(ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    return replies::nearby(resp->body);
}

Result<std::string> GatewayClient::first_photo(const std::string& receipt_number) {
    if (!replies::url_safe_id(receipt_number))
        return make_error(ErrorCode::kInvalidInput, "not a receipt number");
    HttpRequest req = request("GET", "/api/v1/appeals/by-receipt/" + receipt_number + "/photo");
    req.headers[0] = {"Accept", "image/jpeg"};
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status == 404) return make_error(ErrorCode::kNotFound, "no photo");
    if (resp->status != 200)
        return make_error(ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    return std::move(resp->body);
}

Result<std::string> GatewayClient::fetch_range(const std::string& path, int64_t from,
                                               int64_t length, int64_t total) {
    HttpRequest req = request("GET", path);
    req.headers[0] = {"Accept", "application/octet-stream"};
    const int64_t last = std::min(from + length, total) - 1;
    req.headers.push_back({"Range", "bytes=" + std::to_string(from) + "-" + std::to_string(last)});
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status == 416)
        return make_error(ErrorCode::kConflict,
                          "the gateway's file is not " + std::to_string(total) + " bytes long");
    if (resp->status == 200) {
        // The whole file: usable only when it is (small packs, a server without ranges).
        if (from != 0 || static_cast<int64_t>(resp->body.size()) != total)
            return make_error(ErrorCode::kConflict, "the gateway sent " +
                                                        std::to_string(resp->body.size()) +
                                                        " bytes for a range of a " +
                                                        std::to_string(total) + "-byte file");
        if (static_cast<int64_t>(resp->body.size()) > length) resp->body.resize(size_t(length));
        return std::move(resp->body);
    }
    if (resp->status != 206)
        return make_error(resp->status == 404 ? ErrorCode::kNotFound : ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    // RFC 9110 §14.4: Content-Range: bytes FIRST-LAST/COMPLETE.
    const std::string* cr = resp->header("content-range");
    long long first = -1, end = -1, complete = -1;
    if (!cr || std::sscanf(cr->c_str(), "bytes %lld-%lld/%lld", &first, &end, &complete) != 3)
        return make_error(ErrorCode::kRetryLater, "206 without a Content-Range");
    if (complete != total)
        return make_error(ErrorCode::kConflict, "the gateway's file is " +
                                                    std::to_string(complete) + " bytes, not " +
                                                    std::to_string(total));
    if (first != from || end < first || end > last ||
        static_cast<int64_t>(resp->body.size()) != end - first + 1)
        return make_error(ErrorCode::kRetryLater, "206 with another range than asked: " + *cr);
    return std::move(resp->body);
}

DeliveryOutcome GatewayClient::upload_media(const std::string& idempotency_key,
                                            const std::string& bytes, const std::string& sha256,
                                            int64_t now) {
    const auto length = static_cast<int64_t>(bytes.size());
    HttpRequest create = request("POST", "/api/v1/uploads");
    create.headers.push_back({"Content-Type", "application/json"});
    create.headers.push_back({"Idempotency-Key", idempotency_key});
    create.body = json{{"length", length}, {"sha256", sha256}}.dump();
    auto resp = transport_->send(create);
    DeliveryOutcome out = outcome(resp, now);
    if (out.verdict != Verdict::kDone) return out;
    auto state = replies::upload_state(resp->body);
    if (!state || state->length != length) {
        out.verdict = Verdict::kRetry;
        out.reason = "upload: unreadable answer to create";
        return out;
    }
    auto finished = [&](const std::string& media_id) {
        out.verdict = Verdict::kDone;
        out.platform_id = media_id;
        out.reason = "uploaded";
        return out;
    };
    if (state->complete) return finished(state->media_id);

    const std::string path = "/api/v1/uploads/" + state->upload_id;
    int64_t offset = state->offset;
    int resumes = 0;
    // Where the gateway stands after a broken exchange: HEAD's Upload-Offset.
    auto resync = [&]() -> bool {
        if (++resumes > config_.max_resumes) return false;
        auto head = transport_->send(request("HEAD", path));
        if (!head || head->status != 200) return false;
        const std::string* h = head->header("upload-offset");
        auto o = h ? replies::upload_offset(*h, length) : std::nullopt;
        if (!o) return false;
        offset = *o;
        return true;
    };
    for (;;) {
        HttpRequest patch = request("PATCH", path);
        patch.headers.push_back({"Content-Type", "application/offset+octet-stream"});
        patch.headers.push_back({"Upload-Offset", std::to_string(offset)});
        const size_t n =
            std::min<size_t>(config_.chunk_bytes, static_cast<size_t>(length - offset));
        patch.body.assign(bytes, static_cast<size_t>(offset), n);
        auto r = transport_->send(patch);
        bytes_uploaded_ += static_cast<int64_t>(n);
        if (!r) {
            // The connection broke somewhere in the chunk: ask how much arrived, go on from there.
            if (resync()) continue;
            return outcome(r, now);
        }
        const std::string* h = r->header("upload-offset");
        const auto server_offset = h ? replies::upload_offset(*h, length) : std::nullopt;
        if (r->status == 409) {
            // Our offset was stale (an earlier chunk arrived after all): the answer says where
            // the gateway stands. Never wedge on it.
            if (server_offset && ++resumes <= config_.max_resumes) {
                offset = *server_offset;
                continue;
            }
            if (resync()) continue;
            DeliveryOutcome o = outcome(r, now);
            o.verdict = Verdict::kRetry;
            return o;
        }
        if (r->status == 413) {
            // Something on the way takes no body this large (nginx's client_max_body_size): the
            // gateway never saw the chunk. Halve the chunk, keep it for every later upload, go on
            // from the same offset; only a path that refuses even the smallest chunk is a verdict.
            if (config_.chunk_bytes > kMinChunkBytes) {
                config_.chunk_bytes = std::max(kMinChunkBytes, config_.chunk_bytes / 2);
                ++chunk_shrinks_;
                continue;
            }
            DeliveryOutcome o = outcome(r, now);
            o.verdict = Verdict::kQuarantine;
            o.reason = "upload: HTTP 413 even for " + std::to_string(kMinChunkBytes / 1024) +
                       " KiB chunks: the way to the platform takes no photo";
            return o;
        }
        if (r->status == 460) {
            // Checksum mismatch at the end: the gateway starts the upload again at 0. Bytes were
            // damaged on the way; a fresh attempt sends them again.
            DeliveryOutcome o = outcome(r, now);
            o.verdict = Verdict::kRetry;
            o.reason = "upload: checksum mismatch at the gateway";
            return o;
        }
        if (r->status == 404) {
            // The upload expired on the gateway: the next attempt creates it anew.
            DeliveryOutcome o = outcome(r, now);
            o.verdict = Verdict::kRetry;
            return o;
        }
        DeliveryOutcome o = outcome(r, now);
        if (o.verdict != Verdict::kDone) return o;
        if (r->status == 204) {
            if (!server_offset || *server_offset <= offset) {
                // No progress reported: ask rather than guess.
                if (resync()) continue;
                o.verdict = Verdict::kRetry;
                o.reason = "upload: no Upload-Offset in the answer";
                return o;
            }
            offset = *server_offset;
            continue;
        }
        auto done = replies::upload_state(r->body);
        if (done && done->complete) return finished(done->media_id);
        if (resync()) continue;
        o.verdict = Verdict::kRetry;
        o.reason = "upload: unreadable answer to the last chunk";
        return o;
    }
}

Result<StatusPage> GatewayClient::status_changes(OutboxQueue& queue) {
    return status_changes(queue.status_cursor());
}

Result<StatusPage> GatewayClient::status_changes(const std::string& cursor) {
    auto resp = transport_->send(request(
        "GET", "/api/v1/status-changes" + (cursor.empty() ? std::string() : "?since=" + cursor)));
    if (!resp) return resp.error();
    if (resp->status != 200)
        return make_error(ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    return replies::status_page(resp->body);
}

Result<replies::Enrolment> GatewayClient::enrol(const std::string& code, const std::string& serial,
                                                const std::string& version) {
    HttpRequest req;
    req.method = "POST";
    req.url = url("/api/v1/devices");
    req.headers = {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
    req.body = json{{"enrolment_code", code}, {"serial", serial}, {"version", version}}.dump();
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status == 403 || resp->status == 409)
        return make_error(ErrorCode::kRejected, replies::problem_summary(resp->status, resp->body) +
                                                    " (" + replies::problem_detail(resp->body) +
                                                    ")");
    if (resp->status != 201 && resp->status != 200)
        return make_error(ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    return replies::enrolment(resp->body);
}

Result<Versioned> GatewayClient::fetch_versioned(std::string_view path, const std::string& etag) {
    HttpRequest req = request("GET", path);
    if (!etag.empty()) req.headers.push_back({"If-None-Match", etag});
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    Versioned v;
    if (resp->status == 304) {
        v.not_modified = true;
        v.etag = etag;
        return v;
    }
    if (resp->status == 401)
        return make_error(ErrorCode::kUnauthorized, replies::problem_summary(401, resp->body));
    if (resp->status != 200)
        return make_error(ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    v.body = std::move(resp->body);
    if (const std::string* e = resp->header("etag")) v.etag = *e;
    return v;
}

Result<Versioned> GatewayClient::fetch_catalogue(const std::string& etag) {
    return fetch_versioned("/api/v1/catalogue", etag);
}

Result<Versioned> GatewayClient::fetch_polls(const std::string& etag) {
    return fetch_versioned("/api/v1/polls", etag);
}

Result<Versioned> GatewayClient::fetch_calendar(const std::string& etag) {
    return fetch_versioned("/api/v1/calendar", etag);
}

Result<replies::HeartbeatReply> GatewayClient::heartbeat(const std::string& body_json) {
    HttpRequest req = request("POST", "/api/v1/heartbeat");
    req.headers.push_back({"Content-Type", "application/json"});
    req.body = body_json;
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status != 200)
        return make_error(resp->status == 401 ? ErrorCode::kUnauthorized : ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    return replies::heartbeat_reply(resp->body);
}

Result<void> GatewayClient::upload_diagnostics(const std::string& tar_gz) {
    HttpRequest req = request("POST", "/api/v1/diagnostics");
    req.headers.push_back({"Content-Type", "application/gzip"});
    req.body = tar_gz;
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status != 201 && resp->status != 200)
        return make_error(resp->status == 401 ? ErrorCode::kUnauthorized : ErrorCode::kRejected,
                          replies::problem_summary(resp->status, resp->body));
    return {};
}

Result<replies::Lookup> GatewayClient::lookup(const std::string& receipt_number) {
    // Receipt numbers are Crockford base32 with a dash; nothing else may reach the URL.
    if (!replies::url_safe_id(receipt_number))
        return make_error(ErrorCode::kInvalidInput, "not a receipt number");
    auto resp = transport_->send(request("GET", "/api/v1/appeals/by-receipt/" + receipt_number));
    if (!resp) return resp.error();
    if (resp->status == 404) return make_error(ErrorCode::kNotFound, "no such appeal");
    if (resp->status != 200)
        return make_error(ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    return replies::lookup(resp->body);
}

Result<replies::DeviceAuthorization> GatewayClient::start_handoff() {
    HttpRequest req = request("POST", "/api/v1/handoff");
    req.headers.push_back({"Content-Type", "application/json"});
    req.body = R"({"scope":"appeal"})";
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status != 200)
        return make_error(ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    return replies::device_authorization(resp->body);
}

Result<replies::TokenReply> GatewayClient::poll_handoff(const std::string& device_code) {
    HttpRequest req = request("POST", "/api/v1/handoff/token");
    req.headers.push_back({"Content-Type", "application/json"});
    req.body = json{{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                    {"device_code", device_code}}
                   .dump();
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status != 200 && resp->status != 400)
        return make_error(ErrorCode::kRetryLater,
                          replies::problem_summary(resp->status, resp->body));
    return replies::token_reply(resp->status, resp->body);
}

}  // namespace vmeste::sync
