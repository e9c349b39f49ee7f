// Soak (issue #9): the kiosk with the UI driver playing citizens — reports with and without
// photos, visits left to the idle wipe, status checks — against the platform simulator in its own
// process, with faults switched on and off, for VMESTE_SOAK_MINUTES (default 5; docs/reliability.md
// records a 2-hour run). Every 10 s it samples the kiosk process's RSS and open descriptors; at the
// end the faults go, the queue drains, and the simulator's database must hold every accepted
// appeal exactly once. The figures go to stdout and to VMESTE_SOAK_REPORT (markdown) if set.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "kiosk/core/appeal_store.h"
#include "sync/http.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"
#include "tests/support/ui_driver.h"

extern char** environ;

using namespace vmeste;
using namespace vmeste::test;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

namespace {

long proc_status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
    return -1;
}

int open_fds() {
    int n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n - 1;  // the iterator's own
}

// The simulator as its own process (its memory is not the kiosk's).
class SimProcess {
  public:
    explicit SimProcess(const std::string& dir) {
        const std::string port_file = dir + "/port", db = dir + "/sim.db";
        db_ = db;
        std::vector<std::string> args = {
            VMESTE_SIM, "--port", "0", "--port-file", port_file, "--db", db, "--status-step", "30"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, VMESTE_SIM, nullptr, nullptr, argv.data(), environ) != 0)
            throw std::runtime_error("cannot start the simulator");
        for (int i = 0; i < 200 && port_ == 0; ++i) {
            std::this_thread::sleep_for(50ms);
            std::ifstream in(port_file);
            in >> port_;
        }
        if (port_ == 0) throw std::runtime_error("the simulator did not start");
    }
    ~SimProcess() {
        kill(pid_, SIGTERM);
        int st = 0;
        waitpid(pid_, &st, 0);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    const std::string& db() const { return db_; }
    void faults(const std::string& rules) {
        sync::HttpRequest r;
        r.method = "DELETE";
        r.url = url() + "/sim/faults";
        auto t = sync::make_curl_transport();
        (void)t->send(r);
        if (rules.empty()) return;
        r.method = "POST";
        r.body = rules;
        (void)t->send(r);
    }

  private:
    pid_t pid_ = 0;
    int port_ = 0;
    std::string db_;
};

struct Sample {
    double minute = 0;
    long rss_kb = 0;
    int fds = 0;
    int accepted = 0;
};

int env_int(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::atoi(v) : fallback;
}

}  // namespace

TEST(Soak, CitizensFaultsAndIdleWipesForMinutesLoseNothingDuplicateNothingAndDoNotGrow) {
    const int minutes = env_int("VMESTE_SOAK_MINUTES", 5);
    const unsigned seed = static_cast<unsigned>(env_int("VMESTE_SOAK_SEED", 20261201));
    TempDir sim_dir;
    SimProcess sim(sim_dir.path());
    UiDriver::Options o;
    o.config.platform_url = sim.url();
    o.config.site_address = "Москва, ул. Тверская, 8 (МФЦ)";
    o.config.site_lat = 55.7575;
    o.config.site_lon = 37.6136;
    o.config.idle_timeout_s = 10;  // the shortest the config allows: wipes come often
    o.config.idle_countdown_s = 5;
    o.config.receipt_timeout_s = 5;
    o.config.similar_radius_m = 0;  // a soak of the report, not of the similar-appeals look-up
    o.config.retry_cap_ms = 10'000;
    o.uploader = true;
    UiDriver d(o);

    std::mt19937 rng(seed);
    std::vector<std::string> accepted;
    std::map<std::string, int> journeys;
    std::vector<Sample> samples;
    std::atomic<int> accepted_count{0};
    std::mutex samples_mu;
    std::atomic<bool> done{false};
    const auto t0 = Steady::now();
    auto minute = [&] { return std::chrono::duration<double>(Steady::now() - t0).count() / 60; };
    std::thread sampler([&] {
        while (!done) {
            {
                std::lock_guard lock(samples_mu);
                samples.push_back(
                    {minute(), proc_status_kb("VmRSS:"), open_fds(), accepted_count.load()});
            }
            for (int i = 0; i < 100 && !done; ++i) std::this_thread::sleep_for(100ms);
        }
    });

    // Faults on for a minute, off for a minute: the kiosk keeps taking appeals either way.
    const std::vector<std::string> fault_sets = {
        "appeals:status=503:rate=0.4:retry-after=1\nmedia:drop-mid-response:rate=0.2",
        "*:latency=400:rate=0.3\nappeals:drop-mid-response:rate=0.3",
        "media:status=500:rate=0.3\nappeals:truncated-json:rate=0.2", "*:drop-before:rate=0.3"};
    int fault_minute = -1;
    const std::vector<std::string> texts = {
        "Не горит фонарь у подъезда, темно вечером", "Яма на проезжей части у дома 5",
        "Переполнены мусорные контейнеры во дворе", "Сломана скамейка на детской площадке"};
    auto home = [&] {
        // Whatever screen a journey ended on, back to the start the way a citizen leaves it:
        // walking away (the idle wipe) — with the clock a real one, so wait for it.
        return d.wait_for([&] { return d.state().screen == core::Screen::kAttract; }, 40s);
    };
    while (minute() < minutes) {
        if (const int m = static_cast<int>(minute()); m != fault_minute) {
            fault_minute = m;
            sim.faults(m % 2 == 0 ? "" : fault_sets[(m / 2) % fault_sets.size()]);
        }
        const int pick = static_cast<int>(rng() % 10);
        const std::string text = texts[rng() % texts.size()];
        if (pick < 4) {  // a report with photos
            ++journeys["report with photos"];
            // "Here": once one is sent, the next ones are shown it first (similar appeals).
            d.choose("improvement.lighting.light_out");
            d.tap("place/here");
            d.leave_place();
            if (d.state().screen == core::Screen::kSimilar) d.tap("similar/continue");
            ASSERT_EQ(d.state().screen, core::Screen::kDescription);
            d.type(text);
            d.tap("nav/next");
            const int shots = 1 + static_cast<int>(rng() % 2);
            for (int i = 0; i < shots; ++i) {
                if (i > 0) d.tap("photo/more");
                ASSERT_TRUE(d.wait_for([&] { return d.enabled("photo/take"); }, 10s));
                const size_t before = d.state().photos.photos.size();
                d.tap("photo/take");
                ASSERT_TRUE(
                    d.wait_for([&] { return d.state().photos.photos.size() == before + 1; }, 15s));
            }
            d.tap("nav/next");
            d.tap("who/contact");
            d.type("Анна Иванова");
            d.tap("field/phone");
            for (char c : std::string("9161234567")) d.tap(std::string("kbd/") + c);
            d.tap("nav/next");
            d.tap("consent/agree");
        } else if (pick < 7) {  // a report without photos
            ++journeys["report without photos"];
            d.describe("housing.building.hot_water", text);
            d.tap("nav/next");
            d.complete_steps("Пётр Смирнов", "9031112233");
        } else if (pick < 9) {  // started and left: the idle wipe
            ++journeys["left to the idle wipe"];
            d.describe("roads.road.pothole", text);
            ASSERT_TRUE(home());
            continue;
        } else {  // a status check of an earlier receipt
            ++journeys["status check"];
            if (accepted.empty()) continue;
            d.tap("attract/status");
            std::string number = accepted[rng() % accepted.size()];
            number.erase(std::remove(number.begin(), number.end(), '-'), number.end());
            for (char c : number) d.tap(std::string("kbd/") + c);
            d.tap("status/find");
            d.wait_for([&] { return d.has("status/done"); }, 10s);
            if (d.has("status/done")) d.tap("status/done");
            ASSERT_TRUE(home());
            continue;
        }
        if (d.state().screen == core::Screen::kReview) {
            d.tap("review/submit");
            ASSERT_TRUE(d.wait_for([&] { return d.state().screen == core::Screen::kReceipt; }, 20s))
                << core::screen_name(d.state().screen);
            accepted.push_back(d.state().receipt->receipt_number);
            ++accepted_count;
            d.tap("receipt/done");
        }
        ASSERT_TRUE(home()) << core::screen_name(d.state().screen);
    }
    // The end: no faults, the queue drains, the numbers are checked.
    sim.faults("");
    d.kiosk().wake_uploader();
    const bool drained = d.wait_for(
        [&] {
            auto store = core::AppealStore::open(store_options(d.data_dir()));
            return store && (*store)->queue_figures()->queued_appeals == 0;
        },
        300s);
    done = true;
    sampler.join();
    EXPECT_TRUE(drained) << "the queue did not drain in 5 minutes after the faults stopped";

    // The platform's database: each receipt once.
    std::map<std::string, int> on_platform;
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open_v2(sim.db().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, "SELECT receipt_number FROM appeals", -1, &st, nullptr);
        while (sqlite3_step(st) == SQLITE_ROW)
            ++on_platform[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))];
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    int lost = 0, duplicated = 0;
    for (const auto& r : accepted) {
        const int n = on_platform.count(r) ? on_platform[r] : 0;
        lost += n == 0;
        duplicated += n > 1 ? n - 1 : 0;
    }
    const int strangers =
        static_cast<int>(on_platform.size()) -
        static_cast<int>(std::set<std::string>(accepted.begin(), accepted.end()).size());

    // Growth: the first sample after two minutes of warming (caches, the font atlas, SQLite's
    // page cache) against the last one; the fds after the drain against the same.
    std::vector<Sample> s;
    {
        std::lock_guard lock(samples_mu);
        s = samples;
    }
    ASSERT_GE(s.size(), 3u);
    const Sample warm = *std::find_if(s.begin(), s.end(), [&](const Sample& x) {
        return x.minute >= std::min(2.0, minutes * 0.4);
    });
    const Sample last = s.back();
    long peak_rss = 0;
    int peak_fds = 0;
    for (const auto& x : s) {
        peak_rss = std::max(peak_rss, x.rss_kb);
        peak_fds = std::max(peak_fds, x.fds);
    }
    std::ostringstream report;
    report << "| minute | RSS, MiB | open fds | appeals accepted |\n|---|---|---|---|\n";
    const size_t step = std::max<size_t>(1, s.size() / 24);
    for (size_t i = 0; i < s.size(); i += step)
        report << "| " << static_cast<int>(s[i].minute * 10) / 10.0 << " | " << s[i].rss_kb / 1024
               << " | " << s[i].fds << " | " << s[i].accepted << " |\n";
    report << "| " << static_cast<int>(last.minute * 10) / 10.0 << " (drained) | "
           << last.rss_kb / 1024 << " | " << last.fds << " | " << last.accepted << " |\n\n";
    report << "Journeys:";
    for (const auto& [k, n] : journeys) report << " " << k << " " << n << ";";
    report << "\n\nAccepted " << accepted.size() << ", on the platform " << on_platform.size()
           << ", lost " << lost << ", duplicated " << duplicated << ", not ours " << strangers
           << ". RSS after warm-up " << warm.rss_kb / 1024 << " MiB, at the end "
           << last.rss_kb / 1024 << " MiB, peak " << peak_rss / 1024 << " MiB; fds after warm-up "
           << warm.fds << ", at the end " << last.fds << ", peak " << peak_fds << ".\n";
    std::printf("%s", report.str().c_str());
    if (const char* path = std::getenv("VMESTE_SOAK_REPORT"))
        std::ofstream(path) << "Soak: " << minutes << " min, seed " << seed << "\n\n"
                            << report.str();

    EXPECT_GT(accepted.size(), static_cast<size_t>(minutes)) << "citizens got appeals through";
    EXPECT_EQ(lost, 0);
    EXPECT_EQ(duplicated, 0);
    EXPECT_EQ(strangers, 0);
    // Beyond noise: SQLite's cache and the allocator's arenas settle within a few MiB.
    EXPECT_LT(last.rss_kb - warm.rss_kb, 24 * 1024) << "RSS grew";
    EXPECT_LE(last.fds, warm.fds + 4) << "descriptors grew";
}
