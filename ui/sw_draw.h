// SoftwareDrawer: Dear ImGui's draw data drawn with SDL's software renderer (the GPU-less
// terminal's), in place of the backend's ImGui_ImplSDLRenderer_RenderDrawData, so that drawing only
// the damaged rectangles of a frame (issue #22) gives exactly the pixels of a full redraw.
//
// SDL 2.26 draws a command's triangles in two ways (SDL_SW_RenderGeometryRaw): two consecutive
// triangles that make an axis-aligned rectangle of one colour become a rectangle fill or a blit of
// the texture; every other triangle is rasterised alone. Fills, one-to-one blits and the triangle
// rasteriser give each pixel a value that depends on that pixel only, so a clip rectangle cuts them
// without changing a pixel inside it. A blit that scales does not: cut by a clip rectangle, SDL
// scales the part that is left and samples the texels from where the cut starts. And which
// triangles pair depends on their neighbours in the command, so leaving some out changes it.
// Here:
// - the pairing is decided on the whole command, as SDL decides it, before anything is left out;
//   what is drawn for a rectangle is the units (a rectangle, or a run of single triangles that were
//   neighbours) that reach it;
// - a picture or glyph drawn at another size than its texture holds is first scaled whole, by SDL,
//   into a texture of exactly that size (kept while it is used: a photo's thumbnail, the camera's
//   preview, a glyph of large text) and then blitted one to one. SDL does the same itself for a
//   blit that crosses the screen's edge. It is also cheaper: SDL's linear scaling of an RGB picture
//   converts the whole picture first, on every frame.
// Render thread only.
#pragma once

#include <imgui.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "ui/damage.h"

struct SDL_Renderer;
struct SDL_Texture;

namespace vmeste::ui {

class SoftwareDrawer {
  public:
    explicit SoftwareDrawer(SDL_Renderer* renderer) : renderer_(renderer) {}
    ~SoftwareDrawer();
    SoftwareDrawer(const SoftwareDrawer&) = delete;
    SoftwareDrawer& operator=(const SoftwareDrawer&) = delete;

    // Draws `data` on the renderer's target: everywhere (`rects` null), or only inside `rects`
    // (disjoint framebuffer rectangles).
    void draw(const ImDrawData& data, const std::vector<PixelRect>* rects = nullptr);

    // Dear ImGui's font atlas and the texel in it that is white (ImFontAtlas::TexUvWhitePixel):
    // triangles that sample only that texel are drawn as coloured triangles. Unset, none are.
    void set_atlas(ImTextureID atlas, ImVec2 white_uv) {
        atlas_ = atlas;
        white_ = white_uv;
    }

    // A texture's pixels changed: its scaled copies are made again when next drawn.
    void texture_changed(ImTextureID texture);
    // A texture went: its scaled copies go too.
    void texture_gone(ImTextureID texture);

    // Scaled copies kept, and their bytes.
    size_t scaled_copies() const { return copies_.size(); }
    size_t scaled_bytes() const { return bytes_; }
    // Copies not drawn in more than this many drawn frames go; and beyond kMaxBytes, the least
    // recently drawn.
    static constexpr long kKeepFrames = 600;
    static constexpr size_t kMaxBytes = size_t{48} << 20;

  private:
    // What SDL makes of a command's triangles.
    struct Unit {
        enum Kind : uint8_t { kTriangles, kFill, kCopy } kind = kTriangles;
        bool solid = false;  // kTriangles: the atlas's white texel only (a shape, not a glyph)
        int flip = 0;        // kCopy: SDL_RendererFlip
        unsigned first = 0;  // kTriangles: its first index in the command
        float dx = 0, dy = 0, dw = 0, dh = 0;  // kFill, kCopy: the rectangle on screen
        int sx = 0, sy = 0, sw = 0, sh = 0;    // kCopy: texels
        uint32_t col = 0;                      // kFill, kCopy: ImGui's colour (RGBA bytes)
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0;    // pixels it can touch (for leaving it out)
    };
    void split(const ImDrawList& list, const ImDrawCmd& cmd, SDL_Texture* tex);
    void submit(const ImDrawList& list, const ImDrawCmd& cmd, SDL_Texture* tex, const Unit* units,
                size_t n);
    // The texture `tex`'s texels (sx, sy, sw, sh) scaled to w × h (and flipped), made if needed;
    // null if SDL cannot.
    SDL_Texture* scaled(SDL_Texture* tex, int sx, int sy, int sw, int sh, int w, int h, int flip);
    void evict();

    struct Key {
        SDL_Texture* tex;
        int sx, sy, sw, sh, w, h, flip;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const;
    };
    struct Copy {
        SDL_Texture* texture = nullptr;
        long used = 0;  // the frame it was last drawn in
        bool stale = false;
        size_t bytes = 0;
    };

    SDL_Renderer* renderer_;
    ImTextureID atlas_ = nullptr;
    ImVec2 white_{-1, -1};
    std::vector<Unit> units_;
    std::vector<Unit> picked_;
    std::unordered_map<Key, Copy, KeyHash> copies_;
    size_t bytes_ = 0;
    long frame_ = 0;
};

}  // namespace vmeste::ui
