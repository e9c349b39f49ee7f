// pin_bench: what a maintenance PIN check costs (issue #20, point 6): MaintenanceAccess's
// set_pin and try_pin at the production cost (argon2id, libsodium MODERATE: 3 passes, 256 MiB)
// against the baseline of the same run, the INTERACTIVE limits (2 passes, 64 MiB) the kiosk used
// before. Figures: wall time of a hash and of a check, and the process's peak memory.
//   vmeste-bench-pin [ROUNDS]
#include <sodium.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/maintenance_access.h"

using namespace vmeste;
using SteadyClock = std::chrono::steady_clock;

namespace {

double ms_since(SteadyClock::time_point t) {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

long peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    if (sodium_init() < 0) return 1;
    // Baseline: the raw INTERACTIVE hash and check, as the kiosk did before.
    std::vector<double> base_hash, base_check;
    char h[crypto_pwhash_STRBYTES];
    for (int i = 0; i < rounds; ++i) {
        auto t = SteadyClock::now();
        if (crypto_pwhash_str(h, "975312", 6, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
            return 1;
        base_hash.push_back(ms_since(t));
        t = SteadyClock::now();
        if (crypto_pwhash_str_verify(h, "975312", 6) != 0) return 1;
        base_check.push_back(ms_since(t));
    }
    const long base_rss = peak_rss_mib();
    // The kiosk's own code: set_pin, then a right PIN through try_pin (file, lock, count, check).
    const auto dir = std::filesystem::temp_directory_path() / "vmeste-pin-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    SystemClock clock;
    auto access = core::MaintenanceAccess::open(dir.string(), clock);
    if (!access) return 1;
    std::vector<double> set, check;
    for (int i = 0; i < rounds; ++i) {
        auto t = SteadyClock::now();
        if (!access->set_pin(core::Role::kTechnician, "975312")) return 1;
        set.push_back(ms_since(t));
        t = SteadyClock::now();
        if (access->try_pin(core::Role::kTechnician, "975312").result !=
            core::MaintenanceAccess::Attempt::Result::kOk)
            return 1;
        check.push_back(ms_since(t));
    }
    std::filesystem::remove_all(dir);
    std::printf("PIN hashing, median of %d rounds\n", rounds);
    std::printf("%-44s %10s %10s %10s\n", "", "hash ms", "check ms", "peak MiB");
    std::printf("%-44s %10.0f %10.0f %10ld\n", "baseline: argon2id INTERACTIVE (2, 64 MiB)",
                median(base_hash), median(base_check), base_rss);
    std::printf("%-44s %10.0f %10.0f %10ld\n", "kiosk: set_pin / try_pin, MODERATE (3, 256 MiB)",
                median(set), median(check), peak_rss_mib());
    std::printf("a guess costs %.1f× the baseline's work\n", median(check) / median(base_check));
    return 0;
}
