// Self-tests: one per device, each returning what a maintenance screen shows. The result names a
// string-catalog key and its arguments (the screen says it in the staff member's language) plus
// a technical detail for the log; no self-test blocks the UI thread — run them on a worker.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/camera/camera.h"
#include "drivers/printer/print_job.h"
#include "drivers/printer/transport.h"
#include "drivers/speech/speech.h"
#include "drivers/watchdog/health_gate.h"

namespace vmeste::drivers {

struct SelfTestResult {
    enum class Outcome { kOk, kWarning, kFailed } outcome = Outcome::kFailed;
    std::string device;             // "camera", "printer", "watchdog", "speech"
    std::string key;                // e.g. "selftest.printer.paper_out"
    std::vector<std::string> args;  // values the catalog string refers to ({0}, {1}…)
    std::string technical;          // for the log and the technician
    bool ok() const { return outcome == Outcome::kOk; }
};

// Streams (starting the camera if it is stopped), waits for a frame, takes a still.
SelfTestResult camera_self_test(Camera& camera, Millis timeout = Millis(3000));
// Prints a test page (Cyrillic, a QR code, a cut) and confirms it (print_job.h): nothing is sent
// to a printer without paper, with its cover open, offline or silent.
SelfTestResult printer_self_test(PrinterTransport& printer, const std::string& when,
                                 int columns = 48);
// The same around any page (the provisioning receipt is the printer's test there). `ok_key`
// names what was printed when it went well.
SelfTestResult print_checked(PrinterTransport& printer, std::string_view page,
                             const std::string& ok_key = "selftest.printer.ok",
                             const PrintTimeouts& timeouts = {});
// A print's or a status check's result as staff and the heartbeat see it: ok (`ok_key`), a
// warning when the paper is near its end, failed with why («нет бумаги», «не отвечает», …).
SelfTestResult printer_result(const PrintResult& r, const std::string& printer,
                              const std::string& ok_key);
// Which watched threads are late, and how many pets went out.
SelfTestResult watchdog_self_test(const HealthGate& gate);
// Speaks a short phrase (staff listen); fails only when the speech program cannot start.
SelfTestResult speech_self_test(Speaker& speaker, const std::string& language);

// The printer's test page as ESC/POS bytes (also what the preview shows staff).
std::string printer_test_page(const std::string& when, int columns = 48);

}  // namespace vmeste::drivers
