// Kiosk: the running core, everything the UI talks to. It owns the Session (UI thread), the intake
// thread that commits appeals to the store, and the uploader (sync::OutboxWorker). The UI thread
// never waits on disk or network: a save is queued to the intake thread and its result comes back
// through pump(), after wake_ui() told the UI loop to look.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "kiosk/base/clock.h"
#include "kiosk/base/result.h"
#include "kiosk/core/address_worker.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/catalog.h"
#include "kiosk/core/config.h"
#include "kiosk/core/control.h"
#include "kiosk/core/data_dir_lock.h"
#include "kiosk/core/maintenance.h"
#include "kiosk/core/map_tiles.h"
#include "kiosk/core/region_download.h"
#include "kiosk/core/session.h"
#include "kiosk/core/update_state.h"
#include "kiosk/core/visit_workers.h"
#include "sync/http.h"
#include "sync/outbox_worker.h"

namespace vmeste::core {

class Open311Snapshot;
class PlatformJobs;

// The device token enrolment stored in the data directory (empty when not enrolled), and the
// durable 0600 write of a new one.
std::string read_device_token(const std::string& data_dir);
// The machine's serial for enrolment: /etc/machine-id, else the host name.
std::string machine_serial();
// The id the gateway gave at enrolment ("DEV-000001"); empty before.
std::string read_device_id(const std::string& data_dir);
Result<void> store_device_id(const std::string& data_dir, const std::string& device_id);
Result<void> store_device_token(const std::string& data_dir, const std::string& token);

class Kiosk {
  public:
    struct Options {
        Config config;
        const Clock* clock = nullptr;   // defaults to the system clock
        std::function<void()> wake_ui;  // called from worker threads; must be thread-safe
        bool start_uploader = true;
        sync::TransportOptions transport{};
        FileOps* fs = nullptr;   // tests inject faults here; default: the real file system
        std::string sqlite_vfs;  // likewise for SQLite
        std::function<void()> uploader_alive;  // the watchdog's health gate (drivers/watchdog)
        // The config file did not parse (and what was used instead): shown to staff, reported in
        // the heartbeat. Empty when it was fine.
        std::string config_problem;
        // Devices for the tests; when null, opened from the config's specs.
        std::shared_ptr<drivers::Camera> camera;
        std::shared_ptr<drivers::PrinterTransport> printer;
        std::shared_ptr<drivers::Speaker> speaker;  // staff's speaker test; none: it fails
        drivers::PrintTimeouts print_timeouts{};    // tests shorten them
        std::chrono::milliseconds printer_check_every{60'000};
        PinHashCost pin_cost = PinHashCost::kModerate;  // tests: kTestsOnly
        // Where systemd put the service's credentials ($CREDENTIALS_DIRECTORY): the device key
        // it opened with the TPM is there when the key is sealed (kiosk/core/sealed_key.h).
        std::string credentials_dir;
        // usbguard, when the terminal has it: USB sticks only during an export (Maintenance).
        std::shared_ptr<drivers::UsbGate> usb_gate;
        // The region pack's download (tests: small chunks, a disk that is full).
        RegionDownload::Options region_download{};
    };

    static Result<std::unique_ptr<Kiosk>> start(Options options);
    ~Kiosk();

    Session& session() { return *session_; }
    const Session& session() const { return *session_; }
    const Config& config() const { return options_.config; }
    const Clock& clock() const { return *clock_; }
    const std::string& config_problem() const { return options_.config_problem; }

    // UI thread: apply a citizen's intent.
    void dispatch(const Intent& intent);
    // UI thread: take in finished saves. True if the session changed.
    bool pump();
    // UI thread: timers. True if the session changed.
    bool tick();
    // UI thread: called for each kSpeak effect (the UI knows the words in the citizen's language).
    void set_speak_hook(std::function<void()> hook) { speak_hook_ = std::move(hook); }
    const VisitWorkers& visit_workers() const { return *visit_; }
    // Staff and technicians (issue #8): separate from the citizen's session.
    Maintenance& maintenance() { return *maintenance_; }
    const Maintenance& maintenance() const { return *maintenance_; }
    // UI thread: the hidden gesture was made. A citizen's visit in progress is wiped first:
    // staff never see what a citizen typed.
    void open_maintenance();
    // The technician asked to leave the kiosk program: the exit code to end with (the UI loop
    // returns it; 3 = "a technician's exit", which the systemd unit does not restart).
    std::optional<int> exit_requested() const { return exit_code_; }
    static constexpr int kTechnicianExit = 3;
    // Enrolled on the provisioning screen: the service restarts the kiosk, which comes up with
    // its token (the uploader and the platform jobs are built with it at start).
    static constexpr int kRestartEnrolled = 4;
    // The terminal must be enrolled first (config require_enrolment, no token yet).
    bool provisioning() const;
    // The region's map (config map_file); null when there is none or it cannot be read.
    TileCache* map_tiles() { return tiles_.get(); }
    // The region pack's addresses (null: the map has none, or there is no map).
    const AddressWorker* addresses() const { return addresses_.get(); }
    // True while a save is in flight.
    bool busy() const;

    sync::WorkerStatus uploader_status() const;
    const RecoveryReport& recovery() const { return recovery_; }
    StoreOptions store_options() const;
    void wake_uploader();
    // Runs the uploader's periodic job `name` now (a rating or a vote the citizen just made).
    void expedite(const std::string& name);
    // Catalogue version, last heartbeat, commands run (empty when the adapter is not the gateway).
    std::optional<PlatformJobs*> platform_jobs() const {
        return jobs_ ? std::optional<PlatformJobs*>(jobs_.get()) : std::nullopt;
    }
    const std::string& store_path() const { return store_path_; }

  private:
    explicit Kiosk(Options options);
    void intake_loop();
    struct SaveResult {
        bool ok = false;
        Receipt receipt;
        SubmitProblem problem = SubmitProblem::kNone;
    };
    SaveResult save(AcceptRequest request);
    void run_retention();
    void check_room();  // intake thread
    // UI thread: a region pack the gateway delivered replaces the map and addresses, between
    // visits. True when it did.
    bool swap_region_pack();
    void run_effects();  // UI thread

    Options options_;
    // Held from the first step of start() to the last destructor: declared before every member
    // that touches the data directory, so it is released after them.
    std::unique_ptr<DataDirLock> data_dir_lock_;
    SystemClock system_clock_;
    const Clock* clock_;
    std::string store_path_;
    std::optional<DeviceKey> device_key_;  // from the credentials when the key is sealed
    RecoveryReport recovery_;
    int64_t last_retention_run_ms_ = 0;
    CategoryCatalog catalog_;  // before session_, which refers to it
    std::unique_ptr<Session> session_;
    // Open311 regions: the services file as the citizen's screens read it (never from disk on the
    // UI thread); the uploader's and maintenance's threads publish into it.
    std::shared_ptr<Open311Snapshot> open311_services_;
    std::unique_ptr<AppealStore> intake_store_;  // used only on the intake thread
    std::unique_ptr<PlatformJobs> jobs_;         // used on the uploader's thread only
    std::unique_ptr<sync::OutboxWorker> uploader_;
    std::unique_ptr<VisitWorkers> visit_;
    std::unique_ptr<Maintenance> maintenance_;
    std::unique_ptr<ControlServer> control_;  // vmestectl's way in
    std::optional<std::string> new_managed_;  // under mu_: the gateway's config, for pump()
    bool maintenance_was_active_ = false;     // UI thread
    std::optional<int> exit_code_;            // UI thread
    std::vector<drivers::SelfTestResult> self_tests_;  // under mu_: for the heartbeat
    // Any thread: the device's latest result (a self-test, a print, a printer check) replaces
    // its last one, for the heartbeat and the staff's home screen.
    void note_device(const drivers::SelfTestResult& r);
    // UI thread: the camera's state as the visit sees it, noted for staff and the heartbeat
    // when it changes (failed while wanted, streaming again).
    void note_camera();
    CameraStatus camera_noted_ = CameraStatus::kOff;
    bool after_maintenance();
    std::unique_ptr<TileCache> tiles_;
    std::unique_ptr<AddressWorker> addresses_;
    std::function<void()> speak_hook_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<AcceptRequest> to_save_;
    std::deque<SaveResult> saved_;
    int in_flight_ = 0;
    bool store_full_ = false;                           // under mu_
    std::shared_ptr<const WorkCalendar> new_calendar_;  // under mu_: from the gateway
    std::shared_ptr<const std::vector<sync::replies::Poll>> new_polls_;  // under mu_
    std::optional<RegionPackInfo> new_region_;  // under mu_: installed, not swapped in yet
    std::optional<UpdateState> update_state_;   // under mu_: the updater's record, last read
    int64_t started_unix_ms_ = 0;
    // Reads Config::update_state_file again (never on the UI thread: it is disk I/O).
    void refresh_update_state();
    // The updater's record as last read (any thread).
    std::optional<UpdateState> update_state() const;
    bool stop_ = false;
    std::thread intake_thread_;
};

}  // namespace vmeste::core
