// Appeal: what the citizen submits, as the kiosk stores and sends it. Photos, contact and consent
// travel beside it in AcceptRequest (appeal_store.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/language.h"

namespace vmeste::core {

// Where the problem is: a pin on the map, the kiosk's own МФЦ ("here"), or an address typed in.
struct Place {
    std::optional<double> lat, lon;
    std::string address;
    std::string source;  // "map" | "here" | "address"
    // Where the address came from when the terminal has the region's addresses (docs/map.md):
    // "index" (a suggestion chosen, or the address under the pin), "typed" (text the index does
    // not know, accepted as it is); empty: the terminal has no addresses, or the МФЦ's own.
    std::string address_from;
    bool address_near = false;  // the pin is near the address, not at it
    bool operator==(const Place&) const = default;
};

// The citizen's answer to one question of the city's service (an Open311 attribute): its code and
// the value(s) chosen or typed (several for a multiple-choice list).
using Answer = std::pair<std::string, std::vector<std::string>>;

struct Appeal {
    std::string uuid;            // RFC 9562 v4; the idempotency key on the platform
    std::string receipt_number;  // short, printed and spoken: "7K3Q-9PXA"
    std::string category_id;
    std::string text;
    Language language = Language::kRu;
    int64_t created_unix_ms = 0;
    // "message" (сообщение: name and phone) or "appeal" (обращение under 59-ФЗ: the citizen was
    // identified through the Госуслуги hand-off).
    std::string kind = "message";
    std::optional<Place> place{};
    std::vector<Answer> answers{};  // Open311 services' questions (docs/protocol.md "Open311")
};

struct Contact {
    std::string name, phone, email;  // phone in E.164: +79123456789
    std::string subject{};  // the Госуслуги identity from the hand-off (kind "appeal")
};

// The citizen's 152-ФЗ consent to the processing of the contact they gave.
struct Consent {
    std::string version;  // of the consent text the citizen accepted
    int64_t accepted_unix_ms = 0;
};

// A citizen's rating of the answer to an appeal (1–5; a comment is required for 1 and 2).
struct Rating {
    std::string uuid;  // the idempotency key
    std::string receipt_number;
    int stars = 0;
    std::string comment{};
    int64_t created_unix_ms = 0;
};
// The JSON body of POST /api/v1/ratings.
std::string rating_request_json(const Rating& r);

// What a citizen does on the platform besides an appeal or a rating (issue #7), queued and
// delivered like them with its UUID as the idempotency key:
//  - "vote": one choice in a poll, by the Госуслуги identity of the hand-off; one per identity
//    and poll (`once_key` makes the kiosk refuse a repeat itself, offline too);
//  - "support": "у меня та же проблема", a +1 to an appeal already filed, with an optional contact;
//  - "rating": the stars (and comment) for an answer.
struct CitizenAction {
    std::string uuid;
    std::string kind;        // "vote" | "support" | "rating"
    std::string target;      // the poll id, or the supported appeal's receipt number
    std::string body;        // the request's JSON (sealed in the store: it may hold a contact)
    std::string once_key{};  // non-empty: at most one such action is kept (not refused)
    int64_t created_unix_ms = 0;
};
// The request of a vote, and of a +1 (contact optional: empty name and phone send none).
CitizenAction vote_action(const std::string& poll_id, const std::string& option_id,
                          const std::string& subject, int64_t now_unix_ms);
// A contact goes with the consent the citizen gave for it (the same step as a report's).
CitizenAction support_action(const std::string& receipt_number, const Contact& contact,
                             int64_t now_unix_ms, const std::optional<Consent>& consent = {});
// A rating as an action of the kind "rating" (its UUID kept).
CitizenAction rating_action(const Rating& rating);
// Where the platform takes it: POST /api/v1/polls/{id}/votes,
// /api/v1/appeals/by-receipt/{n}/supporters or /api/v1/ratings.
std::string action_path(const CitizenAction& a);

// A new random UUID (version 4), lower-case hex with dashes.
std::string new_uuid();

// A receipt number: 8 characters of Crockford base32 (no I, L, O, U: nothing to misread aloud or
// on thermal paper) as XXXX-XXXX, 40 random bits. The store rejects a repeat and a new one is
// drawn.
std::string new_receipt_number();

// A receipt number from what a citizen typed or a camera read off a receipt: "7k3q9pxa",
// "7K3Q-9PXA", or the QR's status-page URL ".../t/7K3Q-9PXA". Letters people confuse are read as
// Crockford base32 says (O → 0, I and L → 1). Nullopt when it is not 8 symbols of the alphabet.
std::optional<std::string> parse_receipt_number(std::string_view text);

// A photo the citizen took that the terminal lost before sending it (its file gone or damaged):
// the appeal goes without it, and says so.
struct LostPhoto {
    int position = 0;    // 0-based, in the order the citizen took them
    std::string reason;  // "missing" | "damaged"
};

// The JSON body of POST /api/v1/appeals (docs/protocol.md). `photo_sha256` lists the photos
// uploaded before it, in order; contact data is sent only when the citizen gave it; `lost`
// becomes "lost_photos".
std::string appeal_request_json(const Appeal& appeal,
                                const std::vector<std::string>& photo_sha256 = {},
                                const std::optional<Contact>& contact = std::nullopt,
                                const std::vector<LostPhoto>& lost = {});

// "2026-11-29T10:15:00.123Z"
std::string iso8601_utc(int64_t unix_ms);

}  // namespace vmeste::core
