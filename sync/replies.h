// Parsers for everything the platform (gateway or Open311 server) sends back. Pure functions of
// the bytes received, so they are unit-tested and fuzzed (tests/fuzz/) on their own; the clients
// only move bytes and call these. Every parser rejects what it does not fully understand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/result.h"
#include "sync/outbox.h"

namespace vmeste::sync::replies {

// True when `id` is a plain identifier (letters, digits, '-', '_', 1..100 characters) that can go
// into a URL path as it is: what a platform sent never reaches a URL unchecked.
bool url_safe_id(std::string_view id);

// "HTTP 503: Service Unavailable" from RFC 9457 problem details (or an Open311 error array);
// at most 200 bytes, no body text beyond the title.
std::string problem_summary(long status, std::string_view body);
// The problem's "detail" (or Open311's description), for messages a technician reads; ≤ 200 bytes.
std::string problem_detail(std::string_view body);
// Whether a 4xx answer is the platform's own verdict on the request (RFC 9457 problem+json: the
// media type, and an object whose "status" is the HTTP status), rather than something on the
// way — a proxy's 403, a captive portal's HTML, a 404 from a misrouted path (issue #17).
bool is_platform_problem(long status, std::string_view content_type, std::string_view body);
// "HTTP 403 from the way to the platform, not the platform (text/html)": for staff and the log.
std::string path_blocked_summary(long status, std::string_view content_type);

// 201/200 of POST /api/v1/appeals: {"id": …, "status": …}.
struct Created {
    std::string id;
    std::string status;
};
Result<Created> created(std::string_view body);

// POST /api/v1/uploads, GET/HEAD/PATCH /api/v1/uploads/{id}.
struct UploadState {
    std::string upload_id;
    int64_t offset = 0;
    int64_t length = 0;
    bool complete = false;
    std::string media_id;  // when complete
};
Result<UploadState> upload_state(std::string_view body);
// An Upload-Offset header: a decimal number of bytes, 0..length.
std::optional<int64_t> upload_offset(std::string_view header, int64_t length);

// GET /api/v1/status-changes.
Result<StatusPage> status_page(std::string_view body);

// POST /api/v1/devices (enrolment).
struct Enrolment {
    std::string device_id;
    std::string token;
    std::string site_name;
    double lat = 0, lon = 0;
    std::string config_json;  // the gateway-managed config, as JSON
};
Result<Enrolment> enrolment(std::string_view body);

// POST /api/v1/heartbeat.
struct Command {
    std::string id;
    std::string name;
};
// The region pack the gateway wants the terminal to have (docs/protocol.md "Region pack").
struct RegionPackOffer {
    std::string version;
    std::string sha256;  // lower-case hex, 64 digits
    int64_t size = 0;    // bytes
    std::string path;    // on the gateway: /api/v1/region-packs/<sha256>
};
struct HeartbeatReply {
    std::string config_json;  // object, possibly empty
    std::vector<Command> commands;
    int64_t server_time_ms = 0;
    std::optional<RegionPackOffer> region_pack;  // absent: keep what the terminal has
};
Result<HeartbeatReply> heartbeat_reply(std::string_view body);

// RFC 8628 §3.2: the device authorization response.
struct DeviceAuthorization {
    std::string device_code;
    std::string user_code;
    std::string verification_uri;
    std::string verification_uri_complete;
    int expires_in_s = 0;
    int interval_s = 5;  // §3.2: 5 when absent
};
Result<DeviceAuthorization> device_authorization(std::string_view body);

// RFC 8628 §3.5: the token endpoint's answer while polling.
struct TokenReply {
    std::string error;  // authorization_pending, slow_down, access_denied, expired_token, …
    std::string subject;
    std::string display_name;
    std::string identity_level;
};
Result<TokenReply> token_reply(long status, std::string_view body);

// GET /api/v1/appeals/by-receipt/{n}.
struct Lookup {
    std::string id;
    std::string receipt_number;
    std::string status;
    std::string category;
    std::string organisation;
    int64_t expected_answer_by_ms = 0;
    std::vector<std::pair<std::string, int64_t>> history;  // status, when
    std::string answer;
};
Result<Lookup> lookup(std::string_view body);

// GET /api/v1/appeals/nearby: appeals of a category near a point (public facts only).
struct NearbyAppeal {
    std::string receipt_number, status, category;
    int64_t created_ms = 0;
    double distance_m = 0;
    int supporters = 0;  // "у меня та же проблема" so far
    // The platform published its photos (moderated): only then are they shown to others.
    bool photo_published = false;
};
Result<std::vector<NearbyAppeal>> nearby(std::string_view body);

// GET /api/v1/polls.
struct PollOption {
    std::string id, ru, en;
};
struct Poll {
    std::string id, kind, title_ru, title_en, text_ru, text_en, region, municipality, url;
    int64_t deadline_ms = 0;
    std::vector<PollOption> options;
};
Result<std::vector<Poll>> polls(std::string_view body);

}  // namespace vmeste::sync::replies
