// [SECTION] Frame: the bar with the role and the time left, the bottom row
// [SECTION] PIN pad
// [SECTION] Home, queue, about
//
// The staff and technician screens (issue #8). They draw core::Maintenance's state and post
// MaintIntents; nothing of a citizen's visit is on them (it was wiped when the gesture opened the
// PIN pad). Russian first like every screen; receipt numbers are the only appeal data shown.
#include <algorithm>
#include <ctime>

#include "kiosk/base/local_time.h"
#include "kiosk/base/log.h"
#include "ui/layout.h"
#include "ui/screens_maintenance.h"

namespace vmeste::ui {

using core::MaintIntent;
using core::MaintIntentKind;
using core::MaintScreen;
using core::MaintState;

namespace {

struct MaintUi {
    Ui& ui;
    const core::Maintenance& m;
    std::vector<MaintIntent>& out;
    void post(MaintIntent i) { out.push_back(std::move(i)); }
};

// "2 ч 05 мин", "40 с": an age or a time left.
std::string duration(const Ui& ui, int64_t ms) {
    const int64_t s = std::max<int64_t>(0, ms / 1000);
    char buf[48];
    if (s < 120)
        std::snprintf(buf, sizeof buf, "%lld %s", static_cast<long long>(s),
                      ui.tr("maint.unit_s").c_str());
    else if (s < 7200)
        std::snprintf(buf, sizeof buf, "%lld %s", static_cast<long long>(s / 60),
                      ui.tr("maint.unit_min").c_str());
    else
        std::snprintf(buf, sizeof buf, "%lld %s %02lld %s", static_cast<long long>(s / 3600),
                      ui.tr("maint.unit_h").c_str(), static_cast<long long>(s / 60 % 60),
                      ui.tr("maint.unit_min").c_str());
    return buf;
}

// "29.11.2026 14:05", local time of the terminal.
std::string when(int64_t unix_ms) {
    return unix_ms <= 0 ? "—" : local_time::date_time(unix_ms);
}

// The bar: what this is, who is signed in, when it closes by itself.
float header(MaintUi& mu, const std::string& title) {
    Ui& ui = mu.ui;
    const Palette& p = ui.theme.palette;
    const float h = ui.px(ui.theme.metrics.top_bar);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(ui.display.x, h), color(p.primary));
    const float pad = ui.px(ui.theme.metrics.margin);
    const float th = ui.fonts.button->FontSize;
    dl->AddText(ui.fonts.button, th, ImVec2(pad, (h - th) * 0.5f), color(Rgb{255, 255, 255}),
                title.c_str());
    std::string right;
    if (const auto& role = mu.m.state().role)
        right = ui.tr(*role == core::Role::kStaff ? "maint.role_staff" : "maint.role_technician") +
                " · ";
    if (mu.m.state().screen != MaintScreen::kProvision)  // it waits as long as it takes
        right += ui.trf("maint.closes_in", {std::to_string(mu.m.seconds_left())});
    const ImVec2 rs =
        ui.fonts.small->CalcTextSizeA(ui.fonts.small->FontSize, FLT_MAX, 0, right.c_str());
    dl->AddText(ui.fonts.small, ui.fonts.small->FontSize,
                ImVec2(ui.display.x - pad - rs.x, (h - rs.y) * 0.5f), color(Rgb{255, 255, 255}),
                right.c_str());
    return h + ui.px(ui.theme.metrics.margin) * 0.5f;
}

// Back (or sign out) on the left, one action on the right.
void bottom_row(MaintUi& mu, const std::string& back_label, const char* action_id,
                const std::string* action_label, bool action_enabled, MaintIntent action) {
    Ui& ui = mu.ui;
    const Metrics& m = ui.theme.metrics;
    const Rect col = content_rect(ui, true);
    const float bh = ui.px(m.touch_min) + ui.px(20);
    const float y = ui.display.y - ui.px(m.bottom_bar) + (ui.px(m.bottom_bar) - bh) * 0.5f;
    const float bw = std::min(ui.px(420), col.w * 0.4f);
    if (touch_button(ui, "maint/back", back_label, ImVec2(col.x, y), ImVec2(bw, bh),
                     ButtonKind::kSecondary))
        mu.post({MaintIntentKind::kBack});
    if (action_label && touch_button(ui, action_id, *action_label, ImVec2(col.right() - bw, y),
                                     ImVec2(bw, bh), ButtonKind::kPrimary, action_enabled))
        mu.post(std::move(action));
}

//-----------------------------------------------------------------------------
// [SECTION] PIN pad
//-----------------------------------------------------------------------------

// Digits 1–9, then ⌫ 0 and the action (→), centred in `area`. Digit keys are "<prefix><d>",
// backspace "<prefix>back", the action `action_id`.
void digit_pad(MaintUi& mu, const Rect& area, const std::string& prefix,
               const std::string& action_id, bool enabled, bool action_ready, MaintIntent action) {
    Ui& ui = mu.ui;
    const float gap = ui.px(ui.theme.metrics.gap);
    const float kw = std::min(ui.px(220), (area.w - 2 * gap) / 3);
    const float kh = std::min(ui.px(150), (area.h - 3 * gap) / 4);
    const float x0 = area.x + (area.w - 3 * kw - 2 * gap) * 0.5f;
    const char* keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "→"};
    for (int i = 0; i < 12; ++i) {
        const ImVec2 pos(x0 + (i % 3) * (kw + gap), area.y + (i / 3) * (kh + gap));
        const std::string id = i == 9 ? prefix + "back" : i == 11 ? action_id : prefix + keys[i];
        if (touch_button(ui, id, keys[i], pos, ImVec2(kw, kh),
                         i == 11 ? ButtonKind::kPrimary : ButtonKind::kKey,
                         enabled && (i != 11 || action_ready), ui.fonts.title))
            mu.post(i == 9    ? MaintIntent{MaintIntentKind::kBackspace}
                    : i == 11 ? action
                              : MaintIntent{MaintIntentKind::kDigit, keys[i]});
    }
}

void draw_pin(MaintUi& mu) {
    Ui& ui = mu.ui;
    const MaintState& st = mu.m.state();
    const Palette& p = ui.theme.palette;
    float y = header(mu, ui.tr("maint.title"));
    const Rect r = content_rect(ui, true);
    // Whose PIN: each role counts its own wrong PINs, so a stranger's guesses at the staff PIN
    // never lock the technician out. The chosen one is filled and ticked.
    const float gap = ui.px(ui.theme.metrics.gap);
    const float bh = ui.px(ui.theme.metrics.touch_min);
    const float bw = std::min(ui.px(440), (r.w - gap) * 0.5f);
    const float x0 = r.x + (r.w - 2 * bw - gap) * 0.5f;
    for (core::Role role : {core::Role::kStaff, core::Role::kTechnician}) {
        const bool chosen = st.sign_in_role == role;
        const bool staff = role == core::Role::kStaff;
        const std::string label =
            (chosen ? "✓ " : "") + ui.tr(staff ? "maint.role_staff" : "maint.role_technician");
        if (touch_button(ui, staff ? "maint/pin/role/staff" : "maint/pin/role/technician", label,
                         ImVec2(staff ? x0 : x0 + bw + gap, y), ImVec2(bw, bh),
                         chosen ? ButtonKind::kPrimary : ButtonKind::kSecondary, !st.checking,
                         ui.fonts.body))
            mu.post({MaintIntentKind::kSignInRole, "", static_cast<int>(role)});
    }
    y += bh + gap;
    const bool staff = st.sign_in_role == core::Role::kStaff;
    y += note(ui, "maint_pin_hint",
              ui.tr(staff ? "maint.pin_hint_staff" : "maint.pin_hint_technician"), ImVec2(r.x, y),
              r.w, p.text, ui.fonts.body, true);
    // Dots, never digits: someone may be looking over the shoulder.
    std::string dots;
    for (size_t i = 0; i < st.pin_digits; ++i) dots += "● ";
    if (dots.empty()) dots = " ";
    y += ui.px(16);
    y += note(ui, "maint_pin_dots", dots, ImVec2(r.x, y), r.w, p.text, ui.fonts.huge, true);
    std::string msg;
    Rgb colour = p.warning;
    using PM = MaintState::PinMessage;
    const int64_t now = mu.m.now_unix_ms();
    if (st.checking) {
        msg = ui.tr("maint.pin_checking");
        colour = p.text_muted;
    } else if (st.message == PM::kWrong) {
        msg = ui.trf("maint.pin_wrong", {std::to_string(st.attempts_left)});
    } else if (st.message == PM::kLocked) {
        msg = ui.trf(staff ? "maint.pin_locked_staff" : "maint.pin_locked_technician",
                     {duration(ui, st.locked_until_ms - now)});
    } else if (st.message == PM::kNoPin) {
        msg = ui.tr(staff ? "maint.pin_none_staff" : "maint.pin_none_technician");
    } else if (st.message == PM::kError) {
        msg = ui.tr("maint.pin_error");
    }
    y += ui.px(8);
    if (!msg.empty()) note(ui, "maint_pin", msg, ImVec2(r.x, y), r.w, colour, ui.fonts.body, true);
    y += ui.fonts.body->FontSize * 2.6f;
    const bool locked = st.message == PM::kLocked && st.locked_until_ms > now;
    digit_pad(mu, Rect{r.x, y, r.w, r.bottom() - y}, "maint/pin/", "maint/pin/enter",
              !st.checking && !locked, st.pin_digits >= core::min_pin_digits(st.sign_in_role),
              {MaintIntentKind::kSubmitPin});
    bottom_row(mu, ui.tr("maint.leave"), "", nullptr, false, {MaintIntentKind::kClose});
}

// A result line: ✓ or ⚠, the check's own words (they name the device).
std::string result_line(const Ui& ui, const drivers::SelfTestResult& r) {
    return (r.ok() ? "✓ " : "⚠ ") + ui.trf(r.key, r.args);
}

// Provisioning done: what the platform sent, each device's check, the receipt; the technician
// reads it and starts the citizens' screens (or prints the receipt again).
void draw_provision_report(MaintUi& mu, float y) {
    Ui& ui = mu.ui;
    const MaintState& st = mu.m.state();
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, false);
    const float gap = ui.px(ui.theme.metrics.gap);
    const core::ProvisioningReport& rep = *st.report;
    y += note(ui, "maint_provision",
              ui.trf(rep.ok() ? "maint.provision_done" : "maint.provision_done_failures",
                     {rep.device_id, rep.site.empty() ? std::string("—") : rep.site}),
              ImVec2(r.x, y), r.w, rep.ok() ? p.success : p.warning, ui.fonts.body);
    y += gap;
    std::string lines;
    for (const auto& s : rep.platform)
        lines += (lines.empty() ? "" : "\n") + std::string(s.ok ? "✓ " : "⚠ ") +
                 ui.tr("maint.provision_step." + s.name) + ": " +
                 ui.tr(s.ok ? "maint.provision_step_ok" : "maint.provision_step_failed");
    for (const auto& d : rep.devices) lines += "\n" + result_line(ui, d);
    y += note(ui, "maint_provision_results", lines, ImVec2(r.x, y), r.w, p.text, ui.fonts.small);
    y += gap;
    note(ui, "maint_provision_receipt",
         ui.tr(st.receipt_printed ? "maint.provision_receipt_printed"
                                  : "maint.provision_receipt_not_printed"),
         ImVec2(r.x, y), r.w, st.receipt_printed ? p.text_muted : p.warning, ui.fonts.small);
    const std::string& start = ui.tr("maint.provision_start");
    const Metrics& m = ui.theme.metrics;
    const float bh = ui.px(m.touch_min) + ui.px(20);
    const float by = ui.display.y - ui.px(m.bottom_bar) + (ui.px(m.bottom_bar) - bh) * 0.5f;
    const float bw = std::min(ui.px(480), r.w * 0.48f);
    if (touch_button(ui, "maint/provision/reprint", ui.tr("maint.provision_reprint"),
                     ImVec2(r.x, by), ImVec2(bw, bh), ButtonKind::kSecondary, !st.busy,
                     ui.fonts.body))
        mu.post({MaintIntentKind::kReprint});
    if (touch_button(ui, "maint/provision/start", start, ImVec2(r.right() - bw, by), ImVec2(bw, bh),
                     ButtonKind::kPrimary, !st.busy))
        mu.post({MaintIntentKind::kStartKiosk});
}

// First boot: the serial (and its QR, for the operator's register), the gateway, the one-time
// enrolment code on a keypad.
void draw_provision(MaintUi& mu) {
    Ui& ui = mu.ui;
    const MaintState& st = mu.m.state();
    const Palette& p = ui.theme.palette;
    float y = header(mu, ui.tr("maint.provision"));
    const Rect r = content_rect(ui, false);
    const float gap = ui.px(ui.theme.metrics.gap);
    const core::AboutInfo& a = mu.m.about();
    y += note(ui, "maint_provision_hint", ui.tr("maint.provision_hint"), ImVec2(r.x, y), r.w,
              p.text, ui.fonts.body);
    y += gap;
    const float side = std::min(ui.px(260), r.w * 0.3f);
    draw_qr(ui, "maint/provision/serial_qr", a.serial, ImVec2(r.x, y), side);
    const float tx = r.x + side + gap, tw = r.w - side - gap;
    float ty = y;
    ty += note(ui, "maint_provision_serial", ui.trf("maint.provision_serial", {a.serial}),
               ImVec2(tx, ty), tw, p.text, ui.fonts.body);
    ty += note(ui, "maint_provision_gateway", ui.trf("maint.provision_gateway", {a.gateway}),
               ImVec2(tx, ty), tw, p.text_muted, ui.fonts.small);
    if (st.scanning)
        ty += note(ui, "maint_provision_scan", ui.tr("maint.provision_scan"), ImVec2(tx, ty), tw,
                   p.text_muted, ui.fonts.small);
    y = std::max(y + side, ty) + gap;
    y += note(ui, "maint_provision_code", st.code.empty() ? std::string(" ") : st.code,
              ImVec2(r.x, y), r.w, p.text, ui.fonts.huge, true);
    using E = MaintState::Enrol;
    if (st.enrol == E::kDone && st.report) {
        draw_provision_report(mu, y);
        return;
    }
    std::string msg;
    Rgb colour = p.text_muted;
    if (st.enrol == E::kWorking) {
        msg = ui.tr("maint.provision_stage." +
                    (st.provision_stage.empty() ? std::string("enrol") : st.provision_stage));
    } else if (st.enrol == E::kFailed) {
        msg = ui.trf("maint.provision_failed", {st.enrol_detail});
        colour = p.warning;
    }
    if (!msg.empty())
        note(ui, "maint_provision", msg, ImVec2(r.x, y), r.w, colour, ui.fonts.body, true);
    y += ui.fonts.body->FontSize * 2.8f;
    const bool idle = st.enrol == E::kTyping || st.enrol == E::kFailed;
    // Re-provisioning (a technician's, the data kept) can be left; the first boot cannot.
    const float bottom = st.reprovisioning ? content_rect(ui, true).bottom() : r.bottom();
    digit_pad(mu, Rect{r.x, y, r.w, bottom - y}, "maint/code/", "maint/code/enrol", idle,
              st.code.size() >= 4, {MaintIntentKind::kEnrol});
    if (st.reprovisioning && idle)
        bottom_row(mu, ui.tr("common.back"), "", nullptr, false, {MaintIntentKind::kBack});
}

//-----------------------------------------------------------------------------
// [SECTION] Home, queue, about
//-----------------------------------------------------------------------------

void draw_home(MaintUi& mu) {
    Ui& ui = mu.ui;
    const Palette& p = ui.theme.palette;
    float y = header(mu, ui.tr("maint.title"));
    const Rect r = content_rect(ui, true);
    const float gap = ui.px(ui.theme.metrics.gap);
    if (!mu.m.about().config_problem.empty()) {
        y += note(ui, "maint_config_problem",
                  ui.trf("maint.config_problem", {mu.m.about().config_problem}), ImVec2(r.x, y),
                  r.w, p.warning, ui.fonts.body);
        y += gap;
    }
    // A device in trouble (the paper ran out, a receipt was not printed): staff see it first.
    for (const auto& alert : mu.m.device_alerts()) {
        y += note(ui, "maint_alert_" + alert.device, result_line(ui, alert), ImVec2(r.x, y), r.w,
                  p.warning, ui.fonts.body);
        y += gap;
    }
    struct Tile {
        const char* id;
        const char* key;
        MaintScreen to;
    };
    const Tile tiles[] = {{"maint/queue", "maint.queue", MaintScreen::kQueue},
                          {"maint/devices", "maint.devices", MaintScreen::kDevices},
                          {"maint/log", "maint.log", MaintScreen::kLog},
                          {"maint/about", "maint.about", MaintScreen::kAbout}};
    std::vector<Tile> shown(std::begin(tiles), std::end(tiles));
    const bool technician = mu.m.state().role == core::Role::kTechnician;
    if (technician)
        shown.insert(shown.end() - 1,
                     Tile{"maint/settings", "maint.settings", MaintScreen::kSettings});
    if (technician && mu.m.about().adapter == "open311")
        shown.insert(shown.end() - 1,
                     Tile{"maint/mapping", "maint.mapping", MaintScreen::kMapping});
    // The tiles in one column on a portrait panel, two on a landscape one; the technician's
    // three system actions in a row under them, smaller (they are not for every day).
    const float bh = ui.px(ui.theme.metrics.touch_min);
    const float actions_h = technician ? bh + 3 * gap + ui.fonts.body->FontSize * 2.5f : 0;
    const int cols = ui.display.x > ui.display.y ? 2 : 1;
    const int rows = static_cast<int>((shown.size() + cols - 1) / cols);
    const float th = std::clamp((r.bottom() - y - actions_h - rows * gap) / rows,
                                ui.px(ui.theme.metrics.touch_min), ui.px(170));
    const float tw = (r.w - (cols - 1) * gap) / cols;
    for (size_t i = 0; i < shown.size(); ++i) {
        const Tile& t = shown[i];
        const ImVec2 pos(r.x + (i % cols) * (tw + gap), y + (i / cols) * (th + gap));
        if (touch_button(ui, t.id, ui.tr(t.key), pos, ImVec2(tw, th), ButtonKind::kKey, true,
                         ui.fonts.button))
            mu.post({MaintIntentKind::kOpen, "", static_cast<int>(t.to)});
    }
    y += rows * (th + gap);
    if (technician) {
        const MaintState& st = mu.m.state();
        const bool armed = mu.m.reset_armed();
        const float aw = (r.w - 2 * gap) / 3;
        y += gap;
        if (touch_button(ui, "maint/factory_reset",
                         ui.tr(armed ? "maint.factory_reset_confirm" : "maint.factory_reset"),
                         ImVec2(r.x, y), ImVec2(aw, bh),
                         armed ? ButtonKind::kPrimary : ButtonKind::kSecondary, !st.busy,
                         ui.fonts.small))
            mu.post({MaintIntentKind::kFactoryReset});
        if (touch_button(ui, "maint/reprovision", ui.tr("maint.reprovision"),
                         ImVec2(r.x + aw + gap, y), ImVec2(aw, bh), ButtonKind::kSecondary,
                         !st.busy, ui.fonts.small))
            mu.post({MaintIntentKind::kReprovision});
        // Leaves the kiosk program for the system (the service does not restart it).
        if (touch_button(ui, "maint/exit", ui.tr("maint.exit_to_system"), ImVec2(r.right() - aw, y),
                         ImVec2(aw, bh), ButtonKind::kSecondary, !st.busy, ui.fonts.small))
            mu.post({MaintIntentKind::kExitToSystem});
        if (st.notice.starts_with("reset-refused:"))
            note(ui, "maint_reset", ui.trf("maint.factory_reset_refused", {st.notice.substr(14)}),
                 ImVec2(r.x, y + bh + gap), r.w, p.warning, ui.fonts.small);
    }
    bottom_row(mu, ui.tr("maint.sign_out"), "", nullptr, false, {MaintIntentKind::kClose});
}

void draw_queue(MaintUi& mu) {
    Ui& ui = mu.ui;
    const MaintState& st = mu.m.state();
    const Palette& p = ui.theme.palette;
    float y = header(mu, ui.tr("maint.queue"));
    const Rect r = content_rect(ui, true);
    const float gap = ui.px(ui.theme.metrics.gap);
    const core::QueueView& q = st.queue;
    if (!q.loaded) {
        note(ui, "maint_queue", ui.tr("maint.loading"), ImVec2(r.x, y), r.w, p.text_muted,
             ui.fonts.body);
        bottom_row(mu, ui.tr("common.back"), "", nullptr, false, {MaintIntentKind::kBack});
        return;
    }
    const int64_t now = mu.m.now_unix_ms();
    const core::QueueFigures& f = q.figures;
    std::string figures =
        ui.trf("maint.queue_counts", {std::to_string(f.queued_appeals), std::to_string(f.pending),
                                      std::to_string(f.delivered), std::to_string(f.quarantined)}) +
        "\n" +
        ui.trf("maint.queue_oldest",
               {f.oldest_pending_unix_ms ? duration(ui, now - *f.oldest_pending_unix_ms)
                                         : std::string("—")}) +
        "\n" +
        ui.trf("maint.queue_last_success",
               {f.last_success_unix_ms ? when(*f.last_success_unix_ms) : std::string("—")}) +
        "\n" +
        ui.trf("maint.queue_next_attempt",
               {f.next_attempt_unix_ms ? when(*f.next_attempt_unix_ms) : std::string("—")}) +
        "\n" + ui.trf("maint.free_disk", {std::to_string(q.free_disk_bytes >> 20)});
    if (!f.last_error.empty()) figures += "\n" + ui.trf("maint.queue_last_error", {f.last_error});
    y += note(ui, "maint_queue", figures, ImVec2(r.x, y), r.w, p.text, ui.fonts.body);
    y += gap;
    // What needs staff now, in the warning colour: the way to the platform blocked, a store that
    // cannot write, receipts given that the store lost (issue #17).
    std::string trouble;
    auto add = [&](const std::string& line) { trouble += (trouble.empty() ? "" : "\n") + line; };
    if (!q.path_blocked.empty()) add(ui.trf("maint.queue_path_blocked", {q.path_blocked}));
    if (!q.store_error.empty()) add(ui.trf("maint.queue_store_error", {q.store_error}));
    if (!q.delivery_paused.empty()) add(ui.trf("maint.queue_paused", {q.delivery_paused}));
    if (!q.lost.empty()) {
        std::string numbers;
        for (size_t i = 0; i < q.lost.size() && i < 8; ++i)
            numbers += (i ? ", " : "") + q.lost[i].receipt_number;
        if (q.lost.size() > 8) numbers += ", …";
        add(ui.trf("maint.queue_lost_receipts", {std::to_string(q.lost.size()), numbers}));
    }
    if (!trouble.empty()) {
        y +=
            note(ui, "maint_queue_trouble", trouble, ImVec2(r.x, y), r.w, p.warning, ui.fonts.body);
        y += gap;
    }
    if (!st.notice.empty() && st.notice != "exported") {
        const bool bad = st.notice.starts_with("export-") || st.notice == "release-failed";
        std::string n = st.notice == "retry" ? ui.tr("maint.retry_started")
                        : st.notice.starts_with("released:")
                            ? ui.trf("maint.released", {st.notice.substr(9)})
                        : st.notice.starts_with("export-") ? ui.tr("maint." + st.notice)
                                                           : ui.tr("maint.action_failed");
        y += note(ui, "maint_notice", n, ImVec2(r.x, y), r.w, bad ? p.warning : p.success,
                  ui.fonts.body);
        y += gap;
    }
    if (st.exported) {
        // The passphrase once, large: the technician writes it down; nothing keeps it.
        const auto& e = *st.exported;
        const std::string file = e.file.substr(e.file.rfind('/') + 1);
        y += note(ui, "maint_export",
                  ui.trf("maint.exported", {std::to_string(e.appeals), std::to_string(e.photos),
                                            std::to_string(e.actions), file}),
                  ImVec2(r.x, y), r.w, p.success, ui.fonts.body);
        if (!e.passphrase.empty()) {
            y += note(ui, "maint_export_passphrase", e.passphrase, ImVec2(r.x, y), r.w, p.text,
                      ui.fonts.title, true);
            const int64_t left = (e.hide_at - mu.m.now_monotonic()).count();
            y += note(ui, "maint_export_hint",
                      ui.trf("maint.export_hint",
                             {std::to_string(std::max<int64_t>(0, (left + 999) / 1000))}),
                      ImVec2(r.x, y), r.w, p.text_muted, ui.fonts.small);
            const float hb = ui.px(ui.theme.metrics.touch_min);
            const float hw = std::min(ui.px(520), r.w);
            if (touch_button(ui, "maint/export/hide", ui.tr("maint.export_hide"),
                             ImVec2(r.x + (r.w - hw) * 0.5f, y), ImVec2(hw, hb),
                             ButtonKind::kPrimary, true, ui.fonts.body))
                mu.post({MaintIntentKind::kHidePassphrase});
            y += hb;
        } else {
            y += note(ui, "maint_export_hidden", ui.tr("maint.export_hidden"), ImVec2(r.x, y), r.w,
                      p.text_muted, ui.fonts.small);
        }
        y += gap;
    }
    const float bh = ui.px(ui.theme.metrics.touch_min) + ui.px(12);
    const float bw = (r.w - gap) * 0.5f;
    if (touch_button(ui, "maint/retry_now", ui.tr("maint.retry_now"), ImVec2(r.x, y),
                     ImVec2(bw, bh), ButtonKind::kSecondary, !st.busy, ui.fonts.body))
        mu.post({MaintIntentKind::kRetryNow});
    if (touch_button(ui, "maint/release",
                     ui.trf("maint.release", {std::to_string(q.quarantined.size())}),
                     ImVec2(r.x + bw + gap, y), ImVec2(bw, bh), ButtonKind::kSecondary,
                     !st.busy && !q.quarantined.empty(), ui.fonts.body))
        mu.post({MaintIntentKind::kReleaseQuarantine});
    y += bh + gap;
    // Offered unless a passphrase is on screen (the room is the hide button's then): ratings,
    // votes and +1s waiting are not in these figures (it says when there is nothing to export).
    if (!st.exported || st.exported->passphrase.empty()) {
        if (touch_button(ui, "maint/export", ui.tr("maint.export"), ImVec2(r.x, y), ImVec2(r.w, bh),
                         ButtonKind::kSecondary, !st.busy, ui.fonts.body))
            mu.post({MaintIntentKind::kExportUnsent});
        y += bh + gap;
    }
    // Each item: receipt, what, its state, tries, when next or why — nothing a citizen wrote.
    // Quarantined ones first; as many as fit above the bottom bar.
    if (!q.items.empty()) {
        y += text_block(ImGui::GetWindowDrawList(), ui.fonts.button, ui.tr("maint.queue_items"),
                        ImVec2(r.x, y), r.w, p.text);
        const float line_h = ui.fonts.small->FontSize * 1.45f;
        const size_t fit = static_cast<size_t>(std::max(0.0f, (r.bottom() - y) / line_h));
        std::string list;
        for (size_t i = 0; i < q.items.size() && i < fit; ++i) {
            const auto& item = q.items[i];
            if (!list.empty()) list += "\n";
            list += item.receipt_number + " · " + ui.tr("maint.kind." + item.kind) + " · ";
            if (item.quarantined)
                list += ui.trf("maint.item_quarantined", {item.reason});
            else
                list += ui.trf("maint.item_pending",
                               {std::to_string(item.attempts), when(item.next_attempt_unix_ms)}) +
                        (item.reason.empty() ? std::string() : " · " + item.reason);
        }
        note(ui, "maint_items", list, ImVec2(r.x, y), r.w, p.text_muted, ui.fonts.small);
    }
    bottom_row(mu, ui.tr("common.back"), "", nullptr, false, {MaintIntentKind::kBack});
}

void draw_devices(MaintUi& mu) {
    Ui& ui = mu.ui;
    const MaintState& st = mu.m.state();
    const Palette& p = ui.theme.palette;
    float y = header(mu, ui.tr("maint.devices"));
    const Rect r = content_rect(ui, true);
    const float gap = ui.px(ui.theme.metrics.gap);
    struct Test {
        const char* id;
        const char* key;
        const char* device;
        MaintIntentKind kind;
    };
    // The camera's picture while the screen is open: staff see it points at the citizen's side.
    if (st.camera_preview) {
        const float h = std::min(ui.px(420), r.w * 0.42f);
        ImVec2 size(4, 3);
        ImTextureID tex = ui.images ? ui.images->camera(&size) : nullptr;
        const Rect view = fit_into(Rect{r.x, y, r.w, h}, size.x, size.y);
        draw_picture(ui, tex, ImVec2(view.x, view.y), ImVec2(view.right(), view.bottom()));
        ui.widgets.add_readout(WidgetInfo{"maint/camera_preview", ImVec2(view.x, view.y),
                                          ImVec2(view.right(), view.bottom()), true,
                                          tex ? "live" : ""});
        y += h + gap;
    }
    const Test tests[] = {
        {"maint/test/camera", "maint.test_camera", "camera", MaintIntentKind::kTestCamera},
        {"maint/test/printer", "maint.test_printer", "printer", MaintIntentKind::kTestPrinter},
        {"maint/test/network", "maint.test_network", "network", MaintIntentKind::kTestNetwork},
        {"maint/test/speaker", "maint.test_speaker", "speech", MaintIntentKind::kTestSpeaker},
        {"maint/test/touch", "maint.test_touch", "touch", MaintIntentKind::kOpen}};
    const float bh = ui.px(ui.theme.metrics.touch_min) + ui.px(12);
    const float bw = std::min(ui.px(560), r.w * 0.45f);
    for (const auto& t : tests) {
        if (touch_button(ui, t.id, ui.tr(t.key), ImVec2(r.x, y), ImVec2(bw, bh),
                         ButtonKind::kSecondary, !st.busy, ui.fonts.body))
            mu.post(t.kind == MaintIntentKind::kOpen
                        ? MaintIntent{t.kind, "", static_cast<int>(MaintScreen::kTouchTest)}
                        : MaintIntent{t.kind});
        // The last result beside its button, in the staff member's language.
        for (const auto& res : st.device_results) {
            if (res.device != t.device) continue;
            note(ui, std::string("maint_result_") + t.device, result_line(ui, res),
                 ImVec2(r.x + bw + gap, y), r.w - bw - gap, res.ok() ? p.success : p.warning,
                 ui.fonts.small);
        }
        y += std::max(bh, ui.fonts.small->FontSize * 2.6f) + gap;
    }
    if (st.busy)
        note(ui, "maint_devices_busy", ui.tr("maint.testing"), ImVec2(r.x, y), r.w, p.text_muted,
             ui.fonts.body);
    bottom_row(mu, ui.tr("common.back"), "", nullptr, false, {MaintIntentKind::kBack});
}

// Every cell must be touched: one that stays grey marks a dead strip of the panel. The grid fills
// the screen under the bar (rotated on a landscape panel); Back leaves it unfinished.
void draw_touch_test(MaintUi& mu) {
    Ui& ui = mu.ui;
    const MaintState& st = mu.m.state();
    const Palette& p = ui.theme.palette;
    float y = header(mu, ui.tr("maint.test_touch"));
    const float bottom = ui.display.y - ui.px(ui.theme.metrics.bottom_bar);
    const bool landscape = ui.display.x > ui.display.y;
    const int cols = landscape ? core::Maintenance::kTouchRows : core::Maintenance::kTouchCols;
    const int rows = landscape ? core::Maintenance::kTouchCols : core::Maintenance::kTouchRows;
    const float cw = ui.display.x / cols, ch = (bottom - y) / rows;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    int left = 0;
    for (int i = 0; i < static_cast<int>(st.touched.size()); ++i) {
        const ImVec2 a(cw * (i % cols), y + ch * (i / cols));
        const ImVec2 b(a.x + cw, a.y + ch);
        const bool done = st.touched[i];
        left += !done;
        dl->AddRectFilled(ImVec2(a.x + 2, a.y + 2), ImVec2(b.x - 2, b.y - 2),
                          color(done ? p.success : p.surface));
        dl->AddRect(a, b, color(p.secondary_border));
        // A cell counts on touch-down or when a finger slides over it (a swipe test).
        const std::string id = "maint/touch/" + std::to_string(i);
        ImGui::SetCursorScreenPos(a);
        ImGui::InvisibleButton(id.c_str(), ImVec2(cw, ch));
        const bool hit = ImGui::IsItemActivated() ||
                         (ImGui::IsMouseDown(0) &&
                          ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem));
        ui.widgets.add(WidgetInfo{id, a, b, true, done ? "touched" : ""});
        if (hit && !done) mu.post({MaintIntentKind::kTouchCell, "", i});
    }
    const std::string hint = ui.trf("maint.touch_left", {std::to_string(left)});
    const Metrics& m = ui.theme.metrics;
    const Rect col = content_rect(ui, true);
    note(ui, "maint_touch", hint,
         ImVec2(col.x + std::min(ui.px(420), col.w * 0.4f) + ui.px(m.gap),
                bottom + ui.px(m.bottom_bar) * 0.5f - ui.fonts.body->FontSize * 0.6f),
         col.w * 0.55f, p.text_muted, ui.fonts.body);
    bottom_row(mu, ui.tr("common.back"), "", nullptr, false, {MaintIntentKind::kBack});
}

// The technician's text on the on-screen keyboard (the kiosk's own, as citizens use it; its keys
// reach maintenance while it is open): the terminal's address or coordinates.
void draw_settings_edit(MaintUi& mu, float y) {
    Ui& ui = mu.ui;
    const MaintState& st = mu.m.state();
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    const float gap = ui.px(ui.theme.metrics.gap);
    y += note(ui, "maint_edit_label", ui.tr("maint.setting." + st.editing), ImVec2(r.x, y), r.w,
              p.text, ui.fonts.body);
    const float fh = ui.px(140);
    card(ui, ImVec2(r.x, y), ImVec2(r.right(), y + fh));
    const std::string shown = st.edit_text + "|";
    text_block(ImGui::GetWindowDrawList(), ui.fonts.body, shown,
               ImVec2(r.x + ui.px(16), y + ui.px(16)), r.w - ui.px(32), p.text);
    ui.widgets.add(WidgetInfo{"maint/edit/field", ImVec2(r.x, y), ImVec2(r.right(), y + fh), true,
                              st.edit_text});
    y += fh + gap * 0.5f;
    const std::string msg = !st.edit_error.empty() ? ui.tr("maint.edit_error." + st.edit_error)
                                                   : ui.tr("maint.edit_hint." + st.editing);
    y += note(ui, "maint_edit", msg, ImVec2(r.x, y), r.w,
              st.edit_error.empty() ? p.text_muted : p.warning, ui.fonts.small);
    y += gap;
    const float bottom = ui.display.y - ui.px(ui.theme.metrics.bottom_bar);
    const float kb_h = std::min(bottom - y, key_height(ui) * 4.4f);
    // Coordinates are digits, a point, a comma and a space: the digits page, no letters.
    if (st.editing == "site_coords") ui.keyboard.page = KeyboardPage::kSymbols;
    draw_keyboard(ui, Rect{r.x, bottom - kb_h, r.w, kb_h});
    const std::string& ok = ui.tr("maint.edit_ok");
    bottom_row(mu, ui.tr("common.back"), "maint/edit/ok", &ok, true, {MaintIntentKind::kEditDone});
}

void draw_settings(MaintUi& mu) {
    Ui& ui = mu.ui;
    const MaintState& st = mu.m.state();
    const core::Config& c = st.settings;
    const Palette& p = ui.theme.palette;
    float y = header(mu, ui.tr("maint.settings"));
    if (!st.editing.empty()) {
        draw_settings_edit(mu, y);
        return;
    }
    const Rect r = content_rect(ui, true);
    const float gap = ui.px(ui.theme.metrics.gap);
    const float bh = ui.px(ui.theme.metrics.touch_min);
    // Two pages: how citizens' visits go, and the terminal itself.
    {
        const float tw = (r.w - gap) * 0.5f;
        for (int page = 0; page < 2; ++page)
            if (touch_button(ui, "maint/settings/page" + std::to_string(page),
                             ui.tr(page == 0 ? "maint.settings_page_screens"
                                             : "maint.settings_page_terminal"),
                             ImVec2(r.x + page * (tw + gap), y), ImVec2(tw, bh),
                             st.settings_page == page ? ButtonKind::kKeyActive : ButtonKind::kKey,
                             !st.busy, ui.fonts.body))
                mu.post({MaintIntentKind::kSettingsPage, "", page});
        y += bh + gap * 1.5f;
    }
    auto on_off = [&](bool v) { return ui.tr(v ? "maint.on" : "maint.off"); };
    enum class Kind { kStepper, kSwitch, kEdit, kAction };
    struct Row {
        const char* key;
        std::string value;
        Kind kind;
        MaintIntent action{MaintIntentKind::kAdjust};
    };
    std::vector<Row> rows;
    if (st.settings_page == 0) {
        rows = {
            {"language", c.default_language == core::Language::kRu ? "Русский" : "English",
             Kind::kSwitch},
            {"languages", ui.tr(c.english_offered ? "maint.languages_both" : "maint.languages_ru"),
             Kind::kSwitch},
            {"idle_timeout_s", std::to_string(c.idle_timeout_s) + " " + ui.tr("maint.unit_s"),
             Kind::kStepper},
            {"voice_prompts", on_off(c.voice_prompts), Kind::kSwitch},
            {"large_text", on_off(c.large_text), Kind::kSwitch},
            {"high_contrast", on_off(c.high_contrast), Kind::kSwitch},
            {"lower_screen", on_off(c.lower_screen), Kind::kSwitch},
            {"max_photos", std::to_string(c.max_photos), Kind::kStepper},
            {"similar_radius_m", std::to_string(c.similar_radius_m) + " " + ui.tr("maint.unit_m"),
             Kind::kStepper},
            {"auto_print_receipt", on_off(c.auto_print_receipt), Kind::kSwitch},
            {"retention_days", std::to_string(c.retention_days), Kind::kStepper},
        };
    } else {
        char coords[64] = "—";
        if (c.site_lat != 0 || c.site_lon != 0)
            std::snprintf(coords, sizeof coords, "%.5f, %.5f", c.site_lat, c.site_lon);
        rows = {
            {"camera", c.camera, Kind::kSwitch},
            {"printer", c.printer, Kind::kSwitch},
            {"printer_columns",
             ui.trf("maint.printer_columns", {std::to_string(c.printer_columns)}), Kind::kSwitch},
            {"renderer", ui.tr("maint.renderer." + c.renderer), Kind::kSwitch},
            {"site_address",
             c.site_address.empty() ? std::string("—") : c.site_address,
             Kind::kEdit,
             {MaintIntentKind::kEdit, "site_address"}},
            {"site_coords", coords, Kind::kEdit, {MaintIntentKind::kEdit, "site_coords"}},
            {"pin_staff",
             ui.tr("maint.change"),
             Kind::kAction,
             {MaintIntentKind::kChangePin, "", static_cast<int>(core::Role::kStaff)}},
            {"pin_technician",
             ui.tr("maint.change"),
             Kind::kAction,
             {MaintIntentKind::kChangePin, "", static_cast<int>(core::Role::kTechnician)}},
            {"pin_unlock", ui.tr("maint.pin_unlock"), Kind::kAction, {MaintIntentKind::kUnlockPin}},
        };
    }
    // One column on a portrait panel, two on a landscape one.
    const int cols = ui.display.x > ui.display.y ? 2 : 1;
    const float col_w = (r.w - (cols - 1) * gap * 2) / cols;
    const int per_col = static_cast<int>((rows.size() + cols - 1) / cols);
    const float bw = ui.px(120);
    const float y0 = y;
    for (size_t i = 0; i < rows.size(); ++i) {
        const Row& row = rows[i];
        const float cx = r.x + static_cast<float>(i / per_col) * (col_w + gap * 2);
        const float ry = y0 + static_cast<float>(i % per_col) * (bh + gap);
        const float label_w = col_w * 0.5f;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        text_block(dl, ui.fonts.small, ui.tr(std::string("maint.setting.") + row.key),
                   ImVec2(cx, ry + ui.px(12)), label_w - gap, p.text);
        const float vx = cx + label_w, right = cx + col_w;
        const std::string id = std::string("maint/setting/") + row.key;
        if (row.kind == Kind::kStepper) {
            if (touch_button(ui, id + "/minus", "−", ImVec2(vx, ry), ImVec2(bw, bh),
                             ButtonKind::kKey, !st.busy, ui.fonts.title))
                mu.post({MaintIntentKind::kAdjust, row.key, -1});
            note(ui, std::string("maint_setting_") + row.key, row.value,
                 ImVec2(vx + bw, ry + ui.px(20)), right - vx - 2 * bw, p.text, ui.fonts.button,
                 true);
            if (touch_button(ui, id + "/plus", "+", ImVec2(right - bw, ry), ImVec2(bw, bh),
                             ButtonKind::kKey, !st.busy, ui.fonts.title))
                mu.post({MaintIntentKind::kAdjust, row.key, 1});
        } else if (touch_button(ui, id, row.value, ImVec2(vx, ry), ImVec2(right - vx, bh),
                                ButtonKind::kKey, !st.busy,
                                row.kind == Kind::kSwitch ? ui.fonts.button : ui.fonts.small)) {
            MaintIntent a = row.action;
            if (row.kind == Kind::kSwitch) a = {MaintIntentKind::kAdjust, row.key, 1};
            mu.post(std::move(a));
        }
    }
    y = y0 + per_col * (bh + gap) + gap;
    const std::string msg = st.notice == "settings-saved"     ? ui.tr("maint.settings_saved")
                            : st.notice == "settings-restart" ? ui.tr("maint.settings_restart")
                            : st.notice == "pin-set"          ? ui.tr("maint.pin_set")
                            : st.notice == "pin-unlocked"     ? ui.tr("maint.pin_unlocked")
                            : st.notice == "pin-failed"       ? ui.tr("maint.pin-failed")
                            : st.settings_dirty               ? ui.tr("maint.settings_unsaved")
                                                              : ui.tr("maint.settings_hint");
    const bool good = st.notice == "settings-saved" || st.notice == "settings-restart" ||
                      st.notice == "pin-set" || st.notice == "pin-unlocked";
    note(ui, "maint_settings", msg, ImVec2(r.x, y), r.w, good ? p.success : p.text_muted,
         ui.fonts.small);
    const std::string& save = ui.tr("maint.settings_save");
    bottom_row(mu, ui.tr("common.back"), "maint/settings/save", &save,
               st.settings_dirty && !st.busy, {MaintIntentKind::kSaveSettings});
}

// The Open311 mapping (technician): every category of the catalogue with the city's service it
// reaches, and how (its own entry, its group's, the fallback, or none: in the warning colour);
// touching one lists the services to choose from. Pages of whole rows, ▲ ▼ between them.
void draw_mapping(MaintUi& mu) {
    Ui& ui = mu.ui;
    const MaintState& st = mu.m.state();
    const core::MaintState::Mapping& m = st.mapping;
    const Palette& p = ui.theme.palette;
    float y = header(mu, ui.tr("maint.mapping"));
    const Rect r = content_rect(ui, true);
    const float gap = ui.px(ui.theme.metrics.gap);
    const float bh = ui.px(ui.theme.metrics.touch_min);
    const bool ru = ui.lang() == core::Language::kRu;
    if (!m.loaded) {
        note(ui, "maint_mapping", ui.tr("maint.loading"), ImVec2(r.x, y), r.w, p.text_muted);
        bottom_row(mu, ui.tr("common.back"), "", nullptr, false, {MaintIntentKind::kBack});
        return;
    }
    auto service_label = [&](const std::string& code) {
        if (code.empty()) return ui.tr("maint.mapping_none");
        const auto* svc = m.services.service(code);
        return (svc && !svc->name.empty() ? svc->name + " · " : std::string()) + code;
    };
    // The list on screen and the page it is on: as many whole rows as fit above the bottom row,
    // in one column on a portrait panel, two on a landscape one. Where the list's n-th row on
    // this page goes.
    const float list_bottom = ui.display.y - ui.px(ui.theme.metrics.bottom_bar) - gap;
    const int cols = ui.display.x > ui.display.y ? 2 : 1;
    const float col_w = (r.w - (cols - 1) * gap * 2) / cols;
    size_t rows_fit = 1;
    float list_top = y;
    auto cell = [&](size_t n) {
        return ImVec2(r.x + static_cast<float>(n / rows_fit) * (col_w + gap * 2),
                      list_top + static_cast<float>(n % rows_fit) * (bh + gap));
    };
    auto pager = [&](size_t count, float top) {
        const float room = list_bottom - top - bh - gap;  // the ▲ ▼ row under the list
        rows_fit = std::max<size_t>(1, static_cast<size_t>((room + gap) / (bh + gap)));
        list_top = top;
        const size_t per_page = rows_fit * cols;
        const size_t pages = std::max<size_t>(1, (count + per_page - 1) / per_page);
        const int asked = m.choosing.empty() ? m.page : m.service_page;
        const size_t page = std::min<size_t>(static_cast<size_t>(asked), pages - 1);
        const float py = list_bottom - bh;
        const float pw = ui.px(200);
        if (touch_button(ui, "maint/mapping/prev", "▲", ImVec2(r.x, py), ImVec2(pw, bh),
                         ButtonKind::kKey, page > 0 && !st.busy, ui.fonts.title))
            mu.post({MaintIntentKind::kMappingPage, "", -1});
        note(ui, "maint_mapping_page",
             ui.trf("maint.mapping_page", {std::to_string(page + 1), std::to_string(pages)}),
             ImVec2(r.x + pw, py + ui.px(22)), r.w - 2 * pw, p.text_muted, ui.fonts.small, true);
        if (touch_button(ui, "maint/mapping/next", "▼", ImVec2(r.right() - pw, py), ImVec2(pw, bh),
                         ButtonKind::kKey, page + 1 < pages && !st.busy, ui.fonts.title))
            mu.post({MaintIntentKind::kMappingPage, "", 1});
        return std::pair{page * per_page, std::min(count, (page + 1) * per_page)};
    };

    if (!m.choosing.empty()) {
        // The services to choose from for one category (or the fallback).
        std::string title, current;
        if (m.choosing == "*") {
            title = ui.tr("maint.mapping_choose_fallback");
            current = m.services.fallback;
        } else {
            for (const auto& c : m.categories)
                if (c.id == m.choosing) title = ui.trf("maint.mapping_choose", {ru ? c.ru : c.en});
            auto own = m.services.map.find(m.choosing);
            current = own == m.services.map.end() ? "" : own->second;
        }
        y += note(ui, "maint_mapping_choosing", title, ImVec2(r.x, y), r.w, p.text, ui.fonts.body) +
             gap;
        // First the way without a service of its own, then the city's services.
        std::vector<std::pair<std::string, std::string>> options;  // code, label
        options.emplace_back(
            "", ui.tr(m.choosing == "*" ? "maint.mapping_no_fallback" : "maint.mapping_inherit"));
        for (const auto& svc : m.services.services)
            options.emplace_back(svc.code, service_label(svc.code));
        const auto [from, to] = pager(options.size(), y);
        for (size_t i = from; i < to; ++i) {
            const auto& [code, label] = options[i];
            if (touch_button(ui, "maint/mapping/service/" + (code.empty() ? "-" : code), label,
                             cell(i - from), ImVec2(col_w, bh),
                             code == current ? ButtonKind::kKeyActive : ButtonKind::kKey, !st.busy,
                             ui.fonts.small))
                mu.post({MaintIntentKind::kMappingSet, code});
        }
        bottom_row(mu, ui.tr("common.back"), "", nullptr, false, {MaintIntentKind::kBack});
        return;
    }

    // What the terminal knows of the server, and the three settings of the whole mapping.
    std::string about = ui.trf("maint.mapping_about", {std::to_string(m.services.services.size()),
                                                       when(m.services.fetched_unix_ms)});
    y += note(ui, "maint_mapping", about, ImVec2(r.x, y), r.w, p.text_muted, ui.fonts.small) + gap;
    {
        const float bw = (r.w - 2 * gap) / 3;
        if (touch_button(ui, "maint/mapping/fallback",
                         ui.trf("maint.mapping_fallback", {service_label(m.services.fallback)}),
                         ImVec2(r.x, y), ImVec2(bw, bh), ButtonKind::kKey, !st.busy,
                         ui.fonts.small))
            mu.post({MaintIntentKind::kMappingChoose, "*"});
        if (touch_button(ui, "maint/mapping/coordinates",
                         ui.tr(m.services.needs_coordinates ? "maint.mapping_coords_needed"
                                                            : "maint.mapping_coords_not_needed"),
                         ImVec2(r.x + bw + gap, y), ImVec2(bw, bh),
                         m.services.needs_coordinates ? ButtonKind::kKeyActive : ButtonKind::kKey,
                         !st.busy, ui.fonts.small))
            mu.post({MaintIntentKind::kMappingCoordinates});
        if (touch_button(ui, "maint/mapping/refresh",
                         ui.tr(st.busy ? "maint.mapping_refreshing" : "maint.mapping_refresh"),
                         ImVec2(r.right() - bw, y), ImVec2(bw, bh), ButtonKind::kSecondary,
                         !st.busy, ui.fonts.small))
            mu.post({MaintIntentKind::kMappingRefresh});
        y += bh + gap;
    }
    // What happened last, or what is wrong, in one line.
    int unmapped = 0;
    for (const auto& c : m.categories) unmapped += m.services.code_for(c.id).empty();
    std::string msg;
    Rgb colour = p.text_muted;
    if (st.notice == "mapping-saved") {
        msg = ui.tr("maint.mapping_saved");
        colour = p.success;
    } else if (st.notice == "mapping-refresh-failed" || st.notice == "mapping-save-failed" ||
               !m.error.empty()) {
        msg = ui.trf(st.notice == "mapping-save-failed" ? "maint.mapping_save_failed"
                                                        : "maint.mapping_refresh_failed",
                     {m.error});
        colour = p.warning;
    } else if (unmapped > 0) {
        msg = ui.trf("maint.mapping_unmapped", {std::to_string(unmapped)});
        colour = p.warning;
    } else if (m.dirty) {
        msg = ui.tr(st.notice == "mapping-refreshed" ? "maint.mapping_refreshed"
                                                     : "maint.settings_unsaved");
    } else {
        msg = ui.tr("maint.mapping_hint");
    }
    y += note(ui, "maint_mapping_status", msg, ImVec2(r.x, y), r.w, colour, ui.fonts.small) + gap;
    // The categories: the name and how it is reached on the left, the service on the right.
    const auto [from, to] = pager(m.categories.size(), y);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float name_w = col_w * 0.45f;
    for (size_t i = from; i < to; ++i) {
        const auto& c = m.categories[i];
        const ImVec2 at = cell(i - from);
        const std::string code = m.services.code_for(c.id);
        const std::string entry = m.services.entry_for(c.id);
        const bool own = entry == c.id;
        const char* how = code.empty()    ? "maint.mapping_how_none"
                          : own           ? "maint.mapping_how_own"
                          : entry.empty() ? "maint.mapping_how_fallback"
                                          : "maint.mapping_how_group";
        const float th = text_block(dl, ui.fonts.small, ru ? c.ru : c.en,
                                    ImVec2(at.x, at.y + ui.px(6)), name_w, p.text);
        text_block(dl, ui.fonts.small, ui.tr(how), ImVec2(at.x, at.y + ui.px(6) + th), name_w,
                   code.empty() ? p.warning : p.text_muted);
        if (touch_button(ui, "maint/mapping/category/" + c.id, service_label(code),
                         ImVec2(at.x + name_w + gap, at.y), ImVec2(col_w - name_w - gap, bh),
                         own ? ButtonKind::kKeyActive : ButtonKind::kKey, !st.busy, ui.fonts.small))
            mu.post({MaintIntentKind::kMappingChoose, c.id});
    }
    const std::string& save = ui.tr("maint.settings_save");
    bottom_row(mu, ui.tr("common.back"), "maint/mapping/save", &save, m.dirty && !st.busy,
               {MaintIntentKind::kMappingSave});
}

// A new PIN for staff or the technician: typed, then typed again.
void draw_set_pin(MaintUi& mu) {
    Ui& ui = mu.ui;
    const MaintState& st = mu.m.state();
    const Palette& p = ui.theme.palette;
    const bool staff = st.pin_role == core::Role::kStaff;
    float y = header(mu, ui.tr(staff ? "maint.setting.pin_staff" : "maint.setting.pin_technician"));
    const Rect r = content_rect(ui, true);
    y += note(ui, "maint_set_pin_hint",
              st.pin_confirming
                  ? ui.tr("maint.pin_new_again")
                  : ui.trf("maint.pin_new", {std::to_string(core::min_pin_digits(st.pin_role))}),
              ImVec2(r.x, y), r.w, p.text, ui.fonts.body, true);
    std::string dots;
    for (size_t i = 0; i < st.pin_digits; ++i) dots += "● ";
    y += ui.px(16);
    y += note(ui, "maint_pin_dots", dots.empty() ? std::string(" ") : dots, ImVec2(r.x, y), r.w,
              p.text, ui.fonts.huge, true);
    y += ui.px(8);
    if (st.notice == "pin-mismatch" || st.notice == "pin-failed")
        note(ui, "maint_pin", ui.tr("maint." + st.notice), ImVec2(r.x, y), r.w, p.warning,
             ui.fonts.body, true);
    y += ui.fonts.body->FontSize * 2.6f;
    digit_pad(mu, Rect{r.x, y, r.w, r.bottom() - y}, "maint/pin/", "maint/pin/enter", !st.busy,
              st.pin_digits >= core::min_pin_digits(st.pin_role), {MaintIntentKind::kSubmitPin});
    bottom_row(mu, ui.tr("common.back"), "", nullptr, false, {MaintIntentKind::kBack});
}

// The kiosk's recent log lines (what journald gets; no personal data by the logging rule).
void draw_log(MaintUi& mu) {
    Ui& ui = mu.ui;
    float y = header(mu, ui.tr("maint.log"));
    const Rect r = content_rect(ui, true);
    const float line_h = ui.fonts.small->FontSize * 1.25f;
    const size_t fit = static_cast<size_t>(std::max(1.0f, (r.bottom() - y) / line_h)) - 1;
    const auto lines = log::Recent::instance().last(fit);
    std::string text;
    for (const auto& l : lines) text += (text.empty() ? "" : "\n") + l;
    if (text.empty()) text = ui.tr("maint.log_empty");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(ImVec2(r.x, y), ImVec2(r.right(), r.bottom()), true);
    note(ui, "maint_log", text, ImVec2(r.x, y), r.w, ui.theme.palette.text, ui.fonts.small);
    dl->PopClipRect();
    bottom_row(mu, ui.tr("common.back"), "", nullptr, false, {MaintIntentKind::kBack});
}

void draw_about(MaintUi& mu) {
    Ui& ui = mu.ui;
    const Palette& p = ui.theme.palette;
    const core::AboutInfo& a = mu.m.about();
    float y = header(mu, ui.tr("maint.about"));
    const Rect r = content_rect(ui, true);
    const int64_t now = mu.m.now_unix_ms();
    std::string text =
        ui.trf("maint.about_version", {a.version}) + "\n" +
        ui.trf("maint.about_device",
               {a.device_id.empty() ? ui.tr("maint.not_enrolled") : a.device_id}) +
        "\n" + ui.trf("maint.about_site", {a.site.empty() ? std::string("—") : a.site}) + "\n" +
        (a.region.empty()
             ? ui.tr("maint.about_no_region")
             : ui.trf("maint.about_region", {a.region, std::to_string(a.region_addresses)})) +
        "\n" + ui.trf("maint.about_uptime", {duration(ui, now - a.started_unix_ms)}) + "\n" +
        ui.trf("maint.about_store", {a.store_path});
    if (mu.m.state().queue.loaded)
        text += "\n" + ui.trf("maint.free_disk",
                              {std::to_string(mu.m.state().queue.free_disk_bytes >> 20)});
    text += "\n" + (a.config_problem.empty() ? ui.tr("maint.config_ok")
                                             : ui.trf("maint.config_problem", {a.config_problem}));
    // The pack the platform sent, on its way (a line only while there is one).
    const core::RegionDownload::Progress dl = mu.m.region_download();
    auto mib = [](uint64_t b) { return std::to_string((b + (1 << 20) - 1) >> 20); };
    if (dl.state == "downloading" || dl.state == "failed")
        text += "\n" + ui.trf(dl.state == "failed" ? "maint.region_download_retry"
                                                   : "maint.region_downloading",
                              {dl.version, std::to_string(dl.size ? dl.have * 100 / dl.size : 0),
                               mib(uint64_t(dl.size))});
    else if (dl.state == "waiting_for_disk")
        text += "\n" + ui.trf("maint.region_download_no_room",
                              {dl.version, mib(dl.need_free), std::to_string(dl.free >> 20)});
    else if (dl.state == "refused")
        text += "\n" +
                ui.trf(dl.corrupt ? "maint.region_download_corrupt" : "maint.region_download_older",
                       {dl.version});
    // What the image's updater last did with the kiosk's package (a line only when it did).
    if (const auto u = mu.m.update_state()) {
        const std::string at = when(u->at_unix_s * 1000);
        // The updater writes a reason's code (vmeste-update); one it does not know is shown as
        // written.
        const std::string key = "maint.update_reason." + u->reason;
        const std::string reason = u->reason.empty()     ? std::string("—")
                                   : ui.strings.has(key) ? ui.tr(key)
                                                         : u->reason;
        if (u->state == "committed")
            text += "\n" + ui.trf("maint.about_update_committed", {u->version, at});
        else if (u->state == "verifying")
            text += "\n" + ui.trf("maint.about_update_verifying", {u->to});
        else if (u->state == "installing")
            text += "\n" + ui.trf("maint.about_update_installing", {u->to});
        else if (u->state == "rolled-back")
            text +=
                "\n" + ui.trf("maint.about_update_rolled_back", {u->to, at, reason, u->version});
        else if (u->state == "unreadable")
            text += "\n" + ui.tr("maint.about_update_unreadable");
        else
            text += "\n" + ui.trf("maint.about_update_failed", {u->to, at, reason, u->version});
    }
    y += note(ui, "maint_about", text, ImVec2(r.x, y), r.w, p.text, ui.fonts.body);
    const core::MaintState& st = mu.m.state();
    if (st.notice.starts_with("region-")) {
        const bool good = st.notice.starts_with("region-installed:");
        const std::string n = good ? ui.trf("maint.region_installed", {st.notice.substr(17)})
                                   : ui.tr("maint." + st.notice);
        y += ui.px(ui.theme.metrics.gap) + note(ui, "maint_notice", n,
                                                ImVec2(r.x, y + ui.px(ui.theme.metrics.gap)), r.w,
                                                good ? p.success : p.warning, ui.fonts.body);
    }
    // The technician loads the region's map from a USB stick (a terminal the gateway cannot
    // reach, or a first install); the new map shows once maintenance is left.
    const std::string load = st.busy ? ui.tr("maint.region_usb_busy") : ui.tr("maint.region_usb");
    bottom_row(mu, ui.tr("common.back"), "maint/region_usb",
               st.role == core::Role::kTechnician ? &load : nullptr, !st.busy,
               {MaintIntentKind::kLoadRegionPack});
}

}  // namespace

void draw_maintenance(Ui& ui, const core::Maintenance& m, std::vector<MaintIntent>& out) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ui.display);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##maintenance", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollWithMouse);
    MaintUi mu{ui, m, out};
    switch (m.state().screen) {
        case MaintScreen::kProvision:
            draw_provision(mu);
            break;
        case MaintScreen::kPin:
            draw_pin(mu);
            break;
        case MaintScreen::kHome:
            draw_home(mu);
            break;
        case MaintScreen::kQueue:
            draw_queue(mu);
            break;
        case MaintScreen::kDevices:
            draw_devices(mu);
            break;
        case MaintScreen::kSettings:
            draw_settings(mu);
            break;
        case MaintScreen::kLog:
            draw_log(mu);
            break;
        case MaintScreen::kAbout:
            draw_about(mu);
            break;
        case MaintScreen::kTouchTest:
            draw_touch_test(mu);
            break;
        case MaintScreen::kSetPin:
            draw_set_pin(mu);
            break;
        case MaintScreen::kMapping:
            draw_mapping(mu);
            break;
        case MaintScreen::kClosed:
            break;
    }
    ImGui::End();
    ImGui::PopStyleVar();
}

}  // namespace vmeste::ui

namespace vmeste::ui {

bool HiddenGesture::feed(ImVec2 pos, bool down, int64_t now, ImVec2 display) {
    const float zone = 0.1f * std::min(display.x, display.y);
    const bool top_left = pos.x >= 0 && pos.y >= 0 && pos.x < zone && pos.y < zone;
    const bool bottom_right = pos.x > display.x - zone && pos.y > display.y - zone &&
                              pos.x <= display.x && pos.y <= display.y;
    const bool pressed = down && !was_down_;
    was_down_ = down;
    bool fired = false;
    switch (state_) {
        case State::kIdle:
            if (pressed && top_left) {
                state_ = State::kFirst;
                since_ = now;
            }
            break;
        case State::kFirst:
            if (!down || !top_left)
                state_ = State::kIdle;
            else if (now - since_ >= kFirstHoldMs)
                state_ = State::kArmedHeld;
            break;
        case State::kArmedHeld:  // still the first finger
            if (!down) {
                state_ = State::kArmed;
                since_ = now;
            }
            break;
        case State::kArmed:
            if (now - since_ > kArmedMs) {
                state_ = State::kIdle;
            } else if (pressed) {
                state_ = bottom_right ? State::kSecond : State::kSwallow;
                since_ = now;
            }
            break;
        case State::kSecond:
            if (!down) {
                state_ = State::kIdle;
            } else if (!bottom_right) {
                state_ = State::kSwallow;
            } else if (now - since_ >= kSecondHoldMs) {
                fired = true;
                state_ = State::kSwallow;
            }
            break;
        case State::kSwallow:
            if (!down) state_ = State::kIdle;
            break;
    }
    return fired;
}

}  // namespace vmeste::ui
