// PrinterModel: the far side of an ESC/POS receipt printer as the kiosk sees it through its
// transport. It keeps the bytes it is sent, answers a real-time status request (DLE EOT n) as it
// arrives, whatever the printer is doing, and answers GS r 1 (transmit paper sensor status) only
// when everything sent before it has been printed: the kiosk's proof that a receipt came out
// (drivers/printer/print_job.h). With no paper, an open cover or offline it stops printing and
// answers only the real-time requests, as Epson's TM series do.
//
// The printer in FakePrinter (tests), behind the TCP 9100 and serial listeners of the tests, and
// behind the USB printer gadget in the kernel VM (tests/drivers/usb_printer_peer.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vmeste::drivers {

class PrinterModel {
  public:
    enum class Paper { kOk, kNearEnd, kOut };
    Paper paper = Paper::kOk;
    bool cover_open = false;
    bool offline = false;
    // false: a printer that answers nothing at all (one-way, or its status line is broken).
    bool answers = true;
    // false: answers status but never GS r (a printer that does not implement it).
    bool confirms_jobs = true;
    // false: takes no data at all (its buffer full, hung): the transport's writes stall.
    bool takes_data = true;
    // The roll ends after this many more bytes of print data (mid-job paper out).
    std::optional<size_t> paper_for_bytes;

    // Takes what the kiosk sent; returns what the printer sends back.
    std::string take(std::string_view bytes);
    const std::string& received() const { return received_; }
    // GS r answers sent: one per job confirmed.
    int jobs_confirmed() const { return confirmed_; }
    void clear() {
        received_.clear();
        confirmed_ = 0;
    }

    // The status bytes (ESC/POS: DLE EOT 1, 2, 4 and GS r 1) for the current state.
    uint8_t status_byte(int n) const;
    uint8_t paper_sensor_byte() const;

  private:
    bool printing() const { return paper != Paper::kOut && !cover_open && !offline; }
    std::string received_;
    std::string pending_;  // the start of a command split across two writes
    int confirmed_ = 0;
};

}  // namespace vmeste::drivers
