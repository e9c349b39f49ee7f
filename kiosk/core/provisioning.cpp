#include "kiosk/core/provisioning.h"

#include <ctime>

#include "drivers/printer/escpos.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/platform_jobs.h"
#include "sync/gateway_client.h"

namespace vmeste::core {

std::vector<ProvisioningStep> fetch_platform_documents(const StoreOptions& so,
                                                       const std::string& platform_url,
                                                       const std::string& token,
                                                       const sync::TransportOptions& transport) {
    auto store = AppealStore::open(so);
    if (!store) return {{"store", false}};
    PlatformJobs jobs(
        so.data_dir, std::move(store).value(),
        std::make_unique<sync::GatewayClient>(sync::GatewayConfig{platform_url, token},
                                              sync::make_curl_transport(transport)),
        PlatformJobs::Hooks{[] { return sync::WorkerStatus{}; }, [] {}});
    std::vector<ProvisioningStep> steps;
    for (auto [name, step] :
         std::initializer_list<std::pair<const char*, bool (PlatformJobs::*)()>>{
             {"catalogue", &PlatformJobs::sync_catalogue},
             {"polls", &PlatformJobs::sync_polls},
             {"calendar", &PlatformJobs::sync_calendar},
             {"heartbeat", &PlatformJobs::heartbeat}})
        steps.push_back({name, (jobs.*step)()});
    return steps;
}

bool ProvisioningReport::ok() const {
    if (platform.empty()) return false;
    for (const auto& s : platform)
        if (!s.ok) return false;
    for (const auto& d : devices)
        if (d.outcome == drivers::SelfTestResult::Outcome::kFailed) return false;
    return true;
}

const char* outcome_word(drivers::SelfTestResult::Outcome o) {
    using O = drivers::SelfTestResult::Outcome;
    return o == O::kOk ? "ok" : o == O::kWarning ? "WARNING" : "FAILED";
}

std::string provisioning_receipt(const ProvisioningReport& rep, int columns) {
    drivers::EscPos r(columns);
    r.init().codepage_cp866().align(drivers::Align::kCenter).bold(true);
    r.line("Терминал настроен").line("Terminal provisioned").bold(false).line(rep.when).line();
    r.align(drivers::Align::kLeft)
        .line("Терминал / Device: " + rep.device_id)
        .line("МФЦ / Site: " + (rep.site.empty() ? std::string("-") : rep.site))
        .line("Платформа / Gateway: " + rep.platform_url)
        .line("Серийный / Serial: " + rep.serial)
        .line("Карта региона / Region: " +
              (rep.region.empty() ? std::string("нет / none") : rep.region));
    for (const auto& s : rep.platform) r.line(s.name + ": " + (s.ok ? "ok" : "FAILED"));
    for (const auto& t : rep.devices) r.line(t.device + ": " + outcome_word(t.outcome));
    if (!rep.open311_mapping.empty()) {
        r.line().line("Рубрики -> службы Open311 / Categories -> services:");
        for (const auto& m : rep.open311_mapping) r.line(m);
        r.line();
    }
    r.bold(true).line(rep.ok() ? "Итог / Result: ok" : "Итог / Result: FAILED").bold(false);
    r.align(drivers::Align::kCenter).qr(rep.device_id, 6, 'M').feed(3).cut();
    return r.bytes();
}

}  // namespace vmeste::core
