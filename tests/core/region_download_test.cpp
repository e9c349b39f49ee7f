// The region pack from the gateway (issue #23, point 7): a heartbeat's answer names it, the
// terminal fetches it in steps with Range over real HTTP from the simulator, resumes a cut
// connection or a restart where its file ends, waits for disk room, checks the SHA-256 and
// installs it; an older pack is refused. The pack is the demo town's, built by vmeste-region.
#include "kiosk/core/region_download.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/core/platform_jobs.h"
#include "tests/support/demo_region.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"

using namespace vmeste;
namespace fs = std::filesystem;
using Step = core::RegionDownload::Step;

namespace {

std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The demo pack with another version in its metadata (a copy in `dir`).
std::string pack_with_version(const test::TempDir& dir, const std::string& version) {
    const std::string out = dir.file("pack-" + version + ".mbtiles");
    fs::copy_file(VMESTE_DEMO_PACK, out, fs::copy_options::overwrite_existing);
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(out.c_str(), &db), SQLITE_OK);
    const std::string sql =
        "UPDATE metadata SET value = '" + version + "' WHERE name = 'vmeste_pack_version'";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    return out;
}

struct Rig {
    test::TempDir dir;
    test::RunningSim sim;
    std::vector<core::RegionPackInfo> installed;
    uint64_t free_bytes = uint64_t(1) << 40;
    std::unique_ptr<core::PlatformJobs> jobs;
    const int64_t pack_size = static_cast<int64_t>(fs::file_size(VMESTE_DEMO_PACK));

    Rig() { restart(); }
    // A new PlatformJobs on the same data directory: the kiosk after a restart.
    void restart() {
        jobs.reset();
        core::PlatformJobs::Hooks hooks{[] { return sync::WorkerStatus{}; }, [] {}};
        hooks.region_pack_installed = [this](const core::RegionPackInfo& p) {
            installed.push_back(p);
        };
        hooks.region_download.chunk_bytes = 16 * 1024;
        hooks.region_download.step_bytes = 32 * 1024;
        hooks.region_download.keep_free_bytes = 64 << 20;
        hooks.region_download.free_bytes = [this] { return free_bytes; };
        jobs = std::make_unique<core::PlatformJobs>(
            dir.path(), core::AppealStore::open(test::store_options(dir.path())).value(),
            std::make_unique<sync::GatewayClient>(sync::GatewayConfig{sim.url(), "t"},
                                                  sync::make_curl_transport()),
            std::move(hooks));
    }
    // Steps until the download stops asking for more; the steps taken.
    int run_to_end(Step* last) {
        int steps = 0;
        Step s = Step::kMore;
        while (s == Step::kMore && steps < 1000) {
            s = jobs->download_region_pack();
            ++steps;
        }
        *last = s;
        return steps;
    }
    std::vector<std::string> partials() const {
        std::vector<std::string> out;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(core::region_pack_dir(dir.path()), ec))
            if (e.path().filename().string().starts_with(".download-"))
                out.push_back(e.path().string());
        return out;
    }
};

}  // namespace

TEST(RegionDownload, APackTheHeartbeatNamesIsFetchedInStepsCheckedAndInstalled) {
    Rig rig;
    ASSERT_TRUE(rig.sim.server().set_region_pack(VMESTE_DEMO_PACK));
    const std::string expected_sha = core::file_sha256(VMESTE_DEMO_PACK).value();
    // Before the gateway names one, there is nothing to fetch.
    EXPECT_EQ(rig.jobs->download_region_pack(), Step::kIdle);
    EXPECT_EQ(rig.sim.server().region_pack_bytes_sent(), 0);

    ASSERT_TRUE(rig.jobs->heartbeat());
    Step last{};
    const int steps = rig.run_to_end(&last);
    ASSERT_EQ(last, Step::kInstalled) << rig.jobs->region_download_status().error;
    // 32 KiB a step: the uploader had its thread back between them.
    EXPECT_EQ(steps, (rig.pack_size + 32 * 1024 - 1) / (32 * 1024));
    EXPECT_EQ(rig.sim.server().region_pack_bytes_sent(), rig.pack_size);
    ASSERT_EQ(rig.installed.size(), 1u);
    EXPECT_EQ(rig.installed[0].version, "2026.12-1");
    auto active = core::active_region_pack(rig.dir.path());
    ASSERT_TRUE(active);
    EXPECT_EQ(active->sha256, expected_sha);
    EXPECT_EQ(bytes_of(active->file), bytes_of(VMESTE_DEMO_PACK));
    EXPECT_TRUE(rig.partials().empty());

    // The next heartbeat says what the terminal has; the same offer fetches nothing more.
    ASSERT_TRUE(rig.jobs->heartbeat());
    const auto sent = rig.sim.server().heartbeats().back();
    EXPECT_EQ(sent["region_pack"]["sha256"], expected_sha);
    EXPECT_EQ(sent["region_pack"]["version"], "2026.12-1");
    EXPECT_EQ(rig.jobs->download_region_pack(), Step::kIdle);
    EXPECT_EQ(rig.sim.server().region_pack_bytes_sent(), rig.pack_size);
    EXPECT_EQ(rig.installed.size(), 1u);
}

TEST(RegionDownload, ACutConnectionAndARestartResumeWhereTheFileEnds) {
    Rig rig;
    ASSERT_TRUE(rig.sim.server().set_region_pack(VMESTE_DEMO_PACK));
    ASSERT_TRUE(rig.jobs->heartbeat());
    ASSERT_EQ(rig.jobs->download_region_pack(), Step::kMore);  // 32 KiB on disk
    // The connection drops half-way through the next range: the step fails, what came is kept
    // (or not), and nothing is fetched twice beyond that half.
    rig.sim.faults().add(*sim::parse_fault_rule("region-pack:drop-mid-response:count=1"));
    EXPECT_EQ(rig.jobs->download_region_pack(), Step::kFailed);
    EXPECT_EQ(rig.jobs->region_download_status().state, "failed");
    // The kiosk restarts (a power cut): the file on disk is where it goes on from.
    rig.restart();
    ASSERT_TRUE(rig.jobs->heartbeat());
    Step last{};
    rig.run_to_end(&last);
    ASSERT_EQ(last, Step::kInstalled) << rig.jobs->region_download_status().error;
    // The whole pack, plus at most the half chunk the cut connection carried.
    EXPECT_GE(rig.sim.server().region_pack_bytes_sent(), rig.pack_size);
    EXPECT_LE(rig.sim.server().region_pack_bytes_sent(), rig.pack_size + 8 * 1024);
    EXPECT_EQ(bytes_of(core::active_region_pack(rig.dir.path())->file), bytes_of(VMESTE_DEMO_PACK));
}

TEST(RegionDownload, WithoutRoomOnTheDiskItWaitsSaysWhyAndFetchesNothing) {
    Rig rig;
    ASSERT_TRUE(rig.sim.server().set_region_pack(VMESTE_DEMO_PACK));
    ASSERT_TRUE(rig.jobs->heartbeat());
    rig.free_bytes = 40u << 20;
    EXPECT_EQ(rig.jobs->download_region_pack(), Step::kWaiting);
    const auto st = rig.jobs->region_download_status();
    EXPECT_EQ(st.state, "waiting_for_disk");
    EXPECT_NE(st.error.find("64 MiB kept for appeals"), std::string::npos) << st.error;
    EXPECT_NE(st.error.find("has 40 MiB"), std::string::npos) << st.error;
    // A byte short of the pack and the 64 MiB is short.
    rig.free_bytes = uint64_t(rig.pack_size) + (64u << 20) - 1;
    EXPECT_EQ(rig.jobs->download_region_pack(), Step::kWaiting);
    EXPECT_EQ(rig.sim.server().region_pack_bytes_sent(), 0);
    EXPECT_FALSE(core::active_region_pack(rig.dir.path()));
    // The gateway learns it in the next heartbeat.
    ASSERT_TRUE(rig.jobs->heartbeat());
    EXPECT_EQ(rig.sim.server().heartbeats().back()["region_pack"]["download"]["state"],
              "waiting_for_disk");
    // Room made: it goes on.
    rig.free_bytes = uint64_t(rig.pack_size) + (64u << 20);
    Step last{};
    rig.run_to_end(&last);
    EXPECT_EQ(last, Step::kInstalled);
}

TEST(RegionDownload, ADamagedPartialFileIsCaughtByItsHashAndFetchedAgain) {
    Rig rig;
    ASSERT_TRUE(rig.sim.server().set_region_pack(VMESTE_DEMO_PACK));
    const std::string sha = core::file_sha256(VMESTE_DEMO_PACK).value();
    // A power cut left a file of the right length with zeros where data was never written.
    fs::create_directories(core::region_pack_dir(rig.dir.path()));
    std::ofstream(core::region_pack_dir(rig.dir.path()) + "/.download-" + sha + ".part",
                  std::ios::binary)
        << std::string(static_cast<size_t>(rig.pack_size), '\0');
    ASSERT_TRUE(rig.jobs->heartbeat());
    EXPECT_EQ(rig.jobs->download_region_pack(), Step::kFailed);
    EXPECT_NE(rig.jobs->region_download_status().error.find("is not the expected"),
              std::string::npos)
        << rig.jobs->region_download_status().error;
    EXPECT_FALSE(core::active_region_pack(rig.dir.path()));
    EXPECT_TRUE(rig.partials().empty()) << "the damaged file stays";
    Step last{};
    rig.run_to_end(&last);
    ASSERT_EQ(last, Step::kInstalled);
    EXPECT_EQ(core::active_region_pack(rig.dir.path())->sha256, sha);
}

TEST(RegionDownload, AnOlderPackThanTheTerminalsIsRefusedWithoutADownload) {
    Rig rig;
    test::TempDir packs;
    // The technician installed 2026.12-1; the gateway still names last month's.
    {
        const std::string current = pack_with_version(packs, "2026.12-1");
        ASSERT_TRUE(
            core::install_region_pack(rig.dir.path(), current, core::file_sha256(current).value()));
    }
    ASSERT_TRUE(rig.sim.server().set_region_pack(pack_with_version(packs, "2026.11-3")));
    ASSERT_TRUE(rig.jobs->heartbeat());
    EXPECT_EQ(rig.jobs->download_region_pack(), Step::kIdle);
    EXPECT_EQ(rig.jobs->region_download_status().state, "refused");
    EXPECT_NE(rig.jobs->region_download_status().error.find("older than the terminal's 2026.12-1"),
              std::string::npos);
    EXPECT_EQ(rig.sim.server().region_pack_bytes_sent(), 0);
    EXPECT_EQ(core::active_region_pack(rig.dir.path())->version, "2026.12-1");
    // A newer one is taken.
    ASSERT_TRUE(rig.sim.server().set_region_pack(pack_with_version(packs, "2027.01-1")));
    ASSERT_TRUE(rig.jobs->heartbeat());
    Step last{};
    rig.run_to_end(&last);
    ASSERT_EQ(last, Step::kInstalled);
    EXPECT_EQ(core::active_region_pack(rig.dir.path())->version, "2027.01-1");
    // Only the active pack and active.json are left.
    size_t files = 0;
    for ([[maybe_unused]] const auto& e :
         fs::directory_iterator(core::region_pack_dir(rig.dir.path())))
        ++files;
    EXPECT_EQ(files, 2u);
}

TEST(RegionDownload, TheHeartbeatsOfferIsReadStrictly) {
    auto ok = sync::replies::heartbeat_reply(
        R"({"config": {}, "commands": [], "region_pack": {"version": "2027.01-1", "sha256": )"
        R"("ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789", "size": 1000, )"
        R"("url": "/api/v1/region-packs/x"}})");
    ASSERT_TRUE(ok) << ok.error().message;
    ASSERT_TRUE(ok->region_pack);
    EXPECT_EQ(ok->region_pack->sha256,
              "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    EXPECT_EQ(ok->region_pack->size, 1000);
    EXPECT_FALSE(sync::replies::heartbeat_reply(R"({"commands": []})")->region_pack);
    // Another host (the device's token would go there), a short hash, no size: refused.
    for (
        const char* bad :
        {R"({"region_pack": {"version": "1", "sha256": "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789", "size": 1, "url": "https://elsewhere.example/p"}})",
         R"({"region_pack": {"version": "1", "sha256": "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789", "size": 1, "url": "//elsewhere.example/p"}})",
         R"({"region_pack": {"version": "1", "sha256": "abc", "size": 1, "url": "/p"}})",
         R"({"region_pack": {"version": "1", "sha256": "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789", "url": "/p"}})"})
        EXPECT_FALSE(sync::replies::heartbeat_reply(bad)) << bad;
}
