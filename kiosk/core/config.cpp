#include "kiosk/core/config.h"

#include "kiosk/core/file_ops.h"
#include "sync/http.h"

#include <toml++/toml.h>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

namespace vmeste::core {

std::string Config::tracking_base() const {
    auto trimmed = [](std::string s) {
        while (!s.empty() && s.back() == '/') s.pop_back();
        return s;
    };
    return tracking_base_url.empty() ? trimmed(platform_url) + "/t" : trimmed(tracking_base_url);
}

namespace {

Result<int> parse_int(std::string_view v, int lo, int hi) {
    int out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size())
        return make_error(ErrorCode::kInvalidInput,
                          "'" + std::string(v) + "' is not a whole number");
    if (out < lo || out > hi)
        return make_error(
            ErrorCode::kInvalidInput,
            std::to_string(out) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return out;
}

Result<void> check_url(std::string_view v) {
    std::string scheme(v.substr(0, 8));
    for (char& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!(scheme.starts_with("http://") || scheme.starts_with("https://")) || v.size() < 10)
        return make_error(ErrorCode::kInvalidInput,
                          "'" + std::string(v) + "' is not an http(s) URL");
    return {};
}

using Setter = std::function<Result<void>(Config&, std::string_view)>;

// What a key's TOML value must be; the setter then checks the value itself.
enum class Kind { kString, kInt, kNumber, kBool };
struct Key {
    template <class F>
    Key(F f, Kind k = Kind::kString) : kind(k), set(std::move(f)) {}
    Kind kind;
    Setter set;
};

Key flag(bool Config::*field) {
    return Key(
        [=](Config& c, std::string_view v) -> Result<void> {
            c.*field = v == "true";
            return {};
        },
        Kind::kBool);
}

Key int_setter(int Config::*field, int lo, int hi) {
    return Key(
        [=](Config& c, std::string_view v) -> Result<void> {
            auto n = parse_int(v, lo, hi);
            if (!n) return n.error();
            c.*field = *n;
            return {};
        },
        Kind::kInt);
}

Key coordinate_setter(double Config::*field, double limit) {
    return Key(
        [=](Config& c, std::string_view v) -> Result<void> {
            double out = 0;
            auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
            if (ec != std::errc() || p != v.data() + v.size() || out < -limit || out > limit)
                return make_error(ErrorCode::kInvalidInput,
                                  "'" + std::string(v) + "' is not a coordinate in -" +
                                      std::to_string(static_cast<int>(limit)) + ".." +
                                      std::to_string(static_cast<int>(limit)));
            c.*field = out;
            return {};
        },
        Kind::kNumber);
}

const std::map<std::string, Key, std::less<>>& setters() {
    static const std::map<std::string, Key, std::less<>> kSetters = {
        {"data_dir",
         [](Config& c, std::string_view v) -> Result<void> {
             if (v.empty()) return make_error(ErrorCode::kInvalidInput, "empty path");
             c.data_dir = v;
             return {};
         }},
        {"platform_url",
         [](Config& c, std::string_view v) -> Result<void> {
             if (auto r = check_url(v); !r) return r;
             c.platform_url = v;
             return {};
         }},
        {"tracking_base_url",
         [](Config& c, std::string_view v) -> Result<void> {
             if (auto r = check_url(v); !r) return r;
             c.tracking_base_url = v;
             return {};
         }},
        {"device_token",
         [](Config& c, std::string_view v) -> Result<void> {
             c.device_token = v;
             return {};
         }},
        {"adapter",
         [](Config& c, std::string_view v) -> Result<void> {
             if (v != "gateway" && v != "open311")
                 return make_error(ErrorCode::kInvalidInput, "adapter must be gateway or open311");
             c.adapter = v;
             return {};
         }},
        {"open311_url",
         [](Config& c, std::string_view v) -> Result<void> {
             if (auto r = check_url(v); !r) return r;
             c.open311_url = v;
             return {};
         }},
        {"open311_api_key",
         [](Config& c, std::string_view v) -> Result<void> {
             c.open311_api_key = v;
             return {};
         }},
        {"open311_jurisdiction_id",
         [](Config& c, std::string_view v) -> Result<void> {
             if (v.size() > 100 || v.find_first_of("\r\n\t") != std::string_view::npos)
                 return make_error(ErrorCode::kInvalidInput,
                                   "a jurisdiction id is one line of at most 100 characters");
             c.open311_jurisdiction_id = v;
             return {};
         }},
        {"open311_media_field",
         [](Config& c, std::string_view v) -> Result<void> {
             if (v != "media" && v != "photo")
                 return make_error(ErrorCode::kInvalidInput,
                                   "open311_media_field must be media or photo");
             c.open311_media_field = v;
             return {};
         }},
        {"stuck_item_days", int_setter(&Config::stuck_item_days, 0, 365)},
        {"site_address",
         [](Config& c, std::string_view v) -> Result<void> {
             c.site_address = v;
             return {};
         }},
        {"camera",
         [](Config& c, std::string_view v) -> Result<void> {
             if (!(v == "auto" || v == "synthetic" || (v.starts_with("v4l2:/") && v.size() > 6) ||
                   (v.starts_with("folder:") && v.size() > 7)))
                 return make_error(
                     ErrorCode::kInvalidInput,
                     "camera must be auto, synthetic, v4l2:/dev/videoN or folder:DIR");
             c.camera = v;
             return {};
         }},
        {"printer",
         [](Config& c, std::string_view v) -> Result<void> {
             if (!(v == "none" || (v.starts_with("usb:/") && v.size() > 5) ||
                   (v.starts_with("serial:/") && v.size() > 8) ||
                   (v.starts_with("tcp:") && v.size() > 4)))
                 return make_error(ErrorCode::kInvalidInput,
                                   "printer must be usb:PATH, serial:PATH[:BAUD], tcp:HOST[:PORT] "
                                   "or none");
             c.printer = v;
             return {};
         }},
        {"printer_columns", Key(
                                [](Config& c, std::string_view v) -> Result<void> {
                                    auto n = parse_int(v, 32, 48);
                                    if (!n || (*n != 48 && *n != 42 && *n != 32))
                                        return make_error(
                                            ErrorCode::kInvalidInput,
                                            "printer_columns must be 48 (80 mm paper), 42 or 32 "
                                            "(58 mm paper)");
                                    c.printer_columns = *n;
                                    return {};
                                },
                                Kind::kInt)},
        {"renderer",
         [](Config& c, std::string_view v) -> Result<void> {
             if (v != "opengl" && v != "software")
                 return make_error(ErrorCode::kInvalidInput, "renderer must be opengl or software");
             c.renderer = v;
             return {};
         }},
        {"voice_prompts", flag(&Config::voice_prompts)},
        {"allow_plain_http", flag(&Config::allow_plain_http)},
        {"large_text", flag(&Config::large_text)},
        {"high_contrast", flag(&Config::high_contrast)},
        {"lower_screen", flag(&Config::lower_screen)},
        {"languages",
         [](Config& c, std::string_view v) -> Result<void> {
             if (v != "ru,en" && v != "ru")
                 return make_error(ErrorCode::kInvalidInput,
                                   "languages must be \"ru,en\" or \"ru\" (Russian is always "
                                   "offered)");
             c.english_offered = v == "ru,en";
             return {};
         }},
        {"auto_print_receipt", flag(&Config::auto_print_receipt)},
        {"require_enrolment", flag(&Config::require_enrolment)},
        {"map_file",
         [](Config& c, std::string_view v) -> Result<void> {
             c.map_file = v;
             return {};
         }},
        {"export_dir",
         [](Config& c, std::string_view v) -> Result<void> {
             if (v != "auto" && !v.starts_with("/"))
                 return make_error(ErrorCode::kInvalidInput,
                                   "export_dir must be \"auto\" or an absolute path");
             c.export_dir = v;
             return {};
         }},
        {"update_state_file",
         [](Config& c, std::string_view v) -> Result<void> {
             if (!v.starts_with("/"))
                 return make_error(ErrorCode::kInvalidInput,
                                   "update_state_file must be an absolute path");
             c.update_state_file = v;
             return {};
         }},
        {"consent_version",
         [](Config& c, std::string_view v) -> Result<void> {
             if (v.empty() || v.size() > 40)
                 return make_error(ErrorCode::kInvalidInput,
                                   "consent_version must be 1..40 characters");
             c.consent_version = v;
             return {};
         }},
        {"max_photos", int_setter(&Config::max_photos, 0, 10)},
        {"photo_countdown_s", int_setter(&Config::photo_countdown_s, 0, 10)},
        {"similar_radius_m", int_setter(&Config::similar_radius_m, 0, 2000)},
        {"watchdog_device",
         [](Config& c, std::string_view v) -> Result<void> {
             c.watchdog_device = v;
             return {};
         }},
        {"watchdog_timeout_s", int_setter(&Config::watchdog_timeout_s, 0, 3600)},
        {"tls_ca_file",
         [](Config& c, std::string_view v) -> Result<void> {
             c.tls_ca_file = v;
             return {};
         }},
        {"tls_pinned_public_key",
         [](Config& c, std::string_view v) -> Result<void> {
             if (!v.starts_with("sha256//") || v.size() < 20)
                 return make_error(ErrorCode::kInvalidInput,
                                   "a pin is sha256//<base64 of the key's SHA-256>");
             c.tls_pinned_public_key = v;
             return {};
         }},
        {"site_lat", coordinate_setter(&Config::site_lat, 90)},
        {"site_lon", coordinate_setter(&Config::site_lon, 180)},
        {"heartbeat_interval_s", int_setter(&Config::heartbeat_interval_s, 10, 24 * 3600)},
        {"catalogue_sync_interval_s",
         int_setter(&Config::catalogue_sync_interval_s, 60, 7 * 24 * 3600)},
        {"language",
         [](Config& c, std::string_view v) -> Result<void> {
             auto l = language_from_code(v);
             if (!l) return make_error(ErrorCode::kInvalidInput, "language must be ru or en");
             c.default_language = *l;
             return {};
         }},
        {"idle_timeout_s", int_setter(&Config::idle_timeout_s, 10, 3600)},
        {"idle_countdown_s", int_setter(&Config::idle_countdown_s, 5, 120)},
        {"receipt_timeout_s", int_setter(&Config::receipt_timeout_s, 5, 600)},
        {"text_min_chars", int_setter(&Config::text_min_chars, 1, 1000)},
        {"text_max_chars", int_setter(&Config::text_max_chars, 100, 20000)},
        {"retry_base_ms", int_setter(&Config::retry_base_ms, 10, 600000)},
        {"retry_cap_ms", int_setter(&Config::retry_cap_ms, 1000, 24 * 3600 * 1000)},
        {"min_free_disk_mb", int_setter(&Config::min_free_disk_mb, 0, 1 << 20)},
        {"max_queued_appeals", int_setter(&Config::max_queued_appeals, 1, 1000000)},
        {"max_queued_mb", int_setter(&Config::max_queued_mb, 1, 1 << 20)},
        {"retention_days", int_setter(&Config::retention_days, 0, 30)},
    };
    return kSetters;
}

Result<void> set_key(Config& c, std::string_view key, std::string_view value) {
    auto it = setters().find(key);
    if (it == setters().end())
        return make_error(ErrorCode::kInvalidInput, "unknown key '" + std::string(key) + "'");
    return it->second.set(c, value);
}

Result<void> check_consistency(const Config& c) {
    if (c.text_min_chars > c.text_max_chars)
        return make_error(ErrorCode::kInvalidInput, "text_min_chars is larger than text_max_chars");
    if (c.retry_base_ms > c.retry_cap_ms)
        return make_error(ErrorCode::kInvalidInput, "retry_base_ms is larger than retry_cap_ms");
    for (const auto& [key, url] :
         {std::pair<const char*, const std::string&>{"platform_url", c.platform_url},
          {"open311_url", c.open311_url}})
        if (!url.empty())
            if (auto r = sync::check_transport_url(url, c.allow_plain_http); !r)
                return make_error(ErrorCode::kInvalidInput,
                                  std::string(key) + ": " + r.error().message);
    if (c.adapter == "open311" && c.open311_url.empty())
        return make_error(ErrorCode::kInvalidInput, "adapter = open311 needs open311_url");
    if (c.adapter == "open311" && c.open311_api_key.empty())
        return make_error(ErrorCode::kInvalidInput,
                          "adapter = open311 needs open311_api_key (every real server refuses a "
                          "request without one)");
    return {};
}

}  // namespace

namespace {

// A TOML value as the text its key's setter checks, or why it has the wrong type.
Result<std::string> value_text(const toml::node& n, Kind kind) {
    switch (kind) {
        case Kind::kString:
            if (auto v = n.value<std::string>(); v && n.is_string()) return *v;
            return make_error(ErrorCode::kInvalidInput, "must be a string in quotes");
        case Kind::kInt:
            if (auto v = n.value<int64_t>(); v && n.is_integer()) return std::to_string(*v);
            return make_error(ErrorCode::kInvalidInput, "must be a whole number");
        case Kind::kNumber:
            if (n.is_integer() || n.is_floating_point()) {
                char buf[64];
                auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *n.value<double>());
                if (ec == std::errc()) return std::string(buf, end);
            }
            return make_error(ErrorCode::kInvalidInput, "must be a number");
        case Kind::kBool:
            if (auto v = n.value<bool>(); v && n.is_boolean())
                return std::string(*v ? "true" : "false");
            return make_error(ErrorCode::kInvalidInput, "must be true or false");
    }
    return make_error(ErrorCode::kInvalidInput, "unsupported value");
}

}  // namespace

namespace {

// The keys the technician's settings screen writes to DATA_DIR/settings.toml (settings_toml):
// the only ones that layer may set. Anything that can write the data directory must not be able
// to redirect the terminal (platform_url, tls_*, device_token…) past the read-only /etc.
const std::set<std::string, std::less<>>& settings_keys() {
    static const std::set<std::string, std::less<>> kKeys = {
        "language",       "voice_prompts",   "auto_print_receipt",
        "idle_timeout_s", "max_photos",      "similar_radius_m",
        "retention_days", "languages",       "large_text",
        "high_contrast",  "lower_screen",    "site_address",
        "site_lat",       "site_lon",        "camera",
        "printer",        "printer_columns", "renderer"};
    return kKeys;
}

// `allowed`: when given, keys outside it are not applied; each is named in `refused`.
Result<Config> parse_config_impl(std::string_view text, Config c,
                                 const std::set<std::string, std::less<>>* allowed,
                                 std::vector<std::string>* refused) {
    toml::table doc;
    try {
        doc = toml::parse(text);
    } catch (const toml::parse_error& e) {
        return make_error(
            ErrorCode::kInvalidInput,
            "line " + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
    }
    // Keys at the top or in any [section] (sections only group them for the reader); each key
    // once.
    std::map<std::string, int, std::less<>> seen;
    Result<void> failed;
    auto take = [&](const std::string& key, const toml::node& node) -> bool {
        const std::string where = "line " + std::to_string(node.source().begin.line) + ": ";
        auto it = setters().find(key);
        if (it == setters().end()) {
            failed = make_error(ErrorCode::kInvalidInput, where + "unknown key '" + key + "'");
            return false;
        }
        if (allowed && !allowed->count(key)) {
            if (refused) refused->push_back(where + key);
            return true;
        }
        if (auto [at, fresh] = seen.emplace(key, node.source().begin.line); !fresh) {
            failed =
                make_error(ErrorCode::kInvalidInput, where + key + ": given twice (also on line " +
                                                         std::to_string(at->second) + ")");
            return false;
        }
        auto v = value_text(node, it->second.kind);
        if (v) {
            if (auto r = it->second.set(c, *v); !r) v = r.error();
        }
        if (!v) {
            failed = make_error(ErrorCode::kInvalidInput, where + key + ": " + v.error().message);
            return false;
        }
        return true;
    };
    for (const auto& [k, node] : doc) {
        const std::string key(k.str());
        if (const toml::table* section = node.as_table()) {
            for (const auto& [k2, inner] : *section) {
                if (inner.is_table() || inner.is_array()) {
                    failed = make_error(ErrorCode::kInvalidInput,
                                        "line " + std::to_string(inner.source().begin.line) +
                                            ": [" + key + "." + std::string(k2.str()) +
                                            "]: sections do not nest");
                    return failed.error();
                }
                if (!take(std::string(k2.str()), inner)) return failed.error();
            }
            continue;
        }
        if (!take(key, node)) return failed.error();
    }
    if (auto r = check_consistency(c); !r) return r.error();
    return c;
}

}  // namespace

Result<Config> parse_config(std::string_view text, Config c) {
    return parse_config_impl(text, std::move(c), nullptr, nullptr);
}

Result<Config> load_config_file(const std::string& path, Config base) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, "cannot read config file " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = parse_config(ss.str(), std::move(base));
    if (!r) return make_error(r.error().code, path + ": " + r.error().message);
    return r;
}

std::string command_line_help() {
    return "Usage: vmeste-kiosk [options]\n"
           "\n"
           "The Vmeste appeals kiosk. Without options it starts fullscreen with the data in\n"
           "/var/lib/vmeste and the platform gateway at http://127.0.0.1:8080.\n"
           "\n"
           "  --data-dir DIR      where the appeal store and photos live (created if missing)\n"
           "  --platform URL      the platform gateway, e.g. https://gateway.example/ \n"
           "  --config FILE       a TOML file (every key: "
           "/usr/share/doc/vmeste-kiosk/vmeste.toml);\n"
           "                      flags override it. One that does not parse is reported and\n"
           "                      the last good copy (DATA_DIR/config.last-good.toml) is used\n"
           "  --windowed [WxH]    a window instead of fullscreen (default 1080x1920;\n"
           "                      1920x1080 is landscape)\n"
           "  --language ru|en    the language a new session starts in (default ru)\n"
           "  --help              this text\n"
           "\n"
           "Config keys: data_dir, platform_url, tracking_base_url, device_token, language,\n"
           "idle_timeout_s, idle_countdown_s, receipt_timeout_s, text_min_chars, text_max_chars,\n"
           "retry_base_ms, retry_cap_ms, min_free_disk_mb, max_queued_appeals, max_queued_mb,\n"
           "retention_days.\n"
           "Exit codes: 0 normal, 1 could not start, 2 bad flags or config.\n";
}

Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
    CommandLine cl;
    std::vector<std::pair<std::string, std::string>> flags;  // re-applied over a fallback config
    auto need_value = [&](size_t i) -> Result<std::string> {
        if (i + 1 >= args.size() || args[i + 1].starts_with("--"))
            return make_error(ErrorCode::kInvalidInput, args[i] + " needs a value");
        return args[i + 1];
    };
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            cl.help = true;
        } else if (a == "--windowed") {
            cl.windowed = true;
            if (i + 1 < args.size() && !args[i + 1].starts_with("--")) {
                const std::string& wh = args[++i];
                size_t x = wh.find('x');
                auto w = x == std::string::npos
                             ? Result<int>(Error{})
                             : parse_int(std::string_view(wh).substr(0, x), 320, 8192);
                auto h = x == std::string::npos
                             ? Result<int>(Error{})
                             : parse_int(std::string_view(wh).substr(x + 1), 320, 8192);
                if (!w || !h)
                    return make_error(
                        ErrorCode::kInvalidInput,
                        "--windowed takes WIDTHxHEIGHT (320..8192), got '" + wh + "'");
                cl.window_w = *w;
                cl.window_h = *h;
            }
        } else if (a == "--config") {
            auto v = need_value(i);
            if (!v) return v.error();
            ++i;
            cl.config_file = *v;
            auto c = load_config_file(*v, cl.config);
            if (c) {
                cl.config = std::move(c).value();
            } else if (c.error().code == ErrorCode::kNotFound) {
                return c.error();  // a wrong path on the command line: nothing to fall back on
            } else {
                cl.config_problem = c.error().message;  // the last good copy, after the flags
            }
        } else if (a == "--data-dir" || a == "--platform" || a == "--language") {
            auto v = need_value(i);
            if (!v) return v.error();
            ++i;
            const char* key = a == "--data-dir"   ? "data_dir"
                              : a == "--platform" ? "platform_url"
                                                  : "language";
            if (auto r = set_key(cl.config, key, *v); !r)
                return make_error(ErrorCode::kInvalidInput, a + ": " + r.error().message);
            flags.emplace_back(key, *v);
        } else {
            return make_error(ErrorCode::kInvalidInput, "unknown option '" + a + "' (see --help)");
        }
    }
    if (!cl.config_problem.empty()) {
        // A config file that does not parse must not keep a terminal down: the last one that did
        // (kept in the data directory), else the defaults; the flags still apply; staff see why.
        auto last = load_config_file(last_good_config_path(cl.config.data_dir));
        cl.config = last ? std::move(last).value() : Config{};
        cl.config_fallback = last ? "last-good" : "defaults";
        for (const auto& [key, value] : flags) (void)set_key(cl.config, key, value);
    }
    return cl;
}

std::vector<std::string> config_keys() {
    std::vector<std::string> out;
    for (const auto& [k, v] : setters()) out.push_back(k);
    return out;
}

const std::vector<std::string>& managed_keys() {
    static const std::vector<std::string> kKeys = {
        "heartbeat_interval_s", "catalogue_sync_interval_s", "idle_timeout_s",
        "idle_countdown_s",     "receipt_timeout_s",         "max_photos",
        "photo_countdown_s",    "similar_radius_m",          "retention_days",
        "consent_version"};
    return kKeys;
}

Result<void> apply_managed_config(Config& c, std::string_view json_text) {
    auto j = nlohmann::json::parse(json_text, nullptr, false);
    if (!j.is_object()) return make_error(ErrorCode::kInvalidInput, "not a JSON object");
    Config next = c;
    for (const auto& key : managed_keys()) {
        if (!j.contains(key)) continue;
        const auto& v = j[key];
        std::string text;
        if (v.is_number_integer())
            text = std::to_string(v.get<int64_t>());
        else if (v.is_string())
            text = v.get<std::string>();
        else
            return make_error(ErrorCode::kInvalidInput, key + ": not a number or a string");
        if (auto r = set_key(next, key, text); !r)
            return make_error(ErrorCode::kInvalidInput, key + ": " + r.error().message);
    }
    if (auto r = check_consistency(next); !r) return r.error();
    c = next;
    return {};
}

namespace {
// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char ch : s) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += static_cast<char>(ch);
        } else if (ch < 0x20 || ch == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04X", ch);
            out += buf;
        } else {
            out += static_cast<char>(ch);
        }
    }
    return out + "\"";
}
}  // namespace

std::string settings_toml(const Config& c) {
    std::string out =
        "# Written by the technician's settings screen; applied over the config file.\n";
    out += "language = \"" + std::string(code(c.default_language)) + "\"\n";
    out += std::string("voice_prompts = ") + (c.voice_prompts ? "true" : "false") + "\n";
    out += std::string("auto_print_receipt = ") + (c.auto_print_receipt ? "true" : "false") + "\n";
    out += "idle_timeout_s = " + std::to_string(c.idle_timeout_s) + "\n";
    out += "max_photos = " + std::to_string(c.max_photos) + "\n";
    out += "similar_radius_m = " + std::to_string(c.similar_radius_m) + "\n";
    out += "retention_days = " + std::to_string(c.retention_days) + "\n";
    out += std::string("languages = ") + (c.english_offered ? "\"ru,en\"" : "\"ru\"") + "\n";
    for (auto [key, v] :
         {std::pair{"large_text", c.large_text}, std::pair{"high_contrast", c.high_contrast},
          std::pair{"lower_screen", c.lower_screen}})
        out += std::string(key) + " = " + (v ? "true" : "false") + "\n";
    out += "site_address = " + toml_string(c.site_address) + "\n";
    char coords[96];
    std::snprintf(coords, sizeof coords, "site_lat = %.6f\nsite_lon = %.6f\n", c.site_lat,
                  c.site_lon);
    out += coords;
    out += "camera = " + toml_string(c.camera) + "\n";
    out += "printer = " + toml_string(c.printer) + "\n";
    out += "printer_columns = " + std::to_string(c.printer_columns) + "\n";
    out += "renderer = " + toml_string(c.renderer) + "\n";
    return out;
}

Config with_settings_layers(Config c, std::string* problems) {
    auto read = [](const std::string& path) -> std::optional<std::string> {
        std::ifstream in(path, std::ios::binary);
        if (!in) return std::nullopt;
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    auto note = [&](const std::string& p) {
        if (!problems) return;
        if (!problems->empty()) *problems += "; ";
        *problems += p;
    };
    const std::string settings = c.data_dir + "/settings.toml";
    if (auto text = read(settings)) {
        std::vector<std::string> refused;
        auto next = parse_config_impl(*text, c, &settings_keys(), &refused);
        if (next)
            c = std::move(next).value();
        else
            note(settings + ": " + next.error().message);
        for (const auto& r : refused)
            note(settings + ": " + r + ": not a key of the settings screen, ignored");
    }
    const std::string managed = c.data_dir + "/managed_config.json";
    if (auto text = read(managed)) {
        if (auto r = apply_managed_config(c, *text); !r) note(managed + ": " + r.error().message);
    }
    return c;
}

sync::TransportOptions transport_options(const Config& c, sync::TransportOptions base) {
    if (!c.tls_ca_file.empty()) base.ca_file = c.tls_ca_file;
    if (!c.tls_pinned_public_key.empty()) base.pinned_public_key = c.tls_pinned_public_key;
    base.allow_plain_http = base.allow_plain_http || c.allow_plain_http;
    return base;
}

std::string last_good_config_path(const std::string& data_dir) {
    return data_dir + "/config.last-good.toml";
}

Result<void> keep_last_good_config(const std::string& file, const std::string& data_dir) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, "cannot read config file " + file);
    std::stringstream ss;
    ss << in.rdbuf();
    return write_durably(posix_file_ops(), data_dir, "config.last-good.toml", ss.str());
}

}  // namespace vmeste::core
