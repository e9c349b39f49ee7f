// Resumable media upload (docs/protocol.md "Media") between GatewayClient and the simulator over
// real HTTP: a photo survives broken connections without the gateway keeping a byte twice, a
// stale offset is corrected by the 409's Upload-Offset instead of wedging, a damaged upload
// starts over, and a repeat of a finished upload is the same photo.
#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "sync/gateway_client.h"
#include "tests/support/sim_fixture.h"
#include "tests/support/store_fixture.h"

using namespace vmeste;
using namespace vmeste::sync;

namespace {

std::string sha(const std::string& data) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    char hex[sizeof h * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

constexpr size_t kChunk = 256 * 1024;
const std::string& photo() {  // 3 MB, the size of a phone photo on a bad LTE link
    static const std::string p = test::fake_photo(42, 3'000'000);
    return p;
}

GatewayClient client(const test::RunningSim& sim, std::unique_ptr<HttpTransport> t = nullptr) {
    GatewayConfig c{sim.url(), "t"};
    c.chunk_bytes = kChunk;
    return GatewayClient(c, t ? std::move(t) : make_curl_transport());
}

// The stored photo for `key`, byte for byte.
std::string stored(test::RunningSim& sim, const std::string& key) {
    auto m = sim.store().find_media("idempotency_key", key);
    return m ? m->data : std::string();
}

// Sends the first PATCH twice, like a proxy that retried it behind our back: the original then
// carries a stale offset.
class DuplicatingTransport final : public HttpTransport {
  public:
    explicit DuplicatingTransport(std::unique_ptr<HttpTransport> inner)
        : inner_(std::move(inner)) {}
    Result<HttpResponse> send(const HttpRequest& r) override {
        if (r.method == "PATCH" && !duplicated_) {
            duplicated_ = true;
            (void)inner_->send(r);
        }
        auto resp = inner_->send(r);
        if (resp && resp->status == 409) ++conflicts;
        return resp;
    }
    int conflicts = 0;

  private:
    std::unique_ptr<HttpTransport> inner_;
    bool duplicated_ = false;
};

}  // namespace

TEST(ResumableUpload, APhotoGoesUpInChunksAndArrivesByteIdentical) {
    test::RunningSim sim;
    auto gw = client(sim);
    auto out = gw.upload_media("p-1", photo(), sha(photo()), 0);
    ASSERT_EQ(out.verdict, Verdict::kDone) << out.reason;
    EXPECT_EQ(out.platform_id, "MED-000001");
    EXPECT_EQ(stored(sim, "p-1"), photo());
    EXPECT_EQ(sim.server().upload_bytes(), static_cast<int64_t>(photo().size()));
    EXPECT_EQ(gw.bytes_uploaded(), static_cast<int64_t>(photo().size()));
}

TEST(ResumableUpload, ConnectionsBrokenMidChunkResumeWithoutResendingWhatArrived) {
    test::RunningSim sim;
    // Three chunks lose their connection half-way; the gateway keeps the half it got.
    sim.faults().add(*sim::parse_fault_rule("upload-chunk:drop-before:count=3"));
    auto gw = client(sim);
    auto out = gw.upload_media("p-2", photo(), sha(photo()), 0);
    ASSERT_EQ(out.verdict, Verdict::kDone) << out.reason;
    EXPECT_EQ(stored(sim, "p-2"), photo());
    EXPECT_EQ(sim.faults().fired(), 3);
    // The gateway never kept a byte twice, and the device resent only the lost halves.
    EXPECT_EQ(sim.server().upload_bytes(), static_cast<int64_t>(photo().size()));
    EXPECT_LE(gw.bytes_uploaded(), static_cast<int64_t>(photo().size() + 3 * kChunk));
}

TEST(ResumableUpload, AnAnswerLostAfterTheChunkArrivedResumesFromHead) {
    test::RunningSim sim;
    sim.faults().add(*sim::parse_fault_rule("upload-chunk:drop-mid-response:count=2"));
    auto gw = client(sim);
    auto out = gw.upload_media("p-3", photo(), sha(photo()), 0);
    ASSERT_EQ(out.verdict, Verdict::kDone) << out.reason;
    EXPECT_EQ(stored(sim, "p-3"), photo());
    EXPECT_EQ(sim.server().upload_bytes(), static_cast<int64_t>(photo().size()));
}

TEST(ResumableUpload, AStaleOffsetGets409AndTheClientFollowsItsUploadOffset) {
    test::RunningSim sim;
    auto transport = std::make_unique<DuplicatingTransport>(make_curl_transport());
    auto* dup = transport.get();
    auto gw = client(sim, std::move(transport));
    auto out = gw.upload_media("p-4", photo(), sha(photo()), 0);
    ASSERT_EQ(out.verdict, Verdict::kDone) << out.reason;
    EXPECT_EQ(dup->conflicts, 1);
    EXPECT_EQ(stored(sim, "p-4"), photo());
}

TEST(ResumableUpload, AnAttemptThatGivesUpIsContinuedByTheNextOneFromTheGatewaysOffset) {
    test::RunningSim sim;
    // More broken chunks than one attempt resumes: the attempt ends with "retry"…
    sim.faults().add(*sim::parse_fault_rule("upload-chunk:drop-before:count=6"));
    auto gw = client(sim);
    auto first = gw.upload_media("p-5", photo(), sha(photo()), 0);
    EXPECT_EQ(first.verdict, Verdict::kRetry);
    const int64_t kept = sim.server().upload_bytes();
    EXPECT_GT(kept, 0);
    // …and the next attempt finds the same upload and goes on from where the gateway stands.
    auto second = gw.upload_media("p-5", photo(), sha(photo()), 0);
    ASSERT_EQ(second.verdict, Verdict::kDone) << second.reason;
    EXPECT_EQ(stored(sim, "p-5"), photo());
    EXPECT_EQ(sim.server().upload_bytes(), static_cast<int64_t>(photo().size()));
}

TEST(ResumableUpload, AChecksumMismatchIsRetriedFromZeroNotQuarantined) {
    test::RunningSim sim;
    auto gw = client(sim);
    std::string damaged = photo();
    damaged[1'000'000] ^= 0x55;  // the bytes sent are not the bytes hashed
    auto out = gw.upload_media("p-6", damaged, sha(photo()), 0);
    EXPECT_EQ(out.verdict, Verdict::kRetry);
    EXPECT_EQ(out.http_status, 460);
    EXPECT_EQ(sim.store().media_count(), 0);
    // Sent right the next time, it completes from zero.
    auto again = gw.upload_media("p-6", photo(), sha(photo()), 0);
    ASSERT_EQ(again.verdict, Verdict::kDone) << again.reason;
    EXPECT_EQ(stored(sim, "p-6"), photo());
}

TEST(ResumableUpload, ARepeatOfAFinishedUploadIsTheSamePhoto) {
    test::RunningSim sim;
    auto gw = client(sim);
    auto first = gw.upload_media("p-7", photo(), sha(photo()), 0);
    const int64_t sent = gw.bytes_uploaded();
    auto again = gw.upload_media("p-7", photo(), sha(photo()), 0);
    EXPECT_EQ(again.verdict, Verdict::kDone);
    EXPECT_EQ(again.platform_id, first.platform_id);
    EXPECT_EQ(gw.bytes_uploaded(), sent) << "a finished photo was sent again";
    EXPECT_EQ(sim.store().media_count(), 1);
    // The same key with another photo is refused for good.
    auto other = gw.upload_media("p-7", "other bytes", sha("other bytes"), 0);
    EXPECT_EQ(other.verdict, Verdict::kQuarantine);
}

TEST(ResumableUpload, TheGatewayChecksOffsetsAndContentTypeItself) {
    test::RunningSim sim;
    auto t = make_curl_transport();
    auto req = [&](std::string method, std::string path, std::string body,
                   std::vector<std::pair<std::string, std::string>> headers) {
        HttpRequest r;
        r.method = std::move(method);
        r.url = sim.url() + path;
        r.headers = std::move(headers);
        r.headers.push_back({"Authorization", "Bearer t"});
        r.body = std::move(body);
        return t->send(r).value();
    };
    auto created = req("POST", "/api/v1/uploads",
                       nlohmann::json{{"length", 10}, {"sha256", sha("0123456789")}}.dump(),
                       {{"Idempotency-Key", "raw-1"}, {"Content-Type", "application/json"}});
    ASSERT_EQ(created.status, 201);
    const std::string path = *created.header("location");
    auto patch = [&](int offset, std::string bytes, std::string type) {
        return req("PATCH", path, std::move(bytes),
                   {{"Upload-Offset", std::to_string(offset)}, {"Content-Type", type}});
    };
    EXPECT_EQ(patch(0, "0123", "application/octet-stream").status, 415);
    auto first = patch(0, "0123", "application/offset+octet-stream");
    EXPECT_EQ(first.status, 204);
    EXPECT_EQ(*first.header("upload-offset"), "4");
    auto stale = patch(0, "0123", "application/offset+octet-stream");
    EXPECT_EQ(stale.status, 409);
    EXPECT_EQ(*stale.header("upload-offset"), "4");
    auto head = req("HEAD", path, "", {});
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(*head.header("upload-offset"), "4");
    EXPECT_EQ(*head.header("upload-length"), "10");
    EXPECT_EQ(patch(4, "4567890123", "application/offset+octet-stream").status, 413);
    auto last = patch(4, "456789", "application/offset+octet-stream");
    EXPECT_EQ(last.status, 201);
    EXPECT_EQ(nlohmann::json::parse(last.body)["complete"], true);
    EXPECT_EQ(req("HEAD", path, "", {}).status, 404);  // finished uploads are photos now
}

// Behind nginx with client_max_body_size 200k (the simulator's body-limit profile answers as
// nginx does: 413 with its HTML page), a 512 KiB chunk never reaches the gateway (issue #17,
// point 5). The chunk halves until it passes, stays small for the next photo, and every byte
// arrives once.
TEST(ResumableUpload, A413FromTheWayHalvesTheChunkUntilItPassesAndKeepsIt) {
    test::RunningSim sim;
    sim.faults().add(*sim::parse_fault_rule("upload-chunk:body-limit=204800"));
    GatewayClient gw({sim.url(), "t"}, make_curl_transport());
    ASSERT_EQ(gw.chunk_bytes(), 512u * 1024);
    const std::string first = test::fake_photo(7, 1'300'000);
    auto out = gw.upload_media("k413-1", first, sha(first), 0);
    ASSERT_EQ(out.verdict, Verdict::kDone) << out.reason;
    EXPECT_EQ(stored(sim, "k413-1"), first);
    EXPECT_EQ(gw.chunk_bytes(), 128u * 1024) << "512 → 256 → 128 KiB, the first size under 200k";
    EXPECT_EQ(gw.chunk_shrinks(), 2);
    const std::string second = test::fake_photo(8, 600'000);
    out = gw.upload_media("k413-2", second, sha(second), 0);
    ASSERT_EQ(out.verdict, Verdict::kDone) << out.reason;
    EXPECT_EQ(stored(sim, "k413-2"), second);
    EXPECT_EQ(gw.chunk_shrinks(), 2) << "the size it learnt was kept";
}

// A way that takes not even the smallest chunk: that photo is quarantined, with why.
TEST(ResumableUpload, APathThatTakesNoChunkAtAllQuarantinesThePhotoWithTheReason) {
    test::RunningSim sim;
    sim.faults().add(*sim::parse_fault_rule("upload-chunk:body-limit=8000"));
    GatewayClient gw({sim.url(), "t"}, make_curl_transport());
    const std::string p = test::fake_photo(9, 300'000);
    auto out = gw.upload_media("k413-3", p, sha(p), 0);
    EXPECT_EQ(out.verdict, Verdict::kQuarantine);
    EXPECT_NE(out.reason.find("413"), std::string::npos) << out.reason;
    EXPECT_EQ(gw.chunk_bytes(), GatewayClient::kMinChunkBytes);
}
