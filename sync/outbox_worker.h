// OutboxWorker: the uploader's thread. It takes due items from an OutboxQueue, delivers them
// through the GatewayClient and records the verdict; between items it sleeps until the next item is
// due or until wake() says new work arrived. It owns its thread; stop() joins it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/base/clock.h"
#include "sync/adapter.h"
#include "sync/outbox.h"
#include "sync/retry_policy.h"

namespace vmeste::sync {

struct WorkerStatus {
    int64_t delivered = 0;
    int64_t failed_attempts = 0;
    int64_t last_success_unix_ms = 0;
    std::string last_error;                   // technical, no personal data
    int64_t next_attempt_unix_ms = 0;         // while the platform is down: the next probe
    std::map<std::string, int64_t> counters;  // by reason: delivered, network, http-5xx, http-429…
    // While something on the way (a proxy, a captive portal) answers instead of the platform:
    // what it answers. Empty once the platform answers again.
    std::string path_blocked;
    // While the store cannot record deliveries (disk full, read-only): why. Nothing is sent then.
    std::string store_error;
    // While the terminal's configuration stops delivery (a refused key, an unmapped category):
    // what a technician must fix. Empty once an item goes through.
    std::string config_problem;
};

class OutboxWorker {
  public:
    // `queue` and `adapter` are used only from the worker thread once start() ran.
    OutboxWorker(std::unique_ptr<OutboxQueue> queue, std::unique_ptr<DeliveryAdapter> adapter,
                 RetryPolicy policy, const Clock& clock);
    ~OutboxWorker();

    void start();
    void stop();
    void wake();  // new work or link back: look at the queue now
    WorkerStatus status() const;

    // Runs one pass on the caller's thread (tests): delivers every due item, returns how many
    // attempts it made.
    int drain_due();
    // One status poll on the caller's thread (tests); returns the changes applied, or -1 on error.
    int poll_statuses();
    void set_status_poll_interval(Millis interval) { poll_interval_ = interval; }
    // An item the platform fails (HTTP 500) for this many days while other items go through is
    // quarantined with its reason (0: never). Call before start().
    void set_stuck_item_days(int days) { stuck_item_days_ = days; }

    // A job the worker runs every `interval` while the platform answers (heartbeat, catalogue
    // sync). It runs on the worker thread, so it may use its own connection freely; it returns
    // false when it failed, and is then tried again after `retry` instead.
    // Call before start().
    void add_periodic(std::string name, Millis interval, Millis retry, std::function<bool()> job);
    // The worker's own thread only (a periodic job): a new interval for the job `name`.
    void set_interval(const std::string& name, Millis interval);
    // Runs the periodic job `name` as soon as the worker can (a citizen waits for its answer).
    void expedite(const std::string& name);
    // Runs every periodic job that is due now, on the caller's thread (tests).
    int run_periodic();
    // Called from the worker thread as it goes round and before every attempt: the watchdog's
    // proof that the uploader is not stuck (drivers::HealthGate). Call before start().
    void set_alive_hook(std::function<void()> hook) { alive_ = std::move(hook); }

  private:
    void run();
    void attempt(const OutboxItem& item);
    void settle_quarantine(const OutboxItem& item, const DeliveryOutcome& out);
    // Records a bookkeeping write's result: a failure closes the store gate with backoff (and
    // says why in the status), a success opens it. Returns whether it succeeded.
    bool bookkeeping(const Result<void>& r);
    // No attempts before this: the later of the platform's gate and the store's.
    int64_t blocked_until() const { return std::max(gate_until_, store_gate_until_); }

    std::unique_ptr<OutboxQueue> queue_;
    std::unique_ptr<DeliveryAdapter> adapter_;
    struct Periodic {
        std::string name;
        Millis interval, retry;
        std::function<bool()> job;
        int64_t next = 0;
    };
    std::vector<Periodic> periodic_;
    std::function<void()> alive_;
    RetryPolicy policy_;
    const Clock& clock_;
    std::mt19937_64 rng_;
    int64_t gate_until_ = 0;   // worker thread only: no attempts before this (platform down)
    int outage_failures_ = 0;  // consecutive failures of the platform, for the gate's backoff
    // Consecutive attempts the platform answered with a 500 (worker thread): one is that item's
    // trouble and the next item is tried at once; two in a row is the platform's.
    int server_errors_in_row_ = 0;
    int stuck_item_days_ = 3;
    int64_t store_gate_until_ = 0;         // worker thread only: the store could not write; wait
    int store_failures_ = 0;               // consecutive failed bookkeeping writes
    Millis poll_interval_{5 * 60 * 1000};  // status changes: every 5 min when the link is up
    int64_t next_poll_ = 0;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool wake_ = false;
    bool stop_ = false;
    std::vector<std::string> expedite_;  // periodic jobs to run now
    WorkerStatus status_;
    std::thread thread_;
};

}  // namespace vmeste::sync
