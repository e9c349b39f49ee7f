// The crash-torture child: accepts appeals with 1–5 photos in a loop, as fast as the disk allows,
// and prints one line per appeal *after* accept() returned:
//   OK <receipt> <photo seed> <photo sizes…>
// The parent kills it with SIGKILL at random moments; every printed appeal must survive.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "kiosk/core/appeal_store.h"
#include "tests/support/store_fixture.h"

int main(int argc, char** argv) {
    using namespace vmeste;
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s DATA_DIR SEED\n", argv[0]);
        return 2;
    }
    core::StoreOptions o;
    o.data_dir = argv[1];
    o.free_bytes = [] { return uint64_t{1} << 40; };  // bounds are tested elsewhere
    auto store = core::AppealStore::open(o);
    if (!store) {
        std::fprintf(stderr, "child: %s\n", store.error().message.c_str());
        return 1;
    }
    if (auto r = (*store)->recover(); !r) {
        std::fprintf(stderr, "child: recover: %s\n", r.error().message.c_str());
        return 1;
    }
    std::mt19937_64 rng(std::strtoull(argv[2], nullptr, 10));
    for (;;) {
        const uint64_t photo_seed = rng();
        const int n = 1 + static_cast<int>(rng() % 5);
        core::AcceptRequest req;
        req.appeal = core::Appeal{core::new_uuid(),    core::new_receipt_number(), "roads", "",
                                  core::Language::kRu, 1'790'000'000'000};
        req.appeal.text = "Пытка номер " + req.appeal.receipt_number;
        std::string line = "OK " + req.appeal.receipt_number + " " + std::to_string(photo_seed);
        for (int i = 0; i < n; ++i) {
            const size_t size = 2000 + (photo_seed >> (i * 8)) % 28000;
            req.photos.push_back(test::fake_photo(photo_seed + i, size));
            line += " " + std::to_string(size);
        }
        auto r = (*store)->accept(req, 1'790'000'000'000);
        if (!r) {
            if (r.error().code == ErrorCode::kConflict) continue;
            std::fprintf(stderr, "child: accept: %s\n", r.error().message.c_str());
            return 1;
        }
        line += "\n";
        // One write() of a whole line: the parent counts only lines it received whole.
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fflush(stdout);
    }
}
