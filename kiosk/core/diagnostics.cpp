#include "kiosk/core/diagnostics.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/core/control.h"

namespace vmeste::core {

using json = nlohmann::json;

Result<void> write_diagnostics(AppealStore& store, const std::string& data_dir,
                               const std::string& out_file) {
    namespace fs = std::filesystem;
    char tmpl[] = "/tmp/vmeste-diagnostics-XXXXXX";
    if (!mkdtemp(tmpl))
        return make_error(ErrorCode::kIo,
                          std::string("a temporary directory: ") + std::strerror(errno));
    const fs::path dir = fs::path(tmpl) / "vmeste-diagnostics";
    fs::create_directories(dir);
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name, std::ios::binary) << text;
    };
    auto st = status_report(store, data_dir);
    write("status.json", st ? json::parse(*st, nullptr, false).dump(2) + "\n"
                            : "error: " + st.error().message + "\n");
    json stats;
    if (auto c = store.census()) stats = {{"appeals", c->appeals}, {"photos", c->photos}};
    if (auto ok = store.integrity_ok()) stats["integrity_ok"] = *ok;
    if (auto q = store.quarantined(1000)) {
        stats["quarantined"] = json::array();
        for (const auto& i : *q)
            stats["quarantined"].push_back({{"receipt_number", i.receipt_number},
                                            {"kind", i.kind},
                                            {"reason", i.reason},
                                            {"attempts", i.attempts}});
    }
    write("store.json", stats.dump(2) + "\n");
    std::string audit;
    if (auto log = store.audit_log(1000))
        for (const auto& e : *log)
            audit += std::to_string(e.at_unix_ms) + "\t" + e.actor + "\t" + e.action + "\t" +
                     e.subject + "\t" + e.detail + "\n";
    write("audit.tsv", audit);
    // The configuration: secrets replaced, everything else as the technician wrote it.
    std::ifstream cfg(fs::path(data_dir) / "config.last-good.toml");
    std::string config, line;
    while (std::getline(cfg, line)) {
        std::string key = line.substr(0, line.find('='));
        key.erase(std::remove(key.begin(), key.end(), ' '), key.end());
        if (key == "device_token" || key == "open311_api_key") line = key + " = \"<removed>\"";
        config += line + "\n";
    }
    write("config.toml", config.empty() ? "# no config.last-good.toml in the data dir\n" : config);
    std::string versions;
    for (const char* f : {"catalogue.json.etag", "polls.json.etag", "work_calendar.json.etag"}) {
        std::ifstream in(fs::path(data_dir) / f);
        std::string v;
        std::getline(in, v);
        versions += std::string(f) + "\t" + (v.empty() ? "-" : v) + "\n";
    }
    write("versions.tsv", versions);
    // The journal of the last day, when there is one (the kiosk logs no personal data).
    const std::string journal = (dir / "journal.txt").string();
    if (std::system(("journalctl -u vmeste-kiosk --since=-24h --no-pager -q > '" + journal +
                     "' 2>/dev/null")
                        .c_str()) != 0)
        write("journal.txt", "# journalctl unavailable or no vmeste-kiosk unit\n");
    const std::string cmd =
        "tar -czf '" + out_file + "' -C '" + std::string(tmpl) + "' vmeste-diagnostics";
    const int rc = std::system(cmd.c_str());
    std::error_code ec;
    fs::remove_all(tmpl, ec);
    if (rc != 0) return make_error(ErrorCode::kIo, "tar failed writing " + out_file);
    return {};
}

Result<std::string> diagnostics_bundle(AppealStore& store, const std::string& data_dir) {
    char tmpl[] = "/tmp/vmeste-diagnostics-XXXXXX";
    if (!mkdtemp(tmpl))
        return make_error(ErrorCode::kIo,
                          std::string("a temporary directory: ") + std::strerror(errno));
    const std::string file = std::string(tmpl) + "/diagnostics.tar.gz";
    auto w = write_diagnostics(store, data_dir, file);
    std::string bytes;
    if (w) {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    std::error_code ec;
    std::filesystem::remove_all(tmpl, ec);
    if (!w) return w.error();
    return bytes;
}

}  // namespace vmeste::core
