// Layout pieces every screen shares: the content column, the top bar (step, help, accessibility,
// language, cancel), the bottom bar (Back and the one primary action), headings, cards, text
// fields with their caret and message, the editing keys and the on-screen keyboard.
// Internal to ui/: screens*.cpp use it.
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/fields.h"
#include "ui/widgets.h"

namespace vmeste::ui {

struct Rect {
    float x, y, w, h;
    float right() const { return x + w; }
    float bottom() const { return y + h; }
};

bool landscape(const Ui& ui);
// A screen short of height — portrait in the lower-screen mode, or landscape with large text:
// keyboard steps drop their subtitles (Help has them) and pack their controls tighter.
bool compact(const Ui& ui);
// Content column: full width in portrait, a centred column in landscape.
Rect content_rect(const Ui& ui, bool with_bottom_bar);
void top_bar(Ui& ui);
// Back on the left, the one primary action on the right (none when primary_label is null).
void bottom_bar(Ui& ui, const char* primary_id, const std::string* primary_label,
                bool primary_enabled, core::IntentKind primary_intent);
// The step's primary button label: "Далее", or "Готово" when the citizen came from review.
const std::string& next_label(const Ui& ui);
// A title and an optional line under it; returns the y below them.
float heading(Ui& ui, const Rect& r, std::string_view title, std::string_view sub = {});
void card(const Ui& ui, ImVec2 min, ImVec2 max);
// A read-only text a test can find ("note/<name>"); returns its height.
float note(Ui& ui, std::string_view name, std::string_view text, ImVec2 pos, float width,
           Rgb colour, ImFont* font = nullptr, bool centred = false);

// The message under a field, in the current language; empty when the value will do.
std::string field_message(const Ui& ui, core::Field f);
// A one-line field: label above, the value with its caret when focused, the message below.
// Touching it focuses it. Returns the height used (text_field_height() with a one-line message).
// `missing`: said in the warning colour under an empty field that another one makes necessary.
float text_field(Ui& ui, core::Field f, std::string_view label, const Rect& box_line, bool required,
                 std::string_view missing = {});
float text_field_height(const Ui& ui);
// The wrapped, multi-line description box with a caret where the citizen edits.
void text_area(Ui& ui, core::Field f, const Rect& box, std::string_view placeholder);
// Caret left/right and delete-word keys, in a row or a column.
void edit_keys(Ui& ui, const Rect& r, bool column);
// A long text in a card that a finger drags and ▲ ▼ page ("<buttons>/up", "<buttons>/down"),
// registered as "note/<name>". `caption`: a small muted line at the card's top. Without
// `always_buttons` a text that fits takes the whole width and no buttons are drawn.
void scroll_text(Ui& ui, std::string_view buttons, std::string_view name, const std::string& text,
                 const Rect& area, float* scroll, std::string_view caption = {},
                 bool always_buttons = false);

// Where a typing step's parts go (issue #21, point 5): the keyboard at the bottom of `r`, the
// text area from `y` down to the line of `note_h` under it, which stays clear of the keys. The
// editing keys stand in a column beside the area when it is tall enough for three 88 px keys,
// otherwise in a row beside its top (landscape, the lowered screen), so the area never has to
// reach under the keyboard to make room for them.
struct TypingLayout {
    Rect area;
    Rect keys;
    bool keys_column = true;
    Rect keyboard;
    float note_y = 0;  // where the line under the area starts
};
TypingLayout typing_layout(const Ui& ui, const Rect& r, float y, float note_h);
float edit_keys_extent(const Ui& ui);  // their row's width or column's height per key
// The on-screen keyboard for the focused field (the digits pad for the phone).
float keyboard_height(const Ui& ui);
void draw_keyboard(Ui& ui, const Rect& r);
// The height of one row of the keyboard's keys.
float key_height(const Ui& ui);
// Keys typed on a physical keyboard (a technician's, or a test's).
void take_physical_keys(Ui& ui);

// The keyboard at the bottom of `area` (full display width in portrait).
Rect keyboard_rect(const Ui& ui, const Rect& area);
// The Госуслуги hand-off in `work`: connecting, the QR with its code and time left, approved, or
// what went wrong with a retry (the who step and voting share it; what to do instead differs:
// the texts are "<prefix>.denied", ".expired" and ".failed").
void draw_handoff(Ui& ui, const Rect& work, std::string_view prefix = "who");
// A turning arc around `centre`: work is going on.
void spinner(Ui& ui, ImVec2 centre, float radius);
// A QR code of `payload` drawn as dark modules on white (encoded once per payload).
void draw_qr(Ui& ui, std::string_view id, const std::string& payload, ImVec2 pos, float side);
// A picture: the texture when the image source has one, else a labelled placeholder.
void draw_picture(Ui& ui, ImTextureID tex, ImVec2 min, ImVec2 max);
// Fits a w×h picture into a box, centred; returns its rect.
Rect fit_into(const Rect& box, float w, float h);

// Screens in screens_steps.cpp.
void draw_photos(Ui& ui);
void draw_place(Ui& ui);
void draw_who(Ui& ui);
void draw_consent(Ui& ui);
// Screens in screens_services.cpp.
void draw_status(Ui& ui);
void draw_status_result(Ui& ui);
void draw_rate(Ui& ui);
void draw_polls(Ui& ui);
void draw_poll(Ui& ui);
void draw_vote(Ui& ui);
// Screens in screens_similar.cpp.
void draw_similar(Ui& ui);
void draw_support(Ui& ui);
// "12.11.2026" (Moscow time); empty for 0.
std::string date_ru(int64_t unix_ms);
// The status's name in the citizen's language ("status.<name>"), or the name itself.
std::string status_label(const Ui& ui, const std::string& status);

}  // namespace vmeste::ui
