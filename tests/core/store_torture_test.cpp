// Crash torture (label `torture`): a child process accepts appeals in a loop and prints each one
// after accept() returned; the parent SIGKILLs it at random moments, restarts it, and after every
// kill checks that every printed appeal is there with byte-identical photos, that the database
// passes integrity_check, and that the spool holds exactly one file per photo row.
// `store_torture_tests --kills N` runs N kills (default 300).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>

#include "kiosk/core/appeal_store.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;

namespace {

int g_kills = 300;

struct Printed {
    uint64_t seed = 0;
    std::vector<size_t> sizes;
};

// Starts the child, lets it run `run_ms` (counted from its first printed line when
// `after_first_line`, so the kill lands among accepts rather than in start-up), kills it, and
// returns the whole lines it printed.
std::vector<std::string> run_and_kill(const std::string& dir, uint64_t seed, int run_ms,
                                      bool after_first_line) {
    int fds[2];
    if (pipe(fds) != 0) return {};
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        const std::string s = std::to_string(seed);
        execl(VMESTE_TORTURE_CHILD, VMESTE_TORTURE_CHILD, dir.c_str(), s.c_str(), nullptr);
        _exit(127);
    }
    close(fds[1]);
    std::string out;
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
    if (after_first_line) end += std::chrono::seconds(30);  // until the first line, at most 30 s
    char buf[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fds[0], POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) > 0) {
            const ssize_t n = read(fds[0], buf, sizeof buf);
            if (n <= 0) break;  // the child died on its own: the caller sees too few lines
            out.append(buf, static_cast<size_t>(n));
            if (after_first_line && out.find('\n') != std::string::npos) {
                after_first_line = false;
                end = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
            }
        }
    }
    kill(pid, SIGKILL);
    // What the child wrote before it died is still in the pipe.
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status)) << "the child exited by itself (status " << status << ")";
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!in.eof()) lines.push_back(line);  // the last piece without '\n' is not a whole line
    return lines;
}

void check_appeal(core::AppealStore& s, const std::string& receipt, const Printed& p) {
    auto a = s.find_by_receipt(receipt);
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(*a) << "accepted appeal " << receipt << " is gone";
    EXPECT_EQ((*a)->appeal.text, "Пытка номер " + receipt);
    EXPECT_TRUE((*a)->flagged.empty()) << receipt << ": " << (*a)->flagged;
    ASSERT_EQ((*a)->photo_count, static_cast<int>(p.sizes.size())) << receipt;
    for (size_t i = 0; i < p.sizes.size(); ++i) {
        auto photo = s.read_photo((*a)->appeal.uuid, static_cast<int>(i));
        ASSERT_TRUE(photo) << receipt << " photo " << i << ": " << photo.error().message;
        EXPECT_EQ(*photo, test::fake_photo(p.seed + i, p.sizes[i])) << receipt << " photo " << i;
    }
}

}  // namespace

TEST(StoreTorture, EveryPrintedAppealSurvivesSigkill) {
    test::TempDir dir;
    std::mt19937_64 rng(20261129);
    std::map<std::string, Printed> printed;
    int empty_runs = 0;
    for (int k = 0; k < g_kills; ++k) {
        // Three kills in four land among accepts (0–40 ms after the first one returned); the
        // fourth at any moment from the start, recovery included.
        const bool among_accepts = rng() % 4 != 0;
        const int run_ms =
            among_accepts ? static_cast<int>(rng() % 40) : static_cast<int>(rng() % 60);
        auto lines = run_and_kill(dir.path(), rng(), run_ms, among_accepts);
        if (lines.empty()) ++empty_runs;
        std::vector<std::string> fresh;
        for (const auto& line : lines) {
            std::istringstream in(line);
            std::string ok, receipt;
            Printed p;
            in >> ok >> receipt >> p.seed;
            for (size_t sz; in >> sz;) p.sizes.push_back(sz);
            ASSERT_EQ(ok, "OK") << line;
            printed[receipt] = p;
            fresh.push_back(receipt);
        }
        auto s = core::AppealStore::open(test::store_options(dir.path()));
        ASSERT_TRUE(s) << "after kill " << k << ": " << s.error().message;
        ASSERT_FALSE((*s)->moved_aside()) << "after kill " << k << " the database was corrupt";
        ASSERT_TRUE((*s)->recover());
        for (const auto& r : fresh) check_appeal(**s, r, printed[r]);
        ASSERT_TRUE(*(*s)->integrity_ok()) << "after kill " << k;
        auto census = (*s)->census();
        size_t files = 0;
        for (auto& e : std::filesystem::directory_iterator(dir.path() + "/spool"))
            files +=
                e.is_regular_file() && !e.path().filename().string().ends_with(".appeal.sealed");
        ASSERT_EQ(static_cast<int64_t>(files), census->photos)
            << "orphan or missing spool files after kill " << k;
        ASSERT_GE(census->appeals, static_cast<int64_t>(printed.size()));
        if (::testing::Test::HasFailure()) return;
    }
    // At the end, every appeal ever printed, again.
    auto s = core::AppealStore::open(test::store_options(dir.path()));
    ASSERT_TRUE(s);
    for (const auto& [r, p] : printed) check_appeal(**s, r, p);
    std::printf(
        "torture: %d kills, %zu appeals printed and verified, %d runs killed before the first\n",
        g_kills, printed.size(), empty_runs);
    EXPECT_GT(printed.size(), static_cast<size_t>(g_kills / 2));  // the loop really accepted things
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--kills") g_kills = std::atoi(argv[i + 1]);
    return RUN_ALL_TESTS();
}
