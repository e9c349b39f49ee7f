// VisitWorkers: the work of a citizen's visit that must not run on the UI thread — the camera
// (started only while the photo step shows), taking and preparing a photo, burning a blur into
// it, the Госуслуги hand-off (RFC 8628 polling) and printing the receipt. Two threads: one for
// the camera, photos and printer (in order), one for the hand-off (it waits on the network).
// Results come back as completions the UI thread applies to the Session in deliver().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "drivers/camera/camera.h"
#include "drivers/printer/transport.h"
#include "drivers/self_test.h"
#include "kiosk/base/clock.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/config.h"
#include "kiosk/core/session.h"
#include "sync/http.h"

namespace vmeste::core {

class VisitWorkers {
  public:
    struct Options {
        Config config;
        const Clock* clock = nullptr;
        std::function<void()> wake_ui;
        sync::TransportOptions transport{};
        std::string device_token;
        StoreOptions store;                  // status check offline, ratings (its own connection)
        std::function<void()> action_saved;  // a rating, a vote or a +1: deliver it now
        // Injected devices (tests); when null they are opened from the config's specs.
        std::shared_ptr<drivers::Camera> camera;
        std::shared_ptr<drivers::PrinterTransport> printer;
        // How long a print and a check may take (tests shorten them).
        drivers::PrintTimeouts print_timeouts{};
        // The printer is checked this often while the kiosk runs (staff and the heartbeat learn
        // of an empty roll before a citizen does), and every few seconds while it has a problem;
        // 0: only when a receipt shows.
        std::chrono::milliseconds printer_check_every{60'000};
        // Every print and check, on the media thread, as staff and the heartbeat are told it
        // (drivers::printer_result: "selftest.printer.receipt", ".ready", ".paper_out", …).
        std::function<void(const drivers::SelfTestResult&)> printer_seen;
    };

    explicit VisitWorkers(Options options);
    ~VisitWorkers();
    VisitWorkers(const VisitWorkers&) = delete;
    VisitWorkers& operator=(const VisitWorkers&) = delete;

    // UI thread: start the work an effect asks for (kSpeak is the UI's own).
    void run(const Effect& effect);
    // UI thread: the camera streams only while the photo step shows or a receipt's QR is being
    // read (it costs CPU and light).
    void want_camera(bool on);
    // UI thread: read QR codes off the camera's frames for this visit (0: stop).
    void want_scan(uint64_t visit);
    CameraStatus camera_status() const;
    // For the preview texture: latest() never blocks. Null when there is no camera.
    const drivers::Camera* camera() const { return camera_.get(); }
    // The same camera and printer for the maintenance self-tests (null when there is none).
    std::shared_ptr<drivers::Camera> shared_camera() const { return camera_; }
    std::shared_ptr<drivers::PrinterTransport> shared_printer() const { return options_.printer; }
    bool printer_configured() const;
    std::string printer_name() const;
    // UI thread: applies finished work to the session. True if anything changed.
    bool deliver(Session& session);

  private:
    // A job for the media thread, now or after a delay (jobs run in due order).
    void post(std::function<void()> job, std::chrono::milliseconds delay = {});
    void complete(std::function<void(Session&)> f);
    void media_loop();
    void handoff_loop();
    void capture(uint64_t visit);
    void blur(const Effect& e);
    void print(const Effect& e);
    // Checks the printer; tells the session (visit 0: whichever receipt shows) when asked for a
    // visit or when the state changed, and staff always.
    void check_printer(uint64_t visit);
    void periodic_printer_check();
    void lookup(const Effect& e);
    void save_rating(const Effect& e);
    void save_action(const Effect& e);
    // Until the uploader settled the action or `until` passed, every 250 ms.
    void watch_action(uint64_t visit, const std::string& uuid,
                      std::chrono::steady_clock::time_point until);
    void find_similar(const Effect& e);
    AppealStore* store();
    void scan();

    Options options_;
    SystemClock system_clock_;
    const Clock& clock_;
    std::shared_ptr<drivers::Camera> camera_;
    std::string camera_error_;
    bool camera_wanted_ = false;  // UI thread
    // Starts and stops posted but not yet done: until then the camera's own state is the old
    // one (still "streaming" from the last visit while a stop and a start wait their turn).
    std::atomic<int> camera_switches_pending_{0};
    std::atomic<uint64_t> scan_visit_{0};
    bool scan_posted_ = false;            // under mu_
    int64_t scanned_sequence_ = 0;        // media thread
    std::unique_ptr<AppealStore> store_;  // media thread, opened on the first offline look-up
    drivers::PrintProblem printer_problem_ = drivers::PrintProblem::kNone;  // media thread

    std::mutex mu_;
    std::condition_variable cv_;
    struct Job {
        std::chrono::steady_clock::time_point due;
        std::function<void()> run;
    };
    std::deque<Job> jobs_;
    std::deque<std::function<void(Session&)>> done_;
    uint64_t handoff_visit_ = 0;  // the visit that asked for a hand-off; 0: none
    uint64_t handoff_generation_ = 0;
    bool stop_ = false;
    std::thread media_thread_, handoff_thread_;
};

}  // namespace vmeste::core
