// Open311 GeoReport v2 under /open311/v2 (docs/protocol.md "Open311"): services from the
// catalogue's leaves, POST requests with multipart photo1..N (mySociety's extension), GET
// requests/{id}, tokens, errors as arrays of {code, description}. Requests land in the same
// table as gateway appeals (channel "open311"), so the HTML page lists both.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "tools/platform-sim/sim_server.h"
#include "tools/platform-sim/sim_util.h"

namespace vmeste::sim {

using nlohmann::json;

namespace {

void open311_error(httplib::Response& res, int status, const std::string& description) {
    res.status = status;
    res.set_content(json::array({{{"code", status}, {"description", description}}}).dump(),
                    "application/json");
}

// A form field from multipart (httplib puts every part in `files`) or urlencoded params.
std::string field(const httplib::Request& req, const std::string& name) {
    if (req.has_file(name)) return req.get_file_value(name).content;
    return req.get_param_value(name);
}

std::string iso_time(int64_t unix_ms) {
    const std::time_t t = unix_ms / 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

void SimServer::routes_open311() {
    auto& s = *server_;
    // Every leaf of the catalogue is a service; its code is the leaf id.
    auto services = [this] {
        json out = json::array();
        const json cat = catalogue();  // the loop must not range over a temporary's member
        if (!cat.is_object() || !cat.contains("categories")) return out;
        for (const auto& c : cat["categories"]) {
            // The top level too, for kiosks whose catalogue stops there.
            out.push_back({{"service_code", c["id"]},
                           {"service_name", c["name"]["ru"].get<std::string>() + ": другое"},
                           {"description", c["name"].value("en", "")},
                           {"metadata", true},
                           {"type", "realtime"},
                           {"keywords", c["id"]},
                           {"group", c["name"]["ru"]}});
            for (const auto& g : c.value("children", json::array()))
                for (const auto& l : g.value("children", json::array()))
                    out.push_back({{"service_code", l["id"]},
                                   {"service_name", l["name"]["ru"]},
                                   {"description", l["name"].value("en", "")},
                                   {"metadata", true},
                                   {"type", "realtime"},
                                   {"keywords", c["id"]},
                                   {"group", c["name"]["ru"]}});
        }
        return out;
    };

    s.Get("/open311/v2/services.json", [services](const httplib::Request&, httplib::Response& res) {
        res.set_content(services().dump(), "application/json");
    });

    s.Get(R"(/open311/v2/services/([A-Za-z0-9._-]+)\.json)",
          [services](const httplib::Request& req, httplib::Response& res) {
              for (const auto& svc : services())
                  if (svc["service_code"] == req.matches[1].str()) {
                      json def = {
                          {"service_code", svc["service_code"]},
                          {"attributes",
                           json::array({{{"variable", true},
                                         {"code", "vmeste_id"},
                                         {"datatype", "string"},
                                         {"required", false},
                                         {"datatype_description",
                                          "the kiosk's appeal id; a repeat with the same id "
                                          "returns the first request"},
                                         {"order", 1},
                                         {"description", "Идентификатор обращения терминала"}}})}};
                      res.set_content(def.dump(), "application/json");
                      return;
                  }
              open311_error(res, 404, "service_code not found");
          });

    s.Post("/open311/v2/requests.json",
           [this, services](const httplib::Request& req, httplib::Response& res) {
               if (auto f = faults_.draw("open311"); f && f->kind == FaultKind::kStatus) {
                   if (f->retry_after_s > 0)
                       res.set_header("Retry-After", std::to_string(f->retry_after_s));
                   return open311_error(res, f->status, "injected fault");
               }
               const std::string api_key = field(req, "api_key");
               if (api_key.empty() ||
                   (!options_.device_token.empty() && api_key != options_.device_token &&
                    !store_.device_by_token(api_key)))
                   return open311_error(res, 403, "api_key is missing or not valid");
               const std::string code = field(req, "service_code");
               bool known = false;
               for (const auto& svc : services()) known |= svc["service_code"] == code;
               if (!known) return open311_error(res, 400, "service_code is missing or unknown");
               const std::string description = field(req, "description");
               if (description.empty() || description.size() > 4 * 4000)
                   return open311_error(res, 400, "description must be 1..4000 characters");
               const std::string lat = field(req, "lat"), lon = field(req, "long"),
                                 address = field(req, "address_string");
               if ((lat.empty() || lon.empty()) && address.empty())
                   return open311_error(res, 400,
                                        "a location is required: lat and long, or address_string");
               std::string key = field(req, "attribute[vmeste_id]");
               {
                   std::lock_guard lock(attempts_mu_);
                   ++attempts_[key];
               }
               if (!key.empty()) {
                   if (auto existing = store_.find_by_key(key)) {
                       res.set_content(json::array({{{"service_request_id", existing->platform_id},
                                                     {"service_notice", "already received"}}})
                                           .dump(),
                                       "application/json");
                       return;
                   }
               } else {
                   key = "o311-" + random_hex(8);
               }
               json photos = json::array();
               for (int i = 1; i <= 10; ++i) {
                   const std::string name = "photo" + std::to_string(i);
                   if (!req.has_file(name)) break;
                   const auto& part = req.get_file_value(name);
                   if (part.content.empty() || part.content.size() > (16u << 20))
                       return open311_error(res, 400, name + " is empty or larger than 16 MiB");
                   const std::string sha = sha256_hex(part.content);
                   if (!store_.find_media("sha256", sha) &&
                       !store_.insert_media({"", key + "-" + name, sha, part.content}))
                       return open311_error(res, 500, "storage failed");
                   photos.push_back(sha);
               }
               ReceivedAppeal a;
               a.idempotency_key = key;
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
               if (!address.empty()) place["address"] = address;
               a.place = place.dump();
               auto stored = store_.insert(a);
               if (!stored) return open311_error(res, 500, "storage failed");
               // Some Open311 servers answer with a token first; this one does when asked to.
               if (options_.open311_tokens) {
                   std::lock_guard lock(device_mu_);
                   const std::string token = "TOK-" + random_hex(6);
                   open311_tokens_[token] = stored->platform_id;
                   res.set_content(json::array({{{"token", token}}}).dump(), "application/json");
                   return;
               }
               res.set_content(json::array({{{"service_request_id", stored->platform_id},
                                             {"service_notice", "Обращение зарегистрировано"},
                                             {"account_id", nullptr}}})
                                   .dump(),
                               "application/json");
           });

    s.Get(R"(/open311/v2/tokens/([A-Za-z0-9-]+)\.json)",
          [this](const httplib::Request& req, httplib::Response& res) {
              std::lock_guard lock(device_mu_);
              auto it = open311_tokens_.find(req.matches[1]);
              if (it == open311_tokens_.end()) return open311_error(res, 404, "token not found");
              res.set_content(
                  json::array({{{"service_request_id", it->second}, {"token", it->first}}}).dump(),
                  "application/json");
          });

    auto request_json = [this](const ReceivedAppeal& a) {
        const auto history = status_history(a, options_.status_step_ms, now_ms());
        const std::string& st = history.back().second;
        auto place = json::parse(a.place.empty() ? "{}" : a.place, nullptr, false);
        json photos = json::parse(a.photos.empty() ? "[]" : a.photos, nullptr, false);
        json r = {{"service_request_id", a.platform_id},
                  {"status", st == "answered" ? "closed" : "open"},
                  {"status_notes", st == "registered" ? "Зарегистрировано"
                                   : st == "in_work"  ? "В работе"
                                                      : "Дан ответ"},
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
        return r;
    };

    s.Get(R"(/open311/v2/requests/([A-Za-z0-9-]+)\.json)",
          [this, request_json](const httplib::Request& req, httplib::Response& res) {
              auto a = store_.find_by_id(req.matches[1]);
              if (!a) return open311_error(res, 404, "service_request_id not found");
              res.set_content(json::array({request_json(*a)}).dump(), "application/json");
          });

    // GET requests.json?service_request_id=a,b,c: the status of several requests at once.
    s.Get("/open311/v2/requests.json",
          [this, request_json](const httplib::Request& req, httplib::Response& res) {
              json out = json::array();
              const std::string ids = req.get_param_value("service_request_id");
              size_t start = 0;
              while (start < ids.size()) {
                  size_t comma = ids.find(',', start);
                  if (comma == std::string::npos) comma = ids.size();
                  if (auto a = store_.find_by_id(ids.substr(start, comma - start)))
                      out.push_back(request_json(*a));
                  start = comma + 1;
              }
              res.set_content(out.dump(), "application/json");
          });
}

}  // namespace vmeste::sim
