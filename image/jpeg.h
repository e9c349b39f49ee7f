// JPEG in and out with libjpeg-turbo (TurboJPEG API), and the EXIF orientation of a camera JPEG.
// Encoding writes only what the pixels need (SOI, JFIF APP0, tables, scan, EOI): no EXIF, GPS,
// XMP, IPTC or comment segment can survive a decode → encode round trip.
#pragma once

#include <string>
#include <string_view>

#include "image/raster.h"
#include "kiosk/base/result.h"

namespace vmeste::image {

// Decodes to RGB. Damaged or non-JPEG input is an error (kInvalidInput), never a crash.
Result<Raster> decode_jpeg(std::string_view jpeg);

// Encodes RGB at `quality` 1..100 with 4:2:0 chroma subsampling.
Result<std::string> encode_jpeg(const Raster& img, int quality = 85);

// The orientation (1..8) from the APP1 Exif segment's IFD0 tag 0x0112; 1 when absent or
// unreadable. Bounds-checked against hostile input (fuzzed).
int exif_orientation(std::string_view jpeg);

// True when any metadata segment is present: APP1 (EXIF, XMP), APP13 (IPTC), COM.
bool has_metadata(std::string_view jpeg);

}  // namespace vmeste::image
