#include "ui/sdl_host.h"

#include <GL/gl.h>
#include <SDL.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <backends/imgui_impl_sdlrenderer.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "kiosk/base/log.h"

namespace vmeste::ui {

namespace {

class GlTextures final : public Textures {
  public:
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
        return reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(id));
    }
    void update(ImTextureID t, int w, int h, const uint8_t* rgb) override {
        glBindTexture(GL_TEXTURE_2D, name(t));
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, rgb);
    }
    void destroy(ImTextureID t) override {
        const GLuint id = name(t);
        glDeleteTextures(1, &id);
    }

  private:
    static GLuint name(ImTextureID t) {
        return static_cast<GLuint>(reinterpret_cast<uintptr_t>(t));
    }
};

class SdlTextures final : public Textures {
  public:
    explicit SdlTextures(SDL_Renderer* r) : renderer_(r) {}
    ImTextureID create(int w, int h, const uint8_t* rgb) override {
        SDL_Texture* t =
            SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STATIC, w, h);
        if (!t) {
            log::warn("ui: SDL_CreateTexture %dx%d: %s", w, h, SDL_GetError());
            return nullptr;
        }
        SDL_SetTextureScaleMode(t, SDL_ScaleModeLinear);
        SDL_UpdateTexture(t, nullptr, rgb, w * 3);
        return t;
    }
    void update(ImTextureID t, int w, int, const uint8_t* rgb) override {
        SDL_UpdateTexture(static_cast<SDL_Texture*>(t), nullptr, rgb, w * 3);
    }
    void destroy(ImTextureID t) override { SDL_DestroyTexture(static_cast<SDL_Texture*>(t)); }

  private:
    SDL_Renderer* renderer_;
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
    textures_ = std::make_unique<GlTextures>();
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
    textures_ = std::make_unique<SdlTextures>(sdl_renderer_);
    return {};
}

void SdlHost::close_renderer() {
    textures_.reset();
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
        ImGui_ImplSDLRenderer_RenderDrawData(data);
        return;
    }
    int w = 0, h = 0;
    drawable_size(&w, &h);
    glViewport(0, 0, w, h);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(data);
}

void SdlHost::present(ImDrawData* data) {
    draw(data);
    if (sdl_renderer_)
        SDL_RenderPresent(sdl_renderer_);
    else
        SDL_GL_SwapWindow(window_);
}

void SdlHost::finish() {
    if (!sdl_renderer_) glFinish();
}

Result<std::vector<unsigned char>> SdlHost::read_pixels(ImDrawData* data, int* w_out, int* h_out) {
    draw(data);
    int w = 0, h = 0;
    drawable_size(&w, &h);
    std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
    if (sdl_renderer_) {
        // RGBA32: R, G, B, A bytes in memory whatever the endianness; rows top to bottom.
        if (SDL_RenderReadPixels(sdl_renderer_, nullptr, SDL_PIXELFORMAT_RGBA32, px.data(),
                                 w * 4) != 0)
            return make_error(ErrorCode::kInternal,
                              std::string("SDL_RenderReadPixels: ") + SDL_GetError());
        for (size_t i = 3; i < px.size(); i += 4) px[i] = 255;
        *w_out = w;
        *h_out = h;
        return px;
    }
    glFinish();
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    if (glGetError() != GL_NO_ERROR) return make_error(ErrorCode::kInternal, "glReadPixels failed");
    // GL's origin is bottom-left; images go top to bottom. Alpha is forced opaque.
    std::vector<unsigned char> flipped(px.size());
    const size_t row = static_cast<size_t>(w) * 4;
    for (int y = 0; y < h; ++y) std::copy_n(&px[(h - 1 - y) * row], row, &flipped[y * row]);
    for (size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;
    *w_out = w;
    *h_out = h;
    return flipped;
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
