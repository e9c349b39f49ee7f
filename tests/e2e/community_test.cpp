// Voting on the kiosk and "у меня та же проблема" (issue #7), through the screens against the
// simulator: one vote per person (refused by this kiosk itself, and by the platform when the
// person voted elsewhere), a vote that reaches the platform exactly once across a crash, and the
// similar appeals shown before a new one, online (a photo once the platform published it) and
// offline from the store (no photo).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "image/jpeg.h"
#include "kiosk/core/appeal_store.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"
#include "tests/support/ui_driver.h"

using namespace vmeste;
using namespace vmeste::test;
using namespace std::chrono_literals;
using core::ActionOutcome;
using core::Screen;

namespace {

UiDriver::Options online(RunningSim& sim, const std::string& data_dir = "") {
    UiDriver::Options o;
    o.uploader = true;  // polls come with its sync job, votes and +1s leave with it
    o.config.platform_url = sim.url();
    o.config.retry_base_ms = 50;
    o.config.data_dir = data_dir;
    o.config.site_address = "Москва, ул. Тверская, 8 (МФЦ)";
    o.config.site_lat = 55.7575;
    o.config.site_lon = 37.6136;
    return o;
}

sim::SimOptions quick_handoff() {
    sim::SimOptions so;
    so.handoff_interval_s = 1;
    return so;
}

// attract → the parks vote → "vote here" → the phone approves as `citizen` → `option` → confirm.
// Ends when the kiosk knows the vote's fate.
void vote(UiDriver& d, RunningSim& sim, const std::string& citizen, const std::string& option) {
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().session().open_polls().size() == 3; }, 15s));
    d.tap("attract/polls");
    d.tap("poll/POLL-2027-PARKS");
    ASSERT_TRUE(d.has("poll/vote_here"));
    d.tap("poll/vote_here");
    ASSERT_EQ(d.state().screen, Screen::kVote);
    ASSERT_TRUE(d.wait_for([&] { return d.has("who/user_code"); }, 10s)) << "the QR at once";
    EXPECT_FALSE(d.has("vote/option/a")) << "no choice before the identity";
    ASSERT_TRUE(sim.server().decide_handoff(d.label("who/user_code"), true, citizen));
    ASSERT_TRUE(d.wait_for([&] { return d.has("vote/option/a"); }, 15s));
    EXPECT_NE(d.label("note/vote_who").find("Иванова"), std::string::npos);
    EXPECT_FALSE(d.enabled("vote/next"));
    d.tap("vote/option/" + option);
    d.tap("vote/next");
    ASSERT_TRUE(d.has("vote/cast"));
    d.tap("vote/cast");
    ASSERT_TRUE(d.wait_for([&] { return d.state().vote.outcome != ActionOutcome::kSaving; }, 15s));
}

std::vector<sim::SimServer::ReceivedAction> of_kind(RunningSim& sim, const std::string& kind) {
    std::vector<sim::SimServer::ReceivedAction> out;
    for (auto& a : sim.server().actions())
        if (a.kind == kind) out.push_back(a);
    return out;
}

}  // namespace

TEST(Votes, OneChoiceConfirmedIsCountedAndTheSamePersonCannotVoteAgain) {
    RunningSim sim(quick_handoff());
    UiDriver d(online(sim));
    // A public discussion has nothing to vote on here: its QR only.
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().session().open_polls().size() == 3; }, 15s));
    d.tap("attract/polls");
    d.tap("poll/DISC-NOISE-RULES");
    EXPECT_FALSE(d.has("poll/vote_here"));
    d.tap("top/cancel");

    vote(d, sim, "anna", "b");
    EXPECT_EQ(d.state().vote.outcome, ActionOutcome::kDelivered);
    EXPECT_NE(d.label("note/vote_outcome").find("учтён"), std::string::npos);
    EXPECT_NE(d.label("note/vote_choice").find("Набережная реки Пахры"), std::string::npos);
    EXPECT_FALSE(d.has("nav/back")) << "a counted vote is not gone back on";
    auto votes = of_kind(sim, "vote");
    ASSERT_EQ(votes.size(), 1u);
    EXPECT_EQ(votes[0].target, "POLL-2027-PARKS");
    EXPECT_EQ(votes[0].option, "b");
    EXPECT_TRUE(sim.server().identity_confirmed(votes[0].subject));
    d.tap("vote/done");
    EXPECT_EQ(d.state().screen, Screen::kAttract);
    EXPECT_EQ(d.state().handoff.state, core::Handoff::State::kNone) << "the identity is wiped";

    // The same person again on this kiosk: refused here, offline or not, with the reason.
    vote(d, sim, "anna", "c");
    EXPECT_EQ(d.state().vote.outcome, ActionOutcome::kDuplicate);
    EXPECT_NE(d.label("note/vote_outcome").find("уже голосовали"), std::string::npos);
    // The earlier vote is what the screen names, not the refused one (issue #21, point 10).
    EXPECT_NE(d.label("note/vote_choice").find("Набережная реки Пахры"), std::string::npos);
    EXPECT_FALSE(d.has("nav/back"));
    d.tap("vote/done");

    // …and on another terminal: the platform refuses it, and that terminal says so.
    UiDriver other(online(sim));
    vote(other, sim, "anna", "a");
    EXPECT_EQ(other.state().vote.outcome, ActionOutcome::kDuplicate);
    EXPECT_NE(other.label("note/vote_outcome").find("уже голосовали"), std::string::npos);
    EXPECT_FALSE(other.has("note/vote_choice")) << "that terminal does not know the earlier one";
    other.tap("vote/done");
    // Someone else may vote there.
    vote(other, sim, "boris", "a");
    EXPECT_EQ(other.state().vote.outcome, ActionOutcome::kDelivered);
    votes = of_kind(sim, "vote");
    ASSERT_EQ(votes.size(), 2u);
    EXPECT_EQ(votes[0].option, "b") << "the first vote stands";
    EXPECT_NE(votes[0].subject, votes[1].subject);
}

TEST(Votes, AVoteStoredBeforeACrashIsCountedExactlyOnceAfterTheRestart) {
    RunningSim sim(quick_handoff());
    TempDir data;
    // The platform takes the vote but its answers never arrive: the kiosk cannot know.
    sim.faults().add(*sim::parse_fault_rule("votes:drop-mid-response"));
    {
        UiDriver d(online(sim, data.path()));
        vote(d, sim, "anna", "c");
        EXPECT_EQ(d.state().vote.outcome, ActionOutcome::kQueued);
        EXPECT_NE(d.label("note/vote_outcome").find("будет передан"), std::string::npos);
        ASSERT_EQ(of_kind(sim, "vote").size(), 1u);
    }  // the kiosk goes down with the vote still pending in its store
    auto pending = [&] {
        auto store = core::AppealStore::open(test::store_options(data.path()));
        return (*store)->pending_actions(10)->size();
    };
    ASSERT_EQ(pending(), 1u);
    sim.faults().clear();
    UiDriver d(online(sim, data.path()));
    ASSERT_TRUE(d.wait_for([&] { return pending() == 0; }, 20s));
    std::this_thread::sleep_for(6s);  // another round of the job
    const auto votes = of_kind(sim, "vote");
    ASSERT_EQ(votes.size(), 1u) << "the repeats were the same vote";
    EXPECT_EQ(votes[0].option, "c");
    EXPECT_GE(sim.attempts(votes[0].key), 2);
}

namespace {

// From attract to the place step's "next" for a pothole "here, at this МФЦ": on the similar
// appeals when there are any, else on the description (issue #21, point 8: before any typing).
void pothole_here(UiDriver& d) {
    d.choose("roads.road.pothole");
    d.tap("place/here");
    d.leave_place();
}

// From the description to "who": the text and one photo.
void describe_pothole(UiDriver& d, const std::string& text) {
    ASSERT_EQ(d.state().screen, Screen::kDescription);
    d.type(text);
    d.tap("nav/next");
    ASSERT_TRUE(d.wait_for([&] { return d.enabled("photo/take"); }));
    d.tap("photo/take");
    ASSERT_TRUE(d.wait_for([&] { return !d.state().photos.photos.empty(); }));
    d.tap("nav/next");
}

// From "who" to the receipt with a name and phone; the receipt number back.
std::string submit_as(UiDriver& d, const std::string& name, const std::string& phone) {
    EXPECT_EQ(d.state().screen, Screen::kWho);
    d.tap("who/contact");
    d.type(name);
    d.tap("field/phone");
    for (char c : phone) d.tap(std::string("kbd/") + c);
    d.tap("nav/next");
    d.tap("consent/agree");
    d.tap("review/submit");
    EXPECT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    const std::string number = d.state().receipt ? d.state().receipt->receipt_number : "";
    d.tap("receipt/done");
    return number;
}

}  // namespace

TEST(Similar, NearbyAppealsShowOnlyAPublishedPhotoAndAPlusOneJoinsOneInsteadOfANewAppeal) {
    RunningSim sim;
    UiDriver d(online(sim));
    pothole_here(d);
    ASSERT_EQ(d.state().screen, Screen::kDescription) << "nothing near yet";
    describe_pothole(d, "Глубокая яма у входа в МФЦ");
    const std::string first = submit_as(d, "Анна Иванова", "9161234567");
    ASSERT_TRUE(d.wait_for(
        [&] { return sim.store().find_by_receipt(first) && sim.store().media_count() == 1; }, 15s));

    // The next citizen with the same problem at the same place: shown before typing anything.
    pothole_here(d);
    ASSERT_EQ(d.state().screen, Screen::kSimilar);
    EXPECT_TRUE(d.state().text().empty());
    EXPECT_TRUE(d.state().photos.photos.empty());
    EXPECT_FALSE(d.has("note/similar_offline"));
    ASSERT_EQ(d.state().similar.appeals.size(), 1u);
    const std::string card = d.label("similar/0");
    EXPECT_NE(card.find(first), std::string::npos);
    EXPECT_NE(card.find("Зарегистрировано"), std::string::npos);
    EXPECT_NE(card.find("0 м отсюда"), std::string::npos);
    // Its photo is the first citizen's and nobody has published it (issue #20, point 11):
    // not shown, not even fetched.
    EXPECT_TRUE(d.state().similar.appeals[0].photo.empty()) << "an unpublished photo";
    EXPECT_EQ(d.state().similar.appeals[0].photo_id, 0u);
    // Nothing personal of the first citizen on the screen.
    for (const auto& w : d.ui().widgets().all()) {
        EXPECT_EQ(w.label.find("Анна"), std::string::npos) << w.id;
        EXPECT_EQ(w.label.find("входа"), std::string::npos) << w.id;
    }
    d.tap("similar/0");
    EXPECT_NE(d.label("note/similar_number").find(first), std::string::npos);
    d.tap("similar/same");
    ASSERT_EQ(d.state().screen, Screen::kSupport);
    EXPECT_EQ(d.label("support/send"), "Присоединиться") << "anonymous: at once";
    d.type("Пётр");
    EXPECT_FALSE(d.enabled("support/send")) << "a name without a phone";
    EXPECT_EQ(d.label("note/phone"), "Укажите и телефон — или сотрите имя");
    EXPECT_NE(d.label("note/support_note").find("152-ФЗ"), std::string::npos)
        << "the consent line is not replaced by the error";
    d.tap("field/phone");
    for (char c : std::string("9031112233")) d.tap(std::string("kbd/") + c);
    ASSERT_TRUE(d.enabled("support/send"));
    EXPECT_EQ(d.label("support/send"), "Далее →") << "a contact: the consent next";
    d.tap("support/send");
    // The same consent step as a report's, said to be for this +1.
    ASSERT_EQ(d.state().screen, Screen::kConsent);
    EXPECT_NE(d.label("note/consent_text").find("152-ФЗ"), std::string::npos);
    EXPECT_TRUE(of_kind(sim, "support").empty()) << "nothing leaves before the consent";
    d.tap("consent/decline");
    EXPECT_NE(d.label("note/consent_declined").find("сотрите"), std::string::npos);
    d.tap("nav/back");
    ASSERT_EQ(d.state().screen, Screen::kSupport);
    EXPECT_EQ(d.label("field/name"), "Пётр") << "nothing typed is lost";
    d.tap("support/send");
    d.tap("consent/agree");
    ASSERT_TRUE(
        d.wait_for([&] { return d.state().similar.support == ActionOutcome::kDelivered; }, 15s));
    EXPECT_NE(d.label("note/support").find(first), std::string::npos);
    const auto plus = of_kind(sim, "support");
    ASSERT_EQ(plus.size(), 1u);
    EXPECT_EQ(plus[0].target, first);
    EXPECT_NE(plus[0].contact.find("+79031112233"), std::string::npos);
    const auto body = nlohmann::json::parse(plus[0].body);
    EXPECT_EQ(body["consent"]["version"], d.kiosk().session().config().consent_version)
        << "the consent travels with the contact";
    d.tap("support/done");
    EXPECT_EQ(d.state().screen, Screen::kAttract);
    EXPECT_TRUE(d.state().photos.photos.empty());
    // No second appeal was made; the platform now counts one supporter.
    auto store = core::AppealStore::open(test::store_options(d.data_dir()));
    EXPECT_EQ((*store)->census()->appeals, 1);
    // The platform's moderators publish the first appeal's photos: now the next citizen sees the
    // first one, from the platform, small.
    sim.store().publish_photos(first);
    pothole_here(d);
    ASSERT_EQ(d.state().screen, Screen::kSimilar);
    EXPECT_NE(d.label("similar/0").find("поддержали: 1"), std::string::npos);
    auto raster = image::decode_jpeg(d.state().similar.appeals[0].photo);
    ASSERT_TRUE(raster) << "a JPEG";
    EXPECT_LE(std::max(raster->width, raster->height), 480);
    EXPECT_TRUE(d.images().has_photo(d.state().similar.appeals[0].photo_id)) << "on screen";
    // Or a citizen goes on with their own: the description, the place kept.
    d.tap("similar/continue");
    EXPECT_EQ(d.state().screen, Screen::kDescription);
    ASSERT_TRUE(d.kiosk().session().chosen_place());
    EXPECT_EQ(d.kiosk().session().chosen_place()->source, "here");
}

TEST(Similar, OfflineTheKiosksOwnAppealsAreShownAndAPlusOneWaitsInTheStore) {
    UiDriver::Options o;
    o.config.platform_url = RunningSim::gone_url();
    o.config.site_address = "Москва, ул. Тверская, 8 (МФЦ)";
    o.config.site_lat = 55.7575;
    o.config.site_lon = 37.6136;
    UiDriver d(o);
    pothole_here(d);
    describe_pothole(d, "Глубокая яма у входа в МФЦ");
    const std::string first = submit_as(d, "Анна Иванова", "9161234567");
    pothole_here(d);
    ASSERT_EQ(d.state().screen, Screen::kSimilar);
    EXPECT_NE(d.label("note/similar_offline").find("Нет связи"), std::string::npos);
    EXPECT_NE(d.label("similar/0").find(first), std::string::npos);
    EXPECT_NE(d.label("similar/0").find("Ждёт отправки"), std::string::npos);
    EXPECT_TRUE(d.state().similar.appeals[0].photo.empty())
        << "another citizen's photo from the store, never moderated, is not shown";
    d.tap("similar/0");
    d.tap("similar/same");
    d.tap("support/send");  // anonymous: no contact, no consent step
    ASSERT_EQ(d.state().screen, Screen::kSupport);
    ASSERT_TRUE(
        d.wait_for([&] { return d.state().similar.support == ActionOutcome::kQueued; }, 15s));
    EXPECT_NE(d.label("note/support").find("как только появится связь"), std::string::npos);
    auto store = core::AppealStore::open(test::store_options(d.data_dir()));
    const auto pending = (*store)->pending_actions(10);
    ASSERT_EQ(pending->size(), 1u);
    EXPECT_EQ((*pending)[0].target, first);
}

TEST(Votes, OfflineThePollsSyncedBeforeStayAndVotingSaysItNeedsTheConnection) {
    TempDir data;
    {
        RunningSim sim;
        UiDriver d(online(sim, data.path()));
        ASSERT_TRUE(d.wait_for([&] { return d.kiosk().session().open_polls().size() == 3; }, 15s));
    }  // the platform goes away
    UiDriver::Options o;
    o.config.data_dir = data.path();
    o.config.platform_url = RunningSim::gone_url();
    UiDriver d(o);
    d.tap("attract/polls");
    ASSERT_TRUE(d.has("poll/POLL-2027-PARKS")) << "the list synced before, from the disk";
    d.tap("poll/POLL-2027-PARKS");
    EXPECT_EQ(d.label("poll/qr"), "https://pos.gosuslugi.ru/lkp/polls/2027-parks");
    d.tap("poll/vote_here");
    ASSERT_TRUE(d.wait_for([&] { return d.has("who/retry"); }, 10s));
    EXPECT_NE(d.label("note/handoff").find("проголосовать на терминале не получится"),
              std::string::npos);
    EXPECT_FALSE(d.has("vote/option/a")) << "no vote without the identity";
    d.tap("nav/back");
    EXPECT_EQ(d.state().screen, Screen::kPoll);
    EXPECT_EQ(d.state().handoff.state, core::Handoff::State::kNone);
}
