// Printing that never lies (issue #19, points 1 and 2): "printed" only after the printer
// answered GS r 1 sent after the job; nothing sent to a printer that says it cannot print; every
// other ending named. Over the real TCP transport to a printer on loopback (SocketPrinter), and
// through FakePrinter for what TCP cannot show (a device that takes nothing, an unplug). The same
// against the kernel's usblp: tests/drivers/usb_printer_vm_test.sh.
#include "drivers/printer/print_job.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "drivers/printer/escpos.h"
#include "tests/support/socket_printer.h"

using namespace vmeste;
using namespace vmeste::drivers;
using namespace std::chrono_literals;

namespace {

const PrintTimeouts kQuick{200ms, 300ms, 1000ms};

std::string job(const std::string& number) {
    ReceiptContent c;
    c.title = "Обращение принято";
    c.receipt_number = number;
    c.tracking_url = "https://example.ru/t/" + number;
    return receipt_escpos(c);
}

const std::string kConfirm("\x1d\x72\x01", 3);  // GS r 1

}  // namespace

TEST(PrintJob, PrintedOnlyOnceThePrinterAnswersAfterTheJob) {
    test::SocketPrinter printer;
    auto t = open_printer(printer.spec());
    ASSERT_TRUE(t) << t.error().message;
    const auto r = print_confirmed(**t, job("7K3Q-9PXA"), kQuick);
    EXPECT_TRUE(r.printed()) << r.detail;
    EXPECT_FALSE(r.paper_low());
    EXPECT_EQ(printer.jobs_confirmed(), 1);
    const std::string got = printer.received();
    const size_t at = got.find(job("7K3Q-9PXA"));
    ASSERT_NE(at, std::string::npos) << "the job, byte for byte";
    EXPECT_EQ(got.substr(at + job("7K3Q-9PXA").size()), kConfirm) << "GS r 1 right after it";
}

TEST(PrintJob, APrinterThatCannotPrintGetsNothingAndSaysWhy) {
    struct Case {
        const char* name;
        void (*set)(PrinterModel&);
        PrintProblem expected;
    };
    const Case cases[] = {
        {"paper out", [](PrinterModel& m) { m.paper = PrinterModel::Paper::kOut; },
         PrintProblem::kPaperOut},
        {"cover open", [](PrinterModel& m) { m.cover_open = true; }, PrintProblem::kCoverOpen},
        {"offline", [](PrinterModel& m) { m.offline = true; }, PrintProblem::kOffline},
        {"silent", [](PrinterModel& m) { m.answers = false; }, PrintProblem::kNoAnswer},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        test::SocketPrinter printer;
        printer.set(c.set);
        auto t = open_printer(printer.spec());
        ASSERT_TRUE(t);
        const auto started = std::chrono::steady_clock::now();
        const auto r = print_confirmed(**t, job("7K3Q-9PXA"), kQuick);
        EXPECT_FALSE(r.printed());
        EXPECT_EQ(r.problem, c.expected) << print_problem_name(r.problem) << ": " << r.detail;
        EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "said at once, no long wait";
        // Give the listener a moment to have read whatever was sent, then: no job in it.
        std::this_thread::sleep_for(50ms);
        EXPECT_EQ(printer.received().find("\x1b@"), std::string::npos) << "nothing printed";
        EXPECT_EQ(check_printer(**t, kQuick).problem, c.expected);
    }
}

TEST(PrintJob, PaperRunningOutMidJobIsNotPrinted) {
    test::SocketPrinter printer;
    printer.set([](PrinterModel& m) { m.paper_for_bytes = 40; });  // the roll ends in the job
    auto t = open_printer(printer.spec());
    ASSERT_TRUE(t);
    const auto r = print_confirmed(**t, job("7K3Q-9PXA"), kQuick);
    EXPECT_EQ(r.problem, PrintProblem::kPaperOut) << r.detail;
    EXPECT_NE(r.detail.find("during the job"), std::string::npos) << r.detail;
    EXPECT_EQ(printer.jobs_confirmed(), 0);
}

TEST(PrintJob, APrinterThatTakesTheJobButNeverConfirmsItIsNotPrinted) {
    test::SocketPrinter printer;
    printer.set([](PrinterModel& m) { m.confirms_jobs = false; });
    auto t = open_printer(printer.spec());
    ASSERT_TRUE(t);
    const auto r = print_confirmed(**t, job("7K3Q-9PXA"), kQuick);
    EXPECT_EQ(r.problem, PrintProblem::kNoAnswer);
    EXPECT_NE(r.detail.find("did not confirm"), std::string::npos) << r.detail;
}

TEST(PrintJob, NearEndPrintsAndWarns) {
    test::SocketPrinter printer;
    printer.set([](PrinterModel& m) { m.paper = PrinterModel::Paper::kNearEnd; });
    auto t = open_printer(printer.spec());
    ASSERT_TRUE(t);
    const auto r = print_confirmed(**t, job("7K3Q-9PXA"), kQuick);
    EXPECT_TRUE(r.printed()) << r.detail;
    EXPECT_TRUE(r.paper_low());
}

TEST(PrintJob, ADeviceThatTakesNoDataOrGoesAwayIsNamed) {
    FakePrinter stuck;
    stuck.set([](PrinterModel& m) { m.takes_data = false; });
    EXPECT_EQ(print_confirmed(stuck, job("A"), kQuick).problem, PrintProblem::kNoAnswer)
        << "status requests do not get through either";

    // Unplugged while the printer works on the job: said as such, not "no answer".
    FakePrinter unplugged;
    unplugged.set([](PrinterModel& m) { m.confirms_jobs = false; });
    std::thread pull([&] {
        std::this_thread::sleep_for(150ms);
        unplugged.set_unplugged(true);
    });
    const auto r = print_confirmed(unplugged, job("A"), PrintTimeouts{200ms, 300ms, 5000ms});
    pull.join();
    EXPECT_EQ(r.problem, PrintProblem::kDisconnected) << r.detail;
    EXPECT_EQ(print_confirmed(unplugged, job("A"), kQuick).problem, PrintProblem::kDisconnected);

    // A spec that cannot be opened.
    EXPECT_EQ(print_confirmed("tcp:127.0.0.1:1", job("A"), kQuick).problem,
              PrintProblem::kNoPrinter);
}

TEST(PrinterModel, AnswersStatusAtOnceAndGsROnlyWhenPrintingAndAcrossSplitWrites) {
    PrinterModel m;
    EXPECT_EQ(m.take(std::string("\x10\x04\x01", 3)), "\x12");
    EXPECT_EQ(m.take(std::string("\x10", 1)), "") << "half a command waits for its rest";
    EXPECT_EQ(m.take(std::string("\x04\x04", 2)), "\x12");
    EXPECT_EQ(m.take("abc" + kConfirm), std::string(1, '\0'));
    m.paper = PrinterModel::Paper::kOut;
    EXPECT_EQ(m.take(std::string("\x10\x04\x04", 3)), "\x7e");  // 0x12 | 0x0C | 0x60
    EXPECT_EQ(m.take(kConfirm), "") << "stopped: no confirmation";
    EXPECT_EQ(m.jobs_confirmed(), 1);
}
