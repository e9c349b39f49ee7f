// How ESC/POS bytes reach a printer: a device file (/dev/usb/lp0, the usblp driver), a serial
// port (termios, raw), or TCP port 9100 (network printers). Status comes back where the printer
// reports it: DLE EOT n (real-time status) answers one byte per request.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::drivers {

class PrinterTransport {
  public:
    virtual ~PrinterTransport() = default;
    virtual Result<void> write(std::string_view bytes) = 0;
    // Up to `max` bytes, waiting at most `timeout`; empty when nothing came (not every transport
    // or printer answers).
    virtual Result<std::string> read(size_t max, std::chrono::milliseconds timeout) = 0;
    virtual std::string describe() const = 0;
};

Result<std::unique_ptr<PrinterTransport>> open_device_file(const std::string& path);
Result<std::unique_ptr<PrinterTransport>> open_serial(const std::string& path, int baud = 19200);
Result<std::unique_ptr<PrinterTransport>> open_tcp(
    const std::string& host, int port = 9100,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
// "usb:/dev/usb/lp0", "serial:/dev/ttyS0:19200", "tcp:192.168.1.50:9100".
Result<std::unique_ptr<PrinterTransport>> open_printer(const std::string& spec);

struct PrinterStatus {
    bool answered = false;  // false: the transport or printer gives no status (unknown)
    bool online = true;
    bool cover_open = false;
    bool paper_near_end = false;
    bool paper_out = false;
};

// The printers this machine shows: "usb:/dev/usb/lpN", "serial:/dev/ttyUSBN" (and ttyACM), sorted;
// the technician picks one (a network printer is typed in the config file as tcp:HOST).
std::vector<std::string> discover_printers();

// Sends DLE EOT 1, 2 and 4 and reads the answers (ESC/POS real-time status).
PrinterStatus query_status(PrinterTransport& t,
                           std::chrono::milliseconds timeout = std::chrono::milliseconds(500));
// Decodes the three status bytes (exposed for tests).
PrinterStatus decode_status(uint8_t printer, uint8_t offline, uint8_t paper);

// A printer in memory: keeps what it was sent, answers status requests with set bytes.
class FakePrinter final : public PrinterTransport {
  public:
    Result<void> write(std::string_view bytes) override;
    Result<std::string> read(size_t max, std::chrono::milliseconds) override;
    std::string describe() const override { return "fake printer"; }
    std::string received;
    uint8_t printer_status = 0x12, offline_status = 0x12, paper_status = 0x12;
    bool offline = false;  // writes fail, as when unplugged

  private:
    std::string pending_;
};

}  // namespace vmeste::drivers
