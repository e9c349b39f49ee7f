#include "kiosk/core/kiosk.h"

#include <sys/statvfs.h>

#include <filesystem>

#include "kiosk/base/log.h"
#include "sync/gateway_client.h"

namespace vmeste::core {

Kiosk::Kiosk(Options options) : options_(std::move(options)) {
    clock_ = options_.clock ? options_.clock : &system_clock_;
}

Result<std::unique_ptr<Kiosk>> Kiosk::start(Options options) {
    std::unique_ptr<Kiosk> k(new Kiosk(std::move(options)));
    const Config& cfg = k->options_.config;
    std::error_code ec;
    std::filesystem::create_directories(cfg.data_dir, ec);
    if (ec)
        return make_error(ErrorCode::kIo,
                          "cannot create data dir " + cfg.data_dir + ": " + ec.message());
    k->store_path_ = (std::filesystem::path(cfg.data_dir) / "appeals.db").string();

    auto intake = AppealStore::open(k->store_path_);
    if (!intake) return intake.error();
    k->intake_store_ = std::move(intake).value();

    if (k->options_.start_uploader) {
        auto upload_store = AppealStore::open(k->store_path_);
        if (!upload_store) return upload_store.error();
        auto gateway = std::make_unique<sync::GatewayClient>(
            sync::GatewayConfig{cfg.platform_url, cfg.device_token},
            sync::make_curl_transport(k->options_.transport));
        sync::RetryPolicy policy{Millis(cfg.retry_base_ms), Millis(cfg.retry_cap_ms)};
        k->uploader_ =
            std::make_unique<sync::OutboxWorker>(make_outbox_queue(std::move(upload_store).value()),
                                                 std::move(gateway), policy, *k->clock_);
        k->uploader_->start();
    }
    k->session_ =
        std::make_unique<Session>(k->options_.config, CategoryCatalog::bundled(), *k->clock_);
    k->intake_thread_ = std::thread([raw = k.get()] { raw->intake_loop(); });
    return k;
}

Kiosk::~Kiosk() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    // The intake thread finishes the save in hand: an appeal the citizen already submitted is
    // committed before we exit.
    if (intake_thread_.joinable()) intake_thread_.join();
    if (uploader_) uploader_->stop();
}

void Kiosk::dispatch(const Intent& intent) {
    if (auto appeal = session_->apply(intent)) {
        std::lock_guard lock(mu_);
        to_save_.push_back(std::move(*appeal));
        ++in_flight_;
        cv_.notify_all();
    }
}

bool Kiosk::pump() {
    std::deque<SaveResult> done;
    {
        std::lock_guard lock(mu_);
        done.swap(saved_);
    }
    for (auto& r : done) {
        if (r.ok)
            session_->on_saved(r.receipt);
        else
            session_->on_save_failed(r.problem);
    }
    return !done.empty();
}

bool Kiosk::busy() const {
    std::lock_guard lock(mu_);
    return in_flight_ > 0;
}

sync::WorkerStatus Kiosk::uploader_status() const {
    return uploader_ ? uploader_->status() : sync::WorkerStatus{};
}

void Kiosk::wake_uploader() {
    if (uploader_) uploader_->wake();
}

void Kiosk::intake_loop() {
    for (;;) {
        Appeal next;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || !to_save_.empty(); });
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
    }
}

Kiosk::SaveResult Kiosk::save(Appeal appeal) {
    SaveResult r;
    const Config& cfg = options_.config;
    struct statvfs vfs {};
    if (statvfs(cfg.data_dir.c_str(), &vfs) == 0) {
        const uint64_t free_mb = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize / (1024 * 1024);
        if (free_mb < static_cast<uint64_t>(cfg.min_free_disk_mb)) {
            log::error("intake: refusing a new appeal, %llu MiB free (minimum %d)",
                       static_cast<unsigned long long>(free_mb), cfg.min_free_disk_mb);
            r.problem = SubmitProblem::kDiskFull;
            return r;
        }
    }
    // 40 random bits: a collision is rare, and the UNIQUE constraint catches the rare one.
    for (int tries = 0; tries < 5; ++tries) {
        appeal.receipt_number = new_receipt_number();
        auto ins = intake_store_->insert_appeal(appeal, clock_->unix_millis());
        if (ins) {
            r.ok = true;
            r.receipt =
                Receipt{appeal.receipt_number, cfg.tracking_base() + "/" + appeal.receipt_number,
                        appeal.created_unix_ms};
            log::info("intake: appeal committed, receipt %s", appeal.receipt_number.c_str());
            return r;
        }
        if (ins.error().code != ErrorCode::kConflict) {
            log::error("intake: commit failed: %s", ins.error().message.c_str());
            r.problem = ins.error().message.find("full") != std::string::npos
                            ? SubmitProblem::kDiskFull
                            : SubmitProblem::kStorageFailed;
            return r;
        }
    }
    r.problem = SubmitProblem::kStorageFailed;
    return r;
}

}  // namespace vmeste::core
