// libFuzzer target: what the kiosk reads from a camera or a file — the EXIF orientation parser,
// the metadata scan, and JPEG decoding (libjpeg-turbo behind image::decode_jpeg).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "image/jpeg.h"
#include "image/raster.h"

using namespace vmeste::image;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const int o = exif_orientation(bytes);
    if (o < 1 || o > 8) std::abort();
    (void)has_metadata(bytes);
    if (size < 64 * 1024)
        if (auto r = decode_jpeg(bytes)) {
            if (r->rgb.size() != static_cast<size_t>(r->width) * r->height * 3) std::abort();
            Raster up = apply_orientation(*r, o);
            if (up.rgb.size() != r->rgb.size()) std::abort();
        }
    return 0;
}
