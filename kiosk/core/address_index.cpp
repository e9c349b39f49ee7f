#include "kiosk/core/address_index.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "kiosk/base/utf8.h"

namespace vmeste::core {

namespace {

// Metres a degree of latitude (a sphere of 6,371 km): distances within a few hundred metres.
constexpr double kMetresPerDegree = 6371000.0 * std::numbers::pi / 180.0;

char32_t lower(char32_t c) {
    if (c >= U'А' && c <= U'Я') return c + 0x20;
    if (c == U'Ё' || c == U'ё') return U'е';
    if (c >= U'A' && c <= U'Z') return c + 0x20;
    return c;
}

bool letter_or_digit(char32_t c) {
    return (c >= U'а' && c <= U'я') || (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9');
}

bool digit(char32_t c) {
    return c >= U'0' && c <= U'9';
}

// Tokens of lower-case text: runs of letters, digits, '-' and '/' (split on anything else).
std::vector<std::u32string> tokens(std::string_view text) {
    std::vector<std::u32string> out;
    std::u32string cur;
    for (char32_t c : utf8::decode(text)) {
        c = lower(c);
        if (letter_or_digit(c) || c == U'-' || c == U'/') {
            cur.push_back(c);
        } else if (!cur.empty()) {
            out.push_back(std::move(cur));
            cur.clear();
        }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
}

// Street and settlement types, «дом» and the like: not told apart in a search (a citizen writes
// «ул. Ленина», OSM «улица Ленина»). Folded already (ё → е).
bool type_word(const std::u32string& t) {
    static const std::array<std::u32string_view, 45> kTypes = {
        U"ул",       U"улица", U"пр-т",       U"пр",         U"просп",   U"проспект", U"пер",
        U"переулок", U"пл",    U"площадь",    U"б-р",        U"бул",     U"бульвар",  U"ш",
        U"шоссе",    U"наб",   U"набережная", U"пр-д",       U"проезд",  U"туп",      U"тупик",
        U"аллея",    U"мкр",   U"мкрн",       U"микрорайон", U"кв-л",    U"квартал",  U"г",
        U"город",    U"д",     U"дом",        U"дер",        U"деревня", U"с",        U"село",
        U"п",        U"пос",   U"поселок",    U"пгт",        U"снт",     U"обл",      U"область",
        U"р-н",      U"район", U"ст"};
    return std::find(kTypes.begin(), kTypes.end(), t) != kTypes.end();
}

// «1-я», «2-й», «3-го»: an ordinal, a word of the name («7-а» is a house).
bool ordinal(const std::u32string& t) {
    const size_t dash = t.find(U'-');
    if (dash == std::u32string::npos || dash == 0) return false;
    for (size_t i = 0; i < dash; ++i)
        if (!digit(t[i])) return false;
    static const std::array<std::u32string_view, 11> kEndings = {
        U"я", U"й", U"е", U"го", U"ая", U"ый", U"ий", U"ой", U"ого", U"его", U"ое"};
    const std::u32string_view ending = std::u32string_view(t).substr(dash + 1);
    return std::find(kEndings.begin(), kEndings.end(), ending) != kEndings.end();
}

bool house_start(const std::u32string& t) {
    return !t.empty() && digit(t[0]) && !ordinal(t);
}

// What may follow a house number within it: a letter («5 а»), «к»/«корп»/«корпус» or
// «с»/«стр»/«строение» and a number, «/3».
bool house_part(const std::u32string& t) {
    static const std::array<std::u32string_view, 8> kParts = {
        U"к", U"корп", U"корпус", U"с", U"стр", U"строение", U"лит", U"литера"};
    if (std::find(kParts.begin(), kParts.end(), t) != kParts.end()) return true;
    if (t.size() == 1 && !digit(t[0])) return true;
    return !t.empty() && (digit(t[0]) || t[0] == U'/');
}

std::u32string fold_house(const std::vector<std::u32string>& parts) {
    std::u32string out;
    for (const std::u32string& p : parts) {
        std::u32string t = p;
        if (t == U"корп" || t == U"корпус") t = U"к";
        if (t == U"стр" || t == U"строение") t = U"с";
        if (t == U"лит" || t == U"литера") t = U"";
        out += t;
    }
    // «12к1», «12/3»: no dashes (a «12-а» is «12а»).
    out.erase(std::remove(out.begin(), out.end(), U'-'), out.end());
    return out;
}

// A name's words, split on dashes except in ordinals and the types' own («пр-т»).
void add_words(const std::u32string& t, std::vector<std::string>* words) {
    if (type_word(t)) return;
    if (ordinal(t)) {
        std::u32string o = t;
        o.erase(std::remove(o.begin(), o.end(), U'-'), o.end());
        words->push_back(utf8::encode(o));
        return;
    }
    size_t i = 0;
    while (i <= t.size()) {
        const size_t j = std::min(t.find_first_of(U"-/", i), t.size());
        if (j > i) {
            const std::u32string w = t.substr(i, j - i);
            if (!type_word(w)) words->push_back(utf8::encode(w));
        }
        i = j + 1;
    }
}

FoldedAddress fold(std::string_view text, bool name_only) {
    const std::vector<std::u32string> ts = tokens(text);
    size_t house_at = ts.size();
    if (!name_only) {
        // The first number of the run of house parts at the end («8 марта 5 к 1»: 5).
        for (size_t i = ts.size(); i-- > 0;) {
            if (house_start(ts[i]))
                house_at = i;
            else if (!house_part(ts[i]))
                break;
        }
    }
    FoldedAddress out;
    for (size_t i = 0; i < house_at; ++i) add_words(ts[i], &out.words);
    // «Набережная улица», «Шоссе»: a type that is the name. Its full words stay then.
    if (out.words.empty())
        for (size_t i = 0; i < house_at; ++i)
            if (type_word(ts[i]) && ts[i].size() >= 4 && ts[i].find(U'-') == std::u32string::npos)
                out.words.push_back(utf8::encode(ts[i]));
    if (house_at < ts.size())
        out.house = utf8::encode(fold_house(
            std::vector<std::u32string>(ts.begin() + static_cast<long>(house_at), ts.end())));
    return out;
}

// The key a street is known by while the index is built: all its words, types too («улица
// Ленина» and «проспект Ленина» are two streets).
std::string street_key(std::string_view name, std::string_view city, std::string_view kind) {
    std::string key(kind);
    for (const std::u32string& t : tokens(name)) key += " " + utf8::encode(t);
    key += " |";
    for (const std::u32string& t : tokens(city)) key += " " + utf8::encode(t);
    return key;
}

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

std::string text(sqlite3_stmt* st, int i) {
    const unsigned char* t = sqlite3_column_text(st, i);
    return t ? reinterpret_cast<const char*>(t) : "";
}

// Metres between two near points (equirectangular).
double metres(double lat1, double lon1, double lat2, double lon2) {
    const double k = std::cos((lat1 + lat2) * 0.5 * std::numbers::pi / 180.0);
    const double dx = (lon2 - lon1) * k * kMetresPerDegree, dy = (lat2 - lat1) * kMetresPerDegree;
    return std::sqrt(dx * dx + dy * dy);
}

// Metres from a point to a segment, on the plane about the point.
double metres_to_segment(double lat, double lon, double lat1, double lon1, double lat2,
                         double lon2) {
    const double k = std::cos(lat * std::numbers::pi / 180.0) * kMetresPerDegree;
    const double ax = (lon1 - lon) * k, ay = (lat1 - lat) * kMetresPerDegree;
    const double bx = (lon2 - lon) * k, by = (lat2 - lat) * kMetresPerDegree;
    const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    const double t = len2 > 0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
    const double px = ax + t * dx, py = ay + t * dy;
    return std::sqrt(px * px + py * py);
}

}  // namespace

FoldedAddress fold_address(std::string_view text) {
    return fold(text, false);
}

std::string fold_house_number(std::string_view number) {
    return utf8::encode(fold_house(tokens(number)));
}

std::string AddressHit::label() const {
    return house.empty() ? street : street + ", " + house;
}

// ---- reading ----

Result<std::unique_ptr<AddressIndex>> AddressIndex::open(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return make_error(ErrorCode::kNotFound, "region pack " + path + ": " + msg);
    }
    std::unique_ptr<AddressIndex> ix(new AddressIndex(db));
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name='addr_street'", -1,
                           &st, nullptr) != SQLITE_OK) {
        std::string msg = sqlite3_errmsg(db);
        return make_error(ErrorCode::kCorrupt, "region pack " + path + ": " + msg);
    }
    const bool has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    if (!has) return make_error(ErrorCode::kNotFound, "region pack " + path + " has no addresses");
    const struct {
        sqlite3_stmt** st;
        const char* sql;
    } statements[] = {
        {&ix->fts_,
         "SELECT s.id, s.name, s.city, s.lat, s.lon, s.folded FROM addr_street_fts f "
         "JOIN addr_street s ON s.id = f.rowid WHERE addr_street_fts MATCH ?1 LIMIT 3000"},
        {&ix->street_, "SELECT name, city FROM addr_street WHERE id = ?1"},
        {&ix->house_,
         "SELECT number, lat, lon FROM addr_house WHERE street_id = ?1 AND folded >= ?2 AND "
         "folded < ?3 ORDER BY folded = ?2 DESC, length(folded), folded LIMIT ?4"},
        {&ix->near_house_,
         "SELECT h.street_id, h.number, h.lat, h.lon FROM addr_house_rtree r JOIN addr_house h "
         "ON h.id = r.id WHERE r.min_lat <= ?2 AND r.max_lat >= ?1 AND r.min_lon <= ?4 AND "
         "r.max_lon >= ?3"},
        {&ix->near_segment_,
         "SELECT g.street_id, g.lat1, g.lon1, g.lat2, g.lon2 FROM addr_segment_rtree r JOIN "
         "addr_segment g ON g.id = r.id WHERE r.min_lat <= ?2 AND r.max_lat >= ?1 AND "
         "r.min_lon <= ?4 AND r.max_lon >= ?3"},
    };
    for (const auto& s : statements)
        if (sqlite3_prepare_v3(db, s.sql, -1, SQLITE_PREPARE_PERSISTENT, s.st, nullptr) !=
            SQLITE_OK) {
            std::string msg = sqlite3_errmsg(db);
            return make_error(ErrorCode::kCorrupt, "region pack " + path + ": " + msg);
        }
    if (sqlite3_prepare_v2(db,
                           // Ids are 1… with none deleted (the builder writes them once): max(id)
                           // is a look-up where count(*) reads a million rows at start-up.
                           "SELECT (SELECT coalesce(max(id), 0) FROM addr_house), "
                           "(SELECT coalesce(max(id), 0) FROM addr_street)",
                           -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        ix->houses_ = sqlite3_column_int64(st, 0);
        ix->streets_ = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return ix;
}

AddressIndex::~AddressIndex() {
    for (sqlite3_stmt* st : {fts_, street_, house_, near_house_, near_segment_})
        sqlite3_finalize(st);
    sqlite3_close(db_);
}

std::vector<AddressHit> AddressIndex::suggest(std::string_view typed, size_t limit,
                                              double origin_lat, double origin_lon) {
    auto out = suggest_all_words(typed, limit, origin_lat, origin_lon);
    // Nothing for every word: a landmark after the address («ул. Мира, 12, у остановки») — the
    // address without its last words, up to three of them.
    for (int cut = 0; out.empty() && cut < 3; ++cut) {
        while (!typed.empty() && (typed.back() == ' ' || typed.back() == ','))
            typed.remove_suffix(1);
        const size_t sep = typed.find_last_of(" ,");
        if (sep == std::string_view::npos) break;
        typed = typed.substr(0, sep);
        out = suggest_all_words(typed, limit, origin_lat, origin_lon);
    }
    return out;
}

std::vector<AddressHit> AddressIndex::suggest_all_words(std::string_view typed, size_t limit,
                                                        double origin_lat, double origin_lon) {
    std::vector<AddressHit> out;
    const FoldedAddress q = fold_address(typed);
    size_t letters = 0;
    for (const std::string& w : q.words) letters += utf8::length(w);
    if (letters < 2 || limit == 0) return out;
    std::string match;
    for (const std::string& w : q.words) match += (match.empty() ? "\"" : " \"") + w + "\"*";
    struct Candidate {
        long id;
        AddressHit street;
        int exact;  // the query's words that are whole words of the name
        double distance;
    };
    std::vector<Candidate> found;
    sqlite3_bind_text(fts_, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(fts_) == SQLITE_ROW) {
        Candidate c{sqlite3_column_int64(fts_, 0), {}, 0, 0};
        c.street.street = text(fts_, 1);
        c.street.city = text(fts_, 2);
        c.street.lat = sqlite3_column_double(fts_, 3);
        c.street.lon = sqlite3_column_double(fts_, 4);
        const std::string folded = " " + text(fts_, 5) + " ";
        for (const std::string& w : q.words)
            if (folded.find(" " + w + " ") != std::string::npos) ++c.exact;
        c.distance = metres(origin_lat, origin_lon, c.street.lat, c.street.lon);
        found.push_back(std::move(c));
    }
    sqlite3_reset(fts_);
    std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
        if (a.exact != b.exact) return a.exact > b.exact;
        if (a.distance != b.distance) return a.distance < b.distance;
        return a.id < b.id;
    });
    for (const Candidate& c : found) {
        if (out.size() >= limit) break;
        if (q.house.empty()) {
            out.push_back(c.street);
            continue;
        }
        const std::string upper = q.house + "\xff";
        sqlite3_bind_int64(house_, 1, c.id);
        sqlite3_bind_text(house_, 2, q.house.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(house_, 3, upper.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(house_, 4, static_cast<sqlite3_int64>(limit - out.size()));
        while (sqlite3_step(house_) == SQLITE_ROW) {
            AddressHit h = c.street;
            h.house = text(house_, 0);
            h.lat = sqlite3_column_double(house_, 1);
            h.lon = sqlite3_column_double(house_, 2);
            out.push_back(std::move(h));
        }
        sqlite3_reset(house_);
    }
    return out;
}

std::optional<NearestAddress> AddressIndex::nearest(double lat, double lon) {
    auto box = [&](sqlite3_stmt* st, double m) {
        const double dlat = m / kMetresPerDegree;
        const double dlon =
            m / (kMetresPerDegree * std::max(0.01, std::cos(lat * std::numbers::pi / 180.0)));
        sqlite3_bind_double(st, 1, lat - dlat);
        sqlite3_bind_double(st, 2, lat + dlat);
        sqlite3_bind_double(st, 3, lon - dlon);
        sqlite3_bind_double(st, 4, lon + dlon);
    };
    auto street_of = [&](long id, AddressHit* h) {
        sqlite3_bind_int64(street_, 1, id);
        if (sqlite3_step(street_) == SQLITE_ROW) {
            h->street = text(street_, 0);
            h->city = text(street_, 1);
        }
        sqlite3_reset(street_);
    };
    auto nearest_house = [&](double within) -> std::optional<NearestAddress> {
        std::optional<NearestAddress> best;
        long street = 0;
        box(near_house_, within);
        while (sqlite3_step(near_house_) == SQLITE_ROW) {
            const double hl = sqlite3_column_double(near_house_, 2),
                         hn = sqlite3_column_double(near_house_, 3);
            const double d = metres(lat, lon, hl, hn);
            if (d > within || (best && d >= best->distance_m)) continue;
            best = NearestAddress{{}, d, false};
            best->hit.house = text(near_house_, 1);
            best->hit.lat = hl;
            best->hit.lon = hn;
            street = sqlite3_column_int64(near_house_, 0);
        }
        sqlite3_reset(near_house_);
        if (best) street_of(street, &best->hit);
        return best;
    };
    constexpr double kAtHouse = 40, kOnStreet = 30, kNear = 300;
    if (auto h = nearest_house(kAtHouse)) {
        h->at = true;
        return h;
    }
    {
        std::optional<NearestAddress> best;
        long street = 0;
        box(near_segment_, kOnStreet);
        while (sqlite3_step(near_segment_) == SQLITE_ROW) {
            const double d = metres_to_segment(lat, lon, sqlite3_column_double(near_segment_, 1),
                                               sqlite3_column_double(near_segment_, 2),
                                               sqlite3_column_double(near_segment_, 3),
                                               sqlite3_column_double(near_segment_, 4));
            if (d > kOnStreet || (best && d >= best->distance_m)) continue;
            best = NearestAddress{{}, d, true};
            best->hit.lat = lat;
            best->hit.lon = lon;
            street = sqlite3_column_int64(near_segment_, 0);
        }
        sqlite3_reset(near_segment_);
        if (best) {
            street_of(street, &best->hit);
            return best;
        }
    }
    return nearest_house(kNear);
}

// ---- writing ----

Result<std::unique_ptr<AddressIndexWriter>> AddressIndexWriter::create(sqlite3* db) {
    std::unique_ptr<AddressIndexWriter> w(new AddressIndexWriter(db));
    const char* schema =
        "BEGIN;"
        "DROP TABLE IF EXISTS addr_street; DROP TABLE IF EXISTS addr_street_fts;"
        "DROP TABLE IF EXISTS addr_house; DROP TABLE IF EXISTS addr_house_rtree;"
        "DROP TABLE IF EXISTS addr_segment; DROP TABLE IF EXISTS addr_segment_rtree;"
        "CREATE TABLE addr_street(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT "
        "NULL, kind TEXT NOT NULL, folded TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL);"
        "CREATE VIRTUAL TABLE addr_street_fts USING fts5(folded, content='', "
        "tokenize='unicode61 remove_diacritics 0', prefix='2 3');"
        "CREATE TABLE addr_house(id INTEGER PRIMARY KEY, street_id INTEGER NOT NULL, number "
        "TEXT NOT NULL, folded TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL);"
        "CREATE VIRTUAL TABLE addr_house_rtree USING rtree(id, min_lat, max_lat, min_lon, "
        "max_lon);"
        "CREATE TABLE addr_segment(id INTEGER PRIMARY KEY, street_id INTEGER NOT NULL, lat1 REAL, "
        "lon1 REAL, lat2 REAL, lon2 REAL);"
        "CREATE VIRTUAL TABLE addr_segment_rtree USING rtree(id, min_lat, max_lat, min_lon, "
        "max_lon);";
    char* err = nullptr;
    if (sqlite3_exec(db, schema, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "?";
        sqlite3_free(err);
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        return make_error(ErrorCode::kIo, "address index: " + msg);
    }
    const struct {
        sqlite3_stmt** st;
        const char* sql;
    } statements[] = {
        {&w->house_,
         "INSERT INTO addr_house(street_id, number, folded, lat, lon) VALUES (?1, ?2, ?3, ?4, "
         "?5)"},
        {&w->house_rtree_,
         "INSERT INTO addr_house_rtree VALUES (last_insert_rowid(), ?1, ?1, ?2, ?2)"},
        {&w->segment_,
         "INSERT INTO addr_segment(street_id, lat1, lon1, lat2, lon2) VALUES (?1, ?2, ?3, ?4, "
         "?5)"},
    };
    for (const auto& s : statements)
        if (sqlite3_prepare_v2(db, s.sql, -1, s.st, nullptr) != SQLITE_OK)
            return make_error(ErrorCode::kIo, std::string("address index: ") + sqlite3_errmsg(db));
    return w;
}

AddressIndexWriter::~AddressIndexWriter() {
    for (sqlite3_stmt* st : {house_, house_rtree_, segment_}) sqlite3_finalize(st);
}

AddressIndexWriter::Street& AddressIndexWriter::street(std::string_view name, std::string_view city,
                                                       std::string_view kind) {
    const std::string key = street_key(name, city, kind);
    auto it = streets_.find(key);
    if (it == streets_.end()) {
        Street s{static_cast<long>(streets_.size()) + 1, std::string(name), std::string(city),
                 std::string(kind)};
        it = streets_.emplace(key, std::move(s)).first;
    }
    return it->second;
}

void AddressIndexWriter::add_street_line(std::string_view name, std::string_view city,
                                         const std::vector<Point>& line) {
    if (line.size() < 2 || name.empty()) return;
    Street& s = street(name, city, "street");
    double len = 0;
    for (size_t i = 1; i < line.size(); ++i) {
        const Point& a = line[i - 1];
        const Point& b = line[i];
        len += metres(a.lat, a.lon, b.lat, b.lon);
        sqlite3_bind_int64(segment_, 1, s.id);
        sqlite3_bind_double(segment_, 2, a.lat);
        sqlite3_bind_double(segment_, 3, a.lon);
        sqlite3_bind_double(segment_, 4, b.lat);
        sqlite3_bind_double(segment_, 5, b.lon);
        if (sqlite3_step(segment_) != SQLITE_DONE && !failed_) {
            failed_ = true;
            error_ = sqlite3_errmsg(db_);
        }
        sqlite3_reset(segment_);
        ++stats_.segments;
    }
    if (len > s.best_len) {
        s.best_len = len;
        const Point& mid = line[line.size() / 2];
        s.line_lat = mid.lat;
        s.line_lon = mid.lon;
    }
}

void AddressIndexWriter::add_address(std::string_view street_name, std::string_view city,
                                     std::string_view number, Point at, bool is_place) {
    if (street_name.empty() || number.empty()) return;
    Street& s = street(street_name, city, is_place ? "place" : "street");
    const std::string folded = fold_house_number(number);
    // One address once (a building and its entrance node often both carry it).
    if (!seen_.insert(std::to_string(s.id) + "|" + folded).second) return;
    s.sum_lat += at.lat;
    s.sum_lon += at.lon;
    ++s.points;
    sqlite3_bind_int64(house_, 1, s.id);
    sqlite3_bind_text(house_, 2, number.data(), static_cast<int>(number.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(house_, 3, folded.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(house_, 4, at.lat);
    sqlite3_bind_double(house_, 5, at.lon);
    const bool ok = sqlite3_step(house_) == SQLITE_DONE;
    sqlite3_reset(house_);
    sqlite3_bind_double(house_rtree_, 1, at.lat);
    sqlite3_bind_double(house_rtree_, 2, at.lon);
    if ((!ok || sqlite3_step(house_rtree_) != SQLITE_DONE) && !failed_) {
        failed_ = true;
        error_ = sqlite3_errmsg(db_);
    }
    sqlite3_reset(house_rtree_);
    ++stats_.houses;
}

Result<AddressIndexWriter::Stats> AddressIndexWriter::finish() {
    auto fail = [&](const std::string& msg) -> Result<Stats> {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return make_error(ErrorCode::kIo, "address index: " + msg);
    };
    if (failed_) return fail(error_);
    // A street's line drawn without a city (OSM ways seldom say) is the street of that name
    // whose houses have one, when they are near (3 km): one street, not two.
    std::unordered_map<std::string, std::vector<Street*>> by_name;
    for (auto& [key, s] : streets_) by_name[street_key(s.name, "", s.kind)].push_back(&s);
    sqlite3_stmt* move = nullptr;
    sqlite3_prepare_v2(db_, "UPDATE addr_segment SET street_id = ?1 WHERE street_id = ?2", -1,
                       &move, nullptr);
    for (auto& [name, group] : by_name) {
        for (Street* lone : group) {
            if (!lone->city.empty() || lone->points > 0 || lone->best_len < 0) continue;
            Street* into = nullptr;
            for (Street* s : group)
                if (s != lone && s->points > 0 &&
                    metres(lone->line_lat, lone->line_lon, s->sum_lat / s->points,
                           s->sum_lon / s->points) < 3000)
                    into = s;
            if (!into) continue;
            sqlite3_bind_int64(move, 1, into->id);
            sqlite3_bind_int64(move, 2, lone->id);
            sqlite3_step(move);
            sqlite3_reset(move);
            if (lone->best_len > into->best_len) {
                into->best_len = lone->best_len;
                into->line_lat = lone->line_lat;
                into->line_lon = lone->line_lon;
            }
            lone->kind.clear();  // merged: not written
        }
    }
    sqlite3_finalize(move);
    sqlite3_stmt* st = nullptr;
    sqlite3_stmt* fts = nullptr;
    if (sqlite3_prepare_v2(db_,
                           "INSERT INTO addr_street(id, name, city, kind, folded, lat, lon) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &st, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, "INSERT INTO addr_street_fts(rowid, folded) VALUES (?1, ?2)", -1,
                           &fts, nullptr) != SQLITE_OK) {
        sqlite3_finalize(st);
        return fail(sqlite3_errmsg(db_));
    }
    bool ok = true;
    for (auto& [key, s] : streets_) {
        if (s.kind.empty()) continue;
        // Where the street is shown: the middle of its longest line, else among its houses.
        const double lat = s.best_len >= 0 ? s.line_lat : s.sum_lat / std::max(1L, s.points);
        const double lon = s.best_len >= 0 ? s.line_lon : s.sum_lon / std::max(1L, s.points);
        std::string all_words = joined(fold(s.name, true).words);
        if (const std::string city = joined(fold(s.city, true).words); !city.empty())
            all_words += (all_words.empty() ? "" : " ") + city;
        sqlite3_bind_int64(st, 1, s.id);
        sqlite3_bind_text(st, 2, s.name.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, s.city.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, s.kind.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, all_words.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 6, lat);
        sqlite3_bind_double(st, 7, lon);
        ok = ok && sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
        sqlite3_bind_int64(fts, 1, s.id);
        sqlite3_bind_text(fts, 2, all_words.c_str(), -1, SQLITE_TRANSIENT);
        ok = ok && sqlite3_step(fts) == SQLITE_DONE;
        sqlite3_reset(fts);
        ++stats_.streets;
    }
    sqlite3_finalize(st);
    sqlite3_finalize(fts);
    if (!ok) return fail(sqlite3_errmsg(db_));
    const char* rest =
        "INSERT INTO addr_segment_rtree SELECT id, min(lat1, lat2), max(lat1, lat2), "
        "min(lon1, lon2), max(lon1, lon2) FROM addr_segment;"
        "CREATE INDEX addr_house_street ON addr_house(street_id, folded);"
        "INSERT INTO addr_street_fts(addr_street_fts) VALUES ('optimize');"
        "COMMIT;";
    char* err = nullptr;
    if (sqlite3_exec(db_, rest, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "?";
        sqlite3_free(err);
        return fail(msg);
    }
    return stats_;
}

}  // namespace vmeste::core
