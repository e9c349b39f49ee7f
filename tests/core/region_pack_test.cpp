// Installing a region pack (issue #23, point 7): checked against its SHA-256, versioned, whole or
// not at all; the kiosk opens the active one; the provisioning receipt names it. The pack is the
// demo town's, built at build time by vmeste-region.
#include "kiosk/core/region_pack.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "kiosk/core/kiosk.h"
#include "kiosk/core/provisioning.h"
#include "tests/support/demo_region.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;
namespace fs = std::filesystem;

namespace {

// The demo pack on a "stick": a copy with its .sha256 beside it, as vmeste-region writes it.
struct Stick {
    test::TempDir dir;
    std::string pack = dir.file("zarechny.mbtiles");
    std::string hash;
    Stick() {
        fs::copy_file(VMESTE_DEMO_PACK, pack);
        auto h = core::file_sha256(pack);
        EXPECT_TRUE(h);
        hash = h ? *h : "";
        std::ofstream(pack + ".sha256") << hash << "  zarechny.mbtiles\n";
    }
};

size_t files_in(const std::string& dir) {
    std::error_code ec;
    size_t n = 0;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); ++it)
        ++n;
    return n;
}

}  // namespace

TEST(RegionPack, ACheckedPackBecomesTheTerminalsMapWithItsVersion) {
    Stick stick;
    test::TempDir data;
    EXPECT_FALSE(core::active_region_pack(data.path()));
    auto r = core::install_region_pack(data.path(), stick.pack);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->name, "Заречный (демо)");
    EXPECT_EQ(r->version, "2026.12-1");  // tools/region/CMakeLists.txt builds it so
    EXPECT_EQ(r->addresses, 190);
    EXPECT_EQ(r->sha256, stick.hash);
    auto active = core::active_region_pack(data.path());
    ASSERT_TRUE(active);
    EXPECT_EQ(active->file, r->file);
    EXPECT_EQ(active->version, "2026.12-1");
    EXPECT_EQ(active->addresses, 190);
    // The copy is the pack, byte for byte.
    EXPECT_EQ(*core::file_sha256(active->file), stick.hash);
    EXPECT_EQ(active->summary(), "Заречный (демо) 2026.12-1, 190 addresses");
}

TEST(RegionPack, AWrongOrMissingChecksumAndJunkAreRefusedAndNothingChanges) {
    Stick stick;
    test::TempDir data;
    // A byte changed on the way (a bad stick): its hash no longer matches.
    const std::string spoilt = stick.dir.file("spoilt.mbtiles");
    fs::copy_file(stick.pack, spoilt);
    {
        std::fstream f(spoilt, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(50000);
        f.put('\x5a');
    }
    auto bad = core::install_region_pack(data.path(), spoilt, stick.hash);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kCorrupt);
    EXPECT_FALSE(core::active_region_pack(data.path()));
    EXPECT_EQ(files_in(data.path() + "/region"), 0u) << "no half-copied pack left";
    // No .sha256 beside it and none given.
    auto unchecked = core::install_region_pack(data.path(), spoilt);
    ASSERT_FALSE(unchecked);
    EXPECT_NE(unchecked.error().message.find(".sha256"), std::string::npos);
    // Not a pack at all, with a right hash of itself.
    const std::string junk = stick.dir.file("notes.txt");
    std::ofstream(junk) << "not a map";
    auto h = core::file_sha256(junk);
    EXPECT_FALSE(core::install_region_pack(data.path(), junk, *h));
    EXPECT_FALSE(core::install_region_pack(data.path(), stick.pack, "12345"));
    EXPECT_FALSE(core::active_region_pack(data.path()));
}

TEST(RegionPack, AnOlderVersionIsRefusedUnlessAskedAndANewerReplacesTheOld) {
    Stick stick;
    test::TempDir data;
    ASSERT_TRUE(core::install_region_pack(data.path(), stick.pack));
    const std::string first = core::active_region_pack(data.path())->file;
    // The same pack stamped newer and older (its metadata rewritten, its hash made again).
    auto restamp = [&](const std::string& version) {
        const std::string p = stick.dir.file("v" + version + ".mbtiles");
        fs::copy_file(stick.pack, p, fs::copy_options::overwrite_existing);
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
        const std::string sql =
            "UPDATE metadata SET value='" + version + "' WHERE name='vmeste_pack_version'";
        EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
        std::ofstream(p + ".sha256") << *core::file_sha256(p) << "  x\n";
        return p;
    };
    const std::string newer = restamp("2026.12-10"), older = restamp("2026.11-3");
    auto refused = core::install_region_pack(data.path(), older);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    EXPECT_EQ(core::active_region_pack(data.path())->version, "2026.12-1");
    auto up = core::install_region_pack(data.path(), newer);
    ASSERT_TRUE(up) << up.error().message;
    EXPECT_EQ(core::active_region_pack(data.path())->version, "2026.12-10");
    EXPECT_FALSE(fs::exists(first)) << "the replaced pack is gone";
    EXPECT_EQ(files_in(data.path() + "/region"), 2u) << "the pack and active.json";
    auto back = core::install_region_pack(data.path(), older, "", /*allow_older=*/true);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(core::active_region_pack(data.path())->version, "2026.11-3");
}

TEST(RegionPack, VersionsCompareByTheirNumbers) {
    EXPECT_LT(core::compare_pack_versions("2026.12-1", "2026.12-10"), 0);
    EXPECT_GT(core::compare_pack_versions("2027.1", "2026.12-10"), 0);
    EXPECT_EQ(core::compare_pack_versions("2026.12", "2026.12-0"), 0);
}

TEST(RegionPack, TheKioskOpensTheActivePackAndTheReceiptNamesIt) {
    Stick stick;
    test::TempDir data;
    core::Kiosk::Options ko;
    ko.config.data_dir = data.path();
    ko.start_uploader = false;
    ko.config.printer = "none";
    {
        auto bare = core::Kiosk::start(ko);
        ASSERT_TRUE(bare) << bare.error().message;
        EXPECT_FALSE((*bare)->session().map_available()) << "no pack, no map";
    }
    ASSERT_TRUE(core::install_region_pack(data.path(), stick.pack));
    auto k = core::Kiosk::start(ko);
    ASSERT_TRUE(k) << k.error().message;
    EXPECT_TRUE((*k)->session().map_available());
    EXPECT_TRUE((*k)->session().addresses_available());
    core::ProvisioningReport report{"DEV-1", "МФЦ", "https://x", "S", "07.12.2026", {}, {}};
    report.region = core::active_region_pack(data.path())->summary();
    EXPECT_NE(core::provisioning_receipt(report).find("190 addresses"), std::string::npos);
    report.region.clear();
    EXPECT_NE(core::provisioning_receipt(report).find("none"), std::string::npos);
}
