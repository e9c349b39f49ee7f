#include "kiosk/core/session.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

using namespace vmeste;
using namespace vmeste::core;

namespace {

struct SessionTest : ::testing::Test {
    Config config = [] {
        Config c;
        c.site_address = "Москва, ул. Тверская, 1 (МФЦ)";
        c.site_lat = 55.7575;
        c.site_lon = 37.6136;
        c.similar_radius_m = 0;  // the "similar appeals" screen has tests of its own
        return c;
    }();
    ManualClock clock;
    Session session{config, CategoryCatalog::bundled(), clock};

    // Attract → category → cause: the place step comes next (issue #21, point 8).
    void to_place(const char* leaf = "roads.road.pothole") {
        session.apply({IntentKind::kStart});
        session.apply({IntentKind::kChooseCategory,
                       std::string(leaf).substr(0, std::string(leaf).find('.'))});
        session.apply({IntentKind::kChooseLeaf, leaf});
    }
    // … and "here, in this МФЦ": on to the description.
    void to_description(const char* leaf = "roads.road.pothole") {
        to_place(leaf);
        session.apply({IntentKind::kPlaceHere});
        session.apply({IntentKind::kNext});
    }
    void type(Field f, const std::string& text) {
        session.apply({IntentKind::kFocus, "", Language::kRu, static_cast<int>(f)});
        session.apply({IntentKind::kInsertText, text});
    }
    // From the description (text typed) to review: no photo, name and phone, consent.
    void to_review() {
        session.apply({IntentKind::kNext});  // → photos
        if (session.photo_required() && session.state().photos.photos.empty())
            session.on_photo_taken(session.visit(), photo());
        session.apply({IntentKind::kNext});  // → who
        session.apply({IntentKind::kUseContact});
        type(Field::kName, "Анна");
        type(Field::kPhone, "9161234567");
        session.apply({IntentKind::kNext});  // → consent
        session.apply({IntentKind::kConsentAgree});
    }
    // To the "who are you" step with "here", a plain text and no photo.
    void to_who(const char* leaf = "housing.building.hot_water") {
        to_description(leaf);
        session.apply({IntentKind::kInsertText, "Нет горячей воды третий день"});
        session.apply({IntentKind::kNext});
        session.apply({IntentKind::kNext});
    }
    Screen screen() const { return session.state().screen; }
    const std::string& text() const { return session.state().text(); }
    PhotoDraft photo(const std::string& bytes = "jpeg") {
        PhotoDraft d;
        d.jpeg = bytes;
        d.thumbnail = "thumb";
        d.width = 2048;
        d.height = 1536;
        return d;
    }
};

}  // namespace

TEST_F(SessionTest, FollowsTheFlowFromAttractToSubmit) {
    EXPECT_EQ(screen(), Screen::kAttract);
    session.apply({IntentKind::kStart});
    EXPECT_EQ(screen(), Screen::kCategory);
    session.apply({IntentKind::kChooseCategory, "roads"});
    session.apply({IntentKind::kChooseLeaf, "roads.road.pothole"});
    // Where before what (issue #21, point 8): the place, then the description.
    EXPECT_EQ(screen(), Screen::kPlace);
    EXPECT_EQ(step_number(screen()), 2);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "nothing chosen yet";
    session.apply({IntentKind::kPlaceHere});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kDescription);
    EXPECT_EQ(step_number(screen()), 3);
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kPhotos);
    EXPECT_EQ(step_number(screen()), 4);
    ASSERT_TRUE(session.photo_required()) << "a pothole wants a photo";
    session.on_photo_taken(session.visit(), photo());
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kWho);
    // And back the same way: who → photos → description → place → category.
    for (Screen s : {Screen::kPhotos, Screen::kDescription, Screen::kPlace, Screen::kCategory}) {
        session.apply({IntentKind::kBack});
        EXPECT_EQ(screen(), s);
    }
    session.apply({IntentKind::kChooseCategory, "roads"});
    session.apply({IntentKind::kChooseLeaf, "roads.road.pothole"});
    EXPECT_EQ(screen(), Screen::kPlace);
    ASSERT_TRUE(session.can_apply(IntentKind::kNext)) << "the place chosen is kept";
    session.apply({IntentKind::kNext});
    EXPECT_EQ(text(), "Яма на дороге у дома 5") << "and the text";
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kPhotos);
    session.apply({IntentKind::kBack});
    to_review();
    EXPECT_EQ(screen(), Screen::kReview);
    auto request = session.apply({IntentKind::kSubmit});
    ASSERT_TRUE(request);
    EXPECT_EQ(screen(), Screen::kSubmitting);
    const Appeal& appeal = request->appeal;
    EXPECT_EQ(appeal.category_id, "roads.road.pothole");
    EXPECT_EQ(appeal.text, "Яма на дороге у дома 5");
    EXPECT_EQ(appeal.created_unix_ms, clock.unix_millis());
    EXPECT_EQ(appeal.kind, "message");
    ASSERT_TRUE(appeal.place);
    EXPECT_EQ(appeal.place->source, "here");
    EXPECT_EQ(appeal.place->address, config.site_address);
    EXPECT_DOUBLE_EQ(*appeal.place->lat, 55.7575);
    ASSERT_TRUE(request->contact);
    EXPECT_EQ(request->contact->name, "Анна");
    EXPECT_EQ(request->contact->phone, "+79161234567");
    ASSERT_TRUE(request->consent);
    EXPECT_EQ(request->consent->version, config.consent_version);
    EXPECT_EQ(request->consent->accepted_unix_ms, clock.unix_millis());
}

TEST_F(SessionTest, UnknownCategoryIsIgnored) {
    session.apply({IntentKind::kStart});
    session.apply({IntentKind::kChooseCategory, "no-such-topic"});
    EXPECT_EQ(screen(), Screen::kCategory);
    EXPECT_EQ(session.state().category_id, "");
}

TEST_F(SessionTest, NextNeedsTheMinimumLength) {
    to_description();
    session.apply({IntentKind::kInsertText, "коротко"});  // 7 < 10
    EXPECT_FALSE(session.can_apply(IntentKind::kNext));
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kDescription);
    session.apply({IntentKind::kInsertText, " ещё"});
    EXPECT_TRUE(session.can_apply(IntentKind::kNext));
}

TEST_F(SessionTest, TextStopsAtTheMaximumAndSaysSo) {
    config.text_max_chars = 100;
    to_description();
    session.apply({IntentKind::kInsertText, std::string(60, 'a')});
    session.apply(
        {IntentKind::kInsertText, std::string(30, 'b') + "ёёёёёёёёёёёёёёё"});  // 105 total
    EXPECT_EQ(session.text_length(), 100u);
    EXPECT_TRUE(session.state().text_truncated);
    EXPECT_EQ(text().substr(90), "ёёёёёёёёёё");
    session.apply({IntentKind::kBackspace});
    EXPECT_EQ(session.text_length(), 99u);
    EXPECT_FALSE(session.state().text_truncated);
}

TEST_F(SessionTest, ControlCharactersNeverReachTheText) {
    to_description();
    session.apply({IntentKind::kInsertText, "a\x1b[2Jb\xff"});
    EXPECT_EQ(text(), "a[2Jb");
}

TEST_F(SessionTest, BackKeepsWhatWasTyped) {
    to_description();
    session.apply({IntentKind::kInsertText, "Не горит фонарь"});
    session.apply({IntentKind::kBack});
    EXPECT_EQ(screen(), Screen::kPlace);
    session.apply({IntentKind::kBack});
    EXPECT_EQ(screen(), Screen::kCategory);
    session.apply({IntentKind::kChooseCategory, "improvement"});
    session.apply({IntentKind::kChooseLeaf, "improvement.yard.playground"});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kDescription);
    EXPECT_EQ(text(), "Не горит фонарь");
}

TEST_F(SessionTest, ReviewCanEditEitherStep) {
    to_description("housing.building.hot_water");
    session.apply({IntentKind::kInsertText, "Не вывозят мусор"});
    to_review();
    ASSERT_EQ(screen(), Screen::kReview);
    session.apply({IntentKind::kEdit, "", Language::kRu, static_cast<int>(Screen::kCategory)});
    EXPECT_EQ(screen(), Screen::kCategory);
    session.apply({IntentKind::kChooseCategory, "housing"});
    session.apply({IntentKind::kChooseLeaf, "housing.building.hot_water"});
    EXPECT_EQ(screen(), Screen::kReview) << "choosing the topic again returns to review";
    session.apply({IntentKind::kEdit, "", Language::kRu, static_cast<int>(Screen::kDescription)});
    EXPECT_EQ(screen(), Screen::kDescription);
    session.apply({IntentKind::kInsertText, " во дворе"});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kReview) << "the primary action of an edited step is «done»";
    EXPECT_EQ(text(), "Не вывозят мусор во дворе");
    // A topic whose cause needs a photo sends the citizen through the photo step.
    session.apply({IntentKind::kEdit, "", Language::kRu, static_cast<int>(Screen::kCategory)});
    session.apply({IntentKind::kChooseCategory, "housing"});
    session.apply({IntentKind::kChooseLeaf, "housing.building.roof"});
    EXPECT_EQ(screen(), Screen::kPhotos);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext));
    session.on_photo_taken(session.visit(), photo());
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kReview);
    EXPECT_TRUE(session.can_apply(IntentKind::kSubmit));
}

TEST_F(SessionTest, IdleShowsACountdownThenWipesEverything) {
    to_description();
    session.apply({IntentKind::kSetLanguage, "", Language::kEn});
    session.apply({IntentKind::kInsertText, "личные сведения"});
    clock.advance(Millis(89'000));
    EXPECT_FALSE(session.idle_countdown_left());
    clock.advance(Millis(2'000));
    ASSERT_TRUE(session.idle_countdown_left());
    EXPECT_EQ(*session.idle_countdown_left(), 19);
    EXPECT_FALSE(session.tick());
    clock.advance(Millis(19'000));
    EXPECT_TRUE(session.tick());
    EXPECT_EQ(screen(), Screen::kAttract);
    EXPECT_EQ(text(), "");
    EXPECT_EQ(session.state().category_id, "");
    EXPECT_EQ(session.state().language, Language::kRu);
}

TEST_F(SessionTest, AnyTouchCancelsTheCountdown) {
    to_description();
    clock.advance(Millis(95'000));
    ASSERT_TRUE(session.idle_countdown_left());
    session.apply({IntentKind::kStillHere});
    EXPECT_FALSE(session.idle_countdown_left());
    clock.advance(Millis(30'000));
    EXPECT_FALSE(session.tick());
    EXPECT_EQ(screen(), Screen::kDescription);
}

TEST_F(SessionTest, NoTimeoutWhileSaving) {
    to_description();
    session.apply({IntentKind::kInsertText, "Сломана скамейка в парке"});
    to_review();
    ASSERT_TRUE(session.apply({IntentKind::kSubmit}));
    clock.advance(Millis(600'000));
    EXPECT_FALSE(session.tick());
    EXPECT_EQ(screen(), Screen::kSubmitting);
}

TEST_F(SessionTest, ReceiptClosesByItselfAndWipes) {
    to_description();
    session.apply({IntentKind::kInsertText, "Сломана скамейка в парке"});
    to_review();
    ASSERT_TRUE(session.apply({IntentKind::kSubmit}));
    session.on_saved({"7K3Q-9PXA", "http://x/t/7K3Q-9PXA", 1, {}, false});
    EXPECT_EQ(screen(), Screen::kReceipt);
    EXPECT_EQ(*session.receipt_seconds_left(), config.receipt_timeout_s);
    clock.advance(Millis(config.receipt_timeout_s * 1000));
    EXPECT_TRUE(session.tick());
    EXPECT_EQ(screen(), Screen::kAttract);
    EXPECT_FALSE(session.state().receipt);
}

TEST_F(SessionTest, AFailedSaveReturnsToReviewWithTheTextIntact) {
    to_description();
    session.apply({IntentKind::kInsertText, "Сломана скамейка в парке"});
    to_review();
    ASSERT_TRUE(session.apply({IntentKind::kSubmit}));
    session.on_save_failed(SubmitProblem::kStoreFull);
    EXPECT_EQ(screen(), Screen::kReview);
    EXPECT_EQ(session.state().submit_problem, SubmitProblem::kStoreFull);
    EXPECT_EQ(text(), "Сломана скамейка в парке");
}

// A save the screen called failed may have reached the disk after all (issue #17, point 8): the
// next submit of the same visit is the same appeal — same id, same receipt number — and the next
// visit's is a new one.
TEST_F(SessionTest, ASubmitAfterAFailedSaveIsTheSameAppealAndTheNextVisitsIsNew) {
    to_description();
    session.apply({IntentKind::kInsertText, "Сломана скамейка в парке"});
    to_review();
    auto first = session.apply({IntentKind::kSubmit});
    ASSERT_TRUE(first);
    session.on_save_failed(SubmitProblem::kStorageFailed);
    auto second = session.apply({IntentKind::kSubmit});
    ASSERT_TRUE(second);
    EXPECT_FALSE(first->appeal.uuid.empty());
    EXPECT_FALSE(first->appeal.receipt_number.empty());
    EXPECT_EQ(second->appeal.uuid, first->appeal.uuid);
    EXPECT_EQ(second->appeal.receipt_number, first->appeal.receipt_number);
    session.on_save_failed(SubmitProblem::kStorageFailed);
    // The citizen walks away: the idle wipe ends the visit.
    clock.advance(Millis(95'000));
    session.tick();
    clock.advance(Millis(30'000));
    session.tick();
    ASSERT_EQ(screen(), Screen::kAttract);
    to_description();
    session.apply({IntentKind::kInsertText, "Другая проблема у другого дома"});
    to_review();
    auto next_visit = session.apply({IntentKind::kSubmit});
    ASSERT_TRUE(next_visit);
    EXPECT_NE(next_visit->appeal.uuid, first->appeal.uuid);
    EXPECT_NE(next_visit->appeal.receipt_number, first->appeal.receipt_number);
}

TEST_F(SessionTest, SubmittingTwiceSavesOnce) {
    to_description();
    session.apply({IntentKind::kInsertText, "Сломана скамейка в парке"});
    to_review();
    EXPECT_TRUE(session.apply({IntentKind::kSubmit}));
    EXPECT_FALSE(session.apply({IntentKind::kSubmit}));  // a double tap
}

TEST_F(SessionTest, NextDeadlineIsTheCountdownStart) {
    to_description();
    EXPECT_EQ(session.next_deadline(), clock.monotonic() + Millis(90'000));
}

TEST(SessionLeaves, ACategoryShowsItsCausesInSeasonAndBackReturnsToAllTopics) {
    Config config;
    ManualClock july(1'783'000'000'000);  // 2026-07-02
    Session session(config, CategoryCatalog::bundled(), july);
    session.apply({IntentKind::kStart});
    session.apply({IntentKind::kChooseCategory, "improvement"});
    EXPECT_EQ(session.state().screen, Screen::kCategory) << "the causes show on the same screen";
    std::vector<std::string> ids;
    for (const auto* l : session.leaves_shown()) ids.push_back(l->id);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "improvement.yard.snow"), 0) << "snow in July";
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "improvement.yard.grass"), 1);
    // A leaf of another category, or a hidden one, is refused.
    session.apply({IntentKind::kChooseLeaf, "improvement.yard.snow"});
    session.apply({IntentKind::kChooseLeaf, "roads.road.pothole"});
    EXPECT_EQ(session.state().screen, Screen::kCategory);
    // Back goes to all topics first, then out.
    session.apply({IntentKind::kBack});
    EXPECT_EQ(session.state().screen, Screen::kCategory);
    EXPECT_TRUE(session.state().category_id.empty());
    session.apply({IntentKind::kChooseCategory, "other"});
    ASSERT_EQ(session.leaves_shown().size(), 1u);  // «Другое» is always there
    session.apply({IntentKind::kChooseLeaf, "other.other.other"});
    EXPECT_EQ(session.state().screen, Screen::kPlace);
    EXPECT_EQ(session.appeal_category(), "other.other.other");
}

TEST(SessionLeaves, TheReceiptCarriesTheAnswerDateInWorkingDays) {
    Config config;
    ManualClock clock(1'796'072'400'000);  // 2026-12-01 00:00 Moscow, a Tuesday
    Session session(config, CategoryCatalog::bundled(), clock);
    session.apply({IntentKind::kStart});
    session.apply({IntentKind::kChooseCategory, "roads"});
    session.apply({IntentKind::kChooseLeaf, "roads.road.pothole"});  // 10 working days
    session.apply({IntentKind::kPlaceAddress});
    session.apply({IntentKind::kInsertText, "ул. Ленина, 5"});
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    session.apply({IntentKind::kNext});
    session.on_photo_taken(session.visit(), PhotoDraft{0, "jpeg", "thumb", 2048, 1536, 0, false});
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kUseContact});
    session.apply({IntentKind::kInsertText, "Иван Петров"});
    session.apply({IntentKind::kFocus, "", Language::kRu, static_cast<int>(Field::kPhone)});
    session.apply({IntentKind::kInsertText, "+7 (916) 123-45-67"});
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kConsentAgree});
    ASSERT_TRUE(session.apply({IntentKind::kSubmit}));
    session.on_saved({"7K3Q-9PXA", "http://x/t/7K3Q-9PXA", clock.unix_millis(), {}, false});
    EXPECT_EQ(session.state().receipt->answer_by, "15.12.2026");
    EXPECT_FALSE(session.state().receipt->answer_by_estimated);
}

TEST_F(SessionTest, TheCaretMovesAndEditsInTheMiddle) {
    to_description();
    session.apply({IntentKind::kInsertText, "Яма у дома"});
    for (int i = 0; i < 4; ++i) session.apply({IntentKind::kCaretLeft});  // before «дома»
    session.apply({IntentKind::kInsertText, "моего "});
    EXPECT_EQ(text(), "Яма у моего дома");
    session.apply({IntentKind::kDeleteWord});  // «моего » goes, back to the word start
    EXPECT_EQ(text(), "Яма у дома");
    session.apply({IntentKind::kBackspace});  // the space before the caret
    EXPECT_EQ(text(), "Яма удома");
    for (int i = 0; i < 20; ++i) session.apply({IntentKind::kCaretRight});  // stops at the end
    session.apply({IntentKind::kInsertText, "!"});
    EXPECT_EQ(text(), "Яма удома!");
    for (int i = 0; i < 20; ++i) session.apply({IntentKind::kCaretLeft});  // stops at the start
    session.apply({IntentKind::kBackspace});                               // nothing before it
    EXPECT_EQ(text(), "Яма удома!");
}

TEST_F(SessionTest, ContactFieldsValidateAndThePhoneKeepsDigitsOnly) {
    to_who();
    ASSERT_EQ(screen(), Screen::kWho);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "neither way chosen yet";
    session.apply({IntentKind::kUseContact});
    type(Field::kName, "A1");
    EXPECT_EQ(session.problem(Field::kName), FieldProblem::kNameCharacters);
    session.apply({IntentKind::kFocus, "", Language::kRu, static_cast<int>(Field::kName)});
    session.apply({IntentKind::kDeleteWord});
    session.apply({IntentKind::kInsertText, "Мария-Анна д'Арк"});
    EXPECT_EQ(session.problem(Field::kName), FieldProblem::kOk);
    type(Field::kPhone, "8 (916) 12");
    EXPECT_EQ(session.state().field(Field::kPhone).value, "891612");
    EXPECT_EQ(session.problem(Field::kPhone), FieldProblem::kPhoneIncomplete);
    EXPECT_EQ(format_phone("891612"), "+7 (891) 612");
    session.apply({IntentKind::kInsertText, "345678"});  // ten digits at most
    EXPECT_EQ(session.state().field(Field::kPhone).value, "8916123456");
    EXPECT_EQ(session.problem(Field::kPhone), FieldProblem::kOk);
    type(Field::kEmail, "anna@");
    EXPECT_EQ(session.problem(Field::kEmail), FieldProblem::kEmailFormat);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "a bad optional e-mail still blocks";
    session.apply({IntentKind::kInsertText, "почта.рф"});
    EXPECT_EQ(session.problem(Field::kEmail), FieldProblem::kOk);
    EXPECT_TRUE(session.can_apply(IntentKind::kNext));
    EXPECT_EQ(check_phone("1234567890"), FieldProblem::kPhoneCode);
    EXPECT_EQ(check_email("a b@c.ru"), FieldProblem::kEmailFormat);
    EXPECT_EQ(check_email("a@b"), FieldProblem::kEmailFormat);
    EXPECT_EQ(check_email(""), FieldProblem::kOk);
    EXPECT_EQ(check_name(" "), FieldProblem::kEmpty);
    EXPECT_EQ(check_address("дом"), FieldProblem::kAddressTooShort);
}

TEST_F(SessionTest, APhotoIsTakenAfterTheCountdownOnTheWorker) {
    to_description("improvement.lighting.light_out");  // photo required
    session.apply({IntentKind::kInsertText, "Не горит фонарь во дворе"});
    session.apply({IntentKind::kNext});
    ASSERT_EQ(screen(), Screen::kPhotos);
    EXPECT_TRUE(session.photo_required());
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "a required photo cannot be skipped";
    EXPECT_FALSE(session.can_apply(IntentKind::kTakePhoto)) << "the camera is not ready yet";
    session.set_camera_status(CameraStatus::kReady);
    session.apply({IntentKind::kTakePhoto});
    EXPECT_EQ(*session.photo_countdown_left(), 3);
    EXPECT_TRUE(session.take_effects().empty()) << "nothing is shot before the countdown ends";
    clock.advance(Millis(2'000));
    EXPECT_FALSE(session.tick());
    EXPECT_EQ(*session.photo_countdown_left(), 1);
    clock.advance(Millis(1'000));
    EXPECT_TRUE(session.tick());
    auto effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    EXPECT_EQ(effects[0].kind, Effect::Kind::kCapture);
    EXPECT_TRUE(session.state().photos.capturing);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "not while the shot is prepared";
    session.on_photo_taken(effects[0].visit, photo("first"));
    EXPECT_EQ(session.state().photos.photos.size(), 1u);
    EXPECT_EQ(session.state().photos.selected, 0) << "the new photo is shown for review";
    EXPECT_TRUE(session.can_apply(IntentKind::kNext));

    // Hiding: a touch outlines a third of the photo around it; nothing is hidden until «Скрыть»,
    // and the step cannot be left with a region outlined and not hidden.
    EXPECT_FALSE(session.can_apply(IntentKind::kApplyBlur)) << "nothing marked";
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 0, 0.25, 0.5});
    ASSERT_TRUE(session.state().photos.mark);
    EXPECT_NEAR(session.state().photos.mark->x, 0.25 - 1.0 / 6, 1e-9);
    EXPECT_NEAR(session.state().photos.mark->y, 0.5 - 1.0 / 6, 1e-9);
    EXPECT_NEAR(session.state().photos.mark->w, 1.0 / 3, 1e-9);
    EXPECT_NEAR(session.state().photos.mark->h, 1.0 / 3, 1e-9);
    EXPECT_TRUE(session.take_effects().empty()) << "marking hides nothing yet";
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "hide it or cancel first";
    session.apply({IntentKind::kCancelBlur, "", Language::kRu, 0});
    EXPECT_FALSE(session.state().photos.mark);
    EXPECT_TRUE(session.can_apply(IntentKind::kNext));
    // A touch at the corner: the region stays inside the picture, the same size.
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 0, 0.98, 0.01});
    ASSERT_TRUE(session.state().photos.mark);
    EXPECT_NEAR(session.state().photos.mark->x, 2.0 / 3, 1e-9);
    EXPECT_NEAR(session.state().photos.mark->y, 0.0, 1e-9);
    EXPECT_NEAR(session.state().photos.mark->w, 1.0 / 3, 1e-9);
    // A drawn region replaces it; a line drawn along a plate becomes a thin region, not nothing.
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 0, 0.1, 0.4, 0.5, 0.01});
    ASSERT_TRUE(session.state().photos.mark);
    EXPECT_NEAR(session.state().photos.mark->x, 0.1, 1e-9);
    EXPECT_NEAR(session.state().photos.mark->w, 0.5, 1e-9);
    EXPECT_NEAR(session.state().photos.mark->y, 0.38, 1e-9);
    EXPECT_NEAR(session.state().photos.mark->h, 0.05, 1e-9);
    // Past the picture's edge: cut at the edge.
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 0, 0.7, 0.6, 0.9, 0.3});
    ASSERT_TRUE(session.state().photos.mark);
    EXPECT_NEAR(session.state().photos.mark->w, 0.3, 1e-9);
    EXPECT_NEAR(session.state().photos.mark->h, 0.3, 1e-9);
    // Garbage from a confused touch layer changes nothing.
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 0, -0.2, 0.5});
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 0, 0.5, 0.5, -1, 0.2});
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 3, 0.5, 0.5});
    EXPECT_NEAR(session.state().photos.mark->x, 0.7, 1e-9);
    // The worker gets the photo's bytes and the region; the result replaces the photo.
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 0, 0.25, 0.5, 0.3, 0.2});
    session.apply({IntentKind::kApplyBlur, "", Language::kRu, 0});
    EXPECT_FALSE(session.state().photos.mark) << "the outline goes when the hiding starts";
    effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    EXPECT_EQ(effects[0].kind, Effect::Kind::kBlur);
    EXPECT_EQ(effects[0].data, "first");
    EXPECT_DOUBLE_EQ(effects[0].x, 0.25);
    EXPECT_DOUBLE_EQ(effects[0].y, 0.5);
    EXPECT_DOUBLE_EQ(effects[0].w, 0.3);
    EXPECT_DOUBLE_EQ(effects[0].h, 0.2);
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 0, 0.5, 0.5});
    EXPECT_FALSE(session.state().photos.mark) << "not while the photo is being changed";
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "not while a blur is applied";
    const uint64_t old_id = session.state().photos.photos[0].id;
    session.on_photo_blurred(effects[0].visit, effects[0].photo_id, "blurred", "t2");
    EXPECT_EQ(session.state().photos.photos[0].jpeg, "blurred");
    EXPECT_EQ(session.state().photos.photos[0].blurs, 1);
    EXPECT_NE(session.state().photos.photos[0].id, old_id) << "a new texture key";
    // Retake deletes it and counts down again; delete leaves none.
    session.apply({IntentKind::kRetakePhoto, "", Language::kRu, 0});
    EXPECT_TRUE(session.state().photos.photos.empty());
    EXPECT_TRUE(session.photo_countdown_left());
    // The camera goes away during the countdown: a message, no shot.
    session.set_camera_status(CameraStatus::kUnavailable);
    EXPECT_FALSE(session.photo_countdown_left());
    EXPECT_EQ(session.state().photos.problem, PhotoProblem::kCameraGone);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "required: ask staff";
}

TEST_F(SessionTest, AMarkToHideBelongsToThePhotoShown) {
    to_description();
    session.apply({IntentKind::kInsertText, "Машина на газоне у дома 5"});
    session.apply({IntentKind::kNext});
    session.set_camera_status(CameraStatus::kReady);
    for (int i = 0; i < 2; ++i) session.on_photo_taken(session.visit(), photo());
    ASSERT_EQ(session.state().photos.selected, 1);
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 0, 0.5, 0.5});
    EXPECT_FALSE(session.state().photos.mark) << "photo 0 is not the one shown";
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 1, 0.5, 0.5});
    ASSERT_TRUE(session.state().photos.mark);
    session.apply({IntentKind::kSelectPhoto, "", Language::kRu, 0});
    EXPECT_FALSE(session.state().photos.mark) << "another photo shown: the outline is gone";
    EXPECT_FALSE(session.can_apply(IntentKind::kApplyBlur));
    session.apply({IntentKind::kMarkBlur, "", Language::kRu, 0, 0.5, 0.5});
    session.apply({IntentKind::kDeletePhoto, "", Language::kRu, 0});
    EXPECT_FALSE(session.state().photos.mark);
    EXPECT_TRUE(session.take_effects().empty()) << "nothing was hidden";
}

TEST_F(SessionTest, PhotosStopAtTheConfiguredMaximum) {
    config.max_photos = 2;
    to_description();
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    session.apply({IntentKind::kNext});
    session.set_camera_status(CameraStatus::kReady);
    for (int i = 0; i < 2; ++i) session.on_photo_taken(session.visit(), photo());
    EXPECT_FALSE(session.can_apply(IntentKind::kTakePhoto));
    session.on_photo_taken(session.visit(), photo());  // a late one is dropped
    EXPECT_EQ(session.state().photos.photos.size(), 2u);
    session.apply({IntentKind::kDeletePhoto, "", Language::kRu, 1});
    EXPECT_TRUE(session.can_apply(IntentKind::kTakePhoto));
}

TEST_F(SessionTest, WorkOfAWipedVisitNeverReachesTheNextOne) {
    to_description();
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    session.apply({IntentKind::kNext});
    session.set_camera_status(CameraStatus::kReady);
    const uint64_t old_visit = session.visit();
    session.on_photo_taken(old_visit, photo("mine"));
    session.apply({IntentKind::kCancel});
    EXPECT_NE(session.visit(), old_visit);
    to_description();
    session.apply({IntentKind::kInsertText, "Другой человек пишет"});
    session.apply({IntentKind::kNext});
    session.on_photo_taken(old_visit, photo("late"));
    session.on_handoff(old_visit, Handoff{Handoff::State::kApproved, "", "", 0, "s", "Иван"});
    EXPECT_TRUE(session.state().photos.photos.empty());
    EXPECT_EQ(session.state().handoff.state, Handoff::State::kNone);
}

TEST_F(SessionTest, PlaceNeedsOneOfTheThreeWays) {
    to_place("housing.building.hot_water");
    ASSERT_EQ(screen(), Screen::kPlace);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext));
    EXPECT_FALSE(session.can_apply(IntentKind::kPlaceMap)) << "no map file";
    session.apply({IntentKind::kPlaceAddress});
    session.apply({IntentKind::kInsertText, "дом"});
    EXPECT_FALSE(session.can_apply(IntentKind::kNext));
    session.apply({IntentKind::kInsertText, " 5, ул. Мира"});
    EXPECT_EQ(session.chosen_place()->address, "дом 5, ул. Мира");
    EXPECT_FALSE(session.chosen_place()->lat);
    session.set_map_available(true);
    session.apply({IntentKind::kPlacePin, "", Language::kRu, -1, 55.75, 37.62});
    EXPECT_EQ(session.chosen_place()->source, "map");
    EXPECT_DOUBLE_EQ(*session.chosen_place()->lon, 37.62);
    session.apply({IntentKind::kPlacePin, "", Language::kRu, -1, 95.0, 37.62});  // not a place
    EXPECT_DOUBLE_EQ(*session.chosen_place()->lat, 55.75);
    session.apply({IntentKind::kPlaceAddress});
    EXPECT_EQ(session.chosen_place()->address, "дом 5, ул. Мира") << "the typed address is kept";
}

TEST_F(SessionTest, AnApprovedHandOffMakesItAnIdentifiedAppeal) {
    to_who();
    session.apply({IntentKind::kHandoffStart});
    auto effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    EXPECT_EQ(effects[0].kind, Effect::Kind::kHandoffStart);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext));
    Handoff waiting{
        Handoff::State::kWaiting,      "BCDF-GHJK", "http://x/device?user_code=BCDF-GHJK",
        clock.unix_millis() + 600'000, "",          ""};
    session.on_handoff(session.visit(), waiting);
    EXPECT_EQ(*session.handoff_seconds_left(), 600);
    Handoff ok = waiting;
    ok.state = Handoff::State::kApproved;
    ok.subject = "esia-123";
    ok.display_name = "Иванов И. И.";
    session.on_handoff(session.visit(), ok);
    EXPECT_TRUE(session.identified());
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kConsentAgree});
    auto request = session.apply({IntentKind::kSubmit});
    ASSERT_TRUE(request);
    EXPECT_EQ(request->appeal.kind, "appeal");
    EXPECT_EQ(request->contact->subject, "esia-123");
    EXPECT_EQ(request->contact->name, "Иванов И. И.");
    EXPECT_TRUE(request->contact->phone.empty());
}

TEST_F(SessionTest, LeavingAHandOffMidWayCancelsIt) {
    to_who();
    session.apply({IntentKind::kHandoffStart});
    session.take_effects();
    session.apply({IntentKind::kUseContact});
    auto effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    EXPECT_EQ(effects[0].kind, Effect::Kind::kHandoffCancel);
    session.apply({IntentKind::kHandoffStart});
    session.take_effects();
    session.apply({IntentKind::kCancel});  // the visit ends with the QR on screen
    effects = session.take_effects();
    EXPECT_TRUE(std::any_of(effects.begin(), effects.end(), [](const Effect& e) {
        return e.kind == Effect::Kind::kHandoffCancel;
    }));
}

TEST_F(SessionTest, NoConsentNoSubmissionAndAWayBack) {
    to_description();
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    to_review();
    session.apply({IntentKind::kBack});
    ASSERT_EQ(screen(), Screen::kConsent);
    session.apply({IntentKind::kConsentDecline});
    EXPECT_TRUE(session.state().consent_declined);
    EXPECT_FALSE(session.state().consent_unix_ms);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext));
    EXPECT_FALSE(session.apply({IntentKind::kSubmit}));
    session.apply({IntentKind::kBack});
    EXPECT_EQ(screen(), Screen::kWho) << "back to change the contact";
    EXPECT_EQ(session.state().field(Field::kName).value, "Анна");
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kConsentAgree});
    EXPECT_TRUE(session.can_apply(IntentKind::kSubmit));
}

TEST_F(SessionTest, AWipeLeavesNothingOfTheCitizen) {
    to_description();
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    session.set_camera_status(CameraStatus::kReady);
    session.apply({IntentKind::kNext});
    session.on_photo_taken(session.visit(), photo());
    to_review();
    session.apply({IntentKind::kToggleAccessibility, "", Language::kRu,
                   static_cast<int>(A11yOption::kLargeText)});
    session.apply({IntentKind::kCancel});
    const SessionState& st = session.state();
    EXPECT_EQ(st.screen, Screen::kAttract);
    for (int f = 0; f < kFieldCount; ++f) EXPECT_TRUE(st.fields[f].value.empty()) << f;
    EXPECT_TRUE(st.photos.photos.empty());
    EXPECT_EQ(st.place.mode, PlaceMode::kNone);
    EXPECT_EQ(st.who, WhoMode::kUndecided);
    EXPECT_FALSE(st.consent_unix_ms);
    EXPECT_FALSE(st.a11y.large_text) << "the next citizen starts with the defaults";
}

TEST_F(SessionTest, VoicePromptsAskToSpeakOnEveryStep) {
    session.apply({IntentKind::kToggleAccessibility, "", Language::kRu,
                   static_cast<int>(A11yOption::kVoice)});
    auto speak_count = [&] {
        auto e = session.take_effects();
        return std::count_if(e.begin(), e.end(),
                             [](const Effect& x) { return x.kind == Effect::Kind::kSpeak; });
    };
    EXPECT_EQ(speak_count(), 1) << "turning it on speaks at once";
    session.apply({IntentKind::kStart});
    EXPECT_EQ(speak_count(), 1);
    session.apply({IntentKind::kSetLanguage, "", Language::kEn});
    EXPECT_EQ(speak_count(), 1) << "again in the new language";
    session.apply({IntentKind::kShowHelp});
    EXPECT_EQ(speak_count(), 1);
    EXPECT_EQ(session.state().overlay, Overlay::kHelp);
    session.apply({IntentKind::kToggleAccessibility, "", Language::kRu,
                   static_cast<int>(A11yOption::kVoice)});
    session.apply({IntentKind::kChooseCategory, "roads"});
    EXPECT_EQ(speak_count(), 0) << "off means silent";
}

TEST_F(SessionTest, SearchFindsCausesByAnyWordInEitherLanguage) {
    session.apply({IntentKind::kStart});
    session.apply({IntentKind::kOpenSearch});
    session.apply({IntentKind::kInsertText, "ЯМА"});
    auto found = session.search_results();
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found[0]->id, "roads.road.pothole");
    session.apply({IntentKind::kDeleteWord});
    session.apply({IntentKind::kInsertText, "pothole"});
    ASSERT_FALSE(session.search_results().empty());
    session.apply({IntentKind::kChooseLeaf, "roads.road.pothole"});
    EXPECT_EQ(screen(), Screen::kPlace);
    EXPECT_EQ(session.state().category_id, "roads");
    EXPECT_FALSE(session.state().searching);
}

TEST(ReceiptNumber, ReadFromTypingOrFromTheReceiptsQr) {
    EXPECT_EQ(parse_receipt_number("7k3q9pxa"), "7K3Q-9PXA");
    EXPECT_EQ(parse_receipt_number("7K3Q-9PXA"), "7K3Q-9PXA");
    EXPECT_EQ(parse_receipt_number("http://127.0.0.1:8080/t/7K3Q-9PXA"), "7K3Q-9PXA");
    EXPECT_EQ(parse_receipt_number("OIL1-2345"), "0111-2345") << "Crockford's look-alikes";
    EXPECT_FALSE(parse_receipt_number("7K3Q-9PX"));
    EXPECT_FALSE(parse_receipt_number("7K3Q-9PXU")) << "U is not in the alphabet";
    EXPECT_FALSE(parse_receipt_number("https://example.org/"));
}

TEST_F(SessionTest, AStatusCheckLooksUpOnTheWorkerAndShowsTheResult) {
    session.apply({IntentKind::kCheckStatus});
    ASSERT_EQ(screen(), Screen::kStatus);
    EXPECT_EQ(session.state().focus, Field::kReceipt);
    session.apply({IntentKind::kInsertText, "7k3q-9p"});
    EXPECT_EQ(session.state().field(Field::kReceipt).value, "7K3Q9P") << "symbols only, upper case";
    EXPECT_FALSE(session.can_apply(IntentKind::kLookup));
    session.apply({IntentKind::kInsertText, "xaz"});  // 8 at most
    EXPECT_EQ(session.state().field(Field::kReceipt).value, "7K3Q9PXA");
    session.apply({IntentKind::kLookup});
    auto effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    EXPECT_EQ(effects[0].kind, Effect::Kind::kLookup);
    EXPECT_EQ(effects[0].data, "7K3Q-9PXA");
    EXPECT_FALSE(session.can_apply(IntentKind::kLookup)) << "one look-up at a time";
    session.on_lookup(session.visit(), StatusCheck::State::kNotFound, {});
    EXPECT_EQ(screen(), Screen::kStatus);
    session.apply({IntentKind::kLookup});
    StatusResult r;
    r.receipt_number = "7K3Q-9PXA";
    r.status = "in_work";
    session.on_lookup(session.visit(), StatusCheck::State::kFound, r);
    EXPECT_EQ(screen(), Screen::kStatusResult);
    session.apply({IntentKind::kFinish});
    EXPECT_EQ(screen(), Screen::kAttract);
    EXPECT_TRUE(session.state().field(Field::kReceipt).value.empty());
}

TEST_F(SessionTest, AScannedReceiptIsLookedUpAtOnce) {
    session.apply({IntentKind::kCheckStatus});
    session.apply({IntentKind::kScanReceipt});
    EXPECT_TRUE(session.scanning());
    session.on_receipt_scanned(session.visit(), "https://example.org/hello");
    EXPECT_EQ(session.state().status.state, StatusCheck::State::kNotAReceipt);
    session.on_receipt_scanned(session.visit(), "http://x/t/7K3Q-9PXA");
    EXPECT_FALSE(session.scanning());
    auto effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    EXPECT_EQ(effects[0].data, "7K3Q-9PXA");
}

TEST_F(SessionTest, OnlyAnAnswerTheGatewayConfirmedCanBeRatedAndLowRatingsNeedAComment) {
    session.apply({IntentKind::kCheckStatus});
    session.apply({IntentKind::kInsertText, "7K3Q9PXA"});
    session.apply({IntentKind::kLookup});
    StatusResult r;
    r.receipt_number = "7K3Q-9PXA";
    r.status = "answered";
    r.offline = true;  // the kiosk's own knowledge: not enough to rate
    session.on_lookup(session.visit(), StatusCheck::State::kFound, r);
    EXPECT_FALSE(session.can_apply(IntentKind::kRate));
    session.apply({IntentKind::kBack});
    session.apply({IntentKind::kLookup});
    r.offline = false;
    session.on_lookup(session.visit(), StatusCheck::State::kFound, r);
    ASSERT_TRUE(session.can_apply(IntentKind::kRate));
    session.apply({IntentKind::kRate});
    ASSERT_EQ(screen(), Screen::kRate);
    EXPECT_FALSE(session.can_apply(IntentKind::kSubmitRating)) << "no stars yet";
    session.apply({IntentKind::kSetStars, "", Language::kRu, 1});
    EXPECT_FALSE(session.can_apply(IntentKind::kSubmitRating)) << "1 star needs a comment";
    session.apply({IntentKind::kInsertText, "Ответ не по существу"});
    ASSERT_TRUE(session.can_apply(IntentKind::kSubmitRating));
    session.take_effects();  // the look-ups
    session.apply({IntentKind::kSubmitRating});
    auto effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    EXPECT_EQ(effects[0].kind, Effect::Kind::kSaveRating);
    EXPECT_EQ(effects[0].rating.receipt_number, "7K3Q-9PXA");
    EXPECT_EQ(effects[0].rating.stars, 1);
    EXPECT_EQ(effects[0].rating.comment, "Ответ не по существу");
    EXPECT_FALSE(session.can_apply(IntentKind::kSubmitRating)) << "saving: no double tap";
    session.on_rating_saved(effects[0].visit, true);
    EXPECT_EQ(session.state().rating.state, RatingStep::State::kSaved);
    EXPECT_TRUE(session.state().field(Field::kComment).value.empty());
    EXPECT_EQ(rating_request_json(effects[0].rating).find("\"stars\":1") != std::string::npos,
              true);
}

TEST_F(SessionTest, OnlyOpenPollsAreListedSoonestFirst) {
    auto polls = std::make_shared<std::vector<sync::replies::Poll>>();
    const int64_t now = clock.unix_millis();
    polls->push_back(
        {"LATER", "vote", "Позже", "", "", "", "", "", "u1", now + 20 * 86'400'000LL, {}});
    polls->push_back({"OVER", "poll", "Прошло", "", "", "", "", "", "u2", now - 1, {}});
    polls->push_back({"SOON", "poll", "Скоро", "", "", "", "", "", "u3", now + 86'400'000LL, {}});
    session.set_polls(polls);
    const auto open = session.open_polls();
    ASSERT_EQ(open.size(), 2u);
    EXPECT_EQ(open[0]->id, "SOON");
    EXPECT_EQ(open[1]->id, "LATER");
    session.apply({IntentKind::kShowPolls});
    session.apply({IntentKind::kOpenPoll, "OVER"});  // closed: not shown, not opened
    EXPECT_EQ(screen(), Screen::kPolls);
    session.apply({IntentKind::kOpenPoll, "LATER"});
    EXPECT_EQ(screen(), Screen::kPoll);
    EXPECT_EQ(session.poll()->url, "u1");
}

namespace {

Handoff approved(const ManualClock& clock, const std::string& subject) {
    return Handoff{Handoff::State::kApproved,     "BCDF-GHJK", "http://x/device",
                   clock.unix_millis() + 600'000, subject,     "Иванов И. И."};
}

}  // namespace

TEST_F(SessionTest, AVoteNeedsTheHandOffOneChoiceAndAConfirmation) {
    auto polls = std::make_shared<std::vector<sync::replies::Poll>>();
    const int64_t day = 86'400'000LL;
    polls->push_back({"PARKS",
                      "vote",
                      "Парки",
                      "",
                      "",
                      "",
                      "",
                      "",
                      "u1",
                      clock.unix_millis() + day,
                      {{"a", "Сквер", ""}, {"b", "Набережная", ""}}});
    polls->push_back({"TALK",
                      "discussion",
                      "Обсуждение",
                      "",
                      "",
                      "",
                      "",
                      "",
                      "u2",
                      clock.unix_millis() + day,
                      {}});
    session.set_polls(polls);
    session.apply({IntentKind::kShowPolls});
    session.apply({IntentKind::kOpenPoll, "TALK"});
    EXPECT_FALSE(session.can_apply(IntentKind::kVoteHere)) << "a discussion has nothing to vote";
    session.apply({IntentKind::kBack});
    session.apply({IntentKind::kOpenPoll, "PARKS"});
    session.apply({IntentKind::kVoteHere});
    ASSERT_EQ(screen(), Screen::kVote);
    // The hand-off starts at once; nothing can be chosen before it is approved.
    auto effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    EXPECT_EQ(effects[0].kind, Effect::Kind::kHandoffStart);
    EXPECT_EQ(session.state().vote.stage, VoteStep::Stage::kIdentify);
    EXPECT_FALSE(session.can_apply(IntentKind::kChooseOption));
    session.on_handoff(session.visit(), approved(clock, "esia-1"));
    ASSERT_EQ(session.state().vote.stage, VoteStep::Stage::kChoose);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "no option chosen yet";
    session.apply({IntentKind::kChooseOption, "zzz"});  // not an option of this poll
    EXPECT_TRUE(session.state().vote.option_id.empty());
    session.apply({IntentKind::kChooseOption, "a"});
    session.apply({IntentKind::kChooseOption, "b"});  // changed the mind: one choice only
    EXPECT_EQ(session.state().vote.option_id, "b");
    session.apply({IntentKind::kNext});
    ASSERT_EQ(session.state().vote.stage, VoteStep::Stage::kConfirm);
    session.apply({IntentKind::kBack});  // back to the choice, not out of the vote
    EXPECT_EQ(session.state().vote.stage, VoteStep::Stage::kChoose);
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kCastVote});
    effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    ASSERT_EQ(effects[0].kind, Effect::Kind::kSaveAction);
    const CitizenAction& a = effects[0].action;
    EXPECT_EQ(a.kind, "vote");
    EXPECT_EQ(a.target, "PARKS");
    EXPECT_NE(a.body.find("\"option\":\"b\""), std::string::npos);
    EXPECT_NE(a.body.find("esia-1"), std::string::npos);
    EXPECT_EQ(a.once_key, vote_action("PARKS", "a", "esia-1", 0).once_key)
        << "the key is the poll and the person, not the choice";
    EXPECT_NE(a.once_key, vote_action("PARKS", "b", "esia-2", 0).once_key);
    EXPECT_EQ(a.once_key.find("esia-1"), std::string::npos) << "no identity in the clear";
    EXPECT_EQ(session.state().vote.outcome, ActionOutcome::kSaving);
    EXPECT_FALSE(session.can_apply(IntentKind::kCastVote)) << "one vote per tap";
    EXPECT_FALSE(session.can_apply(IntentKind::kFinish)) << "not before it is stored";
    session.on_action(effects[0].visit + 1, a.uuid, ActionOutcome::kDelivered);  // another visit's
    session.on_action(effects[0].visit, "another-action", ActionOutcome::kDelivered);
    EXPECT_EQ(session.state().vote.outcome, ActionOutcome::kSaving);
    session.on_action(effects[0].visit, a.uuid, ActionOutcome::kDuplicate);
    EXPECT_EQ(session.state().vote.outcome, ActionOutcome::kDuplicate);
    session.apply({IntentKind::kFinish});
    EXPECT_EQ(screen(), Screen::kAttract);
    EXPECT_EQ(session.state().handoff.state, Handoff::State::kNone) << "the identity is wiped";
}

// Issue #21, point 8: the place comes before the description, and the appeals already made about
// it right after the place, before any typing.
TEST_F(SessionTest, SimilarAppealsAreSearchedAroundThePlaceBeforeTheDescription) {
    config.similar_radius_m = 250;
    to_place("roads.road.pothole");
    session.apply({IntentKind::kPlaceHere});
    session.take_effects();
    session.apply({IntentKind::kNext});
    ASSERT_EQ(screen(), Screen::kSimilar);
    EXPECT_EQ(step_number(screen()), 2) << "part of \"where\"";
    EXPECT_TRUE(text().empty()) << "nothing typed yet";
    EXPECT_TRUE(session.state().similar.searching);
    auto effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    EXPECT_EQ(effects[0].kind, Effect::Kind::kFindSimilar);
    EXPECT_EQ(effects[0].data, "roads.road.pothole");
    EXPECT_DOUBLE_EQ(effects[0].x, 55.7575);
    EXPECT_DOUBLE_EQ(effects[0].y, 37.6136);
    SimilarAppeal near{"7K3Q-9PXA", "in_work", 1, 40.0, 2};
    near.photo = "jpeg";
    session.on_similar(effects[0].visit, {near, SimilarAppeal{"7K3Q-9PXB", "registered", 2, 90}},
                       false);
    ASSERT_EQ(screen(), Screen::kSimilar);
    ASSERT_EQ(session.state().similar.appeals.size(), 2u);
    EXPECT_NE(session.state().similar.appeals[0].photo_id, 0u) << "a texture key for the photo";
    EXPECT_EQ(session.state().similar.appeals[1].photo_id, 0u);
    EXPECT_FALSE(session.can_apply(IntentKind::kSupport)) << "one must be chosen first";
    session.apply({IntentKind::kOpenSimilar, "", Language::kRu, 0});
    EXPECT_EQ(session.state().similar.selected, 0);
    session.apply({IntentKind::kBack});  // to the list, not off the screen
    EXPECT_EQ(screen(), Screen::kSimilar);
    EXPECT_EQ(session.state().similar.selected, -1);
    // "Go on with mine": the description, the place kept.
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kDescription);
    EXPECT_EQ(session.chosen_place()->source, "here");
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    session.apply({IntentKind::kBack});
    EXPECT_EQ(screen(), Screen::kPlace) << "back skips the list";
    // A place without coordinates cannot be searched around; nothing found goes straight on.
    session.apply({IntentKind::kPlaceAddress});
    type(Field::kAddress, "ул. Ленина, 5");
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kDescription);
    EXPECT_EQ(text(), "Яма на дороге у дома 5") << "the text typed is kept";
    session.apply({IntentKind::kBack});
    session.apply({IntentKind::kPlaceHere});
    session.apply({IntentKind::kNext});
    ASSERT_EQ(screen(), Screen::kSimilar);
    session.on_similar(session.visit(), {}, true);
    EXPECT_EQ(screen(), Screen::kDescription);
    // Editing the place from review goes back to review, with no search in between.
    session.apply({IntentKind::kNext});
    session.on_photo_taken(session.visit(), photo());
    to_review();
    ASSERT_EQ(screen(), Screen::kReview);
    session.take_effects();
    session.apply({IntentKind::kEdit, "", Language::kRu, static_cast<int>(Screen::kPlace)});
    ASSERT_EQ(screen(), Screen::kPlace);
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kReview);
    EXPECT_TRUE(session.take_effects().empty());
}

// «У меня та же проблема»: an anonymous +1 goes at once; one with a contact goes through the
// same 152-ФЗ consent step as a report, and carries that consent (issue #21, point 8).
TEST_F(SessionTest, APlusOneHasAnOptionalButWholeContactAndEndsTheVisit) {
    config.similar_radius_m = 250;
    to_place();
    session.apply({IntentKind::kPlaceHere});
    session.apply({IntentKind::kNext});
    ASSERT_EQ(screen(), Screen::kSimilar);
    session.on_similar(session.visit(), {SimilarAppeal{"7K3Q-9PXA", "in_work", 1, 40.0}}, false);
    session.apply({IntentKind::kOpenSimilar, "", Language::kRu, 0});
    session.apply({IntentKind::kSupport});
    ASSERT_EQ(screen(), Screen::kSupport);
    EXPECT_TRUE(session.can_apply(IntentKind::kSendSupport)) << "anonymous is fine";
    type(Field::kName, "Анна");
    EXPECT_FALSE(session.can_apply(IntentKind::kSendSupport)) << "a name without a phone";
    type(Field::kPhone, "9161234567");
    ASSERT_TRUE(session.can_apply(IntentKind::kSendSupport));
    session.take_effects();
    // A contact: the consent step first, nothing saved yet.
    session.apply({IntentKind::kSendSupport});
    ASSERT_EQ(screen(), Screen::kConsent);
    EXPECT_TRUE(session.take_effects().empty());
    EXPECT_EQ(session.step(), 2) << "the +1's consent is not the report's sixth step";
    EXPECT_EQ(session.help_name(), "consent_support");
    session.apply({IntentKind::kConsentDecline});
    EXPECT_TRUE(session.state().similar.consent_declined);
    EXPECT_FALSE(session.state().consent_declined) << "the report's consent is not touched";
    session.apply({IntentKind::kBack});
    ASSERT_EQ(screen(), Screen::kSupport) << "back to the contact";
    EXPECT_EQ(session.state().field(Field::kName).value, "Анна");
    session.apply({IntentKind::kSendSupport});
    ASSERT_EQ(screen(), Screen::kConsent);
    clock.advance(std::chrono::seconds(5));
    const int64_t agreed = clock.unix_millis();
    session.apply({IntentKind::kConsentAgree});
    ASSERT_EQ(screen(), Screen::kSupport);
    EXPECT_FALSE(session.state().consent_unix_ms) << "the report's consent is not given by it";
    auto effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    const CitizenAction& a = effects[0].action;
    EXPECT_EQ(a.kind, "support");
    EXPECT_EQ(a.target, "7K3Q-9PXA");
    EXPECT_NE(a.body.find("+79161234567"), std::string::npos);
    const auto body = nlohmann::json::parse(a.body);
    EXPECT_EQ(body["consent"]["version"], config.consent_version);
    EXPECT_EQ(body["consent"]["accepted_at"], iso8601_utc(agreed));
    EXPECT_TRUE(a.once_key.empty());
    EXPECT_EQ(session.state().similar.support, ActionOutcome::kSaving);
    EXPECT_FALSE(session.can_apply(IntentKind::kBack));
    session.on_action(session.visit(), a.uuid, ActionOutcome::kQueued);
    EXPECT_EQ(session.state().similar.support, ActionOutcome::kQueued);
    EXPECT_TRUE(session.state().field(Field::kPhone).value.empty()) << "off the screen";
    session.apply({IntentKind::kFinish});
    EXPECT_EQ(screen(), Screen::kAttract);
    EXPECT_FALSE(session.state().similar.joining) << "the visit is wiped";
}

TEST_F(SessionTest, AnAnonymousPlusOneGoesAtOnceWithoutConsentOrContact) {
    config.similar_radius_m = 250;
    to_place();
    session.apply({IntentKind::kPlaceHere});
    session.apply({IntentKind::kNext});
    session.on_similar(session.visit(), {SimilarAppeal{"7K3Q-9PXA", "in_work", 1, 40.0}}, false);
    session.apply({IntentKind::kOpenSimilar, "", Language::kRu, 0});
    session.apply({IntentKind::kSupport});
    // A contact typed and cleared again, and a consent given then taken back by leaving.
    type(Field::kName, "Анна");
    type(Field::kPhone, "9161234567");
    session.apply({IntentKind::kSendSupport});
    session.take_effects();
    session.apply({IntentKind::kConsentAgree});
    session.on_action(session.visit(), session.take_effects().at(0).action.uuid,
                      ActionOutcome::kFailed);
    session.apply({IntentKind::kBack});
    ASSERT_EQ(screen(), Screen::kSimilar);
    EXPECT_FALSE(session.state().similar.consent_unix_ms) << "not joining: the consent goes";
    session.apply({IntentKind::kSupport});
    session.apply({IntentKind::kFocus, "", Language::kRu, static_cast<int>(Field::kName)});
    while (!session.state().field(Field::kName).value.empty())
        session.apply({IntentKind::kBackspace});
    session.apply({IntentKind::kFocus, "", Language::kRu, static_cast<int>(Field::kPhone)});
    while (!session.state().field(Field::kPhone).value.empty())
        session.apply({IntentKind::kBackspace});
    session.apply({IntentKind::kSendSupport});
    EXPECT_EQ(screen(), Screen::kSupport) << "no personal data, no consent step";
    auto effects = session.take_effects();
    ASSERT_EQ(effects.size(), 1u);
    const auto body = nlohmann::json::parse(effects[0].action.body);
    EXPECT_FALSE(body.contains("contact"));
    EXPECT_FALSE(body.contains("consent"));
}

// Issue #18, point 2: the city service's questions about a kind of problem, asked one at a time
// after the description, validated on the kiosk and carried by the appeal; a category whose
// service asks nothing goes straight on to the photos.
TEST_F(SessionTest, TheServicesQuestionsAreAskedOneAtATimeAndTravelWithTheAppeal) {
    session.set_questions([](const std::string& category) {
        std::vector<ServiceQuestion> q;
        if (category != "roads.road.pothole") return q;
        q.push_back({"depth", "number", true, "Depth of the pothole, in centimetres", ""});
        q.push_back({"position",
                     "singlevaluelist",
                     false,
                     "Where is it?",
                     "",
                     {{"carriageway", "Carriageway"}, {"pavement", "Pavement"}}});
        q.push_back({"seen", "datetime", false, "When did you first see it?", ""});
        return q;
    });
    to_description();
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    session.apply({IntentKind::kNext});
    ASSERT_EQ(screen(), Screen::kDetails);
    EXPECT_EQ(step_number(screen()), 3) << "part of describing the problem";
    EXPECT_EQ(session.state().focus, Field::kAnswer);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "depth is required";
    session.apply({IntentKind::kInsertText, "глубокая"});
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "not a number";
    session.apply({IntentKind::kDeleteWord});
    session.apply({IntentKind::kInsertText, "12,5"});
    ASSERT_TRUE(session.can_apply(IntentKind::kNext))
        << session.state().field(Field::kAnswer).value;
    session.apply({IntentKind::kNext});
    EXPECT_EQ(session.state().details.index, 1u);
    EXPECT_TRUE(session.can_apply(IntentKind::kNext)) << "optional: may be skipped";
    session.apply({IntentKind::kChooseOption, "nowhere"});  // not one of the options
    EXPECT_TRUE(session.current_answer().empty());
    session.apply({IntentKind::kChooseOption, "pavement"});
    EXPECT_EQ(session.current_answer(), std::vector<std::string>{"pavement"});
    // Back shows the first answer as it was kept; nothing is lost going back and forth.
    session.apply({IntentKind::kBack});
    EXPECT_EQ(session.state().details.index, 0u);
    EXPECT_EQ(session.state().field(Field::kAnswer).value, "12.5");
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kNext});
    ASSERT_EQ(session.state().details.index, 2u);
    session.apply({IntentKind::kInsertText, "31.02.2026"});
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "no 31 February";
    session.apply({IntentKind::kDeleteWord});
    while (!session.state().field(Field::kAnswer).value.empty())
        session.apply({IntentKind::kBackspace});
    session.apply({IntentKind::kInsertText, "01.12.2026"});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kPhotos);
    session.apply({IntentKind::kBack});
    EXPECT_EQ(screen(), Screen::kDetails) << "back from the photos: the last question";
    EXPECT_EQ(session.state().field(Field::kAnswer).value, "01.12.2026");
    to_review();  // its first Next leaves the last question for the photos
    auto request = session.apply({IntentKind::kSubmit});
    ASSERT_TRUE(request);
    const std::vector<Answer> expected = {
        {"depth", {"12.5"}}, {"position", {"pavement"}}, {"seen", {"2026-12-01"}}};
    EXPECT_EQ(request->appeal.answers, expected);
}

TEST_F(SessionTest, ACategoryWhoseServiceAsksNothingGoesOnToThePhotos) {
    session.set_questions([](const std::string&) { return std::vector<ServiceQuestion>{}; });
    to_description("housing.building.hot_water");
    session.apply({IntentKind::kInsertText, "Нет горячей воды третий день"});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kPhotos);
    to_review();
    auto request = session.apply({IntentKind::kSubmit});
    ASSERT_TRUE(request);
    EXPECT_TRUE(request->appeal.answers.empty());
}

TEST_F(SessionTest, AServerThatNeedsCoordinatesAsksTheTypedAddressForItsPin) {
    bool server_needs_pin = true;
    session.set_pin_rule([&] { return server_needs_pin; });
    session.set_map_available(true);
    to_place("housing.building.hot_water");
    ASSERT_EQ(screen(), Screen::kPlace);
    EXPECT_TRUE(session.state().place.pin_needed);
    session.apply({IntentKind::kPlaceAddress});
    session.apply({IntentKind::kInsertText, "ул. Мира, д. 5"});
    ASSERT_TRUE(session.can_apply(IntentKind::kNext)) << "the address is typed: on to its pin";
    EXPECT_FALSE(session.chosen_place()) << "an address alone is not a place for this server";
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kPlace) << "the map for the pin, not the next step";
    EXPECT_TRUE(session.state().place.pin_for_address);
    EXPECT_FALSE(session.can_apply(IntentKind::kNext)) << "no pin yet";
    // Back returns to the typing, the address intact; Next brings the map again.
    session.apply({IntentKind::kBack});
    EXPECT_EQ(screen(), Screen::kPlace);
    EXPECT_FALSE(session.state().place.pin_for_address);
    EXPECT_EQ(session.state().field(Field::kAddress).value, "ул. Мира, д. 5");
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kPlacePin, "", Language::kRu, -1, 55.75, 37.62});
    ASSERT_TRUE(session.chosen_place());
    EXPECT_EQ(session.chosen_place()->source, "address") << "the pin keeps the address";
    EXPECT_EQ(session.chosen_place()->address, "ул. Мира, д. 5");
    EXPECT_DOUBLE_EQ(*session.chosen_place()->lat, 55.75);
    EXPECT_DOUBLE_EQ(*session.chosen_place()->lon, 37.62);
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kDescription);
    session.apply({IntentKind::kInsertText, "Нет горячей воды третий день"});
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kWho);
    session.apply({IntentKind::kUseContact});
    type(Field::kName, "Анна");
    type(Field::kPhone, "9161234567");
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kConsentAgree});
    auto request = session.apply({IntentKind::kSubmit});
    ASSERT_TRUE(request);
    ASSERT_TRUE(request->appeal.place);
    EXPECT_EQ(request->appeal.place->address, "ул. Мира, д. 5");
    EXPECT_DOUBLE_EQ(*request->appeal.place->lat, 55.75);
    EXPECT_DOUBLE_EQ(*request->appeal.place->lon, 37.62);

    // A server that takes an address alone: Next after the address leaves the step.
    server_needs_pin = false;
    session.restart();
    to_place("housing.building.hot_water");
    session.apply({IntentKind::kPlaceAddress});
    session.apply({IntentKind::kInsertText, "ул. Мира, д. 5"});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kDescription);
    EXPECT_FALSE(session.chosen_place()->lat);
}

TEST_F(SessionTest, WithoutAMapTheAddressAloneIsThePlaceWhateverTheServerWants) {
    session.set_pin_rule([] { return true; });
    to_description("housing.building.hot_water");
    session.apply({IntentKind::kInsertText, "Нет горячей воды третий день"});
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kNext});
    EXPECT_FALSE(session.state().place.pin_needed) << "no map to place a pin on";
    session.apply({IntentKind::kPlaceAddress});
    session.apply({IntentKind::kInsertText, "ул. Мира, д. 5"});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kWho);
}

TEST_F(SessionTest, ReviewEditsTheAnswersOnlyWhenThereWereQuestions) {
    session.set_questions([](const std::string& category) {
        std::vector<ServiceQuestion> q;
        if (category == "roads.road.pothole")
            q.push_back({"depth", "number", true, "Depth of the pothole, in centimetres", ""});
        return q;
    });
    to_description();
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kInsertText, "12"});
    to_review();
    ASSERT_EQ(screen(), Screen::kReview);
    session.apply({IntentKind::kEdit, "", Language::kRu, static_cast<int>(Screen::kDetails)});
    ASSERT_EQ(screen(), Screen::kDetails);
    EXPECT_EQ(session.state().details.index, 0u);
    EXPECT_EQ(session.state().field(Field::kAnswer).value, "12") << "the answer given";
    session.apply({IntentKind::kBackspace});
    session.apply({IntentKind::kBackspace});
    session.apply({IntentKind::kInsertText, "30"});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kReview) << "an edit returns to the review";
    auto request = session.apply({IntentKind::kSubmit});
    ASSERT_TRUE(request);
    EXPECT_EQ(request->appeal.answers, (std::vector<Answer>{{"depth", {"30"}}}));

    session.restart();
    to_description("housing.building.hot_water");  // no questions for this one
    session.apply({IntentKind::kInsertText, "Нет горячей воды третий день"});
    to_review();
    ASSERT_EQ(screen(), Screen::kReview);
    session.apply({IntentKind::kEdit, "", Language::kRu, static_cast<int>(Screen::kDetails)});
    EXPECT_EQ(screen(), Screen::kReview) << "nothing to edit";
}

// ---- The region's addresses (issue #23) ----

namespace {
std::vector<Effect> of_kind(std::vector<Effect> all, Effect::Kind k) {
    std::vector<Effect> out;
    for (Effect& e : all)
        if (e.kind == k) out.push_back(std::move(e));
    return out;
}
AddressHit hit(std::string street, std::string house, double lat, double lon) {
    AddressHit h;
    h.street = std::move(street);
    h.house = std::move(house);
    h.city = "Заречный";
    h.lat = lat;
    h.lon = lon;
    return h;
}
}  // namespace

TEST_F(SessionTest, TypingAnAddressAsksForSuggestionsAndAChosenOneIsThePlaceWithItsPoint) {
    session.set_map_available(true);
    session.set_addresses_available(true);
    to_place("housing.building.hot_water");
    session.take_effects();
    session.apply({IntentKind::kPlaceAddress});
    session.apply({IntentKind::kInsertText, "ле"});
    auto asked = of_kind(session.take_effects(), Effect::Kind::kSuggestAddress);
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_EQ(asked[0].data, "ле");
    // Looked up from the МФЦ: its streets first.
    EXPECT_DOUBLE_EQ(asked[0].x, config.site_lat);
    EXPECT_DOUBLE_EQ(asked[0].y, config.site_lon);
    session.apply({IntentKind::kInsertText, "нина 12"});
    asked = of_kind(session.take_effects(), Effect::Kind::kSuggestAddress);
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_EQ(asked[0].data, "ленина 12");
    // The answer to the old text is dropped; the current one is shown.
    session.on_address_suggestions(session.visit(), "ле", {hit("улица Ленина", "", 56, 37)});
    EXPECT_TRUE(session.state().place.suggestions.empty());
    EXPECT_FALSE(session.can_apply(IntentKind::kChooseAddress));
    session.on_address_suggestions(
        session.visit(), "ленина 12",
        {hit("улица Ленина", "12", 56.001, 37.002), hit("улица Ленина", "12к1", 56.0011, 37.0021)});
    ASSERT_EQ(session.state().place.suggestions.size(), 2u);
    session.apply({IntentKind::kChooseAddress, "", Language::kRu, 1});
    EXPECT_EQ(session.state().field(Field::kAddress).value, "улица Ленина, 12к1");
    auto place = session.chosen_place();
    ASSERT_TRUE(place);
    EXPECT_EQ(place->source, "address");
    EXPECT_EQ(place->address, "Заречный, улица Ленина, 12к1");
    EXPECT_EQ(place->address_from, "index");
    EXPECT_DOUBLE_EQ(*place->lat, 56.0011);
    EXPECT_DOUBLE_EQ(*place->lon, 37.0021);
    // Changed after: text the index did not give, accepted and marked so, without a point.
    session.apply({IntentKind::kInsertText, ", кв. 5"});
    place = session.chosen_place();
    ASSERT_TRUE(place);
    EXPECT_EQ(place->address, "улица Ленина, 12к1, кв. 5");
    EXPECT_EQ(place->address_from, "typed");
    EXPECT_FALSE(place->lat);
    // No suggestion from another visit reaches this one.
    session.on_address_suggestions(session.visit() + 1, "улица Ленина, 12к1, кв. 5",
                                   {hit("улица Ленина", "5", 1, 1)});
    EXPECT_TRUE(session.state().place.suggestions.empty());
}

TEST_F(SessionTest, AStreetChosenLeavesTheHouseNumberToTypeAndAHouseChosenNeedsNoPinStep) {
    session.set_pin_rule([] { return true; });  // the city's server wants coordinates
    session.set_map_available(true);
    session.set_addresses_available(true);
    to_place("housing.building.hot_water");
    session.apply({IntentKind::kPlaceAddress});
    session.apply({IntentKind::kInsertText, "мира"});
    session.on_address_suggestions(session.visit(), "мира", {hit("проспект Мира", "", 56, 37)});
    session.apply({IntentKind::kChooseAddress, "", Language::kRu, 0});
    EXPECT_EQ(session.state().field(Field::kAddress).value, "проспект Мира, ");
    auto asked = of_kind(session.take_effects(), Effect::Kind::kSuggestAddress);
    ASSERT_FALSE(asked.empty());
    EXPECT_EQ(asked.back().data, "проспект Мира, ");
    session.apply({IntentKind::kInsertText, "7"});
    session.on_address_suggestions(session.visit(), "проспект Мира, 7",
                                   {hit("проспект Мира", "7", 56.003, 37.0)});
    session.apply({IntentKind::kChooseAddress, "", Language::kRu, 0});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kDescription) << "the address's point is its pin";
    EXPECT_DOUBLE_EQ(*session.chosen_place()->lat, 56.003);
}

TEST_F(SessionTest, APinAsksForTheAddressUnderItAndThePlaceCarriesBoth) {
    session.set_map_available(true);
    session.set_addresses_available(true);
    to_place("roads.road.pothole");
    session.apply({IntentKind::kPlaceMap});
    session.take_effects();
    session.apply({IntentKind::kPlacePin, "", Language::kRu, -1, 56.0002, 37.0011});
    auto asked = of_kind(session.take_effects(), Effect::Kind::kNearestAddress);
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_DOUBLE_EQ(asked[0].x, 56.0002);
    EXPECT_DOUBLE_EQ(asked[0].y, 37.0011);
    EXPECT_TRUE(session.chosen_place()->address.empty()) << "not known yet";
    session.apply({IntentKind::kPlacePin, "", Language::kRu, -1, 56.0004, 37.0011});
    // The answer for where the pin was is dropped.
    NearestAddress old{hit("улица Ленина", "3", 56.0002, 37.001), 8, true};
    session.on_nearest_address(session.visit(), 56.0002, 37.0011, old);
    EXPECT_FALSE(session.state().place.pin_address_known);
    NearestAddress now{hit("улица Ленина", "5", 56.0005, 37.0012), 120, false};
    session.on_nearest_address(session.visit(), 56.0004, 37.0011, now);
    const auto place = session.chosen_place();
    ASSERT_TRUE(place);
    EXPECT_EQ(place->source, "map");
    EXPECT_DOUBLE_EQ(*place->lat, 56.0004);
    EXPECT_EQ(place->address, "Заречный, улица Ленина, 5");
    EXPECT_EQ(place->address_from, "index");
    EXPECT_TRUE(place->address_near);
}

TEST_F(SessionTest, WithoutTheRegionsAddressesNothingIsAskedAndATypedAddressIsUnmarked) {
    session.set_map_available(true);
    to_place("housing.building.hot_water");
    session.apply({IntentKind::kPlaceAddress});
    session.apply({IntentKind::kInsertText, "ул. Мира, 5"});
    session.apply({IntentKind::kPlaceMap});
    session.apply({IntentKind::kPlacePin, "", Language::kRu, -1, 56.0, 37.0});
    const auto effects = session.take_effects();
    EXPECT_TRUE(of_kind(effects, Effect::Kind::kSuggestAddress).empty());
    EXPECT_TRUE(of_kind(effects, Effect::Kind::kNearestAddress).empty());
    session.apply({IntentKind::kPlaceAddress});
    EXPECT_EQ(session.chosen_place()->address_from, "");
}
