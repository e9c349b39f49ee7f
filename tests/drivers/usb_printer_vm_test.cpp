// The receipt printer through the kernel's real usblp driver (issue #19, point 1): run inside
// the VM of tests/drivers/usb_printer_vm_test.sh, where a USB printer gadget (dummy_hcd +
// libcomposite + usb_f_printer, presenting itself as an Epson TM-T20II) is /dev/usb/lp0 and
// usb_printer_peer answers on the gadget's side. Outside that VM these tests report Skipped.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "drivers/printer/escpos.h"
#include "drivers/printer/print_job.h"
#include "tests/support/printer_record.h"

using namespace vmeste::drivers;
using namespace std::chrono_literals;

namespace {

const char* kRecord = "/tmp/usb-printer-received.bin";
const char* kDevice = "usb:/dev/usb/lp0";

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::string receipt(int i) {
    return vmeste::test::vm_receipt("USB", i);
}
using vmeste::test::jobs_only;

class UsbPrinterVm : public ::testing::Test {
  protected:
    void SetUp() override {
        peer_bin_ =
            std::getenv("VMESTE_USB_PRINTER_PEER") ? std::getenv("VMESTE_USB_PRINTER_PEER") : "";
        if (peer_bin_.empty())
            GTEST_SKIP() << "runs in the kernel VM (tests/drivers/usb_printer_vm_test.sh)";
    }
    void TearDown() override { stop_peer(); }

    // The printer's side in `mode`, then /dev/usb/lp0 there (it comes back after an unplug).
    void start_peer(const std::string& mode) {
        std::filesystem::remove(std::string(kRecord) + ".ready");
        peer_ = fork();
        if (peer_ == 0) {
            execl(peer_bin_.c_str(), peer_bin_.c_str(), mode.c_str(), kRecord, nullptr);
            _exit(127);
        }
        for (int i = 0; i < 1000; ++i) {
            if (std::filesystem::exists(std::string(kRecord) + ".ready") &&
                std::filesystem::exists("/dev/usb/lp0"))
                break;
            std::this_thread::sleep_for(10ms);
        }
        ASSERT_TRUE(std::filesystem::exists("/dev/usb/lp0")) << "the gadget did not enumerate";
        std::this_thread::sleep_for(200ms);  // the host's driver settles on the new device
    }
    void stop_peer() {
        if (peer_ <= 0) return;
        kill(peer_, SIGTERM);
        waitpid(peer_, nullptr, 0);
        peer_ = 0;
    }

    std::string peer_bin_;
    pid_t peer_ = 0;
    // usblp under qemu's TCG is slow: generous, still bounded.
    PrintTimeouts timeouts_{1000ms, 5000ms, 10000ms};
};

}  // namespace

TEST_F(UsbPrinterVm, FiftyReceiptsInARowArriveByteForByteAndEachIsConfirmed) {
    ASSERT_GT(receipt(0).size(), 300u) << "the faults below strike inside a receipt";
    start_peer("ok");
    std::string expected;
    for (int i = 0; i < 50; ++i) {
        const auto r = print_confirmed(kDevice, receipt(i), timeouts_);
        ASSERT_TRUE(r.printed()) << "receipt " << i << ": " << print_problem_name(r.problem) << ": "
                                 << r.detail;
        expected += receipt(i) + std::string("\x1d\x72\x01", 3);
    }
    stop_peer();
    const std::string got = jobs_only(read_all(kRecord));
    EXPECT_EQ(got.size(), expected.size());
    EXPECT_TRUE(got == expected) << "the printer's bytes differ from the 50 jobs sent";
}

TEST_F(UsbPrinterVm, PaperOutIsSaidAndNothingIsSent) {
    start_peer("paper-out");
    const auto r = print_confirmed(kDevice, receipt(0), timeouts_);
    EXPECT_EQ(r.problem, PrintProblem::kPaperOut) << r.detail;
    stop_peer();
    EXPECT_EQ(read_all(kRecord).find("\x1b@"), std::string::npos);
}

TEST_F(UsbPrinterVm, TheRollEndingDuringTheJobIsNotPrinted) {
    start_peer("paper-ends:150");
    const auto r = print_confirmed(kDevice, receipt(0), timeouts_);
    EXPECT_EQ(r.problem, PrintProblem::kPaperOut) << r.detail;
}

TEST_F(UsbPrinterVm, APrinterThatNeverAnswersIsNeverPrinted) {
    start_peer("mute");
    EXPECT_EQ(print_confirmed(kDevice, receipt(0), timeouts_).problem, PrintProblem::kNoAnswer);
}

TEST_F(UsbPrinterVm, APrinterThatTakesNoDataIsNeverPrinted) {
    start_peer("deaf");
    const auto started = std::chrono::steady_clock::now();
    const auto r = print_confirmed(kDevice, receipt(0), timeouts_);
    EXPECT_FALSE(r.printed());
    EXPECT_TRUE(r.problem == PrintProblem::kNoAnswer || r.problem == PrintProblem::kNotTaken)
        << print_problem_name(r.problem) << ": " << r.detail;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 20s);
}

TEST_F(UsbPrinterVm, UnpluggedMidJobIsReportedAsSuch) {
    start_peer("unplug:200");
    const auto r = print_confirmed(kDevice, receipt(0), timeouts_);
    EXPECT_EQ(r.problem, PrintProblem::kDisconnected)
        << print_problem_name(r.problem) << ": " << r.detail;
}
