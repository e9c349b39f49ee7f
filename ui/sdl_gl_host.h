// SdlGlHost: a real window. SDL2 for the window and input, OpenGL 3 for drawing, both through the
// Dear ImGui backends in Debian's libimgui.a. The only file besides kiosk_loop.cpp that includes
// SDL.
#pragma once

#include <cfloat>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/base/result.h"

struct SDL_Window;
struct ImDrawData;
union SDL_Event;

namespace vmeste::ui {

struct HostOptions {
    std::string title = "Vmeste";
    int width = 1080;
    int height = 1920;
    bool fullscreen = true;
    // The terminal (not a developer's window): closing the window, Alt+F4, Alt+Tab and any
    // shortcut with Ctrl, Alt or the logo key do nothing; the keyboard is grabbed from a window
    // manager. The kiosk ends by SIGTERM (the service) or a technician's exit only.
    bool appliance = true;
};

class SdlGlHost {
  public:
    // Opens the window and GL context. Call after KioskUi::init() (the backends need its context).
    static Result<std::unique_ptr<SdlGlHost>> open(const HostOptions& options);
    bool appliance() const { return appliance_; }
    // Key events that are escape shortcuts on a terminal (see HostOptions::appliance).
    static bool is_escape_shortcut(const SDL_Event& ev);
    long shortcuts_ignored() const { return shortcuts_ignored_; }
    ~SdlGlHost();

    // Feeds one SDL event to ImGui. Returns true if it can change what is on screen.
    bool handle_event(const SDL_Event& event);
    void begin_frame();  // backends' NewFrame: size, time, input
    // True when the last frame saw a press whose release is already known: one more frame
    // delivers the release (the tap) without waiting for another event.
    bool release_pending() const { return release_pending_; }
    void present(ImDrawData* data);  // draw and swap
    // Draws `data` and writes the back buffer as a PNG (before any swap, so what is saved is
    // exactly this frame).
    Result<void> save_png(ImDrawData* data, const std::string& path);
    // Draws `data` and returns the frame as top-to-bottom RGBA rows.
    Result<std::vector<unsigned char>> read_pixels(ImDrawData* data, int* w, int* h);
    void drawable_size(int* w, int* h) const;
    SDL_Window* window() const { return window_; }

  private:
    SdlGlHost() = default;
    void draw(ImDrawData* data);

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
    SDL_Window* window_ = nullptr;
    void* gl_ = nullptr;
    bool backends_ = false;
};

}  // namespace vmeste::ui
