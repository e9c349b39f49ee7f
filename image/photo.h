// The photo pipeline between the camera and the store: a camera JPEG (or frame) becomes the
// stored photo — upright, long side ≤ 2,048 px, every metadata segment gone — and its thumbnail.
// Redactions (faces, number plates) the citizen marked are applied before encoding, so the
// original pixels never reach the disk.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "image/raster.h"
#include "kiosk/base/result.h"

namespace vmeste::image {

struct PhotoOptions {
    int max_long_side = 2048;  // DOMAIN.md
    int thumbnail_long_side = 320;
    int quality = 85;
    int thumbnail_quality = 75;
};

struct PreparedPhoto {
    std::string jpeg;       // what the store keeps and the uploader sends
    std::string thumbnail;  // for review screens
    int width = 0, height = 0;
};

// From pixels (a camera frame, already upright). `redactions` are in the frame's coordinates.
Result<PreparedPhoto> prepare_photo(const Raster& frame, const std::vector<Rect>& redactions = {},
                                    const PhotoOptions& options = {});
// From a JPEG (a still from the camera, a file): its EXIF orientation is applied first, and
// `redactions` are in the coordinates of the upright picture (what the citizen touched).
Result<PreparedPhoto> prepare_photo_jpeg(std::string_view jpeg,
                                         const std::vector<Rect>& redactions = {},
                                         const PhotoOptions& options = {});

}  // namespace vmeste::image
