#include "kiosk/core/diagnostics.h"

#include <unistd.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "kiosk/base/subprocess.h"
#include "kiosk/core/control.h"

namespace vmeste::core {

using json = nlohmann::json;

namespace {

// A key whose value is a secret, whatever table it is in: the device token, an API key, any
// token, password, passphrase or secret (a public key's pin is not one).
bool secret_key(std::string key) {
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* word : {"token", "secret", "password", "passphrase"})
        if (key.find(word) != std::string::npos) return true;
    return key.ends_with("key") && !key.ends_with("public_key");
}

void redact(toml::table& table);

void redact(toml::array& array) {
    for (auto& node : array) {
        if (auto* t = node.as_table()) redact(*t);
        if (auto* a = node.as_array()) redact(*a);
    }
}

void redact(toml::table& table) {
    std::vector<std::string> secrets;
    for (auto&& [key, node] : table) {
        if (secret_key(std::string(key.str())))
            secrets.emplace_back(key.str());
        else if (auto* t = node.as_table())
            redact(*t);
        else if (auto* a = node.as_array())
            redact(*a);
    }
    for (const auto& key : secrets) table.insert_or_assign(key, "<removed>");
}

}  // namespace

// The config as the kiosk parsed it, every secret replaced; written from the parsed document, so
// quoting, spacing or an inline table cannot hide a key. A file that does not parse is described,
// never copied.
std::string redacted_config(std::string_view toml_text) {
    toml::table doc;
    try {
        doc = toml::parse(toml_text);
    } catch (const toml::parse_error& e) {
        return "# config.last-good.toml does not parse (line " +
               std::to_string(e.source().begin.line) + ": " + std::string(e.description()) +
               "); left out\n";
    }
    redact(doc);
    std::ostringstream out;
    out << "# config.last-good.toml as parsed; secrets replaced by <removed>\n" << doc << "\n";
    return out.str();
}

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
    std::ifstream cfg(fs::path(data_dir) / "config.last-good.toml", std::ios::binary);
    const std::string config_text((std::istreambuf_iterator<char>(cfg)), {});
    write("config.toml",
          cfg ? redacted_config(config_text) : "# no config.last-good.toml in the data dir\n");
    std::string versions;
    for (const char* f : {"catalogue.json.etag", "polls.json.etag", "work_calendar.json.etag"}) {
        std::ifstream in(fs::path(data_dir) / f);
        std::string v;
        std::getline(in, v);
        versions += std::string(f) + "\t" + (v.empty() ? "-" : v) + "\n";
    }
    write("versions.tsv", versions);
    // The journal of the last day, when there is one (the kiosk logs no personal data): the
    // kiosk under either of its units (bare KMS, or cage on the image), and the image's setup
    // and update steps, which a support call about a terminal that rolled back needs.
    const Ran journal = run_piped({"journalctl", "-u", "vmeste-kiosk", "-u", "vmeste-kiosk-cage",
                                   "-u", "vmeste-setup-media", "-u", "vmeste-update-recover",
                                   "--since=-24h", "--no-pager", "-q"});
    write("journal.txt",
          journal.status == 0 ? journal.out : "# journalctl unavailable or no vmeste-kiosk unit\n");
    const int rc = run_piped({"tar", "-czf", out_file, "-C", tmpl, "vmeste-diagnostics"}).status;
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
