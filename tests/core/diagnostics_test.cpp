// The diagnostics bundle never carries a secret (issue #20, point 9), whatever way the config
// file spells the key, and no path is ever handed to a shell.
#include "kiosk/core/diagnostics.h"

#include <gtest/gtest.h>

#include <spawn.h>
#include <sys/wait.h>
#include <filesystem>
#include <fstream>

#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// tar, run without a shell (the paths here hold quotes on purpose).
int untar(const std::string& archive, const std::string& into) {
    const char* argv[] = {"tar", "-xzf", archive.c_str(), "-C", into.c_str(), nullptr};
    pid_t pid = -1;
    if (posix_spawnp(&pid, "tar", nullptr, nullptr, const_cast<char**>(argv), environ) != 0)
        return -1;
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST(Diagnostics, EverySpellingOfASecretKeyIsRedactedFromTheParsedConfig) {
    // The three forms the issue found leaking, and more: a quoted key, a tab before "=", an
    // inline table, a nested table, an array of tables, upper case.
    const std::string text =
        "\"open311_api_key\" = \"LEAK-QUOTED\"\n"
        "device_token\t= \"LEAK-TAB\"\n"
        "platform = { device_token = \"LEAK-INLINE\", url = \"https://gw.example.ru\" }\n"
        "[city]\nOPEN311_API_KEY = \"LEAK-UPPER\"\n"
        "[[proxies]]\npassword = \"LEAK-ARRAY\"\nhost = \"proxy.mfc.local\"\n"
        "[tls]\ntls_pinned_public_key = \"sha256//AAAA\"\n"
        "[kiosk]\nidle_timeout_s = 120\n";
    const std::string out = core::redacted_config(text);
    for (const char* leak : {"LEAK-QUOTED", "LEAK-TAB", "LEAK-INLINE", "LEAK-UPPER", "LEAK-ARRAY"})
        EXPECT_EQ(out.find(leak), std::string::npos) << leak << " in\n" << out;
    // What is not secret stays for the technician to read.
    for (const char* kept : {"https://gw.example.ru", "proxy.mfc.local", "idle_timeout_s = 120",
                             "sha256//AAAA", "<removed>"})
        EXPECT_NE(out.find(kept), std::string::npos) << kept << " missing from\n" << out;
}

TEST(Diagnostics, AConfigThatDoesNotParseIsDescribedNeverCopied) {
    const std::string out =
        core::redacted_config("device_token = \"LEAK-BROKEN\"\nthis is not toml = = \n");
    EXPECT_EQ(out.find("LEAK-BROKEN"), std::string::npos) << out;
    EXPECT_NE(out.find("does not parse (line 2"), std::string::npos) << out;
}

// The image runs the kiosk under vmeste-kiosk-cage.service, not vmeste-kiosk.service: the
// bundle's journal must hold both, and the image's setup and update steps. journalctl here is
// a stand-in on PATH that answers which units it was asked for.
TEST(Diagnostics, TheJournalCoversBothKioskUnitsAndTheImagesSetupAndUpdateSteps) {
    test::TempDir root;
    const std::string bin = root.file("bin");
    std::filesystem::create_directories(bin);
    {
        std::ofstream f(bin + "/journalctl");
        f << "#!/bin/sh\nfor a; do echo \"arg $a\"; done\n";
    }
    std::filesystem::permissions(bin + "/journalctl", std::filesystem::perms::owner_all);
    const std::string data = root.file("data");
    std::filesystem::create_directories(data);
    auto store = core::AppealStore::open(test::store_options(data));
    ASSERT_TRUE(store) << store.error().message;
    const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    setenv("PATH", (bin + ":" + old_path).c_str(), 1);
    const std::string out = root.file("diag.tar.gz");
    const auto written = core::write_diagnostics(**store, data, out);
    setenv("PATH", old_path.c_str(), 1);
    ASSERT_TRUE(written) << written.error().message;
    const std::string x = root.file("x");
    std::filesystem::create_directories(x);
    ASSERT_EQ(untar(out, x), 0);
    const std::string journal = slurp(x + "/vmeste-diagnostics/journal.txt");
    for (const char* unit :
         {"vmeste-kiosk", "vmeste-kiosk-cage", "vmeste-setup-media", "vmeste-update-recover"})
        EXPECT_NE(journal.find("arg -u\narg " + std::string(unit) + "\n"), std::string::npos)
            << unit << " is not in the journal asked for:\n"
            << journal;
}

TEST(Diagnostics, PathsWithQuotesAndSemicolonsAreNeverGivenToAShell) {
    test::TempDir root;
    // A data directory and an output file whose names would break out of a quoted shell word.
    const std::string data = root.file("it's; touch PWNED-DATA; '");
    std::filesystem::create_directories(data);
    std::ofstream(data + "/config.last-good.toml") << "device_token = \"LEAK-TOKEN\"\n";
    auto store = core::AppealStore::open(test::store_options(data));
    ASSERT_TRUE(store) << store.error().message;
    const std::string out = root.file("diag'$(touch PWNED-OUT)'.tar.gz");
    ASSERT_TRUE(core::write_diagnostics(**store, data, out));
    ASSERT_TRUE(std::filesystem::exists(out));
    const std::string x = root.file("x");
    std::filesystem::create_directories(x);
    ASSERT_EQ(untar(out, x), 0);
    const std::string cfg = slurp(x + "/vmeste-diagnostics/config.toml");
    EXPECT_NE(cfg.find("device_token = '<removed>'"), std::string::npos) << cfg;
    EXPECT_EQ(cfg.find("LEAK-TOKEN"), std::string::npos);
    // A shell would have run the `touch` in this process's working directory.
    EXPECT_FALSE(std::filesystem::exists("PWNED-OUT")) << "a shell ran the file's name";
    EXPECT_FALSE(std::filesystem::exists("PWNED-DATA"));
}
