#include "kiosk/core/region_pack.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "kiosk/core/file_ops.h"
#include "kiosk/core/map_tiles.h"

namespace fs = std::filesystem;

namespace vmeste::core {

namespace {

std::string region_dir(const std::string& data_dir) {
    return region_pack_dir(data_dir);
}

std::string hex(const unsigned char* h, size_t n) {
    std::string out(2 * n + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), h, n);
    out.pop_back();
    return out;
}

Result<void> fsync_path(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return make_error(ErrorCode::kIo, path + ": " + std::strerror(errno));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return make_error(ErrorCode::kIo, path + ": fsync: " + std::strerror(err));
    return {};
}

// Copies `from` to `to` (created), hashing what was written; fsynced.
Result<std::string> copy_hashed(const std::string& from, const std::string& to) {
    std::ifstream in(from, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, from + ": cannot read");
    const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return make_error(errno == ENOSPC ? ErrorCode::kNoSpace : ErrorCode::kIo,
                          to + ": " + std::strerror(errno));
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const size_t n = static_cast<size_t>(in.gcount());
        crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()), n);
        for (size_t done = 0; done < n;) {
            const ssize_t w = ::write(fd, buf.data() + done, n - done);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                const int err = errno;
                ::close(fd);
                return make_error(err == ENOSPC ? ErrorCode::kNoSpace : ErrorCode::kIo,
                                  to + ": " + std::strerror(err));
            }
            done += static_cast<size_t>(w);
        }
    }
    if (in.bad()) {
        ::close(fd);
        return make_error(ErrorCode::kIo, from + ": read error");
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) return make_error(ErrorCode::kIo, to + ": fsync failed");
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    return hex(h, sizeof h);
}

// Numbers of a version: "2026.12-1" → 2026, 12, 1.
std::vector<long> version_parts(const std::string& v) {
    std::vector<long> out;
    long cur = -1;
    for (char c : v) {
        if (c >= '0' && c <= '9') {
            cur = (cur < 0 ? 0 : cur) * 10 + (c - '0');
        } else if (cur >= 0) {
            out.push_back(cur);
            cur = -1;
        }
    }
    if (cur >= 0) out.push_back(cur);
    return out;
}

}  // namespace

std::string region_pack_dir(const std::string& data_dir) {
    return data_dir + "/region";
}

std::string RegionPackInfo::summary() const {
    std::string s = name + " " + version;
    if (addresses > 0) s += ", " + std::to_string(addresses) + " addresses";
    return s;
}

int compare_pack_versions(const std::string& a, const std::string& b) {
    const auto pa = version_parts(a), pb = version_parts(b);
    for (size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
        const long x = i < pa.size() ? pa[i] : 0, y = i < pb.size() ? pb[i] : 0;
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

Result<std::string> file_sha256(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, path + ": cannot read");
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()),
                                  static_cast<unsigned long long>(in.gcount()));
    }
    if (in.bad()) return make_error(ErrorCode::kIo, path + ": read error");
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    return hex(h, sizeof h);
}

Result<RegionPackInfo> read_region_pack(const std::string& path) {
    auto tiles = MbTiles::open(path);
    if (!tiles) return tiles.error();
    RegionPackInfo info;
    info.file = path;
    info.name = (*tiles)->metadata().name;
    info.vector = (*tiles)->metadata().vector;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT name, value FROM metadata WHERE name LIKE 'vmeste_%'",
                               -1, &st, nullptr) == SQLITE_OK) {
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char* k = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
                const char* v = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
                if (!k || !v) continue;
                const std::string key = k;
                if (key == "vmeste_pack_version") info.version = v;
                if (key == "vmeste_built") info.built = v;
                if (key == "vmeste_addresses") info.addresses = std::atol(v);
                if (key == "vmeste_streets") info.streets = std::atol(v);
            }
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    if (info.version.empty()) info.version = "0";  // a map made elsewhere: no version of ours
    return info;
}

Result<RegionPackInfo> install_region_pack(const std::string& data_dir, const std::string& path,
                                           const std::string& expected_sha256, bool allow_older,
                                           bool take_file) {
    std::string expected = expected_sha256;
    if (expected.empty()) {
        std::ifstream sum(path + ".sha256");
        if (!(sum >> expected))
            return make_error(ErrorCode::kInvalidInput, path + ": no " +
                                                            fs::path(path).filename().string() +
                                                            ".sha256 beside it to check it by");
    }
    for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (expected.size() != 64 ||
        expected.find_first_not_of("0123456789abcdef") != std::string::npos)
        return make_error(ErrorCode::kInvalidInput, path + ": the SHA-256 given is not one");
    // The terminal's own download is checked before it is opened (a damaged file is no
    // SQLite database to read); a copy is checked as it is made.
    if (take_file) {
        auto sum = file_sha256(path);
        if (!sum) return sum.error();
        if (*sum != expected) {
            std::error_code ec;
            fs::remove(path, ec);
            return make_error(ErrorCode::kCorrupt,
                              path + ": SHA-256 " + *sum + " is not the expected " + expected);
        }
    }
    auto pack = read_region_pack(path);
    if (!pack) return pack.error();
    if (auto active = active_region_pack(data_dir);
        active && !allow_older && compare_pack_versions(pack->version, active->version) < 0)
        return make_error(ErrorCode::kConflict, "the pack is version " + pack->version +
                                                    ", older than the terminal's " +
                                                    active->version);
    const std::string dir = region_dir(data_dir);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::kIo, dir + ": " + ec.message());
    // Its own name (the version and the start of its hash): the active pack is never written.
    std::string safe;
    for (char c : pack->version)
        safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
    const std::string name = "pack-" + safe + "-" + expected.substr(0, 12) + ".mbtiles";
    const std::string tmp = take_file ? path : dir + "/." + name + ".tmp";
    auto copied = take_file ? Result<std::string>(expected) : copy_hashed(path, tmp);
    if (!copied) {
        if (!take_file) fs::remove(tmp, ec);
        return copied.error();
    }
    if (*copied != expected) {
        fs::remove(tmp, ec);
        return make_error(ErrorCode::kCorrupt,
                          path + ": SHA-256 " + *copied + " is not the expected " + expected);
    }
    if (take_file)
        if (auto r = fsync_path(path, O_RDONLY); !r) return r.error();
    if (auto r = posix_file_ops().rename(tmp, dir + "/" + name); !r) return r.error();
    if (auto r = fsync_path(dir, O_RDONLY | O_DIRECTORY); !r) return r.error();
    const auto old = active_region_pack(data_dir);
    nlohmann::json j = {{"file", name},
                        {"name", pack->name},
                        {"version", pack->version},
                        {"built", pack->built},
                        {"sha256", expected},
                        {"addresses", pack->addresses},
                        {"streets", pack->streets}};
    if (auto r = write_durably(posix_file_ops(), dir, "active.json", j.dump(2) + "\n", 0644); !r)
        return r.error();
    // The pack it replaces goes once the new one is active (a kiosk that has it open keeps
    // reading it until it lets go).
    if (old && fs::path(old->file).filename() != name) fs::remove(old->file, ec);
    RegionPackInfo out = *pack;
    out.file = dir + "/" + name;
    out.sha256 = expected;
    return out;
}

Result<RegionPackInfo> newest_region_pack(const std::string& dir) {
    std::optional<RegionPackInfo> best;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(
             dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it.depth() > 1) {
            it.disable_recursion_pending();
            continue;
        }
        std::error_code file_ec;  // one unreadable entry does not end the search
        if (it->path().extension() != ".mbtiles" || !it->is_regular_file(file_ec)) continue;
        auto pack = read_region_pack(it->path().string());
        if (pack && (!best || compare_pack_versions(pack->version, best->version) > 0))
            best = std::move(pack).value();
    }
    if (!best) return make_error(ErrorCode::kNotFound, dir + ": no region pack (.mbtiles)");
    return *best;
}

std::optional<RegionPackInfo> active_region_pack(const std::string& data_dir) {
    std::ifstream in(region_dir(data_dir) + "/active.json");
    if (!in) return std::nullopt;
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object() || !j.contains("file") || !j["file"].is_string()) return std::nullopt;
    const std::string file = j["file"].get<std::string>();
    if (file.empty() || file.find('/') != std::string::npos) return std::nullopt;
    RegionPackInfo info;
    info.file = region_dir(data_dir) + "/" + file;
    if (!fs::exists(info.file)) return std::nullopt;
    info.name = j.value("name", "");
    info.version = j.value("version", "");
    info.built = j.value("built", "");
    info.sha256 = j.value("sha256", "");
    info.addresses = j.value("addresses", 0L);
    info.streets = j.value("streets", 0L);
    return info;
}

}  // namespace vmeste::core
