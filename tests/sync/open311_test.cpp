// The Open311 adapter against the simulator's /open311/v2 over real HTTP, in each server profile
// (spec, Helsinki's issue-reporting, mySociety's Open311::Endpoint; docs/sync.md): the city's own
// service codes from discovery and a mapping, photos as `media`, ids as strings or numbers (0
// included), a lost answer looked up instead of sent twice, a refused key that pauses and judges
// nothing, both error shapes read, an address alone on a server that needs coordinates, photos a
// server drops marked as such, and nothing the citizen wrote in the log.
#include "sync/open311_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "kiosk/base/log.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/catalog.h"
#include "kiosk/core/open311_setup.h"
#include "sync/open311_replies.h"
#include "sync/outbox_worker.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"

using namespace vmeste;
using namespace std::chrono_literals;
using sim::Open311Profile;

namespace {

int64_t wall_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Rig {
    test::TempDir dir;
    test::RunningSim sim;
    ManualClock clock{wall_now()};  // the server's clock and the kiosk's agree, as in life
    std::unique_ptr<core::AppealStore> view;
    std::unique_ptr<sync::OutboxWorker> worker;
    sync::Open311Services services;
    bool learned_coordinates = false;

    static sim::SimOptions with(Open311Profile p, sim::SimOptions o = {}) {
        o.open311_profile = p;
        if (o.device_token.empty()) o.device_token = "city-key";
        return o;
    }

    explicit Rig(Open311Profile p, sim::SimOptions o = {}, std::string api_key = "city-key",
                 std::string media_field = "media")
        : sim(with(p, o)) {
        view = core::AppealStore::open(test::store_options(dir.path())).value();
        // Discovery and the first guess, as provisioning does them.
        core::Config cfg;
        cfg.data_dir = dir.path();
        cfg.open311_url = sim.url() + "/open311/v2";
        auto transport = sync::make_curl_transport();
        services = core::refresh_open311_services(cfg, core::CategoryCatalog::bundled(), *transport,
                                                  clock.unix_millis())
                       .value();
        sync::Open311Config c;
        c.base_url = cfg.open311_url;
        c.api_key = api_key;
        c.site_address = "г. Подольск, ул. Кирова, 39 (МФЦ)";
        c.site_lat = 55.4312;
        c.site_lon = 37.5447;
        c.media_field = media_field;
        c.services = services;
        c.on_needs_coordinates = [this] { learned_coordinates = true; };
        worker = std::make_unique<sync::OutboxWorker>(
            core::make_outbox_queue(
                core::AppealStore::open(test::store_options(dir.path())).value()),
            std::make_unique<sync::Open311Client>(c, sync::make_curl_transport()),
            sync::RetryPolicy{}, clock);
    }

    core::AcceptRequest appeal(const std::string& receipt, const std::string& category,
                               int photos = 0,
                               const std::string& text = "Не горит фонарь у дома 5") {
        auto r = test::appeal_request(receipt, text, photos, receipt.size() + photos);
        r.appeal.category_id = category;
        r.appeal.created_unix_ms = clock.unix_millis();
        r.appeal.place = core::Place{55.43, 37.55, "", "map", {}, false};
        return r;
    }

    // What the server holds for a receipt: found by the line the description ends with.
    std::vector<sim::ReceivedAppeal> on_server(const std::string& receipt) {
        std::vector<sim::ReceivedAppeal> out;
        for (auto& a : sim.store().list(1000))
            if (a.channel == "open311" && a.text.find(receipt) != std::string::npos)
                out.push_back(a);
        return out;
    }
};

nlohmann::json get(const test::RunningSim& sim, const std::string& path) {
    sync::HttpRequest r;
    r.url = sim.url() + path;
    auto resp = sync::make_curl_transport()->send(r).value();
    return nlohmann::json::parse(resp.body);
}

// Text as mySociety's server stores Cyrillic sent in a multipart text field (its upstream
// defect): each UTF-8 byte taken for Latin-1 and encoded again.
std::string double_encoded(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

// The city's codes for two categories, read off the profiles' service lists by hand.
struct Expected {
    Open311Profile profile;
    const char* light;       // improvement.lighting.light_out
    const char* playground;  // improvement.yard.playground
    const char* pothole;     // roads.road.pothole
};
const Expected kProfiles[] = {
    {Open311Profile::kSpec, "002", "004", "001"},
    {Open311Profile::kHelsinki, "172", "180", "171"},
    {Open311Profile::kMySociety, "LIGHT", "PARK", "POT"},
};

void PrintTo(const Expected& e, std::ostream* os) {
    *os << sim::open311_profile_name(e.profile);
}

class Open311Profiles : public ::testing::TestWithParam<Expected> {};

}  // namespace

TEST_P(Open311Profiles, TheFirstGuessMapsCategoriesToTheCitysOwnServices) {
    Rig rig(GetParam().profile);
    EXPECT_EQ(rig.services.code_for("improvement.lighting.light_out"), GetParam().light);
    EXPECT_EQ(rig.services.code_for("improvement.yard.playground"), GetParam().playground);
    EXPECT_EQ(rig.services.code_for("roads.road.pothole"), GetParam().pothole);
    // Whatever the guess cannot place goes to the city's "other" service, never nowhere.
    EXPECT_FALSE(rig.services.fallback.empty());
    EXPECT_TRUE(core::unmapped_categories(rig.services, core::CategoryCatalog::bundled()).empty());
    // The file the kiosk reads at start holds the same.
    auto saved = core::load_open311_services(rig.dir.path());
    ASSERT_TRUE(saved) << saved.error().message;
    EXPECT_EQ(saved->map, rig.services.map);
}

TEST_P(Open311Profiles, AppealsWithPhotosArriveOnceUnderTheMappedServiceAndStatusesComeBack) {
    sim::SimOptions o;
    o.status_step_ms = 2;
    Rig rig(GetParam().profile, o);
    std::vector<core::AcceptRequest> sent;
    for (int i = 0; i < 2; ++i) {
        sent.push_back(rig.appeal("O311-000" + std::to_string(i), "improvement.lighting.light_out",
                                  2, "Не горит фонарь у дома " + std::to_string(i)));
        ASSERT_TRUE(rig.view->accept(sent.back(), rig.clock.unix_millis()));
    }
    rig.worker->drain_due();
    ASSERT_EQ(rig.view->queue_figures()->pending, 0) << rig.view->queue_figures()->last_error;
    for (const auto& req : sent) {
        auto got = rig.on_server(req.appeal.receipt_number);
        ASSERT_EQ(got.size(), 1u) << "exactly once";
        EXPECT_EQ(got[0].category, GetParam().light);
        const std::string expected_text =
            req.appeal.text + "\n\n" + sync::open311_receipt_line(req.appeal.receipt_number);
        if (GetParam().profile == Open311Profile::kMySociety)
            EXPECT_EQ(got[0].text, double_encoded(expected_text)) << "its multipart defect";
        else
            EXPECT_EQ(got[0].text, expected_text);
        auto photos = nlohmann::json::parse(got[0].photos);
        ASSERT_EQ(photos.size(), 2u) << "both photos kept as media";
        for (size_t i = 0; i < 2; ++i)
            EXPECT_EQ(rig.sim.store().find_media("sha256", photos[i].get<std::string>())->data,
                      req.photos[i]);
        auto local = rig.view->find_by_receipt(req.appeal.receipt_number).value();
        EXPECT_EQ(local->status, "registered");
        // The id the kiosk keeps is the one the server shows: a number on mySociety's.
        auto shown = get(rig.sim, "/open311/v2/requests/" + local->platform_id + ".json");
        ASSERT_TRUE(shown.is_array() && shown.size() == 1u) << shown.dump();
        EXPECT_EQ(shown[0]["service_code"], GetParam().light);
    }
    if (GetParam().profile == Open311Profile::kMySociety) {
        EXPECT_EQ(rig.view->find_by_receipt("O311-0000").value()->platform_id, "0")
            << "mySociety's first id is the number 0";
    }
    std::this_thread::sleep_for(10ms);  // the simulator answers them
    EXPECT_EQ(rig.worker->poll_statuses(), 2);
    for (const auto& req : sent)
        EXPECT_EQ(rig.view->find_by_receipt(req.appeal.receipt_number).value()->status, "answered");
    EXPECT_EQ(rig.worker->poll_statuses(), 0) << "answered appeals are no longer asked about";
}

TEST_P(Open311Profiles, WithoutPhotosTheTextGoesUrlencodedAndArrivesExactly) {
    Rig rig(GetParam().profile);
    auto req = rig.appeal("O311-0050",
                          "roads.road.pothole" == std::string(GetParam().pothole)
                              ? "other.other.other"
                              : "improvement.yard.playground",
                          0, "Сломаны качели, ёлка упала «прямо» на горку & скамейку");
    ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
    rig.worker->drain_due();
    auto got = rig.on_server("O311-0050");
    ASSERT_EQ(got.size(), 1u) << rig.worker->status().last_error;
    EXPECT_EQ(got[0].text, req.appeal.text + "\n\n" + sync::open311_receipt_line("O311-0050"));
    const auto posts = rig.sim.server().open311_posts();
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0]["content_type"], "application/x-www-form-urlencoded");
    EXPECT_TRUE(posts[0]["user_agent"].get<std::string>().starts_with("vmeste-kiosk/"))
        << posts[0]["user_agent"];
}

TEST_P(Open311Profiles, ALostAnswerIsLookedUpAndTheRequestIsNotSentTwice) {
    Rig rig(GetParam().profile);
    auto req = rig.appeal("O311-0101", "improvement.lighting.light_out", 1);
    ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
    // The server stores the request; its answer is cut half-way.
    rig.sim.faults().add(*sim::parse_fault_rule("open311:drop-mid-response:count=1"));
    rig.worker->drain_due();
    ASSERT_EQ(rig.on_server("O311-0101").size(), 1u);
    EXPECT_EQ(rig.view->queue_figures()->pending, 1) << "the kiosk did not hear it";
    rig.clock.advance(20min);
    rig.worker->drain_due();
    EXPECT_EQ(rig.on_server("O311-0101").size(), 1u) << "found, not sent again";
    EXPECT_EQ(rig.sim.server().open311_posts().size(), 1u);
    auto local = rig.view->find_by_receipt("O311-0101").value();
    EXPECT_EQ(rig.view->queue_figures()->pending, 0);
    auto shown = get(rig.sim, "/open311/v2/requests/" + local->platform_id + ".json");
    ASSERT_TRUE(shown.is_array() && shown.size() == 1u) << shown.dump();
    EXPECT_NE(shown[0]["description"].get<std::string>().find("O311-0101"), std::string::npos);
}

TEST_P(Open311Profiles, ARefusedKeyPausesTheQueueAndQuarantinesNothing) {
    Rig rig(GetParam().profile, {}, "a-wrong-key");
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(rig.view->accept(
            rig.appeal("O311-040" + std::to_string(i), "improvement.lighting.light_out"),
            rig.clock.unix_millis()));
    EXPECT_EQ(rig.worker->drain_due(), 1) << "one probe, then the queue waits";
    const auto st = rig.worker->status();
    EXPECT_NE(st.config_problem.find("refuses this terminal's key"), std::string::npos)
        << st.config_problem;
    EXPECT_NE(st.config_problem.find(GetParam().profile == Open311Profile::kSpec ? "HTTP 403"
                                                                                 : "HTTP 400"),
              std::string::npos)
        << st.config_problem;
    EXPECT_EQ(rig.view->queue_figures()->quarantined, 0);
    EXPECT_EQ(rig.view->queue_figures()->pending, 3);
    EXPECT_EQ(rig.sim.store().count(), 0);
}

TEST_P(Open311Profiles, NothingTheCitizenWroteReachesTheLog) {
    Rig rig(GetParam().profile);
    const std::string secret = "Секретная подробность 7731 про соседа Петрова";
    ASSERT_TRUE(
        rig.view->accept(rig.appeal("O311-0501", "improvement.lighting.light_out", 1, secret),
                         rig.clock.unix_millis()));
    rig.worker->drain_due();
    ASSERT_EQ(rig.on_server("O311-0501").size(), 1u);
    for (const auto& line : log::Recent::instance().last(200)) {
        EXPECT_EQ(line.find("7731"), std::string::npos) << line;
        EXPECT_EQ(line.find("Петров"), std::string::npos) << line;
    }
}

INSTANTIATE_TEST_SUITE_P(Servers, Open311Profiles, ::testing::ValuesIn(kProfiles),
                         [](const auto& info) {
                             return std::string(sim::open311_profile_name(info.param.profile));
                         });

TEST(Open311, TheCitizensAnswersGoAsTheServicesAttributesAndAMissingOneIsAReadableReason) {
    Rig rig(Open311Profile::kMySociety);
    ASSERT_EQ(rig.services.questions("POT").size(), 2u);
    EXPECT_TRUE(rig.services.questions("POT")[0].required);
    EXPECT_EQ(rig.services.questions("POT")[0].code, "depth");
    // Without the answer: mySociety's nine-entry error becomes one reason with the cause.
    ASSERT_TRUE(
        rig.view->accept(rig.appeal("O311-0601", "roads.road.pothole"), rig.clock.unix_millis()));
    // With the answers (kept sealed in the store with the appeal): only declared ones are sent.
    auto answered = rig.appeal("O311-0602", "roads.road.pothole");
    answered.appeal.answers = {{"depth", {"15"}}, {"position", {"pavement"}}, {"secret", {"x"}}};
    ASSERT_TRUE(rig.view->accept(answered, rig.clock.unix_millis()));
    rig.worker->drain_due();
    auto f = rig.view->queue_figures();
    EXPECT_EQ(f->quarantined, 1);
    EXPECT_NE(f->last_error.find("depth: required"), std::string::npos) << f->last_error;
    EXPECT_NE(f->last_error.find("after 1 attempt"), std::string::npos) << f->last_error;
    EXPECT_EQ(f->last_error.find("Bad request; Bad request"), std::string::npos);
    auto got = rig.on_server("O311-0602");
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(rig.sim.server().open311_attributes(got[0].platform_id),
              (nlohmann::json{{"depth", "15"}, {"position", "pavement"}}));
    bool undeclared = false;
    for (const auto& post : rig.sim.server().open311_posts())
        for (const auto& name : post["fields"]) undeclared |= name == "attribute[secret]";
    EXPECT_FALSE(undeclared) << "an attribute the service does not declare is not sent";
}

TEST(Open311, AnAddressAloneGoesWithTheSitesCoordinatesOnceTheServerFailsWithoutThem) {
    Rig rig(Open311Profile::kHelsinki);
    auto req = rig.appeal("O311-0701", "improvement.lighting.light_out");
    req.appeal.place =
        core::Place{std::nullopt, std::nullopt, "ул. Мира, 12", "address", {}, false};
    ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
    rig.worker->drain_due();
    auto got = rig.on_server("O311-0701");
    ASSERT_EQ(got.size(), 1u) << rig.worker->status().last_error;
    EXPECT_TRUE(rig.learned_coordinates) << "kept for the next appeals";
    auto place = nlohmann::json::parse(got[0].place);
    EXPECT_EQ(place["lat"], "55.431200");
    EXPECT_NE(got[0].text.find("Адрес со слов заявителя: ул. Мира, 12"), std::string::npos);
    EXPECT_EQ(rig.sim.server().open311_posts().size(), 2u) << "the 500, then the one that went";
}

TEST(Open311, ATypedAddressIsSentWithThePinToo) {
    Rig rig(Open311Profile::kSpec);
    auto req = rig.appeal("O311-0702", "improvement.lighting.light_out");
    req.appeal.place = core::Place{55.44, 37.56, "ул. Мира, 12", "map", {}, false};
    ASSERT_TRUE(rig.view->accept(req, rig.clock.unix_millis()));
    rig.worker->drain_due();
    auto got = rig.on_server("O311-0702");
    ASSERT_EQ(got.size(), 1u);
    auto place = nlohmann::json::parse(got[0].place);
    EXPECT_EQ(place["address"], "ул. Мира, 12");
    EXPECT_EQ(place["lat"], "55.440000");
}

TEST(Open311, PhotosAServerDropsAreMarkedNotKeptNeverDelivered) {
    // Helsinki's server keeps only fields named `media`; this terminal was set to photo1..N.
    Rig rig(Open311Profile::kHelsinki, {}, "city-key", "photo");
    ASSERT_TRUE(rig.view->accept(rig.appeal("O311-0801", "improvement.lighting.light_out", 2),
                                 rig.clock.unix_millis()));
    rig.worker->drain_due();
    auto got = rig.on_server("O311-0801");
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(got[0].photos).size(), 0u);
    auto audit = rig.view->audit_log(50).value();
    bool noted = false;
    for (const auto& e : audit) noted |= e.action == "photos-not-kept";
    EXPECT_TRUE(noted) << "staff can read it in the audit log";
    auto a = rig.view->find_by_receipt("O311-0801").value();
    EXPECT_EQ(a->flagged, "photos not kept");
}

TEST(Open311, TokensAreResolvedToRequestIds) {
    sim::SimOptions o;
    o.open311_tokens = true;
    Rig rig(Open311Profile::kSpec, o);
    ASSERT_TRUE(rig.view->accept(rig.appeal("O311-0201", "improvement.lighting.light_out"),
                                 rig.clock.unix_millis()));
    rig.worker->drain_due();
    auto local = rig.view->find_by_receipt("O311-0201").value();
    EXPECT_TRUE(local->platform_id.starts_with("POS-")) << local->platform_id;
}

TEST(Open311, AnUnknownServiceCodeIsQuarantinedAndTheNextStillGoes) {
    Rig rig(Open311Profile::kHelsinki);
    rig.services.map["roads.road.markings"] = "999";  // a code the city withdrew
    sync::Open311Config c;
    c.base_url = rig.sim.url() + "/open311/v2";
    c.api_key = "city-key";
    c.site_lat = 55.4;
    c.site_lon = 37.5;
    c.services = rig.services;
    sync::OutboxWorker worker(
        core::make_outbox_queue(
            core::AppealStore::open(test::store_options(rig.dir.path())).value()),
        std::make_unique<sync::Open311Client>(c, sync::make_curl_transport()), sync::RetryPolicy{},
        rig.clock);
    ASSERT_TRUE(
        rig.view->accept(rig.appeal("O311-0301", "roads.road.markings"), rig.clock.unix_millis()));
    ASSERT_TRUE(rig.view->accept(rig.appeal("O311-0302", "improvement.lighting.light_out"),
                                 rig.clock.unix_millis()));
    worker.drain_due();
    auto f = rig.view->queue_figures();
    EXPECT_EQ(f->quarantined, 1);
    EXPECT_EQ(rig.on_server("O311-0302").size(), 1u) << "the good one behind it still went";
    EXPECT_NE(f->last_error.find("service_code: Invalid service_code 999"), std::string::npos)
        << f->last_error;
}

TEST(Open311, MultipartBodiesFollowRfc7578) {
    const std::string body = sync::multipart_body(
        {{"description", "Яма", "", "text/plain; charset=utf-8"},
         {"media", std::string("\xFF\xD8\x00\x01", 4), "photo1.jpg", "image/jpeg"}},
        "B0UND");
    EXPECT_EQ(body,
              "--B0UND\r\nContent-Disposition: form-data; name=\"description\"\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n\r\nЯма\r\n"
              "--B0UND\r\nContent-Disposition: form-data; name=\"media\"; filename=\"photo1.jpg\""
              "\r\nContent-Type: image/jpeg\r\n\r\n" +
                  std::string("\xFF\xD8\x00\x01", 4) + "\r\n--B0UND--\r\n");
}

TEST(Open311, UrlencodedBodiesFollowTheFormSerializer) {
    EXPECT_EQ(
        sync::form_urlencoded({{"description", "Яма у д. 5 & 6"}, {"attribute[depth]", "10"}}),
        "description=%D0%AF%D0%BC%D0%B0+%D1%83+%D0%B4.+5+%26+6&attribute%5Bdepth%5D=10");
}

// Provisioning an Open311 terminal (issue #18, points 1 and 4): it does not pass with the shipped
// 0,0 site, and its receipt lists each category's city service.
TEST(Open311, ProvisioningNeedsTheSitesCoordinatesAndPrintsTheMapping) {
    test::TempDir dir;
    test::RunningSim sim(Rig::with(Open311Profile::kSpec));
    core::Config cfg;
    cfg.data_dir = dir.path();
    cfg.adapter = "open311";
    cfg.open311_url = sim.url() + "/open311/v2";
    auto transport = sync::make_curl_transport();
    auto step = [](const std::vector<core::ProvisioningStep>& steps, const std::string& name) {
        for (const auto& s : steps)
            if (s.name == name) return s.ok;
        ADD_FAILURE() << "no step " << name;
        return false;
    };
    std::vector<std::string> mapping;
    auto shipped = core::provision_open311(cfg, core::CategoryCatalog::bundled(), *transport,
                                           wall_now(), &mapping);
    EXPECT_TRUE(step(shipped, "open311-services"));
    EXPECT_TRUE(step(shipped, "open311-mapping"));
    EXPECT_FALSE(step(shipped, "site")) << "0,0 is not an МФЦ";
    cfg.site_lat = 55.4312;
    cfg.site_lon = 37.5447;
    mapping.clear();
    auto placed = core::provision_open311(cfg, core::CategoryCatalog::bundled(), *transport,
                                          wall_now(), &mapping);
    EXPECT_TRUE(step(placed, "site"));
    EXPECT_NE(std::find(mapping.begin(), mapping.end(), "improvement.lighting.light_out -> 002"),
              mapping.end());
    core::ProvisioningReport report{"DEV-1", "МФЦ", cfg.open311_url, "S", "04.12.2026", placed, {}};
    report.open311_mapping = mapping;
    const std::string receipt = core::provisioning_receipt(report);
    EXPECT_NE(receipt.find("improvement.lighting.light_out -> 002"), std::string::npos);
    // With no server to ask, the services step fails and so does the provisioning.
    cfg.open311_url = test::RunningSim::gone_url() + "/open311/v2";
    auto gone = core::provision_open311(cfg, core::CategoryCatalog::bundled(), *transport,
                                        wall_now(), nullptr);
    EXPECT_FALSE(step(gone, "open311-services"));
}

// The citizen's screens never read open311.json on the UI thread (a slow or broken disk would
// freeze the touch screen): they take what the worker threads published, and a file that cannot
// be read keeps the last good copy.
TEST(Open311Snapshot, TheScreensSeeWhatWasPublishedNotWhatIsOnTheDisk) {
    Rig rig(Open311Profile::kMySociety);  // refresh saved the file; nobody published it yet
    auto shown = std::make_shared<core::Open311Snapshot>();
    auto questions = core::open311_questions(shown);
    auto needs_pin = core::open311_needs_pin(shown);
    EXPECT_TRUE(questions("roads.road.pothole").empty()) << "nothing published: no questions";
    EXPECT_FALSE(needs_pin());

    ASSERT_TRUE(shown->reload(rig.dir.path()));
    ASSERT_EQ(questions("roads.road.pothole").size(), 2u);  // mySociety's depth and position
    EXPECT_EQ(questions("roads.road.pothole")[0].code, "depth");
    EXPECT_FALSE(needs_pin());

    // The file changes under the screens: they do not see it until someone publishes.
    auto changed = rig.services;
    changed.needs_coordinates = true;
    ASSERT_TRUE(core::save_open311_services(rig.dir.path(), changed));
    EXPECT_FALSE(needs_pin());
    std::filesystem::remove(core::open311_services_path(rig.dir.path()));
    EXPECT_EQ(questions("roads.road.pothole").size(), 2u) << "no disk read per visit";

    // A broken file is refused with its reason and the last good copy stays.
    {
        std::ofstream broken(core::open311_services_path(rig.dir.path()));
        broken << "{\"services\": [";
    }
    auto r = shown->reload(rig.dir.path());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("open311.json"), std::string::npos) << r.error().message;
    EXPECT_EQ(questions("roads.road.pothole").size(), 2u);

    shown->publish(changed);
    EXPECT_TRUE(needs_pin());
}
