// Printing a job so that "printed" is only said when the printer says so (issue #19, points 1
// and 2). The status is read first (DLE EOT 1, 2, 4: nothing is sent to a printer without paper,
// with its cover open, offline or silent), the job is written with a bounded wait for the device
// to take it, and GS r 1 after it asks the printer for its paper sensor: the printer answers only
// once everything before it is printed, so the answer is the proof. No answer in time: the status
// is read again to say why (the paper ran out mid-job, the cover was opened, unplugged, silent).
//
// The same for the citizen's receipt, the self-test page, the provisioning receipt and its
// re-print. docs/hardware.md "Printer" has the table of faults and what each person sees.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "drivers/printer/transport.h"

namespace vmeste::drivers {

enum class PrintProblem {
    kNone,
    kNoPrinter,  // none configured, or it cannot be opened
    kPaperOut,   // before the job, or the roll ended during it
    kCoverOpen,
    kOffline,       // the printer says it is offline (error, feed button, …)
    kNotTaken,      // the device did not take the data in time
    kNoAnswer,      // the printer does not answer (status or the job's confirmation)
    kDisconnected,  // the device went away (unplugged during the job)
};
// "paper_out", "cover_open", … (logs, heartbeat, string keys "printer.problem.<name>").
const char* print_problem_name(PrintProblem p);

struct PrintResult {
    PrintProblem problem = PrintProblem::kNone;
    PrinterStatus status;  // the last status read (answered = false: none)
    std::string detail;    // technical, for the log (no personal data)
    bool printed() const { return problem == PrintProblem::kNone; }
    // Printed, but the roll is near its end: staff should change it soon.
    bool paper_low() const { return status.answered && status.paper_near_end; }
};

struct PrintTimeouts {
    std::chrono::milliseconds status{500};     // each status byte
    std::chrono::milliseconds take{10'000};    // the device taking the data (no progress)
    std::chrono::milliseconds finish{20'000};  // the printer confirming the job
};

// The printer's state as a problem (kNone: ready to print; paper near end is still ready).
PrintResult check_printer(PrinterTransport& t, const PrintTimeouts& timeouts = {});

// Prints `job` (ESC/POS bytes) and confirms it.
PrintResult print_confirmed(PrinterTransport& t, std::string_view job,
                            const PrintTimeouts& timeouts = {});

// Opens `spec` (config printer), then as above; kNoPrinter when it cannot be opened.
PrintResult print_confirmed(const std::string& spec, std::string_view job,
                            const PrintTimeouts& timeouts = {});
PrintResult check_printer(const std::string& spec, const PrintTimeouts& timeouts = {});

}  // namespace vmeste::drivers
