// Open311 GeoReport v2 under /open311/v2 (docs/protocol.md "Open311"), as three kinds of server
// behave (--open311-profile; docs/sync.md "Open311 servers" has the table):
//   spec      — the GeoReport v2 text: 200 and string ids, errors as [{code, description}], 403
//               for a bad api_key, photos as repeatable `media` file fields;
//   helsinki  — City of Helsinki's issue-reporting (Django REST framework): 201 with the whole
//               request echoed back, errors as {"code", "detail"}, 400 for a bad key, only `media`
//               files kept (other names dropped silently), an address without lat/long is a 500
//               with Django's HTML page, contact fields and address_string dropped;
//   mysociety — mySociety's Open311::Endpoint (FixMyStreet): 200 and numeric ids starting at 0,
//               errors as 2–9 entries with the cause after a generic first one, 400 for a bad
//               key, services with required attributes, any file field kept, chunked answers,
//               Cyrillic from multipart text fields double-encoded (urlencoded is exact), and a
//               500 for an unknown id.
// None of them knows the kiosk's catalogue ids or honours an id of the kiosk's own: the services
// are the city's. Requests land in the same table as gateway appeals (channel "open311").
#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tools/platform-sim/sim_server.h"
#include "tools/platform-sim/sim_util.h"

namespace vmeste::sim {

using nlohmann::json;

namespace {

std::string iso_time(int64_t unix_ms) {
    const std::time_t t = unix_ms / 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// "2026-12-04T10:00:00Z" (also with an offset or fraction, which are ignored): Unix ms, or -1.
int64_t parse_iso(const std::string& s) {
    std::tm tm{};
    if (!strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return -1;
    return static_cast<int64_t>(timegm(&tm)) * 1000;
}

// Text as a server that takes UTF-8 bytes for Latin-1 and encodes them again would store it.
std::string double_encoded(const std::string& utf8) {
    std::string out;
    for (unsigned char c : utf8) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

struct Service {
    std::string code, name, description, group, keywords;
    json attributes = json::array();
};

json attribute(const char* code, const char* datatype, bool required, int order,
               const char* description, json values = json::array()) {
    json a = {{"variable", true},
              {"code", code},
              {"datatype", datatype},
              {"required", required},
              {"order", order},
              {"description", description},
              {"datatype_description", nullptr}};
    if (!values.empty()) a["values"] = std::move(values);
    return a;
}

// The city's own services, per profile.
const std::vector<Service>& services_of(Open311Profile p) {
    static const std::vector<Service> kSpec = {
        {"001", "Яма или выбоина на дороге", "Potholes and road damage", "Дороги",
         "яма, выбоина, дорога, асфальт, pothole, road"},
        {"002", "Не горит уличный фонарь", "Street light out", "Освещение",
         "фонарь, освещение, свет, street light, lamp"},
        {"003", "Мусор и свалки", "Rubbish and dumping", "Чистота",
         "мусор, свалка, контейнер, вывоз, rubbish, dumping, landfill"},
        {"004", "Двор и детская площадка", "Yards and playgrounds", "Благоустройство",
         "двор, площадка, снег, трава, yard, playground, snow"},
        {"005", "Остановки и общественный транспорт", "Public transport", "Транспорт",
         "автобус, остановка, транспорт, bus, stop, transport"},
        {"006", "Прочее", "Other", "Прочее", "другое, прочее, other"},
    };
    static const std::vector<Service> kHelsinki = {
        {"171", "Potholes and road damage", "", "", ""},
        {"172", "Street lights", "", "", ""},
        {"176", "Litter and waste", "", "", ""},
        {"180", "Parks and playgrounds", "", "", ""},
        {"198", "Public transport stops", "", "", ""},
        {"2809", "Other issue", "", "", ""},
    };
    static const std::vector<Service> kMySociety = {
        {"POT", "Pothole", "A hole in the road surface", "Roads", "pothole, road",
         json::array({attribute("depth", "number", true, 1, "Depth of the pothole, in centimetres"),
                      attribute("position", "singlevaluelist", false, 2, "Where is it?",
                                json::array({{{"key", "carriageway"}, {"name", "Carriageway"}},
                                             {{"key", "pavement"}, {"name", "Pavement"}},
                                             {{"key", "cycle"}, {"name", "Cycle lane"}}}))})},
        {"LIGHT", "Street light not working", "", "Street lighting", "street light, lamp",
         json::array({attribute("lamp_id", "string", false, 1,
                                "The number on the lamp post, if you can see it")})},
        {"RUBBISH", "Rubbish (refuse and recycling)", "", "Waste", "rubbish, bins, dumping"},
        {"PARK", "Parks and playgrounds", "", "Parks", "park, playground"},
        {"BUS", "Bus stops", "", "Transport", "bus, stop, shelter"},
        {"OTHER", "Other", "", "Other", "other"},
    };
    switch (p) {
        case Open311Profile::kHelsinki:
            return kHelsinki;
        case Open311Profile::kMySociety:
            return kMySociety;
        default:
            return kSpec;
    }
}

const Service* find_service(Open311Profile p, const std::string& code) {
    for (const auto& s : services_of(p))
        if (s.code == code) return &s;
    return nullptr;
}

}  // namespace

const char* open311_profile_name(Open311Profile p) {
    switch (p) {
        case Open311Profile::kHelsinki:
            return "helsinki";
        case Open311Profile::kMySociety:
            return "mysociety";
        default:
            return "spec";
    }
}

std::optional<Open311Profile> open311_profile_from(std::string_view name) {
    if (name == "spec") return Open311Profile::kSpec;
    if (name == "helsinki") return Open311Profile::kHelsinki;
    if (name == "mysociety") return Open311Profile::kMySociety;
    return std::nullopt;
}

std::vector<json> SimServer::open311_posts() const {
    std::lock_guard lock(device_mu_);
    return open311_posts_;
}

json SimServer::open311_attributes(const std::string& platform_id) const {
    std::lock_guard lock(device_mu_);
    auto it = open311_attributes_.find(platform_id);
    return it == open311_attributes_.end() ? json::object() : it->second;
}

void SimServer::routes_open311() {
    auto& s = *server_;
    const Open311Profile profile = options_.open311_profile;

    // Every answer goes through here: mySociety's server answers chunked.
    auto send = [profile](httplib::Response& res, int status, const json& body) {
        res.status = status;
        if (profile != Open311Profile::kMySociety)
            return res.set_content(body.dump(), "application/json; charset=utf-8");
        auto text = std::make_shared<std::string>(body.dump());
        res.set_chunked_content_provider(
            "application/json; charset=utf-8", [text](size_t offset, httplib::DataSink& sink) {
                const size_t n = std::min<size_t>(512, text->size() - offset);
                if (n > 0) sink.write(text->data() + offset, n);
                if (offset + n >= text->size()) sink.done();
                return true;
            });
    };
    // An error in the profile's shape: `causes` are what is wrong; `field` names the field where
    // the shape has a place for it (DRF's detail object).
    auto error = [profile, send](httplib::Response& res, int status, const std::string& field,
                                 const std::vector<std::string>& causes) {
        if (profile == Open311Profile::kHelsinki) {
            json detail = field.empty() ? json(causes) : json{{field, causes}};
            return send(res, status, {{"code", status}, {"detail", detail}});
        }
        json out = json::array();
        if (profile == Open311Profile::kMySociety)  // a generic first entry, the cause later
            out.push_back({{"code", status}, {"description", "Bad request"}});
        for (const auto& c : causes) out.push_back({{"code", status}, {"description", c}});
        send(res, status, out);
    };
    auto public_id = [profile](const std::string& platform_id) -> json {
        if (profile != Open311Profile::kMySociety) return platform_id;
        // "POS-000001" → 0: mySociety's ids are numbers, and the first one is 0.
        return std::stoll(platform_id.substr(platform_id.find('-') + 1)) - 1;
    };
    auto from_public = [profile](const std::string& id) -> std::string {
        if (profile != Open311Profile::kMySociety) return id;
        if (id.empty() || id.size() > 12 || !std::all_of(id.begin(), id.end(), ::isdigit))
            return {};
        char buf[32];
        std::snprintf(buf, sizeof buf, "POS-%06lld", std::stoll(id) + 1);
        return buf;
    };

    s.Get("/open311/v2/services.json",
          [profile, send](const httplib::Request&, httplib::Response& res) {
              json out = json::array();
              for (const auto& svc : services_of(profile)) {
                  json j = {{"service_code", svc.code},
                            {"service_name", svc.name},
                            {"description", svc.description},
                            {"metadata", !svc.attributes.empty()},
                            {"type", "realtime"},
                            {"keywords", svc.keywords},
                            {"group", svc.group}};
                  out.push_back(std::move(j));
              }
              send(res, 200, out);
          });

    s.Get(R"(/open311/v2/services/([A-Za-z0-9._-]+)\.json)",
          [profile, send, error](const httplib::Request& req, httplib::Response& res) {
              const Service* svc = find_service(profile, req.matches[1].str());
              if (!svc) return error(res, 404, "", {"service_code not found"});
              send(res, 200, {{"service_code", svc->code}, {"attributes", svc->attributes}});
          });

    auto create = [this, profile, send, error, public_id](const httplib::Request& req,
                                                          httplib::Response& res) {
        const bool multipart = req.is_multipart_form_data();
        {
            // What each POST looked like (not its values), for tests to check the framing.
            json names = json::array();
            for (const auto& [name, part] : req.files) names.push_back(name);
            for (const auto& [name, value] : req.params) names.push_back(name);
            std::lock_guard lock(device_mu_);
            open311_posts_.push_back({{"content_type", req.get_header_value("Content-Type")},
                                      {"user_agent", req.get_header_value("User-Agent")},
                                      {"fields", names}});
        }
        auto field = [&](const std::string& name) -> std::string {
            std::string v =
                req.has_file(name) ? req.get_file_value(name).content : req.get_param_value(name);
            // mySociety's server decodes urlencoded text but not multipart text.
            if (multipart && profile == Open311Profile::kMySociety) v = double_encoded(v);
            return v;
        };
        const std::string api_key = field("api_key");
        const bool key_ok = !api_key.empty() &&
                            (options_.device_token.empty() || api_key == options_.device_token ||
                             store_.device_by_token(api_key));
        if (!key_ok) {
            if (profile == Open311Profile::kSpec)
                return error(res, 403, "", {"api_key is missing or not valid"});
            return error(
                res, 400, "",
                {profile == Open311Profile::kHelsinki ? "Invalid API key" : "Invalid api_key"});
        }
        const std::string code = field("service_code");
        const Service* svc = find_service(profile, code);
        if (!svc) {
            const std::string why = code.empty() ? "This field is required."
                                    : profile == Open311Profile::kMySociety
                                        ? "Service code " + code + " is invalid"
                                        : "Invalid service_code " + code;
            return error(res, 400, "service_code", {why});
        }
        const std::string description = field("description");
        if (description.empty() || description.size() > 4 * 4000)
            return error(res, 400, "description", {"description must be 1..4000 characters"});
        const std::string lat = field("lat"), lon = field("long");
        const std::string address = field("address_string");
        if (lat.empty() || lon.empty()) {
            if (profile == Open311Profile::kHelsinki) {
                // An upstream bug: the view dereferences the missing location.
                res.status = 500;
                return res.set_content(
                    "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error "
                    "(500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n"
                    "</body>\n</html>\n",
                    "text/html; charset=utf-8");
            }
            if (address.empty())
                return error(res, 400, "lat",
                             {"a location is required: lat and long, or address_string"});
        }
        // Attributes the service declares; the required ones must be there, in their type.
        json attrs = json::object();
        std::vector<std::string> missing;
        for (const auto& a : svc->attributes) {
            const std::string c = a["code"];
            const std::string v = field("attribute[" + c + "]");
            if (v.empty()) {
                if (a["required"].get<bool>()) missing.push_back(c + ": required");
                continue;
            }
            if (a["datatype"] == "number" &&
                (v.find_first_not_of("0123456789.-") != std::string::npos))
                missing.push_back(c + ": must be a number");
            if (a.contains("values")) {
                bool listed = false;
                for (const auto& opt : a["values"]) listed |= opt["key"] == v;
                if (!listed) missing.push_back(c + ": not one of the listed values");
            }
            attrs[c] = v;
        }
        if (!missing.empty()) {
            missing.insert(missing.begin(), "Invalid attributes for service " + code);
            return error(res, 400, "attributes", missing);
        }
        // Files: Helsinki and the spec profile keep only `media` (repeatable); other names are
        // dropped without a word. mySociety keeps any file field.
        json photos = json::array();
        std::vector<std::string> media_urls;
        for (const auto& [name, part] : req.files) {
            if (part.filename.empty()) continue;  // a text field
            if (profile != Open311Profile::kMySociety && name != "media") continue;
            if (part.content.empty() || part.content.size() > (16u << 20))
                return error(res, 400, name, {"a file is empty or larger than 16 MiB"});
            const std::string sha = sha256_hex(part.content);
            if (!store_.find_media("sha256", sha) &&
                !store_.insert_media({"", "o311-" + random_hex(8), sha, part.content}))
                return error(res, 500, "", {"storage failed"});
            photos.push_back(sha);
            media_urls.push_back(base_url() + "/media/" + sha + ".jpg");
        }
        ReceivedAppeal a;
        a.idempotency_key = "o311-" + random_hex(8);  // the server's own; no client key
        a.category = code;
        a.text = description;
        a.language = "ru";
        a.received_unix_ms = now_ms();
        a.created_at = iso_time(a.received_unix_ms);
        a.status = "registered";
        a.body_sha = sha256_hex(description);
        a.photos = photos.dump();
        a.channel = "open311";
        json place = json::object();
        if (!lat.empty()) place["lat"] = lat;
        if (!lon.empty()) place["lon"] = lon;
        if (!address.empty() && profile != Open311Profile::kHelsinki) place["address"] = address;
        a.place = place.dump();
        if (profile != Open311Profile::kHelsinki) {
            json contact = json::object();
            for (const char* k : {"first_name", "last_name", "phone", "email"})
                if (auto v = field(k); !v.empty()) contact[k] = v;
            if (!contact.empty()) a.contact = contact.dump();
        }
        auto stored = store_.insert(a);
        if (!stored) return error(res, 500, "", {"storage failed"});
        {
            std::lock_guard lock(device_mu_);
            open311_attributes_[stored->platform_id] = attrs;
        }
        // Some Open311 servers answer with a token first; this one does when asked to.
        if (options_.open311_tokens) {
            std::lock_guard lock(device_mu_);
            const std::string token = "TOK-" + random_hex(6);
            open311_tokens_[token] = stored->platform_id;
            return send(res, 200, json::array({{{"token", token}}}));
        }
        json answer = {{"service_request_id", public_id(stored->platform_id)},
                       {"service_notice", "Обращение зарегистрировано"},
                       {"account_id", nullptr}};
        if (profile == Open311Profile::kHelsinki) {
            // The whole request comes back, the citizen's text included.
            answer = {{"service_request_id", stored->platform_id},
                      {"status", "open"},
                      {"service_code", code},
                      {"description", description},
                      {"lat", lat},
                      {"long", lon},
                      {"media_urls", media_urls},
                      {"requested_datetime", a.created_at}};
            return send(res, 201, json::array({answer}));
        }
        send(res, 200, json::array({answer}));
    };
    s.Post("/open311/v2/requests.json",
           [this, create](const httplib::Request& req, httplib::Response& res) {
               faulted("open311", req, res, create);
           });

    s.Get(R"(/open311/v2/tokens/([A-Za-z0-9-]+)\.json)",
          [this, send, error, public_id](const httplib::Request& req, httplib::Response& res) {
              std::lock_guard lock(device_mu_);
              auto it = open311_tokens_.find(req.matches[1]);
              if (it == open311_tokens_.end()) return error(res, 404, "", {"token not found"});
              send(res, 200,
                   json::array(
                       {{{"service_request_id", public_id(it->second)}, {"token", it->first}}}));
          });

    auto request_json = [this, public_id, profile](const ReceivedAppeal& a) {
        const auto history = status_history(a, options_.status_step_ms, now_ms());
        const std::string& st = history.back().second;
        auto place = json::parse(a.place.empty() ? "{}" : a.place, nullptr, false);
        json photos = json::parse(a.photos.empty() ? "[]" : a.photos, nullptr, false);
        json r = {{"service_request_id", public_id(a.platform_id)},
                  {"status", st == "answered" ? "closed" : "open"},
                  {"status_notes", st == "registered" ? "Зарегистрировано"
                                   : st == "in_work" ? "Передано в управление дорожного хозяйства"
                                                     : "Яма заделана 3 декабря, спасибо."},
                  {"service_code", a.category},
                  {"description", a.text},
                  {"agency_responsible", organisation_for(a.category)},
                  {"requested_datetime", iso_time(a.received_unix_ms)},
                  {"updated_datetime", iso_time(history.back().first)},
                  {"expected_datetime", iso_time(a.received_unix_ms + 30ll * 86'400'000)},
                  {"address", place.is_object() ? place.value("address", "") : ""},
                  {"lat", place.is_object() ? place.value("lat", "") : ""},
                  {"long", place.is_object() ? place.value("lon", "") : ""},
                  {"media_url", photos.is_array() && !photos.empty()
                                    ? base_url() + "/media/" + photos[0].get<std::string>() + ".jpg"
                                    : ""}};
        if (profile == Open311Profile::kHelsinki) {
            json urls = json::array();
            for (const auto& p : photos)
                urls.push_back(base_url() + "/media/" + p.get<std::string>() + ".jpg");
            r["media_urls"] = urls;
        }
        return r;
    };

    s.Get(R"(/open311/v2/requests/([A-Za-z0-9-]+)\.json)",
          [this, request_json, from_public, profile, send, error](const httplib::Request& req,
                                                                  httplib::Response& res) {
              auto a = store_.find_by_id(from_public(req.matches[1]));
              if (!a) {
                  if (profile == Open311Profile::kMySociety) {  // its lookup dies on a miss
                      res.status = 500;
                      return res.set_content("Internal Server Error", "text/plain");
                  }
                  return error(res, 404, "", {"service_request_id not found"});
              }
              send(res, 200, json::array({request_json(*a)}));
          });

    // GET requests.json: by service_request_id=a,b,c, or by service_code, start_date, end_date
    // and status (the spec's filters; 90 days and 1,000 requests at most).
    s.Get("/open311/v2/requests.json", [this, request_json, from_public, send](
                                           const httplib::Request& req, httplib::Response& res) {
        json out = json::array();
        const std::string ids = req.get_param_value("service_request_id");
        if (!ids.empty()) {
            size_t start = 0;
            while (start < ids.size()) {
                size_t comma = ids.find(',', start);
                if (comma == std::string::npos) comma = ids.size();
                if (auto a = store_.find_by_id(from_public(ids.substr(start, comma - start))))
                    out.push_back(request_json(*a));
                start = comma + 1;
            }
            return send(res, 200, out);
        }
        const std::string code = req.get_param_value("service_code");
        const int64_t end =
            req.has_param("end_date") ? parse_iso(req.get_param_value("end_date")) : now_ms();
        const int64_t begin = req.has_param("start_date")
                                  ? parse_iso(req.get_param_value("start_date"))
                                  : end - 90ll * 86'400'000;
        const std::string status = req.get_param_value("status");
        for (const auto& a : store_.list(1000)) {
            if (a.channel != "open311" || (!code.empty() && a.category != code)) continue;
            if (a.received_unix_ms < begin || a.received_unix_ms > end) continue;
            json r = request_json(a);
            if (!status.empty() && r["status"] != status) continue;
            out.push_back(std::move(r));
        }
        send(res, 200, out);
    });
}

}  // namespace vmeste::sim
