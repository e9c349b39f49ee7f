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

// The initial bearing from the first point to the second, degrees clockwise from north, 0..360.
inline double bearing_deg(double lat1, double lon1, double lat2, double lon2) {
    constexpr double kRad = 3.14159265358979323846 / 180.0;
    const double f1 = lat1 * kRad, f2 = lat2 * kRad, dl = (lon2 - lon1) * kRad;
    const double y = std::sin(dl) * std::cos(f2);
    const double x = std::cos(f1) * std::sin(f2) - std::sin(f1) * std::cos(f2) * std::cos(dl);
    const double b = std::atan2(y, x) / kRad;
    return b < 0 ? b + 360 : b;
}

// One of eight compass points for a bearing: 0 north, 1 north-east, … 7 north-west.
inline int compass_point(double bearing) {
    return static_cast<int>(std::floor(std::fmod(bearing + 22.5, 360.0) / 45.0)) % 8;
}

}  // namespace vmeste::geo
