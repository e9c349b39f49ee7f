#include "kiosk/core/maintenance.h"

#include <sodium.h>
#include "kiosk/base/local_time.h"

#include <sys/statvfs.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "image/qr_decode.h"
#include "kiosk/base/log.h"
#include "kiosk/base/utf8.h"
#include "kiosk/core/file_ops.h"
#include "kiosk/core/kiosk.h"
#include "kiosk/core/open311_setup.h"
#include "kiosk/core/platform_jobs.h"
#include "kiosk/core/unsent_export.h"
#include "sync/gateway_client.h"

namespace vmeste::core {

namespace {

// The last result per device.
void record_result(MaintState& st, drivers::SelfTestResult r) {
    std::erase_if(st.device_results, [&](const auto& x) { return x.device == r.device; });
    st.device_results.push_back(std::move(r));
}

}  // namespace

const char* maint_screen_name(MaintScreen s) {
    switch (s) {
        case MaintScreen::kClosed:
            return "closed";
        case MaintScreen::kProvision:
            return "provision";
        case MaintScreen::kPin:
            return "pin";
        case MaintScreen::kHome:
            return "home";
        case MaintScreen::kQueue:
            return "queue";
        case MaintScreen::kDevices:
            return "devices";
        case MaintScreen::kLog:
            return "log";
        case MaintScreen::kSettings:
            return "settings";
        case MaintScreen::kAbout:
            return "about";
        case MaintScreen::kTouchTest:
            return "touch-test";
        case MaintScreen::kSetPin:
            return "set-pin";
        case MaintScreen::kMapping:
            return "mapping";
    }
    return "?";
}

Maintenance::Maintenance(Options options)
    : options_(std::move(options)), clock_(options_.clock ? *options_.clock : system_clock_) {
    thread_ = std::thread([this] { loop(); });
}

Maintenance::~Maintenance() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void Maintenance::post(std::function<void(AppealStore*, MaintenanceAccess*)> job) {
    {
        std::lock_guard lock(mu_);
        jobs_.push_back(std::move(job));
    }
    cv_.notify_all();
}

void Maintenance::complete(std::function<void(MaintState&)> f) {
    {
        std::lock_guard lock(mu_);
        done_.push_back(std::move(f));
    }
    if (options_.wake_ui) options_.wake_ui();
}

void Maintenance::loop() {
    // The store and the PINs are opened here, on first use, never on the UI thread.
    std::unique_ptr<AppealStore> store;
    std::optional<MaintenanceAccess> access;
    for (;;) {
        std::function<void(AppealStore*, MaintenanceAccess*)> job;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
            if (stop_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        if (!store) {
            auto s = AppealStore::open(options_.store);
            if (s)
                store = std::move(s).value();
            else
                log::error("maintenance: store: %s", s.error().message.c_str());
        }
        if (!access) {
            auto a = MaintenanceAccess::open(options_.data_dir, clock_, options_.pin_cost);
            if (a)
                access = std::move(a).value();
            else
                log::error("maintenance: %s", a.error().message.c_str());
        }
        job(store.get(), access ? &*access : nullptr);
    }
}

bool Maintenance::pump() {
    std::deque<std::function<void(MaintState&)>> done;
    {
        std::lock_guard lock(mu_);
        done.swap(done_);
    }
    for (auto& f : done) f(state_);
    return !done.empty();
}

void Maintenance::audit(const std::string& action, const std::string& subject,
                        const std::string& detail) {
    const std::string actor = state_.role ? role_name(*state_.role) : "maintenance";
    const int64_t now = clock_.unix_millis();
    post([=](AppealStore* s, MaintenanceAccess*) {
        if (s) s->audit(actor, action, subject, detail, now);
    });
}

Result<std::string> Maintenance::mounted_stick(const std::vector<uint32_t>& sticks) {
    auto dir = export_directory(options_.export_dir);
    // The kernel takes a let-through stick and systemd mounts it in a second or two.
    const auto until = std::chrono::steady_clock::now() + options_.stick_mount_wait;
    while (!dir && !sticks.empty() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        dir = export_directory(options_.export_dir);
    }
    return dir;
}

std::vector<uint32_t> Maintenance::let_sticks_through(AppealStore* s, const std::string& actor,
                                                      int64_t now) {
    std::vector<uint32_t> ids;
    if (!options_.usb_gate) return ids;
    auto blocked = options_.usb_gate->blocked();
    if (!blocked) {
        log::warn("usb: %s", blocked.error().message.c_str());
        return ids;
    }
    for (const auto& d : *blocked) {
        // A stick that is also a keyboard or a network card stays out (usbguard's rules reject
        // most of those outright; this is the second lock).
        if (!d.plain_storage()) continue;
        if (auto r = options_.usb_gate->allow(d.id); !r) {
            log::warn("usb: %s", r.error().message.c_str());
            continue;
        }
        ids.push_back(d.id);
        log::info("usb: stick %s let through for the export", d.vid_pid.c_str());
        if (s) s->audit(actor, "usb-allow", d.vid_pid, d.name + " (for the export)", now);
    }
    return ids;
}

void Maintenance::block_sticks_again(const std::vector<uint32_t>& ids, AppealStore* s,
                                     const std::string& actor, int64_t now) {
    for (uint32_t id : ids) {
        auto r = options_.usb_gate->block(id);
        if (!r) log::warn("usb: %s", r.error().message.c_str());
        if (s)
            s->audit(actor, "usb-block", std::to_string(id),
                     r ? "after the export" : "FAILED: " + r.error().message, now);
    }
}

void Maintenance::open_pin_pad() {
    if (active()) return;
    state_ = MaintState{};
    state_.screen = MaintScreen::kPin;
    pin_.clear();
    last_touch_ = clock_.monotonic();
    show_pin_lock();
}

// Tells at once when the chosen role's pad is locked (the lock survives restarts).
void Maintenance::show_pin_lock() {
    const Role role = state_.sign_in_role;
    post([this, role](AppealStore*, MaintenanceAccess* a) {
        if (!a) return;
        if (auto until = a->locked_until(role))
            complete([until, role](MaintState& st) {
                if (st.screen != MaintScreen::kPin || st.sign_in_role != role) return;
                st.message = MaintState::PinMessage::kLocked;
                st.locked_until_ms = *until;
            });
    });
}

Result<std::string> provisioning_code_from_qr(std::string_view payload,
                                              std::string_view platform_url) {
    constexpr std::string_view kScheme = "vmeste-enrol:";
    std::string code;
    if (payload.starts_with(kScheme)) {
        code = std::string(payload.substr(kScheme.size()));
    } else if (const size_t q = payload.find("/enrol?code="); q != std::string_view::npos) {
        std::string_view origin = payload.substr(0, q);
        while (!platform_url.empty() && platform_url.back() == '/') platform_url.remove_suffix(1);
        if (origin != platform_url)
            return make_error(ErrorCode::kInvalidInput,
                              "a QR of another platform: " + std::string(origin));
        code = std::string(payload.substr(q + 12));
    } else {
        return make_error(ErrorCode::kInvalidInput, "not a provisioning QR");
    }
    const bool ok =
        code.size() >= 4 && code.size() <= 40 && std::all_of(code.begin(), code.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-';
        });
    if (!ok) return make_error(ErrorCode::kInvalidInput, "not a provisioning QR");
    return code;
}

void Maintenance::open_provisioning() {
    state_ = MaintState{};
    state_.screen = MaintScreen::kProvision;
    last_touch_ = clock_.monotonic();
    if (options_.camera) {
        state_.scanning = true;
        provisioning_scan_ = true;
        post([this](AppealStore*, MaintenanceAccess*) { scan_for_provisioning_qr(); });
    }
}

// On the worker: the camera's newest frame, about every 150 ms, until a provisioning QR is read
// or provisioning ends (other work waits at most one look).
void Maintenance::scan_for_provisioning_qr() {
    auto& camera = *options_.camera;
    if (!provisioning_scan_) {
        camera.stop();
        return;
    }
    if (camera.state() == drivers::CameraState::kStopped) camera.start();
    if (auto frame = camera.wait_frame(scanned_sequence_, Millis(150))) {
        scanned_sequence_ = frame->sequence;
        if (auto payload = image::decode_qr(frame->rgb)) {
            complete([this, p = *payload](MaintState& st) {
                if (st.screen != MaintScreen::kProvision ||
                    st.enrol == MaintState::Enrol::kWorking || st.enrol == MaintState::Enrol::kDone)
                    return;
                auto code = provisioning_code_from_qr(p, options_.platform_url);
                if (!code) {
                    st.enrol = MaintState::Enrol::kFailed;
                    st.enrol_detail = code.error().message;
                    return;
                }
                st.code = *code;
                enrol(*code);
            });
            std::this_thread::sleep_for(std::chrono::milliseconds(500));  // not the same QR at once
        }
    }
    post([this](AppealStore*, MaintenanceAccess*) { scan_for_provisioning_qr(); });
}

// The devices screen shows the camera's picture (started on the worker: opening a V4L2 device
// may take a while).
void Maintenance::start_preview() {
    if (!options_.camera || state_.camera_preview) return;
    state_.camera_preview = true;
    post([camera = options_.camera](AppealStore*, MaintenanceAccess*) { camera->start(); });
}

void Maintenance::hide_passphrase() {
    if (!state_.exported || state_.exported->passphrase.empty()) return;
    sodium_memzero(state_.exported->passphrase.data(), state_.exported->passphrase.size());
    state_.exported->passphrase.clear();
}

void Maintenance::leave_screen() {
    hide_passphrase();
    state_.exported.reset();  // the passphrase is shown once
    if (state_.camera_preview) {
        state_.camera_preview = false;
        auto camera = options_.camera;
        post([camera](AppealStore*, MaintenanceAccess*) { camera->stop(); });
    }
    if (state_.screen == MaintScreen::kTouchTest &&
        std::any_of(state_.touched.begin(), state_.touched.end(), [](bool t) { return t; }))
        finish_touch_test(false);
}

// A touch test left with cells untouched is a failure only if any was touched (someone tried):
// a glance at the screen and back is not a result.
void Maintenance::finish_touch_test(bool complete) {
    using O = drivers::SelfTestResult::Outcome;
    const auto missed = std::count(state_.touched.begin(), state_.touched.end(), false);
    drivers::SelfTestResult r =
        complete ? drivers::SelfTestResult{O::kOk,
                                           "touch",
                                           "selftest.touch.ok",
                                           {std::to_string(state_.touched.size())},
                                           ""}
                 : drivers::SelfTestResult{
                       O::kFailed, "touch", "selftest.touch.missed", {std::to_string(missed)}, ""};
    state_.touched.clear();
    if (complete) state_.screen = MaintScreen::kDevices;
    record_result(state_, r);
    const std::string actor = state_.role ? role_name(*state_.role) : "maintenance";
    post([this, actor, r](AppealStore* s, MaintenanceAccess*) { note_self_test(s, actor, r); });
    if (complete) start_preview();
}

void Maintenance::close(const char* why) {
    if (!active()) return;
    leave_screen();
    if (state_.role) audit("close", "", why);
    state_ = MaintState{};
    pin_.clear();
}

void Maintenance::load_queue() {
    // The figures on screen stay until the fresh ones come (no flicker on "send now").
    const std::string dir = options_.data_dir;
    post([this, dir](AppealStore* s, MaintenanceAccess*) {
        QueueView v;
        if (!s) {
            v.error = "store";
        } else if (auto f = s->queue_figures(); f) {
            v.figures = *f;
            if (auto q = s->quarantined(50)) v.quarantined = std::move(q).value();
            if (auto i = s->queue_items(30)) v.items = std::move(i).value();
            if (auto l = s->lost_receipts(50)) v.lost = std::move(l).value();
        } else {
            v.error = f.error().message;
        }
        struct statvfs fs {};
        if (statvfs(dir.c_str(), &fs) == 0)
            v.free_disk_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
        if (options_.uploader_status) {
            const sync::WorkerStatus w = options_.uploader_status();
            v.path_blocked = w.path_blocked;
            v.store_error = w.store_error;
            v.delivery_paused = w.config_problem;
        }
        v.loaded = true;
        complete([v = std::move(v)](MaintState& st) mutable { st.queue = std::move(v); });
    });
}

bool technician_only(MaintIntentKind k) {
    using K = MaintIntentKind;
    switch (k) {
        case K::kSettingsPage:
        case K::kEdit:
        case K::kInsertText:
        case K::kDeleteText:
        case K::kEditDone:
        case K::kEditCancel:
        case K::kChangePin:
        case K::kUnlockPin:
        case K::kReprovision:
        case K::kAdjust:
        case K::kSaveSettings:
        case K::kExitToSystem:
        case K::kFactoryReset:
        case K::kLoadRegionPack:
        case K::kMappingChoose:
        case K::kMappingSet:
        case K::kMappingPage:
        case K::kMappingCoordinates:
        case K::kMappingRefresh:
        case K::kMappingSave:
            return true;
        default:
            return false;
    }
}

void Maintenance::apply(const MaintIntent& intent) {
    if (!active()) return;
    last_touch_ = clock_.monotonic();
    using K = MaintIntentKind;
    // Any touch after an export takes its passphrase off the screen (issue #20, point 11).
    hide_passphrase();
    if (intent.kind == K::kHidePassphrase) return;
    if (state_.screen == MaintScreen::kProvision) {
        // A technician's re-provisioning can be left as it was (the first boot cannot).
        if (state_.reprovisioning && intent.kind == K::kBack &&
            state_.enrol != MaintState::Enrol::kWorking &&
            state_.enrol != MaintState::Enrol::kDone) {
            provisioning_scan_ = false;
            const Role role = *state_.role;
            state_ = MaintState{};
            state_.screen = MaintScreen::kHome;
            state_.role = role;
            return;
        }
        provision(intent);
        return;
    }
    if (state_.screen == MaintScreen::kPin) {
        switch (intent.kind) {
            case K::kDigit:
                if (state_.checking || pin_.size() >= kMaxPinDigits || intent.text.size() != 1 ||
                    intent.text[0] < '0' || intent.text[0] > '9')
                    return;
                pin_ += intent.text;
                state_.pin_digits = pin_.size();
                if (state_.message == MaintState::PinMessage::kWrong)
                    state_.message = MaintState::PinMessage::kNone;
                return;
            case K::kBackspace:
                if (!pin_.empty() && !state_.checking) pin_.pop_back();
                state_.pin_digits = pin_.size();
                return;
            case K::kSignInRole: {
                const auto role = static_cast<Role>(intent.index);
                if (state_.checking || (role != Role::kStaff && role != Role::kTechnician) ||
                    role == state_.sign_in_role)
                    return;
                state_.sign_in_role = role;
                pin_.clear();
                state_.pin_digits = 0;
                state_.message = MaintState::PinMessage::kNone;
                state_.locked_until_ms = 0;
                show_pin_lock();
                return;
            }
            case K::kSubmitPin: {
                const Role role = state_.sign_in_role;
                if (state_.checking || pin_.size() < min_pin_digits(role)) return;
                state_.checking = true;
                std::string pin = std::exchange(pin_, {});
                state_.pin_digits = 0;
                const int64_t now = clock_.unix_millis();
                post([this, role, pin, now](AppealStore* s, MaintenanceAccess* a) {
                    using R = MaintenanceAccess::Attempt::Result;
                    if (!a) {
                        complete([](MaintState& st) {
                            st.checking = false;
                            st.message = MaintState::PinMessage::kError;
                        });
                        return;
                    }
                    const auto r = a->try_pin(role, pin);
                    if (s && r.result == R::kWrong)
                        s->audit("maintenance", "pin-wrong", role_name(role),
                                 r.locked_until_ms ? "locked" : "", now);
                    if (s && r.result == R::kOk) s->audit(role_name(r.role), "open", "", "", now);
                    complete([r](MaintState& st) {
                        st.checking = false;
                        if (st.screen != MaintScreen::kPin || st.sign_in_role != r.role) return;
                        switch (r.result) {
                            case R::kOk:
                                st.role = r.role;
                                st.screen = MaintScreen::kHome;
                                st.message = MaintState::PinMessage::kNone;
                                break;
                            case R::kWrong:
                                st.message = r.locked_until_ms ? MaintState::PinMessage::kLocked
                                                               : MaintState::PinMessage::kWrong;
                                st.attempts_left = r.attempts_left;
                                st.locked_until_ms = r.locked_until_ms;
                                break;
                            case R::kLocked:
                                st.message = MaintState::PinMessage::kLocked;
                                st.locked_until_ms = r.locked_until_ms;
                                break;
                            case R::kNoPin:
                                st.message = MaintState::PinMessage::kNoPin;
                                break;
                            case R::kError:
                                st.message = MaintState::PinMessage::kError;
                                break;
                        }
                    });
                });
                return;
            }
            case K::kBack:
            case K::kClose:
                close("left the PIN pad");
                return;
            default:
                return;
        }
    }
    // Signed in. What only the technician may do is refused here for anyone else, whatever
    // screen the state says (not only by the buttons staff never see).
    if (technician_only(intent.kind) && state_.role != Role::kTechnician) {
        log::warn("maintenance: a technician's action refused to %s",
                  state_.role ? role_name(*state_.role) : "nobody");
        return;
    }
    switch (intent.kind) {
        case K::kOpen: {
            const auto to = static_cast<MaintScreen>(intent.index);
            if (to != MaintScreen::kQueue && to != MaintScreen::kAbout &&
                to != MaintScreen::kDevices && to != MaintScreen::kSettings &&
                to != MaintScreen::kLog && to != MaintScreen::kTouchTest &&
                to != MaintScreen::kMapping)
                return;
            // Settings and the Open311 mapping are the technician's.
            if ((to == MaintScreen::kSettings || to == MaintScreen::kMapping) &&
                state_.role != Role::kTechnician)
                return;
            if (to == MaintScreen::kMapping && options_.about.adapter != "open311") return;
            if (to == MaintScreen::kSettings) open_settings();
            if (to == MaintScreen::kMapping) open_mapping();
            leave_screen();
            state_.screen = to;
            state_.notice.clear();
            if (to == MaintScreen::kQueue) load_queue();
            if (to == MaintScreen::kTouchTest) state_.touched.assign(kTouchCells, false);
            if (to == MaintScreen::kDevices) start_preview();
            return;
        }
        case K::kBack:
            if (state_.screen == MaintScreen::kHome) {
                close("signed out");
                return;
            }
            if (!state_.editing.empty()) {  // Back while typing: the edit is dropped
                state_.editing.clear();
                return;
            }
            if (state_.screen == MaintScreen::kMapping && !state_.mapping.choosing.empty()) {
                state_.mapping.choosing.clear();  // back to the categories, nothing chosen
                return;
            }
            leave_screen();
            // The touch test is one of the devices' checks, a PIN one of the settings: back.
            state_.screen = state_.screen == MaintScreen::kTouchTest ? MaintScreen::kDevices
                            : state_.screen == MaintScreen::kSetPin  ? MaintScreen::kSettings
                                                                     : MaintScreen::kHome;
            if (state_.screen == MaintScreen::kDevices) start_preview();
            return;
        case K::kMappingChoose:
        case K::kMappingSet:
        case K::kMappingPage:
        case K::kMappingCoordinates:
        case K::kMappingRefresh:
        case K::kMappingSave:
            if (state_.screen == MaintScreen::kMapping) edit_mapping(intent);
            return;
        case K::kSettingsPage:
            if (state_.screen == MaintScreen::kSettings && state_.editing.empty())
                state_.settings_page = std::clamp(intent.index, 0, 1);
            return;
        case K::kEdit:
            if (state_.screen != MaintScreen::kSettings || state_.busy) return;
            if (intent.text == "site_address") {
                state_.edit_text = state_.settings.site_address;
            } else if (intent.text == "site_coords") {
                char buf[64];
                std::snprintf(buf, sizeof buf, "%.6f, %.6f", state_.settings.site_lat,
                              state_.settings.site_lon);
                state_.edit_text = state_.settings.site_lat == 0 && state_.settings.site_lon == 0
                                       ? std::string()
                                       : std::string(buf);
            } else {
                return;
            }
            state_.editing = intent.text;
            state_.edit_error.clear();
            return;
        case K::kInsertText:
            if (!state_.editing.empty() && state_.edit_text.size() + intent.text.size() <= 300) {
                state_.edit_text += intent.text;
                state_.edit_error.clear();
            }
            return;
        case K::kDeleteText:
            if (!state_.editing.empty()) utf8::pop_back(state_.edit_text);
            return;
        case K::kEditDone:
            if (!state_.editing.empty()) edit_done();
            return;
        case K::kEditCancel:
            state_.editing.clear();
            return;
        case K::kChangePin:
            if (state_.role != Role::kTechnician || state_.screen != MaintScreen::kSettings ||
                state_.busy ||
                (intent.index != static_cast<int>(Role::kStaff) &&
                 intent.index != static_cast<int>(Role::kTechnician)))
                return;
            state_.screen = MaintScreen::kSetPin;
            state_.pin_role = static_cast<Role>(intent.index);
            state_.pin_confirming = false;
            state_.pin_digits = 0;
            state_.notice.clear();
            pin_.clear();
            new_pin_.clear();
            return;
        case K::kUnlockPin: {
            if (state_.role != Role::kTechnician || state_.screen != MaintScreen::kSettings ||
                state_.busy)
                return;
            state_.busy = true;
            state_.notice.clear();
            const int64_t now = clock_.unix_millis();
            post([this, now](AppealStore* s, MaintenanceAccess* a) {
                Result<void> r = a ? a->unlock(Role::kStaff)
                                   : Result<void>(make_error(ErrorCode::kIo, "no PIN file"));
                if (s && r) s->audit("technician", "unlock-pin", "staff", "", now);
                if (!r) log::warn("unlock-pin: %s", r.error().message.c_str());
                complete([ok = bool(r)](MaintState& st) {
                    st.busy = false;
                    st.notice = ok ? "pin-unlocked" : "pin-failed";
                });
            });
            return;
        }
        case K::kDigit:
        case K::kBackspace:
        case K::kSubmitPin:
            if (state_.screen == MaintScreen::kSetPin) set_pin_digit(intent);
            return;
        case K::kReprovision:
            if (state_.role != Role::kTechnician || state_.busy) return;
            audit("reprovision", "", "opened");
            leave_screen();
            {
                const Role role = *state_.role;
                open_provisioning();
                state_.role = role;
                state_.reprovisioning = true;
            }
            return;
        case K::kTouchCell:
            if (state_.screen != MaintScreen::kTouchTest || intent.index < 0 ||
                intent.index >= static_cast<int>(state_.touched.size()))
                return;
            state_.touched[intent.index] = true;
            if (std::all_of(state_.touched.begin(), state_.touched.end(), [](bool t) { return t; }))
                finish_touch_test(true);
            return;
        case K::kClose:
            close("signed out");
            return;
        case K::kRetryNow:
            if (state_.screen != MaintScreen::kQueue) return;
            if (options_.retry_now) options_.retry_now();
            audit("retry-now", "outbox");
            state_.notice = "retry";
            load_queue();
            return;
        case K::kReleaseQuarantine: {
            if (state_.screen != MaintScreen::kQueue || state_.busy) return;
            state_.busy = true;
            const std::string actor = role_name(*state_.role);
            const int64_t now = clock_.unix_millis();
            post([this, actor, now](AppealStore* s, MaintenanceAccess*) {
                auto n = s ? s->release_quarantine(actor, now)
                           : Result<int>(make_error(ErrorCode::kIo, "no store"));
                complete([n = n ? *n : -1](MaintState& st) {
                    st.busy = false;
                    st.notice = n < 0 ? "release-failed" : "released:" + std::to_string(n);
                });
                if (n && *n > 0 && options_.retry_now) options_.retry_now();
            });
            load_queue();  // after the release: the worker runs jobs in order
            return;
        }
        case K::kExportUnsent: {
            if (state_.screen != MaintScreen::kQueue || state_.busy) return;
            state_.busy = true;
            state_.exported.reset();
            const std::string actor = role_name(*state_.role);
            const int64_t now = clock_.unix_millis();
            post([this, actor, now](AppealStore* s, MaintenanceAccess*) {
                const std::vector<uint32_t> sticks = let_sticks_through(s, actor, now);
                auto dir = mounted_stick(sticks);
                Result<UnsentExport> e =
                    dir ? (s ? export_unsent(*s, *dir, options_.about.device_id, now)
                             : Result<UnsentExport>(make_error(ErrorCode::kIo, "no store")))
                        : Result<UnsentExport>(dir.error());
                if (e) {
                    if (auto r = remember_export(options_.data_dir, *e); !r)
                        e = r.error();  // a reset must not trust an export it cannot remember
                }
                if (s)
                    s->audit(actor, "export-unsent",
                             e ? std::filesystem::path(e->file).filename().string() : "",
                             e ? std::to_string(e->appeals) + " appeal(s), " +
                                     std::to_string(e->actions) + " action(s)"
                               : e.error().message,
                             now);
                if (!e) log::warn("export: %s", e.error().message.c_str());
                block_sticks_again(sticks, s, actor, now);
                complete([this, e = std::move(e)](MaintState& st) {
                    st.busy = false;
                    if (!e) {
                        st.notice = e.error().code == ErrorCode::kNotFound &&
                                            e.error().message == "nothing is unsent"
                                        ? "export-nothing"
                                    : e.error().code == ErrorCode::kNotFound ? "export-no-stick"
                                                                             : "export-failed";
                        return;
                    }
                    st.notice = "exported";
                    st.exported = MaintState::Export{
                        e->file,   e->passphrase, e->appeals,
                        e->photos, e->actions,    clock_.monotonic() + Millis(kPassphraseShownMs)};
                });
            });
            return;
        }
        case K::kLoadRegionPack: {
            if (state_.screen != MaintScreen::kAbout || state_.busy) return;
            state_.busy = true;
            state_.notice.clear();
            const std::string actor = role_name(*state_.role);
            const int64_t now = clock_.unix_millis();
            post([this, actor, now](AppealStore* s, MaintenanceAccess*) {
                const std::vector<uint32_t> sticks = let_sticks_through(s, actor, now);
                auto dir = mounted_stick(sticks);
                Result<RegionPackInfo> done =
                    dir ? newest_region_pack(*dir) : Result<RegionPackInfo>(dir.error());
                const bool no_stick = !dir;
                const bool no_pack = dir && !done;
                if (done) done = install_region_pack(options_.data_dir, done->file);
                if (s)
                    s->audit(actor, "region-install", done ? done->version : "",
                             done ? done->summary() : done.error().message, now);
                if (!done) log::warn("region pack from USB: %s", done.error().message.c_str());
                block_sticks_again(sticks, s, actor, now);
                if (done && options_.region_installed) options_.region_installed(*done);
                complete([done = std::move(done), no_stick, no_pack](MaintState& st) {
                    st.busy = false;
                    // Why, in the screen's language (the details are in the log and audit).
                    st.notice = done       ? "region-installed:" + done->name + " " + done->version
                                : no_stick ? "region-no-stick"
                                : no_pack  ? "region-no-pack"
                                : done.error().code == ErrorCode::kConflict     ? "region-older"
                                : done.error().code == ErrorCode::kCorrupt      ? "region-corrupt"
                                : done.error().code == ErrorCode::kInvalidInput ? "region-no-sha256"
                                : done.error().code == ErrorCode::kNoSpace      ? "region-no-space"
                                                                                : "region-failed";
                });
            });
            return;
        }
        case K::kAdjust:
            if (state_.screen == MaintScreen::kSettings && !state_.busy) adjust(intent);
            return;
        case K::kFactoryReset: {
            if (state_.role != Role::kTechnician || state_.busy) return;
            const Millis now_mono = clock_.monotonic();
            if (now_mono >= state_.reset_armed_until) {
                state_.reset_armed_until = now_mono + Millis(10'000);
                state_.notice = "reset-armed";
                return;
            }
            state_.reset_armed_until = Millis(0);
            state_.busy = true;
            const int64_t now = clock_.unix_millis();
            // Never while something a citizen gave is not on the platform yet.
            // Unless all of it is on a stick the technician exported (kExportUnsent).
            post([this, now](AppealStore* s, MaintenanceAccess*) {
                int64_t unsent = -1;
                if (s) {
                    if (auto keys = s->unsent_keys())
                        unsent =
                            static_cast<int64_t>(not_exported(options_.data_dir, *keys).size());
                }
                Result<void> marked = make_error(ErrorCode::kConflict, "unsent");
                if (unsent == 0) {
                    s->audit("technician", "factory-reset", "", "", now);
                    marked = write_durably(posix_file_ops(), options_.data_dir, kFactoryResetMarker,
                                           "requested\n", 0600);
                }
                log::warn("factory reset %s (%lld unsent)", marked ? "requested" : "refused",
                          static_cast<long long>(unsent));
                complete([this, unsent, ok = bool(marked)](MaintState& st) {
                    st.busy = false;
                    st.notice = ok ? "reset" : "reset-refused:" + std::to_string(unsent);
                    if (ok && options_.on_factory_reset) options_.on_factory_reset();
                });
            });
            return;
        }
        case K::kExitToSystem: {
            if (state_.role != Role::kTechnician || state_.busy) return;
            state_.busy = true;
            const int64_t now = clock_.unix_millis();
            // Audited before the program ends.
            post([this, now](AppealStore* s, MaintenanceAccess*) {
                if (s) s->audit("technician", "exit-to-system", "", "", now);
                complete([this](MaintState& st) {
                    st.busy = false;
                    if (options_.exit_to_system) options_.exit_to_system();
                });
            });
            return;
        }
        case K::kSaveSettings: {
            if (state_.screen != MaintScreen::kSettings || state_.busy || !state_.settings_dirty)
                return;
            state_.busy = true;
            const Config draft = state_.settings;
            const std::string actor = role_name(*state_.role);
            const int64_t now = clock_.unix_millis();
            // settings.toml in the data dir (the config file may be read-only: /etc under the
            // unit's ProtectSystem), atomically; then the running kiosk takes them.
            post([this, draft, actor, now](AppealStore* s, MaintenanceAccess*) {
                auto w = write_durably(posix_file_ops(), options_.data_dir, "settings.toml",
                                       settings_toml(draft), 0644);
                if (s && w) s->audit(actor, "settings", "settings.toml", "", now);
                complete([this, draft, ok = bool(w)](MaintState& st) {
                    st.busy = false;
                    st.notice = ok ? "settings-saved" : "release-failed";
                    if (!ok) return;
                    st.settings_dirty = false;
                    const Config now = options_.current_config ? options_.current_config() : draft;
                    if (options_.apply_settings) options_.apply_settings(draft);
                    // A camera, a printer and the renderer are opened at start: the kiosk
                    // restarts to use the new.
                    if ((now.camera != draft.camera || now.printer != draft.printer ||
                         now.renderer != draft.renderer) &&
                        options_.restart) {
                        st.notice = "settings-restart";
                        options_.restart();
                    }
                });
            });
            return;
        }
        case K::kTestCamera:
        case K::kTestPrinter:
        case K::kTestNetwork:
        case K::kTestSpeaker:
            if (state_.screen != MaintScreen::kDevices || state_.busy) return;
            self_test(intent.kind);
            return;
        default:
            return;
    }
}

namespace {

// The gateway's health: reachable (and its TLS certificate accepted, when https), the round trip,
// and the terminal's clock against the gateway's Date header.
drivers::SelfTestResult network_self_test(const std::string& url, const sync::TransportOptions& t) {
    using O = drivers::SelfTestResult::Outcome;
    auto transport = sync::make_curl_transport(t);
    sync::HttpRequest req;
    req.method = "GET";
    req.url = url + "/api/v1/health";
    const auto start = std::chrono::steady_clock::now();
    auto resp = transport->send(req);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    if (!resp) {
        const std::string& e = resp.error().message;
        const bool tls = e.find("SSL") != std::string::npos ||
                         e.find("certificate") != std::string::npos ||
                         e.find("TLS") != std::string::npos;
        return {O::kFailed,
                "network",
                tls ? "selftest.network.tls" : "selftest.network.failed",
                {url},
                e};
    }
    if (resp->status != 200)
        return {O::kFailed,
                "network",
                "selftest.network.status",
                {url, std::to_string(resp->status)},
                ""};
    // RFC 9110 §6.6.1: the server's Date; the terminal's clock dates every appeal.
    if (const std::string* date = resp->header("date")) {
        std::tm tm{};
        if (strptime(date->c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
            const int64_t skew = static_cast<int64_t>(std::time(nullptr)) - timegm(&tm);
            if (skew > 60 || skew < -60)
                return {O::kWarning,
                        "network",
                        "selftest.network.clock",
                        {url, std::to_string(skew)},
                        *date};
        }
    }
    return {O::kOk, "network", "selftest.network.ok", {url, std::to_string(ms)}, ""};
}

}  // namespace

// On the worker: one device's check, on the kiosk's own devices (a printer is opened from its
// spec when the kiosk has none open). `page`: what the printer prints (a test page by default).
drivers::SelfTestResult Maintenance::device_test(MaintIntentKind which, const std::string& page) {
    using O = drivers::SelfTestResult::Outcome;
    if (which == MaintIntentKind::kTestCamera) {
        if (!options_.camera) return {O::kFailed, "camera", "selftest.camera.missing", {}, ""};
        const bool was_stopped = options_.camera->state() == drivers::CameraState::kStopped;
        auto r = drivers::camera_self_test(*options_.camera);
        if (was_stopped) options_.camera->stop();  // no light and CPU left on
        return r;
    }
    if (which == MaintIntentKind::kTestPrinter) {
        const std::string bytes =
            page.empty() ? drivers::printer_test_page(local_time::date_time(clock_.unix_millis()),
                                                      printer_columns())
                         : page;
        const std::string ok_key =
            page.empty() ? "selftest.printer.ok" : "selftest.printer.receipt";
        if (options_.printer) return drivers::print_checked(*options_.printer, bytes, ok_key);
        auto p = drivers::open_printer(options_.printer_spec);
        if (!p)
            return {O::kFailed,
                    "printer",
                    "selftest.printer.unavailable",
                    {options_.printer_spec},
                    p.error().message};
        return drivers::print_checked(**p, bytes, ok_key);
    }
    if (which == MaintIntentKind::kTestSpeaker) {
        if (!options_.speaker) return {O::kFailed, "speech", "selftest.speech.failed", {}, "none"};
        // Said in Russian, the terminal's first language (staff listen for the voice, not words).
        return drivers::speech_self_test(*options_.speaker, "ru");
    }
    return network_self_test(options_.platform_url, options_.transport);
}

void Maintenance::note_self_test(AppealStore* s, const std::string& actor,
                                 const drivers::SelfTestResult& r) {
    using O = drivers::SelfTestResult::Outcome;
    if (!r.technical.empty()) log::info("self-test %s: %s", r.device.c_str(), r.technical.c_str());
    if (options_.on_self_test) options_.on_self_test(r);
    if (s)
        s->audit(actor, "self-test", r.device,
                 r.outcome == O::kOk        ? "ok"
                 : r.outcome == O::kWarning ? "warning"
                                            : "failed",
                 clock_.unix_millis());
}

void Maintenance::self_test(MaintIntentKind which) {
    state_.busy = true;
    const std::string actor = role_name(*state_.role);
    post([this, which, actor](AppealStore* s, MaintenanceAccess*) {
        drivers::SelfTestResult r = device_test(which);
        note_self_test(s, actor, r);
        complete([r = std::move(r)](MaintState& st) mutable {
            st.busy = false;
            record_result(st, std::move(r));
        });
    });
}

// The technician's draft starts as the running config; the devices to choose from are looked
// for on the worker (opening /dev nodes is no work for the UI thread).
void Maintenance::open_settings() {
    state_.settings = options_.current_config ? options_.current_config() : Config{};
    state_.settings_dirty = false;
    state_.settings_page = 0;
    state_.editing.clear();
    const std::string camera = state_.settings.camera, printer = state_.settings.printer;
    post([this, camera, printer](AppealStore*, MaintenanceAccess*) {
        std::vector<std::string> cams{camera}, printers{printer};
        auto add = [](std::vector<std::string>& v, const std::string& x) {
            if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
        };
        add(cams, "auto");
        for (const auto& dev : drivers::discover_v4l2_cameras()) add(cams, "v4l2:" + dev);
        add(cams, "synthetic");
        for (const auto& p : drivers::discover_printers()) add(printers, p);
        add(printers, "none");
        complete([cams, printers](MaintState& st) {
            st.camera_choices = cams;
            st.printer_choices = printers;
        });
    });
}

// "55.7558, 37.6173" (a comma or spaces between; a decimal comma is not possible then): the
// terminal's place, within Russia's latitudes and longitudes.
static std::optional<std::pair<double, double>> parse_coordinates(const std::string& text) {
    std::string t = text;
    for (char& ch : t)
        if (ch == ',' || ch == ';') ch = ' ';
    char* end = nullptr;
    const double lat = std::strtod(t.c_str(), &end);
    if (end == t.c_str()) return std::nullopt;
    char* end2 = nullptr;
    const double lon = std::strtod(end, &end2);
    if (end2 == end) return std::nullopt;
    while (*end2 == ' ') ++end2;
    if (*end2 != '\0') return std::nullopt;
    if (lat < 41 || lat > 82 || lon < 19 || lon > 180) return std::nullopt;
    return std::pair{lat, lon};
}

void Maintenance::edit_done() {
    std::string text = state_.edit_text;
    while (!text.empty() && text.back() == ' ') text.pop_back();
    if (state_.editing == "site_address") {
        if (utf8::length(text) < 5) {
            state_.edit_error = "address";
            return;
        }
        state_.settings.site_address = text;
    } else {
        auto c = parse_coordinates(text);
        if (!c) {
            state_.edit_error = "coords";
            return;
        }
        state_.settings.site_lat = c->first;
        state_.settings.site_lon = c->second;
    }
    state_.editing.clear();
    state_.settings_dirty = true;
    state_.notice.clear();
}

// A new PIN: 4 (staff) or 6 (technician) to 12 digits, typed twice; hashed and stored on the
// worker, audited.
void Maintenance::set_pin_digit(const MaintIntent& intent) {
    using K = MaintIntentKind;
    if (state_.busy) return;
    if (intent.kind == K::kDigit) {
        if (pin_.size() >= kMaxPinDigits || intent.text.size() != 1 || intent.text[0] < '0' ||
            intent.text[0] > '9')
            return;
        pin_ += intent.text;
        state_.notice.clear();
    } else if (intent.kind == K::kBackspace) {
        if (!pin_.empty()) pin_.pop_back();
    } else if (pin_.size() >= min_pin_digits(state_.pin_role)) {
        if (!state_.pin_confirming) {
            new_pin_ = std::exchange(pin_, {});
            state_.pin_confirming = true;
        } else if (pin_ != new_pin_) {
            pin_.clear();
            new_pin_.clear();
            state_.pin_confirming = false;
            state_.notice = "pin-mismatch";
        } else {
            state_.busy = true;
            const Role role = state_.pin_role;
            const std::string pin = std::exchange(pin_, {});
            new_pin_.clear();
            const int64_t now = clock_.unix_millis();
            post([this, role, pin, now](AppealStore* s, MaintenanceAccess* a) {
                Result<void> r = a ? a->set_pin(role, pin)
                                   : Result<void>(make_error(ErrorCode::kIo, "no PIN file"));
                if (s && r) s->audit("technician", "set-pin", role_name(role), "", now);
                if (!r) log::warn("set-pin: %s", r.error().message.c_str());
                complete([ok = bool(r)](MaintState& st) {
                    st.busy = false;
                    st.pin_confirming = false;
                    st.notice = ok ? "pin-set" : "pin-failed";
                    if (ok) st.screen = MaintScreen::kSettings;
                });
            });
        }
    }
    state_.pin_digits = pin_.size();
}

void Maintenance::adjust(const MaintIntent& intent) {
    Config& c = state_.settings;
    const int d = intent.index >= 0 ? 1 : -1;
    auto step = [&](int& v, int by, int lo, int hi) { v = std::clamp(v + d * by, lo, hi); };
    const std::string& k = intent.text;
    if (k == "idle_timeout_s")
        step(c.idle_timeout_s, 10, 30, 600);
    else if (k == "max_photos")
        step(c.max_photos, 1, 0, 10);
    else if (k == "similar_radius_m")
        step(c.similar_radius_m, 50, 0, 2000);
    else if (k == "retention_days")
        step(c.retention_days, 1, 0, 30);
    else if (k == "language")
        c.default_language = c.default_language == Language::kRu ? Language::kEn : Language::kRu;
    else if (bool* flag = k == "voice_prompts"        ? &c.voice_prompts
                          : k == "auto_print_receipt" ? &c.auto_print_receipt
                          : k == "languages"          ? &c.english_offered
                          : k == "large_text"         ? &c.large_text
                          : k == "high_contrast"      ? &c.high_contrast
                          : k == "lower_screen"       ? &c.lower_screen
                                                      : nullptr)
        *flag = !*flag;
    else if (k == "camera" || k == "printer") {
        // The next device found (the list starts with the one in use).
        const auto& choices = k == "camera" ? state_.camera_choices : state_.printer_choices;
        std::string& v = k == "camera" ? c.camera : c.printer;
        if (choices.empty()) return;
        auto it = std::find(choices.begin(), choices.end(), v);
        const long n = static_cast<long>(choices.size());
        long i = it == choices.end() ? 0 : (it - choices.begin() + d + n) % n;
        v = choices[static_cast<size_t>(i)];
    } else if (k == "printer_columns") {
        // 48 → 42 → 32 → 48 (the widths receipt printers come in).
        static constexpr int kWidths[] = {48, 42, 32};
        const auto* it = std::find(std::begin(kWidths), std::end(kWidths), c.printer_columns);
        const long i = it == std::end(kWidths) ? 0 : (it - std::begin(kWidths) + d + 3) % 3;
        c.printer_columns = kWidths[i];
    } else if (k == "renderer") {
        c.renderer = c.renderer == "software" ? "opengl" : "software";
    } else
        return;
    if (!c.english_offered) c.default_language = Language::kRu;
    state_.settings_dirty = true;
    state_.notice.clear();
}

void Maintenance::provision(const MaintIntent& intent) {
    using E = MaintState::Enrol;
    if (state_.enrol == E::kDone) {
        if (intent.kind == MaintIntentKind::kReprint) reprint_provisioning_receipt();
        if (intent.kind == MaintIntentKind::kStartKiosk && !state_.busy && options_.on_provisioned)
            options_.on_provisioned();
        return;
    }
    if (state_.enrol == E::kWorking) return;
    switch (intent.kind) {
        case MaintIntentKind::kDigit:
            if (state_.code.size() < 16 && intent.text.size() == 1 && intent.text[0] >= '0' &&
                intent.text[0] <= '9') {
                // "7700-1234": a dash after every four digits, as the code is printed.
                if (state_.code.size() % 5 == 4) state_.code += '-';
                state_.code += intent.text;
                state_.enrol = E::kTyping;
            }
            return;
        case MaintIntentKind::kBackspace:
            if (!state_.code.empty()) state_.code.pop_back();
            if (!state_.code.empty() && state_.code.back() == '-') state_.code.pop_back();
            return;
        case MaintIntentKind::kEnrol:
            if (state_.code.size() >= 4) enrol(state_.code);
            return;
        default:
            return;
    }
}

// The whole first boot on the worker: the code for the token, then the platform's documents,
// the device checks and the printed receipt; the screen follows each stage. The terminal goes to
// citizen mode when the technician has read the results (kStartKiosk).
void Maintenance::enrol(const std::string& code) {
    state_.enrol = MaintState::Enrol::kWorking;
    state_.provision_stage = "enrol";
    const Config settings = options_.current_config ? options_.current_config() : Config{};
    post([this, code, settings](AppealStore* s, MaintenanceAccess*) {
        sync::GatewayClient gw(sync::GatewayConfig{options_.platform_url, ""},
                               sync::make_curl_transport(options_.transport));
        auto e = gw.enrol(code, options_.serial, options_.about.version);
        Result<void> stored;
        if (e) stored = store_device_id(options_.data_dir, e->device_id);
        if (e && stored) stored = store_device_token(options_.data_dir, e->token);
        const bool ok = e && stored;
        if (!ok) {
            const std::string detail = (e ? stored.error() : e.error()).message;
            log::warn("provisioning: %s", detail.c_str());
            complete([detail](MaintState& st) {
                st.enrol = MaintState::Enrol::kFailed;
                st.enrol_detail = detail;
                st.provision_stage.clear();
            });
            return;
        }
        if (s) s->audit("provisioning", "enrol", e->device_id, "", clock_.unix_millis());
        if (!e->site_name.empty() || e->lat != 0 || e->lon != 0) {
            // The platform's register says where the terminal stands: "here" on the place step
            // from the next start (the technician can correct it in the settings).
            Config c = settings;
            if (!e->site_name.empty()) c.site_address = e->site_name;
            if (e->lat != 0 || e->lon != 0) {
                c.site_lat = e->lat;
                c.site_lon = e->lon;
            }
            if (auto w = write_durably(posix_file_ops(), options_.data_dir, "settings.toml",
                                       settings_toml(c), 0644);
                !w)
                log::warn("provisioning: the site is not kept: %s", w.error().message.c_str());
        }
        provisioning_scan_ = false;  // the camera stops with the next look
        auto stage = [this](const char* name) {
            complete([name](MaintState& st) {
                st.provision_stage = name;
                st.scanning = false;
            });
        };
        ProvisioningReport report{e->device_id,
                                  e->site_name,
                                  options_.platform_url,
                                  options_.serial,
                                  local_time::date_time(clock_.unix_millis()),
                                  {},
                                  {}};
        if (!options_.about.region.empty())
            report.region = options_.about.region + ", " +
                            std::to_string(options_.about.region_addresses) + " addresses";
        stage("platform");
        report.platform = fetch_platform_documents(options_.store, options_.platform_url, e->token,
                                                   options_.transport);
        if (options_.current_config) {
            const Config cfg = options_.current_config();
            if (cfg.adapter == "open311") {
                auto transport = sync::make_curl_transport(options_.transport);
                const CategoryCatalog catalogue =
                    PlatformJobs::load_synced_catalogue(options_.data_dir)
                        .value_or(CategoryCatalog::bundled());
                for (auto& step : provision_open311(cfg, catalogue, *transport,
                                                    clock_.unix_millis(), &report.open311_mapping))
                    report.platform.push_back(std::move(step));
            }
        }
        stage("devices");
        for (auto which : {MaintIntentKind::kTestCamera, MaintIntentKind::kTestNetwork}) {
            report.devices.push_back(device_test(which));
            note_self_test(s, "provisioning", report.devices.back());
        }
        // The receipt is the printer's test: its status is checked around it.
        stage("receipt");
        auto printed = device_test(MaintIntentKind::kTestPrinter,
                                   provisioning_receipt(report, printer_columns()));
        note_self_test(s, "provisioning", printed);
        const bool receipt_ok = printed.outcome != drivers::SelfTestResult::Outcome::kFailed;
        report.devices.push_back(std::move(printed));
        if (s)
            s->audit("provisioning", "provisioned", e->device_id, report.ok() ? "ok" : "failures",
                     clock_.unix_millis());
        log::info("provisioning: %s enrolled, %s", e->device_id.c_str(),
                  report.ok() ? "every check passed" : "with failures");
        complete([report = std::move(report), receipt_ok](MaintState& st) mutable {
            st.enrol = MaintState::Enrol::kDone;
            st.enrol_detail = report.device_id;
            st.provision_stage.clear();
            st.receipt_printed = receipt_ok;
            st.device_results = report.devices;
            st.report = std::move(report);
        });
    });
}

void Maintenance::reprint_provisioning_receipt() {
    if (!state_.report || state_.busy) return;
    state_.busy = true;
    ProvisioningReport report = *state_.report;
    post([this, report](AppealStore* s, MaintenanceAccess*) {
        auto r = device_test(MaintIntentKind::kTestPrinter,
                             provisioning_receipt(report, printer_columns()));
        note_self_test(s, "provisioning", r);
        complete([r = std::move(r)](MaintState& st) mutable {
            st.busy = false;
            st.receipt_printed = r.outcome != drivers::SelfTestResult::Outcome::kFailed;
            if (st.report) {
                std::erase_if(st.report->devices,
                              [](const auto& x) { return x.device == "printer"; });
                st.report->devices.push_back(r);
            }
            record_result(st, std::move(r));
        });
    });
}

bool Maintenance::tick() {
    // The first boot waits as long as it takes; a technician's re-provisioning does not keep the
    // terminal from citizens if they walk away: left typing, it closes (the old enrolment
    // stands); left on the results, the kiosk starts with the new one.
    if (!active()) return false;
    if (state_.exported && !state_.exported->passphrase.empty() &&
        clock_.monotonic() >= state_.exported->hide_at) {
        hide_passphrase();
        return true;
    }
    if (state_.screen == MaintScreen::kProvision && !state_.reprovisioning) return false;
    if (clock_.monotonic() - last_touch_ < Millis(kIdleCloseMs)) return false;
    if (state_.screen == MaintScreen::kProvision) {
        if (state_.enrol == MaintState::Enrol::kWorking) return false;
        if (state_.enrol == MaintState::Enrol::kDone) {
            if (options_.on_provisioned && !state_.busy) options_.on_provisioned();
            return false;
        }
        provisioning_scan_ = false;
    }
    close("two minutes without a touch");
    return true;
}

int Maintenance::seconds_left() const {
    const int64_t left = kIdleCloseMs - (clock_.monotonic() - last_touch_).count();
    return static_cast<int>(std::max<int64_t>(0, (left + 999) / 1000));
}

}  // namespace vmeste::core
