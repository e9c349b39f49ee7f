// What citizens do on the platform besides appeals and ratings (issue #7): votes in polls (one per
// ЕСИА identity and poll), "у меня та же проблема" (+1 with an optional contact) and the search
// for appeals near a place, with the first photo of each.
#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "kiosk/base/geo.h"
#include "tools/platform-sim/sim_server.h"
#include "tools/platform-sim/sim_util.h"

namespace vmeste::sim {

using nlohmann::json;

namespace {

constexpr const char* kAlreadyVoted = "https://pos.gosuslugi.ru/problems/already-voted";

std::optional<double> number_param(const httplib::Request& req, const char* name) {
    if (!req.has_param(name)) return std::nullopt;
    try {
        size_t used = 0;
        const std::string v = req.get_param_value(name);
        const double d = std::stod(v, &used);
        if (used != v.size()) return std::nullopt;
        return d;
    } catch (...) {
        return std::nullopt;
    }
}

}  // namespace

std::vector<SimServer::ReceivedAction> SimServer::actions() const {
    std::lock_guard lock(device_mu_);
    return actions_;
}

void SimServer::routes_citizen() {
    httplib::Server& s = *server_;

    // One key, one action: the same key and body again → the first answer; another body → 422.
    // Returns true when it answered.
    auto replayed = [this](const std::string& key, const httplib::Request& req,
                           httplib::Response& res) {
        for (const auto& a : actions_) {
            if (a.key != key) continue;
            if (a.body != req.body)
                problem(res, 422, "Unprocessable Content", "this key was used for another request");
            else
                res.set_content(json{{"id", key}, {"replayed", true}}.dump(), "application/json");
            return true;
        }
        return false;
    };

    // A vote: the poll open, the option one of its options, the identity confirmed by a
    // hand-off, and no other vote of this identity in this poll (409, type already-voted).
    s.Post(R"(/api/v1/polls/([A-Za-z0-9_-]{1,100})/votes)",
           guarded("votes", [this, replayed](const httplib::Request& req, httplib::Response& res) {
               const std::string poll_id = req.matches[1];
               const std::string key = req.get_header_value("Idempotency-Key");
               if (key.empty() || key.size() > 100)
                   return problem(res, 400, "Bad Request", "Idempotency-Key is required");
               auto j = json::parse(req.body, nullptr, false);
               if (!j.is_object() || !j.contains("option") || !j["option"].is_string() ||
                   !j.contains("identity") || !j["identity"].is_object())
                   return problem(res, 400, "Bad Request", "option and identity are required");
               const std::string option = j["option"].get<std::string>();
               const std::string subject = j["identity"].value("subject", "");
               if (!identity_confirmed(subject))
                   return problem(res, 422, "Unprocessable Content",
                                  "a vote needs an identity confirmed through the hand-off");
               std::lock_guard lock(device_mu_);
               if (replayed(key, req, res)) return;
               const json polls = polls_json()["polls"];
               auto poll = std::find_if(polls.begin(), polls.end(),
                                        [&](const json& p) { return p["id"] == poll_id; });
               if (poll == polls.end() || (*poll)["kind"] == "discussion")
                   return problem(res, 422, "Unprocessable Content", "no such vote or poll");
               if ((*poll)["deadline"].get<int64_t>() < now_ms())
                   return problem(res, 422, "Unprocessable Content", "the poll is closed");
               const auto& options = (*poll)["options"];
               if (std::none_of(options.begin(), options.end(),
                                [&](const json& o) { return o["id"] == option; }))
                   return problem(res, 422, "Unprocessable Content", "no such option");
               for (const auto& a : actions_)
                   if (a.kind == "vote" && a.target == poll_id && a.subject == subject)
                       return problem(res, 409, "Already voted",
                                      "this citizen has already voted in this poll", kAlreadyVoted);
               actions_.push_back({"vote", key, poll_id, subject, option, "", req.body});
               res.status = 201;
               res.set_content(json{{"id", key}, {"poll_id", poll_id}}.dump(), "application/json");
           }));

    // "У меня та же проблема": a +1 to an appeal, with a contact when the citizen left one.
    s.Post(R"(/api/v1/appeals/by-receipt/([A-Za-z0-9-]{1,40})/supporters)",
           guarded(
               "supporters", [this, replayed](const httplib::Request& req, httplib::Response& res) {
                   const std::string receipt = req.matches[1];
                   const std::string key = req.get_header_value("Idempotency-Key");
                   if (key.empty() || key.size() > 100)
                       return problem(res, 400, "Bad Request", "Idempotency-Key is required");
                   auto j = json::parse(req.body, nullptr, false);
                   if (!j.is_object())
                       return problem(res, 400, "Bad Request", "a JSON object is required");
                   if (!store_.find_by_receipt(receipt))
                       return problem(res, 422, "Unprocessable Content", "unknown receipt number");
                   std::lock_guard lock(device_mu_);
                   if (replayed(key, req, res)) return;
                   const std::string contact = j.contains("contact") && j["contact"].is_object()
                                                   ? j["contact"].dump()
                                                   : std::string();
                   actions_.push_back({"support", key, receipt, "", "", contact, req.body});
                   res.status = 201;
                   res.set_content(json{{"id", key}, {"receipt_number", receipt}}.dump(),
                                   "application/json");
               }));

    // Appeals of a category near a point: public facts only (no text, no contact).
    s.Get("/api/v1/appeals/nearby", [this](const httplib::Request& req, httplib::Response& res) {
        if (!authorised(req))
            return problem(res, 401, "Unauthorized", "a valid device token is required");
        const std::string category = req.get_param_value("category");
        const auto lat = number_param(req, "lat"), lon = number_param(req, "lon");
        if (category.empty() || !lat || !lon || *lat < -90 || *lat > 90 || *lon < -180 ||
            *lon > 180)
            return problem(res, 400, "Bad Request", "category, lat and lon are required");
        const double radius = std::clamp(number_param(req, "radius_m").value_or(250), 1.0, 2000.0);
        const int limit =
            static_cast<int>(std::clamp(number_param(req, "limit").value_or(10), 1.0, 50.0));
        std::vector<std::pair<double, json>> found;
        for (const auto& a : store_.list(100'000)) {
            if (a.category != category || a.place.empty()) continue;
            auto place = json::parse(a.place, nullptr, false);
            if (!place.is_object() || !place.contains("lat") || !place.contains("lon") ||
                !place["lat"].is_number() || !place["lon"].is_number())
                continue;
            const double d =
                geo::distance_m(*lat, *lon, place["lat"].get<double>(), place["lon"].get<double>());
            if (d > radius) continue;
            auto photos = json::parse(a.photos.empty() ? "[]" : a.photos, nullptr, false);
            int supporters = 0;
            {
                std::lock_guard lock(device_mu_);
                for (const auto& s : actions_)
                    supporters += s.kind == "support" && s.target == a.receipt_number;
            }
            json item = with_status(
                json{{"receipt_number", a.receipt_number},
                     {"category", a.category},
                     {"distance_m", std::round(d * 10) / 10},
                     {"supporters", supporters},
                     {"photo_published", photos.is_array() && !photos.empty() &&
                                             store_.photos_published(a.receipt_number)}},
                a);
            item["created_at"] = a.received_unix_ms;
            found.emplace_back(d, std::move(item));
        }
        std::sort(found.begin(), found.end(),
                  [](const auto& x, const auto& y) { return x.first < y.first; });
        json out = json::array();
        for (size_t i = 0; i < found.size() && static_cast<int>(i) < limit; ++i)
            out.push_back(found[i].second);
        res.set_content(json{{"appeals", out}}.dump(), "application/json");
    });

    // The first photo of an appeal, once the platform published it (the nearby list shows it):
    // a photo nobody moderated is not shown to other citizens.
    s.Get(R"(/api/v1/appeals/by-receipt/([A-Za-z0-9-]{1,40})/photo)",
          [this](const httplib::Request& req, httplib::Response& res) {
              if (!authorised(req))
                  return problem(res, 401, "Unauthorized", "a valid device token is required");
              auto a = store_.find_by_receipt(req.matches[1]);
              if (!a) return problem(res, 404, "Not Found", "no such appeal");
              auto photos = json::parse(a->photos.empty() ? "[]" : a->photos, nullptr, false);
              if (!photos.is_array() || photos.empty() || !photos[0].is_string())
                  return problem(res, 404, "Not Found", "the appeal has no photo");
              if (!store_.photos_published(a->receipt_number))
                  return problem(res, 404, "Not Found", "the appeal's photos are not published");
              auto media = store_.find_media("sha256", photos[0].get<std::string>());
              if (!media) return problem(res, 404, "Not Found", "the photo is not uploaded");
              res.set_content(media->data, "image/jpeg");
          });
}

}  // namespace vmeste::sim
