#include "kiosk/core/appeal.h"

#include "kiosk/core/device_key.h"

#include <sodium.h>

#include <array>
#include <ctime>
#include <nlohmann/json.hpp>

namespace vmeste::core {
namespace {

void random_bytes(uint8_t* out, size_t n) {
    static const bool ready = sodium_init() >= 0;
    (void)ready;  // sodium_init only fails without an entropy source; randombytes then aborts
    randombytes_buf(out, n);
}

}  // namespace

std::string new_uuid() {
    std::array<uint8_t, 16> b{};
    random_bytes(b.data(), b.size());
    b[6] = (b[6] & 0x0F) | 0x40;  // version 4
    b[8] = (b[8] & 0x3F) | 0x80;  // variant 10
    static const char* kHex = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        s += kHex[b[i] >> 4];
        s += kHex[b[i] & 15];
    }
    return s;
}

std::string new_receipt_number() {
    static const char* kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::array<uint8_t, 5> b{};
    random_bytes(b.data(), b.size());
    uint64_t v = 0;
    for (uint8_t x : b) v = (v << 8) | x;
    std::string s;
    for (int i = 7; i >= 0; --i) {
        s += kCrockford[(v >> (i * 5)) & 31];
        if (i == 4) s += '-';
    }
    return s;
}

std::optional<std::string> parse_receipt_number(std::string_view text) {
    static const std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    // A URL: the last path segment.
    if (const size_t slash = text.rfind('/'); slash != std::string_view::npos)
        text = text.substr(slash + 1);
    std::string symbols;
    for (char c : text) {
        if (c == '-' || c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        if (kAlphabet.find(c) == std::string_view::npos) return std::nullopt;
        symbols += c;
    }
    if (symbols.size() != 8) return std::nullopt;
    return symbols.substr(0, 4) + "-" + symbols.substr(4);
}

std::string rating_request_json(const Rating& r) {
    nlohmann::json j = {{"id", r.uuid},
                        {"receipt_number", r.receipt_number},
                        {"stars", r.stars},
                        {"created_at", iso8601_utc(r.created_unix_ms)}};
    if (!r.comment.empty()) j["comment"] = r.comment;
    return j.dump();
}

CitizenAction vote_action(const std::string& poll_id, const std::string& option_id,
                          const std::string& subject, int64_t now) {
    CitizenAction a;
    a.uuid = new_uuid();
    a.kind = "vote";
    a.target = poll_id;
    a.created_unix_ms = now;
    a.body = nlohmann::json{{"id", a.uuid},
                            {"poll_id", poll_id},
                            {"option", option_id},
                            {"identity", {{"subject", subject}}},
                            {"created_at", iso8601_utc(now)}}
                 .dump();
    // One vote per identity and poll: the key says so without keeping the identity in the clear.
    a.once_key = "vote:" + poll_id + ":" + sha256_hex("vmeste-vote:" + poll_id + ":" + subject);
    return a;
}

CitizenAction support_action(const std::string& receipt_number, const Contact& contact, int64_t now,
                             const std::optional<Consent>& consent) {
    CitizenAction a;
    a.uuid = new_uuid();
    a.kind = "support";
    a.target = receipt_number;
    a.created_unix_ms = now;
    nlohmann::json j = {
        {"id", a.uuid}, {"receipt_number", receipt_number}, {"created_at", iso8601_utc(now)}};
    if (!contact.name.empty() || !contact.phone.empty()) {
        nlohmann::json c = {{"name", contact.name}};
        if (!contact.phone.empty()) c["phone"] = contact.phone;
        j["contact"] = std::move(c);
        if (consent)
            j["consent"] = {{"version", consent->version},
                            {"accepted_at", iso8601_utc(consent->accepted_unix_ms)}};
    }
    a.body = j.dump();
    return a;
}

namespace {
// RFC 3986 §2.3: everything but the unreserved characters percent-encoded (ids come from the
// gateway; one must not be able to change the path).
std::string path_segment(std::string_view s) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}
}  // namespace

CitizenAction rating_action(const Rating& r) {
    return CitizenAction{r.uuid, "rating",         r.receipt_number, rating_request_json(r),
                         {},     r.created_unix_ms};
}

std::string action_path(const CitizenAction& a) {
    if (a.kind == "rating") return "/api/v1/ratings";
    if (a.kind == "vote") return "/api/v1/polls/" + path_segment(a.target) + "/votes";
    return "/api/v1/appeals/by-receipt/" + path_segment(a.target) + "/supporters";
}

std::string iso8601_utc(int64_t unix_ms) {
    std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(unix_ms % 1000));
    return buf;
}

std::string appeal_request_json(const Appeal& a, const std::vector<std::string>& photo_sha256,
                                const std::optional<Contact>& contact,
                                const std::vector<LostPhoto>& lost) {
    nlohmann::json j = {
        {"id", a.uuid},
        {"receipt_number", a.receipt_number},
        {"kind", a.kind},
        {"category", a.category_id},
        {"text", a.text},
        {"language", std::string(code(a.language))},
        {"created_at", iso8601_utc(a.created_unix_ms)},
    };
    if (!photo_sha256.empty()) j["photos"] = photo_sha256;
    if (!lost.empty()) {
        nlohmann::json l = nlohmann::json::array();
        for (const auto& p : lost) l.push_back({{"position", p.position}, {"reason", p.reason}});
        j["lost_photos"] = std::move(l);
    }
    if (!a.answers.empty()) {
        nlohmann::json attributes = nlohmann::json::object();
        for (const auto& [code, values] : a.answers) attributes[code] = values;
        j["attributes"] = std::move(attributes);
    }
    if (a.place) {
        nlohmann::json place = {{"source", a.place->source}};
        if (a.place->lat && a.place->lon) {
            place["lat"] = *a.place->lat;
            place["lon"] = *a.place->lon;
        }
        if (!a.place->address.empty()) place["address"] = a.place->address;
        if (!a.place->address_from.empty()) place["address_from"] = a.place->address_from;
        if (a.place->address_near) place["address_near"] = true;
        j["place"] = std::move(place);
    }
    if (contact) {
        nlohmann::json c = {{"name", contact->name}};
        if (!contact->phone.empty()) c["phone"] = contact->phone;
        if (!contact->email.empty()) c["email"] = contact->email;
        j["contact"] = std::move(c);
        if (!contact->subject.empty()) j["identity"] = {{"subject", contact->subject}};
    }
    return j.dump();
}

}  // namespace vmeste::core
