#include "tools/platform-sim/sim_server.h"

#include "tools/platform-sim/sim_util.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

namespace vmeste::sim {

using nlohmann::json;

namespace {

json appeal_json(const ReceivedAppeal& a, const std::string& tracking_base) {
    return json{{"id", a.platform_id},
                {"receipt_number", a.receipt_number},
                {"status", a.status},
                {"category", a.category},
                {"organisation", organisation_for(a.category)},
                {"tracking_url", tracking_base + "/" + a.receipt_number}};
}

}  // namespace

SimServer::SimServer(SimOptions options, SimStore& store)
    : options_(std::move(options)), store_(store) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    if (!options_.tls_cert_file.empty()) {
        auto tls = std::make_unique<httplib::SSLServer>(options_.tls_cert_file.c_str(),
                                                        options_.tls_key_file.c_str());
        if (!tls->is_valid())
            throw std::runtime_error("TLS certificate or key cannot be loaded: " +
                                     options_.tls_cert_file);
        server_ = std::move(tls);
    } else {
        server_ = std::make_unique<httplib::Server>();
    }
    routes_citizen();  // first: /api/v1/appeals/nearby before /api/v1/appeals/{id}
    routes();
    routes_uploads();
    routes_device();
    routes_open311();
}

SimServer::~SimServer() {
    stop();
}

std::string SimServer::base_url() const {
    if (!options_.public_url.empty()) return options_.public_url;
    return (options_.tls_cert_file.empty() ? "http://" : "https://") + host_ + ":" +
           std::to_string(port_);
}

int SimServer::attempts(const std::string& key) const {
    std::lock_guard lock(attempts_mu_);
    auto it = attempts_.find(key);
    return it == attempts_.end() ? 0 : it->second;
}

int SimServer::bind(const std::string& host, int port) {
    host_ = host;
    port_ = port == 0 ? server_->bind_to_any_port(host.c_str())
                      : (server_->bind_to_port(host.c_str(), port) ? port : -1);
    return port_;
}

void SimServer::run() {
    server_->listen_after_bind();
}

void SimServer::start_background() {
    thread_ = std::thread([this] { run(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void SimServer::stop() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
}

// The answer's status is the one the appeal has reached by now.
nlohmann::json SimServer::with_status(nlohmann::json j, const ReceivedAppeal& a) const {
    j["status"] = status_history(a, options_.status_step_ms, now_ms()).back().second;
    return j;
}

// A proxy's own error page (nginx's shape), not the platform's problem+json.
static void nginx_error_page(httplib::Response& res, int status) {
    res.status = status;
    const std::string code = std::to_string(status);
    res.set_content("<html>\r\n<head><title>" + code + "</title></head>\r\n<body>\r\n<center><h1>" +
                        code +
                        "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                    "text/html");
}

// Every device endpoint goes through `guarded`: authentication, the attempt count, and the
// injected fault for its route, before and after the real handler.
SimServer::Handler SimServer::guarded(std::string route, Handler inner) {
    return [this, route, inner](const httplib::Request& req, httplib::Response& res) {
        if (!authorised(req))
            return problem(res, 401, "Unauthorized", "a valid device token is required");
        const std::string key = req.get_header_value("Idempotency-Key");
        struct Busy {
            std::atomic<int>& n;
            explicit Busy(std::atomic<int>& c) : n(c) { ++n; }
            ~Busy() { --n; }
        } busy(in_flight_);
        {
            std::lock_guard lock(attempts_mu_);
            ++attempts_[key];
            // The same key while its first request is still being handled: 409, the device
            // asks again later (docs/protocol.md "Idempotency").
            if (route == "appeals" && !key.empty() && !appeals_in_flight_.insert(key).second)
                return problem(res, 409, "Conflict",
                               "a request with this Idempotency-Key is still in progress");
        }
        struct InFlight {
            SimServer* self;
            std::string key;
            ~InFlight() {
                std::lock_guard lock(self->attempts_mu_);
                self->appeals_in_flight_.erase(key);
            }
        } in_flight{this, route == "appeals" ? key : std::string()};
        faulted(route, req, res, inner);
    };
}

// The injected fault for `route` around `inner`: an answer instead of it, a delay, or an answer
// that goes wrong after the request was handled (so the platform has what the device never hears).
void SimServer::faulted(const std::string& route, const httplib::Request& req,
                        httplib::Response& res, const Handler& inner) {
    const auto fault = faults_.draw(route);
    if (fault && fault->kind == FaultKind::kStatus) {
        if (fault->retry_after_s > 0)
            res.set_header("Retry-After", fault->retry_after_date
                                              ? http_date_in(fault->retry_after_s)
                                              : std::to_string(fault->retry_after_s));
        if (route == "open311") {  // in Open311's own error shape
            res.status = fault->status;
            return res.set_content(nlohmann::json::array({{{"code", fault->status},
                                                           {"description", "injected fault"}}})
                                       .dump(),
                                   "application/json");
        }
        return problem(res, fault->status, "Injected fault", "the simulator was told to fail");
    }
    if (fault && (fault->kind == FaultKind::kMiddlebox ||
                  (fault->kind == FaultKind::kBodyLimit &&
                   static_cast<int64_t>(req.body.size()) > fault->body_limit)))
        return nginx_error_page(res, fault->kind == FaultKind::kBodyLimit ? 413 : fault->status);
    if (fault && fault->kind == FaultKind::kDropBefore) {
        // A chunk upload loses its connection half-way through the body: the platform
        // keeps the half it received (as a real resumable endpoint does).
        if (route == "upload-chunk") {
            httplib::Request partial = req;
            partial.body.resize(req.body.size() / 2);
            httplib::Response ignored;
            inner(partial, ignored);
        }
        // Headers go out, then the connection closes: no answer reaches the device.
        res.set_content_provider(64, "application/json",
                                 [](size_t, size_t, httplib::DataSink&) { return false; });
        return;
    }
    if (fault && fault->kind == FaultKind::kLatency)
        std::this_thread::sleep_for(std::chrono::milliseconds(fault->latency_ms));
    inner(req, res);
    if (!fault || res.status >= 300) return;
    // The request was handled (the appeal is stored); only the answer goes wrong.
    const std::string body = res.body;
    const std::string type = res.get_header_value("Content-Type");
    switch (fault->kind) {
        case FaultKind::kTruncatedJson:
            res.body = body.substr(0, body.size() / 2);
            break;
        case FaultKind::kMalformedJson:
            res.body = "{\"id\": POS-, \"status\": }";
            break;
        case FaultKind::kDropMidResponse:
            res.body.clear();
            res.set_content_provider(body.size(), type.c_str(),
                                     [body](size_t, size_t, httplib::DataSink& sink) {
                                         sink.write(body.data(), body.size() / 2);
                                         return false;  // the connection drops here
                                     });
            break;
        case FaultKind::kSlowDrip:
            res.body.clear();
            res.set_content_provider(body.size(), type.c_str(),
                                     [body](size_t offset, size_t, httplib::DataSink& sink) {
                                         const size_t n = std::min<size_t>(8, body.size() - offset);
                                         std::this_thread::sleep_for(std::chrono::milliseconds(15));
                                         sink.write(body.data() + offset, n);
                                         return true;
                                     });
            break;
        default:
            break;
    }
}

bool SimServer::authorised(const httplib::Request& req) const {
    const std::string auth = req.get_header_value("Authorization");
    if (!auth.starts_with("Bearer ") || auth.size() <= 7) return false;
    const std::string token = auth.substr(7);
    if (!options_.device_token.empty() && token == options_.device_token) return true;
    if (options_.device_token.empty() && !options_.require_enrolment) return true;
    return store_.device_by_token(token).has_value();
}

void SimServer::routes() {
    auto& s = *server_;

    s.Get("/api/v1/health", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(R"({"status":"ok"})", "application/json");
    });

    // Status changes since a cursor (the time of the last change the caller has, in ms), oldest
    // first. The simulator derives them from each appeal's receipt time and the step length.
    s.Get("/api/v1/status-changes", [this](const httplib::Request& req, httplib::Response& res) {
        if (!authorised(req))
            return problem(res, 401, "Unauthorized", "a valid device token is required");
        int64_t since = 0;
        if (req.has_param("since")) {
            try {
                since = std::stoll(req.get_param_value("since"));
            } catch (...) {
                return problem(res, 400, "Bad Request",
                               "since must be a cursor from an earlier answer");
            }
        }
        const int64_t now = now_ms();
        std::vector<std::tuple<int64_t, std::string, std::string, std::string>> changes;
        for (const auto& a : store_.list(1'000'000))
            for (const auto& [at, status] : status_history(a, options_.status_step_ms, now))
                if (at > since) changes.emplace_back(at, a.platform_id, a.receipt_number, status);
        std::sort(changes.begin(), changes.end());
        json list = json::array();
        int64_t cursor = since;
        for (const auto& [at, id, receipt, status] : changes) {
            list.push_back(
                {{"id", id}, {"receipt_number", receipt}, {"status", status}, {"changed_at", at}});
            cursor = at;
        }
        res.set_content(json{{"changes", list}, {"cursor", std::to_string(cursor)}}.dump(),
                        "application/json");
    });

    s.Get("/sim/stats", [this](const httplib::Request&, httplib::Response& res) {
        json attempts = json::object();
        {
            std::lock_guard lock(attempts_mu_);
            for (auto& [k, n] : attempts_) attempts[k] = n;
        }
        res.set_content(json{{"appeals", store_.count()},
                             {"media", store_.media_count()},
                             {"upload_bytes", upload_bytes_.load()},
                             {"attempts", attempts}}
                            .dump(),
                        "application/json");
    });
    s.Post("/sim/faults", [this](const httplib::Request& req, httplib::Response& res) {
        // One rule per line, in the --fault syntax.
        std::stringstream in(req.body);
        for (std::string line; std::getline(in, line);) {
            if (line.empty()) continue;
            auto rule = parse_fault_rule(line);
            if (!rule) return problem(res, 400, "Bad Request", rule.error().message);
            faults_.add(*rule);
        }
        res.set_content(R"({"ok":true})", "application/json");
    });
    s.Delete("/sim/faults", [this](const httplib::Request&, httplib::Response& res) {
        faults_.clear();
        res.set_content(R"({"ok":true})", "application/json");
    });

    s.Get(R"(/media/([0-9a-f]{64})\.jpg)",
          [this](const httplib::Request& req, httplib::Response& res) {
              auto m = store_.find_media("sha256", req.matches[1]);
              if (!m) return problem(res, 404, "Not Found", "no such photo");
              res.set_content(m->data, "image/jpeg");
          });

    s.Post(
        "/api/v1/appeals",
        guarded("appeals", [this](const httplib::Request& req, httplib::Response& res) {
            const std::string key = req.get_header_value("Idempotency-Key");
            if (key.empty() || key.size() > 100)
                return problem(res, 400, "Bad Request", "Idempotency-Key header is required");
            const std::string sha = sha256_hex(req.body);
            if (auto existing = store_.find_by_key(key)) {
                if (existing->body_sha != sha)
                    return problem(res, 422, "Unprocessable Content",
                                   "Idempotency-Key was already used with a different body");
                res.status = 200;  // a replay: the same answer as the first time
                res.set_content(
                    with_status(appeal_json(*existing, base_url() + "/t"), *existing).dump(),
                    "application/json");
                return;
            }
            auto j = json::parse(req.body, nullptr, false);
            auto str = [&](const char* k) {
                return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>()
                                                                          : std::string();
            };
            if (!j.is_object())
                return problem(res, 400, "Bad Request", "body is not a JSON object");
            if (str("id") != key)
                return problem(res, 400, "Bad Request", "id must equal the Idempotency-Key");
            if (str("category").empty())
                return problem(res, 422, "Unprocessable Content", "category is required");
            const std::string text = str("text");
            if (text.empty() || text.size() > 4 * 4000)
                return problem(res, 422, "Unprocessable Content",
                               "text must be 1..4000 characters");
            json photos = json::array();
            if (j.contains("photos")) {
                if (!j["photos"].is_array())
                    return problem(res, 400, "Bad Request", "photos must be an array");
                for (const auto& p : j["photos"]) {
                    if (!p.is_string() || !store_.find_media("sha256", p.get<std::string>()))
                        return problem(res, 422, "Unprocessable Content",
                                       "a photo was not uploaded first");
                    photos.push_back(p);
                }
            }
            ReceivedAppeal a;
            // Photos the terminal lost before sending (docs/protocol.md): which and why.
            if (j.contains("lost_photos")) {
                const json& l = j["lost_photos"];
                bool ok = l.is_array();
                for (const auto& e : ok ? l : json::array())
                    ok &= e.is_object() && e.contains("position") &&
                          e["position"].is_number_integer() && e.contains("reason") &&
                          e["reason"].is_string();
                if (!ok)
                    return problem(res, 400, "Bad Request",
                                   "lost_photos must be an array of {position, reason}");
                a.lost_photos = l.dump();
            }
            a.kind = str("kind").empty() ? "message" : str("kind");
            if (a.kind != "message" && a.kind != "appeal")
                return problem(res, 422, "Unprocessable Content", "kind must be message or appeal");
            if (j.contains("contact") && j["contact"].is_object()) a.contact = j["contact"].dump();
            // An обращение under 59-ФЗ needs an identity the platform confirmed (hand-off).
            if (j.contains("identity") && j["identity"].is_object())
                a.subject = j["identity"].value("subject", "");
            if (a.kind == "appeal" && !identity_confirmed(a.subject))
                return problem(res, 422, "Unprocessable Content",
                               "an appeal needs an identity confirmed through the hand-off");
            a.photos = photos.dump();
            if (j.contains("place") && j["place"].is_object()) a.place = j["place"].dump();
            a.idempotency_key = key;
            a.receipt_number = str("receipt_number");
            a.category = str("category");
            a.text = text;
            a.language = str("language");
            a.created_at = str("created_at");
            a.received_unix_ms = now_ms();
            a.status = "registered";
            a.body_sha = sha;
            auto stored = store_.insert(a);
            if (!stored) return problem(res, 500, "Internal Server Error", "storage failed");
            res.status = 201;
            res.set_header("Location", "/api/v1/appeals/" + stored->platform_id);
            res.set_content(with_status(appeal_json(*stored, base_url() + "/t"), *stored).dump(),
                            "application/json");
        }));

    // Look-up by receipt number: what the receipt's owner may see (no text, no contact).
    s.Get(R"(/api/v1/appeals/by-receipt/([A-Za-z0-9-]{1,40}))",
          [this](const httplib::Request& req, httplib::Response& res) {
              if (!authorised(req))
                  return problem(res, 401, "Unauthorized", "a valid device token is required");
              auto a = store_.find_by_receipt(req.matches[1]);
              if (!a) return problem(res, 404, "Not Found", "no appeal with this receipt number");
              const auto history = status_history(*a, options_.status_step_ms, now_ms());
              json h = json::array();
              for (const auto& [at, status] : history)
                  h.push_back({{"status", status}, {"at", at}});
              json j = with_status(appeal_json(*a, base_url() + "/t"), *a);
              j["history"] = h;
              // 30 calendar days stand in for the working-day deadline the catalogue defines.
              j["expected_answer_by"] = a->received_unix_ms + 30ll * 24 * 3600 * 1000;
              if (history.back().second == "answered")
                  j["answer"] = "Работы включены в план на ближайший месяц. Спасибо за обращение.";
              // A rated answer: the citizen's rating is the last step.
              for (const auto& r : ratings())
                  if (r.receipt_number == a->receipt_number) {
                      j["status"] = "rated";
                      j["history"].push_back({{"status", "rated"}, {"at", now_ms()}});
                  }
              res.set_content(j.dump(), "application/json");
          });

    s.Get(R"(/api/v1/appeals/([A-Za-z0-9-]+))",
          [this](const httplib::Request& req, httplib::Response& res) {
              auto a = store_.find_by_id(req.matches[1]);
              if (!a) return problem(res, 404, "Not Found", "no such appeal");
              json j = with_status(appeal_json(*a, base_url() + "/t"), *a);
              j["text"] = a->text;
              j["language"] = a->language;
              j["created_at"] = a->created_at;
              res.set_content(j.dump(), "application/json");
          });

    s.Get(R"(/t/([A-Z0-9-]+))", [this](const httplib::Request& req, httplib::Response& res) {
        auto a = store_.find_by_receipt(req.matches[1]);
        std::ostringstream h;
        h << "<!doctype html><html lang=ru><meta charset=utf-8><title>Обращение "
          << html_escape(req.matches[1]) << "</title>" << kPageStyle << "<h1>Обращение № "
          << html_escape(req.matches[1]) << "</h1>";
        if (a) {
            h << "<p>Статус: <b>"
              << status_history(*a, options_.status_step_ms, now_ms()).back().second
              << "</b></p><p>Номер на платформе: " << html_escape(a->platform_id)
              << "</p><p>Исполнитель: " << html_escape(organisation_for(a->category)) << "</p>";
        } else {
            res.status = 404;
            h << "<p>Обращение ещё не поступило на платформу. Если терминал был без связи, оно "
                 "придёт, как только связь появится.</p>";
        }
        res.set_content(h.str(), "text/html; charset=utf-8");
    });

    s.Get("/", [this](const httplib::Request&, httplib::Response& res) {
        std::ostringstream h;
        h << "<!doctype html><html lang=ru><meta charset=utf-8><title>Platform simulator</title>"
          << kPageStyle
          << "<h1>Симулятор платформы «Решаем вместе»</h1><p>Получено обращений: " << store_.count()
          << " · <a href=/device>подтверждение входа через Госуслуги</a> · <a "
             "href=/open311/v2/services.json>Open311</a></p><table><tr><th>ID</th><th>Квитанция</"
             "th><th>Категория</th>"
          << "<th>Текст</th><th>Фото</th><th>Язык</th><th>Создано</th><th>Статус</th></tr>";
        for (const auto& a : store_.list(500)) {
            h << "<tr><td>" << html_escape(a.platform_id)
              << (a.channel == "open311" ? "<br><small>Open311</small>" : "") << "</td><td>"
              << html_escape(a.receipt_number) << "</td><td>" << html_escape(a.category)
              << "</td><td><pre>" << html_escape(a.text) << "</pre></td><td>";
            auto photos = json::parse(a.photos.empty() ? "[]" : a.photos, nullptr, false);
            if (photos.is_array())
                for (const auto& p : photos)
                    if (p.is_string())
                        h << "<a href=\"/media/" << p.get<std::string>()
                          << ".jpg\"><img height=64 src=\"/media/" << p.get<std::string>()
                          << ".jpg\"></a> ";
            h << "</td><td>" << html_escape(a.language) << "</td><td>" << html_escape(a.created_at)
              << "</td><td>" << status_history(a, options_.status_step_ms, now_ms()).back().second
              << "</td></tr>";
        }
        h << "</table></html>";
        res.set_content(h.str(), "text/html; charset=utf-8");
    });
}

}  // namespace vmeste::sim
