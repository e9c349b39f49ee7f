// [SECTION] Status check: the receipt number typed, or its QR shown to the camera
// [SECTION] Status result: history, organisation, answer date, answer
//
// The services a citizen reaches from the attract screen besides a new report (issue #7).
#include <algorithm>
#include <ctime>

#include "ui/layout.h"

namespace vmeste::ui {

using core::Field;
using core::IntentKind;
using core::Screen;
using State = core::StatusCheck::State;

std::string date_ru(int64_t unix_ms) {
    if (unix_ms <= 0) return {};
    return core::Date::from_unix_ms(unix_ms).ru();
}

std::string status_label(const Ui& ui, const std::string& status) {
    const std::string key = "status." + status;
    return ui.strings.has(key) ? ui.tr(key) : status;
}

//-----------------------------------------------------------------------------
// [SECTION] Status check
//-----------------------------------------------------------------------------

void draw_status(Ui& ui) {
    top_bar(ui);
    take_physical_keys(ui);
    const core::Session& s = ui.session;
    const core::StatusCheck& sc = s.state().status;
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    float y = heading(ui, r, ui.tr("status.title"), compact(ui) ? "" : ui.tr("status.hint"));
    const float gap = ui.px(ui.theme.metrics.gap);
    const float bh = ui.px(110);
    // Landscape has no height to spare above the keypad (issue #21, point 5): the camera button
    // stands beside the number's field instead of over it.
    const bool beside = landscape(ui) && !sc.scanning;
    const float scan_w = std::min(r.w, ui.px(beside ? 560 : 640));
    const float fh = ui.px(130);
    if (touch_button(ui, "status/scan", ui.tr(sc.scanning ? "status.scan_stop" : "status.scan"),
                     ImVec2(beside ? r.right() - scan_w : r.x, y), ImVec2(scan_w, beside ? fh : bh),
                     sc.scanning ? ButtonKind::kKeyActive : ButtonKind::kSecondary, true,
                     ui.fonts.body))
        ui.post({IntentKind::kScanReceipt});
    if (!beside) y += bh + gap;
    if (sc.scanning) {
        // The camera's picture, so the citizen sees where to hold the receipt.
        const float h = std::min(r.bottom() - y - ui.px(120), r.w * 0.75f);
        const Rect view = fit_into(Rect{r.x, y, r.w, h}, 4, 3);
        ImVec2 size(4, 3);
        ImTextureID tex = s.camera_status() == core::CameraStatus::kReady && ui.images
                              ? ui.images->camera(&size)
                              : nullptr;
        draw_picture(ui, tex, ImVec2(view.x, view.y), ImVec2(view.right(), view.bottom()));
        y = view.bottom() + gap;
        const bool no_camera = s.camera_status() == core::CameraStatus::kUnavailable;
        note(ui, "status", ui.tr(no_camera ? "status.no_camera" : "status.scan_hint"),
             ImVec2(r.x, y), r.w, no_camera ? p.warning : p.text_muted, ui.fonts.body);
    } else {
        // The number: its own field and a keypad of the receipt's alphabet.
        const core::TextField& f = s.state().field(Field::kReceipt);
        std::string shown = f.value;
        if (shown.size() > 4) shown.insert(4, "-");
        const float fw = beside ? r.w - scan_w - gap : r.w;
        card(ui, ImVec2(r.x, y), ImVec2(r.x + fw, y + fh));
        ImFont* big = ui.fonts.huge;
        const std::string display = shown.empty() ? "____-____" : shown;
        const ImVec2 ts = big->CalcTextSizeA(big->FontSize, FLT_MAX, 0, display.c_str());
        ImGui::GetWindowDrawList()->AddText(
            big, big->FontSize, ImVec2(r.x + (fw - ts.x) * 0.5f, y + (fh - ts.y) * 0.5f),
            color(shown.empty() ? p.text_muted : p.text), display.c_str());
        ui.widgets.add(
            WidgetInfo{"field/receipt", ImVec2(r.x, y), ImVec2(r.x + fw, y + fh), true, shown});
        y += fh + gap;
        std::string msg;
        Rgb colour = p.text_muted;
        switch (sc.state) {
            case State::kLooking:
                msg = ui.tr("status.looking");
                break;
            case State::kNotFound:
                msg = ui.tr("status.not_found");
                colour = p.warning;
                break;
            case State::kNoConnection:
                msg = ui.tr("status.no_connection");
                colour = p.warning;
                break;
            case State::kNotAReceipt:
                msg = ui.tr("status.not_a_receipt");
                colour = p.warning;
                break;
            default:
                if (!f.value.empty() && !s.can_apply(IntentKind::kLookup))
                    msg = ui.tr("status.incomplete");
                break;
        }
        if (!msg.empty()) note(ui, "status", msg, ImVec2(r.x, y), r.w, colour, ui.fonts.body);
        const float kb_h = keyboard_height(ui);
        const float kb_w = landscape(ui) ? std::min(r.w, ui.px(1100)) : ui.display.x - 2 * ui.px(8);
        draw_keyboard(ui, Rect{(ui.display.x - kb_w) * 0.5f, r.bottom() - kb_h, kb_w, kb_h});
    }
    const std::string& find = ui.tr("status.find");
    bottom_bar(ui, "status/find", &find, s.can_apply(IntentKind::kLookup), IntentKind::kLookup);
}

//-----------------------------------------------------------------------------
// [SECTION] Status result
//-----------------------------------------------------------------------------

void draw_status_result(Ui& ui) {
    top_bar(ui);
    const core::StatusResult& res = ui.session.state().status.result;
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float y = heading(ui, r, ui.trf("status.result_title", {res.receipt_number}));
    const float gap = ui.px(ui.theme.metrics.gap);
    // Landscape: what the platform knows on the left, its answer and «Оценить» on the right.
    // Portrait: one column, the answer in the room left above «Оценить» (issue #21, point 5:
    // nothing runs under the buttons; a long answer pages with ▲ ▼).
    const bool answer = !res.answer.empty();
    const bool two = landscape(ui) && answer;
    const Rect left{r.x, y, two ? (r.w - gap) * 0.5f : r.w, r.bottom() - y};
    const Rect right{left.right() + gap, y, two ? left.w : 0, left.h};
    float ly = y;
    if (res.offline)
        ly += note(ui, "offline", ui.tr("status.offline"), ImVec2(left.x, ly), left.w, p.warning,
                   ui.fonts.body) +
              gap;
    // The status now, large.
    ly += note(ui, "status_now", status_label(ui, res.status), ImVec2(left.x, ly), left.w,
               p.primary, ui.fonts.title) +
          gap;
    // What it is about and who handles it; when the answer is due.
    std::string topic;
    if (const core::CategoryLeaf* l = ui.session.catalog().find_leaf(res.category)) {
        const core::Category* top = ui.session.catalog().find(l->top_id);
        topic = (top ? top->name(ui.lang()) + " · " : std::string()) + l->name(ui.lang());
    } else if (const core::Category* c = ui.session.catalog().find(res.category)) {
        topic = c->name(ui.lang());
    }
    if (!topic.empty())
        ly += note(ui, "status_topic", topic, ImVec2(left.x, ly), left.w, p.text, ui.fonts.body);
    if (!res.organisation.empty())
        ly += note(ui, "status_organisation", ui.trf("status.organisation", {res.organisation}),
                   ImVec2(left.x, ly), left.w, p.text, ui.fonts.body);
    // The platform's date once it has one; a receipt that said another is explained, not
    // contradicted. Without one, the receipt's own date, said to be the estimate it was.
    if (res.answer_by_unix_ms > 0) {
        const std::string due = date_ru(res.answer_by_unix_ms);
        ly += note(ui, "status_answer_by", ui.trf("status.answer_by", {due}), ImVec2(left.x, ly),
                   left.w, p.text, ui.fonts.body);
        if (!res.receipt_answer_by.empty() && res.receipt_answer_by != due)
            ly += note(ui, "status_answer_by_changed",
                       ui.trf("status.answer_by_changed", {res.receipt_answer_by}),
                       ImVec2(left.x, ly), left.w, p.text, ui.fonts.body);
    } else if (!res.receipt_answer_by.empty()) {
        ly += note(ui, "status_answer_by",
                   ui.trf("status.answer_by_receipt", {res.receipt_answer_by}), ImVec2(left.x, ly),
                   left.w, p.text, ui.fonts.body);
    }
    ly += gap;
    const bool can_rate = ui.session.can_apply(IntentKind::kRate);
    const float rate_h = ui.px(110);
    const float column_bottom = r.bottom() - (can_rate ? rate_h + gap : 0);
    // The history, oldest first; on a screen short of height with an answer to show, only the
    // status now (above) stands for it.
    std::string history;
    for (const auto& [status, at] : res.history)
        history += date_ru(at) + " — " + status_label(ui, status) + "\n";
    if (!history.empty()) history.pop_back();
    const float answer_min =
        ui.fonts.body->FontSize * 1.2f * 3 + ui.px(56) + ui.fonts.small->FontSize * 1.3f;
    const float history_h =
        ui.fonts.small->FontSize * 1.3f + text_block_height(ui.fonts.body, history, left.w) + gap;
    const bool history_shown =
        !history.empty() && (two || !answer ? ly + history_h <= (two ? r.bottom() : column_bottom)
                                            : column_bottom - (ly + history_h) >= answer_min);
    if (history_shown) {
        ly += text_block(dl, ui.fonts.small, ui.tr("status.history"), ImVec2(left.x, ly), left.w,
                         p.text_muted);
        ly +=
            note(ui, "status_history", history, ImVec2(left.x, ly), left.w, p.text, ui.fonts.body) +
            gap;
    }
    if (answer) {
        const Rect box = two ? Rect{right.x, right.y, right.w, column_bottom - right.y}
                             : Rect{r.x, ly, r.w, column_bottom - ly};
        scroll_text(ui, "status/answer", "status_answer", res.answer, box,
                    &ui.scratch->answer_scroll, ui.tr("status.answer"));
    }
    if (can_rate) {
        const Rect under = two ? right : r;
        const float bw = std::min(under.w, ui.px(560));
        if (touch_button(ui, "status/rate", ui.tr("rate.open"),
                         ImVec2(under.x + (under.w - bw) * 0.5f, r.bottom() - rate_h),
                         ImVec2(bw, rate_h), ButtonKind::kSecondary, true, ui.fonts.button))
            ui.post({IntentKind::kRate});
    }
    const std::string& done = ui.tr("status.done");
    bottom_bar(ui, "status/done", &done, true, IntentKind::kFinish);
}

//-----------------------------------------------------------------------------
// [SECTION] Rate the answer
//-----------------------------------------------------------------------------

void draw_rate(Ui& ui) {
    top_bar(ui);
    const core::Session& s = ui.session;
    const core::RatingStep& rs = s.state().rating;
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    const float gap = ui.px(ui.theme.metrics.gap);
    using RS = core::RatingStep::State;
    const bool saved = rs.state == RS::kSaved;
    // Short of height (issue #21, point 5): landscape puts the stars beside the title, and with
    // large text or a lowered screen the title is the shorter one (the number was on the screen
    // before).
    const bool stars_beside = landscape(ui) && !saved;
    const float star_w = ui.px(120), stars_w = 5 * star_w + 4 * gap;
    const Rect title_r{r.x, r.y, stars_beside ? r.w - stars_w - gap : r.w, r.h};
    const std::string title = compact(ui)
                                  ? ui.tr("rate.title_short")
                                  : ui.trf("rate.title", {s.state().status.result.receipt_number});
    float y = heading(ui, title_r, title, compact(ui) ? "" : ui.tr("rate.hint"));
    if (saved) {
        note(ui, "rate", ui.tr("rate.thanks"), ImVec2(r.x, y), r.w, p.success, ui.fonts.title);
        const std::string& done = ui.tr("status.done");
        bottom_bar(ui, "rate/done", &done, true, IntentKind::kFinish);
        return;
    }
    take_physical_keys(ui);
    // Five stars, one button each: the chosen one and those before it filled.
    const float sw = stars_beside ? star_w : (r.w - 4 * gap) / 5,
                sh = compact(ui) || stars_beside ? ui.px(ui.theme.metrics.touch_min) : ui.px(130);
    const float sx = stars_beside ? r.right() - stars_w : r.x, sy = stars_beside ? r.y : y;
    for (int i = 1; i <= 5; ++i) {
        const std::string label = std::to_string(i) + " ★";
        if (touch_button(ui, "rate/" + std::to_string(i), label,
                         ImVec2(sx + (i - 1) * (sw + gap), sy), ImVec2(sw, sh),
                         i <= rs.stars ? ButtonKind::kKeyActive : ButtonKind::kKey,
                         s.can_apply(IntentKind::kSetStars), ui.fonts.title))
            ui.post({IntentKind::kSetStars, "", ui.lang(), i});
    }
    y = stars_beside ? std::max(y, r.y + sh + gap) : y + sh + gap;
    const TypingLayout l = typing_layout(ui, r, y, ui.fonts.body->FontSize * 1.4f);
    const Rect& box = l.area;
    const Rect& kb = l.keyboard;
    text_area(
        ui, Field::kComment, box,
        ui.tr(rs.stars > 0 && rs.stars <= 2 ? "rate.comment_required" : "rate.comment_optional"));
    edit_keys(ui, l.keys, l.keys_column);
    std::string msg;
    Rgb colour = p.text_muted;
    if (rs.state == RS::kFailed) {
        msg = ui.tr("rate.failed");
        colour = p.warning;
    } else if (rs.stars == 0) {
        msg = ui.tr("rate.choose");
    } else if (!s.rating_acceptable()) {
        msg = ui.tr("rate.needs_comment");
        colour = p.warning;
    }
    if (!msg.empty()) note(ui, "rate", msg, ImVec2(r.x, l.note_y), r.w, colour, ui.fonts.body);
    draw_keyboard(ui, kb);
    const std::string& send = ui.tr("rate.send");
    bottom_bar(ui, "rate/send", &send, s.can_apply(IntentKind::kSubmitRating),
               IntentKind::kSubmitRating);
}

//-----------------------------------------------------------------------------
// [SECTION] Polls, votes and public discussions
//-----------------------------------------------------------------------------

namespace {

const std::string& poll_text(const Ui& ui, const std::string& ru, const std::string& en) {
    return ui.lang() == core::Language::kEn && !en.empty() ? en : ru;
}

std::string poll_kind(const Ui& ui, const std::string& kind) {
    const std::string key = "polls.kind." + kind;
    return ui.strings.has(key) ? ui.tr(key) : kind;
}

}  // namespace

void draw_polls(Ui& ui) {
    top_bar(ui);
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    float y = heading(ui, r, ui.tr("polls.title"), ui.tr("polls.hint"));
    const float gap = ui.px(ui.theme.metrics.gap);
    const auto open = ui.session.open_polls();
    if (open.empty())
        note(ui, "polls", ui.tr("polls.none"), ImVec2(r.x, y), r.w, p.text_muted, ui.fonts.body);
    const int cols = landscape(ui) ? 2 : 1;
    const float w = (r.w - gap * (cols - 1)) / cols, h = ui.px(200);
    int i = 0;
    for (const auto* poll : open) {
        const ImVec2 pos(r.x + (i % cols) * (w + gap), y + (i / cols) * (h + gap));
        if (pos.y + h > r.bottom()) break;
        const std::string label =
            poll_kind(ui, poll->kind) + " · " +
            ui.trf("polls.until", {core::Date::from_unix_ms(poll->deadline_ms).ru()}) + "\n" +
            poll_text(ui, poll->title_ru, poll->title_en);
        if (touch_button(ui, "poll/" + poll->id, label, pos, ImVec2(w, h), ButtonKind::kKey, true,
                         ui.fonts.body))
            ui.post({IntentKind::kOpenPoll, poll->id});
        ++i;
    }
    bottom_bar(ui, "", nullptr, false, IntentKind::kNext);
}

void draw_poll(Ui& ui) {
    top_bar(ui);
    const sync::replies::Poll* poll = ui.session.poll();
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    if (!poll) {
        bottom_bar(ui, "", nullptr, false, IntentKind::kNext);
        return;
    }
    // Landscape: the text and "vote here" on the left, the phone's QR on the right; portrait:
    // one column.
    const bool wide = landscape(ui);
    const float gap = ui.px(ui.theme.metrics.margin);
    const float qr_w = wide ? std::min(ui.px(520), r.w * 0.36f) : r.w;
    const Rect text_col{r.x, r.y, wide ? r.w - qr_w - gap : r.w, r.h};
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float y = r.y;
    const float tx = text_col.x, tw = text_col.w;
    y += text_block(dl, ui.fonts.small, poll_kind(ui, poll->kind) + " · " + poll->municipality,
                    ImVec2(tx, y), tw, p.text_muted);
    y += note(ui, "poll_title", poll_text(ui, poll->title_ru, poll->title_en), ImVec2(tx, y), tw,
              p.text, ui.fonts.title);
    y += ui.px(12);
    y += note(ui, "poll_text", poll_text(ui, poll->text_ru, poll->text_en), ImVec2(tx, y), tw,
              p.text, ui.fonts.body);
    y += ui.px(12);
    y += note(ui, "poll_deadline",
              ui.trf("polls.until", {core::Date::from_unix_ms(poll->deadline_ms).ru()}),
              ImVec2(tx, y), tw, p.text_muted, ui.fonts.body);
    if (!poll->options.empty()) {
        y += ui.px(16);
        std::string options;
        for (const auto& o : poll->options) options += "• " + poll_text(ui, o.ru, o.en) + "\n";
        options.pop_back();
        y += note(ui, "poll_options", options, ImVec2(tx, y), tw, p.text, ui.fonts.body);
    }
    // Voting here needs the Госуслуги hand-off (the platform knows the citizen's address).
    if (ui.session.can_vote_here()) {
        y += ui.px(24);
        const float bw = std::min(tw, ui.px(640));
        if (touch_button(ui, "poll/vote_here", ui.tr("vote.open"),
                         ImVec2(wide ? tx : tx + (tw - bw) * 0.5f, y),
                         ImVec2(bw, ui.px(ui.theme.metrics.touch_min)), ButtonKind::kPrimary, true,
                         ui.fonts.button))
            ui.post({IntentKind::kVoteHere});
        y += ui.px(ui.theme.metrics.touch_min);
    }
    // Or on the phone: the QR opens it on Госуслуги.
    const float qx = wide ? r.right() - qr_w : r.x;
    float qy = wide ? r.y : y + ui.px(24);
    const float hint_h = text_block_height(ui.fonts.small, ui.tr("polls.qr_hint"), qr_w);
    const float side =
        std::min({ui.px(420), qr_w * (wide ? 1.0f : 0.6f), r.bottom() - qy - hint_h - ui.px(12)});
    if (!poll->url.empty() && side > ui.px(160)) {
        draw_qr(ui, "poll/qr", poll->url, ImVec2(qx + (qr_w - side) * 0.5f, qy), side);
        qy += side + ui.px(12);
        note(ui, "poll_qr_hint", ui.tr("polls.qr_hint"), ImVec2(qx, qy), qr_w, p.text_muted,
             ui.fonts.small, true);
    }
    const std::string& done = ui.tr("status.done");
    bottom_bar(ui, "poll/done", &done, true, IntentKind::kFinish);
}

//-----------------------------------------------------------------------------
// [SECTION] Voting on the kiosk
//-----------------------------------------------------------------------------

namespace {

// What the screen says once the vote left the citizen's hands.
void vote_outcome(Ui& ui, const Rect& r, float y, core::ActionOutcome o) {
    const Palette& p = ui.theme.palette;
    using O = core::ActionOutcome;
    if (o == O::kSaving) {
        spinner(ui, ImVec2(r.x + r.w * 0.5f, y + ui.px(90)), ui.px(56));
        note(ui, "vote_outcome", ui.tr("vote.sending"), ImVec2(r.x, y + ui.px(190)), r.w,
             p.text_muted, ui.fonts.body, true);
        return;
    }
    const bool good = o == O::kDelivered || o == O::kQueued;
    const char* key = o == O::kDelivered   ? "vote.delivered"
                      : o == O::kQueued    ? "vote.queued"
                      : o == O::kDuplicate ? "vote.duplicate"
                      : o == O::kRefused   ? "vote.refused"
                                           : "vote.failed";
    note(ui, "vote_outcome", ui.tr(key), ImVec2(r.x, y), r.w, good ? p.success : p.warning,
         ui.fonts.title);
}

}  // namespace

void draw_vote(Ui& ui) {
    top_bar(ui);
    const core::Session& s = ui.session;
    const core::VoteStep& v = s.state().vote;
    const sync::replies::Poll* poll = s.poll();
    const Palette& p = ui.theme.palette;
    const Rect r = content_rect(ui, true);
    if (!poll) {
        bottom_bar(ui, "", nullptr, false, IntentKind::kNext);
        return;
    }
    auto option_label = [&](const std::string& id) {
        for (const auto& o : poll->options)
            if (o.id == id) return poll_text(ui, o.ru, o.en);
        return id;
    };
    using Stage = core::VoteStep::Stage;
    float y = heading(ui, r, poll_text(ui, poll->title_ru, poll->title_en),
                      v.stage == Stage::kIdentify ? std::string_view(ui.tr("vote.identify_hint"))
                                                  : std::string_view());
    const float gap = ui.px(ui.theme.metrics.gap);
    switch (v.stage) {
        case Stage::kIdentify:
            draw_handoff(ui, Rect{r.x, y, r.w, r.bottom() - y}, "vote");
            bottom_bar(ui, "", nullptr, false, IntentKind::kNext);
            return;
        case Stage::kChoose: {
            y += note(ui, "vote_who", ui.trf("vote.as", {s.state().handoff.display_name}),
                      ImVec2(r.x, y), r.w, p.text_muted, ui.fonts.body);
            y += gap;
            const float bh = ui.px(120);
            for (const auto& o : poll->options) {
                if (y + bh > r.bottom()) break;
                const bool chosen = o.id == v.option_id;
                if (touch_button(ui, "vote/option/" + o.id,
                                 (chosen ? "● " : "○ ") + poll_text(ui, o.ru, o.en), ImVec2(r.x, y),
                                 ImVec2(r.w, bh),
                                 chosen ? ButtonKind::kKeyActive : ButtonKind::kKey, true,
                                 ui.fonts.button))
                    ui.post({IntentKind::kChooseOption, o.id});
                y += bh + gap;
            }
            const std::string& next = ui.tr("common.next");
            bottom_bar(ui, "vote/next", &next, s.can_apply(IntentKind::kNext), IntentKind::kNext);
            return;
        }
        case Stage::kConfirm: {
            // The choice, large, and that it is final: one person, one vote.
            const float pad = ui.px(32);
            const std::string& label = option_label(v.option_id);
            const float inner = r.w - 2 * pad;
            const float h = text_block_height(ui.fonts.small, ui.tr("vote.confirm_title"), inner) +
                            text_block_height(ui.fonts.title, label, inner) +
                            text_block_height(ui.fonts.body, ui.tr("vote.final"), inner) + 2 * pad +
                            ui.px(24);
            card(ui, ImVec2(r.x, y), ImVec2(r.right(), y + h));
            ImDrawList* dl = ImGui::GetWindowDrawList();
            float cy = y + pad;
            cy += text_block(dl, ui.fonts.small, ui.tr("vote.confirm_title"), ImVec2(r.x + pad, cy),
                             inner, p.text_muted);
            cy += note(ui, "vote_choice", label, ImVec2(r.x + pad, cy), inner, p.text,
                       ui.fonts.title);
            cy += ui.px(24);
            note(ui, "vote_final", ui.tr("vote.final"), ImVec2(r.x + pad, cy), inner, p.text,
                 ui.fonts.body);
            const std::string& cast = ui.tr("vote.cast");
            bottom_bar(ui, "vote/cast", &cast, s.can_apply(IntentKind::kCastVote),
                       IntentKind::kCastVote);
            return;
        }
        case Stage::kDone: {
            // A second vote refused here says what the first was for (when the terminal still
            // knows), never the choice it refused (issue #21, point 10).
            std::string choice;
            if (v.outcome != core::ActionOutcome::kDuplicate)
                choice = ui.trf("vote.your_choice", {option_label(v.option_id)});
            else if (!v.earlier_option_id.empty())
                choice = ui.trf("vote.earlier_choice", {option_label(v.earlier_option_id)});
            if (!choice.empty())
                y += note(ui, "vote_choice", choice, ImVec2(r.x, y), r.w, p.text_muted,
                          ui.fonts.body);
            vote_outcome(ui, r, y + gap, v.outcome);
            const std::string& done = ui.tr("status.done");
            bottom_bar(ui, "vote/done", &done, s.can_apply(IntentKind::kFinish),
                       IntentKind::kFinish);
            return;
        }
    }
}

}  // namespace vmeste::ui
