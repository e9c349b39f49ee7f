// The real HttpTransport over libcurl. One easy handle per transport, reused between requests so
// the connection stays open (keep-alive) while the uploader drains a queue; a transport belongs to
// one thread.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "sync/http.h"

namespace vmeste::sync {
namespace {

void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct BodySink {
    std::string* out;
    size_t limit;
    bool overflow = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<BodySink*>(user);
    const size_t bytes = size * n;
    if (sink->out->size() + bytes > sink->limit) {
        sink->overflow = true;
        return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    sink->out->append(data, bytes);
    return bytes;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
    std::string_view line(data, size * n);
    if (line.starts_with("HTTP/")) headers->clear();  // a new response (after 100-continue)
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        while (!value.empty() &&
               (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.remove_suffix(1);
        headers->emplace_back(std::move(name), std::string(value));
    }
    return size * n;
}

class CurlTransport final : public HttpTransport {
  public:
    explicit CurlTransport(TransportOptions options) : options_(std::move(options)) {
        global_init_once();
        curl_ = curl_easy_init();
    }
    ~CurlTransport() override { curl_easy_cleanup(curl_); }

    Result<HttpResponse> send(const HttpRequest& request) override {
        if (!curl_) return make_error(ErrorCode::kInternal, "curl_easy_init failed");
        if (auto ok = check_transport_url(request.url, options_.allow_plain_http); !ok)
            return ok.error();
        curl_easy_reset(curl_);  // keeps the connection cache, clears per-request options
        HttpResponse response;
        BodySink sink{&response.body, options_.max_response_bytes};
        curl_slist* headers = nullptr;
        for (auto& [k, v] : request.headers)
            headers = curl_slist_append(headers, (k + ": " + v).c_str());

        curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
        // Every request names the kiosk and its version (servers' logs and rate limits).
        curl_easy_setopt(curl_, CURLOPT_USERAGENT, "vmeste-kiosk/" VMESTE_VERSION);
        curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        if (request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
            curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, request.body.data());
            curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request.body.size()));
        } else if (request.method == "HEAD") {
            curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
        }
        curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response.headers);
        curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);  // we run on worker threads
        curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(options_.connect_timeout.count()));
        curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS,
                         static_cast<long>(options_.total_timeout.count()));
        curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes_per_s);
        curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME,
                         static_cast<long>(options_.low_speed_time.count()));
        curl_easy_setopt(curl_, CURLOPT_MAXFILESIZE_LARGE,
                         static_cast<curl_off_t>(options_.max_response_bytes));
        curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(
            curl_, CURLOPT_PROTOCOLS_STR,
            options_.allow_plain_http || is_loopback_http(request.url) ? "http,https" : "https");
        curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
        if (!options_.ca_file.empty())
            curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.ca_file.c_str());
        if (!options_.pinned_public_key.empty())
            curl_easy_setopt(curl_, CURLOPT_PINNEDPUBLICKEY, options_.pinned_public_key.c_str());

        const CURLcode rc = curl_easy_perform(curl_);
        curl_slist_free_all(headers);
        if (rc != CURLE_OK) {
            if (sink.overflow || rc == CURLE_FILESIZE_EXCEEDED)
                return make_error(ErrorCode::kProtocol, "response larger than the cap");
            return make_error(ErrorCode::kNetwork, std::string("curl: ") + curl_easy_strerror(rc) +
                                                       " (" + std::to_string(static_cast<int>(rc)) +
                                                       ")");
        }
        curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
        return response;
    }

  private:
    TransportOptions options_;
    CURL* curl_ = nullptr;
};

}  // namespace

std::unique_ptr<HttpTransport> make_curl_transport(TransportOptions options) {
    return std::make_unique<CurlTransport>(std::move(options));
}

}  // namespace vmeste::sync
