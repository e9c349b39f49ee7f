// serial_printer_peer: the printer at the far end of the kernel VM's second 16550 serial port
// (tests/drivers/serial_printer_vm_test.sh). qemu connects the guest's /dev/ttyS1 to DATA and
// /dev/ttyS2 to CONTROL; this side records what came over the line and answers as an ESC/POS
// printer does (PrinterModel), and the tests in the VM steer it over the control line:
//   "mode M\n"  → the printer starts afresh in mode M, its record emptied; answers "ready M\n"
//   "sum\n"     → "LEN HASH INIT\n": the length and FNV-1a hash of the jobs it received
//                 (status requests left out) and 1 if any job started (ESC @), else 0
// M: ok | paper-out | paper-ends:N (the roll ends after N bytes) | mute (reads, never answers)
//    | pulled:N (after N bytes the cable is pulled: nothing more arrives or answers).
//   serial_printer_peer   prints "ports DATA CONTROL\n" once listening on 127.0.0.1, then waits
//                         for qemu; it exits when qemu closes either line.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "drivers/printer/printer_model.h"
#include "tests/support/printer_record.h"

using vmeste::drivers::PrinterModel;

namespace {

int listen_any(int* port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd, 1) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

bool send_all(int fd, const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

struct Printer {
    PrinterModel model;
    std::string record;
    long pulled_after = -1;  // bytes until the cable is pulled; -1: never
    bool pulled = false;

    void reset(const std::string& mode) {
        model = PrinterModel{};
        record.clear();
        pulled_after = -1;
        pulled = false;
        if (mode == "paper-out") model.paper = PrinterModel::Paper::kOut;
        if (mode.rfind("paper-ends:", 0) == 0) model.paper_for_bytes = std::stoul(mode.substr(11));
        if (mode == "mute") model.answers = false;
        if (mode.rfind("pulled:", 0) == 0) pulled_after = std::stol(mode.substr(7));
    }
    // What came over the line; returns what goes back.
    std::string take(const char* data, size_t n) {
        if (pulled) return {};
        if (pulled_after >= 0 && static_cast<long>(record.size() + n) >= pulled_after) {
            n = static_cast<size_t>(pulled_after - static_cast<long>(record.size()));
            pulled = true;
        }
        record.append(data, n);
        std::string answer = model.take(std::string_view(data, n));
        return pulled ? std::string() : answer;
    }
};

}  // namespace

int main() {
    int data_port = 0, ctrl_port = 0;
    const int data_l = listen_any(&data_port), ctrl_l = listen_any(&ctrl_port);
    if (data_l < 0 || ctrl_l < 0) {
        std::perror("listen");
        return 1;
    }
    std::printf("ports %d %d\n", data_port, ctrl_port);
    std::fflush(stdout);
    const int data = ::accept(data_l, nullptr, nullptr);
    const int ctrl = ::accept(ctrl_l, nullptr, nullptr);
    if (data < 0 || ctrl < 0) {
        std::perror("accept");
        return 1;
    }
    Printer printer;
    printer.reset("ok");
    std::string line;
    char buf[4096];
    for (;;) {
        pollfd p[2] = {{data, POLLIN, 0}, {ctrl, POLLIN, 0}};
        if (::poll(p, 2, -1) < 0) continue;
        if (p[0].revents & (POLLIN | POLLHUP)) {
            const ssize_t n = ::read(data, buf, sizeof buf);
            if (n <= 0) break;
            const std::string answer = printer.take(buf, static_cast<size_t>(n));
            if (!answer.empty() && !send_all(data, answer)) break;
        }
        if (p[1].revents & (POLLIN | POLLHUP)) {
            const ssize_t n = ::read(ctrl, buf, sizeof buf);
            if (n <= 0) break;
            line.append(buf, static_cast<size_t>(n));
            for (size_t nl; (nl = line.find('\n')) != std::string::npos;) {
                std::string cmd = line.substr(0, nl);
                line.erase(0, nl + 1);
                if (!cmd.empty() && cmd.back() == '\r') cmd.pop_back();
                std::string reply;
                if (cmd.rfind("mode ", 0) == 0) {
                    printer.reset(cmd.substr(5));
                    reply = "ready " + cmd.substr(5) + "\n";
                } else if (cmd == "sum") {
                    const std::string jobs = vmeste::test::jobs_only(printer.record);
                    reply = std::to_string(jobs.size()) + " " + vmeste::test::fnv1a_hex(jobs) +
                            (printer.record.find("\x1b@") != std::string::npos ? " 1\n" : " 0\n");
                } else if (!cmd.empty()) {
                    reply = "error " + cmd + "\n";
                }
                if (!reply.empty() && !send_all(ctrl, reply)) return 0;
            }
        }
    }
    return 0;
}
