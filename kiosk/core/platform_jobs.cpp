#include "kiosk/core/platform_jobs.h"

#include <sys/statvfs.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kiosk/base/log.h"
#include "kiosk/core/diagnostics.h"
#include "kiosk/core/file_ops.h"

#ifndef VMESTE_VERSION
#define VMESTE_VERSION "0.0.0"
#endif

namespace vmeste::core {

using nlohmann::json;

namespace {

int64_t wall_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

int64_t disk_free_mb(const std::string& dir) {
    struct statvfs v {};
    if (statvfs(dir.c_str(), &v) != 0) return -1;
    return static_cast<int64_t>(v.f_bavail) * static_cast<int64_t>(v.f_frsize) / (1024 * 1024);
}

}  // namespace

std::string heartbeat_body(const HeartbeatFigures& f, const std::vector<std::string>& acked,
                           int64_t now) {
    json counters = json::object();
    for (const auto& [k, v] : f.worker.counters) counters[k] = v;
    json tests = json::array();
    for (const auto& t : f.self_tests) {
        using O = drivers::SelfTestResult::Outcome;
        tests.push_back({{"device", t.device},
                         {"outcome", t.outcome == O::kOk        ? "ok"
                                     : t.outcome == O::kWarning ? "warning"
                                                                : "failed"},
                         {"key", t.key}});
    }
    // The pack the terminal draws its map from, and the one it is fetching (figures only).
    json region = json::object();
    if (f.region_pack)
        region = {{"version", f.region_pack->version}, {"sha256", f.region_pack->sha256}};
    if (!f.region_download.sha256.empty())
        region["download"] = {{"state", f.region_download.state},
                              {"version", f.region_download.version},
                              {"have", f.region_download.have},
                              {"size", f.region_download.size},
                              {"error", f.region_download.error}};
    return json{
        {"queue_depth", f.queue.pending},
        {"queued_appeals", f.queue.queued_appeals},
        {"quarantined", f.queue.quarantined},
        {"oldest_age_s",
         f.queue.oldest_pending_unix_ms ? (now - *f.queue.oldest_pending_unix_ms) / 1000 : 0},
        {"last_success", f.worker.last_success_unix_ms},
        {"last_error", f.worker.last_error},
        {"path_blocked", f.worker.path_blocked},
        {"store_error", f.worker.store_error},
        {"delivery_paused", f.worker.config_problem},
        {"lost_receipts", f.lost_receipts},
        {"disk_free_mb", f.disk_free_mb},
        {"version", f.version},
        {"catalogue_version", f.catalogue_version},
        {"counters", counters},
        {"config_problem", f.config_problem},
        {"self_tests", tests},
        {"pending_citizen_actions", f.pending_citizen_actions},
        {"region_pack", region},
        {"update", update_state_to_json(f.update)},
        {"acked_commands", acked},
        {"sent_at", now}}
        .dump();
}

PlatformJobs::PlatformJobs(std::string data_dir, std::unique_ptr<AppealStore> store,
                           std::unique_ptr<sync::GatewayClient> gateway, Hooks hooks)
    : data_dir_(std::move(data_dir)),
      store_(std::move(store)),
      gateway_(std::move(gateway)),
      hooks_(std::move(hooks)),
      region_([&] {
          RegionDownload::Options o = hooks_.region_download;
          o.data_dir = data_dir_;
          o.installed = hooks_.region_pack_installed;
          return o;
      }()) {
    if (auto c = load_synced_catalogue(data_dir_)) status_.catalogue_version = c->version();
    last_config_ = read_file(std::filesystem::path(data_dir_) / "managed_config.json").value_or("");
}

std::optional<CategoryCatalog> PlatformJobs::load_synced_catalogue(const std::string& data_dir) {
    auto text = read_file(std::filesystem::path(data_dir) / "catalogue.json");
    if (!text) return std::nullopt;
    auto parsed = CategoryCatalog::parse(*text);
    if (!parsed) {
        log::error("synced catalogue unusable (%s); using the bundled one",
                   parsed.error().message.c_str());
        return std::nullopt;
    }
    return std::move(parsed).value();
}

PlatformJobs::Status PlatformJobs::status() const {
    std::lock_guard lock(mu_);
    return status_;
}

bool PlatformJobs::sync_document(
    const char* what, const char* file,
    Result<sync::Versioned> (sync::GatewayClient::*fetch)(const std::string&),
    const std::function<Result<std::string>(const std::string&)>& check) {
    const auto dir = std::filesystem::path(data_dir_);
    const std::string etag_file = std::string(file) + ".etag";
    // Without the document itself an ETag means nothing: ask for the whole thing.
    std::string etag;
    if (std::filesystem::exists(dir / file)) etag = read_file(dir / etag_file).value_or("");
    auto got = (gateway_.get()->*fetch)(etag);
    if (!got) {
        log::warn("%s sync: %s", what, got.error().message.c_str());
        return false;
    }
    if (got->not_modified) return true;
    auto version = check(got->body);
    if (!version) {
        // The gateway sent something the kiosk cannot use: keep the last good copy, tell staff.
        log::error("%s sync: refused the new version: %s", what, version.error().message.c_str());
        std::lock_guard lock(mu_);
        if (std::string(what) == "catalogue") status_.catalogue_error = version.error().message;
        return true;
    }
    // The document first, then its ETag: a cut between the two only costs one full download.
    if (auto w = write_durably(posix_file_ops(), data_dir_, file, got->body); !w) {
        log::error("%s sync: %s", what, w.error().message.c_str());
        return false;
    }
    (void)write_durably(posix_file_ops(), data_dir_, etag_file, got->etag);
    log::info("%s sync: version %s stored", what, version->c_str());
    std::lock_guard lock(mu_);
    if (std::string(what) == "catalogue") {
        status_.catalogue_version = *version;
        status_.catalogue_error.clear();
    }
    return true;
}

bool PlatformJobs::sync_catalogue() {
    return sync_document("catalogue", "catalogue.json", &sync::GatewayClient::fetch_catalogue,
                         [](const std::string& body) -> Result<std::string> {
                             auto c = CategoryCatalog::parse(body);
                             if (!c) return c.error();
                             if (c->leaves().empty())
                                 return make_error(ErrorCode::kInvalidInput,
                                                   "category catalogue: no leaves");
                             return c->version().empty() ? std::string("(unnamed)") : c->version();
                         });
}

bool PlatformJobs::sync_calendar() {
    std::shared_ptr<const WorkCalendar> fresh;
    const bool ok = sync_document(
        "calendar", "work_calendar.json", &sync::GatewayClient::fetch_calendar,
        [&](const std::string& body) -> Result<std::string> {
            auto c = WorkCalendar::parse(body);
            if (!c) return c.error();
            // An older calendar than the one built in is no update.
            if (c->version() < WorkCalendar::bundled().version())
                return make_error(ErrorCode::kInvalidInput, "calendar " + c->version() +
                                                                " is older than the bundled " +
                                                                WorkCalendar::bundled().version());
            fresh = std::make_shared<const WorkCalendar>(std::move(c).value());
            return fresh->version();
        });
    // Once it is stored, the session counts deadlines with it.
    if (fresh && hooks_.calendar_changed) {
        auto on_disk = load_synced_calendar(data_dir_);
        if (on_disk && on_disk->version() == fresh->version()) hooks_.calendar_changed(on_disk);
    }
    return ok;
}

std::shared_ptr<const WorkCalendar> PlatformJobs::load_synced_calendar(
    const std::string& data_dir) {
    auto text = read_file(std::filesystem::path(data_dir) / "work_calendar.json");
    if (!text) return nullptr;
    auto parsed = WorkCalendar::parse(*text);
    if (!parsed || parsed->version() < WorkCalendar::bundled().version()) {
        if (!parsed)
            log::error("synced calendar unusable (%s); using the bundled one",
                       parsed.error().message.c_str());
        return nullptr;
    }
    return std::make_shared<const WorkCalendar>(std::move(parsed).value());
}

bool PlatformJobs::deliver_actions() {
    auto pending = store_->pending_actions(20);
    if (!pending) {
        log::error("citizen actions: %s", pending.error().message.c_str());
        return false;
    }
    for (const CitizenAction& a : *pending) {
        // A +1 to an appeal made here waits until the platform has the appeal itself.
        if (a.kind == "support") {
            auto local = store_->find_receipt(a.target);
            if (local && *local && (*local)->platform_id.empty()) continue;
        }
        const int64_t now = wall_now_ms();
        const auto out = gateway_->send_action(action_path(a), a.uuid, a.body, now);
        if (out.verdict == sync::Verdict::kDone) {
            (void)store_->settle_action(a.uuid, "delivered", "", now);
            log::info("%s for %s delivered", a.kind.c_str(), a.target.c_str());
        } else if (out.verdict == sync::Verdict::kQuarantine) {
            const bool duplicate = out.http_status == 409;
            (void)store_->settle_action(a.uuid, duplicate ? "duplicate" : "refused", out.reason,
                                        now);
            log::warn("%s for %s refused: %s", a.kind.c_str(), a.target.c_str(),
                      out.reason.c_str());
        } else {
            log::warn("citizen actions: %s", out.reason.c_str());
            return false;
        }
    }
    return true;
}

bool PlatformJobs::sync_polls() {
    bool fresh = false;
    const bool ok = sync_document("polls", "polls.json", &sync::GatewayClient::fetch_polls,
                                  [&](const std::string& body) -> Result<std::string> {
                                      auto p = sync::replies::polls(body);
                                      if (!p) return p.error();
                                      fresh = true;
                                      return std::to_string(p->size()) + " items";
                                  });
    if (fresh && hooks_.polls_changed) hooks_.polls_changed(load_synced_polls(data_dir_));
    return ok;
}

std::shared_ptr<const std::vector<sync::replies::Poll>> PlatformJobs::load_synced_polls(
    const std::string& data_dir) {
    auto text = read_file(std::filesystem::path(data_dir) / "polls.json");
    if (!text) return std::make_shared<const std::vector<sync::replies::Poll>>();
    auto parsed = sync::replies::polls(*text);
    if (!parsed) {
        log::error("synced polls unusable (%s)", parsed.error().message.c_str());
        return std::make_shared<const std::vector<sync::replies::Poll>>();
    }
    return std::make_shared<const std::vector<sync::replies::Poll>>(std::move(parsed).value());
}

bool PlatformJobs::heartbeat() {
    HeartbeatFigures f;
    if (auto q = store_->queue_figures()) f.queue = *q;
    if (hooks_.worker_status) f.worker = hooks_.worker_status();
    f.disk_free_mb = disk_free_mb(data_dir_);
    f.version = VMESTE_VERSION;
    if (hooks_.config_problem) f.config_problem = hooks_.config_problem();
    if (hooks_.self_tests) f.self_tests = hooks_.self_tests();
    if (auto a = store_->pending_actions(10000)) f.pending_citizen_actions = int64_t(a->size());
    if (auto lost = store_->lost_receipts(200))
        for (const auto& l : *lost) f.lost_receipts.push_back(l.receipt_number);
    {
        std::lock_guard lock(mu_);
        f.catalogue_version = status_.catalogue_version;
    }
    f.region_pack = active_region_pack(data_dir_);
    f.region_download = region_.status();
    if (hooks_.update_state) f.update = hooks_.update_state();
    const int64_t now = wall_now_ms();
    auto reply = gateway_->heartbeat(heartbeat_body(f, to_ack_, now));
    if (!reply) {
        log::warn("heartbeat: %s", reply.error().message.c_str());
        return false;
    }
    to_ack_.clear();
    // The settings layer (issue #8) applies what the gateway manages; it is kept as sent, and
    // written only when it changed (a heartbeat every 5 minutes for months must not wear the
    // disk with identical writes).
    if (reply->config_json != last_config_) {
        if (auto w = write_durably(posix_file_ops(), data_dir_, "managed_config.json",
                                   reply->config_json);
            !w)
            log::error("heartbeat: managed config not stored: %s", w.error().message.c_str());
        else
            last_config_ = reply->config_json;
        if (hooks_.managed_config_changed) hooks_.managed_config_changed(reply->config_json);
    }
    for (const auto& c : reply->commands) {
        run_command(c);
        to_ack_.push_back(c.id);
    }
    region_.offer(reply->region_pack);
    std::lock_guard lock(mu_);
    status_.last_heartbeat_unix_ms = now;
    return true;
}

RegionDownload::Step PlatformJobs::download_region_pack() {
    return region_.step(*gateway_);
}

void PlatformJobs::run_command(const sync::replies::Command& c) {
    log::info("gateway command %s: %s", c.id.c_str(), c.name.c_str());
    if (c.name == "retry_now") {
        if (hooks_.wake_uploader) hooks_.wake_uploader();
    } else if (c.name == "retry_quarantine") {
        auto n = store_->release_quarantine("gateway", wall_now_ms());
        if (n && hooks_.wake_uploader) hooks_.wake_uploader();
    } else if (c.name == "sync_catalogue") {
        sync_catalogue();
    } else if (c.name == "sync_polls") {
        sync_polls();
    } else if (c.name == "upload_diagnostics") {
        // Done once per command: a failure is logged, the command is acknowledged all the same
        // (support asks again; a bundle is no citizen's data to be kept until delivered).
        auto bundle = diagnostics_bundle(*store_, data_dir_);
        auto sent = bundle ? gateway_->upload_diagnostics(*bundle) : Result<void>(bundle.error());
        if (sent)
            log::info("diagnostics uploaded (%zu bytes)", bundle->size());
        else
            log::warn("diagnostics not uploaded: %s", sent.error().message.c_str());
    } else {
        log::warn("gateway command %s: unknown, acknowledged and ignored", c.name.c_str());
    }
    std::lock_guard lock(mu_);
    status_.commands_run.push_back(c.name);
}

}  // namespace vmeste::core
