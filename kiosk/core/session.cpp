#include "kiosk/core/session.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "kiosk/base/utf8.h"
#include "kiosk/core/obscene.h"
#include "kiosk/core/work_calendar.h"

namespace vmeste::core {

const char* screen_name(Screen s) {
    switch (s) {
        case Screen::kAttract:
            return "attract";
        case Screen::kCategory:
            return "category";
        case Screen::kDescription:
            return "description";
        case Screen::kDetails:
            return "details";
        case Screen::kPhotos:
            return "photos";
        case Screen::kPlace:
            return "place";
        case Screen::kWho:
            return "who";
        case Screen::kConsent:
            return "consent";
        case Screen::kReview:
            return "review";
        case Screen::kSubmitting:
            return "submitting";
        case Screen::kReceipt:
            return "receipt";
        case Screen::kStatus:
            return "status";
        case Screen::kStatusResult:
            return "status_result";
        case Screen::kRate:
            return "rate";
        case Screen::kPolls:
            return "polls";
        case Screen::kPoll:
            return "poll";
        case Screen::kVote:
            return "vote";
        case Screen::kSimilar:
            return "similar";
        case Screen::kSupport:
            return "support";
    }
    return "?";
}

int step_number(Screen s) {
    // Issue #21, point 8: where before what, so that the appeals already made about the place
    // come before minutes of typing.
    switch (s) {
        case Screen::kCategory:
            return 1;
        case Screen::kPlace:
        case Screen::kSimilar:  // part of "where": the appeals already made about that place
        case Screen::kSupport:
            return 2;
        case Screen::kDescription:
        case Screen::kDetails:  // part of "what": the service's own questions about it
            return 3;
        case Screen::kPhotos:
            return 4;
        case Screen::kWho:
            return 5;
        case Screen::kConsent:
            return 6;
        case Screen::kReview:
            return 7;
        default:
            return 0;
    }
}

const char* handoff_state_name(Handoff::State s) {
    switch (s) {
        case Handoff::State::kNone:
            return "none";
        case Handoff::State::kStarting:
            return "starting";
        case Handoff::State::kWaiting:
            return "waiting";
        case Handoff::State::kApproved:
            return "approved";
        case Handoff::State::kDenied:
            return "denied";
        case Handoff::State::kExpired:
            return "expired";
        case Handoff::State::kFailed:
            return "failed";
    }
    return "?";
}

PhotoRegion region_for_touch(double x, double y) {
    constexpr double kSide = 1.0 / 3;
    return {std::clamp(x - kSide / 2, 0.0, 1 - kSide), std::clamp(y - kSide / 2, 0.0, 1 - kSide),
            kSide, kSide};
}

namespace {

constexpr double kMinMark = 0.05;  // the thinnest region a drawn mark makes, of the photo's side

// The citizen journey as one table: (screen, intent) → next screen. An intent not in the table
// for the current screen is ignored. Guards that need the session (a step complete) are in
// can_apply; intents that stay on their screen (typing, photos, the pin…) are in can_apply too.
struct Transition {
    Screen from;
    IntentKind on;
    Screen to;
};

// clang-format off
constexpr std::array kFlow = {
    //          from                 on                          to
    Transition{Screen::kAttract,     IntentKind::kStart,          Screen::kCategory},
    Transition{Screen::kCategory,    IntentKind::kChooseCategory, Screen::kPlace},  // or its leaves
    Transition{Screen::kCategory,    IntentKind::kChooseLeaf,     Screen::kPlace},
    Transition{Screen::kPlace,       IntentKind::kNext,           Screen::kDescription},  // or similar
    Transition{Screen::kPlace,       IntentKind::kBack,           Screen::kCategory},
    Transition{Screen::kSimilar,     IntentKind::kNext,           Screen::kDescription},
    Transition{Screen::kSimilar,     IntentKind::kBack,           Screen::kPlace},
    Transition{Screen::kSimilar,     IntentKind::kSupport,        Screen::kSupport},
    Transition{Screen::kSupport,     IntentKind::kBack,           Screen::kSimilar},
    Transition{Screen::kSupport,     IntentKind::kFinish,         Screen::kAttract},
    Transition{Screen::kCategory,    IntentKind::kBack,           Screen::kAttract},
    Transition{Screen::kDescription, IntentKind::kNext,           Screen::kPhotos},
    Transition{Screen::kDescription, IntentKind::kBack,           Screen::kPlace},
    Transition{Screen::kDetails,     IntentKind::kNext,           Screen::kPhotos},   // after the last
    Transition{Screen::kDetails,     IntentKind::kBack,           Screen::kDescription},  // question
    Transition{Screen::kPhotos,      IntentKind::kNext,           Screen::kWho},
    Transition{Screen::kPhotos,      IntentKind::kBack,           Screen::kDescription},
    Transition{Screen::kWho,         IntentKind::kNext,           Screen::kConsent},
    Transition{Screen::kWho,         IntentKind::kBack,           Screen::kPhotos},
    Transition{Screen::kConsent,     IntentKind::kConsentAgree,   Screen::kReview},
    Transition{Screen::kConsent,     IntentKind::kBack,           Screen::kWho},  // or support
    Transition{Screen::kReview,      IntentKind::kSubmit,         Screen::kSubmitting},
    Transition{Screen::kReview,      IntentKind::kBack,           Screen::kConsent},
    Transition{Screen::kReceipt,     IntentKind::kFinish,         Screen::kAttract},
    Transition{Screen::kAttract,     IntentKind::kCheckStatus,    Screen::kStatus},
    Transition{Screen::kStatus,      IntentKind::kBack,           Screen::kAttract},
    Transition{Screen::kStatusResult, IntentKind::kBack,          Screen::kStatus},
    Transition{Screen::kStatusResult, IntentKind::kFinish,        Screen::kAttract},
    Transition{Screen::kStatusResult, IntentKind::kRate,          Screen::kRate},
    Transition{Screen::kRate,        IntentKind::kBack,           Screen::kStatusResult},
    Transition{Screen::kRate,        IntentKind::kFinish,         Screen::kAttract},
    Transition{Screen::kAttract,     IntentKind::kShowPolls,      Screen::kPolls},
    Transition{Screen::kPolls,       IntentKind::kBack,           Screen::kAttract},
    Transition{Screen::kPolls,       IntentKind::kOpenPoll,       Screen::kPoll},
    Transition{Screen::kPoll,        IntentKind::kBack,           Screen::kPolls},
    Transition{Screen::kPoll,        IntentKind::kFinish,         Screen::kAttract},
    Transition{Screen::kPoll,        IntentKind::kVoteHere,       Screen::kVote},
    Transition{Screen::kVote,        IntentKind::kBack,           Screen::kPoll},
    Transition{Screen::kVote,        IntentKind::kFinish,         Screen::kAttract},
};
// clang-format on

const Transition* find_transition(Screen from, IntentKind on) {
    for (const auto& t : kFlow)
        if (t.from == from && t.on == on) return &t;
    return nullptr;
}

// Intents that change something on their own screen, and the screens they belong to.
bool stays_on(Screen s, IntentKind k) {
    switch (k) {
        case IntentKind::kOpenSearch:
        case IntentKind::kCloseSearch:
            return s == Screen::kCategory;
        case IntentKind::kFocus:
        case IntentKind::kInsertText:
        case IntentKind::kBackspace:
        case IntentKind::kCaretLeft:
        case IntentKind::kCaretRight:
        case IntentKind::kDeleteWord:
            return s == Screen::kCategory || s == Screen::kDescription || s == Screen::kPlace ||
                   s == Screen::kWho || s == Screen::kStatus || s == Screen::kRate ||
                   s == Screen::kSupport || s == Screen::kDetails;
        case IntentKind::kTakePhoto:
        case IntentKind::kSelectPhoto:
        case IntentKind::kDeletePhoto:
        case IntentKind::kRetakePhoto:
        case IntentKind::kMarkBlur:
        case IntentKind::kCancelBlur:
        case IntentKind::kApplyBlur:
            return s == Screen::kPhotos;
        case IntentKind::kPlaceHere:
        case IntentKind::kPlaceMap:
        case IntentKind::kPlaceAddress:
        case IntentKind::kPlacePin:
        case IntentKind::kMapView:
        case IntentKind::kChooseAddress:
            return s == Screen::kPlace;
        case IntentKind::kHandoffStart:
        case IntentKind::kHandoffCancel:
            return s == Screen::kWho || s == Screen::kVote;
        case IntentKind::kUseContact:
            return s == Screen::kWho;
        case IntentKind::kChooseOption:
            return s == Screen::kVote || s == Screen::kDetails;
        case IntentKind::kCastVote:
            return s == Screen::kVote;
        case IntentKind::kOpenSimilar:
            return s == Screen::kSimilar;
        case IntentKind::kSendSupport:
            return s == Screen::kSupport;
        case IntentKind::kConsentDecline:
            return s == Screen::kConsent;
        case IntentKind::kPrint:
            return s == Screen::kReceipt;
        case IntentKind::kEdit:
            return s == Screen::kReview;
        case IntentKind::kScanReceipt:
            return s == Screen::kStatus;
        case IntentKind::kSetStars:
            return s == Screen::kRate;
        default:
            return false;
    }
}

}  // namespace

Session::Session(const Config& config, const CategoryCatalog& catalog, const Clock& clock)
    : config_(config), catalog_(catalog), clock_(clock) {
    state_.language = config.default_language;
    start_accessibility();
    last_activity_ = screen_since_ = clock.monotonic();
}

// How a visit starts: the terminal's settings (a citizen changes them for the visit only).
void Session::start_accessibility() {
    state_.a11y.voice = config_.voice_prompts;
    state_.a11y.large_text = config_.large_text;
    state_.a11y.high_contrast = config_.high_contrast;
    state_.a11y.lower_screen = config_.lower_screen;
}

size_t Session::text_length() const {
    return utf8::length(state_.text());
}

bool Session::text_acceptable() const {
    const size_t n = text_length();
    return n >= static_cast<size_t>(config_.text_min_chars) &&
           n <= static_cast<size_t>(config_.text_max_chars);
}

size_t Session::max_chars(Field f) const {
    switch (f) {
        case Field::kText:
            return static_cast<size_t>(config_.text_max_chars);
        case Field::kSearch:
            return 40;
        case Field::kAddress:
            return 300;
        case Field::kName:
            return 100;
        case Field::kPhone:
            return 10;
        case Field::kEmail:
            return 254;  // RFC 5321's path limit
        case Field::kReceipt:
            return 8;  // XXXX-XXXX without its dash
        case Field::kComment:
            return 1000;
        case Field::kAnswer: {
            const auto& d = state_.details;
            const bool text =
                d.index < d.questions.size() && d.questions[d.index].datatype == "text";
            return text ? 1000 : 200;
        }
    }
    return 0;
}

FieldProblem Session::problem(Field f) const {
    const std::string& v = state_.field(f).value;
    switch (f) {
        case Field::kName:
            return check_name(v);
        case Field::kPhone:
            return check_phone(v);
        case Field::kEmail:
            return check_email(v);
        case Field::kAddress:
            return check_address(v);
        default:
            return FieldProblem::kOk;
    }
}

bool Session::here_available() const {
    return !config_.site_address.empty() || config_.site_lat != 0 || config_.site_lon != 0;
}

bool Session::handoff_available() const {
    return config_.adapter == "gateway";
}

bool Session::identified() const {
    return state_.who == WhoMode::kGosuslugi && state_.handoff.state == Handoff::State::kApproved;
}

bool Session::photo_required() const {
    const CategoryLeaf* l = leaf();
    return l && l->photo_required && config_.max_photos > 0;
}

namespace {
Place make_place(std::optional<double> lat, std::optional<double> lon, std::string address,
                 std::string source) {
    Place p;
    p.lat = lat;
    p.lon = lon;
    p.address = std::move(address);
    p.source = std::move(source);
    return p;
}
}  // namespace

std::optional<Place> Session::chosen_place() const {
    const PlaceStep& p = state_.place;
    switch (p.mode) {
        case PlaceMode::kHere: {
            if (!here_available()) return std::nullopt;
            Place out = make_place(std::nullopt, std::nullopt, config_.site_address, "here");
            if (config_.site_lat != 0 || config_.site_lon != 0) {
                out.lat = config_.site_lat;
                out.lon = config_.site_lon;
            }
            return out;
        }
        case PlaceMode::kMap: {
            if (!p.pin_lat || !p.pin_lon) return std::nullopt;
            Place out = make_place(p.pin_lat, p.pin_lon, {}, "map");
            // The address under the pin, from the region's (issue #23): the town first, as a
            // Russian address is written.
            if (p.pin_address_known && p.pin_address) {
                const AddressHit& h = p.pin_address->hit;
                out.address = h.city.empty() ? h.label() : h.city + ", " + h.label();
                out.address_from = "index";
                out.address_near = !p.pin_address->at;
            }
            return out;
        }
        case PlaceMode::kAddress: {
            if (problem(Field::kAddress) != FieldProblem::kOk) return std::nullopt;
            if (const AddressHit* h = chosen_address()) {
                Place out = make_place(h->lat, h->lon,
                                       h->city.empty() ? h->label() : h->city + ", " + h->label(),
                                       "address");
                out.address_from = "index";
                return out;
            }
            if (p.pin_needed && (!p.pin_lat || !p.pin_lon)) return std::nullopt;
            std::string a = state_.field(Field::kAddress).value;
            while (!a.empty() && (a.back() == ' ' || a.back() == '\n')) a.pop_back();
            Place out = p.pin_needed ? make_place(p.pin_lat, p.pin_lon, a, "address")
                                     : make_place(std::nullopt, std::nullopt, a, "address");
            // Text the region's index does not know: accepted, and marked so.
            if (addresses_available_) out.address_from = "typed";
            return out;
        }
        case PlaceMode::kNone:
            break;
    }
    return std::nullopt;
}

bool Session::step_complete(Screen s) const {
    switch (s) {
        case Screen::kCategory:
            return !state_.category_id.empty() &&
                   (!state_.leaf_id.empty() || leaves_shown().empty());
        case Screen::kDescription:
            return text_acceptable();
        case Screen::kDetails: {
            const auto& d = state_.details;
            return d.index < d.questions.size() &&
                   check_answer(d.questions[d.index], current_answer()) == AnswerProblem::kOk;
        }
        case Screen::kPhotos: {
            const PhotoStep& p = state_.photos;
            if (p.capturing || p.countdown_end.count() != 0) return false;
            if (p.mark) return false;  // hide it or cancel first: nothing marked is lost unseen
            for (const auto& ph : p.photos)
                if (ph.blurring) return false;
            return !photo_required() || !p.photos.empty();
        }
        case Screen::kPlace:
            // An address whose pin is still to come: on to the map for it.
            if (state_.place.mode == PlaceMode::kAddress && state_.place.pin_needed &&
                !state_.place.pin_for_address && !chosen_address())
                return problem(Field::kAddress) == FieldProblem::kOk;
            return chosen_place().has_value();
        case Screen::kWho:
            if (identified()) return true;
            return state_.who == WhoMode::kContact && problem(Field::kName) == FieldProblem::kOk &&
                   problem(Field::kPhone) == FieldProblem::kOk &&
                   problem(Field::kEmail) == FieldProblem::kOk;
        case Screen::kConsent:
            return state_.consent_unix_ms.has_value();
        default:
            return true;
    }
}

bool Session::can_apply(IntentKind k) const {
    const Screen s = state_.screen;
    switch (k) {
        case IntentKind::kSetLanguage:
        case IntentKind::kStillHere:
        case IntentKind::kToggleAccessibility:
        case IntentKind::kShowAccessibility:
            return s != Screen::kSubmitting;
        case IntentKind::kShowHelp:
            return step_number(s) > 0;
        case IntentKind::kCancel:
            return s != Screen::kAttract && s != Screen::kSubmitting;
        case IntentKind::kNext:
            if (s == Screen::kVote)
                return state_.vote.stage == VoteStep::Stage::kChoose &&
                       !state_.vote.option_id.empty();
            if (!step_complete(s)) return false;
            break;
        case IntentKind::kBack:
            // A vote that left the citizen's hands is not gone back on (issue #21, point 10);
            // one that could not be saved may be tried again.
            if (s == Screen::kVote)
                return state_.vote.stage == VoteStep::Stage::kDone
                           ? state_.vote.outcome == ActionOutcome::kFailed
                           : state_.vote.outcome != ActionOutcome::kSaving;
            if (s == Screen::kSupport)
                return state_.similar.support == ActionOutcome::kNone ||
                       state_.similar.support == ActionOutcome::kFailed;
            break;
        case IntentKind::kFinish:
            if (s == Screen::kVote && state_.vote.outcome == ActionOutcome::kSaving) return false;
            if (s == Screen::kSupport && state_.similar.support == ActionOutcome::kSaving)
                return false;
            break;
        case IntentKind::kVoteHere:
            return s == Screen::kPoll && can_vote_here();
        case IntentKind::kChooseOption:
            if (s == Screen::kDetails) {
                const auto& d = state_.details;
                return d.index < d.questions.size() && !d.questions[d.index].options.empty();
            }
            return s == Screen::kVote && state_.vote.stage == VoteStep::Stage::kChoose;
        case IntentKind::kCastVote:
            return s == Screen::kVote && state_.vote.stage == VoteStep::Stage::kConfirm;
        case IntentKind::kOpenSimilar:
            return s == Screen::kSimilar && !state_.similar.searching;
        case IntentKind::kSupport: {
            const auto& sim = state_.similar;
            return s == Screen::kSimilar && sim.selected >= 0 &&
                   sim.selected < static_cast<int>(sim.appeals.size());
        }
        case IntentKind::kSendSupport:
            return s == Screen::kSupport &&
                   (state_.similar.support == ActionOutcome::kNone ||
                    state_.similar.support == ActionOutcome::kFailed) &&
                   support_contact_ok();
        case IntentKind::kStart:
            if (state_.store_full) return false;  // said on the attract screen instead
            break;
        case IntentKind::kConsentAgree:
            return s == Screen::kConsent;
        case IntentKind::kSubmit:
            if (s != Screen::kReview) return false;
            for (Screen step : {Screen::kCategory, Screen::kDescription, Screen::kPhotos,
                                Screen::kPlace, Screen::kWho, Screen::kConsent})
                if (!step_complete(step)) return false;
            return details_complete();
        case IntentKind::kTakePhoto:
            return s == Screen::kPhotos && camera_ == CameraStatus::kReady &&
                   !state_.photos.capturing && state_.photos.countdown_end.count() == 0 &&
                   static_cast<int>(state_.photos.photos.size()) < config_.max_photos;
        case IntentKind::kRetakePhoto:
            return s == Screen::kPhotos && camera_ == CameraStatus::kReady &&
                   !state_.photos.capturing && state_.photos.countdown_end.count() == 0;
        case IntentKind::kApplyBlur:
            return s == Screen::kPhotos && state_.photos.mark.has_value();
        case IntentKind::kPlaceHere:
            return s == Screen::kPlace && here_available();
        case IntentKind::kPlaceMap:
        case IntentKind::kPlacePin:
        case IntentKind::kMapView:
            return s == Screen::kPlace && map_available_;
        case IntentKind::kChooseAddress:
            return s == Screen::kPlace && state_.place.mode == PlaceMode::kAddress &&
                   !state_.place.suggestions.empty();
        case IntentKind::kHandoffStart:
            if (s == Screen::kVote)
                return handoff_available() && state_.vote.stage == VoteStep::Stage::kIdentify;
            return s == Screen::kWho && handoff_available();
        case IntentKind::kPrint:
            return can_print();
        case IntentKind::kLookup:
            return s == Screen::kStatus && state_.status.state != StatusCheck::State::kLooking &&
                   parse_receipt_number(state_.field(Field::kReceipt).value).has_value();
        case IntentKind::kSetStars:
            return s == Screen::kRate && state_.rating.state == RatingStep::State::kEditing;
        case IntentKind::kRate:
            // Only an answer can be rated, and only with the platform's word that it is one.
            return s == Screen::kStatusResult && state_.status.result.status == "answered" &&
                   !state_.status.result.offline;
        case IntentKind::kSubmitRating:
            return s == Screen::kRate && state_.rating.state != RatingStep::State::kSaving &&
                   state_.rating.state != RatingStep::State::kSaved && rating_acceptable();
        default:
            break;
    }
    return stays_on(s, k) || find_transition(s, k) != nullptr;
}

void Session::go(Screen s) {
    if (s != state_.screen) state_.overlay = Overlay::kNone;
    state_.screen = s;
    screen_since_ = clock_.monotonic();
    // The keyboard types where the step needs it first.
    if (s == Screen::kDescription) state_.focus = Field::kText;
    if (s == Screen::kPlace) {
        PlaceStep& p = state_.place;
        p.pin_needed = map_available_ && pin_rule_ && pin_rule_();
        p.pin_for_address = false;
        if (p.mode == PlaceMode::kAddress) state_.focus = Field::kAddress;
    }
    if (s == Screen::kWho && state_.focus != Field::kPhone && state_.focus != Field::kEmail)
        state_.focus = Field::kName;
    if (s == Screen::kStatus) state_.focus = Field::kReceipt;
    if (s == Screen::kRate) state_.focus = Field::kComment;
    if (s == Screen::kDetails) state_.focus = Field::kAnswer;
    // The receipt is read out too: its number is what a citizen who cannot see it must keep.
    if (state_.a11y.voice && (step_number(s) > 0 || s == Screen::kReceipt))
        effect({Effect::Kind::kSpeak});
}

void Session::effect(Effect e) {
    e.visit = visit_;
    effects_.push_back(std::move(e));
}

std::vector<Effect> Session::take_effects() {
    return std::exchange(effects_, {});
}

void Session::wipe() {
    // Nothing of one citizen may reach the next: replace the whole state, do not patch it. Work
    // still running for this visit (a photo, the hand-off) reports to a visit that is gone.
    if (state_.handoff.state == Handoff::State::kStarting ||
        state_.handoff.state == Handoff::State::kWaiting)
        effect({Effect::Kind::kHandoffCancel});
    const bool full = state_.store_full;  // the terminal's, not the citizen's
    state_ = SessionState{};
    state_.store_full = full;
    state_.language = config_.default_language;
    start_accessibility();
    ++visit_;
    go(Screen::kAttract);
}

void Session::edit_field(const Intent& intent) {
    const Field f = state_.focus;
    TextField& t = field(f);
    switch (intent.kind) {
        case IntentKind::kInsertText: {
            std::string add = intent.text;
            if (f == Field::kPhone) {
                // The mask holds digits only; "+7" is printed before them.
                std::string digits;
                for (char c : add)
                    if (c >= '0' && c <= '9') digits += c;
                // "+7 916…" or "8 916…" pasted or typed whole: the country prefix is the mask's.
                if (t.value.empty() && digits.size() == 11 &&
                    (digits[0] == '7' || digits[0] == '8'))
                    digits.erase(0, 1);
                add = digits;
            }
            if (f == Field::kReceipt) {
                // Symbols of the receipt's alphabet only, upper case; the dash is the screen's.
                std::string sym;
                for (char c : add) {
                    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
                    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) sym += c;
                }
                add = sym;
            }
            if (f == Field::kEmail || f == Field::kSearch || f == Field::kName ||
                f == Field::kPhone || f == Field::kReceipt) {
                std::erase(add, '\n');  // one line
            }
            state_.text_truncated = !t.insert(add, max_chars(f));
            break;
        }
        case IntentKind::kBackspace:
            t.backspace();
            state_.text_truncated = false;
            break;
        case IntentKind::kCaretLeft:
            t.left();
            break;
        case IntentKind::kCaretRight:
            t.right();
            break;
        case IntentKind::kDeleteWord:
            t.delete_word();
            state_.text_truncated = false;
            break;
        default:
            break;
    }
}

void Session::start_handoff() {
    state_.who = WhoMode::kGosuslugi;
    if (state_.handoff.state == Handoff::State::kStarting ||
        state_.handoff.state == Handoff::State::kWaiting ||
        state_.handoff.state == Handoff::State::kApproved)
        return;
    state_.handoff = Handoff{};
    state_.handoff.state = Handoff::State::kStarting;
    effect({Effect::Kind::kHandoffStart});
}

void Session::start_countdown() {
    state_.photos.problem = PhotoProblem::kNone;
    state_.photos.selected = -1;
    state_.photos.mark.reset();
    if (config_.photo_countdown_s == 0) {
        state_.photos.capturing = true;
        effect({Effect::Kind::kCapture});
        return;
    }
    state_.photos.countdown_end = clock_.monotonic() + Millis(config_.photo_countdown_s * 1000);
}

void Session::set_camera_status(CameraStatus s) {
    if (s == camera_) return;
    camera_ = s;
    if (s == CameraStatus::kUnavailable && state_.photos.countdown_end.count() != 0) {
        state_.photos.countdown_end = Millis(0);
        state_.photos.problem = PhotoProblem::kCameraGone;
    }
}

std::optional<AcceptRequest> Session::apply(const Intent& intent) {
    auto out = apply_one(intent);
    ask_addresses();
    return out;
}

const AddressHit* Session::chosen_address() const {
    const PlaceStep& p = state_.place;
    if (!p.chosen) return nullptr;
    std::string typed = state_.field(Field::kAddress).value;
    while (!typed.empty() && (typed.back() == ' ' || typed.back() == '\n')) typed.pop_back();
    return typed == p.chosen->label() ? &*p.chosen : nullptr;
}

void Session::ask_addresses() {
    if (!addresses_available_ || state_.screen != Screen::kPlace) return;
    PlaceStep& p = state_.place;
    if (p.mode == PlaceMode::kAddress && !p.pin_for_address) {
        const std::string& typed = state_.field(Field::kAddress).value;
        if (typed != p.asked_text) {
            p.asked_text = typed;
            // Streets near the МФЦ first; without its place, near where the map looks.
            const bool site = config_.site_lat != 0 || config_.site_lon != 0;
            effect({Effect::Kind::kSuggestAddress, visit_, 0, typed,
                    site ? config_.site_lat : p.view.lat, site ? config_.site_lon : p.view.lon});
        }
    }
    if (p.pin_lat && p.pin_lon) {
        const std::pair<double, double> pin{*p.pin_lat, *p.pin_lon};
        if (p.asked_pin != pin) {
            p.asked_pin = pin;
            p.pin_address_known = false;
            effect({Effect::Kind::kNearestAddress, visit_, 0, {}, pin.first, pin.second});
        }
    }
}

void Session::on_address_suggestions(uint64_t visit, const std::string& typed,
                                     std::vector<AddressHit> hits) {
    if (visit != visit_ || typed != state_.field(Field::kAddress).value) return;
    state_.place.suggestions = std::move(hits);
    state_.place.suggested_for = typed;
}

void Session::on_nearest_address(uint64_t visit, double lat, double lon,
                                 std::optional<NearestAddress> found) {
    PlaceStep& p = state_.place;
    if (visit != visit_ || !p.pin_lat || !p.pin_lon || *p.pin_lat != lat || *p.pin_lon != lon)
        return;
    p.pin_address = std::move(found);
    p.pin_address_known = true;
}

std::optional<AcceptRequest> Session::apply_one(const Intent& intent) {
    last_activity_ = clock_.monotonic();
    if (!can_apply(intent.kind)) return std::nullopt;
    const Screen screen = state_.screen;
    switch (intent.kind) {
        case IntentKind::kSetLanguage:
            // A terminal set to Russian only (languages = "ru") offers no switch.
            if (intent.language != Language::kRu && !config_.english_offered) return std::nullopt;
            state_.language = intent.language;
            if (state_.a11y.voice && step_number(screen) > 0) effect({Effect::Kind::kSpeak});
            return std::nullopt;
        case IntentKind::kStillHere:
            return std::nullopt;
        case IntentKind::kToggleAccessibility: {
            Accessibility& a = state_.a11y;
            switch (static_cast<A11yOption>(intent.index)) {
                case A11yOption::kLargeText:
                    a.large_text = !a.large_text;
                    break;
                case A11yOption::kHighContrast:
                    a.high_contrast = !a.high_contrast;
                    break;
                case A11yOption::kLowerScreen:
                    a.lower_screen = !a.lower_screen;
                    break;
                case A11yOption::kVoice:
                    a.voice = !a.voice;
                    if (a.voice) effect({Effect::Kind::kSpeak});
                    break;
            }
            return std::nullopt;
        }
        case IntentKind::kShowHelp:
            state_.overlay = state_.overlay == Overlay::kHelp ? Overlay::kNone : Overlay::kHelp;
            if (state_.overlay == Overlay::kHelp && state_.a11y.voice)
                effect({Effect::Kind::kSpeak});
            return std::nullopt;
        case IntentKind::kShowAccessibility:
            state_.overlay = state_.overlay == Overlay::kAccessibility ? Overlay::kNone
                                                                       : Overlay::kAccessibility;
            return std::nullopt;
        case IntentKind::kCancel:
            wipe();
            return std::nullopt;
        case IntentKind::kFocus:
            if (intent.index >= 0 && intent.index < kFieldCount)
                state_.focus = static_cast<Field>(intent.index);
            if (screen == Screen::kPlace && state_.focus == Field::kAddress)
                state_.place.mode = PlaceMode::kAddress;
            return std::nullopt;
        case IntentKind::kInsertText:
        case IntentKind::kBackspace:
        case IntentKind::kCaretLeft:
        case IntentKind::kCaretRight:
        case IntentKind::kDeleteWord:
            edit_field(intent);
            return std::nullopt;
        case IntentKind::kOpenSearch:
            state_.searching = true;
            state_.focus = Field::kSearch;
            return std::nullopt;
        case IntentKind::kCloseSearch:
            state_.searching = false;
            field(Field::kSearch).clear();
            return std::nullopt;
        case IntentKind::kChooseCategory:
            if (!catalog_.find(intent.text)) return std::nullopt;
            state_.category_id = intent.text;
            state_.leaf_id.clear();
            // A category with causes to pick from shows them on the same screen.
            if (!leaves_shown().empty()) return std::nullopt;
            break;
        case IntentKind::kChooseLeaf: {
            // From the causes of the chosen category, or from the search results.
            const CategoryLeaf* l = catalog_.find_leaf(intent.text);
            const Date today = Date::from_unix_ms(clock_.unix_millis());
            if (!l || !l->in_season(today.month, today.day)) return std::nullopt;
            if (!state_.searching && l->top_id != state_.category_id) return std::nullopt;
            state_.category_id = l->top_id;
            state_.leaf_id = l->id;
            state_.searching = false;
            field(Field::kSearch).clear();
            break;
        }
        case IntentKind::kBack:
            if (screen == Screen::kVote) {
                if (state_.vote.stage == VoteStep::Stage::kConfirm) {
                    state_.vote.stage = VoteStep::Stage::kChoose;
                    return std::nullopt;
                }
                // Leaving the vote: a hand-off still waiting for the phone stops; one that failed
                // is forgotten (an approved identity stays for the rest of the visit).
                if (state_.handoff.state == Handoff::State::kStarting ||
                    state_.handoff.state == Handoff::State::kWaiting)
                    effect({Effect::Kind::kHandoffCancel});
                if (state_.handoff.state != Handoff::State::kApproved) {
                    state_.handoff = Handoff{};
                    state_.who = WhoMode::kUndecided;
                }
                break;
            }
            if (screen == Screen::kDetails) {
                keep_answer();
                if (state_.details.index > 0) {
                    show_question(state_.details.index - 1);
                    return std::nullopt;
                }
                go(Screen::kDescription);
                return std::nullopt;
            }
            if (screen == Screen::kPhotos && !state_.details.questions.empty()) {
                show_question(state_.details.questions.size() - 1);
                go(Screen::kDetails);
                return std::nullopt;
            }
            if (screen == Screen::kPlace && state_.place.pin_for_address) {
                state_.place.pin_for_address = false;  // back to the address typed
                state_.focus = Field::kAddress;
                return std::nullopt;
            }
            if (screen == Screen::kSimilar && state_.similar.selected >= 0) {
                state_.similar.selected = -1;
                return std::nullopt;
            }
            if (screen == Screen::kConsent && state_.similar.joining) {
                go(Screen::kSupport);  // the +1's consent: back to its contact
                return std::nullopt;
            }
            if (screen == Screen::kSupport) {
                // Not joining after all: a consent given for the +1 is not the report's.
                auto& sim = state_.similar;
                sim.joining = false;
                sim.consent_unix_ms.reset();
                sim.consent_declined = false;
            }
            // From the causes (or the search) back to all categories, before leaving the screen.
            if (screen == Screen::kCategory && state_.searching) {
                state_.searching = false;
                field(Field::kSearch).clear();
                return std::nullopt;
            }
            if (screen == Screen::kCategory && !state_.category_id.empty() &&
                !leaves_shown().empty()) {
                state_.category_id.clear();
                state_.leaf_id.clear();
                return std::nullopt;
            }
            break;
        case IntentKind::kEdit: {
            const Screen to = static_cast<Screen>(intent.index);
            if (step_number(to) == 0 || to == Screen::kReview || to == Screen::kConsent ||
                to == Screen::kSimilar || to == Screen::kSupport)
                return std::nullopt;
            if (to == Screen::kDetails && state_.details.questions.empty()) return std::nullopt;
            state_.editing = true;
            if (to == Screen::kDetails) show_question(0);
            if (to == Screen::kCategory) {
                state_.category_id.clear();  // the grid, with the old choice forgotten only
                state_.leaf_id.clear();      // when a new one is made
            }
            go(to);
            return std::nullopt;
        }
        case IntentKind::kNext:
            if (screen == Screen::kDetails) {
                keep_answer();
                if (state_.details.index + 1 < state_.details.questions.size()) {
                    show_question(state_.details.index + 1);
                    return std::nullopt;
                }
                go(state_.editing ? Screen::kReview : Screen::kPhotos);
                if (state_.screen == Screen::kReview) state_.editing = false;
                return std::nullopt;
            }
            if (screen == Screen::kDescription) {
                // The service's questions for this kind of problem, if its city asks any; the
                // answers already given stay for the questions that are still asked.
                auto& d = state_.details;
                d.questions =
                    questions_ ? questions_(appeal_category()) : std::vector<ServiceQuestion>{};
                std::erase_if(d.answers, [&](const Answer& a) {
                    return std::none_of(d.questions.begin(), d.questions.end(),
                                        [&](const auto& q) { return q.code == a.first; });
                });
                if (!d.questions.empty()) {
                    show_question(0);
                    go(Screen::kDetails);
                    return std::nullopt;
                }
            }
            // (An address chosen from the region's has its point already.)
            if (screen == Screen::kPlace && state_.place.mode == PlaceMode::kAddress &&
                state_.place.pin_needed && !state_.place.pin_for_address && !chosen_address()) {
                state_.place.pin_for_address = true;  // the address typed: now its pin
                return std::nullopt;
            }
            if (state_.editing) {
                go(Screen::kReview);
                return std::nullopt;
            }
            if (screen == Screen::kVote) {
                state_.vote.stage = VoteStep::Stage::kConfirm;
                return std::nullopt;
            }
            if (screen == Screen::kPlace && config_.similar_radius_m > 0 && handoff_available()) {
                // Before a new appeal: those already made about this place, when it has
                // coordinates to search around.
                const auto place = chosen_place();
                if (place && place->lat && place->lon) {
                    state_.similar = SimilarStep{};
                    state_.similar.searching = true;
                    Effect e{Effect::Kind::kFindSimilar};
                    e.data = appeal_category();
                    e.x = *place->lat;
                    e.y = *place->lon;
                    e.radius_m = config_.similar_radius_m;
                    effect(std::move(e));
                    go(Screen::kSimilar);
                    return std::nullopt;
                }
            }
            break;
        // Voting on the kiosk
        case IntentKind::kVoteHere:
            state_.vote = VoteStep{};
            if (identified()) {
                state_.vote.stage = VoteStep::Stage::kChoose;
            } else {
                state_.vote.stage = VoteStep::Stage::kIdentify;
                start_handoff();  // the QR comes at once: one tap less
            }
            break;
        case IntentKind::kChooseOption: {
            if (screen == Screen::kDetails) {
                auto& d = state_.details;
                const ServiceQuestion& q = d.questions[d.index];
                if (std::none_of(q.options.begin(), q.options.end(),
                                 [&](const auto& o) { return o.first == intent.text; }))
                    return std::nullopt;
                auto it = std::find_if(d.answers.begin(), d.answers.end(),
                                       [&](const Answer& a) { return a.first == q.code; });
                if (it == d.answers.end()) it = d.answers.insert(d.answers.end(), {q.code, {}});
                auto& values = it->second;
                const auto chosen = std::find(values.begin(), values.end(), intent.text);
                if (q.datatype == "multivaluelist") {
                    if (chosen == values.end())
                        values.push_back(intent.text);
                    else
                        values.erase(chosen);  // a second tap takes it back
                } else {
                    values = {intent.text};
                }
                if (values.empty()) d.answers.erase(it);
                return std::nullopt;
            }
            const sync::replies::Poll* p = poll();
            if (!p || std::none_of(p->options.begin(), p->options.end(),
                                   [&](const auto& o) { return o.id == intent.text; }))
                return std::nullopt;
            state_.vote.option_id = intent.text;
            return std::nullopt;
        }
        case IntentKind::kCastVote:
            state_.vote.stage = VoteStep::Stage::kDone;
            state_.vote.outcome = ActionOutcome::kSaving;
            {
                Effect e{Effect::Kind::kSaveAction};
                e.action = vote_action(state_.poll_id, state_.vote.option_id,
                                       state_.handoff.subject, clock_.unix_millis());
                state_.vote.action_uuid = e.action.uuid;
                effect(std::move(e));
            }
            return std::nullopt;
        // Similar appeals
        case IntentKind::kOpenSimilar: {
            const int n = static_cast<int>(state_.similar.appeals.size());
            state_.similar.selected = intent.index >= 0 && intent.index < n ? intent.index : -1;
            return std::nullopt;
        }
        case IntentKind::kSupport:
            state_.similar.support = ActionOutcome::kNone;
            state_.focus = Field::kName;
            break;
        case IntentKind::kSendSupport:
            // A contact goes through the same 152-ФЗ consent step as a report's; a +1 without
            // one carries no personal data and goes at once.
            if (support_has_contact() && !state_.similar.consent_unix_ms) {
                state_.similar.joining = true;
                state_.similar.consent_declined = false;
                go(Screen::kConsent);
                return std::nullopt;
            }
            send_support();
            return std::nullopt;
        // Photos
        case IntentKind::kTakePhoto:
            start_countdown();
            return std::nullopt;
        case IntentKind::kRetakePhoto:
        case IntentKind::kDeletePhoto: {
            auto& photos = state_.photos.photos;
            if (intent.index < 0 || intent.index >= static_cast<int>(photos.size()))
                return std::nullopt;
            photos.erase(photos.begin() + intent.index);
            state_.photos.selected = -1;
            state_.photos.mark.reset();
            state_.photos.problem = PhotoProblem::kNone;
            if (intent.kind == IntentKind::kRetakePhoto) start_countdown();
            return std::nullopt;
        }
        case IntentKind::kSelectPhoto: {
            const int n = static_cast<int>(state_.photos.photos.size());
            state_.photos.selected = intent.index >= 0 && intent.index < n ? intent.index : -1;
            state_.photos.mark.reset();
            return std::nullopt;
        }
        case IntentKind::kMarkBlur: {
            PhotoStep& ps = state_.photos;
            if (intent.index != ps.selected || intent.index < 0 ||
                intent.index >= static_cast<int>(ps.photos.size()) ||
                ps.photos[intent.index].blurring)
                return std::nullopt;
            auto in01 = [](double v) { return v >= 0 && v <= 1; };
            if (!in01(intent.x) || !in01(intent.y) || !(intent.w >= 0) || !(intent.h >= 0))
                return std::nullopt;
            if (intent.w == 0 || intent.h == 0) {
                ps.mark = region_for_touch(intent.x, intent.y);
            } else {
                // What the finger drew, inside the picture and not thinner than a finger's
                // width could mean (a drawn line is a region of 5 % at least).
                PhotoRegion r{intent.x, intent.y, std::min(intent.w, 1 - intent.x),
                              std::min(intent.h, 1 - intent.y)};
                auto widen = [](double& at, double& len) {
                    if (len >= kMinMark) return;
                    at = std::clamp(at - (kMinMark - len) / 2, 0.0, 1 - kMinMark);
                    len = kMinMark;
                };
                widen(r.x, r.w);
                widen(r.y, r.h);
                ps.mark = r;
            }
            ps.problem = PhotoProblem::kNone;
            return std::nullopt;
        }
        case IntentKind::kCancelBlur:
            state_.photos.mark.reset();
            return std::nullopt;
        case IntentKind::kApplyBlur: {
            PhotoStep& ps = state_.photos;
            if (!ps.mark || intent.index != ps.selected || intent.index < 0 ||
                intent.index >= static_cast<int>(ps.photos.size()))
                return std::nullopt;
            PhotoDraft& p = ps.photos[intent.index];
            if (p.blurring) return std::nullopt;
            p.blurring = true;
            ps.problem = PhotoProblem::kNone;
            Effect e{Effect::Kind::kBlur, 0, p.id, p.jpeg, ps.mark->x, ps.mark->y};
            e.w = ps.mark->w;
            e.h = ps.mark->h;
            ps.mark.reset();
            effect(std::move(e));
            return std::nullopt;
        }
        // Place
        case IntentKind::kPlaceHere:
            state_.place.mode = PlaceMode::kHere;
            state_.place.pin_for_address = false;
            return std::nullopt;
        case IntentKind::kPlaceMap:
            state_.place.mode = PlaceMode::kMap;
            state_.place.pin_for_address = false;
            return std::nullopt;
        case IntentKind::kPlaceAddress:
            state_.place.mode = PlaceMode::kAddress;
            state_.place.pin_for_address = false;
            state_.focus = Field::kAddress;
            return std::nullopt;
        case IntentKind::kPlacePin:
            if (intent.x < -90 || intent.x > 90 || intent.y < -180 || intent.y > 180)
                return std::nullopt;
            // The pin of a typed address keeps the address; any other makes the map the place.
            if (!state_.place.pin_for_address) state_.place.mode = PlaceMode::kMap;
            state_.place.pin_lat = intent.x;
            state_.place.pin_lon = intent.y;
            return std::nullopt;
        case IntentKind::kMapView:
            state_.place.view = MapView{intent.x, intent.y, intent.index};
            return std::nullopt;
        case IntentKind::kChooseAddress: {
            PlaceStep& p = state_.place;
            if (intent.index < 0 || intent.index >= static_cast<int>(p.suggestions.size()))
                return std::nullopt;
            const AddressHit hit = p.suggestions[static_cast<size_t>(intent.index)];
            TextField& t = field(Field::kAddress);
            // A street: its name, and the house number to type after it. A house: done, and
            // its point is the pin.
            t.value = hit.house.empty() ? hit.street + ", " : hit.label();
            t.caret = t.value.size();
            p.pin_lat = hit.lat;
            p.pin_lon = hit.lon;
            if (hit.house.empty()) {
                p.chosen.reset();
            } else {
                p.chosen = hit;
                p.suggestions.clear();
            }
            return std::nullopt;
        }
        // Who you are
        case IntentKind::kHandoffStart:
            start_handoff();
            return std::nullopt;
        case IntentKind::kHandoffCancel:
        case IntentKind::kUseContact:
            if (state_.handoff.state == Handoff::State::kStarting ||
                state_.handoff.state == Handoff::State::kWaiting)
                effect({Effect::Kind::kHandoffCancel});
            if (state_.handoff.state != Handoff::State::kApproved ||
                intent.kind == IntentKind::kUseContact)
                state_.handoff = Handoff{};
            state_.who =
                intent.kind == IntentKind::kUseContact ? WhoMode::kContact : WhoMode::kUndecided;
            if (state_.who == WhoMode::kContact) state_.focus = Field::kName;
            return std::nullopt;
        // Consent
        case IntentKind::kConsentAgree:
            if (state_.similar.joining) {
                state_.similar.consent_unix_ms = clock_.unix_millis();
                state_.similar.consent_declined = false;
                go(Screen::kSupport);
                send_support();
                return std::nullopt;
            }
            state_.consent_unix_ms = clock_.unix_millis();
            state_.consent_declined = false;
            break;
        case IntentKind::kConsentDecline:
            if (state_.similar.joining) {
                state_.similar.consent_unix_ms.reset();
                state_.similar.consent_declined = true;
                return std::nullopt;
            }
            state_.consent_unix_ms.reset();
            state_.consent_declined = true;
            return std::nullopt;
        // Receipt
        case IntentKind::kPrint:
            if (intent.text.empty() || !can_print()) return std::nullopt;
            state_.print = PrintState::kPrinting;
            effect({Effect::Kind::kPrint, 0, 0, intent.text});
            return std::nullopt;
        case IntentKind::kSubmit:
            state_.submit_problem = SubmitProblem::kNone;
            break;
        // Status check
        case IntentKind::kCheckStatus:
            state_.status = StatusCheck{};
            break;
        case IntentKind::kScanReceipt:
            state_.status.scanning = !state_.status.scanning;
            if (state_.status.state == StatusCheck::State::kNotAReceipt)
                state_.status.state = StatusCheck::State::kIdle;
            return std::nullopt;
        case IntentKind::kOpenPoll: {
            const auto open = open_polls();
            if (std::none_of(open.begin(), open.end(),
                             [&](const sync::replies::Poll* p) { return p->id == intent.text; }))
                return std::nullopt;
            state_.poll_id = intent.text;
            break;
        }
        case IntentKind::kRate:
            state_.rating = RatingStep{};
            field(Field::kComment).clear();
            break;
        case IntentKind::kSetStars:
            if (intent.index < 1 || intent.index > 5) return std::nullopt;
            state_.rating.stars = intent.index;
            return std::nullopt;
        case IntentKind::kSubmitRating: {
            state_.rating.state = RatingStep::State::kSaving;
            Rating r;
            r.uuid = new_uuid();
            r.receipt_number = state_.status.result.receipt_number;
            r.stars = state_.rating.stars;
            r.comment = state_.field(Field::kComment).value;
            while (!r.comment.empty() && (r.comment.back() == ' ' || r.comment.back() == '\n'))
                r.comment.pop_back();
            r.created_unix_ms = clock_.unix_millis();
            Effect e{Effect::Kind::kSaveRating};
            e.rating = std::move(r);
            effect(std::move(e));
            return std::nullopt;
        }
        case IntentKind::kLookup:
            state_.status.state = StatusCheck::State::kLooking;
            state_.status.scanning = false;
            effect({Effect::Kind::kLookup, 0, 0,
                    *parse_receipt_number(state_.field(Field::kReceipt).value)});
            return std::nullopt;
        case IntentKind::kFinish:
            wipe();
            return std::nullopt;
        default:
            break;
    }
    const Transition* t = find_transition(state_.screen, intent.kind);
    if (!t) return std::nullopt;
    // Choosing the topic while editing from review goes back there when nothing else is missing.
    const bool chose =
        intent.kind == IntentKind::kChooseCategory || intent.kind == IntentKind::kChooseLeaf;
    // (or to the photo step, when the new cause needs a photo the appeal does not have).
    if (chose && state_.editing)
        go(step_complete(Screen::kPhotos) ? Screen::kReview : Screen::kPhotos);
    else
        go(t->to);
    if (state_.screen == Screen::kReview) state_.editing = false;
    if (intent.kind != IntentKind::kSubmit) return std::nullopt;
    return submission();
}

AcceptRequest Session::submission() {
    AcceptRequest r;
    Appeal& a = r.appeal;
    if (state_.submitted_uuid.empty()) {
        state_.submitted_uuid = new_uuid();
        state_.submitted_receipt = new_receipt_number();
    }
    a.uuid = state_.submitted_uuid;
    a.receipt_number = state_.submitted_receipt;
    a.category_id = appeal_category();
    // Trailing spaces and newlines carry nothing and would count against the minimum length.
    a.text = state_.text();
    while (!a.text.empty() && (a.text.back() == ' ' || a.text.back() == '\n')) a.text.pop_back();
    a.language = state_.language;
    a.created_unix_ms = clock_.unix_millis();
    a.place = chosen_place();
    a.answers = state_.details.answers;
    for (const auto& p : state_.photos.photos) r.photos.push_back(p.jpeg);
    Contact c;
    if (identified()) {
        a.kind = "appeal";
        c.subject = state_.handoff.subject;
        c.name = state_.handoff.display_name;
    } else {
        c.name = state_.field(Field::kName).value;
        while (!c.name.empty() && c.name.back() == ' ') c.name.pop_back();
        c.phone = phone_e164(state_.field(Field::kPhone).value);
        c.email = state_.field(Field::kEmail).value;
    }
    r.contact = c;
    r.consent = Consent{config_.consent_version, state_.consent_unix_ms.value_or(0)};
    return r;
}

std::vector<const CategoryLeaf*> Session::leaves_shown() const {
    std::vector<const CategoryLeaf*> out;
    if (state_.category_id.empty()) return out;
    const Date today = Date::from_unix_ms(clock_.unix_millis());
    for (const auto& l : catalog_.leaves())
        if (l.top_id == state_.category_id && l.in_season(today.month, today.day))
            out.push_back(&l);
    return out;
}

std::vector<const CategoryLeaf*> Session::search_results(size_t limit) const {
    std::vector<const CategoryLeaf*> out;
    const std::string query = fold_for_search(state_.field(Field::kSearch).value);
    std::vector<std::string> words;
    for (size_t i = 0; i < query.size();) {
        const size_t sp = query.find(' ', i);
        const size_t end = sp == std::string::npos ? query.size() : sp;
        if (end > i) words.push_back(query.substr(i, end - i));
        i = end + 1;
    }
    if (words.empty()) return out;
    const Date today = Date::from_unix_ms(clock_.unix_millis());
    for (const auto& l : catalog_.leaves()) {
        if (!l.in_season(today.month, today.day)) continue;
        const Category* top = catalog_.find(l.top_id);
        // Both languages: a tourist may search in English on the Russian screen, and back.
        const std::string hay =
            fold_for_search(l.name_ru + " " + l.name_en + " " + l.group_ru + " " + l.group_en +
                            " " + (top ? top->name_ru + " " + top->name_en : ""));
        if (std::all_of(words.begin(), words.end(),
                        [&](const std::string& w) { return hay.find(w) != std::string::npos; }))
            out.push_back(&l);
        if (out.size() >= limit) break;
    }
    return out;
}

std::vector<std::string> Session::obscene_words() const {
    return ObsceneFilter::bundled().find(state_.text());
}

std::string Session::appeal_category() const {
    return state_.leaf_id.empty() ? state_.category_id : state_.leaf_id;
}

void Session::on_saved(const Receipt& receipt) {
    if (state_.screen != Screen::kSubmitting) return;
    // The appeal is in the store: the citizen's photos and contact leave the session now, the
    // receipt is all that stays until the screen closes.
    const Language lang = state_.language;
    const Accessibility a11y = state_.a11y;
    const std::string leaf_id = state_.leaf_id, category_id = state_.category_id;
    const bool full = state_.store_full;
    state_ = SessionState{};
    state_.language = lang;
    state_.a11y = a11y;
    state_.category_id = category_id;  // the receipt names the topic and the cause
    state_.leaf_id = leaf_id;
    state_.store_full = full;
    state_.receipt = receipt;
    const Deadline due = answer_due(
        receipt.created_unix_ms ? receipt.created_unix_ms : clock_.unix_millis(), leaf_id);
    state_.receipt->answer_by = due.date.ru();
    state_.receipt->answer_by_estimated = due.estimated;
    go(Screen::kReceipt);
    effect({Effect::Kind::kCheckPrinter});
}

std::vector<const sync::replies::Poll*> Session::open_polls() const {
    std::vector<const sync::replies::Poll*> out;
    if (!polls_) return out;
    const int64_t now = clock_.unix_millis();
    for (const auto& p : *polls_)
        if (p.deadline_ms == 0 || p.deadline_ms > now) out.push_back(&p);
    std::stable_sort(out.begin(), out.end(),
                     [](const auto* a, const auto* b) { return a->deadline_ms < b->deadline_ms; });
    return out;
}

const sync::replies::Poll* Session::poll() const {
    for (const auto* p : open_polls())
        if (p->id == state_.poll_id) return p;
    return nullptr;
}

const WorkCalendar& Session::calendar() const {
    return calendar_ ? *calendar_ : WorkCalendar::bundled();
}

void Session::on_save_failed(SubmitProblem problem) {
    if (state_.screen != Screen::kSubmitting) return;
    state_.submit_problem = problem;
    go(Screen::kReview);  // nothing typed is lost; the citizen can try again or ask staff
}

void Session::on_photo_taken(uint64_t visit, PhotoDraft photo) {
    if (visit != visit_) return;
    state_.photos.capturing = false;
    if (static_cast<int>(state_.photos.photos.size()) >= config_.max_photos) return;
    photo.id = next_photo_id_++;
    state_.photos.photos.push_back(std::move(photo));
    state_.photos.selected = static_cast<int>(state_.photos.photos.size()) - 1;  // to review it
    state_.photos.mark.reset();
}

void Session::on_photo_failed(uint64_t visit, PhotoProblem problem) {
    if (visit != visit_) return;
    state_.photos.capturing = false;
    state_.photos.problem = problem;
}

void Session::on_photo_blurred(uint64_t visit, uint64_t photo_id, std::string jpeg,
                               std::string thumbnail) {
    if (visit != visit_) return;
    for (auto& p : state_.photos.photos)
        if (p.id == photo_id) {
            p.jpeg = std::move(jpeg);
            p.thumbnail = std::move(thumbnail);
            p.blurring = false;
            ++p.blurs;
            // A new id: the UI's texture of the unblurred picture must not be reused.
            p.id = next_photo_id_++;
        }
}

void Session::on_blur_failed(uint64_t visit, uint64_t photo_id) {
    if (visit != visit_) return;
    for (auto& p : state_.photos.photos)
        if (p.id == photo_id) p.blurring = false;
    state_.photos.problem = PhotoProblem::kBlurFailed;
}

void Session::on_handoff(uint64_t visit, const Handoff& update) {
    if (visit != visit_ || state_.who != WhoMode::kGosuslugi) return;
    state_.handoff = update;
    if (state_.screen == Screen::kVote && state_.vote.stage == VoteStep::Stage::kIdentify &&
        identified())
        state_.vote.stage = VoteStep::Stage::kChoose;
}

bool Session::can_vote_here() const {
    const sync::replies::Poll* p = poll();
    return p && p->kind != "discussion" && !p->options.empty() && handoff_available();
}

int Session::step() const {
    if (state_.screen == Screen::kConsent && state_.similar.joining)
        return step_number(Screen::kSupport);
    return step_number(state_.screen);
}

std::string Session::help_name() const {
    if (state_.screen == Screen::kConsent && state_.similar.joining) return "consent_support";
    return screen_name(state_.screen);
}

bool Session::support_has_contact() const {
    return !state_.field(Field::kName).value.empty() || !state_.field(Field::kPhone).value.empty();
}

void Session::send_support() {
    auto& sim = state_.similar;
    sim.support = ActionOutcome::kSaving;
    Contact c;
    c.name = state_.field(Field::kName).value;
    while (!c.name.empty() && c.name.back() == ' ') c.name.pop_back();
    if (!state_.field(Field::kPhone).value.empty())
        c.phone = phone_e164(state_.field(Field::kPhone).value);
    std::optional<Consent> consent;
    if (support_has_contact() && sim.consent_unix_ms)
        consent = Consent{config_.consent_version, *sim.consent_unix_ms};
    Effect e{Effect::Kind::kSaveAction};
    e.action = support_action(sim.appeals[static_cast<size_t>(sim.selected)].receipt_number, c,
                              clock_.unix_millis(), consent);
    sim.action_uuid = e.action.uuid;
    effect(std::move(e));
}

bool Session::support_contact_ok() const {
    const std::string& name = state_.field(Field::kName).value;
    const std::string& phone = state_.field(Field::kPhone).value;
    if (name.empty() && phone.empty()) return true;  // anonymous +1
    return check_name(name) == FieldProblem::kOk && check_phone(phone) == FieldProblem::kOk;
}

void Session::on_action(uint64_t visit, const std::string& uuid, ActionOutcome outcome,
                        std::string earlier_option) {
    // Only the action the screen waits for: an older one's late word changes nothing.
    if (visit != visit_ || uuid.empty()) return;
    if (state_.screen == Screen::kVote && state_.vote.action_uuid == uuid &&
        state_.vote.outcome == ActionOutcome::kSaving) {
        state_.vote.outcome = outcome;
        if (outcome == ActionOutcome::kDuplicate)
            state_.vote.earlier_option_id = std::move(earlier_option);
    } else if (state_.screen == Screen::kSupport && state_.similar.action_uuid == uuid &&
               state_.similar.support == ActionOutcome::kSaving) {
        state_.similar.support = outcome;
        // The contact was given for the platform; it leaves the screen once it is stored.
        if (outcome != ActionOutcome::kFailed) {
            field(Field::kName).clear();
            field(Field::kPhone).clear();
        }
    }
}

void Session::on_similar(uint64_t visit, std::vector<SimilarAppeal> found, bool offline) {
    if (visit != visit_ || state_.screen != Screen::kSimilar || !state_.similar.searching) return;
    state_.similar.searching = false;
    if (found.empty()) {
        go(Screen::kDescription);  // nothing like it nearby: on with the new appeal
        return;
    }
    for (auto& a : found)
        if (!a.photo.empty()) a.photo_id = next_photo_id_++;
    state_.similar.appeals = std::move(found);
    state_.similar.offline = offline;
}

Deadline Session::answer_due(int64_t created_unix_ms, const std::string& leaf_id) const {
    // The leaf's deadline in working days (30 without a leaf: the longest a сообщение waits),
    // counted from the day of submission, Moscow time.
    const CategoryLeaf* l = catalog_.find_leaf(leaf_id);
    return calendar().add_working_days(Date::from_unix_ms(created_unix_ms),
                                       l ? l->deadline_working_days : 30);
}

void Session::on_lookup(uint64_t visit, StatusCheck::State state, StatusResult result) {
    if (visit != visit_ || state_.screen != Screen::kStatus ||
        state_.status.state != StatusCheck::State::kLooking)
        return;
    // The receipt's date, for the screen to show when the platform has none and to compare with
    // the platform's when it has (issue #21, point 9).
    if (result.created_unix_ms == 0 && !result.history.empty())
        result.created_unix_ms = result.history.front().second;
    if (result.created_unix_ms > 0)
        result.receipt_answer_by = answer_due(result.created_unix_ms, result.category).date.ru();
    state_.status.state = state;
    state_.status.result = std::move(result);
    if (state == StatusCheck::State::kFound) go(Screen::kStatusResult);
}

bool Session::rating_acceptable() const {
    const int stars = state_.rating.stars;
    if (stars < 1 || stars > 5) return false;
    if (stars > 2) return true;
    size_t meaningful = 0;
    for (char c : state_.field(Field::kComment).value) meaningful += c != ' ' && c != '\n';
    return meaningful >= 3;
}

void Session::on_rating_saved(uint64_t visit, bool ok) {
    if (visit != visit_ || state_.screen != Screen::kRate) return;
    state_.rating.state = ok ? RatingStep::State::kSaved : RatingStep::State::kFailed;
    // The comment was given for the platform; it leaves the screen once it is stored.
    if (ok) field(Field::kComment).clear();
}

void Session::on_receipt_scanned(uint64_t visit, const std::string& payload) {
    if (visit != visit_ || !scanning()) return;
    auto number = parse_receipt_number(payload);
    if (!number) {
        state_.status.state = StatusCheck::State::kNotAReceipt;
        return;
    }
    TextField& f = field(Field::kReceipt);
    f.value = number->substr(0, 4) + number->substr(5);
    f.caret = f.value.size();
    apply({IntentKind::kLookup});
}

void Session::on_printed(uint64_t visit, drivers::PrintProblem problem) {
    if (visit != visit_ || state_.screen != Screen::kReceipt) return;
    state_.print =
        problem == drivers::PrintProblem::kNone ? PrintState::kPrinted : PrintState::kFailed;
    state_.print_problem = problem;
    state_.print_failure = problem;
}

void Session::on_printer_checked(uint64_t visit, drivers::PrintProblem problem) {
    if ((visit != 0 && visit != visit_) || state_.screen != Screen::kReceipt) return;
    if (state_.print == PrintState::kPrinting) return;  // the print's own result will say
    state_.print_problem = problem;
}

bool Session::can_print() const {
    return state_.screen == Screen::kReceipt && state_.print != PrintState::kPrinting &&
           state_.print_problem == drivers::PrintProblem::kNone;
}

Millis Session::idle_for() const {
    return clock_.monotonic() - last_activity_;
}

std::optional<int> Session::idle_countdown_left() const {
    if (state_.screen == Screen::kAttract || state_.screen == Screen::kSubmitting ||
        state_.screen == Screen::kReceipt)
        return std::nullopt;
    const Millis idle = idle_for();
    const Millis start = Millis(config_.idle_timeout_s * 1000);
    if (idle < start) return std::nullopt;
    const int64_t left_ms = config_.idle_countdown_s * 1000 - (idle - start).count();
    return static_cast<int>(std::max<int64_t>(0, (left_ms + 999) / 1000));
}

std::optional<int> Session::receipt_seconds_left() const {
    if (state_.screen != Screen::kReceipt) return std::nullopt;
    const int64_t left =
        config_.receipt_timeout_s * 1000 - (clock_.monotonic() - screen_since_).count();
    return static_cast<int>(std::max<int64_t>(0, (left + 999) / 1000));
}

std::optional<int> Session::photo_countdown_left() const {
    if (state_.photos.countdown_end.count() == 0) return std::nullopt;
    const int64_t left = (state_.photos.countdown_end - clock_.monotonic()).count();
    return static_cast<int>(std::max<int64_t>(0, (left + 999) / 1000));
}

std::optional<int> Session::handoff_seconds_left() const {
    if (state_.handoff.state != Handoff::State::kWaiting) return std::nullopt;
    const int64_t left = state_.handoff.expires_unix_ms - clock_.unix_millis();
    return static_cast<int>(std::max<int64_t>(0, (left + 999) / 1000));
}

bool Session::tick() {
    const Screen before = state_.screen;
    bool changed = false;
    if (state_.screen == Screen::kReceipt &&
        clock_.monotonic() - screen_since_ >= Millis(config_.receipt_timeout_s * 1000)) {
        wipe();
    } else if (auto left = idle_countdown_left(); left && *left == 0) {
        wipe();
    } else if (state_.photos.countdown_end.count() != 0 &&
               clock_.monotonic() >= state_.photos.countdown_end) {
        state_.photos.countdown_end = Millis(0);
        if (state_.screen == Screen::kPhotos && camera_ == CameraStatus::kReady) {
            state_.photos.capturing = true;
            effect({Effect::Kind::kCapture});
        } else {
            state_.photos.problem = PhotoProblem::kCameraGone;
        }
        changed = true;
    }
    return changed || state_.screen != before;
}

Millis Session::next_deadline() const {
    const Millis now = clock_.monotonic();
    constexpr Millis kFar{3'600'000};
    const Millis next_second = now + Millis(1000);
    switch (state_.screen) {
        case Screen::kAttract:
        case Screen::kSubmitting:
            return now + kFar;
        case Screen::kReceipt:
            // Once a second: the receipt shows how long until it closes.
            return std::min(screen_since_ + Millis(config_.receipt_timeout_s * 1000), next_second);
        default:
            break;
    }
    Millis next = now + kFar;
    // The numbers of the photo and hand-off countdowns change each second.
    if (state_.photos.countdown_end.count() != 0)
        next = std::min({next, state_.photos.countdown_end,
                         now + Millis(1 + (state_.photos.countdown_end - now).count() % 1000)});
    if (state_.handoff.state == Handoff::State::kWaiting) next = std::min(next, next_second);
    const Millis countdown_at = last_activity_ + Millis(config_.idle_timeout_s * 1000);
    if (now < countdown_at) return std::min(next, countdown_at);
    return std::min(next, now + Millis(1000 - (now - countdown_at).count() % 1000));
}

//-----------------------------------------------------------------------------
// [SECTION] The city service's questions
//-----------------------------------------------------------------------------

namespace {

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
    return std::string(s);
}

// «ДД.ММ.ГГГГ» (or Д.М.ГГГГ) as a real calendar date → "ГГГГ-ММ-ДД"; "" when it is not one.
std::string iso_date(std::string_view typed) {
    int d = 0, m = 0, y = 0;
    char tail = 0;
    const std::string t(typed);
    // As typed (ДД.ММ.ГГГГ), or as kept (ГГГГ-ММ-ДД).
    if (std::sscanf(t.c_str(), "%d.%d.%d%c", &d, &m, &y, &tail) != 3 &&
        (t.size() != 10 || std::sscanf(t.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3))
        return {};
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return {};
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > kDays[m - 1] || (m == 2 && d == 29 && !leap)) return {};
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
    return out;
}

}  // namespace

std::string answer_value(const ServiceQuestion& q, std::string_view typed) {
    std::string v = trimmed(typed);
    if (q.datatype == "number") std::replace(v.begin(), v.end(), ',', '.');
    if (q.datatype == "datetime") return iso_date(v);
    return v;
}

AnswerProblem check_answer(const ServiceQuestion& q, const std::vector<std::string>& values) {
    if (values.empty() || (values.size() == 1 && trimmed(values[0]).empty()))
        return q.required ? AnswerProblem::kRequired : AnswerProblem::kOk;
    if (q.datatype == "number") {
        const std::string v = answer_value(q, values[0]);
        char* end = nullptr;
        std::strtod(v.c_str(), &end);
        if (v.empty() || *end != 0 || v.find_first_not_of("0123456789.-") != std::string::npos)
            return AnswerProblem::kNotANumber;
    }
    if (q.datatype == "datetime" && answer_value(q, values[0]).empty())
        return AnswerProblem::kNotADate;
    return AnswerProblem::kOk;
}

std::vector<std::string> Session::current_answer() const {
    const auto& d = state_.details;
    if (d.index >= d.questions.size()) return {};
    const ServiceQuestion& q = d.questions[d.index];
    if (q.options.empty()) {
        const std::string& typed = state_.field(Field::kAnswer).value;
        if (trimmed(typed).empty()) return {};
        return {typed};
    }
    for (const auto& a : d.answers)
        if (a.first == q.code) return a.second;
    return {};
}

bool Session::details_complete() const {
    const auto& d = state_.details;
    for (const auto& q : d.questions) {
        std::vector<std::string> values;
        for (const auto& a : d.answers)
            if (a.first == q.code) values = a.second;
        if (check_answer(q, values) != AnswerProblem::kOk) return false;
    }
    return true;
}

void Session::keep_answer() {
    auto& d = state_.details;
    if (d.index >= d.questions.size()) return;
    const ServiceQuestion& q = d.questions[d.index];
    if (!q.options.empty()) return;  // chosen with kChooseOption, kept at once
    std::erase_if(d.answers, [&](const Answer& a) { return a.first == q.code; });
    const std::string& typed = field(Field::kAnswer).value;
    if (trimmed(typed).empty()) return;
    // Kept as sent when acceptable; otherwise as typed, so Back and forth loses nothing.
    const std::string v =
        check_answer(q, {typed}) == AnswerProblem::kOk ? answer_value(q, typed) : trimmed(typed);
    d.answers.push_back({q.code, {v}});
    // In the questions' order, whatever order they were answered in.
    auto order = [&](const Answer& a) {
        return std::find_if(d.questions.begin(), d.questions.end(),
                            [&](const auto& x) { return x.code == a.first; }) -
               d.questions.begin();
    };
    std::stable_sort(d.answers.begin(), d.answers.end(),
                     [&](const Answer& x, const Answer& y) { return order(x) < order(y); });
}

void Session::show_question(size_t index) {
    auto& d = state_.details;
    d.index = index;
    TextField& f = field(Field::kAnswer);
    f.clear();
    if (index >= d.questions.size() || !d.questions[index].options.empty()) return;
    for (const auto& a : d.answers)
        if (a.first == d.questions[index].code && !a.second.empty()) {
            const ServiceQuestion& q = d.questions[index];
            std::string shown = a.second.front();
            // A date kept as ISO is shown as typed: ДД.ММ.ГГГГ.
            if (q.datatype == "datetime" && shown.size() == 10 && shown[4] == '-')
                shown = shown.substr(8, 2) + "." + shown.substr(5, 2) + "." + shown.substr(0, 4);
            f.insert(shown, max_chars(Field::kAnswer));
        }
    state_.focus = Field::kAnswer;
}

}  // namespace vmeste::core
