// ui_bench: the kiosk's side of the comparison with Chromium (bench/ui_compare.py runs both and
// prints them side by side). One mode per run, so each figure is taken from a fresh process:
//
//   first-frame            prints the CLOCK_MONOTONIC time (ms) at which the first frame was on
//                          screen; the script subtracts the time it started the process
//   frames description N   N frames of the description screen, a character typed before each
//   frames map N           N frames of the map, panned before each (tiles already loaded)
//   frames review N        N frames of the review with a 4,000-character text and 5 photos, a
//                          finger tapping the language button (press, release: the other
//                          language)
//   frames categories N    N frames of the category grid with large text, a finger tapping a
//                          category (its subjects) and «Назад» (the grid again)
//                          → per-frame wall time (build + raster + swap + glFinish or the software
//                          renderer's present), p50 and p99, CPU per frame, pixels rasterised
//   idle                   the real event loop on the attract screen until SIGTERM (the script
//                          measures the process's CPU over 60 s)
//   photos                 a report with 5 photos taken on the (synthetic) camera, left on the
//                          review screen until SIGTERM (the script measures PSS)
//   typing                 the real event loop on the description screen (its keyboard's key
//                          centres printed first, in screen pixels) until SIGTERM, for real X11
//                          taps from bench/ui_compare.py; prints the text's length and the
//                          frames drawn at the end
//   write-assets DIR       the 5 photos (as the kiosk prepares them) and the map tiles the
//                          Chromium page shows, so both draw the same pictures
//
// Portrait 1080×1920, under a display (bench/run starts Xvfb). DESIGN.md: GPU-less terminals.
// VMESTE_BENCH_RENDERER=software draws with SDL's software renderer instead of OpenGL.
#include <SDL.h>
#include <imgui.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "drivers/camera/camera.h"
#include "drivers/watchdog/watchdog.h"
#include "image/jpeg.h"
#include "image/photo.h"
#include "kiosk/base/utf8.h"
#include "kiosk/core/kiosk.h"
#include "kiosk/core/map_tiles.h"
#include "ui/kiosk_loop.h"
#include "ui/kiosk_ui.h"
#include "ui/sdl_host.h"
#include "ui/texture_images.h"

using namespace vmeste;
using core::IntentKind;

namespace {

// The demo town's МФЦ (tools/region/demo: the centre of its building, 32 m north and 55 m east
// of 56° N, 37° E).
const double kSiteLat = 56.0 + 32 / 111195.0;
const double kSiteLon = 37.0 + 55 / (111195.0 * std::cos(56.0 * M_PI / 180.0));

// A map file's tiles as the kiosk draws them, waited for (the loader wakes it): for the assets
// and the raster baseline.
class DrawnTiles {
  public:
    explicit DrawnTiles(std::unique_ptr<core::MbTiles> file)
        : cache_(std::move(file), [this] {
              std::lock_guard lock(mu_);
              ++woken_;
              cv_.notify_all();
          }) {}
    core::TileCache::Tile get(int z, int x, int y) {
        core::TileCache::Tile t;
        std::unique_lock lock(mu_);
        while (!(t = cache_.get(z, x, y)) && !cache_.missing(z, x, y)) {
            const long seen = woken_;
            cv_.wait(lock, [&] { return woken_ != seen; });
        }
        return t;
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    long woken_ = 0;
    core::TileCache cache_;
};

std::atomic<bool> g_stop{false};

double now_ms() {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Rig {
    std::string dir;
    std::unique_ptr<core::Kiosk> kiosk;
    std::unique_ptr<ui::KioskUi> ui;
    std::unique_ptr<ui::SdlHost> host;
    std::unique_ptr<ui::TextureImages> images;
    SystemClock camera_clock;

    bool open() {
        char tmpl[] = "/tmp/vmeste-ui-bench-XXXXXX";
        dir = mkdtemp(tmpl);
        // The demo town's region pack (copied by write-assets; else the build's own).
        const char* assets = std::getenv("VMESTE_BENCH_ASSETS");
        std::string map = assets ? std::string(assets) + "/region.mbtiles" : "";
        if (map.empty() || !std::filesystem::exists(map)) map = VMESTE_DEMO_PACK;
        // Another map file (write-raster's: the same town as raster tiles, today's kind).
        if (const char* other = std::getenv("VMESTE_BENCH_MAP")) map = other;
        core::Kiosk::Options ko;
        ko.config.data_dir = dir;
        ko.config.site_address = "г. Заречный, улица Ленина, 1 (МФЦ)";
        ko.config.site_lat = kSiteLat;
        ko.config.site_lon = kSiteLon;
        ko.config.map_file = map;
        ko.config.photo_countdown_s = 0;
        ko.config.printer = "none";
        ko.start_uploader = false;
        ko.wake_ui = ui::make_ui_waker();
        ko.camera = drivers::make_synthetic_camera(camera_clock, 2592, 1944, 15);
        auto k = core::Kiosk::start(std::move(ko));
        if (!k) {
            std::fprintf(stderr, "ui_bench: %s\n", k.error().message.c_str());
            return false;
        }
        kiosk = std::move(k).value();
        ui = std::make_unique<ui::KioskUi>(*kiosk);
        if (!ui->init(1080, 1920)) return false;
        ui::HostOptions ho{"Vmeste bench", 1080, 1920, false};
        if (const char* r = std::getenv("VMESTE_BENCH_RENDERER"))
            ui::parse_renderer(r, &ho.renderer);
        auto h = ui::SdlHost::open(ho);
        if (!h) {
            std::fprintf(stderr, "ui_bench: %s\n", h.error().message.c_str());
            return false;
        }
        host = std::move(h).value();
        images =
            std::make_unique<ui::TextureImages>(host->textures(), kiosk->visit_workers().camera());
        ui->set_images(images.get());
        return true;
    }
    void frame() {
        host->begin_frame();
        ui->frame();
        kiosk->pump();
        kiosk->tick();
        host->present(ui->draw_data());
    }
    bool settle(const std::function<bool()>& done, int max_ms = 20000) {
        const double until = now_ms() + max_ms;
        while (!done()) {
            if (now_ms() > until) return false;
            SDL_Delay(5);
            frame();
        }
        return true;
    }
    void to_place() {
        kiosk->dispatch({IntentKind::kStart});
        kiosk->dispatch({IntentKind::kChooseCategory, "roads"});
        kiosk->dispatch({IntentKind::kChooseLeaf, "roads.road.pothole"});
    }
    // The place first (a typed address: no similar appeals to look for), then the description.
    void to_description() {
        to_place();
        kiosk->dispatch({IntentKind::kPlaceAddress});
        kiosk->dispatch({IntentKind::kInsertText, "ул. Мира, 12"});
        kiosk->dispatch({IntentKind::kNext});
    }
    // A finger pressing the widget `id` of the last frame, or lifting from where it pressed, as
    // SDL delivers it.
    ImVec2 finger{};
    bool touch(const std::string& id, bool down) {
        if (down) {
            const ui::WidgetInfo* w = ui->widgets().find(id);
            if (!w) {
                std::fprintf(stderr, "ui_bench: no %s on the %s screen:", id.c_str(),
                             core::screen_name(kiosk->session().state().screen));
                for (const ui::WidgetInfo& o : ui->widgets().all())
                    std::fprintf(stderr, " %s", o.id.c_str());
                std::fprintf(stderr, "\n");
                return false;
            }
            finger = ImVec2((w->min.x + w->max.x) * 0.5f, (w->min.y + w->max.y) * 0.5f);
        }
        SDL_Event ev{};
        ev.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
        ev.button.button = SDL_BUTTON_LEFT;
        ev.button.state = down ? SDL_PRESSED : SDL_RELEASED;
        ev.button.x = static_cast<int>(finger.x);
        ev.button.y = static_cast<int>(finger.y);
        host->handle_event(ev);
        return true;
    }
    // The review of a report with `text`, five photos taken on the camera and a contact.
    bool to_review(const std::string& text) {
        to_description();
        kiosk->dispatch({IntentKind::kInsertText, text});
        kiosk->dispatch({IntentKind::kNext});
        if (!settle([&] { return kiosk->session().camera_status() == core::CameraStatus::kReady; }))
            return false;
        for (size_t i = 0; i < 5; ++i) {
            kiosk->dispatch({IntentKind::kSelectPhoto, "", core::Language::kRu, -1});
            kiosk->dispatch({IntentKind::kTakePhoto});
            if (!settle([&] { return kiosk->session().state().photos.photos.size() == i + 1; }))
                return false;
        }
        kiosk->dispatch({IntentKind::kNext});
        kiosk->dispatch({IntentKind::kUseContact});
        kiosk->dispatch({IntentKind::kInsertText, "Анна Иванова"});
        kiosk->dispatch(
            {IntentKind::kFocus, "", core::Language::kRu, static_cast<int>(core::Field::kPhone)});
        kiosk->dispatch({IntentKind::kInsertText, "9161234567"});
        kiosk->dispatch({IntentKind::kNext});
        kiosk->dispatch({IntentKind::kConsentAgree});
        frame();
        frame();
        return kiosk->session().state().screen == core::Screen::kReview;
    }
    void close() {
        images.reset();
        host.reset();
        ui.reset();
        kiosk.reset();
        std::filesystem::remove_all(dir);
    }
};

double cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void print_percentiles(const char* what, std::vector<double> v, double cpu_total_ms) {
    const size_t n = v.size();
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
    };
    std::printf("%s frames=%zu p50_ms=%.2f p99_ms=%.2f cpu_ms_per_frame=%.2f\n", what, n, at(0.5),
                at(0.99), cpu_total_ms / n);
}

// The heaviest text a citizen can leave: 4,000 characters (the limit), words of a real appeal.
std::string long_text() {
    const std::string sentence =
        "Во дворе дома 12 по улице Мира третий год стоит яма глубиной до двадцати сантиметров, "
        "после дождя её не видно, машины ломают подвеску, дети обходят её по газону. ";
    std::string out;
    while (utf8::length(out) < 4000) out += sentence;
    return std::string(utf8::prefix(out, 4000));
}

int frames(Rig& rig, const std::string& screen, int n) {
    // review and categories: per frame, the next step of a finger's taps (widget, pressed).
    std::vector<std::pair<std::string, bool>> taps;
    if (screen == "map") {
        rig.to_place();
        rig.kiosk->dispatch({IntentKind::kPlaceMap});
        rig.frame();
        if (!rig.settle([&] {
                return rig.kiosk->map_tiles()->loaded() > 0 &&
                       rig.kiosk->map_tiles()->pending() == 0;
            }))
            return 1;
    } else if (screen == "review") {
        if (!rig.to_review(long_text())) return 1;
        taps = {{"top/language", true}, {"top/language", false}, {"", false}};
    } else if (screen == "categories") {
        rig.kiosk->dispatch({IntentKind::kToggleAccessibility, "", core::Language::kRu,
                             static_cast<int>(core::A11yOption::kLargeText)});
        rig.kiosk->dispatch({IntentKind::kStart});
        rig.frame();
        rig.frame();
        // A tap is a frame pressed, a frame released and a frame of its result.
        taps = {{"category/roads", true}, {"category/roads", false}, {"", false},
                {"nav/back", true},       {"nav/back", false},       {"", false}};
    } else if (screen == "description") {
        rig.to_description();
        rig.kiosk->dispatch({IntentKind::kInsertText,
                             "Большая яма на проезжей части у дома 12 по улице Мира, машины "
                             "объезжают её по встречной полосе. "});
    } else {
        std::fprintf(stderr, "ui_bench: no scene %s\n", screen.c_str());
        return 2;
    }
    const core::MapView start = rig.kiosk->session().state().place.view;
    rig.frame();
    std::vector<double> times;
    long pixels = 0;  // rasterised, as present() reports them
    long copied = 0, layer_drawn = 0;
    const double cpu0 = cpu_ms();  // the whole process: llvmpipe's raster threads too
    for (int i = 0; i < n; ++i) {
        if (screen == "map") {
            // A finger dragging east by 4 px a frame, back and forth over two tiles.
            const double lon = start.lon + 0.00002 * ((i % 200) < 100 ? i % 100 : 100 - i % 100);
            rig.kiosk->dispatch(
                {IntentKind::kMapView, "", core::Language::kRu, start.zoom, start.lat, lon});
        } else if (!taps.empty()) {
            const auto& [id, down] = taps[static_cast<size_t>(i) % taps.size()];
            if (!id.empty() && !rig.touch(id, down)) return 1;
        } else {
            const char* word = i % 7 == 6 ? " " : "а";  // words of six letters
            rig.kiosk->dispatch({IntentKind::kInsertText, word});
        }
        const double t0 = now_ms();
        rig.host->begin_frame();
        rig.ui->frame();
        rig.host->present(rig.ui->draw_data());
        rig.host->finish();
        times.push_back(now_ms() - t0);
        pixels += rig.host->presented_pixels();
        copied += rig.host->layer_copied_pixels();
        layer_drawn += rig.host->layer_drawn_pixels();
        rig.kiosk->pump();
    }
    const double cpu = cpu_ms() - cpu0;
    print_percentiles(screen.c_str(), times, cpu);
    std::printf("pixels_per_frame=%ld\n", n ? pixels / n : 0);
    // Of those, copied from the map's kept layer (OpenGL), and drawn into that layer.
    std::printf("layer_copied_per_frame=%ld layer_drawn_per_frame=%ld\n", n ? copied / n : 0,
                n ? layer_drawn / n : 0);
    return 0;
}

// The real loop on the description screen, for taps from outside (bench/ui_compare.py, xdotool).
int typing(Rig& rig) {
    rig.to_description();
    rig.frame();
    rig.frame();
    int wx = 0, wy = 0;
    SDL_GetWindowPosition(rig.host->window(), &wx, &wy);
    for (const ui::WidgetInfo& w : rig.ui->widgets().all())
        if (w.id.rfind("kbd/", 0) == 0)
            std::printf("key %s %d %d\n", w.id.c_str() + 4,
                        wx + static_cast<int>((w.min.x + w.max.x) * 0.5f),
                        wy + static_cast<int>((w.min.y + w.max.y) * 0.5f));
    std::printf("ready\n");
    std::fflush(stdout);
    drivers::CountingWatchdog wd;
    std::thread stopper([] {
        while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ui::request_stop();
    });
    ui::LoopFigures figures;
    ui::run_kiosk_loop(*rig.ui, *rig.host, wd, &figures);
    g_stop = true;
    stopper.join();
    std::printf("typed_chars=%zu frames=%ld presented=%ld\n",
                utf8::length(rig.kiosk->session().state().text()), figures.frames,
                figures.presented);
    std::fflush(stdout);
    return 0;
}

int photos(Rig& rig) {
    rig.to_description();
    rig.kiosk->dispatch({IntentKind::kInsertText, "Яма на дороге у дома 12, опасно"});
    rig.kiosk->dispatch({IntentKind::kNext});
    if (!rig.settle(
            [&] { return rig.kiosk->session().camera_status() == core::CameraStatus::kReady; }))
        return 1;
    for (int i = 0; i < 5; ++i) {
        rig.kiosk->dispatch({IntentKind::kSelectPhoto, "", core::Language::kRu, -1});
        rig.kiosk->dispatch({IntentKind::kTakePhoto});
        if (!rig.settle(
                [&] { return rig.kiosk->session().state().photos.photos.size() == size_t(i) + 1; }))
            return 1;
    }
    rig.kiosk->dispatch({IntentKind::kNext});
    rig.kiosk->dispatch({IntentKind::kUseContact});
    rig.kiosk->dispatch({IntentKind::kInsertText, "Анна Иванова"});
    rig.kiosk->dispatch(
        {IntentKind::kFocus, "", core::Language::kRu, static_cast<int>(core::Field::kPhone)});
    rig.kiosk->dispatch({IntentKind::kInsertText, "9161234567"});
    rig.kiosk->dispatch({IntentKind::kNext});
    rig.kiosk->dispatch({IntentKind::kConsentAgree});
    rig.frame();
    rig.frame();
    std::printf("ready screen=%s photos=%zu\n",
                core::screen_name(rig.kiosk->session().state().screen),
                rig.kiosk->session().state().photos.photos.size());
    std::fflush(stdout);
    while (!g_stop) {
        SDL_Event ev;
        while (SDL_PollEvent(&ev)) rig.host->handle_event(ev);
        SDL_Delay(100);
    }
    return 0;
}

int write_assets(const std::string& out) {
    std::filesystem::create_directories(out + "/tiles");
    SystemClock clock;
    auto cam = drivers::make_synthetic_camera(clock, 2592, 1944, 15);
    for (int i = 0; i < 5; ++i) {
        auto still = cam->capture_still();
        if (!still) return 1;
        auto p = image::prepare_photo(still->rgb);
        if (!p) return 1;
        std::ofstream(out + "/photo" + std::to_string(i + 1) + ".jpg", std::ios::binary) << p->jpeg;
    }
    const std::string map = out + "/region.mbtiles";
    std::filesystem::copy_file(VMESTE_DEMO_PACK, map,
                               std::filesystem::copy_options::overwrite_existing);
    auto tiles = core::MbTiles::open(map);
    if (!tiles) return 1;
    // The tiles as the kiosk draws them, as JPEG for the browser's page.
    DrawnTiles cache(std::move(tiles).value());
    const int z = 16;
    const int cx = static_cast<int>(core::lon_to_world_x(kSiteLon, z) / 256);
    const int cy = static_cast<int>(core::lat_to_world_y(kSiteLat, z) / 256);
    for (int y = cy - 2; y <= cy + 2; ++y)
        for (int x = cx - 2; x <= cx + 2; ++x) {
            const core::TileCache::Tile t = cache.get(z, x, y);
            auto jpeg = t ? image::encode_jpeg(*t, 90) : Result<std::string>(std::string());
            if (jpeg && !jpeg->empty())
                std::ofstream(out + "/tiles/" + std::to_string(x - cx) + "_" +
                                  std::to_string(y - cy) + ".jpg",
                              std::ios::binary)
                    << *jpeg;
        }
    std::printf("assets in %s\n", out.c_str());
    return 0;
}

// The demo pack's map as raster tiles in an MBTiles file of its own (JPEG, as a raster map made
// elsewhere is): the baseline for the vector map's memory and CPU, the same town drawn.
int write_raster(const std::string& out) {
    auto file = core::MbTiles::open(VMESTE_DEMO_PACK);
    if (!file) return 1;
    const core::MapMetadata meta = (*file)->metadata();
    DrawnTiles cache(std::move(file).value());
    std::filesystem::remove(out);
    sqlite3* db = nullptr;
    if (sqlite3_open(out.c_str(), &db) != SQLITE_OK) return 1;
    sqlite3_exec(db,
                 "CREATE TABLE metadata(name TEXT, value TEXT);"
                 "CREATE TABLE tiles(zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
                 "tile_data BLOB);"
                 "CREATE UNIQUE INDEX tile_index ON tiles(zoom_level, tile_column, tile_row);"
                 "BEGIN",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)", -1, &st, nullptr);
    long written = 0;
    for (int z = 15; z <= 18; ++z) {
        const int x0 = static_cast<int>(core::lon_to_world_x(meta.west, z) / 256);
        const int x1 = static_cast<int>(core::lon_to_world_x(meta.east, z) / 256);
        const int y0 = static_cast<int>(core::lat_to_world_y(meta.north, z) / 256);
        const int y1 = static_cast<int>(core::lat_to_world_y(meta.south, z) / 256);
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                const core::TileCache::Tile t = cache.get(z, x, y);
                if (!t) continue;
                auto jpeg = image::encode_jpeg(*t, 85);
                if (!jpeg) continue;
                sqlite3_bind_int(st, 1, z);
                sqlite3_bind_int(st, 2, x);
                sqlite3_bind_int(st, 3, (1 << z) - 1 - y);
                sqlite3_bind_blob(st, 4, jpeg->data(), static_cast<int>(jpeg->size()),
                                  SQLITE_TRANSIENT);
                sqlite3_step(st);
                sqlite3_reset(st);
                ++written;
            }
    }
    sqlite3_finalize(st);
    char bounds[128];
    std::snprintf(bounds, sizeof bounds, "%.6f,%.6f,%.6f,%.6f", meta.west, meta.south, meta.east,
                  meta.north);
    const std::string sql = std::string(
                                "INSERT INTO metadata VALUES ('name', 'raster baseline'), "
                                "('format', 'jpg'), ('minzoom', '15'), ('maxzoom', '18'), "
                                "('bounds', '") +
                            bounds + "'); COMMIT";
    sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    std::printf("%s: %ld raster tiles, z15-18\n", out.c_str(), written);
    return 0;
}

// Memory with the map in use: the map opened, panned over the town at zooms 16 and 17 until the
// tile cache is full, an address looked up at every step (the pin); then the process's own
// resident and proportional sizes.
int map_memory(Rig& rig) {
    rig.to_place();
    rig.kiosk->dispatch({IntentKind::kPlaceMap});
    rig.frame();
    for (int zoom : {16, 17})
        for (int step = 0; step < 40; ++step) {
            const double lat = kSiteLat + 0.0008 * ((step / 8) - 2);
            const double lon = kSiteLon + 0.0015 * ((step % 8) - 4);
            rig.kiosk->dispatch({IntentKind::kMapView, "", core::Language::kRu, zoom, lat, lon});
            rig.kiosk->dispatch({IntentKind::kPlacePin, "", core::Language::kRu, -1, lat, lon});
            rig.frame();
            rig.settle([&] { return rig.kiosk->map_tiles()->pending() == 0; });
            rig.frame();
        }
    long rss = 0, pss = 0;
    char line[256];
    if (FILE* f = std::fopen("/proc/self/status", "r")) {
        while (std::fgets(line, sizeof line, f)) std::sscanf(line, "VmRSS: %ld", &rss);
        std::fclose(f);
    }
    if (FILE* f = std::fopen("/proc/self/smaps_rollup", "r")) {
        while (std::fgets(line, sizeof line, f)) std::sscanf(line, "Pss: %ld", &pss);
        std::fclose(f);
    }
    std::printf("map_memory rss_mib=%.1f pss_mib=%.1f tiles_loaded=%zu\n", rss / 1024.0,
                pss / 1024.0, rig.kiosk->map_tiles()->loaded());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGTERM, [](int) { g_stop = true; });
    std::signal(SIGINT, [](int) { g_stop = true; });
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::fputs(
            "usage: vmeste-bench-ui first-frame | frames description|map|review|categories N | "
            "idle | "
            "photos | typing | "
            "write-assets DIR\n",
            stderr);
        return 2;
    }
    if (args[0] == "write-assets" && args.size() == 2) return write_assets(args[1]);
    if (args[0] == "write-raster" && args.size() == 2) return write_raster(args[1]);
    if (!std::getenv("DISPLAY")) {
        std::fprintf(stderr, "ui_bench: needs a display (bench/run starts Xvfb)\n");
        return 1;
    }
    Rig rig;
    if (!rig.open()) return 1;
    int rc = 0;
    if (args[0] == "first-frame") {
        rig.frame();
        rig.host->finish();
        std::printf("first_frame_monotonic_ms=%.1f\n", now_ms());
    } else if (args[0] == "frames" && args.size() == 3) {
        rc = frames(rig, args[1], std::atoi(args[2].c_str()));
    } else if (args[0] == "idle") {
        drivers::CountingWatchdog wd;
        std::thread stopper([] {
            while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
            ui::request_stop();
        });
        std::printf("ready\n");
        std::fflush(stdout);
        ui::run_kiosk_loop(*rig.ui, *rig.host, wd);
        g_stop = true;
        stopper.join();
    } else if (args[0] == "photos") {
        rc = photos(rig);
    } else if (args[0] == "map-memory") {
        rc = map_memory(rig);
    } else if (args[0] == "typing") {
        rc = typing(rig);
    } else {
        std::fprintf(stderr, "ui_bench: unknown mode %s\n", args[0].c_str());
        rc = 2;
    }
    rig.close();
    return rc;
}
