// libfiu's fault injection at chosen libc calls of a real process (label `disk`, issue #17): the
// store under an fdatasync that fails with EIO at COMMIT. Skipped where fiu-run is missing.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include "kiosk/core/appeal_store.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;

namespace {

std::string run(const std::string& cmd) {
    std::string out;
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) out += buf;
    if (p) pclose(p);
    return out;
}

}  // namespace

// Point 8: the screen said "not accepted" (COMMIT's fdatasync failed), the process died, and
// SQLite replayed the commit from its log at the next start: the appeal is in the queue after
// all. The resubmit of that visit carries the same id and receipt number (Session keeps them),
// and it is one appeal, not two.
TEST(FaultInjection, AnFsyncErrorAtCommitThenAResubmitIsOneAppealNotTwo) {
    if (!std::filesystem::exists("/usr/bin/fiu-run")) GTEST_SKIP() << "fiu-run (fiu-utils) missing";
    test::TempDir dir;
    auto req = test::appeal_request("FIU0-0001", "fdatasync подвёл при COMMIT", 1, 77);
    {
        auto s = core::AppealStore::open(test::store_options(dir.path()));
        ASSERT_TRUE(s);
        ASSERT_TRUE((*s)->checkpoint());
    }
    const std::string said = run(std::string("fiu-run -x ") + VMESTE_FAULT_CHILD + " " +
                                 dir.path() + " " + req.appeal.uuid + " FIU0-0001");
    ASSERT_NE(said.find("REFUSED"), std::string::npos)
        << "the injected EIO did not reach the COMMIT: " << said;
    // The next start: the commit the screen called failed is there.
    auto s = core::AppealStore::open(test::store_options(dir.path()));
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE((*s)->recover());
    const bool replayed = (*(*s)->find_receipt("FIU0-0001")).has_value();
    std::printf("fsync EIO at COMMIT: the screen said '%s', after the restart the appeal was %s\n",
                said.substr(0, said.find('\n')).c_str(),
                replayed ? "in the store (replayed)" : "not in the store");
    // The citizen taps «Отправить» again: the same id and receipt number.
    ASSERT_TRUE((*s)->accept(req, 1'790'000'000'001));
    EXPECT_EQ((*s)->census()->appeals, 2) << "the child's first appeal and this one, once";
    std::set<std::string> appeal_items;
    while (auto item = (*s)->next_due(INT64_MAX / 2)) {
        if (item->kind == "appeal") appeal_items.insert(item->idempotency_key);
        ASSERT_TRUE((*s)->mark_delivered(item->id, "p", "registered", 1));
    }
    EXPECT_EQ(appeal_items.count(req.appeal.uuid), 1u) << "not sent";
    EXPECT_EQ(appeal_items.size(), 2u) << "sent twice";
    EXPECT_TRUE(replayed) << "SQLite did not replay the commit: the case the test is about did "
                             "not happen (an fdatasync that is not SQLite's?)";
}
