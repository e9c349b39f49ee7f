#include "drivers/printer/print_job.h"

namespace vmeste::drivers {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

PrintResult fail(PrintProblem p, PrinterStatus s, std::string detail) {
    return PrintResult{p, s, std::move(detail)};
}

// What a status says about printing now.
PrintResult judge(const PrinterStatus& s, const std::string& what) {
    if (!s.answered) return fail(PrintProblem::kNoAnswer, s, what + ": no status answer");
    if (s.paper_out) return fail(PrintProblem::kPaperOut, s, what + ": paper out");
    if (s.cover_open) return fail(PrintProblem::kCoverOpen, s, what + ": cover open");
    if (!s.online) return fail(PrintProblem::kOffline, s, what + ": offline");
    return PrintResult{PrintProblem::kNone, s, ""};
}

PrintResult from_error(const Error& e, const PrinterStatus& s) {
    if (e.code == ErrorCode::kNotFound) return fail(PrintProblem::kDisconnected, s, e.message);
    if (e.code == ErrorCode::kRetryLater) return fail(PrintProblem::kNotTaken, s, e.message);
    return fail(PrintProblem::kDisconnected, s, e.message);
}

// Late answers to an earlier request (a status asked for by a run that timed out) must not be
// taken for this job's.
void discard_input(PrinterTransport& t) {
    for (int i = 0; i < 64; ++i) {
        auto r = t.read(64, milliseconds(0));
        if (!r || r->empty()) return;
    }
}

}  // namespace

const char* print_problem_name(PrintProblem p) {
    switch (p) {
        case PrintProblem::kNone:
            return "none";
        case PrintProblem::kNoPrinter:
            return "no_printer";
        case PrintProblem::kPaperOut:
            return "paper_out";
        case PrintProblem::kCoverOpen:
            return "cover_open";
        case PrintProblem::kOffline:
            return "offline";
        case PrintProblem::kNotTaken:
            return "not_taken";
        case PrintProblem::kNoAnswer:
            return "no_answer";
        case PrintProblem::kDisconnected:
            return "disconnected";
    }
    return "none";
}

PrintResult check_printer(PrinterTransport& t, const PrintTimeouts& timeouts) {
    discard_input(t);
    auto s = read_status(t, timeouts.status);
    if (!s) return from_error(s.error(), {});
    return judge(*s, t.describe());
}

PrintResult print_confirmed(PrinterTransport& t, std::string_view job,
                            const PrintTimeouts& timeouts) {
    PrintResult before = check_printer(t, timeouts);
    if (!before.printed()) return before;  // nothing sent to a printer that cannot print it
    // GS r 1 after the job: answered once the job is printed.
    std::string bytes(job);
    bytes += {0x1D, 'r', 1};
    if (auto w = t.write(bytes, timeouts.take); !w) return from_error(w.error(), before.status);
    const auto deadline = Clock::now() + timeouts.finish;
    while (Clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        auto r = t.read(16, std::max(left, milliseconds(1)));
        if (!r) return from_error(r.error(), before.status);
        for (const char c : *r) {
            const auto b = static_cast<uint8_t>(c);
            if ((b & 0x90) != 0) continue;  // not a GS r answer (DLE EOT answers have bit 4 on)
            PrintResult done{PrintProblem::kNone, before.status, ""};
            done.status.paper_near_end = b & 0x03;
            return done;
        }
    }
    // No confirmation: why? The status again (answered even while the printer has stopped).
    PrintResult after = check_printer(t, timeouts);
    if (!after.printed()) {
        after.detail += " (during the job)";
        return after;
    }
    return fail(PrintProblem::kNoAnswer, after.status,
                t.describe() + ": the printer did not confirm the job (GS r) in " +
                    std::to_string(timeouts.finish.count()) + " ms");
}

PrintResult print_confirmed(const std::string& spec, std::string_view job,
                            const PrintTimeouts& timeouts) {
    auto t = open_printer(spec);
    if (!t) return fail(PrintProblem::kNoPrinter, {}, t.error().message);
    return print_confirmed(**t, job, timeouts);
}

PrintResult check_printer(const std::string& spec, const PrintTimeouts& timeouts) {
    auto t = open_printer(spec);
    if (!t) return fail(PrintProblem::kNoPrinter, {}, t.error().message);
    return check_printer(**t, timeouts);
}

}  // namespace vmeste::drivers
