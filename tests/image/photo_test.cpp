// The photo pipeline on generated images: sizes, EXIF orientation applied, metadata really gone
// from the bytes, area resize exact, redaction irreversible.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "image/jpeg.h"
#include "image/photo.h"
#include "image/raster.h"

using namespace vmeste::image;

namespace {

Raster solid(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
    Raster img{w, h, std::vector<uint8_t>(static_cast<size_t>(w) * h * 3)};
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            img.at(x, y)[0] = r;
            img.at(x, y)[1] = g;
            img.at(x, y)[2] = b;
        }
    return img;
}

// Grey with a red square in the stored image's top-left corner.
Raster marked(int w, int h) {
    Raster img = solid(w, h, 128, 128, 128);
    for (int y = 0; y < h / 5; ++y)
        for (int x = 0; x < w / 5; ++x) {
            img.at(x, y)[0] = 230;
            img.at(x, y)[1] = 20;
            img.at(x, y)[2] = 20;
        }
    return img;
}

// Pearson's correlation of one channel of two images over a region: how much of what was there
// is still followed by what is there now.
double correlation(const Raster& before, const Raster& after, const Rect& r, int channel) {
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    int n = 0;
    for (int y = r.y; y < r.y + r.h; ++y)
        for (int x = r.x; x < r.x + r.w; ++x) {
            const double a = before.at(x, y)[channel], b = after.at(x, y)[channel];
            sa += a, sb += b, saa += a * a, sbb += b * b, sab += a * b, ++n;
        }
    const double cov = sab / n - (sa / n) * (sb / n);
    return cov / std::sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n) + 1e-9);
}

bool reddish(const Raster& img, int x, int y) {
    const uint8_t* p = img.at(x, y);
    return p[0] > 180 && p[1] < 80 && p[2] < 80;
}

std::string segment(uint8_t marker, const std::string& payload) {
    const size_t len = payload.size() + 2;
    return std::string{'\xFF', static_cast<char>(marker), static_cast<char>(len >> 8),
                       static_cast<char>(len & 0xFF)} +
           payload;
}

// A camera-like JPEG: EXIF with an orientation and a GPS IFD, XMP, IPTC and a comment.
std::string camera_jpeg(const Raster& img, int orientation) {
    std::string jpeg = encode_jpeg(img, 90).value();
    auto le16 = [](int v) {
        return std::string{static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
    };
    auto le32 = [&](int v) { return le16(v & 0xFFFF) + le16(v >> 16); };
    // TIFF: header (8) + IFD0 with 2 entries (2 + 24 + 4) at 8, GPS IFD at 38.
    std::string tiff = "II" + le16(42) + le32(8);
    tiff += le16(2);
    tiff += le16(0x0112) + le16(3) + le32(1) + le16(orientation) + le16(0);
    tiff += le16(0x8825) + le16(4) + le32(1) + le32(38);
    tiff += le32(0);
    tiff += le16(1) + le16(0x0002) + le16(5) + le32(3) + le32(0) + le32(0);  // GPSLatitude
    const std::string exif = std::string("Exif\0\0", 6) + tiff + "GPS 55.7558N 37.6173E";
    const std::string xmp = std::string("http://ns.adobe.com/xap/1.0/\0", 29) +
                            "<x:xmpmeta><exif:GPSLatitude>55,45N</exif:GPSLatitude></x:xmpmeta>";
    const std::string iptc = std::string("Photoshop 3.0\0", 14) + "8BIM location Moscow";
    const std::string extra = segment(0xE1, exif) + segment(0xE1, xmp) + segment(0xED, iptc) +
                              segment(0xFE, "secret comment: Ivanov");
    return jpeg.substr(0, 2) + extra + jpeg.substr(2);
}

}  // namespace

TEST(Jpeg, RoundTripKeepsSizeAndColour) {
    auto jpeg = encode_jpeg(solid(64, 48, 200, 40, 40), 90);
    ASSERT_TRUE(jpeg);
    auto back = decode_jpeg(*jpeg);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->width, 64);
    EXPECT_EQ(back->height, 48);
    EXPECT_NEAR(back->at(30, 20)[0], 200, 4);
    EXPECT_NEAR(back->at(30, 20)[1], 40, 4);
}

TEST(Jpeg, GarbageIsAnErrorNotACrash) {
    EXPECT_FALSE(decode_jpeg(""));
    EXPECT_FALSE(decode_jpeg("not a jpeg at all"));
    std::string jpeg = encode_jpeg(solid(32, 32, 1, 2, 3)).value();
    EXPECT_FALSE(decode_jpeg(jpeg.substr(0, 20)));
    EXPECT_EQ(exif_orientation("\xFF\xD8\xFF\xE1\x00\x02"), 1);
}

TEST(Jpeg, ReadsTheExifOrientation) {
    for (int o = 1; o <= 8; ++o) EXPECT_EQ(exif_orientation(camera_jpeg(marked(40, 30), o)), o);
    EXPECT_EQ(exif_orientation(encode_jpeg(marked(40, 30)).value()), 1);
}

TEST(Photo, MetadataIsGoneFromTheStoredBytes) {
    const std::string in = camera_jpeg(marked(400, 300), 1);
    ASSERT_TRUE(has_metadata(in));
    auto out = prepare_photo_jpeg(in);
    ASSERT_TRUE(out) << out.error().message;
    for (const std::string* bytes : {&out->jpeg, &out->thumbnail}) {
        EXPECT_FALSE(has_metadata(*bytes));
        for (const char* needle : {"Exif", "GPS", "xmpmeta", "ns.adobe.com", "Photoshop", "8BIM",
                                   "secret", "Ivanov", "55.7558"})
            EXPECT_EQ(bytes->find(needle), std::string::npos) << needle;
        EXPECT_EQ(bytes->find(std::string("\xFF\xE1", 2)), std::string::npos) << "APP1 left";
        EXPECT_EQ(bytes->find(std::string("\xFF\xFE", 2)), std::string::npos) << "COM left";
    }
}

TEST(Photo, OrientationIsAppliedSoThePictureIsUpright) {
    // Orientation 6: the sensor's top-left is the viewer's top-right.
    auto out = prepare_photo_jpeg(camera_jpeg(marked(400, 300), 6));
    ASSERT_TRUE(out);
    auto up = decode_jpeg(out->jpeg).value();
    ASSERT_EQ(up.width, 300);
    ASSERT_EQ(up.height, 400);
    EXPECT_TRUE(reddish(up, 290, 10));
    EXPECT_FALSE(reddish(up, 10, 10));
    // 3: upside down; 8: the top-left goes to the bottom-left.
    auto r3 = decode_jpeg(prepare_photo_jpeg(camera_jpeg(marked(400, 300), 3))->jpeg).value();
    EXPECT_TRUE(reddish(r3, 390, 290));
    auto r8 = decode_jpeg(prepare_photo_jpeg(camera_jpeg(marked(400, 300), 8))->jpeg).value();
    EXPECT_TRUE(reddish(r8, 10, 390));
    // Every orientation ends with the marker where a person expects it, by definition of 1..8.
    const int want[9][2] = {{},       {10, 10},  {390, 10},  {390, 290}, {10, 290},
                            {10, 10}, {290, 10}, {290, 390}, {10, 390}};
    for (int o = 1; o <= 8; ++o) {
        auto r = decode_jpeg(prepare_photo_jpeg(camera_jpeg(marked(400, 300), o))->jpeg).value();
        EXPECT_TRUE(reddish(r, want[o][0], want[o][1])) << "orientation " << o;
    }
}

TEST(Photo, LongSideIsCappedAndTheThumbnailIsSmall) {
    auto out = prepare_photo(marked(4000, 3000));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->width, 2048);
    EXPECT_EQ(out->height, 1536);
    auto thumb = decode_jpeg(out->thumbnail).value();
    EXPECT_EQ(thumb.width, 320);
    EXPECT_EQ(thumb.height, 240);
    auto small = prepare_photo(marked(800, 600));
    EXPECT_EQ(small->width, 800);  // never enlarged
    EXPECT_FALSE(prepare_photo(Raster{}));
}

TEST(Raster, AreaResizeAveragesInsteadOfPicking) {
    // A 1-pixel checkerboard halves to flat grey; nearest-neighbour would give black or white.
    Raster board{64, 64, std::vector<uint8_t>(64 * 64 * 3)};
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x)
            for (int c = 0; c < 3; ++c) board.at(x, y)[c] = (x + y) % 2 ? 255 : 0;
    Raster half = resize_area(board, 32, 32);
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x) EXPECT_NEAR(half.at(x, y)[0], 128, 1);
    // 3 → 2 columns: fractional weights. [0, 90, 180] → [(0 + 45) / 1.5, (45 + 180) / 1.5].
    Raster row{3, 1, {0, 0, 0, 90, 90, 90, 180, 180, 180}};
    Raster two = resize_area(row, 2, 1);
    EXPECT_EQ(two.at(0, 0)[0], 30);
    EXPECT_EQ(two.at(1, 0)[0], 150);
}

TEST(Raster, RedactionCannotBeUndone) {
    std::mt19937 rng(7);
    Raster img{200, 200, std::vector<uint8_t>(200 * 200 * 3)};
    for (auto& v : img.rgb) v = static_cast<uint8_t>(rng());
    const Raster original = img;
    const Rect face{50, 60, 96, 72};
    redact(img, face);
    // Inside: what remains has no correlation with the detail that was there.
    const double r = correlation(original, img, face, 0);
    EXPECT_LT(std::abs(r), 0.1) << "the redacted region still follows the original";
    // And it is smooth: neighbouring pixels hardly differ (noise differed by ~85 on average).
    double step = 0;
    for (int y = face.y; y < face.y + face.h; ++y)
        for (int x = face.x + 1; x < face.x + face.w; ++x)
            step += std::abs(img.at(x, y)[1] - img.at(x - 1, y)[1]);
    EXPECT_LT(step / (face.h * (face.w - 1)), 6.0);
    // Outside: untouched.
    EXPECT_EQ(std::vector<uint8_t>(img.at(0, 0), img.at(0, 0) + 200 * 3 * 50),
              std::vector<uint8_t>(original.at(0, 0), original.at(0, 0) + 200 * 3 * 50));
    EXPECT_EQ(img.at(199, 199)[2], original.at(199, 199)[2]);
    // A region off the picture is clipped, not a crash.
    redact(img, {190, 190, 500, 500});
    redact(img, {-50, -50, 10, 10});
}

TEST(Photo, RedactionsAreAppliedBeforeEncoding) {
    // Fine detail (2-pixel stripes, like the strokes of a number plate) in a region.
    Raster img = solid(400, 300, 128, 128, 128);
    const Rect plate{40, 40, 120, 80};
    for (int y = plate.y; y < plate.y + plate.h; ++y)
        for (int x = plate.x; x < plate.x + plate.w; ++x)
            for (int c = 0; c < 3; ++c) img.at(x, y)[c] = (x / 2) % 2 ? 255 : 0;
    auto contrast = [&](const Raster& r) {
        int lo = 255, hi = 0;
        for (int x = plate.x + 10; x < plate.x + plate.w - 10; ++x) {
            lo = std::min<int>(lo, r.at(x, 80)[1]);
            hi = std::max<int>(hi, r.at(x, 80)[1]);
        }
        return hi - lo;
    };
    auto plain = decode_jpeg(prepare_photo(img)->jpeg).value();
    EXPECT_GT(contrast(plain), 150) << "the stripes should survive without redaction";
    auto out = prepare_photo(img, {plate});
    auto back = decode_jpeg(out->jpeg).value();
    EXPECT_LT(contrast(back), 30) << "the strokes are still readable";
}

TEST(Raster, ATightOutlineAroundAPlateStillHidesItsCharacters) {
    // Strokes 20 px wide, 40 px apart, in a region five times wider than high (a plate outlined
    // tightly): blocks of a sixth of the height (16 px) would keep their rhythm; a block is at
    // least an eighth of the long side (62 px), so the strokes average out.
    Raster img = solid(600, 200, 128, 128, 128);
    const Rect plate{50, 50, 500, 100};
    for (int y = plate.y; y < plate.y + plate.h; ++y)
        for (int x = plate.x; x < plate.x + plate.w; ++x)
            for (int c = 0; c < 3; ++c) img.at(x, y)[c] = (x / 20) % 2 ? 250 : 10;
    const Raster original = img;
    redact(img, plate);
    // How much of the strokes' pattern a row still follows: the correlation of what is left
    // with what was there, along the middle row.
    const double r = correlation(original, img, Rect{plate.x, 100, plate.w, 1}, 1);
    EXPECT_LT(std::abs(r), 0.2) << "the strokes' rhythm is still there";
}
