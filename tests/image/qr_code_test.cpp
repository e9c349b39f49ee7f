// QR codes must decode back to their payload in a real reader (libzbar, binary mode as
// DESIGN.md says, so zbar does not guess a charset).
#include "image/qr_code.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/qr_decode.h"

using namespace vmeste::image;

namespace {
std::string decode(const std::vector<uint8_t>& grey, int side) {
    return vmeste::test::decode_qr_grey(grey, side, side);
}
}  // namespace

TEST(QrCode, TrackingUrlRoundTripsThroughARealDecoder) {
    const std::string url = "http://127.0.0.1:8080/t/7K3Q-9PXA";
    auto qr = encode_qr(url);
    ASSERT_TRUE(qr);
    int side = 0;
    auto px = rasterize_qr(*qr, 6, &side);
    EXPECT_EQ(decode(px, side), url);
}

TEST(QrCode, ShortPayloadsGetTheSmallestSymbol) {
    auto qr = encode_qr("https://pos.example/t/ABCD-EFGH");
    ASSERT_TRUE(qr);
    EXPECT_EQ(qr->size, 29);  // version 3 at level M holds 42 bytes
}

TEST(QrCode, EmptyAndOversizedPayloadsAreErrors) {
    EXPECT_FALSE(encode_qr(""));
    EXPECT_FALSE(encode_qr(std::string(5000, 'x')));
}

TEST(QrCode, RasterHasAQuietZone) {
    auto qr = encode_qr("x");
    int side = 0;
    auto px = rasterize_qr(*qr, 2, &side);
    EXPECT_EQ(side, (qr->size + 8) * 2);
    for (int i = 0; i < side * 8; ++i) ASSERT_EQ(px[i], 255) << i;  // top 4 modules white
}

TEST(QrCode, CyrillicAddressesAsPunycodeAndPercentEncodingDecodeAtEverySize) {
    // «решаемвместе.рф/обращение/7K3Q-9PXA» the way a QR must carry it: plain ASCII.
    const std::string url =
        "https://xn--80adbhccsco1bi8c.xn--p1ai/%D0%BE%D0%B1%D1%80%D0%B0%D1%89%D0%B5%D0%BD%D0%B8"
        "%D0%B5/7K3Q-9PXA";
    auto qr = encode_qr(url);
    ASSERT_TRUE(qr);
    for (int scale : {2, 3, 4, 6, 10}) {
        int side = 0;
        auto rgba = rasterize_qr_rgba(*qr, scale, 4, &side);
        ASSERT_EQ(rgba.size(), static_cast<size_t>(side) * side * 4);
        EXPECT_EQ(side, (qr->size + 8) * scale);
        EXPECT_EQ(vmeste::test::decode_qr_rgba(rgba, side, side), url)
            << "module " << scale << " px";
        // The quiet zone is white and opaque; every pixel is opaque.
        EXPECT_EQ(rgba[0], 255);
        EXPECT_EQ(rgba[(static_cast<size_t>(side) * (4 * scale - 1) + 4 * scale - 1) * 4], 255);
        for (size_t i = 3; i < rgba.size(); i += 4) ASSERT_EQ(rgba[i], 255);
    }
}
