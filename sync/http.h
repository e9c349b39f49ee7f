// HttpTransport: one request in, one response out. The seam through which tests and the
// simulator's fault injection reach the uploader; curl_transport.cpp is the real one.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::sync {

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct HttpResponse {
    long status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;

    const std::string* header(std::string_view name) const {
        for (auto& [k, v] : headers)
            if (k == name) return &v;
        return nullptr;
    }
};

struct TransportOptions {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds total_timeout{30000};
    long low_speed_bytes_per_s = 100;  // below this for low_speed_time → abort
    std::chrono::seconds low_speed_time{20};
    size_t max_response_bytes = 1 << 20;  // a gateway answer is small; cap protects memory
    std::string ca_file;                  // empty: system store
    std::string pinned_public_key;        // "sha256//..." or empty
    // http:// beyond a loopback address: development only (config `allow_plain_http`, logged
    // loudly). Otherwise such a request is refused before a byte leaves the terminal.
    bool allow_plain_http = false;
};

// Plain http:// is for the simulator and a local proxy only: whether `url` names a loopback
// host (localhost, 127.0.0.0/8, ::1). An https:// URL is always false.
bool is_loopback_http(std::string_view url);
// Why `url` may not carry the terminal's traffic, or nothing: https://, or http:// to a loopback
// address, or any http:// with `allow_plain_http`.
Result<void> check_transport_url(std::string_view url, bool allow_plain_http);

class HttpTransport {
  public:
    virtual ~HttpTransport() = default;
    // A Result error means no HTTP response at all (refused, reset, timeout, TLS, too large).
    virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

std::unique_ptr<HttpTransport> make_curl_transport(TransportOptions options = {});

}  // namespace vmeste::sync
