// The region pack's vector tiles drawn by the kiosk: the demo town's pack (made by vmeste-region
// with tilemaker from tools/region/demo/zarechny.osm) loaded through the map's TileCache, and
// the colours at places whose geometry the extract gives (metres from the МФЦ's corner, as
// make_demo_osm.py writes them), at the file's own zoom and drawn deeper from it.
#include "image/vector_tile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>

#include <zlib.h>

#include "kiosk/core/map_tiles.h"

using namespace vmeste;

namespace {

constexpr double kLat0 = 56.0, kLon0 = 37.0, kMLat = 111195.0;
const double kMLon = kMLat * std::cos(kLat0 * M_PI / 180.0);

struct Rgb {
    int r, g, b;
};
constexpr Rgb kLand{0xF2, 0xEF, 0xE9}, kBuilding{0xD9, 0xD0, 0xC9}, kMajor{0xFC, 0xD6, 0xA4},
    kMinor{0xFF, 0xFF, 0xFF}, kGreen{0xCD, 0xEB, 0xC0}, kWater{0xAA, 0xD3, 0xDF};

bool near(const uint8_t* p, Rgb c, int tolerance = 6) {
    return std::abs(p[0] - c.r) <= tolerance && std::abs(p[1] - c.g) <= tolerance &&
           std::abs(p[2] - c.b) <= tolerance;
}

// The demo pack through the real loader: get() until the tile comes (woken by the loader).
class DemoMap {
  public:
    DemoMap() {
        auto file = core::MbTiles::open(VMESTE_DEMO_PACK);
        EXPECT_TRUE(file) << file.error().message;
        if (file)
            cache_.emplace(std::move(file).value(), [this] {
                std::lock_guard lock(mu_);
                ++woken_;
                cv_.notify_all();
            });
    }
    core::TileCache& cache() { return *cache_; }
    // The pixel of tile-pixel size `side` at (x, y) metres from the МФЦ's corner, at `zoom`.
    const uint8_t* pixel(double x, double y, int zoom, int side = 256) {
        cache_->set_tile_pixels(side);
        const double wx = core::lon_to_world_x(kLon0 + x / kMLon, zoom);
        const double wy = core::lat_to_world_y(kLat0 + y / kMLat, zoom);
        const int tx = static_cast<int>(wx / 256), ty = static_cast<int>(wy / 256);
        core::TileCache::Tile t;
        std::unique_lock lock(mu_);
        for (int tries = 0; tries < 50 && !(t = get_unlocked(zoom, tx, ty)); ++tries) {
            if (cache_->missing(zoom, tx, ty)) return nullptr;
            const long seen = woken_;
            cv_.wait_for(lock, std::chrono::seconds(5), [&] { return woken_ != seen; });
        }
        if (!t) return nullptr;
        tiles_.push_back(t);
        const int px = static_cast<int>((wx - tx * 256.0) * side / 256.0);
        const int py = static_cast<int>((wy - ty * 256.0) * side / 256.0);
        return t->at(px, py);
    }

  private:
    core::TileCache::Tile get_unlocked(int z, int x, int y) {
        mu_.unlock();
        auto t = cache_->get(z, x, y);
        mu_.lock();
        return t;
    }
    std::mutex mu_;
    std::condition_variable cv_;
    long woken_ = 0;
    std::optional<core::TileCache> cache_;
    std::vector<core::TileCache::Tile> tiles_;
};

// The demo pack's z14 tile with the МФЦ, as stored (gzip'd); empty if it cannot be read.
std::string mfc_tile() {
    auto file = core::MbTiles::open(VMESTE_DEMO_PACK);
    if (!file) return {};
    const int tx = static_cast<int>(core::lon_to_world_x(kLon0, 14) / 256);
    const int ty = static_cast<int>(core::lat_to_world_y(kLat0, 14) / 256);
    auto bytes = (*file)->tile(14, tx, ty);
    return bytes && *bytes ? **bytes : std::string();
}

}  // namespace

TEST(VectorTile, TheDemoTownIsDrawnWhereItsExtractPutsItAtEveryZoom) {
    DemoMap map;
    ASSERT_TRUE(map.cache().metadata().vector);
    EXPECT_EQ(map.cache().metadata().data_max_zoom, 14);
    EXPECT_EQ(map.cache().metadata().max_zoom, 18);
    for (int zoom : {15, 16, 17, 18}) {
        SCOPED_TRACE(zoom);
        // Inside the МФЦ (x 20..90, y 14..50), away from its number's label.
        const uint8_t* p = map.pixel(80, 44, zoom);
        ASSERT_NE(p, nullptr);
        EXPECT_TRUE(near(p, kBuilding)) << int(p[0]) << "," << int(p[1]) << "," << int(p[2]);
        // In the park (x −330..−20, y 180..300), in the river's water (y −420..−345).
        EXPECT_TRUE(near(map.pixel(-250, 250, zoom), kGreen));
        EXPECT_TRUE(near(map.pixel(-500, -400, zoom), kWater));
        // Bare land between Зелёная's houses and Школьная.
        EXPECT_TRUE(near(map.pixel(200, 260, zoom), kLand));
    }
}

TEST(VectorTile, StreetsAreDrawnByClassAndNamedWhereTheNameFits) {
    // The z14 tile with the МФЦ; проспект Мира (primary) runs north along x = 0, Школьная
    // (residential) along y = 320.
    const std::string bytes = mfc_tile();
    ASSERT_FALSE(bytes.empty());
    auto tile = image::parse_vector_tile(bytes);
    ASSERT_TRUE(tile) << tile.error().message;
    const int tx = static_cast<int>(core::lon_to_world_x(kLon0, 14) / 256);
    const int ty = static_cast<int>(core::lat_to_world_y(kLat0, 14) / 256);
    // Drawn at z16, each place from the sub-tile (of 4 × 4) it is in.
    auto at = [&](double x, double y, bool labels, image::Raster* whole = nullptr) {
        const double px = core::lon_to_world_x(kLon0 + x / kMLon, 16) - tx * 1024.0;
        const double py = core::lat_to_world_y(kLat0 + y / kMLat, 16) - ty * 1024.0;
        const int sx = static_cast<int>(px / 256), sy = static_cast<int>(py / 256);
        EXPECT_TRUE(sx >= 0 && sx < 4 && sy >= 0 && sy < 4) << x << "," << y;
        image::Raster r = image::render_vector_tile(**tile, 2, sx, sy, 16, 256, labels);
        const uint8_t* p = r.at(static_cast<int>(px) - sx * 256, static_cast<int>(py) - sy * 256);
        const Rgb c{p[0], p[1], p[2]};
        if (whole) *whole = std::move(r);
        return c;
    };
    auto is = [](Rgb c, Rgb want) {
        const uint8_t p[3] = {static_cast<uint8_t>(c.r), static_cast<uint8_t>(c.g),
                              static_cast<uint8_t>(c.b)};
        return near(p, want);
    };
    EXPECT_TRUE(is(at(0, 100, false), kMajor)) << "проспект Мира";
    EXPECT_TRUE(is(at(100, 320, false), kMinor)) << "Школьная улица";
    EXPECT_TRUE(is(at(0, 0, false), kMajor)) << "Мира over Ленина where they cross";
    // With labels: dark text appears, and only there (all 16 sub-tiles at z16).
    long text = 0, text_bare = 0;
    for (int sy = 0; sy < 4; ++sy)
        for (int sx = 0; sx < 4; ++sx) {
            const image::Raster bare = image::render_vector_tile(**tile, 2, sx, sy, 16, 256, false);
            const image::Raster named = image::render_vector_tile(**tile, 2, sx, sy, 16, 256, true);
            for (int y = 0; y < 256; ++y)
                for (int x = 0; x < 256; ++x) {
                    text += named.at(x, y)[0] < 0x60;
                    text_bare += bare.at(x, y)[0] < 0x60;
                }
        }
    EXPECT_EQ(text_bare, 0);
    EXPECT_GT(text, 100) << "street names drawn";
    // At z14 no street is named (they would not fit): the only text is the town's name, about
    // its place node (x 0, y 200) — 23 px from the tile's right edge, so the name is moved left
    // to be drawn whole (APlaceNameByTheTilesEdge…).
    const image::Raster wide = image::render_vector_tile(**tile, 0, 0, 0, 14, 256, true);
    const double nx = core::lon_to_world_x(kLon0, 14) - tx * 256.0;
    const double ny = core::lat_to_world_y(kLat0 + 200 / kMLat, 14) - ty * 256.0;
    long text14 = 0, elsewhere = 0;
    for (int y = 0; y < 256; ++y)
        for (int x = 0; x < 256; ++x) {
            if (wide.at(x, y)[0] >= 0x60) continue;
            ++text14;
            elsewhere += x < nx - 130 || x > 255 || std::abs(y - ny) > 16;
        }
    EXPECT_GT(text14, 20) << "the town's name";
    EXPECT_EQ(elsewhere, 0);
}

TEST(VectorTile, BrokenTilesAreRefusedNotDrawn) {
    EXPECT_FALSE(image::parse_vector_tile(std::string("\x1f\x8b\x08\x00garbage", 12)));
    // A field key promising more bytes than there are.
    EXPECT_FALSE(image::parse_vector_tile(std::string("\x1a\xff\xff\x03", 4)));
    const std::string bytes = mfc_tile();
    ASSERT_FALSE(bytes.empty());
    // Cut short: gzip's check fails.
    EXPECT_FALSE(image::parse_vector_tile(std::string_view(bytes).substr(0, bytes.size() / 2)));
    // Every byte of the inflated tile spoilt in turn: refused or drawn, never a crash (ASan
    // watches).
    std::string raw(1 << 20, '\0');
    z_stream zs{};
    ASSERT_EQ(inflateInit2(&zs, 15 + 32), Z_OK);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs.avail_in = static_cast<uInt>(bytes.size());
    zs.next_out = reinterpret_cast<Bytef*>(raw.data());
    zs.avail_out = static_cast<uInt>(raw.size());
    ASSERT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
    raw.resize(zs.total_out);
    inflateEnd(&zs);
    ASSERT_TRUE(image::parse_vector_tile(raw));
    long refused = 0;
    for (size_t i = 0; i < raw.size(); i += std::max<size_t>(1, raw.size() / 400)) {
        std::string bad = raw;
        bad[i] = static_cast<char>(bad[i] ^ 0xA5);
        auto t = image::parse_vector_tile(bad);
        if (!t) {
            ++refused;
            continue;
        }
        const image::Raster r = image::render_vector_tile(**t, 0, 0, 0, 14, 64);
        EXPECT_EQ(r.width, 64);
    }
    EXPECT_GT(refused, 0);
    // An empty tile is a tile with nothing on it.
    auto empty = image::parse_vector_tile("");
    ASSERT_TRUE(empty);
    EXPECT_TRUE((*empty)->features.empty());
}

// A real extract's place names (Monaco's «Monte-Carlo») sit by the tile's edge, and the name is
// wider than tilemaker's buffer: the neighbour has no point to draw its half. The tile the point
// is in draws the whole name, moved inside; a point in the buffer beyond the edge draws nothing
// (it is the neighbour's, which moves it inside itself).
TEST(VectorTile, APlaceNameByTheTilesEdgeIsDrawnWholeByTheTileItIsIn) {
    auto tile_with = [](float x) {
        auto t = std::make_shared<image::VectorTile>();
        image::VectorFeature f;
        f.type = image::VectorFeature::Type::kPoint;
        f.kind = "place";
        f.name = "Монте-Карло";
        f.parts = {{x, 2048}};
        f.x0 = f.x1 = x;
        f.y0 = f.y1 = 2048;
        t->features.push_back(f);
        return t;
    };
    // Columns with dark text, and the first and last of them.
    auto text_columns = [](const image::Raster& r, int* first, int* last) {
        int n = 0;
        *first = r.width, *last = -1;
        for (int x = 0; x < r.width; ++x) {
            bool dark = false;
            for (int y = 0; y < r.height && !dark; ++y) dark = r.at(x, y)[0] < 0x60;
            if (!dark) continue;
            ++n;
            *first = std::min(*first, x), *last = std::max(*last, x);
        }
        return n;
    };
    int first = 0, last = 0;
    // In the middle: the whole name's width, for comparison.
    const int whole = text_columns(
        image::render_vector_tile(*tile_with(2048), 0, 0, 0, 14, 256, true), &first, &last);
    ASSERT_GT(whole, 60);
    // 10 units (under a pixel) from the right edge: all of it, inside the tile.
    const int by_edge = text_columns(
        image::render_vector_tile(*tile_with(4086), 0, 0, 0, 14, 256, true), &first, &last);
    EXPECT_GE(by_edge, whole - 2);
    EXPECT_LT(last, 255) << "cut at the edge";
    // In the buffer beyond the edge: the neighbour's to draw.
    EXPECT_EQ(text_columns(image::render_vector_tile(*tile_with(4100), 0, 0, 0, 14, 256, true),
                           &first, &last),
              0);
}
