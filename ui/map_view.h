// The map of the place step: tiles from the region's MBTiles file (core::TileCache loads and
// decodes them off the UI thread), dragged with a finger, zoomed with + and −, a pin where the
// citizen taps. The view (centre and zoom) lives in the session, so a language switch or a
// trip to review and back keeps it.
#pragma once

#include "ui/layout.h"

namespace vmeste::ui {

void draw_map(Ui& ui, const Rect& area);

// A still map of `area` at street level centred on (lat, lon), the pin there and the МФЦ
// marked: review shows it so the citizen can check the place (issue #21, point 7).
void draw_map_still(Ui& ui, const Rect& area, double lat, double lon);

}  // namespace vmeste::ui
