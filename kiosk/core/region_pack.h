// The terminal's region pack (docs/map.md) as the technician provisions it: a pack from a USB
// stick (or a download) is checked against its SHA-256, opened as MBTiles, copied into
// DATA_DIR/region/ and made the active one in DATA_DIR/region/active.json — whole or not at all,
// through a power cut. The kiosk opens the active pack when its config names no map_file.
#pragma once

#include <optional>
#include <string>

#include "kiosk/base/result.h"

namespace vmeste::core {

struct RegionPackInfo {
    std::string name, version, built, sha256;
    std::string file;  // where it is (the active one: under DATA_DIR/region/)
    long addresses = 0, streets = 0;
    bool vector = false;
    // «Заречный (демо) 2026.12-1, 190 адресов» — for receipts and the command line.
    std::string summary() const;
};

// A pack's name, version and counts from its metadata (the SHA-256 is not computed here).
Result<RegionPackInfo> read_region_pack(const std::string& path);

// The SHA-256 of a file, hex; streamed (packs are hundreds of megabytes).
Result<std::string> file_sha256(const std::string& path);

// Checks `path` (its SHA-256 against `expected`, or the first word of PATH.sha256 when
// `expected` is empty — a pack without either is refused), opens it as MBTiles, refuses a
// version older than the active one unless `allow_older`, copies it into DATA_DIR/region/
// (checking the copy's SHA-256 again), makes it active, and removes the pack it replaces.
// `take_file`: `path` is the terminal's own download in DATA_DIR/region/ — hashed and renamed
// into place instead of copied (a pack of gigabytes needs no room for two).
Result<RegionPackInfo> install_region_pack(const std::string& data_dir, const std::string& path,
                                           const std::string& expected_sha256 = "",
                                           bool allow_older = false, bool take_file = false);

// DATA_DIR/region: where packs, active.json and downloads live.
std::string region_pack_dir(const std::string& data_dir);

// The newest region pack (by version) in `dir` or a folder right under it — a technician's USB
// stick; kNotFound when there is none.
Result<RegionPackInfo> newest_region_pack(const std::string& dir);

// The active pack, if the terminal has one (its file there).
std::optional<RegionPackInfo> active_region_pack(const std::string& data_dir);

// Compares versions as dotted and dashed numbers ("2026.12-1" < "2026.12-10"): <0, 0, >0.
int compare_pack_versions(const std::string& a, const std::string& b);

}  // namespace vmeste::core
