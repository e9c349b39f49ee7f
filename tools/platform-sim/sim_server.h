// SimServer: the platform gateway of docs/protocol.md, served by cpp-httplib on loopback.
// Used by the vmeste-platform-sim binary and, in-process, by the sync and e2e tests.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "tools/platform-sim/sim_faults.h"
#include "tools/platform-sim/sim_store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace vmeste::sim {

// The polls, votes and discussions the platform offers (deadlines counted from now).
nlohmann::json polls_json();

// How the Open311 endpoints behave: as the GeoReport v2 text, or as a real server
// (sim_open311.cpp).
enum class Open311Profile { kSpec, kHelsinki, kMySociety };
const char* open311_profile_name(Open311Profile p);
std::optional<Open311Profile> open311_profile_from(std::string_view name);

struct SimOptions {
    std::string device_token;  // empty: any bearer token is accepted
    std::string public_url;    // base for tracking URLs; empty: http://host:port
    // An appeal moves registered → in_work → answered, one step every this many ms (≤ 0: never).
    int64_t status_step_ms = 60'000;
    // Only tokens issued by enrolment (and device_token) are accepted.
    bool require_enrolment = false;
    // HTTPS with this certificate chain and key (PEM files); empty: plain HTTP.
    std::string tls_cert_file;
    std::string tls_key_file;
    // RFC 8628 hand-off: seconds a device code lives, and the minimum polling interval.
    int handoff_expires_s = 600;
    int handoff_interval_s = 5;
    // Open311: answer POST requests with a token to resolve later instead of the id.
    bool open311_tokens = false;
    Open311Profile open311_profile = Open311Profile::kSpec;
};

// One citizen hand-off in progress (RFC 8628).
struct Handoff {
    std::string device_code, user_code;
    int64_t expires_at_ms = 0;
    int interval_s = 5;
    int64_t last_poll_ms = 0;
    enum class State { kPending, kApproved, kDenied, kConsumed } state = State::kPending;
    std::string subject;  // the approved identity (a pseudonymous ЕСИА id)
    std::string display_name;
};

// A resumable media upload in progress (docs/protocol.md "Media").
struct Upload {
    std::string id, idempotency_key, sha256;
    size_t length = 0;
    std::string data;  // the bytes received so far
};

class SimServer {
  public:
    SimServer(SimOptions options, SimStore& store);
    ~SimServer();

    // Binds to host:port (0 = a free port) and returns the port, or -1.
    int bind(const std::string& host, int port);
    void run();  // blocks until stop()
    void start_background();
    void stop();
    Faults& faults() { return faults_; }
    std::string base_url() const;
    // Requests seen per Idempotency-Key (every attempt, faulted or not).
    int attempts(const std::string& key) const;
    // Device requests being handled right now (a client killed while this is > 0 died in the
    // middle of a request), and uploads a create found already started: a device resuming one
    // (the torture tests' evidence that kills landed where they should).
    int in_flight() const { return in_flight_.load(); }
    int resumed_uploads() const { return resumed_uploads_.load(); }
    // Heartbeats received (newest last) and the commands queued for the next one.
    std::vector<nlohmann::json> heartbeats() const;
    void queue_command(const std::string& name);
    // The region pack every heartbeat's answer names (docs/protocol.md "Region pack"), served at
    // GET /api/v1/region-packs/<sha256> with Range; its version from the pack's metadata.
    // Empty `file`: none offered.
    Result<void> set_region_pack(const std::string& file);
    // Bytes of region packs sent (Range answers), for the resumption tests.
    int64_t region_pack_bytes_sent() const { return region_pack_sent_.load(); }
    // Diagnostics bundles devices uploaded (the gateway's "upload_diagnostics" command).
    std::vector<std::string> diagnostics() const;
    // What a citizen's phone does on the approval page: approve or deny a user code.
    // `citizen` names the person approving (each has one stable ЕСИА subject); empty: the
    // default test citizen.
    bool decide_handoff(const std::string& user_code, bool approve,
                        const std::string& citizen = "");
    // Votes and +1s received (docs/protocol.md "Votes", "Supporters").
    struct ReceivedAction {
        std::string kind, key, target, subject, option, contact, body;
    };
    std::vector<ReceivedAction> actions() const;
    // Ratings received (POST /api/v1/ratings), by receipt number: stars and comment.
    struct ReceivedRating {
        std::string key, receipt_number, comment, body;
        int stars = 0;
    };
    std::vector<ReceivedRating> ratings() const;
    // True when a hand-off approved on the platform issued this subject (an appeal's identity).
    bool identity_confirmed(const std::string& subject) const;
    SimStore& store() { return store_; }
    // Open311: the attributes a request arrived with (code → value), by platform id.
    nlohmann::json open311_attributes(const std::string& platform_id) const;
    // Every Open311 POST: {content_type, user_agent, fields: [names]} (no values).
    std::vector<nlohmann::json> open311_posts() const;
    // Bytes appended to resumable uploads (a byte sent twice is counted twice only if the
    // platform kept it twice, which the offset rules forbid).
    int64_t upload_bytes() const { return upload_bytes_; }

    using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  private:
    void routes();
    void routes_uploads();
    void routes_device();
    void routes_open311();
    void routes_citizen();
    // Authentication, the attempt count and the injected fault for `route`, around `inner`.
    Handler guarded(std::string route, Handler inner);
    void faulted(const std::string& route, const httplib::Request& req, httplib::Response& res,
                 const Handler& inner);
    bool authorised(const httplib::Request& req) const;
    nlohmann::json with_status(nlohmann::json j, const ReceivedAppeal& a) const;
    nlohmann::json catalogue() const;

    SimOptions options_;
    SimStore& store_;
    Faults faults_;
    std::atomic<int> in_flight_{0};
    std::atomic<int> resumed_uploads_{0};
    mutable std::mutex attempts_mu_;
    std::map<std::string, int> attempts_;
    std::set<std::string> appeals_in_flight_;  // keys being handled now (a second one gets 409)
    mutable std::mutex uploads_mu_;
    std::map<std::string, Upload> uploads_;  // by id
    std::atomic<int64_t> upload_bytes_{0};
    mutable std::mutex device_mu_;
    std::vector<nlohmann::json> heartbeats_;
    std::vector<std::string> diagnostics_;
    std::vector<std::pair<std::string, std::string>> commands_;  // id, name
    int command_seq_ = 0;
    nlohmann::json managed_config_ = {{"heartbeat_interval_s", 300},
                                      {"status_poll_interval_s", 300}};
    struct RegionPack {
        std::string bytes, sha256, version;
    };
    std::shared_ptr<const RegionPack> region_pack_;  // under device_mu_
    std::atomic<int64_t> region_pack_sent_{0};
    std::string catalogue_override_;                            // PUT /sim/catalogue
    std::string calendar_override_;                             // PUT /sim/calendar
    std::vector<ReceivedRating> ratings_;                       // under device_mu_
    std::vector<ReceivedAction> actions_;                       // under device_mu_
    std::map<std::string, std::string> open311_tokens_;         // token → service_request_id
    std::map<std::string, nlohmann::json> open311_attributes_;  // by platform id
    std::vector<nlohmann::json> open311_posts_;                 // under device_mu_
    std::map<std::string, Handoff> handoffs_;                   // by device_code
    std::unique_ptr<httplib::Server> server_;
    std::string host_;
    int port_ = -1;
    std::thread thread_;
};

}  // namespace vmeste::sim
