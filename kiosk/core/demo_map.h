// A made-up map around a point, written as an MBTiles file: blocks, streets, avenues, parks and
// a river drawn in world coordinates, so tiles meet seamlessly across tiles and zoom levels.
// For the quick start (scripts/run gives the kiosk a map without downloading one) and for the
// tests of the map screen. A real terminal gets the region's file from the technician.
#pragma once

#include <string>

#include "kiosk/base/result.h"

namespace vmeste::core {

struct DemoMapOptions {
    double lat = 55.7575, lon = 37.6136;
    int min_zoom = 13, max_zoom = 17;
    int radius = 2;  // tiles around the centre tile at every zoom: (2r+1)² per zoom
    std::string name = "Vmeste demo map";
};

// Writes (replaces) `path`. JPEG tiles, metadata with bounds, centre and zooms.
Result<void> write_demo_map(const std::string& path, const DemoMapOptions& options = {});

}  // namespace vmeste::core
