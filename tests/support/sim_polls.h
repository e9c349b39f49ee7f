// The polls, votes and discussions the simulator serves, put into a kiosk's session as the
// platform job would after a sync: for the screen tests that show the polls list.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "kiosk/core/session.h"
#include "sync/http.h"
#include "sync/replies.h"
#include "tests/support/sim_fixture.h"

namespace vmeste::test {

inline ::testing::AssertionResult load_polls(RunningSim& sim, core::Session& session) {
    sync::HttpRequest get{
        "GET", sim.url() + "/api/v1/polls", {{"Authorization", "Bearer dev-token"}}, {}};
    auto resp = sync::make_curl_transport()->send(get);
    if (!resp || resp->status != 200)
        return ::testing::AssertionFailure() << "GET /api/v1/polls from the simulator failed";
    auto polls = sync::replies::polls(resp->body);
    if (!polls) return ::testing::AssertionFailure() << "the simulator's polls do not parse";
    session.set_polls(std::make_shared<const std::vector<sync::replies::Poll>>(*polls));
    return ::testing::AssertionSuccess();
}

}  // namespace vmeste::test
