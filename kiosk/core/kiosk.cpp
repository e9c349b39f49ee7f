#include "kiosk/core/kiosk.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kiosk/base/log.h"
#include "kiosk/core/open311_setup.h"
#include "kiosk/core/platform_jobs.h"
#include "kiosk/core/region_pack.h"
#include "kiosk/core/sealed_key.h"
#include "sync/gateway_client.h"
#include "sync/open311_client.h"

namespace vmeste::core {

Kiosk::Kiosk(Options options) : options_(std::move(options)) {
    clock_ = options_.clock ? options_.clock : &system_clock_;
}

StoreOptions Kiosk::store_options() const {
    const Config& cfg = options_.config;
    StoreOptions o;
    o.data_dir = cfg.data_dir;
    o.fs = options_.fs;
    o.sqlite_vfs = options_.sqlite_vfs;
    o.limits.min_free_bytes = static_cast<uint64_t>(cfg.min_free_disk_mb) << 20;
    o.limits.max_queued_bytes = static_cast<uint64_t>(cfg.max_queued_mb) << 20;
    o.limits.max_queued_items = cfg.max_queued_appeals;
    o.device_key = device_key_;
    return o;
}

std::string read_device_token(const std::string& data_dir) {
    std::ifstream in(std::filesystem::path(data_dir) / "device_token");
    std::string token;
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    return token;
}

Result<void> store_device_token(const std::string& data_dir, const std::string& token) {
    return write_durably(posix_file_ops(), data_dir, "device_token", token + "\n", 0600);
}

std::string machine_serial() {
    std::ifstream in("/etc/machine-id");
    std::string id;
    std::getline(in, id);
    if (!id.empty()) return id;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return host;
}

std::string read_device_id(const std::string& data_dir) {
    std::ifstream in(std::filesystem::path(data_dir) / "device_id");
    std::string id;
    std::getline(in, id);
    return id;
}

Result<void> store_device_id(const std::string& data_dir, const std::string& device_id) {
    return write_durably(posix_file_ops(), data_dir, "device_id", device_id + "\n", 0644);
}

void Kiosk::note_device(const drivers::SelfTestResult& r) {
    std::lock_guard lock(mu_);  // the heartbeat reads them on the uploader's thread
    std::erase_if(self_tests_, [&](const auto& x) { return x.device == r.device; });
    self_tests_.push_back(r);
}

Result<std::unique_ptr<Kiosk>> Kiosk::start(Options options) {
    std::unique_ptr<Kiosk> k(new Kiosk(std::move(options)));
    {
        // The technician's screen settings and the gateway's, over the config file.
        std::string problems;
        k->options_.config = with_settings_layers(k->options_.config, &problems);
        if (!problems.empty()) {
            log::error("config: %s", problems.c_str());
            std::string& p = k->options_.config_problem;
            p += (p.empty() ? "" : "; ") + problems;
        }
    }
    const Config& cfg = k->options_.config;
    // One process per data directory (a second kiosk's boot recovery would take the first one's
    // photos between their write and their COMMIT).
    auto lock = DataDirLock::acquire(cfg.data_dir, "vmeste-kiosk");
    if (!lock) return lock.error();
    k->data_dir_lock_ = std::move(lock).value();
    k->refresh_update_state();
    if (k->update_state_)
        log::info("update: %s (%s)", k->update_state_->state.c_str(),
                  k->update_state_->version.c_str());
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(cfg.data_dir) / kFactoryResetMarker)) {
        // A technician's factory reset (refused while anything was unsent): the terminal comes
        // up as new, to be provisioned again. Everything in the data directory goes.
        for (const auto& entry : std::filesystem::directory_iterator(cfg.data_dir, ec))
            // The sealed key stays: it is this terminal's TPM's, not data, and the units
            // load it at every start (a missing one would stop the service starting).
            if (entry.path().filename() != kFactoryResetMarker &&
                entry.path().filename() != ".lock" && entry.path().filename() != kSealedKeyFile)
                std::filesystem::remove_all(entry.path(), ec);
        std::filesystem::remove(std::filesystem::path(cfg.data_dir) / kFactoryResetMarker, ec);
        log::warn("factory reset: the data directory was wiped");
    }
    std::filesystem::create_directories(cfg.data_dir, ec);
    if (ec)
        return make_error(ErrorCode::kIo,
                          "cannot create data dir " + cfg.data_dir + ": " + ec.message());
    k->store_path_ = (std::filesystem::path(cfg.data_dir) / "appeals.db").string();
    {
        auto key = credential_device_key(k->options_.credentials_dir);
        if (!key) return key.error();
        k->device_key_ = *key;
        const bool plain =
            std::filesystem::exists(std::filesystem::path(cfg.data_dir) / "device.key", ec);
        if (*key && plain)
            log::warn(
                "device key: sealed to the TPM, but a plaintext device.key is still in the "
                "data directory (vmestectl seal-key did not finish?): remove it");
        log::info("device key: %s", *key ? "sealed to the TPM, opened by systemd"
                                         : "a file in the data directory (not sealed)");
    }

    auto intake = AppealStore::open(k->store_options());
    if (!intake) return intake.error();
    k->intake_store_ = std::move(intake).value();
    // Boot recovery before anything else reads the spool.
    auto recovered = k->intake_store_->recover();
    if (!recovered) return recovered.error();
    k->recovery_ = *recovered;
    k->run_retention();
    if (cfg.adapter == "open311") {
        // The city's services and the technician's mapping; without them nothing can be sent
        // (the queue waits, staff are told) until the discovery job has run.
        k->open311_services_ = std::make_shared<Open311Snapshot>();
        if (auto r = k->open311_services_->reload(cfg.data_dir);
            !r && r.error().code != ErrorCode::kNotFound)
            log::error("open311: %s", r.error().message.c_str());
    }

    k->options_.transport = transport_options(cfg, k->options_.transport);
    if (cfg.allow_plain_http) {
        log::error(
            "config: allow_plain_http = true — the device token and every appeal may go "
            "over the network UNENCRYPTED. For development only; never on a terminal.");
    }
    if (k->options_.start_uploader) {
        auto upload_store = AppealStore::open(k->store_options());
        if (!upload_store) return upload_store.error();
        // The token enrolment stored wins over the config's.
        std::string token = read_device_token(cfg.data_dir);
        if (token.empty()) token = cfg.device_token;
        std::unique_ptr<sync::DeliveryAdapter> adapter;
        sync::Open311Client* open311 = nullptr;
        if (cfg.adapter == "open311") {
            auto services = k->open311_services_->get();
            auto o311 = open311_config(cfg, services ? *services : sync::Open311Services{});
            o311.on_needs_coordinates = [dir = cfg.data_dir, shown = k->open311_services_] {
                auto s = load_open311_services(dir);
                if (!s) return;
                s->needs_coordinates = true;
                if (auto r = save_open311_services(dir, *s); !r)
                    log::error("open311: %s", r.error().message.c_str());
                shown->publish(*s);  // the next visit asks for the pin, saved or not
            };
            auto client = std::make_unique<sync::Open311Client>(
                std::move(o311), sync::make_curl_transport(k->options_.transport));
            open311 = client.get();
            adapter = std::move(client);
        } else {
            adapter = std::make_unique<sync::GatewayClient>(
                sync::GatewayConfig{cfg.platform_url, token},
                sync::make_curl_transport(k->options_.transport));
        }
        sync::RetryPolicy policy{Millis(cfg.retry_base_ms), Millis(cfg.retry_cap_ms)};
        k->uploader_ =
            std::make_unique<sync::OutboxWorker>(make_outbox_queue(std::move(upload_store).value()),
                                                 std::move(adapter), policy, *k->clock_);
        k->uploader_->set_stuck_item_days(cfg.stuck_item_days);
        if (open311) {
            // The city's services are read again with the catalogue's rhythm: new services and
            // definitions arrive, the technician's mapping stays, new categories get a guess.
            CategoryCatalog catalogue = PlatformJobs::load_synced_catalogue(cfg.data_dir)
                                            .value_or(CategoryCatalog::bundled());
            auto transport = std::shared_ptr<sync::HttpTransport>(
                sync::make_curl_transport(k->options_.transport));
            k->uploader_->add_periodic(
                "open311 services", Millis(int64_t(cfg.catalogue_sync_interval_s) * 1000),
                Millis(60'000),
                [cfg, catalogue, transport, open311, shown = k->open311_services_,
                 clock = k->clock_] {
                    auto s =
                        refresh_open311_services(cfg, catalogue, *transport, clock->unix_millis());
                    if (!s) {
                        log::warn("open311 services: %s", s.error().message.c_str());
                        // The server cannot be asked: the file's mapping (a technician may just
                        // have saved it) is taken all the same.
                        if (auto saved = load_open311_services(cfg.data_dir)) {
                            open311->set_services(*saved);
                            shown->publish(std::move(saved).value());
                        }
                        return false;
                    }
                    open311->set_services(*s);
                    shown->publish(std::move(s).value());
                    return true;
                });
        }
        // The gateway's device services (heartbeat, catalogue, polls) run beside deliveries on
        // the uploader's thread, with their own connection and store handle.
        if (cfg.adapter == "gateway") {
            auto jobs_store = AppealStore::open(k->store_options());
            if (!jobs_store) return jobs_store.error();
            sync::OutboxWorker* worker = k->uploader_.get();
            k->jobs_ = std::make_unique<PlatformJobs>(
                cfg.data_dir, std::move(jobs_store).value(),
                std::make_unique<sync::GatewayClient>(
                    sync::GatewayConfig{cfg.platform_url, token},
                    sync::make_curl_transport(k->options_.transport)),
                PlatformJobs::Hooks{
                    [worker] { return worker->status(); }, [worker] { worker->wake(); },
                    [raw = k.get()](std::shared_ptr<const WorkCalendar> c) {
                        {
                            std::lock_guard lock(raw->mu_);
                            raw->new_calendar_ = std::move(c);
                        }
                        if (raw->options_.wake_ui) raw->options_.wake_ui();
                    },
                    [raw = k.get()](std::shared_ptr<const std::vector<sync::replies::Poll>> p) {
                        {
                            std::lock_guard lock(raw->mu_);
                            raw->new_polls_ = std::move(p);
                        }
                        if (raw->options_.wake_ui) raw->options_.wake_ui();
                    },
                    [raw = k.get()] { return raw->options_.config_problem; },
                    [raw = k.get()] {
                        std::lock_guard lock(raw->mu_);
                        return raw->self_tests_;
                    },
                    [raw = k.get(), worker, base = cfg](const std::string& json) {
                        // The uploader's own intervals change here, on its thread; the rest on
                        // the UI thread (Kiosk::pump), which owns the kiosk's Config.
                        Config next = base;
                        if (auto r = apply_managed_config(next, json); !r) {
                            log::error("managed config refused: %s", r.error().message.c_str());
                            return;
                        }
                        worker->set_interval("heartbeat",
                                             Millis(int64_t(next.heartbeat_interval_s) * 1000));
                        for (const char* job : {"catalogue sync", "polls sync", "calendar sync"})
                            worker->set_interval(
                                job, Millis(int64_t(next.catalogue_sync_interval_s) * 1000));
                        {
                            std::lock_guard lock(raw->mu_);
                            raw->new_managed_ = json;
                        }
                        if (raw->options_.wake_ui) raw->options_.wake_ui();
                    },
                    [raw = k.get()](const RegionPackInfo& pack) {
                        // Swapped in by the UI thread between visits (Kiosk::pump).
                        {
                            std::lock_guard lock(raw->mu_);
                            raw->new_region_ = pack;
                        }
                        if (raw->options_.wake_ui) raw->options_.wake_ui();
                    },
                    k->options_.region_download, [raw = k.get()] { return raw->update_state(); }});
            PlatformJobs* jobs = k->jobs_.get();
            const Millis sync_every(int64_t(cfg.catalogue_sync_interval_s) * 1000);
            worker->add_periodic("heartbeat", Millis(int64_t(cfg.heartbeat_interval_s) * 1000),
                                 Millis(60'000), [jobs, worker] {
                                     const bool ok = jobs->heartbeat();
                                     // A pack offered: its download goes on at once.
                                     if (ok && jobs->region_pack_offered())
                                         worker->expedite("region pack");
                                     return ok;
                                 });
            // The region pack the gateway names, a step at a time between deliveries: soon
            // again while there is more, rarely while the disk has no room.
            worker->add_periodic("region pack", Millis(60'000), Millis(60'000), [jobs, worker] {
                using S = RegionDownload::Step;
                const S step = jobs->download_region_pack();
                worker->set_interval("region pack", step == S::kMore      ? Millis(200)
                                                    : step == S::kWaiting ? Millis(600'000)
                                                                          : Millis(60'000));
                return step != S::kFailed;
            });
            worker->add_periodic("catalogue sync", sync_every, Millis(300'000),
                                 [jobs] { return jobs->sync_catalogue(); });
            worker->add_periodic("polls sync", sync_every, Millis(300'000),
                                 [jobs] { return jobs->sync_polls(); });
            worker->add_periodic("calendar sync", sync_every, Millis(300'000),
                                 [jobs] { return jobs->sync_calendar(); });
            // Ratings, votes and +1s wait in the store at most this long once the gateway
            // answers (and are sent at once when a citizen makes one: expedite).
            worker->add_periodic("citizen actions", Millis(5'000), Millis(10'000),
                                 [jobs] { return jobs->deliver_actions(); });
        }
        // The updater's record (update_state.h) changes while this kiosk runs (its own update is
        // committed after it came up): read again every half minute, off the UI thread.
        k->uploader_->add_periodic("update state", Millis(30'000), Millis(30'000), [raw = k.get()] {
            raw->refresh_update_state();
            return true;
        });
        if (k->options_.uploader_alive) k->uploader_->set_alive_hook(k->options_.uploader_alive);
        k->uploader_->start();
    }
    // The catalogue synced from the platform if a valid copy is on disk, else the bundled one.
    if (auto synced = PlatformJobs::load_synced_catalogue(cfg.data_dir))
        k->catalog_ = std::move(*synced);
    else
        k->catalog_ = CategoryCatalog::bundled();
    k->session_ = std::make_unique<Session>(k->options_.config, k->catalog_, *k->clock_);
    if (cfg.adapter == "open311") {
        k->session_->set_questions(open311_questions(k->open311_services_));
        k->session_->set_pin_rule(open311_needs_pin(k->open311_services_));
    }
    k->session_->set_calendar(PlatformJobs::load_synced_calendar(cfg.data_dir));
    k->session_->set_polls(PlatformJobs::load_synced_polls(cfg.data_dir));
    {
        VisitWorkers::Options vo;
        vo.config = cfg;
        vo.clock = k->clock_;
        vo.wake_ui = k->options_.wake_ui;
        vo.transport = k->options_.transport;
        vo.device_token = read_device_token(cfg.data_dir);
        if (vo.device_token.empty()) vo.device_token = cfg.device_token;
        vo.camera = k->options_.camera;
        vo.store = k->store_options();
        vo.action_saved = [raw = k.get()] { raw->expedite("citizen actions"); };
        vo.printer = k->options_.printer;
        vo.print_timeouts = k->options_.print_timeouts;
        vo.printer_check_every = k->options_.printer_check_every;
        vo.printer_seen = [raw = k.get()](const drivers::SelfTestResult& r) {
            raw->note_device(r);
        };
        k->visit_ = std::make_unique<VisitWorkers>(std::move(vo));
    }
    // The map: the config's file, else the region pack the technician installed (region_pack.h).
    std::string map_file = cfg.map_file;
    if (map_file.empty())
        if (auto active = active_region_pack(cfg.data_dir)) map_file = active->file;
    std::optional<RegionPackInfo> region;  // what maintenance and the provisioning receipt say
    if (!map_file.empty())
        if (auto pack = read_region_pack(map_file)) region = *pack;
    {
        Maintenance::Options mo;
        mo.store = k->store_options();
        mo.data_dir = cfg.data_dir;
        mo.clock = k->clock_;
        mo.pin_cost = k->options_.pin_cost;
        mo.wake_ui = k->options_.wake_ui;
        mo.retry_now = [raw = k.get()] { raw->wake_uploader(); };
        mo.region_installed = [raw = k.get()](const RegionPackInfo& pack) {
            std::lock_guard lock(raw->mu_);
            raw->new_region_ = pack;
        };
        if (k->uploader_)
            mo.uploader_status = [worker = k->uploader_.get()] { return worker->status(); };
        mo.about.version = VMESTE_VERSION;
        mo.about.site = cfg.site_address;
        if (region) {
            mo.about.region = region->name + " " + region->version;
            mo.about.region_addresses = region->addresses;
        }
        mo.about.store_path = k->store_path_;
        mo.about.config_problem = k->options_.config_problem;
        mo.about.started_unix_ms = k->clock_->unix_millis();
        k->started_unix_ms_ = mo.about.started_unix_ms;
        mo.about.device_id = read_device_id(cfg.data_dir);
        mo.camera = k->visit_->shared_camera();
        mo.printer = k->visit_->shared_printer();
        mo.printer_spec = cfg.printer;
        mo.speaker = k->options_.speaker;
        mo.export_dir = cfg.export_dir;
        mo.usb_gate = k->options_.usb_gate;
        mo.platform_url = cfg.platform_url;
        mo.transport = k->options_.transport;
        mo.current_config = [raw = k.get()] { return raw->options_.config; };
        mo.exit_to_system = [raw = k.get()] { raw->exit_code_ = kTechnicianExit; };
        mo.serial = machine_serial();
        mo.about.serial = mo.serial;
        mo.about.gateway = cfg.platform_url;
        mo.about.adapter = cfg.adapter;
        if (cfg.adapter == "open311")
            mo.on_open311_mapping_saved = [worker = k->uploader_.get(),
                                           shown = k->open311_services_, dir = cfg.data_dir] {
                // On maintenance's worker: the screens take the saved file from the next visit,
                // the uploader at once.
                if (auto r = shown->reload(dir); !r)
                    log::error("open311 mapping: %s", r.error().message.c_str());
                if (worker) worker->expedite("open311 services");
            };
        mo.on_provisioned = [raw = k.get()] { raw->exit_code_ = kRestartEnrolled; };
        mo.on_factory_reset = [raw = k.get()] { raw->exit_code_ = kRestartEnrolled; };
        mo.restart = [raw = k.get()] { raw->exit_code_ = kRestartEnrolled; };
        mo.on_self_test = [raw = k.get()](const drivers::SelfTestResult& r) {
            raw->note_device(r);
        };
        mo.device_alerts = [raw = k.get()] {
            std::lock_guard lock(raw->mu_);
            std::vector<drivers::SelfTestResult> out;
            for (const auto& r : raw->self_tests_)
                if (!r.ok()) out.push_back(r);
            return out;
        };
        if (k->jobs_)
            mo.region_download = [jobs = k->jobs_.get()] { return jobs->region_download_status(); };
        mo.update_state = [raw = k.get()] { return raw->update_state(); };
        mo.apply_settings = [raw = k.get()](const Config& s) {
            // The screen's keys only — exactly what settings.toml holds, read back the way a
            // restart reads them, so the two never differ. The session reads the config as it
            // goes: they take effect with the next touch (retention with the next purge; a new
            // camera or printer with the restart Maintenance::Options::restart asks for).
            Config& c = raw->options_.config;
            if (auto next = parse_config(settings_toml(s), c))
                c = std::move(next).value();
            else
                log::error("settings not applied: %s", next.error().message.c_str());
        };
        k->maintenance_ = std::make_unique<Maintenance>(std::move(mo));
        if (k->provisioning()) k->maintenance_->open_provisioning();
    }
    {
        // vmestectl status / retry / open311 map against the running kiosk; its own store
        // connection, opened on the control thread when first asked.
        auto store = std::make_shared<std::unique_ptr<AppealStore>>();
        auto control = ControlServer::start(
            cfg.data_dir, [raw = k.get(), store](const std::string& command) -> std::string {
                if (command == "retry") {
                    raw->wake_uploader();
                    return "ok";
                }
                if (command == "open311-reload") {
                    // `vmestectl open311 map` changed the file: the screens and the uploader
                    // take it now rather than at the next discovery.
                    if (!raw->open311_services_) return "not an Open311 region";
                    auto r = raw->open311_services_->reload(raw->options_.config.data_dir);
                    if (!r) return r.error().message;
                    if (raw->uploader_) raw->uploader_->expedite("open311 services");
                    return "ok";
                }
                // `vmestectl set-pin` ("set-pin ROLE PIN"; the PIN is never logged) and
                // `vmestectl unlock-pin` ("unlock-pin ROLE") while the kiosk runs, audited.
                const bool set_pin = command.rfind("set-pin ", 0) == 0;
                if (set_pin || command.rfind("unlock-pin ", 0) == 0) {
                    std::istringstream in(command.substr(set_pin ? 8 : 11));
                    std::string role, pin;
                    in >> role >> pin;
                    if (role != "staff" && role != "technician")
                        return "the role is staff or technician";
                    const Role r = role == "staff" ? Role::kStaff : Role::kTechnician;
                    auto a = MaintenanceAccess::open(raw->options_.config.data_dir, *raw->clock_,
                                                     raw->options_.pin_cost);
                    if (!a) return a.error().message;
                    if (auto done = set_pin ? a->set_pin(r, pin) : a->unlock(r); !done)
                        return done.error().message;
                    if (!*store)
                        if (auto s = AppealStore::open(raw->store_options()))
                            *store = std::move(*s);
                    if (*store)
                        (*store)->audit("vmestectl", set_pin ? "set-pin" : "unlock-pin", role, "",
                                        raw->clock_->unix_millis());
                    return "ok";
                }
                if (command != "status") return "unknown command";
                if (!*store) {
                    auto s = AppealStore::open(raw->store_options());
                    if (!s) return nlohmann::json{{"error", s.error().message}}.dump();
                    *store = std::move(s).value();
                }
                const sync::WorkerStatus w = raw->uploader_status();
                raw->refresh_update_state();
                const int64_t heartbeat_ms =
                    raw->jobs_ ? raw->jobs_->status().last_heartbeat_unix_ms : 0;
                const nlohmann::json live = {{"version", VMESTE_VERSION},
                                             {"started_unix_ms", raw->started_unix_ms_},
                                             {"last_heartbeat_unix_ms", heartbeat_ms},
                                             {"update", update_state_to_json(raw->update_state())},
                                             {"uploader",
                                              {{"delivered", w.delivered},
                                               {"failed_attempts", w.failed_attempts},
                                               {"last_error", w.last_error},
                                               {"last_success_unix_ms", w.last_success_unix_ms},
                                               {"next_attempt_unix_ms", w.next_attempt_unix_ms}}},
                                             {"config_problem", raw->options_.config_problem}};
                auto r = status_report(**store, raw->options_.config.data_dir, live.dump());
                return r ? *r : nlohmann::json{{"error", r.error().message}}.dump();
            });
        if (control)
            k->control_ = std::move(control).value();
        else
            log::warn("%s; vmestectl works on the data directory only",
                      control.error().message.c_str());
    }
    if (!map_file.empty()) {
        // No map is not a fault the citizen sees: the place step offers "here" and an address.
        auto map = MbTiles::open(map_file);
        if (map)
            k->tiles_ = std::make_unique<TileCache>(std::move(map).value(), k->options_.wake_ui);
        else
            log::warn("%s; the map is off", map.error().message.c_str());
        // A region pack's addresses (a raster map made elsewhere has none: typed text only).
        if (k->tiles_) {
            auto index = AddressIndex::open(map_file);
            if (index) {
                log::info("map: %ld addresses, %ld streets", (*index)->houses(),
                          (*index)->streets());
                k->addresses_ =
                    std::make_unique<AddressWorker>(std::move(index).value(), k->options_.wake_ui);
            } else if (index.error().code != ErrorCode::kNotFound) {
                log::warn("%s; addresses are typed only", index.error().message.c_str());
            }
        }
    }
    k->session_->set_map_available(k->tiles_ != nullptr);
    k->session_->set_addresses_available(k->addresses_ != nullptr);
    k->intake_thread_ = std::thread([raw = k.get()] { raw->intake_loop(); });
    return k;
}

Kiosk::~Kiosk() {
    control_.reset();  // first: it reads the kiosk
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    // The intake thread finishes the save in hand: an appeal the citizen already submitted is
    // committed before we exit.
    if (intake_thread_.joinable()) intake_thread_.join();
    if (uploader_) uploader_->stop();  // before jobs_: the worker runs their periodic jobs
    jobs_.reset();
    // Maintenance's worker uses the camera (the preview, the setup QR): it goes before the
    // visit workers, which own the camera and stop it.
    maintenance_.reset();
    visit_.reset();
    addresses_.reset();
}

void Kiosk::dispatch(const Intent& intent) {
    if (auto request = session_->apply(intent)) {
        std::lock_guard lock(mu_);
        to_save_.push_back(std::move(*request));
        ++in_flight_;
        cv_.notify_all();
    }
    run_effects();
}

void Kiosk::run_effects() {
    for (const Effect& e : session_->take_effects()) {
        if (e.kind == Effect::Kind::kSpeak) {
            if (speak_hook_) speak_hook_();
        } else if (e.kind == Effect::Kind::kSuggestAddress) {
            if (addresses_) addresses_->suggest(e.visit, e.data, e.x, e.y);
        } else if (e.kind == Effect::Kind::kNearestAddress) {
            if (addresses_) addresses_->nearest(e.visit, e.x, e.y);
        } else {
            visit_->run(e);
        }
    }
    visit_->want_camera(session_->state().screen == Screen::kPhotos || session_->scanning());
    visit_->want_scan(session_->scanning() ? session_->visit() : 0);
    session_->set_camera_status(visit_->camera_status());
    note_camera();
}

void Kiosk::note_camera() {
    using O = drivers::SelfTestResult::Outcome;
    const CameraStatus now = session_->camera_status();
    const bool failed = now == CameraStatus::kUnavailable, ready = now == CameraStatus::kReady;
    if (!(failed || ready) || now == camera_noted_) return;
    camera_noted_ = now;
    const auto cam = visit_->shared_camera();
    if (!cam) {
        note_device({O::kFailed, "camera", "selftest.camera.missing", {}, "no camera found"});
    } else if (failed) {
        const std::string why = cam->last_error();
        note_device({O::kFailed, "camera", "selftest.camera.no_frames", {cam->name()}, why});
    } else {
        note_device({O::kOk, "camera", "selftest.camera.streaming", {cam->name()}, ""});
    }
}

bool Kiosk::tick() {
    const bool changed = session_->tick();
    run_effects();
    return maintenance_->tick() | after_maintenance() || changed;
}

bool Kiosk::provisioning() const {
    return options_.config.require_enrolment && options_.config.adapter == "gateway" &&
           read_device_token(options_.config.data_dir).empty();
}

bool Kiosk::after_maintenance() {
    const bool active = maintenance_->active();
    const bool closed = maintenance_was_active_ && !active;
    maintenance_was_active_ = active;
    if (closed) session_->restart();  // the settings a technician changed, from a fresh visit
    return closed;
}

void Kiosk::open_maintenance() {
    if (session_->state().screen != Screen::kAttract) session_->apply({IntentKind::kCancel});
    run_effects();
    maintenance_->open_pin_pad();
}

bool Kiosk::pump() {
    std::deque<SaveResult> done;
    bool full = false;
    std::shared_ptr<const WorkCalendar> calendar;
    std::shared_ptr<const std::vector<sync::replies::Poll>> polls;
    std::optional<std::string> managed;
    {
        std::lock_guard lock(mu_);
        done.swap(saved_);
        full = store_full_;
        calendar.swap(new_calendar_);
        managed.swap(new_managed_);
        polls.swap(new_polls_);
    }
    if (calendar) session_->set_calendar(std::move(calendar));
    if (managed && apply_managed_config(options_.config, *managed))
        log::info("config: the gateway's settings applied");
    if (polls) session_->set_polls(std::move(polls));
    const bool region_changed = swap_region_pack();
    const bool room_changed = full != session_->state().store_full;
    session_->set_store_full(full);
    for (auto& r : done) {
        if (r.ok)
            session_->on_saved(r.receipt);
        else
            session_->on_save_failed(r.problem);
    }
    const bool visit_work = visit_->deliver(*session_) |
                            (addresses_ && addresses_->deliver(*session_)) | maintenance_->pump() |
                            after_maintenance();
    const CameraStatus camera = session_->camera_status();
    run_effects();
    return !done.empty() || room_changed || visit_work || region_changed ||
           camera != session_->camera_status();
}

bool Kiosk::swap_region_pack() {
    std::optional<RegionPackInfo> pack;
    {
        std::lock_guard lock(mu_);
        if (!new_region_) return false;
        // Between visits only: a citizen's map and typed address never change under them, and
        // staff's screens (the provisioning receipt reads the pack's name) are closed.
        if (session_->state().screen != Screen::kAttract || maintenance_->active()) return false;
        pack.swap(new_region_);
    }
    // A map file in the config is the technician's choice: the pack waits for a restart
    // without it (it is installed and active; `vmestectl region status` says so).
    if (!options_.config.map_file.empty()) return false;
    // The old pack's file is already gone from the directory (install_region_pack removed it):
    // its loader and index keep reading it until they let go here.
    auto map = MbTiles::open(pack->file);
    if (!map) {
        log::error("region pack %s: %s; the old map stays until a restart", pack->version.c_str(),
                   map.error().message.c_str());
        return false;
    }
    std::unique_ptr<AddressWorker> addresses;
    auto index = AddressIndex::open(pack->file);
    if (index)
        addresses = std::make_unique<AddressWorker>(std::move(index).value(), options_.wake_ui);
    else if (index.error().code != ErrorCode::kNotFound)
        log::warn("%s; addresses are typed only", index.error().message.c_str());
    addresses_ = std::move(addresses);
    tiles_ = std::make_unique<TileCache>(std::move(map).value(), options_.wake_ui);
    session_->set_map_available(true);
    session_->set_addresses_available(addresses_ != nullptr);
    maintenance_->set_region(pack->name + " " + pack->version, pack->addresses);
    log::info("region pack %s in use (%ld addresses)", pack->version.c_str(), pack->addresses);
    return true;
}

bool Kiosk::busy() const {
    std::lock_guard lock(mu_);
    return in_flight_ > 0;
}

sync::WorkerStatus Kiosk::uploader_status() const {
    return uploader_ ? uploader_->status() : sync::WorkerStatus{};
}

std::optional<UpdateState> Kiosk::update_state() const {
    std::lock_guard lock(mu_);
    return update_state_;
}

void Kiosk::refresh_update_state() {
    auto s = read_update_state(options_.config.update_state_file);
    std::lock_guard lock(mu_);
    update_state_ = std::move(s);
}

void Kiosk::wake_uploader() {
    if (uploader_) uploader_->wake();
}

void Kiosk::expedite(const std::string& name) {
    if (uploader_) uploader_->expedite(name);
}

void Kiosk::check_room() {
    const auto room = intake_store_->room_for_another();
    const bool full = !room && room.error().code == ErrorCode::kNoSpace;
    {
        std::lock_guard lock(mu_);
        if (full == store_full_) return;
        store_full_ = full;
    }
    if (full) log::warn("intake: no room for another appeal (%s)", room.error().message.c_str());
    if (options_.wake_ui) options_.wake_ui();
}

void Kiosk::intake_loop() {
    check_room();
    for (;;) {
        AcceptRequest next;
        {
            std::unique_lock lock(mu_);
            // Between saves: room for another appeal each minute (the uploader frees it),
            // retention at most hourly.
            if (!cv_.wait_for(lock, std::chrono::minutes(1),
                              [&] { return stop_ || !to_save_.empty(); })) {
                lock.unlock();
                check_room();
                if (clock_->unix_millis() - last_retention_run_ms_ >= 3'600'000) run_retention();
                continue;
            }
            if (to_save_.empty()) return;  // stop_ and nothing left to commit
            next = std::move(to_save_.front());
            to_save_.pop_front();
        }
        SaveResult r = save(std::move(next));
        {
            std::lock_guard lock(mu_);
            saved_.push_back(std::move(r));
            --in_flight_;
        }
        if (options_.wake_ui) options_.wake_ui();
        wake_uploader();
        check_room();
    }
}

void Kiosk::run_retention() {
    last_retention_run_ms_ = clock_->unix_millis();
    auto purged =
        intake_store_->purge_expired(clock_->unix_millis(), options_.config.retention_days);
    if (!purged)
        log::error("store: retention purge failed: %s", purged.error().message.c_str());
    else if (*purged > 0)
        log::info("store: purged personal data of %d delivered appeals", *purged);
    // Hourly, with the purge: fold the WAL back into the database so it never grows unbounded
    // between the automatic checkpoints of busy hours.
    if (auto r = intake_store_->checkpoint(); !r)
        log::warn("store: checkpoint: %s", r.error().message.c_str());
}

Kiosk::SaveResult Kiosk::save(AcceptRequest request) {
    SaveResult r;
    const Config& cfg = options_.config;
    // The session drew the receipt number (kept across its resubmits); 40 random bits make a
    // collision rare, and the UNIQUE constraint catches the rare one: then another is drawn.
    if (request.appeal.receipt_number.empty()) request.appeal.receipt_number = new_receipt_number();
    for (int tries = 0; tries < 5; ++tries) {
        if (tries > 0) request.appeal.receipt_number = new_receipt_number();
        auto ins = intake_store_->accept(request, clock_->unix_millis());
        if (ins) {
            r.ok = true;
            r.receipt = Receipt{request.appeal.receipt_number,
                                cfg.tracking_base() + "/" + request.appeal.receipt_number,
                                request.appeal.created_unix_ms,
                                {},
                                false,  // the session adds the answer date
                                request.appeal.kind == "appeal"};
            log::info("intake: appeal committed, receipt %s",
                      request.appeal.receipt_number.c_str());
            return r;
        }
        if (ins.error().code != ErrorCode::kConflict) {
            log::error("intake: not accepted: %s", ins.error().message.c_str());
            r.problem = ins.error().code == ErrorCode::kNoSpace ? SubmitProblem::kStoreFull
                                                                : SubmitProblem::kStorageFailed;
            return r;
        }
    }
    r.problem = SubmitProblem::kStorageFailed;
    return r;
}

}  // namespace vmeste::core
