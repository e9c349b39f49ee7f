#include "kiosk/core/visit_workers.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "image/jpeg.h"
#include "image/photo.h"
#include "image/qr_decode.h"
#include "kiosk/base/log.h"
#include "kiosk/core/open311_setup.h"
#include "sync/gateway_client.h"
#include "sync/handoff.h"

namespace vmeste::core {

namespace {

// How long a citizen waits for the platform's word on a vote or a +1 before the screen says
// "saved, it will be sent".
constexpr int kActionWaitMs = 6000;

// The "thumbnail" of a draft is what the photo screen shows large: 960 px keeps a blur touch
// precise on a 1080-px screen and decodes in a few milliseconds.
image::PhotoOptions preview_options() {
    image::PhotoOptions o;
    o.thumbnail_long_side = 960;
    return o;
}

}  // namespace

VisitWorkers::VisitWorkers(Options options)
    : options_(std::move(options)),
      clock_(options_.clock ? *options_.clock : system_clock_),
      camera_(std::move(options_.camera)) {
    if (!camera_ && options_.config.max_photos > 0) {
        // The camera's own frame clock is the system's: preview frames are real time even when
        // a test drives the session's clock by hand.
        auto cam = drivers::open_camera(options_.config.camera, system_clock_);
        if (cam) {
            camera_ = std::move(cam).value();
        } else {
            camera_error_ = cam.error().message;
            log::warn("camera: %s", camera_error_.c_str());
        }
    }
    media_thread_ = std::thread([this] { media_loop(); });
    handoff_thread_ = std::thread([this] { handoff_loop(); });
    if (printer_configured() && options_.printer_check_every.count() > 0)
        post([this] { periodic_printer_check(); }, std::chrono::milliseconds(2'000));
}

VisitWorkers::~VisitWorkers() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    media_thread_.join();
    handoff_thread_.join();
    if (camera_) camera_->stop();
}

void VisitWorkers::post(std::function<void()> job, std::chrono::milliseconds delay) {
    {
        std::lock_guard lock(mu_);
        Job j{std::chrono::steady_clock::now() + delay, std::move(job)};
        // In due order; equal times keep the order they were posted in.
        auto at =
            std::upper_bound(jobs_.begin(), jobs_.end(), j.due,
                             [](const auto& due, const Job& other) { return due < other.due; });
        jobs_.insert(at, std::move(j));
    }
    cv_.notify_all();
}

void VisitWorkers::complete(std::function<void(Session&)> f) {
    {
        std::lock_guard lock(mu_);
        done_.push_back(std::move(f));
    }
    if (options_.wake_ui) options_.wake_ui();
}

bool VisitWorkers::deliver(Session& session) {
    std::deque<std::function<void(Session&)>> done;
    {
        std::lock_guard lock(mu_);
        done.swap(done_);
    }
    for (auto& f : done) f(session);
    return !done.empty();
}

void VisitWorkers::media_loop() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mu_);
            for (;;) {
                if (stop_) return;
                if (!jobs_.empty() && jobs_.front().due <= std::chrono::steady_clock::now()) break;
                if (jobs_.empty())
                    cv_.wait(lock);
                else
                    cv_.wait_until(lock, jobs_.front().due);
            }
            job = std::move(jobs_.front().run);
            jobs_.pop_front();
        }
        job();
    }
}

void VisitWorkers::want_camera(bool on) {
    if (!camera_ || on == camera_wanted_) return;
    camera_wanted_ = on;
    // Starting and stopping join the camera's thread: on the worker, never on the UI thread.
    drivers::Camera* cam = camera_.get();
    ++camera_switches_pending_;
    post([cam, on, this] {
        if (on)
            cam->start(1280, 720);
        else
            cam->stop();
        --camera_switches_pending_;
        if (options_.wake_ui) options_.wake_ui();
    });
}

CameraStatus VisitWorkers::camera_status() const {
    if (!camera_) return CameraStatus::kUnavailable;
    if (!camera_wanted_) return CameraStatus::kOff;
    // A photo may be asked for only once the start asked for now has run: a capture posted
    // behind a stop and a start would otherwise find the camera still starting.
    if (camera_switches_pending_ > 0) return CameraStatus::kStarting;
    switch (camera_->state()) {
        case drivers::CameraState::kStreaming:
            return CameraStatus::kReady;
        case drivers::CameraState::kStopped:
        case drivers::CameraState::kStarting:
            return CameraStatus::kStarting;
        case drivers::CameraState::kDisconnected:
        case drivers::CameraState::kFailed:
            return CameraStatus::kUnavailable;
    }
    return CameraStatus::kUnavailable;
}

std::string VisitWorkers::printer_name() const {
    return options_.printer ? options_.printer->describe() : options_.config.printer;
}

bool VisitWorkers::printer_configured() const {
    return options_.printer || options_.config.printer != "none";
}

void VisitWorkers::run(const Effect& e) {
    switch (e.kind) {
        case Effect::Kind::kCapture:
            post([this, visit = e.visit] { capture(visit); });
            break;
        case Effect::Kind::kBlur:
            post([this, e] { blur(e); });
            break;
        case Effect::Kind::kPrint:
            post([this, e] { print(e); });
            break;
        case Effect::Kind::kCheckPrinter:
            if (printer_configured()) post([this, visit = e.visit] { check_printer(visit); });
            break;
        case Effect::Kind::kHandoffStart: {
            std::lock_guard lock(mu_);
            handoff_visit_ = e.visit;
            ++handoff_generation_;
            cv_.notify_all();
            break;
        }
        case Effect::Kind::kHandoffCancel: {
            std::lock_guard lock(mu_);
            handoff_visit_ = 0;
            ++handoff_generation_;
            cv_.notify_all();
            break;
        }
        case Effect::Kind::kLookup:
            post([this, e] { lookup(e); });
            break;
        case Effect::Kind::kSaveRating:
            post([this, e] { save_rating(e); });
            break;
        case Effect::Kind::kSaveAction:
            post([this, e] { save_action(e); });
            break;
        case Effect::Kind::kFindSimilar:
            post([this, e] { find_similar(e); });
            break;
        case Effect::Kind::kSpeak:
        case Effect::Kind::kSuggestAddress:  // the Kiosk's address worker
        case Effect::Kind::kNearestAddress:
            break;
    }
}

void VisitWorkers::lookup(const Effect& e) {
    const std::string& receipt = e.data;
    StatusResult r;
    r.receipt_number = receipt;
    auto done = [&](StatusCheck::State s) {
        complete([v = e.visit, s, r](Session& session) mutable {
            session.on_lookup(v, s, std::move(r));
        });
    };
    if (options_.config.adapter == "gateway") {
        sync::GatewayClient gateway(
            sync::GatewayConfig{options_.config.platform_url, options_.device_token},
            sync::make_curl_transport(options_.transport));
        auto got = gateway.lookup(receipt);
        if (got) {
            // Made here: the receipt's date counts from this kiosk's moment, as it did.
            if (auto own = store() ? store()->find_receipt(receipt)
                                   : Result<std::optional<ReceiptRecord>>(std::nullopt);
                own && *own)
                r.created_unix_ms = (*own)->created_unix_ms;
            r.status = got->status;
            r.category = got->category;
            r.organisation = got->organisation;
            r.answer_by_unix_ms = got->expected_answer_by_ms;
            r.history = got->history;
            r.answer = got->answer;
            return done(StatusCheck::State::kFound);
        }
        if (got.error().code == ErrorCode::kNotFound) {
            // The platform does not know it — but it may be still on its way from this kiosk.
            log::info("status: %s unknown to the platform", receipt.c_str());
        } else {
            log::warn("status: %s", got.error().message.c_str());
            r.offline = true;
        }
    } else {
        r.offline = true;
    }
    // What this kiosk's own store remembers (only appeals taken here).
    auto rec = store() ? store()->find_receipt(receipt)
                       : Result<std::optional<ReceiptRecord>>(std::nullopt);
    if (rec && *rec && options_.config.adapter == "open311" && !(*rec)->platform_id.empty()) {
        // An Open311 city knows requests by its own id, which the kiosk kept: the status and
        // the city's notes (its answer) come from the server itself.
        sync::Open311Client city(open311_config(options_.config, {}),
                                 sync::make_curl_transport(options_.transport));
        if (auto got = city.request((*rec)->platform_id)) {
            r.offline = false;
            r.status = got->status == "closed" ? "answered" : (*rec)->status;
            r.category = (*rec)->category_id;
            r.answer = got->status_notes;
            r.history = {{"queued", (*rec)->created_unix_ms}};
            r.created_unix_ms = (*rec)->created_unix_ms;
            return done(StatusCheck::State::kFound);
        } else {
            log::warn("status: %s", got.error().message.c_str());
        }
    }
    if (rec && *rec) {
        r.status = (*rec)->status;
        r.category = (*rec)->category_id;
        r.history = {{"queued", (*rec)->created_unix_ms}};
        r.created_unix_ms = (*rec)->created_unix_ms;
        return done(StatusCheck::State::kFound);
    }
    done(options_.config.adapter == "gateway" ? StatusCheck::State::kNotFound
                                              : StatusCheck::State::kNoConnection);
}

AppealStore* VisitWorkers::store() {
    if (!store_) {
        auto s = AppealStore::open(options_.store);
        if (s)
            store_ = std::move(s).value();
        else
            log::error("visit: store: %s", s.error().message.c_str());
    }
    return store_.get();
}

void VisitWorkers::save_rating(const Effect& e) {
    // Committed before the citizen is thanked; the uploader delivers it.
    auto saved = store() ? store()->accept_action(rating_action(e.rating))
                         : Result<void>(make_error(ErrorCode::kIo, "no store"));
    if (!saved) log::error("rating not stored: %s", saved.error().message.c_str());
    complete([v = e.visit, ok = bool(saved)](Session& s) { s.on_rating_saved(v, ok); });
    if (saved && options_.action_saved) options_.action_saved();
}

void VisitWorkers::save_action(const Effect& e) {
    // Committed first; then the uploader is asked to send it at once, and the citizen is told
    // what the platform said — or, after a few seconds, that it is saved and will be sent.
    auto saved = store() ? store()->accept_action(e.action)
                         : Result<void>(make_error(ErrorCode::kIo, "no store"));
    if (!saved) {
        const bool duplicate = saved.error().code == ErrorCode::kConflict;
        if (!duplicate)
            log::error("%s not stored: %s", e.action.kind.c_str(), saved.error().message.c_str());
        // A second vote: the screen says what the first one was for, not the refused choice.
        std::string earlier_option;
        if (duplicate && e.action.kind == "vote")
            if (auto earlier = store()->earlier_action(e.action.once_key); earlier && *earlier) {
                const auto body = nlohmann::json::parse((*earlier)->body, nullptr, false);
                if (body.is_object() && body.contains("option") && body["option"].is_string())
                    earlier_option = body["option"].get<std::string>();
            }
        complete([v = e.visit, uuid = e.action.uuid, duplicate,
                  earlier = std::move(earlier_option)](Session& s) mutable {
            s.on_action(v, uuid, duplicate ? ActionOutcome::kDuplicate : ActionOutcome::kFailed,
                        std::move(earlier));
        });
        return;
    }
    if (options_.action_saved) options_.action_saved();
    watch_action(e.visit, e.action.uuid,
                 std::chrono::steady_clock::now() + std::chrono::milliseconds(kActionWaitMs));
}

void VisitWorkers::watch_action(uint64_t visit, const std::string& uuid,
                                std::chrono::steady_clock::time_point until) {
    auto state = store()->action_state(uuid);
    const std::string s = state && *state ? **state : std::string("pending");
    if (s != "pending" || std::chrono::steady_clock::now() >= until) {
        const ActionOutcome o = s == "delivered"   ? ActionOutcome::kDelivered
                                : s == "duplicate" ? ActionOutcome::kDuplicate
                                : s == "refused"   ? ActionOutcome::kRefused
                                                   : ActionOutcome::kQueued;
        complete([visit, uuid, o](Session& session) { session.on_action(visit, uuid, o); });
        return;
    }
    post([this, visit, uuid, until] { watch_action(visit, uuid, until); },
         std::chrono::milliseconds(250));
}

void VisitWorkers::find_similar(const Effect& e) {
    const std::string& category = e.data;
    const int radius = e.radius_m;
    constexpr int kShown = 6;
    // The first photo, small: the list shows it beside the status.
    auto with_photo = [](SimilarAppeal& a, const Result<std::string>& jpeg) {
        if (!jpeg) return;
        image::PhotoOptions o;
        o.max_long_side = 480;
        o.thumbnail_long_side = 160;
        auto p = image::prepare_photo_jpeg(*jpeg, {}, o);
        if (!p) return;
        a.photo = std::move(p->jpeg);
        a.width = p->width;
        a.height = p->height;
    };
    std::vector<SimilarAppeal> found;
    bool offline = true;
    if (options_.config.adapter == "gateway") {
        sync::GatewayClient gateway(
            sync::GatewayConfig{options_.config.platform_url, options_.device_token},
            sync::make_curl_transport(options_.transport));
        auto near = gateway.nearby(category, e.x, e.y, radius, kShown);
        if (near) {
            offline = false;
            for (const auto& n : *near) {
                SimilarAppeal a{n.receipt_number, n.status, n.created_ms, n.distance_m,
                                n.supporters};
                if (n.photo_published) with_photo(a, gateway.first_photo(n.receipt_number));
                found.push_back(std::move(a));
            }
        } else {
            log::warn("similar appeals: %s", near.error().message.c_str());
        }
    }
    // This kiosk's own appeals: all of them offline, those not yet on the platform online.
    if (store()) {
        auto local = store()->nearby(category, e.x, e.y, radius, kShown);
        if (!local) log::warn("similar appeals: %s", local.error().message.c_str());
        for (const auto& n : local ? *local : std::vector<AppealStore::Nearby>{}) {
            if (static_cast<int>(found.size()) >= kShown) break;
            if (std::any_of(found.begin(), found.end(), [&](const SimilarAppeal& f) {
                    return f.receipt_number == n.receipt_number;
                }))
                continue;
            // Its photos are not shown: another citizen's, and nobody has moderated them.
            found.push_back({n.receipt_number, n.status, n.created_unix_ms, n.distance_m, 0});
        }
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.distance_m < b.distance_m; });
    complete([v = e.visit, found = std::move(found), offline](Session& s) mutable {
        s.on_similar(v, std::move(found), offline);
    });
}

void VisitWorkers::want_scan(uint64_t visit) {
    scan_visit_ = visit;
    if (visit == 0) return;
    {
        std::lock_guard lock(mu_);
        if (scan_posted_) return;
        scan_posted_ = true;
    }
    post([this] { scan(); });
}

// One look at the newest frame; again in 150 ms while the status check still scans.
void VisitWorkers::scan() {
    const uint64_t visit = scan_visit_;
    if (visit != 0 && camera_) {
        if (auto frame = camera_->latest(scanned_sequence_)) {
            scanned_sequence_ = frame->sequence;
            if (auto code = image::decode_qr(frame->rgb)) {
                complete([visit, c = *code](Session& s) { s.on_receipt_scanned(visit, c); });
                scan_visit_ = 0;
            }
        }
    }
    if (scan_visit_ == 0) {
        std::lock_guard lock(mu_);
        scan_posted_ = false;
        return;
    }
    post([this] { scan(); }, std::chrono::milliseconds(150));
}

void VisitWorkers::capture(uint64_t visit) {
    // A camera still opening (its thread started by the job just before this one) gets the
    // time a slow USB camera takes to give its first frame.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (camera_ && camera_->state() == drivers::CameraState::kStarting &&
           std::chrono::steady_clock::now() < until) {
        const auto last = camera_->latest();
        camera_->wait_frame(last ? last->sequence : 0, Millis(100));  // a new frame, or a while
    }
    if (!camera_ || camera_->state() != drivers::CameraState::kStreaming) {
        complete([visit](Session& s) { s.on_photo_failed(visit, PhotoProblem::kCameraGone); });
        return;
    }
    auto still = camera_->capture_still();
    if (!still) {
        log::warn("camera: still failed: %s", still.error().message.c_str());
        const bool gone = camera_->state() != drivers::CameraState::kStreaming;
        complete([visit, gone](Session& s) {
            s.on_photo_failed(visit,
                              gone ? PhotoProblem::kCameraGone : PhotoProblem::kCaptureFailed);
        });
        return;
    }
    auto prepared = image::prepare_photo(still->rgb, {}, preview_options());
    if (!prepared) {
        log::warn("photo: %s", prepared.error().message.c_str());
        complete([visit](Session& s) { s.on_photo_failed(visit, PhotoProblem::kCaptureFailed); });
        return;
    }
    PhotoDraft d;
    d.jpeg = std::move(prepared->jpeg);
    d.thumbnail = std::move(prepared->thumbnail);
    d.width = prepared->width;
    d.height = prepared->height;
    complete(
        [visit, d = std::move(d)](Session& s) mutable { s.on_photo_taken(visit, std::move(d)); });
}

void VisitWorkers::blur(const Effect& e) {
    auto fail = [&] {
        complete([v = e.visit, id = e.photo_id](Session& s) { s.on_blur_failed(v, id); });
    };
    auto raster = image::decode_jpeg(e.data);
    if (!raster) return fail();
    // The region the citizen marked, in this picture's pixels (rounded outwards: the edge of a
    // plate under the outline is hidden too).
    const double W = raster->width, H = raster->height;
    const int x0 = std::clamp(static_cast<int>(std::floor(e.x * W)), 0, raster->width - 1),
              y0 = std::clamp(static_cast<int>(std::floor(e.y * H)), 0, raster->height - 1);
    const int x1 = std::clamp(static_cast<int>(std::ceil((e.x + e.w) * W)), x0 + 1, raster->width),
              y1 = std::clamp(static_cast<int>(std::ceil((e.y + e.h) * H)), y0 + 1, raster->height);
    const image::Rect r{x0, y0, x1 - x0, y1 - y0};
    auto prepared = image::prepare_photo(*raster, {r}, preview_options());
    if (!prepared) return fail();
    complete([v = e.visit, id = e.photo_id, jpeg = std::move(prepared->jpeg),
              thumb = std::move(prepared->thumbnail)](Session& s) mutable {
        s.on_photo_blurred(v, id, std::move(jpeg), std::move(thumb));
    });
}

void VisitWorkers::print(const Effect& e) {
    using drivers::PrintProblem;
    drivers::PrintResult r{PrintProblem::kNoPrinter, {}, "no printer"};
    if (options_.printer)
        r = drivers::print_confirmed(*options_.printer, e.data, options_.print_timeouts);
    else if (options_.config.printer != "none")
        r = drivers::print_confirmed(options_.config.printer, e.data, options_.print_timeouts);
    if (!r.printed())
        log::warn("printer: receipt not printed (%s): %s", drivers::print_problem_name(r.problem),
                  r.detail.c_str());
    printer_problem_ = r.problem;
    if (options_.printer_seen)
        options_.printer_seen(
            drivers::printer_result(r, printer_name(), "selftest.printer.receipt"));
    complete([v = e.visit, p = r.problem](Session& s) { s.on_printed(v, p); });
}

void VisitWorkers::check_printer(uint64_t visit) {
    const drivers::PrintResult r =
        options_.printer ? drivers::check_printer(*options_.printer, options_.print_timeouts)
                         : drivers::check_printer(options_.config.printer, options_.print_timeouts);
    if (r.problem != printer_problem_)
        log::info("printer: %s%s%s", drivers::print_problem_name(r.problem),
                  r.detail.empty() ? "" : ": ", r.detail.c_str());
    const bool changed = r.problem != printer_problem_;
    printer_problem_ = r.problem;
    if (options_.printer_seen)
        options_.printer_seen(drivers::printer_result(r, printer_name(), "selftest.printer.ready"));
    if (visit != 0 || changed)
        complete([visit, p = r.problem](Session& s) { s.on_printer_checked(visit, p); });
}

void VisitWorkers::periodic_printer_check() {
    check_printer(0);
    const bool trouble = printer_problem_ != drivers::PrintProblem::kNone;
    post([this] { periodic_printer_check(); },
         trouble ? std::min(options_.printer_check_every, std::chrono::milliseconds(5'000))
                 : options_.printer_check_every);
}

void VisitWorkers::handoff_loop() {
    for (;;) {
        uint64_t visit = 0, generation = 0;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || handoff_visit_ != 0; });
            if (stop_) return;
            visit = handoff_visit_;
            generation = handoff_generation_;
        }
        auto still_wanted = [&] {
            std::lock_guard lock(mu_);
            return !stop_ && handoff_generation_ == generation;
        };
        sync::GatewayClient gateway(
            sync::GatewayConfig{options_.config.platform_url, options_.device_token},
            sync::make_curl_transport(options_.transport));
        sync::HandoffSession hs(gateway, clock_);
        auto report = [&](Handoff h) {
            if (!still_wanted()) return;
            complete([visit, h = std::move(h)](Session& s) { s.on_handoff(visit, h); });
        };
        Handoff view;
        if (auto r = hs.start(); !r) {
            log::warn("hand-off: %s", r.error().message.c_str());
            view.state = Handoff::State::kFailed;
            report(view);
        } else {
            view.state = Handoff::State::kWaiting;
            view.user_code = hs.codes().user_code;
            view.verification_uri = hs.codes().verification_uri_complete.empty()
                                        ? hs.codes().verification_uri
                                        : hs.codes().verification_uri_complete;
            view.expires_unix_ms = hs.expires_unix_ms();
            report(view);
            while (still_wanted()) {
                const auto st = hs.poll();
                if (st != sync::HandoffSession::State::kWaiting) {
                    view.state =
                        st == sync::HandoffSession::State::kApproved  ? Handoff::State::kApproved
                        : st == sync::HandoffSession::State::kDenied  ? Handoff::State::kDenied
                        : st == sync::HandoffSession::State::kExpired ? Handoff::State::kExpired
                                                                      : Handoff::State::kFailed;
                    view.subject = hs.identity().subject;
                    view.display_name = hs.identity().display_name;
                    report(view);
                    break;
                }
                std::unique_lock lock(mu_);
                cv_.wait_for(lock, std::chrono::milliseconds(250),
                             [&] { return stop_ || handoff_generation_ != generation; });
            }
        }
        std::lock_guard lock(mu_);
        if (handoff_generation_ == generation) handoff_visit_ = 0;  // done: wait for the next
    }
}

}  // namespace vmeste::core
