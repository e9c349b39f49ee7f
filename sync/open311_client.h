// Open311Client: the second DeliveryAdapter, for regions whose platform speaks Open311 GeoReport
// v2 (docs/protocol.md "Open311"). Photos travel with the request as multipart parts photo1..N
// (mySociety's extension), so media items are settled locally and the appeal carries them. The
// kiosk's appeal id goes as attribute[vmeste_id]: a server that honours it (the simulator does)
// answers a repeat with the first request, which keeps delivery exactly-once across crashes.
#pragma once

#include <memory>
#include <string>

#include "sync/adapter.h"
#include "sync/http.h"

namespace vmeste::sync {

struct Open311Config {
    std::string base_url;  // e.g. http://127.0.0.1:8080/open311/v2
    std::string api_key;
    std::string jurisdiction_id;  // optional
    // Where an appeal without its own place happened: the kiosk's site.
    std::string site_address;
    double site_lat = 0, site_lon = 0;
};

class Open311Client final : public DeliveryAdapter {
  public:
    Open311Client(Open311Config config, std::unique_ptr<HttpTransport> transport);

    std::string_view name() const override { return "open311"; }
    DeliveryOutcome deliver(const OutboxItem& item, OutboxQueue& queue,
                            int64_t now_unix_ms) override;
    Result<StatusPage> status_changes(OutboxQueue& queue) override;

  private:
    DeliveryOutcome post_request(const OutboxItem& item, OutboxQueue& queue, int64_t now);
    Result<std::string> resolve_token(const std::string& token);
    // GET of a path under the base URL; the body of a 200, else an error to retry later.
    Result<std::string> get(const std::string& path);
    std::string url(const std::string& path) const;

    Open311Config config_;
    std::unique_ptr<HttpTransport> transport_;
};

// multipart/form-data (RFC 7578): text fields, then files. Returns the body and sets `boundary`.
struct FormPart {
    FormPart(std::string n, std::string v, std::string file = {},
             std::string type = "text/plain; charset=utf-8")
        : name(std::move(n)),
          value(std::move(v)),
          filename(std::move(file)),
          content_type(std::move(type)) {}
    std::string name;
    std::string value;
    std::string filename;  // non-empty: a file part
    std::string content_type;
};
std::string multipart_body(const std::vector<FormPart>& parts, const std::string& boundary);

}  // namespace vmeste::sync
