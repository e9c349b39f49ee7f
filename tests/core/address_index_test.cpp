// The region pack's address index: a citizen's way of writing an address finds OSM's, a house
// number picks the house, streets near the МФЦ come first, and a point finds the address at it.
#include "kiosk/core/address_index.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/support/temp_dir.h"

using namespace vmeste::core;
using vmeste::test::TempDir;

TEST(FoldAddress, TypesCaseAndYoAreNotToldApart) {
    const FoldedAddress a = fold_address("ул. Зелёная, д. 5");
    EXPECT_EQ(a.words, std::vector<std::string>{"зеленая"});
    EXPECT_EQ(a.house, "5");
    EXPECT_EQ(fold_address("улица ЗЕЛЕНАЯ дом 5").words, a.words);
    EXPECT_EQ(fold_address("улица ЗЕЛЕНАЯ дом 5").house, "5");
    EXPECT_EQ(fold_address("пр-т Мира").words, fold_address("проспект мира").words);
    EXPECT_EQ(fold_address("Мира просп.").words, std::vector<std::string>{"мира"});
    // A type that is the name: «Набережная улица».
    EXPECT_EQ(fold_address("ул. Набережная").words, std::vector<std::string>{"набережная"});
}

TEST(FoldAddress, HouseNumbersWithBlocksAndLettersFoldToOneForm) {
    EXPECT_EQ(fold_address("Ленина 12 корп. 1").house, "12к1");
    EXPECT_EQ(fold_address("Ленина 12к1").house, "12к1");
    EXPECT_EQ(fold_address("Ленина 7 а").house, "7а");
    EXPECT_EQ(fold_address("Ленина, 7-А").house, "7а");
    EXPECT_EQ(fold_address("Ленина 3 стр 2").house, "3с2");
    EXPECT_EQ(fold_address("Ленина 12/3").house, "12/3");
    EXPECT_EQ(fold_house_number("12 корпус 1"), "12к1");
}

TEST(FoldAddress, NumbersThatNameTheStreetStayInTheName) {
    const FoldedAddress a = fold_address("ул. 8 Марта");
    EXPECT_EQ(a.words, (std::vector<std::string>{"8", "марта"}));
    EXPECT_EQ(a.house, "");
    const FoldedAddress b = fold_address("ул. 8 Марта, 14");
    EXPECT_EQ(b.words, (std::vector<std::string>{"8", "марта"}));
    EXPECT_EQ(b.house, "14");
    EXPECT_EQ(fold_address("1-я Парковая").words, (std::vector<std::string>{"1я", "парковая"}));
}

namespace {

// A small town: three streets, one of them «улица Ленина» in two towns, and a village.
struct Town {
    TempDir dir;
    std::string path = dir.file("pack.mbtiles");
    // The МФЦ stands at (56.0, 37.0); Заречный's «улица Ленина» runs east from it.
    Town() {
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        auto w = AddressIndexWriter::create(db);
        EXPECT_TRUE(w);
        AddressIndexWriter& ix = **w;
        ix.add_street_line("улица Ленина", "", {{56.0, 37.0}, {56.0, 37.01}});
        for (int n = 1; n <= 20; ++n)
            ix.add_address("улица Ленина", "Заречный", std::to_string(n),
                           {56.0 + (n % 2 ? 0.0003 : -0.0003), 37.0 + n * 0.0005});
        ix.add_address("улица Ленина", "Заречный", "12к1", {56.0006, 37.006});
        ix.add_address("улица Ленина", "Заречный", "7А", {56.0006, 37.0035});
        // The other town's «улица Ленина», 30 km north.
        ix.add_address("улица Ленина", "Дальний", "5", {56.27, 37.0});
        ix.add_street_line("Зелёная улица", "", {{56.002, 37.0}, {56.002, 37.005}});
        ix.add_address("Зелёная улица", "Заречный", "3", {56.0023, 37.002});
        ix.add_street_line("проспект Мира", "", {{55.99, 37.0}, {55.999, 37.0}});
        ix.add_address("Лесная", "", "8", {56.05, 37.1}, true);
        auto stats = ix.finish();
        EXPECT_TRUE(stats);
        if (stats) {
            EXPECT_EQ(stats->houses, 25);
            // Ленина (the line joined Заречный's houses), Ленина in Дальний, Зелёная, Мира,
            // Лесная.
            EXPECT_EQ(stats->streets, 5);
        }
        w->reset();
        sqlite3_close(db);
    }
};

std::vector<std::string> labels(const std::vector<AddressHit>& hits) {
    std::vector<std::string> out;
    for (const AddressHit& h : hits) out.push_back(h.label() + " @" + h.city);
    return out;
}

}  // namespace

TEST(AddressIndex, TwoLettersSuggestTheStreetsNearestTheKioskFirst) {
    Town t;
    auto ix = AddressIndex::open(t.path);
    ASSERT_TRUE(ix) << ix.error().message;
    EXPECT_EQ((*ix)->houses(), 25);
    EXPECT_TRUE((*ix)->suggest("л", 8, 56.0, 37.0).empty()) << "one letter is too little";
    EXPECT_EQ(
        labels((*ix)->suggest("ле", 8, 56.0, 37.0)),
        (std::vector<std::string>{"улица Ленина @Заречный", "Лесная @", "улица Ленина @Дальний"}));
    // From the other town, its own street comes first.
    EXPECT_EQ(labels((*ix)->suggest("ул. ленина", 8, 56.27, 37.0)).front(),
              "улица Ленина @Дальний");
    // The city is a word of the street too.
    EXPECT_EQ(labels((*ix)->suggest("дальний ленина", 8, 56.0, 37.0)),
              std::vector<std::string>{"улица Ленина @Дальний"});
    EXPECT_EQ(labels((*ix)->suggest("ул зелёная", 8, 56.0, 37.0)),
              std::vector<std::string>{"Зелёная улица @Заречный"});
    EXPECT_EQ(labels((*ix)->suggest("пр-т мира", 8, 56.0, 37.0)),
              std::vector<std::string>{"проспект Мира @"});
    EXPECT_TRUE((*ix)->suggest("садовая", 8, 56.0, 37.0).empty());
}

TEST(AddressIndex, AHouseNumberPicksTheHousesExactFirst) {
    Town t;
    auto ix = AddressIndex::open(t.path);
    ASSERT_TRUE(ix);
    const auto five = (*ix)->suggest("ленина д. 1", 4, 56.0, 37.0);
    ASSERT_EQ(five.size(), 4u);
    EXPECT_EQ(five[0].label(), "улица Ленина, 1");
    EXPECT_EQ(five[0].city, "Заречный");
    EXPECT_DOUBLE_EQ(five[0].lat, 56.0003);
    EXPECT_DOUBLE_EQ(five[0].lon, 37.0005);
    EXPECT_EQ(five[1].label(), "улица Ленина, 10");
    const auto block = (*ix)->suggest("Ленина 12 корп 1", 8, 56.0, 37.0);
    ASSERT_FALSE(block.empty());
    EXPECT_EQ(block[0].label(), "улица Ленина, 12к1");
    const auto letter = (*ix)->suggest("ленина 7а", 8, 56.0, 37.0);
    ASSERT_EQ(letter.size(), 1u);
    EXPECT_EQ(letter[0].house, "7А");
    // Both towns' «Ленина, 5», the near one first.
    EXPECT_EQ(labels((*ix)->suggest("ленина 5", 8, 56.0, 37.0)),
              (std::vector<std::string>{"улица Ленина, 5 @Заречный", "улица Ленина, 5 @Дальний"}));
    // A number the street does not have: the street itself, to type the right one.
    EXPECT_EQ(labels((*ix)->suggest("ленина 99", 1, 56.0, 37.0)),
              std::vector<std::string>{"улица Ленина @Заречный"});
    // A landmark after the address: the address.
    EXPECT_EQ(labels((*ix)->suggest("ул. Ленина, 7а, у остановки", 8, 56.0, 37.0)),
              std::vector<std::string>{"улица Ленина, 7А @Заречный"});
    EXPECT_TRUE((*ix)->suggest("садовая, у школы", 8, 56.0, 37.0).empty());
    // A village's place, numbered without a street.
    EXPECT_EQ(labels((*ix)->suggest("лесная 8", 8, 56.0, 37.0)),
              std::vector<std::string>{"Лесная, 8 @"});
}

TEST(AddressIndex, APointFindsTheHouseAtItThenTheStreetThenWhatIsNear) {
    Town t;
    auto ix = AddressIndex::open(t.path);
    ASSERT_TRUE(ix);
    // 10 m from «Ленина, 4» (56.9997, 37.002).
    auto at = (*ix)->nearest(55.9997 + 0.00009, 37.002);
    ASSERT_TRUE(at);
    EXPECT_EQ(at->hit.label(), "улица Ленина, 4");
    EXPECT_TRUE(at->at);
    EXPECT_NEAR(at->distance_m, 10.0, 0.5);
    // On проспект Мира, far from any house.
    auto street = (*ix)->nearest(55.995, 37.0001);
    ASSERT_TRUE(street);
    EXPECT_EQ(street->hit.label(), "проспект Мира");
    EXPECT_TRUE(street->at);
    EXPECT_NEAR(street->distance_m, 6.2, 0.5);
    // 150 m north of «Зелёная, 3»: near it, not at it.
    auto near = (*ix)->nearest(56.0023 + 150 / 111195.0, 37.002);
    ASSERT_TRUE(near);
    EXPECT_EQ(near->hit.label(), "Зелёная улица, 3");
    EXPECT_FALSE(near->at);
    EXPECT_FALSE((*ix)->nearest(56.5, 37.5)) << "nothing within 300 m";
}

TEST(AddressIndex, AMapWithoutAddressesIsNotFoundAndJunkIsRefused) {
    TempDir dir;
    const std::string bare = dir.file("bare.mbtiles");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(bare.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE metadata(name TEXT, value TEXT)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    auto none = AddressIndex::open(bare);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, vmeste::ErrorCode::kNotFound);
    const std::string junk = dir.file("junk.mbtiles");
    FILE* f = std::fopen(junk.c_str(), "w");
    std::fputs("this is not a database, it is a text file long enough to be read as one", f);
    std::fclose(f);
    EXPECT_FALSE(AddressIndex::open(junk));
    EXPECT_FALSE(AddressIndex::open(dir.file("absent.mbtiles")));
}
