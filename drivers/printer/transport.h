// How ESC/POS bytes reach a printer: a device file (/dev/usb/lp0, the usblp driver), a serial
// port (termios, raw), or TCP port 9100 (network printers). Status comes back where the printer
// reports it: DLE EOT n (real-time status) answers one byte per request.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/printer/printer_model.h"
#include "kiosk/base/result.h"

namespace vmeste::drivers {

// Errors: kRetryLater when the device takes no data for `timeout` (full, stopped, not reading),
// kNotFound when the device is gone (unplugged, the connection closed), kIo otherwise.
class PrinterTransport {
  public:
    virtual ~PrinterTransport() = default;
    // All of `bytes`, waiting at most `timeout` each time the device stops taking them.
    virtual Result<void> write(std::string_view bytes, std::chrono::milliseconds timeout =
                                                           std::chrono::milliseconds(5000)) = 0;
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

// Sends DLE EOT 1, 2 and 4 and reads the answers (ESC/POS real-time status); `timeout` bounds
// each request's write and its answer.
PrinterStatus query_status(PrinterTransport& t,
                           std::chrono::milliseconds timeout = std::chrono::milliseconds(500));
// The same; a transport error (the device gone) as an error, a silent printer as answered = false.
Result<PrinterStatus> read_status(PrinterTransport& t, std::chrono::milliseconds timeout);
// Decodes the three status bytes (exposed for tests).
PrinterStatus decode_status(uint8_t printer, uint8_t offline, uint8_t paper);

// A printer in memory (tests, the screenshots): a PrinterModel behind a transport. Thread-safe,
// so a test can change the printer while the kiosk's worker prints.
class FakePrinter final : public PrinterTransport {
  public:
    Result<void> write(std::string_view bytes, std::chrono::milliseconds timeout =
                                                   std::chrono::milliseconds(5000)) override;
    Result<std::string> read(size_t max, std::chrono::milliseconds timeout) override;
    std::string describe() const override { return "fake printer"; }
    // Changes the printer (paper, cover, …) under the lock.
    template <class F>
    void set(F f) {
        std::lock_guard lock(mu_);
        f(model_);
    }
    std::string received() const;
    void clear_received() {
        std::lock_guard lock(mu_);
        model_.clear();
    }
    int jobs_confirmed() const;
    void set_unplugged(bool u);  // writes and reads fail as for a device that went away

  private:
    mutable std::mutex mu_;
    std::condition_variable answered_;
    PrinterModel model_;
    std::string pending_;
    bool unplugged_ = false;
};

}  // namespace vmeste::drivers
