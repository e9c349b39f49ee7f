// The kiosk's side of an Open311 region (docs/sync.md "Open311 servers"): the city's services and
// the technician's mapping of the catalogue onto them, kept in DATA_DIR/open311.json; discovery
// (GET services.json and each definition) with a first guess for categories not mapped yet; and
// the adapter's settings from the config. Used by the kiosk (at start, and as a periodic job on
// the uploader's thread), by maintenance and by `vmestectl open311`.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kiosk/base/result.h"
#include "kiosk/core/catalog.h"
#include "kiosk/core/config.h"
#include "kiosk/core/provisioning.h"
#include "kiosk/core/session.h"
#include "sync/http.h"
#include "sync/open311_client.h"
#include "sync/open311_services.h"

namespace vmeste::core {

std::string open311_services_path(const std::string& data_dir);
// kNotFound when there is no file yet; kInvalidInput (naming what is wrong) for a bad one.
Result<sync::Open311Services> load_open311_services(const std::string& data_dir);
Result<void> save_open311_services(const std::string& data_dir, const sync::Open311Services& s);

std::vector<sync::CategoryNames> category_names(const CategoryCatalog& catalog);

// Discovers the services again and keeps what the technician mapped (entries whose service still
// exists); categories with no entry get the first guess. Saves the file; returns what it saved.
Result<sync::Open311Services> refresh_open311_services(const Config& cfg,
                                                       const CategoryCatalog& catalog,
                                                       sync::HttpTransport& transport,
                                                       int64_t now_unix_ms);

// Categories (leaves) that reach no service: neither an entry of their own or a parent's, nor
// the fallback.
std::vector<std::string> unmapped_categories(const sync::Open311Services& s,
                                             const CategoryCatalog& catalog);

// Provisioning of an Open311 terminal (issue #18, points 1 and 4): the services discovered and
// the mapping saved ("open311-services"), every category reaching a service ("open311-mapping"),
// and the МФЦ's coordinates set — not the shipped 0,0 — since "here" and an address alone need
// them ("site"). `mapping` receives one line per category: "roads.road.pothole -> POT".
std::vector<ProvisioningStep> provision_open311(const Config& cfg, const CategoryCatalog& catalog,
                                                sync::HttpTransport& transport, int64_t now_unix_ms,
                                                std::vector<std::string>* mapping);

// The services file as the citizen's screens see it. The UI thread never reads or parses
// DATA_DIR/open311.json: the threads that change the file (the uploader's discovery job, the
// adapter when it learns that coordinates are needed, maintenance's save) publish what they wrote
// or read, and the screens take the last published copy, a pointer swap under a mutex.
class Open311Snapshot {
  public:
    // Null until something is published: no services known, no questions, no pin asked for.
    std::shared_ptr<const sync::Open311Services> get() const;
    void publish(sync::Open311Services s);
    // Reads the file again (on a worker thread) and publishes it; a missing or unreadable file
    // keeps the last good copy and says why.
    Result<void> reload(const std::string& data_dir);

  private:
    mutable std::mutex mu_;
    std::shared_ptr<const sync::Open311Services> current_;
};

// The questions a category's service asks, from the snapshot (so a refresh by the discovery job
// counts from the next visit): its variable attributes, with the server's own words. Unknown
// datatypes never reach here (the parser refuses them).
QuestionSource open311_questions(std::shared_ptr<const Open311Snapshot> services);

// Whether the city's server needs coordinates with every request (set by the technician, or
// learned from the server's refusal of an address alone), from the snapshot: a typed address then
// also gets its pin (issue #18, point 4).
std::function<bool()> open311_needs_pin(std::shared_ptr<const Open311Snapshot> services);

// The adapter's settings from the config and the services file.
sync::Open311Config open311_config(const Config& cfg, sync::Open311Services services);

}  // namespace vmeste::core
