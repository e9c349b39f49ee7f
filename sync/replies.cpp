#include "sync/replies.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace vmeste::sync::replies {

using nlohmann::json;

namespace {

Error bad(const std::string& what) {
    return make_error(ErrorCode::kProtocol, what);
}

json parse(std::string_view body) {
    return json::parse(body.begin(), body.end(), nullptr, false);
}

// A string member, or "" when absent or not a string.
std::string str(const json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool has_string(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() &&
           !j[key].get_ref<const std::string&>().empty();
}

std::optional<int64_t> integer(const json& j, const char* key) {
    if (!j.is_object() || !j.contains(key)) return std::nullopt;
    const auto& v = j[key];
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_unsigned() && v.get<uint64_t>() <= uint64_t(INT64_MAX))
        return static_cast<int64_t>(v.get<uint64_t>());
    return std::nullopt;
}

// {"ru": …, "en": …} with English falling back to Russian.
bool names(const json& j, const char* key, std::string* ru, std::string* en) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_object()) return false;
    *ru = str(j[key], "ru");
    *en = str(j[key], "en");
    if (en->empty()) *en = *ru;
    return !ru->empty();
}

}  // namespace

bool url_safe_id(std::string_view id) {
    if (id.empty() || id.size() > 100) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

std::string problem_summary(long status, std::string_view body) {
    std::string out = "HTTP " + std::to_string(status);
    auto j = parse(body);
    if (j.is_object() && j.contains("title") && j["title"].is_string())
        out += ": " + j["title"].get<std::string>();
    else if (j.is_array() && !j.empty() && j[0].is_object() && j[0].contains("description") &&
             j[0]["description"].is_string())
        out += ": " + j[0]["description"].get<std::string>();  // Open311's error array
    if (out.size() > 200) out.resize(200);
    return out;
}

bool is_platform_problem(long status, std::string_view content_type, std::string_view body) {
    const std::string_view media = content_type.substr(0, content_type.find(';'));
    if (media != "application/problem+json") return false;
    auto j = parse(body);
    return j.is_object() && j.contains("status") && j["status"].is_number_integer() &&
           j["status"].get<long>() == status &&
           ((j.contains("title") && j["title"].is_string()) ||
            (j.contains("type") && j["type"].is_string()));
}

std::string path_blocked_summary(long status, std::string_view content_type) {
    std::string media(content_type.substr(0, content_type.find(';')));
    if (media.empty()) media = "no content type";
    if (media.size() > 60) media.resize(60);
    return "HTTP " + std::to_string(status) + " from the way to the platform, not the platform (" +
           media + ")";
}

std::string problem_detail(std::string_view body) {
    auto j = parse(body);
    std::string out = str(j, "detail");
    if (out.size() > 200) out.resize(200);
    return out;
}

Result<Created> created(std::string_view body) {
    auto j = parse(body);
    if (!has_string(j, "id")) return bad("no appeal id in the answer");
    return Created{str(j, "id"), str(j, "status")};
}

Result<UploadState> upload_state(std::string_view body) {
    auto j = parse(body);
    if (!j.is_object()) return bad("upload: not a JSON object");
    UploadState s;
    auto offset = integer(j, "offset");
    auto length = integer(j, "length");
    if (!offset || !length || *offset < 0 || *length <= 0 || *offset > *length)
        return bad("upload: offset/length missing or out of range");
    s.offset = *offset;
    s.length = *length;
    s.complete = j.contains("complete") && j["complete"].is_boolean() && j["complete"].get<bool>();
    if (s.complete) {
        if (!has_string(j, "id") || s.offset != s.length)
            return bad("upload: complete without a media id");
        s.media_id = str(j, "id");
    } else {
        if (!has_string(j, "upload")) return bad("upload: no upload id");
        s.upload_id = str(j, "upload");
        if (!url_safe_id(s.upload_id))
            return bad("upload: the upload id has characters a URL cannot carry");
    }
    return s;
}

std::optional<int64_t> upload_offset(std::string_view header, int64_t length) {
    int64_t v = -1;
    auto [p, ec] = std::from_chars(header.data(), header.data() + header.size(), v);
    if (ec != std::errc() || p != header.data() + header.size() || v < 0 || v > length)
        return std::nullopt;
    return v;
}

Result<StatusPage> status_page(std::string_view body) {
    // Anything unexpected rejects the whole page: a half-read page would move the cursor past
    // changes we never applied.
    auto j = parse(body);
    if (!j.is_object() || !j.contains("changes") || !j["changes"].is_array() ||
        !j.contains("cursor") || !j["cursor"].is_string())
        return bad("status-changes: unreadable answer");
    StatusPage page;
    page.cursor = j["cursor"].get<std::string>();
    for (const auto& c : j["changes"]) {
        if (!has_string(c, "id") || !has_string(c, "status"))
            return bad("status-changes: a change without id or status");
        page.changes.push_back({str(c, "id"), str(c, "receipt_number"), str(c, "status")});
    }
    return page;
}

Result<Enrolment> enrolment(std::string_view body) {
    auto j = parse(body);
    if (!has_string(j, "device_id") || !has_string(j, "token"))
        return bad("enrolment: no device id or token");
    Enrolment e{str(j, "device_id"), str(j, "token"), {}, 0, 0, "{}"};
    const std::string& t = e.token;
    if (t.size() > 512 || t.find_first_of(" \r\n\t") != std::string::npos)
        return bad("enrolment: the token is not a bearer token");
    if (j.contains("site") && j["site"].is_object()) {
        e.site_name = str(j["site"], "name");
        if (j["site"].contains("lat") && j["site"]["lat"].is_number())
            e.lat = j["site"]["lat"].get<double>();
        if (j["site"].contains("lon") && j["site"]["lon"].is_number())
            e.lon = j["site"]["lon"].get<double>();
    }
    if (j.contains("config") && j["config"].is_object()) e.config_json = j["config"].dump();
    return e;
}

Result<HeartbeatReply> heartbeat_reply(std::string_view body) {
    auto j = parse(body);
    if (!j.is_object()) return bad("heartbeat: not a JSON object");
    HeartbeatReply r;
    r.config_json = j.contains("config") && j["config"].is_object() ? j["config"].dump() : "{}";
    if (j.contains("commands")) {
        if (!j["commands"].is_array()) return bad("heartbeat: commands is not an array");
        for (const auto& c : j["commands"]) {
            if (!has_string(c, "id") || !has_string(c, "name"))
                return bad("heartbeat: a command without id or name");
            r.commands.push_back({str(c, "id"), str(c, "name")});
        }
    }
    r.server_time_ms = integer(j, "server_time").value_or(0);
    if (j.contains("region_pack") && !j["region_pack"].is_null()) {
        const auto& p = j["region_pack"];
        RegionPackOffer o;
        o.version = str(p, "version");
        o.sha256 = str(p, "sha256");
        o.size = integer(p, "size").value_or(0);
        o.path = str(p, "url");
        for (char& c : o.sha256) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        // A path on the gateway itself (the device's token goes with it, nowhere else), plain
        // characters only; up to 16 GiB (a whole federal district is a few).
        const bool path_ok = o.path.starts_with("/") && !o.path.starts_with("//") &&
                             o.path.find("..") == std::string::npos &&
                             o.path.find_first_of(" \r\n\t\\?#") == std::string::npos;
        if (o.version.empty() || o.sha256.size() != 64 ||
            o.sha256.find_first_not_of("0123456789abcdef") != std::string::npos || o.size <= 0 ||
            o.size > (int64_t(16) << 30) || !path_ok)
            return bad(
                "heartbeat: region_pack needs version, sha256 (64 hex), size (1 B…16 GiB) "
                "and url (a path on the gateway)");
        r.region_pack = std::move(o);
    }
    return r;
}

Result<DeviceAuthorization> device_authorization(std::string_view body) {
    auto j = parse(body);
    DeviceAuthorization d;
    d.device_code = str(j, "device_code");
    d.user_code = str(j, "user_code");
    d.verification_uri = str(j, "verification_uri");
    d.verification_uri_complete = str(j, "verification_uri_complete");
    auto expires = integer(j, "expires_in");
    if (d.device_code.empty() || d.user_code.empty() || d.verification_uri.empty() || !expires ||
        *expires <= 0)
        return bad(
            "device authorization: device_code, user_code, verification_uri and "
            "expires_in are required");
    if (d.user_code.size() > 32 || d.verification_uri.size() > 512 ||
        d.verification_uri_complete.size() > 512)
        return bad("device authorization: a field is implausibly long");
    // The QR shows verification_uri_complete when given (§3.3.1), else the plain URI.
    if (d.verification_uri_complete.empty()) d.verification_uri_complete = d.verification_uri;
    d.expires_in_s = static_cast<int>(std::min<int64_t>(*expires, 3600));
    if (auto i = integer(j, "interval"))
        d.interval_s = static_cast<int>(std::clamp<int64_t>(*i, 1, 60));
    return d;
}

Result<TokenReply> token_reply(long status, std::string_view body) {
    auto j = parse(body);
    TokenReply r;
    if (status == 200) {
        r.subject = str(j, "subject");
        if (r.subject.empty()) return bad("token: approved without a subject");
        r.display_name = str(j, "display_name");
        r.identity_level = str(j, "identity_level");
        return r;
    }
    r.error = str(j, "error");
    if (r.error.empty()) return bad("token: HTTP " + std::to_string(status) + " without an error");
    return r;
}

Result<Lookup> lookup(std::string_view body) {
    auto j = parse(body);
    if (!has_string(j, "receipt_number") || !has_string(j, "status"))
        return bad("look-up: no receipt number or status");
    Lookup l;
    l.id = str(j, "id");
    l.receipt_number = str(j, "receipt_number");
    l.status = str(j, "status");
    l.category = str(j, "category");
    l.organisation = str(j, "organisation");
    l.answer = str(j, "answer");
    l.expected_answer_by_ms = integer(j, "expected_answer_by").value_or(0);
    if (j.contains("history")) {
        if (!j["history"].is_array()) return bad("look-up: history is not an array");
        for (const auto& h : j["history"]) {
            auto at = integer(h, "at");
            if (!has_string(h, "status") || !at) return bad("look-up: a history step is broken");
            l.history.emplace_back(str(h, "status"), *at);
        }
    }
    return l;
}

Result<std::vector<NearbyAppeal>> nearby(std::string_view body) {
    auto j = parse(body);
    if (!j.is_object() || !j.contains("appeals") || !j["appeals"].is_array())
        return bad("nearby: no appeals array");
    std::vector<NearbyAppeal> out;
    for (const auto& a : j["appeals"]) {
        NearbyAppeal n;
        n.receipt_number = str(a, "receipt_number");
        n.status = str(a, "status");
        n.category = str(a, "category");
        auto created = integer(a, "created_at");
        if (!url_safe_id(n.receipt_number) || n.status.empty() || !created ||
            !a.contains("distance_m") || !a["distance_m"].is_number())
            return bad("nearby: an item without receipt number, status, date or distance");
        n.created_ms = *created;
        n.distance_m = a["distance_m"].get<double>();
        n.supporters = static_cast<int>(
            std::clamp<int64_t>(integer(a, "supporters").value_or(0), 0, 1'000'000));
        n.photo_published = a.contains("photo_published") && a["photo_published"].is_boolean() &&
                            a["photo_published"].get<bool>();
        out.push_back(std::move(n));
    }
    return out;
}

Result<std::vector<Poll>> polls(std::string_view body) {
    auto j = parse(body);
    if (!j.is_object() || !j.contains("polls") || !j["polls"].is_array())
        return bad("polls: no polls array");
    std::vector<Poll> out;
    for (const auto& p : j["polls"]) {
        Poll poll;
        poll.id = str(p, "id");
        poll.kind = str(p, "kind");
        auto deadline = integer(p, "deadline");
        if (poll.id.empty() || !names(p, "title", &poll.title_ru, &poll.title_en) || !deadline)
            return bad("polls: an item without id, title or deadline");
        poll.deadline_ms = *deadline;
        names(p, "text", &poll.text_ru, &poll.text_en);
        poll.region = str(p, "region");
        poll.municipality = str(p, "municipality");
        poll.url = str(p, "url");
        if (p.contains("options") && p["options"].is_array())
            for (const auto& o : p["options"]) {
                PollOption opt{str(o, "id"), str(o, "ru"), str(o, "en")};
                if (opt.id.empty() || opt.ru.empty()) return bad("polls: an option without id");
                if (opt.en.empty()) opt.en = opt.ru;
                poll.options.push_back(std::move(opt));
            }
        out.push_back(std::move(poll));
    }
    return out;
}

}  // namespace vmeste::sync::replies
