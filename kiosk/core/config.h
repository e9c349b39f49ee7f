// Config: every tunable of the kiosk in one struct, with its default and where the default comes
// from. Read from a TOML file (--config; every key with its default: packaging/vmeste.toml) and
// overridden by command-line flags.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/result.h"
#include "kiosk/core/language.h"
#include "sync/http.h"

namespace vmeste::core {

struct Config {
    std::string data_dir = "/var/lib/vmeste";            // appliance default (packaging/)
    std::string platform_url = "http://127.0.0.1:8080";  // the simulator's default port
    std::string device_token = "dev-token";  // used until enrolment stores <data_dir>/device_token
    // Which platform adapter delivers appeals: "gateway" (docs/protocol.md) or "open311".
    std::string adapter = "gateway";
    std::string open311_url;                    // e.g. https://city.example/open311/v2
    std::string open311_api_key;                // Open311's api_key
    std::string open311_jurisdiction_id;        // sent when the server hosts several jurisdictions
    std::string open311_media_field = "media";  // "media" (repeatable) or "photo" (photo1..N)
    // An item the platform fails (HTTP 500) for this many days while others go through is
    // quarantined with its reason (0: never).
    int stuck_item_days = 3;
    // The МФЦ the kiosk stands in: the place of "here" and of appeals without a place.
    std::string site_address;
    double site_lat = 0, site_lon = 0;
    // Devices (docs/hardware.md): "auto" (the first V4L2 camera, else the synthetic one),
    // "v4l2:/dev/videoN", "synthetic", "folder:DIR".
    std::string camera = "auto";
    // "usb:/dev/usb/lp0", "serial:/dev/ttyS0[:BAUD]", "tcp:HOST[:PORT]" or "none".
    std::string printer = "usb:/dev/usb/lp0";
    int printer_columns = 48;    // font A characters per line: 48 (80 mm), 42, 32 (58 mm)
    bool voice_prompts = false;  // espeak-ng prompts; citizens can turn them on per session
    // "opengl" (a GPU, or Mesa's llvmpipe) or "software" (SDL's own rasteriser: no GL at all,
    // for a terminal without a GPU; docs/performance.md compares them).
    std::string renderer = "opengl";
    // How each visit starts (citizens change them for their visit): larger text, high contrast,
    // everything in the lower part of the screen (an МФЦ whose terminal serves wheelchair users).
    bool large_text = false, high_contrast = false, lower_screen = false;
    // languages = "ru,en" (the switch on every screen) or "ru" (no switch).
    bool english_offered = true;
    bool auto_print_receipt = false;  // print the receipt without waiting for the button
    // The region's map: raster tiles in an MBTiles file (docs/hardware.md). Empty or missing:
    // the place step offers "here" and a typed address only.
    std::string map_file;
    // Where staff's export of unsent appeals goes: "auto" = the USB stick mounted under /media or
    // /run/media; or a directory.
    std::string export_dir = "auto";
    // The image's updater's record of the kiosk's package (update_state.h, docs/image.md):
    // shown on «О терминале», sent in the heartbeat. No file there: nothing is said.
    std::string update_state_file = "/data/vmeste-update/state.json";
    int max_photos = 5;         // DOMAIN.md: up to 5 (default)
    int photo_countdown_s = 3;  // before the shot: time to step back and hold still
    // Appeals of the same category within this many metres are shown before a new one is made
    // (issue #7); 0 turns the "similar appeals" screen off.
    int similar_radius_m = 250;
    // The appliance: until the terminal is enrolled (DATA_DIR/device_token), it shows the
    // provisioning screen instead of the citizens' (packaging/vmeste.toml sets it; development
    // and the simulator run without).
    bool require_enrolment = false;
    // The version of the 152-ФЗ consent text the citizen accepts (stored with each appeal).
    std::string consent_version = "2025-09-01";
    std::string watchdog_device;  // e.g. /dev/watchdog; empty: systemd's watchdog only
    int watchdog_timeout_s = 0;   // the hardware timer; 0: twice WatchdogSec + a restart (75 s)
    std::string tls_ca_file;      // empty: the system's CA store
    std::string tls_pinned_public_key;  // "sha256//<base64>" (CURLOPT_PINNEDPUBLICKEY) or empty
    // Plain http:// to a platform that is not on this machine: development only, logged loudly.
    // Without it such a platform_url/open311_url is refused (issue #20).
    bool allow_plain_http = false;
    int heartbeat_interval_s = 300;        // the gateway may change it (heartbeat config)
    int catalogue_sync_interval_s = 3600;  // catalogue and polls, with ETag
    // Base of the citizen's status page; the receipt number is appended. Empty: <platform>/t.
    std::string tracking_base_url;
    Language default_language = Language::kRu;  // brief: Russian first
    int idle_timeout_s = 90;                    // DESIGN.md: idle 90 s
    int idle_countdown_s = 20;                  // DESIGN.md: then a 20 s countdown
    int receipt_timeout_s = 45;                 // time to read/scan the receipt
    int text_min_chars = 10;                    // DOMAIN.md: 10–4,000 (default)
    int text_max_chars = 4000;
    int retry_base_ms = 1000;           // DESIGN.md: base 1 s
    int retry_cap_ms = 15 * 60 * 1000;  // DESIGN.md: cap 15 min
    int min_free_disk_mb = 64;          // refuse new appeals below this
    int max_queued_appeals = 5000;      // undelivered appeals kept at most
    int max_queued_mb = 2048;           // their sealed text and photos at most
    int retention_days = 7;             // DESIGN.md: personal data purged 7 days after delivery

    std::string tracking_base() const;
};

// Parses TOML: `key = value` at the top or under [sections] (which only group keys for the
// reader; each key once). Unknown keys, values of the wrong type and bad values are errors that
// name the line, the key and the reason, so a technician's typo never passes silently.
Result<Config> parse_config(std::string_view text, Config base = {});
Result<Config> load_config_file(const std::string& path, Config base = {});

// Every key a config file may set, sorted.
std::vector<std::string> config_keys();

// Settings layers over the config file (docs/operations.md "Settings layers"): what a technician
// changed on the screen (DATA_DIR/settings.toml), then what the gateway manages (its heartbeat's
// config, DATA_DIR/managed_config.json). Each layer that does not parse is skipped and reported.
// The keys the gateway may set; others in its config are ignored (and logged).
const std::vector<std::string>& managed_keys();
// Applies the gateway's JSON object to `c` (managed keys only). Errors name the key.
Result<void> apply_managed_config(Config& c, std::string_view json_text);
// The keys the technician's settings screen changes, as TOML for DATA_DIR/settings.toml.
std::string settings_toml(const Config& c);
// Both layers from the data directory over `c`; `problems` receives what was skipped and why.
Config with_settings_layers(Config c, std::string* problems);

// The transport's TLS settings from the config (tls_ca_file, tls_pinned_public_key,
// allow_plain_http) over `base` (its timeouts): the kiosk and every vmestectl command that talks
// to the platform use the same.
sync::TransportOptions transport_options(const Config& c, sync::TransportOptions base = {});

// Where the kiosk keeps a copy of the last config file that parsed, and keeping it (atomically).
std::string last_good_config_path(const std::string& data_dir);
Result<void> keep_last_good_config(const std::string& file, const std::string& data_dir);

struct CommandLine {
    Config config;
    std::string config_file;      // --config, if given
    std::string config_problem;   // the file did not parse: why ("FILE: line N: key: reason")
    std::string config_fallback;  // then what was used instead: "last-good" or "defaults"
    bool help = false;
    bool windowed = false;
    int window_w = 1080;
    int window_h = 1920;
};

// --data-dir DIR, --platform URL, --config FILE, --windowed [WxH], --language ru|en, --help.
Result<CommandLine> parse_command_line(const std::vector<std::string>& args);
std::string command_line_help();

}  // namespace vmeste::core
