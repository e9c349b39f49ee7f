// Maintenance: the staff and technician side of the terminal (issue #8), beside the citizen's
// Session and never mixed with it. Opened by a hidden gesture (the UI recognises it) onto a PIN
// pad; the PIN decides the role. Everything that touches the disk or hashes a PIN runs on its own
// worker thread with its own store connection; results come back through pump() on the UI thread.
// Two minutes without a touch close it. Every action is audited (who, what, when; no personal
// data: receipt numbers and counts at most).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "drivers/self_test.h"
#include "drivers/usb/usb_gate.h"
#include "kiosk/base/clock.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/config.h"
#include "kiosk/core/maintenance_access.h"
#include "kiosk/core/provisioning.h"
#include "kiosk/core/region_download.h"
#include "kiosk/core/region_pack.h"
#include "kiosk/core/update_state.h"
#include "sync/http.h"
#include "sync/open311_services.h"
#include "sync/outbox_worker.h"

namespace vmeste::core {

enum class MaintScreen {
    kClosed,
    kProvision,  // first boot: the serial, the enrolment code, then a restart enrolled
    kPin,
    kHome,
    kQueue,
    kDevices,
    kLog,
    kSettings,
    kAbout,
    kTouchTest,  // devices: a grid every cell of which must be touched
    kSetPin,     // technician: a new PIN for a role, typed twice
    kMapping     // technician, Open311 region: each category to one of the city's services
};
const char* maint_screen_name(MaintScreen s);

// A provisioning QR: "vmeste-enrol:CODE", or the gateway's enrolment URL
// "https://gateway/enrol?code=CODE". The code, or why not (a QR of another platform is refused:
// the terminal enrols only with the gateway it is configured for).
Result<std::string> provisioning_code_from_qr(std::string_view payload,
                                              std::string_view platform_url);

// A factory reset is asked for with this file in the data directory; the kiosk wipes the data
// directory at its next start (nothing is deleted under its open files).
inline constexpr const char* kFactoryResetMarker = "factory-reset";

enum class MaintIntentKind {
    kDigit,      // text = one digit of the PIN
    kBackspace,  // the last digit
    kSubmitPin,
    kSignInRole,         // the PIN pad: index = the Role whose PIN is typed (staff unless chosen)
    kOpen,               // index = MaintScreen (home's tiles)
    kBack,               // to home (from home: close)
    kRetryNow,           // the uploader looks at the queue now
    kReleaseQuarantine,  // every quarantined item back in the queue
    kClose,
    kTestCamera,    // devices: a frame and a still
    kTestPrinter,   // the status and a test page
    kTestNetwork,   // the gateway's health: reachable, TLS, round trip, clock
    kTestSpeaker,   // a phrase through the speaker (staff listen)
    kTouchCell,     // touch test: index = the cell touched
    kSettingsPage,  // settings: index = 0 (the citizens' screens) or 1 (the terminal)
    kEdit,          // settings: text = "site_address" | "site_coords": the keyboard opens
    kInsertText,    // the keyboard, while editing: text = what a key typed
    kDeleteText,    // the keyboard's backspace
    kEditDone,      // the edit is checked and kept in the draft (or said why not)
    kEditCancel,
    kChangePin,    // settings: index = the Role whose PIN is set (kSetPin screen)
    kUnlockPin,    // settings (technician): the staff PIN pad's lock and count cleared
    kReprovision,  // technician: enrol again with a new code (data kept)
    // Settings (technician): text = key, index = +1 / -1 (a switch flips either way)
    kAdjust,
    kSaveSettings,
    kExitToSystem,    // technician: the kiosk program ends (exit code 3; the unit does not restart)
    kEnrol,           // provisioning: send the code typed (kDigit, kBackspace edit it)
    kFactoryReset,    // technician: the first press arms it, a second within 10 s does it
    kExportUnsent,    // queue: every unsent appeal and action to the USB stick, encrypted
    kHidePassphrase,  // queue: "written down" — the export's passphrase leaves the screen
    kReprint,         // provisioning done: the receipt once more
    kStartKiosk,      // provisioning done: on to citizen mode (the service restarts it enrolled)
    // The Open311 mapping (technician): the categories, and the city's services to choose from.
    kMappingChoose,       // text = a category id (or "*", the fallback): its services listed
    kMappingSet,          // text = the service code chosen ("": the category's own entry goes)
    kMappingPage,         // index = +1 / -1: the next or previous page of the list on screen
    kMappingCoordinates,  // the server needs coordinates: flips
    kMappingRefresh,      // the services read again from the server (the draft's entries kept)
    kMappingSave,
    // About (technician): the newest region pack on the USB stick installed (region_pack.h).
    kLoadRegionPack,
};

// The settings, the PINs, the Open311 mapping, re-provisioning, leaving to the system and the
// factory reset: the technician's alone (the signed-in role is checked in the core).
bool technician_only(MaintIntentKind kind);

struct MaintIntent {
    MaintIntentKind kind;
    std::string text{};
    int index = -1;
};

// What the terminal is, for "about" (filled by the Kiosk).
struct AboutInfo {
    std::string version, device_id, site, store_path, config_file, config_problem;
    std::string serial, gateway;  // provisioning shows them
    std::string adapter;          // "gateway" or "open311" (the mapping is an Open311 screen)
    // The region pack's name and version and its addresses (region_pack.h); empty: no map.
    std::string region;
    long region_addresses = 0;
    int64_t started_unix_ms = 0;
};

struct QueueView {
    bool loaded = false;
    std::string error;
    QueueFigures figures;
    std::vector<AppealStore::QuarantinedItem> quarantined;
    std::vector<AppealStore::QueueItem> items;  // the first ones, for the list on screen
    uint64_t free_disk_bytes = 0;
    std::vector<LostReceipt> lost;  // receipts given that the store lost: staff follow up
    std::string path_blocked;       // what answers instead of the platform, if anything
    std::string store_error;        // why the store cannot record deliveries, if it cannot
    std::string delivery_paused;    // what in the terminal's settings stops delivery (a refused
                                    // key, a category mapped to no service), if anything
};

struct MaintState {
    MaintScreen screen = MaintScreen::kClosed;
    std::optional<Role> role;          // after the right PIN
    Role sign_in_role = Role::kStaff;  // the PIN pad: whose PIN is typed (each counts its own)
    size_t pin_digits = 0;             // how many were typed (the screen shows dots, never digits)
    bool checking = false;             // the PIN is being checked on the worker
    enum class PinMessage { kNone, kWrong, kLocked, kNoPin, kError } message = PinMessage::kNone;
    int attempts_left = 0;
    int64_t locked_until_ms = 0;
    QueueView queue;
    std::vector<drivers::SelfTestResult> device_results;  // the last result per device
    // Provisioning: the code typed (not secret once used, shown as typed), and how it went.
    std::string code;
    enum class Enrol { kTyping, kWorking, kFailed, kDone } enrol = Enrol::kTyping;
    std::string enrol_detail;  // kFailed: why; kDone: the device id
    // After the enrolment: what runs now ("platform", "devices", "receipt"), then the report.
    std::string provision_stage;
    std::optional<ProvisioningReport> report;
    bool receipt_printed = false;
    Millis reset_armed_until{0};  // factory reset: armed by the first press
    bool scanning = false;        // provisioning: the camera is read for a provisioning QR
    // Touch test: which cells were touched (kTouchCells of them, laid out by the screen).
    std::vector<bool> touched;
    bool camera_preview = false;  // devices: the camera streams while the screen is open
    Config settings;              // the technician's draft (settings screen)
    bool settings_dirty = false;
    int settings_page = 0;
    // Devices found when the settings opened (the camera and printer rows cycle through them).
    std::vector<std::string> camera_choices, printer_choices;
    // A text being typed on the settings screen: which, what so far, why it was not taken.
    std::string editing, edit_text, edit_error;
    // Setting a PIN: for whom, and whether the first entry is in (then it is typed again).
    Role pin_role = Role::kStaff;
    bool pin_confirming = false;
    bool reprovisioning = false;  // provisioning opened by a technician, not the first boot
    // The last export: the file and the one-time passphrase. The passphrase leaves the screen
    // (and memory) at the next touch or after kPassphraseShownMs, whichever is first: someone
    // passing behind the technician must not read it off an unattended screen.
    struct Export {
        std::string file, passphrase;  // passphrase: empty once hidden
        int appeals = 0, photos = 0, actions = 0;
        Millis hide_at{0};  // monotonic
    };
    std::optional<Export> exported;
    // The Open311 mapping being edited: the file's, changed in the draft until it is saved.
    struct Mapping {
        bool loaded = false;
        std::string error;  // the file could not be read, or the server could not be asked
        sync::Open311Services services;
        std::vector<sync::CategoryNames> categories;  // the catalogue's leaves, in its order
        std::string choosing;  // a category whose service is being chosen; "*": the fallback
        int page = 0;          // of the categories (kept while a service is chosen)
        int service_page = 0;  // of the services, while choosing
        bool dirty = false;
    } mapping;
    bool busy = false;   // an action runs on the worker
    std::string notice;  // what the last action did ("3 item(s) back in the queue")
};

class Maintenance {
  public:
    static constexpr int64_t kPassphraseShownMs = 60'000;
    struct Options {
        StoreOptions store;  // its own connection, opened on the worker
        std::string data_dir;
        const Clock* clock = nullptr;
        PinHashCost pin_cost = PinHashCost::kModerate;
        std::function<void()> wake_ui;
        std::function<void()> retry_now;  // wakes the uploader
        // A region pack from a USB stick is active (worker thread): the kiosk swaps it in once
        // maintenance closes.
        std::function<void(const RegionPackInfo&)> region_installed;
        std::function<sync::WorkerStatus()> uploader_status;  // any thread
        AboutInfo about;
        // Devices for the self-tests: the kiosk's own; a printer is opened from the spec when
        // none is given. The gateway for the network check.
        std::shared_ptr<drivers::Camera> camera;
        std::shared_ptr<drivers::PrinterTransport> printer;
        std::string printer_spec;
        std::shared_ptr<drivers::Speaker> speaker;
        std::string export_dir = "auto";  // config export_dir
        // usbguard on a terminal (drivers/usb/usb_gate.h): the export lets the sticks plugged in
        // through and blocks them again after. None: a stick mounted by other means is used.
        std::shared_ptr<drivers::UsbGate> usb_gate;
        std::chrono::milliseconds stick_mount_wait{15'000};  // a let-through stick's mount
        std::string platform_url;
        sync::TransportOptions transport;
        // The kiosk's config now, and applying the technician's settings to it (UI thread).
        std::function<Config()> current_config;
        std::function<void(const Config&)> apply_settings;
        std::function<void()> exit_to_system;                              // UI thread
        std::function<void(const drivers::SelfTestResult&)> on_self_test;  // worker thread
        // The devices' latest results that are not ok (a print that failed, the paper out): the
        // home screen shows them. UI thread.
        std::function<std::vector<drivers::SelfTestResult>()> device_alerts;
        // The region pack the gateway offered, on its way (any thread; none: no gateway).
        std::function<RegionDownload::Progress()> region_download;
        // The updater's record of the kiosk's package (update_state.h; any thread; none: none).
        std::function<std::optional<UpdateState>()> update_state;
        std::string serial;                      // provisioning: the machine's serial
        std::function<void()> on_provisioned;    // UI thread: restart enrolled
        std::function<void()> on_factory_reset;  // UI thread: restart to be wiped
        std::function<void()> restart;           // UI thread: a new camera or printer opens then
        // Worker thread: the technician saved the Open311 mapping (the uploader takes it).
        std::function<void()> on_open311_mapping_saved;
    };
    static constexpr int64_t kIdleCloseMs = 120'000;
    // The touch test's grid: 6 × 10 cells (180 × 192 px on a 1080 × 1920 panel: each larger than
    // a fingertip, so a dead strip of the panel shows as a cell that will not turn green).
    static constexpr int kTouchCols = 6, kTouchRows = 10, kTouchCells = kTouchCols * kTouchRows;

    explicit Maintenance(Options options);
    ~Maintenance();
    Maintenance(const Maintenance&) = delete;
    Maintenance& operator=(const Maintenance&) = delete;

    bool active() const { return state_.screen != MaintScreen::kClosed; }
    const MaintState& state() const { return state_; }
    const AboutInfo& about() const { return options_.about; }
    // UI thread, while maintenance is closed: the region pack now in use (name and version).
    void set_region(std::string region, long addresses) {
        options_.about.region = std::move(region);
        options_.about.region_addresses = addresses;
    }
    RegionDownload::Progress region_download() const {
        return options_.region_download ? options_.region_download() : RegionDownload::Progress{};
    }
    std::optional<UpdateState> update_state() const {
        return options_.update_state ? options_.update_state() : std::nullopt;
    }
    std::vector<drivers::SelfTestResult> device_alerts() const {
        return options_.device_alerts ? options_.device_alerts()
                                      : std::vector<drivers::SelfTestResult>{};
    }

    // UI thread: the hidden gesture was made: the PIN pad.
    void open_pin_pad();
    // UI thread, at start: the terminal is not enrolled; provisioning until it is.
    void open_provisioning();
    void apply(const MaintIntent& intent);
    // UI thread: finished work applied. True if anything changed.
    bool pump();
    // UI thread: closes after two minutes without a touch. True if it closed.
    bool tick();
    // Seconds until it closes by itself.
    int seconds_left() const;
    // The factory reset waits for its second press.
    bool reset_armed() const { return state_.reset_armed_until > clock_.monotonic(); }
    // The terminal's time (the screens count ages and locks with it).
    int64_t now_unix_ms() const { return clock_.unix_millis(); }
    Millis now_monotonic() const { return clock_.monotonic(); }

  private:
    void post(std::function<void(AppealStore*, MaintenanceAccess*)> job);
    void complete(std::function<void(MaintState&)> f);
    void loop();
    void close(const char* why);
    void load_queue();
    void self_test(MaintIntentKind which);
    drivers::SelfTestResult device_test(MaintIntentKind which, const std::string& page = "");
    void note_self_test(AppealStore* s, const std::string& actor, const drivers::SelfTestResult& r);
    void reprint_provisioning_receipt();
    int printer_columns() const {
        return options_.current_config ? options_.current_config().printer_columns : 48;
    }
    void start_preview();
    void open_settings();
    void edit_done();
    void set_pin_digit(const MaintIntent& intent);
    void show_pin_lock();
    void hide_passphrase();
    // Worker thread: the plain sticks usbguard holds back, let through for an export (their
    // ids); and blocked again after it. Each audited; a failure logged, the export goes on.
    std::vector<uint32_t> let_sticks_through(AppealStore* s, const std::string& actor, int64_t now);
    // Worker thread: the USB stick's mount point, waiting for the sticks just let through.
    Result<std::string> mounted_stick(const std::vector<uint32_t>& sticks);
    void block_sticks_again(const std::vector<uint32_t>& ids, AppealStore* s,
                            const std::string& actor, int64_t now);
    std::string new_pin_;  // UI thread: the first entry of a new PIN
    void leave_screen();   // what the screen being left had running (the preview, the touch test)
    void finish_touch_test(bool complete);
    void adjust(const MaintIntent& intent);
    // The Open311 mapping screen (maintenance_mapping.cpp).
    void open_mapping();
    void edit_mapping(const MaintIntent& intent);
    void provision(const MaintIntent& intent);
    void enrol(const std::string& code);
    void scan_for_provisioning_qr();
    std::atomic<bool> provisioning_scan_{false};  // the worker reads the camera while true
    int64_t scanned_sequence_ = 0;                // worker thread
    void audit(const std::string& action, const std::string& subject = "",
               const std::string& detail = "");

    Options options_;
    SystemClock system_clock_;
    const Clock& clock_;
    MaintState state_;
    std::string pin_;  // UI thread; wiped as soon as it leaves for the worker
    Millis last_touch_{0};

    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void(AppealStore*, MaintenanceAccess*)>> jobs_;
    std::deque<std::function<void(MaintState&)>> done_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace vmeste::core
