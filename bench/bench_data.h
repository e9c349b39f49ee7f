// Data the benchmarks make up: incompressible bytes of a photo's size, reproducible from a seed
// (xorshift, so filling hundreds of megabytes costs little next to what is measured).
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace vmeste::bench
