// The demo town of Заречный (tools/region/demo/zarechny.osm), made into a region pack at build
// time by vmeste-region with tilemaker — the pipeline a real region's pack goes through. The
// tests' terminals stand in its МФЦ. The numbers come from the extract as written
// (make_demo_osm.py: metres from the МФЦ's corner at 56° N, 37° E), not from the pack.
#pragma once

#include <cmath>
#include <string>

namespace vmeste::test {

struct DemoRegion {
    static constexpr double kLat0 = 56.0, kLon0 = 37.0, kMetresLat = 111195.0;
    static double metres_lon() { return kMetresLat * std::cos(kLat0 * M_PI / 180.0); }
    // A point `x` metres east and `y` north of the town's origin.
    static double lat_at(double y) { return kLat0 + y / kMetresLat; }
    static double lon_at(double x) { return kLon0 + x / metres_lon(); }

    std::string file = VMESTE_DEMO_PACK;  // read-only: every test may open it
    // The МФЦ: the centre of its building (x 20..90, y 14..50) on улица Ленина, 1.
    double lat = lat_at(32), lon = lon_at(55);
    std::string site_address = "г. Заречный, улица Ленина, 1";
};

}  // namespace vmeste::test
