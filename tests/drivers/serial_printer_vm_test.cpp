// The receipt printer over a real 16550 serial port (issue #19, proof): run inside the VM of
// tests/drivers/serial_printer_vm_test.sh, where the kernel's 8250 driver is /dev/ttyS1 and
// qemu carries that line to serial_printer_peer on the host, a PrinterModel steered over a
// second line (/dev/ttyS2). The kiosk's own code prints: open_serial (raw, RTS/CTS) and
// print_confirmed. Outside that VM these tests report Skipped.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>

#include "drivers/printer/print_job.h"
#include "tests/support/printer_record.h"

using namespace vmeste::drivers;
using namespace std::chrono_literals;

namespace {

const char* kDevice = "serial:/dev/ttyS1:115200";

std::string receipt(int i) {
    return vmeste::test::vm_receipt("COM", i);
}

class SerialPrinterVm : public ::testing::Test {
  protected:
    void SetUp() override {
        const char* ctrl = std::getenv("VMESTE_SERIAL_PRINTER_CONTROL");
        if (!ctrl)
            GTEST_SKIP() << "runs in the kernel VM (tests/drivers/serial_printer_vm_test.sh)";
        ctrl_ = ::open(ctrl, O_RDWR | O_NOCTTY);
        ASSERT_GE(ctrl_, 0) << ctrl;
        termios t{};
        ASSERT_EQ(tcgetattr(ctrl_, &t), 0);
        cfmakeraw(&t);
        t.c_cflag |= CLOCAL | CREAD;
        tcsetattr(ctrl_, TCSANOW, &t);
    }
    void TearDown() override {
        if (ctrl_ >= 0) ::close(ctrl_);
    }

    // One line to the printer's far side, its one-line answer back.
    std::string ask(const std::string& cmd) {
        const std::string out = cmd + "\n";
        if (::write(ctrl_, out.data(), out.size()) != static_cast<ssize_t>(out.size())) return {};
        std::string line;
        const auto until = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < until) {
            pollfd p{ctrl_, POLLIN, 0};
            if (::poll(&p, 1, 100) != 1) continue;
            char c;
            if (::read(ctrl_, &c, 1) != 1) continue;
            if (c == '\n') return line;
            line += c;
        }
        return line;
    }
    void mode(const std::string& m) { ASSERT_EQ(ask("mode " + m), "ready " + m); }
    struct Sum {
        size_t length = 0;
        std::string hash;
        bool any_job = false;
    };
    Sum sum() {
        std::istringstream in(ask("sum"));
        Sum s;
        int job = 0;
        in >> s.length >> s.hash >> job;
        s.any_job = job == 1;
        return s;
    }

    int ctrl_ = -1;
    PrintTimeouts timeouts_{1000ms, 5000ms, 10000ms};  // TCG is slow: generous, still bounded
};

}  // namespace

TEST_F(SerialPrinterVm, FiftyReceiptsInARowArriveByteForByteAndEachIsConfirmed) {
    mode("ok");
    std::string expected;
    for (int i = 0; i < 50; ++i) {
        const auto r = print_confirmed(kDevice, receipt(i), timeouts_);
        ASSERT_TRUE(r.printed()) << "receipt " << i << ": " << print_problem_name(r.problem) << ": "
                                 << r.detail;
        expected += receipt(i) + std::string("\x1d\x72\x01", 3);
    }
    const Sum s = sum();
    EXPECT_EQ(s.length, expected.size());
    EXPECT_EQ(s.hash, vmeste::test::fnv1a_hex(expected))
        << "the printer's bytes differ from the 50 jobs sent";
}

TEST_F(SerialPrinterVm, PaperOutIsSaidAndNothingIsSent) {
    mode("paper-out");
    const auto r = print_confirmed(kDevice, receipt(0), timeouts_);
    EXPECT_EQ(r.problem, PrintProblem::kPaperOut) << r.detail;
    EXPECT_FALSE(sum().any_job);
}

TEST_F(SerialPrinterVm, TheRollEndingDuringTheJobIsNotPrinted) {
    mode("paper-ends:150");
    const auto r = print_confirmed(kDevice, receipt(0), timeouts_);
    EXPECT_EQ(r.problem, PrintProblem::kPaperOut) << r.detail;
}

TEST_F(SerialPrinterVm, APrinterThatNeverAnswersIsNeverPrinted) {
    mode("mute");
    EXPECT_EQ(print_confirmed(kDevice, receipt(0), timeouts_).problem, PrintProblem::kNoAnswer);
}

// RS-232 has no "unplugged": with the cable pulled mid-job (or the printer switched off) the
// line goes quiet. That is said as "no answer", never as printed.
TEST_F(SerialPrinterVm, ACablePulledMidJobIsNeverPrinted) {
    mode("pulled:200");
    const auto r = print_confirmed(kDevice, receipt(0), timeouts_);
    EXPECT_FALSE(r.printed());
    EXPECT_EQ(r.problem, PrintProblem::kNoAnswer)
        << print_problem_name(r.problem) << ": " << r.detail;
    mode("ok");  // plugged back in: the next receipt prints
    EXPECT_TRUE(print_confirmed(kDevice, receipt(1), timeouts_).printed());
}
