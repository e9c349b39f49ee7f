// vmeste-bench-tiles [PACK [SIZE]]: how long the map's loader thread takes to draw a vector tile
// of a region pack — decode (gzip + protobuf) and cairo drawing with labels, as the kiosk does —
// for every z14 tile of PACK at z14 and every one of its sub-tiles at z16 and z18 (each drawn
// from its z14 tile), SIZE pixels square (512: a map scale of 2). The baseline in the same run is
// the demo town's pack (synthetic, sparse); PACK is a real extract (docs/performance.md: Monaco's
// OpenStreetMap data, the densest city there is). Goal: p99 within 50 ms, so a pan fills in a
// few frames while the UI thread only uploads what is drawn.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "image/vector_tile.h"
#include "kiosk/core/map_tiles.h"

using namespace vmeste;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
    std::vector<double> decode_ms, draw_ms;
    long tiles = 0;
    size_t bytes = 0;
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

bool measure(const std::string& path, int size, Figures& f) {
    auto pack = core::MbTiles::open(path);
    if (!pack) {
        std::fprintf(stderr, "%s\n", pack.error().message.c_str());
        return false;
    }
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        return false;
    std::vector<std::pair<int, int>> tiles;  // x, y (from the north)
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT tile_column, tile_row FROM tiles WHERE zoom_level = 14", -1, &st,
                       nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
        tiles.emplace_back(sqlite3_column_int(st, 0), (1 << 14) - 1 - sqlite3_column_int(st, 1));
    sqlite3_finalize(st);
    sqlite3_close(db);
    for (auto [x, y] : tiles) {
        auto bytes = (*pack)->tile(14, x, y);
        if (!bytes || !*bytes) continue;
        f.bytes += (*bytes)->size();
        const auto t0 = Clock::now();
        auto tile = image::parse_vector_tile(**bytes);
        f.decode_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!tile) continue;
        ++f.tiles;
        for (int dz : {0, 2, 4})
            for (int sy = 0; sy < (1 << dz); ++sy)
                for (int sx = 0; sx < (1 << dz); ++sx) {
                    const auto d0 = Clock::now();
                    image::Raster r =
                        image::render_vector_tile(**tile, dz, sx, sy, 14 + dz, size, true);
                    f.draw_ms.push_back(
                        std::chrono::duration<double, std::milli>(Clock::now() - d0).count());
                    if (r.width != size) return false;
                }
    }
    return true;
}

void print(const char* what, const Figures& f) {
    std::printf(
        "%-22s %4ld z14 tiles (%6.1f KiB), decode p50 %.2f p99 %.2f ms; draw %5zu tiles p50 "
        "%.2f p99 %.2f max %.2f ms\n",
        what, f.tiles, static_cast<double>(f.bytes) / 1024, percentile(f.decode_ms, 0.5),
        percentile(f.decode_ms, 0.99), f.draw_ms.size(), percentile(f.draw_ms, 0.5),
        percentile(f.draw_ms, 0.99), percentile(f.draw_ms, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
    const std::string pack = argc > 1 ? argv[1] : "";
    const int size = argc > 2 ? std::atoi(argv[2]) : 512;
    Figures base, real;
    if (!measure(VMESTE_DEMO_PACK, size, base)) return 1;
    print("demo town (baseline)", base);
    if (pack.empty()) return 0;
    if (!measure(pack, size, real)) return 1;
    print(pack.c_str(), real);
    const double p99 = percentile(real.draw_ms, 0.99);
    std::printf("tile draw p99 %.2f ms vs the demo's %.2f ms; goal 50 ms: %s\n", p99,
                percentile(base.draw_ms, 0.99), p99 <= 50 ? "met" : "NOT MET");
    return 0;
}
