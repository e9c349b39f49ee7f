// vmeste-platform-sim: runs the gateway simulator until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tools/platform-sim/sim_server.h"

namespace {
vmeste::sim::SimServer* g_server = nullptr;
void on_signal(int) {
    if (g_server) g_server->stop();
}

const char* kHelp =
    "Usage: vmeste-platform-sim [options]\n"
    "  --host ADDR        address to listen on (default 127.0.0.1)\n"
    "  --port N           port (default 8080; 0 picks a free one)\n"
    "  --db FILE          SQLite file for received appeals (default platform-sim.db)\n"
    "  --token TOKEN      accept only this device token (default: any)\n"
    "  --port-file FILE   write the port here once listening\n"
    "  --status-step S    seconds between status steps registered/in_work/answered (default 60;\n"
    "                     0: statuses stay registered)\n"
    "  --tls-cert FILE    serve HTTPS with this PEM certificate chain (and --tls-key FILE);\n"
    "                     scripts/make-test-ca makes a throwaway CA and certificate\n"
    "  --enrol-code CODE  accept this one-time enrolment code (repeatable; also POST\n"
    "                     /sim/enrolment-codes at run time)\n"
    "  --require-enrolment  accept only tokens issued by enrolment (and --token)\n"
    "  --handoff-interval S  RFC 8628 polling interval for the hand-off (default 5)\n"
    "  --open311-tokens   answer Open311 POST requests with a token, not the id\n"
    "  --open311-profile spec|helsinki|mysociety\n"
    "                     how the Open311 endpoints behave: as the GeoReport v2 text (default),\n"
    "                     as Helsinki's issue-reporting or as mySociety's Open311::Endpoint\n"
    "                     (docs/sync.md, \"Open311 servers\")\n"
    "  --region-pack FILE offer this region pack (vmeste-region build) in every heartbeat's\n"
    "                     answer, served with Range at /api/v1/region-packs/<sha256>\n"
    "  --fault SPEC       inject a fault; repeatable. SPEC is ROUTE:KIND[:key=value...]\n"
    "                     ROUTE: appeals, media (upload create), upload-chunk, heartbeat,\n"
    "                     enrol, catalogue, open311, region-pack or *; KIND: status=N, latency=MS, "
    "drop-before,\n"
    "                     drop-mid-response, truncated-json, malformed-json, slow-drip;\n"
    "                     keys: rate=0..1, count=N, retry-after=S, retry-after-date=S\n"
    "                     e.g. --fault appeals:status=503:rate=0.3:retry-after=2\n"
    "                     (at run time: POST /sim/faults with one SPEC per line; DELETE clears)\n";
}  // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1", db = "platform-sim.db", port_file;
    int port = 8080;
    std::vector<vmeste::sim::FaultRule> faults;
    std::vector<std::string> enrol_codes;
    std::string region_pack;
    vmeste::sim::SimOptions options;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "vmeste-platform-sim: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        try {
            if (a == "--help") {
                std::fputs(kHelp, stdout);
                return 0;
            } else if (a == "--host")
                host = value();
            else if (a == "--port")
                port = std::stoi(value());
            else if (a == "--db")
                db = value();
            else if (a == "--token")
                options.device_token = value();
            else if (a == "--port-file")
                port_file = value();
            else if (a == "--tls-cert")
                options.tls_cert_file = value();
            else if (a == "--tls-key")
                options.tls_key_file = value();
            else if (a == "--enrol-code")
                enrol_codes.push_back(value());
            else if (a == "--region-pack")
                region_pack = value();
            else if (a == "--require-enrolment")
                options.require_enrolment = true;
            else if (a == "--handoff-interval")
                options.handoff_interval_s = std::stoi(value());
            else if (a == "--open311-tokens")
                options.open311_tokens = true;
            else if (a == "--open311-profile") {
                auto p = vmeste::sim::open311_profile_from(value());
                if (!p) {
                    std::fprintf(stderr,
                                 "vmeste-platform-sim: --open311-profile is spec, helsinki or "
                                 "mysociety\n");
                    return 2;
                }
                options.open311_profile = *p;
            } else if (a == "--status-step")
                options.status_step_ms = std::stoll(value()) * 1000;
            else if (a == "--fault") {
                auto rule = vmeste::sim::parse_fault_rule(value());
                if (!rule) {
                    std::fprintf(stderr, "vmeste-platform-sim: %s\n", rule.error().message.c_str());
                    return 2;
                }
                faults.push_back(*rule);
            } else {
                std::fprintf(stderr, "vmeste-platform-sim: unknown option %s\n%s", a.c_str(),
                             kHelp);
                return 2;
            }
        } catch (const std::exception&) {
            std::fprintf(stderr, "vmeste-platform-sim: %s needs a number\n", a.c_str());
            return 2;
        }
    }
    auto store = vmeste::sim::SimStore::open(db);
    if (!store) {
        std::fprintf(stderr, "vmeste-platform-sim: %s\n", store.error().message.c_str());
        return 1;
    }
    if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
        std::fprintf(stderr, "vmeste-platform-sim: --tls-cert and --tls-key go together\n");
        return 2;
    }
    for (const auto& c : enrol_codes) (*store)->add_enrol_code(c);
    std::unique_ptr<vmeste::sim::SimServer> made;
    try {
        made = std::make_unique<vmeste::sim::SimServer>(options, **store);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "vmeste-platform-sim: %s\n", e.what());
        return 1;
    }
    vmeste::sim::SimServer& server = *made;
    for (auto& f : faults) server.faults().add(f);
    if (!region_pack.empty())
        if (auto r = server.set_region_pack(region_pack); !r) {
            std::fprintf(stderr, "vmeste-platform-sim: %s\n", r.error().message.c_str());
            return 2;
        }
    const int bound = server.bind(host, port);
    if (bound < 0) {
        std::fprintf(stderr, "vmeste-platform-sim: cannot listen on %s:%d\n", host.c_str(), port);
        return 1;
    }
    if (!port_file.empty()) std::ofstream(port_file) << bound << "\n";
    std::printf("vmeste-platform-sim: listening on %s\n", server.base_url().c_str());
    std::fflush(stdout);
    g_server = &server;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    server.run();
    return 0;
}
