// What a camera sees when someone holds up a printed QR code: the code on light paper, as a JPEG
// file for a folder camera (drivers::make_folder_camera).
#pragma once

#include <fstream>
#include <string>

#include "image/jpeg.h"
#include "image/qr_code.h"

namespace vmeste::test {

inline bool write_qr_photo(const std::string& path, const std::string& payload) {
    auto qr = image::encode_qr(payload);
    if (!qr) return false;
    int side = 0;
    const auto rgba = image::rasterize_qr_rgba(*qr, 8, 4, &side);
    image::Raster paper;
    paper.width = 640;
    paper.height = 480;
    paper.rgb.assign(640 * 480 * 3, 235);
    for (int y = 0; y < side && 40 + y < paper.height; ++y)
        for (int x = 0; x < side && 100 + x < paper.width; ++x)
            for (int c = 0; c < 3; ++c)
                paper.at(100 + x, 40 + y)[c] = rgba[(static_cast<size_t>(y) * side + x) * 4 + c];
    auto jpeg = image::encode_jpeg(paper, 90);
    if (!jpeg) return false;
    std::ofstream(path, std::ios::binary) << *jpeg;
    return true;
}

}  // namespace vmeste::test
