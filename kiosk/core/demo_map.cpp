#include "kiosk/core/demo_map.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "image/jpeg.h"
#include "kiosk/core/map_tiles.h"

namespace vmeste::core {

namespace {

struct Rgb {
    uint8_t r, g, b;
};

// The colour of a world pixel at zoom 17 (x, y), with `px` world-17 pixels per screen pixel.
Rgb paint(double x, double y, double px) {
    const Rgb land{0xF2, 0xEF, 0xE9}, park{0xC8, 0xE6, 0xC0}, water{0xAA, 0xD3, 0xDF},
        street{0xFF, 0xFF, 0xFF}, avenue{0xFC, 0xD6, 0xA4}, edge{0xD6, 0xD0, 0xC6};
    // Rivers winding west to east, one every 4,000 px.
    const double wave = 220 * std::sin(x / 900.0);
    const double river_centre = std::floor(y / 4000.0) * 4000.0 + 2600 + wave;
    if (std::abs(y - river_centre) < std::max(40.0, 2 * px)) return water;
    // Avenues every 600 px, streets every 150 px (about 100 m at Moscow's latitude).
    auto near_line = [&](double v, double step, double half) {
        const double d = std::abs(v - std::round(v / step) * step);
        return d < std::max(half, px * 0.6);
    };
    const double avenue_half = 11, street_half = 5;
    if (px < 24 && (near_line(x, 600, avenue_half) || near_line(y, 600, avenue_half)))
        return avenue;
    if (px < 6 && (near_line(x, 150, street_half) || near_line(y, 150, street_half))) return street;
    if (px < 6 && (near_line(x, 150, street_half + 2) || near_line(y, 150, street_half + 2)))
        return edge;
    // Some blocks are parks.
    const long bx = static_cast<long>(std::floor(x / 150)),
               by = static_cast<long>(std::floor(y / 150));
    const unsigned long h = static_cast<unsigned long>(bx * 73856093L ^ by * 19349663L);
    if (h % 7 == 0) return park;
    return land;
}

}  // namespace

Result<void> write_demo_map(const std::string& path, const DemoMapOptions& o) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return make_error(ErrorCode::kIo, "cannot create " + path + ": " + msg);
    }
    auto exec = [&](const std::string& sql) {
        return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    };
    bool ok = exec("BEGIN") && exec("CREATE TABLE metadata (name TEXT, value TEXT)") &&
              exec(
                  "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
                  "tile_data BLOB)") &&
              exec("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)");
    sqlite3_stmt* ins = nullptr;
    ok = ok && sqlite3_prepare_v2(db, "INSERT INTO tiles VALUES(?,?,?,?)", -1, &ins, nullptr) ==
                   SQLITE_OK;
    double west = 180, east = -180, north = -90, south = 90;
    for (int z = o.min_zoom; ok && z <= o.max_zoom; ++z) {
        const int cx = static_cast<int>(lon_to_world_x(o.lon, z) / 256);
        const int cy = static_cast<int>(lat_to_world_y(o.lat, z) / 256);
        const double scale = std::ldexp(1.0, 17 - z);  // world-17 pixels per pixel at z
        for (int ty = cy - o.radius; ok && ty <= cy + o.radius; ++ty)
            for (int tx = cx - o.radius; ok && tx <= cx + o.radius; ++tx) {
                image::Raster r;
                r.width = r.height = 256;
                r.rgb.resize(256 * 256 * 3);
                for (int py = 0; py < 256; ++py)
                    for (int px = 0; px < 256; ++px) {
                        const Rgb c =
                            paint((tx * 256.0 + px) * scale, (ty * 256.0 + py) * scale, scale);
                        uint8_t* d = r.at(px, py);
                        d[0] = c.r, d[1] = c.g, d[2] = c.b;
                    }
                auto jpeg = image::encode_jpeg(r, 82);
                if (!jpeg) {
                    ok = false;
                    break;
                }
                sqlite3_reset(ins);
                sqlite3_bind_int(ins, 1, z);
                sqlite3_bind_int(ins, 2, tx);
                sqlite3_bind_int(ins, 3, (1 << z) - 1 - ty);  // TMS
                sqlite3_bind_blob(ins, 4, jpeg->data(), static_cast<int>(jpeg->size()),
                                  SQLITE_TRANSIENT);
                ok = sqlite3_step(ins) == SQLITE_DONE;
                if (z == o.min_zoom) {
                    west = std::min(west, world_x_to_lon(tx * 256.0, z));
                    east = std::max(east, world_x_to_lon(tx * 256.0 + 256, z));
                    north = std::max(north, world_y_to_lat(ty * 256.0, z));
                    south = std::min(south, world_y_to_lat(ty * 256.0 + 256, z));
                }
            }
    }
    sqlite3_finalize(ins);
    char bounds[128], center[96];
    std::snprintf(bounds, sizeof bounds, "%.6f,%.6f,%.6f,%.6f", west, south, east, north);
    std::snprintf(center, sizeof center, "%.6f,%.6f,%d", o.lon, o.lat, o.max_zoom - 1);
    const std::pair<std::string, std::string> meta[] = {
        {"name", o.name},
        {"format", "jpg"},
        {"type", "baselayer"},
        {"version", "1"},
        {"description", "A made-up map for demonstrations and tests"},
        {"minzoom", std::to_string(o.min_zoom)},
        {"maxzoom", std::to_string(o.max_zoom)},
        {"bounds", bounds},
        {"center", center}};
    for (const auto& [k, v] : meta) {
        if (!ok) break;
        sqlite3_stmt* st = nullptr;
        ok = sqlite3_prepare_v2(db, "INSERT INTO metadata VALUES(?,?)", -1, &st, nullptr) ==
             SQLITE_OK;
        if (ok) {
            sqlite3_bind_text(st, 1, k.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, v.c_str(), -1, SQLITE_TRANSIENT);
            ok = sqlite3_step(st) == SQLITE_DONE;
        }
        sqlite3_finalize(st);
    }
    ok = ok && exec("COMMIT");
    const std::string err = sqlite3_errmsg(db);
    sqlite3_close(db);
    if (!ok) return make_error(ErrorCode::kIo, "writing " + path + ": " + err);
    return {};
}

}  // namespace vmeste::core
