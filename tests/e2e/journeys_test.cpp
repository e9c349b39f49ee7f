// Whole citizen journeys through the UI test driver, as a finger would make them: with photos and
// the map, without photos, with an address only, with the Госуслуги hand-off approved or expired
// on the simulator, with consent refused, with an idle wipe in the middle of every step, and with
// the language switched mid-way. The last test submits through the screens and checks every field
// and photo where they land: on the simulator.
#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "drivers/printer/preview.h"
#include "image/jpeg.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/control.h"
#include "kiosk/core/open311_setup.h"
#include "sync/http.h"
#include "tests/support/demo_region.h"
#include "tests/support/maint_steps.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"
#include "tests/support/ui_driver.h"

using namespace vmeste;
using namespace vmeste::test;
using namespace std::chrono_literals;
using core::Screen;

namespace {

std::string sha256_hex(const std::string& data) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    static const char* kHex = "0123456789abcdef";
    std::string s;
    for (unsigned char c : h) {
        s += kHex[c >> 4];
        s += kHex[c & 15];
    }
    return s;
}

// A kiosk in the demo town's МФЦ with the town's region pack (its map and addresses).
UiDriver::Options at_site() {
    const test::DemoRegion map;
    UiDriver::Options o;
    o.config.site_address = map.site_address;
    o.config.site_lat = map.lat;
    o.config.site_lon = map.lon;
    o.config.map_file = map.file;
    return o;
}
// The same МФЦ with no map at all.
UiDriver::Options at_site_without_map() {
    UiDriver::Options o = at_site();
    o.config.map_file.clear();
    return o;
}

// The topic, "here, in this МФЦ", the text: on the photo step.
void start(UiDriver& d, const std::string& leaf, const std::string& text) {
    d.choose(leaf);
    d.tap("place/here");
    d.leave_place();
    ASSERT_EQ(d.state().screen, Screen::kDescription);
    d.type(text);
    d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kPhotos);
}

// No photo, "here": on to the "who are you" step.
void to_who_here(UiDriver& d) {
    start(d, "housing.building.hot_water", "Нет горячей воды третий день");
    d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kWho);
}

void take_photo(UiDriver& d) {
    const size_t before = d.state().photos.photos.size();
    ASSERT_TRUE(d.wait_for([&] { return d.enabled("photo/take"); }));
    d.tap("photo/take");
    ASSERT_TRUE(d.wait_for([&] { return d.state().photos.photos.size() == before + 1; }));
}

void contact(UiDriver& d, const std::string& name, const std::string& phone,
             const std::string& email = "") {
    d.tap("who/contact");
    d.type(name);
    d.tap("field/phone");
    for (char c : phone) d.tap(std::string("kbd/") + c);
    if (!email.empty()) {
        d.tap("field/email");
        d.type(email);
    }
}

// Consent, submit, the receipt: what the kiosk stored under its number.
core::StoredAppeal submit(UiDriver& d) {
    d.tap("nav/next");
    d.tap("consent/agree");
    d.tap("review/submit");
    EXPECT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    auto store = core::AppealStore::open(test::store_options(d.data_dir()));
    auto stored =
        (*store)->find_by_receipt(d.state().receipt ? d.state().receipt->receipt_number : "");
    EXPECT_TRUE(stored && *stored);
    return stored && *stored ? **stored : core::StoredAppeal{};
}

// The receipt's slip as the printer would print it: its lines that contain `part`.
std::vector<std::string> slip_lines_with(UiDriver& d, const std::string& part) {
    std::vector<std::string> out;
    auto slip = drivers::render_escpos(d.ui().receipt_bytes());
    EXPECT_TRUE(slip) << slip.error().message;
    if (slip)
        for (const auto& l : slip->lines)
            if (l.find(part) != std::string::npos) out.push_back(l);
    return out;
}

// Files under the data directory that could hold a citizen's data besides the store itself.
std::vector<std::string> loose_files(const std::string& data_dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(data_dir)) {
        if (!e.is_regular_file()) continue;
        const std::string name = e.path().filename().string();
        if (name.starts_with("appeals.db") || name == "device.key" || name == "region.mbtiles" ||
            name == ".lock")  // the data directory's lock: a pid and a program name
            continue;
        out.push_back(e.path().string());
    }
    return out;
}

class Journeys : public ::testing::Test {
  protected:
    const test::DemoRegion map_;
};

}  // namespace

TEST_F(Journeys, HappyPathWithPhotosABlurAndThePinOnTheMap) {
    UiDriver d(at_site());
    d.choose("improvement.lighting.light_out");
    // Where first (issue #21, point 8): a pin on the map.
    ASSERT_EQ(d.state().screen, Screen::kPlace);
    d.tap("place/map");
    ASSERT_TRUE(d.has("map/view"));
    ASSERT_TRUE(d.wait_for([&] { return d.images().tiles() > 0; })) << "tiles are drawn";
    const std::string view_before = d.label("map/view");
    d.drag("map/view", 0.5f, 0.5f, 0.3f, 0.5f);  // the map moves east under the finger
    EXPECT_NE(d.label("map/view"), view_before);
    EXPECT_FALSE(d.state().place.pin_lat) << "a drag sets no pin";
    d.tap_at("map/view", 0.5f, 0.5f);
    ASSERT_TRUE(d.state().place.pin_lat);
    EXPECT_GT(*d.state().place.pin_lon, map_.lon) << "east of the МФЦ after the drag";
    d.leave_place();
    ASSERT_EQ(d.state().screen, Screen::kDescription);
    d.type("Не горит фонарь у дома 12, уже неделю");
    d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kPhotos);
    EXPECT_FALSE(d.enabled("nav/next")) << "a street light needs a photo";
    take_photo(d);
    ASSERT_TRUE(d.has("photo/view"));
    const std::string before = d.state().photos.photos[0].jpeg;
    // A face there: the finger draws around it, the outline shows, «Скрыть» hides it.
    d.drag("photo/view", 0.2f, 0.3f, 0.45f, 0.6f);
    ASSERT_TRUE(d.has("photo/mark"));
    EXPECT_EQ(d.state().photos.photos[0].blurs, 0) << "nothing hidden before «Скрыть»";
    EXPECT_FALSE(d.enabled("nav/next")) << "hide it or cancel first";
    const auto& m = *d.state().photos.mark;
    EXPECT_NEAR(m.x, 0.2, 0.01);
    EXPECT_NEAR(m.y, 0.3, 0.01);
    EXPECT_NEAR(m.w, 0.25, 0.01);
    EXPECT_NEAR(m.h, 0.3, 0.01);
    d.tap("photo/hide");
    ASSERT_TRUE(d.wait_for([&] { return d.state().photos.photos[0].blurs == 1; }));
    EXPECT_FALSE(d.has("photo/mark"));
    EXPECT_NE(d.state().photos.photos[0].jpeg, before);
    d.tap("photo/more");
    take_photo(d);
    EXPECT_EQ(d.images().photo_textures(), 2u) << "both thumbnails on screen";
    d.tap("nav/next");

    ASSERT_EQ(d.state().screen, Screen::kWho);
    contact(d, "Анна Иванова", "9161234567", "anna@mail.ru");
    d.tap("nav/next");
    d.tap("consent/agree");
    ASSERT_EQ(d.state().screen, Screen::kReview);
    EXPECT_NE(d.label("review/photos").find("2"), std::string::npos);
    // Said by the address under the pin (the town's, east of the МФЦ after the drag), with a
    // still map; no coordinates.
    EXPECT_TRUE(d.wait_for([&] {
        return d.label("review/place").find("Заречный, ") != std::string::npos;
    })) << d.label("review/place");
    EXPECT_EQ(d.label("review/place").find("56.0"), std::string::npos) << d.label("review/place");
    EXPECT_TRUE(d.has("review/place_map"));
    d.tap("review/submit");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    EXPECT_EQ(d.images().photo_textures(), 0u) << "submitting wipes the photos from the screen";

    auto store = core::AppealStore::open(test::store_options(d.data_dir()));
    auto stored = (*store)->find_by_receipt(d.state().receipt->receipt_number);
    ASSERT_TRUE(stored && *stored);
    EXPECT_EQ((*stored)->photo_count, 2);
    EXPECT_EQ((*stored)->appeal.place->source, "map");
    // Both the point and its address (issue #23, point 4).
    EXPECT_EQ((*stored)->appeal.place->address_from, "index");
    EXPECT_EQ((*stored)->appeal.place->address.rfind("Заречный, ", 0), 0u)
        << (*stored)->appeal.place->address;
    EXPECT_EQ((*stored)->contact->email, "anna@mail.ru");
    // Printing: the button sends ESC/POS to the printer and says so.
    d.tap("receipt/print");
    ASSERT_TRUE(d.wait_for([&] { return d.state().print == core::PrintState::kPrinted; }));
    EXPECT_NE(d.printer().received().find(d.state().receipt->receipt_number), std::string::npos);
    EXPECT_TRUE(d.has("note/printed"));
}

TEST_F(Journeys, SkipPhotosAndTakeHereAtThisMfc) {
    UiDriver d(at_site());
    d.choose("housing.building.hot_water");
    d.tap("place/here");
    EXPECT_NE(d.label("note/place").find("улица Ленина, 1"), std::string::npos);
    d.leave_place();
    d.type("Нет горячей воды третий день");
    d.tap("nav/next");
    EXPECT_EQ(d.label("nav/next"), "Пропустить →");
    d.tap("nav/next");
    contact(d, "Пётр", "4951234567");
    const core::StoredAppeal stored = submit(d);
    EXPECT_EQ(stored.photo_count, 0);
    EXPECT_EQ(stored.appeal.place->source, "here");
    EXPECT_DOUBLE_EQ(*stored.appeal.place->lat, map_.lat);
    EXPECT_EQ(stored.contact->phone, "+74951234567");
    // Name and phone: a сообщение, and the receipt, the slip and the voice say so (issue #21,
    // point 9: it said «Обращение принято»).
    d.frame();
    EXPECT_EQ(d.label("note/receipt_title"), "Сообщение принято");
    EXPECT_TRUE(d.ui().prompt_text().starts_with("Сообщение принято. Номер сообщения: "))
        << d.ui().prompt_text();
    EXPECT_EQ(slip_lines_with(d, "принято"), std::vector<std::string>{"Сообщение принято"});
}

TEST_F(Journeys, AddressOnlyWhenTheKioskHasNoMapAndNoSite) {
    UiDriver::Options o;
    o.config.map_file = "/nonexistent/region.mbtiles";  // a missing file: the map is off
    UiDriver d(o);
    d.choose("housing.building.hot_water");
    EXPECT_FALSE(d.has("place/map"));
    EXPECT_FALSE(d.has("place/here"));
    d.tap("place/address");
    d.type("Лен");
    EXPECT_FALSE(d.enabled("nav/next"));
    EXPECT_NE(d.label("note/address").find("коротко"), std::string::npos);
    d.type("ина, 5");
    EXPECT_TRUE(d.enabled("nav/next"));
    d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kDescription);
    d.type("Нет горячей воды третий день");
    d.tap("nav/next");
    d.tap("nav/next");  // no photo
    contact(d, "Пётр", "4951234567");
    const core::StoredAppeal stored = submit(d);
    EXPECT_EQ(stored.appeal.place->address, "Ленина, 5");
    EXPECT_FALSE(stored.appeal.place->lat);
}

TEST_F(Journeys, HandOffApprovedOnThePhoneMakesAnAppealUnder59FZ) {
    sim::SimOptions so;
    so.handoff_interval_s = 1;
    RunningSim sim(so);
    UiDriver::Options o = at_site();
    o.config.platform_url = sim.url();
    o.uploader = true;
    o.config.retry_base_ms = 50;
    UiDriver d(o);
    to_who_here(d);
    d.tap("who/gosuslugi");
    ASSERT_TRUE(d.wait_for([&] { return d.has("who/user_code"); }, 10s));
    EXPECT_NE(d.label("who/qr").find("user_code="), std::string::npos);
    EXPECT_NE(d.label("note/handoff_left").find("10:00"), std::string::npos);
    // The citizen approves on the phone.
    ASSERT_TRUE(sim.server().decide_handoff(d.label("who/user_code"), true));
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().session().identified(); }, 10s));
    EXPECT_NE(d.label("note/handoff").find("Иванова"), std::string::npos);
    EXPECT_NE(d.label("note/kind").find("59-ФЗ"), std::string::npos);
    EXPECT_FALSE(d.has("field/name")) << "no name and phone needed";
    d.tap("nav/next");
    d.tap("consent/agree");
    EXPECT_NE(d.label("note/kind").find("обращение"), std::string::npos);
    d.tap("review/submit");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    const std::string receipt = d.state().receipt->receipt_number;
    ASSERT_TRUE(d.wait_for([&] { return sim.store().find_by_receipt(receipt).has_value(); }, 10s));
    auto got = sim.store().find_by_receipt(receipt);
    EXPECT_EQ(got->kind, "appeal");
    // Signed in with Госуслуги: an обращение under 59-ФЗ, named so everywhere.
    d.frame();
    EXPECT_EQ(d.label("note/receipt_title"), "Обращение принято");
    EXPECT_TRUE(d.ui().prompt_text().starts_with("Обращение принято. Номер обращения: "))
        << d.ui().prompt_text();
    EXPECT_EQ(slip_lines_with(d, "принято"), std::vector<std::string>{"Обращение принято"});
    EXPECT_TRUE(sim.server().identity_confirmed(got->subject));
    EXPECT_NE(got->contact.find("Иванова"), std::string::npos);
}

TEST_F(Journeys, HandOffExpiredLeavesNameAndPhone) {
    sim::SimOptions so;
    so.handoff_interval_s = 1;
    so.handoff_expires_s = 2;
    RunningSim sim(so);
    UiDriver::Options o = at_site();
    o.config.platform_url = sim.url();
    UiDriver d(o);
    to_who_here(d);
    d.tap("who/gosuslugi");
    ASSERT_TRUE(d.wait_for([&] { return d.has("who/user_code"); }, 10s));
    ASSERT_TRUE(d.wait_for([&] { return d.has("who/retry"); }, 10s)) << "the code ran out";
    EXPECT_NE(d.label("note/handoff").find("истекло"), std::string::npos);
    EXPECT_FALSE(d.enabled("nav/next"));
    EXPECT_FALSE(d.kiosk().session().identified());
    contact(d, "Пётр", "4951234567");
    EXPECT_TRUE(d.enabled("nav/next"));
    EXPECT_NE(d.label("note/kind").find("сообщение"), std::string::npos);
}

TEST_F(Journeys, ConsentRefusedSendsNothingAndLeavesAWayBack) {
    UiDriver d(at_site());
    to_who_here(d);
    contact(d, "Пётр", "4951234567");
    d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kConsent);
    EXPECT_NE(d.label("note/consent_text").find("152-ФЗ"), std::string::npos);
    d.tap("consent/down");  // the text pages
    d.tap("consent/decline");
    ASSERT_TRUE(d.has("note/consent_declined"));
    EXPECT_EQ(d.state().screen, Screen::kConsent);
    EXPECT_FALSE(d.kiosk().session().can_apply(core::IntentKind::kSubmit));
    d.tap("nav/back");
    EXPECT_EQ(d.state().screen, Screen::kWho);
    EXPECT_EQ(d.label("field/name"), "Пётр") << "nothing typed is lost";
    d.tap("top/cancel");  // finish without sending
    EXPECT_EQ(d.state().screen, Screen::kAttract);
    auto store = core::AppealStore::open(test::store_options(d.data_dir()));
    EXPECT_EQ((*store)->queue_figures()->queued_appeals, 0);
}

TEST_F(Journeys, IdleWipeInTheMiddleOfEveryStepLeavesNoTrace) {
    const Screen steps[] = {Screen::kCategory, Screen::kPlace, Screen::kDescription,
                            Screen::kPhotos,   Screen::kWho,   Screen::kConsent,
                            Screen::kReview};
    for (Screen stop_at : steps) {
        SCOPED_TRACE(core::screen_name(stop_at));
        ManualClock clock;
        UiDriver::Options o = at_site();
        o.clock = &clock;
        UiDriver d(o);
        d.tap("attract/report");
        d.tap("category/improvement");
        auto reached = [&] { return d.state().screen == stop_at; };
        if (!reached()) {
            d.tap("leaf/improvement.lighting.light_out");
            d.tap("place/address");
            d.type("ул. Тайная, 7");
        }
        if (!reached()) {
            d.tap("nav/next");
            d.type("Секретная улица Тайная, 7");
        }
        if (!reached()) {
            d.tap("nav/next");
            take_photo(d);
        }
        if (!reached()) {
            d.tap("nav/next");
            contact(d, "Секретов", "9169998877", "secret@mail.ru");
        }
        if (!reached()) d.tap("nav/next");
        if (!reached()) d.tap("consent/agree");
        ASSERT_TRUE(reached());
        // Nobody touches the screen: 90 s, then the 20-second countdown, then the wipe.
        clock.advance(std::chrono::seconds(95));
        d.frame();
        ASSERT_TRUE(d.has("idle/continue"));
        clock.advance(std::chrono::seconds(20));
        d.frame();
        d.frame();
        ASSERT_EQ(d.state().screen, Screen::kAttract);
        const core::SessionState& st = d.state();
        for (int f = 0; f < core::kFieldCount; ++f)
            EXPECT_TRUE(st.fields[f].value.empty())
                << core::field_name(static_cast<core::Field>(f));
        EXPECT_TRUE(st.photos.photos.empty());
        EXPECT_TRUE(st.category_id.empty());
        EXPECT_EQ(st.place.mode, core::PlaceMode::kNone);
        EXPECT_FALSE(st.consent_unix_ms);
        EXPECT_EQ(d.images().photo_textures(), 0u) << "no photo left on screen or GPU";
        // Nothing on screen says anything of them.
        for (const auto& w : d.ui().widgets().all()) {
            EXPECT_EQ(w.label.find("Секрет"), std::string::npos) << w.id;
            EXPECT_EQ(w.label.find("Тайная"), std::string::npos) << w.id;
        }
        // Nothing reached the store or the disk.
        auto store = core::AppealStore::open(test::store_options(d.data_dir()));
        EXPECT_EQ((*store)->queue_figures()->queued_appeals, 0);
        EXPECT_TRUE(loose_files(d.data_dir()).empty()) << loose_files(d.data_dir()).front();
    }
}

TEST_F(Journeys, LanguageSwitchMidJourneyKeepsEverything) {
    UiDriver d(at_site());
    d.choose("improvement.lighting.light_out");
    d.tap("place/address");
    d.type("ул. Мира, 12");
    d.tap("nav/next");
    d.type("Не горит фонарь у дома 12");
    d.tap("nav/next");
    take_photo(d);
    d.tap("top/language");
    EXPECT_EQ(d.label("nav/next"), "Next →");
    EXPECT_EQ(d.state().photos.photos.size(), 1u);
    d.tap("nav/next");
    contact(d, "Anna", "9161234567");
    d.tap("top/language");
    EXPECT_EQ(d.label("who/contact"), "Указать имя и телефон");
    EXPECT_EQ(d.label("field/name"), "Anna");
    EXPECT_EQ(d.label("field/phone"), "+7 (916) 123-45-67");
    d.tap("nav/back");
    EXPECT_EQ(d.state().photos.photos.size(), 1u);
    d.tap("nav/back");
    EXPECT_EQ(d.state().text(), "Не горит фонарь у дома 12");
    d.tap("nav/back");
    EXPECT_EQ(d.label("field/address"), "ул. Мира, 12");
}

TEST(JourneyE2E, EveryFieldAndPhotoArrivesOnThePlatform) {
    RunningSim sim;
    UiDriver::Options o = at_site();
    o.uploader = true;
    o.config.platform_url = sim.url();
    o.config.retry_base_ms = 50;
    UiDriver d(o);
    const std::string text = "Сломана скамейка в сквере у дома 3; торчат гвозди, опасно детям";
    d.choose("improvement.yard.playground");
    d.tap("place/map");
    ASSERT_TRUE(d.has("map/view"));
    d.tap_at("map/view", 0.5f, 0.5f);
    const double lat = *d.state().place.pin_lat, lon = *d.state().place.pin_lon;
    d.leave_place();
    if (d.state().screen == Screen::kSimilar) d.tap("similar/continue");
    ASSERT_EQ(d.state().screen, Screen::kDescription);
    d.type(text);
    d.tap("nav/next");
    take_photo(d);
    d.tap_at("photo/view", 0.6f, 0.3f);  // one touch outlines a region around it
    d.tap("photo/hide");
    ASSERT_TRUE(d.wait_for([&] { return d.state().photos.photos[0].blurs == 1; }));
    d.tap("photo/more");
    take_photo(d);
    std::vector<std::string> sent;
    for (const auto& p : d.state().photos.photos) sent.push_back(p.jpeg);
    d.tap("nav/next");
    contact(d, "Анна Иванова", "9161234567", "anna@mail.ru");
    d.tap("nav/next");
    d.tap("consent/agree");
    d.tap("review/submit");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    const std::string receipt = d.state().receipt->receipt_number;
    ASSERT_TRUE(d.wait_for([&] { return sim.store().find_by_receipt(receipt).has_value(); }, 15s));

    auto got = sim.store().find_by_receipt(receipt);
    EXPECT_EQ(got->category, "improvement.yard.playground");
    EXPECT_EQ(got->text, text);
    EXPECT_EQ(got->language, "ru");
    EXPECT_EQ(got->kind, "message");
    auto place = nlohmann::json::parse(got->place);
    EXPECT_EQ(place["source"], "map");
    EXPECT_NEAR(place["lat"].get<double>(), lat, 1e-9);
    EXPECT_NEAR(place["lon"].get<double>(), lon, 1e-9);
    auto c = nlohmann::json::parse(got->contact);
    EXPECT_EQ(c["name"], "Анна Иванова");
    EXPECT_EQ(c["phone"], "+79161234567");
    EXPECT_EQ(c["email"], "anna@mail.ru");
    // The photos: the very bytes the citizen saw, in order, upright, ≤ 2,048 px, no metadata.
    auto hashes = nlohmann::json::parse(got->photos);
    ASSERT_EQ(hashes.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(hashes[i], sha256_hex(sent[i])) << i;
        auto media = sim.store().find_media("sha256", hashes[i].get<std::string>());
        ASSERT_TRUE(media) << i;
        EXPECT_EQ(media->data, sent[i]);
        EXPECT_FALSE(image::has_metadata(media->data));
        auto px = image::decode_jpeg(media->data);
        ASSERT_TRUE(px);
        EXPECT_LE(std::max(px->width, px->height), 2048);
    }
}

// Issue #18: the whole journey against an Open311 city, in each server profile the simulator
// models (docs/sync.md "Open311 servers"): the kiosk discovers the city's services itself, the
// appeal arrives once under the city's code with its photos and the pin, and the status screen
// shows the city's own notes read from the server.
class Open311Journey : public ::testing::TestWithParam<sim::Open311Profile> {};

// A kiosk of an Open311 region, delivering to the simulator's Open311 server.
UiDriver::Options open311_kiosk(UiDriver::Options o, const RunningSim& sim) {
    o.uploader = true;
    o.config.adapter = "open311";
    o.config.open311_url = sim.url() + "/open311/v2";
    o.config.open311_api_key = "city-key";
    o.config.retry_base_ms = 50;
    return o;
}

TEST_P(Open311Journey, AnAppealWithPhotosReachesTheCityAndItsAnswerIsShown) {
    sim::SimOptions so;
    so.open311_profile = GetParam();
    so.device_token = "city-key";
    so.status_step_ms = 200;
    RunningSim sim(so);
    UiDriver d(open311_kiosk(at_site(), sim));
    // The kiosk discovers the city's services by itself when it starts.
    ASSERT_TRUE(
        d.wait_for([&] { return std::filesystem::exists(d.data_dir() + "/open311.json"); }, 10s));
    const std::string text = "Не горит фонарь у подъезда, темно вечером";
    d.choose("improvement.lighting.light_out");
    d.tap("place/map");
    d.tap_at("map/view", 0.5f, 0.5f);
    const double lat = *d.state().place.pin_lat;
    d.leave_place();
    ASSERT_EQ(d.state().screen, Screen::kDescription);
    d.type(text);
    d.tap("nav/next");
    if (GetParam() == sim::Open311Profile::kMySociety) {
        // Its street-light service asks for the lamp's number, optionally: skipped.
        ASSERT_EQ(d.state().screen, Screen::kDetails);
        d.tap("nav/next");
    }
    ASSERT_EQ(d.state().screen, Screen::kPhotos);
    take_photo(d);
    const std::string photo = d.state().photos.photos[0].jpeg;
    d.tap("nav/next");
    contact(d, "Анна Иванова", "9161234567");
    d.tap("nav/next");
    d.tap("consent/agree");
    d.tap("review/submit");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    const std::string receipt = d.state().receipt->receipt_number;
    d.tap("receipt/done");
    auto on_server = [&] {
        std::vector<sim::ReceivedAppeal> out;
        for (auto& a : sim.store().list(100))
            if (a.text.find(receipt) != std::string::npos) out.push_back(a);
        return out;
    };
    ASSERT_TRUE(d.wait_for([&] { return !on_server().empty(); }, 15s));
    const auto got = on_server();
    ASSERT_EQ(got.size(), 1u);
    const char* light = GetParam() == sim::Open311Profile::kSpec       ? "002"
                        : GetParam() == sim::Open311Profile::kHelsinki ? "172"
                                                                       : "LIGHT";
    EXPECT_EQ(got[0].category, light);
    if (GetParam() != sim::Open311Profile::kMySociety) {  // its multipart defect: docs/sync.md
        EXPECT_TRUE(got[0].text.starts_with(text)) << got[0].text;
    }
    auto photos = nlohmann::json::parse(got[0].photos);
    ASSERT_EQ(photos.size(), 1u);
    EXPECT_EQ(sim.store().find_media("sha256", photos[0].get<std::string>())->data, photo);
    EXPECT_NEAR(std::stod(nlohmann::json::parse(got[0].place)["lat"].get<std::string>()), lat,
                1e-6);
    // Later, the citizen asks: the city's own words come back from its server.
    auto view = core::AppealStore::open(store_options(d.data_dir())).value();
    ASSERT_TRUE(d.wait_for(
        [&] {
            auto local = view->find_by_receipt(receipt);
            return local && *local && !(*local)->platform_id.empty();
        },
        10s));
    std::this_thread::sleep_for(700ms);  // the city answers (status steps of 200 ms)
    d.tap("attract/status");
    for (char c : receipt)
        if (c != '-') d.tap(std::string("kbd/") + c);
    d.tap("status/find");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kStatusResult; }, 10s));
    EXPECT_FALSE(d.has("note/offline"));
    EXPECT_EQ(d.label("note/status_now"), "Дан ответ");
    EXPECT_EQ(d.label("note/status_answer"), "Яма заделана 3 декабря, спасибо.");
}

// From the attract screen to the "who" step: "here, in this МФЦ", the text, the city's questions
// (skipped when optional) and the photos (one taken when the category needs it).
void city_visit_to_who(UiDriver& d, const std::string& text) {
    d.choose("improvement.lighting.light_out");
    d.tap("place/here");
    d.leave_place();
    ASSERT_EQ(d.state().screen, Screen::kDescription);
    d.type(text);
    d.tap("nav/next");
    while (d.state().screen == Screen::kDetails) d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kPhotos);
    if (!d.enabled("nav/next")) take_photo(d);
    d.tap("nav/next");
}

// Issue #18, point 5: the server stores the request and its answer is cut half-way. The kiosk
// looks the request up before sending again: one request on the city's server, its id adopted.
TEST_P(Open311Journey, ALostAnswerLeavesOneRequestOnTheCitysServer) {
    sim::SimOptions so;
    so.open311_profile = GetParam();
    so.device_token = "city-key";
    RunningSim sim(so);
    UiDriver d(open311_kiosk(at_site_without_map(), sim));
    ASSERT_TRUE(
        d.wait_for([&] { return std::filesystem::exists(d.data_dir() + "/open311.json"); }, 10s));
    sim.faults().add(*sim::parse_fault_rule("open311:drop-mid-response:count=1"));
    city_visit_to_who(d, "Не горит фонарь у подъезда, темно вечером");
    contact(d, "Анна", "9161234567");
    submit(d);
    const std::string receipt = d.state().receipt->receipt_number;
    d.tap("receipt/done");
    auto view = core::AppealStore::open(store_options(d.data_dir())).value();
    ASSERT_TRUE(d.wait_for(
        [&] {
            auto local = view->find_by_receipt(receipt);
            return local && *local && !(*local)->platform_id.empty();
        },
        15s))
        << d.kiosk().uploader_status().last_error;
    std::vector<sim::ReceivedAppeal> got;
    for (auto& a : sim.store().list(20))
        if (a.text.find(receipt) != std::string::npos) got.push_back(a);
    ASSERT_EQ(got.size(), 1u) << "found, not sent again";
    EXPECT_EQ(sim.server().open311_posts().size(), 1u);
    EXPECT_EQ(sim.server().faults().rules().size(), 1u);
    EXPECT_EQ(sim.server().faults().rules()[0].count, 0) << "the answer was indeed lost once";
    // The id adopted is the server's own: the city shows the request under it.
    const std::string id = view->find_by_receipt(receipt).value()->platform_id;
    auto shown = sync::make_curl_transport()->send(
        {"GET", sim.url() + "/open311/v2/requests/" + id + ".json", {}, {}});
    ASSERT_TRUE(shown && shown->status == 200) << id;
    EXPECT_NE(shown->body.find(receipt), std::string::npos) << shown->body;
    EXPECT_EQ(view->queue_figures()->quarantined, 0);
}

// Issue #18, point 6: the city's server refuses the terminal's key. The citizen still gets the
// receipt; nothing is quarantined, nothing reaches the city, and staff read why on the queue
// screen.
TEST_P(Open311Journey, ARefusedKeyStillGivesTheReceiptAndStaffReadWhy) {
    sim::SimOptions so;
    so.open311_profile = GetParam();
    so.device_token = "city-key";
    RunningSim sim(so);
    TempDir data;
    ManualClock clock;
    set_pins(data.path(), clock, true, false);
    UiDriver::Options o = open311_kiosk(at_site_without_map(), sim);
    o.config.open311_api_key = "a-wrong-key";
    o.config.data_dir = data.path();
    o.clock = &clock;
    UiDriver d(o);
    ASSERT_TRUE(
        d.wait_for([&] { return std::filesystem::exists(d.data_dir() + "/open311.json"); }, 10s));
    city_visit_to_who(d, "Не горит фонарь у подъезда, темно вечером");
    contact(d, "Анна", "9161234567");
    const auto stored = submit(d);
    EXPECT_FALSE(stored.appeal.receipt_number.empty())
        << "the receipt is given and the appeal kept";
    d.tap("receipt/done");
    ASSERT_TRUE(
        d.wait_for([&] { return !d.kiosk().uploader_status().config_problem.empty(); }, 10s));
    auto view = core::AppealStore::open(store_options(d.data_dir())).value();
    EXPECT_EQ(view->queue_figures()->quarantined, 0);
    EXPECT_GE(view->queue_figures()->pending, 1);
    EXPECT_EQ(sim.store().count(), 0);
    open_queue_as_staff(d, clock, kStaffPin);
    const std::string trouble = d.label("note/maint_queue_trouble");
    EXPECT_NE(trouble.find("Отправка приостановлена"), std::string::npos) << trouble;
    EXPECT_NE(trouble.find("refuses this terminal's key"), std::string::npos) << trouble;
    EXPECT_NE(trouble.find(GetParam() == sim::Open311Profile::kSpec ? "HTTP 403" : "HTTP 400"),
              std::string::npos)
        << trouble;
    EXPECT_NE(d.label("note/maint_queue").find("В карантине: 0"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Servers, Open311Journey,
                         ::testing::Values(sim::Open311Profile::kSpec,
                                           sim::Open311Profile::kHelsinki,
                                           sim::Open311Profile::kMySociety),
                         [](const auto& info) {
                             return std::string(sim::open311_profile_name(info.param));
                         });

// Issue #18, point 2: a service that requires an answer (mySociety's pothole: its depth) asks it
// on the screen after the description; the answers arrive as the request's attributes.
TEST(Open311Questions, TheServicesQuestionsAreAnsweredOnScreenAndArriveAsAttributes) {
    sim::SimOptions so;
    so.open311_profile = sim::Open311Profile::kMySociety;
    so.device_token = "city-key";
    RunningSim sim(so);
    UiDriver d(open311_kiosk(at_site_without_map(), sim));
    // The kiosk discovers the city's services by itself when it starts.
    ASSERT_TRUE(
        d.wait_for([&] { return std::filesystem::exists(d.data_dir() + "/open311.json"); }, 10s));
    d.describe("roads.road.pothole", "Глубокая яма у остановки, машины объезжают по встречной");
    d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kDetails);
    EXPECT_EQ(d.label("note/details_question"), "Depth of the pothole, in centimetres");
    EXPECT_FALSE(d.enabled("nav/next")) << "a required answer";
    d.type("15");
    ASSERT_TRUE(d.enabled("nav/next"));
    d.tap("nav/next");
    EXPECT_EQ(d.label("note/details_question"), "Where is it?");
    d.tap("details/option/pavement");
    d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kPhotos);
    d.complete_steps();
    // The review lists the answers as given, a choice by its name.
    EXPECT_NE(d.label("review/details").find("Depth of the pothole, in centimetres — 15"),
              std::string::npos)
        << d.label("review/details");
    EXPECT_NE(d.label("review/details").find("Where is it? — Pavement"), std::string::npos);
    d.tap("review/submit");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    const std::string receipt = d.state().receipt->receipt_number;
    std::optional<sim::ReceivedAppeal> got;
    ASSERT_TRUE(d.wait_for([&] { return (got = sim.carrying(receipt)).has_value(); }, 15s));
    EXPECT_EQ(got->category, "POT");
    // The simulator records the attributes just after storing the request: wait for them.
    d.wait_for([&] { return !sim.server().open311_attributes(got->platform_id).empty(); });
    EXPECT_EQ(sim.server().open311_attributes(got->platform_id),
              (nlohmann::json{{"depth", "15"}, {"position", "pavement"}}));
}

// A kiosk of an Open311 region at an МФЦ with a map, its services discovered at start.
class Open311Place : public ::testing::Test {
  protected:
    void start(sim::Open311Profile profile) {
        sim::SimOptions so;
        so.open311_profile = profile;
        so.device_token = "city-key";
        sim = std::make_unique<RunningSim>(so);
        driver = std::make_unique<UiDriver>(open311_kiosk(at_site(), *sim));
        ASSERT_TRUE(driver->wait_for(
            [&] { return std::filesystem::exists(driver->data_dir() + "/open311.json"); }, 10s));
    }
    // The request on the city's server that carries the receipt number, once it is there.
    std::optional<sim::ReceivedAppeal> arrived(const std::string& receipt) {
        std::optional<sim::ReceivedAppeal> got;
        driver->wait_for([&] { return (got = sim->carrying(receipt)).has_value(); }, 15s);
        return got;
    }
    std::unique_ptr<RunningSim> sim;
    std::unique_ptr<UiDriver> driver;
};

// Issue #18, point 4: Helsinki's server fails an address without coordinates (a 500). The first
// such appeal still arrives, with the МФЦ's coordinates, and the kiosk learns from the refusal:
// from the next visit on, a typed address also asks for its pin, and both travel.
TEST_F(Open311Place, AServerThatNeedsCoordinatesGetsThePinOfATypedAddress) {
    start(sim::Open311Profile::kHelsinki);
    UiDriver& d = *driver;
    auto address_visit = [&] {
        d.choose("improvement.lighting.light_out");
        d.tap("place/address");
        d.type("ул. Ленина, 5");
    };
    // After the place: the text, a photo (the category wants one), on to "who".
    auto describe_visit = [&] {
        ASSERT_EQ(d.state().screen, Screen::kDescription);
        d.type("Не горит фонарь у подъезда, темно вечером");
        d.tap("nav/next");
        ASSERT_EQ(d.state().screen, Screen::kPhotos);
        if (!d.enabled("nav/next")) take_photo(d);
        d.tap("nav/next");
    };

    // The first visit: the address alone is the place.
    address_visit();
    d.leave_place();
    describe_visit();
    contact(d, "Анна", "9161234567");
    submit(d);
    const std::string first = d.state().receipt->receipt_number;
    d.tap("receipt/done");
    auto got = arrived(first);
    ASSERT_TRUE(got) << "the 500 is not the end of it";
    auto place = nlohmann::json::parse(got->place);
    EXPECT_NEAR(std::stod(place.value("lat", "0")), test::DemoRegion().lat, 1e-6)
        << "the МФЦ's, for want of better";
    ASSERT_TRUE(d.wait_for(
        [&] {
            auto s = core::load_open311_services(d.data_dir());
            return s && s->needs_coordinates;
        },
        5s))
        << "the refusal is remembered for the next visits";

    // The next visit: after the address, the map for its pin.
    address_visit();
    EXPECT_NE(d.label("field/address").find("ул. Ленина, 5"), std::string::npos);
    d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kPlace);
    ASSERT_TRUE(d.has("map/view"));
    EXPECT_NE(d.label("note/place").find("ул. Ленина, 5"), std::string::npos)
        << d.label("note/place");
    EXPECT_FALSE(d.enabled("nav/next")) << "no pin yet";
    d.tap_at("map/view", 0.3f, 0.7f);
    ASSERT_TRUE(d.state().place.pin_lat);
    const double lat = *d.state().place.pin_lat, lon = *d.state().place.pin_lon;
    d.leave_place();
    describe_visit();
    contact(d, "Анна", "9161234567");
    d.tap("nav/next");
    d.tap("consent/agree");
    // The typed address, and the region's address under its pin to check it by (issue #23),
    // with a still map of it.
    EXPECT_EQ(d.label("review/place").rfind("ул. Ленина, 5\n", 0), 0u) << d.label("review/place");
    EXPECT_TRUE(d.wait_for([&] {
        return d.label("review/place").find("\nАдрес: ") != std::string::npos;
    })) << d.label("review/place");
    EXPECT_TRUE(d.has("review/place_map"));
    d.tap("review/submit");
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    const std::string second = d.state().receipt->receipt_number;
    got = arrived(second);
    ASSERT_TRUE(got);
    place = nlohmann::json::parse(got->place);
    EXPECT_NEAR(std::stod(place.value("lat", "0")), lat, 1e-6) << "the pin, not the МФЦ";
    EXPECT_NEAR(std::stod(place.value("lon", "0")), lon, 1e-6);
}

// A server set by the technician as one that needs coordinates (`vmestectl open311 map
// --needs-coordinates yes`): the typed address and its pin both arrive.
TEST_F(Open311Place, TheTypedAddressGoesAlongWithItsPin) {
    start(sim::Open311Profile::kSpec);
    UiDriver& d = *driver;
    auto s = core::load_open311_services(d.data_dir());
    ASSERT_TRUE(s);
    s->needs_coordinates = true;
    ASSERT_TRUE(core::save_open311_services(d.data_dir(), *s));
    // As `vmestectl open311 map --needs-coordinates yes` tells the running kiosk.
    ASSERT_EQ(core::control_request(d.data_dir(), "open311-reload").value_or(""), "ok");
    d.choose("housing.building.hot_water");
    d.tap("place/address");
    d.type("ул. Мира, 12");
    d.tap("nav/next");
    ASSERT_TRUE(d.state().place.pin_for_address) << "the setting counts from this visit";
    d.tap_at("map/view", 0.6f, 0.4f);
    const double lat = *d.state().place.pin_lat;
    d.leave_place();
    ASSERT_EQ(d.state().screen, Screen::kDescription);
    d.type("Нет горячей воды третий день");
    d.tap("nav/next");
    while (d.state().screen == Screen::kDetails) d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kPhotos);
    d.tap("nav/next");
    contact(d, "Анна", "9161234567");
    submit(d);
    const auto got = arrived(d.state().receipt->receipt_number);
    ASSERT_TRUE(got);
    const auto place = nlohmann::json::parse(got->place);
    EXPECT_EQ(place.value("address", ""), "ул. Мира, 12");
    EXPECT_NEAR(std::stod(place.value("lat", "0")), lat, 1e-6);
}

// Issue #23, point 7: a region pack the gateway names reaches a running kiosk. It is fetched
// and installed in the background while a citizen is mid-visit, and swapped in only once the
// visit ends — no restart, and nobody's map changes under their finger.
TEST(RegionFromGateway, APackTheGatewaySendsReplacesTheMapBetweenVisitsWithoutARestart) {
    RunningSim sim;
    test::DemoRegion region;
    UiDriver::Options o;
    o.config.platform_url = sim.url();
    o.config.site_address = region.site_address;
    o.config.site_lat = region.lat;
    o.config.site_lon = region.lon;
    o.uploader = true;
    o.region_download.keep_free_bytes = 1 << 20;
    UiDriver d(o);
    ASSERT_FALSE(d.kiosk().map_tiles()) << "a terminal without a pack";
    ASSERT_FALSE(core::active_region_pack(d.data_dir()));
    d.choose("housing.building.hot_water");
    EXPECT_FALSE(d.has("place/map"));

    // The region's IT publishes a pack; the next heartbeat names it.
    ASSERT_TRUE(sim.server().set_region_pack(region.file));
    d.kiosk().expedite("heartbeat");
    ASSERT_TRUE(
        d.wait_for([&] { return core::active_region_pack(d.data_dir()).has_value(); }, 15s));
    // Installed, not swapped in: the citizen is still at the place step without a map.
    for (int i = 0; i < 5; ++i) d.frame();
    EXPECT_EQ(d.state().screen, Screen::kPlace);
    EXPECT_FALSE(d.kiosk().map_tiles());
    EXPECT_FALSE(d.has("place/map"));

    d.kiosk().dispatch({core::IntentKind::kCancel});
    ASSERT_TRUE(d.wait_for([&] { return d.kiosk().map_tiles() != nullptr; }));
    EXPECT_EQ(d.state().screen, Screen::kAttract);
    // The next citizen has the map and its addresses.
    d.choose("housing.building.hot_water");
    EXPECT_TRUE(d.has("place/map"));
    d.tap("place/address");
    d.type("Зелё");
    ASSERT_TRUE(d.wait_for([&] { return d.has("place/suggestion/0"); }));
    EXPECT_EQ(d.label("place/suggestion/0"), "Зелёная улица");
    // Staff read which pack it is.
    EXPECT_EQ(d.kiosk().maintenance().about().region, "Заречный (демо) 2026.12-1");
}
