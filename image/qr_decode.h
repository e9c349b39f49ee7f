// Reading a QR code off a camera frame with libzbar (the receipt's code, shown to the kiosk's
// camera to check a status), in binary mode: otherwise zbar guesses a text encoding and misreads
// short payloads.
#pragma once

#include <optional>
#include <string>

#include "image/raster.h"

namespace vmeste::image {

// The payload of the first QR code found, if any.
std::optional<std::string> decode_qr(const Raster& rgb);

}  // namespace vmeste::image
