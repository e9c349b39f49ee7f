// Checks against what the simulated platform received, shared by the uploader's tests.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "kiosk/core/appeal_store.h"
#include "tests/support/sim_fixture.h"

namespace vmeste::test {

// Every appeal of `sent` is on the platform with its photos in order, byte for byte.
inline void expect_on_platform_with_photos(RunningSim& sim,
                                           const std::vector<core::AcceptRequest>& sent) {
    for (const auto& req : sent) {
        auto got = sim.store().find_by_receipt(req.appeal.receipt_number);
        ASSERT_TRUE(got) << req.appeal.receipt_number;
        auto hashes = nlohmann::json::parse(got->photos);
        ASSERT_EQ(hashes.size(), req.photos.size()) << req.appeal.receipt_number;
        for (size_t i = 0; i < req.photos.size(); ++i) {
            auto media = sim.store().find_media("sha256", hashes[i].get<std::string>());
            ASSERT_TRUE(media) << req.appeal.receipt_number;
            EXPECT_EQ(media->data, req.photos[i]) << req.appeal.receipt_number << " photo " << i;
        }
    }
}

}  // namespace vmeste::test
