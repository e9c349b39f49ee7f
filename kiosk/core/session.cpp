#include "kiosk/core/session.h"

#include <algorithm>
#include <array>

#include "kiosk/core/obscene.h"
#include "kiosk/core/utf8.h"
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
        case Screen::kReview:
            return "review";
        case Screen::kSubmitting:
            return "submitting";
        case Screen::kReceipt:
            return "receipt";
    }
    return "?";
}

namespace {

// The citizen journey as one table: (screen, intent) → next screen. An intent not in the table
// for the current screen is ignored. Guards that need the session (text length) are in can_apply.
struct Transition {
    Screen from;
    IntentKind on;
    Screen to;
};

// clang-format off
constexpr std::array kFlow = {
    //          from                 on                          to
    Transition{Screen::kAttract,     IntentKind::kStart,          Screen::kCategory},
    Transition{Screen::kCategory,    IntentKind::kChooseCategory, Screen::kDescription},  // or its leaves
    Transition{Screen::kCategory,    IntentKind::kChooseLeaf,     Screen::kDescription},
    Transition{Screen::kCategory,    IntentKind::kBack,           Screen::kAttract},
    Transition{Screen::kDescription, IntentKind::kNext,           Screen::kReview},
    Transition{Screen::kDescription, IntentKind::kBack,           Screen::kCategory},
    Transition{Screen::kReview,      IntentKind::kSubmit,         Screen::kSubmitting},
    Transition{Screen::kReview,      IntentKind::kBack,           Screen::kDescription},
    Transition{Screen::kReview,      IntentKind::kEditCategory,   Screen::kCategory},
    Transition{Screen::kReview,      IntentKind::kEditText,       Screen::kDescription},
    Transition{Screen::kReceipt,     IntentKind::kFinish,         Screen::kAttract},
};
// clang-format on

const Transition* find_transition(Screen from, IntentKind on) {
    for (const auto& t : kFlow)
        if (t.from == from && t.on == on) return &t;
    return nullptr;
}

}  // namespace

Session::Session(const Config& config, const CategoryCatalog& catalog, const Clock& clock)
    : config_(config), catalog_(catalog), clock_(clock) {
    state_.language = config.default_language;
    last_activity_ = screen_since_ = clock.monotonic();
}

size_t Session::text_length() const {
    return utf8::length(state_.text);
}

bool Session::text_acceptable() const {
    const size_t n = text_length();
    return n >= static_cast<size_t>(config_.text_min_chars) &&
           n <= static_cast<size_t>(config_.text_max_chars);
}

bool Session::can_apply(IntentKind k) const {
    switch (k) {
        case IntentKind::kInsertText:
        case IntentKind::kBackspace:
            return state_.screen == Screen::kDescription;
        case IntentKind::kSetLanguage:
        case IntentKind::kStillHere:
            return true;
        case IntentKind::kCancel:
            return state_.screen != Screen::kAttract && state_.screen != Screen::kSubmitting;
        case IntentKind::kNext:
            if (state_.screen == Screen::kDescription && !text_acceptable()) return false;
            break;
        case IntentKind::kStart:
            if (state_.store_full) return false;  // said on the attract screen instead
            break;
        default:
            break;
    }
    return find_transition(state_.screen, k) != nullptr;
}

void Session::go(Screen s) {
    state_.screen = s;
    screen_since_ = clock_.monotonic();
}

void Session::wipe() {
    // Nothing of one citizen may reach the next: replace the whole state, do not patch it.
    const bool full = state_.store_full;  // the terminal's, not the citizen's
    state_ = SessionState{};
    state_.store_full = full;
    state_.language = config_.default_language;
    go(Screen::kAttract);
}

std::optional<Appeal> Session::apply(const Intent& intent) {
    last_activity_ = clock_.monotonic();
    if (!can_apply(intent.kind)) return std::nullopt;
    switch (intent.kind) {
        case IntentKind::kSetLanguage:
            state_.language = intent.language;
            return std::nullopt;
        case IntentKind::kStillHere:
            return std::nullopt;
        case IntentKind::kCancel:
            wipe();
            return std::nullopt;
        case IntentKind::kInsertText: {
            std::string add = utf8::sanitize(intent.text);
            const size_t room = config_.text_max_chars > static_cast<int>(text_length())
                                    ? config_.text_max_chars - text_length()
                                    : 0;
            std::string_view fits = utf8::prefix(add, room);
            state_.text_truncated = fits.size() < add.size();
            state_.text.append(fits);
            return std::nullopt;
        }
        case IntentKind::kBackspace:
            utf8::pop_back(state_.text);
            state_.text_truncated = false;
            return std::nullopt;
        case IntentKind::kChooseCategory:
            if (!catalog_.find(intent.text)) return std::nullopt;
            state_.category_id = intent.text;
            state_.leaf_id.clear();
            // A category with causes to pick from shows them on the same screen.
            if (!leaves_shown().empty()) return std::nullopt;
            break;
        case IntentKind::kChooseLeaf: {
            const auto shown = leaves_shown();
            if (std::none_of(shown.begin(), shown.end(),
                             [&](const CategoryLeaf* l) { return l->id == intent.text; }))
                return std::nullopt;
            state_.leaf_id = intent.text;
            break;
        }
        case IntentKind::kBack:
            // From the causes back to all categories, before leaving the screen.
            if (state_.screen == Screen::kCategory && !state_.category_id.empty() &&
                !leaves_shown().empty()) {
                state_.category_id.clear();
                state_.leaf_id.clear();
                return std::nullopt;
            }
            break;
        case IntentKind::kSubmit:
            state_.submit_problem = SubmitProblem::kNone;
            break;
        case IntentKind::kFinish:
            wipe();
            return std::nullopt;
        default:
            break;
    }
    go(find_transition(state_.screen, intent.kind)->to);
    if (intent.kind != IntentKind::kSubmit) return std::nullopt;

    Appeal a;
    a.uuid = new_uuid();
    a.category_id = appeal_category();
    // Trailing spaces and newlines carry nothing and would count against the minimum length.
    a.text = state_.text;
    while (!a.text.empty() && (a.text.back() == ' ' || a.text.back() == '\n')) a.text.pop_back();
    a.language = state_.language;
    a.created_unix_ms = clock_.unix_millis();
    return a;
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

std::vector<std::string> Session::obscene_words() const {
    return ObsceneFilter::bundled().find(state_.text);
}

std::string Session::appeal_category() const {
    return state_.leaf_id.empty() ? state_.category_id : state_.leaf_id;
}

void Session::on_saved(const Receipt& receipt) {
    if (state_.screen != Screen::kSubmitting) return;
    state_.receipt = receipt;
    // The answer is due within the leaf's deadline in working days (30 without a leaf: the
    // longest a сообщение waits), counted from the day of submission, Moscow time.
    const CategoryLeaf* leaf = catalog_.find_leaf(state_.leaf_id);
    const Deadline due = WorkCalendar::bundled().add_working_days(
        Date::from_unix_ms(receipt.created_unix_ms ? receipt.created_unix_ms
                                                   : clock_.unix_millis()),
        leaf ? leaf->deadline_working_days : 30);
    state_.receipt->answer_by = due.date.ru();
    state_.receipt->answer_by_estimated = due.estimated;
    go(Screen::kReceipt);
}

void Session::on_save_failed(SubmitProblem problem) {
    if (state_.screen != Screen::kSubmitting) return;
    state_.submit_problem = problem;
    go(Screen::kReview);  // nothing typed is lost; the citizen can try again or ask staff
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

bool Session::tick() {
    const Screen before = state_.screen;
    if (state_.screen == Screen::kReceipt &&
        clock_.monotonic() - screen_since_ >= Millis(config_.receipt_timeout_s * 1000)) {
        wipe();
    } else if (auto left = idle_countdown_left(); left && *left == 0) {
        wipe();
    }
    return state_.screen != before;
}

Millis Session::next_deadline() const {
    const Millis now = clock_.monotonic();
    constexpr Millis kFar{3'600'000};
    switch (state_.screen) {
        case Screen::kAttract:
        case Screen::kSubmitting:
            return now + kFar;
        case Screen::kReceipt:
            // Once a second: the receipt shows how long until it closes.
            return std::min(screen_since_ + Millis(config_.receipt_timeout_s * 1000),
                            now + Millis(1000));
        default:
            break;
    }
    const Millis countdown_at = last_activity_ + Millis(config_.idle_timeout_s * 1000);
    if (now < countdown_at) return countdown_at;
    return now + Millis(1000 - (now - countdown_at).count() % 1000);  // next whole second
}

}  // namespace vmeste::core
