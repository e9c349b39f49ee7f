// The steps a member of staff or a technician makes to reach maintenance through the UI driver:
// the hidden gesture, the PIN typed on the pad, and the PINs set beforehand.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "kiosk/base/clock.h"
#include "kiosk/core/maintenance_access.h"
#include "tests/support/ui_driver.h"

namespace vmeste::test {

// 3 s in the top-left corner, then 1 s in the bottom-right one (the clock is the test's).
inline void gesture(UiDriver& d, ManualClock& clock) {
    using namespace std::chrono_literals;
    d.press(20, 20);
    for (int i = 0; i < 32; ++i) {
        clock.advance(100ms);
        d.frame();
    }
    d.release();
    d.press(1070, 1910);
    for (int i = 0; i < 12; ++i) {
        clock.advance(100ms);
        d.frame();
    }
    d.release();
}

// Whose PIN is chosen on the pad (staff is already), then the PIN typed and entered.
inline void type_pin(UiDriver& d, const std::string& pin, core::Role role = core::Role::kStaff) {
    using namespace std::chrono_literals;
    if (role != d.kiosk().maintenance().state().sign_in_role)
        d.tap(role == core::Role::kStaff ? "maint/pin/role/staff" : "maint/pin/role/technician");
    for (char c : pin) d.tap(std::string("maint/pin/") + c);
    d.tap("maint/pin/enter");
    ASSERT_TRUE(d.wait_for([&] { return !d.kiosk().maintenance().state().checking; }, 10s));
}

// Signed in as staff (the gesture, the PIN), the queue screen loaded and drawn.
inline void open_queue_as_staff(UiDriver& d, ManualClock& clock, const std::string& pin) {
    using namespace std::chrono_literals;
    gesture(d, clock);
    type_pin(d, pin);
    d.tap("maint/queue");
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().maintenance().state().queue.loaded; }, 5s));
    d.frame();
}

// The PINs a test signs in with: staff 2468, technician 975312.
constexpr const char* kStaffPin = "2468";
constexpr const char* kTechnicianPin = "975312";
inline void set_pins(const std::string& data_dir, const Clock& clock, bool staff, bool technician) {
    auto access = core::MaintenanceAccess::open(data_dir, clock, core::PinHashCost::kTestsOnly);
    ASSERT_TRUE(access);
    if (staff) {
        ASSERT_TRUE(access->set_pin(core::Role::kStaff, kStaffPin));
    }
    if (technician) {
        ASSERT_TRUE(access->set_pin(core::Role::kTechnician, kTechnicianPin));
    }
}

}  // namespace vmeste::test
