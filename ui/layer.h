// A layer (issue #22): a picture larger than the part of the screen that shows it — the map —
// described once a frame as coloured background and pictures placed in its own pixels ("world"
// pixels: the map's tiles at the screen's scale), and shown from a whole-pixel origin. A
// renderer that can keep it (LayerCompositor: OpenGL, gl_layer.h) draws only what a pan exposed
// or what changed, and copies the rest; the frame's draw list carries the layer as one callback
// command (submit()), which the damage tracker hashes as the layer's description (damage.h).
//
// Drawn or copied, a layer's pixels are the same: every world pixel is drawn by the same
// triangles at the same place in the kept picture, however the view came there (LayerParity.*
// and DamageParity.* hold it to that).
#pragma once

#include <imgui.h>

#include <cstdint>
#include <vector>

namespace vmeste::ui {

struct PixelRect;
class Layer;

// Where a layer's pixels are kept and drawn from.
class LayerCompositor {
  public:
    virtual ~LayerCompositor() = default;
    // Shows `layer` within `cmd`'s clip rectangle (framebuffer pixels), bringing the kept picture
    // up to date first.
    virtual void compose(const Layer& layer, const ImDrawList* parent, const ImDrawCmd* cmd) = 0;
    // Pixels drawn into kept pictures since the last call (a figure for the bench).
    virtual long take_drawn_pixels() = 0;
    // After each frame presented: a picture not shown for a while is let go (its memory).
    virtual void end_frame() {}
};

class Layer {
  public:
    struct Piece {
        ImTextureID texture = nullptr;          // null: an outline only
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // world pixels
        uint32_t outline = 0;                   // ImU32; 0: none
        float thickness = 0;
        bool operator==(const Piece&) const = default;
    };

    // A new description: `key` names the picture's world (the map's zoom and scale: another key
    // is another picture), `background` is under the pieces, `screen` is where the view stands
    // (framebuffer pixels, whole), and (origin_x, origin_y) the world pixel at its top-left.
    void begin(uint64_t key, uint32_t background, int screen_x, int screen_y, int screen_w,
               int screen_h, long origin_x, long origin_y);
    void image(ImTextureID texture, double x0, double y0, double x1, double y1);
    void outline(double x0, double y0, double x1, double y1, uint32_t color, float thickness);
    // Into `dl`: the callback command that shows the layer, clipped to its screen rectangle.
    void submit(ImDrawList* dl, LayerCompositor* compositor);
    // The draw data moved on screen after it was built (the "lower screen" mode): by whole pixels.
    void move_on_screen(int dx, int dy) {
        sx_ += dx;
        sy_ += dy;
    }

    // Appends the pieces that reach world rectangle [x0, x1) × [y0, y1) to `dl`, background first,
    // moved by (-shift_x, -shift_y) and clipped there; `flip_h` > 0 mirrors rows within a picture
    // that tall (a picture kept top row first, as a window's buffer is).
    void draw_world(ImDrawList* dl, long x0, long y0, long x1, long y1, long shift_x, long shift_y,
                    int flip_h) const;

    uint64_t key() const { return key_; }
    uint32_t background() const { return background_; }
    int screen_x() const { return sx_; }
    int screen_y() const { return sy_; }
    int screen_w() const { return sw_; }
    int screen_h() const { return sh_; }
    long origin_x() const { return ox_; }
    long origin_y() const { return oy_; }
    const std::vector<Piece>& pieces() const { return pieces_; }

    // The callback function a layer's command carries (its user data is the Layer).
    static void draw_command(const ImDrawList* parent, const ImDrawCmd* cmd);

  private:
    uint64_t key_ = 0;
    uint32_t background_ = 0;
    int sx_ = 0, sy_ = 0, sw_ = 0, sh_ = 0;
    long ox_ = 0, oy_ = 0;
    std::vector<Piece> pieces_;
    LayerCompositor* compositor_ = nullptr;
};

}  // namespace vmeste::ui
