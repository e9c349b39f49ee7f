// Vector map tiles (Mapbox Vector Tile 2.1, as tilemaker writes them into a region pack, gzip'd
// in MBTiles) decoded with protozero and drawn into a Raster with cairo, on the map's loader
// thread: the screens see raster tiles either way (docs/map.md "Region pack").
//
// What is drawn, from the layers of tools/region/tilemaker/process.lua (the OpenMapTiles names,
// so packs made by other tilemaker setups draw too): water, waterway, landuse (class green /
// residential / industrial; park), building, transportation (class major / minor / service /
// path, or OpenMapTiles' motorway…), their names along the street where they fit, house
// numbers and place names.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "image/raster.h"
#include "kiosk/base/result.h"

namespace vmeste::image {

struct VectorFeature {
    enum class Type { kPoint, kLine, kPolygon };
    Type type = Type::kPoint;
    std::string kind;  // the layer's meaning: "water", "green", "building", "major", "place"…
    std::string name;  // a street's, a river's, a place's; a house number
    // Parts (a line, or a polygon's rings), in the tile's own units (0..extent).
    std::vector<std::vector<float>> parts;  // x0, y0, x1, y1, …
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;   // bounds
};

struct VectorTile {
    int extent = 4096;
    // In drawing order: areas, then lines, then points; within each, as the tile gave them.
    std::vector<VectorFeature> features;
};

// Decodes a tile (gzip'd or not). A tile that is not one is kCorrupt, never a crash.
Result<std::shared_ptr<const VectorTile>> parse_vector_tile(std::string_view bytes);

// Draws the part of `tile` that is sub-tile (sub_x, sub_y) of 2^dz across (dz 0: all of it) as
// the map at zoom `zoom`, `size` pixels square (256 at the map's scale 1); `labels` false
// leaves out the names and numbers.
Raster render_vector_tile(const VectorTile& tile, int dz, int sub_x, int sub_y, int zoom, int size,
                          bool labels = true);

}  // namespace vmeste::image
