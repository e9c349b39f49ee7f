// SdlHost: a real window. SDL2 for the window and input; drawing by one of two renderers through
// the Dear ImGui backends: OpenGL 3 (in Debian's libimgui.a) for a terminal with a GPU, or SDL's
// own software renderer (the backend's source ships with libimgui-dev) for one without — no GL
// library loaded at all, a fraction of llvmpipe's memory (docs/performance.md). The only file
// besides kiosk_loop.cpp that includes SDL.
#pragma once

#include <cfloat>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/base/result.h"
#include "ui/damage.h"
#include "ui/sw_draw.h"
#include "ui/textures.h"

struct SDL_Window;
struct SDL_Renderer;
struct ImDrawData;
union SDL_Event;

namespace vmeste::ui {

class GlRowClear;

enum class Renderer { kOpenGl, kSoftware };
// "opengl" / "software" (config key `renderer`, flag --renderer).
const char* renderer_name(Renderer r);
bool parse_renderer(const std::string& name, Renderer* out);

struct HostOptions {
    std::string title = "Vmeste";
    int width = 1080;
    int height = 1920;
    bool fullscreen = true;
    // The terminal (not a developer's window): closing the window, Alt+F4, Alt+Tab and any
    // shortcut with Ctrl, Alt or the logo key do nothing; the keyboard is grabbed from a window
    // manager. The kiosk ends by SIGTERM (the service) or a technician's exit only.
    bool appliance = true;
    // OpenGL, unless the terminal has no GPU worth the name. When OpenGL cannot start (no driver)
    // the host falls back to software and says so in the log.
    Renderer renderer = Renderer::kOpenGl;
    // Redraw only what changed since the last frame (issue #22); off, every frame is drawn whole
    // (VMESTE_FULL_REDRAW=1 in the environment turns it off too: the benches' "before").
    bool damage_tracking = true;
};

class SdlHost {
  public:
    // Opens the window and its renderer. Call after KioskUi::init() (the backends need its
    // context).
    static Result<std::unique_ptr<SdlHost>> open(const HostOptions& options);
    bool appliance() const { return appliance_; }
    // Key events that are escape shortcuts on a terminal (see HostOptions::appliance).
    static bool is_escape_shortcut(const SDL_Event& ev);
    long shortcuts_ignored() const { return shortcuts_ignored_; }
    ~SdlHost();

    // Feeds one SDL event to ImGui. Returns true if it can change what is on screen.
    bool handle_event(const SDL_Event& event);
    void begin_frame();  // backends' NewFrame: size, time, input
    // True when the last frame saw a press whose release is already known: one more frame
    // delivers the release (the tap) without waiting for another event.
    bool release_pending() const { return release_pending_; }
    // Draws and shows the frame: with damage tracking only the rectangles whose pixels changed
    // are rasterised (into the window's surface, or an OpenGL framebuffer object kept between
    // frames) and shown; a frame that changes nothing is not drawn at all.
    void present(ImDrawData* data);
    // What present() last rasterised: pixels, and the rectangles (empty for a full redraw).
    long presented_pixels() const { return presented_pixels_; }
    // Of those, the pixels copied from a kept layer (the map on OpenGL) rather than rasterised,
    // and the layer's own pixels drawn into its kept picture.
    long layer_copied_pixels() const { return layer_copied_pixels_; }
    long layer_drawn_pixels() const { return layer_drawn_pixels_; }
    const std::vector<PixelRect>& presented_rects() const { return presented_rects_; }
    // The frame as present() left it (the kept buffer), top-to-bottom RGBA rows: what the screen
    // shows. For the damage-tracking tests.
    Result<std::vector<unsigned char>> read_presented(int* w, int* h);
    // The kept buffer lost what it held (the window was exposed or resized): the next present()
    // draws everything.
    void invalidate() { damage_.invalidate(); }
    // Waits until what was presented is drawn (glFinish; SDL's software renderer is done already).
    void finish();
    // Draws `data` and writes the back buffer as a PNG (before any swap, so what is saved is
    // exactly this frame).
    Result<void> save_png(ImDrawData* data, const std::string& path);
    // Draws `data` and returns the frame as top-to-bottom RGBA rows.
    Result<std::vector<unsigned char>> read_pixels(ImDrawData* data, int* w, int* h);
    void drawable_size(int* w, int* h) const;
    SDL_Window* window() const { return window_; }
    Renderer renderer() const { return renderer_kind_; }
    // Textures of this host's renderer (for TextureImages).
    Textures& textures() { return *textures_; }

  private:
    SdlHost() = default;
    void draw(ImDrawData* data);
    // present()'s two ways for each renderer.
    void present_damaged(ImDrawData* data);
    // The frame in the window's surface, the back buffer, or (`from_fbo`) the kept framebuffer
    // object, as top-to-bottom opaque RGBA rows.
    Result<std::vector<unsigned char>> read_back(bool from_fbo, int* w, int* h);
    bool ensure_framebuffer(int w, int h);
    uint32_t clear_rgba() const;
    void close_renderer();

    // The pointer as the events said, not as SDL's global mouse state says at frame time: under a
    // Wayland kiosk compositor (cage) there is no global mouse state, and on X without a window
    // manager the backend only reads it for a focused window. A press that starts and ends between
    // two frames is latched so it is seen down for one frame and released in the next.
    struct Pointer {
        float x = -FLT_MAX, y = -FLT_MAX;
        bool down = false;
        bool latched = false;
    } pointer_;
    bool release_pending_ = false;
    bool appliance_ = false;
    long shortcuts_ignored_ = 0;
    Result<void> start_opengl(const HostOptions& o, uint32_t flags, int x, int y, int w, int h);
    Result<void> start_software(const HostOptions& o, uint32_t flags, int x, int y, int w, int h);
    SDL_Window* window_ = nullptr;
    void* gl_ = nullptr;
    SDL_Renderer* sdl_renderer_ = nullptr;
    Renderer renderer_kind_ = Renderer::kOpenGl;
    std::unique_ptr<Textures> textures_;
    std::unique_ptr<SoftwareDrawer> drawer_;  // SDL's software renderer: draws the frames
    bool backends_ = false;                   // ImGui's SDL2 platform backend
    bool renderer_backend_ = false;           // and its renderer backend
    bool damage_tracking_ = true;
    DamageTracker damage_{DamageTracker::ClipRule::kSdlRenderer};
    long presented_pixels_ = 0;
    long layer_copied_pixels_ = 0, layer_drawn_pixels_ = 0;
    std::vector<PixelRect> presented_rects_;
    // OpenGL: where the driver offers GLX_MESA_copy_sub_buffer (Mesa on X11: llvmpipe), the back
    // buffer keeps the frame (never swapped) and only the damaged rectangles are copied to the
    // window; otherwise a framebuffer object keeps it, blitted whole to the back buffer and
    // swapped.
    void* copy_sub_buffer_ = nullptr;        // glXCopySubBufferMESA
    std::unique_ptr<GlRowClear> row_clear_;  // clears the back buffer by copying rows
    void* glx_display_ = nullptr;
    unsigned long glx_drawable_ = 0;
    unsigned fbo_ = 0, fbo_texture_ = 0;
    int fbo_w_ = 0, fbo_h_ = 0;
};

}  // namespace vmeste::ui
