// PlatformJobs: what the kiosk asks of the gateway besides delivering appeals, run periodically
// on the uploader's thread (OutboxWorker::add_periodic) with a connection of their own:
// - catalogue and polls sync with ETag: a new version is checked (CategoryCatalog::parse for the
//   catalogue) and written durably to the data directory; a broken one is refused and the last
//   good copy kept;
// - the heartbeat: queue depth, oldest age, disk, version and counters out; the gateway-managed
//   config (written to managed_config.json for the settings layer) and commands back. Commands
//   are acknowledged in the next heartbeat, so one lost answer repeats a command: every command
//   is idempotent.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "drivers/self_test.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/catalog.h"
#include "kiosk/core/region_download.h"
#include "kiosk/core/update_state.h"
#include "kiosk/core/work_calendar.h"
#include "sync/gateway_client.h"
#include "sync/outbox_worker.h"

namespace vmeste::core {

struct HeartbeatFigures {  // (self-test results: drivers/self_test.h)
    QueueFigures queue;
    sync::WorkerStatus worker;
    int64_t disk_free_mb = 0;
    std::string version;
    std::string catalogue_version;
    std::string config_problem;                       // empty: the config file was fine
    std::vector<drivers::SelfTestResult> self_tests;  // the last result per device
    int64_t pending_citizen_actions = 0;              // ratings, votes, +1s waiting
    std::vector<std::string> lost_receipts;           // given to citizens, lost by the store
    std::optional<RegionPackInfo> region_pack;        // the active one
    RegionDownload::Progress region_download;         // the one the gateway offered
    std::optional<UpdateState> update;                // the image's updater's record
};
// The heartbeat's JSON body (docs/protocol.md "Heartbeat"); no personal data.
std::string heartbeat_body(const HeartbeatFigures& f, const std::vector<std::string>& acked,
                           int64_t now_unix_ms);

class PlatformJobs {
  public:
    struct Hooks {
        std::function<sync::WorkerStatus()> worker_status;
        std::function<void()> wake_uploader;
        // A newer production calendar was stored (called on the uploader's thread).
        std::function<void(std::shared_ptr<const WorkCalendar>)> calendar_changed{};
        // A new list of polls, votes and discussions was stored.
        std::function<void(std::shared_ptr<const std::vector<sync::replies::Poll>>)>
            polls_changed{};
        // What the heartbeat reports besides the queue (called on the uploader's thread).
        std::function<std::string()> config_problem{};
        std::function<std::vector<drivers::SelfTestResult>()> self_tests{};
        // The gateway sent a different config (the JSON object, on the uploader's thread).
        std::function<void(const std::string&)> managed_config_changed{};
        // A region pack from the gateway is active now (on the uploader's thread).
        std::function<void(const RegionPackInfo&)> region_pack_installed{};
        // Tests: the download's sizes and disk check (region_download.h); data_dir and
        // installed are PlatformJobs' own.
        RegionDownload::Options region_download{};
        // The updater's record of the kiosk's package (update_state.h), for the heartbeat.
        std::function<std::optional<UpdateState>()> update_state{};
    };
    PlatformJobs(std::string data_dir, std::unique_ptr<AppealStore> store,
                 std::unique_ptr<sync::GatewayClient> gateway, Hooks hooks);

    // Each returns false when the gateway could not be asked (the worker retries sooner).
    bool sync_catalogue();
    bool sync_polls();
    bool sync_calendar();
    // Delivers the ratings, votes and +1s waiting in the store (idempotent: the action's UUID is
    // the key). A vote the platform already has from this identity (another terminal, the phone)
    // is settled "duplicate"; the citizen is told so. A refusal is kept with its reason, for
    // staff. False when the platform did not take them all (the job backs off).
    bool deliver_actions();
    bool heartbeat();
    // A step of the region pack's download the last heartbeat asked for (region_download.h).
    RegionDownload::Step download_region_pack();
    RegionDownload::Progress region_download_status() const { return region_.status(); }
    bool region_pack_offered() const { return region_.offered(); }  // the uploader's thread

    // The catalogue in the data directory if there is a valid one, else nullopt.
    static std::optional<CategoryCatalog> load_synced_catalogue(const std::string& data_dir);
    // The calendar the gateway sent, if a valid copy is on disk and newer than the bundled one.
    static std::shared_ptr<const WorkCalendar> load_synced_calendar(const std::string& data_dir);
    // The polls the gateway sent last (empty when none yet).
    static std::shared_ptr<const std::vector<sync::replies::Poll>> load_synced_polls(
        const std::string& data_dir);

    struct Status {
        std::string catalogue_version;
        std::string catalogue_error;  // the last refused catalogue, for staff
        int64_t last_heartbeat_unix_ms = 0;
        std::vector<std::string> commands_run;  // names, oldest first
    };
    Status status() const;

  private:
    bool sync_document(const char* what, const char* file,
                       Result<sync::Versioned> (sync::GatewayClient::*fetch)(const std::string&),
                       const std::function<Result<std::string>(const std::string&)>& check);
    void run_command(const sync::replies::Command& c);

    std::string data_dir_;
    std::unique_ptr<AppealStore> store_;
    std::unique_ptr<sync::GatewayClient> gateway_;
    Hooks hooks_;
    std::vector<std::string> to_ack_;
    std::string last_config_;  // the managed config last written
    RegionDownload region_;
    mutable std::mutex mu_;
    Status status_;
};

}  // namespace vmeste::core
