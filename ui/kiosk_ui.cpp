#include "ui/kiosk_ui.h"
#include "kiosk/base/local_time.h"

#include <imgui.h>

#include <ctime>

#include "drivers/printer/escpos.h"
#include "ui/screens.h"

namespace vmeste::ui {
namespace {

// Moves a frame laid out for the lower part of the screen down onto the whole screen: every
// vertex and clip rectangle by `dy`, the display back to `full`. Done on the draw data itself,
// not through ImDrawData::DisplayPos: SDL's software renderer backend shifts clip rectangles by
// DisplayPos but not vertices, which left only a band of the screen drawn (issue #21, point 3).
void lower_draw_data(ImDrawData* dd, float dy, ImVec2 full) {
    for (int l = 0; l < dd->CmdListsCount; ++l) {
        ImDrawList* list = dd->CmdLists[l];
        for (ImDrawVert& v : list->VtxBuffer) v.pos.y += dy;
        for (ImDrawCmd& c : list->CmdBuffer) {
            c.ClipRect.y += dy;
            c.ClipRect.w += dy;
            if (c.UserCallback == &Layer::draw_command)  // the map: its place on screen too
                static_cast<Layer*>(c.UserCallbackData)->move_on_screen(0, static_cast<int>(dy));
        }
    }
    dd->DisplayPos = ImVec2(0, 0);
    dd->DisplaySize = full;
}

}  // namespace

KioskUi::KioskUi(core::Kiosk& kiosk, const StringCatalog& strings)
    : kiosk_(kiosk), strings_(strings) {
    kiosk_.set_speak_hook([this] { speak_pending_ = true; });
}

KioskUi::~KioskUi() {
    kiosk_.set_speak_hook(nullptr);
    if (context_) ImGui::DestroyContext(context_);
}

Result<void> KioskUi::init(float w, float h) {
    IMGUI_CHECKVERSION();
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // an appliance keeps no window layout between runs
    io.LogFilename = nullptr;
    io.DisplaySize = ImVec2(w, h);
    theme_.scale = scale_for_display(w, h);
    frame_theme_ = theme_;
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 0;
    style.WindowBorderSize = 0;
    style.DisabledAlpha = 1.0f;  // our widgets draw their own disabled look
    auto fonts = load_fonts(theme_);
    if (!fonts) return fonts.error();
    fonts_ = *fonts;
    return {};
}

Result<void> KioskUi::fit_to_display(float w, float h) {
    ImGui::SetCurrentContext(context_);
    const float scale = scale_for_display(w, h);
    if (scale == theme_.scale) return {};
    theme_.scale = scale;
    auto fonts = load_fonts(theme_);
    if (!fonts) return fonts.error();
    fonts_ = *fonts;
    return {};
}

void KioskUi::make_current() {
    ImGui::SetCurrentContext(context_);
}

int KioskUi::frame() {
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    const core::Session& session = kiosk_.session();
    const core::SessionState& st = session.state();
    // The keyboard's shift/page and the scratch belong to one visit.
    if (session.visit() != last_visit_) {
        keyboard_ = KeyboardState{};
        scratch_ = UiScratch{};
        last_visit_ = session.visit();
        // The visit ended (finished, wiped, timed out): its prompt must not go on reading the
        // receipt number to the next person.
        speak_pending_ = false;
        if (speaker_) speaker_->stop();
    }
    const core::Screen screen = st.screen;
    if (screen != last_screen_) {
        keyboard_.page = KeyboardPage::kLetters;
        keyboard_.shift = false;
        keyboard_.layout =
            st.language == core::Language::kRu ? KeyboardLayout::kCyrillic : KeyboardLayout::kLatin;
    }
    last_screen_ = screen;
    // An e-mail address is typed in Latin letters; a name in the citizen's language.
    if (st.focus != last_focus_) {
        if (st.focus == core::Field::kEmail) keyboard_.layout = KeyboardLayout::kLatin;
        if (st.focus == core::Field::kName || st.focus == core::Field::kAddress)
            keyboard_.layout = st.language == core::Language::kRu ? KeyboardLayout::kCyrillic
                                                                  : KeyboardLayout::kLatin;
        last_focus_ = st.focus;
    }

    frame_theme_ = theme_;
    if (st.a11y.high_contrast) frame_theme_.palette = high_contrast_palette();
    const Rgb bg = frame_theme_.palette.background;
    ImGui::GetStyle().Colors[ImGuiCol_WindowBg] =
        ImVec4(bg.r / 255.f, bg.g / 255.f, bg.b / 255.f, 1.0f);

    // The hidden gesture to the maintenance screens, read on the whole display's coordinates.
    const ImVec2 full = io.DisplaySize;
    const ImVec2 mouse = io.MousePos;
    core::Maintenance& maintenance = kiosk_.maintenance();
    if (!maintenance.active() &&
        gesture_.feed(mouse, io.MouseDown[0], kiosk_.clock().monotonic().count(), full))
        kiosk_.open_maintenance();
    if (maintenance.active()) return maintenance_frame();

    // The accessibility dialog holds still under the finger (issue #21, point 2): while it is
    // open, the text size and the lowered screen stay as they were when it opened, and the
    // toggles say their new state; both take effect when it closes. High contrast moves nothing
    // and applies at once.
    if (st.overlay != core::Overlay::kAccessibility)
        layout_a11y_.reset();
    else if (!layout_a11y_)
        layout_a11y_ = st.a11y;
    const core::Accessibility& layout = layout_a11y_ ? *layout_a11y_ : st.a11y;

    // Lower screen (portrait): the whole UI is laid out in the lower 60 % — input is moved up
    // into the layout's coordinates and the draw data down onto the screen.
    offset_y_ = 0;
    if (layout.lower_screen && full.y > full.x) {
        offset_y_ = std::floor(full.y * 0.4f);
        io.DisplaySize.y = full.y - offset_y_;
        if (io.MousePos.y > -FLT_MAX) io.MousePos.y -= offset_y_;
    }

    std::vector<core::Intent> intents;
    widgets_.begin_frame(offset_y_);
    scratch_.tiles_needed = scratch_.tiles_drawn = 0;
    if (const core::TileCache* tiles = kiosk_.map_tiles()) tiles_seen_ = tiles->generation();
    ImGui::NewFrame();
    Ui ui{session,
          strings_,
          frame_theme_,
          layout.large_text ? fonts_.large : fonts_.normal,
          widgets_,
          keyboard_,
          intents,
          io.DisplaySize,
          images_,
          kiosk_.map_tiles(),
          &scratch_,
          kiosk_.visit_workers().printer_configured(),
          [this] { return receipt_bytes(); }};
    if (layout.large_text) ui.normal_fonts = &fonts_.normal;
    draw_screen(ui);
    if (gesture_.armed()) {
        // Half the gesture made: the next touch is the gesture's, not the screen's.
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(io.DisplaySize);
        ImGui::Begin("##gesture", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground |
                         ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
        ImGui::InvisibleButton("##gesture_blocker", io.DisplaySize);
        ImGui::End();
    }
    ImGui::Render();
    // Textures this frame does not draw can go now (a wiped visit's photos leave with the first
    // frame without them); the ones it draws stay until the host has rendered it.
    if (images_) images_->end_frame();
    io.DisplaySize = full;
    io.MousePos = mouse;
    if (offset_y_ > 0) lower_draw_data(ImGui::GetDrawData(), offset_y_, full);
    // The receipt prints itself when the terminal is set so.
    const bool auto_print = screen == core::Screen::kReceipt &&
                            st.print == core::PrintState::kNone && kiosk_.session().can_print() &&
                            kiosk_.config().auto_print_receipt && ui.printer;
    for (const auto& i : intents) kiosk_.dispatch(i);
    if (auto_print) kiosk_.dispatch({core::IntentKind::kPrint, receipt_bytes()});
    if (speak_pending_) speak();
    return static_cast<int>(intents.size()) + (auto_print ? 1 : 0);
}

bool KioskUi::stale() const {
    const core::TileCache* tiles = kiosk_.map_tiles();
    return tiles && scratch_.tiles_drawn < scratch_.tiles_needed &&
           tiles->generation() != tiles_seen_;
}

bool KioskUi::animating() const {
    // Staff's camera check: the picture moves.
    if (kiosk_.maintenance().active()) return kiosk_.maintenance().state().camera_preview;
    const core::Session& s = kiosk_.session();
    const core::SessionState& st = s.state();
    if (st.screen == core::Screen::kSubmitting) return true;
    // A spinner turns while a vote, a +1 or the search for similar appeals is under way.
    if ((st.screen == core::Screen::kVote && st.vote.outcome == core::ActionOutcome::kSaving) ||
        (st.screen == core::Screen::kSupport &&
         st.similar.support == core::ActionOutcome::kSaving) ||
        (st.screen == core::Screen::kSimilar && st.similar.searching))
        return true;
    return st.screen == core::Screen::kPhotos && st.photos.selected < 0 &&
           s.camera_status() == core::CameraStatus::kReady;
}

int KioskUi::maintenance_frame() {
    ImGuiIO& io = ImGui::GetIO();
    core::Maintenance& m = kiosk_.maintenance();
    frame_theme_ = theme_;  // staff screens: the normal theme, whatever the last citizen chose
    const Rgb bg = frame_theme_.palette.background;
    ImGui::GetStyle().Colors[ImGuiCol_WindowBg] =
        ImVec4(bg.r / 255.f, bg.g / 255.f, bg.b / 255.f, 1.0f);
    offset_y_ = 0;
    // No citizen screen is drawn: the only intents are the on-screen keyboard's, while the
    // technician types an address; they go to maintenance, never to the session.
    std::vector<core::Intent> intents;
    std::vector<core::MaintIntent> maint;
    widgets_.begin_frame(0);
    ImGui::NewFrame();
    Ui ui{kiosk_.session(), strings_, frame_theme_, fonts_.normal, widgets_, keyboard_, intents,
          io.DisplaySize,   images_,  nullptr,      &scratch_,     false,    {}};
    draw_maintenance(ui, m, maint);
    ImGui::Render();
    if (images_) images_->end_frame();
    for (const auto& i : intents) {
        if (i.kind == core::IntentKind::kInsertText)
            maint.push_back({core::MaintIntentKind::kInsertText, i.text});
        else if (i.kind == core::IntentKind::kBackspace)
            maint.push_back({core::MaintIntentKind::kDeleteText});
    }
    for (const auto& i : maint) m.apply(i);
    return static_cast<int>(maint.size());
}

std::string KioskUi::prompt_text() const {
    const core::SessionState& st = kiosk_.session().state();
    const std::string name = core::screen_name(st.screen);
    const core::Language l = st.language;
    switch (st.screen) {
        case core::Screen::kAttract:
            return strings_.get(l, "app.title") + ". " + strings_.get(l, "attract.hint");
        case core::Screen::kSubmitting:
            return strings_.get(l, "submitting.title");
        case core::Screen::kReceipt: {
            // An обращение or a сообщение, as it was sent (issue #21, point 9).
            const std::string kind = st.receipt && st.receipt->appeal_59fz ? "" : "_message";
            return strings_.get(l, "receipt.title" + kind) + ". " +
                   strings_.get(l, "receipt.number" + kind) + ": " +
                   (st.receipt ? st.receipt->receipt_number : std::string());
        }
        default:
            return strings_.get(l, name + ".title") + ". " +
                   strings_.get(l, "help." + kiosk_.session().help_name());
    }
}

void KioskUi::speak() {
    speak_pending_ = false;
    if (!speaker_) return;
    const core::SessionState& st = kiosk_.session().state();
    (void)speaker_->speak(prompt_text(), st.language == core::Language::kRu ? "ru" : "en");
}

std::string KioskUi::receipt_bytes() const {
    const core::Session& s = kiosk_.session();
    const core::SessionState& st = s.state();
    if (!st.receipt) return {};
    const core::Language l = st.language;
    const core::Receipt& r = *st.receipt;
    drivers::ReceiptContent c;
    const std::string kind = r.appeal_59fz ? "" : "_message";
    c.title = strings_.get(l, "print.title" + kind);
    c.site = kiosk_.config().site_address;
    c.datetime = local_time::date_time(r.created_unix_ms);
    c.number_label = strings_.get(l, "receipt.number" + kind);
    c.receipt_number = r.receipt_number;
    if (const core::Category* top = s.catalog().find(st.category_id)) c.category = top->name(l);
    if (const core::CategoryLeaf* leaf = s.leaf()) c.category += " · " + leaf->name(l);
    if (!r.answer_by.empty())
        c.answer_by = strings_.format(
            l, r.answer_by_estimated ? "receipt.answer_by_estimated" : "receipt.answer_by",
            {r.answer_by});
    c.tracking_url = r.tracking_url;
    c.instructions = {strings_.get(l, "print.scan"), strings_.get(l, "print.keep")};
    return drivers::receipt_escpos(c, kiosk_.config().printer_columns);
}

ImDrawData* KioskUi::draw_data() const {
    return ImGui::GetDrawData();
}

}  // namespace vmeste::ui
