// Session: one citizen's visit, from the first touch to the receipt. The UI draws it and sends
// Intents back; the flow is the transition table in session.cpp. Work that must not run on the UI
// thread (saving, taking and blurring photos, the Госуслуги hand-off, printing) leaves as Effects
// the Kiosk runs on its workers; their results come back through the on_*() calls, tagged with
// the visit they belong to, so nothing of one citizen can land in the next one's visit.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "drivers/printer/print_job.h"
#include "kiosk/base/clock.h"
#include "kiosk/core/address_index.h"
#include "kiosk/core/appeal.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/catalog.h"
#include "kiosk/core/config.h"
#include "kiosk/core/fields.h"
#include "kiosk/core/language.h"
#include "kiosk/core/work_calendar.h"
#include "sync/replies.h"

namespace vmeste::core {

enum class Screen {
    kAttract,
    kCategory,
    kDescription,
    kDetails,  // the city service's questions (Open311 attributes), one at a time, when it has any
    kPhotos,
    kPlace,
    kWho,
    kConsent,
    kReview,
    kSubmitting,
    kReceipt,
    kStatus,        // check a status: the receipt number typed or its QR shown to the camera
    kStatusResult,  // what the platform (or, offline, the kiosk) knows of it
    kRate,          // rate the answer: 1–5 stars, a comment for 1 and 2
    kPolls,         // polls, votes and public discussions open now
    kPoll,          // one of them: its text, options, deadline and the QR to open it on a phone
    kVote,          // voting on the kiosk: Госуслуги hand-off, one choice, confirmation
    kSimilar,       // appeals of the same category near the place, before a new one is made
    kSupport,  // "у меня та же проблема": a +1 to one of them, with an optional contact
};
const char* screen_name(Screen s);
// 1..7 for the steps of a report (the step indicator), 0 for the others.
int step_number(Screen s);
constexpr int kStepCount = 7;

enum class IntentKind {
    kStart,           // attract → report a problem
    kChooseCategory,  // text = category id
    kChooseLeaf,      // text = leaf id, of the category chosen before
    kOpenSearch,      // category: search the causes by name
    kCloseSearch,
    kFocus,        // index = Field: where the keyboard types
    kInsertText,   // text = UTF-8, at the caret of the focused field
    kBackspace,    // the character before the caret
    kCaretLeft,    // move the caret one character
    kCaretRight,   //
    kDeleteWord,   // the word before the caret
    kNext,         // the step's primary action
    kBack,         //
    kEdit,         // review → the step `index` (a Screen), and back to review after it
    kSubmit,       //
    kSetLanguage,  // language
    kFinish,       // receipt → attract
    kCancel,       // abandon the visit from any step: wipe
    kStillHere,    // the citizen answered the idle countdown
    // Photos
    kTakePhoto,    // starts the countdown; the shot is taken when it ends
    kSelectPhoto,  // index
    kDeletePhoto,  // index
    kRetakePhoto,  // index: delete it and start the countdown for its replacement
    // Hiding a face or a number plate: mark a region (shown as an outline), then hide or cancel.
    kMarkBlur,    // index; x, y, w, h in 0..1 of the photo; w = h = 0: a touch at (x, y)
    kApplyBlur,   // index: hide the marked region for good
    kCancelBlur,  // forget the mark
    // Place
    kPlaceHere,      // "here, at this МФЦ"
    kPlaceMap,       // show the map (and the pin)
    kPlaceAddress,   // type an address
    kPlacePin,       // x = latitude, y = longitude
    kMapView,        // x = latitude, y = longitude of the centre, index = zoom
    kChooseAddress,  // index: one of the address suggestions (the region's addresses)
    // Who you are
    kHandoffStart,  // "Войти через Госуслуги": the QR
    kHandoffCancel,
    kUseContact,  // name and phone instead
    // Consent
    kConsentAgree,
    kConsentDecline,
    // Receipt
    kPrint,  // text = the receipt's printer bytes (the UI lays it out in the citizen's language)
    // Always available
    kToggleAccessibility,  // index = A11yOption
    kShowHelp,             // toggles the help panel of the step
    kShowAccessibility,    // toggles the accessibility panel
    // Status check
    kCheckStatus,  // attract → the status check
    kScanReceipt,  // toggles reading the receipt's QR with the camera
    kLookup,       // look up the number typed
    kRate,         // status result (answered) → rate the answer
    kSetStars,     // index = 1..5
    kSubmitRating,
    kShowPolls,  // attract → the list
    kOpenPoll,   // text = poll id
    // Voting on the kiosk
    kVoteHere,      // poll → vote (starts the hand-off unless the citizen is identified)
    kChooseOption,  // text = option id
    kCastVote,      // the confirmation's "yes"
    // Similar appeals
    kOpenSimilar,  // index: show one large (-1: the list)
    kSupport,      // similar → join the one shown
    kSendSupport,  // send the +1
};

struct Intent {
    IntentKind kind;
    std::string text{};
    Language language = Language::kRu;
    int index = -1;
    double x = 0, y = 0;
    double w = 0, h = 0;  // kMarkBlur
};

struct Receipt {
    std::string receipt_number;
    std::string tracking_url;
    int64_t created_unix_ms = 0;
    std::string answer_by;             // "11.12.2026": the leaf's deadline in working days
    bool answer_by_estimated = false;  // the production calendar of a year on the way is not out
    // What was sent: an обращение under 59-ФЗ (the citizen signed in with Госуслуги) or a
    // сообщение. The receipt, the printed slip and the voice name it (issue #21, point 9).
    bool appeal_59fz = false;
};

enum class SubmitProblem { kNone, kStoreFull, kStorageFailed };

// A photo taken in this visit, not yet submitted. Kept in memory only: a photo never reaches the
// disk before the citizen submits, so a wipe (or a power cut) leaves nothing behind.
struct PhotoDraft {
    uint64_t id = 0;        // unique in the process: the UI's texture key
    std::string jpeg;       // upright, ≤ 2,048 px, no metadata, blurs burnt in
    std::string thumbnail;  // JPEG, ≤ 320 px
    int width = 0, height = 0;
    int blurs = 0;
    bool blurring = false;  // a blur is being applied on the worker
};

enum class CameraStatus { kOff, kStarting, kReady, kUnavailable };
enum class PhotoProblem { kNone, kCameraGone, kCaptureFailed, kBlurFailed };

// A region of a photo, in fractions of its width and height (what the citizen marked to hide).
struct PhotoRegion {
    double x = 0, y = 0, w = 0, h = 0;
};

// The region one touch at (x, y) proposes: a third of the photo each way, centred on the touch
// and kept inside the picture. A close-up face or number plate (a plate 616 px wide in a 2,048 px
// photo is 30 % of it) fits with room for an imprecise finger; a smaller one is marked by drawing.
PhotoRegion region_for_touch(double x, double y);

struct PhotoStep {
    std::vector<PhotoDraft> photos;
    int selected = -1;                // the photo shown large; -1: the live preview
    std::optional<PhotoRegion> mark;  // of the selected photo: outlined, not yet hidden
    Millis countdown_end{0};          // 0: no countdown
    bool capturing = false;           // the shot is being taken and prepared
    PhotoProblem problem = PhotoProblem::kNone;
};

enum class PlaceMode { kNone, kHere, kMap, kAddress };

struct MapView {
    double lat = 0, lon = 0;
    int zoom = 0;
};

struct PlaceStep {
    PlaceMode mode = PlaceMode::kNone;
    std::optional<double> pin_lat, pin_lon;
    MapView view;  // where the map looks (set by the UI when the map opens)
    // The city's server takes no address without coordinates (issue #18, point 4): a typed
    // address then also needs its pin, placed on the map after the address is typed.
    bool pin_needed = false;
    bool pin_for_address = false;  // the address typed, the map shown for its pin
    // The region's addresses (a terminal with a region pack, docs/map.md).
    std::vector<AddressHit> suggestions;  // for the address as `suggested_for`
    std::string suggested_for;            // the text the suggestions answer
    std::string asked_text;               // the text suggestions were last asked for
    std::optional<AddressHit> chosen;     // the suggestion chosen; the typed text is its label
    std::optional<NearestAddress> pin_address;  // the address under the pin, when known
    bool pin_address_known = false;  // the answer for the pin where it is now came (maybe none)
    std::optional<std::pair<double, double>> asked_pin;  // the pin last asked about
};

struct Handoff {
    enum class State { kNone, kStarting, kWaiting, kApproved, kDenied, kExpired, kFailed };
    State state = State::kNone;
    std::string user_code;         // "BCDF-GHJK", shown large
    std::string verification_uri;  // the QR's payload
    int64_t expires_unix_ms = 0;
    std::string subject, display_name;  // once approved
};
const char* handoff_state_name(Handoff::State s);

enum class WhoMode { kUndecided, kGosuslugi, kContact };

// What a status check found: from the gateway, or — without a connection — what the kiosk's own
// store remembers (no text, no contact: only what the receipt shows).
struct StatusResult {
    std::string receipt_number, status, category, organisation, answer;
    int64_t answer_by_unix_ms = 0;  // the platform's date; 0: it has given none
    std::vector<std::pair<std::string, int64_t>> history;  // status, when (unix ms)
    // When the appeal was made: this kiosk's record, else the platform's first step (0: unknown).
    int64_t created_unix_ms = 0;
    // "11.12.2026": the date the receipt gave (the cause's term in working days from that day),
    // worked out the receipt's way (Session::answer_due), so the two screens cannot disagree.
    std::string receipt_answer_by;
    bool offline = false;  // the platform did not answer: the kiosk's own, maybe old, knowledge
};

struct RatingStep {
    enum class State { kEditing, kSaving, kSaved, kFailed };
    State state = State::kEditing;
    int stars = 0;
};

struct StatusCheck {
    enum class State { kIdle, kLooking, kFound, kNotFound, kNoConnection, kNotAReceipt };
    State state = State::kIdle;
    bool scanning = false;
    StatusResult result;
};

enum class PrintState { kNone, kPrinting, kPrinted, kFailed };

// What became of a vote or a +1 (a CitizenAction): stored first, then the kiosk waits a few
// seconds for the platform's word before it says "saved, will be sent".
enum class ActionOutcome {
    kNone,
    kSaving,     // being stored and sent
    kDelivered,  // the platform has it
    kQueued,     // stored; the platform did not answer yet: it will be sent
    kDuplicate,  // this citizen voted in this poll already (here, elsewhere or on the phone)
    kRefused,    // the platform refused it (the poll closed, …)
    kFailed,     // could not be stored
};

struct VoteStep {
    enum class Stage { kIdentify, kChoose, kConfirm, kDone };
    Stage stage = Stage::kIdentify;
    std::string option_id;
    ActionOutcome outcome = ActionOutcome::kNone;
    std::string action_uuid;  // the vote being saved and sent
    // Refused as a second vote on this terminal: the option voted for before (empty when the
    // platform refused it, or the earlier vote's body has gone with the retention period).
    std::string earlier_option_id;
};

// An appeal near the place of the one being made (from the platform, or offline from the store).
struct SimilarAppeal {
    std::string receipt_number, status;
    int64_t created_ms = 0;
    double distance_m = 0;
    int supporters = 0;
    uint64_t photo_id = 0;  // the UI's texture key; 0: no photo
    std::string photo{};    // its first photo, JPEG ≤ 480 px
    int width = 0, height = 0;
};

// A question the city's service asks about its kind of problem (an Open311 attribute; issue #18,
// point 2). The kiosk asks it after the description and sends the answer with the appeal.
struct ServiceQuestion {
    std::string code;
    std::string datatype;  // string number datetime text singlevaluelist multivaluelist
    bool required = false;
    std::string text;  // the question, in the server's words
    std::string hint;  // the server's note on the answer's form, if any
    std::vector<std::pair<std::string, std::string>> options{};  // key, name (the lists)
};

// Which questions a category's service asks ({} when none): the Kiosk's, from the city's
// service definitions and the technician's mapping.
using QuestionSource = std::function<std::vector<ServiceQuestion>(const std::string& category)>;

struct DetailsStep {
    std::vector<ServiceQuestion> questions;  // of the category chosen, asked in this order
    size_t index = 0;                        // the one on screen
    std::vector<Answer> answers;             // by code, in the questions' order; never empty ones
};

// Why an answer will not do (kOk when it will).
enum class AnswerProblem { kOk, kRequired, kNotANumber, kNotADate };
AnswerProblem check_answer(const ServiceQuestion& q, const std::vector<std::string>& values);
// The value a typed answer is sent as: a number with a dot for a comma, a date «ДД.ММ.ГГГГ» as
// ISO 8601 (2026-12-04); text trimmed.
std::string answer_value(const ServiceQuestion& q, std::string_view typed);

struct SimilarStep {
    bool searching = false;
    bool offline = false;  // the platform did not answer: the kiosk's own appeals
    std::vector<SimilarAppeal> appeals;
    int selected = -1;  // shown large; -1: the list
    ActionOutcome support = ActionOutcome::kNone;
    std::string action_uuid;  // the +1 being saved and sent
    // A +1 with a contact goes through the consent step like a report (issue #21, point 8):
    // the consent screen is then the +1's, and its answer is kept here, not in the report's.
    bool joining = false;
    std::optional<int64_t> consent_unix_ms;
    bool consent_declined = false;
};

enum class A11yOption { kLargeText, kHighContrast, kLowerScreen, kVoice };
constexpr int kA11yOptionCount = 4;
struct Accessibility {
    bool large_text = false;     // text × 1.5
    bool high_contrast = false;  // white and yellow on black
    bool lower_screen = false;   // everything in the lower 60 % (wheelchair users)
    bool voice = false;          // each step's title and help read aloud
    bool operator==(const Accessibility&) const = default;
};

enum class Overlay { kNone, kHelp, kAccessibility };

struct SessionState {
    Screen screen = Screen::kAttract;
    Language language = Language::kRu;
    std::string category_id;  // the top-level category
    std::string leaf_id;      // the cause within it (empty for a catalogue without leaves)
    bool searching = false;   // the category screen shows the search box and results
    std::array<TextField, kFieldCount> fields{};
    Field focus = Field::kText;
    bool text_truncated = false;  // the last insert hit the field's maximum length
    PhotoStep photos;
    PlaceStep place;
    WhoMode who = WhoMode::kUndecided;
    Handoff handoff;
    std::optional<int64_t> consent_unix_ms;  // when the citizen agreed
    // The appeal's id and receipt number, drawn at the visit's first submit and kept for every
    // later one (issue #17, point 8): a submit the screen called failed may have reached the disk
    // after all (an fsync error at COMMIT, replayed after a crash); sent again with the same id,
    // it is one appeal in the store and on the platform, never two.
    std::string submitted_uuid, submitted_receipt;
    bool consent_declined = false;
    bool editing = false;  // came from review: the step's primary action returns there
    std::optional<Receipt> receipt;
    SubmitProblem submit_problem = SubmitProblem::kNone;
    PrintState print = PrintState::kNone;
    // Why the receipt cannot be printed now (the check as the receipt screen opened, or the last
    // print's failure); kNone: ready, or not known yet. The button says it, the QR stays.
    drivers::PrintProblem print_problem = drivers::PrintProblem::kNone;
    // Why the last print failed (PrintState::kFailed), kept while a later check clears the
    // printer: the citizen still reads that the receipt did not come out.
    drivers::PrintProblem print_failure = drivers::PrintProblem::kNone;
    Accessibility a11y;
    Overlay overlay = Overlay::kNone;
    StatusCheck status;
    RatingStep rating;
    std::string poll_id;  // the poll shown
    VoteStep vote;
    SimilarStep similar;
    DetailsStep details;
    bool store_full = false;  // no room for another appeal: said on the attract screen

    const std::string& text() const { return fields[static_cast<int>(Field::kText)].value; }
    const TextField& field(Field f) const { return fields[static_cast<int>(f)]; }
};

// Work for the Kiosk's workers.
struct Effect {
    enum class Kind {
        kCapture,
        kBlur,
        kHandoffStart,
        kHandoffCancel,
        kPrint,
        kCheckPrinter,  // the receipt screen opened: can the printer print? (kiosk's own check)
        kSpeak,
        kLookup,
        kSaveRating,
        kSaveAction,
        kFindSimilar,
        kSuggestAddress,  // data: what is typed; x, y: the point to look from (the МФЦ)
        kNearestAddress,  // x, y: the pin
    };
    Kind kind;
    uint64_t visit = 0;
    uint64_t photo_id = 0;  // kBlur
    std::string data{};   // kBlur: the photo's JPEG; kPrint: printer bytes; kFindSimilar: category
    double x = 0, y = 0;  // kBlur: the region's corner, 0..1; kFindSimilar: latitude, longitude
    double w = 0, h = 0;  // kBlur: the region's size, 0..1
    Rating rating{};      // kSaveRating
    CitizenAction action{};  // kSaveAction
    int radius_m = 0;        // kFindSimilar (the config may change while the kiosk runs)
};

class Session {
  public:
    Session(const Config& config, const CategoryCatalog& catalog, const Clock& clock);

    const SessionState& state() const { return state_; }
    // The step the top bar shows: the +1's consent stays on its "where" step (it is not the
    // report's sixth), 0 outside the report.
    int step() const;
    // The help text's key after "help.": the screen's name, or the +1's own for its consent.
    std::string help_name() const;
    const Config& config() const { return config_; }
    const CategoryCatalog& catalog() const { return catalog_; }
    uint64_t visit() const { return visit_; }

    // A fresh visit on the attract screen (after maintenance: its settings apply from the start).
    void restart() { wipe(); }
    // Applies an intent. Returns what to save when the intent was kSubmit and it was accepted.
    std::optional<AcceptRequest> apply(const Intent& intent);
    // Work the last intents and ticks started, for the Kiosk's workers.
    std::vector<Effect> take_effects();

    // What the terminal reports (Kiosk::pump passes it on).
    void set_store_full(bool full) { state_.store_full = full; }
    void set_camera_status(CameraStatus s);
    CameraStatus camera_status() const { return camera_; }
    void set_map_available(bool available) { map_available_ = available; }
    // The region pack's addresses: suggestions as the address is typed, the address under a pin.
    void set_addresses_available(bool available) { addresses_available_ = available; }
    bool addresses_available() const { return addresses_available_; }
    // The production calendar deadlines are counted with (a newer one from the gateway).
    void set_calendar(std::shared_ptr<const WorkCalendar> c) { calendar_ = std::move(c); }
    const WorkCalendar& calendar() const;
    // When an appeal made at `created_unix_ms` about `leaf_id` is to be answered: the cause's
    // term in working days (30 for an unknown cause), counted in Moscow time. The receipt's
    // date and the status screen's come from here.
    Deadline answer_due(int64_t created_unix_ms, const std::string& leaf_id) const;
    // The polls, votes and discussions the gateway sent (synced with ETag).
    void set_polls(std::shared_ptr<const std::vector<sync::replies::Poll>> p) {
        polls_ = std::move(p);
    }
    // Those still open (deadline ahead), soonest deadline first.
    std::vector<const sync::replies::Poll*> open_polls() const;
    const sync::replies::Poll* poll() const;
    bool map_available() const { return map_available_; }
    // The city service's questions per category (an Open311 region); none by default.
    void set_questions(QuestionSource source) { questions_ = std::move(source); }
    // Whether a typed address also needs a pin (asked each time the place step opens); never
    // when there is no map to place it on.
    void set_pin_rule(std::function<bool()> rule) { pin_rule_ = std::move(rule); }
    // The values answered so far to the question on screen (typed ones from the field).
    std::vector<std::string> current_answer() const;
    // Every required question of the category answered, each answer acceptable.
    bool details_complete() const;

    // Results of the workers; ignored when `visit` is not the current one.
    void on_saved(const Receipt& receipt);
    void on_save_failed(SubmitProblem problem);
    void on_photo_taken(uint64_t visit, PhotoDraft photo);
    void on_photo_failed(uint64_t visit, PhotoProblem problem);
    void on_photo_blurred(uint64_t visit, uint64_t photo_id, std::string jpeg,
                          std::string thumbnail);
    void on_blur_failed(uint64_t visit, uint64_t photo_id);
    void on_handoff(uint64_t visit, const Handoff& update);
    void on_printed(uint64_t visit, drivers::PrintProblem problem);
    // The printer's state from a check (visit 0: the periodic one, for whatever visit shows).
    void on_printer_checked(uint64_t visit, drivers::PrintProblem problem);
    // The receipt screen's print button can be used (no print running, no known problem).
    bool can_print() const;
    void on_lookup(uint64_t visit, StatusCheck::State state, StatusResult result);
    void on_rating_saved(uint64_t visit, bool ok);
    // A vote's or a +1's fate, once known (or once the kiosk stopped waiting for it).
    // `earlier_option`: for a vote refused here as a second one, what was voted for before.
    void on_action(uint64_t visit, const std::string& uuid, ActionOutcome outcome,
                   std::string earlier_option = {});
    // What the search for similar appeals found (none: the journey goes on to "who").
    void on_similar(uint64_t visit, std::vector<SimilarAppeal> found, bool offline);
    void on_address_suggestions(uint64_t visit, const std::string& typed,
                                std::vector<AddressHit> hits);
    void on_nearest_address(uint64_t visit, double lat, double lon,
                            std::optional<NearestAddress> found);
    // The poll can be voted on here: a vote or poll with options, open, and a hand-off to
    // identify the citizen.
    bool can_vote_here() const;
    // A +1's contact is optional, but when given it must be complete.
    bool support_contact_ok() const;
    // A name or a phone typed on the +1's screen: it then needs the citizen's consent.
    bool support_has_contact() const;
    // A comment is needed for 1 or 2 stars (DOMAIN.md).
    bool rating_acceptable() const;
    // A QR code the camera read while the status check scans.
    void on_receipt_scanned(uint64_t visit, const std::string& payload);
    bool scanning() const { return state_.screen == Screen::kStatus && state_.status.scanning; }

    // Time passes: the idle countdown, the photo countdown, the receipt's auto-return. Returns
    // true if something on screen changed (so the UI must redraw).
    bool tick();

    // Seconds left of the idle countdown, when it is showing.
    std::optional<int> idle_countdown_left() const;
    // Seconds until the receipt screen closes by itself, while it shows.
    std::optional<int> receipt_seconds_left() const;
    // Seconds left before the photo is taken, while the countdown runs.
    std::optional<int> photo_countdown_left() const;
    // Seconds left to approve the hand-off, while its QR shows.
    std::optional<int> handoff_seconds_left() const;
    // When tick() next has something to do (for the UI loop's wait), monotonic ms.
    Millis next_deadline() const;

    // The leaves of the chosen category a citizen can pick today (out-of-season ones hidden).
    std::vector<const CategoryLeaf*> leaves_shown() const;
    // Leaves in season whose name (or group) contains every word typed in the search field.
    std::vector<const CategoryLeaf*> search_results(size_t limit = 12) const;
    // What the appeal is filed under: the leaf, or the category when it has no leaves.
    std::string appeal_category() const;
    const CategoryLeaf* leaf() const { return catalog_.find_leaf(state_.leaf_id); }
    bool photo_required() const;

    // Words in the text that may leave the appeal unanswered (the screen warns; the citizen
    // decides).
    std::vector<std::string> obscene_words() const;

    size_t text_length() const;    // code points
    bool text_acceptable() const;  // between the minimum and the maximum length
    // What is wrong with a field's value now (kOk when nothing).
    FieldProblem problem(Field f) const;
    // The place the appeal will carry, if the step is complete.
    std::optional<Place> chosen_place() const;
    bool here_available() const;  // the kiosk's site is configured
    bool handoff_available() const;
    // An обращение (identified) or a сообщение.
    bool identified() const;
    bool step_complete(Screen s) const;
    bool can_apply(IntentKind k) const;
    size_t max_chars(Field f) const;

  private:
    void go(Screen s);
    void wipe();
    std::optional<AcceptRequest> apply_one(const Intent& intent);
    // Asks the address worker about what changed on the place step (the text, the pin).
    void ask_addresses();
    // The chosen suggestion, if the address field still says it.
    const AddressHit* chosen_address() const;
    void send_support();
    void start_accessibility();
    Millis idle_for() const;
    TextField& field(Field f) { return state_.fields[static_cast<int>(f)]; }
    void edit_field(const Intent& intent);
    void start_countdown();
    void start_handoff();
    void effect(Effect e);
    AcceptRequest submission();

    const Config& config_;
    const CategoryCatalog& catalog_;
    const Clock& clock_;
    SessionState state_;
    uint64_t visit_ = 1;
    uint64_t next_photo_id_ = 1;
    CameraStatus camera_ = CameraStatus::kOff;
    bool map_available_ = false;
    bool addresses_available_ = false;
    std::shared_ptr<const WorkCalendar> calendar_;  // null: the bundled one
    std::shared_ptr<const std::vector<sync::replies::Poll>> polls_;
    QuestionSource questions_;
    std::function<bool()> pin_rule_;
    // Details step: the field's answer kept, and the question at `index` shown.
    void keep_answer();
    void show_question(size_t index);
    std::vector<Effect> effects_;
    Millis last_activity_;
    Millis screen_since_;
};

}  // namespace vmeste::core
