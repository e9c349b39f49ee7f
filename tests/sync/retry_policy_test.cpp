#include "sync/retry_policy.h"

#include <gtest/gtest.h>

using namespace vmeste::sync;

TEST(RetryPolicy, ClassifiesStatusesAsDesigned) {
    EXPECT_EQ(classify_status(200), Verdict::kDone);
    EXPECT_EQ(classify_status(201), Verdict::kDone);
    EXPECT_EQ(classify_status(0), Verdict::kRetry);
    EXPECT_EQ(classify_status(408), Verdict::kRetry);
    EXPECT_EQ(classify_status(429), Verdict::kRetry);
    EXPECT_EQ(classify_status(500), Verdict::kRetry);
    EXPECT_EQ(classify_status(503), Verdict::kRetry);
    EXPECT_EQ(classify_status(401), Verdict::kRefreshCredentials);
    EXPECT_EQ(classify_status(409), Verdict::kReconcile);
    EXPECT_EQ(classify_status(400), Verdict::kQuarantine);
    EXPECT_EQ(classify_status(422), Verdict::kQuarantine);
    EXPECT_EQ(classify_status(302), Verdict::kQuarantine);
}

TEST(RetryPolicy, FullJitterStaysUnderTheExponentialCeiling) {
    RetryPolicy p;
    EXPECT_EQ(p.delay(0, 0.0).count(), 0);
    EXPECT_EQ(p.delay(0, 0.999).count(), 999);
    EXPECT_EQ(p.delay(3, 0.5).count(), 4000);               // ceiling 8 s
    EXPECT_EQ(p.delay(10, 1.0).count(), 15 * 60 * 1000);    // capped
    EXPECT_EQ(p.delay(1000, 1.0).count(), 15 * 60 * 1000);  // no overflow
    EXPECT_EQ(p.delay(-5, 1.0).count(), 1000);
}

TEST(RetryPolicy, RetryAfterSecondsAndHttpDate) {
    const int64_t now = 784111777000;  // Sun, 06 Nov 1994 08:49:37 GMT
    EXPECT_EQ(parse_retry_after("120", now)->count(), 120000);
    EXPECT_EQ(parse_retry_after(" 7 ", now)->count(), 7000);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now)->count(), 60000);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT", now)->count(), 0);  // past: now
    EXPECT_FALSE(parse_retry_after("soon", now));
    EXPECT_FALSE(parse_retry_after("", now));
    EXPECT_FALSE(parse_retry_after("-5", now));
}
