// Helpers for tests that use the appeal store: options for a temp dir, and accept requests.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "kiosk/core/appeal_store.h"

namespace vmeste::test {

inline core::StoreOptions store_options(const std::string& dir) {
    core::StoreOptions o;
    o.data_dir = dir;
    return o;
}

// Bytes that look like nothing in particular, reproducible from the seed.
inline std::string fake_photo(uint64_t seed, size_t size) {
    std::mt19937_64 rng(seed);
    std::string out(size, '\0');
    for (auto& c : out) c = static_cast<char>(rng());
    out[0] = static_cast<char>(0xFF);  // a JPEG's SOI marker, for the look of it
    out[1] = static_cast<char>(0xD8);
    return out;
}

inline core::AcceptRequest appeal_request(const std::string& receipt,
                                          const std::string& text = "Яма на дороге у дома 5",
                                          int photos = 0, uint64_t seed = 1) {
    core::AcceptRequest r;
    r.appeal = core::Appeal{core::new_uuid(),    receipt,          "roads", text,
                            core::Language::kRu, 1'790'000'000'000};
    for (int i = 0; i < photos; ++i)
        r.photos.push_back(fake_photo(seed * 10 + i, 20'000 + 1000 * i));
    return r;
}

}  // namespace vmeste::test
