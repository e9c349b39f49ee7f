// vmestectl against a real store: what a technician reads.
#include <gtest/gtest.h>

#include <cstdio>

#include "kiosk/core/appeal_store.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;

namespace {
std::string run(const std::string& args) {
    std::string out;
    FILE* p = popen((std::string(VMESTECTL) + " " + args + " 2>&1").c_str(), "r");
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
    return out;
}
}  // namespace

TEST(Vmestectl, StatusShowsQueueDepthAgesLastSuccessNextAttemptAndLastError) {
    test::TempDir dir;
    {
        auto s = core::AppealStore::open(test::store_options(dir.path()));
        ASSERT_TRUE((*s)->accept(test::appeal_request("CTL0-0001"), 1'000));
        ASSERT_TRUE((*s)->accept(test::appeal_request("CTL0-0002"), 1'000));
        auto first = (*s)->next_due(1'000);
        ASSERT_TRUE((*s)->mark_delivered(first->id, "POS-7", "registered", 2'000));
        auto second = (*s)->next_due(2'000);
        ASSERT_TRUE(
            (*s)->schedule_retry(second->id, 1, 9'000'000'000'000, "HTTP 503: Injected fault"));
    }
    const std::string out = run("--data-dir " + dir.path() + " status");
    EXPECT_NE(out.find("queued appeals: 1"), std::string::npos) << out;
    EXPECT_NE(out.find("pending:     1"), std::string::npos) << out;
    EXPECT_NE(out.find("delivered:   1"), std::string::npos) << out;
    EXPECT_NE(out.find("oldest pending:  "), std::string::npos) << out;
    EXPECT_NE(out.find("last success:    "), std::string::npos) << out;
    EXPECT_EQ(out.find("last success:    never"), std::string::npos) << out;
    EXPECT_NE(out.find("next attempt:    in "), std::string::npos) << out;
    EXPECT_NE(out.find("last error:      HTTP 503: Injected fault"), std::string::npos) << out;
    EXPECT_EQ(out.find("Яма"), std::string::npos) << "no appeal text in the output";
    const std::string found = run("--data-dir " + dir.path() + " find CTL0-0001");
    EXPECT_NE(found.find("platform:  POS-7"), std::string::npos) << found;
}
