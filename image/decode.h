// Decoding a picture whose format is known only by its bytes: JPEG (libjpeg-turbo) or PNG
// (stb_image) — the two formats raster map tiles come in.
#pragma once

#include <string_view>

#include "image/raster.h"
#include "kiosk/base/result.h"

namespace vmeste::image {

// RGB pixels of a JPEG or PNG (alpha is composited on white). Anything else is kInvalidInput.
Result<Raster> decode_image(std::string_view bytes);

}  // namespace vmeste::image
