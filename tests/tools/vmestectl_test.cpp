// vmestectl against a real store: what a technician reads.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/core/appeal_store.h"
#include "kiosk/core/kiosk.h"
#include "kiosk/core/maintenance_access.h"
#include "kiosk/core/unsent_export.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/socket_printer.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;

namespace {
// A shell command's output (standard error too).
std::string run_shell(const std::string& command) {
    std::string out;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
    return out;
}
std::string run(const std::string& args) {
    return run_shell(std::string(VMESTECTL) + " " + args);
}
}  // namespace

TEST(Vmestectl, StatusShowsQueueDepthAgesLastSuccessNextAttemptAndLastError) {
    test::TempDir dir;
    {
        auto s = core::AppealStore::open(test::store_options(dir.path()));
        ASSERT_TRUE((*s)->accept(test::appeal_request("CTL0-0001"), 1'000));
        ASSERT_TRUE((*s)->accept(test::appeal_request("CTL0-0002"), 1'000));
        auto first = (*s)->next_due(1'000);
        ASSERT_TRUE((*s)->mark_delivered(first->id, "POS-7", "registered", 2'000));
        auto second = (*s)->next_due(2'000);
        ASSERT_TRUE(
            (*s)->schedule_retry(second->id, 1, 9'000'000'000'000, "HTTP 503: Injected fault"));
    }
    const std::string out = run("--data-dir " + dir.path() + " status");
    EXPECT_NE(out.find("queued appeals: 1"), std::string::npos) << out;
    EXPECT_NE(out.find("pending:     1"), std::string::npos) << out;
    EXPECT_NE(out.find("delivered:   1"), std::string::npos) << out;
    EXPECT_NE(out.find("oldest pending:  "), std::string::npos) << out;
    EXPECT_NE(out.find("last success:    "), std::string::npos) << out;
    EXPECT_EQ(out.find("last success:    never"), std::string::npos) << out;
    EXPECT_NE(out.find("next attempt:    in "), std::string::npos) << out;
    EXPECT_NE(out.find("last error:      HTTP 503: Injected fault"), std::string::npos) << out;
    EXPECT_EQ(out.find("Яма"), std::string::npos) << "no appeal text in the output";
    const std::string found = run("--data-dir " + dir.path() + " find CTL0-0001");
    EXPECT_NE(found.find("platform:  POS-7"), std::string::npos) << found;
}

// With the kiosk stopped, `status` reads the updater's record from the file the config names
// (`update_state_file`; the image keeps it at /data/vmeste-update/state.json).
TEST(Vmestectl, StatusSaysWhatTheUpdaterDidWithTheKiosksPackage) {
    test::TempDir dir;
    { ASSERT_TRUE(core::AppealStore::open(test::store_options(dir.path()))); }
    std::ofstream(dir.file("update.json"))
        << R"({"state":"health-failed","version":"0.1.1","from":"0.1.0","to":"0.1.1",)"
        << R"("at":1765100000,"reason":"not-ready"})";
    std::ofstream(dir.file("kiosk.toml"))
        << "update_state_file = \"" << dir.file("update.json") << "\"\n";
    const std::string base = std::string(VMESTECTL) + " --data-dir " + dir.path() + " status";
    const std::string with = " --config " + dir.file("kiosk.toml");
    const std::string out = run_shell(base + with);
    EXPECT_NE(out.find("update:          health-failed, package 0.1.1 (0.1.0 -> 0.1.1), "
                       "reason: not-ready"),
              std::string::npos)
        << out;
    const std::string json = run_shell(base + " --json" + with);
    EXPECT_NE(json.find("\"reason\": \"not-ready\""), std::string::npos) << json;
    // No record (a terminal installed from the .deb by hand): no update line.
    std::ofstream(dir.file("none.toml"))
        << "update_state_file = \"" << dir.file("none.json") << "\"\n";
    const std::string none = run_shell(base + " --config " + dir.file("none.toml"));
    EXPECT_EQ(none.find("update:"), std::string::npos) << none;
    // A config that does not load is said, not taken for "no update".
    std::ofstream(dir.file("bad.toml")) << "update_state_file = 7\n";
    const std::string bad = run_shell(base + " --config " + dir.file("bad.toml"));
    EXPECT_NE(bad.find("vmestectl status:"), std::string::npos) << bad;
}

TEST(Vmestectl, EnrolStoresTheTokenPrivatelyOnceAndTheGatewayAcceptsIt) {
    sim::SimOptions o;
    o.require_enrolment = true;
    test::RunningSim sim(o);
    sim.store().add_enrol_code("5501-2207");
    test::TempDir dir;
    const std::string base = "--data-dir " + dir.path() + " enrol --platform " + sim.url();
    const std::string out = run(base + " --serial SN-77 5501-2207");
    EXPECT_NE(out.find("enrolled as DEV-000001"), std::string::npos) << out;
    const std::string token = core::read_device_token(dir.path());
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(out.find(token), std::string::npos) << "the token must never be printed";
    EXPECT_EQ(std::filesystem::status(dir.file("device_token")).permissions() &
                  std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    EXPECT_TRUE(sim.store().device_by_token(token));
    // Enrolled already: refused without --force; a spent code is refused with a reason.
    EXPECT_NE(run(base + " 5501-2207").find("already enrolled"), std::string::npos);
    EXPECT_NE(run(base + " --force 5501-2207").find("already used"), std::string::npos);
    EXPECT_EQ(core::read_device_token(dir.path()), token) << "a failed enrolment keeps the token";
    EXPECT_NE(run(base).find("needs --platform URL and the code"), std::string::npos);
}

TEST(Vmestectl, RetryQuarantinePutsItemsBackAndAuditsIt) {
    test::TempDir dir;
    {
        auto s = core::AppealStore::open(test::store_options(dir.path()));
        ASSERT_TRUE((*s)->accept(test::appeal_request("CTL0-0501"), 1'000));
        auto item = (*s)->next_due(1'000);
        ASSERT_TRUE((*s)->quarantine(item->id, "HTTP 422: Unprocessable Content"));
        EXPECT_EQ((*s)->queue_figures()->quarantined, 1);
    }
    EXPECT_NE(run("--data-dir " + dir.path() + " retry-quarantine").find("1 item(s)"),
              std::string::npos);
    auto s = core::AppealStore::open(test::store_options(dir.path()));
    EXPECT_EQ((*s)->queue_figures()->quarantined, 0);
    EXPECT_EQ((*s)->queue_figures()->pending, 1);
    bool audited = false;
    auto log = (*s)->audit_log(10);
    ASSERT_TRUE(log);
    for (const auto& e : *log)
        audited |= e.actor == "vmestectl" && e.action == "release-quarantine";
    EXPECT_TRUE(audited);
}

TEST(Vmestectl, SelftestRunsTheConfiguredDevicesAndSaysWhatFailed) {
    test::TempDir dir;
    test::SocketPrinter printer;  // a network printer that answers as an ESC/POS one does
    std::ofstream(dir.file("kiosk.conf"))
        << "camera = \"synthetic\"\nprinter = \"" << printer.spec() << "\"\n";
    const std::string out = run("selftest --no-speech --config " + dir.file("kiosk.conf"));
    EXPECT_NE(out.find("camera   ok       selftest.camera.ok (synthetic, 1280×720, 2592×1944)"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("printer  ok       selftest.printer.ok"), std::string::npos) << out;
    EXPECT_NE(printer.received().find("VMESTE-PRINTER-TEST"), std::string::npos);
    EXPECT_EQ(printer.jobs_confirmed(), 1);
    // A device file takes bytes but never answers: not "ok", and no page is sent to it.
    std::ofstream(dir.file("lp0")).close();
    std::ofstream(dir.file("file.conf"))
        << "camera = \"synthetic\"\nprinter = \"usb:" << dir.file("lp0") << "\"\n";
    const std::string mute = run("selftest --no-speech --config " + dir.file("file.conf"));
    EXPECT_NE(mute.find("printer  FAILED   selftest.printer.no_answer"), std::string::npos) << mute;

    std::ofstream(dir.file("bad.conf"))
        << "camera = \"v4l2:/dev/video-none\"\nprinter = \"tcp:127.0.0.1:1\"\n";
    const std::string bad =
        run("selftest --no-speech --config " + dir.file("bad.conf") + "; echo exit=$?");
    EXPECT_NE(bad.find("camera   FAILED   selftest.camera.no_frames"), std::string::npos) << bad;
    EXPECT_NE(bad.find("printer  FAILED   selftest.printer.unavailable"), std::string::npos) << bad;
    EXPECT_NE(bad.find("exit=1"), std::string::npos) << bad;
    std::ofstream(dir.file("typo.conf")) << "camera = \"webcam\"\n";
    EXPECT_NE(run("selftest --config " + dir.file("typo.conf")).find("camera must be"),
              std::string::npos);
}

TEST(Vmestectl, ConfigCheckNamesTheLineTheKeyAndTheReason) {
    test::TempDir dir;
    std::ofstream(dir.file("ok.toml")) << "[screen]\nidle_timeout_s = 120\n";
    EXPECT_EQ(run("config check " + dir.file("ok.toml") + "; echo exit=$?"),
              dir.file("ok.toml") + ": OK\nexit=0\n");
    std::ofstream(dir.file("bad.toml")) << "[screen]\nidle_timeout_s = 120\nmax_photos = 50\n";
    const std::string bad = run("config check " + dir.file("bad.toml") + " 2>&1; echo exit=$?");
    EXPECT_NE(bad.find(dir.file("bad.toml") + ": line 3: max_photos: 50 is outside 0..10"),
              std::string::npos)
        << bad;
    EXPECT_NE(bad.find("exit=1"), std::string::npos);
    // A hardware watchdog that would expire while systemd restarts a hung kiosk.
    std::ofstream(dir.file("wd.toml"))
        << "watchdog_device = \"/dev/watchdog\"\nwatchdog_timeout_s = 30\n";
    const std::string wd = run("config check " + dir.file("wd.toml") + " 2>&1; echo exit=$?");
    EXPECT_NE(wd.find("a hung kiosk would reset the machine"), std::string::npos) << wd;
    EXPECT_NE(wd.find("exit=1"), std::string::npos);
    // Plain HTTP to a gateway across the network (issue #20, point 2).
    std::ofstream(dir.file("http.toml")) << "platform_url = \"http://gateway.example.ru\"\n";
    const std::string http = run("config check " + dir.file("http.toml") + " 2>&1; echo exit=$?");
    EXPECT_NE(http.find("platform_url: plain http://"), std::string::npos) << http;
    EXPECT_NE(http.find("use https://"), std::string::npos) << http;
    EXPECT_NE(http.find("exit=1"), std::string::npos);
    const std::string keys = run("config keys");
    EXPECT_NE(keys.find("similar_radius_m\n"), std::string::npos);
    EXPECT_NE(keys.find("platform_url\n"), std::string::npos);
}

// Issue #20, point 4: the documented `echo PIN | vmestectl set-pin` run as root made root-owned
// 0600 files the kiosk (its own user) could not read: "no PINs", or no start at all.
TEST(Vmestectl, RunAsRootItCreatesOnlyFilesTheServicesUserOwns) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (CI runs as root)";
    test::TempDir dir;
    constexpr uid_t kService = 65534;  // nobody: a user that is not root
    ASSERT_EQ(::chown(dir.path().c_str(), kService, kService), 0);
    test::TempDir input;
    std::ofstream(input.file("pin")) << "2468\n";
    const std::string out = run("--data-dir " + dir.path() + " set-pin staff < " +
                                input.file("pin") + " 2>&1; echo exit=$?");
    ASSERT_NE(out.find("exit=0"), std::string::npos) << out;
    int files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path())) {
        struct stat st {};
        ASSERT_EQ(::lstat(e.path().c_str(), &st), 0);
        EXPECT_EQ(st.st_uid, kService) << e.path() << " is not the service's";
        ++files;
    }
    EXPECT_GT(files, 2) << "access.json and the store at least";
    // And the kiosk's user reads the PIN: opened as that user in a child.
    const pid_t child = ::fork();
    if (child == 0) {
        if (::setgid(kService) != 0 || ::setuid(kService) != 0) _exit(3);
        ManualClock clock;
        auto a = core::MaintenanceAccess::open(dir.path(), clock);
        _exit(a && a->try_pin(core::Role::kStaff, "2468").result ==
                          core::MaintenanceAccess::Attempt::Result::kOk
                  ? 0
                  : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "the service's user cannot use it";
}

TEST(Vmestectl, SetPinReadsThePinFromStdinStoresAHashAndAudits) {
    test::TempDir dir;
    std::ofstream(dir.file("pin")) << "975312\n";
    const std::string empty =
        run("--data-dir " + dir.path() + " set-pin staff < /dev/null 2>&1; echo exit=$?");
    EXPECT_NE(empty.find("a staff PIN is 4 to 12 digits"), std::string::npos) << empty;
    EXPECT_NE(empty.find("exit=1"), std::string::npos);
    const std::string ok = run("--data-dir " + dir.path() + " set-pin technician < " +
                               dir.file("pin") + "; echo exit=$?");
    EXPECT_NE(ok.find("the technician PIN is set"), std::string::npos) << ok;
    EXPECT_NE(ok.find("exit=0"), std::string::npos);
    std::ifstream in(dir.file("access.json"));
    const std::string raw((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(raw.find("975312"), std::string::npos);
    ManualClock clock;
    auto access = core::MaintenanceAccess::open(dir.path(), clock);
    EXPECT_EQ(access->try_pin(core::Role::kTechnician, "975312").result,
              core::MaintenanceAccess::Attempt::Result::kOk);
    auto store = core::AppealStore::open(test::store_options(dir.path()));
    const auto log = (*store)->audit_log(10);  // kept: the loop reads into it
    bool audited = false;
    for (const auto& e : *log)
        audited |= e.actor == "vmestectl" && e.action == "set-pin" && e.subject == "technician";
    EXPECT_TRUE(audited);
    EXPECT_NE(run("--data-dir " + dir.path() + " set-pin janitor < " + dir.file("pin"))
                  .find("staff or technician"),
              std::string::npos);
}

// Issue #20, point 6: `vmestectl unlock-pin` without a running kiosk: the role named, or both.
TEST(Vmestectl, UnlockPinLiftsTheNamedRolesLockOrBothAndAudits) {
    test::TempDir dir;
    SystemClock clock;  // vmestectl judges the locks by the system's clock: so do these
    {
        auto a = core::MaintenanceAccess::open(dir.path(), clock, core::PinHashCost::kTestsOnly);
        ASSERT_TRUE(a->set_pin(core::Role::kStaff, "2468"));
        ASSERT_TRUE(a->set_pin(core::Role::kTechnician, "975312"));
        for (int i = 0; i < 5; ++i) (void)a->try_pin(core::Role::kStaff, "0000");
        for (int i = 0; i < 5; ++i) (void)a->try_pin(core::Role::kTechnician, "000000");
        ASSERT_TRUE(a->locked_until(core::Role::kStaff));  // for 30 s
    }
    const std::string one =
        run("--data-dir " + dir.path() + " unlock-pin technician; echo exit=$?");
    EXPECT_NE(one.find("the technician PIN pad is unlocked\nexit=0"), std::string::npos) << one;
    auto a = core::MaintenanceAccess::open(dir.path(), clock);
    EXPECT_FALSE(a->locked_until(core::Role::kTechnician));
    EXPECT_TRUE(a->locked_until(core::Role::kStaff)) << "only the role named";
    const std::string both = run("--data-dir " + dir.path() + " unlock-pin; echo exit=$?");
    EXPECT_NE(both.find("the staff PIN pad is unlocked"), std::string::npos) << both;
    EXPECT_FALSE(a->locked_until(core::Role::kStaff));
    EXPECT_EQ(a->failures(core::Role::kStaff), 0);
    EXPECT_NE(run("--data-dir " + dir.path() + " unlock-pin janitor 2>&1; echo exit=$?")
                  .find("staff or technician\nexit=2"),
              std::string::npos);
    auto store = core::AppealStore::open(test::store_options(dir.path()));
    int audited = 0;
    const auto log = (*store)->audit_log(10);  // kept: the loop reads into it
    for (const auto& e : *log) audited += e.actor == "vmestectl" && e.action == "unlock-pin";
    EXPECT_EQ(audited, 3) << "technician, then staff and technician";
}

TEST(Vmestectl, StatusAsJsonAndDiagnosticsWithoutPersonalData) {
    test::TempDir dir;
    {
        auto s = core::AppealStore::open(test::store_options(dir.path()));
        auto req = test::appeal_request("DIAG-0001", "Секретный текст про подъезд");
        req.contact = core::Contact{"Фамилия-Секрет", "+79990001122", "secret@mail.ru"};
        ASSERT_TRUE((*s)->accept(req, 1'000));
        auto item = (*s)->next_due(1'000);
        ASSERT_TRUE((*s)->quarantine(item->id, "HTTP 422: refused"));
        ASSERT_TRUE((*s)->accept_action(core::vote_action("POLL-1", "a", "esia-secret", 2'000)));
    }
    ASSERT_TRUE(core::store_device_token(dir.path(), "tok-SECRET-123"));
    ASSERT_TRUE(core::store_device_id(dir.path(), "DEV-000042"));
    std::ofstream(dir.file("config.last-good.toml"))
        << "[platform]\ndevice_token = \"tok-SECRET-123\"\nidle_timeout_s = 120\n";
    auto st = nlohmann::json::parse(run("--data-dir " + dir.path() + " status --json"));
    EXPECT_EQ(st["queued_appeals"], 1);
    EXPECT_EQ(st["quarantined"], 1);
    EXPECT_EQ(st["pending_citizen_actions"], 1);
    EXPECT_EQ(st["device_id"], "DEV-000042");
    EXPECT_EQ(st["enrolled"], true);
    EXPECT_EQ(st["device_key"], "file");  // not sealed (tpm_key_vm_test.sh: sealed)
    EXPECT_TRUE(st["last_success_unix_ms"].is_null());

    const std::string out = run("--data-dir " + dir.path() + " export-diagnostics " +
                                dir.file("diag.tar.gz") + "; echo exit=$?");
    ASSERT_NE(out.find("exit=0"), std::string::npos) << out;
    std::filesystem::create_directories(dir.file("x"));
    ASSERT_EQ(std::system(("tar -xzf " + dir.file("diag.tar.gz") + " -C " + dir.file("x")).c_str()),
              0);
    std::string everything;
    for (const char* f :
         {"status.json", "store.json", "audit.tsv", "config.toml", "versions.tsv", "journal.txt"}) {
        std::ifstream in(dir.file("x/vmeste-diagnostics/") + f);
        ASSERT_TRUE(in) << f;
        everything += std::string((std::istreambuf_iterator<char>(in)), {});
    }
    EXPECT_NE(everything.find("DIAG-0001"), std::string::npos) << "the receipt, for staff";
    EXPECT_NE(everything.find("HTTP 422: refused"), std::string::npos);
    EXPECT_NE(everything.find("idle_timeout_s = 120"), std::string::npos);
    EXPECT_NE(everything.find("device_token = '<removed>'"), std::string::npos);
    for (const char* secret : {"Секретный", "Фамилия-Секрет", "+79990001122", "secret@mail.ru",
                               "esia-secret", "tok-SECRET-123"})
        EXPECT_EQ(everything.find(secret), std::string::npos) << secret;
}

TEST(Vmestectl, TalksToTheRunningKioskOverItsPrivateSocketAndToTheDataDirWithout) {
    test::TempDir dir;
    test::RunningSim sim;
    {
        core::Kiosk::Options o;
        o.config.data_dir = dir.path();
        o.config.platform_url = sim.url();
        o.config.camera = "synthetic";
        o.config.printer = "none";
        o.config_problem = "kiosk.toml: line 3: max_photos: 50 is outside 0..10";
        auto kiosk = core::Kiosk::start(std::move(o));
        ASSERT_TRUE(kiosk) << kiosk.error().message;
        struct stat st {};
        ASSERT_EQ(stat(core::control_socket_path(dir.path()).c_str(), &st), 0);
        EXPECT_TRUE(S_ISSOCK(st.st_mode));
        EXPECT_EQ(st.st_mode & 0777, 0600) << "the service's user and root only";
        auto json = nlohmann::json::parse(run("--data-dir " + dir.path() + " status --json"));
        EXPECT_EQ(json["running"], true);
        EXPECT_TRUE(json["live"]["uploader"].is_object());
        const std::string text = run("--data-dir " + dir.path() + " status");
        EXPECT_NE(text.find("kiosk:           running"), std::string::npos) << text;
        EXPECT_NE(text.find("config problem:  kiosk.toml: line 3"), std::string::npos) << text;
        EXPECT_NE(run("--data-dir " + dir.path() + " retry; echo exit=$?")
                      .find("sending its queue now\nexit=0"),
                  std::string::npos);
        // A PIN set beside the running kiosk goes to it over the socket and opens at once
        // (issue #20, point 5); a bad one is refused with the reason.
        std::ofstream(dir.file("pin")) << "1357\n";
        const std::string pin = run("--data-dir " + dir.path() + " set-pin staff < " +
                                    dir.file("pin") + " 2>&1; echo exit=$?");
        EXPECT_NE(pin.find("the staff PIN is set (the running kiosk took it)\nexit=0"),
                  std::string::npos)
            << pin;
        ManualClock clock;
        EXPECT_EQ(core::MaintenanceAccess::open(dir.path(), clock)
                      ->try_pin(core::Role::kStaff, "1357")
                      .result,
                  core::MaintenanceAccess::Attempt::Result::kOk);
        std::ofstream(dir.file("pin"), std::ios::trunc) << "12\n";
        const std::string short_pin = run("--data-dir " + dir.path() + " set-pin staff < " +
                                          dir.file("pin") + " 2>&1; echo exit=$?");
        EXPECT_NE(short_pin.find("a staff PIN is 4 to 12 digits"), std::string::npos) << short_pin;
        EXPECT_NE(short_pin.find("exit=1"), std::string::npos) << short_pin;
        // The staff pad locked by wrong PINs is unlocked through the running kiosk (issue #20,
        // point 6); the technician's lock stays.
        {
            auto a = core::MaintenanceAccess::open(dir.path(), clock);
            for (int i = 0; i < 5; ++i) (void)a->try_pin(core::Role::kStaff, "0000");
            ASSERT_TRUE(a->locked_until(core::Role::kStaff));
        }
        const std::string unlock =
            run("--data-dir " + dir.path() + " unlock-pin staff 2>&1; echo exit=$?");
        EXPECT_NE(unlock.find("the staff PIN pad is unlocked (the running kiosk took it)\nexit=0"),
                  std::string::npos)
            << unlock;
        EXPECT_FALSE(
            core::MaintenanceAccess::open(dir.path(), clock)->locked_until(core::Role::kStaff));
        // One writer per data directory (issue #17): a second one beside the kiosk is refused
        // with the holder named, and writes nothing.
        const std::string second =
            run("--data-dir " + dir.path() + " retry-quarantine 2>&1; echo exit=$?");
        EXPECT_NE(second.find("in use by another process"), std::string::npos) << second;
        EXPECT_NE(second.find("vmeste-kiosk"), std::string::npos) << second;
        EXPECT_NE(second.find("exit=1"), std::string::npos) << second;
        auto again = core::Kiosk::Options{};
        again.config.data_dir = dir.path();
        again.start_uploader = false;
        auto twin = core::Kiosk::start(std::move(again));
        ASSERT_FALSE(twin);
        EXPECT_EQ(twin.error().code, ErrorCode::kConflict) << twin.error().message;
    }  // stopped: the socket is gone
    EXPECT_FALSE(std::filesystem::exists(core::control_socket_path(dir.path())));
    const std::string retry = run("--data-dir " + dir.path() + " retry 2>&1; echo exit=$?");
    EXPECT_NE(retry.find("no kiosk is running"), std::string::npos) << retry;
    EXPECT_NE(retry.find("exit=1"), std::string::npos);
    EXPECT_NE(run("--data-dir " + dir.path() + " status").find("not running"), std::string::npos);
}

TEST(Vmestectl, ProvisionEnrolsSyncsChecksAndPrintsTheReceipt) {
    sim::SimOptions o;
    o.require_enrolment = true;
    test::RunningSim sim(o);
    sim.store().add_enrol_code("7700-1234");
    test::TempDir dir;
    test::SocketPrinter printer;  // a network printer that answers as an ESC/POS one does
    std::ofstream(dir.file("kiosk.toml"))
        << "camera = \"synthetic\"\nprinter = \"" << printer.spec() << "\"\n";
    const std::string data = dir.file("data");
    const std::string base = "--data-dir " + data + " provision --platform " + sim.url() +
                             " --config " + dir.file("kiosk.toml") + " --serial SN-9 ";
    const std::string out = run(base + "7700-1234; echo exit=$?");
    EXPECT_NE(out.find("enrolled        DEV-000001"), std::string::npos) << out;
    for (const char* step : {"catalogue       ok", "polls           ok", "calendar        ok",
                             "heartbeat       ok", "receipt         printed", "exit=0"})
        EXPECT_NE(out.find(step), std::string::npos) << step << "\n" << out;
    EXPECT_TRUE(std::filesystem::exists(data + "/catalogue.json"));
    EXPECT_TRUE(std::filesystem::exists(data + "/polls.json"));
    EXPECT_EQ(core::read_device_id(data), "DEV-000001");
    EXPECT_TRUE(sim.store().device_by_token(core::read_device_token(data)));
    EXPECT_FALSE(sim.server().heartbeats().empty()) << "the platform saw the new terminal";
    const std::string printed = printer.received();
    EXPECT_NE(printed.find("VMESTE-PRINTER-TEST"), std::string::npos) << "the test page first";
    EXPECT_EQ(printer.jobs_confirmed(), 2) << "the test page and the receipt, each confirmed";
    EXPECT_NE(printed.find("DEV-000001"), std::string::npos) << "the provisioning receipt";
    EXPECT_NE(printed.find("SN-9"), std::string::npos);
    // A second run does not enrol twice.
    const std::string again = run(base + "7700-1234 2>&1; echo exit=$?");
    EXPECT_NE(again.find("already enrolled"), std::string::npos) << again;
    EXPECT_NE(again.find("exit=1"), std::string::npos);
    // A wrong code: nothing stored.
    test::TempDir other;
    const std::string wrong = run("--data-dir " + other.path() + " provision --platform " +
                                  sim.url() + " --no-print 0000-0000 2>&1; echo exit=$?");
    EXPECT_NE(wrong.find("enrolment:"), std::string::npos) << wrong;
    EXPECT_TRUE(core::read_device_token(other.path()).empty());
}

TEST(Vmestectl, AnExportIsReadAndDeliveredFromAnotherMachineExactlyOnce) {
    sim::SimOptions o;
    o.require_enrolment = true;
    test::RunningSim sim(o);
    sim.store().add_enrol_code("6600-0001");
    // The old terminal's store: two appeals (one with two photos), none delivered.
    test::TempDir old_terminal, stick, laptop;
    std::string file, passphrase;
    {
        auto s = core::AppealStore::open(test::store_options(old_terminal.path()));
        ASSERT_TRUE(
            (*s)->accept(test::appeal_request("CTL0-0701", "Яма на дороге у дома 7", 2), 1'000));
        ASSERT_TRUE(
            (*s)->accept(test::appeal_request("CTL0-0702", "Нет освещения во дворе"), 2'000));
        auto e = core::export_unsent(**s, stick.path(), "DEV-OLD", 3'000);
        ASSERT_TRUE(e) << e.error().message;
        file = e->file;
        passphrase = e->passphrase;
    }
    // The passphrase on standard input, as a technician types it.
    const std::string pass_file = laptop.file("pass"), wrong_file = laptop.file("wrong");
    std::ofstream(pass_file) << passphrase << "\n";
    std::ofstream(wrong_file) << "0000-0000-0000-0000\n";
    const std::string listed = run("read-export " + file + " < " + pass_file);
    EXPECT_NE(listed.find("device:   DEV-OLD"), std::string::npos) << listed;
    EXPECT_NE(listed.find("CTL0-0701"), std::string::npos) << listed;
    EXPECT_NE(listed.find("media: 2"), std::string::npos) << listed;
    EXPECT_EQ(listed.find("Яма"), std::string::npos) << "no appeal text is printed";
    EXPECT_NE(run("read-export " + file + " < " + wrong_file).find("wrong passphrase"),
              std::string::npos);
    // The technician's laptop, enrolled as a device of its own, delivers the file.
    ASSERT_NE(run("--data-dir " + laptop.path() + " enrol --platform " + sim.url() + " 6600-0001")
                  .find("enrolled"),
              std::string::npos);
    const std::string deliver = "--data-dir " + laptop.path() + " deliver-export --platform " +
                                sim.url() + " " + file + " < " + pass_file;
    const std::string out = run(deliver);
    EXPECT_NE(out.find("4 delivered, 0 not"), std::string::npos) << out;
    EXPECT_EQ(sim.store().count(), 2);
    EXPECT_EQ(sim.store().media_count(), 2);
    auto got = sim.store().find_by_receipt("CTL0-0701");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->text, "Яма на дороге у дома 7");
    // Run again (a second copy of the stick, a retry): the platform keeps one copy of each.
    EXPECT_NE(run(deliver).find("4 delivered, 0 not"), std::string::npos);
    EXPECT_EQ(sim.store().count(), 2);
    EXPECT_EQ(sim.store().media_count(), 2);
}

// Issue #20, point 8: enrol, provision and deliver-export talk to the platform with the config's
// TLS settings (before, they used the system's CAs and no pin whatever the config said) and
// refuse plain http:// the config does not allow.
TEST(Vmestectl, EnrolProvisionAndDeliverExportUseTheConfigsTlsSettings) {
    test::TempDir ca, laptop, stick, old_terminal;
    ASSERT_EQ(std::system(
                  (std::string(VMESTE_SOURCE_DIR) + "/scripts/make-test-ca " + ca.path()).c_str()),
              0);
    sim::SimOptions o;
    o.require_enrolment = true;
    o.tls_cert_file = ca.file("server.pem");
    o.tls_key_file = ca.file("server.key");
    test::RunningSim sim(o);
    sim.store().add_enrol_code("6600-0002");
    sim.store().add_enrol_code("6600-0003");
    const std::string url = "https://127.0.0.1:" + std::to_string(sim.port());
    auto config = [&](const std::string& name, const std::string& extra) {
        std::ofstream(laptop.file(name)) << "platform_url = \"" << url << "\"\n" << extra;
        return laptop.file(name);
    };
    const std::string trusted =
        config("trusted.toml", "tls_ca_file = \"" + ca.file("ca.pem") + "\"\n");
    const std::string other_ca =
        config("other.toml", "tls_ca_file = \"" + ca.file("other-ca.pem") + "\"\n");
    const std::string wrong_pin =
        config("pin.toml", "tls_ca_file = \"" + ca.file("ca.pem") +
                               "\"\ntls_pinned_public_key = "
                               "\"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"\n");
    const std::string data = " --data-dir " + laptop.file("data");
    // The system's CAs do not know the test CA; another CA or a wrong pin is refused too.
    for (const std::string& how :
         {std::string(), " --config " + other_ca, " --config " + wrong_pin}) {
        const std::string out =
            run(data + " enrol --platform " + url + how + " 6600-0002 2>&1; echo exit=$?");
        EXPECT_NE(out.find("exit=1"), std::string::npos) << how << ": " << out;
        EXPECT_TRUE(core::read_device_token(laptop.file("data")).empty()) << how;
    }
    // The config's CA: enrolled, the platform URL taken from the config.
    const std::string ok =
        run(data + " enrol --config " + trusted + " 6600-0002 2>&1; echo exit=$?");
    EXPECT_NE(ok.find("enrolled as DEV-"), std::string::npos) << ok;
    // deliver-export: refused with the other CA, delivered with the config's.
    std::string file, passphrase;
    {
        auto s = core::AppealStore::open(test::store_options(old_terminal.path()));
        ASSERT_TRUE((*s)->accept(test::appeal_request("TLS0-0801", "Яма у дома 8"), 1'000));
        auto e = core::export_unsent(**s, stick.path(), "DEV-OLD", 2'000);
        ASSERT_TRUE(e) << e.error().message;
        file = e->file;
        std::ofstream(laptop.file("pass")) << e->passphrase << "\n";
    }
    const std::string refused = run(data + " deliver-export --config " + other_ca + " " + file +
                                    " < " + laptop.file("pass") + " 2>&1; echo exit=$?");
    EXPECT_NE(refused.find("0 delivered, 1 not"), std::string::npos) << refused;
    EXPECT_EQ(sim.store().count(), 0);
    const std::string delivered = run(data + " deliver-export --config " + trusted + " " + file +
                                      " < " + laptop.file("pass") + " 2>&1; echo exit=$?");
    EXPECT_NE(delivered.find("1 delivered, 0 not"), std::string::npos) << delivered;
    EXPECT_EQ(sim.store().count(), 1);
    // provision with the trusted config enrols over TLS too (no printer, no devices here).
    const std::string prov = run("--data-dir " + laptop.file("prov") + " provision --config " +
                                 trusted + " --no-print 6600-0003 2>&1; echo exit=$?");
    EXPECT_NE(prov.find("enrolled        DEV-"), std::string::npos) << prov;
    // Plain http:// to another machine is refused before anything is sent.
    const std::string plain = run(data +
                                  " enrol --force --platform http://192.0.2.1:8080 "
                                  "6600-0009 2>&1; echo exit=$?");
    EXPECT_NE(plain.find("exit=2"), std::string::npos) << plain;
    EXPECT_NE(plain.find("http://"), std::string::npos) << plain;
}

// Issue #20, point 10: `net-allow` limits both units to the platform, the name servers and what
// the technician adds, as a systemd drop-in that systemd reads.
TEST(Vmestectl, NetAllowWritesADropInLimitingBothUnitsToThePlatformAndTheNameServers) {
    test::TempDir root;
    std::filesystem::create_directories(root.file("etc"));
    std::ofstream(root.file("etc/resolv.conf")) << "# dhcp\nnameserver 192.0.2.53\nsearch mfc\n";
    std::ofstream(root.file("kiosk.toml")) << "platform_url = \"https://127.0.0.1:8443/api\"\n";
    const std::string base = "net-allow --config " + root.file("kiosk.toml") + " --root " +
                             root.path() + " --also 10.20.0.0/16";
    const std::string printed = run(base + " 2>&1; echo exit=$?");
    EXPECT_NE(printed.find("IPAddressDeny=any\nIPAddressAllow=localhost\n"), std::string::npos)
        << printed;
    const std::string wrote = run(base + " --write 2>&1; echo exit=$?");
    EXPECT_NE(wrote.find("exit=0"), std::string::npos) << wrote;
    for (const char* unit : {"vmeste-kiosk.service", "vmeste-kiosk-cage.service"}) {
        std::ifstream in(
            root.file(std::string("etc/systemd/system/") + unit + ".d/50-vmeste-ip-allow.conf"));
        const std::string dropin((std::istreambuf_iterator<char>(in)), {});
        ASSERT_FALSE(dropin.empty()) << unit;
        for (const char* line : {"[Service]\n", "IPAddressDeny=any\n", "IPAddressAllow=localhost\n",
                                 "IPAddressAllow=127.0.0.1\n", "IPAddressAllow=192.0.2.53\n",
                                 "IPAddressAllow=10.20.0.0/16\n"})
            EXPECT_NE(dropin.find(line), std::string::npos) << unit << " lacks " << line << dropin;
    }
    // systemd reads the unit with the drop-in without a word about it.
    std::filesystem::create_directories(root.file("lib/systemd/system"));
    std::filesystem::copy_file(
        std::string(VMESTE_SOURCE_DIR) + "/packaging/systemd/vmeste-kiosk.service",
        root.file("lib/systemd/system/vmeste-kiosk.service"));
    const std::string verify = run_shell("systemd-analyze verify --root=" + root.path() +
                                         " /lib/systemd/system/vmeste-kiosk.service 2>&1");
    EXPECT_EQ(verify.find("IPAddress"), std::string::npos) << verify;
    // What is not an address is refused; a host without an address is said.
    EXPECT_NE(run("net-allow --config " + root.file("kiosk.toml") +
                  " --also '1.2.3.4;rm' 2>&1; echo exit=$?")
                  .find("not an address or network\nexit=2"),
              std::string::npos);
    std::ofstream(root.file("gone.toml")) << "platform_url = \"https://no-such-host.invalid\"\n";
    EXPECT_NE(run("net-allow --config " + root.file("gone.toml") + " 2>&1; echo exit=$?")
                  .find("has no address now\nexit=1"),
              std::string::npos);
}

// A technician installs the region pack from a stick (issue #23, point 7): checked, versioned,
// said; a spoilt one is refused with the reason.
TEST(Vmestectl, RegionInstallChecksThePackAndStatusSaysWhichOneIsActive) {
    test::TempDir dir, stick;
    EXPECT_NE(run("--data-dir " + dir.path() + " region status").find("no region pack"),
              std::string::npos);
    const std::string pack = stick.file("region.mbtiles");
    std::filesystem::copy_file(VMESTE_DEMO_PACK, pack);
    // Without its .sha256: refused.
    const std::string refused = run("--data-dir " + dir.path() + " region install " + pack);
    EXPECT_NE(refused.find(".sha256"), std::string::npos) << refused;
    const std::string sum = run_shell("sha256sum " + pack);
    const std::string hash = sum.substr(0, 64);
    const std::string wrong = std::string(64, '0');
    EXPECT_NE(run("--data-dir " + dir.path() + " region install " + pack + " --sha256 " + wrong)
                  .find("is not the expected"),
              std::string::npos);
    const std::string ok =
        run("--data-dir " + dir.path() + " region install " + pack + " --sha256 " + hash);
    EXPECT_NE(ok.find("installed       Заречный (демо) 2026.12-1, 190 addresses"),
              std::string::npos)
        << ok;
    const std::string status = run("--data-dir " + dir.path() + " region status");
    EXPECT_NE(status.find("version         2026.12-1"), std::string::npos) << status;
    EXPECT_NE(status.find("sha256          " + hash), std::string::npos) << status;
}
