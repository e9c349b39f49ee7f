// The kiosk the screen tests walk in real windows (damage tracking, renderer parity): the
// simulator as the platform, the demo town's region pack (its map and addresses), a synthetic
// camera (colour bars), a fake printer, no uploader, and the test's own clock.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "drivers/camera/camera.h"
#include "drivers/printer/transport.h"
#include "kiosk/base/clock.h"
#include "kiosk/core/kiosk.h"
#include "tests/support/demo_region.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/temp_dir.h"

namespace vmeste::test {

// Options for that kiosk under `dir`, standing in the demo town's МФЦ (`*map`).
inline std::optional<core::Kiosk::Options> screen_kiosk_options(const TempDir& dir,
                                                                const RunningSim& sim,
                                                                const Clock& clock,
                                                                DemoRegion* map) {
    core::Kiosk::Options ko;
    ko.config.data_dir = dir.path();
    ko.config.platform_url = sim.url();
    ko.config.site_address = map->site_address;
    ko.config.site_lat = map->lat;
    ko.config.site_lon = map->lon;
    ko.config.map_file = map->file;
    ko.config.auto_print_receipt = false;
    ko.clock = &clock;
    ko.start_uploader = false;
    static SystemClock camera_clock;
    ko.camera = drivers::make_synthetic_camera(camera_clock, 1280, 960, 15);
    ko.printer = std::make_shared<drivers::FakePrinter>();
    return ko;
}

}  // namespace vmeste::test
