// Helpers shared by the simulator's route files: problem answers, hashing, time, statuses.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tools/platform-sim/sim_store.h"

namespace httplib {
struct Response;
struct Request;
}  // namespace httplib

namespace vmeste::sim {

int64_t now_ms();
// IMF-fixdate `seconds` from now, for Retry-After as a date.
std::string http_date_in(int seconds);
// RFC 9457 problem details with the given status.
void problem(httplib::Response& res, int status, const std::string& title,
             const std::string& detail, const std::string& type = "about:blank");
std::string sha256_hex(const std::string& data);
std::string html_escape(const std::string& s);
// A short random token of `bytes` random bytes, hex.
std::string random_hex(size_t bytes);

// Where the regional centre (ЦУР) would route an appeal of each category (a top-level id or a
// leaf of it).
std::string organisation_for(const std::string& category);

// The statuses an appeal has reached by `now`, with the time each was reached.
std::vector<std::pair<int64_t, std::string>> status_history(const ReceivedAppeal& a,
                                                            int64_t step_ms, int64_t now);

extern const char* const kPageStyle;

}  // namespace vmeste::sim
