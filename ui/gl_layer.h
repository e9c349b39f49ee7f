// The OpenGL compositor of layers (layer.h): each layer's view kept in a framebuffer object the
// size of the view, anchored in the world — world pixel (x, y) lives at (x mod w, y mod h), so a
// pan leaves every kept pixel where it is and draws only the strips it exposed; pieces that
// changed (a tile loaded) are drawn again where they are. The picture is kept top row first, as
// the window's buffer is, in the window's pixel format: shown by glBlitFramebuffer, which Mesa's
// llvmpipe then does as a copy of rows (0.16 ms for 1080 × 1400 px) instead of shading every pixel
// (7 ms; docs/performance.md). Drawing uses Dear ImGui's own OpenGL backend.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ui/layer.h"

namespace vmeste::ui {

class DamageTracker;
struct PixelRect;

// Clears rectangles of the window's framebuffer (bound, the back buffer) to a colour by copying
// rows of a strip kept in that colour, with the same blit as the layers': llvmpipe shades a
// scissored glClear (2 ms of the category grid's 8 a tap) and copies the blit.
class GlRowClear {
  public:
    ~GlRowClear();
    // False if it cannot (no framebuffer objects): the caller clears its own way.
    bool clear(const std::vector<PixelRect>& rects, int fb_w, int fb_h, float r, float g, float b);

  private:
    static constexpr int kRows = 128;  // 1080 px × 128 rows × 4 bytes: half a MiB
    unsigned fbo_ = 0, texture_ = 0;
    int w_ = 0;
    float rgb_[3] = {-1, -1, -1};
};

class GlLayerCompositor final : public LayerCompositor {
  public:
    // Null when the driver has no framebuffer objects. `versions`: whose texture versions tell a
    // texture made again under an old name from the one drawn (the host's damage tracker).
    static std::unique_ptr<GlLayerCompositor> create(const DamageTracker* versions);
    ~GlLayerCompositor() override;
    GlLayerCompositor(const GlLayerCompositor&) = delete;
    GlLayerCompositor& operator=(const GlLayerCompositor&) = delete;

    void compose(const Layer& layer, const ImDrawList* parent, const ImDrawCmd* cmd) override;
    long take_drawn_pixels() override;
    // The picture goes after kIdleFrames frames without the layer (10 s at 60 Hz; the map's is
    // 5 MiB at 1080 × 1920), and comes back drawn whole.
    void end_frame() override;
    static constexpr int kIdleFrames = 600;
    // A picture larger than this (or than the driver's GL_MAX_TEXTURE_SIZE) is not kept: the
    // layer is drawn where it shows, every frame. For tests of that way.
    void set_max_picture(int side) { max_side_ = side; }

  private:
    explicit GlLayerCompositor(const DamageTracker* versions) : versions_(versions) {}
    struct Kept {
        Layer::Piece piece;
        uint64_t version = 0;
        bool operator==(const Kept&) const = default;
    };
    struct WorldRect {
        long x0, y0, x1, y1;
    };
    bool ensure_picture(int w, int h);
    // Brings the kept picture to `layer`'s view: draws what it lacks.
    void update(const Layer& layer);
    void draw(const Layer& layer, const std::vector<WorldRect>& rects);
    // list_ made empty for a target of w × h; drawn into `target` (0: the one bound).
    ImDrawList* begin_list(int w, int h);
    void render_list(unsigned target, int w, int h);

    const DamageTracker* versions_;
    unsigned fbo_ = 0, texture_ = 0;
    int w_ = 0, h_ = 0;
    bool valid_ = false;
    uint64_t key_ = 0;
    uint32_t background_ = 0;
    long view_x_ = 0, view_y_ = 0;
    std::vector<Kept> kept_;
    long drawn_pixels_ = 0;
    int idle_frames_ = 0;
    int max_side_ = 1 << 30;
    void release();
    std::unique_ptr<ImDrawList> list_;
};

}  // namespace vmeste::ui
