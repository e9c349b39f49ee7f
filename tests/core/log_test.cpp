// Log lines keep their level in the journal: sd-daemon's "<N>" prefix under systemd only.
#include "kiosk/base/log.h"

#include <gtest/gtest.h>

using namespace vmeste;

TEST(Log, UnderSystemdEachLineCarriesItsSyslogPriority) {
    EXPECT_EQ(log::format_line(log::Level::kError, "store: disk full", true),
              "<3>vmeste[error] store: disk full");
    EXPECT_EQ(log::format_line(log::Level::kWarn, "x", true), "<4>vmeste[warn] x");
    EXPECT_EQ(log::format_line(log::Level::kInfo, "x", true), "<6>vmeste[info] x");
    EXPECT_EQ(log::format_line(log::Level::kDebug, "x", true), "<7>vmeste[debug] x");
}

TEST(Log, ElsewhereLinesHaveNoPrefix) {
    EXPECT_EQ(log::format_line(log::Level::kError, "store: disk full", false),
              "vmeste[error] store: disk full");
}
