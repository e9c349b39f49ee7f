#include "kiosk/core/map_tiles.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "image/decode.h"
#include "kiosk/base/log.h"

namespace vmeste::core {

namespace {

std::string column_text(sqlite3_stmt* st, int i) {
    const unsigned char* t = sqlite3_column_text(st, i);
    return t ? reinterpret_cast<const char*>(t) : "";
}

std::optional<double> number(const std::string& s) {
    try {
        size_t used = 0;
        const double v = std::stod(s, &used);
        return used > 0 ? std::optional<double>(v) : std::nullopt;
    } catch (...) {
        return std::nullopt;
    }
}

}  // namespace

Result<std::unique_ptr<MbTiles>> MbTiles::open(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return make_error(ErrorCode::kNotFound, "map file " + path + ": " + msg);
    }
    std::unique_ptr<MbTiles> m(new MbTiles(db));
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT name, value FROM metadata", -1, &st, nullptr) != SQLITE_OK)
        return make_error(ErrorCode::kInvalidInput,
                          "map file " + path + " is not MBTiles (no metadata table)");
    MapMetadata& meta = m->meta_;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const std::string k = column_text(st, 0), v = column_text(st, 1);
        if (k == "name") meta.name = v;
        if (k == "format") meta.format = v;
        if (k == "minzoom") meta.min_zoom = static_cast<int>(number(v).value_or(0));
        if (k == "maxzoom") meta.max_zoom = static_cast<int>(number(v).value_or(0));
        if (k == "bounds" || k == "center") {
            double p[4] = {0, 0, 0, 0};
            int n = 0;
            for (size_t i = 0; i <= v.size() && n < 4;) {
                const size_t comma = std::min(v.find(',', i), v.size());
                if (auto d = number(v.substr(i, comma - i))) p[n++] = *d;
                i = comma + 1;
            }
            if (k == "bounds" && n == 4) {
                meta.west = p[0], meta.south = p[1], meta.east = p[2], meta.north = p[3];
            } else if (k == "center" && n >= 2) {
                meta.center_lon = p[0];
                meta.center_lat = p[1];
                if (n == 3) meta.center_zoom = static_cast<int>(p[2]);
            }
        }
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "SELECT min(zoom_level), max(zoom_level) FROM tiles", -1, &st,
                           nullptr) != SQLITE_OK)
        return make_error(ErrorCode::kInvalidInput,
                          "map file " + path + " is not MBTiles (no tiles table)");
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        // The zooms the file really has win over what its metadata claims.
        meta.min_zoom = sqlite3_column_int(st, 0);
        meta.max_zoom = sqlite3_column_int(st, 1);
    } else {
        sqlite3_finalize(st);
        return make_error(ErrorCode::kInvalidInput, "map file " + path + " has no tiles");
    }
    sqlite3_finalize(st);
    meta.data_max_zoom = meta.max_zoom;
    if (meta.format == "pbf") {
        meta.vector = true;
        meta.max_zoom = std::min(18, meta.data_max_zoom + 4);
    }
    if (meta.format != "png" && meta.format != "jpg" && meta.format != "jpeg" &&
        meta.format != "pbf")
        return make_error(ErrorCode::kInvalidInput,
                          "map file " + path + ": tile format '" + meta.format +
                              "' is neither raster (png, jpg) nor vector (pbf)");
    return m;
}

MbTiles::~MbTiles() {
    sqlite3_close(db_);
}

Result<std::optional<std::string>> MbTiles::tile(int z, int x, int y) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_,
                           "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? "
                           "AND tile_row = ?",
                           -1, &st, nullptr) != SQLITE_OK)
        return make_error(ErrorCode::kIo, sqlite3_errmsg(db_));
    sqlite3_bind_int(st, 1, z);
    sqlite3_bind_int(st, 2, x);
    sqlite3_bind_int(st, 3, (1 << z) - 1 - y);  // TMS rows count from the south
    std::optional<std::string> out;
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void* b = sqlite3_column_blob(st, 0);
        out = std::string(static_cast<const char*>(b),
                          static_cast<size_t>(sqlite3_column_bytes(st, 0)));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return make_error(ErrorCode::kIo, sqlite3_errmsg(db_));
    return out;
}

double lon_to_world_x(double lon, int zoom) {
    return (lon + 180.0) / 360.0 * 256.0 * std::ldexp(1.0, zoom);
}

double lat_to_world_y(double lat, int zoom) {
    const double r = std::clamp(lat, -85.0511, 85.0511) * std::numbers::pi / 180.0;
    return (1.0 - std::asinh(std::tan(r)) / std::numbers::pi) / 2.0 * 256.0 * std::ldexp(1.0, zoom);
}

double world_x_to_lon(double x, int zoom) {
    return x / (256.0 * std::ldexp(1.0, zoom)) * 360.0 - 180.0;
}

double world_y_to_lat(double y, int zoom) {
    const double n = std::numbers::pi * (1.0 - 2.0 * y / (256.0 * std::ldexp(1.0, zoom)));
    return std::atan(std::sinh(n)) * 180.0 / std::numbers::pi;
}

TileCache::TileCache(std::unique_ptr<MbTiles> tiles, std::function<void()> wake, size_t capacity)
    : tiles_(std::move(tiles)), wake_(std::move(wake)), capacity_(capacity), id_([] {
          static std::atomic<uint64_t> next{1};
          return next++;
      }()) {
    thread_ = std::thread([this] { loop(); });
}

TileCache::~TileCache() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void TileCache::set_tile_pixels(int side) {
    side = std::clamp(side, 64, 1024);
    {
        std::lock_guard lock(mu_);
        if (side == tile_pixels_) return;
        tile_pixels_ = side;
        if (!tiles_->metadata().vector) return;
        cache_.clear();
        lru_.clear();
    }
    ++generation_;
}

TileCache::Tile TileCache::load(const Key& k, int side) {
    const auto [z, x, y] = k;
    const MapMetadata& meta = tiles_->metadata();
    if (!meta.vector) {
        auto bytes = tiles_->tile(z, x, y);
        if (!bytes) {
            log::warn("map: %s", bytes.error().message.c_str());
            return nullptr;
        }
        if (!*bytes) return nullptr;
        auto raster = image::decode_image(**bytes);
        if (!raster) {
            log::warn("map: tile %d/%d/%d: %s", z, x, y, raster.error().message.c_str());
            return nullptr;
        }
        return std::make_shared<const image::Raster>(std::move(raster).value());
    }
    // A vector tile: drawn from the tile of its own zoom, or of the file's deepest one.
    if (z < meta.min_zoom || z > meta.max_zoom) return nullptr;
    const int dz = std::max(0, z - meta.data_max_zoom);
    const Key source{z - dz, x >> dz, y >> dz};
    std::shared_ptr<const image::VectorTile> vt;
    if (auto it = decoded_.find(source); it != decoded_.end()) {
        vt = it->second;
        decoded_lru_.remove(source);
    } else {
        auto bytes = tiles_->tile(std::get<0>(source), std::get<1>(source), std::get<2>(source));
        if (!bytes) log::warn("map: %s", bytes.error().message.c_str());
        if (bytes && *bytes) {
            auto parsed = image::parse_vector_tile(**bytes);
            if (parsed)
                vt = std::move(parsed).value();
            else
                log::warn("map: tile %d/%d/%d: %s", std::get<0>(source), std::get<1>(source),
                          std::get<2>(source), parsed.error().message.c_str());
        }
        decoded_[source] = vt;
    }
    decoded_lru_.push_front(source);
    while (decoded_lru_.size() > 24) {
        decoded_.erase(decoded_lru_.back());
        decoded_lru_.pop_back();
    }
    if (!vt) return nullptr;
    const int mask = (1 << dz) - 1;
    return std::make_shared<const image::Raster>(
        image::render_vector_tile(*vt, dz, x & mask, y & mask, z, side));
}

TileCache::Tile TileCache::get(int z, int x, int y) {
    const Key k{z, x, y};
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(k); it != cache_.end()) {
        lru_.remove(k);
        lru_.push_front(k);
        return it->second;
    }
    if (std::find(wanted_.begin(), wanted_.end(), k) == wanted_.end()) {
        wanted_.push_back(k);
        cv_.notify_all();
    }
    return nullptr;
}

bool TileCache::missing(int z, int x, int y) const {
    std::lock_guard lock(mu_);
    auto it = cache_.find(Key{z, x, y});
    return it != cache_.end() && !it->second;
}

size_t TileCache::pending() const {
    std::lock_guard lock(mu_);
    return wanted_.size() + (loading_ ? 1 : 0);
}

size_t TileCache::loaded() const {
    std::lock_guard lock(mu_);
    return std::count_if(cache_.begin(), cache_.end(),
                         [](const auto& e) { return e.second != nullptr; });
}

void TileCache::loop() {
    for (;;) {
        Key k;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || !wanted_.empty(); });
            if (stop_) return;
            // The newest request first: the finger has moved on from the old ones.
            k = wanted_.back();
            wanted_.pop_back();
            loading_ = true;
            if (wanted_.size() > 64) wanted_.erase(wanted_.begin(), wanted_.end() - 64);
        }
        int side = 0;
        {
            std::lock_guard lock(mu_);
            side = tile_pixels_;
        }
        Tile tile = load(k, side);
        {
            std::lock_guard lock(mu_);
            loading_ = false;
            if (side != tile_pixels_) continue;  // drawn at a size no longer wanted
            cache_[k] = tile;
            lru_.remove(k);
            lru_.push_front(k);
            while (lru_.size() > capacity_) {
                cache_.erase(lru_.back());
                lru_.pop_back();
            }
        }
        ++generation_;
        if (wake_) wake_();
    }
}

}  // namespace vmeste::core
