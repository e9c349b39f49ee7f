// [SECTION] Similar appeals: those already made about this place, before a new one
// [SECTION] Support: "у меня та же проблема", a +1 with an optional contact
//
// Right after the place step, before any typing (issues #7 and #21): the appeals of the same
// category within `similar_radius_m`, from the platform (or, offline, this kiosk's own), each with
// its status and first photo. Joining one sends a +1 instead of a new appeal (a contact given
// goes through the consent step first); continuing goes on to the description.
#include <algorithm>
#include <cmath>

#include "ui/layout.h"

namespace vmeste::ui {

using core::Field;
using core::IntentKind;

namespace {

// "120 м", "1,2 км".
std::string distance_label(const Ui& ui, double m) {
    char buf[32];
    if (m < 1000) {
        std::snprintf(buf, sizeof buf, "%d", static_cast<int>(std::lround(m / 10) * 10));
        return ui.trf("similar.metres", {buf});
    }
    std::snprintf(buf, sizeof buf, "%.1f", m / 1000);
    std::string s = buf;
    if (ui.lang() == core::Language::kRu) std::replace(s.begin(), s.end(), '.', ',');
    return ui.trf("similar.kilometres", {s});
}

// Status, date, distance and supporters on one or two lines.
std::string facts(const Ui& ui, const core::SimilarAppeal& a) {
    std::string out = status_label(ui, a.status) + " · " +
                      ui.trf("similar.filed", {date_ru(a.created_ms)}) + " · " +
                      distance_label(ui, a.distance_m);
    if (a.supporters > 0)
        out += " · " + ui.trf("similar.supporters", {std::to_string(a.supporters)});
    return out;
}

void photo_in(Ui& ui, const core::SimilarAppeal& a, const Rect& box) {
    ImVec2 size(static_cast<float>(a.width), static_cast<float>(a.height));
    ImTextureID tex =
        a.photo.empty() || !ui.images ? nullptr : ui.images->photo(a.photo_id, a.photo, &size);
    if (a.photo.empty()) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(ImVec2(box.x, box.y), ImVec2(box.right(), box.bottom()),
                          color(ui.theme.palette.disabled), ui.px(8));
        const float th = text_block_height(ui.fonts.small, ui.tr("similar.no_photo"), box.w);
        text_block(dl, ui.fonts.small, ui.tr("similar.no_photo"),
                   ImVec2(box.x, box.y + (box.h - th) * 0.5f), box.w, ui.theme.palette.text_muted,
                   true);
        return;
    }
    const Rect pic = fit_into(box, size.x, size.y);
    draw_picture(ui, tex, ImVec2(pic.x, pic.y), ImVec2(pic.right(), pic.bottom()));
}

}  // namespace

void draw_similar(Ui& ui) {
    top_bar(ui);
    const core::Session& s = ui.session;
    const core::SimilarStep& sim = s.state().similar;
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    const float gap = ui.px(ui.theme.metrics.gap);
    const core::CategoryLeaf* leaf = s.leaf();
    const std::string topic = leaf ? leaf->name(ui.lang()) : std::string();
    float y = heading(ui, r, ui.tr("similar.title"), ui.trf("similar.hint", {topic}));
    if (sim.searching) {
        spinner(ui, ImVec2(r.x + r.w * 0.5f, y + ui.px(120)), ui.px(56));
        note(ui, "similar", ui.tr("similar.searching"), ImVec2(r.x, y + ui.px(220)), r.w,
             p.text_muted, ui.fonts.body, true);
        const std::string& skip = ui.tr("similar.skip");
        bottom_bar(ui, "similar/continue", &skip, true, IntentKind::kNext);
        return;
    }
    if (sim.offline) {
        y += note(ui, "similar_offline", ui.tr("similar.offline"), ImVec2(r.x, y), r.w, p.warning,
                  ui.fonts.small);
        y += ui.px(8);
    }
    const int n = static_cast<int>(sim.appeals.size());
    if (sim.selected >= 0 && sim.selected < n) {
        // One, large: its photo, the facts, and the two ways on.
        const core::SimilarAppeal& a = sim.appeals[static_cast<size_t>(sim.selected)];
        y += note(ui, "similar_number", ui.trf("similar.appeal", {a.receipt_number}),
                  ImVec2(r.x, y), r.w, p.text, ui.fonts.title);
        y += note(ui, "similar_facts", facts(ui, a), ImVec2(r.x, y), r.w, p.text_muted,
                  ui.fonts.body);
        y += gap;
        const float bh = ui.px(ui.theme.metrics.touch_min);
        // A photo only when the platform published it; without one, a short line says so
        // instead of an empty frame the height of the screen.
        const float photo_h =
            a.photo.empty() ? ui.px(140) : std::max(ui.px(200), r.bottom() - y - bh - 2 * gap);
        photo_in(ui, a, Rect{r.x, y, r.w, photo_h});
        y += photo_h + gap;
        const float bw = std::min(r.w, ui.px(720));
        if (touch_button(ui, "similar/other", ui.tr("similar.other"),
                         ImVec2(r.x + (r.w - bw) * 0.5f, y), ImVec2(bw, bh), ButtonKind::kSecondary,
                         true, ui.fonts.body))
            ui.post({IntentKind::kNext});
        const std::string& same = ui.tr("similar.same");
        bottom_bar(ui, "similar/same", &same, s.can_apply(IntentKind::kSupport),
                   IntentKind::kSupport);
        return;
    }
    // The list: a card per appeal, photo on the left; touching one opens it.
    const int cols = landscape(ui) ? 2 : 1;
    const float w = (r.w - gap * (cols - 1)) / cols, h = ui.px(190);
    const float thumb_w = h * 4 / 3;
    for (int i = 0; i < n; ++i) {
        const ImVec2 pos(r.x + (i % cols) * (w + gap), y + (i / cols) * (h + gap));
        if (pos.y + h > r.bottom()) break;
        const core::SimilarAppeal& a = sim.appeals[static_cast<size_t>(i)];
        const std::string label =
            ui.trf("similar.appeal", {a.receipt_number}) + "\n" + facts(ui, a);
        if (touch_button(ui, "similar/" + std::to_string(i), label, pos, ImVec2(w, h),
                         ButtonKind::kKey, true, ui.fonts.small, 0.0f, thumb_w))
            ui.post({IntentKind::kOpenSimilar, "", ui.lang(), i});
        const float pad = ui.px(10);
        photo_in(ui, a, Rect{pos.x + pad, pos.y + pad, thumb_w - 2 * pad, h - 2 * pad});
    }
    const std::string& mine = ui.tr("similar.continue");
    bottom_bar(ui, "similar/continue", &mine, true, IntentKind::kNext);
}

void draw_support(Ui& ui) {
    top_bar(ui);
    const core::Session& s = ui.session;
    const core::SimilarStep& sim = s.state().similar;
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    const float gap = ui.px(ui.theme.metrics.gap);
    const std::string receipt =
        sim.selected >= 0 && sim.selected < static_cast<int>(sim.appeals.size())
            ? sim.appeals[static_cast<size_t>(sim.selected)].receipt_number
            : std::string();
    using O = core::ActionOutcome;
    const bool sent = sim.support != O::kNone && sim.support != O::kFailed;
    float y = heading(ui, r, ui.tr("support.title"),
                      sent || compact(ui) ? std::string() : ui.trf("support.hint", {receipt}));
    if (sim.support == O::kSaving) {
        spinner(ui, ImVec2(r.x + r.w * 0.5f, y + ui.px(120)), ui.px(56));
        note(ui, "support", ui.tr("support.sending"), ImVec2(r.x, y + ui.px(220)), r.w,
             p.text_muted, ui.fonts.body, true);
        bottom_bar(ui, "", nullptr, false, IntentKind::kFinish);
        return;
    }
    if (sent) {
        const bool good = sim.support == O::kDelivered || sim.support == O::kQueued;
        const char* key = sim.support == O::kDelivered ? "support.delivered"
                          : sim.support == O::kQueued  ? "support.queued"
                                                       : "support.refused";
        y += note(ui, "support", ui.trf(key, {receipt}), ImVec2(r.x, y), r.w,
                  good ? p.success : p.warning, ui.fonts.title);
        y += gap;
        if (good)
            note(ui, "support_follow", ui.trf("support.follow", {receipt}), ImVec2(r.x, y), r.w,
                 p.text, ui.fonts.body);
        const std::string& done = ui.tr("status.done");
        bottom_bar(ui, "support/done", &done, true, IntentKind::kFinish);
        return;
    }
    take_physical_keys(ui);
    // The contact is optional; given, it must be whole, and the consent step follows. Portrait:
    // the fields side by side over the keyboard; landscape, as on the "who" step: the editing
    // keys and the notes in a narrow column on the left, the fields over a keyboard as wide as
    // that step's on the right (keys of 88 px and more).
    const bool wide = landscape(ui);
    const Rect left{r.x, y, wide ? ui.px(460) : r.w, r.bottom() - y};
    const float col_gap = ui.px(ui.theme.metrics.margin);
    const Rect right =
        wide ? Rect{left.right() + col_gap, y, r.w - left.w - col_gap, left.h} : left;
    const Rect kb = keyboard_rect(ui, right);
    const float fw = (right.w - gap) * 0.5f;
    // A contact is whole or absent: the empty half of one says so under itself.
    const std::string& name = s.state().field(Field::kName).value;
    const std::string& phone = s.state().field(Field::kPhone).value;
    const std::string name_missing =
        name.empty() && !phone.empty() ? ui.tr("support.name_needed") : std::string();
    const std::string phone_missing =
        phone.empty() && !name.empty() ? ui.tr("support.phone_needed") : std::string();
    float fy = y;
    fy += std::max(text_field(ui, Field::kName, ui.tr("support.name"), Rect{right.x, fy, fw, 0},
                              false, name_missing),
                   text_field(ui, Field::kPhone, ui.tr("support.phone"),
                              Rect{right.x + fw + gap, fy, fw, 0}, false, phone_missing));
    if (!wide) y = fy;
    // Short of height (the lowered screen with large text) the caret keys give their row to the
    // notes: name and phone are short, and the keyboard has its own ⌫.
    const float keys_h = ui.px(ui.theme.metrics.touch_min);
    if (wide || !compact(ui)) {
        edit_keys(ui, Rect{left.x, y, left.w, keys_h}, false);
        y += keys_h + gap;
    }
    // A failed save above what the contact means: the consent line is never replaced by an
    // error (issue #21, point 8); the short form where the long one does not fit.
    const float limit = wide ? left.bottom() : kb.y;
    if (sim.support == O::kFailed)
        y += note(ui, "support_problem", ui.tr("support.failed"), ImVec2(left.x, y), left.w,
                  p.warning, ui.fonts.small);
    for (const char* key : {"support.consent", "support.consent_short"}) {
        const std::string& consent = ui.tr(key);
        if (y + text_block_height(ui.fonts.small, consent, left.w) >= limit) continue;
        note(ui, "support_note", consent, ImVec2(left.x, y), left.w, p.text_muted, ui.fonts.small);
        break;
    }
    draw_keyboard(ui, kb);
    // With a contact the next step is the consent; without one the +1 goes at once.
    const std::string& join = s.support_has_contact() && !sim.consent_unix_ms
                                  ? ui.tr("support.next")
                                  : ui.tr("support.send");
    bottom_bar(ui, "support/send", &join, s.can_apply(IntentKind::kSendSupport),
               IntentKind::kSendSupport);
}

}  // namespace vmeste::ui
