// Self-tests give the maintenance screen one clear result per device.
#include "drivers/self_test.h"

#include <gtest/gtest.h>

#include "drivers/printer/preview.h"
#include "tests/support/qr_decode.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::drivers;
using namespace std::chrono_literals;

TEST(SelfTest, CameraReportsPreviewAndStillOrWhyNot) {
    SystemClock clock;
    auto cam = make_synthetic_camera(clock, 1600, 1200, 30);
    auto r = camera_self_test(*cam);
    EXPECT_TRUE(r.ok()) << r.technical;
    EXPECT_EQ(r.key, "selftest.camera.ok");
    EXPECT_EQ(r.args[2], "1600×1200");
    cam->stop();
    auto missing = make_v4l2_camera("/dev/video-none", clock);
    auto bad = camera_self_test(*missing, 300ms);
    EXPECT_EQ(bad.outcome, SelfTestResult::Outcome::kFailed);
    EXPECT_EQ(bad.key, "selftest.camera.no_frames");
    EXPECT_NE(bad.technical.find("not connected"), std::string::npos);
    missing->stop();
}

TEST(SelfTest, PrinterPrintsATestPageUnlessPaperIsOut) {
    FakePrinter printer;
    auto r = printer_self_test(printer, "29.11.2026 10:15");
    EXPECT_TRUE(r.ok());
    // The page went out, and it is a readable page: Cyrillic lines and a QR that scans.
    const std::string got = printer.received();
    auto preview = render_escpos(got.substr(got.find("\x1B@")));
    ASSERT_TRUE(preview);
    EXPECT_EQ(preview->qr_payloads, std::vector<std::string>{"VMESTE-PRINTER-TEST"});
    EXPECT_EQ(test::decode_qr_rgba(preview->rgba, preview->width, preview->height),
              "VMESTE-PRINTER-TEST");
    bool cyrillic = false;
    for (const auto& l : preview->lines) cyrillic |= l.find("ЁЖЗ") != std::string::npos;
    EXPECT_TRUE(cyrillic);

    FakePrinter empty;
    empty.set([](PrinterModel& m) { m.paper = PrinterModel::Paper::kOut; });
    auto out = printer_self_test(empty, "now");
    EXPECT_EQ(out.key, "selftest.printer.paper_out");
    EXPECT_EQ(empty.received().find("\x1B@"), std::string::npos) << "printed with no paper";

    FakePrinter low;
    low.set([](PrinterModel& m) { m.paper = PrinterModel::Paper::kNearEnd; });
    EXPECT_EQ(printer_self_test(low, "now").key, "selftest.printer.paper_low");
    FakePrinter dead;
    dead.set_unplugged(true);
    EXPECT_EQ(printer_self_test(dead, "now").key, "selftest.printer.disconnected");
    // A printer that takes the page but never says it printed it is not "ok".
    FakePrinter mute;
    mute.set([](PrinterModel& m) { m.confirms_jobs = false; });
    const auto unconfirmed =
        print_checked(mute, printer_test_page("now"), "selftest.printer.ok",
                      PrintTimeouts{std::chrono::milliseconds(100), std::chrono::milliseconds(100),
                                    std::chrono::milliseconds(200)});
    EXPECT_EQ(unconfirmed.key, "selftest.printer.no_answer");
}

TEST(SelfTest, WatchdogNamesLateThreadsAndSpeechStarts) {
    CountingWatchdog w;
    ManualClock clock;
    HealthGate gate(w, clock);
    gate.watch("ui", 1000);
    gate.watch("uploader", 5000);
    gate.tick();
    EXPECT_TRUE(watchdog_self_test(gate).ok());
    clock.advance(2s);
    gate.alive("uploader");
    auto late = watchdog_self_test(gate);
    EXPECT_EQ(late.key, "selftest.watchdog.late");
    EXPECT_EQ(late.args[0], "ui");
    SilentSpeaker speaker;
    EXPECT_TRUE(speech_self_test(speaker, "ru").ok());
    EXPECT_EQ(speaker.said.size(), 1u);
    auto none = make_espeak_speaker({"/nonexistent/espeak", 150, ""});
    EXPECT_FALSE(speech_self_test(*none, "en").ok());
}
