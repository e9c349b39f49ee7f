// Textures: what the renderer does with pictures, behind one seam. The host provides the one of
// its renderer — OpenGL textures, or SDL_Textures of SDL's software renderer on a terminal with no
// GPU (sdl_host.h) — and TextureImages / CameraTexture use it without knowing which. Render
// thread only.
#pragma once

#include <imgui.h>

#include <cstdint>

namespace vmeste::ui {

class LayerCompositor;

class Textures {
  public:
    virtual ~Textures() = default;
    // A texture of w × h RGB pixels (rows packed, 3 bytes a pixel), filtered when scaled; null if
    // the renderer cannot make it.
    virtual ImTextureID create(int w, int h, const uint8_t* rgb) = 0;
    // New pixels of the same size.
    virtual void update(ImTextureID texture, int w, int h, const uint8_t* rgb) = 0;
    virtual void destroy(ImTextureID texture) = 0;
    // The renderer's keeper of layers (layer.h), if it has one.
    virtual LayerCompositor* layers() { return nullptr; }
};

}  // namespace vmeste::ui
