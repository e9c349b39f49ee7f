// The technician's export of unsent appeals: everything undelivered is in the file, in order, with
// its bodies; only the passphrase opens it; a damaged or cut file says so; what was exported is
// remembered so that a factory reset can trust it.
#include "kiosk/core/unsent_export.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kiosk/base/local_time.h"
#include "kiosk/core/appeal.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

struct Fixture {
    test::TempDir data, stick;
    std::unique_ptr<core::AppealStore> store;
    Fixture() {
        store = std::move(core::AppealStore::open(test::store_options(data.path()))).value();
    }
};

}  // namespace

TEST(UnsentExport, HoldsEveryUndeliveredAppealPhotoAndActionAndOnlyThePassphraseOpensIt) {
    Fixture f;
    auto& s = *f.store;
    ASSERT_TRUE(s.accept(test::appeal_request("EXP0-0001", "Яма у подъезда дома 3", 2), 1'000));
    ASSERT_TRUE(s.accept(test::appeal_request("EXP0-0002", "Не горит фонарь во дворе"), 2'000));
    ASSERT_TRUE(s.accept(test::appeal_request("EXP0-0003", "Сломана скамейка в парке"), 3'000));
    // The third is on the platform already: not in the export. The second is quarantined.
    for (auto item = s.next_due(10'000); item; item = s.next_due(10'000)) {
        if (item->kind == "appeal" && item->body.find("EXP0-0003") != std::string::npos)
            ASSERT_TRUE(s.mark_delivered(item->id, "POS-3", "registered", 10'000));
        else if (item->kind == "appeal" && item->body.find("EXP0-0002") != std::string::npos)
            ASSERT_TRUE(s.quarantine(item->id, "HTTP 422"));
        else
            ASSERT_TRUE(s.schedule_retry(item->id, 1, 9'000'000'000'000, "HTTP 503"));
    }
    core::CitizenAction vote = core::vote_action("POLL-1", "a", "subject-1", 4'000);
    ASSERT_TRUE(s.accept_action(vote));

    auto e = core::export_unsent(s, f.stick.path(), "DEV-000042", 5'000);
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->appeals, 2);
    EXPECT_EQ(e->photos, 2);
    EXPECT_EQ(e->actions, 1);
    EXPECT_EQ(e->passphrase.size(), 19u);
    EXPECT_EQ(std::filesystem::path(e->file).parent_path(), f.stick.path());
    EXPECT_TRUE(std::filesystem::path(e->file).filename().string().starts_with(
        "vmeste-unsent-DEV-000042-"));
    // Nothing readable on the stick: not the text, not a receipt number.
    const std::string raw = slurp(e->file);
    EXPECT_EQ(raw.find("Яма"), std::string::npos);
    EXPECT_EQ(raw.find("EXP0-0001"), std::string::npos);

    auto c = core::read_unsent_export(e->file, e->passphrase);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->device_id, "DEV-000042");
    EXPECT_EQ(c->created_unix_ms, 5'000);
    ASSERT_EQ(c->items.size(), 5u);
    // Photos before their appeal, bodies as the uploader would send them.
    EXPECT_EQ(c->items[0].kind, "media");
    EXPECT_EQ(c->items[1].kind, "media");
    auto photos = s.photos_of((*s.find_by_receipt("EXP0-0001"))->appeal.uuid);
    ASSERT_TRUE(photos);
    EXPECT_EQ(c->items[0].body, (*photos)[0]);
    EXPECT_EQ(c->items[1].body, (*photos)[1]);
    EXPECT_EQ(c->items[2].kind, "appeal");
    EXPECT_EQ(c->items[2].receipt_number, "EXP0-0001");
    EXPECT_NE(c->items[2].body.find("Яма у подъезда дома 3"), std::string::npos);
    EXPECT_FALSE(c->items[2].quarantined);
    EXPECT_EQ(c->items[3].receipt_number, "EXP0-0002");
    EXPECT_TRUE(c->items[3].quarantined);
    EXPECT_EQ(c->items[4].kind, "vote");
    EXPECT_EQ(c->items[4].key, vote.uuid);
    EXPECT_EQ(c->items[4].path, core::action_path(vote));
    // The passphrase may be typed without dashes; a wrong one is said as such.
    std::string bare = e->passphrase;
    std::erase(bare, '-');
    EXPECT_TRUE(core::read_unsent_export(e->file, bare));
    std::string wrong = e->passphrase;
    wrong[0] = wrong[0] == '9' ? '1' : static_cast<char>(wrong[0] + 1);
    auto w = core::read_unsent_export(e->file, wrong);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code, ErrorCode::kUnauthorized);
    EXPECT_NE(w.error().message.find("wrong passphrase"), std::string::npos);
}

TEST(UnsentExport, ACutOrDamagedFileIsRefusedNotReadInPart) {
    Fixture f;
    ASSERT_TRUE(f.store->accept(test::appeal_request("EXP1-0001", "Текст обращения", 1), 1'000));
    auto e = core::export_unsent(*f.store, f.stick.path(), "DEV-1", 2'000);
    ASSERT_TRUE(e) << e.error().message;
    const std::string whole = slurp(e->file);
    const std::string cut_file = f.stick.file("cut.vmx");
    // Cut after the first records (a stick pulled out mid-copy): the end is missing.
    spit(cut_file, whole.substr(0, whole.size() - 40));
    auto cut = core::read_unsent_export(cut_file, e->passphrase);
    ASSERT_FALSE(cut);
    EXPECT_EQ(cut.error().code, ErrorCode::kCorrupt);
    // One byte changed in the middle: its record fails authentication.
    std::string flipped = whole;
    flipped[whole.size() / 2] ^= 0x40;
    spit(cut_file, flipped);
    auto bad = core::read_unsent_export(cut_file, e->passphrase);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kCorrupt);
    spit(cut_file, "not an export at all");
    EXPECT_FALSE(core::read_unsent_export(cut_file, e->passphrase));
}

TEST(UnsentExport, NothingUnsentIsSaidAndWritesNoFile) {
    Fixture f;
    auto e = core::export_unsent(*f.store, f.stick.path(), "DEV-1", 1'000);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(std::filesystem::is_empty(f.stick.path()));
}

TEST(UnsentExport, WhatWasExportedIsRememberedAndANewAppealIsNot) {
    Fixture f;
    ASSERT_TRUE(f.store->accept(test::appeal_request("EXP2-0001"), 1'000));
    auto before = f.store->unsent_keys();
    ASSERT_TRUE(before);
    ASSERT_EQ(before->size(), 1u);
    EXPECT_EQ(core::not_exported(f.data.path(), *before).size(), 1u);
    auto e = core::export_unsent(*f.store, f.stick.path(), "DEV-1", 2'000);
    ASSERT_TRUE(e);
    ASSERT_TRUE(core::remember_export(f.data.path(), *e));
    EXPECT_TRUE(core::not_exported(f.data.path(), *before).empty());
    // A citizen's appeal after the export is not on the stick.
    ASSERT_TRUE(f.store->accept(test::appeal_request("EXP2-0002"), 3'000));
    auto after = f.store->unsent_keys();
    EXPECT_EQ(core::not_exported(f.data.path(), *after).size(), 1u);
}

TEST(UnsentExport, TheDirectoryMustExistAndBeWritable) {
    test::TempDir d;
    EXPECT_EQ(*core::export_directory(d.path()), d.path());
    auto missing = core::export_directory(d.path() + "/nope");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("not a directory"), std::string::npos);
}

// Issue #20, point 1: a stick (ext4 holds symlinks) with the export's names linked to the
// terminal's device key. Before: the key was overwritten through the temporary name, the export
// still "succeeded", and the kiosk could no longer read its own store.
TEST(UnsentExport, AStickWhoseNamesLinkToTheTerminalsFilesGetsNothingWrittenThroughThem) {
    namespace fs = std::filesystem;
    Fixture f;
    ASSERT_TRUE(f.store->accept(test::appeal_request("EXP3-0001"), 1'000));
    const std::string key = f.data.file("device.key.copy");
    spit(key, "THE TERMINAL'S KEY");
    const std::string name =
        "vmeste-unsent-DEV-1-" + local_time::format(2'000, "%Y%m%d-%H%M%S") + ".vmx";
    for (const std::string& n : {name, name + ".tmp", name + ".part"})
        fs::create_symlink(key, f.stick.file(n));
    auto e = core::export_unsent(*f.store, f.stick.path(), "DEV-1", 2'000);
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(slurp(key), "THE TERMINAL'S KEY") << "written through a link on the stick";
    EXPECT_EQ(e->file, f.stick.file(name));
    EXPECT_FALSE(fs::is_symlink(e->file));
    EXPECT_TRUE(fs::is_regular_file(e->file));
    auto back = core::read_unsent_export(e->file, e->passphrase);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->items.size(), e->keys.size());
    for (const auto& entry : fs::directory_iterator(f.stick.path()))
        EXPECT_FALSE(entry.path().filename().string().ends_with(".part") &&
                     !fs::is_symlink(entry.path()))
            << "a temporary file left behind: " << entry.path();
}

TEST(UnsentExport, AStickDirectoryThatIsALinkIsRefused) {
    namespace fs = std::filesystem;
    Fixture f;
    ASSERT_TRUE(f.store->accept(test::appeal_request("EXP4-0001"), 1'000));
    test::TempDir elsewhere;
    fs::create_symlink(elsewhere.path(), f.stick.file("media"));
    auto e = core::export_unsent(*f.store, f.stick.file("media"), "DEV-1", 2'000);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, ErrorCode::kUnauthorized) << e.error().message;
    EXPECT_TRUE(fs::is_empty(elsewhere.path())) << "nothing written where the link points";
}
