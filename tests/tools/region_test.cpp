// vmeste-region against the project's OSM extract (tools/region/demo/zarechny.osm) with the real
// tools: libosmium reads it, Debian's tilemaker makes the tiles. What is expected comes from the
// extract as written (make_demo_osm.py's metres from the МФЦ's corner), not from the tool.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "kiosk/core/address_index.h"
#include "kiosk/core/map_tiles.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;

namespace {

constexpr double kLat0 = 56.0, kLon0 = 37.0, kMLat = 111195.0;
const double kMLon = kMLat * std::cos(kLat0 * M_PI / 180.0);
double lat_of(double y) {
    return kLat0 + y / kMLat;
}
double lon_of(double x) {
    return kLon0 + x / kMLon;
}

std::string run(const std::string& args) {
    std::string out;
    FILE* p = popen((std::string(VMESTE_REGION) + " " + args + " 2>&1").c_str(), "r");
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    const int status = pclose(p);
    return out + "\nexit " + std::to_string(WEXITSTATUS(status));
}

const std::string kDemo = std::string(VMESTE_SOURCE_DIR) + "/tools/region/demo/zarechny.osm";

// One pack built for all the tests here (tilemaker takes a fraction of a second).
class RegionBuild : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir;
        pack_ = dir_->file("zarechny.mbtiles");
        out_ = run("build " + kDemo + " " + pack_ +
                   " --name 'Заречный' --version 2026.12-3 --city Заречный");
    }
    static void TearDownTestSuite() { delete dir_; }
    static test::TempDir* dir_;
    static std::string pack_, out_;
};
test::TempDir* RegionBuild::dir_ = nullptr;
std::string RegionBuild::pack_, RegionBuild::out_;

}  // namespace

TEST_F(RegionBuild, EveryAddressOfTheExtractIsFoundWhereItIs) {
    ASSERT_NE(out_.find("exit 0"), std::string::npos) << out_;
    auto ix = core::AddressIndex::open(pack_);
    ASSERT_TRUE(ix) << ix.error().message;
    // 3 streets × 2 sides × 24 houses less the МФЦ's gap on Ленина (2), Школьная 14,
    // Набережная 24, the МФЦ, the school, the block round a courtyard, the shop, Ивановка's 6.
    EXPECT_EQ((*ix)->houses(), 3 * 2 * 24 - 2 + 14 + 24 + 1 + 1 + 1 + 1 + 6);
    // The МФЦ: a building on улица Ленина at x 20..90, y 14..50: its centroid.
    auto mfc = (*ix)->suggest("ул. Ленина, д. 1", 1, kLat0, kLon0);
    ASSERT_EQ(mfc.size(), 1u);
    EXPECT_EQ(mfc[0].label(), "улица Ленина, 1");
    EXPECT_EQ(mfc[0].city, "Заречный");
    EXPECT_NEAR(mfc[0].lat, lat_of(32), 1e-6);
    EXPECT_NEAR(mfc[0].lon, lon_of(55), 1e-6);
    // A multipolygon relation (outer -660..-560 × 200..290): its outer ring's centroid.
    auto flats = (*ix)->suggest("зеленая 1", 1, kLat0, kLon0);
    ASSERT_EQ(flats.size(), 1u);
    EXPECT_EQ(flats[0].label(), "Зелёная улица, 1");
    EXPECT_NEAR(flats[0].lat, lat_of(245), 1e-6);
    EXPECT_NEAR(flats[0].lon, lon_of(-610), 1e-6);
    // An address point (a node), a numbered place, a block and a letter.
    auto shop = (*ix)->suggest("садовая 15а", 2, kLat0, kLon0);
    ASSERT_FALSE(shop.empty());
    EXPECT_EQ(shop[0].label(), "Садовая улица, 15а");
    EXPECT_NEAR(shop[0].lat, lat_of(-140), 1e-6);
    EXPECT_EQ((*ix)->suggest("Ивановка 3", 2, kLat0, kLon0).at(0).label(), "деревня Ивановка, 3");
    EXPECT_EQ((*ix)->suggest("ленина 12 корп 1", 2, kLat0, kLon0).at(0).label(),
              "улица Ленина, 12к1");
    EXPECT_EQ((*ix)->suggest("ул. 8 Марта, 14", 2, kLat0, kLon0).at(0).label(),
              "улица 8 Марта, 14");
    // A named street with no houses of its own is a street too.
    EXPECT_EQ((*ix)->suggest("пр-т мира", 2, kLat0, kLon0).at(0).label(), "проспект Мира");
    // Under a pin on проспект Мира, 200 m north of Ленина: the street itself.
    auto on = (*ix)->nearest(lat_of(230), lon_of(2));
    ASSERT_TRUE(on);
    EXPECT_EQ(on->hit.label(), "проспект Мира");
}

TEST_F(RegionBuild, ThePackIsVectorMbtilesNamedVersionedAndItsChecksumBeside) {
    ASSERT_NE(out_.find("exit 0"), std::string::npos) << out_;
    auto tiles = core::MbTiles::open(pack_);
    ASSERT_TRUE(tiles) << tiles.error().message;
    EXPECT_EQ((*tiles)->metadata().format, "pbf");
    EXPECT_EQ((*tiles)->metadata().name, "Заречный");
    EXPECT_EQ((*tiles)->metadata().data_max_zoom, 14);
    // The extract's <bounds>: 900 m south, 1,200 m west of the МФЦ's corner.
    EXPECT_NEAR((*tiles)->metadata().south, lat_of(-900), 1e-5);
    EXPECT_NEAR((*tiles)->metadata().west, lon_of(-1200), 1e-5);
    // The МФЦ's tile at zoom 14 is there.
    const int x = static_cast<int>(core::lon_to_world_x(kLon0, 14) / 256);
    const int y = static_cast<int>(core::lat_to_world_y(kLat0, 14) / 256);
    auto t = (*tiles)->tile(14, x, y);
    ASSERT_TRUE(t);
    ASSERT_TRUE(t->has_value());
    // gzip's magic: vector tiles are stored compressed (MBTiles 1.3).
    EXPECT_EQ(static_cast<unsigned char>((**t)[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>((**t)[1]), 0x8b);
    const std::string info = run("info " + pack_);
    EXPECT_NE(info.find("vmeste_pack_version: 2026.12-3"), std::string::npos) << info;
    EXPECT_NE(info.find("vmeste_addresses: 190"), std::string::npos) << info;
    // OUTPUT.sha256 in sha256sum's format: sha256sum itself agrees.
    FILE* p =
        popen(("cd " + dir_->path() + " && sha256sum -c zarechny.mbtiles.sha256").c_str(), "r");
    char buf[256] = {};
    ASSERT_NE(fgets(buf, sizeof buf, p), nullptr);
    EXPECT_EQ(pclose(p), 0) << buf;
    EXPECT_NE(std::string(buf).find("zarechny.mbtiles: OK"), std::string::npos) << buf;
}

TEST(Region, ABrokenExtractIsAClearErrorAndLeavesNoPack) {
    test::TempDir dir;
    const std::string broken = dir.file("broken.osm");
    {
        std::ifstream in(kDemo);
        std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream(broken) << all.substr(0, all.size() / 2);  // cut mid-element
    }
    const std::string out =
        run("build " + broken + " " + dir.file("out.mbtiles") + " --name X --version 1");
    EXPECT_EQ(out.find("exit 0"), std::string::npos) << out;
    EXPECT_NE(out.find("broken.osm"), std::string::npos) << out;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.mbtiles")));
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                            std::filesystem::directory_iterator()),
              1)
        << "the work folder is gone";
    EXPECT_NE(run("build " + dir.file("absent.osm") + " x.mbtiles --name X --version 1")
                  .find("no such file"),
              std::string::npos);
    EXPECT_NE(run("build " + kDemo + " x.mbtiles --name X --version 'one two'").find("exit 2"),
              std::string::npos);
}
