#include "kiosk/core/session.h"

#include <gtest/gtest.h>

using namespace vmeste;
using namespace vmeste::core;

namespace {

struct SessionTest : ::testing::Test {
    Config config;
    ManualClock clock;
    Session session{config, CategoryCatalog::bundled(), clock};

    void to_description() {
        session.apply({IntentKind::kStart});
        session.apply({IntentKind::kChooseCategory, "roads"});
        session.apply({IntentKind::kChooseLeaf, "roads.road.pothole"});
    }
    Screen screen() const { return session.state().screen; }
};

}  // namespace

TEST_F(SessionTest, FollowsTheFlowFromAttractToSubmit) {
    EXPECT_EQ(screen(), Screen::kAttract);
    session.apply({IntentKind::kStart});
    EXPECT_EQ(screen(), Screen::kCategory);
    session.apply({IntentKind::kChooseCategory, "roads"});
    session.apply({IntentKind::kChooseLeaf, "roads.road.pothole"});
    EXPECT_EQ(screen(), Screen::kDescription);
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    session.apply({IntentKind::kNext});
    EXPECT_EQ(screen(), Screen::kReview);
    auto appeal = session.apply({IntentKind::kSubmit});
    ASSERT_TRUE(appeal);
    EXPECT_EQ(screen(), Screen::kSubmitting);
    EXPECT_EQ(appeal->category_id, "roads.road.pothole");
    EXPECT_EQ(appeal->text, "Яма на дороге у дома 5");
    EXPECT_EQ(appeal->created_unix_ms, clock.unix_millis());
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
    EXPECT_EQ(session.state().text.substr(90), "ёёёёёёёёёё");
    session.apply({IntentKind::kBackspace});
    EXPECT_EQ(session.text_length(), 99u);
    EXPECT_FALSE(session.state().text_truncated);
}

TEST_F(SessionTest, ControlCharactersNeverReachTheText) {
    to_description();
    session.apply({IntentKind::kInsertText, "a\x1b[2Jb\xff"});
    EXPECT_EQ(session.state().text, "a[2Jb");
}

TEST_F(SessionTest, BackKeepsWhatWasTyped) {
    to_description();
    session.apply({IntentKind::kInsertText, "Не горит фонарь"});
    session.apply({IntentKind::kBack});
    EXPECT_EQ(screen(), Screen::kCategory);
    session.apply({IntentKind::kChooseCategory, "improvement"});
    session.apply({IntentKind::kChooseLeaf, "improvement.yard.playground"});
    EXPECT_EQ(session.state().text, "Не горит фонарь");
}

TEST_F(SessionTest, ReviewCanEditEitherStep) {
    to_description();
    session.apply({IntentKind::kInsertText, "Не вывозят мусор"});
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kEditCategory});
    EXPECT_EQ(screen(), Screen::kCategory);
    session.apply({IntentKind::kChooseCategory, "housing"});
    session.apply({IntentKind::kChooseLeaf, "housing.building.hot_water"});
    session.apply({IntentKind::kNext});
    session.apply({IntentKind::kEditText});
    EXPECT_EQ(screen(), Screen::kDescription);
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
    EXPECT_EQ(session.state().text, "");
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
    session.apply({IntentKind::kNext});
    ASSERT_TRUE(session.apply({IntentKind::kSubmit}));
    clock.advance(Millis(600'000));
    EXPECT_FALSE(session.tick());
    EXPECT_EQ(screen(), Screen::kSubmitting);
}

TEST_F(SessionTest, ReceiptClosesByItselfAndWipes) {
    to_description();
    session.apply({IntentKind::kInsertText, "Сломана скамейка в парке"});
    session.apply({IntentKind::kNext});
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
    session.apply({IntentKind::kNext});
    ASSERT_TRUE(session.apply({IntentKind::kSubmit}));
    session.on_save_failed(SubmitProblem::kStoreFull);
    EXPECT_EQ(screen(), Screen::kReview);
    EXPECT_EQ(session.state().submit_problem, SubmitProblem::kStoreFull);
    EXPECT_EQ(session.state().text, "Сломана скамейка в парке");
}

TEST_F(SessionTest, SubmittingTwiceSavesOnce) {
    to_description();
    session.apply({IntentKind::kInsertText, "Сломана скамейка в парке"});
    session.apply({IntentKind::kNext});
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
    EXPECT_EQ(session.state().screen, Screen::kDescription);
    EXPECT_EQ(session.appeal_category(), "other.other.other");
}

TEST(SessionLeaves, TheReceiptCarriesTheAnswerDateInWorkingDays) {
    Config config;
    ManualClock clock(1'796'072'400'000);  // 2026-12-01 00:00 Moscow, a Tuesday
    Session session(config, CategoryCatalog::bundled(), clock);
    session.apply({IntentKind::kStart});
    session.apply({IntentKind::kChooseCategory, "roads"});
    session.apply({IntentKind::kChooseLeaf, "roads.road.pothole"});  // 10 working days
    session.apply({IntentKind::kInsertText, "Яма на дороге у дома 5"});
    session.apply({IntentKind::kNext});
    ASSERT_TRUE(session.apply({IntentKind::kSubmit}));
    session.on_saved({"7K3Q-9PXA", "http://x/t/7K3Q-9PXA", clock.unix_millis(), {}, false});
    EXPECT_EQ(session.state().receipt->answer_by, "15.12.2026");
    EXPECT_FALSE(session.state().receipt->answer_by_estimated);
}
