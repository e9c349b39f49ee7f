// Distances on the Earth for "appeals near this place" (the kiosk's store and the simulator).
#pragma once

#include <algorithm>
#include <cmath>

namespace vmeste::geo {

// Great-circle distance in metres by the haversine formula on a sphere of the mean Earth
// radius (IUGG, 6,371,008.8 m): within 0.5 % of the ellipsoid, plenty for "within 250 m".
inline double distance_m(double lat1, double lon1, double lat2, double lon2) {
    constexpr double kRadius = 6'371'008.8;
    constexpr double kRad = 3.14159265358979323846 / 180.0;
    const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
    const double a =
        std::sin(dlat / 2) * std::sin(dlat / 2) +
        std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * kRadius * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace vmeste::geo
