// The region's map, as the technician provisions it: an MBTiles file (raster tiles in SQLite,
// https://github.com/mapbox/mbtiles-spec 1.3): `metadata(name, value)` and
// `tiles(zoom_level, tile_column, tile_row, tile_data)`, rows counted from the south (TMS).
// MbTiles reads it; TileCache loads and decodes tiles on its own thread for the map screen, so
// the UI thread never waits on the disk or a decoder.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>

#include "image/raster.h"
#include "image/vector_tile.h"
#include "kiosk/base/result.h"

struct sqlite3;

namespace vmeste::core {

struct MapMetadata {
    std::string name;
    std::string format;  // "png" or "jpg"
    int min_zoom = 0, max_zoom = 0;
    // Bounds: west, south, east, north (degrees); the whole world when the file does not say.
    double west = -180, south = -85.0511, east = 180, north = 85.0511;
    std::optional<double> center_lon, center_lat;
    std::optional<int> center_zoom;
    // Vector tiles ("pbf", a region pack): drawn by the kiosk, and beyond the file's deepest
    // zoom (data_max_zoom) from its tiles, up to max_zoom (data_max_zoom + 4, at most 18).
    bool vector = false;
    int data_max_zoom = 0;
};

class MbTiles {
  public:
    // Opens read-only and checks the schema; a file that is not MBTiles is a clear error.
    static Result<std::unique_ptr<MbTiles>> open(const std::string& path);
    ~MbTiles();
    MbTiles(const MbTiles&) = delete;
    MbTiles& operator=(const MbTiles&) = delete;

    const MapMetadata& metadata() const { return meta_; }
    // The tile at XYZ coordinates (y from the north, as web maps count); nullopt when absent.
    Result<std::optional<std::string>> tile(int z, int x, int y);

  private:
    explicit MbTiles(sqlite3* db) : db_(db) {}
    sqlite3* db_;
    MapMetadata meta_;
};

// Web Mercator: degrees ↔ world pixels at a zoom (256-px tiles).
double lon_to_world_x(double lon, int zoom);
double lat_to_world_y(double lat, int zoom);
double world_x_to_lon(double x, int zoom);
double world_y_to_lat(double y, int zoom);

class TileCache {
  public:
    using Tile = std::shared_ptr<const image::Raster>;
    // `wake`: called from the loader thread when a tile is ready (thread-safe).
    TileCache(std::unique_ptr<MbTiles> tiles, std::function<void()> wake, size_t capacity = 96);
    ~TileCache();

    const MapMetadata& metadata() const { return tiles_->metadata(); }
    // The decoded tile if it is loaded; otherwise asks the loader for it and returns null. A
    // tile the file does not have is remembered as missing and never asked for again.
    Tile get(int z, int x, int y);
    bool missing(int z, int x, int y) const;
    size_t loaded() const;
    // Tiles asked for and not loaded yet (0: what was asked for is on hand).
    size_t pending() const;
    // Counts tiles as they come off the file: a frame drawn before the last one came is stale.
    uint64_t generation() const { return generation_.load(); }
    // Different for every cache the process makes: a new region pack's tiles never pass for
    // the old one's textures (the UI keys them by it).
    uint64_t id() const { return id_; }
    // The side of a vector tile drawn, in pixels (256 × the map's scale, so its text is sharp).
    // Another size forgets the vector tiles drawn at the old one.
    void set_tile_pixels(int side);

  private:
    using Key = std::tuple<int, int, int>;
    void loop();
    Tile load(const Key& k, int side);
    std::unique_ptr<MbTiles> tiles_;
    std::function<void()> wake_;
    size_t capacity_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::map<Key, Tile> cache_;  // null: missing in the file
    std::list<Key> lru_;         // most recent first
    std::deque<Key> wanted_;
    bool loading_ = false;
    bool stop_ = false;
    std::atomic<uint64_t> generation_{0};
    const uint64_t id_;
    int tile_pixels_ = 256;  // under mu_
    // Vector tiles decoded, by their own zoom (a z17 tile is drawn from its z14 one): the loader
    // thread's alone.
    std::map<Key, std::shared_ptr<const image::VectorTile>> decoded_;
    std::list<Key> decoded_lru_;
    std::thread thread_;
};

}  // namespace vmeste::core
