// Damage tracking over Dear ImGui's draw data (issue #22): what changed between two frames, so
// that a renderer rasterises only that and the rest of the screen stays as it was drawn.
//
// The screen is cut into tiles of kTile × kTile pixels. Every triangle of a frame (its vertices,
// texture and the version of the texture's pixels, its clip rectangle) is folded, in drawing
// order, into the hash of each tile its bounding box touches; a tile whose hash differs from the
// last frame's is damaged. The damaged tiles are merged into disjoint rectangles. For OpenGL,
// restrict_to() cuts the draw data down to them: only the triangles that touch a rectangle, each
// command's clip rectangle narrowed to it; SDL's software renderer has its own way
// (SoftwareDrawer, sw_draw.h). Drawn over a buffer that kept the last frame (the window's surface
// for SDL's software renderer, the back buffer or a framebuffer object for OpenGL) after those
// rectangles were cleared, the result equals a full redraw pixel for pixel (DamageParity.* in
// tests/screenshot/ holds it to that on every screen).
//
// A hash is not proof: two different tiles with the same 64-bit hash would keep a stale tile. The
// odds are 2^-64 a tile a frame; a full redraw every `kFullEvery` frames bounds how long a miss
// could last.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace vmeste::ui {

class Layer;

struct PixelRect {
    int x = 0, y = 0, w = 0, h = 0;
    long area() const { return static_cast<long>(w) * h; }
    bool empty() const { return w <= 0 || h <= 0; }
    bool operator==(const PixelRect&) const = default;
};

class DamageTracker {
  public:
    static constexpr int kTile = 64;
    // How the renderer's backend turns a command's clip rectangle into pixels.
    enum class ClipRule { kSdlRenderer, kOpenGl3 };
    explicit DamageTracker(ClipRule rule) : rule_(rule) {}
    void set_clip_rule(ClipRule rule) {
        rule_ = rule;
        all_ = true;
    }
    static constexpr int kFullEvery = 3600;  // a minute of frames at 60 Hz

    // This frame against the last one compared: the rectangles (framebuffer pixels, top-left
    // origin) whose pixels can differ, disjoint; empty when the frame would draw exactly what the
    // buffer holds. `clear_rgba`: the colour under everything (a new one damages everything).
    const std::vector<PixelRect>& compare(const ImDrawData& data, int fb_w, int fb_h,
                                          uint32_t clear_rgba);
    // The next compare() damages the whole screen (the buffer lost what it held).
    void invalidate() { all_ = true; }
    // A texture's pixels changed (or it was made, or it went): where it is drawn is damaged.
    void texture_changed(ImTextureID texture);
    void texture_gone(ImTextureID texture);

    // The draw data cut down to `rects` (from the last compare()): only the triangles that touch
    // one, each command drawn once for each rectangle it touches, clipped to it. Valid until the
    // next call.
    // A layer (layer.h) is opaque over its clip rectangle: what is drawn there before it is
    // left out (each such command is clipped to the parts of a rectangle outside it).
    ImDrawData* restrict_to(const ImDrawData& data, const std::vector<PixelRect>& rects);
    // The rectangle of the first layer in `data` (framebuffer pixels), empty if none: the
    // renderer need not clear there, the layer's copy covers it. Found once after each
    // compare() (restrict_to() uses the same).
    const PixelRect& find_occluder(const ImDrawData& data);
    // A command's clip rectangle in framebuffer pixels exactly as the backend of `rule` makes it
    // (display offset `off`, framebuffer scale `scale`); empty if nothing shows.
    static PixelRect backend_clip(const ImVec4& clip, ImVec2 off, ImVec2 scale, ClipRule rule,
                                  int fb_w, int fb_h);
    // `a` without `b`: up to four disjoint rectangles appended to `out`.
    static void subtract(const PixelRect& a, const PixelRect& b, std::vector<PixelRect>* out);

    // The version of a texture's pixels: another after texture_changed() or texture_gone().
    uint64_t version_of(ImTextureID t) const;

    // Figures of the last compare(): pixels damaged, triangles hashed.
    long damaged_pixels() const { return damaged_pixels_; }
    long triangles() const { return triangles_; }

  private:
    struct IntRect {
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // framebuffer pixels, half-open
        bool empty() const { return x0 >= x1 || y0 >= y1; }
    };
    IntRect clip_of(const ImDrawData& d, const ImDrawCmd& cmd) const;
    // A triangle's bounding box, a pixel wider, within its clip rectangle.
    IntRect box_of(const ImDrawData& d, const ImDrawVert* v, const ImDrawIdx* idx,
                   const IntRect& clip) const;
    uint64_t layer_hash(const Layer& layer, const IntRect& clip) const;
    void merge_tiles(const std::vector<char>& damaged, const IntRect* within);

    ClipRule rule_;
    int w_ = 0, h_ = 0, cols_ = 0, rows_ = 0;
    std::vector<uint64_t> last_, now_;
    std::vector<uint64_t> layer_last_, layer_now_;  // the layers' pictures, apart
    bool all_ = true;
    uint32_t clear_ = 0;
    long frames_ = 0;
    std::unordered_map<ImTextureID, uint64_t> versions_;
    uint64_t next_version_ = 1;
    std::vector<PixelRect> rects_;
    std::vector<int> tile_rect_;  // the rectangle (index into rects_) a damaged tile is in, or -1
    long damaged_pixels_ = 0, triangles_ = 0;
    // restrict_to()'s output, kept between frames for its buffers.
    std::vector<std::unique_ptr<ImDrawList>> lists_;
    std::vector<ImDrawList*> list_ptrs_;
    std::vector<std::vector<ImDrawIdx>> per_rect_;
    PixelRect occluder_;
    const ImDrawCmd* occluding_cmd_ = nullptr;
    bool occluder_found_ = false;  // since the last compare()
    ImDrawData out_;
};

}  // namespace vmeste::ui
