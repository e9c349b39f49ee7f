// Open311Client: the second DeliveryAdapter, for regions whose platform speaks Open311 GeoReport
// v2 (docs/protocol.md "Open311", docs/sync.md "Open311 servers" for how real servers differ).
//  - The category goes as the city's service_code, from the technician's mapping
//    (Open311Services); a category without one pauses the queue for a technician.
//  - Photos go with the request as repeatable `media` file fields (or photo1..N for a server that
//    wants those), so media items are settled locally; what the server kept is read back
//    (media_url[s] in the answer or in GET requests/{id}.json), and photos it dropped are marked
//    so, never "delivered". Without photos the request is urlencoded (exact text everywhere).
//  - No server honours an id of the kiosk's own, so a repeat after a lost answer first looks the
//    request up (GET requests.json by service_code and a date window, matched on the receipt
//    number the description carries and on the coordinates) and adopts the id it finds.
//  - Both error shapes become one readable reason; a refused api_key pauses the queue
//    (Verdict::kConfigProblem) and quarantines nothing; nothing the citizen wrote is logged.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "sync/adapter.h"
#include "sync/http.h"
#include "sync/open311_services.h"

namespace vmeste::sync {

struct Open311Config {
    std::string base_url;  // e.g. https://city.example/open311/v2
    std::string api_key;
    std::string jurisdiction_id;  // optional
    // Where an appeal without its own place happened: the kiosk's site.
    std::string site_address;
    double site_lat = 0, site_lon = 0;
    // "media": repeatable `media` file fields (the common extension); "photo": photo1..N.
    std::string media_field = "media";
    Open311Services services;
    // Worker thread: the server turned out to need coordinates (answers 500 to an address
    // alone); the kiosk keeps that in DATA_DIR/open311.json and asks for the pin from then on.
    std::function<void()> on_needs_coordinates;
};

// The line the description ends with: how the city and the kiosk find the request again.
std::string open311_receipt_line(const std::string& receipt_number);

class Open311Client final : public DeliveryAdapter {
  public:
    Open311Client(Open311Config config, std::unique_ptr<HttpTransport> transport);

    std::string_view name() const override { return "open311"; }
    DeliveryOutcome deliver(const OutboxItem& item, OutboxQueue& queue,
                            int64_t now_unix_ms) override;
    Result<StatusPage> status_changes(OutboxQueue& queue) override;
    // GET requests/{id}.json: the status and the city's notes, for the citizen's status screen.
    Result<replies::Open311Request> request(const std::string& platform_id);
    // The worker's thread only (its periodic job): services discovered again, mapping kept.
    // The file is the truth: a learned need for coordinates is saved to it as it is learned
    // (and learned again from the next refusal if that save failed), and the technician may
    // turn it off.
    void set_services(Open311Services s) { config_.services = std::move(s); }

  private:
    DeliveryOutcome post_request(const OutboxItem& item, OutboxQueue& queue, int64_t now);
    // The request this appeal made on an earlier attempt whose answer was lost, if the server
    // has it (nullopt: it has not; error: the server could not be asked).
    Result<std::optional<replies::Open311Request>> find_earlier(
        const std::string& code, const std::string& receipt, int64_t created_ms,
        std::optional<double> lat, std::optional<double> lon, int64_t now);
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
// application/x-www-form-urlencoded (the WHATWG URL standard's serializer): UTF-8, space as '+'.
std::string form_urlencoded(const std::vector<FormPart>& parts);

}  // namespace vmeste::sync
