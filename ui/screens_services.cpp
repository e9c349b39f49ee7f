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
    if (touch_button(ui, "status/scan", ui.tr(sc.scanning ? "status.scan_stop" : "status.scan"),
                     ImVec2(r.x, y), ImVec2(std::min(r.w, ui.px(640)), bh),
                     sc.scanning ? ButtonKind::kKeyActive : ButtonKind::kSecondary, true,
                     ui.fonts.body))
        ui.post({IntentKind::kScanReceipt});
    y += bh + gap;
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
        const float fh = ui.px(130);
        card(ui, ImVec2(r.x, y), ImVec2(r.right(), y + fh));
        ImFont* big = ui.fonts.huge;
        const std::string display = shown.empty() ? "____-____" : shown;
        const ImVec2 ts = big->CalcTextSizeA(big->FontSize, FLT_MAX, 0, display.c_str());
        ImGui::GetWindowDrawList()->AddText(
            big, big->FontSize, ImVec2(r.x + (r.w - ts.x) * 0.5f, y + (fh - ts.y) * 0.5f),
            color(shown.empty() ? p.text_muted : p.text), display.c_str());
        ui.widgets.add(
            WidgetInfo{"field/receipt", ImVec2(r.x, y), ImVec2(r.right(), y + fh), true, shown});
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
    if (res.offline)
        y += note(ui, "offline", ui.tr("status.offline"), ImVec2(r.x, y), r.w, p.warning,
                  ui.fonts.body) +
             gap;
    // The status now, large.
    y += note(ui, "status_now", status_label(ui, res.status), ImVec2(r.x, y), r.w, p.primary,
              ui.fonts.title) +
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
        y += note(ui, "status_topic", topic, ImVec2(r.x, y), r.w, p.text, ui.fonts.body);
    if (!res.organisation.empty())
        y += note(ui, "status_organisation", ui.trf("status.organisation", {res.organisation}),
                  ImVec2(r.x, y), r.w, p.text, ui.fonts.body);
    if (res.answer_by_unix_ms > 0)
        y += note(ui, "status_answer_by",
                  ui.trf("status.answer_by", {date_ru(res.answer_by_unix_ms)}), ImVec2(r.x, y), r.w,
                  p.text, ui.fonts.body);
    y += gap;
    // The history, oldest first.
    y += text_block(dl, ui.fonts.small, ui.tr("status.history"), ImVec2(r.x, y), r.w, p.text_muted);
    std::string history;
    for (const auto& [status, at] : res.history)
        history += date_ru(at) + " — " + status_label(ui, status) + "\n";
    if (!history.empty()) history.pop_back();
    y += note(ui, "status_history", history, ImVec2(r.x, y), r.w, p.text, ui.fonts.body) + gap;
    if (!res.answer.empty()) {
        const float pad = ui.px(24);
        const float h = text_block_height(ui.fonts.body, res.answer, r.w - 2 * pad) +
                        ui.fonts.small->FontSize * 1.3f + 2 * pad;
        const float hh = std::min(h, r.bottom() - y);
        card(ui, ImVec2(r.x, y), ImVec2(r.right(), y + hh));
        dl->AddText(ui.fonts.small, ui.fonts.small->FontSize, ImVec2(r.x + pad, y + pad),
                    color(p.text_muted), ui.tr("status.answer").c_str());
        dl->PushClipRect(ImVec2(r.x, y), ImVec2(r.right(), y + hh), true);
        note(ui, "status_answer", res.answer,
             ImVec2(r.x + pad, y + pad + ui.fonts.small->FontSize * 1.3f), r.w - 2 * pad, p.text,
             ui.fonts.body);
        dl->PopClipRect();
    }
    if (ui.session.can_apply(IntentKind::kRate)) {
        const float bh = ui.px(110), bw = std::min(r.w, ui.px(560));
        if (touch_button(ui, "status/rate", ui.tr("rate.open"),
                         ImVec2(r.x + (r.w - bw) * 0.5f, r.bottom() - bh), ImVec2(bw, bh),
                         ButtonKind::kSecondary, true, ui.fonts.button))
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
    float y = heading(ui, r, ui.trf("rate.title", {s.state().status.result.receipt_number}),
                      compact(ui) ? "" : ui.tr("rate.hint"));
    const float gap = ui.px(ui.theme.metrics.gap);
    using RS = core::RatingStep::State;
    if (rs.state == RS::kSaved) {
        note(ui, "rate", ui.tr("rate.thanks"), ImVec2(r.x, y), r.w, p.success, ui.fonts.title);
        const std::string& done = ui.tr("status.done");
        bottom_bar(ui, "rate/done", &done, true, IntentKind::kFinish);
        return;
    }
    take_physical_keys(ui);
    // Five stars, one button each: the chosen one and those before it filled.
    const float sw = (r.w - 4 * gap) / 5, sh = ui.px(130);
    for (int i = 1; i <= 5; ++i) {
        const std::string label = std::to_string(i) + " ★";
        if (touch_button(ui, "rate/" + std::to_string(i), label,
                         ImVec2(r.x + (i - 1) * (sw + gap), y), ImVec2(sw, sh),
                         i <= rs.stars ? ButtonKind::kKeyActive : ButtonKind::kKey,
                         s.can_apply(IntentKind::kSetStars), ui.fonts.title))
            ui.post({IntentKind::kSetStars, "", ui.lang(), i});
    }
    y += sh + gap;
    const float kb_h = keyboard_height(ui);
    const float kb_w = landscape(ui) ? std::min(r.w, ui.px(1500)) : ui.display.x - 2 * ui.px(8);
    const Rect kb{(ui.display.x - kb_w) * 0.5f, r.bottom() - kb_h, kb_w, kb_h};
    const float msg_h = ui.fonts.body->FontSize * 2.6f;
    const float keys_w = edit_keys_extent(ui) * 1.25f;
    const Rect box{r.x, y, r.w - keys_w - gap,
                   std::max(ui.px(2 * 88 + 12), kb.y - y - msg_h - gap)};
    text_area(
        ui, Field::kComment, box,
        ui.tr(rs.stars > 0 && rs.stars <= 2 ? "rate.comment_required" : "rate.comment_optional"));
    edit_keys(ui, Rect{box.right() + gap, box.y, keys_w, box.h}, true);
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
    if (!msg.empty())
        note(ui, "rate", msg, ImVec2(r.x, box.bottom() + ui.px(8)), r.w, colour, ui.fonts.body);
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
            y += note(ui, "vote_choice", ui.trf("vote.your_choice", {option_label(v.option_id)}),
                      ImVec2(r.x, y), r.w, p.text_muted, ui.fonts.body);
            vote_outcome(ui, r, y + gap, v.outcome);
            const std::string& done = ui.tr("status.done");
            bottom_bar(ui, "vote/done", &done, s.can_apply(IntentKind::kFinish),
                       IntentKind::kFinish);
            return;
        }
    }
}

}  // namespace vmeste::ui
