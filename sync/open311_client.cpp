#include "sync/open311_client.h"

#include <sodium.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "kiosk/base/log.h"
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

std::string form_urlencoded(const std::vector<FormPart>& parts) {
    static const char* kHex = "0123456789ABCDEF";
    auto encode = [](const std::string& s, std::string& out) {
        for (unsigned char c : s) {
            if (std::isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
                out += static_cast<char>(c);
            } else if (c == ' ') {
                out += '+';
            } else {
                out += '%';
                out += kHex[c >> 4];
                out += kHex[c & 15];
            }
        }
    };
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += '&';
        encode(p.name, out);
        out += '=';
        encode(p.value, out);
    }
    return out;
}

std::string open311_receipt_line(const std::string& receipt_number) {
    return "Подано через терминал в МФЦ, квитанция " + receipt_number;
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
             form_urlencoded({{"j", config_.jurisdiction_id}}).substr(2);
    return u;
}

namespace {

// What an answer means for the item. Only codes and the server's parsed error messages go into
// the reason: a 2xx body may echo the citizen's text (Helsinki's does), so it is never quoted.
DeliveryOutcome classify(const Result<HttpResponse>& resp, int64_t now) {
    DeliveryOutcome out;
    if (!resp) {
        out.reason = "open311: " + resp.error().message;
        return out;
    }
    out.http_status = resp->status;
    const std::string* type = resp->header("content-type");
    const std::string content_type = type ? *type : std::string();
    if (const std::string* ra = resp->header("retry-after"))
        out.retry_after = parse_retry_after(*ra, now);
    if (resp->status >= 200 && resp->status < 300) {
        out.verdict = Verdict::kDone;
        out.reason = "HTTP " + std::to_string(resp->status);
        return out;
    }
    out.reason =
        "open311: " + replies::open311_error_reason(resp->status, content_type, resp->body);
    if (replies::open311_key_refused(resp->status, resp->body)) {
        // Not this appeal's fault: every one would be refused. Pause, judge nothing.
        out.verdict = Verdict::kConfigProblem;
        out.reason = "open311: the server refuses this terminal's key (" +
                     replies::open311_error_reason(resp->status, content_type, resp->body) + ")";
        return out;
    }
    out.verdict = classify_status(resp->status);
    if (out.verdict == Verdict::kRefreshCredentials || out.verdict == Verdict::kReconcile)
        out.verdict = Verdict::kQuarantine;  // Open311 has neither
    // 413 is about this request's size (its photos), whoever says it: that item, not an outage.
    if (out.verdict == Verdict::kQuarantine && resp->status != 413 &&
        !replies::is_open311_error(resp->body)) {
        // Not the server's error: something on the way answered. An outage, not a verdict.
        out.verdict = Verdict::kPathBlocked;
        out.reason = replies::path_blocked_summary(resp->status, content_type);
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

std::string iso_utc(int64_t unix_ms) {
    const std::time_t t = unix_ms / 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// "2026-12-04T10:00:00.000Z" → Unix ms; 0 when it is not one.
int64_t parse_iso(const std::string& s) {
    std::tm tm{};
    if (!strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
    return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::string text(const json& j, const char* k) {
    return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>()
                                                              : std::string();
}

std::optional<double> coord(const json& place, const char* k) {
    if (place.is_object() && place.contains(k) && place[k].is_number())
        return place[k].get<double>();
    return std::nullopt;
}

}  // namespace

DeliveryOutcome Open311Client::deliver(const OutboxItem& item, OutboxQueue& queue, int64_t now) {
    if (item.kind == "media") {
        // Nothing to send on its own: the photo goes as a part of its appeal's request, and
        // what the server kept is checked when the appeal is delivered.
        DeliveryOutcome out;
        out.verdict = Verdict::kDone;
        out.platform_id = "with-appeal";
        out.reason = "open311: sent with the appeal";
        return out;
    }
    return post_request(item, queue, now);
}

Result<std::optional<replies::Open311Request>> Open311Client::find_earlier(
    const std::string& code, const std::string& receipt, int64_t created_ms,
    std::optional<double> lat, std::optional<double> lon, int64_t now) {
    // The window: from a day before the appeal was made (clocks differ) to a day from now.
    const std::string query =
        "/requests.json?service_code=" + form_urlencoded({{"c", code}}).substr(2) +
        "&start_date=" + iso_utc(created_ms - 86'400'000) +
        "&end_date=" + iso_utc(now + 86'400'000);
    HttpRequest req;
    req.url = url(query);
    req.headers = {{"Accept", "application/json"}};
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status >= 400 && resp->status < 500)
        return std::optional<replies::Open311Request>{};  // the server cannot be searched
    if (resp->status != 200)
        return make_error(ErrorCode::kRetryLater,
                          "open311: the lookup answered HTTP " + std::to_string(resp->status));
    auto list = replies::open311_requests(resp->body);
    if (!list) return list.error();
    for (auto& r : *list) {
        if (r.description.find(receipt) == std::string::npos) continue;
        if (lat && lon && r.lat && r.lon &&
            (std::fabs(*r.lat - *lat) > 1e-4 || std::fabs(*r.lon - *lon) > 1e-4))
            continue;
        return std::optional<replies::Open311Request>(std::move(r));
    }
    return std::optional<replies::Open311Request>{};
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
    const std::string category = text(appeal, "category");
    const std::string code = config_.services.code_for(category);
    if (code.empty()) {
        out.verdict = Verdict::kConfigProblem;
        out.reason = "open311: no city service is mapped for category " + category +
                     " (a technician maps them: maintenance or vmestectl open311 map)";
        return out;
    }
    auto photos = queue.attachments(item);
    if (!photos) {
        out.verdict = Verdict::kQuarantine;
        out.reason = "open311: photos unreadable: " + photos.error().message;
        return out;
    }
    const std::string receipt = text(appeal, "receipt_number");

    // Where: the appeal's pin, else its typed address (with the МФЦ's coordinates when the
    // server needs some), else the МФЦ itself.
    const json place = appeal.contains("place") ? appeal["place"] : json();
    std::optional<double> lat = coord(place, "lat"), lon = coord(place, "lon");
    std::string address = text(place, "address");
    const bool site_known = config_.site_lat != 0 || config_.site_lon != 0;
    bool site_coordinates = false;  // lat/long are the МФЦ's, not the problem's
    if (!lat || !lon) {
        if (address.empty()) address = config_.site_address;
        if ((address.empty() || config_.services.needs_coordinates ||
             address == config_.site_address) &&
            site_known) {
            lat = config_.site_lat;
            lon = config_.site_lon;
            site_coordinates = address != config_.site_address;
        }
    }
    if (!lat && address.empty()) {
        out.verdict = Verdict::kConfigProblem;
        out.reason = "open311: the appeal has no place and the terminal's site is not set";
        return out;
    }

    // A repeat: the earlier attempt may have reached the server although its answer did not
    // reach us. Look first; send only when the server does not have it.
    int64_t created_ms = parse_iso(text(appeal, "created_at"));
    if (item.attempts > 0 && !receipt.empty()) {
        auto earlier = find_earlier(code, receipt, created_ms ? created_ms : now, lat, lon, now);
        if (!earlier) {
            out.verdict = Verdict::kRetry;
            out.reason =
                "open311: cannot check whether the server has it (" + earlier.error().message + ")";
            return out;
        }
        if (*earlier) {
            out.verdict = Verdict::kDone;
            out.platform_id = (*earlier)->service_request_id;
            out.status = (*earlier)->status == "closed" ? "answered" : "registered";
            out.reason = "found on the server after a lost answer";
            if (!photos->empty() && (*earlier)->media_urls.empty())
                (void)queue.attachments_not_kept(item, "the server did not keep the photos");
            return out;
        }
    }

    std::string description = text(appeal, "text");
    if (site_coordinates)
        description +=
            "\n\nАдрес со слов заявителя: " + address + " (координаты — МФЦ, где подано обращение)";
    if (!receipt.empty()) description += "\n\n" + open311_receipt_line(receipt);

    std::vector<FormPart> parts = {
        {"api_key", config_.api_key},
        {"service_code", code},
        {"description", description},
    };
    if (!config_.jurisdiction_id.empty())
        parts.push_back({"jurisdiction_id", config_.jurisdiction_id});
    if (lat && lon) {
        parts.push_back({"lat", number(*lat)});
        parts.push_back({"long", number(*lon)});
    }
    if (!address.empty()) parts.push_back({"address_string", address});
    if (appeal.contains("contact") && appeal["contact"].is_object()) {
        const auto& c = appeal["contact"];
        if (!text(c, "name").empty()) parts.push_back({"first_name", text(c, "name")});
        if (!text(c, "phone").empty()) parts.push_back({"phone", text(c, "phone")});
        if (!text(c, "email").empty()) parts.push_back({"email", text(c, "email")});
    }
    // The citizen's answers to the service's questions; only attributes it declares.
    if (appeal.contains("attributes") && appeal["attributes"].is_object())
        for (const auto& q : config_.services.questions(code)) {
            if (!appeal["attributes"].contains(q.code)) continue;
            const json& v = appeal["attributes"][q.code];
            std::vector<std::string> values;
            if (v.is_string()) values.push_back(v.get<std::string>());
            if (v.is_array())
                for (const auto& e : v)
                    if (e.is_string() && !e.get_ref<const std::string&>().empty())
                        values.push_back(e.get<std::string>());
            // A multiple-choice list goes as attribute[code][] per value (the spec's form).
            if (q.datatype == "multivaluelist")
                for (const auto& e : values) parts.push_back({"attribute[" + q.code + "][]", e});
            else if (!values.empty())
                parts.push_back({"attribute[" + q.code + "]", values.front()});
        }
    HttpRequest req;
    req.method = "POST";
    req.url = url("/requests.json");
    if (photos->empty()) {
        // Without files the text goes urlencoded: every server decodes that exactly (one
        // double-encodes Cyrillic sent as multipart).
        req.headers = {{"Accept", "application/json"},
                       {"Content-Type", "application/x-www-form-urlencoded"}};
        req.body = form_urlencoded(parts);
    } else {
        for (size_t i = 0; i < photos->size(); ++i) {
            const std::string name =
                config_.media_field == "photo" ? "photo" + std::to_string(i + 1) : "media";
            parts.push_back(
                {name, (*photos)[i], "photo" + std::to_string(i + 1) + ".jpg", "image/jpeg"});
        }
        const std::string b = boundary();
        req.headers = {{"Accept", "application/json"},
                       {"Content-Type", "multipart/form-data; boundary=" + b}};
        req.body = multipart_body(parts, b);
    }
    auto resp = transport_->send(req);
    out = classify(resp, now);
    if (out.verdict == Verdict::kRetry && out.http_status == 500 && !(lat && lon) && site_known) {
        // An address alone made the server fail (Helsinki's does, every time): from now on the
        // МФЦ's coordinates go along, and this appeal goes again at once with them.
        log::warn(
            "open311: the server fails requests without coordinates; sending them from now on");
        config_.services.needs_coordinates = true;
        if (config_.on_needs_coordinates) config_.on_needs_coordinates();
        return post_request(item, queue, now);
    }
    if (out.verdict != Verdict::kDone) return out;
    auto created = replies::open311_created(resp->body);
    if (!created) {
        out.verdict = Verdict::kRetry;  // the next attempt looks it up before sending again
        out.reason =
            "open311: HTTP " + std::to_string(resp->status) + ", " + created.error().message;
        return out;
    }
    std::string id = created->service_request_id;
    if (id.empty()) {
        auto resolved = resolve_token(created->token);
        if (!resolved) {
            out.verdict = Verdict::kRetry;  // stored under the token: the lookup finds it
            out.reason = "open311: token not resolved yet";
            return out;
        }
        id = *resolved;
    }
    out.platform_id = id;
    out.status = "registered";
    // What became of the photos: the answer's media URLs, else the request as the server
    // now shows it.
    if (!photos->empty()) {
        size_t kept = created->media_urls.size();
        bool known = kept > 0;
        if (!known && replies::url_safe_id(id)) {
            if (auto shown = request(id)) {
                kept = shown->media_urls.size();
                known = true;
            }
        }
        if (known && kept == 0) {
            out.reason += ", photos not kept by the server";
            (void)queue.attachments_not_kept(item, "the server did not keep the photos");
        } else if (!known) {
            out.reason += ", photos not confirmed";
        }
    }
    return out;
}

Result<std::string> Open311Client::get(const std::string& path) {
    HttpRequest req;
    req.url = url(path);
    req.headers = {{"Accept", "application/json"}};
    auto resp = transport_->send(req);
    if (!resp) return resp.error();
    if (resp->status != 200) {
        const std::string* type = resp->header("content-type");
        return make_error(ErrorCode::kRetryLater,
                          "open311: " + replies::open311_error_reason(
                                            resp->status, type ? *type : "", resp->body));
    }
    return std::move(resp->body);
}

Result<replies::Open311Request> Open311Client::request(const std::string& platform_id) {
    if (!replies::url_safe_id(platform_id))
        return make_error(ErrorCode::kProtocol, "open311: an id a URL cannot carry");
    auto body = get("/requests/" + platform_id + ".json");
    if (!body) return body.error();
    auto list = replies::open311_requests(*body);
    if (!list) return list.error();
    for (auto& r : *list)
        if (r.service_request_id == platform_id) return std::move(r);
    return make_error(ErrorCode::kNotFound, "open311: the server does not show " + platform_id);
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
