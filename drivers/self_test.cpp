#include "drivers/self_test.h"

#include "drivers/printer/escpos.h"

namespace vmeste::drivers {

namespace {
SelfTestResult result(const char* device, SelfTestResult::Outcome o, std::string key,
                      std::vector<std::string> args = {}, std::string technical = {}) {
    SelfTestResult r;
    r.device = device;
    r.outcome = o;
    r.key = std::move(key);
    r.args = std::move(args);
    r.technical = std::move(technical);
    return r;
}
std::string size(const image::Raster& r) {
    return std::to_string(r.width) + "×" + std::to_string(r.height);
}
}  // namespace

SelfTestResult camera_self_test(Camera& camera, Millis timeout) {
    using O = SelfTestResult::Outcome;
    if (camera.state() == CameraState::kStopped) camera.start();
    auto frame = camera.wait_frame(0, timeout);
    if (!frame)
        return result("camera", O::kFailed, "selftest.camera.no_frames", {camera.name()},
                      camera.last_error());
    auto still = camera.capture_still();
    if (!still)
        return result("camera", O::kWarning, "selftest.camera.no_still",
                      {camera.name(), size(frame->rgb)}, still.error().message);
    return result("camera", O::kOk, "selftest.camera.ok",
                  {camera.name(), size(frame->rgb), size(still->rgb)});
}

std::string printer_test_page(const std::string& when, int columns) {
    EscPos p(columns);
    p.init()
        .codepage_cp866()
        .align(Align::kCenter)
        .bold(true)
        .line("Проверка принтера / Printer test");
    p.bold(false).line(when).line();
    p.align(Align::kLeft).line("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ");
    p.line("абвгдеёжзийклмнопрстуфхцчшщъыьэюя №");
    p.line("ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789");
    p.line(std::string(static_cast<size_t>(columns), '-'));  // the paper's full width
    p.align(Align::kCenter).size(2, 2).line("2x2").size(1, 1);
    p.qr("VMESTE-PRINTER-TEST", 6, 'M').line().feed(3).cut();
    return p.bytes();
}

SelfTestResult printer_self_test(PrinterTransport& printer, const std::string& when, int columns) {
    return print_checked(printer, printer_test_page(when, columns));
}

SelfTestResult print_checked(PrinterTransport& printer, std::string_view page,
                             const std::string& ok_key, const PrintTimeouts& timeouts) {
    return printer_result(print_confirmed(printer, page, timeouts), printer.describe(), ok_key);
}

SelfTestResult printer_result(const PrintResult& r, const std::string& printer,
                              const std::string& ok_key) {
    using O = SelfTestResult::Outcome;
    if (r.printed())
        return r.paper_low()
                   ? result("printer", O::kWarning, "selftest.printer.paper_low", {printer})
                   : result("printer", O::kOk, ok_key, {printer});
    return result(
        "printer", O::kFailed,
        std::string("selftest.printer.") +
            (r.problem == PrintProblem::kNoPrinter ? "unavailable" : print_problem_name(r.problem)),
        {printer}, r.detail);
}

SelfTestResult watchdog_self_test(const HealthGate& gate) {
    using O = SelfTestResult::Outcome;
    const auto late = gate.late();
    if (!late.empty()) {
        std::string names;
        for (const auto& n : late) names += (names.empty() ? "" : ", ") + n;
        return result("watchdog", O::kFailed, "selftest.watchdog.late", {names});
    }
    return result("watchdog", O::kOk, "selftest.watchdog.ok", {std::to_string(gate.pets())});
}

SelfTestResult speech_self_test(Speaker& speaker, const std::string& language) {
    using O = SelfTestResult::Outcome;
    auto r = speaker.speak(
        language == "en" ? "Sound check. One, two, three." : "Проверка звука. Раз, два, три.",
        language);
    if (!r) return result("speech", O::kFailed, "selftest.speech.failed", {}, r.error().message);
    return result("speech", O::kOk, "selftest.speech.listen");
}

}  // namespace vmeste::drivers
