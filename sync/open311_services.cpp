#include "sync/open311_services.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "kiosk/base/utf8.h"
#include "sync/replies.h"

namespace vmeste::sync {

using nlohmann::json;

std::string Open311Services::entry_for(const std::string& category) const {
    std::string id = category;
    for (;;) {
        if (auto it = map.find(id); it != map.end() && !it->second.empty()) return id;
        const auto dot = id.rfind('.');
        if (dot == std::string::npos) return {};
        id.resize(dot);
    }
}

std::string Open311Services::code_for(const std::string& category) const {
    const std::string entry = entry_for(category);
    return entry.empty() ? fallback : map.at(entry);
}

const replies::Open311Service* Open311Services::service(const std::string& code) const {
    for (const auto& s : services)
        if (s.code == code) return &s;
    return nullptr;
}

std::vector<replies::Open311Attribute> Open311Services::questions(const std::string& code) const {
    std::vector<replies::Open311Attribute> out;
    if (auto it = definitions.find(code); it != definitions.end())
        for (const auto& a : it->second)
            if (a.variable) out.push_back(a);
    return out;
}

namespace {

json attribute_json(const replies::Open311Attribute& a) {
    json values = json::array();
    for (const auto& v : a.values) values.push_back({{"key", v.key}, {"name", v.name}});
    return {{"code", a.code},
            {"datatype", a.datatype},
            {"variable", a.variable},
            {"required", a.required},
            {"description", a.description},
            {"datatype_description", a.datatype_description},
            {"order", a.order},
            {"values", values}};
}

}  // namespace

std::string open311_services_json(const Open311Services& s) {
    json services = json::array();
    for (const auto& svc : s.services)
        services.push_back({{"service_code", svc.code},
                            {"service_name", svc.name},
                            {"description", svc.description},
                            {"group", svc.group},
                            {"keywords", svc.keywords},
                            {"metadata", svc.metadata}});
    json definitions = json::object();
    for (const auto& [code, attrs] : s.definitions) {
        json a = json::array();
        for (const auto& attr : attrs) a.push_back(attribute_json(attr));
        definitions[code] = {{"service_code", code}, {"attributes", a}};
    }
    return json{{"v", 1},
                {"services", services},
                {"definitions", definitions},
                {"map", s.map},
                {"fallback", s.fallback},
                {"needs_coordinates", s.needs_coordinates},
                {"fetched_at", s.fetched_unix_ms}}
        .dump(2);
}

Result<Open311Services> parse_open311_services(std::string_view text) {
    auto j = json::parse(text.begin(), text.end(), nullptr, false);
    auto bad = [](const std::string& why) {
        return make_error(ErrorCode::kInvalidInput, "open311.json: " + why);
    };
    if (!j.is_object() || j.value("v", 0) != 1) return bad("not a version 1 file");
    Open311Services s;
    auto services = replies::open311_services(j.contains("services") ? j["services"].dump() : "");
    if (!services) return bad(services.error().message);
    s.services = std::move(services).value();
    if (j.contains("definitions") && j["definitions"].is_object())
        for (const auto& [code, def] : j["definitions"].items()) {
            auto attrs = replies::open311_definition(def.dump());
            if (!attrs) return bad(code + ": " + attrs.error().message);
            s.definitions[code] = std::move(attrs).value();
        }
    if (j.contains("map") && j["map"].is_object())
        for (const auto& [cat, code] : j["map"].items()) {
            if (!code.is_string()) return bad("map: " + cat + " is not a service code");
            s.map[cat] = code.get<std::string>();
        }
    if (j.contains("fallback") && j["fallback"].is_string()) s.fallback = j["fallback"];
    if (j.contains("needs_coordinates") && j["needs_coordinates"].is_boolean())
        s.needs_coordinates = j["needs_coordinates"];
    if (j.contains("fetched_at") && j["fetched_at"].is_number_integer())
        s.fetched_unix_ms = j["fetched_at"];
    for (const auto& [cat, code] : s.map)
        if (!code.empty() && !s.service(code))
            return bad("map: " + cat + " names service " + code + ", which the server lacks");
    if (!s.fallback.empty() && !s.service(s.fallback))
        return bad("fallback names service " + s.fallback + ", which the server lacks");
    return s;
}

namespace {

// Words folded to lower case (ё → е), letters and digits only.
std::vector<std::u32string> words(const std::string& text) {
    static const std::vector<std::u32string> kStop = {U"на",  U"не", U"нет", U"или", U"по",
                                                      U"для", U"от", U"and", U"the", U"not",
                                                      U"of",  U"or", U"for", U"on",  U"in"};
    std::vector<std::u32string> out;
    std::u32string w;
    auto flush = [&] {
        if (w.size() >= 3 && std::find(kStop.begin(), kStop.end(), w) == kStop.end())
            out.push_back(w);
        w.clear();
    };
    for (char32_t c : utf8::decode(text)) {
        if (c >= U'A' && c <= U'Z') c += 32;
        if (c >= 0x0410 && c <= 0x042F) c += 32;
        if (c == 0x0401 || c == 0x0451) c = 0x0435;
        const bool letter =
            (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9') || (c >= 0x0430 && c <= 0x044F);
        if (letter)
            w += c;
        else
            flush();
    }
    flush();
    return out;
}

// One word is another's form: a common stem of 4 letters (фонарь/фонари, light/lights), or of
// all but the last letter for short words (яма/ямы).
bool same_word(const std::u32string& a, const std::u32string& b) {
    size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
    if (n >= 4) return true;
    const size_t shorter = std::min(a.size(), b.size());
    return shorter <= 4 && n >= 2 && n + 1 >= shorter;
}

int overlap(const std::vector<std::u32string>& mine, const std::vector<std::u32string>& theirs) {
    int n = 0;
    for (const auto& w : mine)
        if (std::any_of(theirs.begin(), theirs.end(),
                        [&](const std::u32string& t) { return same_word(w, t); }))
            ++n;
    return n;
}

}  // namespace

void guess_mapping(Open311Services& s, const std::vector<CategoryNames>& categories) {
    s.map.clear();
    s.fallback.clear();
    std::vector<std::vector<std::u32string>> service_words;
    for (const auto& svc : s.services) {
        std::string all = svc.name + " " + svc.description + " " + svc.group;
        for (const auto& k : svc.keywords) all += " " + k;
        service_words.push_back(words(all));
        const auto own = words(svc.name + " " + svc.code);
        const bool other = std::any_of(own.begin(), own.end(), [](const std::u32string& w) {
            return w.starts_with(U"other") || w.starts_with(U"друг") || w.starts_with(U"проч");
        });
        if (other && s.fallback.empty()) s.fallback = svc.code;
    }
    for (const auto& c : categories) {
        const auto own = words(c.ru + " " + c.en);
        const auto parent = words(c.parent_ru + " " + c.parent_en);
        int best = 0;
        std::string code;
        for (size_t i = 0; i < s.services.size(); ++i) {
            // The category's own words count double; its parents' only break ties.
            const int score =
                2 * overlap(own, service_words[i]) + overlap(parent, service_words[i]);
            if (score > best && overlap(own, service_words[i]) > 0) {
                best = score;
                code = s.services[i].code;
            }
        }
        if (!code.empty() && code != s.fallback) s.map[c.id] = code;
    }
}

void keep_mapping(Open311Services& fresh, const Open311Services& old) {
    for (const auto& [cat, code] : old.map)
        if (fresh.service(code)) fresh.map[cat] = code;
    if (fresh.service(old.fallback)) fresh.fallback = old.fallback;
    fresh.needs_coordinates = old.needs_coordinates;
}

Result<Open311Services> discover_open311_services(const std::string& base,
                                                  const std::string& jurisdiction_id,
                                                  HttpTransport& transport, int64_t now) {
    std::string root = base;
    while (!root.empty() && root.back() == '/') root.pop_back();
    auto get = [&](const std::string& path) -> Result<std::string> {
        HttpRequest req;
        req.url = root + path;
        if (!jurisdiction_id.empty()) req.url += "?jurisdiction_id=" + jurisdiction_id;
        req.headers = {{"Accept", "application/json"}};
        auto resp = transport.send(req);
        if (!resp) return resp.error();
        if (resp->status != 200) {
            const std::string* type = resp->header("content-type");
            return make_error(
                ErrorCode::kRetryLater,
                "GET " + path + ": " +
                    replies::open311_error_reason(resp->status, type ? *type : "", resp->body));
        }
        return std::move(resp->body);
    };
    auto list = get("/services.json");
    if (!list) return list.error();
    auto services = replies::open311_services(*list);
    if (!services) return services.error();
    Open311Services out;
    out.services = std::move(services).value();
    out.fetched_unix_ms = now;
    for (const auto& svc : out.services) {
        if (!svc.metadata) continue;
        if (!replies::url_safe_id(svc.code))
            return make_error(ErrorCode::kProtocol,
                              "open311: a service code a URL cannot carry: " + svc.code);
        auto def = get("/services/" + svc.code + ".json");
        if (!def) return def.error();
        auto attrs = replies::open311_definition(*def);
        if (!attrs) return attrs.error();
        out.definitions[svc.code] = std::move(attrs).value();
    }
    return out;
}

}  // namespace vmeste::sync
