#include "ui/sdl_host.h"

#include <GL/gl.h>
#include <GL/glext.h>
#include <SDL.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <backends/imgui_impl_sdlrenderer.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kiosk/base/log.h"
#include "ui/gl_fns.h"
#include "ui/gl_layer.h"

namespace vmeste::ui {

namespace {

class GlTextures final : public Textures {
  public:
    // `layers`: keep the map between frames (off with damage tracking: the benches' "before").
    GlTextures(DamageTracker* damage, bool layers)
        : damage_(damage), layers_(layers ? GlLayerCompositor::create(damage) : nullptr) {}
    LayerCompositor* layers() override { return layers_.get(); }
    ImTextureID create(int w, int h, const uint8_t* rgb) override {
        GLuint id = 0;
        glGenTextures(1, &id);
        if (!id) return nullptr;
        glBindTexture(GL_TEXTURE_2D, id);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);  // RGB rows are not 4-byte aligned
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB, w, h, 0, GL_RGB, GL_UNSIGNED_BYTE, rgb);
        const auto t = reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(id));
        damage_->texture_changed(t);
        return t;
    }
    void update(ImTextureID t, int w, int h, const uint8_t* rgb) override {
        glBindTexture(GL_TEXTURE_2D, name(t));
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, rgb);
        damage_->texture_changed(t);
    }
    void destroy(ImTextureID t) override {
        const GLuint id = name(t);
        glDeleteTextures(1, &id);
        damage_->texture_gone(t);
    }

  private:
    static GLuint name(ImTextureID t) {
        return static_cast<GLuint>(reinterpret_cast<uintptr_t>(t));
    }
    DamageTracker* damage_;
    std::unique_ptr<GlLayerCompositor> layers_;
};

class SdlTextures final : public Textures {
  public:
    // `format`: the window surface's pixel format. Pictures are kept in it, so that drawing one
    // one to one is a copy of rows, not a conversion of every pixel (a map pan draws 1.4 million
    // of them a frame).
    SdlTextures(SDL_Renderer* r, uint32_t format, DamageTracker* damage, SoftwareDrawer* drawer)
        : renderer_(r),
          format_(SDL_BYTESPERPIXEL(format) == 4 ? format
                                                 : static_cast<uint32_t>(SDL_PIXELFORMAT_RGB24)),
          damage_(damage),
          drawer_(drawer) {}
    ImTextureID create(int w, int h, const uint8_t* rgb) override {
        SDL_Texture* t = SDL_CreateTexture(renderer_, format_, SDL_TEXTUREACCESS_STATIC, w, h);
        if (!t) {
            log::warn("ui: SDL_CreateTexture %dx%d: %s", w, h, SDL_GetError());
            return nullptr;
        }
        SDL_SetTextureScaleMode(t, SDL_ScaleModeLinear);
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);  // opaque, as an RGB picture is
        put(t, w, h, rgb);
        damage_->texture_changed(t);
        drawer_->texture_changed(t);
        return t;
    }
    void update(ImTextureID t, int w, int h, const uint8_t* rgb) override {
        put(static_cast<SDL_Texture*>(t), w, h, rgb);
        damage_->texture_changed(t);
        drawer_->texture_changed(t);
    }
    void destroy(ImTextureID t) override {
        SDL_DestroyTexture(static_cast<SDL_Texture*>(t));
        damage_->texture_gone(t);
        drawer_->texture_gone(t);
    }

  private:
    void put(SDL_Texture* t, int w, int h, const uint8_t* rgb) {
        if (format_ == SDL_PIXELFORMAT_RGB24) {
            SDL_UpdateTexture(t, nullptr, rgb, w * 3);
            return;
        }
        // Converted a band of rows at a time: a camera frame whole would keep 20 MB about.
        const int band = std::max(1, kBandBytes / (w * 4));
        converted_.resize(static_cast<size_t>(band) * w * 4);
        for (int y = 0; y < h; y += band) {
            const int rows = std::min(band, h - y);
            SDL_ConvertPixels(w, rows, SDL_PIXELFORMAT_RGB24, rgb + static_cast<size_t>(y) * w * 3,
                              w * 3, format_, converted_.data(), w * 4);
            const SDL_Rect r{0, y, w, rows};
            SDL_UpdateTexture(t, &r, converted_.data(), w * 4);
        }
    }
    static constexpr int kBandBytes = 256 * 1024;
    SDL_Renderer* renderer_;
    uint32_t format_;
    DamageTracker* damage_;
    SoftwareDrawer* drawer_;
    std::vector<uint8_t> converted_;
};

}  // namespace

const char* renderer_name(Renderer r) {
    return r == Renderer::kSoftware ? "software" : "opengl";
}

bool parse_renderer(const std::string& name, Renderer* out) {
    if (name == "opengl" || name == "software") {
        *out = name == "software" ? Renderer::kSoftware : Renderer::kOpenGl;
        return true;
    }
    return false;
}

Result<std::unique_ptr<SdlHost>> SdlHost::open(const HostOptions& o) {
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");  // a kiosk never minimises
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");            // touches arrive as mouse clicks
    if (o.appliance) {
        // SIGTERM and SIGINT are the service's, not a window close (kiosk_loop's stop thread);
        // and a window manager, if any, does not see Alt+Tab.
        SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
        SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
    }
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0)
        return make_error(ErrorCode::kInternal, std::string("SDL_Init: ") + SDL_GetError());
    std::unique_ptr<SdlHost> h(new SdlHost());
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
    int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED, w = o.width, hgt = o.height;
    if (o.fullscreen) {
        // Sized to the display and borderless as well as "fullscreen desktop": the fullscreen
        // request needs a window manager to honour it, and a kiosk may have none (bare X).
        SDL_DisplayMode mode{};
        if (SDL_GetDesktopDisplayMode(0, &mode) == 0) {
            w = mode.w;
            hgt = mode.h;
        }
        x = y = 0;
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
    } else {
        flags |= SDL_WINDOW_RESIZABLE;
    }
    Result<void> started = make_error(ErrorCode::kInternal, "no renderer");
    if (o.renderer == Renderer::kOpenGl) {
        started = h->start_opengl(o, flags, x, y, w, hgt);
        if (!started) {
            log::warn("ui: OpenGL did not start (%s); drawing with SDL's software renderer",
                      started.error().message.c_str());
            h->close_renderer();
        }
    }
    if (!started) started = h->start_software(o, flags, x, y, w, hgt);
    if (!started) return started.error();
    if (o.fullscreen) SDL_ShowCursor(SDL_DISABLE);  // a touch kiosk shows no pointer
    h->appliance_ = o.appliance;
    h->damage_tracking_ = o.damage_tracking && !std::getenv("VMESTE_FULL_REDRAW");
    if (o.appliance) SDL_SetWindowKeyboardGrab(h->window_, SDL_TRUE);
    // Keyboard focus for technicians' keyboards (and xdotool) even with no window manager.
    SDL_RaiseWindow(h->window_);
    SDL_SetWindowInputFocus(h->window_);
    return h;
}

Result<void> SdlHost::start_opengl(const HostOptions& o, uint32_t flags, int x, int y, int w,
                                   int h) {
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 2);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    window_ = SDL_CreateWindow(o.title.c_str(), x, y, w, h, flags | SDL_WINDOW_OPENGL);
    if (!window_)
        return make_error(ErrorCode::kInternal, std::string("SDL_CreateWindow: ") + SDL_GetError());
    gl_ = SDL_GL_CreateContext(window_);
    if (!gl_)
        return make_error(ErrorCode::kInternal,
                          std::string("SDL_GL_CreateContext: ") + SDL_GetError());
    SDL_GL_MakeCurrent(window_, gl_);
    SDL_GL_SetSwapInterval(1);
    if (!ImGui_ImplSDL2_InitForOpenGL(window_, gl_))
        return make_error(ErrorCode::kInternal, "ImGui's SDL backend failed to start");
    backends_ = true;
    if (!ImGui_ImplOpenGL3_Init("#version 150"))
        return make_error(ErrorCode::kInternal, "ImGui's OpenGL backend failed to start");
    renderer_backend_ = true;
    renderer_kind_ = Renderer::kOpenGl;
    textures_ = std::make_unique<GlTextures>(
        &damage_, o.damage_tracking && !std::getenv("VMESTE_FULL_REDRAW"));
    damage_.set_clip_rule(DamageTracker::ClipRule::kOpenGl3);
    // Damage presented as rectangles: Mesa's GLX_MESA_copy_sub_buffer on X11.
    const char* video = SDL_GetCurrentVideoDriver();
    if (video && std::string(video) == "x11") {
        using CurrentDisplay = void* (*)();
        using CurrentDrawable = unsigned long (*)();
        using Extensions = const char* (*)(void*, int);
        auto display =
            reinterpret_cast<CurrentDisplay>(SDL_GL_GetProcAddress("glXGetCurrentDisplay"));
        auto drawable =
            reinterpret_cast<CurrentDrawable>(SDL_GL_GetProcAddress("glXGetCurrentDrawable"));
        auto extensions =
            reinterpret_cast<Extensions>(SDL_GL_GetProcAddress("glXQueryExtensionsString"));
        void* copy = SDL_GL_GetProcAddress("glXCopySubBufferMESA");
        void* dpy = display ? display() : nullptr;
        const char* ext = dpy && extensions ? extensions(dpy, 0) : nullptr;
        if (dpy && drawable && copy && ext && std::strstr(ext, "GLX_MESA_copy_sub_buffer")) {
            copy_sub_buffer_ = copy;
            glx_display_ = dpy;
            glx_drawable_ = drawable();
        }
    }
    return {};
}

Result<void> SdlHost::start_software(const HostOptions& o, uint32_t flags, int x, int y, int w,
                                     int h) {
    // SDL's rasteriser draws into the window's own framebuffer, with no GL at all — which X11
    // has (shared memory) and SDL 2.26's Wayland and KMS/DRM do not. So, in this order: the X11
    // display of a Wayland compositor that runs Xwayland (cage does: measured there, 32 MiB PSS
    // against 48 after a first try on Wayland had loaded EGL); the display as it is; the display
    // as it is with the frames shown through a texture of an accelerated renderer (the drawing is
    // still SDL's, but a GL driver is loaded).
    const std::string current = SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "";
    struct Attempt {
        std::string driver;
        bool gl_framebuffer;
    };
    std::vector<Attempt> attempts;
    if (current != "x11" && std::getenv("DISPLAY")) attempts.push_back({"x11", false});
    attempts.push_back({current, false});
    attempts.push_back({current, true});
    for (size_t i = 0; i < attempts.size() && !sdl_renderer_; ++i) {
        const Attempt& a = attempts[i];
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, a.gl_framebuffer ? "1" : "0");
        if (i > 0 || a.driver != current) {
            if (i > 0)
                log::warn("ui: no software framebuffer on %s (%s); trying %s%s",
                          SDL_GetCurrentVideoDriver(), SDL_GetError(), a.driver.c_str(),
                          a.gl_framebuffer ? " through an accelerated texture" : "");
            else
                log::info("ui: the software renderer draws on %s's X11 display (Xwayland)",
                          current.c_str());
            if (window_) SDL_DestroyWindow(window_);
            window_ = nullptr;
            SDL_VideoQuit();
            if (SDL_VideoInit(a.driver.c_str()) != 0) continue;
        }
        window_ = SDL_CreateWindow(o.title.c_str(), x, y, w, h, flags);
        if (window_) sdl_renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!sdl_renderer_)
        return make_error(ErrorCode::kInternal,
                          std::string("SDL_CreateRenderer: ") + SDL_GetError());
    if (!ImGui_ImplSDL2_InitForSDLRenderer(window_))
        return make_error(ErrorCode::kInternal, "ImGui's SDL backend failed to start");
    backends_ = true;
    if (!ImGui_ImplSDLRenderer_Init(sdl_renderer_))
        return make_error(ErrorCode::kInternal, "ImGui's SDL renderer backend failed to start");
    renderer_backend_ = true;
    renderer_kind_ = Renderer::kSoftware;
    drawer_ = std::make_unique<SoftwareDrawer>(sdl_renderer_);
    textures_ = std::make_unique<SdlTextures>(sdl_renderer_, SDL_GetWindowPixelFormat(window_),
                                              &damage_, drawer_.get());
    damage_.set_clip_rule(DamageTracker::ClipRule::kSdlRenderer);
    return {};
}

void SdlHost::close_renderer() {
    textures_.reset();
    row_clear_.reset();
    drawer_.reset();
    if (gl_ && fbo_) {
        gl_fbo.remove(1, &fbo_);
        glDeleteTextures(1, &fbo_texture_);
        fbo_ = fbo_texture_ = 0;
    }
    if (renderer_backend_) {
        if (sdl_renderer_)
            ImGui_ImplSDLRenderer_Shutdown();
        else
            ImGui_ImplOpenGL3_Shutdown();
        renderer_backend_ = false;
    }
    if (backends_) {
        ImGui_ImplSDL2_Shutdown();
        backends_ = false;
    }
    if (gl_) SDL_GL_DeleteContext(gl_);
    if (sdl_renderer_) SDL_DestroyRenderer(sdl_renderer_);
    if (window_) SDL_DestroyWindow(window_);
    gl_ = nullptr;
    sdl_renderer_ = nullptr;
    window_ = nullptr;
}

SdlHost::~SdlHost() {
    close_renderer();
    SDL_Quit();
}

bool SdlHost::is_escape_shortcut(const SDL_Event& ev) {
    if (ev.type != SDL_KEYDOWN && ev.type != SDL_KEYUP) return false;
    const Uint16 mod = ev.key.keysym.mod;
    const SDL_Keycode k = ev.key.keysym.sym;
    return (mod & (KMOD_ALT | KMOD_CTRL | KMOD_GUI)) != 0 || k == SDLK_LALT || k == SDLK_RALT ||
           k == SDLK_LGUI || k == SDLK_RGUI || k == SDLK_APPLICATION || k == SDLK_ESCAPE ||
           (k >= SDLK_F1 && k <= SDLK_F12);
}

bool SdlHost::handle_event(const SDL_Event& ev) {
    // A keyboard on the terminal's USB port gets nothing from the shortcuts (they reach neither
    // ImGui nor the screens): Alt+F4, Alt+Tab, Ctrl+Alt+F*, the logo key, Escape, F-keys.
    if (appliance_ && is_escape_shortcut(ev)) {
        ++shortcuts_ignored_;
        return false;
    }
    ImGui_ImplSDL2_ProcessEvent(&ev);
    switch (ev.type) {
        case SDL_MOUSEMOTION:
            pointer_.x = static_cast<float>(ev.motion.x);
            pointer_.y = static_cast<float>(ev.motion.y);
            return pointer_.down;  // moves with nothing held change nothing on a touch screen
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            if (ev.button.button != SDL_BUTTON_LEFT) return false;
            pointer_.x = static_cast<float>(ev.button.x);
            pointer_.y = static_cast<float>(ev.button.y);
            pointer_.down = ev.type == SDL_MOUSEBUTTONDOWN;
            if (pointer_.down) pointer_.latched = true;
            return true;
        case SDL_WINDOWEVENT:
            if (ev.window.event == SDL_WINDOWEVENT_LEAVE) pointer_.x = pointer_.y = -FLT_MAX;
            // What the window showed may be gone: the next frame is drawn whole.
            if (ev.window.event == SDL_WINDOWEVENT_EXPOSED ||
                ev.window.event == SDL_WINDOWEVENT_SHOWN ||
                ev.window.event == SDL_WINDOWEVENT_RESIZED ||
                ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                ev.window.event == SDL_WINDOWEVENT_RESTORED ||
                ev.window.event == SDL_WINDOWEVENT_MAXIMIZED)
                damage_.invalidate();
            return true;
        case SDL_TEXTINPUT:
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            return true;
        default:
            return false;
    }
}

void SdlHost::begin_frame() {
    if (sdl_renderer_)
        ImGui_ImplSDLRenderer_NewFrame();
    else
        ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    // The atlas is in a texture now: its CPU copy (RGBA32 and alpha, 40 MB for the two font
    // sizes sets) is not needed again.
    if (io.Fonts->TexID && io.Fonts->TexPixelsRGBA32) io.Fonts->ClearTexData();
    // Which triangles are solid shapes (the atlas's white texel): for SDL's renderer.
    if (drawer_) drawer_->set_atlas(io.Fonts->TexID, io.Fonts->TexUvWhitePixel);
    io.MousePos = ImVec2(pointer_.x, pointer_.y);
    io.MouseDown[0] = pointer_.down || pointer_.latched;
    release_pending_ = pointer_.latched && !pointer_.down;
    pointer_.latched = false;
}

void SdlHost::drawable_size(int* w, int* h) const {
    if (sdl_renderer_)
        SDL_GetRendererOutputSize(sdl_renderer_, w, h);
    else
        SDL_GL_GetDrawableSize(window_, w, h);
}

void SdlHost::draw(ImDrawData* data) {
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    if (sdl_renderer_) {
        SDL_SetRenderDrawColor(sdl_renderer_, static_cast<Uint8>(bg.x * 255.0f + 0.5f),
                               static_cast<Uint8>(bg.y * 255.0f + 0.5f),
                               static_cast<Uint8>(bg.z * 255.0f + 0.5f), 255);
        SDL_RenderClear(sdl_renderer_);
        drawer_->draw(*data);
        return;
    }
    int w = 0, h = 0;
    drawable_size(&w, &h);
    glViewport(0, 0, w, h);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(data);
}

uint32_t SdlHost::clear_rgba() const {
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    return ImGui::ColorConvertFloat4ToU32(ImVec4(bg.x, bg.y, bg.z, 1.0f));
}

void SdlHost::present(ImDrawData* data) {
    if (LayerCompositor* layers = textures_->layers()) layers->end_frame();
    if (damage_tracking_) {
        present_damaged(data);
        return;
    }
    draw(data);
    int w = 0, h = 0;
    drawable_size(&w, &h);
    presented_pixels_ = static_cast<long>(w) * h;
    presented_rects_.clear();
    if (sdl_renderer_)
        SDL_RenderPresent(sdl_renderer_);
    else
        SDL_GL_SwapWindow(window_);
}

bool SdlHost::ensure_framebuffer(int w, int h) {
    if (fbo_ && fbo_w_ == w && fbo_h_ == h) return true;
    if (!gl_fbo.load()) return false;
    if (fbo_) {
        gl_fbo.remove(1, &fbo_);
        glDeleteTextures(1, &fbo_texture_);
        fbo_ = fbo_texture_ = 0;
    }
    glGenTextures(1, &fbo_texture_);
    glBindTexture(GL_TEXTURE_2D, fbo_texture_);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    gl_fbo.gen(1, &fbo_);
    gl_fbo.bind(GL_FRAMEBUFFER, fbo_);
    gl_fbo.texture(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, fbo_texture_, 0);
    const bool ok = gl_fbo.status(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
    gl_fbo.bind(GL_FRAMEBUFFER, 0);
    if (!ok) return false;
    fbo_w_ = w;
    fbo_h_ = h;
    damage_.invalidate();  // a new buffer holds nothing yet
    return true;
}

void SdlHost::present_damaged(ImDrawData* data) {
    int w = 0, h = 0;
    drawable_size(&w, &h);
    if (!sdl_renderer_ && !copy_sub_buffer_ && !ensure_framebuffer(w, h)) {
        log::warn("ui: no OpenGL framebuffer object: every frame is drawn whole");
        damage_tracking_ = false;
        present(data);
        return;
    }
    const std::vector<PixelRect>& rects = damage_.compare(*data, w, h, clear_rgba());
    presented_rects_ = rects;
    presented_pixels_ = damage_.damaged_pixels();
    layer_copied_pixels_ = layer_drawn_pixels_ = 0;
    if (rects.empty()) return;  // the screen shows this frame already
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    if (sdl_renderer_) {
        // Into the window's own surface, which keeps the rest; only the rectangles are shown.
        std::vector<SDL_Rect> sr;
        sr.reserve(rects.size());
        for (const PixelRect& r : rects) sr.push_back({r.x, r.y, r.w, r.h});
        SDL_RenderSetClipRect(sdl_renderer_, nullptr);
        SDL_SetRenderDrawBlendMode(sdl_renderer_, SDL_BLENDMODE_NONE);
        SDL_SetRenderDrawColor(sdl_renderer_, static_cast<Uint8>(bg.x * 255.0f + 0.5f),
                               static_cast<Uint8>(bg.y * 255.0f + 0.5f),
                               static_cast<Uint8>(bg.z * 255.0f + 0.5f), 255);
        SDL_RenderFillRects(sdl_renderer_, sr.data(), static_cast<int>(sr.size()));
        drawer_->draw(*data, &rects);
        SDL_RenderFlush(sdl_renderer_);
        if (SDL_UpdateWindowSurfaceRects(window_, sr.data(), static_cast<int>(sr.size())) != 0)
            SDL_RenderPresent(sdl_renderer_);
        return;
    }
    // With copy_sub_buffer: into the back buffer, which is never swapped and so keeps the frame,
    // and the damaged rectangles alone copied to the window. Otherwise into the kept
    // framebuffer object, then the whole of it to the window's back buffer, swapped.
    if (!copy_sub_buffer_) gl_fbo.bind(GL_FRAMEBUFFER, fbo_);
    glViewport(0, 0, w, h);
    // Not under a layer (the map): its copy covers every pixel there. Into the back buffer,
    // rows copied from a strip of the colour; otherwise a scissored clear (shaded by llvmpipe:
    // 3 ms for the map's area).
    const PixelRect& opaque = damage_.find_occluder(*data);
    std::vector<PixelRect> cleared;
    for (const PixelRect& r : rects) DamageTracker::subtract(r, opaque, &cleared);
    long outside = 0;
    for (const PixelRect& r : cleared) outside += r.area();
    layer_copied_pixels_ = presented_pixels_ - outside;
    if (copy_sub_buffer_ && !row_clear_) row_clear_ = std::make_unique<GlRowClear>();
    if (!copy_sub_buffer_ || !row_clear_->clear(cleared, w, h, bg.x, bg.y, bg.z)) {
        glEnable(GL_SCISSOR_TEST);
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        for (const PixelRect& r : cleared) {
            glScissor(r.x, h - r.y - r.h, r.w, r.h);
            glClear(GL_COLOR_BUFFER_BIT);
        }
        glDisable(GL_SCISSOR_TEST);
    }
    ImGui_ImplOpenGL3_RenderDrawData(damage_.restrict_to(*data, rects));
    if (LayerCompositor* layers = textures_->layers())
        layer_drawn_pixels_ = layers->take_drawn_pixels();
    if (copy_sub_buffer_) {
        using CopySub = void (*)(void*, unsigned long, int, int, int, int);
        auto copy = reinterpret_cast<CopySub>(copy_sub_buffer_);
        for (const PixelRect& r : rects)
            copy(glx_display_, glx_drawable_, r.x, h - r.y - r.h, r.w, r.h);
        return;
    }
    gl_fbo.bind(GL_READ_FRAMEBUFFER, fbo_);
    gl_fbo.bind(GL_DRAW_FRAMEBUFFER, 0);
    gl_fbo.blit(0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    gl_fbo.bind(GL_FRAMEBUFFER, 0);
    SDL_GL_SwapWindow(window_);
}

Result<std::vector<unsigned char>> SdlHost::read_back(bool from_fbo, int* w_out, int* h_out) {
    int w = 0, h = 0;
    drawable_size(&w, &h);
    std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
    if (sdl_renderer_) {
        // RGBA32: R, G, B, A bytes in memory whatever the endianness; rows top to bottom.
        if (SDL_RenderReadPixels(sdl_renderer_, nullptr, SDL_PIXELFORMAT_RGBA32, px.data(),
                                 w * 4) != 0)
            return make_error(ErrorCode::kInternal,
                              std::string("SDL_RenderReadPixels: ") + SDL_GetError());
    } else {
        if (from_fbo) gl_fbo.bind(GL_READ_FRAMEBUFFER, fbo_);
        glReadBuffer(from_fbo ? GL_COLOR_ATTACHMENT0 : GL_BACK);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        std::vector<unsigned char> up(px.size());
        glFinish();
        glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, up.data());
        const bool failed = glGetError() != GL_NO_ERROR;
        if (from_fbo) {
            gl_fbo.bind(GL_READ_FRAMEBUFFER, 0);
            glReadBuffer(GL_BACK);
        }
        if (failed) return make_error(ErrorCode::kInternal, "glReadPixels failed");
        // GL's origin is bottom-left; images go top to bottom.
        const size_t row = static_cast<size_t>(w) * 4;
        for (int y = 0; y < h; ++y) std::copy_n(&up[(h - 1 - y) * row], row, &px[y * row]);
    }
    for (size_t i = 3; i < px.size(); i += 4) px[i] = 255;  // alpha forced opaque
    *w_out = w;
    *h_out = h;
    return px;
}

Result<std::vector<unsigned char>> SdlHost::read_presented(int* w_out, int* h_out) {
    if (!sdl_renderer_ && (!damage_tracking_ || (!fbo_ && !copy_sub_buffer_)))
        return make_error(ErrorCode::kInternal, "no kept frame: damage tracking is off");
    return read_back(fbo_ != 0, w_out, h_out);
}

void SdlHost::finish() {
    if (!sdl_renderer_) glFinish();
}

Result<std::vector<unsigned char>> SdlHost::read_pixels(ImDrawData* data, int* w_out, int* h_out) {
    int w = 0, h = 0;
    drawable_size(&w, &h);
    // With damage tracking, the whole frame drawn where present() draws (the window's surface,
    // or the kept framebuffer object: llvmpipe blends a few antialiased pixels one step apart
    // in a texture and in the window's buffer), and that buffer then holds this frame.
    if (damage_tracking_ && copy_sub_buffer_) {
        // The back buffer is the kept frame: drawn whole, it holds this one.
        draw(data);
        damage_.compare(*data, w, h, clear_rgba());
        return read_presented(w_out, h_out);
    }
    const bool kept = damage_tracking_ && (sdl_renderer_ || ensure_framebuffer(w, h));
    if (kept && !sdl_renderer_) {
        gl_fbo.bind(GL_FRAMEBUFFER, fbo_);
        draw(data);
        damage_.compare(*data, w, h, clear_rgba());
        gl_fbo.bind(GL_FRAMEBUFFER, 0);
        return read_presented(w_out, h_out);
    }
    draw(data);
    // SDL's software renderer drew into the kept surface: it holds this frame now.
    if (sdl_renderer_ && damage_tracking_) damage_.compare(*data, w, h, clear_rgba());
    return read_back(false, w_out, h_out);
}

Result<void> SdlHost::save_png(ImDrawData* data, const std::string& path) {
    int w = 0, h = 0;
    auto px = read_pixels(data, &w, &h);
    if (!px) return px.error();
    if (!stbi_write_png(path.c_str(), w, h, 4, px->data(), w * 4))
        return make_error(ErrorCode::kIo, "cannot write " + path);
    return {};
}

}  // namespace vmeste::ui
