#include "sync/open311_replies.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace vmeste::sync::replies {

using nlohmann::json;

namespace {

Error bad(const std::string& what) {
    return make_error(ErrorCode::kProtocol, "open311: " + what);
}

json parse(std::string_view body) {
    return json::parse(body.begin(), body.end(), nullptr, false);
}

std::string str(const json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// An id as servers send it: a non-empty string, or a whole number ≥ 0 (0 is a real id).
std::string id_text(const json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    if (it == j.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_unsigned()) return std::to_string(it->get<uint64_t>());
    if (it->is_number_integer() && it->get<int64_t>() >= 0)
        return std::to_string(it->get<int64_t>());
    return {};
}

// A coordinate as a JSON number or a decimal string ("55.431200"); nullopt otherwise.
std::optional<double> coordinate(const json& j, const char* key, double limit) {
    if (!j.is_object() || !j.contains(key)) return std::nullopt;
    const json& v = j[key];
    double out = 0;
    if (v.is_number()) {
        out = v.get<double>();
    } else if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (!(out >= -limit && out <= limit)) return std::nullopt;
    return out;
}

std::vector<std::string> media_urls(const json& r) {
    std::vector<std::string> out;
    if (auto u = str(r, "media_url"); !u.empty()) out.push_back(u);
    if (r.is_object() && r.contains("media_urls") && r["media_urls"].is_array())
        for (const auto& u : r["media_urls"])
            if (u.is_string() && !u.get_ref<const std::string&>().empty() &&
                std::find(out.begin(), out.end(), u.get<std::string>()) == out.end())
                out.push_back(u.get<std::string>());
    return out;
}

// A printable one-line piece of an error message: control characters become spaces.
std::string one_line(std::string s) {
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return s;
}

// Every message in a DRF "detail": a string, an array of them, or field → message(s).
void detail_messages(const json& d, const std::string& field, std::vector<std::string>& out) {
    const std::string prefix = field.empty() ? "" : field + ": ";
    if (d.is_string()) {
        out.push_back(prefix + d.get<std::string>());
    } else if (d.is_array()) {
        for (const auto& e : d) detail_messages(e, field, out);
    } else if (d.is_object()) {
        for (const auto& [k, v] : d.items())
            detail_messages(v, field.empty() ? k : field + "." + k, out);
    }
}

std::vector<std::string> error_messages(const json& j) {
    std::vector<std::string> out;
    auto entry = [&](const json& e) {
        if (!e.is_object() || !e.contains("code")) return;
        if (e.contains("description")) detail_messages(e["description"], "", out);
        if (e.contains("detail")) detail_messages(e["detail"], "", out);
    };
    if (j.is_array())
        for (const auto& e : j) entry(e);
    else
        entry(j);
    // The same message twice says nothing new (mySociety repeats its generic first line).
    std::vector<std::string> unique;
    for (auto& m : out)
        if (!m.empty() && std::find(unique.begin(), unique.end(), m) == unique.end())
            unique.push_back(one_line(std::move(m)));
    return unique;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

Result<Open311Created> open311_created(std::string_view body) {
    auto j = parse(body);
    // The spec answers an array of one; some servers answer the object itself.
    const json& r = j.is_array() && !j.empty() ? j[0] : j;
    if (!r.is_object()) return bad("the answer is not a request");
    Open311Created c{id_text(r, "service_request_id"), str(r, "token"), media_urls(r)};
    if (c.service_request_id.empty() && c.token.empty())
        return bad("neither service_request_id nor token in the answer");
    return c;
}

Result<std::vector<Open311Request>> open311_requests(std::string_view body) {
    auto j = parse(body);
    if (j.is_object() && j.contains("service_requests")) j = j["service_requests"];  // XML-ish
    if (!j.is_array()) return bad("requests is not an array");
    std::vector<Open311Request> out;
    for (const auto& r : j) {
        Open311Request q;
        q.service_request_id = id_text(r, "service_request_id");
        q.status = lower(str(r, "status"));
        if (q.service_request_id.empty() || (q.status != "open" && q.status != "closed"))
            return bad("a request without id or with an unknown status");
        q.status_notes = str(r, "status_notes");
        q.service_code = id_text(r, "service_code");
        q.description = str(r, "description");
        q.requested_datetime = str(r, "requested_datetime");
        q.lat = coordinate(r, "lat", 90);
        q.lon = coordinate(r, "long", 180);
        q.media_urls = media_urls(r);
        out.push_back(std::move(q));
    }
    return out;
}

Result<std::vector<Open311Service>> open311_services(std::string_view body) {
    auto j = parse(body);
    if (!j.is_array()) return bad("services is not an array");
    std::vector<Open311Service> out;
    for (const auto& s : j) {
        Open311Service svc;
        svc.code = id_text(s, "service_code");
        svc.name = str(s, "service_name");
        if (svc.code.empty() || svc.name.empty()) return bad("a service without code or name");
        svc.description = str(s, "description");
        svc.group = str(s, "group");
        svc.metadata =
            s.contains("metadata") && ((s["metadata"].is_boolean() && s["metadata"].get<bool>()) ||
                                       lower(str(s, "metadata")) == "true");
        // keywords: "a, b, c" per the spec; an array from some servers.
        if (s.contains("keywords") && s["keywords"].is_array()) {
            for (const auto& k : s["keywords"])
                if (k.is_string()) svc.keywords.push_back(k.get<std::string>());
        } else {
            const std::string k = str(s, "keywords");
            size_t start = 0;
            while (start < k.size()) {
                size_t comma = k.find(',', start);
                if (comma == std::string::npos) comma = k.size();
                std::string w = k.substr(start, comma - start);
                w.erase(0, w.find_first_not_of(' '));
                while (!w.empty() && w.back() == ' ') w.pop_back();
                if (!w.empty()) svc.keywords.push_back(w);
                start = comma + 1;
            }
        }
        out.push_back(std::move(svc));
    }
    return out;
}

Result<std::vector<Open311Attribute>> open311_definition(std::string_view body) {
    auto j = parse(body);
    if (j.is_array() && j.size() == 1) j = j[0];
    if (!j.is_object()) return bad("the service definition is not an object");
    std::vector<Open311Attribute> out;
    if (!j.contains("attributes") || j["attributes"].is_null()) return out;
    if (!j["attributes"].is_array()) return bad("attributes is not an array");
    static const std::vector<std::string> kTypes = {"string", "number",          "datetime",
                                                    "text",   "singlevaluelist", "multivaluelist"};
    for (const auto& a : j["attributes"]) {
        Open311Attribute attr;
        attr.code = id_text(a, "code");
        attr.datatype = lower(str(a, "datatype"));
        if (attr.code.empty() ||
            std::find(kTypes.begin(), kTypes.end(), attr.datatype) == kTypes.end())
            return bad("an attribute without code or of an unknown datatype");
        auto flag = [&](const char* k, bool def) {
            if (!a.contains(k)) return def;
            if (a[k].is_boolean()) return a[k].get<bool>();
            return lower(str(a, k)) == "true";
        };
        attr.variable = flag("variable", true);
        attr.required = flag("required", false);
        attr.description = str(a, "description");
        attr.datatype_description = str(a, "datatype_description");
        if (a.contains("order") && a["order"].is_number_integer())
            attr.order = a["order"].get<int>();
        if (a.contains("values") && a["values"].is_array())
            for (const auto& v : a["values"]) {
                Open311Value val{id_text(v, "key"), str(v, "name")};
                if (val.key.empty()) return bad("a list value without key");
                if (val.name.empty()) val.name = val.key;
                attr.values.push_back(std::move(val));
            }
        if ((attr.datatype == "singlevaluelist" || attr.datatype == "multivaluelist") &&
            attr.values.empty())
            return bad("a list attribute without values");
        out.push_back(std::move(attr));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& x, const auto& y) { return x.order < y.order; });
    return out;
}

bool is_open311_error(std::string_view body) {
    auto j = parse(body);
    auto entry = [](const json& e) {
        return e.is_object() && e.contains("code") &&
               (e.contains("description") || e.contains("detail"));
    };
    if (j.is_array()) return !j.empty() && entry(j[0]);
    return entry(j);
}

std::string open311_error_reason(long status, std::string_view content_type,
                                 std::string_view body) {
    std::string out = "HTTP " + std::to_string(status);
    const auto messages = error_messages(parse(body));
    if (messages.empty()) {
        std::string media(content_type.substr(0, content_type.find(';')));
        if (!media.empty() && media.size() <= 60) out += " (" + media + ")";
    } else {
        out += ": ";
        for (size_t i = 0; i < messages.size(); ++i) out += (i ? "; " : "") + messages[i];
    }
    if (out.size() > 300) {
        out.resize(297);
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
            out.pop_back();  // never half a UTF-8 character
        if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
        out += "...";
    }
    return out;
}

bool open311_key_refused(long status, std::string_view body) {
    if (status == 401) return true;
    if (status != 400 && status != 403) return false;
    if (!is_open311_error(body)) return false;
    if (status == 403) return true;
    for (const auto& m : error_messages(parse(body))) {
        const std::string l = lower(m);
        if (l.find("api_key") != std::string::npos || l.find("api key") != std::string::npos ||
            l.find("apikey") != std::string::npos)
            return true;
    }
    return false;
}

}  // namespace vmeste::sync::replies
