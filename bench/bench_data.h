// Data the benchmarks make up: incompressible bytes of a photo's size, reproducible from a seed
// (xorshift, so filling hundreds of megabytes costs little next to what is measured).
#pragma once

#include <cstdint>
#include <string>

#include "kiosk/core/appeal_store.h"

namespace vmeste::bench {

inline std::string photo(uint64_t seed, size_t size) {
    std::string s(size, '\0');
    uint64_t x = 0x9E3779B97F4A7C15ull * (seed + 1);
    for (auto& c : s) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        c = static_cast<char>(x);
    }
    return s;
}

// An appeal as the kiosk accepts it, with `photos` made-up photos of `photo_bytes` each.
inline core::AcceptRequest appeal_request(int i, int photos, size_t photo_bytes = 400'000) {
    core::AcceptRequest r;
    r.appeal = core::Appeal{core::new_uuid(),
                            core::new_receipt_number(),
                            "roads",
                            "Яма на дороге у дома " + std::to_string(i),
                            core::Language::kRu,
                            1'790'000'000'000 + i};
    for (int p = 0; p < photos; ++p)
        r.photos.push_back(photo(static_cast<uint64_t>(i) * 10 + p, photo_bytes));
    return r;
}

}  // namespace vmeste::bench
