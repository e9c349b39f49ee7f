// vmestectl: inspect and look after a kiosk's data directory: `status` (queue figures), `find
// RECEIPT` (one appeal's state, without its text), `enrol` (one-time code → device token),
// `retry-quarantine`. Issue #8 grows it (provisioning, export).
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/vt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "drivers/self_test.h"
#include "drivers/watchdog/watchdog.h"
#include "kiosk/base/local_time.h"
#include "kiosk/core/appeal_store.h"
#include "kiosk/core/control.h"
#include "kiosk/core/data_dir_lock.h"
#include "kiosk/core/diagnostics.h"
#include "kiosk/core/kiosk.h"
#include "kiosk/core/maintenance_access.h"
#include "kiosk/core/open311_setup.h"
#include "kiosk/core/platform_jobs.h"
#include "kiosk/core/provisioning.h"
#include "kiosk/core/region_pack.h"
#include "kiosk/core/sealed_key.h"
#include "kiosk/core/unsent_export.h"
#include "kiosk/core/update_state.h"
#include "sync/gateway_client.h"

namespace {

const char* kHelp =
    "Usage: vmestectl [--data-dir DIR] COMMAND\n"
    "  status [--json] [--config FILE]\n"
    "                    queue depth, delivered, quarantined, oldest pending, last success,\n"
    "                    next attempt, last error, ratings/votes/+1s waiting, enrolment, what\n"
    "                    the updater last did (the config's update_state_file; --config FILE,\n"
    "                    else /etc/vmeste/kiosk.toml when there is one)\n"
    "  retry             make the running kiosk send its queue now (over its control socket,\n"
    "                    DATA_DIR/control.sock, 0600)\n"
    "  export-diagnostics FILE.tar.gz\n"
    "                    status, store statistics, audit log, config without secrets, synced\n"
    "                    versions and the last day's journal; no personal data\n"
    "  find RECEIPT      the state of one appeal (no personal data is printed)\n"
    "  enrol [--platform URL] [--config FILE] [--serial S] [--force] CODE\n"
    "                    exchange a one-time enrolment code for the device token, stored 0600\n"
    "                    in the data dir (refused when already enrolled, unless --force)\n"
    "  provision [--platform URL] [--config FILE] [--serial S] [--no-print] CODE\n"
    "                    first-boot provisioning from a shell: enrolment, the platform's\n"
    "                    catalogue, polls, calendar and settings, device checks, and a printed\n"
    "                    provisioning receipt (device id, site, results); exit 1 on a failure\n"
    "  retry-quarantine  put every quarantined item back in the queue (audited)\n"
    "  read-export FILE  what a terminal's export of unsent appeals holds (receipts, kinds,\n"
    "                    counts; no content); the passphrase is read from standard input\n"
    "  deliver-export [--platform URL] [--config FILE] FILE\n"
    "                    send an export's appeals, photos, ratings, votes and +1s to the\n"
    "                    platform with their original keys (the platform keeps one copy even if\n"
    "                    the terminal sends them too), as the device enrolled in the data dir;\n"
    "                    the passphrase on standard input; exit 1 when any was not taken\n"
    "                    (enrol, provision and deliver-export talk to the platform with the TLS\n"
    "                    settings of --config FILE, else of /etc/vmeste/kiosk.toml when there is\n"
    "                    one: tls_ca_file, tls_pinned_public_key, allow_plain_http; --platform\n"
    "                    defaults to its platform_url)\n"
    "  set-pin staff|technician\n"
    "                    set a maintenance PIN (staff 4-12 digits, technician 6-12; read from\n"
    "                    standard input; stored as an argon2id hash in DATA_DIR/access.json;\n"
    "                    audited). The role's count of wrong PINs and its lock are cleared\n"
    "  unlock-pin [staff|technician]\n"
    "                    lift the PIN pad's lock and clear the count of wrong PINs for a role\n"
    "                    (both without one); a running kiosk takes it at once; audited\n"
    "  seal-key [--pcrs LIST]\n"
    "                    seal the device key (DATA_DIR/device.key, or a new one on a fresh\n"
    "                    install) to this terminal's TPM 2.0 (systemd-creds, PCR 7 unless --pcrs\n"
    "                    names others) and have both units load it; the plaintext file is\n"
    "                    overwritten and removed. Root, with the kiosk stopped\n"
    "  unseal-key        the sealed key back into DATA_DIR/device.key (before a Secure Boot\n"
    "                    change: the TPM would no longer open it); root, kiosk stopped\n"
    "  net-allow [--config FILE] [--also ADDR[/BITS]]... [--write [--root DIR]]\n"
    "                    limit both units to the platform's (and the Open311 server's) addresses\n"
    "                    as they resolve now, the name servers and --also (a proxy, a network):\n"
    "                    a systemd drop-in with IPAddressDeny=any, printed or written (as root)\n"
    "  selftest [--config FILE] [--no-print] [--no-speech]\n"
    "                    camera, printer (a test page) and speech self-tests on the devices\n"
    "                    the config names; exit 1 when one failed\n"
    "  config check FILE check a TOML config file: every mistake with its line, key and reason;\n"
    "                    exit 1 when there is one\n"
    "  config keys       every key a config file may set (packaging/vmeste.toml has them all)\n"
    "  open311 services --config FILE\n"
    "                    the Open311 server's services and each one's questions (attributes:\n"
    "                    code, type, required), as the server lists them\n"
    "  open311 map --config FILE [--set CATEGORY=CODE]... [--fallback CODE]\n"
    "                    [--needs-coordinates yes|no]\n"
    "                    read the services again, keep the mapping of the catalogue onto them\n"
    "                    (a first guess for categories without one), apply the changes given,\n"
    "                    save DATA_DIR/open311.json and print every category with its service;\n"
    "                    exit 1 while a category reaches no service\n"
    "  vt-lock [TTY]     bring the kiosk's console (default /dev/tty1) to the front and lock\n"
    "                    console switching (Ctrl+Alt+F*) until vt-unlock; root (the KMS/DRM\n"
    "                    unit runs it before the kiosk starts and after it stops)\n"
    "  vt-unlock [TTY]   allow console switching again\n"
    "  region install PACK [--sha256 HEX] [--allow-older]\n"
    "                    check a region pack (docs/map.md) against its SHA-256 (PACK.sha256\n"
    "                    beside it, or HEX), copy it into DATA_DIR/region/ and make it the\n"
    "                    terminal's map and addresses; the kiosk takes it at its next start\n"
    "  region status     the terminal's region pack, or that it has none\n"
    "Default data dir: /var/lib/vmeste. Exit codes: 0 ok, 1 failure, 2 usage.\n";

// VT_LOCKSWITCH is one switch for the whole console system: it holds until VT_UNLOCKSWITCH,
// whoever set it. Needs CAP_SYS_TTY_CONFIG.
int vt_lock(const std::vector<std::string>& args, bool lock) {
    const std::string tty = args.empty() ? "/dev/tty1" : args[0];
    const char* cmd = lock ? "vt-lock" : "vt-unlock";
    const int fd = ::open(tty.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        std::fprintf(stderr, "vmestectl %s: %s: %s\n", cmd, tty.c_str(), std::strerror(errno));
        return 1;
    }
    vt_stat st{};
    if (ioctl(fd, VT_GETSTATE, &st) != 0) {
        std::fprintf(stderr, "vmestectl %s: %s is not a virtual console\n", cmd, tty.c_str());
        ::close(fd);
        return 1;
    }
    int rc = 0;
    if (lock) {
        // The kiosk's console in front first: locked anywhere else, the screen would stay there.
        const int n = std::atoi(tty.c_str() + tty.find_first_of("0123456789"));
        if (n > 0 && st.v_active != n &&
            (ioctl(fd, VT_ACTIVATE, n) != 0 || ioctl(fd, VT_WAITACTIVE, n) != 0)) {
            std::fprintf(stderr, "vmestectl vt-lock: cannot switch to %s: %s\n", tty.c_str(),
                         std::strerror(errno));
            rc = 1;
        }
    }
    if (rc == 0 && ioctl(fd, lock ? VT_LOCKSWITCH : VT_UNLOCKSWITCH, 0) != 0) {
        std::fprintf(stderr, "vmestectl %s: %s%s\n", cmd, std::strerror(errno),
                     errno == EPERM ? " (needs root)" : "");
        rc = 1;
    }
    ::close(fd);
    if (rc == 0)
        std::printf(lock ? "console switching locked on %s\n" : "console switching allowed\n",
                    tty.c_str());
    return rc;
}

// Run as root (`echo PIN | sudo vmestectl set-pin staff`), a command that touches the data
// directory works as the directory's owner — the service's user — so every file it creates is
// one the kiosk can read: a root-owned 0600 device.key or access.json would stop the kiosk
// starting or leave it with "no PINs" (issue #20). False, said, when the switch fails.
bool become_data_dir_owner(const std::string& data_dir, const std::string& command) {
    if (::geteuid() != 0) return true;
    struct stat st {};
    if (::stat(data_dir.c_str(), &st) != 0 || st.st_uid == 0) return true;  // root's own, or new
    if (::setgroups(0, nullptr) != 0 || ::setgid(st.st_gid) != 0 || ::setuid(st.st_uid) != 0) {
        std::fprintf(stderr, "vmestectl %s: cannot act as the owner of %s (uid %u): %s\n",
                     command.c_str(), data_dir.c_str(), static_cast<unsigned>(st.st_uid),
                     std::strerror(errno));
        return false;
    }
    return true;
}

// The device key when it is sealed to the TPM: opened in main() while still root.
std::optional<vmeste::core::DeviceKey> g_unsealed_key;

vmeste::core::StoreOptions store_options_for(const std::string& data_dir) {
    vmeste::core::StoreOptions o;
    o.data_dir = data_dir;
    o.device_key = g_unsealed_key;
    return o;
}

std::string default_serial() {
    return vmeste::core::machine_serial();
}

// The packaged kiosk's config: its TLS settings are the terminal's.
constexpr const char* kPackagedConfig = "/etc/vmeste/kiosk.toml";

// What a command that talks to the platform needs from the config (issue #20, point 8): the
// file given with --config, else the packaged one when it is there, else the defaults (the
// system's CAs, https only). The platform URL given, else the config file's; refused (said,
// nullopt) when it is plain http:// that the config does not allow, or when a file does not load.
struct Platform {
    std::string url;
    vmeste::core::Config config;
    vmeste::sync::TransportOptions transport;
};
// The terminal's config: the file given with --config, else the packaged one when it is there
// (`from_file` says whether either was read), else the defaults; nullopt (said) when a file does
// not load.
std::optional<vmeste::core::Config> terminal_config(const std::string& command,
                                                    const std::string& config_file,
                                                    vmeste::core::Config base = {},
                                                    bool* from_file = nullptr) {
    std::string path = config_file;
    if (path.empty() && std::filesystem::exists(kPackagedConfig)) path = kPackagedConfig;
    if (from_file) *from_file = !path.empty();
    if (path.empty()) return base;
    auto c = vmeste::core::load_config_file(path, base);
    if (!c) {
        std::fprintf(stderr, "vmestectl %s: %s\n", command.c_str(), c.error().message.c_str());
        return std::nullopt;
    }
    return std::move(c).value();
}

std::optional<Platform> platform_for(const std::string& command, std::string url,
                                     const std::string& config_file,
                                     vmeste::core::Config base = {}) {
    using namespace vmeste;
    bool from_file = false;
    auto loaded = terminal_config(command, config_file, std::move(base), &from_file);
    if (!loaded) return std::nullopt;
    core::Config cfg = std::move(*loaded);
    if (url.empty() && from_file) url = cfg.platform_url;  // a file's, never the default
    if (url.empty()) return Platform{url, cfg, core::transport_options(cfg)};  // said by caller
    if (auto ok = sync::check_transport_url(url, cfg.allow_plain_http); !ok) {
        std::fprintf(stderr, "vmestectl %s: %s\n", command.c_str(), ok.error().message.c_str());
        return std::nullopt;
    }
    return Platform{url, cfg, core::transport_options(cfg)};
}

// The one-time code for the device id and token, both stored durably (the token 0600).
vmeste::Result<vmeste::sync::replies::Enrolment> enrol_and_store(const std::string& data_dir,
                                                                 const Platform& platform,
                                                                 const std::string& serial,
                                                                 const std::string& code) {
    vmeste::sync::GatewayClient gw({platform.url, ""},
                                   vmeste::sync::make_curl_transport(platform.transport));
    auto e = gw.enrol(code, serial, "vmestectl");
    if (!e) return e.error();
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (auto w = vmeste::core::store_device_id(data_dir, e->device_id); !w) return w.error();
    if (auto w = vmeste::core::store_device_token(data_dir, e->token); !w) return w.error();
    return e;
}

int enrol(const std::string& data_dir, const std::vector<std::string>& args) {
    std::string platform, config_file, serial = default_serial(), code;
    bool force = false;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--platform" && i + 1 < args.size())
            platform = args[++i];
        else if (args[i] == "--config" && i + 1 < args.size())
            config_file = args[++i];
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
    const auto target = platform_for("enrol", platform, config_file);
    if (!target) return 2;
    if (target->url.empty() || code.empty()) {
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
    auto e = enrol_and_store(data_dir, *target, serial, code);
    if (!e) {
        std::fprintf(stderr, "vmestectl enrol: %s\n", e.error().message.c_str());
        return 1;
    }
    // The token itself is a secret: it is never printed.
    std::printf("enrolled as %s (%s); token stored in %s/device_token\n", e->device_id.c_str(),
                e->site_name.empty() ? "no site" : e->site_name.c_str(), data_dir.c_str());
    return 0;
}

// Everything `status` knows, as JSON (also the diagnostics' status.json). No personal data.
vmeste::Result<nlohmann::json> status_json(vmeste::core::AppealStore& store,
                                           const std::string& data_dir) {
    auto text = vmeste::core::status_report(store, data_dir);
    if (!text) return text.error();
    return nlohmann::json::parse(*text);
}

void print_status(const nlohmann::json& st) {
    auto num = [&](const char* k) { return st[k].get<long long>(); };
    std::printf("queued appeals: %lld (%lld KiB)\n", num("queued_appeals"),
                num("queued_bytes") / 1024);
    std::printf("pending:     %lld\ndelivered:   %lld\nquarantined: %lld\n", num("pending"),
                num("delivered"), num("quarantined"));
    std::printf("ratings, votes, +1s waiting: %lld\n", num("pending_citizen_actions"));
    const long long now_ms = num("now_unix_ms");
    auto ago = [&](const char* k) {
        return st[k].is_null()
                   ? std::string("-")
                   : std::to_string((now_ms - st[k].get<long long>()) / 1000) + " s ago";
    };
    std::printf("oldest pending:  %s\n", ago("oldest_pending_unix_ms").c_str());
    std::printf("last success:    %s\n", st["last_success_unix_ms"].is_null()
                                             ? "never"
                                             : ago("last_success_unix_ms").c_str());
    if (!st["next_attempt_unix_ms"].is_null())
        std::printf("next attempt:    in %lld s\n",
                    std::max<long long>(0, (num("next_attempt_unix_ms") - now_ms) / 1000));
    else
        std::printf("next attempt:    - (nothing pending)\n");
    const std::string err = st["last_error"].get<std::string>();
    std::printf("last error:      %s\n", err.empty() ? "-" : err.c_str());
    std::printf("device key:      %s\n",
                st.value("device_key", std::string()) == "tpm"
                    ? "sealed to this terminal's TPM"
                    : "a file beside the data (not sealed: `vmestectl seal-key` on a TPM)");
    if (st.value("running", false) && st.contains("live") && st["live"].is_object()) {
        const auto& live = st["live"];
        std::printf("kiosk:           running, version %s\n",
                    live.value("version", std::string("?")).c_str());
        const std::string problem = live.value("config_problem", std::string());
        if (!problem.empty()) std::printf("config problem:  %s\n", problem.c_str());
        const long long hb = live.value("last_heartbeat_unix_ms", 0LL);
        std::printf(
            "last heartbeat:  %s\n",
            hb > 0 ? (std::to_string((now_ms - hb) / 1000) + " s ago").c_str() : "none yet");
    } else {
        std::printf("kiosk:           not running (read from the data directory)\n");
    }
    // The image's updater's record (docs/image.md "Updates"): from the kiosk, or from the file.
    const auto& u = st.contains("update") ? st["update"] : nlohmann::json();
    if (u.is_object() && u.contains("state")) {
        const std::string state = u.value("state", std::string());
        std::printf("update:          %s, package %s", state.c_str(),
                    u.value("version", std::string("?")).c_str());
        if (state != "committed")
            std::printf(" (%s -> %s)", u.value("from", std::string("?")).c_str(),
                        u.value("to", std::string("?")).c_str());
        const std::string reason = u.value("reason", std::string());
        if (!reason.empty()) std::printf(", reason: %s", reason.c_str());
        const long long at = u.value("at", 0LL);
        if (at > 0) std::printf(", %lld s ago", (now_ms / 1000 - at));
        std::printf("\n");
    }
}

int export_diagnostics(vmeste::core::AppealStore& store, const std::string& data_dir,
                       const std::string& out_file) {
    if (auto r = vmeste::core::write_diagnostics(store, data_dir, out_file); !r) {
        std::fprintf(stderr, "vmestectl export-diagnostics: %s\n", r.error().message.c_str());
        return 1;
    }
    std::printf("diagnostics written to %s\n", out_file.c_str());
    return 0;
}

// The devices the config names: camera, printer (a test page) and speech, each its result.
std::vector<vmeste::drivers::SelfTestResult> run_self_tests(const vmeste::core::Config& cfg,
                                                            bool print, bool speech) {
    using namespace vmeste;
    std::vector<drivers::SelfTestResult> results;
    SystemClock clock;
    if (auto cam = drivers::open_camera(cfg.camera, clock)) {
        results.push_back(drivers::camera_self_test(**cam));
        (*cam)->stop();
    } else if (cam.error().code == ErrorCode::kNotFound) {  // camera = auto, none found
        results.push_back({drivers::SelfTestResult::Outcome::kFailed,
                           "camera",
                           "selftest.camera.missing",
                           {},
                           cam.error().message});
    } else {
        results.push_back({drivers::SelfTestResult::Outcome::kFailed,
                           "camera",
                           "selftest.camera.bad_config",
                           {cfg.camera},
                           cam.error().message});
    }
    if (print && cfg.printer != "none") {
        if (auto p = drivers::open_printer(cfg.printer))
            results.push_back(drivers::printer_self_test(
                **p, local_time::date_time(clock.unix_millis()), cfg.printer_columns));
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
    return results;
}

void print_results(const std::vector<vmeste::drivers::SelfTestResult>& results) {
    for (const auto& r : results) {
        std::string args_text;
        for (const auto& a : r.args) args_text += (args_text.empty() ? "" : ", ") + a;
        std::printf("%-8s %-8s %s (%s)%s%s\n", r.device.c_str(),
                    vmeste::core::outcome_word(r.outcome), r.key.c_str(), args_text.c_str(),
                    r.technical.empty() ? "" : " — ", r.technical.c_str());
    }
}

// Provisioning from the technician's laptop or SSH (the on-screen wizard is the other way):
// enrolment, the platform's documents and settings, the device checks, a printed receipt.
int provision(const std::string& data_dir, const std::vector<std::string>& args) {
    using namespace vmeste;
    std::string platform, config_file, serial = default_serial(), code;
    bool print = true;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--platform" && i + 1 < args.size()) {
            platform = args[++i];
        } else if (args[i] == "--serial" && i + 1 < args.size()) {
            serial = args[++i];
        } else if (args[i] == "--config" && i + 1 < args.size()) {
            config_file = args[++i];
        } else if (args[i] == "--no-print") {
            print = false;
        } else if (code.empty() && !args[i].starts_with("--")) {
            code = args[i];
        } else {
            std::fprintf(stderr, "vmestectl provision: unexpected '%s'\n", args[i].c_str());
            return 2;
        }
    }
    const auto target = platform_for("provision", platform, config_file);
    if (!target) return 2;
    if (target->url.empty() || code.empty()) {
        std::fprintf(stderr, "vmestectl provision: needs --platform URL and the code\n");
        return 2;
    }
    platform = target->url;
    core::Config cfg = target->config;
    cfg.data_dir = data_dir;
    cfg.platform_url = platform;
    if (!core::read_device_token(data_dir).empty()) {
        std::fprintf(stderr,
                     "vmestectl provision: this kiosk is already enrolled (%s/device_token); "
                     "re-provisioning starts with `enrol --force`\n",
                     data_dir.c_str());
        return 1;
    }
    // 1. Enrolment.
    auto e = enrol_and_store(data_dir, *target, serial, code);
    if (!e) {
        std::fprintf(stderr, "vmestectl provision: enrolment: %s\n", e.error().message.c_str());
        return 1;
    }
    std::printf("enrolled        %s (%s)\n", e->device_id.c_str(),
                e->site_name.empty() ? "no site" : e->site_name.c_str());
    // 2. The platform's catalogue, polls, calendar and settings (the heartbeat brings those).
    core::ProvisioningReport report{e->device_id,
                                    e->site_name,
                                    platform,
                                    serial,
                                    local_time::date_time(SystemClock().unix_millis()),
                                    {},
                                    {}};
    report.platform = core::fetch_platform_documents(store_options_for(data_dir), platform,
                                                     e->token, target->transport);
    {
        std::string map = cfg.map_file;
        if (map.empty())
            if (auto active = core::active_region_pack(data_dir)) map = active->file;
        if (auto pack = map.empty()
                            ? Result<core::RegionPackInfo>(make_error(ErrorCode::kNotFound, ""))
                            : core::read_region_pack(map))
            report.region = pack->summary();
    }
    if (cfg.adapter == "open311") {
        // The city's services and the mapping onto them, and the МФЦ's coordinates.
        auto transport = sync::make_curl_transport(target->transport);
        const core::CategoryCatalog catalogue =
            core::PlatformJobs::load_synced_catalogue(data_dir).value_or(
                core::CategoryCatalog::bundled());
        for (auto& step : core::provision_open311(
                 cfg, catalogue, *transport, SystemClock().unix_millis(), &report.open311_mapping))
            report.platform.push_back(std::move(step));
    }
    for (const auto& s : report.platform)
        std::printf("%-15s %s\n", s.name.c_str(), s.ok ? "ok" : "FAILED");
    // 3. The devices; 4. the receipt that proves it, on the terminal's own printer.
    report.devices = run_self_tests(cfg, print, false);
    print_results(report.devices);
    bool ok = report.ok();
    if (print && cfg.printer != "none") {
        // Printed only when the printer confirmed it (drivers/printer/print_job.h).
        const auto r = drivers::print_confirmed(
            cfg.printer, core::provisioning_receipt(report, cfg.printer_columns));
        if (r.printed())
            std::printf("receipt         printed\n");
        else
            std::printf("receipt         NOT printed: %s (%s)\n",
                        drivers::print_problem_name(r.problem), r.detail.c_str());
        ok &= r.printed();
    }
    if (auto s = core::AppealStore::open(store_options_for(data_dir)))
        (*s)->audit("vmestectl", "provision", e->device_id, ok ? "ok" : "with failures",
                    static_cast<int64_t>(std::time(nullptr)) * 1000);
    std::printf("%s\n", ok ? "provisioned: the kiosk starts in citizen mode"
                           : "provisioned with failures (see above)");
    return ok ? 0 : 1;
}

// The passphrase of an export, from standard input (never the command line: `ps` shows it).
std::string read_passphrase() {
    std::string p;
    std::getline(std::cin, p);
    while (!p.empty() && (p.back() == '\r' || p.back() == ' ')) p.pop_back();
    return p;
}

int read_export(const std::string& file) {
    auto c = vmeste::core::read_unsent_export(file, read_passphrase());
    if (!c) {
        std::fprintf(stderr, "vmestectl read-export: %s\n", c.error().message.c_str());
        return 1;
    }
    std::printf("device:   %s\nexported: %s\n", c->device_id.c_str(),
                vmeste::local_time::date_time(c->created_unix_ms).c_str());
    std::map<std::string, int> kinds;
    for (const auto& it : c->items) {
        ++kinds[it.kind];
        if (it.kind != "media")
            std::printf("%-8s %-10s %s%s\n", it.kind.c_str(),
                        it.receipt_number.empty() ? "-" : it.receipt_number.c_str(), it.key.c_str(),
                        it.quarantined ? "  (quarantined)" : "");
    }
    for (const auto& [k, n] : kinds) std::printf("%s: %d\n", k.c_str(), n);
    return 0;
}

// A queue the export's delivery does not need (the gateway adapter sends what it is given).
class NoQueue final : public vmeste::sync::OutboxQueue {
  public:
    vmeste::Result<std::optional<vmeste::sync::OutboxItem>> next_due(int64_t) override {
        return std::optional<vmeste::sync::OutboxItem>{};
    }
    std::optional<int64_t> earliest_due() override { return std::nullopt; }
    vmeste::Result<void> mark_delivered(const vmeste::sync::OutboxItem&, const std::string&,
                                        const std::string&) override {
        return {};
    }
    vmeste::Result<void> schedule_retry(const vmeste::sync::OutboxItem&, int64_t,
                                        const std::string&) override {
        return {};
    }
    vmeste::Result<void> quarantine(const vmeste::sync::OutboxItem&, const std::string&) override {
        return {};
    }
};

int deliver_export(const std::string& data_dir, const std::vector<std::string>& args) {
    using namespace vmeste;
    std::string platform, config_file, file;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--platform" && i + 1 < args.size())
            platform = args[++i];
        else if (args[i] == "--config" && i + 1 < args.size())
            config_file = args[++i];
        else if (file.empty() && !args[i].starts_with("--"))
            file = args[i];
        else {
            std::fprintf(stderr, "vmestectl deliver-export: unexpected '%s'\n", args[i].c_str());
            return 2;
        }
    }
    const auto target = platform_for("deliver-export", platform, config_file);
    if (!target) return 2;
    if (target->url.empty() || file.empty()) {
        std::fprintf(stderr, "vmestectl deliver-export: needs --platform URL and the file\n");
        return 2;
    }
    const std::string token = core::read_device_token(data_dir);
    if (token.empty()) {
        std::fprintf(stderr, "vmestectl deliver-export: %s is not enrolled (no device_token)\n",
                     data_dir.c_str());
        return 1;
    }
    auto c = core::read_unsent_export(file, read_passphrase());
    if (!c) {
        std::fprintf(stderr, "vmestectl deliver-export: %s\n", c.error().message.c_str());
        return 1;
    }
    sync::GatewayClient gw({target->url, token}, sync::make_curl_transport(target->transport));
    NoQueue queue;
    int taken = 0, refused = 0;
    for (const auto& it : c->items) {
        sync::DeliveryOutcome out;
        // Three tries a few seconds apart for what the platform asks to repeat; the file stays,
        // so the whole command can run again (the keys make repeats harmless).
        for (int attempt = 0; attempt < 3; ++attempt) {
            const int64_t now = static_cast<int64_t>(std::time(nullptr)) * 1000;
            if (it.kind == "media" || it.kind == "appeal")
                out = gw.deliver({0, it.kind, it.key, it.body, 0, it.sha256}, queue, now);
            else
                out = gw.send_action(it.path, it.key, it.body, now);
            if (out.verdict != sync::Verdict::kRetry) break;
            sleep(2 * (attempt + 1));
        }
        // A vote the platform already has from this person is its final word, not a loss.
        const bool ok =
            out.verdict == sync::Verdict::kDone || (it.kind == "vote" && out.http_status == 409);
        ok ? ++taken : ++refused;
        if (it.kind != "media" || !ok)
            std::printf("%-8s %-10s %s%s%s\n", it.kind.c_str(),
                        it.receipt_number.empty() ? "-" : it.receipt_number.c_str(),
                        ok ? "delivered" : "NOT delivered", ok ? "" : ": ",
                        ok ? "" : out.reason.c_str());
    }
    std::printf("%d delivered, %d not\n", taken, refused);
    return refused == 0 ? 0 : 1;
}

// The addresses a host name stands for now (numeric forms as they are), "" when it has none.
std::vector<std::string> addresses_of(const std::string& host) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::vector<std::string> out;
    if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return out;
    for (addrinfo* a = found; a; a = a->ai_next) {
        char text[INET6_ADDRSTRLEN] = {};
        const void* bytes =
            a->ai_family == AF_INET
                ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
        if (::inet_ntop(a->ai_family, bytes, text, sizeof text) &&
            std::find(out.begin(), out.end(), text) == out.end())
            out.emplace_back(text);
    }
    ::freeaddrinfo(found);
    return out;
}

// The host of an http(s) URL ("[::1]" without its brackets).
std::string url_host(std::string_view url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    url.remove_prefix(scheme + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    if (const size_t at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
    if (url.starts_with('[')) return std::string(url.substr(1, url.find(']') - 1));
    return std::string(url.substr(0, url.find(':')));
}

// `net-allow`: the units may reach only the platform (and the Open311 server, the name servers,
// what --also names: a proxy, a network) — issue #20, point 10. A systemd drop-in for both units
// with IPAddressDeny=any and the addresses the config's hosts resolve to now; printed, or with
// --write put in ROOT/etc/systemd/system/UNIT.d/50-vmeste-ip-allow.conf. Addresses change: run it
// again when the platform moves (its address is in the drop-in's comment).
constexpr const char* kUnits[] = {"vmeste-kiosk.service", "vmeste-kiosk-cage.service"};

// A drop-in for both units under ROOT/etc/systemd/system; false, said, when one is not written.
bool write_dropins(const char* cmd, const std::string& root, const std::string& name,
                   const std::string& body) {
    for (const char* unit : kUnits) {
        const std::string dir = root + "/etc/systemd/system/" + unit + ".d";
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        std::ofstream out(dir + "/" + name, std::ios::trunc);
        out << body;
        if (!out.flush()) {
            std::fprintf(stderr, "vmestectl %s: cannot write %s: %s\n", cmd, dir.c_str(),
                         std::strerror(errno));
            return false;
        }
        std::printf("wrote %s/%s\n", dir.c_str(), name.c_str());
    }
    return true;
}

int net_allow(const std::vector<std::string>& args) {
    using namespace vmeste;
    std::string config_file, root;
    std::vector<std::string> also;
    bool write = false;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size())
            config_file = args[++i];
        else if (args[i] == "--also" && i + 1 < args.size())
            also.push_back(args[++i]);
        else if (args[i] == "--root" && i + 1 < args.size())
            root = args[++i];
        else if (args[i] == "--write")
            write = true;
        else {
            std::fprintf(stderr, "vmestectl net-allow: unexpected '%s'\n", args[i].c_str());
            return 2;
        }
    }
    const auto target = platform_for("net-allow", "", config_file);
    if (!target) return 2;
    if (target->url.empty()) {
        std::fputs("vmestectl net-allow: needs --config FILE (or /etc/vmeste/kiosk.toml)\n",
                   stderr);
        return 2;
    }
    std::vector<std::pair<std::string, std::string>> hosts = {{"platform_url", target->url}};
    if (target->config.adapter == "open311")
        hosts.emplace_back("open311_url", target->config.open311_url);
    std::string body =
        "# Written by `vmestectl net-allow`: the kiosk reaches only these addresses. Run it again\n"
        "# when the platform's address changes; delete this file to lift the limit.\n"
        "[Service]\nIPAddressDeny=any\nIPAddressAllow=localhost\n";
    for (const auto& [key, url] : hosts) {
        const std::string host = url_host(url);
        const auto addrs = addresses_of(host);
        if (host.empty() || addrs.empty()) {
            std::fprintf(stderr, "vmestectl net-allow: %s's host '%s' has no address now\n",
                         key.c_str(), host.c_str());
            return 1;
        }
        body += "# " + key + " " + host + "\n";
        for (const auto& a : addrs) body += "IPAddressAllow=" + a + "\n";
    }
    std::ifstream resolv(root + "/etc/resolv.conf");
    for (std::string line; std::getline(resolv, line);) {
        std::istringstream in(line);
        std::string word, server;
        if (in >> word >> server && word == "nameserver") {
            body += "# a name server (/etc/resolv.conf)\nIPAddressAllow=" + server + "\n";
        }
    }
    for (const auto& a : also) {
        if (a.find_first_not_of("0123456789abcdefABCDEF.:/") != std::string::npos) {
            std::fprintf(stderr, "vmestectl net-allow: --also %s is not an address or network\n",
                         a.c_str());
            return 2;
        }
        body += "# --also\nIPAddressAllow=" + a + "\n";
    }
    if (!write) {
        std::fputs(body.c_str(), stdout);
        return 0;
    }
    if (!write_dropins("net-allow", root, "50-vmeste-ip-allow.conf", body)) return 1;
    std::puts("now: systemctl daemon-reload && systemctl restart vmeste-kiosk");
    return 0;
}

// The key sealed to the TPM (issue #20, point 7; docs/storage.md): `seal-key` seals
// DATA_DIR/device.key (or a new key on a fresh install) to this terminal's TPM and has both
// units load it; `unseal-key` puts it back in a file before a Secure Boot change. Root (the
// TPM's device is root's), with the kiosk stopped: its workers open the store again and again.
int seal_key(const std::string& data_dir, const std::vector<std::string>& args, bool seal) {
    using namespace vmeste;
    const char* cmd = seal ? "seal-key" : "unseal-key";
    std::string root;
    core::SealOptions so;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--root" && i + 1 < args.size())
            root = args[++i];
        else if (seal && args[i] == "--pcrs" && i + 1 < args.size())
            so.pcrs = args[++i];
        else {
            std::fprintf(stderr, "vmestectl %s: unexpected '%s'\n", cmd, args[i].c_str());
            return 2;
        }
    }
    if (::geteuid() != 0) {
        std::fprintf(stderr, "vmestectl %s: needs root (the TPM's device is root's)\n", cmd);
        return 1;
    }
    auto lock = core::DataDirLock::acquire(data_dir, std::string("vmestectl ") + cmd);
    if (!lock) {
        std::fprintf(stderr, "vmestectl %s: %s (stop it first: systemctl stop vmeste-kiosk)\n", cmd,
                     lock.error().message.c_str());
        return 1;
    }
    const std::string dropin = "40-vmeste-device-key.conf";
    if (!seal) {
        // The plain key goes to the data directory's owner, the kiosk's user (never root's).
        struct stat st {};
        if (::stat(data_dir.c_str(), &st) != 0) {
            std::fprintf(stderr, "vmestectl unseal-key: %s: %s\n", data_dir.c_str(),
                         std::strerror(errno));
            return 1;
        }
        if (auto r = core::unseal_to_file(data_dir, st.st_uid, st.st_gid); !r) {
            std::fprintf(stderr, "vmestectl unseal-key: %s\n", r.error().message.c_str());
            return 1;
        }
        for (const char* unit : kUnits) {
            std::error_code ec;
            std::filesystem::remove(root + "/etc/systemd/system/" + unit + ".d/" + dropin, ec);
        }
        std::printf(
            "the device key is a file again (%s/device.key); seal it again with "
            "`vmestectl seal-key` once Secure Boot is as it will stay\n"
            "now: systemctl daemon-reload && systemctl start vmeste-kiosk\n",
            data_dir.c_str());
        return 0;
    }
    if (auto r = core::seal_device_key(data_dir, so); !r) {
        std::fprintf(stderr, "vmestectl seal-key: %s\n", r.error().message.c_str());
        return 1;
    }
    const std::string body =
        "# Written by `vmestectl seal-key`: systemd opens the device key with this terminal's TPM\n"
        "# at each start and hands it to the kiosk ($CREDENTIALS_DIRECTORY/device-key).\n"
        "# `vmestectl unseal-key` removes this file.\n[Service]\nLoadCredentialEncrypted=" +
        std::string(core::kKeyCredentialName) + ":" + data_dir + "/" + core::kSealedKeyFile + "\n";
    if (!write_dropins("seal-key", root, dropin, body)) return 1;
    std::printf(
        "the device key is sealed to this terminal's TPM (PCR %s) in %s/%s; no copy is "
        "left on the disk\nnow: systemctl daemon-reload && systemctl start vmeste-kiosk\n",
        so.pcrs.c_str(), data_dir.c_str(), core::kSealedKeyFile);
    return 0;
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
    const auto results = run_self_tests(cfg, print, speech);
    print_results(results);
    for (const auto& r : results)
        if (r.outcome == drivers::SelfTestResult::Outcome::kFailed) return 1;
    return 0;
}

// `vmestectl open311 services|map`: what the city's Open311 server offers, and the mapping of the
// catalogue onto it (docs/sync.md "Open311 servers").
int open311_command(const std::string& data_dir, const std::string& what,
                    const std::vector<std::string>& args) {
    using namespace vmeste;
    core::Config cfg;
    cfg.data_dir = data_dir;
    std::vector<std::pair<std::string, std::string>> sets;
    std::optional<std::string> fallback;
    std::optional<bool> needs_coordinates;
    bool have_config = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const bool more = i + 1 < args.size();
        if (args[i] == "--config" && more) {
            auto c = core::load_config_file(args[++i], cfg);
            if (!c) {
                std::fprintf(stderr, "vmestectl open311: %s\n", c.error().message.c_str());
                return 1;
            }
            cfg = *c;
            cfg.data_dir = data_dir;
            have_config = true;
        } else if (what == "map" && args[i] == "--set" && more) {
            const std::string& kv = args[++i];
            const auto eq = kv.find('=');
            if (eq == std::string::npos || eq == 0) {
                std::fprintf(stderr, "vmestectl open311 map: --set CATEGORY=CODE, not %s\n",
                             kv.c_str());
                return 2;
            }
            sets.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        } else if (what == "map" && args[i] == "--fallback" && more) {
            fallback = args[++i];
        } else if (what == "map" && args[i] == "--needs-coordinates" && more) {
            const std::string v = args[++i];
            if (v != "yes" && v != "no") {
                std::fputs("vmestectl open311 map: --needs-coordinates yes|no\n", stderr);
                return 2;
            }
            needs_coordinates = v == "yes";
        } else {
            std::fprintf(stderr, "vmestectl open311: unknown argument %s\n", args[i].c_str());
            return 2;
        }
    }
    if (!have_config || cfg.open311_url.empty()) {
        std::fputs("vmestectl open311: --config FILE with open311_url is needed\n", stderr);
        return 2;
    }
    auto transport = sync::make_curl_transport(core::transport_options(cfg));
    const int64_t now = static_cast<int64_t>(std::time(nullptr)) * 1000;
    if (what == "services") {
        auto s = sync::discover_open311_services(cfg.open311_url, cfg.open311_jurisdiction_id,
                                                 *transport, now);
        if (!s) {
            std::fprintf(stderr, "vmestectl open311 services: %s\n", s.error().message.c_str());
            return 1;
        }
        for (const auto& svc : s->services) {
            std::printf("%-12s %s%s%s\n", svc.code.c_str(), svc.name.c_str(),
                        svc.group.empty() ? "" : "  [",
                        svc.group.empty() ? "" : (svc.group + "]").c_str());
            for (const auto& a : s->questions(svc.code))
                std::printf("             attribute %s (%s%s): %s\n", a.code.c_str(),
                            a.datatype.c_str(), a.required ? ", required" : "",
                            a.description.c_str());
        }
        return 0;
    }
    if (what != "map") {
        std::fprintf(stderr, "vmestectl open311: services or map, not %s\n", what.c_str());
        return 2;
    }
    const core::CategoryCatalog catalogue =
        core::PlatformJobs::load_synced_catalogue(data_dir).value_or(
            core::CategoryCatalog::bundled());
    auto s = core::refresh_open311_services(cfg, catalogue, *transport, now);
    if (!s) {
        std::fprintf(stderr, "vmestectl open311 map: %s\n", s.error().message.c_str());
        return 1;
    }
    for (const auto& [cat, code] : sets) {
        if (!code.empty() && !s->service(code)) {
            std::fprintf(stderr, "vmestectl open311 map: the server has no service %s\n",
                         code.c_str());
            return 1;
        }
        if (!catalogue.find_leaf(cat) && !catalogue.find(cat) &&
            cat.find('.') == std::string::npos) {
            std::fprintf(stderr, "vmestectl open311 map: the catalogue has no category %s\n",
                         cat.c_str());
            return 1;
        }
        s->map[cat] = code;
    }
    if (fallback) {
        if (!fallback->empty() && !s->service(*fallback)) {
            std::fprintf(stderr, "vmestectl open311 map: the server has no service %s\n",
                         fallback->c_str());
            return 1;
        }
        s->fallback = *fallback;
    }
    if (needs_coordinates) s->needs_coordinates = *needs_coordinates;
    if (auto r = core::save_open311_services(data_dir, *s); !r) {
        std::fprintf(stderr, "vmestectl open311 map: %s\n", r.error().message.c_str());
        return 1;
    }
    for (const auto& leaf : catalogue.leaves()) {
        const std::string code = s->code_for(leaf.id);
        const auto* svc = s->service(code);
        std::printf(
            "%-40s %-12s %s%s\n", leaf.id.c_str(), code.empty() ? "-" : code.c_str(),
            svc ? svc->name.c_str() : "NO SERVICE",
            !code.empty() && code == s->fallback && !s->map.count(leaf.id) ? " (fallback)" : "");
    }
    const auto unmapped = core::unmapped_categories(*s, catalogue);
    std::printf("saved %s; %zu categories, %zu without a service%s\n",
                core::open311_services_path(data_dir).c_str(), catalogue.leaves().size(),
                unmapped.size(), s->needs_coordinates ? "; the server needs coordinates" : "");
    // A running kiosk takes the file at once (a stopped one reads it when it starts).
    if (auto answer = core::control_request(data_dir, "open311-reload")) {
        if (*answer == "ok")
            std::printf("the running kiosk uses it from the next visit\n");
        else
            std::fprintf(stderr, "vmestectl open311 map: the running kiosk: %s\n", answer->c_str());
    }
    return unmapped.empty() ? 0 : 1;
}
// The region pack (docs/map.md): installed from a USB stick or a file, and shown.
int region_command(const std::string& data_dir, const std::vector<std::string>& args) {
    using namespace vmeste;
    if (args.size() == 1 && args[0] == "status") {
        auto active = core::active_region_pack(data_dir);
        if (!active) {
            std::printf("no region pack: the place step offers the МФЦ and a typed address only\n");
            return 0;
        }
        std::printf(
            "region pack     %s\nversion         %s\nbuilt           %s\n"
            "addresses       %ld\nstreets         %ld\nsha256          %s\nfile            %s\n",
            active->name.c_str(), active->version.c_str(), active->built.c_str(), active->addresses,
            active->streets, active->sha256.c_str(), active->file.c_str());
        return 0;
    }
    if (args.size() >= 2 && args[0] == "install") {
        std::string sha;
        bool older = false;
        for (size_t i = 2; i < args.size(); ++i) {
            if (args[i] == "--sha256" && i + 1 < args.size()) {
                sha = args[++i];
            } else if (args[i] == "--allow-older") {
                older = true;
            } else {
                std::fputs("vmestectl region install: PACK [--sha256 HEX] [--allow-older]\n",
                           stderr);
                return 2;
            }
        }
        auto r = core::install_region_pack(data_dir, args[1], sha, older);
        if (!r) {
            std::fprintf(stderr, "vmestectl region install: %s\n", r.error().message.c_str());
            return 1;
        }
        if (auto s = core::AppealStore::open(store_options_for(data_dir)))
            (*s)->audit("vmestectl", "region-pack", r->name + " " + r->version,
                        r->sha256.substr(0, 12), SystemClock().unix_millis());
        std::printf(
            "installed       %s\nsha256          %s\n"
            "the kiosk takes it at its next start (systemctl restart vmeste-kiosk)\n",
            r->summary().c_str(), r->sha256.c_str());
        return 0;
    }
    std::fputs("vmestectl region: install PACK [--sha256 HEX] [--allow-older] | status\n", stderr);
    return 2;
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
    // Root keeps root for the console and the devices; for the data directory it becomes the
    // directory's owner.
    static const std::vector<std::string> kAsRoot = {"vt-lock", "vt-unlock",   "selftest",
                                                     "config",  "read-export", "net-allow"};
    if (rest[0] == "seal-key" || rest[0] == "unseal-key")
        return seal_key(data_dir, {rest.begin() + 1, rest.end()}, rest[0] == "seal-key");
    const bool as_root = std::find(kAsRoot.begin(), kAsRoot.end(), rest[0]) != kAsRoot.end();
    std::error_code ec;
    if (!as_root && ::geteuid() == 0 &&
        std::filesystem::exists(data_dir + "/" + core::kSealedKeyFile, ec)) {
        // Opened while still root: the TPM's device is root's, the data directory's owner not.
        if (auto k = core::unseal_device_key(data_dir))
            g_unsealed_key = *k;
        else
            std::fprintf(stderr, "vmestectl: %s\n", k.error().message.c_str());
    }
    if (!as_root && !become_data_dir_owner(data_dir, rest[0])) return 1;
    // A PIN for a running kiosk goes through its control socket: the kiosk owns the data
    // directory and takes the new PIN at once (issue #20). Without one it is set here below.
    std::string pin;
    if (rest[0] == "set-pin" && rest.size() == 2) {
        // The PIN comes on standard input (never on the command line, where `ps` shows it).
        if (rest[1] != "staff" && rest[1] != "technician") {
            std::fputs("vmestectl set-pin: the role is staff or technician\n", stderr);
            return 2;
        }
        std::getline(std::cin, pin);
        while (!pin.empty() && (pin.back() == '\r' || pin.back() == ' ')) pin.pop_back();
        if (pin.find_first_not_of("0123456789") != std::string::npos) {
            std::fputs("vmestectl set-pin: a PIN is digits only\n", stderr);
            return 1;
        }
        if (auto answer = core::control_request(data_dir, "set-pin " + rest[1] + " " + pin)) {
            if (*answer != "ok") {
                std::fprintf(stderr, "vmestectl set-pin: %s\n", answer->c_str());
                return 1;
            }
            std::printf("the %s PIN is set (the running kiosk took it)\n", rest[1].c_str());
            return 0;
        }
    }
    std::vector<std::string> unlock_roles;
    if (rest[0] == "unlock-pin" && rest.size() <= 2) {
        if (rest.size() == 2 && rest[1] != "staff" && rest[1] != "technician") {
            std::fputs("vmestectl unlock-pin: the role is staff or technician\n", stderr);
            return 2;
        }
        unlock_roles = rest.size() == 2 ? std::vector<std::string>{rest[1]}
                                        : std::vector<std::string>{"staff", "technician"};
        bool through_kiosk = false;
        for (const auto& role : unlock_roles) {
            auto answer = core::control_request(data_dir, "unlock-pin " + role);
            if (!answer) break;  // no kiosk running: done here below
            if (*answer != "ok") {
                std::fprintf(stderr, "vmestectl unlock-pin: %s\n", answer->c_str());
                return 1;
            }
            through_kiosk = true;
            std::printf("the %s PIN pad is unlocked (the running kiosk took it)\n", role.c_str());
        }
        if (through_kiosk) return 0;
    }
    // Commands that write the data directory hold its lock, as the kiosk does: a second writer
    // beside a running kiosk is refused with the holder named (exit 1).
    std::unique_ptr<core::DataDirLock> lock;
    const bool writes = rest[0] == "enrol" || rest[0] == "provision" || rest[0] == "set-pin" ||
                        rest[0] == "unlock-pin" || rest[0] == "retry-quarantine" ||
                        (rest[0] == "open311" && rest.size() >= 2 && rest[1] == "map");
    if (writes) {
        auto l = core::DataDirLock::acquire(data_dir, "vmestectl " + rest[0]);
        if (!l) {
            std::fprintf(stderr, "vmestectl %s: %s\n", rest[0].c_str(), l.error().message.c_str());
            return 1;
        }
        lock = std::move(l).value();
    }
    if (rest[0] == "enrol") return enrol(data_dir, {rest.begin() + 1, rest.end()});
    if (rest[0] == "provision") return provision(data_dir, {rest.begin() + 1, rest.end()});
    if (rest[0] == "selftest") return selftest({rest.begin() + 1, rest.end()});
    if ((rest[0] == "vt-lock" || rest[0] == "vt-unlock") && rest.size() <= 2)
        return vt_lock({rest.begin() + 1, rest.end()}, rest[0] == "vt-lock");
    if (rest[0] == "read-export" && rest.size() == 2) return read_export(rest[1]);
    if (rest[0] == "net-allow") return net_allow({rest.begin() + 1, rest.end()});
    if (rest[0] == "deliver-export")
        return deliver_export(data_dir, {rest.begin() + 1, rest.end()});
    if (rest[0] == "open311" && rest.size() >= 2)
        return open311_command(data_dir, rest[1], {rest.begin() + 2, rest.end()});
    if (rest[0] == "region") return region_command(data_dir, {rest.begin() + 1, rest.end()});
    if (rest[0] == "config" && rest.size() == 3 && rest[1] == "check") {
        // Before a file goes to /etc/vmeste: every mistake with its line, key and reason.
        auto c = core::load_config_file(rest[2]);
        if (!c) {
            std::fprintf(stderr, "%s\n", c.error().message.c_str());
            return 1;
        }
        // The hardware watchdog against the packaged unit's WatchdogSec=30 (the kiosk checks
        // the running service's own value as it starts).
        if (!c->watchdog_device.empty())
            if (auto t = drivers::hardware_watchdog_timeout(c->watchdog_timeout_s, 30); !t) {
                std::fprintf(stderr, "%s: %s\n", rest[2].c_str(), t.error().message.c_str());
                return 1;
            }
        std::printf("%s: OK\n", rest[2].c_str());
        return 0;
    }
    if (rest[0] == "config" && rest.size() == 2 && rest[1] == "keys") {
        for (const auto& k : core::config_keys()) std::printf("%s\n", k.c_str());
        return 0;
    }
    core::StoreOptions options = store_options_for(data_dir);
    // Readers (status, find, export-diagnostics) run beside the kiosk; only the lock holder may
    // move a damaged store aside.
    if (!lock) {
        auto l = core::DataDirLock::acquire(data_dir, "vmestectl " + rest[0]);
        if (l)
            lock = std::move(l).value();
        else
            options.salvage = false;
    }
    auto store = core::AppealStore::open(options);
    if (!store) {
        std::fprintf(stderr, "vmestectl: %s\n", store.error().message.c_str());
        return 1;
    }
    if (rest[0] == "status") {
        bool as_json = false;
        std::string config_file;
        for (size_t i = 1; i < rest.size(); ++i) {
            if (rest[i] == "--json")
                as_json = true;
            else if (rest[i] == "--config" && i + 1 < rest.size())
                config_file = rest[++i];
            else {
                std::fprintf(stderr, "vmestectl status: unexpected '%s'\n%s", rest[i].c_str(),
                             kHelp);
                return 2;
            }
        }
        // The running kiosk answers with its live state too; a stopped one is read from disk.
        Result<nlohmann::json> st = make_error(ErrorCode::kNotFound, "");
        if (auto answer = core::control_request(data_dir, "status"))
            st = nlohmann::json::parse(*answer, nullptr, false);
        if (!st || !st->is_object() || st->contains("error")) st = status_json(**store, data_dir);
        if (!st) {
            std::fprintf(stderr, "vmestectl: %s\n", st.error().message.c_str());
            return 1;
        }
        // What the updater last did (update_state.h): as the running kiosk read it, else from
        // the config's update_state_file (the image's /data/vmeste-update/state.json).
        if (st->contains("live") && (*st)["live"].contains("update"))
            (*st)["update"] = (*st)["live"]["update"];
        else {
            const auto cfg = terminal_config("status", config_file);
            if (!cfg) return 1;
            (*st)["update"] =
                core::update_state_to_json(core::read_update_state(cfg->update_state_file));
        }
        if (as_json) {
            std::printf("%s\n", st->dump(2).c_str());
            return 0;
        }
        print_status(*st);
        return 0;
    }
    if (rest[0] == "retry" && rest.size() == 1) {
        auto answer = core::control_request(data_dir, "retry");
        if (!answer) {
            std::fprintf(stderr,
                         "vmestectl retry: no kiosk is running on %s (its queue is sent when it "
                         "starts)\n",
                         data_dir.c_str());
            return 1;
        }
        std::printf("the kiosk is sending its queue now\n");
        return 0;
    }
    if (rest[0] == "export-diagnostics" && rest.size() == 2)
        return export_diagnostics(**store, data_dir, rest[1]);
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
    if (rest[0] == "unlock-pin" && !unlock_roles.empty()) {
        SystemClock clock;
        auto access = core::MaintenanceAccess::open(data_dir, clock);
        if (!access) {
            std::fprintf(stderr, "vmestectl unlock-pin: %s\n", access.error().message.c_str());
            return 1;
        }
        for (const auto& role : unlock_roles) {
            if (auto r =
                    access->unlock(role == "staff" ? core::Role::kStaff : core::Role::kTechnician);
                !r) {
                std::fprintf(stderr, "vmestectl unlock-pin: %s\n", r.error().message.c_str());
                return 1;
            }
            (*store)->audit("vmestectl", "unlock-pin", role, "", clock.unix_millis());
            std::printf("the %s PIN pad is unlocked\n", role.c_str());
        }
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
