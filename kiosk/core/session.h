// Session: one citizen's visit, from the first touch to the receipt. The UI draws it and sends
// Intents back; the flow is the transition table in session.cpp. Effects (saving the appeal) are
// handed out to the Kiosk, which runs them off the UI thread and reports back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/base/clock.h"
#include "kiosk/core/appeal.h"
#include "kiosk/core/catalog.h"
#include "kiosk/core/config.h"
#include "kiosk/core/language.h"

namespace vmeste::core {

enum class Screen { kAttract, kCategory, kDescription, kReview, kSubmitting, kReceipt };
const char* screen_name(Screen s);

enum class IntentKind {
    kStart,           // attract → report a problem
    kChooseCategory,  // text = category id
    kInsertText,      // text = UTF-8 to append at the end
    kBackspace,
    kNext,
    kBack,
    kSubmit,
    kSetLanguage,   // language
    kFinish,        // receipt → attract
    kCancel,        // abandon the visit from any step: wipe
    kStillHere,     // the citizen answered the idle countdown
    kEditCategory,  // review → category
    kEditText,      // review → description
    kChooseLeaf,    // text = leaf id, of the category chosen before
};

struct Intent {
    IntentKind kind;
    std::string text{};
    Language language = Language::kRu;
};

struct Receipt {
    std::string receipt_number;
    std::string tracking_url;
    int64_t created_unix_ms = 0;
    std::string answer_by;             // "11.12.2026": the leaf's deadline in working days
    bool answer_by_estimated = false;  // the production calendar of a year on the way is not out
};

enum class SubmitProblem { kNone, kStoreFull, kStorageFailed };

struct SessionState {
    Screen screen = Screen::kAttract;
    Language language = Language::kRu;
    std::string category_id;  // the top-level category
    std::string leaf_id;      // the cause within it (empty for a catalogue without leaves)
    std::string text;
    std::optional<Receipt> receipt;
    SubmitProblem submit_problem = SubmitProblem::kNone;
    bool text_truncated = false;  // the last insert hit the maximum length
    bool store_full = false;      // no room for another appeal: said on the attract screen
};

class Session {
  public:
    Session(const Config& config, const CategoryCatalog& catalog, const Clock& clock);

    const SessionState& state() const { return state_; }
    const Config& config() const { return config_; }
    const CategoryCatalog& catalog() const { return catalog_; }

    // Applies an intent. Returns the appeal to save when the intent was kSubmit and it was
    // accepted.
    std::optional<Appeal> apply(const Intent& intent);

    // The intake thread's verdict on room for another appeal (Kiosk::pump passes it on).
    void set_store_full(bool full) { state_.store_full = full; }

    // Results of the save started by apply(kSubmit).
    void on_saved(const Receipt& receipt);
    void on_save_failed(SubmitProblem problem);

    // Time passes: the idle countdown and the receipt's auto-return. Returns true if the screen
    // changed (so the UI must redraw).
    bool tick();

    // Seconds left of the idle countdown, when it is showing.
    std::optional<int> idle_countdown_left() const;
    // Seconds until the receipt screen closes by itself, while it shows.
    std::optional<int> receipt_seconds_left() const;
    // When tick() next has something to do (for the UI loop's wait), monotonic ms.
    Millis next_deadline() const;

    // The leaves of the chosen category a citizen can pick today (out-of-season ones hidden).
    std::vector<const CategoryLeaf*> leaves_shown() const;
    // What the appeal is filed under: the leaf, or the category when it has no leaves.
    std::string appeal_category() const;

    // Words in the text that may leave the appeal unanswered (the screen warns; the citizen
    // decides).
    std::vector<std::string> obscene_words() const;

    size_t text_length() const;    // code points
    bool text_acceptable() const;  // between the minimum and the maximum length
    bool can_apply(IntentKind k) const;

  private:
    void go(Screen s);
    void wipe();
    Millis idle_for() const;

    const Config& config_;
    const CategoryCatalog& catalog_;
    const Clock& clock_;
    SessionState state_;
    Millis last_activity_;
    Millis screen_since_;
};

}  // namespace vmeste::core
