#include "image/photo.h"

#include "image/jpeg.h"

#include <thread>

namespace vmeste::image {

Result<PreparedPhoto> prepare_photo(const Raster& frame, const std::vector<Rect>& redactions,
                                    const PhotoOptions& o) {
    if (frame.empty()) return make_error(ErrorCode::kInvalidInput, "empty frame");
    Raster work;
    const Raster* src = &frame;
    if (!redactions.empty()) {
        work = frame;
        for (const auto& r : redactions) redact(work, r);
        src = &work;
    }
    PreparedPhoto out;
    Raster big = fit_long_side(*src, o.max_long_side);
    // The photo is encoded on a second thread while this one makes the thumbnail (from the
    // already reduced image: cheaper, and the same pixels).
    Result<std::string> jpeg = make_error(ErrorCode::kInternal, "not encoded");
    std::thread encoder([&] { jpeg = encode_jpeg(big, o.quality); });
    auto thumb = encode_jpeg(fit_long_side(big, o.thumbnail_long_side), o.thumbnail_quality);
    encoder.join();
    if (!jpeg) return jpeg.error();
    if (!thumb) return thumb.error();
    out.width = big.width;
    out.height = big.height;
    out.jpeg = std::move(jpeg).value();
    out.thumbnail = std::move(thumb).value();
    return out;
}

Result<PreparedPhoto> prepare_photo_jpeg(std::string_view jpeg, const std::vector<Rect>& redactions,
                                         const PhotoOptions& o) {
    auto raster = decode_jpeg(jpeg);
    if (!raster) return raster.error();
    return prepare_photo(apply_orientation(*raster, exif_orientation(jpeg)), redactions, o);
}

}  // namespace vmeste::image
