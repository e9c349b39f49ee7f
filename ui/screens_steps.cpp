// [SECTION] Photos
// [SECTION] Place
// [SECTION] Who you are
// [SECTION] Consent
//
// The steps between the description and review. Portrait stacks everything in one column with
// the keyboard at the bottom; landscape puts the choices in a left column and the work (preview,
// fields and keyboard, QR) on the right.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "kiosk/base/utf8.h"
#include "ui/layout.h"
#include "ui/map_view.h"

namespace vmeste::ui {

using core::Field;
using core::IntentKind;
using core::Screen;

namespace {

// The left (choices) and right (work) columns under a heading in landscape; in portrait both
// are the whole column and `split` is false.
struct Columns {
    Rect left, right;
    bool split;
};

Columns columns(const Ui& ui, const Rect& r, float y, float left_w) {
    if (!landscape(ui))
        return {Rect{r.x, y, r.w, r.bottom() - y}, Rect{r.x, y, r.w, r.bottom() - y}, false};
    const float gap = ui.px(ui.theme.metrics.margin);
    return {Rect{r.x, y, left_w, r.bottom() - y},
            Rect{r.x + left_w + gap, y, r.w - left_w - gap, r.bottom() - y}, true};
}

// Choice buttons: stacked in a column (landscape) or side by side (portrait).
struct Choice {
    const char* id;
    std::string label;
    bool chosen;
    core::Intent intent;
};

float choices(Ui& ui, const std::vector<Choice>& list, const Rect& area, bool stacked) {
    const float gap = ui.px(ui.theme.metrics.gap);
    const float bh = ui.px(110);
    const float n = static_cast<float>(list.size());
    float y = area.y;
    for (size_t i = 0; i < list.size(); ++i) {
        ImVec2 pos, size;
        if (stacked) {
            pos = ImVec2(area.x, y);
            size = ImVec2(area.w, bh);
            y += bh + gap;
        } else {
            const float w = (area.w - gap * (n - 1)) / n;
            pos = ImVec2(area.x + i * (w + gap), area.y);
            size = ImVec2(w, bh);
        }
        if (touch_button(ui, list[i].id, list[i].label, pos, size,
                         list[i].chosen ? ButtonKind::kKeyActive : ButtonKind::kKey, true,
                         ui.fonts.body))
            ui.post(list[i].intent);
    }
    return stacked ? y - area.y : bh + gap;
}

}  // namespace

Rect keyboard_rect(const Ui& ui, const Rect& area) {
    const float kb_h = keyboard_height(ui);
    if (landscape(ui)) return Rect{area.x, area.bottom() - kb_h, area.w, kb_h};
    const float kb_w = ui.display.x - 2 * ui.px(8);
    return Rect{(ui.display.x - kb_w) * 0.5f, area.bottom() - kb_h, kb_w, kb_h};
}

//-----------------------------------------------------------------------------
// [SECTION] Photos
//-----------------------------------------------------------------------------

// The photo under review takes a region to hide: a finger drawn across it outlines a rectangle
// (shown while drawing), a touch proposes one around the touch; either is shown outlined, the
// rest of the photo dimmed, until «Скрыть» or «Отмена».
void mark_region(Ui& ui, const core::PhotoStep& ps, const core::PhotoDraft& ph, const Rect& pic) {
    UiScratch& sc = *ui.scratch;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImGui::SetCursorScreenPos(ImVec2(pic.x, pic.y));
    ImGui::InvisibleButton("##photo_view", ImVec2(pic.w, pic.h));
    auto inside = [&](ImVec2 v) {
        return ImVec2(std::clamp(v.x, pic.x, pic.right()), std::clamp(v.y, pic.y, pic.bottom()));
    };
    const ImVec2 mouse = inside(ImGui::GetIO().MousePos);
    std::optional<core::PhotoRegion> shown = ps.mark;
    if (!ph.blurring) {
        if (ImGui::IsItemActivated()) {
            sc.mark_from = mouse;
            sc.marking = false;
        }
        if (ImGui::IsItemActive() &&
            std::hypot(mouse.x - sc.mark_from.x, mouse.y - sc.mark_from.y) > ui.px(kDragSlop))
            sc.marking = true;
        const float x0 = std::min(sc.mark_from.x, mouse.x), y0 = std::min(sc.mark_from.y, mouse.y);
        const core::PhotoRegion drawn{(x0 - pic.x) / pic.w, (y0 - pic.y) / pic.h,
                                      std::abs(mouse.x - sc.mark_from.x) / pic.w,
                                      std::abs(mouse.y - sc.mark_from.y) / pic.h};
        if (ImGui::IsItemActive() && sc.marking) shown = drawn;
        if (ImGui::IsItemDeactivated()) {
            if (sc.marking)
                ui.post({IntentKind::kMarkBlur, "", ui.lang(), ps.selected, drawn.x, drawn.y,
                         drawn.w, drawn.h});
            else
                ui.post({IntentKind::kMarkBlur, "", ui.lang(), ps.selected,
                         (mouse.x - pic.x) / pic.w, (mouse.y - pic.y) / pic.h});
            sc.marking = false;
        }
    }
    ui.widgets.add(WidgetInfo{"photo/view", ImVec2(pic.x, pic.y), ImVec2(pic.right(), pic.bottom()),
                              !ph.blurring, std::to_string(ph.blurs)});
    if (shown) {
        const ImVec2 a(pic.x + static_cast<float>(shown->x) * pic.w,
                       pic.y + static_cast<float>(shown->y) * pic.h);
        const ImVec2 b(a.x + static_cast<float>(shown->w) * pic.w,
                       a.y + static_cast<float>(shown->h) * pic.h);
        const ImU32 dim = IM_COL32(0, 0, 0, 110);
        dl->AddRectFilled(ImVec2(pic.x, pic.y), ImVec2(pic.right(), a.y), dim);
        dl->AddRectFilled(ImVec2(pic.x, b.y), ImVec2(pic.right(), pic.bottom()), dim);
        dl->AddRectFilled(ImVec2(pic.x, a.y), ImVec2(a.x, b.y), dim);
        dl->AddRectFilled(ImVec2(b.x, a.y), ImVec2(pic.right(), b.y), dim);
        // White on a dark edge: visible on a bright sky and on asphalt alike.
        const float t = ui.px(3);
        dl->AddRect(ImVec2(a.x - t, a.y - t), ImVec2(b.x + t, b.y + t), IM_COL32(0, 0, 0, 200), 0,
                    0, t);
        dl->AddRect(a, b, IM_COL32_WHITE, 0, 0, t);
        if (ps.mark && !(ImGui::IsItemActive() && sc.marking)) {
            char v[96];
            std::snprintf(v, sizeof v, "%.3f,%.3f,%.3f,%.3f", shown->x, shown->y, shown->w,
                          shown->h);
            ui.widgets.add_readout(WidgetInfo{"photo/mark", a, b, true, v});
        }
    }
    if (ph.blurring)
        text_block(dl, ui.fonts.body, ui.tr("photos.blurring"),
                   ImVec2(pic.x, pic.y + pic.h * 0.45f), pic.w, {255, 255, 255}, true);
}

void draw_photos(Ui& ui) {
    top_bar(ui);
    const Palette& p = ui.theme.palette;
    const core::Session& s = ui.session;
    const core::PhotoStep& ps = s.state().photos;
    const int max = s.config().max_photos;
    const Rect r = content_rect(ui, true);
    const bool required = s.photo_required();
    // Short of height, what the step needs moves from under the title to the note under the
    // buttons (when no other note is there), and the buttons come down to 88 px.
    const std::string needs = required ? ui.trf("photos.required", {std::to_string(max)})
                                       : ui.trf("photos.optional", {std::to_string(max)});
    float y = heading(ui, r, ui.tr("photos.title"), compact(ui) ? "" : needs);
    const float gap = ui.px(ui.theme.metrics.gap);
    const Columns c = columns(ui, r, y, r.w * 0.36f);
    // The big view: 4:3, as large as the column allows above the strip and buttons.
    const float strip_h = ui.px(140), notes_h = ui.px(130);
    const float buttons_h = compact(ui) ? ui.px(ui.theme.metrics.touch_min) : ui.px(110);
    Rect view_area =
        c.split ? c.right
                : Rect{r.x, y, r.w, r.bottom() - y - strip_h - buttons_h - notes_h - 3 * gap};
    const Rect view = fit_into(view_area, 4, 3);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(view.x, view.y), ImVec2(view.right(), view.bottom()),
                      IM_COL32(20, 20, 24, 255), ui.px(8));
    const bool reviewing = ps.selected >= 0 && ps.selected < static_cast<int>(ps.photos.size());
    if (reviewing) {
        const core::PhotoDraft& ph = ps.photos[ps.selected];
        ImVec2 size(static_cast<float>(ph.width), static_cast<float>(ph.height));
        ImTextureID tex = ui.images ? ui.images->photo(ph.id, ph.thumbnail, &size) : nullptr;
        const Rect pic = fit_into(view, size.x, size.y);
        draw_picture(ui, tex, ImVec2(pic.x, pic.y), ImVec2(pic.right(), pic.bottom()));
        mark_region(ui, ps, ph, pic);
    } else {
        ImVec2 size(4, 3);
        ImTextureID tex = nullptr;
        if (s.camera_status() == core::CameraStatus::kReady && ui.images)
            tex = ui.images->camera(&size);
        const Rect pic = fit_into(view, size.x, size.y);
        if (tex) dl->AddImage(tex, ImVec2(pic.x, pic.y), ImVec2(pic.right(), pic.bottom()));
        std::string over;
        if (s.camera_status() == core::CameraStatus::kUnavailable)
            over = ui.tr("photos.no_camera");
        else if (s.camera_status() != core::CameraStatus::kReady)
            over = ui.tr("photos.camera_starting");
        else if (ps.capturing)
            over = ui.tr("photos.capturing");
        if (auto left = s.photo_countdown_left()) {
            const std::string n = std::to_string(std::max(1, *left));
            ImFont* f = ui.fonts.huge;
            const float scale = 2.5f;
            const ImVec2 ts = f->CalcTextSizeA(f->FontSize * scale, FLT_MAX, 0, n.c_str());
            dl->AddCircleFilled(ImVec2(view.x + view.w * 0.5f, view.y + view.h * 0.5f),
                                std::max(ts.x, ts.y) * 0.62f, IM_COL32(0, 0, 0, 160), 48);
            dl->AddText(f, f->FontSize * scale,
                        ImVec2(view.x + (view.w - ts.x) * 0.5f, view.y + (view.h - ts.y) * 0.5f),
                        IM_COL32_WHITE, n.c_str());
            ui.widgets.add_readout(WidgetInfo{"note/countdown", ImVec2(view.x, view.y),
                                              ImVec2(view.right(), view.bottom()), true, n});
        } else if (!over.empty()) {
            text_block(dl, ui.fonts.body, over, ImVec2(view.x + ui.px(24), view.y + view.h * 0.42f),
                       view.w - ui.px(48), {255, 255, 255}, true);
        }
    }
    // The strip of photos taken (thumbnails), then the buttons, then notes.
    const Rect side =
        c.split ? c.left : Rect{r.x, view.bottom() + gap, r.w, r.bottom() - view.bottom() - gap};
    float sy = side.y;
    {
        const float th = c.split ? ui.px(118) : strip_h;
        const float tw = th * 4 / 3;
        const int per_row = std::max(1, static_cast<int>((side.w + gap) / (tw + gap)));
        for (int i = 0; i < static_cast<int>(ps.photos.size()); ++i) {
            const core::PhotoDraft& ph = ps.photos[i];
            const ImVec2 pos(side.x + (i % per_row) * (tw + gap), sy + (i / per_row) * (th + gap));
            ImVec2 size(4, 3);
            ImTextureID tex = ui.images ? ui.images->photo(ph.id, ph.thumbnail, &size) : nullptr;
            const std::string id = "photo/thumb/" + std::to_string(i);
            if (touch_button(ui, id, "", pos, ImVec2(tw, th),
                             i == ps.selected ? ButtonKind::kKeyActive : ButtonKind::kKey))
                ui.post({IntentKind::kSelectPhoto, "", ui.lang(), i});
            const Rect pic =
                fit_into(Rect{pos.x + ui.px(6), pos.y + ui.px(6), tw - ui.px(12), th - ui.px(12)},
                         size.x, size.y);
            draw_picture(ui, tex, ImVec2(pic.x, pic.y), ImVec2(pic.right(), pic.bottom()));
        }
        const int rows =
            ps.photos.empty() ? 0 : (static_cast<int>(ps.photos.size()) + per_row - 1) / per_row;
        if (ps.photos.empty()) {
            sy += note(ui, "no_photos", ui.tr("photos.none_yet"), ImVec2(side.x, sy), side.w,
                       p.text_muted, ui.fonts.body) +
                  gap;
        } else {
            sy += rows * (th + gap);
        }
        if (!c.split) sy = std::max(sy, side.y + strip_h + gap);
    }
    {
        const float bh = buttons_h;
        const int n_photos = static_cast<int>(ps.photos.size());
        // A row of `n` buttons (a column when the screen is split): button i's width and place.
        float w = side.w;
        auto row_of = [&](int n) { w = c.split ? side.w : (side.w - (n - 1) * gap) / n; };
        auto at = [&](int i) {
            return c.split ? ImVec2(side.x, sy + i * (bh + gap))
                           : ImVec2(side.x + i * (w + gap), sy);
        };
        if (reviewing && ps.mark) {
            // A region is outlined: hide it or cancel, nothing else until then.
            row_of(2);
            if (touch_button(ui, "photo/hide", ui.tr("photos.hide"), at(0), ImVec2(w, bh),
                             ButtonKind::kPrimary, s.can_apply(IntentKind::kApplyBlur),
                             ui.fonts.button))
                ui.post({IntentKind::kApplyBlur, "", ui.lang(), ps.selected});
            if (touch_button(ui, "photo/cancel_mark", ui.tr("photos.cancel_mark"), at(1),
                             ImVec2(w, bh), ButtonKind::kSecondary, true, ui.fonts.body))
                ui.post({IntentKind::kCancelBlur, "", ui.lang(), ps.selected});
            sy += c.split ? 2 * (bh + gap) : bh + gap;
        } else if (reviewing) {
            row_of(3);
            if (touch_button(ui, "photo/retake", ui.tr("photos.retake"), at(0), ImVec2(w, bh),
                             ButtonKind::kSecondary, s.can_apply(IntentKind::kRetakePhoto),
                             ui.fonts.body))
                ui.post({IntentKind::kRetakePhoto, "", ui.lang(), ps.selected});
            if (touch_button(ui, "photo/delete", ui.tr("photos.delete"), at(1), ImVec2(w, bh),
                             ButtonKind::kSecondary, true, ui.fonts.body))
                ui.post({IntentKind::kDeletePhoto, "", ui.lang(), ps.selected});
            if (touch_button(ui, "photo/more", ui.tr("photos.more"), at(2), ImVec2(w, bh),
                             ButtonKind::kSecondary, n_photos < max, ui.fonts.body))
                ui.post({IntentKind::kSelectPhoto, "", ui.lang(), -1});
            sy += c.split ? 3 * (bh + gap) : bh + gap;
        } else {
            const std::string label = n_photos >= max ? ui.trf("photos.max", {std::to_string(max)})
                                                      : ui.tr("photos.take");
            if (touch_button(ui, "photo/take", label, ImVec2(side.x, sy), ImVec2(side.w, bh),
                             ButtonKind::kPrimary, s.can_apply(IntentKind::kTakePhoto),
                             ui.fonts.button))
                ui.post({IntentKind::kTakePhoto});
            sy += bh + gap;
        }
    }
    // What the citizen should know now.
    std::string msg;
    Rgb colour = p.text_muted;
    if (ps.problem == core::PhotoProblem::kCameraGone ||
        s.camera_status() == core::CameraStatus::kUnavailable) {
        msg = ui.tr(required ? "photos.camera_gone_required" : "photos.camera_gone");
        colour = p.warning;
    } else if (ps.problem == core::PhotoProblem::kCaptureFailed) {
        msg = ui.tr("photos.capture_failed");
        colour = p.warning;
    } else if (ps.problem == core::PhotoProblem::kBlurFailed) {
        msg = ui.tr("photos.blur_failed");
        colour = p.warning;
    } else if (reviewing) {
        msg = ui.tr(ps.mark ? "photos.mark_hint" : "photos.blur_hint");
    }
    if (msg.empty() && compact(ui)) msg = needs;
    if (!msg.empty()) note(ui, "photos", msg, ImVec2(side.x, sy), side.w, colour);

    const std::string& next = ps.photos.empty() && !required && !s.state().editing
                                  ? ui.tr("photos.skip")
                                  : next_label(ui);
    bottom_bar(ui, "nav/next", &next, s.can_apply(IntentKind::kNext), IntentKind::kNext);
}

//-----------------------------------------------------------------------------
// [SECTION] Place
//-----------------------------------------------------------------------------

namespace {

// The address under the pin, from the region's addresses, in a line under the map (issue #23):
// the citizen checks the place by its address.
std::string pin_address_text(const Ui& ui) {
    const core::PlaceStep& pl = ui.session.state().place;
    if (!pl.pin_lat) return ui.tr("place.pin_address_none_yet");
    if (!pl.pin_address_known) return ui.tr("place.pin_address_looking");
    if (!pl.pin_address) return ui.tr("place.pin_address_none");
    const std::string label = pl.pin_address->hit.label();
    return pl.pin_address->at ? ui.trf("place.pin_address_at", {label})
                              : ui.trf("place.pin_address_near", {label});
}

void map_with_address(Ui& ui, const Rect& area) {
    if (!ui.session.addresses_available()) {
        draw_map(ui, area);
        return;
    }
    const float line = ui.fonts.body->FontSize * 1.6f;
    draw_map(ui, Rect{area.x, area.y, area.w, area.h - line});
    note(ui, "place/pin_address", pin_address_text(ui),
         ImVec2(area.x, area.bottom() - line + ui.px(8)), area.w, ui.theme.palette.text,
         ui.fonts.body);
}

// Suggestions from the region's addresses under the address field, as many as fit above the
// keyboard; a line saying whether the address is the region's or text sent as typed.
void address_suggestions(Ui& ui, const Rect& area) {
    const core::SessionState& st = ui.session.state();
    const core::PlaceStep& pl = st.place;
    const Palette& p = ui.theme.palette;
    const float row = ui.px(ui.theme.metrics.touch_min), gap = ui.px(8);
    float y = area.y;
    const std::string& typed = st.field(Field::kAddress).value;
    const std::string& site_city = ui.session.config().site_address;
    for (size_t i = 0; i < pl.suggestions.size() && y + row <= area.bottom(); ++i) {
        const core::AddressHit& h = pl.suggestions[i];
        // The town where it is not the МФЦ's own.
        std::string label = h.label();
        if (!h.city.empty() && site_city.find(h.city) == std::string::npos) label += " · " + h.city;
        if (touch_button(ui, "place/suggestion/" + std::to_string(i), label, ImVec2(area.x, y),
                         ImVec2(area.w, row), ButtonKind::kSecondary, true, ui.fonts.body))
            ui.post({IntentKind::kChooseAddress, "", ui.lang(), static_cast<int>(i)});
        y += row + gap;
    }
    std::string status;
    Rgb colour = p.text_muted;
    if (pl.chosen && typed == pl.chosen->label()) {
        status = ui.tr("place.address_found");
        colour = p.success;
    } else if (pl.suggestions.empty() && utf8::length(typed) >= 3 && pl.suggested_for == typed) {
        status = ui.tr("place.address_unknown");
    }
    // Only where it fits whole above the keyboard.
    if (!status.empty() && y + text_block_height(ui.fonts.small, status, area.w) <= area.bottom())
        note(ui, "place/address_status", status, ImVec2(area.x, y), area.w, colour);
}

}  // namespace

void draw_place(Ui& ui) {
    top_bar(ui);
    const core::Session& s = ui.session;
    const core::SessionState& st = s.state();
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    float y = heading(ui, r, ui.tr("place.title"), compact(ui) ? "" : ui.tr("place.hint"));
    const float gap = ui.px(ui.theme.metrics.gap);
    const Columns c = columns(ui, r, y, ui.px(440));
    std::vector<Choice> list;
    const core::PlaceMode mode = st.place.mode;
    if (s.here_available())
        list.push_back({"place/here",
                        ui.tr("place.here"),
                        mode == core::PlaceMode::kHere,
                        {IntentKind::kPlaceHere}});
    if (s.map_available())
        list.push_back({"place/map",
                        ui.tr("place.map"),
                        mode == core::PlaceMode::kMap,
                        {IntentKind::kPlaceMap}});
    list.push_back({"place/address",
                    ui.tr("place.address"),
                    mode == core::PlaceMode::kAddress,
                    {IntentKind::kPlaceAddress}});
    const float used = choices(ui, list, c.left, c.split);
    Rect work = c.right;
    if (!c.split) {
        work.y += used + gap;
        work.h -= used + gap;
    }
    switch (mode) {
        case core::PlaceMode::kNone:
            note(ui, "place", ui.tr(s.map_available() ? "place.choose" : "place.choose_no_map"),
                 ImVec2(work.x, work.y), work.w, p.text_muted, ui.fonts.body);
            break;
        case core::PlaceMode::kHere: {
            const float pad = ui.px(24);
            const std::string text = ui.trf("place.here_is", {s.config().site_address});
            const float h = text_block_height(ui.fonts.body, text, work.w - 2 * pad) + 2 * pad;
            card(ui, ImVec2(work.x, work.y), ImVec2(work.right(), work.y + h));
            note(ui, "place", text, ImVec2(work.x + pad, work.y + pad), work.w - 2 * pad, p.text,
                 ui.fonts.body);
            break;
        }
        case core::PlaceMode::kMap: {
            const float hint_h = ui.fonts.small->FontSize * 2.6f;
            note(ui, "place", ui.tr(st.place.pin_lat ? "place.pin_set" : "place.map_hint"),
                 ImVec2(work.x, work.y), work.w, p.text_muted);
            map_with_address(ui, Rect{work.x, work.y + hint_h, work.w, work.h - hint_h});
            break;
        }
        case core::PlaceMode::kAddress: {
            if (st.place.pin_for_address) {
                // The address typed; the city's server needs its point too.
                const std::string& typed = st.field(Field::kAddress).value;
                const std::string hint = ui.trf(
                    st.place.pin_lat ? "place.address_pin_set" : "place.address_pin", {typed});
                const float hint_h =
                    note(ui, "place", hint, ImVec2(work.x, work.y), work.w, p.text_muted) +
                    ui.px(8);
                map_with_address(ui, Rect{work.x, work.y + hint_h, work.w, work.h - hint_h});
                break;
            }
            take_physical_keys(ui);
            const Rect kb = keyboard_rect(ui, work);
            const float keys_w = 3 * edit_keys_extent(ui);
            const float field_w = work.w - keys_w - gap;
            const float field_h = text_field(
                ui, Field::kAddress,
                ui.tr(st.place.pin_needed ? "place.address_label_pin" : "place.address_label"),
                Rect{work.x, work.y, field_w, 0}, true);
            if (s.addresses_available())
                address_suggestions(
                    ui, Rect{work.x, work.y + field_h, field_w, kb.y - gap - (work.y + field_h)});
            edit_keys(ui,
                      Rect{work.x + field_w + gap, work.y + ui.fonts.small->FontSize * 1.3f, keys_w,
                           ui.px(ui.theme.metrics.touch_min)},
                      false);
            draw_keyboard(ui, kb);
            break;
        }
    }
    bottom_bar(ui, "nav/next", &next_label(ui), s.can_apply(IntentKind::kNext), IntentKind::kNext);
}

//-----------------------------------------------------------------------------
// [SECTION] Who you are
//-----------------------------------------------------------------------------

void draw_handoff(Ui& ui, const Rect& work, std::string_view prefix) {
    const core::Session& s = ui.session;
    const core::Handoff& h = s.state().handoff;
    const Palette& p = ui.theme.palette;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float y = work.y;
    using State = core::Handoff::State;
    switch (h.state) {
        case State::kNone:
        case State::kStarting:
            note(ui, "handoff", ui.tr("who.connecting"), ImVec2(work.x, y), work.w, p.text_muted,
                 ui.fonts.body);
            return;
        case State::kWaiting: {
            const float side = std::min(
                {work.w * (landscape(ui) ? 0.45f : 0.55f), ui.px(440), work.h - ui.px(240)});
            const float qx = landscape(ui) ? work.x : work.x + (work.w - side) * 0.5f;
            draw_qr(ui, "who/qr", h.verification_uri, ImVec2(qx, y), side);
            // Beside the QR in landscape, under it in portrait: the code and the time left.
            float tx = landscape(ui) ? qx + side + ui.px(32) : work.x;
            float tw = landscape(ui) ? work.right() - tx : work.w;
            float ty = landscape(ui) ? y : y + side + ui.px(16);
            const bool centred = !landscape(ui);
            ty += text_block(dl, ui.fonts.small, ui.tr("who.code"), ImVec2(tx, ty), tw,
                             p.text_muted, centred);
            const float code_top = ty;
            ty += text_block(dl, ui.fonts.huge, h.user_code, ImVec2(tx, ty), tw, p.text, centred);
            ui.widgets.add_readout(WidgetInfo{"who/user_code", ImVec2(tx, code_top),
                                              ImVec2(tx + tw, ty), true, h.user_code});
            if (auto left = s.handoff_seconds_left()) {
                char t[16];
                std::snprintf(t, sizeof t, "%d:%02d", *left / 60, *left % 60);
                ty += note(ui, "handoff_left", ui.trf("who.time_left", {t}), ImVec2(tx, ty), tw,
                           p.text_muted, ui.fonts.body, centred);
            }
            ty += ui.px(8);
            ty += text_block(dl, ui.fonts.small, ui.tr("who.scan_steps"), ImVec2(tx, ty), tw,
                             p.text, centred);
            ty += ui.px(16);
            const float bw = std::min(tw, ui.px(420));
            if (touch_button(ui, "who/cancel_handoff", ui.tr("who.cancel_handoff"),
                             ImVec2(centred ? tx + (tw - bw) * 0.5f : tx, ty),
                             ImVec2(bw, ui.px(ui.theme.metrics.touch_min)), ButtonKind::kSecondary,
                             true, ui.fonts.body))
                ui.post({IntentKind::kHandoffCancel});
            return;
        }
        case State::kApproved:
            note(ui, "handoff", ui.trf("who.approved", {h.display_name}), ImVec2(work.x, y), work.w,
                 p.success, ui.fonts.button);
            return;
        case State::kDenied:
        case State::kExpired:
        case State::kFailed: {
            const char* key = h.state == State::kDenied    ? ".denied"
                              : h.state == State::kExpired ? ".expired"
                                                           : ".failed";
            y += note(ui, "handoff", ui.tr(std::string(prefix) + key), ImVec2(work.x, y), work.w,
                      p.warning, ui.fonts.body);
            y += ui.px(16);
            if (touch_button(
                    ui, "who/retry", ui.tr("who.retry"), ImVec2(work.x, y),
                    ImVec2(std::min(work.w, ui.px(480)), ui.px(ui.theme.metrics.touch_min)),
                    ButtonKind::kSecondary, true, ui.fonts.body))
                ui.post({IntentKind::kHandoffStart});
            return;
        }
    }
}

void draw_who(Ui& ui) {
    top_bar(ui);
    const core::Session& s = ui.session;
    const core::SessionState& st = s.state();
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    float y = heading(ui, r, ui.tr("who.title"));
    const float gap = ui.px(ui.theme.metrics.gap);
    const Columns c = columns(ui, r, y, ui.px(460));
    std::vector<Choice> list;
    if (s.handoff_available())
        list.push_back({"who/gosuslugi",
                        ui.tr("who.gosuslugi"),
                        st.who == core::WhoMode::kGosuslugi,
                        {IntentKind::kHandoffStart}});
    list.push_back({"who/contact",
                    ui.tr("who.contact"),
                    st.who == core::WhoMode::kContact,
                    {IntentKind::kUseContact}});
    const bool contact = st.who == core::WhoMode::kContact;
    // Short of height, the editing keys share the choices' row and the note goes (review and
    // Help say it too).
    const bool tight = compact(ui) && !landscape(ui) && contact;  // portrait, lowered
    Rect choice_area = c.left;
    if (tight) choice_area.w = (r.w - gap) * 0.5f;
    float ly = c.left.y + choices(ui, list, choice_area, c.split);
    // What this choice means for the answer.
    const std::string kind = ui.tr(s.identified() ? "who.kind_appeal"
                                   : contact      ? "who.kind_message"
                                                  : "who.kind_choose");
    Rect work = c.right;
    if (contact && (c.split || tight)) {
        // Landscape: the editing keys under the choices, fields and keyboard on the right.
        const Rect keys = tight
                              ? Rect{r.x + choice_area.w + gap, c.left.y, choice_area.w, ui.px(110)}
                              : Rect{c.left.x, ly, c.left.w, ui.px(ui.theme.metrics.touch_min)};
        edit_keys(ui, keys, false);
        if (!tight) ly += ui.px(ui.theme.metrics.touch_min) + gap;
    }
    if (c.split) {
        note(ui, "kind", kind, ImVec2(c.left.x, ly), c.left.w, p.text,
             compact(ui) ? ui.fonts.small : ui.fonts.body);
    } else {
        const float kh =
            tight ? 0 : note(ui, "kind", kind, ImVec2(r.x, ly), r.w, p.text, ui.fonts.body);
        work.y = ly + kh + (tight ? 0 : gap);
        work.h = r.bottom() - work.y;
    }
    if (st.who == core::WhoMode::kGosuslugi) {
        draw_handoff(ui, work);
    } else if (st.who == core::WhoMode::kContact) {
        take_physical_keys(ui);
        const Rect kb = keyboard_rect(ui, work);
        float fy = work.y;
        if (c.split || tight) {
            const float fw = (work.w - 2 * gap) / 3;
            text_field(ui, Field::kName, ui.tr("who.name"), Rect{work.x, fy, fw, 0}, true);
            text_field(ui, Field::kPhone, ui.tr("who.phone"), Rect{work.x + fw + gap, fy, fw, 0},
                       true);
            text_field(ui, Field::kEmail, ui.tr("who.email"),
                       Rect{work.x + 2 * (fw + gap), fy, fw, 0}, false);
        } else {
            fy +=
                text_field(ui, Field::kName, ui.tr("who.name"), Rect{work.x, fy, work.w, 0}, true);
            const float half = (work.w - gap) * 0.5f;
            const float ph =
                text_field(ui, Field::kPhone, ui.tr("who.phone"), Rect{work.x, fy, half, 0}, true);
            fy += std::max(ph, text_field(ui, Field::kEmail, ui.tr("who.email"),
                                          Rect{work.x + half + gap, fy, half, 0}, false));
            edit_keys(ui, Rect{work.x, fy, work.w, ui.px(ui.theme.metrics.touch_min)}, false);
        }
        draw_keyboard(ui, kb);
    }
    bottom_bar(ui, "nav/next", &next_label(ui), s.can_apply(IntentKind::kNext), IntentKind::kNext);
}

//-----------------------------------------------------------------------------
// [SECTION] Consent
//-----------------------------------------------------------------------------

void draw_consent(Ui& ui) {
    top_bar(ui);
    const core::Session& s = ui.session;
    const core::SessionState& st = s.state();
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    // The same consent for a report and for a +1 with a contact (issue #21, point 8); the +1's
    // says which appeal it is for, and what declining means for it.
    const core::SimilarStep& sim = st.similar;
    const bool joining = sim.joining;
    std::string sub = ui.trf("consent.version", {s.config().consent_version});
    if (joining && sim.selected >= 0 && sim.selected < static_cast<int>(sim.appeals.size()))
        sub = ui.trf("consent.for_support",
                     {sim.appeals[static_cast<size_t>(sim.selected)].receipt_number}) +
              " · " + sub;
    float y = heading(ui, r, ui.tr("consent.title"), sub);
    const float gap = ui.px(ui.theme.metrics.gap);
    const float bh = ui.px(ui.theme.metrics.touch_min);
    // Under the text: decline (and what declining means), scroll buttons on the right.
    const bool was_declined = joining ? sim.consent_declined : st.consent_declined;
    const std::string declined =
        was_declined ? ui.tr(joining ? "consent.declined_support" : "consent.declined")
                     : std::string();
    const float declined_h =
        declined.empty() ? 0 : text_block_height(ui.fonts.body, declined, r.w) + gap;
    const float box_h = r.bottom() - y - bh - 2 * gap - declined_h;
    scroll_text(ui, "consent", "consent_text", ui.tr("consent.text"), Rect{r.x, y, r.w, box_h},
                &ui.scratch->consent_scroll, {}, true);
    float by = y + box_h + gap;
    if (!declined.empty()) {
        by +=
            note(ui, "consent_declined", declined, ImVec2(r.x, by), r.w, p.warning, ui.fonts.body) +
            gap;
    }
    const float dw = std::min(r.w, ui.px(560));
    if (touch_button(ui, "consent/decline", ui.tr("consent.decline"), ImVec2(r.right() - dw, by),
                     ImVec2(dw, bh), ButtonKind::kSecondary, !was_declined, ui.fonts.body))
        ui.post({IntentKind::kConsentDecline});
    const std::string& agree = ui.tr("consent.agree");
    bottom_bar(ui, "consent/agree", &agree, true, IntentKind::kConsentAgree);
}

}  // namespace vmeste::ui
