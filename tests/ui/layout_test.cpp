// What is drawn, checked on every citizen screen (issue #21, "tests that see what is drawn"):
// in both orientations, both languages and each text-size / lowered-screen mode, a walk through
// the journey checks each frame with layout_problems (tests/support/layout_check.h): targets of
// 88 px inside the screen, no two overlapping, no text off the screen or across a target's edge,
// no missing glyph. Headless: ImGui's draw data and the widget registry, no renderer.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <numeric>

#include <sqlite3.h>

#include "tests/support/demo_region.h"
#include "tests/support/layout_check.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/sim_polls.h"
#include "tests/support/ui_driver.h"

using namespace vmeste;
using namespace vmeste::test;
using core::IntentKind;
using core::Screen;

namespace {

struct Variant {
    const char* name;
    float w, h;
    core::Language lang;
    bool large_text = false, lower_screen = false;
};

void PrintTo(const Variant& v, std::ostream* os) {
    *os << v.name;
}

class LayoutTest : public ::testing::TestWithParam<Variant> {};

// A terminal in the demo town's МФЦ, with the town's region pack.
UiDriver::Options terminal_with_demo_map(const test::DemoRegion& map) {
    UiDriver::Options o;
    o.config.site_address = "г. Заречный, улица Ленина, 1";
    o.config.site_lat = map.lat;
    o.config.site_lon = map.lon;
    o.config.map_file = map.file;
    return o;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += "\n  " + x;
    return s;
}

}  // namespace

TEST_P(LayoutTest, EveryScreenKeepsItsTextAndTargetsApartAndOnScreen) {
    const Variant v = GetParam();
    RunningSim sim;
    TempDir dir;
    const test::DemoRegion map;
    UiDriver::Options o;
    o.width = v.w;
    o.height = v.h;
    o.config.platform_url = sim.url();
    o.config.default_language = v.lang;
    o.config.site_address = map.site_address;
    o.config.site_lat = map.lat;
    o.config.site_lon = map.lon;
    o.config.map_file = map.file;
    UiDriver d(o);
    core::Kiosk& k = d.kiosk();
    const bool ru = v.lang == core::Language::kRu;
    auto toggle = [&](core::A11yOption opt) {
        k.dispatch({IntentKind::kToggleAccessibility, "", v.lang, static_cast<int>(opt)});
    };
    auto set_modes = [&] {
        if (v.large_text) toggle(core::A11yOption::kLargeText);
        if (v.lower_screen) toggle(core::A11yOption::kLowerScreen);
    };
    int checked = 0;
    auto check = [&](const char* where) {
        d.frame();
        d.frame();
        const auto problems = layout_problems(d.ui());
        EXPECT_TRUE(problems.empty())
            << where << " (" << core::screen_name(d.state().screen) << "):" << joined(problems);
        ++checked;
    };

    set_modes();
    check("attract");
    // The way in to accessibility says its name in both orientations (issue #21, point 10).
    EXPECT_EQ(d.label("top/accessibility"), ru ? "Доступность" : "Accessibility");
    k.dispatch({IntentKind::kShowAccessibility});
    check("accessibility dialog");
    k.dispatch({IntentKind::kShowAccessibility});
    k.dispatch({IntentKind::kStart});
    check("category grid");
    k.dispatch({IntentKind::kOpenSearch});
    k.dispatch({IntentKind::kInsertText, ru ? "фонарь" : "light"});
    check("category search");
    k.dispatch({IntentKind::kBack});
    k.dispatch({IntentKind::kChooseCategory, "roads"});
    check("category leaves");
    k.dispatch({IntentKind::kChooseLeaf, "roads.road.pothole"});
    // Where before what (issue #21, point 8). Nothing chosen for the citizen: the place is
    // theirs to say (issue #21, point 10).
    ASSERT_EQ(d.state().screen, Screen::kPlace);
    EXPECT_EQ(d.state().place.mode, core::PlaceMode::kNone);
    check("place");
    EXPECT_FALSE(d.enabled("nav/next"));
    k.dispatch({IntentKind::kPlaceMap});
    ASSERT_TRUE(d.wait_for([&] {
        return k.map_tiles()->loaded() > 0 && k.map_tiles()->pending() == 0 && d.has("map/site");
    }));
    check("place, map");
    k.dispatch({IntentKind::kPlaceHere});
    check("place, here");
    k.dispatch({IntentKind::kPlaceAddress});
    k.dispatch({IntentKind::kInsertText, ru ? "ул. Мира, 12, у остановки" : "12 Mira St"});
    check("place, address");
    // A pin, so review shows its still map; another terminal's appeal stands there already.
    const double pin_lat = map.lat + 0.0008, pin_lon = map.lon + 0.0015;
    char near[96];
    std::snprintf(near, sizeof near, R"({"source":"map","lat":%.6f,"lon":%.6f})", pin_lat, pin_lon);
    sim.add_received("7K3Q-9PXA", 3'600'000, "roads.road.pothole", near);
    k.dispatch({IntentKind::kPlaceMap});
    k.dispatch({IntentKind::kPlacePin, "", v.lang, -1, pin_lat, pin_lon});
    d.frame();
    d.leave_place();
    ASSERT_EQ(d.state().screen, Screen::kSimilar);
    check("similar");
    k.dispatch({IntentKind::kOpenSimilar, "", v.lang, 0});
    check("similar, one");
    k.dispatch({IntentKind::kSupport});
    check("support");
    k.dispatch({IntentKind::kInsertText, ru ? "Пётр" : "Peter"});
    check("support, a name only");
    // What a contact means stays on the screen beside what is wrong with it (issue #21, point 8:
    // the error used to take the consent line's place): the missing phone under its field.
    EXPECT_EQ(d.label("note/phone"),
              ru ? "Укажите и телефон — или сотрите имя" : "Give a phone too — or clear the name");
    EXPECT_TRUE(d.has("note/support_note"));
    k.dispatch({IntentKind::kFocus, "", v.lang, static_cast<int>(core::Field::kPhone)});
    k.dispatch({IntentKind::kInsertText, "9031112233"});
    k.dispatch({IntentKind::kSendSupport});
    ASSERT_EQ(d.state().screen, Screen::kConsent);
    check("consent for a +1");
    k.dispatch({IntentKind::kConsentDecline});
    check("consent for a +1, declined");
    k.dispatch({IntentKind::kBack});  // to the contact
    k.dispatch({IntentKind::kBack});  // to the appeal
    k.dispatch({IntentKind::kBack});  // to the list
    k.dispatch({IntentKind::kNext});  // on with a new appeal
    ASSERT_EQ(d.state().screen, Screen::kDescription);
    k.dispatch({IntentKind::kInsertText,
                ru ? "Большая яма на проезжей части у дома №12 по ул. Мира. Машины объезжают её "
                     "по встречной полосе, вечером яму не видно. Третья строка текста для "
                     "проверки: яма растёт с каждой неделей."
                   : "A deep pothole in the road by house No. 12 on Mira St. Cars swerve into "
                     "the oncoming lane; at night it cannot be seen. A third line of text: it "
                     "grows every week."});
    check("description");
    d.tap("kbd/page");
    check("description, digits");
    d.tap("kbd/page");
    k.dispatch({IntentKind::kShowHelp});
    check("help");
    k.dispatch({IntentKind::kShowHelp});
    k.dispatch({IntentKind::kNext});
    ASSERT_TRUE(d.wait_for([&] { return d.enabled("photo/take"); }, std::chrono::seconds(20)));
    check("photos");
    d.tap("photo/take");
    ASSERT_TRUE(
        d.wait_for([&] { return !d.state().photos.photos.empty(); }, std::chrono::seconds(20)));
    check("photo review");
    k.dispatch({IntentKind::kNext});
    ASSERT_EQ(d.state().screen, Screen::kWho);
    check("who");
    k.dispatch({IntentKind::kUseContact});
    k.dispatch({IntentKind::kInsertText, ru ? "Анна Иванова" : "Anna Ivanova"});
    k.dispatch({IntentKind::kFocus, "", v.lang, static_cast<int>(core::Field::kPhone)});
    k.dispatch({IntentKind::kInsertText, "9161234567"});
    check("who, contact");
    k.dispatch({IntentKind::kNext});
    check("consent");
    k.dispatch({IntentKind::kConsentAgree});
    check("review");
    EXPECT_TRUE(d.has("review/place_map") || d.has("review/down")) << "the still map";
    // What kind of submission this is decides the law and the answer's term: body text at
    // least, not the smallest size (issue #21, point 10).
    const float body = d.ui().theme().px(d.ui().theme().metrics.body);
    ASSERT_TRUE(d.has("note/kind"));
    EXPECT_GE(d.ui().widgets().find("note/kind")->text_size, body - 0.5f);
    k.dispatch({IntentKind::kSubmit});
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kReceipt; }));
    check("receipt");
    const std::string number = d.state().receipt->receipt_number;
    sim.add_received(number, 200'000);  // registered, in work, answered
    k.dispatch({IntentKind::kFinish});
    set_modes();
    k.dispatch({IntentKind::kCheckStatus});
    k.dispatch({IntentKind::kInsertText, number});
    check("status");
    k.dispatch({IntentKind::kLookup});
    ASSERT_TRUE(d.wait_for([&] { return d.state().screen == Screen::kStatusResult; }));
    check("status result");
    if (k.session().can_apply(IntentKind::kRate)) {
        k.dispatch({IntentKind::kRate});
        k.dispatch({IntentKind::kSetStars, "", v.lang, 2});
        k.dispatch({IntentKind::kInsertText,
                    ru ? "Яму засыпали щебнем, через неделю она снова"
                       : "The hole was filled with gravel; a week later it was back"});
        check("rate");
    }
    ASSERT_TRUE(test::load_polls(sim, k.session()));
    k.dispatch({IntentKind::kFinish});
    set_modes();
    k.dispatch({IntentKind::kShowPolls});
    check("polls");
    k.dispatch({IntentKind::kOpenPoll, "POLL-2027-PARKS"});
    check("poll");
    EXPECT_GE(checked, 28);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, LayoutTest,
    ::testing::Values(
        Variant{"portrait_ru", 1080, 1920, core::Language::kRu},
        Variant{"portrait_en", 1080, 1920, core::Language::kEn},
        Variant{"portrait_ru_large", 1080, 1920, core::Language::kRu, true},
        Variant{"portrait_en_large", 1080, 1920, core::Language::kEn, true},
        Variant{"portrait_ru_lower", 1080, 1920, core::Language::kRu, false, true},
        Variant{"portrait_ru_lower_large", 1080, 1920, core::Language::kRu, true, true},
        Variant{"portrait_en_lower_large", 1080, 1920, core::Language::kEn, true, true},
        Variant{"landscape_ru", 1920, 1080, core::Language::kRu},
        Variant{"landscape_en", 1920, 1080, core::Language::kEn},
        Variant{"landscape_ru_large", 1920, 1080, core::Language::kRu, true},
        Variant{"landscape_en_large", 1920, 1080, core::Language::kEn, true}),
    [](const auto& info) { return std::string(info.param.name); });

// Lists too long for a short screen page with ▲ ▼ (issue #21, point 5): on the lowered portrait
// screen with large text, ▼ shows every topic and every cause of a topic once, page by page, and
// ▲ comes back to the first page. Before, the grid and the list ran under the bottom bar.
TEST(LayoutPaging, EveryTopicAndCauseIsReachablePageByPage) {
    UiDriver d({});
    core::Kiosk& k = d.kiosk();
    for (auto o : {core::A11yOption::kLargeText, core::A11yOption::kLowerScreen})
        k.dispatch(
            {IntentKind::kToggleAccessibility, "", core::Language::kRu, static_cast<int>(o)});
    k.dispatch({IntentKind::kStart});
    d.frame();
    auto walk = [&](const std::string& prefix, const std::string& down, const std::string& up) {
        std::vector<std::string> seen;
        for (int page = 0; page < 20; ++page) {
            EXPECT_TRUE(layout_problems(d.ui()).empty()) << joined(layout_problems(d.ui()));
            for (const auto& w : d.ui().widgets().all())
                if (w.id.starts_with(prefix)) seen.push_back(w.id.substr(prefix.size()));
            if (!d.enabled(down)) break;
            d.tap(down);
        }
        EXPECT_TRUE(d.enabled(up));
        while (d.enabled(up)) d.tap(up);
        return seen;
    };
    ASSERT_TRUE(d.has("categories/down")) << "the grid does not page";
    const std::vector<std::string> topics = walk("category/", "categories/down", "categories/up");
    std::vector<std::string> expected;
    for (const auto& c : k.session().catalog().categories()) expected.push_back(c.id);
    EXPECT_EQ(topics, expected);
    EXPECT_TRUE(d.has("category/" + expected.front()));

    d.tap("category/roads");
    ASSERT_TRUE(d.has("leaves/down")) << "the causes do not page";
    const std::vector<std::string> causes = walk("leaf/", "leaves/down", "leaves/up");
    std::vector<std::string> expected_causes;
    for (const core::CategoryLeaf* l : k.session().leaves_shown()) expected_causes.push_back(l->id);
    EXPECT_EQ(causes, expected_causes);
}

// The МФЦ is on the map where the citizen stands (issue #21, point 10): the map opens centred on
// the terminal's coordinates, so the marker's label starts just right of the map's centre and
// is level with it; panned far away, the marker leaves with its place.
TEST(MapMarker, TheServiceCentreIsMarkedWhereTheCitizenStands) {
    TempDir dir;
    const test::DemoRegion map;
    UiDriver d(terminal_with_demo_map(map));
    d.choose("housing.building.hot_water");
    d.tap("place/map");
    d.frame();
    const ui::WidgetInfo* view = d.ui().widgets().find("map/view");
    const ui::WidgetInfo* site = d.ui().widgets().find("map/site");
    ASSERT_TRUE(view && site);
    EXPECT_EQ(site->label, "МФЦ — вы здесь");
    const float cx = (view->min.x + view->max.x) * 0.5f, cy = (view->min.y + view->max.y) * 0.5f;
    const float scale = d.ui().theme().scale;
    EXPECT_NEAR(site->min.x, cx + 22 * scale, 2.0f);  // the 16 px dot and a 6 px gap
    EXPECT_NEAR((site->min.y + site->max.y) * 0.5f, cy, 2.0f);
    // Two kilometres north: the МФЦ is off the map.
    d.kiosk().dispatch(
        {IntentKind::kMapView, "", core::Language::kRu, 16, map.lat + 0.02, map.lon});
    d.frame();
    d.frame();
    EXPECT_FALSE(d.has("map/site"));
}

// The map stays over the region (issue #23, point 5): dragged far beyond the pack's bounds (the
// extract's: 900 m north of the town's origin), its centre stops at the edge.
TEST(MapBounds, DraggingStopsAtTheRegionsEdge) {
    const test::DemoRegion map;
    UiDriver d(terminal_with_demo_map(map));
    d.choose("housing.building.hot_water");
    d.tap("place/map");
    d.frame();
    for (int i = 0; i < 6; ++i) d.drag("map/view", 0.5f, 0.1f, 0.5f, 0.9f);  // north, far
    const core::MapView v = d.state().place.view;
    EXPECT_NEAR(v.lat, test::DemoRegion::lat_at(900), 1e-5) << "at the north edge, not beyond";
    for (int i = 0; i < 6; ++i) d.drag("map/view", 0.9f, 0.5f, 0.1f, 0.5f);  // east, far
    EXPECT_NEAR(d.state().place.view.lon, test::DemoRegion::lon_at(1600), 1e-5);
}

// The demo pack without its addresses: a map made elsewhere (tiles only).
std::string map_without_addresses(const TempDir& dir, const test::DemoRegion& map) {
    const std::string copy = dir.file("tiles-only.mbtiles");
    std::filesystem::copy_file(map.file, copy);
    sqlite3* db = nullptr;
    sqlite3_open(copy.c_str(), &db);
    sqlite3_exec(db, "DROP TABLE addr_street", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return copy;
}

// To review with the pin at (lat, lon) on the map.
void pin_to_review(UiDriver& d, double lat, double lon) {
    d.choose("housing.building.hot_water");
    d.tap("place/map");
    d.kiosk().dispatch({IntentKind::kPlacePin, "", core::Language::kRu, -1, lat, lon});
    d.frame();
    d.leave_place();
    d.type("Третий день нет горячей воды");
    d.tap("nav/next");
    d.tap("nav/next");  // no photo
    d.tap("who/contact");
    d.type("Анна");
    d.tap("field/phone");
    for (char c : std::string("9161234567")) d.tap(std::string("kbd/") + c);
    d.tap("nav/next");
    d.tap("consent/agree");
}

// Review says a pin as a person can check it (issue #21, point 7), with a still map of it. With
// the region's addresses (issue #23): by the address under it. The demo МФЦ's centre is 32 m
// north and 55 m east of the town's origin; a pin 0.0008° north and 0.0015° east of it is at
// (148, 121) m, 20 m from the centre of the house at x 124..148, y 128..146 — the 15th on
// Зелёная's south side, numbered 2, 4, …: 30.
TEST(ReviewPlace, APinIsSaidByTheAddressUnderItWithAStillMap) {
    const test::DemoRegion map;
    UiDriver d(terminal_with_demo_map(map));
    pin_to_review(d, map.lat + 0.0008, map.lon + 0.0015);
    ASSERT_EQ(d.state().screen, Screen::kReview);
    ASSERT_TRUE(d.wait_for([&] {
        return d.label("review/place") == "Заречный, Зелёная улица, 30";
    })) << d.label("review/place");
    EXPECT_TRUE(d.has("review/place_map"));
    EXPECT_TRUE(layout_problems(d.ui()).empty()) << joined(layout_problems(d.ui()));
}

// Without addresses (a map made elsewhere): by the distance and the way from the МФЦ, not
// coordinates. 88.96 m north and 93.27 m east (62,179 m a degree of longitude at 56°): 129 m
// at a bearing of 46°, «около 130 м к северо-востоку». A pin on the МФЦ itself is said to be
// there.
TEST(ReviewPlace, WithoutAddressesAPinIsSaidFromTheServiceCentre) {
    TempDir dir;
    const test::DemoRegion map;
    UiDriver::Options o = terminal_with_demo_map(map);
    o.config.map_file = map_without_addresses(dir, map);
    UiDriver d(o);
    core::Kiosk& k = d.kiosk();
    pin_to_review(d, map.lat + 0.0008, map.lon + 0.0015);
    ASSERT_EQ(d.state().screen, Screen::kReview);
    EXPECT_EQ(d.label("review/place"),
              "Около 130 м к северо-востоку от МФЦ (г. Заречный, улица Ленина, 1)");
    EXPECT_TRUE(d.has("review/place_map"));
    k.dispatch({IntentKind::kSetLanguage, "", core::Language::kEn});
    d.frame();
    EXPECT_EQ(d.label("review/place"),
              "About 130 m north-east of the service centre (г. Заречный, улица Ленина, 1)");
    // The pin moved onto the МФЦ.
    d.tap("review/edit_place");
    k.dispatch({IntentKind::kPlacePin, "", core::Language::kEn, -1, map.lat, map.lon + 0.0001});
    d.frame();
    d.tap("nav/next");
    ASSERT_EQ(d.state().screen, Screen::kReview);
    EXPECT_EQ(d.label("review/place"), "At the service centre (г. Заречный, улица Ленина, 1)");
}

// The address typed on the keyboard finds the region's (issue #23, point 3): suggestions after
// two letters, the house number picks the house, a touch fills it in and places it; text the
// region does not know is kept and said so.
TEST(AddressSearch, TwoLettersSuggestAndAHouseChosenIsThePlace) {
    const test::DemoRegion map;
    UiDriver d(terminal_with_demo_map(map));
    d.choose("housing.building.hot_water");
    d.tap("place/address");
    d.type("зе");
    ASSERT_TRUE(d.wait_for([&] { return d.has("place/suggestion/0"); }));
    EXPECT_EQ(d.label("place/suggestion/0"), "Зелёная улица");
    d.type("леная 7");
    ASSERT_TRUE(d.wait_for([&] { return d.label("place/suggestion/0") == "Зелёная улица, 7А"; }))
        << d.label("place/suggestion/0");
    d.tap("place/suggestion/0");
    EXPECT_EQ(d.state().field(core::Field::kAddress).value, "Зелёная улица, 7А");
    d.frame();
    EXPECT_EQ(d.label("note/place/address_status"), "✓ Адрес найден на карте региона");
    auto place = d.kiosk().session().chosen_place();
    ASSERT_TRUE(place);
    EXPECT_EQ(place->address, "Заречный, Зелёная улица, 7А");
    EXPECT_EQ(place->address_from, "index");
    // Зелёная's north side is numbered 3, 5, 7 from x = −660 every 56 m: 7 is the third,
    // x −548..−524, y 174..192.
    EXPECT_NEAR(*place->lat, test::DemoRegion::lat_at(183), 1e-6);
    EXPECT_NEAR(*place->lon, test::DemoRegion::lon_at(-536), 1e-6);
    EXPECT_TRUE(layout_problems(d.ui()).empty()) << joined(layout_problems(d.ui()));
    // Made up: no suggestion, said so, accepted.
    for (int i = 0; i < 20; ++i) d.tap("kbd/backspace");
    d.type("Лесная 99");
    ASSERT_TRUE(d.wait_for([&] { return d.has("note/place/address_status"); }));
    EXPECT_FALSE(d.has("place/suggestion/0"));
    EXPECT_EQ(d.label("note/place/address_status"),
              "Такого адреса нет в справочнике региона — отправим, как вы его написали");
    EXPECT_EQ(d.kiosk().session().chosen_place()->address_from, "typed");
}

// A pin on the map shows the address under it as it moves (issue #23, point 4).
TEST(AddressSearch, APinShowsTheAddressUnderTheMap) {
    const test::DemoRegion map;
    UiDriver d(terminal_with_demo_map(map));
    d.choose("housing.building.hot_water");
    d.tap("place/map");
    d.frame();
    EXPECT_EQ(d.label("note/place/pin_address"), "Адрес места появится здесь");
    d.kiosk().dispatch({IntentKind::kPlacePin, "", core::Language::kRu, -1, map.lat, map.lon});
    ASSERT_TRUE(d.wait_for([&] {
        return d.label("note/place/pin_address") == "Адрес: улица Ленина, 1";
    })) << d.label("note/place/pin_address");
    // On проспект Мира 200 m north of Ленина: the street.
    d.kiosk().dispatch({IntentKind::kPlacePin, "", core::Language::kRu, -1,
                        test::DemoRegion::lat_at(230), test::DemoRegion::lon_at(2)});
    ASSERT_TRUE(d.wait_for([&] {
        return d.label("note/place/pin_address") == "Адрес: проспект Мира";
    })) << d.label("note/place/pin_address");
}
