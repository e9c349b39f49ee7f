#include "kiosk/core/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::core;

TEST(Config, ParsesKeysCommentsAndQuotes) {
    auto c = parse_config(
        "# site config\n"
        "platform_url = https://gw.example.org\n"
        "data_dir = \"/srv/vmeste data\"\n"
        "idle_timeout_s = 120   # longer for this hall\n"
        "language = en\n");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->platform_url, "https://gw.example.org");
    EXPECT_EQ(c->data_dir, "/srv/vmeste data");
    EXPECT_EQ(c->idle_timeout_s, 120);
    EXPECT_EQ(c->default_language, Language::kEn);
    EXPECT_EQ(c->text_max_chars, 4000);  // untouched keys keep their defaults
}

TEST(Config, UnknownKeyNamesTheLine) {
    auto c = parse_config("idle_timeout_s = 30\nidel_timeout = 5\n");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message, "line 2: unknown key 'idel_timeout'");
}

TEST(Config, BadValuesAreRejectedWithTheReason) {
    auto n = parse_config("idle_timeout_s = soon");
    ASSERT_FALSE(n);
    EXPECT_NE(n.error().message.find("not a whole number"), std::string::npos);
    auto r = parse_config("idle_timeout_s = 1");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("outside 10..3600"), std::string::npos);
    auto u = parse_config("platform_url = ftp://x");
    ASSERT_FALSE(u);
    EXPECT_NE(u.error().message.find("not an http(s) URL"), std::string::npos);
    EXPECT_FALSE(parse_config("just words"));
}

TEST(Config, InconsistentLimitsAreRejected) {
    auto c = parse_config("text_min_chars = 500\ntext_max_chars = 200\n");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("text_min_chars is larger"), std::string::npos);
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
    std::ofstream(dir.file("k.conf")) << "platform_url = http://10.0.0.1:1\ndata_dir = /a\n";
    auto cl = parse_command_line(
        {"--config", dir.file("k.conf"), "--data-dir", "/b", "--windowed", "1920x1080"});
    ASSERT_TRUE(cl) << cl.error().message;
    EXPECT_EQ(cl->config.platform_url, "http://10.0.0.1:1");
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
        "adapter = open311\nopen311_url = https://city.example/open311/v2\n"
        "open311_api_key = k-1\nsite_address = ул. Кирова, 39\nsite_lat = 55.4312\n"
        "site_lon = 37.5447\nheartbeat_interval_s = 60\n");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->adapter, "open311");
    EXPECT_DOUBLE_EQ(ok->site_lat, 55.4312);
    EXPECT_EQ(ok->heartbeat_interval_s, 60);
    auto no_url = parse_config("adapter = open311\n");
    ASSERT_FALSE(no_url);
    EXPECT_NE(no_url.error().message.find("open311_url"), std::string::npos);
    EXPECT_FALSE(parse_config("adapter = carrier-pigeon\n"));
    auto lat = parse_config("site_lat = 95\n");
    ASSERT_FALSE(lat);
    EXPECT_NE(lat.error().message.find("line 1"), std::string::npos) << lat.error().message;
    EXPECT_FALSE(parse_config("site_lon = east\n"));
    EXPECT_FALSE(parse_config("heartbeat_interval_s = 1\n"));
    auto tls = parse_config(
        "tls_ca_file = /etc/vmeste/gateway-ca.pem\n"
        "tls_pinned_public_key = sha256//rPkKhi0ATY9CWlmL0jHZCWHczWswcQXwYSIWFegQz3o=\n");
    ASSERT_TRUE(tls);
    EXPECT_EQ(tls->tls_ca_file, "/etc/vmeste/gateway-ca.pem");
    EXPECT_FALSE(parse_config("tls_pinned_public_key = md5//abc\n"));
    auto dev = parse_config(
        "camera = folder:/srv/pictures\nprinter = tcp:10.0.0.7:9100\n"
        "voice_prompts = on\n");
    ASSERT_TRUE(dev) << dev.error().message;
    EXPECT_EQ(dev->camera, "folder:/srv/pictures");
    EXPECT_EQ(dev->printer, "tcp:10.0.0.7:9100");
    EXPECT_TRUE(dev->voice_prompts);
    EXPECT_EQ(parse_config("").value().camera, "auto");
    EXPECT_FALSE(parse_config("camera = webcam\n"));
    EXPECT_FALSE(parse_config("printer = lpt1\n"));
    EXPECT_FALSE(parse_config("voice_prompts = yes\n"));
}
