#include "ui/sdl_gl_host.h"

#include <GL/gl.h>
#include <SDL.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <algorithm>
#include <vector>

namespace vmeste::ui {

Result<std::unique_ptr<SdlGlHost>> SdlGlHost::open(const HostOptions& o) {
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
    std::unique_ptr<SdlGlHost> h(new SdlGlHost());
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 2);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI;
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
    h->window_ = SDL_CreateWindow(o.title.c_str(), x, y, w, hgt, flags);
    if (!h->window_)
        return make_error(ErrorCode::kInternal, std::string("SDL_CreateWindow: ") + SDL_GetError());
    h->gl_ = SDL_GL_CreateContext(h->window_);
    if (!h->gl_)
        return make_error(ErrorCode::kInternal,
                          std::string("SDL_GL_CreateContext: ") + SDL_GetError());
    SDL_GL_MakeCurrent(h->window_, h->gl_);
    SDL_GL_SetSwapInterval(1);
    if (o.fullscreen) SDL_ShowCursor(SDL_DISABLE);  // a touch kiosk shows no pointer
    h->appliance_ = o.appliance;
    if (o.appliance) SDL_SetWindowKeyboardGrab(h->window_, SDL_TRUE);
    // Keyboard focus for technicians' keyboards (and xdotool) even with no window manager.
    SDL_RaiseWindow(h->window_);
    SDL_SetWindowInputFocus(h->window_);
    if (!ImGui_ImplSDL2_InitForOpenGL(h->window_, h->gl_) ||
        !ImGui_ImplOpenGL3_Init("#version 150"))
        return make_error(ErrorCode::kInternal, "ImGui backends failed to start");
    h->backends_ = true;
    return h;
}

SdlGlHost::~SdlGlHost() {
    if (backends_) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplSDL2_Shutdown();
    }
    if (gl_) SDL_GL_DeleteContext(gl_);
    if (window_) SDL_DestroyWindow(window_);
    SDL_Quit();
}

bool SdlGlHost::is_escape_shortcut(const SDL_Event& ev) {
    if (ev.type != SDL_KEYDOWN && ev.type != SDL_KEYUP) return false;
    const Uint16 mod = ev.key.keysym.mod;
    const SDL_Keycode k = ev.key.keysym.sym;
    return (mod & (KMOD_ALT | KMOD_CTRL | KMOD_GUI)) != 0 || k == SDLK_LALT || k == SDLK_RALT ||
           k == SDLK_LGUI || k == SDLK_RGUI || k == SDLK_APPLICATION || k == SDLK_ESCAPE ||
           (k >= SDLK_F1 && k <= SDLK_F12);
}

bool SdlGlHost::handle_event(const SDL_Event& ev) {
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

void SdlGlHost::begin_frame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    // The atlas is in a GL texture now: its CPU copy (RGBA32 and alpha, 40 MB for the two font
    // sizes sets) is not needed again.
    if (io.Fonts->TexID && io.Fonts->TexPixelsRGBA32) io.Fonts->ClearTexData();
    io.MousePos = ImVec2(pointer_.x, pointer_.y);
    io.MouseDown[0] = pointer_.down || pointer_.latched;
    release_pending_ = pointer_.latched && !pointer_.down;
    pointer_.latched = false;
}

void SdlGlHost::drawable_size(int* w, int* h) const {
    SDL_GL_GetDrawableSize(window_, w, h);
}

void SdlGlHost::draw(ImDrawData* data) {
    int w = 0, h = 0;
    drawable_size(&w, &h);
    glViewport(0, 0, w, h);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(data);
}

void SdlGlHost::present(ImDrawData* data) {
    draw(data);
    SDL_GL_SwapWindow(window_);
}

Result<std::vector<unsigned char>> SdlGlHost::read_pixels(ImDrawData* data, int* w_out,
                                                          int* h_out) {
    draw(data);
    glFinish();
    int w = 0, h = 0;
    drawable_size(&w, &h);
    std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
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

Result<void> SdlGlHost::save_png(ImDrawData* data, const std::string& path) {
    int w = 0, h = 0;
    auto px = read_pixels(data, &w, &h);
    if (!px) return px.error();
    if (!stbi_write_png(path.c_str(), w, h, 4, px->data(), w * 4))
        return make_error(ErrorCode::kIo, "cannot write " + path);
    return {};
}

}  // namespace vmeste::ui
