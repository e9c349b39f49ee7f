// The uploader-torture child: the kiosk's uploader alone (store + outbox worker + libcurl, and
// the platform job that sends ratings, votes and +1s) against a gateway URL, until killed.
// Retries are fast (base 20 ms, cap 300 ms) so many kills land inside requests.
#include <chrono>
#include <cstdio>
#include <thread>

#include "kiosk/core/appeal_store.h"
#include "kiosk/core/platform_jobs.h"
#include "sync/gateway_client.h"
#include "sync/outbox_worker.h"

int main(int argc, char** argv) {
    using namespace vmeste;
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s DATA_DIR GATEWAY_URL\n", argv[0]);
        return 2;
    }
    core::StoreOptions o;
    o.data_dir = argv[1];
    auto store = core::AppealStore::open(o);
    if (!store) return 1;
    SystemClock clock;
    sync::TransportOptions t;
    t.total_timeout = std::chrono::seconds(2);
    sync::OutboxWorker worker(
        core::make_outbox_queue(std::move(store).value()),
        std::make_unique<sync::GatewayClient>(sync::GatewayConfig{argv[2], "t"},
                                              sync::make_curl_transport(t)),
        sync::RetryPolicy{std::chrono::milliseconds(20), std::chrono::milliseconds(300)}, clock);
    auto jobs_store = core::AppealStore::open(o);
    if (!jobs_store) return 1;
    core::PlatformJobs jobs(
        argv[1], std::move(jobs_store).value(),
        std::make_unique<sync::GatewayClient>(sync::GatewayConfig{argv[2], "t"},
                                              sync::make_curl_transport(t)),
        core::PlatformJobs::Hooks{[&] { return worker.status(); }, [&] { worker.wake(); }});
    worker.add_periodic("citizen actions", std::chrono::milliseconds(30),
                        std::chrono::milliseconds(50), [&] { return jobs.deliver_actions(); });
    worker.start();
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(60));
}
