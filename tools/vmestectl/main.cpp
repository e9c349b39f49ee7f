// vmestectl: inspect and look after a kiosk's data directory: `status` (queue figures), `find
// RECEIPT` (one appeal's state, without its text), `enrol` (one-time code → device token),
// `retry-quarantine`. Issue #8 grows it (provisioning, export).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "drivers/self_test.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/demo_map.h"
#include "kiosk/core/kiosk.h"
#include "kiosk/core/maintenance_access.h"
#include "sync/gateway_client.h"

namespace {

const char* kHelp =
    "Usage: vmestectl [--data-dir DIR] COMMAND\n"
    "  status            queue depth, delivered, quarantined, oldest pending, last success,\n"
    "                    next attempt, last error\n"
    "  find RECEIPT      the state of one appeal (no personal data is printed)\n"
    "  enrol --platform URL [--serial S] [--force] CODE\n"
    "                    exchange a one-time enrolment code for the device token, stored 0600\n"
    "                    in the data dir (refused when already enrolled, unless --force)\n"
    "  retry-quarantine  put every quarantined item back in the queue (audited)\n"
    "  set-pin staff|technician\n"
    "                    set a maintenance PIN (4-12 digits, read from standard input; stored\n"
    "                    as an argon2id hash in DATA_DIR/access.json; audited)\n"
    "  selftest [--config FILE] [--no-print] [--no-speech]\n"
    "                    camera, printer (a test page) and speech self-tests on the devices\n"
    "                    the config names; exit 1 when one failed\n"
    "  config check FILE check a TOML config file: every mistake with its line, key and reason;\n"
    "                    exit 1 when there is one\n"
    "  config keys       every key a config file may set (packaging/vmeste.toml has them all)\n"
    "  make-demo-map FILE [LAT LON]\n"
    "                    write a made-up MBTiles map around a point (demos; a terminal gets its\n"
    "                    region's real map from the technician)\n"
    "Default data dir: /var/lib/vmeste. Exit codes: 0 ok, 1 failure, 2 usage.\n";

// The machine's serial: /etc/machine-id, else the host name.
std::string default_serial() {
    std::ifstream in("/etc/machine-id");
    std::string id;
    std::getline(in, id);
    if (!id.empty()) return id;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return host;
}

int enrol(const std::string& data_dir, const std::vector<std::string>& args) {
    std::string platform, serial = default_serial(), code;
    bool force = false;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--platform" && i + 1 < args.size())
            platform = args[++i];
        else if (args[i] == "--serial" && i + 1 < args.size())
            serial = args[++i];
        else if (args[i] == "--force")
            force = true;
        else if (code.empty() && !args[i].starts_with("--"))
            code = args[i];
        else {
            std::fprintf(stderr, "vmestectl enrol: unexpected '%s'\n%s", args[i].c_str(), kHelp);
            return 2;
        }
    }
    if (platform.empty() || code.empty()) {
        std::fprintf(stderr, "vmestectl enrol: needs --platform URL and the code\n");
        return 2;
    }
    if (!force && !vmeste::core::read_device_token(data_dir).empty()) {
        std::fprintf(stderr,
                     "vmestectl enrol: this kiosk is already enrolled (%s/device_token); use "
                     "--force to enrol it again\n",
                     data_dir.c_str());
        return 1;
    }
    vmeste::sync::GatewayClient gw({platform, ""}, vmeste::sync::make_curl_transport());
    auto e = gw.enrol(code, serial, "vmestectl");
    if (!e) {
        std::fprintf(stderr, "vmestectl enrol: %s\n", e.error().message.c_str());
        return 1;
    }
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (auto w = vmeste::core::store_device_id(data_dir, e->device_id); !w) {
        std::fprintf(stderr, "vmestectl enrol: %s\n", w.error().message.c_str());
        return 1;
    }
    if (auto w = vmeste::core::store_device_token(data_dir, e->token); !w) {
        std::fprintf(stderr, "vmestectl enrol: %s\n", w.error().message.c_str());
        return 1;
    }
    // The token itself is a secret: it is never printed.
    std::printf("enrolled as %s (%s); token stored in %s/device_token\n", e->device_id.c_str(),
                e->site_name.empty() ? "no site" : e->site_name.c_str(), data_dir.c_str());
    return 0;
}

const char* outcome_name(vmeste::drivers::SelfTestResult::Outcome o) {
    using O = vmeste::drivers::SelfTestResult::Outcome;
    return o == O::kOk ? "ok" : o == O::kWarning ? "WARNING" : "FAILED";
}

int selftest(const std::vector<std::string>& args) {
    using namespace vmeste;
    core::Config cfg;
    bool print = true, speech = true;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size()) {
            auto c = core::load_config_file(args[++i], cfg);
            if (!c) {
                std::fprintf(stderr, "vmestectl selftest: %s\n", c.error().message.c_str());
                return 2;
            }
            cfg = *c;
        } else if (args[i] == "--no-print") {
            print = false;
        } else if (args[i] == "--no-speech") {
            speech = false;
        } else {
            std::fprintf(stderr, "vmestectl selftest: unexpected '%s'\n", args[i].c_str());
            return 2;
        }
    }
    std::vector<drivers::SelfTestResult> results;
    SystemClock clock;
    if (auto cam = drivers::open_camera(cfg.camera, clock)) {
        results.push_back(drivers::camera_self_test(**cam));
        (*cam)->stop();
    } else {
        results.push_back({drivers::SelfTestResult::Outcome::kFailed,
                           "camera",
                           "selftest.camera.bad_config",
                           {cfg.camera},
                           cam.error().message});
    }
    if (print && cfg.printer != "none") {
        char when[32];
        const std::time_t t = std::time(nullptr);
        std::strftime(when, sizeof when, "%d.%m.%Y %H:%M", std::localtime(&t));
        if (auto p = drivers::open_printer(cfg.printer))
            results.push_back(drivers::printer_self_test(**p, when));
        else
            results.push_back({drivers::SelfTestResult::Outcome::kFailed,
                               "printer",
                               "selftest.printer.unavailable",
                               {cfg.printer},
                               p.error().message});
    }
    if (speech) {
        auto speaker = drivers::make_espeak_speaker();
        results.push_back(drivers::speech_self_test(*speaker, "ru"));
        for (int i = 0; i < 500 && speaker->speaking(); ++i) usleep(10'000);
    }
    bool failed = false;
    for (const auto& r : results) {
        std::string args_text;
        for (const auto& a : r.args) args_text += (args_text.empty() ? "" : ", ") + a;
        std::printf("%-8s %-8s %s (%s)%s%s\n", r.device.c_str(), outcome_name(r.outcome),
                    r.key.c_str(), args_text.c_str(), r.technical.empty() ? "" : " — ",
                    r.technical.c_str());
        failed |= r.outcome == drivers::SelfTestResult::Outcome::kFailed;
    }
    return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace vmeste;
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string data_dir = "/var/lib/vmeste";
    std::vector<std::string> rest;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--help" || args[i] == "-h") {
            std::fputs(kHelp, stdout);
            return 0;
        }
        if (args[i] == "--data-dir") {
            if (i + 1 >= args.size()) {
                std::fputs("vmestectl: --data-dir needs a value\n", stderr);
                return 2;
            }
            data_dir = args[++i];
        } else {
            rest.push_back(args[i]);
        }
    }
    if (rest.empty()) {
        std::fputs(kHelp, stderr);
        return 2;
    }
    if (rest[0] == "enrol") return enrol(data_dir, {rest.begin() + 1, rest.end()});
    if (rest[0] == "selftest") return selftest({rest.begin() + 1, rest.end()});
    if (rest[0] == "config" && rest.size() == 3 && rest[1] == "check") {
        // Before a file goes to /etc/vmeste: every mistake with its line, key and reason.
        auto c = core::load_config_file(rest[2]);
        if (!c) {
            std::fprintf(stderr, "%s\n", c.error().message.c_str());
            return 1;
        }
        std::printf("%s: OK\n", rest[2].c_str());
        return 0;
    }
    if (rest[0] == "config" && rest.size() == 2 && rest[1] == "keys") {
        for (const auto& k : core::config_keys()) std::printf("%s\n", k.c_str());
        return 0;
    }
    if (rest[0] == "make-demo-map") {
        core::DemoMapOptions o;
        if (rest.size() != 2 && rest.size() != 4) {
            std::fputs("vmestectl make-demo-map: FILE [LAT LON]\n", stderr);
            return 2;
        }
        if (rest.size() == 4) {
            char* end = nullptr;
            o.lat = std::strtod(rest[2].c_str(), &end);
            const bool lat_ok = *end == 0 && o.lat > -85 && o.lat < 85;
            o.lon = std::strtod(rest[3].c_str(), &end);
            if (!lat_ok || *end != 0 || o.lon < -180 || o.lon > 180) {
                std::fputs("vmestectl make-demo-map: LAT and LON are degrees\n", stderr);
                return 2;
            }
        }
        if (auto r = core::write_demo_map(rest[1], o); !r) {
            std::fprintf(stderr, "vmestectl: %s\n", r.error().message.c_str());
            return 1;
        }
        std::printf("%s: demo map around %.5f, %.5f\n", rest[1].c_str(), o.lat, o.lon);
        return 0;
    }
    core::StoreOptions options;
    options.data_dir = data_dir;
    auto store = core::AppealStore::open(options);
    if (!store) {
        std::fprintf(stderr, "vmestectl: %s\n", store.error().message.c_str());
        return 1;
    }
    if (rest[0] == "status") {
        auto f = (*store)->queue_figures();
        if (!f) {
            std::fprintf(stderr, "vmestectl: %s\n", f.error().message.c_str());
            return 1;
        }
        std::printf("queued appeals: %lld (%lld KiB)\n", static_cast<long long>(f->queued_appeals),
                    static_cast<long long>(f->queued_bytes / 1024));
        std::printf("pending:     %lld\ndelivered:   %lld\nquarantined: %lld\n",
                    static_cast<long long>(f->pending), static_cast<long long>(f->delivered),
                    static_cast<long long>(f->quarantined));
        const long long now_ms = static_cast<long long>(std::time(nullptr)) * 1000;
        auto ago = [&](int64_t t) { return std::to_string((now_ms - t) / 1000) + " s ago"; };
        std::printf("oldest pending:  %s\n",
                    f->oldest_pending_unix_ms ? ago(*f->oldest_pending_unix_ms).c_str() : "-");
        std::printf("last success:    %s\n",
                    f->last_success_unix_ms ? ago(*f->last_success_unix_ms).c_str() : "never");
        if (f->next_attempt_unix_ms) {
            const long long in_s =
                std::max<long long>(0, (*f->next_attempt_unix_ms - now_ms) / 1000);
            std::printf("next attempt:    in %lld s\n", in_s);
        } else {
            std::printf("next attempt:    - (nothing pending)\n");
        }
        std::printf("last error:      %s\n", f->last_error.empty() ? "-" : f->last_error.c_str());
        return 0;
    }
    if (rest[0] == "find" && rest.size() == 2) {
        auto a = (*store)->find_by_receipt(rest[1]);
        if (!a) {
            std::fprintf(stderr, "vmestectl: %s\n", a.error().message.c_str());
            return 1;
        }
        if (!*a) {
            std::fprintf(stderr, "vmestectl: no appeal with receipt %s\n", rest[1].c_str());
            return 1;
        }
        std::printf("receipt:   %s\ncategory:  %s\nstatus:    %s\nplatform:  %s\n",
                    (*a)->appeal.receipt_number.c_str(), (*a)->appeal.category_id.c_str(),
                    (*a)->status.c_str(),
                    (*a)->platform_id.empty() ? "-" : (*a)->platform_id.c_str());
        return 0;
    }
    if (rest[0] == "set-pin" && rest.size() == 2) {
        // The PIN comes on standard input (never on the command line, where `ps` shows it).
        if (rest[1] != "staff" && rest[1] != "technician") {
            std::fputs("vmestectl set-pin: the role is staff or technician\n", stderr);
            return 2;
        }
        std::string pin;
        std::getline(std::cin, pin);
        while (!pin.empty() && (pin.back() == '\r' || pin.back() == ' ')) pin.pop_back();
        SystemClock clock;
        auto access = core::MaintenanceAccess::open(data_dir, clock);
        if (!access) {
            std::fprintf(stderr, "vmestectl set-pin: %s\n", access.error().message.c_str());
            return 1;
        }
        const core::Role role = rest[1] == "staff" ? core::Role::kStaff : core::Role::kTechnician;
        if (auto r = access->set_pin(role, pin); !r) {
            std::fprintf(stderr, "vmestectl set-pin: %s\n", r.error().message.c_str());
            return 1;
        }
        (*store)->audit("vmestectl", "set-pin", rest[1], "", clock.unix_millis());
        std::printf("the %s PIN is set\n", rest[1].c_str());
        return 0;
    }
    if (rest[0] == "retry-quarantine" && rest.size() == 1) {
        auto n = (*store)->release_quarantine("vmestectl",
                                              static_cast<int64_t>(std::time(nullptr)) * 1000);
        if (!n) {
            std::fprintf(stderr, "vmestectl: %s\n", n.error().message.c_str());
            return 1;
        }
        std::printf("%d item(s) back in the queue\n", *n);
        return 0;
    }
    std::fprintf(stderr, "vmestectl: unknown command '%s'\n%s", rest[0].c_str(), kHelp);
    return 2;
}
