// Which URLs may carry the terminal's traffic (sync/http.h): https://, and plain http:// only to
// this machine (the simulator, a local proxy) unless a developer allowed it. No libcurl here:
// the config parser uses it too.
#include <cctype>
#include <string>

#include "sync/http.h"

namespace vmeste::sync {

bool is_loopback_http(std::string_view url) {
    auto lower = [](std::string_view v) {
        std::string out(v);
        for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return out;
    };
    if (!lower(url.substr(0, 7)).starts_with("http://")) return false;
    std::string_view rest = url.substr(7);
    rest = rest.substr(0, rest.find_first_of("/?#"));  // the authority
    if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    std::string host;
    if (rest.starts_with("[")) {  // [::1]:8080
        const size_t end = rest.find(']');
        if (end == std::string_view::npos) return false;
        host = lower(rest.substr(1, end - 1));
        return host == "::1";
    }
    host = lower(rest.substr(0, rest.find(':')));
    if (host == "localhost") return true;
    // 127.0.0.0/8 written as a dotted quad, nothing else.
    int parts = 0, value = -1;
    for (size_t i = 0; i <= host.size(); ++i) {
        if (i == host.size() || host[i] == '.') {
            if (value < 0 || value > 255) return false;
            if (parts == 0 && value != 127) return false;
            ++parts;
            value = -1;
        } else if (host[i] >= '0' && host[i] <= '9') {
            value = (value < 0 ? 0 : value * 10) + (host[i] - '0');
            if (value > 255) return false;
        } else {
            return false;
        }
    }
    return parts == 4;
}

Result<void> check_transport_url(std::string_view url, bool allow_plain_http) {
    std::string scheme(url.substr(0, 8));
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme.starts_with("https://")) return {};
    if (!scheme.starts_with("http://"))
        return make_error(ErrorCode::kInvalidInput, "only https:// URLs are used");
    if (allow_plain_http || is_loopback_http(url)) return {};
    return make_error(ErrorCode::kInvalidInput,
                      "plain http:// to a host that is not this machine would send the device "
                      "token and citizens' appeals unencrypted: use https:// (http:// only to a "
                      "loopback address, or with allow_plain_http = true for development)");
}

}  // namespace vmeste::sync
