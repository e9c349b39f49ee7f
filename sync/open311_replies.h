// Parsers for what Open311 GeoReport v2 servers answer (https://wiki.open311.org/GeoReport_v2),
// as real servers answer it, not only as the spec writes it (docs/sync.md "Open311 servers"):
//   - ids are strings (Helsinki's issue-reporting: "nw8xj0x1") or JSON numbers, 0 included
//     (mySociety's Open311::Endpoint);
//   - errors are the spec's array [{"code","description"}, …] (mySociety: 2–9 entries, the first
//     generic and the cause later) or DRF's object {"code": 400, "detail": …} whose detail is a
//     string, an array of strings or an object of field → [messages] (Helsinki);
//   - a create may echo the whole request back (Helsinki), description included: nothing of it
//     but the id, token and media URLs is ever read, so the citizen's text never reaches a log.
// Pure functions of the bytes, unit-tested and fuzzed (tests/fuzz/fuzz_open311_replies.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::sync::replies {

// POST requests.json: [{"service_request_id": …} or {"token": …}].
struct Open311Created {
    std::string service_request_id;       // or, when the server defers it…
    std::string token;                    // …a token to resolve with GET tokens/{token}.json
    std::vector<std::string> media_urls;  // what the server says it kept (media_url[s])
};
Result<Open311Created> open311_created(std::string_view body);

// GET requests.json and GET requests/{id}.json.
struct Open311Request {
    std::string service_request_id;
    std::string status;        // open | closed
    std::string status_notes;  // the city's answer, for the citizen's status screen
    std::string service_code;
    std::string description;  // only matched against a receipt number, never logged
    std::string requested_datetime;
    std::optional<double> lat, lon;
    std::vector<std::string> media_urls;
};
Result<std::vector<Open311Request>> open311_requests(std::string_view body);

// GET services.json.
struct Open311Service {
    std::string code, name, description, group;
    std::vector<std::string> keywords;
    bool metadata = false;  // has a definition with attributes
};
Result<std::vector<Open311Service>> open311_services(std::string_view body);

// GET services/{code}.json: the attributes a request of that service carries.
struct Open311Value {
    std::string key, name;
};
struct Open311Attribute {
    std::string code;
    std::string datatype;  // string number datetime text singlevaluelist multivaluelist
    bool variable = true;  // false: informational text, nothing to answer
    bool required = false;
    std::string description;           // the question
    std::string datatype_description;  // a hint on the answer's form
    int order = 0;
    std::vector<Open311Value> values;  // for the lists
};
Result<std::vector<Open311Attribute>> open311_definition(std::string_view body);

// Whether the body is an Open311 error in either shape (the server's own verdict, not a proxy's).
bool is_open311_error(std::string_view body);
// One readable reason with every entry of either shape, e.g.
// "HTTP 400: depth: required; Service code POT is invalid"; without a recognisable error body,
// "HTTP 500 (text/html)" — never the body's text. At most 300 bytes.
std::string open311_error_reason(long status, std::string_view content_type, std::string_view body);
// Whether the server refuses this terminal's api_key: 401, 403 with an Open311 error, or a 400
// whose error names the key (both real servers answer a bad key with 400).
bool open311_key_refused(long status, std::string_view body);

}  // namespace vmeste::sync::replies
