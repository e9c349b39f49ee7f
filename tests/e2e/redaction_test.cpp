// Issue #19, point 6: one touch hides a close-up number plate, proven by an independent reader.
// A photo of a car's plate (616 px wide in a 2,048 px photo, as measured on a real close-up) comes
// from the camera; tesseract with the Russian model reads the plate in what the kiosk keeps
// before the touch, and no plate character after one touch near the plate's centre and «Скрыть»
// (or after a finger drawn tightly around it).
#include <gtest/gtest.h>

#include <fstream>

#include "image/jpeg.h"
#include "kiosk/base/utf8.h"
#include "tests/support/ocr.h"
#include "tests/support/plate_photo.h"
#include "tests/support/temp_dir.h"
#include "tests/support/ui_driver.h"

using namespace vmeste;
using namespace vmeste::test;
using namespace std::chrono_literals;

namespace {

struct PlateCase {
    const char* name;
    int cx, cy;  // the plate's centre in the 2048×1536 photo
    bool drawn;  // a finger drawn around the plate, not one touch
};

// Characters of «А 123 ВС 77 RUS» as a reader may give them (Cyrillic and Latin look-alikes).
bool has_plate_character(const std::string& text) {
    const std::u32string plate = utf8::decode("А123ВС77RUSABCРУ");
    for (char32_t c : utf8::decode(text))
        if (plate.find(c) != std::u32string::npos) return true;
    return false;
}

class Redaction : public ::testing::TestWithParam<PlateCase> {};

TEST_P(Redaction, OneTouchHidesACloseUpNumberPlateFromAnOcrReader) {
    if (!ocr_available()) GTEST_SKIP() << "tesseract-ocr with tesseract-ocr-rus is not installed";
    const PlateCase& c = GetParam();
    constexpr int kW = 2048, kH = 1536, kPlateW = 616;
    TempDir shots;
    const PlatePhoto pp = plate_photo(kW, kH, kPlateW, c.cx, c.cy);
    ASSERT_FALSE(pp.raster.empty()) << "no PT Sans at " << kPlateFont;
    std::ofstream(shots.file("car.jpg"), std::ios::binary)
        << image::encode_jpeg(pp.raster, 92).value();
    static SystemClock camera_clock;
    UiDriver::Options o;
    o.camera = drivers::make_folder_camera(shots.path(), camera_clock, Millis(100));
    UiDriver d(o);
    d.describe("other.other.other", "Машина стоит на газоне у дома 7, каждый день");
    d.tap("nav/next");
    ASSERT_TRUE(d.wait_for([&] { return d.enabled("photo/take"); }, 20s));
    d.tap("photo/take");
    ASSERT_TRUE(d.wait_for([&] { return d.state().photos.photos.size() == 1; }, 20s));
    const core::PhotoDraft& ph = d.state().photos.photos[0];
    ASSERT_EQ(ph.width, kW);

    // The reader reads the plate in the photo as kept: the proof below means something.
    const auto before = ocr_read(ph.jpeg);
    ASSERT_TRUE(before);
    EXPECT_NE(before->find("123"), std::string::npos) << "read before: " << *before;
    EXPECT_NE(before->find("77"), std::string::npos) << "read before: " << *before;

    if (c.drawn) {
        // Around the plate with a finger's margin (a tenth of its height) each side.
        const image::Rect& p = pp.plate;
        const float m = p.h / 10.0f;
        d.drag("photo/view", (p.x - m) / kW, (p.y - m) / kH, (p.x + p.w + m) / kW,
               (p.y + p.h + m) / kH);
    } else {
        // A finger is not a pointer: the touch lands 30 px right of and 20 px below the centre.
        d.tap_at("photo/view", (c.cx + 30.0f) / kW, (c.cy + 20.0f) / kH);
    }
    ASSERT_TRUE(d.has("photo/mark")) << "the region is outlined before it is hidden";
    d.tap("photo/hide");
    ASSERT_TRUE(d.wait_for([&] { return d.state().photos.photos[0].blurs == 1; }, 20s));

    const auto after = ocr_read(d.state().photos.photos[0].jpeg);
    ASSERT_TRUE(after);
    EXPECT_FALSE(has_plate_character(*after)) << "still read after hiding: " << *after;
}

INSTANTIATE_TEST_SUITE_P(CloseUps, Redaction,
                         ::testing::Values(PlateCase{"centre", 1024, 880, false},
                                           PlateCase{"near_a_corner", 420, 200, false},
                                           PlateCase{"drawn_around", 1100, 1000, true}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
