#include "ui/map_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>

#include "ui/images.h"
#include "ui/layer.h"

namespace vmeste::ui {

using core::IntentKind;

namespace {

core::MapView first_view(const Ui& ui, const core::MapMetadata& meta) {
    const core::Session& s = ui.session;
    const core::PlaceStep& pl = s.state().place;
    core::MapView v;
    if (pl.pin_lat && pl.pin_lon) {
        v.lat = *pl.pin_lat;
        v.lon = *pl.pin_lon;
    } else if (s.config().site_lat != 0 || s.config().site_lon != 0) {
        v.lat = s.config().site_lat;
        v.lon = s.config().site_lon;
    } else if (meta.center_lat && meta.center_lon) {
        v.lat = *meta.center_lat;
        v.lon = *meta.center_lon;
    } else {
        v.lat = (meta.south + meta.north) * 0.5;
        v.lon = (meta.west + meta.east) * 0.5;
    }
    // Street level if the file has it: a citizen recognises streets, not districts.
    v.zoom = std::clamp(meta.center_zoom.value_or(16), meta.min_zoom, meta.max_zoom);
    v.zoom = std::clamp(std::max(v.zoom, 16), meta.min_zoom, meta.max_zoom);
    return v;
}

// The map's pixels on screen: `area` in whole pixels, and the world pixel (the map's world at
// the screen's scale) at its top-left, also whole — a pan moves the map by whole pixels, so a
// kept picture of it can be copied (layer.h) and every renderer draws it alike.
struct Placement {
    int x, y, w, h;  // screen pixels
    long ox, oy;     // world pixels at (x, y)
    double scale;    // screen pixels a world pixel of the tiles (256 a tile)
    ImVec2 to_screen(double wx, double wy) const {
        return ImVec2(static_cast<float>(x + (wx * scale - static_cast<double>(ox))),
                      static_cast<float>(y + (wy * scale - static_cast<double>(oy))));
    }
    // Screen → map world (the tiles' 256-a-tile pixels).
    double world_x(float sx) const { return (static_cast<double>(ox) + (sx - x)) / scale; }
    double world_y(float sy) const { return (static_cast<double>(oy) + (sy - y)) / scale; }
};

Placement place(const Ui& ui, const Rect& area, const core::MapView& v) {
    Placement pl{};
    pl.x = static_cast<int>(std::lround(area.x));
    pl.y = static_cast<int>(std::lround(area.y));
    pl.w = static_cast<int>(std::lround(area.right())) - pl.x;
    pl.h = static_cast<int>(std::lround(area.bottom())) - pl.y;
    pl.scale = ui.theme.scale;
    const double cx = core::lon_to_world_x(v.lon, v.zoom) * pl.scale,
                 cy = core::lat_to_world_y(v.lat, v.zoom) * pl.scale;
    pl.ox = std::lround(cx - pl.w / 2.0);
    pl.oy = std::lround(cy - pl.h / 2.0);
    return pl;
}

// Tiles, the МФЦ's marker and the pin over `area` for the view `v`, framed. `zoom_column`: the
// + and − buttons stand at the right edge (the marker's label keeps out of their way). `layer`:
// where the tiles go when the renderer keeps them between frames (the dragged map), else null.
void draw_layers(Ui& ui, const Rect& area, const core::MapView& v, std::optional<double> pin_lat,
                 std::optional<double> pin_lon, bool zoom_column, Layer* layer) {
    core::TileCache* tc = ui.tiles;
    const Palette& p = ui.theme.palette;
    UiScratch& sc = *ui.scratch;
    const int z = v.zoom;
    const Placement pl = place(ui, area, v);
    const double s = pl.scale;
    // Vector tiles are drawn at the screen's pixels: their text sharp at any scale.
    tc->set_tile_pixels(static_cast<int>(std::lround(256 * s)));
    const double ox = static_cast<double>(pl.ox) / s, oy = static_cast<double>(pl.oy) / s;
    // Tiles.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 top_left(static_cast<float>(pl.x), static_cast<float>(pl.y));
    const ImVec2 bottom_right(static_cast<float>(pl.x + pl.w), static_cast<float>(pl.y + pl.h));
    dl->PushClipRect(top_left, bottom_right, true);
    LayerCompositor* keeper = layer && ui.images ? ui.images->layers() : nullptr;
    if (keeper) {
        uint32_t scale_bits = 0;
        const float fs = static_cast<float>(s);
        std::memcpy(&scale_bits, &fs, 4);
        // Another region pack (a new cache) is another picture, whatever its zoom and scale.
        layer->begin(tc->id() << 40 | static_cast<uint64_t>(z) << 32 | scale_bits,
                     color(p.disabled), pl.x, pl.y, pl.w, pl.h, pl.ox, pl.oy);
    } else {
        dl->AddRectFilled(top_left, bottom_right, color(p.disabled));
    }
    const int n = 1 << z;
    const int x0 = static_cast<int>(std::floor(ox / 256)),
              x1 = static_cast<int>(std::floor((ox + pl.w / s) / 256));
    const int y0 = static_cast<int>(std::floor(oy / 256)),
              y1 = static_cast<int>(std::floor((oy + pl.h / s) / 256));
    for (int ty = std::max(0, y0); ty <= std::min(n - 1, y1); ++ty)
        for (int tx = x0; tx <= x1; ++tx) {
            const int wx = ((tx % n) + n) % n;
            core::TileCache::Tile tile = tc->get(z, wx, ty);
            ImTextureID tex = nullptr;
            if (tile && ui.images)
                tex = ui.images->tile(std::to_string(tc->id()) + ":" + std::to_string(z) + "/" +
                                          std::to_string(wx) + "/" + std::to_string(ty) + "@" +
                                          std::to_string(tile->width),
                                      *tile);
            if (tex || !tc->missing(z, wx, ty)) ++sc.tiles_needed;  // not beyond the region
            // The tile in world pixels at the screen's scale; on screen, less the view's origin.
            const double wx0 = tx * 256.0 * s, wy0 = ty * 256.0 * s;
            const double wx1 = (tx * 256.0 + 256) * s, wy1 = (ty * 256.0 + 256) * s;
            const ImVec2 a(static_cast<float>(pl.x + (wx0 - static_cast<double>(pl.ox))),
                           static_cast<float>(pl.y + (wy0 - static_cast<double>(pl.oy))));
            const ImVec2 b(static_cast<float>(pl.x + (wx1 - static_cast<double>(pl.ox))),
                           static_cast<float>(pl.y + (wy1 - static_cast<double>(pl.oy))));
            if (tex) {
                if (keeper)
                    layer->image(tex, wx0, wy0, wx1, wy1);
                else
                    dl->AddImage(tex, a, b);
                ++sc.tiles_drawn;
            } else if (keeper) {
                layer->outline(wx0, wy0, wx1, wy1, color(p.secondary_border), ui.px(1));
            } else {
                dl->AddRect(a, b, color(p.secondary_border), 0, 0, ui.px(1));
            }
        }
    if (keeper) layer->submit(dl, keeper);
    // The МФЦ, where the citizen stands, marked «МФЦ — вы здесь» (issue #21, point 10): the
    // place everything else on the map is found from.
    const core::Config& cfg = ui.session.config();
    if (cfg.site_lat != 0 || cfg.site_lon != 0) {
        const ImVec2 at = pl.to_screen(core::lon_to_world_x(cfg.site_lon, z),
                                       core::lat_to_world_y(cfg.site_lat, z));
        const float r = ui.px(16);
        if (at.x > top_left.x - r && at.x < bottom_right.x + r && at.y > top_left.y - r &&
            at.y < bottom_right.y + r) {
            dl->AddCircleFilled(at, r, color(p.primary));
            dl->AddCircle(at, r, IM_COL32_WHITE, 0, ui.px(4));
            const std::string& here = ui.tr("map.you_are_here");
            ImFont* f = ui.fonts.small;
            const ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, here.c_str());
            const float pad = ui.px(8), tag_w = ts.x + 2 * pad;
            // Right of the dot, or left of it when the zoom buttons' column is in the way.
            const float zoom_x =
                zoom_column
                    ? bottom_right.x - ui.px(ui.theme.metrics.touch_min) * 1.1f - 2 * ui.px(16)
                    : bottom_right.x;
            const float ax = at.x + r + ui.px(6) + tag_w <= zoom_x ? at.x + r + ui.px(6)
                                                                   : at.x - r - ui.px(6) - tag_w;
            const ImVec2 a(ax, at.y - ts.y * 0.5f - pad);
            const ImVec2 b(a.x + tag_w, a.y + ts.y + 2 * pad);
            dl->AddRectFilled(a, b, color(p.surface), ui.px(6));
            dl->AddRect(a, b, color(p.primary), ui.px(6), 0, ui.px(2));
            dl->AddText(f, f->FontSize, ImVec2(a.x + pad, a.y + pad), color(p.text), here.c_str());
            ui.widgets.add_readout(WidgetInfo{"map/site", a, b, true, here});
        }
    }
    // The pin: a circle on a stem, its point on the place.
    if (pin_lat && pin_lon) {
        const ImVec2 at =
            pl.to_screen(core::lon_to_world_x(*pin_lon, z), core::lat_to_world_y(*pin_lat, z));
        const float r = ui.px(22);
        dl->AddTriangleFilled(ImVec2(at.x - r * 0.6f, at.y - r * 1.6f),
                              ImVec2(at.x + r * 0.6f, at.y - r * 1.6f), at,
                              IM_COL32(200, 30, 30, 255));
        dl->AddCircleFilled(ImVec2(at.x, at.y - r * 2.0f), r, IM_COL32(200, 30, 30, 255));
        dl->AddCircleFilled(ImVec2(at.x, at.y - r * 2.0f), r * 0.4f, IM_COL32_WHITE);
    }
    dl->PopClipRect();
    dl->AddRect(top_left, bottom_right, color(p.secondary_border), 0, 0, ui.px(2));
}

}  // namespace

void draw_map(Ui& ui, const Rect& area) {
    core::TileCache* tc = ui.tiles;
    if (!tc || area.w < 10 || area.h < 10) return;
    const core::MapMetadata& meta = tc->metadata();
    const core::PlaceStep& pl = ui.session.state().place;
    core::MapView v = pl.view;
    if (v.zoom < meta.min_zoom || v.zoom > meta.max_zoom || (v.lat == 0 && v.lon == 0)) {
        v = first_view(ui, meta);
        ui.post({IntentKind::kMapView, "", ui.lang(), v.zoom, v.lat, v.lon});
    }
    const int z = v.zoom;
    const float s = ui.theme.scale;  // world pixels (256 per tile) to screen pixels
    const Placement placed = place(ui, area, v);

    // Input: a drag moves the map, a tap sets the pin.
    UiScratch& sc = *ui.scratch;
    ImGui::SetCursorScreenPos(ImVec2(area.x, area.y));
    ImGui::InvisibleButton("##map", ImVec2(area.w, area.h));
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (ImGui::IsItemActivated()) {
        sc.drag_from = mouse;
        sc.drag_lat = v.lat;
        sc.drag_lon = v.lon;
        sc.dragging = false;
    }
    if (ImGui::IsItemActive()) {
        const float dx = mouse.x - sc.drag_from.x, dy = mouse.y - sc.drag_from.y;
        if (std::hypot(dx, dy) > ui.px(kDragSlop)) sc.dragging = true;
        if (sc.dragging) {
            const double nx = core::lon_to_world_x(sc.drag_lon, z) - dx / s;
            const double ny = core::lat_to_world_y(sc.drag_lat, z) - dy / s;
            // The region's bounds hold the map's centre: no panning into nothing.
            ui.post({IntentKind::kMapView, "", ui.lang(), z,
                     std::clamp(core::world_y_to_lat(ny, z), meta.south, meta.north),
                     std::clamp(core::world_x_to_lon(nx, z), meta.west, meta.east)});
        }
    }
    if (ImGui::IsItemDeactivated() && !sc.dragging) {
        const double wx = placed.world_x(mouse.x), wy = placed.world_y(mouse.y);
        ui.post({IntentKind::kPlacePin, "", ui.lang(), -1, core::world_y_to_lat(wy, z),
                 core::world_x_to_lon(wx, z)});
    }
    char label[96];
    std::snprintf(label, sizeof label, "%.6f,%.6f,%d", v.lat, v.lon, z);
    ui.widgets.add(WidgetInfo{"map/view", ImVec2(area.x, area.y),
                              ImVec2(area.right(), area.bottom()), true, label});

    draw_layers(ui, area, v, pl.pin_lat, pl.pin_lon, true, &sc.map_layer);

    // Zoom buttons on the right edge.
    const float b = ui.px(ui.theme.metrics.touch_min) * 1.1f, m = ui.px(16);
    if (touch_button(ui, "map/zoom_in", "+", ImVec2(area.right() - b - m, area.y + m), ImVec2(b, b),
                     ButtonKind::kKey, z < meta.max_zoom, ui.fonts.title))
        ui.post({IntentKind::kMapView, "", ui.lang(), z + 1, v.lat, v.lon});
    if (touch_button(ui, "map/zoom_out", "−", ImVec2(area.right() - b - m, area.y + 2 * m + b),
                     ImVec2(b, b), ButtonKind::kKey, z > meta.min_zoom, ui.fonts.title))
        ui.post({IntentKind::kMapView, "", ui.lang(), z - 1, v.lat, v.lon});
}

void draw_map_still(Ui& ui, const Rect& area, double lat, double lon) {
    if (!ui.tiles || area.w < 10 || area.h < 10) return;
    const core::MapMetadata& meta = ui.tiles->metadata();
    core::MapView v;
    v.lat = lat;
    v.lon = lon;
    // Street level: close enough to see which corner, far enough to see the МФЦ near by.
    v.zoom = std::clamp(16, meta.min_zoom, meta.max_zoom);
    draw_layers(ui, area, v, lat, lon, false, nullptr);
}

}  // namespace vmeste::ui
