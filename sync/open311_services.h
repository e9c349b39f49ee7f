// What the kiosk knows of an Open311 city's services (docs/sync.md "Open311 servers"): the
// services and their definitions as the server lists them, and the technician's mapping of the
// kiosk's catalogue onto them. Kept in DATA_DIR/open311.json (written by `vmestectl open311 map`
// and by the kiosk when it discovers the services itself), read at start.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kiosk/base/result.h"
#include "sync/http.h"
#include "sync/open311_replies.h"

namespace vmeste::sync {

struct Open311Services {
    std::vector<replies::Open311Service> services;
    std::map<std::string, std::vector<replies::Open311Attribute>> definitions;  // by code
    std::map<std::string, std::string> map;  // catalogue id (leaf, group or top) → service code
    std::string fallback;                    // for a category with no entry of its own
    // The server fails requests that have an address but no coordinates (Helsinki's answers
    // 500): learned from such a refusal, or set by the technician.
    bool needs_coordinates = false;
    int64_t fetched_unix_ms = 0;

    // The service for a catalogue id: its own entry, then its parents' ("a.b.c", "a.b", "a"),
    // then the fallback; "" when none.
    std::string code_for(const std::string& category) const;
    // The entry that decides it: the category's own id or a parent's; "" when the fallback does.
    std::string entry_for(const std::string& category) const;
    const replies::Open311Service* service(const std::string& code) const;
    // The attributes a request of `code` carries that the citizen answers (variable ones).
    std::vector<replies::Open311Attribute> questions(const std::string& code) const;
};

Result<Open311Services> parse_open311_services(std::string_view json_text);
std::string open311_services_json(const Open311Services& s);

// A category of the kiosk's catalogue as the guess sees it.
struct CategoryNames {
    std::string id, ru, en;
    std::string parent_ru, parent_en;  // its group and top level, for context
};

// The first guess of a mapping: each category to the service whose name, description, keywords
// and group share the most words with it (Russian and English, folded, matched by stem); the
// rest to the fallback — a service called "other"/«другое»/«прочее», when there is one.
// Replaces `s.map` and `s.fallback`.
void guess_mapping(Open311Services& s, const std::vector<CategoryNames>& categories);

// GET services.json and each service's definition (when it has metadata).
Result<Open311Services> discover_open311_services(const std::string& base_url,
                                                  const std::string& jurisdiction_id,
                                                  HttpTransport& transport, int64_t now_unix_ms);
// Keeps the entries of `old` whose service still exists, and its fallback and learned flags.
void keep_mapping(Open311Services& fresh, const Open311Services& old);

}  // namespace vmeste::sync
