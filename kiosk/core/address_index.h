// The region's addresses, in the region pack (docs/map.md): every OSM address (a building or an
// address point: addr:street or addr:place, addr:housenumber, addr:city) and every named street,
// for the place step's search-as-you-type and for the address under a pin.
//
// Tables, beside the pack's MBTiles ones:
//   addr_street(id, name, city, kind, lat, lon)   a street (or a village's place, kind "place")
//   addr_street_fts                               FTS5 over the folded street and city words
//   addr_house(id, street_id, number, folded, lat, lon)  indexed on (street_id, folded)
//   addr_house_rtree, addr_segment_rtree          R*Trees: houses, and streets' line segments
//
// A query is folded the way the index was (fold_address()): case, ё/е, the street types («ул.»,
// «улица», «пр-т», «проспект»…) and «д.»/«дом» are not told apart, a house number («5», «12к1»,
// «д. 7а») is matched against the houses of the streets found. Streets come nearest to the
// kiosk first.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kiosk/base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vmeste::core {

// A query or a name folded: its words (lower case, ё → е, street types and «дом» left out) and
// the house number if one was written (folded: «12 корп. 1» → «12к1»).
struct FoldedAddress {
    std::vector<std::string> words;
    std::string house;
};
FoldedAddress fold_address(std::string_view text);
// A house number as the index keeps it (lower case, no spaces, «корпус» → «к», «строение» → «с»).
std::string fold_house_number(std::string_view number);

struct AddressHit {
    std::string street;  // as OSM names it: «улица Ленина», or a place: «деревня Ивановка»
    std::string house;  // empty: the street itself
    std::string city;
    double lat = 0, lon = 0;
    // «улица Ленина, 5» (the city left out: the screens add it where it differs from the МФЦ's).
    std::string label() const;
    bool operator==(const AddressHit&) const = default;
};

struct NearestAddress {
    AddressHit hit;
    double distance_m = 0;
    // The pin is by this house (or on this street); otherwise only near it («рядом с»).
    bool at = false;
};

class AddressIndex {
  public:
    // Opens the pack read-only; a pack without the address tables is kNotFound (a map made
    // elsewhere), a damaged one kCorrupt.
    static Result<std::unique_ptr<AddressIndex>> open(const std::string& path);
    ~AddressIndex();
    AddressIndex(const AddressIndex&) = delete;
    AddressIndex& operator=(const AddressIndex&) = delete;

    // Up to `limit` suggestions for what was typed so far: nothing under two letters. Streets
    // nearer (origin_lat, origin_lon) first; with a house number, the houses of those streets.
    // When every word together finds nothing, the text without its last words (up to three).
    std::vector<AddressHit> suggest(std::string_view typed, size_t limit, double origin_lat,
                                    double origin_lon);
    // The address at or near a point: a house within 40 m, a street within 30 m, else the
    // nearest house within 300 m (at = false); nullopt when nothing is that near.
    std::optional<NearestAddress> nearest(double lat, double lon);
    long houses() const { return houses_; }
    long streets() const { return streets_; }

  private:
    explicit AddressIndex(sqlite3* db) : db_(db) {}
    // Suggestions that match every word typed.
    std::vector<AddressHit> suggest_all_words(std::string_view typed, size_t limit,
                                              double origin_lat, double origin_lon);
    sqlite3* db_;
    sqlite3_stmt* fts_ = nullptr;
    sqlite3_stmt* street_ = nullptr;
    sqlite3_stmt* house_ = nullptr;
    sqlite3_stmt* near_house_ = nullptr;
    sqlite3_stmt* near_segment_ = nullptr;
    long houses_ = 0, streets_ = 0;
};

// Builds the address tables into an open, writable database (the region tool; the tests and
// the bench with made-up addresses). Everything between create() and finish() is one
// transaction.
class AddressIndexWriter {
  public:
    static Result<std::unique_ptr<AddressIndexWriter>> create(sqlite3* db);
    ~AddressIndexWriter();
    AddressIndexWriter(const AddressIndexWriter&) = delete;
    AddressIndexWriter& operator=(const AddressIndexWriter&) = delete;

    struct Point {
        double lat, lon;
    };
    // A named street's line (an OSM way with highway=* and name=*); a street of several ways
    // is one street.
    void add_street_line(std::string_view name, std::string_view city,
                         const std::vector<Point>& line);
    // An address: `street` is addr:street, or addr:place (is_place) where a village has no
    // street names. The same address again is left out.
    void add_address(std::string_view street, std::string_view city, std::string_view number,
                     Point at, bool is_place = false);
    struct Stats {
        long streets = 0, houses = 0, segments = 0;
    };
    Result<Stats> finish();

  private:
    struct Street {
        long id;
        std::string name, city, kind;
        double sum_lat = 0, sum_lon = 0;
        long points = 0;
        double best_len = -1, line_lat = 0, line_lon = 0;  // the middle of its longest line
    };
    explicit AddressIndexWriter(sqlite3* db) : db_(db) {}
    Street& street(std::string_view name, std::string_view city, std::string_view kind);
    sqlite3* db_;
    sqlite3_stmt* house_ = nullptr;
    sqlite3_stmt* house_rtree_ = nullptr;
    sqlite3_stmt* segment_ = nullptr;
    std::unordered_map<std::string, Street> streets_;
    std::unordered_set<std::string> seen_;  // street id | folded number
    Stats stats_;
    bool failed_ = false;
    std::string error_;
};

}  // namespace vmeste::core
