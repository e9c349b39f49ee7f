#include "ui/map_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

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

// Tiles, the МФЦ's marker and the pin over `area` for the view `v`, framed. `zoom_column`: the
// + and − buttons stand at the right edge (the marker's label keeps out of their way).
void draw_layers(Ui& ui, const Rect& area, const core::MapView& v, std::optional<double> pin_lat,
                 std::optional<double> pin_lon, bool zoom_column) {
    core::TileCache* tc = ui.tiles;
    const Palette& p = ui.theme.palette;
    UiScratch& sc = *ui.scratch;
    const int z = v.zoom;
    const float s = ui.theme.scale;  // world pixels (256 per tile) to screen pixels
    const double cx = core::lon_to_world_x(v.lon, z), cy = core::lat_to_world_y(v.lat, z);
    const double ox = cx - area.w / 2.0 / s, oy = cy - area.h / 2.0 / s;
    auto to_screen = [&](double wx, double wy) {
        return ImVec2(area.x + static_cast<float>((wx - ox) * s),
                      area.y + static_cast<float>((wy - oy) * s));
    };
    // Tiles.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(ImVec2(area.x, area.y), ImVec2(area.right(), area.bottom()), true);
    dl->AddRectFilled(ImVec2(area.x, area.y), ImVec2(area.right(), area.bottom()),
                      color(p.disabled));
    const int n = 1 << z;
    const int x0 = static_cast<int>(std::floor(ox / 256)),
              x1 = static_cast<int>(std::floor((ox + area.w / s) / 256));
    const int y0 = static_cast<int>(std::floor(oy / 256)),
              y1 = static_cast<int>(std::floor((oy + area.h / s) / 256));
    for (int ty = std::max(0, y0); ty <= std::min(n - 1, y1); ++ty)
        for (int tx = x0; tx <= x1; ++tx) {
            const int wx = ((tx % n) + n) % n;
            const ImVec2 a = to_screen(tx * 256.0, ty * 256.0),
                         b = to_screen(tx * 256.0 + 256, ty * 256.0 + 256);
            core::TileCache::Tile tile = tc->get(z, wx, ty);
            ImTextureID tex = nullptr;
            if (tile && ui.images)
                tex = ui.images->tile(
                    std::to_string(z) + "/" + std::to_string(wx) + "/" + std::to_string(ty), *tile);
            if (tex || !tc->missing(z, wx, ty)) ++sc.tiles_needed;  // not beyond the region
            if (tex) {
                dl->AddImage(tex, a, b);
                ++sc.tiles_drawn;
            } else {
                dl->AddRect(a, b, color(p.secondary_border), 0, 0, ui.px(1));
            }
        }
    // The МФЦ, where the citizen stands, marked «МФЦ — вы здесь» (issue #21, point 10): the
    // place everything else on the map is found from.
    const core::Config& cfg = ui.session.config();
    if (cfg.site_lat != 0 || cfg.site_lon != 0) {
        const ImVec2 at =
            to_screen(core::lon_to_world_x(cfg.site_lon, z), core::lat_to_world_y(cfg.site_lat, z));
        const float r = ui.px(16);
        if (at.x > area.x - r && at.x < area.right() + r && at.y > area.y - r &&
            at.y < area.bottom() + r) {
            dl->AddCircleFilled(at, r, color(p.primary));
            dl->AddCircle(at, r, IM_COL32_WHITE, 0, ui.px(4));
            const std::string& here = ui.tr("map.you_are_here");
            ImFont* f = ui.fonts.small;
            const ImVec2 ts = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, here.c_str());
            const float pad = ui.px(8), tag_w = ts.x + 2 * pad;
            // Right of the dot, or left of it when the zoom buttons' column is in the way.
            const float zoom_x =
                zoom_column
                    ? area.right() - ui.px(ui.theme.metrics.touch_min) * 1.1f - 2 * ui.px(16)
                    : area.right();
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
            to_screen(core::lon_to_world_x(*pin_lon, z), core::lat_to_world_y(*pin_lat, z));
        const float r = ui.px(22);
        dl->AddTriangleFilled(ImVec2(at.x - r * 0.6f, at.y - r * 1.6f),
                              ImVec2(at.x + r * 0.6f, at.y - r * 1.6f), at,
                              IM_COL32(200, 30, 30, 255));
        dl->AddCircleFilled(ImVec2(at.x, at.y - r * 2.0f), r, IM_COL32(200, 30, 30, 255));
        dl->AddCircleFilled(ImVec2(at.x, at.y - r * 2.0f), r * 0.4f, IM_COL32_WHITE);
    }
    dl->PopClipRect();
    dl->AddRect(ImVec2(area.x, area.y), ImVec2(area.right(), area.bottom()),
                color(p.secondary_border), 0, 0, ui.px(2));
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
    const double cx = core::lon_to_world_x(v.lon, z), cy = core::lat_to_world_y(v.lat, z);
    const double ox = cx - area.w / 2.0 / s, oy = cy - area.h / 2.0 / s;

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
            ui.post({IntentKind::kMapView, "", ui.lang(), z, core::world_y_to_lat(ny, z),
                     core::world_x_to_lon(nx, z)});
        }
    }
    if (ImGui::IsItemDeactivated() && !sc.dragging) {
        const double wx = ox + (mouse.x - area.x) / s, wy = oy + (mouse.y - area.y) / s;
        ui.post({IntentKind::kPlacePin, "", ui.lang(), -1, core::world_y_to_lat(wy, z),
                 core::world_x_to_lon(wx, z)});
    }
    char label[96];
    std::snprintf(label, sizeof label, "%.6f,%.6f,%d", v.lat, v.lon, z);
    ui.widgets.add(WidgetInfo{"map/view", ImVec2(area.x, area.y),
                              ImVec2(area.right(), area.bottom()), true, label});

    draw_layers(ui, area, v, pl.pin_lat, pl.pin_lon, true);

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
    draw_layers(ui, area, v, lat, lon, false);
}

}  // namespace vmeste::ui
