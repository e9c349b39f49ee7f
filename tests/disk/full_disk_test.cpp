// The store on real small file systems made by the test (label `disk`, issue #17): a tmpfs with
// size= filled for real with a file, and the same tmpfs remounted read-only. Needs root (mount);
// without it every test reports Skipped.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "kiosk/core/appeal_store.h"
#include "kiosk/core/kiosk.h"
#include "kiosk/core/maintenance_access.h"
#include "sync/gateway_client.h"
#include "sync/outbox_worker.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::core;
namespace fs = std::filesystem;

namespace {

// A tmpfs of `size` mounted on a fresh directory; unmounted (with everything on it) at the end.
class SmallDisk {
  public:
    explicit SmallDisk(const std::string& size) {
        if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0)
            mounted_ = true;
        else
            why_ = std::strerror(errno);
    }
    ~SmallDisk() {
        if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }
    const std::string& why() const { return why_; }
    std::string path() const { return dir_.path() + "/data"; }
    std::string root() const { return dir_.path(); }

    // Writes a file until the disk says ENOSPC, as `dd if=/dev/zero of=fill` does.
    void fill() {
        FILE* f = std::fopen((dir_.path() + "/fill").c_str(), "wb");
        ASSERT_TRUE(f);
        std::string block(64 * 1024, '\0');
        while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
        }
        std::fclose(f);
        // The last pages too: small writes until nothing more goes.
        f = std::fopen((dir_.path() + "/fill-tail").c_str(), "wb");
        if (f) {
            setvbuf(f, nullptr, _IONBF, 0);
            while (std::fputc(0, f) != EOF) {
            }
            std::fclose(f);
        }
    }
    void free_space() {
        fs::remove(dir_.path() + "/fill");
        fs::remove(dir_.path() + "/fill-tail");
    }
    bool remount(bool read_only) {
        return ::mount(nullptr, dir_.path().c_str(), nullptr,
                       MS_REMOUNT | (read_only ? MS_RDONLY : 0), nullptr) == 0;
    }

  private:
    test::TempDir dir_;
    bool mounted_ = false;
    std::string why_;
};

#define REQUIRE_MOUNT(disk) \
    if (!(disk).mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << (disk).why()

std::vector<AcceptRequest> three_appeals(const std::string& data_dir) {
    StoreOptions o = test::store_options(data_dir);
    o.limits.min_free_bytes = 1 << 20;  // the disk is small on purpose
    auto s = AppealStore::open(o);
    EXPECT_TRUE(s) << s.error().message;
    std::vector<AcceptRequest> out;
    for (int i = 0; i < 3; ++i) {
        auto req = test::appeal_request("DSK0-000" + std::to_string(i), "полный диск", 2,
                                        static_cast<uint64_t>(i + 1));
        EXPECT_TRUE((*s)->accept(req, 1));
        out.push_back(std::move(req));
    }
    return out;
}

std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
}

void expect_all_there(const std::string& data_dir, const std::vector<AcceptRequest>& accepted) {
    auto s = AppealStore::open(test::store_options(data_dir));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_FALSE((*s)->moved_aside());
    auto report = (*s)->recover();
    ASSERT_TRUE(report);
    EXPECT_EQ(report->set_aside_orphans, 0);
    EXPECT_EQ((*s)->queue_figures()->queued_appeals, 3);
    for (const auto& req : accepted) {
        auto a = (*s)->find_by_receipt(req.appeal.receipt_number);
        ASSERT_TRUE(a && *a) << req.appeal.receipt_number;
        for (size_t i = 0; i < req.photos.size(); ++i)
            EXPECT_EQ(*(*s)->read_photo(req.appeal.uuid, static_cast<int>(i)), req.photos[i]);
    }
}

}  // namespace

TEST(FullDisk, AStoreOpenedOnAFullDiskIsLeftAsItIsAndOpensWholeOnceThereIsRoom) {
    SmallDisk disk("16m");
    REQUIRE_MOUNT(disk);
    const auto accepted = three_appeals(disk.path());
    const auto before = names_in(disk.path());
    const auto spool_before = names_in(disk.path() + "/spool");
    disk.fill();

    auto s = AppealStore::open(test::store_options(disk.path()));
    ASSERT_FALSE(s) << "a store on a full disk opened; the test did not fill the disk";
    EXPECT_TRUE(s.error().code == ErrorCode::kNoSpace || s.error().code == ErrorCode::kIo)
        << to_string(s.error().code);
    EXPECT_NE(s.error().message.find("cannot be checked"), std::string::npos) << s.error().message;
    auto after = names_in(disk.path());
    std::erase_if(after,
                  [](const std::string& n) { return n.ends_with("-shm") || n.ends_with("-wal"); });
    EXPECT_EQ(after, before) << "something was moved aside or created";
    EXPECT_EQ(names_in(disk.path() + "/spool"), spool_before);

    disk.free_space();
    expect_all_there(disk.path(), accepted);
}

TEST(FullDisk, TheKioskDoesNotStartOnAFullDiskAndStartsWithItsQueueOnceThereIsRoom) {
    SmallDisk disk("16m");
    REQUIRE_MOUNT(disk);
    const auto accepted = three_appeals(disk.path());
    disk.fill();
    auto start = [&] {
        Kiosk::Options o;
        o.config.data_dir = disk.path();
        o.start_uploader = false;
        return Kiosk::start(std::move(o));
    };
    for (int attempt = 0; attempt < 3; ++attempt) {  // the service restarts it, again and again
        auto k = start();
        ASSERT_FALSE(k);
        EXPECT_NE(k.error().message.find("cannot be checked"), std::string::npos)
            << k.error().message;
    }
    disk.free_space();
    {
        auto k = start();
        ASSERT_TRUE(k) << k.error().message;
    }
    expect_all_there(disk.path(), accepted);
}

TEST(FullDisk, AStoreOnAFileSystemRemountedReadOnlyIsNotTakenForCorrupt) {
    SmallDisk disk("16m");
    REQUIRE_MOUNT(disk);
    const auto accepted = three_appeals(disk.path());
    const auto before = names_in(disk.path());
    ASSERT_TRUE(disk.remount(true)) << std::strerror(errno);
    auto s = AppealStore::open(test::store_options(disk.path()));
    if (s) {
        // SQLite may open a checkpointed store read-only; then it must not claim it is damaged.
        EXPECT_FALSE((*s)->moved_aside());
    } else {
        EXPECT_NE(s.error().code, ErrorCode::kCorrupt) << s.error().message;
    }
    s = make_error(ErrorCode::kInternal, "closed");
    ASSERT_TRUE(disk.remount(false)) << std::strerror(errno);
    EXPECT_EQ(names_in(disk.path()), before);
    expect_all_there(disk.path(), accepted);
}

namespace {
// Waits (bounded) until `file` holds `what`: the kiosk's log line is the event.
bool log_says(const std::string& file, const std::string& what, std::chrono::seconds within) {
    const auto until = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < until) {
        std::ifstream in(file);
        const std::string text(std::istreambuf_iterator<char>(in), {});
        if (text.find(what) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}
}  // namespace

// The real binary on a full disk: it does not exit (a black screen, a restart loop) but shows
// that the terminal is out of order, and starts by itself once there is room (issue #17, 1).
TEST(FullDisk, TheRealKioskShowsOutOfOrderOnAFullDiskAndStartsByItselfOnceThereIsRoom) {
    if (!std::getenv("DISPLAY"))
        GTEST_SKIP() << "no DISPLAY: run under Xvfb (scripts/test starts one)";
    SmallDisk disk("16m");
    REQUIRE_MOUNT(disk);
    const auto accepted = three_appeals(disk.path());
    disk.fill();
    test::TempDir logs;
    const std::string log = logs.file("kiosk.log");
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (!freopen(log.c_str(), "w", stderr)) _exit(126);
        execl(VMESTE_KIOSK, VMESTE_KIOSK, "--data-dir", disk.path().c_str(), "--platform",
              "http://127.0.0.1:9", "--windowed", static_cast<char*>(nullptr));
        _exit(127);
    }
    auto stop = [&] {
        kill(pid, SIGTERM);
        int status = 0;
        for (int i = 0; i < 200; ++i) {
            if (waitpid(pid, &status, WNOHANG) == pid) return status;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
    };
    const bool out_of_order = log_says(log, "kiosk: out of order", std::chrono::seconds(20));
    const bool drawn = out_of_order && log_says(log, "fonts:", std::chrono::seconds(20));
    int status = 0;
    const bool alive = waitpid(pid, &status, WNOHANG) == 0;
    if (!out_of_order || !drawn || !alive) {
        stop();
        FAIL() << "out of order: " << out_of_order << ", drawn: " << drawn << ", alive: " << alive;
    }
    disk.free_space();
    const bool started = log_says(log, "the store opens again", std::chrono::seconds(30));
    const int end = stop();
    ASSERT_TRUE(started) << "it did not start by itself once there was room";
    ASSERT_TRUE(WIFEXITED(end)) << "not ended cleanly by SIGTERM";
    EXPECT_EQ(WEXITSTATUS(end), 0);
    expect_all_there(disk.path(), accepted);
}

// Point 7 on a real file system: the disk fills while the uploader delivers. The platform takes
// the photo, the store cannot record it (SQLITE_FULL appending to its log): the uploader stops
// with backoff and says why — no loop of repeats — and goes on once there is room.
TEST(FullDisk, TheDiskFillingWhileDeliveringPausesTheUploaderInsteadOfALoop) {
    SmallDisk disk("16m");
    REQUIRE_MOUNT(disk);
    const auto accepted = three_appeals(disk.path());
    test::RunningSim sim;
    ManualClock clock;
    StoreOptions o = test::store_options(disk.path());
    o.limits.min_free_bytes = 1 << 20;
    auto store = AppealStore::open(o);
    ASSERT_TRUE(store) << store.error().message;
    sync::RetryPolicy policy;
    sync::OutboxWorker worker(make_outbox_queue(std::move(store).value()),
                              std::make_unique<sync::GatewayClient>(
                                  sync::GatewayConfig{sim.url(), "t"}, sync::make_curl_transport()),
                              policy, clock);
    disk.fill();
    EXPECT_EQ(worker.drain_due(), 1) << "one attempt, then the store said it cannot write";
    EXPECT_EQ(sim.store().media_count(), 1);
    EXPECT_FALSE(worker.status().store_error.empty());
    EXPECT_EQ(worker.drain_due(), 0) << "nothing before the backoff";
    int attempts = 0;
    for (int round = 0; round < 5; ++round) {
        clock.advance(policy.cap);
        attempts += worker.drain_due();
    }
    EXPECT_LE(attempts, 5) << "at most one attempt per backoff step while the disk is full";
    disk.free_space();
    for (int round = 0; round < 5 && sim.store().count() < 3; ++round) {
        clock.advance(policy.cap);
        worker.drain_due();
    }
    EXPECT_TRUE(worker.status().store_error.empty());
    EXPECT_EQ(sim.store().count(), 3);
    EXPECT_EQ(sim.store().media_count(), 6) << "each photo once: the repeat went under its key";
}

// Issue #20, point 6: a wrong PIN that cannot be counted (the data disk read-only after an
// error, or full) is not checked either: an uncounted guess is a free guess.
TEST(ReadOnlyDisk, AWrongPinThatCannotBeCountedChecksNothing) {
    SmallDisk disk("2m");
    REQUIRE_MOUNT(disk);
    fs::create_directories(disk.path());
    ManualClock clock;
    auto a = MaintenanceAccess::open(disk.path(), clock);
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->set_pin(Role::kStaff, "2468"));
    ASSERT_TRUE(disk.remount(true));
    EXPECT_EQ(a->try_pin(Role::kStaff, "0000").result, MaintenanceAccess::Attempt::Result::kError);
    EXPECT_EQ(a->try_pin(Role::kStaff, "2468").result, MaintenanceAccess::Attempt::Result::kError)
        << "nothing is checked while the count cannot be kept";
    ASSERT_TRUE(disk.remount(false));
    EXPECT_EQ(a->try_pin(Role::kStaff, "2468").result, MaintenanceAccess::Attempt::Result::kOk);
}
