#include "image/decode.h"

#include <stb_image.h>

#include <memory>

#include "image/jpeg.h"

namespace vmeste::image {

Result<Raster> decode_image(std::string_view bytes) {
    if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
        static_cast<unsigned char>(bytes[1]) == 0xD8)
        return decode_jpeg(bytes);
    static const char kPng[] = "\x89PNG\r\n\x1a\n";
    if (bytes.size() < 8 || bytes.substr(0, 8) != std::string_view(kPng, 8))
        return make_error(ErrorCode::kInvalidInput, "neither JPEG nor PNG");
    int w = 0, h = 0, channels = 0;
    std::unique_ptr<stbi_uc, void (*)(void*)> px(
        stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                              static_cast<int>(bytes.size()), &w, &h, &channels, 4),
        stbi_image_free);
    if (!px || w <= 0 || h <= 0 || w > 8192 || h > 8192)
        return make_error(
            ErrorCode::kInvalidInput,
            std::string("damaged PNG: ") + (stbi_failure_reason() ? stbi_failure_reason() : "?"));
    Raster out;
    out.width = w;
    out.height = h;
    out.rgb.resize(static_cast<size_t>(w) * h * 3);
    for (size_t i = 0, n = static_cast<size_t>(w) * h; i < n; ++i) {
        const stbi_uc* s = px.get() + i * 4;
        const unsigned a = s[3];
        for (int c = 0; c < 3; ++c)
            out.rgb[i * 3 + c] = static_cast<uint8_t>((s[c] * a + 255 * (255 - a) + 127) / 255);
    }
    return out;
}

}  // namespace vmeste::image
