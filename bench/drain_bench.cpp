// drain_bench: how fast the uploader empties a queue over loopback, against plain libcurl sending
// the same bytes to the same simulator in the same run (goal: ≥ 0.8 of its throughput), and the
// uploader's peak RSS with 100 vs 2,000 queued appeals (goal: flat — items are streamed from the
// store one at a time, never loaded together).
//   drain_bench [APPEALS=1000] [PHOTOS=3] [PHOTO_KB=400]
#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "kiosk/core/appeal_store.h"
#include "sync/gateway_client.h"
#include "sync/outbox_worker.h"
#include "tools/platform-sim/sim_server.h"

using namespace vmeste;
using Steady = std::chrono::steady_clock;

namespace {

long peak_rss_kb() {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

void reset_peak_rss() {
    std::ofstream("/proc/self/clear_refs") << "5";
}

core::StoreOptions options(const std::string& dir) {
    core::StoreOptions o;
    o.data_dir = dir;
    o.limits.max_queued_items = 1'000'000;
    o.limits.max_queued_bytes = 1ull << 40;
    o.limits.min_free_bytes = 0;
    return o;
}

void fill(const std::string& dir, int appeals, int photos, size_t photo_bytes) {
    auto s = core::AppealStore::open(options(dir));
    for (int i = 0; i < appeals; ++i) {
        core::AcceptRequest r;
        r.appeal = core::Appeal{core::new_uuid(),       core::new_receipt_number(), "roads",
                                "Обращение для замера", core::Language::kRu,        1};
        for (int p = 0; p < photos; ++p) r.photos.push_back(bench::photo(i * 10 + p, photo_bytes));
        if (!(*s)->accept(r, 1)) std::fprintf(stderr, "accept failed\n");
    }
}

// Drains the queue in `dir` into the simulator; returns seconds.
double drain(const std::string& dir, const std::string& url) {
    SystemClock clock;
    sync::OutboxWorker w(core::make_outbox_queue(core::AppealStore::open(options(dir)).value()),
                         std::make_unique<sync::GatewayClient>(sync::GatewayConfig{url, "t"},
                                                               sync::make_curl_transport()),
                         sync::RetryPolicy{}, clock);
    const auto t0 = Steady::now();
    w.drain_due();
    return std::chrono::duration<double>(Steady::now() - t0).count();
}

size_t collect(char* d, size_t s, size_t n, void* out) {
    static_cast<std::string*>(out)->append(d, s * n);
    return s * n;
}

// The baseline: one reused curl handle sending the same requests to the same endpoints — each
// photo by the resumable protocol (create, then PATCH chunks of 512 KiB), then the appeal naming
// them — with none of the store's work around them.
double plain_curl(const std::string& url, int appeals, int photos, size_t photo_bytes) {
    CURL* c = curl_easy_init();
    const auto t0 = Steady::now();
    std::string answer;
    auto send = [&](const char* method, const std::string& path, const std::string& body,
                    std::vector<std::string> headers) {
        curl_slist* hh = curl_slist_append(nullptr, "Authorization: Bearer t");
        for (const auto& x : headers) hh = curl_slist_append(hh, x.c_str());
        answer.clear();
        curl_easy_setopt(c, CURLOPT_URL, (url + path).c_str());
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hh);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
        curl_easy_perform(c);
        curl_slist_free_all(hh);
    };
    constexpr size_t kChunk = 512 * 1024;
    for (int i = 0; i < appeals; ++i) {
        std::vector<std::string> hashes;
        for (int p = 0; p < photos; ++p) {
            const std::string body = bench::photo(1'000'000 + i * 10 + p, photo_bytes);
            hashes.push_back(core::sha256_hex(body));
            send("POST", "/api/v1/uploads",
                 nlohmann::json{{"length", body.size()}, {"sha256", hashes.back()}}.dump(),
                 {"Idempotency-Key: base-" + std::to_string(i) + "-" + std::to_string(p),
                  "Content-Type: application/json"});
            const std::string id = nlohmann::json::parse(answer).value("upload", "");
            for (size_t off = 0; off < body.size(); off += kChunk)
                send("PATCH", "/api/v1/uploads/" + id, body.substr(off, kChunk),
                     {"Upload-Offset: " + std::to_string(off),
                      "Content-Type: application/offset+octet-stream"});
        }
        core::Appeal a{core::new_uuid(),       core::new_receipt_number(), "roads",
                       "Обращение для замера", core::Language::kRu,        1};
        send("POST", "/api/v1/appeals", core::appeal_request_json(a, hashes),
             {"Idempotency-Key: " + a.uuid, "Content-Type: application/json"});
    }
    const double s = std::chrono::duration<double>(Steady::now() - t0).count();
    curl_easy_cleanup(c);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    const int appeals = argc > 1 ? std::atoi(argv[1]) : 1000;
    const int photos = argc > 2 ? std::atoi(argv[2]) : 3;
    const size_t photo_bytes = static_cast<size_t>(argc > 3 ? std::atoi(argv[3]) : 400) * 1000;
    const std::string base = std::filesystem::temp_directory_path() / "vmeste-drain-bench";
    std::filesystem::remove_all(base);
    std::filesystem::create_directories(base);

    auto sim_store = sim::SimStore::open(base + "/sim.db");
    sim::SimServer server({}, **sim_store);
    const int port = server.bind("127.0.0.1", 0);
    server.start_background();
    const std::string url = "http://127.0.0.1:" + std::to_string(port);

    fill(base + "/kiosk", appeals, photos, photo_bytes);
    const double ours = drain(base + "/kiosk", url);
    const double plain = plain_curl(url, appeals, photos, photo_bytes);
    const double mb = appeals * photos * photo_bytes / 1e6;

    // Peak RSS while draining 100 vs 2,000 small appeals (1 photo of 100 KB each).
    fill(base + "/q100", 100, 1, 100'000);
    fill(base + "/q2000", 2000, 1, 100'000);
    reset_peak_rss();
    drain(base + "/q100", url);
    const long rss100 = peak_rss_kb();
    reset_peak_rss();
    drain(base + "/q2000", url);
    const long rss2000 = peak_rss_kb();
    const int64_t sim_appeals = (*sim_store)->count();
    server.stop();
    std::filesystem::remove_all(base);
    // Every appeal of both runs and of the RSS runs arrived: a fast wrong bench is no bench.
    const int64_t expected = 2 * appeals + 100 + 2000;

    std::printf("drain_bench: %d appeals x %d photos x %zu KB over loopback (%.0f MB)\n", appeals,
                photos, photo_bytes / 1000, mb);
    std::printf("  uploader (store + sealing + curl): %6.1f s  %6.1f MB/s\n", ours, mb / ours);
    std::printf("  plain libcurl, same bytes:         %6.1f s  %6.1f MB/s\n", plain, mb / plain);
    std::printf("  throughput ratio:                  %6.2f (goal >= 0.8)\n", plain / ours);
    std::printf("  peak RSS draining 100 queued:      %6ld KiB\n", rss100);
    std::printf("  peak RSS draining 2,000 queued:    %6ld KiB  ratio %.2f (goal: flat)\n", rss2000,
                static_cast<double>(rss2000) / rss100);
    std::printf("  appeals on the simulator:          %lld of %lld\n",
                static_cast<long long>(sim_appeals), static_cast<long long>(expected));
    return sim_appeals == expected ? 0 : 1;
}
