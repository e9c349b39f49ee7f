// The region pack's address index at a large region's size (issue #23): 1,000,000 made-up
// addresses (200 towns, 100 streets each, 50 houses a street), built into a pack, then
// suggestions timed keystroke by keystroke as a citizen types an address («ул. Садовая 12»),
// and the nearest address to random points. Baseline in the same run: the same searches as a
// plain LIKE over the addresses' text (what a kiosk without an index would do).
//
//   vmeste-bench-address [ADDRESSES]     (default 1000000)
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "kiosk/core/address_index.h"

using namespace vmeste::core;
using Clock = std::chrono::steady_clock;

namespace {

const char* const kRoots[] = {
    "Ленина",        "Мира",         "Садовая",    "Лесная",     "Школьная",   "Советская",
    "Молодёжная",    "Центральная",  "Новая",      "Набережная", "Полевая",    "Солнечная",
    "Заречная",      "Зелёная",      "Гагарина",   "Пушкина",    "Строителей", "Октябрьская",
    "Комсомольская", "Первомайская", "Кирова",     "Чапаева",    "Луговая",    "Береговая",
    "Рабочая",       "Пролетарская", "Речная",     "Северная",   "Южная",      "Восточная",
    "Западная",      "Горького",     "Лермонтова", "Чехова",     "Толстого",   "Космонавтов",
    "Победы",        "Маяковского",  "Свердлова",  "Фрунзе",     "Калинина",   "Дзержинского",
    "Энгельса",      "Суворова",     "Кутузова",   "Жукова",     "Некрасова",  "Тургенева",
    "Вокзальная",    "Заводская",    "Парковая",   "Озёрная",    "Сосновая",   "Берёзовая",
    "Рябиновая",     "Вишнёвая",     "Цветочная",  "Майская",    "Юбилейная",  "Спортивная"};
const char* const kTypes[] = {"улица", "переулок", "проспект", "проезд"};
const char* const kSyllables[] = {"Ка", "ли", "но", "Бе",  "ре", "зо",  "Ве", "шки", "Ро",  "ма",
                                  "но", "во", "Ду", "бки", "Ор", "лов", "Го", "ро",  "дец", "ск"};

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

long rss_kib() {
    FILE* f = std::fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    while (f && std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "VmRSS: %ld", &kib) == 1) break;
    if (f) std::fclose(f);
    return kib;
}

struct Town {
    std::string name;
    double lat, lon;
    std::vector<std::string> streets;
};

}  // namespace

int main(int argc, char** argv) {
    const long addresses = argc > 1 ? std::atol(argv[1]) : 1000000;
    const int houses_per_street = 50, streets_per_town = 100;
    const int towns =
        static_cast<int>(std::max(1L, addresses / (houses_per_street * streets_per_town)));
    std::mt19937 rng(23);
    std::vector<Town> world;
    for (int t = 0; t < towns; ++t) {
        Town town;
        for (int s = 0; s < 3; ++s) town.name += kSyllables[rng() % 20];
        town.name += "-" + std::to_string(t);
        // Towns spread over a region 400 km across, around Moscow's latitude.
        town.lat = 54.0 + (rng() % 4000) / 1000.0;
        town.lon = 35.0 + (rng() % 6000) / 1000.0;
        std::vector<int> picks(std::size(kRoots) * std::size(kTypes));
        for (size_t i = 0; i < picks.size(); ++i) picks[i] = static_cast<int>(i);
        std::shuffle(picks.begin(), picks.end(), rng);
        for (int s = 0; s < streets_per_town; ++s) {
            const int k = picks[static_cast<size_t>(s)];
            const std::string root = kRoots[k / 4], type = kTypes[k % 4];
            town.streets.push_back(type == "улица" || type == "проспект" ? type + " " + root
                                                                         : root + " " + type);
        }
        world.push_back(std::move(town));
    }
    const std::string dir = "/tmp/vmeste-bench-address-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/pack.mbtiles";

    // Build.
    const auto t0 = Clock::now();
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", nullptr, nullptr, nullptr);
    auto writer = AddressIndexWriter::create(db);
    if (!writer) {
        std::fprintf(stderr, "%s\n", writer.error().message.c_str());
        return 1;
    }
    long written = 0;
    for (const Town& town : world)
        for (size_t s = 0; s < town.streets.size(); ++s) {
            // Streets run east–west, 150 m apart; houses 20 m apart on both sides.
            const double lat = town.lat + static_cast<double>(s) * 0.00135;
            (*writer)->add_street_line(town.streets[s], "",
                                       {{lat, town.lon}, {lat, town.lon + 0.016}});
            for (int h = 1; h <= houses_per_street; ++h) {
                std::string number = std::to_string(h);
                if (h % 10 == 3) number += "к1";
                if (h % 10 == 7) number += "А";
                (*writer)->add_address(town.streets[s], town.name, number,
                                       {lat + (h % 2 ? 0.0002 : -0.0002), town.lon + h * 0.0003});
                ++written;
            }
        }
    auto stats = (*writer)->finish();
    writer->reset();
    sqlite3_close(db);
    if (!stats) {
        std::fprintf(stderr, "%s\n", stats.error().message.c_str());
        return 1;
    }
    const double build_s = ms_since(t0) / 1000.0;
    const double size_mib = static_cast<double>(std::filesystem::file_size(path)) / 1048576.0;
    std::printf("addresses %ld, streets %ld, segments %ld\n", stats->houses, stats->streets,
                stats->segments);
    std::printf(
        "index build: %.1f s (%.2f s per 100,000 addresses), %.1f MiB (%.1f MiB per "
        "100,000)\n",
        build_s, build_s * 1e5 / static_cast<double>(written), size_mib,
        size_mib * 1e5 / static_cast<double>(written));

    // Suggestions: a citizen types «ул. <root> <house>» near a random town's МФЦ.
    const long rss_before = rss_kib();
    auto ix = AddressIndex::open(path);
    if (!ix) {
        std::fprintf(stderr, "%s\n", ix.error().message.c_str());
        return 1;
    }
    std::vector<double> key_ms, two_ms;
    size_t empty = 0, found_target = 0;
    const int typed = 300;
    for (int q = 0; q < typed; ++q) {
        const Town& town = world[rng() % world.size()];
        const std::string& street = town.streets[rng() % town.streets.size()];
        const int house = 1 + static_cast<int>(rng() % houses_per_street);
        // As a citizen writes it: the type shortened, the root, the number.
        std::string root = street.substr(street.find(' ') + 1);
        if (street.rfind("улица ", 0) != 0 && street.rfind("проспект ", 0) != 0)
            root = street.substr(0, street.find(' '));
        std::string number = std::to_string(house);
        if (house % 10 == 3) number += " корп. 1";
        if (house % 10 == 7) number += "а";
        const std::string text = "ул. " + root + " " + number;
        const std::u32string cps = [&] {
            std::u32string out;
            for (size_t i = 0; i < text.size();) {
                const unsigned char c = static_cast<unsigned char>(text[i]);
                const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
                out.push_back(static_cast<char32_t>(i));  // byte offsets of code points
                i += n;
            }
            return out;
        }();
        for (size_t k = 1; k <= cps.size(); ++k) {
            const size_t bytes = k < cps.size() ? cps[k] : text.size();
            const auto t = Clock::now();
            const auto hits =
                (*ix)->suggest(std::string_view(text).substr(0, bytes), 6, town.lat, town.lon);
            const double ms = ms_since(t);
            key_ms.push_back(ms);
            if (k == 6) two_ms.push_back(ms);  // «ул. XY»: two letters of the name
            if (k == cps.size()) {
                if (hits.empty()) ++empty;
                for (const AddressHit& h : hits)
                    if (h.city == town.name && h.street == street &&
                        fold_house_number(h.house) == fold_house_number(number))
                        ++found_target;
            }
        }
    }
    std::printf(
        "suggest, per keystroke (%zu keystrokes): p50 %.2f ms, p99 %.2f ms, max %.2f ms "
        "(goal: p99 <= 50)\n",
        key_ms.size(), pct(key_ms, 0.5), pct(key_ms, 0.99), pct(key_ms, 1.0));
    std::printf("  at two letters of the name: p50 %.2f ms, p99 %.2f ms\n", pct(two_ms, 0.5),
                pct(two_ms, 0.99));
    std::printf("  the typed address among the 6 suggestions: %zu of %d (%zu with none)\n",
                found_target, typed, empty);

    std::vector<double> near_ms;
    size_t near_found = 0;
    for (int q = 0; q < 10000; ++q) {
        const Town& town = world[rng() % world.size()];
        const double lat = town.lat + (rng() % 1400) / 10000.0,
                     lon = town.lon + (rng() % 170) / 10000.0;
        const auto t = Clock::now();
        const auto n = (*ix)->nearest(lat, lon);
        near_ms.push_back(ms_since(t));
        if (n) ++near_found;
    }
    std::printf(
        "nearest (10,000 points in towns): p50 %.3f ms, p99 %.3f ms, max %.3f ms "
        "(goal: <= 5); found %zu\n",
        pct(near_ms, 0.5), pct(near_ms, 0.99), pct(near_ms, 1.0), near_found);
    std::printf("memory: %+.1f MiB resident with the index open and searched\n",
                static_cast<double>(rss_kib() - rss_before) / 1024.0);
    ix->reset();

    // Baseline: the same kind of search without the index — LIKE over every address's text.
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db,
                 "CREATE TEMP TABLE plain AS SELECT s.name || ', ' || h.number || ', ' || s.city "
                 "AS label FROM addr_house h JOIN addr_street s ON s.id = h.street_id",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* like = nullptr;
    sqlite3_prepare_v2(db, "SELECT label FROM plain WHERE label LIKE ?1 LIMIT 6", -1, &like,
                       nullptr);
    std::vector<double> like_ms;
    for (const char* q : {"%Садовая, 12%", "%Лесная%", "%Ле%", "%Гагарина, 5%", "%Чехова, 33%"}) {
        const auto t = Clock::now();
        sqlite3_bind_text(like, 1, q, -1, SQLITE_STATIC);
        while (sqlite3_step(like) == SQLITE_ROW) {
        }
        sqlite3_reset(like);
        like_ms.push_back(ms_since(t));
    }
    sqlite3_finalize(like);
    sqlite3_close(db);
    std::printf(
        "baseline: LIKE over every address (5 searches): p50 %.1f ms, max %.1f ms "
        "(and no folding: «ул.» ≠ «улица», ё ≠ е)\n",
        pct(like_ms, 0.5), pct(like_ms, 1.0));
    std::printf("index vs baseline at p50: %.0f× faster a keystroke\n",
                pct(like_ms, 0.5) / std::max(0.001, pct(key_ms, 0.5)));
    std::filesystem::remove_all(dir);
    return 0;
}
