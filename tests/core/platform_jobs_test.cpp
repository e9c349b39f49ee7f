// PlatformJobs against the simulator: catalogue sync keeps the last good copy, the heartbeat
// reports the queue and runs the gateway's commands, and the kiosk starts with what was synced.
#include "kiosk/core/platform_jobs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/core/kiosk.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"

using namespace vmeste;

namespace {

struct Rig {
    test::TempDir dir;
    test::RunningSim sim;
    std::unique_ptr<core::AppealStore> view;
    std::unique_ptr<core::PlatformJobs> jobs;
    int wakes = 0;

    Rig() {
        view = core::AppealStore::open(test::store_options(dir.path())).value();
        jobs = std::make_unique<core::PlatformJobs>(
            dir.path(), core::AppealStore::open(test::store_options(dir.path())).value(),
            std::make_unique<sync::GatewayClient>(sync::GatewayConfig{sim.url(), "t"},
                                                  sync::make_curl_transport()),
            core::PlatformJobs::Hooks{[] { return sync::WorkerStatus{}; }, [this] { ++wakes; }});
    }
    void put_catalogue(const std::string& body) {
        sync::HttpRequest r;
        r.method = "PUT";
        r.url = sim.url() + "/sim/catalogue";
        r.headers = {{"Content-Type", "application/json"}};
        r.body = body;
        ASSERT_EQ(sync::make_curl_transport()->send(r)->status, 200);
    }
    std::string file(const char* name) {
        std::ifstream in(dir.file(name));
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
};

// PlatformJobs on a store in DIR, talking to SIM, with the hooks given.
core::PlatformJobs jobs_with(const test::TempDir& dir, test::RunningSim& sim,
                             core::PlatformJobs::Hooks hooks) {
    return core::PlatformJobs(dir.path(),
                              core::AppealStore::open(test::store_options(dir.path())).value(),
                              std::make_unique<sync::GatewayClient>(
                                  sync::GatewayConfig{sim.url(), "t"}, sync::make_curl_transport()),
                              std::move(hooks));
}

}  // namespace

TEST(PlatformJobs, CatalogueSyncStoresNewVersionsAndRefusesBrokenOnes) {
    Rig rig;
    ASSERT_TRUE(rig.jobs->sync_catalogue());
    const std::string first = rig.file("catalogue.json");
    ASSERT_FALSE(first.empty());
    EXPECT_FALSE(rig.file("catalogue.json.etag").empty());
    EXPECT_EQ(rig.jobs->status().catalogue_version, "2026.11-default");

    // A version the kiosk cannot use (a leaf with a broken deadline) is refused, the old kept.
    auto broken = nlohmann::json::parse(first);
    broken["version"] = "2026.12-broken";
    broken["categories"][0]["children"][0]["children"][0]["deadline_working_days"] = 0;
    rig.put_catalogue(broken.dump());
    ASSERT_TRUE(rig.jobs->sync_catalogue());
    EXPECT_EQ(rig.file("catalogue.json"), first);
    EXPECT_NE(rig.jobs->status().catalogue_error.find("deadline_working_days"), std::string::npos);
    EXPECT_EQ(rig.jobs->status().catalogue_version, "2026.11-default");

    auto winter = nlohmann::json::parse(first);
    winter["version"] = "2026.12-winter";
    rig.put_catalogue(winter.dump());
    ASSERT_TRUE(rig.jobs->sync_catalogue());
    EXPECT_EQ(rig.jobs->status().catalogue_version, "2026.12-winter");
    EXPECT_TRUE(rig.jobs->status().catalogue_error.empty());
    EXPECT_EQ(core::PlatformJobs::load_synced_catalogue(rig.dir.path())->version(),
              "2026.12-winter");

    // Unchanged: 304, nothing rewritten.
    const auto mtime = std::filesystem::last_write_time(rig.dir.file("catalogue.json"));
    ASSERT_TRUE(rig.jobs->sync_catalogue());
    EXPECT_EQ(std::filesystem::last_write_time(rig.dir.file("catalogue.json")), mtime);
}

TEST(PlatformJobs, HeartbeatReportsTheQueueAndRunsCommandsOnce) {
    Rig rig;
    ASSERT_TRUE(rig.view->accept(test::appeal_request("HBT0-0001"), 1'000));
    ASSERT_TRUE(rig.view->accept(test::appeal_request("HBT0-0002"), 1'000));
    auto item = rig.view->next_due(1'000);
    ASSERT_TRUE(rig.view->quarantine(item->id, "HTTP 422"));
    rig.sim.server().queue_command("retry_quarantine");
    rig.sim.server().queue_command("reboot_into_the_moon");  // unknown: acknowledged, ignored

    ASSERT_TRUE(rig.jobs->heartbeat());
    EXPECT_EQ(rig.view->queue_figures()->quarantined, 0);
    EXPECT_EQ(rig.wakes, 1);
    EXPECT_NE(rig.file("managed_config.json").find("heartbeat_interval_s"), std::string::npos);
    auto sent = rig.sim.server().heartbeats().back();
    EXPECT_EQ(sent["queue_depth"], 1);  // one pending, one quarantined at the time
    EXPECT_EQ(sent["quarantined"], 1);
    EXPECT_EQ(sent["version"], "0.1.0");
    EXPECT_GT(sent["disk_free_mb"].get<int64_t>(), 0);
    // Nothing personal goes out: no text, no receipt numbers.
    EXPECT_EQ(sent.dump().find("HBT0"), std::string::npos);

    // A durable write renames a new file into place: the inode tells whether it happened.
    auto inode = [&] {
        struct stat st {};
        ::stat(rig.dir.file("managed_config.json").c_str(), &st);
        return st.st_ino;
    };
    const auto written = inode();
    ASSERT_TRUE(rig.jobs->heartbeat());
    auto acked = rig.sim.server().heartbeats().back()["acked_commands"];
    EXPECT_EQ(inode(), written) << "an unchanged config was written again";
    EXPECT_EQ(acked.size(), 2u);
    ASSERT_TRUE(rig.jobs->heartbeat());
    EXPECT_EQ(rig.jobs->status().commands_run.size(), 2u) << "a command ran twice";
}

// Issue #17: the platform learns, through the heartbeat, what staff see on the queue screen —
// a path blocked by something that is not the platform, a store that cannot write, and the
// receipts the terminal gave and lost.
TEST(PlatformJobs, TheHeartbeatSaysWhatBlocksThePathWhatTheStoreCannotAndWhichReceiptsWereLost) {
    test::TempDir dir;
    test::RunningSim sim;
    std::ofstream(dir.file("receipts.ledger"))
        << "r1 1790000000000 LOST-0002 0b8a7f0e-0000-4000-8000-000000000002\n";
    {
        auto s = core::AppealStore::open(test::store_options(dir.path()));
        ASSERT_TRUE((*s)->recover());
    }
    sync::WorkerStatus status;
    status.path_blocked = "HTTP 403 from the way to the platform, not the platform (text/html)";
    status.store_error = "commit: database or disk is full";
    core::PlatformJobs jobs(dir.path(),
                            core::AppealStore::open(test::store_options(dir.path())).value(),
                            std::make_unique<sync::GatewayClient>(
                                sync::GatewayConfig{sim.url(), "t"}, sync::make_curl_transport()),
                            core::PlatformJobs::Hooks{[&] { return status; }, [] {}});
    ASSERT_TRUE(jobs.heartbeat());
    const auto sent = sim.server().heartbeats().back();
    EXPECT_EQ(sent["path_blocked"], status.path_blocked);
    EXPECT_EQ(sent["store_error"], status.store_error);
    EXPECT_EQ(sent["lost_receipts"], nlohmann::json::array({"LOST-0002"}));
}

TEST(PlatformJobs, TheKioskStartsWithTheSyncedCatalogueAndTheEnrolledToken) {
    test::TempDir dir;
    auto cat = nlohmann::json::parse(R"({"version": "synced-7", "categories": [
        {"id": "roads", "name": {"ru": "Ремонт дорог"}, "children": [{"name": {"ru": "Дорога"},
         "children": [{"id": "roads.road.pothole", "name": {"ru": "Яма"}}]}]}]})");
    std::ofstream(dir.file("catalogue.json")) << cat.dump();
    ASSERT_TRUE(core::store_device_token(dir.path(), "dev_secret"));
    EXPECT_EQ(core::read_device_token(dir.path()), "dev_secret");
    core::Kiosk::Options o;
    o.config.data_dir = dir.path();
    o.start_uploader = false;
    auto k = core::Kiosk::start(o);
    ASSERT_TRUE(k) << k.error().message;
    EXPECT_EQ((*k)->session().catalog().version(), "synced-7");

    // A damaged synced copy falls back to the bundled catalogue.
    test::TempDir other;
    std::ofstream(other.file("catalogue.json")) << "{\"version\": ";
    o.config.data_dir = other.path();
    auto k2 = core::Kiosk::start(o);
    ASSERT_TRUE(k2);
    EXPECT_EQ((*k2)->session().catalog().version(), core::CategoryCatalog::bundled().version());
}

TEST(PlatformJobs, ANewerProductionCalendarFromTheGatewayIsUsedForDeadlines) {
    Rig rig;
    std::shared_ptr<const core::WorkCalendar> got;
    rig.jobs = std::make_unique<core::PlatformJobs>(
        rig.dir.path(), core::AppealStore::open(test::store_options(rig.dir.path())).value(),
        std::make_unique<sync::GatewayClient>(sync::GatewayConfig{rig.sim.url(), "t"},
                                              sync::make_curl_transport()),
        core::PlatformJobs::Hooks{[] { return sync::WorkerStatus{}; }, [] {},
                                  [&](std::shared_ptr<const core::WorkCalendar> c) { got = c; }});
    // The same calendar as the bundled one: stored, nothing new for the session.
    ASSERT_TRUE(rig.jobs->sync_calendar());
    ASSERT_TRUE(got);
    EXPECT_FALSE(got->is_official(2027));

    // The decree for 2027 is out: the gateway sends it.
    auto cal = nlohmann::json::parse(rig.file("work_calendar.json"));
    cal["version"] = "2026-10-15";
    cal["years"]["2027"] = {{"source", "Постановление Правительства (test)"},
                            {"days_off",
                             {"2027-01-01", "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07",
                              "2027-01-08", "2027-02-23", "2027-03-08", "2027-05-03", "2027-05-10",
                              "2027-06-14", "2027-11-04", "2027-12-31"}},
                            {"working_weekends", nlohmann::json::array()}};
    sync::HttpRequest put;
    put.method = "PUT";
    put.url = rig.sim.url() + "/sim/calendar";
    put.body = cal.dump();
    ASSERT_EQ(sync::make_curl_transport()->send(put)->status, 200);
    got.reset();
    ASSERT_TRUE(rig.jobs->sync_calendar());
    ASSERT_TRUE(got);
    EXPECT_EQ(got->version(), "2026-10-15");
    EXPECT_TRUE(got->is_official(2027));
    EXPECT_TRUE(core::PlatformJobs::load_synced_calendar(rig.dir.path())->is_official(2027));

    // A session counting with it says the January date without "estimated".
    core::Config config;
    ManualClock clock(1'798'405'200'000);  // 2026-12-28 00:00 Moscow
    core::Session session(config, core::CategoryCatalog::bundled(), clock);
    session.apply({core::IntentKind::kStart});
    session.apply({core::IntentKind::kChooseCategory, "housing"});
    session.apply({core::IntentKind::kChooseLeaf, "housing.building.hot_water"});
    session.apply({core::IntentKind::kPlaceAddress});
    session.apply({core::IntentKind::kInsertText, "ул. Мира, 1"});
    session.apply({core::IntentKind::kNext});
    session.apply({core::IntentKind::kInsertText, "Нет горячей воды"});
    session.apply({core::IntentKind::kNext});
    session.apply({core::IntentKind::kNext});
    session.apply({core::IntentKind::kUseContact});
    session.apply({core::IntentKind::kInsertText, "Пётр"});
    session.apply(
        {core::IntentKind::kFocus, "", core::Language::kRu, static_cast<int>(core::Field::kPhone)});
    session.apply({core::IntentKind::kInsertText, "9161234567"});
    session.apply({core::IntentKind::kNext});
    session.apply({core::IntentKind::kConsentAgree});
    ASSERT_TRUE(session.apply({core::IntentKind::kSubmit}));
    // With the bundled calendar the date would fall in 2027 and be an estimate.
    const int days = session.leaf()->deadline_working_days;
    ASSERT_TRUE(core::WorkCalendar::bundled().add_working_days({2026, 12, 28}, days).estimated);
    session.set_calendar(got);
    session.on_saved({"AAAA-0001", "http://x/t/AAAA-0001", clock.unix_millis(), {}, false});
    EXPECT_FALSE(session.state().receipt->answer_by_estimated);

    // An older calendar is refused and the newer one kept.
    cal["version"] = "2020-01-01";
    put.body = cal.dump();
    ASSERT_EQ(sync::make_curl_transport()->send(put)->status, 200);
    got.reset();
    ASSERT_TRUE(rig.jobs->sync_calendar());
    EXPECT_FALSE(got);
    EXPECT_EQ(core::PlatformJobs::load_synced_calendar(rig.dir.path())->version(), "2026-10-15");
}

TEST(PlatformJobs, APlusOneWaitsForItsLocalAppealAndARepeatedVoteIsSettledAsDuplicate) {
    Rig rig;
    // A +1 to an appeal this kiosk has not delivered yet: the platform does not know it.
    auto req = test::appeal_request("AAAA-0007");
    ASSERT_TRUE(rig.view->accept(req, 1000));
    ASSERT_TRUE(rig.view->accept_action(core::support_action("AAAA-0007", {}, 1000)));
    ASSERT_TRUE(rig.jobs->deliver_actions());
    EXPECT_EQ(rig.view->pending_actions(10)->size(), 1u) << "kept until the appeal is there";
    EXPECT_TRUE(rig.sim.server().actions().empty());
    // Once the appeal is delivered, the +1 follows.
    rig.sim.add_received("AAAA-0007", 0);
    while (auto item = rig.view->next_due(INT64_MAX))
        ASSERT_TRUE(rig.view->mark_delivered(item->id, "POS-7", "registered", 2000));
    ASSERT_TRUE(rig.jobs->deliver_actions());
    EXPECT_TRUE(rig.view->pending_actions(10)->empty());
    ASSERT_EQ(rig.sim.server().actions().size(), 1u);

    // A vote by someone who voted already elsewhere: 409 from the platform, "duplicate" here.
    sync::GatewayClient gw(sync::GatewayConfig{rig.sim.url(), "t"}, sync::make_curl_transport());
    auto codes = gw.start_handoff();
    ASSERT_TRUE(codes);
    ASSERT_TRUE(rig.sim.server().decide_handoff(codes->user_code, true, "vera"));
    auto token = gw.poll_handoff(codes->device_code);
    ASSERT_TRUE(token && !token->subject.empty());
    const auto first = core::vote_action("POLL-2027-PARKS", "a", token->subject, 3000);
    const auto again = core::vote_action("POLL-2027-PARKS", "b", token->subject, 4000);
    ASSERT_EQ(gw.send_action(core::action_path(first), first.uuid, first.body, 3000).verdict,
              sync::Verdict::kDone);
    // (this kiosk never saw the first: another terminal sent it)
    ASSERT_TRUE(rig.view->accept_action(again));
    ASSERT_TRUE(rig.jobs->deliver_actions());
    EXPECT_EQ(**rig.view->action_state(again.uuid), "duplicate");
}

TEST(PlatformJobs, TheHeartbeatReportsTheConfigProblemTheSelfTestsAndTheActionsWaiting) {
    test::TempDir dir;
    test::RunningSim sim;
    auto view = core::AppealStore::open(test::store_options(dir.path())).value();
    ASSERT_TRUE(view->accept_action(core::support_action("AAAA-0001", {}, 1)));
    core::PlatformJobs::Hooks hooks{[] { return sync::WorkerStatus{}; }, [] {}};
    hooks.config_problem = [] {
        return std::string("kiosk.toml: line 3: max_photos: 50 is outside 0..10");
    };
    hooks.self_tests = [] {
        return std::vector<drivers::SelfTestResult>{{drivers::SelfTestResult::Outcome::kFailed,
                                                     "printer",
                                                     "selftest.printer.paper_out",
                                                     {"usb:/dev/usb/lp0"},
                                                     ""}};
    };
    core::PlatformJobs jobs = jobs_with(dir, sim, hooks);
    ASSERT_TRUE(jobs.heartbeat());
    const auto beat = sim.server().heartbeats().back();
    EXPECT_EQ(beat["config_problem"], "kiosk.toml: line 3: max_photos: 50 is outside 0..10");
    ASSERT_EQ(beat["self_tests"].size(), 1u);
    EXPECT_EQ(beat["self_tests"][0]["device"], "printer");
    EXPECT_EQ(beat["self_tests"][0]["outcome"], "failed");
    EXPECT_EQ(beat["self_tests"][0]["key"], "selftest.printer.paper_out");
    EXPECT_EQ(beat["pending_citizen_actions"], 1);
}

TEST(PlatformJobs, TheGatewaysUploadDiagnosticsCommandSendsABundleWithNoPersonalData) {
    Rig rig;
    ASSERT_TRUE(
        rig.view->accept(test::appeal_request("DIAG-0001", "Личный текст гражданина", 1), 1'000));
    rig.sim.server().queue_command("upload_diagnostics");
    ASSERT_TRUE(rig.jobs->heartbeat());
    const auto got = rig.sim.server().diagnostics();
    ASSERT_EQ(got.size(), 1u);
    // Unpacked as support would: the status is there, the citizen's text and receipt are not.
    test::TempDir unpacked;
    std::ofstream(unpacked.file("d.tar.gz"), std::ios::binary) << got[0];
    ASSERT_EQ(
        std::system(
            ("tar -xzf '" + unpacked.file("d.tar.gz") + "' -C '" + unpacked.path() + "'").c_str()),
        0);
    std::ifstream status(unpacked.file("vmeste-diagnostics/status.json"));
    const std::string st(std::istreambuf_iterator<char>(status), {});
    EXPECT_NE(st.find("\"queued_appeals\": 1"), std::string::npos) << st;
    for (const auto& f :
         std::filesystem::recursive_directory_iterator(unpacked.file("vmeste-diagnostics"))) {
        if (!f.is_regular_file()) continue;
        std::ifstream in(f.path(), std::ios::binary);
        const std::string bytes(std::istreambuf_iterator<char>(in), {});
        EXPECT_EQ(bytes.find("Личный текст"), std::string::npos) << f.path();
    }
    // Acknowledged: the next heartbeat does not upload again.
    ASSERT_TRUE(rig.jobs->heartbeat());
    ASSERT_TRUE(rig.jobs->heartbeat());
    EXPECT_EQ(rig.sim.server().diagnostics().size(), 1u);
}

// The image's updater's record goes to the platform as the file says it (docs/image.md
// "Updates"), through the real kiosk reader of that file; a terminal without one sends {}.
TEST(PlatformJobs, TheHeartbeatSaysWhatTheUpdaterDidWithTheKiosksPackage) {
    test::TempDir dir;
    test::RunningSim sim;
    std::ofstream(dir.file("update.json"))
        << R"({"state":"rolled-back","version":"0.1.0","from":"0.1.0","to":"0.1.1",)"
        << R"("at":1765100000,"reason":"no-heartbeat"})";
    std::string path = dir.file("update.json");
    core::PlatformJobs::Hooks hooks{[] { return sync::WorkerStatus{}; }, [] {}};
    hooks.update_state = [&path] { return core::read_update_state(path); };
    core::PlatformJobs jobs = jobs_with(dir, sim, hooks);
    ASSERT_TRUE(jobs.heartbeat());
    auto beat = sim.server().heartbeats().back();
    EXPECT_EQ(beat["update"]["state"], "rolled-back");
    EXPECT_EQ(beat["update"]["version"], "0.1.0");
    EXPECT_EQ(beat["update"]["to"], "0.1.1");
    EXPECT_EQ(beat["update"]["reason"], "no-heartbeat");
    EXPECT_EQ(beat["update"]["at"], 1765100000);
    path = dir.file("no-such-file.json");
    ASSERT_TRUE(jobs.heartbeat());
    beat = sim.server().heartbeats().back();
    EXPECT_TRUE(beat["update"].is_object() && beat["update"].empty()) << beat["update"].dump();
}

TEST(UpdateState, ARecordCutShortReadsAsUnreadableNotAsNothing) {
    test::TempDir dir;
    std::ofstream(dir.file("cut.json")) << R"({"state":"comm)";
    const auto cut = core::read_update_state(dir.file("cut.json"));
    ASSERT_TRUE(cut);
    EXPECT_EQ(cut->state, "unreadable");
    EXPECT_TRUE(core::update_failed(*cut));
    std::ofstream(dir.file("ok.json"))
        << R"({"state":"committed","version":"0.1.1","from":"0.1.0","to":"0.1.1","at":5,"reason":""})";
    const auto ok = core::read_update_state(dir.file("ok.json"));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->state, "committed");
    EXPECT_EQ(ok->at_unix_s, 5);
    EXPECT_FALSE(core::update_failed(*ok));
    EXPECT_FALSE(core::read_update_state(dir.file("none.json")));
}
