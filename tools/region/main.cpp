// vmeste-region: builds a terminal's region pack from an OpenStreetMap extract (docs/map.md).
//
//   vmeste-region build INPUT.osm.pbf|INPUT.osm OUTPUT.mbtiles --name NAME --version N
//                 [--city CITY] [--tilemaker-dir DIR]
//   vmeste-region info PACK
//   vmeste-region preview PACK LAT LON ZOOM OUT.png [WIDTH HEIGHT [SCALE]]
//
// build: the map as vector tiles by Debian's tilemaker (with tools/region/tilemaker's config
// and tag script), then every address (a building's centroid or an address point: addr:street or
// addr:place, addr:housenumber, addr:city — CITY where none is given) and every named street
// into the pack's address index (kiosk/core/address_index.h), the pack's name and version in its
// metadata, and OUTPUT.sha256 beside it (sha256sum's format) for the technician's provisioning.
// Reads OSM data with libosmium (Debian's libosmium2-dev).
#include <sodium.h>
#include <sqlite3.h>
#include <stb_image_write.h>
#include <unistd.h>
#include <osmium/area/assembler.hpp>
#include <osmium/area/multipolygon_manager.hpp>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/io/any_output.hpp>
#include <osmium/relations/relations_manager.hpp>
#include <osmium/tags/tags_filter.hpp>
#include <osmium/visitor.hpp>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "kiosk/base/subprocess.h"
#include "kiosk/core/address_index.h"
#include "kiosk/core/map_tiles.h"
#include "kiosk/core/region_pack.h"

namespace fs = std::filesystem;
using vmeste::core::AddressIndexWriter;

namespace {

int usage() {
    std::fputs(
        "usage: vmeste-region build INPUT.osm.pbf|INPUT.osm OUTPUT.mbtiles --name NAME "
        "--version N [--city CITY] [--tilemaker-dir DIR]\n"
        "       vmeste-region info PACK\n"
        "       vmeste-region preview PACK LAT LON ZOOM OUT.png [WIDTH HEIGHT [SCALE]]\n",
        stderr);
    return 2;
}

// Addresses and named streets, as libosmium hands over nodes, ways and assembled areas.
class Collector : public osmium::handler::Handler {
  public:
    Collector(AddressIndexWriter* out, std::string city) : out_(out), city_(std::move(city)) {}

    void node(const osmium::Node& n) {
        if (n.location().valid()) address(n.tags(), n.location().lat(), n.location().lon());
    }
    void way(const osmium::Way& w) {
        const char* highway = w.tags()["highway"];
        const char* name = w.tags()["name"];
        if (!highway || !name || !*name) return;
        std::vector<AddressIndexWriter::Point> line;
        for (const osmium::NodeRef& r : w.nodes())
            if (r.location().valid()) line.push_back({r.location().lat(), r.location().lon()});
        out_->add_street_line(name, "", line);
        ++streets_;
    }
    // A building (or any area) with an address: at the centroid of its first outer ring.
    void area(const osmium::Area& a) {
        for (const osmium::OuterRing& ring : a.outer_rings()) {
            double sx = 0, sy = 0, twice_area = 0;
            const osmium::NodeRef* prev = nullptr;
            // About the first corner: the products of whole degrees would lose the metres.
            const double ox = ring.begin()->location().lon(), oy = ring.begin()->location().lat();
            for (const osmium::NodeRef& r : ring) {
                if (prev && prev->location().valid() && r.location().valid()) {
                    const double x0 = prev->location().lon() - ox, y0 = prev->location().lat() - oy;
                    const double x1 = r.location().lon() - ox, y1 = r.location().lat() - oy;
                    const double cross = x0 * y1 - x1 * y0;
                    twice_area += cross;
                    sx += (x0 + x1) * cross;
                    sy += (y0 + y1) * cross;
                }
                prev = &r;
            }
            if (twice_area == 0) return;
            address(a.tags(), oy + sy / (3 * twice_area), ox + sx / (3 * twice_area));
            return;
        }
    }
    long addresses() const { return addresses_; }
    long streets() const { return streets_; }

  private:
    void address(const osmium::TagList& tags, double lat, double lon) {
        const char* number = tags["addr:housenumber"];
        if (!number || !*number) return;
        const char* street = tags["addr:street"];
        const char* place = tags["addr:place"];
        const char* city = tags["addr:city"];
        const bool is_place = !(street && *street);
        const char* where = is_place ? place : street;
        if (!where || !*where) return;
        out_->add_address(where, city && *city ? city : city_, number, {lat, lon}, is_place);
        ++addresses_;
    }
    AddressIndexWriter* out_;
    std::string city_;
    long addresses_ = 0, streets_ = 0;
};

std::string sha256_file(const std::string& path) {
    auto h = vmeste::core::file_sha256(path);
    return h ? *h : std::string("?");
}

bool exec(sqlite3* db, const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return true;
    std::fprintf(stderr, "vmeste-region: %s\n", err ? err : "?");
    sqlite3_free(err);
    return false;
}

std::string default_tilemaker_dir(const char* argv0) {
    // Installed: /usr/share/vmeste/region; in the build tree, the source's tools/region/tilemaker.
    const fs::path exe = fs::weakly_canonical(fs::path("/proc/self/exe").has_filename()
                                                  ? fs::read_symlink("/proc/self/exe")
                                                  : fs::path(argv0));
    for (const fs::path& p : {exe.parent_path().parent_path() / "share/vmeste/region",
                              fs::path(VMESTE_REGION_SOURCE_DIR) / "tilemaker"})
        if (fs::exists(p / "config.json")) return p.string();
    return "/usr/share/vmeste/region";
}

int build(const std::vector<std::string>& args, const char* argv0) {
    if (args.size() < 2) return usage();
    const std::string input = args[0], output = args[1];
    std::string name, version, city, tm_dir = default_tilemaker_dir(argv0);
    for (size_t i = 2; i + 1 < args.size(); i += 2) {
        if (args[i] == "--name")
            name = args[i + 1];
        else if (args[i] == "--version")
            version = args[i + 1];
        else if (args[i] == "--city")
            city = args[i + 1];
        else if (args[i] == "--tilemaker-dir")
            tm_dir = args[i + 1];
        else
            return usage();
    }
    if ((args.size() - 2) % 2 != 0 || name.empty() || version.empty()) return usage();
    if (version.find_first_not_of("0123456789.-") != std::string::npos) {
        std::fputs("vmeste-region: --version is digits, dots and dashes (2026.12-1)\n", stderr);
        return 2;
    }
    if (!fs::exists(input)) {
        std::fprintf(stderr, "vmeste-region: %s: no such file\n", input.c_str());
        return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const fs::path work = fs::path(output).parent_path() / (fs::path(output).filename().string() +
                                                            ".build-" + std::to_string(getpid()));
    fs::create_directories(work);
    struct Cleanup {
        fs::path p;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(p, ec);
        }
    } cleanup{work};
    // tilemaker reads PBF only: an XML extract is converted first (libosmium's writer).
    std::string pbf = input;
    if (input.size() < 8 || input.substr(input.size() - 8) != ".osm.pbf") {
        pbf = (work / "input.osm.pbf").string();
        try {
            osmium::io::Reader reader{input};
            osmium::io::Header header = reader.header();
            osmium::io::Writer writer{pbf, header, osmium::io::overwrite::allow};
            while (osmium::memory::Buffer buffer = reader.read()) writer(std::move(buffer));
            writer.close();
            reader.close();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "vmeste-region: %s: %s\n", input.c_str(), e.what());
            return 1;
        }
    }
    const std::string tiles = (work / "tiles.mbtiles").string();
    const vmeste::Ran tm = vmeste::run_piped(
        {"tilemaker", "--input", pbf, "--output", tiles, "--config", tm_dir + "/config.json",
         "--process", tm_dir + "/process.lua", "--store", (work / "store").string()});
    if (tm.status != 0) {
        std::fprintf(stderr, "vmeste-region: tilemaker failed (%d): %s\n", tm.status,
                     vmeste::last_line(tm.err + tm.out).c_str());
        return 1;
    }
    const auto t_tiles = std::chrono::steady_clock::now();

    sqlite3* db = nullptr;
    if (sqlite3_open(tiles.c_str(), &db) != SQLITE_OK) {
        std::fprintf(stderr, "vmeste-region: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF");
    auto writer = AddressIndexWriter::create(db);
    if (!writer) {
        std::fprintf(stderr, "vmeste-region: %s\n", writer.error().message.c_str());
        return 1;
    }
    Collector collect(writer->get(), city);
    try {
        osmium::area::Assembler::config_type config;
        osmium::TagsFilter filter{false};
        filter.add_rule(true, osmium::TagMatcher{"addr:housenumber"});
        osmium::area::MultipolygonManager<osmium::area::Assembler> areas{config, filter};
        osmium::relations::read_relations(osmium::io::File{input}, areas);
        using Index =
            osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
        Index index;
        osmium::handler::NodeLocationsForWays<Index> locations{index};
        locations.ignore_errors();  // an extract cut at its edge lacks some ways' nodes
        osmium::io::Reader reader{input, osmium::osm_entity_bits::object};
        osmium::apply(reader, locations, collect,
                      areas.handler([&collect](osmium::memory::Buffer&& buffer) {
                          osmium::apply(buffer, collect);
                      }));
        reader.close();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "vmeste-region: %s: %s\n", input.c_str(), e.what());
        return 1;
    }
    auto stats = (*writer)->finish();
    writer->reset();
    if (!stats) {
        std::fprintf(stderr, "vmeste-region: %s\n", stats.error().message.c_str());
        return 1;
    }
    char built[32];
    // SOURCE_DATE_EPOCH (reproducible builds): the same extract makes the same pack.
    const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
    const std::time_t now =
        epoch ? static_cast<std::time_t>(std::atoll(epoch)) : std::time(nullptr);
    std::strftime(built, sizeof built, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO metadata(name, value) VALUES (?1, ?2)", -1, &st,
                       nullptr);
    const std::pair<std::string, std::string> meta[] = {
        {"name", name},
        {"description", "Vmeste region pack: " + name + ", " + version},
        {"vmeste_pack", "1"},
        {"vmeste_pack_version", version},
        {"vmeste_built", built},
        {"vmeste_source", fs::path(input).filename().string()},
        {"vmeste_addresses", std::to_string(stats->houses)},
        {"vmeste_streets", std::to_string(stats->streets)},
    };
    // The metadata table's name has no unique index in tilemaker's files: replace by hand.
    exec(db, "DELETE FROM metadata WHERE name IN ('name', 'description') OR name LIKE 'vmeste_%'");
    for (const auto& [k, v] : meta) {
        sqlite3_bind_text(st, 1, k.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, v.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    const bool ok = exec(db, "VACUUM");
    sqlite3_close(db);
    if (!ok) return 1;
    // Into place whole: a reader never sees half a pack.
    const std::string tmp_out = output + ".tmp";
    fs::copy_file(tiles, tmp_out, fs::copy_options::overwrite_existing);
    fs::rename(tmp_out, output);
    const std::string hash = sha256_file(output);
    {
        std::ofstream sum(output + ".sha256");
        sum << hash << "  " << fs::path(output).filename().string() << "\n";
    }
    const auto t_end = std::chrono::steady_clock::now();
    auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    std::printf(
        "%s: %s %s, %ld addresses, %ld streets (%ld street ways), %.1f MiB, tiles %.1f s, "
        "addresses %.1f s\nsha256 %s\n",
        output.c_str(), name.c_str(), version.c_str(), stats->houses, stats->streets,
        collect.streets(), static_cast<double>(fs::file_size(output)) / 1048576.0,
        secs(t0, t_tiles), secs(t_tiles, t_end), hash.c_str());
    return 0;
}

int info(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "vmeste-region: %s: %s\n", path.c_str(), sqlite3_errmsg(db));
        sqlite3_close(db);
        return 1;
    }
    sqlite3_stmt* st = nullptr;
    int rc = 1;
    if (sqlite3_prepare_v2(db, "SELECT name, value FROM metadata WHERE name <> 'json' ORDER BY 1",
                           -1, &st, nullptr) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW)
            std::printf("%s: %s\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
        rc = 0;
    } else {
        std::fprintf(stderr, "vmeste-region: %s is not MBTiles: %s\n", path.c_str(),
                     sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (rc == 0) std::printf("sha256: %s\n", sha256_file(path).c_str());
    return rc;
}

// The map of a pack as the kiosk draws it, centred on a point: for a technician checking a
// pack before it goes to the terminals, and for docs/map.md.
int preview(const std::vector<std::string>& a) {
    if (a.size() != 5 && a.size() != 7 && a.size() != 8) return usage();
    const double lat = std::atof(a[1].c_str()), lon = std::atof(a[2].c_str());
    const int zoom = std::atoi(a[3].c_str());
    const int w = a.size() >= 7 ? std::atoi(a[5].c_str()) : 768;
    const int h = a.size() >= 7 ? std::atoi(a[6].c_str()) : 768;
    const double scale = a.size() == 8 ? std::atof(a[7].c_str()) : 1.0;
    if (w < 16 || h < 16 || w > 8192 || h > 8192 || scale < 0.5 || scale > 4) return usage();
    auto file = vmeste::core::MbTiles::open(a[0]);
    if (!file) {
        std::fprintf(stderr, "vmeste-region: %s\n", file.error().message.c_str());
        return 1;
    }
    std::mutex mu;
    std::condition_variable cv;
    long woken = 0;
    vmeste::core::TileCache cache(std::move(file).value(), [&] {
        std::lock_guard lock(mu);
        ++woken;
        cv.notify_all();
    });
    const int side = static_cast<int>(std::lround(256 * scale));
    cache.set_tile_pixels(side);
    const double cx = vmeste::core::lon_to_world_x(lon, zoom) * scale,
                 cy = vmeste::core::lat_to_world_y(lat, zoom) * scale;
    const double left = cx - w / 2.0, top = cy - h / 2.0;
    std::vector<unsigned char> out(static_cast<size_t>(w) * h * 3, 0xCC);
    for (int ty = static_cast<int>(std::floor(top / side));
         ty <= static_cast<int>(std::floor((top + h) / side)); ++ty)
        for (int tx = static_cast<int>(std::floor(left / side));
             tx <= static_cast<int>(std::floor((left + w) / side)); ++tx) {
            vmeste::core::TileCache::Tile t;
            std::unique_lock lock(mu);
            while (!(t = cache.get(zoom, tx, ty)) && !cache.missing(zoom, tx, ty)) {
                const long seen = woken;
                cv.wait(lock, [&] { return woken != seen; });
            }
            if (!t) continue;
            for (int y = 0; y < t->height; ++y)
                for (int x = 0; x < t->width; ++x) {
                    const long ox = std::lround(tx * side - left) + x,
                               oy = std::lround(ty * side - top) + y;
                    if (ox < 0 || oy < 0 || ox >= w || oy >= h) continue;
                    std::memcpy(&out[(static_cast<size_t>(oy) * w + ox) * 3], t->at(x, y), 3);
                }
        }
    if (!stbi_write_png(a[4].c_str(), w, h, 3, out.data(), w * 3)) {
        std::fprintf(stderr, "vmeste-region: cannot write %s\n", a[4].c_str());
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0) return 1;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage();
    const std::string cmd = args[0];
    args.erase(args.begin());
    if (cmd == "build") return build(args, argv[0]);
    if (cmd == "info" && args.size() == 1) return info(args[0]);
    if (cmd == "preview") return preview(args);
    return usage();
}
