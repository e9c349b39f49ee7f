#include "tools/platform-sim/sim_util.h"

#include <httplib.h>
#include <sodium.h>

#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

namespace vmeste::sim {

using nlohmann::json;

std::string html_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string http_date_in(int seconds) {
    const std::time_t t = std::time(nullptr) + seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void problem(httplib::Response& res, int status, const std::string& title,
             const std::string& detail, const std::string& type) {
    res.status = status;
    res.set_content(
        json{{"type", type}, {"title", title}, {"status", status}, {"detail", detail}}.dump(),
        "application/problem+json");
}

std::string sha256_hex(const std::string& data) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

std::string organisation_for(const std::string& category) {
    static const std::map<std::string, std::string> kOrgs = {
        {"roads", "Департамент дорожного хозяйства"},  {"housing", "Управляющая компания"},
        {"improvement", "Управление благоустройства"}, {"transport", "Департамент транспорта"},
        {"health", "Управление здравоохранения"},      {"ecology", "Управление экологии"},
        {"education", "Управление образования"},
    };
    // A leaf ("roads.road.pothole") goes where its top-level category goes.
    auto it = kOrgs.find(category.substr(0, category.find('.')));
    return it == kOrgs.end() ? "Центр управления регионом" : it->second;
}

const char* const kStatuses[] = {"registered", "in_work", "answered"};

std::vector<std::pair<int64_t, std::string>> status_history(const ReceivedAppeal& a,
                                                            int64_t step_ms, int64_t now) {
    std::vector<std::pair<int64_t, std::string>> out{{a.received_unix_ms, kStatuses[0]}};
    if (step_ms <= 0) return out;
    for (int i = 1; i < 3; ++i)
        if (a.received_unix_ms + i * step_ms <= now)
            out.emplace_back(a.received_unix_ms + i * step_ms, kStatuses[i]);
    return out;
}

const char* const kPageStyle =
    "<style>body{font-family:'PT Sans',sans-serif;margin:2em;color:#1d2a3a}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccd;padding:.4em;"
    "vertical-align:top;text-align:left}th{background:#eef2f8}pre{white-space:pre-wrap;margin:0}"
    "</style>";

std::string random_hex(size_t bytes) {
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                   raw.size());
    hex.pop_back();
    return hex;
}

}  // namespace vmeste::sim
