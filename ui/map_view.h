// The map of the place step: tiles from the region's MBTiles file (core::TileCache loads and
// decodes them off the UI thread), dragged with a finger, zoomed with + and −, a pin where the
// citizen taps. The view (centre and zoom) lives in the session, so a language switch or a
// trip to review and back keeps it.
#pragma once

#include "ui/layout.h"

namespace vmeste::ui {

void draw_map(Ui& ui, const Rect& area);

}  // namespace vmeste::ui
