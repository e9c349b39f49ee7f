#include "kiosk/core/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::core;

TEST(Config, ParsesTomlKeysInSectionsWithComments) {
    auto c = parse_config(
        "# site config\n"
        "data_dir = \"/srv/vmeste data\"\n"
        "[platform]\n"
        "platform_url = \"https://gw.example.org\"\n"
        "[screen]\n"
        "idle_timeout_s = 120   # longer for this hall\n"
        "language = \"en\"\n"
        "voice_prompts = true\n");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->platform_url, "https://gw.example.org");
    EXPECT_EQ(c->data_dir, "/srv/vmeste data");
    EXPECT_EQ(c->idle_timeout_s, 120);
    EXPECT_EQ(c->default_language, Language::kEn);
    EXPECT_TRUE(c->voice_prompts);
    EXPECT_EQ(c->text_max_chars, 4000);  // untouched keys keep their defaults
}

TEST(Config, EveryKindOfMistakeIsReportedWithItsLineKeyAndReason) {
    struct Case {
        const char* text;
        const char* message;
    };
    const Case cases[] = {
        {"idle_timeout_s = 30\nidel_timeout = 5\n", "line 2: unknown key 'idel_timeout'"},
        {"idle_timeout_s = \"90\"\n", "line 1: idle_timeout_s: must be a whole number"},
        {"idle_timeout_s = 1\n", "line 1: idle_timeout_s: 1 is outside 10..3600"},
        {"voice_prompts = \"on\"\n", "line 1: voice_prompts: must be true or false"},
        {"site_lat = \"north\"\n", "line 1: site_lat: must be a number"},
        {"platform_url = 8080\n", "line 1: platform_url: must be a string in quotes"},
        {"[a]\nidle_timeout_s = 30\n[b]\nidle_timeout_s = 40\n",
         "line 4: idle_timeout_s: given twice (also on line 2)"},
        {"[a.b]\nidle_timeout_s = 30\n", "line 1: [a.b]: sections do not nest"},
        {"text_min_chars = 500\ntext_max_chars = 200\n",
         "text_min_chars is larger than text_max_chars"},
    };
    for (const auto& c : cases) {
        auto r = parse_config(c.text);
        ASSERT_FALSE(r) << c.text;
        EXPECT_EQ(r.error().message, c.message) << c.text;
    }
    // Not TOML at all: the parser's own words, with the line.
    auto junk = parse_config("idle_timeout_s = 30\njust words\n");
    ASSERT_FALSE(junk);
    EXPECT_TRUE(junk.error().message.starts_with("line 2: ")) << junk.error().message;
}

TEST(Config, BadValuesAreRejectedWithTheReason) {
    auto u = parse_config("platform_url = \"ftp://x\"");
    ASSERT_FALSE(u);
    EXPECT_NE(u.error().message.find("not an http(s) URL"), std::string::npos);
}

TEST(Config, TrackingBaseDefaultsToThePlatform) {
    Config c;
    c.platform_url = "http://127.0.0.1:9000/";
    EXPECT_EQ(c.tracking_base(), "http://127.0.0.1:9000/t");
    c.tracking_base_url = "https://pos.example/s/";
    EXPECT_EQ(c.tracking_base(), "https://pos.example/s");
}

TEST(CommandLine, FlagsOverrideTheConfigFileGivenBeforeThem) {
    vmeste::test::TempDir dir;
    std::ofstream(dir.file("k.conf"))
        << "platform_url = \"https://10.0.0.1:1\"\ndata_dir = \"/a\"\n";
    auto cl = parse_command_line(
        {"--config", dir.file("k.conf"), "--data-dir", "/b", "--windowed", "1920x1080"});
    ASSERT_TRUE(cl) << cl.error().message;
    EXPECT_EQ(cl->config.platform_url, "https://10.0.0.1:1");
    EXPECT_EQ(cl->config.data_dir, "/b");
    EXPECT_TRUE(cl->windowed);
    EXPECT_EQ(cl->window_w, 1920);
    EXPECT_EQ(cl->window_h, 1080);
}

TEST(CommandLine, WindowedWithoutSizeIsPortrait) {
    auto cl = parse_command_line({"--windowed", "--platform", "http://127.0.0.1:8080"});
    ASSERT_TRUE(cl);
    EXPECT_EQ(cl->window_w, 1080);
    EXPECT_EQ(cl->window_h, 1920);
}

TEST(CommandLine, BadFlagsSayWhatIsWrong) {
    auto unknown = parse_command_line({"--fullscreen-please"});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message, "unknown option '--fullscreen-please' (see --help)");
    auto missing = parse_command_line({"--platform"});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "--platform needs a value");
    auto bad_lang = parse_command_line({"--language", "de"});
    ASSERT_FALSE(bad_lang);
    EXPECT_NE(bad_lang.error().message.find("ru or en"), std::string::npos);
    auto config_err = parse_command_line({"--config", "/definitely/missing.conf"});
    ASSERT_FALSE(config_err);
    EXPECT_NE(config_err.error().message.find("/definitely/missing.conf"), std::string::npos);
}

TEST(Config, AdapterSiteAndIntervalsAreCheckedAndOpen311NeedsItsUrl) {
    auto ok = parse_config(
        "adapter = \"open311\"\nopen311_url = \"https://city.example/open311/v2\"\n"
        "open311_api_key = \"k-1\"\nsite_address = \"ул. Кирова, 39\"\nsite_lat = 55.4312\n"
        "site_lon = 37.5447\nheartbeat_interval_s = 60\n");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->adapter, "open311");
    EXPECT_DOUBLE_EQ(ok->site_lat, 55.4312);
    EXPECT_EQ(ok->heartbeat_interval_s, 60);
    auto no_url = parse_config("adapter = \"open311\"\n");
    ASSERT_FALSE(no_url);
    EXPECT_NE(no_url.error().message.find("open311_url"), std::string::npos);
    EXPECT_FALSE(parse_config("adapter = \"carrier-pigeon\"\n"));
    auto lat = parse_config("site_lat = 95\n");
    ASSERT_FALSE(lat);
    EXPECT_NE(lat.error().message.find("line 1"), std::string::npos) << lat.error().message;
    EXPECT_FALSE(parse_config("site_lon = \"east\"\n"));
    EXPECT_FALSE(parse_config("heartbeat_interval_s = 1\n"));
    auto tls = parse_config(
        "tls_ca_file = \"/etc/vmeste/gateway-ca.pem\"\n"
        "tls_pinned_public_key = \"sha256//rPkKhi0ATY9CWlmL0jHZCWHczWswcQXwYSIWFegQz3o=\"\n");
    ASSERT_TRUE(tls);
    EXPECT_EQ(tls->tls_ca_file, "/etc/vmeste/gateway-ca.pem");
    EXPECT_FALSE(parse_config("tls_pinned_public_key = \"md5//abc\"\n"));
    auto dev = parse_config(
        "camera = \"folder:/srv/pictures\"\nprinter = \"tcp:10.0.0.7:9100\"\n"
        "voice_prompts = true\nrenderer = \"software\"\n");
    ASSERT_TRUE(dev) << dev.error().message;
    EXPECT_EQ(dev->renderer, "software");
    EXPECT_EQ(parse_config("").value().renderer, "opengl");
    auto vulkan = parse_config("renderer = \"vulkan\"\n");
    ASSERT_FALSE(vulkan);
    EXPECT_NE(vulkan.error().message.find("renderer must be opengl or software"),
              std::string::npos);
    EXPECT_EQ(dev->camera, "folder:/srv/pictures");
    EXPECT_EQ(dev->printer, "tcp:10.0.0.7:9100");
    EXPECT_TRUE(dev->voice_prompts);
    EXPECT_EQ(parse_config("").value().camera, "auto");
    EXPECT_FALSE(parse_config("camera = \"webcam\"\n"));
    EXPECT_FALSE(parse_config("printer = \"lpt1\"\n"));
    // The printer's width: 48 on 80 mm paper by default, 42 or 32; nothing else.
    EXPECT_EQ(parse_config("").value().printer_columns, 48);
    EXPECT_EQ(parse_config("printer_columns = 32\n").value().printer_columns, 32);
    auto cols = parse_config("printer_columns = 40\n");
    ASSERT_FALSE(cols);
    EXPECT_NE(cols.error().message.find("printer_columns must be 48"), std::string::npos);
    EXPECT_FALSE(parse_config("printer_columns = \"48\"\n"));
    EXPECT_FALSE(parse_config("voice_prompts = \"yes\"\n"));
}

TEST(Config, ThePackagedFileListsEveryKeyWithItsDefault) {
    std::ifstream in(std::string(VMESTE_SOURCE_DIR) + "/packaging/vmeste.toml");
    ASSERT_TRUE(in);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    for (const auto& key : config_keys())
        EXPECT_TRUE(text.find("\n" + key + " = ") != std::string::npos ||
                    text.find("\n# " + key + " = ") != std::string::npos)
            << key << " is not in packaging/vmeste.toml";
    auto c = parse_config(text);
    ASSERT_TRUE(c) << c.error().message;
    const Config d;
    // The one exception: the built-in default is the simulator on this machine, the package
    // ships a gateway's https:// address (issue #20).
    EXPECT_TRUE(c->platform_url.starts_with("https://")) << c->platform_url;
    EXPECT_EQ(c->printer, d.printer);
    EXPECT_EQ(c->camera, d.camera);
    EXPECT_EQ(c->renderer, d.renderer);
    EXPECT_EQ(c->data_dir, d.data_dir);
    EXPECT_EQ(c->default_language, d.default_language);
    EXPECT_EQ(c->voice_prompts, d.voice_prompts);
    EXPECT_EQ(c->consent_version, d.consent_version);
    for (auto f : {&Config::idle_timeout_s, &Config::idle_countdown_s, &Config::receipt_timeout_s,
                   &Config::text_min_chars, &Config::text_max_chars, &Config::max_photos,
                   &Config::photo_countdown_s, &Config::similar_radius_m,
                   &Config::heartbeat_interval_s, &Config::catalogue_sync_interval_s,
                   &Config::retry_base_ms, &Config::retry_cap_ms, &Config::min_free_disk_mb,
                   &Config::max_queued_appeals, &Config::max_queued_mb, &Config::retention_days})
        EXPECT_EQ((*c).*f, d.*f);
}

TEST(CommandLine, ABrokenConfigFileFallsBackToTheLastGoodOneAndSaysWhy) {
    vmeste::test::TempDir dir;
    const std::string file = dir.file("kiosk.toml");
    std::ofstream(file) << "idle_timeout_s = 120\nplatform_url = \"https://10.0.0.1:1\"\n";
    auto good = parse_command_line({"--config", file, "--data-dir", dir.path()});
    ASSERT_TRUE(good && good->config_problem.empty());
    ASSERT_TRUE(keep_last_good_config(file, dir.path()));
    // A technician's typo later: the kiosk still starts, with the last good file and the flags.
    std::ofstream(file) << "idle_timeout_s = 120\nplatform_url = http://10.0.0.2:1\n";
    auto cl = parse_command_line({"--data-dir", dir.path(), "--config", file, "--language", "en"});
    ASSERT_TRUE(cl) << cl.error().message;
    EXPECT_NE(cl->config_problem.find(file + ": line 2"), std::string::npos) << cl->config_problem;
    EXPECT_EQ(cl->config_fallback, "last-good");
    EXPECT_EQ(cl->config.idle_timeout_s, 120);
    EXPECT_EQ(cl->config.platform_url, "https://10.0.0.1:1");
    EXPECT_EQ(cl->config.default_language, Language::kEn) << "flags still apply";
    EXPECT_EQ(cl->config.data_dir, dir.path());
    // No last good copy: the defaults.
    vmeste::test::TempDir empty;
    auto fresh = parse_command_line({"--data-dir", empty.path(), "--config", file});
    ASSERT_TRUE(fresh);
    EXPECT_EQ(fresh->config_fallback, "defaults");
    EXPECT_EQ(fresh->config.idle_timeout_s, 90);
}

TEST(Config, TheScreensSettingsAndThenTheGatewaysGoOverTheFile) {
    vmeste::test::TempDir dir;
    Config base;
    base.data_dir = dir.path();
    base.idle_timeout_s = 120;  // from the file
    Config screen = base;
    screen.idle_timeout_s = 60;
    screen.max_photos = 3;
    screen.printer_columns = 32;  // a 58 mm printer, set on the screen
    std::ofstream(dir.file("settings.toml")) << settings_toml(screen);
    std::ofstream(dir.file("managed_config.json"))
        << R"({"max_photos": 2, "platform_url": "http://evil.example", "other": 1})";
    std::string problems;
    Config c = with_settings_layers(base, &problems);
    EXPECT_TRUE(problems.empty()) << problems;
    EXPECT_EQ(c.idle_timeout_s, 60) << "the technician's screen over the file";
    EXPECT_EQ(c.printer_columns, 32);
    EXPECT_EQ(c.max_photos, 2) << "the gateway over both, for what it manages";
    EXPECT_EQ(c.platform_url, base.platform_url) << "the gateway cannot move the kiosk elsewhere";
    // A bad layer is skipped whole and said.
    std::ofstream(dir.file("managed_config.json")) << R"({"max_photos": 99})";
    c = with_settings_layers(base, &problems);
    EXPECT_EQ(c.max_photos, 3);
    EXPECT_NE(problems.find("managed_config.json: max_photos: 99 is outside 0..10"),
              std::string::npos)
        << problems;
}

// Issue #20, point 3: anything that can write the data directory (the service's own user) must
// not redirect the terminal past the read-only /etc: settings.toml takes only the keys the
// settings screen writes; the rest is ignored and said.
TEST(Config, TheScreensSettingsFileCannotRedirectTheTerminal) {
    vmeste::test::TempDir dir;
    Config base;
    base.data_dir = dir.path();
    base.platform_url = "https://gateway.region.example";
    base.tls_ca_file = "/etc/vmeste/gateway-ca.pem";
    base.device_token = "from-etc";
    std::ofstream(dir.file("settings.toml"))
        << "idle_timeout_s = 60\n"
           "platform_url = \"https://evil.example\"\n"
           "[tls]\ntls_ca_file = \"/var/lib/vmeste/evil-ca.pem\"\n"
           "tls_pinned_public_key = \"sha256//evil\"\n"
           "device_token = \"stolen\"\n"
           "allow_plain_http = true\n";
    std::string problems;
    const Config c = with_settings_layers(base, &problems);
    EXPECT_EQ(c.idle_timeout_s, 60) << "the screen's own key still applies";
    EXPECT_EQ(c.platform_url, base.platform_url);
    EXPECT_EQ(c.tls_ca_file, base.tls_ca_file);
    EXPECT_EQ(c.tls_pinned_public_key, "");
    EXPECT_EQ(c.device_token, "from-etc");
    EXPECT_FALSE(c.allow_plain_http);
    for (const char* key : {"platform_url", "tls_ca_file", "tls_pinned_public_key", "device_token",
                            "allow_plain_http"})
        EXPECT_NE(problems.find(std::string(key) + ": not a key of the settings screen"),
                  std::string::npos)
            << key << " not said: " << problems;
    // What the screen writes goes through whole, every key of it.
    Config screen = base;
    screen.site_address = "г. Подольск, ул. Кирова, 39";
    screen.printer = "tcp:192.168.1.50";
    std::ofstream(dir.file("settings.toml"), std::ios::trunc) << settings_toml(screen);
    problems.clear();
    const Config back = with_settings_layers(base, &problems);
    EXPECT_TRUE(problems.empty()) << problems;
    EXPECT_EQ(back.site_address, screen.site_address);
    EXPECT_EQ(back.printer, screen.printer);
}

// Issue #20, point 2: a network attacker between the terminal and an http:// gateway gets the
// device token and every appeal, and can answer 2xx so appeals are purged as delivered.
TEST(Config, PlainHttpToThePlatformIsRefusedUnlessItIsThisMachineOrAllowedForDevelopment) {
    auto refused = [](const std::string& toml, const std::string& key) {
        auto c = parse_config(toml);
        if (c) return ::testing::AssertionFailure() << "accepted: " << toml;
        if (c.error().message.find(key + ": plain http://") == std::string::npos)
            return ::testing::AssertionFailure() << c.error().message;
        return ::testing::AssertionSuccess();
    };
    EXPECT_TRUE(refused("platform_url = \"http://gateway.example.ru\"", "platform_url"));
    EXPECT_TRUE(refused("platform_url = \"HTTP://10.0.0.5:8080/v1\"", "platform_url"));
    EXPECT_TRUE(refused("platform_url = \"http://127.0.0.1.evil.example/\"", "platform_url"));
    EXPECT_TRUE(refused("platform_url = \"http://127.0.0.1@evil.example/\"", "platform_url"));
    EXPECT_TRUE(refused("platform_url = \"http://localhost.evil.example/\"", "platform_url"));
    EXPECT_TRUE(
        refused("adapter = \"open311\"\nopen311_url = \"http://city.example/open311\"\n"
                "open311_api_key = \"k\"",
                "open311_url"));
    // This machine (the simulator, a local proxy) and https are fine.
    for (const char* ok :
         {"http://127.0.0.1:8080", "http://localhost:8080/", "http://[::1]:8080",
          "http://127.3.2.1/", "https://gateway.example.ru", "HTTPS://gateway.example.ru/v1"})
        EXPECT_TRUE(parse_config(std::string("platform_url = \"") + ok + "\"")) << ok;
    // Development only, and said so: the flag lets it through.
    auto dev = parse_config("platform_url = \"http://10.0.0.5:8080\"\nallow_plain_http = true");
    ASSERT_TRUE(dev) << dev.error().message;
    EXPECT_TRUE(dev->allow_plain_http);
    EXPECT_FALSE(Config{}.allow_plain_http);
}
