#include "sync/outbox_worker.h"

#include <algorithm>

#include "kiosk/base/log.h"

namespace vmeste::sync {

namespace {
// Upper bound on one sleep even with nothing due: a cheap re-check guards against a clock that
// jumped (wall time is what the queue stores).
constexpr int64_t kMaxIdleSleepMs = 30'000;
constexpr Millis kRetryAfterMin{1000};
constexpr Millis kRetryAfterMax{24 * 3600 * 1000};

// The counter an unsuccessful attempt adds to: what kind of trouble it was.
std::string reason_class(const DeliveryOutcome& out) {
    if (out.http_status == 0) return "network";
    if (out.http_status >= 200 && out.http_status < 300) return "unreadable-answer";
    if (out.http_status >= 500) return "http-5xx";
    return "http-" + std::to_string(out.http_status);
}
}  // namespace

OutboxWorker::OutboxWorker(std::unique_ptr<OutboxQueue> queue,
                           std::unique_ptr<DeliveryAdapter> adapter, RetryPolicy policy,
                           const Clock& clock)
    : queue_(std::move(queue)),
      adapter_(std::move(adapter)),
      policy_(policy),
      clock_(clock),
      rng_(std::random_device{}()) {}

OutboxWorker::~OutboxWorker() {
    stop();
}

void OutboxWorker::start() {
    if (thread_.joinable()) return;
    {
        std::lock_guard lock(mu_);
        stop_ = false;
    }
    thread_ = std::thread([this] { run(); });
}

void OutboxWorker::stop() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void OutboxWorker::wake() {
    {
        std::lock_guard lock(mu_);
        wake_ = true;
    }
    cv_.notify_all();
}

WorkerStatus OutboxWorker::status() const {
    std::lock_guard lock(mu_);
    return status_;
}

int OutboxWorker::drain_due() {
    int n = 0;
    // While the platform is down only one probe goes out per backoff step, however many items
    // are due: a queue of thousands must not turn an outage into a retry storm.
    while (clock_.unix_millis() >= blocked_until()) {
        auto item = queue_->next_due(clock_.unix_millis());
        if (!bookkeeping(item ? Result<void>{} : Result<void>(item.error()))) break;
        if (!*item) break;
        attempt(**item);
        ++n;
        std::lock_guard lock(mu_);
        if (stop_) break;
    }
    return n;
}

int OutboxWorker::poll_statuses() {
    next_poll_ = clock_.unix_millis() + poll_interval_.count();
    auto page = adapter_->status_changes(*queue_);
    if (!page) {
        log::warn("status poll failed: %s", page.error().message.c_str());
        return -1;
    }
    queue_->apply_status_changes(page->changes, page->cursor);
    return static_cast<int>(page->changes.size());
}

void OutboxWorker::add_periodic(std::string name, Millis interval, Millis retry,
                                std::function<bool()> job) {
    periodic_.push_back({std::move(name), interval, retry, std::move(job), 0});
}

void OutboxWorker::set_interval(const std::string& name, Millis interval) {
    for (auto& p : periodic_)
        if (p.name == name && p.interval != interval) {
            p.interval = interval;
            p.next = std::min(p.next, clock_.unix_millis() + interval.count());
        }
}

void OutboxWorker::expedite(const std::string& name) {
    {
        std::lock_guard lock(mu_);
        expedite_.push_back(name);
        wake_ = true;
    }
    cv_.notify_all();
}

int OutboxWorker::run_periodic() {
    std::vector<std::string> now_please;
    {
        std::lock_guard lock(mu_);
        now_please.swap(expedite_);
    }
    for (auto& p : periodic_)
        if (std::find(now_please.begin(), now_please.end(), p.name) != now_please.end()) p.next = 0;
    int n = 0;
    for (auto& p : periodic_) {
        const int64_t now = clock_.unix_millis();
        if (now < p.next) continue;
        const bool ok = p.job();
        p.next = now + (ok ? p.interval : p.retry).count();
        ++n;
        if (!ok)
            log::warn("%s failed; next try in %lld s", p.name.c_str(),
                      static_cast<long long>(p.retry.count() / 1000));
    }
    return n;
}

void OutboxWorker::run() {
    for (;;) {
        if (alive_) alive_();
        // Periodic jobs (the heartbeat among them) go out whenever the gate opens, whatever the
        // probe's outcome: a platform that refuses appeals may still take the heartbeat, whose
        // answer can carry the fix (a config), and an update's health check waits for one
        // (docs/image.md). While the gate is shut they wait with the queue: no retry storm.
        // (They also go on while the store cannot write: it is how staff far away learn it.)
        const bool gate_open = clock_.unix_millis() >= gate_until_;
        drain_due();
        // Statuses only while the platform answers: the gate is still open after the probe.
        if (clock_.unix_millis() >= std::max({next_poll_, gate_until_, store_gate_until_}))
            poll_statuses();
        if (gate_open) run_periodic();
        std::unique_lock lock(mu_);
        if (stop_) return;
        if (wake_) {
            wake_ = false;
            continue;
        }
        int64_t sleep_ms = kMaxIdleSleepMs;
        for (const auto& p : periodic_)
            sleep_ms = std::min(
                sleep_ms,
                std::max<int64_t>(std::max(p.next, gate_until_) - clock_.unix_millis(), 0));
        lock.unlock();
        if (auto due = queue_->earliest_due())
            sleep_ms = std::clamp<int64_t>(std::max(*due, blocked_until()) - clock_.unix_millis(),
                                           0, sleep_ms);
        lock.lock();
        cv_.wait_for(lock, std::chrono::milliseconds(sleep_ms), [this] { return stop_ || wake_; });
        if (stop_) return;
        wake_ = false;
    }
}

bool OutboxWorker::bookkeeping(const Result<void>& r) {
    const int64_t now = clock_.unix_millis();
    if (r) {
        if (store_failures_ == 0) return true;
        store_failures_ = 0;
        store_gate_until_ = 0;
        log::info("outbox: the store records deliveries again");
        std::lock_guard lock(mu_);
        status_.store_error.clear();
        return true;
    }
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    // At least the base, so a store that cannot write never turns into a loop of repeats.
    const Millis wait = std::max(policy_.base, policy_.delay(store_failures_++, unit(rng_)));
    store_gate_until_ = now + wait.count();
    log::error("outbox: the store cannot record deliveries (%s); nothing is sent for %lld ms",
               r.error().message.c_str(), static_cast<long long>(wait.count()));
    std::lock_guard lock(mu_);
    status_.store_error = r.error().message;
    ++status_.counters["store-write"];
    status_.next_attempt_unix_ms = store_gate_until_;
    return false;
}

void OutboxWorker::attempt(const OutboxItem& item) {
    if (alive_) alive_();
    const int64_t now = clock_.unix_millis();
    DeliveryOutcome out = adapter_->deliver(item, *queue_, now);
    if (out.verdict == Verdict::kReconcile) {
        // 409 on an idempotency key: the first request with this key is still being handled.
        // The platform is up; ask again shortly (the repeat is answered with the first result),
        // without counting it as an outage.
        const Millis wait = out.retry_after
                                ? std::clamp(*out.retry_after, kRetryAfterMin, kRetryAfterMax)
                                : Millis(2000);
        if (!bookkeeping(queue_->schedule_retry(item, now + wait.count(), out.reason))) return;
        std::lock_guard lock(mu_);
        ++status_.counters["http-409"];
        return;
    }
    switch (out.verdict) {
        case Verdict::kDone: {
            // The platform has it; if the store cannot say so the item stays pending and goes
            // again once the store writes (the idempotency key makes the repeat harmless).
            if (!bookkeeping(queue_->mark_delivered(item, out.platform_id, out.status))) return;
            log::info("outbox: item %lld delivered (%s)", static_cast<long long>(item.id),
                      out.reason.c_str());
            outage_failures_ = 0;  // the probe got through: the platform is back
            gate_until_ = 0;
            server_errors_in_row_ = 0;
            std::lock_guard lock(mu_);
            ++status_.delivered;
            ++status_.counters["delivered"];
            status_.last_success_unix_ms = now;
            status_.next_attempt_unix_ms = 0;
            status_.path_blocked.clear();
            status_.config_problem.clear();
            return;
        }
        case Verdict::kPathBlocked:
        case Verdict::kConfigProblem:
        case Verdict::kRetry:
        case Verdict::kReconcile:             // handled above
        case Verdict::kRefreshCredentials: {  // 401: staff re-enrol (issue #8); back off till then
            // A 500 from the platform itself may be this item's own trouble (a request the
            // server cannot handle): the next item is tried at once, and an item failing so for
            // days while others go through is set aside (issue #18, point 6).
            const bool item_error = out.verdict == Verdict::kRetry && out.http_status >= 500 &&
                                    out.http_status != 502 && out.http_status != 503 &&
                                    out.http_status != 504 && !out.retry_after;
            if (item_error) {
                auto since = queue_->item_failing_since(item, now);
                if (!bookkeeping(since ? Result<void>{} : Result<void>(since.error()))) return;
                int64_t last_success;
                {
                    std::lock_guard lock(mu_);
                    last_success = status_.last_success_unix_ms;
                }
                const int64_t days = (now - *since) / 86'400'000;
                if (stuck_item_days_ > 0 && days >= stuck_item_days_ && last_success > *since) {
                    DeliveryOutcome stuck = out;
                    stuck.verdict = Verdict::kQuarantine;
                    stuck.reason = out.reason + "; failing for " + std::to_string(days) +
                                   " days while others went through";
                    return settle_quarantine(item, stuck);
                }
            }
            std::uniform_real_distribution<double> unit(0.0, 1.0);
            Millis wait = policy_.delay(item.attempts, unit(rng_));
            // Retry-After is honoured even past the backoff cap, clamped to [1 s, 24 h] so a
            // broken header can neither spin us nor park the queue for weeks.
            if (out.retry_after)
                wait = std::max(wait, std::clamp(*out.retry_after, kRetryAfterMin, kRetryAfterMax));
            // The item's own schedule is persisted (next_attempt_at), so a reboot keeps it.
            if (!bookkeeping(queue_->schedule_retry(item, now + wait.count(), out.reason))) return;
            // Any failure that says "the platform is unreachable or refusing" opens the gate for
            // every item, with a backoff of its own — but a first 500 only for its item.
            const bool gate_all = !item_error || server_errors_in_row_ > 0;
            server_errors_in_row_ = item_error ? server_errors_in_row_ + 1 : 0;
            if (gate_all) {
                Millis gate = policy_.delay(outage_failures_++, unit(rng_));
                if (out.retry_after)
                    gate = std::max(gate,
                                    std::clamp(*out.retry_after, kRetryAfterMin, kRetryAfterMax));
                gate_until_ = now + gate.count();
            }
            log::warn("outbox: item %lld attempt %d failed (%s), next in %lld ms",
                      static_cast<long long>(item.id), item.attempts + 1, out.reason.c_str(),
                      static_cast<long long>(wait.count()));
            std::lock_guard lock(mu_);
            ++status_.failed_attempts;
            ++status_
                  .counters[out.verdict == Verdict::kConfigProblem ? "config" : reason_class(out)];
            status_.last_error = out.reason;
            if (gate_all) status_.next_attempt_unix_ms = gate_until_;
            if (out.verdict == Verdict::kPathBlocked)
                status_.path_blocked = out.reason;
            else if (out.http_status >= 200)
                status_.path_blocked.clear();  // the platform itself answered
            if (out.verdict == Verdict::kConfigProblem) status_.config_problem = out.reason;
            return;
        }
        case Verdict::kQuarantine:
            settle_quarantine(item, out);
            return;
    }
}

void OutboxWorker::settle_quarantine(const OutboxItem& item, const DeliveryOutcome& out) {
    server_errors_in_row_ = 0;
    // How many attempts it took, for staff reading the queue screen.
    const std::string reason = out.reason + " (after " + std::to_string(item.attempts + 1) +
                               (item.attempts == 0 ? " attempt)" : " attempts)");
    if (!bookkeeping(queue_->quarantine(item, reason))) return;
    log::error("outbox: item %lld quarantined (%s)", static_cast<long long>(item.id),
               reason.c_str());
    std::lock_guard lock(mu_);
    ++status_.failed_attempts;
    ++status_.counters[reason_class(out)];
    status_.last_error = reason;
}

}  // namespace vmeste::sync
