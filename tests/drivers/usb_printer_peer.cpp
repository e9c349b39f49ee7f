// usb_printer_peer: the printer's side of the USB printer gadget in the kernel VM
// (tests/drivers/usb_printer_vm_test.sh). The kiosk's side is the kernel's real usblp driver,
// /dev/usb/lp0, looped back through dummy_hcd; this side reads what the host sent from
// /dev/g_printer0, keeps it in a file and answers as an ESC/POS printer does (PrinterModel).
//   usb_printer_peer MODE RECORD_FILE
// MODE: ok | paper-out | paper-ends:N (the roll ends after N bytes) | mute (reads, never
// answers) | deaf (never reads: the host's transfers stall) | unplug:N (after N bytes the gadget
// is unbound from its controller, as a cable pulled out).
// It writes RECORD_FILE.ready once /dev/g_printer0 is open, and rebinds the gadget first if an
// earlier run unplugged it.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "drivers/printer/printer_model.h"

namespace {

const char* kUdc = "/sys/kernel/config/usb_gadget/vmeste/UDC";
volatile std::sig_atomic_t stop = 0;

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::string s;
    std::getline(in, s);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: usb_printer_peer MODE RECORD_FILE\n");
        return 2;
    }
    std::signal(SIGTERM, [](int) { stop = 1; });
    const std::string mode = argv[1], record = argv[2];
    vmeste::drivers::PrinterModel model;
    long unplug_after = -1;
    bool deaf = false;
    if (mode == "paper-out") model.paper = vmeste::drivers::PrinterModel::Paper::kOut;
    if (mode.rfind("paper-ends:", 0) == 0) model.paper_for_bytes = std::stoul(mode.substr(11));
    if (mode == "mute") model.answers = false;
    if (mode == "deaf") deaf = true;
    if (mode.rfind("unplug:", 0) == 0) unplug_after = std::stol(mode.substr(7));
    if (read_file(kUdc).empty()) write_file(kUdc, "dummy_udc.0");  // plugged back in
    int fd = -1;
    for (int i = 0; i < 500 && fd < 0; ++i) {
        fd = ::open("/dev/g_printer0", O_RDWR | O_NONBLOCK);
        if (fd < 0) ::usleep(10'000);
    }
    if (fd < 0) {
        std::perror("/dev/g_printer0");
        return 1;
    }
    std::ofstream out(record, std::ios::binary | std::ios::trunc);
    write_file(record + ".ready", mode);
    long total = 0;
    char buf[4096];
    while (!stop) {
        if (deaf) {
            ::usleep(50'000);
            continue;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) != 1) continue;
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) continue;
        out.write(buf, n);
        out.flush();
        total += n;
        const std::string answer = model.take(std::string_view(buf, static_cast<size_t>(n)));
        if (unplug_after >= 0 && total >= unplug_after) {
            write_file(kUdc, "\n");  // the cable pulled out mid-job
            unplug_after = -1;
            deaf = true;
            continue;
        }
        if (!answer.empty()) (void)!::write(fd, answer.data(), answer.size());
    }
    ::close(fd);
    return 0;
}
