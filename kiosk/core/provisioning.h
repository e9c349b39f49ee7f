// Provisioning after the enrolment (issue #8, point 4): what the first-boot screen and
// `vmestectl provision` both do once the terminal has its token — the platform's documents and
// settings, then the device checks, then a printed receipt that proves the terminal works.
// No UI here, and nothing of a citizen.
#pragma once

#include <string>
#include <vector>

#include "drivers/self_test.h"
#include "kiosk/core/appeal_store.h"
#include "sync/http.h"

namespace vmeste::core {

// One step against the platform: "catalogue", "polls", "calendar", "heartbeat" (it brings the
// settings the gateway manages).
struct ProvisioningStep {
    std::string name;
    bool ok = false;
};

// The catalogue, polls, production calendar and the first heartbeat, stored in the data directory
// as the running kiosk keeps them (blocking: call on a worker).
std::vector<ProvisioningStep> fetch_platform_documents(const StoreOptions& store,
                                                       const std::string& platform_url,
                                                       const std::string& token,
                                                       const sync::TransportOptions& transport);

struct ProvisioningReport {
    std::string device_id, site, platform_url, serial;
    std::string when;  // "01.12.2026 10:05", the terminal's local time
    std::vector<ProvisioningStep> platform;
    std::vector<drivers::SelfTestResult> devices;
    // An Open311 region: each category's city service ("roads.road.pothole → POT"), printed for
    // the technician's records (issue #18).
    std::vector<std::string> open311_mapping{};
    // The region pack's name, version and addresses (docs/map.md); empty: none on the terminal.
    std::string region{};
    // Every platform step done and no device failed (a warning, such as little paper, passes).
    bool ok() const;
};

// The provisioning receipt as ESC/POS bytes (CP866): device id, site, gateway, serial, each
// result, and the device id as a QR for the operator's register.
std::string provisioning_receipt(const ProvisioningReport& report, int columns = 48);

// "ok", "WARNING", "FAILED" (receipts and the command line are not translated).
const char* outcome_word(drivers::SelfTestResult::Outcome o);

}  // namespace vmeste::core
