// boot_bench: the kiosk's start-up with its queue at the bounds (issue #17, point 10): 5,000
// undelivered appeals and 2 GiB of sealed photos on the disk the kiosk uses. It measures
// Kiosk::start — lock, store open and quick_check, boot recovery (spool listing, records,
// ledger, photo sizes), retention — warm and with the page cache dropped, against the baseline of
// the same run: reading and hashing every queued photo, which is what boot recovery used to do.
// The first frame adds the UI's own start-up (ui_bench: ~120 ms on llvmpipe).
//   vmeste-bench-boot DIR [APPEALS] [MIB]
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/bench_data.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/device_key.h"
#include "kiosk/core/kiosk.h"

using namespace vmeste;
using SteadyClock = std::chrono::steady_clock;

namespace {

double ms_since(SteadyClock::time_point t) {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
}

// Root can ask the kernel to forget cached file pages: a cold boot's reads then hit the disk.
bool drop_caches() {
    ::sync();
    std::ofstream f("/proc/sys/vm/drop_caches");
    if (!f) return false;
    f << "3\n";
    return static_cast<bool>(f.flush());
}

core::Kiosk::Options options(const std::string& dir) {
    core::Kiosk::Options o;
    o.config.data_dir = dir;
    o.config.camera = "synthetic";
    o.config.printer = "none";
    o.config.max_queued_appeals = 100'000;
    o.config.max_queued_mb = 100'000;
    o.start_uploader = false;
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: vmeste-bench-boot DIR [APPEALS] [MIB]\n");
        return 2;
    }
    const std::string dir = argv[1];
    const int appeals = argc > 2 ? std::atoi(argv[2]) : 5000;
    const int64_t mib = argc > 3 ? std::atoll(argv[3]) : 2048;
    const size_t photo_bytes = static_cast<size_t>((mib << 20) / appeals);
    std::filesystem::remove_all(dir);
    {
        core::StoreOptions so;
        so.data_dir = dir;
        so.limits.max_queued_items = 100'000;
        so.limits.max_queued_bytes = uint64_t{100'000} << 20;
        auto store = core::AppealStore::open(so);
        if (!store) {
            std::fprintf(stderr, "%s\n", store.error().message.c_str());
            return 1;
        }
        const auto t0 = SteadyClock::now();
        for (int i = 0; i < appeals; ++i) {
            const core::AcceptRequest r = bench::appeal_request(i, 1, photo_bytes);
            if (auto a = (*store)->accept(r, r.appeal.created_unix_ms); !a) {
                std::fprintf(stderr, "accept %d: %s\n", i, a.error().message.c_str());
                return 1;
            }
        }
        std::printf("filled: %d undelivered appeals, %lld MiB of photos, in %.1f s\n", appeals,
                    static_cast<long long>(mib), ms_since(t0) / 1000);
    }
    // Baseline, same run, same files: what boot recovery did before — every queued photo read
    // and its SHA-256 computed.
    auto hash_all = [&] {
        const auto t = SteadyClock::now();
        size_t n = 0;
        for (const auto& e : std::filesystem::directory_iterator(dir + "/spool")) {
            if (!e.path().string().ends_with(".jpg.sealed")) continue;
            auto data = core::posix_file_ops().read(e.path().string());
            if (data) n += core::sha256_hex(*data).size();
        }
        return n ? ms_since(t) : 0.0;
    };
    auto boot = [&] {
        const auto t = SteadyClock::now();
        auto k = core::Kiosk::start(options(dir));
        const double ms = ms_since(t);
        if (!k) std::fprintf(stderr, "start: %s\n", k.error().message.c_str());
        return ms;
    };
    const bool cold = drop_caches();
    const double boot_cold = cold ? boot() : -1;
    const double boot_warm = boot();
    if (cold) drop_caches();
    const double hash_cold = cold ? hash_all() : -1;
    const double hash_warm = hash_all();
    std::printf(
        "Kiosk::start, queue at its bounds   cold %8.0f ms   warm %8.0f ms   (goal <= 2000)\n",
        boot_cold, boot_warm);
    std::printf("baseline: hash every queued photo   cold %8.0f ms   warm %8.0f ms\n", hash_cold,
                hash_warm);
    if (!cold)
        std::printf("(not root: the page cache could not be dropped; cold figures skipped)\n");
    std::filesystem::remove_all(dir);
    return 0;
}
