// UsbGate: which USB devices the kernel may use (issue #20, point 10; docs/operations.md, "USB").
// On a terminal usbguard (Debian) blocks every device that packaging/usbguard's rules do not
// allow: hubs, the touchscreen and keyboards (HID), the camera, the printer, serial adapters. A USB
// stick (mass storage) stays blocked except while staff export unsent appeals: the export lets
// the sticks plugged in at that moment through for this plugging only, and blocks them again once
// the file is written and read back (the kernel lets go of the stick; systemd of its mount).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::drivers {

struct UsbDevice {
    uint32_t id = 0;                             // usbguard's number for this plugging
    std::string vid_pid;                         // "0781:5581"
    std::string name;                            // what the device calls itself
    std::vector<std::string> interfaces;         // "08:06:50", … (class:subclass:protocol)
    bool has_class(std::string_view cls) const;  // "08": mass storage
    // A plain stick: mass storage and nothing else. One that is a keyboard or a network card too
    // (a "BadUSB" stick) is never let through.
    bool plain_storage() const;
};

class UsbGate {
  public:
    virtual ~UsbGate() = default;
    virtual Result<std::vector<UsbDevice>> blocked() = 0;
    virtual Result<void> allow(uint32_t id) = 0;  // this plugging only, no permanent rule
    virtual Result<void> block(uint32_t id) = 0;
};

// usbguard-daemon through its command-line client (`usbguard list-devices --blocked`,
// `allow-device`, `block-device`); the kiosk's user has the IPC rights the package gives it.
std::unique_ptr<UsbGate> make_usbguard_gate(std::string client = "usbguard");

// `usbguard list-devices` lines → devices; lines it cannot read are skipped.
std::vector<UsbDevice> parse_usbguard_devices(std::string_view listing);

// For tests and terminals without usbguard: devices a test plugs in, each blocked until allowed.
class FakeUsbGate : public UsbGate {
  public:
    uint32_t plug(UsbDevice d);  // returns its id
    void unplug(uint32_t id);
    bool is_allowed(uint32_t id) const;
    Result<std::vector<UsbDevice>> blocked() override;
    Result<void> allow(uint32_t id) override;
    Result<void> block(uint32_t id) override;
    std::vector<std::string> log() const;  // "allow 3", "block 3", in order
    // What the kernel and systemd would do next (a test mounts its "stick"): called unlocked.
    std::function<void(const UsbDevice&)> on_allow, on_block;

  private:
    Result<void> set(uint32_t id, bool allowed);
    mutable std::mutex mu_;
    struct Plugged {
        UsbDevice device;
        bool allowed = false;
    };
    std::vector<Plugged> plugged_;
    std::vector<std::string> log_;
    uint32_t next_ = 1;
};

}  // namespace vmeste::drivers
